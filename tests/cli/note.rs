use crate::common::*;

#[test]
fn a_note_is_one_new_event_file_in_one_commit() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Printer", &[]);
    let out = repo.run_with(
        &["note", &id, "-m", "Called back."],
        &[("TIKETTI_NOW", "2026-11-22T11:30:00Z")],
        None,
    );
    let event_id = out.ok().split_whitespace().last().unwrap().to_string();
    let rel = format!(
        "tickets/{}/{id}/events/20261122T113000Z-{event_id}.md",
        &id[..2]
    );
    assert_eq!(
        repo.read(&rel),
        format!(
            "---\nid: {event_id}\nkind: note\nauthor: anna\nat: 2026-11-22T11:30:00Z\n---\nCalled back.\n"
        )
    );
    assert_eq!(
        repo.last_commit_message(),
        format!("note: {id} Called back.")
    );
    assert_eq!(repo.commit_count(), 3);
    repo.assert_clean();
}

#[test]
fn note_text_from_stdin_file_and_editor() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Printer", &[]);
    repo.run_with(&["note", &id], &[], Some("from a pipe\n"))
        .ok();
    let file = repo.tmp.path().join("note.txt");
    std::fs::write(&file, "from a file\n").unwrap();
    repo.run(&["note", &id, "-F", file.to_str().unwrap()]).ok();
    repo.run_with(&["note", &id, "-F", "-"], &[], Some("dash means stdin"))
        .ok();
    let show = repo.run(&["show", &id]).ok().to_string();
    for text in ["from a pipe", "from a file", "dash means stdin"] {
        assert!(show.contains(text), "{text} missing in\n{show}");
    }
}

#[test]
fn empty_notes_and_missing_tickets_are_refused() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Printer", &[]);
    let err = repo
        .run_with(&["note", &id], &[], Some("  \n"))
        .fails(1)
        .to_string();
    assert!(err.contains("the note is empty"), "{err}");
    repo.run(&["note", "ZZZZZZZZ", "-m", "x"]).fails(1);
    let err = repo
        .run(&["note", &id, "-m", "x", "--attach", "/nonexistent/file.pdf"])
        .fails(1)
        .to_string();
    assert!(
        err.contains("cannot read attachment /nonexistent/file.pdf"),
        "{err}"
    );
    assert_eq!(repo.commit_count(), 2);
    repo.assert_clean();
}

#[test]
fn attachments_are_copied_with_safe_unique_names() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Printer", &[]);
    let a = repo.tmp.path().join("photo.jpg");
    std::fs::write(&a, b"\xff\xd8binary").unwrap();
    let dir = repo.tmp.path().join("other");
    std::fs::create_dir_all(&dir).unwrap();
    let b = dir.join("photo.jpg");
    std::fs::write(&b, b"second").unwrap();
    repo.run(&[
        "note",
        &id,
        "-m",
        "two photos",
        "--attach",
        a.to_str().unwrap(),
        "--attach",
        b.to_str().unwrap(),
    ])
    .ok();
    let base = format!("tickets/{}/{id}/attachments", &id[..2]);
    assert_eq!(
        std::fs::read(repo.path(&format!("{base}/photo.jpg"))).unwrap(),
        b"\xff\xd8binary"
    );
    assert_eq!(repo.read(format!("{base}/photo (2).jpg")), "second");
    let show = repo.run(&["show", &id]).ok().to_string();
    assert!(
        show.contains("[attachments: photo.jpg, photo (2).jpg]"),
        "{show}"
    );
    // A third note with the same name does not overwrite either.
    repo.run(&["note", &id, "-m", "again", "--attach", a.to_str().unwrap()])
        .ok();
    assert!(repo.path(&format!("{base}/photo (3).jpg")).exists());
    repo.assert_clean();
    repo.run(&["check"]).ok();
}
