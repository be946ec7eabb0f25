//! `tiketti remind`: for cron. Each agent gets one digest mail a day listing their open
//! tickets that are overdue or due today, so nothing waits silently in a queue.

use std::collections::BTreeMap;
use std::io::Write;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::commands::{open, outbox};
use crate::config::{Agent, Config};
use crate::ctx::Ctx;
use crate::error::UserError;
use crate::mail::outbound::{self, Auto, Outgoing};
use crate::render::{self, ViewFormat, truncate};
use crate::store::Repo;
use crate::store::fsutil::write_atomic;
use crate::store::outbox::Entry;
use crate::ticket::{Contact, Ticket, format_time};

/// Mail each agent a digest of their open tickets that are overdue or due today, by their
/// due date or an SLA target.
///
/// Meant for cron (`0 7 * * 1-5 tiketti remind`): each agent gets at most one digest a
/// day (--force sends again); agents with nothing late get none.
#[derive(Debug, clap::Args)]
pub struct RemindArgs {
    /// Print the digests instead of sending them
    #[arg(long)]
    pub dry_run: bool,
    /// Only these agents (id or e-mail); repeat for more
    #[arg(long = "agent", value_name = "AGENT")]
    pub agents: Vec<String>,
    /// Send even if today's digest was already sent
    #[arg(long)]
    pub force: bool,
    #[arg(long, value_enum, default_value = "table")]
    pub format: ViewFormat,
}

#[derive(Debug, Serialize)]
struct Item {
    id: String,
    subject: String,
    status: String,
    priority: Option<String>,
    due: String,
    why: &'static str,
    /// For an SLA item, the clock: `first response` or `resolution`.
    sla: Option<&'static str>,
}

#[derive(Debug, Serialize)]
struct Digest {
    agent: String,
    email: Option<String>,
    items: Vec<Item>,
    /// `sent`, `queued`, `already sent today`, `no address`, or `dry run`.
    outcome: String,
}

/// The agents' late tickets, overdue first, then due today, by due time.
fn late_tickets(
    config: &Config,
    tickets: &[Ticket],
    now: DateTime<Utc>,
) -> BTreeMap<String, Vec<Item>> {
    let today_end = (now.date_naive() + chrono::Days::new(1))
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc();
    let mut by_agent: BTreeMap<String, Vec<(DateTime<Utc>, Item)>> = BTreeMap::new();
    for t in tickets {
        let (Some(agent), Some(due)) = (&t.assignee, t.due) else {
            continue;
        };
        if !config.is_open(&t.status) {
            continue;
        }
        let deadline = due.deadline();
        let why = if deadline <= now {
            "overdue"
        } else if deadline <= today_end {
            "due today"
        } else {
            continue;
        };
        by_agent.entry(agent.clone()).or_default().push((
            deadline,
            Item {
                id: t.id.to_string(),
                subject: t.subject.clone(),
                status: t.status.clone(),
                priority: t.priority.clone(),
                due: due.to_text(),
                why,
                sla: None,
            },
        ));
    }
    by_agent
        .into_iter()
        .map(|(a, mut items)| {
            items.sort_by(|x, y| x.0.cmp(&y.0).then(x.1.id.cmp(&y.1.id)));
            (a, items.into_iter().map(|(_, i)| i).collect())
        })
        .collect()
}

/// Add the agents' open tickets whose SLA clock is breached or due before the end of
/// today (UTC, as due dates), unless the ticket is already listed.
fn sla_late(
    ctx: &Ctx,
    repo: &Repo,
    config: &Config,
    tickets: &[Ticket],
    late: &mut BTreeMap<String, Vec<Item>>,
) -> anyhow::Result<()> {
    if config.sla_policy().is_empty() {
        return Ok(());
    }
    let sla = crate::commands::report::SlaContext::load(ctx, repo, config, tickets)?;
    let today_end = (ctx.now.date_naive() + chrono::Days::new(1))
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
        .timestamp();
    for t in tickets {
        let Some(agent) = &t.assignee else { continue };
        if !config.is_open(&t.status) {
            continue;
        }
        let items = late.entry(agent.clone()).or_default();
        if items.iter().any(|i| i.id == t.id.as_str()) {
            continue;
        }
        let clocks = sla.clocks(t, config);
        let pick = clocks
            .iter()
            .filter(|c| c.stopped.is_none())
            .filter_map(|c| {
                let due = c.due?;
                let why = match c.outcome {
                    crate::report::sla::Outcome::Breached => "SLA breached",
                    _ if due <= today_end => "SLA due today",
                    _ => return None,
                };
                Some((due, why, c.metric.label()))
            })
            .min();
        if let Some((due, why, metric)) = pick {
            items.push(Item {
                id: t.id.to_string(),
                subject: t.subject.clone(),
                status: t.status.clone(),
                priority: t.priority.clone(),
                due: DateTime::<Utc>::from_timestamp(due, 0)
                    .map(format_time)
                    .unwrap_or_default(),
                why,
                sla: Some(metric),
            });
        }
    }
    Ok(())
}

