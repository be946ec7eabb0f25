//! `tiketti outbox list|show|flush|drop`: mail waiting to leave this clone, and sending it.
//!
//! `flush` is what every sender calls (`reply`, `remind`, `sync` after a push, cron): it
//! sends each queued message whose event is committed (and, with a remote, pushed, when
//! the message names a ticket the remote does not have yet), marks it sent only after the
//! transport accepted it, and keeps a failed one queued with its error for the next run.

use std::io::Write;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::commands::{open, say};
use crate::config::Config;
use crate::ctx::Ctx;
use crate::error::{UserError, exit};
use crate::mail::transport::Transport;
use crate::render::{self, ViewFormat, truncate};
use crate::store::outbox::{Entry, Folder, Published};
use crate::store::{Lock, Repo};
use crate::ticket::{TicketId, format_time, parse_time};

/// Mail waiting to be sent from this clone: list, inspect, send or drop it.
#[derive(Debug, clap::Subcommand)]
pub enum OutboxCommand {
    /// List queued messages (with --sent or --dropped, those instead)
    List {
        #[arg(long, conflicts_with = "dropped")]
        sent: bool,
        #[arg(long)]
        dropped: bool,
        #[arg(long, value_enum, default_value = "table")]
        format: ViewFormat,
    },
    /// Print one message as it is (or was) sent, after its outbox record
    Show {
        /// The entry's ID (the event ID) or a unique prefix
        id: String,
    },
    /// Send what is ready; a failed message stays queued with its error. Messages that
    /// failed recently wait (1 min, doubling up to 1 h) unless named or --now is given
    Flush {
        /// Send only these entries (and now, whatever their last failure)
        ids: Vec<String>,
        /// Retry failed messages now instead of after their back-off
        #[arg(long)]
        now: bool,
        #[arg(long, value_enum, default_value = "table")]
        format: ViewFormat,
    },
    /// Take messages out of the queue without sending them (kept in the outbox's dropped/)
    Drop {
        #[arg(required = true)]
        ids: Vec<String>,
    },
}

/// Why a queued message is not sent yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wait {
    /// Its event is not committed yet (the command that wrote it is still running).
    Commit,
    /// The remote does not have its ticket yet: `tiketti sync` first.
    Push,
    /// It failed recently; the next try is at this time.
    Backoff(DateTime<Utc>),
    /// A flush died while sending it: it may have been delivered. Only a flush that
    /// names it sends it again.
    Interrupted,
}

impl Wait {
    fn text(&self) -> String {
        match self {
            Wait::Commit => "waiting for its commit".into(),
            Wait::Push => "waiting for push (tiketti sync)".into(),
            Wait::Backoff(t) => format!("retry after {}", format_time(*t)),
            Wait::Interrupted => {
                "interrupted while sending, may have been delivered: `outbox flush ID` sends it again, `outbox drop ID` forgets it".into()
            }
        }
    }
}

/// What one flush did.
#[derive(Debug, Default, Serialize)]
pub struct Flushed {
    pub sent: Vec<Entry>,
    pub failed: Vec<Entry>,
    /// Entries left for later, with why.
    pub waiting: Vec<(Entry, String)>,
    /// Entries whose event was never committed: set aside, never sent.
    pub orphaned: Vec<Entry>,
}

impl Flushed {
    pub fn summary(&self) -> String {
        let mut parts = vec![format!("{} sent", self.sent.len())];
        if !self.failed.is_empty() {
            parts.push(format!("{} failed", self.failed.len()));
        }
        if !self.waiting.is_empty() {
            parts.push(format!("{} waiting", self.waiting.len()));
        }
        if !self.orphaned.is_empty() {
            parts.push(format!(
                "{} set aside (never committed)",
                self.orphaned.len()
            ));
        }
        format!("outbox: {}", parts.join(", "))
    }
}

