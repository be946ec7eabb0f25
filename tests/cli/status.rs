use crate::common::*;

/// Nothing was committed or left behind by a refused command.
#[test]
fn allowed_move_commits() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Move me", &[]);
    let before = repo.commit_count();
    let run = repo.run(&["status", &id[..4], "open"]);
    assert_eq!(run.ok(), format!("{id} new -> open"));
    assert_eq!(repo.commit_count(), before + 1);
    assert_eq!(
        repo.last_commit_message(),
        format!("status: {id} new -> open")
    );
    assert_eq!(
        repo.git(&["log", "-1", "--format=%an <%ae>"]).trim(),
        "Anna Virtanen <anna@example.com>"
    );
    assert_eq!(repo.key(&id, "status").unwrap(), "open");
    let run = repo.run(&["status", &id, "waiting-on-delivery"]);
    assert_eq!(run.ok(), format!("{id} open -> waiting-on-delivery"));
    repo.assert_clean();
}

#[test]
fn disallowed_move_lists_the_allowed_ones() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Closed for good", &[]);
    repo.run(&["close", &id]).ok();
    let before = repo.commit_count();
    let err = repo.run(&["status", &id, "solved"]).fails(1).to_string();
    assert!(
        err.contains(
            "error: a ticket cannot move from closed to solved; from closed it can move to open"
        ),
        "{err}"
    );
    assert!(err.contains("hint: "), "{err}");
    assert_eq!(repo.key(&id, "status").unwrap(), "closed");
    assert_nothing_written(&repo, before);
}

#[test]
fn unknown_status_lists_the_statuses() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Where to", &[]);
    let before = repo.commit_count();
    let err = repo.run(&["status", &id, "done"]).fails(1).to_string();
    assert!(err.contains("error: unknown status \"done\""), "{err}");
    assert!(
        err.contains(
            "hint: statuses are new, open, pending, on-hold, waiting-on-delivery, solved, closed"
        ),
        "{err}"
    );
    repo.run(&["status", &id]).fails(2);
    assert_nothing_written(&repo, before);
}

#[test]
fn same_status_is_a_no_op() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Stay", &[]);
    let before = repo.commit_count();
    let run = repo.run(&["status", &id, "new"]);
    assert_eq!(run.ok(), "");
    assert!(
        run.stderr.contains(&format!("{id}: already new")),
        "{}",
        run.stderr
    );
    assert_nothing_written(&repo, before);
}

#[test]
fn solve_close_reopen_shortcuts() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Round trip", &[]);
    let before = repo.commit_count();
    assert_eq!(
        repo.run(&["solve", &id]).ok(),
        format!("{id} new -> solved")
    );
    assert_eq!(
        repo.last_commit_message(),
        format!("solve: {id} new -> solved")
    );
    assert_eq!(
        repo.run(&["close", &id]).ok(),
        format!("{id} solved -> closed")
    );
    assert_eq!(
        repo.last_commit_message(),
        format!("close: {id} solved -> closed")
    );
    assert_eq!(
        repo.run(&["reopen", &id]).ok(),
        format!("{id} closed -> open")
    );
    assert_eq!(
        repo.last_commit_message(),
        format!("reopen: {id} closed -> open")
    );
    assert_eq!(repo.commit_count(), before + 3);
    assert_eq!(repo.key(&id, "status").unwrap(), "open");
    // Solving twice is a no-op.
    repo.run(&["solve", &id]).ok();
    let run = repo.run(&["solve", &id]);
    assert!(run.stderr.contains("already solved"), "{}", run.stderr);
    assert_eq!(repo.commit_count(), before + 4);
    repo.assert_clean();
}

#[test]
fn reopen_of_an_open_ticket_fails() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Open already", &[]);
    repo.run(&["status", &id, "pending"]).ok();
    let before = repo.commit_count();
    let err = repo.run(&["reopen", &id]).fails(1).to_string();
    assert!(
        err.contains("the ticket is pending, not solved or closed; nothing to reopen"),
        "{err}"
    );
    assert_eq!(repo.key(&id, "status").unwrap(), "pending");
    assert_nothing_written(&repo, before);
}

#[test]
fn hand_written_unknown_status_survives_other_commands() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Legacy", &["--tag", "old"]);
    let path = repo.ticket_file(&id);
    let original = std::fs::read_to_string(&path).unwrap();
    let legacy = original.replace("status: new\n", "status: legacy-status\n");
    std::fs::write(&path, &legacy).unwrap();
    repo.git(&["commit", "-q", "-am", "hand edit: legacy status"]);

    let before = repo.commit_count();
    repo.run(&["set", &id, "priority=high"]).ok();
    assert_eq!(repo.commit_count(), before + 1);
    let after = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        after,
        legacy.replace("priority: normal\n", "priority: high\n"),
        "only the priority line may change"
    );
    repo.run(&["note", &id, "-m", "Still legacy."]).ok();
    repo.run(&["assign", &id, "--me"]).ok();
    assert_eq!(repo.key(&id, "status").unwrap(), "legacy-status");
    repo.assert_clean();

    // An unknown status may move to any configured one.
    let run = repo.run(&["status", &id, "open"]);
    assert_eq!(run.ok(), format!("{id} legacy-status -> open"));
    assert_eq!(repo.key(&id, "status").unwrap(), "open");
}

#[test]
fn the_form_must_be_complete_before_solving() {
    let repo = TestRepo::new();
    let mail = "From: Aino <aino@example.fi>\nTo: support@example.com\nSubject: Complaint: broken chair\nMessage-ID: <c1@example.fi>\n\nIt broke.\n";
    repo.run_with(&["ingest"], &[], Some(mail)).ok();
    let id = repo
        .run(&["list", "--category", "complaint", "--format", "ids"])
        .ok()
        .to_string();
    assert_eq!(id.len(), 8, "routed to complaint: {id:?}");
    // Mail without the form's fields is not damage: check passes.
    repo.run(&["check"]).ok();
    let before = repo.commit_count();
    let err = repo.run(&["solve", &id]).fails(1).to_string();
    assert!(
        err.contains(
            "cannot move to solved: category complaint requires the field customer_number"
        ),
        "{err}"
    );
    assert!(
        err.contains("hint: give it with `customer_number=VALUE`"),
        "{err}"
    );
    assert_eq!(repo.commit_count(), before);
    repo.run(&["set", &id, "customer_number=C-1"]).ok();
    repo.run(&["solve", &id]).ok();
}
