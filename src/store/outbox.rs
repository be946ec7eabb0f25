//! The outbox: mail waiting to leave this clone, in `.git/tiketti/outbox/` (never
//! versioned). Each entry is the complete message (`<id>.eml`) and what the outbox knows
//! about it (`<id>.json`: envelope, the event it belongs to, attempts, the last error).
//!
//! The mail of a ticket is sent only once its event is in a commit of HEAD: the entry is
//! written first, the commit is the point of no return. A writer that dies between the
//! two leaves an entry whose event never appears; it is found under the repository lock
//! (no commit can be in progress then) and set aside, never sent. A sent entry moves to
//! `sent/`, a dropped one to `dropped/`; flushing holds `outbox/lock`, so two flushes
//! never send the same entry.

use std::path::{Path, PathBuf};
use std::time::Duration;

use git2::{ErrorCode, Oid};
use serde::{Deserialize, Serialize};

use super::fsutil::write_atomic;
use super::lock::{self, Lock, LockError};
use super::{Repo, StoreError, io_err};

/// What the outbox knows about one message.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Entry {
    pub id: String,
    /// The ticket the message is about, if any (a reminder digest has none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// The event file (a path in the repository) that records the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// The envelope sender.
    pub from: String,
    /// The envelope recipients.
    pub to: Vec<String>,
    pub subject: String,
    /// Automatic mail (acknowledgement, notice, reminder) rather than an agent's reply.
    #[serde(default)]
    pub auto: bool,
    /// RFC 3339.
    pub queued: String,
    #[serde(default)]
    pub attempts: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_attempt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Set just before the transport is called and cleared by its answer: an entry that
    /// still has it was being sent when the process died, and may have been delivered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sending: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dropped: Option<String>,
}

/// Where an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Folder {
    Queued,
    Sent,
    Dropped,
}

impl Folder {
    pub fn as_str(self) -> &'static str {
        match self {
            Folder::Queued => "queued",
            Folder::Sent => "sent",
            Folder::Dropped => "dropped",
        }
    }

    fn sub(self) -> &'static str {
        match self {
            Folder::Queued => "",
            Folder::Sent => "sent",
            Folder::Dropped => "dropped",
        }
    }
}

/// Is a path of this clone's HEAD also on the remote the branch is pushed to?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    /// No remote is configured: nothing to wait for.
    NoRemote,
    Yes,
    No,
}

pub struct Outbox {
    dir: PathBuf,
}

impl Outbox {
    fn folder(&self, f: Folder) -> PathBuf {
        self.dir.join(f.sub())
    }

    /// Held while entries are sent, so two flushes never send one entry twice.
    pub fn lock(&self, timeout: Duration) -> Result<Lock, LockError> {
        lock::acquire(&self.dir.join("lock"), timeout)
    }

    /// Queue a message: the bytes first, then the entry that makes it visible.
    pub fn put(&self, entry: &Entry, raw: &[u8]) -> Result<(), StoreError> {
        let dir = self.folder(Folder::Queued);
        std::fs::create_dir_all(&dir)
            .map_err(io_err(format!("cannot create {}", dir.display())))?;
        let eml = dir.join(format!("{}.eml", entry.id));
        write_atomic(&eml, raw).map_err(io_err(format!("cannot write {}", eml.display())))?;
        self.write_entry(Folder::Queued, entry)
    }

    fn write_entry(&self, folder: Folder, entry: &Entry) -> Result<(), StoreError> {
        let path = self.folder(folder).join(format!("{}.json", entry.id));
        let json = serde_json::to_vec_pretty(entry).expect("an entry serialises");
        write_atomic(&path, &json).map_err(io_err(format!("cannot write {}", path.display())))
    }

    /// Record an attempt's outcome on a queued entry.
    pub fn update(&self, entry: &Entry) -> Result<(), StoreError> {
        self.write_entry(Folder::Queued, entry)
    }

