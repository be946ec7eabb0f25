//! The semantic three-way merge of one ticket file, and the collision records it leaves
//! (DESIGN.md §7, docs/sync.md).
//!
//! Front matter merges key by key on the parsed values, so a key only one side changed
//! takes that side's lines byte for byte and untouched keys stay as they were. Lists
//! (`tags`, `cc`, `collisions`, any list a person added) merge as sets; a mapping
//! (`fields`) merges name by name; the description merges line by line (diff3). When
//! both sides changed the same value differently, that is a **collision**: the value
//! already pushed ("theirs") stays, and a [`FieldCollision`] carries the other one so the
//! caller can store it as an event. Pure: no files, no clock, no randomness.

use chrono::{DateTime, Utc};
use similar::{Algorithm, DiffOp, capture_diff_slices};

use super::codec::{CodecError, Document, FmValue};
use super::{Contact, Event, TICKET_KEYS, TicketId, kind, parse_time};
use crate::yaml::{self, Value};

/// The front-matter key that lists a ticket's unsettled collisions.
pub const FLAG_KEY: &str = "collisions";
/// The field name of the description (the Markdown body) in collision records.
pub const DESCRIPTION: &str = "description";
/// The field name of "deleted on one clone, changed on the other" in collision records.
pub const TICKET: &str = "ticket";
/// The values of a [`TICKET`] collision.
pub const DELETED: &str = "deleted";
pub const KEPT: &str = "kept";

/// Keys that are sets even when a side holds a single value.
const SET_KEYS: &[&str] = &["tags", "cc", FLAG_KEY];

/// The result of a line merge: the text, with every conflicting region taken from theirs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineMerge {
    pub text: String,
    /// How many regions both sides changed differently (0: a clean merge).
    pub conflicts: usize,
}

/// For every line of `base`, the line of `side` it is kept as, if any.
fn matched(base: &[&str], side: &[&str]) -> Vec<Option<usize>> {
    let mut m = vec![None; base.len()];
    for op in capture_diff_slices(Algorithm::Myers, base, side) {
        if let DiffOp::Equal {
            old_index,
            new_index,
            len,
        } = op
        {
            for k in 0..len {
                m[old_index + k] = Some(new_index + k);
            }
        }
    }
    m
}

/// diff3: regions where base, ours and theirs agree are kept; a region only one side
/// changed takes that side; a region both changed identically is taken once; a region
/// both changed differently is a conflict and takes theirs. Adjacent edits conflict, as
/// in git. Line endings are part of the lines, so CRLF text survives.
pub fn merge_lines(base: &str, ours: &str, theirs: &str) -> LineMerge {
    let clean = |t: &str| LineMerge {
        text: t.to_string(),
        conflicts: 0,
    };
    if ours == theirs || ours == base {
        return clean(theirs);
    }
    if theirs == base {
        return clean(ours);
    }
    let b: Vec<&str> = base.split_inclusive('\n').collect();
    let o: Vec<&str> = ours.split_inclusive('\n').collect();
    let t: Vec<&str> = theirs.split_inclusive('\n').collect();
    let (mo, mt) = (matched(&b, &o), matched(&b, &t));
    let (mut i, mut j, mut k) = (0, 0, 0);
    let mut text = String::with_capacity(theirs.len() + ours.len() / 2);
    let mut conflicts = 0;
    loop {
        while i < b.len() && mo[i] == Some(j) && mt[i] == Some(k) {
            text.push_str(b[i]);
            (i, j, k) = (i + 1, j + 1, k + 1);
        }
        // The next base line both sides kept ends the unstable region.
        let next = (i..b.len()).find(|&x| mo[x].is_some() && mt[x].is_some());
        let (ni, nj, nk) = match next {
            Some(x) => (x, mo[x].unwrap_or(j), mt[x].unwrap_or(k)),
            None => (b.len(), o.len(), t.len()),
        };
        let (bc, oc, tc) = (&b[i..ni], &o[j..nj], &t[k..nk]);
        let take = if oc == bc || oc == tc {
            tc
        } else if tc == bc {
            oc
        } else {
            conflicts += 1;
            tc
        };
        take.iter().for_each(|l| text.push_str(l));
        (i, j, k) = (ni, nj, nk);
        if next.is_none() {
            break;
        }
    }
    LineMerge { text, conflicts }
}

