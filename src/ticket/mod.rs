//! The pure domain: tickets, events, contacts, due dates and status categories.
//!
//! A [`Ticket`] is a typed view over a [`codec::Document`]; every change goes through the
//! document (so unknown keys and formatting survive) and the view is re-read from it.
//! No I/O, no clock, no randomness: those come in as arguments.

pub mod attachment;
pub mod codec;
pub mod id;
pub mod merge;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::Serialize;

use codec::{CodecError, Document, FmValue};
pub use id::TicketId;

/// Front-matter keys of ticket.md in the order tiketti writes them.
#[rustfmt::skip]
pub const TICKET_KEYS: &[&str] = &[
    "id", "subject", "status", "priority", "category", "assignee", "group", "requester", "cc",
    "channel", "tags", "due", "parent", "tracker", "created", "fields", "collisions",
];

/// Keys a user may not change with `set` (they have their own commands or never change).
pub const RESERVED_KEYS: &[&str] = &[
    "id",
    "status",
    "assignee",
    "group",
    "created",
    "parent",
    "tracker",
    "collisions",
];

/// Front-matter keys of an event file in the order tiketti writes them.
#[rustfmt::skip]
pub const EVENT_KEYS: &[&str] = &[
    "id", "kind", "author", "at", "from", "reply_to", "to", "cc", "subject", "date",
    "message_id", "in_reply_to", "references", "thread", "auto", "template", "notice",
    "routing", "attachments", "omitted", "raw", "field", "base", "ours", "theirs", "kept",
    "reason", "choice", "value", "resolves",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StatusCategory {
    New,
    Open,
    Pending,
    OnHold,
    Solved,
    Closed,
}

impl StatusCategory {
    pub const ALL: [StatusCategory; 6] = [
        StatusCategory::New,
        StatusCategory::Open,
        StatusCategory::Pending,
        StatusCategory::OnHold,
        StatusCategory::Solved,
        StatusCategory::Closed,
    ];

    /// Open work: anything not solved or closed.
    pub fn is_open(self) -> bool {
        !matches!(self, StatusCategory::Solved | StatusCategory::Closed)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StatusCategory::New => "new",
            StatusCategory::Open => "open",
            StatusCategory::Pending => "pending",
            StatusCategory::OnHold => "on-hold",
            StatusCategory::Solved => "solved",
            StatusCategory::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<StatusCategory> {
        StatusCategory::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A due date: a whole day (due by its end, UTC) or an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    Day(NaiveDate),
    At(DateTime<Utc>),
}

impl Due {
    pub fn parse(s: &str) -> Option<Due> {
        let s = s.trim();
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            return Some(Due::Day(d));
        }
        DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|t| Due::At(t.with_timezone(&Utc)))
    }

    /// The instant after which the ticket is overdue.
    pub fn deadline(self) -> DateTime<Utc> {
        match self {
            Due::Day(d) => (d + chrono::Days::new(1))
                .and_time(NaiveTime::MIN)
                .and_utc(),
            Due::At(t) => t,
        }
    }

    pub fn to_text(self) -> String {
        match self {
            Due::Day(d) => {
                use chrono::Datelike;
                format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
            }
            Due::At(t) => format_time(t),
        }
    }
}

/// A tag is one word: no spaces or commas (CSV joins tags with spaces, `tags=` splits on
/// commas).
pub fn check_tag(tag: &str) -> Result<(), String> {
    if tag.is_empty() {
        return Err("a tag cannot be empty".into());
    }
    if tag
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == ',')
    {
        return Err(format!(
            "tag {tag:?} has a space or comma; a tag is one word (use - or _)"
        ));
    }
    Ok(())
}

/// RFC 3339 in UTC with seconds: `2026-11-22T10:00:00Z`.
pub fn format_time(t: DateTime<Utc>) -> String {
    use chrono::{Datelike, Timelike};
    // By hand: `format` parses its pattern on every call, and `list` formats 70,000.
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A person as written in `requester:` or `cc:`: `Name <email>`, `email` or `Name`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
}

