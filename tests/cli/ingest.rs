//! `tiketti ingest`: mail in from standard input (the mail server's way, with the spool and
//! sysexits codes), from message files, mbox files and Maildirs. Messages are built inline.

use std::path::PathBuf;

use crate::common::*;

// ---------------------------------------------------------------------------------------
// Helpers, shared with quarantine.rs and customer.rs.

/// A message: header fields in order and a body, written with LF line ends.
#[derive(Debug, Clone)]
pub struct Mail {
    headers: Vec<(String, String)>,
    body: String,
}

impl Mail {
    /// From, To support@, Subject, Message-ID (without brackets) and a Date, body "Hello.".
    pub fn new(from: &str, subject: &str, message_id: &str) -> Mail {
        Mail {
            headers: vec![
                ("From".into(), from.into()),
                ("To".into(), "support@example.com".into()),
                ("Subject".into(), subject.into()),
                ("Message-ID".into(), format!("<{message_id}>")),
                ("Date".into(), "Sun, 22 Nov 2026 09:00:00 +0000".into()),
            ],
            body: "Hello.\n".into(),
        }
    }

    /// Set a field: replaces one of that name, else appends it.
    pub fn set(mut self, name: &str, value: &str) -> Mail {
        match self
            .headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some(h) => h.1 = value.to_string(),
            None => self.headers.push((name.into(), value.into())),
        }
        self
    }

    /// Put a field before all others (as a relay does with Received:).
    pub fn prepend(mut self, name: &str, value: &str) -> Mail {
        self.headers.insert(0, (name.into(), value.into()));
        self
    }

    pub fn without(mut self, name: &str) -> Mail {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self
    }

    pub fn in_reply_to(self, parent: &str) -> Mail {
        self.set("In-Reply-To", &format!("<{parent}>"))
    }

    pub fn references(self, ids: &[&str]) -> Mail {
        let v = ids
            .iter()
            .map(|i| format!("<{i}>"))
            .collect::<Vec<_>>()
            .join(" ");
        self.set("References", &v)
    }

    pub fn body(mut self, body: &str) -> Mail {
        self.body = body.to_string();
        self
    }

    pub fn text(&self) -> String {
        let mut s = String::new();
        for (n, v) in &self.headers {
            s.push_str(&format!("{n}: {v}\n"));
        }
        s.push('\n');
        s.push_str(&self.body);
        s
    }
}

/// `tiketti ingest` with `msg` on standard input.
pub fn ingest(repo: &TestRepo, msg: &str) -> Run {
    repo.run_with(&["ingest"], &[], Some(msg))
}

