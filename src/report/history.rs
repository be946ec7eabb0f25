//! What happened to one ticket over time: when its status, assignee and group were set
//! (read from git history by `store::timeline`), and its first public reply. [`Life`]
//! turns that into segments, spans of time in one state, from which every report figure
//! and SLA clock is taken. Pure: the caller supplies "now" and the status categories.

use std::rc::Rc;

use crate::report::calendar::Instant;
use crate::ticket::StatusCategory;

/// A front-matter key whose history reports follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Status,
    Assignee,
    Group,
}

impl Field {
    pub const ALL: [Field; 3] = [Field::Status, Field::Assignee, Field::Group];

    pub fn key(self) -> &'static str {
        match self {
            Field::Status => "status",
            Field::Assignee => "assignee",
            Field::Group => "group",
        }
    }
}

/// A field set to a value (`None`: removed) by a commit made at `at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub at: Instant,
    pub field: Field,
    pub value: Option<Rc<str>>,
}

/// A ticket's history as git recorded it: changes in time order (commits of the same
/// second in the order they were made), and the time of its first public reply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    pub changes: Vec<Change>,
    pub first_reply: Option<Instant>,
}

/// The values of the followed fields at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    pub status: Option<Rc<str>>,
    pub assignee: Option<Rc<str>>,
    pub group: Option<Rc<str>>,
}

impl State {
    fn set(&mut self, field: Field, value: Option<Rc<str>>) {
        match field {
            Field::Status => self.status = value,
            Field::Assignee => self.assignee = value,
            Field::Group => self.group = value,
        }
    }
}

/// `[start, end)` in one state. `category` is the status's category; `None` for a
/// status tiketti.yaml does not define (it counts as open, as everywhere else).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub start: Instant,
    pub end: Instant,
    pub state: State,
    pub category: Option<StatusCategory>,
}

/// Solved or closed: the resolution clock is stopped.
pub fn is_resolved(c: Option<StatusCategory>) -> bool {
    matches!(c, Some(StatusCategory::Solved | StatusCategory::Closed))
}

/// New or open (or a status not in tiketti.yaml): someone has work to do. Pending and
/// on-hold wait on someone else.
pub fn is_working(c: Option<StatusCategory>) -> bool {
    matches!(c, None | Some(StatusCategory::New | StatusCategory::Open))
}

/// A ticket's life from `created` to now, as segments.
#[derive(Debug, Clone)]
pub struct Life {
    pub created: Instant,
    pub now: Instant,
    pub segments: Vec<Segment>,
    pub first_reply: Option<Instant>,
}

impl Life {
    /// Lay out `history` from `created` to `now`.
    ///
    /// - The first recorded version of ticket.md holds from `created` (a ticket imported
    ///   from old mail is committed later than it was created).
    /// - A later change counts from its commit time, but never before `created`.
    /// - `current` is the ticket as it is in the work tree; if it differs from the last
    ///   committed state (an edit not yet committed) the difference counts from `now`.
    /// - A ticket with no committed history has been in its current state since
    ///   `created`.
    pub fn build(
        created: Instant,
        history: &History,
        current: &State,
        now: Instant,
        category: &dyn Fn(&str) -> Option<StatusCategory>,
    ) -> Life {
        let now = now.max(created);
        let cat = |s: &State| s.status.as_deref().and_then(category);
        let mut segments: Vec<Segment> = Vec::new();
        let mut state = State::default();
        let first_at = history.changes.first().map(|c| c.at);
        let mut changes = history.changes.iter().peekable();
        while let Some(c) = changes.next() {
            let at = if Some(c.at) == first_at {
                created
            } else {
                c.at.clamp(created, now)
            };
            state.set(c.field, c.value.clone());
            // Apply every change of the same moment before starting a segment.
            if changes.peek().is_some_and(|n| n.at == c.at) {
                continue;
            }
            match segments.last_mut() {
                Some(last) if last.state == state => continue,
                Some(last) if last.start == at => {
                    last.category = cat(&state);
                    last.state = state.clone();
                }
                Some(last) => {
                    last.end = at;
                    segments.push(Segment {
                        start: at,
                        end: now,
                        category: cat(&state),
                        state: state.clone(),
                    });
                }
                None => segments.push(Segment {
                    start: at,
                    end: now,
                    category: cat(&state),
                    state: state.clone(),
                }),
            }
        }
        match segments.last_mut() {
            None => segments.push(Segment {
                start: created,
                end: now,
                category: cat(current),
                state: current.clone(),
            }),
            Some(last) if last.state != *current => {
                if last.start == now {
                    last.state = current.clone();
                    last.category = cat(current);
                } else {
                    last.end = now;
                    segments.push(Segment {
                        start: now,
                        end: now,
                        category: cat(current),
                        state: current.clone(),
                    });
                }
            }
            Some(_) => {}
        }
        Life {
            created,
            now,
            segments,
            first_reply: history.first_reply,
        }
    }

