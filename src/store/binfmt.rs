//! The byte format of tiketti's caches in `.git/tiketti/` (never versioned, always
//! rebuildable): a magic tag and a version, little-endian fields, and a checksum of
//! everything before it at the end (xxh3, 128 bits: it guards against torn writes and
//! damage, not against an attacker, who could as well edit the tickets). A file that is
//! short, damaged, of another version or of another kind decodes to `None` and is
//! rebuilt, never trusted.
//!
//! Also the stamp that says a work-tree file has not changed since it was read
//! ([`FileStamp`]), the way git's index does it.

use std::path::Path;

use xxhash_rust::xxh3::xxh3_128;

/// The length of the checksum at the end of every file.
pub const SUM_LEN: usize = 16;

fn checksum(bytes: &[u8]) -> [u8; SUM_LEN] {
    xxh3_128(bytes).to_le_bytes()
}

/// A buffer being encoded.
#[derive(Debug, Default)]
pub struct Writer {
    pub b: Vec<u8>,
}

impl Writer {
    /// Start a file of kind `magic` (16 bytes) and `version`.
    pub fn new(magic: &[u8; 16], version: u32, capacity: usize) -> Writer {
        let mut w = Writer {
            b: Vec::with_capacity(capacity + 64),
        };
        w.b.extend_from_slice(magic);
        w.u32(version);
        w
    }
    pub fn u8(&mut self, v: u8) {
        self.b.push(v);
    }
    pub fn u32(&mut self, v: u32) {
        self.b.extend_from_slice(&v.to_le_bytes());
    }
    pub fn u64(&mut self, v: u64) {
        self.b.extend_from_slice(&v.to_le_bytes());
    }
    pub fn i64(&mut self, v: i64) {
        self.b.extend_from_slice(&v.to_le_bytes());
    }
    pub fn bytes(&mut self, v: &[u8]) {
        self.b.extend_from_slice(v);
    }
    /// A length-prefixed string.
    pub fn str(&mut self, s: &str) {
        self.u32(s.len() as u32);
        self.b.extend_from_slice(s.as_bytes());
    }
    /// `None` and `Some` are told apart by a flag byte.
    pub fn opt_str(&mut self, s: Option<&str>) {
        match s {
            None => self.u8(0),
            Some(s) => {
                self.u8(1);
                self.str(s);
            }
        }
    }
    pub fn strs<S: AsRef<str>>(&mut self, list: &[S]) {
        self.u32(list.len() as u32);
        for s in list {
            self.str(s.as_ref());
        }
    }
    pub fn stamp(&mut self, s: FileStamp) {
        self.i64(s.mtime_ns);
        self.i64(s.ctime_ns);
        self.u64(s.size);
        self.u64(s.ino);
    }
    /// The finished file: the content and its checksum.
    pub fn finish(mut self) -> Vec<u8> {
        let sum = checksum(&self.b);
        self.b.extend_from_slice(&sum);
        self.b
    }
}

/// A checked file being decoded. Every read returns `None` past the end.
pub struct Reader<'a> {
    pub b: &'a [u8],
}

impl<'a> Reader<'a> {
    /// The content of a file of kind `magic` and `version` whose checksum holds.
    pub fn open(bytes: &'a [u8], magic: &[u8; 16], version: u32) -> Option<Reader<'a>> {
        let (body, sum) = bytes.split_at_checked(bytes.len().checked_sub(SUM_LEN)?)?;
        if checksum(body) != sum {
            return None;
        }
        let mut r = Reader { b: body };
        (r.take(magic.len())? == magic && r.u32()? == version).then_some(r)
    }
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.b.split_at_checked(n)?;
        self.b = rest;
        Some(head)
    }
    pub fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    pub fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    pub fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    pub fn i64(&mut self) -> Option<i64> {
        Some(i64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    pub fn str(&mut self) -> Option<&'a str> {
        let len = self.u32()? as usize;
        std::str::from_utf8(self.take(len)?).ok()
    }
    pub fn string(&mut self) -> Option<String> {
        self.str().map(str::to_string)
    }
    pub fn opt_string(&mut self) -> Option<Option<String>> {
        match self.u8()? {
            0 => Some(None),
            1 => Some(Some(self.string()?)),
            _ => None,
        }
    }
    pub fn strings(&mut self) -> Option<Vec<String>> {
        let n = self.u32()? as usize;
        // A damaged count must not reserve gigabytes: each string takes 4 bytes at least.
        let mut out = Vec::with_capacity(n.min(self.b.len() / 4));
        for _ in 0..n {
            out.push(self.string()?);
        }
        Some(out)
    }
    pub fn stamp(&mut self) -> Option<FileStamp> {
        Some(FileStamp {
            mtime_ns: self.i64()?,
            ctime_ns: self.i64()?,
            size: self.u64()?,
            ino: self.u64()?,
        })
    }
    pub fn is_empty(&self) -> bool {
        self.b.is_empty()
    }
}

/// What `stat` says about a file or directory. Equal stamps mean unchanged content (a
/// write changes the change time, which no program can set back); [`FileStamp::NONE`]
/// equals nothing that exists, so an entry stored with it is read again next time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FileStamp {
    pub mtime_ns: i64,
    pub ctime_ns: i64,
    pub size: u64,
    pub ino: u64,
}

