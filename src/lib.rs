//! tiketti: a helpdesk whose data is plain files in a git repository.
//!
//! Layers, from the outside in (docs/architecture.md):
//! - [`cli`]: the clap definitions; [`commands`]: one recipe per subcommand.
//! - [`ctx`]: time, actor, randomness and terminal facts, pinned by env vars in tests.
//! - [`render`]: tables, JSON, CSV: the only place output is formatted.
//! - [`report`]: metrics and SLA maths over tickets' histories; pure.
//! - [`store`]: files and git: discovery, lock, atomic writes, one commit per change.
//! - [`config`]: tiketti.yaml, its defaults and validation.
//! - [`mail`]: RFC 5322 in (parsing, dedupe keys, threading, routing, mbox and Maildir)
//!   and out (building, sending); [`template`]: canned replies.
//! - [`ticket`]: the pure domain and the front-matter codec; [`yaml`]: the serde_yaml door.
//! - [`error`]: errors to messages, hints and exit codes; [`text`]: where text comes from.

pub mod cli;
pub mod commands;
pub mod config;
pub mod ctx;
pub mod error;
pub mod mail;
pub mod render;
pub mod report;
pub mod store;
pub mod template;
pub mod text;
pub mod ticket;
pub mod yaml;

use cli::{Cli, Command};
use commands::*;

/// Run one parsed command line; the exit code of a command that succeeded (0, or 3 for
/// a sync that recorded collisions).
pub fn run(cli: Cli) -> anyhow::Result<i32> {
    if let Command::Completions(args) = &cli.command {
        return completions::run(args).map(|()| error::exit::OK);
    }
    let ctx = ctx::Ctx::from_env(cli.repo)?;
    let done = match cli.command {
        Command::Init(a) => init::run(&ctx, a),
        Command::New(a) => new::run(&ctx, a),
        Command::Ingest(a) => ingest::run(&ctx, a),
        Command::Show(a) => show::run(&ctx, a),
        Command::List(a) => list::run(&ctx, a),
        Command::Search(a) => return search::run(&ctx, a),
        Command::Assign(a) => assign::run(&ctx, a),
        Command::Status(a) => status::run(&ctx, a),
        Command::Solve(a) => status::shortcut(&ctx, a, status::Shortcut::Solve),
        Command::Close(a) => status::shortcut(&ctx, a, status::Shortcut::Close),
        Command::Reopen(a) => status::shortcut(&ctx, a, status::Shortcut::Reopen),
        Command::Set(a) => set::run(&ctx, a),
        Command::Note(a) => note::run(&ctx, a),
        Command::Log(a) => log::run(&ctx, a),
        Command::Edit(a) => edit::run(&ctx, a),
        Command::Config(c) => config_cmd::run(&ctx, c),
        Command::Check(a) => check::run(&ctx, a),
        Command::Quarantine(c) => quarantine::run(&ctx, c),
        Command::Reply(a) => reply::run(&ctx, a),
        Command::LinkChild(a) => links::link_child(&ctx, a),
        Command::Unlink(a) => links::unlink(&ctx, a),
        Command::Track(a) => links::track(&ctx, a),
        Command::Template(c) => template_cmd::run(&ctx, c),
        Command::Outbox(c) => outbox::run(&ctx, c),
        Command::Remind(a) => remind::run(&ctx, a),
        Command::Report(a) => commands::report::run(&ctx, a),
        Command::Customer(a) => customer::run(&ctx, a),
        Command::Resolve(a) => resolve::run(&ctx, a),
        Command::Clone(a) => clone::run(&ctx, a),
        Command::MergeFile(a) => merge_file::run(&ctx, a),
        Command::Sync(a) => return sync::run(&ctx, a),
        Command::Completions(_) => unreachable!("handled above"),
    };
    done.map(|()| error::exit::OK)
}
