//! One received message, decoded: addresses, subject, readable text, attachments, the
//! threading headers, whether a machine sent it, and the dedupe key (DESIGN.md §3, §5).
//! Everything `mail_parser` knows is translated here into tiketti's own types.

use chrono::{DateTime, TimeZone, Utc};
use mail_parser::{Address, HeaderValue, MessageParser, MimeHeaders, PartType};
use sha2::{Digest, Sha256};

use crate::ticket::Contact;

/// The header our own outgoing mail carries, so it is recognised if it comes back.
pub const LOOP_HEADER: &str = "X-Tiketti-Loop";

/// An address as it appears in a header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailAddr {
    pub name: Option<String>,
    pub email: String,
}

impl MailAddr {
    /// `Name <email>` or `email`, the form tickets store (names with RFC 5322 specials
    /// quoted, as [`Contact`] writes them).
    pub fn to_text(&self) -> String {
        // Angle brackets or line breaks in a display name would break the form.
        let name: Option<String> = self
            .name
            .as_deref()
            .map(|n| {
                n.chars()
                    .filter(|c| !"<>\r\n".contains(*c))
                    .collect::<String>()
                    .trim()
                    .to_string()
            })
            .filter(|n| !n.is_empty() && !n.eq_ignore_ascii_case(&self.email));
        Contact {
            name,
            email: Some(self.email.clone()),
        }
        .to_text()
    }
}

/// Why a machine, not a person, sent a message. Such mail never triggers automatic mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AutoKind {
    /// Out-of-office and other auto-replies (Auto-Submitted, X-Autoreply, …).
    AutoReply,
    /// Delivery failures (null Return-Path, MAILER-DAEMON, multipart/report).
    Bounce,
    /// Mailing-list traffic (List-Id, Precedence: list).
    List,
    /// Bulk or junk mail (Precedence: bulk/junk).
    Bulk,
    /// Challenge-response systems asking the sender to confirm.
    Challenge,
    /// Our own mail come back.
    Loop,
}

impl AutoKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AutoKind::AutoReply => "auto-reply",
            AutoKind::Bounce => "bounce",
            AutoKind::List => "list",
            AutoKind::Bulk => "bulk",
            AutoKind::Challenge => "challenge",
            AutoKind::Loop => "loop",
        }
    }
}

/// A file carried by the message.
#[derive(Debug, Clone)]
pub struct MailAttachment {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// A decoded message.
#[derive(Debug, Clone)]
pub struct InboundMail {
    /// Message-ID without angle brackets.
    pub message_id: Option<String>,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    pub subject: String,
    pub from: Option<MailAddr>,
    pub reply_to: Vec<MailAddr>,
    pub to: Vec<MailAddr>,
    pub cc: Vec<MailAddr>,
    pub date: Option<DateTime<Utc>>,
    /// The readable text: text parts as they are, HTML-only mail converted.
    pub text: String,
    pub attachments: Vec<MailAttachment>,
    pub auto: Option<AutoKind>,
    /// Hex SHA-256 of the body bytes (after the header block), line endings normalised.
    pub body_hash: String,
    /// Hex SHA-256 of the whole message less the trace fields relays prepend: the
    /// identity of a message that has no Message-ID.
    pub content_hash: String,
}

/// A message that cannot be read as mail, with the reason for the quarantine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Unreadable(pub String);

fn addresses(addr: Option<&Address<'_>>) -> Vec<MailAddr> {
    let Some(addr) = addr else { return Vec::new() };
    addr.iter()
        .filter_map(|a| {
            let email = a
                .address
                .as_deref()?
                .trim()
                .trim_matches(['<', '>'])
                .to_string();
            let valid = email
                .split_once('@')
                .is_some_and(|(l, d)| !l.is_empty() && !d.is_empty() && !d.contains('@'))
                && !email
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control() || c == ',');
            if !valid {
                return None;
            }
            let name = a.name.as_deref().map(one_line).filter(|n| !n.is_empty());
            Some(MailAddr { name, email })
        })
        .collect()
}

/// Message-IDs from a header value, brackets and whitespace removed.
fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    let raw: Vec<String> = match value {
        HeaderValue::Text(t) => vec![t.to_string()],
        HeaderValue::TextList(l) => l.iter().map(|t| t.to_string()).collect(),
        _ => Vec::new(),
    };
    raw.iter()
        .flat_map(|s| s.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .map(|s| normalize_id(&s))
        .filter(|s| !s.is_empty())
        .collect()
}

