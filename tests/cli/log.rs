use crate::common::*;

#[test]
fn log_shows_who_changed_what_newest_first() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Printer", &[]);
    repo.run_with(
        &["status", &id, "open"],
        &[("TIKETTI_NOW", "2026-11-22T11:00:00Z")],
        None,
    )
    .ok();
    repo.run_with(
        &["set", &id, "priority=high", "+vip"],
        &[("TIKETTI_NOW", "2026-11-22T12:00:00Z")],
        None,
    )
    .ok();
    repo.run(&["note", &id, "-m", "hi"]).ok();
    let out = repo.run(&["log", &id]).ok().to_string();
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].contains(&format!("note: {id} hi")), "{out}");
    assert!(
        out.contains("2026-11-22T12:00:00Z  Anna Virtanen  set:"),
        "{out}"
    );
    assert!(out.contains("    priority: normal -> high"), "{out}");
    assert!(out.contains("    tags: (none) -> vip"), "{out}");
    assert!(out.contains("    status: new -> open"), "{out}");
    assert!(out.contains("    + events/"), "{out}");
    assert!(
        lines
            .last()
            .unwrap()
            .contains(&format!("new: {id} Printer")),
        "{out}"
    );
}

#[test]
fn log_includes_hand_edits_committed_with_git_and_json() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Printer", &[]);
    let file = repo.ticket_file(&id);
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("priority: normal", "priority: urgent");
    std::fs::write(&file, text).unwrap();
    repo.git(&["commit", "-qam", "hand edit"]);
    let out = repo.run(&["log", &id]).ok().to_string();
    assert!(out.contains("Hand Editor  hand edit"), "{out}");
    assert!(out.contains("priority: normal -> urgent"), "{out}");
    let json: serde_json::Value =
        serde_json::from_str(repo.run(&["log", &id, "--format", "json"]).ok()).unwrap();
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["log"][0]["author"], "Hand Editor");
    assert_eq!(json["log"][0]["changes"][0]["field"], "priority");
    assert_eq!(json["log"].as_array().unwrap().len(), 2);
    let limited = repo.run(&["log", &id, "--limit", "1"]).ok().to_string();
    assert!(!limited.contains("new:"), "{limited}");
    repo.run(&["log", "NOPE"]).fails(1);
}