impl Contact {
    pub fn parse(s: &str) -> Result<Contact, String> {
        let s = s.trim();
        if s.is_empty() {
            return Err("it is empty".into());
        }
        if let (Some(open), true) = (s.rfind('<'), s.ends_with('>')) {
            let email = s[open + 1..s.len() - 1].trim();
            if !looks_like_email(email) {
                return Err(format!("{email:?} is not an e-mail address"));
            }
            let name = unquote(s[..open].trim());
            return Ok(Contact {
                name: (!name.is_empty()).then(|| name.to_string()),
                email: Some(email.to_string()),
            });
        }
        if s.contains('<') || s.contains('>') {
            return Err("write it as `Name <email>`".into());
        }
        // A social-media handle (`@kahvila_helmi`) is a name, not a broken address.
        if s.starts_with('@') && !s[1..].contains('@') {
            return Ok(Contact {
                name: Some(s.to_string()),
                email: None,
            });
        }
        if s.contains('@') {
            if !looks_like_email(s) {
                return Err(format!("{s:?} is not an e-mail address"));
            }
            return Ok(Contact {
                name: None,
                email: Some(s.to_string()),
            });
        }
        Ok(Contact {
            name: Some(s.to_string()),
            email: None,
        })
    }

    /// True when both name the same person: the same address (case-insensitive), or for
    /// contacts without one, the same text.
    pub fn same_person(&self, other: &Contact) -> bool {
        match (&self.email, &other.email) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            (None, None) => self.to_text().eq_ignore_ascii_case(&other.to_text()),
            _ => false,
        }
    }

    /// The canonical text: `Name <email>`, `email` or `Name`. A name with characters
    /// that RFC 5322 reserves (a comma, say) is quoted: `"Virtanen, Anna" <anna@…>`.
    pub fn to_text(&self) -> String {
        const SPECIALS: [char; 11] = [',', ';', ':', '@', '.', '(', ')', '[', ']', '\\', '"'];
        match (&self.name, &self.email) {
            (Some(n), Some(e)) if n.contains(SPECIALS) => {
                format!("\"{}\" <{e}>", n.replace('\\', "\\\\").replace('"', "\\\""))
            }
            (Some(n), Some(e)) => format!("{n} <{e}>"),
            (None, Some(e)) => e.clone(),
            (Some(n), None) => n.clone(),
            (None, None) => String::new(),
        }
    }
}

/// A display name as written: `"Virtanen, Anna"` (with `\"` and `\\` escapes) or bare.
fn unquote(s: &str) -> String {
    match s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        Some(inner) => {
            let mut out = String::with_capacity(inner.len());
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => out.extend(chars.next()),
                    c => out.push(c),
                }
            }
            out.trim().to_string()
        }
        None => s.trim_matches('"').trim().to_string(),
    }
}

fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}

/// The typed view of a ticket.md.
#[derive(Debug, Clone)]
pub struct Ticket {
    pub doc: Document,
    pub id: TicketId,
    pub subject: String,
    pub status: String,
    pub priority: Option<String>,
    pub category: Option<String>,
    pub assignee: Option<String>,
    pub group: Option<String>,
    pub requester: Option<String>,
    pub cc: Vec<String>,
    pub channel: Option<String>,
    pub tags: Vec<String>,
    pub due: Option<Due>,
    pub parent: Option<String>,
    pub tracker: Option<String>,
    pub created: DateTime<Utc>,
    pub fields: Vec<(String, String)>,
    /// Fields with an unsettled collision from a sync (docs/sync.md).
    pub collisions: Vec<String>,
    /// Read from the ticket cache: the fields above without the document, which must
    /// never be written back (`render` and `update` refuse).
    pub(crate) summary: bool,
}

impl Ticket {
    pub fn parse(text: &str) -> Result<Ticket, CodecError> {
        Ticket::from_doc(Document::parse(text)?)
    }