/// Two clones changed one value differently. Values are as text; `None` is "not set".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldCollision {
    /// A front-matter key, `fields.NAME` for a custom field, [`DESCRIPTION`] or [`TICKET`].
    pub field: String,
    pub base: Option<String>,
    /// The value of the clone that merged (not yet pushed): the one not kept.
    pub ours: Option<String>,
    /// The value already pushed: the one kept, unless a rule chose another.
    pub theirs: Option<String>,
    /// What the ticket holds now.
    pub kept: Option<String>,
    /// Why, when a rule rather than "the pushed value stays" decided.
    pub reason: Option<String>,
}

/// Front-matter keys each side changed at some point since the merge base, even when a
/// later commit of that side changed them back. Without this, a value that went A → B → A
/// on the pushed side would look untouched, and the other side's concurrent change would
/// silently replace the value someone had deliberately restored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Touched {
    pub ours: std::collections::BTreeSet<String>,
    pub theirs: std::collections::BTreeSet<String>,
}

/// A merged ticket file and its collisions (already flagged in `doc`).
#[derive(Debug, Clone)]
pub struct TicketMerge {
    pub doc: Document,
    pub collisions: Vec<FieldCollision>,
}

/// Merge three versions of a ticket.md. `base` is `None` when both sides added the file
/// (the same ticket arriving twice). Fails when a version does not parse; the caller
/// then falls back to a line merge of the whole file.
pub fn merge_ticket(
    base: Option<&str>,
    ours: &str,
    theirs: &str,
    touched: &Touched,
) -> Result<TicketMerge, CodecError> {
    let base = base.map(Document::parse).transpose()?;
    let ours = Document::parse(ours)?;
    let theirs = Document::parse(theirs)?;
    let mut merged = merge_documents(base.as_ref(), &ours, &theirs, touched);
    let fields: Vec<String> = merged.collisions.iter().map(|c| c.field.clone()).collect();
    flag(&mut merged.doc, fields.iter().map(String::as_str));
    Ok(merged)
}

/// Absent, `null` and `""` all mean "not set".
fn norm(v: Option<&Value>) -> Option<&Value> {
    match v {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.is_empty() => None,
        v => v,
    }
}

fn text_of(v: Option<&Value>) -> Option<String> {
    v.map(yaml::one_line)
}

fn items(v: Option<&Value>) -> Option<Vec<String>> {
    match v {
        None => Some(Vec::new()),
        Some(Value::Sequence(items)) => items.iter().map(yaml::scalar_text).collect(),
        Some(v) => yaml::scalar_text(v).map(|s| vec![s]),
    }
}

fn pairs(v: Option<&Value>) -> Option<Vec<(String, String)>> {
    match v {
        None => Some(Vec::new()),
        Some(Value::Mapping(m)) => m
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    Value::Null => Some(String::new()),
                    v => yaml::scalar_text(v),
                };
                yaml::scalar_text(k).zip(v)
            })
            .collect(),
        Some(_) => None,
    }
}

/// Sets: an item either side removed goes, an item either side added comes (once). For
/// `cc`, two spellings of one address are one person.
fn merge_set(key: &str, base: &[String], ours: &[String], theirs: &[String]) -> Vec<String> {
    let same = |a: &str, b: &str| {
        a == b
            || (key == "cc"
                && Contact::parse(a)
                    .ok()
                    .zip(Contact::parse(b).ok())
                    .is_some_and(|(a, b)| a.same_person(&b)))
    };
    let has = |list: &[String], x: &str| list.iter().any(|y| same(x, y));
    let mut out: Vec<String> = theirs
        .iter()
        .filter(|x| !has(base, x) || has(ours, x))
        .cloned()
        .collect();
    for x in ours {
        if !has(base, x) && !has(&out, x) {
            out.push(x.clone());
        }
    }
    out
}

