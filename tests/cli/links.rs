//! Sub-tickets (issue 5): `link-child`, `unlink`, the rule that a parent is not solved or
//! closed while a child is open, the tree in `show`, `list --parent` and
//! `--has-open-children`, and `check` on links broken by hand.
//!
//! The helpdesk here has teams (HR, IT, telecom, development) and sends mail through a
//! capture script in its temp dir: no test here ever runs the machine's own sendmail.

use std::path::PathBuf;

use serde_json::Value;

use crate::common::*;
use crate::ingest::{Mail, id_after, ingest, ingest_new};

// ---------------------------------------------------------------------------------------
// Helpers, shared with tracker.rs.

/// Replace `anchor` (which must be there once) in tiketti.yaml by `anchor` + `extra`.
fn extend_config(config: &str, anchor: &str, extra: &str) -> String {
    assert_eq!(
        config.matches(anchor).count(),
        1,
        "{anchor:?} in tiketti.yaml"
    );
    config.replace(anchor, &format!("{anchor}{extra}"))
}

/// A quiet helpdesk (no acknowledgements) with the teams of these tests, an `onboarding`
/// category and a `start_date` field, whose outgoing mail lands in a capture directory.
pub fn helpdesk() -> (TestRepo, Captured) {
    let repo = TestRepo::quiet();
    let mut config = repo.read("tiketti.yaml");
    config = extend_config(
        &config,
        "  - id: anna\n    name: Anna Virtanen\n    email: anna@example.com\n",
        "  - id: ilkka\n    name: Ilkka Korhonen\n    email: ilkka@example.com\n\
         \x20 - id: olli\n    name: Olli Nieminen\n    email: olli@example.com\n\
         \x20 - id: pekka\n    name: Pekka Laine\n    email: pekka@example.com\n",
    );
    config = extend_config(
        &config,
        "    members: [anna]\n    assign: round-robin\n",
        "  - name: hr\n    members: [anna]\n\
         \x20 - name: it\n    members: [ilkka]\n\
         \x20 - name: telecom\n    members: [olli]\n\
         \x20 - name: development\n    members: [pekka]\n",
    );
    config = extend_config(&config, "  - name: incident\n", "  - name: onboarding\n");
    config = extend_config(
        &config,
        "  - name: order_number\n    label: Order number\n    type: text\n",
        "  - name: start_date\n    label: Start date\n    type: date\n",
    );
    repo.write("tiketti.yaml", &config);
    repo.git(&["commit", "-q", "-a", "-m", "Teams for the tests"]);
    repo.run(&["config", "check"]).ok();
    let captured = Captured::install(&repo);
    (repo, captured)
}

/// Outgoing mail, caught by a sendmail stand-in that keeps each message in a file.
pub struct Captured {
    dir: PathBuf,
    /// The capture script (a sendmail command without its `-t -i`).
    pub script: String,
}

/// One captured message: its header fields (unfolded) and its body.
#[derive(Debug)]
pub struct Delivered {
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Delivered {
    fn parse(text: &str) -> Delivered {
        let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in head.lines() {
            if line.starts_with([' ', '\t']) {
                let last = headers.last_mut().expect("a continuation line first");
                last.1.push(' ');
                last.1.push_str(line.trim());
            } else {
                let (name, value) = line.split_once(':').expect("a header field");
                headers.push((name.to_string(), value.trim().to_string()));
            }
        }
        Delivered {
            headers,
            body: body.to_string(),
        }
    }

    /// The value of the one field `name` (`None` when absent).
    pub fn header(&self, name: &str) -> Option<&str> {
        let mut found = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name));
        let first = found.next().map(|(_, v)| v.as_str());
        assert!(found.next().is_none(), "{name} twice in {self:?}");
        first
    }

    /// The one address in To.
    pub fn to_address(&self) -> String {
        let to = self.header("To").expect("a To field");
        match (to.rfind('<'), to.rfind('>')) {
            (Some(a), Some(b)) if a < b => to[a + 1..b].to_string(),
            _ => to.to_string(),
        }
    }
}

impl Captured {
    /// Write the capture script and point `mail.sendmail` at it (one commit).
    pub fn install(repo: &TestRepo) -> Captured {
        let dir = repo.tmp.path().join("sent");
        std::fs::create_dir_all(&dir).unwrap();
        let script = repo.editor_script(
            "capture-sendmail",
            &format!(
                "# Stands in for sendmail: one file per message, nothing leaves the machine.\n\
                 f=$(mktemp '{}/mail.XXXXXXXX') || exit 75\ncat > \"$f\"",
                dir.display()
            ),
        );
        repo.run(&["config", "set", "mail.sendmail", &format!("{script} -t -i")])
            .ok();
        Captured { dir, script }
    }

