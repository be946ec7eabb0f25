use crate::common::*;

const SHELLS: &[(&str, &str)] = &[
    ("bash", "tiketti.bash"),
    ("zsh", "_tiketti"),
    ("fish", "tiketti.fish"),
    ("powershell", "_tiketti.ps1"),
    ("elvish", "tiketti.elv"),
];

/// The committed completion scripts must match what the binary generates. Regenerate with
/// `UPDATE_COMPLETIONS=1 cargo test --test cli completions`.
#[test]
fn committed_completions_are_fresh() {
    let repo = TestRepo::empty();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let update = std::env::var_os("UPDATE_COMPLETIONS").is_some();
    let mut stale = Vec::new();
    for (shell, file) in SHELLS {
        let generated = repo.run(&["completions", shell]).ok().to_string() + "\n";
        let path = dir.join(file);
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed.trim_end() != generated.trim_end() {
            stale.push(*file);
        }
    }
    assert!(
        stale.is_empty(),
        "stale completions: {stale:?}; run `UPDATE_COMPLETIONS=1 cargo test --test cli completions` and commit completions/"
    );
}

#[test]
fn completions_need_no_helpdesk_and_reject_unknown_shells() {
    let repo = TestRepo::empty();
    let out = repo.run(&["completions", "bash"]);
    assert!(out.ok().contains("_tiketti()"));
    repo.run(&["completions", "tcsh"]).fails(2);
}
