//! Benchmark of the similar-case index at scale (docs/similar.md reports the figures).
//!
//! `cargo run --release -p yishen-similar --example bench -- N [DIR] [--skip-build]`
//!
//! Generates N synthetic cases from the evaluation templates (varied places, projects,
//! numbers, years, agencies, descriptions), builds the index on disk under DIR (default
//! `/tmp/yishen-similar-bench`) and reports cases per second, then reopens it as the server
//! would and runs 1,000 top-10 queries (free text and like_case, some filtered), reporting
//! p50/p99 latency, the latency of a single upsert + commit, the index size and the RSS.
//! With `--skip-build` it only reopens and queries an index built before (a fresh process,
//! so the RSS is what a server holding that index pays).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use yishen_similar::{CaseDoc, CommitPolicy, Filter, Options, SimilarIndex};

const CASES: &str = include_str!("../../../fixtures/eval/similar/cases.jsonl");
const QUERIES: &str = include_str!("../../../fixtures/eval/similar/queries.jsonl");

const SURNAME: &str = "东西南北中新老金银青红白清明光华兴盛安平和顺福康乐永长泰丰宝云龙凤";
const NAME: &str = "山水林园湖河桥塘坪岭湾溪石竹梅松柏桂兰荷花阳星月湘江汉川海峰";
const PLACE: [&str; 8] = ["路", "街", "村", "小区", "花园", "社区", "大道", "片区"];
const DESCRIPTIONS: [&str; 8] = [
    "用于维护自身合法权益。",
    "本人系利害关系人。",
    "用于学术研究。",
    "请以电子邮件方式提供。",
    "请邮寄纸质复印件。",
    "",
    "",
    "用于了解相关政策。",
];

struct Template {
    content: String,
    reply: String,
    disposition: Option<String>,
    agency: String,
}

fn rss_kb() -> (u64, u64, u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (
        field("VmRSS:"),
        field("VmHWM:"),
        field("RssAnon:"),
        field("RssFile:"),
    )
}

fn report_rss(phase: &str) {
    let (rss, hwm, anon, file) = rss_kb();
    let mb = |kb: u64| kb as f64 / 1024.0;
    println!(
        "RSS {phase}: {:.0} MB = {:.0} MB heap + {:.0} MB mapped index files (peak {:.0} MB)",
        mb(rss),
        mb(anon),
        mb(file),
        mb(hwm)
    );
}

fn pick(rng: &mut fastrand::Rng, s: &str) -> char {
    let chars: Vec<char> = s.chars().collect();
    chars[rng.usize(..chars.len())]
}

fn place(rng: &mut fastrand::Rng) -> String {
    format!(
        "{}{}{}",
        pick(rng, SURNAME),
        pick(rng, NAME),
        PLACE[rng.usize(..PLACE.len())]
    )
}

fn templates() -> Vec<Template> {
    CASES
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            Template {
                content: v["content"].as_str().unwrap().to_owned(),
                reply: v["reply"].as_str().unwrap().to_owned(),
                disposition: v["disposition"].as_str().map(str::to_owned),
                agency: v["agency_path"].as_str().unwrap().to_owned(),
            }
        })
        .collect()
}

