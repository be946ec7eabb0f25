//! Every ticket's status, assignee and group over time, and the time of its first public
//! reply, read from git history (DESIGN.md §4) for reports and SLA clocks.
//!
//! One revwalk over the branch feeds every ticket's timeline; a commit's changes are the
//! ticket.md blobs and event files it changed against its first parent (for a merge,
//! only what differs from every parent: the merge's own resolution). A hand edit
//! committed with plain git counts like any other commit.
//!
//! The result is cached in `.git/tiketti/timelines` (never versioned), keyed by the
//! commit it was built up to and, per ticket, by the blob of its last ticket.md. The
//! next run walks only the commits since that head. A cache that is missing, fails its
//! checksum, or whose head is no longer an ancestor of HEAD (history rewritten) is
//! rebuilt from the whole history. It is written atomically, so two readers racing to
//! update it both leave a valid file.

use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;

use git2::{Oid, Sort};

use super::binfmt::{Reader, Writer};
use super::{Repo, StoreError, fsutil};
use crate::report::history::{Change, Field, History};
use crate::ticket::codec::Document;
use crate::ticket::{Event, id, kind};

const MAGIC: &[u8; 16] = b"tiketti-timeline";
const VERSION: u32 = 3;
const NONE: u32 = u32::MAX;
const NO_TIME: i64 = i64::MIN;
/// New commits since the cached head that make the cache worth writing again.
const REWRITE_AFTER: usize = 64;

/// Every ticket's history, as of `head`.
#[derive(Debug, Default)]
pub struct Timelines {
    /// The commit the timelines were read up to (`None` for an empty branch).
    pub head: Option<String>,
    pub tickets: HashMap<String, History>,
    /// How many commits this call had to walk (0 when the cache was up to date).
    pub walked: usize,
}

impl Timelines {
    /// The history of one ticket (empty when git has none: a ticket not yet committed).
    pub fn get(&self, id: &str) -> History {
        self.tickets.get(id).cloned().unwrap_or_default()
    }
}

/// The followed fields of one ticket.md version, as string ids; `None` when it does not
/// parse.
type Fields = Option<[u32; 3]>;

#[derive(Debug, Default, Clone, PartialEq)]
struct Entry {
    /// (time, field, value id) in the order the commits were walked.
    changes: Vec<(i64, u8, u32)>,
    first_reply: Option<i64>,
    /// The last ticket.md blob seen for this ticket and its fields, so the next commit
    /// need not read its parent's version again.
    last: Option<(Oid, Fields)>,
    /// The commits that changed the ticket's directory (indexes into `Cache::commits`),
    /// oldest first: `show` and `log` read a ticket's history from here.
    commits: Vec<u32>,
}

#[derive(Debug, Default, Clone, PartialEq)]
struct Cache {
    head: Option<Oid>,
    strings: Vec<Rc<str>>,
    ids: HashMap<Rc<str>, u32>,
    tickets: HashMap<String, Entry>,
    /// Every commit that changed some ticket, in walk order.
    commits: Vec<Oid>,
}

impl Cache {
    fn intern(&mut self, s: Option<String>) -> u32 {
        let Some(s) = s.filter(|s| !s.trim().is_empty()) else {
            return NONE;
        };
        if let Some(&i) = self.ids.get(s.as_str()) {
            return i;
        }
        let rc: Rc<str> = Rc::from(s);
        let i = self.strings.len() as u32;
        self.strings.push(rc.clone());
        self.ids.insert(rc, i);
        i
    }

    fn value(&self, i: u32) -> Option<Rc<str>> {
        self.strings.get(i as usize).cloned()
    }

    fn timelines(&self, walked: usize) -> Timelines {
        let tickets = self
            .tickets
            .iter()
            .map(|(id, e)| {
                let mut changes: Vec<Change> = e
                    .changes
                    .iter()
                    .map(|&(at, f, v)| Change {
                        at,
                        field: Field::ALL[f as usize],
                        value: if v == NONE { None } else { self.value(v) },
                    })
                    .collect();
                // Stable: commits of the same second keep the order they were made in.
                changes.sort_by_key(|c| c.at);
                (
                    id.clone(),
                    History {
                        changes,
                        first_reply: e.first_reply,
                    },
                )
            })
            .collect();
        Timelines {
            head: self.head.map(|h| h.to_string()),
            tickets,
            walked,
        }
    }

    // ----- the file -----

    fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new(MAGIC, VERSION, self.tickets.len() * 64);
        let b = &mut w.b;
        match self.head {
            Some(h) => {
                b.push(1);
                b.extend_from_slice(h.as_bytes());
            }
            None => b.push(0),
        }
        put_u32(b, self.strings.len() as u32);
        for s in &self.strings {
            put_u32(b, s.len() as u32);
            b.extend_from_slice(s.as_bytes());
        }
        put_u32(b, self.commits.len() as u32);
        for c in &self.commits {
            b.extend_from_slice(c.as_bytes());
        }
        put_u32(b, self.tickets.len() as u32);
        let mut ids: Vec<&String> = self.tickets.keys().collect();
        ids.sort();
        for id in ids {
            let e = &self.tickets[id];
            b.push(id.len() as u8);
            b.extend_from_slice(id.as_bytes());
            b.extend_from_slice(&e.first_reply.unwrap_or(NO_TIME).to_le_bytes());
            match &e.last {
                None => b.push(0),
                Some((oid, None)) => {
                    b.push(1);
                    b.extend_from_slice(oid.as_bytes());
                }
                Some((oid, Some(f))) => {
                    b.push(2);
                    b.extend_from_slice(oid.as_bytes());
                    for v in f {
                        put_u32(b, *v);
                    }
                }
            }
            put_u32(b, e.changes.len() as u32);
            for &(at, f, v) in &e.changes {
                b.extend_from_slice(&at.to_le_bytes());
                b.push(f);
                put_u32(b, v);
            }
            put_u32(b, e.commits.len() as u32);
            for &c in &e.commits {
                put_u32(b, c);
            }
        }
        w.finish()
    }

    /// `None` for anything that is not a whole, intact cache of this version.
    fn decode(bytes: &[u8]) -> Option<Cache> {
        let mut r = Reader::open(bytes, MAGIC, VERSION)?;
        let mut cache = Cache::default();
        if r.u8()? == 1 {
            cache.head = Some(Oid::from_bytes(r.take(20)?).ok()?);
        }
        let n = r.u32()?;
        for i in 0..n {
            let len = r.u32()? as usize;
            let s: Rc<str> = Rc::from(std::str::from_utf8(r.take(len)?).ok()?);
            cache.strings.push(s.clone());
            cache.ids.insert(s, i);
        }
        let n = r.u32()? as usize;
        cache.commits.reserve(n.min(r.b.len() / 20));
        for _ in 0..n {
            cache.commits.push(Oid::from_bytes(r.take(20)?).ok()?);
        }
        let n = r.u32()?;
        cache.tickets.reserve(n as usize);
        let strings = cache.strings.len() as u32;
        let valid = |v: u32| v == NONE || v < strings;
        for _ in 0..n {
            let len = r.u8()? as usize;
            let id = std::str::from_utf8(r.take(len)?).ok()?.to_string();
            let first_reply = Some(r.i64()?).filter(|&t| t != NO_TIME);
            let last = match r.u8()? {
                0 => None,
                1 => Some((Oid::from_bytes(r.take(20)?).ok()?, None)),
                2 => {
                    let oid = Oid::from_bytes(r.take(20)?).ok()?;
                    let f = [r.u32()?, r.u32()?, r.u32()?];
                    if !f.iter().all(|&v| valid(v)) {
                        return None;
                    }
                    Some((oid, Some(f)))
                }
                _ => return None,
            };
            let count = r.u32()? as usize;
            let mut changes = Vec::with_capacity(count.min(r.b.len()));
            for _ in 0..count {
                let (at, f, v) = (r.i64()?, r.u8()?, r.u32()?);
                if f as usize >= Field::ALL.len() || !valid(v) {
                    return None;
                }
                changes.push((at, f, v));
            }
            let count = r.u32()? as usize;
            let mut commits = Vec::with_capacity(count.min(r.b.len()));
            for _ in 0..count {
                let c = r.u32()?;
                if c as usize >= cache.commits.len() {
                    return None;
                }
                commits.push(c);
            }
            cache.tickets.insert(
                id,
                Entry {
                    changes,
                    first_reply,
                    last,
                    commits,
                },
            );
        }
        r.is_empty().then_some(cache)
    }
}

fn put_u32(b: &mut Vec<u8>, v: u32) {
    b.extend_from_slice(&v.to_le_bytes());
}

