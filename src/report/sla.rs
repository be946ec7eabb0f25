//! SLA clocks: which target applies to a ticket, how far each of its clocks has run, and
//! whether it was met. Pure: a ticket's [`Life`], a [`Policy`] from tiketti.yaml and a
//! [`Clock`] in, a [`SlaClock`] out. docs/reports.md defines every rule here.

use serde::Serialize;

use crate::report::calendar::{Clock, Instant, Schedule};
use crate::report::history::{Life, is_resolved};
use crate::ticket::StatusCategory;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Metric {
    /// From `created` to the first public reply (or the first solve, without one).
    FirstResponse,
    /// From `created` to the final solve; time solved does not count.
    Resolution,
}

impl Metric {
    pub const ALL: [Metric; 2] = [Metric::FirstResponse, Metric::Resolution];

    pub fn as_str(self) -> &'static str {
        match self {
            Metric::FirstResponse => "first-response",
            Metric::Resolution => "resolution",
        }
    }

    /// For people: "first response".
    pub fn label(self) -> &'static str {
        match self {
            Metric::FirstResponse => "first response",
            Metric::Resolution => "resolution",
        }
    }
}

/// One target: how long, on which clock, and whether waiting statuses pause it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Goal {
    pub secs: i64,
    /// Count only business hours (else every hour).
    pub business: bool,
    /// Stop the clock while the ticket is in a `pause_on` category.
    pub pause: bool,
}

/// A target entry of tiketti.yaml: which tickets (by category and priority; empty
/// matches any) and the goal per metric.
#[derive(Debug, Clone)]
pub struct Target {
    pub name: String,
    pub categories: Vec<String>,
    pub priorities: Vec<String>,
    pub first_response: Option<Goal>,
    pub resolution: Option<Goal>,
}

impl Target {
    fn matches(&self, category: Option<&str>, priority: Option<&str>) -> bool {
        let fits = |list: &[String], v: Option<&str>| {
            list.is_empty() || v.is_some_and(|v| list.iter().any(|x| x == v))
        };
        fits(&self.categories, category) && fits(&self.priorities, priority)
    }

    fn goal(&self, metric: Metric) -> Option<Goal> {
        match metric {
            Metric::FirstResponse => self.first_response,
            Metric::Resolution => self.resolution,
        }
    }
}

/// The SLA section of tiketti.yaml, checked and compiled.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub schedule: Option<Schedule>,
    pub pause_on: Vec<StatusCategory>,
    pub targets: Vec<Target>,
}

impl Policy {
    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// The goal for `metric`: from the first target, in file order, that matches the
    /// ticket's category and priority and sets that metric.
    pub fn goal(
        &self,
        metric: Metric,
        category: Option<&str>,
        priority: Option<&str>,
    ) -> Option<(&Target, Goal)> {
        self.targets
            .iter()
            .filter(|t| t.matches(category, priority))
            .find_map(|t| t.goal(metric).map(|g| (t, g)))
    }

    fn pauses(&self, goal: Goal, c: Option<StatusCategory>) -> bool {
        goal.pause && c.is_some_and(|c| self.pause_on.contains(&c))
    }
}

/// Where a clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Stopped within its target.
    Achieved,
    /// Stopped after its due time, or still running past it.
    Breached,
    /// Running, due time ahead.
    Running,
    /// Not running now (a pausing status), target not yet reached.
    Paused,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Achieved => "achieved",
            Outcome::Breached => "breached",
            Outcome::Running => "running",
            Outcome::Paused => "paused",
        }
    }
}

/// One SLA clock of one ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaClock {
    pub metric: Metric,
    /// The target entry's name.
    pub target: String,
    pub goal: Goal,
    /// Seconds the clock has counted (to its stop, or to now).
    pub elapsed: i64,
    pub outcome: Outcome,
    /// When the clock reaches (or reached) its target: the deadline. For a clock that
    /// stopped short of it, when it would have been reached running on from the stop.
    /// `None` while paused short of it (and past the laid-out business calendar).
    pub due: Option<Instant>,
    /// When the clock stopped for good; `None` while it can still run.
    pub stopped: Option<Instant>,
}

impl SlaClock {
    /// When the outcome became certain: an achieved clock when it stopped, a breached one
    /// when it passed its due time. `None` while undecided.
    pub fn settled_at(&self) -> Option<Instant> {
        match self.outcome {
            Outcome::Achieved => self.stopped,
            Outcome::Breached => self.due,
            Outcome::Running | Outcome::Paused => None,
        }
    }

    pub fn is_breached(&self) -> bool {
        self.outcome == Outcome::Breached
    }
}

