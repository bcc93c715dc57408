//! `yishen demo generate --cases N`: fills a database with realistic historical cases and
//! their reconsideration and litigation outcomes, for demonstrations and for the report and
//! statistics benchmarks. The cases go through `yishen import` (the same parsers, encryption,
//! event chain and batching), fed by a generator rather than a file, so nothing is written
//! that the real intake could not write.
//!
//! The mix follows what annual reports of county and city offices show: mostly natural
//! persons; about half disclosed in whole; refusals, "not held" and "not this agency"
//! answers next; a few percent withdrawn or lapsed; reconsideration for a few percent of the
//! replies, more often for refusals, a quarter of them corrected. Deterministic for a seed.

use std::io::{BufRead, Read};

use chrono::{Datelike, Days, NaiveDate};
use serde_json::{Value, json};
use yishen_domain::identity::{ResidentId, Uscc};

use crate::ctx::Ctx;
use crate::error::AppError;
use crate::services::import::{self, ImportReport};

const AGENCIES: [(&str, u32); 6] = [
    ("ZJ-HZ-SC", 30),
    ("ZJ-HZ-SC-JS", 20),
    ("ZJ-HZ", 18),
    ("ZJ", 7),
    ("ZJ-LS", 10),
    ("ZJ-LS-JY", 15),
];

const CATEGORIES: [(&str, u32); 6] = [
    ("natural_person", 860),
    ("business", 80),
    ("research", 10),
    ("nonprofit", 10),
    ("legal_service", 30),
    ("other_org", 10),
];

const CHANNELS: [(&str, u32); 6] = [
    ("online", 55),
    ("in_person", 12),
    ("registered_post", 18),
    ("ordinary_post", 5),
    ("email", 7),
    ("fax", 3),
];

const DISPOSITIONS: [(&str, u32); 24] = [
    ("disclosed", 380),
    ("disclosed_already_public", 110),
    ("partially_disclosed", 80),
    ("withheld_state_secret", 3),
    ("withheld_prohibited_by_law", 5),
    ("withheld_three_safeties", 4),
    ("withheld_third_party", 18),
    ("withheld_internal_affairs", 8),
    ("withheld_process_info", 20),
    ("withheld_enforcement_file", 8),
    ("withheld_administrative_inquiry", 10),
    ("unavailable_not_held", 120),
    ("unavailable_not_this_agency", 50),
    ("unavailable_needs_creation", 30),
    ("unavailable_unclear_after_correction", 8),
    ("not_processed_petition", 15),
    ("not_processed_repeat", 20),
    ("not_processed_publication", 3),
    ("not_processed_mass", 4),
    ("not_processed_confirmation", 6),
    ("other_correction_overdue", 30),
    ("other_fee_unpaid", 4),
    ("other_withdrawn", 45),
    ("other", 11),
];

const DECISIONS: [(&str, u32); 8] = [
    ("upheld", 52),
    ("revoked", 12),
    ("confirmed_illegal", 8),
    ("ordered_to_perform", 4),
    ("altered", 1),
    ("confirmed_void", 0),
    ("rejected", 15),
    ("terminated", 8),
];

const DEFECTS: [&str; 5] = [
    "overdue",
    "insufficient_search",
    "reasons_not_given",
    "wrong_ground",
    "procedure",
];

const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤";
const GIVEN: &str = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国红梅鹏飞晨宇浩然子涵欣怡思远俊杰佳琪雨轩文博嘉怡志强海燕晓东立新春生";

const PLACES: [&str; 10] = [
    "望江街道",
    "湖滨街道",
    "清波街道",
    "小营街道",
    "南星街道",
    "紫阳街道",
    "四季青街道",
    "闸弄口街道",
    "彭埠街道",
    "笕桥街道",
];

