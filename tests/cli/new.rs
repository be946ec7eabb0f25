use crate::common::*;

use std::process::Output;

/// Nothing was committed or left behind by a refused command.
fn is_ticket_id(s: &str) -> bool {
    s.len() == 8
        && s.bytes()
            .all(|b| b"0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(&b))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[track_caller]
fn output_ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "expected success\nstdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout).trim().to_string()
}

#[test]
fn prints_only_the_id_and_makes_one_commit() {
    let repo = TestRepo::new();
    let before = repo.commit_count();
    let run = repo.run(&["new", "--subject", "Printer on fire", "-m", "Smoke."]);
    let id = run.ok().to_string();
    assert_eq!(run.stdout, format!("{id}\n"), "stdout is the ID alone");
    assert!(is_ticket_id(&id), "{id:?} is not 8 Crockford characters");
    assert_eq!(run.stderr, "");
    assert_eq!(repo.commit_count(), before + 1);
    assert_eq!(
        repo.last_commit_message(),
        format!("new: {id} Printer on fire")
    );
    assert_eq!(
        repo.git(&["log", "-1", "--format=%an <%ae>"]).trim(),
        "Anna Virtanen <anna@example.com>"
    );
    // The commit touches exactly the ticket file.
    let files = repo.git(&["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(files.trim(), format!("tickets/{}/{id}/ticket.md", &id[..2]));
    repo.assert_clean();
}

#[test]
fn ticket_file_is_written_exactly() {
    let repo = TestRepo::new();
    let id = repo
        .run(&[
            "new",
            "--subject",
            "Printer on fire",
            "--requester",
            "Bo Berg <bo@example.com>",
            "--channel",
            "chat",
            "--category",
            "order",
            "--priority",
            "high",
            "--due",
            "2026-11-30",
            "--assignee",
            "anna",
            "--group",
            "support",
            "--tag",
            "hardware",
            "--tag",
            "vip",
            "--tag",
            "hardware",
            "--cc",
            "Cy Cee <cy@example.com>",
            "--field",
            "order_number=O-1",
            "-m",
            "It smokes.",
            "-m",
            "Second paragraph.",
        ])
        .ok()
        .to_string();
    let expected = format!(
        "---
id: {id}
subject: Printer on fire
status: new
priority: high
category: order
assignee: anna
group: support
requester: Bo Berg <bo@example.com>
cc: [Cy Cee <cy@example.com>]
channel: chat
tags: [hardware, vip]
due: 2026-11-30
created: 2026-11-22T10:00:00Z
fields:
  order_number: O-1
---
It smokes.

Second paragraph.
"
    );
    assert_eq!(
        std::fs::read_to_string(repo.ticket_file(&id)).unwrap(),
        expected
    );
    // What is committed is what is in the work tree.
    let committed = repo.git(&["show", &format!("HEAD:tickets/{}/{id}/ticket.md", &id[..2])]);
    assert_eq!(committed, expected);
    repo.assert_clean();
}

#[test]
fn defaults_fill_status_priority_channel_and_created() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Just a question", &[]);
    let file = std::fs::read_to_string(repo.ticket_file(&id)).unwrap();
    assert_eq!(
        file,
        format!(
            "---\nid: {id}\nsubject: Just a question\nstatus: new\npriority: normal\nchannel: phone\ncreated: 2026-11-22T10:00:00Z\n---\nText.\n"
        )
    );
}

#[test]
fn text_comes_from_file_dash_and_piped_stdin() {
    let repo = TestRepo::new();
    let file = repo.tmp.path().join("request.txt");
    std::fs::write(&file, "From a file.\nSecond line.\n\n\n").unwrap();
    let from_file = repo
        .run(&["new", "--subject", "file", "-F", file.to_str().unwrap()])
        .ok()
        .to_string();
    let from_dash = repo
        .run_with(
            &["new", "--subject", "dash", "-F", "-"],
            &[],
            Some("From dash.\n"),
        )
        .ok()
        .to_string();
    let piped = repo
        .run_with(&["new", "--subject", "piped"], &[], Some("Piped text.\n"))
        .ok()
        .to_string();
    let body = |id: &str| {
        let t = std::fs::read_to_string(repo.ticket_file(id)).unwrap();
        t.splitn(3, "---\n").nth(2).unwrap().to_string()
    };
    // Trailing blank lines are tidied away.
    assert_eq!(body(&from_file), "From a file.\nSecond line.\n");
    assert_eq!(body(&from_dash), "From dash.\n");
    assert_eq!(body(&piped), "Piped text.\n");
    repo.assert_clean();
}

#[test]
fn crlf_text_is_stored_with_lf_and_stays_so() {
    let repo = TestRepo::new();
    let file = repo.tmp.path().join("windows.txt");
    std::fs::write(&file, "Line one.\r\nLine two.\r\n").unwrap();
    let id = repo
        .run(&["new", "--subject", "crlf", "-F", file.to_str().unwrap()])
        .ok()
        .to_string();
    repo.run(&["set", &id, "priority=high"]).ok();
    let text = std::fs::read_to_string(repo.ticket_file(&id)).unwrap();
    assert!(!text.contains('\r'), "{text:?}");
    assert!(text.ends_with("---\nLine one.\nLine two.\n"), "{text:?}");
    assert!(text.contains("\npriority: high\n"), "{text:?}");
}

#[test]
fn text_sources_conflict_and_missing_file_fails() {
    let repo = TestRepo::new();
    let before = repo.commit_count();
    let err = repo
        .run(&["new", "--subject", "s", "-m", "x", "-F", "a.txt"])
        .fails(2)
        .to_string();
    assert!(err.contains("cannot be used with"), "{err}");
    let err = repo
        .run(&["new", "--subject", "s", "-F", "no-such-file.txt"])
        .fails(1)
        .to_string();
    assert!(err.contains("no-such-file.txt"), "{err}");
    assert_nothing_written(&repo, before);
}

#[test]
fn fields_tags_and_cc_are_written() {
    let repo = TestRepo::new();
    let id = repo.new_ticket(
        "Fields",
        &[
            "--field",
            "customer_number=C-42",
            "--field",
            "order_number = O-7",
            "--tag",
            "a",
            "--tag",
            " ",
            "--cc",
            "dee@example.com",
            "--cc",
            "Eve <eve@example.com>",
        ],
    );
    let file = std::fs::read_to_string(repo.ticket_file(&id)).unwrap();
    assert!(
        file.contains("\ncc: [dee@example.com, Eve <eve@example.com>]\n"),
        "{file}"
    );
    assert!(file.contains("\ntags: [a]\n"), "{file}");
    assert!(
        file.contains("\nfields:\n  customer_number: C-42\n  order_number: O-7\n---\n"),
        "{file}"
    );
}

#[test]
fn bad_fields_and_cc_are_refused() {
    let repo = TestRepo::new();
    let before = repo.commit_count();
    let err = repo
        .run(&["new", "--subject", "s", "-m", "x", "--field", "colour=red"])
        .fails(1)
        .to_string();
    assert!(err.contains("unknown field \"colour\""), "{err}");
    assert!(err.contains("customer_number, order_number"), "{err}");
    let err = repo
        .run(&[
            "new",
            "--subject",
            "s",
            "-m",
            "x",
            "--field",
            "customer_number",
        ])
        .fails(1)
        .to_string();
    assert!(err.contains("is not KEY=VALUE"), "{err}");
    let err = repo
        .run(&["new", "--subject", "s", "-m", "x", "--cc", "Bo <bo>"])
        .fails(1)
        .to_string();
    assert!(err.contains("--cc \"Bo <bo>\""), "{err}");
    let err = repo
        .run(&["new", "--subject", "s", "-m", "x", "--group", "sales"])
        .fails(1)
        .to_string();
    assert!(err.contains("unknown group \"sales\""), "{err}");
    assert!(err.contains("groups are support"), "{err}");
    assert_nothing_written(&repo, before);
}

#[test]
fn due_dates_as_people_write_them() {
    let repo = TestRepo::new();
    let due_of = |id: &str| repo.key(id, "due").unwrap_or_default();
    for (given, stored) in [
        ("2026-12-24", "2026-12-24"),
        ("3d", "2026-11-25"),
        ("4h", "2026-11-22T14:00:00Z"),
        ("tomorrow", "2026-11-23"),
        ("2026-11-30T15:00:00+02:00", "2026-11-30T13:00:00Z"),
    ] {
        let id = repo.new_ticket("due", &["--due", given]);
        assert_eq!(due_of(&id), stored, "--due {given}");
    }
    let before = repo.commit_count();
    let err = repo
        .run(&["new", "--subject", "s", "-m", "x", "--due", "whenever"])
        .fails(1)
        .to_string();
    assert!(
        err.contains("error: due date \"whenever\" is not understood"),
        "{err}"
    );
    assert!(err.contains("hint: write 2026-11-30"), "{err}");
    // Absurd counts are an error, not a crash.
    for absurd in ["99999999999d", "99999999999999h"] {
        let err = repo
            .run(&["new", "--subject", "s", "-m", "x", "--due", absurd])
            .fails(1)
            .to_string();
        assert!(err.contains("too far in the future"), "{err}");
    }
    assert_nothing_written(&repo, before);
}

#[test]
fn assignee_me_agent_and_unknown() {
    let repo = TestRepo::new();
    let assignee_of = |id: &str| repo.key(id, "assignee");
    let me = repo.new_ticket("me", &["--assignee", "me"]);
    assert_eq!(assignee_of(&me).as_deref(), Some("anna"));
    let anna = repo.new_ticket("anna", &["--assignee", "anna"]);
    assert_eq!(assignee_of(&anna).as_deref(), Some("anna"));
    let by_mail = repo.new_ticket("mail", &["--assignee", "ANNA@example.com"]);
    assert_eq!(assignee_of(&by_mail).as_deref(), Some("anna"));
    let nobody = repo.new_ticket("none", &["--assignee", "none"]);
    assert_eq!(assignee_of(&nobody), None);

    let before = repo.commit_count();
    let err = repo
        .run(&["new", "--subject", "s", "-m", "x", "--assignee", "bob"])
        .fails(1)
        .to_string();
    assert!(err.contains("error: unknown agent \"bob\""), "{err}");
    assert!(
        err.contains("hint: agents are anna (tiketti.yaml)"),
        "{err}"
    );
    assert_nothing_written(&repo, before);
}

#[test]
fn unknown_category_priority_and_channel_name_the_valid_values() {
    let repo = TestRepo::new();
    let before = repo.commit_count();
    for (flag, value, message, hint) in [
        (
            "--category",
            "gripe",
            "unknown category \"gripe\"",
            "categories are question, quote-request, order, complaint, feedback, incident",
        ),
        (
            "--priority",
            "meh",
            "unknown priority \"meh\"",
            "priorities are low, normal, high, urgent",
        ),
        (
            "--channel",
            "fax",
            "unknown channel \"fax\"",
            "channels are email, phone, chat, web, social, walk-in",
        ),
    ] {
        let run = repo.run(&["new", "--subject", "s", "-m", "x", flag, value]);
        let err = run.fails(1);
        assert!(err.contains(message), "{flag}: {err}");
        assert!(err.contains(hint), "{flag}: {err}");
        assert_eq!(run.stdout, "", "no ID is printed on failure");
    }
    assert_nothing_written(&repo, before);
}

#[test]
fn the_complaint_form_requires_a_customer_number() {
    let repo = TestRepo::new();
    let before = repo.commit_count();
    let err = repo
        .run(&[
            "new",
            "--subject",
            "Broken",
            "-m",
            "x",
            "--category",
            "complaint",
        ])
        .fails(1)
        .to_string();
    assert!(
        err.contains("category complaint requires the field customer_number"),
        "{err}"
    );
    assert!(err.contains("--field customer_number=VALUE"), "{err}");
    assert_nothing_written(&repo, before);

    let id = repo.new_ticket(
        "Broken",
        &["--category", "complaint", "--field", "customer_number=C-1"],
    );
    let file = std::fs::read_to_string(repo.ticket_file(&id)).unwrap();
    assert!(file.contains("\ncategory: complaint\n"), "{file}");
    assert!(
        file.contains("\nfields:\n  customer_number: C-1\n"),
        "{file}"
    );
    assert_eq!(repo.commit_count(), before + 1);
}

#[test]
fn bad_requester_and_subject_are_refused() {
    let repo = TestRepo::new();
    let before = repo.commit_count();
    let err = repo
        .run(&[
            "new",
            "--subject",
            "s",
            "-m",
            "x",
            "--requester",
            "Anna <not-an-address>",
        ])
        .fails(1)
        .to_string();
    assert!(
        err.contains("--requester \"Anna <not-an-address>\""),
        "{err}"
    );
    assert!(err.contains("is not an e-mail address"), "{err}");
    let err = repo
        .run(&["new", "--subject", "   ", "-m", "x"])
        .fails(1)
        .to_string();
    assert!(err.contains("the subject is empty"), "{err}");
    let err = repo
        .run(&["new", "--subject", "two\nlines", "-m", "x"])
        .fails(1)
        .to_string();
    assert!(err.contains("the subject must be one line"), "{err}");
    // No --subject at all is a usage error.
    repo.run(&["new", "-m", "x"]).fails(2);
    assert_nothing_written(&repo, before);

    // A bare address and a bare name are fine requesters.
    let id = repo.new_ticket("s", &["--requester", "  bo@example.com "]);
    let file = std::fs::read_to_string(repo.ticket_file(&id)).unwrap();
    assert!(file.contains("\nrequester: bo@example.com\n"), "{file}");
}

#[test]
fn outside_a_helpdesk_says_how_to_make_one() {
    let repo = TestRepo::empty();
    let run = repo.run(&["new", "--subject", "s", "-m", "x"]);
    let err = run.fails(1);
    assert!(err.contains("not inside a tiketti helpdesk"), "{err}");
    assert!(err.contains("tiketti init"), "{err}");
    assert_eq!(run.stdout, "");
    assert!(!repo.path(".git").exists());
}

#[test]
fn repo_flag_and_env_reach_the_helpdesk_from_elsewhere() {
    let repo = TestRepo::new();
    let before = repo.commit_count();
    let elsewhere = repo.home.clone();

    let out = repo
        .cmd()
        .current_dir(&elsewhere)
        .args([
            "--repo",
            repo.root.to_str().unwrap(),
            "new",
            "--subject",
            "flag",
            "-m",
            "x",
        ])
        .output()
        .unwrap();
    let by_flag = output_ok(&out);
    assert!(repo.ticket_file(&by_flag).is_file());

    let out = repo
        .cmd()
        .current_dir(&elsewhere)
        .env("TIKETTI_REPO", &repo.root)
        .args(["new", "--subject", "env", "-m", "x"])
        .output()
        .unwrap();
    let by_env = output_ok(&out);
    assert!(repo.ticket_file(&by_env).is_file());

    // From a subdirectory, the helpdesk is found by walking up.
    let sub = repo.root.join("deep/er");
    std::fs::create_dir_all(&sub).unwrap();
    let out = repo
        .cmd()
        .current_dir(&sub)
        .args(["new", "--subject", "sub", "-m", "x"])
        .output()
        .unwrap();
    let from_sub = output_ok(&out);
    assert!(repo.ticket_file(&from_sub).is_file());

    assert_eq!(repo.commit_count(), before + 3);
    assert!(!elsewhere.join("tickets").exists());
    assert!(!sub.join("tickets").exists());
    repo.assert_clean();

    // --repo pointing at a directory that is not a helpdesk fails.
    let out = repo
        .cmd()
        .args([
            "--repo",
            elsewhere.to_str().unwrap(),
            "new",
            "--subject",
            "s",
            "-m",
            "x",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("tiketti.yaml"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(repo.commit_count(), before + 3);
}

#[test]
fn tags_are_single_words() {
    let repo = TestRepo::new();
    let err = repo
        .run(&["new", "-s", "x", "-m", "y", "--tag", "two words"])
        .fails(1)
        .to_string();
    assert!(
        err.contains("tag \"two words\" has a space or comma"),
        "{err}"
    );
    let id = repo.new_ticket("x", &[]);
    repo.run(&["set", &id, "tags=a,b c"]).fails(1);
    repo.run(&["set", &id, "+x,y"]).fails(1);
    assert_eq!(repo.commit_count(), 2);
}
