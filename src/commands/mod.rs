//! One file per subcommand: `<Name>Args` (its doc comment is the `--help` text) and
//! `run(ctx, args)`, a short recipe: resolve → domain → store → render. Shared steps
//! (opening a writing session, validating a ticket against the config) live here.

pub mod assign;
pub mod check;
pub mod clone;
pub mod completions;
pub mod config_cmd;
pub mod customer;
pub mod edit;
pub mod ingest;
pub mod init;
pub mod links;
pub mod list;
pub mod log;
pub mod mailout;
pub mod merge_file;
pub mod new;
pub mod note;
pub mod notify;
pub mod outbox;
pub mod quarantine;
pub mod remind;
pub mod reply;
pub mod report;
pub mod resolve;
pub mod search;
pub mod set;
pub mod show;
pub mod status;
pub mod sync;
pub mod template_cmd;

use std::io::IsTerminal;
use std::io::Write;

use crate::config::Config;
use crate::ctx::{Actor, Ctx};
use crate::error::UserError;
use crate::store::events_cache::CacheProgress;
use crate::store::{ChangeSet, Lock, Repo};
use crate::ticket::{Contact, Ticket, TicketId};

/// `--attach` files, read before the lock is taken: (file name, bytes).
pub fn read_attachments(paths: &[std::path::PathBuf]) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    use anyhow::Context as _;
    paths
        .iter()
        .map(|path| {
            let bytes = std::fs::read(path)
                .with_context(|| format!("cannot read attachment {}", path.display()))?;
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("attachment")
                .to_string();
            Ok((name, bytes))
        })
        .collect()
}

/// Tells about a refresh of the events cache on standard error: one line when it is
/// rebuilt, and a progress bar on a terminal while many tickets are read.
pub fn cache_progress() -> impl Fn(CacheProgress) + Sync {
    use std::io::IsTerminal;
    let tty = std::io::stderr().is_terminal();
    let bar: std::sync::Mutex<Option<indicatif::ProgressBar>> = std::sync::Mutex::new(None);
    move |p| match p {
        CacheProgress::Rebuild { tickets } => {
            eprintln!("rebuilding the search cache: reading the events of {tickets} tickets…");
        }
        CacheProgress::Reading { done, total } if tty && total >= 1000 => {
            if let Ok(mut bar) = bar.lock() {
                bar.get_or_insert_with(|| {
                    let b = indicatif::ProgressBar::new(total as u64);
                    if let Ok(style) = indicatif::ProgressStyle::with_template(
                        "{bar:40} {pos}/{len} tickets {eta}",
                    ) {
                        b.set_style(style);
                    }
                    b
                })
                .set_position(done as u64);
            }
        }
        CacheProgress::Done => {
            if let Some(b) = bar.lock().ok().and_then(|mut b| b.take()) {
                b.finish_and_clear();
            }
        }
        CacheProgress::Reading { .. } => {}
    }
}

/// A reading session: the helpdesk and its valid config.
pub fn open(ctx: &Ctx) -> anyhow::Result<(Repo, Config)> {
    let repo = ctx.repo()?;
    let config = repo.config()?;
    Ok((repo, config))
}

/// A writing session: the lock is held from `begin` until drop, so everything read inside
/// it is what the commit is built on.
pub struct Session {
    pub repo: Repo,
    pub config: Config,
    pub actor: Actor,
    lock: Lock,
}

impl Session {
    /// Lock, then read the config (under the lock: it is what this command's checks rely
    /// on), then decide who acts.
    fn open_locked(
        ctx: &Ctx,
        config: impl FnOnce(&Repo) -> anyhow::Result<Config>,
        actor: impl FnOnce(&Repo, &Config) -> anyhow::Result<Actor>,
    ) -> anyhow::Result<Session> {
        let repo = ctx.repo()?;
        let lock = repo.lock(ctx.lock_timeout)?;
        let config = config(&repo)?;
        let actor = actor(&repo, &config)?;
        Ok(Session {
            repo,
            config,
            actor,
            lock,
        })
    }

