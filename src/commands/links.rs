//! Sub-tickets and trackers. A link is stored on one side only (DESIGN.md §2): the child
//! holds `parent:`, a tracked ticket holds `tracker:`; a parent's children and a
//! tracker's tickets are derived by reading the others.
//!
//! `tiketti link-child PARENT [CHILD]`, `tiketti unlink CHILD`, `tiketti track …`, and the
//! rule that a parent is not solved or closed while a child is open.

use std::collections::{BTreeMap, BTreeSet};

use crate::commands::new::{self, Spec};
use crate::commands::{Session, resolve_agent, say};
use crate::config::Config;
use crate::ctx::Ctx;
use crate::error::UserError;
use crate::render::truncate;
use crate::store::{ChangeSet, Repo};
use crate::text::TextArgs;
use crate::ticket::{Event, Ticket, TicketId, kind};

/// Who names whom: every ticket's children and tracked tickets, from one scan.
#[derive(Debug, Default)]
pub struct Links {
    pub children: BTreeMap<TicketId, Vec<Ticket>>,
    pub tracked: BTreeMap<TicketId, Vec<Ticket>>,
}

impl Links {
    /// Every ticket that has a link, as the ticket cache summarises it (checked against
    /// the work tree, but without its document): a caller that changes one reads its file
    /// first. Reading every linked file here cost `solve` and `show` 25-40 ms with one
    /// tracker of 300 tickets at 100,000.
    pub fn scan(repo: &Repo) -> anyhow::Result<Links> {
        let mut links = Links::default();
        let target = |link: &Option<String>| link.as_deref().and_then(|l| TicketId::parse(l).ok());
        for t in repo.linked_summaries()? {
            let parent = target(&t.parent).filter(|p| *p != t.id);
            let tracker = target(&t.tracker).filter(|tr| *tr != t.id);
            if let Some(p) = parent {
                links.children.entry(p).or_default().push(t.clone());
            }
            if let Some(tr) = tracker {
                links.tracked.entry(tr).or_default().push(t);
            }
        }
        Ok(links)
    }

    pub fn children_of(&self, id: &TicketId) -> &[Ticket] {
        self.children.get(id).map_or(&[], Vec::as_slice)
    }

    pub fn tracked_by(&self, id: &TicketId) -> &[Ticket] {
        self.tracked.get(id).map_or(&[], Vec::as_slice)
    }

    pub fn is_tracker(&self, id: &TicketId) -> bool {
        !self.tracked_by(id).is_empty()
    }
}

/// A parent may not be solved or closed while a child is open. With `force` it may; the
/// returned note records which children were open and why it was done anyway. `links`
/// is a scan the caller already has (one for many tickets); without one, the tickets are
/// scanned only when the move closes the ticket.
#[allow(clippy::too_many_arguments)]
pub fn guard_children(
    repo: &Repo,
    links: Option<&Links>,
    config: &Config,
    ticket: &Ticket,
    to: &str,
    force: Option<&str>,
    ctx: &Ctx,
    actor: &str,
) -> anyhow::Result<Option<Event>> {
    if config.is_open(to) {
        return Ok(None);
    }
    let scanned;
    let links = match links {
        Some(l) => l,
        None => {
            scanned = Links::scan(repo)?;
            &scanned
        }
    };
    let open: Vec<&Ticket> = links
        .children_of(&ticket.id)
        .iter()
        .filter(|c| config.is_open(&c.status))
        .collect();
    if open.is_empty() {
        return Ok(None);
    }
    let list = open
        .iter()
        .map(|c| format!("{} ({})", c.id, c.status))
        .collect::<Vec<_>>()
        .join(", ");
    match force {
        None => Err(UserError::new(format!(
            "{}: cannot move to {to} while {} open: {list}",
            ticket.id,
            if open.len() == 1 {
                "a child ticket is"
            } else {
                "child tickets are"
            }
        ))
        .hint(format!(
            "solve or close the children first, or `tiketti status {} {to} --force=REASON`",
            ticket.id
        ))
        .into()),
        Some(why) => {
            let why = if why.trim().is_empty() {
                "no reason given".to_string()
            } else {
                why.trim().to_string()
            };
            let body = format!("Moved to {to} with open child tickets: {list}.\nReason: {why}\n");
            // An earlier forced move in the same second must not be overwritten.
            Ok(Some(repo.fresh_event(&ticket.id, || {
                Event::new(ctx.mint_event_id(), kind::NOTE, actor, ctx.now, &body)
            })))
        }
    }
}

