//! Atomic file writes, and stamps of the files in ticket folders taken cheaply.
//!
//! Atomic file writes: a temp file in the same directory, fsync, rename, fsync the
//! directory. A reader sees the old file or the new one, never half of either, and a
//! failed write leaves no temp file behind (tempfile removes it on drop).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::binfmt::FileStamp;

pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write(path, bytes, true)
}

/// Atomic but not durable: a temp file and a rename, no fsync, as `git checkout` writes
/// the work tree. For the many files a sync brings at once; the commit is the record, and
/// after a crash `git checkout HEAD -- PATH` restores a file.
pub fn replace_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write(path, bytes, false)
}

fn write(path: &Path, bytes: &[u8], durable: bool) -> std::io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other(format!("{} has no parent", path.display())))?;
    std::fs::create_dir_all(dir)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".tiketti-").suffix(".tmp");
    // tempfile creates 0600 files; a ticket file is as readable as any file in the clone:
    // an existing file keeps its mode, a new one gets 0666 less the umask.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map(|m| m.permissions().mode())
            .unwrap_or(0o666);
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    if durable {
        tmp.as_file().sync_all()?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    if durable {
        sync_dir(dir);
    }
    Ok(())
}

/// Make a rename durable. Not every platform or filesystem can open a directory; that is
/// not an error worth failing a write for.
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Files to remove once the command has answered ([`remove_later`]).
static LATER: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// More waiting than this (a long batch), and the oldest is removed at once.
const LATER_MAX: usize = 64;

/// Remove `path` once the command has answered, in a process of its own
/// ([`remove_leftovers`]). Right after a commit, freeing a file's blocks waits for the
/// file system's journal, which is busy with what the commit wrote: 20-40 ms to unlink
/// the replaced git index or a spooled message at 100,000 tickets, time nobody needs to
/// wait for. Until then [`leaving`] tells this process the file is as good as gone.
pub fn remove_later(path: &Path) {
    let mut later = LATER.lock().unwrap_or_else(|e| e.into_inner());
    if later.iter().any(|p| p == path) {
        return;
    }
    later.push(path.to_path_buf());
    if later.len() > LATER_MAX {
        let oldest = later.remove(0);
        let _ = std::fs::remove_file(oldest);
    }
}

/// Whether `path` waits to be removed ([`remove_later`]).
pub fn leaving(path: &Path) -> bool {
    let later = LATER.lock().unwrap_or_else(|e| e.into_inner());
    later.iter().any(|p| p == path)
}

/// Remove what [`remove_later`] kept, in a process that outlives this one (`rm`), or
/// here when there is none to run (`wait`: here in any case). For the end of a command,
/// after its answer. A removal lost in a crash leaves a file the next command replaces
/// or the next `ingest` finds already stored.
pub fn remove_leftovers(wait: bool) {
    use std::process::{Command, Stdio};
    let paths = std::mem::take(&mut *LATER.lock().unwrap_or_else(|e| e.into_inner()));
    if paths.is_empty() {
        return;
    }
    let spawned = (!wait).then(|| {
        Command::new("rm")
            .arg("-f")
            .arg("--")
            .args(&paths)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
    });
    if !matches!(spawned, Some(Ok(_))) {
        for p in paths {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// The shard directories one worker has open: a file in a ticket folder (its ticket.md,
/// its `events/`) is looked up relative to its shard (two path components instead of the
/// whole absolute path, which is most of what a `stat` costs when the inodes are cached).
pub struct ShardDirs<'p> {
    tickets: &'p Path,
    #[cfg(unix)]
    open: Option<(String, std::fs::File)>,
}

impl<'p> ShardDirs<'p> {
    pub fn new(tickets: &'p Path) -> ShardDirs<'p> {
        ShardDirs {
            tickets,
            #[cfg(unix)]
            open: None,
        }
    }

    pub fn tickets(&self) -> &'p Path {
        self.tickets
    }

    /// The stamp of `<shard>/<id>/<name>`; `None` when it is not a file (or, with
    /// `want_dir`, not a directory).
    pub fn stamp(
        &mut self,
        id: &str,
        name: &str,
        want_dir: bool,
    ) -> std::io::Result<Option<FileStamp>> {
        #[cfg(unix)]
        {
            use rustix::fs::{AtFlags, FileType, statat};
            let shard = &id[..2];
            if self.open.as_ref().is_none_or(|(s, _)| s != shard) {
                let dir = std::fs::File::open(self.tickets.join(shard))?;
                self.open = Some((shard.to_string(), dir));
            }
            let Some((_, dir)) = &self.open else {
                unreachable!("opened above")
            };
            let st = match statat(dir, format!("{id}/{name}"), AtFlags::empty()) {
                Ok(st) => st,
                Err(e) if e == rustix::io::Errno::NOENT || e == rustix::io::Errno::NOTDIR => {
                    return Ok(None);
                }
                Err(e) => return Err(e.into()),
            };
            let want = if want_dir {
                FileType::Directory
            } else {
                FileType::RegularFile
            };
            if FileType::from_raw_mode(st.st_mode) != want {
                return Ok(None);
            }
            Ok(Some(FileStamp {
                mtime_ns: st.st_mtime * 1_000_000_000 + st.st_mtime_nsec as i64,
                ctime_ns: st.st_ctime * 1_000_000_000 + st.st_ctime_nsec as i64,
                size: st.st_size as u64,
                ino: st.st_ino,
            }))
        }
        #[cfg(not(unix))]
        {
            match std::fs::metadata(self.tickets.join(&id[..2]).join(id).join(name)) {
                Ok(m) if m.is_dir() == want_dir && (want_dir || m.is_file()) => {
                    Ok(Some(FileStamp::of(&m)))
                }
                Ok(_) => Ok(None),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replace_and_leave_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a/b/file.md");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(p.parent().unwrap()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn new_files_are_not_private_and_modes_survive() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        write_atomic(&p, b"x").unwrap();
        assert_ne!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o044,
            0,
            "group/other can read"
        );
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&p, b"y").unwrap();
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o640
        );
    }
}
