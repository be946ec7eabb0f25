//! The `tiketti` binary: parse, run, map the result to an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = tiketti::cli::Cli::parse();
    let code = match tiketti::run(cli) {
        Ok(()) => tiketti::error::exit::OK,
        Err(err) => tiketti::error::report(&err),
    };
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
