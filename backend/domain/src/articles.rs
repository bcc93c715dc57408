//! The article push (重点法条推送): which articles of the 条例 and of the fee rules bear on a
//! request, ranked, each with the reason it was pushed.
//!
//! The texts are the fixture `fixtures/reference/articles.toml` (the regulation in full and
//! articles 1–4 of the 办法, from reference/legal.md), parsed once. The triggers are a
//! table of cue words per article, written from the articles' own wording (e.g. article 16's
//! "讨论记录、过程稿、磋商信函、请示报告", article 36(七)'s "工商、不动产登记资料") and from
//! the ways agencies lose (reference/why-agencies-lose.md: meeting minutes taken for process
//! records, a 征收 household compensation list refused as privacy). Cue matching on the
//! request text is deliberate: the push must explain itself in words a handler can check,
//! which a learned ranker could not.

use serde::{Deserialize, Serialize};

/// The shipped article texts.
pub const ARTICLES_TOML: &str = include_str!("../../../fixtures/reference/articles.toml");

#[derive(Debug, Clone, Deserialize)]
struct ArticleRow {
    number: u32,
    label: String,
    text: String,
}

#[derive(Debug, Clone, Deserialize)]
struct ArticlesFile {
    regulation: Vec<ArticleRow>,
    fee_rules: Vec<ArticleRow>,
}

/// The article texts, checked: the regulation numbered 1..=56 without gaps.
#[derive(Debug, Clone)]
pub struct Articles {
    regulation: Vec<ArticleRow>,
    fee_rules: Vec<ArticleRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArticlesError {
    #[error("fixtures/reference/articles.toml: {0}")]
    Parse(String),
    #[error("fixtures/reference/articles.toml: the regulation must number 1..=56 in order")]
    Numbering,
}

/// Which text an item cites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Regulation(u32),
    FeeRules(u32),
}

/// One pushed article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pushed {
    /// How it is cited: 《条例》第十六条第二款.
    pub article: String,
    pub text: String,
    pub why: String,
    /// The cue words found in the request.
    pub cues: Vec<String>,
    pub score: u32,
}

/// A rule: cue words, the article, which part of it, and the reason.
struct Rule {
    cues: &'static [&'static str],
    source: Source,
    part: &'static str,
    why: &'static str,
    weight: u32,
}

