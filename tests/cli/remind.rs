//! `tiketti remind`: for cron, one digest a day per agent of their open tickets that are
//! overdue or due today. Sent through a capture script (mail_support.rs), never sendmail.

use serde_json::Value;

use crate::common::*;
use crate::mail_support::*;

/// Anna: one overdue, one due today, one due tomorrow, one solved overdue. Bo: one
/// overdue. Cilla (no e-mail address): one overdue. Returns (anna's overdue, anna's due
/// today, bo's).
fn desk(repo: &TestRepo) -> (String, String, String) {
    edit_config(
        repo,
        "    email: anna@example.com\n",
        "    email: anna@example.com\n  - id: bo\n    name: Bo Ström\n    email: bo@example.com\n  - id: cilla\n    name: Cilla\n",
    );
    let t = |subject: &str, who: &str, due: &str| {
        repo.new_ticket(subject, &["--assignee", who, "--due", due])
    };
    let overdue = t("Lasku puuttuu", "anna", "2026-11-20");
    let today = t("Soita asiakkaalle", "anna", "2026-11-22T15:00:00Z");
    t("Huomenna", "anna", "2026-11-23");
    let solved = t("Jo ratkaistu", "anna", "2026-11-19");
    repo.run(&["status", &solved, "solved"]).ok();
    t("Ei tehtävää kenellekään", "none", "2026-11-19");
    let bo = t("Tulostin", "bo", "2026-11-21");
    t("Cillan", "cilla", "2026-11-21");
    (overdue, today, bo)
}

#[test]
fn dry_run_prints_the_digests_and_sends_nothing() {
    let repo = TestRepo::quiet();
    let cap = capture(&repo);
    let (overdue, today, bo) = desk(&repo);
    let commits = repo.commit_count();
    let run = repo.run(&["remind", "--dry-run"]);
    let out = run.ok();
    let anna = format!(
        "To: anna@example.com\nSubject: [Support] 2 tickets overdue or due today\n\n\
         Hello Anna Virtanen,\n\n\
         2 of your open tickets are overdue or due today (2026-11-22):\n\n\
         Overdue\n  {overdue}  Lasku puuttuu  (due 2026-11-20, new, normal)\n\n\
         Due today\n  {today}  Soita asiakkaalle  (due 2026-11-22T15:00:00Z, new, normal)\n"
    );
    assert!(out.starts_with(&anna), "{out}");
    assert!(
        out.contains(
            "To: bo@example.com\nSubject: [Support] 1 ticket overdue or due today\n\nHello Bo Ström,\n\n1 of your open tickets is overdue"
        ),
        "{out}"
    );
    assert!(out.contains(&format!("  {bo}  Tulostin  (due 2026-11-21, new, normal)")));
    assert!(
        out.contains("To: (no address)\nSubject: [Support] 1 ticket"),
        "{out}"
    );
    assert!(
        !out.contains("Huomenna") && !out.contains("Jo ratkaistu"),
        "{out}"
    );
    assert!(!out.contains("kenellekään"), "{out}");
    assert_eq!(cap.count(), 0);
    assert!(outbox(&repo, &[]).is_empty());
    assert!(!repo.path(".git/tiketti/remind.json").exists());
    assert_eq!(repo.commit_count(), commits);

    let json: Value =
        serde_json::from_str(repo.run(&["remind", "--dry-run", "--format", "json"]).ok()).unwrap();
    assert_eq!(json["schema_version"], 1);
    let digests = json["digests"].as_array().unwrap();
    assert_eq!(digests.len(), 3);
    assert_eq!(digests[0]["agent"], "anna");
    assert_eq!(digests[0]["outcome"], "dry run");
    assert_eq!(digests[0]["items"][0]["id"], overdue.as_str());
    assert_eq!(digests[0]["items"][0]["why"], "overdue");
    assert_eq!(digests[0]["items"][1]["why"], "due today");
    assert_eq!(cap.count(), 0);
    repo.assert_clean();
}

