//! Mail out, end to end (issue "Mail out", DESIGN.md §6): messages delivered through a
//! real SMTP server on loopback (aiosmtpd: STARTTLS, TLS, AUTH) and through a
//! sendmail-compatible command, their bytes read back by an independent parser
//! (Python's `email`), customers' answers to them threaded back through `ingest`, and
//! the guards against mail loops: acknowledgements only for people, a daily cap, mail
//! that waits for its ticket to be pushed.
//!
//! No test here ever runs the machine's own sendmail: every helpdesk that could send is
//! pointed at a capture script in its temp dir or at a server on 127.0.0.1 first.

use std::process::Command;

use serde_json::Value;

use crate::common::*;
use crate::ingest::{Mail, fm, ingest_new, ticket_dir};
use crate::mail_support::*;

/// Every line of a message delivered over SMTP ends in CRLF.
#[track_caller]
fn assert_crlf(raw: &[u8]) {
    for (i, b) in raw.iter().enumerate() {
        if *b == b'\n' {
            assert!(i > 0 && raw[i - 1] == b'\r', "a bare LF at byte {i}");
        }
    }
}

/// Checks every message tiketti sends passes: 7-bit, read without defects, from the
/// helpdesk's address, with the loop header.
#[track_caller]
fn assert_well_formed(m: &Parsed, raw: &[u8]) {
    assert!(
        raw.is_ascii(),
        "8-bit bytes in\n{}",
        String::from_utf8_lossy(raw)
    );
    assert_eq!(m.defects(), Vec::<String>::new(), "{:#}", m.0);
    assert_eq!(
        m.header("X-Tiketti-Loop").as_deref(),
        Some("support@example.com")
    );
    assert_eq!(m.mailboxes("from")[0].1, "support@example.com");
    assert!(m.header("Date").is_some());
    assert_eq!(m.header("MIME-Version").as_deref(), Some("1.0"));
}

// ---------------------------------------------------------------------------------------
// Delivery: SMTP on loopback and a sendmail-compatible command.

