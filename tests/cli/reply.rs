//! `tiketti reply`: a public reply, stored as an outbound event in one commit (with a
//! status change when asked) and sent at once through the transport. Every test points
//! the helpdesk at a capture script first (mail_support.rs), never at the real sendmail.

use serde_json::Value;

use crate::common::*;
use crate::ingest::{
    Mail, body_of, events, fm, ingest_new, last_commit_files, outside, ticket_dir,
};
use crate::mail_support::*;

/// A quiet helpdesk sending through a capture, with Märta's ticket (Bo on Cc).
fn desk() -> (TestRepo, Capture, String) {
    let repo = TestRepo::quiet();
    let cap = capture(&repo);
    let id = repo.new_ticket(
        "Tilaus ei näy",
        &[
            "--requester",
            "Märta Ström <marta@example.se>",
            "--cc",
            "Bo Berg <bo@customer.fi>",
        ],
    );
    (repo, cap, id)
}

/// The outbound events of a ticket, oldest first.
fn outbound(repo: &TestRepo, id: &str) -> Vec<String> {
    events(repo, id)
        .into_iter()
        .map(|(_, t)| t)
        .filter(|t| fm(t, "kind").as_deref() == Some("outbound"))
        .collect()
}

/// A failed reply wrote nothing: no commit, a clean tree, an empty outbox, nothing sent.
#[track_caller]
fn assert_nothing_done(repo: &TestRepo, cap: &Capture, commits: usize) {
    assert_nothing_written(repo, commits);
    assert!(outbox(repo, &[]).is_empty(), "something was queued");
    let files = std::fs::read_dir(repo.path(".git/tiketti/outbox"))
        .map(|d| {
            d.flatten()
                .filter(|e| e.path().is_file() && e.file_name() != "lock")
                .count()
        })
        .unwrap_or(0);
    assert_eq!(files, 0, "files left in the outbox");
    assert_eq!(cap.count(), 0, "something was sent");
}

/// Add `templates/<name>.md` by hand (committed).
fn add_template(repo: &TestRepo, name: &str, text: &str) {
    repo.write(format!("templates/{name}.md"), text);
    repo.git(&["add", "templates"]);
    repo.git(&["commit", "-q", "-m", "template"]);
}

#[test]
fn a_reply_is_one_commit_with_its_event_and_is_sent() {
    let (repo, cap, id) = desk();
    let commits = repo.commit_count();
    let run = repo.run(&["reply", &id, "-m", "Hei Märta,", "-m", "katsomme asiaa."]);
    let said = run.ok();
    let entry = outbox(&repo, &["--sent"]);
    assert_eq!(entry.len(), 1);
    let eid = entry[0]["id"].as_str().unwrap();
    assert_eq!(
        said,
        format!("{id} reply {eid} sent to marta@example.se, bo@customer.fi")
    );
    assert_eq!(run.stderr, "");
    assert_eq!(repo.commit_count(), commits + 1);
    assert_eq!(
        repo.last_commit_message(),
        format!("reply: {id} to marta@example.se, bo@customer.fi")
    );
    let dir = ticket_dir(&id);
    assert_eq!(
        last_commit_files(&repo),
        vec![format!("A {dir}/events/20261122T100000Z-{eid}.md")]
    );
    let event = &outbound(&repo, &id)[0];
    assert_eq!(fm(event, "author").as_deref(), Some("anna"));
    assert_eq!(
        fm(event, "to").as_deref(),
        Some("[Märta Ström <marta@example.se>]")
    );
    assert_eq!(
        fm(event, "cc").as_deref(),
        Some("[Bo Berg <bo@customer.fi>]")
    );
    assert_eq!(
        fm(event, "subject"),
        Some(format!("\"[Support #{id}] Re: Tilaus ei näy\""))
    );
    assert_eq!(fm(event, "auto"), None, "a person's reply is not automatic");
    assert_eq!(body_of(event), "Hei Märta,\n\nkatsomme asiaa.\n");
    // Sent as recorded.
    let m = cap.delivered()[0].parsed();
    assert_eq!(fm(event, "message_id"), Some(m.id("Message-ID")));
    // (lettre ends a single-part body with one more line break than it was given.)
    assert_eq!(m.text().trim_end(), "Hei Märta,\n\nkatsomme asiaa.");
    assert_eq!(entry[0]["ticket"], id.as_str());
    assert_eq!(entry[0]["auto"], false);
    assert_eq!(entry[0]["state"], "sent");
    // `show` lists it with the ticket's conversation.
    let show = repo.run(&["show", &id]);
    assert!(show.ok().contains("katsomme asiaa."), "{}", show.stdout);
    repo.run(&["check"]).ok();
    repo.assert_clean();
}

