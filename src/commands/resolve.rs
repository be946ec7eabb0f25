//! `tiketti resolve ID [FIELD] --ours|--theirs|--set FIELD=VALUE`: settle a collision a
//! sync recorded (docs/sync.md). One commit: the field's value, the flag taken off
//! `collisions:`, and a `resolution` event naming the collision events it settles.

use clap::ArgGroup;

use crate::commands::new::split_assignment;
use crate::commands::{Session, all_problems, say};
use crate::ctx::Ctx;
use crate::error::UserError;
use crate::store::{ChangeSet, Repo};
use crate::ticket::merge::{self, Choice, Unsettled};
use crate::ticket::{Event, Ticket};

/// Settle a collision that `tiketti sync` recorded on a ticket.
///
/// FIELD is one of the fields listed in the ticket's `collisions:` (it may be left out when
/// there is only one). --ours takes the value that was not kept (the one from the clone
/// that merged), --theirs confirms the value that was kept (the one already pushed),
/// --set FIELD=VALUE sets another value. The collision event stays as history; a
/// resolution event records the choice.
#[derive(Debug, clap::Args)]
#[command(group(ArgGroup::new("choice").required(true).args(["ours", "theirs", "set"])))]
pub struct ResolveArgs {
    /// The ticket ID or a unique prefix of 4+ characters
    pub id: String,
    /// The field in collision: status, assignee, fields.NAME, description, ticket, …
    pub field: Option<String>,
    /// Take the value that was not kept
    #[arg(long)]
    pub ours: bool,
    /// Keep the value that was already pushed
    #[arg(long)]
    pub theirs: bool,
    /// Set the field to another value (an empty VALUE clears it)
    #[arg(long, value_name = "FIELD=VALUE")]
    pub set: Option<String>,
}

/// Which collision the user means, or why that is not clear.
fn pick_field(
    ticket: &Ticket,
    open: &[Unsettled],
    asked: Option<String>,
) -> anyhow::Result<String> {
    let mut known: Vec<String> = ticket.collisions.clone();
    for u in open {
        if !known.contains(&u.record.field) {
            known.push(u.record.field.clone());
        }
    }
    let listed = || {
        if known.is_empty() {
            "it has none".to_string()
        } else {
            format!("it has {}", known.join(", "))
        }
    };
    match asked {
        Some(f) if known.contains(&f) => Ok(f),
        Some(f) => Err(UserError::new(format!(
            "ticket {} has no collision on {f}; {}",
            ticket.id,
            listed()
        ))
        .hint("`tiketti list --collisions` lists the tickets with collisions")
        .into()),
        None if known.len() == 1 => Ok(known.remove(0)),
        None if known.is_empty() => Err(UserError::new(format!(
            "ticket {} has no collision to settle",
            ticket.id
        ))
        .hint("`tiketti list --collisions` lists the tickets with collisions")
        .into()),
        None => Err(UserError::new(format!(
            "ticket {} has collisions on {}; name the one to settle",
            ticket.id,
            known.join(", ")
        ))
        .hint(format!(
            "tiketti resolve {} {} --ours|--theirs|--set {}=VALUE",
            ticket.id, known[0], known[0]
        ))
        .code(crate::error::exit::USAGE)
        .into()),
    }
}

