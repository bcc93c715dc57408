//! Documents of a case: what each is for (its purpose), which kinds of file are accepted,
//! who may add one of each purpose and when, and who may read it.
//!
//! The purposes follow the paths a document takes in a disclosure case: what the applicant
//! sends (identity proof, supporting papers, 补正 material, 条例29/30), what the clerk keeps
//! of a paper application (the scan, the envelope whose postmark fixes the receipt date,
//! 条例31(二)), what the handler gathers (a third party's or another agency's opinion, 条例32,
//! and the information to be provided, 条例36), and what a reconsideration body decides. The
//! media types are the ones an office meets: PDF, images, OFD (GB/T 33190, the national
//! layout format), Office Open XML and plain text.

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::Role;
use crate::case::Status;
use crate::case::intake::code_enum;

code_enum!(
    /// What a document is for.
    Purpose {
        IdentityProof => "identity_proof", "身份证明";
        Supporting => "supporting", "申请材料";
        Correction => "correction", "补正材料";
        PaperApplication => "paper_application", "纸质申请扫描件";
        Envelope => "envelope", "信封（邮戳）";
        Opinion => "opinion", "第三方或有关机关意见";
        Provided => "provided", "提供的政府信息";
        Decision => "decision", "复议或诉讼文书";
    }
);

code_enum!(
    /// The kinds of file accepted, decided from the content, never from the name.
    MediaType {
        Pdf => "application/pdf", "PDF";
        Jpeg => "image/jpeg", "JPEG 图片";
        Png => "image/png", "PNG 图片";
        Ofd => "application/ofd", "OFD 版式文件";
        Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word 文档（docx）";
        Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel 表格（xlsx）";
        Txt => "text/plain", "纯文本";
    }
);

impl MediaType {
    /// The file name extension that goes with the type (without the dot).
    pub fn extension(self) -> &'static str {
        match self {
            MediaType::Pdf => "pdf",
            MediaType::Jpeg => "jpg",
            MediaType::Png => "png",
            MediaType::Ofd => "ofd",
            MediaType::Docx => "docx",
            MediaType::Xlsx => "xlsx",
            MediaType::Txt => "txt",
        }
    }

    /// The accepted types as a Chinese list, for messages.
    pub fn labels() -> String {
        Self::ALL
            .iter()
            .map(|m| m.label())
            .collect::<Vec<_>>()
            .join("、")
    }
}

impl Purpose {
    /// Who adds documents of this purpose. The applicant sends their own papers; a clerk
    /// keeps what arrived on paper (and may file the applicant's papers for them); the
    /// handler gathers opinions and the information provided; a reconsideration body files
    /// its decisions.
    pub fn added_by(self) -> &'static [Role] {
        use Role::*;
        match self {
            Purpose::IdentityProof | Purpose::Supporting | Purpose::Correction => {
                &[Applicant, Clerk]
            }
            Purpose::PaperApplication | Purpose::Envelope => &[Clerk],
            Purpose::Opinion | Purpose::Provided => &[Handler],
            Purpose::Decision => &[ReconsiderationBody],
        }
    }

    /// Whether documents of this purpose came from the applicant's side, so that the
    /// applicant sees them on their case (what they sent, even when a clerk filed it for
    /// them). The rest is the agency's working material until it is sent to them.
    pub fn from_applicant(self) -> bool {
        matches!(
            self,
            Purpose::IdentityProof | Purpose::Supporting | Purpose::Correction
        )
    }

    /// The purposes a role may add, for forms.
    pub fn for_role(role: Role) -> Vec<Purpose> {
        Self::ALL
            .iter()
            .copied()
            .filter(|p| p.added_by().contains(&role))
            .collect()
    }
}

/// What a reply sends with it: the information provided, where the disposition provides
/// information (条例36(二) 提供该政府信息, 37 提供可以公开的部分). The content a redacted copy
/// was made from is never among it (the store leaves the sources of the redaction log out).
pub fn sent_with_reply(disposition: crate::Disposition) -> Option<Purpose> {
    disposition
        .provides_information()
        .then_some(Purpose::Provided)
}