#[test]
fn smtp_with_starttls_and_auth_delivers_what_a_real_parser_reads_back() {
    let repo = TestRepo::new();
    edit_config(&repo, "name: Anna Virtanen", "name: Äijä Öhman");
    let server = SmtpServer::start(
        &repo.tmp.path().join("smtp"),
        &SmtpOptions {
            starttls: true,
            auth: Some(("tiketti", "sala sana ÄÖ")),
            ..Default::default()
        },
    );
    use_smtp(
        &repo,
        &server,
        "starttls",
        &format!(
            "    user: tiketti\n    password_env: TEST_SMTP_SECRET\n    ca_file: {}\n",
            tls_fixture("ca.pem")
        ),
    );
    let env = [("TEST_SMTP_SECRET", "sala sana ÄÖ")];
    let id = ingest_new(&repo, &martas_message().text());
    let flushed = repo.run_with(&["outbox", "flush"], &env, None);
    assert!(
        flushed.ok().contains("sent to marta@example.se"),
        "{flushed:?}"
    );

    // Every byte value, so a transfer encoding that loses one shows.
    let pdf: Vec<u8> = (0..=255u8).cycle().take(1500).collect();
    let attachment = crate::ingest::outside(&repo, "kuitti ä.pdf", &pdf);
    let reply = repo.run_with(
        &[
            "reply",
            &id,
            "-m",
            "Hei Märta,\n\ntilauksesi on matkalla. Kuitti liitteenä.",
            "--attach",
            &attachment,
        ],
        &env,
        None,
    );
    let said = reply.ok();
    assert!(
        said.starts_with(&format!("{id} reply "))
            && said.ends_with(" sent to marta@example.se, bo@customer.fi"),
        "{said}"
    );

    let delivered = server.delivered();
    assert_eq!(delivered.len(), 2, "{}", server.log());
    for d in &delivered {
        assert!(d.tls, "delivered without TLS");
        assert_eq!(d.login.as_deref(), Some("tiketti"));
        assert_eq!(d.envelope_from, "support@example.com");
        assert_crlf(&d.raw);
        assert_well_formed(&d.parsed(), &d.raw);
    }
    let subject = format!("[Support #{id}] Re: Tilaus ei näy");

    // The acknowledgement: automatic, to the requester only, answering her message.
    let (ack_envelope, ack) = (&delivered[0], delivered[0].parsed());
    assert_eq!(ack_envelope.envelope_to, vec!["marta@example.se"]);
    assert_eq!(ack.header("Subject").as_deref(), Some(subject.as_str()));
    assert_eq!(
        ack.header("Auto-Submitted").as_deref(),
        Some("auto-replied")
    );
    assert_eq!(
        ack.header("X-Auto-Response-Suppress").as_deref(),
        Some("All")
    );
    assert_eq!(ack.id("In-Reply-To"), "c1@example.se");
    assert_eq!(
        ack.mailboxes("from"),
        vec![("Example Helpdesk".into(), "support@example.com".into())]
    );
    assert!(ack.text().contains("Hello Märta Ström,"), "{}", ack.text());
    assert!(ack.text().contains(&format!("opened ticket {id}")));

    // The reply: the agent's name over the helpdesk's address, threaded, with Cc.
    let (env_reply, m) = (&delivered[1], delivered[1].parsed());
    assert_eq!(
        env_reply.envelope_to,
        vec!["marta@example.se", "bo@customer.fi"]
    );
    assert_eq!(
        m.mailboxes("from"),
        vec![(
            "Äijä Öhman (Example Helpdesk)".into(),
            "support@example.com".into()
        )]
    );
    assert_eq!(
        m.mailboxes("to"),
        vec![("Märta Ström".into(), "marta@example.se".into())]
    );
    assert_eq!(
        m.mailboxes("cc"),
        vec![("Bo Berg".into(), "bo@customer.fi".into())]
    );
    assert_eq!(m.header("Subject").as_deref(), Some(subject.as_str()));
    // Non-ASCII travels as RFC 2047 encoded words.
    for field in ["From", "To", "Subject"] {
        let raw = m.raw_header(field).unwrap();
        assert!(raw.contains("=?utf-8?"), "{field}: {raw}");
    }
    let message_id = m.id("Message-ID");
    assert!(
        message_id.starts_with(&format!("tiketti.{id}.")) && message_id.ends_with("@example.com"),
        "{message_id}"
    );
    assert_eq!(m.id("In-Reply-To"), "c1@example.se");
    assert_eq!(m.header("References").as_deref(), Some("<c1@example.se>"));
    assert_eq!(m.header("Auto-Submitted"), None, "a person's reply");
    assert!(m.text().contains("tilauksesi on matkalla."), "{}", m.text());
    assert_eq!(
        m.attachments(),
        vec![(
            "kuitti ä.pdf".to_string(),
            "application/pdf".to_string(),
            pdf.clone()
        )]
    );
    // The message sent is the one recorded: the event has its Message-ID, the ticket
    // the attachment.
    let event = crate::ingest::events(&repo, &id)
        .into_iter()
        .map(|(_, t)| t)
        .find(|t| fm(t, "message_id").as_deref() == Some(message_id.as_str()))
        .expect("the reply's event");
    assert_eq!(fm(&event, "kind").as_deref(), Some("outbound"));
    assert_eq!(fm(&event, "author").as_deref(), Some("anna"));
    assert_eq!(
        std::fs::read(repo.path(&format!("{}/attachments/kuitti ä.pdf", ticket_dir(&id)))).unwrap(),
        pdf
    );
    // Her answer, threaded by the In-Reply-To her mail program takes from these bytes.
    let answer = Mail::new(MARTA, "Re: Tilaus ei näy", "c2@example.se")
        .in_reply_to(&message_id)
        .references(&["c1@example.se", &message_id]);
    let r = ingest_at(&repo, &answer.text(), "2026-11-22T11:00:00Z");
    assert_eq!(
        (
            r["outcome"].as_str(),
            r["ticket"].as_str(),
            r["reason"].as_str()
        ),
        (Some("threaded"), Some(id.as_str()), Some("in-reply-to"))
    );
    assert!(outbox(&repo, &[]).is_empty());
    repo.assert_clean();
}

