//! `tiketti.yaml`: its types, the default text written by `init`, and validation.
//!
//! Validation collects every problem with the line it is on, so `config check` can list
//! them all and every other command can refuse to run on a broken config before it writes
//! anything. Lookups (statuses, transitions, agents, fields) live here; the rules about
//! tickets that use them live in the commands.

pub mod sla;
pub mod yamledit;

use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;

use serde::Deserialize;

use crate::ticket::StatusCategory;
use crate::yaml;
use yamledit::PathSeg;

pub const FILE_NAME: &str = "tiketti.yaml";
pub const DEFAULT_TEXT: &str = include_str!("default.yaml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub helpdesk: Helpdesk,
    pub statuses: Vec<StatusDef>,
    #[serde(default)]
    pub defaults: Defaults,
    #[serde(default)]
    pub categories: Vec<CategoryDef>,
    #[serde(default)]
    pub priorities: Vec<String>,
    #[serde(default)]
    pub channels: Vec<String>,
    #[serde(default)]
    pub fields: Vec<FieldDef>,
    #[serde(default)]
    pub agents: Vec<Agent>,
    #[serde(default)]
    pub groups: Vec<Group>,
    #[serde(default)]
    pub mail: MailConfig,
    #[serde(default)]
    pub routing: Vec<RoutingRule>,
    /// SLA targets, business hours and holidays (config/sla.rs).
    #[serde(default)]
    pub sla: Option<sla::SlaConfig>,
}

/// Mail settings (DESIGN.md §5, §6).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailConfig {
    /// The helpdesk's own address: never a participant, the sender of replies.
    #[serde(default)]
    pub address: Option<String>,
    /// Other addresses that reach the helpdesk (info@, sales@): never participants.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The subject tag of outgoing mail: `[<tag> #7KQ3F9XM]`.
    #[serde(default = "default_tag")]
    pub tag: String,
    /// A customer's reply to a solved ticket reopens it.
    #[serde(default = "yes")]
    pub reopen_on_reply: bool,
    /// Attachments larger than this are recorded as omitted (the raw message keeps them).
    #[serde(default = "default_attachment_cap")]
    pub max_attachment_bytes: u64,
    /// How outgoing mail leaves: a sendmail-compatible command or SMTP.
    #[serde(default)]
    pub transport: TransportKind,
    /// The command for `transport: sendmail`, run through `sh`; the message is on its
    /// standard input.
    #[serde(default = "default_sendmail")]
    pub sendmail: String,
    /// The server for `transport: smtp`.
    #[serde(default)]
    pub smtp: Option<SmtpConfig>,
    /// A new ticket from a person (not an auto-reply, bounce or list) gets an
    /// acknowledgement; a category can turn it off with `acknowledge: false`.
    #[serde(default = "yes")]
    pub acknowledge: bool,
    /// The template of the acknowledgement, `templates/<name>.md`.
    #[serde(default = "default_ack_template")]
    pub acknowledge_template: String,
    /// At most this many automatic mails to one recipient in 24 hours: an auto-responder
    /// answering every acknowledgement can never start a loop.
    #[serde(default = "default_auto_limit")]
    pub auto_mail_limit: u32,
}

/// Where outgoing mail goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TransportKind {
    #[default]
    Sendmail,
    Smtp,
}

/// An SMTP server (submission).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    /// Default: 587 for starttls and none, 465 for tls.
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default)]
    pub security: SmtpSecurity,
    /// The login; no login when unset.
    #[serde(default)]
    pub user: Option<String>,
    /// The environment variable that holds the password (never the password itself).
    #[serde(default = "default_password_env")]
    pub password_env: String,
    /// A PEM file of extra CA certificates to trust (a private CA).
    #[serde(default)]
    pub ca_file: Option<String>,
    /// Seconds to wait for the server.
    #[serde(default = "default_smtp_timeout")]
    pub timeout: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS; refused if the server does not offer it.
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a server on the same machine.
    None,
}

fn default_sendmail() -> String {
    "sendmail -t -i".into()
}

fn default_ack_template() -> String {
    "acknowledgement".into()
}

