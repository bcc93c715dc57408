//! The tamper-evident chain of a case's events. Each event's hash is SHA-256 over a canonical
//! encoding of its position, its content and the previous event's hash, so that editing,
//! deleting or reordering any stored event breaks every hash after it; the case snapshot keeps
//! the head of the chain, so removing the last events is detected too.
//!
//! The encoding is a fixed sequence of length-prefixed fields rather than re-serialised JSON:
//! the exact stored bytes are hashed, so no JSON library's key order or number formatting can
//! make an intact chain look broken.

use sha2::{Digest, Sha256};

/// The `prev_hash` of a case's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
const DOMAIN_TAG: &[u8] = b"yishen.case_event.v1";

/// The fields of a stored event that its hash covers.
#[derive(Debug, Clone, Copy)]
pub struct ChainedEvent<'a> {
    /// The case's tracking number: unique, fixed at intake and known before the case row
    /// exists, so a new case's first events can be chained before it is inserted.
    pub case_ref: &'a str,
    pub seq: i64,
    pub kind: &'a str,
    /// The date the act happened, `YYYY-MM-DD`.
    pub on: &'a str,
    pub actor_id: Option<i64>,
    /// When it was recorded, as stored (RFC 3339, microseconds, UTC).
    pub recorded_at: &'a str,
    /// The event's JSON exactly as stored.
    pub data: &'a str,
    pub prev_hash: &'a str,
}

impl ChainedEvent<'_> {
    /// The event's hash: 64 lower-case hex digits.
    pub fn hash(&self) -> String {
        let mut h = Sha256::new();
        let mut field = |bytes: &[u8]| {
            h.update((bytes.len() as u64).to_be_bytes());
            h.update(bytes);
        };
        field(DOMAIN_TAG);
        field(self.prev_hash.as_bytes());
        field(self.case_ref.as_bytes());
        field(&self.seq.to_be_bytes());
        field(self.kind.as_bytes());
        field(self.on.as_bytes());
        match self.actor_id {
            Some(a) => field(&a.to_be_bytes()),
            None => field(b""),
        }
        field(self.recorded_at.as_bytes());
        field(self.data.as_bytes());
        hex::encode(h.finalize())
    }
}

/// What is wrong with a chain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error("事件序号不连续：应为第{expected}号，实为第{found}号（事件被删除或调换）")]
    Sequence { expected: i64, found: i64 },
    #[error("第{seq}号事件记录的前一哈希与前一事件不符（事件被删除、插入或调换）")]
    PrevHash { seq: i64 },
    #[error("第{seq}号事件的内容与其哈希不符（事件被修改）")]
    Hash { seq: i64 },
    #[error("案件记录的事件数或链尾哈希与事件表不符（末尾事件被删除或追加）")]
    Head,
}

/// A stored event with its recorded hashes.
#[derive(Debug, Clone, Copy)]
pub struct StoredLink<'a> {
    pub event: ChainedEvent<'a>,
    pub hash: &'a str,
}

/// Checks a case's events (in `seq` order) against themselves and against the head the
/// snapshot recorded. Returns the first break, with the `seq` of the event where it shows.
pub fn verify<'a>(
    links: impl IntoIterator<Item = StoredLink<'a>>,
    head_count: i64,
    head_hash: &str,
) -> Result<(), (Option<i64>, ChainError)> {
    let mut prev = GENESIS.to_owned();
    let mut expected = 1;
    for link in links {
        let seq = link.event.seq;
        if seq != expected {
            return Err((
                Some(seq),
                ChainError::Sequence {
                    expected,
                    found: seq,
                },
            ));
        }
        if link.event.prev_hash != prev {
            return Err((Some(seq), ChainError::PrevHash { seq }));
        }
        if link.event.hash() != link.hash {
            return Err((Some(seq), ChainError::Hash { seq }));
        }
        prev = link.hash.to_owned();
        expected += 1;
    }
    if expected - 1 != head_count || prev != head_hash {
        return Err((None, ChainError::Head));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<(ChainedEvent<'static>, String)> {
        let mut out: Vec<(ChainedEvent<'static>, String)> = Vec::new();
        let mut prev: &'static str = GENESIS;
        for seq in 1..=n {
            let e = ChainedEvent {
                case_ref: "ZJ-2026-000009",
                seq,
                kind: "confirmed",
                on: "2026-03-02",
                actor_id: Some(2),
                recorded_at: "2026-03-02T01:02:03.000004Z",
                data: r#"{"type":"confirmed","received_on":"2026-03-02"}"#,
                prev_hash: prev,
            };
            let h = e.hash();
            prev = Box::leak(h.clone().into_boxed_str());
            out.push((e, h));
        }
        out
    }

    fn links<'a>(c: &'a [(ChainedEvent<'static>, String)]) -> Vec<StoredLink<'a>> {
        c.iter()
            .map(|(e, h)| StoredLink {
                event: *e,
                hash: h.as_str(),
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies_and_every_tampering_is_found() {
        let c = chain(4);
        let head = c[3].1.clone();
        assert_eq!(verify(links(&c), 4, &head), Ok(()));

        let mut edited = c.clone();
        edited[1].0.data = r#"{"type":"confirmed","received_on":"2026-03-01"}"#;
        assert_eq!(
            verify(links(&edited), 4, &head).map_err(|e| e.0),
            Err(Some(2))
        );

        let mut dropped = c.clone();
        dropped.remove(1);
        assert!(matches!(
            verify(links(&dropped), 4, &head),
            Err((Some(3), ChainError::Sequence { .. }))
        ));

        let mut swapped = c.clone();
        swapped.swap(1, 2);
        assert!(verify(links(&swapped), 4, &head).is_err());

        let truncated = c[..3].to_vec();
        assert_eq!(
            verify(links(&truncated), 4, &head),
            Err((None, ChainError::Head))
        );
    }
}
