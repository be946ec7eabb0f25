//! The events cache: what threading and search need from every event file, kept in
//! `.git/tiketti/events-cache/` (never versioned, always rebuildable), so that neither
//! opens the helpdesk's hundreds of thousands of event files on every command.
//!
//! Per ticket it keeps the stamp of the ticket's `events/` directory and, per event file,
//! its name and stamp, what a search result shows (kind, author, time), what threading
//! reads (Message-ID, references, the recipients of automatic mail), and the event's
//! searchable text: its subject and body folded by [`fold`].
//!
//! Validation: a ticket whose directory stamp is unchanged is taken as it is (adding or
//! removing a file changes its directory's stamp). Otherwise the directory is listed and
//! only the files that are new, or whose own stamp changed, are read; tickets that are
//! gone drop out. Event files are immutable by contract (DESIGN.md §2), so an in-place
//! edit of one is seen when its directory next changes, or after `search --reindex`.
//!
//! Layout: the tickets are split into 32 segments by the first character of their ID, so
//! a change rewrites one segment. A segment is three files in the checked format of
//! [`super::binfmt`]: `<C>.idx`, the ticket table (a few dozen bytes per ticket);
//! `<C>.events`, each ticket's event records with a table of hashed keys (event IDs,
//! Message-IDs, references) sorted for binary search, so `ingest` looks a Message-ID up
//! instead of loading them all; `<C>.text`, the folded text of all the segment's events in
//! one buffer for a fast substring scan. `search` reads the table and the text, `ingest`
//! the table and the records. The index names the other two files by their checksums. A
//! file that is missing, damaged, of another version, or is not the one its index names
//! (two writers raced), makes its segment be read again from the event files. Files are
//! replaced atomically; a cache that cannot be written (a read-only clone) costs time only.

use std::collections::HashMap;
use std::io::Read as _;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, Utc};

use super::binfmt::{self, FileStamp, Reader, SUM_LEN, Writer};
use super::fsutil::ShardDirs;
use super::{Repo, fsutil, par_map};
use crate::mail::thread::StoredMessages;
use crate::ticket::codec::Quick;
use crate::ticket::id::{ALPHABET, is_canonical_ticket_id};
use crate::ticket::{Contact, Event, TicketId, kind};

const IDX_MAGIC: &[u8; 16] = b"tiketti-evt-idx\0";
const EVENTS_MAGIC: &[u8; 16] = b"tiketti-evt-list";
const TEXT_MAGIC: &[u8; 16] = b"tiketti-evt-text";
const VERSION: u32 = 3;
const NONE: u32 = u32::MAX;
/// Ends every event's text in a segment's buffer: a match cannot run from one event into
/// the next, since [`fold`] turns NUL into a space.
pub const SEPARATOR: u8 = 0;

/// How a cache refresh is going, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheProgress {
    /// Segments were missing, damaged or of another version: `tickets` tickets are read
    /// from their files (the first run in a clone reads them all).
    Rebuild { tickets: usize },
    /// `done` of the `total` changed tickets have been read.
    Reading { done: usize, total: usize },
    /// The refresh is over.
    Done,
}

/// What a command needs from the cache besides the ticket table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Need {
    /// The searchable text ([`Segment::text`]).
    pub text: bool,
    /// The event records, which the threading lookups ([`StoredMessages`]) read.
    pub events: bool,
    /// Read every event file again, whatever is cached.
    pub reindex: bool,
}

/// Case-insensitive, whitespace-insensitive text for searching: every character in lower
/// case (and the final sigma as σ), every run of whitespace (and NUL) as one space,
/// none at the ends; UTF-8 appended to `out`. A query folded the same way is a substring
/// of the folded text exactly when it occurs in the text, whatever the case and the line
/// breaks.
pub fn fold(text: &str, out: &mut Vec<u8>) {
    let start = out.len();
    out.reserve(text.len());
    let mut space = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            // ASCII, most of any mail: one byte in, one byte out.
            i += 1;
            if b.is_ascii_whitespace() || b == 0x0b || b == 0 {
                space = out.len() > start;
            } else {
                if space {
                    out.push(b' ');
                    space = false;
                }
                out.push(b.to_ascii_lowercase());
            }
            continue;
        }
        let c = text[i..].chars().next().unwrap_or('\u{fffd}');
        i += c.len_utf8();
        if c.is_whitespace() {
            space = out.len() > start;
            continue;
        }
        if space {
            out.push(b' ');
            space = false;
        }
        for l in c.to_lowercase() {
            let l = if l == 'ς' { 'σ' } else { l };
            out.extend_from_slice(l.encode_utf8(&mut [0; 4]).as_bytes());
        }
    }
}

/// What threading reads from an event that carries mail headers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct ThreadInfo {
    message_id: Option<String>,
    /// `references` then `in_reply_to`.
    references: Vec<String>,
    /// For automatic outbound mail (an `auto` key): the addresses of `to` and `cc`.
    auto_to: Option<Vec<String>>,
}

/// What an event file that parsed says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
struct EventInfo {
    kind: String,
    author: Option<String>,
    at: DateTime<Utc>,
}

/// One event file as the cache keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CachedEvent {
    /// The file name, `<time>-<event id>.md`.
    name: String,
    stamp: FileStamp,
    /// What it holds, or why it could not be read: (line, or 0; message).
    info: Result<EventInfo, (usize, String)>,
    /// Where its folded text lies in its ticket's text (the separator included).
    text: Range<usize>,
}

/// The event ID in an event file name (`<time>-<event id>.md`), if it has that shape.
fn event_id(name: &str) -> Option<&str> {
    Some(name.strip_suffix(".md")?.rsplit_once('-')?.1)
}

impl CachedEvent {
    fn event_id(&self) -> Option<&str> {
        event_id(&self.name)
    }
}

/// An event as read from its file, before it is split over the segment's files.
#[derive(Debug, Clone)]
struct Digested {
    event: CachedEvent,
    /// `None` for an event without `message_id`, `references` or `in_reply_to`.
    thread: Option<ThreadInfo>,
}

/// One ticket in a segment.
#[derive(Debug, Clone)]
pub struct CachedTicket {
    pub id: String,
    /// `None`: the ticket has no `events/` directory.
    dir: Option<FileStamp>,
    /// The latest event time (seconds), `i64::MIN` without events.
    pub last_at: i64,
    /// Some event file could not be read.
    pub broken: bool,
    /// Its events' folded text, within [`Segment::text`].
    pub text: Range<usize>,
    /// Its event records, within the events file's blocks.
    block: Range<usize>,
}

/// The tickets whose ID starts with one character.
#[derive(Debug, Default)]
pub struct Segment {
    pub tickets: Vec<CachedTicket>,
    events: Option<Records>,
    /// The text file and where its buffer is.
    text: Option<(Vec<u8>, Range<usize>)>,
    /// Threading only, a segment with few changed tickets is not written again (see
    /// [`OVERLAY_MAX`]): those tickets' events as read now, by ID, in place of the cached
    /// ones (`superseded`, indexes into `tickets`, ascending).
    overlay: Vec<(String, Vec<Digested>)>,
    superseded: Vec<usize>,
}

/// At most this many changed tickets in a segment, and a lookup that reads only event
/// records ([`Need::events`] alone: `ingest`) reads them from their files and leaves the
/// segment as it is on disk. Writing a segment again after every message cost a reply
/// 15-45 ms at 100,000 tickets (3 MB read and 6 MB written, and the next `fsync` waiting
/// for them); reading a few tickets' folders costs well under one.
const OVERLAY_MAX: usize = 8;

impl Segment {
    /// The folded text of every event of the segment's tickets, one after the other, each
    /// ended by [`SEPARATOR`]. Empty unless [`Need::text`].
    pub fn text(&self) -> &[u8] {
        self.text.as_ref().map_or(&[], |(b, r)| &b[r.clone()])
    }

    /// A ticket's events in file-name (time) order, with their threading data. Empty
    /// unless [`Need::events`].
    fn records(&self, t: &CachedTicket) -> Vec<Digested> {
        let Some(e) = &self.events else {
            return Vec::new();
        };
        if let Some(events) = e.block(t.block.clone()).and_then(|b| decode_block(&b)) {
            return events;
        }
        // A block that fails its checksum (the disk changed it since it was written, or
        // it could not be read): the ticket's event files answer, and the segment is read
        // again from them next time.
        let _ = std::fs::remove_file(&e.idx_file);
        let Ok(id) = TicketId::parse(&t.id) else {
            return Vec::new();
        };
        read_ticket_events(&e.root, &id, None, None, i64::MAX, &mut Vec::new()).events
    }
}

/// An events file: the sorted key table, and the tickets' blocks read with it (a segment
/// about to be written again needs them all) or one by one when asked for (threading
/// looks at a few tickets of 100,000: 13 MB of keys instead of 90 MB of blocks there).
#[derive(Debug)]
struct Records {
    /// The key table, and the blocks when the whole file was read.
    bytes: Vec<u8>,
    keys: Range<usize>,
    /// The blocks: in `bytes`, or at these offsets of `file`.
    blocks: Range<usize>,
    file: Option<std::fs::File>,
    /// Where a damaged block's ticket is read from instead, and the index file that is
    /// removed then, so that the segment is read again.
    root: PathBuf,
    idx_file: PathBuf,
}

impl Records {
    /// All the blocks, if the whole file was read.
    fn blocks(&self) -> Option<&[u8]> {
        self.file
            .is_none()
            .then(|| &self.bytes[self.blocks.clone()])
    }

