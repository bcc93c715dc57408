//! Which placeholders each kind of letter may use and must use, and which variants it has.
//!
//! This is the contract between the server (which fills the fields) and the templates (which
//! an agency may reword): a template may only ask for fields the server knows how to fill, and
//! must print the ones the law requires the letter to carry. For replies and 不予处理告知书 the
//! variants, the fields they must print and the remedy clause all follow from
//! [`yishen_domain::Disposition`], the one list that drives letter, articles, remedy and
//! statistics (DESIGN.md "Core ideas").

use yishen_domain::Disposition;
use yishen_domain::disposition::Remedy;

use crate::LetterKind;

/// Fields shared by the letters addressed to the applicant.
const APPLICANT_LETTER: &[&str] = &[
    "agency_name",
    "applicant_name",
    "addressee",
    "received_date",
    "channel",
    "tracking_no",
    "request_content",
    "issue_date",
    "contact",
    "verify_code",
];

/// Fields of the consultation letters: addressed to the consulted party, and on purpose
/// without the applicant's name or channel (letters.md §3.4: "有申请人" suffices).
const CONSULTATION_LETTER: &[&str] = &[
    "agency_name",
    "party_name",
    "received_date",
    "tracking_no",
    "request_content",
    "info_description",
    "issue_date",
    "contact",
    "verify_code",
];

/// Whether letters of `kind` are addressed to the applicant (all but the consultations).
pub(crate) fn addresses_applicant(kind: LetterKind) -> bool {
    !matches!(
        kind,
        LetterKind::ThirdPartyConsultation | LetterKind::AgencyConsultation
    )
}

/// Forms of address a template addressed to the applicant may not print itself: the case
/// decides between 您 and 贵单位 ({addressee}).
pub(crate) const FIXED_ADDRESS: &[&str] = &["您", "贵单位", "你单位", "（单位）"];

/// The placeholders a template of `kind` may use.
pub(crate) fn allowed(kind: LetterKind) -> Vec<&'static str> {
    let (base, extra): (&[&str], &[&str]) = match kind {
        LetterKind::Receipt => (APPLICANT_LETTER, &["due_clause"]),
        LetterKind::CorrectionNotice => (APPLICANT_LETTER, &["items", "deadline"]),
        LetterKind::ExtensionNotice => {
            (APPLICANT_LETTER, &["reasons", "extension_days", "due_date"])
        }
        LetterKind::ThirdPartyConsultation => (CONSULTATION_LETTER, &["interest"]),
        LetterKind::AgencyConsultation => (CONSULTATION_LETTER, &[]),
        LetterKind::FeeNotice => (
            APPLICANT_LETTER,
            &["reasons_clause", "fee_basis", "amount", "payment_method"],
        ),
        LetterKind::ReasonsRequest => (APPLICANT_LETTER, &["reasons", "deadline"]),
        LetterKind::LaterDeadlineNotice => (APPLICANT_LETTER, &["reasons", "due_date"]),
        LetterKind::NotProcessedNotice => (
            APPLICANT_LETTER,
            &["reasons", "prior_reply", "reconsideration_body", "court"],
        ),
        LetterKind::Reply => (
            APPLICANT_LETTER,
            &[
                "reasons",
                "withheld",
                "provided",
                "access",
                "search_record",
                "competent_agency",
                "prior_reply",
                "reconsideration_body",
                "court",
            ],
        ),
    };
    base.iter().chain(extra).copied().collect()
}

