use crate::common::*;

/// Nothing was committed or left behind by a refused command.
fn file(repo: &TestRepo, id: &str) -> String {
    std::fs::read_to_string(repo.ticket_file(id)).unwrap()
}

#[test]
fn priority_makes_one_commit() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Set me", &[]);
    let before_text = file(&repo, &id);
    let before = repo.commit_count();
    let run = repo.run(&["set", &id[..4], "priority=high"]);
    assert_eq!(run.ok(), format!("{id} priority=high"));
    assert_eq!(repo.commit_count(), before + 1);
    assert_eq!(
        repo.last_commit_message(),
        format!("set: {id} priority=high")
    );
    assert_eq!(
        repo.git(&["log", "-1", "--format=%an <%ae>"]).trim(),
        "Anna Virtanen <anna@example.com>"
    );
    assert_eq!(
        file(&repo, &id),
        before_text.replace("priority: normal", "priority: high")
    );
    repo.assert_clean();
}

#[test]
fn several_changes_make_one_commit() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Many", &[]);
    let before = repo.commit_count();
    let run = repo.run(&[
        "set",
        &id,
        "priority=urgent",
        "due=2026-12-24",
        "subject=  A better subject ",
        "channel=chat",
        "requester=Bo Berg <bo@example.com>",
        "+vip",
    ]);
    run.ok();
    assert_eq!(repo.commit_count(), before + 1);
    assert_eq!(
        repo.last_commit_message(),
        format!(
            "set: {id} priority=urgent due=2026-12-24 subject=A better subject channel=chat requester=Bo Berg <bo@example.com> +vip"
        )
    );
    assert_eq!(
        file(&repo, &id),
        format!(
            "---\nid: {id}\nsubject: A better subject\nstatus: new\npriority: urgent\nrequester: Bo Berg <bo@example.com>\nchannel: chat\ntags: [vip]\ndue: 2026-12-24\ncreated: 2026-11-22T10:00:00Z\n---\nText.\n"
        )
    );
    repo.assert_clean();
}

#[test]
fn due_forms_and_clearing() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Due", &[]);
    repo.run(&["set", &id, "due=3d"]).ok();
    assert_eq!(repo.key(&id, "due").as_deref(), Some("2026-11-25"));
    repo.run(&["set", &id, "due=4h"]).ok();
    assert_eq!(
        repo.key(&id, "due").as_deref(),
        Some("2026-11-22T14:00:00Z")
    );
    repo.run(&["set", &id, "due="]).ok();
    assert_eq!(repo.key(&id, "due"), None);
    assert_eq!(repo.last_commit_message(), format!("set: {id} due="));

    let before = repo.commit_count();
    let err = repo.run(&["set", &id, "due=someday"]).fails(1).to_string();
    assert!(
        err.contains("due date \"someday\" is not understood"),
        "{err}"
    );
    let err = repo
        .run(&["set", &id, "due=99999999999d"])
        .fails(1)
        .to_string();
    assert!(err.contains("too far in the future"), "{err}");
    assert_nothing_written(&repo, before);
}

#[test]
fn category_checks_required_fields() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Angry", &[]);
    let before = repo.commit_count();
    let err = repo
        .run(&["set", &id, "category=complaint"])
        .fails(1)
        .to_string();
    assert!(
        err.contains("category complaint requires the field customer_number"),
        "{err}"
    );
    assert!(err.contains("customer_number=VALUE"), "{err}");
    let err = repo
        .run(&["set", &id, "category=gripe"])
        .fails(1)
        .to_string();
    assert!(err.contains("unknown category \"gripe\""), "{err}");
    assert!(
        err.contains("categories are question, quote-request"),
        "{err}"
    );
    assert_nothing_written(&repo, before);

    repo.run(&["set", &id, "category=complaint", "customer_number=C1"])
        .ok();
    assert_eq!(repo.commit_count(), before + 1);
    let text = file(&repo, &id);
    assert!(text.contains("\ncategory: complaint\n"), "{text}");
    assert!(
        text.contains("\nfields:\n  customer_number: C1\n"),
        "{text}"
    );

    // Clearing the required field now is refused too.
    let err = repo
        .run(&["set", &id, "customer_number="])
        .fails(1)
        .to_string();
    assert!(err.contains("requires the field customer_number"), "{err}");
    assert_nothing_written(&repo, before + 1);
    // Leaving the category first is fine.
    repo.run(&["set", &id, "category=", "customer_number="])
        .ok();
    let text = file(&repo, &id);
    assert!(
        !text.contains("category") && !text.contains("fields"),
        "{text}"
    );
}