/// Would making `parent` the parent of `child` close a loop?
fn makes_cycle(repo: &Repo, parent: &TicketId, child: &TicketId) -> bool {
    let mut cur = Some(parent.clone());
    let mut seen = BTreeSet::new();
    while let Some(id) = cur {
        if &id == child {
            return true;
        }
        if !seen.insert(id.clone()) {
            return false;
        }
        cur = repo
            .read_ticket(&id)
            .ok()
            .and_then(|t| t.parent)
            .and_then(|p| TicketId::parse(&p).ok());
    }
    false
}

/// Make a child ticket of PARENT for another team, or link an existing ticket as its child.
///
/// A new child inherits the parent's requester, category, tags, priority and channel
/// unless you give others, and its custom fields; it has its own group, assignee, status
/// and conversation. Prints the child's ID. The parent cannot be solved or closed while
/// a child is open.
#[derive(Debug, clap::Args)]
pub struct LinkChildArgs {
    /// The parent ticket
    pub parent: String,
    /// An existing ticket to make a child (default: create a new one)
    pub child: Option<String>,
    /// The new child's subject (default: the parent's)
    #[arg(short, long)]
    pub subject: Option<String>,
    /// The team that owns the child
    #[arg(long)]
    pub group: Option<String>,
    /// An agent id, `me`, or `none`
    #[arg(long)]
    pub assignee: Option<String>,
    /// The child's category (default: the parent's)
    #[arg(long)]
    pub category: Option<String>,
    /// The child's requester (default: the parent's)
    #[arg(short, long, value_name = "CONTACT")]
    pub requester: Option<String>,
    /// The child's tags (default: the parent's); repeat for more
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// How urgent (default: the parent's priority)
    #[arg(long)]
    pub priority: Option<String>,
    #[command(flatten)]
    pub text: TextArgs,
}

pub fn link_child(ctx: &Ctx, args: LinkChildArgs) -> anyhow::Result<()> {
    let new_child = args.child.is_none();
    let given = args.subject.is_some()
        || args.group.is_some()
        || args.assignee.is_some()
        || args.category.is_some()
        || args.requester.is_some()
        || !args.tags.is_empty()
        || args.priority.is_some()
        || args.text.given();
    if !new_child && given {
        return Err(UserError::new(
            "linking an existing ticket takes no --subject, --group, --assignee, … or text",
        )
        .hint("change the child with `tiketti set`, `assign` or `note` after linking")
        .code(crate::error::exit::USAGE)
        .into());
    }
    let subject = args.subject.as_deref().map(new::subject_line).transpose()?;
    let tags = new::tag_list(&args.tags)?;
    let requester = match &args.requester {
        Some(r) => Some(
            crate::ticket::Contact::parse(r)
                .map_err(|why| UserError::new(format!("--requester {r:?}: {why}")))?
                .to_text(),
        ),
        None => None,
    };
    // The text is read before the lock (an editor may be open for minutes); a child needs
    // none, so stdin is read only when -m or -F is given.
    let text = if args.text.given() {
        args.text
            .read(false, std::path::Path::new("/dev/null"), "")?
    } else {
        String::new()
    };

    let session = Session::begin(ctx)?;
    let parent = session.ticket(&args.parent)?;
    let config = &session.config;
    // A solved parent with an open child is what the rule below forbids; reopen it first.
    if !config.is_open(&parent.status) {
        return Err(UserError::new(format!(
            "{} is {}; a solved or closed ticket gets no new children",
            parent.id, parent.status
        ))
        .hint(format!("`tiketti reopen {}` first", parent.id))
        .into());
    }
    if let Some(child) = &args.child {
        let mut child = session.ticket(child)?;
        if child.id == parent.id {
            return Err(UserError::new(format!("{} cannot be its own child", child.id)).into());
        }
        match child
            .parent
            .as_deref()
            .and_then(|p| TicketId::parse(p).ok())
        {
            Some(p) if p == parent.id => {
                eprintln!("{}: already a child of {}", child.id, parent.id);
                return Ok(());
            }
            Some(p) => {
                return Err(
                    UserError::new(format!("{} is already a child of {p}", child.id))
                        .hint(format!("`tiketti unlink {}` first", child.id))
                        .into(),
                );
            }
            None => {}
        }
        if makes_cycle(&session.repo, &parent.id, &child.id) {
            return Err(UserError::new(format!(
                "{} is an ancestor of {}; linking it as a child would make a loop",
                child.id, parent.id
            ))
            .into());
        }
        child.set_str("parent", Some(parent.id.as_str()))?;
        session.save(
            ctx,
            &child,
            &format!("link-child: {} -> {}", parent.id, child.id),
        )?;
        return say(child.id.as_str());
    }
    let assignee = match &args.assignee {
        Some(a) => resolve_agent(config, &session.actor, a)?,
        None => None,
    };
    let subject = subject.unwrap_or_else(|| parent.subject.clone());
    let child = new::build(
        ctx,
        &session,
        Spec {
            subject: subject.clone(),
            text,
            requester: requester.or(parent.requester.clone()),
            channel: parent.channel.clone(),
            category: args.category.clone().or(parent.category.clone()),
            priority: args.priority.clone().or(parent.priority.clone()),
            assignee,
            group: args.group.clone(),
            due: None,
            cc: Vec::new(),
            tags: if tags.is_empty() {
                parent.tags.clone()
            } else {
                tags
            },
            fields: parent.fields.clone(),
            parent: Some(parent.id.to_string()),
            tracker: None,
        },
    )?;
    session.save(
        ctx,
        &child,
        &format!(
            "link-child: {} -> {} {}",
            parent.id,
            child.id,
            truncate(&subject, 60)
        ),
    )?;
    say(child.id.as_str())
}

