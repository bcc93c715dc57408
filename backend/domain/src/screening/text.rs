//! What screening reads in a request text: cue words for the content rules (信访/投诉/举报,
//! consultation questions, publications) and the specifiers (years, months, quarters, issue and
//! document numbers) that tell "the same request again" from "the same kind of request about
//! another period or document".
//!
//! Cue matching is deliberately plain: a handler must be able to see the words that raised a
//! flag and judge them. A cue counts only when it is not part of the *object* of an ordinary
//! request: "要求查处" on its own is a demand (条例39(一)), but "依法查处的处理结果" asks for an
//! existing record, so a cue followed in the same clause by a record noun is not counted.

use std::collections::{BTreeMap, BTreeSet};

/// Folds full-width ASCII forms and the ideographic space to ASCII and lowercases, keeping the
/// number of characters.
pub(crate) fn fold(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Characters that end a clause: a cue's object does not reach past them.
fn is_clause_end(c: char) -> bool {
    matches!(
        c,
        ',' | '.' | ';' | '!' | '?' | '\n' | '，' | '。' | '；' | '！' | '？'
    )
}

/// How far after a cue (in characters) its object is looked for.
const OBJECT_REACH: usize = 16;

/// Demands and accusations that make a request a 信访、投诉、举报 in disguise (条例39(一)), and the
/// phrasing of the Hangzhou mechanism's "依申请公开信访化" (legal.md §6.3).
pub const PETITION_CUES: &[&str] = &[
    "投诉",
    "举报",
    "信访",
    "上访",
    "反映问题",
    "反映",
    "制止",
    "坚决反对",
    "要求查处",
    "请求查处",
    "依法查处",
    "严肃查处",
    "予以查处",
    "追究",
    "严肃处理",
    "严厉处理",
    "责令",
    "要求调查",
    "进行调查",
    "彻查",
    "给个说法",
    "给我一个说法",
    "讨个说法",
    "讨回公道",
    "主持公道",
    "要求赔偿",
    "请领导",
];

/// Questions asking the agency to explain, judge or advise, rather than for information it
/// has made or obtained (条例第二条、第三十八条).
pub const CONSULTATION_CUES: &[&str] = &[
    "为什么",
    "为何",
    "凭什么",
    "是否合法",
    "是否合理",
    "是否符合",
    "是否违法",
    "是否应当",
    "合不合法",
    "请解释",
    "请说明",
    "请解答",
    "请问",
    "请告知",
    "如何",
    "怎么",
    "怎样",
    "有何依据",
    "依据是什么",
    "能否",
    "可否",
    "应得多少",
    "什么时候",
    "会不会",
    "是不是",
    "有没有",
    "能不能",
    "可不可以",
    "多久",
    "帮我查",
    "查一下",
    "查询一下",
];

/// Public publications (条例39(二): 政府公报、报刊、书籍等公开出版物).
pub const PUBLICATION_CUES: &[&str] = &[
    "公报",
    "政报",
    "年鉴",
    "报纸",
    "报刊",
    "书籍",
    "出版物",
    "期刊",
    "杂志",
    "地方志",
    "市志",
    "区志",
    "县志",
    "志书",
    "日报",
    "晚报",
    "合订本",
];

/// Nouns naming a record or a body of information: a cue followed by one of these in the same
/// clause is the subject of an ordinary request ("投诉举报件数量", "依法查处的处理结果").
const RECORD_NOUNS: &[&str] = &[
    "文件",
    "批复",
    "通知",
    "决定",
    "报告",
    "记录",
    "纪要",
    "名单",
    "数据",
    "数量",
    "件数",
    "统计",
    "情况",
    "结果",
    "意见书",
    "答复书",
    "告知书",
    "台账",
    "清单",
    "合同",
    "方案",
    "材料",
    "凭证",
    "电话",
    "渠道",
    "办法",
    "规定",
    "制度",
    "细则",
    "目录",
    "汇总",
    "明细",
    "登记表",
    "审查意见",
    "依据的",
];

/// Aspects of a publication that make it an ordinary request about the publication (its
/// cost, contract, printing), not a request for copies of it.
const PUBLICATION_ASPECTS: &[&str] = &[
    "费用",
    "经费",
    "支出",
    "合同",
    "采购",
    "预算",
    "印刷",
    "发行",
    "编纂",
    "编制",
    "编辑",
    "招标",
    "订阅",
    "刊登",
    "工作",
    "情况",
    "数量",
    "中关于",
    "中的",
    "所载",
    "来源",
];

/// Words that open a demand on the agency ("请贵局介入", "希望有关部门依法处罚").
const DEMANDS: &[&str] = &[
    "强烈要求",
    "恳请",
    "恳求",
    "请求",
    "要求",
    "希望",
    "务必",
    "请",
];

/// What a demand asks the agency to do when it is a complaint or a petition rather than a
/// request for information: enforce, punish, redress, intervene.
const REMEDIES: &[&str] = &[
    "处罚",
    "处理",
    "查处",
    "整改",
    "制止",
    "介入",
    "严惩",
    "惩处",
    "撤销",
    "取缔",
    "拆除",
    "赔偿",
    "追究",
    "调查",
    "审查",
    "纠正",
    "解决",
    "退还",
    "罚款",
    "吊销",
    "关停",
    "停业",
    "问责",
    "处分",
    "管一管",
    "做主",
    "查办",
    "督办",
];

/// Verbs of an ordinary request: a clause that asks to disclose or provide is not a demand.
const DISCLOSURE_VERBS: &[&str] = &["公开", "提供", "获取", "查阅", "复制", "告知获取"];

/// Question words: a clause ending in a question mark with one of these asks the agency a
/// question.
const INTERROGATIVES: &[&str] = &[
    "为什么",
    "为何",
    "什么",
    "哪些",
    "哪里",
    "哪个",
    "多少",
    "如何",
    "怎么",
    "是否",
    "谁",
    "几",
    "吗",
    "呢",
];

/// Quantities that make a title in 《》 a copy of a publication ("《某区政策汇编》一册").
const COPIES: &[&str] = &[
    "一册",
    "一本",
    "一套",
    "一部",
    "各期",
    "合订本",
    "全本",
    "样书",
    "样刊",
];

/// Words in a title that make it a normative document, not a publication.
const DOCUMENT_TITLES: &[&str] = &[
    "条例", "法", "办法", "规定", "细则", "意见", "通知", "决定", "方案", "规划", "标准",
];

/// The folded text's clauses, each with the character that ended it (None at the end).
fn clauses(folded: &str) -> Vec<(String, Option<char>)> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in folded.chars() {
        if is_clause_end(c) {
            out.push((std::mem::take(&mut current), Some(c)));
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        out.push((current, None));
    }
    out
}

/// Demands for enforcement or redress: in one clause that asks for no disclosure, a demand
/// word followed within a few characters by a remedy that is not the subject of a record noun.
/// Reported as the phrase from the demand to the remedy ("请贵局介入").
fn demand_phrases(folded: &str) -> Vec<String> {
    const REACH: usize = 14;
    let mut out = Vec::new();
    for (clause, _) in clauses(folded) {
        if DISCLOSURE_VERBS.iter().any(|v| clause.contains(v)) {
            continue;
        }
        let chars: Vec<char> = clause.chars().collect();
        let Some((start, demand)) = (0..chars.len()).find_map(|i| {
            DEMANDS.iter().find_map(|d| {
                let d: Vec<char> = d.chars().collect();
                (chars.get(i..i + d.len()) == Some(&d[..])).then_some((i, d.len()))
            })
        }) else {
            continue;
        };
        let after: String = chars[start + demand..].iter().take(REACH).collect();
        let hit = REMEDIES
            .iter()
            .filter_map(|r| after.find(r).map(|at| (at, r)))
            .min();
        if let Some((at, remedy)) = hit {
            let tail: String = after[at + remedy.len()..]
                .chars()
                .take(OBJECT_REACH)
                .collect();
            if RECORD_NOUNS.iter().any(|n| tail.contains(n)) {
                continue;
            }
            let head: String = chars[start..start + demand].iter().collect();
            out.push(format!("{head}{}", &after[..at + remedy.len()]));
        }
    }
    out
}

/// Questions: clauses that end in a question mark and hold a question word, reported as the
/// word and the mark ("吗？").
fn question_marks(folded: &str) -> Vec<String> {
    clauses(folded)
        .into_iter()
        .filter(|(_, end)| *end == Some('?'))
        .filter_map(|(clause, _)| {
            INTERROGATIVES
                .iter()
                .find(|w| clause.contains(*w))
                .map(|w| format!("{w}？"))
        })
        .collect()
}

/// Titles in 《》 asked for as copies ("《某区政策汇编》一册"), not normative documents.
fn copies_of_titles(folded: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (clause, _) in clauses(folded) {
        if !COPIES.iter().any(|c| clause.contains(c))
            || PUBLICATION_ASPECTS.iter().any(|a| clause.contains(a))
        {
            continue;
        }
        let mut rest = clause.as_str();
        while let Some(open) = rest.find('《') {
            let after = &rest[open + '《'.len_utf8()..];
            let Some(close) = after.find('》') else {
                break;
            };
            let title = &after[..close];
            if !DOCUMENT_TITLES.iter().any(|d| title.contains(d)) {
                out.push(format!("《{title}》"));
            }
            rest = &after[close..];
        }
    }
    out
}

/// The cue words, then the structural findings that do not restate one of them.
fn merged(mut a: Vec<String>, b: Vec<String>) -> Vec<String> {
    for x in b {
        let bare = x.trim_end_matches('？');
        if !a
            .iter()
            .any(|w| bare.contains(w.as_str()) || w.contains(bare))
        {
            a.push(x);
        }
    }
    a
}

fn with_extra<'a>(built_in: &'a [&'a str], extra: &'a [String]) -> Vec<&'a str> {
    built_in
        .iter()
        .copied()
        .chain(extra.iter().map(String::as_str).filter(|s| !s.is_empty()))
        .collect()
}

