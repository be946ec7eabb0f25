//! `tiketti search`: full-text search over tickets' subjects, descriptions, messages and
//! notes, with the filters of `list`, ranked, each result with the line that matched.
//!
//! The events' text comes from the events cache (`store::events_cache`): one folded
//! buffer per segment, scanned for each word with a SIMD substring search; the hits map
//! back to tickets through the segment's ordered ticket table. Subjects and descriptions
//! come from the tickets as `list` reads them. Only the tickets shown have their event
//! files read again, to show the matching line as it was written.

use std::io::Write;

use memchr::memmem;
use serde::Serialize;

use crate::commands::list::{self, FilterArgs, TicketView};
use crate::commands::{cache_progress, open};
use crate::ctx::Ctx;
use crate::error::{UserError, exit};
use crate::render::{self, Format};
use crate::store::Repo;
use crate::store::events_cache::{CachedTicket, EventsCache, Need, SEPARATOR, Segment, fold};
use crate::ticket::{Event, Ticket, format_time};

/// Find tickets by the words in them, best match first.
///
/// Searches each ticket's subject and description and the subjects and text of its
/// messages and notes (internal notes too, marked as internal), ignoring case and line
/// breaks. Several TEXT arguments must all occur in a ticket, anywhere in it; a quoted
/// "two words" is one phrase. Attachments and the raw copies of messages (raw/*.eml) are
/// not searched. The filters are those of `list` and combine with the words.
///
/// Ranking: 10 points for each time a word occurs in the ticket's subject, 1 for each time
/// it occurs anywhere else; the most points first, and among equals the ticket with the
/// latest activity (its newest event or its creation). Each result shows the first line
/// that matched: in the description, else in the messages and notes (oldest first), else
/// the subject. Exits 1 when nothing matches.
#[derive(Debug, Clone, clap::Args)]
pub struct SearchArgs {
    /// Words or quoted phrases that must all occur in a ticket
    #[arg(value_name = "TEXT", required_unless_present = "reindex")]
    pub text: Vec<String>,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// At most N tickets; 0 for all
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Read every event file again into the search cache (after an event file was edited
    /// in place by hand); with no TEXT, only that
    #[arg(long)]
    pub reindex: bool,
}

/// Where a ticket matched first, as shown.
#[derive(Debug, Clone, Serialize)]
pub struct MatchView {
    /// `subject`, `description` or `event`.
    #[serde(rename = "in")]
    pub place: &'static str,
    pub event: Option<EventRef>,
    /// The line, trimmed, cut around the match when long.
    pub line: String,
}

/// The event a match is in.
#[derive(Debug, Clone, Serialize)]
pub struct EventRef {
    pub id: Option<String>,
    pub kind: String,
    pub author: Option<String>,
    pub at: String,
    pub internal: bool,
    /// Path from the helpdesk root.
    pub file: String,
}

/// One result: the ticket, its score, and its first matching line.
#[derive(Debug, Clone, Serialize)]
pub struct ResultView {
    pub ticket: TicketView,
    pub score: u64,
    /// How many times the words occur in the ticket, all places together.
    pub hits: u64,
    #[serde(rename = "match")]
    pub matched: MatchView,
}

/// How often each word occurs in one ticket.
#[derive(Debug, Clone, Default)]
struct Hits {
    subject: Vec<u64>,
    description: Vec<u64>,
    events: Vec<u64>,
    /// The first hit in the events' text (offset within the ticket's text).
    first_event_hit: Option<usize>,
}

impl Hits {
    fn new(words: usize) -> Hits {
        Hits {
            subject: vec![0; words],
            description: vec![0; words],
            events: vec![0; words],
            first_event_hit: None,
        }
    }

    fn all_words(&self) -> bool {
        (0..self.subject.len()).all(|i| self.subject[i] + self.description[i] + self.events[i] > 0)
    }

    fn score(&self) -> u64 {
        10 * self.subject.iter().sum::<u64>()
            + self.description.iter().sum::<u64>()
            + self.events.iter().sum::<u64>()
    }

