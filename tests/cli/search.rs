//! `tiketti search`: words in subjects, descriptions, messages and notes, with the
//! filters of `list`, ranked, each result with the line that matched.

use crate::common::*;
use crate::ingest::{Mail, id_after};

/// Three tickets that mention printers (NOW is 2026-11-22T10:00:00Z):
///
/// | | subject | where "printer" is | activity | status |
/// |-|-|-|-|-|
/// | a | Printer on fire | subject, description | created 11-01 | new, anna, tag hw |
/// | b | Invoice question | message (line 2), internal note | note 11-20 | new |
/// | c | Toner | description (twice) | created 11-15 | solved |
struct Desk {
    repo: TestRepo,
    a: String,
    b: String,
    c: String,
}

fn at(repo: &TestRepo, when: &str, args: &[&str]) -> String {
    repo.run_with(args, &[("TIKETTI_NOW", when)], None)
        .ok()
        .to_string()
}

fn desk() -> Desk {
    let repo = TestRepo::quiet();
    let a = at(
        &repo,
        "2026-11-01T09:00:00Z",
        &[
            "new",
            "--subject",
            "Printer on fire",
            "-m",
            "The office printer burns.",
            "--assignee",
            "anna",
            "--tag",
            "hw",
        ],
    );
    let mail = Mail::new(
        "Cy <cy@example.com>",
        "Invoice question",
        "inv1@example.com",
    )
    .body("Where is my invoice?\nThe printer\npaper is gone.\n");
    let b = {
        let run = repo.run_with(
            &["ingest"],
            &[("TIKETTI_NOW", "2026-11-10T09:00:00Z")],
            Some(&mail.text()),
        );
        run.ok();
        id_after(&run.stderr, "new ticket ")
    };
    at(
        &repo,
        "2026-11-20T09:00:00Z",
        &["note", &b, "-m", "Printer vendor called back."],
    );
    let c = at(
        &repo,
        "2026-11-15T09:00:00Z",
        &[
            "new",
            "--subject",
            "Toner",
            "-m",
            "Need toner for the PRINTER and the printer in room 2. Paper is low.",
        ],
    );
    at(&repo, "2026-11-15T10:00:00Z", &["solve", &c]);
    Desk { repo, a, b, c }
}

fn ids(run: &Run) -> Vec<String> {
    run.ok().lines().map(str::to_string).collect()
}

#[test]
fn results_are_ranked_and_show_the_line_that_matched() {
    let d = desk();
    let run = d.repo.run(&["search", "printer"]);
    let out = run.ok();
    // a: 10 for the subject + 1; b and c: 2 each, b's note is the newer activity.
    assert_eq!(
        out,
        format!(
            "{a}  new     anna  Printer on fire\n          description: The office printer burns.\n\
             {b}  new     -     Invoice question\n          inbound by cy@example.com 2026-11-10: The printer\n\
             {c}  solved  -     Toner\n          description: Need toner for the PRINTER and the printer in room 2. Paper is low.",
            a = d.a,
            b = d.b,
            c = d.c
        )
    );
    // The first search in a clone builds the cache and says so; then it is quiet.
    assert!(
        run.stderr.contains("rebuilding the search cache"),
        "{}",
        run.stderr
    );
    let again = d.repo.run(&["search", "printer"]);
    assert_eq!(again.ok(), out);
    assert_eq!(again.stderr, "");
}

#[test]
fn internal_notes_are_found_and_marked() {
    let d = desk();
    let out = d.repo.run(&["search", "VENDOR"]).ok().to_string();
    assert_eq!(
        out,
        format!(
            "{}  new  -  Invoice question\n          note by anna 2026-11-20 (internal): Printer vendor called back.",
            d.b
        )
    );
    let json: serde_json::Value =
        serde_json::from_str(d.repo.run(&["search", "vendor", "--format", "json"]).ok()).unwrap();
    let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["schema_version", "results"]);
    let r = &json["results"][0];
    assert_eq!(r["ticket"]["id"], d.b.as_str());
    assert_eq!(r["ticket"]["subject"], "Invoice question");
    assert_eq!(
        (r["score"].as_u64(), r["hits"].as_u64()),
        (Some(1), Some(1))
    );
    let m = &r["match"];
    assert_eq!(m["in"], "event");
    assert_eq!(m["line"], "Printer vendor called back.");
    assert_eq!(m["event"]["kind"], "note");
    assert_eq!(m["event"]["author"], "anna");
    assert_eq!(m["event"]["internal"], true);
    assert_eq!(m["event"]["at"], "2026-11-20T09:00:00Z");
    let file = m["event"]["file"].as_str().unwrap();
    assert!(d.repo.path(file).is_file(), "{file}");
    assert!(file.contains(m["event"]["id"].as_str().unwrap()));
}

