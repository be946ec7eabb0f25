//! `tiketti sync`, `clone`, `resolve` and `merge-file`: a bare remote and three clones
//! (alice as agent anna, bob, carol), never the network. Each scenario checks the merged
//! state on every clone, the collision records, the exit code, and that nothing was lost.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::common::*;
use crate::ingest::Mail;

/// Every tiketti process gets its own seed, so two clones never draw the same event ID
/// by accident (tests that want a clash pin `TIKETTI_SEED` themselves).
static SEED: AtomicU64 = AtomicU64::new(1000);

fn next_seed() -> String {
    SEED.fetch_add(1, Ordering::Relaxed).to_string()
}

/// Plain git, hermetic, anywhere.
fn git_in(dir: &Path, home: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("HOME", home)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Hand Editor")
        .env("GIT_AUTHOR_EMAIL", "hand@example.com")
        .env("GIT_COMMITTER_NAME", "Hand Editor")
        .env("GIT_COMMITTER_EMAIL", "hand@example.com")
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} in {} failed: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// One agent's clone.
pub struct Clone {
    pub repo: TestRepo,
    pub actor: &'static str,
}

impl std::ops::Deref for Clone {
    type Target = TestRepo;
    fn deref(&self) -> &TestRepo {
        &self.repo
    }
}

impl Clone {
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Run {
        let seed = next_seed();
        let mut all: Vec<(&str, &str)> =
            vec![("TIKETTI_ACTOR", self.actor), ("TIKETTI_SEED", &seed)];
        all.extend_from_slice(env);
        self.repo.run_with(args, &all, stdin)
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_env(args, &[], None)
    }

    pub fn sync(&self) -> Run {
        self.run(&["sync"])
    }

    /// `sync --format json`, parsed.
    pub fn sync_json(&self, code: i32) -> serde_json::Value {
        let run = self.run(&["sync", "--format", "json"]);
        assert_eq!(run.code, code, "{}", run.transcript());
        let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
        doc["sync"].clone()
    }

    pub fn head_tree(&self) -> String {
        self.git(&["rev-parse", "HEAD^{tree}"]).trim().to_string()
    }

    pub fn ticket_text(&self, id: &str) -> String {
        std::fs::read_to_string(self.ticket_file(id)).expect("ticket file")
    }

    /// Every event file of a ticket: (file name, text).
    pub fn events(&self, id: &str) -> Vec<(String, String)> {
        let dir = self.path(&format!("tickets/{}/{id}/events", &id[..2]));
        let mut v: Vec<(String, String)> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read_to_string(e.path()).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    }

    pub fn events_of_kind(&self, id: &str, kind: &str) -> Vec<String> {
        self.events(id)
            .into_iter()
            .map(|(_, t)| t)
            .filter(|t| t.contains(&format!("\nkind: {kind}\n")))
            .collect()
    }

    pub fn ticket_ids(&self) -> Vec<String> {
        let out = self.run(&["list", "--format", "ids"]);
        out.ok().lines().map(str::to_string).collect()
    }
}

/// A bare remote, and alice's helpdesk pushed to it with agents anna, bob and carol.
pub struct Net {
    pub tmp: tempfile::TempDir,
    pub remote: PathBuf,
    pub alice: Clone,
}

const AGENTS: &str = "    email: anna@example.com
  - id: bob
    name: Bob Berg
    email: bob@example.com
  - id: carol
    name: Carol Cruz
    email: carol@example.com
";

impl Net {
    pub fn new() -> Net {
        let tmp = tempfile::tempdir().unwrap();
        let remote = tmp.path().join("remote.git");
        git_in(
            tmp.path(),
            tmp.path(),
            &["init", "-q", "--bare", "remote.git"],
        );
        let alice = Clone {
            repo: TestRepo::new(),
            actor: "anna",
        };
        let config =
            alice
                .read("tiketti.yaml")
                .replacen("    email: anna@example.com\n", AGENTS, 1);
        alice.write("tiketti.yaml", &config);
        alice.git(&["commit", "-qam", "Agents bob and carol"]);
        alice.git(&["remote", "add", "origin", remote.to_str().unwrap()]);
        alice.sync().ok();
        Net { tmp, remote, alice }
    }

    pub fn url(&self) -> &str {
        self.remote.to_str().unwrap()
    }

    /// A new clone made with `tiketti clone`.
    pub fn clone(&self, actor: &'static str) -> Clone {
        let repo = TestRepo::empty();
        let c = Clone { repo, actor };
        let root = c.root.to_str().unwrap().to_string();
        c.run(&["clone", self.url(), &root]).ok();
        c
    }

    /// The remote's branch.
    pub fn remote_head(&self) -> String {
        git_in(&self.remote, self.tmp.path(), &["rev-parse", "main"])
            .trim()
            .to_string()
    }
}

/// Every clone has the same tree, the remote's, and a clean work tree.
#[track_caller]
fn assert_converged(net: &Net, clones: &[&Clone]) {
    let remote_tree = git_in(&net.remote, net.tmp.path(), &["rev-parse", "main^{tree}"]);
    for c in clones {
        assert_eq!(
            c.head_tree(),
            remote_tree.trim(),
            "{} differs from the remote",
            c.actor
        );
        c.assert_clean();
    }
}

/// A ticket made on alice and known to bob (and carol when given).
fn shared_ticket(net: &Net, others: &[&Clone]) -> String {
    let id = net
        .alice
        .run(&["new", "--subject", "Printer jams", "-m", "Tray 2."])
        .ok()
        .to_string();
    net.alice.sync().ok();
    for c in others {
        c.sync().ok();
    }
    id
}

#[test]
fn init_and_clone_set_up_the_merge_driver() {
    let net = Net::new();
    let driver = net.alice.git(&["config", "merge.tiketti.driver"]);
    assert!(
        driver.trim().ends_with(" merge-file %O %A %B %P"),
        "{driver}"
    );
    let bob = net.clone("bob");
    let driver = bob.git(&["config", "merge.tiketti.driver"]);
    assert!(
        driver.trim().ends_with(" merge-file %O %A %B %P"),
        "{driver}"
    );
    assert_eq!(bob.git(&["config", "pull.rebase"]).trim(), "false");
    assert_eq!(bob.git(&["config", "index.skipHash"]).trim(), "true");
    assert_eq!(bob.git(&["config", "index.version"]).trim(), "4");
    let index = std::fs::read(bob.path(".git/index")).unwrap();
    assert_eq!(&index[..8], b"DIRC\0\0\0\x04");
    // The bare remote's HEAD names master; the clone is on the helpdesk's branch.
    assert_eq!(bob.git(&["branch", "--show-current"]).trim(), "main");
    assert_eq!(bob.git(&["config", "branch.main.remote"]).trim(), "origin");
    assert_converged(&net, &[&net.alice, &bob]);
}

#[test]
fn sync_sets_up_a_clone_made_with_plain_git_clone() {
    let net = Net::new();
    let bob = Clone {
        repo: TestRepo::empty(),
        actor: "bob",
    };
    let root = bob.root.to_str().unwrap().to_string();
    git_in(
        net.tmp.path(),
        net.tmp.path(),
        &["clone", "-q", "-b", "main", net.url(), &root],
    );
    let index = std::fs::read(bob.path(".git/index")).unwrap();
    assert_eq!(&index[..8], b"DIRC\0\0\0\x02", "git's own default");
    bob.sync().ok();
    let driver = bob.git(&["config", "merge.tiketti.driver"]);
    assert!(
        driver.trim().ends_with(" merge-file %O %A %B %P"),
        "{driver}"
    );
    assert_eq!(bob.git(&["config", "index.skipHash"]).trim(), "true");
    assert_eq!(bob.git(&["config", "index.version"]).trim(), "4");
    let index = std::fs::read(bob.path(".git/index")).unwrap();
    assert_eq!(&index[..8], b"DIRC\0\0\0\x04", "converted once");
    bob.assert_clean();
}

