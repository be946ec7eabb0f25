//! `tiketti outbox list|show|flush|drop`: the queue of mail leaving this clone. A message
//! counts as sent only once the transport took it; a failure stays queued with its
//! error (and `flush` exits 1); flushing twice never sends twice. The transports here are
//! capture scripts and failing scripts (mail_support.rs), never the machine's sendmail.

use serde_json::Value;

use crate::common::*;
use crate::mail_support::*;

/// A quiet helpdesk with Märta's ticket and one reply to it queued; returns the entry ID.
fn queued_reply(repo: &TestRepo) -> (String, String) {
    let id = repo.new_ticket(
        "Tilaus ei näy",
        &[
            "--requester",
            "Märta Ström <marta@example.se>",
            "--cc",
            "bo@customer.fi",
        ],
    );
    let before = outbox(repo, &[]);
    repo.run(&["reply", &id, "-m", "Hei Märta.", "--queue"])
        .ok();
    let new = outbox(repo, &[])
        .into_iter()
        .find(|e| !before.contains(e))
        .expect("a new entry");
    (id, new["id"].as_str().unwrap().to_string())
}

fn json(run: &Run) -> Value {
    serde_json::from_str(run.ok()).unwrap()
}

#[test]
fn an_empty_outbox() {
    let repo = TestRepo::quiet();
    let cap = capture(&repo);
    for (args, stderr) in [
        (vec!["outbox", "list"], "no queued messages\n"),
        (vec!["outbox", "list", "--sent"], "no sent messages\n"),
        (vec!["outbox", "list", "--dropped"], "no dropped messages\n"),
        (vec!["outbox", "flush"], "outbox: 0 sent\n"),
    ] {
        let run = repo.run(&args);
        assert_eq!(run.ok(), "", "{args:?}");
        assert_eq!(run.stderr, stderr, "{args:?}");
    }
    assert_eq!(
        json(&repo.run(&["outbox", "list", "--format", "json"])),
        serde_json::json!({"schema_version": 1, "messages": []})
    );
    assert_eq!(cap.count(), 0);
    repo.run(&["outbox", "list", "--sent", "--dropped"])
        .fails(2);
    repo.run(&["outbox", "drop"]).fails(2);
    repo.run(&["outbox", "frobnicate"]).fails(2);
    // Outside a helpdesk.
    let empty = TestRepo::empty();
    assert!(empty.run(&["outbox", "list"]).fails(1).contains("error:"));
    repo.assert_clean();
}

