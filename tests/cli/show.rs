use crate::common::*;

/// A copy of ticket `id` under another ID with the same first four characters, committed
/// by hand: the only practical way to get an ambiguous prefix.
fn twin_of(repo: &TestRepo, id: &str) -> String {
    let tail = if &id[4..] == "ZZZZ" { "0000" } else { "ZZZZ" };
    let twin = format!("{}{tail}", &id[..4]);
    let text = std::fs::read_to_string(repo.ticket_file(id)).unwrap();
    std::fs::create_dir_all(repo.ticket_file(&twin).parent().unwrap()).unwrap();
    std::fs::write(
        repo.ticket_file(&twin),
        text.replace(&format!("id: {id}\n"), &format!("id: {twin}\n")),
    )
    .unwrap();
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "hand-made twin"]);
    twin
}

#[test]
fn table_shows_fields_description_thread_and_history() {
    let repo = TestRepo::new();
    let id = repo
        .run(&[
            "new",
            "--subject",
            "Printer on fire",
            "--requester",
            "Bo Berg <bo@example.com>",
            "--tag",
            "hw",
            "--due",
            "2026-11-20",
            "--field",
            "order_number=O-1",
            "-m",
            "It smokes.",
        ])
        .ok()
        .to_string();
    // Written out of time order: the later note first.
    repo.run_with(
        &["note", &id, "-m", "Second note."],
        &[("TIKETTI_NOW", "2026-11-22T12:00:00Z")],
        None,
    )
    .ok();
    repo.run_with(
        &["note", &id, "-m", "First note."],
        &[("TIKETTI_NOW", "2026-11-22T11:00:00Z")],
        None,
    )
    .ok();
    let run = repo.run_with(
        &["show", &id],
        &[("TIKETTI_NOW", "2026-11-22T13:00:00Z")],
        None,
    );
    let out = run.ok();
    assert_eq!(run.stderr, "");
    assert!(
        out.starts_with(&format!("{id}  Printer on fire\n")),
        "{out}"
    );
    for line in [
        "  status     new\n",
        "  priority   normal\n",
        "  requester  Bo Berg <bo@example.com>\n",
        "  channel    phone\n",
        "  tags       hw\n",
        "  due        2026-11-20 (overdue)\n",
        "  created    2026-11-22T10:00:00Z (3h ago)\n",
        "  field      Order number: O-1\n",
        "\nIt smokes.\n",
        "\nThread\n",
        "\n  2026-11-22T11:00:00Z  note (internal)  anna\n    First note.\n",
        "\n  2026-11-22T12:00:00Z  note (internal)  anna\n    Second note.\n",
        "\nHistory\n",
    ] {
        assert!(out.contains(line), "missing {line:?} in\n{out}");
    }
    let first = out.find("First note.").unwrap();
    let second = out.find("Second note.").unwrap();
    assert!(first < second, "notes are not in time order:\n{out}");
    // History is most recent commit first and names the commits.
    let history = &out[out.find("\nHistory\n").unwrap()..];
    let lines: Vec<&str> = history.lines().skip(2).collect();
    assert_eq!(lines.len(), 3, "{history}");
    assert!(
        lines[0].contains(&format!("note: {id} First note.")),
        "{history}"
    );
    assert!(
        lines[1].contains(&format!("note: {id} Second note.")),
        "{history}"
    );
    assert!(
        lines[2].starts_with("  2026-11-22T10:00:00Z  Anna Virtanen ")
            && lines[2].ends_with(&format!("new: {id} Printer on fire")),
        "{history}"
    );
    // --history limits the entries.
    let out = repo.run(&["show", &id, "--history", "1"]).ok().to_string();
    let history = &out[out.find("\nHistory\n").unwrap()..];
    assert_eq!(history.lines().count(), 3, "{history}");
}

#[test]
fn json_has_schema_version_and_the_ticket() {
    let repo = TestRepo::new();
    let id = repo.new_ticket(
        "Json please",
        &[
            "--requester",
            "Bo Berg <bo@example.com>",
            "--assignee",
            "anna",
            "--tag",
            "a",
            "--field",
            "customer_number=C-7",
        ],
    );
    repo.run(&["note", &id, "-m", "A note."]).ok();
    let run = repo.run(&["show", &id, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(run.ok()).expect("valid JSON");
    assert_eq!(v["schema_version"], 1);
    let t = &v["ticket"];
    assert_eq!(t["id"], id.as_str());
    assert_eq!(t["subject"], "Json please");
    assert_eq!(t["status"], "new");
    assert_eq!(t["status_category"], "new");
    assert_eq!(t["open"], true);
    assert_eq!(t["priority"], "normal");
    assert_eq!(t["assignee"], "anna");
    assert_eq!(t["requester"], "Bo Berg <bo@example.com>");
    assert_eq!(t["requester_email"], "bo@example.com");
    assert_eq!(t["tags"], serde_json::json!(["a"]));
    assert_eq!(t["fields"], serde_json::json!({"customer_number": "C-7"}));
    assert_eq!(t["created"], "2026-11-22T10:00:00Z");
    assert_eq!(t["due"], serde_json::Value::Null);
    assert_eq!(t["description"], "Text.\n");
    let events = t["events"].as_array().unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["kind"], "note");
    assert_eq!(events[0]["internal"], true);
    assert_eq!(events[0]["author"], "anna");
    assert_eq!(events[0]["body"], "A note.\n");
    let history = t["history"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1]["summary"], format!("new: {id} Json please"));
    assert_eq!(history[1]["author"], "Anna Virtanen");
}

