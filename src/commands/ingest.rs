//! `tiketti ingest`: mail in (DESIGN.md §5). From the mail server, one message on stdin is
//! spooled durably before anything else, and the exit code speaks sysexits: 0 once
//! spooled, 75 for a transient failure before that, 64 for a bad invocation. Files, mbox
//! files and Maildirs are read directly. Each message becomes a ticket, an event on a
//! ticket, a recognised duplicate, or a quarantine entry with its reason; one commit each.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;

use anyhow::Context as _;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::commands::{Session, mailout};
use crate::config::Config;
use crate::ctx::Ctx;
use crate::error::UserError;
use crate::mail::inbound::{AutoKind, InboundMail, MailAddr, hash_bits, hex};
use crate::mail::mailbox;
use crate::mail::outbound::Auto;
use crate::mail::route::{self, Workload};
use crate::mail::thread::{self, Decision, Reason, ThreadIndex};
use crate::render::{self, ViewFormat, truncate};
use crate::store::spool::Spool;
use crate::store::{ChangeSet, Repo};
use crate::ticket::codec::{Document, FmValue};
use crate::ticket::id::event_id;
use crate::ticket::{
    Contact, Event, StatusCategory, TICKET_KEYS, Ticket, TicketId, attachment, format_time, kind,
};

/// sysexits(3): the mail server retries on 75 and bounces on anything else but 0.
pub const EX_USAGE: i32 = 64;
pub const EX_TEMPFAIL: i32 = 75;

/// How long mail from the mail server waits for the lock after it is spooled.
const STDIN_LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Take in mail: a message on standard input (from the mail server), message files, mbox
/// files or Maildirs.
///
/// With no FILE, --mbox or --maildir, one raw RFC 5322 message is read from standard input
/// and spooled durably before anything else; then `ingest` exits 0 even if processing
/// has to wait (a later run picks it up). Exit 75 means "try again later", 64 a bad
/// invocation: exactly what Postfix, procmail, fetchmail and getmail expect
/// (docs/mail-setup.md).
#[derive(Debug, clap::Args)]
pub struct IngestArgs {
    /// Raw message files (.eml)
    pub files: Vec<PathBuf>,
    /// Every message in these mbox files (mboxo, mboxrd, Content-Length)
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub mbox: Vec<PathBuf>,
    /// Every message in new/ and cur/ of a Maildir that is not flagged Seen; each one
    /// processed is moved to cur/ and flagged Seen, so a re-run skips it
    #[arg(long, value_name = "DIR", num_args = 1..)]
    pub maildir: Vec<PathBuf>,
    /// Process only what waits in the spool (left by a run that could not finish)
    #[arg(long, conflicts_with_all = ["files", "mbox", "maildir", "spool_only"])]
    pub drain: bool,
    /// Spool the message on standard input and exit; a later `ingest --drain` processes it
    #[arg(long, conflicts_with_all = ["files", "mbox", "maildir"])]
    pub spool_only: bool,
    /// Take each message's time from its Date header (default for files, mbox and
    /// Maildir) or from its arrival (default for standard input)
    #[arg(long, value_enum)]
    pub time: Option<TimeSource>,
    /// Send no acknowledgements (for imports of old mail; messages dated more than a
    /// day ago never get one anyway)
    #[arg(long)]
    pub no_acknowledge: bool,
    /// table (a summary line) or json (every message's outcome)
    #[arg(long, value_enum, default_value = "table")]
    pub format: ViewFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TimeSource {
    Header,
    Arrival,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Created,
    Threaded,
    Duplicate,
    Quarantined,
    Failed,
}

#[derive(Debug, Clone, Serialize)]
pub struct MessageResult {
    pub source: String,
    pub outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For a new ticket: `queued`, or why no acknowledgement was sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acknowledgement: Option<String>,
}

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub created: usize,
    pub threaded: usize,
    pub duplicates: usize,
    pub quarantined: usize,
    pub failed: usize,
}

impl Summary {
    fn count(&mut self, o: &Outcome) {
        match o {
            Outcome::Created => self.created += 1,
            Outcome::Threaded => self.threaded += 1,
            Outcome::Duplicate => self.duplicates += 1,
            Outcome::Quarantined => self.quarantined += 1,
            Outcome::Failed => self.failed += 1,
        }
    }