/// The cue words of `cues` that occur in `text` and are not the subject of a record noun (or,
/// for publications, of an aspect noun) in the same clause. Cues contained in a longer
/// matched cue are reported once, as the longer one.
fn live_cues(text: &str, cues: &[&str], objects: &[&str]) -> Vec<String> {
    let folded = fold(text);
    let chars: Vec<char> = folded.chars().collect();
    let mut found: Vec<(usize, usize, &str)> = Vec::new();
    for &cue in cues {
        let cue_chars: Vec<char> = cue.chars().collect();
        if cue_chars.is_empty() || cue_chars.len() > chars.len() {
            continue;
        }
        for start in 0..=(chars.len() - cue_chars.len()) {
            if chars[start..start + cue_chars.len()] != cue_chars[..] {
                continue;
            }
            let end = start + cue_chars.len();
            let reach: String = chars[end..]
                .iter()
                .take(OBJECT_REACH)
                .take_while(|c| !is_clause_end(**c))
                .collect();
            if objects.iter().any(|o| reach.contains(o)) {
                continue;
            }
            found.push((start, end, cue));
        }
    }
    // Keep the longest cue at each place ("要求查处" over "查处", "给我一个说法" over "说法").
    found.sort_by(|a, b| a.0.cmp(&b.0).then((b.1 - b.0).cmp(&(a.1 - a.0))));
    let mut kept: Vec<(usize, usize, &str)> = Vec::new();
    for f in found {
        if kept.iter().any(|k| f.0 >= k.0 && f.1 <= k.1) {
            continue;
        }
        kept.retain(|k| !(k.0 >= f.0 && k.1 <= f.1));
        kept.push(f);
    }
    let mut words: Vec<String> = Vec::new();
    for (_, _, cue) in kept {
        if !words.iter().any(|w| w == cue) {
            words.push(cue.to_owned());
        }
    }
    words
}

