//! `tiketti report`: what is open now and with whom; with a period, what happened in it:
//! counts, first-response and resolution times, SLA achievement and breaches, handling
//! time per agent and the backlog per day. Tables, JSON, CSV, or one HTML page with
//! charts. Also [`SlaContext`], the SLA clocks of tickets that `show`, `list` and
//! `remind` use. Every figure is defined in docs/reports.md.

mod html;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::commands::open;
use crate::config::Config;
use crate::ctx::Ctx;
use crate::error::UserError;
use crate::render;
use crate::report::calendar::{self, BusinessTime, Instant, format_duration};
use crate::report::history::{Life, State};
use crate::report::metrics::{self, By, Item, Period, SlaTally, Stats, Tally};
use crate::report::sla::{self, Metric, Outcome, Policy, SlaClock};
use crate::store::Repo;
use crate::store::timeline::Timelines;
use crate::ticket::{Ticket, format_time};

/// Report on the helpdesk: what is open now, or what happened in a period.
///
/// Without --since, --until or --by: open tickets now by status, assignee, group,
/// category and priority, unassigned, overdue and SLA-breaching counts, and the oldest
/// open tickets. With any of them: created, solved and reopened tickets, first-response
/// and resolution times (mean, median, 90th percentile), SLA targets achieved and
/// breached, handling time and the backlog at the end of each day. Days are in
/// sla.time_zone (UTC without one). docs/reports.md defines every figure.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// First day of the period, like 2026-11-01 (default: 29 days before --until)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Last day of the period, included (default: today)
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Figures of the period per agent, group, category, priority or channel
    #[arg(long, value_enum)]
    pub by: Option<By>,
    /// table, json, csv, or html (one page with charts; use -o FILE)
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
    /// Write the report to FILE instead of standard output
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// How many of the oldest open tickets to list
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub oldest: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Table,
    Json,
    Csv,
    Html,
}

// ----- SLA clocks of tickets, shared with show, list and remind -----

/// What the SLA clocks of tickets are computed from: the policy, the business calendar
/// laid out over the tickets' lifetimes, and every ticket's history from git.
pub struct SlaContext {
    pub policy: Policy,
    business: Option<BusinessTime>,
    timelines: Timelines,
    now: Instant,
}

impl SlaContext {
    /// Read the histories (the timeline cache, brought up to date) for `tickets`.
    pub fn load(
        ctx: &Ctx,
        repo: &Repo,
        config: &Config,
        tickets: &[Ticket],
    ) -> anyhow::Result<SlaContext> {
        SlaContext::new(ctx, Some(repo), config, tickets)
    }

    /// With `repo`, the histories from git; without, every ticket as if it had been in
    /// its current state since it was created (enough when nothing looks back).
    fn new(
        ctx: &Ctx,
        repo: Option<&Repo>,
        config: &Config,
        tickets: &[Ticket],
    ) -> anyhow::Result<SlaContext> {
        let now = ctx.now.timestamp();
        let policy = config.sla_policy();
        let earliest = tickets
            .iter()
            .map(|t| t.created.timestamp())
            .min()
            .unwrap_or(now)
            .min(now);
        // Due times are looked up to a year and a bit ahead.
        let business = policy
            .schedule
            .as_ref()
            .map(|s| BusinessTime::new(s, earliest, now + 400 * 86_400));
        let timelines = match repo {
            Some(repo) => read_timelines(repo)?,
            None => Timelines::default(),
        };
        Ok(SlaContext {
            policy,
            business,
            timelines,
            now,
        })
    }

    /// The ticket's life: its history from git, with the work tree as the present.
    pub fn life(&self, t: &Ticket, config: &Config) -> Life {
        let current = State {
            status: Some(t.status.as_str().into()),
            assignee: t.assignee.as_deref().map(Into::into),
            group: t.group.as_deref().map(Into::into),
        };
        Life::build(
            t.created.timestamp(),
            &self.timelines.get(t.id.as_str()),
            &current,
            self.now,
            &|s| config.status_category(s),
        )
    }