    pub fn line(&self) -> String {
        let mut s = format!(
            "{} created, {} threaded, {} duplicate{}, {} quarantined",
            self.created,
            self.threaded,
            self.duplicates,
            if self.duplicates == 1 { "" } else { "s" },
            self.quarantined
        );
        if self.failed > 0 {
            s.push_str(&format!(", {} failed", self.failed));
        }
        s
    }
}

/// The per-run state: the lock, the thread index and the workload, built once.
pub struct Ingester<'a> {
    ctx: &'a Ctx,
    pub session: Session,
    index: ThreadIndex,
    load: Option<Workload>,
    time: TimeSource,
    /// Paths the next stored message's commit also removes (a retried quarantine entry).
    also_remove: Vec<String>,
    /// When the message being stored arrived, if not now.
    arrival: Option<DateTime<Utc>>,
    /// New tickets from people get an acknowledgement (unless `--no-acknowledge`).
    acknowledge: bool,
}

/// One message's outcome before it is reported.
struct Done {
    outcome: Outcome,
    ticket: Option<TicketId>,
    reason: Option<String>,
    acknowledgement: Option<String>,
}

impl<'a> Ingester<'a> {
    pub fn new(ctx: &'a Ctx, time: TimeSource) -> anyhow::Result<Ingester<'a>> {
        let session = Session::begin_system(ctx, "ingest")?;
        let index = session
            .repo
            .thread_index(&crate::commands::cache_progress())?;
        Ok(Ingester {
            ctx,
            session,
            index,
            load: None,
            time,
            also_remove: Vec::new(),
            arrival: None,
            acknowledge: true,
        })
    }

    /// Send no acknowledgements in this run.
    pub fn without_acknowledgements(&mut self) {
        self.acknowledge = false;
    }

    /// Make the next message's commit also remove `paths` (only if it stores the message).
    pub fn also_remove(&mut self, paths: Vec<String>) {
        self.also_remove = paths;
    }

    /// One commit for one message, with any removals asked for.
    fn commit(&mut self, mut changes: ChangeSet, message: &str) -> anyhow::Result<()> {
        for p in std::mem::take(&mut self.also_remove) {
            changes.remove(p);
        }
        self.session.commit(self.ctx, &changes, message)?;
        Ok(())
    }

    fn repo(&self) -> &Repo {
        &self.session.repo
    }

    fn config(&self) -> &Config {
        &self.session.config
    }

    /// Take in one message. An error means nothing was written and the message should be
    /// tried again later (its source is left as it was).
    pub fn ingest(&mut self, raw: &[u8], source: &str) -> anyhow::Result<MessageResult> {
        self.ingest_arrived(raw, source, None)
    }

    /// Take in one message that arrived at `arrival` (a spooled message arrived when it
    /// was spooled, not when the spool is drained).
    pub fn ingest_arrived(
        &mut self,
        raw: &[u8],
        source: &str,
        arrival: Option<DateTime<Utc>>,
    ) -> anyhow::Result<MessageResult> {
        self.arrival = arrival;
        let done = match InboundMail::parse(raw) {
            Err(unreadable) => self.quarantine(raw, source, &unreadable.0),
            Ok(mail) => self.store(&mail, raw, source),
        };
        self.also_remove.clear();
        let done = done?;
        Ok(MessageResult {
            source: source.to_string(),
            outcome: done.outcome,
            ticket: done.ticket.map(|t| t.to_string()),
            reason: done.reason,
            acknowledgement: done.acknowledgement,
        })
    }

    fn at(&self, mail: &InboundMail) -> DateTime<Utc> {
        let now = self.arrival.unwrap_or(self.ctx.now);
        match (self.time, mail.date) {
            // A Date header in the future (a wrong clock) is not believed.
            (TimeSource::Header, Some(d)) if d <= now + Duration::days(1) => d,
            _ => now,
        }
    }

    fn store(&mut self, mail: &InboundMail, raw: &[u8], source: &str) -> anyhow::Result<Done> {
        let key = mail.dedupe_key();
        let eid = event_id(hash_bits("event", &key));
        let tag = self.config().mail.tag.clone();
        let decision = {
            let repo = &self.session.repo;
            let ours = &self.session.config.mail;
            thread::decide(mail, &eid, &self.index, Some(&tag), |id, email| {
                !ours.is_ours(email) && is_participant(repo, id, email)
            })
        };
        match decision {
            Decision::Duplicate(t) => Ok(Done {
                outcome: Outcome::Duplicate,
                ticket: Some(t),
                acknowledgement: None,
                reason: Some("already stored".into()),
            }),
            Decision::Join(t, reason) => match self.repo().read_ticket(&t) {
                Err(e) => self.quarantine(
                    raw,
                    source,
                    &format!("it belongs to ticket {t}, which cannot be read: {e}"),
                ),
                Ok(ticket)
                    if mail.auto.is_none()
                        && self.config().status_category(&ticket.status)
                            == Some(StatusCategory::Closed) =>
                {
                    let why = format!("follow-up of closed ticket {t}");
                    self.create(mail, raw, &key, &eid, &why, Some(&t))
                }
                Ok(ticket) => self.join(ticket, mail, raw, &eid, reason),
            },
            Decision::New => self.create(mail, raw, &key, &eid, Reason::New.as_str(), None),
        }
    }

    fn inbound_event(
        &self,
        mail: &InboundMail,
        eid: &str,
        at: DateTime<Utc>,
        thread: &str,
    ) -> Event {
        let author = mail
            .from
            .as_ref()
            .map(|f| f.email.clone())
            .unwrap_or_else(|| "unknown".into());
        let mut e = Event::new(eid.to_string(), kind::INBOUND, &author, at, &mail.text);
        let texts = |a: &[MailAddr]| a.iter().map(MailAddr::to_text).collect::<Vec<_>>();
        e.set_str(
            "from",
            &mail
                .from
                .as_ref()
                .map(MailAddr::to_text)
                .unwrap_or_default(),
        );
        e.set_list("reply_to", texts(&mail.reply_to));
        e.set_list("to", texts(&mail.to));
        e.set_list("cc", texts(&mail.cc));
        e.set_str("subject", &mail.subject);
        e.set_str("date", &mail.date.map(format_time).unwrap_or_default());
        e.set_str("message_id", mail.message_id.as_deref().unwrap_or(""));
        match mail.in_reply_to.as_slice() {
            [one] => e.set_str("in_reply_to", one),
            many => e.set_list("in_reply_to", many.to_vec()),
        }
        e.set_list("references", mail.references.clone());
        e.set_str("thread", thread);
        e.set_str("auto", mail.auto.map(AutoKind::as_str).unwrap_or(""));
        e
    }

    /// Attachments into `dir/attachments/` under safe unique names; over the cap, omitted.
    fn attachments(
        &self,
        mail: &InboundMail,
        id: &TicketId,
        event: &mut Event,
        changes: &mut ChangeSet,
    ) {
        let dir = id.dir();
        let cap = self.config().mail.max_attachment_bytes;
        let mut taken = self.repo().attachment_names(id);
        let (mut names, mut omitted) = (Vec::new(), Vec::new());
        for a in &mail.attachments {
            if a.bytes.len() as u64 > cap {
                omitted.push(format!(
                    "{} ({} bytes, over mail.max_attachment_bytes {cap}; kept in the raw message)",
                    attachment::sanitize(&a.name),
                    a.bytes.len()
                ));
                continue;
            }
            let name = attachment::unique(&a.name, &mut taken);
            changes.write(format!("{dir}/attachments/{name}"), a.bytes.clone());
            names.push(name);
        }
        event.set_attachments(names);
        event.set_list("omitted", omitted);
    }

    /// The event, its attachments and the raw message, into the ticket's folder `dir`.
    fn message_files(
        &self,
        mail: &InboundMail,
        raw: &[u8],
        id: &TicketId,
        mut event: Event,
        changes: &mut ChangeSet,
    ) {
        self.attachments(mail, id, &mut event, changes);
        let dir = id.dir();
        event.set_str("raw", &format!("raw/{}.eml", event.id));
        changes.write(format!("{dir}/raw/{}.eml", event.id), raw.to_vec());
        changes.write(
            format!("{dir}/events/{}", event.file_name()),
            event.render(),
        );
    }

    fn participants(
        &self,
        mail: &InboundMail,
        requester: Option<&str>,
        existing: &[String],
    ) -> Vec<String> {
        let ours = &self.config().mail;
        let mut cc: Vec<String> = existing.to_vec();
        let requester = requester.and_then(|r| Contact::parse(r).ok());
        // Reply-To says "answer here, not to From": From is then not a participant.
        let candidates = mail
            .from
            .iter()
            .filter(|_| mail.reply_to.is_empty())
            .chain(&mail.reply_to)
            .chain(&mail.to)
            .chain(&mail.cc);
        for a in candidates {
            if ours.is_ours(&a.email) {
                continue;
            }
            let Ok(c) = Contact::parse(&a.to_text()) else {
                continue;
            };
            let known = requester.as_ref().is_some_and(|r| r.same_person(&c))
                || cc
                    .iter()
                    .any(|x| Contact::parse(x).is_ok_and(|x| x.same_person(&c)));
            if !known {
                cc.push(c.to_text());
            }
        }
        cc
    }

    fn workload(&mut self) -> anyhow::Result<&mut Workload> {
        if self.load.is_none() {
            let mut load = Workload::default();
            let mut latest: std::collections::HashMap<String, DateTime<Utc>> = Default::default();
            for t in self.repo().summaries()?.into_iter().flatten() {
                let Some(a) = &t.assignee else { continue };
                if self.config().is_open(&t.status) {
                    *load.open.entry(a.clone()).or_default() += 1;
                }
                if let Some(g) = &t.group
                    && latest.get(g).is_none_or(|d| t.created >= *d)
                {
                    latest.insert(g.clone(), t.created);
                    load.last_in_group.insert(g.clone(), a.clone());
                }
            }
            self.load = Some(load);
        }
        Ok(self.load.get_or_insert_with(Workload::default))
    }

    fn create(
        &mut self,
        mail: &InboundMail,
        raw: &[u8],
        key: &str,
        eid: &str,
        thread: &str,
        follow_up_of: Option<&TicketId>,
    ) -> anyhow::Result<Done> {
        let mut id = TicketId::from_bits(hash_bits("ticket", key));
        if self.repo().id_taken(&id) {
            id = self.ctx.mint_ticket_id(self.repo());
        }
        let at = self.at(mail);
        let (routed, rules) = route::route(self.config(), mail);
        let mut assignee = routed.assignee.clone();
        if assignee.is_none()
            && let Some(group) = &routed.group
        {
            let config = self.session.config.clone();
            let load = self.workload()?;
            if let Some(a) = route::pick(&config, group, load) {
                load.assigned(group, &a);
                assignee = Some(a);
            }
        } else if let (Some(a), Some(load)) = (&assignee, self.load.as_mut()) {
            load.assigned(routed.group.as_deref().unwrap_or(""), a);
        }
        let config = self.config();
        // Whom to answer: Reply-To when the sender set one (a web form's `From: noreply@`,
        // `Reply-To: the customer`), else From. With Reply-To, From is not a participant
        // (`participants`).
        let ours = &self.config().mail;
        let requester = mail
            .reply_to
            .iter()
            .find(|a| !ours.is_ours(&a.email))
            .or(mail.from.as_ref())
            .map(MailAddr::to_text);
        let cc = self.participants(mail, requester.as_deref(), &[]);
        let description = follow_up_of
            .map(|t| format!("Follow-up to closed ticket {t}.\n"))
            .unwrap_or_default();
        let mut doc = Document::new(&description);
        let mut put = |k: &str, v: Option<String>| {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                doc.set(k, FmValue::Str(v), TICKET_KEYS);
            }
        };
        let subject = if mail.subject.trim().is_empty() {
            "(no subject)".to_string()
        } else {
            mail.subject.clone()
        };
        put("id", Some(id.to_string()));
        put("subject", Some(subject.clone()));
        put("status", Some(config.initial_status()));
        put(
            "priority",
            routed.priority.clone().or(config.defaults.priority.clone()),
        );
        put("category", routed.category.clone());
        put("assignee", assignee);
        put("group", routed.group.clone());
        put("requester", requester);
        put("channel", Some("email".into()));
        put("created", Some(format_time(at)));
        if !cc.is_empty() {
            doc.set("cc", FmValue::List(cc), TICKET_KEYS);
        }
        if !routed.tags.is_empty() {
            doc.set("tags", FmValue::List(routed.tags.clone()), TICKET_KEYS);
        }
        let ticket = Ticket::from_doc(doc)
            .map_err(|e| UserError::new(format!("building ticket {id}: {e}")))?;
        let mut changes = ChangeSet::default();
        changes.write(Repo::ticket_path(&id), ticket.render());
        let mut event = self.inbound_event(mail, eid, at, thread);
        event.set_list("routing", rules);
        self.message_files(mail, raw, &id, event, &mut changes);
        let mut message = format!("ingest: {id} {}", truncate(&subject, 60));
        let (ack, acknowledgement) = match self.acknowledgement(mail, &ticket, at) {
            Ok(composed) => {
                composed.add_files(&ticket, &[], &mut changes);
                message.push_str(", acknowledged");
                self.repo().outbox().put(&composed.entry, &composed.raw)?;
                (Some(composed), "queued".to_string())
            }
            Err(why) => (None, why),
        };
        if let Err(e) = self.commit(changes, &message) {
            if let Some(a) = &ack {
                self.repo()
                    .outbox()
                    .discard_uncommitted(self.repo(), &a.entry);
            }
            return Err(e);
        }
        self.index
            .add(&id, eid, mail.message_id.as_deref(), &mail.referenced_ids());
        if let Some(a) = ack {
            let refs = a.event.doc.get_list("references").unwrap_or_default();
            self.index.add(
                &id,
                &a.entry.id,
                a.event.doc.get_str("message_id").ok().flatten().as_deref(),
                &refs,
            );
            self.index.add_auto(&a.entry.to, self.ctx.now);
        }
        Ok(Done {
            outcome: Outcome::Created,
            ticket: Some(id),
            reason: Some(thread.to_string()),
            acknowledgement: Some(acknowledgement),
        })
    }

