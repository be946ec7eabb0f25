//! `tiketti merge-file BASE OURS THEIRS [PATH]`: the git merge driver for ticket.md
//! (.gitattributes `merge=tiketti`, set up in .git/config by `init` and `clone`), so a
//! plain `git merge` or `git pull` merges a ticket file as `tiketti sync` does.
//!
//! It sees one file, not the tree, so what needs the whole ticket folder is `sync`'s
//! alone: re-minting an ID clash, one message taken in twice, reopening on a customer's
//! reply, committing the collision event (written here beside the ticket for you to
//! `git add`). docs/sync.md lists the differences.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::ctx::Ctx;
use crate::error::UserError;
use crate::store::Repo;
use crate::ticket::merge;
use crate::ticket::{TicketId, format_time};

/// Merge three versions of a ticket file as `tiketti sync` does (git's merge driver).
///
/// git runs `tiketti merge-file %O %A %B %P` for every ticket.md both branches changed:
/// BASE is the common ancestor, OURS the current branch's version (the result replaces
/// it), THEIRS the other branch's, PATH the file's path in the repository. Fields merge one
/// by one; where both changed one field, THEIRS' value stays, the ticket is flagged in
/// `collisions:` and the other value goes into a collision event next to the ticket
/// (untracked: `git add` it). Exits 0 when merged, 1 when git must leave the file in
/// conflict (both sides created the file differently, or a version does not parse).
#[derive(Debug, clap::Args)]
pub struct MergeFileArgs {
    /// The common ancestor's version (%O; empty when both sides created the file)
    pub base: PathBuf,
    /// The current branch's version (%A); the result is written here
    pub ours: PathBuf,
    /// The other branch's version (%B)
    pub theirs: PathBuf,
    /// The file's path in the repository (%P), for messages and the collision event
    pub path: Option<String>,
}

/// The command git should run as the driver: `tiketti` when the `tiketti` on PATH is this
/// very program, else this program's full path (tests, a binary not on PATH).
pub fn driver_command() -> String {
    let me = std::env::current_exe().and_then(|p| p.canonicalize()).ok();
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("tiketti"))
            .find(|p| p.is_file())
            .and_then(|p| p.canonicalize().ok())
    });
    match me {
        Some(me) if on_path.as_ref() != Some(&me) => {
            let s = me.to_string_lossy().into_owned();
            format!("'{}'", s.replace('\'', r"'\''"))
        }
        _ => "tiketti".to_string(),
    }
}

fn read(path: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    String::from_utf8(bytes)
        .map_err(|_| UserError::new(format!("{} is not UTF-8 text", path.display())).into())
}

pub fn run(ctx: &Ctx, args: MergeFileArgs) -> anyhow::Result<()> {
    let name = args
        .path
        .clone()
        .unwrap_or_else(|| args.ours.display().to_string());
    let (base, ours, theirs) = (read(&args.base)?, read(&args.ours)?, read(&args.theirs)?);
    let conflict = |why: String| -> anyhow::Error {
        UserError::new(format!("{name}: {why}"))
            .hint("git leaves the file in conflict; `git merge --abort`, then `tiketti sync` merges it")
            .into()
    };
    if ours == theirs {
        return Ok(());
    }
    let base = (!base.is_empty()).then_some(base);
    // git hands over three files, not the history: a value one branch changed and
    // changed back looks untouched here (docs/sync.md).
    let merged = merge::merge_ticket(base.as_deref(), &ours, &theirs, &merge::Touched::default())
        .map_err(|e| {
        conflict(format!(
            "a version does not parse (line {}: {})",
            e.line, e.message
        ))
    })?;
    if base.is_none() && !merged.collisions.is_empty() {
        return Err(conflict(
            "both sides created this ticket with different values (an ID clash, or one message taken in on two clones)"
                .to_string(),
        ));
    }
    std::fs::write(&args.ours, merged.doc.render())
        .with_context(|| format!("cannot write {}", args.ours.display()))?;
    if merged.collisions.is_empty() {
        return Ok(());
    }
    // The collision events go beside the ticket in the work tree (git runs drivers at its
    // top), for the person merging to add to the merge commit.
    let id = merged
        .doc
        .get_str("id")
        .ok()
        .flatten()
        .and_then(|s| TicketId::parse(&s).ok());
    let dir = args
        .path
        .as_deref()
        .and_then(|p| Path::new(p).parent())
        .map(|d| d.join("events"));
    let author = actor_name(ctx);
    for c in &merged.collisions {
        let shown = c
            .kept
            .as_deref()
            .map_or("(not set)", |v| v.lines().next().unwrap_or(""));
        match (&id, &dir) {
            (Some(id), Some(dir)) => {
                let event = c.to_event(id, ctx.mint_event_id(), &author, ctx.now);
                let file = dir.join(event.file_name());
                std::fs::create_dir_all(dir)
                    .and_then(|()| std::fs::write(&file, event.render()))
                    .with_context(|| format!("cannot write {}", file.display()))?;
                eprintln!(
                    "tiketti: collision in {name}: {} kept {shown}; the other value is in {} (git add it)",
                    c.field,
                    file.display()
                );
            }
            _ => eprintln!(
                "tiketti: collision in {name}: {} kept {shown}; the other value was {} (at {})",
                c.field,
                c.ours.as_deref().unwrap_or("(not set)"),
                format_time(ctx.now)
            ),
        }
    }
    Ok(())
}

/// Who the collision event names: the agent when tiketti can tell, else the git user.
fn actor_name(ctx: &Ctx) -> String {
    let Ok(repo) = ctx.repo() else {
        return "git merge".to_string();
    };
    match repo.config().ok().map(|c| ctx.actor(&repo, &c)) {
        Some(Ok(actor)) => actor.id,
        _ => Repo::git_identity(&repo)
            .map(|i| if i.email.is_empty() { i.name } else { i.email })
            .unwrap_or_else(|| "git merge".to_string()),
    }
}
