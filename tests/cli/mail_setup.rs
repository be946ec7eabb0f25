//! Every example in docs/mail-setup.md, run: the test reads the page, puts its own
//! binary and helpdesk in place of /usr/local/bin/tiketti and /srv/helpdesk, and delivers
//! a message through each (real procmail and maildrop where installed; CI installs them).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::common::*;

const DOC: &str = include_str!("../../docs/mail-setup.md");

/// Fenced blocks whose first line is `# <name>`.
fn block(name: &str) -> String {
    let mut lines = DOC.lines();
    while let Some(l) = lines.next() {
        if l.starts_with("```") {
            let body: Vec<&str> = lines
                .by_ref()
                .take_while(|l| !l.starts_with("```"))
                .collect();
            if body
                .first()
                .is_some_and(|f| f.trim() == format!("# {name}"))
            {
                return body[1..].join("\n") + "\n";
            }
        }
    }
    panic!("docs/mail-setup.md has no block starting `# {name}`");
}

struct Setup {
    repo: TestRepo,
    bin: String,
}

impl Setup {
    fn new() -> Setup {
        Setup {
            repo: TestRepo::new(),
            bin: assert_cmd::cargo::cargo_bin("tiketti")
                .display()
                .to_string(),
        }
    }

    fn local(&self, text: &str) -> String {
        text.replace("/usr/local/bin/tiketti", &self.bin)
            .replace("/srv/helpdesk", &self.repo.root.display().to_string())
            .replace(
                "/home/tiketti/Maildir",
                &self.repo.tmp.path().join("Maildir").display().to_string(),
            )
    }

    fn command(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", &self.repo.home)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("TIKETTI_NOW", NOW)
            .current_dir(self.repo.tmp.path());
        c
    }

    /// Deliver `subject` through `cmd`; returns the exit code.
    fn deliver(&self, mut cmd: Command, subject: &str) -> i32 {
        let msg = format!(
            "From: Customer <c@customer.fi>\r\nTo: support@example.com\r\nSubject: {subject}\r\nMessage-ID: <{}@customer.fi>\r\n\r\nHello.\r\n",
            subject.replace(' ', ".")
        );
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(msg.as_bytes())
            // A command may exit before reading everything; its exit code is what counts.
            .ok();
        let out = child.wait_with_output().unwrap();
        if !out.status.success() {
            eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        }
        out.status.code().unwrap_or(-1)
    }

    fn shell(&self, line: &str) -> Command {
        let mut c = self.command("sh");
        c.arg("-c").arg(self.local(line));
        c
    }

    fn argv(&self, words: &[String]) -> Command {
        let mut c = self.command(&self.local(&words[0]));
        c.args(words[1..].iter().map(|w| self.local(w)));
        c
    }

    #[track_caller]
    fn assert_ticket(&self, subject: &str) {
        let list = self
            .repo
            .run(&["list", "--format", "json"])
            .ok()
            .to_string();
        assert!(list.contains(subject), "no ticket {subject:?} in\n{list}");
    }
}

fn installed(program: &str) -> bool {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {program}"))
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found || std::env::var_os("CI").is_none(),
        "{program} is not installed; .ci/run installs it"
    );
    found
}

#[test]
fn postfix_alias_command() {
    let s = Setup::new();
    let aliases = block("/etc/aliases");
    let line = aliases.lines().find(|l| l.starts_with("support:")).unwrap();
    let cmd = line.split("\"|").nth(1).unwrap().trim_end_matches('"');
    assert_eq!(s.deliver(s.shell(cmd), "via alias"), 0);
    s.assert_ticket("via alias");
    // A helpdesk that is not there: 75, so Postfix keeps the message and retries.
    let missing = cmd.replace("/srv/helpdesk", "/nonexistent/helpdesk");
    let mut c = s.command("sh");
    c.arg("-c")
        .arg(missing.replace("/usr/local/bin/tiketti", &s.bin));
    assert_eq!(s.deliver(c, "nowhere"), 75);
}

#[test]
fn postfix_pipe_transport_argv() {
    let s = Setup::new();
    let master = block("/etc/postfix/master.cf");
    let argv: Vec<String> = master
        .split("argv=")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .map(String::from)
        .collect();
    assert!(
        master.contains("flags=Rq"),
        "R adds Return-Path, q quotes; never F"
    );
    assert_eq!(s.deliver(s.argv(&argv), "via pipe"), 0);
    s.assert_ticket("via pipe");
    assert!(block("/etc/postfix/transport").contains("support@example.com   tiketti:"));
}

#[test]
fn procmail_recipe() {
    let s = Setup::new();
    if !installed("procmail") {
        return;
    }
    let rc = s.repo.tmp.path().join("procmailrc");
    std::fs::write(&rc, s.local(&block("~/.procmailrc"))).unwrap();
    let mut c = s.command("procmail");
    c.arg("-m").arg(&rc);
    assert_eq!(s.deliver(c, "via procmail"), 0);
    s.assert_ticket("via procmail");
}

#[test]
fn maildrop_filter() {
    let s = Setup::new();
    if !installed("maildrop") {
        return;
    }
    let rc = s.repo.tmp.path().join("mailfilter");
    std::fs::write(&rc, s.local(&block("~/.mailfilter"))).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&rc, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let mut c = s.command("maildrop");
    c.arg(&rc);
    assert_eq!(s.deliver(c, "via maildrop"), 0);
    s.assert_ticket("via maildrop");
}

#[test]
fn fetchmail_mda_command() {
    let s = Setup::new();
    let rc = block("~/.fetchmailrc");
    let mda = rc
        .split("mda \"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert_eq!(s.deliver(s.shell(mda), "via fetchmail"), 0);
    s.assert_ticket("via fetchmail");
}

#[test]
fn getmail_external_mda() {
    let s = Setup::new();
    let rc = block("~/.getmail/getmailrc");
    let path = rc.lines().find_map(|l| l.strip_prefix("path = ")).unwrap();
    let args = rc
        .lines()
        .find_map(|l| l.strip_prefix("arguments = "))
        .unwrap();
    let mut argv = vec![path.to_string()];
    argv.extend(args.split('"').skip(1).step_by(2).map(String::from));
    assert_eq!(s.deliver(s.argv(&argv), "via getmail"), 0);
    s.assert_ticket("via getmail");
}

#[test]
fn cron_maildir_and_drain_lines() {
    let s = Setup::new();
    let maildir = s.repo.tmp.path().join("Maildir");
    for d in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(maildir.join(d)).unwrap();
    }
    std::fs::write(
        maildir.join("new/1700000000.1.host"),
        "From: c@customer.fi\nSubject: from the maildir\nMessage-ID: <md@customer.fi>\n\nhi\n",
    )
    .unwrap();
    let cron_lines: Vec<String> = DOC
        .lines()
        .filter(|l| l.starts_with("*/"))
        .map(|l| l.split_whitespace().skip(5).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(cron_lines.len(), 2, "{cron_lines:?}");
    for line in &cron_lines {
        let out = s.shell(line).stdin(Stdio::null()).output().unwrap();
        assert!(
            out.status.success(),
            "{line}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    s.assert_ticket("from the maildir");
    assert_eq!(std::fs::read_dir(maildir.join("new")).unwrap().count(), 0);
    assert!(Path::new(&maildir.join("cur/1700000000.1.host:2,S")).exists());
}