#[test]
fn smtp_with_implicit_tls_delivers() {
    let repo = TestRepo::quiet();
    let server = SmtpServer::start(
        &repo.tmp.path().join("smtp"),
        &SmtpOptions {
            tls: true,
            auth: Some(("desk", "pw")),
            ..Default::default()
        },
    );
    use_smtp(
        &repo,
        &server,
        "tls",
        &format!("    user: desk\n    ca_file: {}\n", tls_fixture("ca.pem")),
    );
    let id = repo.new_ticket("Lasku", &["--requester", "Pekka <pekka@example.fi>"]);
    repo.run_with(
        &["reply", &id, "-m", "Kiitos."],
        // The default variable for the password.
        &[("TIKETTI_SMTP_PASSWORD", "pw")],
        None,
    )
    .ok();
    let d = server.delivered();
    assert_eq!(d.len(), 1, "{}", server.log());
    assert!(d[0].tls);
    assert_eq!(d[0].login.as_deref(), Some("desk"));
    assert_eq!(d[0].envelope_to, vec!["pekka@example.fi"]);
    assert_eq!(
        d[0].parsed().header("Subject"),
        Some(format!("[Support #{id}] Re: Lasku"))
    );
}

#[test]
fn smtp_that_cannot_be_trusted_or_logged_into_keeps_the_mail_queued() {
    let repo = TestRepo::quiet();
    let server = SmtpServer::start(
        &repo.tmp.path().join("smtp"),
        &SmtpOptions {
            starttls: true,
            auth: Some(("desk", "pw")),
            ..Default::default()
        },
    );
    let id = repo.new_ticket("Lasku", &["--requester", "pekka@example.fi"]);
    // No ca_file: the test CA is not trusted, so TLS fails before any password is sent.
    use_smtp(&repo, &server, "starttls", "    user: desk\n");
    let env = [("TIKETTI_SMTP_PASSWORD", "pw")];
    let run = repo.run_with(&["reply", &id, "-m", "Kiitos."], &env, None);
    assert!(run.ok().ends_with("queued"), "{run:?}");
    assert!(run.stderr.contains("not sent"), "{}", run.stderr);
    let queued = outbox(&repo, &[]);
    assert_eq!(queued.len(), 1);
    let error = queued[0]["error"].as_str().unwrap().to_lowercase();
    assert!(error.contains("certificate"), "{error}");
    // The CA trusted, but no password in the environment: an error before connecting.
    use_smtp(
        &repo,
        &server,
        "starttls",
        &format!("    user: desk\n    ca_file: {}\n", tls_fixture("ca.pem")),
    );
    let run = repo.run(&["outbox", "flush", "--now"]);
    let stderr = run.fails(1);
    assert!(
        stderr.contains("mail.smtp.user is \"desk\" but the environment variable TIKETTI_SMTP_PASSWORD (mail.smtp.password_env) is not set"),
        "{stderr}"
    );
    assert_eq!(outbox(&repo, &[])[0]["attempts"], 2);
    // A wrong password: the server says no.
    let run = repo.run_with(
        &["outbox", "flush", "--now"],
        &[("TIKETTI_SMTP_PASSWORD", "wrong")],
        None,
    );
    assert!(run.fails(1).contains("535"), "{}", run.stderr);
    assert!(server.delivered().is_empty());
    // Right at last: sent once.
    repo.run_with(&["outbox", "flush", "--now"], &env, None)
        .ok();
    assert_eq!(server.delivered().len(), 1);
    assert!(outbox(&repo, &[]).is_empty());
    assert_eq!(outbox(&repo, &["--sent"])[0]["attempts"], 4);
}

