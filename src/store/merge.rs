//! The three-way merge of two commits, path by path (DESIGN.md §7, docs/sync.md).
//!
//! Works on the paths either side changed since the merge base, as bytes, so it is pure
//! and tested without git; `store::sync` reads the trees and writes the result. What it
//! owns: the rules for each kind of file in a helpdesk, and the records it leaves.
//!
//! - `ticket.md`: [`crate::ticket::merge`] (field by field; a collision keeps theirs).
//! - Events, raw mail, attachments, quarantine entries: files are only ever added, so the
//!   union is taken; the same addition on both sides is one file. Two event files with
//!   one event ID are one message when both are inbound mail (the pushed copy stays),
//!   otherwise the local one gets a new ID. Two different attachments with one name: the
//!   local one is renamed and its event updated.
//! - A ticket deleted on one side and changed on the other is kept whole (a collision).
//! - A ticket added on both sides at one path that is not the same ticket (an ID clash)
//!   is moved, on the local side, to a fresh ID before anything else is merged; links
//!   to it (`parent:`, `tracker:`) that the local side wrote follow it.
//! - After the merge: a ticket solved or closed on one side while a customer's message
//!   arrived on the other is reopened (`defaults.reopen`) and flagged.
//! - Any other file (tiketti.yaml, templates): a line merge; where both sides changed the
//!   same lines, or a binary file, the pushed version stays and the path is reported.
//!   Conflict markers are never written.
//!
//! "Theirs" is always the side already pushed (the remote branch), "ours" the local one.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::ticket::codec::{Document, FmValue};
use crate::ticket::id::{event_id, is_canonical_ticket_id};
use crate::ticket::merge::{self as tmerge, FieldCollision, Touched};
use crate::ticket::{Event, StatusCategory, TICKET_KEYS, Ticket, TicketId, attachment, kind};

/// One path in the base, ours and theirs trees (`None`: absent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Three {
    pub base: Option<Vec<u8>>,
    pub ours: Option<Vec<u8>>,
    pub theirs: Option<Vec<u8>>,
    /// For a ticket.md: the keys each side's commits changed since the base.
    pub touched: Touched,
}

/// What the merge asks of the world: does a path exist in any of the three trees, and
/// random numbers for new IDs.
pub trait Env {
    /// A file or folder at `path` in the base, ours or theirs tree.
    fn exists(&self, path: &str) -> bool;
    /// The files directly in folder `dir` of the theirs tree: (path, content).
    fn theirs_files(&self, dir: &str) -> Vec<(String, Vec<u8>)>;
    fn random(&mut self) -> u64;
}

/// The config-driven parts of the merge, and who and when for the records it writes.
#[derive(Debug, Clone)]
pub struct Rules {
    statuses: HashMap<String, StatusCategory>,
    reopen: Option<String>,
    reopen_on_reply: bool,
    pub actor: String,
    pub now: DateTime<Utc>,
}

impl Rules {
    /// From the merged tiketti.yaml; without a valid one, no reopen rule applies.
    pub fn new(config: Option<&Config>, actor: &str, now: DateTime<Utc>) -> Rules {
        Rules {
            statuses: config
                .map(|c| {
                    c.statuses
                        .iter()
                        .filter_map(|s| Some((s.name.clone(), StatusCategory::parse(&s.category)?)))
                        .collect()
                })
                .unwrap_or_default(),
            reopen: config.and_then(Config::reopen_status),
            reopen_on_reply: config.is_some_and(|c| c.mail.reopen_on_reply),
            actor: actor.to_string(),
            now,
        }
    }

    fn is_done(&self, status: &str) -> bool {
        matches!(
            self.statuses.get(status),
            Some(StatusCategory::Solved | StatusCategory::Closed)
        )
    }
}

/// A field collision recorded on a ticket.
#[derive(Debug, Clone)]
pub struct Collision {
    pub ticket: TicketId,
    /// The collision event's path.
    pub event: String,
    pub record: FieldCollision,
}

/// A file outside a ticket's front matter where the pushed version was kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathCollision {
    pub path: String,
    pub message: String,
}

/// A local ticket moved to a new ID because another clone had pushed a different ticket
/// with its ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remint {
    pub old: TicketId,
    pub new: TicketId,
}

#[derive(Debug, Default)]
pub struct Outcome {
    /// The merged content of every path in the input and every path the merge added;
    /// `None`: absent from the result.
    pub files: BTreeMap<String, Option<Vec<u8>>>,
    pub collisions: Vec<Collision>,
    pub paths: Vec<PathCollision>,
    pub reminted: Vec<Remint>,
    pub reopened: Vec<TicketId>,
}

/// `tickets/AB/ID/rest` → (`tickets/AB/ID`, ID, `rest`).
fn ticket_part(path: &str) -> Option<(String, TicketId, &str)> {
    let mut parts = path.splitn(4, '/');
    let (t, shard, id, rest) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if t != "tickets" || !is_canonical_ticket_id(id) || !id.starts_with(shard) {
        return None;
    }
    let tid = TicketId::parse(id).ok()?;
    Some((format!("tickets/{shard}/{id}"), tid, rest))
}

/// `…/events/<time>-<event-id>.md` → (`<time>`, `<event-id>`).
fn event_name(rest: &str) -> Option<(&str, &str)> {
    let name = rest.strip_prefix("events/")?.strip_suffix(".md")?;
    if name.contains('/') {
        return None;
    }
    name.rsplit_once('-')
}

fn parse_event(bytes: &[u8]) -> Option<Event> {
    Event::parse(std::str::from_utf8(bytes).ok()?).ok()
}

fn is_inbound(bytes: &[u8]) -> bool {
    parse_event(bytes).is_some_and(|e| e.kind == kind::INBOUND)
}

/// An inbound message a person sent (not an auto-reply, bounce or list mail).
fn is_customer_message(bytes: &[u8]) -> bool {
    parse_event(bytes).is_some_and(|e| {
        e.kind == kind::INBOUND
            && e.doc
                .get_str("auto")
                .ok()
                .flatten()
                .is_none_or(|a| a.is_empty())
    })
}

/// The Message-ID of an outbound event.
fn outbound_message_id(bytes: &[u8]) -> Option<String> {
    let e = parse_event(bytes)?;
    if e.kind != kind::OUTBOUND {
        return None;
    }
    e.doc
        .get_str("message_id")
        .ok()
        .flatten()
        .filter(|m| !m.is_empty())
}

