//! RFC 5322 out: one message built from what a reply, an acknowledgement or a reminder
//! says, with the headers that make it thread back (DESIGN.md §6). The only user of
//! lettre's message builder, which encodes non-ASCII names and subjects (RFC 2047),
//! bodies (quoted-printable or base64) and attachment names (RFC 2231).
//!
//! Outgoing Message-IDs are `tiketti.<ticket>.<event>.<mac>@<domain>`: the ticket and
//! event they came from, and a keyed hash of both, so a reply that arrives before its
//! ticket is known here, or whose ticket is named only by a reference, threads back,
//! while a reference someone made up does not.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{Address, Message};
use sha2::{Digest, Sha256};

use super::inbound::LOOP_HEADER;
use crate::ticket::{Contact, TicketId, id};

/// Why tiketti sent a message on its own (RFC 3834 `Auto-Submitted`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auto {
    /// An answer to a customer's message: the acknowledgement.
    Replied,
    /// Not an answer to anything: a notice or a reminder.
    Generated,
}

/// A message to build.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub from: Contact,
    pub to: Vec<Contact>,
    pub cc: Vec<Contact>,
    pub subject: String,
    /// Without angle brackets.
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub date: DateTime<Utc>,
    pub auto: Option<Auto>,
    /// The value of the loop header: the helpdesk's address. Our own mail that comes
    /// back through `ingest` is recognised by it.
    pub loop_marker: String,
    pub text: String,
    /// File name and bytes.
    pub attachments: Vec<(String, Vec<u8>)>,
}

/// References kept in a reply: the first (the thread's root) and the latest ones.
const MAX_REFERENCES: usize = 20;