/// The placeholders every template of `kind` must print, whatever the variant.
pub(crate) fn required(kind: LetterKind) -> &'static [&'static str] {
    match kind {
        LetterKind::Receipt => &[
            "agency_name",
            "applicant_name",
            "addressee",
            "issue_date",
            "received_date",
            "tracking_no",
        ],
        LetterKind::CorrectionNotice => &[
            "agency_name",
            "applicant_name",
            "addressee",
            "issue_date",
            "received_date",
            "items",
            "deadline",
        ],
        LetterKind::ExtensionNotice => &[
            "agency_name",
            "applicant_name",
            "addressee",
            "issue_date",
            "received_date",
            "reasons",
            "extension_days",
            "due_date",
        ],
        LetterKind::ThirdPartyConsultation | LetterKind::AgencyConsultation => {
            &["agency_name", "party_name", "issue_date", "request_content"]
        }
        LetterKind::FeeNotice => &[
            "agency_name",
            "applicant_name",
            "addressee",
            "issue_date",
            "received_date",
            "fee_basis",
            "amount",
            "payment_method",
        ],
        LetterKind::LaterDeadlineNotice => &[
            "agency_name",
            "applicant_name",
            "addressee",
            "issue_date",
            "received_date",
            "reasons",
            "due_date",
        ],
        LetterKind::ReasonsRequest => &[
            "agency_name",
            "applicant_name",
            "addressee",
            "issue_date",
            "received_date",
            "reasons",
            "deadline",
        ],
        LetterKind::NotProcessedNotice | LetterKind::Reply => &[
            "agency_name",
            "applicant_name",
            "addressee",
            "issue_date",
            "received_date",
            "request_content",
        ],
    }
}

/// The variant codes a kind has: every disposition that ends in a reply letter for
/// [`LetterKind::Reply`], the `not_processed_*` ones for [`LetterKind::NotProcessedNotice`],
/// none for the others.
pub(crate) fn variants(kind: LetterKind) -> Vec<Disposition> {
    Disposition::ALL
        .iter()
        .copied()
        .filter(|d| match kind {
            LetterKind::Reply => d.is_reply() && d.remedy() != Remedy::None,
            LetterKind::NotProcessedNotice => d.as_str().starts_with("not_processed_"),
            _ => false,
        })
        .collect()
}

/// Whether letters of this kind carry a variant (and a remedy clause).
pub(crate) fn has_variants(kind: LetterKind) -> bool {
    matches!(kind, LetterKind::Reply | LetterKind::NotProcessedNotice)
}

/// The fields a variant's letter must print: what a draft of that disposition must contain
/// ([`Disposition::needs`]) has to reach the applicant, plus what its remedy clause names.
pub(crate) fn required_for(disposition: Disposition) -> Vec<&'static str> {
    let needs = disposition.needs();
    let mut out = Vec::new();
    for (needed, field) in [
        (needs.reasons, "reasons"),
        (needs.withheld_parts, "withheld"),
        (needs.access, "access"),
        (needs.search_record, "search_record"),
        (needs.competent_agency, "competent_agency"),
        (needs.prior_case, "prior_reply"),
    ] {
        if needed {
            out.push(field);
        }
    }
    match disposition.remedy() {
        Remedy::General => out.extend(["reconsideration_body", "court"]),
        Remedy::ReconsiderationFirst => out.push("reconsideration_body"),
        Remedy::None => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_exist_for_every_disposition_but_the_lapses() {
        let codes: Vec<_> = variants(LetterKind::Reply)
            .iter()
            .map(|d| d.as_str())
            .collect();
        assert_eq!(codes.len(), Disposition::ALL.len() - 3);
        for lapse in [
            "other_correction_overdue",
            "other_fee_unpaid",
            "other_withdrawn",
        ] {
            assert!(!codes.contains(&lapse), "{lapse}");
        }
        assert_eq!(variants(LetterKind::NotProcessedNotice).len(), 5);
        assert!(variants(LetterKind::Receipt).is_empty());
    }

    #[test]
    fn required_fields_are_allowed() {
        for kind in LetterKind::ALL {
            let allowed = allowed(kind);
            for field in required(kind) {
                assert!(allowed.contains(field), "{kind}: {field}");
            }
            for d in variants(kind) {
                for field in required_for(d) {
                    assert!(allowed.contains(&field), "{kind}/{}: {field}", d.as_str());
                }
            }
        }
    }

    #[test]
    fn consultations_never_name_the_applicant() {
        for kind in [
            LetterKind::ThirdPartyConsultation,
            LetterKind::AgencyConsultation,
        ] {
            assert!(!allowed(kind).contains(&"applicant_name"));
        }
    }
}