    /// An agent's session: a valid config and a known actor.
    pub fn begin(ctx: &Ctx) -> anyhow::Result<Session> {
        Session::open_locked(ctx, |r| Ok(r.config()?), |r, c| ctx.actor(r, c))
    }

    /// A session for tiketti itself acting (mail in, automation): no agent identity needed.
    pub fn begin_system(ctx: &Ctx, id: &str) -> anyhow::Result<Session> {
        Session::open_locked(
            ctx,
            |r| Ok(r.config()?),
            |_, c| {
                let email = c
                    .mail
                    .address
                    .clone()
                    .unwrap_or_else(|| format!("{id}@tiketti.invalid"));
                Ok(Actor {
                    id: id.to_string(),
                    identity: crate::store::Identity {
                        name: format!("tiketti {id}"),
                        email,
                    },
                })
            },
        )
    }

    /// A session that does not require tiketti.yaml to be valid: for commands that repair it.
    pub fn begin_unchecked(ctx: &Ctx) -> anyhow::Result<Session> {
        Session::open_locked(
            ctx,
            |r| {
                Ok(r.config().unwrap_or_else(|_| {
                    Config::parse(crate::config::DEFAULT_TEXT).expect("the default config is valid")
                }))
            },
            |r, c| ctx.actor(r, c),
        )
    }

    /// The lock this session holds, for store calls that require it.
    pub fn lock(&self) -> &Lock {
        &self.lock
    }

    pub fn resolve(&self, input: &str) -> anyhow::Result<TicketId> {
        Ok(self.repo.resolve(input)?)
    }

    pub fn ticket(&self, input: &str) -> anyhow::Result<Ticket> {
        let id = self.resolve(input)?;
        Ok(self.repo.read_ticket(&id)?)
    }

    /// One commit, `<command>: <ID> <summary>`.
    pub fn commit(&self, ctx: &Ctx, changes: &ChangeSet, message: &str) -> anyhow::Result<String> {
        Ok(self
            .repo
            .commit(&self.lock, changes, message, &self.actor.identity, ctx.now)?)
    }

    /// Write one ticket back as one commit.
    pub fn save(&self, ctx: &Ctx, ticket: &Ticket, message: &str) -> anyhow::Result<String> {
        let mut changes = ChangeSet::default();
        changes.write(Repo::ticket_path(&ticket.id), ticket.render());
        self.commit(ctx, &changes, message)
    }
}

/// A problem with a ticket's values, relative to the config.
#[derive(Debug, Clone)]
pub struct Problem {
    pub key: String,
    pub message: String,
    pub hint: Option<String>,
}

impl Problem {
    fn new(key: &str, message: String, hint: Option<String>) -> Problem {
        Problem {
            key: key.to_string(),
            message,
            hint,
        }
    }

    pub fn into_error(self) -> UserError {
        let e = UserError::new(self.message);
        match self.hint {
            Some(h) => e.hint(h),
            None => e,
        }
    }
}

/// The category's required fields (the form) that the ticket lacks. Agents must fill
/// them when they open, re-categorise, edit or solve a ticket; mail that arrives without
/// them is not refused, and `check` does not count them as damage.
pub fn missing_required(config: &Config, t: &Ticket) -> Vec<Problem> {
    let Some(c) = &t.category else {
        return Vec::new();
    };
    let Ok(def) = config.known_category(c) else {
        return Vec::new();
    };
    def.required
        .iter()
        .filter(|r| t.field(r).is_none())
        .map(|r| {
            Problem::new(
                "fields",
                format!("category {c} requires the field {r}"),
                Some(format!(
                    "give it with `{r}=VALUE` (set) or `--field {r}=VALUE` (new)"
                )),
            )
        })
        .collect()
}

