//! Mail: RFC 5322 in (parse, loop and auto-reply detection, dedupe keys, threading) and,
//! later, out. The only module that uses `mail_parser`; the rest of tiketti sees
//! [`inbound::InboundMail`].

pub mod inbound;
pub mod mailbox;
pub mod route;
pub mod thread;
pub mod uuencode;
