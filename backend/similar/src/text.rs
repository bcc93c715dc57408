//! Segmentation: one [`Analyzer`] turns Chinese text into index terms, for the index (through
//! [`ZhTokenizer`], our own tantivy tokenizer) and for queries alike, so both sides always agree.
//!
//! It owns the one `Arc<Jieba>` of the process (default dictionary + the government-terms user
//! dictionary `fixtures/similar/userdict.txt` + every thesaurus term), the stop-word list
//! (removed everywhere) and the boilerplate list (kept in the index, damped in queries). All
//! resources are embedded with `include_str!`, so the binary needs no files at run time.
//!
//! Analysis: normalise full-width ASCII and case one character for one character (so offsets
//! stay valid for snippets), cut with jieba (HMM on, for names of places and projects), drop
//! punctuation, stop words and single characters, and add the dictionary words inside longer
//! words (行政处罚决定书 also yields 行政处罚 and 决定书) so that a compound matches its parts.
//! tantivy-jieba is not used: it keeps a global `Jieba` of its own (see reference/stack.md §3).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use jieba_rs::Jieba;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use crate::articles::{self, Edition};
use crate::error::SimilarError;
use crate::thesaurus::Thesaurus;

const USERDICT: &str = include_str!("../../../fixtures/similar/userdict.txt");
const STOPWORDS: &str = include_str!("../../../fixtures/similar/stopwords.txt");
const BOILERPLATE: &str = include_str!("../../../fixtures/similar/boilerplate.txt");

/// Bumped whenever analysis changes in a way that makes an existing index stale.
const ANALYZER_VERSION: u32 = 1;

/// Put in front of a text indexed for a case filed before the 2019 edition took effect, so
/// [`ZhTokenizer`] reads its citations with the 2007 numbering. Never alphanumeric, never a term.
pub(crate) const EDITION_2007_MARKER: char = '\u{F8F0}';

/// Words longer than this are not split into parts.
const MAX_DECOMPOSED: usize = 16;

/// Single characters that end place names (幸福路, 河西村, 锦华苑, 清水河).
const PLACE_SUFFIXES: &str = "路街巷村镇乡苑园庄湾河湖江桥坊寨屯";

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

/// Name under which [`ZhTokenizer`] is registered in the index.
pub(crate) const TOKENIZER_NAME: &str = "yishen_zh";

/// One term of analysed text, with its place in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalyzedToken {
    /// The normalised term.
    pub term: String,
    /// Character offsets (not bytes) into the original text.
    pub char_start: usize,
    pub char_end: usize,
    /// Byte offsets into the original text.
    pub byte_start: usize,
    pub byte_end: usize,
}

/// How often a term occurs in a text, and how often not as a part of a longer word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermCount {
    pub term: String,
    pub tf: u32,
    /// Occurrences that are not inside a longer token (房屋 in 房屋征收 is inside).
    pub whole: u32,
}

/// Segmentation and word lists, shared by the index, queries and the free functions.
#[derive(Debug)]
pub struct Analyzer {
    jieba: Arc<Jieba>,
    stopwords: HashSet<String>,
    boilerplate: HashSet<String>,
    government_terms: HashSet<String>,
    thesaurus: Thesaurus,
    fingerprint: String,
}

fn word_list(source: &str) -> impl Iterator<Item = &str> {
    source
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
}

/// FNV-1a, 64 bit: stable across processes and releases (unlike `DefaultHasher`).
pub(crate) fn fnv1a(bytes: &[u8], seed: u64) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64 ^ seed;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

impl Analyzer {
    /// Builds an analyzer from the bundled dictionary, word lists and thesaurus (about 0.2 s and
    /// 35 MB for jieba's default dictionary). Prefer [`Analyzer::shared`].
    pub fn bundled() -> Result<Self, SimilarError> {
        let thesaurus = Thesaurus::bundled()?;
        let mut jieba = Jieba::new();
        let mut government_terms = HashSet::new();
        for line in word_list(USERDICT) {
            let mut parts = line.split_whitespace();
            let Some(word) = parts.next() else { continue };
            let freq = match parts.next() {
                Some(f) => Some(f.parse::<usize>().map_err(|e| SimilarError::Resource {
                    name: "userdict.txt",
                    message: format!("{line}: {e}"),
                })?),
                None => None,
            };
            let tag = parts.next();
            jieba.add_word(word, freq, tag);
            government_terms.insert(word.to_owned());
        }
        for term in thesaurus.all_terms() {
            if !jieba.has_word(term) {
                jieba.add_word(term, None, None);
            }
            government_terms.insert(term.to_owned());
        }
        let fingerprint = format!(
            "v{ANALYZER_VERSION}-{:016x}",
            fnv1a(
                [USERDICT, STOPWORDS, BOILERPLATE, env!("CARGO_PKG_VERSION")]
                    .concat()
                    .as_bytes(),
                0
            )
        );
        Ok(Analyzer {
            jieba: Arc::new(jieba),
            stopwords: word_list(STOPWORDS).map(str::to_owned).collect(),
            boilerplate: word_list(BOILERPLATE).map(str::to_owned).collect(),
            government_terms,
            thesaurus,
            fingerprint,
        })
    }

