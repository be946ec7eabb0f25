//! Meeting other clones on a git remote (DESIGN.md §7, docs/sync.md): which remote and
//! branch, fetch, the merge of two commits as a commit built in memory, bringing the
//! branch, work tree and index to it without touching a hand edit, push, clone, and the
//! clone-local configuration (the merge driver).
//!
//! Fetch, push and clone run the `git` command when it is installed, because it honours
//! the user's ssh config, credential helpers and URL rewrites; otherwise git2's own
//! transports (local paths and file:// always; https and ssh with the cargo features of
//! the same names). Either way no prompt can hang or loop: git runs with
//! `GIT_TERMINAL_PROMPT=0` and no standard input, and git2 offers each kind of credential
//! once.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use chrono::{DateTime, Utc};
use git2::{ErrorCode, FileMode, Oid, Signature, Time};

use super::merge::{self, Collision, PathCollision, Remint, Rules, Three};
use super::{Identity, Lock, Repo, StoreError, fsutil, gitindex, io_err};
use crate::config::{self, Config};
use crate::ticket::TicketId;
use crate::ticket::codec::Document;
use crate::ticket::merge::Touched;

/// How to reach a remote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// The `git` command (or the program `TIKETTI_GIT` names).
    Git(String),
    /// git2's built-in transports.
    Builtin,
}

impl Transport {
    /// `program` (default `git`) when it runs, else the built-in transports.
    pub fn detect(program: Option<&str>) -> Transport {
        let program = program.unwrap_or("git");
        let runs = Command::new(program)
            .arg("--version")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if runs {
            Transport::Git(program.to_string())
        } else {
            Transport::Builtin
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Transport::Git(p) => format!("the {p} command"),
            Transport::Builtin => "built-in transports (git is not installed)".to_string(),
        }
    }
}

/// The remote branch this clone syncs with.
#[derive(Debug, Clone)]
pub struct Upstream {
    pub remote: String,
    pub url: String,
    /// The branch name on the remote.
    pub branch: String,
    /// The local branch, `refs/heads/…`.
    pub local: String,
    /// Where the remote branch is remembered, `refs/remotes/<remote>/<branch>`.
    pub tracking: String,
    /// `branch.<name>.remote` and `.merge` are set.
    pub configured: bool,
}

/// What a merge did, besides the commit.
#[derive(Debug, Default, Clone)]
pub struct MergeReport {
    pub collisions: Vec<Collision>,
    pub paths: Vec<PathCollision>,
    pub reminted: Vec<Remint>,
    pub reopened: Vec<TicketId>,
}

/// How the local branch gets to include the remote one.
#[derive(Debug, Clone)]
pub enum Plan {
    /// The remote has nothing this clone lacks.
    UpToDate,
    /// The local branch only needs to move forward to `to`.
    FastForward { from: Option<String>, to: String },
    /// A merge commit with two parents (local first), written but not yet on the branch.
    Merge {
        from: String,
        theirs: String,
        commit: String,
        report: MergeReport,
    },
}

impl Plan {
    /// The commit the branch ends at, if it moves.
    pub fn target(&self) -> Option<&str> {
        match self {
            Plan::UpToDate => None,
            Plan::FastForward { to, .. } => Some(to),
            Plan::Merge { commit, .. } => Some(commit),
        }
    }
}

/// The answer of the remote to a push.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pushed {
    /// The remote accepted the ref.
    Accepted,
    /// The remote refused it (someone pushed meanwhile, or a hook said no).
    Rejected(String),
}

fn git_err(context: impl std::fmt::Display) -> impl FnOnce(git2::Error) -> StoreError {
    let context = context.to_string();
    move |e| StoreError::Remote {
        context,
        message: e.message().to_string(),
    }
}

/// Run git with no prompts; stdout on success, the reason on failure.
fn run_git(program: &str, dir: Option<&Path>, args: &[&str]) -> Result<GitOutput, StoreError> {
    let mut cmd = Command::new(program);
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    let out = cmd
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        // No credential prompt through a GUI helper either when nobody is there.
        .env("GCM_INTERACTIVE", "never")
        .stdin(Stdio::null())
        .output()
        .map_err(io_err(format!("cannot run {program}")))?;
    Ok(GitOutput {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
    })
}

struct GitOutput {
    ok: bool,
    stdout: String,
    stderr: String,
}