    /// The SLA clocks that apply to the ticket (none without targets).
    pub fn clocks_of(&self, t: &Ticket, life: &Life) -> Vec<SlaClock> {
        sla::clocks(
            &self.policy,
            self.business.as_ref(),
            t.category.as_deref(),
            t.priority.as_deref(),
            life,
        )
    }

    pub fn clocks(&self, t: &Ticket, config: &Config) -> Vec<SlaClock> {
        if self.policy.is_empty() {
            return Vec::new();
        }
        self.clocks_of(t, &self.life(t, config))
    }
}

/// The timeline cache, with a line on a terminal while a long history is read.
fn read_timelines(repo: &Repo) -> anyhow::Result<Timelines> {
    let mut progress = crate::commands::WalkProgress::new();
    Ok(repo.timelines(&mut |done, total| progress.tick(done, total))?)
}

/// One SLA clock as `show` and `report` print it.
#[derive(Debug, Clone, Serialize)]
pub struct ClockView {
    pub metric: Metric,
    /// The target entry's name in tiketti.yaml.
    pub target: String,
    pub target_seconds: i64,
    /// `business` or `calendar`.
    pub hours: &'static str,
    pub pauses: bool,
    pub elapsed_seconds: i64,
    pub outcome: Outcome,
    pub due: Option<String>,
    pub stopped: Option<String>,
}

impl ClockView {
    pub fn new(c: &SlaClock) -> ClockView {
        ClockView {
            metric: c.metric,
            target: c.target.clone(),
            target_seconds: c.goal.secs,
            hours: if c.goal.business {
                "business"
            } else {
                "calendar"
            },
            pauses: c.goal.pause,
            elapsed_seconds: c.elapsed,
            outcome: c.outcome,
            due: c.due.map(time_text),
            stopped: c.stopped.map(time_text),
        }
    }

    /// `first response  4h business  achieved  1h 20m used, due 2026-…` for `show`.
    pub fn line(&self) -> String {
        let goal = format!(
            "{} {}{}",
            format_duration(self.target_seconds),
            self.hours,
            if self.pauses { ", pauses" } else { "" }
        );
        let used = format!("{} used", format_duration(self.elapsed_seconds));
        let due = self.due.as_deref().unwrap_or("-");
        let detail = match self.outcome {
            Outcome::Achieved => {
                format!("{used}, stopped {}", self.stopped.as_deref().unwrap_or("-"))
            }
            Outcome::Breached => match &self.stopped {
                Some(s) => format!("{used}, due {due}, stopped {s}"),
                None => format!("{used}, due {due}"),
            },
            Outcome::Running => format!("{used}, due {due}"),
            Outcome::Paused => format!("{used}, paused"),
        };
        format!(
            "{:<15} {:<26} {:<9} {detail}  ({})",
            self.metric.label(),
            goal,
            self.outcome.as_str(),
            self.target
        )
    }
}

fn time_text(t: Instant) -> String {
    DateTime::<Utc>::from_timestamp(t, 0)
        .map(format_time)
        .unwrap_or_default()
}

// ----- the report -----

/// One row of a "now" breakdown: a value (null: none) and its open tickets.
#[derive(Debug, Serialize)]
struct Count {
    name: Option<String>,
    open: u64,
}

#[derive(Debug, Serialize)]
struct OldTicket {
    id: String,
    subject: String,
    status: String,
    assignee: Option<String>,
    created: String,
    age_seconds: i64,
}

#[derive(Debug, Serialize)]
struct NowView {
    at: String,
    open: u64,
    unassigned: u64,
    overdue: u64,
    sla_breached: u64,
    by_status: Vec<Count>,
    by_assignee: Vec<Count>,
    by_group: Vec<Count>,
    by_category: Vec<Count>,
    by_priority: Vec<Count>,
    oldest: Vec<OldTicket>,
}

#[derive(Debug, Serialize, Default, Clone, Copy)]
struct TimeStats {
    count: usize,
    mean_seconds: Option<i64>,
    median_seconds: Option<i64>,
    p90_seconds: Option<i64>,
}

impl TimeStats {
    fn of(values: &[i64]) -> TimeStats {
        let s = Stats::of(values);
        let r = |v: Option<f64>| v.map(|x| x.round() as i64);
        TimeStats {
            count: s.count,
            mean_seconds: r(s.mean),
            median_seconds: r(s.median),
            p90_seconds: r(s.p90),
        }
    }
}

