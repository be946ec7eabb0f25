use crate::common::*;

/// Four tickets made at different times (NOW is 2026-11-22T10:00:00Z when listing):
///
/// | | subject | created | status | pri | category | assignee/group | tags | requester | channel | due |
/// |-|-|-|-|-|-|-|-|-|-|-|
/// | a | Printer jam | 11-01 | new | high | order | anna/support | hw, vip | Bo Berg <bo@example.com> | chat | 11-20 |
/// | b | alpha login | 11-10 | new | low | question | - | hw | cy@example.org | email | 11-18 |
/// | c | Refund please | 11-20 | solved | urgent | feedback | - | - | - | web | 11-15 |
/// | d | Delta call | 11-21 | new | normal | - | - | - | - | phone | - |
struct Desk {
    repo: TestRepo,
    a: String,
    b: String,
    c: String,
    d: String,
}

fn new_at(repo: &TestRepo, at: &str, subject: &str, extra: &[&str]) -> String {
    let mut args = vec!["new", "--subject", subject, "-m", "Text."];
    args.extend_from_slice(extra);
    repo.run_with(&args, &[("TIKETTI_NOW", at)], None)
        .ok()
        .to_string()
}

fn desk() -> Desk {
    let repo = TestRepo::new();
    let a = new_at(
        &repo,
        "2026-11-01T09:00:00Z",
        "Printer jam",
        &[
            "--priority",
            "high",
            "--category",
            "order",
            "--assignee",
            "anna",
            "--group",
            "support",
            "--tag",
            "hw",
            "--tag",
            "vip",
            "--requester",
            "Bo Berg <bo@example.com>",
            "--channel",
            "chat",
            "--due",
            "2026-11-20",
        ],
    );
    let b = new_at(
        &repo,
        "2026-11-10T09:00:00Z",
        "alpha login",
        &[
            "--priority",
            "low",
            "--category",
            "question",
            "--tag",
            "hw",
            "--requester",
            "cy@example.org",
            "--channel",
            "email",
            "--due",
            "2026-11-18",
        ],
    );
    let c = new_at(
        &repo,
        "2026-11-20T09:00:00Z",
        "Refund please",
        &[
            "--priority",
            "urgent",
            "--category",
            "feedback",
            "--channel",
            "web",
            "--due",
            "2026-11-15",
        ],
    );
    let d = new_at(&repo, "2026-11-21T09:00:00Z", "Delta call", &[]);
    repo.run(&["solve", &c]).ok();
    Desk { repo, a, b, c, d }
}

impl Desk {
    /// `list --format ids ARGS`, as a list of IDs.
    #[track_caller]
    fn ids(&self, args: &[&str]) -> Vec<String> {
        let mut all = vec!["list", "--format", "ids"];
        all.extend_from_slice(args);
        let run = self.repo.run(&all);
        run.ok().lines().map(str::to_string).collect()
    }

    fn expect(&self, names: &str) -> Vec<String> {
        names
            .chars()
            .map(|n| match n {
                'a' => self.a.clone(),
                'b' => self.b.clone(),
                'c' => self.c.clone(),
                'd' => self.d.clone(),
                _ => unreachable!(),
            })
            .collect()
    }

    #[track_caller]
    fn check(&self, args: &[&str], names: &str) {
        assert_eq!(self.ids(args), self.expect(names), "list {args:?}");
    }
}

#[test]
fn status_open_assignee_and_group_filters() {
    let desk = desk();
    desk.check(&[], "abcd");
    desk.check(&["--status", "new"], "abd");
    desk.check(&["--status", "solved,closed"], "c");
    desk.check(&["--status", "solved", "--status", "pending"], "c");
    desk.check(&["--open"], "abd");
    desk.check(&["--assignee", "anna"], "a");
    desk.check(&["--assignee", "me"], "a");
    desk.check(&["--assignee", "none"], "bcd");
    desk.check(&["--group", "support"], "a");
    desk.check(&["--open", "--assignee", "none"], "bd");
}

#[test]
fn category_priority_tag_requester_and_channel_filters() {
    let desk = desk();
    desk.check(&["--category", "order"], "a");
    desk.check(&["--category", "complaint"], "");
    desk.check(&["--priority", "low"], "b");
    desk.check(&["--tag", "hw"], "ab");
    desk.check(&["--tag", "hw", "--tag", "vip"], "a");
    desk.check(&["--requester", "BERG"], "a");
    desk.check(&["--requester", "example"], "ab");
    desk.check(&["--channel", "email"], "b");
    desk.check(&["--channel", "phone"], "d");
}

