//! `tiketti sync`: meet the other clones on the git remote (DESIGN.md §7, docs/sync.md).
//!
//! Under the clone's lock: refuse when tracked files have uncommitted changes, fetch,
//! merge (a fast-forward, or tiketti's own merge as a commit built in memory), move the
//! branch and the changed work-tree files, push; when the push is refused because
//! someone pushed meanwhile, fetch and merge again (a few times, with a random pause).
//! After the lock: [`after_push`]. Exit 3 when the merge recorded collisions.

use std::io::Write;
use std::time::Duration;

use serde::Serialize;

use crate::commands::Session;
use crate::commands::ingest::{self, Outcome, TimeSource};
use crate::commands::merge_file::driver_command;
use crate::ctx::Ctx;
use crate::error::{UserError, exit};
use crate::render::{self, ViewFormat};
use crate::store::sync::{Plan, Pushed, Transport};
use crate::store::{Lock, Repo};
use crate::ticket::TicketId;

/// How often a sync fetches, merges and pushes again when the remote moved meanwhile.
const ATTEMPTS: usize = 5;

/// Exchange changes with the other agents' clones through the git remote.
///
/// Fetches what the others pushed, merges it ticket by ticket and field by field, and
/// pushes the result; when someone pushed meanwhile, it fetches and merges again. Where
/// two clones changed the same field differently, the value already pushed stays and the
/// other is kept in a collision event on the ticket: the sync then exits 3, `tiketti list
/// --collisions` finds such tickets and `tiketti resolve` settles them (a new ticket of
/// yours that had to take another ID because someone pushed one with its ID also exits 3).
/// Tracked files with uncommitted changes stop the sync before anything changes. After a
/// successful push, mail waiting in the spool is taken in.
#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    /// table (a summary on standard error) or json (on standard output)
    #[arg(long, value_enum, default_value = "table")]
    pub format: ViewFormat,
}

