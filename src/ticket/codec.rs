//! The on-disk codec for ticket and event files: YAML front matter between `---` lines,
//! then a Markdown body (docs/ticket-format.md).
//!
//! The contract is a byte-identical round trip: a [`Document`] keeps every front-matter
//! entry as the raw lines it was read from, so comments, quoting, key order, unknown keys
//! and line endings survive. Only an entry that is changed is rendered anew. The codec
//! knows nothing about what the keys mean; [`super::Ticket`] and [`super::Event`] do.

use crate::yaml::{self, Value};

/// A problem with a file's text, with the 1-based line it was found on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct CodecError {
    pub line: usize,
    pub message: String,
}

/// A front-matter value in the shapes tiketti writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FmValue {
    Str(String),
    List(Vec<String>),
    Map(Vec<(String, String)>),
}

#[derive(Debug, Clone)]
struct Entry {
    /// `None` for comment or blank lines before the first key.
    key: Option<String>,
    raw: String,
    /// 1-based line of the key in the file.
    line: usize,
    value: Value,
}

#[derive(Debug, Clone)]
pub struct Document {
    /// Everything up to and including the opening `---` line (a BOM survives here).
    open: String,
    entries: Vec<Entry>,
    /// The closing `---` line, with its line ending if it had one.
    close: String,
    pub body: String,
    newline: &'static str,
}

/// The key part of a `key: value` line: up to the first `:` followed by a space or the
/// end of the line (outside quotes).
fn key_text(line: &str) -> &str {
    let bytes = line.as_bytes();
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate() {
        match (quote, b) {
            (None, b'"' | b'\'') if i == 0 => quote = Some(b),
            (Some(q), b) if b == q => quote = None,
            (None, b':')
                if matches!(bytes.get(i + 1), None | Some(b' ' | b'\t' | b'\r' | b'\n')) =>
            {
                return line[..i].trim_end();
            }
            _ => {}
        }
    }
    line.trim_end()
}

/// The YAML parser often reports an error on the line after the mistake (an unclosed
/// `[` is noticed at the next key). Parsing the entries one by one finds the entry that
/// is wrong on its own, and the error is placed within it.
fn locate_error(entries: &[Entry], whole: yaml::YamlError) -> CodecError {
    for e in entries.iter().filter(|e| e.key.is_some()) {
        if let Err(err) = yaml::from_str::<Value>(&e.raw) {
            let last = e.raw.lines().count().max(1);
            let within = err.line.unwrap_or(1).clamp(1, last);
            return CodecError {
                line: e.line + within - 1,
                message: err.message,
            };
        }
    }
    CodecError {
        // +1 for the opening `---` line.
        line: whole.line.map_or(1, |l| l + 1),
        message: whole.message,
    }
}

impl Document {
    /// A new document with empty front matter.
    pub fn new(body: &str) -> Document {
        Document {
            open: "---\n".to_string(),
            entries: Vec::new(),
            close: "---\n".to_string(),
            body: body.to_string(),
            newline: "\n",
        }
    }

    /// A document of only a body (a cached summary's description: never rendered), made
    /// without allocating the delimiters.
    pub fn body_only(body: String) -> Document {
        Document {
            open: String::new(),
            entries: Vec::new(),
            close: String::new(),
            body,
            newline: "\n",
        }
    }

