use crate::common::*;

#[test]
fn init_makes_a_repository_with_one_commit() {
    let repo = TestRepo::empty();
    let out = repo.run(&["init", "--name", "Acme Tuki"]);
    assert_eq!(out.ok(), "");
    assert!(
        out.stderr.contains("Created helpdesk \"Acme Tuki\""),
        "{}",
        out.stderr
    );
    assert!(repo.read("tiketti.yaml").contains("  name: Acme Tuki\n"));
    assert!(
        repo.read(".gitattributes")
            .contains("ticket.md merge=tiketti")
    );
    assert_eq!(repo.commit_count(), 1);
    assert_eq!(repo.last_commit_message(), "init: Acme Tuki");
    assert_eq!(repo.git(&["log", "-1", "--format=%an"]).trim(), "anna");
    assert_eq!(
        repo.git(&["symbolic-ref", "--short", "HEAD"]).trim(),
        "main"
    );
    repo.assert_clean();
    repo.run(&["config", "check"]).ok();
    repo.run(&["check"]).ok();

    // A helpdesk's index is large: written without a checksum (git's feature.manyFiles).
    assert_eq!(repo.git(&["config", "index.skipHash"]).trim(), "true");
    repo.run(&["new", "--subject", "Hello"]).ok();
    let index = std::fs::read(repo.path(".git/index")).unwrap();
    assert!(index.ends_with(&[0; 20]), "no checksum");
    // Each path stored as the change from the one before (index version 4).
    assert_eq!(repo.git(&["config", "index.version"]).trim(), "4");
    assert_eq!(&index[..8], b"DIRC\0\0\0\x04");
    repo.assert_clean();
    repo.git(&["fsck", "--no-dangling"]);
}

#[test]
fn init_into_a_named_directory_and_an_existing_git_repository() {
    let repo = TestRepo::empty();
    repo.run(&["init", "sub/desk"]).ok();
    assert!(repo.path("sub/desk/tiketti.yaml").is_file());

    // An existing repository keeps its history and files.
    repo.git(&["init", "-q", "-b", "trunk"]);
    repo.write("README", "hello\n");
    repo.write(".gitattributes", "*.png binary");
    repo.git(&["add", "README", ".gitattributes"]);
    repo.git(&["commit", "-q", "-m", "first"]);
    // A choice already made about the index's checksum stays.
    repo.git(&["config", "index.skipHash", "false"]);
    repo.git(&["config", "index.version", "2"]);
    repo.run(&["init"]).ok();
    assert_eq!(repo.git(&["config", "index.skipHash"]).trim(), "false");
    assert_eq!(repo.git(&["config", "index.version"]).trim(), "2");
    let index = std::fs::read(repo.path(".git/index")).unwrap();
    assert_eq!(&index[..8], b"DIRC\0\0\0\x02");
    assert_eq!(repo.commit_count(), 2);
    assert_eq!(
        repo.read(".gitattributes").lines().next(),
        Some("*.png binary")
    );
    assert!(repo.read(".gitattributes").contains("merge=tiketti"));
}

#[test]
fn init_refuses_an_existing_helpdesk() {
    let repo = TestRepo::new();
    let err = repo.run(&["init"]).fails(1).to_string();
    assert!(err.contains("already a tiketti helpdesk"), "{err}");
    assert_eq!(repo.commit_count(), 1);
}

#[test]
fn init_without_any_identity_still_commits() {
    let repo = TestRepo::empty();
    let out = repo
        .cmd()
        .env_remove("TIKETTI_ACTOR")
        .arg("init")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        repo.git(&["log", "-1", "--format=%an <%ae>"]).trim(),
        "tiketti <tiketti@tiketti.invalid>"
    );
}

#[test]
fn commands_outside_a_helpdesk_say_how_to_start() {
    let repo = TestRepo::empty();
    let err = repo.run(&["list"]).fails(1).to_string();
    assert!(err.contains("not inside a tiketti helpdesk"), "{err}");
    assert!(err.contains("hint: run `tiketti init`"), "{err}");
    let err = repo
        .run(&["--repo", "/nonexistent/desk", "list"])
        .fails(1)
        .to_string();
    assert!(err.contains("has no tiketti.yaml"), "{err}");
}

#[test]
fn bad_clock_and_usage_errors() {
    let repo = TestRepo::new();
    let out = repo.run_with(&["list"], &[("TIKETTI_NOW", "yesterday")], None);
    assert!(out.fails(1).contains("TIKETTI_NOW"));
    repo.run(&["frobnicate"]).fails(2);
    repo.run(&[]).fails(2);
}
