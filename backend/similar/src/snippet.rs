//! Snippets: the stretch of a hit's text where the matched terms are densest, with every match
//! wrapped in 【】 so staff see at a glance why a case was suggested.

use crate::text::Analyzer;

/// Characters of text in a snippet (the brackets come on top).
pub(crate) const SNIPPET_CHARS: usize = 120;
/// Characters shown before the first match of the chosen window.
const LEAD: usize = 12;

/// Builds a snippet of `text` around `terms` (matched terms with their query weights).
pub(crate) fn snippet(text: &str, terms: &[(String, f32)], max_chars: usize) -> String {
    let original: Vec<char> = text.chars().collect();
    let normalized: Vec<char> = Analyzer::normalize(text).chars().collect();
    // Longest terms first, so 征收补偿 wins over 补偿 where both match.
    let mut ordered: Vec<(Vec<char>, f32, usize)> = terms
        .iter()
        .enumerate()
        .map(|(i, (t, w))| (t.chars().collect(), *w, i))
        .filter(|(c, _, _): &(Vec<char>, f32, usize)| !c.is_empty())
        .collect();
    ordered.sort_by_key(|o| std::cmp::Reverse(o.0.len()));
    let mut taken = vec![false; normalized.len()];
    // (start, end, weight, term index)
    let mut spans: Vec<(usize, usize, f32, usize)> = Vec::new();
    for (chars, weight, index) in &ordered {
        let n = chars.len();
        let mut at = 0;
        while at + n <= normalized.len() {
            if normalized[at..at + n] == chars[..] && !taken[at..at + n].iter().any(|t| *t) {
                taken[at..at + n].iter_mut().for_each(|t| *t = true);
                spans.push((at, at + n, *weight, *index));
                at += n;
            } else {
                at += 1;
            }
        }
    }
    spans.sort_by_key(|s| s.0);
    // The window start (a little before some match) with the most distinct matched weight.
    let mut best = (0usize, -1.0f32);
    for &(start, ..) in &spans {
        let from = start.saturating_sub(LEAD);
        let to = from + max_chars;
        let mut seen: Vec<usize> = Vec::new();
        let mut score = 0.0;
        for &(s, e, w, i) in &spans {
            if s >= from && e <= to && !seen.contains(&i) {
                seen.push(i);
                score += w;
            }
        }
        if score > best.1 {
            best = (from, score);
        }
    }
    let from = best.0.min(original.len());
    let to = (from + max_chars).min(original.len());
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    let mut i = from;
    while i < to {
        if let Some(&(s, e, ..)) = spans.iter().find(|sp| sp.0 == i && sp.1 <= to) {
            out.push('【');
            out.extend(&original[s..e]);
            out.push('】');
            i = e;
        } else {
            // Line breaks between content, description and reply read as spaces.
            let c = original[i];
            if c.is_whitespace() {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            } else {
                out.push(c);
            }
            i += 1;
        }
    }
    if to < original.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_are_bracketed_longest_first() {
        let s = snippet(
            "请公开幸福路征收补偿方案及补偿标准",
            &[("补偿".into(), 1.0), ("征收补偿".into(), 1.0)],
            100,
        );
        assert_eq!(s, "请公开幸福路【征收补偿】方案及【补偿】标准");
    }

    #[test]
    fn the_window_moves_to_the_matches() {
        let text = format!("{}会议纪要{}", "甲".repeat(200), "乙".repeat(200));
        let s = snippet(&text, &[("会议纪要".into(), 1.0)], 40);
        assert!(s.starts_with('…') && s.ends_with('…'));
        assert!(s.contains("【会议纪要】"));
        assert_eq!(s.chars().filter(|c| *c == '甲').count(), LEAD);
    }

    #[test]
    fn full_width_text_matches_normalised_terms() {
        let s = snippet("ＡＢＣ化工排污许可证", &[("abc".into(), 1.0)], 100);
        assert_eq!(s, "【ＡＢＣ】化工排污许可证");
    }
}