    pub fn parse(text: &str) -> Result<Document, CodecError> {
        // The front matter's own line ending, from the opening `---` line; a CRLF in the
        // body must not change how new front-matter lines are written.
        let first_line_end = text.find('\n').map(|i| &text[..=i]).unwrap_or("");
        let newline = if first_line_end.ends_with("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        let mut lines = text.split_inclusive('\n');
        let first = lines.next().unwrap_or("");
        if first.trim_start_matches('\u{feff}').trim_end() != "---" {
            return Err(CodecError {
                line: 1,
                message: "missing front matter: the file must start with a line `---`".into(),
            });
        }
        let mut entries: Vec<Entry> = Vec::new();
        let mut fm_text = String::new();
        let mut close = None;
        let mut consumed = first.len();
        for (i, line) in lines.enumerate() {
            let lineno = i + 2;
            consumed += line.len();
            let content = line.trim_end_matches(['\n', '\r']);
            if content == "---" || content == "..." {
                close = Some(line.to_string());
                break;
            }
            fm_text.push_str(line);
            // A key starts at column 0; indented lines, list items, comments and blank
            // lines belong to the entry above.
            let starts_key = !content.is_empty() && !content.starts_with([' ', '\t', '#', '-']);
            match entries.last_mut() {
                Some(last) if !starts_key => last.raw.push_str(line),
                _ if !starts_key => entries.push(Entry {
                    key: None,
                    raw: line.to_string(),
                    line: lineno,
                    value: Value::Null,
                }),
                _ => entries.push(Entry {
                    key: Some(String::new()),
                    raw: line.to_string(),
                    line: lineno,
                    value: Value::Null,
                }),
            }
        }
        let Some(close) = close else {
            return Err(CodecError {
                line: 1,
                message: "front matter is not closed: no `---` line after the first".into(),
            });
        };
        let mapping: Value = if fm_text.trim().is_empty() {
            Value::Mapping(Default::default())
        } else {
            yaml::from_str(&fm_text).map_err(|e| locate_error(&entries, e))?
        };
        let Value::Mapping(mut mapping) = mapping else {
            return Err(CodecError {
                line: 2,
                message: "front matter must be a mapping of `key: value` lines".into(),
            });
        };
        for entry in entries.iter_mut().filter(|e| e.key.is_some()) {
            let first_line = entry.raw.lines().next().unwrap_or("");
            let key_text = key_text(first_line);
            let plain = Value::String(key_text.to_string());
            let (k, value) = match mapping.remove(&plain) {
                Some(v) => (plain, v),
                None => {
                    // A quoted or numeric key: let the YAML parser spell it.
                    let k: Value = yaml::from_str(key_text).map_err(|e| CodecError {
                        line: entry.line,
                        message: format!("bad key: {}", e.message),
                    })?;
                    let v = mapping.remove(&k).unwrap_or(Value::Null);
                    (k, v)
                }
            };
            let key = yaml::scalar_text(&k).ok_or_else(|| CodecError {
                line: entry.line,
                message: "a key must be a plain word".into(),
            })?;
            entry.value = value;
            entry.key = Some(key);
        }
        Ok(Document {
            open: first.to_string(),
            entries,
            close,
            body: text[consumed..].to_string(),
            newline,
        })
    }

    pub fn render(&self) -> String {
        let mut out = String::with_capacity(self.open.len() + self.body.len() + 512);
        out.push_str(&self.open);
        for e in &self.entries {
            out.push_str(&e.raw);
        }
        out.push_str(&self.close);
        out.push_str(&self.body);
        out
    }

    /// Keys in file order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().filter_map(|e| e.key.as_deref())
    }

