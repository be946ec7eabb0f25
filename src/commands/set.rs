//! `tiketti set ID key=value… +tag -tag`: change a ticket's fields in one commit.

use crate::commands::new::{parse_due, split_assignment};
use crate::commands::{Session, all_problems, say};
use crate::ctx::Ctx;
use crate::error::UserError;
use crate::ticket::{Contact, RESERVED_KEYS, Ticket};

/// Fields `set` changes directly; anything else must be a custom field from tiketti.yaml.
pub const SETTABLE: &[&str] = &[
    "subject",
    "priority",
    "category",
    "due",
    "channel",
    "requester",
    "cc",
    "tags",
];

/// Change fields: priority, due, category, subject, channel, requester, cc, tags and custom
/// fields.
///
/// `key=value` sets, `key=` clears, `+tag` and `-tag` add and remove one tag, `tags=a,b`
/// replaces them all, `cc=+Name <email>` and `cc=-email` add and remove a participant.
/// Custom fields are set by name (`customer_number=C-1`) or as `fields.NAME=VALUE`.
/// Status and assignee have their own commands.
#[derive(Debug, clap::Args)]
pub struct SetArgs {
    /// The ticket ID or a unique prefix of 4+ characters
    pub id: String,
    /// key=value, +tag or -tag; repeat for more
    #[arg(required = true, allow_hyphen_values = true, value_name = "CHANGE")]
    pub changes: Vec<String>,
}

fn apply(
    session: &Session,
    ctx: &Ctx,
    ticket: &mut Ticket,
    change: &str,
) -> anyhow::Result<String> {
    let tag_of = |tag: &str| -> anyhow::Result<String> {
        match tag.trim() {
            "" => Err(UserError::new(format!("{change:?} names no tag"))
                .hint("write +TAG or -TAG, or `tags=` to remove every tag")
                .into()),
            t => {
                crate::ticket::check_tag(t).map_err(UserError::new)?;
                Ok(t.to_string())
            }
        }
    };
    if let Some(tag) = change.strip_prefix('+') {
        let tag = tag_of(tag)?;
        let mut tags = ticket.tags.clone();
        if !tags.contains(&tag) {
            tags.push(tag.clone());
        }
        ticket.set_list("tags", tags)?;
        return Ok(format!("+{tag}"));
    }
    if let Some(tag) = change.strip_prefix('-') {
        let tag = tag_of(tag)?;
        let tags = ticket.tags.iter().filter(|t| **t != tag).cloned().collect();
        ticket.set_list("tags", tags)?;
        return Ok(format!("-{tag}"));
    }
    let (key, value) = split_assignment(change)
        .map_err(|_| UserError::new(format!("{change:?} is not key=value, +tag or -tag")))?;
    let config = &session.config;
    let unknown = |e: crate::config::UnknownValue| -> anyhow::Error { UserError::from(e).into() };
    match key.as_str() {
        "subject" if value.is_empty() => {
            return Err(UserError::new("the subject cannot be empty").into());
        }
        "subject" if value.contains(['\n', '\r']) => {
            return Err(UserError::new("the subject must be one line").into());
        }
        "subject" => ticket.set_str("subject", Some(&value))?,
        "priority" => {
            if !value.is_empty() {
                config.known_priority(&value).map_err(unknown)?;
            }
            ticket.set_str("priority", Some(&value))?;
        }
        "category" => {
            if !value.is_empty() {
                config.known_category(&value).map_err(unknown)?;
            }
            ticket.set_str("category", Some(&value))?;
        }
        "channel" => {
            if !value.is_empty() {
                config.known_channel(&value).map_err(unknown)?;
            }
            ticket.set_str("channel", Some(&value))?;
        }
        "due" if value.is_empty() => ticket.set_str("due", None)?,
        "due" => ticket.set_str("due", Some(&parse_due(&value, ctx.now)?.to_text()))?,
        "requester" if value.is_empty() => ticket.set_str("requester", None)?,
        "requester" => {
            let c = Contact::parse(&value)
                .map_err(|why| UserError::new(format!("requester {value:?}: {why}")))?;
            ticket.set_str("requester", Some(&c.to_text()))?;
        }
        "tags" => {
            let mut tags: Vec<String> = Vec::new();
            for t in value.split(',').map(str::trim).filter(|t| !t.is_empty()) {
                crate::ticket::check_tag(t).map_err(UserError::new)?;
                if !tags.iter().any(|x| x == t) {
                    tags.push(t.to_string());
                }
            }
            ticket.set_list("tags", tags)?;
        }
        "cc" => {
            let mut cc = ticket.cc.clone();
            let same = |a: &str, b: &Contact| Contact::parse(a).is_ok_and(|a| a.same_person(b));
            if let Some(gone) = value.strip_prefix('-') {
                let gone = Contact::parse(gone)
                    .map_err(|why| UserError::new(format!("cc {gone:?}: {why}")))?;
                cc.retain(|c| !same(c, &gone));
            } else if value.is_empty() {
                cc.clear();
            } else {
                let add = value.strip_prefix('+').unwrap_or(&value);
                let c = Contact::parse(add)
                    .map_err(|why| UserError::new(format!("cc {add:?}: {why}")))?;
                if value.starts_with('+') {
                    if !cc.iter().any(|x| same(x, &c)) {
                        cc.push(c.to_text());
                    }
                } else {
                    cc = vec![c.to_text()];
                }
            }
            ticket.set_list("cc", cc)?;
        }
        k if RESERVED_KEYS.contains(&k) => {
            let hint = match k {
                "status" => "use `tiketti status ID STATUS` (or solve, close, reopen)",
                "assignee" | "group" => "use `tiketti assign ID AGENT --group GROUP`",
                _ => "this field is managed by tiketti",
            };
            return Err(UserError::new(format!("`{k}` cannot be changed with set"))
                .hint(hint)
                .into());
        }
        k => {
            let name = k.strip_prefix("fields.").unwrap_or(k);
            let def = config.known_field(name).map_err(|e| {
                UserError::new(format!("unknown field {k:?}")).hint(format!(
                    "fields are {}, and the custom fields {} (tiketti.yaml)",
                    SETTABLE.join(", "),
                    e.valid.join(", ")
                ))
            })?;
            def.check_value(&value).map_err(UserError::new)?;
            ticket.set_field(name, &value)?;
        }
    }
    Ok(format!("{key}={value}"))
}

pub fn run(ctx: &Ctx, args: SetArgs) -> anyhow::Result<()> {
    let session = Session::begin(ctx)?;
    let mut ticket = session.ticket(&args.id)?;
    let before = ticket.render();
    let problems_before: Vec<String> = all_problems(&session.config, &ticket)
        .into_iter()
        .map(|p| p.message)
        .collect();
    let mut summary = Vec::new();
    for change in &args.changes {
        summary.push(apply(&session, ctx, &mut ticket, change)?);
    }
    // Refuse only what this command made wrong (a missing required field, say); a problem
    // the ticket already had is for `check` to report.
    if let Some(p) = all_problems(&session.config, &ticket)
        .into_iter()
        .find(|p| !problems_before.contains(&p.message))
    {
        return Err(p.into_error().into());
    }
    if ticket.render() == before {
        eprintln!("{}: nothing to change", ticket.id);
        return Ok(());
    }
    session.save(
        ctx,
        &ticket,
        &format!("set: {} {}", ticket.id, summary.join(" ")),
    )?;
    say(&format!("{} {}", ticket.id, summary.join(" ")))
}