#[test]
fn an_smtp_server_that_refuses_keeps_the_message_queued_until_one_accepts() {
    let repo = TestRepo::quiet();
    let id = repo.new_ticket("Lasku", &["--requester", "pekka@example.fi"]);
    for (opts, code) in [
        (
            SmtpOptions {
                reject_rcpt: Some(550),
                ..Default::default()
            },
            "550",
        ),
        (
            SmtpOptions {
                reject_data: Some(451),
                ..Default::default()
            },
            "451",
        ),
    ] {
        let dir = repo.tmp.path().join(format!("refusing-{code}"));
        let refusing = SmtpServer::start(&dir, &opts);
        use_smtp(&repo, &refusing, "none", "");
        if code == "550" {
            let run = repo.run(&["reply", &id, "-m", "Kiitos.", "--queue"]);
            assert!(run.ok().ends_with("queued"));
        }
        let run = repo.run(&["outbox", "flush", "--now"]);
        let stderr = run.fails(1);
        assert!(stderr.contains(code), "{stderr}");
        assert!(
            stderr.contains("1 message(s) could not be sent; they stay queued"),
            "{stderr}"
        );
        let queued = outbox(&repo, &[]);
        assert_eq!(queued.len(), 1);
        assert!(queued[0]["error"].as_str().unwrap().contains(code));
        assert!(refusing.delivered().is_empty());
    }
    // The transport fixed: sent once, and a second flush sends nothing.
    let good = SmtpServer::start(&repo.tmp.path().join("good"), &SmtpOptions::default());
    use_smtp(&repo, &good, "none", "");
    let run = repo.run(&["outbox", "flush", "--now"]);
    assert!(run.ok().contains("sent to pekka@example.fi"));
    repo.run(&["outbox", "flush", "--now"]).ok();
    assert_eq!(good.delivered().len(), 1);
    let sent = outbox(&repo, &["--sent"]);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["attempts"], 3);
    assert!(sent[0].get("error").is_none(), "{:#}", sent[0]);
}

#[test]
fn a_sendmail_command_gets_the_envelope_and_the_message_with_lf_line_ends() {
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
    repo.run(&["reply", &id, "-m", "Hei Märta."]).ok();
    let d = cap.delivered();
    assert_eq!(d.len(), 1);
    // -f sets the envelope sender (bounces come back to the helpdesk); without -t the
    // recipients follow as arguments.
    assert_eq!(
        d[0].args,
        vec![
            "-f",
            "support@example.com",
            "--",
            "marta@example.se",
            "bo@customer.fi"
        ]
    );
    assert!(!d[0].raw.contains(&b'\r'), "sendmail reads LF line ends");
    let m = d[0].parsed();
    assert_well_formed(&m, &d[0].raw);
    assert_eq!(
        m.header("Subject"),
        Some(format!("[Support #{id}] Re: Tilaus ei näy"))
    );
    assert_eq!(
        m.mailboxes("to"),
        vec![("Märta Ström".into(), "marta@example.se".into())]
    );
    // A ticket opened by hand has no customer message to answer.
    assert_eq!(m.header("In-Reply-To"), None);

    // `-t`: the command reads the recipients from the message itself; `-f` given: kept.
    use_sendmail(
        &repo,
        &format!("{} -t -i -fbounces@example.com", cap.command),
    );
    repo.run(&["reply", &id, "-m", "Vielä yksi asia."]).ok();
    let d = cap.delivered();
    assert_eq!(d.len(), 2);
    assert_eq!(d[1].args, vec!["-t", "-i", "-fbounces@example.com"]);
    // The second reply answers nothing new, so it continues from our own first one.
    let first = d[0].parsed().id("Message-ID");
    assert_eq!(d[1].parsed().id("In-Reply-To"), first);
}

// ---------------------------------------------------------------------------------------
// Customers' answers thread back.