#[derive(Debug, Serialize, Clone, Copy)]
struct ShareView {
    achieved: u64,
    breached: u64,
    /// achieved / (achieved + breached), 0–1; null when nothing was settled.
    share: Option<f64>,
}

impl ShareView {
    fn of(t: SlaTally) -> ShareView {
        ShareView {
            achieved: t.achieved,
            breached: t.breached,
            share: t.share().map(|s| (s * 10_000.0).round() / 10_000.0),
        }
    }
}

#[derive(Debug, Serialize)]
struct SlaView {
    first_response: ShareView,
    resolution: ShareView,
    all: ShareView,
}

#[derive(Debug, Serialize)]
struct Row {
    /// The agent, group, category, priority or channel; null for none (and for the
    /// totals).
    key: Option<String>,
    created: u64,
    solved: u64,
    reopened: u64,
    first_response: TimeStats,
    resolution: TimeStats,
    handling_seconds: i64,
    sla: SlaView,
}

impl Row {
    fn new(key: Option<String>, t: &Tally) -> Row {
        let share = |m| ShareView::of(t.sla.get(&m).copied().unwrap_or_default());
        Row {
            key,
            created: t.created,
            solved: t.solved,
            reopened: t.reopened,
            first_response: TimeStats::of(&t.first_response),
            resolution: TimeStats::of(&t.resolution),
            handling_seconds: t.handling,
            sla: SlaView {
                first_response: share(Metric::FirstResponse),
                resolution: share(Metric::Resolution),
                all: ShareView::of(t.sla_total()),
            },
        }
    }
}

#[derive(Debug, Serialize)]
struct Day {
    date: String,
    open: u64,
}

#[derive(Debug, Serialize)]
struct Handling {
    agent: Option<String>,
    seconds: i64,
}

#[derive(Debug, Serialize)]
struct CategorySla {
    category: Option<String>,
    first_response: ShareView,
    resolution: ShareView,
}

#[derive(Debug, Serialize)]
struct Breach {
    id: String,
    subject: String,
    category: Option<String>,
    assignee: Option<String>,
    #[serde(flatten)]
    clock: ClockView,
}

#[derive(Debug, Serialize)]
struct PeriodView {
    since: String,
    until: String,
    by: Option<By>,
    totals: Row,
    rows: Vec<Row>,
    backlog: Vec<Day>,
    handling_by_agent: Vec<Handling>,
    sla_by_category: Vec<CategorySla>,
    breaches: Vec<Breach>,
}

#[derive(Debug, Serialize)]
struct ReportView {
    helpdesk: String,
    time_zone: String,
    now: NowView,
    period: Option<PeriodView>,
}

/// The period the user asked for: whole local days.
struct Days {
    first: NaiveDate,
    last: NaiveDate,
}

fn parse_day(flag: &str, s: &str, today: NaiveDate) -> anyhow::Result<NaiveDate> {
    if s.trim() == "today" {
        return Ok(today);
    }
    calendar::parse_date(s).map_err(|_| {
        UserError::new(format!("--{flag} {s:?} is not a date"))
            .hint("write a day like 2026-11-30 (or today)")
            .into()
    })
}

fn resolve_days(args: &ReportArgs, today: NaiveDate) -> anyhow::Result<Option<Days>> {
    if args.since.is_none() && args.until.is_none() && args.by.is_none() {
        return Ok(None);
    }
    let last = match &args.until {
        Some(s) => parse_day("until", s, today)?,
        None => today,
    };
    let first = match &args.since {
        Some(s) => parse_day("since", s, today)?,
        None => last - chrono::Days::new(29),
    };
    if first > last {
        return Err(UserError::new(format!(
            "the period is empty: --since {first} is after --until {last}"
        ))
        .into());
    }
    Ok(Some(Days { first, last }))
}

