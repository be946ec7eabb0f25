//! Trackers (issue 5): `track`, `list --tracker`, and `reply TRACKER --to-linked`, the
//! fan-out that sends the tracker's solution once to every linked ticket's requester, even
//! when it is interrupted (`TIKETTI_TEST_ABORT_AFTER`) and run again, or the tracker is
//! solved again after a merge.
//!
//! Mail goes to a capture script (links.rs `Captured`), never to the machine's sendmail.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use crate::common::*;
use crate::ingest::{Mail, ingest_new, outside, ticket_dir};
use crate::links::{helpdesk, json, listed, section, shown, sorted};

const FIXED: &str = "We have fixed the login problem. Please log in again; if it still fails, \
                     answer this message.";

/// Customer `n`'s address.
fn customer(n: usize) -> String {
    format!("customer{n:03}@example.net")
}

/// Every ticket's ID by its requester's address.
fn by_requester(repo: &TestRepo) -> BTreeMap<String, String> {
    json(repo.run(&["list", "--format", "json"]).ok())["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| {
            Some((
                t["requester_email"].as_str()?.to_string(),
                t["id"].as_str().unwrap().to_string(),
            ))
        })
        .collect()
}

/// How many of `ids` carry an outbound event of notice `notice` (any notice when empty).
fn notified(repo: &TestRepo, ids: &[String], notice: &str) -> usize {
    ids.iter()
        .filter(|id| {
            std::fs::read_dir(repo.path(&format!("{}/events", ticket_dir(id))))
                .into_iter()
                .flatten()
                .flatten()
                .any(|e| {
                    let t = std::fs::read_to_string(e.path()).unwrap();
                    t.contains("\nkind: outbound\n") && t.contains(&format!("\nnotice: {notice}"))
                })
        })
        .count()
}

/// How many messages the outbox holds in a folder (`list`, `list --sent`).
fn outbox(repo: &TestRepo, folder: &[&str]) -> usize {
    let mut args = vec!["outbox", "list", "--format", "json"];
    args.extend_from_slice(folder);
    json(repo.run(&args).ok())["messages"]
        .as_array()
        .unwrap()
        .len()
}

/// The notice ID in `reply --to-linked`'s summary line.
fn notice_id(stdout: &str) -> String {
    let at = stdout.find(" notice ").expect("notice in the summary") + " notice ".len();
    stdout[at..].split(':').next().unwrap().to_string()
}