#[test]
fn a_customers_answer_to_delivered_mail_threads_into_its_ticket() {
    let repo = TestRepo::new();
    let cap = capture(&repo);
    let other = ingest_new(
        &repo,
        &Mail::new("Pekka <pekka@example.fi>", "Lasku puuttuu", "p1@example.fi").text(),
    );
    let id = ingest_new(&repo, &martas_message().text());
    repo.run(&["outbox", "flush"]).ok();
    repo.run(&["reply", &other, "-m", "Lähetämme laskun uudelleen."])
        .ok();
    repo.run(&[
        "reply",
        &id,
        "-m",
        "Mikä on tilausnumerosi?",
        "--status",
        "pending",
    ])
    .ok();
    let delivered = cap.delivered();
    assert_eq!(delivered.len(), 4, "two acknowledgements, two replies");
    let ours = delivered.last().unwrap().parsed();
    assert_eq!(ours.mailboxes("to")[0].1, "marta@example.se");
    let ours_id = ours.id("Message-ID");
    let references = ours.header("References").unwrap();

    // Her answer: a subject without the tag, threading headers from the bytes she got.
    let answer = Mail::new(MARTA, "Re: Tilaus", "c2@example.se")
        .in_reply_to(&ours_id)
        .set("References", &format!("{references} <{ours_id}>"))
        .body("Tilausnumero on 12345.\n");
    let r = ingest_at(&repo, &answer.text(), "2026-11-22T11:00:00Z");
    assert_eq!(r["outcome"], "threaded");
    assert_eq!(r["ticket"], id.as_str());
    assert_eq!(r["reason"], "in-reply-to");
    // A person's answer puts the pending ticket back in the queue.
    assert_eq!(repo.key(&id, "status").as_deref(), Some("open"));
    // A reply to it answers her latest message.
    repo.run_with(
        &["reply", &id, "-m", "Kiitos, katsomme."],
        &[("TIKETTI_NOW", "2026-11-22T11:30:00Z")],
        None,
    )
    .ok();
    let last = cap.delivered().last().unwrap().parsed();
    assert_eq!(last.id("In-Reply-To"), "c2@example.se");
    let refs = last.header("References").unwrap();
    assert!(
        refs.starts_with("<c1@example.se>")
            && refs.ends_with(&format!("<{ours_id}> <c2@example.se>")),
        "{refs}"
    );

    // An answer to the acknowledgement threads too.
    let ack_id = delivered[1].parsed().id("Message-ID");
    let r = ingest_json(
        &repo,
        &Mail::new(MARTA, "Re: kuittaus", "c3@example.se")
            .in_reply_to(&ack_id)
            .text(),
    );
    assert_eq!(
        (r["ticket"].as_str(), r["reason"].as_str()),
        (Some(id.as_str()), Some("in-reply-to"))
    );

    // A made-up reference to the ticket (its ID, a wrong hash) opens a new ticket.
    let (local, domain) = ours_id.split_once('@').unwrap();
    let (head, _mac) = local.rsplit_once('.').unwrap();
    let forged = format!("{head}.0000000000@{domain}");
    let r = ingest_json(
        &repo,
        &Mail::new("Mallory <m@evil.example>", "Re: tilaus", "f1@evil.example")
            .in_reply_to(&forged)
            .text(),
    );
    assert_eq!(r["outcome"], "created", "{r:#}");
    assert_ne!(r["ticket"], id.as_str());
}

// ---------------------------------------------------------------------------------------
// Acknowledgements and the guards against loops.

