use crate::common::*;

#[test]
fn a_healthy_helpdesk_has_no_problems() {
    let repo = TestRepo::new();
    repo.new_ticket("One", &[]);
    let out = repo.run(&["check"]);
    assert_eq!(out.ok(), "");
    assert!(out.stderr.contains("no problems found"));
}

#[test]
fn check_names_file_and_line_of_every_problem() {
    let repo = TestRepo::new();
    let a = repo.new_ticket("Broken yaml", &[]);
    let b = repo.new_ticket("Unknown status", &[]);
    let c = repo.new_ticket("Conflict", &[]);
    let d = repo.new_ticket("Dangling parent", &[]);
    let e = repo.new_ticket("Bad event", &[]);
    repo.run(&["note", &e, "-m", "fine"]).ok();
    let edit = |id: &str, from: &str, to: &str| {
        let p = repo.ticket_file(id);
        let t = std::fs::read_to_string(&p).unwrap();
        assert!(t.contains(from), "{from} not in {t}");
        std::fs::write(&p, t.replacen(from, to, 1)).unwrap();
    };
    edit(&a, "subject: Broken yaml", "subject: [Broken yaml");
    edit(&b, "status: new", "status: slvd");
    edit(
        &c,
        "status: new\n",
        "<<<<<<< ours\nstatus: open\n=======\nstatus: solved\n>>>>>>> theirs\n",
    );
    edit(&d, "channel: phone\n", "channel: phone\nparent: 00000000\n");
    let events = repo.path(&format!("tickets/{}/{e}/events", &e[..2]));
    let note = std::fs::read_dir(&events)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let t = std::fs::read_to_string(&note)
        .unwrap()
        .replace("at: 2026-11-22T10:00:00Z", "at: noon");
    std::fs::write(&note, t).unwrap();
    std::fs::create_dir_all(repo.path("tickets/ZZ/not-an-id")).unwrap();

    let out = repo.run(&["check"]);
    assert!(out.fails(1).contains("problem(s) found"));
    let p = |id: &str| format!("tickets/{}/{id}/ticket.md", &id[..2]);
    for expect in [
        format!("{}:3: ", p(&a)),
        format!("{}:4: unknown status \"slvd\"", p(&b)),
        format!("{}:4: conflict marker left by a merge", p(&c)),
        format!("{}:6: conflict marker left by a merge", p(&c)),
        format!("{}:8: conflict marker left by a merge", p(&c)),
        ": parent 00000000 does not exist".to_string(),
        format!("tickets/{}/{e}/events/", &e[..2]),
        "is not an RFC 3339 time".to_string(),
        "tickets/ZZ/not-an-id: \"not-an-id\" is not a ticket ID".to_string(),
    ] {
        assert!(
            out.stdout.contains(&expect),
            "missing {expect:?} in\n{}",
            out.stdout
        );
    }
    let json: serde_json::Value =
        serde_json::from_str(repo.run(&["check", "--format", "json"]).stdout.as_str()).unwrap();
    assert_eq!(json["schema_version"], 1);
    assert!(json["problems"].as_array().unwrap().len() >= 8);
}

#[test]
fn check_finds_duplicate_ids_and_parent_cycles() {
    let repo = TestRepo::new();
    let a = repo.new_ticket("A", &[]);
    let b = repo.new_ticket("B", &[]);
    // A copied ticket folder: the same front-matter id in two places.
    let copy = format!("tickets/{}/{}", &a[..2], "0000AAAA");
    let src = repo.ticket_file(&a);
    std::fs::create_dir_all(repo.path(&copy)).unwrap();
    std::fs::copy(&src, repo.path(&format!("{copy}/ticket.md"))).unwrap();
    // A cycle made by hand: a -> b -> a.
    let add_parent = |id: &str, parent: &str| {
        let p = repo.ticket_file(id);
        let t = std::fs::read_to_string(&p).unwrap().replace(
            "channel: phone\n",
            &format!("channel: phone\nparent: {parent}\n"),
        );
        std::fs::write(&p, t).unwrap();
    };
    add_parent(&a, &b);
    add_parent(&b, &a);
    let out = repo.run(&["check"]);
    out.fails(1);
    assert!(
        out.stdout.contains(&format!("duplicate ticket ID {a}")),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("field `id` says"), "{}", out.stdout);
    assert!(
        out.stdout.contains("parent links form a cycle"),
        "{}",
        out.stdout
    );
}