/// Petition, complaint and report cues in `text` (条例39(一)): the cue words (and an agency's
/// `extra` words), then demands for enforcement or redress ("请贵局介入").
pub fn petition_cues(text: &str, extra: &[String]) -> Vec<String> {
    merged(
        live_cues(text, &with_extra(PETITION_CUES, extra), RECORD_NOUNS),
        demand_phrases(&fold(text)),
    )
}

/// Consultation cues in `text`: the cue words (and `extra`), then question clauses ("吗？").
pub fn consultation_cues(text: &str, extra: &[String]) -> Vec<String> {
    merged(
        live_cues(text, &with_extra(CONSULTATION_CUES, extra), RECORD_NOUNS),
        question_marks(&fold(text)),
    )
}

/// Publication cues in `text` (条例39(二)): the cue words (and `extra`), then titles asked for
/// as copies ("《某区政策汇编》一册").
pub fn publication_cues(text: &str, extra: &[String]) -> Vec<String> {
    merged(
        live_cues(
            text,
            &with_extra(PUBLICATION_CUES, extra),
            PUBLICATION_ASPECTS,
        ),
        copies_of_titles(&fold(text)),
    )
}

/// Framing that nearly every request shares: the statute invoked, the request verb, the
/// delivery wish. It says nothing about *what* is asked for.
pub const FRAMING: &[&str] = &[
    "根据《中华人民共和国政府信息公开条例》",
    "依据《中华人民共和国政府信息公开条例》",
    "根据《政府信息公开条例》",
    "依据《政府信息公开条例》",
    "本人申请公开",
    "现申请公开",
    "申请公开",
    "请依法公开",
    "请予公开",
    "请公开",
    "请提供",
    "申请获取",
    "以纸质形式邮寄",
    "通过电子邮件提供",
    "以电子邮件形式提供",
    "谢谢",
];