pub fn run(ctx: &Ctx, args: ReportArgs) -> anyhow::Result<()> {
    let (repo, config) = open(ctx)?;
    let tz = config.report_zone();
    let today = calendar::local_date(tz, ctx.now.timestamp());
    let mut days = resolve_days(&args, today)?;
    if args.format == ReportFormat::Html {
        if args.output.is_none() && ctx.stdout_is_tty {
            return Err(UserError::new("an HTML report goes to a file")
                .hint("add -o report.html")
                .code(crate::error::exit::USAGE)
                .into());
        }
        // The page always has its charts: the last 30 days unless told otherwise.
        days.get_or_insert(Days {
            first: today - chrono::Days::new(29),
            last: today,
        });
    }
    let mut tickets = Vec::new();
    for loaded in repo.summaries()? {
        match loaded {
            Ok(t) => tickets.push(t),
            Err(e) => eprintln!("warning: {e}"),
        }
    }
    // What is open now needs no history, unless SLA clocks are to be counted.
    let history = days.is_some() || !config.sla_policy().is_empty();
    let sla = SlaContext::new(ctx, history.then_some(&repo), &config, &tickets)?;
    let lives: Vec<Life> = tickets.iter().map(|t| sla.life(t, &config)).collect();
    let clocks: Vec<Vec<SlaClock>> = tickets
        .iter()
        .zip(&lives)
        .map(|(t, l)| {
            if sla.policy.is_empty() {
                Vec::new()
            } else {
                sla.clocks_of(t, l)
            }
        })
        .collect();
    let view = ReportView {
        helpdesk: config.helpdesk_name().to_string(),
        time_zone: tz.name().to_string(),
        now: now_view(ctx, &config, &tickets, &clocks, args.oldest),
        period: days.map(|d| period_view(ctx, &config, &tickets, &lives, &clocks, &d, args.by)),
    };
    let mut bytes: Vec<u8> = Vec::new();
    match args.format {
        ReportFormat::Json => render::json_object(
            &mut bytes,
            serde_json::json!({
                "helpdesk": view.helpdesk,
                "time_zone": view.time_zone,
                "now": view.now,
                "period": view.period,
            }),
        )?,
        ReportFormat::Csv => print_csv(&mut bytes, &view)?,
        ReportFormat::Table => print_table(&mut bytes, &view, ctx)?,
        ReportFormat::Html => bytes = html::page(&view).into_bytes(),
    }
    match &args.output {
        Some(path) => {
            crate::store::fsutil::write_atomic(path, &bytes)
                .map_err(|e| UserError::new(format!("cannot write {}: {e}", path.display())))?;
            eprintln!("report written to {}", path.display());
        }
        None => std::io::stdout().lock().write_all(&bytes)?,
    }
    Ok(())
}

/// Every configured value with its count (zeros included), then values tiketti.yaml does
/// not know, then none (when `with_none`).
fn breakdown(
    configured: &[String],
    counts: &BTreeMap<Option<String>, u64>,
    with_none: bool,
) -> Vec<Count> {
    let mut out: Vec<Count> = configured
        .iter()
        .map(|name| Count {
            name: Some(name.clone()),
            open: counts.get(&Some(name.clone())).copied().unwrap_or(0),
        })
        .collect();
    for (name, &open) in counts {
        if let Some(n) = name
            && !configured.contains(n)
        {
            out.push(Count {
                name: Some(n.clone()),
                open,
            });
        }
    }
    if with_none {
        out.push(Count {
            name: None,
            open: counts.get(&None).copied().unwrap_or(0),
        });
    }
    out
}

