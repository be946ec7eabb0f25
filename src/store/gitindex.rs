//! Git's index file (`.git/index`) updated for the few paths one commit touched, without
//! loading it into libgit2.
//!
//! libgit2 reads every entry into a hash map, checks every path and writes the whole file
//! again hashed with SHA-1DC: at 100,000 tickets (775,000 entries, 97 MB) that was 90% of
//! a one-file `note`. Here the file is streamed instead: entries that are not touched are
//! copied byte for byte, touched ones are inserted, replaced or dropped in git's order
//! with the stat data of the file just written, the cache tree (`TREE`) is invalidated
//! along the touched paths, and the result replaces the index under `index.lock` the way
//! git does. Reading and checking the old file runs beside hashing and writing the new.
//!
//! An index without checksum (`index.skipHash`, which `init` and `clone` set) that this
//! module wrote last is not even read whole: the stamp file keeps marks of where every
//! 1024th entry is, and only the stretches between marks that a touched path falls in
//! are walked; the kernel copies the rest (see [`Marks`]).
//!
//! The old file's checksum is checked (as libgit2 does; git checks it only in `fsck`)
//! unless the file is the very one this module wrote last: same inode, size, times and
//! checksum as recorded then in a stamp file. All such a check could find then is the
//! disk changing bits under a file, and it would cost a third of the time.
//!
//! It handles what an ordinary clone has: versions 2, 3 and 4, and the extensions git
//! writes there. For anything else (a split or sparse index, an unknown mandatory
//! extension, a conflict on a touched path, a file where a touched path needs a folder, a
//! damaged file, no index at all) it writes nothing and answers
//! [`IndexError::Unsupported`], and the caller lets libgit2 do it. It must never write an
//! index that git reads differently from the one libgit2 would have written.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use sha1::{Digest, Sha1};

use super::binfmt::{FileStamp, Reader, Writer};
use super::fsutil;

/// One path of a commit, as the work tree now has it.
#[derive(Debug, Clone, Copy)]
pub enum Change<'a> {
    /// The file at `path` was just written with the content of blob `blob`.
    Write { path: &'a str, blob: [u8; 20] },
    /// The file at `path` was removed.
    Remove { path: &'a str },
}

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// Nothing was written; libgit2 can do it.
    #[error("the index needs libgit2: {0}")]
    Unsupported(&'static str),
    #[error(
        "{} exists: another git command is writing the index (or one crashed and left the file behind: then remove it)",
        .0.display()
    )]
    Locked(PathBuf),
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
}

use IndexError::Unsupported;

type Result<T> = std::result::Result<T, IndexError>;

/// Where the index is and how to treat it.
pub struct Target<'a> {
    /// The repository's git directory (of this work tree), which holds `index`.
    pub git_dir: &'a Path,
    pub work_dir: &'a Path,
    /// `core.filemode`.
    pub trust_filemode: bool,
    /// Where to keep the stamp of the index last written.
    pub stamp: &'a Path,
    /// Where the replaced index is kept until a process of its own removes it.
    pub retired: &'a Path,
    /// How long to wait for another program's `index.lock` to go.
    pub lock_wait: Duration,
    /// `index.skipHash` (or what `feature.manyFiles` implies): write no checksum. Unset:
    /// as the old file was written.
    pub skip_hash: Option<bool>,
}

/// Whether `config` asks for an index without checksum, as git reads it: `index.skipHash`,
/// else `true` with `feature.manyFiles`; `None` when neither says.
pub fn skip_hash(config: &git2::Config) -> Option<bool> {
    config.get_bool("index.skipHash").ok().or_else(|| {
        config
            .get_bool("feature.manyFiles")
            .ok()
            .filter(|many| *many)
    })
}

/// Bring the entries of `changes` in the index of `target` up to date with the work tree,
/// as `git add` and `git rm --cached` would. True when only the stretches of the file
/// around the touched paths were read and written again (the index was the one written
/// here last, without checksum: see [`Marks`]); false when the whole file was.
pub fn update(target: &Target<'_>, changes: &[Change<'_>]) -> Result<bool> {
    let Target {
        git_dir,
        work_dir,
        trust_filemode,
        stamp,
        retired,
        lock_wait,
        skip_hash,
    } = *target;
    if !cfg!(unix) {
        return Err(Unsupported(
            "stat data as git records it is read on Unix only",
        ));
    }
    let touches = touches(work_dir, changes)?;
    let mut lock = Lock::take(git_dir.join("index.lock"), lock_wait)?;
    let index_path = git_dir.join("index");
    let mut file = match File::open(&index_path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Unsupported("there is no index"));
        }
        Err(e) => return Err(io_err(&index_path, "read")(e)),
    };
    let meta = file.metadata().map_err(io_err(&index_path, "read"))?;
    let old = Old::read(&mut file, meta.len()).map_err(|e| match e {
        IndexError::Io { source, .. } => io_err(&index_path, "read")(source),
        e => e,
    })?;
    let here = written_here(stamp, &meta, &old.checksum);
    let verify = old.hashed && here.is_none();
    let plan = Plan::new(old.version, touches, trust_filemode, work_dir, &meta);
    let hashed = skip_hash.map_or(old.hashed, |skip| !skip);
    let marks = here
        .flatten()
        .filter(|_| !hashed && !old.hashed && plan.index_mtime != 0);
    if let Some(marks) = marks {
        let mut out = Direct {
            file: &mut lock.file,
            buf: Vec::with_capacity(CHUNK + MAX_ENTRY),
            written: 0,
        };
        match update_marked(&plan, &marks, &old, &mut file, &mut out) {
            Ok((count, new_marks)) => {
                write_count(&mut lock.file, count)
                    .and_then(|()| lock.file.write_all(&[0; HASH]))
                    .map_err(io_err(&lock.path, "write"))?;
                finish(
                    lock,
                    &index_path,
                    retired,
                    stamp,
                    &[0; HASH],
                    &plan,
                    new_marks,
                )?;
                return Ok(true);
            }
            // What the marked stretches cannot settle, the whole file may: start again.
            Err(Unsupported(_)) => {
                (|| {
                    lock.file.set_len(0)?;
                    lock.file.rewind()
                })()
                .map_err(io_err(&lock.path, "write"))?;
            }
            Err(e) => return Err(e),
        }
    }
    // The header holds the number of entries. In a file with a checksum it must be known
    // before the first byte is hashed: a first walk finds which touched paths already
    // have an entry, and stops after the last of them. Without a checksum the number is
    // written over the header once the entries are.
    let first = if hashed {
        let mut input = Input::new(&mut file, old.len, None)?;
        input.take(HEADER)?;
        Some(Walk::new(&plan).run(&mut input, old.count, None::<&mut Output>)?)
    } else {
        None
    };
    let count_of = |found: &Found| {
        (u64::from(old.count) + found.inserted as u64)
            .checked_sub(found.removed as u64)
            .and_then(|n| u32::try_from(n).ok())
            .ok_or(Unsupported("the number of entries is out of range"))
    };
    let count = first.as_ref().map(count_of).transpose()?;

    let (checksum, found, marks) =
        std::thread::scope(|s| -> Result<(Option<[u8; HASH]>, Found, Marks)> {
            let (full_tx, full_rx) = mpsc::sync_channel::<Vec<u8>>(2);
            let (empty_tx, empty_rx) = mpsc::channel::<Vec<u8>>();
            let lock_file = &mut lock.file;
            let writer = s.spawn(move || sink(lock_file, hashed, full_rx, empty_tx));
            let mut out = Output {
                buf: Vec::with_capacity(CHUNK + MAX_ENTRY),
                full: full_tx,
                empty: empty_rx,
                written: 0,
            };
            let header = count.unwrap_or(old.count);
            let copied = copy(
                &plan,
                &old,
                verify,
                &mut file,
                header,
                first.as_ref(),
                &mut out,
            )
            .and_then(|done| out.finish().map(|()| done));
            drop(out);
            let written = writer
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("the index writer panicked")))
                .map_err(io_err(&lock.path, "write"))?;
            let (sum, found, marks) = copied?;
            if sum.is_some_and(|sum| sum != old.checksum) {
                return Err(Unsupported("the index checksum does not match"));
            }
            Ok((written, found, marks))
        })?;
    if count.is_none() {
        write_count(&mut lock.file, count_of(&found)?).map_err(io_err(&lock.path, "write"))?;
    }
    let checksum = checksum.unwrap_or([0; HASH]);
    lock.file
        .write_all(&checksum)
        .map_err(io_err(&lock.path, "write"))?;
    finish(lock, &index_path, retired, stamp, &checksum, &plan, marks)?;
    Ok(false)
}

/// Write the number of entries over the header's, and go back to the end.
fn write_count(file: &mut File, count: u32) -> std::io::Result<()> {
    file.seek(std::io::SeekFrom::Start(8))?;
    file.write_all(&count.to_be_bytes())?;
    file.seek(std::io::SeekFrom::End(0)).map(|_| ())
}

/// Put the written file in place of the index and keep its stamp and marks.
fn finish(
    lock: Lock,
    index_path: &Path,
    retired: &Path,
    stamp: &Path,
    checksum: &[u8; HASH],
    plan: &Plan<'_>,
    marks: Marks,
) -> Result<()> {
    retire(index_path, retired);
    lock.commit(index_path)?;
    if let Ok(meta) = std::fs::metadata(index_path) {
        // The marks name every entry that may be racily clean against the new file only
        // if its time did not go back: a clock set back could make one more.
        let marks = (stat(&meta).is_some_and(|s| s[2] >= plan.index_mtime)).then_some(marks);
        // Only a shortcut: without it the next update reads and checks the whole file.
        let _ = save_stamp(
            stamp,
            &stamp_file(FileStamp::of(&meta), checksum, marks.as_ref()),
        );
    }
    Ok(())
}

/// Keep the index about to be replaced as `retired`: freeing its blocks takes as long as
/// writing the new file (40 ms at 100,000 tickets, when its last link goes or the last
/// descriptor closes), which is left to a process of its own once this one has answered
/// ([`fsutil::remove_later`]). One is kept at a time: a batch of commits frees the one
/// before.
fn retire(index: &Path, retired: &Path) {
    let _ = std::fs::remove_file(retired);
    if std::fs::hard_link(index, retired).is_ok() {
        fsutil::remove_later(retired);
    }
}

/// Written over the old stamp in place, not truncated: freeing its block waited ~15 ms on
/// the disk right after the old index had been freed. A torn stamp fails its own checksum.
fn save_stamp(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)?;
    f.write_all(bytes)?;
    if f.metadata()?.len() != bytes.len() as u64 {
        f.set_len(bytes.len() as u64)?;
    }
    Ok(())
}

const STAMP_MAGIC: &[u8; 16] = b"tiketti-idxstamp";
const STAMP_VERSION: u32 = 4;