#[test]
fn filters_combine_with_the_words() {
    let d = desk();
    let search = |extra: &[&str]| {
        let mut args = vec!["search", "printer", "--format", "ids"];
        args.extend_from_slice(extra);
        ids(&d.repo.run(&args))
    };
    assert_eq!(search(&["--open"]), [d.a.as_str(), d.b.as_str()]);
    assert_eq!(search(&["--tag", "hw"]), [d.a.as_str()]);
    assert_eq!(search(&["--assignee", "none", "--open"]), [d.b.as_str()]);
    assert_eq!(search(&["--status", "solved"]), [d.c.as_str()]);
    assert_eq!(
        search(&["--created-since", "2026-11-05"]),
        [d.b.as_str(), d.c.as_str()]
    );
    // No ticket passes both: nothing matches.
    let run = d
        .repo
        .run(&["search", "printer", "--tag", "hw", "--status", "solved"]);
    assert_eq!(run.fails(1), "no tickets match\n");
}

#[test]
fn words_must_all_occur_and_a_quoted_phrase_is_one() {
    let d = desk();
    let run = |args: &[&str]| ids(&d.repo.run(args));
    let words = run(&["search", "printer", "paper", "--format", "ids"]);
    assert_eq!(words, [d.b.as_str(), d.c.as_str()]);
    // A phrase matches across a line break (b), not words apart (c).
    let phrase = run(&["search", "Printer  PAPER", "--format", "ids"]);
    assert_eq!(phrase, [d.b.as_str()]);
    let out = d.repo.run(&["search", "printer paper"]).ok().to_string();
    assert!(
        out.ends_with("inbound by cy@example.com 2026-11-10: The printer"),
        "{out}"
    );
}

#[test]
fn case_is_ignored_in_any_script() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Äiti soitti", &["-m", "ÄITI ON VIHAINEN. Σίσυφος ΟΔΟΣ."]);
    for word in ["äiti", "ÄITI", "Äiti", "σίσυφοσ", "ΣΊΣΥΦΟΣ", "οδος"] {
        let run = repo.run(&["search", word, "--format", "ids"]);
        assert_eq!(run.ok(), id, "{word}");
    }
    let json: serde_json::Value =
        serde_json::from_str(repo.run(&["search", "äiti", "--format", "json"]).ok()).unwrap();
    // 10 for the subject, 1 for the description.
    assert_eq!(json["results"][0]["score"], 11);
    assert_eq!(
        json["results"][0]["match"]["line"],
        "ÄITI ON VIHAINEN. Σίσυφος ΟΔΟΣ."
    );
    assert_eq!(repo.run(&["search", "aiti"]).code, 1);
}

#[test]
fn nothing_found_exits_1_in_every_format() {
    let d = desk();
    // The cache is built (and says so on stderr) by the first search.
    d.repo.run(&["search", "--reindex"]).ok();
    let run = d.repo.run(&["search", "zanzibar"]);
    assert_eq!(run.fails(1), "no tickets match\n");
    assert_eq!(run.stdout, "");
    let run = d.repo.run(&["search", "zanzibar", "--format", "json"]);
    run.fails(1);
    assert_eq!(
        run.stdout,
        "{\n  \"schema_version\": 1,\n  \"results\": []\n}\n"
    );
    let run = d.repo.run(&["search", "zanzibar", "--format", "ids"]);
    assert_eq!((run.code, run.stdout.as_str()), (1, ""));
}

#[test]
fn limit_and_formats() {
    let d = desk();
    d.repo.run(&["search", "--reindex"]).ok();
    let run = d
        .repo
        .run(&["search", "printer", "--limit", "1", "--format", "ids"]);
    assert_eq!(run.ok(), d.a);
    assert_eq!(
        run.stderr,
        "1 of 3 matching tickets shown; --limit 3 shows them all\n"
    );
    assert_eq!(
        ids(&d
            .repo
            .run(&["search", "printer", "--limit", "0", "--format", "ids"]))
        .len(),
        3
    );
    let run = d.repo.run(&["search", "vendor", "--format", "csv"]);
    run.ok();
    let mut lines = run.stdout.split_inclusive('\n');
    assert_eq!(
        lines.next(),
        Some("id,score,hits,status,assignee,subject,where,event,internal,line\r\n")
    );
    let row = lines.next().unwrap();
    assert!(
        row.starts_with(&format!(
            "{},1,1,new,,Invoice question,note by anna 2026-11-20 (internal),tickets/",
            d.b
        )),
        "{row}"
    );
    assert!(
        row.ends_with(",true,Printer vendor called back.\r\n"),
        "{row}"
    );
}