fn default_auto_limit() -> u32 {
    10
}

fn default_password_env() -> String {
    "TIKETTI_SMTP_PASSWORD".into()
}

fn default_smtp_timeout() -> u64 {
    30
}

fn default_tag() -> String {
    "Support".into()
}

fn yes() -> bool {
    true
}

fn default_attachment_cap() -> u64 {
    25 * 1024 * 1024
}

impl Default for MailConfig {
    fn default() -> MailConfig {
        MailConfig {
            address: None,
            aliases: Vec::new(),
            tag: default_tag(),
            reopen_on_reply: true,
            max_attachment_bytes: default_attachment_cap(),
            transport: TransportKind::default(),
            sendmail: default_sendmail(),
            smtp: None,
            acknowledge: true,
            acknowledge_template: default_ack_template(),
            auto_mail_limit: default_auto_limit(),
        }
    }
}

impl MailConfig {
    /// True for the helpdesk's own addresses (case-insensitive).
    pub fn is_ours(&self, email: &str) -> bool {
        self.address
            .iter()
            .chain(&self.aliases)
            .any(|a| a.eq_ignore_ascii_case(email))
    }
}

/// One text or a list of texts in YAML.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(untagged)]
pub enum OneOrMany {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn values(&self) -> &[String] {
        match self {
            OneOrMany::None => &[],
            OneOrMany::One(s) => std::slice::from_ref(s),
            OneOrMany::Many(v) => v,
        }
    }
}

/// Conditions of a routing rule: each is a case-insensitive substring (a list: any of
/// them); every condition given must match.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteMatch {
    #[serde(default)]
    pub from: OneOrMany,
    /// Any recipient: To or Cc.
    #[serde(default)]
    pub to: OneOrMany,
    #[serde(default)]
    pub cc: OneOrMany,
    #[serde(default)]
    pub subject: OneOrMany,
    #[serde(default)]
    pub body: OneOrMany,
}

/// What a matching rule sets on a new ticket.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteSet {
    pub category: Option<String>,
    pub priority: Option<String>,
    pub group: Option<String>,
    pub assignee: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// A routing rule for new tickets from mail. All matching rules apply, in order.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingRule {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(rename = "if", default)]
    pub when: RouteMatch,
    pub set: RouteSet,
}

/// How a group hands out new tickets that no rule assigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AssignMode {
    /// The member after the one who got the group's latest ticket.
    RoundRobin,
    /// The member with the fewest open tickets.
    LeastLoaded,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Helpdesk {
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusDef {
    pub name: String,
    pub category: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Allowed next statuses; `None` allows any.
    #[serde(default)]
    pub to: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    pub status: Option<String>,
    pub solve: Option<String>,
    pub close: Option<String>,
    pub reopen: Option<String>,
    pub priority: Option<String>,
    pub channel: Option<String>,
    /// The status tickets move to when their tracker's notice is sent to them
    /// (`reply TRACKER --to-linked`); default: the `solve` status.
    pub linked: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryDef {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Custom fields a ticket of this category must have.
    #[serde(default)]
    pub required: Vec<String>,
    /// Acknowledge new tickets of this category (default: `mail.acknowledge`).
    #[serde(default)]
    pub acknowledge: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    #[default]
    Text,
    Number,
    Date,
    Choice,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    pub name: String,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: FieldKind,
    #[serde(default)]
    pub options: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agent {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub name: String,
    #[serde(default)]
    pub members: Vec<String>,
    /// Auto-assignment of new tickets within the group; none when absent.
    #[serde(default)]
    pub assign: Option<AssignMode>,
}

/// Problems found so far, each placed on its line of the text.
struct Problems<'a> {
    text: &'a str,
    out: Vec<ConfigProblem>,
}

impl Problems<'_> {
    fn at(&mut self, path: &[PathSeg], message: String) {
        self.out.push(ConfigProblem {
            line: yamledit::line_of(self.text, path),
            message,
        });
    }

    /// Every name in `section` (at `section.N.key`) unique and a valid name.
    fn names<'n>(
        &mut self,
        section: &str,
        key: &str,
        what: &str,
        names: impl Iterator<Item = &'n str>,
    ) {
        let mut seen = BTreeSet::new();
        for (i, name) in names.enumerate() {
            let path = [
                PathSeg::Key(section.into()),
                PathSeg::Index(i),
                PathSeg::Key(key.into()),
            ];
            if !seen.insert(name) {
                self.at(&path, format!("{what} {name:?} is defined twice"));
            }
            if let Err(why) = check_name(name) {
                self.at(&path, format!("{what} {name:?}: {why}"));
            }
        }
    }
}