    /// One ticket's block (its bytes, not yet checked).
    fn block(&self, r: Range<usize>) -> Option<std::borrow::Cow<'_, [u8]>> {
        use std::borrow::Cow;
        let Some(file) = &self.file else {
            return self.blocks().and_then(|b| b.get(r)).map(Cow::Borrowed);
        };
        let offset = self.blocks.start.checked_add(r.start)?;
        (r.end <= self.blocks.len()).then_some(())?;
        let mut buf = vec![0; r.len()];
        read_at(file, &mut buf, offset as u64).ok()?;
        Some(Cow::Owned(buf))
    }

    /// The tickets (indexes into the segment) with a key of this hash, ascending.
    fn tickets_with(&self, hash: u64) -> Vec<usize> {
        let keys = &self.bytes[self.keys.clone()];
        let n = keys.len() / KEY_LEN;
        let at = |i: usize| read_key(&keys[i * KEY_LEN..(i + 1) * KEY_LEN]);
        let (mut lo, mut hi) = (0, n);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if at(mid).0 < hash {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        (lo..n)
            .map(at)
            .take_while(|k| k.0 == hash)
            .map(|k| k.1)
            .collect()
    }
}

/// A key table entry: (hash, ticket index).
fn read_key(k: &[u8]) -> (u64, usize) {
    let mut hash = [0; 8];
    let mut index = [0; 4];
    hash.copy_from_slice(&k[..8]);
    index.copy_from_slice(&k[8..KEY_LEN]);
    (u64::from_le_bytes(hash), u32::from_le_bytes(index) as usize)
}

/// The cache as read and brought up to date: every segment, in ID order.
#[derive(Debug, Default)]
pub struct EventsCache {
    pub segments: Vec<Segment>,
}

impl EventsCache {
    /// Every cached ticket with its segment, in ID order.
    pub fn tickets(&self) -> impl Iterator<Item = (&Segment, &CachedTicket)> {
        self.segments
            .iter()
            .flat_map(|s| s.tickets.iter().map(move |t| (s, t)))
    }
}

// ----- threading lookups -----

/// A key of the events file's table: what it is (event ID, Message-ID, reference,
/// recipient of automatic mail) and the string, hashed with 64-bit FNV-1a: stable across
/// builds and platforms, which a cache on disk needs and the standard hasher does not
/// promise. A hash is only a hint; the block it points to is checked.
fn key(kind: u8, s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in std::iter::once(&kind).chain(s.as_bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

const KEY_EVENT: u8 = b'E';
const KEY_MESSAGE: u8 = b'M';
const KEY_REFERENCE: u8 = b'R';
const KEY_AUTO: u8 = b'A';
/// A key in the table: its hash (u64) and the ticket's index in the segment (u32).
const KEY_LEN: usize = 12;

fn keys_of(events: &[Digested]) -> Vec<u64> {
    let mut keys = Vec::new();
    for d in events {
        if let Some(id) = d.event.event_id() {
            keys.push(key(KEY_EVENT, id));
        }
        if let Some(t) = &d.thread {
            if let Some(m) = &t.message_id {
                keys.push(key(KEY_MESSAGE, m));
            }
            keys.extend(t.references.iter().map(|r| key(KEY_REFERENCE, r)));
            for a in t.auto_to.iter().flatten() {
                keys.push(key(KEY_AUTO, &a.to_lowercase()));
            }
        }
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}

impl EventsCache {
    /// The tickets with a key `kind`/`s` whose events pass `test`, in ID order.
    fn matching(&self, kind: u8, s: &str, test: &dyn Fn(&[Digested]) -> bool) -> Vec<TicketId> {
        let hash = key(kind, s);
        let mut out = Vec::new();
        for segment in &self.segments {
            let mut ids: Vec<&str> = segment
                .cached_with(hash)
                .filter(|t| test(&segment.records(t)))
                .map(|t| t.id.as_str())
                .collect();
            let fresh = segment.overlay.iter().filter(|(_, events)| test(events));
            if !segment.overlay.is_empty() {
                ids.extend(fresh.map(|(id, _)| id.as_str()));
                ids.sort_unstable();
            }
            out.extend(ids.into_iter().filter_map(|id| TicketId::parse(id).ok()));
        }
        out
    }
}

impl Segment {
    /// The cached tickets with a key of this hash that the overlay does not replace.
    fn cached_with(&self, hash: u64) -> impl Iterator<Item = &CachedTicket> {
        let found = self
            .events
            .as_ref()
            .map_or_else(Vec::new, |r| r.tickets_with(hash));
        found
            .into_iter()
            .filter(|i| self.superseded.binary_search(i).is_err())
            .filter_map(|i| self.tickets.get(i))
    }
}

/// Answers as a map filled ticket by ticket in ID order would (the way threading always
/// read the event files): the first ticket holding a Message-ID or a reference, the last
/// holding an event ID.
impl StoredMessages for EventsCache {
    fn event(&self, id: &str) -> Option<TicketId> {
        self.matching(KEY_EVENT, id, &|events| {
            events.iter().any(|d| d.event.event_id() == Some(id))
        })
        .pop()
    }

    fn message(&self, message_id: &str) -> Option<TicketId> {
        self.matching(KEY_MESSAGE, message_id, &|events| {
            events
                .iter()
                .filter_map(|d| d.thread.as_ref())
                .any(|t| t.message_id.as_deref() == Some(message_id))
        })
        .into_iter()
        .next()
    }

    fn referencing(&self, message_id: &str) -> Option<TicketId> {
        self.matching(KEY_REFERENCE, message_id, &|events| {
            events
                .iter()
                .filter_map(|d| d.thread.as_ref())
                .any(|t| t.references.iter().any(|r| r == message_id))
        })
        .into_iter()
        .next()
    }

    fn auto_sent(&self, email: &str) -> Vec<DateTime<Utc>> {
        let email = email.to_lowercase();
        let mut times = Vec::new();
        let mut add = |events: &[Digested]| {
            for d in events {
                let (Ok(info), Some(thread)) = (&d.event.info, &d.thread) else {
                    continue;
                };
                for a in thread.auto_to.iter().flatten() {
                    if a.to_lowercase() == email {
                        times.push(info.at);
                    }
                }
            }
        };
        for segment in &self.segments {
            for t in segment.cached_with(key(KEY_AUTO, &email)) {
                add(&segment.records(t));
            }
            for (_, events) in &segment.overlay {
                add(events);
            }
        }
        times
    }
}

// ----- reading an event file -----

/// What the cache takes from an event file's front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Fields {
    kind: String,
    author: Option<String>,
    at: DateTime<Utc>,
    subject: Option<String>,
    message_id: Option<String>,
    references: Vec<String>,
    in_reply_to: Vec<String>,
    to: Vec<String>,
    cc: Vec<String>,
    auto: bool,
}

/// The fields and the body of a file in the simple shape tiketti writes, read without
/// the YAML parser (most of the cost of a first build); `None` sends it to [`Event::parse`].
fn quick_fields(text: &str) -> Option<(Fields, &str)> {
    let q = Quick::parse(text)?;
    // As `Event::parse` requires; a file that lacks them is left to it, for the error.
    let need = |key: &str| q.get_str(key).flatten();
    need("id")?;
    let fields = Fields {
        kind: need("kind")?,
        at: crate::ticket::parse_time(&need("at")?)?,
        author: q.get_str("author")?,
        subject: q.get_str("subject").flatten(),
        message_id: q.get_str("message_id").flatten(),
        references: q.get_list("references"),
        in_reply_to: q.get_list("in_reply_to"),
        to: q.get_list("to"),
        cc: q.get_list("cc"),
        auto: q.has("auto"),
    };
    Some((fields, q.body))
}

fn full_fields(text: &str) -> Result<(Fields, String), crate::ticket::codec::CodecError> {
    let e = Event::parse(text)?;
    let list = |key: &str| e.doc.get_list(key).unwrap_or_default();
    let fields = Fields {
        subject: e.doc.get_str("subject").ok().flatten(),
        message_id: e.doc.get_str("message_id").ok().flatten(),
        references: list("references"),
        in_reply_to: list("in_reply_to"),
        to: list("to"),
        cc: list("cc"),
        auto: e.doc.keys().any(|k| k == "auto"),
        kind: e.kind,
        author: e.author,
        at: e.at,
    };
    Ok((fields, e.doc.body))
}

/// The cached form of an event file's text, and its folded searchable text.
fn digest(name: &str, stamp: FileStamp, text: &str) -> (Digested, Vec<u8>) {
    let (f, body) = match quick_fields(text) {
        Some((f, body)) => (f, std::borrow::Cow::Borrowed(body)),
        None => match full_fields(text) {
            Ok((f, body)) => (f, std::borrow::Cow::Owned(body)),
            Err(e) => return (broken(name, stamp, e.line, e.message), Vec::new()),
        },
    };
    // As threading always read the files: only events that carry mail headers count, and
    // a list that does not read is no list.
    let thread = ["\nmessage_id:", "\nreferences:", "\nin_reply_to:"]
        .iter()
        .any(|k| text.contains(k))
        .then(|| ThreadInfo {
            message_id: f.message_id,
            references: f.references.into_iter().chain(f.in_reply_to).collect(),
            auto_to: (f.kind == kind::OUTBOUND && f.auto).then(|| {
                f.to.iter()
                    .chain(&f.cc)
                    .filter_map(|c| Contact::parse(c).ok()?.email)
                    .collect()
            }),
        });
    let mut folded = Vec::with_capacity(text.len());
    if let Some(subject) = &f.subject {
        fold(subject, &mut folded);
        folded.push(b'\n');
    }
    fold(&body, &mut folded);
    let event = CachedEvent {
        name: name.to_string(),
        stamp,
        info: Ok(EventInfo {
            kind: f.kind,
            author: f.author,
            at: f.at,
        }),
        text: 0..0,
    };
    (Digested { event, thread }, folded)
}

fn broken(name: &str, stamp: FileStamp, line: usize, message: String) -> Digested {
    Digested {
        event: CachedEvent {
            name: name.to_string(),
            stamp,
            info: Err((line, message)),
            text: 0..0,
        },
        thread: None,
    }
}

/// Read one event file (through `buf`) and digest it. A file that cannot be read is kept
/// with [`FileStamp::NONE`], so the next run tries it again.
fn read_event(path: &Path, name: &str, stamp: FileStamp, buf: &mut Vec<u8>) -> (Digested, Vec<u8>) {
    buf.clear();
    if let Err(e) = std::fs::File::open(path).and_then(|mut f| f.read_to_end(buf)) {
        let why = format!("cannot read: {e}");
        return (broken(name, FileStamp::NONE, 0, why), Vec::new());
    }
    match std::str::from_utf8(buf) {
        Ok(text) => digest(name, stamp, text),
        Err(e) => (
            broken(name, stamp, 0, format!("not UTF-8: {e}")),
            Vec::new(),
        ),
    }
}

// ----- the files -----

fn put_time(w: &mut Writer, t: DateTime<Utc>) {
    w.i64(t.timestamp());
    w.u32(t.timestamp_subsec_nanos());
}

fn get_time(r: &mut Reader<'_>) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(r.i64()?, r.u32()?)
}

/// Strings numbered in the order they are first seen: a ticket's blocks store each
/// author, kind and Message-ID once, however many events repeat it.
#[derive(Default)]
struct Interner<'a> {
    strings: Vec<&'a str>,
    index: HashMap<&'a str, u32>,
}

impl<'a> Interner<'a> {
    fn id(&mut self, s: &'a str) -> u32 {
        let Interner { strings, index } = self;
        *index.entry(s).or_insert_with(|| {
            strings.push(s);
            (strings.len() - 1) as u32
        })
    }

    fn opt(&mut self, s: Option<&'a str>) -> u32 {
        s.map_or(NONE, |s| self.id(s))
    }

    /// The string table, then `records`.
    fn finish(self, records: Writer) -> Vec<u8> {
        let mut w = Writer::default();
        w.strs(&self.strings);
        w.bytes(&records.b);
        w.b
    }
}

/// A string table as written by [`Interner::finish`], and a lookup into it.
fn read_strings<'a>(r: &mut Reader<'a>) -> Option<Vec<&'a str>> {
    let n = r.u32()? as usize;
    let mut strings = Vec::with_capacity(n.min(r.b.len() / 4));
    for _ in 0..n {
        strings.push(r.str()?);
    }
    Some(strings)
}

