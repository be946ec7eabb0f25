//! The figures of a report over a period: counts, time statistics, SLA shares, handling
//! time and the backlog per day, for all tickets or grouped by agent, group, category,
//! priority or channel. Pure: tickets' lives and clocks in, numbers out. Each figure is
//! defined in docs/reports.md; the tests below check them on a fixed history.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::report::calendar::Instant;
use crate::report::history::Life;
use crate::report::sla::{Metric, Outcome, SlaClock};

/// `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Instant,
    pub to: Instant,
}

impl Period {
    pub fn contains(&self, t: Instant) -> bool {
        self.from <= t && t < self.to
    }
}

/// Count, mean, median and 90th percentile of a set of durations (seconds).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Stats {
    pub count: usize,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub p90: Option<f64>,
}

impl Stats {
    pub fn of(values: &[i64]) -> Stats {
        if values.is_empty() {
            return Stats::default();
        }
        let mut v = values.to_vec();
        v.sort_unstable();
        Stats {
            count: v.len(),
            mean: Some(v.iter().map(|&x| x as f64).sum::<f64>() / v.len() as f64),
            median: Some(percentile(&v, 50.0)),
            p90: Some(percentile(&v, 90.0)),
        }
    }
}

/// The `p`th percentile of sorted values, by linear interpolation between the two
/// nearest ranks: rank `(n - 1) * p / 100`, counted from 0 (the method of Excel's
/// PERCENTILE.INC and numpy's default). The median of an even count is the mean of the
/// two middle values.
pub fn percentile(sorted: &[i64], p: f64) -> f64 {
    let n = sorted.len();
    if n == 1 {
        return sorted[0] as f64;
    }
    let rank = (n - 1) as f64 * p / 100.0;
    let lo = rank.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    let frac = rank - lo as f64;
    sorted[lo] as f64 + (sorted[hi] - sorted[lo]) as f64 * frac
}

/// How the rows of a period report are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum By {
    Agent,
    Group,
    Category,
    Priority,
    Channel,
}

impl By {
    pub fn as_str(self) -> &'static str {
        match self {
            By::Agent => "agent",
            By::Group => "group",
            By::Category => "category",
            By::Priority => "priority",
            By::Channel => "channel",
        }
    }
}

/// One ticket as a period report sees it.
pub struct Item<'a> {
    pub life: &'a Life,
    pub clocks: &'a [SlaClock],
    pub category: Option<&'a str>,
    pub priority: Option<&'a str>,
    pub channel: Option<&'a str>,
}

impl Item<'_> {
    /// The row a figure taken at `t` belongs to: the assignee or group at that moment,
    /// or the ticket's (current) category, priority or channel.
    pub fn key(&self, by: Option<By>, t: Instant) -> Option<String> {
        let at = || &self.life.at(t).state;
        match by? {
            By::Agent => at().assignee.as_deref().map(str::to_string),
            By::Group => at().group.as_deref().map(str::to_string),
            By::Category => self.category.map(str::to_string),
            By::Priority => self.priority.map(str::to_string),
            By::Channel => self.channel.map(str::to_string),
        }
    }
}

/// SLA clocks settled in a period, per metric.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SlaTally {
    pub achieved: u64,
    pub breached: u64,
}

impl SlaTally {
    /// Achieved / (achieved + breached); `None` when nothing was settled.
    pub fn share(&self) -> Option<f64> {
        let n = self.achieved + self.breached;
        (n > 0).then(|| self.achieved as f64 / n as f64)
    }

    fn add(&mut self, o: &SlaTally) {
        self.achieved += o.achieved;
        self.breached += o.breached;
    }
}

/// The figures of one row.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub created: u64,
    pub solved: u64,
    pub reopened: u64,
    pub first_response: Vec<i64>,
    pub resolution: Vec<i64>,
    /// Seconds tickets were new or open while in this row (assignee, group, …).
    pub handling: i64,
    pub sla: BTreeMap<Metric, SlaTally>,
}

impl Tally {
    pub fn sla_total(&self) -> SlaTally {
        let mut t = SlaTally::default();
        for s in self.sla.values() {
            t.add(s);
        }
        t
    }
}

