//! Mail: RFC 5322 in (parse, loop and auto-reply detection, dedupe keys, threading) and
//! out (build, send). The only module that uses `mail_parser` (the rest of tiketti sees
//! [`inbound::InboundMail`]) and `lettre` ([`outbound::Outgoing`], [`transport::Transport`]).

pub mod inbound;
pub mod mailbox;
pub mod outbound;
pub mod route;
pub mod thread;
pub mod transport;
pub mod uuencode;
