//! `tiketti edit ID`: ticket.md in $EDITOR. The saved text must parse and pass the same
//! checks as `set`; otherwise it is refused and kept in a recovery file.

use anyhow::Context as _;

use crate::commands::{Session, all_problems, open, say};
use crate::ctx::Ctx;
use crate::error::UserError;
use crate::store::Repo;
use crate::text::run_editor;
use crate::ticket::Ticket;

/// Edit a ticket's file (front matter and description) in your editor.
///
/// On save the file is validated: a file that does not parse, changes the ID, or sets a
/// value tiketti.yaml does not allow is refused, and your text is kept in a recovery file
/// whose path is printed.
#[derive(Debug, clap::Args)]
pub struct EditArgs {
    /// The ticket ID or a unique prefix of 4+ characters
    pub id: String,
}

pub fn run(ctx: &Ctx, args: EditArgs) -> anyhow::Result<()> {
    // The editor runs without the lock; the result is compared with the file under it.
    let (repo, config) = open(ctx)?;
    let id = repo.resolve(&args.id)?;
    let original = repo.read_ticket(&id)?;
    let before = original.render();
    let state = repo.state_dir().join("edit");
    std::fs::create_dir_all(&state)
        .with_context(|| format!("cannot create {}", state.display()))?;
    let scratch = state.join(format!("{id}.md"));
    std::fs::write(&scratch, &before)
        .with_context(|| format!("cannot write {}", scratch.display()))?;
    run_editor(&scratch)?;
    let edited = std::fs::read_to_string(&scratch)
        .with_context(|| format!("cannot read {}", scratch.display()))?;
    if edited == before {
        let _ = std::fs::remove_file(&scratch);
        eprintln!("{id}: no changes");
        return Ok(());
    }
    let rel = Repo::ticket_path(&id);
    let refuse = |line: Option<usize>, why: String| -> anyhow::Error {
        let keep = state.join(format!("{id}-{}.md", ctx.now.format("%Y%m%dT%H%M%SZ")));
        let kept = std::fs::rename(&scratch, &keep).is_ok();
        let hint = if kept {
            format!(
                "your text is kept in {}; fix it and run `tiketti edit {id}` again",
                keep.display()
            )
        } else {
            format!("your text is kept in {}", scratch.display())
        };
        let at = line
            .map(|l| format!("{rel}:{l}"))
            .unwrap_or_else(|| rel.clone());
        UserError::new(format!("{at}: {why}; nothing was changed"))
            .hint(hint)
            .into()
    };
    let ticket = match Ticket::parse(&edited) {
        Ok(t) => t,
        Err(e) => return Err(refuse(Some(e.line), e.message)),
    };
    if ticket.id != id {
        return Err(refuse(
            ticket.doc.line_of("id"),
            format!("the id cannot change (it was {id})"),
        ));
    }
    let old: Vec<String> = all_problems(&config, &original)
        .into_iter()
        .map(|p| p.message)
        .collect();
    if let Some(p) = all_problems(&config, &ticket)
        .into_iter()
        .find(|p| !old.contains(&p.message))
    {
        return Err(refuse(ticket.doc.line_of(&p.key), p.message));
    }
    let session = Session::begin(ctx)?;
    let current = session.repo.read_ticket(&id)?;
    if current.render() != before {
        return Err(refuse(
            None,
            "the ticket changed while you were editing".into(),
        ));
    }
    let changed: Vec<String> = original
        .doc
        .diff(&ticket.doc)
        .into_iter()
        .map(|(k, _, _)| k)
        .collect();
    let mut summary = changed.join(", ");
    if original.doc.body != ticket.doc.body {
        summary = if summary.is_empty() {
            "description".into()
        } else {
            format!("{summary}, description")
        };
    }
    session.save(ctx, &ticket, &format!("edit: {id} {summary}"))?;
    let _ = std::fs::remove_file(&scratch);
    say(&format!("{id} edited: {summary}"))
}