#[test]
fn one_digest_per_agent_a_day_unless_forced() {
    let repo = TestRepo::quiet();
    let cap = capture(&repo);
    let (overdue, today, bo) = desk(&repo);
    let commits = repo.commit_count();
    let run = repo.run(&["remind"]);
    assert_eq!(
        run.ok(),
        "anna: 2 ticket(s), sent\nbo: 1 ticket(s), sent\ncilla: 1 ticket(s), no address"
    );
    assert!(
        run.stderr
            .contains("warning: agent cilla has no email in tiketti.yaml; no digest"),
        "{}",
        run.stderr
    );
    let d = cap.delivered();
    assert_eq!(d.len(), 2);
    let to: Vec<&str> = d.iter().map(|d| d.args.last().unwrap().as_str()).collect();
    assert!(
        to.contains(&"anna@example.com") && to.contains(&"bo@example.com"),
        "{to:?}"
    );
    let anna = d
        .iter()
        .find(|d| d.args.last().unwrap() == "anna@example.com")
        .unwrap();
    let m = anna.parsed();
    assert_eq!(
        m.header("Subject").as_deref(),
        Some("[Support] 2 tickets overdue or due today")
    );
    assert_eq!(
        m.header("Auto-Submitted").as_deref(),
        Some("auto-generated")
    );
    assert_eq!(
        m.header("X-Tiketti-Loop").as_deref(),
        Some("support@example.com")
    );
    assert_eq!(
        m.mailboxes("from"),
        vec![("Example Helpdesk".into(), "support@example.com".into())]
    );
    assert_eq!(
        m.mailboxes("to"),
        vec![("Anna Virtanen".into(), "anna@example.com".into())]
    );
    assert!(
        m.text().contains(&overdue) && m.text().contains(&today),
        "{}",
        m.text()
    );
    let bos = d
        .iter()
        .find(|d| d.args.last().unwrap() == "bo@example.com")
        .unwrap()
        .parsed();
    assert_eq!(
        bos.mailboxes("to"),
        vec![("Bo Ström".into(), "bo@example.com".into())]
    );
    assert!(bos.text().contains(&bo));
    assert!(d.iter().all(|d| d.raw.is_ascii()));
    // Digests are mail about no ticket: nothing is committed.
    assert_eq!(repo.commit_count(), commits);
    repo.assert_clean();

    // Cron runs again the same day: nothing new.
    let run = repo.run(&["remind"]);
    assert_eq!(
        run.ok(),
        "anna: 2 ticket(s), already sent today\nbo: 1 ticket(s), already sent today\ncilla: 1 ticket(s), no address"
    );
    assert_eq!(cap.count(), 2);
    // --force sends again; --agent picks one.
    let run = repo.run(&["remind", "--force", "--agent", "bo@example.com"]);
    assert_eq!(run.ok(), "bo: 1 ticket(s), sent");
    assert_eq!(cap.count(), 3);
    repo.run(&["remind", "--force"]).ok();
    assert_eq!(cap.count(), 5);
    // The next day: a new digest each (tomorrow's ticket is now due today).
    let run = repo.run_with(
        &["remind", "--format", "json"],
        &[("TIKETTI_NOW", "2026-11-23T07:00:00Z")],
        None,
    );
    let json: Value = serde_json::from_str(run.ok()).unwrap();
    assert_eq!(json["digests"][0]["items"].as_array().unwrap().len(), 3);
    assert_eq!(json["digests"][0]["outcome"], "sent");
    assert_eq!(cap.count(), 7);
    assert!(outbox(&repo, &[]).is_empty());
    assert_eq!(outbox(&repo, &["--sent"]).len(), 7);
}

#[test]
fn a_digest_that_cannot_be_sent_waits_in_the_outbox_and_is_not_queued_twice() {
    let repo = TestRepo::quiet();
    desk(&repo);
    use_sendmail(&repo, &failing_sendmail(&repo, "busy"));
    let run = repo.run(&["remind", "--agent", "anna"]);
    assert_eq!(run.ok(), "anna: 2 ticket(s), queued");
    assert!(run.stderr.contains("not sent"), "{}", run.stderr);
    let q = outbox(&repo, &[]);
    assert_eq!(q.len(), 1);
    assert_eq!(q[0]["to"], serde_json::json!(["anna@example.com"]));
    assert_eq!(q[0]["auto"], true);
    assert!(q[0].get("ticket").is_none());
    repo.run(&["remind", "--agent", "anna"]).ok();
    assert_eq!(outbox(&repo, &[]).len(), 1);
    assert_eq!(attempts(&repo, "busy"), 1);
    // Once the transport works, `outbox flush` delivers it.
    let cap = capture(&repo);
    repo.run(&["outbox", "flush", "--now"]).ok();
    assert_eq!(cap.count(), 1);
}

#[test]
fn remind_errors_and_quiet_days() {
    let repo = TestRepo::quiet();
    let cap = capture(&repo);
    let run = repo.run(&["remind"]);
    assert_eq!(run.ok(), "");
    assert_eq!(
        run.stderr,
        "no agent has overdue tickets or tickets due today\n"
    );
    let run = repo.run(&["remind", "--dry-run"]);
    assert_eq!(run.ok(), "");
    assert!(run.stderr.contains("no agent has overdue tickets"));
    let json: Value = serde_json::from_str(repo.run(&["remind", "--format", "json"]).ok()).unwrap();
    assert_eq!(json["digests"], serde_json::json!([]));
    let run = repo.run(&["remind", "--agent", "nobody"]);
    let stderr = run.fails(1);
    assert!(
        stderr.contains("error: unknown agent \"nobody\""),
        "{stderr}"
    );
    assert!(stderr.contains("hint: agents are anna"), "{stderr}");
    repo.run(&["remind", "--format", "yaml"]).fails(2);
    // Digests need the helpdesk's address (a dry run does not).
    repo.new_ticket("Myöhässä", &["--assignee", "anna", "--due", "2026-11-20"]);
    edit_config(&repo, "  address: support@example.com\n", "");
    repo.run(&["remind", "--dry-run"]).ok();
    let run = repo.run(&["remind"]);
    assert!(
        run.fails(1).contains("mail.address is not set"),
        "{}",
        run.stderr
    );
    assert_eq!(cap.count(), 0);
    assert!(outbox(&repo, &[]).is_empty());
}
