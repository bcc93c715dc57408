//! Writes N import lines (CONTRACT.md format) to stdout, for the import benchmark:
//! `cargo run --release --example gen_import -- 100000 > cases.jsonl`.
//! Deterministic: the same N gives the same file.
#![allow(clippy::print_stdout, clippy::expect_used, clippy::unwrap_used)]

use std::io::Write;

use yishen_domain::identity::ResidentId;

const AGENCIES: [&str; 4] = ["ZJ-HZ-SC", "ZJ-HZ-SC-JS", "ZJ-HZ", "ZJ-LS-JY"];
const TOPICS: [&str; 6] = [
    "旧城改造项目的征收补偿方案及其批准文件",
    "老旧小区改造项目的资金使用情况",
    "2023年度政府采购项目清单及中标结果",
    "某路段道路拓宽工程的规划许可证",
    "保障性住房分配名单及审核标准",
    "本街道2023年度行政处罚决定书",
];
const DISPOSITIONS: [&str; 8] = [
    "disclosed",
    "partially_disclosed",
    "withheld_process_info",
    "unavailable_not_held",
    "unavailable_not_this_agency",
    "not_processed_repeat",
    "other_withdrawn",
    "disclosed_already_public",
];

const CHANNELS: [&str; 4] = ["online", "in_person", "registered_post", "email"];
const DECISIONS: [&str; 3] = ["upheld", "revoked", "rejected"];

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let mut rng = Lcg(20_261_122);
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    let start = chrono::NaiveDate::from_ymd_opt(2023, 1, 2).expect("date");
    for i in 0..n {
        let birth = format!(
            "19{:02}{:02}{:02}",
            50 + rng.below(50),
            1 + rng.below(12),
            1 + rng.below(28)
        );
        let first17 = format!("330102{birth}{:03}", rng.below(1000));
        let id = format!(
            "{first17}{}",
            ResidentId::check_char(&first17).expect("17 digits")
        );
        let received = start + chrono::Days::new(rng.below(1000));
        let concluded = received + chrono::Days::new(5 + rng.below(30));
        let agency = AGENCIES[rng.below(AGENCIES.len() as u64) as usize];
        let topic = TOPICS[rng.below(TOPICS.len() as u64) as usize];
        let mut line = serde_json::json!({
            "external_id": format!("BENCH-{i:07}"),
            "agency": agency,
            "channel": CHANNELS[rng.below(4) as usize],
            "received_on": received.to_string(),
            "applicant": {
                "kind": "person", "name": format!("申请人{}", rng.below(5000)),
                "id_type": "resident_id", "id_number": id,
                "phone": format!("139{:08}", rng.below(100_000_000)),
                "address": format!("杭州市上城区某某路{}号", rng.below(500))
            },
            "content": format!("请公开{topic}（第{i}件）"),
        });
        if rng.below(10) < 9
            && concluded < chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("date")
        {
            line["disposition"] =
                serde_json::json!(DISPOSITIONS[rng.below(DISPOSITIONS.len() as u64) as usize]);
            line["concluded_on"] = serde_json::json!(concluded.to_string());
            if rng.below(20) == 0 {
                line["reconsideration"] = serde_json::json!({
                    "body_name": "杭州市上城区人民政府", "filed_on": (concluded + chrono::Days::new(20)).to_string(),
                    "decision": DECISIONS[rng.below(3) as usize],
                    "decided_on": (concluded + chrono::Days::new(70)).to_string()
                });
            }
        }
        writeln!(out, "{line}").expect("write");
    }
}