/// How long a failed message waits: 1 min after the first failure, doubling, at most 1 h.
fn backoff(attempts: u32) -> Duration {
    let minutes = 1i64 << attempts.saturating_sub(1).min(6);
    Duration::minutes(minutes.min(60))
}

/// Queued entries sorted: ready to send, waiting (with why), never committed.
type Sorted = (Vec<Entry>, Vec<(Entry, Wait)>, Vec<Entry>);

/// Decide for each queued entry: send now, wait, or set aside. `locked` is the
/// repository lock: while it is held no commit is in progress, so an entry whose event
/// is not in HEAD will never get one.
fn classify(
    repo: &Repo,
    entries: Vec<Entry>,
    now: DateTime<Utc>,
    forced: bool,
    named: bool,
    _locked: &Lock,
) -> anyhow::Result<Sorted> {
    let (mut ready, mut waiting, mut orphans) = (Vec::new(), Vec::new(), Vec::new());
    for e in entries {
        if let Some(event) = &e.event
            && !repo.head_has(event)?
        {
            orphans.push(e);
            continue;
        }
        if let Some(t) = e.ticket.as_deref().and_then(|t| TicketId::parse(t).ok())
            && repo.published(&Repo::ticket_path(&t))? == Published::No
        {
            waiting.push((e, Wait::Push));
            continue;
        }
        if e.sending.is_some() && !named {
            waiting.push((e, Wait::Interrupted));
            continue;
        }
        if !forced
            && e.attempts > 0
            && let Some(last) = e.last_attempt.as_deref().and_then(parse_time)
            && last + backoff(e.attempts) > now
        {
            let at = last + backoff(e.attempts);
            waiting.push((e, Wait::Backoff(at)));
            continue;
        }
        ready.push(e);
    }
    Ok((ready, waiting, orphans))
}

/// Send what is ready. `held` is the repository lock when the caller already holds it
/// (`sync`); otherwise it is taken for the moment it takes to look at HEAD. `only`
/// limits the flush to some entries (and sends them whatever their back-off).
pub fn flush(
    ctx: &Ctx,
    repo: &Repo,
    config: &Config,
    held: Option<&Lock>,
    only: Option<&[String]>,
    forced: bool,
) -> anyhow::Result<Flushed> {
    let outbox = repo.outbox();
    let _sending = outbox.lock(ctx.lock_timeout)?;
    let mut entries = outbox.entries(Folder::Queued)?;
    if let Some(ids) = only {
        entries.retain(|e| ids.contains(&e.id));
    }
    let mut done = Flushed::default();
    if entries.is_empty() {
        return Ok(done);
    }
    let named = only.is_some();
    let forced = forced || named;
    let (ready, waiting, orphans) = match held {
        Some(lock) => classify(repo, entries, ctx.now, forced, named, lock)?,
        None => {
            let lock = repo.lock(ctx.lock_timeout)?;
            classify(repo, entries, ctx.now, forced, named, &lock)?
        }
    };
    for mut e in orphans {
        e.dropped = Some(format!(
            "{}: its event {} was never committed",
            format_time(ctx.now),
            e.event.as_deref().unwrap_or("")
        ));
        outbox.file_away(&e, Folder::Dropped)?;
        done.orphaned.push(e);
    }
    done.waiting = waiting.into_iter().map(|(e, w)| (e, w.text())).collect();
    if ready.is_empty() {
        return Ok(done);
    }
    let transport = Transport::from_config(&config.mail);
    for mut e in ready {
        let raw = outbox.raw(&e, Folder::Queued)?;
        // Recorded before the transport is called: if this process dies before the
        // answer is recorded, the next flush does not send it again on its own.
        e.sending = Some(format_time(ctx.now));
        outbox.update(&e)?;
        let result = transport
            .as_ref()
            .map_err(Clone::clone)
            .and_then(|t| t.send(&e.from, &e.to, &raw));
        e.attempts += 1;
        e.last_attempt = Some(format_time(ctx.now));
        e.sending = None;
        match result {
            Ok(()) => {
                e.sent = Some(format_time(ctx.now));
                e.error = None;
                outbox.file_away(&e, Folder::Sent)?;
                done.sent.push(e);
            }
            Err(why) => {
                e.error = Some(why);
                outbox.update(&e)?;
                done.failed.push(e);
            }
        }
    }
    Ok(done)
}

