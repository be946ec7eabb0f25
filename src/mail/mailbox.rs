//! Raw message sources: splitting mbox files and walking Maildirs.
//!
//! This module owns turning `tiketti ingest --mbox FILE` and
//! `tiketti ingest --maildir DIR` input into raw RFC 5322 messages, and the
//! Maildir "processed" mark. It knows nothing of MIME or tickets: it hands
//! out each message's bytes exactly as the sender wrote them (they are
//! stored byte for byte), except that the mbox `From ` envelope line is
//! removed and mboxrd `>From ` quoting is undone. Everything works on bytes,
//! never on `str`: mbox files contain 8-bit, non-UTF-8 and NUL bytes, and
//! both `\n` and `\r\n` line endings.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// One message from an mbox file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MboxMessage {
    /// The envelope line without "From " and without its line ending, e.g. "MAILER-DAEMON Fri Jul  8 12:08:34 2011".
    pub envelope: String,
    /// 1-based line number of the `From ` line in the file (for error messages and quarantine reasons).
    pub line: usize,
    /// The message bytes, un-escaped.
    pub bytes: Vec<u8>,
}

/// Split an mbox (mboxo, mboxrd, mboxcl/mboxcl2 with Content-Length) into messages.
///
/// A message starts at a line beginning with `From ` that is either the first
/// line of the file (leading blank lines are tolerated) or preceded by an
/// empty line; the conventional separator is `"\n\nFrom "`. A `From ` line
/// in a body that is *not* preceded by an empty line is body text: unescaped
/// mboxo writers produce such lines, and this "blank line before" rule is
/// what mutt and Python's `mailbox` module tolerate too. A `From ` line
/// also starts a message, blank line or not, when the previous message's
/// `Content-Length` header says that message ended exactly there.
///
/// For each message the envelope line is removed, and the one line ending
/// that forms the separating blank line is removed from the end of the
/// message (at end of file only if the message ends in an empty line).
/// Messages delimited by scanning lose one `>` from every line matching
/// `^>+From ` (mboxrd; this also reads mboxo correctly in the common case).
/// Messages delimited by a valid `Content-Length` (mboxcl2) are taken
/// verbatim: their bodies are not `>From`-escaped.
///
/// Non-blank bytes before the first `From ` line are not dropped: they form
/// a message of their own with an empty envelope and line 1.
pub fn split_mbox(data: &[u8]) -> Vec<MboxMessage> {
    let mut messages = Vec::new();
    let mut lines = LineCounter::default();

    // Tolerate leading blank lines.
    let mut pos = 0;
    while pos < data.len() {
        let end = line_end(data, pos);
        if !is_blank_line(&data[pos..end]) {
            break;
        }
        pos = end;
    }
    if pos >= data.len() {
        return messages;
    }

    if !data[pos..].starts_with(b"From ") {
        // Junk before the first envelope line: keep every byte of it (from
        // the start of the file) as a message of its own.
        let (end, next) = scan_to_separator(data, 0);
        messages.push(MboxMessage {
            envelope: String::new(),
            line: 1,
            bytes: unescape_from_lines(&data[..end]),
        });
        pos = next;
    }

    // Invariant: `pos` is the end of data or the start of a `From ` line
    // that begins a message.
    while pos < data.len() {
        let from_end = line_end(data, pos);
        let envelope = String::from_utf8_lossy(strip_line_ending(&data[pos + 5..from_end]));
        let line = lines.line_of(data, pos);
        let content_start = from_end;
        let (bytes, next) = match content_length_extent(data, content_start) {
            Some((body_end, next)) => (data[content_start..body_end].to_vec(), next),
            None => {
                let (end, next) = scan_to_separator(data, content_start);
                (unescape_from_lines(&data[content_start..end]), next)
            }
        };
        messages.push(MboxMessage {
            envelope: envelope.into_owned(),
            line,
            bytes,
        });
        pos = next;
    }
    messages
}

/// Incremental 1-based line numbering for monotonically increasing offsets.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    newlines: usize,
}

impl LineCounter {
    fn line_of(&mut self, data: &[u8], offset: usize) -> usize {
        if offset >= self.offset {
            self.newlines += count_newlines(&data[self.offset..offset]);
        } else {
            // Not used that way, but stay correct if it ever is.
            self.newlines = count_newlines(&data[..offset]);
        }
        self.offset = offset;
        self.newlines + 1
    }
}

fn count_newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// End (exclusive, line ending included) of the line starting at `start`.
fn line_end(data: &[u8], start: usize) -> usize {
    match data[start..].iter().position(|&b| b == b'\n') {
        Some(i) => start + i + 1,
        None => data.len(),
    }
}

/// An empty line: nothing but its line ending.
fn is_blank_line(line: &[u8]) -> bool {
    line == b"\n" || line == b"\r\n"
}