    /// How many messages were handed to the transport.
    pub fn count(&self) -> usize {
        std::fs::read_dir(&self.dir).unwrap().count()
    }

    /// Every message handed to the transport, in no particular order.
    pub fn all(&self) -> Vec<Delivered> {
        std::fs::read_dir(&self.dir)
            .unwrap()
            .map(|e| Delivered::parse(&std::fs::read_to_string(e.unwrap().path()).unwrap()))
            .collect()
    }
}

/// The IDs `tiketti list ARGS --format json` prints, sorted.
pub fn listed(repo: &TestRepo, args: &[&str]) -> Vec<String> {
    let mut all = vec!["list"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let mut ids: Vec<String> = json(repo.run(&all).ok())["tickets"]
        .as_array()
        .expect("tickets")
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

pub fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// `show ID --format json`, the ticket object.
pub fn shown(repo: &TestRepo, id: &str) -> Value {
    json(repo.run(&["show", id, "--format", "json"]).ok())["ticket"].clone()
}

pub fn sorted(ids: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

/// One row of `show`'s Children or Tracked tickets: depth, ID, status, assignee, subject.
type Row = (usize, String, String, String, String);

/// The rows of section `title` in `show`'s table output, read by words, not columns.
pub fn section(show: &str, title: &str) -> Vec<Row> {
    show.lines()
        .skip_while(|l| *l != title)
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(|l| {
            let indent = l.len() - l.trim_start().len();
            let mut rest = l.trim_start();
            let mut word = || {
                let (w, r) = rest.split_once(' ').unwrap_or((rest, ""));
                rest = r.trim_start();
                w.to_string()
            };
            let (id, status, assignee) = (word(), word(), word());
            (indent / 2 - 1, id, status, assignee, rest.to_string())
        })
        .collect()
}

pub fn row(depth: usize, id: &str, status: &str, assignee: &str, subject: &str) -> Row {
    (
        depth,
        id.into(),
        status.into(),
        assignee.into(),
        subject.into(),
    )
}

/// A child ticket made by `link-child PARENT ARGS…`; returns its ID.
fn child(repo: &TestRepo, parent: &str, args: &[&str]) -> String {
    let mut all = vec!["link-child", parent];
    all.extend_from_slice(args);
    repo.run(&all).ok().to_string()
}

// ---------------------------------------------------------------------------------------
// The workflow of the issue.

const HANNA: &str = "Hanna Hakala <hanna@customer.example>";

/// HR receives "a new employee starts on 11 February" and makes two child tickets: IT
/// (laptop, accounts; with a grandchild for the laptop order) and the telecom operator (a
/// phone subscription). Each child has its own group, assignee, status and conversation;
/// the parent waits for them and is solved last, with a reply to the original requester.
#[test]
fn a_new_employee_is_set_up_through_child_tickets() {
    let (repo, sent) = helpdesk();
    let first = Mail::new(
        HANNA,
        "New employee starts on 11 February",
        "start-1@customer.example",
    )
    .body("Eero Salo starts on 11 February. He needs a laptop, accounts and a phone.\n");
    let parent = ingest_new(&repo, &first.text());
    repo.run(&[
        "set",
        &parent,
        "category=onboarding",
        "+onboarding",
        "+new-employee",
        "priority=high",
        "start_date=2027-02-11",
    ])
    .ok();
    repo.run(&["assign", &parent, "anna", "--group", "hr"]).ok();
    repo.run(&["status", &parent, "open"]).ok();

    // Two children, each for its own team; the rest comes from the parent.
    let before = repo.commit_count();
    let it = child(
        &repo,
        &parent,
        &[
            "--subject",
            "Laptop and accounts for Eero Salo",
            "--group",
            "it",
            "--assignee",
            "ilkka",
            "-m",
            "A laptop, e-mail and VPN accounts, ready on 11 February.",
        ],
    );
    assert_eq!(repo.commit_count(), before + 1);
    assert_eq!(
        repo.last_commit_message(),
        format!("link-child: {parent} -> {it} Laptop and accounts for Eero Salo")
    );
    let phone = child(
        &repo,
        &parent,
        &[
            "--subject",
            "Phone subscription for Eero Salo",
            "--group",
            "telecom",
            "--assignee",
            "olli",
        ],
    );
    assert_eq!(repo.commit_count(), before + 2);
    for (id, group, assignee) in [(&it, "it", "ilkka"), (&phone, "telecom", "olli")] {
        let t = shown(&repo, id);
        assert_eq!(t["parent"], parent.as_str());
        assert_eq!(t["requester"], HANNA, "inherited");
        assert_eq!(t["category"], "onboarding", "inherited");
        assert_eq!(t["tags"], serde_json::json!(["onboarding", "new-employee"]));
        assert_eq!(t["priority"], "high", "inherited");
        assert_eq!(t["channel"], "email", "inherited");
        assert_eq!(t["fields"]["start_date"], "2027-02-11", "inherited");
        assert_eq!(t["group"], group);
        assert_eq!(t["assignee"], assignee);
        assert_eq!(t["status"], "new");
        assert_eq!(t["events"], serde_json::json!([]), "its own conversation");
    }
    assert_eq!(
        shown(&repo, &it)["description"],
        "A laptop, e-mail and VPN accounts, ready on 11 February.\n"
    );
    // IT orders the laptop in a child of its own: a grandchild of HR's ticket.
    let laptop = repo
        .run_with(
            &[
                "link-child",
                &it,
                "--subject",
                "Order the laptop",
                "--assignee",
                "me",
            ],
            &[("TIKETTI_ACTOR", "ilkka")],
            None,
        )
        .ok()
        .to_string();

    let laptop_subject = "Order the laptop";
    let it_subject = "Laptop and accounts for Eero Salo";
    let phone_subject = "Phone subscription for Eero Salo";
    // Children sorted by ID, each followed by its own children one level deeper.
    let tree = |it_status: &str, phone_status: &str, laptop_status: &str| {
        let it_rows = vec![
            row(0, &it, it_status, "ilkka", it_subject),
            row(1, &laptop, laptop_status, "ilkka", laptop_subject),
        ];
        let phone_rows = vec![row(0, &phone, phone_status, "olli", phone_subject)];
        if it < phone {
            [it_rows, phone_rows].concat()
        } else {
            [phone_rows, it_rows].concat()
        }
    };
    let show = repo.run(&["show", &parent]);
    assert_eq!(
        section(show.ok(), "Children"),
        tree("new", "new", "new"),
        "{}",
        show.stdout
    );
    assert_eq!(
        listed(&repo, &["--parent", &parent]),
        sorted(&[&it, &phone]),
        "direct children only"
    );
    assert_eq!(listed(&repo, &["--parent", &it]), vec![laptop.clone()]);
    assert_eq!(
        listed(&repo, &["--has-open-children"]),
        sorted(&[&parent, &it])
    );

    // The operator confirms; HR solves that child.
    repo.run_with(
        &[
            "note",
            &phone,
            "-m",
            "Operator confirmed: the subscription starts on 11 February.",
        ],
        &[("TIKETTI_ACTOR", "olli")],
        None,
    )
    .ok();
    repo.run(&["solve", &phone]).ok();
    assert_eq!(repo.key(&phone, "status").unwrap(), "solved");
    assert_eq!(
        listed(&repo, &["--has-open-children"]),
        sorted(&[&parent, &it])
    );

    // IT needs more details and asks on its child: a reply to HR's requester, threaded
    // under the child's own subject tag, not the parent's.
    let asked = repo
        .run_with(
            &[
                "reply",
                &it,
                "-m",
                "Which laptop size, and which systems does Eero need?",
                "--status",
                "pending",
            ],
            &[("TIKETTI_ACTOR", "ilkka")],
            None,
        )
        .ok()
        .to_string();
    assert!(asked.starts_with(&format!("{it} reply ")), "{asked}");
    assert!(
        asked.ends_with("sent to hanna@customer.example, new -> pending"),
        "{asked}"
    );
    let mails = sent.all();
    assert_eq!(mails.len(), 1);
    let question = &mails[0];
    assert_eq!(question.to_address(), "hanna@customer.example");
    assert_eq!(
        question.header("Subject").unwrap(),
        format!("[Support #{it}] Re: Laptop and accounts for Eero Salo")
    );
    assert!(question.body.contains("which systems does Eero need?"));
    let question_id = question.header("Message-ID").unwrap().to_string();
    // HR answers there, by mail: the answer joins the child, not the parent.
    let answer = Mail::new(
        HANNA,
        &format!("Re: [Support #{it}] Re: Laptop and accounts for Eero Salo"),
        "answer-1@customer.example",
    )
    .set("In-Reply-To", &question_id)
    .body("A 14-inch laptop; e-mail, VPN and the payroll system.\n");
    let run = ingest(&repo, &answer.text());
    run.ok();
    assert_eq!(id_after(&run.stderr, "added to ticket "), it);
    assert_eq!(
        repo.key(&it, "status").unwrap(),
        "open",
        "the answer reopens"
    );
    repo.run(&[
        "note",
        &it,
        "-m",
        "HR: the laptop is ordered from the vendor; it arrives on 9 February.",
    ])
    .ok();
    repo.run(&["status", &it, "waiting-on-delivery"]).ok();
    // The kinds of a ticket's events, sorted (they all happen at the pinned time).
    let kinds = |id: &str| -> Vec<String> {
        let mut k: Vec<String> = shown(&repo, id)["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap().to_string())
            .collect();
        k.sort();
        k
    };
    assert_eq!(kinds(&it), ["inbound", "note", "outbound"]);
    assert_eq!(
        kinds(&parent),
        ["inbound"],
        "the child's conversation stays there"
    );
    assert_eq!(kinds(&phone), ["note"]);
    let show = repo.run(&["show", &parent]);
    assert_eq!(
        section(show.ok(), "Children"),
        tree("waiting-on-delivery", "solved", "new"),
        "{}",
        show.stdout
    );
    assert_eq!(
        listed(&repo, &["--has-open-children"]),
        sorted(&[&parent, &it])
    );

    // The parent cannot be solved or closed while a child is open: nothing is written,
    // nothing is sent.
    let before = repo.commit_count();
    let err = repo.run(&["solve", &parent]).fails(1).to_string();
    assert_eq!(
        err,
        format!(
            "error: {parent}: cannot move to solved while a child ticket is open: {it} (waiting-on-delivery)\n\
             hint: solve or close the children first, or `tiketti status {parent} solved --force=REASON`\n"
        )
    );
    repo.run(&["close", &parent]).fails(1);
    repo.run(&["status", &parent, "solved"]).fails(1);
    let err = repo
        .run(&["reply", &parent, "-m", "All done.", "--status", "solved"])
        .fails(1)
        .to_string();
    assert!(err.contains("while a child ticket is open"), "{err}");
    // The same rule one level down: IT's child waits for the laptop order.
    let err = repo.run(&["close", &it]).fails(1).to_string();
    assert!(err.contains(&format!("{laptop} (new)")), "{err}");
    assert_nothing_written(&repo, before);
    assert_eq!(sent.count(), 1);
    assert_eq!(repo.key(&parent, "status").unwrap(), "open");

    // IT finishes; HR closes the child.
    repo.run_with(&["solve", &laptop], &[("TIKETTI_ACTOR", "ilkka")], None)
        .ok();
    assert_eq!(
        listed(&repo, &["--has-open-children"]),
        vec![parent.clone()]
    );
    repo.run_with(
        &["note", &it, "-m", "Laptop set up, accounts created."],
        &[("TIKETTI_ACTOR", "ilkka")],
        None,
    )
    .ok();
    assert_eq!(
        repo.run(&["close", &it]).ok(),
        format!("{it} waiting-on-delivery -> closed")
    );
    assert_eq!(
        listed(&repo, &["--has-open-children"]),
        Vec::<String>::new()
    );

    // HR tells the original requester on the parent that everything is done: one mail,
    // threaded to her first message, and the parent solved in the same commit.
    let before = repo.commit_count();
    let done = repo
        .run(&[
            "reply",
            &parent,
            "-m",
            "Everything is done: Eero's laptop, accounts and phone are ready for 11 February.",
            "--status",
            "solved",
        ])
        .ok()
        .to_string();
    assert!(
        done.ends_with("sent to hanna@customer.example, open -> solved"),
        "{done}"
    );
    assert_eq!(repo.commit_count(), before + 1);
    assert_eq!(
        repo.last_commit_message(),
        format!("reply: {parent} to hanna@customer.example, open -> solved")
    );
    assert_eq!(sent.count(), 2);
    let last = sent
        .all()
        .into_iter()
        .find(|m| m.header("Message-ID") != Some(question_id.as_str()))
        .unwrap();
    assert_eq!(last.to_address(), "hanna@customer.example");
    assert_eq!(
        last.header("In-Reply-To"),
        Some("<start-1@customer.example>")
    );
    assert_eq!(
        last.header("Subject").unwrap(),
        format!("[Support #{parent}] Re: New employee starts on 11 February")
    );
    assert!(last.body.contains("Everything is done"), "{}", last.body);
    assert_eq!(repo.key(&parent, "status").unwrap(), "solved");
    assert_eq!(
        kinds(&parent),
        ["inbound", "outbound"],
        "no forced-move note"
    );

    let show = repo.run(&["show", &parent]);
    assert_eq!(
        section(show.ok(), "Children"),
        tree("closed", "solved", "solved"),
        "{}",
        show.stdout
    );
    let children = shown(&repo, &parent)["children"].clone();
    let depths: Vec<(String, u64, String, String)> = children
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["depth"].as_u64().unwrap(),
                c["status"].as_str().unwrap().to_string(),
                c["assignee"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, u64, String, String)> = tree("closed", "solved", "solved")
        .into_iter()
        .map(|(d, id, status, assignee, _)| (id, d as u64, status, assignee))
        .collect();
    assert_eq!(depths, expected);
    assert_eq!(shown(&repo, &it)["children"].as_array().unwrap().len(), 1);
    repo.run(&["check"]).ok();
    repo.assert_clean();
}

/// `--force` moves a parent with open children anyway and records which and why in a note;
/// the commit message says so. Without open children it changes nothing.
#[test]
fn force_moves_a_parent_with_open_children_and_records_why() {
    let (repo, _sent) = helpdesk();
    let parent = repo.new_ticket("Office move", &[]);
    let desk = child(&repo, &parent, &["--subject", "Move the desks"]);
    let net = child(&repo, &parent, &["--subject", "Network in the new office"]);
    let before = repo.commit_count();
    let out = repo
        .run(&[
            "solve",
            &parent,
            "--force=The move is cancelled; the children are closed by facilities",
        ])
        .ok()
        .to_string();
    assert_eq!(out, format!("{parent} new -> solved"));
    assert_eq!(repo.commit_count(), before + 1);
    assert_eq!(
        repo.last_commit_message(),
        format!("solve: {parent} new -> solved (forced with open children)")
    );
    let events = shown(&repo, &parent)["events"].clone();
    assert_eq!(events.as_array().unwrap().len(), 1);
    assert_eq!(events[0]["kind"], "note");
    assert_eq!(events[0]["internal"], true);
    let (a, b) = if desk < net {
        (&desk, &net)
    } else {
        (&net, &desk)
    };
    assert_eq!(
        events[0]["body"],
        format!(
            "Moved to solved with open child tickets: {a} (new), {b} (new).\n\
             Reason: The move is cancelled; the children are closed by facilities\n"
        )
    );
    // Solved -> closed is guarded too; --force without a reason says so.
    repo.run(&["close", &parent]).fails(1);
    repo.run(&["status", &parent, "closed", "--force"]).ok();
    assert_eq!(
        repo.last_commit_message(),
        format!("status: {parent} solved -> closed (forced with open children)")
    );
    let events = shown(&repo, &parent)["events"].clone();
    let bodies: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["body"].as_str().unwrap())
        .collect();
    assert_eq!(
        bodies.len(),
        2,
        "the second note is a new event: {bodies:?}"
    );
    assert!(
        bodies
            .iter()
            .any(|b| b.ends_with("Reason: no reason given\n")),
        "{bodies:?}"
    );
    assert!(
        bodies
            .iter()
            .any(|b| b.contains("Reason: The move is cancelled")),
        "{bodies:?}"
    );
    // Reopening needs no force; with the children done, --force records nothing.
    repo.run(&["reopen", &parent]).ok();
    repo.run(&["close", &desk]).ok();
    repo.run(&["close", &net]).ok();
    repo.run(&["close", &parent, "--force=not needed"]).ok();
    assert_eq!(
        repo.last_commit_message(),
        format!("close: {parent} open -> closed")
    );
    assert_eq!(shown(&repo, &parent)["events"].as_array().unwrap().len(), 2);
    assert_eq!(
        repo.git(&[
            "log",
            "--diff-filter=M",
            "--format=%s",
            "--",
            "tickets/*/*/events/*"
        ]),
        "",
        "an event file was rewritten"
    );
    repo.assert_clean();
}

/// A new child takes the parent's requester, category, tags, priority, custom fields and
/// channel unless told otherwise; group and assignee are its own.
#[test]
fn a_new_child_inherits_unless_told_otherwise() {
    let (repo, _sent) = helpdesk();
    let parent = repo
        .run(&[
            "new",
            "--subject",
            "Broken order",
            "--requester",
            "Kalle Koski <kalle@example.org>",
            "--channel",
            "chat",
            "--category",
            "order",
            "--priority",
            "urgent",
            "--tag",
            "vip",
            "--field",
            "order_number=O-77",
            "--assignee",
            "anna",
            "--group",
            "support",
            "-m",
            "The order arrived broken.",
        ])
        .ok()
        .to_string();
    let same = child(&repo, &parent, &[]);
    let t = shown(&repo, &same);
    assert_eq!(t["subject"], "Broken order");
    assert_eq!(t["requester"], "Kalle Koski <kalle@example.org>");
    assert_eq!(t["channel"], "chat");
    assert_eq!(t["category"], "order");
    assert_eq!(t["priority"], "urgent");
    assert_eq!(t["tags"], serde_json::json!(["vip"]));
    assert_eq!(t["fields"]["order_number"], "O-77");
    assert_eq!(t["assignee"], Value::Null, "not inherited");
    assert_eq!(t["group"], Value::Null, "not inherited");
    assert_eq!(t["description"], "");

    let other = child(
        &repo,
        &parent,
        &[
            "--subject",
            "Replacement delivery",
            "--requester",
            "Warehouse <warehouse@example.com>",
            "--category",
            "question",
            "--tag",
            "logistics",
            "--tag",
            "rush",
            "--priority",
            "low",
            "--group",
            "development",
            "--assignee",
            "pekka",
        ],
    );
    let t = shown(&repo, &other);
    assert_eq!(t["subject"], "Replacement delivery");
    assert_eq!(t["requester"], "Warehouse <warehouse@example.com>");
    assert_eq!(t["category"], "question");
    assert_eq!(t["priority"], "low");
    assert_eq!(t["tags"], serde_json::json!(["logistics", "rush"]));
    assert_eq!(t["fields"]["order_number"], "O-77");
    assert_eq!(t["group"], "development");
    assert_eq!(t["assignee"], "pekka");
    assert_eq!(t["parent"], parent.as_str());
    // Text comes from -F - as well as -m.
    let from_stdin = repo
        .run_with(
            &["link-child", &parent, "-F", "-"],
            &[],
            Some("From stdin.\n"),
        )
        .ok()
        .to_string();
    assert_eq!(shown(&repo, &from_stdin)["description"], "From stdin.\n");
    // The parent is untouched: the link lives on the child.
    assert_eq!(repo.key(&parent, "parent"), None);
    assert_eq!(
        repo.git(&[
            "log",
            "--format=%s",
            "--",
            &format!("tickets/{}/{parent}", &parent[..2])
        ])
        .lines()
        .count(),
        1
    );
    repo.assert_clean();
}

/// `link-child PARENT CHILD` links an existing ticket (once); `unlink` takes it out.
#[test]
fn an_existing_ticket_is_linked_and_unlinked() {
    let (repo, _sent) = helpdesk();
    let parent = repo.new_ticket("Parent", &[]);
    let existing = repo.new_ticket("Already here", &["--group", "it"]);
    let before = repo.commit_count();
    let run = repo.run(&["link-child", &parent[..4], &existing[..4]]);
    assert_eq!(run.ok(), existing);
    assert_eq!(repo.commit_count(), before + 1);
    assert_eq!(
        repo.last_commit_message(),
        format!("link-child: {parent} -> {existing}")
    );
    assert_eq!(repo.key(&existing, "parent").unwrap(), parent);
    assert_eq!(repo.key(&existing, "subject").unwrap(), "Already here");
    assert_eq!(
        listed(&repo, &["--parent", &parent]),
        vec![existing.clone()]
    );

    // Again: nothing to do.
    let run = repo.run(&["link-child", &parent, &existing]);
    assert_eq!(run.ok(), "");
    assert_eq!(
        run.stderr,
        format!("{existing}: already a child of {parent}\n")
    );
    assert_eq!(repo.commit_count(), before + 1);

    let run = repo.run(&["unlink", &existing]);
    assert_eq!(run.ok(), format!("{existing} unlinked from {parent}"));
    assert_eq!(
        repo.last_commit_message(),
        format!("unlink: {parent} -> {existing}")
    );
    assert_eq!(repo.key(&existing, "parent"), None);
    assert_eq!(listed(&repo, &["--parent", &parent]), Vec::<String>::new());
    assert_eq!(shown(&repo, &parent)["children"], serde_json::json!([]));
    // The parent can be solved now.
    repo.run(&["solve", &parent]).ok();
    repo.assert_clean();
}

// ---------------------------------------------------------------------------------------
// Error paths: each refused, exit code, nothing written.

#[test]
fn link_child_refuses_an_unknown_parent_or_child() {
    let (repo, _sent) = helpdesk();
    let parent = repo.new_ticket("Parent", &[]);
    let before = repo.commit_count();
    let err = repo
        .run(&["link-child", "ZZZZ9999", "--subject", "Orphan"])
        .fails(1)
        .to_string();
    assert!(
        err.starts_with("error: no ticket matches ZZZZ9999\n"),
        "{err}"
    );
    repo.run(&["link-child", &parent, "ZZZZ9999"]).fails(1);
    // A bad group or agent for the new child: nothing written either.
    let err = repo
        .run(&["link-child", &parent, "--group", "nope"])
        .fails(1)
        .to_string();
    assert!(err.contains("unknown group \"nope\""), "{err}");
    let err = repo
        .run(&["link-child", &parent, "--assignee", "bob"])
        .fails(1)
        .to_string();
    assert!(err.contains("unknown agent \"bob\""), "{err}");
    repo.run(&["link-child"]).fails(2);
    assert_nothing_written(&repo, before);
}

#[test]
fn a_solved_parent_gets_no_new_children() {
    let (repo, _sent) = helpdesk();
    let parent = repo.new_ticket("Done already", &[]);
    repo.run(&["solve", &parent]).ok();
    let before = repo.commit_count();
    let err = repo
        .run(&["link-child", &parent, "--subject", "Late"])
        .fails(1)
        .to_string();
    assert_eq!(
        err,
        format!(
            "error: {parent} is solved; a solved or closed ticket gets no new children\nhint: `tiketti reopen {parent}` first\n"
        )
    );
    assert_nothing_written(&repo, before);
    repo.run(&["reopen", &parent]).ok();
    child(&repo, &parent, &["--subject", "Late"]);
}

#[test]
fn link_child_refuses_itself_another_parent_and_loops() {
    let (repo, _sent) = helpdesk();
    let top = repo.new_ticket("Top", &[]);
    let other = repo.new_ticket("Other parent", &[]);
    let mid = child(&repo, &top, &["--subject", "Middle"]);
    let low = child(&repo, &mid, &["--subject", "Bottom"]);
    let before = repo.commit_count();

    let err = repo.run(&["link-child", &top, &top]).fails(1).to_string();
    assert_eq!(err, format!("error: {top} cannot be its own child\n"));

    let err = repo.run(&["link-child", &other, &mid]).fails(1).to_string();
    assert_eq!(
        err,
        format!("error: {mid} is already a child of {top}\nhint: `tiketti unlink {mid}` first\n")
    );

    for (parent, child) in [(&low, &top), (&mid, &top)] {
        let err = repo
            .run(&["link-child", parent, child])
            .fails(1)
            .to_string();
        assert_eq!(
            err,
            format!(
                "error: {child} is an ancestor of {parent}; linking it as a child would make a loop\n"
            )
        );
    }
    // Linking an existing ticket takes nothing to create one with.
    let err = repo
        .run(&["link-child", &other, &top, "--group", "it"])
        .fails(2)
        .to_string();
    assert!(err.contains("linking an existing ticket takes no"), "{err}");
    assert_nothing_written(&repo, before);
    assert_eq!(repo.key(&top, "parent"), None);
}

#[test]
fn unlink_of_a_ticket_without_parent_changes_nothing() {
    let (repo, _sent) = helpdesk();
    let lone = repo.new_ticket("Lone", &[]);
    let before = repo.commit_count();
    let run = repo.run(&["unlink", &lone]);
    assert_eq!(run.ok(), "");
    assert_eq!(run.stderr, format!("{lone}: has no parent\n"));
    repo.run(&["unlink", "ZZZZ9999"]).fails(1);
    repo.run(&["unlink"]).fails(2);
    assert_nothing_written(&repo, before);
}

// ---------------------------------------------------------------------------------------
// Links broken by hand.

/// Replace `from` by `to` in a ticket file (once; it must be there).
fn hand_edit(repo: &TestRepo, id: &str, from: &str, to: &str) {
    let p = repo.ticket_file(id);
    let t = std::fs::read_to_string(&p).unwrap();
    assert!(t.contains(from), "{from:?} not in {t}");
    std::fs::write(&p, t.replacen(from, to, 1)).unwrap();
}

/// The 1-based line of `key:` in a ticket file.
fn line_of(repo: &TestRepo, id: &str, key: &str) -> usize {
    let t = std::fs::read_to_string(repo.ticket_file(id)).unwrap();
    1 + t
        .lines()
        .position(|l| l.starts_with(&format!("{key}: ")))
        .unwrap_or_else(|| panic!("no {key} in {t}"))
}

/// Parents and trackers that do not exist, a tracker that is itself tracked, a ticket
/// that is its own parent and a parent cycle, all made by editing ticket.md files and
/// committing with git: `check` names each file and line; nothing crashes.
#[test]
fn check_reports_links_broken_by_hand() {
    let (repo, _sent) = helpdesk();
    let orphan = repo.new_ticket("Parent gone", &[]);
    let lost = repo.new_ticket("Tracker gone", &[]);
    let tracker = repo
        .run(&["track", "--new", "--subject", "Outage"])
        .ok()
        .to_string();
    let outer = repo
        .run(&["track", "--new", "--subject", "Outer"])
        .ok()
        .to_string();
    let member = repo.new_ticket("Member", &[]);
    repo.run(&["track", &tracker, &member]).ok();
    let selfish = repo.new_ticket("Own parent", &[]);
    let a = repo.new_ticket("Cycle A", &[]);
    let b = child(&repo, &a, &["--subject", "Cycle B"]);
    let c = child(&repo, &b, &["--subject", "Cycle C"]);
    repo.run(&["check"]).ok();

    hand_edit(
        &repo,
        &orphan,
        "channel: phone\n",
        "channel: phone\nparent: ZZZZ9999\n",
    );
    hand_edit(
        &repo,
        &lost,
        "channel: phone\n",
        "channel: phone\ntracker: YYYY8888\n",
    );
    hand_edit(
        &repo,
        &tracker,
        "channel: phone\n",
        &format!("channel: phone\ntracker: {outer}\n"),
    );
    hand_edit(
        &repo,
        &selfish,
        "channel: phone\n",
        &format!("channel: phone\nparent: {selfish}\n"),
    );
    hand_edit(
        &repo,
        &a,
        "channel: phone\n",
        &format!("channel: phone\nparent: {c}\n"),
    );
    repo.git(&["commit", "-q", "-a", "-m", "Hand edits"]);

    let run = repo.run(&["check"]);
    run.fails(1);
    let path = |id: &str| format!("tickets/{}/{id}/ticket.md", &id[..2]);
    let at = |id: &str, key: &str| format!("{}:{}: ", path(id), line_of(&repo, id, key));
    let cycle = |ids: [&str; 3]| format!("parent links form a cycle: {}", ids.join(" -> "));
    let mut expected = vec![
        format!("{}parent ZZZZ9999 does not exist", at(&orphan, "parent")),
        format!("{}tracker YYYY8888 does not exist", at(&lost, "tracker")),
        format!(
            "{}tracker {tracker} is itself tracked; a tracker cannot be tracked",
            at(&member, "tracker")
        ),
        // Reported once, not also as a one-ticket cycle.
        format!("{}parent names the ticket itself", at(&selfish, "parent")),
        format!("{}{}", at(&a, "parent"), cycle([&a, &c, &b])),
        format!("{}{}", at(&b, "parent"), cycle([&b, &a, &c])),
        format!("{}{}", at(&c, "parent"), cycle([&c, &b, &a])),
    ];
    expected.sort();
    let mut lines: Vec<String> = run.stdout.lines().map(str::to_string).collect();
    lines.sort();
    assert_eq!(lines, expected, "stderr:\n{}", run.stderr);
    assert!(run.stderr.contains("7 problem(s) found"), "{}", run.stderr);
    let problems = json(repo.run(&["check", "--format", "json"]).stdout.as_str())["problems"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(problems, 7);

    // Everything that reads links still works on them.
    let show = repo.run(&["show", &a]);
    let rows = section(show.ok(), "Children");
    assert_eq!(
        rows.iter().map(|r| r.1.as_str()).collect::<Vec<_>>(),
        [b.as_str(), c.as_str()],
        "the loop is cut where it comes back"
    );
    assert_eq!(shown(&repo, &selfish)["children"], serde_json::json!([]));
    repo.run(&["show", &orphan]).ok();
    assert_eq!(listed(&repo, &["--parent", &a]), vec![b.clone()]);
    let with_open_children = listed(&repo, &["--has-open-children"]);
    for id in [&a, &b, &c] {
        assert!(with_open_children.contains(id), "{with_open_children:?}");
    }
    assert_eq!(listed(&repo, &["--tracker", &outer]), vec![tracker.clone()]);
    // A parent in the loop is still guarded; a link to nothing guards nothing.
    repo.run(&["solve", &a]).fails(1);
    repo.run(&["solve", &orphan]).ok();
    // The commands that make links refuse to add to the loop.
    let err = repo.run(&["link-child", &selfish, &a]).fails(1).to_string();
    assert!(err.contains("already a child of"), "{err}");
}
