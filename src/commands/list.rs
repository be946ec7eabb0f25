//! `tiketti list`: tickets filtered, sorted and printed as a table, JSON, CSV or IDs.
//! `tiketti list --assignee me --open` is an agent's work queue.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashSet;
use std::io::Write;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::Serialize;

use crate::commands::open;
use crate::config::Config;
use crate::ctx::Ctx;
use crate::error::UserError;
use crate::render::{self, Format};
use crate::ticket::{Contact, Ticket, TicketId, format_time};

/// List tickets, oldest first.
///
/// Filters combine (all must match); a repeated --status or --tag matches any of the given
/// statuses and all of the given tags. Broken ticket files are named on stderr.
#[derive(Debug, Clone, clap::Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// created, due, priority (low to high), status, subject, assignee or id; prefix - to
    /// reverse (-priority: most urgent first)
    #[arg(long, default_value = "created", allow_hyphen_values = true)]
    pub sort: String,
    /// At most N tickets
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// The filters of `list`, which `search` shares.
#[derive(Debug, Clone, clap::Args)]
pub struct FilterArgs {
    /// Only tickets in this status; repeat or separate with commas for several
    #[arg(long, value_delimiter = ',')]
    pub status: Vec<String>,
    /// Only open tickets: any status whose category is not solved or closed
    #[arg(long)]
    pub open: bool,
    /// An agent id, `me`, or `none` for unassigned tickets
    #[arg(long)]
    pub assignee: Option<String>,
    /// Only tickets of this group
    #[arg(long)]
    pub group: Option<String>,
    /// Only tickets of this category
    #[arg(long)]
    pub category: Option<String>,
    /// Only tickets of this priority
    #[arg(long)]
    pub priority: Option<String>,
    /// Only tickets with this tag; repeat to require several
    #[arg(long)]
    pub tag: Vec<String>,
    /// Only tickets whose requester's name or address contains TEXT (case-insensitive)
    #[arg(long, value_name = "TEXT")]
    pub requester: Option<String>,
    /// Only tickets from this channel (email, phone, chat, …)
    #[arg(long)]
    pub channel: Option<String>,
    /// Only open tickets past their due date
    #[arg(long)]
    pub overdue: bool,
    /// Only tickets with a collision from a sync to settle (`tiketti resolve`)
    #[arg(long)]
    pub collisions: bool,
    /// Only tickets due before DATE (2026-11-30 or an RFC 3339 time)
    #[arg(long, value_name = "DATE")]
    pub due_before: Option<String>,
    /// Only tickets created at or after DATE (2026-11-01 or an RFC 3339 time)
    #[arg(long, value_name = "DATE")]
    pub created_since: Option<String>,
    /// Only the child tickets of ID
    #[arg(long, value_name = "ID")]
    pub parent: Option<String>,
    /// Only tickets that have a child ticket still open
    #[arg(long)]
    pub has_open_children: bool,
    /// Only the tickets linked to tracker ID
    #[arg(long, value_name = "ID")]
    pub tracker: Option<String>,
    /// Only tickets that breached an SLA target (first response or resolution)
    #[arg(long)]
    pub sla_breach: bool,
    /// Only open tickets with a deadline (due date or SLA target) within DURATION, like 4h,
    /// 30m or 2d; those already past it included
    #[arg(long, value_name = "DURATION")]
    pub due_within: Option<String>,
}

/// One ticket as `list` and `show` print it; the JSON shape of docs/cli.md#json.
#[derive(Debug, Clone, Serialize)]
pub struct TicketView {
    pub id: String,
    pub subject: String,
    pub status: String,
    pub status_category: Option<&'static str>,
    pub open: bool,
    pub priority: Option<String>,
    pub category: Option<String>,
    pub assignee: Option<String>,
    pub group: Option<String>,
    pub requester: Option<String>,
    pub requester_email: Option<String>,
    pub cc: Vec<String>,
    pub channel: Option<String>,
    pub tags: Vec<String>,
    pub due: Option<String>,
    pub overdue: bool,
    pub parent: Option<String>,
    pub tracker: Option<String>,
    pub created: String,
    pub fields: serde_json::Map<String, serde_json::Value>,
    /// Fields with an unsettled collision from a sync.
    pub collisions: Vec<String>,
}

