//! The `tiketti` binary: parse, run, map the result to an exit code.

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    let cli = match tiketti::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // A mail server bounces on every code but 0, 75 (retry) and 64 (misconfigured):
            // a bad `ingest` invocation must say 64, not clap's 2.
            let ingest = std::env::args().skip(1).any(|a| a == "ingest");
            let _ = e.print();
            let code = match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
                _ if ingest => tiketti::commands::ingest::EX_USAGE,
                _ => tiketti::error::exit::USAGE,
            };
            return ExitCode::from(code as u8);
        }
    };
    let code = match tiketti::run(cli) {
        Ok(()) => tiketti::error::exit::OK,
        Err(err) => tiketti::error::report(&err),
    };
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