/// Every value the config constrains: status, category, priority, channel, assignee,
/// group, custom fields and the contacts. (Required fields: [`missing_required`].)
pub fn validate(config: &Config, t: &Ticket) -> Vec<Problem> {
    let mut out = Vec::new();
    let unknown = |key: &str, e: crate::config::UnknownValue| {
        Problem::new(key, e.to_string(), Some(e.hint()))
    };
    if let Err(e) = config.known_status(&t.status) {
        out.push(unknown("status", e));
    }
    if let Some(c) = &t.category
        && let Err(e) = config.known_category(c)
    {
        out.push(unknown("category", e));
    }
    if let Some(p) = &t.priority
        && let Err(e) = config.known_priority(p)
    {
        out.push(unknown("priority", e));
    }
    if let Some(ch) = &t.channel
        && let Err(e) = config.known_channel(ch)
    {
        out.push(unknown("channel", e));
    }
    if let Some(a) = &t.assignee
        && let Err(e) = config.known_agent(a)
    {
        out.push(unknown("assignee", e));
    }
    if let Some(g) = &t.group
        && let Err(e) = config.known_group(g)
    {
        out.push(unknown("group", e));
    }
    for (k, v) in &t.fields {
        match config.known_field(k) {
            Err(e) => out.push(unknown("fields", e)),
            Ok(def) => {
                if let Err(why) = def.check_value(v) {
                    out.push(Problem::new("fields", why, None));
                }
            }
        }
    }
    if let Some(r) = &t.requester
        && let Err(why) = Contact::parse(r)
    {
        out.push(Problem::new(
            "requester",
            format!("requester {r:?}: {why}"),
            None,
        ));
    }
    for c in &t.cc {
        if let Err(why) = Contact::parse(c) {
            out.push(Problem::new("cc", format!("cc {c:?}: {why}"), None));
        }
    }
    for (key, value) in [("parent", &t.parent), ("tracker", &t.tracker)] {
        if let Some(v) = value
            && TicketId::parse(v).is_err()
        {
            out.push(Problem::new(
                key,
                format!("{key} {v:?} is not a ticket ID"),
                None,
            ));
        }
    }
    out
}

/// Everything an agent's change must satisfy: [`validate`] and [`missing_required`].
pub fn all_problems(config: &Config, t: &Ticket) -> Vec<Problem> {
    let mut out = validate(config, t);
    out.extend(missing_required(config, t));
    out
}

/// Refuse with the first problem, if any.
pub fn ensure_valid(config: &Config, t: &Ticket) -> anyhow::Result<()> {
    match all_problems(config, t).into_iter().next() {
        Some(p) => Err(p.into_error().into()),
        None => Ok(()),
    }
}

/// `me` → the actor, `none` → nobody, else a configured agent (by id or e-mail).
pub fn resolve_agent(config: &Config, actor: &Actor, who: &str) -> anyhow::Result<Option<String>> {
    match who {
        "none" | "" => Ok(None),
        "me" => Ok(Some(
            config
                .known_agent(&actor.id)
                .map_err(|e| {
                    UserError::new(format!(
                        "you ({}) are not an agent in tiketti.yaml",
                        actor.id
                    ))
                    .hint(e.hint())
                })?
                .id
                .clone(),
        )),
        _ => Ok(Some(
            config.known_agent(who).map_err(UserError::from)?.id.clone(),
        )),
    }
}

/// Print a line to stdout, propagating a closed pipe.
pub fn say(line: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")?;
    Ok(())
}

/// A line on a terminal while a long git history is read into the timelines cache (the
/// first time, or after a clone), ended when dropped.
pub struct WalkProgress {
    tty: bool,
    shown: bool,
}

impl WalkProgress {
    pub fn new() -> WalkProgress {
        WalkProgress {
            tty: std::io::stderr().is_terminal(),
            shown: false,
        }
    }

    pub fn tick(&mut self, done: usize, total: usize) {
        if self.tty && total >= 2000 {
            eprint!("\rreading history: {done}/{total} commits");
            self.shown = true;
        }
    }
}

impl Default for WalkProgress {
    fn default() -> Self {
        WalkProgress::new()
    }
}

impl Drop for WalkProgress {
    fn drop(&mut self) {
        if self.shown {
            eprintln!();
        }
    }
}
