use crate::common::*;

#[test]
fn get_reads_scalars_lists_and_the_whole_file() {
    let repo = TestRepo::new();
    assert_eq!(
        repo.run(&["config", "get", "helpdesk.name"]).ok(),
        "Example Helpdesk"
    );
    assert_eq!(
        repo.run(&["config", "get", "statuses.4.name"]).ok(),
        "waiting-on-delivery"
    );
    assert_eq!(
        repo.run(&["config", "get", "priorities"]).ok(),
        "- low\n- normal\n- high\n- urgent"
    );
    assert_eq!(
        repo.run(&["config", "get"]).ok(),
        repo.read("tiketti.yaml").trim()
    );
    let err = repo
        .run(&["config", "get", "helpdesk.nope"])
        .fails(1)
        .to_string();
    assert!(err.contains("helpdesk.nope is not set"), "{err}");
}

#[test]
fn set_keeps_comments_validates_and_commits() {
    let repo = TestRepo::new();
    let before = repo.read("tiketti.yaml");
    repo.run(&["config", "set", "helpdesk.name", "Acme: Tuki"])
        .ok();
    let after = repo.read("tiketti.yaml");
    assert_eq!(
        after,
        before.replace("  name: Example Helpdesk", "  name: \"Acme: Tuki\"")
    );
    assert_eq!(
        repo.run(&["config", "get", "helpdesk.name"]).ok(),
        "Acme: Tuki"
    );
    assert_eq!(
        repo.last_commit_message(),
        "config: set helpdesk.name Acme: Tuki"
    );
    repo.run(&["config", "set", "defaults.priority", "high"])
        .ok();
    repo.run(&["config", "set", "categories.0.required", "[order_number]"])
        .ok();
    assert!(
        repo.read("tiketti.yaml")
            .contains("  - name: question\n    required: [order_number]\n")
    );
    repo.assert_clean();
    assert_eq!(repo.commit_count(), 4);
}

#[test]
fn set_refuses_what_would_break_the_config() {
    let repo = TestRepo::new();
    let before = repo.read("tiketti.yaml");
    let err = repo
        .run(&["config", "set", "defaults.priority", "extreme"])
        .fails(1)
        .to_string();
    assert!(err.contains("would break the config"), "{err}");
    assert!(err.contains("unknown priority \"extreme\""), "{err}");
    let err = repo
        .run(&["config", "set", "statuses", "x"])
        .fails(1)
        .to_string();
    assert!(err.contains("cannot set `statuses`"), "{err}");
    assert_eq!(repo.read("tiketti.yaml"), before);
    assert_eq!(repo.commit_count(), 1);
}

#[test]
fn check_lists_every_problem_with_its_line() {
    let repo = TestRepo::new();
    repo.run(&["config", "check"]).ok();
    let text = repo
        .read("tiketti.yaml")
        .replace("    category: pending\n", "    category: pendng\n")
        .replace("members: [anna]", "members: [anna, bob]");
    repo.write("tiketti.yaml", &text);
    let out = repo.run(&["config", "check"]);
    out.fails(1);
    let line = text.lines().position(|l| l.contains("pendng")).unwrap() + 1;
    assert!(
        out.stdout.contains(&format!(
            "tiketti.yaml:{line}: status \"pending\": unknown category \"pendng\""
        )),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("unknown member \"bob\""),
        "{}",
        out.stdout
    );
    // Other commands refuse to run on a broken config and name it.
    let err = repo
        .run(&["new", "--subject", "x", "-m", "y"])
        .fails(1)
        .to_string();
    assert!(err.contains(&format!("tiketti.yaml:{line}:")), "{err}");
    assert!(err.contains("hint: fix tiketti.yaml"), "{err}");
    // A YAML syntax error names its line too.
    repo.write(
        "tiketti.yaml",
        "statuses:\n  - name: new\n    category: [new\n",
    );
    let out = repo.run(&["config", "check"]);
    out.fails(1);
    assert!(out.stdout.starts_with("tiketti.yaml:"), "{}", out.stdout);
}

#[test]
fn set_repairs_a_broken_config_one_problem_at_a_time() {
    let repo = TestRepo::new();
    let text = repo
        .read("tiketti.yaml")
        .replace("  priority: normal\n", "  priority: medium\n")
        .replace("    category: pending\n", "    category: pendng\n");
    repo.write("tiketti.yaml", &text);
    repo.git(&["commit", "-qam", "broken by hand"]);
    repo.run(&["config", "set", "defaults.priority", "normal"])
        .ok();
    repo.run(&["config", "set", "statuses.2.category", "pending"])
        .ok();
    repo.run(&["config", "check"]).ok();
}

#[test]
fn mail_needs_the_email_channel_and_routing_tags_are_words() {
    let repo = TestRepo::new();
    let err = repo
        .run(&["config", "set", "channels", "[phone, chat]"])
        .fails(1)
        .to_string();
    assert!(err.contains("channels must include email"), "{err}");
    let text = repo.read("tiketti.yaml").replace(
        "      priority: high\n",
        "      priority: high\n      tags: [two words]\n",
    );
    repo.write("tiketti.yaml", &text);
    let out = repo.run(&["config", "check"]);
    out.fails(1);
    assert!(
        out.stdout
            .contains("routing rule complaints: tag \"two words\" has a space"),
        "{}",
        out.stdout
    );
}
