//! Threading decisions, in the order of DESIGN.md §5, as a pure function of the message
//! and an index of what is already stored. The reason is recorded on the event.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::ticket::TicketId;

use super::inbound::InboundMail;

/// The messages already stored, as the store answers for them (from its events cache):
/// each question answered as a map filled ticket by ticket in ID order would.
pub trait StoredMessages {
    /// The ticket holding event `id` (the last in ID order, should two hold it).
    fn event(&self, id: &str) -> Option<TicketId>;
    /// The first ticket (in ID order) that stored or sent this Message-ID.
    fn message(&self, message_id: &str) -> Option<TicketId>;
    /// The first ticket holding a message that refers to this Message-ID.
    fn referencing(&self, message_id: &str) -> Option<TicketId>;
    /// When automatic mail went to this address (any case).
    fn auto_sent(&self, email: &str) -> Vec<DateTime<Utc>>;
}

/// What is known about stored and sent messages: those stored before this run (looked
/// up in the store) and those this run stored.
#[derive(Default)]
pub struct ThreadIndex {
    stored: Option<Box<dyn StoredMessages>>,
    /// Message-ID → ticket, for every message stored (inbound) or sent (outbound).
    by_message_id: HashMap<String, TicketId>,
    /// Message-ID that a stored message refers to → that message's ticket. A reply that
    /// arrives before its parent leaves its parent's ID here, so the parent finds it.
    by_reference: HashMap<String, TicketId>,
    /// Event ID → ticket, for duplicates.
    events: HashMap<String, TicketId>,
    /// The key of our Message-IDs' keyed hash ([`super::outbound::our_ticket`]); empty:
    /// our Message-IDs are recognised only through the stored messages.
    pub key: Vec<u8>,
    /// Automatic mail sent, per recipient address (lower case): when.
    auto_sent: HashMap<String, Vec<DateTime<Utc>>>,
}

impl ThreadIndex {
    /// The index of what `stored` holds.
    pub fn new(key: Vec<u8>, stored: Box<dyn StoredMessages>) -> ThreadIndex {
        ThreadIndex {
            stored: Some(stored),
            key,
            ..ThreadIndex::default()
        }
    }

    /// Record a stored message. Like the store's answers, the first ticket to hold a
    /// Message-ID keeps it and the last to hold an event ID has it.
    pub fn add(
        &mut self,
        ticket: &TicketId,
        event_id: &str,
        message_id: Option<&str>,
        references: &[String],
    ) {
        self.events.insert(event_id.to_string(), ticket.clone());
        if let Some(m) = message_id {
            self.by_message_id
                .entry(m.to_string())
                .or_insert_with(|| ticket.clone());
        }
        for r in references {
            self.by_reference
                .entry(r.clone())
                .or_insert_with(|| ticket.clone());
        }
    }

    /// Record an automatic mail to `recipients` at `at`.
    pub fn add_auto(&mut self, recipients: &[String], at: DateTime<Utc>) {
        for r in recipients {
            self.auto_sent.entry(r.to_lowercase()).or_default().push(at);
        }
    }

    /// The ticket holding event `id`.
    pub fn event(&self, id: &str) -> Option<TicketId> {
        self.events
            .get(id)
            .cloned()
            .or_else(|| self.stored.as_ref()?.event(id))
    }

    /// The ticket that stored or sent this Message-ID.
    pub fn message(&self, message_id: &str) -> Option<TicketId> {
        self.stored
            .as_ref()
            .and_then(|s| s.message(message_id))
            .or_else(|| self.by_message_id.get(message_id).cloned())
    }

    /// The ticket holding a message that refers to this Message-ID.
    pub fn referencing(&self, message_id: &str) -> Option<TicketId> {
        self.stored
            .as_ref()
            .and_then(|s| s.referencing(message_id))
            .or_else(|| self.by_reference.get(message_id).cloned())
    }