    fn entry(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key.as_deref() == Some(key))
    }

    /// The 1-based line of `key`, for error messages.
    pub fn line_of(&self, key: &str) -> Option<usize> {
        self.entry(key).map(|e| e.line)
    }

    fn err(&self, key: &str, message: String) -> CodecError {
        CodecError {
            line: self.line_of(key).unwrap_or(1),
            message: format!("field `{key}`: {message}"),
        }
    }

    /// A scalar as a string; absent and `null` are `None`; an empty string is kept.
    pub fn get_str(&self, key: &str) -> Result<Option<String>, CodecError> {
        match self.entry(key).map(|e| &e.value) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => yaml::scalar_text(v)
                .map(Some)
                .ok_or_else(|| self.err(key, "expected a single value".into())),
        }
    }

    /// A list of scalars; a single scalar counts as a list of one.
    pub fn get_list(&self, key: &str) -> Result<Vec<String>, CodecError> {
        match self.entry(key).map(|e| &e.value) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Sequence(items)) => items
                .iter()
                .map(|v| {
                    yaml::scalar_text(v)
                        .ok_or_else(|| self.err(key, "list items must be single values".into()))
                })
                .collect(),
            Some(v) => yaml::scalar_text(v)
                .map(|s| vec![s])
                .ok_or_else(|| self.err(key, "expected a list like [a, b]".into())),
        }
    }

    /// A mapping of scalar keys to scalar values, in file order.
    pub fn get_map(&self, key: &str) -> Result<Vec<(String, String)>, CodecError> {
        match self.entry(key).map(|e| &e.value) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Mapping(m)) => m
                .iter()
                .map(|(k, v)| {
                    let k = yaml::scalar_text(k);
                    let v = match v {
                        Value::Null => Some(String::new()),
                        v => yaml::scalar_text(v),
                    };
                    k.zip(v).ok_or_else(|| {
                        self.err(key, "expected `name: value` lines indented below it".into())
                    })
                })
                .collect(),
            Some(_) => Err(self.err(key, "expected `name: value` lines indented below it".into())),
        }
    }

    /// A one-line rendering of any value, for history and diffs: lists as `a, b`,
    /// mappings as `k=v, k2=v2`, anything else as its YAML text.
    pub fn value_text(&self, key: &str) -> Option<String> {
        match &self.entry(key)?.value {
            Value::Null => None,
            v => Some(yaml::one_line(v)),
        }
    }

    /// Keys whose values differ between two documents: (key, before, after), in the order
    /// of `self` then the keys only `other` has.
    pub fn diff(&self, other: &Document) -> Vec<(String, Option<String>, Option<String>)> {
        let mut keys: Vec<&str> = self.keys().collect();
        keys.extend(other.keys().filter(|k| self.entry(k).is_none()));
        keys.into_iter()
            .filter_map(|k| {
                let (a, b) = (self.value_text(k), other.value_text(k));
                (a != b).then(|| (k.to_string(), a, b))
            })
            .collect()
    }

    /// The value as tiketti would read it back, to decide whether a write changes anything.
    fn current(&self, key: &str, like: &FmValue) -> Option<FmValue> {
        match like {
            FmValue::Str(_) => self.get_str(key).ok().flatten().map(FmValue::Str),
            FmValue::List(_) => self.get_list(key).ok().map(FmValue::List),
            FmValue::Map(_) => self.get_map(key).ok().map(FmValue::Map),
        }
    }

    /// Set `key`. An unchanged value keeps its raw text; a new key is placed by `order`
    /// (before the first existing key that comes later in it; unknown keys go last).
    pub fn set(&mut self, key: &str, value: FmValue, order: &[&str]) {
        if self.entry(key).is_some() && self.current(key, &value).as_ref() == Some(&value) {
            return;
        }
        let nl = self.newline;
        let raw = match &value {
            FmValue::Str(s) => format!("{key}: {}{nl}", yaml::quote(s, false)),
            FmValue::List(items) => {
                let items: Vec<String> = items.iter().map(|s| yaml::quote(s, true)).collect();
                format!("{key}: [{}]{nl}", items.join(", "))
            }
            FmValue::Map(pairs) if pairs.is_empty() => format!("{key}: {{}}{nl}"),
            FmValue::Map(pairs) => {
                let mut raw = format!("{key}:{nl}");
                for (k, v) in pairs {
                    raw.push_str(&format!(
                        "  {}: {}{nl}",
                        yaml::quote(k, false),
                        yaml::quote(v, false)
                    ));
                }
                raw
            }
        };
        let parsed: Value = yaml::from_str(&raw)
            .ok()
            .and_then(|m: Value| m.as_mapping().and_then(|m| m.values().next().cloned()))
            .unwrap_or(Value::Null);
        if let Some(e) = self
            .entries
            .iter_mut()
            .find(|e| e.key.as_deref() == Some(key))
        {
            // Keep comment lines that trailed the old value.
            let trailing: String = e
                .raw
                .split_inclusive('\n')
                .skip(1)
                .filter(|l| {
                    let t = l.trim();
                    t.is_empty() || t.starts_with('#')
                })
                .collect();
            e.raw = raw + &trailing;
            e.value = parsed;
            return;
        }
        self.insert(key, raw, parsed, order);
    }

    /// The parsed value of `key`, as YAML read it (absent: `None`).
    pub fn value(&self, key: &str) -> Option<&Value> {
        self.entry(key).map(|e| &e.value)
    }

    /// Make `key` what it is in `from`, byte for byte (its raw lines, comments included);
    /// absent there means removed here. A key new here is placed by `order`, like [`set`].
    ///
    /// [`set`]: Document::set
    pub fn copy_entry(&mut self, from: &Document, key: &str, order: &[&str]) {
        let Some(src) = from.entry(key) else {
            self.remove(key);
            return;
        };
        let mut raw = src.raw.replace("\r\n", "\n");
        if self.newline != "\n" {
            raw = raw.replace('\n', self.newline);
        }
        match self
            .entries
            .iter_mut()
            .find(|e| e.key.as_deref() == Some(key))
        {
            Some(e) => {
                e.raw = raw;
                e.value = src.value.clone();
            }
            None => self.insert(key, raw, src.value.clone(), order),
        }
    }

    /// A new entry, before the first existing key that comes later in `order` (unknown
    /// keys go last).
    fn insert(&mut self, key: &str, raw: String, value: Value, order: &[&str]) {
        let rank = |k: &str| order.iter().position(|o| *o == k).unwrap_or(order.len());
        let my_rank = rank(key);
        let at = self
            .entries
            .iter()
            .position(|e| e.key.as_deref().is_some_and(|k| rank(k) > my_rank))
            .unwrap_or(self.entries.len());
        let line = self.entries.get(at).map_or(0, |e| e.line);
        self.entries.insert(
            at,
            Entry {
                key: Some(key.to_string()),
                raw,
                line,
                value,
            },
        );
    }

    /// Remove `key`; true when it was there.
    pub fn remove(&mut self, key: &str) -> bool {
        let before = self.entries.len();
        self.entries.retain(|e| e.key.as_deref() != Some(key));
        before != self.entries.len()
    }
}