#[derive(Debug, Clone, Serialize)]
pub struct CollisionView {
    pub ticket: String,
    pub field: String,
    pub kept: Option<String>,
    /// The value not kept (the one this clone had).
    pub ours: Option<String>,
    /// The value already pushed.
    pub theirs: Option<String>,
    pub base: Option<String>,
    pub reason: Option<String>,
    /// The collision event file.
    pub event: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileCollisionView {
    pub path: String,
    pub message: String,
    /// The local commit that still holds this clone's version of the file.
    pub ours_commit: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RemintView {
    pub old: String,
    pub new: String,
}

#[derive(Debug, Default, Serialize)]
pub struct SyncView {
    pub remote: String,
    pub branch: String,
    /// `git` (the git command) or `builtin` (git2's transports).
    pub transport: &'static str,
    /// Commits fetched that this clone did not have.
    pub fetched: usize,
    /// `none`, `fast-forward` or `merge` (the last one, when the sync had to retry).
    pub merge: &'static str,
    /// Merge commits made.
    pub merges: usize,
    /// The branch's commit after the sync.
    pub commit: Option<String>,
    /// Commits the remote received.
    pub pushed: usize,
    /// True when the remote now holds everything this clone has.
    pub in_sync: bool,
    /// Fetch-merge-push rounds (more than 1 when someone pushed meanwhile).
    pub attempts: usize,
    pub collisions: Vec<CollisionView>,
    pub file_collisions: Vec<FileCollisionView>,
    pub reminted: Vec<RemintView>,
    pub reopened: Vec<String>,
    /// What the outbox sent after the push (the summary line), if it had anything.
    pub outbox: Option<String>,
    /// What the spool held, taken in after the push.
    pub spool: Vec<ingest::MessageResult>,
    pub warnings: Vec<String>,
}

impl SyncView {
    /// Places where two clones disagreed (DESIGN.md §7 counts an ID clash among them).
    fn collision_count(&self) -> usize {
        self.collisions.len() + self.file_collisions.len() + self.reminted.len()
    }
}

/// A pause before trying again: longer each round, and random so that two clones racing
/// each other do not stay in step.
fn backoff(ctx: &Ctx, attempt: usize) -> Duration {
    let base = 100 * attempt as u64;
    Duration::from_millis(base + ctx.random_u64() % 250)
}

pub fn run(ctx: &Ctx, args: SyncArgs) -> anyhow::Result<i32> {
    let transport = Transport::detect(ctx.git_program.as_deref());
    let mut view = SyncView {
        transport: match transport {
            Transport::Git(_) => "git",
            Transport::Builtin => "builtin",
        },
        merge: "none",
        ..SyncView::default()
    };
    {
        // A broken tiketti.yaml must not stop the sync that may bring its fix.
        let session = Session::begin_unchecked(ctx)?;
        exchange(ctx, &session, &transport, &mut view)?;
    }
    if view.in_sync {
        after_push(ctx, &mut view);
    }
    print(&view, args.format)?;
    Ok(if view.collision_count() > 0 {
        exit::COLLISIONS
    } else {
        exit::OK
    })
}

/// Fetch, merge, push, with the lock held.
fn exchange(
    ctx: &Ctx,
    session: &Session,
    transport: &Transport,
    view: &mut SyncView,
) -> anyhow::Result<()> {
    let repo = &session.repo;
    let up = repo.upstream()?;
    view.remote = up.remote.clone();
    view.branch = up.branch.clone();
    let label = format!("{}/{}", up.remote, up.branch);
    let dirty = repo.uncommitted()?;
    if !dirty.is_empty() {
        return Err(UserError::new(format!(
            "uncommitted changes in {}; nothing was synced",
            dirty.join(", ")
        ))
        .hint("commit them (`git commit -am \"…\"`) or undo them (`git checkout -- FILE`), then sync again")
        .into());
    }
    // Clones made with plain `git clone` get the merge driver here.
    if repo.merge_driver().is_none()
        && let Err(e) = repo.set_up_clone(&driver_command())
    {
        view.warnings
            .push(format!("could not set up .git/config: {e}"));
    }
    let mut refused: Option<(Option<String>, String)> = None;
    for attempt in 1..=ATTEMPTS {
        view.attempts = attempt;
        let head = repo.head_id()?;
        let theirs = repo.fetch(&up, transport)?;
        if let Some((before, why)) = &refused
            && before == &theirs
        {
            return Err(UserError::new(format!(
                "{label} refused the push: {why} (the merge is committed here; nothing was lost)"
            ))
            .hint("ask whoever runs the remote; `git push` shows its whole answer")
            .into());
        }
        if let Some(t) = &theirs {
            view.fetched += repo.count_between(t, head.as_deref())?;
        }
        let plan = repo.plan_merge(
            theirs.as_deref(),
            &label,
            &session.actor.identity,
            &session.actor.id,
            ctx.now,
            &mut || ctx.random_u64(),
        )?;
        let message = match &plan {
            Plan::Merge { .. } => format!("sync: merge {label}"),
            _ => format!("sync: fast-forward to {label}"),
        };
        repo.apply(session.lock(), &plan, &message)?;
        record(repo, session.lock(), &plan, view)?;
        let Some(now) = repo.head_id()? else {
            // Nothing here and nothing there.
            view.in_sync = true;
            return Ok(());
        };
        view.commit = Some(now.clone());
        if theirs.as_deref() == Some(now.as_str()) {
            view.in_sync = true;
            return Ok(());
        }
        let count = repo.count_between(&now, theirs.as_deref())?;
        match repo.push(&up, &now, transport)? {
            Pushed::Accepted => {
                view.pushed += count;
                view.in_sync = true;
                if !up.configured {
                    repo.set_upstream(&up)?;
                }
                return Ok(());
            }
            Pushed::Rejected(why) => {
                refused = Some((theirs, why));
                if attempt < ATTEMPTS {
                    std::thread::sleep(backoff(ctx, attempt));
                }
            }
        }
    }
    Err(UserError::new(format!(
        "{label} kept moving: others pushed during each of {ATTEMPTS} attempts (what was merged is committed here)"
    ))
    .hint("run `tiketti sync` again in a moment")
    .into())
}

/// Add what one round did to the view, and tell the other parts of tiketti about
/// re-minted tickets.
fn record(repo: &Repo, lock: &Lock, plan: &Plan, view: &mut SyncView) -> anyhow::Result<()> {
    match plan {
        Plan::UpToDate => {}
        Plan::FastForward { .. } => {
            if view.merge == "none" {
                view.merge = "fast-forward";
            }
        }
        Plan::Merge { from, report, .. } => {
            view.merge = "merge";
            view.merges += 1;
            for c in &report.collisions {
                view.collisions.push(CollisionView {
                    ticket: c.ticket.to_string(),
                    field: c.record.field.clone(),
                    kept: c.record.kept.clone(),
                    ours: c.record.ours.clone(),
                    theirs: c.record.theirs.clone(),
                    base: c.record.base.clone(),
                    reason: c.record.reason.clone(),
                    event: c.event.clone(),
                });
            }
            for p in &report.paths {
                view.file_collisions.push(FileCollisionView {
                    path: p.path.clone(),
                    message: p.message.clone(),
                    ours_commit: from.clone(),
                });
            }
            for r in &report.reminted {
                on_reminted(repo, lock, &r.old, &r.new)?;
                view.reminted.push(RemintView {
                    old: r.old.to_string(),
                    new: r.new.to_string(),
                });
            }
            view.reopened
                .extend(report.reopened.iter().map(|t| t.to_string()));
        }
    }
    Ok(())
}

/// A ticket this clone made was moved to a new ID by a merge (another clone had pushed a
/// different ticket with the same ID), with the lock held. Everything this clone keeps
/// about the ticket outside git must follow it: today the recovery files of a refused
/// `tiketti edit` (`.git/tiketti/edit/<ID>-<time>.md`; not `<ID>.md`, which an editor
/// may have open right now), and the outbox: a message queued under the old ID is
/// rewritten to the new one, as its event was, so nothing is sent under the old ID.
pub fn on_reminted(
    repo: &Repo,
    _lock: &Lock,
    old: &TicketId,
    new: &TicketId,
) -> anyhow::Result<()> {
    repo.outbox().remap(old.as_str(), new.as_str())?;
    let dir = repo.state_dir().join("edit");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(());
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if let Some(rest) = name.strip_prefix(old.as_str())
            && rest.starts_with('-')
            && rest.ends_with(".md")
        {
            let to = dir.join(format!("{new}{rest}"));
            std::fs::rename(e.path(), &to).map_err(|err| {
                anyhow::anyhow!(
                    "cannot rename {} to {}: {err}",
                    e.path().display(),
                    to.display()
                )
            })?;
        }
    }
    Ok(())
}

/// The remote holds everything this clone has; runs after the lock is released (take it
/// again to write). First the outbox is flushed: mail that waited for its ticket to be
/// pushed goes now (only pushed ticket IDs are mailed to customers). Then mail that
/// waited in the spool (a busy lock, a broken config) is taken in, so it is checked
/// against what the others pushed; its commits go out with the next sync.
pub fn after_push(ctx: &Ctx, view: &mut SyncView) {
    let flushed = ctx.repo().and_then(|repo| {
        let config = repo.config()?;
        crate::commands::outbox::flush(ctx, &repo, &config, None, None, false)
    });
    match flushed {
        Ok(done) => {
            for e in &done.failed {
                view.warnings.push(format!(
                    "{} to {} not sent: {}; `tiketti outbox flush` retries",
                    e.id,
                    e.to.join(", "),
                    e.error.as_deref().unwrap_or("")
                ));
            }
            if !(done.sent.is_empty() && done.failed.is_empty() && done.orphaned.is_empty()) {
                view.outbox = Some(done.summary());
            }
        }
        Err(e) => view.warnings.push(format!(
            "the outbox was not flushed: {e:#}; `tiketti outbox flush` retries"
        )),
    }
    match ingest::drain(ctx, TimeSource::Arrival, true) {
        Ok(results) => view.spool = results,
        Err(e) => view.warnings.push(format!(
            "the spool was not taken in: {e:#}; `tiketti ingest --drain` retries"
        )),
    }
}

fn plural(n: usize, one: &str) -> String {
    format!("{n} {one}{}", if n == 1 { "" } else { "s" })
}

fn short(v: &Option<String>) -> String {
    match v.as_deref() {
        None => "(not set)".to_string(),
        Some(s) if s.trim_end().contains('\n') => {
            format!("{:?} …", s.lines().next().unwrap_or(""))
        }
        Some(s) => format!("{s:?}"),
    }
}

fn print(view: &SyncView, format: ViewFormat) -> anyhow::Result<()> {
    if format == ViewFormat::Json {
        let mut out = std::io::stdout().lock();
        render::json(&mut out, "sync", view)?;
        return Ok(());
    }
    let label = format!("{}/{}", view.remote, view.branch);
    let mut err = std::io::stderr().lock();
    let mut line = |s: String| writeln!(err, "sync: {s}");
    if view.fetched > 0 {
        line(format!(
            "fetched {} from {label}",
            plural(view.fetched, "new commit")
        ))?;
    }
    match view.merge {
        "merge" => line(format!(
            "merged {label} into this clone{}",
            if view.merges > 1 {
                format!(" ({} times: others pushed meanwhile)", view.merges)
            } else {
                String::new()
            }
        ))?,
        "fast-forward" => line(format!("brought this clone up to {label}"))?,
        _ => {}
    }
    for c in &view.collisions {
        match &c.reason {
            Some(r) => line(format!("collision on {} {}: {r}", c.ticket, c.field))?,
            None => line(format!(
                "collision on {} {}: kept {} (already pushed); {} is in {}",
                c.ticket,
                c.field,
                short(&c.kept),
                short(&c.ours),
                c.event
            ))?,
        }
    }
    for f in &view.file_collisions {
        line(format!(
            "collision in {}: {}; this clone's version: `git show {}:{}`",
            f.path,
            f.message,
            &f.ours_commit[..f.ours_commit.len().min(12)],
            f.path
        ))?;
    }
    for r in &view.reminted {
        line(format!(
            "ticket {} is now {}: another clone had pushed a different ticket with that ID",
            r.old, r.new
        ))?;
    }
    if view.pushed > 0 {
        line(format!(
            "pushed {} to {label}",
            plural(view.pushed, "commit")
        ))?;
    } else if view.in_sync && view.fetched == 0 {
        line(format!("already in step with {label}"))?;
    }
    if let Some(summary) = &view.outbox {
        line(summary.clone())?;
    }
    let taken: Vec<&ingest::MessageResult> = view
        .spool
        .iter()
        .filter(|r| !matches!(r.outcome, Outcome::Failed))
        .collect();
    if !taken.is_empty() {
        line(format!(
            "took in {} from the spool; they go out with the next sync",
            plural(taken.len(), "waiting message")
        ))?;
    }
    for r in view
        .spool
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Failed))
    {
        line(format!(
            "warning: {} from the spool failed: {}",
            r.source,
            r.reason.as_deref().unwrap_or("")
        ))?;
    }
    for w in &view.warnings {
        line(format!("warning: {w}"))?;
    }
    let n = view.collisions.len() + view.file_collisions.len();
    if n > 0 {
        line(format!(
            "{} recorded: `tiketti list --collisions` lists the tickets, `tiketti resolve ID FIELD --ours|--theirs|--set FIELD=VALUE` settles one",
            plural(n, "collision")
        ))?;
    }
    Ok(())
}
