//! Handing a built message to the world: a sendmail-compatible command, or SMTP with
//! STARTTLS or TLS (lettre, rustls). A send counts only when the command exited 0 or the
//! server accepted the message after DATA; anything else is an error the outbox keeps.

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Address, SmtpTransport, Transport as _};

use crate::config::{MailConfig, SmtpConfig, SmtpSecurity, TransportKind};

/// A configured way out.
pub enum Transport {
    /// `sh -c "<command>"` with the message on stdin.
    Sendmail {
        command: String,
    },
    Smtp(Box<SmtpTransport>),
}

impl Transport {
    /// The transport tiketti.yaml names. A missing password or CA file is an error here,
    /// before anything is sent.
    pub fn from_config(mail: &MailConfig) -> Result<Transport, String> {
        match mail.transport {
            TransportKind::Sendmail => Ok(Transport::Sendmail {
                command: mail.sendmail.clone(),
            }),
            TransportKind::Smtp => {
                let smtp = mail
                    .smtp
                    .as_ref()
                    .ok_or("mail.transport is smtp but mail.smtp is not set")?;
                smtp_transport(smtp).map(|t| Transport::Smtp(Box::new(t)))
            }
        }
    }

    /// Send `raw` from `from` to `recipients` (envelope addresses).
    pub fn send(&self, from: &str, recipients: &[String], raw: &[u8]) -> Result<(), String> {
        if recipients.is_empty() {
            return Err("the message has no recipients".into());
        }
        match self {
            Transport::Sendmail { command } => sendmail(command, from, recipients, raw),
            Transport::Smtp(t) => {
                let parse = |a: &str| {
                    a.parse::<Address>()
                        .map_err(|e| format!("{a:?} is not an address: {e}"))
                };
                let to = recipients
                    .iter()
                    .map(|r| parse(r))
                    .collect::<Result<Vec<_>, _>>()?;
                let envelope =
                    Envelope::new(Some(parse(from)?), to).map_err(|e| format!("envelope: {e}"))?;
                t.send_raw(&envelope, raw)
                    .map(|_| ())
                    .map_err(|e| smtp_error(&e))
            }
        }
    }
}

fn smtp_error(e: &lettre::transport::smtp::Error) -> String {
    use std::error::Error as _;
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        // lettre's messages often already quote their cause.
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(&format!(": {part}"));
        }
        source = s.source();
    }
    text
}

fn smtp_transport(smtp: &SmtpConfig) -> Result<SmtpTransport, String> {
    let tls = || -> Result<TlsParameters, String> {
        let mut b = TlsParameters::builder(smtp.host.clone());
        if let Some(file) = smtp.ca_file.as_deref().filter(|f| !f.trim().is_empty()) {
            let pem = std::fs::read(file)
                .map_err(|e| format!("mail.smtp.ca_file: cannot read {file}: {e}"))?;
            let cert = Certificate::from_pem(&pem)
                .map_err(|e| format!("mail.smtp.ca_file: {file} is not a PEM certificate: {e}"))?;
            b = b.add_root_certificate(cert);
        }
        b.build_rustls()
            .map_err(|e| format!("TLS setup for {}: {e}", smtp.host))
    };
    let (tls, port) = match smtp.security {
        SmtpSecurity::Starttls => (Tls::Required(tls()?), 587),
        SmtpSecurity::Tls => (Tls::Wrapper(tls()?), 465),
        SmtpSecurity::None => (Tls::None, 587),
    };
    let mut b = SmtpTransport::builder_dangerous(smtp.host.clone())
        .port(smtp.port.unwrap_or(port))
        .tls(tls)
        .timeout(Some(Duration::from_secs(smtp.timeout.max(1))));
    if let Some(user) = smtp.user.as_deref().filter(|u| !u.trim().is_empty()) {
        let password = std::env::var(&smtp.password_env).map_err(|_| {
            format!(
                "mail.smtp.user is {user:?} but the environment variable {} (mail.smtp.password_env) is not set",
                smtp.password_env
            )
        })?;
        b = b.credentials(Credentials::new(user.to_string(), password));
    }
    Ok(b.build())
}

/// Run the sendmail-compatible command through `sh`. `-f <from>` sets the envelope
/// sender (bounces come back to the helpdesk) unless the command names one; without
/// `-t` the recipients follow as arguments.
fn sendmail(command: &str, from: &str, recipients: &[String], raw: &[u8]) -> Result<(), String> {
    let words: Vec<&str> = command.split_whitespace().collect();
    let mut args: Vec<String> = Vec::new();
    if !words.iter().any(|w| w.starts_with("-f")) {
        args.push("-f".into());
        args.push(from.to_string());
    }
    if !words.contains(&"-t") {
        args.push("--".into());
        args.extend(recipients.iter().cloned());
    }
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("{command} \"$@\""))
        .arg("sh")
        .args(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run `{command}`: {e}"))?;
    // sendmail wants LF line ends on its standard input; it writes CRLF on the wire.
    let lf = String::from_utf8_lossy(raw).replace("\r\n", "\n");
    let wrote = child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(lf.as_bytes());
    let out = child
        .wait_with_output()
        .map_err(|e| format!("`{command}` failed: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
        return Err(format!(
            "`{command}` exited with {}{}",
            out.status
                .code()
                .map_or("a signal".to_string(), |c| format!("status {c}")),
            if err.is_empty() {
                String::new()
            } else {
                format!(": {err}")
            }
        ));
    }
    wrote.map_err(|e| format!("cannot write the message to `{command}`: {e}"))
}
