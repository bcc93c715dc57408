//! Near-duplicate signatures: MinHash over character 3-shingles of the normalised text
//! (punctuation and spaces removed), so 请公开 2023 年幸福路征收补偿方案 and a copy with other
//! punctuation or one word changed get nearly equal signatures. Used by abuse screening (条例35)
//! to find the same request sent many times, across accounts and agencies; deterministic across
//! processes and releases, so signatures can be stored.

use crate::error::SimilarError;
use crate::text::{Analyzer, fnv1a};

/// Number of hash functions (values) in a signature; the estimate's standard error is about
/// `sqrt(J(1-J)/128)`, at most 0.045.
pub const SIGNATURE_LEN: usize = 128;
/// Rows per band for [`Signature::band_keys`]: 32 bands of 4 rows make pairs with a Jaccard
/// similarity of about 0.42 or more collide in at least one band half the time.
pub const BAND_ROWS: usize = 4;
const SHINGLE: usize = 3;

/// A MinHash signature.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Signature(Box<[u32; SIGNATURE_LEN]>);

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The MinHash signature of `text`.
pub fn minhash(text: &str) -> Signature {
    let chars: Vec<char> = Analyzer::normalize(text)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    let mut values = Box::new([u32::MAX; SIGNATURE_LEN]);
    let mut add = |shingle: &[char]| {
        let s: String = shingle.iter().collect();
        let base = fnv1a(s.as_bytes(), 0);
        for (i, slot) in values.iter_mut().enumerate() {
            let h =
                (splitmix64(base ^ (i as u64).wrapping_mul(0x2545_f491_4f6c_dd1d)) >> 32) as u32;
            if h < *slot {
                *slot = h;
            }
        }
    };
    if chars.len() < SHINGLE {
        if !chars.is_empty() {
            add(&chars);
        }
    } else {
        for window in chars.windows(SHINGLE) {
            add(window);
        }
    }
    Signature(values)
}

/// The estimated Jaccard similarity of the two texts' shingle sets: the share of equal values.
pub fn jaccard_estimate(a: &Signature, b: &Signature) -> f32 {
    let equal = a.0.iter().zip(b.0.iter()).filter(|(x, y)| x == y).count();
    equal as f32 / SIGNATURE_LEN as f32
}

impl Signature {
    /// The signature as bytes (little endian), for storage.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    /// Reads a signature stored by [`Signature::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, SimilarError> {
        if bytes.len() != SIGNATURE_LEN * 4 {
            return Err(SimilarError::SignatureLength {
                expected: SIGNATURE_LEN * 4,
                got: bytes.len(),
            });
        }
        let mut values = Box::new([0u32; SIGNATURE_LEN]);
        for (slot, chunk) in values.iter_mut().zip(bytes.chunks_exact(4)) {
            *slot = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        }
        Ok(Signature(values))
    }

    /// Locality-sensitive hashing keys: one per band of [`BAND_ROWS`] values, tagged with the
    /// band number. Texts sharing any key are near-duplicate candidates, to be confirmed with
    /// [`jaccard_estimate`]; storing the keys in an indexed column finds candidates in one query.
    pub fn band_keys(&self) -> Vec<u64> {
        self.0
            .chunks(BAND_ROWS)
            .enumerate()
            .map(|(band, rows)| {
                let bytes: Vec<u8> = rows.iter().flat_map(|v| v.to_le_bytes()).collect();
                fnv1a(&bytes, band as u64)
            })
            .collect()
    }

    /// The values.
    pub fn values(&self) -> &[u32] {
        &self.0[..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "请公开2023年幸福路拓宽工程国有土地上房屋征收补偿方案及分户补偿情况。";

    #[test]
    fn identical_and_repunctuated_texts_have_equal_signatures() {
        let b = "请公开 2023 年幸福路拓宽工程，国有土地上房屋征收补偿方案及分户补偿情况";
        assert_eq!(jaccard_estimate(&minhash(A), &minhash(A)), 1.0);
        assert_eq!(jaccard_estimate(&minhash(A), &minhash(b)), 1.0);
    }

    #[test]
    fn a_small_edit_stays_close_and_another_text_is_far() {
        let edited = "请公开2024年幸福路拓宽工程国有土地上房屋征收补偿方案及分户补偿情况。";
        let other = "申请公开本区2022年部门预算、决算及三公经费支出明细。";
        let near = jaccard_estimate(&minhash(A), &minhash(edited));
        let far = jaccard_estimate(&minhash(A), &minhash(other));
        assert!(near > 0.75, "{near}");
        assert!(far < 0.15, "{far}");
    }

    #[test]
    fn bytes_round_trip_and_bad_lengths_are_refused() {
        let s = minhash(A);
        assert_eq!(Signature::from_bytes(&s.to_bytes()).unwrap(), s);
        assert!(matches!(
            Signature::from_bytes(&[0; 3]),
            Err(SimilarError::SignatureLength { got: 3, .. })
        ));
    }

    #[test]
    fn near_duplicates_share_a_band_key() {
        let edited = "请公开2024年幸福路拓宽工程国有土地上房屋征收补偿方案及分户补偿情况。";
        let a = minhash(A).band_keys();
        let b = minhash(edited).band_keys();
        assert_eq!(a.len(), SIGNATURE_LEN / BAND_ROWS);
        assert!(a.iter().zip(&b).any(|(x, y)| x == y));
    }

    #[test]
    fn short_and_empty_texts_work() {
        assert_eq!(jaccard_estimate(&minhash("低保"), &minhash("低保")), 1.0);
        assert_eq!(minhash("").values()[0], u32::MAX);
    }
}
