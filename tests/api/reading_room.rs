//! The public reading room (依申请转主动) over HTTP: a disclosed reply's released document
//! published with the agency's words, refused when they carry personal data or the reply
//! released nothing; found by anyone by words, agency, year and topic at a stable address,
//! the file under a neutral name; edited and withdrawn as events; counted per agency and year.

use serde_json::json;

use crate::cases::registration;
use crate::documents::upload;
use crate::helpers::{TestApp, assert_problem, problem_fields, spawn_app};
use crate::letters::issue_and_deliver;

/// A PDF with the letters' fonts and no personal data.
fn released_pdf() -> Vec<u8> {
    let doc = yishen_letters::Document {
        title: "望江地区旧城改造项目征收补偿方案".into(),
        blocks: vec![yishen_letters::Block::Paragraph(
            "补偿标准按评估价格确定，另给予搬迁费和临时安置费。".repeat(5),
        )],
        signature: "杭州市上城区人民政府".into(),
        date: "2026年3月2日".into(),
    };
    yishen_letters::Templates::shipped()
        .expect("templates")
        .render_document(&doc)
        .expect("pdf")
}

/// An online case answered 予以公开 with a document sent with the reply, delivered: (case id,
/// handler token).
async fn answered(app: &TestApp) -> (i64, String) {
    let applicant = app.token("demo-applicant").await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let legal = app.token("demo-legal").await;
    let mut body = registration("2026-03-02");
    body["channel"] = json!("online");
    body.as_object_mut().expect("object").remove("received_on");
    let r = app.post("/api/v1/cases", Some(&applicant), &body).await;
    let id = r.body["id"].as_i64().expect("id");
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/confirm"),
            Some(&clerk),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = upload(
        app,
        &handler,
        id,
        Some("provided"),
        "补偿方案（申请人张三）.pdf",
        released_pdf(),
    )
    .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let draft =
        json!({"disposition": "disclosed", "provided": ["望江地区旧城改造项目征收补偿方案"]});
    for (path, token, b) in [
        ("draft", &handler, draft),
        ("submit", &handler, json!({})),
        (
            "review",
            &legal,
            json!({"decision": "approve", "comments": "同意"}),
        ),
    ] {
        let r = app
            .post(&format!("/api/v1/cases/{id}/{path}"), Some(token), &b)
            .await;
        assert_eq!(r.status, 200, "{path}: {:?}", r.body);
    }
    issue_and_deliver(app, id, &handler).await;
    (id, handler)
}

