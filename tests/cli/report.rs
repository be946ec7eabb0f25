//! `tiketti report`, and the SLA parts of `show`, `list` and `remind`, on a helpdesk whose
//! history is made command by command at pinned times (and one hand edit committed with
//! plain git). docs/reports.md defines the figures checked here.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::common::*;

/// Business hours Mon–Fri 08:00–16:00 UTC, Thursday 2026-11-26 a holiday. Quote requests
/// must be answered within 4 business hours; everything else within 8, and solved within
/// 16 business hours, not counting time pending.
const SLA: &str = "
sla:
  time_zone: UTC
  business_hours:
    mon-fri: 08:00-16:00
  holidays: [2026-11-26]
  pause_on: [pending, on-hold]
  targets:
    - name: quotes
      category: quote-request
      first_response: 4h
      hours: business
    - name: default
      first_response: 8h
      resolution: 16h
      hours: business
      pause: true
";

/// A helpdesk with a second agent (bo) and the SLA section, committed.
fn sla_desk() -> TestRepo {
    let repo = TestRepo::quiet();
    let config = repo.read("tiketti.yaml").replace(
        "    email: anna@example.com\n",
        "    email: anna@example.com\n  - id: bo\n    name: Bo Berg\n    email: bo@example.com\n",
    );
    repo.write("tiketti.yaml", &format!("{config}{SLA}"));
    repo.git(&["commit", "-q", "-a", "-m", "SLA targets"]);
    repo
}

fn at(repo: &TestRepo, when: &str, args: &[&str]) -> String {
    repo.run_with(args, &[("TIKETTI_NOW", when)], None)
        .ok()
        .to_string()
}