fn string(strings: &[&str], i: u32) -> Option<String> {
    strings.get(i as usize).map(|s| s.to_string())
}

fn opt_string(strings: &[&str], i: u32) -> Option<Option<String>> {
    match i {
        NONE => Some(None),
        i => string(strings, i).map(Some),
    }
}

/// A ticket's event records: name, stamp, length of its text, what it holds (or why it
/// could not be read) and its threading data.
fn encode_block(events: &[Digested]) -> Vec<u8> {
    let mut names = Interner::default();
    let mut rec = Writer::default();
    rec.u32(events.len() as u32);
    for Digested { event: e, thread } in events {
        rec.str(&e.name);
        rec.stamp(e.stamp);
        rec.u64(e.text.len() as u64);
        match &e.info {
            Err((line, message)) => {
                rec.u8(0);
                rec.u64(*line as u64);
                rec.str(message);
            }
            Ok(info) => {
                rec.u8(1);
                rec.u32(names.id(&info.kind));
                rec.u32(names.opt(info.author.as_deref()));
                put_time(&mut rec, info.at);
            }
        }
        let Some(t) = thread else {
            rec.u8(0);
            continue;
        };
        rec.u8(1);
        rec.u32(names.opt(t.message_id.as_deref()));
        rec.u32(t.references.len() as u32);
        for r in &t.references {
            rec.u32(names.id(r));
        }
        match &t.auto_to {
            None => rec.u8(0),
            Some(to) => {
                rec.u8(1);
                rec.u32(to.len() as u32);
                for a in to {
                    rec.u32(names.id(a));
                }
            }
        }
    }
    let mut block = names.finish(rec);
    let sum = block_sum(&block);
    block.extend_from_slice(&sum);
    block
}

/// The checksum that ends every block and the key table: a block read on its own is
/// checked on its own.
const BLOCK_SUM: usize = 8;

fn block_sum(bytes: &[u8]) -> [u8; BLOCK_SUM] {
    xxhash_rust::xxh3::xxh3_64(bytes).to_le_bytes()
}

/// `bytes` without the checksum that ends them, if it holds.
fn checked(bytes: &[u8]) -> Option<&[u8]> {
    let (body, sum) = bytes.split_at_checked(bytes.len().checked_sub(BLOCK_SUM)?)?;
    (block_sum(body) == sum).then_some(body)
}

#[cfg(unix)]
fn read_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(not(unix))]
fn read_at(mut file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::io::{Read, Seek};
    file.seek(std::io::SeekFrom::Start(offset))?;
    file.read_exact(buf)
}

fn decode_block(block: &[u8]) -> Option<Vec<Digested>> {
    let mut r = Reader { b: checked(block)? };
    let strings = read_strings(&mut r)?;
    let list = |r: &mut Reader<'_>| -> Option<Vec<String>> {
        let n = r.u32()? as usize;
        let mut out = Vec::with_capacity(n.min(r.b.len() / 4));
        for _ in 0..n {
            out.push(string(&strings, r.u32()?)?);
        }
        Some(out)
    };
    let n = r.u32()? as usize;
    let mut events = Vec::with_capacity(n.min(r.b.len() / 16));
    let mut pos = 0usize;
    for _ in 0..n {
        let name = r.string()?;
        let stamp = r.stamp()?;
        let len = usize::try_from(r.u64()?).ok()?;
        let info = match r.u8()? {
            0 => Err((usize::try_from(r.u64()?).ok()?, r.string()?)),
            1 => Ok(EventInfo {
                kind: string(&strings, r.u32()?)?,
                author: opt_string(&strings, r.u32()?)?,
                at: get_time(&mut r)?,
            }),
            _ => return None,
        };
        let thread = match r.u8()? {
            0 => None,
            1 => Some(ThreadInfo {
                message_id: opt_string(&strings, r.u32()?)?,
                references: list(&mut r)?,
                auto_to: match r.u8()? {
                    0 => None,
                    1 => Some(list(&mut r)?),
                    _ => return None,
                },
            }),
            _ => return None,
        };
        let end = pos.checked_add(len)?;
        let event = CachedEvent {
            name,
            stamp,
            info,
            text: pos..end,
        };
        events.push(Digested { event, thread });
        pos = end;
    }
    r.is_empty().then_some(events)
}

/// A segment's index file as read.
struct Idx {
    /// The checksums of the events and text files it goes with.
    events_token: [u8; SUM_LEN],
    text_token: [u8; SUM_LEN],
    tickets: Vec<CachedTicket>,
    /// The lengths of the text and of the event blocks its tickets cover.
    text_len: usize,
    blocks_len: usize,
}

fn decode_idx(bytes: &[u8], segment: u8) -> Option<Idx> {
    let mut r = Reader::open(bytes, IDX_MAGIC, VERSION)?;
    let events_token: [u8; SUM_LEN] = r.take(SUM_LEN)?.try_into().ok()?;
    let text_token: [u8; SUM_LEN] = r.take(SUM_LEN)?.try_into().ok()?;
    let n = r.u32()? as usize;
    let mut tickets: Vec<CachedTicket> = Vec::with_capacity(n.min(r.b.len() / 16));
    let (mut text_len, mut blocks_len) = (0usize, 0usize);
    for _ in 0..n {
        let id = std::str::from_utf8(r.take(8)?).ok()?.to_string();
        // IDs in order, in their segment: a file renamed or mixed up is not this one.
        if !is_canonical_ticket_id(&id)
            || id.as_bytes()[0] != segment
            || tickets.last().is_some_and(|t| t.id >= id)
        {
            return None;
        }
        let flags = r.u8()?;
        if flags > 3 {
            return None;
        }
        let dir = if flags & 1 != 0 {
            Some(r.stamp()?)
        } else {
            None
        };
        let last_at = r.i64()?;
        let text = text_len..text_len.checked_add(usize::try_from(r.u64()?).ok()?)?;
        let block = blocks_len..blocks_len.checked_add(r.u32()? as usize)?;
        (text_len, blocks_len) = (text.end, block.end);
        tickets.push(CachedTicket {
            id,
            dir,
            last_at,
            broken: flags & 2 != 0,
            text,
            block,
        });
    }
    r.is_empty().then_some(Idx {
        events_token,
        text_token,
        tickets,
        text_len,
        blocks_len,
    })
}

/// The checksum of a checked file: its last bytes.
fn token(file: &[u8]) -> [u8; SUM_LEN] {
    let mut t = [0; SUM_LEN];
    t.copy_from_slice(&file[file.len() - SUM_LEN..]);
    t
}

/// The body of a checked text file whose checksum is `token`.
fn text_region(bytes: &[u8], token: &[u8; SUM_LEN]) -> Option<Range<usize>> {
    let r = Reader::open(bytes, TEXT_MAGIC, VERSION)?;
    let end = bytes.len() - SUM_LEN;
    (&bytes[end..] == token).then(|| end - r.b.len()..end)
}

/// Where an events file's key table starts: after the magic, the version and the count.
const EVENTS_HEAD: usize = 16 + 4 + 4;

/// A whole events file, `bytes`, if it is the one whose checksum is `token`.
fn decode_events_file(
    bytes: Vec<u8>,
    token: &[u8; SUM_LEN],
    root: &Path,
    idx_file: PathBuf,
) -> Option<Records> {
    let end = bytes.len().checked_sub(SUM_LEN)?;
    let mut r = Reader::open(&bytes, EVENTS_MAGIC, VERSION)?;
    if &bytes[end..] != token {
        return None;
    }
    let n = r.u32()? as usize;
    let keys_len = n.checked_mul(KEY_LEN)?;
    checked(r.take(keys_len.checked_add(BLOCK_SUM)?)?)?;
    let keys = EVENTS_HEAD..EVENTS_HEAD + keys_len;
    let blocks = keys.end + BLOCK_SUM..end;
    Some(Records {
        bytes,
        keys,
        blocks,
        file: None,
        root: root.to_path_buf(),
        idx_file,
    })
}