    /// The acknowledgement of a new ticket, or why there is none: only a person's mail
    /// (not an auto-reply, bounce, list or our own), only a category that wants one, only
    /// a message from the last day (an import of old mail answers nobody), and at most
    /// `mail.auto_mail_limit` automatic mails to one address in 24 hours.
    fn acknowledgement(
        &self,
        mail: &InboundMail,
        ticket: &Ticket,
        at: DateTime<Utc>,
    ) -> Result<mailout::Composed, String> {
        let config = self.config();
        let now = self.ctx.now;
        if !self.acknowledge {
            return Err("off for this run (--no-acknowledge)".into());
        }
        if let Some(auto) = mail.auto {
            return Err(format!("not to automatic mail ({})", auto.as_str()));
        }
        if !config.acknowledges(ticket.category.as_deref()) {
            return Err(
                "off for this category (mail.acknowledge, categories[].acknowledge)".into(),
            );
        }
        if config.mail.address.is_none() {
            return Err("mail.address is not set".into());
        }
        if at < now - Duration::days(1) {
            return Err("the message is more than a day old".into());
        }
        let to = mailout::requester(ticket);
        let Some(email) = to.first().and_then(|c| c.email.clone()) else {
            return Err("the sender has no address".into());
        };
        if config.mail.is_ours(&email) {
            return Err("the sender is the helpdesk itself".into());
        }
        let limit = config.mail.auto_mail_limit as usize;
        if self.index.auto_count(&email, now) >= limit {
            return Err(format!(
                "{email} already got {limit} automatic mails in 24 hours (mail.auto_mail_limit)"
            ));
        }
        let name = config.mail.acknowledge_template.clone();
        let template = mailout::load_template(self.repo(), &name).map_err(|e| e.to_string())?;
        let vars = mailout::vars(config, ticket, None);
        let (subject, text) = mailout::fill(&template, &vars).map_err(|e| e.to_string())?;
        let thread = match &mail.message_id {
            Some(m) => mailout::Thread::answering(m, &mail.references),
            None => mailout::Thread::default(),
        };
        let draft = mailout::Draft {
            author: "tiketti".into(),
            from_name: config.helpdesk_name().to_string(),
            to,
            cc: Vec::new(),
            subject,
            text,
            attachments: Vec::new(),
            auto: Some((Auto::Replied, "acknowledgement".into())),
            template: Some(name),
            thread,
        };
        let eid = event_id(hash_bits("acknowledgement", ticket.id.as_str()));
        // After the message it answers, also when that message's Date is a little ahead.
        let sent_at = now.max(at + Duration::seconds(1));
        mailout::compose(self.repo(), config, ticket, eid, sent_at, &draft)
            .map_err(|e| e.to_string())
    }

