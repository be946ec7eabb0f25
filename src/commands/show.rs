//! `tiketti show ID`: the ticket, its description, its thread of events in time order,
//! its links and a short history.

use std::io::Write;

use serde::Serialize;

use crate::commands::links::Links;
use crate::commands::list::TicketView;
use crate::commands::open;
use crate::commands::report::{ClockView, SlaContext};
use crate::config::Config;
use crate::ctx::Ctx;
use crate::render::{self, ViewFormat};
use crate::ticket::merge;
use crate::ticket::{Ticket, TicketId, format_time};

/// Show a ticket: its fields, description, thread (notes, messages, contacts), links and
/// recent history.
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The ticket ID or a unique prefix of 4+ characters
    pub id: String,
    /// table (for people) or json
    #[arg(long, value_enum, default_value = "table")]
    pub format: ViewFormat,
    /// How many history entries to show
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub history: usize,
}

#[derive(Debug, Serialize)]
pub struct EventView {
    pub id: String,
    pub kind: String,
    pub author: Option<String>,
    pub at: String,
    pub internal: bool,
    pub attachments: Vec<String>,
    /// Attachments over the size cap, kept only in the raw message.
    pub omitted: Vec<String>,
    /// For mail: the sender, why it joined this ticket, and what machine sent it.
    pub from: Option<String>,
    pub subject: Option<String>,
    pub thread: Option<String>,
    pub auto: Option<String>,
    pub file: String,
    pub body: String,
}

#[derive(Debug, Serialize)]
pub struct HistoryView {
    pub commit: String,
    pub author: String,
    pub time: String,
    pub summary: String,
}

#[derive(Debug, Serialize)]
pub struct LinkView {
    pub id: String,
    pub subject: String,
    pub status: String,
    pub assignee: Option<String>,
    /// Depth in the tree of children: 0 for a direct child.
    pub depth: usize,
}

/// An unsettled collision, from its event (docs/sync.md).
#[derive(Debug, Serialize)]
pub struct CollisionRecordView {
    pub field: String,
    pub kept: Option<String>,
    pub ours: Option<String>,
    pub theirs: Option<String>,
    pub base: Option<String>,
    pub reason: Option<String>,
    pub file: String,
}

#[derive(Debug, Serialize)]
pub struct ShowView {
    #[serde(flatten)]
    pub ticket: TicketView,
    /// The unsettled collisions, with their values (`collisions` names the fields).
    pub collision_records: Vec<CollisionRecordView>,
    pub description: String,
    pub events: Vec<EventView>,
    pub broken_events: Vec<String>,
    pub children: Vec<LinkView>,
    pub tracked: Vec<LinkView>,
    pub history: Vec<HistoryView>,
    /// The ticket's SLA clocks (docs/reports.md); empty without SLA targets.
    pub sla: Vec<ClockView>,
}

fn link_view(t: &Ticket, depth: usize) -> LinkView {
    LinkView {
        id: t.id.to_string(),
        subject: t.subject.clone(),
        status: t.status.clone(),
        assignee: t.assignee.clone(),
        depth,
    }
}

/// The children of `id`, their children below each, depth first (a loop made by hand is
/// cut where it comes back).
fn tree(
    links: &Links,
    id: &TicketId,
    depth: usize,
    seen: &mut Vec<TicketId>,
    out: &mut Vec<LinkView>,
) {
    for c in links.children_of(id) {
        if seen.contains(&c.id) {
            continue;
        }
        seen.push(c.id.clone());
        out.push(link_view(c, depth));
        tree(links, &c.id, depth + 1, seen, out);
    }
}