impl Outgoing {
    /// The complete message, CRLF line endings, ready for a transport.
    pub fn build(&self) -> Result<Vec<u8>, String> {
        let mut b = Message::builder()
            .from(mailbox(&self.from)?)
            .subject(self.subject.clone())
            .message_id(Some(format!("<{}>", self.message_id)))
            .date(self.date.into());
        for c in &self.to {
            b = b.to(mailbox(c)?);
        }
        for c in &self.cc {
            b = b.cc(mailbox(c)?);
        }
        if let Some(r) = &self.in_reply_to {
            b = b.in_reply_to(format!("<{r}>"));
        }
        let refs = trim_references(&self.references);
        if !refs.is_empty() {
            b = b.references(
                refs.iter()
                    .map(|r| format!("<{r}>"))
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
        b = b.raw_header(header(LOOP_HEADER, &self.loop_marker));
        if let Some(auto) = self.auto {
            let value = match auto {
                Auto::Replied => "auto-replied",
                Auto::Generated => "auto-generated",
            };
            b = b
                .raw_header(header("Auto-Submitted", value))
                // Exchange and Outlook: send no out-of-office or delivery receipts to this.
                .raw_header(header("X-Auto-Response-Suppress", "All"));
        }
        let text = SinglePart::plain(normalize_newlines(&self.text));
        let message = if self.attachments.is_empty() {
            b.singlepart(text)
        } else {
            let mut parts = MultiPart::mixed().singlepart(text);
            for (name, bytes) in &self.attachments {
                parts = parts.singlepart(
                    Attachment::new(name.clone()).body(bytes.clone(), content_type(name)),
                );
            }
            b.multipart(parts)
        }
        .map_err(|e| format!("cannot build the message: {e}"))?;
        Ok(message.formatted())
    }
}

fn header(name: &'static str, value: &str) -> HeaderValue {
    HeaderValue::new(HeaderName::new_from_ascii_str(name), value.to_string())
}

fn mailbox(c: &Contact) -> Result<Mailbox, String> {
    let email = c
        .email
        .as_deref()
        .ok_or_else(|| format!("{} has no e-mail address", c.to_text()))?;
    let address = Address::from_str(email)
        .map_err(|e| format!("{email:?} is not an address mail can be sent to: {e}"))?;
    Ok(Mailbox::new(
        c.name.clone().filter(|n| !n.is_empty()),
        address,
    ))
}

fn trim_references(refs: &[String]) -> Vec<String> {
    if refs.len() <= MAX_REFERENCES {
        return refs.to_vec();
    }
    let mut out = vec![refs[0].clone()];
    out.extend_from_slice(&refs[refs.len() - (MAX_REFERENCES - 1)..]);
    out
}

/// A body as typed or stored (`\n`), as lettre expects it; it writes CRLF itself.
fn normalize_newlines(text: &str) -> String {
    let t = text.replace("\r\n", "\n");
    if t.ends_with('\n') { t } else { t + "\n" }
}

/// The MIME type of an attachment, from its name.
fn content_type(name: &str) -> ContentType {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let mime = match ext.as_str() {
        "pdf" => "application/pdf",
        "txt" | "log" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "html" | "htm" => "text/html; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "zip" => "application/zip",
        "json" => "application/json",
        "xml" => "application/xml",
        "ics" => "text/calendar; charset=utf-8",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt" => "application/vnd.oasis.opendocument.text",
        "ods" => "application/vnd.oasis.opendocument.spreadsheet",
        _ => "application/octet-stream",
    };
    ContentType::parse(mime).unwrap_or(ContentType::TEXT_PLAIN)
}

/// The subject of a message about ticket `id`: `[Tag #ID] Re: subject`. A subject that
/// already carries the tag keeps it where it is.
pub fn subject(tag: &str, id: &TicketId, subject: &str, reply: bool) -> String {
    // A reply says `Re:` once; a subject given as it is (a template's) stays as it is.
    let (base, re) = if reply {
        (strip_reply_prefixes(subject), "Re: ")
    } else {
        (subject.trim(), "")
    };
    if super::thread::subject_tag(subject, tag).as_ref() == Some(id) {
        return format!("{re}{base}");
    }
    let base = if base.is_empty() {
        "(no subject)"
    } else {
        base
    };
    format!("[{tag} #{id}] {re}{base}")
}

/// `Re: Fwd: AW: subject` → `subject`.
fn strip_reply_prefixes(s: &str) -> &str {
    let mut s = s.trim();
    loop {
        let lower = s.to_ascii_lowercase();
        let Some(n) = [
            "re:", "fw:", "fwd:", "aw:", "sv:", "vs:", "vl:", "wg:", "tr:",
        ]
        .iter()
        .find(|p| lower.starts_with(*p))
        .map(|p| p.len()) else {
            return s;
        };
        s = s[n..].trim_start();
    }
}

/// The keyed hash of an outgoing Message-ID: 50 bits, 10 Crockford characters.
fn mac(key: &[u8], ticket: &str, event: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"tiketti message-id\0")
        .chain_update(key)
        .chain_update([0])
        .chain_update(ticket.as_bytes())
        .chain_update([0])
        .chain_update(event.as_bytes())
        .finalize();
    let mut bits = [0u8; 8];
    bits.copy_from_slice(&digest[..8]);
    id::encode(u64::from_be_bytes(bits) >> 14, 10)
}

/// The Message-ID (without brackets) of event `event` of ticket `ticket`.
pub fn message_id(ticket: &TicketId, event: &str, domain: &str, key: &[u8]) -> String {
    format!(
        "tiketti.{ticket}.{event}.{}@{domain}",
        mac(key, ticket.as_str(), event)
    )
}

/// The ticket a Message-ID of ours names, if its keyed hash is right.
pub fn our_ticket(message_id: &str, key: &[u8]) -> Option<TicketId> {
    let local = message_id.split_once('@')?.0;
    let mut parts = local.split('.');
    let (Some("tiketti"), Some(ticket), Some(event), Some(mac_given), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let ticket = TicketId::parse(ticket).ok()?;
    (ticket.as_str() == local.split('.').nth(1)? && mac(key, ticket.as_str(), event) == mac_given)
        .then_some(ticket)
}

/// The domain of the helpdesk's address, for Message-IDs.
pub fn domain_of(address: &str) -> &str {
    address.rsplit_once('@').map_or(address, |(_, d)| d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::inbound::InboundMail;

    fn contact(s: &str) -> Contact {
        Contact::parse(s).unwrap()
    }

    fn sample() -> Outgoing {
        Outgoing {
            from: contact("Äijä Öhman <support@example.fi>"),
            to: vec![contact("Märta Ström <marta@example.se>")],
            cc: vec![contact("bo@example.com")],
            subject: "[Tuki #7KQ3F9XM] Re: Tilaus ei näy".into(),
            message_id: "tiketti.7KQ3F9XM.ABCDEFGHJK.0123456789@example.fi".into(),
            in_reply_to: Some("c1@example.se".into()),
            references: vec!["c0@example.se".into(), "c1@example.se".into()],
            date: crate::ticket::parse_time("2026-11-22T10:00:00Z").unwrap(),
            auto: Some(Auto::Replied),
            loop_marker: "support@example.fi".into(),
            text: "Hei Märta,\n\ntilauksesi on matkalla.\n".into(),
            attachments: vec![("kuitti ä.pdf".into(), b"%PDF-1.4 fake".to_vec())],
        }
    }

    #[test]
    fn builds_a_message_that_reads_back() {
        let raw = sample().build().unwrap();
        let text = String::from_utf8_lossy(&raw);
        assert!(raw.is_ascii(), "headers and body are 7-bit: {text}");
        assert!(text.contains("\r\n"), "CRLF line ends");
        assert!(text.contains("Auto-Submitted: auto-replied\r\n"), "{text}");
        assert!(
            text.contains("X-Tiketti-Loop: support@example.fi\r\n"),
            "{text}"
        );
        assert!(text.contains("=?utf-8?"), "encoded words: {text}");
        // Our own parser reads it back exactly.
        let back = InboundMail::parse(&raw).unwrap();
        assert_eq!(back.subject, "[Tuki #7KQ3F9XM] Re: Tilaus ei näy");
        assert_eq!(
            back.from.as_ref().unwrap().name.as_deref(),
            Some("Äijä Öhman")
        );
        assert_eq!(back.to[0].name.as_deref(), Some("Märta Ström"));
        assert_eq!(back.cc[0].email, "bo@example.com");
        assert_eq!(
            back.message_id.as_deref(),
            Some("tiketti.7KQ3F9XM.ABCDEFGHJK.0123456789@example.fi")
        );
        assert_eq!(back.in_reply_to, vec!["c1@example.se"]);
        assert_eq!(back.references, vec!["c0@example.se", "c1@example.se"]);
        assert!(
            back.text.contains("tilauksesi on matkalla."),
            "{}",
            back.text
        );
        assert_eq!(back.attachments.len(), 1);
        assert_eq!(back.attachments[0].name, "kuitti ä.pdf");
        assert_eq!(back.attachments[0].bytes, b"%PDF-1.4 fake");
        // It is recognised as automatic mail and as our own.
        assert!(back.auto.is_some());
    }

    #[test]
    fn a_reply_by_a_person_is_not_automatic() {
        let mut m = sample();
        m.auto = None;
        m.attachments.clear();
        let raw = m.build().unwrap();
        let text = String::from_utf8_lossy(&raw);
        assert!(!text.contains("Auto-Submitted"), "{text}");
        assert!(text.contains("X-Tiketti-Loop"), "{text}");
    }

    #[test]
    fn recipients_need_addresses() {
        let mut m = sample();
        m.to = vec![contact("Matti")];
        assert!(m.build().unwrap_err().contains("Matti"));
    }

    #[test]
    fn message_ids_carry_ticket_and_a_keyed_hash() {
        let t = TicketId::parse("7KQ3F9XM").unwrap();
        let id = message_id(&t, "ABCDEFGHJK", "example.fi", b"key");
        assert!(id.starts_with("tiketti.7KQ3F9XM.ABCDEFGHJK."), "{id}");
        assert_eq!(our_ticket(&id, b"key"), Some(t.clone()));
        assert_eq!(our_ticket(&id, b"other key"), None);
        let forged = id.replace("7KQ3F9XM", "7KQ3F9XN");
        assert_eq!(our_ticket(&forged, b"key"), None);
        assert_eq!(our_ticket("c1@example.se", b"key"), None);
        assert_eq!(our_ticket("tiketti.x@y", b"key"), None);
    }

    #[test]
    fn subjects() {
        let t = TicketId::parse("7KQ3F9XM").unwrap();
        assert_eq!(
            subject("Tuki", &t, "Re: AW: Tilaus", true),
            "[Tuki #7KQ3F9XM] Re: Tilaus"
        );
        assert_eq!(
            subject("Tuki", &t, "Re: [Tuki #7KQ3F9XM] Tilaus", true),
            "Re: [Tuki #7KQ3F9XM] Tilaus"
        );
        assert_eq!(
            subject("Tuki", &t, "", false),
            "[Tuki #7KQ3F9XM] (no subject)"
        );
    }

    #[test]
    fn long_reference_chains_keep_root_and_latest() {
        let refs: Vec<String> = (0..30).map(|i| format!("m{i}@x")).collect();
        let kept = trim_references(&refs);
        assert_eq!(kept.len(), MAX_REFERENCES);
        assert_eq!(kept[0], "m0@x");
        assert_eq!(kept.last().unwrap(), "m29@x");
    }
}
