//! The floor under `list --open`: what it costs only to `stat` every ticket.md of a
//! helpdesk, the way tiketti checks its ticket cache against the work tree (relative to
//! an open shard folder, on every core). docs/performance.md quotes it.
//!
//! ```sh
//! cargo run --release --example stat_floor -- /tmp/tiketti-bench/tiketti-100000
//! ```

use std::path::Path;
use std::time::Instant;

fn main() {
    let Some(root) = std::env::args().nth(1) else {
        eprintln!("usage: stat_floor HELPDESK [THREADS]");
        std::process::exit(2);
    };
    let threads: usize = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let tickets = Path::new(&root).join("tickets");
    let mut ids = Vec::new();
    for shard in std::fs::read_dir(&tickets).expect("a helpdesk with tickets/") {
        let shard = shard.expect("a readable shard folder").file_name();
        let shard = shard.to_string_lossy().into_owned();
        for t in std::fs::read_dir(tickets.join(&shard)).expect("a readable shard folder") {
            let id = t.expect("a readable entry").file_name();
            ids.push((shard.clone(), id.to_string_lossy().into_owned()));
        }
    }
    ids.sort();
    for round in 0..3 {
        let start = Instant::now();
        let chunk = ids.len().div_ceil(threads.max(1)).max(1);
        let found: usize = std::thread::scope(|s| {
            let workers: Vec<_> = ids
                .chunks(chunk)
                .map(|part| {
                    let tickets = &tickets;
                    s.spawn(move || {
                        let mut open: Option<(&str, std::fs::File)> = None;
                        let mut found = 0;
                        for (shard, id) in part {
                            if open.as_ref().is_none_or(|(s, _)| s != shard) {
                                let dir = std::fs::File::open(tickets.join(shard)).unwrap();
                                open = Some((shard, dir));
                            }
                            let Some((_, dir)) = &open else {
                                unreachable!()
                            };
                            let path = format!("{id}/ticket.md");
                            let st = rustix::fs::statat(dir, path, rustix::fs::AtFlags::empty());
                            found += usize::from(st.is_ok());
                        }
                        found
                    })
                })
                .collect();
            workers.into_iter().map(|w| w.join().unwrap()).sum()
        });
        println!(
            "round {}: stat of {found} ticket.md on {threads} thread(s): {:.1} ms",
            round + 1,
            start.elapsed().as_secs_f64() * 1000.0
        );
    }
}
