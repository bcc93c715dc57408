//! How long one letter takes: a one-page reply rendered to PDF bytes (the font parsed once,
//! as the server does), and its plain-text layout alone. Timings are measured here, never
//! asserted in tests.

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use yishen_letters::{LetterData, LetterKind, Templates};

fn reply() -> LetterData {
    let fields = [
        ("agency_name", "杭州市上城区住房和城乡建设局"),
        ("applicant_name", "张堃喆"),
        ("received_date", "2026年3月2日"),
        ("channel", "政府信息公开申请平台"),
        ("tracking_no", "ZJ-HZ-SC-2026-000123"),
        (
            "request_content",
            "2025年望江街道老旧小区改造项目的竣工验收报告",
        ),
        ("issue_date", "2026年3月20日"),
        ("contact", "王明，0571-87001234"),
        ("reconsideration_body", "杭州市上城区人民政府"),
        ("reasons", "该报告为审查过程中形成的讨论稿，尚未定稿"),
    ];
    LetterData {
        kind: LetterKind::Reply,
        variant: Some("withheld_process_info".to_owned()),
        number: "上住建依申复〔2026〕12号".to_owned(),
        fields: fields
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect::<BTreeMap<_, _>>(),
    }
}

fn bench(c: &mut Criterion) {
    let templates = match Templates::shipped() {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    };
    let data = reply();
    c.bench_function("render one-page reply (pdf)", |b| {
        b.iter(|| templates.render(black_box(&data)))
    });
    c.bench_function("lay out one-page reply (text)", |b| {
        b.iter(|| templates.text(black_box(&data)))
    });
    c.bench_function("load templates and font", |b| b.iter(Templates::shipped));
}

criterion_group!(benches, bench);
criterion_main!(benches);