/// An events file's key table, its blocks left in the file, if the file is the one whose
/// checksum is `token`, with `blocks_len` bytes of blocks. Its own checksum is not
/// checked (that would read it all): the table's and each block's are.
fn open_events_file(
    path: &Path,
    token: &[u8; SUM_LEN],
    blocks_len: usize,
    root: &Path,
    idx_file: PathBuf,
) -> Option<Records> {
    let file = std::fs::File::open(path).ok()?;
    let len = usize::try_from(file.metadata().ok()?.len()).ok()?;
    let mut head = [0; EVENTS_HEAD];
    read_at(&file, &mut head, 0).ok()?;
    let mut r = Reader { b: &head };
    if r.take(EVENTS_MAGIC.len())? != EVENTS_MAGIC || r.u32()? != VERSION {
        return None;
    }
    let keys_len = (r.u32()? as usize).checked_mul(KEY_LEN)?;
    let blocks_at = EVENTS_HEAD.checked_add(keys_len)?.checked_add(BLOCK_SUM)?;
    if blocks_at.checked_add(blocks_len)?.checked_add(SUM_LEN)? != len {
        return None;
    }
    let mut tail = [0; SUM_LEN];
    read_at(&file, &mut tail, (len - SUM_LEN) as u64).ok()?;
    if &tail != token {
        return None;
    }
    let mut bytes = vec![0; keys_len + BLOCK_SUM];
    read_at(&file, &mut bytes, EVENTS_HEAD as u64).ok()?;
    checked(&bytes)?;
    Some(Records {
        bytes,
        keys: 0..keys_len,
        blocks: blocks_at..blocks_at + blocks_len,
        file: Some(file),
        root: root.to_path_buf(),
        idx_file,
    })
}

/// A segment's ticket as it is written.
struct Row<'a> {
    id: &'a str,
    dir: Option<FileStamp>,
    last_at: i64,
    broken: bool,
    text: &'a [u8],
    block: &'a [u8],
    keys: &'a [u64],
}

/// A segment's three files: (index, events, text). `rows` come in ID order.
fn encode_segment(rows: &[Row<'_>]) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let size: usize = rows.iter().map(|r| r.text.len()).sum();
    let mut text = Writer::new(TEXT_MAGIC, VERSION, size);
    for r in rows {
        text.bytes(r.text);
    }
    let text = text.finish();
    let mut keys: Vec<(u64, u32)> = rows
        .iter()
        .enumerate()
        .flat_map(|(i, r)| r.keys.iter().map(move |&k| (k, i as u32)))
        .collect();
    keys.sort_unstable();
    let size: usize = rows.iter().map(|r| r.block.len()).sum();
    let mut events = Writer::new(
        EVENTS_MAGIC,
        VERSION,
        size + keys.len() * KEY_LEN + BLOCK_SUM,
    );
    events.u32(keys.len() as u32);
    for (hash, i) in keys {
        events.u64(hash);
        events.u32(i);
    }
    let sum = block_sum(&events.b[EVENTS_HEAD..]);
    events.bytes(&sum);
    for r in rows {
        events.bytes(r.block);
    }
    let events = events.finish();
    let mut idx = Writer::new(IDX_MAGIC, VERSION, rows.len() * 72);
    idx.bytes(&token(&events));
    idx.bytes(&token(&text));
    idx.u32(rows.len() as u32);
    for r in rows {
        idx.bytes(r.id.as_bytes());
        idx.u8(u8::from(r.dir.is_some()) | (u8::from(r.broken) << 1));
        if let Some(s) = r.dir {
            idx.stamp(s);
        }
        idx.i64(r.last_at);
        idx.u64(r.text.len() as u64);
        idx.u32(r.block.len() as u32);
    }
    (idx.finish(), events, text)
}

// ----- bringing a segment up to date -----

/// One of a segment's tickets between the two phases of a refresh.
struct Slot {
    id: TicketId,
    /// Its index among the cached tickets, if it is there.
    cached: Option<usize>,
    /// The stamp its events directory has now (`None`: there is none).
    now: Option<FileStamp>,
    /// The cached ticket is up to date.
    fresh: bool,
}

/// One segment's state between the two phases of a refresh.
struct Plan {
    segment: u8,
    slots: Vec<Slot>,
    idx: Option<Idx>,
    events: Option<Records>,
    text: Option<(Vec<u8>, Range<usize>)>,
    /// Cached tickets not asked for whose ticket.md is still there: kept as they are.
    kept: Vec<usize>,
    /// Cached tickets that are gone.
    dropped: usize,
    /// The files were missing, damaged, of another version, or did not belong together.
    rebuilt: bool,
    /// The changed tickets go in an overlay, and the segment is not written again.
    overlay: bool,
}

impl Plan {
    fn stale(&self) -> usize {
        self.slots.iter().filter(|s| !s.fresh).count()
    }

    fn dirty(&self) -> bool {
        self.dropped > 0 || self.stale() > 0
    }

    /// Forget the cached segment: every ticket is read again.
    fn rebuild(&mut self) {
        self.rebuilt = true;
        self.overlay = false;
        self.dropped += self.idx.as_ref().map_or(0, |i| i.tickets.len());
        (self.idx, self.events, self.text) = (None, None, None);
        self.kept.clear();
        for s in &mut self.slots {
            s.cached = None;
            s.fresh = false;
        }
    }
}

fn is_event_name(name: &str) -> bool {
    name.ends_with(".md") && !name.starts_with('.')
}

impl Repo {
    fn events_cache_dir(&self) -> PathBuf {
        self.state_dir().join("events-cache")
    }

    /// The events cache for the tickets `ids`, brought up to date with their event files,
    /// with what `need` asks for. `progress` hears how it goes, from several threads.
    pub fn events_cache(
        &self,
        ids: Vec<TicketId>,
        need: Need,
        progress: &(dyn Fn(CacheProgress) + Sync),
    ) -> EventsCache {
        self.events_cache_at(ids, need, progress, binfmt::now_ns())
    }

    /// [`Repo::events_cache`] with the file system's clock at `now` (nanoseconds), which
    /// decides what changed too recently to be kept as settled.
    fn events_cache_at(
        &self,
        ids: Vec<TicketId>,
        need: Need,
        progress: &(dyn Fn(CacheProgress) + Sync),
        now: i64,
    ) -> EventsCache {
        let dir = self.events_cache_dir();
        let root = self.root.as_path();
        let mut by_segment: Vec<Vec<TicketId>> = vec![Vec::new(); ALPHABET.len()];
        for id in ids {
            if let Some(i) = ALPHABET
                .iter()
                .position(|&c| c == id.as_str().as_bytes()[0])
            {
                by_segment[i].push(id);
            }
        }
        let plans = par_map(
            ALPHABET.iter().copied().zip(by_segment).collect(),
            |(segment, mut ids)| {
                ids.sort();
                ids.dedup();
                plan(root, &dir, segment, ids, need)
            },
        );
        let total: usize = plans.iter().map(Plan::stale).sum();
        if plans.iter().any(|p| p.rebuilt && p.stale() > 0) {
            progress(CacheProgress::Rebuild { tickets: total });
        }
        let done = AtomicUsize::new(0);
        let tick = || {
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            if n.is_multiple_of(256) || n == total {
                progress(CacheProgress::Reading { done: n, total });
            }
        };
        let segments = par_map(plans, |plan| update(root, &dir, plan, need, now, &tick));
        if total > 0 {
            progress(CacheProgress::Done);
        }
        EventsCache { segments }
    }
}

/// Phase one: read a segment's files and find the tickets whose events changed.
fn plan(root: &Path, dir: &Path, segment: u8, ids: Vec<TicketId>, need: Need) -> Plan {
    let file = |ext: &str| dir.join(format!("{}.{ext}", segment as char));
    let idx = if need.reindex {
        None
    } else {
        std::fs::read(file("idx"))
            .ok()
            .and_then(|b| decode_idx(&b, segment))
    };
    let cached = idx.as_ref().map_or(&[][..], |i| &i.tickets[..]);
    let mut matched = vec![false; cached.len()];
    let mut j = 0;
    let tickets = root.join("tickets");
    let mut shards = ShardDirs::new(&tickets);
    let slots = ids
        .into_iter()
        .map(|id| {
            while j < cached.len() && cached[j].id.as_str() < id.as_str() {
                j += 1;
            }
            let now = shards.stamp(id.as_str(), "events", true).ok().flatten();
            let index = (j < cached.len() && cached[j].id == id.as_str()).then_some(j);
            let fresh = index.is_some_and(|i| {
                matched[i] = true;
                match (cached[i].dir, now) {
                    (None, None) => true,
                    (Some(a), Some(b)) => a == b && a != FileStamp::NONE,
                    _ => false,
                }
            });
            Slot {
                id,
                cached: index,
                now,
                fresh,
            }
        })
        .collect();
    let (mut kept, mut dropped) = (Vec::new(), 0);
    for (i, t) in cached.iter().enumerate().filter(|(i, _)| !matched[*i]) {
        if root
            .join(format!("tickets/{}/{}/ticket.md", &t.id[..2], t.id))
            .exists()
        {
            kept.push(i);
        } else {
            dropped += 1;
        }
    }
    let mut plan = Plan {
        segment,
        rebuilt: idx.is_none(),
        slots,
        idx,
        events: None,
        text: None,
        kept,
        dropped,
        overlay: false,
    };
    let Some(idx) = &plan.idx else {
        return plan;
    };
    plan.overlay =
        need.events && !need.text && plan.dropped == 0 && (1..=OVERLAY_MAX).contains(&plan.stale());
    // A changed segment is written whole, so it needs every part of the old one.
    let dirty = plan.dirty() && !plan.overlay;
    let mut whole = true;
    if dirty {
        plan.events = std::fs::read(file("events"))
            .ok()
            .and_then(|b| decode_events_file(b, &idx.events_token, root, file("idx")))
            .filter(|e| e.blocks.len() == idx.blocks_len);
        whole &= plan.events.is_some();
    } else if need.events {
        plan.events = open_events_file(
            &file("events"),
            &idx.events_token,
            idx.blocks_len,
            root,
            file("idx"),
        );
        whole &= plan.events.is_some();
    }
    if need.text || dirty {
        plan.text = std::fs::read(file("text")).ok().and_then(|b| {
            let range = text_region(&b, &idx.text_token)?;
            (range.len() == idx.text_len).then_some((b, range))
        });
        whole &= plan.text.is_some();
    }
    if !whole {
        plan.rebuild();
    }
    plan
}

/// Phase two: read what changed, write the segment if anything did, and return it.
fn update(
    root: &Path,
    dir: &Path,
    plan: Plan,
    need: Need,
    now: i64,
    tick: &(dyn Fn() + Sync),
) -> Segment {
    let segment =
        |tickets, events: Option<Records>, text: Option<(Vec<u8>, Range<usize>)>| Segment {
            tickets,
            events: events.filter(|_| need.events),
            text: text.filter(|_| need.text),
            ..Segment::default()
        };
    if !plan.dirty() {
        let tickets = plan.idx.map(|i| i.tickets).unwrap_or_default();
        return segment(tickets, plan.events, plan.text);
    }
    if plan.overlay {
        let tickets = plan.idx.map(|i| i.tickets).unwrap_or_default();
        let mut buf = Vec::new();
        let mut overlay = Vec::new();
        let mut superseded = Vec::new();
        for s in plan.slots.iter().filter(|s| !s.fresh) {
            let cached = s.cached.and_then(|i| {
                let records = plan.events.as_ref()?;
                decode_block(&records.block(tickets.get(i)?.block.clone())?)
            });
            let f =
                read_ticket_events(root, &s.id, s.now, cached.map(|e| (e, None)), now, &mut buf);
            tick();
            overlay.push((f.id, f.events));
            superseded.extend(s.cached);
        }
        superseded.sort_unstable();
        return Segment {
            overlay,
            superseded,
            ..segment(tickets, plan.events, None)
        };
    }
    let old_text = plan.text.as_ref().map_or(&[][..], |(b, r)| &b[r.clone()]);
    // A segment that changed was read whole (`plan`).
    let old_blocks = plan
        .events
        .as_ref()
        .and_then(Records::blocks)
        .unwrap_or(&[]);
    // The old keys per cached ticket, carried over with an unchanged ticket.
    let cached_count = plan.idx.as_ref().map_or(0, |i| i.tickets.len());
    let mut old_keys: Vec<Vec<u64>> = vec![Vec::new(); cached_count];
    if let Some(e) = &plan.events {
        for k in e.bytes[e.keys.clone()].chunks_exact(KEY_LEN) {
            let (hash, i) = read_key(k);
            if let Some(list) = old_keys.get_mut(i) {
                list.push(hash);
            }
        }
    }
    let old = plan.idx.as_ref().map_or(&[][..], |i| &i.tickets[..]);
    let mut buf = Vec::new();
    let fresh: Vec<(Fresh, Vec<u8>, Vec<u64>)> = plan
        .slots
        .iter()
        .filter(|s| !s.fresh)
        .map(|s| {
            let cached = s.cached.and_then(|i| {
                let t = &old[i];
                Some((
                    decode_block(old_blocks.get(t.block.clone())?)?,
                    Some(old_text.get(t.text.clone())?),
                ))
            });
            let f = read_ticket_events(root, &s.id, s.now, cached, now, &mut buf);
            let (block, keys) = (encode_block(&f.events), keys_of(&f.events));
            tick();
            (f, block, keys)
        })
        .collect();
    let cached_row = |i: usize| -> Row<'_> {
        let t = &old[i];
        Row {
            id: &t.id,
            dir: t.dir,
            last_at: t.last_at,
            broken: t.broken,
            text: &old_text[t.text.clone()],
            block: &old_blocks[t.block.clone()],
            keys: &old_keys[i],
        }
    };
    let mut rows: Vec<Row<'_>> = Vec::with_capacity(plan.slots.len() + plan.kept.len());
    let mut read = fresh.iter();
    for s in &plan.slots {
        match s.cached {
            Some(i) if s.fresh => rows.push(cached_row(i)),
            _ => {
                let (f, block, keys) = read.next().expect("one read per changed ticket");
                let infos = f.events.iter().map(|d| &d.event.info);
                rows.push(Row {
                    id: f.id.as_str(),
                    dir: f.dir,
                    last_at: infos
                        .clone()
                        .filter_map(|i| i.as_ref().ok().map(|i| i.at.timestamp()))
                        .max()
                        .unwrap_or(i64::MIN),
                    broken: infos.clone().any(Result::is_err),
                    text: &f.text,
                    block,
                    keys,
                });
            }
        }
    }
    rows.extend(plan.kept.iter().map(|&i| cached_row(i)));
    rows.sort_by(|a, b| a.id.cmp(b.id));
    let (idx, events, text) = encode_segment(&rows);
    drop(rows);
    // The index last, so it never names files that are not there yet. A cache that
    // cannot be written (a read-only clone, a full disk) costs the next run time.
    let file = |ext: &str| dir.join(format!("{}.{ext}", plan.segment as char));
    if fsutil::replace_atomic(&file("text"), &text).is_ok()
        && fsutil::replace_atomic(&file("events"), &events).is_ok()
    {
        let _ = fsutil::replace_atomic(&file("idx"), &idx);
    }
    let idx = decode_idx(&idx, plan.segment).expect("a segment just encoded decodes");
    let events = decode_events_file(events, &idx.events_token, root, file("idx"));
    let text = text_region(&text, &idx.text_token).map(|r| (text, r));
    segment(idx.tickets, events, text)
}