/// A Message-ID as tiketti compares it: no brackets, no surrounding whitespace.
pub fn normalize_id(s: &str) -> String {
    s.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_string()
}

/// The body: everything after the first empty line.
fn body_bytes(raw: &[u8]) -> &[u8] {
    if let Some(rest) = raw
        .strip_prefix(b"\r\n")
        .or_else(|| raw.strip_prefix(b"\n"))
    {
        return rest;
    }
    for i in 0..raw.len() {
        let rest = &raw[i..];
        if rest.starts_with(b"\r\n\r\n") {
            return &raw[i + 4..];
        }
        if rest.starts_with(b"\n\n") {
            return &raw[i + 2..];
        }
    }
    &[]
}

/// SHA-256 with CRLF as LF and trailing blank space removed: the same bytes relayed
/// through a CRLF and an LF path hash the same.
fn normalized_hash(bytes: &[u8]) -> String {
    let mut normalized = Vec::with_capacity(bytes.len());
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            continue;
        }
        normalized.push(b);
    }
    while normalized.last().is_some_and(|b| b.is_ascii_whitespace()) {
        normalized.pop();
    }
    hex(&Sha256::digest(&normalized))
}

/// A header text as one line: whitespace runs as one space, control characters dropped.
fn one_line(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Header fields that relays and delivery agents add at the top of a message.
#[rustfmt::skip]
const TRACE_FIELDS: &[&str] = &[
    "received", "return-path", "delivered-to", "x-original-to", "x-received", "envelope-to",
    "authentication-results", "arc-seal", "arc-message-signature", "arc-authentication-results",
    "received-spf", "x-spam-status", "x-spam-score", "x-spam-level", "x-spam-checker-version",
    "x-virus-scanned", "x-envelope-from", "x-envelope-to",
];

/// The message from its first field that is not a trace field (with its continuation lines).
fn without_trace(raw: &[u8]) -> &[u8] {
    let mut pos = 0;
    let mut skipping = false;
    while pos < raw.len() {
        let end = raw[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(raw.len(), |i| pos + i + 1);
        let line = &raw[pos..end];
        let continuation = line.first().is_some_and(|b| *b == b' ' || *b == b'\t');
        if continuation && skipping {
            pos = end;
            continue;
        }
        let name = line.split(|&b| b == b':').next().unwrap_or(b"");
        let name = String::from_utf8_lossy(name).trim().to_ascii_lowercase();
        if !continuation && line.contains(&b':') && TRACE_FIELDS.contains(&name.as_str()) {
            skipping = true;
            pos = end;
            continue;
        }
        break;
    }
    &raw[pos..]
}

/// Mail whose lines end in a bare CR (old Mac mailers) reads as one long header line;
/// the parser gets a copy with LF line ends. The stored raw bytes are never changed.
fn parseable(raw: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let head = &raw[..raw.len().min(8192)];
    if !head.contains(&b'\n') && head.contains(&b'\r') {
        std::borrow::Cow::Owned(
            raw.iter()
                .map(|&b| if b == b'\r' { b'\n' } else { b })
                .collect(),
        )
    } else {
        std::borrow::Cow::Borrowed(raw)
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Text fit for a Markdown file: LF line endings, no control characters but tab.
fn clean_text(s: &str) -> String {
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    let s: String = s
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect();
    let trimmed = s.trim_matches('\n');
    if trimmed.trim().is_empty() {
        String::new()
    } else {
        format!("{}\n", trimmed.trim_end())
    }
}

fn detect_auto(msg: &mail_parser::Message<'_>, from: Option<&MailAddr>) -> Option<AutoKind> {
    let has = |name: &str| msg.header_raw(name).is_some();
    let value = |name: &str| {
        msg.header_raw(name)
            .map(|s| s.trim().to_ascii_lowercase())
            .unwrap_or_default()
    };
    if has(LOOP_HEADER) {
        return Some(AutoKind::Loop);
    }
    let local = from
        .map(|f| f.email.split('@').next().unwrap_or("").to_ascii_lowercase())
        .unwrap_or_default();
    let return_path_null = msg
        .header_raw("Return-Path")
        .is_some_and(|r| r.trim() == "<>" || r.trim().is_empty());
    let is_report = msg.content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("multipart")
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
    });
    if return_path_null || local == "mailer-daemon" || local == "postmaster" || is_report {
        return Some(AutoKind::Bounce);
    }
    if msg
        .headers()
        .iter()
        .any(|h| h.name().to_ascii_lowercase().contains("challenge"))
    {
        return Some(AutoKind::Challenge);
    }
    let auto_submitted = value("Auto-Submitted");
    if (!auto_submitted.is_empty() && auto_submitted != "no")
        || has("X-Autoreply")
        || has("X-Autorespond")
        || has("X-Auto-Response-Suppress")
        || has("X-AutoReply-From")
        || value("X-Autogenerated") == "reply"
    {
        return Some(AutoKind::AutoReply);
    }
    let precedence = value("Precedence");
    if precedence == "list" || has("List-Id") || has("List-Post") || has("List-Unsubscribe") {
        return Some(AutoKind::List);
    }
    if precedence == "bulk" || precedence == "junk" {
        return Some(AutoKind::Bulk);
    }
    None
}

fn extension_for(content_type: &str) -> &'static str {
    match content_type {
        "message/rfc822" => ".eml",
        "text/plain" => ".txt",
        "text/html" => ".html",
        "application/pdf" => ".pdf",
        "image/png" => ".png",
        "image/jpeg" => ".jpg",
        "image/gif" => ".gif",
        _ => "",
    }
}

impl InboundMail {
    pub fn parse(raw: &[u8]) -> Result<InboundMail, Unreadable> {
        if raw.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(Unreadable("the message is empty".into()));
        }
        let parse_copy = parseable(raw);
        let raw: &[u8] = &parse_copy;
        let msg = MessageParser::default().parse(raw).ok_or_else(|| {
            Unreadable("not an RFC 5322 message: the parser found no message".into())
        })?;
        if msg.headers().is_empty() {
            return Err(Unreadable(
                "not an RFC 5322 message: it has no header fields".into(),
            ));
        }
        let from = addresses(msg.from())
            .into_iter()
            .next()
            .or_else(|| addresses(msg.sender()).into_iter().next());
        let date = msg
            .date()
            .filter(|d| d.is_valid())
            .and_then(|d| Utc.timestamp_opt(d.to_timestamp(), 0).single());
        let mut text = String::new();
        for i in 0..msg.text_body_count() {
            if let Some(t) = msg.body_text(i) {
                let t = clean_text(&t);
                if !t.is_empty() {
                    if !text.is_empty() {
                        text.push('\n');
                    }
                    text.push_str(&t);
                }
            }
        }
        let mut attachments = Vec::new();
        for (n, part) in msg.attachments().enumerate() {
            let content_type = part
                .content_type()
                .map(|ct| match ct.subtype() {
                    Some(sub) => format!("{}/{}", ct.ctype(), sub).to_ascii_lowercase(),
                    None => ct.ctype().to_ascii_lowercase(),
                })
                .unwrap_or_else(|| "application/octet-stream".into());
            let bytes = match &part.body {
                PartType::Message(m) => m.raw_message().to_vec(),
                PartType::Text(t) | PartType::Html(t) => t.as_bytes().to_vec(),
                PartType::Binary(b) | PartType::InlineBinary(b) => b.to_vec(),
                PartType::Multipart(_) => continue,
            };
            let name = part
                .attachment_name()
                .map(str::to_string)
                .or_else(|| match &part.body {
                    PartType::Message(m) => m.subject().map(|s| format!("{s}.eml")),
                    _ => None,
                })
                .unwrap_or_else(|| format!("attachment-{}{}", n + 1, extension_for(&content_type)));
            attachments.push(MailAttachment {
                name,
                content_type,
                bytes,
            });
        }
        // uuencoded files in the text (mail-parser leaves them as text).
        if text.contains("\nbegin ") || text.starts_with("begin ") {
            let (rest, files) = super::uuencode::extract(&text);
            text = rest;
            for (name, bytes) in files {
                attachments.push(MailAttachment {
                    name,
                    content_type: "application/octet-stream".into(),
                    bytes,
                });
            }
        }
        let auto = detect_auto(&msg, from.as_ref());
        Ok(InboundMail {
            message_id: msg.message_id().map(normalize_id).filter(|s| !s.is_empty()),
            in_reply_to: ids(msg.in_reply_to()),
            references: ids(msg.references()),
            subject: msg.subject().map(one_line).unwrap_or_default(),
            from,
            reply_to: addresses(msg.reply_to()),
            to: addresses(msg.to()),
            cc: addresses(msg.cc()),
            date,
            text,
            attachments,
            auto,
            body_hash: normalized_hash(body_bytes(raw)),
            content_hash: normalized_hash(without_trace(raw)),
        })
    }

    /// The dedupe key of DESIGN.md §3: the Message-ID (or From, Date and Subject when it is
    /// missing) with the body's hash. The same message delivered twice has the same key
    /// whatever relays added; a reused Message-ID with another body does not.
    pub fn dedupe_key(&self) -> String {
        match &self.message_id {
            Some(id) => format!("id:{id}\nbody:{}", self.body_hash),
            // No Message-ID: From, Date, Subject and every other field the sender wrote
            // stand in for it, hashed with the body; relays' trace fields are left out.
            None => format!("nomid:{}", self.content_hash),
        }
    }

    /// Every Message-ID this message points at: In-Reply-To first, then References newest first.
    pub fn referenced_ids(&self) -> Vec<String> {
        let mut out: Vec<String> = self.in_reply_to.clone();
        for r in self.references.iter().rev() {
            if !out.contains(r) {
                out.push(r.clone());
            }
        }
        out
    }
}