/// Words that mark a leading clause ending in a colon as a salutation ("致杭州市规划和自然资源局：")
/// or a preamble about earlier applications ("本人曾于2023年4月17日申请过，现再次申请：").
const PREAMBLE_MARKS: &[&str] = &[
    "申请",
    "致",
    "局",
    "厅",
    "委",
    "政府",
    "办公室",
    "领导",
    "单位",
    "中心",
];

/// How far into the text (in characters) a salutation or preamble may reach.
const PREAMBLE_REACH: usize = 48;

/// The request itself, for near-duplicate signatures and specifiers: the folded text without a
/// leading salutation or preamble about earlier applications (a clause of at most
/// `PREAMBLE_REACH` characters ending in a colon, or a leading parenthesis, that names an
/// agency or mentions 申请) and without the shared [`FRAMING`]. Punctuation is kept. The server
/// computes its MinHash signatures on this text, so that "致…局：" or "第3次申请：" in front of
/// the same request does not make it look new.
pub fn request_core(text: &str) -> String {
    let mut t: String = fold(text).trim().to_owned();
    for _ in 0..3 {
        let chars: Vec<char> = t.chars().collect();
        let colon = chars
            .iter()
            .take(PREAMBLE_REACH)
            .position(|&c| c == '：' || c == ':');
        let paren = match chars.first() {
            Some('（') | Some('(') => chars
                .iter()
                .take(PREAMBLE_REACH)
                .position(|&c| c == '）' || c == ')'),
            _ => None,
        };
        let Some(end) = colon.or(paren) else {
            break;
        };
        let head: String = chars[..end].iter().collect();
        if !PREAMBLE_MARKS.iter().any(|m| head.contains(m)) {
            break;
        }
        t = chars[end + 1..]
            .iter()
            .collect::<String>()
            .trim()
            .to_owned();
    }
    for f in FRAMING {
        t = t.replace(f, "");
    }
    t
}

