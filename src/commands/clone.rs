//! `tiketti clone URL [DIR]`: an agent's own copy of a helpdesk, set up for sync: the
//! merge driver for ticket.md in the clone's .git/config, and a check that the agent's
//! git identity is an agent of the helpdesk.

use std::path::{Path, PathBuf};

use crate::commands::merge_file::driver_command;
use crate::config;
use crate::ctx::Ctx;
use crate::error::UserError;
use crate::store::Repo;
use crate::store::sync::Transport;

/// Copy a helpdesk from its git remote and set the copy up for `tiketti sync`.
///
/// Clones URL (a path, ssh or https address; through the git command when it is installed)
/// into DIR, default the last part of URL without `.git`. Then sets up the merge driver
/// for ticket.md in the clone's .git/config, so plain `git pull` merges tickets as
/// `tiketti sync` does, and warns when your git identity is not an agent in tiketti.yaml.
#[derive(Debug, clap::Args)]
pub struct CloneArgs {
    /// Where the helpdesk is: a path, file://, ssh (host:path) or https address
    pub url: String,
    /// The directory to create (it may exist if empty)
    pub dir: Option<PathBuf>,
}

/// What `git clone` would call the directory: the last part of the URL without `.git`.
fn default_dir(url: &str) -> PathBuf {
    let trimmed = url.trim_end_matches(['/', '\\']);
    let last = trimmed.rsplit(['/', '\\', ':']).next().unwrap_or(trimmed);
    let last = last.strip_suffix(".git").unwrap_or(last);
    PathBuf::from(if last.is_empty() { "helpdesk" } else { last })
}

fn is_empty_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
}

pub fn run(ctx: &Ctx, args: CloneArgs) -> anyhow::Result<()> {
    let dir = args
        .dir
        .clone()
        .or_else(|| ctx.repo_arg.clone())
        .unwrap_or_else(|| default_dir(&args.url));
    let existed = dir.exists();
    if existed && !is_empty_dir(&dir) {
        return Err(
            UserError::new(format!("{} already exists and is not empty", dir.display()))
                .hint("name another directory: tiketti clone URL DIR")
                .into(),
        );
    }
    let transport = Transport::detect(ctx.git_program.as_deref());
    let root = Repo::clone_from(&args.url, &dir, &transport)?;
    if let Ok(repo) = Repo::open(&root) {
        repo.adopt_remote_branch("origin")?;
    }
    let undo = || {
        // Leave the directory as it was: gone, or empty.
        if existed {
            for e in std::fs::read_dir(&root).into_iter().flatten().flatten() {
                let p = e.path();
                let _ = if p.is_dir() {
                    std::fs::remove_dir_all(&p)
                } else {
                    std::fs::remove_file(&p)
                };
            }
        } else {
            let _ = std::fs::remove_dir_all(&root);
        }
    };
    if !root.join(config::FILE_NAME).is_file() {
        undo();
        return Err(UserError::new(format!(
            "{} is not a tiketti helpdesk: it has no {} at the top (nothing was kept)",
            args.url,
            config::FILE_NAME
        ))
        .hint(format!(
            "to start a helpdesk on an empty remote: `tiketti init DIR`, `git -C DIR remote add origin {}`, then `tiketti --repo DIR sync`",
            args.url
        ))
        .into());
    }
    let repo = match Repo::open(&root) {
        Ok(r) => r,
        Err(e) => {
            undo();
            return Err(e.into());
        }
    };
    if let Err(e) = repo.set_up_clone(&driver_command()) {
        undo();
        return Err(anyhow::Error::from(e).context("cannot set up the clone's .git/config"));
    }
    eprintln!("Cloned {} into {}", args.url, root.display());
    match repo.config() {
        Err(e) => eprintln!(
            "warning: its tiketti.yaml has problems: {e}; `tiketti config check` lists them"
        ),
        Ok(config) => {
            if let Some(warning) = identity_warning(ctx, &repo, &config) {
                eprintln!("warning: {warning}");
            }
        }
    }
    eprintln!(
        "Next: `cd {}`, then `tiketti list --open`; `tiketti sync` exchanges changes with the others",
        dir.display()
    );
    Ok(())
}

/// Commands record the acting agent; say so now when nobody would be recognised.
pub fn identity_warning(ctx: &Ctx, repo: &Repo, config: &config::Config) -> Option<String> {
    if let Ok(actor) = ctx.actor(repo, config)
        && config.agent(&actor.id).is_some()
    {
        return None;
    }
    let agents: Vec<String> = config
        .agents
        .iter()
        .map(|a| match &a.email {
            Some(e) => format!("{} <{e}>", a.id),
            None => a.id.clone(),
        })
        .collect();
    let listed = if agents.is_empty() {
        "it lists none".to_string()
    } else {
        format!("it lists {}", agents.join(", "))
    };
    let fix = "set `git config user.email` in the clone to your agent address, or TIKETTI_ACTOR to your agent id";
    let who = match (ctx.actor_env(), repo.git_identity()) {
        (Some(a), _) => format!("TIKETTI_ACTOR ({a})"),
        (None, Some(i)) if !i.email.is_empty() => format!("your git user.email ({})", i.email),
        (None, Some(i)) => format!("your git user.name ({})", i.name),
        (None, None) => {
            return Some(format!(
                "this clone cannot tell which agent you are: no git user.email and no TIKETTI_ACTOR ({listed}); {fix}"
            ));
        }
    };
    Some(format!(
        "{who} is not an agent in tiketti.yaml ({listed}); {fix}"
    ))
}

#[cfg(test)]
mod tests {
    use super::default_dir;
    use std::path::PathBuf;

    #[test]
    fn clone_dir_is_the_last_part_of_the_url() {
        for (url, dir) in [
            ("git@example.com:support/desk.git", "desk"),
            ("https://example.com/support/desk.git/", "desk"),
            ("/srv/git/helpdesk", "helpdesk"),
            ("file:///srv/git/helpdesk.git", "helpdesk"),
            ("host:desk", "desk"),
            ("/", "helpdesk"),
        ] {
            assert_eq!(default_dir(url), PathBuf::from(dir), "{url}");
        }
    }
}