/// Custom fields, name by name; a name both sides set differently is a collision on
/// `key.name` and keeps theirs.
fn merge_pairs(
    key: &str,
    base: &[(String, String)],
    ours: &[(String, String)],
    theirs: &[(String, String)],
    collisions: &mut Vec<FieldCollision>,
) -> Vec<(String, String)> {
    let get = |list: &[(String, String)], k: &str| {
        list.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
    };
    let mut names: Vec<&String> = theirs.iter().map(|(k, _)| k).collect();
    for (k, _) in ours.iter().chain(base) {
        if !names.contains(&k) {
            names.push(k);
        }
    }
    let mut out = Vec::new();
    for name in names {
        let (b, o, t) = (get(base, name), get(ours, name), get(theirs, name));
        let v = if o == b || o == t {
            t
        } else if t == b {
            o
        } else {
            collisions.push(FieldCollision {
                field: format!("{key}.{name}"),
                base: b,
                ours: o,
                kept: t.clone(),
                theirs: t.clone(),
                reason: None,
            });
            t
        };
        if let Some(v) = v {
            out.push((name.clone(), v));
        }
    }
    out
}

/// Put a merged value: unchanged from theirs keeps theirs' lines, equal to ours takes
/// ours' lines, anything else is written anew.
fn put(out: &mut Document, ours: &Document, key: &str, value: FmValue, t: &FmValue, o: &FmValue) {
    let empty = match &value {
        FmValue::List(l) => l.is_empty(),
        FmValue::Map(m) => m.is_empty(),
        FmValue::Str(s) => s.is_empty(),
    };
    if &value == t {
    } else if &value == o {
        out.copy_entry(ours, key, TICKET_KEYS);
    } else if empty {
        out.remove(key);
    } else {
        out.set(key, value, TICKET_KEYS);
    }
}