fn now_view(
    ctx: &Ctx,
    config: &Config,
    tickets: &[Ticket],
    clocks: &[Vec<SlaClock>],
    oldest: usize,
) -> NowView {
    let mut by: [BTreeMap<Option<String>, u64>; 5] = Default::default();
    let (mut open, mut unassigned, mut overdue, mut breached) = (0, 0, 0, 0);
    let mut open_tickets: Vec<&Ticket> = Vec::new();
    for (t, cs) in tickets.iter().zip(clocks) {
        if !config.is_open(&t.status) {
            continue;
        }
        open += 1;
        open_tickets.push(t);
        unassigned += u64::from(t.assignee.is_none());
        overdue += u64::from(t.is_overdue(ctx.now, true));
        breached += u64::from(cs.iter().any(SlaClock::is_breached));
        for (i, v) in [
            Some(t.status.clone()),
            t.assignee.clone(),
            t.group.clone(),
            t.category.clone(),
            t.priority.clone(),
        ]
        .into_iter()
        .enumerate()
        {
            *by[i].entry(v).or_default() += 1;
        }
    }
    let open_statuses: Vec<String> = config
        .statuses
        .iter()
        .filter(|s| config.is_open(&s.name))
        .map(|s| s.name.clone())
        .collect();
    let agents: Vec<String> = config.agents.iter().map(|a| a.id.clone()).collect();
    let groups: Vec<String> = config.groups.iter().map(|g| g.name.clone()).collect();
    let categories: Vec<String> = config.categories.iter().map(|c| c.name.clone()).collect();
    open_tickets.sort_by(|a, b| a.created.cmp(&b.created).then(a.id.cmp(&b.id)));
    NowView {
        at: format_time(ctx.now),
        open,
        unassigned,
        overdue,
        sla_breached: breached,
        by_status: breakdown(&open_statuses, &by[0], false),
        by_assignee: breakdown(&agents, &by[1], true),
        by_group: breakdown(&groups, &by[2], true),
        by_category: breakdown(&categories, &by[3], true),
        by_priority: breakdown(&config.priorities, &by[4], true),
        oldest: open_tickets
            .iter()
            .take(oldest)
            .map(|t| OldTicket {
                id: t.id.to_string(),
                subject: t.subject.clone(),
                status: t.status.clone(),
                assignee: t.assignee.clone(),
                created: format_time(t.created),
                age_seconds: (ctx.now - t.created).num_seconds().max(0),
            })
            .collect(),
    }
}

/// Configured values of a dimension, in tiketti.yaml order.
fn configured(config: &Config, by: By) -> Vec<String> {
    match by {
        By::Agent => config.agents.iter().map(|a| a.id.clone()).collect(),
        By::Group => config.groups.iter().map(|g| g.name.clone()).collect(),
        By::Category => config.categories.iter().map(|c| c.name.clone()).collect(),
        By::Priority => config.priorities.clone(),
        By::Channel => config.channels.clone(),
    }
}

/// Rows in tiketti.yaml order (every configured value, zeros included), then others,
/// then none.
fn ordered(
    config: &Config,
    by: By,
    rows: &BTreeMap<Option<String>, Tally>,
) -> Vec<(Option<String>, Tally)> {
    let known = configured(config, by);
    let mut out: Vec<(Option<String>, Tally)> = known
        .iter()
        .map(|k| {
            (
                Some(k.clone()),
                rows.get(&Some(k.clone())).cloned().unwrap_or_default(),
            )
        })
        .collect();
    for (k, t) in rows {
        if k.as_ref().is_some_and(|k| !known.contains(k)) {
            out.push((k.clone(), t.clone()));
        }
    }
    if let Some(t) = rows.get(&None) {
        out.push((None, t.clone()));
    }
    out
}

