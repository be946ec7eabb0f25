//! The ticket cache (DESIGN.md §8): every ticket.md's front matter, parsed once and kept
//! in `.git/tiketti/cache/tickets` (never versioned, always rebuildable), so that `list`,
//! `report` and the link scans read one file instead of 100,000.
//!
//! Each entry is keyed by the blob OID of the ticket.md it was parsed from and carries
//! the file's stamp (mtime, ctime, size, inode) when it was read. A command checks the
//! work tree, not HEAD: a hand edit not yet committed is what `show` shows, so `list`
//! must see it too. It stats the `tickets/` directory and its shard directories (a ticket
//! added or removed changes its shard's stamp; only a changed shard is listed again) and
//! every ticket.md; a file whose stamp changed is read and hashed, and parsed only when
//! its OID changed. A stamp taken within two seconds of the change is not kept (git's
//! "racily clean" entries), so a second write in the same clock tick is never missed.
//!
//! A missing cache is built (a progress bar on a terminal); a damaged one, or one of
//! another version, is rebuilt with a note on stderr. The file is replaced atomically
//! without the writer lock: every entry is validated on its own each time it is used, so
//! any complete file two racing readers leave is a correct one.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use chrono::{TimeZone, Utc};
use git2::{ObjectType, Oid};

use super::binfmt::{FileStamp, Reader, Writer, now_ns};
use super::fsutil::ShardDirs;
use super::{Repo, StoreError, bad_file, fsutil, io_err};
use crate::ticket::codec::Document;
use crate::ticket::{Due, Ticket, TicketId, id};

const MAGIC: &[u8; 16] = b"tiketti-tickets\0";
const VERSION: u32 = 6;
const DIRS_MAGIC: &[u8; 16] = b"tiketti-tkt-dirs";
const DIRS_VERSION: u32 = 1;
/// Entries read again since the file was written that make it worth writing again.
const REWRITE_AFTER: usize = 64;

/// One ticket.md as last read: its stamp, its blob, and the encoded summary (a ticket,
/// or why the file does not parse), decoded only when a caller asks for it.
#[derive(Debug, Clone)]
struct Entry<'a> {
    id: &'a str,
    stamp: FileStamp,
    oid: Oid,
    record: std::borrow::Cow<'a, [u8]>,
}

#[derive(Debug, Clone, Default)]
struct Shard {
    stamp: FileStamp,
    /// The ticket directories in the shard (with or without a ticket.md), sorted.
    ids: Vec<String>,
}

/// The listings of the `tickets/` directory and its shards.
#[derive(Debug, Default)]
struct Dirs {
    root: FileStamp,
    shards: BTreeMap<String, Shard>,
}

#[derive(Debug, Default)]
struct Cache<'a> {
    /// Sorted by ID.
    entries: Vec<Entry<'a>>,
}

/// A ticket as the cache holds it: its encoded summary and the blob it was parsed from,
/// with its description when its file was just read and one was asked for.
struct Item<'r> {
    record: &'r [u8],
    oid: Oid,
    description: Option<&'r str>,
}

/// A ticket as the cache holds it, or why its file could not be read.
type Record<'r> = Result<Item<'r>, StoreError>;

/// What a look at one ticket.md found.
enum Check {
    Same,
    Gone,
    Read {
        stamp: FileStamp,
        oid: Oid,
        record: Option<Vec<u8>>,
        description: Option<String>,
    },
    /// It could not be read (the error went to the caller's map).
    Failed,
}

impl Repo {
    fn ticket_cache_path(&self) -> PathBuf {
        self.state_dir().join("cache").join("tickets")
    }

    /// The shard listings, apart from the entries: `ingest` needs only them, and they
    /// are 1 MB where the entries are 30 at 100,000 tickets.
    fn dirs_cache_path(&self) -> PathBuf {
        self.state_dir().join("cache").join("dirs")
    }

    /// The shard listings as last written, brought up to date (and written again if
    /// any changed), and whether the file was there but damaged.
    fn listed_dirs(&self, now: i64) -> Result<(Dirs, bool), StoreError> {
        let path = self.dirs_cache_path();
        let bytes = std::fs::read(&path).ok();
        let decoded = bytes.as_deref().map(decode_dirs);
        let damaged = matches!(decoded, Some(None));
        let mut dirs = decoded.flatten().unwrap_or_default();
        if self.refresh_dirs(&mut dirs, now)? > 0 || bytes.is_none() || damaged {
            // Like the entries: a listing that cannot be written costs only time.
            let _ = fsutil::replace_atomic(&path, &encode_dirs(&dirs));
        }
        Ok((dirs, damaged))
    }

    fn descriptions_path(&self) -> PathBuf {
        self.state_dir().join("cache").join("descriptions")
    }