/// Why a document may not be added.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddRefusal {
    /// The role does not add documents of this purpose.
    #[error("{role}不能上传“{purpose}”")]
    NotForRole {
        role: &'static str,
        purpose: &'static str,
    },
    /// The case is in a state where this purpose no longer (or not yet) applies.
    #[error("案件{status}，不能再上传“{purpose}”")]
    NotNow {
        status: &'static str,
        purpose: &'static str,
    },
    /// The reply is with the legal adviser or approved: the information provided (and its
    /// redactions) is part of what was reviewed, so it changes only after the draft is returned.
    #[error("答复稿{status}，提供的信息及其遮盖属于审核内容，须法制审核退回修改后才能更改")]
    UnderReview { status: &'static str },
}

impl AddRefusal {
    /// A stable code for the refusal.
    pub fn code(&self) -> &'static str {
        match self {
            AddRefusal::NotForRole { .. } => "document_purpose_not_for_role",
            AddRefusal::NotNow { .. } => "document_not_accepted_now",
            AddRefusal::UnderReview { .. } => "provided_under_review",
        }
    }
}

/// May `role` add a document of `purpose` to a case in `status`?
///
/// The applicant's own papers belong to an open case: 补正 material only while the 补正
/// window is open (条例30); identity proof and supporting papers until the case is answered.
/// A clerk files paper material while the case is open. The handler's material belongs to
/// the handling, before the reply is issued. Decisions of a reconsideration body or a court
/// come after the reply, so they are accepted in any state. The information provided is
/// what the legal adviser reviews with the reply (条例37's withheld parts are read from its
/// redactions), so it is frozen while the draft is in review or approved.
pub fn may_add(role: Role, purpose: Purpose, status: Status) -> Result<(), AddRefusal> {
    if !purpose.added_by().contains(&role) {
        return Err(AddRefusal::NotForRole {
            role: role.label(),
            purpose: purpose.label(),
        });
    }
    if purpose == Purpose::Provided && matches!(status, Status::InReview | Status::Approved) {
        return Err(AddRefusal::UnderReview {
            status: status.label(),
        });
    }
    let open = !status.is_terminal() && status != Status::Replied;
    let fits = match purpose {
        Purpose::Correction if role == Role::Applicant => status == Status::AwaitingCorrection,
        Purpose::Decision => true,
        _ => open,
    };
    if fits {
        Ok(())
    } else {
        Err(AddRefusal::NotNow {
            status: status.label(),
            purpose: purpose.label(),
        })
    }
}

/// Whether the applicant of the case may read a document: what came from their side, and
/// what was sent to them (the released information of an issued reply). Internal material
/// (opinions, unreleased information, the agency's scans) stays with staff (条例16).
pub fn applicant_may_read(purpose: Purpose, sent_to_applicant: bool) -> bool {
    sent_to_applicant || purpose.from_applicant()
}

/// How long an agency keeps documents of each purpose after their case is concluded, in
/// years. The periods are the agency's to set from its archives rules (档案法 and the
/// agency's own 归档范围和保管期限表); no period is assumed, so a purpose the agency has not
/// set is kept without end.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Retention(BTreeMap<Purpose, u32>);

/// Why a retention setting is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("保管期限须为1至{max}年的整数（{purpose}）", max = Retention::MAX_YEARS)]
pub struct RetentionOutOfRange {
    pub purpose: &'static str,
}

impl Retention {
    /// The longest period accepted, in years.
    pub const MAX_YEARS: u32 = 100;

