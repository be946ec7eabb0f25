//! Routing rules and auto-assignment for new tickets from mail (tiketti.yaml `routing`,
//! `groups[].assign`). Pure: the caller supplies the message and the current workload.

use std::collections::HashMap;

use crate::config::{AssignMode, Config, OneOrMany, RouteSet};

use super::inbound::{InboundMail, MailAddr};

fn any_contains(condition: &OneOrMany, haystacks: &[String]) -> bool {
    let wanted = condition.values();
    wanted.is_empty()
        || wanted.iter().any(|w| {
            let w = w.to_lowercase();
            haystacks.iter().any(|h| h.to_lowercase().contains(&w))
        })
}

fn texts(addrs: &[MailAddr]) -> Vec<String> {
    addrs.iter().map(MailAddr::to_text).collect()
}

/// Every matching rule applied in order: later scalars win, tags accumulate. Returns the
/// names of the rules that matched, for the record.
pub fn route(config: &Config, mail: &InboundMail) -> (RouteSet, Vec<String>) {
    let from: Vec<String> = mail.from.iter().map(MailAddr::to_text).collect();
    let mut recipients = texts(&mail.to);
    recipients.extend(texts(&mail.cc));
    let cc = texts(&mail.cc);
    let subject = vec![mail.subject.clone()];
    let body = vec![mail.text.clone()];
    let mut out = RouteSet::default();
    let mut matched = Vec::new();
    for (i, rule) in config.routing.iter().enumerate() {
        let w = &rule.when;
        if any_contains(&w.from, &from)
            && any_contains(&w.to, &recipients)
            && any_contains(&w.cc, &cc)
            && any_contains(&w.subject, &subject)
            && any_contains(&w.body, &body)
        {
            let s = &rule.set;
            out.category = s.category.clone().or(out.category);
            out.priority = s.priority.clone().or(out.priority);
            out.group = s.group.clone().or(out.group);
            // An agent may be named by e-mail in the rule; tickets record the id.
            out.assignee = s
                .assignee
                .as_deref()
                .map(|a| config.agent(a).map_or(a, |ag| ag.id.as_str()).to_string())
                .or(out.assignee);
            for t in &s.tags {
                if !out.tags.contains(t) {
                    out.tags.push(t.clone());
                }
            }
            matched.push(rule.name.clone().unwrap_or_else(|| format!("#{}", i + 1)));
        }
    }
    (out, matched)
}

/// What auto-assignment needs to know about current tickets.
#[derive(Debug, Default, Clone)]
pub struct Workload {
    /// Open tickets per agent.
    pub open: HashMap<String, usize>,
    /// Per group, the agent who got its most recently created ticket.
    pub last_in_group: HashMap<String, String>,
}

impl Workload {
    /// Record a ticket given out, so the next pick in the same batch sees it.
    pub fn assigned(&mut self, group: &str, agent: &str) {
        *self.open.entry(agent.to_string()).or_default() += 1;
        self.last_in_group
            .insert(group.to_string(), agent.to_string());
    }
}

/// The member of `group` who gets the next ticket, when the group auto-assigns.
pub fn pick(config: &Config, group: &str, load: &Workload) -> Option<String> {
    let g = config.groups.iter().find(|g| g.name == group)?;
    let mode = g.assign?;
    let members: Vec<String> = g
        .members
        .iter()
        .map(|m| config.agent(m).map_or(m.clone(), |a| a.id.clone()))
        .collect();
    if members.is_empty() {
        return None;
    }
    match mode {
        AssignMode::RoundRobin => {
            let next = match load
                .last_in_group
                .get(group)
                .and_then(|last| members.iter().position(|m| m == last))
            {
                Some(i) => (i + 1) % members.len(),
                None => 0,
            };
            Some(members[next].clone())
        }
        AssignMode::LeastLoaded => members
            .iter()
            .enumerate()
            .min_by_key(|(i, m)| (load.open.get(*m).copied().unwrap_or(0), *i))
            .map(|(_, m)| m.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The default config with three agents in the support group, assigning by `mode`.
    fn config(mode: &str) -> Config {
        let text = crate::config::DEFAULT_TEXT
            .replace(
                "agents:\n  - id: anna\n",
                "agents:\n  - id: bo\n  - id: cy\n  - id: anna\n",
            )
            .replace("members: [anna]", "members: [anna, bo, cy]")
            .replace("assign: round-robin", &format!("assign: {mode}"));
        Config::parse(&text).unwrap()
    }

    fn mail(raw: &str) -> InboundMail {
        InboundMail::parse(raw.as_bytes()).unwrap()
    }

    #[test]
    fn rules_apply_in_order_and_accumulate_tags() {
        let c = config("round-robin");
        let m = mail(
            "From: x@y.fi\nTo: Sales <sales@example.com>\nSubject: Tarjous 40 tuolista\n\nhei\n",
        );
        let (set, names) = route(&c, &m);
        assert_eq!(set.category.as_deref(), Some("quote-request"));
        assert_eq!(set.group.as_deref(), Some("support"));
        assert_eq!(names, vec!["quotes to sales"]);
        let m = mail("From: x@y.fi\nTo: info@example.com\nSubject: Reklamaatio: tarjous\n\nhei\n");
        let (set, names) = route(&c, &m);
        assert_eq!(
            names,
            vec!["complaints"],
            "quotes rule needs sales@ as recipient"
        );
        assert_eq!(set.priority.as_deref(), Some("high"));
        let m = mail("From: x@y.fi\nTo: info@example.com\nSubject: hello\n\nhei\n");
        assert!(route(&c, &m).1.is_empty());
    }

    #[test]
    fn round_robin_and_least_loaded() {
        let c = config("round-robin");
        let mut load = Workload::default();
        let mut got = Vec::new();
        for _ in 0..4 {
            let a = pick(&c, "support", &load).unwrap();
            load.assigned("support", &a);
            got.push(a);
        }
        assert_eq!(got, vec!["anna", "bo", "cy", "anna"]);
        let c = config("least-loaded");
        let mut load = Workload::default();
        load.open.insert("anna".into(), 3);
        load.open.insert("bo".into(), 1);
        assert_eq!(pick(&c, "support", &load).as_deref(), Some("cy"));
        load.open.insert("cy".into(), 5);
        assert_eq!(pick(&c, "support", &load).as_deref(), Some("bo"));
        assert_eq!(pick(&c, "nope", &load), None);
    }
}