/// Take a child ticket out of its parent (the child stays as it is otherwise).
#[derive(Debug, clap::Args)]
pub struct UnlinkArgs {
    /// The child ticket
    pub child: String,
}

pub fn unlink(ctx: &Ctx, args: UnlinkArgs) -> anyhow::Result<()> {
    let session = Session::begin(ctx)?;
    let mut child = session.ticket(&args.child)?;
    let Some(parent) = child.parent.clone() else {
        eprintln!("{}: has no parent", child.id);
        return Ok(());
    };
    child.set_str("parent", None)?;
    session.save(ctx, &child, &format!("unlink: {parent} -> {}", child.id))?;
    say(&format!("{} unlinked from {parent}", child.id))
}

/// Link tickets to a tracker: one ticket for one problem that many customers report.
///
/// `track --new --subject …` creates a tracker and prints its ID (IDs given are linked to
/// it). `track TRACKER ID…` links tickets, `track --remove ID…` unlinks them. A ticket has
/// at most one tracker; a tracker cannot itself be tracked. `reply TRACKER --to-linked`
/// sends the solution to every linked ticket's requester.
#[derive(Debug, clap::Args)]
pub struct TrackArgs {
    /// The tracker, then the tickets to link (with --new or --remove: only tickets)
    pub ids: Vec<String>,
    /// Create a new tracker ticket (needs --subject)
    #[arg(long, requires = "subject", conflicts_with = "remove")]
    pub new: bool,
    /// The new tracker's subject
    #[arg(short, long, requires = "new")]
    pub subject: Option<String>,
    /// The new tracker's group (who fixes it, e.g. product development)
    #[arg(long, requires = "new")]
    pub group: Option<String>,
    /// The new tracker's assignee: an agent id or `me`
    #[arg(long, requires = "new")]
    pub assignee: Option<String>,
    /// Unlink these tickets from their tracker
    #[arg(long)]
    pub remove: bool,
    #[command(flatten)]
    pub text: TextArgs,
}