#[test]
fn clone_warns_when_the_identity_is_not_an_agent_and_refuses_a_non_helpdesk() {
    let net = Net::new();
    let repo = TestRepo::empty();
    let root = repo.root.to_str().unwrap().to_string();
    let run = repo.run_with(&["clone", net.url(), &root], &[("TIKETTI_ACTOR", "")], None);
    run.ok();
    assert!(
        run.stderr
            .contains("warning: this clone cannot tell which agent you are: no git user.email and no TIKETTI_ACTOR")
            && run
                .stderr
                .contains("it lists anna <anna@example.com>, bob <bob@example.com>"),
        "{}",
        run.stderr
    );
    let run = repo.run(&["clone", net.url(), &root]);
    assert!(run.fails(1).contains("already exists and is not empty"));
    // A repository without tiketti.yaml is not a helpdesk: nothing is left behind.
    let empty = tempfile::tempdir().unwrap();
    git_in(
        empty.path(),
        empty.path(),
        &["init", "-q", "--bare", "plain.git"],
    );
    let target = empty.path().join("copy");
    let run = repo.run(&[
        "clone",
        empty.path().join("plain.git").to_str().unwrap(),
        target.to_str().unwrap(),
    ]);
    assert!(
        run.fails(1).contains("is not a tiketti helpdesk"),
        "{}",
        run.stderr
    );
    assert!(!target.exists());
}

#[test]
fn sync_status_against_a_new_note() {
    let net = Net::new();
    let bob = net.clone("bob");
    let id = shared_ticket(&net, &[&bob]);
    net.alice.run(&["status", &id, "open"]).ok();
    bob.run(&["note", &id, "-m", "Called the customer."]).ok();
    net.alice.sync().ok();
    let view = bob.sync_json(0);
    assert_eq!(view["merge"], "merge");
    assert_eq!(view["fetched"], 1);
    assert_eq!(view["pushed"], 2, "the note and the merge");
    assert_eq!(view["collisions"].as_array().unwrap().len(), 0);
    net.alice.sync().ok();
    assert_converged(&net, &[&net.alice, &bob]);
    for c in [&net.alice, &bob] {
        assert_eq!(c.key(&id, "status").as_deref(), Some("open"));
        assert_eq!(c.key(&id, "collisions"), None);
        let notes = c.events_of_kind(&id, "note");
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("Called the customer."));
    }
    // The merge commit has both parents and says what it merged.
    assert_eq!(
        bob.git(&["log", "-1", "--format=%P"])
            .split_whitespace()
            .count(),
        2,
        "two parents"
    );
    assert_eq!(bob.last_commit_message(), "sync: merge origin/main");
}

#[test]
fn sync_two_notes_are_both_kept() {
    let net = Net::new();
    let bob = net.clone("bob");
    let id = shared_ticket(&net, &[&bob]);
    net.alice.run(&["note", &id, "-m", "Alice's note."]).ok();
    bob.run(&["note", &id, "-m", "Bob's note."]).ok();
    net.alice.sync().ok();
    bob.sync().ok();
    net.alice.sync().ok();
    assert_converged(&net, &[&net.alice, &bob]);
    let notes = net.alice.events_of_kind(&id, "note").join("\n");
    assert!(
        notes.contains("Alice's note.") && notes.contains("Bob's note."),
        "{notes}"
    );
    assert_eq!(net.alice.events(&id).len(), 2);
}

#[test]
fn sync_assignee_against_assignee_is_a_collision_that_resolve_settles() {
    let net = Net::new();
    let bob = net.clone("bob");
    let id = shared_ticket(&net, &[&bob]);
    net.alice.run(&["assign", &id, "anna"]).ok();
    bob.run(&["assign", &id, "bob"]).ok();
    net.alice.sync().ok();
    let run = bob.sync();
    let err = run.fails(3);
    assert!(
        err.contains(&format!("sync: collision on {id} assignee: kept \"anna\" (already pushed); \"bob\" is in tickets/")),
        "{err}"
    );
    assert!(err.contains("1 collision recorded"), "{err}");
    // The pushed value stays; bob's value is in the collision event; nothing is lost.
    assert_eq!(bob.key(&id, "assignee").as_deref(), Some("anna"));
    assert_eq!(bob.key(&id, "collisions").as_deref(), Some("[assignee]"));
    let records = bob.events_of_kind(&id, "collision");
    assert_eq!(records.len(), 1);
    for line in [
        "field: assignee",
        "ours: bob",
        "theirs: anna",
        "kept: anna",
        "author: bob",
    ] {
        assert!(
            records[0].contains(&format!("\n{line}\n")),
            "{line} in {}",
            records[0]
        );
    }
    assert!(
        !records[0].contains("\nbase:"),
        "nobody was assigned before"
    );
    assert_eq!(
        bob.run(&["list", "--collisions", "--format", "ids"]).ok(),
        id
    );
    let show = bob.run(&["show", &id]).ok().to_string();
    assert!(
        show.contains("! COLLISION on assignee: kept \"anna\", not kept \"bob\""),
        "{show}"
    );
    // Everyone sees it after their next sync.
    net.alice.sync().ok();
    assert_eq!(
        net.alice
            .run(&["list", "--collisions", "--format", "ids"])
            .ok(),
        id
    );

    let settled = bob.run(&["resolve", &id, "--ours"]);
    assert_eq!(settled.ok(), format!("{id} assignee = bob (ours)"));
    assert_eq!(bob.key(&id, "assignee").as_deref(), Some("bob"));
    assert_eq!(bob.key(&id, "collisions"), None);
    let resolution = bob.events_of_kind(&id, "resolution");
    assert_eq!(resolution.len(), 1);
    assert!(resolution[0].contains("choice: ours") && resolution[0].contains("value: bob"));
    assert!(
        bob.run(&["list", "--collisions", "--format", "ids"])
            .ok()
            .is_empty()
    );
    bob.sync().ok();
    net.alice.sync().ok();
    assert_converged(&net, &[&net.alice, &bob]);
    assert_eq!(net.alice.key(&id, "assignee").as_deref(), Some("bob"));
    net.alice.run(&["check"]).ok();
}