/// 64 bits of SHA-256 over `tag` and `key`, for IDs derived from content.
pub fn hash_bits(tag: &str, key: &str) -> u64 {
    let digest = Sha256::new()
        .chain_update(tag.as_bytes())
        .chain_update([0])
        .chain_update(key.as_bytes())
        .finalize();
    let mut bits = [0u8; 8];
    bits.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(bits)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: &[u8] = b"From: \"Virtanen, Anna\" <anna@example.com>\r\nTo: support@example.com\r\nCc: Bo <bo@example.com>, not-an-address\r\nSubject: =?utf-8?q?P=C3=A4iv=C3=A4=C3=A4?=\r\nMessage-ID: <abc@mail.example.com>\r\nIn-Reply-To: <parent@x>\r\nReferences: <root@x> <parent@x>\r\nDate: Sun, 22 Nov 2026 10:00:00 +0200\r\n\r\nHello\r\nworld\r\n";

    #[test]
    fn decodes_addresses_subject_ids_and_text() {
        let m = InboundMail::parse(PLAIN).unwrap();
        assert_eq!(
            m.from.as_ref().unwrap().to_text(),
            "\"Virtanen, Anna\" <anna@example.com>"
        );
        assert_eq!(m.cc.len(), 1, "the bad address is dropped: {:?}", m.cc);
        assert_eq!(m.subject, "Päivää");
        assert_eq!(m.message_id.as_deref(), Some("abc@mail.example.com"));
        assert_eq!(m.referenced_ids(), vec!["parent@x", "root@x"]);
        assert_eq!(m.text, "Hello\nworld\n");
        assert_eq!(m.date.unwrap().to_rfc3339(), "2026-11-22T08:00:00+00:00");
        assert_eq!(m.auto, None);
    }

    #[test]
    fn dedupe_key_ignores_relay_headers_and_line_endings() {
        let a = InboundMail::parse(PLAIN).unwrap();
        let relayed: Vec<u8> = [
            b"Received: from relay by mx; Sun, 22 Nov 2026\r\n".as_slice(),
            PLAIN,
        ]
        .concat();
        let lf: Vec<u8> = String::from_utf8(relayed.clone())
            .unwrap()
            .replace("\r\n", "\n")
            .into_bytes();
        assert_eq!(
            a.dedupe_key(),
            InboundMail::parse(&relayed).unwrap().dedupe_key()
        );
        assert_eq!(
            a.dedupe_key(),
            InboundMail::parse(&lf).unwrap().dedupe_key()
        );
        let other_body: Vec<u8> = String::from_utf8(PLAIN.to_vec())
            .unwrap()
            .replace("Hello", "Bye")
            .into_bytes();
        assert_ne!(
            a.dedupe_key(),
            InboundMail::parse(&other_body).unwrap().dedupe_key()
        );
    }

    #[test]
    fn machines_are_recognised() {
        let with = |h: &str| {
            InboundMail::parse(format!("{h}\nFrom: a@x.fi\nSubject: s\n\nbody\n").as_bytes())
                .unwrap()
                .auto
        };
        assert_eq!(
            with("Auto-Submitted: auto-replied"),
            Some(AutoKind::AutoReply)
        );
        assert_eq!(with("Auto-Submitted: no"), None);
        assert_eq!(with("X-Autoreply: yes"), Some(AutoKind::AutoReply));
        assert_eq!(with("Return-Path: <>"), Some(AutoKind::Bounce));
        assert_eq!(with("Precedence: bulk"), Some(AutoKind::Bulk));
        assert_eq!(with("List-Id: <dev.lists.x>"), Some(AutoKind::List));
        assert_eq!(with("X-Tiketti-Loop: support@x"), Some(AutoKind::Loop));
        assert_eq!(with("X-Challenge-Response: yes"), Some(AutoKind::Challenge));
        let daemon =
            InboundMail::parse(b"From: MAILER-DAEMON@mx.x\nSubject: failed\n\nx\n").unwrap();
        assert_eq!(daemon.auto, Some(AutoKind::Bounce));
    }

    #[test]
    fn html_only_mail_becomes_text_and_nested_mail_an_attachment() {
        let html = b"From: a@x.fi\nSubject: s\nContent-Type: text/html\n\n<p>Hello <b>there</b></p><p>second</p>\n";
        let m = InboundMail::parse(html).unwrap();
        assert!(m.text.contains("Hello there"), "{:?}", m.text);
        assert!(!m.text.contains('<'), "{:?}", m.text);
        let nested = b"From: a@x.fi\nSubject: fwd\nContent-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nsee attached\n--B\nContent-Type: message/rfc822\n\nFrom: b@y.fi\nSubject: Original\n\ninner body\n--B--\n";
        let m = InboundMail::parse(nested).unwrap();
        assert_eq!(m.attachments.len(), 1);
        assert_eq!(m.attachments[0].name, "Original.eml");
        assert!(String::from_utf8_lossy(&m.attachments[0].bytes).contains("inner body"));
    }

    #[test]
    fn uuencoded_files_become_attachments() {
        let raw = b"From: a@x.fi\nSubject: uu\n\nSee the file:\n\nbegin 644 hello.txt\n-2&5L;&\\L('=O<FQD\"@``\n`\nend\n";
        let m = InboundMail::parse(raw).unwrap();
        assert_eq!(m.attachments.len(), 1);
        assert_eq!(m.attachments[0].name, "hello.txt");
        assert_eq!(m.attachments[0].bytes, b"Hello, world\n");
        assert!(
            m.text.contains("[uuencoded file: hello.txt]"),
            "{:?}",
            m.text
        );
    }

    #[test]
    fn unreadable_messages_say_why() {
        assert!(InboundMail::parse(b"").unwrap_err().0.contains("empty"));
        assert!(InboundMail::parse(b"just some text\nwithout headers\n").is_err());
    }

    #[test]
    fn missing_message_id_still_dedupes() {
        let raw = "From: a@x.fi\nSubject: s\nDate: Sun, 22 Nov 2026 10:00:00 +0000\n\nbody\n";
        let m = InboundMail::parse(raw.as_bytes()).unwrap();
        assert!(m.dedupe_key().starts_with("nomid:"));
        assert_ne!(
            hash_bits("ticket", &m.dedupe_key()),
            hash_bits("event", &m.dedupe_key())
        );
        let relayed = format!("Received: from a\n\tby b; today\nReturn-Path: <a@x.fi>\n{raw}");
        assert_eq!(
            InboundMail::parse(relayed.as_bytes()).unwrap().dedupe_key(),
            m.dedupe_key()
        );
        // Two different messages with neither Message-ID nor From, Date or body are not one.
        let a = InboundMail::parse(b"Content-Type: text/plain\nX-A: 1\n\n").unwrap();
        let b = InboundMail::parse(b"Subject: x\nX-B: 2\n\n").unwrap();
        assert_ne!(a.dedupe_key(), b.dedupe_key());
    }

    #[test]
    fn cr_only_mail_is_read() {
        let m = InboundMail::parse(b"From: a@x.fi\rSubject: old mac\rMessage-ID: <m@x>\r\rhello\r")
            .unwrap();
        assert_eq!(m.subject, "old mac");
        assert_eq!(m.message_id.as_deref(), Some("m@x"));
        assert_eq!(m.text, "hello\n");
    }
}