/// One problem in tiketti.yaml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{FILE_NAME}:{line}: {}", self.message),
            None => write!(f, "{FILE_NAME}: {}", self.message),
        }
    }
}

/// A broken config: every problem found, the first one as the message.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", .problems.first().map(|p| p.to_string()).unwrap_or_default())]
pub struct ConfigError {
    pub problems: Vec<ConfigProblem>,
}

/// A value that is not one of the configured ones.
#[derive(Debug, Clone, thiserror::Error)]
#[error("unknown {what} {value:?}")]
pub struct UnknownValue {
    pub what: &'static str,
    pub value: String,
    pub valid: Vec<String>,
}

impl UnknownValue {
    pub fn hint(&self) -> String {
        let what = plural(self.what);
        if self.valid.is_empty() {
            format!("no {what} are configured in {FILE_NAME}")
        } else {
            format!("{what} are {} ({FILE_NAME})", self.valid.join(", "))
        }
    }
}

impl Config {
    pub fn load(root: &Path) -> Result<Config, ConfigError> {
        let path = root.join(FILE_NAME);
        let text = std::fs::read_to_string(&path).map_err(|e| ConfigError {
            problems: vec![ConfigProblem {
                line: None,
                message: format!("cannot read {}: {e}", path.display()),
            }],
        })?;
        Config::parse(&text)
    }

