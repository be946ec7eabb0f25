//! `tiketti log ID`: the ticket's history from git: who changed what, and when. Hand
//! edits committed with plain git show up like any other change.

use std::io::Write;

use serde::Serialize;

use crate::commands::open;
use crate::ctx::Ctx;
use crate::render::{self, ViewFormat};
use crate::ticket::codec::Document;
use crate::ticket::format_time;

/// Show who changed a ticket, what and when, newest first.
#[derive(Debug, clap::Args)]
pub struct LogArgs {
    /// The ticket ID or a unique prefix of 4+ characters
    pub id: String,
    /// table (for people) or json
    #[arg(long, value_enum, default_value = "table")]
    pub format: ViewFormat,
    /// At most N entries
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

#[derive(Debug, Serialize)]
pub struct Change {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct LogEntry {
    pub commit: String,
    pub author: String,
    pub email: String,
    pub time: String,
    pub summary: String,
    pub changes: Vec<Change>,
    pub added: Vec<String>,
}

fn changes(before: Option<&str>, after: Option<&str>) -> Vec<Change> {
    let parse = |t: Option<&str>| t.and_then(|t| Document::parse(t).ok());
    let (b, a) = (parse(before), parse(after));
    let empty = Document::new("");
    let (bd, ad) = (b.as_ref().unwrap_or(&empty), a.as_ref().unwrap_or(&empty));
    let mut out: Vec<Change> = bd
        .diff(ad)
        .into_iter()
        .map(|(field, before, after)| Change {
            field,
            before,
            after,
        })
        .collect();
    if b.is_some() && a.is_some() && bd.body != ad.body {
        out.push(Change {
            field: "description".into(),
            before: None,
            after: Some("edited".into()),
        });
    }
    if before.is_some() && after.is_some() && (b.is_none() || a.is_none()) {
        out.push(Change {
            field: "ticket.md".into(),
            before: None,
            after: Some("edited (not parseable)".into()),
        });
    }
    out
}

pub fn run(ctx: &Ctx, args: LogArgs) -> anyhow::Result<()> {
    let (repo, _config) = open(ctx)?;
    let id = repo.resolve(&args.id)?;
    let dir = format!("{}/", id.dir());
    let mut progress = crate::commands::WalkProgress::new();
    let entries: Vec<LogEntry> = repo
        .history(&id, args.limit, &mut |d, t| progress.tick(d, t))?
        .into_iter()
        .map(|r| LogEntry {
            changes: if r.before.is_none() {
                Vec::new()
            } else {
                changes(r.before.as_deref(), r.after.as_deref())
            },
            added: r
                .added
                .iter()
                .filter(|p| !p.ends_with("/ticket.md"))
                .map(|p| p.strip_prefix(&dir).unwrap_or(p).to_string())
                .collect(),
            commit: r.commit,
            author: r.author,
            email: r.email,
            time: format_time(r.time),
            summary: r.summary,
        })
        .collect();
    let mut out = std::io::stdout().lock();
    if args.format == ViewFormat::Json {
        render::json(&mut out, "log", &entries)?;
        return Ok(());
    }
    for e in &entries {
        writeln!(out, "{}  {}  {}", e.time, e.author, e.summary)?;
        for c in &e.changes {
            let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".into());
            if c.field == "description" || c.field == "ticket.md" {
                writeln!(out, "    {} {}", c.field, show(&c.after))?;
            } else {
                writeln!(
                    out,
                    "    {}: {} -> {}",
                    c.field,
                    show(&c.before),
                    show(&c.after)
                )?;
            }
        }
        for a in &e.added {
            writeln!(out, "    + {a}")?;
        }
    }
    Ok(())
}
