//! How long one letter takes: a one-page and a two-page reply rendered to PDF bytes (the
//! fonts parsed once, as the server does), the plain-text layout alone, and loading the
//! templates with their fonts. Timings are measured here, never asserted in tests; the sizes
//! of the two PDFs are printed once (the targets: ≤ 20 ms and ≤ 150 KB for two pages).

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use yishen_letters::{LetterData, LetterKind, Seal, Templates};

fn reply() -> LetterData {
    let fields = [
        ("agency_name", "杭州市上城区住房和城乡建设局"),
        ("applicant_name", "张堃喆"),
        ("addressee", "您"),
        ("received_date", "2026年3月2日"),
        ("channel", "政府信息公开申请平台"),
        ("tracking_no", "ZJ-HZ-SC-2026-000123"),
        (
            "request_content",
            "2025年望江街道老旧小区改造项目的竣工验收报告",
        ),
        ("issue_date", "2026年3月20日"),
        ("contact", "联系人：王明，联系电话：0571-87001234"),
        ("verify_code", "K7M2-Q9PX-4HTW"),
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

/// The reply with reasons long enough to run onto a second page.
fn two_page_reply() -> LetterData {
    let mut data = reply();
    let reasons = "该报告系审查过程中形成的讨论稿，记载了各参建单位尚未形成定论的意见，公开后可能误导社会公众，"
        .repeat(8);
    data.fields
        .insert("reasons".to_owned(), format!("{reasons}故不予公开"));
    data
}

/// A red ring on a clear ground, as an agency's scanned seal would be after cropping.
fn seal_png(side: u32) -> Vec<u8> {
    let c = side as f32 / 2.0;
    let img = image::RgbaImage::from_fn(side, side, |x, y| {
        let d = ((x as f32 - c).powi(2) + (y as f32 - c).powi(2)).sqrt();
        if (d > c * 0.86 && d < c * 0.97) || d < c * 0.25 {
            image::Rgba([214, 20, 28, 255])
        } else {
            image::Rgba([255, 255, 255, 0])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .unwrap_or_else(|e| panic!("{e}"));
    out.into_inner()
}

fn bench(c: &mut Criterion) {
    let templates = match Templates::shipped() {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    };
    let data = reply();
    let two_pages = two_page_reply();
    for (name, d) in [("one-page", &data), ("two-page", &two_pages)] {
        match (templates.render(d), templates.page_count(d)) {
            (Ok(pdf), Ok(pages)) => eprintln!("{name} reply: {pages} page(s), {} bytes", pdf.len()),
            (Err(e), _) | (_, Err(e)) => panic!("{e}"),
        }
    }
    c.bench_function("render one-page reply (pdf)", |b| {
        b.iter(|| templates.render(black_box(&data)))
    });
    c.bench_function("render two-page reply (pdf)", |b| {
        b.iter(|| templates.render(black_box(&two_pages)))
    });
    // A seal of 42 mm kept at 300 dpi (496 px square): its pixels and soft mask are
    // compressed into every sealed letter.
    let seal = Seal::from_png(&seal_png(900), 42).unwrap_or_else(|e| panic!("{e}"));
    match templates.render_sealed(&data, Some(&seal)) {
        Ok(pdf) => eprintln!("one-page sealed reply: {} bytes", pdf.len()),
        Err(e) => panic!("{e}"),
    }
    c.bench_function("render one-page reply sealed (pdf)", |b| {
        b.iter(|| templates.render_sealed(black_box(&data), Some(&seal)))
    });
    c.bench_function("lay out one-page reply (text)", |b| {
        b.iter(|| templates.text(black_box(&data)))
    });
    c.bench_function("load templates and fonts", |b| b.iter(Templates::shipped));
}

criterion_group!(benches, bench);
criterion_main!(benches);