#[test]
fn resolve_refuses_what_it_cannot_settle() {
    let net = Net::new();
    let bob = net.clone("bob");
    let id = shared_ticket(&net, &[&bob]);
    let err = bob.run(&["resolve", &id, "--ours"]).fails(1).to_string();
    assert!(err.contains("has no collision to settle"), "{err}");
    bob.run(&["resolve", &id]).fails(2);
    bob.run(&["resolve", &id, "--ours", "--theirs"]).fails(2);
    net.alice.run(&["set", &id, "priority=low", "+a"]).ok();
    net.alice.run(&["status", &id, "open"]).ok();
    bob.run(&["set", &id, "priority=high", "+b"]).ok();
    bob.run(&["status", &id, "pending"]).ok();
    net.alice.sync().ok();
    bob.sync().fails(3);
    assert_eq!(
        bob.key(&id, "collisions").as_deref(),
        Some("[status, priority]")
    );
    assert_eq!(bob.key(&id, "tags").as_deref(), Some("[a, b]"));
    let err = bob.run(&["resolve", &id, "--theirs"]).fails(2).to_string();
    assert!(
        err.contains("has collisions on status, priority; name the one"),
        "{err}"
    );
    let err = bob
        .run(&["resolve", &id, "due", "--ours"])
        .fails(1)
        .to_string();
    assert!(
        err.contains("has no collision on due; it has status, priority"),
        "{err}"
    );
    let err = bob
        .run(&["resolve", &id, "--set", "status=slvd"])
        .fails(1)
        .to_string();
    assert!(err.contains("unknown status \"slvd\""), "{err}");
    let before = bob.commit_count();
    bob.run(&["resolve", &id, "priority", "--set", "priority=priority=x"])
        .fails(1);
    assert_eq!(bob.commit_count(), before);
    assert_eq!(
        bob.run(&["resolve", &id, "status", "--theirs"]).ok(),
        format!("{id} status = open (theirs)")
    );
    assert_eq!(
        bob.run(&["resolve", &id, "--set", "priority=urgent"]).ok(),
        format!("{id} priority = urgent (set)")
    );
    assert_eq!(bob.key(&id, "collisions"), None);
    bob.assert_clean();
}

#[test]
fn sync_two_tags_added_are_both_kept() {
    let net = Net::new();
    let bob = net.clone("bob");
    let id = shared_ticket(&net, &[&bob]);
    net.alice.run(&["set", &id, "+vip"]).ok();
    bob.run(&["set", &id, "+urgent", "priority=high"]).ok();
    net.alice.sync().ok();
    assert_eq!(bob.sync_json(0)["collisions"], serde_json::json!([]));
    net.alice.sync().ok();
    assert_converged(&net, &[&net.alice, &bob]);
    assert_eq!(net.alice.key(&id, "tags").as_deref(), Some("[vip, urgent]"));
    assert_eq!(net.alice.key(&id, "priority").as_deref(), Some("high"));
}

const MATTI: &str = "Matti Meikäläinen <matti@example.fi>";

#[test]
fn sync_the_same_message_taken_in_on_two_clones_is_one_ticket_and_one_event() {
    let net = Net::new();
    let bob = net.clone("bob");
    let msg = Mail::new(MATTI, "Broken chair", "chair-1@example.fi").text();
    // The same message reaches both clones, bob's copy ten minutes later and through
    // another relay.
    let a = net.alice.run_env(
        &["ingest"],
        &[("TIKETTI_NOW", "2026-11-22T10:00:00Z")],
        Some(&msg),
    );
    a.ok();
    let relayed = format!("Received: from mx2.example.com\n{msg}");
    bob.run_env(
        &["ingest"],
        &[("TIKETTI_NOW", "2026-11-22T10:10:00Z")],
        Some(&relayed),
    )
    .ok();
    let ids = net.alice.ticket_ids();
    assert_eq!(ids, bob.ticket_ids(), "one message, one ticket ID");
    let id = &ids[0];
    net.alice.sync().ok();
    let view = bob.sync_json(0);
    assert_eq!(view["reminted"], serde_json::json!([]));
    net.alice.sync().ok();
    assert_converged(&net, &[&net.alice, &bob]);
    assert_eq!(bob.ticket_ids(), vec![id.clone()]);
    let events = bob.events(id);
    let inbound: Vec<&(String, String)> = events
        .iter()
        .filter(|(_, t)| t.contains("\nkind: inbound\n"))
        .collect();
    assert_eq!(inbound.len(), 1, "{events:?}");
    assert!(
        inbound[0].0.starts_with("20261122T100000Z-"),
        "the pushed copy: {}",
        inbound[0].0
    );
    // Nothing is there twice: no Message-ID (received or sent) on two events.
    let mut ids: Vec<&str> = events
        .iter()
        .filter_map(|(_, t)| t.lines().find_map(|l| l.strip_prefix("message_id: ")))
        .collect();
    let all = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), all, "{events:?}");
    let raw = std::fs::read_dir(bob.path(&format!("tickets/{}/{id}/raw", &id[..2])))
        .unwrap()
        .count();
    assert_eq!(raw, 1);
    assert_eq!(
        bob.key(id, "created").as_deref(),
        Some("2026-11-22T10:00:00Z")
    );
    assert_eq!(bob.key(id, "collisions"), None);
}

