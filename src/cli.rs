//! The command line: global options and one variant per subcommand. Each subcommand's
//! arguments live beside its code in `commands/<name>.rs`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::commands::*;

/// A helpdesk that lives in a git repository.
///
/// Every mail, call and chat becomes a ticket: a Markdown file with YAML front matter
/// under tickets/. Every change is a commit. Start with `tiketti init`, then
/// `tiketti new`, `tiketti list --open` and `tiketti show ID`.
#[derive(Debug, Parser)]
#[command(name = "tiketti", version, max_term_width = 100)]
pub struct Cli {
    /// The helpdesk directory (default: the nearest directory at or above the current one
    /// that holds tiketti.yaml)
    #[arg(long, global = true, env = "TIKETTI_REPO", value_name = "DIR")]
    pub repo: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Init(init::InitArgs),
    New(new::NewArgs),
    Ingest(ingest::IngestArgs),
    Show(show::ShowArgs),
    List(list::ListArgs),
    Search(search::SearchArgs),
    Assign(assign::AssignArgs),
    Status(status::StatusArgs),
    /// Mark a ticket solved (the status in defaults.solve)
    Solve(status::ShortcutArgs),
    /// Close a ticket (the status in defaults.close)
    Close(status::ShortcutArgs),
    /// Reopen a solved or closed ticket (the status in defaults.reopen)
    Reopen(status::ShortcutArgs),
    Set(set::SetArgs),
    Note(note::NoteArgs),
    Reply(reply::ReplyArgs),
    LinkChild(links::LinkChildArgs),
    Unlink(links::UnlinkArgs),
    Track(links::TrackArgs),
    #[command(subcommand)]
    Template(template_cmd::TemplateCommand),
    #[command(subcommand)]
    Outbox(outbox::OutboxCommand),
    Remind(remind::RemindArgs),
    Report(report::ReportArgs),
    Log(log::LogArgs),
    Edit(edit::EditArgs),
    #[command(subcommand)]
    Config(config_cmd::ConfigCommand),
    Check(check::CheckArgs),
    #[command(subcommand)]
    Quarantine(quarantine::QuarantineCommand),
    Customer(customer::CustomerArgs),
    Sync(sync::SyncArgs),
    Clone(clone::CloneArgs),
    Resolve(resolve::ResolveArgs),
    MergeFile(merge_file::MergeFileArgs),
    Completions(completions::CompletionsArgs),
}
