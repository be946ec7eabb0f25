//! `tiketti quarantine list|show|retry|drop`: messages ingest could not read.

use crate::common::*;
use crate::ingest::{
    Mail, assert_nothing_written, event_for, fm, last_commit_files, outside, ticket_ids,
};

const JUNK: &[u8] = b"just text\nno header here\n";

/// Quarantine `bytes` through a batch ingest; returns (entry ID, source path).
fn quarantine(repo: &TestRepo, name: &str, bytes: &[u8]) -> (String, String) {
    let before: Vec<String> = entry_ids(repo);
    let path = outside(repo, name, bytes);
    let run = repo.run(&["ingest", &path]);
    run.ok();
    assert!(run.stderr.contains("quarantined"), "{}", run.stderr);
    let qid = entry_ids(repo)
        .into_iter()
        .find(|q| !before.contains(q))
        .expect("a new quarantine entry");
    (qid, path)
}

fn entry_ids(repo: &TestRepo) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(repo.path("quarantine")) else {
        return Vec::new();
    };
    let mut ids: Vec<String> = rd
        .filter_map(|e| {
            let n = e.unwrap().file_name().to_string_lossy().into_owned();
            n.strip_suffix(".md").map(str::to_string)
        })
        .collect();
    ids.sort();
    ids
}

#[test]
fn list_shows_entries_as_a_table_and_as_json() {
    let repo = TestRepo::quiet();
    let run = repo.run(&["quarantine", "list"]);
    assert_eq!(run.ok(), "");
    assert!(
        run.stderr.contains("the quarantine is empty"),
        "{}",
        run.stderr
    );
    let run = repo.run(&["quarantine", "list", "--format", "json"]);
    let out: serde_json::Value = serde_json::from_str(run.ok()).unwrap();
    assert_eq!(out["schema_version"], 1);
    assert_eq!(out["quarantine"], serde_json::json!([]));

    let (qid, source) = quarantine(&repo, "junk.eml", JUNK);
    let before = repo.commit_count();
    let table = repo.run(&["quarantine", "list"]).ok().to_string();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 2, "{table}");
    let header = lines[0].to_ascii_lowercase();
    for col in ["id", "at", "bytes", "reason"] {
        assert!(header.contains(col), "{table}");
    }
    assert!(lines[1].starts_with(&qid), "{table}");
    assert!(lines[1].contains(NOW), "{table}");
    assert!(lines[1].contains(&JUNK.len().to_string()), "{table}");
    assert!(lines[1].contains("not an RFC 5322 message"), "{table}");

    let run = repo.run(&["quarantine", "list", "--format", "json"]);
    let out: serde_json::Value = serde_json::from_str(run.ok()).unwrap();
    assert_eq!(out["schema_version"], 1);
    let entries = out["quarantine"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    let e = &entries[0];
    assert_eq!(e["id"], qid.as_str());
    assert_eq!(e["at"], NOW);
    assert_eq!(e["source"], source.as_str());
    assert_eq!(e["size"], JUNK.len());
    assert!(
        e["reason"]
            .as_str()
            .unwrap()
            .contains("not an RFC 5322 message")
    );
    assert_nothing_written(&repo, before);
}

#[test]
fn show_prints_the_reason_source_and_message() {
    let repo = TestRepo::quiet();
    let (qid, source) = quarantine(&repo, "junk.eml", JUNK);
    // A lower-case prefix of 4 characters is enough.
    let prefix = qid[..4].to_ascii_lowercase();
    let run = repo.run(&["quarantine", "show", &prefix]);
    let out = run.ok();
    assert!(
        out.starts_with(&format!("{qid}  {} bytes", JUNK.len())),
        "{out}"
    );
    assert!(out.contains("reason  not an RFC 5322 message"), "{out}");
    assert!(out.contains(&format!("source  {source}")), "{out}");
    assert!(out.contains(&format!("quarantine/{qid}.eml")), "{out}");
    assert!(out.contains("  | just text\n  | no header here"), "{out}");
}

#[test]
fn retry_of_a_still_unreadable_entry_changes_nothing() {
    let repo = TestRepo::quiet();
    let (qid, _) = quarantine(&repo, "junk.eml", JUNK);
    let before = repo.commit_count();
    let run = repo.run(&["quarantine", "retry", &qid]);
    let out = run.ok();
    assert!(
        out.contains(&format!("{qid} still cannot be read")),
        "{out}"
    );
    assert_nothing_written(&repo, before);
    assert_eq!(entry_ids(&repo), vec![qid.clone()]);
    // --all too.
    let run = repo.run(&["quarantine", "retry", "--all"]);
    assert!(run.ok().contains("still cannot be read"), "{}", run.stdout);
    assert_nothing_written(&repo, before);
    assert_eq!(entry_ids(&repo), vec![qid]);
    assert!(ticket_ids(&repo).is_empty());
}