    /// Every ticket in the work tree, sorted by ID, as a summary (the front matter
    /// without the document: [`Ticket::into_summary`]) or the error that names its file
    /// and line. From the ticket cache, brought up to date first.
    pub fn summaries(&self) -> Result<Vec<Result<Ticket, StoreError>>, StoreError> {
        let parts = self.fold_summaries(false, Vec::with_capacity, |out, _, t| out.push(t))?;
        Ok(concat(parts))
    }

    /// Every ticket ID in the work tree (a ticket directory with a ticket.md), sorted.
    pub fn ticket_ids(&self) -> Result<Vec<TicketId>, StoreError> {
        self.collect(true, &|id, _| TicketId::canonical(id))
    }

    /// The ticket directories in the work tree, sorted: the ticket cache's listings of
    /// the shard folders, each listed again only if its stamp changed, and no file in
    /// them looked at (a folder without a ticket.md is among them).
    pub fn ticket_dirs(&self) -> Result<Vec<TicketId>, StoreError> {
        let (dirs, _) = self.listed_dirs(now_ns())?;
        Ok(dirs
            .shards
            .into_values()
            .flat_map(|s| s.ids.into_iter().filter_map(TicketId::canonical_owned))
            .collect())
    }

    /// The summaries of the tickets that name a parent or a tracker; the others are not
    /// even decoded.
    pub fn linked_summaries(&self) -> Result<Vec<Ticket>, StoreError> {
        self.collect(false, &|_, record| match record {
            Ok(item) if has_link(item.record) => decode_record(item.record)?.ok(),
            _ => None,
        })
    }

    /// Every ticket's summary (or the error that names its file) folded into an
    /// accumulator per worker, on all cores while the cache is checked; the accumulators
    /// cover consecutive runs of IDs, in order. `init` is told how many tickets its
    /// accumulator will see (room reserved for all of them is only touched as it fills).
    /// A caller that keeps few summaries holds few. With `description`, each summary's
    /// document holds the ticket's description (its body, for `search`), and nothing
    /// else.
    pub fn fold_summaries<A: Send>(
        &self,
        description: bool,
        init: impl Fn(usize) -> A + Sync,
        step: impl Fn(&mut A, &TicketId, Result<Ticket, StoreError>) + Sync,
    ) -> Result<Vec<A>, StoreError> {
        if !description {
            return self.scan_fold(false, &init, &|acc, id, record| {
                if let Some(id) = TicketId::canonical(id) {
                    let t = record.and_then(|item| summary(&id, item.record));
                    step(acc, &id, t)
                }
            });
        }
        // The descriptions live in a file of their own, read only when asked for: they
        // are more than half of all the text and `list` never needs them.
        let path = self.descriptions_path();
        let bytes = std::fs::read(&path).ok();
        let decoded = bytes.as_deref().map(decode_descriptions);
        if let Some(None) = decoded {
            note_rebuild(&path);
        }
        let fresh = !matches!(decoded, Some(Some(_)));
        let known = decoded.flatten().unwrap_or_default();
        let tickets = self.root.join("tickets");
        let parts = self.scan_fold(
            true,
            &|n| (init(n), Vec::new()),
            &|(acc, kept), id, record| {
                let Some(id) = TicketId::canonical(id) else {
                    return;
                };
                let t = record.and_then(|item| {
                    let mut t = summary(&id, item.record)?;
                    let at = known.binary_search_by(|d| (*d.id).cmp(id.as_str())).ok();
                    let body = match (item.description, at) {
                        (Some(d), _) => {
                            kept.push(Kept::New(Description::owned(&id, item.oid, d)));
                            d.to_string()
                        }
                        (None, Some(i)) if known[i].oid == item.oid => {
                            kept.push(Kept::Old(i));
                            known[i].body.to_string()
                        }
                        // Read from the ticket cache before: the file has not changed, its
                        // description was never asked for.
                        (None, _) => match read_description(&tickets, &id) {
                            Some(d) if d.oid == item.oid => {
                                let body = d.body.to_string();
                                kept.push(Kept::New(d));
                                body
                            }
                            Some(d) => d.body.into_owned(),
                            None => String::new(),
                        },
                    };
                    t.doc = Document::body_only(body);
                    Ok(t)
                });
                step(acc, &id, t)
            },
        )?;
        let mut out = Vec::with_capacity(parts.len());
        let mut all = Vec::new();
        for (acc, mut kept) in parts {
            out.push(acc);
            all.append(&mut kept);
        }
        let new = all.iter().filter(|k| matches!(k, Kept::New(_))).count();
        if fresh || new + known.len().saturating_sub(all.len() - new) >= REWRITE_AFTER {
            let list: Vec<&Description<'_>> = all
                .iter()
                .map(|k| match k {
                    Kept::Old(i) => &known[*i],
                    Kept::New(d) => d,
                })
                .collect();
            let _ = fsutil::replace_atomic(&path, &encode_descriptions(&list));
        }
        Ok(out)
    }

