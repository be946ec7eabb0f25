//! The `sla` section of tiketti.yaml: targets for first response and resolution per
//! category and priority, business hours in a time zone, holidays, and the status
//! categories that pause a clock. Types, validation with line numbers, and the compiled
//! [`Policy`] the report maths runs on. The arithmetic itself is `report::sla`.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::yamledit::PathSeg;
use super::{Config, OneOrMany, Problems};
use crate::report::calendar::{self, Schedule, Window};
use crate::report::sla::{Goal, Policy, Target};
use crate::ticket::StatusCategory;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaConfig {
    /// IANA name (`Europe/Helsinki`) for business hours, holidays and report days;
    /// default UTC.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// Opening hours: `mon-fri: 08:00-16:00`, a list for several windows a day.
    #[serde(default)]
    pub business_hours: BTreeMap<String, OneOrMany>,
    /// Local dates on which the helpdesk is closed all day.
    #[serde(default)]
    pub holidays: Vec<String>,
    /// Status categories that pause a clock whose target has `pause: true`.
    #[serde(default = "default_pause_on")]
    pub pause_on: Vec<String>,
    #[serde(default)]
    pub targets: Vec<TargetDef>,
}

fn default_pause_on() -> Vec<String> {
    vec!["pending".into(), "on-hold".into()]
}

/// Which clock a target's hours are on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Hours {
    #[default]
    Calendar,
    Business,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetDef {
    #[serde(default)]
    pub name: Option<String>,
    /// Categories this target applies to (one or a list); any when absent.
    #[serde(default)]
    pub category: OneOrMany,
    /// Priorities this target applies to (one or a list); any when absent.
    #[serde(default)]
    pub priority: OneOrMany,
    /// `4h`, `30m`, `1h30m`, `2d` (calendar hours only).
    #[serde(default)]
    pub first_response: Option<String>,
    #[serde(default)]
    pub resolution: Option<String>,
    #[serde(default)]
    pub hours: Hours,
    /// Stop the clocks while the status is in a `pause_on` category.
    #[serde(default)]
    pub pause: bool,
}

impl TargetDef {
    /// Its name, or `#N` by position.
    pub fn label(&self, i: usize) -> String {
        self.name.clone().unwrap_or_else(|| format!("#{}", i + 1))
    }
}

fn key(k: &str) -> PathSeg {
    PathSeg::Key(k.to_string())
}

/// Report at `path`, or at the nearest enclosing key the text has a line for (an item of
/// a flow list `[a, b]` has none of its own).
fn report(problems: &mut Problems<'_>, path: &[PathSeg], message: String) {
    let mut p = path.to_vec();
    while p.len() > 1 && super::yamledit::line_of(problems.text, &p).is_none() {
        p.pop();
    }
    problems.at(&p, message);
}

/// Check the section; every problem goes to `problems` with its line.
pub(super) fn check(config: &Config, problems: &mut Problems<'_>) {
    let Some(sla) = &config.sla else {
        return;
    };
    let at = |rest: &[PathSeg]| {
        let mut p = vec![key("sla")];
        p.extend_from_slice(rest);
        p
    };
    if let Some(tz) = &sla.time_zone
        && let Err(why) = calendar::parse_zone(tz)
    {
        report(
            problems,
            &at(&[key("time_zone")]),
            format!("sla.time_zone: {why}"),
        );
    }
    let mut seen: BTreeMap<u32, String> = BTreeMap::new();
    for (days, windows) in &sla.business_hours {
        let path = at(&[key("business_hours"), key(days)]);
        match calendar::parse_days(days) {
            Err(why) => report(problems, &path, format!("sla.business_hours: {why}")),
            Ok(list) => {
                for d in list {
                    if let Some(other) = seen.insert(d.num_days_from_monday(), days.clone()) {
                        report(
                            problems,
                            &path,
                            format!(
                                "sla.business_hours: {} is in both {other:?} and {days:?}",
                                d.to_string().to_lowercase()
                            ),
                        );
                    }
                }
            }
        }
        let mut parsed: Vec<Window> = Vec::new();
        for w in windows.values() {
            match calendar::parse_window(w) {
                Ok(w) => parsed.push(w),
                Err(why) => report(problems, &path, format!("sla.business_hours.{days}: {why}")),
            }
        }
        parsed.sort_by_key(|w| w.start);
        if parsed.windows(2).any(|p| p[1].start < p[0].end) {
            report(
                problems,
                &path,
                format!("sla.business_hours.{days}: the opening hours overlap"),
            );
        }
    }
    for (i, h) in sla.holidays.iter().enumerate() {
        if let Err(why) = calendar::parse_date(h) {
            report(
                problems,
                &at(&[key("holidays"), PathSeg::Index(i)]),
                format!("sla.holidays: {why}"),
            );
        }
    }
    for (i, c) in sla.pause_on.iter().enumerate() {
        if !matches!(
            StatusCategory::parse(c),
            Some(StatusCategory::Pending | StatusCategory::OnHold)
        ) {
            report(
                problems,
                &at(&[key("pause_on"), PathSeg::Index(i)]),
                format!(
                    "sla.pause_on: {c:?} is not a category that can pause a clock; use pending and/or on-hold"
                ),
            );
        }
    }
    let has_hours = !sla.business_hours.is_empty();
    for (i, t) in sla.targets.iter().enumerate() {
        let name = t.label(i);
        let field = |k: &str| at(&[key("targets"), PathSeg::Index(i), key(k)]);
        for c in t.category.values() {
            if config.known_category(c).is_err() {
                report(
                    problems,
                    &field("category"),
                    format!("SLA target {name}: unknown category {c:?}"),
                );
            }
        }
        for p in t.priority.values() {
            if config.known_priority(p).is_err() {
                report(
                    problems,
                    &field("priority"),
                    format!("SLA target {name}: unknown priority {p:?}"),
                );
            }
        }
        if t.first_response.is_none() && t.resolution.is_none() {
            report(
                problems,
                &at(&[key("targets"), PathSeg::Index(i)]),
                format!("SLA target {name} sets neither first_response nor resolution"),
            );
        }
        for (k, v) in [
            ("first_response", &t.first_response),
            ("resolution", &t.resolution),
        ] {
            let Some(v) = v else { continue };
            match calendar::parse_duration(v) {
                Err(why) => report(
                    problems,
                    &field(k),
                    format!("SLA target {name}: {k}: {why}"),
                ),
                Ok((_, true)) if t.hours == Hours::Business => report(
                    problems,
                    &field(k),
                    format!(
                        "SLA target {name}: {k}: give business time in hours and minutes (a business day of 8 hours is 8h), not days"
                    ),
                ),
                Ok(_) => {}
            }
        }
        if t.hours == Hours::Business && !has_hours {
            report(
                problems,
                &field("hours"),
                format!("SLA target {name} counts business hours but sla.business_hours is empty"),
            );
        }
    }
}