#[test]
fn subject_rules() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Old subject", &[]);
    repo.run(&["set", &id, "subject=New: subject #1"]).ok();
    let out = repo.run(&["show", &id]).ok().to_string();
    assert!(
        out.starts_with(&format!("{id}  New: subject #1\n")),
        "{out}"
    );
    let before = repo.commit_count();
    let err = repo.run(&["set", &id, "subject="]).fails(1).to_string();
    assert!(err.contains("the subject cannot be empty"), "{err}");
    let err = repo
        .run(&["set", &id, "subject=two\nlines"])
        .fails(1)
        .to_string();
    assert!(err.contains("the subject must be one line"), "{err}");
    assert_nothing_written(&repo, before);
}

#[test]
fn tags() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Tags", &["--tag", "a"]);
    let run = repo.run(&["set", &id, "+b", "+a", "-a", "+c"]);
    assert_eq!(run.ok(), format!("{id} +b +a -a +c"));
    assert_eq!(repo.key(&id, "tags").as_deref(), Some("[b, c]"));
    // Replaced all at once; blanks and repeats are dropped.
    repo.run(&["set", &id, "tags=x, y,,x"]).ok();
    assert_eq!(repo.key(&id, "tags").as_deref(), Some("[x, y]"));
    repo.run(&["set", &id, "tags="]).ok();
    assert_eq!(repo.key(&id, "tags"), None);

    let before = repo.commit_count();
    // Removing a tag that is not there changes nothing.
    let run = repo.run(&["set", &id, "-nope"]);
    assert!(run.stderr.contains("nothing to change"), "{}", run.stderr);
    // A bare + or - names no tag.
    for bare in ["+", "-", "+  "] {
        let err = repo.run(&["set", &id, bare]).fails(1).to_string();
        assert!(err.contains("names no tag"), "{bare:?}: {err}");
    }
    assert_nothing_written(&repo, before);
    // Tags are trimmed.
    repo.run(&["set", &id, "+ spaced "]).ok();
    assert_eq!(repo.key(&id, "tags").as_deref(), Some("[spaced]"));
}

#[test]
fn cc_add_remove_replace() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Cc", &["--cc", "Cy <cy@example.com>"]);
    repo.run(&["set", &id, "cc=+Dee <dee@example.com>"]).ok();
    assert_eq!(
        repo.key(&id, "cc").as_deref(),
        Some("[Cy <cy@example.com>, Dee <dee@example.com>]")
    );
    // Removal by address, case-insensitively.
    repo.run(&["set", &id, "cc=-CY@example.com"]).ok();
    assert_eq!(
        repo.key(&id, "cc").as_deref(),
        Some("[Dee <dee@example.com>]")
    );
    repo.run(&["set", &id, "cc=eve@example.com"]).ok();
    assert_eq!(repo.key(&id, "cc").as_deref(), Some("[eve@example.com]"));
    repo.run(&["set", &id, "cc="]).ok();
    assert_eq!(repo.key(&id, "cc"), None);
    let before = repo.commit_count();
    let err = repo.run(&["set", &id, "cc=+Bo <bo>"]).fails(1).to_string();
    assert!(err.contains("is not an e-mail address"), "{err}");
    let err = repo
        .run(&["set", &id, "requester=Anna <not-an-address>"])
        .fails(1)
        .to_string();
    assert!(err.contains("requester \"Anna <not-an-address>\""), "{err}");
    assert_nothing_written(&repo, before);
}

#[test]
fn custom_fields_by_name_and_prefixed() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Fields", &[]);
    repo.run(&["set", &id, "order_number=O-1"]).ok();
    repo.run(&["set", &id, "fields.customer_number=C-2"]).ok();
    assert!(
        file(&repo, &id).contains("\nfields:\n  order_number: O-1\n  customer_number: C-2\n---\n"),
        "{}",
        file(&repo, &id)
    );
    repo.run(&["set", &id, "fields.order_number=O-9"]).ok();
    assert!(file(&repo, &id).contains("\n  order_number: O-9\n"));
    repo.run(&["set", &id, "order_number=", "customer_number="])
        .ok();
    assert!(!file(&repo, &id).contains("fields"), "{}", file(&repo, &id));
}

