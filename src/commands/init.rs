//! `tiketti init [DIR]`: a new helpdesk with a commented tiketti.yaml, .gitattributes,
//! a git repository if there is none, and a first commit.

use std::path::PathBuf;

use anyhow::Context as _;

use crate::config::{self, Config};
use crate::ctx::Ctx;
use crate::error::UserError;
use crate::store::{ChangeSet, Repo};

/// Create a helpdesk in DIR (default: the current directory).
///
/// Writes tiketti.yaml with commented defaults (statuses, categories, priorities, one
/// agent and group), .gitattributes and templates/acknowledgement.md, makes DIR a git
/// repository if it is not one, and commits them. An existing repository keeps its
/// history and other files. The clone's .git/config gets tiketti's merge driver for
/// ticket.md.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Where to create the helpdesk
    pub dir: Option<PathBuf>,
    /// The helpdesk's name, as customers will see it
    #[arg(long)]
    pub name: Option<String>,
}

pub const GITATTRIBUTES: &str = "\
# tiketti: keep customer files byte for byte, never convert line endings in tickets
tickets/** -text
tickets/*/*/raw/** binary
tickets/*/*/attachments/** binary
quarantine/** binary
tickets/*/*/ticket.md merge=tiketti
";

pub fn run(ctx: &Ctx, args: InitArgs) -> anyhow::Result<()> {
    let dir = match (&args.dir, &ctx.repo_arg) {
        (Some(d), _) | (None, Some(d)) => d.clone(),
        (None, None) => std::env::current_dir().context("cannot read the current directory")?,
    };
    if dir.join(config::FILE_NAME).exists() {
        return Err(UserError::new(format!(
            "{} is already a tiketti helpdesk ({} exists)",
            dir.display(),
            config::FILE_NAME
        ))
        .hint("`tiketti config check` validates it")
        .into());
    }
    let mut text = config::DEFAULT_TEXT.to_string();
    if let Some(name) = &args.name {
        text = text.replacen(
            "  name: Example Helpdesk",
            &format!("  name: {}", crate::yaml::quote(name, false)),
            1,
        );
    }
    Config::parse(&text)?;
    let created_dir = !dir.exists();
    let (repo, fresh) = Repo::init_git(&dir)?;
    let lock = repo.lock(ctx.lock_timeout)?;
    let mut changes = ChangeSet::default();
    changes.write(config::FILE_NAME, text);
    if !repo.path("templates/acknowledgement.md").exists() {
        changes.write(
            "templates/acknowledgement.md",
            crate::template::ACKNOWLEDGEMENT,
        );
    }
    let attributes = repo.path(".gitattributes");
    let existing = std::fs::read_to_string(&attributes).unwrap_or_default();
    if !existing.contains("merge=tiketti") {
        let sep = if existing.is_empty() || existing.ends_with('\n') {
            ""
        } else {
            "\n"
        };
        changes.write(".gitattributes", format!("{existing}{sep}{GITATTRIBUTES}"));
    }
    let identity = ctx.fallback_identity(&repo);
    let name = args.name.as_deref().unwrap_or("Example Helpdesk");
    if let Err(e) = repo.commit(
        &lock,
        &changes,
        &format!("init: {name}"),
        &identity,
        ctx.now,
    ) {
        drop(lock);
        if fresh {
            // Leave the directory as it was: no half-made repository.
            let _ = std::fs::remove_dir_all(repo.root().join(".git"));
            if created_dir {
                let _ = std::fs::remove_dir(repo.root());
            }
        }
        return Err(e.into());
    }
    // The merge driver lives in the clone's own .git/config, never in the repository.
    if let Err(e) = repo.set_up_clone(&crate::commands::merge_file::driver_command()) {
        eprintln!("warning: could not set up .git/config: {e}");
    }
    eprintln!(
        "Created helpdesk {name:?} in {}{}",
        repo.root().display(),
        if fresh { " (new git repository)" } else { "" }
    );
    eprintln!("Next: edit tiketti.yaml (agents, groups), then `tiketti new --subject …`");
    Ok(())
}
