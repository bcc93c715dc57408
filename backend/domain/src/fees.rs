//! 信息处理费 (information-processing fee), 《政府信息公开信息处理费管理办法》(国办函〔2020〕109号).
//!
//! Both methods are progressive over the excess (超额累进, 办法第三条), computed like tax
//! brackets; an agency applies one method to an application, never both (第三条). Fees may be
//! charged at all only when applications clearly exceed a reasonable number or frequency
//! (条例42); no waiver rule was found in the 办法, so none is implemented.

use serde::{Deserialize, Serialize};

/// The two charging methods of 办法第三条.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeMode {
    /// 按件计收 (第四条): by the applicant's count of applications in the natural month.
    PerApplication,
    /// 按量计收 (第五条): by the pages of one application.
    PerPage,
}

impl FeeMode {
    pub const ALL: &'static [FeeMode] = &[FeeMode::PerApplication, FeeMode::PerPage];

    /// The code as the API and the forms write it.
    pub fn as_str(self) -> &'static str {
        match self {
            FeeMode::PerApplication => "per_application",
            FeeMode::PerPage => "per_page",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|m| m.as_str() == s)
    }
}

/// Fee for the `ordinal`-th application (1-based) of one applicant in one natural month,
/// in yuan (办法第四条): 1–10 free; 11–30 100 元 each; from 31 on, every band of 10 raises the
/// rate by 100 元 (31–40 200 元, 41–50 300 元, …).
pub fn per_application(ordinal: u32) -> u64 {
    match ordinal {
        0..=10 => 0,
        11..=30 => 100,
        k => 100 + 100 * u64::from((k - 30).div_ceil(10)),
    }
}

/// Total for the first `count` applications of a month (the sum of the marginal rates).
pub fn per_application_total(count: u32) -> u64 {
    (1..=count).map(per_application).sum()
}

/// Fee for one application of `pages` pages, in yuan (办法第五条): pages 1–30 free; the part
/// from 31 to 100 at 10 元/页; 101–200 at 20 元/页; above 200 at 40 元/页.
pub fn per_page(pages: u32) -> u64 {
    const BANDS: [(u32, u32, u64); 3] = [(30, 100, 10), (100, 200, 20), (200, u32::MAX, 40)];
    BANDS
        .iter()
        .map(|&(above, upto, rate)| u64::from(pages.min(upto).saturating_sub(above)) * rate)
        .sum()
}

/// What a fee notice charges: the amount in yuan and the basis the notice states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    pub amount: u64,
    pub basis: String,
}

/// Why no fee may be noticed: the application falls within what the 办法 leaves free.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoFee {
    #[error("该申请人本月第{0}件申请，按件计收不收费（办法第四条：每月前10件免费）")]
    WithinFreeApplications(u32),
    #[error("30页以内不收费（办法第五条）")]
    WithinFreePages,
}

/// 按件计收 (办法第四条) of the applicant's `ordinal`-th application of the month.
pub fn charge_per_application(ordinal: u32) -> Result<Charge, NoFee> {
    match per_application(ordinal) {
        0 => Err(NoFee::WithinFreeApplications(ordinal)),
        amount => Ok(Charge {
            amount,
            basis: format!("按件计收（办法第四条），本件为申请人当月第{ordinal}件申请"),
        }),
    }
}

/// 按量计收 (办法第五条) of one application of `pages` pages.
pub fn charge_per_page(pages: u32) -> Result<Charge, NoFee> {
    match per_page(pages) {
        0 => Err(NoFee::WithinFreePages),
        amount => Ok(Charge {
            amount,
            basis: format!("按量计收（办法第五条），共{pages}页"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_charge_states_its_basis_and_what_is_free_is_refused() {
        assert_eq!(
            charge_per_application(10),
            Err(NoFee::WithinFreeApplications(10))
        );
        assert_eq!(
            charge_per_application(35).map(|c| (c.amount, c.basis)),
            Ok((
                200,
                "按件计收（办法第四条），本件为申请人当月第35件申请".to_owned()
            ))
        );
        assert_eq!(charge_per_page(30), Err(NoFee::WithinFreePages));
        assert_eq!(
            charge_per_page(31).map(|c| (c.amount, c.basis)),
            Ok((10, "按量计收（办法第五条），共31页".to_owned()))
        );
    }

    #[test]
    fn per_application_bands() {
        assert_eq!(per_application(10), 0);
        assert_eq!(per_application(11), 100);
        assert_eq!(per_application(30), 100);
        assert_eq!(per_application(31), 200);
        assert_eq!(per_application(40), 200);
        assert_eq!(per_application(41), 300);
        // 35 applications in a month: 20 × 100 + 5 × 200 (legal.md §2.5).
        assert_eq!(per_application_total(35), 3_000);
    }

    #[test]
    fn per_page_bands_match_real_notices() {
        assert_eq!(per_page(30), 0);
        assert_eq!(per_page(31), 10);
        assert_eq!(per_page(250), 4_700);
        // A real notice charged 83,460 元 for 2,219 pages (legal.md §10).
        assert_eq!(per_page(2_219), 83_460);
    }

    proptest! {
        #[test]
        fn fees_never_decrease(p in 0u32..100_000, k in 1u32..1_000) {
            prop_assert!(per_page(p + 1) >= per_page(p));
            prop_assert!(per_application(k + 1) >= per_application(k));
        }
    }
}