fn text(bytes: &[u8]) -> Option<&str> {
    std::str::from_utf8(bytes)
        .ok()
        .filter(|s| !s.contains('\0'))
}

/// Merge the changed paths of two commits. `input` holds every path that differs between
/// the base and either side.
pub fn merge(mut input: BTreeMap<String, Three>, rules: &Rules, env: &mut dyn Env) -> Outcome {
    let mut out = Outcome {
        reminted: remint_clashes(&mut input, env),
        ..Outcome::default()
    };
    let mut dirs: BTreeMap<String, (TicketId, Vec<String>)> = BTreeMap::new();
    for path in input.keys() {
        match ticket_part(path) {
            Some((dir, id, _)) => dirs
                .entry(dir)
                .or_insert((id, Vec::new()))
                .1
                .push(path.clone()),
            None => {
                let (result, collision) = merge_plain(path, &input[path]);
                out.files.insert(path.clone(), result);
                out.paths.extend(collision);
            }
        }
    }
    for (dir, (id, paths)) in dirs {
        merge_ticket_dir(&dir, &id, &paths, &input, rules, env, &mut out);
    }
    out
}

/// Any file outside a ticket folder, and the fallback for files inside one.
pub fn merge_plain(path: &str, three: &Three) -> (Option<Vec<u8>>, Option<PathCollision>) {
    let Three {
        base, ours, theirs, ..
    } = three;
    if ours == base || ours == theirs {
        return (theirs.clone(), None);
    }
    if theirs == base {
        return (ours.clone(), None);
    }
    // Quarantine entries are named by their bytes: the same message quarantined on two
    // clones differs only in when and from where.
    if path.starts_with("quarantine/") {
        return (theirs.clone().or_else(|| ours.clone()), None);
    }
    let collision = |message: &str| {
        Some(PathCollision {
            path: path.to_string(),
            message: message.to_string(),
        })
    };
    match (ours, theirs) {
        (Some(o), Some(t)) => {
            let b = base.as_deref().unwrap_or_default();
            match (text(b), text(o), text(t)) {
                (Some(b), Some(o), Some(t)) => {
                    let m = tmerge::merge_lines(b, o, t);
                    if m.conflicts == 0 {
                        (Some(m.text.into_bytes()), None)
                    } else {
                        (
                            Some(m.text.into_bytes()),
                            collision(&format!(
                                "both clones changed the same lines ({} place{}); the pushed lines were kept",
                                m.conflicts,
                                if m.conflicts == 1 { "" } else { "s" }
                            )),
                        )
                    }
                }
                _ => (
                    Some(t.clone()),
                    collision("a binary file changed on both clones; the pushed version was kept"),
                ),
            }
        }
        (Some(o), None) => (
            Some(o.clone()),
            collision("deleted on the pushed side but changed here; the file was kept"),
        ),
        (None, Some(t)) => (
            Some(t.clone()),
            collision("deleted here but changed on the pushed side; the file was kept"),
        ),
        (None, None) => (None, None),
    }
}

/// Find tickets both sides added at one path that are not the same ticket, and move the
/// local one to a fresh ID. The same message taken in on two clones names the same
/// ticket and the same inbound event: that is one ticket, not a clash.
fn remint_clashes(input: &mut BTreeMap<String, Three>, env: &mut dyn Env) -> Vec<Remint> {
    let mut clashes = Vec::new();
    for (path, three) in input.iter() {
        let Some((dir, id, "ticket.md")) = ticket_part(path) else {
            continue;
        };
        let (None, Some(o), Some(t)) = (&three.base, &three.ours, &three.theirs) else {
            continue;
        };
        if o == t {
            continue;
        }
        let added_inbound = |side: fn(&Three) -> &Option<Vec<u8>>| -> HashSet<String> {
            input
                .range(format!("{dir}/events/")..)
                .take_while(|(p, _)| p.starts_with(&format!("{dir}/events/")))
                .filter(|(_, th)| th.base.is_none())
                .filter_map(|(p, th)| {
                    let bytes = side(th).as_ref()?;
                    let (_, eid) = event_name(&p[dir.len() + 1..])?;
                    is_inbound(bytes).then(|| eid.to_string())
                })
                .collect()
        };
        let same = !added_inbound(|t| &t.ours).is_disjoint(&added_inbound(|t| &t.theirs));
        if !same {
            clashes.push((dir, id));
        }
    }
    let mut reminted = Vec::new();
    for (dir, old) in clashes {
        let new = loop {
            let candidate = TicketId::from_bits(env.random());
            let cdir = candidate.dir();
            if !env.exists(&cdir) && !input.keys().any(|p| p.starts_with(&format!("{cdir}/"))) {
                break candidate;
            }
        };
        let new_dir = new.dir();
        let moved: Vec<String> = input
            .range(format!("{dir}/")..)
            .take_while(|(p, _)| p.starts_with(&format!("{dir}/")))
            .filter(|(_, th)| th.base.is_none() && th.ours.is_some())
            .map(|(p, _)| p.clone())
            .collect();
        for path in moved {
            let Some(three) = input.get_mut(&path) else {
                continue;
            };
            let Some(mut bytes) = three.ours.take() else {
                continue;
            };
            let rest = &path[dir.len() + 1..];
            // The ID in the never-pushed text files; customer bytes (raw mail,
            // attachments) are left as they came.
            if (rest == "ticket.md" || rest.starts_with("events/"))
                && let Ok(s) = std::str::from_utf8(&bytes)
            {
                bytes = s.replace(old.as_str(), new.as_str()).into_bytes();
            }
            input.insert(
                format!("{new_dir}/{rest}"),
                Three {
                    ours: Some(bytes),
                    ..Three::default()
                },
            );
        }
        // Links the local side wrote to the old ID meant the local ticket.
        for (path, three) in input.iter_mut() {
            if !path.ends_with("/ticket.md") || path.starts_with(&format!("{new_dir}/")) {
                continue;
            }
            let Some(o) = &three.ours else { continue };
            if three.ours == three.base {
                continue;
            }
            let Some(mut doc) = std::str::from_utf8(o)
                .ok()
                .and_then(|s| Document::parse(s).ok())
            else {
                continue;
            };
            let base_doc = three
                .base
                .as_deref()
                .and_then(|b| std::str::from_utf8(b).ok())
                .and_then(|s| Document::parse(s).ok());
            let names_old = |d: &Document, key: &str| {
                d.get_str(key)
                    .ok()
                    .flatten()
                    .and_then(|v| TicketId::parse(&v).ok())
                    .is_some_and(|v| v == old)
            };
            let mut changed = false;
            for key in ["parent", "tracker"] {
                if names_old(&doc, key) && !base_doc.as_ref().is_some_and(|b| names_old(b, key)) {
                    doc.set(key, FmValue::Str(new.to_string()), TICKET_KEYS);
                    changed = true;
                }
            }
            if changed {
                three.ours = Some(doc.render().into_bytes());
            }
        }
        reminted.push(Remint { old, new });
    }
    reminted
}