    /// The `Some` results of `f` over every record, in ID order; `most` when nearly
    /// every record gives one.
    fn collect<T: Send>(
        &self,
        most: bool,
        f: &(dyn Fn(&str, Record<'_>) -> Option<T> + Sync),
    ) -> Result<Vec<T>, StoreError> {
        let init = |n: usize| Vec::with_capacity(if most { n } else { 0 });
        let parts = self.scan_fold(false, &init, &|out, id, record| out.extend(f(id, record)))?;
        Ok(concat(parts))
    }

    /// Bring the cache up to date and fold every ticket's encoded record (or why its
    /// file cannot be read) into one accumulator per worker, on all cores, in the same
    /// pass that checks each ticket.md.
    fn scan_fold<A: Send>(
        &self,
        description: bool,
        init: &(dyn Fn(usize) -> A + Sync),
        step: &(dyn Fn(&mut A, &str, Record<'_>) + Sync),
    ) -> Result<Vec<A>, StoreError> {
        let path = self.ticket_cache_path();
        let now = now_ns();
        let (dirs, dirs_damaged) = self.listed_dirs(now)?;
        let bytes = std::fs::read(&path).ok();
        let decoded = bytes.as_deref().map(Cache::decode);
        let damaged = match decoded {
            Some(None) => Some(path.clone()),
            _ => dirs_damaged.then(|| self.dirs_cache_path()),
        };
        if let Some(damaged) = damaged {
            note_rebuild(&damaged);
        }
        let fresh = !matches!(decoded, Some(Some(_)));
        let cache = decoded.flatten().unwrap_or_default();
        // How much was read again: a little is cheaper to read again next time than
        // the whole file (30 MB at 100,000 tickets) is to write.
        let mut work = 0;
        let ids: Vec<&str> = dirs
            .shards
            .values()
            .flat_map(|s| s.ids.iter().map(String::as_str))
            .collect();
        // Both lists are sorted: one merge pairs every ID with its entry.
        let mut old: Vec<Option<&Entry<'_>>> = Vec::with_capacity(ids.len());
        let mut next = cache.entries.iter().peekable();
        for id in &ids {
            while next.next_if(|e| e.id < *id).is_some() {}
            old.push(next.next_if(|e| e.id == *id));
        }
        work += cache.entries.len() - old.iter().flatten().count();
        let (checks, out) = self.check_all(&ids, &old, now, description, init, step);
        let mut entries = Vec::with_capacity(ids.len());
        for ((id, check), old) in ids.iter().zip(checks).zip(old) {
            match check {
                Check::Same => entries.extend(old.cloned()),
                Check::Gone | Check::Failed => work += usize::from(old.is_some()),
                Check::Read {
                    stamp, oid, record, ..
                } => {
                    work += 1;
                    let record = match record {
                        Some(r) => std::borrow::Cow::Owned(r),
                        None => old.map(|e| e.record.clone()).unwrap_or_default(),
                    };
                    entries.push(Entry {
                        id,
                        stamp,
                        oid,
                        record,
                    });
                }
            }
        }
        if fresh || work >= REWRITE_AFTER {
            // A cache that cannot be written (a read-only clone, a full disk) costs only
            // the next command the same reading again.
            let _ = fsutil::replace_atomic(&path, &encode(&entries));
        }
        Ok(out)
    }

    /// Bring the shard lists up to date; how many directories were listed again.
    fn refresh_dirs(&self, cache: &mut Dirs, now: i64) -> Result<usize, StoreError> {
        let tickets = self.root.join("tickets");
        let Some(root) = FileStamp::read(&tickets) else {
            let changed = cache.shards.len() + usize::from(cache.root != FileStamp::default());
            *cache = Dirs::default();
            return Ok(changed);
        };
        let mut changed = 0;
        if root != cache.root {
            let names = list_dir(&tickets, |n| n.len() == 2 && id::is_canonical_prefix(n))?;
            let mut shards = BTreeMap::new();
            for n in names {
                let s = cache.shards.remove(&n).unwrap_or_default();
                shards.insert(n, s);
            }
            cache.shards = shards;
            cache.root = root.settled(now);
            changed += 1;
        }
        for (name, shard) in cache.shards.iter_mut() {
            let dir = tickets.join(name);
            let stamp = FileStamp::read(&dir).unwrap_or(FileStamp::NONE);
            if stamp != shard.stamp || stamp == FileStamp::NONE {
                shard.ids = list_dir(&dir, |n| {
                    n.starts_with(name.as_str()) && id::is_canonical_ticket_id(n)
                })?;
                shard.stamp = stamp.settled(now);
                changed += 1;
            }
        }
        Ok(changed)
    }

    /// Check every ticket.md against its entry and fold its record with `step`, on all
    /// cores.
    fn check_all<A: Send>(
        &self,
        ids: &[&str],
        old: &[Option<&Entry<'_>>],
        now: i64,
        description: bool,
        init: &(dyn Fn(usize) -> A + Sync),
        step: &(dyn Fn(&mut A, &str, Record<'_>) + Sync),
    ) -> (Vec<Check>, Vec<A>) {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 4);
        let missing = old.iter().filter(|e| e.is_none()).count();
        let bar = (missing >= 2000 && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new(missing as u64);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "building the ticket cache {bar:40} {pos}/{len} tickets {eta}",
            ) {
                bar.set_style(style);
            }
            bar
        });
        let tickets = self.root.join("tickets");
        let chunk = ids.len().div_ceil(threads).max(1);
        let mut checks = Vec::with_capacity(ids.len());
        let mut out = Vec::new();
        std::thread::scope(|scope| {
            let workers: Vec<_> = ids
                .chunks(chunk)
                .zip(old.chunks(chunk))
                .map(|(part, old)| {
                    let bar = bar.clone();
                    let tickets = tickets.as_path();
                    scope.spawn(move || {
                        let mut shards = ShardDirs::new(tickets);
                        let mut read = 0;
                        let mut checks = Vec::with_capacity(part.len());
                        let mut acc = init(part.len());
                        for (id, old) in part.iter().zip(old) {
                            let c = match check(&mut shards, id, *old, now, description) {
                                Err(e) => {
                                    step(&mut acc, id, Err(e));
                                    Check::Failed
                                }
                                Ok(Check::Gone) => Check::Gone,
                                Ok(mut c) => {
                                    let item = match &mut c {
                                        Check::Read {
                                            oid,
                                            record,
                                            description,
                                            ..
                                        } => Item {
                                            record: match record {
                                                Some(r) => r,
                                                None => old.map_or(&[], |e| &e.record),
                                            },
                                            oid: *oid,
                                            description: description.as_deref(),
                                        },
                                        _ => Item {
                                            record: old.map_or(&[], |e| &e.record),
                                            oid: old.map_or_else(Oid::zero, |e| e.oid),
                                            description: None,
                                        },
                                    };
                                    step(&mut acc, id, Ok(item));
                                    if let Check::Read { description, .. } = &mut c {
                                        *description = None;
                                    }
                                    c
                                }
                            };
                            if matches!(c, Check::Read { .. }) {
                                read += 1;
                                if read % 256 == 0
                                    && let Some(b) = &bar
                                {
                                    b.inc(256);
                                }
                            }
                            checks.push(c);
                        }
                        (checks, acc)
                    })
                })
                .collect();
            for w in workers {
                let (c, acc) = w.join().expect("a cache worker panicked");
                checks.extend(c);
                out.push(acc);
            }
        });
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        (checks, out)
    }
}

/// Say that a cache file is built again because it could not be used.
fn note_rebuild(path: &Path) {
    eprintln!(
        "note: {} is damaged or from another version of tiketti; rebuilding it",
        path.display()
    );
}

/// A ticket's description as its file says now.
fn read_description(tickets: &Path, id: &TicketId) -> Option<Description<'static>> {
    let path = tickets.join(id.shard()).join(id.as_str()).join("ticket.md");
    let bytes = std::fs::read(path).ok()?;
    let oid = Oid::hash_object(ObjectType::Blob, &bytes).ok()?;
    let doc = Document::parse(std::str::from_utf8(&bytes).ok()?).ok()?;
    Some(Description {
        id: std::borrow::Cow::Owned(id.to_string()),
        oid,
        body: std::borrow::Cow::Owned(doc.body),
    })
}

/// The parts in order, as one list (the first part's allocation reused).
fn concat<T>(parts: Vec<Vec<T>>) -> Vec<T> {
    let mut parts = parts.into_iter();
    let mut out = parts.next().unwrap_or_default();
    for mut p in parts {
        out.append(&mut p);
    }
    out
}

/// Compare one ticket.md with its entry; read and hash it only when its stamp changed,
/// and parse it only when its blob did.
fn check(
    shards: &mut ShardDirs<'_>,
    id: &str,
    old: Option<&Entry<'_>>,
    now: i64,
    description: bool,
) -> Result<Check, StoreError> {
    let rel = || format!("tickets/{}/{id}/ticket.md", &id[..2]);
    let stamp = match shards.stamp(id, "ticket.md", false) {
        Ok(Some(s)) => s,
        Ok(None) => return Ok(Check::Gone),
        Err(e) => return Err(io_err(format!("cannot read {}", rel()))(e)),
    };
    if old.is_some_and(|e| e.stamp == stamp && stamp != FileStamp::NONE) {
        return Ok(Check::Same);
    }
    let rel = rel();
    let bytes = match std::fs::read(shards.tickets().join(&id[..2]).join(id).join("ticket.md")) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Check::Gone),
        Err(e) => return Err(io_err(format!("cannot read {rel}"))(e)),
    };
    let oid = Oid::hash_object(ObjectType::Blob, &bytes)?;
    let stamp = stamp.settled(now);
    if old.is_some_and(|e| e.oid == oid) && !description {
        return Ok(Check::Read {
            stamp,
            oid,
            record: None,
            description: None,
        });
    }
    let mut parsed = match std::str::from_utf8(&bytes) {
        Err(e) => Err((
            line_at(&bytes, e.valid_up_to()),
            "the file is not UTF-8 text".to_string(),
        )),
        Ok(text) => match parse_summary(id, &rel, text) {
            Ok(t) => Ok(t),
            Err(StoreError::BadFile { line, message, .. }) => Err((line, message)),
            Err(e) => return Err(e),
        },
    };
    let description = match &mut parsed {
        Ok(t) if description => Some(std::mem::take(&mut t.doc.body)),
        _ => None,
    };
    Ok(Check::Read {
        stamp,
        oid,
        record: Some(encode_record(&parsed)),
        description,
    })
}

/// What `Repo::read_ticket` checks, as a summary.
fn parse_summary(id: &str, rel: &str, text: &str) -> Result<Ticket, StoreError> {
    let ticket = Ticket::parse(text).map_err(|e| bad_file(rel, e))?;
    if ticket.id.as_str() != id {
        return Err(StoreError::BadFile {
            line: ticket.doc.line_of("id").unwrap_or(1),
            path: rel.to_string(),
            message: format!("field `id` says {} but the directory is {id}", ticket.id),
        });
    }
    Ok(ticket.into_summary())
}

fn line_at(bytes: &[u8], offset: usize) -> usize {
    1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count()
}

/// The names in `dir` that `keep` accepts, sorted; none when it does not exist.
fn list_dir(dir: &Path, keep: impl Fn(&str) -> bool) -> Result<Vec<String>, StoreError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_err(format!("cannot read {}", dir.display()))(e)),
    };
    let mut names: Vec<String> = entries
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| keep(n))
        .collect();
    names.sort();
    Ok(names)
}