/// git2 callbacks: each kind of credential is offered once, then the attempt fails
/// (libgit2 would otherwise ask again forever).
fn callbacks<'a>(config: Option<git2::Config>) -> git2::RemoteCallbacks<'a> {
    let mut cb = git2::RemoteCallbacks::new();
    let mut tried = git2::CredentialType::empty();
    cb.credentials(move |url, username, allowed| {
        use git2::{Cred, CredentialType};
        let fresh = allowed - tried;
        if fresh.contains(CredentialType::SSH_KEY) {
            tried |= CredentialType::SSH_KEY;
            return Cred::ssh_key_from_agent(username.unwrap_or("git"));
        }
        if fresh.contains(CredentialType::USER_PASS_PLAINTEXT)
            && let Some(cfg) = &config
        {
            tried |= CredentialType::USER_PASS_PLAINTEXT;
            return Cred::credential_helper(cfg, url, username);
        }
        if fresh.contains(CredentialType::DEFAULT) {
            tried |= CredentialType::DEFAULT;
            return Cred::default();
        }
        Err(git2::Error::from_str(
            "authentication failed (no further credentials to offer)",
        ))
    });
    cb
}

/// One work-tree path a checkout changes: its path, the old content, and the new content
/// with its git file mode (`None`: removed).
type Change = (String, Option<Vec<u8>>, Option<(Vec<u8>, i32)>);

/// A merge's view of the three trees.
struct TreesEnv<'r, 'f> {
    repo: &'r git2::Repository,
    /// Base, ours, theirs.
    trees: Vec<git2::Tree<'r>>,
    random: &'f mut dyn FnMut() -> u64,
}

impl merge::Env for TreesEnv<'_, '_> {
    fn exists(&self, path: &str) -> bool {
        self.trees
            .iter()
            .any(|t| t.get_path(Path::new(path)).is_ok())
    }

    fn theirs_files(&self, dir: &str) -> Vec<(String, Vec<u8>)> {
        let Some(theirs) = self.trees.get(2) else {
            return Vec::new();
        };
        let Ok(entry) = theirs.get_path(Path::new(dir)) else {
            return Vec::new();
        };
        let Ok(tree) = self.repo.find_tree(entry.id()) else {
            return Vec::new();
        };
        tree.iter()
            .filter(|e| is_file_mode(e.filemode()))
            .filter_map(|e| {
                let blob = self.repo.find_blob(e.id()).ok()?;
                Some((format!("{dir}/{}", e.name()?), blob.content().to_vec()))
            })
            .collect()
    }

    fn random(&mut self) -> u64 {
        (self.random)()
    }
}

fn is_file_mode(mode: i32) -> bool {
    mode == i32::from(FileMode::Blob) || mode == i32::from(FileMode::BlobExecutable)
}

impl Repo {
    /// HEAD's branch, `refs/heads/…`.
    pub fn branch_ref(&self) -> Result<String, StoreError> {
        let head = self.git.find_reference("HEAD")?;
        Ok(head
            .symbolic_target()
            .ok_or(StoreError::Detached)?
            .to_string())
    }

    /// The commit HEAD's branch points at (none on an unborn branch).
    pub fn head_id(&self) -> Result<Option<String>, StoreError> {
        Ok(self.head_commit()?.map(|c| c.id().to_string()))
    }

    fn config_str(&self, key: &str) -> Option<String> {
        self.git.config().ok()?.get_string(key).ok()
    }

    /// The branch's upstream (`branch.<name>.remote`/`.merge`), else `origin` and the
    /// same branch name.
    pub fn upstream(&self) -> Result<Upstream, StoreError> {
        let local = self.branch_ref()?;
        let name = local
            .strip_prefix("refs/heads/")
            .unwrap_or(&local)
            .to_string();
        let remote_cfg = self.config_str(&format!("branch.{name}.remote"));
        let merge_cfg = self.config_str(&format!("branch.{name}.merge"));
        let configured = remote_cfg.is_some() && merge_cfg.is_some();
        let remote = remote_cfg.unwrap_or_else(|| "origin".to_string());
        let branch = merge_cfg
            .as_deref()
            .map(|m| m.strip_prefix("refs/heads/").unwrap_or(m).to_string())
            .unwrap_or_else(|| name.clone());
        let url = match self.git.find_remote(&remote) {
            Ok(r) => r.url().unwrap_or("").to_string(),
            Err(_) => return Err(StoreError::NoRemote(remote)),
        };
        Ok(Upstream {
            tracking: format!("refs/remotes/{remote}/{branch}"),
            remote,
            url,
            branch,
            local,
            configured,
        })
    }

