//! Business time: a weekly schedule of opening hours in a time zone, less holidays, and
//! the two clocks an SLA target can run on (calendar time, business time).
//!
//! Pure: no system clock, no I/O. Instants are Unix seconds (UTC). The parsers here
//! (days, windows, durations, zones) are what `config::sla` validates tiketti.yaml with,
//! so the file and the arithmetic agree on every spelling.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Weekday};
use chrono_tz::Tz;

/// Unix seconds, UTC.
pub type Instant = i64;

const DAY: i64 = 86_400;

/// Opening hours on one day: seconds after local midnight, `start < end <= 86400`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: u32,
    pub end: u32,
}

/// When the helpdesk is open: a weekly schedule in a time zone, and holidays (local
/// dates on which it is closed all day).
#[derive(Debug, Clone)]
pub struct Schedule {
    pub tz: Tz,
    /// Windows per weekday, Monday first, sorted and not overlapping.
    pub week: [Vec<Window>; 7],
    pub holidays: BTreeSet<NaiveDate>,
}

impl Schedule {
    /// The instants at which `date` (a local date) is open, in time order.
    pub fn windows_on(&self, date: NaiveDate) -> Vec<(Instant, Instant)> {
        if self.holidays.contains(&date) {
            return Vec::new();
        }
        let day = &self.week[date.weekday().num_days_from_monday() as usize];
        day.iter()
            .map(|w| {
                (
                    local_instant(self.tz, date, w.start),
                    local_instant(self.tz, date, w.end),
                )
            })
            .filter(|(a, b)| a < b)
            .collect()
    }

    /// Is the helpdesk open at all in a normal week?
    pub fn is_empty(&self) -> bool {
        self.week.iter().all(Vec::is_empty)
    }
}

/// The local date of an instant in `tz`.
pub fn local_date(tz: Tz, t: Instant) -> NaiveDate {
    tz.timestamp_opt(t, 0)
        .single()
        .map(|d| d.date_naive())
        .unwrap_or_default()
}

/// The instant `secs` seconds after local midnight of `date` in `tz` (`secs` may be
/// 86400: the next midnight). A local time that does not exist (the hour skipped when
/// clocks go forward) is read as the first valid time after it; one that exists twice
/// (clocks going back) as the earlier.
pub fn local_instant(tz: Tz, date: NaiveDate, secs: u32) -> Instant {
    let (date, secs) = if secs >= DAY as u32 {
        (date.succ_opt().unwrap_or(date), secs - DAY as u32)
    } else {
        (date, secs)
    };
    let naive = date.and_time(NaiveTime::MIN) + chrono::Duration::seconds(i64::from(secs));
    resolve_local(tz, naive)
}

fn resolve_local(tz: Tz, naive: NaiveDateTime) -> Instant {
    // A gap is at most a few hours; step through it a minute at a time.
    for step in 0..=(24 * 60) {
        let n = naive + chrono::Duration::minutes(step);
        if let Some(t) = tz.from_local_datetime(&n).earliest() {
            return t.timestamp();
        }
    }
    naive.and_utc().timestamp()
}

/// The first instant of local date `date` in `tz`.
pub fn day_start(tz: Tz, date: NaiveDate) -> Instant {
    local_instant(tz, date, 0)
}

/// Business seconds over a span of time, from a [`Schedule`] laid out once as sorted
/// UTC intervals with running totals: elapsed time and "target reached at" are then a
/// binary search each, whatever the span.
#[derive(Debug, Clone)]
pub struct BusinessTime {
    starts: Vec<Instant>,
    ends: Vec<Instant>,
    /// Business seconds before interval `i`.
    before: Vec<i64>,
    /// Business seconds up to the end of interval `i`.
    through: Vec<i64>,
}