#[test]
fn sync_an_id_clash_remints_the_unpushed_ticket_and_its_links() {
    let net = Net::new();
    let bob = net.clone("bob");
    let same = [("TIKETTI_SEED", "4242")];
    let a = net.alice.run_env(
        &["new", "--subject", "Alice's ticket", "-m", "A."],
        &same,
        None,
    );
    let b = bob.run_env(
        &["new", "--subject", "Bob's ticket", "-m", "B."],
        &same,
        None,
    );
    let old = a.ok().to_string();
    assert_eq!(b.ok(), old, "the same seed mints the same ID");
    bob.run(&["note", &old, "-m", &format!("About {old}.")])
        .ok();
    // Bob links a child to his ticket (by hand: there is no link command yet).
    let child = bob
        .run(&["new", "--subject", "Part of Bob's", "-m", "C."])
        .ok()
        .to_string();
    let text = bob
        .ticket_text(&child)
        .replace("created:", &format!("parent: {old}\ncreated:"));
    std::fs::write(bob.ticket_file(&child), text).unwrap();
    bob.git(&["commit", "-qam", "link"]);

    // A refused edit of bob's ticket left a recovery file; it must follow the ticket.
    bob.write(
        format!(".git/tiketti/edit/{old}-20261122T100000Z.md"),
        "my unsaved edit",
    );
    net.alice.sync().ok();
    let run = bob.run(&["sync", "--format", "json"]);
    assert_eq!(run.code, 3, "{}", run.transcript());
    let view: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let new = view["sync"]["reminted"][0]["new"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(view["sync"]["reminted"][0]["old"], old.as_str());
    assert_ne!(new, old);
    net.alice.sync().ok();
    assert_converged(&net, &[&net.alice, &bob]);
    // Both tickets exist: alice's pushed one kept its ID.
    let ids = bob.ticket_ids();
    assert!(ids.contains(&old) && ids.contains(&new), "{ids:?}");
    assert!(bob.ticket_text(&old).contains("subject: Alice's ticket"));
    let moved = bob.ticket_text(&new);
    assert!(
        moved.contains(&format!("id: {new}")) && moved.contains("subject: Bob's ticket"),
        "{moved}"
    );
    assert!(
        bob.events(&old).is_empty(),
        "bob's note moved with his ticket"
    );
    let note = bob.events_of_kind(&new, "note");
    assert!(note[0].contains(&format!("About {new}.")), "{}", note[0]);
    assert_eq!(bob.key(&child, "parent").as_deref(), Some(new.as_str()));
    assert_eq!(
        bob.read(format!(".git/tiketti/edit/{new}-20261122T100000Z.md")),
        "my unsaved edit"
    );
    assert!(
        !bob.path(&format!(".git/tiketti/edit/{old}-20261122T100000Z.md"))
            .exists()
    );
    bob.run(&["check"]).ok();
}

#[test]
fn sync_solved_against_a_customer_reply_reopens_the_ticket() {
    let net = Net::new();
    let bob = net.clone("bob");
    let first = Mail::new(MATTI, "Invoice wrong", "inv-1@example.fi").text();
    net.alice.run_env(&["ingest"], &[], Some(&first)).ok();
    let id = net.alice.ticket_ids()[0].clone();
    net.alice.sync().ok();
    bob.sync().ok();
    net.alice.run(&["solve", &id]).ok();
    let reply = Mail::new(MATTI, "Re: Invoice wrong", "inv-2@example.fi")
        .in_reply_to("inv-1@example.fi")
        .body("It is still wrong.\n")
        .text();
    bob.run_env(
        &["ingest"],
        &[("TIKETTI_NOW", "2026-11-22T11:00:00Z")],
        Some(&reply),
    )
    .ok();
    net.alice.sync().ok();
    let run = bob.run(&["sync"]);
    let err = run.fails(3);
    assert!(
        err.contains(&format!(
            "collision on {id} status: A customer's message arrived"
        )),
        "{err}"
    );
    assert_eq!(bob.key(&id, "status").as_deref(), Some("open"));
    assert_eq!(bob.key(&id, "collisions").as_deref(), Some("[status]"));
    let record = &bob.events_of_kind(&id, "collision")[0];
    for line in [
        "field: status",
        "base: new",
        "ours: new",
        "theirs: solved",
        "kept: open",
    ] {
        assert!(
            record.contains(&format!("\n{line}\n")),
            "{line} in {record}"
        );
    }
    assert!(record.contains("reopened as open"), "{record}");
    net.alice.sync().ok();
    assert_converged(&net, &[&net.alice, &bob]);
    assert_eq!(
        net.alice.events_of_kind(&id, "inbound").len(),
        2,
        "both messages kept"
    );
    // An auto-reply on the other clone does not reopen a solved ticket.
    net.alice.run(&["solve", &id]).ok();
    let auto = Mail::new(MATTI, "Out of office", "ooo-1@example.fi")
        .in_reply_to("inv-1@example.fi")
        .set("Auto-Submitted", "auto-replied")
        .text();
    bob.run(&["resolve", &id, "--theirs"]).ok();
    bob.run_env(
        &["ingest"],
        &[("TIKETTI_NOW", "2026-11-22T12:00:00Z")],
        Some(&auto),
    )
    .ok();
    net.alice.sync().ok();
    bob.sync().ok();
    assert_eq!(bob.key(&id, "status").as_deref(), Some("solved"));
}

/// Bob's push meets a remote that carol pushed to after bob fetched: bob's pre-push hook
/// makes carol push first, once. The push is refused, bob fetches, merges and pushes again.
#[test]
fn sync_push_race_fetches_merges_and_pushes_again() {
    let net = Net::new();
    let bob = net.clone("bob");
    let carol = net.clone("carol");
    let id = shared_ticket(&net, &[&bob, &carol]);
    carol.run(&["note", &id, "-m", "Carol was first."]).ok();
    bob.run(&["note", &id, "-m", "Bob was second."]).ok();
    let marker = bob.tmp.path().join("raced");
    let hook = bob.path(".git/hooks/pre-push");
    std::fs::create_dir_all(hook.parent().unwrap()).unwrap();
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\n[ -e '{m}' ] && exit 0\ntouch '{m}'\nunset $(git rev-parse --local-env-vars)\ngit -C '{c}' push -q origin main\n",
            m = marker.display(),
            c = carol.root.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let view = bob.sync_json(0);
    assert!(marker.exists(), "the hook ran");
    assert_eq!(view["attempts"], 2, "{view}");
    assert_eq!(view["merge"], "merge");
    assert_eq!(
        view["commit"].as_str().unwrap(),
        net.remote_head(),
        "the remote has bob's merge"
    );
    net.alice.sync().ok();
    carol.sync().ok();
    assert_converged(&net, &[&net.alice, &bob, &carol]);
    let notes = net.alice.events_of_kind(&id, "note").join("\n");
    assert!(notes.contains("Carol was first.") && notes.contains("Bob was second."));
}

#[test]
fn git_pull_with_the_merge_driver_gives_the_same_ticket_as_sync() {
    let net = Net::new();
    let bob = net.clone("bob");
    let carol = net.clone("carol");
    let id = shared_ticket(&net, &[&bob, &carol]);
    // Bob and carol make the same local change; alice pushes a conflicting one.
    for c in [&bob, &carol] {
        c.run(&["set", &id, "priority=high", "+local"]).ok();
    }
    net.alice.run(&["set", &id, "priority=low", "+pushed"]).ok();
    net.alice.sync().ok();
    // Carol merges with git, bob with tiketti, each against alice's push alone.
    let pull = std::process::Command::new("git")
        .args([
            "-c",
            "user.name=Carol",
            "-c",
            "user.email=carol@example.com",
            "pull",
            "--no-edit",
            "-q",
        ])
        .current_dir(&carol.root)
        .env("HOME", &carol.home)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("TIKETTI_ACTOR", "carol")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&pull.stderr);
    assert!(pull.status.success(), "{stderr}");
    assert!(stderr.contains("tiketti: collision in"), "{stderr}");
    bob.sync().fails(3);
    assert_eq!(carol.ticket_text(&id), bob.ticket_text(&id));
    assert!(
        carol.ticket_text(&id).contains("priority: low\n")
            && carol.ticket_text(&id).contains("tags: [pushed, local]\n")
    );
    // The merge driver leaves the collision event beside the ticket, for `git add`.
    let untracked = carol.git(&["status", "--porcelain"]);
    assert!(
        untracked.starts_with(&format!("?? tickets/{}/{id}/events/", &id[..2])),
        "{untracked}"
    );
    let record = &carol.events_of_kind(&id, "collision")[0];
    assert!(
        record.contains("\nours: high\n") && record.contains("\nauthor: carol\n"),
        "{record}"
    );
}

#[test]
fn sync_refuses_uncommitted_changes_and_changes_nothing() {
    let net = Net::new();
    let bob = net.clone("bob");
    let id = shared_ticket(&net, &[&bob]);
    net.alice.run(&["note", &id, "-m", "New."]).ok();
    net.alice.sync().ok();
    let hand = bob.ticket_text(&id).replace("Tray 2.", "Tray 3, by hand.");
    std::fs::write(bob.ticket_file(&id), &hand).unwrap();
    let head = bob.git(&["rev-parse", "HEAD"]);
    let err = bob.sync().fails(1).to_string();
    assert!(
        err.contains(&format!(
            "uncommitted changes in tickets/{}/{id}/ticket.md; nothing was synced",
            &id[..2]
        )),
        "{err}"
    );
    assert_eq!(bob.git(&["rev-parse", "HEAD"]), head);
    assert_eq!(bob.ticket_text(&id), hand);
    assert!(bob.events(&id).is_empty());
}

#[test]
fn sync_never_overwrites_an_untracked_file() {
    let net = Net::new();
    let bob = net.clone("bob");
    net.alice.write("templates/thanks.md", "Thanks!\n");
    net.alice.git(&["add", "templates/thanks.md"]);
    net.alice.git(&["commit", "-qm", "template"]);
    net.alice.sync().ok();
    bob.write("templates/thanks.md", "Bob's own draft.\n");
    let head = bob.git(&["rev-parse", "HEAD"]);
    let err = bob.sync().fails(1).to_string();
    assert!(
        err.contains("would overwrite files that are not committed: templates/thanks.md"),
        "{err}"
    );
    assert_eq!(bob.git(&["rev-parse", "HEAD"]), head);
    assert_eq!(bob.read("templates/thanks.md"), "Bob's own draft.\n");
}

