//! `tiketti reply TRACKER --to-linked`: the tracker's solution, once, to every linked
//! ticket's requester, each threaded to that customer's own messages.
//!
//! Exactly once, even when the command is interrupted and run again: the notice has an
//! ID derived from the tracker and the text, the tracker records it (a `notice` event),
//! and each linked ticket that got it carries an outbound event with `notice: <ID>`. A
//! run skips every ticket that already has one and only queues mail for events it
//! commits; the outbox sends an entry only once its event is committed and marks it sent
//! only after the transport accepted it. Commits go in batches, so an interrupted run
//! keeps what it finished.

use anyhow::Context as _;

use crate::commands::links::Links;
use crate::commands::mailout::{self, Draft, Thread};
use crate::commands::reply::ReplyArgs;
use crate::commands::{Session, open, outbox, say};
use crate::ctx::Ctx;
use crate::error::UserError;
use crate::mail::inbound::hash_bits;
use crate::mail::outbound::Auto;
use crate::store::{ChangeSet, Repo};
use crate::text::tidy;
use crate::ticket::id::event_id;
use crate::ticket::{Event, Ticket, kind};

/// Linked tickets per commit.
const BATCH: usize = 50;

/// Test hook: exit abruptly after this many linked tickets are committed, as a killed
/// process would (`TIKETTI_TEST_ABORT_AFTER`).
fn abort_after() -> Option<usize> {
    std::env::var("TIKETTI_TEST_ABORT_AFTER")
        .ok()
        .and_then(|v| v.parse().ok())
}

/// The text: `-m`/`-F`/stdin, or a template filled for each linked ticket.
enum Source {
    Text(String),
    Template(crate::template::Template),
}

