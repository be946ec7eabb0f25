//! `tiketti check`: validate the whole helpdesk (config, every ticket and event file,
//! links, duplicate IDs, conflict markers) and list every problem with file and line.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use serde::Serialize;

use crate::commands::validate;
use crate::config::{self, Config};
use crate::ctx::Ctx;
use crate::error::UserError;
use crate::render::{self, ViewFormat};
use crate::store::Repo;
use crate::ticket::id::is_canonical_ticket_id;
use crate::ticket::{Event, Ticket, TicketId, kind, merge};

/// Check every file of the helpdesk and list each problem as FILE:LINE: MESSAGE.
///
/// Exits 1 when there is any problem, 0 when there is none.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// table (FILE:LINE: MESSAGE lines) or json
    #[arg(long, value_enum, default_value = "table")]
    pub format: ViewFormat,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

#[derive(Default)]
struct Findings(Vec<Finding>);

impl Findings {
    fn add(&mut self, file: &str, line: Option<usize>, message: impl Into<String>) {
        self.0.push(Finding {
            file: file.to_string(),
            line,
            message: message.into(),
        });
    }
}

/// Lines that a hand merge left behind: `<<<<<<< `, `=======`, `>>>>>>> `.
fn conflict_markers(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            l.starts_with("<<<<<<< ")
                || *l == "======="
                || l.starts_with(">>>>>>> ")
                || *l == "<<<<<<<"
                || *l == ">>>>>>>"
        })
        .map(|(i, _)| i + 1)
        .collect()
}

/// Returns false when the file has conflict markers (and reports them).
fn no_markers(f: &mut Findings, file: &str, text: &str) -> bool {
    let lines = conflict_markers(text);
    for &l in &lines {
        f.add(file, Some(l), "conflict marker left by a merge");
    }
    lines.is_empty()
}

pub fn check_repo(repo: &Repo) -> anyhow::Result<Vec<Finding>> {
    let mut f = Findings::default();
    let config_text = std::fs::read_to_string(repo.path(config::FILE_NAME)).unwrap_or_default();
    let config = if no_markers(&mut f, config::FILE_NAME, &config_text) {
        match Config::parse(&config_text) {
            Ok(c) => Some(c),
            Err(e) => {
                for p in e.problems {
                    f.add(config::FILE_NAME, p.line, p.message);
                }
                None
            }
        }
    } else {
        None
    };

    // The shards are checked on every core; what each finds is put together in shard
    // order, so the report is the same whatever the threads did first.
    let shards = read_dir_sorted(&repo.path("tickets"));
    let done = crate::store::par_map(shards, |shard| check_shard(&shard, config.as_ref()));
    let mut tickets: BTreeMap<TicketId, Ticket> = BTreeMap::new();
    let mut by_front_matter_id: HashMap<String, Vec<String>> = HashMap::new();
    for shard in done {
        f.0.extend(shard.findings.0);
        for (id, rel) in shard.front_matter_ids {
            by_front_matter_id.entry(id).or_default().push(rel);
        }
        tickets.extend(shard.tickets);
    }
    for (id, files) in &by_front_matter_id {
        if files.len() > 1 {
            f.add(
                &files[1],
                Some(2),
                format!("duplicate ticket ID {id}, also in {}", files[0]),
            );
        }
    }
    check_links(&mut f, &tickets);
    if let Some(config) = &config {
        check_templates(&mut f, repo, config);
    }
    f.0.sort();
    Ok(f.0)
}

/// What the check of one shard folder found.
#[derive(Default)]
struct Shard {
    findings: Findings,
    /// Each ticket's `id` field and its file, in folder order.
    front_matter_ids: Vec<(String, String)>,
    tickets: Vec<(TicketId, Ticket)>,
}

