//! Every message of the shared real-world corpus (290 .eml files written by many mail
//! programs, and 3 mbox files) ingests into a fresh helpdesk: each ends as a ticket, an
//! event on a ticket, a recognised duplicate or a quarantine entry with a reason. None
//! lost, no crash, no hang; threads as the corpus manifest expects.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use sha2::{Digest, Sha256};

use crate::common::*;

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("TIKETTI_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/public")
        });
    if dir.join("manifest.tsv").is_file() {
        return Some(dir);
    }
    // CI always has the corpus beside the clone; only a developer's machine may lack it.
    assert!(
        std::env::var_os("CI").is_none(),
        "the mail corpus is missing at {}",
        dir.display()
    );
    eprintln!(
        "skipping: no mail corpus at {} (set TIKETTI_CORPUS)",
        dir.display()
    );
    None
}

fn sha(bytes: &[u8]) -> Vec<u8> {
    Sha256::digest(bytes).to_vec()
}

fn ingest_json(repo: &TestRepo, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["ingest", "--format", "json"];
    all.extend_from_slice(args);
    let out = repo.run(&all);
    assert_eq!(out.code, 0, "ingest failed:\n{}", out.stderr);
    serde_json::from_str(&out.stdout).expect("ingest --format json")
}

fn count(v: &serde_json::Value, key: &str) -> usize {
    v["summary"][key].as_u64().unwrap() as usize
}

#[test]
fn the_whole_corpus_ingests_and_threads() {
    let Some(dir) = corpus() else { return };
    let repo = TestRepo::new();
    let mut emls: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    emls.sort();
    assert_eq!(emls.len(), 290, "the corpus has 290 messages");
    let args: Vec<String> = emls.iter().map(|p| p.display().to_string()).collect();
    let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = ingest_json(&repo, &arg_refs);

    // Every message is accounted for, none failed.
    let (created, threaded, dups, quarantined) = (
        count(&result, "created"),
        count(&result, "threaded"),
        count(&result, "duplicates"),
        count(&result, "quarantined"),
    );
    eprintln!(
        "corpus: {created} created, {threaded} threaded, {dups} duplicates, {quarantined} quarantined"
    );
    assert_eq!(count(&result, "failed"), 0);
    assert_eq!(created + threaded + dups + quarantined, 290);
    let messages = result["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 290);
    for m in messages {
        if m["outcome"] == "quarantined" || m["outcome"] == "duplicate" {
            assert!(
                m["reason"].as_str().is_some_and(|r| !r.is_empty()),
                "no reason: {m}"
            );
        }
    }
    // Exactly the headerless message is quarantined; everything else is a mail.
    let quarantined_files: Vec<&str> = messages
        .iter()
        .filter(|m| m["outcome"] == "quarantined")
        .map(|m| m["source"].as_str().unwrap())
        .collect();
    assert_eq!(quarantined_files.len(), quarantined);
    assert!(
        quarantined_files
            .iter()
            .all(|s| s.ends_with("cpython-msg_19.eml")),
        "{quarantined_files:?}"
    );

    // The manifest's thread groups: every group on exactly one ticket, no two groups merged.
    let ticket_of: HashMap<String, String> = messages
        .iter()
        .map(|m| {
            let file = m["source"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string();
            (file, m["ticket"].as_str().unwrap_or("").to_string())
        })
        .collect();
    let manifest = std::fs::read_to_string(dir.join("manifest.tsv")).unwrap();
    let mut groups: HashMap<String, HashSet<String>> = HashMap::new();
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() > 4 && cols[0].ends_with(".eml") && !cols[4].is_empty() {
            groups
                .entry(cols[4].to_string())
                .or_default()
                .insert(ticket_of[cols[0]].clone());
        }
    }
    assert!(groups.len() >= 10, "the manifest names thread groups");
    for (group, tickets) in &groups {
        assert_eq!(
            tickets.len(),
            1,
            "thread group {group} is split over {tickets:?}"
        );
    }
    let mut seen = HashSet::new();
    for tickets in groups.values() {
        assert!(
            seen.insert(tickets.iter().next().unwrap().clone()),
            "two thread groups share a ticket"
        );
    }

    // The original bytes of every stored message are kept exactly.
    let mut raw_hashes = HashSet::new();
    for entry in walk(&repo.root.join("tickets")) {
        if entry.components().any(|c| c.as_os_str() == "raw") {
            raw_hashes.insert(sha(&std::fs::read(&entry).unwrap()));
        }
    }
    for (m, path) in messages.iter().zip(&emls) {
        if m["outcome"] == "created" || m["outcome"] == "threaded" {
            assert!(
                raw_hashes.contains(&sha(&std::fs::read(path).unwrap())),
                "raw bytes of {} not kept",
                path.display()
            );
        }
    }
    repo.run(&["check"]).ok();
    repo.assert_clean();

    // A second delivery of everything adds nothing.
    let commits = repo.commit_count();
    let again = ingest_json(&repo, &arg_refs);
    assert_eq!(
        count(&again, "created") + count(&again, "threaded") + count(&again, "quarantined"),
        0
    );
    assert_eq!(count(&again, "duplicates"), 290);
    assert_eq!(repo.commit_count(), commits);

    // The mbox files: 2 + 47 + 37 messages, every one accounted for.
    let mboxes: Vec<String> = [
        "cpython-mailbox_01.mbox",
        "fedora-devel-2010-01-selected-threads.mbox",
        "sisimai-mbox-0.mbox",
    ]
    .iter()
    .map(|f| dir.join("mbox").join(f).display().to_string())
    .collect();
    let mut args = vec!["--mbox"];
    args.extend(mboxes.iter().map(String::as_str));
    let mbox = ingest_json(&repo, &args);
    let total: usize = ["created", "threaded", "duplicates", "quarantined"]
        .iter()
        .map(|k| count(&mbox, k))
        .sum();
    assert_eq!(count(&mbox, "failed"), 0);
    assert_eq!(total, 2 + 47 + 37);
    // The fedora thread archive holds the same messages as the fedora-*.eml files.
    let fedora_dups = mbox["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["source"].as_str().unwrap().contains("fedora") && m["outcome"] == "duplicate")
        .count();
    assert_eq!(fedora_dups, 47);
    repo.run(&["check"]).ok();
    repo.assert_clean();
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}