    /// The segment in force at `t` (the first before `created`, the last after now).
    pub fn at(&self, t: Instant) -> &Segment {
        let i = self.segments.partition_point(|s| s.start <= t);
        &self.segments[i.saturating_sub(1)]
    }

    pub fn current(&self) -> &Segment {
        self.segments
            .last()
            .expect("a life has at least one segment")
    }

    /// Was the ticket open (not solved or closed) at `t`? Never before it was created.
    pub fn open_at(&self, t: Instant) -> bool {
        t >= self.created && !is_resolved(self.at(t).category)
    }

    /// Moments the ticket moved from an open status to a solved or closed one. A ticket
    /// whose first state is solved or closed was solved when it was created.
    pub fn solves(&self) -> Vec<Instant> {
        self.transitions(|before, after| !is_resolved(before) && is_resolved(after))
    }

    /// Moments the ticket moved from solved or closed back to an open status.
    pub fn reopens(&self) -> Vec<Instant> {
        self.transitions(|before, after| is_resolved(before) && !is_resolved(after))
    }

    fn transitions(
        &self,
        test: impl Fn(Option<StatusCategory>, Option<StatusCategory>) -> bool,
    ) -> Vec<Instant> {
        let mut before = Some(StatusCategory::New);
        let mut out = Vec::new();
        for s in &self.segments {
            if test(before, s.category) {
                out.push(s.start);
            }
            before = s.category;
        }
        out
    }

    pub fn first_solve(&self) -> Option<Instant> {
        self.solves().first().copied()
    }

    /// The solve that stands: the last one, when the ticket is solved or closed now.
    pub fn final_solve(&self) -> Option<Instant> {
        if is_resolved(self.current().category) {
            self.solves().last().copied()
        } else {
            None
        }
    }

    /// Resolution time: the seconds the ticket was open (any status but solved or
    /// closed) from `created` to its final solve. Time between a solve and a reopen does
    /// not count. `None` while it is open.
    pub fn resolution_secs(&self) -> Option<i64> {
        self.final_solve()?;
        Some(
            self.segments
                .iter()
                .filter(|s| !is_resolved(s.category))
                .map(|s| s.end - s.start)
                .sum(),
        )
    }

    /// First-response time: from `created` to the first public reply.
    pub fn first_response_secs(&self) -> Option<i64> {
        self.first_reply.map(|r| (r - self.created).max(0))
    }

    /// Seconds in `[from, to)` the ticket was new or open (see [`is_working`]), per
    /// segment, with the state it was in.
    pub fn working_spans(
        &self,
        from: Instant,
        to: Instant,
    ) -> impl Iterator<Item = (&Segment, i64)> + '_ {
        self.segments
            .iter()
            .filter(|s| is_working(s.category))
            .map(move |s| (s, (s.end.min(to) - s.start.max(from)).max(0)))
            .filter(|(_, secs)| *secs > 0)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::report::calendar::Instant;

    pub fn at(s: &str) -> Instant {
        chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp()
    }

    pub fn category(s: &str) -> Option<StatusCategory> {
        match s {
            "waiting-on-delivery" => Some(StatusCategory::OnHold),
            s => StatusCategory::parse(s),
        }
    }

    pub fn change(t: &str, field: Field, value: &str) -> Change {
        Change {
            at: at(t),
            field,
            value: (!value.is_empty()).then(|| Rc::from(value)),
        }
    }

    pub fn state(status: &str, assignee: &str) -> State {
        State {
            status: Some(Rc::from(status)),
            assignee: (!assignee.is_empty()).then(|| Rc::from(assignee)),
            group: None,
        }
    }

    /// Created Monday 2026-11-23 08:00Z; open at 09:00, pending 10:00–14:00, solved
    /// 15:00, reopened Tuesday 09:00, solved again Tuesday 11:00. Reassigned from anna to
    /// bo at 12:00 on Monday (while pending).
    pub fn reopened() -> History {
        History {
            changes: vec![
                change("2026-11-23T08:00:00Z", Field::Status, "new"),
                change("2026-11-23T09:00:00Z", Field::Status, "open"),
                change("2026-11-23T09:00:00Z", Field::Assignee, "anna"),
                change("2026-11-23T10:00:00Z", Field::Status, "pending"),
                change("2026-11-23T12:00:00Z", Field::Assignee, "bo"),
                change("2026-11-23T14:00:00Z", Field::Status, "open"),
                change("2026-11-23T15:00:00Z", Field::Status, "solved"),
                change("2026-11-24T09:00:00Z", Field::Status, "open"),
                change("2026-11-24T11:00:00Z", Field::Status, "solved"),
            ],
            first_reply: Some(at("2026-11-23T09:30:00Z")),
        }
    }

    pub fn life(h: &History, current: &State, now: &str) -> Life {
        Life::build(at("2026-11-23T08:00:00Z"), h, current, at(now), &category)
    }