/// Run one clock over a ticket's life.
///
/// - Both clocks start at `created`.
/// - First response stops at the first public reply, or at the first solve if that came
///   first (a ticket settled on the phone needs no written reply).
/// - Resolution runs while the ticket is open (any status but solved or closed) and
///   stops at its final solve; a reopen starts it again where it left off.
/// - With `pause: true` a clock does not run while the status is in a `pause_on`
///   category.
/// - The due time is when the counted time reaches the target. A clock that stops after
///   its due time, or runs past it, is breached; one that stops at or before it is
///   achieved.
pub fn evaluate(
    metric: Metric,
    target: &str,
    goal: Goal,
    life: &Life,
    policy: &Policy,
    clock: Clock<'_>,
) -> SlaClock {
    let stopped = match metric {
        Metric::FirstResponse => {
            let reply = life.first_reply.map(|r| r.max(life.created));
            match (reply, life.first_solve()) {
                (Some(r), Some(s)) => Some(r.min(s)),
                (r, s) => r.or(s),
            }
        }
        Metric::Resolution => life.final_solve(),
    };
    let end = stopped.unwrap_or(life.now).min(life.now);
    // The spans the clock ran, in time order.
    let running: Vec<(Instant, Instant)> = life
        .segments
        .iter()
        .filter(|s| !is_resolved(s.category) && !policy.pauses(goal, s.category))
        .map(|s| (s.start, s.end.min(end)))
        .filter(|(a, b)| a < b)
        .collect();
    let runs_now = stopped.is_none() && {
        let c = life.current().category;
        !is_resolved(c) && !policy.pauses(goal, c)
    };
    let mut elapsed = 0;
    let mut due = None;
    for &(a, b) in &running {
        let secs = clock.elapsed(a, b);
        if due.is_none() && elapsed + secs >= goal.secs {
            due = clock.advance(a, goal.secs - elapsed);
        }
        elapsed += secs;
    }
    // Short of the target: a running clock is due when the rest has run; a stopped one
    // shows when it would have been due had it run on from its stop. A paused clock has
    // no due time until it runs again.
    if due.is_none() && (runs_now || stopped.is_some()) {
        due = clock.advance(end, goal.secs - elapsed);
    }
    let outcome = match (stopped, due) {
        (Some(s), Some(d)) if s > d => Outcome::Breached,
        (Some(_), _) => Outcome::Achieved,
        (None, Some(d)) if d < life.now => Outcome::Breached,
        (None, _) if runs_now => Outcome::Running,
        (None, _) => Outcome::Paused,
    };
    SlaClock {
        metric,
        target: target.to_string(),
        goal,
        elapsed,
        outcome,
        due,
        stopped,
    }
}