fn side(three: &Three, ours: bool) -> &Option<Vec<u8>> {
    if ours { &three.ours } else { &three.theirs }
}

fn changed(three: &Three, ours: bool) -> bool {
    side(three, ours) != &three.base
}

/// A fresh file name in a ticket folder: `make(candidate)` until nothing has that path.
fn fresh_path(
    env: &mut dyn Env,
    input: &BTreeMap<String, Three>,
    files: &BTreeMap<String, Option<Vec<u8>>>,
    mut make: impl FnMut(&mut dyn Env) -> String,
) -> String {
    loop {
        let p = make(env);
        if !env.exists(&p) && !input.contains_key(&p) && !files.contains_key(&p) {
            return p;
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn merge_ticket_dir(
    dir: &str,
    id: &TicketId,
    paths: &[String],
    input: &BTreeMap<String, Three>,
    rules: &Rules,
    env: &mut dyn Env,
    out: &mut Outcome,
) {
    let ticket_path = format!("{dir}/ticket.md");
    let ticket = input.get(&ticket_path);
    let deleted = |ours: bool| ticket.is_some_and(|t| t.base.is_some() && side(t, ours).is_none());
    let touched = |ours: bool| paths.iter().any(|p| changed(&input[p], ours));
    let mut files: BTreeMap<String, Option<Vec<u8>>> = BTreeMap::new();
    let mut collisions: Vec<FieldCollision> = Vec::new();

    // Deleted on one side, changed on the other: keep the whole ticket, each file as the
    // side that kept it has it.
    let keeper = match (deleted(true), deleted(false)) {
        (true, false) if touched(false) => Some(false),
        (false, true) if touched(true) => Some(true),
        _ => None,
    };
    if let Some(keep_ours) = keeper {
        for p in paths {
            let th = &input[p];
            let kept = side(th, keep_ours);
            let other = side(th, !keep_ours);
            let v = if kept != &th.base {
                kept.clone()
            } else if other.is_some() {
                other.clone()
            } else {
                th.base.clone()
            };
            files.insert(p.clone(), v);
        }
        let (o, t) = if keep_ours {
            (tmerge::KEPT, tmerge::DELETED)
        } else {
            (tmerge::DELETED, tmerge::KEPT)
        };
        collisions.push(FieldCollision {
            field: tmerge::TICKET.to_string(),
            base: None,
            ours: Some(o.to_string()),
            theirs: Some(t.to_string()),
            kept: Some(tmerge::KEPT.to_string()),
            reason: None,
        });
    } else {
        merge_files(
            dir,
            paths,
            input,
            env,
            &mut files,
            &mut collisions,
            &mut out.paths,
        );
    }

    reopen_on_reply(
        dir,
        id,
        paths,
        input,
        rules,
        &mut files,
        &mut collisions,
        out,
    );
    reflag(dir, paths, input, env, &mut files);

    if !collisions.is_empty() {
        let current = files
            .get(&ticket_path)
            .cloned()
            .unwrap_or_else(|| ticket.and_then(|t| t.theirs.clone()));
        match current
            .as_deref()
            .and_then(|b| std::str::from_utf8(b).ok())
            .and_then(|s| Document::parse(s).ok())
        {
            Some(mut doc) => {
                tmerge::flag(&mut doc, collisions.iter().map(|c| c.field.as_str()));
                files.insert(ticket_path.clone(), Some(doc.render().into_bytes()));
                let stamp = rules.now.format("%Y%m%dT%H%M%SZ").to_string();
                for c in collisions {
                    let path = fresh_path(env, input, &files, |env| {
                        format!("{dir}/events/{stamp}-{}.md", event_id(env.random()))
                    });
                    let eid = event_name(&path[dir.len() + 1..])
                        .map(|(_, e)| e.to_string())
                        .unwrap_or_default();
                    let event = c.to_event(id, eid, &rules.actor, rules.now);
                    files.insert(path.clone(), Some(event.render().into_bytes()));
                    out.collisions.push(Collision {
                        ticket: id.clone(),
                        event: path,
                        record: c,
                    });
                }
            }
            None => out.paths.push(PathCollision {
                path: ticket_path.clone(),
                message: format!(
                    "does not parse, so its collisions ({}) could not be recorded in it",
                    collisions
                        .iter()
                        .map(|c| c.field.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }),
        }
    }
    out.files.extend(files);
}

/// The ordinary case: every file of the ticket folder by its own rule.
fn merge_files(
    dir: &str,
    paths: &[String],
    input: &BTreeMap<String, Three>,
    env: &mut dyn Env,
    files: &mut BTreeMap<String, Option<Vec<u8>>>,
    collisions: &mut Vec<FieldCollision>,
    path_collisions: &mut Vec<PathCollision>,
) {
    let both_added = |th: &Three| {
        th.base.is_none() && th.ours.is_some() && th.theirs.is_some() && th.ours != th.theirs
    };
    // Attachments first: a local file renamed away from a clash changes the events that
    // name it.
    let mut renamed: HashMap<String, String> = HashMap::new();
    for p in paths {
        let th = &input[p];
        let rest = &p[dir.len() + 1..];
        let Some(name) = rest.strip_prefix("attachments/") else {
            continue;
        };
        if !both_added(th) {
            continue;
        }
        let mut taken: HashSet<String> = HashSet::from([name.to_lowercase()]);
        let new = fresh_path(env, input, files, |_| {
            format!("{dir}/attachments/{}", attachment::unique(name, &mut taken))
        });
        files.insert(p.clone(), th.theirs.clone());
        files.insert(new.clone(), th.ours.clone());
        renamed.insert(
            name.to_string(),
            new[dir.len() + "/attachments/".len()..].to_string(),
        );
    }
    // Event IDs the pushed side added, to recognise one message taken in twice under
    // two file names (the time in the name is when each clone took it in).
    let theirs_events: HashMap<String, &String> = paths
        .iter()
        .filter(|p| input[*p].base.is_none() && input[*p].theirs.is_some())
        .filter_map(|p| Some((event_name(&p[dir.len() + 1..])?.1.to_string(), p)))
        .collect();
    // Outgoing messages the pushed side added, by Message-ID: one message queued on two
    // clones (the acknowledgement of one customer message taken in twice) is sent once.
    let theirs_outbound: HashSet<String> = paths
        .iter()
        .filter(|p| input[*p].base.is_none() && event_name(&p[dir.len() + 1..]).is_some())
        .filter_map(|p| outbound_message_id(input[p].theirs.as_deref()?))
        .collect();
    for p in paths {
        if files.contains_key(p) {
            continue;
        }
        let th = &input[p];
        let rest = &p[dir.len() + 1..];
        if th.base.is_none()
            && th.ours != th.theirs
            && event_name(rest).is_some()
            && th
                .ours
                .as_deref()
                .and_then(outbound_message_id)
                .is_some_and(|m| theirs_outbound.contains(&m))
        {
            // Never pushed, so never sent: the pushed copy stays.
            files.insert(p.clone(), th.theirs.clone());
            continue;
        }
        if rest == "ticket.md" {
            // A side whose file is back at the base may still have changed a field and
            // changed it back; then the field merge decides.
            let result = match (&th.base, &th.ours, &th.theirs) {
                (_, o, t) if o == t => t.clone(),
                (b, o, t) if o == b && th.touched.ours.is_empty() => t.clone(),
                (b, o, t) if t == b && th.touched.theirs.is_empty() => o.clone(),
                (b, Some(o), Some(t)) => {
                    let as_text = |x: &[u8]| std::str::from_utf8(x).ok().map(str::to_string);
                    let merged = match (b.as_deref().map(as_text), as_text(o), as_text(t)) {
                        (Some(None), _, _) | (_, None, _) | (_, _, None) => None,
                        (b, Some(o), Some(t)) => {
                            tmerge::merge_ticket(b.flatten().as_deref(), &o, &t, &th.touched).ok()
                        }
                    };
                    match merged {
                        Some(m) => {
                            collisions.extend(m.collisions);
                            Some(m.doc.render().into_bytes())
                        }
                        None => {
                            let (r, c) = merge_plain(p, th);
                            path_collisions.extend(c);
                            r
                        }
                    }
                }
                _ => {
                    let (r, c) = merge_plain(p, th);
                    path_collisions.extend(c);
                    r
                }
            };
            files.insert(p.clone(), result);
            continue;
        }
        // A local event that names a renamed attachment is rewritten (it was never
        // pushed, so nobody has seen it).
        let mut ours = th.ours.clone();
        if let (Some(bytes), Some(_)) = (&th.ours, event_name(rest))
            && th.base.is_none()
            && !renamed.is_empty()
            && let Some(mut e) = parse_event(bytes)
            && e.attachments.iter().any(|a| renamed.contains_key(a))
        {
            let names = e
                .attachments
                .iter()
                .map(|a| renamed.get(a).cloned().unwrap_or_else(|| a.clone()))
                .collect();
            e.set_attachments(names);
            ours = Some(e.render().into_bytes());
        }
        if let (Some((stamp, eid)), None, Some(o)) = (event_name(rest), &th.base, &ours)
            && Some(o) != th.theirs.as_ref()
            && let Some(tp) = theirs_events
                .get(eid)
                .copied()
                .or(th.theirs.as_ref().map(|_| p))
        {
            let t_bytes = input[tp].theirs.as_deref().unwrap_or_default();
            if is_inbound(o) && is_inbound(t_bytes) {
                // One message, taken in on both clones: the pushed copy stays.
                files.insert(p.clone(), th.theirs.clone());
                continue;
            }
            // Two different events with one ID: the local one gets a new ID.
            let new = fresh_path(env, input, files, |env| {
                format!("{dir}/events/{stamp}-{}.md", event_id(env.random()))
            });
            let new_id = event_name(&new[dir.len() + 1..])
                .map(|(_, e)| e.to_string())
                .unwrap_or_default();
            let bytes = match std::str::from_utf8(o)
                .ok()
                .and_then(|s| Event::parse(s).ok())
            {
                Some(mut e) => {
                    e.doc
                        .set("id", FmValue::Str(new_id), crate::ticket::EVENT_KEYS);
                    e.render().into_bytes()
                }
                None => String::from_utf8_lossy(o)
                    .replace(eid, &new_id)
                    .into_bytes(),
            };
            files.insert(p.clone(), th.theirs.clone());
            files.insert(new, Some(bytes));
            continue;
        }
        let th = Three {
            base: th.base.clone(),
            ours,
            theirs: th.theirs.clone(),
            touched: Touched::default(),
        };
        let result = match (&th.base, &th.ours, &th.theirs) {
            (b, o, t) if o == b || o == t => t.clone(),
            (b, o, t) if t == b => o.clone(),
            // Raw mail is named by the message: one message, the pushed bytes stay.
            (None, Some(_), Some(t)) if rest.starts_with("raw/") => Some(t.clone()),
            _ => {
                let (r, c) = merge_plain(p, &th);
                path_collisions.extend(c);
                r
            }
        };
        files.insert(p.clone(), result);
    }
}

/// When either side added a collision or resolution event, the `collisions:` flag is
/// made to agree with the merged events: a field one clone settled while another
/// recorded a new collision on it stays flagged, and a field whose every record is settled
/// is not.
fn reflag(
    dir: &str,
    paths: &[String],
    input: &BTreeMap<String, Three>,
    env: &dyn Env,
    files: &mut BTreeMap<String, Option<Vec<u8>>>,
) {
    let records_added = paths.iter().any(|p| {
        let th = &input[p];
        th.base.is_none()
            && event_name(&p[dir.len() + 1..]).is_some()
            && [&th.ours, &th.theirs].into_iter().flatten().any(|b| {
                parse_event(b)
                    .is_some_and(|e| e.kind == kind::COLLISION || e.kind == kind::RESOLUTION)
            })
    });
    let ticket_path = format!("{dir}/ticket.md");
    if !records_added {
        return;
    }
    let mut events: BTreeMap<String, Vec<u8>> = env
        .theirs_files(&format!("{dir}/events"))
        .into_iter()
        .collect();
    for (p, content) in files.iter() {
        if event_name(&p[dir.len() + 1..]).is_none() {
            continue;
        }
        match content {
            Some(b) => events.insert(p.clone(), b.clone()),
            None => events.remove(p),
        };
    }
    let parsed: Vec<(String, Event)> = events
        .iter()
        .filter_map(|(p, b)| Some((p.clone(), parse_event(b)?)))
        .collect();
    let open = tmerge::unsettled(parsed.iter().map(|(p, e)| (p.as_str(), e)));
    let recorded: HashSet<String> = parsed
        .iter()
        .filter_map(|(_, e)| FieldCollision::from_event(e).map(|c| c.field))
        .collect();
    let current = match files.get(&ticket_path) {
        Some(c) => c.clone(),
        None => input.get(&ticket_path).and_then(|t| t.theirs.clone()),
    };
    let Some(mut doc) = current
        .as_deref()
        .and_then(|b| std::str::from_utf8(b).ok())
        .and_then(|s| Document::parse(s).ok())
    else {
        return;
    };
    let before = doc.render();
    let flagged = doc.get_list(tmerge::FLAG_KEY).unwrap_or_default();
    for f in &flagged {
        if recorded.contains(f) && !open.iter().any(|u| &u.record.field == f) {
            tmerge::unflag(&mut doc, f);
        }
    }
    tmerge::flag(&mut doc, open.iter().map(|u| u.record.field.as_str()));
    let after = doc.render();
    if after != before {
        files.insert(ticket_path, Some(after.into_bytes()));
    }
}

/// DESIGN.md §7: a ticket solved or closed on one side while a customer's message arrived
/// on the other must not stay solved with an unanswered message.
#[allow(clippy::too_many_arguments)]
fn reopen_on_reply(
    dir: &str,
    id: &TicketId,
    paths: &[String],
    input: &BTreeMap<String, Three>,
    rules: &Rules,
    files: &mut BTreeMap<String, Option<Vec<u8>>>,
    collisions: &mut Vec<FieldCollision>,
    out: &mut Outcome,
) {
    let ticket_path = format!("{dir}/ticket.md");
    let Some(three) = input.get(&ticket_path) else {
        return;
    };
    let parse = |b: &Option<Vec<u8>>| {
        b.as_deref()
            .and_then(|b| std::str::from_utf8(b).ok())
            .and_then(|s| Ticket::parse(s).ok())
    };
    let Some(merged) = parse(files.get(&ticket_path).unwrap_or(&None)) else {
        return;
    };
    if !rules.is_done(&merged.status) {
        return;
    }
    // A message one side added that the other side does not have (after the merge of
    // one message taken in twice, it is on both).
    let new_message_on = |ours: bool| {
        paths.iter().any(|p| {
            let th = &input[p];
            let Some(bytes) = side(th, ours) else {
                return false;
            };
            let Some((_, eid)) = event_name(&p[dir.len() + 1..]) else {
                return false;
            };
            let other_has = paths.iter().any(|q| {
                side(&input[q], !ours).is_some()
                    && event_name(&q[dir.len() + 1..]).is_some_and(|(_, e)| e == eid)
            });
            th.base.is_none() && !other_has && is_customer_message(bytes)
        })
    };
    let sides = [(true, parse(&three.ours)), (false, parse(&three.theirs))];
    let open_with_message = sides.iter().any(|(ours, t)| {
        t.as_ref()
            .is_some_and(|t| !rules.is_done(&t.status) && new_message_on(*ours))
    });
    if !open_with_message {
        return;
    }
    let reopen = rules.reopen.clone().filter(|_| rules.reopen_on_reply);
    let done_status = merged.status.clone();
    let kept = reopen.clone().unwrap_or_else(|| done_status.clone());
    let reason = match &reopen {
        Some(to) => format!(
            "A customer's message arrived on one clone while the ticket was {done_status} on another; it was reopened as {to}"
        ),
        None => format!(
            "A customer's message arrived on one clone while the ticket was {done_status} on another; it stays {done_status} (mail.reopen_on_reply is off): answer the customer"
        ),
    };
    let text = |b: &Option<Vec<u8>>| parse(b).map(|t| t.status);
    collisions.retain(|c| c.field != "status");
    collisions.push(FieldCollision {
        field: "status".to_string(),
        base: text(&three.base),
        ours: text(&three.ours),
        theirs: text(&three.theirs),
        kept: Some(kept.clone()),
        reason: Some(reason),
    });
    if let Some(to) = reopen {
        let mut t = merged;
        if t.set_str("status", Some(&to)).is_ok() {
            files.insert(ticket_path, Some(t.render().into_bytes()));
            out.reopened.push(id.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ticket::parse_time;

    struct TestEnv {
        taken: Vec<String>,
        theirs: Vec<(String, Vec<u8>)>,
        n: u64,
    }

    impl Env for TestEnv {
        fn theirs_files(&self, dir: &str) -> Vec<(String, Vec<u8>)> {
            self.theirs
                .iter()
                .filter(|(p, _)| p.rsplit_once('/').is_some_and(|(d, _)| d == dir))
                .cloned()
                .collect()
        }
        fn exists(&self, path: &str) -> bool {
            self.taken
                .iter()
                .any(|t| t == path || t.starts_with(&format!("{path}/")))
        }
        fn random(&mut self) -> u64 {
            self.n += 1;
            self.n * 0x1234_5678_9ABC
        }
    }

    fn env() -> TestEnv {
        TestEnv {
            taken: Vec::new(),
            theirs: Vec::new(),
            n: 0,
        }
    }

    fn rules() -> Rules {
        let config = Config::parse(crate::config::DEFAULT_TEXT).unwrap();
        Rules::new(
            Some(&config),
            "bo",
            parse_time("2026-11-23T08:00:00Z").unwrap(),
        )
    }

    const ID: &str = "7KQ3F9XM";
    const DIR: &str = "tickets/7K/7KQ3F9XM";

    fn ticket(status: &str, extra: &str) -> Vec<u8> {
        format!(
            "---\nid: {ID}\nsubject: Printer\nstatus: {status}\n{extra}created: 2026-11-22T10:00:00Z\n---\nIt jams.\n"
        )
        .into_bytes()
    }

    fn note(eid: &str, text: &str) -> Vec<u8> {
        format!("---\nid: {eid}\nkind: note\nauthor: anna\nat: 2026-11-22T11:00:00Z\n---\n{text}\n")
            .into_bytes()
    }

    fn inbound(eid: &str, auto: bool) -> Vec<u8> {
        format!(
            "---\nid: {eid}\nkind: inbound\nauthor: matti@x.fi\nat: 2026-11-22T11:00:00Z\nfrom: matti@x.fi\n{}raw: raw/{eid}.eml\n---\nHello?\n",
            if auto { "auto: auto-reply\n" } else { "" }
        )
        .into_bytes()
    }

    fn three(b: Option<Vec<u8>>, o: Option<Vec<u8>>, t: Option<Vec<u8>>) -> Three {
        Three {
            base: b,
            ours: o,
            theirs: t,
            touched: Touched::default(),
        }
    }

    fn added(o: Option<Vec<u8>>, t: Option<Vec<u8>>) -> Three {
        three(None, o, t)
    }

    fn get(out: &Outcome, path: &str) -> String {
        String::from_utf8(out.files[path].clone().expect(path)).unwrap()
    }

    #[test]
    fn merge_events_are_a_union_and_identical_additions_are_one() {
        let mut input = BTreeMap::new();
        let a = format!("{DIR}/events/20261122T110000Z-AAAAAAAAAA.md");
        let b = format!("{DIR}/events/20261122T110000Z-BBBBBBBBBB.md");
        let c = format!("{DIR}/events/20261122T110000Z-CCCCCCCCCC.md");
        input.insert(a.clone(), added(Some(note("AAAAAAAAAA", "ours")), None));
        input.insert(b.clone(), added(None, Some(note("BBBBBBBBBB", "theirs"))));
        input.insert(
            c.clone(),
            added(
                Some(note("CCCCCCCCCC", "both")),
                Some(note("CCCCCCCCCC", "both")),
            ),
        );
        let out = merge(input, &rules(), &mut env());
        assert!(get(&out, &a).contains("ours"));
        assert!(get(&out, &b).contains("theirs"));
        assert!(get(&out, &c).contains("both"));
        assert!(out.collisions.is_empty() && out.paths.is_empty());
    }

    #[test]
    fn merge_one_message_taken_in_on_two_clones_is_one_ticket_and_one_event() {
        let mut input = BTreeMap::new();
        let ours_t = ticket("new", "");
        let theirs_t = String::from_utf8(ticket("new", ""))
            .unwrap()
            .replace("2026-11-22T10:00:00Z", "2026-11-22T10:05:00Z")
            .into_bytes();
        input.insert(
            format!("{DIR}/ticket.md"),
            added(Some(ours_t), Some(theirs_t)),
        );
        let ours_e = format!("{DIR}/events/20261122T100000Z-MMMMMMMMMM.md");
        let theirs_e = format!("{DIR}/events/20261122T100500Z-MMMMMMMMMM.md");
        input.insert(
            ours_e.clone(),
            added(Some(inbound("MMMMMMMMMM", false)), None),
        );
        input.insert(
            theirs_e.clone(),
            added(None, Some(inbound("MMMMMMMMMM", false))),
        );
        input.insert(
            format!("{DIR}/raw/MMMMMMMMMM.eml"),
            added(
                Some(b"Received: a\n\nhi".to_vec()),
                Some(b"Received: b\n\nhi".to_vec()),
            ),
        );
        let out = merge(input, &rules(), &mut env());
        assert!(out.reminted.is_empty(), "{:?}", out.reminted);
        assert_eq!(out.files[&ours_e], None, "the local copy goes");
        assert!(out.files[&theirs_e].is_some());
        assert_eq!(
            out.files[&format!("{DIR}/raw/MMMMMMMMMM.eml")].as_deref(),
            Some(&b"Received: b\n\nhi"[..])
        );
        let t = get(&out, &format!("{DIR}/ticket.md"));
        assert!(
            t.contains("created: 2026-11-22T10:00:00Z"),
            "the earlier: {t}"
        );
        assert!(out.collisions.is_empty(), "{:?}", out.collisions);
    }

    #[test]
    fn merge_an_id_clash_remints_the_local_ticket_and_its_links() {
        let mut input = BTreeMap::new();
        let ours_t = String::from_utf8(ticket("new", ""))
            .unwrap()
            .replace("Printer", "Ours");
        input.insert(
            format!("{DIR}/ticket.md"),
            added(Some(ours_t.into_bytes()), Some(ticket("new", ""))),
        );
        let ne = format!("{DIR}/events/20261122T110000Z-AAAAAAAAAA.md");
        input.insert(
            ne.clone(),
            added(Some(note("AAAAAAAAAA", &format!("see {ID}"))), None),
        );
        input.insert(
            format!("{DIR}/attachments/log.txt"),
            added(Some(b"log".to_vec()), None),
        );
        // A local child of the local ticket, and a pushed child of the pushed one.
        let child = "tickets/CH/CHCHCHCH/ticket.md";
        let child_text = format!(
            "---\nid: CHCHCHCH\nsubject: Child\nstatus: new\nparent: {ID}\ncreated: 2026-11-22T10:00:00Z\n---\n"
        );
        input.insert(
            child.into(),
            added(Some(child_text.clone().into_bytes()), None),
        );
        let other = "tickets/TH/THTHTHTH/ticket.md";
        input.insert(
            other.into(),
            added(
                None,
                Some(child_text.replace("CHCHCHCH", "THTHTHTH").into_bytes()),
            ),
        );
        let out = merge(input, &rules(), &mut env());
        assert_eq!(out.reminted.len(), 1);
        let new = out.reminted[0].new.clone();
        assert_eq!(out.reminted[0].old.as_str(), ID);
        assert!(get(&out, &format!("{DIR}/ticket.md")).contains("subject: Printer"));
        assert_eq!(out.files[&ne], None);
        let moved = get(&out, &format!("{}/ticket.md", new.dir()));
        assert!(
            moved.contains(&format!("id: {new}")) && moved.contains("Ours"),
            "{moved}"
        );
        let moved_note = get(
            &out,
            &format!("{}/events/20261122T110000Z-AAAAAAAAAA.md", new.dir()),
        );
        assert!(moved_note.contains(&format!("see {new}")), "{moved_note}");
        assert!(out.files[&format!("{}/attachments/log.txt", new.dir())].is_some());
        assert!(get(&out, child).contains(&format!("parent: {new}")));
        assert!(
            get(&out, other).contains(&format!("parent: {ID}")),
            "a pushed link is not touched"
        );
        assert!(out.collisions.is_empty());
    }

    #[test]
    fn merge_delete_against_change_keeps_the_whole_ticket() {
        let mut input = BTreeMap::new();
        let tp = format!("{DIR}/ticket.md");
        let ev = format!("{DIR}/events/20261122T110000Z-AAAAAAAAAA.md");
        let nv = format!("{DIR}/events/20261122T120000Z-NNNNNNNNNN.md");
        input.insert(
            tp.clone(),
            three(Some(ticket("open", "")), None, Some(ticket("open", ""))),
        );
        input.insert(
            ev.clone(),
            three(
                Some(note("AAAAAAAAAA", "old")),
                None,
                Some(note("AAAAAAAAAA", "old")),
            ),
        );
        input.insert(nv.clone(), added(None, Some(note("NNNNNNNNNN", "new"))));
        let out = merge(input, &rules(), &mut env());
        assert!(get(&out, &ev).contains("old"), "restored");
        assert!(get(&out, &nv).contains("new"));
        let t = get(&out, &tp);
        assert!(t.contains("collisions: [ticket]"), "{t}");
        assert_eq!(out.collisions.len(), 1);
        assert_eq!(
            out.collisions[0].record.ours.as_deref(),
            Some(tmerge::DELETED)
        );
        let event = get(&out, &out.collisions[0].event);
        assert!(
            event.contains("kind: collision") && event.contains("field: ticket"),
            "{event}"
        );
        // Deleted on one side, untouched on the other: deleted.
        let mut input = BTreeMap::new();
        input.insert(
            tp.clone(),
            three(Some(ticket("open", "")), None, Some(ticket("open", ""))),
        );
        let out = merge(input, &rules(), &mut env());
        assert_eq!(out.files[&tp], None);
    }

    #[test]
    fn merge_field_collision_writes_event_and_flag() {
        let mut input = BTreeMap::new();
        let tp = format!("{DIR}/ticket.md");
        input.insert(
            tp.clone(),
            three(
                Some(ticket("open", "assignee: anna\n")),
                Some(ticket("open", "assignee: bo\n")),
                Some(ticket("open", "assignee: cy\n")),
            ),
        );
        let out = merge(input, &rules(), &mut env());
        let t = get(&out, &tp);
        assert!(
            t.contains("assignee: cy\n") && t.contains("collisions: [assignee]\n"),
            "{t}"
        );
        let c = &out.collisions[0];
        assert!(
            c.event
                .starts_with(&format!("{DIR}/events/20261123T080000Z-"))
        );
        let e = Event::parse(&get(&out, &c.event)).unwrap();
        assert_eq!(
            FieldCollision::from_event(&e).unwrap().ours.as_deref(),
            Some("bo")
        );
        assert_eq!(e.author.as_deref(), Some("bo"));
    }

    #[test]
    fn merge_solved_against_a_customer_reply_reopens() {
        let tp = format!("{DIR}/ticket.md");
        let reply = format!("{DIR}/events/20261122T110000Z-RRRRRRRRRR.md");
        let case = |theirs_solved: bool, auto: bool| {
            let mut input = BTreeMap::new();
            let (o, t) = if theirs_solved {
                (ticket("open", ""), ticket("solved", ""))
            } else {
                (ticket("solved", ""), ticket("open", ""))
            };
            input.insert(
                tp.clone(),
                three(Some(ticket("open", "")), Some(o), Some(t)),
            );
            let e = Some(inbound("RRRRRRRRRR", auto));
            input.insert(
                reply.clone(),
                if theirs_solved {
                    added(e, None)
                } else {
                    added(None, e)
                },
            );
            merge(input, &rules(), &mut env())
        };
        for theirs_solved in [true, false] {
            let out = case(theirs_solved, false);
            let t = get(&out, &tp);
            assert!(
                t.contains("status: open\n") && t.contains("collisions: [status]"),
                "{t}"
            );
            assert_eq!(out.reopened.len(), 1);
            let r = &out.collisions[0].record;
            assert_eq!(r.kept.as_deref(), Some("open"));
            assert!(r.reason.as_deref().unwrap().contains("reopened as open"));
        }
        // An auto-reply does not reopen anything.
        let out = case(true, true);
        assert!(get(&out, &tp).contains("status: solved\n"));
        assert!(out.collisions.is_empty());
    }

    #[test]
    fn merge_a_settled_field_with_a_new_collision_stays_flagged() {
        let tp = format!("{DIR}/ticket.md");
        let old = format!("{DIR}/events/20261122T110000Z-CCCCCCCCCC.md");
        let collision = |eid: &str, ours: &str| {
            FieldCollision {
                field: "priority".into(),
                base: None,
                ours: Some(ours.into()),
                theirs: Some("high".into()),
                kept: Some("high".into()),
                reason: None,
            }
            .to_event(&TicketId::parse(ID).unwrap(), eid.into(), "bo", rules().now)
            .render()
            .into_bytes()
        };
        let flagged = ticket("open", "priority: high\ncollisions: [priority]\n");
        let settled = ticket("open", "priority: low\n");
        // Theirs settled the old collision; ours recorded a new one on the same field.
        let mut input = BTreeMap::new();
        input.insert(
            tp.clone(),
            three(
                Some(flagged.clone()),
                Some(flagged.clone()),
                Some(settled.clone()),
            ),
        );
        let resolution = tmerge::resolution_event(
            "priority",
            tmerge::Choice::Ours,
            Some("low"),
            vec!["CCCCCCCCCC".into()],
            "RRRRRRRRRR".into(),
            "anna",
            rules().now,
        );
        let rp = format!("{DIR}/events/20261123T080000Z-RRRRRRRRRR.md");
        input.insert(
            rp.clone(),
            added(None, Some(resolution.render().into_bytes())),
        );
        let np = format!("{DIR}/events/20261123T070000Z-NNNNNNNNNN.md");
        input.insert(
            np.clone(),
            added(Some(collision("NNNNNNNNNN", "urgent")), None),
        );
        let mut e = env();
        e.theirs = vec![
            (old.clone(), collision("CCCCCCCCCC", "low")),
            (rp.clone(), resolution.render().into_bytes()),
        ];
        let out = merge(input, &rules(), &mut e);
        let t = get(&out, &tp);
        assert!(
            t.contains("collisions: [priority]"),
            "the new record keeps the flag: {t}"
        );
        // Without the new record the settled field is not flagged.
        let mut input = BTreeMap::new();
        input.insert(
            tp.clone(),
            three(Some(flagged.clone()), Some(flagged), Some(settled)),
        );
        input.insert(rp, added(None, Some(resolution.render().into_bytes())));
        let out = merge(input, &rules(), &mut e);
        assert!(!get(&out, &tp).contains("collisions"));
    }

    #[test]
    fn merge_one_outgoing_message_queued_on_two_clones_is_one() {
        let out = |eid: &str, at: &str| {
            format!(
                "---\nid: {eid}\nkind: outbound\nauthor: tiketti\nat: {at}\nmessage_id: tiketti.{ID}.X@example.com\nauto: acknowledgement\n---\nThanks.\n"
            )
            .into_bytes()
        };
        let mut input = BTreeMap::new();
        let o = format!("{DIR}/events/20261122T101001Z-OOOOOOOOOO.md");
        let t = format!("{DIR}/events/20261122T100001Z-TTTTTTTTTT.md");
        let other = format!("{DIR}/events/20261122T100002Z-NNNNNNNNNN.md");
        input.insert(
            o.clone(),
            added(Some(out("OOOOOOOOOO", "2026-11-22T10:10:01Z")), None),
        );
        input.insert(
            t.clone(),
            added(None, Some(out("TTTTTTTTTT", "2026-11-22T10:00:01Z"))),
        );
        let reply = String::from_utf8(out("NNNNNNNNNN", "2026-11-22T10:00:02Z"))
            .unwrap()
            .replace(".X@", ".Y@")
            .into_bytes();
        input.insert(other.clone(), added(Some(reply), None));
        let out = merge(input, &rules(), &mut env());
        assert_eq!(
            out.files[&o], None,
            "the local copy was never sent and goes"
        );
        assert!(out.files[&t].is_some());
        assert!(out.files[&other].is_some(), "another message stays");
        assert!(out.collisions.is_empty() && out.paths.is_empty());
    }

    #[test]
    fn merge_two_events_with_one_id_are_both_kept() {
        let mut input = BTreeMap::new();
        let p = format!("{DIR}/events/20261122T110000Z-AAAAAAAAAA.md");
        input.insert(
            p.clone(),
            added(
                Some(note("AAAAAAAAAA", "ours")),
                Some(note("AAAAAAAAAA", "theirs")),
            ),
        );
        let out = merge(input, &rules(), &mut env());
        assert!(get(&out, &p).contains("theirs"));
        let (moved, bytes) = out
            .files
            .iter()
            .find(|(k, v)| *k != &p && v.is_some())
            .expect("the local note under a new ID");
        let e = Event::parse(std::str::from_utf8(bytes.as_ref().unwrap()).unwrap()).unwrap();
        assert!(moved.ends_with(&format!("-{}.md", e.id)) && e.body().contains("ours"));
    }

    #[test]
    fn merge_two_attachments_with_one_name_are_both_kept() {
        let mut input = BTreeMap::new();
        let a = format!("{DIR}/attachments/photo.jpg");
        input.insert(
            a.clone(),
            added(Some(b"ours".to_vec()), Some(b"theirs".to_vec())),
        );
        let ev = format!("{DIR}/events/20261122T110000Z-AAAAAAAAAA.md");
        let mut e =
            Event::parse(std::str::from_utf8(&note("AAAAAAAAAA", "photo")).unwrap()).unwrap();
        e.set_attachments(vec!["photo.jpg".into()]);
        input.insert(ev.clone(), added(Some(e.render().into_bytes()), None));
        let out = merge(input, &rules(), &mut env());
        assert_eq!(out.files[&a].as_deref(), Some(&b"theirs"[..]));
        let renamed = format!("{DIR}/attachments/photo (2).jpg");
        assert_eq!(out.files[&renamed].as_deref(), Some(&b"ours"[..]));
        assert!(get(&out, &ev).contains("attachments: [photo (2).jpg]"));
    }

    #[test]
    fn merge_config_and_other_files_by_lines_never_with_markers() {
        let mut input = BTreeMap::new();
        let b = b"a: 1\nb: 2\nc: 3\n".to_vec();
        input.insert(
            "tiketti.yaml".to_string(),
            three(
                Some(b.clone()),
                Some(b"a: 9\nb: 2\nc: 3\n".to_vec()),
                Some(b"a: 1\nb: 2\nc: 8\n".to_vec()),
            ),
        );
        input.insert(
            "templates/x.md".to_string(),
            three(
                Some(b.clone()),
                Some(b"a: ours\nb: 2\nc: 3\n".to_vec()),
                Some(b"a: theirs\nb: 2\nc: 3\n".to_vec()),
            ),
        );
        input.insert(
            "quarantine/Q.md".to_string(),
            added(Some(b"at: 1".to_vec()), Some(b"at: 2".to_vec())),
        );
        let out = merge(input, &rules(), &mut env());
        assert_eq!(get(&out, "tiketti.yaml"), "a: 9\nb: 2\nc: 8\n");
        assert_eq!(get(&out, "templates/x.md"), "a: theirs\nb: 2\nc: 3\n");
        assert_eq!(get(&out, "quarantine/Q.md"), "at: 2");
        assert_eq!(out.paths.len(), 1);
        assert_eq!(out.paths[0].path, "templates/x.md");
    }
}