fn stamp_file(stamp: FileStamp, checksum: &[u8; HASH], marks: Option<&Marks>) -> Vec<u8> {
    let size = marks.map_or(0, |m| {
        let paths = |v: &[Vec<u8>]| v.iter().map(|p| p.len() + 4).sum::<usize>();
        m.points
            .iter()
            .map(|p| 24 + p.prev.len() + p.path.len())
            .sum::<usize>()
            + paths(&m.racy)
    });
    let mut w = Writer::new(STAMP_MAGIC, STAMP_VERSION, 64 + size);
    let path = |w: &mut Writer, p: &[u8]| {
        w.u32(p.len() as u32);
        w.bytes(p);
    };
    w.stamp(stamp);
    w.bytes(checksum);
    w.u8(u8::from(marks.is_some()));
    if let Some(m) = marks {
        w.u64(m.entries_end);
        w.u32(m.points.len() as u32);
        for p in &m.points {
            w.u32(p.ordinal);
            w.u64(p.offset);
            path(&mut w, &p.prev);
            path(&mut w, &p.path);
        }
        w.u32(m.racy.len() as u32);
        for p in &m.racy {
            path(&mut w, p);
        }
    }
    w.finish()
}

/// Whether the index file (`meta`, with `checksum` at its end) is the one whose stamp is
/// in `stamp`, and then its marks if they were kept. Every writer of the index, this one
/// included, replaces the file by a new one (renames `index.lock` over it), and every
/// write changes the change time, which no program can set back.
fn written_here(
    stamp: &Path,
    meta: &std::fs::Metadata,
    checksum: &[u8; HASH],
) -> Option<Option<Marks>> {
    let bytes = std::fs::read(stamp).ok()?;
    let (was, sum, marks) = read_stamp(&bytes, meta.len())?;
    (was == FileStamp::of(meta) && sum == *checksum).then_some(marks)
}

/// The stamp file's stamp, checksum and marks (if kept and sound for a file of `len`
/// bytes).
fn read_stamp(bytes: &[u8], len: u64) -> Option<(FileStamp, [u8; HASH], Option<Marks>)> {
    let mut r = Reader::open(bytes, STAMP_MAGIC, STAMP_VERSION)?;
    let stamp = r.stamp()?;
    let checksum: [u8; HASH] = r.take(HASH)?.try_into().ok()?;
    let path = |r: &mut Reader<'_>| -> Option<Vec<u8>> {
        let n = r.u32()? as usize;
        Some(r.take(n)?.to_vec())
    };
    let marks = (|| {
        if r.u8()? == 0 {
            return None;
        }
        let mut m = Marks {
            entries_end: r.u64()?,
            points: Vec::new(),
            racy: Vec::new(),
        };
        for _ in 0..r.u32()? {
            m.points.push(Mark {
                ordinal: r.u32()?,
                offset: r.u64()?,
                prev: path(&mut r)?,
                path: path(&mut r)?,
            });
        }
        for _ in 0..r.u32()? {
            m.racy.push(path(&mut r)?);
        }
        // Marks in order, inside the entries, each after the one before.
        let ordered = m.points.windows(2).all(|w| {
            w[0].ordinal < w[1].ordinal && w[0].offset < w[1].offset && w[0].path <= w[1].path
        });
        let inside = m
            .points
            .first()
            .is_some_and(|p| p.ordinal == 0 && p.offset == HEADER as u64)
            && m.points.last().is_some_and(|p| p.offset < m.entries_end)
            && m.entries_end <= len.saturating_sub(HASH as u64);
        (r.is_empty() && ordered && inside).then_some(m)
    })();
    Some((stamp, checksum, marks))
}

/// Where the entries of the index written here last are: every [`MARK_EVERY`]th entry's
/// offset and path (and the path before it, which a version 4 path is written against),
/// and the paths of the entries that may be racily clean against the file (recorded
/// when written: in the same second as the file, or later). With them the next update
/// reads and writes only the stretches between marks that hold a touched path, a folder
/// of one, or such an entry, and the kernel copies the rest (`copy_file_range`): 15 ms
/// instead of 55 for a 75 MB index.
#[derive(Debug, Default)]
struct Marks {
    /// Where the extensions start.
    entries_end: u64,
    points: Vec<Mark>,
    racy: Vec<Vec<u8>>,
}

#[derive(Debug, Clone)]
struct Mark {
    /// The entry's number, from 0.
    ordinal: u32,
    offset: u64,
    prev: Vec<u8>,
    path: Vec<u8>,
}

/// How far apart the marks are: the stretch read around a touched path. Small in tests,
/// so that a handful of files spans many stretches.
const MARK_EVERY: usize = if cfg!(test) { 3 } else { 1024 };

/// The marks of the file being written, taken as its entries go out.
struct Recorder {
    /// Mark the next entry whatever the count.
    force: bool,
    since: usize,
    ordinal: u32,
    points: Vec<Mark>,
    racy: Vec<Vec<u8>>,
}

impl Recorder {
    fn new(ordinal: u32) -> Recorder {
        Recorder {
            force: true,
            since: 0,
            ordinal,
            points: Vec::new(),
            racy: Vec::new(),
        }
    }

    /// The entry `path`, after `last`, about to be written at `offset`; `racy` when its
    /// stat data may be racily clean against the new file.
    fn entry(&mut self, offset: u64, last: &[u8], path: &[u8], racy: bool) {
        if self.force || self.since >= MARK_EVERY {
            self.points.push(Mark {
                ordinal: self.ordinal,
                offset,
                prev: last.to_vec(),
                path: path.to_vec(),
            });
            self.since = 0;
            self.force = false;
        }
        self.since += 1;
        self.ordinal += 1;
        if racy {
            self.racy.push(path.to_vec());
        }
    }
}

const HEADER: usize = 12;
const HASH: usize = 20;
/// Stat data, object name and flags of an entry, before the optional extended flags.
const FIXED: usize = 62;
const CHUNK: usize = 1 << 20;
/// No entry is longer: a path of at most 4096 bytes (PATH_MAX), with room to spare.
const MAX_ENTRY: usize = 8192;
const NAME_MASK: u16 = 0x0fff;
const FLAG_EXTENDED: u16 = 0x4000;
const MODE_TYPE: u32 = 0o170000;
const MODE_FILE: u32 = 0o100000;
const MODE_LINK: u32 = 0o120000;
const MODE_DIR: u32 = 0o040000;
const MODE_GITLINK: u32 = 0o160000;

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

fn io_err(path: &Path, what: &str) -> impl FnOnce(std::io::Error) -> IndexError {
    let context = format!("cannot {what} {}", path.display());
    move |source| IndexError::Io { context, source }
}

/// What the index file says about itself: its header and its trailing checksum.
struct Old {
    len: u64,
    head: [u8; HEADER],
    version: u32,
    count: u32,
    checksum: [u8; HASH],
    /// False for a file written with index.skipHash: its checksum is zero, and so is the
    /// new one.
    hashed: bool,
}

impl Old {
    fn read(file: &mut File, len: u64) -> Result<Old> {
        let io = |source| IndexError::Io {
            context: String::new(),
            source,
        };
        if len < (HEADER + HASH) as u64 {
            return Err(Unsupported("the index is too short"));
        }
        let mut head = [0u8; HEADER];
        file.read_exact(&mut head).map_err(io)?;
        if &head[..4] != b"DIRC" {
            return Err(Unsupported("the index does not start with DIRC"));
        }
        let version = be32(&head[4..]);
        if !(2..=4).contains(&version) {
            return Err(Unsupported("the index version is not 2, 3 or 4"));
        }
        let mut checksum = [0u8; HASH];
        file.seek(std::io::SeekFrom::Start(len - HASH as u64))
            .and_then(|_| file.read_exact(&mut checksum))
            .map_err(io)?;
        Ok(Old {
            len,
            head,
            version,
            count: be32(&head[8..]),
            checksum,
            hashed: checksum != [0; HASH],
        })
    }
}

/// A touched path and its new entry's stat data and blob, or `None` when it goes.
#[derive(Clone)]
struct Touch {
    path: Vec<u8>,
    new: Option<([u32; 10], [u8; 20])>,
}

/// The touched paths in index order, the last change of each path winning, with the stat
/// data of the files now in the work tree. A path that git would not store as it is
/// (`..`, `.git`, a doubled slash) or a file that is no longer a plain file is left to
/// libgit2, which refuses it with its own message.
fn touches(work_dir: &Path, changes: &[Change<'_>]) -> Result<Vec<Touch>> {
    // str orders by bytes, as the index does.
    let mut map: BTreeMap<&str, Option<[u8; 20]>> = BTreeMap::new();
    for c in changes {
        let (path, blob) = match c {
            Change::Write { path, blob } => (path, Some(*blob)),
            Change::Remove { path } => (path, None),
        };
        if !plain_path(path) {
            return Err(Unsupported("a path git does not store as it is"));
        }
        map.insert(path, blob);
    }
    map.into_iter()
        .map(|(path, blob)| {
            let new = match blob {
                None => None,
                Some(blob) => {
                    let meta = std::fs::symlink_metadata(work_dir.join(path))
                        .map_err(|_| Unsupported("a written file is missing"))?;
                    if !meta.is_file() {
                        return Err(Unsupported("a written path is not a plain file"));
                    }
                    Some((stat(&meta).ok_or(Unsupported("no stat data here"))?, blob))
                }
            };
            Ok(Touch {
                path: path.as_bytes().to_vec(),
                new,
            })
        })
        .collect()
}

fn plain_path(path: &str) -> bool {
    !path.is_empty()
        && path.len() < 4096
        && !path.contains(['\0', '\\'])
        && path
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != ".." && !c.eq_ignore_ascii_case(".git"))
}

/// The ten stat fields of an entry, as git records them (`fill_stat_data`): seconds,
/// device, inode and size truncated to 32 bits.
#[cfg(unix)]
fn stat(meta: &std::fs::Metadata) -> Option<[u32; 10]> {
    use std::os::unix::fs::MetadataExt;
    // git stores a size that is an exact multiple of 4 GiB as 2^31, not 0: a size of 0
    // marks an entry whose content must be compared (racily clean, below).
    let size = match meta.size() as u32 {
        0 if meta.size() != 0 => 0x8000_0000,
        s => s,
    };
    Some([
        meta.ctime() as u32,
        meta.ctime_nsec() as u32,
        meta.mtime() as u32,
        meta.mtime_nsec() as u32,
        meta.dev() as u32,
        meta.ino() as u32,
        meta.mode(),
        meta.uid(),
        meta.gid(),
        size,
    ])
}

#[cfg(not(unix))]
fn stat(_meta: &std::fs::Metadata) -> Option<[u32; 10]> {
    None
}

/// Everything the walk over the entries needs to know.
struct Plan<'w> {
    version: u32,
    touches: Vec<Touch>,
    /// The folders the written paths need, sorted: an entry with such a path is a file
    /// where a folder must be.
    folders: Vec<Vec<u8>>,
    /// Each written path followed by `/`, sorted: an entry under it is in a folder where
    /// the file must be.
    under: Vec<Vec<u8>>,
    trust_filemode: bool,
    work_dir: &'w Path,
    /// The index's modification time, in seconds: an entry whose file changed in that
    /// second or later may have changed again without its stat data showing it.
    index_mtime: u32,
}