/// 200 customers write that they cannot log in; two of them write again. One tracker
/// takes them all, product development solves it, and the solution goes to each customer
/// exactly once, threaded to that customer's own latest message: through an interrupted
/// run and its re-run, a third run, and a tracker solved again after a merge.
#[test]
fn a_tracker_tells_200_customers_once_even_after_an_interruption() {
    let started = Instant::now();
    let (repo, sent) = helpdesk();

    // Monday morning's mail, one mbox, one ingest.
    let mut mbox = String::new();
    let mut latest: BTreeMap<String, String> = BTreeMap::new();
    for n in 0..200 {
        let from = format!("Customer {n:03} <{}>", customer(n));
        let id = format!("login-{n:03}@example.net");
        let mail = Mail::new(&from, "Cannot log in", &id)
            .set(
                "Date",
                &format!("Sun, 22 Nov 2026 08:{:02}:{:02} +0000", n / 60, n % 60),
            )
            .body(&format!(
                "I cannot log in since this morning. Customer number C-{n:03}.\n"
            ));
        mbox.push_str(&format!(
            "From {} Sun Nov 22 08:00:00 2026\n{}\n",
            customer(n),
            mail.text()
        ));
        latest.insert(customer(n), format!("<{id}>"));
    }
    for n in [7, 123] {
        let id = format!("login-{n:03}-again@example.net");
        let mail = Mail::new(
            &format!("Customer {n:03} <{}>", customer(n)),
            "Re: Cannot log in",
            &id,
        )
        .set("Date", "Sun, 22 Nov 2026 09:30:00 +0000")
        .in_reply_to(&format!("login-{n:03}@example.net"))
        .body("Still nothing. Any news?\n");
        mbox.push_str(&format!(
            "From {} Sun Nov 22 09:30:00 2026\n{}\n",
            customer(n),
            mail.text()
        ));
        latest.insert(customer(n), format!("<{id}>"));
    }
    let mbox = outside(&repo, "monday.mbox", mbox.as_bytes());
    let run = repo.run(&["ingest", "--no-acknowledge", "--mbox", &mbox]);
    run.ok();
    assert!(
        run.stderr.contains("200 created, 2 threaded"),
        "{}",
        run.stderr
    );
    let tickets = by_requester(&repo);
    assert_eq!(tickets.len(), 200);
    let mut ids: Vec<String> = tickets.values().cloned().collect();
    ids.sort();
    let ingested = started.elapsed();

    // One tracker for product development; all 200 linked in one commit.
    let tracker = repo
        .run(&[
            "track",
            "--new",
            "--subject",
            "Customers cannot log in",
            "--group",
            "development",
            "--assignee",
            "pekka",
        ])
        .ok()
        .to_string();
    assert_eq!(
        repo.last_commit_message(),
        format!("track: new tracker {tracker} Customers cannot log in")
    );
    let t = shown(&repo, &tracker);
    assert_eq!(t["tags"], serde_json::json!(["tracker"]));
    assert_eq!(t["group"], "development");
    assert_eq!(t["assignee"], "pekka");
    assert_eq!(t["requester"], serde_json::Value::Null);
    let before = repo.commit_count();
    let mut args = vec!["track", tracker.as_str()];
    args.extend(ids.iter().map(String::as_str));
    let run = repo.run(&args);
    assert_eq!(run.ok(), "");
    assert_eq!(run.stderr, format!("{tracker}: 200 ticket(s) linked\n"));
    assert_eq!(repo.commit_count(), before + 1);
    assert!(
        repo.last_commit_message()
            .starts_with(&format!("track: {tracker} linked ")),
        "{}",
        repo.last_commit_message()
    );
    assert_eq!(listed(&repo, &["--tracker", &tracker]), ids);
    let show = repo.run(&["show", &tracker]);
    let rows = section(show.ok(), "Tracked tickets");
    assert_eq!(rows.len(), 200);
    assert!(rows.iter().all(|r| r.0 == 0 && r.2 == "new" && r.3 == "-"));
    assert_eq!(
        shown(&repo, &tracker)["tracked"].as_array().unwrap().len(),
        200
    );
    let linked = started.elapsed();

    // Product development fixes it; the fan-out is killed after 100 linked tickets are
    // committed, before any mail leaves.
    repo.run_with(
        &["note", &tracker, "-m", "Fixed: the session cookie domain."],
        &[("TIKETTI_ACTOR", "pekka")],
        None,
    )
    .ok();
    let fan_out = [
        "reply",
        &tracker,
        "--to-linked",
        "-m",
        FIXED,
        "--status",
        "solved",
    ];
    let before = repo.commit_count();
    let run = repo.run_with(&fan_out, &[("TIKETTI_TEST_ABORT_AFTER", "100")], None);
    assert_eq!(run.code, 137, "{}", run.transcript());
    assert_eq!(sent.count(), 0, "nothing is sent before the run ends");
    assert_eq!(repo.commit_count(), before + 2, "two batches of 50");
    assert_eq!(
        repo.git(&["log", "-2", "--reverse", "--format=%s"]),
        format!(
            "reply: {tracker} notice {n} to 50 linked ticket(s), new -> solved\n\
             reply: {tracker} notice {n} to 50 linked ticket(s)\n",
            n = repo
                .last_commit_message()
                .split_whitespace()
                .nth(3)
                .unwrap()
        )
    );
    assert_eq!(notified(&repo, &ids, ""), 100);
    assert_eq!(
        listed(&repo, &["--tracker", &tracker, "--status", "solved"]).len(),
        100
    );
    assert_eq!(repo.key(&tracker, "status").unwrap(), "solved");
    assert_eq!(outbox(&repo, &[]), 100, "queued, waiting to be sent");
    repo.assert_clean();
    let interrupted = started.elapsed();

    // Run again: the rest is committed, and every message is sent once.
    let before = repo.commit_count();
    let run = repo.run(&fan_out);
    let out = run.ok().to_string();
    let notice = notice_id(&out);
    assert_eq!(
        out,
        format!("{tracker} notice {notice}: 100 queued, 200 sent, 100 already notified")
    );
    assert!(
        run.stderr.contains(&format!(
            "{tracker}: 100 linked ticket(s) already had this notice"
        )),
        "{}",
        run.stderr
    );
    assert_eq!(repo.commit_count(), before + 2);
    assert_eq!(notified(&repo, &ids, &notice), 200);
    let mails = sent.all();
    assert_eq!(mails.len(), 200);
    let mut seen = BTreeSet::new();
    for m in &mails {
        let to = m.to_address();
        assert!(seen.insert(to.clone()), "{to} got the notice twice");
        let id = &tickets[&to];
        assert_eq!(m.header("In-Reply-To"), Some(latest[&to].as_str()), "{to}");
        let n = &to["customer".len()..to.find('@').unwrap()];
        assert!(
            m.header("References")
                .unwrap()
                .contains(&format!("<login-{n}@example.net>")),
            "{m:?}"
        );
        assert_eq!(
            m.header("Subject").unwrap(),
            format!("[Support #{id}] Re: Cannot log in")
        );
        assert_eq!(m.header("Auto-Submitted"), Some("auto-generated"));
        assert_eq!(m.header("Cc"), None);
        assert!(m.body.contains("We have fixed the login problem."), "{m:?}");
    }
    assert_eq!(seen.len(), 200);
    assert_eq!(
        listed(&repo, &["--tracker", &tracker, "--status", "solved"]),
        ids
    );
    assert_eq!(outbox(&repo, &[]), 0);
    assert_eq!(outbox(&repo, &["--sent"]), 200);
    // The tracker keeps the notice once, as an internal record.
    let notices: Vec<serde_json::Value> = shown(&repo, &tracker)["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "notice")
        .cloned()
        .collect();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0]["id"], notice.as_str());
    repo.assert_clean();
    let resumed = started.elapsed();

    // The tracker is closed; the same command a third time sends and commits nothing.
    repo.run(&["close", &tracker]).ok();
    let before = repo.commit_count();
    let run = repo.run(&fan_out);
    assert_eq!(
        run.ok(),
        format!("{tracker} notice {notice}: 0 queued, 0 sent, 200 already notified")
    );
    assert_eq!(
        run.stderr,
        format!(
            "{tracker}: closed, notice {notice} recorded before; status left as it is\n\
             {tracker}: 200 linked ticket(s) already had this notice\n"
        )
    );
    assert_eq!(repo.commit_count(), before);
    assert_eq!(sent.count(), 200);
    assert_eq!(repo.key(&tracker, "status").unwrap(), "closed");

    // A merge brings the tracker back open (by hand here, as a merge would write it); it
    // is solved again and the same notice run again: nothing more is sent.
    let file = repo.ticket_file(&tracker);
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("status: closed\n", "status: open\n")).unwrap();
    repo.git(&[
        "commit",
        "-q",
        "-a",
        "-m",
        "Merge branch 'laptop' (tracker open there)",
    ]);
    let before = repo.commit_count();
    let run = repo.run(&fan_out);
    assert_eq!(
        run.ok(),
        format!("{tracker} notice {notice}: 0 queued, 0 sent, 200 already notified")
    );
    assert_eq!(repo.commit_count(), before + 1, "only the tracker moves");
    assert_eq!(
        repo.last_commit_message(),
        format!("reply: {tracker} notice {notice} to 0 linked ticket(s), open -> solved")
    );
    assert_eq!(repo.key(&tracker, "status").unwrap(), "solved");
    // And once more through reopen/solve.
    repo.run(&["reopen", &tracker]).ok();
    repo.run(&["solve", &tracker]).ok();
    let before = repo.commit_count();
    repo.run(&fan_out).ok();
    assert_eq!(repo.commit_count(), before);
    repo.run(&["close", &tracker]).ok();
    assert_eq!(sent.count(), 200);
    assert_eq!(notified(&repo, &ids, &notice), 200);
    repo.assert_clean();

    eprintln!(
        "200-ticket tracker: ingest {:.1?}, track {:.1?}, interrupted fan-out {:.1?}, \
         resumed {:.1?}, total {:.1?}",
        ingested,
        linked - ingested,
        interrupted - linked,
        resumed - interrupted,
        started.elapsed()
    );
}