/// Request templates: `{y}` a year, `{p}` a place.
const TOPICS: [&str; 24] = [
    "请公开{y}年{p}旧城改造项目的征收补偿方案及其批准文件",
    "请公开{p}某地块房屋征收决定及补偿安置标准",
    "请公开{y}年区政府常务会议研究{p}拆迁事项的会议纪要",
    "请公开{y}年度本机关部门预算和决算说明",
    "请公开{p}老旧小区改造项目的资金使用明细",
    "请公开{y}年{p}公租房分配名单及审核标准",
    "请公开{p}某道路拓宽工程的建设工程规划许可证",
    "请公开{y}年本机关政府采购项目清单及中标结果",
    "请公开对{p}某餐饮店作出的行政处罚决定书",
    "请公开{y}年{p}公办小学招生划片范围及依据",
    "请公开{p}某企业的排污许可证及执法检查记录",
    "请公开{y}年{p}违法建筑拆除的认定依据和程序文件",
    "请公开{p}集体土地征收的报批材料和征地补偿款发放情况",
    "请公开{y}年度{p}河道整治工程的立项批复和验收报告",
    "请公开本人户籍所在{p}的低保审批名单及标准",
    "请公开{y}年{p}人才公寓配租的申请条件和分配结果",
    "请公开{p}某小区物业专项维修资金使用的审批文件",
    "请公开{y}年本机关收到的信访事项办理结果",
    "请公开{p}农贸市场改造提升项目的招标文件",
    "请公开{y}年{p}垃圾分类补助资金的分配方案",
    "请公开{p}某建设项目的环境影响评价批复文件",
    "请公开{y}年本机关行政复议和行政诉讼案件的统计数据",
    "请公开{p}某地块土地出让合同及规划条件",
    "请公开{y}年{p}停车泊位设置的论证材料和批准文件",
];

const REASONS: [&str; 4] = [
    "经审查，所申请信息涉及第三方合法权益，经征求第三方意见，第三方不同意公开",
    "经检索本机关档案室、业务科室的纸质档案和电子办公系统，未找到所申请的信息",
    "所申请信息属于内部讨论过程中形成的记录，尚未形成最终决定",
    "所申请内容需要对现有信息进行加工、分析后才能形成，本机关不负有另行制作的义务",
];

/// A seeded generator of import lines.
struct Generator {
    rng: fastrand::Rng,
    today: NaiveDate,
    first_day: NaiveDate,
    span_days: u64,
    remaining: usize,
    n: usize,
}

fn pick<'a>(rng: &mut fastrand::Rng, table: &[(&'a str, u32)]) -> &'a str {
    let total: u32 = table.iter().map(|(_, w)| w).sum();
    let mut x = rng.u32(0..total.max(1));
    for (v, w) in table {
        if x < *w {
            return v;
        }
        x -= w;
    }
    table[0].0
}

fn nth_char(s: &str, i: usize) -> char {
    s.chars().nth(i % s.chars().count()).unwrap_or('王')
}

impl Generator {
    fn new(cases: usize, seed: u64, today: NaiveDate) -> Self {
        let first_day = NaiveDate::from_ymd_opt(today.year() - 5, 1, 1).unwrap_or(today);
        let span_days = u64::try_from((today - first_day).num_days())
            .unwrap_or(1)
            .max(1);
        Self {
            rng: fastrand::Rng::with_seed(seed),
            today,
            first_day,
            span_days,
            remaining: cases,
            n: 0,
        }
    }

    fn resident_id(&mut self) -> String {
        let year = self.rng.u32(1950..2004);
        let month = self.rng.u32(1..13);
        let day = self.rng.u32(1..29);
        let seq = self.rng.u32(0..1000);
        let first17 = format!("330102{year:04}{month:02}{day:02}{seq:03}");
        let check = ResidentId::check_char(&first17).unwrap_or('0');
        format!("{first17}{check}")
    }

    fn uscc(&mut self) -> String {
        let body: String = (0..8)
            .map(|_| char::from(b'0' + self.rng.u8(0..10)))
            .collect();
        let first17 = format!("913301{body}MA2");
        let check = Uscc::check_char(&first17).unwrap_or('0');
        format!("{first17}{check}")
    }