#[test]
fn prefixes_case_hyphens_and_hash_resolve() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Resolve me", &[]);
    let head = format!("{id}  Resolve me");
    let lower = id.to_lowercase();
    for input in [
        id.clone(),
        id[..4].to_string(),
        lower[..4].to_string(),
        lower.clone(),
        format!("#{}-{}", &lower[..4], &lower[4..]),
        format!("{}-{}", &id[..4], &id[4..6]),
    ] {
        let out = repo.run(&["show", &input]).ok().to_string();
        assert!(out.starts_with(&head), "show {input}: {out}");
    }
    let err = repo.run(&["show", &id[..3]]).fails(1).to_string();
    assert!(err.contains("at least 4"), "{err}");
}

#[test]
fn ambiguous_prefix_lists_the_candidates() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("One", &[]);
    let twin = twin_of(&repo, &id);
    let err = repo.run(&["show", &id[..4]]).fails(1).to_string();
    let mut both = [id.clone(), twin.clone()];
    both.sort();
    assert!(
        err.contains(&format!(
            "ticket prefix {} is ambiguous: {}, {}",
            &id[..4],
            both[0],
            both[1]
        )),
        "{err}"
    );
    assert!(err.contains("hint: type more characters"), "{err}");
    // More characters settle it.
    let out = repo.run(&["show", &twin]).ok().to_string();
    assert!(out.starts_with(&format!("{twin}  One")), "{out}");
}

#[test]
fn unknown_and_invalid_ids_fail() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Here", &[]);
    let other = if id.starts_with('Z') {
        "YYYYYYYY"
    } else {
        "ZZZZZZZZ"
    };
    let run = repo.run(&["show", other]);
    let err = run.fails(1);
    assert!(err.contains(&format!("no ticket matches {other}")), "{err}");
    assert_eq!(run.stdout, "");
    let err = repo.run(&["show", "UUUU"]).fails(1).to_string();
    assert!(err.contains("not a Crockford base32 character"), "{err}");
    repo.run(&["show"]).fails(2);
}

#[test]
fn broken_ticket_fails_show_but_not_list() {
    let repo = TestRepo::new();
    let good = repo.new_ticket("Good one", &[]);
    let bad = repo.new_ticket("Bad one", &[]);
    let path = repo.ticket_file(&bad);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\npriority: normal\n"), "{text}");
    // Line 5 is the priority line.
    std::fs::write(&path, text.replace("priority: normal", "priority: a: b")).unwrap();
    let rel = format!("tickets/{}/{bad}/ticket.md", &bad[..2]);

    let run = repo.run(&["show", &bad]);
    let err = run.fails(1);
    assert!(err.contains(&format!("error: {rel}:5: ")), "{err}");
    assert!(err.contains("tiketti check"), "{err}");
    assert_eq!(run.stdout, "");

    let run = repo.run(&["list", "--format", "ids"]);
    assert_eq!(run.ok(), good);
    assert!(
        run.stderr.contains(&format!("warning: {rel}:5: ")),
        "{}",
        run.stderr
    );

    // The good one still shows.
    repo.run(&["show", &good]).ok();
}

#[test]
fn unknown_status_is_shown_as_such() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Legacy", &[]);
    let path = repo.ticket_file(&id);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("status: new", "status: legacy-status")).unwrap();
    let out = repo.run(&["show", &id]).ok().to_string();
    assert!(
        out.contains("  status     legacy-status (not in tiketti.yaml)\n"),
        "{out}"
    );
    let v: serde_json::Value =
        serde_json::from_str(repo.run(&["show", &id, "--format", "json"]).ok()).unwrap();
    assert_eq!(v["ticket"]["status"], "legacy-status");
    assert_eq!(v["ticket"]["status_category"], serde_json::Value::Null);
}

#[test]
fn history_zero_and_short_prefixes() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Printer", &[]);
    let out = repo.run(&["show", &id, "--history", "0"]).ok().to_string();
    assert!(!out.contains("History"), "{out}");
    let err = repo.run(&["show", &id[..3]]).fails(1).to_string();
    assert!(err.contains("type at least 4 characters"), "{err}");
    assert!(err.contains("hint: a ticket ID is 8 characters"), "{err}");
    assert!(!err.contains("no ticket matches"), "{err}");
    repo.run(&["show", &id, "--format", "csv"]).fails(2);
}