pub fn run(ctx: &Ctx, args: ShowArgs) -> anyhow::Result<()> {
    let (repo, config) = open(ctx)?;
    let id = repo.resolve(&args.id)?;
    let ticket = repo.read_ticket(&id)?;
    let mut events = Vec::new();
    let mut broken = Vec::new();
    let mut parsed_events = Vec::new();
    for (file, parsed) in repo.read_events(&id)? {
        match parsed {
            Ok(e) => {
                events.push(EventView {
                    id: e.id.clone(),
                    kind: e.kind.clone(),
                    author: e.author.clone(),
                    at: format_time(e.at),
                    internal: e.is_internal(),
                    attachments: e.attachments.clone(),
                    omitted: e.doc.get_list("omitted").unwrap_or_default(),
                    from: e.doc.get_str("from").ok().flatten(),
                    subject: e.doc.get_str("subject").ok().flatten(),
                    thread: e.doc.get_str("thread").ok().flatten(),
                    auto: e.doc.get_str("auto").ok().flatten(),
                    file: file.clone(),
                    body: e.body().to_string(),
                });
                parsed_events.push((file, e));
            }
            Err(e) => {
                eprintln!("warning: {e}");
                broken.push(e.to_string());
            }
        }
    }
    events.sort_by(|a, b| a.at.cmp(&b.at).then(a.file.cmp(&b.file)));
    let links = Links::scan(&repo)?;
    let mut children = Vec::new();
    tree(&links, &id, 0, &mut vec![id.clone()], &mut children);
    let mut progress = crate::commands::WalkProgress::new();
    let history = repo
        .history(&id, Some(args.history), &mut |d, t| progress.tick(d, t))?
        .into_iter()
        .map(|r| HistoryView {
            commit: r.commit,
            author: r.author,
            time: format_time(r.time),
            summary: r.summary,
        })
        .collect();
    let sla = if config.sla_policy().is_empty() {
        Vec::new()
    } else {
        SlaContext::load(ctx, &repo, &config, std::slice::from_ref(&ticket))?
            .clocks(&ticket, &config)
            .iter()
            .map(ClockView::new)
            .collect()
    };
    let collision_records = merge::unsettled(parsed_events.iter().map(|(f, e)| (f.as_str(), e)))
        .into_iter()
        .map(|u| CollisionRecordView {
            field: u.record.field,
            kept: u.record.kept,
            ours: u.record.ours,
            theirs: u.record.theirs,
            base: u.record.base,
            reason: u.record.reason,
            file: u.file,
        })
        .collect();
    let view = ShowView {
        sla,
        ticket: TicketView::new(&ticket, &config, ctx.now),
        collision_records,
        description: ticket.doc.body.clone(),
        events,
        broken_events: broken,
        children,
        tracked: links
            .tracked_by(&id)
            .iter()
            .map(|t| link_view(t, 0))
            .collect(),
        history,
    };
    let mut out = std::io::stdout().lock();
    match args.format {
        ViewFormat::Json => render::json(&mut out, "ticket", &view)?,
        _ => print_text(&mut out, &view, &config, ctx)?,
    }
    Ok(())
}

fn print_text(
    out: &mut dyn Write,
    v: &ShowView,
    config: &Config,
    ctx: &Ctx,
) -> std::io::Result<()> {
    let t = &v.ticket;
    writeln!(out, "{}  {}", t.id, t.subject)?;
    collision_banner(out, v)?;
    let mut rows: Vec<(&str, String)> = vec![(
        "status",
        match t.status_category {
            Some(c) if c != t.status => format!("{} ({c})", t.status),
            Some(_) => t.status.clone(),
            None => format!("{} (not in tiketti.yaml)", t.status),
        },
    )];
    let mut opt = |k: &'static str, v: &Option<String>| {
        if let Some(v) = v {
            rows.push((k, v.clone()));
        }
    };
    opt("priority", &t.priority);
    opt("category", &t.category);
    opt("assignee", &t.assignee);
    opt("group", &t.group);
    opt("requester", &t.requester);
    opt("channel", &t.channel);
    if !t.cc.is_empty() {
        rows.push(("cc", t.cc.join(", ")));
    }
    if !t.tags.is_empty() {
        rows.push(("tags", t.tags.join(", ")));
    }
    if let Some(d) = &t.due {
        rows.push((
            "due",
            if t.overdue {
                format!("{d} (overdue)")
            } else {
                d.clone()
            },
        ));
    }
    let created = crate::ticket::parse_time(&t.created).unwrap_or(ctx.now);
    let age = render::age((ctx.now - created).num_seconds());
    let age = if age == "now" {
        "just now".to_string()
    } else {
        format!("{age} ago")
    };
    rows.push(("created", format!("{} ({age})", t.created)));
    for (k, val) in &t.fields {
        let label = config
            .fields
            .iter()
            .find(|f| &f.name == k)
            .and_then(|f| f.label.clone())
            .unwrap_or_else(|| k.clone());
        rows.push((
            "field",
            format!("{label}: {}", val.as_str().unwrap_or_default()),
        ));
    }
    if let Some(p) = &t.parent {
        rows.push(("parent", p.clone()));
    }
    if let Some(p) = &t.tracker {
        rows.push(("tracker", p.clone()));
    }
    for (k, val) in rows {
        writeln!(out, "  {k:<10} {val}")?;
    }
    if !v.sla.is_empty() {
        writeln!(out, "\nSLA")?;
        for c in &v.sla {
            writeln!(out, "  {}", c.line())?;
        }
    }
    if !v.description.trim().is_empty() {
        writeln!(out, "\n{}", v.description.trim_end())?;
    }
    for (title, links) in [("Children", &v.children), ("Tracked tickets", &v.tracked)] {
        if !links.is_empty() {
            writeln!(out, "\n{title}")?;
            let status_w = links
                .iter()
                .map(|l| l.status.len())
                .max()
                .unwrap_or(0)
                .max(12);
            let who_w = links
                .iter()
                .map(|l| l.assignee.as_deref().unwrap_or("-").len())
                .max()
                .unwrap_or(0)
                .max(10);
            let depth_w = links.iter().map(|l| l.depth).max().unwrap_or(0) * 2;
            for l in links {
                let id = format!("{}{}", "  ".repeat(l.depth), l.id);
                writeln!(
                    out,
                    "  {id:<w$}  {:<status_w$} {:<who_w$} {}",
                    l.status,
                    l.assignee.as_deref().unwrap_or("-"),
                    render::truncate(&l.subject, 60),
                    w = 8 + depth_w,
                )?;
            }
        }
    }
    if !v.events.is_empty() {
        writeln!(out, "\nThread")?;
        for e in &v.events {
            let who = e.from.as_deref().or(e.author.as_deref()).unwrap_or("?");
            let mut tag = if e.internal {
                format!("{} (internal)", e.kind)
            } else {
                e.kind.clone()
            };
            if let Some(a) = &e.auto {
                tag.push_str(&format!(" [{a}]"));
            }
            writeln!(out, "\n  {}  {tag}  {who}", e.at)?;
            if let Some(s) = &e.subject
                && base_subject(s) != base_subject(&v.ticket.subject)
            {
                writeln!(out, "    Subject: {s}")?;
            }
            for line in e.body.trim_end().lines() {
                writeln!(out, "    {line}")?;
            }
            if !e.attachments.is_empty() {
                writeln!(out, "    [attachments: {}]", e.attachments.join(", "))?;
            }
            for o in &e.omitted {
                writeln!(out, "    [omitted: {o}]")?;
            }
        }
    }
    if !v.history.is_empty() {
        writeln!(out, "\nHistory")?;
        for h in &v.history {
            writeln!(
                out,
                "  {}  {:<16} {}",
                h.time,
                render::truncate(&h.author, 16),
                h.summary
            )?;
        }
    }
    Ok(())
}