    /// The periods, each checked to be 1 to [`Self::MAX_YEARS`] years.
    pub fn new(years: BTreeMap<Purpose, u32>) -> Result<Self, RetentionOutOfRange> {
        for (p, y) in &years {
            if *y == 0 || *y > Self::MAX_YEARS {
                return Err(RetentionOutOfRange { purpose: p.label() });
            }
        }
        Ok(Self(years))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn years(&self, purpose: Purpose) -> Option<u32> {
        self.0.get(&purpose).copied()
    }

    /// The day a document's period ends: `None` while the case is open or when the agency set
    /// no period for the purpose.
    pub fn ends_on(&self, purpose: Purpose, concluded_on: Option<NaiveDate>) -> Option<NaiveDate> {
        let years = self.years(purpose)?;
        concluded_on?.checked_add_months(Months::new(years.saturating_mul(12)))
    }

    /// Whether the document's period has ended by `today`.
    pub fn due(&self, purpose: Purpose, concluded_on: Option<NaiveDate>, today: NaiveDate) -> bool {
        self.ends_on(purpose, concluded_on)
            .is_some_and(|end| end <= today)
    }
}

/// A file name as the system keeps it: the last part of whatever path the client sent,
/// without control characters or leading dots, at most 100 characters, ending in the
/// extension of the type the content was found to be (so that a name can never make a file
/// look like another kind). An empty result falls back to the purpose's name.
pub fn clean_name(raw: Option<&str>, purpose: Purpose, media: MediaType) -> String {
    let raw = raw.unwrap_or_default();
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*'))
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    let ext = media.extension();
    let stem = match cleaned.rsplit_once('.') {
        Some((stem, _)) if !stem.trim().is_empty() => stem.trim(),
        _ => cleaned,
    };
    let stem = if stem.is_empty() {
        purpose.label()
    } else {
        stem
    };
    let stem: String = stem.chars().take(100 - ext.len() - 1).collect();
    format!("{stem}.{ext}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_their_paths_and_take_the_content_type_extension() {
        let p = Purpose::Supporting;
        assert_eq!(
            clean_name(Some("../../etc/passwd"), p, MediaType::Txt),
            "passwd.txt"
        );
        assert_eq!(
            clean_name(Some("C:\\Users\\张三\\身份证.JPG"), p, MediaType::Jpeg),
            "身份证.jpg"
        );
        assert_eq!(clean_name(Some("报告.exe"), p, MediaType::Pdf), "报告.pdf");
        assert_eq!(clean_name(Some(".."), p, MediaType::Pdf), "申请材料.pdf");
        assert_eq!(
            clean_name(None, Purpose::Envelope, MediaType::Png),
            "信封（邮戳）.png"
        );
        assert_eq!(
            clean_name(Some("a\u{0}b\nc.pdf"), p, MediaType::Pdf),
            "abc.pdf"
        );
        let long = "很".repeat(300);
        assert_eq!(
            clean_name(Some(&long), p, MediaType::Pdf).chars().count(),
            100
        );
    }

    #[test]
    fn each_role_adds_its_own_purposes_while_they_apply() {
        use Status::*;
        assert!(may_add(Role::Applicant, Purpose::Supporting, Received).is_ok());
        assert!(may_add(Role::Applicant, Purpose::Opinion, Received).is_err());
        assert!(may_add(Role::Applicant, Purpose::Correction, Received).is_err());
        assert!(may_add(Role::Applicant, Purpose::Correction, AwaitingCorrection).is_ok());
        assert!(may_add(Role::Clerk, Purpose::Correction, Received).is_ok());
        assert!(may_add(Role::Clerk, Purpose::Envelope, Submitted).is_ok());
        assert!(may_add(Role::Handler, Purpose::Provided, Drafting).is_ok());
        assert!(may_add(Role::Handler, Purpose::Provided, Replied).is_err());
        assert!(may_add(Role::LegalAdviser, Purpose::Provided, Drafting).is_err());
        assert!(may_add(Role::ReconsiderationBody, Purpose::Decision, Closed).is_ok());
        assert!(may_add(Role::Applicant, Purpose::Supporting, Withdrawn).is_err());
    }

    #[test]
    fn a_document_is_due_only_after_its_purposes_period_from_the_cases_conclusion() {
        let d = |s: &str| s.parse::<NaiveDate>().expect("date");
        let r = Retention::new([(Purpose::IdentityProof, 2)].into_iter().collect()).expect("ok");
        let concluded = Some(d("2024-02-29"));
        assert_eq!(
            r.ends_on(Purpose::IdentityProof, concluded),
            Some(d("2026-02-28"))
        );
        assert!(!r.due(Purpose::IdentityProof, concluded, d("2026-02-27")));
        assert!(r.due(Purpose::IdentityProof, concluded, d("2026-02-28")));
        assert!(
            !r.due(Purpose::IdentityProof, None, d("2099-01-01")),
            "open case"
        );
        assert!(
            !r.due(Purpose::Opinion, concluded, d("2099-01-01")),
            "no period set"
        );
        assert!(Retention::new([(Purpose::Opinion, 0)].into_iter().collect()).is_err());
        let json = serde_json::to_string(&r).expect("json");
        assert_eq!(json, r#"{"identity_proof":2}"#);
    }

    #[test]
    fn the_applicant_reads_their_own_papers_and_what_was_sent_to_them() {
        assert!(applicant_may_read(Purpose::IdentityProof, false));
        assert!(!applicant_may_read(Purpose::Opinion, false));
        assert!(!applicant_may_read(Purpose::Provided, false));
        assert!(applicant_may_read(Purpose::Provided, true));
        assert!(!applicant_may_read(Purpose::Envelope, false));
    }
}