    /// Take a queued entry out of the queue into `to` (sent or dropped), with its record.
    pub fn file_away(&self, entry: &Entry, to: Folder) -> Result<(), StoreError> {
        let target = self.folder(to);
        std::fs::create_dir_all(&target)
            .map_err(io_err(format!("cannot create {}", target.display())))?;
        // The record goes first: once it is in `to`, the entry is no longer queued. (A
        // crash between the two leaves a record in both; the queued one still says
        // `sending`, so no flush sends it again on its own.)
        self.write_entry(to, entry)?;
        let from = self.folder(Folder::Queued);
        let json = from.join(format!("{}.json", entry.id));
        std::fs::remove_file(&json).map_err(io_err(format!("cannot remove {}", json.display())))?;
        let eml = format!("{}.eml", entry.id);
        std::fs::rename(from.join(&eml), target.join(&eml))
            .map_err(io_err(format!("cannot move {eml} to {}", target.display())))
    }

    /// After a failed commit: forget the entry unless its event made it into HEAD after
    /// all (the branch moved, then writing the work tree failed): then it must still go.
    pub fn discard_uncommitted(&self, repo: &Repo, entry: &Entry) {
        let committed = entry
            .event
            .as_deref()
            .is_some_and(|p| repo.head_has(p).unwrap_or(true));
        if !committed {
            self.discard(&entry.id);
        }
    }

    /// Forget a queued entry whose commit never happened (the writer failed).
    fn discard(&self, id: &str) {
        let dir = self.folder(Folder::Queued);
        let _ = std::fs::remove_file(dir.join(format!("{id}.json")));
        let _ = std::fs::remove_file(dir.join(format!("{id}.eml")));
    }

    /// Is `id` taken by an entry in any folder? Entry IDs are event IDs, unique within a
    /// ticket only; a new entry must never overwrite another ticket's message.
    pub fn has(&self, id: &str) -> bool {
        [Folder::Queued, Folder::Sent, Folder::Dropped]
            .iter()
            .any(|f| self.folder(*f).join(format!("{id}.json")).exists())
    }

    /// A ticket re-minted by a merge (an ID clash): its queued messages follow it. The
    /// bytes are rewritten as its unpushed event files were (the old ID, a random
    /// 8-character code, appears nowhere else in them).
    pub fn remap(&self, old: &str, new: &str) -> Result<(), StoreError> {
        for mut e in self.entries(Folder::Queued)? {
            if e.ticket.as_deref() != Some(old) {
                continue;
            }
            let raw = self.raw(&e, Folder::Queued)?;
            let raw = String::from_utf8_lossy(&raw).replace(old, new).into_bytes();
            e.ticket = Some(new.to_string());
            e.event = e.event.map(|p| {
                p.replace(old, new).replace(
                    &format!("tickets/{}/", &old[..2]),
                    &format!("tickets/{}/", &new[..2]),
                )
            });
            e.subject = e.subject.replace(old, new);
            self.put(&e, &raw)?;
        }
        Ok(())
    }

    /// The entries of a folder, oldest first. An unreadable record is reported, not hidden.
    pub fn entries(&self, folder: Folder) -> Result<Vec<Entry>, StoreError> {
        let dir = self.folder(folder);
        let Ok(read) = std::fs::read_dir(&dir) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for e in read.flatten() {
            let path = e.path();
            if path.extension().is_none_or(|x| x != "json") {
                continue;
            }
            out.push(read_entry(&path)?);
        }
        out.sort_by(|a, b| (&a.queued, &a.id).cmp(&(&b.queued, &b.id)));
        Ok(out)
    }

    /// One entry by ID or unique prefix, in any folder.
    pub fn find(&self, id: &str) -> Result<Option<(Entry, Folder)>, StoreError> {
        let want = id.to_ascii_uppercase();
        let mut found = Vec::new();
        for f in [Folder::Queued, Folder::Sent, Folder::Dropped] {
            for e in self.entries(f)? {
                if e.id == want {
                    return Ok(Some((e, f)));
                }
                if e.id.starts_with(&want) {
                    found.push((e, f));
                }
            }
        }
        if found.len() > 1 {
            return Err(StoreError::Ambiguous {
                prefix: id.to_string(),
                candidates: found.into_iter().map(|(e, _)| e.id).collect(),
            });
        }
        Ok(found.pop())
    }