#[test]
fn the_text_comes_from_a_file_or_standard_input() {
    let (repo, cap, id) = desk();
    let file = outside(&repo, "reply.txt", "Tiedostosta.\n".as_bytes());
    repo.run(&["reply", &id, "-F", &file]).ok();
    repo.run_with(&["reply", &id, "-F", "-"], &[], Some("Putkesta.\n"))
        .ok();
    // Without -m or -F, standard input that is not a terminal is the text.
    repo.run_with(&["reply", &id], &[], Some("Vakiosyötteestä.\n"))
        .ok();
    let bodies: Vec<String> = outbound(&repo, &id).iter().map(|e| body_of(e)).collect();
    let mut sorted = bodies.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        ["Putkesta.\n", "Tiedostosta.\n", "Vakiosyötteestä.\n"]
    );
    assert_eq!(cap.count(), 3);
}

#[test]
fn status_changes_in_the_same_commit() {
    let (repo, cap, id) = desk();
    let commits = repo.commit_count();
    let run = repo.run(&[
        "reply",
        &id,
        "-m",
        "Odotamme vastaustasi.",
        "--status",
        "pending",
    ]);
    assert!(
        run.ok()
            .ends_with("sent to marta@example.se, bo@customer.fi, new -> pending")
    );
    assert_eq!(repo.commit_count(), commits + 1);
    assert_eq!(
        repo.last_commit_message(),
        format!("reply: {id} to marta@example.se, bo@customer.fi, new -> pending")
    );
    let files = last_commit_files(&repo);
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(files.contains(&format!("M {}/ticket.md", ticket_dir(&id))));
    assert_eq!(repo.key(&id, "status").as_deref(), Some("pending"));
    assert_eq!(cap.count(), 1);
    // The status it already has: no change, nothing said about it.
    let run = repo.run(&["reply", &id, "-m", "Muistutus.", "--status", "pending"]);
    assert!(run.ok().ends_with("bo@customer.fi"), "{}", run.stdout);
    assert_eq!(last_commit_files(&repo).len(), 1);
    // Solved with the reply.
    repo.run(&["reply", &id, "-m", "Ratkaistu.", "--status", "solved"])
        .ok();
    assert_eq!(repo.key(&id, "status").as_deref(), Some("solved"));
    assert_eq!(cap.count(), 3);
    repo.assert_clean();
}

#[test]
fn cc_goes_to_the_participants_unless_told_otherwise() {
    let (repo, cap, id) = desk();
    repo.run(&[
        "reply",
        &id,
        "-m",
        "Kaikille.",
        "--cc",
        "Eeva Aho <eeva@example.fi>",
    ])
    .ok();
    // The requester or a participant given again is not repeated.
    repo.run(&[
        "reply",
        &id,
        "-m",
        "Vain Märtalle.",
        "--no-cc",
        "--cc",
        "MARTA@example.se",
    ])
    .ok();
    let d = cap.delivered();
    assert_eq!(
        d[0].args[3..],
        ["marta@example.se", "bo@customer.fi", "eeva@example.fi"]
    );
    assert_eq!(
        d[0].parsed().mailboxes("cc"),
        vec![
            ("Bo Berg".into(), "bo@customer.fi".into()),
            ("Eeva Aho".into(), "eeva@example.fi".into())
        ]
    );
    assert_eq!(d[1].args[3..], ["marta@example.se"]);
    assert_eq!(d[1].parsed().header("Cc"), None);
    // --cc is for this reply only: the ticket's participants stay as they were.
    assert_eq!(
        repo.key(&id, "cc").as_deref(),
        Some("[Bo Berg <bo@customer.fi>]")
    );
}

