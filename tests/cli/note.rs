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

#[test]
fn a_note_keeps_a_version_4_index_right_for_git() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Printer", &[]);
    repo.git(&["update-index", "--index-version", "4"]);
    let before = repo.git(&["ls-files", "--debug"]);
    repo.run(&[
        "note",
        &id,
        "-m",
        "Called back.",
        "--attach",
        "tiketti.yaml",
    ])
    .ok();
    let index = std::fs::read(repo.path(".git/index")).unwrap();
    assert_eq!(&index[4..8], &[0, 0, 0, 4], "still version 4");
    repo.assert_clean();
    assert_eq!(repo.git(&["diff", "--cached", "--name-only"]), "");
    assert_eq!(repo.git(&["update-index", "--refresh"]), "");
    // The entries of files the note did not touch are as git left them.
    let after = repo.git(&["ls-files", "--debug"]);
    let entry = |debug: &str, path: &str| {
        debug
            .split_inclusive('\n')
            .skip_while(|l| l.trim_end() != path)
            .take(6)
            .collect::<String>()
    };
    let ticket = format!("tickets/{}/{id}/ticket.md", &id[..2]);
    assert_eq!(entry(&after, &ticket), entry(&before, &ticket));
    assert_eq!(after.lines().filter(|l| !l.starts_with(' ')).count(), 6);
    // Written by tiketti's own index code: libgit2 records the device as 0.
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let event = repo.git(&[
            "show",
            "--name-only",
            "--format=",
            "HEAD",
            "--",
            "*/events/*",
        ]);
        let dev = std::fs::metadata(repo.path(event.trim())).unwrap().dev() as u32;
        let recorded = entry(&after, event.trim());
        assert!(recorded.contains(&format!("dev: {dev}\t")), "{recorded}");
    }
}

#[test]
fn a_held_index_lock_stops_after_the_commit_and_says_how_to_finish() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Printer", &[]);
    let lock = repo.path(".git/index.lock");
    std::fs::write(&lock, "").unwrap();
    let err = repo
        .run_with(
            &["note", &id, "-m", "Called back."],
            &[("TIKETTI_LOCK_TIMEOUT", "0.3")],
            None,
        )
        .fails(1)
        .to_string();
    assert!(
        err.contains("committed, but the index was not updated")
            && err.contains(".git/index.lock exists"),
        "{err}"
    );
    assert!(
        err.contains("hint: the commit and the files are right"),
        "{err}"
    );
    assert!(lock.exists(), "another program's lock is left alone");
    assert_eq!(repo.commit_count(), 3);
    std::fs::remove_file(&lock).unwrap();
    let event = repo.git(&["show", "--name-only", "--format=", "HEAD"]);
    repo.git(&["reset", "-q", "--", event.trim()]);
    repo.assert_clean();
}

#[cfg(unix)]
#[test]
fn the_replaced_index_is_freed_by_a_process_of_its_own_after_the_answer() {
    use std::os::unix::fs::PermissionsExt;
    let repo = TestRepo::new();
    let id = repo.new_ticket("Printer", &[]);
    let before = std::fs::read(repo.path(".git/index")).unwrap();
    // An `rm` that keeps a copy of what it is asked to remove, then removes it.
    let bin = repo.path("../bin");
    std::fs::create_dir_all(&bin).unwrap();
    let seen = repo.path("../removed");
    std::fs::write(
        bin.join("rm"),
        format!(
            "#!/bin/sh\nfor a; do last=\"$a\"; done\ncp \"$last\" {0}.tmp && mv {0}.tmp {0}\nexec /bin/rm \"$@\"\n",
            seen.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(bin.join("rm"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    repo.run_with(
        &["note", &id, "-m", "Called back."],
        &[("PATH", &path)],
        None,
    )
    .ok();
    let old = repo.path(".git/tiketti/index.old");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while (old.exists() || !seen.exists()) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(!old.exists(), "removed");
    assert_eq!(
        std::fs::read(&seen).unwrap(),
        before,
        "the index as it was before"
    );
    repo.assert_clean();
}