impl TicketView {
    pub fn new(t: &Ticket, config: &Config, now: DateTime<Utc>) -> TicketView {
        let open = config.is_open(&t.status);
        TicketView {
            id: t.id.to_string(),
            subject: t.subject.clone(),
            status: t.status.clone(),
            status_category: config.status_category(&t.status).map(|c| c.as_str()),
            open,
            priority: t.priority.clone(),
            category: t.category.clone(),
            assignee: t.assignee.clone(),
            group: t.group.clone(),
            requester: t.requester.clone(),
            requester_email: t
                .requester
                .as_deref()
                .and_then(|r| Contact::parse(r).ok())
                .and_then(|c| c.email),
            cc: t.cc.clone(),
            channel: t.channel.clone(),
            tags: t.tags.clone(),
            due: t.due.map(|d| d.to_text()),
            overdue: t.is_overdue(now, open),
            parent: t.parent.clone(),
            tracker: t.tracker.clone(),
            created: format_time(t.created),
            fields: t
                .fields
                .iter()
                .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                .collect(),
            collisions: t.collisions.clone(),
        }
    }
}

/// Parse a date or time filter; a bare date means its start (UTC).
fn parse_instant(flag: &str, s: &str) -> anyhow::Result<DateTime<Utc>> {
    if let Ok(d) = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
        return Ok(d.and_time(NaiveTime::MIN).and_utc());
    }
    crate::ticket::parse_time(s).ok_or_else(|| {
        UserError::new(format!("--{flag} {s:?} is not a date"))
            .hint("write 2026-11-30 or 2026-11-30T15:00:00Z")
            .into()
    })
}

/// The resolved filter: what the user typed, checked against the config.
pub struct Filter {
    /// Keep each ticket's description (in its summary's document), for `search`.
    pub descriptions: bool,
    statuses: Vec<String>,
    open: bool,
    assignee: Option<Option<String>>,
    group: Option<String>,
    category: Option<String>,
    priority: Option<String>,
    tags: Vec<String>,
    requester: Option<String>,
    channel: Option<String>,
    overdue: bool,
    collisions: bool,
    due_before: Option<DateTime<Utc>>,
    created_since: Option<DateTime<Utc>>,
    parent: Option<TicketId>,
    tracker: Option<TicketId>,
    /// With --has-open-children: the tickets that have one.
    open_parents: Option<HashSet<TicketId>>,
    has_open_children: bool,
    sla_breach: bool,
    due_within: Option<String>,
}

/// Check the filter flags against the config (before any ticket is read, so a typo
/// costs nothing).
pub fn resolve(
    ctx: &Ctx,
    repo: &crate::store::Repo,
    config: &Config,
    a: &FilterArgs,
) -> anyhow::Result<Filter> {
    let assignee = match a.assignee.as_deref() {
        None => None,
        Some("none") => Some(None),
        Some("me") => Some(Some(ctx.actor(repo, config)?.id)),
        Some(who) => Some(Some(
            config.known_agent(who).map_err(UserError::from)?.id.clone(),
        )),
    };
    if let Some(g) = &a.group {
        config.known_group(g).map_err(UserError::from)?;
    }
    if let Some(c) = &a.category {
        config.known_category(c).map_err(UserError::from)?;
    }
    if let Some(p) = &a.priority {
        config.known_priority(p).map_err(UserError::from)?;
    }
    if let Some(c) = &a.channel {
        config.known_channel(c).map_err(UserError::from)?;
    }
    let link = |flag: &str, v: &Option<String>| -> anyhow::Result<Option<TicketId>> {
        v.as_deref()
            .map(|s| {
                repo.resolve(s)
                    .map_err(|e| UserError::new(format!("--{flag} {s}: {e}")).into())
            })
            .transpose()
    };
    Ok(Filter {
        descriptions: false,
        parent: link("parent", &a.parent)?,
        tracker: link("tracker", &a.tracker)?,
        open_parents: None,
        has_open_children: a.has_open_children,
        sla_breach: a.sla_breach,
        due_within: a.due_within.clone(),
        statuses: a.status.clone(),
        open: a.open,
        assignee,
        group: a.group.clone(),
        category: a.category.clone(),
        priority: a.priority.clone(),
        tags: a.tag.clone(),
        requester: a.requester.as_ref().map(|r| r.to_lowercase()),
        channel: a.channel.clone(),
        overdue: a.overdue,
        collisions: a.collisions,
        due_before: a
            .due_before
            .as_deref()
            .map(|d| parse_instant("due-before", d))
            .transpose()?,
        created_since: a
            .created_since
            .as_deref()
            .map(|d| parse_instant("created-since", d))
            .transpose()?,
    })
}