pub fn run(ctx: &Ctx, args: ResolveArgs) -> anyhow::Result<()> {
    let session = Session::begin(ctx)?;
    let id = session.resolve(&args.id)?;
    let mut ticket = session.repo.read_ticket(&id)?;
    let events: Vec<(String, Event)> = session
        .repo
        .read_events(&id)?
        .into_iter()
        .filter_map(|(f, e)| Some((f, e.ok()?)))
        .collect();
    let open = merge::unsettled(events.iter().map(|(f, e)| (f.as_str(), e)));

    let (choice, set) = match (&args.set, args.ours) {
        (Some(kv), _) => {
            let (k, v) = split_assignment(kv).map_err(|_| {
                UserError::new(format!("--set {kv:?} is not FIELD=VALUE"))
                    .code(crate::error::exit::USAGE)
            })?;
            if args.field.as_ref().is_some_and(|f| f != &k) {
                return Err(UserError::new(format!(
                    "FIELD is {} but --set names {k}",
                    args.field.as_deref().unwrap_or_default()
                ))
                .code(crate::error::exit::USAGE)
                .into());
            }
            (Choice::Set, Some((k, v)))
        }
        (None, true) => (Choice::Ours, None),
        (None, false) => (Choice::Theirs, None),
    };
    let asked = args
        .field
        .clone()
        .or_else(|| set.as_ref().map(|(k, _)| k.clone()));
    let field = pick_field(&ticket, &open, asked)?;
    let records: Vec<&Unsettled> = open.iter().filter(|u| u.record.field == field).collect();
    let value: Option<String> = match (&set, records.last()) {
        (Some((_, v)), _) => (!v.is_empty()).then(|| v.clone()),
        (None, Some(latest)) if choice == Choice::Ours => latest.record.ours.clone(),
        (None, Some(latest)) => latest.record.theirs.clone(),
        (None, None) => {
            return Err(UserError::new(format!(
                "no unsettled collision event on ticket {id} records the values of {field}"
            ))
            .hint(format!(
                "set the value yourself: tiketti resolve {id} {field} --set {field}=VALUE"
            ))
            .into());
        }
    };

    let mut changes = ChangeSet::default();
    let problems_before: Vec<String> = all_problems(&session.config, &ticket)
        .into_iter()
        .map(|p| p.message)
        .collect();
    let deleting = field == merge::TICKET && value.as_deref() == Some(merge::DELETED);
    match field.as_str() {
        merge::TICKET => {}
        merge::DESCRIPTION => ticket.update(|d| d.body = value.clone().unwrap_or_default())?,
        f if f.starts_with("fields.") => {
            let name = &f["fields.".len()..];
            if let Some(v) = &value {
                let def = session.config.known_field(name).map_err(UserError::from)?;
                def.check_value(v).map_err(UserError::new)?;
            }
            ticket.set_field(name, value.as_deref().unwrap_or_default())?;
        }
        "id" | "created" | merge::FLAG_KEY => {
            return Err(UserError::new(format!("{field} cannot be set by resolve"))
                .hint("edit the file with `tiketti edit`")
                .into());
        }
        f => ticket.set_str(f, value.as_deref())?,
    }
    ticket.update(|d| {
        merge::unflag(d, &field);
    })?;
    if deleting {
        // The deletion wins: the whole ticket folder goes, in this one commit.
        for path in files_under(&session.repo, &id.dir())? {
            changes.remove(path);
        }
    } else {
        if let Some(p) = all_problems(&session.config, &ticket)
            .into_iter()
            .find(|p| !problems_before.contains(&p.message))
        {
            return Err(p.into_error().into());
        }
        let event = merge::resolution_event(
            &field,
            choice,
            value.as_deref(),
            records.iter().map(|u| u.event.clone()).collect(),
            ctx.mint_event_id(),
            &session.actor.id,
            ctx.now,
        );
        changes.write(Repo::ticket_path(&id), ticket.render());
        changes.write(
            format!("{}/events/{}", id.dir(), event.file_name()),
            event.render(),
        );
    }
    let shown = if deleting {
        "deleted".to_string()
    } else {
        value.clone().map_or("(not set)".to_string(), |v| {
            let first = v.lines().next().unwrap_or("").to_string();
            if v.trim_end().contains('\n') {
                format!("{first} …")
            } else {
                first
            }
        })
    };
    session.commit(
        ctx,
        &changes,
        &format!(
            "resolve: {id} {field} {} {}",
            choice.as_str(),
            crate::render::truncate(&shown, 60)
        ),
    )?;
    say(&format!("{id} {field} = {shown} ({})", choice.as_str()))
}

/// Every file in the ticket's folder in the work tree, relative to the root.
fn files_under(repo: &Repo, dir: &str) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_string()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(repo.path(&d))? {
            let entry = entry?;
            let rel = format!("{d}/{}", entry.file_name().to_string_lossy());
            if entry.file_type()?.is_dir() {
                stack.push(rel);
            } else {
                out.push(rel);
            }
        }
    }
    out.sort();
    Ok(out)
}