/// A value of [`Quick`] front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuickValue {
    Null,
    Str(String),
    List(Vec<String>),
}

/// Front matter read without the YAML parser, for the hot path of reading every event
/// file (DESIGN.md §8): only the shapes tiketti writes, one `key: value` per line, the
/// value empty, plain, double-quoted as JSON quotes it, or a one-line list of such
/// items. Anything else, and anything YAML might read otherwise (a number, `true`, `~`,
/// a comment, a key twice), gives `None`: [`Document::parse`] must read that file, and
/// says what is wrong when something is. Where it gives a value, it is the value
/// `Document` gives.
#[derive(Debug, Clone)]
pub struct Quick<'a> {
    entries: Vec<(&'a str, QuickValue)>,
    pub body: &'a str,
}

impl<'a> Quick<'a> {
    pub fn parse(text: &'a str) -> Option<Quick<'a>> {
        let mut rest = text.strip_prefix("---\n")?;
        let mut entries: Vec<(&'a str, QuickValue)> = Vec::new();
        loop {
            let (line, next) = match rest.find('\n') {
                Some(i) => (&rest[..i], &rest[i + 1..]),
                None => (rest, ""),
            };
            if line == "---" {
                return Some(Quick {
                    entries,
                    body: next,
                });
            }
            if next.is_empty() && line.is_empty() {
                return None;
            }
            let (key, value) = match line.find(": ") {
                Some(i) => (&line[..i], line[i + 2..].trim_start_matches(' ')),
                None => (line.strip_suffix(':')?, ""),
            };
            let plain_key = key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !plain_key || entries.iter().any(|(k, _)| *k == key) {
                return None;
            }
            let value = match value.chars().next() {
                None => QuickValue::Null,
                Some('"') => {
                    let (s, after) = quoted(value)?;
                    blank(after)?;
                    QuickValue::Str(s)
                }
                Some('[') => QuickValue::List(flow_list(value)?),
                Some(_) => QuickValue::Str(plain(value, false)?),
            };
            entries.push((key, value));
            rest = next;
        }
    }

    fn get(&self, key: &str) -> Option<&QuickValue> {
        self.entries.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// As [`Document::get_str`]; `None` for a list, where that fails.
    pub fn get_str(&self, key: &str) -> Option<Option<String>> {
        match self.get(key) {
            None | Some(QuickValue::Null) => Some(None),
            Some(QuickValue::Str(s)) => Some(Some(s.clone())),
            Some(QuickValue::List(_)) => None,
        }
    }

    /// As [`Document::get_list`].
    pub fn get_list(&self, key: &str) -> Vec<String> {
        match self.get(key) {
            None | Some(QuickValue::Null) => Vec::new(),
            Some(QuickValue::Str(s)) => vec![s.clone()],
            Some(QuickValue::List(items)) => items.clone(),
        }
    }
}

/// Nothing but spaces (or the end of the line).
fn blank(s: &str) -> Option<()> {
    s.trim_start_matches(' ').is_empty().then_some(())
}

/// A plain scalar that YAML reads as exactly this string. In a flow list (`flow`) it
/// also must not hold `,[]{}`.
fn plain(v: &str, flow: bool) -> Option<String> {
    let v = v.trim_end_matches(' ');
    let first = v.chars().next()?;
    let looks_numeric = (first.is_ascii_digit() || "+-.".contains(first))
        && v.chars()
            .all(|c| c.is_ascii_hexdigit() || "xXoO+-._".contains(c));
    let special = matches!(
        v.to_ascii_lowercase().as_str(),
        "~" | "null"
            | "true"
            | "false"
            | "yes"
            | "no"
            | "on"
            | "off"
            | "y"
            | "n"
            | ".inf"
            | "-.inf"
            | "+.inf"
            | ".nan"
    );
    let unsafe_char = |c: char| {
        c.is_control()
            || matches!(
                c,
                '\u{feff}' | '\u{fffe}' | '\u{ffff}' | '\u{2028}' | '\u{2029}'
            )
    };
    let ok = !"-?:,[]{}#&*!|>'\"%@`".contains(first)
        && !looks_numeric
        && !special
        && !v.contains(": ")
        && !v.contains(" #")
        && !v.ends_with(':')
        && !(flow && v.contains([',', '[', ']', '{', '}']))
        && !v.chars().any(unsafe_char);
    ok.then(|| v.to_string())
}

/// A double-quoted scalar in the JSON subset of YAML's escapes, ended on this line:
/// the string and what follows the closing quote.
fn quoted(v: &str) -> Option<(String, &str)> {
    let body = v.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, &body[i + 1..])),
            '\\' => {
                let (_, e) = chars.next()?;
                out.push(match e {
                    '"' => '"',
                    '\\' => '\\',
                    '/' => '/',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    'u' => {
                        let hex: String = (0..4)
                            .filter_map(|_| chars.next().map(|(_, h)| h))
                            .collect();
                        let code = u32::from_str_radix(&hex, 16)
                            .ok()
                            .filter(|_| hex.len() == 4)?;
                        char::from_u32(code)?
                    }
                    _ => return None,
                });
            }
            c if c.is_control() && c != '\t' => return None,
            c => out.push(c),
        }
    }
    None
}