    pub fn from_doc(doc: Document) -> Result<Ticket, CodecError> {
        let need = |key: &str| -> Result<String, CodecError> {
            match doc.get_str(key)? {
                Some(v) if !v.trim().is_empty() => Ok(v),
                _ => Err(CodecError {
                    line: doc.line_of(key).unwrap_or(1),
                    message: format!("field `{key}` is missing"),
                }),
            }
        };
        let bad = |key: &str, why: String| CodecError {
            line: doc.line_of(key).unwrap_or(1),
            message: format!("field `{key}`: {why}"),
        };
        let id_text = need("id")?;
        let id = TicketId::parse(&id_text).map_err(|e| bad("id", e.to_string()))?;
        let created_text = need("created")?;
        let created = parse_time(&created_text).ok_or_else(|| {
            bad(
                "created",
                format!("{created_text:?} is not an RFC 3339 time like 2026-11-22T10:00:00Z"),
            )
        })?;
        let due = match doc.get_str("due")? {
            None => None,
            Some(s) if s.is_empty() => None,
            Some(s) => Some(Due::parse(&s).ok_or_else(|| {
                bad(
                    "due",
                    format!("{s:?} is not a date (2026-11-30) or a time (2026-11-30T15:00:00Z)"),
                )
            })?),
        };
        let opt = |key: &str| -> Result<Option<String>, CodecError> {
            Ok(doc.get_str(key)?.filter(|s| !s.trim().is_empty()))
        };
        Ok(Ticket {
            id,
            subject: doc.get_str("subject")?.unwrap_or_default(),
            status: need("status")?,
            priority: opt("priority")?,
            category: opt("category")?,
            assignee: opt("assignee")?,
            group: opt("group")?,
            requester: opt("requester")?,
            cc: doc.get_list("cc")?,
            channel: opt("channel")?,
            tags: doc.get_list("tags")?,
            due,
            parent: opt("parent")?,
            tracker: opt("tracker")?,
            created,
            fields: doc.get_map("fields")?,
            collisions: doc.get_list("collisions")?,
            summary: false,
            doc,
        })
    }

    /// The fields without the document, as the ticket cache keeps them.
    /// The description stays (as the body of an otherwise empty document).
    pub fn into_summary(self) -> Ticket {
        Ticket {
            doc: Document::body_only(self.doc.body),
            summary: true,
            ..self
        }
    }

    pub fn render(&self) -> String {
        self.no_summary();
        self.doc.render()
    }

    /// A summary has an empty document: writing it would wipe the ticket's file.
    fn no_summary(&self) {
        assert!(
            !self.summary,
            "ticket {} is a cached summary; read its file to change it",
            self.id
        );
    }

    /// Apply a change to the document and re-read the view; on error nothing changes.
    pub fn update(&mut self, change: impl FnOnce(&mut Document)) -> Result<(), CodecError> {
        self.no_summary();
        let mut doc = self.doc.clone();
        change(&mut doc);
        *self = Ticket::from_doc(doc)?;
        Ok(())
    }

    /// Set or clear (`None` or empty) a scalar key.
    pub fn set_str(&mut self, key: &str, value: Option<&str>) -> Result<(), CodecError> {
        self.update(|doc| match value {
            Some(v) if !v.is_empty() => doc.set(key, FmValue::Str(v.to_string()), TICKET_KEYS),
            _ => {
                doc.remove(key);
            }
        })
    }

    pub fn set_list(&mut self, key: &str, values: Vec<String>) -> Result<(), CodecError> {
        self.update(|doc| {
            if values.is_empty() {
                doc.remove(key);
            } else {
                doc.set(key, FmValue::List(values), TICKET_KEYS);
            }
        })
    }

    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    /// Set (or with an empty value, clear) a custom field.
    pub fn set_field(&mut self, name: &str, value: &str) -> Result<(), CodecError> {
        let mut fields = self.fields.clone();
        match fields.iter_mut().find(|(k, _)| k == name) {
            Some(slot) if !value.is_empty() => slot.1 = value.to_string(),
            Some(_) => fields.retain(|(k, _)| k != name),
            None if !value.is_empty() => fields.push((name.to_string(), value.to_string())),
            None => {}
        }
        self.update(|doc| {
            if fields.is_empty() {
                doc.remove("fields");
            } else {
                doc.set("fields", FmValue::Map(fields), TICKET_KEYS);
            }
        })
    }

    pub fn is_overdue(&self, now: DateTime<Utc>, open: bool) -> bool {
        open && self.due.is_some_and(|d| d.deadline() <= now)
    }
}

/// One immutable file under `events/`: a note, a contact, a message in or out.
#[derive(Debug, Clone)]
pub struct Event {
    pub doc: Document,
    pub id: String,
    pub kind: String,
    pub author: Option<String>,
    pub at: DateTime<Utc>,
    pub attachments: Vec<String>,
}