fn strip_line_ending(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Length of the line ending (`\n` or `\r\n`) at `pos`, 0 if there is none.
fn line_ending_len_at(data: &[u8], pos: usize) -> usize {
    let rest = &data[pos..];
    if rest.starts_with(b"\n") {
        1
    } else if rest.starts_with(b"\r\n") {
        2
    } else {
        0
    }
}

/// Scan lines from `start` (the first line after an envelope line, or the
/// start of the file) for the next separator: a `From ` line preceded by an
/// empty line. Returns `(end, next)`: the message ends at `end`, which
/// excludes the separating empty line, and `next` is the offset of the next
/// `From ` line or the end of data.
fn scan_to_separator(data: &[u8], start: usize) -> (usize, usize) {
    let mut blank_before: Option<usize> = None;
    let mut pos = start;
    while pos < data.len() {
        if let Some(blank) = blank_before
            && data[pos..].starts_with(b"From ")
        {
            return (blank, pos);
        }
        let end = line_end(data, pos);
        blank_before = is_blank_line(&data[pos..end]).then_some(pos);
        pos = end;
    }
    // End of file: the trailing empty line written after the last message
    // is the separator too; a last line that is not empty is content.
    (blank_before.unwrap_or(data.len()), data.len())
}

/// If the header block starting at `content_start` has a usable
/// `Content-Length: N`, return `(body_end, next)`: the message is
/// `data[content_start..body_end]` and the next message starts at `next`
/// (end of data, or a `From ` line after at most one line ending).
///
/// Usable means: the body after the first empty line is at least N bytes
/// long and the N bytes end at the end of data, or are followed by an
/// optional single line ending and then either `From ` at the start of a
/// line or the end of data. Anything else (missing, malformed, stale
/// lengths, which are common after files were edited or converted) returns
/// `None`, and the caller falls back to separator scanning.
fn content_length_extent(data: &[u8], content_start: usize) -> Option<(usize, usize)> {
    let mut length: Option<usize> = None;
    let mut pos = content_start;
    let body_start = loop {
        if pos >= data.len() {
            return None; // no empty line, so no body
        }
        let end = line_end(data, pos);
        let line = &data[pos..end];
        if is_blank_line(line) {
            break end;
        }
        if length.is_none() {
            length = parse_content_length(line);
        }
        pos = end;
    };
    let body_end = body_start.checked_add(length?)?;
    if body_end > data.len() {
        return None;
    }
    if body_end == data.len() {
        return Some((body_end, body_end));
    }
    let eol = line_ending_len_at(data, body_end);
    let next = body_end + eol;
    if eol > 0 && next == data.len() {
        return Some((body_end, next));
    }
    // `From ` right after the body (no line ending in between) only counts
    // when the body itself ends a line: an envelope starts a line.
    let at_line_start = eol > 0 || data[body_end - 1] == b'\n';
    (at_line_start && data[next..].starts_with(b"From ")).then_some((body_end, next))
}

/// The value of a `Content-Length:` header line (name case-insensitive).
fn parse_content_length(line: &[u8]) -> Option<usize> {
    const NAME: &[u8] = b"content-length";
    let name = line.get(..NAME.len())?;
    if !name.eq_ignore_ascii_case(NAME) {
        return None;
    }
    let rest = line[NAME.len()..].trim_ascii_start();
    let value = rest.strip_prefix(b":")?.trim_ascii();
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(value).ok()?.parse().ok()
}

/// mboxrd un-escaping: every line matching `^>+From ` loses exactly one `>`.
fn unescape_from_lines(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut pos = 0;
    while pos < bytes.len() {
        let end = line_end(bytes, pos);
        let line = &bytes[pos..end];
        let quotes = line.iter().take_while(|&&b| b == b'>').count();
        if quotes > 0 && line[quotes..].starts_with(b"From ") {
            out.extend_from_slice(&line[1..]);
        } else {
            out.extend_from_slice(line);
        }
        pos = end;
    }
    out
}

/// A message file found in a Maildir.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaildirEntry {
    pub path: std::path::PathBuf,
    /// "new" or "cur".
    pub subdir: &'static str,
    /// The Maildir info flags after ":2," (e.g. "RS"), empty for new/ or files without info.
    pub flags: String,
}

/// Messages in DIR/new and DIR/cur (not tmp), sorted by file name for a stable order.
/// Hidden files (starting with '.') are skipped. Errors (DIR missing, not a Maildir: no cur/ and no new/) are io::Error with a clear message naming the path.
///
/// Only regular files (or symlinks to them) are listed. Flags are read after
/// `:2,` or, as some Windows-safe Dovecot setups write, `!2,`.
pub fn maildir_entries(dir: &Path) -> io::Result<Vec<MaildirEntry>> {
    let meta = fs::metadata(dir).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("cannot open Maildir {}: {e}", dir.display()),
        )
    })?;
    if !meta.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::NotADirectory,
            format!("{} is not a Maildir: it is not a directory", dir.display()),
        ));
    }
    let subdirs: Vec<(&'static str, PathBuf)> = ["new", "cur"]
        .into_iter()
        .map(|name| (name, dir.join(name)))
        .filter(|(_, path)| path.is_dir())
        .collect();
    if subdirs.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{} is not a Maildir: it has neither a cur/ nor a new/ subdirectory",
                dir.display()
            ),
        ));
    }

    let mut entries = Vec::new();
    for (subdir, path) in subdirs {
        let read_error =
            |e: io::Error| io::Error::new(e.kind(), format!("cannot read {}: {e}", path.display()));
        for item in fs::read_dir(&path).map_err(read_error)? {
            let item = item.map_err(read_error)?;
            let name = item.file_name();
            if name.as_encoded_bytes().first() == Some(&b'.') {
                continue;
            }
            let file_path = item.path();
            let file_type = item.file_type().map_err(read_error)?;
            let is_file = file_type.is_file()
                || (file_type.is_symlink() && fs::metadata(&file_path).is_ok_and(|m| m.is_file()));
            if !is_file {
                continue;
            }
            let flags = if subdir == "cur" {
                parse_file_name(&name.to_string_lossy()).flags.to_owned()
            } else {
                String::new()
            };
            entries.push(MaildirEntry {
                path: file_path,
                subdir,
                flags,
            });
        }
    }
    entries.sort_by(|a, b| {
        a.path
            .file_name()
            .cmp(&b.path.file_name())
            .then_with(|| a.subdir.cmp(b.subdir))
    });
    Ok(entries)
}