#[tokio::test]
async fn a_released_reply_is_published_found_edited_withdrawn_and_counted() {
    let app = spawn_app().await;
    let (id, handler) = answered(&app).await;
    let path = format!("/api/v1/cases/{id}/reading-room");
    // The applicant's name and a mobile number may not be published; each field is named.
    let r = app
        .post(
            &path,
            Some(&handler),
            &json!({"title": "张三申请的征收补偿方案", "description": "联系电话13800138000，补偿方案见附件。", "topic": "征收补偿"}),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(problem_fields(&p), ["title", "description"]);
    // The applicant may not publish; the clerk neither.
    for who in ["demo-applicant", "demo-clerk"] {
        let t = app.token(who).await;
        let r = app.post(&path, Some(&t), &json!({"title": "x"})).await;
        assert!(matches!(r.status, 403 | 404), "{who}: {:?}", r.body);
    }
    let words = json!({"title": "望江地区旧城改造项目征收补偿方案",
        "description": "本机关在答复政府信息公开申请时提供了该项目的征收补偿方案，多名群众关注，现转为主动公开。",
        "topic": "征收补偿"});
    let r = app.post(&path, Some(&handler), &words).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let entry = r.body["id"].as_i64().expect("entry");
    assert_eq!(r.body["documents"], 1);
    let r = app.post(&path, Some(&handler), &words).await;
    assert_problem(&r, 409, "already_published");

    // Anyone finds it by words, agency, year and topic; the file has a neutral name.
    for q in [
        "?q=旧城改造补偿",
        "?agency=ZJ-HZ",
        "?year=2026&topic=征收补偿",
        "",
    ] {
        let r = app.get(&format!("/api/v1/reading-room{q}"), None).await;
        assert_eq!(r.status, 200, "{q}: {:?}", r.body);
        assert_eq!(
            r.body["items"].as_array().map(Vec::len),
            Some(1),
            "{q}: {:?}",
            r.body
        );
    }
    for q in ["?agency=ZJ-LS", "?year=2025", "?topic=预算"] {
        let r = app.get(&format!("/api/v1/reading-room{q}"), None).await;
        assert_eq!(r.body["items"].as_array().map(Vec::len), Some(0), "{q}");
    }
    let r = app.get("/api/v1/reading-room?year=abc", None).await;
    assert_eq!(r.status, 400, "{:?}", r.body);
    let r = app
        .get(&format!("/api/v1/reading-room/{entry}"), None)
        .await;
    assert_eq!(r.status, 200);
    let text = r.body.to_string();
    assert!(!text.contains("张三") && !text.contains("李四"), "{text}");
    assert_eq!(r.body["url"], format!("/reading-room/{entry}"));
    let doc = &r.body["documents"][0];
    assert_eq!(doc["name"], "附件1.pdf");
    let res = app
        .client
        .get(app.url(&format!(
            "/api/v1/reading-room/{entry}/documents/{}",
            doc["id"]
        )))
        .send()
        .await
        .expect("document");
    assert_eq!(res.status().as_u16(), 200);
    let bytes = res.bytes().await.expect("bytes");
    use sha2::Digest;
    assert_eq!(
        hex::encode(sha2::Sha256::digest(&bytes)),
        doc["sha256"].as_str().expect("sha")
    );
    // A document of the case not published is not reachable through the entry.
    let r = app
        .get(
            &format!("/api/v1/reading-room/{entry}/documents/999999"),
            None,
        )
        .await;
    assert_problem(&r, 404, "not_found");

    // Another agency's staff may not touch it, whatever the body says.
    let sys = app.token("demo-sysadmin").await;
    let r = app
        .post(
            "/api/v1/users",
            Some(&sys),
            &json!({"username": "ls-handler", "password": crate::helpers::DEMO_PASSWORD,
                    "display_name": "丽水承办人", "role": "handler", "agency": "ZJ-LS"}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let other = app.token("ls-handler").await;
    let r = app
        .patch(
            &format!("/api/v1/reading-room/{entry}"),
            Some(&other),
            &json!({"title": 1}),
        )
        .await;
    assert_problem(&r, 404, "not_found");
    let r = app
        .post(
            &format!("/api/v1/reading-room/{entry}/withdraw"),
            Some(&other),
            &json!([]),
        )
        .await;
    assert_problem(&r, 404, "not_found");

    // Edited, then withdrawn: each an event; withdrawn, it is gone for the public.
    let mut edited = words.clone();
    edited["title"] = json!("望江地区旧城改造项目征收补偿方案（2026年）");
    let r = app
        .patch(
            &format!("/api/v1/reading-room/{entry}"),
            Some(&handler),
            &edited,
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .post(
            &format!("/api/v1/reading-room/{entry}/withdraw"),
            Some(&handler),
            &json!({"reason": ""}),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(problem_fields(&p), ["reason"]);
    let r = app
        .post(
            &format!("/api/v1/reading-room/{entry}/withdraw"),
            Some(&handler),
            &json!({"reason": "补偿方案已调整，待新方案公开"}),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let r = app
        .get(&format!("/api/v1/reading-room/{entry}"), None)
        .await;
    assert_problem(&r, 404, "not_found");
    let kinds: Vec<(String, String)> = app
        .state
        .read(move |conn| {
            use diesel::prelude::*;
            use yishen_store::schema::reading_room_events as e;
            Ok(e::table
                .filter(e::entry_id.eq(entry))
                .order(e::id.asc())
                .select((e::kind, e::detail))
                .load::<(String, String)>(conn)?)
        })
        .await
        .expect("events");
    let kinds: Vec<&str> = kinds.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(kinds, ["published", "edited", "withdrawn"]);
    let r = app.get("/api/v1/stats/reading-room", None).await;
    assert_eq!(r.status, 200);
    let row = &r.body["items"][0];
    assert_eq!(
        (
            row["agency"].as_str(),
            row["published"].as_i64(),
            row["withdrawn"].as_i64()
        ),
        (Some("ZJ-HZ-SC"), Some(0), Some(1))
    );
    // Published again with new words.
    let r = app.post(&path, Some(&handler), &edited).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let r = app.get("/api/v1/reading-room", None).await;
    assert_eq!(
        r.body["items"][0]["title"],
        "望江地区旧城改造项目征收补偿方案（2026年）"
    );
}

#[tokio::test]
async fn a_reply_that_released_nothing_is_not_published() {
    let app = spawn_app().await;
    let decided = crate::similar::line(
        1,
        "ZJ-HZ-SC",
        "请公开某项目的补偿方案",
        "unavailable_not_held",
        json!({}),
    );
    let r = yishen_app::services::import::import(
        &app.state,
        std::io::Cursor::new(format!("{decided}\n")),
    )
    .await
    .expect("import");
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let handler = app.token("demo-handler").await;
    let r = app
        .post(
            "/api/v1/cases/1/reading-room",
            Some(&handler),
            &json!({"title": "某项目的补偿方案", "description": "本机关答复时没有提供任何文件的情形。", "topic": "征收补偿"}),
        )
        .await;
    assert_problem(&r, 409, "nothing_released");
}
