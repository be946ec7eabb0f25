//! `tiketti completions SHELL`: shell completion scripts, generated from the clap
//! definitions. The copies in completions/ are checked by a test.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

/// Print a completion script for SHELL.
///
/// bash: `tiketti completions bash > ~/.local/share/bash-completion/completions/tiketti`;
/// zsh: into a directory on $fpath as `_tiketti`; fish: `~/.config/fish/completions/tiketti.fish`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    #[arg(value_enum)]
    pub shell: Shell,
}

/// The script for `shell` as bytes.
pub fn generate(shell: Shell) -> Vec<u8> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "tiketti", &mut out);
    out
}

/// The file name each shell expects.
pub fn file_name(shell: Shell) -> &'static str {
    match shell {
        Shell::Bash => "tiketti.bash",
        Shell::Zsh => "_tiketti",
        Shell::Fish => "tiketti.fish",
        Shell::PowerShell => "_tiketti.ps1",
        Shell::Elvish => "tiketti.elv",
        _ => "tiketti.unknown",
    }
}

pub fn run(args: &CompletionsArgs) -> anyhow::Result<()> {
    use std::io::Write;
    std::io::stdout().lock().write_all(&generate(args.shell))?;
    Ok(())
}
