//! The `tiketti` binary: parse, run, map the result to an exit code.

use std::process::ExitCode;

use clap::Parser as _;

// Listing 100,000 tickets allocates and frees millions of small strings; mimalloc does
// that at about twice the speed of the system allocator (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match tiketti::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // For `ingest` a bad invocation is 64 (EX_USAGE), which a mail server reports
            // as a configuration error, instead of clap's 2.
            let ingest = subcommand().as_deref() == Some("ingest");
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
        Ok(code) => code,
        Err(err) => tiketti::error::report(&err),
    };
    tiketti::store::fsutil::remove_leftovers(false);
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

/// The subcommand as typed: the first argument that is not an option or the value of
/// the global `--repo`.
fn subcommand() -> Option<String> {
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--repo" {
            args.next();
        } else if !a.starts_with('-') {
            return Some(a);
        }
    }
    None
}
