//! `tiketti template list|show NAME`: the canned replies in `templates/`.

use std::io::Write;

use serde::Serialize;

use crate::commands::{mailout, open};
use crate::ctx::Ctx;
use crate::error::UserError;
use crate::render::{self, ViewFormat, truncate};
use crate::template::PLACEHOLDERS;

/// Canned replies: Markdown files in templates/ with {{placeholders}}.
#[derive(Debug, clap::Subcommand)]
pub enum TemplateCommand {
    /// List the templates with their descriptions
    List {
        #[arg(long, value_enum, default_value = "table")]
        format: ViewFormat,
    },
    /// Print a template; with --ticket, filled in for that ticket as a reply would be
    Show {
        name: String,
        /// Fill the placeholders for this ticket
        #[arg(long, value_name = "ID")]
        ticket: Option<String>,
    },
    /// List the placeholders a template may use
    Placeholders,
}

#[derive(Serialize)]
struct Row {
    name: String,
    subject: Option<String>,
    description: String,
}

pub fn run(ctx: &Ctx, cmd: TemplateCommand) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match cmd {
        TemplateCommand::List { format } => {
            let (repo, _) = open(ctx)?;
            let mut names = mailout::template_names(&repo);
            if !names.iter().any(|n| n == "acknowledgement") {
                // The built-in acknowledgement is in use: show it.
                names.push("acknowledgement".into());
                names.sort();
            }
            // One broken template is listed with its problem, not in the way of the rest.
            let mut rows = Vec::new();
            let mut broken = 0;
            for n in names {
                match mailout::load_template(&repo, &n) {
                    Ok(t) => rows.push(Row {
                        name: n,
                        subject: t.subject.clone(),
                        description: t.summary(),
                    }),
                    Err(e) => {
                        broken += 1;
                        rows.push(Row {
                            name: n,
                            subject: None,
                            description: format!("error: {e}"),
                        });
                    }
                }
            }
            if format == ViewFormat::Json {
                render::json(&mut out, "templates", &rows)?;
            } else {
                let table = rows
                    .iter()
                    .map(|r| vec![r.name.clone(), truncate(&r.description, 70)])
                    .collect();
                writeln!(
                    out,
                    "{}",
                    render::table(&["name", "description"], table, ctx.stdout_is_tty)
                )?;
            }
            if broken > 0 {
                // Listed all the same; the exit code tells a script something is wrong.
                let first = rows
                    .iter()
                    .find_map(|r| r.description.strip_prefix("error: "))
                    .unwrap_or_default();
                return Err(UserError::new(format!(
                    "{broken} template(s) cannot be used: {first}"
                ))
                .hint("`tiketti check` lists every problem")
                .into());
            }
        }
        TemplateCommand::Show { name, ticket } => {
            let (repo, config) = open(ctx)?;
            let template = mailout::load_template(&repo, &name)?;
            match ticket {
                None => {
                    if let Some(s) = &template.subject {
                        writeln!(out, "Subject: {s}\n")?;
                    }
                    write!(out, "{}", template.body)?;
                }
                Some(id) => {
                    let ticket = repo.read_ticket(&repo.resolve(&id)?)?;
                    let actor = ctx.actor(&repo, &config)?;
                    let vars = mailout::vars(
                        &config,
                        &ticket,
                        Some((&actor.identity.name, &actor.identity.email)),
                    );
                    let (subject, body) = mailout::fill(&template, &vars)?;
                    let subject = crate::mail::outbound::subject(
                        &config.mail.tag,
                        &ticket.id,
                        subject.as_deref().unwrap_or(&ticket.subject),
                        subject.is_none(),
                    );
                    writeln!(out, "Subject: {subject}\n")?;
                    write!(out, "{body}")?;
                }
            }
        }
        TemplateCommand::Placeholders => {
            let (_, config) = open(ctx)?;
            let mut rows: Vec<Vec<String>> = PLACEHOLDERS
                .iter()
                .map(|(n, what)| vec![format!("{{{{{n}}}}}"), what.to_string()])
                .collect();
            for f in &config.fields {
                rows.push(vec![
                    format!("{{{{field.{}}}}}", f.name),
                    format!(
                        "custom field {}",
                        f.label.clone().unwrap_or_else(|| f.name.clone())
                    ),
                ]);
            }
            writeln!(
                out,
                "{}",
                render::table(&["placeholder", "value"], rows, ctx.stdout_is_tty)
            )?;
        }
    }
    Ok(())
}
