//! `tiketti reply ID`: a public reply to the customer, stored as an outbound event and
//! sent by mail (DESIGN.md §6), optionally from a template and with a status change in
//! the same commit.

use std::path::PathBuf;

use crate::commands::mailout::{self, Draft, Thread};
use crate::commands::outbox;
use crate::commands::{Session, open, read_attachments, say};
use crate::ctx::Ctx;
use crate::error::UserError;
use crate::store::ChangeSet;
use crate::text::{self, TextArgs, tidy};
use crate::ticket::{Contact, attachment};

/// Reply to the customer by mail. The reply goes to the requester, with the ticket's
/// other participants on Cc, threaded to the customer's latest message.
///
/// The text comes from -m, -F FILE, standard input, your editor, or --template.
#[derive(Debug, clap::Args)]
pub struct ReplyArgs {
    /// The ticket ID or a unique prefix of 4+ characters
    pub id: String,
    #[command(flatten)]
    pub text: TextArgs,
    /// Fill the reply from templates/NAME.md (`tiketti template list`)
    #[arg(long, short = 't', value_name = "NAME", conflicts_with_all = ["message", "file"])]
    pub template: Option<String>,
    /// Open the filled template in your editor before sending
    #[arg(long, requires = "template")]
    pub edit: bool,
    /// Attach a file; repeat for more
    #[arg(long = "attach", value_name = "FILE")]
    pub attach: Vec<PathBuf>,
    /// Move the ticket to this status in the same step (pending: waiting for the
    /// customer; solved)
    #[arg(long, value_name = "STATUS")]
    pub status: Option<String>,
    /// Also send to this address (this reply only); repeat for more
    #[arg(long, value_name = "ADDRESS")]
    pub cc: Vec<String>,
    /// Send to the requester only, not to the ticket's other participants
    #[arg(long)]
    pub no_cc: bool,
    /// Queue the reply without sending it now (`tiketti outbox flush` sends it)
    #[arg(long)]
    pub queue: bool,
    /// ID is a tracker: send the reply to the requester of every linked ticket, once
    /// each, and move those tickets to defaults.linked (solved)
    #[arg(long)]
    pub to_linked: bool,
    /// With --to-linked: leave the linked tickets' status as it is
    #[arg(long, requires = "to_linked")]
    pub leave_open: bool,
}

