//! Redaction of the information provided: a PDF with a resident ID, a mobile number and the
//! applicant's name in its text layer; the suggested boxes find them; the released copy holds
//! none of them (read back by poppler's `pdftotext`), its other page keeps its text; a release
//! that would leave a number is refused and leaves nothing behind.

use serde_json::{Value, json};

use crate::documents::{download, filed_online, names, upload};
use crate::helpers::{Reply, TestApp, assert_problem, problem_fields, spawn_app};

const ID: &str = "33010619900101123X";
const PHONE: &str = "13812345678";
/// The page-two marker: text a page without boxes keeps.
const KEPT: &str = "末页的文字保持可检索";
/// A public service number on the last page, which a person confirms may stay.
const SERVICE: &str = "13905710000";

/// A two-page PDF set with the letters' fonts: personal data on the first page, none on the
/// second.
fn provided_pdf(name: &str) -> Vec<u8> {
    let filler = "本项目的环境影响评价报告已经有关部门审查批准，相关结论如下。".repeat(25);
    let doc = yishen_letters::Document {
        title: "关于道路拓宽工程的说明".into(),
        blocks: vec![
            yishen_letters::Block::Paragraph(format!(
                "申请人{name}，公民身份号码{ID}，联系电话{PHONE}，现将有关情况说明如下。"
            )),
            yishen_letters::Block::Paragraph(filler),
            yishen_letters::Block::Paragraph(format!("{KEPT}，服务热线{SERVICE}。")),
        ],
        signature: "某区住房和城乡建设局".into(),
        date: "2026年9月20日".into(),
    };
    yishen_letters::Templates::shipped()
        .expect("templates")
        .render_document(&doc)
        .expect("pdf")
}

/// The text `pdftotext` reads, spaces and line breaks dropped.
fn pdftotext(bytes: &[u8]) -> String {
    crate::letters::pdftotext(bytes).replace([' ', '\n'], "")
}

fn page_count(bytes: &[u8]) -> usize {
    lopdf::Document::load_mem(bytes)
        .expect("a PDF")
        .get_pages()
        .len()
}

