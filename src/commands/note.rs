//! `tiketti note ID`: an internal note, a new event file, with optional attachments.

use std::path::PathBuf;

use crate::commands::{Session, read_attachments, say};
use crate::ctx::Ctx;
use crate::error::UserError;
use crate::render::truncate;
use crate::store::ChangeSet;
use crate::text::{TextArgs, tidy};
use crate::ticket::{Event, attachment, kind};

/// Add an internal note to a ticket. Customers never see notes.
///
/// The text comes from -m, -F FILE, standard input, or your editor.
#[derive(Debug, clap::Args)]
pub struct NoteArgs {
    /// The ticket ID or a unique prefix of 4+ characters
    pub id: String,
    #[command(flatten)]
    pub text: TextArgs,
    /// Attach a file; repeat for more
    #[arg(long = "attach", value_name = "FILE")]
    pub attach: Vec<PathBuf>,
}

pub fn run(ctx: &Ctx, args: NoteArgs) -> anyhow::Result<()> {
    // Everything the user gives is read before the lock is taken.
    let files = read_attachments(&args.attach)?;
    let scratch = std::env::temp_dir().join(format!("tiketti-note-{}.md", std::process::id()));
    let text = tidy(&args.text.read(
        ctx.stdin_is_tty,
        &scratch,
        "# Write the note. Lines starting with '# ' are dropped.\n",
    )?);
    if text.is_empty() {
        return Err(UserError::new("the note is empty; nothing was written").into());
    }

    let session = Session::begin(ctx)?;
    let id = session.resolve(&args.id)?;
    // A broken ticket.md is reported, not silently annotated.
    session.repo.read_ticket(&id)?;
    let dir = id.dir();
    let mut taken = session.repo.attachment_names(&id);
    let mut changes = ChangeSet::default();
    let mut names = Vec::new();
    for (name, bytes) in files {
        let safe = attachment::unique(&name, &mut taken);
        changes.write(format!("{dir}/attachments/{safe}"), bytes);
        names.push(safe);
    }
    let mut event = session.repo.fresh_event(&id, || {
        Event::new(
            ctx.mint_event_id(),
            kind::NOTE,
            &session.actor.id,
            ctx.now,
            &text,
        )
    });
    event.set_attachments(names);
    changes.write(
        format!("{dir}/events/{}", event.file_name()),
        event.render(),
    );
    let first = text.lines().next().unwrap_or("");
    session.commit(
        ctx,
        &changes,
        &format!("note: {id} {}", truncate(first, 60)),
    )?;
    say(&format!("{id} note {}", event.id))
}