impl<'w> Plan<'w> {
    fn new(
        version: u32,
        touches: Vec<Touch>,
        trust_filemode: bool,
        work_dir: &'w Path,
        meta: &std::fs::Metadata,
    ) -> Plan<'w> {
        let mut folders = Vec::new();
        let mut under = Vec::new();
        for t in touches.iter().filter(|t| t.new.is_some()) {
            for (i, b) in t.path.iter().enumerate() {
                if *b == b'/' {
                    folders.push(t.path[..i].to_vec());
                }
            }
            let mut u = t.path.clone();
            u.push(b'/');
            under.push(u);
        }
        folders.sort();
        folders.dedup();
        under.sort();
        let index_mtime = stat(meta).map_or(0, |s| s[2]);
        Plan {
            version,
            touches,
            folders,
            under,
            trust_filemode,
            work_dir,
            index_mtime,
        }
    }

    /// The plan for the entries between two marks: the touched paths, folders and paths
    /// under a written one that `within` places there.
    fn part(&self, within: impl Fn(&[u8]) -> bool) -> Plan<'w> {
        let pick = |v: &[Vec<u8>]| v.iter().filter(|p| within(p)).cloned().collect();
        Plan {
            version: self.version,
            touches: self
                .touches
                .iter()
                .filter(|t| within(&t.path))
                .cloned()
                .collect(),
            folders: pick(&self.folders),
            under: pick(&self.under),
            trust_filemode: self.trust_filemode,
            work_dir: self.work_dir,
            index_mtime: self.index_mtime,
        }
    }

    /// A written path that is a folder of another written path.
    fn self_conflicting(&self) -> bool {
        self.folders.iter().any(|f| {
            self.touches
                .binary_search_by(|t| t.path.as_slice().cmp(f))
                .is_ok_and(|i| self.touches[i].new.is_some())
        })
    }
}

/// How the touched paths met the index.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct Found {
    /// Written paths that had no entry.
    inserted: usize,
    /// Removed paths that had one.
    removed: usize,
}

/// The file being read, through a buffer that is refilled in large reads; what is read is
/// hashed then (up to the trailing checksum) when a hasher is given.
struct Input<'f> {
    file: &'f mut File,
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    /// File offset of `buf[end]`.
    read: u64,
    /// Bytes covered by the checksum: all but the trailing one.
    limit: u64,
    hash: Option<Sha1>,
}

impl<'f> Input<'f> {
    /// Read `file` (of length `len`) from its start.
    fn new(file: &'f mut File, len: u64, hash: Option<Sha1>) -> Result<Input<'f>> {
        let mut input = Input::at(file, 0, len)?;
        input.hash = hash;
        Ok(input)
    }

    /// Read `file` (of length `len`) from `offset` on, unhashed.
    fn at(file: &'f mut File, offset: u64, len: u64) -> Result<Input<'f>> {
        file.seek(std::io::SeekFrom::Start(offset))
            .map_err(|source| IndexError::Io {
                context: "cannot read the index".into(),
                source,
            })?;
        Ok(Input {
            file,
            buf: vec![0; CHUNK],
            pos: 0,
            end: 0,
            read: offset,
            limit: len - HASH as u64,
            hash: None,
        })
    }

    /// The next `n` bytes or fewer, fewer only at the end of the file.
    fn peek(&mut self, n: usize) -> Result<&[u8]> {
        if self.end - self.pos < n {
            self.buf.copy_within(self.pos..self.end, 0);
            self.end -= self.pos;
            self.pos = 0;
            if self.buf.len() < n {
                self.buf.resize(n.max(CHUNK), 0);
            }
            while self.end < n {
                let k = self
                    .file
                    .read(&mut self.buf[self.end..])
                    .map_err(|source| IndexError::Io {
                        context: "cannot read the index".into(),
                        source,
                    })?;
                if k == 0 {
                    break;
                }
                if let Some(h) = &mut self.hash {
                    let covered = (self.limit.saturating_sub(self.read) as usize).min(k);
                    h.update(&self.buf[self.end..self.end + covered]);
                }
                self.read += k as u64;
                self.end += k;
            }
        }
        Ok(&self.buf[self.pos..self.end.min(self.pos + n)])
    }

    /// The next `n` bytes, consumed.
    fn take(&mut self, n: usize) -> Result<&[u8]> {
        if self.peek(n)?.len() < n {
            return Err(Unsupported("the index ends early"));
        }
        self.pos += n;
        Ok(&self.buf[self.pos - n..self.pos])
    }

    /// Up to `max` of the next bytes (at least one), consumed: for long runs copied as
    /// they are, without moving them in the buffer.
    fn take_some(&mut self, max: usize) -> Result<&[u8]> {
        let n = (self.end - self.pos).min(max);
        if n == 0 {
            return self.take(max.min(CHUNK));
        }
        self.pos += n;
        Ok(&self.buf[self.pos - n..self.pos])
    }

    /// File offset of the next byte.
    fn offset(&self) -> u64 {
        self.read - (self.end - self.pos) as u64
    }
}

/// Where the new file goes.
trait Put {
    fn put(&mut self, bytes: &[u8]) -> Result<()>;
    /// The offset in the new file of the next byte put.
    fn written(&self) -> u64;
}

/// The new file, handed to the writer thread in chunks.
struct Output {
    buf: Vec<u8>,
    full: mpsc::SyncSender<Vec<u8>>,
    empty: mpsc::Receiver<Vec<u8>>,
    written: u64,
}

impl Put for Output {
    /// A long run (the cache tree is megabytes) goes out in chunks rather than growing
    /// the buffer to its size.
    fn put(&mut self, mut bytes: &[u8]) -> Result<()> {
        self.written += bytes.len() as u64;
        loop {
            let room = CHUNK.saturating_sub(self.buf.len()).max(1);
            let (now, rest) = bytes.split_at(room.min(bytes.len()));
            self.buf.extend_from_slice(now);
            if self.buf.len() >= CHUNK {
                self.send()?;
            }
            if rest.is_empty() {
                return Ok(());
            }
            bytes = rest;
        }
    }

    fn written(&self) -> u64 {
        self.written
    }
}

impl Output {
    fn send(&mut self) -> Result<()> {
        let next = self
            .empty
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(CHUNK + 2 * MAX_ENTRY));
        let full = std::mem::replace(&mut self.buf, next);
        // A writer that stopped has its own error, reported when it is joined.
        self.full
            .send(full)
            .map_err(|_| Unsupported("the index writer stopped"))
    }

    fn finish(&mut self) -> Result<()> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            self.send()
        }
    }
}

/// The new file written here, with stretches of the old one copied by the kernel.
struct Direct<'f> {
    file: &'f mut File,
    buf: Vec<u8>,
    written: u64,
}

impl Direct<'_> {
    fn flush(&mut self) -> Result<()> {
        self.file
            .write_all(&self.buf)
            .map_err(|source| IndexError::Io {
                context: "cannot write the index".into(),
                source,
            })?;
        self.buf.clear();
        Ok(())
    }

    /// Append `len` bytes of `old` from `offset`: `std::io::copy` between two files is
    /// `copy_file_range(2)` where the system has it, and the bytes never come up here.
    fn copy(&mut self, old: &File, offset: u64, len: u64) -> Result<()> {
        self.flush()?;
        let io = |source| IndexError::Io {
            context: "cannot copy the index".into(),
            source,
        };
        let mut from = old;
        from.seek(std::io::SeekFrom::Start(offset)).map_err(io)?;
        let copied = std::io::copy(&mut from.take(len), self.file).map_err(io)?;
        if copied != len {
            return Err(Unsupported("the index ends early"));
        }
        self.written += len;
        Ok(())
    }
}

impl Put for Direct<'_> {
    fn put(&mut self, bytes: &[u8]) -> Result<()> {
        self.written += bytes.len() as u64;
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= CHUNK {
            self.flush()?;
        }
        Ok(())
    }

    fn written(&self) -> u64 {
        self.written
    }
}

/// The writer thread: hash and write each chunk; the checksum when asked for one.
fn sink(
    file: &mut File,
    hashed: bool,
    full: mpsc::Receiver<Vec<u8>>,
    empty: mpsc::Sender<Vec<u8>>,
) -> std::io::Result<Option<[u8; HASH]>> {
    let mut hash = hashed.then(Sha1::new);
    for mut chunk in full {
        if let Some(h) = &mut hash {
            h.update(&chunk);
        }
        file.write_all(&chunk)?;
        chunk.clear();
        let _ = empty.send(chunk);
    }
    Ok(hash.map(|h| h.finalize().into()))
}

/// The pass that reads the whole file and produces the new one, with `count` in its
/// header. Returns the old file's checksum as computed, if it is to be checked
/// (`verify`), what the walk found, which must be what a first walk found, and the new
/// file's marks.
fn copy(
    plan: &Plan<'_>,
    old: &Old,
    verify: bool,
    file: &mut File,
    count: u32,
    first: Option<&Found>,
    out: &mut Output,
) -> Result<(Option<[u8; HASH]>, Found, Marks)> {
    let mut input = Input::new(file, old.len, verify.then(Sha1::new))?;
    input.take(HEADER)?;
    out.put(&old.head[..8])?;
    out.put(&count.to_be_bytes())?;
    let mut walk = Walk::new(plan);
    walk.rec = Some(Recorder::new(0));
    let found = walk.run(&mut input, old.count, Some(out))?;
    if first.is_some_and(|first| *first != found) {
        return Err(Unsupported("the index changed while it was read"));
    }
    let entries_end = out.written();
    extensions(plan, &mut input, out)?;
    input.take(HASH)?;
    let rec = walk.rec.take().unwrap_or_else(|| Recorder::new(0));
    let marks = Marks {
        entries_end,
        points: rec.points,
        racy: rec.racy,
    };
    Ok((input.hash.take().map(|h| h.finalize().into()), found, marks))
}