    fn join(
        &mut self,
        mut ticket: Ticket,
        mail: &InboundMail,
        raw: &[u8],
        eid: &str,
        reason: Reason,
    ) -> anyhow::Result<Done> {
        let id = ticket.id.clone();
        let at = self.at(mail);
        let mut changes = ChangeSet::default();
        let mut notes = Vec::new();
        if mail.auto.is_none() {
            let cc = self.participants(mail, ticket.requester.as_deref(), &ticket.cc);
            if cc != ticket.cc {
                ticket.set_list("cc", cc)?;
            }
            // A customer's answer puts a solved or pending ticket back in the queue.
            let category = self.config().status_category(&ticket.status);
            let reopen = match category {
                Some(StatusCategory::Solved) => self.config().mail.reopen_on_reply,
                Some(StatusCategory::Pending) => true,
                _ => false,
            };
            if reopen && let Some(to) = self.config().reopen_status() {
                notes.push(format!("{} -> {to}", ticket.status));
                ticket.set_str("status", Some(&to))?;
            }
        }
        let event = self.inbound_event(mail, eid, at, reason.as_str());
        self.message_files(mail, raw, &id, event, &mut changes);
        let path = Repo::ticket_path(&id);
        let on_disk = std::fs::read_to_string(self.repo().path(&path)).unwrap_or_default();
        if ticket.render() != on_disk {
            changes.write(path, ticket.render());
        }
        let from = mail
            .from
            .as_ref()
            .map(|f| f.email.as_str())
            .unwrap_or("unknown sender");
        let mut message = format!("ingest: {id} message from {from} ({})", reason.as_str());
        if !notes.is_empty() {
            message.push_str(&format!(", reopened {}", notes.join(", ")));
        }
        self.commit(changes, &message)?;
        self.index
            .add(&id, eid, mail.message_id.as_deref(), &mail.referenced_ids());
        Ok(Done {
            outcome: Outcome::Threaded,
            ticket: Some(id),
            acknowledgement: None,
            reason: Some(reason.as_str().to_string()),
        })
    }