// ----- the file -----

/// The listings file.
fn encode_dirs(dirs: &Dirs) -> Vec<u8> {
    let size: usize = dirs.shards.values().map(|s| 64 + s.ids.len() * 12).sum();
    let mut w = Writer::new(DIRS_MAGIC, DIRS_VERSION, size);
    w.stamp(dirs.root);
    w.u32(dirs.shards.len() as u32);
    for (name, s) in &dirs.shards {
        w.str(name);
        w.stamp(s.stamp);
        w.strs(&s.ids);
    }
    w.finish()
}

/// `None` for anything that is not a whole, intact listings file of this version.
fn decode_dirs(bytes: &[u8]) -> Option<Dirs> {
    let mut r = Reader::open(bytes, DIRS_MAGIC, DIRS_VERSION)?;
    let mut dirs = Dirs {
        root: r.stamp()?,
        ..Dirs::default()
    };
    for _ in 0..r.u32()? {
        let name = r.string()?;
        let shard = Shard {
            stamp: r.stamp()?,
            ids: r.strings()?,
        };
        dirs.shards.insert(name, shard);
    }
    r.is_empty().then_some(dirs)
}

/// The entries file.
fn encode(entries: &[Entry<'_>]) -> Vec<u8> {
    let size: usize = entries.iter().map(|e| e.record.len() + 72).sum();
    let mut w = Writer::new(MAGIC, VERSION, size);
    w.u32(entries.len() as u32);
    for e in entries {
        w.str(e.id);
        w.stamp(e.stamp);
        w.bytes(e.oid.as_bytes());
        w.u32(e.record.len() as u32);
        w.bytes(&e.record);
    }
    w.finish()
}

impl<'a> Cache<'a> {
    /// `None` for anything that is not a whole, intact cache of this version. The
    /// records stay encoded, borrowed from `bytes`.
    fn decode(bytes: &'a [u8]) -> Option<Cache<'a>> {
        let mut r = Reader::open(bytes, MAGIC, VERSION)?;
        let mut cache = Cache::default();
        let n = r.u32()? as usize;
        cache.entries.reserve(n.min(r.b.len() / 64));
        for _ in 0..n {
            let id = r.str()?;
            let stamp = r.stamp()?;
            let oid = Oid::from_bytes(r.take(20)?).ok()?;
            let len = r.u32()? as usize;
            let record = std::borrow::Cow::Borrowed(r.take(len)?);
            if cache.entries.last().is_some_and(|e: &Entry<'_>| e.id >= id) {
                return None;
            }
            cache.entries.push(Entry {
                id,
                stamp,
                oid,
                record,
            });
        }
        r.is_empty().then_some(cache)
    }
}

/// A summary, or the line and message of why the file does not parse.
type Summary = Result<Ticket, (usize, String)>;

fn encode_record(parsed: &Summary) -> Vec<u8> {
    let mut w = Writer::default();
    match parsed {
        Err((line, message)) => {
            w.u8(0);
            w.u32(*line as u32);
            w.str(message);
        }
        Ok(t) => {
            w.u8(1);
            encode_ticket(&mut w, t);
        }
    }
    w.b
}

/// A ticket's summary from its record, or the error that names its file and line.
fn summary(id: &TicketId, record: &[u8]) -> Result<Ticket, StoreError> {
    let rel = || format!("tickets/{}/{id}/ticket.md", id.shard());
    match decode_record(record) {
        Some(Ok(t)) => Ok(t),
        Some(Err((line, message))) => Err(StoreError::BadFile {
            path: rel(),
            line,
            message,
        }),
        None => Err(StoreError::BadFile {
            path: rel(),
            line: 1,
            message: "the ticket cache entry is damaged; run the command again".into(),
        }),
    }
}

/// `None` when the record is damaged (the file's checksum makes that a bug, not chance).
fn decode_record(bytes: &[u8]) -> Option<Summary> {
    let mut r = Reader { b: bytes };
    let s = match r.u8()? {
        0 => Err((r.u32()? as usize, r.string()?)),
        1 => Ok(decode_ticket(&mut r)?),
        _ => return None,
    };
    r.is_empty().then_some(s)
}

fn encode_ticket(w: &mut Writer, t: &Ticket) {
    // The links first: a link scan decodes only the tickets that have one.
    w.opt_str(t.parent.as_deref());
    w.opt_str(t.tracker.as_deref());
    w.str(t.id.as_str());
    w.str(&t.subject);
    w.str(&t.status);
    for v in [
        &t.priority,
        &t.category,
        &t.assignee,
        &t.group,
        &t.requester,
        &t.channel,
    ] {
        w.opt_str(v.as_deref());
    }
    w.strs(&t.cc);
    w.strs(&t.tags);
    w.opt_str(t.due.map(Due::to_text).as_deref());
    w.i64(t.created.timestamp());
    w.u32(t.created.timestamp_subsec_nanos());
    w.u32(t.fields.len() as u32);
    for (k, v) in &t.fields {
        w.str(k);
        w.str(v);
    }
    w.strs(&t.collisions);
}

/// Whether a ticket record names a parent or a tracker, read without decoding it.
fn has_link(record: &[u8]) -> bool {
    let mut r = Reader { b: record };
    r.u8() == Some(1)
        && matches!(
            (r.opt_string(), r.opt_string()),
            (Some(p), Some(t)) if p.is_some() || t.is_some()
        )
}

fn decode_ticket(r: &mut Reader<'_>) -> Option<Ticket> {
    let parent = r.opt_string()?;
    let tracker = r.opt_string()?;
    let id = TicketId::canonical(r.str()?)?;
    let subject = r.string()?;
    let status = r.string()?;
    let mut opts: [Option<String>; 6] = Default::default();
    for o in &mut opts {
        *o = r.opt_string()?;
    }
    let [priority, category, assignee, group, requester, channel] = opts;
    let cc = r.strings()?;
    let tags = r.strings()?;
    let due = match r.opt_string()? {
        None => None,
        Some(s) => Some(Due::parse(&s)?),
    };
    let created = Utc.timestamp_opt(r.i64()?, r.u32()?).single()?;
    let n = r.u32()? as usize;
    let mut fields = Vec::with_capacity(n.min(r.b.len() / 8));
    for _ in 0..n {
        fields.push((r.string()?, r.string()?));
    }
    let collisions = r.strings()?;
    Some(Ticket {
        doc: Document::body_only(String::new()),
        id,
        subject,
        status,
        priority,
        category,
        assignee,
        group,
        requester,
        cc,
        channel,
        tags,
        due,
        parent,
        tracker,
        created,
        fields,
        collisions,
        summary: true,
    })
}

// ----- the descriptions -----

const DESCRIPTIONS_MAGIC: &[u8; 16] = b"tiketti-descript";

/// One ticket's description, for the blob it was read from.
#[derive(Debug)]
struct Description<'a> {
    id: std::borrow::Cow<'a, str>,
    oid: Oid,
    body: std::borrow::Cow<'a, str>,
}

impl Description<'_> {
    fn owned(id: &TicketId, oid: Oid, body: &str) -> Description<'static> {
        Description {
            id: std::borrow::Cow::Owned(id.to_string()),
            oid,
            body: std::borrow::Cow::Owned(body.to_string()),
        }
    }
}