fn period_view(
    ctx: &Ctx,
    config: &Config,
    tickets: &[Ticket],
    lives: &[Life],
    clocks: &[Vec<SlaClock>],
    days: &Days,
    by: Option<By>,
) -> PeriodView {
    let tz = config.report_zone();
    let now = ctx.now.timestamp();
    let period = Period {
        from: calendar::day_start(tz, days.first),
        to: calendar::day_start(tz, days.last + chrono::Days::new(1)),
    };
    let items: Vec<Item<'_>> = tickets
        .iter()
        .zip(lives)
        .zip(clocks)
        .map(|((t, life), cs)| Item {
            life,
            clocks: cs,
            category: t.category.as_deref(),
            priority: t.priority.as_deref(),
            channel: t.channel.as_deref(),
        })
        .collect();
    let totals = metrics::tally(&items, period, None)
        .remove(&None)
        .unwrap_or_default();
    let rows = match by {
        None => Vec::new(),
        Some(b) => ordered(config, b, &metrics::tally(&items, period, Some(b)))
            .into_iter()
            .map(|(k, t)| Row::new(k, &t))
            .collect(),
    };
    // Backlog: the last second of each day up to today; today's figure is now.
    let mut dates = Vec::new();
    let mut samples = Vec::new();
    let mut d = days.first;
    while d <= days.last {
        if calendar::day_start(tz, d) > now {
            break;
        }
        let end = calendar::day_start(tz, d + chrono::Days::new(1)) - 1;
        dates.push(d);
        samples.push(end.min(now));
        d = d + chrono::Days::new(1);
    }
    let life_refs: Vec<&Life> = lives.iter().collect();
    let backlog = metrics::backlog(&life_refs, &samples)
        .into_iter()
        .zip(dates)
        .map(|(open, date)| Day {
            date: date.to_string(),
            open,
        })
        .collect();
    let handling_by_agent = ordered(
        config,
        By::Agent,
        &metrics::tally(&items, period, Some(By::Agent)),
    )
    .into_iter()
    .map(|(agent, t)| Handling {
        agent,
        seconds: t.handling,
    })
    .collect();
    let sla_by_category = ordered(
        config,
        By::Category,
        &metrics::tally(&items, period, Some(By::Category)),
    )
    .into_iter()
    .map(|(category, t)| CategorySla {
        category,
        first_response: ShareView::of(
            t.sla
                .get(&Metric::FirstResponse)
                .copied()
                .unwrap_or_default(),
        ),
        resolution: ShareView::of(t.sla.get(&Metric::Resolution).copied().unwrap_or_default()),
    })
    .collect();
    let mut breaches: Vec<(Instant, Breach)> = Vec::new();
    for ((t, life), cs) in tickets.iter().zip(lives).zip(clocks) {
        for c in cs {
            if let (Outcome::Breached, Some(when)) = (c.outcome, c.settled_at())
                && period.contains(when)
            {
                breaches.push((
                    when,
                    Breach {
                        id: t.id.to_string(),
                        subject: t.subject.clone(),
                        category: t.category.clone(),
                        assignee: life.at(when).state.assignee.as_deref().map(str::to_string),
                        clock: ClockView::new(c),
                    },
                ));
            }
        }
    }
    breaches.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.id.cmp(&b.1.id)));
    PeriodView {
        since: days.first.to_string(),
        until: days.last.to_string(),
        by,
        totals: Row::new(None, &totals),
        rows,
        backlog,
        handling_by_agent,
        sla_by_category,
        breaches: breaches.into_iter().map(|(_, b)| b).collect(),
    }
}

// ----- output -----

fn name_or(name: &Option<String>, none: &str) -> String {
    name.clone().unwrap_or_else(|| none.to_string())
}

fn secs_text(v: Option<i64>) -> String {
    v.map(format_duration).unwrap_or_else(|| "-".into())
}

fn share_text(s: &ShareView) -> String {
    match s.share {
        Some(x) => format!(
            "{:.0}% ({}/{})",
            x * 100.0,
            s.achieved,
            s.achieved + s.breached
        ),
        None => "-".into(),
    }
}

fn hours(secs: Option<i64>) -> String {
    secs.map(|s| format!("{:.2}", s as f64 / 3600.0))
        .unwrap_or_default()
}

/// The table: what is open now, or (with a period) the period's figures.
fn print_table(out: &mut dyn Write, v: &ReportView, ctx: &Ctx) -> std::io::Result<()> {
    let tty = ctx.stdout_is_tty;
    match &v.period {
        Some(p) => print_period(out, p, &v.time_zone, tty),
        None => print_now(out, &v.now, tty),
    }
}

fn print_now(out: &mut dyn Write, n: &NowView, tty: bool) -> std::io::Result<()> {
    writeln!(
        out,
        "Open now: {} ({} unassigned, {} overdue, {} breaching an SLA target) at {}",
        n.open, n.unassigned, n.overdue, n.sla_breached, n.at
    )?;
    for (title, none, counts) in [
        ("status", "", &n.by_status),
        ("assignee", "(unassigned)", &n.by_assignee),
        ("group", "(none)", &n.by_group),
        ("category", "(none)", &n.by_category),
        ("priority", "(none)", &n.by_priority),
    ] {
        let rows = counts
            .iter()
            .map(|c| vec![name_or(&c.name, none), c.open.to_string()])
            .collect();
        writeln!(out, "\n{}", render::table(&[title, "open"], rows, tty))?;
    }
    if !n.oldest.is_empty() {
        writeln!(out, "\nOldest open")?;
        let rows = n
            .oldest
            .iter()
            .map(|o| {
                vec![
                    o.id.clone(),
                    render::age(o.age_seconds),
                    o.status.clone(),
                    name_or(&o.assignee, "-"),
                    render::truncate(&o.subject, 60),
                ]
            })
            .collect();
        writeln!(
            out,
            "{}",
            render::table(&["id", "age", "status", "assignee", "subject"], rows, tty)
        )?;
    }
    Ok(())
}