    /// Automatic mails to `email` in the 24 hours before `now`.
    pub fn auto_count(&self, email: &str, now: DateTime<Utc>) -> usize {
        let stored = self
            .stored
            .as_ref()
            .map(|s| s.auto_sent(email))
            .unwrap_or_default();
        let added = self.auto_sent.get(&email.to_lowercase());
        stored
            .iter()
            .chain(added.into_iter().flatten())
            .filter(|t| **t > now - chrono::Duration::hours(24) && **t <= now)
            .count()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// No earlier message: a new ticket.
    New,
    /// The Message-ID is already stored with another body (a broken mailer reused it).
    MessageId,
    /// In-Reply-To names a message we stored or sent.
    InReplyTo,
    /// References names a message we stored or sent.
    References,
    /// A stored message refers to this one: its reply arrived first.
    ReferencedBy,
    /// This and a stored message refer to the same message, which has not arrived.
    SharedReference,
    /// In-Reply-To or References names a message we sent, by its keyed Message-ID,
    /// though the message itself is not stored here (yet).
    OurMessageId,
    /// The subject carries our tag, and the sender is a participant of that ticket.
    SubjectTag,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::New => "new",
            Reason::MessageId => "message-id",
            Reason::InReplyTo => "in-reply-to",
            Reason::References => "references",
            Reason::ReferencedBy => "referenced-by",
            Reason::SharedReference => "shared-reference",
            Reason::OurMessageId => "our-message-id",
            Reason::SubjectTag => "subject-tag",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// The same message is already stored: nothing to do.
    Duplicate(TicketId),
    Join(TicketId, Reason),
    New,
}

/// `[<tag> #ID]` in a subject (case-insensitive tag), the ID normalised.
pub fn subject_tag(subject: &str, tag: &str) -> Option<TicketId> {
    // ASCII lower-casing keeps byte offsets, so `subject` can be sliced where `lower` matched.
    let lower = subject.to_ascii_lowercase();
    let needle = format!("[{} #", tag.to_ascii_lowercase());
    let mut from = 0;
    while let Some(pos) = lower[from..].find(&needle) {
        let start = from + pos + needle.len();
        if let Some(end) = lower[start..].find(']')
            && let Ok(id) = TicketId::parse(&subject[start..start + end])
        {
            return Some(id);
        }
        from = start;
    }
    None
}

/// Decide where `mail` (whose event ID is `event_id`) belongs. `is_participant(ticket,
/// email)` says whether the sender takes part in a ticket named by a subject tag.
pub fn decide(
    mail: &InboundMail,
    event_id: &str,
    index: &ThreadIndex,
    tag: Option<&str>,
    is_participant: impl Fn(&TicketId, &str) -> bool,
) -> Decision {
    if let Some(t) = index.event(event_id) {
        return Decision::Duplicate(t);
    }
    if let Some(t) = mail.message_id.as_ref().and_then(|m| index.message(m)) {
        return Decision::Join(t, Reason::MessageId);
    }
    for r in &mail.in_reply_to {
        if let Some(t) = index.message(r) {
            return Decision::Join(t, Reason::InReplyTo);
        }
    }
    for r in mail.referenced_ids() {
        if let Some(t) = index.message(&r) {
            return Decision::Join(t, Reason::References);
        }
    }
    if let Some(t) = mail.message_id.as_ref().and_then(|m| index.referencing(m)) {
        return Decision::Join(t, Reason::ReferencedBy);
    }
    for r in mail.referenced_ids() {
        if let Some(t) = index.referencing(&r) {
            return Decision::Join(t, Reason::SharedReference);
        }
    }
    if !index.key.is_empty() {
        for r in mail.referenced_ids() {
            if let Some(t) = super::outbound::our_ticket(&r, &index.key) {
                return Decision::Join(t, Reason::OurMessageId);
            }
        }
    }
    if let (Some(tag), Some(from)) = (tag, &mail.from)
        && let Some(id) = subject_tag(&mail.subject, tag)
        && is_participant(&id, &from.email)
    {
        return Decision::Join(id, Reason::SubjectTag);
    }
    Decision::New
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(id: &str, irt: &[&str], refs: &[&str], subject: &str) -> InboundMail {
        let mut raw = format!("From: c@x.fi\nSubject: {subject}\nMessage-ID: <{id}>\n");
        if !irt.is_empty() {
            raw += &format!(
                "In-Reply-To: {}\n",
                irt.iter()
                    .map(|r| format!("<{r}>"))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
        }
        if !refs.is_empty() {
            raw += &format!(
                "References: {}\n",
                refs.iter()
                    .map(|r| format!("<{r}>"))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
        }
        raw += "\nbody\n";
        InboundMail::parse(raw.as_bytes()).unwrap()
    }

    fn t(s: &str) -> TicketId {
        TicketId::parse(s).unwrap()
    }

    #[test]
    fn order_of_rules() {
        let mut idx = ThreadIndex::default();
        idx.add(&t("AAAAAAAA"), "E1", Some("root@x"), &[]);
        let nobody = |_: &TicketId, _: &str| false;
        assert_eq!(
            decide(&mail("a@x", &[], &[], "s"), "E1", &idx, None, nobody),
            Decision::Duplicate(t("AAAAAAAA"))
        );
        assert_eq!(
            decide(&mail("root@x", &[], &[], "s"), "E2", &idx, None, nobody),
            Decision::Join(t("AAAAAAAA"), Reason::MessageId)
        );
        assert_eq!(
            decide(
                &mail("r1@x", &["root@x"], &[], "s"),
                "E3",
                &idx,
                None,
                nobody
            ),
            Decision::Join(t("AAAAAAAA"), Reason::InReplyTo)
        );
        assert_eq!(
            decide(
                &mail("r2@x", &[], &["root@x", "gone@x"], "s"),
                "E4",
                &idx,
                None,
                nobody
            ),
            Decision::Join(t("AAAAAAAA"), Reason::References)
        );
        assert_eq!(
            decide(&mail("new@x", &[], &[], "s"), "E5", &idx, None, nobody),
            Decision::New
        );
    }

    #[test]
    fn replies_that_arrive_before_their_parent() {
        let mut idx = ThreadIndex::default();
        // A reply to missing@x arrived first and opened ticket BBBBBBBB.
        idx.add(
            &t("BBBBBBBB"),
            "E1",
            Some("reply1@x"),
            &["missing@x".to_string()],
        );
        let nobody = |_: &TicketId, _: &str| false;
        // The parent arrives later and joins its child's ticket.
        assert_eq!(
            decide(&mail("missing@x", &[], &[], "s"), "E2", &idx, None, nobody),
            Decision::Join(t("BBBBBBBB"), Reason::ReferencedBy)
        );
        // A sibling reply to the same missing parent joins too.
        assert_eq!(
            decide(
                &mail("reply2@x", &["missing@x"], &[], "s"),
                "E3",
                &idx,
                None,
                nobody
            ),
            Decision::Join(t("BBBBBBBB"), Reason::SharedReference)
        );
    }

    #[test]
    fn subject_tags_need_a_participant() {
        let idx = ThreadIndex::default();
        let m = mail("x@x", &[], &[], "Re: [Support #7kq3-f9xm] printer");
        let member = |id: &TicketId, email: &str| id.as_str() == "7KQ3F9XM" && email == "c@x.fi";
        assert_eq!(
            decide(&m, "E", &idx, Some("support"), member),
            Decision::Join(t("7KQ3F9XM"), Reason::SubjectTag)
        );
        let stranger = |_: &TicketId, _: &str| false;
        assert_eq!(
            decide(&m, "E", &idx, Some("Support"), stranger),
            Decision::New
        );
        assert_eq!(decide(&m, "E", &idx, None, member), Decision::New);
    }

    #[test]
    fn our_signed_message_ids_thread_without_the_stored_message() {
        let mut idx = ThreadIndex {
            key: b"root".to_vec(),
            ..Default::default()
        };
        let ours = crate::mail::outbound::message_id(&t("7KQ3F9XM"), "ABCDEFGHJK", "h.fi", b"root");
        let m = mail("r@x", &[&ours], &[], "Re: x");
        assert_eq!(
            decide(&m, "E", &idx, None, |_, _| false),
            Decision::Join(t("7KQ3F9XM"), Reason::OurMessageId)
        );
        // A made-up one is not believed.
        let forged = mail(
            "r@x",
            &[&ours.replace("7KQ3F9XM", "7KQ3F9XN")],
            &[],
            "Re: x",
        );
        assert_eq!(
            decide(&forged, "E", &idx, None, |_, _| false),
            Decision::New
        );
        idx.key.clear();
        assert_eq!(decide(&m, "E", &idx, None, |_, _| false), Decision::New);
    }

    #[test]
    fn automatic_mail_is_counted_per_recipient_for_a_day() {
        let mut idx = ThreadIndex::default();
        let at = |s: &str| crate::ticket::parse_time(s).unwrap();
        idx.add_auto(&["A@x.fi".into()], at("2026-11-21T08:00:00Z"));
        idx.add_auto(&["a@x.fi".into()], at("2026-11-21T12:00:00Z"));
        idx.add_auto(&["a@x.fi".into()], at("2026-11-22T08:00:00Z"));
        // The 24 hours before 09:00: since 09:00 yesterday.
        assert_eq!(idx.auto_count("a@X.fi", at("2026-11-22T09:00:00Z")), 2);
        // Before 08:00 today: the two of yesterday, not today's.
        assert_eq!(idx.auto_count("a@x.fi", at("2026-11-22T07:59:00Z")), 2);
        assert_eq!(idx.auto_count("a@x.fi", at("2026-11-23T10:00:00Z")), 0);
        assert_eq!(idx.auto_count("b@x.fi", at("2026-11-22T09:00:00Z")), 0);
    }

    #[test]
    fn subject_tag_parsing() {
        assert_eq!(
            subject_tag("[Tuki #7KQ3F9XM] x", "tuki"),
            Some(t("7KQ3F9XM"))
        );
        assert_eq!(
            subject_tag("[Tuki #nope] [Tuki #7KQ3F9XM]", "Tuki"),
            Some(t("7KQ3F9XM"))
        );
        assert_eq!(subject_tag("[Other #7KQ3F9XM]", "Tuki"), None);
        assert_eq!(subject_tag("[Tuki #7KQ3", "Tuki"), None);
        assert_eq!(
            subject_tag("Ä [tuki #7KQ3F9XM]", "TUKI"),
            Some(t("7KQ3F9XM"))
        );
        assert_eq!(
            subject_tag("İİİ [tuki #7KQ3F9XM]", "TUKI"),
            Some(t("7KQ3F9XM"))
        );
    }
}