    fn total(&self) -> u64 {
        self.subject
            .iter()
            .chain(&self.description)
            .chain(&self.events)
            .sum()
    }
}

/// The words as searched: folded like the text. An empty one is a usage error.
fn words(text: &[String]) -> anyhow::Result<Vec<String>> {
    text.iter()
        .map(|t| {
            let mut w = Vec::new();
            fold(t, &mut w);
            if w.is_empty() {
                Err(UserError::new(format!("{t:?} is not a word to search for"))
                    .hint("give words or a quoted phrase: tiketti search printer \"paper jam\"")
                    .code(exit::USAGE)
                    .into())
            } else {
                Ok(String::from_utf8_lossy(&w).into_owned())
            }
        })
        .collect()
}

/// Where each searched ticket is in the cache, and the other way round: (segment, row)
/// per ticket, and per segment the ticket of each row. One walk, as both are in ID order.
type Places = (Vec<Option<(usize, usize)>>, Vec<Vec<Option<usize>>>);

fn places(cache: &EventsCache, tickets: &[Ticket]) -> Places {
    let mut order: Vec<(&str, usize)> = tickets
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    order.sort_unstable();
    let mut of_ticket = vec![None; tickets.len()];
    let mut next = order.iter().peekable();
    let of_row = cache
        .segments
        .iter()
        .enumerate()
        .map(|(s, segment)| {
            segment
                .tickets
                .iter()
                .enumerate()
                .map(|(r, row)| {
                    while next.next_if(|(id, _)| *id < row.id.as_str()).is_some() {}
                    let (_, i) = next.next_if(|(id, _)| *id == row.id.as_str())?;
                    of_ticket[*i] = Some((s, r));
                    Some(*i)
                })
                .collect()
        })
        .collect();
    (of_ticket, of_row)
}

/// Count every word in every segment's event text, for the searched tickets.
fn scan_events(
    cache: &EventsCache,
    words: &[String],
    of_row: &[Vec<Option<usize>>],
    hits: &mut [Hits],
) {
    let finders: Vec<memmem::Finder<'_>> = words
        .iter()
        .map(|w| memmem::Finder::new(w.as_bytes()))
        .collect();
    let segments: Vec<(&Segment, &Vec<Option<usize>>)> =
        cache.segments.iter().zip(of_row).collect();
    let found = par_chunks(&segments, |part| {
        let mut out: Vec<(usize, usize, usize)> = Vec::new();
        for (segment, rows) in part {
            let text = segment.text();
            for (w, finder) in finders.iter().enumerate() {
                let mut r = 0;
                for pos in finder.find_iter(text) {
                    let tickets = &segment.tickets;
                    while r < tickets.len() && tickets[r].text.end <= pos {
                        r += 1;
                    }
                    let Some(ticket) = tickets.get(r) else { break };
                    if let Some(Some(i)) = rows.get(r) {
                        out.push((*i, w, pos - ticket.text.start));
                    }
                }
            }
        }
        out
    });
    for (i, w, at) in found.into_iter().flatten() {
        let h = &mut hits[i];
        h.events[w] += 1;
        h.first_event_hit = Some(h.first_event_hit.map_or(at, |f| f.min(at)));
    }
}

/// `f` over `items` cut in one part per core, the results in order.
fn par_chunks<T: Sync, R: Send>(items: &[T], f: impl Fn(&[T]) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let chunk = items.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| s.spawn(|| f(part)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// Count the words in the tickets' subjects and descriptions, on every core.
fn scan_tickets(tickets: &[Ticket], words: &[String], hits: &mut [Hits]) {
    let finders: Vec<memmem::Finder<'_>> = words
        .iter()
        .map(|w| memmem::Finder::new(w.as_bytes()))
        .collect();
    let counted = par_chunks(tickets, |part| {
        let mut folded = Vec::new();
        let mut count = |text: &str| -> Vec<u64> {
            folded.clear();
            fold(text, &mut folded);
            finders
                .iter()
                .map(|f| f.find_iter(&folded).count() as u64)
                .collect()
        };
        part.iter()
            .map(|t| (count(&t.subject), count(&t.doc.body)))
            .collect::<Vec<_>>()
    });
    for (h, (subject, description)) in hits.iter_mut().zip(counted.into_iter().flatten()) {
        h.subject = subject;
        h.description = description;
    }
}

/// The first line of `text` where a word occurs: (the line, whitespace collapsed, and
/// the character where the match starts in it). Lines are joined as [`fold`] joins
/// them, so a phrase broken over two lines is found in the line where it starts.
fn first_line(text: &str, words: &[String]) -> Option<(String, usize)> {
    let mut folded = Vec::new();
    let mut starts: Vec<(usize, &str)> = Vec::new();
    for line in text.lines() {
        let before = folded.len();
        if before > 0 {
            folded.push(b' ');
        }
        let start = folded.len();
        fold(line, &mut folded);
        if folded.len() == start {
            folded.truncate(before);
        } else {
            starts.push((start, line));
        }
    }
    let pos = words
        .iter()
        .filter_map(|w| memmem::find(&folded, w.as_bytes()))
        .min()?;
    let i = starts.partition_point(|(s, _)| *s <= pos) - 1;
    let (start, line) = starts[i];
    let at = String::from_utf8_lossy(&folded[start..pos]).chars().count();
    let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
    Some((line, at))
}

/// At most `width` characters of `line` around character `at`, with … where cut (at a
/// space when there is one near).
fn around(line: &str, at: usize, width: usize) -> String {
    const NEAR: usize = 12;
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= width {
        return line.to_string();
    }
    let at = at.min(chars.len());
    // A third of the width before the match, unless the end of the line is that near.
    let mut start = at.saturating_sub(width / 3).min(chars.len() - width);
    let lead = start > 0;
    if lead && !chars[start - 1].is_whitespace() {
        let look = &chars[start..at.min(start + NEAR).max(start)];
        start += look
            .iter()
            .position(|c| c.is_whitespace())
            .map_or(1, |k| k + 1);
    }
    let mut end = (start + width - usize::from(lead)).min(chars.len());
    let trail = end < chars.len();
    if trail {
        end -= 1;
        let from = end.saturating_sub(NEAR).max(at + 1).min(end);
        if let Some(k) = chars[from..end].iter().rposition(|c| c.is_whitespace()) {
            end = from + k;
        }
    }
    let mut s: String = chars[start..end].iter().collect();
    if lead {
        s.insert(0, '…');
    }
    if trail {
        s.push('…');
    }
    s
}

const LINE_WIDTH: usize = 80;

/// Where a ticket's first match is, as shown: the description, else the first event
/// (oldest first) whose text has a match, else the first whose subject has one (read
/// from its file, so the line is shown as written), else the ticket's subject.
fn locate(
    repo: &Repo,
    ticket: &Ticket,
    cached: Option<(&Segment, &CachedTicket)>,
    hits: &Hits,
    words: &[String],
) -> MatchView {
    if hits.description.iter().any(|&n| n > 0)
        && let Some((line, at)) = first_line(&ticket.doc.body, words)
    {
        return MatchView {
            place: "description",
            event: None,
            line: around(&line, at, LINE_WIDTH),
        };
    }
    if let Some(first) = hits.first_event_hit {
        let events: Vec<(String, Event)> = repo
            .read_events(&ticket.id)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(file, e)| Some((file, e.ok()?)))
            .collect();
        // Bodies before subjects: a message's subject mostly repeats the ticket's.
        let subject = |e: &Event| e.doc.get_str("subject").ok().flatten().unwrap_or_default();
        let found = events
            .iter()
            .find_map(|(f, e)| Some((f, e, first_line(e.body(), words)?)))
            .or_else(|| {
                events
                    .iter()
                    .find_map(|(f, e)| Some((f, e, first_line(&subject(e), words)?)))
            });
        if let Some((file, e, (line, at))) = found {
            return MatchView {
                place: "event",
                event: Some(EventRef {
                    id: Some(e.id.clone()),
                    kind: e.kind.clone(),
                    author: e.author.clone(),
                    at: format_time(e.at),
                    internal: e.is_internal(),
                    file: file.clone(),
                }),
                line: around(&line, at, LINE_WIDTH),
            };
        }
        // The files changed since they were cached: the cached (folded) text it is.
        if let Some((segment, t)) = cached
            && let Some(text) = segment.text().get(t.text.clone())
        {
            let end = text[first..]
                .iter()
                .position(|&b| b == SEPARATOR)
                .map_or(text.len(), |n| first + n);
            let start = text[..first]
                .iter()
                .rposition(|&b| b == SEPARATOR)
                .map_or(0, |n| n + 1);
            let line = String::from_utf8_lossy(&text[start..end]).replace('\n', " ");
            let at = String::from_utf8_lossy(&text[start..first]).chars().count();
            return MatchView {
                place: "event",
                event: None,
                line: around(&line, at, LINE_WIDTH),
            };
        }
    }
    let (line, at) = first_line(&ticket.subject, words).unwrap_or((ticket.subject.clone(), 0));
    MatchView {
        place: "subject",
        event: None,
        line: around(&line, at, LINE_WIDTH),
    }
}

/// `note by anna 2026-11-20 (internal)`, `subject`, `description`.
fn place_label(m: &MatchView) -> String {
    match &m.event {
        None => m.place.to_string(),
        Some(e) => {
            let mut s = format!(
                "{} by {} {}",
                e.kind,
                e.author.as_deref().unwrap_or("?"),
                e.at.get(..10).unwrap_or("")
            );
            if e.internal {
                s.push_str(" (internal)");
            }
            s
        }
    }
}

pub fn run(ctx: &Ctx, args: SearchArgs) -> anyhow::Result<i32> {
    let words = words(&args.text)?;
    let (repo, config) = open(ctx)?;
    let mut filter = list::resolve(ctx, &repo, &config, &args.filter)?;
    filter.descriptions = true;
    let mut ids = Vec::new();
    let tickets = filter.apply(ctx, &repo, &config, Some(&mut ids))?;
    let need = Need {
        text: !words.is_empty(),
        events: false,
        reindex: args.reindex,
    };
    let cache = repo.events_cache(ids, need, &cache_progress());
    if words.is_empty() {
        return Ok(exit::OK);
    }
    let (of_ticket, of_row) = places(&cache, &tickets);
    let mut hits = vec![Hits::new(words.len()); tickets.len()];
    scan_events(&cache, &words, &of_row, &mut hits);
    scan_tickets(&tickets, &words, &mut hits);
    let cached =
        |i: usize| of_ticket[i].map(|(s, r)| (&cache.segments[s], &cache.segments[s].tickets[r]));
    for (i, t) in tickets.iter().enumerate() {
        if cached(i).is_some_and(|(_, c)| c.broken) {
            warn_broken(&repo, t);
        }
    }
    let mut found: Vec<(usize, u64, i64)> = hits
        .iter()
        .enumerate()
        .filter(|(_, h)| h.all_words())
        .map(|(i, h)| {
            let last = cached(i).map_or(i64::MIN, |(_, c)| c.last_at);
            (i, h.score(), last.max(tickets[i].created.timestamp()))
        })
        .collect();
    found.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(b.2.cmp(&a.2))
            .then(tickets[a.0].id.cmp(&tickets[b.0].id))
    });
    let total = found.len();
    if args.limit > 0 {
        found.truncate(args.limit);
    }
    let views: Vec<ResultView> = found
        .iter()
        .map(|&(i, score, _)| ResultView {
            ticket: TicketView::new(&tickets[i], &config, ctx.now),
            score,
            hits: hits[i].total(),
            matched: locate(&repo, &tickets[i], cached(i), &hits[i], &words),
        })
        .collect();
    if views.len() < total {
        eprintln!(
            "{} of {total} matching tickets shown; --limit {total} shows them all",
            views.len()
        );
    }
    print(&mut std::io::stdout().lock(), &views, args.format)?;
    Ok(if views.is_empty() {
        exit::ERROR
    } else {
        exit::OK
    })
}