/// The key-by-key merge, without flagging (see [`merge_ticket`]).
pub fn merge_documents(
    base: Option<&Document>,
    ours: &Document,
    theirs: &Document,
    touched: &Touched,
) -> TicketMerge {
    let mut out = theirs.clone();
    let mut collisions = Vec::new();
    let mut keys: Vec<String> = theirs.keys().map(str::to_string).collect();
    for k in ours.keys().chain(base.into_iter().flat_map(|b| b.keys())) {
        if !keys.iter().any(|x| x == k) {
            keys.push(k.to_string());
        }
    }
    for key in &keys {
        let b = norm(base.and_then(|d| d.value(key)));
        let (o, t) = (norm(ours.value(key)), norm(theirs.value(key)));
        let any = |f: fn(&Value) -> bool| [b, o, t].into_iter().flatten().any(f);
        // Sets and mappings merge by their items whatever happened in between; a scalar a
        // side touched counts as changed by it even when it is back at the base value.
        let scalar = !any(Value::is_sequence)
            && !any(Value::is_mapping)
            && !SET_KEYS.contains(&key.as_str());
        let ours_changed = o != b || (scalar && touched.ours.contains(key));
        let theirs_changed = t != b || (scalar && touched.theirs.contains(key));
        if !ours_changed || o == t {
            continue;
        }
        if !theirs_changed {
            out.copy_entry(ours, key, TICKET_KEYS);
            continue;
        }
        let lists = (any(Value::is_sequence) || SET_KEYS.contains(&key.as_str()))
            .then(|| Some((items(b)?, items(o)?, items(t)?)))
            .flatten();
        let maps = any(Value::is_mapping)
            .then(|| Some((pairs(b)?, pairs(o)?, pairs(t)?)))
            .flatten();
        if let Some((lb, lo, lt)) = lists {
            let merged = merge_set(key, &lb, &lo, &lt);
            put(
                &mut out,
                ours,
                key,
                FmValue::List(merged),
                &FmValue::List(lt),
                &FmValue::List(lo),
            );
        } else if let Some((mb, mo, mt)) = maps {
            let merged = merge_pairs(key, &mb, &mo, &mt, &mut collisions);
            put(
                &mut out,
                ours,
                key,
                FmValue::Map(merged),
                &FmValue::Map(mt),
                &FmValue::Map(mo),
            );
        } else if key == "created"
            && base.is_none()
            && let (Some(ot), Some(tt)) = (
                text_of(o).and_then(|s| parse_time(&s)),
                text_of(t).and_then(|s| parse_time(&s)),
            )
        {
            // The same ticket opened on two clones (one message taken in twice): it was
            // opened when the first of them saw it.
            if ot < tt {
                out.copy_entry(ours, key, TICKET_KEYS);
            }
        } else {
            collisions.push(FieldCollision {
                field: key.clone(),
                base: text_of(b),
                ours: text_of(o),
                theirs: text_of(t),
                kept: text_of(t),
                reason: None,
            });
        }
    }
    let base_body = base.map_or("", |b| b.body.as_str());
    let lines = merge_lines(base_body, &ours.body, &theirs.body);
    if lines.conflicts == 0 {
        out.body = lines.text;
    } else {
        collisions.push(FieldCollision {
            field: DESCRIPTION.to_string(),
            base: (!base_body.is_empty()).then(|| base_body.to_string()),
            ours: (!ours.body.is_empty()).then(|| ours.body.clone()),
            theirs: (!theirs.body.is_empty()).then(|| theirs.body.clone()),
            kept: (!theirs.body.is_empty()).then(|| theirs.body.clone()),
            reason: None,
        });
    }
    TicketMerge {
        doc: out,
        collisions,
    }
}

/// Add fields to the ticket's `collisions:` list (each once).
pub fn flag<'a>(doc: &mut Document, fields: impl IntoIterator<Item = &'a str>) {
    let mut list = doc.get_list(FLAG_KEY).unwrap_or_default();
    let before = list.len();
    for f in fields {
        if !list.iter().any(|x| x == f) {
            list.push(f.to_string());
        }
    }
    if list.len() != before {
        doc.set(FLAG_KEY, FmValue::List(list), TICKET_KEYS);
    }
}

/// Take a field off the `collisions:` list (the key goes with its last entry); true when
/// it was there.
pub fn unflag(doc: &mut Document, field: &str) -> bool {
    let list = doc.get_list(FLAG_KEY).unwrap_or_default();
    if !list.iter().any(|x| x == field) {
        return false;
    }
    let rest: Vec<String> = list.into_iter().filter(|x| x != field).collect();
    if rest.is_empty() {
        doc.remove(FLAG_KEY);
    } else {
        doc.set(FLAG_KEY, FmValue::List(rest), TICKET_KEYS);
    }
    true
}

/// A value for a sentence: `(not set)`, or its first line.
fn shown(v: &Option<String>) -> String {
    match v.as_deref() {
        None => "(not set)".to_string(),
        Some(s) if s.trim_end().contains('\n') => {
            format!(
                "{} … ({} lines)",
                s.lines().next().unwrap_or(""),
                s.lines().count()
            )
        }
        Some(s) => s.trim_end().to_string(),
    }
}

impl FieldCollision {
    /// The collision as an event file of kind `collision`.
    pub fn to_event(
        &self,
        ticket: &TicketId,
        id: String,
        author: &str,
        at: DateTime<Utc>,
    ) -> Event {
        let mut e = Event::new(id, kind::COLLISION, author, at, &self.explain(ticket));
        e.set_str("field", &self.field);
        for (key, value) in [
            ("base", &self.base),
            ("ours", &self.ours),
            ("theirs", &self.theirs),
            ("kept", &self.kept),
            ("reason", &self.reason),
        ] {
            if let Some(v) = value {
                e.set_str(key, v);
            }
        }
        e
    }