/// What a path under `tickets/` is, for the timelines.
enum Kind<'p> {
    TicketFile(&'p str),
    EventFile(&'p str),
}

fn classify(path: &str) -> Option<Kind<'_>> {
    let rest = path.strip_prefix("tickets/")?;
    let mut parts = rest.splitn(3, '/');
    let (shard, ticket, file) = (parts.next()?, parts.next()?, parts.next()?);
    if !id::is_canonical_ticket_id(ticket) || !ticket.starts_with(shard) {
        return None;
    }
    if file == "ticket.md" {
        Some(Kind::TicketFile(ticket))
    } else if file
        .strip_prefix("events/")
        .is_some_and(|n| n.ends_with(".md") && !n.contains('/'))
    {
        Some(Kind::EventFile(ticket))
    } else {
        None
    }
}

/// A file a commit changed under `tickets/`, with its blob before (if any) and after.
struct FileChange {
    path: String,
    old: Option<Oid>,
    new: Oid,
}

/// git's order of tree entries: by name, a tree's name read as if it ended in `/`.
fn tree_order(a: &[u8], a_tree: bool, b: &[u8], b_tree: bool) -> std::cmp::Ordering {
    let n = a.len().min(b.len());
    a[..n].cmp(&b[..n]).then_with(|| {
        let end =
            |name: &[u8], tree: bool| name.get(n).copied().unwrap_or(if tree { b'/' } else { 0 });
        end(a, a_tree).cmp(&end(b, b_tree))
    })
}

/// The entries of `new` that `old` lacks or has with another id: (name, id, id in `old`,
/// is a tree). One pass over both, which git keeps sorted.
fn changed_entries(
    new: &git2::Tree<'_>,
    old: Option<&git2::Tree<'_>>,
) -> Vec<(String, Oid, Option<Oid>, bool)> {
    let is_tree = |e: &git2::TreeEntry<'_>| e.kind() == Some(git2::ObjectType::Tree);
    let mut olds = old.into_iter().flat_map(|t| t.iter()).peekable();
    let mut out = Vec::new();
    for e in new.iter() {
        let (name, tree) = (e.name_bytes(), is_tree(&e));
        let mut before = None;
        while let Some(o) = olds.peek() {
            match tree_order(o.name_bytes(), is_tree(o), name, tree) {
                std::cmp::Ordering::Less => {
                    olds.next();
                }
                std::cmp::Ordering::Equal => {
                    before = Some(o.id());
                    olds.next();
                    break;
                }
                std::cmp::Ordering::Greater => break,
            }
        }
        if before != Some(e.id())
            && let Ok(name) = std::str::from_utf8(name)
        {
            out.push((name.to_string(), e.id(), before, tree));
        }
    }
    out
}

/// [`changed_entries`] that are trees: (name, id, id in `old`).
fn changed_trees(
    new: &git2::Tree<'_>,
    old: Option<&git2::Tree<'_>>,
) -> Vec<(String, Oid, Option<Oid>)> {
    changed_entries(new, old)
        .into_iter()
        .filter(|e| e.3)
        .map(|(name, id, before, _)| (name, id, before))
        .collect()
}

impl Repo {
    fn timeline_cache_path(&self) -> std::path::PathBuf {
        self.state_dir().join("timelines")
    }