    /// Keep an unreadable message, byte for byte, with its reason.
    fn quarantine(&mut self, raw: &[u8], source: &str, reason: &str) -> anyhow::Result<Done> {
        if !self.also_remove.is_empty() {
            // A retried entry that still cannot be read stays the entry it was.
            return Ok(Done {
                outcome: Outcome::Quarantined,
                ticket: None,
                acknowledgement: None,
                reason: Some(format!("still cannot be read: {reason}")),
            });
        }
        let qid = event_id(hash_bits("quarantine", &hex(&sha_bytes(raw))));
        let base = format!("quarantine/{qid}");
        if self.repo().path(&format!("{base}.eml")).exists() {
            return Ok(Done {
                outcome: Outcome::Duplicate,
                ticket: None,
                acknowledgement: None,
                reason: Some(format!("already in quarantine as {qid}")),
            });
        }
        let mut doc = Document::new("");
        let order = &["id", "at", "reason", "source", "size"];
        doc.set("id", FmValue::Str(qid.clone()), order);
        doc.set("at", FmValue::Str(format_time(self.ctx.now)), order);
        doc.set("reason", FmValue::Str(reason.to_string()), order);
        doc.set("source", FmValue::Str(source.to_string()), order);
        doc.set("size", FmValue::Str(raw.len().to_string()), order);
        let mut changes = ChangeSet::default();
        changes.write(format!("{base}.eml"), raw.to_vec());
        changes.write(format!("{base}.md"), doc.render());
        self.session.commit(
            self.ctx,
            &changes,
            &format!("ingest: quarantine {qid} {}", truncate(reason, 60)),
        )?;
        Ok(Done {
            outcome: Outcome::Quarantined,
            ticket: None,
            acknowledgement: None,
            reason: Some(format!("{qid}: {reason}")),
        })
    }
}