#[test]
fn sync_merges_tiketti_yaml_by_lines_and_keeps_the_pushed_lines_on_a_clash() {
    let net = Net::new();
    let bob = net.clone("bob");
    let config = net.alice.read("tiketti.yaml");
    net.alice.write(
        "tiketti.yaml",
        &config.replace("  name: Example Helpdesk", "  name: Alice's Desk"),
    );
    net.alice.git(&["commit", "-qam", "name"]);
    bob.write(
        "tiketti.yaml",
        &config
            .replace("  name: Example Helpdesk", "  name: Bob's Desk")
            .replace(
                "priorities: [low, normal, high, urgent]",
                "priorities: [low, normal, high, urgent, critical]",
            ),
    );
    bob.git(&["commit", "-qam", "name and priority"]);
    net.alice.sync().ok();
    let err = bob.sync().fails(3).to_string();
    assert!(err.contains("collision in tiketti.yaml: both clones changed the same lines (1 place); the pushed lines were kept; this clone's version: `git show "), "{err}");
    let merged = bob.read("tiketti.yaml");
    assert!(merged.contains("  name: Alice's Desk\n"), "{merged}");
    assert!(
        merged.contains("urgent, critical]"),
        "bob's other change is merged"
    );
    assert!(!merged.contains("<<<<<<<") && !merged.contains(">>>>>>>"));
    bob.run(&["config", "check"]).ok();
}

#[test]
fn sync_delete_against_change_keeps_the_ticket() {
    let net = Net::new();
    let bob = net.clone("bob");
    let id = shared_ticket(&net, &[&bob]);
    net.alice.run(&["note", &id, "-m", "Old note."]).ok();
    net.alice.sync().ok();
    bob.sync().ok();
    net.alice
        .git(&["rm", "-rq", &format!("tickets/{}/{id}", &id[..2])]);
    net.alice.git(&["commit", "-qm", "delete"]);
    bob.run(&["note", &id, "-m", "Still working on it."]).ok();
    net.alice.sync().ok();
    bob.sync().fails(3);
    assert_eq!(bob.key(&id, "collisions").as_deref(), Some("[ticket]"));
    let notes = bob.events_of_kind(&id, "note").join("");
    assert!(notes.contains("Old note.") && notes.contains("Still working on it."));
    let record = &bob.events_of_kind(&id, "collision")[0];
    assert!(
        record.contains("\nours: kept\n") && record.contains("\ntheirs: deleted\n"),
        "{record}"
    );
    // Settling with the pushed side deletes it after all, in one commit.
    assert_eq!(
        bob.run(&["resolve", &id, "--theirs"]).ok(),
        format!("{id} ticket = deleted (theirs)")
    );
    assert!(!bob.ticket_file(&id).exists());
    bob.sync().ok();
    net.alice.sync().ok();
    assert_converged(&net, &[&net.alice, &bob]);
    assert!(net.alice.ticket_ids().is_empty());
}

#[test]
fn sync_with_the_builtin_transports_when_git_is_missing() {
    let net = Net::new();
    let bob = net.clone("bob");
    let id = shared_ticket(&net, &[&bob]);
    let no_git = [("TIKETTI_GIT", "/nonexistent/git")];
    bob.run_env(&["note", &id, "-m", "Through libgit2."], &[], None)
        .ok();
    let run = bob.run_env(&["sync", "--format", "json"], &no_git, None);
    run.ok();
    let view: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(view["sync"]["transport"], "builtin");
    assert_eq!(view["sync"]["pushed"], 1);
    net.alice.run(&["note", &id, "-m", "Racing."]).ok();
    net.alice.run_env(&["sync"], &no_git, None).ok();
    assert_converged(&net, &[&net.alice]);
    bob.run_env(&["sync"], &no_git, None).ok();
    assert_converged(&net, &[&net.alice, &bob]);
    // Clone without git too.
    let repo = TestRepo::empty();
    let root = repo.root.to_str().unwrap().to_string();
    repo.run_with(&["clone", net.url(), &root], &no_git, None)
        .ok();
    assert!(repo.ticket_file(&id).exists());
}

#[test]
fn sync_needs_a_remote_and_reports_an_unreachable_one() {
    let repo = TestRepo::new();
    let err = repo.run(&["sync"]).fails(1).to_string();
    assert!(
        err.contains("this clone has no remote named origin"),
        "{err}"
    );
    assert!(
        err.contains("hint: clone the helpdesk with `tiketti clone URL`"),
        "{err}"
    );
    repo.git(&["remote", "add", "origin", "/nonexistent/remote.git"]);
    let err = repo.run(&["sync"]).fails(1).to_string();
    assert!(
        err.contains("cannot fetch from origin (/nonexistent/remote.git)"),
        "{err}"
    );
}

#[test]
fn sync_with_nothing_to_do_says_so_and_takes_in_the_spool() {
    let net = Net::new();
    let run = net.alice.sync();
    run.ok();
    assert!(
        run.stderr
            .contains("sync: already in step with origin/main"),
        "{}",
        run.stderr
    );
    // Mail that waited in the spool goes in after the push (and out with the next sync).
    let msg = Mail::new(MATTI, "Spooled", "spool-1@example.fi").text();
    net.alice
        .run_env(&["ingest", "--spool-only"], &[], Some(&msg))
        .ok();
    let run = net.alice.sync();
    assert!(
        run.stderr
            .contains("took in 1 waiting message from the spool"),
        "{}",
        run.stderr
    );
    assert_eq!(net.alice.ticket_ids().len(), 1);
    let view = net.alice.sync_json(0);
    assert_eq!(view["pushed"], 1);
}

#[test]
fn check_reports_a_collision_flag_without_a_record() {
    let net = Net::new();
    let id = shared_ticket(&net, &[]);
    let text = net
        .alice
        .ticket_text(&id)
        .replace("created:", "collisions: [priority]\ncreated:");
    std::fs::write(net.alice.ticket_file(&id), text).unwrap();
    let out = net.alice.run(&["check"]);
    out.fails(1);
    assert!(
        out.stdout.contains("ticket.md:7: collision on priority is flagged, but no unsettled collision event records it"),
        "{}",
        out.stdout
    );
}

#[test]
fn sync_a_value_changed_back_on_the_pushed_side_still_collides() {
    let net = Net::new();
    let bob = net.clone("bob");
    let carol = net.clone("carol");
    let id = shared_ticket(&net, &[&bob, &carol]);
    net.alice.run(&["set", &id, "priority=high"]).ok();
    net.alice.sync().ok();
    bob.sync().ok();
    bob.run(&["set", &id, "priority=normal"]).ok();
    bob.sync().ok();
    // Carol never saw either change: the pushed file is back where she started.
    carol.run(&["set", &id, "priority=low"]).ok();
    let view = carol.sync_json(3);
    assert_eq!(view["collisions"][0]["field"], "priority");
    assert_eq!(view["collisions"][0]["kept"], "normal");
    assert_eq!(view["collisions"][0]["ours"], "low");
    assert_eq!(carol.key(&id, "priority").as_deref(), Some("normal"));
}

// ---------------------------------------------------------------------------------------
// Randomized: three clones, random operations, syncs in random order.

mod random {
    use std::collections::{BTreeMap, BTreeSet};

    use rand::rngs::StdRng;
    use rand::seq::SliceRandom;
    use rand::{Rng, SeedableRng};
    use serde_yaml::Value;

    use super::*;