    /// Every ticket's timeline up to HEAD, from the cache brought up to date. `progress`
    /// is called with (commits walked, commits to walk) while walking.
    pub fn timelines(
        &self,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Timelines, StoreError> {
        Ok(match self.timeline_cache(progress)? {
            Some((cache, walked)) => cache.timelines(walked),
            None => Timelines::default(),
        })
    }

    /// The commits that changed ticket `id`'s directory, newest first, from the same
    /// cache as the timelines.
    pub fn ticket_commits(
        &self,
        id: &str,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Vec<Oid>, StoreError> {
        let Some((cache, _)) = self.timeline_cache(progress)? else {
            return Ok(Vec::new());
        };
        Ok(cache.tickets.get(id).map_or_else(Vec::new, |e| {
            e.commits
                .iter()
                .rev()
                .map(|&i| cache.commits[i as usize])
                .collect()
        }))
    }

    /// The cache brought up to HEAD and how many commits that took; `None` on an
    /// unborn branch.
    fn timeline_cache(
        &self,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Option<(Cache, usize)>, StoreError> {
        let path = self.timeline_cache_path();
        let head = match self.head_commit()? {
            Some(c) => c.id(),
            None => return Ok(None),
        };
        let cached = std::fs::read(&path)
            .ok()
            .and_then(|b| Cache::decode(&b))
            .filter(|c| match c.head {
                Some(h) => h == head || self.git.graph_descendant_of(head, h).unwrap_or(false),
                None => false,
            });
        let fresh = cached.is_none();
        let mut cache = cached.unwrap_or_default();
        if cache.head == Some(head) {
            return Ok(Some((cache, 0)));
        }
        let walked = self.walk_into(&mut cache, head, progress)?;
        cache.head = Some(head);
        // A few new commits cost less to walk again than the whole file (28 MB at
        // 100,000 tickets) costs to write: after a `note`, `show` only reads. A cache
        // that cannot be written (a read-only clone, a full disk) only costs the next
        // run the walk again; the figures are the same.
        if fresh || walked >= REWRITE_AFTER {
            let _ = fsutil::replace_atomic(&path, &cache.encode());
        }
        Ok(Some((cache, walked)))
    }

    /// Walk the commits after `cache.head` up to `head`, oldest first, into `cache`.
    fn walk_into(
        &self,
        cache: &mut Cache,
        head: Oid,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<usize, StoreError> {
        let mut walk = self.git.revwalk()?;
        walk.push(head)?;
        if let Some(base) = cache.head {
            walk.hide(base)?;
        }
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
        let oids: Vec<Oid> = walk.collect::<Result<_, _>>()?;
        let total = oids.len();
        // Objects are read, never written, and a long history reads hundreds of
        // thousands of trees: checking each one's SHA-1 again is most of the cost.
        git2::opts::strict_hash_verification(false);
        let walked = (|| {
            for (n, oid) in oids.into_iter().enumerate() {
                if n % 1000 == 0 {
                    progress(n, total);
                }
                self.read_commit(cache, oid)?;
            }
            progress(total, total);
            Ok(total)
        })();
        git2::opts::strict_hash_verification(true);
        walked
    }

    fn read_commit(&self, cache: &mut Cache, oid: Oid) -> Result<(), StoreError> {
        let commit = self.git.find_commit(oid)?;
        let at = commit.author().when().seconds();
        let tree = commit.tree()?;
        let parents: Vec<git2::Tree<'_>> = commit
            .parents()
            .map(|p| p.tree())
            .collect::<Result<_, _>>()?;
        let mut changes = Vec::new();
        let mut touched = Vec::new();
        self.diff_tickets(&tree, parents.first(), &mut changes, &mut touched)?;
        // A ticket's history holds the commits whose tree of it differs from every
        // parent's (a merge that only brought one side's change is not one of them).
        let mut index = None;
        for (id, dir, new) in touched {
            if parents
                .iter()
                .skip(1)
                .any(|p| p.get_path(Path::new(&dir)).ok().map(|e| e.id()) == Some(new))
            {
                continue;
            }
            let i = *index.get_or_insert_with(|| {
                cache.commits.push(oid);
                (cache.commits.len() - 1) as u32
            });
            cache.tickets.entry(id).or_default().commits.push(i);
        }
        for c in changes {
            // In a merge, only what the merge itself made: a blob no parent has.
            if parents.len() > 1
                && parents[1..]
                    .iter()
                    .any(|p| p.get_path(Path::new(&c.path)).ok().map(|e| e.id()) == Some(c.new))
            {
                continue;
            }
            match classify(&c.path) {
                Some(Kind::TicketFile(id)) => self.ticket_version(cache, id, at, c.old, c.new),
                Some(Kind::EventFile(id)) if c.old.is_none() => self.event_file(cache, id, c.new),
                _ => {}
            }
        }
        Ok(())
    }

    /// The `ticket.md` files a commit wrote and the event files it added, against the
    /// tree `old` (its first parent). Only subtrees whose ids differ are opened: a
    /// commit that touched one ticket reads five trees, whatever the helpdesk's size.
    fn diff_tickets(
        &self,
        new: &git2::Tree<'_>,
        old: Option<&git2::Tree<'_>>,
        out: &mut Vec<FileChange>,
        touched: &mut Vec<(String, String, Oid)>,
    ) -> Result<(), StoreError> {
        let Some(new) = self.subtree(Some(new), "tickets")? else {
            return Ok(());
        };
        let old = self.subtree(old, "tickets")?;
        if old.as_ref().is_some_and(|o| o.id() == new.id()) {
            return Ok(());
        }
        for (shard, new_shard, old_shard) in changed_trees(&new, old.as_ref()) {
            let new_shard = self.git.find_tree(new_shard)?;
            let old_shard = old_shard.map(|o| self.git.find_tree(o)).transpose()?;
            for (ticket, new_t, old_t) in changed_trees(&new_shard, old_shard.as_ref()) {
                let dir = format!("tickets/{shard}/{ticket}");
                touched.push((ticket.clone(), dir.clone(), new_t));
                let new_t = self.git.find_tree(new_t)?;
                let old_t = old_t.map(|o| self.git.find_tree(o)).transpose()?;
                let blob = |t: Option<&git2::Tree<'_>>| {
                    t.and_then(|t| t.get_name("ticket.md"))
                        .filter(|e| e.kind() == Some(git2::ObjectType::Blob))
                        .map(|e| e.id())
                };
                let (new_md, old_md) = (blob(Some(&new_t)), blob(old_t.as_ref()));
                if let Some(n) = new_md
                    && Some(n) != old_md
                {
                    out.push(FileChange {
                        path: format!("{dir}/ticket.md"),
                        old: old_md,
                        new: n,
                    });
                }
                let Some(new_ev) = self.subtree(Some(&new_t), "events")? else {
                    continue;
                };
                let old_ev = self.subtree(old_t.as_ref(), "events")?;
                if old_ev.as_ref().is_some_and(|o| o.id() == new_ev.id()) {
                    continue;
                }
                for (name, id, before, is_tree) in changed_entries(&new_ev, old_ev.as_ref()) {
                    if before.is_none() && !is_tree {
                        out.push(FileChange {
                            path: format!("{dir}/events/{name}"),
                            old: None,
                            new: id,
                        });
                    }
                }
            }
        }
        Ok(())
    }

    fn subtree(
        &self,
        tree: Option<&git2::Tree<'_>>,
        name: &str,
    ) -> Result<Option<git2::Tree<'_>>, StoreError> {
        match tree.and_then(|t| t.get_name(name)) {
            Some(e) if e.kind() == Some(git2::ObjectType::Tree) => {
                Ok(Some(self.git.find_tree(e.id())?))
            }
            _ => Ok(None),
        }
    }

    fn fields_of(&self, cache: &mut Cache, blob: Oid) -> Fields {
        let b = self.git.find_blob(blob).ok()?;
        let text = std::str::from_utf8(b.content()).ok()?;
        let doc = Document::parse(text).ok()?;
        let mut f = [NONE; 3];
        for (i, field) in Field::ALL.iter().enumerate() {
            f[i] = cache.intern(doc.get_str(field.key()).ok().flatten());
        }
        Some(f)
    }

    /// A commit wrote `new` as the ticket's ticket.md (over `old`, if it had one).
    fn ticket_version(&self, cache: &mut Cache, id: &str, at: i64, old: Option<Oid>, new: Oid) {
        let before: Fields = match old {
            None => None,
            Some(old) => match cache.tickets.get(id).and_then(|e| e.last) {
                Some((oid, fields)) if oid == old => fields,
                _ => self.fields_of(cache, old),
            },
        };
        let after = self.fields_of(cache, new);
        let entry = cache.tickets.entry(id.to_string()).or_default();
        entry.last = Some((new, after));
        let Some(after) = after else {
            return;
        };
        for (i, v) in after.iter().enumerate() {
            if before.is_none_or(|b| b[i] != *v) {
                entry.changes.push((at, i as u8, *v));
            }
        }
    }

    /// A commit added an event file: a public reply (outbound, not automatic) may be the
    /// ticket's first.
    fn event_file(&self, cache: &mut Cache, id: &str, blob: Oid) {
        let Ok(b) = self.git.find_blob(blob) else {
            return;
        };
        let Ok(text) = std::str::from_utf8(b.content()) else {
            return;
        };
        if !text.contains("kind: outbound") {
            return;
        }
        let Ok(event) = Event::parse(text) else {
            return;
        };
        if event.kind != kind::OUTBOUND || event.doc.keys().any(|k| k == "auto") {
            return;
        }
        let t = event.at.timestamp();
        let entry = cache.tickets.entry(id.to_string()).or_default();
        entry.first_reply = Some(entry.first_reply.map_or(t, |r| r.min(t)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Cache {
        let mut c = Cache {
            head: Some(Oid::from_str("0123456789abcdef0123456789abcdef01234567").unwrap()),
            ..Cache::default()
        };
        let open = c.intern(Some("open".into()));
        let anna = c.intern(Some("anna".into()));
        c.tickets.insert(
            "7KQ3F9XM".into(),
            Entry {
                changes: vec![(100, 0, open), (100, 1, anna), (200, 2, NONE)],
                first_reply: Some(150),
                last: Some((
                    Oid::from_str("89abcdef0123456789abcdef0123456789abcdef").unwrap(),
                    Some([open, anna, NONE]),
                )),
                commits: vec![0, 1],
            },
        );
        c.commits = vec![
            Oid::from_str("1111111111111111111111111111111111111111").unwrap(),
            Oid::from_str("2222222222222222222222222222222222222222").unwrap(),
        ];
        c.tickets.insert("X5NAHYXY".into(), Entry::default());
        c
    }

    #[test]
    fn the_cache_round_trips() {
        let c = sample();
        let back = Cache::decode(&c.encode()).unwrap();
        assert_eq!(back, c);
        let t = back.timelines(0);
        let h = t.get("7KQ3F9XM");
        assert_eq!(h.first_reply, Some(150));
        assert_eq!(h.changes[0].value.as_deref(), Some("open"));
        assert_eq!(h.changes[2].value, None);
        assert_eq!(t.get("AAAAAAAA"), History::default());
    }

    #[test]
    fn a_damaged_cache_is_not_trusted() {
        let bytes = sample().encode();
        assert!(Cache::decode(&bytes[..bytes.len() - 1]).is_none());
        let mut flipped = bytes.clone();
        flipped[40] ^= 1;
        assert!(Cache::decode(&flipped).is_none());
        assert!(Cache::decode(b"").is_none());
        assert!(Cache::decode(&[0u8; 64]).is_none());
    }

    /// A commit of `files` over `parents` (the first parent's tree), at `time`.
    fn commit(git: &git2::Repository, parents: &[Oid], files: &[(&str, &str)], time: i64) -> Oid {
        let parents: Vec<git2::Commit<'_>> = parents
            .iter()
            .map(|p| git.find_commit(*p).unwrap())
            .collect();
        let base = match parents.first() {
            Some(p) => p.tree().unwrap(),
            None => git
                .find_tree(git.treebuilder(None).unwrap().write().unwrap())
                .unwrap(),
        };
        let mut update = git2::build::TreeUpdateBuilder::new();
        for (path, text) in files {
            update.upsert(
                *path,
                git.blob(text.as_bytes()).unwrap(),
                git2::FileMode::Blob,
            );
        }
        let tree = git
            .find_tree(update.create_updated(git, &base).unwrap())
            .unwrap();
        let sig = git2::Signature::new("a", "a@example.com", &git2::Time::new(time, 0)).unwrap();
        let refs: Vec<&git2::Commit<'_>> = parents.iter().collect();
        let oid = git.commit(None, &sig, &sig, "c", &tree, &refs).unwrap();
        git.reference("refs/heads/main", oid, true, "test").unwrap();
        oid
    }

    const MD: &str = "tickets/7K/7KQ3F9XM/ticket.md";
    const EVENT: &str = "tickets/7K/7KQ3F9XM/events/20261122T100410Z-ABCDEFGHJK.md";

    fn ticket(status: &str, assignee: &str) -> String {
        format!(
            "---\nid: 7KQ3F9XM\nsubject: S\nstatus: {status}\n{assignee}created: 2026-11-22T10:00:00Z\n---\n"
        )
    }

    fn values(h: &History) -> Vec<(i64, &'static str, Option<String>)> {
        h.changes
            .iter()
            .map(|c| (c.at, c.field.key(), c.value.as_deref().map(str::to_string)))
            .collect()
    }

    #[test]
    fn one_walk_reads_branches_merges_and_new_commits() {
        let dir = tempfile::tempdir().unwrap();
        let git = git2::Repository::init(dir.path()).unwrap();
        git.set_head("refs/heads/main").unwrap();
        let repo = Repo::open(dir.path()).unwrap();
        let c1 = commit(&git, &[], &[(MD, &ticket("new", ""))], 100);
        // Two clones: one moves it to pending, the other assigns it to bo and replies.
        let ours = commit(&git, &[c1], &[(MD, &ticket("pending", ""))], 200);
        let reply =
            "---\nid: ABCDEFGHJK\nkind: outbound\nauthor: bo\nat: 2026-11-22T10:04:10Z\n---\nHi\n";
        let theirs = commit(
            &git,
            &[c1],
            &[(MD, &ticket("new", "assignee: bo\n")), (EVENT, reply)],
            300,
        );
        let merged = ticket("pending", "assignee: bo\n");
        commit(&git, &[ours, theirs], &[(MD, &merged), (EVENT, reply)], 400);
        let t = repo.timelines(&mut |_, _| {}).unwrap();
        assert_eq!(t.walked, 4);
        let h = t.get("7KQ3F9XM");
        // Each commit's own change, field by field: the other clone's assignment does not
        // undo the pending status, and the merge only repeats what its sides did.
        assert_eq!(
            values(&h),
            vec![
                (100, "status", Some("new".into())),
                (100, "assignee", None),
                (100, "group", None),
                (200, "status", Some("pending".into())),
                (300, "assignee", Some("bo".into())),
                (400, "assignee", Some("bo".into())),
            ]
        );
        assert_eq!(
            h.first_reply,
            crate::ticket::parse_time("2026-11-22T10:04:10Z").map(|t| t.timestamp())
        );

        // Up to date: nothing walked. One more commit: only it.
        assert_eq!(repo.timelines(&mut |_, _| {}).unwrap().walked, 0);
        let head = git.refname_to_id("refs/heads/main").unwrap();
        commit(
            &git,
            &[head],
            &[(MD, &ticket("solved", "assignee: bo\n"))],
            500,
        );
        let t = repo.timelines(&mut |_, _| {}).unwrap();
        assert_eq!(t.walked, 1);
        // One commit is cheaper to walk again than the cache is to write.
        assert_eq!(repo.timelines(&mut |_, _| {}).unwrap().walked, 1);
        assert_eq!(
            values(&t.get("7KQ3F9XM")).last(),
            Some(&(500, "status", Some("solved".into())))
        );
        let full = t.get("7KQ3F9XM");
        // The ticket's commits, newest first: the merge made its own change (the merged
        // ticket.md is neither side's), so it is one of them.
        let commits = repo.ticket_commits("7KQ3F9XM", &mut |_, _| {}).unwrap();
        assert_eq!(commits.len(), 5);
        assert_eq!(commits[0], git.refname_to_id("refs/heads/main").unwrap());
        assert_eq!(commits[4], c1);
        assert!(commits.contains(&ours) && commits.contains(&theirs));

        // Damaged: rebuilt, the same.
        let path = repo.timeline_cache_path();
        std::fs::write(&path, b"x").unwrap();
        let t = repo.timelines(&mut |_, _| {}).unwrap();
        assert_eq!((t.walked, t.get("7KQ3F9XM")), (5, full));

        // History rewritten: the cached head is not an ancestor of HEAD any more.
        commit(&git, &[c1], &[(MD, &ticket("closed", ""))], 600);
        let t = repo.timelines(&mut |_, _| {}).unwrap();
        assert_eq!(t.walked, 2);
        assert_eq!(
            values(&t.get("7KQ3F9XM")).last(),
            Some(&(600, "status", Some("closed".into())))
        );
    }

    #[test]
    fn git_orders_trees_as_if_their_names_ended_in_a_slash() {
        use std::cmp::Ordering::*;
        assert_eq!(tree_order(b"a", false, b"b", false), Less);
        assert_eq!(tree_order(b"ab", true, b"ab", true), Equal);
        // "a.b" (file) sorts before "a/" but a tree named "a" sorts after "a.b".
        assert_eq!(tree_order(b"a", true, b"a.b", false), Greater);
        assert_eq!(tree_order(b"a", false, b"a.b", false), Less);
    }

    #[test]
    fn paths_are_classified() {
        assert!(matches!(
            classify("tickets/7K/7KQ3F9XM/ticket.md"),
            Some(Kind::TicketFile("7KQ3F9XM"))
        ));
        assert!(matches!(
            classify("tickets/7K/7KQ3F9XM/events/20261122T100000Z-ABCDEFGHJK.md"),
            Some(Kind::EventFile("7KQ3F9XM"))
        ));
        assert!(classify("tickets/7K/7KQ3F9XM/raw/ABCDEFGHJK.eml").is_none());
        assert!(classify("tickets/XX/7KQ3F9XM/ticket.md").is_none());
        assert!(classify("tickets/7K/notanid/ticket.md").is_none());
    }
}