    fn applicant(&mut self, category: &str) -> Value {
        let surname = nth_char(SURNAMES, self.rng.usize(0..200));
        let g1 = nth_char(GIVEN, self.rng.usize(0..200));
        let name = if self.rng.bool() {
            format!("{surname}{g1}")
        } else {
            format!("{surname}{g1}{}", nth_char(GIVEN, self.rng.usize(0..200)))
        };
        let phone = format!(
            "13{}{:08}",
            self.rng.u32(0..10),
            self.rng.u32(0..100_000_000)
        );
        if category == "natural_person" {
            json!({"kind": "person", "name": name, "id_type": "resident_id",
                   "id_number": self.resident_id(), "phone": phone})
        } else {
            let suffix = match category {
                "business" => "科技有限公司",
                "research" => "研究院",
                "nonprofit" => "公益基金会",
                "legal_service" => "律师事务所",
                _ => "业主委员会",
            };
            json!({"kind": "organization", "category": category,
                   "name": format!("杭州{name}{suffix}"), "id_type": "uscc",
                   "id_number": self.uscc(), "phone": phone})
        }
    }

    fn line(&mut self) -> Value {
        self.n += 1;
        let received = self
            .first_day
            .checked_add_days(Days::new(self.rng.u64(0..self.span_days)))
            .unwrap_or(self.first_day);
        let category = pick(&mut self.rng, &CATEGORIES);
        let topic = TOPICS[self.rng.usize(0..TOPICS.len())]
            .replace("{y}", &(received.year() - 1).to_string())
            .replace("{p}", PLACES[self.rng.usize(0..PLACES.len())]);
        let mut l = json!({
            "external_id": format!("DEMO-{:08}", self.n),
            "agency": pick(&mut self.rng, &AGENCIES),
            "channel": pick(&mut self.rng, &CHANNELS),
            "received_on": received.to_string(),
            "applicant": self.applicant(category),
            "content": topic,
        });
        // Replies come 3 to 40 days after receipt (a few late ones beyond the 20 working
        // days); a case whose reply date would be after today is still open.
        let days = if self.rng.u32(0..100) < 6 {
            self.rng.u64(30..60)
        } else {
            self.rng.u64(3..30)
        };
        let Some(concluded) = received.checked_add_days(Days::new(days)) else {
            return l;
        };
        if concluded > self.today {
            return l;
        }
        let disposition = pick(&mut self.rng, &DISPOSITIONS);
        l["disposition"] = json!(disposition);
        l["concluded_on"] = json!(concluded.to_string());
        let refusal = disposition.starts_with("withheld_")
            || disposition.starts_with("unavailable_")
            || disposition.starts_with("not_processed_")
            || disposition == "partially_disclosed";
        if refusal {
            l["reasons"] = json!(REASONS[self.rng.usize(0..REASONS.len())]);
        }
        let lapsed = matches!(
            disposition,
            "other_withdrawn" | "other_correction_overdue" | "other_fee_unpaid"
        );
        let recon_chance = if refusal { 12 } else { 2 };
        if !lapsed && self.rng.u32(0..100) < recon_chance {
            let filed = concluded
                .checked_add_days(Days::new(self.rng.u64(5..55)))
                .unwrap_or(concluded);
            if filed <= self.today {
                let decided = filed
                    .checked_add_days(Days::new(self.rng.u64(20..80)))
                    .unwrap_or(filed);
                let mut r =
                    json!({"body_name": "杭州市上城区人民政府", "filed_on": filed.to_string()});
                if decided <= self.today {
                    let decision = pick(&mut self.rng, &DECISIONS);
                    r["decision"] = json!(decision);
                    r["decided_on"] = json!(decided.to_string());
                    if matches!(
                        decision,
                        "revoked" | "confirmed_illegal" | "ordered_to_perform" | "altered"
                    ) {
                        r["defect"] = json!(DEFECTS[self.rng.usize(0..DEFECTS.len())]);
                    }
                }
                l["reconsideration"] = r;
            }
        }
        // Suits: about one reply in a hundred directly, and a quarter of the decided
        // reconsiderations go on to court.
        let decided_reconsideration = l
            .get("reconsideration")
            .is_some_and(|r| r.get("decided_on").is_some());
        let suit_chance = if decided_reconsideration { 250 } else { 8 };
        if !lapsed && self.rng.u32(0..1000) < suit_chance {
            let via = decided_reconsideration;
            // After a reconsideration, the suit follows its decision within 15 days
            // (行政诉讼法第四十五条).
            let start = l["reconsideration"]["decided_on"]
                .as_str()
                .and_then(|d| d.parse::<NaiveDate>().ok())
                .unwrap_or(concluded);
            let wait = if via {
                self.rng.u64(3..15)
            } else {
                self.rng.u64(30..150)
            };
            let filed = start.checked_add_days(Days::new(wait)).unwrap_or(start);
            if filed <= self.today {
                let mut s = json!({"court": "杭州铁路运输法院", "via_reconsideration": via,
                                   "filed_on": filed.to_string()});
                let decided = filed
                    .checked_add_days(Days::new(self.rng.u64(60..200)))
                    .unwrap_or(filed);
                if decided <= self.today {
                    let outcome = match self.rng.u32(0..10) {
                        0..=5 => "upheld",
                        6..=7 => "corrected",
                        _ => "other",
                    };
                    s["outcome"] = json!(outcome);
                    s["decided_on"] = json!(decided.to_string());
                }
                l["litigation"] = s;
            }
        }
        l
    }
}

