//! Mail about a ticket, from the ticket's point of view: who it goes to, how it threads
//! into the customer's conversation, what the template says, and the outbound event and
//! outbox entry that record it. `reply`, the acknowledgement of `ingest` and the
//! tracker's notices all come through here, so every message tiketti sends is built the
//! same way.

use anyhow::Context as _;
use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::error::UserError;
use crate::mail::outbound::{self, Auto, Outgoing};
use crate::store::outbox::Entry;
use crate::store::{ChangeSet, EventFile, Repo};
use crate::template::{self, Template, Vars};
use crate::ticket::{Contact, Event, Ticket, format_time, kind};

/// The conversation a new message continues: the message it answers and the chain.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Thread {
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
}

impl Thread {
    /// Answer `message_id`, which itself referred to `refs`.
    pub fn answering(message_id: &str, refs: &[String]) -> Thread {
        let mut references: Vec<String> = refs.to_vec();
        references.retain(|r| r != message_id);
        references.push(message_id.to_string());
        Thread {
            in_reply_to: Some(message_id.to_string()),
            references,
        }
    }

    /// The customer's latest message of a ticket (a person's, if there is one), else the
    /// latest message the helpdesk sent.
    pub fn of(events: &[EventFile]) -> Thread {
        let messages: Vec<&Event> = events
            .iter()
            .filter_map(|(_, e)| e.as_ref().ok())
            .filter(|e| e.kind == kind::INBOUND || e.kind == kind::OUTBOUND)
            .collect();
        let id = |e: &Event| e.doc.get_str("message_id").ok().flatten();
        let pick = messages
            .iter()
            .rev()
            .find(|e| {
                e.kind == kind::INBOUND && !e.doc.keys().any(|k| k == "auto") && id(e).is_some()
            })
            .or_else(|| {
                messages
                    .iter()
                    .rev()
                    .find(|e| e.kind == kind::INBOUND && id(e).is_some())
            })
            .or_else(|| messages.iter().rev().find(|e| id(e).is_some()));
        match pick {
            Some(e) => {
                let mut refs = e.doc.get_list("references").unwrap_or_default();
                if refs.is_empty() {
                    refs = e.doc.get_list("in_reply_to").unwrap_or_default();
                }
                Thread::answering(&id(e).unwrap_or_default(), &refs)
            }
            None => Thread::default(),
        }
    }
}

/// What a message says and to whom, before it is built.
pub struct Draft {
    /// Who the event records as its author: an agent id, or `tiketti`.
    pub author: String,
    /// The display name on From (the address is always the helpdesk's).
    pub from_name: String,
    pub to: Vec<Contact>,
    pub cc: Vec<Contact>,
    /// The subject after the tag; `None`: `Re:` the ticket's subject.
    pub subject: Option<String>,
    pub text: String,
    /// Names already made safe and unique in the ticket's attachments folder.
    pub attachments: Vec<(String, Vec<u8>)>,
    /// `Some((how, what))` for automatic mail: `what` is recorded on the event
    /// (`acknowledgement`, `notice`).
    pub auto: Option<(Auto, String)>,
    pub template: Option<String>,
    pub thread: Thread,
}

/// A message ready to be committed (its files) and queued (its entry and bytes).
pub struct Composed {
    pub event: Event,
    pub event_path: String,
    pub entry: Entry,
    pub raw: Vec<u8>,
}

impl Composed {
    /// The event and attachment files, into `changes`.
    pub fn add_files(
        &self,
        ticket: &Ticket,
        draft_attachments: &[(String, Vec<u8>)],
        changes: &mut ChangeSet,
    ) {
        let dir = ticket.id.dir();
        for (name, bytes) in draft_attachments {
            changes.write(format!("{dir}/attachments/{name}"), bytes.clone());
        }
        changes.write(self.event_path.clone(), self.event.render());
    }
}

/// The helpdesk's address, which every message is from.
pub fn helpdesk_address(config: &Config) -> anyhow::Result<String> {
    config.mail.address.clone().ok_or_else(|| {
        UserError::new("mail.address is not set in tiketti.yaml; mail needs a sender")
            .hint("tiketti config set mail.address support@your-company.example")
            .into()
    })
}