#[test]
fn list_and_show_what_is_queued() {
    let repo = TestRepo::quiet();
    capture(&repo);
    let (id, eid) = queued_reply(&repo);
    let table = repo.run(&["outbox", "list"]);
    let lines: Vec<&str> = table.ok().lines().collect();
    assert_eq!(lines.len(), 2, "{}", table.stdout);
    for word in ["ID", "TICKET", "TO", "SUBJECT", "QUEUED", "STATE"] {
        assert!(lines[0].to_uppercase().contains(word), "{}", lines[0]);
    }
    assert!(lines[1].starts_with(&eid), "{}", lines[1]);
    assert!(lines[1].contains(&id) && lines[1].contains("2026-11-22T10:00:00Z"));
    assert!(lines[1].trim_end().ends_with("ready"), "{}", lines[1]);

    let list = outbox(&repo, &[]);
    assert_eq!(list.len(), 1);
    let e = &list[0];
    assert_eq!(e["id"], eid.as_str());
    assert_eq!(e["ticket"], id.as_str());
    assert_eq!(e["from"], "support@example.com");
    assert_eq!(
        e["to"],
        serde_json::json!(["marta@example.se", "bo@customer.fi"])
    );
    assert_eq!(e["subject"], format!("[Support #{id}] Re: Tilaus ei näy"));
    assert_eq!(e["auto"], false);
    assert_eq!(e["attempts"], 0);
    assert_eq!(e["state"], "ready");
    assert!(
        e["event"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/events/20261122T100000Z-{eid}.md"))
    );

    // show: the record, then the message as it will be sent (LF line ends).
    let run = repo.run(&["outbox", "show", &eid[..5]]);
    let shown = run.ok();
    assert!(
        shown.starts_with(&format!(
            "# {eid} (ready)\n# envelope: support@example.com -> marta@example.se, bo@customer.fi\n# ticket: {id}\n# attempts: 0\n"
        )),
        "{shown}"
    );
    assert!(!shown.contains('\r'));
    let message = shown.split_once("# attempts: 0\n").unwrap().1;
    let m = parse(message.as_bytes());
    assert_eq!(
        m.header("Subject"),
        Some(format!("[Support #{id}] Re: Tilaus ei näy"))
    );
    assert_eq!(m.text().trim_end(), "Hei Märta.");
    let raw = std::fs::read(repo.path(&format!(".git/tiketti/outbox/{eid}.eml"))).unwrap();
    assert_eq!(
        String::from_utf8(raw)
            .unwrap()
            .replace("\r\n", "\n")
            .trim_end(),
        message.trim_end()
    );

    let run = repo.run(&["outbox", "show", "NOPE"]);
    let stderr = run.fails(1);
    assert!(
        stderr.contains("error: no outbox entry matches NOPE"),
        "{stderr}"
    );
    assert!(stderr.contains("hint: `tiketti outbox list` shows the queue"));
    repo.assert_clean();
}

#[test]
fn a_failing_transport_keeps_the_message_queued_with_its_error() {
    let repo = TestRepo::quiet();
    let failing = failing_sendmail(&repo, "busy-sendmail");
    use_sendmail(&repo, &failing);
    let id = repo.new_ticket("Lasku", &["--requester", "Pekka <pekka@example.fi>"]);
    // The reply is recorded whatever the transport says; its mail waits in the queue.
    let commits = repo.commit_count();
    let run = repo.run(&["reply", &id, "-m", "Kiitos."]);
    let said = run.ok();
    assert!(said.ends_with(" queued"), "{said}");
    assert_eq!(repo.commit_count(), commits + 1);
    let error = format!(
        "`{failing}` exited with status 75: sendmail: 451 4.3.0 queue full, try again later"
    );
    assert!(
        run.stderr.contains(&format!("not sent: {error}")),
        "{}",
        run.stderr
    );
    assert_eq!(attempts(&repo, "busy-sendmail"), 1);
    let q = outbox(&repo, &[]);
    let eid = q[0]["id"].as_str().unwrap().to_string();
    assert_eq!(q[0]["error"], error.as_str());
    assert_eq!(q[0]["attempts"], 1);
    assert_eq!(q[0]["last_attempt"], NOW);
    assert_eq!(q[0]["state"], "failed, retry after 2026-11-22T10:01:00Z");

    // Within its back-off a plain flush leaves it alone.
    let run = repo.run(&["outbox", "flush"]);
    run.ok();
    assert!(
        run.stderr.contains("outbox: 0 sent, 1 waiting"),
        "{}",
        run.stderr
    );
    assert_eq!(attempts(&repo, "busy-sendmail"), 1);
    // --now retries, fails again: exit 1, the error on stderr, still queued.
    let run = repo.run(&["outbox", "flush", "--now"]);
    let stderr = run.fails(1);
    assert!(
        stderr.contains(&format!(
            "warning: {eid} to pekka@example.fi not sent: {error}"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("outbox: 0 sent, 1 failed"), "{stderr}");
    assert!(
        stderr.contains("error: 1 message(s) could not be sent; they stay queued"),
        "{stderr}"
    );
    assert_eq!(attempts(&repo, "busy-sendmail"), 2);
    // The back-off doubles: 2 minutes after the second failure.
    let q = outbox(&repo, &[]);
    assert_eq!(q[0]["attempts"], 2);
    assert_eq!(q[0]["state"], "failed, retry after 2026-11-22T10:02:00Z");
    // Later, a plain flush (cron) tries again.
    let later = [("TIKETTI_NOW", "2026-11-22T10:05:00Z")];
    repo.run_with(&["outbox", "flush"], &later, None).fails(1);
    assert_eq!(attempts(&repo, "busy-sendmail"), 3);
    let shown = repo.run(&["outbox", "show", &eid]);
    assert!(
        shown
            .ok()
            .contains(&format!("# attempts: 3\n# last error: {error}\n")),
        "{}",
        shown.stdout
    );

    // The transport fixed: sent once; flushing again sends nothing.
    let cap = capture(&repo);
    let fixed = [("TIKETTI_NOW", "2026-11-22T11:00:00Z")];
    let run = repo.run_with(&["outbox", "flush"], &fixed, None);
    assert_eq!(run.ok(), format!("{eid} sent to pekka@example.fi"));
    assert_eq!(run.stderr, "outbox: 1 sent\n");
    for _ in 0..2 {
        repo.run_with(&["outbox", "flush", "--now"], &fixed, None)
            .ok();
    }
    assert_eq!(cap.count(), 1);
    assert_eq!(attempts(&repo, "busy-sendmail"), 3);
    assert!(outbox(&repo, &[]).is_empty());
    let sent = outbox(&repo, &["--sent"]);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["attempts"], 4);
    assert_eq!(sent[0]["sent"], "2026-11-22T11:00:00Z");
    assert_eq!(sent[0]["state"], "sent");
    assert!(sent[0].get("error").is_none());
    // A sent message cannot be flushed or dropped again.
    let run = repo.run(&["outbox", "flush", &eid]);
    assert!(run.fails(1).contains(&format!("{eid} was already sent")));
    let run = repo.run(&["outbox", "drop", &eid]);
    assert!(
        run.fails(1)
            .contains("was already sent; only queued messages can be dropped")
    );
    assert_eq!(cap.count(), 1);
    repo.assert_clean();
}

#[test]
fn flush_by_id_sends_only_those_and_reports_json() {
    let repo = TestRepo::quiet();
    let cap = capture(&repo);
    let (_, first) = queued_reply(&repo);
    let (_, second) = queued_reply(&repo);
    // Both processes run with the same TIKETTI_SEED, so both minted the same event ID
    // first: the second is minted again rather than overwrite the first's mail.
    assert_ne!(first, second);
    let run = repo.run(&["outbox", "flush", &second, "--format", "json"]);
    let out = json(&run);
    assert_eq!(out["schema_version"], 1);
    assert_eq!(out["sent"].as_array().unwrap().len(), 1);
    assert_eq!(out["sent"][0]["id"], second.as_str());
    assert_eq!(out["sent"][0]["sent"], NOW);
    assert_eq!(out["failed"], serde_json::json!([]));
    assert_eq!(out["waiting"], serde_json::json!([]));
    assert_eq!(out["orphaned"], serde_json::json!([]));
    assert_eq!(run.stderr, "", "json changes only stdout, and says nothing");
    assert_eq!(cap.count(), 1);
    let q = outbox(&repo, &[]);
    assert_eq!(q.len(), 1);
    assert_eq!(q[0]["id"], first.as_str());
    let run = repo.run(&["outbox", "flush", "NOPE"]);
    assert!(run.fails(1).contains("no outbox entry matches NOPE"));
    assert_eq!(cap.count(), 1);
    repo.run(&["outbox", "flush"]).ok();
    assert_eq!(cap.count(), 2);
}

#[test]
fn drop_takes_a_message_out_of_the_queue_unsent() {
    let repo = TestRepo::quiet();
    let cap = capture(&repo);
    let (_, eid) = queued_reply(&repo);
    let run = repo.run(&["outbox", "drop", &eid[..6]]);
    assert_eq!(
        run.ok(),
        format!("{eid} dropped (to marta@example.se, bo@customer.fi)")
    );
    assert!(outbox(&repo, &[]).is_empty());
    let dropped = outbox(&repo, &["--dropped"]);
    assert_eq!(dropped.len(), 1);
    assert_eq!(dropped[0]["state"], "dropped");
    assert_eq!(dropped[0]["dropped"], "2026-11-22T10:00:00Z by anna");
    let shown = repo.run(&["outbox", "show", &eid]);
    assert!(
        shown.ok().starts_with(&format!("# {eid} (dropped)\n")),
        "{}",
        shown.stdout
    );
    assert!(
        shown
            .stdout
            .contains("# dropped: 2026-11-22T10:00:00Z by anna\n")
    );
    repo.run(&["outbox", "flush", "--now"]).ok();
    assert_eq!(cap.count(), 0);
    let run = repo.run(&["outbox", "drop", &eid]);
    assert!(run.fails(1).contains(&format!(
        "{eid} was already dropped; only queued messages can be dropped"
    )));
    let run = repo.run(&["outbox", "drop", "NOPE"]);
    assert!(run.fails(1).contains("no outbox entry matches NOPE"));
    // One unknown ID drops none of the others.
    let (_, other) = queued_reply(&repo);
    repo.run(&["outbox", "drop", &other, "NOPE"]).fails(1);
    assert_eq!(outbox(&repo, &[]).len(), 1);
    repo.assert_clean();
}

#[test]
fn mail_whose_commit_was_undone_is_set_aside_never_sent() {
    let repo = TestRepo::quiet();
    let cap = capture(&repo);
    let (_, eid) = queued_reply(&repo);
    // The reply's commit is undone (a reset by hand): its event is not in HEAD any more.
    repo.git(&["reset", "-q", "--hard", "HEAD~1"]);
    let run = repo.run(&["outbox", "flush"]);
    run.ok();
    assert!(
        run.stderr.contains(&format!("warning: {eid} set aside: ")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("was never committed"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("outbox: 0 sent, 1 set aside (never committed)"),
        "{}",
        run.stderr
    );
    assert_eq!(cap.count(), 0);
    assert!(outbox(&repo, &[]).is_empty());
    assert_eq!(outbox(&repo, &["--dropped"])[0]["id"], eid.as_str());
}

#[test]
fn a_flush_that_died_while_sending_is_not_repeated_on_its_own() {
    let repo = TestRepo::quiet();
    let cap = capture(&repo);
    let (_, eid) = queued_reply(&repo);
    // As a flush leaves an entry when it dies after handing it to the transport and
    // before the answer is recorded.
    let path = format!(".git/tiketti/outbox/{eid}.json");
    let mut entry: Value = serde_json::from_str(&repo.read(&path)).unwrap();
    entry["sending"] = "2026-11-22T10:00:00Z".into();
    repo.write(&path, &serde_json::to_string_pretty(&entry).unwrap());

    let run = repo.run(&["outbox", "flush", "--now"]);
    run.ok();
    assert_eq!(cap.count(), 0, "not sent again on its own");
    assert!(run.stderr.contains("1 waiting"), "{}", run.stderr);
    let list = outbox(&repo, &[]);
    assert!(
        list[0]["state"]
            .as_str()
            .unwrap()
            .starts_with("interrupted while sending"),
        "{list:?}"
    );
    // Named, it is sent, once.
    repo.run(&["outbox", "flush", &eid]).ok();
    assert_eq!(cap.count(), 1);
    repo.run(&["outbox", "flush", "--now"]).ok();
    assert_eq!(cap.count(), 1);
}