    /// Read a collision event back; `None` when it is not one or names no field.
    pub fn from_event(e: &Event) -> Option<FieldCollision> {
        if e.kind != kind::COLLISION {
            return None;
        }
        let get = |k: &str| e.doc.get_str(k).ok().flatten().filter(|v| !v.is_empty());
        Some(FieldCollision {
            field: get("field")?,
            base: get("base"),
            ours: get("ours"),
            theirs: get("theirs"),
            kept: get("kept"),
            reason: get("reason"),
        })
    }

    /// The event's text: what happened and how to settle it.
    pub fn explain(&self, ticket: &TicketId) -> String {
        let f = &self.field;
        let what = match (&self.reason, f.as_str()) {
            (Some(r), _) => format!("{r}.\n"),
            (None, TICKET) => {
                "One clone deleted this ticket while another changed it. The ticket was kept.\n"
                    .to_string()
            }
            (None, _) => format!(
                "Two clones changed `{f}` at the same time. The value already pushed was kept.\n"
            ),
        };
        format!(
            "{what}\nNow:            {}\nNot kept:       {}\nAlready pushed: {}\nBefore both:    {}\n\n\
             Settle it with `tiketti resolve {ticket} {f} --ours` (the value not kept), \
             `--theirs` (the value already pushed) or `--set {f}=VALUE`.\n",
            shown(&self.kept),
            shown(&self.ours),
            shown(&self.theirs),
            shown(&self.base),
        )
    }
}

/// How a collision was settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Ours,
    Theirs,
    Set,
}

impl Choice {
    pub fn as_str(self) -> &'static str {
        match self {
            Choice::Ours => "ours",
            Choice::Theirs => "theirs",
            Choice::Set => "set",
        }
    }
}

/// The event that records a settled collision: kind `resolution`, the field, the choice,
/// the value now held, and the collision events it settles.
pub fn resolution_event(
    field: &str,
    choice: Choice,
    value: Option<&str>,
    resolves: Vec<String>,
    id: String,
    author: &str,
    at: DateTime<Utc>,
) -> Event {
    let body = format!(
        "Settled the collision on `{field}` ({}): {}.\n",
        choice.as_str(),
        shown(&value.map(str::to_string))
    );
    let mut e = Event::new(id, kind::RESOLUTION, author, at, &body);
    e.set_str("field", field);
    e.set_str("choice", choice.as_str());
    if let Some(v) = value {
        e.set_str("value", v);
    }
    e.set_list("resolves", resolves);
    e
}

/// A collision event that no resolution event settles.
#[derive(Debug, Clone)]
pub struct Unsettled {
    /// The event file, as given.
    pub file: String,
    pub event: String,
    pub record: FieldCollision,
}