/// Event kinds tiketti writes; other kinds read back unchanged.
pub mod kind {
    pub const NOTE: &str = "note";
    pub const INBOUND: &str = "inbound";
    pub const OUTBOUND: &str = "outbound";
    pub const COLLISION: &str = "collision";
    /// A tracker's message to every linked ticket, as the tracker records it.
    pub const NOTICE: &str = "notice";
    pub const RESOLUTION: &str = "resolution";
}

impl Event {
    pub fn parse(text: &str) -> Result<Event, CodecError> {
        let doc = Document::parse(text)?;
        let need = |key: &str| -> Result<String, CodecError> {
            doc.get_str(key)?.ok_or_else(|| CodecError {
                line: doc.line_of(key).unwrap_or(1),
                message: format!("field `{key}` is missing"),
            })
        };
        let at_text = need("at")?;
        let at = parse_time(&at_text).ok_or_else(|| CodecError {
            line: doc.line_of("at").unwrap_or(1),
            message: format!("field `at`: {at_text:?} is not an RFC 3339 time"),
        })?;
        Ok(Event {
            id: need("id")?,
            kind: need("kind")?,
            author: doc.get_str("author")?,
            at,
            attachments: doc.get_list("attachments")?,
            doc,
        })
    }

    pub fn new(id: String, kind: &str, author: &str, at: DateTime<Utc>, body: &str) -> Event {
        let mut doc = Document::new(body);
        doc.set("id", FmValue::Str(id.clone()), EVENT_KEYS);
        doc.set("kind", FmValue::Str(kind.to_string()), EVENT_KEYS);
        doc.set("author", FmValue::Str(author.to_string()), EVENT_KEYS);
        doc.set("at", FmValue::Str(format_time(at)), EVENT_KEYS);
        Event {
            doc,
            id,
            kind: kind.to_string(),
            author: Some(author.to_string()),
            at,
            attachments: Vec::new(),
        }
    }

    /// Set a scalar key (an empty value is not written).
    pub fn set_str(&mut self, key: &str, value: &str) {
        if !value.is_empty() {
            self.doc
                .set(key, FmValue::Str(value.to_string()), EVENT_KEYS);
        }
    }

    /// Set a list key (an empty list is not written).
    pub fn set_list(&mut self, key: &str, values: Vec<String>) {
        if !values.is_empty() {
            self.doc.set(key, FmValue::List(values), EVENT_KEYS);
        }
    }

    pub fn set_attachments(&mut self, names: Vec<String>) {
        if !names.is_empty() {
            self.doc
                .set("attachments", FmValue::List(names.clone()), EVENT_KEYS);
        }
        self.attachments = names;
    }

    /// `<UTC yyyymmddThhmmssZ>-<event-id>.md`
    pub fn file_name(&self) -> String {
        format!("{}-{}.md", self.at.format("%Y%m%dT%H%M%SZ"), self.id)
    }

    pub fn body(&self) -> &str {
        &self.doc.body
    }

    /// Internal events are never shown to customers. Only messages to and from the
    /// customer are public; any other kind, including one tiketti does not know, is not.
    pub fn is_internal(&self) -> bool {
        !matches!(self.kind.as_str(), kind::INBOUND | kind::OUTBOUND)
    }