    /// The message bytes of an entry.
    pub fn raw(&self, entry: &Entry, folder: Folder) -> Result<Vec<u8>, StoreError> {
        let path = self.folder(folder).join(format!("{}.eml", entry.id));
        std::fs::read(&path).map_err(io_err(format!("cannot read {}", path.display())))
    }
}

fn read_entry(path: &Path) -> Result<Entry, StoreError> {
    let text =
        std::fs::read_to_string(path).map_err(io_err(format!("cannot read {}", path.display())))?;
    serde_json::from_str(&text).map_err(|e| StoreError::BadFile {
        path: path.display().to_string(),
        line: e.line(),
        message: e.to_string(),
    })
}

impl Repo {
    pub fn outbox(&self) -> Outbox {
        Outbox {
            dir: self.state_dir().join("outbox"),
        }
    }

    /// Is `path` in the tree of HEAD (committed, not only in the work tree)?
    pub fn head_has(&self, path: &str) -> Result<bool, StoreError> {
        let head = match self.git.head() {
            Ok(h) => h.peel_to_tree()?,
            Err(e) if e.code() == ErrorCode::UnbornBranch => return Ok(false),
            Err(e) => return Err(e.into()),
        };
        Ok(head.get_path(Path::new(path)).is_ok())
    }

    /// Is `path` on the remote the current branch is pushed to (its remote-tracking
    /// branch, as of the last fetch or push)? The branch's upstream decides the remote;
    /// without one, `origin`; with no remote at all, there is nothing to wait for.
    pub fn published(&self, path: &str) -> Result<Published, StoreError> {
        let remotes = self.git.remotes()?;
        if remotes.is_empty() {
            return Ok(Published::NoRemote);
        }
        let head = match self.git.head() {
            Ok(h) => h,
            Err(_) => return Ok(Published::No),
        };
        let branch = head.shorthand().unwrap_or("main").to_string();
        let upstream = self
            .git
            .find_branch(&branch, git2::BranchType::Local)
            .ok()
            .and_then(|b| b.upstream().ok())
            .and_then(|u| u.get().name().map(str::to_string));
        let remote = if remotes.iter().flatten().any(|r| r == "origin") {
            "origin".to_string()
        } else {
            remotes.get(0).unwrap_or("origin").to_string()
        };
        let tracking = upstream.unwrap_or_else(|| format!("refs/remotes/{remote}/{branch}"));
        let tree = match self
            .git
            .find_reference(&tracking)
            .and_then(|r| r.peel_to_tree())
        {
            Ok(t) => t,
            Err(e) if e.code() == ErrorCode::NotFound => return Ok(Published::No),
            Err(e) => return Err(e.into()),
        };
        Ok(if tree.get_path(Path::new(path)).is_ok() {
            Published::Yes
        } else {
            Published::No
        })
    }

    /// The key of the keyed hash in outgoing Message-IDs: the ID of the helpdesk's first
    /// commit, which every clone shares and nobody outside knows. Cached per clone.
    pub fn message_key(&self) -> Result<Vec<u8>, StoreError> {
        let cache = self.state_dir().join("message-key");
        if let Ok(k) = std::fs::read_to_string(&cache)
            && Oid::from_str(k.trim()).is_ok()
        {
            return Ok(k.trim().as_bytes().to_vec());
        }
        let mut walk = self.git.revwalk()?;
        walk.push_head()?;
        walk.simplify_first_parent()?;
        let mut root = None;
        for oid in walk {
            root = Some(oid?);
        }
        let root = root.ok_or_else(|| StoreError::Io {
            context: "the helpdesk has no commit yet".into(),
            source: std::io::Error::other("empty history"),
        })?;
        let key = root.to_string();
        let _ = std::fs::create_dir_all(self.state_dir());
        let _ = write_atomic(&cache, key.as_bytes());
        Ok(key.into_bytes())
    }
}
