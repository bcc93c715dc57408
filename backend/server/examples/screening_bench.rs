//! Measures what screening adds to intake on a real database (docs/screening.md):
//!
//! ```sh
//! YISHEN_DATA_DIR=/tmp/bench cargo run --release -p yishen-server --bin yishen -- demo generate --cases 1000000
//! YISHEN_DATA_DIR=/tmp/bench cargo run --release -p yishen-server --example screening_bench -- 300 [--no-index]
//! ```
//!
//! It adds three heavy applicants through the import path — one person with 2,000 applications
//! over two years, one with 2,000 answered applications worded differently each time (every
//! one asked of the similar-case index), and a family of five names sharing a phone with
//! 200 — then, for a sample of
//! ordinary cases and for the newest cases of the heavy clusters, times exactly the work intake
//! does after the case is stored: [`flags::screen_filed`] (screen the case, re-screen the
//! members its filing affects) in its own transaction, as the server runs it. Prints the median, 90th and 99th percentiles and the maximum per group.
#![allow(clippy::print_stdout, clippy::expect_used, clippy::unwrap_used)]

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use diesel::prelude::*;
use yishen_app::services::flags;
use yishen_app::settings::Settings;
use yishen_domain::identity::ResidentId;
use yishen_server::startup;

const TOPICS: [&str; 8] = [
    "本区2025年度部门预算",
    "望江街道老旧小区改造资金拨付明细",
    "清波街道道路工程规划许可",
    "本区政府采购项目清单及中标结果",
    "湖滨街道公租房分配名单审核标准",
    "小营街道河道整治验收报告",
    "南星街道垃圾分类补助资金",
    "紫阳街道停车泊位设置批准文件",
];

const PHRASINGS: [&str; 5] = [
    "请公开",
    "本人想了解",
    "申请获取以下信息：",
    "恳请贵局提供",
    "依法申请查阅",
];

const ASPECTS: [&str; 10] = [
    "的审批文件",
    "的会议纪要",
    "的资金使用明细",
    "的实施方案",
    "的验收材料",
    "的公示材料",
    "的合同文本",
    "的统计数据",
    "的请示及批复",
    "的评估报告",
];

fn resident_id(seq: u32) -> String {
    let first17 = format!("330102198{:01}0101{:03}", seq % 10, seq % 1000);
    let check = ResidentId::check_char(&first17).expect("check");
    format!("{first17}{check}")
}

fn heavy_lines() -> String {
    let start = NaiveDate::from_ymd_opt(2024, 12, 1).expect("date");
    let mut out = String::new();
    // One person, 2,000 applications over two years, the same topics over and over.
    for i in 0..2_000u32 {
        let on = start + chrono::Days::new(u64::from(i * 365 * 2 / 2_000));
        let line = serde_json::json!({
            "external_id": format!("BENCH-H-{i}"), "agency": "ZJ-HZ-SC", "channel": "online",
            "received_on": on.to_string(),
            "applicant": {"kind": "person", "name": "陈重复", "id_type": "resident_id",
                          "id_number": resident_id(901), "phone": "13700000001"},
            "content": format!("请公开{}（第{}次申请）", TOPICS[(i % 8) as usize], i / 8 + 1),
        });
        out.push_str(&format!("{line}\n"));
    }
    // One person, 2,000 applications on many matters in other words each time, every one
    // answered by the agency: each earlier request is a restatement candidate, the worst case
    // for the similar-case index.
    let reworder_start = NaiveDate::from_ymd_opt(2024, 9, 2).expect("date");
    for i in 0..2_000u32 {
        let on = reworder_start + chrono::Days::new(u64::from(i * 760 / 2_000));
        let topic = TOPICS[(i % 8) as usize];
        let line = serde_json::json!({
            "external_id": format!("BENCH-R-{i}"), "agency": "ZJ-HZ-SC", "channel": "online",
            "received_on": on.to_string(),
            "applicant": {"kind": "person", "name": "赵换说", "id_type": "resident_id",
                          "id_number": resident_id(920), "phone": "13700000003"},
            "content": format!("{}{}{}", PHRASINGS[(i / 8 % 5) as usize], topic, ASPECTS[(i / 40 % 10) as usize]),
            "disposition": "disclosed",
            "concluded_on": (on + chrono::Days::new(15)).to_string(),
        });
        out.push_str(&format!("{line}\n"));
    }
    // Five names, one phone, 200 applications.
    for i in 0..200u32 {
        let on = start + chrono::Days::new(u64::from(i * 3));
        let name = ["林一", "林二", "林三", "林四", "林五"][(i % 5) as usize];
        let line = serde_json::json!({
            "external_id": format!("BENCH-F-{i}"), "agency": "ZJ-HZ-SC", "channel": "registered_post",
            "received_on": on.to_string(),
            "applicant": {"kind": "person", "name": name,
                          "id_type": "resident_id", "id_number": resident_id(910 + i % 5),
                          "phone": "13700000002"},
            "content": format!("请公开{}", TOPICS[(i % 8) as usize]),
        });
        out.push_str(&format!("{line}\n"));
    }
    out
}