#[test]
fn undeclared_and_reserved_keys_are_refused() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Keys", &[]);
    let before = repo.commit_count();
    let err = repo.run(&["set", &id, "colour=red"]).fails(1).to_string();
    assert!(err.contains("error: unknown field \"colour\""), "{err}");
    assert!(
        err.contains("hint: fields are subject, priority, category, due, channel, requester, cc, tags, and the custom fields customer_number, order_number"),
        "{err}"
    );
    let err = repo
        .run(&["set", &id, "fields.colour=red"])
        .fails(1)
        .to_string();
    assert!(err.contains("unknown field \"fields.colour\""), "{err}");
    let err = repo.run(&["set", &id, "status=open"]).fails(1).to_string();
    assert!(err.contains("`status` cannot be changed with set"), "{err}");
    assert!(err.contains("tiketti status ID STATUS"), "{err}");
    let err = repo
        .run(&["set", &id, "assignee=anna"])
        .fails(1)
        .to_string();
    assert!(
        err.contains("`assignee` cannot be changed with set"),
        "{err}"
    );
    assert!(err.contains("tiketti assign"), "{err}");
    let err = repo.run(&["set", &id, "id=ABCDEFGH"]).fails(1).to_string();
    assert!(err.contains("`id` cannot be changed with set"), "{err}");
    let err = repo.run(&["set", &id, "priority=meh"]).fails(1).to_string();
    assert!(
        err.contains("priorities are low, normal, high, urgent"),
        "{err}"
    );
    let err = repo.run(&["set", &id, "channel=fax"]).fails(1).to_string();
    assert!(err.contains("channels are email"), "{err}");
    let err = repo.run(&["set", &id, "nonsense"]).fails(1).to_string();
    assert!(err.contains("is not key=value, +tag or -tag"), "{err}");
    // A good change next to a bad one is not applied either.
    let err = repo
        .run(&["set", &id, "priority=high", "colour=red"])
        .fails(1)
        .to_string();
    assert!(err.contains("unknown field"), "{err}");
    // No changes at all is a usage error.
    repo.run(&["set", &id]).fails(2);
    assert_nothing_written(&repo, before);
    assert_eq!(repo.key(&id, "priority").as_deref(), Some("normal"));
}

#[test]
fn no_op_makes_no_commit() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Same", &["--tag", "a"]);
    let before = repo.commit_count();
    let run = repo.run(&["set", &id, "priority=normal", "+a"]);
    assert_eq!(run.ok(), "");
    assert!(
        run.stderr.contains(&format!("{id}: nothing to change")),
        "{}",
        run.stderr
    );
    // A change and its undo in one call is no change either.
    let run = repo.run(&["set", &id, "priority=high", "priority=normal"]);
    assert!(run.stderr.contains("nothing to change"), "{}", run.stderr);
    assert_nothing_written(&repo, before);
}

#[test]
fn unknown_keys_and_comments_survive() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Hand edited", &[]);
    let path = repo.ticket_file(&id);
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text
        .replace("status: new\n", "status: new\n# keep this comment\n")
        .replace("---\nText.", "legacy_id: 4711\n---\nText.");
    assert_ne!(edited, text);
    std::fs::write(&path, &edited).unwrap();
    repo.git(&["commit", "-q", "-am", "hand edit"]);

    repo.run(&["set", &id, "priority=low", "+x", "order_number=O-5"])
        .ok();
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(
        after.contains("status: new\n# keep this comment\n"),
        "{after}"
    );
    assert!(after.contains("\nlegacy_id: 4711\n"), "{after}");
    assert!(after.contains("\npriority: low\n"), "{after}");
    assert_eq!(
        after,
        format!(
            "---\nid: {id}\nsubject: Hand edited\nstatus: new\n# keep this comment\npriority: low\nchannel: phone\ntags: [x]\ncreated: 2026-11-22T10:00:00Z\nfields:\n  order_number: O-5\nlegacy_id: 4711\n---\nText.\n"
        )
    );
    repo.assert_clean();
}

#[test]
fn cc_is_a_set_of_people_by_address() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Cc", &["--cc", "Bo <bo@example.com>"]);
    let before = repo.commit_count();
    let out = repo.run(&["set", &id, "cc=+BO@example.com"]);
    assert!(out.stderr.contains("nothing to change"), "{}", out.stderr);
    assert_eq!(repo.commit_count(), before);
    repo.run(&["set", &id, "cc=-bo@example.com"]).ok();
    assert!(
        !std::fs::read_to_string(repo.ticket_file(&id))
            .unwrap()
            .contains("cc:")
    );
}
