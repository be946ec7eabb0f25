//! The ingest spool, `.git/tiketti/spool/` (DESIGN.md §5): a message from the mail server
//! is written to `tmp/`, fsynced and linked into `new/` before `ingest` answers 0, so once
//! the mail server hears "delivered" the bytes survive a crash. Processing removes a file
//! only after its commit; a file left behind is processed by the next run.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::fsutil::{self, sync_dir};

pub struct Spool {
    dir: PathBuf,
}

/// A message being made durable ([`Spool::start`]).
pub struct Spooling {
    thread: std::thread::JoinHandle<std::io::Result<PathBuf>>,
}

impl Spooling {
    /// Wait until the message is durably in `new/`; returns the spooled file. Until this
    /// returns `Ok` the message is not safe: a failure leaves nothing in the spool.
    pub fn finish(self) -> std::io::Result<PathBuf> {
        self.thread
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the spooling thread panicked")))
    }
}

impl Spool {
    pub fn new(state_dir: &Path) -> Spool {
        Spool {
            dir: state_dir.join("spool"),
        }
    }

    /// A unique name that starts with the arrival time, so the spool sorts by arrival.
    pub fn name(arrival: DateTime<Utc>, pid: u32, random: u64) -> String {
        format!(
            "{:020}.{pid}.{:04x}",
            arrival.timestamp_nanos_opt().unwrap_or_default().max(0),
            random & 0xffff
        )
    }

    /// The arrival time written into a spooled file's name.
    pub fn arrival(path: &Path) -> Option<DateTime<Utc>> {
        let name = path.file_name()?.to_str()?;
        let nanos: i64 = name.split('.').next()?.parse().ok()?;
        Some(DateTime::from_timestamp_nanos(nanos))
    }

    /// Store `bytes` durably; returns the spooled file.
    pub fn put(&self, bytes: &[u8], unique: &str) -> std::io::Result<PathBuf> {
        self.start(bytes, unique)?.finish()
    }

    /// Write `bytes` to `tmp/` and make them durable on another thread, which then links
    /// the file into `new/` (see [`Spooling::finish`]). The `fsync` mostly waits for the
    /// disk (for whatever else the file system has to write out first), so the caller can
    /// take the lock and load its caches meanwhile.
    pub fn start(&self, bytes: &[u8], unique: &str) -> std::io::Result<Spooling> {
        let tmp_dir = self.dir.join("tmp");
        let new_dir = self.dir.join("new");
        std::fs::create_dir_all(&tmp_dir)?;
        std::fs::create_dir_all(&new_dir)?;
        let name = format!("{unique}.eml");
        let tmp = tmp_dir.join(&name);
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        // A message not written whole and durable leaves nothing behind.
        let abandon = |f: std::fs::File, tmp: &Path, e: std::io::Error| {
            drop(f);
            let _ = std::fs::remove_file(tmp);
            e
        };
        if let Err(e) = f.write_all(bytes) {
            return Err(abandon(f, &tmp, e));
        }
        let thread = std::thread::spawn(move || {
            if let Err(e) = f.sync_all() {
                return Err(abandon(f, &tmp, e));
            }
            drop(f);
            // link() then unlink(), as Maildir delivery does: unlike rename(), link()
            // fails when the name exists, so a spooled message is never replaced.
            let dest = new_dir.join(&name);
            let linked = std::fs::hard_link(&tmp, &dest);
            let _ = std::fs::remove_file(&tmp);
            linked?;
            sync_dir(&new_dir);
            Ok(dest)
        });
        Ok(Spooling { thread })
    }

    /// Spooled messages, oldest first (names start with the arrival time).
    pub fn pending(&self) -> std::io::Result<Vec<PathBuf>> {
        let dir = self.dir.join("new");
        let mut out: Vec<PathBuf> = match std::fs::read_dir(&dir) {
            Ok(rd) => rd
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "eml") && !fsutil::leaving(p))
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e),
        };
        out.sort();
        Ok(out)
    }

    /// Forget a processed message: it is no longer pending here, and it is removed from
    /// the spool once the command has answered ([`fsutil::remove_later`]). Its removal is
    /// never made durable: that `fsync` would wait for everything the commit just wrote
    /// (the whole git index among it), and a removal lost in a crash only brings the
    /// message back, which the next run finds already stored (its dedupe key) and drops.
    /// The message's own files were written durably before this.
    pub fn done(&self, path: &Path) {
        fsutil::remove_later(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_pending_done() {
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::new(dir.path());
        assert!(spool.pending().unwrap().is_empty());
        let b = spool.put(b"second", "0002").unwrap();
        let a = spool.put(b"first", "0001").unwrap();
        assert_eq!(spool.pending().unwrap(), vec![a.clone(), b.clone()]);
        assert_eq!(std::fs::read(&a).unwrap(), b"first");
        assert!(
            spool.put(b"again", "0001").is_err(),
            "a name is never reused"
        );
        spool.done(&a);
        spool.done(&a);
        assert_eq!(spool.pending().unwrap(), vec![b.clone()]);
        assert!(a.exists(), "removed once the command has answered");
        fsutil::remove_leftovers(true);
        assert!(!a.exists());
        assert_eq!(spool.pending().unwrap(), vec![b]);
        assert_eq!(
            std::fs::read_dir(dir.path().join("spool/tmp"))
                .unwrap()
                .count(),
            0
        );
    }

    #[test]
    fn names_carry_the_arrival_time() {
        let at = DateTime::parse_from_rfc3339("2026-11-22T10:00:00.5Z")
            .unwrap()
            .to_utc();
        let name = Spool::name(at, 42, 0xabcdef);
        assert_eq!(
            Spool::arrival(Path::new(&format!("/x/{name}.eml"))),
            Some(at)
        );
        assert_eq!(Spool::arrival(Path::new("/x/junk.eml")), None);
    }
}
