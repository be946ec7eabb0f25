//! `report --format html`: one self-contained page. Inline CSS, charts as inline SVG drawn
//! here (backlog per day, handling time per agent, SLA achievement per category), no
//! scripts, no fonts or images to fetch: it opens the same with the network unplugged.

use std::fmt::Write as _;

use super::{Count, PeriodView, ReportView, ShareView, format_duration, name_or, share_text};

/// The series colours; the screenshot test looks for them.
pub const BACKLOG: &str = "#2a6fdb";
pub const HANDLING: &str = "#e07b00";
pub const ACHIEVED: &str = "#2e9e5b";
pub const BREACHED: &str = "#d64545";

const CSS: &str = "
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1d2330;
  background: #ffffff; margin: 0; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 8px; border-bottom: 1px solid #d8dce3; padding-bottom: 4px; }
.sub { color: #5b6475; margin: 0 0 20px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { border: 1px solid #d8dce3; border-radius: 8px; padding: 10px 16px; min-width: 130px;
  background: #f6f8fb; }
.card b { display: block; font-size: 24px; }
.card span { color: #5b6475; font-size: 13px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 14px; }
th, td { text-align: left; padding: 4px 14px 4px 0; border-bottom: 1px solid #eceef2; }
th { color: #5b6475; font-weight: 600; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.cols { display: flex; flex-wrap: wrap; gap: 36px; align-items: flex-start; }
svg text { font-family: inherit; font-size: 12px; fill: #1d2330; }
svg .muted { fill: #5b6475; }
.none { color: #5b6475; font-style: italic; }
";

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A round number at or above `v` for an axis: 1, 2, 5 × 10ⁿ.
fn nice_max(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    let mag = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|&m| m >= v)
        .unwrap_or(10.0 * mag)
}

fn card(out: &mut String, value: &str, label: &str) {
    let _ = write!(
        out,
        "<div class=\"card\"><b>{}</b><span>{}</span></div>",
        esc(value),
        esc(label)
    );
}

fn counts_table(out: &mut String, title: &str, none: &str, counts: &[Count]) {
    let _ = write!(out, "<table><tr><th>{}</th><th>Open</th></tr>", esc(title));
    for c in counts {
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"n\">{}</td></tr>",
            esc(&name_or(&c.name, none)),
            c.open
        );
    }
    out.push_str("</table>");
}

/// Backlog per day: a line over an area, with the count of each day as a dot.
fn backlog_chart(out: &mut String, p: &PeriodView) {
    let (w, h, left, right, top, bottom) = (980.0, 280.0, 48.0, 16.0, 16.0, 40.0);
    let n = p.backlog.len();
    // Whole-number gridlines: a step of 1, 2, 5, 10, … and four or fewer steps.
    let top_value = p.backlog.iter().map(|d| d.open).max().unwrap_or(0) as f64;
    let step = nice_max(top_value / 4.0).max(1.0);
    let steps = (top_value / step).ceil().max(1.0) as usize;
    let max = step * steps as f64;
    let (pw, ph) = (w - left - right, h - top - bottom);
    let x = |i: usize| {
        if n <= 1 {
            left + pw / 2.0
        } else {
            left + pw * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: u64| top + ph - ph * v as f64 / max;
    let _ = write!(
        out,
        "<svg role=\"img\" aria-label=\"Backlog per day\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">"
    );
    for k in 0..=steps {
        let v = step * k as f64;
        let yy = top + ph - ph * v / max;
        let _ = write!(
            out,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\" stroke=\"#e3e6ec\"/><text class=\"muted\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            w - right,
            left - 6.0,
            yy + 4.0,
            v.round()
        );
    }
    if n > 0 {
        let points: Vec<String> = p
            .backlog
            .iter()
            .enumerate()
            .map(|(i, d)| format!("{:.1},{:.1}", x(i), y(d.open)))
            .collect();
        let _ = write!(
            out,
            "<polygon points=\"{:.1},{:.1} {} {:.1},{:.1}\" fill=\"{BACKLOG}\" fill-opacity=\"0.15\"/>",
            x(0),
            top + ph,
            points.join(" "),
            x(n - 1),
            top + ph
        );
        let _ = write!(
            out,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{BACKLOG}\" stroke-width=\"3\"/>",
            points.join(" ")
        );
        let every = n.div_ceil(8).max(1);
        for (i, d) in p.backlog.iter().enumerate() {
            let _ = write!(
                out,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"{BACKLOG}\"><title>{}: {}</title></circle>",
                x(i),
                y(d.open),
                esc(&d.date),
                d.open
            );
            // Every few days, and the last, not crowding the one before it.
            if (i % every == 0 && i + every / 2 < n - 1) || i == n - 1 {
                let anchor = match i {
                    0 if n > 1 => "start",
                    i if i == n - 1 && n > 1 => "end",
                    _ => "middle",
                };
                let _ = write!(
                    out,
                    "<text class=\"muted\" x=\"{:.1}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>",
                    x(i),
                    h - 14.0,
                    esc(&d.date)
                );
            }
        }
    }
    out.push_str("</svg>");
}

/// Horizontal bars: one row per label, `value / max` of the width.
fn bar_rows(out: &mut String, label: &str, rows: &[(String, f64, String)], colour: &str) {
    let (w, row, left, right) = (980.0, 30.0, 170.0, 110.0);
    let h = row * rows.len().max(1) as f64 + 10.0;
    let max = rows.iter().map(|r| r.1).fold(0.0, f64::max).max(1e-9);
    let _ = write!(
        out,
        "<svg role=\"img\" aria-label=\"{}\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">",
        esc(label)
    );
    for (i, (name, value, text)) in rows.iter().enumerate() {
        let y = 5.0 + row * i as f64;
        let bw = (w - left - right) * value / max;
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text><rect x=\"{left}\" y=\"{:.1}\" width=\"{bw:.1}\" height=\"{}\" rx=\"3\" fill=\"{colour}\"/><text class=\"muted\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            left - 8.0,
            y + 19.0,
            esc(name),
            y + 4.0,
            row - 8.0,
            left + bw + 6.0,
            y + 19.0,
            esc(text)
        );
    }
    out.push_str("</svg>");
}

/// SLA achievement per category: for each metric a bar split into achieved and breached.
fn sla_chart(out: &mut String, p: &PeriodView) {
    let (w, row, left, right) = (980.0, 26.0, 260.0, 130.0);
    let lines: Vec<(String, &str, &ShareView)> = p
        .sla_by_category
        .iter()
        .flat_map(|c| {
            let name = name_or(&c.category, "(none)");
            [
                (name.clone(), "first response", &c.first_response),
                (name, "resolution", &c.resolution),
            ]
        })
        .filter(|(_, _, s)| s.achieved + s.breached > 0)
        .collect();
    if lines.is_empty() {
        out.push_str("<p class=\"none\">No SLA clock was settled in this period.</p>");
        return;
    }
    let h = row * lines.len() as f64 + 10.0;
    let pw = w - left - right;
    let _ = write!(
        out,
        "<svg role=\"img\" aria-label=\"SLA achievement per category\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">"
    );
    for (i, (name, metric, s)) in lines.iter().enumerate() {
        let y = 5.0 + row * i as f64;
        let total = (s.achieved + s.breached) as f64;
        let aw = pw * s.achieved as f64 / total;
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{} · {}</text><rect x=\"{left}\" y=\"{:.1}\" width=\"{aw:.1}\" height=\"{}\" fill=\"{ACHIEVED}\"/><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{}\" fill=\"{BREACHED}\"/><text class=\"muted\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            left - 8.0,
            y + 17.0,
            esc(name),
            metric,
            y + 3.0,
            row - 6.0,
            left + aw,
            y + 3.0,
            pw - aw,
            row - 6.0,
            left + pw + 8.0,
            y + 17.0,
            esc(&share_text(s))
        );
    }
    out.push_str("</svg>");
}

pub fn page(v: &ReportView) -> String {
    let mut out = String::with_capacity(32 * 1024);
    let title = match &v.period {
        Some(p) => format!("{}: report {} to {}", v.helpdesk, p.since, p.until),
        None => format!("{}: report", v.helpdesk),
    };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{CSS}</style></head><body><main>",
        esc(&title)
    );
    let _ = write!(
        out,
        "<h1>{}</h1><p class=\"sub\">Made by tiketti at {} · days in {} · figures defined in docs/reports.md</p>",
        esc(&title),
        esc(&v.now.at),
        esc(&v.time_zone)
    );
    let n = &v.now;
    out.push_str("<h2>Open now</h2><div class=\"cards\">");
    card(&mut out, &n.open.to_string(), "open tickets");
    card(&mut out, &n.unassigned.to_string(), "unassigned");
    card(&mut out, &n.overdue.to_string(), "overdue");
    card(
        &mut out,
        &n.sla_breached.to_string(),
        "breaching an SLA target",
    );
    out.push_str("</div><div class=\"cols\">");
    counts_table(&mut out, "Assignee", "(unassigned)", &n.by_assignee);
    counts_table(&mut out, "Status", "", &n.by_status);
    counts_table(&mut out, "Group", "(none)", &n.by_group);
    counts_table(&mut out, "Category", "(none)", &n.by_category);
    counts_table(&mut out, "Priority", "(none)", &n.by_priority);
    out.push_str("</div>");
    if let Some(p) = &v.period {
        let t = &p.totals;
        let _ = write!(
            out,
            "<h2>{} to {}</h2><div class=\"cards\">",
            esc(&p.since),
            esc(&p.until)
        );
        card(&mut out, &t.created.to_string(), "created");
        card(&mut out, &t.solved.to_string(), "solved");
        card(&mut out, &t.reopened.to_string(), "reopened");
        let dur = |s: Option<i64>| s.map(format_duration).unwrap_or_else(|| "-".into());
        card(
            &mut out,
            &dur(t.first_response.median_seconds),
            "first response, median",
        );
        card(
            &mut out,
            &dur(t.resolution.median_seconds),
            "resolution, median",
        );
        card(&mut out, &share_text(&t.sla.all), "SLA achieved");
        out.push_str("</div>");
        out.push_str(
            "<h2>Backlog per day</h2><p class=\"sub\">Open tickets at the end of each day.</p>",
        );
        backlog_chart(&mut out, p);
        out.push_str("<h2>Handling time per agent</h2><p class=\"sub\">Hours tickets were new or open while assigned to the agent.</p>");
        let rows: Vec<(String, f64, String)> = p
            .handling_by_agent
            .iter()
            .map(|h| {
                (
                    name_or(&h.agent, "(unassigned)"),
                    h.seconds as f64 / 3600.0,
                    format!("{:.1} h", h.seconds as f64 / 3600.0),
                )
            })
            .collect();
        bar_rows(&mut out, "Handling time per agent", &rows, HANDLING);
        out.push_str("<h2>SLA achievement per category</h2><p class=\"sub\">Clocks settled in the period: achieved (green) and breached (red).</p>");
        sla_chart(&mut out, p);
        if let Some(by) = p.by {
            let _ = write!(
                out,
                "<h2>By {}</h2><table><tr><th>{}</th><th>Created</th><th>Solved</th><th>Reopened</th><th>First response (median)</th><th>Resolution (median)</th><th>SLA</th><th>Handling</th></tr>",
                by.as_str(),
                capitalised(by.as_str())
            );
            for r in &p.rows {
                let _ = write!(
                    out,
                    "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                    esc(&name_or(&r.key, "(none)")),
                    r.created,
                    r.solved,
                    r.reopened,
                    dur(r.first_response.median_seconds),
                    dur(r.resolution.median_seconds),
                    esc(&share_text(&r.sla.all)),
                    format_duration(r.handling_seconds)
                );
            }
            out.push_str("</table>");
        }
        out.push_str("<h2>SLA breaches</h2>");
        if p.breaches.is_empty() {
            out.push_str("<p class=\"none\">None.</p>");
        } else {
            out.push_str("<table><tr><th>Ticket</th><th>Target</th><th>Due</th><th>Stopped</th><th>Assignee</th><th>Subject</th></tr>");
            for b in &p.breaches {
                let _ = write!(
                    out,
                    "<tr><td>{}</td><td>{} {} {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(&b.id),
                    b.clock.metric.label(),
                    format_duration(b.clock.target_seconds),
                    b.clock.hours,
                    esc(b.clock.due.as_deref().unwrap_or("-")),
                    esc(b.clock.stopped.as_deref().unwrap_or("open")),
                    esc(&name_or(&b.assignee, "-")),
                    esc(&b.subject)
                );
            }
            out.push_str("</table>");
        }
    }
    if !n.oldest.is_empty() {
        out.push_str("<h2>Oldest open tickets</h2><table><tr><th>Ticket</th><th>Created</th><th>Status</th><th>Assignee</th><th>Subject</th></tr>");
        for o in &n.oldest {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&o.id),
                esc(&o.created),
                esc(&o.status),
                esc(&name_or(&o.assignee, "-")),
                esc(&o.subject)
            );
        }
        out.push_str("</table>");
    }
    out.push_str("</main></body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_axes() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(7.0), 10.0);
        assert_eq!(nice_max(13.0), 20.0);
        assert_eq!(nice_max(40.0), 50.0);
        assert_eq!(nice_max(100.0), 100.0);
    }
}