    /// What an operation did, to be found again after the last sync.
    #[derive(Debug, Clone)]
    enum Op {
        New {
            subject: String,
        },
        Note {
            text: String,
        },
        /// A scalar field set to a value on a ticket (its ID as the clone knew it).
        Field {
            ticket: String,
            field: &'static str,
            value: String,
        },
        Tag {
            ticket: String,
            tag: String,
            add: bool,
        },
        /// A message taken in (stored, or recognised as already stored).
        Mail {
            message_id: String,
        },
        /// A message joined the ticket (it may reopen it).
        Touch {
            ticket: String,
        },
    }

    struct Logged {
        clone: usize,
        op: Op,
        /// The commit the operation made (HEAD of its clone right after).
        commit: String,
    }

    /// A ticket file's front matter.
    fn front(text: &str) -> serde_yaml::Mapping {
        let rest = text.strip_prefix("---\n").expect("front matter");
        let end = rest.find("\n---\n").expect("closed front matter");
        serde_yaml::from_str(&rest[..=end]).unwrap_or_default()
    }

    fn text(v: Option<&Value>) -> Option<String> {
        match v? {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(serde_yaml::to_string(other).unwrap().trim().to_string()),
        }
    }

    fn list(v: Option<&Value>) -> Vec<String> {
        match v {
            Some(Value::Sequence(items)) => items.iter().filter_map(|i| text(Some(i))).collect(),
            _ => Vec::new(),
        }
    }

    /// One ticket in the final tree.
    struct Final {
        front: serde_yaml::Mapping,
        events: Vec<(serde_yaml::Mapping, String)>,
    }

    /// Every ticket of a work tree, read directly.
    fn read_tree(root: &Path) -> BTreeMap<String, Final> {
        let mut out = BTreeMap::new();
        for shard in std::fs::read_dir(root.join("tickets"))
            .into_iter()
            .flatten()
            .flatten()
        {
            for dir in std::fs::read_dir(shard.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                let id = dir.file_name().to_string_lossy().into_owned();
                let Ok(t) = std::fs::read_to_string(dir.path().join("ticket.md")) else {
                    continue;
                };
                let mut events = Vec::new();
                for e in std::fs::read_dir(dir.path().join("events"))
                    .into_iter()
                    .flatten()
                    .flatten()
                {
                    let t = std::fs::read_to_string(e.path()).unwrap();
                    let body = t.splitn(3, "---\n").nth(2).unwrap_or("").to_string();
                    events.push((front(&t), body));
                }
                out.insert(
                    id,
                    Final {
                        front: front(&t),
                        events,
                    },
                );
            }
        }
        out
    }

    /// The clone's tickets, as its work tree has them: (ID, flagged collision fields).
    fn tickets(c: &Clone) -> Vec<(String, Vec<String>)> {
        read_tree(&c.root)
            .into_iter()
            .map(|(id, f)| {
                let flagged = list(f.front.get("collisions"));
                (id, flagged)
            })
            .collect()
    }

    const STATUSES: &[&str] = &["new", "open", "pending", "on-hold", "solved", "closed"];
    const PRIORITIES: &[&str] = &["low", "normal", "high", "urgent"];
    const AGENTS: &[&str] = &["anna", "bob", "carol"];
    const TAGS: &[&str] = &["a", "b", "c"];
    const CUSTOMERS: &[&str] = &[
        "Matti <matti@example.fi>",
        "Liisa <liisa@example.fi>",
        "Pekka <pekka@example.fi>",
    ];

    struct World {
        rng: StdRng,
        clock: chrono::DateTime<chrono::Utc>,
        n: usize,
        log: Vec<Logged>,
        /// Messages sent so far: (Message-ID, subject, raw text).
        mail: Vec<(String, String, String)>,
    }

    impl World {
        fn tick(&mut self) -> String {
            self.clock += chrono::Duration::seconds(61);
            self.n += 1;
            self.clock.format("%Y-%m-%dT%H:%M:%SZ").to_string()
        }

        fn log(&mut self, clone: usize, c: &Clone, op: Op) {
            let commit = c.git(&["rev-parse", "HEAD"]).trim().to_string();
            self.log.push(Logged { clone, op, commit });
        }

        /// Take a message in on one clone; what it did.
        fn ingest(&mut self, ci: usize, c: &Clone, raw: &str, now: &str) {
            let run = c.run_env(
                &["ingest", "--format", "json"],
                &[("TIKETTI_NOW", now)],
                Some(raw),
            );
            let doc: serde_json::Value = serde_json::from_str(run.ok()).expect("ingest json");
            let m = &doc["messages"][0];
            if m["outcome"] == "threaded" {
                let t = m["ticket"].as_str().unwrap().to_string();
                self.log(ci, c, Op::Touch { ticket: t });
            }
        }

