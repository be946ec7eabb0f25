//! Canned replies: `templates/<name>.md` with `{{placeholders}}`, pure text in, text out.
//!
//! A template is Markdown with optional front matter (`subject:`, `description:`). A
//! placeholder is `{{ name }}`; an unknown name is an error that names the template and
//! line, never a blank hole in a mail to a customer. Known names with no value (a ticket
//! without a due date) render as empty text.

use std::collections::BTreeMap;

use crate::yaml;

/// The acknowledgement a helpdesk without `templates/acknowledgement.md` sends, and the
/// file `init` writes.
pub const ACKNOWLEDGEMENT: &str = include_str!("templates/acknowledgement.md");

/// Every placeholder a template may use, with what it is. `field.<name>` is there for
/// each custom field of tiketti.yaml.
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("ticket.id", "the ticket ID, 7KQ3F9XM"),
    ("ticket.subject", "the ticket's subject"),
    ("ticket.status", "its status"),
    ("ticket.priority", "its priority"),
    ("ticket.category", "its category"),
    ("ticket.group", "its group"),
    ("ticket.due", "its due date"),
    (
        "requester.name",
        "the requester's name (the address when there is no name)",
    ),
    ("requester.email", "the requester's address"),
    (
        "agent.name",
        "the replying agent's name (the helpdesk's name for automatic mail)",
    ),
    ("agent.email", "the replying agent's address"),
    ("helpdesk.name", "helpdesk.name in tiketti.yaml"),
    ("helpdesk.address", "mail.address in tiketti.yaml"),
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct TemplateError {
    pub line: usize,
    pub message: String,
}

/// A parsed template.
#[derive(Debug, Clone)]
pub struct Template {
    pub name: String,
    /// The subject of a mail sent from it (after the `[Tag #ID]` tag), if it sets one.
    pub subject: Option<String>,
    /// One line for `template list`.
    pub description: Option<String>,
    pub body: String,
    /// The line of the file the body starts on (for errors).
    body_line: usize,
}

/// Placeholder values.
#[derive(Debug, Clone, Default)]
pub struct Vars(BTreeMap<String, String>);

impl Vars {
    pub fn set(&mut self, name: &str, value: impl Into<String>) -> &mut Self {
        self.0.insert(name.to_string(), value.into());
        self
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

/// A template name is a file name: letters, digits, `-`, `_` and `.`, not starting with `.`.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty()
        || name.starts_with('.')
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        return Err(format!(
            "{name:?} is not a template name (letters, digits, -, _ and ., like `order-shipped`)"
        ));
    }
    Ok(())
}

impl Template {
    pub fn parse(name: &str, text: &str) -> Result<Template, TemplateError> {
        // A template saved on Windows (CRLF) reads like any other.
        let text = text.replace("\r\n", "\n");
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let (front, body, body_line) = match text.strip_prefix("---\n") {
            Some(rest) => {
                let end = rest
                    .find("\n---\n")
                    .map(|i| (i + 1, i + 5))
                    .or_else(|| {
                        rest.strip_suffix("\n---")
                            .map(|f| (f.len() + 1, rest.len()))
                    })
                    .ok_or_else(|| TemplateError {
                        line: 1,
                        message: "the front matter that starts on line 1 has no closing `---`"
                            .into(),
                    })?;
                let front = &rest[..end.0];
                let body = &rest[end.1.min(rest.len())..];
                (Some(front), body, front.lines().count() + 3)
            }
            None => (None, text, 1),
        };
        let mut t = Template {
            name: name.to_string(),
            subject: None,
            description: None,
            body: body.to_string(),
            body_line,
        };
        if let Some(front) = front {
            let value: yaml::Value = yaml::from_str(front).map_err(|e| TemplateError {
                line: e.line.map_or(2, |l| l + 1),
                message: e.message,
            })?;
            let map = match value {
                yaml::Value::Null => Default::default(),
                yaml::Value::Mapping(m) => m,
                _ => {
                    return Err(TemplateError {
                        line: 2,
                        message: "the front matter must be `key: value` lines".into(),
                    });
                }
            };
            for (k, v) in map {
                let key = yaml::scalar_text(&k).unwrap_or_default();
                let line = front
                    .lines()
                    .position(|l| l.starts_with(&format!("{key}:")))
                    .map_or(2, |i| i + 2);
                let text = yaml::scalar_text(&v).ok_or_else(|| TemplateError {
                    line,
                    message: format!("`{key}` must be a single line of text"),
                })?;
                match key.as_str() {
                    "subject" => t.subject = Some(text),
                    "description" => t.description = Some(text),
                    _ => {
                        return Err(TemplateError {
                            line,
                            message: format!(
                                "unknown key `{key}`; a template's front matter has subject and description"
                            ),
                        });
                    }
                }
            }
        }
        // Every placeholder must be well formed, whatever values are given later.
        for (n, line) in t.body.lines().enumerate() {
            placeholders(line).map_err(|message| TemplateError {
                line: t.body_line + n,
                message,
            })?;
        }
        if let Some(s) = &t.subject {
            placeholders(s).map_err(|message| TemplateError {
                line: 2,
                message: format!("subject: {message}"),
            })?;
        }
        Ok(t)
    }