/// Build the outbound event, the message and its outbox entry.
pub fn compose(
    repo: &Repo,
    config: &Config,
    ticket: &Ticket,
    event_id: String,
    now: DateTime<Utc>,
    draft: &Draft,
) -> anyhow::Result<Composed> {
    let address = helpdesk_address(config)?;
    if draft.to.is_empty() {
        return Err(UserError::new(format!(
            "{}: the ticket has no requester with an e-mail address to write to",
            ticket.id
        ))
        .hint(format!(
            "tiketti set {} requester='Name <address@example.com>'",
            ticket.id
        ))
        .into());
    }
    let key = repo.message_key()?;
    let message_id =
        outbound::message_id(&ticket.id, &event_id, outbound::domain_of(&address), &key);
    let subject = match &draft.subject {
        Some(s) => outbound::subject(&config.mail.tag, &ticket.id, s, false),
        None => outbound::subject(&config.mail.tag, &ticket.id, &ticket.subject, true),
    };
    let from = Contact {
        name: Some(draft.from_name.clone()),
        email: Some(address.clone()),
    };
    let mail = Outgoing {
        from: from.clone(),
        to: draft.to.clone(),
        cc: draft.cc.clone(),
        subject: subject.clone(),
        message_id: message_id.clone(),
        in_reply_to: draft.thread.in_reply_to.clone(),
        references: draft.thread.references.clone(),
        date: now,
        auto: draft.auto.as_ref().map(|(a, _)| *a),
        loop_marker: address.clone(),
        text: draft.text.clone(),
        attachments: draft.attachments.clone(),
    };
    let raw = mail
        .build()
        .map_err(|e| UserError::new(format!("{}: {e}", ticket.id)))?;

    let texts = |cs: &[Contact]| cs.iter().map(Contact::to_text).collect::<Vec<_>>();
    let mut event = Event::new(
        event_id.clone(),
        kind::OUTBOUND,
        &draft.author,
        now,
        &draft.text,
    );
    event.set_str("from", &from.to_text());
    event.set_list("to", texts(&draft.to));
    event.set_list("cc", texts(&draft.cc));
    event.set_str("subject", &subject);
    event.set_str("message_id", &message_id);
    event.set_str(
        "in_reply_to",
        draft.thread.in_reply_to.as_deref().unwrap_or(""),
    );
    event.set_list("references", draft.thread.references.clone());
    event.set_str(
        "auto",
        draft
            .auto
            .as_ref()
            .map(|(_, what)| what.as_str())
            .unwrap_or(""),
    );
    event.set_str("template", draft.template.as_deref().unwrap_or(""));
    event.set_attachments(draft.attachments.iter().map(|(n, _)| n.clone()).collect());
    let event_path = format!("{}/events/{}", ticket.id.dir(), event.file_name());

    let entry = Entry {
        id: event_id,
        ticket: Some(ticket.id.to_string()),
        event: Some(event_path.clone()),
        from: address,
        to: draft
            .to
            .iter()
            .chain(&draft.cc)
            .filter_map(|c| c.email.clone())
            .collect(),
        subject,
        auto: draft.auto.is_some(),
        queued: format_time(now),
        attempts: 0,
        last_attempt: None,
        error: None,
        sending: None,
        sent: None,
        dropped: None,
    };
    Ok(Composed {
        event,
        event_path,
        entry,
        raw,
    })
}

/// The requester, as the one recipient of To, if it has an address.
pub fn requester(ticket: &Ticket) -> Vec<Contact> {
    ticket
        .requester
        .as_deref()
        .and_then(|r| Contact::parse(r).ok())
        .filter(|c| c.email.is_some())
        .into_iter()
        .collect()
}

/// The other participants (the ticket's cc), less the helpdesk's own addresses and
/// anyone already in `to`.
pub fn participants(config: &Config, ticket: &Ticket, to: &[Contact]) -> Vec<Contact> {
    let mut out: Vec<Contact> = Vec::new();
    for c in ticket.cc.iter().filter_map(|c| Contact::parse(c).ok()) {
        let Some(email) = &c.email else { continue };
        if config.mail.is_ours(email) || to.iter().chain(&out).any(|t| t.same_person(&c)) {
            continue;
        }
        out.push(c);
    }
    out
}