#[test]
fn date_filters() {
    let desk = desk();
    // b and a are past due; c is past due too, but solved.
    desk.check(&["--overdue"], "ab");
    desk.check(&["--due-before", "2026-11-19"], "bc");
    desk.check(&["--due-before", "2026-11-18T12:00:00Z"], "c");
    desk.check(&["--created-since", "2026-11-10"], "bcd");
    desk.check(&["--created-since", "2026-11-20T09:00:01Z"], "d");
    let before = desk.repo.commit_count();
    let err = desk
        .repo
        .run(&["list", "--due-before", "next week"])
        .fails(1)
        .to_string();
    assert!(
        err.contains("--due-before \"next week\" is not a date"),
        "{err}"
    );
    assert!(err.contains("hint: write 2026-11-30"), "{err}");
    assert_eq!(desk.repo.commit_count(), before);
}

#[test]
fn sort_keys_and_limit() {
    let desk = desk();
    desk.check(&["--sort", "created"], "abcd");
    desk.check(&["--sort", "-created"], "dcba");
    desk.check(&["--sort=-created"], "dcba");
    // Undated tickets come last.
    desk.check(&["--sort", "due"], "cbad");
    // In tiketti.yaml order, low to high; reversed, most urgent first.
    desk.check(&["--sort", "priority"], "bdac");
    desk.check(&["--sort", "-priority"], "cadb");
    // Ties stay oldest first whichever way the key runs.
    desk.check(&["--sort", "status"], "abdc");
    desk.check(&["--sort", "-status"], "cabd");
    desk.check(&["--sort", "-assignee"], "bcda");
    let mut by_id = desk.expect("abcd");
    by_id.sort();
    assert_eq!(desk.ids(&["--sort", "id"]), by_id);
    // Case-insensitive.
    desk.check(&["--sort", "subject"], "bdac");
    desk.check(&["--limit", "2"], "ab");
    desk.check(&["--sort", "-created", "--limit", "1"], "d");
    desk.check(&["--limit", "0"], "");
    let run = desk.repo.run(&["list", "--sort", "colour"]);
    let err = run.fails(2);
    assert!(err.contains("cannot sort by \"colour\""), "{err}");
    assert!(
        err.contains("hint: sort by created, due, priority"),
        "{err}"
    );
    assert_eq!(run.stdout, "");
    desk.repo.run(&["list", "--limit", "many"]).fails(2);
}

#[test]
fn table_format() {
    let desk = desk();
    let run = desk.repo.run(&["list"]);
    let out = run.ok();
    assert_eq!(run.stderr, "");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5, "{out}");
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(
        header,
        ["ID", "STATUS", "PRI", "ASSIGNEE", "AGE", "DUE", "SUBJECT"]
    );
    let row_a: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(
        row_a,
        [
            desk.a.as_str(),
            "new",
            "high",
            "anna",
            "21d",
            "2026-11-20!",
            "Printer",
            "jam"
        ]
    );
    let row_c: Vec<&str> = lines[3].split_whitespace().collect();
    // Solved tickets are never overdue.
    assert_eq!(
        row_c,
        [
            desk.c.as_str(),
            "solved",
            "urgent",
            "-",
            "2d",
            "2026-11-15",
            "Refund",
            "please"
        ]
    );
    assert!(lines.iter().all(|l| !l.ends_with(' ')), "{out:?}");
}

#[test]
fn json_csv_and_ids_formats() {
    let desk = desk();
    let v: serde_json::Value =
        serde_json::from_str(desk.repo.run(&["list", "--format", "json"]).ok())
            .expect("valid JSON");
    assert_eq!(v["schema_version"], 1);
    let tickets = v["tickets"].as_array().unwrap();
    let ids: Vec<&str> = tickets.iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [&desk.a, &desk.b, &desk.c, &desk.d]);
    let a = &tickets[0];
    assert_eq!(a["subject"], "Printer jam");
    assert_eq!(a["status"], "new");
    assert_eq!(a["open"], true);
    assert_eq!(a["overdue"], true);
    assert_eq!(a["priority"], "high");
    assert_eq!(a["assignee"], "anna");
    assert_eq!(a["group"], "support");
    assert_eq!(a["requester_email"], "bo@example.com");
    assert_eq!(a["tags"], serde_json::json!(["hw", "vip"]));
    assert_eq!(a["created"], "2026-11-01T09:00:00Z");
    assert_eq!(tickets[2]["status_category"], "solved");
    assert_eq!(tickets[2]["open"], false);

    // An empty JSON result is still a document.
    let v: serde_json::Value = serde_json::from_str(
        desk.repo
            .run(&["list", "--format", "json", "--status", "closed"])
            .ok(),
    )
    .unwrap();
    assert_eq!(v["tickets"], serde_json::json!([]));

    let run = desk.repo.run(&["list", "--format", "csv"]);
    assert_eq!(run.code, 0);
    let lines: Vec<&str> = run.stdout.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "id,status,priority,category,assignee,group,requester,channel,tags,due,created,subject"
    );
    assert_eq!(
        lines[1],
        format!(
            "{},new,high,order,anna,support,Bo Berg <bo@example.com>,chat,hw vip,2026-11-20,2026-11-01T09:00:00Z,Printer jam",
            desk.a
        )
    );
    assert_eq!(lines.len(), 6, "{:?}", run.stdout);
    assert_eq!(lines[5], "");

    let run = desk.repo.run(&["list", "--format", "ids", "--open"]);
    assert_eq!(run.stdout, format!("{}\n{}\n{}\n", desk.a, desk.b, desk.d));
    desk.repo.run(&["list", "--format", "xml"]).fails(2);
}