/// What a search keeps of the descriptions file: an entry still good, or a new one.
enum Kept {
    Old(usize),
    New(Description<'static>),
}

fn encode_descriptions(list: &[&Description<'_>]) -> Vec<u8> {
    let size: usize = list.iter().map(|d| d.body.len() + 40).sum();
    let mut w = Writer::new(DESCRIPTIONS_MAGIC, VERSION, size);
    w.u32(list.len() as u32);
    for d in list {
        w.str(&d.id);
        w.bytes(d.oid.as_bytes());
        w.str(&d.body);
    }
    w.finish()
}

/// Sorted by ID; `None` for anything that is not a whole, intact file of this version.
fn decode_descriptions(bytes: &[u8]) -> Option<Vec<Description<'_>>> {
    let mut r = Reader::open(bytes, DESCRIPTIONS_MAGIC, VERSION)?;
    let n = r.u32()? as usize;
    let mut out: Vec<Description<'_>> = Vec::with_capacity(n.min(r.b.len() / 32));
    for _ in 0..n {
        let id = r.str()?;
        if out.last().is_some_and(|d| *d.id >= *id) {
            return None;
        }
        out.push(Description {
            id: std::borrow::Cow::Borrowed(id),
            oid: Oid::from_bytes(r.take(20)?).ok()?,
            body: std::borrow::Cow::Borrowed(r.str()?),
        });
    }
    r.is_empty().then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket_text(id: &str, status: &str, assignee: &str) -> String {
        format!(
            "---\nid: {id}\nsubject: Tilaus {id} ei näy\nstatus: {status}\nassignee: {assignee}\n\
             requester: Märta Ström <marta@example.com>\ncc:\n  - b@example.com\ntags:\n  - vip\n\
             due: 2026-11-30\ncreated: 2026-11-01T10:00:00.5Z\nfields:\n  order: \"123\"\n---\nBody\n"
        )
    }

    fn write(repo: &Repo, id: &str, text: &str) {
        let dir = repo.root().join("tickets").join(&id[..2]).join(id);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("ticket.md"), text).unwrap();
    }