/// Unsettled collisions come first: two clones disagreed, and someone must decide.
fn collision_banner(out: &mut dyn Write, v: &ShowView) -> std::io::Result<()> {
    let t = &v.ticket;
    let mut fields: Vec<&str> = t.collisions.iter().map(String::as_str).collect();
    for r in &v.collision_records {
        if !fields.contains(&r.field.as_str()) {
            fields.push(&r.field);
        }
    }
    let shown = |x: &Option<String>| match x.as_deref() {
        None => "(not set)".to_string(),
        Some(s) if s.trim_end().contains('\n') => {
            format!("{:?} …", s.lines().next().unwrap_or(""))
        }
        Some(s) => format!("{s:?}"),
    };
    for f in &fields {
        // The latest unsettled record of the field is the one `resolve` uses.
        match v.collision_records.iter().rev().find(|r| r.field == *f) {
            Some(r) => {
                let what = match &r.reason {
                    Some(reason) => format!("{reason}; was {}", shown(&r.ours)),
                    None => format!("kept {}, not kept {}", shown(&r.kept), shown(&r.ours)),
                };
                writeln!(out, "  ! COLLISION on {f}: {what}")?;
            }
            None => writeln!(
                out,
                "  ! COLLISION on {f}: no collision event records the values"
            )?,
        }
    }
    if let Some(f) = fields.first() {
        writeln!(
            out,
            "  ! settle with `tiketti resolve {} {f} --ours|--theirs|--set {f}=VALUE`",
            t.id
        )?;
    }
    Ok(())
}

/// A subject without reply and forward prefixes (Re:, Fwd:, AW:, SV:, VS:, …) and tags,
/// compared case-insensitively.
fn base_subject(s: &str) -> String {
    let mut s = s.trim();
    loop {
        let lower = s.to_ascii_lowercase();
        let cut = [
            "re:", "fw:", "fwd:", "aw:", "sv:", "vs:", "vl:", "wg:", "tr:",
        ]
        .iter()
        .find(|p| lower.starts_with(*p))
        .map(|p| p.len())
        .or_else(|| {
            s.starts_with('[')
                .then(|| s.find(']').map(|i| i + 1))
                .flatten()
        });
        match cut {
            Some(n) => s = s[n..].trim_start(),
            None => return s.to_lowercase(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::base_subject;

    #[test]
    fn reply_prefixes_do_not_count() {
        assert_eq!(base_subject("Re: AW: [Support #7KQ3F9XM] Order"), "order");
        assert_eq!(base_subject("Vs: Tilaus"), base_subject("tilaus"));
        assert_ne!(
            base_subject("Automatic reply: Order"),
            base_subject("Order")
        );
    }
}