#[test]
fn bad_input_is_refused_with_a_reason() {
    let d = desk();
    let run = d.repo.run(&["search", "printer", "  "]);
    let err = run.fails(2);
    assert!(err.contains("\"  \" is not a word to search for"), "{err}");
    assert!(err.contains("hint:"), "{err}");
    assert!(d.repo.run(&["search"]).fails(2).contains("<TEXT>"));
    d.repo
        .run(&["search", "printer", "--limit", "many"])
        .fails(2);
    let err = d
        .repo
        .run(&["search", "printer", "--status", "slvd"])
        .fails(1)
        .to_string();
    assert!(err.contains("unknown status \"slvd\""), "{err}");
    let err = d
        .repo
        .run(&["search", "printer", "--assignee", "nobody"])
        .fails(1)
        .to_string();
    assert!(err.contains("nobody"), "{err}");
    let err = d
        .repo
        .run(&["search", "printer", "--due-within", "soon"])
        .fails(1)
        .to_string();
    assert!(err.contains("--due-within \"soon\""), "{err}");
}

#[test]
fn an_event_file_added_by_hand_is_found_without_a_commit() {
    let d = desk();
    assert_eq!(d.repo.run(&["search", "zanzibar"]).code, 1);
    d.repo.write(
        format!("tickets/{}/{}/events/20261121T100000Z-HANDADD001.md", &d.c[..2], d.c),
        "---\nid: HANDADD001\nkind: note\nauthor: bo\nat: 2026-11-21T10:00:00Z\n---\nThe Zanzibar shipment is late.\n",
    );
    let out = d.repo.run(&["search", "zanzibar"]).ok().to_string();
    assert_eq!(
        out,
        format!(
            "{}  solved  -  Toner\n          note by bo 2026-11-21 (internal): The Zanzibar shipment is late.",
            d.c
        )
    );
    // Gone again: not found.
    std::fs::remove_file(d.repo.path(&format!(
        "tickets/{}/{}/events/20261121T100000Z-HANDADD001.md",
        &d.c[..2],
        d.c
    )))
    .unwrap();
    assert_eq!(d.repo.run(&["search", "zanzibar"]).code, 1);
}

#[test]
fn a_damaged_cache_is_rebuilt_and_a_broken_event_is_named() {
    let d = desk();
    let before = d.repo.run(&["search", "printer"]).ok().to_string();
    let dir = d.repo.path(".git/tiketti/events-cache");
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let mut bytes = std::fs::read(&p).unwrap();
        let n = bytes.len() / 2;
        bytes[n] ^= 1;
        std::fs::write(&p, bytes).unwrap();
    }
    let run = d.repo.run(&["search", "printer"]);
    assert_eq!(run.ok(), before);
    assert!(
        run.stderr.contains("rebuilding the search cache"),
        "{}",
        run.stderr
    );
    // `--reindex` reads everything again, and with no words does only that.
    let run = d.repo.run(&["search", "--reindex"]);
    assert_eq!(run.ok(), "");
    assert!(
        run.stderr.contains("rebuilding the search cache"),
        "{}",
        run.stderr
    );

    let broken = format!(
        "tickets/{}/{}/events/20261121T100000Z-BROKEN0001.md",
        &d.a[..2],
        d.a
    );
    d.repo.write(
        &broken,
        "---\nid: BROKEN0001\nkind: note\nat: [\n---\nprinter\n",
    );
    let run = d.repo.run(&["search", "printer", "--format", "ids"]);
    assert_eq!(ids(&run), [d.a.as_str(), d.b.as_str(), d.c.as_str()]);
    assert!(
        run.stderr.contains(&format!("warning: {broken}:")),
        "{}",
        run.stderr
    );
}

#[test]
fn the_help_explains_words_ranking_and_what_is_not_searched() {
    let repo = TestRepo::new();
    let help = repo.run(&["search", "--help"]).ok().to_string();
    for part in [
        "must all occur",
        "quoted",
        "10 points",
        "latest activity",
        "raw/*.eml",
        "internal",
        "--reindex",
        "--has-open-children",
        "Exits 1 when nothing matches",
    ] {
        assert!(help.contains(part), "{part} not in:\n{help}");
    }
}