const RULES: &[Rule] = &[
    Rule {
        cues: &[
            "会议纪要",
            "会议记录",
            "讨论记录",
            "过程稿",
            "征求意见稿",
            "请示",
            "报告",
            "磋商",
            "审查意见",
            "初稿",
        ],
        source: Source::Regulation(16),
        part: "第二款",
        why: "申请涉及讨论记录、过程稿、请示报告等过程性信息：可以不予公开，但会议纪要不当然属于过程性信息，已形成决定的应当审查能否公开",
        weight: 3,
    },
    Rule {
        cues: &[
            "处罚",
            "执法",
            "检查记录",
            "案卷",
            "调查笔录",
            "询问笔录",
            "行政强制",
            "查处",
        ],
        source: Source::Regulation(16),
        part: "第二款",
        why: "申请涉及行政执法案卷：可以不予公开，但处罚决定本身属于主动公开事项（第二十条第（六）项），须说明理由并区分处理",
        weight: 3,
    },
    Rule {
        cues: &[
            "人事",
            "内部管理",
            "后勤",
            "内部工作流程",
            "考勤",
            "干部任免",
            "内部通知",
        ],
        source: Source::Regulation(16),
        part: "第一款",
        why: "申请涉及人事管理、后勤管理、内部工作流程等内部事务信息",
        weight: 2,
    },
    Rule {
        cues: &[
            "身份证",
            "住址",
            "电话",
            "名单",
            "个人信息",
            "分户",
            "补偿明细",
            "补偿款",
            "户主",
            "家庭成员",
            "病历",
            "档案",
        ],
        source: Source::Regulation(15),
        part: "",
        why: "申请可能涉及他人的个人隐私：须判断公开是否损害第三方合法权益，并考虑公共利益（如征收分户补偿、保障房审核信息）",
        weight: 3,
    },
    Rule {
        cues: &[
            "身份证",
            "住址",
            "名单",
            "个人信息",
            "分户",
            "补偿明细",
            "合同",
            "投标",
            "报价",
            "商业秘密",
            "企业",
            "公司",
        ],
        source: Source::Regulation(32),
        part: "",
        why: "可能损害第三方合法权益的，应当书面征求第三方意见，第三方15个工作日内提出意见，征求意见期间不计入答复期限",
        weight: 2,
    },
    Rule {
        cues: &["合同", "投标", "报价", "商业秘密", "财务报表", "技术方案"],
        source: Source::Regulation(15),
        part: "",
        why: "申请可能涉及企业的商业秘密：须调查核实并征求意见，不能仅以第三方不同意为由拒绝",
        weight: 2,
    },
    Rule {
        cues: &[
            "不动产登记",
            "房产证",
            "产权登记",
            "工商登记",
            "营业执照",
            "股东",
            "婚姻登记",
            "户籍",
            "出生登记",
        ],
        source: Source::Regulation(36),
        part: "第（七）项",
        why: "属于工商、不动产登记资料等有特别规定的信息的，告知申请人依照有关法律、行政法规的规定办理",
        weight: 3,
    },
    Rule {
        cues: &[
            "投诉",
            "举报",
            "信访",
            "查处",
            "追究",
            "要求处理",
            "反映问题",
            "违法行为",
        ],
        source: Source::Regulation(39),
        part: "第一款",
        why: "申请实为信访、投诉、举报的，告知不作为政府信息公开申请处理，并告知通过相应渠道提出",
        weight: 3,
    },
    Rule {
        cues: &["公报", "年鉴", "报刊", "报纸", "书籍", "出版物", "杂志"],
        source: Source::Regulation(39),
        part: "第二款",
        why: "要求提供政府公报、报刊、书籍等公开出版物的，可以告知获取的途径",
        weight: 3,
    },
    Rule {
        cues: &[
            "统计", "汇总", "分析", "比例", "多少", "总数", "排名", "清单",
        ],
        source: Source::Regulation(38),
        part: "",
        why: "需要对现有信息加工、分析的，可以不予提供；但能区分处理或只需提供现有信息的应当提供",
        weight: 2,
    },
    Rule {
        cues: &[
            "为什么",
            "是否",
            "如何",
            "怎么",
            "解释",
            "说明理由",
            "合法吗",
            "依据是什么",
        ],
        source: Source::Regulation(38),
        part: "",
        why: "申请更像咨询或要求解释，而不是获取已制作或获取的政府信息：先判断有无现成信息",
        weight: 1,
    },
    Rule {
        cues: &[
            "国家秘密",
            "涉密",
            "机密",
            "绝密",
            "军事",
            "国家安全",
            "维稳",
        ],
        source: Source::Regulation(14),
        part: "",
        why: "可能涉及国家秘密或公开后危及“三安全一稳定”的信息：须有定密或主管部门确定的依据",
        weight: 3,
    },
    Rule {
        cues: &[
            "征收",
            "拆迁",
            "旧改",
            "旧城改造",
            "安置",
            "补偿方案",
            "征地",
        ],
        source: Source::Regulation(20),
        part: "",
        why: "征收补偿、重大建设项目的批准和实施情况多属主动公开事项：已公开的告知获取途径（第三十六条第（一）项）",
        weight: 2,
    },
    Rule {
        cues: &["预算", "决算", "三公经费", "财政资金", "专项资金"],
        source: Source::Regulation(20),
        part: "第（七）项",
        why: "财政预算、决算信息属于主动公开事项：已公开的告知获取途径",
        weight: 2,
    },
    Rule {
        cues: &["采购", "招标", "中标", "政府采购"],
        source: Source::Regulation(20),
        part: "第（九）项",
        why: "政府集中采购项目的目录、标准及实施情况属于主动公开事项",
        weight: 2,
    },
    Rule {
        cues: &["许可证", "审批", "批复", "规划许可", "排污许可", "施工许可"],
        source: Source::Regulation(20),
        part: "第（五）项",
        why: "行政许可的依据、条件、程序及办理结果属于主动公开事项",
        weight: 1,
    },
    Rule {
        cues: &["；", "1.", "2.", "（一）", "（二）"],
        source: Source::FeeRules(4),
        part: "",
        why: "一份申请包含多项内容的，可按“一事一申请”以合理的最小单位拆分计算件数（按件计收时）",
        weight: 1,
    },
];

fn cn_number(n: u32) -> String {
    const D: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0 => "零".into(),
        1..=9 => D[n as usize].into(),
        10..=19 => format!("十{}", D[(n % 10) as usize]),
        _ => format!("{}十{}", D[(n / 10) as usize], D[(n % 10) as usize]),
    }
}

impl Articles {
    /// The shipped texts.
    pub fn shipped() -> Result<Self, ArticlesError> {
        Self::parse(ARTICLES_TOML)
    }

    pub fn parse(toml_text: &str) -> Result<Self, ArticlesError> {
        let f: ArticlesFile =
            toml::from_str(toml_text).map_err(|e| ArticlesError::Parse(e.to_string()))?;
        let in_order = f
            .regulation
            .iter()
            .enumerate()
            .all(|(i, a)| a.number as usize == i + 1);
        if !in_order || f.regulation.len() != 56 {
            return Err(ArticlesError::Numbering);
        }
        Ok(Self {
            regulation: f.regulation,
            fee_rules: f.fee_rules,
        })
    }

