use crate::common::*;

#[test]
fn edit_commits_a_valid_change() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Printer", &[]);
    let editor = repo.editor_script(
        "ed.sh",
        r#"sed -i 's/priority: normal/priority: high/; s/^Text\.$/Better text./' "$1""#,
    );
    let out = repo.run_with(&["edit", &id], &[("EDITOR", &editor)], None);
    assert_eq!(out.ok(), format!("{id} edited: priority, description"));
    assert_eq!(
        repo.last_commit_message(),
        format!("edit: {id} priority, description")
    );
    let text = std::fs::read_to_string(repo.ticket_file(&id)).unwrap();
    assert!(
        text.contains("priority: high\n") && text.ends_with("Better text.\n"),
        "{text}"
    );
    repo.assert_clean();
}

#[test]
fn edit_without_changes_commits_nothing() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Printer", &[]);
    let out = repo.run_with(&["edit", &id], &[("EDITOR", "true")], None);
    assert!(out.stderr.contains("no changes"), "{}", out.stderr);
    assert_eq!(repo.commit_count(), 2);
}

#[test]
fn a_broken_edit_is_refused_and_kept_for_recovery() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Printer", &[]);
    let before = std::fs::read_to_string(repo.ticket_file(&id)).unwrap();
    let editor = repo.editor_script(
        "ed.sh",
        r#"sed -i 's/^subject: .*/subject: [unclosed/' "$1""#,
    );
    let out = repo.run_with(&["edit", &id], &[("EDITOR", &editor)], None);
    let err = out.fails(1).to_string();
    assert!(
        err.contains(&format!("tickets/{}/{id}/ticket.md:3: ", &id[..2])),
        "{err}"
    );
    assert!(err.contains("nothing was changed"), "{err}");
    let kept = err
        .split("kept in ")
        .nth(1)
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .trim();
    assert!(
        std::fs::read_to_string(kept)
            .unwrap()
            .contains("subject: [unclosed")
    );
    assert_eq!(
        std::fs::read_to_string(repo.ticket_file(&id)).unwrap(),
        before
    );
    assert_eq!(repo.commit_count(), 2);
    repo.assert_clean();
}

#[test]
fn edit_refuses_values_the_config_does_not_allow_and_id_changes() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Printer", &[]);
    let editor = repo.editor_script("ed.sh", r#"sed -i 's/^status: new/status: slvd/' "$1""#);
    let err = repo
        .run_with(&["edit", &id], &[("EDITOR", &editor)], None)
        .fails(1)
        .to_string();
    assert!(
        err.contains("ticket.md:4: unknown status \"slvd\""),
        "{err}"
    );
    let editor = repo.editor_script("ed2.sh", r#"sed -i 's/^id: .*/id: 00000000/' "$1""#);
    let err = repo
        .run_with(&["edit", &id], &[("EDITOR", &editor)], None)
        .fails(1)
        .to_string();
    assert!(err.contains("the id cannot change"), "{err}");
    let err = repo
        .run_with(&["edit", &id], &[("EDITOR", "false")], None)
        .fails(1)
        .to_string();
    assert!(err.contains("exited with"), "{err}");
    assert_eq!(repo.commit_count(), 2);
}