        fn op(&mut self, ci: usize, c: &Clone) {
            let now = self.tick();
            let n = self.n;
            let env = [("TIKETTI_NOW", now.as_str())];
            let known = tickets(c);
            let pick = self.rng.gen_range(0..100);
            if known.is_empty() || pick < 10 {
                let subject = format!("T{n}");
                // Now and then one of three seeds, so clones mint the same ID.
                let seed = if self.rng.gen_bool(0.3) {
                    self.rng.gen_range(1..=3).to_string()
                } else {
                    next_seed()
                };
                let run = c.run_env(
                    &["new", "--subject", &subject, "-m", &format!("Body {n}.")],
                    &[("TIKETTI_NOW", &now), ("TIKETTI_SEED", &seed)],
                    None,
                );
                run.ok();
                self.log(ci, c, Op::New { subject });
                return;
            }
            // Most work lands on a few busy tickets, so clones do collide.
            let hot = &known[..known.len().min(4)];
            let (id, flagged) = if self.rng.gen_bool(0.7) {
                hot.choose(&mut self.rng)
            } else {
                known.choose(&mut self.rng)
            }
            .unwrap()
            .clone();
            match pick {
                10..=29 => {
                    let text = format!("N{n}");
                    c.run_env(&["note", &id, "-m", &text], &env, None).ok();
                    self.log(ci, c, Op::Note { text });
                }
                30..=41 => {
                    let v = *PRIORITIES.choose(&mut self.rng).unwrap();
                    let run = c.run_env(&["set", &id, &format!("priority={v}")], &env, None);
                    if !run.ok().is_empty() {
                        self.log(
                            ci,
                            c,
                            Op::Field {
                                ticket: id,
                                field: "priority",
                                value: v.into(),
                            },
                        );
                    }
                }
                42..=53 => {
                    let tag = TAGS.choose(&mut self.rng).unwrap().to_string();
                    let add = self.rng.gen_bool(0.6);
                    let change = format!("{}{tag}", if add { '+' } else { '-' });
                    let run = c.run_env(&["set", &id, &change], &env, None);
                    if !run.ok().is_empty() {
                        self.log(
                            ci,
                            c,
                            Op::Tag {
                                ticket: id,
                                tag,
                                add,
                            },
                        );
                    }
                }
                54..=65 => {
                    let s = *STATUSES.choose(&mut self.rng).unwrap();
                    let run = c.run_env(&["status", &id, s], &env, None);
                    // A move the workflow does not allow is refused; that is fine.
                    if run.code == 0 && !run.stdout.is_empty() {
                        self.log(
                            ci,
                            c,
                            Op::Field {
                                ticket: id,
                                field: "status",
                                value: s.into(),
                            },
                        );
                    } else {
                        assert!(
                            run.code == 0 || run.stderr.contains("cannot move"),
                            "{}",
                            run.transcript()
                        );
                    }
                }
                66..=73 => {
                    let a = *AGENTS.choose(&mut self.rng).unwrap();
                    let run = c.run_env(&["assign", &id, a], &env, None);
                    if !run.ok().is_empty() {
                        self.log(
                            ci,
                            c,
                            Op::Field {
                                ticket: id,
                                field: "assignee",
                                value: a.into(),
                            },
                        );
                    }
                }
                74..=79 => {
                    let mid = format!("m{n}@example.fi");
                    let subject = format!("Mail {n}");
                    let from = *CUSTOMERS.choose(&mut self.rng).unwrap();
                    let raw = Mail::new(from, &subject, &mid).text();
                    self.mail.push((mid.clone(), subject, raw.clone()));
                    self.ingest(ci, c, &raw, &now);
                    self.log(ci, c, Op::Mail { message_id: mid });
                }
                80..=85 if !self.mail.is_empty() => {
                    // The same message delivered to this clone too.
                    let (mid, _, raw) = self.mail.choose(&mut self.rng).unwrap().clone();
                    self.ingest(ci, c, &raw, &now);
                    self.log(ci, c, Op::Mail { message_id: mid });
                }
                86..=93 if !self.mail.is_empty() => {
                    let (parent, subject, _) = self.mail.choose(&mut self.rng).unwrap().clone();
                    let mid = format!("m{n}@example.fi");
                    let from = *CUSTOMERS.choose(&mut self.rng).unwrap();
                    let raw = Mail::new(from, &format!("Re: {subject}"), &mid)
                        .in_reply_to(&parent)
                        .body(&format!("Reply {n}.\n"))
                        .text();
                    self.mail
                        .push((mid.clone(), format!("Re: {subject}"), raw.clone()));
                    self.ingest(ci, c, &raw, &now);
                    self.log(ci, c, Op::Mail { message_id: mid });
                }
                _ if !flagged.is_empty() => {
                    let field = flagged.choose(&mut self.rng).unwrap().clone();
                    let choice = if self.rng.gen_bool(0.5) {
                        "--ours"
                    } else {
                        "--theirs"
                    };
                    let run = c.run_env(&["resolve", &id, &field, choice], &env, None);
                    let out = run.ok().to_string();
                    let value = out
                        .split(" = ")
                        .nth(1)
                        .and_then(|v| v.rsplit_once(" ("))
                        .map(|v| v.0.to_string());
                    let field: Option<&'static str> = ["priority", "status", "assignee"]
                        .into_iter()
                        .find(|f| *f == field);
                    if let (Some(field), Some(value)) = (field, value)
                        && value != "(not set)"
                    {
                        self.log(
                            ci,
                            c,
                            Op::Field {
                                ticket: id,
                                field,
                                value,
                            },
                        );
                    }
                }
                _ => {
                    let text = format!("N{n}");
                    c.run_env(&["note", &id, "-m", &text], &env, None).ok();
                    self.log(ci, c, Op::Note { text });
                }
            }
        }

