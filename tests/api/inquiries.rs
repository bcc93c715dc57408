//! Online consultation (线上咨询答复) and the FAQ: asking without an account with what people
//! type, the agency's staff answering once, the asker told by a real SMTP server, publishing
//! without personal data, withdrawing, and who may see and answer what.

use serde_json::json;

use crate::helpers::{TODAY, assert_problem, problem_fields, spawn_app, spawn_app_with};
use crate::notifications::{MailServer, app_with_mail, free_port};

fn resident_id() -> String {
    let first = "33010219900307123";
    let check = yishen_domain::identity::ResidentId::check_char(first).expect("check");
    format!("{first}{check}")
}

#[tokio::test]
async fn a_question_is_answered_told_by_email_and_published_without_personal_data() {
    let dir = tempfile::tempdir().expect("dir");
    let mail = MailServer::start(&dir.path().join("maildir"), free_port());
    let app = app_with_mail(mail.port, 0).await;
    let id_no = resident_id();
    // What people type: a rare character in the name, a full-width phone with spaces, the
    // phone and an identity number inside the question.
    let question = format!(
        "我是欧阳𪚥，身份证{id_no}，电话１３８ ０５７１ ２２３３。请问老旧小区加装电梯的补助标准在哪里公开？"
    );
    let r = app
        .post(
            "/api/v1/inquiries",
            None,
            &json!({"agency": "ZJ-HZ-SC", "question": question, "name": " 欧阳𪚥 ",
                    "phone": "１３８ ０５７１ ２２３３", "email": "ouyang@example.com"}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let id = r.body["id"].as_i64().expect("id");
    let code = r.body["code"].as_str().expect("code").to_owned();
    // TODAY (2026-09-15) is a Tuesday: the answer is due the next working day.
    assert_eq!(r.body["due_on"], "2026-09-16", "{TODAY}");

    // The asker reads it by the code, without an account: no contact details come back.
    let r = app.get(&format!("/api/v1/inquiries/{code}"), None).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["standing"], "open");
    assert!(r.body["answer"].is_null());
    let text = r.body.to_string();
    assert!(
        !text.contains("ouyang@") && !text.contains("13805712233"),
        "{text}"
    );
    let r = app.get("/api/v1/inquiries/NOSUCHCODE99", None).await;
    assert_problem(&r, 404, "not_found");

    // The agency's clerk sees it, with the name; staff of another agency do not.
    let clerk = app.token("demo-clerk").await;
    let r = app.get("/api/v1/inquiries?open=true", Some(&clerk)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["open"], 1);
    assert_eq!(r.body["items"][0]["name"], "欧阳𪚥");
    assert_eq!(r.body["items"][0]["by_email"], true);
    let sys = app.token("demo-sysadmin").await;
    let r = app
        .post(
            "/api/v1/users",
            Some(&sys),
            &json!({"username": "ls-clerk", "password": crate::helpers::DEMO_PASSWORD,
                    "display_name": "丽水登记员", "role": "clerk", "agency": "ZJ-LS"}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let other = app.token("ls-clerk").await;
    let r = app.get("/api/v1/inquiries", Some(&other)).await;
    assert_eq!(r.body["items"].as_array().map(Vec::len), Some(0));
    // Another agency's staff may not answer it, whatever the body; an applicant may not either.
    let path = format!("/api/v1/inquiries/{id}/answer");
    let r = app.post(&path, Some(&other), &json!({"answer": 1})).await;
    assert_problem(&r, 404, "not_found");
    let applicant = app.token("demo-applicant").await;
    let r = app
        .post(&path, Some(&applicant), &json!({"answer": "好的"}))
        .await;
    assert_eq!(r.status, 403, "{:?}", r.body);
    // A blank answer is refused naming the field.
    let r = app
        .post(&path, Some(&clerk), &json!({"answer": "  "}))
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(problem_fields(&p), ["answer"]);

    // The answer, published: the asker's name, phone and identity number are taken out.
    let answer = "欧阳𪚥您好：老旧小区加装电梯补助标准已在区住建局网站“政策文件”栏目主动公开，联系电话 138 0571 2233 的来电我们已记录。";
    let r = app
        .post(
            &path,
            Some(&clerk),
            &json!({"answer": answer, "publish": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["standing"], "answered");
    assert!(r.body["faq_id"].is_i64(), "{:?}", r.body);
    let r = app
        .post(&path, Some(&clerk), &json!({"answer": "再次答复"}))
        .await;
    assert_problem(&r, 409, "inquiry_answered");

    let r = app.get(&format!("/api/v1/inquiries/{code}"), None).await;
    assert_eq!(r.body["standing"], "answered");
    assert_eq!(r.body["answer"], answer);

    let r = app.get("/api/v1/faq?q=加装电梯补助", None).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let items = r.body["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{:?}", r.body);
    let published = items[0].to_string();
    for secret in ["欧阳", &id_no[..10], "0571 2233", "２２３３", "ouyang"] {
        assert!(!published.contains(secret), "{secret} in {published}");
    }
    assert!(
        published.contains("加装电梯的补助标准在哪里公开"),
        "{published}"
    );
    assert_eq!(items[0]["agency"], "ZJ-HZ-SC");
    // Filtered by another tree: nothing; by the agency's parent: found.
    let r = app.get("/api/v1/faq?agency=ZJ-LS", None).await;
    assert_eq!(r.body["items"].as_array().map(Vec::len), Some(0));
    let r = app.get("/api/v1/faq?agency=ZJ-HZ", None).await;
    assert_eq!(r.body["items"].as_array().map(Vec::len), Some(1));
    let r = app.get("/api/v1/faq?agency=NOPE", None).await;
    assert_problem(&r, 404, "not_found");

    // The asker is told by e-mail, from the agency, with the code and the answer.
    let (done, _) = yishen_app::services::dispatch::run_once(&app.state, "test")
        .await
        .expect("dispatch");
    assert_eq!((done.sent, done.dead), (1, 0), "{done:?}");
    let got = mail.messages();
    assert_eq!(got.len(), 1);
    let m = &got[0];
    assert!(m.subject().unwrap_or_default().contains(&code));
    let body = m.body_text(0).unwrap_or_default().into_owned();
    assert!(body.contains("加装电梯补助标准已在区住建局网站"), "{body}");
    assert!(
        body.contains(&format!("https://yishen.example.gov.cn/inquiries/{code}")),
        "{body}"
    );
    assert!(!body.contains(&id_no), "{body}");

    // Withdrawn, it is no longer public.
    let r = app
        .post(
            &format!("/api/v1/inquiries/{id}/withdraw-faq"),
            Some(&clerk),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, 204, "{:?}", r.body);
    let r = app.get("/api/v1/faq", None).await;
    assert_eq!(r.body["items"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn bad_questions_are_refused_naming_each_field_and_nothing_is_kept() {
    let app = spawn_app().await;
    let cases = [
        (
            json!({"agency": "ZJ-HZ-SC", "question": "请问如何申请？"}),
            vec!["phone"],
        ),
        (
            json!({"agency": "ZJ-HZ-SC", "question": "短", "email": "not an address"}),
            vec!["question", "email"],
        ),
        (
            json!({"agency": "ZJ-NOPE", "question": "请问如何申请公开？", "phone": "0571-87654321"}),
            vec!["agency"],
        ),
        (
            json!({"agency": "ZJ-HZ-SC", "question": "请问如何申请公开？", "phone": "123"}),
            vec!["phone"],
        ),
    ];
    for (body, fields) in cases {
        let r = app.post("/api/v1/inquiries", None, &body).await;
        let p = assert_problem(&r, 422, "validation_failed");
        assert_eq!(problem_fields(&p), fields, "{body}");
        assert!(p["detail"].as_str().is_some_and(|d| !d.is_empty()));
    }
    let r = app
        .post(
            "/api/v1/inquiries",
            None,
            &json!({"agency": "ZJ-HZ-SC", "question": "请问？", "extra": 1}),
        )
        .await;
    assert_eq!(r.status, 422, "{:?}", r.body);
    let clerk = app.token("demo-clerk").await;
    let r = app.get("/api/v1/inquiries", Some(&clerk)).await;
    assert_eq!(r.body["items"].as_array().map(Vec::len), Some(0));
    // A fixed line written with its area code in brackets is a way to be reached.
    let r = app
        .post(
            "/api/v1/inquiries",
            None,
            &json!({"agency": "ZJ-HZ-SC", "question": "请问如何申请公开？", "phone": "（0571）8765 4321"}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    // Reconsideration bodies and the system administrator do not answer consultations.
    for who in ["demo-reconsideration", "demo-sysadmin"] {
        let t = app.token(who).await;
        let r = app.get("/api/v1/inquiries", Some(&t)).await;
        assert_eq!(r.status, 403, "{who}: {:?}", r.body);
    }
}

#[tokio::test]
async fn consultations_from_one_address_are_limited() {
    let app = spawn_app_with(TODAY, |s| s.throttling.consultations_per_hour = 2).await;
    let body =
        json!({"agency": "ZJ-HZ-SC", "question": "请问如何申请公开？", "email": "a@example.com"});
    for _ in 0..2 {
        let r = app.post("/api/v1/inquiries", None, &body).await;
        assert_eq!(r.status, 201, "{:?}", r.body);
    }
    let r = app.post("/api/v1/inquiries", None, &body).await;
    let p = assert_problem(&r, 429, "too_many_attempts");
    assert!(
        p["detail"]
            .as_str()
            .is_some_and(|d| d.contains("咨询过于频繁") && d.contains("北京时间")),
        "{p:?}"
    );
    assert!(r.headers.contains_key("retry-after"));
}

#[tokio::test]
async fn the_agency_sees_how_many_forms_shown_suggestions_were_filed_or_left() {
    let app = spawn_app().await;
    let body = json!({"agency": "ZJ-HZ-SC", "faq": 2, "reading_room": 1});
    let tokens = [
        "filed-form-token-0123456789abcdef",
        "left-form-token-0123456789abcdef",
        "new-form-token-0123456789abcdef",
    ];
    for t in tokens {
        let r = app
            .post(
                &format!("/api/v1/filing-drafts/{t}/suggestions"),
                None,
                &body,
            )
            .await;
        assert_eq!(r.status, 204, "{:?}", r.body);
    }
    // Shown again (another agency chosen): one form, counted once.
    let r = app
        .post(
            &format!("/api/v1/filing-drafts/{}/suggestions", tokens[2]),
            None,
            &body,
        )
        .await;
    assert_eq!(r.status, 204);
    let r = app
        .post("/api/v1/filing-drafts/short/suggestions", None, &body)
        .await;
    assert_problem(&r, 404, "not_found");
    let r = app
        .post(
            &format!("/api/v1/filing-drafts/{}/suggestions", tokens[0]),
            None,
            &json!({"agency": "ZJ-NOPE", "faq": 1, "reading_room": 0}),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(problem_fields(&p), ["agency"]);

    yishen_app::services::deflection::filed(&app.state, tokens[0])
        .await
        .expect("filed");
    // The second form was shown suggestions two days ago and never filed.
    let hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(tokens[1].as_bytes()));
    app.state
        .write(move |conn| {
            use diesel::prelude::*;
            use yishen_store::schema::filing_suggestions as t;
            diesel::update(t::table.find(hash))
                .set(t::shown_at.eq(yishen_store::now() - chrono::Duration::days(2)))
                .execute(conn)?;
            Ok(())
        })
        .await
        .expect("age the form");
    let clerk = app.token("demo-clerk").await;
    let r = app.get("/api/v1/stats/deflection", Some(&clerk)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let m = &r.body["months"][0];
    assert_eq!(
        (m["shown"].as_i64(), m["filed"].as_i64(), m["left"].as_i64()),
        (Some(3), Some(1), Some(1)),
        "{:?}",
        r.body
    );
    let applicant = app.token("demo-applicant").await;
    let r = app.get("/api/v1/stats/deflection", Some(&applicant)).await;
    assert_eq!(r.status, 403);
}
