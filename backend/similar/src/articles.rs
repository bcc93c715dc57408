//! Citations of the 政府信息公开条例 in case texts, normalised across its two editions
//! (2007 and 2019, numbering table in reference/why-agencies-lose.md). A reply of 2017 citing
//! 第二十一条 and one of 2021 citing 第三十六条 rest on the same ground (答复的各种情形), so
//! both yield the legal-ground term `§答复情形`; the article's own term is written in digits
//! (`第36条`), so 第三十六条 and 第36条 are one term too. The numerals inside a citation are
//! never cut into words of their own (三十八, 八条, …), which would otherwise make replies
//! look alike merely for citing the same article.

/// The edition of the regulation a text cites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edition {
    /// 国务院令第492号, in force 2008-05-01 to 2019-05-14.
    Y2007,
    /// 国务院令第711号, in force from 2019-05-15.
    Y2019,
}

impl Edition {
    /// The edition in force for a case of `year` (2019 counts as the new edition).
    pub fn for_year(year: i32) -> Self {
        if year <= 2018 {
            Edition::Y2007
        } else {
            Edition::Y2019
        }
    }
}

/// One article citation found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    /// Character offsets of the whole citation (第…条 with any 款/项).
    pub char_start: usize,
    pub char_end: usize,
    pub article: u32,
    /// The 项 number, if any (第三十六条第（七）项 → 7).
    pub item: Option<u32>,
    /// The 款 number, if any.
    pub paragraph: Option<u32>,
    /// Whether the citation is of the 条例 (and not of another law).
    pub of_regulation: bool,
}

impl Citation {
    /// The article as a term, in digits: `第36条`.
    pub fn article_term(&self) -> String {
        format!("第{}条", self.article)
    }

    /// The legal ground this citation stands for, the same in both editions (`§过程性信息`…).
    pub fn ground(&self, edition: Edition) -> Option<&'static str> {
        if !self.of_regulation {
            return None;
        }
        let ground = match (edition, self.article) {
            (Edition::Y2019, 14) | (Edition::Y2007, 8) => "§国家秘密与三安全一稳定",
            (Edition::Y2007, 14) if self.paragraph == Some(4) => "§第三方权益",
            (Edition::Y2007, 14) => "§国家秘密与三安全一稳定",
            (Edition::Y2019, 15 | 32) | (Edition::Y2007, 23) => "§第三方权益",
            (Edition::Y2019, 16) => "§内部事务过程性执法案卷",
            (Edition::Y2019, 30) => "§补正",
            (Edition::Y2007, 21) if self.item == Some(4) => "§补正",
            (Edition::Y2019, 33) | (Edition::Y2007, 24) => "§答复期限",
            (Edition::Y2019, 35) => "§数量频次超过合理范围",
            (Edition::Y2019, 36) if self.item == Some(7) => "§登记资料特别规定",
            (Edition::Y2019, 36) | (Edition::Y2007, 21) => "§答复情形",
            (Edition::Y2019, 37) => "§区分处理",
            (Edition::Y2019, 38) => "§不需加工分析",
            (Edition::Y2019, 39) => "§信访投诉举报咨询",
            (Edition::Y2019, 42) | (Edition::Y2007, 27) => "§收费",
            (Edition::Y2007, 13) => "§三需要",
            _ => return None,
        };
        Some(ground)
    }
}

fn digit(c: char) -> Option<u32> {
    match c {
        '〇' | '零' => Some(0),
        '一' => Some(1),
        '二' | '两' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        _ => c.to_digit(10),
    }
}

/// Parses a number at `at` (Chinese numerals up to 九百九十九, or ASCII digits); returns the
/// value and the index after it.
fn number(chars: &[char], at: usize) -> Option<(u32, usize)> {
    let mut i = at;
    if chars.get(i).is_some_and(char::is_ascii_digit) {
        let mut v = 0u32;
        while let Some(d) = chars.get(i).and_then(|c| c.to_digit(10)) {
            v = v.saturating_mul(10).saturating_add(d);
            i += 1;
        }
        return Some((v, i));
    }
    let mut total = 0u32;
    let mut current: Option<u32> = None;
    while let Some(&c) = chars.get(i) {
        match c {
            '十' => {
                total += current.unwrap_or(1) * 10;
                current = None;
            }
            '百' => {
                total += current.unwrap_or(1) * 100;
                current = None;
            }
            _ => match digit(c) {
                Some(d) if !c.is_ascii_digit() => current = Some(d),
                _ => break,
            },
        }
        i += 1;
    }
    if i == at {
        return None;
    }
    Some((total + current.unwrap_or(0), i))
}

