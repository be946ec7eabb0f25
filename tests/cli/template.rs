//! `tiketti template list|show|placeholders`: the canned replies in templates/. Filling
//! them for a reply is tested in reply.rs; here, reading them and their errors.

use serde_json::Value;

use crate::common::*;

const SHIPPED: &str = "---\n\
description: The order is on its way\n\
subject: \"Tilauksesi {{field.order_number}} on lähetetty\"\n\
---\n\
Hei {{requester.name}},\n\
\n\
tilauksesi {{field.order_number}} on matkalla.\n\
\n\
{{agent.name}}\n";

fn desk() -> TestRepo {
    let repo = TestRepo::quiet();
    repo.write("templates/order-shipped.md", SHIPPED);
    // No front matter: the first line describes it.
    repo.write("templates/thanks.md", "\nKiitos palautteestasi!\n");
    repo.git(&["add", "templates"]);
    repo.git(&["commit", "-q", "-m", "templates"]);
    repo
}

#[test]
fn list_shows_each_template_with_its_description() {
    let repo = desk();
    let run = repo.run(&["template", "list"]);
    let lines: Vec<&str> = run.ok().lines().map(str::trim_end).collect();
    assert_eq!(lines.len(), 4, "{}", run.stdout);
    assert!(lines[0].to_uppercase().contains("DESCRIPTION"));
    assert!(lines[1].starts_with("acknowledgement") && lines[1].contains("Sent automatically"));
    assert!(lines[2].starts_with("order-shipped") && lines[2].ends_with("The order is on its way"));
    assert!(lines[3].starts_with("thanks") && lines[3].ends_with("Kiitos palautteestasi!"));
    let json: Value =
        serde_json::from_str(repo.run(&["template", "list", "--format", "json"]).ok()).unwrap();
    assert_eq!(json["schema_version"], 1);
    assert_eq!(
        json["templates"][1],
        serde_json::json!({
            "name": "order-shipped",
            "subject": "Tilauksesi {{field.order_number}} on lähetetty",
            "description": "The order is on its way",
        })
    );
    assert_eq!(json["templates"][2]["subject"], Value::Null);
}

#[test]
fn the_built_in_acknowledgement_is_listed_when_the_helpdesk_has_none() {
    let repo = TestRepo::quiet();
    repo.git(&["rm", "-q", "templates/acknowledgement.md"]);
    repo.git(&["commit", "-q", "-m", "no ack"]);
    let json: Value =
        serde_json::from_str(repo.run(&["template", "list", "--format", "json"]).ok()).unwrap();
    assert_eq!(json["templates"].as_array().unwrap().len(), 1);
    assert_eq!(json["templates"][0]["name"], "acknowledgement");
    let shown = repo.run(&["template", "show", "acknowledgement"]);
    assert!(
        shown
            .ok()
            .starts_with("Subject: Re: {{ticket.subject}}\n\nHello {{requester.name}},")
    );
}

#[test]
fn show_prints_a_template_as_written_or_filled_for_a_ticket() {
    let repo = desk();
    let run = repo.run(&["template", "show", "order-shipped"]);
    assert_eq!(
        run.ok(),
        "Subject: Tilauksesi {{field.order_number}} on lähetetty\n\nHei {{requester.name}},\n\ntilauksesi {{field.order_number}} on matkalla.\n\n{{agent.name}}"
    );
    let id = repo.new_ticket(
        "Paketti",
        &[
            "--requester",
            "Märta Ström <marta@example.se>",
            "--field",
            "order_number=A-77",
        ],
    );
    let run = repo.run(&["template", "show", "order-shipped", "--ticket", &id[..5]]);
    assert_eq!(
        run.ok(),
        format!(
            "Subject: [Support #{id}] Tilauksesi A-77 on lähetetty\n\nHei Märta Ström,\n\ntilauksesi A-77 on matkalla.\n\nAnna Virtanen"
        )
    );
    // A template without a subject answers under the ticket's.
    let run = repo.run(&["template", "show", "thanks", "--ticket", &id]);
    assert!(
        run.ok()
            .starts_with(&format!("Subject: [Support #{id}] Re: Paketti\n\n"))
    );
    repo.assert_clean();
}

#[test]
fn show_errors_name_the_template_and_what_is_wrong() {
    let repo = desk();
    repo.write(
        "templates/broken.md",
        "---\ndescription: typo below\nsubjekt: Hei\n---\nbody\n",
    );
    repo.write(
        "templates/typo.md",
        "---\ndescription: a typo\n---\nHei,\n\n{{requester.nimi}}\n",
    );
    repo.write("templates/half.md", "Hei {{requester.name\n");
    repo.git(&["add", "templates"]);
    repo.git(&["commit", "-q", "-m", "bad templates"]);
    let id = repo.new_ticket("Paketti", &["--requester", "marta@example.se"]);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["template", "show", "nope"],
            "error: no template \"nope\" (templates/nope.md does not exist)\nhint: templates are acknowledgement, broken, half, order-shipped, thanks, typo\n",
        ),
        (
            vec!["template", "show", "../tiketti"],
            "error: \"../tiketti\" is not a template name (letters, digits, -, _ and ., like `order-shipped`)\n",
        ),
        (
            vec!["template", "show", "broken"],
            "error: templates/broken.md:3: unknown key `subjekt`; a template's front matter has subject and description",
        ),
        (
            vec!["template", "show", "half"],
            "error: templates/half.md:1: `{{` without a closing `}}`",
        ),
        (
            vec!["template", "show", "typo", "--ticket", &id],
            "error: templates/typo.md:6: unknown placeholder {{requester.nimi}}; placeholders are ",
        ),
        (
            vec!["template", "show", "thanks", "--ticket", "ZZZZZZZZ"],
            "ZZZZZZZZ",
        ),
    ];
    for (args, expected) in cases {
        let run = repo.run(&args);
        let stderr = run.fails(1);
        assert!(stderr.contains(expected), "{args:?}:\n{stderr}");
        assert_eq!(run.stdout, "", "{args:?}");
    }
    // Without --ticket a typo is only text.
    repo.run(&["template", "show", "typo"]).ok();
    // A list with a broken template names it.
    let run = repo.run(&["template", "list"]);
    assert!(
        run.fails(1).contains("templates/broken.md:3:"),
        "{}",
        run.stderr
    );
    repo.run(&["template", "show"]).fails(2);
}

#[test]
fn placeholders_lists_every_name_and_the_custom_fields() {
    let repo = TestRepo::quiet();
    let run = repo.run(&["template", "placeholders"]);
    let out = run.ok();
    for name in [
        "{{ticket.id}}",
        "{{ticket.subject}}",
        "{{requester.name}}",
        "{{agent.name}}",
        "{{helpdesk.address}}",
        "{{field.customer_number}}",
        "{{field.order_number}}",
    ] {
        assert!(out.contains(name), "{name} missing:\n{out}");
    }
    assert!(out.contains("custom field Customer number"), "{out}");
}