    #[test]
    fn segments_follow_the_commits() {
        let l = life(&reopened(), &state("solved", "bo"), "2026-11-25T00:00:00Z");
        let spans: Vec<(Instant, &str, Option<&str>)> = l
            .segments
            .iter()
            .map(|s| {
                (
                    s.start,
                    s.state.status.as_deref().unwrap(),
                    s.state.assignee.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            spans,
            vec![
                (at("2026-11-23T08:00:00Z"), "new", None),
                (at("2026-11-23T09:00:00Z"), "open", Some("anna")),
                (at("2026-11-23T10:00:00Z"), "pending", Some("anna")),
                (at("2026-11-23T12:00:00Z"), "pending", Some("bo")),
                (at("2026-11-23T14:00:00Z"), "open", Some("bo")),
                (at("2026-11-23T15:00:00Z"), "solved", Some("bo")),
                (at("2026-11-24T09:00:00Z"), "open", Some("bo")),
                (at("2026-11-24T11:00:00Z"), "solved", Some("bo")),
            ]
        );
        assert_eq!(l.current().end, at("2026-11-25T00:00:00Z"));
        assert!(l.open_at(at("2026-11-23T12:00:00Z")));
        assert!(!l.open_at(at("2026-11-23T20:00:00Z")));
        assert!(!l.open_at(at("2026-11-23T07:00:00Z")), "before it existed");
    }

    #[test]
    fn a_reopened_ticket_counts_to_its_final_solve() {
        let l = life(&reopened(), &state("solved", "bo"), "2026-11-25T00:00:00Z");
        assert_eq!(
            l.solves(),
            vec![at("2026-11-23T15:00:00Z"), at("2026-11-24T11:00:00Z")]
        );
        assert_eq!(l.reopens(), vec![at("2026-11-24T09:00:00Z")]);
        assert_eq!(l.final_solve(), Some(at("2026-11-24T11:00:00Z")));
        // Open 08:00–15:00 Monday (7h, pending included) + 09:00–11:00 Tuesday (2h).
        assert_eq!(l.resolution_secs(), Some(9 * 3600));
        assert_eq!(l.first_response_secs(), Some(90 * 60));
    }

    #[test]
    fn an_open_ticket_has_no_resolution_time() {
        let mut h = reopened();
        h.changes.pop();
        let l = life(&h, &state("open", "bo"), "2026-11-25T00:00:00Z");
        assert_eq!(l.final_solve(), None);
        assert_eq!(l.resolution_secs(), None);
        assert_eq!(l.first_solve(), Some(at("2026-11-23T15:00:00Z")));
    }

    #[test]
    fn working_time_is_split_by_assignee() {
        let l = life(&reopened(), &state("solved", "bo"), "2026-11-25T00:00:00Z");
        let mut per: std::collections::BTreeMap<String, i64> = Default::default();
        for (s, secs) in l.working_spans(at("2026-11-23T00:00:00Z"), at("2026-11-25T00:00:00Z")) {
            *per.entry(s.state.assignee.as_deref().unwrap_or("-").to_string())
                .or_default() += secs;
        }
        // Unassigned while new (1h), anna open 09–10 (1h), bo open 14–15 and Tuesday
        // 09–11 (3h); pending time is nobody's working time.
        assert_eq!(per["-"], 3600);
        assert_eq!(per["anna"], 3600);
        assert_eq!(per["bo"], 3 * 3600);
    }

    #[test]
    fn first_commit_holds_from_created_and_uncommitted_edits_from_now() {
        // Imported mail: created at 06:00, committed at 10:00.
        let h = History {
            changes: vec![
                change("2026-11-23T10:00:00Z", Field::Status, "new"),
                change("2026-11-23T11:00:00Z", Field::Status, "open"),
            ],
            first_reply: None,
        };
        let l = Life::build(
            at("2026-11-23T06:00:00Z"),
            &h,
            &state("solved", ""),
            at("2026-11-23T12:00:00Z"),
            &category,
        );
        assert_eq!(l.segments[0].start, at("2026-11-23T06:00:00Z"));
        assert_eq!(l.segments[1].start, at("2026-11-23T11:00:00Z"));
        // The work tree says solved, not yet committed: solved from now.
        assert_eq!(l.final_solve(), Some(at("2026-11-23T12:00:00Z")));
        assert_eq!(l.resolution_secs(), Some(6 * 3600));

        // Nothing committed at all: the current state since created.
        let l = Life::build(
            at("2026-11-23T06:00:00Z"),
            &History::default(),
            &state("open", "anna"),
            at("2026-11-23T12:00:00Z"),
            &category,
        );
        assert_eq!(l.segments.len(), 1);
        assert!(l.open_at(at("2026-11-23T07:00:00Z")));
    }

    #[test]
    fn a_ticket_created_solved_is_solved_at_once() {
        let h = History {
            changes: vec![change("2026-11-23T08:00:00Z", Field::Status, "solved")],
            first_reply: None,
        };
        let l = life(&h, &state("solved", ""), "2026-11-23T09:00:00Z");
        assert_eq!(l.solves(), vec![at("2026-11-23T08:00:00Z")]);
        assert_eq!(l.resolution_secs(), Some(0));
    }
}
