//! An agency's seal: uploaded by its administrator, checked, pressed on the letters it issues
//! from then on (GB/T 9704-2012 7.3.5.1), removed again.

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::cases::register;
use crate::helpers::{TestApp, assert_problem, seal_png, spawn_app};
use crate::letters::{pdf_bytes as bytes, pdftotext};

async fn put_seal(
    app: &TestApp,
    token: &str,
    file: Option<Vec<u8>>,
    diameter: Option<&str>,
) -> crate::helpers::Reply {
    let mut form = reqwest::multipart::Form::new();
    if let Some(bytes) = file {
        form = form.part(
            "file",
            reqwest::multipart::Part::bytes(bytes)
                .file_name("印章.png")
                .mime_str("image/png")
                .expect("mime"),
        );
    }
    if let Some(d) = diameter {
        form = form.text("diameter_mm", d.to_owned());
    }
    let res = app
        .client
        .put(app.url("/api/v1/agencies/ZJ-HZ-SC/seal"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let text = res.text().await.expect("body");
    crate::helpers::Reply {
        status,
        headers,
        body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
    }
}

/// The images of a PDF as `pdfimages -list` reports them: (type, width, height), where type
/// is `image` or `smask` (the alpha of the one before).
fn pdf_images(pdf: &[u8]) -> Vec<(String, u32, u32)> {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("letter.pdf");
    std::fs::write(&path, pdf).expect("write");
    let out = std::process::Command::new("pdfimages")
        .arg("-list")
        .arg(&path)
        .output()
        .expect("pdfimages must be installed (poppler-utils)");
    assert!(out.status.success(), "pdfimages failed");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(2)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            Some((
                cols.get(2)?.to_string(),
                cols.get(3)?.parse().ok()?,
                cols.get(4)?.parse().ok()?,
            ))
        })
        .collect()
}

/// The receipt of a newly registered case, as issued.
async fn receipt_of(app: &TestApp, clerk: &str, id: i64) -> Vec<u8> {
    let letters = app
        .get(&format!("/api/v1/cases/{id}/letters"), Some(clerk))
        .await;
    assert_eq!(letters.status, 200, "{:?}", letters.body);
    let receipt = letters.body.as_array().expect("letters")[0].clone();
    assert_eq!(receipt["kind"], "receipt");
    let (status, pdf) = bytes(
        app,
        &format!("/api/v1/letters/{}/pdf", receipt["id"]),
        clerk,
    )
    .await;
    assert_eq!(status, 200);
    pdf
}

#[tokio::test]
async fn an_agency_seal_is_checked_then_pressed_on_every_letter_issued_after_it() {
    let app = spawn_app().await;
    let admin = app.token("demo-admin").await;
    let clerk = app.token("demo-clerk").await;

    // Without a seal the receipt has no image at all.
    let before = register(&app, &clerk, "2026-09-14").await;
    assert!(pdf_images(&receipt_of(&app, &clerk, before).await).is_empty());
    let r = app
        .get("/api/v1/agencies/ZJ-HZ-SC/seal", Some(&admin))
        .await;
    assert_problem(&r, 404, "not_found");

    // Only the agency's administrator (or the system administrator) may set it.
    let r = put_seal(&app, &clerk, Some(seal_png(600, 0)), None).await;
    assert_problem(&r, 403, "forbidden");

    // Unusable images are refused, naming the field, in Chinese.
    for (file, diameter, field, words) in [
        (
            Some(b"\xff\xd8\xff\xe0 a jpeg".to_vec()),
            None,
            "file",
            "PNG",
        ),
        (Some(seal_png(600, 255)), None, "file", "透明背景"),
        (Some(seal_png(120, 0)), None, "file", "像素"),
        (Some(seal_png(600, 0)), Some("80"), "diameter_mm", "直径"),
        (Some(seal_png(600, 0)), Some("四十"), "diameter_mm", "整数"),
        (None, Some("42"), "file", "请选择"),
    ] {
        let r = put_seal(&app, &admin, file, diameter).await;
        let body = assert_problem(&r, 422, "validation_failed");
        assert_eq!(body["errors"][0]["field"], field, "{body}");
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains(words), "{field} {words}: {message}");
    }
    let r = put_seal(&app, &admin, Some(vec![0x89; 5 * 1024 * 1024]), None).await;
    let body = assert_problem(&r, 413, "payload_too_large");
    assert!(
        body["detail"].as_str().unwrap_or_default().contains("file"),
        "{body}"
    );
    let r = app
        .get("/api/v1/agencies/ZJ-HZ-SC/seal", Some(&admin))
        .await;
    assert_problem(&r, 404, "not_found");

    // A good seal is stored as uploaded.
    let png = seal_png(900, 0);
    let r = put_seal(&app, &admin, Some(png.clone()), Some("40")).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["diameter_mm"], 40);
    assert_eq!(r.body["sha256"], hex::encode(Sha256::digest(&png)));
    let (status, stored) = bytes(&app, "/api/v1/agencies/ZJ-HZ-SC/seal/image", &admin).await;
    assert_eq!((status, stored == png), (200, true));
    let (status, _) = bytes(&app, "/api/v1/agencies/ZJ-HZ-SC/seal/image", &clerk).await;
    assert_eq!(status, 403);

    // The specimen and every letter issued from now on carry it: one RGB image with its
    // alpha as a soft mask, 40 mm at 300 dpi (472 px); the text under it still reads.
    let (status, specimen) = bytes(&app, "/api/v1/agencies/ZJ-HZ-SC/seal/specimen", &admin).await;
    assert_eq!(status, 200);
    assert!(pdftotext(&specimen).contains("样张"));
    let sealed = register(&app, &clerk, "2026-09-15").await;
    for pdf in [specimen, receipt_of(&app, &clerk, sealed).await] {
        let images = pdf_images(&pdf);
        assert_eq!(
            images,
            vec![("image".into(), 472, 472), ("smask".into(), 472, 472)],
            "{images:?}"
        );
        let text: String = pdftotext(&pdf).split_whitespace().collect();
        assert!(text.contains("杭州市上城区人民政府办公室"), "{text}");
    }
    // A letter issued before stays as it was.
    assert!(pdf_images(&receipt_of(&app, &clerk, before).await).is_empty());

    // Removed, later letters print unsealed again.
    let r = app
        .send(
            reqwest::Method::DELETE,
            "/api/v1/agencies/ZJ-HZ-SC/seal",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let after = register(&app, &clerk, "2026-09-15").await;
    assert!(pdf_images(&receipt_of(&app, &clerk, after).await).is_empty());
    let r = app
        .send(
            reqwest::Method::DELETE,
            "/api/v1/agencies/ZJ-HZ-SC/seal",
            Some(&admin),
            None,
        )
        .await;
    assert_problem(&r, 404, "not_found");
}
