//! `tiketti customer EMAIL`: one customer's tickets across every channel, newest first.

use crate::commands::list::print;
use crate::commands::open;
use crate::ctx::Ctx;
use crate::error::UserError;
use crate::render::Format;
use crate::ticket::{Contact, Ticket};

/// Show one customer's tickets (as requester or participant) from every channel, newest
/// first.
#[derive(Debug, clap::Args)]
pub struct CustomerArgs {
    /// The customer's e-mail address (or, for contacts without one, their name or handle)
    pub who: String,
    /// Only open tickets
    #[arg(long)]
    pub open: bool,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

pub fn run(ctx: &Ctx, args: CustomerArgs) -> anyhow::Result<()> {
    let (repo, config) = open(ctx)?;
    let me = Contact::parse(&args.who)
        .map_err(|why| UserError::new(format!("{:?}: {why}", args.who)))?;
    let mut tickets = Vec::new();
    for loaded in repo.summaries()? {
        match loaded {
            Ok(t) => {
                let involved = t
                    .requester
                    .iter()
                    .chain(&t.cc)
                    .any(|c| Contact::parse(c).is_ok_and(|c| c.same_person(&me)));
                if involved && (!args.open || config.is_open(&t.status)) {
                    tickets.push(t);
                }
            }
            Err(e) => eprintln!("warning: {e}"),
        }
    }
    tickets.sort_by(|a, b| b.created.cmp(&a.created).then(a.id.cmp(&b.id)));
    if args.format == Format::Table && !tickets.is_empty() {
        eprintln!("{}: {} ticket(s)", me.to_text(), tickets.len());
    }
    let tickets: Vec<&Ticket> = tickets.iter().collect();
    print(
        &mut std::io::stdout().lock(),
        &tickets,
        &config,
        args.format,
        ctx,
    )?;
    Ok(())
}