/// The processed mark tiketti uses: a file in new/ is moved to cur/ with flag "S" added (info ":2,S");
/// a file in cur/ gets "S" added to its flags (flags kept sorted in ASCII order, as the Maildir spec requires).
/// Returns the new path. Renames are atomic (same filesystem). An entry already flagged S is left alone.
///
/// The info separator already used in the file name (`:` or `!`) is kept;
/// names without info get `:`. Flags the file name already carries are kept.
/// Refuses (AlreadyExists) to overwrite a different file at the target path.
/// The file name must be UTF-8 (Maildir unique names are ASCII in practice).
pub fn mark_processed(entry: &MaildirEntry) -> io::Result<PathBuf> {
    if is_processed(entry) {
        return Ok(entry.path.clone());
    }
    let invalid = |what: &str| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("cannot mark {} as processed: {what}", entry.path.display()),
        )
    };
    let name = entry
        .path
        .file_name()
        .ok_or_else(|| invalid("no file name"))?
        .to_str()
        .ok_or_else(|| invalid("file name is not UTF-8"))?;
    let maildir = entry
        .path
        .parent()
        .and_then(Path::parent)
        .ok_or_else(|| invalid("not inside a Maildir new/ or cur/ directory"))?;
    let parsed = parse_file_name(name);
    let separator = parsed.separator.unwrap_or(':');
    let flags = with_flag(parsed.flags, 'S');
    let target = maildir
        .join("cur")
        .join(format!("{}{separator}2,{flags}", parsed.unique));
    if target == entry.path {
        // The file name already carries S (the entry's flags were stale).
        return Ok(target);
    }
    if fs::symlink_metadata(&target).is_ok() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "cannot mark {} as processed: {} already exists",
                entry.path.display(),
                target.display()
            ),
        ));
    }
    fs::rename(&entry.path, &target).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!(
                "cannot rename {} to {}: {e}",
                entry.path.display(),
                target.display()
            ),
        )
    })?;
    Ok(target)
}

/// True when the entry carries the processed mark (flag S).
pub fn is_processed(entry: &MaildirEntry) -> bool {
    entry.flags.contains('S')
}

/// A Maildir file name split into unique part and info.
struct FileName<'a> {
    unique: &'a str,
    /// `:` or `!` when the name has `2,` info.
    separator: Option<char>,
    flags: &'a str,
}

fn parse_file_name(name: &str) -> FileName<'_> {
    let at = [":2,", "!2,"]
        .into_iter()
        .filter_map(|marker| name.rfind(marker))
        .max();
    match at {
        Some(at) => FileName {
            unique: &name[..at],
            separator: name[at..].chars().next(),
            flags: &name[at + 3..],
        },
        None => FileName {
            unique: name,
            separator: None,
            flags: "",
        },
    }
}