/// Plain git with pinned dates: a hand edit committed outside tiketti.
fn git_at(repo: &TestRepo, when: &str, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(&repo.root)
        .env("HOME", &repo.home)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Hand Editor")
        .env("GIT_AUTHOR_EMAIL", "hand@example.com")
        .env("GIT_COMMITTER_NAME", "Hand Editor")
        .env("GIT_COMMITTER_EMAIL", "hand@example.com")
        .env("GIT_AUTHOR_DATE", when)
        .env("GIT_COMMITTER_DATE", when)
        .output()
        .expect("git");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The fixed history (2026-11-23 is a Monday; all times UTC):
///
/// - Q, a quote request from Matti: created Mon 08:00, assigned to anna 09:00, replied
///   10:00, pending 11:00–14:00, solved 15:00; reopened Tue 09:00, reassigned to bo
///   10:00, solved 11:00.
/// - C, a question: created Mon 12:00, never assigned or answered; solved Wed 13:00 by a
///   hand edit committed with plain git.
struct Desk {
    repo: TestRepo,
    q: String,
    c: String,
}

fn desk() -> Desk {
    let repo = sla_desk();
    let q = at(
        &repo,
        "2026-11-23T08:00:00Z",
        &[
            "new",
            "--subject",
            "Quote for 40 chairs",
            "--category",
            "quote-request",
            "--requester",
            "Matti <matti@example.com>",
            "-m",
            "Price?",
        ],
    );
    at(&repo, "2026-11-23T09:00:00Z", &["assign", &q, "anna"]);
    at(
        &repo,
        "2026-11-23T10:00:00Z",
        &["reply", &q, "-m", "Working on it.", "--queue"],
    );
    at(&repo, "2026-11-23T11:00:00Z", &["status", &q, "pending"]);
    let c = at(
        &repo,
        "2026-11-23T12:00:00Z",
        &[
            "new",
            "--subject",
            "Broken chair",
            "--category",
            "question",
            "-m",
            "It broke.",
        ],
    );
    at(&repo, "2026-11-23T14:00:00Z", &["status", &q, "open"]);
    at(&repo, "2026-11-23T15:00:00Z", &["solve", &q]);
    at(&repo, "2026-11-24T09:00:00Z", &["reopen", &q]);
    at(&repo, "2026-11-24T10:00:00Z", &["assign", &q, "bo"]);
    at(&repo, "2026-11-24T11:00:00Z", &["solve", &q]);
    let path = format!("tickets/{}/{c}/ticket.md", &c[..2]);
    let text = repo
        .read(&path)
        .replace("status: new\n", "status: solved\n");
    repo.write(&path, &text);
    git_at(
        &repo,
        "2026-11-25T13:00:00Z",
        &["commit", "-q", "-a", "-m", "C solved by hand"],
    );
    Desk { repo, q, c }
}

const NOW: &str = "2026-11-26T12:00:00Z";

fn json(repo: &TestRepo, when: &str, args: &[&str]) -> Value {
    let mut all = vec!["report", "--format", "json"];
    all.extend_from_slice(args);
    serde_json::from_str(&at(repo, when, &all)).expect("JSON")
}

fn hours(v: &Value) -> f64 {
    v.as_f64().expect("a number") / 3600.0
}

#[test]
fn period_figures_match_the_hand_computed_history() {
    let d = desk();
    let r = json(
        &d.repo,
        NOW,
        &["--since", "2026-11-23", "--until", "2026-11-26"],
    );
    let doc = r.as_object().unwrap();
    assert_eq!(
        doc.keys().next().map(String::as_str),
        Some("schema_version")
    );
    let t = &r["period"]["totals"];
    assert_eq!(
        (&t["created"], &t["solved"], &t["reopened"]),
        (&Value::from(2), &Value::from(2), &Value::from(1))
    );
    // First response: Q replied after 2h. C never answered.
    assert_eq!(t["first_response"]["count"], 1);
    assert_eq!(hours(&t["first_response"]["median_seconds"]), 2.0);
    // Resolution: Q open Mon 08–15 and Tue 09–11 = 9h (the solved night does not
    // count); C Mon 12:00 to Wed 13:00 = 49h. Mean and median 29h; p90 by linear
    // interpolation 9 + 0.9 × 40 = 45h.
    assert_eq!(t["resolution"]["count"], 2);
    assert_eq!(hours(&t["resolution"]["mean_seconds"]), 29.0);
    assert_eq!(hours(&t["resolution"]["median_seconds"]), 29.0);
    assert_eq!(hours(&t["resolution"]["p90_seconds"]), 45.0);
    // SLA: Q's first response (2 of 4 business hours) and resolution (Mon 08–11, 14–15,
    // Tue 09–11 = 6 of 16, pending paused) achieved; C's first response (8 business hours
    // were up Tue 12:00) and resolution (16 up Wed 12:00) breached.
    assert_eq!(t["sla"]["all"]["achieved"], 2);
    assert_eq!(t["sla"]["all"]["breached"], 2);
    assert_eq!(t["sla"]["all"]["share"], 0.5);
    let breaches: Vec<(String, String, String)> = r["period"]["breaches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["id"].as_str().unwrap().to_string(),
                b["metric"].as_str().unwrap().to_string(),
                b["due"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        breaches,
        vec![
            (
                d.c.clone(),
                "first-response".into(),
                "2026-11-24T12:00:00Z".into()
            ),
            (
                d.c.clone(),
                "resolution".into(),
                "2026-11-25T12:00:00Z".into()
            ),
        ]
    );
    // Backlog at the end of each day: Mon C (Q solved at 15:00), Tue C, Wed none, Thu
    // (today, at 12:00) none.
    let backlog: Vec<u64> = r["period"]["backlog"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["open"].as_u64().unwrap())
        .collect();
    assert_eq!(backlog, vec![1, 1, 0, 0]);
    // Working time: Q unassigned Mon 08–09, anna 09–11 and 14–15 and Tue 09–10, bo Tue
    // 10–11; C unassigned for 49h.
    let handling: Vec<(Option<String>, f64)> = r["period"]["handling_by_agent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["agent"].as_str().map(str::to_string),
                hours(&h["seconds"]),
            )
        })
        .collect();
    assert_eq!(
        handling,
        vec![
            (Some("anna".into()), 4.0),
            (Some("bo".into()), 1.0),
            (None, 50.0)
        ]
    );
}

