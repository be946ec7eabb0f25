//! Helpers for the tests of mail out (mail_out.rs, reply.rs, outbox.rs, remind.rs,
//! template.rs): a python3 with aiosmtpd, the test SMTP server on 127.0.0.1
//! (tests/support/smtp_server.py), a sendmail stand-in that captures what it is given,
//! messages read back by Python's `email` (tests/support/parse_mail.py), and tiketti.yaml
//! edits that point a helpdesk at them. Never at the machine's own sendmail.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;

use serde_json::Value;

use crate::common::*;
use crate::ingest::Mail;

/// The cargo target directory (`target/`), where the test venv lives.
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is target/tmp")
        .to_path_buf()
}

/// `tests/support/<name>`.
fn support(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/support")
        .join(name)
}

/// `tests/fixtures/tls/<name>`, as a string for tiketti.yaml.
pub fn tls_fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tls")
        .join(name)
        .display()
        .to_string()
}

fn imports_aiosmtpd(python: &Path) -> bool {
    Command::new(python)
        .args(["-c", "import aiosmtpd"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A python3 that can `import aiosmtpd`: `$TIKETTI_TEST_PYTHON`, the venv in
/// `target/test-python` (.ci/run makes it), or python3 on PATH. With none, the venv is
/// made and aiosmtpd installed from PyPI, once for all tests and test processes. If that
/// fails too, every test that needs it fails with the reason: a mail test never
/// silently skips.
pub fn python() -> &'static Path {
    static PYTHON: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match PYTHON.get_or_init(find_or_install_python) {
        Ok(p) => p,
        Err(why) => panic!(
            "the mail tests need Python 3 with aiosmtpd: {why}\n\
             Install it (`python3 -m pip install aiosmtpd`, or run .ci/run), or set \
             TIKETTI_TEST_PYTHON to a python that has it."
        ),
    }
}

fn find_or_install_python() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("TIKETTI_TEST_PYTHON") {
        let p = PathBuf::from(p);
        return if imports_aiosmtpd(&p) {
            Ok(p)
        } else {
            Err(format!(
                "TIKETTI_TEST_PYTHON={} cannot `import aiosmtpd`",
                p.display()
            ))
        };
    }
    let venv = target_dir().join("test-python");
    let venv_python = venv.join("bin/python");
    if imports_aiosmtpd(&venv_python) {
        return Ok(venv_python);
    }
    if imports_aiosmtpd(Path::new("python3")) {
        return Ok(PathBuf::from("python3"));
    }
    // Another test process may be installing it right now: one at a time.
    let lock_path = target_dir().join("test-python.lock");
    let lock = std::fs::File::create(&lock_path)
        .map_err(|e| format!("cannot create {}: {e}", lock_path.display()))?;
    lock.lock()
        .map_err(|e| format!("cannot lock {}: {e}", lock_path.display()))?;
    if imports_aiosmtpd(&venv_python) {
        return Ok(venv_python);
    }
    let _ = std::fs::remove_dir_all(&venv);
    let step = |program: &Path, args: &[&str]| -> Result<(), String> {
        let shown = format!("`{} {}`", program.display(), args.join(" "));
        let out = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {shown}: {e}"))?;
        if out.status.success() {
            return Ok(());
        }
        Err(format!(
            "installing it failed: {shown}: {}\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    };
    step(
        Path::new("python3"),
        &["-m", "venv", &venv.display().to_string()],
    )?;
    step(
        &venv_python,
        &[
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "aiosmtpd",
        ],
    )?;
    if !imports_aiosmtpd(&venv_python) {
        return Err(format!(
            "aiosmtpd was installed into {} but cannot be imported",
            venv.display()
        ));
    }
    Ok(venv_python)
}

/// How the test SMTP server behaves.
#[derive(Debug, Clone, Default)]
pub struct SmtpOptions {
    pub starttls: bool,
    /// TLS from the first byte (port 465 style).
    pub tls: bool,
    /// Require AUTH as this user with this password.
    pub auth: Option<(&'static str, &'static str)>,
    pub reject_rcpt: Option<u16>,
    pub reject_data: Option<u16>,
}

/// `tests/support/smtp_server.py` on 127.0.0.1, killed when dropped. It also exits by
/// itself when this process dies (its standard input closes).
pub struct SmtpServer {
    child: Child,
    _lifeline: ChildStdin,
    pub port: u16,
    pub dir: PathBuf,
    log: PathBuf,
}

impl SmtpServer {
    /// Start a server that keeps what it accepts in `dir`.
    pub fn start(dir: &Path, opts: &SmtpOptions) -> SmtpServer {
        std::fs::create_dir_all(dir).unwrap();
        let log = dir.with_extension("log");
        let mut cmd = Command::new(python());
        cmd.arg(support("smtp_server.py"))
            .arg("--dir")
            .arg(dir)
            .arg("--stdin-lifeline");
        if opts.starttls || opts.tls {
            cmd.arg(if opts.tls { "--tls" } else { "--starttls" })
                .args(["--cert", &tls_fixture("server.pem")])
                .args(["--key", &tls_fixture("server.key")]);
        }
        if let Some((user, password)) = opts.auth {
            cmd.args(["--user", user, "--password", password]);
        }
        if let Some(code) = opts.reject_rcpt {
            cmd.args(["--reject-rcpt", &code.to_string()]);
        }
        if let Some(code) = opts.reject_data {
            cmd.args(["--reject-data", &code.to_string()]);
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("start tests/support/smtp_server.py");
        let lifeline = child.stdin.take().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let Ok(port) = line.trim().parse() else {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the test SMTP server did not start:\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        };
        SmtpServer {
            child,
            _lifeline: lifeline,
            port,
            dir: dir.to_path_buf(),
            log,
        }
    }

    /// Every message accepted so far, in order.
    pub fn delivered(&self) -> Vec<Delivered> {
        let mut metas: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        metas.sort();
        metas
            .into_iter()
            .map(|m| {
                let meta: Value =
                    serde_json::from_str(&std::fs::read_to_string(&m).unwrap()).unwrap();
                let strs = |v: &Value| -> Vec<String> {
                    v.as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                };
                Delivered {
                    raw: std::fs::read(m.with_extension("eml")).unwrap(),
                    envelope_from: meta["mail_from"].as_str().unwrap_or("").to_string(),
                    envelope_to: strs(&meta["rcpt_tos"]),
                    args: Vec::new(),
                    tls: meta["tls"].as_bool().unwrap_or(false),
                    login: meta["login"].as_str().map(str::to_string),
                }
            })
            .collect()
    }

    /// What the server wrote to stderr (for failure messages).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One message as a transport delivered it.
#[derive(Debug, Clone)]
pub struct Delivered {
    pub raw: Vec<u8>,
    /// SMTP: MAIL FROM and RCPT TO.
    pub envelope_from: String,
    pub envelope_to: Vec<String>,
    /// sendmail: the command's arguments.
    pub args: Vec<String>,
    pub tls: bool,
    pub login: Option<String>,
}

impl Delivered {
    pub fn parsed(&self) -> Parsed {
        parse(&self.raw)
    }
}

/// A sendmail-compatible command for the tests: it keeps each message (its standard
/// input) and its arguments in `<tmp>/sent/`. Another name gives another capture.
pub struct Capture {
    pub command: String,
    pub dir: PathBuf,
}

impl Capture {
    pub fn new(repo: &TestRepo) -> Capture {
        Capture::named(repo, "sendmail-capture")
    }

    pub fn named(repo: &TestRepo, name: &str) -> Capture {
        let dir = repo.tmp.path().join(format!("{name}.sent"));
        std::fs::create_dir_all(&dir).unwrap();
        let command = script(
            repo,
            name,
            &format!(
                "# A sendmail stand-in: each message and its arguments, numbered.\n\
                 dir='{}'\n\
                 n=$(printf '%04d' $(($(ls \"$dir\" | grep -c '\\.eml$') + 1)))\n\
                 printf '%s\\n' \"$@\" > \"$dir/$n.args\"\n\
                 cat > \"$dir/$n.tmp\" && mv \"$dir/$n.tmp\" \"$dir/$n.eml\"",
                dir.display()
            ),
        );
        Capture { command, dir }
    }

    pub fn delivered(&self) -> Vec<Delivered> {
        let mut emls: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        emls.sort();
        emls.into_iter()
            .map(|p| Delivered {
                raw: std::fs::read(&p).unwrap(),
                envelope_from: String::new(),
                envelope_to: Vec::new(),
                args: std::fs::read_to_string(p.with_extension("args"))
                    .unwrap()
                    .lines()
                    .map(str::to_string)
                    .collect(),
                tls: false,
                login: None,
            })
            .collect()
    }

    pub fn count(&self) -> usize {
        self.delivered().len()
    }
}

/// A sendmail-compatible command that always fails like a busy mail server: it reads
/// the message, says why on stderr, counts the attempt in `<tmp>/<name>.attempts` and
/// exits 75 (EX_TEMPFAIL). Returns the command.
pub fn failing_sendmail(repo: &TestRepo, name: &str) -> String {
    let attempts = repo.tmp.path().join(format!("{name}.attempts"));
    script(
        repo,
        name,
        &format!(
            "cat > /dev/null\necho x >> '{}'\necho 'sendmail: 451 4.3.0 queue full, try again later' >&2\nexit 75",
            attempts.display()
        ),
    )
}

/// How often a `failing_sendmail` ran.
pub fn attempts(repo: &TestRepo, name: &str) -> usize {
    std::fs::read_to_string(repo.tmp.path().join(format!("{name}.attempts")))
        .map(|t| t.lines().count())
        .unwrap_or(0)
}

/// An executable shell script in the test's temp dir (outside the helpdesk).
pub fn script(repo: &TestRepo, name: &str, body: &str) -> String {
    let p = repo.tmp.path().join(name);
    std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p.display().to_string()
}

/// Replace the transport lines of tiketti.yaml's mail section (`transport`, `sendmail`,
/// `smtp` and the commented example) with `lines` (indented for `mail:`), committed as
/// a hand edit.
pub fn set_transport(repo: &TestRepo, lines: &str) {
    let text = repo.read("tiketti.yaml");
    let mut out = Vec::new();
    let mut skipping = false;
    let mut done = false;
    for l in text.lines() {
        let transport_line = [
            "  transport:",
            "  sendmail:",
            "  smtp:",
            "  # smtp:",
            "  #   ",
        ]
        .iter()
        .any(|p| l.starts_with(p))
            || (skipping && l.starts_with("    "));
        if transport_line {
            if !done {
                out.push(lines.trim_end().to_string());
                done = true;
            }
            skipping = true;
            continue;
        }
        skipping = false;
        out.push(l.to_string());
    }
    assert!(done, "no transport lines in tiketti.yaml:\n{text}");
    repo.write("tiketti.yaml", &(out.join("\n") + "\n"));
    repo.git(&["commit", "-q", "-a", "-m", "mail transport"]);
}

/// Send through `command` (a sendmail-compatible program).
pub fn use_sendmail(repo: &TestRepo, command: &str) {
    set_transport(
        repo,
        &format!("  transport: sendmail\n  sendmail: \"{command}\""),
    );
}

/// Send through a capture; returns it.
pub fn capture(repo: &TestRepo) -> Capture {
    let c = Capture::new(repo);
    use_sendmail(repo, &c.command);
    c
}

/// Send through the test SMTP server: `security` is starttls, tls or none; `extra` more
/// `mail.smtp` lines (user, password_env, ca_file), each indented by four spaces.
pub fn use_smtp(repo: &TestRepo, server: &SmtpServer, security: &str, extra: &str) {
    set_transport(
        repo,
        &format!(
            "  transport: smtp\n  smtp:\n    host: 127.0.0.1\n    port: {}\n    security: {security}\n    timeout: 10\n{extra}",
            server.port
        ),
    );
}

/// Replace `from` with `to` in tiketti.yaml (it must be there) and commit by hand.
pub fn edit_config(repo: &TestRepo, from: &str, to: &str) {
    let text = repo.read("tiketti.yaml");
    assert!(text.contains(from), "{from:?} not in tiketti.yaml");
    repo.write("tiketti.yaml", &text.replacen(from, to, 1));
    repo.git(&["commit", "-q", "-a", "-m", "config"]);
}

/// A message read back by Python's `email` package (tests/support/parse_mail.py).
#[derive(Debug, Clone)]
pub struct Parsed(pub Value);

pub fn parse(raw: &[u8]) -> Parsed {
    let mut child = Command::new(python())
        .arg(support("parse_mail.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tests/support/parse_mail.py");
    child.stdin.take().unwrap().write_all(raw).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "parse_mail.py failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(raw)
    );
    Parsed(serde_json::from_slice(&out.stdout).expect("parse_mail.py prints JSON"))
}

impl Parsed {
    fn find(&self, list: &str, name: &str) -> Vec<String> {
        self.0[list]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h[0].as_str().unwrap().eq_ignore_ascii_case(name))
            .map(|h| h[1].as_str().unwrap().to_string())
            .collect()
    }

    /// A header field decoded (RFC 2047), `None` when absent; panics if repeated.
    #[track_caller]
    pub fn header(&self, name: &str) -> Option<String> {
        let all = self.find("headers", name);
        assert!(all.len() <= 1, "{name} appears {} times", all.len());
        all.into_iter().next()
    }

    /// A header field as it is in the message.
    pub fn raw_header(&self, name: &str) -> Option<String> {
        self.find("raw_headers", name).into_iter().next()
    }

    /// (display name, address) of each mailbox in From, To or Cc.
    pub fn mailboxes(&self, field: &str) -> Vec<(String, String)> {
        self.0[field.to_ascii_lowercase()]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["name"].as_str().unwrap().to_string(),
                    a["address"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    /// A Message-ID-like field without the angle brackets.
    #[track_caller]
    pub fn id(&self, name: &str) -> String {
        let v = self
            .header(name)
            .unwrap_or_else(|| panic!("no {name} in {:#}", self.0));
        v.trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_string()
    }

    pub fn text(&self) -> String {
        self.0["text"].as_str().unwrap_or("").to_string()
    }

    /// (file name, content type, bytes) of each attachment.
    pub fn attachments(&self) -> Vec<(String, String, Vec<u8>)> {
        self.0["attachments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["filename"].as_str().unwrap_or("").to_string(),
                    a["content_type"].as_str().unwrap().to_string(),
                    unhex(a["hex"].as_str().unwrap()),
                )
            })
            .collect()
    }

    pub fn defects(&self) -> Vec<String> {
        self.0["defects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_str().unwrap().to_string())
            .collect()
    }
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// The queued (or with `--sent`/`--dropped`, those) outbox entries, as JSON.
pub fn outbox(repo: &TestRepo, folder: &[&str]) -> Vec<Value> {
    let mut args = vec!["outbox", "list", "--format", "json"];
    args.extend_from_slice(folder);
    let out: Value = serde_json::from_str(repo.run(&args).ok()).unwrap();
    assert_eq!(out["schema_version"], 1);
    out["messages"].as_array().unwrap().clone()
}

/// `ingest --format json` of one message on stdin: its outcome record.
#[track_caller]
pub fn ingest_json(repo: &TestRepo, msg: &str) -> Value {
    ingest_at(repo, msg, NOW)
}

/// `ingest_json` with the message arriving at `time` (events of one ticket that arrive
/// in the same second have no order but their random IDs).
#[track_caller]
pub fn ingest_at(repo: &TestRepo, msg: &str, time: &str) -> Value {
    let run = repo.run_with(
        &["ingest", "--format", "json"],
        &[("TIKETTI_NOW", time)],
        Some(msg),
    );
    let out: Value = serde_json::from_str(run.ok()).unwrap();
    out["messages"][0].clone()
}

pub const MARTA: &str = "=?utf-8?q?M=C3=A4rta_Str=C3=B6m?= <marta@example.se>";

/// Märta's first message, "Tilaus ei näy", with Bo on Cc.
pub fn martas_message() -> Mail {
    Mail::new(MARTA, "=?utf-8?q?Tilaus_ei_n=C3=A4y?=", "c1@example.se")
        .set("Cc", "Bo Berg <bo@customer.fi>")
        .set("Content-Type", "text/plain; charset=utf-8")
        .body("Hei, tilaukseni ei näy verkkokaupassa.\n")
}