impl Filter {
    /// The tickets that pass, from one pass over the ticket cache that keeps only the
    /// matches (a queue of 2,500 out of 100,000 tickets holds 2,500; the open-children
    /// filter needs every ticket first), filtered on all cores while the cache is
    /// checked. Broken ticket files are named on stderr. With `ids`, every ticket's ID is
    /// collected too.
    pub fn apply(
        mut self,
        ctx: &Ctx,
        repo: &crate::store::Repo,
        config: &Config,
        mut ids: Option<&mut Vec<TicketId>>,
    ) -> anyhow::Result<Vec<Ticket>> {
        /// What one worker kept.
        #[derive(Default)]
        struct Kept {
            tickets: Vec<Ticket>,
            ids: Vec<TicketId>,
            broken: Vec<crate::store::StoreError>,
            /// The statuses not in tiketti.yaml that some ticket has.
            statuses: Vec<String>,
        }
        let keep_all = self.has_open_children;
        let want_ids = ids.is_some();
        // A status not in tiketti.yaml is a typo unless some ticket really has it (a
        // status written by hand or removed from the config must stay findable).
        let unknown: Vec<String> = self
            .statuses
            .iter()
            .filter(|s| config.known_status(s).is_err())
            .cloned()
            .collect();
        let parts = {
            let (this, unknown, now) = (&self, &unknown, ctx.now);
            // Room for every ticket: what a filter leaves of it is never touched.
            let init = |n| Kept {
                tickets: Vec::with_capacity(n),
                ..Kept::default()
            };
            repo.fold_summaries(self.descriptions, init, |kept, id, loaded| {
                if want_ids {
                    kept.ids.push(id.clone());
                }
                match loaded {
                    Err(e) => kept.broken.push(e),
                    Ok(t) => {
                        if unknown.contains(&t.status) && !kept.statuses.contains(&t.status) {
                            kept.statuses.push(t.status.clone());
                        }
                        if keep_all || this.matches(&t, config, now) {
                            kept.tickets.push(t);
                        }
                    }
                }
            })?
        };
        let mut tickets = Vec::new();
        let mut seen = Vec::new();
        for mut part in parts {
            for e in &part.broken {
                eprintln!("warning: {e}");
            }
            if tickets.is_empty() {
                tickets = part.tickets;
            } else {
                tickets.append(&mut part.tickets);
            }
            if let Some(ids) = ids.as_deref_mut() {
                ids.append(&mut part.ids);
            }
            seen.append(&mut part.statuses);
        }
        if keep_all {
            let open_parents: HashSet<TicketId> = tickets
                .iter()
                .filter(|t| config.is_open(&t.status))
                .filter_map(|t| {
                    let p = TicketId::parse(t.parent.as_deref()?).ok()?;
                    (p != t.id).then_some(p)
                })
                .collect();
            self.open_parents = Some(open_parents);
            tickets.retain(|t| self.matches(t, config, ctx.now));
        }
        let tickets = crate::commands::report::sla_filter(
            ctx,
            repo,
            config,
            tickets,
            self.sla_breach,
            self.due_within.as_deref(),
        )?;
        if let Some(s) = unknown.iter().find(|s| !seen.contains(s)) {
            config.known_status(s).map_err(UserError::from)?;
        }
        Ok(tickets)
    }