/// A ticket read anew: its events and their text, one after the other.
struct Fresh {
    id: String,
    dir: Option<FileStamp>,
    events: Vec<Digested>,
    text: Vec<u8>,
}

/// List a ticket's events directory (whose stamp was `stamp`) and read the files that
/// `old` (the cached events and their text) does not hold with the same stamp. Without
/// the old text (the overlay, which needs none), the text returned holds only what was
/// read.
fn read_ticket_events(
    root: &Path,
    id: &TicketId,
    stamp: Option<FileStamp>,
    old: Option<(Vec<Digested>, Option<&[u8]>)>,
    now: i64,
    buf: &mut Vec<u8>,
) -> Fresh {
    let dir = root.join(id.dir()).join("events");
    let mut files: Vec<(String, FileStamp)> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| !t.is_dir()))
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            is_event_name(&name).then_some(())?;
            let stamp = e.metadata().map_or(FileStamp::NONE, |m| FileStamp::of(&m));
            Some((name, stamp))
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut cached: HashMap<&str, (&Digested, &[u8])> = HashMap::new();
    if let Some((events, text)) = &old {
        for d in events {
            let t = match text {
                Some(text) => text.get(d.event.text.clone()),
                None => Some(&[][..]),
            };
            if let Some(t) = t {
                cached.insert(&d.event.name, (d, t));
            }
        }
    }
    let mut events = Vec::with_capacity(files.len());
    let mut text = Vec::new();
    for (name, stamp) in files {
        let start = text.len();
        let mut d = match cached.get(name.as_str()) {
            Some((d, t)) if d.event.stamp == stamp && stamp != FileStamp::NONE => {
                text.extend_from_slice(t);
                (*d).clone()
            }
            _ => {
                let (mut d, folded) = read_event(&dir.join(&name), &name, stamp, buf);
                d.event.stamp = d.event.stamp.settled(now);
                text.extend_from_slice(&folded);
                text.push(SEPARATOR);
                d
            }
        };
        d.event.text = start..text.len();
        events.push(d);
    }
    Fresh {
        id: id.as_str().to_string(),
        dir: stamp.map(|s| s.settled(now)),
        events,
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::sync::Mutex;

    /// A helpdesk in a temp dir with tickets and event files written by hand.
    struct Desk {
        _tmp: tempfile::TempDir,
        repo: Repo,
    }

    impl Desk {
        fn new() -> Desk {
            let tmp = tempfile::tempdir().unwrap();
            git2::Repository::init(tmp.path()).unwrap();
            let repo = Repo::open(tmp.path()).unwrap();
            Desk { _tmp: tmp, repo }
        }

        fn write(&self, rel: &str, text: &str) {
            let p = self.repo.path(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }

        fn ticket(&self, id: &str) {
            self.write(
                &format!("tickets/{}/{id}/ticket.md", &id[..2]),
                &format!(
                    "---\nid: {id}\nsubject: S\nstatus: new\ncreated: 2026-11-22T10:00:00Z\n---\n"
                ),
            );
        }

        fn event(&self, id: &str, name: &str, text: &str) {
            self.write(&format!("tickets/{}/{id}/events/{name}", &id[..2]), text);
        }

        fn ids(&self) -> Vec<TicketId> {
            self.repo.ticket_ids().unwrap()
        }

        /// The cache brought up to date, with the clock a minute ahead (every stamp
        /// settled), and what it reported.
        fn cache(&self, need: Need) -> (EventsCache, Vec<CacheProgress>) {
            let heard = Mutex::new(Vec::new());
            let cache = self.repo.events_cache_at(
                self.ids(),
                need,
                &|p| heard.lock().unwrap().push(p),
                binfmt::now_ns() + 60_000_000_000,
            );
            (cache, heard.into_inner().unwrap())
        }

        fn file(&self, name: &str) -> PathBuf {
            self.repo.events_cache_dir().join(name)
        }
    }

    const ALL: Need = Need {
        text: true,
        events: true,
        reindex: false,
    };

    fn inbound(id: &str, message_id: &str, refs: &[&str], body: &str) -> String {
        format!(
            "---\nid: {id}\nkind: inbound\nauthor: c@example.com\nat: 2026-11-22T10:00:00Z\nsubject: \"Re: Printer\"\nmessage_id: {message_id}\nin_reply_to: {}\nreferences: [{}]\n---\n{body}\n",
            refs.first().unwrap_or(&""),
            refs.join(", ")
        )
    }

    fn note(id: &str, body: &str) -> String {
        format!("---\nid: {id}\nkind: note\nauthor: anna\nat: 2026-11-23T08:00:00Z\n---\n{body}\n")
    }

    fn auto(id: &str, message_id: &str, to: &str) -> String {
        format!(
            "---\nid: {id}\nkind: outbound\nauthor: tiketti\nat: 2026-11-22T10:01:00Z\nto: [{to}]\ncc: [Bo <BO@example.com>]\nsubject: Received\nmessage_id: {message_id}\nauto: acknowledgement\n---\nThanks.\n"
        )
    }

    /// Everything the cache says, in a comparable form: per ticket its events, their
    /// threading data and text.
    type Dump = Vec<(
        String,
        i64,
        bool,
        Vec<(CachedEvent, Option<ThreadInfo>, Vec<u8>)>,
    )>;

    fn dump(cache: &EventsCache) -> Dump {
        cache
            .tickets()
            .map(|(s, t)| {
                let text = &s.text()[t.text.clone()];
                let events = s
                    .records(t)
                    .into_iter()
                    .map(|d| {
                        let bytes = text[d.event.text.clone()].to_vec();
                        (d.event, d.thread, bytes)
                    })
                    .collect();
                (t.id.clone(), t.last_at, t.broken, events)
            })
            .collect()
    }

    /// The same cache read from scratch.
    fn fresh(desk: &Desk) -> Dump {
        let (cache, heard) = desk.cache(Need {
            reindex: true,
            ..ALL
        });
        assert!(matches!(heard.first(), Some(CacheProgress::Rebuild { .. })));
        dump(&cache)
    }

    fn sample() -> Desk {
        let d = Desk::new();
        d.ticket("AAAA0001");
        d.event(
            "AAAA0001",
            "20261122T100000Z-EVENT00001.md",
            &inbound("EVENT00001", "m1@x", &[], "The Printer is\nON  fire."),
        );
        d.event(
            "AAAA0001",
            "20261122T100100Z-EVENT00002.md",
            &auto("EVENT00002", "ack1@x", "Cy <cy@example.com>"),
        );
        d.ticket("BBBB0002");
        d.event(
            "BBBB0002",
            "20261123T080000Z-EVENT00003.md",
            &note("EVENT00003", "Ödön called: ΣΊΣΥΦΟΣ"),
        );
        d.ticket("BBBB0003");
        d
    }

    #[test]
    fn fold_ignores_case_and_line_breaks() {
        let f = |s: &str| {
            let mut out = Vec::new();
            fold(s, &mut out);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(
            f("  The PRINTER\n\n is\ton\u{0}FIRE  "),
            "the printer is on fire"
        );
        assert_eq!(f("ÄÖÅ İ ΣΊΣΥΦΟΣ σίσυφος"), "äöå i\u{307} σίσυφοσ σίσυφοσ");
        assert_eq!(f("a\u{a0}b\u{2003}c"), "a b c");
        assert_eq!(f(" \n "), "");
        // Appends: what is there stays.
        let mut out = b"x".to_vec();
        fold(" Y", &mut out);
        assert_eq!(out, b"xy");
    }

    #[test]
    fn a_block_round_trips() {
        let event = |name: &str, info, thread| Digested {
            event: CachedEvent {
                name: name.into(),
                stamp: FileStamp {
                    mtime_ns: 1,
                    ctime_ns: 2,
                    size: 3,
                    ino: 4,
                },
                info,
                text: 0..0,
            },
            thread,
        };
        let at = crate::ticket::parse_time("2026-11-22T10:00:00.5Z").unwrap();
        let mut events = vec![
            event(
                "a-E1.md",
                Ok(EventInfo {
                    kind: "inbound".into(),
                    author: Some("c@x".into()),
                    at,
                }),
                Some(ThreadInfo {
                    message_id: Some("m@x".into()),
                    references: vec!["r@x".into(), "m@x".into()],
                    auto_to: Some(vec!["c@x".into()]),
                }),
            ),
            event("b-E2.md", Err((3, "bad".into())), None),
            event(
                "c.md",
                Ok(EventInfo {
                    kind: "note".into(),
                    author: None,
                    at,
                }),
                Some(ThreadInfo::default()),
            ),
        ];
        for (i, e) in events.iter_mut().enumerate() {
            e.event.text = i * 2..i * 2 + 2;
        }
        let back = decode_block(&encode_block(&events)).unwrap();
        assert_eq!(
            back.iter()
                .map(|d| (&d.event, &d.thread))
                .collect::<Vec<_>>(),
            events
                .iter()
                .map(|d| (&d.event, &d.thread))
                .collect::<Vec<_>>()
        );
        let block = encode_block(&events);
        assert!(decode_block(&block[..block.len() - 1]).is_none());
        assert_eq!(events[0].event.event_id(), Some("E1"));
        assert_eq!(events[2].event.event_id(), None);
    }

    #[test]
    fn the_cache_holds_what_the_files_say_and_survives_a_reload() {
        let d = sample();
        let (cache, heard) = d.cache(ALL);
        assert_eq!(
            heard,
            [
                CacheProgress::Rebuild { tickets: 3 },
                CacheProgress::Reading { done: 3, total: 3 },
                CacheProgress::Done
            ]
        );
        let first = dump(&cache);
        let ids: Vec<&str> = first.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(ids, ["AAAA0001", "BBBB0002", "BBBB0003"]);
        let (_, _, broken, events) = &first[0];
        assert!(!broken, "{events:?}");
        assert_eq!(
            String::from_utf8_lossy(&events[0].2),
            "re: printer\nthe printer is on fire.\0"
        );
        assert_eq!(
            events[0].1,
            Some(ThreadInfo {
                message_id: Some("m1@x".into()),
                references: Vec::new(),
                auto_to: None,
            })
        );
        assert_eq!(
            events[1].1.as_ref().unwrap().auto_to,
            Some(vec!["cy@example.com".into(), "BO@example.com".into()])
        );
        assert_eq!(
            String::from_utf8_lossy(&first[1].3[0].2),
            "ödön called: σίσυφοσ\0"
        );
        assert!(first[2].3.is_empty());
        assert_eq!(first[2].1, i64::MIN);

        // Nothing changed: nothing read, nothing reported, the same answer.
        let (cache, heard) = d.cache(ALL);
        assert!(heard.is_empty(), "{heard:?}");
        assert_eq!(dump(&cache), first);
        assert_eq!(first, fresh(&d));
    }

    #[test]
    fn a_new_event_a_new_ticket_and_a_gone_ticket_are_seen() {
        let d = sample();
        d.cache(ALL);
        let other = std::fs::metadata(d.file("B.idx")).unwrap();
        d.event(
            "AAAA0001",
            "20261124T090000Z-EVENT00004.md",
            &note("EVENT00004", "Toner ordered."),
        );
        d.ticket("AAAA0005");
        d.event(
            "AAAA0005",
            "20261124T100000Z-EVENT00005.md",
            &note("EVENT00005", "New."),
        );
        let (cache, heard) = d.cache(ALL);
        // Two tickets read, no rebuild.
        assert_eq!(
            heard,
            [
                CacheProgress::Reading { done: 2, total: 2 },
                CacheProgress::Done
            ]
        );
        // Another segment's files were not rewritten.
        let same = std::fs::metadata(d.file("B.idx")).unwrap();
        use std::os::unix::fs::MetadataExt;
        assert_eq!(other.ino(), same.ino());
        let got = dump(&cache);
        assert_eq!(got[0].3.len(), 3);
        assert_eq!(got[1].0, "AAAA0005");
        assert_eq!(got, fresh(&d));
        let (cache, _) = d.cache(ALL);
        assert_eq!(dump(&cache), got);

        std::fs::remove_dir_all(d.repo.path("tickets/BB/BBBB0002")).unwrap();
        let (cache, _) = d.cache(ALL);
        let ids: Vec<String> = dump(&cache).into_iter().map(|t| t.0).collect();
        assert_eq!(ids, ["AAAA0001", "AAAA0005", "BBBB0003"]);
        assert_eq!(dump(&cache), fresh(&d));
    }

    #[test]
    fn only_new_or_changed_files_are_read() {
        let d = sample();
        let dir = d.repo.path("tickets/AA/AAAA0001/events");
        let name = "20261122T100000Z-EVENT00001.md";
        let meta = std::fs::metadata(dir.join(name)).unwrap();
        // What the cache holds for the file differs from what it says: if the file were
        // read again, the text would be the file's.
        let cached = Digested {
            event: CachedEvent {
                name: name.into(),
                stamp: FileStamp::of(&meta),
                info: Err((1, "cached".into())),
                text: 0..7,
            },
            thread: None,
        };
        let id = TicketId::parse("AAAA0001").unwrap();
        let now = binfmt::now_ns() + 60_000_000_000;
        let f = read_ticket_events(
            d.repo.root(),
            &id,
            FileStamp::read(&dir),
            Some((vec![cached.clone()], Some(b"cached\0"))),
            now,
            &mut Vec::new(),
        );
        assert_eq!(f.events.len(), 2);
        assert_eq!(f.events[0].event, cached.event);
        assert!(f.text.starts_with(b"cached\0"));
        assert!(f.events[1].event.info.is_ok());
        // A file whose stamp changed is read again.
        let mut stale = cached;
        stale.event.stamp.size += 1;
        let f = read_ticket_events(
            d.repo.root(),
            &id,
            FileStamp::read(&dir),
            Some((vec![stale], Some(b"cached\0"))),
            now,
            &mut Vec::new(),
        );
        assert!(f.text.starts_with(b"re: printer"));
        // Just written: kept, but as unsettled, so it is looked at again next time.
        let f = read_ticket_events(
            d.repo.root(),
            &id,
            FileStamp::read(&dir),
            None,
            binfmt::now_ns(),
            &mut Vec::new(),
        );
        assert_eq!(f.dir, Some(FileStamp::NONE));
        assert_eq!(f.events[0].event.stamp, FileStamp::NONE);
    }

    #[test]
    fn a_damaged_block_is_answered_from_the_event_files_and_read_again_next_time() {
        let d = sample();
        let (cache, _) = d.cache(ALL);
        let good = dump(&cache);
        let path = d.file("A.events");
        let mut bytes = std::fs::read(&path).unwrap();
        // The last byte before the file's checksum: the last block's own checksum.
        let i = bytes.len() - SUM_LEN - 1;
        bytes[i] ^= 0x20;
        std::fs::write(&path, &bytes).unwrap();
        let (cache, heard) = d.cache(ALL);
        assert!(heard.is_empty(), "only the key table is read: {heard:?}");
        assert_eq!(dump(&cache), good);
        let (cache, heard) = d.cache(ALL);
        assert!(
            matches!(heard.first(), Some(CacheProgress::Rebuild { tickets: 1 })),
            "{heard:?}"
        );
        assert_eq!(dump(&cache), good);
    }

    #[test]
    fn damage_of_any_file_means_a_rebuild_with_the_same_result() {
        let d = sample();
        let (cache, _) = d.cache(ALL);
        let good = dump(&cache);
        for file in ["A.idx", "A.events", "A.text"] {
            let path = d.file(file);
            let bytes = std::fs::read(&path).unwrap();
            for damage in [
                {
                    let mut b = bytes.clone();
                    // In an events file: its key table (a block is checked when it is
                    // read, below).
                    let i = if file == "A.events" {
                        EVENTS_HEAD
                    } else {
                        b.len() / 2
                    };
                    b[i] ^= 0x20;
                    b
                },
                bytes[..bytes.len() - 1].to_vec(),
                Vec::new(),
            ] {
                std::fs::write(&path, &damage).unwrap();
                let (cache, heard) = d.cache(ALL);
                assert!(
                    matches!(heard.first(), Some(CacheProgress::Rebuild { tickets: 1 })),
                    "{file}: {heard:?}"
                );
                assert_eq!(dump(&cache), good, "{file}");
            }
        }
        // Files of another version, or swapped between segments, are not used either.
        let idx = std::fs::read(d.file("A.idx")).unwrap();
        std::fs::write(d.file("B.idx"), &idx).unwrap();
        let (cache, heard) = d.cache(ALL);
        assert!(
            matches!(heard.first(), Some(CacheProgress::Rebuild { tickets: 2 })),
            "{heard:?}"
        );
        assert_eq!(dump(&cache), good);
        // A text file from another write of the segment (two writers raced).
        let text = std::fs::read(d.file("A.text")).unwrap();
        d.event(
            "AAAA0001",
            "20261124T090000Z-EVENT00004.md",
            &note("EVENT00004", "More."),
        );
        d.cache(ALL);
        std::fs::write(d.file("A.text"), &text).unwrap();
        let (cache, heard) = d.cache(ALL);
        assert!(
            matches!(heard.first(), Some(CacheProgress::Rebuild { .. })),
            "{heard:?}"
        );
        assert_eq!(dump(&cache), fresh(&d));
    }

    #[test]
    fn what_is_not_asked_for_is_not_loaded() {
        let d = sample();
        let (cache, _) = d.cache(Need::default());
        let (s, t) = cache.tickets().next().unwrap();
        assert!(s.text().is_empty() && s.records(t).is_empty());
        let (cache, _) = d.cache(Need {
            text: true,
            ..Need::default()
        });
        let (s, t) = cache.tickets().next().unwrap();
        assert!(!s.text().is_empty() && s.records(t).is_empty());
    }

    #[test]
    fn a_cache_that_cannot_be_written_still_answers() {
        let d = sample();
        // A file where the cache directory should be: nothing can be written.
        std::fs::create_dir_all(d.repo.state_dir()).unwrap();
        std::fs::write(d.repo.events_cache_dir(), "not a directory").unwrap();
        let (cache, heard) = d.cache(ALL);
        assert!(matches!(
            heard.first(),
            Some(CacheProgress::Rebuild { tickets: 3 })
        ));
        assert_eq!(dump(&cache).len(), 3);
        let (_, heard) = d.cache(ALL);
        assert!(matches!(
            heard.first(),
            Some(CacheProgress::Rebuild { tickets: 3 })
        ));
    }

    #[test]
    fn racing_writers_leave_valid_files() {
        let d = sample();
        for i in 0..20 {
            d.ticket(&format!("AAAB{i:04}"));
            d.event(
                &format!("AAAB{i:04}"),
                &format!("20261124T1000{i:02}Z-EVENT1{i:04}.md"),
                &note(&format!("EVENT1{i:04}"), "Race."),
            );
        }
        let root = d.repo.root().to_path_buf();
        let ids = d.ids();
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    let repo = Repo::open(&root).unwrap();
                    repo.events_cache_at(
                        ids.clone(),
                        ALL,
                        &|_| {},
                        binfmt::now_ns() + 60_000_000_000,
                    );
                });
            }
        });
        let (cache, heard) = d.cache(ALL);
        assert!(heard.is_empty(), "{heard:?}");
        assert_eq!(dump(&cache), fresh(&d));
    }

    #[test]
    fn broken_and_odd_files_are_kept_as_such() {
        let d = sample();
        d.event(
            "BBBB0003",
            "20261124T100000Z-EVENT00009.md",
            "---\nid: [\n---\n",
        );
        d.event(
            "BBBB0003",
            "20261124T100001Z-EVENT00010.md",
            "no front matter\n",
        );
        d.write(
            "tickets/BB/BBBB0003/events/.hidden-EVENT00011.md",
            &note("EVENT00011", "x"),
        );
        d.write("tickets/BB/BBBB0003/events/notes.txt", "x");
        std::fs::write(
            d.repo
                .path("tickets/BB/BBBB0003/events/20261124T100002Z-EVENT00012.md"),
            b"---\nid: EVENT00012\n\xff\n---\n",
        )
        .unwrap();
        let (cache, _) = d.cache(ALL);
        let got = dump(&cache);
        let (_, _, broken, events) = &got[2];
        assert!(broken);
        let names: Vec<&str> = events.iter().map(|e| e.0.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "20261124T100000Z-EVENT00009.md",
                "20261124T100001Z-EVENT00010.md",
                "20261124T100002Z-EVENT00012.md"
            ]
        );
        assert!(events.iter().all(|e| e.0.info.is_err() && e.2 == b"\0"));
        assert_eq!(events[1].0.info.as_ref().unwrap_err().0, 1);
        assert!(events[2].0.info.as_ref().unwrap_err().1.contains("UTF-8"));
    }

    /// The same fields by either reader, and the quick one reads what tiketti writes.
    #[test]
    fn the_quick_reader_agrees_with_the_full_parse() {
        let at = crate::ticket::parse_time("2026-11-22T10:00:00Z").unwrap();
        let tricky = [
            "plain words",
            "Re: [Support #7KQ3F9XM] Printer: on fire",
            "\"Anna, Virtanen\" <anna@example.fi>",
            "12345",
            "1e3",
            "0x1F",
            "0E9C00A252",
            "1:20",
            "1_000",
            "0o17",
            ".5",
            "2026-11-30",
            "true",
            "No",
            "~",
            "null",
            "",
            " padded ",
            "tab\there",
            "line\nbreak",
            "# not a comment",
            "a #b",
            "ends with:",
            "Ääkköset ja ΣΊΣΥΦΟΣ 😀",
            "back\\slash and \"quotes\"",
            "[bracketed]",
            "a,b",
            "- dash",
            "\u{1}control",
            "\u{feff}bom",
        ];
        let mut quick = 0;
        for (i, t) in tricky.iter().enumerate() {
            let mut e = Event::new(
                format!("EVENT{i:05}"),
                kind::OUTBOUND,
                t,
                at,
                &format!("Body {t}\n"),
            );
            e.set_str("from", t);
            e.set_str("subject", t);
            e.set_str("message_id", &format!("m{i}@x"));
            e.set_list("to", vec![t.to_string(), "Bo <bo@example.com>".into()]);
            e.set_list("cc", vec![t.to_string()]);
            e.set_list("references", vec![format!("r{i}@x"), t.to_string()]);
            e.set_str("in_reply_to", t);
            e.set_str("auto", "acknowledgement");
            let text = e.render();
            let full = full_fields(&text).map_err(|e| e.to_string());
            if let Some((f, body)) = quick_fields(&text) {
                quick += 1;
                assert_eq!(Ok((f, body.to_string())), full, "{t:?}:\n{text}");
            }
        }
        // Most of them are read without the YAML parser.
        assert!(quick >= 12, "{quick}");
        // Shapes tiketti does not write, and broken files: the full parse reads them.
        for text in [
            "---\nid: A\nkind: note\nat: 2026-11-22T10:00:00Z\n---\nbody\n",
            "---\nid: A\nkind: note\nat: 2026-11-22T10:00:00Z\nauthor: [a, b]\n---\n",
            "---\nid: A\nkind: note\nat: 2026-11-22T10:00:00Z\nsubject: x # c\n---\n",
            "---\nid: A\nkind: note\nat: 2026-11-22T10:00:00Z\nto:\n  - a@x\n---\n",
            "---\nid: A\nkind: note\nat: 2026-11-22T10:00:00Z\nsubject: 'single'\n---\n",
            "---\nid: A\nkind: note\nat: 2026-11-22T10:00:00Z\nsubject: \"a\\x41\"\n---\n",
            "---\nid: A\nkind: note\nat: 2026-11-22T10:00:00Z\nid: B\n---\n",
            "---\nid: A\nkind: note\nat: someday\n---\n",
            "---\nid: A\nkind: note\n---\n",
            "---\nid: A\nkind: note\nat: 2026-11-22T10:00:00Z\n",
            "---\r\nid: A\r\nkind: note\r\nat: 2026-11-22T10:00:00Z\r\n---\r\n",
            "---\nid: A\nkind: note\nat: 2026-11-22T10:00:00Z\n\nto: [a, ]\n---\n",
            "---\nid: 007\nkind: note\nat: 2026-11-22T10:00:00Z\n---\n",
        ] {
            if let Some((f, body)) = quick_fields(text) {
                let full = full_fields(text).map_err(|e| e.to_string());
                assert_eq!(Ok((f, body.to_string())), full, "{text:?}");
            }
        }
        assert!(
            quick_fields("---\nid: A\nkind: note\nat: 2026-11-22T10:00:00Z\n---\nbody\n").is_some()
        );
        assert!(
            quick_fields("---\nid: 007\nkind: note\nat: 2026-11-22T10:00:00Z\n---\n").is_none()
        );
    }

    /// Threading as it read the event files before there was a cache.
    #[derive(Default)]
    struct Reference {
        events: HashMap<String, TicketId>,
        by_message_id: HashMap<String, TicketId>,
        by_reference: HashMap<String, TicketId>,
        auto_sent: HashMap<String, Vec<DateTime<Utc>>>,
    }

    fn reference(repo: &Repo) -> Reference {
        let mut index = Reference::default();
        for id in repo.ticket_ids().unwrap() {
            let dir = repo.root.join(id.dir()).join("events");
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let Some(stem) = name.strip_suffix(".md") else {
                    continue;
                };
                let Some((_, event_id)) = stem.rsplit_once('-') else {
                    continue;
                };
                index.events.insert(event_id.to_string(), id.clone());
                let Ok(text) = std::fs::read_to_string(e.path()) else {
                    continue;
                };
                if !["\nmessage_id:", "\nreferences:", "\nin_reply_to:"]
                    .iter()
                    .any(|k| text.contains(k))
                {
                    continue;
                }
                let Ok(event) = Event::parse(&text) else {
                    continue;
                };
                let message_id = event.doc.get_str("message_id").ok().flatten();
                let mut refs = event.doc.get_list("references").unwrap_or_default();
                refs.extend(event.doc.get_list("in_reply_to").unwrap_or_default());
                if let Some(m) = message_id {
                    index.by_message_id.entry(m).or_insert_with(|| id.clone());
                }
                for r in refs {
                    index.by_reference.entry(r).or_insert_with(|| id.clone());
                }
                if event.kind == kind::OUTBOUND && event.doc.keys().any(|k| k == "auto") {
                    let mut to = event.doc.get_list("to").unwrap_or_default();
                    to.extend(event.doc.get_list("cc").unwrap_or_default());
                    for c in to {
                        if let Some(email) = Contact::parse(&c).ok().and_then(|c| c.email) {
                            index
                                .auto_sent
                                .entry(email.to_lowercase())
                                .or_default()
                                .push(event.at);
                        }
                    }
                }
            }
        }
        index
    }

    /// Threading alone leaves a segment with a few changed tickets as it is on disk and
    /// reads those tickets from their folders, in place of what the segment says of them;
    /// with more changed tickets than that, the segment is written again.
    #[test]
    fn threading_reads_a_few_changed_tickets_beside_their_segment() {
        use std::os::unix::fs::MetadataExt;
        let d = sample();
        d.cache(ALL);
        let inode = || std::fs::metadata(d.file("B.idx")).unwrap().ino();
        let before = inode();
        let threading = Need {
            events: true,
            ..Need::default()
        };
        let agrees = |cache: &EventsCache| {
            let want = reference(&d.repo);
            for (k, v) in &want.events {
                assert_eq!(cache.event(k).as_ref(), Some(v), "event {k}");
            }
            for (k, v) in &want.by_message_id {
                assert_eq!(cache.message(k).as_ref(), Some(v), "message {k}");
            }
            for (k, v) in &want.by_reference {
                assert_eq!(cache.referencing(k).as_ref(), Some(v), "reference {k}");
            }
        };
        // In segment B: an event gone and another in its place, a reply, a new ticket.
        let gone = "tickets/BB/BBBB0002/events/20261123T080000Z-EVENT00003.md";
        std::fs::remove_file(d.repo.path(gone)).unwrap();
        d.event(
            "BBBB0002",
            "20261123T090000Z-EVENT00012.md",
            &inbound("EVENT00012", "now@x", &["m1@x"], "Mail now."),
        );
        d.event(
            "BBBB0003",
            "20261124T080000Z-EVENT00010.md",
            &inbound("EVENT00010", "m10@x", &["ack1@x"], "Reply."),
        );
        d.ticket("BBBB0004");
        d.event(
            "BBBB0004",
            "20261124T090000Z-EVENT00011.md",
            &auto("EVENT00011", "ack4@x", "cy@example.com"),
        );
        let (cache, _) = d.cache(threading);
        assert_eq!(inode(), before, "segment B is left as it was");
        agrees(&cache);
        assert_eq!(cache.event("EVENT00003"), None);
        assert_eq!(cache.message("now@x"), TicketId::parse("BBBB0002").ok());
        assert_eq!(cache.referencing("m1@x"), TicketId::parse("BBBB0002").ok());
        assert_eq!(
            cache.referencing("ack1@x"),
            TicketId::parse("BBBB0003").ok()
        );
        assert_eq!(cache.auto_sent("CY@example.com").len(), 2);
        // More changed tickets than an overlay takes: written again, with the same answers.
        for i in 0..OVERLAY_MAX {
            let id = format!("BBBB1{i:03}");
            d.ticket(&id);
            d.event(&id, "20261125T080000Z-EVENT1.md", &note("EVENT1", "x"));
        }
        let (cache, _) = d.cache(threading);
        assert_ne!(inode(), before, "segment B is written again");
        agrees(&cache);
        assert_eq!(cache.event("EVENT00003"), None);
        assert_eq!(cache.auto_sent("cy@example.com").len(), 2);
        let (cache, _) = d.cache(ALL);
        assert_eq!(dump(&cache), fresh(&d));
    }

    #[test]
    fn the_thread_index_answers_as_reading_every_file_did() {
        let d = sample();
        // The same Message-ID and reference on two tickets: the first keeps them. The same
        // event ID twice: the last has it.
        d.ticket("CCCC0004");
        d.event(
            "CCCC0004",
            "20261122T110000Z-EVENT00001.md",
            &inbound("EVENT00006", "m1@x", &["m0@x", "shared@x"], "Again."),
        );
        d.event(
            "BBBB0003",
            "20261122T120000Z-EVENT00007.md",
            &inbound("EVENT00007", "m7@x", &["shared@x", "m1@x"], "Reply first."),
        );
        d.event(
            "BBBB0003",
            "20261122T130000Z-EVENT00008.md",
            &auto("EVENT00008", "ack2@x", "cy@EXAMPLE.com"),
        );
        // Mail headers that do not parse, a name without an event ID.
        d.event(
            "BBBB0003",
            "20261122T140000Z-EVENT00009.md",
            "---\nmessage_id: [\n---\n",
        );
        d.event("BBBB0003", "noid.md", &inbound("X", "noid@x", &[], "x"));
        let want = reference(&d.repo);
        let index = d.repo.thread_index(&|_| {}).unwrap();
        let mut checked = 0;
        for (k, v) in &want.events {
            assert_eq!(index.event(k).as_ref(), Some(v), "event {k}");
            checked += 1;
        }
        for (k, v) in &want.by_message_id {
            assert_eq!(index.message(k).as_ref(), Some(v), "message {k}");
            checked += 1;
        }
        for (k, v) in &want.by_reference {
            assert_eq!(index.referencing(k).as_ref(), Some(v), "reference {k}");
            checked += 1;
        }
        assert_eq!(checked, 13);
        assert_eq!(index.event("EVENT00001"), TicketId::parse("CCCC0004").ok());
        assert_eq!(index.message("m1@x"), TicketId::parse("AAAA0001").ok());
        assert_eq!(
            index.referencing("shared@x"),
            TicketId::parse("BBBB0003").ok()
        );
        for absent in ["nope@x", "EVENT99999", "X"] {
            assert_eq!(index.event(absent), want.events.get(absent).cloned());
            assert_eq!(index.message(absent), None);
            assert_eq!(index.referencing(absent), None);
        }
        let at = |s: &str| crate::ticket::parse_time(s).unwrap();
        let emails: HashSet<&String> = want.auto_sent.keys().collect();
        assert_eq!(emails.len(), 2);
        for email in emails {
            for now in [
                "2026-11-22T10:00:59Z",
                "2026-11-22T13:00:00Z",
                "2026-11-23T11:00:00Z",
            ] {
                let n = want.auto_sent[email]
                    .iter()
                    .filter(|t| **t > at(now) - chrono::Duration::hours(24) && **t <= at(now))
                    .count();
                assert_eq!(
                    index.auto_count(&email.to_uppercase(), at(now)),
                    n,
                    "{email} {now}"
                );
            }
        }
        assert_eq!(
            index.auto_count("cy@example.com", at("2026-11-22T13:00:00Z")),
            2
        );
    }
}
