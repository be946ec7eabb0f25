use crate::common::*;

/// Nothing was committed or left behind by a refused command.
#[test]
fn assigns_to_an_agent_in_one_commit() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Assign me", &[]);
    let before = repo.commit_count();
    let run = repo.run(&["assign", &id[..4], "anna"]);
    assert_eq!(run.ok(), format!("{id} assigned to anna"));
    assert_eq!(repo.commit_count(), before + 1);
    assert_eq!(repo.last_commit_message(), format!("assign: {id} anna"));
    assert_eq!(
        repo.git(&["log", "-1", "--format=%an <%ae>"]).trim(),
        "Anna Virtanen <anna@example.com>"
    );
    assert_eq!(repo.key(&id, "assignee").as_deref(), Some("anna"));
    // Only the assignee line was added.
    let text = std::fs::read_to_string(repo.ticket_file(&id)).unwrap();
    assert!(
        text.contains("\nstatus: new\npriority: normal\nassignee: anna\nchannel: phone\n"),
        "{text}"
    );
    repo.assert_clean();
}

#[test]
fn me_none_and_email() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Assign me", &[]);
    repo.run(&["assign", &id, "--me"]).ok();
    assert_eq!(repo.key(&id, "assignee").as_deref(), Some("anna"));
    repo.run(&["assign", &id, "--none"]).ok();
    assert_eq!(repo.last_commit_message(), format!("assign: {id} none"));
    assert_eq!(repo.key(&id, "assignee"), None);
    // By e-mail address, case-insensitively.
    repo.run(&["assign", &id, "Anna@Example.com"]).ok();
    assert_eq!(repo.key(&id, "assignee").as_deref(), Some("anna"));
    repo.assert_clean();
}

#[test]
fn groups() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Group me", &[]);
    let run = repo.run(&["assign", &id, "--me", "--group", "support"]);
    assert_eq!(run.ok(), format!("{id} assigned to anna, group support"));
    assert_eq!(
        repo.last_commit_message(),
        format!("assign: {id} anna, group support")
    );
    assert_eq!(repo.key(&id, "group").as_deref(), Some("support"));
    repo.run(&["assign", &id, "--group", "none"]).ok();
    assert_eq!(
        repo.last_commit_message(),
        format!("assign: {id} group none")
    );
    assert_eq!(repo.key(&id, "group"), None);
    assert_eq!(repo.key(&id, "assignee").as_deref(), Some("anna"));

    let before = repo.commit_count();
    let err = repo
        .run(&["assign", &id, "anna", "--group", "sales"])
        .fails(1)
        .to_string();
    assert!(err.contains("error: unknown group \"sales\""), "{err}");
    assert!(err.contains("hint: groups are support"), "{err}");
    assert_nothing_written(&repo, before);
}

#[test]
fn no_op_makes_no_commit() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Twice", &["--assignee", "anna"]);
    let before = repo.commit_count();
    let run = repo.run(&["assign", &id, "anna"]);
    assert_eq!(run.ok(), "");
    assert!(
        run.stderr.contains(&format!("{id}: nothing to change")),
        "{}",
        run.stderr
    );
    let run = repo.run(&["assign", &id, "--none", "--group", "none"]);
    run.ok();
    assert_eq!(repo.commit_count(), before + 1, "--none changed something");
    let run = repo.run(&["assign", &id, "--none"]);
    assert!(run.stderr.contains("nothing to change"), "{}", run.stderr);
    assert_eq!(repo.commit_count(), before + 1);
    repo.assert_clean();
}

#[test]
fn who_is_required_and_exclusive() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Who", &[]);
    let before = repo.commit_count();
    let err = repo.run(&["assign", &id]).fails(2).to_string();
    assert!(err.contains("say who: an agent, --me or --none"), "{err}");
    repo.run(&["assign", &id, "anna", "--me"]).fails(2);
    repo.run(&["assign", &id, "--me", "--none"]).fails(2);
    repo.run(&["assign"]).fails(2);
    assert_nothing_written(&repo, before);
}

#[test]
fn unknown_agent_and_ticket_fail() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Who", &[]);
    let before = repo.commit_count();
    let err = repo.run(&["assign", &id, "bob"]).fails(1).to_string();
    assert!(err.contains("error: unknown agent \"bob\""), "{err}");
    assert!(
        err.contains("hint: agents are anna (tiketti.yaml)"),
        "{err}"
    );
    let other = if id.starts_with('Z') {
        "YYYYYYYY"
    } else {
        "ZZZZZZZZ"
    };
    let err = repo.run(&["assign", other, "anna"]).fails(1).to_string();
    assert!(err.contains(&format!("no ticket matches {other}")), "{err}");
    assert_nothing_written(&repo, before);
}

#[test]
fn me_must_be_a_configured_agent() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Who am I", &[]);
    let before = repo.commit_count();
    let err = repo
        .run_with(&["assign", &id, "--me"], &[("TIKETTI_ACTOR", "zed")], None)
        .fails(1)
        .to_string();
    assert!(err.contains("you (zed) are not an agent"), "{err}");
    assert!(err.contains("agents are anna"), "{err}");
    assert_nothing_written(&repo, before);
    assert!(
        !std::fs::read_to_string(repo.ticket_file(&id))
            .unwrap()
            .contains("assignee")
    );
}