    /// The process-wide analyzer, built on first use. The dictionary is immutable, so sharing
    /// one copy is what keeps memory at one jieba dictionary however many indexes exist.
    pub fn shared() -> Result<Arc<Analyzer>, SimilarError> {
        static SHARED: OnceLock<Result<Arc<Analyzer>, String>> = OnceLock::new();
        SHARED
            .get_or_init(|| Analyzer::bundled().map(Arc::new).map_err(|e| e.to_string()))
            .clone()
            .map_err(|message| SimilarError::Resource {
                name: "analyzer",
                message,
            })
    }

    /// Identifies the analysis (version + word lists); an index built with another fingerprint
    /// must be rebuilt. The thesaurus is not part of it: it only acts at query time.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The thesaurus used for query expansion.
    pub fn thesaurus(&self) -> &Thesaurus {
        &self.thesaurus
    }

    /// Whether `term` is boilerplate that nearly every request shares (申请公开, 相关文件, …),
    /// a pure number, or an article number (`第36条`).
    pub fn is_boilerplate(&self, term: &str) -> bool {
        self.boilerplate.contains(term)
            || term.chars().all(|c| c.is_ascii_digit())
            || (term.starts_with('第')
                && term.ends_with('条')
                && term.chars().filter(char::is_ascii_digit).count() + 2 == term.chars().count())
    }

    /// Whether `term` is a legal ground derived from a citation (`§过程性信息`…).
    pub fn is_legal_ground(term: &str) -> bool {
        term.starts_with('§')
    }

    /// Whether `term` is in the government-terms dictionary or the thesaurus.
    pub fn is_government_term(&self, term: &str) -> bool {
        self.government_terms.contains(term)
    }

