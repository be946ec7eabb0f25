//! Files and git: finding the helpdesk, reading tickets and events from the work tree,
//! and writing every change as exactly one commit (DESIGN.md §4).
//!
//! The only module that touches `git2`. A commit is built in memory from HEAD (blobs,
//! then a tree updated for the touched paths), the branch is moved by compare-and-swap
//! under the per-clone lock, and only then are the touched work-tree files written
//! (atomically) and their index entries refreshed. A failure before the ref moves leaves
//! the work tree, index and history exactly as they were.

pub mod binfmt;
pub mod events_cache;
pub mod fsutil;
pub mod gitindex;
pub mod lock;
pub mod merge;
pub mod outbox;
pub mod spool;
pub mod sync;
mod ticket_cache;
pub mod timeline;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use git2::{ErrorCode, FileMode, Oid, Repository, Signature, Time};

use crate::config::{self, Config, ConfigError};
use crate::ticket::codec::CodecError;
use crate::ticket::id::{self, TicketId};
use crate::ticket::{Event, Ticket};

pub use lock::Lock;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not inside a tiketti helpdesk: no {} in {} or any parent directory", config::FILE_NAME, .0.display())]
    NotFound(PathBuf),
    #[error("{} has no {}", .0.display(), config::FILE_NAME)]
    NoConfig(PathBuf),
    #[error("{} is not a git repository", .0.display())]
    NotGit(PathBuf),
    #[error("no ticket matches {0}")]
    NoTicket(String),
    #[error("{0}")]
    BadId(String),
    #[error("ticket prefix {prefix} is ambiguous: {}", .candidates.join(", "))]
    Ambiguous {
        prefix: String,
        candidates: Vec<String>,
    },
    #[error("{path}:{line}: {message}")]
    BadFile {
        path: String,
        line: usize,
        message: String,
    },
    #[error("HEAD is not on a branch; check out a branch (git switch main) first")]
    Detached,
    #[error(
        "the branch moved while this command ran (another program committed); nothing was written, run it again"
    )]
    Raced,
    #[error("this clone has no remote named {0}")]
    NoRemote(String),
    #[error("{0} has no history in common with this clone")]
    Unrelated(String),
    #[error("{context}: {message}")]
    Remote { context: String, message: String },
    #[error("the sync would overwrite files that are not committed: {}", .0.join(", "))]
    WouldOverwrite(Vec<String>),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Lock(#[from] lock::LockError),
    #[error("committed, but the index was not updated: {source}")]
    Index {
        paths: Vec<String>,
        source: gitindex::IndexError,
    },
    #[error("git: {0}")]
    Git(#[from] git2::Error),
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
}

fn io_err(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> StoreError {
    let context = context.into();
    move |source| StoreError::Io { context, source }
}

/// Who makes a commit.
#[derive(Debug, Clone)]
pub struct Identity {
    pub name: String,
    pub email: String,
}

/// The files one command changes, relative to the repository root, with `/` separators.
#[derive(Debug, Default, Clone)]
pub struct ChangeSet {
    writes: Vec<(String, Vec<u8>)>,
    removes: Vec<String>,
}

impl ChangeSet {
    pub fn write(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> &mut Self {
        self.writes.push((path.into(), bytes.into()));
        self
    }

    pub fn remove(&mut self, path: impl Into<String>) -> &mut Self {
        self.removes.push(path.into());
        self
    }

    pub fn is_empty(&self) -> bool {
        self.writes.is_empty() && self.removes.is_empty()
    }
}

/// One commit that touched a ticket, with the ticket file before and after it.
#[derive(Debug, Clone)]
pub struct Revision {
    pub commit: String,
    pub author: String,
    pub email: String,
    pub time: DateTime<Utc>,
    pub summary: String,
    pub before: Option<String>,
    pub after: Option<String>,
    /// Paths under the ticket's directory that this commit added.
    pub added: Vec<String>,
}

/// An event file's path and its parsed content (or what is wrong with it).
pub type EventFile = (String, Result<Event, StoreError>);

pub struct Repo {
    git: Repository,
    root: PathBuf,
}

pub const LOCK_TIMEOUT: Duration = Duration::from_secs(60);

/// At most this long a commit waits for another git command's `index.lock`: `git status`
/// holds it while it refreshes, some seconds at 100,000 tickets.
const INDEX_LOCK_WAIT: Duration = Duration::from_secs(10);

impl Repo {
    /// The helpdesk at exactly `dir` (from `--repo` or `TIKETTI_REPO`), or the nearest one
    /// at or above `start`.
    pub fn discover(explicit: Option<&Path>, start: &Path) -> Result<Repo, StoreError> {
        let root = match explicit {
            Some(dir) => {
                let dir = absolute(dir)?;
                if !dir.join(config::FILE_NAME).is_file() {
                    return Err(StoreError::NoConfig(dir));
                }
                dir
            }
            None => {
                let start = absolute(start)?;
                start
                    .ancestors()
                    .find(|d| d.join(config::FILE_NAME).is_file())
                    .map(Path::to_path_buf)
                    .ok_or(StoreError::NotFound(start))?
            }
        };
        Repo::open(&root)
    }

    pub fn open(root: &Path) -> Result<Repo, StoreError> {
        let git = Repository::open(root).map_err(|_| StoreError::NotGit(root.to_path_buf()))?;
        let workdir = git
            .workdir()
            .ok_or_else(|| StoreError::NotGit(root.to_path_buf()))?;
        // tiketti.yaml must sit at the top of the work tree.
        if workdir.canonicalize().ok() != root.canonicalize().ok() {
            return Err(StoreError::NotGit(root.to_path_buf()));
        }
        Ok(Repo {
            git,
            root: root.to_path_buf(),
        })
    }

    /// Create a git repository at `dir` unless one is there; returns whether it was new.
    pub fn init_git(dir: &Path) -> Result<(Repo, bool), StoreError> {
        std::fs::create_dir_all(dir).map_err(io_err(format!("cannot create {}", dir.display())))?;
        let dir = absolute(dir)?;
        match Repository::open(&dir) {
            Ok(git)
                if git.workdir().and_then(|w| w.canonicalize().ok()) == dir.canonicalize().ok() =>
            {
                Ok((Repo { git, root: dir }, false))
            }
            _ => {
                let mut opts = git2::RepositoryInitOptions::new();
                opts.initial_head("main");
                let git = Repository::init_opts(&dir, &opts)?;
                Ok((Repo { git, root: dir }, true))
            }
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `.git/tiketti/`: never versioned; lock, spool, outbox, cache, recovered edits.
    pub fn state_dir(&self) -> PathBuf {
        self.git.commondir().join("tiketti")
    }

    pub fn lock(&self, timeout: Duration) -> Result<Lock, StoreError> {
        Ok(lock::acquire(&self.state_dir().join("lock"), timeout)?)
    }

    pub fn config(&self) -> Result<Config, StoreError> {
        Ok(Config::load(&self.root)?)
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// The identity from git config (user.name, user.email), when set.
    pub fn git_identity(&self) -> Option<Identity> {
        let cfg = self.git.config().ok()?;
        let name = cfg.get_string("user.name").ok();
        let email = cfg.get_string("user.email").ok();
        match (name, email) {
            (None, None) => None,
            (name, email) => Some(Identity {
                name: name.unwrap_or_else(|| email.clone().unwrap_or_default()),
                email: email.unwrap_or_default(),
            }),
        }
    }

    // ----- reading -----

    /// Resolve a full ID or a unique prefix of 4 or more characters.
    pub fn resolve(&self, input: &str) -> Result<TicketId, StoreError> {
        let prefix = id::normalize_prefix(input).map_err(|e| StoreError::BadId(e.to_string()))?;
        let shard_dir = self.root.join("tickets").join(&prefix[..2]);
        let mut found: Vec<String> = std::fs::read_dir(&shard_dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter(|n| id::is_canonical_ticket_id(n) && n.starts_with(&prefix))
            .filter(|n| shard_dir.join(n).join("ticket.md").exists())
            .collect();
        found.sort();
        match found.len() {
            0 => Err(StoreError::NoTicket(input.to_string())),
            1 => Ok(TicketId::parse(&found[0]).map_err(|e| StoreError::BadId(e.to_string()))?),
            _ => Err(StoreError::Ambiguous {
                prefix: prefix.clone(),
                candidates: found,
            }),
        }
    }

    /// The names already in a ticket's `attachments/`, lower-cased (a new attachment's
    /// name must differ from all of them, whatever the file system's case rules).
    pub fn attachment_names(&self, id: &TicketId) -> std::collections::HashSet<String> {
        std::fs::read_dir(self.path(&format!("{}/attachments", id.dir())))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.file_name().to_str().map(str::to_lowercase))
            .collect()
    }

    /// A new event for ticket `id` from `mint`, drawn again while its file name is taken:
    /// events are never rewritten (a clash of ID and second is very unlikely, but a pinned
    /// `TIKETTI_SEED` makes it certain).
    pub fn fresh_event(&self, id: &TicketId, mint: impl Fn() -> Event) -> Event {
        loop {
            let e = mint();
            if !self
                .path(&format!("{}/events/{}", id.dir(), e.file_name()))
                .exists()
            {
                return e;
            }
        }
    }

    /// True when the ID is taken in the work tree or in HEAD.
    pub fn id_taken(&self, id: &TicketId) -> bool {
        self.root.join(id.dir()).exists()
            || self
                .head_tree()
                .ok()
                .flatten()
                .is_some_and(|t| t.get_path(Path::new(&id.dir())).is_ok())
    }

    pub fn ticket_path(id: &TicketId) -> String {
        format!("{}/ticket.md", id.dir())
    }

    pub fn read_ticket(&self, id: &TicketId) -> Result<Ticket, StoreError> {
        let rel = Repo::ticket_path(id);
        let text = std::fs::read_to_string(self.path(&rel))
            .map_err(io_err(format!("cannot read {rel}")))?;
        let ticket = Ticket::parse(&text).map_err(|e| bad_file(&rel, e))?;
        if &ticket.id != id {
            return Err(StoreError::BadFile {
                line: ticket.doc.line_of("id").unwrap_or(1),
                path: rel,
                message: format!("field `id` says {} but the directory is {id}", ticket.id),
            });
        }
        Ok(ticket)
    }

    /// The ticket's event files in time order (file names sort by time), each parsed.
    pub fn read_events(&self, id: &TicketId) -> Result<Vec<EventFile>, StoreError> {
        let dir = format!("{}/events", id.dir());
        let mut names: Vec<String> = match std::fs::read_dir(self.path(&dir)) {
            Ok(rd) => rd
                .flatten()
                .filter_map(|e| e.file_name().to_str().map(str::to_string))
                .filter(|n| n.ends_with(".md") && !n.starts_with('.'))
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(io_err(format!("cannot read {dir}"))(e)),
        };
        names.sort();
        Ok(names
            .into_iter()
            .map(|n| {
                let rel = format!("{dir}/{n}");
                let parsed = std::fs::read_to_string(self.path(&rel))
                    .map_err(io_err(format!("cannot read {rel}")))
                    .and_then(|text| Event::parse(&text).map_err(|e| bad_file(&rel, e)));
                (rel, parsed)
            })
            .collect())
    }

    fn head_commit(&self) -> Result<Option<git2::Commit<'_>>, StoreError> {
        match self.git.head() {
            Ok(head) => Ok(Some(head.peel_to_commit()?)),
            Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    fn head_tree(&self) -> Result<Option<git2::Tree<'_>>, StoreError> {
        Ok(match self.head_commit()? {
            Some(c) => Some(c.tree()?),
            None => None,
        })
    }

    fn blob_text(&self, tree: &git2::Tree<'_>, path: &str) -> Option<String> {
        let entry = tree.get_path(Path::new(path)).ok()?;
        let blob = self.git.find_blob(entry.id()).ok()?;
        Some(String::from_utf8_lossy(blob.content()).into_owned())
    }

    /// Commits that changed the ticket's directory, newest first (at most `limit`),
    /// from the timelines cache (`progress` as for [`Repo::timelines`]).
    pub fn history(
        &self,
        id: &TicketId,
        limit: Option<usize>,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Vec<Revision>, StoreError> {
        if limit == Some(0) {
            return Ok(Vec::new());
        }
        let dir = id.dir();
        let file = Repo::ticket_path(id);
        let mut out = Vec::new();
        for oid in self
            .ticket_commits(id.as_str(), progress)?
            .into_iter()
            .take(limit.unwrap_or(usize::MAX))
        {
            let commit = self.git.find_commit(oid)?;
            let tree = commit.tree()?;
            let before_tree = match commit.parents().next() {
                Some(p) => Some(p.tree()?),
                None => None,
            };
            let author = commit.author();
            out.push(Revision {
                commit: oid.to_string(),
                author: author.name().unwrap_or("").to_string(),
                email: author.email().unwrap_or("").to_string(),
                time: Utc
                    .timestamp_opt(author.when().seconds(), 0)
                    .single()
                    .unwrap_or_default(),
                summary: commit.summary().unwrap_or("").to_string(),
                before: before_tree.as_ref().and_then(|t| self.blob_text(t, &file)),
                after: self.blob_text(&tree, &file),
                added: self.added_paths(before_tree.as_ref(), &tree, &dir)?,
            });
        }
        Ok(out)
    }

    /// The paths under `dir` that `after` has and `before` has not; only the ticket's own
    /// subtrees are compared.
    fn added_paths(
        &self,
        before: Option<&git2::Tree<'_>>,
        after: &git2::Tree<'_>,
        dir: &str,
    ) -> Result<Vec<String>, StoreError> {
        let sub = |t: Option<&git2::Tree<'_>>| {
            t.and_then(|t| t.get_path(Path::new(dir)).ok())
                .and_then(|e| self.git.find_tree(e.id()).ok())
        };
        let diff =
            self.git
                .diff_tree_to_tree(sub(before).as_ref(), sub(Some(after)).as_ref(), None)?;
        Ok(diff
            .deltas()
            .filter(|d| d.status() == git2::Delta::Added)
            .filter_map(|d| {
                d.new_file()
                    .path()
                    .and_then(|p| p.to_str())
                    .map(|p| format!("{dir}/{p}"))
            })
            .collect())
    }

    // ----- writing -----

    /// Make one commit with `changes` on the current branch, then bring the work tree and
    /// index up to date for those paths. Call with the lock held.
    pub fn commit(
        &self,
        lock: &Lock,
        changes: &ChangeSet,
        message: &str,
        author: &Identity,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        let head = self.git.find_reference("HEAD")?;
        let branch = head
            .symbolic_target()
            .ok_or(StoreError::Detached)?
            .to_string();
        let parent = match self.git.refname_to_id(&branch) {
            Ok(oid) => Some(self.git.find_commit(oid)?),
            Err(e) if e.code() == ErrorCode::NotFound => None,
            Err(e) => return Err(e.into()),
        };
        let base = match &parent {
            Some(c) => c.tree()?,
            None => {
                let empty = self.git.treebuilder(None)?.write()?;
                self.git.find_tree(empty)?
            }
        };
        let mut update = git2::build::TreeUpdateBuilder::new();
        let mut blobs = Vec::with_capacity(changes.writes.len());
        for (path, bytes) in &changes.writes {
            let oid = self.git.blob(bytes)?;
            update.upsert(path.as_str(), oid, FileMode::Blob);
            blobs.push(oid);
        }
        for path in &changes.removes {
            update.remove(path.as_str());
        }
        let tree_oid = update.create_updated(&self.git, &base)?;
        let tree = self.git.find_tree(tree_oid)?;
        let when = Time::new(now.timestamp(), 0);
        let sig = Signature::new(&author.name, &author.email, &when)?;
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        // git cannot store a NUL in a message; nothing a user types should stop a commit.
        let message = message.replace('\0', " ");
        let message = message.as_str();
        let oid = self
            .git
            .commit(None, &sig, &sig, message, &tree, &parents)?;
        let log = format!("tiketti: {message}");
        let moved = match &parent {
            Some(p) => self
                .git
                .reference_matching(&branch, oid, true, p.id(), &log),
            None => self.git.reference(&branch, oid, false, &log),
        };
        match moved {
            Ok(_) => {}
            Err(e) if matches!(e.code(), ErrorCode::Modified | ErrorCode::Exists) => {
                return Err(StoreError::Raced);
            }
            Err(e) => return Err(e.into()),
        }
        self.update_worktree(changes, &blobs, lock)?;
        Ok(oid.to_string())
    }

    /// Write the changed files and bring their index entries along; `blobs` are the
    /// written files' blobs, in order.
    fn update_worktree(
        &self,
        changes: &ChangeSet,
        blobs: &[Oid],
        lock: &Lock,
    ) -> Result<(), StoreError> {
        for (path, bytes) in &changes.writes {
            let full = self.path(path);
            fsutil::write_atomic(&full, bytes).map_err(io_err(format!(
                "committed, but could not write {path} (run `git checkout HEAD -- {path}`)"
            )))?;
        }
        for path in &changes.removes {
            let full = self.path(path);
            match std::fs::remove_file(&full) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io_err(format!("committed, but could not remove {path}"))(e)),
            }
            // Drop directories the removal emptied, up to the root.
            let mut dir = full.parent();
            while let Some(d) = dir {
                if d == self.root || std::fs::remove_dir(d).is_err() {
                    break;
                }
                dir = d.parent();
            }
        }
        let touched: Vec<gitindex::Change<'_>> = changes
            .writes
            .iter()
            .zip(blobs)
            .map(|((path, _), blob)| gitindex::Change::Write {
                path,
                blob: oid_bytes(blob),
            })
            .chain(
                changes
                    .removes
                    .iter()
                    .map(|path| gitindex::Change::Remove { path }),
            )
            .collect();
        self.update_index(&touched, lock)
    }

    /// Bring the index entries of `touched` up to date with the work tree: with
    /// `gitindex` (a stream over the file), or where it cannot, with libgit2 (which loads
    /// and rewrites the whole index). A written file's entry gets the blob just committed,
    /// so the index matches HEAD for it; libgit2 hashes the file instead, through any
    /// clean filter, which gives the same blob because tiketti's `.gitattributes` turns
    /// conversion off under `tickets/`.
    fn update_index(
        &self,
        touched: &[gitindex::Change<'_>],
        lock: &Lock,
    ) -> Result<(), StoreError> {
        let cfg = self.git.config()?;
        let flag = |key: &str, default: bool| cfg.get_bool(key).unwrap_or(default);
        // Case-folding and symlink-less clones match entries in ways libgit2 knows.
        if !flag("core.ignorecase", false) && flag("core.symlinks", true) {
            let stamp = self.state_dir().join("index-stamp");
            let retired = self.state_dir().join("index.old");
            let target = gitindex::Target {
                git_dir: self.git.path(),
                work_dir: &self.root,
                trust_filemode: flag("core.filemode", true),
                stamp: &stamp,
                retired: &retired,
                lock_wait: lock.patience().min(INDEX_LOCK_WAIT),
                skip_hash: gitindex::skip_hash(&cfg),
            };
            match gitindex::update(&target, touched) {
                Ok(_) => return Ok(()),
                Err(gitindex::IndexError::Unsupported(_)) => {}
                Err(source) => {
                    let paths = touched
                        .iter()
                        .map(|c| match c {
                            gitindex::Change::Write { path, .. } => path.to_string(),
                            gitindex::Change::Remove { path } => path.to_string(),
                        })
                        .collect();
                    return Err(StoreError::Index { paths, source });
                }
            }
        }
        let mut index = self.git.index()?;
        // libgit2 keeps the index it loaded earlier in this process (a sync's status
        // checks); the file may have been written since, by the code above among others.
        index.read(false)?;
        let removed = |p: &str| {
            touched
                .iter()
                .any(|c| matches!(c, gitindex::Change::Remove { path } if *path == p))
        };
        for change in touched {
            match change {
                // A file written and then removed is not there to add.
                gitindex::Change::Write { path, .. } if removed(path) => {}
                gitindex::Change::Write { path, .. } => index.add_path(Path::new(path))?,
                gitindex::Change::Remove { path } => {
                    let _ = index.remove_path(Path::new(path));
                }
            }
        }
        index.write()?;
        Ok(())
    }

    /// The threading index: every stored or sent Message-ID, every Message-ID a stored
    /// message refers to, and every event ID, as the events cache holds them once brought
    /// up to date with the work tree. `progress` hears about a cache rebuild.
    pub fn thread_index(
        &self,
        progress: &(dyn Fn(events_cache::CacheProgress) + Sync),
    ) -> Result<crate::mail::thread::ThreadIndex, StoreError> {
        let need = events_cache::Need {
            events: true,
            ..Default::default()
        };
        // The folders, not the tickets: the events cache looks into each folder anyway,
        // and checking every ticket.md as well would double the cost.
        let cache = self.events_cache(self.ticket_dirs()?, need, progress);
        let key = self.message_key().unwrap_or_default();
        Ok(crate::mail::thread::ThreadIndex::new(key, Box::new(cache)))
    }
}

fn oid_bytes(oid: &Oid) -> [u8; 20] {
    let mut b = [0; 20];
    b.copy_from_slice(oid.as_bytes());
    b
}

fn absolute(p: &Path) -> Result<PathBuf, StoreError> {
    std::path::absolute(p).map_err(io_err(format!("cannot resolve {}", p.display())))
}

fn bad_file(path: &str, e: CodecError) -> StoreError {
    StoreError::BadFile {
        path: path.to_string(),
        line: e.line,
        message: e.message,
    }
}

/// `f` over `items` on up to one thread per core, results in the order of `items`.
pub fn par_map<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len())
        .min(8);
    if threads <= 1 {
        return items.into_iter().map(f).collect();
    }
    let slots: Vec<std::sync::Mutex<Option<T>>> = items
        .into_iter()
        .map(|t| std::sync::Mutex::new(Some(t)))
        .collect();
    let results: Vec<std::sync::Mutex<Option<R>>> =
        slots.iter().map(|_| std::sync::Mutex::new(None)).collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(slot) = slots.get(i) else { break };
                    let item = slot.lock().ok().and_then(|mut g| g.take());
                    if let Some(item) = item {
                        let r = f(item);
                        if let Ok(mut g) = results[i].lock() {
                            *g = Some(r);
                        }
                    }
                }
            });
        }
    });
    results
        .into_iter()
        .filter_map(|m| m.into_inner().ok().flatten())
        .collect()
}