/// The unsettled collisions among a ticket's events (given oldest first), oldest first.
pub fn unsettled<'a>(events: impl IntoIterator<Item = (&'a str, &'a Event)>) -> Vec<Unsettled> {
    let mut settled = std::collections::HashSet::new();
    let mut found = Vec::new();
    for (file, e) in events {
        if e.kind == kind::RESOLUTION {
            settled.extend(e.doc.get_list("resolves").unwrap_or_default());
        } else if let Some(record) = FieldCollision::from_event(e) {
            found.push(Unsettled {
                file: file.to_string(),
                event: e.id.clone(),
                record,
            });
        }
    }
    found.retain(|u| !settled.contains(&u.event));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "---\nid: 7KQ3F9XM\nsubject: Printer\nstatus: open\npriority: normal # why\ntags: [a, b]\ncc: [Bo <bo@x.fi>]\ncreated: 2026-11-22T10:00:00Z\nfields:\n  customer_number: C-1\n---\nLine one.\nLine two.\nLine three.\n";

    fn edit(text: &str, from: &str, to: &str) -> String {
        assert!(text.contains(from), "{from:?} not in {text}");
        text.replacen(from, to, 1)
    }

    fn merge(o: &str, t: &str) -> TicketMerge {
        merge_ticket(Some(BASE), o, t, &Touched::default()).unwrap()
    }

    #[test]
    fn merge_lines_takes_each_sides_change() {
        let b = "a\nb\nc\nd\ne\n";
        let o = "A\nb\nc\nd\ne\n";
        let t = "a\nb\nc\nd\nE\n";
        assert_eq!(merge_lines(b, o, t).text, "A\nb\nc\nd\nE\n");
        assert_eq!(merge_lines(b, o, t).conflicts, 0);
        // Insertions at both ends and deletions in the middle.
        let o = "top\na\nb\nd\ne\n";
        let t = "a\nb\nc\nd\ne\nbottom\n";
        assert_eq!(merge_lines(b, o, t).text, "top\na\nb\nd\ne\nbottom\n");
        // The same change on both sides is taken once.
        assert_eq!(
            merge_lines(b, "a\nX\nc\nd\ne\n", "a\nX\nc\nd\ne\n").text,
            "a\nX\nc\nd\ne\n"
        );
    }

    #[test]
    fn merge_lines_conflicts_keep_theirs() {
        let b = "a\nb\nc\n";
        let m = merge_lines(b, "a\nOURS\nc\n", "a\nTHEIRS\nc\n");
        assert_eq!(m.conflicts, 1);
        assert_eq!(m.text, "a\nTHEIRS\nc\n");
        // Adjacent edits conflict, as in git.
        let m = merge_lines(b, "A\nb\nc\n", "a\nB\nc\n");
        assert_eq!(m.conflicts, 1);
        // No base: two different additions conflict; one empty side does not.
        assert_eq!(merge_lines("", "x\n", "y\n").conflicts, 1);
        assert_eq!(merge_lines("", "", "y\n").text, "y\n");
        // CRLF lines survive.
        let m = merge_lines("a\r\nb\r\nc\r\n", "A\r\nb\r\nc\r\n", "a\r\nb\r\nC\r\n");
        assert_eq!(m.text, "A\r\nb\r\nC\r\n");
    }

    #[test]
    fn merge_fields_one_side_each_stays_byte_identical() {
        let o = edit(BASE, "status: open", "status: pending");
        let t = edit(BASE, "subject: Printer", "subject: \"Printer: jammed\"");
        let m = merge(&o, &t);
        assert!(m.collisions.is_empty());
        let out = m.doc.render();
        assert_eq!(
            out,
            edit(&t, "status: open", "status: pending"),
            "only the changed lines differ"
        );
        // The comment on an untouched key survives.
        assert!(out.contains("priority: normal # why\n"));
    }

    #[test]
    fn merge_same_scalar_changed_differently_is_a_collision_keeping_theirs() {
        let o = edit(BASE, "status: open", "status: pending");
        let t = edit(BASE, "status: open", "status: solved");
        let m = merge(&o, &t);
        assert_eq!(
            m.collisions,
            vec![FieldCollision {
                field: "status".into(),
                base: Some("open".into()),
                ours: Some("pending".into()),
                theirs: Some("solved".into()),
                kept: Some("solved".into()),
                reason: None,
            }]
        );
        let out = m.doc.render();
        assert!(out.contains("status: solved\n"), "{out}");
        assert!(out.contains("collisions: [status]\n"), "{out}");
        // A cleared value against a changed one collides too.
        let o = edit(BASE, "priority: normal # why\n", "");
        let t = edit(BASE, "priority: normal", "priority: high");
        let m = merge(&o, &t);
        assert_eq!(m.collisions[0].ours, None);
        assert_eq!(m.collisions[0].kept.as_deref(), Some("high"));
    }

    #[test]
    fn merge_lists_are_sets() {
        let o = edit(BASE, "tags: [a, b]", "tags: [a, b, vip]");
        let t = edit(BASE, "tags: [a, b]", "tags: [b, urgent]");
        let m = merge(&o, &t);
        assert!(m.collisions.is_empty());
        assert!(m.doc.render().contains("tags: [b, urgent, vip]\n"));
        // Both add the same tag: once. Both remove everything: the key goes.
        let o = edit(BASE, "tags: [a, b]", "tags: [a, b, x]");
        assert!(merge(&o, &o).doc.render().contains("tags: [a, b, x]\n"));
        let o = edit(BASE, "tags: [a, b]\n", "tags: [a]\n");
        let t = edit(BASE, "tags: [a, b]\n", "tags: [b]\n");
        assert!(!merge(&o, &t).doc.render().contains("tags"));
        // cc: another spelling of the same address is the same person.
        let o = edit(BASE, "cc: [Bo <bo@x.fi>]", "cc: [Bo <bo@x.fi>, ann@y.fi]");
        let t = edit(
            BASE,
            "cc: [Bo <bo@x.fi>]",
            "cc: [Bo <bo@x.fi>, Ann <ANN@y.fi>]",
        );
        assert!(
            merge(&o, &t)
                .doc
                .render()
                .contains("cc: [Bo <bo@x.fi>, Ann <ANN@y.fi>]\n")
        );
        // A block list a person wrote counts as a list.
        let o = edit(BASE, "tags: [a, b]", "tags:\n  - a\n  - b\n  - c");
        let t = edit(BASE, "tags: [a, b]", "tags: [a]");
        assert!(merge(&o, &t).doc.render().contains("tags: [a, c]\n"));
    }

    #[test]
    fn merge_custom_fields_name_by_name() {
        let o = edit(
            BASE,
            "  customer_number: C-1\n",
            "  customer_number: C-1\n  order_number: \"42\"\n",
        );
        let t = edit(BASE, "customer_number: C-1", "customer_number: C-2");
        let m = merge(&o, &t);
        assert!(m.collisions.is_empty());
        assert!(
            m.doc
                .render()
                .contains("fields:\n  customer_number: C-2\n  order_number: \"42\"\n")
        );
        let o = edit(BASE, "customer_number: C-1", "customer_number: C-3");
        let m = merge(&o, &t);
        assert_eq!(m.collisions[0].field, "fields.customer_number");
        assert!(
            m.doc
                .render()
                .contains("collisions: [fields.customer_number]")
        );
    }

    #[test]
    fn merge_description_by_lines() {
        let o = edit(BASE, "Line one.", "Line one, edited.");
        let t = edit(BASE, "Line three.", "Line three, edited.");
        let m = merge(&o, &t);
        assert!(m.collisions.is_empty());
        assert!(
            m.doc
                .body
                .contains("Line one, edited.\nLine two.\nLine three, edited.\n")
        );
        let o = edit(BASE, "Line two.", "Ours.");
        let t = edit(BASE, "Line two.", "Theirs.");
        let m = merge(&o, &t);
        assert_eq!(m.collisions[0].field, DESCRIPTION);
        assert_eq!(m.doc.body, "Line one.\nTheirs.\nLine three.\n");
        assert!(m.collisions[0].ours.as_deref().unwrap().contains("Ours."));
        assert!(m.doc.render().contains("collisions: [description]\n"));
    }

    #[test]
    fn merge_the_same_ticket_added_twice() {
        let o = edit(
            BASE,
            "created: 2026-11-22T10:00:00Z",
            "created: 2026-11-22T09:00:00Z",
        );
        let o = edit(&o, "tags: [a, b]\n", "");
        let t = edit(BASE, "priority: normal # why\n", "");
        let m = merge_ticket(None, &o, &t, &Touched::default()).unwrap();
        assert!(m.collisions.is_empty(), "{:?}", m.collisions);
        let out = m.doc.render();
        assert!(
            out.contains("created: 2026-11-22T09:00:00Z"),
            "the earlier: {out}"
        );
        assert!(out.contains("priority: normal"), "{out}");
        assert!(out.contains("tags: [a, b]"), "{out}");
    }

    #[test]
    fn merge_a_value_changed_and_changed_back_still_collides() {
        // Theirs went normal -> high -> normal; ours set low meanwhile.
        let o = edit(BASE, "priority: normal", "priority: low");
        let touched = Touched {
            theirs: ["priority".to_string()].into(),
            ..Touched::default()
        };
        let m = merge_ticket(Some(BASE), &o, BASE, &touched).unwrap();
        assert_eq!(m.collisions.len(), 1, "{:?}", m.collisions);
        assert_eq!(m.collisions[0].kept.as_deref(), Some("normal"));
        assert_eq!(m.collisions[0].ours.as_deref(), Some("low"));
        // Without the history it is an ordinary one-sided change.
        let m = merge_ticket(Some(BASE), &o, BASE, &Touched::default()).unwrap();
        assert!(m.collisions.is_empty());
        assert!(m.doc.render().contains("priority: low"));
        // Ours went back and forth, theirs changed it: theirs stays, ours is recorded.
        let t = edit(BASE, "priority: normal", "priority: high");
        let touched = Touched {
            ours: ["priority".to_string(), "tags".to_string()].into(),
            ..Touched::default()
        };
        let m = merge_ticket(Some(BASE), BASE, &t, &touched).unwrap();
        assert_eq!(m.collisions[0].ours.as_deref(), Some("normal"));
        assert!(m.doc.render().contains("priority: high"));
    }

    #[test]
    fn merge_collision_flags_accumulate_and_unflag() {
        let o = edit(BASE, "status: open", "status: pending");
        let t = edit(BASE, "status: open", "status: solved");
        let t = edit(&t, "fields:", "collisions: [priority]\nfields:");
        let mut doc = merge(&o, &t).doc;
        assert_eq!(doc.get_list(FLAG_KEY).unwrap(), vec!["priority", "status"]);
        assert!(unflag(&mut doc, "priority"));
        assert!(!unflag(&mut doc, "priority"));
        assert!(unflag(&mut doc, "status"));
        assert!(!doc.render().contains("collisions"));
    }

    #[test]
    fn merge_broken_files_are_errors() {
        assert!(merge_ticket(Some(BASE), "no front matter", BASE, &Touched::default()).is_err());
    }

    #[test]
    fn collision_events_round_trip() {
        let c = FieldCollision {
            field: DESCRIPTION.into(),
            base: Some("a\nb\n".into()),
            ours: Some("a: x\n#b\n".into()),
            theirs: None,
            kept: None,
            reason: None,
        };
        let id = TicketId::parse("7KQ3F9XM").unwrap();
        let at = parse_time("2026-11-22T10:00:00Z").unwrap();
        let e = c.to_event(&id, "ABCDEFGHJK".into(), "anna", at);
        let back = Event::parse(&e.render()).unwrap();
        assert_eq!(FieldCollision::from_event(&back), Some(c));
        assert!(
            back.body()
                .contains("tiketti resolve 7KQ3F9XM description --ours")
        );
        let r = resolution_event(
            "status",
            Choice::Set,
            Some("open"),
            vec!["X".into()],
            "R".into(),
            "bo",
            at,
        );
        let back = Event::parse(&r.render()).unwrap();
        assert_eq!(back.doc.get_list("resolves").unwrap(), vec!["X"]);
        assert_eq!(back.doc.get_str("value").unwrap().as_deref(), Some("open"));
    }
}