    /// Normalises one character: full-width ASCII to half-width, ASCII upper to lower case.
    /// Always one character for one, so character offsets survive normalisation.
    fn normalize_char(c: char) -> char {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        };
        c.to_ascii_lowercase()
    }

    /// The text normalised as the analyzer sees it (same number of characters as `text`).
    pub fn normalize(text: &str) -> String {
        text.chars().map(Self::normalize_char).collect()
    }

    fn keep(&self, word: &str) -> bool {
        let mut chars = 0;
        let mut meaningful = false;
        for c in word.chars() {
            chars += 1;
            meaningful |= c.is_alphanumeric();
        }
        meaningful && chars >= 2 && !self.stopwords.contains(word)
    }

    /// Analyses `text` into index terms with their offsets in `text`. Citations of the 条例 are
    /// read with the edition the text names, else the 2019 numbering.
    pub fn tokens(&self, text: &str) -> Vec<AnalyzedToken> {
        self.tokens_for(text, None)
    }

    /// [`Analyzer::tokens`] with the edition of the 条例 the text's citations refer to.
    pub fn tokens_for(&self, text: &str, edition: Option<Edition>) -> Vec<AnalyzedToken> {
        let (text, marked) = match text.strip_prefix(EDITION_2007_MARKER) {
            Some(rest) => (rest, true),
            None => (text, false),
        };
        let offset = if marked {
            EDITION_2007_MARKER.len_utf8()
        } else {
            0
        };
        let edition = edition
            .or(marked.then_some(Edition::Y2007))
            .or_else(|| articles::named_edition(text))
            .unwrap_or(Edition::Y2019);
        let normalized = Self::normalize(text);
        let chars: Vec<char> = normalized.chars().collect();
        // Byte offset in the original of every character, plus the end.
        let mut original_bytes: Vec<usize> = text.char_indices().map(|(i, _)| i + offset).collect();
        original_bytes.push(text.len() + offset);
        let citations = articles::citations(&chars);
        let mut in_citation = vec![false; chars.len() + 1];
        for c in &citations {
            in_citation[c.char_start..c.char_end]
                .iter_mut()
                .for_each(|x| *x = true);
        }
        let overlaps = |start: usize, end: usize| in_citation[start..end].iter().any(|x| *x);
        let mut out = Vec::new();
        let cut = self.jieba.cut(&normalized, true);
        for (i, token) in cut.iter().enumerate() {
            if overlaps(token.start, token.end) {
                continue;
            }
            if self.keep(token.word) {
                out.push(self.token(token.word, token.start, token.end, &original_bytes));
            }
            let length = token.end - token.start;
            if length > 2 {
                for (from, to) in self.parts(token.word) {
                    let sub: String = token.word.chars().skip(from).take(to - from).collect();
                    if self.keep(&sub) {
                        out.push(self.token(
                            &sub,
                            token.start + from,
                            token.start + to,
                            &original_bytes,
                        ));
                    }
                }
            }
            // Place names: jieba cuts 幸福路 into 幸福 + 路 and 锦华苑 into 锦华 + 苑; the
            // joined name is what tells one matter from another.
            if let Some(next) = cut.get(i + 1)
                && length >= 2
                && next.start == token.end
                && next.word.chars().count() == 1
                && next.word.chars().all(|c| PLACE_SUFFIXES.contains(c))
                && token.word.chars().all(is_han)
                && !overlaps(next.start, next.end)
            {
                let joined = format!("{}{}", token.word, next.word);
                out.push(self.token(&joined, token.start, next.end, &original_bytes));
            }
        }
        for c in &citations {
            out.push(self.token(&c.article_term(), c.char_start, c.char_end, &original_bytes));
            if let Some(ground) = c.ground(edition) {
                out.push(self.token(ground, c.char_start, c.char_end, &original_bytes));
            }
        }
        out.sort_by_key(|t| t.char_start);
        out
    }

    /// The parts a long word is made of, as character ranges: the split into the fewest
    /// dictionary words (fewest single characters next, longer first parts on a tie), then the
    /// parts of each part. 国有土地上房屋征收 → 国有土地, 国有, 土地, 房屋征收, 房屋, 征收, and not
    /// the accidental 地上 or 上房 that every-substring matching would add.
    fn parts(&self, word: &str) -> Vec<(usize, usize)> {
        let chars: Vec<char> = word.chars().collect();
        let mut out = Vec::new();
        self.split_into(&chars, 0, &mut out);
        out
    }

    fn split_into(&self, chars: &[char], base: usize, out: &mut Vec<(usize, usize)>) {
        let n = chars.len();
        if !(3..=MAX_DECOMPOSED).contains(&n) {
            return;
        }
        // best[i] = (pieces, single characters, end of the first piece) for chars[i..].
        let mut best: Vec<(usize, usize, usize)> = vec![(usize::MAX, usize::MAX, n); n + 1];
        best[n] = (0, 0, n);
        for i in (0..n).rev() {
            for j in ((i + 1)..=n).rev() {
                if i == 0 && j == n {
                    continue;
                }
                let single = j - i == 1;
                if !single {
                    let piece: String = chars[i..j].iter().collect();
                    if !self.jieba.has_word(&piece) {
                        continue;
                    }
                }
                let (pieces, singles, _) = best[j];
                if pieces == usize::MAX {
                    continue;
                }
                let candidate = (pieces + 1, singles + usize::from(single), j);
                if (candidate.0, candidate.1) < (best[i].0, best[i].1) {
                    best[i] = candidate;
                }
            }
        }
        let mut i = 0;
        while i < n {
            let end = best[i].2;
            if end <= i {
                break;
            }
            if end - i >= 2 {
                out.push((base + i, base + end));
                self.split_into(&chars[i..end], base + i, out);
            }
            i = end;
        }
    }

    fn token(&self, word: &str, start: usize, end: usize, bytes: &[usize]) -> AnalyzedToken {
        let at = |i: usize| {
            bytes
                .get(i)
                .copied()
                .unwrap_or(bytes.last().copied().unwrap_or(0))
        };
        AnalyzedToken {
            term: word.to_owned(),
            char_start: start,
            char_end: end,
            byte_start: at(start),
            byte_end: at(end),
        }
    }

    /// The terms of `text` with their frequencies, in first-occurrence order.
    pub fn term_frequencies(&self, text: &str) -> Vec<(String, u32)> {
        self.term_counts(text, None)
            .into_iter()
            .map(|c| (c.term, c.tf))
            .collect()
    }

    /// The terms of `text` with their frequencies and whether they ever stand on their own,
    /// in first-occurrence order, reading citations with `edition`.
    pub fn term_counts(&self, text: &str, edition: Option<Edition>) -> Vec<TermCount> {
        let tokens = self.tokens_for(text, edition);
        let mut order: Vec<TermCount> = Vec::new();
        let mut at: HashMap<String, usize> = HashMap::new();
        for (i, token) in tokens.iter().enumerate() {
            // A part lies strictly inside a longer token (tokens are sorted by start).
            let part = tokens[..i]
                .iter()
                .rev()
                .take(24)
                .chain(tokens[i + 1..].iter().take(24))
                .any(|o| {
                    o.char_start <= token.char_start
                        && token.char_end <= o.char_end
                        && o.char_end - o.char_start > token.char_end - token.char_start
                });
            let slot = *at.entry(token.term.clone()).or_insert_with(|| {
                order.push(TermCount {
                    term: token.term.clone(),
                    tf: 0,
                    whole: 0,
                });
                order.len() - 1
            });
            order[slot].tf += 1;
            if !part {
                order[slot].whole += 1;
            }
        }
        order
    }

    /// The tantivy tokenizer over this analyzer.
    pub fn tokenizer(self: &Arc<Self>) -> ZhTokenizer {
        ZhTokenizer {
            analyzer: Arc::clone(self),
        }
    }
}

