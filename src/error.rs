//! Errors as the user sees them: one place that turns any failure into `error: …`,
//! an optional `hint: …`, and an exit code (docs/cli.md#exit-codes).

use std::fmt;

use crate::config::{ConfigError, UnknownValue};
use crate::store::StoreError;
use crate::store::lock::LockError;

/// Exit codes. Documented in docs/cli.md; `ingest` adds the sysexits codes 64 and 75.
pub mod exit {
    pub const OK: i32 = 0;
    /// The command failed; nothing was written.
    pub const ERROR: i32 = 1;
    /// Bad flags or arguments (clap's own code).
    pub const USAGE: i32 = 2;
    /// `sync` finished, but recorded collisions to settle (`tiketti resolve`).
    pub const COLLISIONS: i32 = 3;
    /// Another tiketti process held the lock too long.
    pub const BUSY: i32 = 4;
}

/// A failure the user can act on, with an optional hint and exit code.
#[derive(Debug)]
pub struct UserError {
    pub message: String,
    pub hint: Option<String>,
    pub code: i32,
}

impl UserError {
    pub fn new(message: impl Into<String>) -> UserError {
        UserError {
            message: message.into(),
            hint: None,
            code: exit::ERROR,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> UserError {
        self.hint = Some(hint.into());
        self
    }

    pub fn code(mut self, code: i32) -> UserError {
        self.code = code;
        self
    }
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UserError {}

impl From<UnknownValue> for UserError {
    fn from(e: UnknownValue) -> UserError {
        UserError::new(e.to_string()).hint(e.hint())
    }
}

/// Print the error to stderr and return the exit code. A closed stdout (`| head`) is not
/// an error worth a message.
pub fn report(err: &anyhow::Error) -> i32 {
    if err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    }) {
        return exit::OK;
    }
    let (code, hint, extra) = classify(err);
    eprintln!("error: {err}");
    for cause in err.chain().skip(1) {
        let text = cause.to_string();
        if !err.to_string().contains(&text) {
            eprintln!("  caused by: {text}");
        }
    }
    for line in extra {
        eprintln!("error: {line}");
    }
    if let Some(hint) = hint {
        eprintln!("hint: {hint}");
    }
    code
}

fn classify(err: &anyhow::Error) -> (i32, Option<String>, Vec<String>) {
    for e in err.chain() {
        if let Some(u) = e.downcast_ref::<UserError>() {
            return (u.code, u.hint.clone(), Vec::new());
        }
        if let Some(u) = e.downcast_ref::<UnknownValue>() {
            return (exit::ERROR, Some(u.hint()), Vec::new());
        }
        if let Some(c) = e.downcast_ref::<ConfigError>() {
            return config_problems(c);
        }
        if let Some(s) = e.downcast_ref::<StoreError>() {
            let hint = match s {
                StoreError::NotFound(_) => Some(
                    "run `tiketti init` to make one here, or pass --repo DIR (or set TIKETTI_REPO)"
                        .into(),
                ),
                StoreError::Ambiguous { .. } => Some("type more characters of the ID".into()),
                StoreError::NoTicket(_) => Some("`tiketti list` shows the tickets".into()),
                StoreError::BadId(_) => Some(
                    "a ticket ID is 8 characters like 7KQ3F9XM; any unique prefix of 4 or more works".into(),
                ),
                StoreError::Lock(LockError::Timeout { .. }) => {
                    return (
                        exit::BUSY,
                        Some(
                            "wait for the other command to finish, then run this one again".into(),
                        ),
                        Vec::new(),
                    );
                }
                StoreError::Config(c) => return config_problems(c),
                StoreError::BadFile { .. } => Some(
                    "fix the file in an editor, or `tiketti check` to list every problem".into(),
                ),
                StoreError::NoRemote(_) => Some(
                    "clone the helpdesk with `tiketti clone URL`, or add its remote: `git remote add origin URL`".into(),
                ),
                StoreError::Unrelated(_) => Some(
                    "this clone was not cloned from that remote; `tiketti clone URL` makes one that was".into(),
                ),
                StoreError::WouldOverwrite(_) => Some(
                    "commit the files (git add, git commit) or move them away, then sync again".into(),
                ),
                StoreError::Remote { message, .. }
                    if message.contains("unsupported URL protocol") =>
                {
                    Some("install git (tiketti then uses it for the network), or build tiketti with `--features https,ssh`".into())
                }
                StoreError::Remote { .. } => Some(
                    "check the remote's URL (`git remote -v`) and that you can reach it (`git fetch`)".into(),
                ),
                StoreError::Index { paths, .. } => Some(format!(
                    "the commit and the files are right; when no git command is running, `git reset -q -- {}` updates the index",
                    paths.join(" ")
                )),
                _ => None,
            };
            return (exit::ERROR, hint, Vec::new());
        }
    }
    (exit::ERROR, None, Vec::new())
}

/// A broken config: the first problem is the error, the rest follow, then the hint.
fn config_problems(c: &ConfigError) -> (i32, Option<String>, Vec<String>) {
    let rest = c.problems.iter().skip(1).map(|p| p.to_string()).collect();
    (
        exit::ERROR,
        Some("fix tiketti.yaml; `tiketti config check` lists every problem".into()),
        rest,
    )
}