/// Any tiketti command with raw bytes (not necessarily UTF-8) on standard input.
pub fn run_bytes(repo: &TestRepo, args: &[&str], env: &[(&str, &str)], stdin: &[u8]) -> Run {
    let mut cmd = repo.cmd();
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.write_stdin(stdin.to_vec());
    let out = cmd.output().expect("run tiketti");
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

/// The ticket ID after `what` ("new ticket", "added to ticket", …) in ingest's stderr.
#[track_caller]
pub fn id_after(stderr: &str, what: &str) -> String {
    let at = stderr
        .find(what)
        .unwrap_or_else(|| panic!("{what:?} not in stderr:\n{stderr}"));
    stderr[at + what.len()..]
        .trim_start()
        .chars()
        .take(8)
        .collect()
}

/// Ingest `msg` from stdin, expecting a new ticket; returns its ID.
#[track_caller]
pub fn ingest_new(repo: &TestRepo, msg: &str) -> String {
    let run = ingest(repo, msg);
    run.ok();
    id_after(&run.stderr, "new ticket ")
}

/// Ingest `msg` from stdin, expecting it to join `id`; returns the stderr.
#[track_caller]
fn ingest_joins(repo: &TestRepo, msg: &str, id: &str) -> String {
    let run = ingest(repo, msg);
    run.ok();
    assert_eq!(
        id_after(&run.stderr, "added to ticket "),
        id,
        "stderr:\n{}",
        run.stderr
    );
    run.stderr.clone()
}

pub fn ticket_dir(id: &str) -> String {
    format!("tickets/{}/{id}", &id[..2])
}

/// The value of `key:` in a file's YAML front matter, as written.
pub fn fm(text: &str, key: &str) -> Option<String> {
    let prefix = format!("{key}: ");
    text.lines()
        .skip(1)
        .take_while(|l| *l != "---")
        .find_map(|l| l.strip_prefix(&prefix).map(str::to_string))
}

/// The body of a front-matter file.
pub fn body_of(text: &str) -> String {
    let mut parts = text.splitn(3, "---\n");
    parts.next();
    parts.next();
    parts.next().unwrap_or("").to_string()
}

/// (file name, text) of every event of a ticket, by file name.
pub fn events(repo: &TestRepo, id: &str) -> Vec<(String, String)> {
    let dir = repo.path(&format!("{}/events", ticket_dir(id)));
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

/// The event that stored the message with this Message-ID.
#[track_caller]
pub fn event_for(repo: &TestRepo, id: &str, message_id: &str) -> String {
    events(repo, id)
        .into_iter()
        .map(|(_, t)| t)
        .find(|t| fm(t, "message_id").as_deref() == Some(message_id))
        .unwrap_or_else(|| panic!("no event with message_id {message_id} on {id}"))
}

pub fn ticket_text(repo: &TestRepo, id: &str) -> String {
    std::fs::read_to_string(repo.ticket_file(id)).expect("ticket.md")
}

/// Every ticket ID in the work tree.
pub fn ticket_ids(repo: &TestRepo) -> Vec<String> {
    let mut ids = Vec::new();
    let Ok(shards) = std::fs::read_dir(repo.path("tickets")) else {
        return ids;
    };
    for shard in shards {
        for t in std::fs::read_dir(shard.unwrap().path()).unwrap() {
            ids.push(t.unwrap().file_name().to_string_lossy().into_owned());
        }
    }
    ids.sort();
    ids
}

/// Files waiting in `.git/tiketti/spool/new`.
pub fn spooled(repo: &TestRepo) -> Vec<PathBuf> {
    match std::fs::read_dir(repo.path(".git/tiketti/spool/new")) {
        Ok(rd) => rd.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    }
}

/// What stays in the spool once the processed messages are gone: `ingest` leaves their
/// removal to a process of its own after it has answered, so give that a moment.
pub fn spooled_after_removal(repo: &TestRepo) -> Vec<PathBuf> {
    for _ in 0..250 {
        if spooled(repo).is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    spooled(repo)
}

/// A file outside the helpdesk (so its work tree stays clean); returns its path.
pub fn outside(repo: &TestRepo, name: &str, bytes: &[u8]) -> String {
    let p = repo.tmp.path().join("in").join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, bytes).unwrap();
    p.display().to_string()
}

/// Paths the last commit touched, with A/M/D, renames not detected.
pub fn last_commit_files(repo: &TestRepo) -> Vec<String> {
    repo.git(&["show", "--name-status", "--no-renames", "--format=", "HEAD"])
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| l.replace('\t', " "))
        .collect()
}

/// Nothing was committed or left behind.
#[track_caller]
pub fn assert_nothing_written(repo: &TestRepo, commits_before: usize) {
    assert_eq!(repo.commit_count(), commits_before, "a commit was made");
    repo.assert_clean();
}

fn flock_installed() -> bool {
    std::process::Command::new("flock")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

const MATTI: &str = "Matti Meikäläinen <matti@customer.fi>";

// ---------------------------------------------------------------------------------------
// One message on standard input.

#[test]
fn a_new_message_becomes_a_ticket_with_its_raw_bytes() {
    let repo = TestRepo::quiet();
    let before = repo.commit_count();
    // CRLF line ends, a UTF-8 header and a Latin-1 body: bytes that are not UTF-8.
    let raw: Vec<u8> = [
        "From: Matti Meikäläinen <matti@customer.fi>\r\n".as_bytes(),
        b"To: support@example.com, Bo Berg <bo@customer.fi>\r\n",
        b"Cc: info@example.com, Sales <SALES@example.com>, Cy <cy@other.fi>\r\n",
        b"Subject: Tulostin ei toimi\r\n",
        b"Message-ID: <m1@customer.fi>\r\n",
        b"Date: Sun, 22 Nov 2026 09:00:00 +0000\r\n",
        b"MIME-Version: 1.0\r\n",
        b"Content-Type: text/plain; charset=iso-8859-1\r\n",
        b"Content-Transfer-Encoding: 8bit\r\n",
        b"\r\n",
        b"Hyv\xe4\xe4 p\xe4iv\xe4\xe4,\r\ntulostin ei tulosta.\r\n",
    ]
    .concat();
    let run = run_bytes(&repo, &["ingest"], &[], &raw);
    run.ok();
    let id = id_after(&run.stderr, "new ticket ");
    assert_eq!(run.stderr, format!("ingest: new ticket {id} (new)\n"));
    assert_eq!(run.stdout, "");

    // One commit, by tiketti ingest under the helpdesk's address.
    assert_eq!(repo.commit_count(), before + 1);
    assert_eq!(
        repo.last_commit_message(),
        format!("ingest: {id} Tulostin ei toimi")
    );
    assert_eq!(
        repo.git(&["log", "-1", "--format=%an <%ae>"]).trim(),
        "tiketti ingest <support@example.com>"
    );

    // The ticket.
    let t = ticket_text(&repo, &id);
    assert_eq!(fm(&t, "id").as_deref(), Some(id.as_str()));
    assert_eq!(fm(&t, "subject").as_deref(), Some("Tulostin ei toimi"));
    assert_eq!(fm(&t, "status").as_deref(), Some("new"));
    assert_eq!(fm(&t, "channel").as_deref(), Some("email"));
    assert_eq!(fm(&t, "requester").as_deref(), Some(MATTI));
    assert_eq!(fm(&t, "created").as_deref(), Some(NOW), "arrival time");
    // The helpdesk's own addresses (support@, info@, sales@ in any case) are no participants.
    assert_eq!(
        fm(&t, "cc").as_deref(),
        Some("[Bo Berg <bo@customer.fi>, Cy <cy@other.fi>]")
    );

    // The event.
    let evs = events(&repo, &id);
    assert_eq!(evs.len(), 1);
    let (name, ev) = &evs[0];
    let eid = fm(ev, "id").unwrap();
    assert_eq!(name, &format!("20261122T100000Z-{eid}.md"));
    assert_eq!(fm(ev, "kind").as_deref(), Some("inbound"));
    assert_eq!(fm(ev, "from").as_deref(), Some(MATTI));
    assert_eq!(fm(ev, "subject").as_deref(), Some("Tulostin ei toimi"));
    assert_eq!(fm(ev, "message_id").as_deref(), Some("m1@customer.fi"));
    assert_eq!(fm(ev, "thread").as_deref(), Some("new"));
    assert_eq!(fm(ev, "raw"), Some(format!("raw/{eid}.eml")));
    assert_eq!(
        body_of(ev),
        "Hyvää päivää,\ntulostin ei tulosta.\n",
        "Latin-1 decoded, LF line ends"
    );

    // The raw message, byte for byte.
    let stored = std::fs::read(repo.path(&format!("{}/raw/{eid}.eml", ticket_dir(&id)))).unwrap();
    assert_eq!(stored, raw, "raw/{eid}.eml differs from the input");

    // The commit holds exactly these three files.
    let dir = ticket_dir(&id);
    let mut files = last_commit_files(&repo);
    files.sort();
    assert_eq!(
        files,
        vec![
            format!("A {dir}/events/{name}"),
            format!("A {dir}/raw/{eid}.eml"),
            format!("A {dir}/ticket.md"),
        ]
    );

    assert!(
        spooled_after_removal(&repo).is_empty(),
        "spool: {:?}",
        spooled(&repo)
    );
    repo.run(&["check"]).ok();
    repo.assert_clean();
}

#[test]
fn the_same_message_relayed_again_is_a_duplicate() {
    let repo = TestRepo::quiet();
    let msg = Mail::new(MATTI, "Printer broken", "dup@customer.fi");
    let id = ingest_new(&repo, &msg.text());
    let before = repo.commit_count();

    let again = msg
        .clone()
        .prepend(
            "Received",
            "from mx2.example.net (mx2 [192.0.2.7])\n\tby mx.example.com; Sun, 22 Nov 2026 09:05:00 +0000",
        )
        .prepend("Delivered-To", "support@example.com");
    let run = ingest(&repo, &again.text());
    run.ok();
    assert!(
        run.stderr
            .contains(&format!("duplicate of a message on ticket {id}")),
        "{}",
        run.stderr
    );
    assert_nothing_written(&repo, before);
    assert_eq!(events(&repo, &id).len(), 1);
    assert!(
        spooled_after_removal(&repo).is_empty(),
        "a duplicate leaves the spool too"
    );

    // A message without a Message-ID is recognised by its content, relays aside.
    let plain = Mail::new(MATTI, "No id", "x").without("Message-ID");
    let id2 = ingest_new(&repo, &plain.text());
    let before = repo.commit_count();
    let run = ingest(&repo, &plain.prepend("Received", "from relay by mx").text());
    run.ok();
    assert!(
        run.stderr
            .contains(&format!("duplicate of a message on ticket {id2}")),
        "{}",
        run.stderr
    );
    assert_nothing_written(&repo, before);
}

#[test]
fn a_reused_message_id_with_another_body_joins_the_ticket() {
    let repo = TestRepo::quiet();
    let msg = Mail::new(MATTI, "Printer broken", "reused@customer.fi");
    let id = ingest_new(&repo, &msg.text());
    let before = repo.commit_count();
    let other = msg.body("A different message, same broken mailer.\n");
    let stderr = ingest_joins(&repo, &other.text(), &id);
    assert!(stderr.contains("(message-id)"), "{stderr}");
    assert_eq!(repo.commit_count(), before + 1);
    let evs = events(&repo, &id);
    assert_eq!(evs.len(), 2, "not a duplicate: both are stored");
    let threads: Vec<_> = evs.iter().map(|(_, t)| fm(t, "thread").unwrap()).collect();
    assert!(threads.contains(&"message-id".to_string()), "{threads:?}");
    assert_eq!(ticket_ids(&repo), vec![id]);
    repo.assert_clean();
}

#[test]
fn a_reply_threads_by_in_reply_to() {
    let repo = TestRepo::quiet();
    let id = ingest_new(
        &repo,
        &Mail::new(MATTI, "Printer broken", "root@customer.fi").text(),
    );
    let reply = Mail::new(
        "Support Agent <agent@example.org>",
        "Re: Printer broken",
        "r1@example.org",
    )
    .in_reply_to("root@customer.fi");
    let stderr = ingest_joins(&repo, &reply.text(), &id);
    assert!(stderr.contains("(in-reply-to)"), "{stderr}");
    assert_eq!(
        repo.last_commit_message(),
        format!("ingest: {id} message from agent@example.org (in-reply-to)")
    );
    let ev = event_for(&repo, &id, "r1@example.org");
    assert_eq!(fm(&ev, "thread").as_deref(), Some("in-reply-to"));
    assert_eq!(fm(&ev, "in_reply_to").as_deref(), Some("root@customer.fi"));
    // References alone thread as well.
    let later = Mail::new(MATTI, "Re: Re: Printer broken", "r2@customer.fi")
        .references(&["root@customer.fi", "r1@example.org"]);
    let stderr = ingest_joins(&repo, &later.text(), &id);
    assert!(stderr.contains("(references)"), "{stderr}");
    assert_eq!(ticket_ids(&repo), vec![id]);
    repo.run(&["check"]).ok();
    repo.assert_clean();
}

#[test]
fn replies_that_arrive_before_their_parent_share_one_ticket() {
    let repo = TestRepo::quiet();
    // The first reply arrives; its parent has not.
    let reply =
        Mail::new(MATTI, "Re: Order 1234", "reply1@customer.fi").references(&["parent@shop.fi"]);
    let id = ingest_new(&repo, &reply.text());
    // A sibling reply to the same missing parent.
    let sibling = Mail::new(
        "Bo <bo@customer.fi>",
        "Re: Order 1234",
        "reply2@customer.fi",
    )
    .in_reply_to("parent@shop.fi");
    let stderr = ingest_joins(&repo, &sibling.text(), &id);
    assert!(stderr.contains("(shared-reference)"), "{stderr}");
    // Then the parent itself.
    let parent = Mail::new("Shop <orders@shop.fi>", "Order 1234", "parent@shop.fi");
    let stderr = ingest_joins(&repo, &parent.text(), &id);
    assert!(stderr.contains("(referenced-by)"), "{stderr}");

    assert_eq!(
        ticket_ids(&repo),
        vec![id.clone()],
        "one ticket for all three"
    );
    assert_eq!(
        fm(&event_for(&repo, &id, "reply2@customer.fi"), "thread").as_deref(),
        Some("shared-reference")
    );
    assert_eq!(
        fm(&event_for(&repo, &id, "parent@shop.fi"), "thread").as_deref(),
        Some("referenced-by")
    );
    // The senders of the later messages take part.
    let cc = fm(&ticket_text(&repo, &id), "cc").unwrap();
    assert!(
        cc.contains("bo@customer.fi") && cc.contains("orders@shop.fi"),
        "{cc}"
    );
    repo.assert_clean();
}

#[test]
fn a_reply_without_message_id_still_finds_its_later_parent() {
    let repo = TestRepo::quiet();
    // Some mailers send no Message-ID; the reply names its parent in In-Reply-To only.
    let reply = Mail::new(MATTI, "Re: Order 1234", "x")
        .without("Message-ID")
        .in_reply_to("parent@shop.fi");
    let id = ingest_new(&repo, &reply.text());
    // Separate runs: the index is rebuilt from the event files.
    let parent = Mail::new("Shop <orders@shop.fi>", "Order 1234", "parent@shop.fi");
    let stderr = ingest_joins(&repo, &parent.text(), &id);
    assert!(stderr.contains("(referenced-by)"), "{stderr}");
}

#[test]
fn a_subject_tag_threads_mail_from_participants_only() {
    let repo = TestRepo::quiet();
    let id = ingest_new(
        &repo,
        &Mail::new(MATTI, "Printer broken", "first@customer.fi").text(),
    );
    // No In-Reply-To, no References: only the tag in the subject.
    let subject = format!("Re: [Support #{id}] Printer broken");
    let tagged = Mail::new("matti@customer.fi", &subject, "tagged@customer.fi");
    let stderr = ingest_joins(&repo, &tagged.text(), &id);
    assert!(stderr.contains("(subject-tag)"), "{stderr}");
    assert_eq!(
        fm(&event_for(&repo, &id, "tagged@customer.fi"), "thread").as_deref(),
        Some("subject-tag")
    );
    // The tag is case-insensitive and the ID may be typed in lower case.
    let lower = format!("Re: [support #{}] again", id.to_lowercase());
    let stderr = ingest_joins(
        &repo,
        &Mail::new(MATTI, &lower, "tagged2@customer.fi").text(),
        &id,
    );
    assert!(stderr.contains("(subject-tag)"), "{stderr}");

    // A stranger cannot put mail on someone else's ticket with the tag.
    let before = repo.commit_count();
    let stranger = Mail::new("Eve <eve@evil.example>", &subject, "eve@evil.example");
    let other = ingest_new(&repo, &stranger.text());
    assert_ne!(other, id);
    assert_eq!(repo.commit_count(), before + 1);
    assert_eq!(events(&repo, &id).len(), 3);
    assert!(
        !fm(&ticket_text(&repo, &id), "cc")
            .unwrap_or_default()
            .contains("eve@"),
        "the stranger was not added to the ticket"
    );
    repo.assert_clean();
}

#[test]
fn a_customer_reply_reopens_a_solved_ticket() {
    let repo = TestRepo::quiet();
    let id = ingest_new(
        &repo,
        &Mail::new(MATTI, "Printer broken", "root@customer.fi").text(),
    );
    repo.run(&["solve", &id]).ok();
    assert_eq!(
        fm(&ticket_text(&repo, &id), "status").as_deref(),
        Some("solved")
    );
    let before = repo.commit_count();
    let reply = Mail::new(MATTI, "Re: Printer broken", "again@customer.fi")
        .in_reply_to("root@customer.fi")
        .body("It broke again.\n");
    ingest_joins(&repo, &reply.text(), &id);
    assert_eq!(repo.commit_count(), before + 1);
    assert_eq!(
        fm(&ticket_text(&repo, &id), "status").as_deref(),
        Some("open")
    );
    let msg = repo.last_commit_message();
    assert!(msg.contains("reopened"), "{msg}");
    assert!(msg.contains("solved -> open"), "{msg}");
    // The commit carries the event, the raw message and the ticket's new status at once.
    let files = last_commit_files(&repo);
    assert_eq!(files.len(), 3, "{files:?}");
    assert!(
        files.contains(&format!("M {}/ticket.md", ticket_dir(&id))),
        "{files:?}"
    );
    repo.run(&["check"]).ok();
    repo.assert_clean();
}

#[test]
fn an_auto_reply_does_not_reopen_a_solved_ticket() {
    let repo = TestRepo::quiet();
    let id = ingest_new(
        &repo,
        &Mail::new(MATTI, "Printer broken", "root@customer.fi").text(),
    );
    repo.run(&["solve", &id]).ok();
    let solved = ticket_text(&repo, &id);
    let auto = Mail::new(MATTI, "Automatic reply: Printer broken", "ooo@customer.fi")
        .in_reply_to("root@customer.fi")
        .set("Auto-Submitted", "auto-replied")
        .set("Cc", "Deputy <deputy@customer.fi>")
        .body("I am out of the office until Monday.\n");
    ingest_joins(&repo, &auto.text(), &id);
    assert_eq!(
        ticket_text(&repo, &id),
        solved,
        "still solved, no participant added"
    );
    let ev = event_for(&repo, &id, "ooo@customer.fi");
    assert_eq!(fm(&ev, "auto").as_deref(), Some("auto-reply"));
    let msg = repo.last_commit_message();
    assert!(!msg.contains("reopened"), "{msg}");
    repo.assert_clean();
}

#[test]
fn a_reply_to_a_closed_ticket_opens_a_follow_up() {
    let repo = TestRepo::quiet();
    let id = ingest_new(
        &repo,
        &Mail::new(MATTI, "Printer broken", "root@customer.fi").text(),
    );
    repo.run(&["close", &id]).ok();
    let closed = ticket_text(&repo, &id);
    let closed_events = events(&repo, &id);
    let reply = Mail::new(MATTI, "Re: Printer broken", "late@customer.fi")
        .in_reply_to("root@customer.fi")
        .body("One more thing.\n");
    let follow = ingest_new(&repo, &reply.text());
    assert_ne!(follow, id);
    assert_eq!(
        ticket_text(&repo, &id),
        closed,
        "the closed ticket is left alone"
    );
    assert_eq!(events(&repo, &id), closed_events);
    let t = ticket_text(&repo, &follow);
    assert_eq!(fm(&t, "status").as_deref(), Some("new"));
    assert_eq!(fm(&t, "requester").as_deref(), Some(MATTI));
    assert!(
        body_of(&t).contains(&format!("Follow-up to closed ticket {id}")),
        "{t}"
    );
    let ev = event_for(&repo, &follow, "late@customer.fi");
    assert!(
        fm(&ev, "thread").unwrap().contains(&id),
        "the event names the closed ticket: {ev}"
    );
    assert_eq!(
        repo.last_commit_message(),
        format!("ingest: {follow} Re: Printer broken")
    );
    repo.run(&["check"]).ok();
    repo.assert_clean();
}

#[test]
fn a_reply_adds_new_participants_to_cc() {
    let repo = TestRepo::quiet();
    let first =
        Mail::new(MATTI, "Printer broken", "root@customer.fi").set("Cc", "Bo <bo@customer.fi>");
    let id = ingest_new(&repo, &first.text());
    assert_eq!(
        fm(&ticket_text(&repo, &id), "cc").as_deref(),
        Some("[Bo <bo@customer.fi>]")
    );
    // Bo answers and copies in a colleague and the helpdesk's alias.
    let reply = Mail::new(
        "Bo <BO@customer.fi>",
        "Re: Printer broken",
        "bo1@customer.fi",
    )
    .in_reply_to("root@customer.fi")
    .set("To", "support@example.com, Matti <matti@customer.fi>")
    .set("Cc", "Cy Colleague <cy@customer.fi>, info@example.com");
    ingest_joins(&repo, &reply.text(), &id);
    let t = ticket_text(&repo, &id);
    assert_eq!(
        fm(&t, "cc").as_deref(),
        Some("[Bo <bo@customer.fi>, Cy Colleague <cy@customer.fi>]"),
        "Bo (any case) and the requester are not repeated; info@ is ours"
    );
    assert_eq!(fm(&t, "requester").as_deref(), Some(MATTI));
    // A reply from someone new (forwarded the thread) joins them too.
    let newcomer = Mail::new(
        "Dee <dee@customer.fi>",
        "Re: Printer broken",
        "dee1@customer.fi",
    )
    .in_reply_to("bo1@customer.fi");
    ingest_joins(&repo, &newcomer.text(), &id);
    assert_eq!(
        fm(&ticket_text(&repo, &id), "cc").as_deref(),
        Some("[Bo <bo@customer.fi>, Cy Colleague <cy@customer.fi>, Dee <dee@customer.fi>]")
    );
    repo.run(&["check"]).ok();
    repo.assert_clean();
}

#[test]
fn routing_rules_and_round_robin_set_up_a_new_ticket() {
    let repo = TestRepo::quiet();
    let quote = Mail::new("Buyer <buyer@firm.fi>", "Tarjous 40 tuolista", "q1@firm.fi")
        .set("To", "Sales <sales@example.com>");
    let id = ingest_new(&repo, &quote.text());
    let t = ticket_text(&repo, &id);
    assert_eq!(fm(&t, "category").as_deref(), Some("quote-request"));
    assert_eq!(fm(&t, "group").as_deref(), Some("support"));
    assert_eq!(
        fm(&t, "assignee").as_deref(),
        Some("anna"),
        "round-robin in support"
    );
    assert_eq!(fm(&t, "priority").as_deref(), Some("normal"));
    assert_eq!(fm(&t, "cc"), None, "sales@ is the helpdesk's own address");
    let ev = event_for(&repo, &id, "q1@firm.fi");
    assert_eq!(fm(&ev, "routing").as_deref(), Some("[quotes to sales]"));

    // The same subject to support@ matches no rule.
    let plain = Mail::new("Buyer <buyer@firm.fi>", "Tarjous 40 tuolista", "q2@firm.fi");
    let id2 = ingest_new(&repo, &plain.text());
    let t = ticket_text(&repo, &id2);
    assert_eq!(fm(&t, "category"), None);
    assert_eq!(fm(&t, "assignee"), None);
    assert_eq!(fm(&event_for(&repo, &id2, "q2@firm.fi"), "routing"), None);
    repo.run(&["check"]).ok();
    repo.assert_clean();
}

/// A multipart message with hostile and clashing attachment names.
fn with_attachments(big: &str) -> String {
    // `C:\evil\x.bat` is written as a MIME quoted-string, where a backslash is escaped.
    format!(
        "From: Matti <matti@customer.fi>\n\
         To: support@example.com\n\
         Subject: Files\n\
         Message-ID: <files@customer.fi>\n\
         MIME-Version: 1.0\n\
         Content-Type: multipart/mixed; boundary=\"XYZ\"\n\
         \n\
         --XYZ\n\
         Content-Type: text/plain\n\
         \n\
         See attached.\n\
         --XYZ\n\
         Content-Type: text/plain\n\
         Content-Disposition: attachment; filename=\"../../etc/passwd\"\n\
         \n\
         root:x:0\n\
         --XYZ\n\
         Content-Type: application/octet-stream\n\
         Content-Disposition: attachment; filename=\"C:\\\\evil\\\\x.bat\"\n\
         \n\
         echo hi\n\
         --XYZ\n\
         Content-Type: text/plain\n\
         Content-Disposition: attachment; filename=\"same.txt\"\n\
         \n\
         one\n\
         --XYZ\n\
         Content-Type: text/plain\n\
         Content-Disposition: attachment; filename=\"same.txt\"\n\
         \n\
         two\n\
         --XYZ\n\
         Content-Type: application/octet-stream\n\
         Content-Disposition: attachment; filename=\"big.bin\"\n\
         \n\
         {big}\n\
         --XYZ--\n"
    )
}

fn dir_names(repo: &TestRepo, rel: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repo.path(rel))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn attachments_land_inside_the_ticket_under_safe_unique_names() {
    let repo = TestRepo::quiet();
    let id = ingest_new(&repo, &with_attachments("BIGBIGBIGBIGBIGBIG"));
    let dir = ticket_dir(&id);
    assert_eq!(
        dir_names(&repo, &format!("{dir}/attachments")),
        vec!["big.bin", "passwd", "same (2).txt", "same.txt", "x.bat"]
    );
    let read = |n: &str| repo.read(format!("{dir}/attachments/{n}"));
    assert_eq!(read("passwd"), "root:x:0");
    assert_eq!(read("x.bat"), "echo hi");
    assert_eq!(read("same.txt"), "one");
    assert_eq!(read("same (2).txt"), "two");
    let ev = event_for(&repo, &id, "files@customer.fi");
    assert_eq!(
        fm(&ev, "attachments").as_deref(),
        Some("[passwd, x.bat, same.txt, same (2).txt, big.bin]")
    );
    assert_eq!(body_of(&ev), "See attached.\n");
    // Nothing outside the ticket's folder.
    for f in last_commit_files(&repo) {
        assert!(f.starts_with(&format!("A {dir}/")), "{f}");
    }
    assert!(!repo.path("etc").exists());
    assert!(!repo.tmp.path().join("etc").exists());

    // A reply carrying a file of a taken name (in another case) does not replace it.
    let reply = Mail::new("Matti <matti@customer.fi>", "Re: Files", "files2@customer.fi")
        .in_reply_to("files@customer.fi")
        .set("MIME-Version", "1.0")
        .set("Content-Type", "multipart/mixed; boundary=\"B\"")
        .body(
            "--B\nContent-Type: text/plain\n\nOne more.\n\
             --B\nContent-Type: text/plain\nContent-Disposition: attachment; filename=\"SAME.txt\"\n\nthree\n\
             --B--\n",
        );
    ingest_joins(&repo, &reply.text(), &id);
    assert_eq!(read("same.txt"), "one");
    assert_eq!(read("SAME (3).txt"), "three");
    assert_eq!(
        fm(&event_for(&repo, &id, "files2@customer.fi"), "attachments").as_deref(),
        Some("[SAME (3).txt]")
    );
    repo.run(&["check"]).ok();
    repo.assert_clean();
}

/// Lower mail.max_attachment_bytes by editing tiketti.yaml and committing it.
fn cap_attachments_by_hand(repo: &TestRepo, bytes: u64) {
    let yaml = repo.read("tiketti.yaml").replace(
        "max_attachment_bytes: 26214400",
        &format!("max_attachment_bytes: {bytes}"),
    );
    repo.write("tiketti.yaml", &yaml);
    repo.git(&["commit", "-qam", "cap attachments"]);
    repo.run(&["config", "check"]).ok();
}

fn assert_big_attachment_omitted(repo: &TestRepo, id: &str) {
    let dir = ticket_dir(id);
    assert_eq!(
        dir_names(repo, &format!("{dir}/attachments")),
        vec!["passwd", "same (2).txt", "same.txt", "x.bat"],
        "only big.bin (18 bytes) is over 10 bytes"
    );
    let ev = event_for(repo, id, "files@customer.fi");
    assert_eq!(
        fm(&ev, "attachments").as_deref(),
        Some("[passwd, x.bat, same.txt, same (2).txt]")
    );
    let omitted = fm(&ev, "omitted").expect("omitted: in the event");
    assert!(
        omitted.contains("big.bin") && omitted.contains("18 bytes"),
        "{omitted}"
    );
    let eid = fm(&ev, "id").unwrap();
    let raw = repo.read(format!("{dir}/raw/{eid}.eml"));
    assert!(
        raw.contains("BIGBIGBIGBIGBIGBIG"),
        "the raw message keeps it"
    );
    repo.run(&["check"]).ok();
    repo.assert_clean();
}

#[test]
fn an_attachment_over_the_cap_is_omitted_but_kept_in_the_raw() {
    let repo = TestRepo::quiet();
    cap_attachments_by_hand(&repo, 10);
    let id = ingest_new(&repo, &with_attachments("BIGBIGBIGBIGBIGBIG"));
    assert_big_attachment_omitted(&repo, &id);
}

#[test]
fn config_set_max_attachment_bytes_then_ingest() {
    let repo = TestRepo::quiet();
    repo.run(&["config", "set", "mail.max_attachment_bytes", "10"])
        .ok();
    let id = ingest_new(&repo, &with_attachments("BIGBIGBIGBIGBIGBIG"));
    assert_big_attachment_omitted(&repo, &id);
}

#[test]
fn an_html_only_message_is_stored_as_readable_text() {
    let repo = TestRepo::quiet();
    let html = Mail::new(MATTI, "Newsletter-style question", "html@customer.fi")
        .set("MIME-Version", "1.0")
        .set("Content-Type", "text/html; charset=utf-8")
        .body(
            "<html><head><style>p { color: red }</style></head>\n\
             <body><p>Hello <b>support</b>,</p><p>the printer&nbsp;is &quot;broken&quot;.</p></body></html>\n",
        );
    let id = ingest_new(&repo, &html.text());
    let body = body_of(&event_for(&repo, &id, "html@customer.fi"));
    assert!(body.contains("Hello support,"), "{body:?}");
    assert!(body.contains("is \"broken\""), "{body:?}");
    assert!(
        !body.contains('<') && !body.contains('>'),
        "tags left: {body:?}"
    );
    assert!(!body.contains("color: red"), "style text left: {body:?}");
    assert!(!body.contains("&quot;"), "entities left: {body:?}");
    repo.assert_clean();
}

// ---------------------------------------------------------------------------------------
// Exit codes and the spool.

#[test]
fn a_bad_invocation_exits_64() {
    let repo = TestRepo::quiet();
    let before = repo.commit_count();
    let run = repo.run_with(
        &["ingest", "--bogus-flag"],
        &[],
        Some(&Mail::new(MATTI, "x", "bogus@customer.fi").text()),
    );
    let err = run.fails(64);
    assert!(err.contains("--bogus-flag"), "{err}");
    // --drain with files is contradictory: a usage error too.
    let run = repo.run(&["ingest", "--drain", "a.eml"]);
    run.fails(64);
    assert_nothing_written(&repo, before);
    assert!(spooled_after_removal(&repo).is_empty());
}

#[test]
fn no_helpdesk_exits_75_so_the_mail_server_retries() {
    let repo = TestRepo::quiet();
    let msg = Mail::new(MATTI, "x", "nohelpdesk@customer.fi").text();
    let run = repo.run_with(&["--repo", "/nonexistent", "ingest"], &[], Some(&msg));
    let err = run.fails(75);
    assert!(err.contains("try again"), "{err}");
    assert!(err.contains("/nonexistent"), "{err}");
    assert_eq!(run.stdout, "");
}

#[test]
fn an_unwritable_spool_exits_75_and_commits_nothing() {
    let repo = TestRepo::quiet();
    let before = repo.commit_count();
    // A regular file where the spool directory belongs: it cannot be made.
    std::fs::create_dir_all(repo.path(".git/tiketti")).unwrap();
    let _ = std::fs::remove_dir_all(repo.path(".git/tiketti/spool"));
    std::fs::write(repo.path(".git/tiketti/spool"), "in the way").unwrap();
    let msg = Mail::new(MATTI, "x", "nospool@customer.fi").text();
    let run = ingest(&repo, &msg);
    let err = run.fails(75);
    assert!(err.contains("spool"), "{err}");
    assert!(err.contains("try again"), "{err}");
    assert_nothing_written(&repo, before);
    assert!(ticket_ids(&repo).is_empty());
}

#[test]
fn a_broken_config_leaves_the_message_spooled_until_drained() {
    let repo = TestRepo::quiet();
    repo.write("tiketti.yaml", "statuses: [\n");
    repo.git(&["commit", "-qam", "break the config"]);
    let before = repo.commit_count();
    let msg = Mail::new(MATTI, "Printer broken", "waits@customer.fi").text();
    let run = ingest(&repo, &msg);
    run.ok(); // The message is safe: the mail server must not retry or bounce.
    assert!(run.stderr.contains("warning"), "{}", run.stderr);
    assert!(run.stderr.contains("safe in the spool"), "{}", run.stderr);
    assert!(run.stderr.contains("--drain"), "{}", run.stderr);
    assert_nothing_written(&repo, before);
    let waiting = spooled(&repo);
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    assert_eq!(std::fs::read_to_string(&waiting[0]).unwrap(), msg);

    // Draining with the config still broken fails and keeps the message.
    let run = repo.run(&["ingest", "--drain"]);
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert_eq!(spooled(&repo).len(), 1);

    repo.git(&["checkout", "HEAD~1", "--", "tiketti.yaml"]);
    repo.git(&["commit", "-qam", "fix the config"]);
    let run = repo.run(&["ingest", "--drain"]);
    run.ok();
    assert!(
        run.stderr
            .contains("1 created, 0 threaded, 0 duplicates, 0 quarantined"),
        "{}",
        run.stderr
    );
    assert!(spooled_after_removal(&repo).is_empty());
    let ids = ticket_ids(&repo);
    assert_eq!(ids.len(), 1);
    assert_eq!(
        fm(&event_for(&repo, &ids[0], "waits@customer.fi"), "kind").as_deref(),
        Some("inbound")
    );
    repo.run(&["check"]).ok();
    repo.assert_clean();
}

#[test]
fn spool_only_then_drain() {
    let repo = TestRepo::quiet();
    let before = repo.commit_count();
    let msg = Mail::new(MATTI, "Later", "later@customer.fi").text();
    let run = repo.run_with(&["ingest", "--spool-only"], &[], Some(&msg));
    run.ok();
    assert_eq!(run.stdout, "");
    assert_nothing_written(&repo, before);
    assert_eq!(spooled(&repo).len(), 1);

    // An empty drain of nothing else; this one processes the message.
    let run = repo.run(&["ingest", "--drain"]);
    run.ok();
    assert!(run.stderr.contains("1 created"), "{}", run.stderr);
    assert_eq!(repo.commit_count(), before + 1);
    assert!(spooled_after_removal(&repo).is_empty());
    assert_eq!(ticket_ids(&repo).len(), 1);
    // Draining an empty spool does nothing.
    let run = repo.run(&["ingest", "--drain"]);
    run.ok();
    assert!(run.stderr.contains("0 created"), "{}", run.stderr);
    assert_eq!(repo.commit_count(), before + 1);
    repo.assert_clean();
}

#[test]
fn a_spool_entry_whose_removal_a_crash_undid_is_dropped_as_a_duplicate() {
    // The spool's removal after a commit is not fsynced: after a crash the message may be
    // back in the spool although its commit is there. The next drain must not store it twice.
    let repo = TestRepo::quiet();
    let msg = Mail::new(MATTI, "Crash", "crash@customer.fi").text();
    let id = ingest_new(&repo, &msg);
    let before = repo.commit_count();
    let name = "01795000000000000000.1.0001.eml";
    std::fs::write(repo.path(".git/tiketti/spool/new").join(name), &msg).unwrap();

    let run = repo.run(&["ingest", "--drain"]);
    run.ok();
    assert!(
        run.stderr.contains("0 created, 0 threaded, 1 duplicate"),
        "{}",
        run.stderr
    );
    assert_nothing_written(&repo, before);
    assert_eq!(events(&repo, &id).len(), 1);
    assert!(spooled_after_removal(&repo).is_empty());
    repo.assert_clean();
}

#[test]
fn a_busy_lock_spools_the_message_and_exits_0() {
    if !flock_installed() {
        return;
    }
    let repo = TestRepo::quiet();
    let before = repo.commit_count();
    std::fs::create_dir_all(repo.path(".git/tiketti")).unwrap();
    let mut holder = std::process::Command::new("flock")
        .arg(repo.path(".git/tiketti/lock"))
        .args(["sleep", "3"])
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(400));
    let msg = Mail::new(MATTI, "While busy", "busy@customer.fi").text();
    let run = repo.run_with(&["ingest"], &[("TIKETTI_LOCK_TIMEOUT", "0.2")], Some(&msg));
    let still_held = holder.try_wait().unwrap().is_none();
    run.ok();
    assert!(still_held, "the lock holder ended too early for this test");
    assert!(run.stderr.contains("warning"), "{}", run.stderr);
    assert!(run.stderr.contains("--drain"), "{}", run.stderr);
    assert_eq!(spooled(&repo).len(), 1);
    assert_eq!(repo.commit_count(), before);

    holder.wait().unwrap();
    let run = repo.run(&["ingest", "--drain"]);
    run.ok();
    assert!(run.stderr.contains("1 created"), "{}", run.stderr);
    assert!(spooled_after_removal(&repo).is_empty());
    assert_eq!(repo.commit_count(), before + 1);
    repo.assert_clean();
}

// ---------------------------------------------------------------------------------------
// Batches: files, mbox, Maildir.

#[test]
fn two_files_make_two_tickets_with_a_summary() {
    let repo = TestRepo::quiet();
    let before = repo.commit_count();
    let a = outside(
        &repo,
        "a.eml",
        Mail::new(MATTI, "First", "a@customer.fi").text().as_bytes(),
    );
    let b = outside(
        &repo,
        "b.eml",
        Mail::new("Bo <bo@customer.fi>", "Second", "b@customer.fi")
            .set("Date", "Sun, 22 Nov 2026 09:30:00 +0000")
            .text()
            .as_bytes(),
    );
    let run = repo.run(&["ingest", &a, &b]);
    run.ok();
    assert_eq!(
        run.stderr,
        "ingest: 2 created, 0 threaded, 0 duplicates, 0 quarantined\n"
    );
    assert_eq!(repo.commit_count(), before + 2, "one commit per message");
    let ids = ticket_ids(&repo);
    assert_eq!(ids.len(), 2);
    // Files take their time from the Date header.
    let mut created: Vec<String> = ids
        .iter()
        .map(|id| fm(&ticket_text(&repo, id), "created").unwrap())
        .collect();
    created.sort();
    assert_eq!(
        created,
        vec!["2026-11-22T09:00:00Z", "2026-11-22T09:30:00Z"]
    );

    // Again, as JSON: both are duplicates now.
    let run = repo.run(&["ingest", "--format", "json", &a, &b]);
    let out: serde_json::Value = serde_json::from_str(run.ok()).unwrap();
    assert_eq!(out["schema_version"], 1);
    assert_eq!(out["summary"]["created"], 0);
    assert_eq!(out["summary"]["duplicates"], 2);
    assert_eq!(out["summary"]["quarantined"], 0);
    let msgs = out["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 2);
    assert_eq!(msgs[0]["source"], a.as_str());
    assert_eq!(msgs[0]["outcome"], "duplicate");
    assert_eq!(msgs[1]["source"], b.as_str());
    assert!(ids.contains(&msgs[1]["ticket"].as_str().unwrap().to_string()));
    assert_eq!(repo.commit_count(), before + 2);
    repo.assert_clean();
}

#[test]
fn json_output_lists_every_message() {
    let repo = TestRepo::quiet();
    let a = outside(
        &repo,
        "a.eml",
        Mail::new(MATTI, "First", "a@customer.fi").text().as_bytes(),
    );
    let b = outside(
        &repo,
        "b.eml",
        Mail::new(MATTI, "Re: First", "b@customer.fi")
            .in_reply_to("a@customer.fi")
            .text()
            .as_bytes(),
    );
    let run = repo.run(&["ingest", "--format", "json", &a, &b]);
    let out: serde_json::Value = serde_json::from_str(run.ok()).unwrap();
    assert_eq!(out["schema_version"], 1);
    assert_eq!(
        out["summary"],
        serde_json::json!({"created": 1, "threaded": 1, "duplicates": 0, "quarantined": 0, "failed": 0})
    );
    let msgs = out["messages"].as_array().unwrap();
    assert_eq!(msgs[0]["source"], a.as_str());
    assert_eq!(msgs[0]["outcome"], "created");
    assert_eq!(msgs[1]["source"], b.as_str());
    assert_eq!(msgs[1]["outcome"], "threaded");
    assert_eq!(msgs[0]["ticket"], msgs[1]["ticket"]);
    assert_eq!(ticket_ids(&repo), vec![msgs[0]["ticket"].as_str().unwrap()]);
}

#[test]
fn a_missing_file_fails_the_batch_before_anything_is_written() {
    let repo = TestRepo::quiet();
    let before = repo.commit_count();
    let a = outside(
        &repo,
        "a.eml",
        Mail::new(MATTI, "First", "a@customer.fi").text().as_bytes(),
    );
    let missing = repo.tmp.path().join("in/missing.eml").display().to_string();
    let run = repo.run(&["ingest", &a, &missing]);
    let err = run.fails(1);
    assert!(err.contains(&missing), "{err}");
    assert_nothing_written(&repo, before);
    assert!(ticket_ids(&repo).is_empty());
}

#[test]
fn an_mbox_is_split_and_from_lines_unescaped() {
    let repo = TestRepo::quiet();
    let before = repo.commit_count();
    let mbox = "From matti@customer.fi Sun Nov 22 09:00:00 2026\n\
                From: Matti <matti@customer.fi>\n\
                Subject: One\n\
                Message-ID: <one@customer.fi>\n\
                Date: Sun, 22 Nov 2026 09:00:00 +0000\n\
                \n\
                first line\n\
                >From the start it was broken.\n\
                >>From stays quoted once.\n\
                \n\
                From bo@customer.fi Sun Nov 22 09:10:00 2026\n\
                From: Bo <bo@customer.fi>\n\
                Subject: Two\n\
                Message-ID: <two@customer.fi>\n\
                Date: Sun, 22 Nov 2026 09:10:00 +0000\n\
                \n\
                second\n\
                \n\
                From matti@customer.fi Sun Nov 22 09:20:00 2026\n\
                From: Matti <matti@customer.fi>\n\
                Subject: Re: One\n\
                Message-ID: <three@customer.fi>\n\
                In-Reply-To: <one@customer.fi>\n\
                Date: Sun, 22 Nov 2026 09:20:00 +0000\n\
                \n\
                third\n";
    let path = outside(&repo, "inbox.mbox", mbox.as_bytes());
    let run = repo.run(&["ingest", "--mbox", &path]);
    run.ok();
    assert_eq!(
        run.stderr,
        "ingest: 2 created, 1 threaded, 0 duplicates, 0 quarantined\n"
    );
    assert_eq!(repo.commit_count(), before + 3);
    let ids = ticket_ids(&repo);
    assert_eq!(ids.len(), 2);
    let one = ids
        .iter()
        .find(|id| fm(&ticket_text(&repo, id), "subject").as_deref() == Some("One"))
        .unwrap();
    assert_eq!(events(&repo, one).len(), 2, "the reply joined");
    let ev = event_for(&repo, one, "one@customer.fi");
    let eid = fm(&ev, "id").unwrap();
    let raw = repo.read(format!("{}/raw/{eid}.eml", ticket_dir(one)));
    assert_eq!(
        raw,
        "From: Matti <matti@customer.fi>\n\
         Subject: One\n\
         Message-ID: <one@customer.fi>\n\
         Date: Sun, 22 Nov 2026 09:00:00 +0000\n\
         \n\
         first line\n\
         From the start it was broken.\n\
         >From stays quoted once.\n",
        "no envelope line, >From un-escaped, no separator line"
    );
    // The envelope's time stays out; the Date header is the event's time.
    assert_eq!(fm(&ev, "at").as_deref(), Some("2026-11-22T09:00:00Z"));
    // Sources name the file and the envelope's line.
    let run = repo.run(&["ingest", "--format", "json", "--mbox", &path]);
    let out: serde_json::Value = serde_json::from_str(run.ok()).unwrap();
    let sources: Vec<&str> = out["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["source"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        vec![
            format!("{path}:1"),
            format!("{path}:11"),
            format!("{path}:19")
        ]
    );
    assert_eq!(out["summary"]["duplicates"], 3);
    repo.run(&["check"]).ok();
    repo.assert_clean();
}

#[test]
fn a_maildir_is_processed_once_and_flagged_seen() {
    let repo = TestRepo::quiet();
    let md = repo.tmp.path().join("Maildir");
    for d in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(md.join(d)).unwrap();
    }
    let write = |rel: &str, m: &Mail| std::fs::write(md.join(rel), m.text()).unwrap();
    write(
        "new/1700000001.M1P1.host",
        &Mail::new(MATTI, "In new", "md1@customer.fi"),
    );
    write(
        "cur/1700000002.M2P2.host:2,",
        &Mail::new("Bo <bo@customer.fi>", "In cur", "md2@customer.fi"),
    );
    write(
        "cur/1700000003.M3P3.host:2,F",
        &Mail::new("Cy <cy@customer.fi>", "Flagged", "md3@customer.fi"),
    );
    // Already seen: a mail client read it; not for us.
    write(
        "cur/1700000000.M0P0.host:2,S",
        &Mail::new("Old <old@customer.fi>", "Seen", "md0@customer.fi"),
    );
    write(
        "tmp/1700000009.M9P9.host",
        &Mail::new("Tmp <t@customer.fi>", "Being delivered", "tmp@customer.fi"),
    );
    let dir = md.display().to_string();
    let before = repo.commit_count();
    let run = repo.run(&["ingest", "--maildir", &dir]);
    run.ok();
    assert_eq!(
        run.stderr,
        "ingest: 3 created, 0 threaded, 0 duplicates, 0 quarantined\n"
    );
    assert_eq!(repo.commit_count(), before + 3);
    let names = |d: &str| {
        let mut v: Vec<String> = std::fs::read_dir(md.join(d))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert!(names("new").is_empty(), "{:?}", names("new"));
    assert_eq!(
        names("cur"),
        vec![
            "1700000000.M0P0.host:2,S",
            "1700000001.M1P1.host:2,S",
            "1700000002.M2P2.host:2,S",
            "1700000003.M3P3.host:2,FS",
        ]
    );
    assert_eq!(names("tmp"), vec!["1700000009.M9P9.host"]);
    let subjects: Vec<String> = ticket_ids(&repo)
        .iter()
        .map(|id| fm(&ticket_text(&repo, id), "subject").unwrap())
        .collect();
    assert!(!subjects.contains(&"Seen".to_string()), "{subjects:?}");

    // A second run skips them without reading: even a changed file is not looked at.
    std::fs::write(
        md.join("cur/1700000001.M1P1.host:2,S"),
        Mail::new(MATTI, "Changed", "changed@customer.fi").text(),
    )
    .unwrap();
    let run = repo.run(&["ingest", "--maildir", &dir]);
    run.ok();
    assert_eq!(
        run.stderr,
        "ingest: 0 created, 0 threaded, 0 duplicates, 0 quarantined\n"
    );
    assert_eq!(repo.commit_count(), before + 3);
    repo.assert_clean();
}

#[test]
fn an_unreadable_message_is_quarantined_byte_for_byte() {
    let repo = TestRepo::quiet();
    let before = repo.commit_count();
    let junk = b"just text\n";
    let path = outside(&repo, "junk.eml", junk);
    let good = outside(
        &repo,
        "good.eml",
        Mail::new(MATTI, "Fine", "fine@customer.fi")
            .text()
            .as_bytes(),
    );
    let run = repo.run(&["ingest", &path, &good]);
    run.ok();
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", run.stderr);
    assert_eq!(
        lines[1],
        "ingest: 1 created, 0 threaded, 0 duplicates, 1 quarantined"
    );
    assert!(
        lines[0].starts_with(&format!("{path}: ")),
        "the source is named: {}",
        run.stderr
    );
    assert!(
        lines[0].contains("not an RFC 5322 message"),
        "{}",
        run.stderr
    );
    assert_eq!(repo.commit_count(), before + 2);
    assert_eq!(ticket_ids(&repo).len(), 1);
    let names = dir_names(&repo, "quarantine");
    assert_eq!(names.len(), 2, "{names:?}");
    let qid = names[0].strip_suffix(".eml").expect(".eml").to_string();
    assert_eq!(names[1], format!("{qid}.md"));
    assert_eq!(
        std::fs::read(repo.path(&format!("quarantine/{qid}.eml"))).unwrap(),
        junk
    );
    let md = repo.read(format!("quarantine/{qid}.md"));
    assert_eq!(fm(&md, "id").as_deref(), Some(qid.as_str()));
    assert!(
        fm(&md, "reason")
            .unwrap()
            .contains("not an RFC 5322 message"),
        "{md}"
    );
    assert_eq!(fm(&md, "source").as_deref(), Some(path.as_str()));
    // One commit each, in order.
    let log = repo.git(&["log", "-2", "--format=%s"]);
    let log: Vec<&str> = log.lines().collect();
    assert_eq!(log[0], format!("ingest: {} Fine", ticket_ids(&repo)[0]));
    assert!(
        log[1].starts_with(&format!("ingest: quarantine {qid} not an RFC 5322 message")),
        "{log:?}"
    );

    // The same junk again is recognised, not quarantined twice.
    let run = repo.run(&["ingest", &path]);
    run.ok();
    assert!(
        run.stderr
            .contains(&format!("already in quarantine as {qid}")),
        "{}",
        run.stderr
    );
    assert_eq!(repo.commit_count(), before + 2);
    assert_eq!(dir_names(&repo, "quarantine").len(), 2);

    // From standard input too (after the spool, the answer is still 0).
    let run = run_bytes(&repo, &["ingest"], &[], b"\x00\x01 binary garbage\n");
    run.ok();
    assert!(run.stderr.contains("quarantined"), "{}", run.stderr);
    assert_eq!(dir_names(&repo, "quarantine").len(), 4);
    assert!(spooled_after_removal(&repo).is_empty());
    repo.run(&["check"]).ok();
    repo.assert_clean();
}

#[test]
fn an_auto_reply_to_a_closed_ticket_is_filed_there_not_a_follow_up() {
    let repo = TestRepo::quiet();
    let first = "From: Liisa <liisa@example.com>\nTo: support@example.com\nSubject: Order\nMessage-ID: <o1@example.com>\n\nWhere is it?\n";
    repo.run_with(&["ingest"], &[], Some(first)).ok();
    let id = repo.run(&["list", "--format", "ids"]).ok().to_string();
    repo.run(&["close", &id]).ok();
    let ooo = "From: Liisa <liisa@example.com>\nTo: support@example.com\nSubject: Out of office: Order\nMessage-ID: <ooo@example.com>\nIn-Reply-To: <o1@example.com>\nAuto-Submitted: auto-replied\n\nAway.\n";
    let out = repo.run_with(&["ingest"], &[], Some(ooo));
    assert!(
        out.stderr.contains(&format!("added to ticket {id}")),
        "{}",
        out.stderr
    );
    assert_eq!(
        repo.run(&["list", "--format", "ids"]).ok(),
        id,
        "no follow-up ticket"
    );
    let show = repo.run(&["show", &id]).ok().to_string();
    assert!(show.contains("status     closed"), "{show}");
}

#[test]
fn json_into_a_closed_pipe_ends_quietly() {
    let repo = TestRepo::quiet();
    for i in 0..40 {
        repo.new_ticket(&format!("t{i}"), &[]);
    }
    let bin = assert_cmd::cargo::cargo_bin("tiketti");
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; '{}' list --format json | head -c 10 >/dev/null",
            bin.display()
        ))
        .current_dir(&repo.root)
        .env("HOME", &repo.home)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("TIKETTI_ACTOR", "anna")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("error"), "{stderr}");
    assert!(out.status.success(), "exit {:?}: {stderr}", out.status);
}