/// Name the event files of a searched ticket that could not be read.
fn warn_broken(repo: &Repo, ticket: &Ticket) {
    for (_, event) in repo.read_events(&ticket.id).unwrap_or_default() {
        if let Err(e) = event {
            eprintln!("warning: {e}");
        }
    }
}

pub fn print(out: &mut dyn Write, views: &[ResultView], format: Format) -> std::io::Result<()> {
    match format {
        Format::Json => render::json(out, "results", &views),
        Format::Ids => views
            .iter()
            .try_for_each(|v| writeln!(out, "{}", v.ticket.id)),
        Format::Csv => {
            let rows: Vec<Vec<String>> = views
                .iter()
                .map(|v| {
                    let m = &v.matched;
                    vec![
                        v.ticket.id.clone(),
                        v.score.to_string(),
                        v.hits.to_string(),
                        v.ticket.status.clone(),
                        v.ticket.assignee.clone().unwrap_or_default(),
                        v.ticket.subject.clone(),
                        place_label(m),
                        m.event.as_ref().map(|e| e.file.clone()).unwrap_or_default(),
                        m.event.as_ref().is_some_and(|e| e.internal).to_string(),
                        m.line.clone(),
                    ]
                })
                .collect();
            render::csv(
                out,
                &[
                    "id", "score", "hits", "status", "assignee", "subject", "where", "event",
                    "internal", "line",
                ],
                &rows,
            )
        }
        Format::Table => {
            if views.is_empty() {
                eprintln!("no tickets match");
                return Ok(());
            }
            let width = |f: &dyn Fn(&ResultView) -> usize| views.iter().map(f).max().unwrap_or(0);
            let status_w = width(&|v| v.ticket.status.chars().count());
            let who_w = width(&|v| v.ticket.assignee.as_deref().unwrap_or("-").chars().count());
            for v in views {
                writeln!(
                    out,
                    "{}  {:<status_w$}  {:<who_w$}  {}",
                    v.ticket.id,
                    v.ticket.status,
                    v.ticket.assignee.as_deref().unwrap_or("-"),
                    render::truncate(&v.ticket.subject, 60)
                )?;
                writeln!(
                    out,
                    "          {}: {}",
                    place_label(&v.matched),
                    v.matched.line
                )?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(words: &[&str]) -> Vec<String> {
        words.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_first_line_with_a_word_is_found_as_written() {
        let text = "Hello,\n\nthe  PRINTER is\non fire.\nAnother printer.\n";
        assert_eq!(
            first_line(text, &w(&["printer"])),
            Some(("the PRINTER is".into(), 4))
        );
        // A phrase over a line break is found in the line where it starts.
        assert_eq!(
            first_line(text, &w(&["is on fire"])),
            Some(("the PRINTER is".into(), 12))
        );
        assert_eq!(first_line(text, &w(&["toner"])), None);
        // One-character lines are lines too.
        assert_eq!(first_line("a\nb\n", &w(&["b"])), Some(("b".into(), 0)));
        assert_eq!(first_line("a\nb\n", &w(&["a b"])), Some(("a".into(), 0)));
        // The earliest of several words.
        assert_eq!(
            first_line(text, &w(&["another", "hello"])),
            Some(("Hello,".into(), 0))
        );
    }

    #[test]
    fn long_lines_are_cut_around_the_match() {
        let line = "a".repeat(50) + "MATCH" + &"b".repeat(50);
        let cut = around(&line, 50, 40);
        assert_eq!(cut.chars().count(), 40);
        assert_eq!(
            around("one two three four five six seven eight nine ten", 20, 20),
            "…four five six…"
        );
        assert!(cut.starts_with('…') && cut.ends_with('…'), "{cut}");
        assert!(cut.contains("MATCH"), "{cut}");
        assert_eq!(around("short", 2, 40), "short");
        let end = around(&line, 100, 40);
        assert!(end.ends_with("bbb") && end.starts_with('…'), "{end}");
        assert_eq!(end.chars().count(), 40);
        let start = around(&line, 0, 40);
        assert!(start.starts_with("aaa") && start.ends_with('…'), "{start}");
        assert_eq!(start.chars().count(), 40);
    }

    #[test]
    fn subject_hits_weigh_ten() {
        let mut a = Hits::new(2);
        a.subject = vec![1, 0];
        a.events = vec![0, 3];
        assert!(a.all_words());
        assert_eq!((a.score(), a.total()), (13, 4));
        a.events = vec![0, 0];
        assert!(!a.all_words());
    }

    #[test]
    fn empty_words_are_refused() {
        assert_eq!(words(&w(&["Ä  B"])).unwrap(), w(&["ä b"]));
        assert!(words(&w(&["ok", "  "])).is_err());
    }
}