fn check_shard(shard: &std::path::Path, config: Option<&Config>) -> Shard {
    let mut out = Shard::default();
    let f = &mut out.findings;
    let shard_name = file_name(shard);
    let shard_rel = format!("tickets/{shard_name}");
    if !shard.is_dir() {
        f.add(
            &shard_rel,
            None,
            "stray file: tickets/ holds only two-character shard folders",
        );
        return out;
    }
    for dir in read_dir_sorted(shard) {
        let name = file_name(&dir);
        let rel = format!("{shard_rel}/{name}");
        if !dir.is_dir() {
            f.add(
                &rel,
                None,
                "stray file: a shard folder holds only ticket folders",
            );
            continue;
        }
        if !is_canonical_ticket_id(&name) {
            f.add(
                &rel,
                None,
                format!("{name:?} is not a ticket ID (8 Crockford base32 characters, upper case)"),
            );
            continue;
        }
        if !name.starts_with(&shard_name) {
            f.add(
                &rel,
                None,
                format!("ticket {name} is in shard {shard_name}, not {}", &name[..2]),
            );
        }
        let ticket_rel = format!("{rel}/ticket.md");
        let Ok(text) = std::fs::read_to_string(dir.join("ticket.md")) else {
            f.add(
                &ticket_rel,
                None,
                "missing: every ticket folder needs a ticket.md",
            );
            continue;
        };
        if !no_markers(f, &ticket_rel, &text) {
            continue;
        }
        let ticket = match Ticket::parse(&text) {
            Ok(t) => t,
            Err(e) => {
                f.add(&ticket_rel, Some(e.line), e.message);
                continue;
            }
        };
        out.front_matter_ids
            .push((ticket.id.to_string(), ticket_rel.clone()));
        if ticket.id.as_str() != name {
            f.add(
                &ticket_rel,
                ticket.doc.line_of("id"),
                format!("field `id` says {} but the folder is {name}", ticket.id),
            );
        }
        if let Some(config) = config {
            for p in validate(config, &ticket) {
                f.add(&ticket_rel, ticket.doc.line_of(&p.key), p.message);
            }
        }
        check_events(f, &dir, &rel);
        check_collisions(f, &ticket, &dir, &rel);
        if let Ok(id) = TicketId::parse(&name) {
            out.tickets.push((id, ticket));
        }
    }
    out
}

/// Every template in templates/ must parse and fill for a ticket: an unknown placeholder
/// found here is not found in a customer's mail.
fn check_templates(f: &mut Findings, repo: &Repo, config: &Config) {
    let sample = Ticket::parse(
        "---\nid: 7KQ3F9XM\nsubject: Sample\nstatus: new\ncreated: 2026-01-01T00:00:00Z\n---\n",
    )
    .expect("the sample ticket parses");
    let vars =
        crate::commands::mailout::vars(config, &sample, Some(("Agent", "agent@example.com")));
    for path in read_dir_sorted(&repo.path("templates")) {
        let name = file_name(&path);
        let rel = format!("templates/{name}");
        let Some(stem) = name.strip_suffix(".md") else {
            f.add(&rel, None, "stray file: templates/ holds NAME.md files");
            continue;
        };
        if let Err(why) = crate::template::check_name(stem) {
            f.add(&rel, None, why);
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            f.add(&rel, None, "cannot be read as UTF-8 text");
            continue;
        };
        match crate::template::Template::parse(stem, &text).and_then(|t| t.render(&vars)) {
            Ok(_) => {}
            Err(e) => f.add(&rel, Some(e.line), e.message),
        }
    }
}

fn check_events(f: &mut Findings, dir: &std::path::Path, rel: &str) {
    let attachments: Vec<String> = read_dir_sorted(&dir.join("attachments"))
        .iter()
        .map(|p| file_name(p))
        .collect();
    for path in read_dir_sorted(&dir.join("events")) {
        let name = file_name(&path);
        let erel = format!("{rel}/events/{name}");
        if !name.ends_with(".md") {
            f.add(
                &erel,
                None,
                "stray file: events/ holds only .md event files",
            );
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            f.add(&erel, None, "cannot be read as UTF-8 text");
            continue;
        };
        if !no_markers(f, &erel, &text) {
            continue;
        }
        match Event::parse(&text) {
            Err(e) => f.add(&erel, Some(e.line), e.message),
            Ok(e) => {
                if e.file_name() != name {
                    f.add(
                        &erel,
                        e.doc.line_of("at"),
                        format!(
                            "the file name should be {} (its time and id)",
                            e.file_name()
                        ),
                    );
                }
                for a in &e.attachments {
                    if !attachments.contains(a) {
                        f.add(
                            &erel,
                            e.doc.line_of("attachments"),
                            format!("attachment {a:?} is not in attachments/"),
                        );
                    }
                }
            }
        }
    }
}