#[test]
fn a_vacation_auto_reply_to_an_acknowledgement_sends_nothing_and_reopens_nothing() {
    let repo = TestRepo::new();
    let cap = capture(&repo);
    let id = ingest_new(&repo, &martas_message().text());
    repo.run(&["outbox", "flush"]).ok();
    let ack_id = cap.delivered()[0].parsed().id("Message-ID");
    repo.run(&[
        "reply",
        &id,
        "-m",
        "Mikä on tilausnumerosi?",
        "--status",
        "pending",
    ])
    .ok();
    assert_eq!(cap.count(), 2);

    let vacations = [
        Mail::new(
            MARTA,
            &format!("Automaattinen vastaus: [Support #{id}] Re: Tilaus ei näy"),
            "ooo1@example.se",
        )
        .in_reply_to(&ack_id)
        .set("Auto-Submitted", "auto-replied")
        .body("Olen lomalla 30.11. asti.\n"),
        Mail::new(MARTA, "Out of office", "ooo2@example.se")
            .in_reply_to(&ack_id)
            .references(&["c1@example.se", &ack_id])
            .set("X-Autoreply", "yes")
            .body("I am out of the office.\n"),
    ];
    for (n, vacation) in vacations.iter().enumerate() {
        let commits = repo.commit_count();
        let r = ingest_json(&repo, &vacation.text());
        assert_eq!(r["outcome"], "threaded", "{r:#}");
        assert_eq!(r["ticket"], id.as_str());
        let event = crate::ingest::event_for(&repo, &id, &format!("ooo{}@example.se", n + 1));
        assert_eq!(fm(&event, "auto").as_deref(), Some("auto-reply"));
        assert_eq!(repo.commit_count(), commits + 1);
        assert_eq!(repo.key(&id, "status").as_deref(), Some("pending"));
        assert!(outbox(&repo, &[]).is_empty(), "something was queued");
        repo.run(&["outbox", "flush"]).ok();
        assert_eq!(cap.count(), 2, "something was sent");
    }
}

#[test]
fn automatic_mail_that_threads_nowhere_gets_no_acknowledgement() {
    let repo = TestRepo::new();
    let cap = capture(&repo);
    let machines = [
        Mail::new("Loma <loma@other.fi>", "Out of office", "a1@other.fi").set("X-Autoreply", "yes"),
        Mail::new("Loma <loma@other.fi>", "Poissa", "a2@other.fi")
            .set("Auto-Submitted", "auto-replied"),
        Mail::new("MAILER-DAEMON@other.fi", "Undelivered Mail", "a3@other.fi")
            .set("Return-Path", "<>"),
        Mail::new("news@shop.example", "Tarjous", "a4@shop.example")
            .set("List-Id", "<offers.shop.example>"),
        Mail::new(
            "Toinen desk <support@example.com>",
            "Hello",
            "a5@example.com",
        )
        .set("X-Tiketti-Loop", "support@example.com"),
    ];
    for m in &machines {
        let r = ingest_json(&repo, &m.text());
        assert_eq!(r["outcome"], "created", "{r:#}");
        let why = r["acknowledgement"].as_str().unwrap();
        assert!(why.starts_with("not to automatic mail"), "{why}");
    }
    assert!(outbox(&repo, &[]).is_empty());
    repo.run(&["outbox", "flush"]).ok();
    assert_eq!(cap.count(), 0);
}