    /// Parse and validate; every problem is reported.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let config: Config = yaml::from_str(text).map_err(|e| ConfigError {
            problems: vec![ConfigProblem {
                line: e.line,
                message: e.message,
            }],
        })?;
        let problems = config.problems(text);
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(ConfigError { problems })
        }
    }

    fn problems(&self, text: &str) -> Vec<ConfigProblem> {
        let mut problems = Problems {
            text,
            out: Vec::new(),
        };
        let key = |k: &str| PathSeg::Key(k.to_string());
        let item = |section: &str, i: usize, k: &str| vec![key(section), PathSeg::Index(i), key(k)];

        if self.statuses.is_empty() {
            problems.at(
                &[key("statuses")],
                "`statuses` must list at least one status".into(),
            );
        }
        let status_names = self.status_names();
        problems.names(
            "statuses",
            "name",
            "status",
            self.statuses.iter().map(|x| x.name.as_str()),
        );
        for (i, s) in self.statuses.iter().enumerate() {
            if StatusCategory::parse(&s.category).is_none() {
                problems.at(
                    &item("statuses", i, "category"),
                    format!(
                        "status {:?}: unknown category {:?}; categories are new, open, pending, on-hold, solved, closed",
                        s.name, s.category
                    ),
                );
            }
            for to in s.to.iter().flatten() {
                if !status_names.contains(to) {
                    problems.at(
                        &item("statuses", i, "to"),
                        format!("status {:?} may move to unknown status {to:?}", s.name),
                    );
                }
            }
        }

        let d = &self.defaults;
        for (k, v, want) in [
            ("status", &d.status, None),
            ("solve", &d.solve, Some(StatusCategory::Solved)),
            ("close", &d.close, Some(StatusCategory::Closed)),
            ("reopen", &d.reopen, None),
            ("linked", &d.linked, None),
        ] {
            let Some(v) = v else { continue };
            match (self.status_category(v), want) {
                (None, _) => problems.at(
                    &[key("defaults"), key(k)],
                    format!(
                        "defaults.{k}: unknown status {v:?}; statuses are {}",
                        status_names.join(", ")
                    ),
                ),
                (Some(c), Some(want)) if c != want => problems.at(
                    &[key("defaults"), key(k)],
                    format!(
                        "defaults.{k}: status {v:?} is in category {}, not {}",
                        c.as_str(),
                        want.as_str()
                    ),
                ),
                _ => {}
            }
        }
        if let Some(p) = &d.priority
            && !self.priorities.contains(p)
        {
            problems.at(
                &[key("defaults"), key("priority")],
                format!(
                    "defaults.priority: unknown priority {p:?}; priorities are {}",
                    self.priorities.join(", ")
                ),
            );
        }
        if let Some(c) = &d.channel
            && !self.channels.is_empty()
            && !self.channels.contains(c)
        {
            problems.at(
                &[key("defaults"), key("channel")],
                format!(
                    "defaults.channel: unknown channel {c:?}; channels are {}",
                    self.channels.join(", ")
                ),
            );
        }

        for (section, names) in [
            ("priorities", &self.priorities),
            ("channels", &self.channels),
        ] {
            let mut seen = BTreeSet::new();
            for (i, n) in names.iter().enumerate() {
                if !seen.insert(n) {
                    problems.at(
                        &[key(section), PathSeg::Index(i)],
                        format!("{section}: {n:?} is listed twice"),
                    );
                }
                if let Err(why) = check_name(n) {
                    problems.at(
                        &[key(section), PathSeg::Index(i)],
                        format!("{section}: {n:?}: {why}"),
                    );
                }
            }
        }

        let field_names: Vec<&str> = self.fields.iter().map(|f| f.name.as_str()).collect();
        problems.names(
            "fields",
            "name",
            "field",
            self.fields.iter().map(|x| x.name.as_str()),
        );
        for (i, f) in self.fields.iter().enumerate() {
            if f.kind == FieldKind::Choice && f.options.is_empty() {
                problems.at(
                    &item("fields", i, "type"),
                    format!("field {:?} is a choice but has no options", f.name),
                );
            }
        }

        problems.names(
            "categories",
            "name",
            "category",
            self.categories.iter().map(|x| x.name.as_str()),
        );
        for (i, c) in self.categories.iter().enumerate() {
            for r in &c.required {
                if !field_names.contains(&r.as_str()) {
                    problems.at(
                        &item("categories", i, "required"),
                        format!(
                            "category {:?} requires unknown field {r:?}; define it under `fields`",
                            c.name
                        ),
                    );
                }
            }
        }

        problems.names(
            "agents",
            "id",
            "agent",
            self.agents.iter().map(|x| x.id.as_str()),
        );
        for (i, a) in self.agents.iter().enumerate() {
            if matches!(a.id.as_str(), "me" | "none") {
                problems.at(
                    &item("agents", i, "id"),
                    format!("agent id {:?} is reserved", a.id),
                );
            }
        }
        problems.names(
            "groups",
            "name",
            "group",
            self.groups.iter().map(|x| x.name.as_str()),
        );
        for (i, g) in self.groups.iter().enumerate() {
            if g.name == "none" {
                problems.at(
                    &item("groups", i, "name"),
                    "group name \"none\" is reserved".into(),
                );
            }
            for m in &g.members {
                if self.agent(m).is_none() {
                    problems.at(
                        &item("groups", i, "members"),
                        format!(
                            "group {:?} has unknown member {m:?}; define the agent under `agents`",
                            g.name
                        ),
                    );
                }
            }
        }
        if let Some(a) = &self.mail.address
            && !a.contains('@')
        {
            problems.at(
                &[key("mail"), key("address")],
                format!("mail.address {a:?} is not an e-mail address"),
            );
        }
        if !self.channels.is_empty() && !self.channels.iter().any(|c| c == "email") {
            problems.at(
                &[key("channels")],
                "channels must include email: mail taken in by `tiketti ingest` is recorded as email".into(),
            );
        }
        if self.mail.tag.trim().is_empty() || self.mail.tag.contains(['[', ']', '#']) {
            problems.at(
                &[key("mail"), key("tag")],
                format!(
                    "mail.tag {:?} cannot be empty or contain [, ] or #",
                    self.mail.tag
                ),
            );
        }
        if self.mail.transport == TransportKind::Smtp && self.mail.smtp.is_none() {
            problems.at(
                &[key("mail"), key("transport")],
                "mail.transport is smtp but there is no mail.smtp section (host, port, security, user, password_env)".into(),
            );
        }
        if self.mail.transport == TransportKind::Sendmail && self.mail.sendmail.trim().is_empty() {
            problems.at(
                &[key("mail"), key("sendmail")],
                "mail.sendmail cannot be empty; the default is `sendmail -t -i`".into(),
            );
        }
        if let Some(smtp) = &self.mail.smtp {
            if smtp.host.trim().is_empty() {
                problems.at(
                    &[key("mail"), key("smtp"), key("host")],
                    "mail.smtp.host cannot be empty".into(),
                );
            }
            if smtp.user.is_some() && smtp.password_env.trim().is_empty() {
                problems.at(
                    &[key("mail"), key("smtp"), key("password_env")],
                    "mail.smtp.password_env must name the environment variable that holds the password".into(),
                );
            }
        }
        if let Err(why) = crate::template::check_name(&self.mail.acknowledge_template) {
            problems.at(
                &[key("mail"), key("acknowledge_template")],
                format!("mail.acknowledge_template: {why}"),
            );
        }
        for (i, rule) in self.routing.iter().enumerate() {
            let at = |k: &str| vec![key("routing"), PathSeg::Index(i), key("set"), key(k)];
            let name = rule.name.clone().unwrap_or_else(|| format!("#{}", i + 1));
            let s = &rule.set;
            if let Some(c) = &s.category
                && self.known_category(c).is_err()
            {
                problems.at(
                    &at("category"),
                    format!("routing rule {name}: unknown category {c:?}"),
                );
            }
            if let Some(p) = &s.priority
                && self.known_priority(p).is_err()
            {
                problems.at(
                    &at("priority"),
                    format!("routing rule {name}: unknown priority {p:?}"),
                );
            }
            if let Some(g) = &s.group
                && self.known_group(g).is_err()
            {
                problems.at(
                    &at("group"),
                    format!("routing rule {name}: unknown group {g:?}"),
                );
            }
            for t in &s.tags {
                if let Err(why) = crate::ticket::check_tag(t) {
                    problems.at(&at("tags"), format!("routing rule {name}: {why}"));
                }
            }
            if let Some(a) = &s.assignee
                && self.agent(a).is_none()
            {
                problems.at(
                    &at("assignee"),
                    format!("routing rule {name}: unknown agent {a:?}"),
                );
            }
        }
        for (i, g) in self.groups.iter().enumerate() {
            if g.assign.is_some() && g.members.is_empty() {
                problems.at(
                    &item("groups", i, "assign"),
                    format!("group {:?} auto-assigns but has no members", g.name),
                );
            }
        }
        sla::check(self, &mut problems);
        problems.out
    }

    pub fn status_names(&self) -> Vec<String> {
        self.statuses.iter().map(|s| s.name.clone()).collect()
    }

    pub fn status(&self, name: &str) -> Option<&StatusDef> {
        self.statuses.iter().find(|s| s.name == name)
    }

    pub fn status_category(&self, name: &str) -> Option<StatusCategory> {
        self.status(name)
            .and_then(|s| StatusCategory::parse(&s.category))
    }

    /// Open unless the status is known to be solved or closed: an unknown status stays visible.
    pub fn is_open(&self, status: &str) -> bool {
        self.status_category(status).is_none_or(|c| c.is_open())
    }

    pub fn known_status(&self, name: &str) -> Result<&StatusDef, UnknownValue> {
        self.status(name).ok_or_else(|| UnknownValue {
            what: "status",
            value: name.to_string(),
            valid: self.status_names(),
        })
    }

    /// The first status of `category`, or `preferred` when set.
    fn status_for(&self, preferred: &Option<String>, category: StatusCategory) -> Option<String> {
        preferred.clone().or_else(|| {
            self.statuses
                .iter()
                .find(|s| StatusCategory::parse(&s.category) == Some(category))
                .map(|s| s.name.clone())
        })
    }

    pub fn initial_status(&self) -> String {
        self.status_for(&self.defaults.status, StatusCategory::New)
            .or_else(|| self.statuses.first().map(|s| s.name.clone()))
            .unwrap_or_else(|| "new".into())
    }

    pub fn solve_status(&self) -> Option<String> {
        self.status_for(&self.defaults.solve, StatusCategory::Solved)
    }

    pub fn close_status(&self) -> Option<String> {
        self.status_for(&self.defaults.close, StatusCategory::Closed)
    }

    /// Where linked tickets go when their tracker's notice is sent.
    pub fn linked_status(&self) -> Option<String> {
        self.defaults.linked.clone().or_else(|| self.solve_status())
    }

    pub fn reopen_status(&self) -> Option<String> {
        self.status_for(&self.defaults.reopen, StatusCategory::Open)
    }

    /// May a ticket move from `from` to `to`? An unknown current status may move anywhere.
    pub fn check_transition(&self, from: &str, to: &str) -> Result<(), String> {
        if from == to {
            return Err(format!("the ticket is already {to}"));
        }
        let Some(def) = self.status(from) else {
            return Ok(());
        };
        match &def.to {
            Some(allowed) if !allowed.iter().any(|a| a == to) => Err(format!(
                "a ticket cannot move from {from} to {to}; from {from} it can move to {}",
                if allowed.is_empty() {
                    "nothing".to_string()
                } else {
                    allowed.join(", ")
                }
            )),
            _ => Ok(()),
        }
    }

    pub fn known_category(&self, name: &str) -> Result<&CategoryDef, UnknownValue> {
        self.categories
            .iter()
            .find(|c| c.name == name)
            .ok_or_else(|| UnknownValue {
                what: "category",
                value: name.to_string(),
                valid: self.categories.iter().map(|c| c.name.clone()).collect(),
            })
    }

    /// Does a new ticket of `category` get an acknowledgement?
    pub fn acknowledges(&self, category: Option<&str>) -> bool {
        category
            .and_then(|c| self.categories.iter().find(|d| d.name == c))
            .and_then(|d| d.acknowledge)
            .unwrap_or(self.mail.acknowledge)
    }

    /// The name the helpdesk signs automatic mail with.
    pub fn helpdesk_name(&self) -> &str {
        if self.helpdesk.name.trim().is_empty() {
            "Helpdesk"
        } else {
            self.helpdesk.name.trim()
        }
    }

    pub fn known_priority(&self, name: &str) -> Result<(), UnknownValue> {
        if self.priorities.iter().any(|p| p == name) {
            Ok(())
        } else {
            Err(UnknownValue {
                what: "priority",
                value: name.to_string(),
                valid: self.priorities.clone(),
            })
        }
    }

    /// Any channel is accepted when none are configured.
    pub fn known_channel(&self, name: &str) -> Result<(), UnknownValue> {
        if self.channels.is_empty() || self.channels.iter().any(|c| c == name) {
            Ok(())
        } else {
            Err(UnknownValue {
                what: "channel",
                value: name.to_string(),
                valid: self.channels.clone(),
            })
        }
    }

    pub fn known_group(&self, name: &str) -> Result<&Group, UnknownValue> {
        self.groups
            .iter()
            .find(|g| g.name == name)
            .ok_or_else(|| UnknownValue {
                what: "group",
                value: name.to_string(),
                valid: self.groups.iter().map(|g| g.name.clone()).collect(),
            })
    }

    pub fn known_field(&self, name: &str) -> Result<&FieldDef, UnknownValue> {
        self.fields
            .iter()
            .find(|f| f.name == name)
            .ok_or_else(|| UnknownValue {
                what: "field",
                value: name.to_string(),
                valid: self.fields.iter().map(|f| f.name.clone()).collect(),
            })
    }

    /// An agent by id, or by e-mail address (case-insensitive).
    pub fn agent(&self, who: &str) -> Option<&Agent> {
        self.agents.iter().find(|a| {
            a.id == who
                || a.email
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(who))
        })
    }

    pub fn known_agent(&self, who: &str) -> Result<&Agent, UnknownValue> {
        self.agent(who).ok_or_else(|| UnknownValue {
            what: "agent",
            value: who.to_string(),
            valid: self.agents.iter().map(|a| a.id.clone()).collect(),
        })
    }
}

