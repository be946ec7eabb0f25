//! Line-preserving lookups and scalar edits of a YAML document.
//!
//! `tiketti config set KEY VALUE` must change `tiketti.yaml` without disturbing
//! anything else in it, and config validation errors must point at the line of a
//! key. `serde_yaml` drops comments and formatting, so this module works on the
//! raw text instead: it recognises just enough structure (block mappings, block
//! sequences, one-line flow collections as opaque values, quoted scalars,
//! comments, blank lines, a leading `---`) to find the line of a dotted key path
//! ([`line_of`]) and to replace or insert one single-line scalar ([`set_scalar`]).
//! Every line it does not edit is copied byte for byte, line endings included.
//!
//! What it must not do: it is not a YAML parser. It never interprets scalar
//! values (types, escapes beyond quoted keys, anchors, tags), never rewrites or
//! reflows lines it does not edit, never creates sequence items, and refuses to
//! edit block scalars (`|`, `>`) and multi-line values, which it only skips over.
//! It does no I/O: callers read and write the file and deserialize it with serde.
//!
//! Inserted lines use the document's line ending (that of its first line,
//! `\n` when there is none) and are always terminated; when a line is appended
//! after a final line that had no newline, that line gets one.

use std::fmt;

/// One segment of a dotted key path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSeg {
    /// A mapping key.
    Key(String),
    /// A zero-based sequence index.
    Index(usize),
}

/// Why a path could not be parsed, looked up or edited. The message is meant
/// for the user and names the dotted path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditError(pub String);

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EditError {}

/// "mail.tag" -> [Key(mail), Key(tag)]; "statuses.2.category" -> [Key(statuses), Index(2), Key(category)].
/// A segment of only ASCII digits is an Index. Empty segments are an error.
pub fn parse_path(s: &str) -> Result<Vec<PathSeg>, EditError> {
    if s.is_empty() {
        return Err(EditError("the key path is empty".to_string()));
    }
    s.split('.')
        .map(|seg| {
            if seg.is_empty() {
                Err(EditError(format!(
                    "invalid key path `{s}`: it has an empty segment"
                )))
            } else if seg.bytes().all(|b| b.is_ascii_digit()) {
                seg.parse::<usize>().map(PathSeg::Index).map_err(|_| {
                    EditError(format!(
                        "invalid key path `{s}`: index `{seg}` is too large"
                    ))
                })
            } else {
                Ok(PathSeg::Key(seg.to_string()))
            }
        })
        .collect()
}

/// 1-based line number where the node at `path` starts (the line holding its key, or its `- ` for a sequence item).
/// None when absent. An empty path returns None.
pub fn line_of(text: &str, path: &[PathSeg]) -> Option<usize> {
    if path.is_empty() {
        return None;
    }
    let doc = Doc::parse(text).ok()?;
    match walk(&doc.root, path).ok()? {
        Walk::Found(slot, _) => Some(slot.line + 1),
        Walk::Missing { .. } => None,
    }
}

/// Replace (or insert) the scalar at `path` with `value`, which is already valid YAML scalar/flow text
/// (the caller quotes it). Returns the whole new document.
///
/// - an existing `key: old  # comment` becomes `key: value  # comment`;
/// - an existing empty `key:` becomes `key: value`;
/// - a missing key whose parent mapping exists is inserted after the parent's last content line,
///   at the indentation of its siblings (parent indent + 2 under an empty `parent:`); missing
///   parent mappings are created as nested `key:` lines.
///
/// Errors name the dotted path: the node is a block mapping, block sequence, block scalar or
/// multi-line value; the path walks through a scalar or flow collection; a key is used on a
/// sequence or an index on a mapping; an index is past the end of a sequence; `value` is not a
/// single-line scalar.
pub fn set_scalar(text: &str, path: &[PathSeg], value: &str) -> Result<String, EditError> {
    let full = fmt_path(path);
    let fail = |msg: String| EditError(format!("cannot set `{full}`: {msg}"));
    if path.is_empty() {
        return Err(EditError(
            "cannot set a value at an empty key path".to_string(),
        ));
    }
    check_value(value).map_err(fail)?;
    let doc = Doc::parse(text).map_err(fail)?;
    match walk(&doc.root, path).map_err(fail)? {
        Walk::Found(_, node) => match node {
            Node::Scalar {
                line, start, end, ..
            } => {
                let old = doc.lines[*line].text;
                let new = format!("{}{value}{}", &old[..*start], &old[*end..]);
                Ok(doc.render(Some((*line, new)), None))
            }
            Node::Empty { line, at } => {
                let old = doc.lines[*line].text;
                let rest = &old[*at..];
                let rest = if is_blank(rest) { "" } else { rest };
                let new = format!("{} {value}{rest}", &old[..*at]);
                Ok(doc.render(Some((*line, new)), None))
            }
            Node::Block => Err(fail(
                "it is a block scalar (`|` or `>`); edit it by hand".to_string(),
            )),
            Node::Multi => Err(fail(
                "its value spans several lines; edit it by hand".to_string(),
            )),
            Node::Map(_) => Err(fail(
                "it is a mapping, not a scalar; set one of its keys instead".to_string(),
            )),
            Node::Seq(_) => Err(fail(
                "it is a sequence, not a scalar; set one of its items instead".to_string(),
            )),
        },
        Walk::Missing { depth, parent } => {
            let mut keys = Vec::new();
            for (i, seg) in path.iter().enumerate().skip(depth) {
                match seg {
                    PathSeg::Key(k) => keys.push(k.as_str()),
                    PathSeg::Index(_) => {
                        return Err(fail(format!(
                            "`{}` does not exist, and sequence items are never created",
                            fmt_path(&path[..=i])
                        )));
                    }
                }
            }
            let (at, indent) = match parent {
                Parent::Map(m) => (m.last.map_or(doc.end, |l| l + 1), m.indent),
                Parent::Empty(slot) => (slot.line + 1, slot.col + 2),
            };
            let count = keys.len();
            let new_lines = keys
                .iter()
                .enumerate()
                .map(|(j, k)| {
                    let pad = " ".repeat(indent + 2 * j);
                    if j + 1 == count {
                        format!("{pad}{}: {value}", fmt_key(k))
                    } else {
                        format!("{pad}{}:", fmt_key(k))
                    }
                })
                .collect();
            Ok(doc.render(None, Some((at, new_lines))))
        }
    }
}

// ---------------------------------------------------------------------------
// Paths and values