pub fn run(ctx: &Ctx, args: ReplyArgs) -> anyhow::Result<()> {
    // clap lets `requires = "template"` pass when -m or -F is given (they conflict with
    // --template, which exempts it), so --edit would be ignored silently.
    if args.edit && args.template.is_none() {
        return Err(UserError::new(
            "--edit opens a template in your editor; it needs --template NAME",
        )
        .code(crate::error::exit::USAGE)
        .into());
    }
    if args.to_linked {
        return crate::commands::notify::run(ctx, args);
    }
    let extra_cc = args
        .cc
        .iter()
        .map(|c| {
            Contact::parse(c)
                .ok()
                .filter(|c| c.email.is_some())
                .ok_or_else(|| UserError::new(format!("--cc {c:?} is not an e-mail address")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    // Everything the user gives is read before the lock is taken: files, text, editor.
    let files = read_attachments(&args.attach)?;
    let scratch = std::env::temp_dir().join(format!("tiketti-reply-{}.md", std::process::id()));
    let (template_subject, text) = match &args.template {
        Some(name) => {
            let (repo, config) = open(ctx)?;
            let ticket = repo.read_ticket(&repo.resolve(&args.id)?)?;
            let actor = ctx.actor(&repo, &config)?;
            let template = mailout::load_template(&repo, name)?;
            let vars = mailout::vars(
                &config,
                &ticket,
                Some((&actor.identity.name, &actor.identity.email)),
            );
            let (subject, body) = mailout::fill(&template, &vars)?;
            let body = if args.edit {
                text::edit(
                    &scratch,
                    &format!(
                        "# Edit the reply to {}. Lines starting with '# ' are dropped.\n{body}",
                        ticket.id
                    ),
                )?
            } else {
                body
            };
            (subject, body)
        }
        None => (
            None,
            args.text.read(
                ctx.stdin_is_tty,
                &scratch,
                "# Write the reply to the customer. Lines starting with '# ' are dropped.\n",
            )?,
        ),
    };
    let text = tidy(&text);
    if text.is_empty() {
        return Err(UserError::new("the reply is empty; nothing was written or sent").into());
    }

    let session = Session::begin(ctx)?;
    let mut ticket = session.ticket(&args.id)?;
    let config = &session.config;
    let old_status = ticket.status.clone();
    if let Some(to) = &args.status
        && *to != ticket.status
    {
        crate::commands::status::check_move(config, &ticket, to)?;
        crate::commands::links::guard_children(
            &session.repo,
            None,
            config,
            &ticket,
            to,
            None,
            ctx,
            &session.actor.id,
        )?;
        ticket.set_str("status", Some(to))?;
    }
    let mut taken = session.repo.attachment_names(&ticket.id);
    let attachments: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .map(|(name, bytes)| (attachment::unique(&name, &mut taken), bytes))
        .collect();
    let to = mailout::requester(&ticket);
    let mut cc = if args.no_cc {
        Vec::new()
    } else {
        mailout::participants(config, &ticket, &to)
    };
    for c in extra_cc {
        if !to.iter().chain(&cc).any(|x| x.same_person(&c)) {
            cc.push(c);
        }
    }
    let events = session.repo.read_events(&ticket.id)?;
    let helpdesk = config.helpdesk_name().to_string();
    let draft = Draft {
        author: session.actor.id.clone(),
        from_name: format!("{} ({helpdesk})", session.actor.identity.name),
        to,
        cc,
        subject: template_subject,
        text,
        attachments,
        auto: None,
        template: args.template.clone(),
        thread: Thread::of(&events),
    };
    // A (very unlikely) event ID that is taken is minted again; events are never rewritten,
    // and the outbox (shared by all tickets) never loses a message to a new one.
    let outbox = session.repo.outbox();
    let mut composed = mailout::compose(
        &session.repo,
        config,
        &ticket,
        ctx.mint_event_id(),
        ctx.now,
        &draft,
    )?;
    while session.repo.path(&composed.event_path).exists() || outbox.has(&composed.entry.id) {
        composed = mailout::compose(
            &session.repo,
            config,
            &ticket,
            ctx.mint_event_id(),
            ctx.now,
            &draft,
        )?;
    }
    let mut changes = ChangeSet::default();
    composed.add_files(&ticket, &draft.attachments, &mut changes);
    let mut message = format!("reply: {} to {}", ticket.id, composed.entry.to.join(", "));
    if ticket.status != old_status {
        changes.write(crate::store::Repo::ticket_path(&ticket.id), ticket.render());
        message.push_str(&format!(", {old_status} -> {}", ticket.status));
    }
    outbox.put(&composed.entry, &composed.raw)?;
    if let Err(e) = session.commit(ctx, &changes, &message) {
        outbox.discard_uncommitted(&session.repo, &composed.entry);
        return Err(e);
    }
    let status_note = if ticket.status != old_status {
        format!(", {old_status} -> {}", ticket.status)
    } else {
        String::new()
    };
    let id = ticket.id.clone();
    let entry_id = composed.entry.id.clone();
    drop(session);
    if args.queue {
        return say(&format!("{id} reply {entry_id} queued{status_note}"));
    }
    let (repo, config) = open(ctx)?;
    // The reply is committed and queued: from here on a failure to send is a warning,
    // never an error that would make someone run the command (and reply) again.
    let done = match outbox::flush(
        ctx,
        &repo,
        &config,
        None,
        Some(std::slice::from_ref(&entry_id)),
        true,
    ) {
        Ok(done) => done,
        Err(e) => {
            eprintln!(
                "warning: {id}: reply {entry_id} is stored and queued, but sending failed: {e:#}"
            );
            eprintln!("hint: `tiketti outbox flush` sends it later");
            return say(&format!("{id} reply {entry_id} queued{status_note}"));
        }
    };
    if let Some(e) = done.sent.first() {
        say(&format!(
            "{id} reply {entry_id} sent to {}{status_note}",
            e.to.join(", ")
        ))
    } else {
        outbox::report(&done);
        for (_, why) in &done.waiting {
            eprintln!("{id}: reply {entry_id} queued, {why}");
        }
        say(&format!("{id} reply {entry_id} queued{status_note}"))
    }
}