#[test]
fn figures_by_agent_follow_reassignment() {
    let d = desk();
    let r = json(
        &d.repo,
        NOW,
        &[
            "--since",
            "2026-11-23",
            "--until",
            "2026-11-26",
            "--by",
            "agent",
        ],
    );
    let rows = r["period"]["rows"].as_array().unwrap();
    let row = |key: Option<&str>| {
        rows.iter()
            .find(|r| r["key"].as_str() == key)
            .unwrap_or_else(|| panic!("no row {key:?}"))
    };
    let (anna, bo, none) = (row(Some("anna")), row(Some("bo")), row(None));
    // Both tickets were unassigned when created.
    assert_eq!((&anna["created"], &none["created"]), (&0.into(), &2.into()));
    // The reply and the reopen happened while anna had Q; the final solve was bo's.
    assert_eq!(anna["first_response"]["count"], 1);
    assert_eq!(anna["reopened"], 1);
    assert_eq!(
        (&bo["solved"], &bo["resolution"]["count"]),
        (&1.into(), &1.into())
    );
    assert_eq!(hours(&bo["resolution"]["median_seconds"]), 9.0);
    assert_eq!(anna["sla"]["all"]["achieved"], 1);
    assert_eq!(bo["sla"]["all"]["achieved"], 1);
    assert_eq!(none["sla"]["all"]["breached"], 2);
    assert_eq!(hours(&anna["handling_seconds"]), 4.0);

    let table = at(
        &d.repo,
        NOW,
        &[
            "report",
            "--since",
            "2026-11-23",
            "--until",
            "2026-11-26",
            "--by",
            "agent",
        ],
    );
    assert!(
        table.contains("Period 2026-11-23 to 2026-11-26 (UTC)"),
        "{table}"
    );
    assert!(table.contains("created 2, solved 2, reopened 1"), "{table}");
    assert!(
        table.contains("resolution: 2 ticket(s), mean 1d 5h, median 1d 5h, 90th percentile 1d 21h"),
        "{table}"
    );
    assert!(table.contains("SLA breaches"), "{table}");
    let csv = at(
        &d.repo,
        NOW,
        &[
            "report",
            "--since",
            "2026-11-23",
            "--until",
            "2026-11-26",
            "--by",
            "agent",
            "--format",
            "csv",
        ],
    );
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("since,until,by,key,created,solved,reopened,"));
    assert!(
        lines.iter().any(|l| l.starts_with(
            "2026-11-23,2026-11-26,agent,bo,0,1,0,0,,,,1,9.00,9.00,9.00,1,0,1.0000,1.00"
        )),
        "{csv}"
    );
}