impl SlaConfig {
    /// The time zone of business hours, holidays and report days (UTC by default).
    pub fn zone(&self) -> chrono_tz::Tz {
        self.time_zone
            .as_deref()
            .and_then(|z| calendar::parse_zone(z).ok())
            .unwrap_or(chrono_tz::UTC)
    }

    /// The schedule, when business hours are configured. Assumes a validated config.
    pub fn schedule(&self) -> Option<Schedule> {
        if self.business_hours.is_empty() {
            return None;
        }
        let mut week: [Vec<Window>; 7] = Default::default();
        for (days, windows) in &self.business_hours {
            let windows: Vec<Window> = windows
                .values()
                .iter()
                .filter_map(|w| calendar::parse_window(w).ok())
                .collect();
            for d in calendar::parse_days(days).unwrap_or_default() {
                let day = &mut week[d.num_days_from_monday() as usize];
                day.extend(&windows);
                day.sort_by_key(|w| w.start);
            }
        }
        let holidays: BTreeSet<chrono::NaiveDate> = self
            .holidays
            .iter()
            .filter_map(|h| calendar::parse_date(h).ok())
            .collect();
        Some(Schedule {
            tz: self.zone(),
            week,
            holidays,
        })
    }

    /// The compiled policy. Assumes a validated config.
    pub fn policy(&self) -> Policy {
        let goal = |v: &Option<String>, t: &TargetDef| {
            let (secs, _) = calendar::parse_duration(v.as_deref()?).ok()?;
            Some(Goal {
                secs,
                business: t.hours == Hours::Business,
                pause: t.pause,
            })
        };
        Policy {
            schedule: self.schedule(),
            pause_on: self
                .pause_on
                .iter()
                .filter_map(|c| StatusCategory::parse(c))
                .collect(),
            targets: self
                .targets
                .iter()
                .enumerate()
                .map(|(i, t)| Target {
                    name: t.label(i),
                    categories: t.category.values().to_vec(),
                    priorities: t.priority.values().to_vec(),
                    first_response: goal(&t.first_response, t),
                    resolution: goal(&t.resolution, t),
                })
                .collect(),
        }
    }
}

impl Config {
    /// The SLA policy (empty without an `sla` section).
    pub fn sla_policy(&self) -> Policy {
        self.sla.as_ref().map(SlaConfig::policy).unwrap_or_default()
    }