    /// What reading every file afresh gives, as comparable text.
    fn fresh(repo: &Repo) -> Vec<String> {
        let mut ids: Vec<TicketId> = Vec::new();
        for shard in std::fs::read_dir(repo.root().join("tickets"))
            .unwrap()
            .flatten()
        {
            for d in std::fs::read_dir(shard.path()).unwrap().flatten() {
                if d.path().join("ticket.md").exists() {
                    ids.push(TicketId::parse(d.file_name().to_str().unwrap()).unwrap());
                }
            }
        }
        ids.sort();
        ids.iter()
            .map(|id| match repo.read_ticket(id) {
                Ok(t) => format!("{:?}", t.into_summary()),
                Err(e) => e.to_string(),
            })
            .collect()
    }

    fn cached(repo: &Repo) -> Vec<String> {
        let parts = repo
            .fold_summaries(
                true,
                |_| Vec::new(),
                |out, _, t| {
                    out.push(match t {
                        Ok(t) => format!("{t:?}"),
                        Err(e) => e.to_string(),
                    })
                },
            )
            .unwrap();
        concat(parts)
    }

    /// Make every stamp old enough to be kept, as minutes passing would.
    fn age(repo: &Repo) {
        fn walk(p: &Path, old: std::time::SystemTime) {
            if p.is_dir() {
                for e in std::fs::read_dir(p).unwrap().flatten() {
                    walk(&e.path(), old);
                }
            }
            std::fs::File::open(p).unwrap().set_modified(old).unwrap();
        }
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
        walk(&repo.root().join("tickets"), old);
    }