/// [`copy`] for an index with [`Marks`]: the stretches between marks that hold a touched
/// path, a folder of one, a path under a written one, or an entry that may be racily
/// clean are walked (each with the entry after it, written again against the stretch's
/// new last path); the rest is copied as it is. The same bytes as [`copy`] would write,
/// without checksum; the number of entries is left to the caller. Returns it and the
/// new marks.
fn update_marked(
    plan: &Plan<'_>,
    marks: &Marks,
    old: &Old,
    file: &mut File,
    out: &mut Direct<'_>,
) -> Result<(u32, Marks)> {
    let points = &marks.points;
    let at = |x: &[u8]| {
        points
            .partition_point(|m| m.path.as_slice() <= x)
            .saturating_sub(1)
    };
    let mut need: Vec<usize> = (plan.touches.iter().map(|t| t.path.as_slice()))
        .chain(plan.folders.iter().map(Vec::as_slice))
        .chain(plan.under.iter().map(Vec::as_slice))
        .chain(marks.racy.iter().map(Vec::as_slice))
        .map(at)
        .collect();
    need.sort_unstable();
    need.dedup();
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for k in need {
        match runs.last_mut() {
            Some((_, last)) if *last + 1 == k => *last = k,
            _ => runs.push((k, k)),
        }
    }
    if plan.self_conflicting() {
        return Err(Unsupported("a written path is the folder of another"));
    }
    out.put(&old.head)?;
    let mut new = Marks {
        entries_end: 0,
        points: Vec::with_capacity(points.len() + runs.len()),
        racy: Vec::new(),
    };
    let mut found = Found::default();
    let mut cursor = HEADER as u64;
    let mut next = 0;
    // The marks of a copied stretch move with what the walks before it added or dropped.
    let shifted = |m: &Mark, written: u64, cursor: u64, found: &Found| -> Option<Mark> {
        Some(Mark {
            ordinal: (u64::from(m.ordinal) + found.inserted as u64)
                .checked_sub(found.removed as u64)?
                .try_into()
                .ok()?,
            offset: (m.offset + written).checked_sub(cursor)?,
            ..m.clone()
        })
    };
    let bad = || Unsupported("the index does not match its marks");
    for &(a, b) in &runs {
        for m in &points[next.min(a)..a] {
            new.points
                .push(shifted(m, out.written(), cursor, &found).ok_or_else(bad)?);
        }
        let start = &points[a];
        let gap = start.offset.checked_sub(cursor).ok_or_else(bad)?;
        out.copy(file, cursor, gap)?;
        let mut input = Input::at(file, start.offset, old.len)?;
        let part = plan.part(|x| (a..=b).contains(&at(x)));
        let mut walk = Walk::new(&part);
        walk.prev.clone_from(&start.prev);
        let ordinal = shifted(start, 0, 0, &found).ok_or_else(bad)?.ordinal;
        walk.rec = Some(Recorder::new(ordinal));
        let after = points.get(b + 1);
        let count = after
            .map_or(old.count, |m| m.ordinal)
            .checked_sub(start.ordinal)
            .ok_or_else(bad)?;
        walk.run(&mut input, count, Some(&mut *out))?;
        if after.is_some() {
            if let Some(rec) = &mut walk.rec {
                rec.force = true;
            }
            walk.run(&mut input, 1, Some(&mut *out))?;
        }
        found.inserted += walk.found.inserted;
        found.removed += walk.found.removed;
        if let Some(rec) = walk.rec.take() {
            new.points.extend(rec.points);
            new.racy.extend(rec.racy);
        }
        cursor = input.offset();
        next = b + 2;
    }
    for m in points.get(next..).unwrap_or_default() {
        new.points
            .push(shifted(m, out.written(), cursor, &found).ok_or_else(bad)?);
    }
    let rest = marks.entries_end.checked_sub(cursor).ok_or_else(bad)?;
    out.copy(file, cursor, rest)?;
    new.entries_end = out.written();
    let mut input = Input::at(file, marks.entries_end, old.len)?;
    extensions(plan, &mut input, out)?;
    input.take(HASH)?;
    out.flush()?;
    let count = (u64::from(old.count) + found.inserted as u64)
        .checked_sub(found.removed as u64)
        .and_then(|n| u32::try_from(n).ok())
        .ok_or(Unsupported("the number of entries is out of range"))?;
    Ok((count, new))
}

/// The merge of the index's entries with the touched paths, both in git's order (bytes of
/// the full path).
struct Walk<'p> {
    plan: &'p Plan<'p>,
    /// Next touched path, next of `plan.folders`, next of `plan.under`.
    t: usize,
    f: usize,
    u: usize,
    /// The previous and the current entry's path (version 4 stores each path as a change
    /// of the previous one).
    prev: Vec<u8>,
    cur: Vec<u8>,
    /// Version 4: whether the last path written is `prev`; if not, it is `out_prev`, and
    /// the next copied entry is encoded again.
    in_step: bool,
    out_prev: Vec<u8>,
    /// The previous entry was a touched one: an entry with the same path after it is a
    /// conflict stage.
    touched_prev: bool,
    found: Found,
    scratch: Vec<u8>,
    /// Takes the new file's marks, when there is one.
    rec: Option<Recorder>,
}

/// One entry as read: where its path starts, its on-disk length and its flags.
struct Raw {
    fixed: usize,
    len: usize,
    flags: u16,
}

impl<'p> Walk<'p> {
    fn new(plan: &'p Plan<'p>) -> Walk<'p> {
        Walk {
            plan,
            t: 0,
            f: 0,
            u: 0,
            prev: Vec::new(),
            cur: Vec::new(),
            in_step: true,
            out_prev: Vec::new(),
            touched_prev: false,
            found: Found::default(),
            scratch: Vec::with_capacity(MAX_ENTRY),
            rec: None,
        }
    }

    /// Walk `count` entries. Without `out`, only find which touched paths have entries
    /// (and refuse what cannot be done), stopping as soon as that is known.
    fn run<P: Put + ?Sized>(
        &mut self,
        input: &mut Input<'_>,
        count: u32,
        mut out: Option<&mut P>,
    ) -> Result<Found> {
        if self.plan.self_conflicting() {
            return Err(Unsupported("a written path is the folder of another"));
        }
        let touches = &self.plan.touches;
        for _ in 0..count {
            if out.is_none()
                && self.t == touches.len()
                && self.u == self.plan.under.len()
                && !self.touched_prev
            {
                return Ok(self.found);
            }
            let raw = self.read_entry(input)?;
            let bytes = &input.peek(raw.len)?[..raw.len];
            let mode = be32(&bytes[24..]);
            if mode & MODE_TYPE == MODE_DIR {
                return Err(Unsupported("a sparse index"));
            }
            let stage = (raw.flags >> 12) & 3;
            // Where a path goes is found by comparing: that needs the order git keeps.
            if self.cur < self.prev {
                return Err(Unsupported("the index is not in order"));
            }
            if std::mem::take(&mut self.touched_prev) && self.cur == self.prev {
                return Err(Unsupported("a touched path has conflict stages"));
            }
            while self.t < touches.len() && touches[self.t].path < self.cur {
                self.insert(out.as_deref_mut())?;
            }
            if self.t < touches.len() && touches[self.t].path == self.cur {
                if stage != 0 {
                    return Err(Unsupported("a touched path has conflict stages"));
                }
                self.touched_prev = true;
                let touch = &touches[self.t];
                self.t += 1;
                match &touch.new {
                    Some((stat, blob)) => {
                        if let Some(out) = out.as_deref_mut() {
                            let mode = self.new_mode(stat[6], Some(mode));
                            let fixed = new_fixed(stat, mode, blob, touch.path.len());
                            self.emit(out, &fixed, &touch.path, true)?;
                        }
                        self.in_step = true;
                    }
                    None => {
                        self.found.removed += 1;
                        if self.in_step {
                            self.out_prev.clone_from(&self.prev);
                        }
                        self.in_step = false;
                    }
                }
            } else {
                self.check_folders()?;
                if let Some(out) = out.as_deref_mut() {
                    let bytes = &input.peek(raw.len)?[..raw.len];
                    let racy = self.may_be_racy(bytes);
                    let smudge = stage == 0 && racy && self.racily_changed(bytes);
                    if self.in_step && !smudge {
                        if let Some(rec) = &mut self.rec {
                            rec.entry(out.written(), &self.prev, &self.cur, racy);
                        }
                        out.put(bytes)?;
                    } else {
                        let mut fixed = bytes[..raw.fixed].to_vec();
                        if smudge {
                            fixed[36..40].fill(0);
                        }
                        let path = std::mem::take(&mut self.cur);
                        let r = self.emit(out, &fixed, &path, racy);
                        self.cur = path;
                        r?;
                    }
                }
                self.in_step = true;
            }
            input.take(raw.len)?;
            std::mem::swap(&mut self.prev, &mut self.cur);
        }
        while self.t < touches.len() {
            self.insert(out.as_deref_mut())?;
        }
        Ok(self.found)
    }

    /// Read the next entry's header and path into `self.cur`, without consuming it.
    fn read_entry(&mut self, input: &mut Input<'_>) -> Result<Raw> {
        let head = input.peek(FIXED + 2)?;
        if head.len() < FIXED + 2 {
            return Err(Unsupported("the index ends early"));
        }
        let flags = u16::from_be_bytes([head[60], head[61]]);
        let fixed = if flags & FLAG_EXTENDED != 0 {
            if self.plan.version < 3 {
                return Err(Unsupported("extended flags in a version 2 index"));
            }
            FIXED + 2
        } else {
            FIXED
        };
        let name_len = usize::from(flags & NAME_MASK);
        self.cur.clear();
        if self.plan.version == 4 {
            let (strip, varint_len) = {
                let b = input.peek(fixed + 16)?;
                decode_varint(b.get(fixed..).unwrap_or_default())
                    .ok_or(Unsupported("a bad path in the index"))?
            };
            let keep = self
                .prev
                .len()
                .checked_sub(strip)
                .ok_or(Unsupported("a bad path in the index"))?;
            let start = fixed + varint_len;
            let nul = find_nul(input, start)?;
            self.cur.extend_from_slice(&self.prev[..keep]);
            self.cur.extend_from_slice(&input.peek(nul)?[start..nul]);
            Ok(Raw {
                fixed,
                len: nul + 1,
                flags,
            })
        } else {
            let nul = if name_len < usize::from(NAME_MASK) {
                fixed + name_len
            } else {
                find_nul(input, fixed + name_len)?
            };
            let len = (fixed + (nul - fixed) + 8) & !7;
            let b = input.peek(len)?;
            if b.len() < len || b[nul] != 0 {
                return Err(Unsupported("a bad path in the index"));
            }
            self.cur.extend_from_slice(&b[fixed..nul]);
            Ok(Raw { fixed, len, flags })
        }
    }

    /// Refuse a file where a written path needs a folder, or a path under a written one.
    fn check_folders(&mut self) -> Result<()> {
        let folders = &self.plan.folders;
        while self.f < folders.len() && folders[self.f] < self.cur {
            self.f += 1;
        }
        if self.f < folders.len() && folders[self.f] == self.cur {
            return Err(Unsupported("a file where a written path needs a folder"));
        }
        let under = &self.plan.under;
        while self.u < under.len() && under[self.u] <= self.cur {
            if self.cur.starts_with(&under[self.u]) {
                return Err(Unsupported("a folder where a file is written"));
            }
            self.u += 1;
        }
        Ok(())
    }

    /// Put the touched path `self.t`, which has no entry, where it belongs.
    fn insert<P: Put + ?Sized>(&mut self, out: Option<&mut P>) -> Result<()> {
        let touch = &self.plan.touches[self.t];
        self.t += 1;
        let Some((stat, blob)) = &touch.new else {
            return Ok(());
        };
        self.found.inserted += 1;
        if let Some(out) = out {
            let mode = self.new_mode(stat[6], None);
            let fixed = new_fixed(stat, mode, blob, touch.path.len());
            self.emit(out, &fixed, &touch.path, true)?;
        }
        self.out_prev.clone_from(&touch.path);
        self.in_step = false;
        Ok(())
    }

    /// The mode git records for a plain file (`ce_mode_from_stat`): executable or not,
    /// unless `core.filemode` is off; then the entry keeps the mode it had.
    fn new_mode(&self, st_mode: u32, old: Option<u32>) -> u32 {
        if self.plan.trust_filemode {
            if st_mode & 0o100 != 0 {
                MODE_FILE | 0o755
            } else {
                MODE_FILE | 0o644
            }
        } else {
            match old {
                Some(m) if m & MODE_TYPE == MODE_FILE => m,
                _ => MODE_FILE | 0o644,
            }
        }
    }

    /// Write an entry with the header `fixed` and `path`, after the last path written
    /// (`prev` when `in_step`, else `out_prev`); `racy` as for [`Recorder::entry`].
    fn emit<P: Put + ?Sized>(
        &mut self,
        out: &mut P,
        fixed: &[u8],
        path: &[u8],
        racy: bool,
    ) -> Result<()> {
        if let Some(rec) = &mut self.rec {
            let last = if self.in_step {
                &self.prev
            } else {
                &self.out_prev
            };
            rec.entry(out.written(), last, path, racy);
        }
        self.scratch.clear();
        self.scratch.extend_from_slice(fixed);
        if self.plan.version == 4 {
            let last = if self.in_step {
                &self.prev
            } else {
                &self.out_prev
            };
            let common = last.iter().zip(path).take_while(|(a, b)| a == b).count();
            encode_varint(last.len() - common, &mut self.scratch);
            self.scratch.extend_from_slice(&path[common..]);
            self.scratch.push(0);
        } else {
            self.scratch.extend_from_slice(path);
            let len = (fixed.len() + path.len() + 8) & !7;
            self.scratch.resize(len, 0);
        }
        out.put(&self.scratch)
    }

    /// Whether the entry's file changed in the second the old index was written, or
    /// later (see [`Walk::racily_changed`]); at the next write it still may be racy.
    fn may_be_racy(&self, entry: &[u8]) -> bool {
        be32(&entry[24..]) & MODE_TYPE != MODE_GITLINK
            && self.plan.index_mtime != 0
            && be32(&entry[8..]) >= self.plan.index_mtime
    }

    /// An entry whose file changed in the second the index was written, or later, may
    /// have changed again without its stat data showing it. git and libgit2 check such
    /// entries whenever they write the index and set the recorded size to 0 when the
    /// content differs, so that the next reader compares the content
    /// (`ce_smudge_racily_clean_entry`); copying the entry unchanged into a newer index
    /// would hide the change.
    fn racily_changed(&self, entry: &[u8]) -> bool {
        let mode = be32(&entry[24..]);
        let mtime = be32(&entry[8..]);
        let Ok(path) = std::str::from_utf8(&self.cur) else {
            return true;
        };
        let full = self.plan.work_dir.join(path);
        // git leaves an entry alone when the file is gone or its stat data already
        // differs: the next reader sees that by itself.
        let Ok(meta) = std::fs::symlink_metadata(&full) else {
            return false;
        };
        let Some(now) = stat(&meta) else {
            return true;
        };
        if now[2] != mtime || now[9] != be32(&entry[36..]) || now[6] & MODE_TYPE != mode & MODE_TYPE
        {
            return false;
        }
        let content = if mode & MODE_TYPE == MODE_LINK {
            std::fs::read_link(&full).map(|t| t.into_os_string().into_encoded_bytes())
        } else {
            std::fs::read(&full)
        };
        match content {
            Ok(c) => blob_id(&c) != entry[40..60],
            Err(_) => true,
        }
    }
}