    fn matches(&self, t: &Ticket, config: &Config, now: DateTime<Utc>) -> bool {
        let open = config.is_open(&t.status);
        (self.statuses.is_empty() || self.statuses.contains(&t.status))
            && (!self.open || open)
            && self.assignee.as_ref().is_none_or(|a| *a == t.assignee)
            && self
                .group
                .as_ref()
                .is_none_or(|g| Some(g) == t.group.as_ref())
            && self
                .category
                .as_ref()
                .is_none_or(|c| Some(c) == t.category.as_ref())
            && self
                .priority
                .as_ref()
                .is_none_or(|p| Some(p) == t.priority.as_ref())
            && self.tags.iter().all(|tag| t.tags.contains(tag))
            && self.requester.as_ref().is_none_or(|r| {
                t.requester
                    .as_ref()
                    .is_some_and(|q| q.to_lowercase().contains(r.as_str()))
            })
            && self
                .channel
                .as_ref()
                .is_none_or(|c| Some(c) == t.channel.as_ref())
            && (!self.overdue || t.is_overdue(now, open))
            && (!self.collisions || !t.collisions.is_empty())
            && self
                .due_before
                .is_none_or(|d| t.due.is_some_and(|due| due.deadline() <= d))
            && self.created_since.is_none_or(|d| t.created >= d)
            && self.parent.as_ref().is_none_or(|p| names(&t.parent, p))
            && self.tracker.as_ref().is_none_or(|p| names(&t.tracker, p))
            && self
                .open_parents
                .as_ref()
                .is_none_or(|set| set.contains(&t.id))
    }
}

/// Does a link field name ticket `id` (in any spelling an ID may be written)?
fn names(link: &Option<String>, id: &TicketId) -> bool {
    link.as_deref()
        .and_then(|l| TicketId::parse(l).ok())
        .as_ref()
        == Some(id)
}

/// How two tickets compare under one sort key.
type Compare<'a> = Box<dyn Fn(&Ticket, &Ticket) -> Ordering + 'a>;

fn sort(tickets: &mut [&Ticket], key: &str, config: &Config) -> anyhow::Result<()> {
    let (reverse, key) = match key.strip_prefix('-') {
        Some(k) => (true, k),
        None => (false, key),
    };
    let rank = |list: &[String], v: &Option<String>| {
        v.as_ref()
            .and_then(|v| list.iter().position(|p| p == v))
            .unwrap_or(usize::MAX)
    };
    let statuses = config.status_names();
    let status_rank = |t: &Ticket| {
        statuses
            .iter()
            .position(|p| *p == t.status)
            .unwrap_or(usize::MAX)
    };
    let priority_rank = |t: &Ticket| rank(&config.priorities, &t.priority).wrapping_add(1);
    let by: Compare<'_> = match key {
        "created" => Box::new(|a, b| a.created.cmp(&b.created)),
        "due" => Box::new(|a, b| {
            (a.due.is_none(), a.due.map(|d| d.deadline()))
                .cmp(&(b.due.is_none(), b.due.map(|d| d.deadline())))
        }),
        // In tiketti.yaml order (low to high), so `-priority` is most urgent first; a
        // ticket without a priority sorts lowest.
        "priority" => Box::new(|a, b| priority_rank(a).cmp(&priority_rank(b))),
        "status" => Box::new(|a, b| status_rank(a).cmp(&status_rank(b))),
        "subject" => Box::new(|a, b| a.subject.to_lowercase().cmp(&b.subject.to_lowercase())),
        "assignee" => Box::new(|a, b| {
            (a.assignee.is_none(), &a.assignee).cmp(&(b.assignee.is_none(), &b.assignee))
        }),
        "id" => Box::new(|a, b| a.id.cmp(&b.id)),
        other => {
            return Err(UserError::new(format!("cannot sort by {other:?}"))
                .hint("sort by created, due, priority, status, subject, assignee or id; prefix - to reverse")
                .code(crate::error::exit::USAGE)
                .into());
        }
    };
    // Ties keep queue order (oldest first) whichever way the key runs. IDs are unique,
    // so the order is total and an unstable sort gives the same (in a third of the time).
    tickets.sort_unstable_by(|a, b| {
        let o = by(a, b);
        let o = if reverse { o.reverse() } else { o };
        o.then(a.created.cmp(&b.created)).then(a.id.cmp(&b.id))
    });
    Ok(())
}