impl BusinessTime {
    /// Lay out the schedule over `[from, to]` (a day of margin either side). Instants
    /// outside that span are treated as closed.
    pub fn new(schedule: &Schedule, from: Instant, to: Instant) -> BusinessTime {
        let first = local_date(schedule.tz, from)
            .pred_opt()
            .unwrap_or(NaiveDate::MIN);
        let last = local_date(schedule.tz, to)
            .succ_opt()
            .unwrap_or(NaiveDate::MAX);
        let mut spans: Vec<(Instant, Instant)> = Vec::new();
        let mut date = first;
        while date <= last {
            spans.extend(schedule.windows_on(date));
            match date.succ_opt() {
                Some(d) => date = d,
                None => break,
            }
        }
        spans.sort_unstable();
        // Merge touching or overlapping windows (two windows meeting at midnight, or a
        // window stretched over a clock change).
        let mut merged: Vec<(Instant, Instant)> = Vec::with_capacity(spans.len());
        for (a, b) in spans {
            match merged.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        let mut total = 0;
        let mut bt = BusinessTime {
            starts: Vec::with_capacity(merged.len()),
            ends: Vec::with_capacity(merged.len()),
            before: Vec::with_capacity(merged.len()),
            through: Vec::with_capacity(merged.len()),
        };
        for (a, b) in merged {
            bt.starts.push(a);
            bt.ends.push(b);
            bt.before.push(total);
            total += b - a;
            bt.through.push(total);
        }
        bt
    }

    /// Business seconds from the start of the laid-out span to `t`.
    fn cumulative(&self, t: Instant) -> i64 {
        let i = self.starts.partition_point(|&s| s < t);
        if i == 0 {
            return 0;
        }
        let j = i - 1;
        self.before[j] + t.min(self.ends[j]) - self.starts[j]
    }

    /// Business seconds in `[a, b)`.
    pub fn elapsed(&self, a: Instant, b: Instant) -> i64 {
        if b <= a {
            0
        } else {
            self.cumulative(b) - self.cumulative(a)
        }
    }

    /// The earliest instant at which `secs` business seconds have passed since `a`;
    /// `None` past the laid-out span.
    pub fn advance(&self, a: Instant, secs: i64) -> Option<Instant> {
        if secs <= 0 {
            return Some(a);
        }
        let target = self.cumulative(a) + secs;
        // The first interval by whose end `target` seconds have passed.
        let j = self.through.partition_point(|&x| x < target);
        (j < self.starts.len()).then(|| self.starts[j] + (target - self.before[j]))
    }
}

/// The clock an SLA target runs on.
#[derive(Debug, Clone, Copy)]
pub enum Clock<'a> {
    /// Every second counts: nights, weekends, holidays.
    Calendar,
    /// Only the seconds inside the schedule's opening hours count.
    Business(&'a BusinessTime),
}

impl Clock<'_> {
    /// Seconds this clock counts in `[a, b)`.
    pub fn elapsed(&self, a: Instant, b: Instant) -> i64 {
        match self {
            Clock::Calendar => (b - a).max(0),
            Clock::Business(bt) => bt.elapsed(a, b),
        }
    }

    /// The earliest instant at which this clock has counted `secs` since `a`.
    pub fn advance(&self, a: Instant, secs: i64) -> Option<Instant> {
        match self {
            Clock::Calendar => Some(a + secs.max(0)),
            Clock::Business(bt) => bt.advance(a, secs),
        }
    }
}

// ----- parsing what tiketti.yaml says -----

const DAY_NAMES: [(&str, &str, Weekday); 7] = [
    ("mon", "monday", Weekday::Mon),
    ("tue", "tuesday", Weekday::Tue),
    ("wed", "wednesday", Weekday::Wed),
    ("thu", "thursday", Weekday::Thu),
    ("fri", "friday", Weekday::Fri),
    ("sat", "saturday", Weekday::Sat),
    ("sun", "sunday", Weekday::Sun),
];

fn weekday(s: &str) -> Option<Weekday> {
    let s = s.trim().to_ascii_lowercase();
    DAY_NAMES
        .iter()
        .find(|(short, long, _)| s == *short || s == *long)
        .map(|(_, _, d)| *d)
}

/// `mon`, `monday`, or a range `mon-fri` (wrapping: `fri-mon` is Friday to Monday).
pub fn parse_days(s: &str) -> Result<Vec<Weekday>, String> {
    let bad = || format!("{s:?} is not a day (mon … sun) or a range of days like mon-fri");
    match s.split_once('-') {
        None => weekday(s).map(|d| vec![d]).ok_or_else(bad),
        Some((a, b)) => {
            let (a, b) = (weekday(a).ok_or_else(bad)?, weekday(b).ok_or_else(bad)?);
            let mut days = vec![a];
            let mut d = a;
            while d != b {
                d = d.succ();
                days.push(d);
            }
            Ok(days)
        }
    }
}

/// `HH:MM` (or `24:00`) as seconds after midnight.
fn parse_clock_time(s: &str) -> Option<u32> {
    let (h, m) = s.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    match (h, m) {
        (24, 0) => Some(24 * 3600),
        (0..=23, 0..=59) => Some(h * 3600 + m * 60),
        _ => None,
    }
}