    /// Make the remote branch this branch's upstream (as `git push -u` does).
    pub fn set_upstream(&self, up: &Upstream) -> Result<(), StoreError> {
        let name = up.local.strip_prefix("refs/heads/").unwrap_or(&up.local);
        let mut cfg = self.git.config()?.open_level(git2::ConfigLevel::Local)?;
        cfg.set_str(&format!("branch.{name}.remote"), &up.remote)?;
        cfg.set_str(
            &format!("branch.{name}.merge"),
            &format!("refs/heads/{}", up.branch),
        )?;
        Ok(())
    }

    /// Tracked files whose work-tree or staged content differs from HEAD.
    pub fn uncommitted(&self) -> Result<Vec<String>, StoreError> {
        let mut opts = git2::StatusOptions::new();
        opts.include_untracked(false)
            .include_ignored(false)
            .exclude_submodules(true);
        let statuses = self.git.statuses(Some(&mut opts))?;
        let mut paths: Vec<String> = statuses
            .iter()
            .filter(|s| !s.status().is_empty() && s.status() != git2::Status::IGNORED)
            .filter_map(|s| s.path().map(str::to_string))
            .collect();
        paths.sort();
        paths.dedup();
        Ok(paths)
    }

    /// The commit a ref points at, if the ref exists.
    fn ref_id(&self, name: &str) -> Result<Option<Oid>, StoreError> {
        match self.git.refname_to_id(name) {
            Ok(oid) => Ok(Some(oid)),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// What the remote branch pointed at when last fetched.
    pub fn tracking_id(&self, up: &Upstream) -> Result<Option<String>, StoreError> {
        Ok(self.ref_id(&up.tracking)?.map(|o| o.to_string()))
    }

    /// Fetch the remote's branches; the remote branch's commit afterwards (`None`: the
    /// remote has no such branch yet).
    pub fn fetch(&self, up: &Upstream, how: &Transport) -> Result<Option<String>, StoreError> {
        let refspec = format!("+refs/heads/*:refs/remotes/{}/*", up.remote);
        match how {
            Transport::Git(program) => {
                let out = run_git(
                    program,
                    Some(&self.root),
                    &[
                        "fetch",
                        "--quiet",
                        "--no-tags",
                        "--prune",
                        &up.remote,
                        &refspec,
                    ],
                )?;
                if !out.ok {
                    return Err(StoreError::Remote {
                        context: format!("cannot fetch from {} ({})", up.remote, up.url),
                        message: out.stderr,
                    });
                }
            }
            Transport::Builtin => {
                let context = format!("cannot fetch from {} ({})", up.remote, up.url);
                let mut remote = self.git.find_remote(&up.remote)?;
                let mut opts = git2::FetchOptions::new();
                opts.remote_callbacks(callbacks(self.git.config().ok()))
                    .prune(git2::FetchPrune::On)
                    .download_tags(git2::AutotagOption::None);
                remote
                    .fetch(&[&refspec], Some(&mut opts), Some("tiketti: fetch"))
                    .map_err(git_err(context))?;
            }
        }
        self.tracking_id(up)
    }

    /// Commits reachable from `from` but not from `hide`.
    pub fn count_between(&self, from: &str, hide: Option<&str>) -> Result<usize, StoreError> {
        let mut walk = self.git.revwalk()?;
        walk.push(Oid::from_str(from)?)?;
        if let Some(h) = hide {
            walk.hide(Oid::from_str(h)?)?;
        }
        Ok(walk.count())
    }

    fn blob(
        &self,
        tree: &git2::Tree<'_>,
        path: &str,
    ) -> Result<Option<(Vec<u8>, i32)>, StoreError> {
        let Ok(entry) = tree.get_path(Path::new(path)) else {
            return Ok(None);
        };
        if !is_file_mode(entry.filemode()) {
            return Ok(None);
        }
        let blob = self.git.find_blob(entry.id())?;
        Ok(Some((blob.content().to_vec(), entry.filemode())))
    }

    /// Paths that differ between two trees, files only (no rename detection).
    fn changed_paths(
        &self,
        a: Option<&git2::Tree<'_>>,
        b: Option<&git2::Tree<'_>>,
    ) -> Result<Vec<String>, StoreError> {
        let diff = self.git.diff_tree_to_tree(a, b, None)?;
        let mut out = Vec::new();
        for d in diff.deltas() {
            for f in [d.old_file(), d.new_file()] {
                if let Some(p) = f.path().and_then(|p| p.to_str()) {
                    out.push(p.to_string());
                }
            }
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// For each ticket file in `paths`, the front-matter keys that commits between `base`
    /// and `tip` changed (a merge commit counts for what it changed against every parent).
    fn touched_keys(
        &self,
        tip: Oid,
        base: Oid,
        paths: &[&str],
    ) -> Result<HashMap<String, BTreeSet<String>>, StoreError> {
        let mut out: HashMap<String, BTreeSet<String>> = HashMap::new();
        if paths.is_empty() {
            return Ok(out);
        }
        let doc = |b: &Option<(Vec<u8>, i32)>| {
            b.as_ref()
                .and_then(|(b, _)| std::str::from_utf8(b).ok())
                .and_then(|s| Document::parse(s).ok())
        };
        let mut walk = self.git.revwalk()?;
        walk.push(tip)?;
        walk.hide(base)?;
        for oid in walk {
            let commit = self.git.find_commit(oid?)?;
            let tree = commit.tree()?;
            let parents = commit
                .parents()
                .map(|p| p.tree())
                .collect::<Result<Vec<_>, _>>()?;
            for path in paths {
                let new = self.blob(&tree, path)?;
                let mut olds = Vec::new();
                for p in &parents {
                    olds.push(self.blob(p, path)?);
                }
                let same = |o: &Option<(Vec<u8>, i32)>| {
                    o.as_ref().map(|x| &x.0) == new.as_ref().map(|x| &x.0)
                };
                if olds.iter().any(same) {
                    continue;
                }
                let Some(new_doc) = doc(&new) else { continue };
                let mut keys: Option<BTreeSet<String>> = None;
                for old in &olds {
                    let changed: BTreeSet<String> = match doc(old) {
                        Some(old_doc) => old_doc
                            .diff(&new_doc)
                            .into_iter()
                            .map(|(k, _, _)| k)
                            .collect(),
                        None => new_doc.keys().map(str::to_string).collect(),
                    };
                    keys = Some(match keys {
                        None => changed,
                        Some(k) => k.intersection(&changed).cloned().collect(),
                    });
                }
                out.entry(path.to_string())
                    .or_default()
                    .extend(keys.unwrap_or_default());
            }
        }
        Ok(out)
    }

    /// Work out how HEAD's branch comes to include `theirs`, building the merge commit
    /// (not yet on any branch) when both sides have new commits.
    #[allow(clippy::too_many_arguments)]
    pub fn plan_merge(
        &self,
        theirs: Option<&str>,
        label: &str,
        author: &Identity,
        actor: &str,
        now: DateTime<Utc>,
        random: &mut dyn FnMut() -> u64,
    ) -> Result<Plan, StoreError> {
        let Some(theirs) = theirs else {
            return Ok(Plan::UpToDate);
        };
        let theirs_oid = Oid::from_str(theirs)?;
        let Some(ours) = self.head_commit()? else {
            return Ok(Plan::FastForward {
                from: None,
                to: theirs.to_string(),
            });
        };
        let ours_oid = ours.id();
        if ours_oid == theirs_oid || self.git.graph_descendant_of(ours_oid, theirs_oid)? {
            return Ok(Plan::UpToDate);
        }
        if self.git.graph_descendant_of(theirs_oid, ours_oid)? {
            return Ok(Plan::FastForward {
                from: Some(ours_oid.to_string()),
                to: theirs.to_string(),
            });
        }
        let base_oid = match self.git.merge_base(ours_oid, theirs_oid) {
            Ok(b) => b,
            Err(e) if e.code() == ErrorCode::NotFound => {
                return Err(StoreError::Unrelated(label.to_string()));
            }
            Err(e) => return Err(e.into()),
        };
        let theirs_commit = self.git.find_commit(theirs_oid)?;
        let (bt, ot, tt) = (
            self.git.find_commit(base_oid)?.tree()?,
            ours.tree()?,
            theirs_commit.tree()?,
        );
        let mut paths = self.changed_paths(Some(&bt), Some(&ot))?;
        paths.extend(self.changed_paths(Some(&bt), Some(&tt))?);
        paths.sort();
        paths.dedup();
        let tickets: Vec<&str> = paths
            .iter()
            .map(String::as_str)
            .filter(|p| p.starts_with("tickets/") && p.ends_with("/ticket.md"))
            .collect();
        let mut touched_ours = self.touched_keys(ours_oid, base_oid, &tickets)?;
        let mut touched_theirs = self.touched_keys(theirs_oid, base_oid, &tickets)?;
        let mut input = BTreeMap::new();
        for p in &paths {
            let (b, o, t) = (self.blob(&bt, p)?, self.blob(&ot, p)?, self.blob(&tt, p)?);
            input.insert(
                p.clone(),
                Three {
                    base: b.map(|x| x.0),
                    ours: o.map(|x| x.0),
                    theirs: t.map(|x| x.0),
                    touched: Touched {
                        ours: touched_ours.remove(p).unwrap_or_default(),
                        theirs: touched_theirs.remove(p).unwrap_or_default(),
                    },
                },
            );
        }
        // The rules (statuses, reopen) come from the merged tiketti.yaml.
        let config_text = match input.get(config::FILE_NAME) {
            Some(three) => merge::merge_plain(config::FILE_NAME, three).0,
            None => self.blob(&tt, config::FILE_NAME)?.map(|x| x.0),
        };
        let config = config_text
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|t| Config::parse(&t).ok());
        let rules = Rules::new(config.as_ref(), actor, now);
        let mut env = TreesEnv {
            repo: &self.git,
            trees: vec![bt.clone(), ot.clone(), tt.clone()],
            random,
        };
        let outcome = merge::merge(input, &rules, &mut env);
        drop(env);

        let mut update = git2::build::TreeUpdateBuilder::new();
        for (path, content) in &outcome.files {
            let theirs_now = self.blob(&tt, path)?;
            match content {
                Some(bytes) => {
                    if theirs_now.as_ref().is_some_and(|(t, _)| t == bytes) {
                        continue;
                    }
                    let ours_now = self.blob(&ot, path)?;
                    let mode = match (&ours_now, &theirs_now) {
                        (Some((o, m)), _) if o == bytes => *m,
                        (_, Some((_, m))) => *m,
                        (Some((_, m)), None) => *m,
                        (None, None) => i32::from(FileMode::Blob),
                    };
                    let mode = if mode == i32::from(FileMode::BlobExecutable) {
                        FileMode::BlobExecutable
                    } else {
                        FileMode::Blob
                    };
                    let oid = self.git.blob(bytes)?;
                    update.upsert(path.as_str(), oid, mode);
                }
                None => {
                    if theirs_now.is_some() {
                        update.remove(path.as_str());
                    }
                }
            }
        }
        let tree_oid = update.create_updated(&self.git, &tt)?;
        let tree = self.git.find_tree(tree_oid)?;
        let report = MergeReport {
            collisions: outcome.collisions,
            paths: outcome.paths,
            reminted: outcome.reminted,
            reopened: outcome.reopened,
        };
        let message = merge_message(label, &report);
        let when = Time::new(now.timestamp(), 0);
        let sig = Signature::new(&author.name, &author.email, &when)?;
        let commit =
            self.git
                .commit(None, &sig, &sig, &message, &tree, &[&ours, &theirs_commit])?;
        Ok(Plan::Merge {
            from: ours_oid.to_string(),
            theirs: theirs.to_string(),
            commit: commit.to_string(),
            report,
        })
    }

    /// Move HEAD's branch to the plan's commit and bring the work tree and index along,
    /// for the changed paths only. Checks first that no changed path holds a hand edit
    /// (or an untracked file) and that the branch is where the plan started; a failure
    /// while writing files puts back what was written and the branch, so the clone is
    /// either as it was or at the new commit.
    pub fn apply(&self, lock: &Lock, plan: &Plan, message: &str) -> Result<(), StoreError> {
        let (from, to) = match plan {
            Plan::UpToDate => return Ok(()),
            Plan::FastForward { from, to } => (from.clone(), to.clone()),
            Plan::Merge { from, commit, .. } => (Some(from.clone()), commit.clone()),
        };
        let branch = self.branch_ref()?;
        if self.ref_id(&branch)?.map(|o| o.to_string()) != from {
            return Err(StoreError::Raced);
        }
        let to_oid = Oid::from_str(&to)?;
        let new_tree = self.git.find_commit(to_oid)?.tree()?;
        let old_tree = match &from {
            Some(f) => Some(self.git.find_commit(Oid::from_str(f)?)?.tree()?),
            None => None,
        };
        let paths = self.changed_paths(old_tree.as_ref(), Some(&new_tree))?;
        let mut changes: Vec<Change> = Vec::new();
        let mut blocked = Vec::new();
        for p in &paths {
            let old = match &old_tree {
                Some(t) => self.blob(t, p)?,
                None => None,
            };
            let new = self.blob(&new_tree, p)?;
            let full = self.path(p);
            let clean = if old.is_some() {
                match self.git.status_file(Path::new(p)) {
                    Ok(s) => s.is_empty(),
                    Err(_) => false,
                }
            } else {
                match std::fs::symlink_metadata(&full) {
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
                    // Already there with the very bytes the merge brings is no loss.
                    Ok(m) if m.is_file() => new
                        .as_ref()
                        .is_some_and(|(n, _)| std::fs::read(&full).ok().as_ref() == Some(n)),
                    _ => false,
                }
            };
            if !clean {
                blocked.push(p.clone());
            }
            changes.push((p.clone(), old.map(|x| x.0), new));
        }
        if !blocked.is_empty() {
            return Err(StoreError::WouldOverwrite(blocked));
        }
        let log = format!("tiketti: {message}");
        let moved = match &from {
            Some(f) => self
                .git
                .reference_matching(&branch, to_oid, true, Oid::from_str(f)?, &log),
            None => self.git.reference(&branch, to_oid, false, &log),
        };
        match moved {
            Ok(_) => {}
            Err(e) if matches!(e.code(), ErrorCode::Modified | ErrorCode::Exists) => {
                return Err(StoreError::Raced);
            }
            Err(e) => return Err(e.into()),
        }
        let mut done: Vec<&Change> = Vec::new();
        for change in &changes {
            if let Err(e) = self.write_one(change) {
                // Put back what was written, then the branch.
                let mut failed_back = Vec::new();
                for (p, old, _) in done.iter().rev() {
                    let back = (
                        p.clone(),
                        None,
                        old.clone().map(|o| (o, i32::from(FileMode::Blob))),
                    );
                    if self.write_one(&back).is_err() {
                        failed_back.push(p.clone());
                    }
                }
                let reverted = match &from {
                    Some(f) => self
                        .git
                        .reference_matching(
                            &branch,
                            Oid::from_str(f)?,
                            true,
                            to_oid,
                            "tiketti: sync undone",
                        )
                        .is_ok(),
                    None => self
                        .git
                        .find_reference(&branch)
                        .and_then(|mut r| r.delete())
                        .is_ok(),
                };
                return Err(if reverted && failed_back.is_empty() {
                    StoreError::Io {
                        context: format!(
                            "cannot write {} (nothing was changed; the sync was undone)",
                            change.0
                        ),
                        source: e,
                    }
                } else {
                    StoreError::Io {
                        context: format!(
                            "the branch moved to {to} but {} could not be written, and undoing it failed; run `git checkout -f HEAD` after freeing space",
                            change.0
                        ),
                        source: e,
                    }
                });
            }
            done.push(change);
        }
        let mut touched = Vec::with_capacity(changes.len());
        for (path, _, new) in &changes {
            touched.push(match new {
                Some((bytes, _)) => {
                    let blob = Oid::hash_object(git2::ObjectType::Blob, bytes)?;
                    gitindex::Change::Write {
                        path,
                        blob: super::oid_bytes(&blob),
                    }
                }
                None => gitindex::Change::Remove { path },
            });
        }
        self.update_index(&touched, lock).map_err(|e| StoreError::Io {
            context: format!(
                "the branch and work tree are at {to}, but the index could not be updated (run `git reset -q` when no git command is running)"
            ),
            source: std::io::Error::other(match e {
                StoreError::Index { source, .. } => source.to_string(),
                e => e.to_string(),
            }),
        })
    }

    /// Write (or, for `None`, remove) one work-tree file; folders a removal empties go.
    fn write_one(&self, (path, _, new): &Change) -> std::io::Result<()> {
        let full = self.path(path);
        match new {
            Some((bytes, mode)) => {
                fsutil::replace_atomic(&full, bytes)?;
                #[cfg(unix)]
                if *mode == i32::from(FileMode::BlobExecutable) {
                    use std::os::unix::fs::PermissionsExt;
                    let m = std::fs::metadata(&full)?.permissions().mode();
                    std::fs::set_permissions(&full, std::fs::Permissions::from_mode(m | 0o111))?;
                }
                #[cfg(not(unix))]
                let _ = mode;
                Ok(())
            }
            None => {
                match std::fs::remove_file(&full) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
                let mut dir = full.parent();
                while let Some(d) = dir {
                    if d == self.root || std::fs::remove_dir(d).is_err() {
                        break;
                    }
                    dir = d.parent();
                }
                Ok(())
            }
        }
    }

    /// Push `commit` to the remote branch. `Accepted` only when the remote reports the
    /// ref as updated (or already there).
    pub fn push(&self, up: &Upstream, commit: &str, how: &Transport) -> Result<Pushed, StoreError> {
        let dest = format!("refs/heads/{}", up.branch);
        let context = format!("cannot push to {} ({})", up.remote, up.url);
        let pushed = match how {
            Transport::Git(program) => {
                let spec = format!("{commit}:{dest}");
                let out = run_git(
                    program,
                    Some(&self.root),
                    &["push", "--porcelain", &up.remote, &spec],
                )?;
                // `<flag>\t<from>:<to>\t<summary>`; ' ' fast-forward, '*' new, '=' up to
                // date, '!' rejected.
                let line = out.stdout.lines().find(|l| {
                    l.split('\t')
                        .nth(1)
                        .is_some_and(|r| r.rsplit(':').next() == Some(dest.as_str()))
                });
                match line.and_then(|l| l.chars().next()) {
                    Some(' ' | '*' | '=' | '+') if out.ok => Pushed::Accepted,
                    Some('!') => Pushed::Rejected(
                        line.and_then(|l| l.split('\t').nth(2))
                            .unwrap_or("rejected")
                            .to_string(),
                    ),
                    _ => {
                        return Err(StoreError::Remote {
                            context,
                            message: if out.stderr.is_empty() {
                                "the remote did not confirm the update".to_string()
                            } else {
                                out.stderr
                            },
                        });
                    }
                }
            }
            Transport::Builtin => {
                let temp = "refs/tiketti/push";
                self.git
                    .reference(temp, Oid::from_str(commit)?, true, "tiketti: push")?;
                let mut status: Option<Result<(), String>> = None;
                let result = {
                    let mut cb = callbacks(self.git.config().ok());
                    cb.push_update_reference(|refname, st| {
                        if refname == dest {
                            status = Some(match st {
                                None => Ok(()),
                                Some(msg) => Err(msg.to_string()),
                            });
                        }
                        Ok(())
                    });
                    let mut opts = git2::PushOptions::new();
                    opts.remote_callbacks(cb);
                    let mut remote = self.git.find_remote(&up.remote)?;
                    remote.push(&[format!("{temp}:{dest}")], Some(&mut opts))
                };
                if let Ok(mut r) = self.git.find_reference(temp) {
                    let _ = r.delete();
                }
                match result {
                    Err(e) if e.code() == ErrorCode::NotFastForward => {
                        Pushed::Rejected(e.message().to_string())
                    }
                    Err(e) => return Err(git_err(context)(e)),
                    Ok(()) => match status {
                        Some(Ok(())) => Pushed::Accepted,
                        Some(Err(msg)) => Pushed::Rejected(msg),
                        None => {
                            return Err(StoreError::Remote {
                                context,
                                message: "the remote did not confirm the update".to_string(),
                            });
                        }
                    },
                }
            }
        };
        if pushed == Pushed::Accepted {
            // What the remote now holds, as `git push` records it.
            self.git.reference(
                &up.tracking,
                Oid::from_str(commit)?,
                true,
                "tiketti: pushed",
            )?;
        }
        Ok(pushed)
    }

    /// Clone `url` into `dir` (which must not exist or be empty).
    pub fn clone_from(url: &str, dir: &Path, how: &Transport) -> Result<PathBuf, StoreError> {
        let dir = super::absolute(dir)?;
        match how {
            Transport::Git(program) => {
                let target = dir.to_string_lossy();
                let out = run_git(program, None, &["clone", "--quiet", "--", url, &target])?;
                if !out.ok {
                    return Err(StoreError::Remote {
                        context: format!("cannot clone {url}"),
                        message: out.stderr,
                    });
                }
            }
            Transport::Builtin => {
                let mut opts = git2::FetchOptions::new();
                opts.remote_callbacks(callbacks(git2::Config::open_default().ok()));
                git2::build::RepoBuilder::new()
                    .fetch_options(opts)
                    .clone(url, &dir)
                    .map_err(git_err(format!("cannot clone {url}")))?;
            }
        }
        Ok(dir)
    }

    /// The clone-local merge driver for ticket.md (.gitattributes names it `tiketti`).
    pub fn merge_driver(&self) -> Option<String> {
        self.config_str("merge.tiketti.driver")
    }

    /// Set up this clone's .git/config: the merge driver; `git pull` merging rather than
    /// rebasing (a rebase swaps which side the driver keeps); and, unless the user chose,
    /// `index.skipHash` and `index.version` 4 (what git's `feature.manyFiles` sets): a
    /// helpdesk's index has an entry per event file, and hashing all of it again on every
    /// commit was a third of what a `note` cost at 100,000 tickets. Returns true when
    /// something changed.
    pub fn set_up_clone(&self, command: &str) -> Result<bool, StoreError> {
        let driver = format!("{command} merge-file %O %A %B %P");
        let mut changed = false;
        let mut cfg = self.git.config()?.open_level(git2::ConfigLevel::Local)?;
        if self.merge_driver().as_deref() != Some(driver.as_str()) {
            cfg.set_str("merge.tiketti.name", "tiketti: ticket.md field by field")?;
            cfg.set_str("merge.tiketti.driver", &driver)?;
            if cfg.get_string("pull.rebase").is_err() {
                cfg.set_str("pull.rebase", "false")?;
            }
            changed = true;
        }
        let all = self.git.config()?;
        if super::gitindex::skip_hash(&all).is_none() {
            cfg.set_bool("index.skipHash", true)?;
            changed = true;
        }
        // Each path stored as the change from the one before: a fifth smaller index at
        // 100,000 tickets, so less to write on every commit. The index there now is
        // converted once; git writes new ones so (both as with feature.manyFiles).
        if all.get_i32("index.version").is_err() && all.get_bool("feature.manyFiles").is_err() {
            cfg.set_i32("index.version", 4)?;
            let mut index = self.git.index()?;
            if index.version() < 4 && !index.is_empty() {
                index.set_version(4)?;
                index.write()?;
            }
            changed = true;
        }
        Ok(changed)
    }

    /// After a clone whose remote HEAD names no branch it has (a bare repository made by
    /// `git init --bare` names master; tiketti's branch is main), check out the remote's
    /// `main`, else `master`, else its only branch. Returns the branch checked out.
    pub fn adopt_remote_branch(&self, remote: &str) -> Result<Option<String>, StoreError> {
        if self.head_commit()?.is_some() {
            return Ok(None);
        }
        let prefix = format!("refs/remotes/{remote}/");
        let mut branches: Vec<(String, Oid)> = Vec::new();
        for r in self.git.references_glob(&format!("{prefix}*"))? {
            let r = r?;
            if let (Some(name), Some(oid)) = (r.name(), r.target())
                && let Some(b) = name.strip_prefix(&prefix)
                && b != "HEAD"
            {
                branches.push((b.to_string(), oid));
            }
        }
        let pick = ["main", "master"]
            .iter()
            .find_map(|want| branches.iter().find(|(b, _)| b == want))
            .or(if branches.len() == 1 {
                branches.first()
            } else {
                None
            });
        let Some((branch, oid)) = pick.cloned() else {
            return Ok(None);
        };
        let local = format!("refs/heads/{branch}");
        self.git.reference(&local, oid, false, "tiketti: clone")?;
        self.git.set_head(&local)?;
        let up = Upstream {
            remote: remote.to_string(),
            url: String::new(),
            branch: branch.clone(),
            local,
            tracking: format!("{prefix}{branch}"),
            configured: false,
        };
        self.set_upstream(&up)?;
        let mut co = git2::build::CheckoutBuilder::new();
        co.force();
        self.git.checkout_head(Some(&mut co))?;
        Ok(Some(branch))
    }
}

/// The merge commit's message: a subject, then what the merge had to decide.
fn merge_message(label: &str, r: &MergeReport) -> String {
    let mut m = format!("sync: merge {label}");
    let mut body = Vec::new();
    for c in &r.collisions {
        body.push(format!(
            "collision: {} {}: kept {}",
            c.ticket,
            c.record.field,
            c.record
                .kept
                .as_deref()
                .map_or("(not set)", |v| v.lines().next().unwrap_or(""))
        ));
    }
    for p in &r.paths {
        body.push(format!("collision: {}: {}", p.path, p.message));
    }
    for x in &r.reminted {
        body.push(format!("re-minted: {} -> {}", x.old, x.new));
    }
    for t in &r.reopened {
        body.push(format!("reopened: {t}"));
    }
    if !body.is_empty() {
        m.push_str("\n\n");
        m.push_str(&body.join("\n"));
        m.push('\n');
    }
    m
}
