//! `tiketti quarantine list|show|retry|drop`: messages `ingest` could not read, kept byte
//! for byte in `quarantine/` with the reason, so nothing a customer sent is ever lost.

use std::io::Write;

use anyhow::Context as _;
use serde::Serialize;

use crate::commands::ingest::{Ingester, Outcome, TimeSource};
use crate::commands::{Session, open, say};
use crate::ctx::Ctx;
use crate::error::UserError;
use crate::render::{self, ViewFormat};
use crate::store::{ChangeSet, Repo};
use crate::ticket::codec::Document;

/// Messages that could not be read as mail: list, inspect, retry or drop them.
#[derive(Debug, clap::Subcommand)]
pub enum QuarantineCommand {
    /// List quarantined messages with their reasons
    List {
        #[arg(long, value_enum, default_value = "table")]
        format: ViewFormat,
    },
    /// Show one entry: its reason and the start of the message
    Show {
        /// The entry's ID or a unique prefix of 4+ characters
        id: String,
    },
    /// Take entries in again (after a fix in tiketti or the config); a message that is
    /// read this time becomes a ticket and leaves the quarantine in the same commit
    Retry {
        /// Entry IDs; none with --all
        ids: Vec<String>,
        #[arg(long, conflicts_with = "ids")]
        all: bool,
    },
    /// Delete entries for good (the commit history still has them)
    Drop {
        #[arg(required = true)]
        ids: Vec<String>,
    },
}

#[derive(Debug, Serialize)]
pub struct Entry {
    pub id: String,
    pub at: String,
    pub reason: String,
    pub source: String,
    pub size: u64,
}

fn entries(repo: &Repo) -> anyhow::Result<Vec<Entry>> {
    let dir = repo.path("quarantine");
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return Ok(out);
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(id) = name.strip_suffix(".md") else {
            continue;
        };
        let text = std::fs::read_to_string(e.path())
            .with_context(|| format!("cannot read quarantine/{name}"))?;
        let doc = Document::parse(&text).map_err(|err| {
            UserError::new(format!("quarantine/{name}:{}: {}", err.line, err.message))
        })?;
        let get = |k: &str| doc.get_str(k).ok().flatten().unwrap_or_default();
        out.push(Entry {
            id: id.to_string(),
            at: get("at"),
            reason: get("reason"),
            source: get("source"),
            size: get("size").parse().unwrap_or(0),
        });
    }
    out.sort_by(|a, b| a.at.cmp(&b.at).then(a.id.cmp(&b.id)));
    Ok(out)
}