#[test]
fn exit_64_only_for_ingest_itself_and_for_empty_input() {
    let repo = TestRepo::quiet();
    repo.run(&["list", "--tag", "ingest", "--bogus"]).fails(2);
    repo.run(&["--repo", ".", "ingest", "--bogus"]).fails(64);
    let err = repo
        .run_with(&["ingest"], &[], Some(""))
        .fails(64)
        .to_string();
    assert!(err.contains("standard input is empty"), "{err}");
    assert_eq!(repo.commit_count(), 1);
}

#[test]
fn a_spooled_message_keeps_its_arrival_time() {
    let repo = TestRepo::quiet();
    let msg = "From: c@customer.fi\nTo: support@example.com\nSubject: early\nMessage-ID: <early@customer.fi>\n\nhi\n";
    repo.run_with(
        &["ingest", "--spool-only"],
        &[("TIKETTI_NOW", "2026-11-22T08:00:00Z")],
        Some(msg),
    )
    .ok();
    repo.run_with(
        &["ingest", "--drain"],
        &[("TIKETTI_NOW", "2026-11-22T11:30:00Z")],
        None,
    )
    .ok();
    let json: serde_json::Value =
        serde_json::from_str(repo.run(&["list", "--format", "json"]).ok()).unwrap();
    assert_eq!(json["tickets"][0]["created"], "2026-11-22T08:00:00Z");
}

#[test]
fn draining_an_empty_spool_does_nothing() {
    let repo = TestRepo::quiet();
    let out = repo.run_with(&["ingest", "--drain"], &[], None);
    out.ok();
    assert!(
        out.stderr
            .contains("0 created, 0 threaded, 0 duplicates, 0 quarantined"),
        "{}",
        out.stderr
    );
    assert_nothing_written(&repo, 1);
}