fn percentiles(label: &str, mut v: Vec<Duration>) {
    v.sort();
    let at = |p: f64| {
        let i = ((p * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1;
        v[i].as_secs_f64() * 1000.0
    };
    println!(
        "| {label} | {} | {:.2} | {:.2} | {:.2} | {:.2} |",
        v.len(),
        at(0.5),
        at(0.9),
        at(0.99),
        v.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    );
}

/// Times intake's screening of each case. `cold`: with an empty screening cache each time (no
/// restatement kept in memory), as for the first filing of an applicant after the server
/// starts; signatures are read from the database either way.
async fn time_cases(state: &yishen_app::Ctx, ids: &[i64], cold: bool) -> Vec<Duration> {
    let mut out = Vec::with_capacity(ids.len());
    let today = state.clock.today();
    for &id in ids {
        let pii = state.pii.clone();
        let cache = if cold {
            std::sync::Arc::new(yishen_app::services::restatements::ScreeningCache::default())
        } else {
            std::sync::Arc::clone(&state.screening_cache)
        };
        let index = state.similar.clone();
        let started = Instant::now();
        state
            .write(move |conn| {
                let lookups = flags::Lookups {
                    cache: &cache,
                    index: index.as_deref(),
                };
                flags::screen_filed(conn, &pii, lookups, yishen_store::CaseId(id), today)
            })
            .await
            .expect("screen");
        out.push(started.elapsed());
    }
    out
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let samples: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse().expect("samples"))
        .unwrap_or(300);
    let settings = Settings::load(|k| std::env::var(k).ok())?;
    let mut state = startup::build_state(settings).await?;
    let total: i64 = state
        .read(|conn| {
            Ok(yishen_store::schema::cases::table
                .count()
                .get_result::<i64>(conn)?)
        })
        .await?;
    println!("cases in the database: {total}");
    let already: i64 = state
        .read(|conn| {
            use yishen_store::schema::cases::dsl::*;
            Ok(cases
                .filter(external_id.like("BENCH-%"))
                .count()
                .get_result::<i64>(conn)?)
        })
        .await?;
    if already == 0 {
        let r = yishen_app::services::import::import(&state, std::io::Cursor::new(heavy_lines()))
            .await?;
        println!("heavy applicants imported: {}", r.imported);
    }
    // The similar-case index as the server holds it (built from the database the first time);
    // `--no-index` measures character similarity alone, as in command-line runs.
    if std::env::args().any(|a| a == "--no-index") {
        println!("without the similar-case index");
    } else {
        state.similar = Some(yishen_app::services::similar::open(&state).await?);
    }
    let mut rng = fastrand::Rng::with_seed(7);
    let max_id: i64 = state
        .read(|conn| {
            use yishen_store::schema::cases::dsl::*;
            Ok(cases
                .select(diesel::dsl::max(id))
                .first::<Option<i64>>(conn)?
                .unwrap_or(0))
        })
        .await?;
    let ordinary: Vec<i64> = (0..samples).map(|_| rng.i64(1..=max_id.max(1))).collect();
    let heavy = |prefix: &'static str| {
        state.read(move |conn| {
            use yishen_store::schema::cases::dsl::*;
            Ok(cases
                .filter(external_id.like(prefix))
                .order(id.desc())
                .limit(50)
                .select(id)
                .load::<i64>(conn)?)
        })
    };
    let person = heavy("BENCH-H-%").await?;
    let family = heavy("BENCH-F-%").await?;
    let reworder = heavy("BENCH-R-%").await?;
    // Warm the page cache the way a running server has it.
    let _ = time_cases(&state, &ordinary[..ordinary.len().min(20)], false).await;
    println!("| applicant | samples | p50 ms | p90 ms | p99 ms | max ms |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    let rows: [(&str, &[i64], bool); 6] = [
        ("ordinary (random case)", &ordinary, false),
        ("family of five names, 200 applications", &family, false),
        ("one person, ~2,000 applications", &person, false),
        (
            "the same, first filing after a start",
            &person[..person.len().min(10)],
            true,
        ),
        (
            "one person, ~2,000 answered applications, each asked of the index",
            &reworder,
            false,
        ),
        (
            "the same, first filing after a start",
            &reworder[..reworder.len().min(10)],
            true,
        ),
    ];
    for (label, ids, cold) in rows {
        percentiles(label, time_cases(&state, ids, cold).await);
    }
    Ok(())
}
