//! The world as the commands see it: where the helpdesk is, the time, who is acting,
//! randomness, and whether we talk to a terminal. Tests pin time, actor and randomness
//! with `TIKETTI_NOW`, `TIKETTI_ACTOR` and `TIKETTI_SEED`; nothing else reads them (nor
//! `TIKETTI_LOCK_TIMEOUT` and `TIKETTI_GIT`).

use std::cell::RefCell;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use rand::{Rng, SeedableRng, rngs::StdRng};

use crate::config::Config;
use crate::error::UserError;
use crate::store::{Identity, LOCK_TIMEOUT, Repo};
use crate::ticket::{TicketId, parse_time};

#[derive(Clone)]
pub struct Ctx {
    pub repo_arg: Option<PathBuf>,
    pub now: DateTime<Utc>,
    actor_env: Option<String>,
    rng: RefCell<StdRng>,
    pub stdin_is_tty: bool,
    pub stdout_is_tty: bool,
    /// How long a writer waits for the per-clone lock (`TIKETTI_LOCK_TIMEOUT`, seconds).
    pub lock_timeout: Duration,
    /// True when `TIKETTI_LOCK_TIMEOUT` set it (a command may then not shorten it).
    pub lock_timeout_set: bool,
    /// The git program for fetch, push and clone (`TIKETTI_GIT`; default `git`).
    pub git_program: Option<String>,
}

/// The agent acting: the id tickets record, and the identity commits carry.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: String,
    pub identity: Identity,
}

impl Ctx {
    pub fn from_env(repo_arg: Option<PathBuf>) -> anyhow::Result<Ctx> {
        let now = match std::env::var("TIKETTI_NOW") {
            Ok(s) if !s.is_empty() => parse_time(&s).ok_or_else(|| {
                UserError::new(format!("TIKETTI_NOW={s:?} is not an RFC 3339 time"))
                    .hint("write it like 2026-11-22T10:00:00Z")
            })?,
            _ => Utc::now(),
        };
        let rng = match std::env::var("TIKETTI_SEED") {
            Ok(s) if !s.is_empty() => StdRng::seed_from_u64(
                s.parse()
                    .with_context(|| format!("TIKETTI_SEED={s:?} is not a number"))?,
            ),
            _ => StdRng::from_entropy(),
        };
        let lock_timeout = match std::env::var("TIKETTI_LOCK_TIMEOUT") {
            Ok(s) if !s.is_empty() => s
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v >= 0.0)
                .map(Duration::from_secs_f64)
                .ok_or_else(|| {
                    UserError::new(format!(
                        "TIKETTI_LOCK_TIMEOUT={s:?} is not a number of seconds"
                    ))
                })?,
            _ => LOCK_TIMEOUT,
        };
        Ok(Ctx {
            lock_timeout_set: std::env::var("TIKETTI_LOCK_TIMEOUT").is_ok_and(|s| !s.is_empty()),
            lock_timeout,
            repo_arg,
            now,
            actor_env: std::env::var("TIKETTI_ACTOR")
                .ok()
                .filter(|s| !s.is_empty()),
            rng: RefCell::new(rng),
            git_program: std::env::var("TIKETTI_GIT").ok().filter(|s| !s.is_empty()),
            stdin_is_tty: std::io::stdin().is_terminal(),
            stdout_is_tty: std::io::stdout().is_terminal(),
        })
    }

    /// The same world with another lock timeout.
    pub fn with_lock_timeout(&self, timeout: Duration) -> Ctx {
        Ctx {
            lock_timeout: timeout,
            ..self.clone()
        }
    }

    pub fn repo(&self) -> anyhow::Result<Repo> {
        let cwd = std::env::current_dir().context("cannot read the current directory")?;
        Ok(Repo::discover(self.repo_arg.as_deref(), &cwd)?)
    }

    /// `TIKETTI_ACTOR`, when set.
    pub fn actor_env(&self) -> Option<&str> {
        self.actor_env.as_deref()
    }

    pub fn random_u64(&self) -> u64 {
        self.rng.borrow_mut().r#gen()
    }

    /// A fresh ticket ID not used in the work tree or HEAD.
    pub fn mint_ticket_id(&self, repo: &Repo) -> TicketId {
        loop {
            let id = TicketId::from_bits(self.random_u64());
            if !repo.id_taken(&id) {
                return id;
            }
        }
    }

    pub fn mint_event_id(&self) -> String {
        crate::ticket::id::event_id(self.random_u64())
    }

    /// `TIKETTI_ACTOR`, else the git identity; matched to a configured agent when possible.
    pub fn actor(&self, repo: &Repo, config: &Config) -> anyhow::Result<Actor> {
        let git = repo.git_identity();
        let who = match (&self.actor_env, &git) {
            (Some(a), _) => a.clone(),
            (None, Some(id)) if !id.email.is_empty() => id.email.clone(),
            (None, Some(id)) => id.name.clone(),
            (None, None) => {
                return Err(UserError::new("cannot tell who is acting")
                    .hint("set TIKETTI_ACTOR to your agent id, or `git config user.email` to your address")
                    .into());
            }
        };
        if let Some(agent) = config.agent(&who) {
            let email = agent
                .email
                .clone()
                .or_else(|| git.as_ref().map(|g| g.email.clone()))
                .filter(|e| !e.is_empty())
                .unwrap_or_else(|| placeholder_email(&agent.id));
            return Ok(Actor {
                id: agent.id.clone(),
                identity: Identity {
                    name: agent.name.clone().unwrap_or_else(|| agent.id.clone()),
                    email,
                },
            });
        }
        Ok(Actor {
            identity: self.identity_for(&who, git),
            id: who,
        })
    }

    /// The commit identity for an actor who is not a configured agent (and for `init`,
    /// which runs before there are agents): `TIKETTI_ACTOR` or the git identity.
    pub fn fallback_identity(&self, repo: &Repo) -> Identity {
        let git = repo.git_identity();
        match &self.actor_env {
            Some(a) => self.identity_for(a, git),
            None => git
                .map(|g| self.identity_for(&g.name.clone(), Some(g)))
                .unwrap_or_else(|| self.identity_for("tiketti", None)),
        }
    }

    fn identity_for(&self, who: &str, git: Option<Identity>) -> Identity {
        let email = git
            .map(|g| g.email)
            .filter(|e| !e.is_empty())
            .unwrap_or_else(|| placeholder_email(who));
        Identity {
            name: who.to_string(),
            email,
        }
    }
}

/// git needs an address: the actor's own when it is one, else one under `.invalid`
/// (RFC 2606), which can never reach anyone.
fn placeholder_email(who: &str) -> String {
    if crate::ticket::Contact::parse(who).is_ok_and(|c| c.email.as_deref() == Some(who)) {
        return who.to_string();
    }
    let local: String = who
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("{local}@tiketti.invalid")
}