/// The name git gives a blob with this content.
fn blob_id(content: &[u8]) -> [u8; 20] {
    let mut h = Sha1::new();
    h.update(format!("blob {}\0", content.len()).as_bytes());
    h.update(content);
    h.finalize().into()
}

/// The header of a new entry: stat data, mode, blob, and flags holding the path length
/// (stage 0, no extended flags).
fn new_fixed(stat: &[u32; 10], mode: u32, blob: &[u8; 20], path_len: usize) -> Vec<u8> {
    let mut b = Vec::with_capacity(FIXED);
    for (i, v) in stat.iter().enumerate() {
        let v = if i == 6 { mode } else { *v };
        b.extend_from_slice(&v.to_be_bytes());
    }
    b.extend_from_slice(blob);
    let flags = path_len.min(usize::from(NAME_MASK)) as u16;
    b.extend_from_slice(&flags.to_be_bytes());
    b
}

/// The offset of the NUL that ends a path starting at `start` in the next entry.
fn find_nul(input: &mut Input<'_>, start: usize) -> Result<usize> {
    let mut want = start + 256;
    loop {
        let b = input.peek(want)?;
        if let Some(i) = b.get(start..).and_then(|s| s.iter().position(|&c| c == 0)) {
            return Ok(start + i);
        }
        if b.len() < want || want > MAX_ENTRY {
            return Err(Unsupported("a bad path in the index"));
        }
        want *= 2;
    }
}

/// git's variable-length integer (varint.c): 7 bits a byte, most significant first, each
/// continuation adding one.
fn decode_varint(b: &[u8]) -> Option<(usize, usize)> {
    let mut i = 0;
    let mut c = *b.first()?;
    let mut v = usize::from(c & 0x7f);
    while c & 0x80 != 0 {
        i += 1;
        c = *b.get(i)?;
        v = v.checked_add(1)?.checked_mul(128)? + usize::from(c & 0x7f);
    }
    Some((v, i + 1))
}

fn encode_varint(mut v: usize, out: &mut Vec<u8>) {
    let mut tmp = [0u8; 16];
    let mut pos = tmp.len() - 1;
    tmp[pos] = (v & 0x7f) as u8;
    v >>= 7;
    while v != 0 {
        v -= 1;
        pos -= 1;
        tmp[pos] = 0x80 | (v & 0x7f) as u8;
        v >>= 7;
    }
    out.extend_from_slice(&tmp[pos..]);
}

/// Copy, rewrite or drop each extension after the entries.
fn extensions(plan: &Plan<'_>, input: &mut Input<'_>, out: &mut dyn Put) -> Result<()> {
    while input.offset() < input.limit {
        if input.limit - input.offset() < 8 {
            return Err(Unsupported("the index has bytes after its extensions"));
        }
        let head = input.take(8)?;
        let sig: [u8; 4] = [head[0], head[1], head[2], head[3]];
        let size = be32(&head[4..]) as usize;
        if input.limit - input.offset() < size as u64 {
            return Err(Unsupported("an index extension runs past the end"));
        }
        match &sig {
            // The cache tree: the tree of each folder whose entries did not change since
            // it was computed, which makes `git status` and `git commit` fast.
            b"TREE" => {
                let data = take_vec(input, size)?;
                let touched: Vec<&[u8]> = plan.touches.iter().map(|t| &t.path[..]).collect();
                let tree = invalidate_tree(&data, &touched)
                    .ok_or(Unsupported("a bad cache tree in the index"))?;
                let len: usize = tree.iter().map(|p| p.bytes(&data).len()).sum();
                out.put(b"TREE")?;
                out.put(&(len as u32).to_be_bytes())?;
                for p in &tree {
                    out.put(p.bytes(&data))?;
                }
            }
            // Resolve-undo names paths and blobs only, not entries: still true.
            b"REUC" => {
                out.put(&sig)?;
                out.put(&(size as u32).to_be_bytes())?;
                let mut left = size;
                while left > 0 {
                    let run = input.take_some(left)?;
                    left -= run.len();
                    out.put(run)?;
                }
            }
            // A split or sparse index, or anything else git says a reader must understand.
            _ if sig[0].is_ascii_lowercase() => {
                return Err(Unsupported("a split, sparse or unknown kind of index"));
            }
            // Optional and no longer right, or unknown: the untracked cache (it records
            // folders' contents), the fsmonitor bitmap and the entry offsets count by
            // position; git builds them again when it wants them.
            _ => {
                let mut left = size;
                while left > 0 {
                    left -= input.take_some(left)?.len();
                }
            }
        }
    }
    Ok(())
}

fn take_vec(input: &mut Input<'_>, size: usize) -> Result<Vec<u8>> {
    let mut data = Vec::with_capacity(size);
    while data.len() < size {
        let run = input.take_some(size - data.len())?;
        data.extend_from_slice(run);
    }
    Ok(data)
}

/// A piece of the new cache tree: a run of the old one, or new bytes.
enum Piece {
    Old(std::ops::Range<usize>),
    New(Vec<u8>),
}

impl Piece {
    fn bytes<'a>(&'a self, data: &'a [u8]) -> &'a [u8] {
        match self {
            Piece::Old(r) => &data[r.clone()],
            Piece::New(b) => b,
        }
    }
}

/// The cache tree with every folder on a touched path marked invalid (entry count -1, no
/// tree), as git and libgit2 do when an entry below a folder changes
/// (`cache_tree_invalidate_path`). Folders beside the paths keep their trees. As pieces
/// (mostly runs of the old data, megabytes at 100,000 tickets, which are not copied);
/// `None` when the data does not parse.
fn invalidate_tree(data: &[u8], touched: &[&[u8]]) -> Option<Vec<Piece>> {
    let mut out = Vec::new();
    let mut pos = 0;
    tree_node(data, &mut pos, touched, &mut out)?;
    (pos == data.len()).then_some(out)
}

/// One node and its subtrees; `paths` are the touched paths below it, relative to it.
fn tree_node(data: &[u8], pos: &mut usize, paths: &[&[u8]], out: &mut Vec<Piece>) -> Option<()> {
    let start = *pos;
    let (name, subtrees) = tree_head(data, pos)?;
    if paths.is_empty() {
        let mut pending = subtrees;
        while pending > 0 {
            let (_, n) = tree_head(data, pos)?;
            pending = pending - 1 + n;
        }
        match out.last_mut() {
            Some(Piece::Old(r)) if r.end == start => r.end = *pos,
            _ => out.push(Piece::Old(start..*pos)),
        }
        return Some(());
    }
    let mut head = name.to_vec();
    head.push(0);
    head.extend_from_slice(format!("-1 {subtrees}\n").as_bytes());
    out.push(Piece::New(head));
    for _ in 0..subtrees {
        let child = data[*pos..].split(|&b| b == 0).next()?;
        let below: Vec<&[u8]> = paths
            .iter()
            .filter_map(|p| p.strip_prefix(child)?.strip_prefix(b"/"))
            .collect();
        tree_node(data, pos, &below, out)?;
    }
    Some(())
}

/// A node's name and number of subtrees; `pos` moves past its tree, if it has one.
fn tree_head<'d>(data: &'d [u8], pos: &mut usize) -> Option<(&'d [u8], usize)> {
    let rest = data.get(*pos..)?;
    let nul = rest.iter().position(|&b| b == 0)?;
    let sp = nul + 1 + rest[nul + 1..].iter().position(|&b| b == b' ')?;
    let nl = sp + 1 + rest[sp + 1..].iter().position(|&b| b == b'\n')?;
    let entries: i64 = std::str::from_utf8(&rest[nul + 1..sp]).ok()?.parse().ok()?;
    let subtrees: usize = std::str::from_utf8(&rest[sp + 1..nl]).ok()?.parse().ok()?;
    *pos += nl + 1;
    if entries >= 0 {
        *pos += HASH;
        if *pos > data.len() {
            return None;
        }
    }
    Some((&rest[..nul], subtrees))
}

/// `index.lock`, created exclusively as git does; removed again unless it became the
/// index. Another program's lock is waited for, never removed: git leaves one behind only
/// when it crashed, and then the person who knows that removes it.
struct Lock {
    path: PathBuf,
    file: File,
    done: bool,
}

