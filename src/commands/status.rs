//! `tiketti status ID STATUS` and the shortcuts `solve`, `close`, `reopen`: move a ticket
//! along the workflow, checked against the transitions in tiketti.yaml.

use crate::commands::{Session, say};
use crate::ctx::Ctx;
use crate::error::UserError;

/// Move a ticket to another status (allowed moves are in tiketti.yaml `statuses[].to`).
#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// The ticket ID or a unique prefix of 4+ characters
    pub id: String,
    /// The new status
    pub status: String,
    #[command(flatten)]
    pub force: Force,
}

/// The ticket to move.
#[derive(Debug, clap::Args)]
pub struct ShortcutArgs {
    /// The ticket ID or a unique prefix of 4+ characters
    pub id: String,
    #[command(flatten)]
    pub force: Force,
}

#[derive(Debug, Clone, Default, clap::Args)]
pub struct Force {
    /// Solve or close a parent although a child ticket is open; the reason is recorded
    /// in a note
    #[arg(
        long,
        value_name = "REASON",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = ""
    )]
    pub force: Option<String>,
}

#[derive(Debug, Clone, Copy)]
pub enum Shortcut {
    Solve,
    Close,
    Reopen,
}

pub fn run(ctx: &Ctx, args: StatusArgs) -> anyhow::Result<()> {
    move_to(
        ctx,
        &args.id,
        |_, _| Ok(args.status.clone()),
        "status",
        args.force.force.as_deref(),
    )
}

pub fn shortcut(ctx: &Ctx, args: ShortcutArgs, which: Shortcut) -> anyhow::Result<()> {
    let command = match which {
        Shortcut::Solve => "solve",
        Shortcut::Close => "close",
        Shortcut::Reopen => "reopen",
    };
    move_to(
        ctx,
        &args.id,
        |config, current| {
            let target = match which {
                Shortcut::Solve => config.solve_status(),
                Shortcut::Close => config.close_status(),
                Shortcut::Reopen => {
                    if config.is_open(current) {
                        return Err(UserError::new(format!(
                            "the ticket is {current}, not solved or closed; nothing to reopen"
                        )));
                    }
                    config.reopen_status()
                }
            };
            target.ok_or_else(|| {
                UserError::new(format!("no status for `{command}` is configured"))
                    .hint(format!("set defaults.{command} in tiketti.yaml"))
            })
        },
        command,
        args.force.force.as_deref(),
    )
}

fn move_to(
    ctx: &Ctx,
    id: &str,
    target: impl FnOnce(&crate::config::Config, &str) -> Result<String, UserError>,
    command: &str,
    force: Option<&str>,
) -> anyhow::Result<()> {
    let session = Session::begin(ctx)?;
    let mut ticket = session.ticket(id)?;
    let to = target(&session.config, &ticket.status)?;
    let from = ticket.status.clone();
    if from == to {
        session.config.known_status(&to).map_err(UserError::from)?;
        eprintln!("{}: already {to}", ticket.id);
        return Ok(());
    }
    check_move(&session.config, &ticket, &to)?;
    let forced = crate::commands::links::guard_children(
        &session.repo,
        None,
        &session.config,
        &ticket,
        &to,
        force,
        ctx,
        &session.actor.id,
    )?;
    ticket.set_str("status", Some(&to))?;
    let mut changes = crate::store::ChangeSet::default();
    changes.write(crate::store::Repo::ticket_path(&ticket.id), ticket.render());
    let mut message = format!("{command}: {} {from} -> {to}", ticket.id);
    if let Some(note) = forced {
        changes.write(
            format!("{}/events/{}", ticket.id.dir(), note.file_name()),
            note.render(),
        );
        message.push_str(" (forced with open children)");
    }
    session.commit(ctx, &changes, &message)?;
    say(&format!("{} {from} -> {to}", ticket.id))
}

/// May `ticket` move to status `to` now: a known status, an allowed transition, and a
/// complete form before it is solved or closed.
pub fn check_move(
    config: &crate::config::Config,
    ticket: &crate::ticket::Ticket,
    to: &str,
) -> Result<(), UserError> {
    config.known_status(to).map_err(UserError::from)?;
    config.check_transition(&ticket.status, to).map_err(|why| {
        UserError::new(why).hint("`tiketti config get statuses` shows the workflow")
    })?;
    if !config.is_open(to)
        && let Some(p) = crate::commands::missing_required(config, ticket)
            .into_iter()
            .next()
    {
        return Err(
            UserError::new(format!("{}: cannot move to {to}: {}", ticket.id, p.message))
                .hint(p.hint.unwrap_or_default()),
        );
    }
    Ok(())
}