    fn row(&self, s: Source) -> Option<(&ArticleRow, &'static str)> {
        match s {
            Source::Regulation(n) => self
                .regulation
                .get((n as usize).checked_sub(1)?)
                .map(|r| (r, "《中华人民共和国政府信息公开条例》")),
            Source::FeeRules(n) => self
                .fee_rules
                .iter()
                .find(|r| r.number == n)
                .map(|r| (r, "《政府信息公开信息处理费管理办法》")),
        }
    }

    /// The regulation's article `n` as cited (第十六条), if it exists.
    pub fn label(&self, n: u32) -> Option<&str> {
        self.regulation
            .get((n as usize).checked_sub(1)?)
            .map(|r| r.label.as_str())
    }

    /// The articles bearing on `request`, best first (score, then article order); articles
    /// 33 (the time limit) and 36 (the forms of reply) close every list.
    pub fn push(&self, request: &str) -> Vec<Pushed> {
        let mut out: Vec<Pushed> = Vec::new();
        for rule in RULES {
            let cues: Vec<String> = rule
                .cues
                .iter()
                .filter(|c| request.contains(**c))
                .map(|c| (*c).to_owned())
                .collect();
            if cues.is_empty() {
                continue;
            }
            let Some((row, law)) = self.row(rule.source) else {
                continue;
            };
            let article = format!("{law}{}{}", row.label, rule.part);
            let score = rule.weight * u32::try_from(cues.len()).unwrap_or(u32::MAX).min(3);
            if let Some(existing) = out.iter_mut().find(|p| p.article == article) {
                existing.score += score;
                existing.why = format!("{}；{}", existing.why, rule.why);
                existing.cues.extend(cues);
                continue;
            }
            out.push(Pushed {
                article,
                text: row.text.clone(),
                why: rule.why.to_owned(),
                cues,
                score,
            });
        }
        out.sort_by_key(|p| std::cmp::Reverse(p.score));
        for (n, why) in [
            (
                33,
                "答复期限：自收到申请之日起20个工作日内答复，延长须经负责人同意并告知",
            ),
            (
                36,
                "答复的形式：按已公开、可公开、不予公开、不存在、非本机关、重复、特别规定分别答复",
            ),
        ] {
            if let Some((row, law)) = self.row(Source::Regulation(n)) {
                let article = format!("{law}{}", row.label);
                if !out.iter().any(|p| p.article == article) {
                    out.push(Pushed {
                        article,
                        text: row.text.clone(),
                        why: why.to_owned(),
                        cues: Vec::new(),
                        score: 0,
                    });
                }
            }
        }
        out
    }
}

/// 第十六条 for 16 (for callers that cite by number).
pub fn article_label(n: u32) -> String {
    format!("第{}条", cn_number(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn articles() -> Articles {
        Articles::shipped().expect("the shipped articles parse")
    }

    fn top(request: &str) -> Vec<String> {
        articles()
            .push(request)
            .into_iter()
            .filter(|p| p.score > 0)
            .map(|p| p.article)
            .collect()
    }

    #[test]
    fn the_fixture_holds_the_whole_regulation() {
        let a = articles();
        assert_eq!(a.label(16), Some("第十六条"));
        assert_eq!(a.label(56), Some("第五十六条"));
        assert_eq!(a.label(57), None);
        assert_eq!(article_label(36), "第三十六条");
        assert!(
            a.row(Source::Regulation(36))
                .expect("36")
                .0
                .text
                .contains("工商、不动产登记资料")
        );
    }

    #[test]
    fn the_issue_examples_push_their_articles() {
        let t = top("请公开2025年区政府常务会议研究旧城改造的会议纪要");
        assert_eq!(
            t[0], "《中华人民共和国政府信息公开条例》第十六条第二款",
            "{t:?}"
        );
        let t = top("请公开征收项目中邻居家的分户补偿明细和身份证号");
        assert!(
            t.contains(&"《中华人民共和国政府信息公开条例》第十五条".to_owned()),
            "{t:?}"
        );
        assert!(
            t.contains(&"《中华人民共和国政府信息公开条例》第三十二条".to_owned()),
            "{t:?}"
        );
        let t = top("请提供某小区302室的不动产登记信息");
        assert_eq!(
            t[0], "《中华人民共和国政府信息公开条例》第三十六条第（七）项",
            "{t:?}"
        );
        let t = top("我要举报某街道违法建设，要求查处并追究责任");
        assert_eq!(
            t[0], "《中华人民共和国政府信息公开条例》第三十九条第一款",
            "{t:?}"
        );
    }

    #[test]
    fn every_list_ends_with_the_time_limit_and_the_forms_of_reply() {
        let p = articles().push("请公开2025年度部门预算");
        let n = p.len();
        assert!(n >= 3);
        assert!(p[n - 2].article.ends_with("第三十三条"));
        assert!(p[n - 1].article.ends_with("第三十六条"));
        assert!(p[0].why.contains("预算"));
        assert_eq!(p[0].cues, ["预算"]);
    }
}