pub fn run(ctx: &Ctx, args: ReplyArgs) -> anyhow::Result<()> {
    if !args.attach.is_empty() || !args.cc.is_empty() || args.edit {
        return Err(UserError::new(
            "--to-linked sends one text to many customers: it takes no --attach, --cc or --edit",
        )
        .code(crate::error::exit::USAGE)
        .into());
    }
    let (repo, _) = open(ctx)?;
    let (source, fingerprint) = match &args.template {
        Some(name) => {
            let t = mailout::load_template(&repo, name)?;
            let fp = format!("template:{name}\n{}\n{:?}", t.body, t.subject);
            (Source::Template(t), fp)
        }
        None => {
            let scratch =
                std::env::temp_dir().join(format!("tiketti-notice-{}.md", std::process::id()));
            let text = tidy(&args.text.read(
                ctx.stdin_is_tty,
                &scratch,
                "# Write the solution for every linked ticket's requester. Lines starting with '# ' are dropped.\n",
            )?);
            if text.is_empty() {
                return Err(
                    UserError::new("the reply is empty; nothing was written or sent").into(),
                );
            }
            (Source::Text(text.clone()), format!("text\n{text}"))
        }
    };
    drop(repo);

    let session = Session::begin(ctx)?;
    let config = session.config.clone();
    let mut tracker = session.ticket(&args.id)?;
    let links = Links::scan(&session.repo)?;
    // Each linked ticket is changed and written: from its file, not its summary.
    let mut linked: Vec<Ticket> = links
        .tracked_by(&tracker.id)
        .iter()
        .filter_map(|t| session.repo.read_ticket(&t.id).ok())
        .collect();
    linked.sort_by(|a, b| a.id.cmp(&b.id));
    if linked.is_empty() {
        return Err(
            UserError::new(format!("{} has no linked tickets", tracker.id))
                .hint(format!("link them with `tiketti track {} ID…`", tracker.id))
                .into(),
        );
    }
    let notice = event_id(hash_bits(
        "notice",
        &format!("{}\n{fingerprint}", tracker.id),
    ));
    let target = if args.leave_open {
        None
    } else {
        Some(config.linked_status().ok_or_else(|| {
            UserError::new("no status for linked tickets is configured").hint(
                "set defaults.linked (or defaults.solve) in tiketti.yaml, or give --leave-open",
            )
        })?)
    };

    // The tracker records the notice once, with its own status change if asked.
    let mut first = ChangeSet::default();
    let tracker_events = session.repo.read_events(&tracker.id)?;
    let recorded = tracker_events
        .iter()
        .any(|(_, e)| e.as_ref().is_ok_and(|e| e.id == notice));
    let old_status = tracker.status.clone();
    if let Some(to) = &args.status
        && *to != tracker.status
        && recorded
        && !config.is_open(&tracker.status)
    {
        // The run that recorded this notice moved the tracker, and it has moved on since
        // (closed): a re-run only finishes the fan-out. (Open again, after a merge or a
        // reopen, it is moved as asked.)
        eprintln!(
            "{}: {}, notice {notice} recorded before; status left as it is",
            tracker.id, tracker.status
        );
    } else if let Some(to) = &args.status
        && *to != tracker.status
    {
        crate::commands::status::check_move(&config, &tracker, to)?;
        crate::commands::links::guard_children(
            &session.repo,
            Some(&links),
            &config,
            &tracker,
            to,
            None,
            ctx,
            &session.actor.id,
        )?;
        tracker.set_str("status", Some(to))?;
        first.write(Repo::ticket_path(&tracker.id), tracker.render());
    }
    if !recorded {
        let body = match &source {
            Source::Text(t) => t.clone(),
            Source::Template(t) => format!("(template {})\n{}", t.name, t.body),
        };
        let mut e = Event::new(
            notice.clone(),
            kind::NOTICE,
            &session.actor.id,
            ctx.now,
            &body,
        );
        e.set_str("template", args.template.as_deref().unwrap_or(""));
        first.write(
            format!("{}/events/{}", tracker.id.dir(), e.file_name()),
            e.render(),
        );
    }

    let helpdesk = config.helpdesk_name().to_string();
    let outbox = session.repo.outbox();
    let (mut queued, mut skipped, mut already, mut left_open) =
        (Vec::new(), Vec::new(), 0, Vec::new());
    let mut batch = first;
    let mut batch_entries: Vec<crate::store::outbox::Entry> = Vec::new();
    let mut in_batch = 0;
    let mut committed = 0;
    let total = linked.len();
    for (n, mut t) in linked.into_iter().enumerate() {
        let events = session.repo.read_events(&t.id)?;
        let has_notice = events.iter().any(|(_, e)| {
            e.as_ref().is_ok_and(|e| {
                e.doc.get_str("notice").ok().flatten().as_deref() == Some(notice.as_str())
            })
        });
        if has_notice {
            already += 1;
        } else {
            let to = mailout::requester(&t);
            if to.is_empty() {
                skipped.push(format!("{} (no requester address)", t.id));
            } else {
                let (subject, text) = match &source {
                    Source::Text(text) => (None, text.clone()),
                    Source::Template(tpl) => mailout::fill(
                        tpl,
                        &mailout::vars(
                            &config,
                            &t,
                            Some((&session.actor.identity.name, &session.actor.identity.email)),
                        ),
                    )?,
                };
                let cc = if args.no_cc {
                    Vec::new()
                } else {
                    mailout::participants(&config, &t, &to)
                };
                let draft = Draft {
                    author: session.actor.id.clone(),
                    from_name: format!("{} ({helpdesk})", session.actor.identity.name),
                    to,
                    cc,
                    subject,
                    text,
                    attachments: Vec::new(),
                    auto: Some((Auto::Generated, "notice".into())),
                    template: args.template.clone(),
                    thread: Thread::of(&events),
                };
                let eid = event_id(hash_bits("notice", &format!("{notice}\n{}", t.id)));
                let mut composed =
                    mailout::compose(&session.repo, &config, &t, eid, ctx.now, &draft)
                        .with_context(|| format!("the notice to {}", t.id))?;
                composed.event.set_str("notice", &notice);
                composed.add_files(&t, &[], &mut batch);
                outbox.put(&composed.entry, &composed.raw)?;
                batch_entries.push(composed.entry.clone());
                queued.push(composed.entry.id.clone());
                if let Some(to) = &target
                    && *to != t.status
                {
                    let moved = crate::commands::status::check_move(&config, &t, to)
                        .map_err(|e| e.message)
                        .and_then(|()| {
                            crate::commands::links::guard_children(
                                &session.repo,
                                Some(&links),
                                &config,
                                &t,
                                to,
                                None,
                                ctx,
                                &session.actor.id,
                            )
                            .map_err(|e| e.to_string())
                        });
                    match moved {
                        Ok(_) => {
                            t.set_str("status", Some(to))?;
                            batch.write(Repo::ticket_path(&t.id), t.render());
                        }
                        Err(why) if why.starts_with(t.id.as_str()) => left_open.push(why),
                        Err(why) => left_open.push(format!("{}: {why}", t.id)),
                    }
                }
                in_batch += 1;
            }
        }
        let last = n + 1 == total;
        if in_batch == BATCH || (last && !batch.is_empty()) {
            let message = format!(
                "reply: {} notice {notice} to {} linked ticket(s){}",
                tracker.id,
                in_batch,
                if old_status != tracker.status && committed == 0 {
                    format!(", {old_status} -> {}", tracker.status)
                } else {
                    String::new()
                }
            );
            if let Err(e) = session.commit(ctx, &batch, &message) {
                for e in &batch_entries {
                    outbox.discard_uncommitted(&session.repo, e);
                }
                return Err(e);
            }
            committed += in_batch;
            batch = ChangeSet::default();
            batch_entries.clear();
            in_batch = 0;
            if abort_after().is_some_and(|a| committed >= a) {
                // As a killed process would: no unwinding, no flush.
                std::process::exit(137);
            }
        }
    }
    let tracker_id = tracker.id.clone();
    drop(session);

    for s in &skipped {
        eprintln!("warning: no notice to {s}");
    }
    for s in &left_open {
        eprintln!("warning: status unchanged: {s}");
    }
    if already > 0 {
        eprintln!("{tracker_id}: {already} linked ticket(s) already had this notice");
    }
    let mut sent = 0;
    if !args.queue {
        // Everything of this notice still queued, including what an interrupted run left.
        let (repo, config) = open(ctx)?;
        let pending: Vec<String> = repo
            .outbox()
            .entries(crate::store::outbox::Folder::Queued)?
            .into_iter()
            // An entry a dying flush was sending may have been delivered: only a flush
            // that names it by hand sends it again.
            .filter(|e| e.sending.is_none())
            .filter(|e| {
                e.event.as_deref().is_some_and(|p| {
                    std::fs::read_to_string(repo.path(p))
                        .is_ok_and(|t| t.contains(&format!("\nnotice: {notice}\n")))
                })
            })
            .map(|e| e.id)
            .collect();
        if !pending.is_empty() {
            // Everything is committed and queued: a failure to send is a warning.
            match outbox::flush(ctx, &repo, &config, None, Some(&pending), true) {
                Ok(done) => {
                    outbox::report(&done);
                    sent = done.sent.len();
                }
                Err(e) => {
                    eprintln!(
                        "warning: the notices are stored and queued, but sending failed: {e:#}"
                    );
                    eprintln!("hint: `tiketti outbox flush` sends them later");
                }
            }
        }
    }
    say(&format!(
        "{tracker_id} notice {notice}: {} queued, {sent} sent, {already} already notified{}",
        queued.len(),
        if skipped.is_empty() {
            String::new()
        } else {
            format!(", {} without address", skipped.len())
        }
    ))
}