#[test]
fn the_now_report_lists_every_queue() {
    let d = desk();
    let repo = &d.repo;
    at(
        repo,
        "2026-11-26T09:00:00Z",
        &[
            "new",
            "--subject",
            "Invoice question",
            "--assignee",
            "anna",
            "-m",
            "x",
            "--due",
            "2026-11-25",
        ],
    );
    let r = json(repo, NOW, &[]);
    assert!(r["period"].is_null());
    let now = &r["now"];
    assert_eq!(
        (&now["open"], &now["unassigned"], &now["overdue"]),
        (&1.into(), &0.into(), &1.into())
    );
    let by = |k: &str| -> Vec<(Option<String>, u64)> {
        now[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["name"].as_str().map(str::to_string),
                    c["open"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    // Every agent's queue, bo's empty one too, and the unassigned.
    assert_eq!(
        by("by_assignee"),
        vec![(Some("anna".into()), 1), (Some("bo".into()), 0), (None, 0)]
    );
    assert_eq!(by("by_status")[0], (Some("new".into()), 1));
    assert_eq!(now["oldest"][0]["subject"], "Invoice question");
    let table = at(repo, NOW, &["report"]);
    assert!(
        table.starts_with("Open now: 1 (0 unassigned, 1 overdue, 0 breaching an SLA target)"),
        "{table}"
    );
    assert!(table.contains("bo            0"), "{table}");
    let csv = at(repo, NOW, &["report", "--format", "csv"]);
    assert!(
        csv.starts_with("dimension,name,open\r\ntotal,open,1\r\n"),
        "{csv:?}"
    );
    assert!(csv.contains("assignee,bo,0"), "{csv}");
}

#[test]
fn show_and_list_see_the_sla_clocks() {
    // C alone: created Mon 12:00, never answered.
    let repo = sla_desk();
    let c = at(
        &repo,
        "2026-11-23T12:00:00Z",
        &[
            "new",
            "--subject",
            "Broken chair",
            "--category",
            "question",
            "-m",
            "x",
        ],
    );
    // Tuesday 11:00: 7 of its 8 business hours for a first response used (Mon 12–16,
    // Tue 08–11); 7 of 16 for resolution.
    let when = "2026-11-24T11:00:00Z";
    let show = at(&repo, when, &["show", &c]);
    assert!(show.contains("\nSLA\n"), "{show}");
    assert!(
        show.contains(
            "first response  8h business, pauses        running   7h used, due 2026-11-24T12:00:00Z  (default)"
        ),
        "{show}"
    );
    assert!(
        show.contains("resolution      16h business, pauses       running   7h used, due 2026-11-25T12:00:00Z  (default)"),
        "{show}"
    );
    let v: Value =
        serde_json::from_str(&at(&repo, when, &["show", &c, "--format", "json"])).unwrap();
    assert_eq!(v["ticket"]["sla"][0]["outcome"], "running");
    assert_eq!(v["ticket"]["sla"][0]["elapsed_seconds"], 7 * 3600);

    let ids = |args: &[&str], when: &str| {
        let mut all = vec!["list", "--format", "ids"];
        all.extend_from_slice(args);
        at(&repo, when, &all)
    };
    assert_eq!(ids(&["--due-within", "1h"], when), c);
    assert_eq!(ids(&["--due-within", "30m"], when), "");
    assert_eq!(ids(&["--sla-breach"], when), "");
    // An hour later the first response is breached.
    assert_eq!(ids(&["--sla-breach"], "2026-11-24T13:00:00Z"), c);
    // Pending pauses both clocks (the target says `pause: true`): resolution stops at
    // 10h (Mon 12–16, Tue 08–14); the first response stays breached.
    at(&repo, "2026-11-24T14:00:00Z", &["status", &c, "pending"]);
    let show = at(&repo, "2026-11-24T15:00:00Z", &["show", &c]);
    assert!(
        show.contains("resolution      16h business, pauses       paused    10h used, paused"),
        "{show}"
    );
    assert!(
        show.contains("first response  8h business, pauses        breached"),
        "{show}"
    );
    // Solved: the breach stays; the ticket is no longer open.
    at(&repo, "2026-11-25T09:00:00Z", &["solve", &c]);
    assert_eq!(ids(&["--sla-breach"], NOW), c);
    assert_eq!(ids(&["--sla-breach", "--open"], NOW), "");
    let q = sla_desk_quote(&repo);
    let show = at(&repo, NOW, &["show", &q]);
    assert!(
        show.contains("achieved  2h used, stopped 2026-11-25T10:00:00Z  (quotes)"),
        "{show}"
    );
    let bad = repo.run(&["list", "--due-within", "soon"]);
    assert!(
        bad.fails(1)
            .contains("--due-within \"soon\" is not a length of time")
    );
}

/// A quote request that came in Wednesday 08:00 and was answered at 10:00.
fn sla_desk_quote(repo: &TestRepo) -> String {
    let q = at(
        repo,
        "2026-11-25T08:00:00Z",
        &[
            "new",
            "--subject",
            "Quote",
            "--category",
            "quote-request",
            "--requester",
            "matti@example.com",
            "-m",
            "x",
        ],
    );
    at(
        repo,
        "2026-11-25T10:00:00Z",
        &["reply", &q, "-m", "Soon.", "--queue"],
    );
    q
}

#[test]
fn remind_lists_sla_breaches() {
    let repo = sla_desk();
    let id = at(
        &repo,
        "2026-11-23T08:00:00Z",
        &[
            "new",
            "--subject",
            "Need help",
            "--assignee",
            "bo",
            "-m",
            "x",
        ],
    );
    // Monday 15:00: 7 of 8 hours used, due at 16:00 today.
    let out = at(&repo, "2026-11-23T15:00:00Z", &["remind", "--dry-run"]);
    assert!(out.contains("SLA due today"), "{out}");
    assert!(
        out.contains(&format!(
            "{id}  Need help  (first response due 2026-11-23T16:00:00Z, new, normal)"
        )),
        "{out}"
    );
    let out = at(&repo, "2026-11-24T07:00:00Z", &["remind", "--dry-run"]);
    assert!(out.contains("SLA breached"), "{out}");
}

#[test]
fn reports_need_a_valid_period_and_sla_section() {
    let d = desk();
    let repo = &d.repo;
    let r = repo.run(&["report", "--since", "yesterday"]);
    assert!(
        r.fails(1).contains("--since \"yesterday\" is not a date"),
        "{}",
        r.stderr
    );
    let r = repo.run(&["report", "--since", "2026-11-25", "--until", "2026-11-24"]);
    assert!(r.fails(1).contains("the period is empty"), "{}", r.stderr);
    let r = repo.run(&["report", "--by", "mood"]);
    r.fails(2);
    let config = repo.read("tiketti.yaml").replace(
        "\n      first_response: 4h",
        "\n      first_response: 4 hours",
    );
    repo.write("tiketti.yaml", &config);
    let line = config
        .lines()
        .position(|l| l == "      first_response: 4 hours")
        .unwrap()
        + 1;
    let r = repo.run(&["report"]);
    assert!(
        r.fails(1).contains(&format!(
            "tiketti.yaml:{line}: SLA target quotes: first_response: \"4 hours\" is not a length of time"
        )),
        "{}",
        r.stderr
    );
}

#[test]
fn the_timeline_cache_is_updated_incrementally_and_rebuilt_when_damaged() {
    let d = desk();
    let repo = &d.repo;
    let args = ["--since", "2026-11-23", "--until", "2026-11-26"];
    let first = json(repo, NOW, &args);
    let cache = repo.path(".git/tiketti/timelines");
    assert!(cache.is_file(), "the cache is written");
    // Not versioned, and the work tree stays clean.
    repo.assert_clean();
    // A new commit: only it is walked, and the figures include it.
    at(repo, "2026-11-26T10:00:00Z", &["reopen", &d.q]);
    let second = json(repo, NOW, &args);
    assert_eq!(second["period"]["totals"]["reopened"], 1, "Q counts once");
    assert_eq!(second["now"]["open"], 1);
    // Damaged: rebuilt from the whole history, same figures.
    std::fs::write(&cache, b"garbage").unwrap();
    assert_eq!(json(repo, NOW, &args), second);
    std::fs::remove_file(&cache).unwrap();
    assert_eq!(json(repo, NOW, &args), second);
    // History rewritten (the reopen amended away): the cache's head is no longer an
    // ancestor of HEAD, so it is rebuilt.
    git_at(
        repo,
        "2026-11-26T10:00:00Z",
        &["reset", "-q", "--hard", "HEAD~1"],
    );
    assert_eq!(json(repo, NOW, &args), first);
}

/// What Chromium drew: width, height and RGBA pixels of a PNG.
mod png {
    struct Bits<'a> {
        data: &'a [u8],
        pos: usize,
        bit: u32,
    }

    impl Bits<'_> {
        fn need(&mut self, n: u32) -> u32 {
            let mut v = 0;
            for i in 0..n {
                let byte = self.data[self.pos];
                v |= u32::from((byte >> self.bit) & 1) << i;
                self.bit += 1;
                if self.bit == 8 {
                    self.bit = 0;
                    self.pos += 1;
                }
            }
            v
        }
    }

    struct Huffman {
        count: [u16; 16],
        symbol: Vec<u16>,
    }

    impl Huffman {
        fn new(lengths: &[u8]) -> Huffman {
            let mut count = [0u16; 16];
            for &l in lengths {
                count[l as usize] += 1;
            }
            count[0] = 0;
            let mut offs = [0u16; 16];
            for i in 1..16 {
                offs[i] = offs[i - 1] + count[i - 1];
            }
            let mut symbol = vec![0u16; lengths.len()];
            for (s, &l) in lengths.iter().enumerate() {
                if l != 0 {
                    symbol[offs[l as usize] as usize] = s as u16;
                    offs[l as usize] += 1;
                }
            }
            Huffman { count, symbol }
        }

        fn decode(&self, b: &mut Bits<'_>) -> u16 {
            let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
            for len in 1..16 {
                code |= b.need(1) as i32;
                let count = i32::from(self.count[len]);
                if code - count < first {
                    return self.symbol[(index + code - first) as usize];
                }
                index += count;
                first = (first + count) << 1;
                code <<= 1;
            }
            panic!("bad Huffman code");
        }
    }

    const LBASE: [u16; 29] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115,
        131, 163, 195, 227, 258,
    ];
    const LEXT: [u8; 29] = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ];
    const DBASE: [u16; 30] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
        2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
    ];
    const DEXT: [u8; 30] = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12,
        13, 13,
    ];

    /// RFC 1951 inflate of a zlib stream (RFC 1950 header skipped, checksum not checked).
    fn inflate(zlib: &[u8]) -> Vec<u8> {
        let mut b = Bits {
            data: &zlib[2..],
            pos: 0,
            bit: 0,
        };
        let mut out: Vec<u8> = Vec::new();
        loop {
            let last = b.need(1);
            match b.need(2) {
                0 => {
                    if b.bit != 0 {
                        b.bit = 0;
                        b.pos += 1;
                    }
                    let len = u16::from_le_bytes([b.data[b.pos], b.data[b.pos + 1]]) as usize;
                    b.pos += 4;
                    out.extend_from_slice(&b.data[b.pos..b.pos + len]);
                    b.pos += len;
                }
                kind => {
                    let (lit, dist) =
                        if kind == 1 {
                            let mut l = [8u8; 288];
                            l[144..256].fill(9);
                            l[256..280].fill(7);
                            (Huffman::new(&l), Huffman::new(&[5u8; 30]))
                        } else {
                            let nlen = b.need(5) as usize + 257;
                            let ndist = b.need(5) as usize + 1;
                            let ncode = b.need(4) as usize + 4;
                            const ORDER: [usize; 19] = [
                                16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
                            ];
                            let mut cl = [0u8; 19];
                            for &o in ORDER.iter().take(ncode) {
                                cl[o] = b.need(3) as u8;
                            }
                            let clh = Huffman::new(&cl);
                            let mut lengths: Vec<u8> = Vec::new();
                            while lengths.len() < nlen + ndist {
                                match clh.decode(&mut b) {
                                    s @ 0..=15 => lengths.push(s as u8),
                                    16 => {
                                        let prev = *lengths.last().expect("a length to repeat");
                                        for _ in 0..3 + b.need(2) {
                                            lengths.push(prev);
                                        }
                                    }
                                    17 => lengths
                                        .extend(std::iter::repeat_n(0, 3 + b.need(3) as usize)),
                                    _ => lengths
                                        .extend(std::iter::repeat_n(0, 11 + b.need(7) as usize)),
                                }
                            }
                            (
                                Huffman::new(&lengths[..nlen]),
                                Huffman::new(&lengths[nlen..]),
                            )
                        };
                    loop {
                        let s = lit.decode(&mut b) as usize;
                        if s < 256 {
                            out.push(s as u8);
                        } else if s == 256 {
                            break;
                        } else {
                            let s = s - 257;
                            let len = LBASE[s] as usize + b.need(u32::from(LEXT[s])) as usize;
                            let d = dist.decode(&mut b) as usize;
                            let back = DBASE[d] as usize + b.need(u32::from(DEXT[d])) as usize;
                            let start = out.len() - back;
                            for i in 0..len {
                                out.push(out[start + i]);
                            }
                        }
                    }
                }
            }
            if last == 1 {
                return out;
            }
        }
    }

    /// Decode an 8-bit RGB or RGBA, non-interlaced PNG into RGBA pixels.
    pub fn decode(bytes: &[u8]) -> (usize, usize, Vec<[u8; 4]>) {
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
        let (mut pos, mut idat) = (8, Vec::new());
        let (mut w, mut h, mut channels) = (0, 0, 0);
        while pos + 8 <= bytes.len() {
            let len = u32::from_be_bytes(bytes[pos..pos + 4].try_into().unwrap()) as usize;
            let kind = &bytes[pos + 4..pos + 8];
            let data = &bytes[pos + 8..pos + 8 + len];
            match kind {
                b"IHDR" => {
                    w = u32::from_be_bytes(data[0..4].try_into().unwrap()) as usize;
                    h = u32::from_be_bytes(data[4..8].try_into().unwrap()) as usize;
                    assert_eq!(data[8], 8, "8-bit samples");
                    channels = match data[9] {
                        2 => 3,
                        6 => 4,
                        other => panic!("colour type {other}"),
                    };
                    assert_eq!(data[12], 0, "not interlaced");
                }
                b"IDAT" => idat.extend_from_slice(data),
                _ => {}
            }
            pos += 12 + len;
        }
        let raw = inflate(&idat);
        let stride = w * channels;
        let mut prev = vec![0u8; stride];
        let mut pixels = Vec::with_capacity(w * h);
        for y in 0..h {
            let row = &raw[y * (stride + 1)..(y + 1) * (stride + 1)];
            let mut cur = row[1..].to_vec();
            for i in 0..stride {
                let a = if i >= channels { cur[i - channels] } else { 0 };
                let (b, c) = (prev[i], if i >= channels { prev[i - channels] } else { 0 });
                let add = match row[0] {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                    4 => {
                        let p = i16::from(a) + i16::from(b) - i16::from(c);
                        let (pa, pb, pc) = (
                            (p - i16::from(a)).abs(),
                            (p - i16::from(b)).abs(),
                            (p - i16::from(c)).abs(),
                        );
                        if pa <= pb && pa <= pc {
                            a
                        } else if pb <= pc {
                            b
                        } else {
                            c
                        }
                    }
                    f => panic!("filter {f}"),
                };
                cur[i] = cur[i].wrapping_add(add);
            }
            for px in cur.chunks(channels) {
                pixels.push([px[0], px[1], px[2], if channels == 4 { px[3] } else { 255 }]);
            }
            prev = cur;
        }
        (w, h, pixels)
    }
}