/// `[a, "b", c]` on one line.
fn flow_list(v: &str) -> Option<Vec<String>> {
    let mut rest = v.strip_prefix('[')?.trim_start_matches(' ');
    let mut items = Vec::new();
    if let Some(after) = rest.strip_prefix(']') {
        blank(after)?;
        return Some(items);
    }
    loop {
        let (item, after) = if rest.starts_with('"') {
            quoted(rest)?
        } else {
            let end = rest.find([',', ']'])?;
            (plain(&rest[..end], true)?, &rest[end..])
        };
        items.push(item);
        let after = after.trim_start_matches(' ');
        if let Some(next) = after.strip_prefix(',') {
            rest = next.trim_start_matches(' ');
        } else {
            blank(after.strip_prefix(']')?)?;
            return Some(items);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "---\n# a comment\nid: 7KQ3F9XM\nsubject: \"Can't log in: again\"\nstatus: waiting-for-godot\ntags: [login, vip]\ncc:\n  - Bo <bo@example.com>\nx-custom: {a: 1}   # keep me\nfields:\n  customer_number: 12345\n---\nThe description.\n\nMore.\n";

    #[test]
    fn round_trip_is_byte_identical() {
        for text in [
            SAMPLE,
            "---\n---\n",
            "---\nid: X\n---",
            "\u{feff}---\r\nid: X\r\n---\r\nbody\r\n",
            "---\nid: X\n...\nbody with\n---\nrule inside\n",
        ] {
            let doc = Document::parse(text).unwrap();
            assert_eq!(doc.render(), text);
        }
    }

    #[test]
    fn typed_access_and_unknown_keys() {
        let doc = Document::parse(SAMPLE).unwrap();
        assert_eq!(
            doc.get_str("status").unwrap().as_deref(),
            Some("waiting-for-godot")
        );
        assert_eq!(
            doc.get_str("subject").unwrap().as_deref(),
            Some("Can't log in: again")
        );
        assert_eq!(doc.get_list("tags").unwrap(), vec!["login", "vip"]);
        assert_eq!(doc.get_list("cc").unwrap(), vec!["Bo <bo@example.com>"]);
        assert_eq!(
            doc.get_map("fields").unwrap(),
            vec![("customer_number".to_string(), "12345".to_string())]
        );
        assert!(doc.keys().any(|k| k == "x-custom"));
        assert_eq!(doc.line_of("status"), Some(5));
        let err = doc.get_str("tags").unwrap_err();
        assert_eq!(err.line, 6);
    }

    #[test]
    fn set_changes_only_the_entry() {
        let mut doc = Document::parse(SAMPLE).unwrap();
        doc.set("status", FmValue::Str("open".into()), &[]);
        doc.set(
            "tags",
            FmValue::List(vec!["login".into(), "vip".into()]),
            &[],
        );
        let out = doc.render();
        assert_eq!(out, SAMPLE.replace("waiting-for-godot", "open"));
        doc.set("x-custom", FmValue::Str("b".into()), &[]);
        assert!(
            doc.render().contains("x-custom: b\nfields:"),
            "{}",
            doc.render()
        );
    }

    #[test]
    fn a_crlf_body_does_not_make_front_matter_crlf() {
        let mut doc = Document::parse("---\nid: A\n---\nbody\r\nline\r\n").unwrap();
        doc.set("status", FmValue::Str("new".into()), &[]);
        assert_eq!(
            doc.render(),
            "---\nid: A\nstatus: new\n---\nbody\r\nline\r\n"
        );
        let mut doc = Document::parse("---\r\nid: A\r\n---\r\n").unwrap();
        doc.set("status", FmValue::Str("new".into()), &[]);
        assert_eq!(doc.render(), "---\r\nid: A\r\nstatus: new\r\n---\r\n");
    }

    #[test]
    fn new_keys_follow_the_order() {
        let mut doc = Document::parse("---\nid: A\ncreated: now\n---\n").unwrap();
        doc.set(
            "status",
            FmValue::Str("new".into()),
            &["id", "status", "created"],
        );
        doc.set(
            "zzz",
            FmValue::Str("last".into()),
            &["id", "status", "created"],
        );
        assert_eq!(
            doc.render(),
            "---\nid: A\nstatus: new\ncreated: now\nzzz: last\n---\n"
        );
        assert!(doc.remove("zzz"));
        assert!(!doc.remove("zzz"));
    }

    #[test]
    fn written_values_read_back() {
        let mut doc = Document::new("");
        let tricky = ["a: b", "12", "#x", "", "ä, ö", "Anna <a@x.fi>"];
        doc.set("s", FmValue::Str(tricky[0].into()), &[]);
        doc.set(
            "l",
            FmValue::List(tricky.iter().map(|s| s.to_string()).collect()),
            &[],
        );
        doc.set(
            "m",
            FmValue::Map(vec![("k".into(), "12".into()), ("j".into(), "".into())]),
            &[],
        );
        let back = Document::parse(&doc.render()).unwrap();
        assert_eq!(back.get_str("s").unwrap().as_deref(), Some("a: b"));
        assert_eq!(back.get_list("l").unwrap(), tricky);
        assert_eq!(
            back.get_map("m").unwrap(),
            vec![("k".into(), "12".into()), ("j".into(), "".into())]
        );
    }

    #[test]
    fn errors_name_the_line() {
        let err = Document::parse("id: X\n").unwrap_err();
        assert_eq!(err.line, 1);
        let err = Document::parse("---\nid: X\n").unwrap_err();
        assert!(err.message.contains("not closed"));
        let err =
            Document::parse("---\nid: X\nsubject: [unclosed\nstatus: new\n---\n").unwrap_err();
        assert_eq!(err.line, 3, "{err}");
        let err = Document::parse("---\nid: X\nid: Y\n---\n").unwrap_err();
        assert!(err.message.contains("duplicate"), "{err}");
    }
}