/// A ticket made by mail from customer `n`; returns its ID.
fn mailed(repo: &TestRepo, n: usize) -> String {
    ingest_new(
        repo,
        &Mail::new(
            &format!("Customer {n:03} <{}>", customer(n)),
            "Cannot log in",
            &format!("small-{n}@example.net"),
        )
        .text(),
    )
}

/// `--leave-open` sends the notice and leaves each status as it was; a linked ticket
/// without a requester address gets no notice and a warning; another text is another
/// notice.
#[test]
fn leave_open_keeps_statuses_and_a_ticket_without_address_is_skipped() {
    let (repo, sent) = helpdesk();
    let a = mailed(&repo, 1);
    let b = mailed(&repo, 2);
    repo.run(&["status", &b, "pending"]).ok();
    let phoned = repo.new_ticket("Called: cannot log in", &[]);
    assert_eq!(repo.key(&phoned, "requester"), None);
    let tracker = repo
        .run(&["track", "--new", "--subject", "Login", &a, &b, &phoned])
        .ok()
        .to_string();
    assert_eq!(
        repo.last_commit_message(),
        format!("track: new tracker {tracker} Login, linked 3")
    );

    let before = repo.commit_count();
    let run = repo.run(&[
        "reply",
        &tracker,
        "--to-linked",
        "--leave-open",
        "-m",
        FIXED,
    ]);
    let out = run.ok().to_string();
    let notice = notice_id(&out);
    assert_eq!(
        out,
        format!(
            "{tracker} notice {notice}: 2 queued, 2 sent, 0 already notified, 1 without address"
        )
    );
    assert_eq!(
        run.stderr,
        format!("warning: no notice to {phoned} (no requester address)\n")
    );
    assert_eq!(repo.commit_count(), before + 1);
    assert_eq!(sent.count(), 2);
    let mut to: Vec<String> = sent.all().iter().map(|m| m.to_address()).collect();
    to.sort();
    assert_eq!(to, [customer(1), customer(2)]);
    assert_eq!(repo.key(&a, "status").unwrap(), "new");
    assert_eq!(repo.key(&b, "status").unwrap(), "pending");
    assert_eq!(repo.key(&phoned, "status").unwrap(), "new");
    assert_eq!(repo.key(&tracker, "status").unwrap(), "new");
    let all = vec![a.clone(), b.clone(), phoned.clone()];
    assert_eq!(notified(&repo, &all, &notice), 2);

    // The same again: the one without address is still skipped, nothing else happens.
    let run = repo.run(&[
        "reply",
        &tracker,
        "--to-linked",
        "--leave-open",
        "-m",
        FIXED,
    ]);
    assert_eq!(
        run.ok(),
        format!(
            "{tracker} notice {notice}: 0 queued, 0 sent, 2 already notified, 1 without address"
        )
    );
    assert!(
        run.stderr
            .contains(&format!("warning: no notice to {phoned}"))
    );
    assert_eq!(repo.commit_count(), before + 1);
    assert_eq!(sent.count(), 2);

    // Another text is another notice, sent again (and now moving the tickets).
    let run = repo.run(&[
        "reply",
        &tracker,
        "--to-linked",
        "-m",
        "Update: the fix is now live for everyone.",
    ]);
    let second = notice_id(run.ok());
    assert_ne!(second, notice);
    assert_eq!(sent.count(), 4);
    assert_eq!(repo.key(&a, "status").unwrap(), "solved");
    assert_eq!(repo.key(&b, "status").unwrap(), "solved");
    assert_eq!(repo.key(&phoned, "status").unwrap(), "new");
    repo.assert_clean();
}