#[test]
fn at_most_auto_mail_limit_acknowledgements_to_one_address_a_day() {
    let repo = TestRepo::new();
    edit_config(&repo, "auto_mail_limit: 10 ", "auto_mail_limit: 3 ");
    let cap = capture(&repo);
    // Five new tickets from one address in one run, a sixth in another.
    let files: Vec<String> = (1..=5)
        .map(|n| {
            crate::ingest::outside(
                &repo,
                &format!("{n}.eml"),
                Mail::new(
                    "Robo <robo@example.net>",
                    &format!("Asia {n}"),
                    &format!("r{n}@example.net"),
                )
                .text()
                .as_bytes(),
            )
        })
        .collect();
    let mut args = vec!["ingest", "--format", "json"];
    args.extend(files.iter().map(String::as_str));
    let out: Value = serde_json::from_str(repo.run(&args).ok()).unwrap();
    let acks: Vec<&str> = out["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["acknowledgement"].as_str().unwrap())
        .collect();
    assert_eq!(&acks[..3], ["queued", "queued", "queued"]);
    for why in &acks[3..] {
        assert_eq!(
            *why,
            "robo@example.net already got 3 automatic mails in 24 hours (mail.auto_mail_limit)"
        );
    }
    let sixth = ingest_json(
        &repo,
        &Mail::new("robo@EXAMPLE.net", "Asia 6", "r6@example.net").text(),
    );
    assert!(
        sixth["acknowledgement"]
            .as_str()
            .unwrap()
            .contains("already got 3"),
        "{sixth:#}"
    );
    // The cap is per recipient: someone else still gets one.
    let other = ingest_json(
        &repo,
        &Mail::new("eeva@example.fi", "Kysymys", "e1@example.fi").text(),
    );
    assert_eq!(other["acknowledgement"], "queued");
    repo.run(&["outbox", "flush"]).ok();
    let mut to: Vec<String> = cap
        .delivered()
        .iter()
        .map(|d| d.args.last().unwrap().clone())
        .collect();
    to.sort();
    assert_eq!(
        to,
        [
            "eeva@example.fi",
            "robo@example.net",
            "robo@example.net",
            "robo@example.net"
        ]
    );
}

#[test]
fn acknowledgements_follow_config_flags_and_age() {
    let repo = TestRepo::new();
    let cap = capture(&repo);
    // The helpdesk's own template is used.
    let template = repo.read("templates/acknowledgement.md");
    repo.write(
        "templates/acknowledgement.md",
        &template.replace(
            "thank you for your message.",
            "kiitos viestistäsi, {{requester.email}}.",
        ),
    );
    // Quote requests (routed by subject) are not acknowledged.
    edit_config(
        &repo,
        "  - name: quote-request\n",
        "  - name: quote-request\n    acknowledge: false\n",
    );
    let r = ingest_json(
        &repo,
        &Mail::new("a@example.fi", "Kysymys", "k1@example.fi").text(),
    );
    assert_eq!(r["acknowledgement"], "queued");
    let r = ingest_json(
        &repo,
        &Mail::new("b@example.fi", "Tarjous please", "k2@example.fi")
            .set("To", "sales@example.com")
            .text(),
    );
    assert_eq!(
        r["acknowledgement"],
        "off for this category (mail.acknowledge, categories[].acknowledge)"
    );
    let run = repo.run_with(
        &["ingest", "--no-acknowledge", "--format", "json"],
        &[],
        Some(&Mail::new("c@example.fi", "Toinen", "k3@example.fi").text()),
    );
    let out: Value = serde_json::from_str(run.ok()).unwrap();
    assert_eq!(
        out["messages"][0]["acknowledgement"],
        "off for this run (--no-acknowledge)"
    );
    // An import of old mail answers nobody.
    let old = crate::ingest::outside(
        &repo,
        "old.eml",
        Mail::new("d@example.fi", "Vanha", "k4@example.fi")
            .set("Date", "Sun, 15 Nov 2026 09:00:00 +0000")
            .text()
            .as_bytes(),
    );
    let out: Value =
        serde_json::from_str(repo.run(&["ingest", "--format", "json", &old]).ok()).unwrap();
    assert_eq!(
        out["messages"][0]["acknowledgement"],
        "the message is more than a day old"
    );

    repo.run(&["outbox", "flush"]).ok();
    let d = cap.delivered();
    assert_eq!(d.len(), 1);
    let m = d[0].parsed();
    assert!(
        m.text().contains("kiitos viestistäsi, a@example.fi."),
        "{}",
        m.text()
    );
    assert_eq!(m.header("Auto-Submitted").as_deref(), Some("auto-replied"));
    // The commit that opened the ticket also recorded the acknowledgement.
    let first = crate::ingest::ticket_ids(&repo)
        .into_iter()
        .find(|t| repo.key(t, "requester").as_deref() == Some("a@example.fi"))
        .unwrap();
    let outbound: Vec<String> = crate::ingest::events(&repo, &first)
        .into_iter()
        .map(|(_, t)| t)
        .filter(|t| fm(t, "kind").as_deref() == Some("outbound"))
        .collect();
    assert_eq!(outbound.len(), 1);
    assert_eq!(fm(&outbound[0], "auto").as_deref(), Some("acknowledgement"));
    assert_eq!(fm(&outbound[0], "author").as_deref(), Some("tiketti"));
}

// ---------------------------------------------------------------------------------------
// Mail about a new ticket waits until the ticket is pushed.

#[test]
fn with_a_remote_mail_waits_until_its_ticket_is_pushed() {
    let repo = TestRepo::new();
    let cap = capture(&repo);
    let remote = repo.tmp.path().join("remote.git");
    let out = Command::new("git")
        .args(["init", "-q", "--bare"])
        .arg(&remote)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(out.status.success());
    repo.git(&["remote", "add", "origin", &remote.display().to_string()]);

    let id = ingest_new(&repo, &martas_message().text());
    let run = repo.run(&["outbox", "flush"]);
    assert_eq!(run.ok(), "");
    assert!(
        run.stderr.contains("outbox: 0 sent, 1 waiting"),
        "{}",
        run.stderr
    );
    assert_eq!(cap.count(), 0);
    let queued = outbox(&repo, &[]);
    assert_eq!(queued[0]["state"], "waiting for push (tiketti sync)");
    assert_eq!(queued[0]["attempts"], 0, "waiting is not a failed attempt");
    // A reply waits as well, and says so.
    let run = repo.run(&["reply", &id, "-m", "Katsomme."]);
    assert!(run.ok().ends_with("queued"));
    assert!(run.stderr.contains("waiting for push"), "{}", run.stderr);
    assert_eq!(cap.count(), 0);

    repo.git(&["push", "-q", "-u", "origin", "main"]);
    let run = repo.run(&["outbox", "flush"]);
    assert_eq!(run.ok().lines().count(), 2, "{run:?}");
    assert_eq!(cap.count(), 2);
    repo.run(&["outbox", "flush"]).ok();
    assert_eq!(cap.count(), 2);
    assert!(outbox(&repo, &[]).is_empty());
}

#[test]
fn the_default_transport_runs_sendmail_from_path_which_tests_replace() {
    // common.rs puts a refusing `sendmail` first on PATH: the real one never runs.
    let repo = TestRepo::quiet();
    let id = repo.new_ticket("Lasku", &["--requester", "pekka@example.fi"]);
    let run = repo.run(&["reply", &id, "-m", "Kiitos."]);
    assert!(run.ok().ends_with(" queued"), "{run:?}");
    assert_eq!(
        outbox(&repo, &[])[0]["error"],
        "`sendmail -t -i` exited with status 1: tests never run sendmail: point mail.sendmail at a capture script"
    );
}

#[test]
fn a_web_forms_reply_to_is_the_requester_and_gets_the_mail() {
    let repo = TestRepo::new();
    let cap = capture(&repo);
    let form = Mail::new(
        "Web shop <noreply@shop.example>",
        "Contact form: return",
        "f1@shop.example",
    )
    .set("Reply-To", "Märta Ström <marta@example.se>")
    .body("I want to return my order.\n");
    let r = ingest_json(&repo, &form.text());
    assert_eq!(r["acknowledgement"], "queued", "{r:#}");
    let id = r["ticket"].as_str().unwrap();
    assert_eq!(
        repo.key(id, "requester").as_deref(),
        Some("Märta Ström <marta@example.se>")
    );
    // The form's From answers nobody: not a participant either.
    assert_eq!(repo.key(id, "cc"), None);
    repo.run(&["outbox", "flush"]).ok();
    let sent = cap.delivered();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].parsed().mailboxes("To"),
        vec![("Märta Ström".to_string(), "marta@example.se".to_string())]
    );
}
