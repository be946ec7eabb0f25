//! `tiketti config get|set|check`: read and change tiketti.yaml from the command line.
//! `set` edits the one line it needs, so comments and order survive, and validates the
//! result before it commits.

use anyhow::Context as _;

use crate::commands::{Session, say};
use crate::config::{self, Config, yamledit};
use crate::ctx::Ctx;
use crate::error::UserError;
use crate::store::ChangeSet;
use crate::yaml::{self, Value};

/// Read, change or validate tiketti.yaml.
#[derive(Debug, clap::Subcommand)]
pub enum ConfigCommand {
    /// Print a value by its dotted path (`mail.tag`, `statuses.0.name`), or the whole file
    Get {
        /// A dotted path; without it, the whole file
        key: Option<String>,
    },
    /// Set one value, keeping comments and order, then validate and commit
    Set {
        /// A dotted path: helpdesk.name, defaults.priority, statuses.2.category, …
        key: String,
        /// The value; `[a, b]` writes a list
        value: String,
    },
    /// Validate tiketti.yaml and list every problem with its line
    Check,
}

pub fn run(ctx: &Ctx, cmd: ConfigCommand) -> anyhow::Result<()> {
    match cmd {
        ConfigCommand::Get { key } => get(ctx, key),
        ConfigCommand::Set { key, value } => set(ctx, &key, &value),
        ConfigCommand::Check => check(ctx),
    }
}

fn read_text(root: &std::path::Path) -> anyhow::Result<String> {
    let path = root.join(config::FILE_NAME);
    std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))
}

fn get(ctx: &Ctx, key: Option<String>) -> anyhow::Result<()> {
    let repo = ctx.repo()?;
    let text = read_text(repo.root())?;
    let Some(key) = key else {
        print!("{text}");
        return Ok(());
    };
    let doc: Value = yaml::from_str(&text).map_err(|e| {
        UserError::new(format!(
            "{}:{}: {}",
            config::FILE_NAME,
            e.line.unwrap_or(1),
            e.message
        ))
    })?;
    let path = yamledit::parse_path(&key).map_err(|e| UserError::new(e.to_string()))?;
    let mut node = &doc;
    for seg in &path {
        let next = match seg {
            yamledit::PathSeg::Key(k) => node.get(k.as_str()),
            yamledit::PathSeg::Index(i) => {
                node.get(*i).or_else(|| node.get(i.to_string().as_str()))
            }
        };
        node = next
            .ok_or_else(|| UserError::new(format!("{key} is not set in {}", config::FILE_NAME)))?;
    }
    match yaml::scalar_text(node) {
        Some(s) => say(&s),
        None if node.is_null() => say(""),
        None => {
            let text = serde_yaml_text(node);
            say(text.trim_end())
        }
    }
}

fn serde_yaml_text(v: &Value) -> String {
    yaml::to_string(v).unwrap_or_default()
}

fn set(ctx: &Ctx, key: &str, value: &str) -> anyhow::Result<()> {
    let path = yamledit::parse_path(key).map_err(|e| UserError::new(e.to_string()))?;
    let session = Session::begin_unchecked(ctx)?;
    let text = read_text(session.repo.root())?;
    // The value as the config's type wants it: `10` and `false` plain where a number or
    // a switch is expected, quoted where text is ("2026" as a name). Each spelling is
    // tried; the first that adds no problem wins.
    let mut spellings = Vec::new();
    if (value.starts_with('[') && value.ends_with(']'))
        || yaml::from_str::<yaml::Value>(value).is_ok_and(|v| v.is_number() || v.is_bool())
    {
        spellings.push(value.to_string());
    }
    spellings.push(yaml::quote(value, false));
    let messages = |t: &str| -> Vec<String> {
        Config::parse(t)
            .err()
            .map(|e| e.problems.into_iter().map(|p| p.message).collect())
            .unwrap_or_default()
    };
    // A change may not add a problem; on a broken config it may fix one problem at a time.
    let before = messages(&text);
    let mut first_problem = None;
    let mut chosen = None;
    for rendered in &spellings {
        let updated = yamledit::set_scalar(&text, &path, rendered)
            .map_err(|e| UserError::new(e.to_string()))?;
        match messages(&updated).into_iter().find(|m| !before.contains(m)) {
            None => {
                chosen = Some(updated);
                break;
            }
            Some(p) => {
                first_problem.get_or_insert(p);
            }
        }
    }
    let Some(updated) = chosen else {
        let new = first_problem.unwrap_or_default();
        return Err(
            UserError::new(format!("setting {key} would break the config: {new}"))
                .hint("nothing was changed")
                .into(),
        );
    };
    if updated == text {
        eprintln!("{key} is already {value}");
        return Ok(());
    }
    let mut changes = ChangeSet::default();
    changes.write(config::FILE_NAME, updated);
    session.commit(ctx, &changes, &format!("config: set {key} {value}"))?;
    say(&format!("{key} = {value}"))
}

fn check(ctx: &Ctx) -> anyhow::Result<()> {
    let repo = ctx.repo()?;
    let text = read_text(repo.root())?;
    match Config::parse(&text) {
        Ok(_) => {
            eprintln!("{}: ok", config::FILE_NAME);
            Ok(())
        }
        Err(e) => {
            for p in &e.problems {
                say(&p.to_string())?;
            }
            Err(UserError::new(format!(
                "{} has {} problem(s)",
                config::FILE_NAME,
                e.problems.len()
            ))
            .into())
        }
    }
}