/// A linked ticket that may not move to the linked status (a parent with an open child, a
/// closed ticket: closed -> solved is no allowed move) gets the notice and stays as it is,
/// with a warning.
#[test]
fn a_linked_ticket_that_cannot_move_is_left_open_with_a_warning() {
    let (repo, sent) = helpdesk();
    let plain = mailed(&repo, 1);
    let parent = mailed(&repo, 2);
    let kid = repo
        .run(&["link-child", &parent, "--subject", "Reset the password"])
        .ok()
        .to_string();
    let closed = mailed(&repo, 3);
    repo.run(&["close", &closed]).ok();
    let tracker = repo
        .run(&[
            "track",
            "--new",
            "--subject",
            "Login",
            &plain,
            &parent,
            &closed,
        ])
        .ok()
        .to_string();
    let run = repo.run(&["reply", &tracker, "--to-linked", "-m", FIXED]);
    run.ok();
    assert_eq!(sent.count(), 3);
    assert_eq!(repo.key(&plain, "status").unwrap(), "solved");
    assert_eq!(repo.key(&parent, "status").unwrap(), "new");
    assert_eq!(repo.key(&closed, "status").unwrap(), "closed");
    assert!(
        run.stderr.contains(&format!(
            "warning: status unchanged: {parent}: cannot move to solved while a child ticket is open: {kid} (new)"
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!(
            "warning: status unchanged: {closed}: a ticket cannot move from closed to solved"
        )),
        "{}",
        run.stderr
    );
    repo.assert_clean();
}

/// The transport refuses one message: it stays queued with its error while the others
/// are sent; the re-run sends just that one.
#[test]
fn a_message_the_transport_refused_is_sent_by_the_re_run_only() {
    let (repo, sent) = helpdesk();
    let ids: Vec<String> = (1..=4).map(|n| mailed(&repo, n)).collect();
    let mut args = vec!["track", "--new", "--subject", "Login"];
    args.extend(ids.iter().map(String::as_str));
    let tracker = repo.run(&args).ok().to_string();
    // A sendmail that refuses customer 3's mail until told otherwise.
    let gate = repo.tmp.path().join("mailbox-repaired");
    let refusing = repo.editor_script(
        "refusing-sendmail",
        &format!(
            "m=$(cat)\n\
             if [ ! -e '{gate}' ] && printf '%s' \"$m\" | grep -q '^To:.*{three}'; then\n\
             \x20 echo 'mailbox full' >&2; exit 1\nfi\n\
             printf '%s\\n' \"$m\" | {capture} -t -i",
            gate = gate.display(),
            three = customer(3),
            capture = sent.script,
        ),
    );
    repo.run(&["config", "set", "mail.sendmail", &refusing])
        .ok();

    let fan_out = ["reply", &tracker, "--to-linked", "-m", FIXED];
    let run = repo.run(&fan_out);
    let notice = notice_id(run.ok());
    assert!(
        run.stdout
            .contains(": 4 queued, 3 sent, 0 already notified"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("mailbox full"), "{}", run.stderr);
    assert_eq!(sent.count(), 3);
    assert_eq!(notified(&repo, &ids, &notice), 4, "all four are committed");
    assert_eq!(outbox(&repo, &[]), 1);

    std::fs::write(&gate, "").unwrap();
    let before = repo.commit_count();
    let run = repo.run(&fan_out);
    assert_eq!(
        run.ok(),
        format!("{tracker} notice {notice}: 0 queued, 1 sent, 4 already notified")
    );
    assert_eq!(repo.commit_count(), before);
    let mut to: Vec<String> = sent.all().iter().map(|m| m.to_address()).collect();
    to.sort();
    assert_eq!(to, (1..=4).map(customer).collect::<Vec<_>>());
    assert_eq!(outbox(&repo, &[]), 0);
    repo.run(&fan_out).ok();
    assert_eq!(sent.count(), 4);
    repo.assert_clean();
}

// ---------------------------------------------------------------------------------------
// track: error paths and --remove.

#[test]
fn track_needs_a_tracker_and_tickets() {
    let (repo, _sent) = helpdesk();
    let a = repo.new_ticket("A", &[]);
    let before = repo.commit_count();
    let err = repo.run(&["track", &a]).fails(2).to_string();
    assert_eq!(
        err,
        "error: give a tracker and the tickets to link to it\n\
         hint: tiketti track TRACKER ID…, tiketti track --new --subject … [ID…], tiketti track --remove ID…\n"
    );
    repo.run(&["track"]).fails(2);
    repo.run(&["track", "--remove"]).fails(2);
    repo.run(&["track", "--new"]).fails(2);
    repo.run(&["track", "--new", "--subject", "X", "--remove", &a])
        .fails(2);
    repo.run(&["track", &a, "ZZZZ9999"]).fails(1);
    repo.run(&["track", "ZZZZ9999", &a]).fails(1);
    let err = repo.run(&["track", &a, &a]).fails(1).to_string();
    assert_eq!(err, format!("error: {a} cannot track itself\n"));
    assert_nothing_written(&repo, before);
}

/// A ticket has one tracker; a tracker is not tracked, a tracked ticket is no tracker; a
/// refused `track` links none of the tickets it was given and creates no tracker.
#[test]
fn one_tracker_per_ticket_and_linking_is_all_or_nothing() {
    let (repo, _sent) = helpdesk();
    let (a, b, c) = (
        repo.new_ticket("A", &[]),
        repo.new_ticket("B", &[]),
        repo.new_ticket("C", &[]),
    );
    let first = repo
        .run(&["track", "--new", "--subject", "First", &a])
        .ok()
        .to_string();
    let second = repo
        .run(&["track", "--new", "--subject", "Second"])
        .ok()
        .to_string();
    let before = repo.commit_count();
    let tickets_before = listed(&repo, &[]).len();

    let err = repo
        .run(&["track", &second, &b, &a, &c])
        .fails(1)
        .to_string();
    assert_eq!(
        err,
        format!(
            "error: {a} is already tracked by {first}; a ticket has one tracker\n\
             hint: `tiketti track --remove {a}` first\n"
        )
    );
    let err = repo
        .run(&["track", "--new", "--subject", "Third", &b, &a])
        .fails(1)
        .to_string();
    assert!(err.contains("is already tracked by"), "{err}");
    let err = repo.run(&["track", &second, &first]).fails(1).to_string();
    assert_eq!(
        err,
        format!(
            "error: {first} is a tracker (1 tickets link to it); a tracker cannot itself be tracked\n"
        )
    );
    let err = repo.run(&["track", &a, &b]).fails(1).to_string();
    assert_eq!(
        err,
        format!("error: {a} is tracked by {first}; a tracked ticket cannot be a tracker\n")
    );
    assert_nothing_written(&repo, before);
    assert_eq!(
        listed(&repo, &[]).len(),
        tickets_before,
        "no tracker was created"
    );
    assert_eq!(listed(&repo, &["--tracker", &second]), Vec::<String>::new());

    // Linking one already linked is a no-op for it.
    let run = repo.run(&["track", &first, &a, &b]);
    run.ok();
    assert_eq!(
        run.stderr,
        format!("{a}: already tracked by {first}\n{first}: 1 ticket(s) linked\n")
    );
    assert_eq!(
        repo.last_commit_message(),
        format!("track: {first} linked {b}")
    );
    let run = repo.run(&["track", &first, &a]);
    run.ok();
    assert_eq!(repo.commit_count(), before + 1);
    assert_eq!(listed(&repo, &["--tracker", &first]), sorted(&[&a, &b]));
    let show = repo.run(&["show", &first]);
    let rows: Vec<String> = section(show.ok(), "Tracked tickets")
        .into_iter()
        .map(|r| r.1)
        .collect();
    assert_eq!(rows, sorted(&[&a, &b]));
    assert_eq!(shown(&repo, &a)["tracker"], first.as_str());
}

#[test]
fn track_remove_unlinks_and_says_what_was_not_tracked() {
    let (repo, _sent) = helpdesk();
    let (a, b, c) = (
        repo.new_ticket("A", &[]),
        repo.new_ticket("B", &[]),
        repo.new_ticket("C", &[]),
    );
    let tracker = repo
        .run(&["track", "--new", "--subject", "T", &a, &b])
        .ok()
        .to_string();
    let before = repo.commit_count();
    let run = repo.run(&["track", "--remove", &a, &c]);
    assert_eq!(run.ok(), format!("{a} untracked"));
    assert_eq!(run.stderr, format!("{c}: not tracked\n"));
    assert_eq!(repo.commit_count(), before + 1);
    assert_eq!(repo.last_commit_message(), format!("track: removed {a}"));
    assert_eq!(repo.key(&a, "tracker"), None);
    assert_eq!(listed(&repo, &["--tracker", &tracker]), vec![b.clone()]);
    // Nothing tracked among them: nothing written.
    let run = repo.run(&["track", "--remove", &a, &c]);
    assert_eq!(run.ok(), "");
    assert_nothing_written(&repo, before + 1);
    repo.run(&["track", "--remove", "ZZZZ9999"]).fails(1);
    // With its last ticket gone a tracker is an ordinary ticket, and may be tracked.
    repo.run(&["track", "--remove", &b]).ok();
    let other = repo
        .run(&["track", "--new", "--subject", "Other", &tracker])
        .ok()
        .to_string();
    assert_eq!(repo.key(&tracker, "tracker").unwrap(), other);
    repo.assert_clean();
}

// ---------------------------------------------------------------------------------------
// reply --to-linked: error paths.

#[test]
fn to_linked_needs_linked_tickets_and_one_text_for_all() {
    let (repo, sent) = helpdesk();
    let a = mailed(&repo, 1);
    let lone = repo.new_ticket("Not a tracker", &[]);
    let tracker = repo
        .run(&["track", "--new", "--subject", "T", &a])
        .ok()
        .to_string();
    let before = repo.commit_count();

    let err = repo
        .run(&[
            "reply",
            &lone,
            "--to-linked",
            "-m",
            FIXED,
            "--status",
            "solved",
        ])
        .fails(1)
        .to_string();
    assert_eq!(
        err,
        format!(
            "error: {lone} has no linked tickets\nhint: link them with `tiketti track {lone} ID…`\n"
        )
    );
    let file = outside(&repo, "log.txt", b"log\n");
    let err = repo
        .run(&[
            "reply",
            &tracker,
            "--to-linked",
            "-m",
            FIXED,
            "--attach",
            &file,
        ])
        .fails(2)
        .to_string();
    assert!(
        err.contains(
            "--to-linked sends one text to many customers: it takes no --attach, --cc or --edit"
        ),
        "{err}"
    );
    repo.run(&[
        "reply",
        &tracker,
        "--to-linked",
        "-m",
        FIXED,
        "--cc",
        "boss@example.com",
    ])
    .fails(2);
    repo.run(&["reply", &tracker, "--leave-open", "-m", FIXED])
        .fails(2);
    let err = repo
        .run(&[
            "reply",
            &tracker,
            "--to-linked",
            "-m",
            FIXED,
            "--status",
            "bogus",
        ])
        .fails(1)
        .to_string();
    assert!(err.contains("unknown status \"bogus\""), "{err}");
    repo.run(&["reply", "ZZZZ9999", "--to-linked", "-m", FIXED])
        .fails(1);
    assert_nothing_written(&repo, before);
    assert_eq!(sent.count(), 0);
    assert_eq!(outbox(&repo, &[]), 0);
    assert_eq!(repo.key(&lone, "status").unwrap(), "new");
}
