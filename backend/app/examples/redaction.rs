//! Measures redaction: a document of N pages set with the letters' fonts (a resident ID, a
//! mobile number and a name on every page), the suggestions over all of it, then the release
//! with every suggested box (every page rasterised at 150 dpi, burned, rebuilt, verified).
//! Prints the time per page and the peak resident memory.
//!
//! usage: cargo run --release -p yishen-app --example redaction -- [PAGES]

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::print_stdout)]

use std::time::Instant;

use yishen_app::redact;
use yishen_domain::redaction::RedactionBox;

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_owned))
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let pages: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let para = "申请人欧阳娜娜，公民身份号码33010619900101123X，联系电话13812345678。\
                本项目的环境影响评价报告已经有关部门审查批准，相关结论如下。"
        .repeat(8);
    let mut blocks = Vec::new();
    // About a page per three paragraphs.
    for _ in 0..pages * 3 {
        blocks.push(yishen_letters::Block::Paragraph(para.clone()));
    }
    let doc = yishen_letters::Document {
        title: "关于道路拓宽工程的说明".into(),
        blocks,
        signature: String::new(),
        date: String::new(),
    };
    let bytes = yishen_letters::Templates::shipped()
        .expect("templates")
        .render_document(&doc)
        .expect("pdf");
    let n = redact::page_sizes(&bytes).expect("pages").len();
    println!("document: {n} pages, {} KB", bytes.len() / 1024);
    let t = Instant::now();
    let s = redact::suggest(&bytes, &["欧阳娜娜"]).expect("suggest");
    let suggest = t.elapsed();
    println!(
        "suggestions: {} boxes in {:.0} ms ({:.1} ms per page)",
        s.len(),
        suggest.as_secs_f64() * 1e3,
        suggest.as_secs_f64() * 1e3 / n as f64
    );
    let boxes: Vec<RedactionBox> = s
        .iter()
        .map(|b| {
            RedactionBox::new(
                i64::from(b.page),
                b.bbox.x0.max(0.0),
                b.bbox.y0.max(0.0),
                b.bbox.width(),
                b.bbox.height(),
                "withheld_third_party",
            )
            .expect("box")
        })
        .collect();
    let t = Instant::now();
    let released = redact::release(&bytes, &boxes, &[]).expect("release");
    let release = t.elapsed();
    println!(
        "release: {} pages rasterised at {} dpi in {:.0} ms ({:.0} ms per page), {} KB",
        released.pages_burned.len(),
        redact::RELEASE_DPI,
        release.as_secs_f64() * 1e3,
        release.as_secs_f64() * 1e3 / released.pages_burned.len() as f64,
        released.bytes.len() / 1024
    );
    println!("peak resident memory: {} MB", peak_rss_kb() / 1024);
}