fn body(config: &Config, agent: &Agent, items: &[Item], today: NaiveDate) -> String {
    let name = agent.name.clone().unwrap_or_else(|| agent.id.clone());
    let mut s = format!(
        "Hello {name},\n\n{} of your open tickets {} overdue or due today ({today}):\n",
        items.len(),
        if items.len() == 1 { "is" } else { "are" }
    );
    for why in ["overdue", "due today", "SLA breached", "SLA due today"] {
        let group: Vec<&Item> = items.iter().filter(|i| i.why == why).collect();
        if group.is_empty() {
            continue;
        }
        s.push_str(&format!("\n{}\n", capitalise(why)));
        for i in group {
            s.push_str(&format!(
                "  {}  {}  ({}due {}, {}{})\n",
                i.id,
                truncate(&i.subject, 60),
                i.sla.map(|m| format!("{m} ")).unwrap_or_default(),
                i.due,
                i.status,
                i.priority
                    .as_deref()
                    .map(|p| format!(", {p}"))
                    .unwrap_or_default()
            ));
        }
    }
    s.push_str(&format!(
        "\n`tiketti show ID` opens one; `tiketti list --assignee {} --overdue` lists them.\n\n-- \n{}\n",
        agent.id,
        config.helpdesk_name()
    ));
    s
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// `.git/tiketti/remind.json`: the day each agent's digest was last queued.
fn sent_days(repo: &Repo) -> BTreeMap<String, String> {
    std::fs::read_to_string(repo.state_dir().join("remind.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

pub fn run(ctx: &Ctx, args: RemindArgs) -> anyhow::Result<()> {
    let (repo, config) = open(ctx)?;
    let mut wanted = Vec::new();
    for a in &args.agents {
        let agent = config.agent(a).ok_or_else(|| {
            UserError::new(format!("unknown agent {a:?}")).hint(format!(
                "agents are {}",
                config
                    .agents
                    .iter()
                    .map(|a| a.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
        wanted.push(agent.id.clone());
    }
    let tickets: Vec<Ticket> = repo.summaries()?.into_iter().flatten().collect();
    let mut late = late_tickets(&config, &tickets, ctx.now);
    sla_late(ctx, &repo, &config, &tickets, &mut late)?;
    let today = ctx.now.date_naive();
    let address = if args.dry_run {
        config.mail.address.clone().unwrap_or_default()
    } else {
        crate::commands::mailout::helpdesk_address(&config)?
    };
    let mut days = sent_days(&repo);
    let mut digests = Vec::new();
    let mut queued = Vec::new();
    let mut out = std::io::stdout().lock();
    for agent in &config.agents {
        if !wanted.is_empty() && !wanted.contains(&agent.id) {
            continue;
        }
        let Some(items) = late.get(&agent.id).filter(|i| !i.is_empty()) else {
            continue;
        };
        let items: Vec<Item> = items
            .iter()
            .map(|i| Item {
                id: i.id.clone(),
                subject: i.subject.clone(),
                status: i.status.clone(),
                priority: i.priority.clone(),
                due: i.due.clone(),
                why: i.why,
                sla: i.sla,
            })
            .collect();
        let mut digest = Digest {
            agent: agent.id.clone(),
            email: agent.email.clone(),
            items,
            outcome: String::new(),
        };
        let text = body(&config, agent, &digest.items, today);
        let n = digest.items.len();
        let subject = format!(
            "[{}] {n} ticket{} overdue or due today",
            config.mail.tag,
            if n == 1 { "" } else { "s" }
        );
        if args.dry_run {
            digest.outcome = "dry run".into();
            if args.format == ViewFormat::Table {
                writeln!(
                    out,
                    "To: {}\nSubject: {subject}\n\n{text}",
                    agent.email.as_deref().unwrap_or("(no address)")
                )?;
            }
            digests.push(digest);
            continue;
        }
        let Some(email) = agent.email.clone() else {
            eprintln!(
                "warning: agent {} has no email in tiketti.yaml; no digest",
                agent.id
            );
            digest.outcome = "no address".into();
            digests.push(digest);
            continue;
        };
        if !args.force && days.get(&agent.id).is_some_and(|d| *d == today.to_string()) {
            digest.outcome = "already sent today".into();
            digests.push(digest);
            continue;
        }
        let mut id = ctx.mint_event_id();
        while repo.outbox().has(&id) {
            id = ctx.mint_event_id();
        }
        let mail = Outgoing {
            from: Contact {
                name: Some(config.helpdesk_name().to_string()),
                email: Some(address.clone()),
            },
            to: vec![Contact {
                name: agent.name.clone(),
                email: Some(email.clone()),
            }],
            cc: Vec::new(),
            subject: subject.clone(),
            message_id: format!("tiketti-remind.{id}@{}", outbound::domain_of(&address)),
            in_reply_to: None,
            references: Vec::new(),
            date: ctx.now,
            auto: Some(Auto::Generated),
            loop_marker: address.clone(),
            text,
            attachments: Vec::new(),
        };
        let raw = mail
            .build()
            .map_err(|e| UserError::new(format!("digest for {}: {e}", agent.id)))?;
        let entry = Entry {
            id: id.clone(),
            ticket: None,
            event: None,
            from: address.clone(),
            to: vec![email],
            subject,
            auto: true,
            queued: format_time(ctx.now),
            attempts: 0,
            last_attempt: None,
            error: None,
            sending: None,
            sent: None,
            dropped: None,
        };
        repo.outbox().put(&entry, &raw)?;
        days.insert(agent.id.clone(), today.to_string());
        queued.push(id);
        digest.outcome = "queued".into();
        digests.push(digest);
    }
    if !queued.is_empty() {
        let path = repo.state_dir().join("remind.json");
        write_atomic(&path, &serde_json::to_vec_pretty(&days)?)
            .map_err(|e| UserError::new(format!("cannot write {}: {e}", path.display())))?;
        let done = outbox::flush(ctx, &repo, &config, None, Some(&queued), true)?;
        outbox::report(&done);
        for d in &mut digests {
            if d.outcome == "queued"
                && done
                    .sent
                    .iter()
                    .any(|e| d.email.as_ref().is_some_and(|m| e.to.contains(m)))
            {
                d.outcome = "sent".into();
            }
        }
    }
    if args.format == ViewFormat::Json {
        render::json(&mut out, "digests", &digests)?;
    } else if !args.dry_run {
        for d in &digests {
            writeln!(
                out,
                "{}: {} ticket(s), {}",
                d.agent,
                d.items.len(),
                d.outcome
            )?;
        }
        if digests.is_empty() {
            eprintln!("no agent has overdue tickets or tickets due today");
        }
    } else if digests.is_empty() {
        eprintln!("no agent has overdue tickets or tickets due today");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overdue_and_due_today_per_agent() {
        let config = Config::parse(crate::config::DEFAULT_TEXT).unwrap();
        let t = |id: &str, due: &str, status: &str, who: &str| {
            Ticket::parse(&format!(
                "---\nid: {id}\nsubject: S {id}\nstatus: {status}\nassignee: {who}\ndue: {due}\ncreated: 2026-11-01T00:00:00Z\n---\n"
            ))
            .unwrap()
        };
        let now = crate::ticket::parse_time("2026-11-22T09:00:00Z").unwrap();
        let tickets = vec![
            t("AAAAAAAA", "2026-11-22", "open", "anna"),
            t("BBBBBBBB", "2026-11-20", "open", "anna"),
            t("CCCCCCCC", "2026-11-23", "open", "anna"),
            t("DDDDDDDD", "2026-11-19", "solved", "anna"),
            t("EEEEEEEE", "2026-11-22T08:00:00Z", "pending", "bo"),
        ];
        let late = late_tickets(&config, &tickets, now);
        let anna: Vec<(&str, &str)> = late["anna"]
            .iter()
            .map(|i| (i.id.as_str(), i.why))
            .collect();
        assert_eq!(
            anna,
            vec![("BBBBBBBB", "overdue"), ("AAAAAAAA", "due today")]
        );
        assert_eq!(late["bo"][0].why, "overdue");
    }
}