fn print_period(
    out: &mut dyn Write,
    p: &PeriodView,
    time_zone: &str,
    tty: bool,
) -> std::io::Result<()> {
    let t = &p.totals;
    writeln!(out, "Period {} to {} ({time_zone})", p.since, p.until)?;
    writeln!(
        out,
        "  created {}, solved {}, reopened {}",
        t.created, t.solved, t.reopened
    )?;
    for (label, s) in [
        ("first response", &t.first_response),
        ("resolution", &t.resolution),
    ] {
        writeln!(
            out,
            "  {label}: {} ticket(s), mean {}, median {}, 90th percentile {}",
            s.count,
            secs_text(s.mean_seconds),
            secs_text(s.median_seconds),
            secs_text(s.p90_seconds)
        )?;
    }
    writeln!(
        out,
        "  SLA achieved: first response {}, resolution {}, all {}",
        share_text(&t.sla.first_response),
        share_text(&t.sla.resolution),
        share_text(&t.sla.all)
    )?;
    writeln!(
        out,
        "  handling time: {}",
        format_duration(t.handling_seconds)
    )?;
    if let Some(by) = p.by {
        let rows = p
            .rows
            .iter()
            .map(|r| {
                vec![
                    name_or(&r.key, "(none)"),
                    r.created.to_string(),
                    r.solved.to_string(),
                    r.reopened.to_string(),
                    secs_text(r.first_response.median_seconds),
                    secs_text(r.resolution.median_seconds),
                    share_text(&r.sla.all),
                    format_duration(r.handling_seconds),
                ]
            })
            .collect();
        writeln!(
            out,
            "\n{}",
            render::table(
                &[
                    by.as_str(),
                    "created",
                    "solved",
                    "reopened",
                    "1st resp (median)",
                    "resolution (median)",
                    "sla",
                    "handling"
                ],
                rows,
                tty
            )
        )?;
    }
    if !p.breaches.is_empty() {
        writeln!(out, "\nSLA breaches")?;
        let rows = p
            .breaches
            .iter()
            .map(|b| {
                vec![
                    b.id.clone(),
                    b.clock.metric.label().to_string(),
                    format!(
                        "{} {}",
                        format_duration(b.clock.target_seconds),
                        b.clock.hours
                    ),
                    b.clock.due.clone().unwrap_or_default(),
                    b.clock.stopped.clone().unwrap_or_else(|| "open".into()),
                    name_or(&b.assignee, "-"),
                    render::truncate(&b.subject, 40),
                ]
            })
            .collect();
        writeln!(
            out,
            "{}",
            render::table(
                &[
                    "id", "metric", "target", "due", "stopped", "assignee", "subject"
                ],
                rows,
                tty
            )
        )?;
    }
    writeln!(out, "\nBacklog (open at the end of each day)")?;
    let rows = p
        .backlog
        .iter()
        .map(|d| vec![d.date.clone(), d.open.to_string()])
        .collect();
    writeln!(out, "{}", render::table(&["date", "open"], rows, tty))?;
    Ok(())
}