#[test]
fn queue_leaves_the_reply_for_outbox_flush() {
    let (repo, cap, id) = desk();
    let run = repo.run(&["reply", &id, "-m", "Myöhemmin.", "--queue"]);
    let queued = outbox(&repo, &[]);
    assert_eq!(queued.len(), 1);
    let eid = queued[0]["id"].as_str().unwrap();
    assert_eq!(run.ok(), format!("{id} reply {eid} queued"));
    assert_eq!(queued[0]["state"], "ready");
    assert_eq!(queued[0]["attempts"], 0);
    assert_eq!(cap.count(), 0);
    let run = repo.run(&["outbox", "flush"]);
    assert_eq!(
        run.ok(),
        format!("{eid} sent to marta@example.se, bo@customer.fi")
    );
    assert_eq!(cap.count(), 1);
}

#[test]
fn a_reply_answers_the_customers_latest_message_not_an_auto_reply() {
    let repo = TestRepo::quiet();
    let cap = capture(&repo);
    let matti = "Matti Meikäläinen <matti@customer.fi>";
    let id = ingest_new(
        &repo,
        &Mail::new(matti, "Tulostin", "m1@customer.fi").text(),
    );
    for (m, at) in [
        (
            Mail::new(matti, "Re: Tulostin", "m2@customer.fi")
                .in_reply_to("m1@customer.fi")
                .references(&["m1@customer.fi"]),
            "2026-11-22T10:10:00Z",
        ),
        (
            Mail::new(matti, "Poissa", "ooo@customer.fi")
                .in_reply_to("m2@customer.fi")
                .set("Auto-Submitted", "auto-replied"),
            "2026-11-22T10:20:00Z",
        ),
    ] {
        ingest_at(&repo, &m.text(), at);
    }
    repo.run_with(
        &["reply", &id, "-m", "Katsomme."],
        &[("TIKETTI_NOW", "2026-11-22T10:30:00Z")],
        None,
    )
    .ok();
    let m = cap.delivered()[0].parsed();
    assert_eq!(m.id("In-Reply-To"), "m2@customer.fi");
    assert_eq!(
        m.header("References").as_deref(),
        Some("<m1@customer.fi> <m2@customer.fi>")
    );
    assert_eq!(
        m.mailboxes("to"),
        vec![("Matti Meikäläinen".into(), "matti@customer.fi".into())]
    );
    assert_eq!(
        m.header("Subject"),
        Some(format!("[Support #{id}] Re: Tulostin"))
    );
}

#[test]
fn attachments_are_stored_with_the_reply_and_sent() {
    let (repo, cap, id) = desk();
    let a = outside(&repo, "a/kuitti.pdf", b"%PDF-1.4 first");
    let b = outside(&repo, "b/kuitti.pdf", b"%PDF-1.4 second");
    let log = outside(&repo, "virhe.log", b"line 1\nline 2\n");
    repo.run(&[
        "reply",
        &id,
        "-m",
        "Liitteet.",
        "--attach",
        &a,
        "--attach",
        &b,
        "--attach",
        &log,
    ])
    .ok();
    let dir = ticket_dir(&id);
    let mut files = last_commit_files(&repo);
    files.sort();
    assert_eq!(files.len(), 4, "{files:?}");
    assert_eq!(files[0], format!("A {dir}/attachments/kuitti (2).pdf"));
    assert_eq!(files[1], format!("A {dir}/attachments/kuitti.pdf"));
    assert_eq!(files[2], format!("A {dir}/attachments/virhe.log"));
    let event = &outbound(&repo, &id)[0];
    assert_eq!(
        fm(event, "attachments").as_deref(),
        Some("[kuitti.pdf, kuitti (2).pdf, virhe.log]")
    );
    let sent = cap.delivered()[0].parsed().attachments();
    assert_eq!(
        sent,
        vec![
            (
                "kuitti.pdf".into(),
                "application/pdf".into(),
                b"%PDF-1.4 first".to_vec()
            ),
            (
                "kuitti (2).pdf".into(),
                "application/pdf".into(),
                b"%PDF-1.4 second".to_vec()
            ),
            (
                "virhe.log".into(),
                "text/plain".into(),
                b"line 1\nline 2\n".to_vec()
            ),
        ]
    );
    // A later reply's attachment of the same name does not overwrite the first.
    repo.run(&["reply", &id, "-m", "Vielä.", "--attach", &a])
        .ok();
    assert_eq!(
        last_commit_files(&repo)
            .iter()
            .filter(|f| f.contains("attachments/"))
            .collect::<Vec<_>>(),
        vec![&format!("A {dir}/attachments/kuitti (3).pdf")]
    );
}