    fn repo() -> (tempfile::TempDir, Repo) {
        let dir = tempfile::tempdir().unwrap();
        let (repo, _) = Repo::init_git(dir.path()).unwrap();
        (dir, repo)
    }

    #[test]
    fn the_cache_gives_what_the_files_say_and_follows_every_change() {
        let (_d, repo) = repo();
        assert!(cached(&repo).is_empty());
        write(&repo, "AAAAAAAA", &ticket_text("AAAAAAAA", "open", "anna"));
        write(&repo, "AABBBBBB", &ticket_text("AABBBBBB", "new", "bob"));
        write(&repo, "ZZZZZZZZ", "---\nid: ZZZZZZZZ\nstatus: open\n---\n");
        age(&repo);
        assert_eq!(cached(&repo), fresh(&repo));
        assert!(cached(&repo)[2].contains("tickets/ZZ/ZZZZZZZZ/ticket.md:"));
        assert!(repo.ticket_cache_path().exists());

        // An edit of the same size, a new ticket, a removed one, a fixed broken one.
        write(&repo, "AAAAAAAA", &ticket_text("AAAAAAAA", "open", "bert"));
        write(
            &repo,
            "CCCCCCCC",
            &ticket_text("CCCCCCCC", "solved", "anna"),
        );
        std::fs::remove_dir_all(repo.root().join("tickets/AA/AABBBBBB")).unwrap();
        write(&repo, "ZZZZZZZZ", &ticket_text("ZZZZZZZZ", "open", "anna"));
        let now = cached(&repo);
        assert_eq!(now, fresh(&repo));
        assert_eq!(now.len(), 3);
        assert!(now[0].contains("\"bert\""), "{}", now[0]);

        // Recent stamps were not kept: a second same-size edit in the same instant is seen.
        write(&repo, "AAAAAAAA", &ticket_text("AAAAAAAA", "open", "cleo"));
        assert!(cached(&repo)[0].contains("\"cleo\""));
        age(&repo);
        assert_eq!(cached(&repo), fresh(&repo));
        assert_eq!(
            repo.ticket_ids()
                .unwrap()
                .iter()
                .map(|i| i.as_str().to_string())
                .collect::<Vec<_>>(),
            ["AAAAAAAA", "CCCCCCCC", "ZZZZZZZZ"]
        );
    }

