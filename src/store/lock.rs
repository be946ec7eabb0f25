//! The per-clone writer lock: `flock` on `.git/tiketti/lock` (DESIGN.md §4). The kernel
//! releases it when the process dies, so a crash never leaves the helpdesk locked.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;
use std::time::{Duration, Instant};

/// Held for as long as it lives.
#[derive(Debug)]
pub struct Lock {
    _file: File,
    patience: Duration,
}

impl Lock {
    /// How long its holder was willing to wait for it: how long it waits for other locks.
    pub fn patience(&self) -> Duration {
        self.patience
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("another tiketti process has held {path} for {secs:.1} s")]
    Timeout { path: String, secs: f64 },
    #[error("cannot open the lock file {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

pub fn acquire(path: &Path, timeout: Duration) -> Result<Lock, LockError> {
    let io = |source| LockError::Io {
        path: path.display().to_string(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(io)?;
    let start = Instant::now();
    let mut pause = Duration::from_millis(2);
    loop {
        match file.try_lock() {
            Ok(()) => {
                return Ok(Lock {
                    _file: file,
                    patience: timeout,
                });
            }
            Err(TryLockError::WouldBlock) if start.elapsed() < timeout => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            Err(TryLockError::WouldBlock) => {
                return Err(LockError::Timeout {
                    path: path.display().to_string(),
                    secs: timeout.as_secs_f64(),
                });
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_holder_times_out_then_gets_it() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t/lock");
        let first = acquire(&p, Duration::from_secs(1)).unwrap();
        let err = acquire(&p, Duration::from_millis(30)).unwrap_err();
        assert!(matches!(err, LockError::Timeout { .. }));
        drop(first);
        acquire(&p, Duration::from_millis(30)).unwrap();
    }
}