/// The value of a run of Chinese numerals ("十二" → 12, "二〇二四" → 2024), or `None`.
fn chinese_number(run: &[char]) -> Option<u32> {
    let digit = |c: char| -> Option<u32> {
        Some(match c {
            '〇' | '零' => 0,
            '一' => 1,
            '二' | '两' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => return None,
        })
    };
    if run.is_empty() {
        return None;
    }
    if !run.contains(&'十') {
        // Digit by digit: 二〇二四.
        return run
            .iter()
            .try_fold(0u32, |acc, &c| Some(acc.checked_mul(10)? + digit(c)?));
    }
    // 十, 十二, 二十, 二十三.
    let pos = run.iter().position(|&c| c == '十')?;
    let tens = match pos {
        0 => 1,
        1 => digit(run[0])?,
        _ => return None,
    };
    let units = match run.len() - pos - 1 {
        0 => 0,
        1 => digit(run[pos + 1])?,
        _ => return None,
    };
    Some(tens * 10 + units)
}

fn is_chinese_numeral(c: char) -> bool {
    "〇零一二两三四五六七八九十".contains(c)
}

/// Markers after which a number refers to an earlier application rather than to the
/// information sought ("申请编号YS-2024-00123").
const REFERENCE_MARKERS: &[&str] = &[
    "申请编号",
    "受理编号",
    "受理号",
    "申请号",
    "回执号",
    "编号为",
];