pub fn track(ctx: &Ctx, args: TrackArgs) -> anyhow::Result<()> {
    if !args.new && !args.remove && args.ids.len() < 2 {
        return Err(UserError::new("give a tracker and the tickets to link to it")
            .hint("tiketti track TRACKER ID…, tiketti track --new --subject … [ID…], tiketti track --remove ID…")
            .code(crate::error::exit::USAGE)
            .into());
    }
    if args.remove && args.ids.is_empty() {
        return Err(UserError::new("give the tickets to unlink")
            .code(crate::error::exit::USAGE)
            .into());
    }
    if args.text.given() && !args.new {
        return Err(
            UserError::new("-m and -F describe a new tracker: they need --new")
                .code(crate::error::exit::USAGE)
                .into(),
        );
    }
    let subject = args.subject.as_deref().map(new::subject_line).transpose()?;
    let text = if args.text.given() {
        args.text
            .read(false, std::path::Path::new("/dev/null"), "")?
    } else {
        String::new()
    };

    let session = Session::begin(ctx)?;
    let mut changes = ChangeSet::default();
    if args.remove {
        let mut done = Vec::new();
        for input in &args.ids {
            let mut t = session.ticket(input)?;
            if t.tracker.is_none() {
                eprintln!("{}: not tracked", t.id);
                continue;
            }
            t.set_str("tracker", None)?;
            changes.write(Repo::ticket_path(&t.id), t.render());
            done.push(t.id.to_string());
        }
        if done.is_empty() {
            return Ok(());
        }
        session.commit(ctx, &changes, &format!("track: removed {}", done.join(" ")))?;
        for id in done {
            say(&format!("{id} untracked"))?;
        }
        return Ok(());
    }

    let links = Links::scan(&session.repo)?;
    let (tracker, members) = if args.new {
        let assignee = match &args.assignee {
            Some(a) => resolve_agent(&session.config, &session.actor, a)?,
            None => None,
        };
        let t = new::build(
            ctx,
            &session,
            Spec {
                subject: subject.clone().unwrap_or_default(),
                text,
                requester: None,
                channel: session.config.defaults.channel.clone(),
                category: None,
                priority: session.config.defaults.priority.clone(),
                assignee,
                group: args.group.clone(),
                due: None,
                cc: Vec::new(),
                tags: vec!["tracker".into()],
                fields: Vec::new(),
                parent: None,
                tracker: None,
            },
        )?;
        changes.write(Repo::ticket_path(&t.id), t.render());
        (t, &args.ids[..])
    } else {
        (session.ticket(&args.ids[0])?, &args.ids[1..])
    };
    if let Some(tr) = &tracker.tracker {
        return Err(UserError::new(format!(
            "{} is tracked by {tr}; a tracked ticket cannot be a tracker",
            tracker.id
        ))
        .into());
    }
    // Check every ticket first: all are linked, or none.
    let mut linked = Vec::new();
    let mut seen = BTreeSet::new();
    for input in members {
        let mut t = session.ticket(input)?;
        if !seen.insert(t.id.clone()) {
            continue;
        }
        if t.id == tracker.id {
            return Err(UserError::new(format!("{} cannot track itself", t.id)).into());
        }
        if links.is_tracker(&t.id) {
            return Err(UserError::new(format!(
                "{} is a tracker ({} tickets link to it); a tracker cannot itself be tracked",
                t.id,
                links.tracked_by(&t.id).len()
            ))
            .into());
        }
        match t.tracker.as_deref().and_then(|x| TicketId::parse(x).ok()) {
            Some(x) if x == tracker.id => {
                eprintln!("{}: already tracked by {}", t.id, tracker.id);
                continue;
            }
            Some(x) => {
                return Err(UserError::new(format!(
                    "{} is already tracked by {x}; a ticket has one tracker",
                    t.id
                ))
                .hint(format!("`tiketti track --remove {}` first", t.id))
                .into());
            }
            None => {}
        }
        t.set_str("tracker", Some(tracker.id.as_str()))?;
        changes.write(Repo::ticket_path(&t.id), t.render());
        linked.push(t.id.to_string());
    }
    if linked.is_empty() && !args.new {
        return Ok(());
    }
    let message = if args.new {
        format!(
            "track: new tracker {} {}{}",
            tracker.id,
            truncate(&tracker.subject, 50),
            if linked.is_empty() {
                String::new()
            } else {
                format!(", linked {}", linked.len())
            }
        )
    } else {
        format!("track: {} linked {}", tracker.id, linked.join(" "))
    };
    session.commit(ctx, &changes, &truncate(&message, 2000))?;
    if args.new {
        say(tracker.id.as_str())?;
    }
    if !linked.is_empty() {
        eprintln!("{}: {} ticket(s) linked", tracker.id, linked.len());
    }
    Ok(())
}