pub fn run(ctx: &Ctx, args: ListArgs) -> anyhow::Result<()> {
    let (repo, config) = open(ctx)?;
    let filter = resolve(ctx, &repo, &config, &args.filter)?;
    let all = filter.apply(ctx, &repo, &config, None)?;
    // Sorting references: a ticket is hundreds of bytes to move.
    let mut tickets: Vec<&Ticket> = all.iter().collect();
    sort(&mut tickets, &args.sort, &config)?;
    if let Some(n) = args.limit {
        tickets.truncate(n);
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    print(&mut out, &tickets, &config, args.format, ctx)?;
    out.flush()?;
    drop(tickets);
    // Freeing 70,000 tickets one by one took 10-15 ms; the command ends here, and the
    // process gives its memory back at once.
    std::mem::forget(all);
    Ok(())
}

/// Tickets as `list` prints them. Only JSON needs the whole [`TicketView`] of each.
pub fn print(
    out: &mut dyn Write,
    tickets: &[&Ticket],
    config: &Config,
    format: Format,
    ctx: &Ctx,
) -> std::io::Result<()> {
    match format {
        Format::Json => {
            let views: Vec<TicketView> = tickets
                .iter()
                .map(|t| TicketView::new(t, config, ctx.now))
                .collect();
            render::json(out, "tickets", &views)
        }
        Format::Ids => tickets.iter().try_for_each(|t| writeln!(out, "{}", t.id)),
        Format::Csv => {
            let rows: Vec<Vec<String>> = tickets
                .iter()
                .map(|t| {
                    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
                    vec![
                        t.id.to_string(),
                        t.status.clone(),
                        opt(&t.priority),
                        opt(&t.category),
                        opt(&t.assignee),
                        opt(&t.group),
                        opt(&t.requester),
                        opt(&t.channel),
                        t.tags.join(" "),
                        t.due.map(|d| d.to_text()).unwrap_or_default(),
                        format_time(t.created),
                        t.subject.clone(),
                    ]
                })
                .collect();
            render::csv(
                out,
                &[
                    "id",
                    "status",
                    "priority",
                    "category",
                    "assignee",
                    "group",
                    "requester",
                    "channel",
                    "tags",
                    "due",
                    "created",
                    "subject",
                ],
                &rows,
            )
        }
        Format::Table => {
            if tickets.is_empty() {
                eprintln!("no tickets match");
                return Ok(());
            }
            // Borrowed where the ticket has the text: 70,000 rows are half a million cells.
            let rows = tickets
                .iter()
                .map(|t| {
                    let overdue = t.is_overdue(ctx.now, config.is_open(&t.status));
                    let due = match t.due {
                        Some(d) if overdue => format!("{}!", d.to_text()).into(),
                        Some(d) => d.to_text().into(),
                        None => Cow::Borrowed(""),
                    };
                    vec![
                        Cow::Borrowed(t.id.as_str()),
                        Cow::Borrowed(t.status.as_str()),
                        Cow::Borrowed(t.priority.as_deref().unwrap_or_default()),
                        Cow::Borrowed(t.assignee.as_deref().unwrap_or("-")),
                        render::age((ctx.now - t.created).num_seconds()).into(),
                        due,
                        render::truncated(&t.subject, 60),
                    ]
                })
                .collect();
            writeln!(
                out,
                "{}",
                render::table(
                    &["id", "status", "pri", "assignee", "age", "due", "subject"],
                    rows,
                    ctx.stdout_is_tty
                )
            )
        }
    }
}