fn synthetic(rng: &mut fastrand::Rng, templates: &[Template], id: i64) -> CaseDoc {
    let t = &templates[rng.usize(..templates.len())];
    // Replace the first place-like name of the template with a generated one, and add a
    // second request from another template of the same position now and then.
    let mut content = t.content.clone();
    for marker in ["路", "村", "小区", "片区", "苑", "园"] {
        if let Some(at) = content.find(marker) {
            let start = content[..at]
                .char_indices()
                .rev()
                .nth(1)
                .map_or(0, |(i, _)| i);
            content.replace_range(start..at + marker.len(), &place(rng));
            break;
        }
    }
    if rng.u8(..4) == 0 {
        let other = &templates[rng.usize(..templates.len())];
        content.push_str(&other.content);
    }
    let year = 2015 + rng.i32(..11);
    let text = format!(
        "{}（{}{}号）{}\n{}\n{}",
        place(rng),
        year,
        rng.u32(1..2000),
        content,
        DESCRIPTIONS[rng.usize(..DESCRIPTIONS.len())],
        if rng.u8(..5) == 0 {
            ""
        } else {
            t.reply.as_str()
        },
    );
    // p{1..5}/c{1..10}/d{1..8}/dept
    let dept = t.agency.rsplit('/').next().unwrap_or("zfb");
    let agency = format!(
        "p{}/c{}/d{}/{dept}",
        rng.u8(1..6),
        rng.u8(1..11),
        rng.u8(1..9)
    );
    CaseDoc {
        case_id: id,
        agency_path: agency,
        year,
        disposition: t.disposition.clone(),
        text,
    }
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .filter(std::fs::Metadata::is_file)
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: i64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let dir = args
        .iter()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .map_or_else(|| PathBuf::from("/tmp/yishen-similar-bench"), PathBuf::from);
    let skip_build = args.iter().any(|a| a == "--skip-build");
    println!(
        "machine: {} cores, {}",
        std::thread::available_parallelism().map_or(0, usize::from),
        std::fs::read_to_string("/proc/cpuinfo")
            .unwrap_or_default()
            .lines()
            .find(|l| l.starts_with("model name"))
            .unwrap_or("")
    );
    report_rss("at start");
    let templates = templates();
    let analyzer_start = Instant::now();
    let _ = yishen_similar::Analyzer::shared().unwrap();
    println!(
        "analyzer (jieba + dictionaries) loaded in {:?}",
        analyzer_start.elapsed()
    );
    report_rss("after loading the analyzer");

    if !skip_build {
        let _ = std::fs::remove_dir_all(&dir);
        let index = SimilarIndex::open_with(
            &dir,
            Options {
                commit: CommitPolicy::Manual,
                writer_threads: 2,
                writer_memory_bytes: 512 << 20,
                ..Options::default()
            },
        )
        .unwrap();
        let mut rng = fastrand::Rng::with_seed(7);
        let started = Instant::now();
        let count = index
            .rebuild((1..=n).map(|id| synthetic(&mut rng, &templates, id)))
            .unwrap();
        let secs = started.elapsed().as_secs_f64();
        println!(
            "built {count} cases in {secs:.1} s: {:.0} cases/s (2 indexing threads, incl. generation and commit)",
            count as f64 / secs
        );
        report_rss("after the build");
        drop(index);
    }
    println!("index on disk: {:.0} MB", dir_size(&dir) as f64 / 1e6);

    // Reopen as the server does (1 indexing thread, 64 MB writer budget).
    let opened = Instant::now();
    let index = SimilarIndex::open_with(
        &dir,
        Options {
            commit: CommitPolicy::Manual,
            ..Options::default()
        },
    )
    .unwrap();
    println!("reopened {} cases in {:?}", index.len(), opened.elapsed());
    report_rss("after reopening");

    let queries: Vec<String> = QUERIES
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["text"].as_str().unwrap().to_owned()
        })
        .collect();
    let mut rng = fastrand::Rng::with_seed(11);
    let max_id = index.len() as i64;
    let filters = [
        Filter::default(),
        Filter {
            agency_path_prefix: Some("p2/c3".into()),
            ..Filter::default()
        },
        Filter {
            years: Some(2019..=2022),
            ..Filter::default()
        },
        Filter {
            visible_agency_prefixes: Some(vec!["p1".into(), "p4/c2".into()]),
            disposition: Some("disclosed".into()),
            ..Filter::default()
        },
    ];
    // Warm up the page cache and the analyzer's thread-local scratch.
    for q in queries.iter().take(20) {
        let _ = index.search(q, &Filter::default(), 10).unwrap();
    }
    let mut search_times = Vec::new();
    let mut like_times = Vec::new();
    let mut filtered_times = Vec::new();
    for i in 0..1000 {
        let filtered = i % 4 >= 2;
        let filter = if filtered {
            &filters[1 + rng.usize(..3)]
        } else {
            &filters[0]
        };
        let started = Instant::now();
        let hits = if i % 2 == 0 {
            let q = &queries[rng.usize(..queries.len())];
            index.search(q, filter, 10).unwrap()
        } else {
            index.like_case(rng.i64(1..=max_id), filter, 10).unwrap()
        };
        let took = started.elapsed();
        assert!(hits.len() <= 10);
        if filtered {
            filtered_times.push(took);
        } else if i % 2 == 0 {
            search_times.push(took);
        } else {
            like_times.push(took);
        }
    }
    let mut all: Vec<Duration> = search_times
        .iter()
        .chain(&like_times)
        .chain(&filtered_times)
        .copied()
        .collect();
    for (name, times) in [
        ("search (free text)", &mut search_times),
        ("like_case", &mut like_times),
        ("filtered (both)", &mut filtered_times),
        ("all 1,000 queries", &mut all),
    ] {
        times.sort();
        println!(
            "{name:<20} n={:<4} p50 {:>6.2} ms  p99 {:>6.2} ms  max {:>6.2} ms",
            times.len(),
            percentile(times, 0.5),
            percentile(times, 0.99),
            percentile(times, 1.0)
        );
    }
    report_rss("after 1,000 queries");

    // What one write costs the request that makes it, under each policy.
    let mut upserts = Vec::new();
    let mut commits = Vec::new();
    for i in 0..20 {
        let doc = synthetic(&mut rng, &templates, max_id + 1 + i);
        let started = Instant::now();
        index.upsert(&doc).unwrap();
        upserts.push(started.elapsed());
        let started = Instant::now();
        index.commit().unwrap();
        commits.push(started.elapsed());
    }
    upserts.sort();
    commits.sort();
    println!(
        "single upsert (no commit): p50 {:.2} ms, max {:.2} ms; commit of it: p50 {:.1} ms, max {:.1} ms",
        percentile(&upserts, 0.5),
        percentile(&upserts, 1.0),
        percentile(&commits, 0.5),
        percentile(&commits, 1.0)
    );
    for i in 0..20 {
        index.delete(max_id + 1 + i).unwrap();
    }
    index.commit().unwrap();
    report_rss("at the end");
}