impl Lock {
    fn take(path: PathBuf, wait: Duration) -> Result<Lock> {
        let start = Instant::now();
        loop {
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => {
                    return Ok(Lock {
                        path,
                        file,
                        done: false,
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    if start.elapsed() >= wait {
                        return Err(IndexError::Locked(path));
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => return Err(io_err(&path, "create")(e)),
            }
        }
    }

    fn commit(mut self, index: &Path) -> Result<()> {
        std::fs::rename(&self.path, index).map_err(io_err(index, "replace"))?;
        self.done = true;
        Ok(())
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

// The code under test answers Unsupported elsewhere; the tests use cp(1) and Unix stat.
#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::process::Command;

    /// A work tree with git's own index, and a twin of it updated by libgit2.
    struct Desk {
        tmp: tempfile::TempDir,
        /// Whether the last update rewrote only the marked stretches.
        marked: std::cell::Cell<bool>,
    }

    impl Desk {
        /// A repository with `files` committed by git, so that git wrote the index and
        /// its cache tree.
        fn new(files: &[&str]) -> Desk {
            let desk = Desk {
                tmp: tempfile::tempdir().unwrap(),
                marked: std::cell::Cell::new(false),
            };
            std::fs::create_dir_all(desk.home()).unwrap();
            desk.git(&["init", "-q", "-b", "main", "."]);
            for f in files {
                desk.put(f, &format!("{f}\n"));
            }
            desk.git(&["add", "-A"]);
            desk.git(&["commit", "-q", "-m", "start"]);
            desk.git(&["status", "--porcelain"]);
            desk
        }

        fn root(&self) -> PathBuf {
            self.tmp.path().join("w")
        }

        fn home(&self) -> PathBuf {
            self.tmp.path().join("home")
        }

        fn index(&self) -> PathBuf {
            self.root().join(".git/index")
        }

        fn twin(&self) -> PathBuf {
            self.tmp.path().join("twin")
        }

        fn git_in(&self, dir: &Path, args: &[&str]) -> String {
            let (ok, out, err) = self.run_git(dir, args);
            assert!(ok, "git {args:?}: {err}");
            out
        }

        /// Exit status, stdout and stderr of git.
        fn run_git(&self, dir: &Path, args: &[&str]) -> (bool, String, String) {
            std::fs::create_dir_all(dir).unwrap();
            let out = Command::new("git")
                .args(args)
                .current_dir(dir)
                .env("HOME", self.home())
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("GIT_AUTHOR_NAME", "T")
                .env("GIT_AUTHOR_EMAIL", "t@example.com")
                .env("GIT_COMMITTER_NAME", "T")
                .env("GIT_COMMITTER_EMAIL", "t@example.com")
                .output()
                .unwrap();
            (
                out.status.success(),
                String::from_utf8_lossy(&out.stdout).into_owned(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            )
        }

        fn git(&self, args: &[&str]) -> String {
            self.git_in(&self.root(), args)
        }

        fn put(&self, rel: &str, text: &str) {
            let p = self.root().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }

        /// Apply `writes` and `removes` to the work tree (blobs stored), copy the whole
        /// desk to the twin, then update this index here and the twin's with libgit2.
        fn change(&self, writes: &[(&str, &str)], removes: &[&str]) -> Result<()> {
            let blobs = self.prepare(writes, removes);
            let changes = Desk::changes(writes, removes, &blobs);
            self.update(&changes)
        }

        /// The work tree changed as [`Desk::change`] does, the twin updated; the blobs
        /// of `writes`.
        fn prepare(&self, writes: &[(&str, &str)], removes: &[&str]) -> Vec<[u8; 20]> {
            let mut blobs = Vec::new();
            for (path, text) in writes {
                self.put(path, text);
                let id = self.git(&["hash-object", "-w", path]);
                let id = git2::Oid::from_str(id.trim()).unwrap();
                blobs.push(id.as_bytes().try_into().unwrap());
            }
            for path in removes {
                let _ = std::fs::remove_file(self.root().join(path));
            }
            let _ = std::fs::remove_dir_all(self.twin());
            let cp = Command::new("cp")
                .arg("-a")
                .arg(self.root())
                .arg(self.twin())
                .status()
                .unwrap();
            assert!(cp.success());
            // libgit2 refuses some of what the cases below set up: then there is no twin.
            let _ = (|| -> std::result::Result<(), git2::Error> {
                let repo = git2::Repository::open(self.twin())?;
                let mut index = repo.index()?;
                for (path, _) in writes.iter().filter(|(p, _)| !removes.contains(p)) {
                    index.add_path(Path::new(path))?;
                }
                for path in removes {
                    let _ = index.remove_path(Path::new(path));
                }
                index.write()
            })();
            blobs
        }

        fn changes<'c>(
            writes: &[(&'c str, &str)],
            removes: &[&'c str],
            blobs: &[[u8; 20]],
        ) -> Vec<Change<'c>> {
            let writes = writes
                .iter()
                .zip(blobs)
                .map(|((path, _), blob)| Change::Write { path, blob: *blob });
            let removes = removes.iter().map(|path| Change::Remove { path });
            writes.chain(removes).collect()
        }

        /// This index updated for `changes`, here only.
        fn update(&self, changes: &[Change<'_>]) -> Result<()> {
            let root = self.root();
            let git_dir = root.join(".git");
            let stamp = self.tmp.path().join("index-stamp");
            let retired = self.tmp.path().join("index.old");
            let target = Target {
                git_dir: &git_dir,
                work_dir: &root,
                trust_filemode: true,
                stamp: &stamp,
                retired: &retired,
                lock_wait: Duration::from_secs(1),
                skip_hash: skip_hash(&git2::Repository::open(&root).unwrap().config().unwrap()),
            };
            let marked = update(&target, changes)?;
            self.marked.set(marked);
            Ok(())
        }

        /// What git, libgit2 and the file system say about the index just written.
        #[track_caller]
        fn assert_right(&self, touched: &[&str]) {
            self.assert_right_but(touched, "");
        }

        /// The same, with `unstaged` (`git diff-files --name-only`) not empty.
        #[track_caller]
        fn assert_right_but(&self, touched: &[&str], unstaged: &str) {
            assert!(!self.root().join(".git/index.lock").exists());
            // Our index against libgit2's, entry by entry; touched entries have the stat
            // data of their files (libgit2 records st_rdev as the device: not compared).
            let ours = git2::Index::open(&self.index()).unwrap();
            let theirs = git2::Index::open(&self.twin().join(".git/index")).unwrap();
            let ours: Vec<_> = ours.iter().collect();
            let theirs: Vec<_> = theirs.iter().collect();
            assert_eq!(
                ours.iter().map(|e| e.path.clone()).collect::<Vec<_>>(),
                theirs.iter().map(|e| e.path.clone()).collect::<Vec<_>>()
            );
            for (a, b) in ours.iter().zip(&theirs) {
                let path = String::from_utf8(a.path.clone()).unwrap();
                let what = |f: &str| format!("{f} of {path}");
                assert_eq!(a.id, b.id, "{}", what("blob"));
                assert_eq!(a.mode, b.mode, "{}", what("mode"));
                assert_eq!(a.flags, b.flags, "{}", what("flags"));
                assert_eq!(
                    a.flags_extended,
                    b.flags_extended,
                    "{}",
                    what("extended flags")
                );
                assert_eq!(a.file_size, b.file_size, "{}", what("size"));
                if touched.contains(&path.as_str()) {
                    use std::os::unix::fs::MetadataExt;
                    let m = std::fs::symlink_metadata(self.root().join(&path)).unwrap();
                    assert_eq!(a.mtime.seconds() as i64, m.mtime(), "{}", what("mtime"));
                    assert_eq!(a.mtime.nanoseconds() as i64, m.mtime_nsec());
                    assert_eq!(a.ctime.seconds() as i64, m.ctime(), "{}", what("ctime"));
                    assert_eq!(a.ctime.nanoseconds() as i64, m.ctime_nsec());
                    assert_eq!(u64::from(a.dev), m.dev() & 0xffff_ffff, "{}", what("dev"));
                    assert_eq!(u64::from(a.ino), m.ino() & 0xffff_ffff, "{}", what("ino"));
                    assert_eq!((a.uid, a.gid), (m.uid(), m.gid()), "{}", what("owner"));
                } else {
                    assert_eq!(
                        (a.ctime, a.mtime, a.dev, a.ino, a.uid, a.gid),
                        (b.ctime, b.mtime, b.dev, b.ino, b.uid, b.gid),
                        "{}",
                        what("stat data")
                    );
                }
            }
            // git: the same entries and the same tree (through the cache tree), the
            // checksum holds (fsck), the work tree matches without a refresh, and a
            // status finds nothing to fix.
            let twin = self.twin();
            for args in [&["ls-files", "-s"][..], &["write-tree"]] {
                assert_eq!(self.git(args), self.git_in(&twin, args), "git {args:?}");
            }
            self.git(&["fsck", "--no-dangling", "--no-progress"]);
            assert_eq!(self.git(&["diff-files", "--name-only"]), unstaged);
            let refresh = self.run_git(&self.root(), &["update-index", "--refresh"]).1;
            let needs: String = unstaged
                .lines()
                .map(|p| format!("{p}: needs update\n"))
                .collect();
            assert_eq!(refresh, needs);
            let before = self.git(&["ls-files", "--debug"]);
            assert_eq!(
                self.git(&["status", "--porcelain", "--untracked-files=no"]),
                self.git_in(&twin, &["status", "--porcelain", "--untracked-files=no"])
            );
            assert_eq!(self.git(&["ls-files", "--debug"]), before);
        }

        fn version(&self) -> u32 {
            be32(&std::fs::read(self.index()).unwrap()[4..8])
        }

        /// The extensions of the index, by signature.
        fn extensions(&self) -> Vec<String> {
            extension_list(&std::fs::read(self.index()).unwrap())
        }
    }

    fn extension_list(data: &[u8]) -> Vec<String> {
        extension_spans(data).into_iter().map(|(s, _)| s).collect()
    }

    /// Each extension's signature and where its data is.
    fn extension_spans(data: &[u8]) -> Vec<(String, std::ops::Range<usize>)> {
        let version = be32(&data[4..]);
        let mut pos = HEADER;
        let mut prev_len = 0usize;
        for _ in 0..be32(&data[8..]) {
            let flags = u16::from_be_bytes([data[pos + 60], data[pos + 61]]);
            let fixed = if flags & FLAG_EXTENDED != 0 { 64 } else { 62 };
            if version == 4 {
                let (strip, n) = decode_varint(&data[pos + fixed..]).unwrap();
                let start = pos + fixed + n;
                let nul = start + data[start..].iter().position(|&b| b == 0).unwrap();
                prev_len = prev_len - strip + (nul - start);
                pos = nul + 1;
            } else {
                let nul = pos + fixed + data[pos + fixed..].iter().position(|&b| b == 0).unwrap();
                pos += (fixed + (nul - pos - fixed) + 8) & !7;
            }
        }
        let mut out = Vec::new();
        while pos < data.len() - HASH {
            let size = be32(&data[pos + 4..]) as usize;
            let sig = String::from_utf8_lossy(&data[pos..pos + 4]).into_owned();
            out.push((sig, pos + 8..pos + 8 + size));
            pos += 8 + size;
        }
        out
    }

    fn unsupported(r: Result<()>) -> &'static str {
        match r {
            Err(IndexError::Unsupported(why)) => why,
            other => panic!("expected Unsupported, got {other:?}"),
        }
    }

    const FILES: &[&str] = &[
        "b.md",
        "d-e.md",
        "d/x.md",
        "d0.md",
        "tickets/3H/3HGEJQAF/events/1.md",
        "tickets/3H/3HGEJQAF/ticket.md",
        "tickets/3H/3HZZ/ticket.md",
        "tickets/AB/ABCD/ticket.md",
        "y.md",
    ];

    #[test]
    fn a_change_an_addition_and_a_removal_agree_with_git_and_libgit2() {
        let desk = Desk::new(FILES);
        assert_eq!(desk.extensions(), ["TREE"]);
        desk.change(
            &[
                ("tickets/3H/3HGEJQAF/ticket.md", "changed\n"),
                ("tickets/3H/3HGEJQAF/events/2.md", "new event\n"),
                ("tickets/3H/3HAA/ticket.md", "a new ticket\n"),
            ],
            &["tickets/AB/ABCD/ticket.md"],
        )
        .unwrap();
        desk.assert_right(&[
            "tickets/3H/3HGEJQAF/ticket.md",
            "tickets/3H/3HGEJQAF/events/2.md",
            "tickets/3H/3HAA/ticket.md",
        ]);
        assert_eq!(desk.version(), 2);
        assert_eq!(desk.extensions(), ["TREE"]);
    }

    #[test]
    fn paths_go_in_byte_order_at_both_ends_and_between_lookalikes() {
        let desk = Desk::new(FILES);
        // '-' < '.' < '/' < '0': git's order is the full path's bytes, not tree order.
        let writes = [
            ("a.md", "first\n"),
            ("d.md", "between d-e.md and d/x.md\n"),
            ("d/a.md", "before d/x.md\n"),
            ("d00.md", "after d0.md\n"),
            ("z/z.md", "last\n"),
        ];
        desk.change(&writes, &["b.md", "y.md"]).unwrap();
        desk.assert_right(&writes.map(|w| w.0));
    }

    #[test]
    fn version_4_paths_are_encoded_against_their_new_neighbours() {
        let desk = Desk::new(FILES);
        desk.git(&["update-index", "--index-version", "4"]);
        let writes = [
            ("a.md", "first\n"),
            ("d/a.md", "x\n"),
            ("tickets/3H/3HGEJQAF/events/0.md", "before 1.md\n"),
            ("tickets/3H/3HGEJQAF/ticket.md", "changed\n"),
            ("zz.md", "last\n"),
        ];
        desk.change(&writes, &["d0.md", "tickets/3H/3HZZ/ticket.md"])
            .unwrap();
        assert_eq!(desk.version(), 4);
        desk.assert_right(&writes.map(|w| w.0));
        // Removing the first and the last entry.
        desk.change(&[], &["a.md", "zz.md"]).unwrap();
        desk.assert_right(&[]);
    }

    /// Random changes to an index without checksum, each made twice from the same file:
    /// once through the marks the update before left, once through the whole file. The
    /// two must be the same bytes, round after round, in versions 2, 3 and 4.
    #[test]
    fn the_marked_stretches_give_the_bytes_the_whole_file_would() {
        let mut files: Vec<String> = Vec::new();
        for t in 0..24 {
            let dir = format!(
                "tickets/{}/{}{t:02}",
                ["AA", "BB", "CC"][t % 3],
                ["AA", "BB", "CC"][t % 3]
            );
            files.push(format!("{dir}/ticket.md"));
            for e in 0..(t % 4) {
                files.push(format!("{dir}/events/{e}.md"));
            }
        }
        files.extend(["a.md", "b/c.md", "z.md"].map(String::from));
        let names: Vec<&str> = files.iter().map(String::as_str).collect();
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for version in ["2", "3", "4"] {
            let desk = Desk::new(&names);
            desk.git(&["config", "index.skipHash", "true"]);
            desk.git(&["update-index", "--index-version", version]);
            if version == "3" {
                desk.put("tickets/BB/BB01/intent.md", "intent\n");
                desk.git(&["add", "-N", "tickets/BB/BB01/intent.md"]);
            }
            desk.change(&[("a.md", "start\n")], &[]).unwrap();
            assert!(!desk.marked.get(), "git wrote the index before");
            let stamp = desk.tmp.path().join("index-stamp");
            let mut live = files.clone();
            for round in 0..30 {
                let mut writes: Vec<(String, String)> = Vec::new();
                let mut removes: Vec<String> = Vec::new();
                for _ in 0..1 + next(3) {
                    let path = match next(4) {
                        0 => format!(
                            "tickets/{0}/{0}{1:02}/events/n{round}.md",
                            ["AA", "BB", "CC", "DD"][next(4)],
                            next(30)
                        ),
                        1 => format!("tickets/BB/BB{:02}/ticket.md", next(30)),
                        _ => live[next(live.len())].clone(),
                    };
                    writes.push((path, format!("round {round}\n")));
                }
                if next(3) == 0 {
                    let gone = live[next(live.len())].clone();
                    if !writes.iter().any(|(p, _)| *p == gone) {
                        removes.push(gone);
                    }
                }
                let w: Vec<(&str, &str)> = writes
                    .iter()
                    .map(|(p, t)| (p.as_str(), t.as_str()))
                    .collect();
                let r: Vec<&str> = removes.iter().map(String::as_str).collect();
                let blobs = desk.prepare(&w, &r);
                let changes = Desk::changes(&w, &r, &blobs);
                // The whole file, from a copy of the index as it is now.
                let start = std::fs::read(desk.index()).unwrap();
                let start_mtime = std::fs::metadata(desk.index()).unwrap().modified().unwrap();
                let (_, _, marks) =
                    read_stamp(&std::fs::read(&stamp).unwrap(), start.len() as u64).unwrap();
                let marks = marks.expect("marks kept");
                std::fs::remove_file(&stamp).unwrap();
                desk.update(&changes).unwrap();
                assert!(!desk.marked.get());
                let whole = std::fs::read(desk.index()).unwrap();
                // The same start again, with the marks: the same bytes.
                std::fs::write(desk.index(), &start).unwrap();
                let f = File::options().write(true).open(desk.index()).unwrap();
                f.set_modified(start_mtime).unwrap();
                drop(f);
                let meta = std::fs::metadata(desk.index()).unwrap();
                save_stamp(
                    &stamp,
                    &stamp_file(FileStamp::of(&meta), &[0; HASH], Some(&marks)),
                )
                .unwrap();
                desk.update(&changes).unwrap();
                assert!(desk.marked.get(), "version {version}, round {round}");
                let marked = std::fs::read(desk.index()).unwrap();
                assert!(
                    whole == marked,
                    "version {version}, round {round}: {writes:?} {removes:?}"
                );
                for (p, _) in &writes {
                    if !live.contains(p) {
                        live.push(p.clone());
                    }
                }
                live.retain(|p| !removes.contains(p));
            }
            // And git reads it as the work tree: every file, each one clean.
            if version == "3" {
                live.push("tickets/BB/BB01/intent.md".into());
            }
            live.sort();
            let listed: Vec<String> = desk.git(&["ls-files"]).lines().map(String::from).collect();
            assert_eq!(listed, live, "version {version}");
            desk.git(&["fsck", "--no-dangling", "--no-progress"]);
            // (An intent-to-add entry differs from its file until it is added.)
            let unstaged = if version == "3" {
                "tickets/BB/BB01/intent.md\n"
            } else {
                ""
            };
            assert_eq!(
                desk.git(&["diff-files", "--name-only"]),
                unstaged,
                "version {version}"
            );
        }
    }

    #[test]
    fn version_3_keeps_intent_to_add_and_skip_worktree_entries() {
        let desk = Desk::new(FILES);
        desk.put("new.md", "intent\n");
        desk.git(&["add", "-N", "new.md"]);
        desk.git(&["update-index", "--skip-worktree", "y.md"]);
        assert_eq!(desk.version(), 3);
        let writes = [("m.md", "between\n"), ("d/x.md", "changed\n")];
        desk.change(&writes, &[]).unwrap();
        assert_eq!(desk.version(), 3);
        desk.assert_right_but(&writes.map(|w| w.0), "new.md\n");
        let flags = desk.git(&["ls-files", "-t", "new.md", "y.md"]);
        assert_eq!(flags, "H new.md\nS y.md\n");
    }

    #[test]
    fn the_cache_tree_stays_valid_beside_the_touched_paths() {
        let desk = Desk::new(FILES);
        desk.change(&[("tickets/3H/3HGEJQAF/events/2.md", "e\n")], &[])
            .unwrap();
        let data = std::fs::read(desk.index()).unwrap();
        let tree = find_extension(&data, "TREE").unwrap();
        let mut invalid = Vec::new();
        let mut valid = Vec::new();
        walk_tree(tree, &mut 0, "", &mut invalid, &mut valid);
        assert_eq!(
            invalid,
            [
                "",
                "tickets",
                "tickets/3H",
                "tickets/3H/3HGEJQAF",
                "tickets/3H/3HGEJQAF/events"
            ]
        );
        assert!(valid.contains(&"tickets/AB".to_string()), "{valid:?}");
        assert!(valid.contains(&"tickets/3H/3HZZ".to_string()), "{valid:?}");
        desk.assert_right(&["tickets/3H/3HGEJQAF/events/2.md"]);
    }

    /// Replace the index by `edit` of its content, with a checksum that holds.
    fn rewrite(desk: &Desk, edit: impl FnOnce(&mut Vec<u8>)) {
        let mut data = std::fs::read(desk.index()).unwrap();
        data.truncate(data.len() - HASH);
        edit(&mut data);
        let sum: [u8; HASH] = Sha1::digest(&data).into();
        data.extend_from_slice(&sum);
        std::fs::write(desk.index(), data).unwrap();
    }

    #[test]
    fn what_it_does_not_handle_is_left_to_libgit2_untouched() {
        type Setup = fn(&Desk);
        type Writes<'a> = &'a [(&'a str, &'a str)];
        let b_md: Writes<'_> = &[("b.md", "x\n")];
        let cases: [(&str, Setup, Writes<'_>, &[&str]); 12] = [
            (
                "split",
                |d| drop(d.git(&["update-index", "--split-index"])),
                b_md,
                &[],
            ),
            (
                "sparse index",
                |d| {
                    d.git(&["sparse-checkout", "init", "--cone", "--sparse-index"]);
                    d.git(&["sparse-checkout", "set", "d"]);
                },
                &[("d/x.md", "x\n")],
                &[],
            ),
            ("conflict stages", |d| make_conflict(d, "b.md"), b_md, &[]),
            (
                "needs a folder",
                |d| std::fs::remove_file(d.root().join("b.md")).unwrap(),
                &[("b.md/x.md", "x\n")],
                &[],
            ),
            (
                "a folder where a file",
                |d| std::fs::remove_dir_all(d.root().join("d")).unwrap(),
                &[("d", "x\n")],
                &[],
            ),
            (
                "unknown kind",
                |d| rewrite(d, |b| b.extend_from_slice(b"abcd\0\0\0\x01z")),
                b_md,
                &[],
            ),
            ("not 2, 3 or 4", |d| rewrite(d, |b| b[7] = 5), b_md, &[]),
            (
                "checksum",
                |d| {
                    let mut b = std::fs::read(d.index()).unwrap();
                    *b.last_mut().unwrap() ^= 1;
                    std::fs::write(d.index(), b).unwrap();
                },
                b_md,
                &[],
            ),
            (
                "no index",
                |d| std::fs::remove_file(d.index()).unwrap(),
                b_md,
                &[],
            ),
            (
                "not in order",
                // b.md and y.md have names of the same length: swap them.
                |d| rewrite(d, |b| swap_names(b, b"b.md", b"y.md")),
                &[("d0.md", "x\n")],
                &[],
            ),
            ("does not store", |_| {}, &[("d/../b.md", "x\n")], &[]),
            ("does not store", |_| {}, &[], &[".GIT/config"]),
        ];
        // Without a checksum there is no first walk: what it would have refused is found
        // while the new file is written, which must then go as well.
        for skip_hash in [false, true] {
            for (what, setup, writes, removes) in cases {
                let desk = Desk::new(FILES);
                if skip_hash {
                    desk.git(&["config", "index.skipHash", "true"]);
                    desk.git(&["update-index", "--index-version", "3"]);
                    desk.git(&["update-index", "--index-version", "2"]);
                }
                setup(&desk);
                let before = std::fs::read(desk.index()).ok();
                let why = unsupported(desk.change(writes, removes));
                assert!(why.contains(what), "{what} (skipHash {skip_hash}): {why}");
                assert_eq!(std::fs::read(desk.index()).ok(), before, "{what}");
                assert!(!desk.root().join(".git/index.lock").exists(), "{what}");
            }
        }
    }

    #[test]
    fn only_the_index_written_here_last_skips_the_checksum_check() {
        let desk = Desk::new(FILES);
        let stamp = desk.tmp.path().join("index-stamp");
        let trusted = |d: &Desk| {
            let data = std::fs::read(d.index()).unwrap();
            let sum: [u8; HASH] = data[data.len() - HASH..].try_into().unwrap();
            written_here(&stamp, &std::fs::metadata(d.index()).unwrap(), &sum).is_some()
        };
        assert!(!trusted(&desk), "git wrote it");
        desk.change(&[("b.md", "x\n")], &[]).unwrap();
        assert!(trusted(&desk));
        // Damage after that changes the file's times: checked again, and refused.
        let mut data = std::fs::read(desk.index()).unwrap();
        data[HEADER + 1] ^= 1;
        std::fs::write(desk.index(), &data).unwrap();
        assert!(!trusted(&desk));
        let why = unsupported(desk.change(&[("y.md", "x\n")], &[]));
        assert!(why.contains("checksum"), "{why}");
    }

    #[test]
    fn a_held_lock_is_reported_and_left_in_place() {
        let desk = Desk::new(FILES);
        let lock = desk.root().join(".git/index.lock");
        std::fs::write(&lock, "").unwrap();
        let before = std::fs::read(desk.index()).unwrap();
        let err = desk.change(&[("b.md", "x\n")], &[]).unwrap_err();
        assert!(matches!(&err, IndexError::Locked(p) if *p == lock), "{err}");
        assert!(err.to_string().contains("another git command"), "{err}");
        assert!(lock.exists());
        assert_eq!(std::fs::read(desk.index()).unwrap(), before);
        // A lock that goes within the wait (a `git status` finishing) is waited for.
        desk.put("b.md", "y\n");
        let id = desk.git(&["hash-object", "-w", "b.md"]);
        let blob = git2::Oid::from_str(id.trim()).unwrap();
        let remover = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            std::fs::remove_file(lock).unwrap();
        });
        let write = Change::Write {
            path: "b.md",
            blob: blob.as_bytes().try_into().unwrap(),
        };
        desk.update(&[write]).unwrap();
        remover.join().unwrap();
        let id = desk.git(&["hash-object", "b.md"]);
        let staged = desk.git(&["ls-files", "-s", "b.md"]);
        assert_eq!(staged, format!("100644 {} 0\tb.md\n", id.trim()));
        assert_eq!(desk.git(&["diff-files", "--name-only"]), "");
    }

    /// `path` in conflict: stages 1 and 2 instead of its entry.
    fn make_conflict(d: &Desk, path: &str) {
        let id = d.git(&["rev-parse", &format!("HEAD:{path}")]);
        d.git(&["rm", "-q", "--cached", path]);
        let info = format!("100644 {0} 1\t{path}\n100644 {0} 2\t{path}\n", id.trim());
        let mut child = Command::new("git")
            .args(["update-index", "--index-info"])
            .current_dir(d.root())
            .env("HOME", d.home())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .stdin(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(info.as_bytes()).unwrap();
        drop(stdin);
        assert!(child.wait().unwrap().success());
    }

    #[test]
    fn the_untracked_cache_goes_and_resolve_undo_stays() {
        let desk = Desk::new(FILES);
        desk.git(&["config", "core.untrackedCache", "true"]);
        make_conflict(&desk, "y.md");
        desk.git(&["add", "y.md"]);
        desk.git(&["status", "--porcelain"]);
        let mut before = desk.extensions();
        before.sort();
        assert_eq!(before, ["REUC", "TREE", "UNTR"]);
        let undo = desk.git(&["ls-files", "--resolve-undo"]);
        assert!(undo.contains("y.md"), "{undo}");
        desk.change(&[("b.md", "x\n")], &[]).unwrap();
        assert_eq!(desk.extensions(), ["TREE", "REUC"]);
        assert_eq!(desk.git(&["ls-files", "--resolve-undo"]), undo);
        desk.assert_right(&["b.md"]);
    }

    #[test]
    fn an_index_without_checksum_stays_without() {
        let desk = Desk::new(FILES);
        desk.git(&["config", "index.skipHash", "true"]);
        desk.put("b.md", "touched by git\n");
        desk.git(&["add", "b.md"]);
        let zero = |d: &Desk| std::fs::read(d.index()).unwrap().ends_with(&[0; HASH]);
        assert!(zero(&desk));
        desk.change(&[("y.md", "x\n")], &["d0.md"]).unwrap();
        assert!(zero(&desk));
        desk.assert_right(&["y.md"]);
    }

    #[test]
    fn the_checksum_follows_index_skip_hash_as_git_would_write_it() {
        let desk = Desk::new(FILES);
        let zero = |d: &Desk| std::fs::read(d.index()).unwrap().ends_with(&[0; HASH]);
        assert!(!zero(&desk));
        desk.git(&["config", "index.skipHash", "true"]);
        desk.change(&[("y.md", "x\n")], &[]).unwrap();
        assert!(zero(&desk), "skipHash turned on: no checksum");
        desk.assert_right(&["y.md"]);
        desk.git(&["config", "index.skipHash", "false"]);
        desk.change(&[("z.md", "x\n")], &[]).unwrap();
        assert!(!zero(&desk), "turned off: the checksum is back");
        desk.assert_right(&["z.md"]);
        desk.git(&["config", "--unset", "index.skipHash"]);
        desk.git(&["config", "feature.manyFiles", "true"]);
        desk.change(&[("w.md", "x\n")], &[]).unwrap();
        assert!(zero(&desk), "feature.manyFiles implies it");
        desk.assert_right(&["w.md"]);
    }

    #[test]
    fn a_racily_clean_entry_whose_file_changed_is_marked_for_a_content_check() {
        // The racy entry before the touched path and after it.
        for touched in ["y.md", "a0.md"] {
            let desk = Desk::new(FILES);
            // Recorded with a modification time after the index was written, as when a
            // file changes in the same second: git can trust only its content, so a
            // writer that finds the content changed sets the recorded size to 0.
            let later = std::time::SystemTime::now() + std::time::Duration::from_secs(100);
            let set_mtime = |rel: &str| {
                let f = File::options()
                    .write(true)
                    .open(desk.root().join(rel))
                    .unwrap();
                f.set_modified(later).unwrap();
            };
            desk.put("racy.md", "aaaa\n");
            set_mtime("racy.md");
            desk.git(&["add", "racy.md"]);
            desk.put("racy.md", "bbbb\n");
            set_mtime("racy.md");
            desk.change(&[(touched, "x\n")], &[]).unwrap();
            desk.assert_right_but(&[touched], "racy.md\n");
            let debug = desk.git(&["ls-files", "--debug", "racy.md"]);
            assert!(debug.contains("size: 0\t"), "{touched}: {debug}");
        }
    }

    /// The marks carry the entries that may be racily clean from one update to the next:
    /// one far from the touched path is still checked, and marked when it changed.
    #[test]
    fn a_racily_clean_entry_far_from_the_touched_path_is_checked_through_the_marks() {
        let desk = Desk::new(FILES);
        desk.git(&["config", "index.skipHash", "true"]);
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(100);
        let put_racy = |text: &str| {
            desk.put("racy.md", text);
            let f = File::options()
                .write(true)
                .open(desk.root().join("racy.md"))
                .unwrap();
            f.set_modified(later).unwrap();
        };
        put_racy("aaaa\n");
        desk.git(&["add", "racy.md"]);
        desk.change(&[("b.md", "x\n")], &[]).unwrap();
        assert!(!desk.marked.get(), "git wrote the index before");
        assert!(
            !desk
                .git(&["ls-files", "--debug", "racy.md"])
                .contains("size: 0\t")
        );
        put_racy("bbbb\n");
        desk.change(&[("y.md", "x\n")], &[]).unwrap();
        assert!(desk.marked.get());
        desk.assert_right_but(&["y.md"], "racy.md\n");
        let debug = desk.git(&["ls-files", "--debug", "racy.md"]);
        assert!(debug.contains("size: 0\t"), "{debug}");
    }

    #[test]
    fn the_last_change_of_a_path_wins_and_absent_paths_are_no_change() {
        let desk = Desk::new(FILES);
        desk.change(
            &[("d/x.md", "one\n"), ("d/x.md", "two\n"), ("gone.md", "x\n")],
            &["gone.md", "never/was.md"],
        )
        .unwrap();
        desk.assert_right(&["d/x.md"]);
        assert_eq!(desk.git(&["ls-files", "-s", "d/x.md"]), {
            let id = desk.git(&["hash-object", "d/x.md"]);
            format!("100644 {} 0\td/x.md\n", id.trim())
        });
    }

    fn swap_names(data: &mut [u8], a: &[u8], b: &[u8]) {
        let at = |data: &[u8], name: &[u8]| {
            data.windows(name.len() + 1)
                .position(|w| w[..name.len()] == *name && w[name.len()] == 0)
                .unwrap()
        };
        let (i, j) = (at(data, a), at(data, b));
        data[i..i + a.len()].copy_from_slice(b);
        data[j..j + b.len()].copy_from_slice(a);
    }

    fn find_extension<'d>(data: &'d [u8], sig: &str) -> Option<&'d [u8]> {
        extension_spans(data)
            .into_iter()
            .find(|(s, _)| s == sig)
            .map(|(_, r)| &data[r])
    }

    fn walk_tree(
        data: &[u8],
        pos: &mut usize,
        prefix: &str,
        invalid: &mut Vec<String>,
        valid: &mut Vec<String>,
    ) {
        let rest = &data[*pos..];
        let nul = rest.iter().position(|&b| b == 0).unwrap();
        let name = String::from_utf8(rest[..nul].to_vec()).unwrap();
        let path = match (prefix, name.as_str()) {
            ("", n) => n.to_string(),
            (p, n) => format!("{p}/{n}"),
        };
        let invalidated = rest[nul + 1] == b'-';
        let (_, subtrees) = tree_head(data, pos).unwrap();
        if invalidated {
            invalid.push(path.clone());
        } else {
            valid.push(path.clone());
        }
        for _ in 0..subtrees {
            walk_tree(data, pos, &path, invalid, valid);
        }
    }
}