    pub fn render(&self) -> String {
        self.doc.render()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TICKET: &str = "---\nid: 7KQ3F9XM\nsubject: Cannot log in\nstatus: waiting-on-delivery\npriority: high\nrequester: Anna Virtanen <anna@example.com>\ntags: [login]\ndue: 2026-11-30\ncreated: 2026-11-22T10:00:00Z\nlegacy_id: 4711\n---\nShe tried twice.\n";

    #[test]
    fn ticket_round_trips_and_keeps_unknowns() {
        let t = Ticket::parse(TICKET).unwrap();
        assert_eq!(t.render(), TICKET);
        assert_eq!(t.status, "waiting-on-delivery");
        assert_eq!(
            t.due,
            Some(Due::Day(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()))
        );
        assert!(t.doc.keys().any(|k| k == "legacy_id"));
    }

    #[test]
    fn ticket_changes_keep_the_rest() {
        let mut t = Ticket::parse(TICKET).unwrap();
        t.set_str("assignee", Some("anna")).unwrap();
        t.set_field("customer_number", "C-1").unwrap();
        t.set_str("priority", None).unwrap();
        let out = t.render();
        assert!(
            out.contains("status: waiting-on-delivery\nassignee: anna\n"),
            "{out}"
        );
        // Known keys go before unknown ones; the unknown key itself is untouched.
        assert!(
            out.contains("fields:\n  customer_number: C-1\nlegacy_id: 4711\n"),
            "{out}"
        );
        assert!(!out.contains("priority"));
        assert_eq!(t.field("customer_number"), Some("C-1"));
        t.set_field("customer_number", "").unwrap();
        assert!(!t.render().contains("fields"));
    }

    #[test]
    fn bad_tickets_name_line_and_field() {
        let err = Ticket::parse(&TICKET.replace("2026-11-22T10:00:00Z", "yesterday")).unwrap_err();
        assert_eq!(err.line, 9);
        assert!(err.message.contains("`created`"), "{err}");
        let err = Ticket::parse(&TICKET.replace("due: 2026-11-30", "due: soon")).unwrap_err();
        assert_eq!(err.line, 8);
        let err = Ticket::parse(&TICKET.replace("status: waiting-on-delivery\n", "")).unwrap_err();
        assert!(err.message.contains("`status` is missing"), "{err}");
        let err = Ticket::parse(&TICKET.replace("7KQ3F9XM", "nope!")).unwrap_err();
        assert_eq!(err.line, 2);
    }

    #[test]
    fn contacts() {
        let c = Contact::parse("\"Virtanen, Anna\" <anna@example.com>").unwrap();
        assert_eq!(c.name.as_deref(), Some("Virtanen, Anna"));
        assert_eq!(c.email.as_deref(), Some("anna@example.com"));
        assert_eq!(c.to_text(), "\"Virtanen, Anna\" <anna@example.com>");
        assert_eq!(Contact::parse(&c.to_text()).unwrap(), c);
        let q = Contact {
            name: Some("A \"B\" C.".into()),
            email: Some("a@b.c".into()),
        };
        assert_eq!(Contact::parse(&q.to_text()).unwrap(), q);
        assert_eq!(
            Contact::parse("Anna Virtanen <a@b.c>").unwrap().to_text(),
            "Anna Virtanen <a@b.c>"
        );
        assert_eq!(
            Contact::parse("bo@example.com").unwrap().to_text(),
            "bo@example.com"
        );
        assert_eq!(Contact::parse("Matti").unwrap().to_text(), "Matti");
        let handle = Contact::parse("@kahvila_helmi").unwrap();
        assert_eq!(
            (handle.name.as_deref(), handle.email),
            (Some("@kahvila_helmi"), None)
        );
        assert!(Contact::parse("Anna <not an address>").is_err());
        let bo = Contact::parse("Bo <BO@example.com>").unwrap();
        assert!(bo.same_person(&Contact::parse("bo@example.com").unwrap()));
        assert!(!bo.same_person(&Contact::parse("Bo").unwrap()));
        assert!(Contact::parse("a@b@c").is_err());
        assert!(Contact::parse("  ").is_err());
    }

    #[test]
    fn due_deadlines() {
        let day = Due::parse("2026-11-30").unwrap();
        assert_eq!(format_time(day.deadline()), "2026-12-01T00:00:00Z");
        let at = Due::parse("2026-11-30T15:00:00+02:00").unwrap();
        assert_eq!(at.to_text(), "2026-11-30T13:00:00Z");
        assert!(Due::parse("tomorrow").is_none());
    }

    #[test]
    fn events_round_trip_and_name_their_file() {
        let at = parse_time("2026-11-22T10:00:00Z").unwrap();
        let mut e = Event::new(
            "ABCDEFGHJK".into(),
            kind::NOTE,
            "anna",
            at,
            "Called her back.\n",
        );
        e.set_attachments(vec!["log.txt".into()]);
        let text = e.render();
        let back = Event::parse(&text).unwrap();
        assert_eq!(back.render(), text);
        assert_eq!(back.file_name(), "20261122T100000Z-ABCDEFGHJK.md");
        assert_eq!(back.attachments, vec!["log.txt"]);
        assert!(back.is_internal());
    }
}