/// The figures of a period, per row (`None`: no assignee, group, … — or the single row
/// when not grouped).
pub fn tally(
    items: &[Item<'_>],
    period: Period,
    by: Option<By>,
) -> BTreeMap<Option<String>, Tally> {
    let mut rows: BTreeMap<Option<String>, Tally> = BTreeMap::new();
    for item in items {
        let life = item.life;
        let key = |t: Instant| item.key(by, t);
        if period.contains(life.created) {
            rows.entry(key(life.created)).or_default().created += 1;
        }
        if let Some(&t) = life.solves().iter().rev().find(|&&t| period.contains(t)) {
            rows.entry(key(t)).or_default().solved += 1;
        }
        if let Some(&t) = life.reopens().iter().rev().find(|&&t| period.contains(t)) {
            rows.entry(key(t)).or_default().reopened += 1;
        }
        if let (Some(r), Some(secs)) = (life.first_reply, life.first_response_secs())
            && period.contains(r.max(life.created))
        {
            rows.entry(key(r.max(life.created)))
                .or_default()
                .first_response
                .push(secs);
        }
        if let (Some(f), Some(secs)) = (life.final_solve(), life.resolution_secs())
            && period.contains(f)
        {
            rows.entry(key(f)).or_default().resolution.push(secs);
        }
        for c in item.clocks {
            let Some(t) = c.settled_at().filter(|&t| period.contains(t)) else {
                continue;
            };
            let s = rows
                .entry(key(t))
                .or_default()
                .sla
                .entry(c.metric)
                .or_default();
            match c.outcome {
                Outcome::Achieved => s.achieved += 1,
                _ => s.breached += 1,
            }
        }
        for (seg, secs) in life.working_spans(period.from, period.to) {
            let key = match by {
                Some(By::Agent) => seg.state.assignee.as_deref().map(str::to_string),
                Some(By::Group) => seg.state.group.as_deref().map(str::to_string),
                _ => item.key(by, seg.start),
            };
            rows.entry(key).or_default().handling += secs;
        }
    }
    rows
}

/// Open tickets at each sample instant (sorted): a ticket counts when it was created at
/// or before the instant and its status then was not solved or closed.
pub fn backlog(lives: &[&Life], samples: &[Instant]) -> Vec<u64> {
    let mut diff = vec![0i64; samples.len() + 1];
    for life in lives {
        let last = life.segments.len() - 1;
        for (i, s) in life.segments.iter().enumerate() {
            if crate::report::history::is_resolved(s.category) {
                continue;
            }
            // The last segment lasts until now and beyond (today's sample may be now).
            let end = if i == last { Instant::MAX } else { s.end };
            let a = samples.partition_point(|&t| t < s.start);
            let b = samples.partition_point(|&t| t < end);
            if a < b {
                diff[a] += 1;
                diff[b] -= 1;
            }
        }
    }
    let mut out = Vec::with_capacity(samples.len());
    let mut running = 0i64;
    for d in diff.iter().take(samples.len()) {
        running += d;
        out.push(running.max(0) as u64);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::history::tests::{at, category, change, reopened, state};
    use crate::report::history::{Field, History};
    use crate::report::sla::Goal;

    #[test]
    fn percentiles_interpolate() {
        let s = Stats::of(&[10, 20, 30, 40]);
        assert_eq!(s.count, 4);
        assert_eq!(s.mean, Some(25.0));
        assert_eq!(s.median, Some(25.0));
        // rank 0.9 × 3 = 2.7: 30 + 0.7 × 10.
        assert!((s.p90.unwrap() - 37.0).abs() < 1e-9);
        let s = Stats::of(&[5]);
        assert_eq!((s.median, s.p90), (Some(5.0), Some(5.0)));
        // Eleven values 0..=100 by 10: p90 is exactly 90.
        let v: Vec<i64> = (0..=10).map(|x| x * 10).collect();
        assert_eq!(Stats::of(&v).p90, Some(90.0));
        assert_eq!(Stats::of(&[]).count, 0);
    }

    fn lives() -> Vec<Life> {
        let now = at("2026-11-26T00:00:00Z");
        // A: the reopened ticket (anna, then bo; solved Monday 15:00, reopened and
        // solved again Tuesday).
        let a = Life::build(
            at("2026-11-23T08:00:00Z"),
            &reopened(),
            &state("solved", "bo"),
            now,
            &category,
        );
        // B: created Tuesday 10:00, still open, anna's, never answered.
        let b = Life::build(
            at("2026-11-24T10:00:00Z"),
            &History {
                changes: vec![
                    change("2026-11-24T10:00:00Z", Field::Status, "open"),
                    change("2026-11-24T10:00:00Z", Field::Assignee, "anna"),
                ],
                first_reply: None,
            },
            &state("open", "anna"),
            now,
            &category,
        );
        vec![a, b]
    }

    #[test]
    fn period_figures_by_agent() {
        let lives = lives();
        let clock = |metric, outcome, settled: &str| SlaClock {
            metric,
            target: "t".into(),
            goal: Goal {
                secs: 3600,
                business: false,
                pause: false,
            },
            elapsed: 0,
            outcome,
            due: Some(at(settled)),
            stopped: Some(at(settled)),
        };
        let clocks_a = vec![
            clock(
                Metric::FirstResponse,
                Outcome::Achieved,
                "2026-11-23T09:30:00Z",
            ),
            clock(
                Metric::Resolution,
                Outcome::Breached,
                "2026-11-23T09:00:00Z",
            ),
        ];
        let clocks_b = vec![clock(
            Metric::FirstResponse,
            Outcome::Breached,
            "2026-11-24T11:00:00Z",
        )];
        let items = vec![
            Item {
                life: &lives[0],
                clocks: &clocks_a,
                category: Some("question"),
                priority: None,
                channel: Some("email"),
            },
            Item {
                life: &lives[1],
                clocks: &clocks_b,
                category: Some("order"),
                priority: None,
                channel: Some("phone"),
            },
        ];
        let week = Period {
            from: at("2026-11-23T00:00:00Z"),
            to: at("2026-11-26T00:00:00Z"),
        };
        let all = &tally(&items, week, None)[&None];
        assert_eq!((all.created, all.solved, all.reopened), (2, 1, 1));
        assert_eq!(all.first_response, vec![90 * 60]);
        assert_eq!(all.resolution, vec![9 * 3600]);
        assert_eq!(
            all.sla_total(),
            SlaTally {
                achieved: 1,
                breached: 2
            }
        );
        // Working time: A 1h unassigned, 1h anna, 3h bo; B open Tuesday 10:00 to the end
        // of the period (38h), anna's.
        assert_eq!(all.handling, (5 + 38) * 3600);

        let rows = tally(&items, week, Some(By::Agent));
        let anna = &rows[&Some("anna".to_string())];
        let bo = &rows[&Some("bo".to_string())];
        let none = &rows[&None];
        // Created: A unassigned at creation, B anna's.
        assert_eq!((none.created, anna.created, bo.created), (1, 1, 0));
        // The reply at 09:30 was anna's; the solves and the reopen were bo's.
        assert_eq!(anna.first_response, vec![90 * 60]);
        assert_eq!((bo.solved, bo.reopened, bo.resolution.len()), (1, 1, 1));
        assert_eq!(anna.handling, 39 * 3600);
        assert_eq!(bo.handling, 3 * 3600);
        assert_eq!(none.handling, 3600);
        // SLA: A's clocks settled while anna had it (09:00, 09:30); B's breach is anna's.
        assert_eq!(
            anna.sla_total(),
            SlaTally {
                achieved: 1,
                breached: 2
            }
        );

        // Only Tuesday: A was reopened and solved again, B created.
        let tuesday = Period {
            from: at("2026-11-24T00:00:00Z"),
            to: at("2026-11-25T00:00:00Z"),
        };
        let all = &tally(&items, tuesday, None)[&None];
        assert_eq!((all.created, all.solved, all.reopened), (1, 1, 1));
        assert!(all.first_response.is_empty());
        assert_eq!(all.sla_total().breached, 1);

        let rows = tally(&items, week, Some(By::Channel));
        assert_eq!(rows[&Some("email".to_string())].solved, 1);
        assert_eq!(rows[&Some("phone".to_string())].created, 1);
    }

    #[test]
    fn backlog_at_the_end_of_each_day() {
        let lives = lives();
        let refs: Vec<&Life> = lives.iter().collect();
        // Last second of Sunday, Monday, Tuesday, Wednesday (Wednesday is "now").
        let samples = [
            at("2026-11-22T23:59:59Z"),
            at("2026-11-23T23:59:59Z"),
            at("2026-11-24T23:59:59Z"),
            at("2026-11-26T00:00:00Z"),
        ];
        // Sunday: nothing yet. Monday: A solved at 15:00, so 0. Tuesday: A solved again,
        // B open: 1. Now: B.
        assert_eq!(backlog(&refs, &samples), vec![0, 0, 1, 1]);
        let noon = [at("2026-11-23T12:00:00Z"), at("2026-11-24T10:00:00Z")];
        assert_eq!(backlog(&refs, &noon), vec![1, 2]);
    }
}