/// `flags` with `flag` added, sorted in ASCII order, without duplicates.
fn with_flag(flags: &str, flag: char) -> String {
    let mut chars: Vec<char> = flags.chars().chain([flag]).collect();
    chars.sort_unstable();
    chars.dedup();
    chars.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(data: &[u8]) -> Vec<MboxMessage> {
        split_mbox(data)
    }

    fn bodies(data: &[u8]) -> Vec<Vec<u8>> {
        split(data).into_iter().map(|m| m.bytes).collect()
    }

    // ---- mbox -------------------------------------------------------------

    #[test]
    fn empty_input_gives_no_messages() {
        assert!(split(b"").is_empty());
        assert!(split(b"\n\n\r\n").is_empty());
    }

    #[test]
    fn two_messages() {
        let data = b"From alice@example.com Mon Jan  1 00:00:00 2024\n\
Subject: one\n\
\n\
Body one.\n\
\n\
From bob@example.com Tue Jan  2 00:00:00 2024\n\
Subject: two\n\
\n\
Body two.\n\
\n";
        let msgs = split(data);
        assert_eq!(msgs.len(), 2);
        assert_eq!(
            msgs[0].envelope,
            "alice@example.com Mon Jan  1 00:00:00 2024"
        );
        assert_eq!(msgs[0].line, 1);
        assert_eq!(msgs[0].bytes, b"Subject: one\n\nBody one.\n");
        assert_eq!(msgs[1].envelope, "bob@example.com Tue Jan  2 00:00:00 2024");
        assert_eq!(msgs[1].line, 6);
        assert_eq!(msgs[1].bytes, b"Subject: two\n\nBody two.\n");
    }

    #[test]
    fn three_messages_line_numbers_and_envelopes() {
        let data = b"From a Fri Jul  8 12:08:34 2011\nA: 1\n\nx\n\n\
From b Fri Jul  8 12:08:35 2011\nB: 2\n\ny\ny2\n\n\
From MAILER-DAEMON Fri Jul  8 12:08:34 2011\nC: 3\n\nz\n\n";
        let msgs = split(data);
        assert_eq!(msgs.len(), 3);
        let lines: Vec<usize> = msgs.iter().map(|m| m.line).collect();
        assert_eq!(lines, [1, 6, 12]);
        assert_eq!(msgs[2].envelope, "MAILER-DAEMON Fri Jul  8 12:08:34 2011");
        assert_eq!(msgs[0].bytes, b"A: 1\n\nx\n");
        assert_eq!(msgs[1].bytes, b"B: 2\n\ny\ny2\n");
        assert_eq!(msgs[2].bytes, b"C: 3\n\nz\n");
        // Line numbers really point at the envelope lines.
        let file_lines: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
        for m in &msgs {
            let line = file_lines[m.line - 1];
            assert_eq!(&line[5..], m.envelope.as_bytes());
        }
    }

    #[test]
    fn leading_blank_lines_are_tolerated() {
        let data = b"\n\r\n\nFrom a Mon Jan  1 00:00:00 2024\nS: x\n\nb\n\n";
        let msgs = split(data);
        assert_eq!(msgs.len(), 1);
        assert_eq!(msgs[0].line, 4);
        assert_eq!(msgs[0].envelope, "a Mon Jan  1 00:00:00 2024");
        assert_eq!(msgs[0].bytes, b"S: x\n\nb\n");
    }

    #[test]
    fn junk_before_first_from_line_is_its_own_message() {
        let data = b"Subject: stray\n\nno envelope\n\nFrom a Mon Jan  1 00:00:00 2024\nS: x\n\nb\n";
        let msgs = split(data);
        assert_eq!(msgs.len(), 2);
        assert_eq!(msgs[0].envelope, "");
        assert_eq!(msgs[0].line, 1);
        assert_eq!(msgs[0].bytes, b"Subject: stray\n\nno envelope\n");
        assert_eq!(msgs[1].line, 5);
        assert_eq!(msgs[1].bytes, b"S: x\n\nb\n");
    }

    #[test]
    fn junk_keeps_its_leading_blank_lines_and_file_without_envelope() {
        let data = b"\nSubject: stray\n\nbody\nFrom here on it is body\n";
        let msgs = split(data);
        assert_eq!(msgs.len(), 1);
        assert_eq!(msgs[0].envelope, "");
        assert_eq!(msgs[0].line, 1);
        assert_eq!(msgs[0].bytes, data.to_vec());
    }

    #[test]
    fn from_quoting_loses_exactly_one_angle_bracket() {
        let data = b"From a Mon Jan  1 00:00:00 2024\nS: x\n\n\
>From the start\n\
>>From deeper\n\
>>>From deepest\n\
> From not quoted (space)\n\
>Fromage is not From\n\
text >From mid-line\n\
\n\
>From after blank\n\
\n";
        let msgs = split(data);
        assert_eq!(msgs.len(), 1);
        assert_eq!(
            msgs[0].bytes,
            b"S: x\n\n\
From the start\n\
>From deeper\n\
>>From deepest\n\
> From not quoted (space)\n\
>Fromage is not From\n\
text >From mid-line\n\
\n\
From after blank\n"
                .to_vec()
        );
    }

    #[test]
    fn from_line_without_blank_line_before_stays_in_body() {
        let data = b"From a Mon Jan  1 00:00:00 2024\nS: x\n\nHello\nFrom time to time\nbye\n\n\
From b Mon Jan  1 00:00:01 2024\nS: y\n\nz\n";
        let msgs = split(data);
        assert_eq!(msgs.len(), 2);
        assert_eq!(msgs[0].bytes, b"S: x\n\nHello\nFrom time to time\nbye\n");
        assert_eq!(msgs[1].envelope, "b Mon Jan  1 00:00:01 2024");
        assert_eq!(msgs[1].line, 8);
    }

    #[test]
    fn consecutive_envelope_lines_do_not_split() {
        // A `From ` line right after an envelope line is not preceded by a
        // blank line, so it is the first line of the message.
        let data = b"From a Mon Jan  1 00:00:00 2024\nFrom b\nS: x\n\nz\n";
        let msgs = split(data);
        assert_eq!(msgs.len(), 1);
        assert_eq!(msgs[0].bytes, b"From b\nS: x\n\nz\n");
    }

    #[test]
    fn only_one_line_ending_is_removed() {
        let data = b"From a Mon Jan  1 00:00:00 2024\nS: x\n\nbody\n\n\n\nFrom b Mon Jan  1 00:00:00 2024\nS: y\n\n\n\n";
        let msgs = split(data);
        assert_eq!(msgs.len(), 2);
        assert_eq!(msgs[0].bytes, b"S: x\n\nbody\n\n\n");
        assert_eq!(msgs[1].bytes, b"S: y\n\n\n");
    }

    #[test]
    fn empty_message_between_envelopes() {
        let data =
            b"From a Mon Jan  1 00:00:00 2024\n\nFrom b Mon Jan  1 00:00:00 2024\nS: y\n\nz\n\n";
        let msgs = split(data);
        assert_eq!(msgs.len(), 2);
        assert_eq!(msgs[0].bytes, b"");
        assert_eq!(msgs[1].bytes, b"S: y\n\nz\n");
        assert_eq!(msgs[1].line, 3);
    }

    #[test]
    fn crlf_mbox() {
        let data = b"From a Mon Jan  1 00:00:00 2024\r\nSubject: one\r\n\r\nline\r\n>From quoted\r\nFrom inline\r\n\r\n\
From b Mon Jan  1 00:00:01 2024\r\nSubject: two\r\n\r\nbody\r\n\r\n";
        let msgs = split(data);
        assert_eq!(msgs.len(), 2);
        assert_eq!(msgs[0].envelope, "a Mon Jan  1 00:00:00 2024");
        assert_eq!(
            msgs[0].bytes,
            b"Subject: one\r\n\r\nline\r\nFrom quoted\r\nFrom inline\r\n"
        );
        assert_eq!(msgs[1].envelope, "b Mon Jan  1 00:00:01 2024");
        assert_eq!(msgs[1].line, 8);
        assert_eq!(msgs[1].bytes, b"Subject: two\r\n\r\nbody\r\n");
    }

    #[test]
    fn content_length_body_is_not_split_or_unescaped() {
        let body = b"first\n\nFrom the body, not an envelope\n>From kept as is\n";
        let mut data = Vec::new();
        data.extend_from_slice(b"From a Mon Jan  1 00:00:00 2024\n");
        data.extend_from_slice(format!("Content-Length: {}\n", body.len()).as_bytes());
        data.extend_from_slice(b"Subject: cl\n\n");
        data.extend_from_slice(body);
        data.extend_from_slice(b"\nFrom b Mon Jan  1 00:00:01 2024\nS: y\n\nz\n\n");
        let msgs = split(&data);
        assert_eq!(msgs.len(), 2);
        let mut expected = format!("Content-Length: {}\nSubject: cl\n\n", body.len()).into_bytes();
        expected.extend_from_slice(body);
        assert_eq!(msgs[0].bytes, expected);
        assert_eq!(msgs[1].envelope, "b Mon Jan  1 00:00:01 2024");
        assert_eq!(msgs[1].line, 10);
        assert_eq!(msgs[1].bytes, b"S: y\n\nz\n");
    }

    #[test]
    fn content_length_allows_next_from_without_blank_line_and_at_eof() {
        // mboxcl2 writers may put the next envelope right after the body.
        let data =
            b"From a x\ncontent-length:   4 \n\nab\n\nFrom b y\nCONTENT-LENGTH: 6\n\n>From\n";
        let msgs = split(data);
        assert_eq!(msgs.len(), 2);
        assert_eq!(msgs[0].bytes, b"content-length:   4 \n\nab\n\n");
        assert_eq!(msgs[1].envelope, "b y");
        assert_eq!(msgs[1].line, 6);
        // Ends exactly at end of data: taken verbatim, not unescaped.
        assert_eq!(msgs[1].bytes, b"CONTENT-LENGTH: 6\n\n>From\n");

        // Directly followed by `From ` with no line ending at all.
        let data = b"From a x\nContent-Length: 3\n\nab\nFrom b y\nS: 1\n";
        let msgs = split(data);
        assert_eq!(msgs.len(), 2);
        assert_eq!(msgs[0].bytes, b"Content-Length: 3\n\nab\n");
        assert_eq!(msgs[1].bytes, b"S: 1\n");

        // A single trailing line ending at end of file is the separator.
        let data = b"From a x\nContent-Length: 3\n\nab\n\n";
        let msgs = split(data);
        assert_eq!(msgs.len(), 1);
        assert_eq!(msgs[0].bytes, b"Content-Length: 3\n\nab\n");
    }

    #[test]
    fn content_length_crlf() {
        let body = b"x\r\n\r\nFrom y\r\n";
        let mut data = b"From a x\r\nContent-Length: 13\r\n\r\n".to_vec();
        assert_eq!(body.len(), 13);
        data.extend_from_slice(body);
        data.extend_from_slice(b"\r\nFrom b y\r\nS: 1\r\n\r\n");
        let msgs = split(&data);
        assert_eq!(msgs.len(), 2);
        assert_eq!(
            msgs[0].bytes,
            b"Content-Length: 13\r\n\r\nx\r\n\r\nFrom y\r\n"
        );
        assert_eq!(msgs[1].bytes, b"S: 1\r\n");
    }

    #[test]
    fn wrong_content_length_falls_back_to_scanning() {
        for length in ["5", "9999", "abc", "", "-1", "99999999999999999999999999"] {
            let data = format!(
                "From a x\nContent-Length: {length}\n\nfirst\n>From q\n\nFrom b y\nS: 1\n\nz\n\n"
            );
            let msgs = split(data.as_bytes());
            assert_eq!(msgs.len(), 2, "Content-Length: {length}");
            assert_eq!(
                msgs[0].bytes,
                format!("Content-Length: {length}\n\nfirst\nFrom q\n").into_bytes(),
                "Content-Length: {length}"
            );
            assert_eq!(msgs[1].bytes, b"S: 1\n\nz\n");
        }
        // A length ending mid-line followed by "From " is not a boundary.
        let data = b"From a x\nContent-Length: 2\n\nabFrom c\n\nFrom b y\nS: 1\n";
        let msgs = split(data);
        assert_eq!(msgs.len(), 2);
        assert_eq!(msgs[0].bytes, b"Content-Length: 2\n\nabFrom c\n");
    }

    #[test]
    fn content_length_in_body_is_ignored() {
        let data = b"From a x\nS: 1\n\nContent-Length: 0\n\nFrom b y\nS: 2\n";
        let msgs = split(data);
        assert_eq!(msgs.len(), 2);
        assert_eq!(msgs[0].bytes, b"S: 1\n\nContent-Length: 0\n");
    }

    #[test]
    fn no_trailing_newline_at_eof() {
        let data = b"From a x\nS: 1\n\nfirst\n\nFrom b y\nS: 2\n\nlast line";
        let msgs = split(data);
        assert_eq!(msgs.len(), 2);
        assert_eq!(msgs[1].bytes, b"S: 2\n\nlast line");
        // A single trailing newline without a blank line is content.
        let msgs = split(b"From b y\nS: 2\n\nlast line\n");
        assert_eq!(msgs[0].bytes, b"S: 2\n\nlast line\n");
        // An envelope line alone.
        let msgs = split(b"From b y");
        assert_eq!(msgs.len(), 1);
        assert_eq!(msgs[0].envelope, "b y");
        assert!(msgs[0].bytes.is_empty());
    }

    #[test]
    fn eight_bit_and_nul_bytes_are_preserved() {
        let mut data =
            b"From \xe4\xf6 x\nSubject: \xff\xfe caf\xe9\n\nNUL:\0:\x80\x81\r\n\0\n\n".to_vec();
        data.extend_from_slice(b"From b y\nS: \xc3\xa4\n\n\x00\n");
        let msgs = split(&data);
        assert_eq!(msgs.len(), 2);
        assert_eq!(msgs[0].envelope, "\u{fffd}\u{fffd} x");
        assert_eq!(
            msgs[0].bytes,
            b"Subject: \xff\xfe caf\xe9\n\nNUL:\0:\x80\x81\r\n\0\n"
        );
        assert_eq!(msgs[1].bytes, b"S: \xc3\xa4\n\n\x00\n");
    }

    #[test]
    fn concatenating_messages_round_trips() {
        // Write an mboxrd file from known messages and read it back.
        let originals: Vec<&[u8]> = vec![
            b"Subject: a\n\nFrom me\n>From you\n",
            b"Subject: b\r\n\r\nbinary \x00\xff\r\n",
            b"Subject: c\n\n\n\nblank lines\n\n",
            b"Subject: d\n\nno final newline",
        ];
        let mut data = Vec::new();
        for (i, m) in originals.iter().enumerate() {
            data.extend_from_slice(format!("From sender{i} Mon Jan  1 00:00:00 2024\n").as_bytes());
            let mut pos = 0;
            while pos < m.len() {
                let end = line_end(m, pos);
                let line = &m[pos..end];
                let quotes = line.iter().take_while(|&&b| b == b'>').count();
                if line[quotes..].starts_with(b"From ") {
                    data.push(b'>');
                }
                data.extend_from_slice(line);
                pos = end;
            }
            if !m.ends_with(b"\n") {
                data.push(b'\n');
            }
            data.push(b'\n');
        }
        let got = bodies(&data);
        let mut expected: Vec<Vec<u8>> = originals.iter().map(|m| m.to_vec()).collect();
        // The writer had to add a line ending to end the last line.
        expected[3].push(b'\n');
        assert_eq!(got, expected);
    }

    #[test]
    fn arbitrary_input_never_panics() {
        // Deterministic xorshift over fragments that exercise every branch.
        const PIECES: [&[u8]; 12] = [
            b"From ",
            b"\n",
            b"\r\n",
            b"\r",
            b">",
            b"Content-Length: 3",
            b"Content-Length: 0",
            b"x",
            b": ",
            b"\0",
            b"\xff",
            b"From a b\n",
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..3000 {
            let mut data = Vec::new();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 40) as usize;
            for _ in 0..len {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                data.extend_from_slice(PIECES[(state % PIECES.len() as u64) as usize]);
            }
            let msgs = split(&data);
            let mut prev = 0;
            for m in &msgs {
                assert!(m.line > prev || (m.line == 1 && prev == 0), "{data:?}");
                prev = m.line;
            }
            let total: usize = msgs.iter().map(|m| m.bytes.len()).sum();
            assert!(total <= data.len(), "{data:?}");
        }
    }

    // ---- real corpus files ------------------------------------------------

    const CORPUS_DIRS: [&str; 2] = [
        "/work/shared/corpus/public",
        "/work/shared/corpus/public/mbox",
    ];

    fn corpus_file(name: &str) -> Option<Vec<u8>> {
        CORPUS_DIRS
            .iter()
            .map(|dir| Path::new(dir).join(name))
            .find(|p| p.is_file())
            .map(|p| fs::read(p).unwrap())
    }

    /// Independent count: lines starting with "From " that are the first
    /// line of the file or follow an empty line, plus one for non-blank
    /// bytes before the first such line.
    fn expected_count(data: &[u8]) -> usize {
        let lines: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
        let mut count = 0;
        let mut seen_non_blank = false;
        let mut junk = false;
        for (i, line) in lines.iter().enumerate() {
            let blank = line.is_empty() || *line == b"\r";
            let separator =
                line.starts_with(b"From ") && (i == 0 || matches!(lines[i - 1], b"" | b"\r"));
            if separator {
                count += 1;
            } else if !blank && count == 0 && !seen_non_blank {
                junk = true;
            }
            if !blank {
                seen_non_blank = true;
            }
        }
        count + usize::from(junk)
    }

    fn looks_like_headers(bytes: &[u8]) -> bool {
        let first = &bytes[..line_end(bytes, 0)];
        first.contains(&b':')
            || first.starts_with(b"From")
            || first.first().is_some_and(|b| *b == b' ' || *b == b'\t')
    }

    fn check_corpus(name: &str, known: usize) {
        let Some(data) = corpus_file(name) else {
            eprintln!("{name}: not present, skipped");
            return;
        };
        let msgs = split(&data);
        let expected = expected_count(&data);
        eprintln!(
            "{name}: {} messages (independent count {expected}, manifest {known})",
            msgs.len()
        );
        assert_eq!(msgs.len(), expected, "{name}");
        assert_eq!(msgs.len(), known, "{name}");
        let mut prev_line = 0;
        for m in &msgs {
            assert!(m.line > prev_line, "{name}: line numbers increase");
            prev_line = m.line;
            // cpython-mailbox_01.mbox ends in an unquoted "From time to
            // time" body line after a blank line, which by the separator
            // rule is an (empty) message of its own, as Python's mailbox
            // module also reads it.
            if m.bytes.is_empty() {
                eprintln!(
                    "{name}: empty message at line {} ({:?})",
                    m.line, m.envelope
                );
                continue;
            }
            assert!(
                looks_like_headers(&m.bytes),
                "{name}: message at line {} does not start with a header: {:?}",
                m.line,
                String::from_utf8_lossy(&m.bytes[..m.bytes.len().min(80)])
            );
        }
        // Nothing but envelope lines, separators and quoting is lost.
        let total: usize = msgs.iter().map(|m| m.bytes.len()).sum();
        assert!(total <= data.len());
    }

    #[test]
    fn corpus_cpython_mailbox_01() {
        check_corpus("cpython-mailbox_01.mbox", 2);
        if let Some(data) = corpus_file("cpython-mailbox_01.mbox") {
            let msgs = split(&data);
            assert_eq!(
                msgs[0].envelope,
                "MAILER-DAEMON Sun Aug  7 11:40:37 2022 extra info"
            );
            assert!(msgs[0].bytes.starts_with(b"From: foo\n"));
            assert!(msgs[0].bytes.ends_with(b"\n\nHello\n"));
            assert_eq!(msgs[1].envelope, "time to time");
            assert_eq!(msgs[1].line, 7);
        }
    }

    #[test]
    fn corpus_fedora_devel() {
        check_corpus("fedora-devel-2010-01-selected-threads.mbox", 47);
        // The same 47 messages exist as fedora-devel-2010-01-*.eml files,
        // cut from the archive at its `From ` lines with the separating
        // blank line left on: each split message plus "\n" is one of them,
        // byte for byte.
        let Some(data) = corpus_file("fedora-devel-2010-01-selected-threads.mbox") else {
            return;
        };
        let Ok(dir) = fs::read_dir("/work/shared/corpus/public") else {
            return;
        };
        let emls: std::collections::HashSet<Vec<u8>> = dir
            .map(|e| e.unwrap().path())
            .filter(|p| {
                let name = p.file_name().unwrap().to_string_lossy();
                name.starts_with("fedora-devel-2010-01-") && name.ends_with(".eml")
            })
            .map(|p| fs::read(p).unwrap())
            .collect();
        if emls.is_empty() {
            return;
        }
        let matched = split(&data)
            .into_iter()
            .filter(|m| {
                let mut bytes = m.bytes.clone();
                bytes.push(b'\n');
                emls.contains(&bytes)
            })
            .count();
        eprintln!(
            "fedora: {matched} of 47 messages equal a .eml file (plus the separator newline)"
        );
        assert_eq!(matched, 47);
    }

    #[test]
    fn corpus_sisimai_mbox_0() {
        // CRLF, 8-bit, a NUL byte and one stale Content-Length (216) that
        // must fall back to scanning.
        check_corpus("sisimai-mbox-0.mbox", 37);
        if let Some(data) = corpus_file("sisimai-mbox-0.mbox") {
            for m in split(&data) {
                assert!(m.bytes.ends_with(b"\r\n"), "line {}", m.line);
                assert!(!m.envelope.ends_with('\r'), "line {}", m.line);
            }
        }
    }

    // ---- Maildir ----------------------------------------------------------

    fn touch(path: &Path) {
        fs::write(path, b"Subject: x\n\nbody\n").unwrap();
    }

    fn make_maildir() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["new", "cur", "tmp"] {
            fs::create_dir(dir.path().join(sub)).unwrap();
        }
        touch(&dir.path().join("new/1700000003.M1P1.host"));
        touch(&dir.path().join("new/1700000001.M1P1.host"));
        touch(&dir.path().join("new/.hidden"));
        touch(&dir.path().join("cur/1700000002.M1P1.host:2,RS"));
        touch(&dir.path().join("cur/1700000004.M1P1.host!2,FR"));
        touch(&dir.path().join("cur/1700000005.M1P1.host"));
        touch(&dir.path().join("cur/1700000006.M1P1.host,S=17:2,"));
        touch(&dir.path().join("cur/.1700000000.hidden:2,S"));
        touch(&dir.path().join("tmp/1700000000.M1P1.host"));
        fs::create_dir(dir.path().join("cur/a-subdirectory")).unwrap();
        dir
    }

    fn names(entries: &[MaildirEntry]) -> Vec<String> {
        entries
            .iter()
            .map(|e| {
                format!(
                    "{}/{} [{}]",
                    e.subdir,
                    e.path.file_name().unwrap().to_string_lossy(),
                    e.flags
                )
            })
            .collect()
    }

    #[test]
    fn maildir_entries_sorted_without_tmp_and_hidden() {
        let dir = make_maildir();
        let entries = maildir_entries(dir.path()).unwrap();
        assert_eq!(
            names(&entries),
            [
                "new/1700000001.M1P1.host []",
                "cur/1700000002.M1P1.host:2,RS [RS]",
                "new/1700000003.M1P1.host []",
                "cur/1700000004.M1P1.host!2,FR [FR]",
                "cur/1700000005.M1P1.host []",
                "cur/1700000006.M1P1.host,S=17:2, []",
            ]
        );
        for e in &entries {
            assert!(e.path.starts_with(dir.path().join(e.subdir)));
        }
        assert!(is_processed(&entries[1]));
        assert!(!is_processed(&entries[0]));
        assert!(!is_processed(&entries[3]));
    }

    #[test]
    fn maildir_with_only_new_or_only_cur() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("new")).unwrap();
        touch(&dir.path().join("new/m1"));
        assert_eq!(names(&maildir_entries(dir.path()).unwrap()), ["new/m1 []"]);

        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("cur")).unwrap();
        assert!(maildir_entries(dir.path()).unwrap().is_empty());
    }

    #[test]
    fn mark_processed_moves_new_to_cur() {
        let dir = make_maildir();
        let entries = maildir_entries(dir.path()).unwrap();
        let entry = &entries[0];
        assert_eq!(entry.subdir, "new");
        let new_path = mark_processed(entry).unwrap();
        assert_eq!(new_path, dir.path().join("cur/1700000001.M1P1.host:2,S"));
        assert!(new_path.is_file());
        assert!(!entry.path.exists());
        assert_eq!(fs::read(&new_path).unwrap(), b"Subject: x\n\nbody\n");

        let again = maildir_entries(dir.path()).unwrap();
        let moved = again.iter().find(|e| e.path == new_path).unwrap();
        assert_eq!(moved.subdir, "cur");
        assert_eq!(moved.flags, "S");
        assert!(is_processed(moved));
        // Idempotent.
        assert_eq!(mark_processed(moved).unwrap(), new_path);
        assert!(new_path.is_file());
    }

    #[test]
    fn mark_processed_adds_s_in_cur_keeping_flags_sorted() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("cur")).unwrap();
        touch(&dir.path().join("cur/x:2,R"));
        touch(&dir.path().join("cur/y:2,S"));
        touch(&dir.path().join("cur/z!2,FT"));
        touch(&dir.path().join("cur/w"));
        touch(&dir.path().join("cur/v:2,"));
        touch(&dir.path().join("cur/u:2,aTD"));
        let entries = maildir_entries(dir.path()).unwrap();
        let marked: Vec<String> = entries
            .iter()
            .map(|e| {
                let p = mark_processed(e).unwrap();
                assert!(p.is_file(), "{}", p.display());
                p.file_name().unwrap().to_string_lossy().into_owned()
            })
            .collect();
        assert_eq!(
            marked,
            ["u:2,DSTa", "v:2,S", "w:2,S", "x:2,RS", "y:2,S", "z!2,FST"]
        );
        assert_eq!(
            names(&maildir_entries(dir.path()).unwrap()),
            [
                "cur/u:2,DSTa [DSTa]",
                "cur/v:2,S [S]",
                "cur/w:2,S [S]",
                "cur/x:2,RS [RS]",
                "cur/y:2,S [S]",
                "cur/z!2,FST [FST]",
            ]
        );
    }

    #[test]
    fn mark_processed_keeps_bang_separator_from_new() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("new")).unwrap();
        fs::create_dir(dir.path().join("cur")).unwrap();
        touch(&dir.path().join("new/m!2,F"));
        let entries = maildir_entries(dir.path()).unwrap();
        assert_eq!(entries[0].flags, "");
        let p = mark_processed(&entries[0]).unwrap();
        assert_eq!(p, dir.path().join("cur/m!2,FS"));
    }

    #[test]
    fn mark_processed_with_stale_entry_flags() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("cur")).unwrap();
        touch(&dir.path().join("cur/x:2,S"));
        let entry = MaildirEntry {
            path: dir.path().join("cur/x:2,S"),
            subdir: "cur",
            flags: String::new(),
        };
        assert_eq!(mark_processed(&entry).unwrap(), entry.path);
        assert!(entry.path.is_file());
    }

    #[test]
    fn mark_processed_refuses_to_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("new")).unwrap();
        fs::create_dir(dir.path().join("cur")).unwrap();
        touch(&dir.path().join("new/m"));
        fs::write(dir.path().join("cur/m:2,S"), b"other").unwrap();
        let entry = maildir_entries(dir.path())
            .unwrap()
            .into_iter()
            .find(|e| e.subdir == "new")
            .unwrap();
        let err = mark_processed(&entry).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert!(err.to_string().contains("m:2,S"), "{err}");
        assert!(entry.path.is_file());
        assert_eq!(fs::read(dir.path().join("cur/m:2,S")).unwrap(), b"other");
    }

    #[test]
    fn mark_processed_missing_file_names_path() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("cur")).unwrap();
        let entry = MaildirEntry {
            path: dir.path().join("cur/gone:2,R"),
            subdir: "cur",
            flags: "R".into(),
        };
        let err = mark_processed(&entry).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert!(err.to_string().contains("gone:2,R"), "{err}");
    }

    #[test]
    fn missing_dir_is_an_error_naming_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no-such-maildir");
        let err = maildir_entries(&missing).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert!(
            err.to_string().contains(&missing.display().to_string()),
            "{err}"
        );
    }

    #[test]
    fn non_maildir_is_an_error_naming_the_path() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("tmp")).unwrap();
        let err = maildir_entries(dir.path()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        let msg = err.to_string();
        assert!(msg.contains(&dir.path().display().to_string()), "{msg}");
        assert!(msg.contains("not a Maildir"), "{msg}");

        let file = dir.path().join("plain-file");
        touch(&file);
        let err = maildir_entries(&file).unwrap_err();
        assert!(
            err.to_string().contains(&file.display().to_string()),
            "{err}"
        );
    }

    #[test]
    fn file_name_parsing() {
        let p = parse_file_name("123.M4P5.host,S=10,W=12:2,FRS");
        assert_eq!(p.unique, "123.M4P5.host,S=10,W=12");
        assert_eq!(p.separator, Some(':'));
        assert_eq!(p.flags, "FRS");
        let p = parse_file_name("123.host!2,");
        assert_eq!(p.unique, "123.host");
        assert_eq!(p.separator, Some('!'));
        assert_eq!(p.flags, "");
        let p = parse_file_name("123.host");
        assert_eq!(p.unique, "123.host");
        assert_eq!(p.separator, None);
        assert_eq!(with_flag("TRF", 'S'), "FRST");
        assert_eq!(with_flag("", 'S'), "S");
        assert_eq!(with_flag("S", 'S'), "S");
    }
}