fn sha_bytes(raw: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(raw).to_vec()
}

/// The requester, a cc, or the sender of any message on the ticket.
fn is_participant(repo: &Repo, id: &TicketId, email: &str) -> bool {
    let Ok(ticket) = repo.read_ticket(id) else {
        return false;
    };
    let me = Contact {
        name: None,
        email: Some(email.to_string()),
    };
    let named = ticket
        .requester
        .iter()
        .chain(&ticket.cc)
        .any(|c| Contact::parse(c).is_ok_and(|c| c.same_person(&me)));
    named
        || repo.read_events(id).is_ok_and(|events| {
            events.into_iter().any(|(_, e)| {
                e.is_ok_and(|e| {
                    e.kind == kind::INBOUND
                        && e.author
                            .as_deref()
                            .is_some_and(|a| a.eq_ignore_ascii_case(email))
                })
            })
        })
}

/// Messages to take in, read lazily so a huge mbox is split once and a Maildir file is
/// marked as processed right after its commit.
enum Source {
    File(PathBuf),
    Mbox(PathBuf),
    Maildir(PathBuf),
}

pub fn run(ctx: &Ctx, args: IngestArgs) -> anyhow::Result<()> {
    let batch = !args.files.is_empty() || !args.mbox.is_empty() || !args.maildir.is_empty();
    if args.drain {
        let time = args.time.unwrap_or(TimeSource::Arrival);
        let results = drain(ctx, time, !args.no_acknowledge)?;
        return report(&results, args.format, true);
    }
    if !batch {
        return from_stdin(ctx, &args);
    }
    let time = args.time.unwrap_or(TimeSource::Header);
    let mut sources: Vec<Source> = args.files.iter().cloned().map(Source::File).collect();
    sources.extend(args.mbox.iter().cloned().map(Source::Mbox));
    sources.extend(args.maildir.iter().cloned().map(Source::Maildir));
    // Read every source before the lock: a missing file stops the batch before anything
    // is written, rather than half-way through it.
    let mut messages: Vec<(String, Vec<u8>, Option<mailbox::MaildirEntry>)> = Vec::new();
    for s in &sources {
        match s {
            Source::File(p) => {
                let bytes =
                    std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?;
                messages.push((p.display().to_string(), bytes, None));
            }
            Source::Mbox(p) => {
                let data =
                    std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?;
                for m in mailbox::split_mbox(&data) {
                    messages.push((format!("{}:{}", p.display(), m.line), m.bytes, None));
                }
            }
            Source::Maildir(d) => {
                for e in mailbox::maildir_entries(d)
                    .with_context(|| format!("cannot read the Maildir {}", d.display()))?
                {
                    if mailbox::is_processed(&e) {
                        continue;
                    }
                    let bytes = std::fs::read(&e.path)
                        .with_context(|| format!("cannot read {}", e.path.display()))?;
                    messages.push((e.path.display().to_string(), bytes, Some(e)));
                }
            }
        }
    }
    if messages.is_empty() {
        return report(&[], args.format, false);
    }
    let mut ing = Ingester::new(ctx, time)?;
    if args.no_acknowledge {
        ing.without_acknowledgements();
    }
    let bar = progress(messages.len());
    let mut results = Vec::with_capacity(messages.len());
    for (source, bytes, maildir) in messages {
        let r = match ing.ingest(&bytes, &source) {
            Ok(r) => {
                if let Some(entry) = maildir {
                    mailbox::mark_processed(&entry).with_context(|| {
                        format!("cannot flag {} as processed", entry.path.display())
                    })?;
                }
                r
            }
            Err(e) => MessageResult {
                source,
                outcome: Outcome::Failed,
                ticket: None,
                reason: Some(format!("{e:#}")),
                acknowledgement: None,
            },
        };
        if let Some(b) = &bar {
            b.inc(1);
        }
        results.push(r);
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    report(&results, args.format, false)
}

fn progress(n: usize) -> Option<indicatif::ProgressBar> {
    (n > 1 && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(n as u64);
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} messages {eta}")
        {
            bar.set_style(style);
        }
        bar
    })
}