    /// The subject (if the template sets one) and the body, filled in.
    pub fn render(&self, vars: &Vars) -> Result<(Option<String>, String), TemplateError> {
        let subject = match &self.subject {
            Some(s) => Some(fill(s, vars).map_err(|message| TemplateError {
                line: 2,
                message: format!("subject: {message}"),
            })?),
            None => None,
        };
        let mut body = String::with_capacity(self.body.len());
        for (n, line) in self.body.split_inclusive('\n').enumerate() {
            body.push_str(&fill(line, vars).map_err(|message| TemplateError {
                line: self.body_line + n,
                message,
            })?);
        }
        Ok((subject, body))
    }

    /// The first line of the description, or of the body.
    pub fn summary(&self) -> String {
        self.description
            .clone()
            .or_else(|| {
                self.body
                    .lines()
                    .find(|l| !l.trim().is_empty())
                    .map(str::to_string)
            })
            .unwrap_or_default()
    }
}

/// The placeholder names in `line`, in order.
fn placeholders(line: &str) -> Result<Vec<(usize, usize, String)>, String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(start) = line[from..].find("{{").map(|i| from + i) {
        let end = line[start..]
            .find("}}")
            .map(|i| start + i)
            .ok_or_else(|| format!("`{{{{` without a closing `}}}}`: {:?}", &line[start..]))?;
        let name = line[start + 2..end].trim();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        {
            return Err(format!("{:?} is not a placeholder", &line[start..end + 2]));
        }
        out.push((start, end + 2, name.to_string()));
        from = end + 2;
    }
    Ok(out)
}

fn fill(line: &str, vars: &Vars) -> Result<String, String> {
    let mut out = String::with_capacity(line.len());
    let mut last = 0;
    for (start, end, name) in placeholders(line)? {
        let value = vars.get(&name).ok_or_else(|| {
            format!(
                "unknown placeholder {{{{{name}}}}}; placeholders are {}",
                vars.names()
                    .map(|n| format!("{{{{{n}}}}}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?;
        out.push_str(&line[last..start]);
        out.push_str(value);
        last = end;
    }
    out.push_str(&line[last..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Vars {
        let mut v = Vars::default();
        v.set("ticket.id", "7KQ3F9XM")
            .set("requester.name", "Äijä Öhman")
            .set("ticket.due", "");
        v
    }

    #[test]
    fn fills_placeholders_and_keeps_the_rest() {
        let t = Template::parse(
            "x",
            "---\nsubject: About {{ticket.id}}\n---\nHei {{ requester.name }},\n\n{{ticket.id}}{{ticket.due}}.\n",
        )
        .unwrap();
        let (subject, body) = t.render(&vars()).unwrap();
        assert_eq!(subject.as_deref(), Some("About 7KQ3F9XM"));
        assert_eq!(body, "Hei Äijä Öhman,\n\n7KQ3F9XM.\n");
        assert_eq!(t.summary(), "Hei {{ requester.name }},");
    }

    #[test]
    fn unknown_placeholders_name_their_line() {
        let t = Template::parse("x", "---\ndescription: d\n---\nHello\n{{agent.nmae}}\n").unwrap();
        let err = t.render(&vars()).unwrap_err();
        assert_eq!(err.line, 5, "{err}");
        assert!(err.message.contains("{{agent.nmae}}"), "{err}");
        assert!(err.message.contains("{{ticket.id}}"), "{err}");
        let t = Template::parse("x", "Hello\n{{agent.name}\n").unwrap_err();
        assert_eq!(t.line, 2);
        let t = Template::parse("x", "a\n{{ bad name }}\n").unwrap_err();
        assert_eq!(t.line, 2);
        let t = Template::parse("x", "---\nsubjcet: x\n---\nbody\n").unwrap_err();
        assert_eq!(t.line, 2);
        assert!(t.message.contains("subjcet"));
        assert!(Template::parse("x", "---\nsubject: x\nbody\n").is_err());
    }

    #[test]
    fn windows_line_ends() {
        let t =
            Template::parse("x", "---\r\nsubject: Hi\r\n---\r\nHello {{ticket.id}}\r\n").unwrap();
        assert_eq!(t.subject.as_deref(), Some("Hi"));
        assert_eq!(t.render(&vars()).unwrap().1, "Hello 7KQ3F9XM\n");
    }

    #[test]
    fn no_front_matter_and_the_builtin_acknowledgement() {
        let t = Template::parse("plain", "Just text {{ticket.id}}").unwrap();
        assert_eq!(t.render(&vars()).unwrap().1, "Just text 7KQ3F9XM");
        let ack = Template::parse("acknowledgement", ACKNOWLEDGEMENT).unwrap();
        let mut v = Vars::default();
        for (name, _) in PLACEHOLDERS {
            v.set(name, format!("<{name}>"));
        }
        let (subject, body) = ack.render(&v).unwrap();
        assert!(subject.is_some());
        assert!(body.contains("<ticket.id>"), "{body}");
    }

    #[test]
    fn names() {
        assert!(check_name("order-shipped_2.v1").is_ok());
        for bad in ["", ".hidden", "../x", "a/b", "a b"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }
}
