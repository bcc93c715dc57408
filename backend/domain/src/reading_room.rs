//! The public reading room (依申请转主动): information released on an application and found to
//! be of public interest (a 条例44 suggestion accepted, or a reply the agency marks so) is
//! published for everyone — the reply's released documents, already redacted, and a
//! description written for the public. 条例44 has the agency consider disclosing proactively
//! what many ask for; what is published here is only what the reply released (条例36(二),
//! 条例37), never the application itself, the applicant's name or any personal data.
//!
//! What the agency writes is checked for personal data with the redaction patterns (identity
//! and mobile numbers) and the applicant's own name: an entry carrying them is refused, naming
//! the field.

use crate::Disposition;
use crate::case::intake::IntakeIssue;

pub const TITLE_MIN: usize = 4;
pub const TITLE_MAX: usize = 100;
pub const DESCRIPTION_MIN: usize = 10;
pub const DESCRIPTION_MAX: usize = 2000;
pub const TOPIC_MAX: usize = 20;

/// An entry's words, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryText {
    pub title: String,
    pub description: String,
    pub topic: String,
}

fn check(
    issues: &mut Vec<IntakeIssue>,
    field: &str,
    label: &str,
    s: &str,
    min: usize,
    max: usize,
    names: &[&str],
) {
    let n = s.chars().count();
    if n < min {
        issues.push(IntakeIssue::new(
            field,
            "too_short",
            format!("{label}至少{min}个字"),
        ));
    } else if n > max {
        issues.push(IntakeIssue::new(
            field,
            "too_long",
            format!("{label}不得超过{max}个字（现为{n}个字）"),
        ));
    } else if s.chars().any(|c| c.is_control() && c != '\n' && c != '\r') {
        issues.push(IntakeIssue::new(
            field,
            "control_characters",
            format!("{label}含有无法显示的控制字符"),
        ));
    } else if let Some(f) = crate::redaction::find_personal_data(s, names).first() {
        issues.push(IntakeIssue::new(
            field,
            "personal_data",
            format!("{label}含有{}，公开的内容不得含有个人信息", f.kind.label()),
        ));
    }
}

impl EntryText {
    /// Checks what the agency wrote; `names`: the case's applicant names, which must not
    /// appear.
    pub fn parse(
        title: &str,
        description: &str,
        topic: &str,
        names: &[&str],
    ) -> Result<Self, Vec<IntakeIssue>> {
        let (title, description, topic) = (title.trim(), description.trim(), topic.trim());
        let mut issues = Vec::new();
        check(
            &mut issues,
            "title",
            "标题",
            title,
            TITLE_MIN,
            TITLE_MAX,
            names,
        );
        check(
            &mut issues,
            "description",
            "说明",
            description,
            DESCRIPTION_MIN,
            DESCRIPTION_MAX,
            names,
        );
        check(&mut issues, "topic", "主题", topic, 2, TOPIC_MAX, names);
        if issues.is_empty() {
            Ok(Self {
                title: title.to_owned(),
                description: description.to_owned(),
                topic: topic.to_owned(),
            })
        } else {
            Err(issues)
        }
    }
}

/// Why a case's reply cannot be published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No reply released information (only 予以公开 and 部分公开 do).
    NothingReleased,
    /// The reply released no document to publish.
    NoDocuments,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Self::NothingReleased => "nothing_released",
            Self::NoDocuments => "no_released_documents",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Self::NothingReleased => {
                "只有作出“予以公开”或“部分公开”答复的申请，才能将答复提供的信息转为主动公开"
            }
            Self::NoDocuments => "该答复没有随答复提供的文件，无可公开的内容",
        }
    }
}

/// Whether the reply of a case answered `disposition` with `documents` released may go to
/// the reading room.
pub fn may_publish(disposition: Option<Disposition>, documents: usize) -> Result<(), Refusal> {
    if !disposition.is_some_and(Disposition::provides_information) {
        return Err(Refusal::NothingReleased);
    }
    if documents == 0 {
        return Err(Refusal::NoDocuments);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_published_carries_no_personal_data() {
        let ok = EntryText::parse(
            "望江地区旧城改造征收补偿方案",
            "本机关在答复政府信息公开申请时提供了该补偿方案，现转为主动公开。",
            "征收补偿",
            &["张小明"],
        )
        .unwrap();
        assert_eq!(ok.topic, "征收补偿");
        let e = EntryText::parse(
            "张小明申请的补偿方案",
            "联系人手机13800138000，详见附件。",
            "征",
            &["张小明"],
        )
        .unwrap_err();
        let fields: Vec<(&str, &str)> = e.iter().map(|i| (i.field.as_str(), i.code)).collect();
        assert_eq!(
            fields,
            [
                ("title", "personal_data"),
                ("description", "personal_data"),
                ("topic", "too_short")
            ]
        );
    }

    #[test]
    fn only_a_reply_that_released_documents_is_published() {
        assert_eq!(may_publish(Some(Disposition::Disclosed), 2), Ok(()));
        assert_eq!(
            may_publish(Some(Disposition::PartiallyDisclosed), 1),
            Ok(())
        );
        assert_eq!(
            may_publish(Some(Disposition::WithheldStateSecret), 1),
            Err(Refusal::NothingReleased)
        );
        assert_eq!(may_publish(None, 1), Err(Refusal::NothingReleased));
        assert_eq!(
            may_publish(Some(Disposition::Disclosed), 0),
            Err(Refusal::NoDocuments)
        );
    }
}