fn chromium() -> Option<String> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| {
            Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .map(str::to_string)
}

fn colour(hex: &str) -> [u8; 3] {
    let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap();
    [(v >> 16) as u8, (v >> 8) as u8, v as u8]
}

#[test]
fn the_html_report_renders_its_charts_in_headless_chromium() {
    let d = desk();
    let page = d.repo.tmp.path().join("report.html");
    let out = d.repo.run_with(
        &[
            "report",
            "--since",
            "2026-11-23",
            "--until",
            "2026-11-26",
            "--by",
            "category",
            "--format",
            "html",
            "-o",
            page.to_str().unwrap(),
        ],
        &[("TIKETTI_NOW", NOW)],
        None,
    );
    out.ok();
    let html = std::fs::read_to_string(&page).unwrap();
    // Self-contained: nothing to fetch, nothing to run.
    for needle in ["<script", "http://", "https://", "@import", "<link", "<img"] {
        assert!(!html.contains(needle), "the page has {needle}");
    }
    assert_eq!(html.matches("<svg").count(), 3, "three charts");
    let Some(chromium) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is not installed; .ci/run installs Debian's chromium"
        );
        eprintln!("skipped: no chromium (apt-get install chromium)");
        return;
    };
    let shot = d.repo.tmp.path().join("report.png");
    let profile = d.repo.tmp.path().join("chromium-profile");
    let run = Command::new(&chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1200,1600")
        .arg(format!("file://{}", page.display()))
        .env("HOME", &d.repo.home)
        .output()
        .expect("run chromium");
    assert!(
        run.status.success() && shot.is_file(),
        "chromium failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let (w, h, pixels) = png::decode(&std::fs::read(&shot).unwrap());
    assert_eq!((w, h), (1200, 1600));
    let distinct: std::collections::HashSet<[u8; 4]> = pixels.iter().copied().collect();
    assert!(
        distinct.len() > 50,
        "a blank page: {} colours",
        distinct.len()
    );
    // Each chart's colour fills a visible area: the backlog area and line, the handling
    // bars, the achieved and breached SLA bars.
    let near = |p: &[u8; 4], c: [u8; 3]| (0..3).all(|i| p[i].abs_diff(c[i]) <= 6);
    for (name, hex) in [
        ("backlog", "#2a6fdb"),
        ("handling", "#e07b00"),
        ("SLA achieved", "#2e9e5b"),
        ("SLA breached", "#d64545"),
    ] {
        let c = colour(hex);
        let n = pixels.iter().filter(|p| near(p, c)).count();
        assert!(n > 300, "the {name} chart ({hex}) is not drawn: {n} pixels");
    }
}

/// The page writes nowhere but -o, and is one file.
#[test]
fn html_goes_to_the_named_file() {
    let d = desk();
    let page = d.repo.path("out/report.html");
    let r = d.repo.run_with(
        &["report", "--format", "html", "-o", page.to_str().unwrap()],
        &[("TIKETTI_NOW", NOW)],
        None,
    );
    assert_eq!(r.ok(), "");
    assert!(r.stderr.contains("report written to"), "{}", r.stderr);
    assert!(Path::new(&page).is_file());
}