#[test]
fn retry_after_a_hand_fix_makes_a_ticket_and_empties_the_entry_in_one_commit() {
    let repo = TestRepo::quiet();
    let (qid, _) = quarantine(&repo, "junk.eml", JUNK);
    // Someone repairs the message by hand and commits it.
    let fixed = Mail::new(
        "Matti <matti@customer.fi>",
        "Recovered message",
        "recovered@customer.fi",
    )
    .body("just text\nno header here\n")
    .text();
    repo.write(format!("quarantine/{qid}.eml"), &fixed);
    repo.git(&["commit", "-qam", "repair the quarantined message"]);
    let before = repo.commit_count();

    let run = repo.run(&["quarantine", "retry", &qid]);
    let out = run.ok().to_string();
    let id = out
        .strip_prefix(&format!("{qid} -> ticket "))
        .unwrap_or_else(|| panic!("{out}"))
        .to_string();
    assert_eq!(repo.commit_count(), before + 1, "one commit");
    assert_eq!(
        repo.last_commit_message(),
        format!("ingest: {id} Recovered message")
    );
    let files = last_commit_files(&repo);
    assert!(
        files.contains(&format!("D quarantine/{qid}.eml")),
        "{files:?}"
    );
    assert!(
        files.contains(&format!("D quarantine/{qid}.md")),
        "{files:?}"
    );
    assert!(
        files.contains(&format!("A tickets/{}/{id}/ticket.md", &id[..2])),
        "{files:?}"
    );
    assert_eq!(files.len(), 5, "{files:?}");
    assert!(entry_ids(&repo).is_empty());
    assert!(!repo.path(&format!("quarantine/{qid}.eml")).exists());
    assert_eq!(ticket_ids(&repo), vec![id.clone()]);
    let ev = event_for(&repo, &id, "recovered@customer.fi");
    assert_eq!(fm(&ev, "kind").as_deref(), Some("inbound"));
    let eid = fm(&ev, "id").unwrap();
    assert_eq!(
        repo.read(format!("tickets/{}/{id}/raw/{eid}.eml", &id[..2])),
        fixed
    );
    repo.run(&["check"]).ok();
    repo.assert_clean();
}

#[test]
fn retry_of_an_edited_still_unreadable_entry_makes_no_second_entry() {
    let repo = TestRepo::quiet();
    let (qid, _) = quarantine(&repo, "junk.eml", JUNK);
    // A hand edit that does not help.
    repo.write(format!("quarantine/{qid}.eml"), "still no header\n");
    repo.git(&["commit", "-qam", "try to repair"]);
    let before = repo.commit_count();
    let run = repo.run(&["quarantine", "retry", &qid]);
    assert!(run.ok().contains("still cannot be read"), "{}", run.stdout);
    assert_eq!(entry_ids(&repo), vec![qid], "one entry, not a copy of it");
    assert_nothing_written(&repo, before);
}

#[test]
fn retry_of_a_message_already_stored_drops_the_entry() {
    let repo = TestRepo::quiet();
    let (qid, _) = quarantine(&repo, "junk.eml", JUNK);
    let msg = Mail::new("Matti <matti@customer.fi>", "Stored", "stored@customer.fi").text();
    let run = repo.run_with(&["ingest"], &[], Some(&msg));
    run.ok();
    repo.write(format!("quarantine/{qid}.eml"), &msg);
    repo.git(&["commit", "-qam", "repair"]);
    let before = repo.commit_count();
    let run = repo.run(&["quarantine", "retry", &qid]);
    assert!(run.ok().contains("already on ticket"), "{}", run.stdout);
    assert_eq!(repo.commit_count(), before + 1);
    assert!(entry_ids(&repo).is_empty());
    assert_eq!(ticket_ids(&repo).len(), 1);
    repo.assert_clean();
}

#[test]
fn drop_removes_the_entry_in_one_commit() {
    let repo = TestRepo::quiet();
    let (q1, _) = quarantine(&repo, "junk1.eml", JUNK);
    let (q2, _) = quarantine(&repo, "junk2.eml", b"other junk\n");
    let before = repo.commit_count();
    let run = repo.run(&["quarantine", "drop", &q1]);
    assert_eq!(run.ok(), format!("dropped {q1}"));
    assert_eq!(repo.commit_count(), before + 1);
    assert_eq!(repo.last_commit_message(), format!("quarantine: drop {q1}"));
    let mut files = last_commit_files(&repo);
    files.sort();
    assert_eq!(
        files,
        vec![
            format!("D quarantine/{q1}.eml"),
            format!("D quarantine/{q1}.md")
        ]
    );
    assert_eq!(entry_ids(&repo), vec![q2]);
    // The history still has it.
    let old = repo.git(&["show", &format!("HEAD~1:quarantine/{q1}.eml")]);
    assert_eq!(old.as_bytes(), JUNK);
    repo.assert_clean();
}

#[test]
fn unknown_and_short_ids_are_refused() {
    let repo = TestRepo::quiet();
    let (qid, _) = quarantine(&repo, "junk.eml", JUNK);
    let before = repo.commit_count();
    // An ID that cannot be an entry's (entry IDs are Crockford base32, no U).
    for sub in ["show", "retry", "drop"] {
        let run = repo.run(&["quarantine", sub, "UUUUUUUU"]);
        let err = run.fails(1);
        assert!(
            err.contains("no quarantine entry matches UUUUUUUU"),
            "{sub}: {err}"
        );
        let run = repo.run(&["quarantine", sub, &qid[..3]]);
        let err = run.fails(1);
        assert!(err.contains("at least 4 characters"), "{sub}: {err}");
    }
    // One unknown ID among good ones: nothing is dropped.
    let run = repo.run(&["quarantine", "drop", &qid, "UUUUUUUU"]);
    run.fails(1);
    assert_nothing_written(&repo, before);
    assert_eq!(entry_ids(&repo), vec![qid]);
    // Retry needs IDs or --all.
    repo.run(&["quarantine", "retry"]).fails(2);
    assert_nothing_written(&repo, before);
}