impl FieldDef {
    /// Check a value against the field's type; the empty value (clearing) is always valid.
    pub fn check_value(&self, value: &str) -> Result<(), String> {
        if value.is_empty() {
            return Ok(());
        }
        match self.kind {
            FieldKind::Text => Ok(()),
            FieldKind::Number => value
                .parse::<f64>()
                .map(|_| ())
                .map_err(|_| format!("field {}: {value:?} is not a number", self.name)),
            FieldKind::Date => chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
                .map(|_| ())
                .map_err(|_| {
                    format!(
                        "field {}: {value:?} is not a date like 2026-11-30",
                        self.name
                    )
                }),
            FieldKind::Choice if self.options.iter().any(|o| o == value) => Ok(()),
            FieldKind::Choice => Err(format!(
                "field {}: {value:?} is not one of {}",
                self.name,
                self.options.join(", ")
            )),
        }
    }
}

fn plural(what: &str) -> String {
    match what {
        "status" => "statuses".into(),
        "category" => "categories".into(),
        "priority" => "priorities".into(),
        w => format!("{w}s"),
    }
}

/// Names people type: no spaces, commas or control characters.
fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("it is empty".into());
    }
    if name
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || ",=+#".contains(c))
    {
        return Err("names cannot contain spaces or any of , = + #".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_is_valid() {
        let c = Config::parse(DEFAULT_TEXT).unwrap();
        assert_eq!(c.initial_status(), "new");
        assert_eq!(c.solve_status().as_deref(), Some("solved"));
        assert_eq!(c.reopen_status().as_deref(), Some("open"));
        assert!(c.is_open("waiting-on-delivery"));
        assert!(!c.is_open("closed"));
        assert!(c.is_open("unheard-of"));
        assert_eq!(
            c.known_category("complaint").unwrap().required,
            vec!["customer_number"]
        );
    }

    #[test]
    fn transitions() {
        let c = Config::parse(DEFAULT_TEXT).unwrap();
        assert!(c.check_transition("new", "open").is_ok());
        assert!(
            c.check_transition("closed", "solved")
                .unwrap_err()
                .contains("can move to open")
        );
        assert!(
            c.check_transition("open", "open")
                .unwrap_err()
                .contains("already")
        );
        assert!(c.check_transition("legacy", "open").is_ok());
    }

    #[test]
    fn problems_name_their_line() {
        let text = DEFAULT_TEXT.replace("category: pending\n", "category: pendng\n");
        let err = Config::parse(&text).unwrap_err();
        let p = &err.problems[0];
        assert!(p.message.contains("unknown category \"pendng\""), "{p}");
        let line = text.lines().position(|l| l.contains("pendng")).unwrap() + 1;
        assert_eq!(p.line, Some(line));

        let text = DEFAULT_TEXT.replace("required: [customer_number]", "required: [cust_no]");
        let err = Config::parse(&text).unwrap_err();
        assert!(
            err.to_string().contains("unknown field \"cust_no\""),
            "{err}"
        );

        let err = Config::parse("statuses: []\nbogus: 1\n").unwrap_err();
        assert!(err.to_string().contains("bogus"), "{err}");
        assert_eq!(err.problems[0].line, Some(2));
    }

    #[test]
    fn unknown_values_list_the_valid_ones() {
        let c = Config::parse(DEFAULT_TEXT).unwrap();
        let err = c.known_status("slvd").unwrap_err();
        assert_eq!(err.to_string(), "unknown status \"slvd\"");
        assert!(
            err.hint().starts_with("statuses are new, open, pending"),
            "{}",
            err.hint()
        );
        assert!(c.agent("ANNA@example.com").is_some());
    }

    #[test]
    fn field_types() {
        let f = FieldDef {
            name: "n".into(),
            label: None,
            kind: FieldKind::Number,
            options: vec![],
        };
        assert!(f.check_value("12.5").is_ok());
        assert!(f.check_value("x").is_err());
        assert!(f.check_value("").is_ok());
    }
}