/// CSV: the "now" breakdowns (`dimension,name,open`), or, for a period, one row per
/// `--by` value (one `all` row without it).
fn print_csv(out: &mut dyn Write, v: &ReportView) -> std::io::Result<()> {
    let Some(p) = &v.period else {
        let n = &v.now;
        let mut rows: Vec<Vec<String>> = vec![
            vec!["total".into(), "open".into(), n.open.to_string()],
            vec![
                "total".into(),
                "unassigned".into(),
                n.unassigned.to_string(),
            ],
            vec!["total".into(), "overdue".into(), n.overdue.to_string()],
            vec![
                "total".into(),
                "sla_breached".into(),
                n.sla_breached.to_string(),
            ],
        ];
        for (dim, counts) in [
            ("status", &n.by_status),
            ("assignee", &n.by_assignee),
            ("group", &n.by_group),
            ("category", &n.by_category),
            ("priority", &n.by_priority),
        ] {
            for c in counts {
                rows.push(vec![
                    dim.into(),
                    c.name.clone().unwrap_or_default(),
                    c.open.to_string(),
                ]);
            }
        }
        return render::csv(out, &["dimension", "name", "open"], &rows);
    };
    let by = p.by.map(By::as_str).unwrap_or("all");
    let line = |key: String, r: &Row| -> Vec<String> {
        let share = |s: &ShareView| s.share.map(|x| format!("{x:.4}")).unwrap_or_default();
        vec![
            p.since.clone(),
            p.until.clone(),
            by.to_string(),
            key,
            r.created.to_string(),
            r.solved.to_string(),
            r.reopened.to_string(),
            r.first_response.count.to_string(),
            hours(r.first_response.mean_seconds),
            hours(r.first_response.median_seconds),
            hours(r.first_response.p90_seconds),
            r.resolution.count.to_string(),
            hours(r.resolution.mean_seconds),
            hours(r.resolution.median_seconds),
            hours(r.resolution.p90_seconds),
            r.sla.all.achieved.to_string(),
            r.sla.all.breached.to_string(),
            share(&r.sla.all),
            hours(Some(r.handling_seconds)),
        ]
    };
    let rows: Vec<Vec<String>> = if p.by.is_none() {
        vec![line("all".into(), &p.totals)]
    } else {
        p.rows
            .iter()
            .map(|r| line(r.key.clone().unwrap_or_default(), r))
            .collect()
    };
    render::csv(
        out,
        &[
            "since",
            "until",
            "by",
            "key",
            "created",
            "solved",
            "reopened",
            "first_response_count",
            "first_response_mean_hours",
            "first_response_median_hours",
            "first_response_p90_hours",
            "resolution_count",
            "resolution_mean_hours",
            "resolution_median_hours",
            "resolution_p90_hours",
            "sla_achieved",
            "sla_breached",
            "sla_share",
            "handling_hours",
        ],
        &rows,
    )
}

// ----- list --sla-breach, list --due-within -----

/// Keep the tickets `list --sla-breach` and `list --due-within DURATION` select: any SLA
/// clock breached; open with a deadline (due date, or the due time of an SLA clock still
/// running) at or before now + DURATION, past ones included.
pub fn sla_filter(
    ctx: &Ctx,
    repo: &Repo,
    config: &Config,
    tickets: Vec<Ticket>,
    breach: bool,
    within: Option<&str>,
) -> anyhow::Result<Vec<Ticket>> {
    let within = within
        .map(|w| {
            calendar::parse_duration(w)
                .map(|(secs, _)| secs)
                .map_err(|_| {
                    UserError::new(format!("--due-within {w:?} is not a length of time"))
                        .hint("write it like 30m, 4h, 1h30m or 2d")
                })
        })
        .transpose()?;
    if !breach && within.is_none() {
        return Ok(tickets);
    }
    // Without targets there are no clocks, and no history to read.
    let sla = if config.sla_policy().is_empty() {
        None
    } else {
        Some(SlaContext::load(ctx, repo, config, &tickets)?)
    };
    let now = ctx.now.timestamp();
    Ok(tickets
        .into_iter()
        .filter(|t| {
            let clocks = sla
                .as_ref()
                .map(|s| s.clocks(t, config))
                .unwrap_or_default();
            let breached = !breach || clocks.iter().any(SlaClock::is_breached);
            let due = within.is_none_or(|w| {
                let limit = now + w;
                config.is_open(&t.status)
                    && (t.due.is_some_and(|d| d.deadline().timestamp() <= limit)
                        || clocks
                            .iter()
                            .any(|c| c.stopped.is_none() && c.due.is_some_and(|d| d <= limit)))
            });
            breached && due
        })
        .collect())
}