fn fmt_path(path: &[PathSeg]) -> String {
    path.iter()
        .map(|seg| match seg {
            PathSeg::Key(k) => k.clone(),
            PathSeg::Index(i) => i.to_string(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// How a path prefix is named in messages.
fn name_prefix(path: &[PathSeg], depth: usize) -> String {
    if depth == 0 {
        "the document".to_string()
    } else {
        format!("`{}`", fmt_path(&path[..depth]))
    }
}

/// A key as written on an inserted line: plain when that is unambiguous, else double-quoted.
fn fmt_key(k: &str) -> String {
    let plain = !k.is_empty()
        && !k.starts_with('-')
        && k.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '/'));
    if plain {
        k.to_string()
    } else {
        format!("\"{}\"", k.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// The new value must be one single-line scalar or flow collection, so that
/// writing it after `key: ` yields exactly that value and nothing else.
fn check_value(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("the value is empty (write \"\" for an empty string)".to_string());
    }
    if value.contains(['\n', '\r']) {
        return Err("the value must fit on one line".to_string());
    }
    if value.trim_matches([' ', '\t']) != value {
        return Err("the value has leading or trailing whitespace (quote it)".to_string());
    }
    let b = value.as_bytes();
    let whole = match b[0] {
        b'|' | b'>' => {
            return Err(
                "the value is a block scalar (`|` or `>`); only one-line values can be set"
                    .to_string(),
            );
        }
        b'"' => scan_double(b, 0) == Some(b.len()),
        b'\'' => scan_single(b, 0) == Some(b.len()),
        b'[' | b'{' => scan_flow(b, 0) == Some(b.len()),
        first => {
            let bad_start = matches!(first, b'#' | b',' | b']' | b'}' | b'@' | b'`' | b'%')
                || (matches!(first, b'-' | b'?' | b':')
                    && matches!(b.get(1), None | Some(b' ' | b'\t')));
            !bad_start
                && plain_end(b, 0) == b.len()
                && !value.contains(": ")
                && !value.contains(":\t")
                && !value.ends_with(':')
        }
    };
    if whole {
        Ok(())
    } else {
        Err(format!("`{value}` is not a single YAML scalar; quote it"))
    }
}

// ---------------------------------------------------------------------------
// Lines

struct Line<'a> {
    /// The line without its line ending.
    text: &'a str,
    /// `"\n"`, `"\r\n"`, or `""` for a final line without newline.
    eol: &'a str,
}

fn split_lines(text: &str) -> Vec<Line<'_>> {
    text.split_inclusive('\n')
        .map(|raw| {
            if let Some(body) = raw.strip_suffix("\r\n") {
                Line {
                    text: body,
                    eol: "\r\n",
                }
            } else if let Some(body) = raw.strip_suffix('\n') {
                Line {
                    text: body,
                    eol: "\n",
                }
            } else {
                Line { text: raw, eol: "" }
            }
        })
        .collect()
}

fn is_ws(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn indent_of(s: &str) -> usize {
    s.bytes().take_while(|&b| b == b' ').count()
}

fn is_blank(s: &str) -> bool {
    s.bytes().all(is_ws)
}

fn is_comment(s: &str) -> bool {
    s.trim_start_matches([' ', '\t']).starts_with('#')
}

/// `---` or `...` at column 0.
fn is_marker(s: &str) -> bool {
    (s.starts_with("---") || s.starts_with("...")) && s.as_bytes().get(3).is_none_or(|&b| is_ws(b))
}

/// `-` followed by whitespace or end of line: a block sequence entry.
fn is_dash(s: &str) -> bool {
    let b = s.as_bytes();
    b.first() == Some(&b'-') && b.get(1).is_none_or(|&c| is_ws(c))
}

// ---------------------------------------------------------------------------
// Scanning within one line (byte offsets; only ASCII bytes are ever split on)

/// `b[start]` is `"`; returns the offset just past the closing quote.
fn scan_double(b: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// `b[start]` is `'`; returns the offset just past the closing quote (`''` is an escaped quote).
fn scan_single(b: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < b.len() {
        if b[i] == b'\'' {
            if b.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        i += 1;
    }
    None
}

/// `b[start]` is `[` or `{`; returns the offset just past the matching bracket,
/// or None when the collection does not close on this line.
fn scan_flow(b: &[u8], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut prev = b'[';
    let mut i = start;
    while i < b.len() {
        let c = b[i];
        match c {
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            b'"' | b'\'' if matches!(prev, b'[' | b'{' | b',' | b':') => {
                i = if c == b'"' {
                    scan_double(b, i)?
                } else {
                    scan_single(b, i)?
                };
                prev = c;
                continue;
            }
            b'#' if i > start && is_ws(b[i - 1]) => return None,
            _ => {}
        }
        if !is_ws(c) {
            prev = c;
        }
        i += 1;
    }
    None
}

/// End of a plain scalar starting at `from`: before a ` #` comment, trailing whitespace trimmed.
fn plain_end(b: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < b.len() {
        if b[i] == b'#' && i > 0 && is_ws(b[i - 1]) {
            break;
        }
        i += 1;
    }
    while i > from && is_ws(b[i - 1]) {
        i -= 1;
    }
    i
}

/// A scalar or flow collection starting at `vs`: (end offset, is flow, closed on this line).
fn scan_scalar(t: &str, vs: usize) -> (usize, bool, bool) {
    let b = t.as_bytes();
    let (close, flow) = match b[vs] {
        b'"' => (scan_double(b, vs), false),
        b'\'' => (scan_single(b, vs), false),
        b'[' | b'{' => (scan_flow(b, vs), true),
        _ => return (plain_end(b, vs), false, true),
    };
    let Some(close) = close else {
        return (b.len(), flow, false);
    };
    let mut k = close;
    while k < b.len() && is_ws(b[k]) {
        k += 1;
    }
    if k == b.len() || (b[k] == b'#' && k > close) {
        (close, flow, true)
    } else {
        // Not valid YAML (`"a" b`); treat the rest up to a comment as part of the value.
        (plain_end(b, close), flow, true)
    }
}

fn unescape_double(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('0') => out.push('\0'),
            Some(e @ ('\\' | '"' | '/' | ' ')) => out.push(e),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// A mapping key at column `col` of `t`: (key, offset just past its `:`).
fn parse_key(t: &str, col: usize) -> Option<(String, usize)> {
    let s = t.get(col..)?;
    let sb = s.as_bytes();
    let first = *sb.first()?;
    let (key, mut k) = match first {
        b'"' => {
            let close = scan_double(sb, 0)?;
            (unescape_double(&s[1..close - 1]), close)
        }
        b'\'' => {
            let close = scan_single(sb, 0)?;
            (s[1..close - 1].replace("''", "'"), close)
        }
        _ => {
            if matches!(
                first,
                b' ' | b'\t'
                    | b'#'
                    | b'['
                    | b']'
                    | b'{'
                    | b'}'
                    | b','
                    | b'|'
                    | b'>'
                    | b'&'
                    | b'*'
                    | b'!'
                    | b'%'
                    | b'@'
                    | b'`'
            ) || (matches!(first, b'-' | b'?' | b':') && sb.get(1).is_none_or(|&c| is_ws(c)))
            {
                return None;
            }
            let mut i = 0;
            loop {
                match sb.get(i)? {
                    b':' if sb.get(i + 1).is_none_or(|&c| is_ws(c)) => break,
                    b'#' if i > 0 && is_ws(sb[i - 1]) => return None,
                    _ => i += 1,
                }
            }
            let key = s[..i].trim_end_matches([' ', '\t']);
            return Some((key.to_string(), col + i + 1));
        }
    };
    while k < sb.len() && is_ws(sb[k]) {
        k += 1;
    }
    if sb.get(k) == Some(&b':') && sb.get(k + 1).is_none_or(|&c| is_ws(c)) {
        Some((key, col + k + 1))
    } else {
        None
    }
}

// ---------------------------------------------------------------------------
// Structure

enum Node {
    /// Nothing after `key:` / `-`, and no nested block. `at` is the offset just past the `:` / `-`.
    Empty {
        line: usize,
        at: usize,
    },
    /// A one-line scalar or flow collection at `start..end` of `line`.
    Scalar {
        line: usize,
        start: usize,
        end: usize,
        flow: bool,
    },
    /// A `|` or `>` block scalar.
    Block,
    /// A value spanning several lines (multi-line plain, quoted or flow scalar) or
    /// something this module does not model.
    Multi,
    Map(Map),
    Seq(Vec<Item>),
}

impl Node {
    fn describe(&self) -> &'static str {
        match self {
            Node::Empty { .. } => "empty",
            Node::Scalar { flow: true, .. } => "a flow collection (`[...]` or `{...}`)",
            Node::Scalar { .. } => "a scalar",
            Node::Block => "a block scalar",
            Node::Multi => "a multi-line value",
            Node::Map(_) => "a mapping",
            Node::Seq(_) => "a sequence",
        }
    }
}

struct Map {
    /// Column of the keys.
    indent: usize,
    entries: Vec<Entry>,
    /// Last content line belonging to the mapping; None only for an empty document.
    last: Option<usize>,
}

struct Entry {
    key: String,
    line: usize,
    col: usize,
    value: Node,
}

struct Item {
    line: usize,
    /// Column of the `-`.
    col: usize,
    value: Node,
}

struct Doc<'a> {
    lines: Vec<Line<'a>>,
    eol: &'a str,
    /// Lines `end..` (a second document) are outside the structure.
    end: usize,
    root: Node,
}

impl<'a> Doc<'a> {
    fn parse(text: &'a str) -> Result<Doc<'a>, String> {
        let lines = split_lines(text);
        let eol = lines
            .iter()
            .map(|l| l.eol)
            .find(|e| !e.is_empty())
            .unwrap_or("\n");
        let first = lines.iter().position(|l| {
            let t = l.text;
            !(is_blank(t) || is_comment(t) || is_marker(t) || t.starts_with('%'))
        });
        let Some(first) = first else {
            let end = lines.len();
            return Ok(Doc {
                lines,
                eol,
                end,
                root: Node::Map(Map {
                    indent: 0,
                    entries: Vec::new(),
                    last: None,
                }),
            });
        };
        let end = (first..lines.len())
            .find(|&i| is_marker(lines[i].text))
            .unwrap_or(lines.len());
        let parser = Parser { lines: &lines, end };
        let (root, last) = parser.parse_block(first, 0)?;
        if let Some(j) = parser.next_content(last + 1) {
            return Err(parser.unexpected(j));
        }
        Ok(Doc {
            lines,
            eol,
            end,
            root,
        })
    }

    /// The document with line `replace.0` replaced and/or `insert.1` inserted before line `insert.0`.
    fn render(
        &self,
        replace: Option<(usize, String)>,
        insert: Option<(usize, Vec<String>)>,
    ) -> String {
        let mut out = String::new();
        for i in 0..=self.lines.len() {
            if let Some((at, new_lines)) = &insert
                && *at == i
            {
                if i > 0 && self.lines[i - 1].eol.is_empty() {
                    out.push_str(self.eol);
                }
                for l in new_lines {
                    out.push_str(l);
                    out.push_str(self.eol);
                }
            }
            let Some(line) = self.lines.get(i) else {
                break;
            };
            match &replace {
                Some((r, text)) if *r == i => out.push_str(text),
                _ => out.push_str(line.text),
            }
            out.push_str(line.eol);
        }
        out
    }
}

struct Parser<'d, 'a> {
    lines: &'d [Line<'a>],
    end: usize,
}

impl<'a> Parser<'_, 'a> {
    fn text(&self, i: usize) -> &'a str {
        self.lines[i].text
    }

    fn indent(&self, i: usize) -> usize {
        indent_of(self.text(i))
    }

    /// First line at or after `from` that is neither blank nor a comment.
    fn next_content(&self, from: usize) -> Option<usize> {
        (from..self.end).find(|&i| {
            let t = self.text(i);
            !is_blank(t) && !is_comment(t)
        })
    }

    /// Skip raw lines (block scalar or continuation lines): blank lines and lines
    /// indented at least `min`. Returns the last non-blank one, or `line` if none.
    fn skip_raw(&self, line: usize, min: usize) -> usize {
        let mut last = line;
        for i in line + 1..self.end {
            let t = self.text(i);
            if is_blank(t) {
                continue;
            }
            if indent_of(t) < min {
                break;
            }
            last = i;
        }
        last
    }

    fn unexpected(&self, line: usize) -> String {
        let t = self.text(line);
        if t.trim_start_matches(' ').starts_with('\t') {
            format!("line {}: tab used for indentation", line + 1)
        } else {
            format!("line {}: unexpected indentation or content", line + 1)
        }
    }

    /// The node whose first line is `line`, at that line's indentation; lines
    /// indented less than `min` are outside it.
    fn parse_block(&self, line: usize, min: usize) -> Result<(Node, usize), String> {
        self.parse_node_at(line, self.indent(line), min)
    }

    /// A block node starting at column `col` of `line` (possibly after a `- `).
    fn parse_node_at(&self, line: usize, col: usize, min: usize) -> Result<(Node, usize), String> {
        let t = self.text(line);
        if t[col..].starts_with('\t') {
            return Err(self.unexpected(line));
        }
        if is_dash(&t[col..]) {
            self.parse_seq(line, col)
        } else if parse_key(t, col).is_some() {
            self.parse_map(line, col)
        } else {
            Ok((Node::Multi, self.skip_raw(line, min)))
        }
    }

    fn parse_map(&self, line: usize, col: usize) -> Result<(Node, usize), String> {
        let mut entries = Vec::new();
        let mut i = line;
        let last = loop {
            let t = self.text(i);
            let Some((key, after)) = parse_key(t, col) else {
                return Err(if t[col..].starts_with('\t') {
                    self.unexpected(i)
                } else {
                    format!("line {}: expected `key:` at column {}", i + 1, col + 1)
                });
            };
            let (value, last) = self.parse_value(i, col, after, false)?;
            entries.push(Entry {
                key,
                line: i,
                col,
                value,
            });
            match self.next_content(last + 1) {
                Some(j) if self.indent(j) == col => i = j,
                Some(j) if self.indent(j) > col => return Err(self.unexpected(j)),
                _ => break last,
            }
        };
        Ok((
            Node::Map(Map {
                indent: col,
                entries,
                last: Some(last),
            }),
            last,
        ))
    }

    fn parse_seq(&self, line: usize, col: usize) -> Result<(Node, usize), String> {
        let mut items = Vec::new();
        let mut i = line;
        let last = loop {
            let (value, last) = self.parse_value(i, col, col + 1, true)?;
            items.push(Item {
                line: i,
                col,
                value,
            });
            match self.next_content(last + 1) {
                Some(j) if self.indent(j) == col && is_dash(&self.text(j)[col..]) => i = j,
                Some(j) if self.indent(j) > col => return Err(self.unexpected(j)),
                _ => break last,
            }
        };
        Ok((Node::Seq(items), last))
    }

    /// The value after `key:` or `-` on `line`, starting at offset `from`; `n` is
    /// the column of the key or dash. Returns the node and its last content line.
    fn parse_value(
        &self,
        line: usize,
        n: usize,
        from: usize,
        item: bool,
    ) -> Result<(Node, usize), String> {
        let t = self.text(line);
        let b = t.as_bytes();
        let mut vs = from;
        while vs < b.len() && is_ws(b[vs]) {
            vs += 1;
        }
        if vs == b.len() || b[vs] == b'#' {
            return match self.next_content(line + 1) {
                Some(j) if self.indent(j) > n => self.parse_block(j, n + 1),
                // `key:` followed by a sequence at the key's own indentation.
                Some(j) if !item && self.indent(j) == n && is_dash(&self.text(j)[n..]) => {
                    self.parse_seq(j, n)
                }
                _ => Ok((Node::Empty { line, at: from }, line)),
            };
        }
        if item && (is_dash(&t[vs..]) || parse_key(t, vs).is_some()) {
            return self.parse_node_at(line, vs, n + 1);
        }
        if b[vs] == b'|' || b[vs] == b'>' {
            return Ok((Node::Block, self.skip_raw(line, n + 1)));
        }
        let (end, flow, closed) = scan_scalar(t, vs);
        let continued = self
            .next_content(line + 1)
            .is_some_and(|j| self.indent(j) > n);
        if !closed || continued {
            return Ok((Node::Multi, self.skip_raw(line, n + 1)));
        }
        Ok((
            Node::Scalar {
                line,
                start: vs,
                end,
                flow,
            },
            line,
        ))
    }
}

// ---------------------------------------------------------------------------
// Walking a path

#[derive(Clone, Copy)]
struct Slot {
    line: usize,
    /// Column of the key, or of the `-` of a sequence item.
    col: usize,
}

enum Parent<'n> {
    Map(&'n Map),
    /// An entry or item with nothing after `key:` / `-`.
    Empty(Slot),
}

enum Walk<'n> {
    Found(Slot, &'n Node),
    /// `path[depth]` is absent from `parent`.
    Missing {
        depth: usize,
        parent: Parent<'n>,
    },
}

fn walk<'n>(root: &'n Node, path: &[PathSeg]) -> Result<Walk<'n>, String> {
    let mut node = root;
    let mut slot = None;
    for (depth, seg) in path.iter().enumerate() {
        let here = || name_prefix(path, depth);
        let entry_slot = |e: &'n Entry| {
            (
                Slot {
                    line: e.line,
                    col: e.col,
                },
                &e.value,
            )
        };
        let (next_slot, next) = match (node, seg) {
            (Node::Map(m), PathSeg::Key(k)) => match m.entries.iter().find(|e| &e.key == k) {
                Some(e) => entry_slot(e),
                None => {
                    return Ok(Walk::Missing {
                        depth,
                        parent: Parent::Map(m),
                    });
                }
            },
            // A mapping may have a key spelled with digits only.
            (Node::Map(m), PathSeg::Index(i)) => {
                match m.entries.iter().find(|e| e.key == i.to_string()) {
                    Some(e) => entry_slot(e),
                    None => {
                        return Err(format!(
                            "{} is a mapping, so `{i}` cannot be a sequence index",
                            here()
                        ));
                    }
                }
            }
            (Node::Seq(items), PathSeg::Index(i)) => match items.get(*i) {
                Some(it) => (
                    Slot {
                        line: it.line,
                        col: it.col,
                    },
                    &it.value,
                ),
                None => {
                    return Err(format!(
                        "{} has {} item(s), so there is no item {i} (sequence items are never created)",
                        here(),
                        items.len()
                    ));
                }
            },
            (Node::Seq(_), PathSeg::Key(k)) => {
                return Err(format!(
                    "{} is a sequence; use a numeric index instead of `{k}`",
                    here()
                ));
            }
            (Node::Empty { .. }, PathSeg::Key(_)) => match slot {
                Some(s) => {
                    return Ok(Walk::Missing {
                        depth,
                        parent: Parent::Empty(s),
                    });
                }
                None => return Err("the document is empty".to_string()),
            },
            (Node::Empty { .. }, PathSeg::Index(i)) => {
                return Err(format!(
                    "{} is empty, so there is no item {i} (sequence items are never created)",
                    here()
                ));
            }
            (Node::Scalar { flow: true, .. }, _) => {
                return Err(format!(
                    "{} is a flow collection (`[...]` or `{{...}}`); set it as a whole instead",
                    here()
                ));
            }
            (other, _) => {
                return Err(format!(
                    "{} is {}, not a mapping or sequence",
                    here(),
                    other.describe()
                ));
            }
        };
        slot = Some(next_slot);
        node = next;
    }
    match slot {
        Some(s) => Ok(Walk::Found(s, node)),
        None => Err("the key path is empty".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "\
# tiketti configuration
helpdesk:
  name: Example Helpdesk   # shown in mail
  timezone: UTC

statuses:
  - name: new
    category: new
    to: [open, pending, solved, closed]
  - name: \"waiting on delivery\"
    category: on-hold
    to: [open]   # back to work

mail:
  address: support@example.com
  signature: |
    Kind regards,
    The # team
  tag: Support
";

    fn p(s: &str) -> Vec<PathSeg> {
        parse_path(s).unwrap()
    }

    fn set(text: &str, path: &str, value: &str) -> String {
        set_scalar(text, &p(path), value).unwrap()
    }

    fn set_err(text: &str, path: &str, value: &str) -> String {
        set_scalar(text, &p(path), value).unwrap_err().0
    }

    fn line(text: &str, path: &str) -> Option<usize> {
        line_of(text, &p(path))
    }

    /// Replace the one line `old` of DOC-like text with `new` lines.
    fn replace_line(text: &str, old: &str, new: &str) -> String {
        assert_eq!(text.matches(old).count(), 1, "{old:?}");
        text.replacen(old, new, 1)
    }

    // --- parse_path ---------------------------------------------------------

    #[test]
    fn parse_path_keys_and_indices() {
        assert_eq!(
            p("mail.tag"),
            vec![PathSeg::Key("mail".into()), PathSeg::Key("tag".into())]
        );
        assert_eq!(
            p("statuses.2.category"),
            vec![
                PathSeg::Key("statuses".into()),
                PathSeg::Index(2),
                PathSeg::Key("category".into())
            ]
        );
        assert_eq!(
            p("a1.1a"),
            vec![PathSeg::Key("a1".into()), PathSeg::Key("1a".into())]
        );
        assert_eq!(p("007"), vec![PathSeg::Index(7)]);
    }

    #[test]
    fn parse_path_errors() {
        for bad in ["", ".", "a.", ".a", "a..b"] {
            assert!(parse_path(bad).is_err(), "{bad:?}");
        }
        let err = parse_path("a.99999999999999999999999999").unwrap_err();
        assert!(err.to_string().contains("too large"), "{err}");
    }

    // --- line_of ------------------------------------------------------------

    #[test]
    fn line_of_realistic_document() {
        assert_eq!(line(DOC, "helpdesk"), Some(2));
        assert_eq!(line(DOC, "helpdesk.name"), Some(3));
        assert_eq!(line(DOC, "helpdesk.timezone"), Some(4));
        assert_eq!(line(DOC, "statuses"), Some(6));
        assert_eq!(line(DOC, "statuses.0"), Some(7));
        assert_eq!(line(DOC, "statuses.0.name"), Some(7));
        assert_eq!(line(DOC, "statuses.0.to"), Some(9));
        assert_eq!(line(DOC, "statuses.1"), Some(10));
        assert_eq!(line(DOC, "statuses.1.category"), Some(11));
        assert_eq!(line(DOC, "statuses.1.to"), Some(12));
        assert_eq!(line(DOC, "mail"), Some(14));
        assert_eq!(line(DOC, "mail.signature"), Some(16));
        // After a block scalar whose content contains `#`.
        assert_eq!(line(DOC, "mail.tag"), Some(19));
    }

    #[test]
    fn line_of_absent_or_invalid() {
        assert_eq!(line_of(DOC, &[]), None);
        assert_eq!(line(DOC, "helpdesk.missing"), None);
        assert_eq!(line(DOC, "nothing"), None);
        assert_eq!(line(DOC, "statuses.2"), None);
        assert_eq!(line(DOC, "statuses.name"), None);
        assert_eq!(line(DOC, "helpdesk.name.first"), None);
        assert_eq!(line(DOC, "statuses.0.to.0"), None);
        assert_eq!(line(DOC, "mail.signature.x"), None);
        assert_eq!(line("", "a"), None);
        // Unparseable structure: no answer rather than a wrong one.
        assert_eq!(line("a:\n    b: 1\n  c: 2\n", "a"), None);
        // A more-indented line after a value is a continuation (multi-line value).
        assert_eq!(line("a: 1\n   b: 2\n", "a"), Some(1));
        assert_eq!(line("a: 1\n   b: 2\n", "b"), None);
    }

    #[test]
    fn line_of_after_comments_blank_lines_and_marker() {
        let text =
            "---\n# top\n\na:\n  # about b\n\n  b:\n    # about c\n    c: 1  # trailing\n  d: 2\n";
        assert_eq!(line(text, "a"), Some(4));
        assert_eq!(line(text, "a.b"), Some(7));
        assert_eq!(line(text, "a.b.c"), Some(9));
        assert_eq!(line(text, "a.d"), Some(10));
    }

    #[test]
    fn line_of_comment_at_lower_indentation_inside_block() {
        let text = "a:\n  b: 1\n# outdented comment\n  c: 2\nd: 3\n";
        assert_eq!(line(text, "a.c"), Some(4));
        assert_eq!(line(text, "d"), Some(5));
    }

    #[test]
    fn line_of_sequences() {
        let text = "\
list:
  - one
  - two # c
  -
    name: three
  - - nested
    - deeper
compact:
- x
- y: 1
  z: 2
after: 1
";
        assert_eq!(line(text, "list.0"), Some(2));
        assert_eq!(line(text, "list.1"), Some(3));
        assert_eq!(line(text, "list.2"), Some(4));
        assert_eq!(line(text, "list.2.name"), Some(5));
        assert_eq!(line(text, "list.3"), Some(6));
        assert_eq!(line(text, "list.3.0"), Some(6));
        assert_eq!(line(text, "list.3.1"), Some(7));
        assert_eq!(line(text, "compact.0"), Some(9));
        assert_eq!(line(text, "compact.1.z"), Some(11));
        assert_eq!(line(text, "after"), Some(12));
    }

    #[test]
    fn line_of_skips_block_scalars_and_multiline_values() {
        let text = "\
a: >-
  folded
  # not a comment
  key: not a key

  still text
b: plain
  continued
c: \"quoted
  continued\"
d: [x,
  y]
e:
  not a mapping
  at all
f: 1
";
        assert_eq!(line(text, "a"), Some(1));
        assert_eq!(line(text, "a.key"), None);
        assert_eq!(line(text, "b"), Some(7));
        assert_eq!(line(text, "c"), Some(9));
        assert_eq!(line(text, "d"), Some(11));
        assert_eq!(line(text, "e"), Some(13));
        assert_eq!(line(text, "f"), Some(16));
    }

    #[test]
    fn line_of_quoted_keys_and_special_keys() {
        let text =
            "\"quoted key\": 1\n'single ''q''': 2\n\"a#b\" : 3\nhttp://x: 4\n09:00: 5\n\"42\": 6\n";
        assert_eq!(line(text, "quoted key"), Some(1));
        assert_eq!(line(text, "single 'q'"), Some(2));
        assert_eq!(line(text, "a#b"), Some(3));
        assert_eq!(line_of(text, &[PathSeg::Key("http://x".into())]), Some(4));
        assert_eq!(line_of(text, &[PathSeg::Key("09:00".into())]), Some(5));
        // A digits-only segment also finds a mapping key spelled that way.
        assert_eq!(line(text, "42"), Some(6));
    }

    #[test]
    fn line_of_crlf() {
        let text = DOC.replace('\n', "\r\n");
        assert_eq!(line(&text, "mail.tag"), Some(19));
        assert_eq!(line(&text, "statuses.1.to"), Some(12));
    }

    // --- set_scalar: replacing ---------------------------------------------

    #[test]
    fn same_value_round_trips_byte_identical() {
        for (path, value) in [
            ("helpdesk.name", "Example Helpdesk"),
            ("helpdesk.timezone", "UTC"),
            ("statuses.0.name", "new"),
            ("statuses.0.to", "[open, pending, solved, closed]"),
            ("statuses.1.name", "\"waiting on delivery\""),
            ("statuses.1.to", "[open]"),
            ("mail.address", "support@example.com"),
            ("mail.tag", "Support"),
        ] {
            assert_eq!(set(DOC, path, value), DOC, "{path}");
        }
        let crlf = DOC.replace('\n', "\r\n");
        assert_eq!(set(&crlf, "helpdesk.name", "Example Helpdesk"), crlf);
        let no_final = DOC.trim_end_matches('\n');
        assert_eq!(set(no_final, "mail.tag", "Support"), no_final);
    }

    #[test]
    fn replace_keeps_trailing_comment_and_spacing() {
        let out = set(DOC, "helpdesk.name", "\"Acme # Support\"");
        assert_eq!(
            out,
            replace_line(
                DOC,
                "  name: Example Helpdesk   # shown in mail\n",
                "  name: \"Acme # Support\"   # shown in mail\n"
            )
        );
        let out = set(DOC, "statuses.1.to", "[open, solved]");
        assert_eq!(
            out,
            replace_line(
                DOC,
                "    to: [open]   # back to work\n",
                "    to: [open, solved]   # back to work\n"
            )
        );
        let out = set(DOC, "statuses.1.name", "waiting");
        assert_eq!(
            out,
            replace_line(
                DOC,
                "  - name: \"waiting on delivery\"\n",
                "  - name: waiting\n"
            )
        );
    }

    #[test]
    fn replace_keeps_everything_else() {
        let out = set(DOC, "mail.tag", "Helpdesk");
        assert_eq!(
            out,
            replace_line(DOC, "  tag: Support\n", "  tag: Helpdesk\n")
        );
        let out = set(DOC, "helpdesk.timezone", "Europe/Helsinki");
        assert_eq!(
            out,
            replace_line(DOC, "  timezone: UTC\n", "  timezone: Europe/Helsinki\n")
        );
        assert_eq!(line(&out, "mail.tag"), Some(19));
    }

    #[test]
    fn values_with_colons_and_hashes() {
        let text = "url: https://example.com:8080/a#frag  # the url\nopens: 09:00\n'k': 'it''s # fine' # c\n";
        assert_eq!(set(text, "url", "https://example.com:8080/a#frag"), text);
        assert_eq!(set(text, "opens", "09:00"), text);
        assert_eq!(set(text, "k", "'it''s # fine'"), text);
        assert_eq!(
            set(text, "url", "http://x:1/"),
            "url: http://x:1/  # the url\nopens: 09:00\n'k': 'it''s # fine' # c\n"
        );
        assert_eq!(
            set(text, "opens", "\"10:30\""),
            "url: https://example.com:8080/a#frag  # the url\nopens: \"10:30\"\n'k': 'it''s # fine' # c\n"
        );
        assert_eq!(
            set(text, "k", "x"),
            "url: https://example.com:8080/a#frag  # the url\nopens: 09:00\n'k': x # c\n"
        );
    }

    #[test]
    fn replace_under_quoted_keys() {
        let text = "\"the map\":\n  'a key': 1 # one\n  \"b\\\"q\": 2\n";
        assert_eq!(
            set_scalar(
                text,
                &[PathSeg::Key("the map".into()), PathSeg::Key("a key".into())],
                "3"
            )
            .unwrap(),
            "\"the map\":\n  'a key': 3 # one\n  \"b\\\"q\": 2\n"
        );
        assert_eq!(
            set_scalar(
                text,
                &[PathSeg::Key("the map".into()), PathSeg::Key("b\"q".into())],
                "4"
            )
            .unwrap(),
            "\"the map\":\n  'a key': 1 # one\n  \"b\\\"q\": 4\n"
        );
    }

    #[test]
    fn replace_flow_collection_as_a_whole() {
        let text = "to: {a: 1, b: \"}\"}  # map\n";
        assert_eq!(set(text, "to", "{a: 1, b: \"}\"}"), text);
        assert_eq!(set(text, "to", "[x]"), "to: [x]  # map\n");
    }

    #[test]
    fn fill_empty_key() {
        let text = "a:\nb: 1\n";
        assert_eq!(set(text, "a", "x"), "a: x\nb: 1\n");
        let text = "a:   # note\nb: 1\n";
        assert_eq!(set(text, "a", "x"), "a: x   # note\nb: 1\n");
        let text = "a:  \nb: 1\n";
        assert_eq!(set(text, "a", "x"), "a: x\nb: 1\n");
        let text = "m:\n  a:\n  b: 1\n";
        assert_eq!(set(text, "m.a", "x"), "m:\n  a: x\n  b: 1\n");
        let text = "m:\n  a:\n";
        assert_eq!(set(text, "m.a", "x"), "m:\n  a: x\n");
    }

    #[test]
    fn replace_sequence_scalar_items() {
        let text = "list:\n  - one\n  - two   # second\n  -\n";
        assert_eq!(
            set(text, "list.1", "deux"),
            "list:\n  - one\n  - deux   # second\n  -\n"
        );
        assert_eq!(set(text, "list.0", "one"), text);
        assert_eq!(
            set(text, "list.2", "three"),
            "list:\n  - one\n  - two   # second\n  - three\n"
        );
    }

    #[test]
    fn replace_in_compact_and_nested_sequences() {
        let text = "k:\n- a\n- - b\n  - c\nz: 1\n";
        assert_eq!(set(text, "k.1.1", "C"), "k:\n- a\n- - b\n  - C\nz: 1\n");
        assert_eq!(set(text, "k.1.0", "B"), "k:\n- a\n- - B\n  - c\nz: 1\n");
        assert_eq!(set(text, "z", "2"), "k:\n- a\n- - b\n  - c\nz: 2\n");
    }

    // --- set_scalar: inserting ---------------------------------------------

    #[test]
    fn insert_into_nested_map_before_blank_line() {
        let out = set(DOC, "helpdesk.language", "fi");
        assert_eq!(
            out,
            replace_line(
                DOC,
                "  timezone: UTC\n",
                "  timezone: UTC\n  language: fi\n"
            )
        );
        assert_eq!(line(&out, "helpdesk.language"), Some(5));
    }

    #[test]
    fn insert_after_block_scalar_content() {
        let text =
            "mail:\n  signature: |\n    Kind regards,\n    # The team\n\n# trailing comment\n";
        let out = set(text, "mail.tag", "Support");
        assert_eq!(
            out,
            "mail:\n  signature: |\n    Kind regards,\n    # The team\n  tag: Support\n\n# trailing comment\n"
        );
    }

    #[test]
    fn insert_into_sequence_item_mapping() {
        let out = set(DOC, "statuses.0.color", "blue");
        assert_eq!(
            out,
            replace_line(
                DOC,
                "    to: [open, pending, solved, closed]\n",
                "    to: [open, pending, solved, closed]\n    color: blue\n"
            )
        );
        let out = set(DOC, "statuses.1.color", "red");
        assert_eq!(
            out,
            replace_line(
                DOC,
                "    to: [open]   # back to work\n",
                "    to: [open]   # back to work\n    color: red\n"
            )
        );
        // Keys at the column of `name`, even with extra spaces after the dash.
        let text = "s:\n-   name: a\n    x: 1\n";
        assert_eq!(
            set(text, "s.0.y", "2"),
            "s:\n-   name: a\n    x: 1\n    y: 2\n"
        );
    }

    #[test]
    fn insert_into_empty_parent() {
        let text = "a:\nb: 1\n";
        assert_eq!(set(text, "a.c", "x"), "a:\n  c: x\nb: 1\n");
        let text = "m:\n    a:  # empty\n    b: 1\n";
        assert_eq!(
            set(text, "m.a.c", "x"),
            "m:\n    a:  # empty\n      c: x\n    b: 1\n"
        );
        // An empty sequence item becomes a mapping item.
        let text = "s:\n  -\n  - z\n";
        assert_eq!(set(text, "s.0.k", "v"), "s:\n  -\n    k: v\n  - z\n");
    }

    #[test]
    fn insert_creates_missing_parents() {
        let out = set(DOC, "sla.hours.urgent", "4");
        assert_eq!(out, format!("{DOC}sla:\n  hours:\n    urgent: 4\n"));
        let out = set(DOC, "mail.smtp.host", "smtp.example.com");
        assert_eq!(
            out,
            replace_line(
                DOC,
                "  tag: Support\n",
                "  tag: Support\n  smtp:\n    host: smtp.example.com\n"
            )
        );
        let out = set(DOC, "statuses.1.hooks.on_enter", "notify");
        assert_eq!(
            out,
            replace_line(
                DOC,
                "    to: [open]   # back to work\n",
                "    to: [open]   # back to work\n    hooks:\n      on_enter: notify\n"
            )
        );
        assert_eq!(line(&out, "statuses.1.hooks.on_enter"), Some(14));
    }

    #[test]
    fn insert_at_top_level_before_trailing_comments() {
        let text = "a: 1\n\n# end\n";
        assert_eq!(set(text, "b", "2"), "a: 1\nb: 2\n\n# end\n");
    }

    #[test]
    fn insert_into_empty_document() {
        assert_eq!(set("", "a.b", "1"), "a:\n  b: 1\n");
        assert_eq!(
            set("# only a comment\n", "a", "1"),
            "# only a comment\na: 1\n"
        );
        assert_eq!(set("---\n", "a", "1"), "---\na: 1\n");
    }

    #[test]
    fn insert_quotes_unusual_keys() {
        assert_eq!(
            set_scalar("a: 1\n", &[PathSeg::Key("two words".into())], "2").unwrap(),
            "a: 1\n\"two words\": 2\n"
        );
        assert_eq!(
            set_scalar("a: 1\n", &[PathSeg::Key("-x\"".into())], "2").unwrap(),
            "a: 1\n\"-x\\\"\": 2\n"
        );
        assert_eq!(set("a: 1\n", "b_c-d", "2"), "a: 1\nb_c-d: 2\n");
    }

    #[test]
    fn insert_stops_before_second_document() {
        let text = "a: 1\n---\nb: 2\n";
        assert_eq!(set(text, "c", "3"), "a: 1\nc: 3\n---\nb: 2\n");
        assert_eq!(line(text, "b"), None);
    }

    // --- line endings -------------------------------------------------------

    #[test]
    fn crlf_is_preserved_and_used_for_inserted_lines() {
        let crlf = DOC.replace('\n', "\r\n");
        let out = set(&crlf, "helpdesk.name", "Acme");
        assert_eq!(
            out,
            replace_line(DOC, "name: Example Helpdesk", "name: Acme").replace('\n', "\r\n")
        );
        let out = set(&crlf, "sla.hours", "4");
        assert_eq!(
            out,
            format!("{DOC}sla:\n  hours: 4\n").replace('\n', "\r\n")
        );
        let out = set(&crlf, "helpdesk.language", "fi");
        assert_eq!(
            out,
            replace_line(
                DOC,
                "  timezone: UTC\n",
                "  timezone: UTC\n  language: fi\n"
            )
            .replace('\n', "\r\n")
        );
    }

    #[test]
    fn mixed_line_endings_untouched_lines_keep_theirs() {
        let text = "a: 1\r\nb: 2\nc: 3\r\n";
        assert_eq!(set(text, "b", "9"), "a: 1\r\nb: 9\nc: 3\r\n");
        assert_eq!(set(text, "d", "4"), "a: 1\r\nb: 2\nc: 3\r\nd: 4\r\n");
    }

    #[test]
    fn missing_final_newline() {
        assert_eq!(set("a: 1", "a", "2"), "a: 2");
        assert_eq!(set("a: 1\nb: 2", "b", "3"), "a: 1\nb: 3");
        // Appending after the last line terminates it; inserted lines are whole lines.
        assert_eq!(set("a: 1", "b", "2"), "a: 1\nb: 2\n");
        assert_eq!(set("a: 1\r\nb: 2", "c", "3"), "a: 1\r\nb: 2\r\nc: 3\r\n");
        // Inserting elsewhere leaves the missing final newline missing.
        assert_eq!(
            set("m:\n  a: 1\nz: 2", "m.b", "3"),
            "m:\n  a: 1\n  b: 3\nz: 2"
        );
    }

    // --- errors -------------------------------------------------------------

    #[test]
    fn error_on_mapping_or_sequence_target() {
        let e = set_err(DOC, "statuses.0", "x");
        assert!(e.contains("`statuses.0`") && e.contains("mapping"), "{e}");
        let e = set_err(DOC, "statuses", "x");
        assert!(e.contains("`statuses`") && e.contains("sequence"), "{e}");
        let e = set_err(DOC, "helpdesk", "x");
        assert!(e.contains("`helpdesk`") && e.contains("mapping"), "{e}");
    }

    #[test]
    fn error_walking_through_scalar_or_flow() {
        let e = set_err(DOC, "helpdesk.name.first", "x");
        assert!(
            e.contains("`helpdesk.name.first`") && e.contains("`helpdesk.name` is a scalar"),
            "{e}"
        );
        let e = set_err(DOC, "statuses.0.to.0", "x");
        assert!(e.contains("`statuses.0.to` is a flow collection"), "{e}");
        let e = set_err("to: {a: 1}\n", "to.a", "2");
        assert!(e.contains("flow collection"), "{e}");
        let e = set_err(DOC, "mail.signature.x", "x");
        assert!(e.contains("block scalar"), "{e}");
    }

    #[test]
    fn error_on_block_scalar_and_multiline_targets() {
        let e = set_err(DOC, "mail.signature", "x");
        assert!(
            e.contains("`mail.signature`") && e.contains("block scalar"),
            "{e}"
        );
        let e = set_err("a: plain\n  continued\n", "a", "x");
        assert!(e.contains("several lines"), "{e}");
        let e = set_err("a: [x,\n  y]\n", "a", "[z]");
        assert!(e.contains("several lines"), "{e}");
    }

    #[test]
    fn error_on_key_index_mismatch() {
        let e = set_err(DOC, "statuses.name", "x");
        assert!(e.contains("`statuses` is a sequence"), "{e}");
        let e = set_err(DOC, "helpdesk.0", "x");
        assert!(e.contains("`helpdesk` is a mapping"), "{e}");
        let e = set_err(DOC, "0", "x");
        assert!(e.contains("the document is a mapping"), "{e}");
        let e = set_err("- a\n", "a", "x");
        assert!(e.contains("the document is a sequence"), "{e}");
    }

    #[test]
    fn error_on_index_past_end_and_never_creating_items() {
        let e = set_err(DOC, "statuses.2.name", "x");
        assert!(
            e.contains("`statuses.2.name`") && e.contains("no item 2"),
            "{e}"
        );
        let e = set_err(DOC, "newlist.0", "x");
        assert!(e.contains("`newlist.0` does not exist"), "{e}");
        let e = set_err(DOC, "helpdesk.list.0.x", "x");
        assert!(e.contains("`helpdesk.list.0` does not exist"), "{e}");
        let e = set_err("a:\n", "a.0", "x");
        assert!(e.contains("`a` is empty"), "{e}");
    }

    #[test]
    fn error_on_bad_values() {
        for bad in [
            "|", "|-", ">", "", " x", "x ", "a\nb", "a # b", "a: b", "a:", "#x", "- x", "\"open",
            "'open", "[a, b", "\"a\" b", "[a] b",
        ] {
            let e = set_scalar(DOC, &p("mail.tag"), bad).unwrap_err();
            assert!(e.0.starts_with("cannot set `mail.tag`: "), "{bad:?}: {e}");
        }
        let e = set_err(DOC, "mail.tag", "|");
        assert!(e.contains("block scalar"), "{e}");
        for good in [
            "-1",
            "a:b",
            "https://x",
            "\"a # b\"",
            "'a: b'",
            "{a: 1}",
            "*alias",
            "~",
            "x#y",
        ] {
            assert!(set_scalar(DOC, &p("mail.tag"), good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn error_on_empty_path_and_unparseable_document() {
        assert!(set_scalar(DOC, &[], "x").is_err());
        let e = set_err("a:\n    b: 1\n  c: 2\n", "a.b", "x");
        assert!(e.contains("line 3"), "{e}");
        let e = set_err("a: 1\n\tb: 2\n", "a", "x");
        assert!(e.contains("line 2") && e.contains("tab"), "{e}");
    }

    #[test]
    fn error_display_is_the_message() {
        let e = EditError("boom".into());
        assert_eq!(e.to_string(), "boom");
        let _: &dyn std::error::Error = &e;
    }

    // --- edits compose ------------------------------------------------------

    #[test]
    fn successive_edits() {
        let mut text = DOC.to_string();
        text = set(&text, "helpdesk.language", "fi");
        text = set(&text, "statuses.0.color", "blue");
        text = set(&text, "mail.smtp.port", "587");
        text = set(&text, "mail.smtp.port", "2525");
        text = set(&text, "helpdesk.name", "Acme");
        let expected = DOC
            .replace("  name: Example Helpdesk", "  name: Acme")
            .replace("  timezone: UTC\n", "  timezone: UTC\n  language: fi\n")
            .replace(
                "    to: [open, pending, solved, closed]\n",
                "    to: [open, pending, solved, closed]\n    color: blue\n",
            )
            .replace(
                "  tag: Support\n",
                "  tag: Support\n  smtp:\n    port: 2525\n",
            );
        assert_eq!(text, expected);
        assert_eq!(line(&text, "mail.smtp.port"), Some(23));
        assert_eq!(line(&text, "statuses.1.to"), Some(14));
    }
}