/// `08:00-16:00`: opening hours on one day; `24:00` ends at midnight.
pub fn parse_window(s: &str) -> Result<Window, String> {
    let bad = || format!("{s:?} is not opening hours like 08:00-16:00");
    let (a, b) = s.split_once('-').ok_or_else(bad)?;
    let (start, end) = (
        parse_clock_time(a).ok_or_else(bad)?,
        parse_clock_time(b).ok_or_else(bad)?,
    );
    if start >= end {
        return Err(format!("{s:?}: the opening hours end before they start"));
    }
    Ok(Window { start, end })
}

/// A length of time: `4h`, `30m`, `1h30m`, `2d` (24 hours each). Returns the seconds
/// and whether days were used (a business-hours target must be given in hours).
pub fn parse_duration(s: &str) -> Result<(i64, bool), String> {
    let bad = || format!("{s:?} is not a length of time like 4h, 30m, 1h30m or 2d");
    let text = s.trim();
    if text.is_empty() {
        return Err(bad());
    }
    let mut total: i64 = 0;
    let mut days = false;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: i64 = number.parse().map_err(|_| bad())?;
        number.clear();
        let unit = match c {
            'd' => {
                days = true;
                DAY
            }
            'h' => 3600,
            'm' => 60,
            _ => return Err(bad()),
        };
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(bad)?;
    }
    if !number.is_empty() || total <= 0 {
        return Err(bad());
    }
    Ok((total, days))
}

/// An IANA time zone name (`Europe/Helsinki`, `UTC`).
pub fn parse_zone(s: &str) -> Result<Tz, String> {
    s.trim().parse::<Tz>().map_err(|_| {
        format!("unknown time zone {s:?}; use an IANA name like Europe/Helsinki or UTC")
    })
}

/// A date `2026-12-24`.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{s:?} is not a date like 2026-12-24"))
}