/// Print what a flush did to stderr: one line per failure and a summary.
pub fn report(done: &Flushed) {
    for e in &done.failed {
        eprintln!(
            "warning: {} to {} not sent: {}",
            e.id,
            e.to.join(", "),
            e.error.as_deref().unwrap_or("")
        );
    }
    for e in &done.orphaned {
        eprintln!(
            "warning: {} set aside: {}",
            e.id,
            e.dropped.as_deref().unwrap_or("")
        );
    }
}

#[derive(Serialize)]
struct Row<'a> {
    #[serde(flatten)]
    entry: &'a Entry,
    state: String,
}

fn state(repo: &Repo, e: &Entry, folder: Folder, now: DateTime<Utc>) -> String {
    match folder {
        Folder::Sent => "sent".into(),
        Folder::Dropped => "dropped".into(),
        Folder::Queued => {
            let committed = e
                .event
                .as_deref()
                .is_none_or(|p| repo.head_has(p).unwrap_or(false));
            let pushed = e
                .ticket
                .as_deref()
                .and_then(|t| TicketId::parse(t).ok())
                .is_none_or(|t| {
                    repo.published(&Repo::ticket_path(&t))
                        .map_or(true, |p| p != Published::No)
                });
            if e.sending.is_some() {
                Wait::Interrupted.text()
            } else if !committed {
                Wait::Commit.text()
            } else if !pushed {
                Wait::Push.text()
            } else if e.attempts > 0 {
                let next = e
                    .last_attempt
                    .as_deref()
                    .and_then(parse_time)
                    .map(|l| l + backoff(e.attempts));
                match next {
                    Some(t) if t > now => format!("failed, {}", Wait::Backoff(t).text()),
                    _ => "failed, ready".into(),
                }
            } else {
                "ready".into()
            }
        }
    }
}

fn find(repo: &Repo, id: &str) -> anyhow::Result<(Entry, Folder)> {
    repo.outbox().find(id)?.ok_or_else(|| {
        UserError::new(format!("no outbox entry matches {id}"))
            .hint("`tiketti outbox list` shows the queue, `--sent` what was sent")
            .into()
    })
}