fn report(results: &[MessageResult], format: ViewFormat, drained: bool) -> anyhow::Result<()> {
    let mut summary = Summary::default();
    for r in results {
        summary.count(&r.outcome);
    }
    if format == ViewFormat::Json {
        let doc = serde_json::json!({ "summary": summary, "messages": results });
        render::json_object(&mut std::io::stdout().lock(), doc)?;
    } else if results.len() == 1 && !drained {
        let r = &results[0];
        let what = match r.outcome {
            Outcome::Created => "new ticket",
            Outcome::Threaded => "added to ticket",
            Outcome::Duplicate if r.ticket.is_some() => "duplicate of a message on ticket",
            Outcome::Duplicate => "duplicate",
            Outcome::Quarantined => "quarantined",
            Outcome::Failed => "failed",
        };
        eprintln!(
            "ingest: {what} {}{}",
            r.ticket.as_deref().unwrap_or(""),
            r.reason
                .as_deref()
                .map(|x| format!(" ({x})"))
                .unwrap_or_default()
        );
    } else {
        for r in results
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Failed | Outcome::Quarantined))
        {
            eprintln!("{}: {}", r.source, r.reason.as_deref().unwrap_or(""));
        }
        eprintln!("ingest: {}", summary.line());
    }
    if summary.failed > 0 {
        return Err(UserError::new(format!("{} message(s) could not be stored", summary.failed))
            .hint("fix the cause and run the same command again: stored messages are recognised as duplicates")
            .into());
    }
    Ok(())
}