// ---------------------------------------------------------------------------------------
// Templates.

const SHIPPED: &str = "---\n\
description: The order is on its way\n\
subject: \"Tilauksesi {{field.order_number}} on lähetetty\"\n\
---\n\
Hei {{requester.name}},\n\
\n\
tilauksesi {{ field.order_number }} (tiketti {{ticket.id}}, \"{{ticket.subject}}\") on matkalla.\n\
\n\
Terveisin,\n\
{{agent.name}}, {{helpdesk.name}}\n";

#[test]
fn a_template_fills_its_placeholders() {
    let (repo, cap, _) = desk();
    add_template(&repo, "order-shipped", SHIPPED);
    let id = repo.new_ticket(
        "Missä paketti?",
        &[
            "--requester",
            "Märta Ström <marta@example.se>",
            "--field",
            "order_number=A-1234",
        ],
    );
    let run = repo.run(&[
        "reply",
        &id,
        "--template",
        "order-shipped",
        "--status",
        "solved",
    ]);
    assert!(
        run.ok()
            .ends_with("sent to marta@example.se, new -> solved")
    );
    let text = format!(
        "Hei Märta Ström,\n\ntilauksesi A-1234 (tiketti {id}, \"Missä paketti?\") on matkalla.\n\nTerveisin,\nAnna Virtanen, Example Helpdesk\n"
    );
    let event = &outbound(&repo, &id)[0];
    assert_eq!(body_of(event), text);
    assert_eq!(fm(event, "template").as_deref(), Some("order-shipped"));
    let m = cap.delivered()[0].parsed();
    // The template's subject, not `Re:` the ticket's.
    assert_eq!(
        m.header("Subject"),
        Some(format!("[Support #{id}] Tilauksesi A-1234 on lähetetty"))
    );
    assert_eq!(m.text().trim_end(), text.trim_end());
    // `template show --ticket` shows what the reply sent.
    let shown = repo.run(&["template", "show", "order-shipped", "--ticket", &id]);
    assert_eq!(
        shown.ok(),
        format!("Subject: [Support #{id}] Tilauksesi A-1234 on lähetetty\n\n{text}").trim()
    );
}

#[test]
fn a_template_can_be_edited_before_it_is_sent() {
    let (repo, cap, _) = desk();
    add_template(&repo, "order-shipped", SHIPPED);
    let id = repo.new_ticket("Paketti", &["--requester", "marta@example.se"]);
    let editor = repo.editor_script(
        "add-ps.sh",
        "grep -q '^# Edit the reply to' \"$1\" || exit 3\nprintf 'P.S. Seurantakoodi tulee erikseen.\\n' >> \"$1\"",
    );
    repo.run_with(
        &["reply", &id, "--template", "order-shipped", "--edit"],
        &[("EDITOR", &editor)],
        None,
    )
    .ok();
    let body = body_of(&outbound(&repo, &id)[0]);
    assert!(body.starts_with("Hei marta@example.se,\n"), "{body}");
    assert!(
        body.ends_with("Example Helpdesk\nP.S. Seurantakoodi tulee erikseen.\n"),
        "{body}"
    );
    assert!(!body.contains("# Edit"), "{body}");
    assert_eq!(cap.count(), 1);
}