/// Collision records (docs/sync.md): each flagged field needs an unsettled collision event
/// with its values, each unsettled event a flag, each collision event a field, and a
/// resolution names events of this ticket.
fn check_collisions(f: &mut Findings, ticket: &Ticket, dir: &std::path::Path, rel: &str) {
    let ticket_rel = format!("{rel}/ticket.md");
    let mut events: Vec<(String, Event)> = Vec::new();
    for path in read_dir_sorted(&dir.join("events")) {
        let Some(e) = std::fs::read_to_string(&path)
            .ok()
            .and_then(|t| Event::parse(&t).ok())
        else {
            continue; // reported by check_events
        };
        events.push((format!("{rel}/events/{}", file_name(&path)), e));
    }
    if ticket.collisions.is_empty()
        && !events
            .iter()
            .any(|(_, e)| e.kind == kind::COLLISION || e.kind == kind::RESOLUTION)
    {
        return;
    }
    let open = merge::unsettled(events.iter().map(|(p, e)| (p.as_str(), e)));
    let id = &ticket.id;
    for field in &ticket.collisions {
        if !open.iter().any(|u| &u.record.field == field) {
            f.add(
                &ticket_rel,
                ticket.doc.line_of(merge::FLAG_KEY),
                format!(
                    "collision on {field} is flagged, but no unsettled collision event records it; settle it with `tiketti resolve {id} {field} --set {field}=VALUE`"
                ),
            );
        }
    }
    for u in &open {
        if !ticket.collisions.contains(&u.record.field) {
            f.add(
                &u.file,
                None,
                format!(
                    "collision on {} is not settled, but the ticket does not list it in `collisions:`; `tiketti resolve {id} {} --ours|--theirs` settles it",
                    u.record.field, u.record.field
                ),
            );
        }
    }
    let ids: std::collections::HashSet<&str> = events.iter().map(|(_, e)| e.id.as_str()).collect();
    for (path, e) in &events {
        if e.kind == kind::COLLISION && merge::FieldCollision::from_event(e).is_none() {
            f.add(path, None, "a collision event needs `field`");
        }
        if e.kind == kind::RESOLUTION {
            for r in e.doc.get_list("resolves").unwrap_or_default() {
                if !ids.contains(r.as_str()) {
                    f.add(
                        path,
                        e.doc.line_of("resolves"),
                        format!("resolves {r}, which is not an event of this ticket"),
                    );
                }
            }
        }
    }
}

fn check_links(f: &mut Findings, tickets: &BTreeMap<TicketId, Ticket>) {
    let path = |t: &Ticket| Repo::ticket_path(&t.id);
    for t in tickets.values() {
        for (key, value) in [("parent", &t.parent), ("tracker", &t.tracker)] {
            let Some(v) = value else { continue };
            let Ok(target) = TicketId::parse(v) else {
                continue;
            };
            match tickets.get(&target) {
                None => f.add(
                    &path(t),
                    t.doc.line_of(key),
                    format!("{key} {target} does not exist"),
                ),
                Some(_) if target == t.id => f.add(
                    &path(t),
                    t.doc.line_of(key),
                    format!("{key} names the ticket itself"),
                ),
                Some(other) if key == "tracker" && other.tracker.is_some() => f.add(
                    &path(t),
                    t.doc.line_of(key),
                    format!("tracker {target} is itself tracked; a tracker cannot be tracked"),
                ),
                Some(_) => {}
            }
        }
        // A parent chain that comes back to this ticket is a cycle.
        let mut seen = vec![t.id.clone()];
        // (A parent naming the ticket itself is reported above, not as a cycle.)
        let mut cur = t
            .parent
            .as_deref()
            .and_then(|p| TicketId::parse(p).ok())
            .filter(|p| *p != t.id);
        while let Some(id) = cur {
            if id == t.id {
                f.add(
                    &path(t),
                    t.doc.line_of("parent"),
                    format!(
                        "parent links form a cycle: {}",
                        seen.iter()
                            .map(|i| i.to_string())
                            .collect::<Vec<_>>()
                            .join(" -> ")
                    ),
                );
                break;
            }
            if seen.contains(&id) {
                break;
            }
            seen.push(id.clone());
            cur = tickets
                .get(&id)
                .and_then(|p| p.parent.as_deref())
                .and_then(|p| TicketId::parse(p).ok());
        }
    }
}

fn read_dir_sorted(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| !file_name(p).starts_with(".tiketti-"))
        .collect();
    v.sort();
    v
}

fn file_name(p: &std::path::Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

pub fn run(ctx: &Ctx, args: CheckArgs) -> anyhow::Result<()> {
    let repo = ctx.repo()?;
    let findings = check_repo(&repo)?;
    let mut out = std::io::stdout().lock();
    if args.format == ViewFormat::Json {
        render::json(&mut out, "problems", &findings)?;
    } else {
        for p in &findings {
            match p.line {
                Some(l) => writeln!(out, "{}:{l}: {}", p.file, p.message)?,
                None => writeln!(out, "{}: {}", p.file, p.message)?,
            }
        }
    }
    if findings.is_empty() {
        eprintln!("no problems found");
        Ok(())
    } else {
        Err(UserError::new(format!("{} problem(s) found", findings.len())).into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_conflict_markers() {
        let text =
            "---\n<<<<<<< HEAD\nstatus: open\n=======\nstatus: solved\n>>>>>>> theirs\n---\n";
        assert_eq!(conflict_markers(text), vec![2, 4, 6]);
        assert!(conflict_markers("a\n======\n").is_empty());
    }
}