/// Process every spooled message, oldest first; each is removed once committed.
pub fn drain(ctx: &Ctx, time: TimeSource, acknowledge: bool) -> anyhow::Result<Vec<MessageResult>> {
    // An empty spool (the usual case for a cron drain) needs no lock and no thread index,
    // which reads every event file.
    if Spool::new(&ctx.repo()?.state_dir())
        .pending()
        .context("cannot read the spool")?
        .is_empty()
    {
        return Ok(Vec::new());
    }
    let mut ing = Ingester::new(ctx, time)?;
    if !acknowledge {
        ing.without_acknowledgements();
    }
    drain_with(&mut ing)
}

/// Process every spooled message with `ing`, oldest first.
fn drain_with(ing: &mut Ingester<'_>) -> anyhow::Result<Vec<MessageResult>> {
    let spool = Spool::new(&ing.repo().state_dir());
    let mut results = Vec::new();
    for path in spool.pending().context("cannot read the spool")? {
        let source = format!(
            "spool:{}",
            path.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        );
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        match ing.ingest_arrived(&bytes, &source, Spool::arrival(&path)) {
            Ok(r) => {
                spool.done(&path);
                results.push(r);
            }
            Err(e) => results.push(MessageResult {
                source,
                outcome: Outcome::Failed,
                ticket: None,
                reason: Some(format!("{e:#} (left in the spool)")),
                acknowledgement: None,
            }),
        }
    }
    Ok(results)
}

/// The mail server's entry point: spool, answer, then process.
fn from_stdin(ctx: &Ctx, args: &IngestArgs) -> anyhow::Result<()> {
    if std::io::stdin().is_terminal() {
        return Err(UserError::new(
            "ingest reads one message on standard input, but standard input is a terminal",
        )
        .hint(
            "pipe a message in (tiketti ingest < message.eml), or give files, --mbox or --maildir",
        )
        .code(EX_USAGE)
        .into());
    }
    let tempfail = |e: anyhow::Error| -> anyhow::Error {
        UserError::new(format!("{e:#}"))
            .hint("the message was not accepted; the mail server will try again (exit 75)")
            .code(EX_TEMPFAIL)
            .into()
    };
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .context("cannot read the message from standard input")
        .map_err(tempfail)?;
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(UserError::new("standard input is empty: there is no message to take in")
            .hint("the mail server pipes each message in; to process waiting mail use `ingest --drain`")
            .code(EX_USAGE)
            .into());
    }
    // The whole message is read before anything else, so the mail server always hands
    // it over cleanly and then hears the exit code.
    let repo = ctx.repo().map_err(tempfail)?;
    let unique = Spool::name(ctx.now, std::process::id(), ctx.random_u64());
    let state_dir = repo.state_dir();
    drop(repo);
    let spool_failed = |e: std::io::Error| {
        tempfail(anyhow::Error::new(e).context(format!(
            "cannot spool the message in {}",
            state_dir.display()
        )))
    };
    let spooling = Spool::new(&state_dir)
        .start(&bytes, &unique)
        .map_err(spool_failed)?;
    if args.spool_only {
        spooling.finish().map_err(spool_failed)?;
        return Ok(());
    }
    let time = args.time.unwrap_or(TimeSource::Arrival);
    // The mail server should not wait long for a busy helpdesk: the message is safe.
    let patient;
    let ctx = if ctx.lock_timeout_set {
        ctx
    } else {
        patient = ctx.with_lock_timeout(STDIN_LOCK_WAIT);
        &patient
    };
    // The lock is taken and the caches loaded while the message is made durable; only
    // then does anything get written.
    let ing = Ingester::new(ctx, time);
    spooling.finish().map_err(spool_failed)?;
    // From here the message is safe: whatever happens, the answer is 0.
    let results = ing.and_then(|mut ing| {
        if args.no_acknowledge {
            ing.without_acknowledgements();
        }
        drain_with(&mut ing)
    });
    match results {
        Ok(results) => {
            if let Err(e) = report(&results, args.format, false) {
                eprintln!("warning: {e:#}");
            }
        }
        Err(e) => eprintln!(
            "warning: the message is safe in the spool, but processing stopped: {e:#}; `tiketti ingest --drain` finishes it"
        ),
    }
    Ok(())
}