/// `第` number `suffix`, or `（`number`）` `suffix` when `parenthesised` forms are allowed.
fn numbered(chars: &[char], at: usize, suffix: char) -> Option<(u32, usize)> {
    let mut i = at;
    if chars.get(i) == Some(&'第') {
        i += 1;
    }
    let (value, after) = if matches!(chars.get(i), Some('(' | '（')) {
        let (v, j) = number(chars, i + 1)?;
        if !matches!(chars.get(j), Some(')' | '）')) {
            return None;
        }
        (v, j + 1)
    } else {
        number(chars, i)?
    };
    (chars.get(after) == Some(&suffix)).then_some((value, after + 1))
}

/// Every article citation in `chars` (already normalised).
pub fn citations(chars: &[char]) -> Vec<Citation> {
    let mut out: Vec<Citation> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '第' {
            i += 1;
            continue;
        }
        let Some((article, mut end)) = numbered(chars, i, '条') else {
            i += 1;
            continue;
        };
        let mut paragraph = None;
        let mut item = None;
        if let Some((p, e)) = numbered(chars, end, '款') {
            paragraph = Some(p);
            end = e;
        }
        if let Some((v, e)) = numbered(chars, end, '项') {
            item = Some(v);
            end = e;
        }
        // A citation of the regulation: 条例 shortly before, or right after another one
        // (第十五条、第三十二条).
        let window = &chars[i.saturating_sub(16)..i];
        let names_regulation = window.windows(2).any(|w| w == ['条', '例']);
        let continues = out
            .last()
            .is_some_and(|prev| prev.of_regulation && i - prev.char_end <= 2);
        out.push(Citation {
            char_start: i,
            char_end: end,
            article,
            item,
            paragraph,
            of_regulation: names_regulation || continues,
        });
        i = end;
    }
    out
}

/// The edition a text names explicitly (2007 年版, 国务院令第492号), if any.
pub fn named_edition(text: &str) -> Option<Edition> {
    if text.contains("492号") || text.contains("2007年版") || text.contains("2007年修订") {
        Some(Edition::Y2007)
    } else if text.contains("711号") || text.contains("2019年修订") {
        Some(Edition::Y2019)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cite(text: &str) -> Vec<Citation> {
        citations(&text.chars().collect::<Vec<_>>())
    }

    #[test]
    fn chinese_and_arabic_numerals_parse() {
        let c = cite("根据《条例》第三十六条第（七）项和第16条第二款");
        assert_eq!(c.len(), 2);
        assert_eq!(
            (c[0].article, c[0].item, c[0].paragraph),
            (36, Some(7), None)
        );
        assert_eq!(
            (c[1].article, c[1].item, c[1].paragraph),
            (16, None, Some(2))
        );
        assert!(c[0].of_regulation && c[1].of_regulation);
        assert_eq!(c[1].article_term(), "第16条");
        assert_eq!(cite("第一百二十条")[0].article, 120);
        assert_eq!(cite("第十条")[0].article, 10);
    }

    #[test]
    fn both_editions_map_to_the_same_ground() {
        let old = &cite("依据《政府信息公开条例》第二十一条")[0];
        let new = &cite("依据《政府信息公开条例》第三十六条")[0];
        assert_eq!(old.ground(Edition::Y2007), new.ground(Edition::Y2019));
        assert_eq!(old.ground(Edition::Y2007), Some("§答复情形"));
        let deadline = &cite("条例第二十四条")[0];
        assert_eq!(deadline.ground(Edition::Y2007), Some("§答复期限"));
        assert_eq!(Edition::for_year(2018), Edition::Y2007);
        assert_eq!(Edition::for_year(2019), Edition::Y2019);
    }

    #[test]
    fn other_laws_are_not_mapped() {
        let c = &cite("根据《土地管理法》第四十七条")[0];
        assert!(!c.of_regulation);
        assert_eq!(c.ground(Edition::Y2019), None);
        let chain = cite("《条例》第十五条、第三十二条");
        assert!(chain[1].of_regulation);
        assert_eq!(chain[1].ground(Edition::Y2019), Some("§第三方权益"));
    }

    #[test]
    fn named_editions_are_recognised() {
        assert_eq!(named_edition("国务院令第492号"), Some(Edition::Y2007));
        assert_eq!(named_edition("条例"), None);
    }
}