#[test]
fn an_unknown_placeholder_names_the_template_file_and_line() {
    let (repo, cap, id) = desk();
    add_template(
        &repo,
        "typo",
        "---\ndescription: has a typo\n---\nHei {{requester.name}},\n\nterveisin {{agent.nimi}}\n",
    );
    let commits = repo.commit_count();
    let run = repo.run(&["reply", &id, "--template", "typo"]);
    let stderr = run.fails(1);
    assert!(
        stderr.starts_with(
            "error: templates/typo.md:6: unknown placeholder {{agent.nimi}}; placeholders are "
        ),
        "{stderr}"
    );
    assert!(stderr.contains("{{agent.name}}"), "{stderr}");
    assert_nothing_done(&repo, &cap, commits);
}

// ---------------------------------------------------------------------------------------
// Errors: exit 1 and nothing written, queued or sent.

#[test]
fn errors_write_nothing_and_send_nothing() {
    let (repo, cap, id) = desk();
    let nameless = repo.new_ticket("Puhelu", &["--requester", "Matti"]);
    let nobody = repo.new_ticket("Puhelu 2", &[]);
    let commits = repo.commit_count();
    let cases: Vec<(Vec<&str>, Option<&str>, &str)> = vec![
        (
            vec!["reply", &id, "-m", "  \n "],
            None,
            "error: the reply is empty; nothing was written or sent",
        ),
        (
            vec!["reply", &id],
            Some(""),
            "error: the reply is empty; nothing was written or sent",
        ),
        (vec!["reply", "ZZZZZZZZ", "-m", "Hei."], None, "ZZZZZZZZ"),
        (
            vec!["reply", &nameless, "-m", "Hei."],
            None,
            "the ticket has no requester with an e-mail address to write to",
        ),
        (
            vec!["reply", &nobody, "-m", "Hei."],
            None,
            "the ticket has no requester with an e-mail address to write to",
        ),
        (
            vec!["reply", &id, "-m", "Hei.", "--cc", "Bo Berg"],
            None,
            "error: --cc \"Bo Berg\" is not an e-mail address",
        ),
        (
            vec![
                "reply",
                &id,
                "-m",
                "Hei.",
                "--attach",
                "/nonexistent/lasku.pdf",
            ],
            None,
            "error: cannot read attachment /nonexistent/lasku.pdf",
        ),
        (
            vec!["reply", &id, "--template", "nope"],
            None,
            "error: no template \"nope\" (templates/nope.md does not exist)",
        ),
        (
            vec!["reply", &id, "--template", "../tiketti"],
            None,
            "is not a template name",
        ),
        (
            vec!["reply", &id, "-m", "Hei.", "--status", "odottaa"],
            None,
            "odottaa",
        ),
    ];
    for (args, stdin, expected) in cases {
        let run = repo.run_with(&args, &[], stdin);
        let stderr = run.fails(1);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert_nothing_done(&repo, &cap, commits);
    }
    let run = repo.run(&["reply", &nameless, "-m", "Hei."]);
    assert!(
        run.stderr.contains(&format!(
            "hint: tiketti set {nameless} requester='Name <address@example.com>'"
        )),
        "{}",
        run.stderr
    );
    let run = repo.run(&["reply", &id, "--template", "nope"]);
    assert!(
        run.stderr.contains("hint: templates are acknowledgement"),
        "{}",
        run.stderr
    );
    // Flags that do not go together are usage errors.
    for args in [
        vec!["reply", &id, "-m", "Hei.", "--edit"],
        vec!["reply", &id, "-m", "Hei.", "--template", "acknowledgement"],
        vec!["reply"],
    ] {
        repo.run(&args).fails(2);
    }
    assert_nothing_done(&repo, &cap, commits);
}

#[test]
fn without_a_helpdesk_address_nothing_is_written() {
    let (repo, cap, id) = desk();
    edit_config(&repo, "  address: support@example.com\n", "");
    let commits = repo.commit_count();
    let run = repo.run(&["reply", &id, "-m", "Hei."]);
    let stderr = run.fails(1);
    assert!(
        stderr.contains("error: mail.address is not set in tiketti.yaml; mail needs a sender"),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: tiketti config set mail.address"),
        "{stderr}"
    );
    assert_nothing_done(&repo, &cap, commits);
    let json: Value =
        serde_json::from_str(repo.run(&["outbox", "list", "--format", "json"]).ok()).unwrap();
    assert_eq!(json["messages"], Value::Array(vec![]));
}
