//! `TestRepo`: a hermetic helpdesk in a temp dir. HOME is a temp dir, git reads no global
//! or system config, and time, actor and randomness are pinned, so output is stable.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

pub const NOW: &str = "2026-11-22T10:00:00Z";

/// A failed command wrote nothing: no commit, nothing changed in the work tree.
#[track_caller]
pub fn assert_nothing_written(repo: &TestRepo, commits_before: usize) {
    assert_eq!(repo.commit_count(), commits_before, "a commit was made");
    repo.assert_clean();
}

pub struct TestRepo {
    pub tmp: tempfile::TempDir,
    pub root: PathBuf,
    pub home: PathBuf,
}

/// What a command printed and how it ended, for asserting on the whole conversation.
#[derive(Debug)]
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

impl Run {
    fn from(out: Output) -> Run {
        Run {
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            code: out.status.code().unwrap_or(-1),
        }
    }

    /// Succeeded; returns stdout trimmed.
    #[track_caller]
    pub fn ok(&self) -> &str {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self.stdout.trim()
    }

    /// Failed with `code`; returns stderr.
    #[track_caller]
    pub fn fails(&self, code: i32) -> &str {
        assert_eq!(
            self.code, code,
            "expected exit {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        &self.stderr
    }

    /// The whole conversation, for snapshots.
    pub fn transcript(&self) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

impl TestRepo {
    /// An empty directory, not yet a helpdesk.
    pub fn empty() -> TestRepo {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().join("desk");
        let home = tmp.path().join("home");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::create_dir_all(&home).unwrap();
        // The default transport is `sendmail -t -i` from PATH, and a machine may have a
        // real one: this one, first on PATH, refuses, so no test ever sends real mail.
        let bin = tmp.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::write(
            bin.join("sendmail"),
            "#!/bin/sh\necho 'tests never run sendmail: point mail.sendmail at a capture script' >&2\nexit 1\n",
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(bin.join("sendmail"), std::fs::Permissions::from_mode(0o755))
                .unwrap();
        }
        TestRepo { tmp, root, home }
    }

    /// A helpdesk made by `tiketti init`.
    pub fn new() -> TestRepo {
        let repo = TestRepo::empty();
        repo.run(&["init"]).ok();
        repo
    }

    /// A helpdesk that sends no acknowledgements (`mail.acknowledge: false` in the first
    /// commit): for tests about what ingest stores, not what it sends.
    pub fn quiet() -> TestRepo {
        let repo = TestRepo::new();
        let config = repo.read("tiketti.yaml");
        assert!(config.contains("\n  acknowledge: true\n"));
        repo.write(
            "tiketti.yaml",
            &config.replace("\n  acknowledge: true\n", "\n  acknowledge: false\n"),
        );
        repo.git(&["commit", "-q", "-a", "--amend", "--no-edit"]);
        repo
    }

    /// The tiketti command, hermetic, run in the helpdesk's root.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("tiketti").expect("binary");
        cmd.current_dir(&self.root)
            .env_clear()
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    self.tmp.path().join("bin").display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .env("HOME", &self.home)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("TIKETTI_NOW", NOW)
            .env("TIKETTI_ACTOR", "anna")
            .env("TIKETTI_SEED", "7")
            .env("NO_COLOR", "1")
            .env("EDITOR", "false");
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.cmd().args(args).output().expect("run tiketti"))
    }

    pub fn run_with(&self, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Run {
        let mut cmd = self.cmd();
        cmd.args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        if let Some(s) = stdin {
            cmd.write_stdin(s.as_bytes().to_vec());
        }
        Run::from(cmd.output().expect("run tiketti"))
    }

    /// `tiketti new` with a subject and extra args; returns the ID.
    pub fn new_ticket(&self, subject: &str, extra: &[&str]) -> String {
        let mut args = vec!["new", "--subject", subject, "-m", "Text."];
        args.extend_from_slice(extra);
        self.run(&args).ok().to_string()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub fn ticket_file(&self, id: &str) -> PathBuf {
        self.root
            .join(format!("tickets/{}/{id}/ticket.md", &id[..2]))
    }

    /// One front-matter value of a ticket as written (`None` when the key is absent).
    pub fn key(&self, id: &str, key: &str) -> Option<String> {
        let text = std::fs::read_to_string(self.ticket_file(id)).expect("ticket file");
        let prefix = format!("{key}: ");
        text.lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .map(str::to_string)
    }

    pub fn read(&self, rel: impl AsRef<Path>) -> String {
        std::fs::read_to_string(self.root.join(rel)).expect("read file")
    }

    pub fn write(&self, rel: impl AsRef<Path>, text: &str) {
        let p = self.root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// Plain git in the helpdesk, hermetic like tiketti.
    pub fn git(&self, args: &[&str]) -> String {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(&self.root)
            .env("HOME", &self.home)
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
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn commit_count(&self) -> usize {
        self.git(&["rev-list", "--count", "HEAD"])
            .trim()
            .parse()
            .unwrap()
    }

    pub fn last_commit_message(&self) -> String {
        self.git(&["log", "-1", "--format=%s"]).trim().to_string()
    }

    /// `git status --porcelain` is empty.
    #[track_caller]
    pub fn assert_clean(&self) {
        let status = self.git(&["status", "--porcelain", "--untracked-files=all"]);
        assert!(status.is_empty(), "work tree not clean:\n{status}");
    }

    /// Hold the writer lock from another process for `secs` seconds with flock(1), after
    /// giving it time to take the lock. `None` where flock is not installed (CI has it).
    pub fn hold_lock(&self, secs: u32) -> Option<std::process::Child> {
        let installed = std::process::Command::new("flock")
            .arg("--version")
            .output()
            .is_ok();
        assert!(
            installed || std::env::var_os("CI").is_none(),
            "flock is not installed; .ci/run installs it"
        );
        if !installed {
            return None;
        }
        let child = std::process::Command::new("flock")
            .arg(self.path(".git/tiketti/lock"))
            .args(["sleep", &secs.to_string()])
            .spawn()
            .expect("flock");
        std::thread::sleep(std::time::Duration::from_millis(300));
        Some(child)
    }

    /// An executable script usable as $EDITOR: it receives the file path as $1.
    pub fn editor_script(&self, name: &str, body: &str) -> String {
        let p = self.tmp.path().join(name);
        std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        p.display().to_string()
    }
}