#[test]
fn empty_table_says_so_on_stderr() {
    let desk = desk();
    let run = desk.repo.run(&["list", "--status", "closed"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("no tickets match"), "{}", run.stderr);
    // A helpdesk without tickets is the same.
    let empty = TestRepo::new();
    let run = empty.run(&["list"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("no tickets match"), "{}", run.stderr);
}

#[test]
fn unknown_filter_values_name_the_valid_ones() {
    let repo = TestRepo::new();
    repo.new_ticket("One", &[]);
    for (args, message, hint) in [
        (
            &["--status", "new,bogus"][..],
            "unknown status \"bogus\"",
            "statuses are new, open, pending, on-hold, waiting-on-delivery, solved, closed",
        ),
        (
            &["--assignee", "bob"][..],
            "unknown agent \"bob\"",
            "agents are anna",
        ),
        (
            &["--category", "gripe"][..],
            "unknown category \"gripe\"",
            "categories are question, quote-request, order, complaint, feedback, incident",
        ),
        (
            &["--priority", "meh"][..],
            "unknown priority \"meh\"",
            "priorities are low, normal, high, urgent",
        ),
        (
            &["--group", "sales"][..],
            "unknown group \"sales\"",
            "groups are support",
        ),
        (
            &["--channel", "fax"][..],
            "unknown channel \"fax\"",
            "channels are email, phone, chat, web, social, walk-in",
        ),
    ] {
        let mut all = vec!["list"];
        all.extend_from_slice(args);
        let run = repo.run(&all);
        let err = run.fails(1);
        assert!(
            err.contains(&format!("error: {message}")),
            "{args:?}: {err}"
        );
        assert!(err.contains(&format!("hint: {hint}")), "{args:?}: {err}");
        assert_eq!(run.stdout, "", "{args:?}");
    }
}

#[test]
fn outside_a_helpdesk_fails() {
    let repo = TestRepo::empty();
    let err = repo.run(&["list"]).fails(1).to_string();
    assert!(err.contains("tiketti init"), "{err}");
}

#[test]
fn hand_written_statuses_are_filterable_but_typos_are_not() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Legacy", &[]);
    let file = repo.ticket_file(&id);
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("status: new", "status: legacy-status");
    std::fs::write(&file, text).unwrap();
    repo.git(&["commit", "-qam", "import from the old system"]);
    assert_eq!(
        repo.run(&["list", "--status", "legacy-status", "--format", "ids"])
            .ok(),
        id
    );
    let err = repo.run(&["list", "--status", "slvd"]).fails(1).to_string();
    assert!(err.contains("unknown status \"slvd\""), "{err}");
}

/// The ticket cache (.git/tiketti/cache/tickets) is a copy, never the truth: a hand edit
/// not yet committed shows at once, and a damaged cache is rebuilt with a note.
#[test]
fn the_ticket_cache_follows_hand_edits_and_survives_damage() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Printer jam", &[]);
    let ids = |args: &[&str]| {
        let mut all = vec!["list", "--format", "ids"];
        all.extend_from_slice(args);
        repo.run(&all).ok().to_string()
    };
    assert_eq!(ids(&["--status", "new"]), id);
    let cache = repo.path(".git/tiketti/cache/tickets");
    assert!(cache.is_file());

    // Same length, same second: only the content differs.
    let file = repo.ticket_file(&id);
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("status: new", "status: old")).unwrap();
    assert_eq!(ids(&["--status", "new"]), "");
    assert_eq!(ids(&["--status", "old"]), id);

    std::fs::write(&cache, b"not a cache").unwrap();
    let run = repo.run(&["list", "--format", "ids", "--status", "old"]);
    assert_eq!(run.ok(), id);
    assert!(
        run.stderr
            .contains("is damaged or from another version of tiketti; rebuilding it"),
        "{}",
        run.stderr
    );
    let again = repo.run(&["list", "--format", "ids"]);
    assert_eq!(again.ok(), id);
    assert_eq!(again.stderr, "");

    // A ticket file that stops parsing is named on every run, with its line.
    std::fs::write(&file, text.replace("created:", "created: [")).unwrap();
    for _ in 0..2 {
        let run = repo.run(&["list", "--format", "ids"]);
        assert_eq!(run.ok(), "");
        assert!(
            run.stderr
                .contains(&format!("tickets/{}/{id}/ticket.md:", &id[..2])),
            "{}",
            run.stderr
        );
    }
}