/// A length of time for people: `45m`, `3h 20m`, `2d 4h`.
pub fn format_duration(secs: i64) -> String {
    let sign = if secs < 0 { "-" } else { "" };
    let s = secs.abs();
    let (d, h, m) = (s / DAY, (s % DAY) / 3600, (s % 3600) / 60);
    let text = match (d, h, m) {
        (0, 0, m) => format!("{m}m"),
        (0, h, 0) => format!("{h}h"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, 0, _) => format!("{d}d"),
        (d, h, _) => format!("{d}d {h}h"),
    };
    format!("{sign}{text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn at(s: &str) -> Instant {
        chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp()
    }

    fn date(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    /// Mon–Fri 08:00–16:00 in Helsinki (UTC+2 in winter), 24 December a holiday.
    pub fn helsinki() -> Schedule {
        let mut week: [Vec<Window>; 7] = Default::default();
        for d in parse_days("mon-fri").unwrap() {
            week[d.num_days_from_monday() as usize].push(parse_window("08:00-16:00").unwrap());
        }
        Schedule {
            tz: parse_zone("Europe/Helsinki").unwrap(),
            week,
            holidays: [date("2026-12-24")].into_iter().collect(),
        }
    }

    fn business(s: &Schedule) -> BusinessTime {
        BusinessTime::new(s, at("2026-11-01T00:00:00Z"), at("2027-01-31T00:00:00Z"))
    }

    #[test]
    fn parsers() {
        assert_eq!(parse_days("mon-fri").unwrap().len(), 5);
        assert_eq!(
            parse_days("fri-mon").unwrap(),
            vec![Weekday::Fri, Weekday::Sat, Weekday::Sun, Weekday::Mon]
        );
        assert_eq!(parse_days("Saturday").unwrap(), vec![Weekday::Sat]);
        assert!(parse_days("weekdays").is_err());
        assert_eq!(
            parse_window("08:00-16:30").unwrap(),
            Window {
                start: 8 * 3600,
                end: 16 * 3600 + 1800
            }
        );
        assert_eq!(parse_window("00:00-24:00").unwrap().end, 86_400);
        assert!(parse_window("16:00-08:00").is_err());
        assert!(parse_window("8-16").is_err());
        assert!(parse_window("08:00-25:00").is_err());
        assert_eq!(parse_duration("4h").unwrap(), (4 * 3600, false));
        assert_eq!(parse_duration("1h30m").unwrap(), (5400, false));
        assert_eq!(parse_duration("2d").unwrap(), (2 * DAY, true));
        for bad in ["", "4", "h", "4x", "0h", "-4h", "4 h"] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
        assert!(parse_zone("Europe/Helsinki").is_ok());
        assert!(parse_zone("UTC").is_ok());
        assert!(parse_zone("Mars/Olympus").is_err());
        assert_eq!(format_duration(45 * 60), "45m");
        assert_eq!(format_duration(3 * 3600 + 20 * 60), "3h 20m");
        assert_eq!(format_duration(2 * DAY + 4 * 3600 + 59), "2d 4h");
        assert_eq!(format_duration(-3600), "-1h");
    }

    #[test]
    fn windows_are_local_time() {
        let s = helsinki();
        // Monday 2026-11-23: 08:00-16:00 EET is 06:00-14:00 UTC.
        assert_eq!(
            s.windows_on(date("2026-11-23")),
            vec![(at("2026-11-23T06:00:00Z"), at("2026-11-23T14:00:00Z"))]
        );
        // Summer time (EEST, UTC+3): 05:00-13:00 UTC.
        assert_eq!(
            s.windows_on(date("2026-06-01")),
            vec![(at("2026-06-01T05:00:00Z"), at("2026-06-01T13:00:00Z"))]
        );
        assert!(s.windows_on(date("2026-11-22")).is_empty(), "a Sunday");
        assert!(s.windows_on(date("2026-12-24")).is_empty(), "a holiday");
    }

    #[test]
    fn business_time_across_a_weekend() {
        let s = helsinki();
        let bt = business(&s);
        // Friday 2026-11-20 15:00 local (13:00Z) to Monday 2026-11-23 09:00 local (07:00Z):
        // one hour on Friday, nothing on the weekend, one hour on Monday.
        assert_eq!(
            bt.elapsed(at("2026-11-20T13:00:00Z"), at("2026-11-23T07:00:00Z")),
            2 * 3600
        );
        // Four business hours from Friday 15:00 local: 1h Friday, 3h Monday → Monday 11:00
        // local = 09:00Z.
        assert_eq!(
            bt.advance(at("2026-11-20T13:00:00Z"), 4 * 3600),
            Some(at("2026-11-23T09:00:00Z"))
        );
        // Outside hours the clock does not move; it starts at the next opening.
        assert_eq!(
            bt.elapsed(at("2026-11-21T10:00:00Z"), at("2026-11-22T20:00:00Z")),
            0
        );
        assert_eq!(
            bt.advance(at("2026-11-21T10:00:00Z"), 3600),
            Some(at("2026-11-23T07:00:00Z"))
        );
        // Reaching the target exactly at closing time is due at closing time, not at the
        // next opening.
        assert_eq!(
            bt.advance(at("2026-11-23T06:00:00Z"), 8 * 3600),
            Some(at("2026-11-23T14:00:00Z"))
        );
    }

    #[test]
    fn business_time_across_a_holiday() {
        let s = helsinki();
        let bt = business(&s);
        // Wednesday 2026-12-23 14:00 local (12:00Z) to Friday 2026-12-25 10:00 local
        // (08:00Z): 2h on Wednesday, the Thursday holiday counts nothing, 2h on Friday.
        assert_eq!(
            bt.elapsed(at("2026-12-23T12:00:00Z"), at("2026-12-25T08:00:00Z")),
            4 * 3600
        );
        // A whole week with the holiday: 4 days × 8h.
        assert_eq!(
            bt.elapsed(at("2026-12-21T00:00:00Z"), at("2026-12-28T00:00:00Z")),
            32 * 3600
        );
        // Eight business hours from Wednesday 14:00 local: 2h Wed, 6h Fri → Fri 14:00
        // local = 12:00Z.
        assert_eq!(
            bt.advance(at("2026-12-23T12:00:00Z"), 8 * 3600),
            Some(at("2026-12-25T12:00:00Z"))
        );
    }

    #[test]
    fn business_time_across_a_clock_change() {
        // Helsinki goes from EEST to EET on Sunday 2026-10-25; Friday's window is
        // 05:00-13:00Z, Monday's 06:00-14:00Z.
        let s = helsinki();
        let bt = BusinessTime::new(&s, at("2026-10-01T00:00:00Z"), at("2026-11-01T00:00:00Z"));
        assert_eq!(
            bt.elapsed(at("2026-10-23T12:00:00Z"), at("2026-10-26T07:00:00Z")),
            2 * 3600
        );
    }

    #[test]
    fn calendar_clock_counts_everything() {
        let c = Clock::Calendar;
        assert_eq!(
            c.elapsed(at("2026-11-20T13:00:00Z"), at("2026-11-23T07:00:00Z")),
            66 * 3600
        );
        assert_eq!(c.elapsed(10, 5), 0);
        assert_eq!(c.advance(100, 50), Some(150));
    }

    #[test]
    fn past_the_laid_out_span_there_is_no_due_time() {
        let s = helsinki();
        let bt = BusinessTime::new(&s, at("2026-11-23T00:00:00Z"), at("2026-11-24T00:00:00Z"));
        assert_eq!(bt.advance(at("2026-11-23T06:00:00Z"), 1000 * 3600), None);
    }
}