fn resolve<'a>(all: &'a [Entry], input: &str) -> anyhow::Result<&'a Entry> {
    let want = input.trim().to_ascii_uppercase();
    if want.len() < 4 {
        return Err(UserError::new(format!(
            "{input:?}: type at least 4 characters of the entry ID"
        ))
        .into());
    }
    let found: Vec<&Entry> = all.iter().filter(|e| e.id.starts_with(&want)).collect();
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(
            UserError::new(format!("no quarantine entry matches {input}"))
                .hint("`tiketti quarantine list` shows them")
                .into(),
        ),
        many => Err(UserError::new(format!(
            "quarantine prefix {want} is ambiguous: {}",
            many.iter()
                .map(|e| e.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .hint("type more characters of the ID")
        .into()),
    }
}

fn paths(id: &str) -> Vec<String> {
    vec![
        format!("quarantine/{id}.eml"),
        format!("quarantine/{id}.md"),
    ]
}

pub fn run(ctx: &Ctx, cmd: QuarantineCommand) -> anyhow::Result<()> {
    match cmd {
        QuarantineCommand::List { format } => {
            let (repo, _) = open(ctx)?;
            let all = entries(&repo)?;
            let mut out = std::io::stdout().lock();
            if format == ViewFormat::Json {
                render::json(&mut out, "quarantine", &all)?;
            } else if all.is_empty() {
                eprintln!("the quarantine is empty");
            } else {
                let rows = all
                    .iter()
                    .map(|e| {
                        vec![
                            e.id.clone(),
                            e.at.clone(),
                            e.size.to_string(),
                            render::truncate(&e.reason, 70),
                        ]
                    })
                    .collect();
                writeln!(
                    out,
                    "{}",
                    render::table(&["id", "at", "bytes", "reason"], rows, ctx.stdout_is_tty)
                )?;
            }
            Ok(())
        }
        QuarantineCommand::Show { id } => {
            let (repo, _) = open(ctx)?;
            let all = entries(&repo)?;
            let e = resolve(&all, &id)?;
            let raw = std::fs::read(repo.path(&format!("quarantine/{}.eml", e.id)))
                .with_context(|| format!("cannot read quarantine/{}.eml", e.id))?;
            let mut out = std::io::stdout().lock();
            writeln!(out, "{}  {} bytes, quarantined {}", e.id, e.size, e.at)?;
            writeln!(out, "  reason  {}", e.reason)?;
            writeln!(out, "  source  {}", e.source)?;
            writeln!(out, "  file    quarantine/{}.eml\n", e.id)?;
            for line in String::from_utf8_lossy(&raw).lines().take(40) {
                writeln!(
                    out,
                    "  | {}",
                    line.chars()
                        .filter(|c| !c.is_control() || *c == '\t')
                        .collect::<String>()
                )?;
            }
            Ok(())
        }
        QuarantineCommand::Retry { ids, all } => {
            let repo = ctx.repo()?;
            let existing = entries(&repo)?;
            drop(repo);
            let chosen: Vec<&Entry> = if all {
                existing.iter().collect()
            } else if ids.is_empty() {
                return Err(UserError::new("name the entries to retry, or --all")
                    .code(crate::error::exit::USAGE)
                    .into());
            } else {
                ids.iter()
                    .map(|i| resolve(&existing, i))
                    .collect::<anyhow::Result<_>>()?
            };
            let mut ing = Ingester::new(ctx, TimeSource::Header)?;
            for e in chosen {
                let raw = std::fs::read(ing.session.repo.path(&format!("quarantine/{}.eml", e.id)))
                    .with_context(|| format!("cannot read quarantine/{}.eml", e.id))?;
                ing.also_remove(paths(&e.id));
                let r = ing.ingest(&raw, &format!("quarantine:{}", e.id))?;
                match r.outcome {
                    Outcome::Created | Outcome::Threaded => {
                        say(&format!(
                            "{} -> ticket {}",
                            e.id,
                            r.ticket.unwrap_or_default()
                        ))?;
                    }
                    Outcome::Duplicate if r.ticket.is_some() => {
                        // Already stored by another route: the entry has done its job.
                        let mut changes = ChangeSet::default();
                        for p in paths(&e.id) {
                            changes.remove(p);
                        }
                        let t = r.ticket.unwrap_or_default();
                        ing.session.commit(
                            ctx,
                            &changes,
                            &format!("quarantine: drop {} (already on ticket {t})", e.id),
                        )?;
                        say(&format!("{} -> already on ticket {t}", e.id))?;
                    }
                    _ => say(&format!("{} still cannot be read: {}", e.id, e.reason))?,
                }
            }
            Ok(())
        }
        QuarantineCommand::Drop { ids } => {
            let session = Session::begin(ctx)?;
            let existing = entries(&session.repo)?;
            let mut changes = ChangeSet::default();
            let mut names = Vec::new();
            for i in &ids {
                let e = resolve(&existing, i)?;
                for p in paths(&e.id) {
                    changes.remove(p);
                }
                names.push(e.id.clone());
            }
            session.commit(
                ctx,
                &changes,
                &format!("quarantine: drop {}", names.join(" ")),
            )?;
            say(&format!("dropped {}", names.join(" ")))
        }
    }
}
