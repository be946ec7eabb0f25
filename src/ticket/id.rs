//! Ticket and event IDs: Crockford base32, upper case (DESIGN.md §3).
//!
//! Owns the alphabet, normalisation of what a person types (case, `I`/`L`/`O`, hyphens,
//! a leading `#`) and minting from randomness or a hash. It never looks at the store:
//! resolving a prefix against existing tickets is the store's job.

use std::fmt;

/// Crockford's alphabet: no I, L, O, U.
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Which bytes are in [`ALPHABET`]: the check runs for every ticket folder a command
/// lists (100,000 of them), where searching the alphabet took 10 ms.
const IN_ALPHABET: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < ALPHABET.len() {
        table[ALPHABET[i] as usize] = true;
        i += 1;
    }
    table
};

/// Characters in a ticket ID (40 bits).
pub const TICKET_ID_LEN: usize = 8;
/// Characters in an event ID (50 bits).
pub const EVENT_ID_LEN: usize = 10;
/// The shortest prefix accepted to name a ticket.
pub const MIN_PREFIX: usize = 4;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TicketId(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("{input:?} is not a ticket ID: {why}")]
    Invalid { input: String, why: String },
}

impl TicketId {
    /// A full, canonical ID (exactly 8 characters after normalisation).
    pub fn parse(input: &str) -> Result<TicketId, IdError> {
        let norm = normalize(input)?;
        if norm.len() != TICKET_ID_LEN {
            return Err(IdError::Invalid {
                input: input.to_string(),
                why: format!("expected {TICKET_ID_LEN} characters, got {}", norm.len()),
            });
        }
        Ok(TicketId(norm))
    }

    /// An ID already in canonical form (a directory name), without normalising it.
    pub fn canonical(s: &str) -> Option<TicketId> {
        is_canonical_ticket_id(s).then(|| TicketId(s.to_string()))
    }

    /// [`TicketId::canonical`] keeping the string.
    pub fn canonical_owned(s: String) -> Option<TicketId> {
        is_canonical_ticket_id(&s).then_some(TicketId(s))
    }

    /// Mint an ID from 40 bits of randomness.
    pub fn from_bits(bits: u64) -> TicketId {
        TicketId(encode(bits, TICKET_ID_LEN))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The shard directory: the first two characters.
    pub fn shard(&self) -> &str {
        &self.0[..2]
    }

    /// `tickets/<AB>/<ID>`, the ticket's directory relative to the repository root.
    pub fn dir(&self) -> String {
        format!("tickets/{}/{}", self.shard(), self.0)
    }
}

impl fmt::Display for TicketId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A prefix as typed by a person, normalised; at least [`MIN_PREFIX`] characters.
pub fn normalize_prefix(input: &str) -> Result<String, IdError> {
    let norm = normalize(input)?;
    if norm.len() < MIN_PREFIX {
        return Err(IdError::Invalid {
            input: input.to_string(),
            why: format!("type at least {MIN_PREFIX} characters"),
        });
    }
    if norm.len() > TICKET_ID_LEN {
        return Err(IdError::Invalid {
            input: input.to_string(),
            why: format!("longer than {TICKET_ID_LEN} characters"),
        });
    }
    Ok(norm)
}

/// Upper-case, `I`/`L` as `1`, `O` as `0`, hyphens and one leading `#` dropped.
pub fn normalize(input: &str) -> Result<String, IdError> {
    let trimmed = input.trim();
    let trimmed = trimmed.strip_prefix('#').unwrap_or(trimmed);
    let mut out = String::with_capacity(trimmed.len());
    for c in trimmed.chars() {
        let c = match c.to_ascii_uppercase() {
            '-' => continue,
            'I' | 'L' => '1',
            'O' => '0',
            c => c,
        };
        if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) {
            return Err(IdError::Invalid {
                input: input.to_string(),
                why: format!("{c:?} is not a Crockford base32 character"),
            });
        }
        out.push(c);
    }
    if out.is_empty() {
        return Err(IdError::Invalid {
            input: input.to_string(),
            why: "it is empty".to_string(),
        });
    }
    Ok(out)
}

/// True when `s` is already a canonical ticket ID (used when scanning directories).
pub fn is_canonical_ticket_id(s: &str) -> bool {
    s.len() == TICKET_ID_LEN && is_canonical_prefix(s)
}

/// True when every character of `s` is one a canonical ID uses (a shard directory's name).
pub fn is_canonical_prefix(s: &str) -> bool {
    s.bytes().all(|b| IN_ALPHABET[usize::from(b)])
}

/// The low `5 * len` bits of `bits`, most significant first.
pub fn encode(bits: u64, len: usize) -> String {
    (0..len)
        .rev()
        .map(|i| ALPHABET[((bits >> (5 * i)) & 31) as usize] as char)
        .collect()
}

/// A new event ID from 50 bits of randomness.
pub fn event_id(bits: u64) -> String {
    encode(bits, EVENT_ID_LEN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_what_people_type() {
        assert_eq!(normalize("#7kq3-f9xm").unwrap(), "7KQ3F9XM");
        assert_eq!(normalize("ilo").unwrap(), "110");
        assert!(normalize("7KQU").is_err(), "U is not in the alphabet");
        assert!(normalize("#").is_err());
        assert!(normalize("7KQ3F9XÄ").is_err());
    }

    #[test]
    fn parse_requires_full_length() {
        assert_eq!(TicketId::parse("7kq3f9xm").unwrap().as_str(), "7KQ3F9XM");
        assert!(TicketId::parse("7KQ3").is_err());
        assert!(TicketId::parse("7KQ3F9XM1").is_err());
    }

    #[test]
    fn prefixes_need_four_characters() {
        assert_eq!(normalize_prefix("7kq3").unwrap(), "7KQ3");
        let err = normalize_prefix("7kq").unwrap_err().to_string();
        assert!(err.contains("at least 4"), "{err}");
    }

    #[test]
    fn encoding_is_stable_and_in_alphabet() {
        assert_eq!(encode(0, 8), "00000000");
        assert_eq!(encode((1 << 40) - 1, 8), "ZZZZZZZZ");
        assert_eq!(encode(31, 2), "0Z");
        let id = TicketId::from_bits(0x12_3456_789A);
        assert!(is_canonical_ticket_id(id.as_str()));
        assert_eq!(id.shard(), &id.as_str()[..2]);
        assert_eq!(id.dir(), format!("tickets/{}/{}", id.shard(), id));
        assert_eq!(event_id(u64::MAX).len(), EVENT_ID_LEN);
    }
}