/// The numbers that pick one period, issue or document out of a kind ("2024年3月", "第二季度",
/// "〔2023〕15号"). Numbers that only count attempts ("第3次"), dates of earlier events
/// ("曾于2024年3月5日申请") and the numbers of earlier applications are left out: they change
/// between repeats without changing what is asked for.
fn numbers(text: &str) -> BTreeSet<String> {
    let chars: Vec<char> = fold(text).chars().collect();
    let mut out = BTreeSet::new();
    let mut skip_until = 0usize;
    let mut i = 0usize;
    while i < chars.len() {
        if i < skip_until {
            i += 1;
            continue;
        }
        // An earlier application's number: skip to the end of the clause.
        if let Some(marker) = REFERENCE_MARKERS.iter().find(|m| {
            let m: Vec<char> = m.chars().collect();
            chars.get(i..i + m.len()).is_some_and(|s| s == &m[..])
        }) {
            let mut j = i + marker.chars().count();
            while j < chars.len() && !is_clause_end(chars[j]) {
                j += 1;
            }
            skip_until = j;
            i = j;
            continue;
        }
        let c = chars[i];
        let arabic = c.is_ascii_digit();
        let chinese = is_chinese_numeral(c);
        if !arabic && !chinese {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len()
            && (if arabic {
                chars[i].is_ascii_digit()
            } else {
                is_chinese_numeral(chars[i])
            })
        {
            i += 1;
        }
        let run = &chars[start..i];
        let next = chars.get(i).copied();
        let value = if arabic {
            run.iter()
                .collect::<String>()
                .trim_start_matches('0')
                .to_owned()
        } else {
            // Chinese numerals count only before a unit that makes them a specifier; "一" in
            // "一份" or "统一" is not one.
            let unit_follows = matches!(next, Some('年' | '月' | '期' | '号' | '批' | '届'))
                || chars.get(i..i + 2).is_some_and(|s| s == ['季', '度']);
            if !unit_follows {
                continue;
            }
            match chinese_number(run) {
                Some(n) => n.to_string(),
                None => continue,
            }
        };
        // Attempt counts: 第3次, 三次.
        if next == Some('次') {
            continue;
        }
        // A dated earlier event, a full date after 于 ("曾于2024年3月5日申请过"): skip the
        // date. A year alone after 于 ("于2020年提交的信访事项") may be what is asked for.
        if start >= 1
            && (chars[start - 1] == '于' || (start >= 2 && chars[start - 2] == '于'))
            && next == Some('年')
        {
            let mut j = i;
            while j < chars.len() && (chars[j].is_ascii_digit() || "年月日号".contains(chars[j]))
            {
                j += 1;
            }
            let date: String = chars[i..j].iter().collect();
            if date.contains('月') && (date.contains('日') || date.contains('号')) {
                skip_until = j;
                i = j;
                continue;
            }
        }
        out.insert(if value.is_empty() {
            "0".to_owned()
        } else {
            value
        });
    }
    out
}

/// Place and entity suffixes, longest first, each with the kind of name it ends: the one or
/// two characters before it name the village, town, community, road, river, district, agency
/// or company a request is about.
const NAME_SUFFIXES: &[(&str, &str)] = &[
    ("有限公司", "company"),
    ("街道", "town"),
    ("社区", "community"),
    ("小区", "community"),
    ("集团", "company"),
    ("公司", "company"),
    ("村", "village"),
    ("镇", "town"),
    ("路", "road"),
    ("河", "water"),
    ("港", "water"),
    ("溪", "water"),
    ("区", "district"),
    ("局", "agency"),
];

/// Ordinary words that end in a suffix: not names.
const NOT_NAMES: &[&str] = &[
    "农村",
    "乡村",
    "本村",
    "该村",
    "全村",
    "各村",
    "城镇",
    "乡镇",
    "本镇",
    "该镇",
    "全镇",
    "各镇",
    "马路",
    "道路",
    "公路",
    "铁路",
    "线路",
    "思路",
    "本路",
    "该路",
    "出路",
    "本区",
    "该区",
    "全区",
    "各区",
    "市区",
    "景区",
    "园区",
    "辖区",
    "郊区",
    "街区",
    "城河",
    "本河",
    "该河",
    "分公司",
    "本公司",
    "该公司",
    "子公司",
    "本局",
    "贵局",
    "该局",
    "各局",
    "当局",
    "格局",
    "布局",
    "全局",
];

/// Characters that are never part of a name: function words and date units ("的路", "于镇").
const NOT_IN_NAME: &str = "的在于和与及对从向至年月日号某之";

/// Characters a name does not run across beyond its last character: administrative units
/// ("西湖区东河" names the river 东, not 区东).
const NAME_BOUNDARY: &str = "村镇路河港溪区局道市省县";

fn suffix_at(chars: &[char], i: usize) -> Option<(&'static str, &'static str)> {
    NAME_SUFFIXES.iter().copied().find(|(suf, _)| {
        let suf: Vec<char> = suf.chars().collect();
        chars.get(i..i + suf.len()).is_some_and(|w| w == &suf[..])
    })
}

/// How many characters before a suffix of this kind name it: company names are long
/// ("某餐饮管理有限公司" and "某物业管理有限公司" are different companies), place names short.
fn name_length(kind: &str) -> usize {
    if kind == "company" { 4 } else { 2 }
}

/// The names a request is about, by kind: the Han characters before each suffix (two, four
/// for companies), stopping at a boundary. A suffix directly followed by another is inside a
/// name ("蒋村街道" is a town, not a village).
fn names(text: &str) -> BTreeMap<&'static str, BTreeSet<String>> {
    let chars: Vec<char> = fold(text).chars().collect();
    let is_han = |c: char| ('\u{4E00}'..='\u{9FFF}').contains(&c) && !NOT_IN_NAME.contains(c);
    let mut out: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    let mut i = 0usize;
    while i < chars.len() {
        let Some((suffix, kind)) = suffix_at(&chars, i) else {
            i += 1;
            continue;
        };
        let len = suffix.chars().count();
        if suffix_at(&chars, i + len).is_some() {
            i += len;
            continue;
        }
        let mut before: Vec<char> = Vec::new();
        for back in 1..=name_length(kind) {
            let Some(&c) = i.checked_sub(back).and_then(|j| chars.get(j)) else {
                break;
            };
            // The character next to the suffix may be a unit ("蒋村街道"); further ones not.
            if !is_han(c) || (back > 1 && NAME_BOUNDARY.contains(c)) {
                break;
            }
            before.push(c);
        }
        let ordinary = before.first().is_some_and(|c| {
            let word = format!("{c}{suffix}");
            NOT_NAMES.contains(&word.as_str())
        });
        if !before.is_empty() && !ordinary {
            out.entry(kind)
                .or_default()
                .insert(before.iter().rev().collect());
        }
        i += len;
    }
    out
}

