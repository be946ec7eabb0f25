//! `tiketti new`: a ticket from the command line for a phone call, chat, web form, social
//! media message or walk-in. Prints the new ID on stdout.

use chrono::{DateTime, Days, Duration, Utc};

use crate::commands::{Session, ensure_valid, resolve_agent, say};
use crate::ctx::Ctx;
use crate::error::UserError;
use crate::text::{TextArgs, tidy};
use crate::ticket::codec::{Document, FmValue};
use crate::ticket::{Contact, Due, TICKET_KEYS, Ticket, format_time};

/// Open a new ticket and print its ID.
///
/// The text (what the customer asked) comes from -m, -F FILE, standard input, or your
/// editor. Fields a category requires (tiketti.yaml `categories[].required`) must be given
/// with --field.
#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// One line that says what it is about
    #[arg(short, long)]
    pub subject: String,
    /// Who asked: "Name <email>", an e-mail address, or a name
    #[arg(short, long, value_name = "CONTACT")]
    pub requester: Option<String>,
    /// Where it came from: phone, chat, web, social, walk-in, email (tiketti.yaml `channels`)
    #[arg(long)]
    pub channel: Option<String>,
    /// The kind of request (tiketti.yaml `categories`)
    #[arg(long)]
    pub category: Option<String>,
    /// How urgent (tiketti.yaml `priorities`; default: defaults.priority)
    #[arg(long)]
    pub priority: Option<String>,
    /// A date (2026-11-30), a time (2026-11-30T15:00:00Z), today, tomorrow, or from now: 4h, 3d, 2w
    #[arg(long)]
    pub due: Option<String>,
    /// An agent id, `me`, or `none`
    #[arg(long)]
    pub assignee: Option<String>,
    /// The team that owns it (tiketti.yaml `groups`)
    #[arg(long)]
    pub group: Option<String>,
    /// A tag; repeat for more
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Another participant, "Name <email>"; repeat for more
    #[arg(long = "cc", value_name = "CONTACT")]
    pub cc: Vec<String>,
    /// A custom field; repeat for more
    #[arg(long = "field", value_name = "KEY=VALUE")]
    pub fields: Vec<String>,
    #[command(flatten)]
    pub text: TextArgs,
}

/// What a new ticket says; every value already checked for form (contacts, tags), not
/// yet against the config.
pub struct Spec {
    pub subject: String,
    pub text: String,
    pub requester: Option<String>,
    pub channel: Option<String>,
    pub category: Option<String>,
    pub priority: Option<String>,
    pub assignee: Option<String>,
    pub group: Option<String>,
    pub due: Option<Due>,
    pub cc: Vec<String>,
    pub tags: Vec<String>,
    pub fields: Vec<(String, String)>,
    pub parent: Option<String>,
    pub tracker: Option<String>,
}

/// A new ticket with a fresh ID, validated against the config (the category's form
/// included); not yet stored.
pub fn build(ctx: &Ctx, session: &Session, spec: Spec) -> anyhow::Result<Ticket> {
    let id = ctx.mint_ticket_id(&session.repo);
    // The front matter is written with `\n`; a CRLF body (a file from Windows) would make
    // the file mixed, and later edits would write `\r\n` lines into the front matter.
    let mut doc = Document::new(&tidy(&spec.text.replace("\r\n", "\n")));
    let mut put = |key: &str, value: Option<String>| {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            doc.set(key, FmValue::Str(v), TICKET_KEYS);
        }
    };
    put("id", Some(id.to_string()));
    put("subject", Some(spec.subject));
    put("status", Some(session.config.initial_status()));
    put("priority", spec.priority);
    put("category", spec.category);
    put("assignee", spec.assignee);
    put("group", spec.group);
    put("requester", spec.requester);
    put("channel", spec.channel);
    put("due", spec.due.map(Due::to_text));
    put("parent", spec.parent);
    put("tracker", spec.tracker);
    put("created", Some(format_time(ctx.now)));
    for (key, list) in [("cc", spec.cc), ("tags", spec.tags)] {
        if !list.is_empty() {
            doc.set(key, FmValue::List(list), TICKET_KEYS);
        }
    }
    if !spec.fields.is_empty() {
        doc.set("fields", FmValue::Map(spec.fields), TICKET_KEYS);
    }
    let ticket = Ticket::from_doc(doc).map_err(|e| UserError::new(e.message))?;
    ensure_valid(&session.config, &ticket)?;
    Ok(ticket)
}