/// Every clock that applies to a ticket of `category` and `priority`. `business` is the
/// laid-out schedule (needed by business-hours goals; without it they are skipped).
pub fn clocks(
    policy: &Policy,
    business: Option<&crate::report::calendar::BusinessTime>,
    category: Option<&str>,
    priority: Option<&str>,
    life: &Life,
) -> Vec<SlaClock> {
    Metric::ALL
        .iter()
        .filter_map(|&m| {
            let (target, goal) = policy.goal(m, category, priority)?;
            let clock = if goal.business {
                Clock::Business(business?)
            } else {
                Clock::Calendar
            };
            Some(evaluate(m, &target.name, goal, life, policy, clock))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::calendar::{BusinessTime, Window};
    use crate::report::history::tests::{at, category, change, reopened, state};
    use crate::report::history::{Field, History, State};

    /// Mon–Fri 08:00–16:00 UTC, Thursday 2026-11-26 a holiday.
    fn schedule() -> Schedule {
        let mut week: [Vec<Window>; 7] = Default::default();
        for d in week.iter_mut().take(5) {
            d.push(Window {
                start: 8 * 3600,
                end: 16 * 3600,
            });
        }
        Schedule {
            tz: chrono_tz::UTC,
            week,
            holidays: [chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()]
                .into_iter()
                .collect(),
        }
    }

    fn business() -> BusinessTime {
        BusinessTime::new(
            &schedule(),
            at("2026-11-01T00:00:00Z"),
            at("2027-01-01T00:00:00Z"),
        )
    }

    fn policy() -> Policy {
        Policy {
            schedule: Some(schedule()),
            pause_on: vec![StatusCategory::Pending, StatusCategory::OnHold],
            targets: vec![],
        }
    }

    fn goal(hours: i64, business: bool, pause: bool) -> Goal {
        Goal {
            secs: hours * 3600,
            business,
            pause,
        }
    }

    fn life(h: &History, created: &str, current: &State, now: &str) -> Life {
        Life::build(at(created), h, current, at(now), &category)
    }

    #[test]
    fn targets_match_by_category_and_priority_per_metric() {
        let g = |h| Some(goal(h, false, false));
        let p = Policy {
            targets: vec![
                Target {
                    name: "quotes".into(),
                    categories: vec!["quote-request".into()],
                    priorities: vec![],
                    first_response: g(4),
                    resolution: None,
                },
                Target {
                    name: "urgent".into(),
                    categories: vec![],
                    priorities: vec!["urgent".into()],
                    first_response: g(1),
                    resolution: g(8),
                },
                Target {
                    name: "default".into(),
                    categories: vec![],
                    priorities: vec![],
                    first_response: g(8),
                    resolution: g(40),
                },
            ],
            ..Policy::default()
        };
        let name = |m, c, pr| {
            p.goal(m, c, pr)
                .map(|(t, g)| (t.name.clone(), g.secs / 3600))
        };
        assert_eq!(
            name(Metric::FirstResponse, Some("quote-request"), Some("urgent")),
            Some(("quotes".into(), 4))
        );
        assert_eq!(
            name(Metric::Resolution, Some("quote-request"), Some("urgent")),
            Some(("urgent".into(), 8))
        );
        assert_eq!(
            name(Metric::Resolution, None, None),
            Some(("default".into(), 40))
        );
    }

    #[test]
    fn first_response_in_business_hours_across_a_weekend() {
        // Created Friday 2026-11-20 14:00Z, answered Monday 09:30Z. Business time: 2h
        // Friday + 1h30m Monday = 3h30m. A 4-business-hour target is met; it was due
        // Monday 10:00.
        let h = History {
            changes: vec![change("2026-11-20T14:00:00Z", Field::Status, "new")],
            first_reply: Some(at("2026-11-23T09:30:00Z")),
        };
        let l = life(
            &h,
            "2026-11-20T14:00:00Z",
            &state("new", ""),
            "2026-11-24T00:00:00Z",
        );
        let bt = business();
        let c = evaluate(
            Metric::FirstResponse,
            "t",
            goal(4, true, false),
            &l,
            &policy(),
            Clock::Business(&bt),
        );
        assert_eq!(c.elapsed, 3 * 3600 + 1800);
        assert_eq!(c.due, Some(at("2026-11-23T10:00:00Z")));
        assert_eq!(c.stopped, Some(at("2026-11-23T09:30:00Z")));
        assert_eq!(c.outcome, Outcome::Achieved);
        assert_eq!(c.settled_at(), c.stopped);
        // On the calendar clock the same reply took 67h30m: a 4h target is breached at
        // Friday 18:00.
        let c = evaluate(
            Metric::FirstResponse,
            "t",
            goal(4, false, false),
            &l,
            &policy(),
            Clock::Calendar,
        );
        assert_eq!(c.elapsed, 67 * 3600 + 1800);
        assert_eq!(c.outcome, Outcome::Breached);
        assert_eq!(c.settled_at(), Some(at("2026-11-20T18:00:00Z")));
    }

    #[test]
    fn first_response_across_a_holiday() {
        // Created Wednesday 2026-11-25 13:00Z; Thursday is a holiday; answered Friday
        // 12:00Z: 3h Wednesday + 4h Friday = 7h. An 8h target is met (it would have been
        // due Friday 13:00); a 6h one was due Friday 11:00 and is breached.
        let h = History {
            changes: vec![change("2026-11-25T13:00:00Z", Field::Status, "new")],
            first_reply: Some(at("2026-11-27T12:00:00Z")),
        };
        let l = life(
            &h,
            "2026-11-25T13:00:00Z",
            &state("new", ""),
            "2026-11-28T00:00:00Z",
        );
        let bt = business();
        let run = |hours| {
            evaluate(
                Metric::FirstResponse,
                "t",
                goal(hours, true, false),
                &l,
                &policy(),
                Clock::Business(&bt),
            )
        };
        assert_eq!(run(8).elapsed, 7 * 3600);
        assert_eq!(run(8).outcome, Outcome::Achieved);
        assert_eq!(run(8).due, Some(at("2026-11-27T13:00:00Z")));
        assert_eq!(run(6).outcome, Outcome::Breached);
        assert_eq!(run(6).due, Some(at("2026-11-27T11:00:00Z")));
    }

    #[test]
    fn a_pending_ticket_pauses_the_clock_when_the_target_says_so() {
        // The reopened history: open 08:00–10:00, pending 10:00–14:00, open 14:00–15:00,
        // solved; reopened Tuesday 09:00–11:00. Resolution, business hours:
        // without pause 7h Monday + 2h Tuesday = 9h; with pause 3h + 2h = 5h.
        let l = life(
            &reopened(),
            "2026-11-23T08:00:00Z",
            &state("solved", "bo"),
            "2026-11-25T00:00:00Z",
        );
        let bt = business();
        let run = |hours, pause| {
            evaluate(
                Metric::Resolution,
                "t",
                goal(hours, true, pause),
                &l,
                &policy(),
                Clock::Business(&bt),
            )
        };
        assert_eq!(run(8, false).elapsed, 9 * 3600);
        assert_eq!(run(8, true).elapsed, 5 * 3600);
        // 8h without pause was due Tuesday 10:00 (7h Monday + 1h): the final solve at
        // 11:00 breaches it, although the first solve (Monday 15:00) was in time.
        let c = run(8, false);
        assert_eq!(c.outcome, Outcome::Breached);
        assert_eq!(c.due, Some(at("2026-11-24T10:00:00Z")));
        assert_eq!(c.stopped, Some(at("2026-11-24T11:00:00Z")));
        // With the pause, 8h are never reached: achieved (3h to spare: it would have been
        // due at 14:00).
        let c = run(8, true);
        assert_eq!(
            (c.outcome, c.due),
            (Outcome::Achieved, Some(at("2026-11-24T14:00:00Z")))
        );
    }

    #[test]
    fn a_running_clock_has_a_due_time_and_a_paused_one_has_none() {
        // Created Monday 08:00Z, open, no reply, now Monday 11:00Z: 3h of 4 used, due
        // 12:00.
        let h = History {
            changes: vec![change("2026-11-23T08:00:00Z", Field::Status, "open")],
            first_reply: None,
        };
        let bt = business();
        let l = life(
            &h,
            "2026-11-23T08:00:00Z",
            &state("open", ""),
            "2026-11-23T11:00:00Z",
        );
        let c = evaluate(
            Metric::FirstResponse,
            "t",
            goal(4, true, true),
            &l,
            &policy(),
            Clock::Business(&bt),
        );
        assert_eq!(
            (c.outcome, c.elapsed, c.due),
            (Outcome::Running, 3 * 3600, Some(at("2026-11-23T12:00:00Z")))
        );
        // Now 15:00 Monday: due 12:00 passed.
        let l = life(
            &h,
            "2026-11-23T08:00:00Z",
            &state("open", ""),
            "2026-11-23T15:00:00Z",
        );
        let c = evaluate(
            Metric::FirstResponse,
            "t",
            goal(4, true, true),
            &l,
            &policy(),
            Clock::Business(&bt),
        );
        assert_eq!(c.outcome, Outcome::Breached);
        // Pending since 10:00 with pause: 2h used, no due time.
        let mut h2 = h.clone();
        h2.changes
            .push(change("2026-11-23T10:00:00Z", Field::Status, "pending"));
        let l = life(
            &h2,
            "2026-11-23T08:00:00Z",
            &state("pending", ""),
            "2026-11-23T15:00:00Z",
        );
        let c = evaluate(
            Metric::FirstResponse,
            "t",
            goal(4, true, true),
            &l,
            &policy(),
            Clock::Business(&bt),
        );
        assert_eq!(
            (c.outcome, c.elapsed, c.due),
            (Outcome::Paused, 2 * 3600, None)
        );
    }

    #[test]
    fn first_response_stops_at_a_solve_without_reply() {
        let h = History {
            changes: vec![
                change("2026-11-23T08:00:00Z", Field::Status, "new"),
                change("2026-11-23T08:20:00Z", Field::Status, "solved"),
            ],
            first_reply: None,
        };
        let l = life(
            &h,
            "2026-11-23T08:00:00Z",
            &state("solved", ""),
            "2026-11-24T00:00:00Z",
        );
        let c = evaluate(
            Metric::FirstResponse,
            "t",
            goal(1, false, false),
            &l,
            &policy(),
            Clock::Calendar,
        );
        assert_eq!((c.outcome, c.elapsed), (Outcome::Achieved, 20 * 60));
    }

    #[test]
    fn clocks_skip_business_goals_without_a_schedule() {
        let p = Policy {
            targets: vec![Target {
                name: "all".into(),
                categories: vec![],
                priorities: vec![],
                first_response: Some(goal(4, true, false)),
                resolution: Some(goal(40, false, false)),
            }],
            ..policy()
        };
        let l = life(
            &reopened(),
            "2026-11-23T08:00:00Z",
            &state("solved", "bo"),
            "2026-11-25T00:00:00Z",
        );
        let cs = clocks(&p, None, None, None, &l);
        assert_eq!(cs.len(), 1);
        assert_eq!(cs[0].metric, Metric::Resolution);
        let bt = business();
        assert_eq!(clocks(&p, Some(&bt), None, None, &l).len(), 2);
    }
}
