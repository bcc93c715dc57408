//! The MinHash signatures of request cores, kept in `case_signatures`: written when a case
//! is stored, read with a cluster's history rows by screening and with an agency's requests
//! by the proactive-disclosure suggestions. Without them the first screening of a large
//! cluster after a start signed thousands of texts, most of its cost (docs/screening.md,
//! intake benchmark).
//!
//! A stored signature carries a key: a stable hash of the text and of [`SCHEME`]. A row whose
//! key does not match (the signing changed, or a case from before signatures were stored) is
//! signed again and, where the caller writes, stored again.

use diesel::Connection;
use sha2::{Digest, Sha256};
use yishen_domain::screening;
use yishen_similar::Signature;
use yishen_store::CaseId;
use yishen_store::DbConn;
use yishen_store::models::flag::HistoryRow;
use yishen_store::models::signature::{self as signature_store, NewCaseSignature};

/// The signing scheme: bump it when `request_core` or `minhash` changes what a text signs
/// to, so that stored signatures are recognised as stale.
const SCHEME: &[u8] = b"request-core-minhash-1";

/// Fewer requests than this to sign are signed on the calling thread (a thread costs more).
const SIGN_ALONE_BELOW: usize = 256;

/// A stable key of `content`: what its signature is stored under, and what screening's
/// in-memory restatements are keyed by.
pub fn text_key(content: &str) -> i64 {
    let digest = Sha256::new()
        .chain_update(SCHEME)
        .chain_update([0])
        .chain_update(content.as_bytes())
        .finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_le_bytes(first)
}

/// The signature of the request core of `content`.
pub fn sign(content: &str) -> Signature {
    yishen_similar::minhash(&screening::text::request_core(content))
}

/// Stores the signature of a case's request, made beforehand with [`sign`] under
/// [`text_key`] (intake and import, in their transaction): the case is new and has none.
pub fn store_signed(
    conn: &mut DbConn,
    case_id: CaseId,
    text_key: i64,
    signature: &[u8],
) -> diesel::QueryResult<usize> {
    signature_store::insert(
        conn,
        &NewCaseSignature {
            case_id,
            text_key,
            signature,
        },
    )
}

/// The signatures of `rows`, in order: the stored one where its key matches, else signed now
/// (in parallel when there are many). With `persist`, what was signed is stored, so the next
/// reader finds it; read-only callers pass `false`.
pub fn of_rows(conn: &mut DbConn, rows: &[HistoryRow], persist: bool) -> Vec<Signature> {
    let (signatures, fresh) = sign_rows(rows);
    if persist {
        save(conn, &fresh);
    }
    signatures
}

/// A signature made because none was stored under the text's key: what [`save`] stores.
#[derive(Debug, Clone)]
pub struct Fresh {
    case_id: CaseId,
    text_key: i64,
    bytes: Vec<u8>,
}

/// The signatures of `rows`, in order (the stored ones where their key matches, the others
/// signed now), and those signed now, for [`save`] to store later: a reader can sign outside
/// the write lock and leave the storing to a short write.
pub fn sign_rows(rows: &[HistoryRow]) -> (Vec<Signature>, Vec<Fresh>) {
    let keys: Vec<i64> = rows.iter().map(|r| text_key(&r.content)).collect();
    let mut out: Vec<Option<Signature>> = rows
        .iter()
        .zip(&keys)
        .map(|(r, key)| match (&r.signature, r.signature_key) {
            (Some(bytes), Some(k)) if k == *key => Signature::from_bytes(bytes).ok(),
            _ => None,
        })
        .collect();
    let missing: Vec<usize> = (0..rows.len()).filter(|i| out[*i].is_none()).collect();
    if missing.is_empty() {
        return (out.into_iter().flatten().collect(), Vec::new());
    }
    let texts: Vec<&str> = missing.iter().map(|&i| rows[i].content.as_str()).collect();
    let signed = sign_all(&texts);
    let fresh = missing
        .iter()
        .zip(&signed)
        .map(|(&i, sig)| Fresh {
            case_id: rows[i].case_id,
            text_key: keys[i],
            bytes: sig.to_bytes(),
        })
        .collect();
    for (&i, sig) in missing.iter().zip(signed) {
        out[i] = Some(sig);
    }
    let signatures = out
        .into_iter()
        .zip(rows)
        .map(|(sig, r)| sig.unwrap_or_else(|| sign(&r.content)))
        .collect();
    (signatures, fresh)
}

/// Stores signatures made by [`sign_rows`]. Storing is a saving, not part of the action: in
/// a savepoint, so that a clash with another transaction storing the same rows (PostgreSQL)
/// costs the saving only.
pub fn save(conn: &mut DbConn, fresh: &[Fresh]) {
    if fresh.is_empty() {
        return;
    }
    let new: Vec<NewCaseSignature<'_>> = fresh
        .iter()
        .map(|f| NewCaseSignature {
            case_id: f.case_id,
            text_key: f.text_key,
            signature: &f.bytes,
        })
        .collect();
    if let Err(e) = conn.transaction(|conn| signature_store::replace(conn, &new)) {
        tracing::warn!(error = %e, rows = new.len(), "signatures not stored");
    }
}

/// Signs `texts` in order, on every core when there are many.
fn sign_all(texts: &[&str]) -> Vec<Signature> {
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(texts.len() / SIGN_ALONE_BELOW + 1);
    if workers <= 1 {
        return texts.iter().map(|t| sign(t)).collect();
    }
    let chunk = texts.len().div_ceil(workers);
    std::thread::scope(|scope| {
        let handles: Vec<_> = texts
            .chunks(chunk)
            .map(|part| {
                let job = move || part.iter().map(|t| sign(t)).collect::<Vec<_>>();
                (part, scope.spawn(job))
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|(part, handle)| {
                // A panicked worker's share is signed here instead.
                handle
                    .join()
                    .unwrap_or_else(|_| part.iter().map(|t| sign(t)).collect())
            })
            .collect()
    })
}