/// The placeholder values for a ticket, written by `agent` (`None`: the helpdesk).
pub fn vars(config: &Config, ticket: &Ticket, agent: Option<(&str, &str)>) -> Vars {
    let mut v = Vars::default();
    let requester = ticket
        .requester
        .as_deref()
        .and_then(|r| Contact::parse(r).ok());
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    v.set("ticket.id", ticket.id.to_string())
        .set("ticket.subject", ticket.subject.clone())
        .set("ticket.status", ticket.status.clone())
        .set("ticket.priority", opt(&ticket.priority))
        .set("ticket.category", opt(&ticket.category))
        .set("ticket.group", opt(&ticket.group))
        .set(
            "ticket.due",
            ticket.due.map(|d| d.to_text()).unwrap_or_default(),
        )
        .set(
            "requester.name",
            requester
                .as_ref()
                .and_then(|r| r.name.clone().or(r.email.clone()))
                .unwrap_or_default(),
        )
        .set(
            "requester.email",
            requester.and_then(|r| r.email).unwrap_or_default(),
        )
        .set("helpdesk.name", config.helpdesk_name())
        .set("helpdesk.address", opt(&config.mail.address));
    let (name, email) = agent.unwrap_or((config.helpdesk_name(), ""));
    let email = if email.is_empty() {
        config.mail.address.clone().unwrap_or_default()
    } else {
        email.to_string()
    };
    v.set("agent.name", name).set("agent.email", email);
    for f in &config.fields {
        v.set(
            &format!("field.{}", f.name),
            ticket.field(&f.name).unwrap_or_default(),
        );
    }
    v
}

/// `templates/<name>.md`, parsed. The acknowledgement falls back to the built-in text
/// when the helpdesk has no file of its own.
pub fn load_template(repo: &Repo, name: &str) -> anyhow::Result<Template> {
    template::check_name(name).map_err(UserError::new)?;
    let rel = format!("templates/{name}.md");
    let text = match std::fs::read_to_string(repo.path(&rel)) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && name == "acknowledgement" => {
            template::ACKNOWLEDGEMENT.to_string()
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let names = template_names(repo);
            return Err(
                UserError::new(format!("no template {name:?} ({rel} does not exist)"))
                    .hint(if names.is_empty() {
                        "templates are Markdown files in templates/ of the helpdesk".to_string()
                    } else {
                        format!("templates are {}", names.join(", "))
                    })
                    .into(),
            );
        }
        Err(e) => return Err(e).with_context(|| format!("cannot read {rel}")),
    };
    Template::parse(name, &text)
        .map_err(|e| UserError::new(format!("{rel}:{}: {}", e.line, e.message)).into())
}

/// Fill a template, errors naming the file and line.
pub fn fill(template: &Template, vars: &Vars) -> anyhow::Result<(Option<String>, String)> {
    template.render(vars).map_err(|e| {
        UserError::new(format!(
            "templates/{}.md:{}: {}",
            template.name, e.line, e.message
        ))
        .into()
    })
}

/// The names of `templates/*.md`, sorted.
pub fn template_names(repo: &Repo) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repo.path("templates"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".md"))
                .filter(|n| template::check_name(n).is_ok())
                .map(str::to_string)
        })
        .collect();
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(text: &str) -> EventFile {
        ("x".into(), Ok(Event::parse(text).unwrap()))
    }

    #[test]
    fn a_reply_answers_the_customers_latest_message() {
        let events = vec![
            event("---\nid: A\nkind: inbound\nat: 2026-11-20T10:00:00Z\nmessage_id: c1@x\n---\n"),
            event(
                "---\nid: B\nkind: outbound\nat: 2026-11-20T11:00:00Z\nmessage_id: t1@h\nin_reply_to: c1@x\nreferences: [c1@x]\n---\n",
            ),
            event(
                "---\nid: C\nkind: inbound\nat: 2026-11-21T10:00:00Z\nmessage_id: c2@x\nreferences: [c1@x, t1@h]\n---\n",
            ),
            event(
                "---\nid: D\nkind: inbound\nat: 2026-11-21T11:00:00Z\nmessage_id: ooo@x\nauto: auto-reply\n---\n",
            ),
            event("---\nid: E\nkind: note\nat: 2026-11-22T10:00:00Z\n---\n"),
        ];
        assert_eq!(
            Thread::of(&events),
            Thread {
                in_reply_to: Some("c2@x".into()),
                references: vec!["c1@x".into(), "t1@h".into(), "c2@x".into()],
            }
        );
        assert_eq!(
            Thread::of(&events[..2]).in_reply_to.as_deref(),
            Some("c1@x")
        );
        assert_eq!(Thread::of(&[]), Thread::default());
        // Only our own message: answer that.
        assert_eq!(
            Thread::of(&events[1..2]).in_reply_to.as_deref(),
            Some("t1@h")
        );
    }
}