        /// Sync one clone; re-minted tickets rename what that clone did to them.
        fn sync(&mut self, ci: usize, c: &Clone, seed: u64) {
            let now = self.tick();
            let run = c.run_env(
                &["sync", "--format", "json"],
                &[("TIKETTI_NOW", &now)],
                None,
            );
            assert!(
                run.code == 0 || run.code == 3,
                "sync of clone {ci} failed (TIKETTI_SYNC_SEED={seed})\n{}",
                run.transcript()
            );
            let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
            for r in doc["sync"]["reminted"].as_array().unwrap() {
                let (old, new) = (r["old"].as_str().unwrap(), r["new"].as_str().unwrap());
                for l in self.log.iter_mut().filter(|l| l.clone == ci) {
                    match &mut l.op {
                        Op::Field { ticket, .. }
                        | Op::Tag { ticket, .. }
                        | Op::Touch { ticket }
                            if ticket == old =>
                        {
                            *ticket = new.to_string()
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    /// Was the value recorded in a collision event of the ticket?
    fn recorded(t: &Final, field: &str, value: &str) -> bool {
        t.events.iter().any(|(f, _)| {
            text(f.get("kind")).as_deref() == Some("collision")
                && text(f.get("field")).as_deref() == Some(field)
                && ["ours", "theirs", "kept"]
                    .iter()
                    .any(|k| text(f.get(*k)).as_deref() == Some(value))
        })
    }

    #[test]
    fn sync_random_operations_on_three_clones_converge() {
        let seed: u64 = std::env::var("TIKETTI_SYNC_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(20261122);
        let per_clone: usize = std::env::var("TIKETTI_SYNC_OPS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(200);
        eprintln!("randomized sync: TIKETTI_SYNC_SEED={seed} TIKETTI_SYNC_OPS={per_clone}");
        let net = Net::new();
        let bob = net.clone("bob");
        let carol = net.clone("carol");
        let clones = [&net.alice, &bob, &carol];
        let mut w = World {
            rng: StdRng::seed_from_u64(seed),
            clock: chrono::DateTime::parse_from_rfc3339(NOW).unwrap().into(),
            n: 0,
            log: Vec::new(),
            mail: Vec::new(),
        };
        let mut left = [per_clone; 3];
        while left.iter().any(|l| *l > 0) {
            let ci = *[0, 1, 2]
                .iter()
                .filter(|i| left[**i] > 0)
                .collect::<Vec<_>>()
                .choose(&mut w.rng)
                .unwrap();
            if w.rng.gen_bool(0.12) {
                w.sync(*ci, clones[*ci], seed);
            } else {
                w.op(*ci, clones[*ci]);
                left[*ci] -= 1;
            }
        }
        for ci in [0, 1, 2, 0, 1] {
            w.sync(ci, clones[ci], seed);
        }
        let fail = |what: String| -> ! { panic!("{what}\n(rerun with TIKETTI_SYNC_SEED={seed})") };
        // Converged: the same tree everywhere, and the remote's.
        let remote_tree = git_in(&net.remote, net.tmp.path(), &["rev-parse", "main^{tree}"]);
        for c in clones {
            if c.head_tree() != remote_tree.trim() {
                fail(format!("{} did not converge", c.actor));
            }
            c.assert_clean();
        }
        let check = net.alice.run(&["check"]);
        if check.code != 0 {
            fail(format!("check found problems:\n{}", check.transcript()));
        }

        // Every operation's effect is there, or recorded as a collision, or an operation
        // made after it *in a clone that had it* (its commit descends from this one's)
        // changed the same thing.
        let tree = read_tree(&net.alice.root);
        let history = git2::Repository::open(&net.alice.root).unwrap();
        let after = |later: &str, earlier: &str| {
            later != earlier
                && history
                    .graph_descendant_of(
                        git2::Oid::from_str(later).unwrap(),
                        git2::Oid::from_str(earlier).unwrap(),
                    )
                    .unwrap()
        };
        let all_events = || tree.values().flat_map(|t| t.events.iter());
        for (i, l) in w.log.iter().enumerate() {
            match &l.op {
                Op::New { subject } => {
                    let n = tree
                        .values()
                        .filter(|t| text(t.front.get("subject")).as_deref() == Some(subject))
                        .count();
                    if n != 1 {
                        fail(format!("ticket {subject} is there {n} times"));
                    }
                }
                Op::Note { text: note } => {
                    let n = all_events()
                        .filter(|(f, body)| {
                            text(f.get("kind")).as_deref() == Some("note") && body.trim() == note
                        })
                        .count();
                    if n != 1 {
                        fail(format!("note {note} is there {n} times"));
                    }
                }
                Op::Mail { message_id } => {
                    let holders: Vec<&String> = tree
                        .iter()
                        .filter(|(_, t)| {
                            t.events.iter().any(|(f, _)| {
                                text(f.get("message_id")).as_deref()
                                    == Some(&format!("<{message_id}>"))
                                    || text(f.get("message_id")).as_deref()
                                        == Some(message_id.as_str())
                            })
                        })
                        .map(|(id, _)| id)
                        .collect();
                    if holders.is_empty() {
                        fail(format!("message {message_id} was lost"));
                    }
                    for id in holders {
                        let copies = tree[id]
                            .events
                            .iter()
                            .filter(|(f, _)| {
                                text(f.get("message_id"))
                                    .is_some_and(|m| m.trim_matches(['<', '>']) == message_id)
                            })
                            .count();
                        if copies != 1 {
                            fail(format!(
                                "message {message_id} is on ticket {id} {copies} times"
                            ));
                        }
                    }
                }
                Op::Field {
                    ticket,
                    field,
                    value,
                } => {
                    let Some(t) = tree.get(ticket) else {
                        fail(format!("ticket {ticket} is gone ({field}={value})"));
                    };
                    let now = text(t.front.get(*field));
                    let superseded = w.log.iter().any(|x| {
                        let same = match &x.op {
                            Op::Field {
                                ticket: t2,
                                field: f2,
                                ..
                            } => t2 == ticket && f2 == field,
                            Op::Touch { ticket: t2 } => t2 == ticket && *field == "status",
                            _ => false,
                        };
                        same && after(&x.commit, &l.commit)
                    });
                    if now.as_deref() != Some(value.as_str())
                        && !recorded(t, field, value)
                        && !superseded
                    {
                        fail(format!(
                            "{field}={value} on {ticket} (clone {}) was lost: it is {now:?}, and no collision records it",
                            l.clone
                        ));
                    }
                }
                Op::Tag { ticket, tag, add } => {
                    let Some(t) = tree.get(ticket) else {
                        fail(format!("ticket {ticket} is gone (tag {tag})"));
                    };
                    let has = list(t.front.get("tags")).contains(tag);
                    // Tags are a set: an add and a remove of one tag made at once on two
                    // clones (neither had the other) may go either way.
                    let countered = w.log.iter().enumerate().any(|(j, x)| {
                        let Op::Tag {
                            ticket: t2,
                            tag: g2,
                            add: a2,
                        } = &x.op
                        else {
                            return false;
                        };
                        let concurrent =
                            !after(&x.commit, &l.commit) && !after(&l.commit, &x.commit);
                        j != i
                            && t2 == ticket
                            && g2 == tag
                            && (after(&x.commit, &l.commit) || (concurrent && a2 != add))
                    });
                    if has != *add && !countered {
                        fail(format!(
                            "{}{tag} on {ticket} was lost",
                            if *add { '+' } else { '-' }
                        ));
                    }
                }
                Op::Touch { ticket } => {
                    if !tree.contains_key(ticket) {
                        fail(format!("ticket {ticket} that mail joined is gone"));
                    }
                }
            }
        }
        let kinds: BTreeSet<String> = all_events()
            .filter_map(|(f, _)| text(f.get("kind")))
            .collect();
        eprintln!(
            "randomized sync: {} operations, {} tickets, event kinds {kinds:?}",
            w.log.len(),
            tree.len()
        );
    }
}

#[test]
fn merge_file_merges_in_place_and_leaves_a_clash_to_git() {
    let repo = TestRepo::new();
    let id = repo.new_ticket("Printer", &[]);
    let rel = format!("tickets/{}/{id}/ticket.md", &id[..2]);
    let base = repo.read(&rel);
    let dir = repo.tmp.path();
    let put = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    };
    let o = put("O", &base);
    let a = put("A", &base.replace("priority: normal", "priority: high"));
    let b = put("B", &base.replace("status: new", "status: open"));
    repo.run(&["merge-file", &o, &a, &b, &rel]).ok();
    let merged = std::fs::read_to_string(dir.join("A")).unwrap();
    assert_eq!(
        merged,
        base.replace("priority: normal", "priority: high")
            .replace("status: new", "status: open")
    );
    // A collision merges cleanly, keeps B's value and leaves the event beside the ticket.
    let a = put("A", &base.replace("status: new", "status: pending"));
    repo.run(&["merge-file", &o, &a, &b, &rel]).ok();
    let merged = std::fs::read_to_string(dir.join("A")).unwrap();
    assert!(merged.contains("status: open\n") && merged.contains("collisions: [status]\n"));
    let events = std::fs::read_dir(repo.path(&format!("tickets/{}/{id}/events", &id[..2])))
        .unwrap()
        .count();
    assert_eq!(events, 1);
    // Both sides created the file differently: git must leave it in conflict.
    let empty = put("E", "");
    let a = put("A", &base.replace("Printer", "Another ticket"));
    let err = repo
        .run(&["merge-file", &empty, &a, &b, &rel])
        .fails(1)
        .to_string();
    assert!(err.contains("both sides created this ticket"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.join("A")).unwrap(),
        base.replace("Printer", "Another ticket")
    );
}

#[test]
fn sync_sends_the_outbox_after_the_push_and_mail_of_a_reminted_ticket_follows_it() {
    let net = Net::new();
    let bob = net.clone("bob");
    let sent = crate::mail_support::capture(&bob.repo);
    let same = [("TIKETTI_SEED", "4343")];
    let old = net
        .alice
        .run_env(
            &[
                "new",
                "--subject",
                "Alice's",
                "-r",
                "Aino <aino@example.fi>",
                "-m",
                "A.",
            ],
            &same,
            None,
        )
        .ok()
        .to_string();
    net.alice.sync().ok();
    let mine = bob
        .run_env(
            &[
                "new",
                "--subject",
                "Bob's",
                "-r",
                "Bertta <bertta@example.fi>",
                "-m",
                "B.",
            ],
            &same,
            None,
        )
        .ok()
        .to_string();
    assert_eq!(mine, old, "the same seed mints the same ID");
    bob.run(&["reply", &old, "-m", "Hei Bertta."]).ok();
    // Bob's remote has never seen his ticket: the reply waits for the push.
    assert_eq!(sent.count(), 0);
    let waiting = crate::mail_support::outbox(&bob.repo, &[]);
    assert_eq!(waiting[0]["state"], "waiting for push (tiketti sync)");

    let view = bob.sync_json(3);
    let new = view["reminted"][0]["new"].as_str().unwrap().to_string();
    assert_eq!(view["reminted"][0]["old"], old.as_str());
    assert_eq!(view["outbox"], "outbox: 1 sent", "{view:#}");
    // Sent once, after the push, under the ticket's new ID, to Bob's customer.
    let delivered = sent.delivered();
    assert_eq!(delivered.len(), 1);
    let mail = delivered[0].parsed();
    let subject = mail.header("Subject").unwrap();
    assert!(subject.contains(&format!("#{new}]")), "{subject}");
    assert!(!subject.contains(&old), "{subject}");
    assert!(mail.id("Message-ID").contains(&new));
    assert_eq!(mail.mailboxes("To")[0].1, "bertta@example.fi");
    assert!(crate::mail_support::outbox(&bob.repo, &[]).is_empty());
    bob.sync().ok();
    assert_eq!(sent.count(), 1, "a second sync sends nothing");
}