pub fn run(ctx: &Ctx, cmd: OutboxCommand) -> anyhow::Result<()> {
    match cmd {
        OutboxCommand::List {
            sent,
            dropped,
            format,
        } => {
            let (repo, _) = open(ctx)?;
            let folder = if sent {
                Folder::Sent
            } else if dropped {
                Folder::Dropped
            } else {
                Folder::Queued
            };
            let entries = repo.outbox().entries(folder)?;
            let rows: Vec<Row> = entries
                .iter()
                .map(|e| Row {
                    entry: e,
                    state: state(&repo, e, folder, ctx.now),
                })
                .collect();
            let mut out = std::io::stdout().lock();
            if format == ViewFormat::Json {
                render::json(&mut out, "messages", &rows)?;
                return Ok(());
            }
            if rows.is_empty() {
                eprintln!("no {} messages", folder.as_str());
                return Ok(());
            }
            let table = rows
                .iter()
                .map(|r| {
                    let e = r.entry;
                    vec![
                        e.id.clone(),
                        e.ticket.clone().unwrap_or_default(),
                        truncate(&e.to.join(", "), 40),
                        truncate(&e.subject, 50),
                        match folder {
                            Folder::Sent => e.sent.clone().unwrap_or_default(),
                            _ => e.queued.clone(),
                        },
                        r.state.clone(),
                    ]
                })
                .collect();
            let when = if folder == Folder::Sent {
                "sent"
            } else {
                "queued"
            };
            writeln!(
                out,
                "{}",
                render::table(
                    &["id", "ticket", "to", "subject", when, "state"],
                    table,
                    ctx.stdout_is_tty
                )
            )?;
            Ok(())
        }
        OutboxCommand::Show { id } => {
            let (repo, _) = open(ctx)?;
            let (entry, folder) = find(&repo, &id)?;
            let raw = repo.outbox().raw(&entry, folder)?;
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "# {} ({})",
                entry.id,
                state(&repo, &entry, folder, ctx.now)
            )?;
            writeln!(out, "# envelope: {} -> {}", entry.from, entry.to.join(", "))?;
            if let Some(t) = &entry.ticket {
                writeln!(out, "# ticket: {t}")?;
            }
            writeln!(out, "# attempts: {}", entry.attempts)?;
            if let Some(err) = &entry.error {
                writeln!(out, "# last error: {err}")?;
            }
            if let Some(d) = &entry.dropped {
                writeln!(out, "# dropped: {d}")?;
            }
            out.write_all(
                &String::from_utf8_lossy(&raw)
                    .replace("\r\n", "\n")
                    .into_bytes(),
            )?;
            Ok(())
        }
        OutboxCommand::Flush { ids, now, format } => {
            let (repo, config) = open(ctx)?;
            let only = if ids.is_empty() {
                None
            } else {
                let mut full = Vec::new();
                for id in &ids {
                    let (e, folder) = find(&repo, id)?;
                    if folder != Folder::Queued {
                        return Err(UserError::new(format!(
                            "{} was already {}",
                            e.id,
                            folder.as_str()
                        ))
                        .into());
                    }
                    full.push(e.id);
                }
                Some(full)
            };
            let done = flush(ctx, &repo, &config, None, only.as_deref(), now)?;
            if format == ViewFormat::Json {
                let mut out = std::io::stdout().lock();
                render::json_object(
                    &mut out,
                    serde_json::json!({
                        "sent": done.sent,
                        "failed": done.failed,
                        "waiting": done.waiting.iter().map(|(e, why)| serde_json::json!({"id": e.id, "ticket": e.ticket, "reason": why})).collect::<Vec<_>>(),
                        "orphaned": done.orphaned,
                    }),
                )?;
            } else {
                for e in &done.sent {
                    say(&format!("{} sent to {}", e.id, e.to.join(", ")))?;
                }
                report(&done);
                eprintln!("{}", done.summary());
            }
            if done.failed.is_empty() {
                Ok(())
            } else {
                Err(UserError::new(format!(
                    "{} message(s) could not be sent; they stay queued",
                    done.failed.len()
                ))
                .hint("`tiketti outbox list` shows each error; fix the transport in tiketti.yaml (mail.transport) and flush again")
                .code(exit::ERROR)
                .into())
            }
        }
        OutboxCommand::Drop { ids } => {
            let (repo, config) = open(ctx)?;
            let outbox = repo.outbox();
            let _sending = outbox.lock(ctx.lock_timeout)?;
            let mut found = Vec::new();
            for id in &ids {
                let (e, folder) = find(&repo, id)?;
                if folder != Folder::Queued {
                    return Err(UserError::new(format!(
                        "{} was already {}; only queued messages can be dropped",
                        e.id,
                        folder.as_str()
                    ))
                    .into());
                }
                found.push(e);
            }
            let who = ctx
                .actor(&repo, &config)
                .map(|a| a.id)
                .unwrap_or_else(|_| "unknown".into());
            for mut e in found {
                e.dropped = Some(format!("{} by {who}", format_time(ctx.now)));
                outbox.file_away(&e, Folder::Dropped)?;
                say(&format!("{} dropped (to {})", e.id, e.to.join(", ")))?;
            }
            Ok(())
        }
    }
}