/// Parse a due date as people write it.
pub fn parse_due(s: &str, now: DateTime<Utc>) -> anyhow::Result<Due> {
    let s = s.trim();
    let today = now.date_naive();
    let bad = || {
        UserError::new(format!("due date {s:?} is not understood"))
            .hint("write 2026-11-30, 2026-11-30T15:00:00Z, today, tomorrow, or 4h, 3d, 2w from now")
    };
    match s {
        "today" => return Ok(Due::Day(today)),
        "tomorrow" => return Ok(Due::Day(today + Days::new(1))),
        _ => {}
    }
    if let Some(d) = Due::parse(s) {
        return Ok(d);
    }
    let digits = s.trim_start_matches('+');
    let (n, unit) = digits.split_at(digits.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?);
    let n: u64 = n.parse().map_err(|_| bad())?;
    // Checked arithmetic: `--due 99999999999d` is a typo to report, not a panic.
    let after = |d: Option<Duration>| d.and_then(|d| now.checked_add_signed(d)).map(Due::At);
    let days = |d: Option<u64>| {
        d.and_then(|d| today.checked_add_days(Days::new(d)))
            .map(Due::Day)
    };
    let due = match unit {
        "m" | "min" => after(i64::try_from(n).ok().and_then(Duration::try_minutes)),
        "h" => after(i64::try_from(n).ok().and_then(Duration::try_hours)),
        "d" => days(Some(n)),
        "w" => days(n.checked_mul(7)),
        _ => return Err(bad().into()),
    };
    due.ok_or_else(|| {
        UserError::new(format!("due date {s:?} is too far in the future"))
            .hint("write a date like 2026-11-30")
            .into()
    })
}

/// A subject: one line, not empty.
pub fn subject_line(s: &str) -> anyhow::Result<String> {
    let subject = s.trim().to_string();
    if subject.is_empty() {
        return Err(UserError::new("the subject is empty").into());
    }
    if subject.contains(['\n', '\r']) {
        return Err(UserError::new("the subject must be one line")
            .hint("put the details in the text (-m, -F)")
            .into());
    }
    Ok(subject)
}

/// Tags as given, checked, without repeats.
pub fn tag_list(given: &[String]) -> anyhow::Result<Vec<String>> {
    let mut tags: Vec<String> = Vec::new();
    for t in given.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        crate::ticket::check_tag(t).map_err(UserError::new)?;
        if !tags.iter().any(|x| x == t) {
            tags.push(t.to_string());
        }
    }
    Ok(tags)
}

/// Split `key=value`.
pub fn split_assignment(s: &str) -> anyhow::Result<(String, String)> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.trim().to_string())),
        _ => Err(UserError::new(format!("{s:?} is not KEY=VALUE")).into()),
    }
}

pub fn run(ctx: &Ctx, args: NewArgs) -> anyhow::Result<()> {
    let subject = subject_line(&args.subject)?;
    let requester = match &args.requester {
        Some(r) => Some(
            Contact::parse(r)
                .map_err(|why| UserError::new(format!("--requester {r:?}: {why}")))?
                .to_text(),
        ),
        None => None,
    };
    let mut cc = Vec::new();
    for c in &args.cc {
        let contact =
            Contact::parse(c).map_err(|why| UserError::new(format!("--cc {c:?}: {why}")))?;
        cc.push(contact.to_text());
    }
    let fields = args
        .fields
        .iter()
        .map(|f| split_assignment(f))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let due = args
        .due
        .as_deref()
        .map(|d| parse_due(d, ctx.now))
        .transpose()?;
    // Read the text before taking the lock: an editor may be open for minutes.
    let scratch = std::env::temp_dir().join(format!("tiketti-new-{}.md", std::process::id()));
    let text = args.text.read(
        ctx.stdin_is_tty,
        &scratch,
        &format!("# Describe the request: {subject}\n# Lines starting with '# ' are dropped.\n"),
    )?;

    let tags = tag_list(&args.tags)?;

    let session = Session::begin(ctx)?;
    let config = &session.config;
    let assignee = match &args.assignee {
        Some(a) => resolve_agent(config, &session.actor, a)?,
        None => None,
    };
    let ticket = build(
        ctx,
        &session,
        Spec {
            subject: subject.clone(),
            text,
            requester,
            channel: args.channel.clone().or(config.defaults.channel.clone()),
            category: args.category.clone(),
            priority: args.priority.clone().or(config.defaults.priority.clone()),
            assignee,
            group: args.group.clone(),
            due,
            cc,
            tags,
            fields,
            parent: None,
            tracker: None,
        },
    )?;
    let id = ticket.id.clone();
    session.save(ctx, &ticket, &format!("new: {id} {subject}"))?;
    say(id.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ticket::parse_time;

    #[test]
    fn due_dates_as_people_write_them() {
        let now = parse_time("2026-11-22T10:00:00Z").unwrap();
        assert_eq!(parse_due("tomorrow", now).unwrap().to_text(), "2026-11-23");
        assert_eq!(parse_due("3d", now).unwrap().to_text(), "2026-11-25");
        assert_eq!(parse_due("+2w", now).unwrap().to_text(), "2026-12-06");
        assert_eq!(
            parse_due("4h", now).unwrap().to_text(),
            "2026-11-22T14:00:00Z"
        );
        assert_eq!(
            parse_due("2026-12-01", now).unwrap().to_text(),
            "2026-12-01"
        );
        assert!(parse_due("soonish", now).is_err());
        assert!(parse_due("3y", now).is_err());
        assert!(parse_due("99999999999d", now).is_err());
        assert!(parse_due("99999999999999h", now).is_err());
    }
}
