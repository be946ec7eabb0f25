//! uuencoded files inside text bodies (`begin 644 name` … `end`), as old mail programs
//! and some gateways still send them. mail-parser leaves them as text; here they become
//! attachments and the text keeps a one-line marker in their place.

/// Decode one uuencoded line into `out`; `None` if it is not valid uuencode.
fn decode_line(line: &str, out: &mut Vec<u8>) -> Option<()> {
    let bytes = line.as_bytes();
    let value =
        |c: u8| -> Option<u8> { (32..=96).contains(&c).then_some((c.wrapping_sub(32)) & 63) };
    let len = value(*bytes.first()?)? as usize;
    let data = &bytes[1..];
    let mut decoded = Vec::with_capacity(len + 2);
    for chunk in data.chunks(4) {
        if decoded.len() >= len {
            break;
        }
        let mut v = [0u8; 4];
        for (i, c) in chunk.iter().enumerate() {
            v[i] = value(*c)?;
        }
        decoded.push((v[0] << 2) | (v[1] >> 4));
        decoded.push((v[1] << 4) | (v[2] >> 2));
        decoded.push((v[2] << 6) | v[3]);
    }
    if decoded.len() < len {
        return None;
    }
    decoded.truncate(len);
    out.extend_from_slice(&decoded);
    Some(())
}

/// `begin <mode> <name>`: the name, when the line starts a block.
fn begin_name(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("begin ")?;
    let (mode, name) = rest.split_once(' ')?;
    let octal = (3..=4).contains(&mode.len()) && mode.bytes().all(|b| (b'0'..=b'7').contains(&b));
    (octal && !name.trim().is_empty()).then(|| name.trim())
}

/// The text without its uuencoded blocks, and the files they held. A block that does
/// not decode cleanly (no `end`, a bad line) stays in the text untouched.
pub fn extract(text: &str) -> (String, Vec<(String, Vec<u8>)>) {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = Vec::with_capacity(lines.len());
    let mut files = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim_end_matches('\r');
        if let Some(name) = begin_name(line) {
            let mut data = Vec::new();
            let mut j = i + 1;
            let mut ok = false;
            while j < lines.len() {
                let l = lines[j].trim_end_matches('\r');
                if l == "end" {
                    ok = true;
                    break;
                }
                if decode_line(l, &mut data).is_none() {
                    break;
                }
                j += 1;
            }
            if ok {
                out.push(format!("[uuencoded file: {name}]"));
                files.push((name.to_string(), data));
                i = j + 1;
                continue;
            }
        }
        out.push(lines[i].to_string());
        i += 1;
    }
    (out.join("\n"), files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_blocks_and_leaves_a_marker() {
        // `printf 'Hello, world\n' | uuencode hello.txt`
        let text = "See the file:\n\nbegin 644 hello.txt\n-2&5L;&\\L(\'=O<FQD\"@``\n`\nend\nBye\n";
        let (rest, files) = extract(text);
        assert_eq!(
            files,
            vec![("hello.txt".to_string(), b"Hello, world\n".to_vec())]
        );
        assert_eq!(rest, "See the file:\n\n[uuencoded file: hello.txt]\nBye\n");
    }

    #[test]
    fn spaces_for_zero_and_crlf_lines() {
        let text = "begin 600 a.bin\r\n#86)C\r\n \r\nend\r\n";
        let (_, files) = extract(text);
        assert_eq!(files, vec![("a.bin".to_string(), b"abc".to_vec())]);
    }

    #[test]
    fn broken_blocks_stay_text() {
        for text in [
            "begin 644 x\nnot uuencode at all!!\nend\n",
            "begin 644 x\n-2&5L;&\\L\n",
            "begin now please\nend\n",
        ] {
            let (rest, files) = extract(text);
            assert!(files.is_empty(), "{text:?}");
            assert_eq!(rest, text);
        }
    }
}