/// A change within this many nanoseconds of the moment it is observed may be followed
/// by another in the same clock tick (coarse file-system timestamps); such a stamp is not
/// kept (git's "racily clean" entries).
const RACY_NS: i64 = 2_000_000_000;

impl FileStamp {
    pub const NONE: FileStamp = FileStamp {
        mtime_ns: 0,
        ctime_ns: 0,
        size: u64::MAX,
        ino: 0,
    };

    pub fn of(meta: &std::fs::Metadata) -> FileStamp {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            FileStamp {
                mtime_ns: meta.mtime() * 1_000_000_000 + meta.mtime_nsec(),
                ctime_ns: meta.ctime() * 1_000_000_000 + meta.ctime_nsec(),
                size: meta.size(),
                ino: meta.ino(),
            }
        }
        #[cfg(not(unix))]
        {
            let ns = |t: std::io::Result<std::time::SystemTime>| {
                t.ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos() as i64)
            };
            FileStamp {
                mtime_ns: ns(meta.modified()),
                ctime_ns: ns(meta.created()),
                size: meta.len(),
                ino: 0,
            }
        }
    }

    /// The stamp of `path`, `None` when it does not exist or cannot be read.
    pub fn read(path: &Path) -> Option<FileStamp> {
        std::fs::metadata(path).ok().map(|m| FileStamp::of(&m))
    }

    /// The stamp to store for a file read at `now_ns`: itself, or [`FileStamp::NONE`]
    /// when it changed so recently that a second change could keep the same stamp.
    pub fn settled(self, now_ns: i64) -> FileStamp {
        if now_ns - self.mtime_ns.max(self.ctime_ns) < RACY_NS {
            FileStamp::NONE
        } else {
            self
        }
    }
}

/// Nanoseconds since the epoch, by the system clock (for [`FileStamp::settled`]: the file
/// system's clock, not the helpdesk's pinned one).
pub fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAGIC: &[u8; 16] = b"tiketti-testfile";

    #[test]
    fn a_file_round_trips() {
        let mut w = Writer::new(MAGIC, 3, 0);
        w.str("ä");
        w.opt_str(None);
        w.opt_str(Some(""));
        w.strs(&["a", "b"]);
        w.i64(-5);
        let stamp = FileStamp {
            mtime_ns: 1,
            ctime_ns: 2,
            size: 3,
            ino: 4,
        };
        w.stamp(stamp);
        let bytes = w.finish();
        let mut r = Reader::open(&bytes, MAGIC, 3).unwrap();
        assert_eq!(r.str(), Some("ä"));
        assert_eq!(r.opt_string(), Some(None));
        assert_eq!(r.opt_string(), Some(Some(String::new())));
        assert_eq!(r.strings(), Some(vec!["a".into(), "b".into()]));
        assert_eq!(r.i64(), Some(-5));
        assert_eq!(r.stamp(), Some(stamp));
        assert!(r.is_empty());
        assert!(r.u8().is_none());
    }

    #[test]
    fn damage_another_version_or_kind_is_not_trusted() {
        let mut w = Writer::new(MAGIC, 3, 0);
        w.str("hello");
        let bytes = w.finish();
        assert!(Reader::open(&bytes, MAGIC, 4).is_none());
        assert!(Reader::open(&bytes, b"tiketti-otherkin", 3).is_none());
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 1;
            assert!(Reader::open(&bad, MAGIC, 3).is_none(), "byte {i}");
        }
        assert!(Reader::open(&bytes[..bytes.len() - 1], MAGIC, 3).is_none());
        assert!(Reader::open(&[], MAGIC, 3).is_none());
    }

    #[test]
    fn a_recent_change_is_not_kept() {
        let s = FileStamp {
            mtime_ns: 10_000_000_000,
            ctime_ns: 10_000_000_000,
            size: 1,
            ino: 1,
        };
        assert_eq!(s.settled(10_500_000_000), FileStamp::NONE);
        assert_eq!(s.settled(20_000_000_000), s);
        assert_ne!(FileStamp::NONE, FileStamp::default());
    }
}
