//! CLI tests: one module per subcommand, all sharing `common::TestRepo`.

mod common;

mod assign;
mod check;
mod completions;
mod concurrency;
mod config;
mod corpus;
mod customer;
mod edit;
mod ingest;
mod init;
mod list;
mod log;
mod mail_setup;
mod new;
mod note;
mod quarantine;
mod set;
mod show;
mod status;
mod sync;
