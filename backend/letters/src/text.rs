//! What people typed, made fit to stand in a letter's sentence: a request quoted after
//! 申请获取 without its own 申请公开 or final 。 and with its inner quotation marks nested as
//! GB/T 15834-2011 §4.1.3 nests them (“…‘…’…”), and a clause without its final mark so the
//! letter's own punctuation follows it. Hand-written: these are a few string rules about
//! Chinese punctuation that no library of the field states.

/// Words an applicant writes before what they ask for, which the letter's own
/// 申请获取“…” already says. Only verbs of asking: a bare 申请 may begin a noun (申请人…).
const REQUEST_VERBS: &[&str] = &[
    "申请政府信息公开",
    "申请公开",
    "申请获取",
    "申请提供",
    "请求公开",
    "请求获取",
    "请求提供",
    "要求公开",
    "要求获取",
    "要求提供",
    "请予公开",
    "请公开",
    "请提供",
];

/// Marks that end a sentence or a clause, which the letter's own punctuation replaces.
const END_MARKS: &[char] = &['。', '；', '，', '、', '.', ';', ',', '！', '!', '？', '?'];

/// White space, including the full-width space people type in Chinese text.
fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}'
}

/// `text` as a clause: trimmed, its final punctuation (。；， …) and white space removed.
pub fn clause(text: &str) -> String {
    text.trim_matches(is_space)
        .trim_end_matches(|c: char| END_MARKS.contains(&c) || is_space(c))
        .to_owned()
}

/// A request as a letter quotes it after 申请获取“…”: without a leading verb of asking
/// (申请公开, 请提供, …) and what follows it (a colon), without its final mark, with its own
/// quotation marks nested (“ ” and " become ‘ ’) and any that do not pair dropped, so the
/// letter's quotation is balanced.
pub fn quoted_request(text: &str) -> String {
    let mut t = text.trim_matches(is_space);
    if let Some(rest) = REQUEST_VERBS.iter().find_map(|v| t.strip_prefix(v)) {
        let rest = rest.trim_start_matches(|c: char| c == '：' || c == ':' || is_space(c));
        if !rest.is_empty() {
            t = rest;
        }
    }
    nest_quotes(&clause(t))
}

/// Inner quotation marks as single ones, unpaired ones dropped.
fn nest_quotes(text: &str) -> String {
    // Straight quotes alternate open and close; curly ones say which they are.
    let mut straight_open = false;
    let marks: Vec<Option<bool>> = text
        .chars()
        .map(|c| match c {
            '“' | '‘' => Some(true),
            '”' | '’' => Some(false),
            '"' | '\'' => {
                straight_open = !straight_open;
                Some(straight_open)
            }
            _ => None,
        })
        .collect();
    // Pair each closing mark with the nearest open one; what stays unpaired is dropped.
    let mut keep = vec![false; marks.len()];
    let mut open: Vec<usize> = Vec::new();
    for (i, m) in marks.iter().enumerate() {
        match m {
            Some(true) => open.push(i),
            Some(false) => {
                if let Some(o) = open.pop() {
                    keep[o] = true;
                    keep[i] = true;
                }
            }
            None => {}
        }
    }
    text.chars()
        .zip(marks)
        .enumerate()
        .filter_map(|(i, (c, m))| match m {
            None => Some(c),
            Some(_) if !keep[i] => None,
            Some(true) => Some('‘'),
            Some(false) => Some('’'),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_loses_its_own_verb_and_full_stop() {
        assert_eq!(
            quoted_request("申请公开2025年本区旧城改造项目的会议纪要及评估报告。"),
            "2025年本区旧城改造项目的会议纪要及评估报告"
        );
        assert_eq!(
            quoted_request("  请提供：本镇2025年低保名单；\n"),
            "本镇2025年低保名单"
        );
        // A bare 申请 may begin a noun.
        assert_eq!(quoted_request("申请人名单"), "申请人名单");
        // Nothing but the verb: kept as typed.
        assert_eq!(quoted_request("申请公开"), "申请公开");
    }

    #[test]
    fn inner_quotes_nest_and_unpaired_ones_go() {
        assert_eq!(
            quoted_request("关于“老旧小区改造”项目的批复"),
            "关于‘老旧小区改造’项目的批复"
        );
        assert_eq!(
            quoted_request("关于\"城中村\"改造的文件"),
            "关于‘城中村’改造的文件"
        );
        assert_eq!(
            quoted_request("关于“城中村改造的文件"),
            "关于城中村改造的文件"
        );
        assert_eq!(quoted_request("城中村”改造“文件"), "城中村改造文件");
    }

    #[test]
    fn a_clause_ends_without_its_mark() {
        assert_eq!(
            clause("会议纪要中涉及内部讨论的部分。 "),
            "会议纪要中涉及内部讨论的部分"
        );
        assert_eq!(clause("\u{3000}第三方的联系方式；"), "第三方的联系方式");
    }
}
