//! The one door to `serde_yaml`: parsing with line numbers, and quoting scalars so that
//! what we write reads back as the same string.
//!
//! Everything else in tiketti sees [`YamlError`] (with a 1-based line) and plain Rust
//! values. It must not know about tickets or config semantics.

use serde::de::DeserializeOwned;

pub use serde_yaml::Value;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    /// 1-based line within the parsed text, when the parser knows it.
    pub line: Option<usize>,
    pub message: String,
}

fn convert(err: serde_yaml::Error) -> YamlError {
    let line = err.location().map(|l| l.line());
    // serde_yaml appends " at line N column M" to many messages; we report the line separately.
    let mut message = err.to_string();
    if let Some(pos) = message.find(" at line ") {
        message.truncate(pos);
    }
    YamlError { line, message }
}

pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_yaml::from_str(text).map_err(convert)
}

/// A value as block YAML text.
pub fn to_string(value: &Value) -> Result<String, YamlError> {
    serde_yaml::to_string(value).map_err(convert)
}

/// Any value on one line, for history, diffs and collisions: lists as `a, b`, mappings
/// as `k=v, k2=v2`, scalars as [`scalar_text`] gives them.
pub fn one_line(value: &Value) -> String {
    match value {
        Value::Sequence(items) => items
            .iter()
            .map(|v| scalar_text(v).unwrap_or_else(|| format!("{v:?}")))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Mapping(m) => m
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    scalar_text(k).unwrap_or_default(),
                    scalar_text(v).unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
        v => scalar_text(v).unwrap_or_else(|| format!("{v:?}")),
    }
}

/// A scalar as text: strings as they are, numbers and booleans as YAML spells them.
pub fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Render `s` as a YAML scalar that reads back as exactly the string `s`: plain when that
/// is safe, double-quoted otherwise. `flow` also keeps `,[]{}` out of plain scalars.
pub fn quote(s: &str, flow: bool) -> String {
    if is_plain_safe(s, flow) {
        s.to_string()
    } else {
        // A JSON string is a valid YAML double-quoted scalar.
        serde_json::to_string(s).unwrap_or_else(|_| format!("\"{}\"", s.escape_default()))
    }
}

fn is_plain_safe(s: &str, flow: bool) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.trim() != s
        || s.chars().any(|c| c.is_control())
        || "-?:,[]{}#&*!|>'\"%@`".contains(first)
        || s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || (flow && s.chars().any(|c| ",[]{}".contains(c)))
    {
        return false;
    }
    matches!(serde_yaml::from_str::<Value>(s), Ok(Value::String(ref back)) if back == s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_scalars_read_back_identically() {
        for s in [
            "plain",
            "Cannot log in",
            "2026-11-30",
            "12345",
            "yes",
            "null",
            "~",
            "",
            " padded ",
            "a: b",
            "#hash",
            "x #y",
            "Anna <anna@example.com>",
            "line\nbreak",
            "tab\there",
            "ä ö å",
            "- dash",
            "[x]",
            "a,b",
            "'quoted'",
            "ends:",
            "1.5",
            "0x1F",
            "true",
        ] {
            for flow in [false, true] {
                let q = quote(s, flow);
                let back: Value = from_str(&q).unwrap();
                assert_eq!(back, Value::String(s.to_string()), "{s:?} quoted as {q}");
            }
        }
        assert_eq!(quote("plain words", false), "plain words");
        assert_eq!(quote("12345", false), "\"12345\"");
        assert_eq!(quote("a,b", true), "\"a,b\"");
    }

    #[test]
    fn errors_carry_lines() {
        let err = from_str::<Value>("a: 1\nb: [\n").unwrap_err();
        assert!(err.line.is_some());
        assert!(!err.message.contains(" at line "), "{}", err.message);
    }
}