/// What picks one piece of information out of its kind: the numbers (periods, issues,
/// document numbers) and the names of places and entities a request is about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Specifiers {
    pub numbers: BTreeSet<String>,
    /// Names by kind ("village" → {"周家"}).
    pub names: BTreeMap<&'static str, BTreeSet<String>>,
}

/// The specifiers of a request text, read from its [`request_core`].
pub fn specifiers(text: &str) -> Specifiers {
    let core = request_core(text);
    Specifiers {
        numbers: numbers(&core),
        names: names(&core),
    }
}

fn comparable(a: &BTreeSet<String>, b: &BTreeSet<String>) -> bool {
    a.is_subset(b) || b.is_subset(a)
}

impl Specifiers {
    /// Whether two requests can be about the same information: their numbers, and their names
    /// of each kind both mention, are comparable (one set contains the other). A repeat may
    /// narrow, widen or restate a request; a request for another month, document number or
    /// village is another request, however alike the sentences.
    pub fn agree(&self, other: &Specifiers) -> bool {
        comparable(&self.numbers, &other.numbers)
            && self.names.iter().all(|(suffix, mine)| {
                other
                    .names
                    .get(suffix)
                    .is_none_or(|theirs| comparable(mine, theirs))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn petition_cues_are_demands_not_subjects() {
        assert_eq!(
            petition_cues(
                "我要举报某村干部侵占征地补偿款，要求查处并追究其责任。",
                &[]
            ),
            vec!["举报", "要求查处", "追究"]
        );
        assert!(petition_cues("请公开2023年本局受理的投诉举报件数量及办理结果", &[]).is_empty());
        assert!(petition_cues("请公开贵局对某小区违建依法查处的处理结果", &[]).is_empty());
        assert!(petition_cues("请公开对某村干部追究责任的处理决定书", &[]).is_empty());
    }

    #[test]
    fn consultation_cues_are_questions_not_documents() {
        assert_eq!(
            consultation_cues("请问某村征地补偿标准是否合法？", &[]),
            vec!["请问", "是否合法"]
        );
        assert!(consultation_cues("请公开关于如何计算征地补偿标准的文件", &[]).is_empty());
        assert!(consultation_cues("请公开某项目是否符合规划的审查意见书", &[]).is_empty());
    }

    #[test]
    fn publication_cues_are_copies_not_costs() {
        assert_eq!(
            publication_cues("请提供2023年全年各期《杭州市人民政府公报》纸质版", &[]),
            vec!["公报"]
        );
        assert!(publication_cues("请公开2023年《杭州年鉴》编纂工作的经费支出明细", &[]).is_empty());
        assert!(publication_cues("请公开本局在报纸上刊登公告的费用", &[]).is_empty());
    }

    #[test]
    fn demands_questions_and_copies_are_read_from_the_structure() {
        assert_eq!(
            petition_cues("某公司以次充好，请贵局介入。", &[]),
            vec!["请贵局介入"]
        );
        assert!(petition_cues("请公开对某公司依法处罚的决定书", &[]).is_empty());
        assert_eq!(
            consultation_cues("小区旁建垃圾站合理吗？", &[]),
            vec!["吗？"]
        );
        assert_eq!(
            publication_cues("申请获取《西湖区政策汇编》一册。", &[]),
            vec!["《西湖区政策汇编》"]
        );
        assert!(publication_cues("请提供《杭州市物业管理条例》一份", &[]).is_empty());
        // An agency's own words extend the lists.
        let extra = vec!["鸣冤".to_owned()];
        assert_eq!(petition_cues("为我鸣冤", &extra), vec!["鸣冤"]);
    }

    #[test]
    fn full_width_text_is_folded_before_matching() {
        assert_eq!(numbers("２０２４年３月"), set(&["2024", "3"]));
        assert_eq!(petition_cues("强烈要求查处！", &[]), vec!["要求查处"]);
    }

    #[test]
    fn numbers_pick_periods_and_documents() {
        assert_eq!(
            numbers("请公开2024年3月西湖区空气质量监测数据"),
            set(&["2024", "3"])
        );
        assert_eq!(
            numbers("请公开2024年第二季度的监测报告"),
            set(&["2024", "2"])
        );
        assert_eq!(
            numbers("请公开杭政办〔2023〕15号文件全文"),
            set(&["2023", "15"])
        );
        assert_eq!(
            numbers("请公开二〇二三年十二月的会议纪要"),
            set(&["2023", "12"])
        );
        // "一" in 一份 and 统一 is not a specifier.
        assert!(numbers("请提供统一规划的一份文件").is_empty());
    }

    #[test]
    fn request_core_drops_salutations_preambles_and_framing() {
        let plain = request_core("请公开2019年三墩镇周家村征地批复，谢谢。");
        assert_eq!(plain, "2019年三墩镇周家村征地批复,。");
        for variant in [
            "致杭州市规划和自然资源局：请公开2019年三墩镇周家村征地批复，谢谢。",
            "本人曾于2023年4月17日申请过，现再次申请：请公开2019年三墩镇周家村征地批复，谢谢。",
            "（重复申请）请公开2019年三墩镇周家村征地批复，谢谢。",
        ] {
            assert_eq!(request_core(variant), plain, "{variant}");
        }
        // A colon inside the request stays.
        assert_eq!(request_core("项目名称：某路改造"), "项目名称:某路改造");
    }

    #[test]
    fn names_pick_places_and_entities() {
        let n = names("请公开西湖区三墩镇周家村农村土地征收批复及杭州某置业有限公司的出让合同");
        assert_eq!(n.get("village"), Some(&set(&["周家"])));
        assert_eq!(n.get("town"), Some(&set(&["三墩"])));
        assert_eq!(n.get("district"), Some(&set(&["西湖"])));
        assert_eq!(n.get("company"), Some(&set(&["置业"])));
        assert_eq!(
            names("杭州某餐饮管理有限公司").get("company"),
            Some(&set(&["餐饮管理"]))
        );
        assert!(names("本区城镇道路的市区段，请贵局公开").is_empty());
        assert_eq!(names("上城区").get("district"), Some(&set(&["上城"])));
        assert_eq!(names("萧山区").get("district"), Some(&set(&["萧山"])));
        // A one-character name after a boundary; rivers and ports are one kind.
        assert_eq!(names("西湖区东河整治").get("water"), Some(&set(&["东"])));
        assert_eq!(names("在五常港").get("water"), Some(&set(&["五常"])));
        let town = names("西湖区蒋村街道");
        assert_eq!(town.get("town"), Some(&set(&["蒋村"])));
        assert_eq!(town.get("village"), None);
    }

    #[test]
    fn specifiers_ignore_attempts_earlier_dates_and_application_numbers() {
        let first = numbers("请公开某地块2022年征地批复");
        let again = numbers(
            "本人曾于2023年3月5日申请过，现第3次申请：请公开某地块2022年征地批复（申请编号YS-2023-00123）",
        );
        assert_eq!(first, again);
        // A year alone after 于 may be what is asked for.
        assert_eq!(
            numbers("本人于2020年提交的信访事项的处理意见书"),
            set(&["2020"])
        );
    }

    #[test]
    fn specifiers_allow_narrowing_but_not_another_period_or_place() {
        let march = specifiers("请公开2024年3月西湖区空气质量监测数据");
        let april = specifiers("请公开2024年4月西湖区空气质量监测数据");
        let year = specifiers("请公开2024年西湖区空气质量监测数据");
        let other = specifiers("请公开2024年3月拱墅区空气质量监测数据");
        let bare = specifiers("请公开空气质量监测数据");
        assert!(!march.agree(&april));
        assert!(march.agree(&year) && year.agree(&march));
        assert!(!march.agree(&other));
        assert!(bare.agree(&march));
        let village = specifiers("请公开2019年三墩镇周家村征地批复");
        let neighbour = specifiers("请公开2019年三墩镇石马村征地批复");
        let restated = specifiers("再次申请周家村2019年的征地批复");
        assert!(!village.agree(&neighbour));
        assert!(village.agree(&restated));
    }
}
