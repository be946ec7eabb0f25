//! `tiketti customer WHO`: one customer's tickets from every channel, newest first.

use crate::common::*;
use crate::ingest::{Mail, id_after};

/// Three tickets involving matti@customer.fi on three days (mail as requester, a phone
/// call, mail where he is only copied) and one that does not; returns their IDs
/// oldest first.
fn desk() -> (TestRepo, [String; 4]) {
    let repo = TestRepo::new();
    let mail = Mail::new(
        "Matti Meikäläinen <matti@customer.fi>",
        "Printer broken",
        "c1@customer.fi",
    );
    let run = repo.run_with(
        &["ingest"],
        &[("TIKETTI_NOW", "2026-11-20T10:00:00Z")],
        Some(&mail.text()),
    );
    run.ok();
    let by_mail = id_after(&run.stderr, "new ticket ");
    let run = repo.run_with(
        &[
            "new",
            "--subject",
            "Called about the printer",
            "-m",
            "x",
            "--requester",
            "Matti <MATTI@customer.fi>",
        ],
        &[("TIKETTI_NOW", "2026-11-21T10:00:00Z")],
        None,
    );
    let by_phone = run.ok().to_string();
    let cc = Mail::new("Bo <bo@customer.fi>", "Invoice question", "c2@customer.fi")
        .set("Cc", "matti@customer.fi");
    let run = repo.run_with(&["ingest"], &[], Some(&cc.text()));
    run.ok();
    let as_cc = id_after(&run.stderr, "new ticket ");
    let other = repo.new_ticket("Someone else", &["--requester", "eve@other.fi"]);
    (repo, [by_mail, by_phone, as_cc, other])
}

#[test]
fn lists_tickets_from_every_channel_newest_first() {
    let (repo, [by_mail, by_phone, as_cc, other]) = desk();
    let before = repo.commit_count();
    let run = repo.run(&["customer", "matti@customer.fi", "--format", "ids"]);
    assert_eq!(run.ok(), format!("{as_cc}\n{by_phone}\n{by_mail}"));
    assert!(!run.stdout.contains(&other));

    // The table: a count on stderr, one row per ticket, newest first.
    let run = repo.run(&["customer", "matti@customer.fi"]);
    let out = run.ok();
    assert_eq!(run.stderr, "matti@customer.fi: 3 ticket(s)\n");
    let rows: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(rows.len(), 3, "{out}");
    assert!(rows[0].starts_with(&as_cc), "{out}");
    assert!(rows[1].starts_with(&by_phone), "{out}");
    assert!(rows[2].starts_with(&by_mail), "{out}");
    assert!(out.contains("Called about the printer") && out.contains("Invoice question"));
    assert_eq!(repo.commit_count(), before);
    repo.assert_clean();
}

#[test]
fn the_address_matches_in_any_case_and_form() {
    let (repo, [by_mail, by_phone, as_cc, _]) = desk();
    let want = format!("{as_cc}\n{by_phone}\n{by_mail}");
    for who in [
        "MATTI@Customer.FI",
        "Matti <matti@customer.fi>",
        "\"Anyone, really\" <matti@customer.fi>",
    ] {
        let run = repo.run(&["customer", who, "--format", "ids"]);
        assert_eq!(run.ok(), want, "{who}");
    }
}

#[test]
fn open_filters_out_solved_and_closed_tickets() {
    let (repo, [by_mail, by_phone, as_cc, _]) = desk();
    repo.run(&["solve", &by_phone]).ok();
    repo.run(&["close", &as_cc]).ok();
    let run = repo.run(&["customer", "matti@customer.fi", "--open", "--format", "ids"]);
    assert_eq!(run.ok(), by_mail);
    let run = repo.run(&["customer", "matti@customer.fi", "--format", "ids"]);
    assert_eq!(run.ok().lines().count(), 3, "without --open all are listed");
}

#[test]
fn json_has_a_schema_version_and_the_tickets() {
    let (repo, [by_mail, by_phone, as_cc, _]) = desk();
    let run = repo.run(&["customer", "matti@customer.fi", "--format", "json"]);
    let out: serde_json::Value = serde_json::from_str(run.ok()).unwrap();
    assert_eq!(out["schema_version"], 1);
    let tickets = out["tickets"].as_array().unwrap();
    let ids: Vec<&str> = tickets.iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        vec![as_cc.as_str(), by_phone.as_str(), by_mail.as_str()]
    );
    assert_eq!(tickets[0]["requester"], "Bo <bo@customer.fi>");
    assert_eq!(tickets[0]["cc"], serde_json::json!(["matti@customer.fi"]));
    assert_eq!(tickets[0]["channel"], "email");
    assert_eq!(tickets[1]["channel"], "phone");
    assert_eq!(tickets[1]["requester_email"], "MATTI@customer.fi");
    assert_eq!(
        tickets[2]["requester"],
        "Matti Meikäläinen <matti@customer.fi>"
    );
    assert_eq!(tickets[2]["created"], "2026-11-20T10:00:00Z");
}

#[test]
fn an_unknown_person_has_no_tickets() {
    let (repo, _) = desk();
    let run = repo.run(&["customer", "nobody@customer.fi", "--format", "ids"]);
    assert_eq!(run.ok(), "");
    let run = repo.run(&["customer", "nobody@customer.fi"]);
    assert_eq!(run.ok(), "");
    assert!(run.stderr.contains("no tickets match"), "{}", run.stderr);
    let run = repo.run(&["customer", "nobody@customer.fi", "--format", "json"]);
    let out: serde_json::Value = serde_json::from_str(run.ok()).unwrap();
    assert_eq!(out["tickets"], serde_json::json!([]));
}

#[test]
fn an_invalid_address_is_refused() {
    let repo = TestRepo::new();
    let run = repo.run(&["customer", "Anna <not-an-address>"]);
    let err = run.fails(1);
    assert!(err.contains("not-an-address"), "{err}");
    assert!(err.contains("is not an e-mail address"), "{err}");
    assert_eq!(run.stdout, "");
    let run = repo.run(&["customer", "matti@"]);
    run.fails(1);
    let run = repo.run(&["customer", ""]);
    run.fails(1);
}