async fn suggestions(app: &TestApp, token: &str, doc: i64) -> Value {
    let r = app
        .get(
            &format!("/api/v1/documents/{doc}/redactions/suggestions"),
            Some(token),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body
}

#[tokio::test]
async fn a_released_copy_holds_nothing_that_was_under_its_boxes() {
    let app = spawn_app().await;
    let applicant = app.token("demo-applicant").await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let id = filed_online(&app, &applicant, &clerk).await;
    let case = app.get(&format!("/api/v1/cases/{id}"), Some(&clerk)).await;
    let name = case.body["applicant"]["name"]
        .as_str()
        .expect("applicant name")
        .to_owned();

    let source = provided_pdf(&name);
    let pages = page_count(&source);
    assert!(pages >= 2, "the test needs a second page");
    let text = pdftotext(&source);
    assert!(text.contains(ID) && text.contains(PHONE) && text.contains(&name));
    let r = upload(
        &app,
        &handler,
        id,
        Some("provided"),
        "说明.pdf",
        source.clone(),
    )
    .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let doc = r.body["id"].as_i64().expect("id");

    // The suggestions: the number, the phone and the name, on page 1, with the privacy ground.
    let s = suggestions(&app, &handler, doc).await;
    assert_eq!(s["pages"].as_array().expect("pages").len(), pages);
    let items = s["items"].as_array().expect("items");
    let kinds: Vec<&str> = items.iter().map(|i| i["kind"].as_str().unwrap()).collect();
    for k in ["resident_id", "mobile", "party_name"] {
        assert!(kinds.contains(&k), "{k} not suggested: {kinds:?}");
    }
    let last = pages as i64;
    let on = |p: i64| -> Vec<&Value> { items.iter().filter(|i| i["page"] == p).collect() };
    assert_eq!(on(1).len() + on(last).len(), items.len(), "{items:?}");
    assert_eq!(on(last).len(), 1, "the service number on the last page");
    assert!(
        items
            .iter()
            .all(|i| i["ground"] == "withheld_third_party" && i["width"].as_f64().unwrap() > 0.0)
    );
    // The applicant's own documents only: the suggestions are staff work.
    let r = app
        .get(
            &format!("/api/v1/documents/{doc}/redactions/suggestions"),
            Some(&applicant),
        )
        .await;
    assert_eq!(r.status, 404, "{:?}", r.body);

    // Boxes over the first page alone: the last page's mobile number would stay, and nobody
    // confirmed it may, so nothing is released.
    let boxes: Vec<Value> = on(1)
        .iter()
        .map(|i| {
            json!({"page": i["page"], "x": i["x"], "y": i["y"], "width": i["width"],
                   "height": i["height"], "ground": i["ground"]})
        })
        .collect();
    let before = app
        .get(&format!("/api/v1/cases/{id}/documents"), Some(&handler))
        .await;
    let r = app
        .post(
            &format!("/api/v1/documents/{doc}/redactions"),
            Some(&handler),
            &json!({"boxes": boxes}),
        )
        .await;
    assert_eq!(r.status, 422, "{:?}", r.body);
    assert_eq!(problem_fields(&r.body), ["boxes"]);
    let detail = r.body.to_string();
    assert!(
        detail.contains(&format!("第{last}页仍有手机号码")),
        "{detail}"
    );
    assert!(
        !detail.contains(SERVICE) && !detail.contains(PHONE) && !detail.contains(ID),
        "a refusal never repeats the personal data"
    );
    let after = app
        .get(&format!("/api/v1/cases/{id}/documents"), Some(&handler))
        .await;
    assert_eq!(
        names(&before),
        names(&after),
        "a refused release keeps nothing"
    );

    // A bad box is refused naming it.
    let r = app
        .post(
            &format!("/api/v1/documents/{doc}/redactions"),
            Some(&handler),
            &json!({"boxes": [{"page": 1, "x": 10, "y": 10, "width": 20, "height": 10, "ground": "disclosed"}]}),
        )
        .await;
    assert_eq!(r.status, 422, "{:?}", r.body);
    assert_eq!(problem_fields(&r.body), ["boxes[0].ground"]);

    // The same boxes, the service number confirmed: released.
    let r = app
        .post(
            &format!("/api/v1/documents/{doc}/redactions"),
            Some(&handler),
            &json!({"boxes": boxes, "confirmed": [format!("{} {} {}", &SERVICE[..3], &SERVICE[3..7], &SERVICE[7..])]}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["purpose"], "provided");
    assert_eq!(r.body["sent_to_applicant"], false);
    assert_eq!(r.body["name"], "说明（遮盖后）.pdf");
    let released_id = r.body["id"].as_i64().expect("id");
    let (status, media, released) = download(&app, &handler, released_id).await;
    assert_eq!((status, media.as_str()), (200, "application/pdf"));
    assert_eq!(page_count(&released), pages);
    // To look at them: YISHEN_REDACTION_KEEP=dir keeps the source and the released copy.
    if let Ok(dir) = std::env::var("YISHEN_REDACTION_KEEP") {
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(format!("{dir}/source.pdf"), &source).expect("write");
        std::fs::write(format!("{dir}/released.pdf"), &released).expect("write");
    }
    let text = pdftotext(&released);
    for secret in [ID, PHONE, name.as_str()] {
        assert!(!text.contains(secret), "survived in the released file");
    }
    assert!(
        !released.windows(PHONE.len()).any(|w| w == PHONE.as_bytes()),
        "nor in its bytes"
    );
    assert!(
        text.contains(KEPT) && text.contains(SERVICE),
        "a page without boxes keeps its text"
    );

    // The log: a row per box with its ground and both contents' hashes.
    let log = app
        .get(&format!("/api/v1/cases/{id}/redactions"), Some(&handler))
        .await;
    assert_eq!(log.status, 200, "{:?}", log.body);
    let rows = log.body["items"].as_array().expect("items");
    assert_eq!(rows.len(), boxes.len());
    assert!(rows.iter().all(|r| r["released_document_id"] == released_id
        && r["source_document_id"] == doc
        && r["ground"] == "withheld_third_party"
        && r["released_sha256"].as_str().map(str::len) == Some(64)));
    let r = app
        .get(&format!("/api/v1/cases/{id}/redactions"), Some(&applicant))
        .await;
    assert_eq!(r.status, 404, "the log is internal");

    // Not the applicant's until it is sent with the reply.
    let (status, _, _) = download(&app, &applicant, released_id).await;
    assert_eq!(status, 404);

    // The letter must state what the file hides, with its ground (条例36(三), 37): a full
    // disclosure, or a partial one withholding something else, is blocked at pre-review.
    let findings = |r: &Reply| -> Vec<String> {
        r.body["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["severity"] == "blocking")
            .map(|f| f["code"].as_str().expect("code").to_owned())
            .collect()
    };
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/draft"),
            Some(&handler),
            &json!({"disposition": "disclosed", "provided": ["说明（遮盖后）.pdf"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(findings(&r), ["redaction_needs_partial"]);
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/submit"),
            Some(&handler),
            &json!({}),
        )
        .await;
    assert_problem(&r, 409, "prereview_blocking");
    let reasons = "所提供的说明中载有其他自然人的身份证号码、手机号码和姓名，属于个人隐私，公开会损害其合法权益";
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/draft"),
            Some(&handler),
            &json!({"disposition": "partially_disclosed", "reasons": reasons,
                    "withheld_parts": [{"part": "说明中的内部讨论意见", "ground": "withheld_process_info"}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(
        findings(&r).contains(&"redaction_ground_not_stated".to_owned()),
        "{:?}",
        r.body["findings"]
    );
    // Personal data of others: the third party is consulted first (条例32).
    let c = app
        .post(
            &format!("/api/v1/cases/{id}/consultations"),
            Some(&handler),
            &json!({"party_kind": "third_party", "party_name": "说明所载的自然人"}),
        )
        .await;
    assert_eq!(c.status, 201, "{:?}", c.body);
    let cid = c.body["id"].as_i64().expect("consultation id");
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/consultations/{cid}/close"),
            Some(&handler),
            &json!({"opinion": "object"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);

    // The reply goes out: the released copy with it, never the source.
    let legal = app.token("demo-legal").await;
    for (path, token, body) in [
        (
            "draft",
            &handler,
            json!({"disposition": "partially_disclosed", "reasons": reasons,
                   "withheld_parts": [{"part": "说明中其他自然人的身份证号码、手机号码和姓名", "ground": "withheld_third_party"}]}),
        ),
        ("submit", &handler, json!({})),
    ] {
        let r = app
            .post(&format!("/api/v1/cases/{id}/{path}"), Some(token), &body)
            .await;
        assert_eq!(r.status, 200, "{path}: {:?}", r.body);
    }
    // In review the boxes are what the adviser reviews: no new release until returned.
    let r = app
        .post(
            &format!("/api/v1/documents/{doc}/redactions"),
            Some(&handler),
            &json!({"boxes": [{"page": 1, "x": 10, "y": 10, "width": 20, "height": 10, "ground": "withheld_third_party"}]}),
        )
        .await;
    assert_problem(&r, 409, "provided_under_review");
    for (path, token, body) in [
        (
            "review",
            &legal,
            json!({"decision": "approve", "comments": "同意"}),
        ),
        ("issue", &handler, json!({})),
    ] {
        let r = app
            .post(&format!("/api/v1/cases/{id}/{path}"), Some(token), &body)
            .await;
        assert_eq!(r.status, 200, "{path}: {:?}", r.body);
    }
    // The letter lists the released copy as its attachment and states the withheld part.
    let letters = app
        .get(&format!("/api/v1/cases/{id}/letters"), Some(&handler))
        .await;
    let reply = letters
        .body
        .as_array()
        .expect("letters")
        .iter()
        .find(|l| l["kind"] == "reply")
        .expect("a reply")
        .clone();
    let res = app
        .client
        .get(app.url(&format!("/api/v1/letters/{}/pdf", reply["id"])))
        .bearer_auth(&handler)
        .send()
        .await
        .expect("letter");
    let letter_pdf = res.bytes().await.expect("bytes");
    if let Ok(dir) = std::env::var("YISHEN_REDACTION_KEEP") {
        std::fs::write(format!("{dir}/reply.pdf"), &letter_pdf).expect("write");
    }
    let letter_text = pdftotext(&letter_pdf);
    let flat: String = letter_text.split_whitespace().collect();
    assert!(flat.contains("附件：说明（遮盖后）"), "{letter_text}");
    assert!(flat.contains("身份证号码、手机号码和姓名"), "{letter_text}");
    assert!(flat.contains("第十五条"), "{letter_text}");
    let own = app
        .get(&format!("/api/v1/cases/{id}/documents"), Some(&applicant))
        .await;
    assert_eq!(names(&own), ["说明（遮盖后）.pdf"]);
    let (status, _, bytes) = download(&app, &applicant, released_id).await;
    assert_eq!((status, &bytes), (200, &released));
    let (status, _, _) = download(&app, &applicant, doc).await;
    assert_eq!(status, 404, "the unredacted source never goes out");

    // The package: the reply and the copy, with a manifest of their SHA-256s.
    let res = app
        .client
        .get(app.url(&format!("/api/v1/cases/{id}/package")))
        .bearer_auth(&applicant)
        .send()
        .await
        .expect("package");
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(
        res.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/zip")
    );
    let zip_bytes = res.bytes().await.expect("bytes").to_vec();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes)).expect("a ZIP");
    let mut names: Vec<String> = zip
        .file_names()
        .map(|n| n.expect("name").into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(
        names.contains(&"清单.txt".to_owned()) && names.contains(&"说明（遮盖后）.pdf".to_owned())
    );
    assert!(names.iter().any(|n| n.contains("答复书（")), "{names:?}");
    let mut manifest = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("清单.txt").expect("manifest"),
        &mut manifest,
    )
    .expect("read");
    use sha2::Digest;
    let sha = hex::encode(sha2::Sha256::digest(&released));
    assert!(
        manifest.contains(&format!("说明（遮盖后）.pdf\t{}\t{sha}", released.len())),
        "{manifest}"
    );
    let r = app
        .get(&format!("/api/v1/cases/{id}/package"), Some(&handler))
        .await;
    assert_eq!(r.status, 200, "staff read the same package");

    // The 送达 record names what was delivered: the reply and the released copy.
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/delivery"),
            Some(&handler),
            &json!({"method": "post", "on": reply["issued_on"], "tracking_no": "EMS1234567890"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let events = app
        .get(&format!("/api/v1/cases/{id}/events"), Some(&handler))
        .await;
    let delivered = events
        .body
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["kind"] == "delivered")
        .expect("delivered")
        .clone();
    let items = delivered["data"]["items"].as_array().expect("items");
    assert_eq!(items.len(), 2, "{delivered:?}");
    assert!(
        items[0]["name"]
            .as_str()
            .expect("name")
            .contains("答复书（")
    );
    assert_eq!(items[0]["sha256"], reply["sha256"]);
    assert_eq!(items[1]["name"], "说明（遮盖后）.pdf");
    assert_eq!(items[1]["sha256"], sha.as_str());
}

/// A scanned page as a picture: white with a grey line of "text" where a number would be.
fn scanned_jpeg() -> Vec<u8> {
    let mut img = image::RgbImage::from_pixel(800, 600, image::Rgb([250, 250, 250]));
    for y in 200..230 {
        for x in 100..500 {
            if (x / 6) % 2 == 0 {
                img.put_pixel(x, y, image::Rgb([90, 90, 90]));
            }
        }
    }
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&img)
        .expect("jpeg");
    out
}

#[tokio::test]
async fn a_scanned_picture_is_redacted_in_its_own_pixels() {
    let app = spawn_app().await;
    let applicant = app.token("demo-applicant").await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let id = filed_online(&app, &applicant, &clerk).await;
    let r = upload(
        &app,
        &handler,
        id,
        Some("provided"),
        "扫描件.jpg",
        scanned_jpeg(),
    )
    .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let doc = r.body["id"].as_i64().expect("id");

    // One page, a pixel three quarters of a point; nothing suggested without a text layer.
    let s = suggestions(&app, &handler, doc).await;
    assert_eq!(s["media_type"], "image/jpeg");
    assert_eq!(
        s["pages"],
        json!([{"page": 1, "width": 600.0, "height": 450.0}])
    );
    assert_eq!(s["items"], json!([]));
    let res = app
        .client
        .get(app.url(&format!("/api/v1/documents/{doc}/pages/1")))
        .bearer_auth(&handler)
        .send()
        .await
        .expect("page");
    assert_eq!(res.status().as_u16(), 200);
    let shown = image::load_from_memory(&res.bytes().await.expect("png")).expect("an image");
    assert_eq!((shown.width(), shown.height()), (800, 600));

    // A box on a second page is refused; a box over the line is burned in.
    let r = app
        .post(
            &format!("/api/v1/documents/{doc}/redactions"),
            Some(&handler),
            &json!({"boxes": [{"page": 2, "x": 10, "y": 10, "width": 20, "height": 10, "ground": "withheld_third_party"}]}),
        )
        .await;
    assert_eq!(r.status, 422, "{:?}", r.body);
    assert_eq!(problem_fields(&r.body), ["boxes"]);
    // 100..500 × 200..230 pixels is 75..375 × 150..172.5 points.
    let r = app
        .post(
            &format!("/api/v1/documents/{doc}/redactions"),
            Some(&handler),
            &json!({"boxes": [{"page": 1, "x": 72, "y": 147, "width": 306, "height": 29, "ground": "withheld_third_party"}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["name"], "扫描件（遮盖后）.jpg");
    assert_eq!(r.body["media_type"], "image/jpeg");
    let released_id = r.body["id"].as_i64().expect("id");
    let (status, media, bytes) = download(&app, &handler, released_id).await;
    assert_eq!((status, media.as_str()), (200, "image/jpeg"));
    let img = image::load_from_memory(&bytes).expect("a JPEG").into_rgb8();
    assert_eq!(img.dimensions(), (800, 600));
    // Where the line was, right of the label (it ends before x = 360), every pixel is black;
    // outside the box, the page is as it was.
    let dark = |x: u32, y: u32| {
        img.get_pixel(x, y)
            .0
            .iter()
            .map(|c| u32::from(*c))
            .sum::<u32>()
            < 120
    };
    let left = (360..500)
        .flat_map(|x| (200..230).map(move |y| (x, y)))
        .filter(|&(x, y)| !dark(x, y))
        .count();
    assert_eq!(left, 0, "the line under the box is gone");
    assert!(
        !dark(50, 50) && !dark(700, 500),
        "the rest of the page is untouched"
    );
}