    /// The time zone of reports and business hours: `sla.time_zone`, else UTC.
    pub fn report_zone(&self) -> chrono_tz::Tz {
        self.sla
            .as_ref()
            .map(SlaConfig::zone)
            .unwrap_or(chrono_tz::UTC)
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{Config, DEFAULT_TEXT};
    use crate::report::sla::Metric;

    const SLA: &str = "
sla:
  time_zone: Europe/Helsinki
  business_hours:
    mon-thu: 08:00-16:00
    fri: [08:00-12:00, 13:00-15:00]
  holidays: [2026-12-24, 2026-12-25]
  pause_on: [pending, on-hold]
  targets:
    - name: quotes
      category: quote-request
      first_response: 4h
      hours: business
    - name: urgent
      priority: [urgent, high]
      first_response: 1h
      resolution: 8h
      pause: true
    - name: default
      first_response: 1d
      resolution: 5d
";

    #[test]
    fn a_valid_section_compiles() {
        let c = Config::parse(&format!("{DEFAULT_TEXT}{SLA}")).unwrap();
        let p = c.sla_policy();
        assert_eq!(p.targets.len(), 3);
        let s = p.schedule.as_ref().unwrap();
        assert_eq!(s.week[4].len(), 2, "two windows on Friday");
        assert!(s.week[5].is_empty());
        assert_eq!(s.holidays.len(), 2);
        let (t, g) = p
            .goal(Metric::FirstResponse, Some("quote-request"), Some("high"))
            .unwrap();
        assert_eq!(
            (t.name.as_str(), g.secs, g.business),
            ("quotes", 14_400, true)
        );
        let (t, g) = p
            .goal(Metric::Resolution, Some("quote-request"), Some("high"))
            .unwrap();
        assert_eq!((t.name.as_str(), g.pause), ("urgent", true));
        assert_eq!(c.report_zone().name(), "Europe/Helsinki");
        // Without the section: no targets, UTC.
        let c = Config::parse(DEFAULT_TEXT).unwrap();
        assert!(c.sla_policy().is_empty());
        assert_eq!(c.report_zone(), chrono_tz::UTC);
    }

    #[test]
    fn problems_name_their_line() {
        let broken = SLA
            .replace("Europe/Helsinki", "Europe/Helsingfors")
            .replace("fri: [08:00-12:00", "fri: [08:00-12:60")
            .replace("2026-12-25]", "2026-12-32]")
            .replace("[pending, on-hold]", "[pending, solved]")
            .replace("category: quote-request", "category: quote")
            .replace("first_response: 4h", "first_response: 4 hours")
            .replace("resolution: 5d", "resolution: 5d\n      hours: business")
            .replace("mon-thu:", "mon-fri:");
        let text = format!("{DEFAULT_TEXT}{broken}");
        let err = Config::parse(&text).unwrap_err();
        let line = |needle: &str| {
            // The last match: the SLA section comes after the default file.
            let lines: Vec<&str> = text.lines().collect();
            lines
                .iter()
                .rposition(|l| l.contains(needle))
                .map(|i| i + 1)
        };
        let found = |msg: &str, needle: &str| {
            let p = err
                .problems
                .iter()
                .find(|p| p.message.contains(msg))
                .unwrap_or_else(|| panic!("no problem {msg:?} in {:#?}", err.problems));
            assert_eq!(p.line, line(needle), "{p}");
        };
        found("unknown time zone \"Europe/Helsingfors\"", "time_zone:");
        found("\"08:00-12:60\" is not opening hours", "fri: [");
        found("fri is in both", "mon-fri:");
        found("\"2026-12-32\" is not a date", "holidays:");
        found("\"solved\" is not a category that can pause", "pause_on:");
        found("unknown category \"quote\"", "category: quote");
        found(
            "\"4 hours\" is not a length of time",
            "first_response: 4 hours",
        );
        found("resolution: give business time in hours", "resolution: 5d");
        let unknown = Config::parse(&format!("{DEFAULT_TEXT}sla:\n  targetz: []\n")).unwrap_err();
        assert!(unknown.to_string().contains("targetz"), "{unknown}");
    }

    #[test]
    fn the_commented_example_in_the_default_file_is_valid() {
        let i = DEFAULT_TEXT.find("# sla:").unwrap();
        let example: Vec<&str> = DEFAULT_TEXT[i..]
            .lines()
            .map(|l| l.strip_prefix("# ").unwrap_or(l))
            .collect();
        let text = format!("{}{}\n", &DEFAULT_TEXT[..i], example.join("\n"));
        let c = Config::parse(&text).unwrap();
        assert_eq!(c.sla_policy().targets.len(), 3);
        assert!(c.sla_policy().schedule.is_some());
    }

    #[test]
    fn business_targets_need_business_hours() {
        let text = format!(
            "{DEFAULT_TEXT}sla:\n  targets:\n    - first_response: 4h\n      hours: business\n"
        );
        let err = Config::parse(&text).unwrap_err();
        assert!(
            err.to_string().contains("sla.business_hours is empty"),
            "{err}"
        );
        let text = format!("{DEFAULT_TEXT}sla:\n  targets:\n    - name: nothing\n");
        let err = Config::parse(&text).unwrap_err();
        assert!(err.to_string().contains("sets neither"), "{err}");
    }
}