/// Serves the generated lines as a byte stream, a line at a time, so a million cases never
/// sit in memory.
struct LineReader {
    generator: Generator,
    buf: Vec<u8>,
    pos: usize,
}

impl Read for LineReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for LineReader {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.pos >= self.buf.len() && self.generator.remaining > 0 {
            self.generator.remaining -= 1;
            self.buf.clear();
            self.pos = 0;
            let line = self.generator.line();
            serde_json::to_writer(&mut self.buf, &line)?;
            self.buf.push(b'\n');
        }
        Ok(&self.buf[self.pos..])
    }

    fn consume(&mut self, amt: usize) {
        self.pos += amt;
    }
}

/// Adds the demo agencies (if missing) and `cases` generated cases.
pub async fn generate(state: &Ctx, cases: usize, seed: u64) -> Result<ImportReport, AppError> {
    seed_demo(state).await?;
    let reader = LineReader {
        generator: Generator::new(cases, seed, state.today()),
        buf: Vec::new(),
        pos: 0,
    };
    import::import(state, reader).await
}

/// Adds the demo agencies and accounts that are missing.
pub async fn seed_demo(state: &Ctx) -> anyhow::Result<(usize, usize)> {
    let agencies = state
        .write(|conn| Ok(yishen_store::reference::sync_demo_agencies(conn)?))
        .await?;
    let accounts = crate::services::accounts::seed_demo(state).await?;
    Ok((agencies, accounts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_is_deterministic_and_every_line_is_json() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).expect("date");
        let read = |seed| {
            let mut r = LineReader {
                generator: Generator::new(200, seed, today),
                buf: Vec::new(),
                pos: 0,
            };
            let mut s = String::new();
            r.read_to_string(&mut s).expect("read");
            s
        };
        let a = read(7);
        assert_eq!(a, read(7));
        assert_ne!(a, read(8));
        let lines: Vec<Value> = a
            .lines()
            .map(|l| serde_json::from_str(l).expect("json"))
            .collect();
        assert_eq!(lines.len(), 200);
        assert!(lines.iter().any(|l| l.get("reconsideration").is_some()));
        assert!(lines.iter().any(|l| l.get("disposition").is_none()));
        for l in &lines {
            let id = l["applicant"]["id_number"].as_str().expect("id");
            if l["applicant"]["kind"] == "person" {
                assert!(ResidentId::parse(id).is_ok(), "{id}");
            } else {
                assert!(Uscc::parse(id).is_ok(), "{id}");
            }
        }
    }
}
