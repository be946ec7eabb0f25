use crate::common::*;

/// 20 `tiketti new` processes at once in one clone: 20 tickets, 20 commits, none lost,
/// and a clean work tree (DESIGN.md §4).
#[test]
fn twenty_concurrent_new_commands_lose_nothing() {
    let repo = TestRepo::new();
    let children: Vec<_> = (0..20)
        .map(|i| {
            let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("tiketti"));
            cmd.current_dir(&repo.root)
                .env("HOME", &repo.home)
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("TIKETTI_ACTOR", "anna")
                .env_remove("TIKETTI_SEED")
                .args(["new", "--subject", &format!("Call {i}"), "-m", "x"])
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            cmd.spawn().expect("spawn")
        })
        .collect();
    let mut ids = Vec::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        ids.push(String::from_utf8(out.stdout).unwrap().trim().to_string());
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 20);
    assert_eq!(repo.commit_count(), 21);
    let listed = repo.run(&["list", "--format", "ids"]).ok().to_string();
    assert_eq!(listed.lines().count(), 20);
    repo.assert_clean();
    // The index matches HEAD too: nothing staged, nothing lost.
    assert!(repo.git(&["diff", "--cached", "--name-only"]).is_empty());
}

#[test]
fn a_held_lock_makes_writers_wait_not_fail() {
    let repo = TestRepo::new();
    let Some(mut holder) = repo.hold_lock(1) else {
        return;
    };
    let started = std::time::Instant::now();
    repo.run(&["new", "--subject", "waits", "-m", "x"]).ok();
    assert!(started.elapsed() >= std::time::Duration::from_millis(400));
    holder.wait().unwrap();
}

#[test]
fn a_lock_held_too_long_exits_4_and_writes_nothing() {
    let repo = TestRepo::new();
    let Some(mut holder) = repo.hold_lock(3) else {
        return;
    };
    let out = repo.run_with(
        &["new", "--subject", "busy", "-m", "x"],
        &[("TIKETTI_LOCK_TIMEOUT", "0.2")],
        None,
    );
    let err = out.fails(4).to_string();
    assert!(err.contains("another tiketti process"), "{err}");
    assert!(err.contains("hint:"), "{err}");
    holder.kill().ok();
    holder.wait().unwrap();
    assert_eq!(repo.commit_count(), 1);
    repo.assert_clean();
}
