//! `tiketti assign ID AGENT|--me|--none [--group G]`: put a ticket in an agent's queue.

use crate::commands::{Session, resolve_agent, say};
use crate::ctx::Ctx;
use crate::error::UserError;

/// Give a ticket to an agent (and optionally a group), or take it off everyone's queue.
#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("who").args(["agent", "me", "none"]).multiple(false))]
pub struct AssignArgs {
    /// The ticket ID or a unique prefix of 4+ characters
    pub id: String,
    /// An agent id or e-mail address (tiketti.yaml `agents`)
    pub agent: Option<String>,
    /// Assign it to yourself
    #[arg(long)]
    pub me: bool,
    /// Assign it to nobody
    #[arg(long)]
    pub none: bool,
    /// Also move it to this group (`none` clears the group)
    #[arg(long)]
    pub group: Option<String>,
}

pub fn run(ctx: &Ctx, args: AssignArgs) -> anyhow::Result<()> {
    if args.agent.is_none() && !args.me && !args.none && args.group.is_none() {
        return Err(
            UserError::new("say who: an agent, --me or --none (or --group G)")
                .code(crate::error::exit::USAGE)
                .into(),
        );
    }
    let session = Session::begin(ctx)?;
    let mut ticket = session.ticket(&args.id)?;
    let who = if args.me {
        Some("me")
    } else if args.none {
        Some("none")
    } else {
        args.agent.as_deref()
    };
    let mut summary = Vec::new();
    if let Some(who) = who {
        let agent = resolve_agent(&session.config, &session.actor, who)?;
        if agent != ticket.assignee {
            summary.push(agent.clone().unwrap_or_else(|| "none".into()));
            ticket.set_str("assignee", agent.as_deref())?;
        }
    }
    if let Some(g) = &args.group {
        let group = if g == "none" {
            None
        } else {
            Some(
                session
                    .config
                    .known_group(g)
                    .map_err(UserError::from)?
                    .name
                    .clone(),
            )
        };
        if group != ticket.group {
            summary.push(format!("group {}", group.as_deref().unwrap_or("none")));
            ticket.set_str("group", group.as_deref())?;
        }
    }
    if summary.is_empty() {
        eprintln!("{}: nothing to change", ticket.id);
        return Ok(());
    }
    session.save(
        ctx,
        &ticket,
        &format!("assign: {} {}", ticket.id, summary.join(", ")),
    )?;
    say(&format!("{} assigned to {}", ticket.id, summary.join(", ")))
}
