//! Safe attachment file names: whatever a customer's mail program or an agent's shell
//! calls a file, it lands inside the ticket's `attachments/` folder under a name that is
//! valid on every platform and unique within the ticket.

use std::collections::HashSet;

const MAX_CHARS: usize = 100;
const WINDOWS_RESERVED: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// The last path component, with no control characters, no characters Windows forbids,
/// no leading dots, at most 100 characters (keeping the extension), never empty and never
/// a Windows device name.
pub fn sanitize(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .map(|c| {
            if c.is_control() || "<>:\"|?*".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned
        .trim()
        .trim_start_matches('.')
        .trim_end_matches(['.', ' '])
        .to_string();
    let mut out = if cleaned.is_empty() || cleaned.chars().all(|c| c == '_') {
        "attachment".to_string()
    } else {
        cleaned
    };
    let stem = out.split('.').next().unwrap_or("").to_ascii_uppercase();
    if WINDOWS_RESERVED.contains(&stem.as_str()) {
        out = format!("_{out}");
    }
    if out.chars().count() > MAX_CHARS {
        let (stem, ext) = split_ext(&out);
        let ext: String = ext.chars().take(20).collect();
        let keep = MAX_CHARS - ext.chars().count();
        out = stem.chars().take(keep).collect::<String>() + &ext;
    }
    out
}

fn split_ext(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(i) if i > 0 => (&name[..i], &name[i..]),
        _ => (name, ""),
    }
}

/// A sanitised name not in `taken` (compared case-insensitively, as macOS and Windows
/// do): `report.pdf`, then `report (2).pdf`, … The chosen name is added to `taken`.
pub fn unique(name: &str, taken: &mut HashSet<String>) -> String {
    let clean = sanitize(name);
    let (stem, ext) = split_ext(&clean);
    let mut candidate = clean.clone();
    let mut n = 2;
    while taken.contains(&candidate.to_lowercase()) {
        candidate = format!("{stem} ({n}){ext}");
        n += 1;
    }
    taken.insert(candidate.to_lowercase());
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_are_tamed() {
        assert_eq!(sanitize("../../etc/passwd"), "passwd");
        assert_eq!(sanitize("/abs/path/file.txt"), "file.txt");
        assert_eq!(sanitize("C:\\Users\\x\\lasku.pdf"), "lasku.pdf");
        assert_eq!(sanitize(".."), "attachment");
        assert_eq!(sanitize(".bashrc"), "bashrc");
        assert_eq!(sanitize("a\u{0}b\nc.txt"), "a_b_c.txt");
        assert_eq!(sanitize("what?.txt"), "what_.txt");
        assert_eq!(sanitize("CON.txt"), "_CON.txt");
        assert_eq!(sanitize(""), "attachment");
        assert_eq!(sanitize("kuitti ä.pdf"), "kuitti ä.pdf");
        let long = format!("{}.pdf", "x".repeat(300));
        let s = sanitize(&long);
        assert_eq!(s.chars().count(), 100);
        assert!(s.ends_with(".pdf"));
    }

    #[test]
    fn clashes_get_numbers() {
        let mut taken = HashSet::new();
        assert_eq!(unique("a.pdf", &mut taken), "a.pdf");
        assert_eq!(unique("dir/A.pdf", &mut taken), "A (2).pdf");
        assert_eq!(unique("a.pdf", &mut taken), "a (3).pdf");
        assert_eq!(unique("noext", &mut taken), "noext");
        assert_eq!(unique("noext", &mut taken), "noext (2)");
    }
}