    #[test]
    fn a_damaged_cache_is_rebuilt_not_trusted() {
        let (_d, repo) = repo();
        write(&repo, "AAAAAAAA", &ticket_text("AAAAAAAA", "open", "anna"));
        age(&repo);
        let good = cached(&repo);
        let path = repo.ticket_cache_path();
        let mut bytes = std::fs::read(&path).unwrap();
        let n = bytes.len();
        bytes[n / 2] ^= 0x20;
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(cached(&repo), good);
        std::fs::write(&path, b"garbage").unwrap();
        assert_eq!(cached(&repo), good);
        assert_eq!(std::fs::read(&path).unwrap().len(), n);

        // The shard listings likewise, and a listing that misses a new ticket's shard
        // (written before the ticket came) is listed again from the shard's stamp.
        let dirs = repo.dirs_cache_path();
        let listed = std::fs::read(&dirs).unwrap();
        std::fs::write(&dirs, &listed[..listed.len() - 1]).unwrap();
        assert_eq!(cached(&repo), good);
        assert_eq!(std::fs::read(&dirs).unwrap(), listed);
        write(&repo, "AAZZZZZZ", &ticket_text("AAZZZZZZ", "open", "anna"));
        std::fs::write(&dirs, &listed).unwrap();
        assert_eq!(cached(&repo).len(), 2);
        assert_eq!(repo.ticket_dirs().unwrap().len(), 2);
    }

    #[test]
    fn a_file_the_directory_disowns_is_an_error_naming_it() {
        let (_d, repo) = repo();
        write(&repo, "AAAAAAAA", &ticket_text("BBBBBBBB", "open", "anna"));
        let dir = repo.root().join("tickets/AA/AACCCCCC");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("ticket.md"), b"---\nid: AACCCCCC\n\xff\n").unwrap();
        let all = repo.summaries().unwrap();
        let err = all[0].as_ref().unwrap_err().to_string();
        assert!(err.starts_with("tickets/AA/AAAAAAAA/ticket.md:2:"), "{err}");
        assert!(err.contains("says BBBBBBBB"), "{err}");
        // Read again from the cache, the same messages; a file that is not text names
        // the line where it stops being text.
        let again = cached(&repo);
        assert_eq!(again[0], err);
        assert_eq!(
            again[1],
            "tickets/AA/AACCCCCC/ticket.md:3: the file is not UTF-8 text"
        );
    }

    #[test]
    fn descriptions_follow_the_files_whichever_command_read_them_first() {
        let (_d, repo) = repo();
        let bodies = |repo: &Repo| {
            let parts = repo
                .fold_summaries(
                    true,
                    |_| Vec::new(),
                    |out, _, t| out.push(t.unwrap().doc.body),
                )
                .unwrap();
            concat(parts)
        };
        let text = ticket_text("AAAAAAAA", "open", "anna");
        write(&repo, "AAAAAAAA", &text);
        age(&repo);
        // `list` builds the cache; the first search reads the description from the file.
        assert!(
            repo.summaries().unwrap()[0]
                .as_ref()
                .unwrap()
                .doc
                .body
                .is_empty()
        );
        assert_eq!(bodies(&repo), ["Body\n"]);
        assert!(repo.descriptions_path().exists());
        // A change of the description alone, seen by `list` first, then by a search.
        write(&repo, "AAAAAAAA", &text.replace("Body", "Uusi kuvaus"));
        repo.summaries().unwrap();
        assert_eq!(bodies(&repo), ["Uusi kuvaus\n"]);
        age(&repo);
        assert_eq!(bodies(&repo), ["Uusi kuvaus\n"]);
        // A damaged descriptions file is rebuilt, not trusted.
        let path = repo.descriptions_path();
        let mut bytes = std::fs::read(&path).unwrap();
        let n = bytes.len();
        bytes[n - 30] ^= 0x20;
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(bodies(&repo), ["Uusi kuvaus\n"]);
        let bytes = std::fs::read(&path).unwrap();
        let rebuilt = decode_descriptions(&bytes).unwrap();
        assert_eq!(rebuilt[0].body, "Uusi kuvaus\n");
    }

    #[test]
    #[should_panic(expected = "cached summary")]
    fn a_summary_is_never_written() {
        let t = Ticket::parse(&ticket_text("AAAAAAAA", "open", "anna")).unwrap();
        let _ = t.into_summary().render();
    }
}
