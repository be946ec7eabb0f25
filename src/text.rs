//! Where a command's text comes from: `-m` (repeatable, paragraphs), `-F FILE` (`-` for
//! stdin), piped stdin, or `$VISUAL`/`$EDITOR` on a terminal.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context as _;

use crate::error::UserError;

#[derive(Debug, Clone, Default, clap::Args)]
pub struct TextArgs {
    /// The text; repeat for more paragraphs
    #[arg(short, long = "message", value_name = "TEXT")]
    pub message: Vec<String>,
    /// Read the text from FILE (`-` for standard input)
    #[arg(
        short = 'F',
        long = "file",
        value_name = "FILE",
        conflicts_with = "message"
    )]
    pub file: Option<PathBuf>,
}

impl TextArgs {
    /// The text, or `None` when no source was given and stdin is a terminal (the caller
    /// then decides whether to open an editor).
    fn read_given(&self, stdin_is_tty: bool) -> anyhow::Result<Option<String>> {
        if !self.message.is_empty() {
            return Ok(Some(self.message.join("\n\n")));
        }
        match &self.file {
            Some(p) if p == Path::new("-") => read_stdin().map(Some),
            Some(p) => std::fs::read_to_string(p)
                .with_context(|| format!("cannot read {}", p.display()))
                .map(Some),
            None if !stdin_is_tty => read_stdin().map(Some),
            None => Ok(None),
        }
    }

    /// The text from any source, opening the editor on `template` as the last resort.
    pub fn read(
        &self,
        stdin_is_tty: bool,
        scratch: &Path,
        template: &str,
    ) -> anyhow::Result<String> {
        match self.read_given(stdin_is_tty)? {
            Some(t) => Ok(t),
            None => edit(scratch, template),
        }
    }

    /// Was a source given on the command line (`-m` or `-F`)?
    pub fn given(&self) -> bool {
        !self.message.is_empty() || self.file.is_some()
    }
}

/// Open the editor on `initial` in `scratch`; the text saved, without `# ` help lines.
pub fn edit(scratch: &Path, initial: &str) -> anyhow::Result<String> {
    std::fs::write(scratch, initial)
        .with_context(|| format!("cannot write {}", scratch.display()))?;
    run_editor(scratch)?;
    let text = std::fs::read_to_string(scratch)
        .with_context(|| format!("cannot read {}", scratch.display()))?;
    let _ = std::fs::remove_file(scratch);
    Ok(strip_comments(&text))
}

fn read_stdin() -> anyhow::Result<String> {
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .context("cannot read standard input")?;
    Ok(s)
}

/// Drop the `#` help lines we put into an editor buffer.
fn strip_comments(text: &str) -> String {
    let kept: Vec<&str> = text.lines().filter(|l| !l.starts_with("# ")).collect();
    let mut out = kept.join("\n").trim().to_string();
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

/// `$VISUAL`, else `$EDITOR`, else `vi`, run through the shell so `EDITOR="code -w"` works.
pub fn run_editor(path: &Path) -> anyhow::Result<()> {
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
        .unwrap_or_else(|| "vi".to_string());
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(path)
        .status()
        .with_context(|| format!("cannot start the editor {editor:?}"))?;
    if !status.success() {
        return Err(UserError::new(format!(
            "the editor {editor:?} exited with {status}; nothing was changed"
        ))
        .hint("set VISUAL or EDITOR to your editor (new and note also take -m or -F)")
        .into());
    }
    Ok(())
}

/// Normalise text to end with exactly one newline (empty stays empty).
pub fn tidy(text: &str) -> String {
    let t = text.trim_end();
    if t.trim().is_empty() {
        String::new()
    } else {
        format!("{t}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_become_paragraphs() {
        let a = TextArgs {
            message: vec!["one".into(), "two".into()],
            file: None,
        };
        assert_eq!(a.read_given(true).unwrap().as_deref(), Some("one\n\ntwo"));
        assert_eq!(TextArgs::default().read_given(true).unwrap(), None);
    }

    #[test]
    fn editor_comments_and_tidy() {
        assert_eq!(
            strip_comments("# help\nhello\n#tag stays\n"),
            "hello\n#tag stays\n"
        );
        assert_eq!(tidy("x\n\n\n"), "x\n");
        assert_eq!(tidy(" \n"), "");
    }
}