/// Our tantivy [`Tokenizer`]: a cheap `Clone` around the shared [`Analyzer`] (tantivy clones
/// tokenizers per segment writer; the dictionary is never copied).
#[derive(Clone, Debug)]
pub struct ZhTokenizer {
    analyzer: Arc<Analyzer>,
}

/// The token stream of [`ZhTokenizer`]: the analysed tokens, produced up front.
pub struct ZhTokenStream {
    tokens: Vec<Token>,
    next: usize,
    empty: Token,
}

impl Tokenizer for ZhTokenizer {
    type TokenStream<'a> = ZhTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ZhTokenStream {
        let tokens = self
            .analyzer
            .tokens_for(text, None)
            .into_iter()
            .enumerate()
            .map(|(position, t)| Token {
                offset_from: t.byte_start,
                offset_to: t.byte_end,
                position,
                text: t.term,
                position_length: 1,
            })
            .collect();
        ZhTokenStream {
            tokens,
            next: 0,
            empty: Token::default(),
        }
    }
}

impl TokenStream for ZhTokenStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        // tantivy reads the token only after `advance` returned true.
        self.tokens
            .get(self.next.wrapping_sub(1))
            .unwrap_or(&self.empty)
    }

    fn token_mut(&mut self) -> &mut Token {
        let i = self.next.wrapping_sub(1);
        if i < self.tokens.len() {
            &mut self.tokens[i]
        } else {
            &mut self.empty
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        Analyzer::shared()
            .unwrap()
            .tokens(text)
            .into_iter()
            .map(|t| t.term)
            .collect()
    }

    #[test]
    fn government_terms_stay_whole_and_yield_their_parts() {
        let t = terms("请公开行政处罚决定书和征收补偿方案");
        for want in [
            "行政处罚决定书",
            "行政处罚",
            "行政",
            "处罚",
            "征收补偿",
            "征收",
            "补偿",
        ] {
            assert!(t.contains(&want.to_owned()), "{want} missing from {t:?}");
        }
        let t = terms("国有土地上房屋征收");
        for want in ["国有土地上房屋征收", "国有土地", "房屋征收", "房屋", "征收"]
        {
            assert!(t.contains(&want.to_owned()), "{want} missing from {t:?}");
        }
        for accidental in ["地上", "上房"] {
            assert!(!t.contains(&accidental.to_owned()), "{accidental} in {t:?}");
        }
    }

    #[test]
    fn place_names_are_joined() {
        let t = terms("幸福路32号，锦华苑7栋");
        assert!(t.contains(&"幸福路".to_owned()), "{t:?}");
        assert!(t.contains(&"锦华苑".to_owned()), "{t:?}");
    }

    #[test]
    fn stop_words_punctuation_and_single_characters_are_dropped() {
        let t = terms("我的，公租房！");
        assert_eq!(t, vec!["公租房".to_owned(), "租房".to_owned()]);
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let text = "ＡＢＣ公司的排污许可证";
        let analyzer = Analyzer::shared().unwrap();
        for t in analyzer.tokens(text) {
            let original = &text[t.byte_start..t.byte_end];
            assert_eq!(Analyzer::normalize(original), t.term);
        }
        assert!(terms(text).contains(&"abc".to_owned()));
    }

    #[test]
    fn citations_become_one_article_term_and_a_ground() {
        let t = terms("根据《条例》第三十八条，不予提供");
        assert!(t.contains(&"第38条".to_owned()), "{t:?}");
        assert!(t.contains(&"§不需加工分析".to_owned()), "{t:?}");
        for noise in ["三十八", "八条", "十八"] {
            assert!(!t.contains(&noise.to_owned()), "{t:?}");
        }
        let analyzer = Analyzer::shared().unwrap();
        let old: Vec<String> = analyzer
            .tokens(&format!("{EDITION_2007_MARKER}依据条例第二十一条答复"))
            .into_iter()
            .map(|t| t.term)
            .collect();
        assert!(old.contains(&"§答复情形".to_owned()), "{old:?}");
    }

    #[test]
    fn the_tokenizer_streams_the_same_terms() {
        let analyzer = Analyzer::shared().unwrap();
        let mut tokenizer = analyzer.tokenizer();
        let mut stream = tokenizer.token_stream("会议纪要");
        let mut seen = Vec::new();
        while let Some(t) = stream.next() {
            seen.push(t.text.clone());
        }
        assert_eq!(seen, terms("会议纪要"));
    }
}
