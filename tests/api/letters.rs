//! From an approved draft to the issued, numbered PDF letter, its public verification, the
//! applicant's download and delivery.

use serde_json::{Value, json};

use crate::cases::registration;
use crate::helpers::{TestApp, assert_problem, spawn_app};

pub(crate) fn pdftotext(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("letter.pdf");
    std::fs::write(&path, bytes).expect("write");
    let out = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext must be installed (poppler-utils)");
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Issues a case's approved reply and records its delivery in person today: the case is
/// closed.
pub(crate) async fn issue_and_deliver(app: &TestApp, id: i64, handler: &str) {
    let clerk = app.token("demo-clerk").await;
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/issue"),
            Some(handler),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/delivery"),
            Some(&clerk),
            &json!({"method": "in_person", "on": crate::helpers::TODAY}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["status"], "closed");
}

pub(crate) async fn approved_online_case(app: &TestApp, draft: Value) -> (i64, String, String) {
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
    let r = app
        .post(&format!("/api/v1/cases/{id}/draft"), Some(&handler), &draft)
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/submit"),
            Some(&handler),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/review"),
            Some(&legal),
            &json!({"decision": "approve", "comments": "同意"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    (id, applicant, handler)
}

#[tokio::test]
async fn an_approved_reply_is_numbered_rendered_verified_downloaded_and_delivered() {
    let app = spawn_app().await;
    let (id, applicant, handler) = approved_online_case(
        &app,
        json!({"disposition": "disclosed", "provided": ["望江地区旧城改造项目征收补偿方案"]}),
    )
    .await;
    let clerk = app.token("demo-clerk").await;

    let r = app
        .post(
            &format!("/api/v1/cases/{id}/issue"),
            Some(&clerk),
            &json!({}),
        )
        .await;
    assert_problem(&r, 403, "forbidden");
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/issue"),
            Some(&handler),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["status"], "replied");
    assert_eq!(r.body["disposition"], "disclosed");
    assert_eq!(r.body["clock_state"], "stopped");

    let letters = app
        .get(&format!("/api/v1/cases/{id}/letters"), Some(&applicant))
        .await;
    assert_eq!(letters.status, 200, "{:?}", letters.body);
    let all = letters.body.as_array().expect("letters");
    assert_eq!(
        all[0]["kind"], "receipt",
        "the 受理回执 came with the confirmation"
    );
    let letter = all
        .iter()
        .find(|l| l["kind"] == "reply")
        .expect("reply")
        .clone();
    let number = letter["number"].as_str().expect("number").to_owned();
    assert!(
        number.starts_with("上城政办依申复〔") && number.ends_with("〕1号"),
        "{number}"
    );

    // The applicant downloads the PDF; its text is the letter.
    let res = app
        .client
        .get(app.url(&format!("/api/v1/letters/{}/pdf", letter["id"])))
        .bearer_auth(&applicant)
        .send()
        .await
        .expect("pdf");
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(
        res.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    let bytes = res.bytes().await.expect("bytes");
    assert!(bytes.starts_with(b"%PDF"));
    let text = pdftotext(&bytes);
    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for needle in ["张三", "杭州市上城区人民政府办公室", "第三十六条"] {
        assert!(flat.contains(needle), "{needle} in {text}");
    }
    assert!(flat.contains(&number), "{number} in {text}");
    // The verification code is printed on the letter, in groups of four.
    let code: Vec<char> = letter["verify_code"]
        .as_str()
        .expect("code")
        .chars()
        .collect();
    let printed = code
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-");
    assert!(
        flat.contains(&format!("文书核验码：{printed}")),
        "{printed} in {text}"
    );
    use sha2::Digest;
    assert_eq!(letter["sha256"], hex::encode(sha2::Sha256::digest(&bytes)));

    // Anyone can verify it by its code; another applicant cannot download it.
    let v = app
        .get(
            &format!(
                "/api/v1/letters/verify/{}",
                letter["verify_code"].as_str().expect("code")
            ),
            None,
        )
        .await;
    assert_eq!(v.status, 200, "{:?}", v.body);
    assert_eq!(v.body["number"], number);
    assert_eq!(v.body["agency"], "杭州市上城区人民政府办公室");
    // The public page the letter's QR code opens: the letter's facts and fingerprint, as the
    // code is printed (dashes and all), and nothing of the applicant.
    let page = app.get(&format!("/verify/{printed}"), None).await;
    assert_eq!(page.status, 200);
    let html = page.body.as_str().expect("html");
    for needle in [
        number.as_str(),
        "政府信息公开申请答复书",
        "杭州市上城区人民政府办公室",
        "有效",
        letter["sha256"].as_str().expect("sha"),
    ] {
        assert!(html.contains(needle), "{needle} in the verification page");
    }
    assert!(
        !html.contains("张三"),
        "no personal data on the verification page"
    );
    let page = app.get("/verify?code=NOSUCHCODE22", None).await;
    assert_eq!(page.status, 404);
    assert!(
        page.body
            .as_str()
            .expect("html")
            .contains("没有与该核验码对应的文书")
    );
    let other = app
        .get(
            &format!("/api/v1/letters/{}/pdf", letter["id"]),
            Some(&app.token("demo-legal").await),
        )
        .await;
    assert_eq!(other.status, 200, "staff of the agency may read it");
    let recon = app.token("demo-sysadmin").await;
    let r = app
        .get("/api/v1/letters/verify/NOSUCHCODE22", Some(&recon))
        .await;
    assert_problem(&r, 404, "not_found");

    let r = app
        .post(
            &format!("/api/v1/cases/{id}/delivery"),
            Some(&clerk),
            &json!({"method": "post", "on": "2099-01-01"}),
        )
        .await;
    assert_problem(&r, 422, "validation_failed");
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/delivery"),
            Some(&clerk),
            &json!({"method": "post", "tracking_no": "EMS1234567890"}),
        )
        .await;
    assert_problem(&r, 422, "validation_failed");
    let today = crate::helpers::TODAY;
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/delivery"),
            Some(&clerk),
            &json!({"method": "post", "on": today, "tracking_no": "EMS1234567890"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["status"], "closed");
    // The applicant now sees until when to seek reconsideration or sue (复议法20, 行诉法46).
    let w = &r.body["remedy_windows"];
    assert_eq!(w["delivered_on"], today);
    let delivered: chrono::NaiveDate = today.parse().expect("date");
    assert_eq!(
        w["reconsideration_by"],
        (delivered + chrono::Days::new(60)).to_string()
    );
    assert_eq!(
        w["litigation_by"],
        (delivered + chrono::Months::new(6)).to_string()
    );
}

#[tokio::test]
async fn a_refusal_letter_carries_the_reconsideration_first_clause_and_numbers_do_not_repeat() {
    let app = spawn_app().await;
    let draft = json!({
        "disposition": "withheld_process_info",
        "reasons": "所申请的会议讨论记录系研究征收补偿方案过程中形成的内部讨论记录，方案尚未最终形成"
    });
    let (a, _, handler) = approved_online_case(&app, draft.clone()).await;
    let (b, _, _) = approved_online_case(&app, draft).await;
    let r = app
        .post(
            &format!("/api/v1/cases/{a}/issue"),
            Some(&handler),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .post(
            &format!("/api/v1/cases/{b}/issue"),
            Some(&handler),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let reply = |v: Value| {
        v.as_array()
            .expect("letters")
            .iter()
            .find(|l| l["kind"] == "reply")
            .expect("reply")
            .clone()
    };
    let la = reply(
        app.get(&format!("/api/v1/cases/{a}/letters"), Some(&handler))
            .await
            .body,
    );
    let lb = reply(
        app.get(&format!("/api/v1/cases/{b}/letters"), Some(&handler))
            .await
            .body,
    );
    assert!(la["number"].as_str().expect("a").ends_with("〕1号"));
    assert!(lb["number"].as_str().expect("b").ends_with("〕2号"));
    let res = app
        .client
        .get(app.url(&format!("/api/v1/letters/{}/pdf", la["id"])))
        .bearer_auth(&handler)
        .send()
        .await
        .expect("pdf");
    let text = pdftotext(&res.bytes().await.expect("bytes"));
    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(flat.contains("先"), "{text}");
    assert!(
        flat.contains("对行政复议决定不服"),
        "reconsideration first: {text}"
    );
    assert!(
        flat.contains("内部讨论记录"),
        "the reasons are printed: {text}"
    );
}

#[tokio::test]
async fn where_the_agency_requires_it_the_approver_signs_off_before_issue() {
    let app = spawn_app().await;
    let admin = app.token("demo-admin").await;
    let approver = app.token("demo-approver").await;
    let r = app
        .send(
            reqwest::Method::PATCH,
            "/api/v1/agencies/ZJ-HZ-SC",
            Some(&admin),
            Some(&json!({"approver_signoff": true})),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["approver_signoff"], true);
    let (id, _, handler) = approved_online_case(
        &app,
        json!({"disposition": "disclosed", "provided": ["方案"]}),
    )
    .await;
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/issue"),
            Some(&handler),
            &json!({}),
        )
        .await;
    assert_problem(&r, 409, "signoff_required");
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/signoff"),
            Some(&handler),
            &json!({}),
        )
        .await;
    assert_problem(&r, 403, "forbidden");
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/signoff"),
            Some(&approver),
            &json!({"comments": "同意签发"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/issue"),
            Some(&handler),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

#[tokio::test]
async fn procedural_notices_are_issued_with_their_actions() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let id = crate::cases::register(&app, &clerk, "2026-03-02").await;
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/corrections"),
            Some(&handler),
            &json!({"items": ["请写明所需文件的名称或文号"], "on": "2026-03-04"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let letters = app
        .get(&format!("/api/v1/cases/{id}/letters"), Some(&handler))
        .await;
    let all = letters.body.as_array().expect("letters");
    assert_eq!(
        all[0]["kind"], "receipt",
        "a registered application gets its 受理回执 at once"
    );
    let notice = all
        .iter()
        .find(|l| l["kind"] == "correction_notice")
        .expect("correction notice")
        .clone();
    assert!(
        notice["number"]
            .as_str()
            .expect("number")
            .starts_with("上城政办依申补〔2026〕")
    );
    let res = app
        .client
        .get(app.url(&format!("/api/v1/letters/{}/pdf", notice["id"])))
        .bearer_auth(&handler)
        .send()
        .await
        .expect("pdf");
    let text = pdftotext(&res.bytes().await.expect("bytes"));
    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(flat.contains("请写明所需文件的名称或文号"), "{text}");
    assert!(
        !flat.contains("行政诉讼"),
        "procedural notices carry no remedy clause: {text}"
    );
}

/// A download as the bearer of `token` gets it: status and bytes.
/// The bytes of a download (a PDF, an image) and its status.
pub(crate) async fn pdf_bytes(app: &TestApp, path: &str, token: &str) -> (u16, Vec<u8>) {
    let res = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("pdf");
    let status = res.status().as_u16();
    (status, res.bytes().await.expect("bytes").to_vec())
}

async fn pdf_text(app: &TestApp, path: &str, token: &str) -> (u16, String) {
    let (status, bytes) = pdf_bytes(app, path, token).await;
    if status != 200 {
        return (status, String::from_utf8_lossy(&bytes).into_owned());
    }
    let text: String = pdftotext(&bytes)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    (status, text)
}

#[tokio::test]
async fn a_draft_previews_and_a_wrong_reply_is_voided_without_reusing_its_number() {
    let app = spawn_app().await;
    let (id, applicant, handler) = approved_online_case(
        &app,
        json!({"disposition": "disclosed", "provided": ["望江地区旧城改造项目征收补偿方案"]}),
    )
    .await;
    let approver = app.token("demo-approver").await;
    let legal = app.token("demo-legal").await;

    // The preview is the letter as it would be issued, unnumbered, stored nowhere.
    let (status, text) = pdf_text(&app, &format!("/api/v1/cases/{id}/draft/preview"), &legal).await;
    assert_eq!(status, 200, "{text}");
    for needle in [
        "样稿",
        "张三",
        "望江地区旧城改造项目征收补偿方案",
        "联系人：陈晓，联系电话：0571-87000000",
        "杭州市上城区人民政府申请行政复议",
    ] {
        assert!(text.contains(needle), "{needle} in {text}");
    }
    let (status, _) = pdf_text(
        &app,
        &format!("/api/v1/cases/{id}/draft/preview"),
        &applicant,
    )
    .await;
    assert_eq!(status, 403);
    let letters = app
        .get(&format!("/api/v1/cases/{id}/letters"), Some(&handler))
        .await;
    assert!(
        letters
            .body
            .as_array()
            .expect("list")
            .iter()
            .all(|l| l["kind"] != "reply"),
        "a preview stores nothing"
    );

    let r = app
        .post(
            &format!("/api/v1/cases/{id}/issue"),
            Some(&handler),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let letters = app
        .get(&format!("/api/v1/cases/{id}/letters"), Some(&handler))
        .await;
    let first = letters
        .body
        .as_array()
        .expect("list")
        .iter()
        .find(|l| l["kind"] == "reply")
        .expect("reply")
        .clone();
    let lid = first["id"].as_i64().expect("id");

    // Only the approver voids, with a reason; the case goes back to drafting.
    let r = app
        .post(
            &format!("/api/v1/letters/{lid}/void"),
            Some(&handler),
            &json!({"reason": "写错"}),
        )
        .await;
    assert_problem(&r, 403, "forbidden");
    let r = app
        .post(
            &format!("/api/v1/letters/{lid}/void"),
            Some(&approver),
            &json!({"reason": "  "}),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "reason");
    let r = app
        .post(
            &format!("/api/v1/letters/{lid}/void"),
            Some(&approver),
            &json!({"reason": "答复书所列信息名称有误"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["status"], "drafting");
    assert_eq!(r.body["disposition"], Value::Null);
    assert_ne!(r.body["clock_state"], "stopped", "{:?}", r.body);
    let r = app
        .post(
            &format!("/api/v1/letters/{lid}/void"),
            Some(&approver),
            &json!({"reason": "再次作废"}),
        )
        .await;
    assert_problem(&r, 409, "action_not_allowed_in_state");

    // The void letter stays: listed, downloadable, verifiable as void.
    let v = app
        .get(
            &format!(
                "/api/v1/letters/verify/{}",
                first["verify_code"].as_str().expect("code")
            ),
            None,
        )
        .await;
    assert_eq!(v.status, 200);
    assert_eq!(v.body["voided"], true);
    let (status, _) = pdf_text(&app, &format!("/api/v1/letters/{lid}/pdf"), &handler).await;
    assert_eq!(status, 200);

    // Reviewed again and reissued, the reply takes the next number, never the void one.
    for (path, token, body) in [
        ("submit", &handler, json!({})),
        (
            "review",
            &legal,
            json!({"decision": "approve", "comments": "已更正"}),
        ),
        ("issue", &handler, json!({})),
    ] {
        let r = app
            .post(&format!("/api/v1/cases/{id}/{path}"), Some(token), &body)
            .await;
        assert_eq!(r.status, 200, "{path}: {:?}", r.body);
    }
    let letters = app
        .get(&format!("/api/v1/cases/{id}/letters"), Some(&handler))
        .await;
    let replies: Vec<&Value> = letters
        .body
        .as_array()
        .expect("list")
        .iter()
        .filter(|l| l["kind"] == "reply")
        .collect();
    assert_eq!(replies.len(), 2);
    assert_eq!(replies[0]["voided"], true);
    assert_eq!(replies[1]["voided"], false);
    assert_ne!(replies[0]["number"], replies[1]["number"]);
    assert!(replies[1]["number"].as_str().expect("n").ends_with("〕2号"));
    let events = app
        .get(&format!("/api/v1/cases/{id}/events"), Some(&handler))
        .await;
    assert!(
        events.body.to_string().contains("letter_voided"),
        "{:?}",
        events.body
    );
}

#[tokio::test]
async fn a_letter_needs_the_agencys_reconsideration_body_and_prints_its_contact() {
    let app = spawn_app().await;
    let admin = app.token("demo-admin").await;
    let sysadmin = app.token("demo-sysadmin").await;
    let r = app
        .send(
            reqwest::Method::PATCH,
            "/api/v1/agencies/ZJ-HZ-SC",
            Some(&admin),
            Some(&json!({"contact_phone": "12345", "contact_person": "王"})),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "contact_phone");
    let r = app
        .send(
            reqwest::Method::PATCH,
            "/api/v1/agencies/ZJ-HZ-SC",
            Some(&sysadmin),
            Some(&json!({"reconsideration_body_name": null, "contact_person": "李文", "contact_phone": null})),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["contact_person"], "李文");
    assert_eq!(r.body["contact_phone"], Value::Null);
    assert_eq!(r.body["correction_period_days"], 15, "the rules are kept");

    let handler = app.token("demo-handler").await;
    let clerk = app.token("demo-clerk").await;
    let r = app
        .post("/api/v1/cases", Some(&clerk), &registration("2026-03-02"))
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let id = r.body["id"].as_i64().expect("id");
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/draft"),
            Some(&handler),
            &json!({"disposition": "disclosed", "provided": ["方案"], "office_note": "科室备注"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let codes: Vec<&str> = r.body["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(codes.contains(&"remedy_body_unset"), "{codes:?}");
    assert_eq!(
        r.body["case"]["draft"]["data"]["office_note"], "科室备注",
        "extra fields are kept"
    );
    let (status, text) =
        pdf_text(&app, &format!("/api/v1/cases/{id}/draft/preview"), &handler).await;
    assert_eq!(status, 409, "{text}");
}

#[tokio::test]
async fn the_applicant_sees_only_what_is_addressed_to_them() {
    let app = spawn_app().await;
    let applicant = app.token("demo-applicant").await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let legal = app.token("demo-legal").await;
    let mut body = registration("2026-03-02");
    body["channel"] = json!("online");
    body.as_object_mut().expect("object").remove("received_on");
    let r = app.post("/api/v1/cases", Some(&applicant), &body).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let id = r.body["id"].as_i64().expect("id");
    let tracking = r.body["tracking_no"].as_str().expect("no").to_owned();
    let code = r.body["query_code"].as_str().expect("code").to_owned();
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/confirm"),
            Some(&clerk),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    // A third-party consultation names the third party; a draft is returned with comments.
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/consultations"),
            Some(&handler),
            &json!({"party_kind": "third_party", "party_name": "某某房地产开发有限公司"}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/draft"),
            Some(&handler),
            &json!({"disposition": "disclosed", "provided": ["望江地区旧城改造项目征收补偿方案"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    for (path, who, body) in [
        ("submit", &handler, json!({})),
        (
            "review",
            &legal,
            json!({"decision": "return", "comments": "请补充检索范围的说明"}),
        ),
    ] {
        let r = app
            .post(&format!("/api/v1/cases/{id}/{path}"), Some(who), &body)
            .await;
        assert_eq!(r.status, 200, "{path}: {:?}", r.body);
    }
    let internal = [
        "某某房地产开发有限公司",
        "请补充检索范围的说明",
        "拟写答复",
        "法制审核",
        "征求",
    ];

    // Staff see the whole record.
    let staff = app
        .get(&format!("/api/v1/cases/{id}/events"), Some(&handler))
        .await;
    let staff_kinds: Vec<&str> = staff
        .body
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    for k in [
        "consultation_opened",
        "drafted",
        "submitted_for_review",
        "reviewed",
    ] {
        assert!(staff_kinds.contains(&k), "{k} in {staff_kinds:?}");
    }

    // The applicant: events, the case, the letters and tracking show nothing internal.
    let events = app
        .get(&format!("/api/v1/cases/{id}/events"), Some(&applicant))
        .await;
    assert_eq!(events.status, 200, "{:?}", events.body);
    let kinds: Vec<&str> = events
        .body
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"submitted") && kinds.contains(&"confirmed"),
        "{kinds:?}"
    );
    for k in [
        "consultation_opened",
        "drafted",
        "submitted_for_review",
        "reviewed",
    ] {
        assert!(!kinds.contains(&k), "{k} shown to the applicant: {kinds:?}");
    }
    let case = app
        .get(&format!("/api/v1/cases/{id}"), Some(&applicant))
        .await;
    assert_eq!(case.status, 200);
    assert!(case.body["draft"].is_null(), "{:?}", case.body["draft"]);
    assert_eq!(case.body["consultations"], json!([]));
    assert!(case.body["disposition"].is_null());
    let letters = app
        .get(&format!("/api/v1/cases/{id}/letters"), Some(&applicant))
        .await;
    let letter_kinds: Vec<&str> = letters
        .body
        .as_array()
        .expect("letters")
        .iter()
        .filter_map(|l| l["kind"].as_str())
        .collect();
    assert_eq!(letter_kinds, vec!["receipt"]);
    let track = app
        .get(
            &format!("/api/v1/track?tracking_no={tracking}&query_code={code}"),
            None,
        )
        .await;
    assert_eq!(track.status, 200, "{:?}", track.body);
    for body in [&events.body, &case.body, &letters.body, &track.body] {
        let text = body.to_string();
        for word in internal {
            assert!(
                !text.contains(word),
                "{word} shown to the applicant: {text}"
            );
        }
    }
    // The consultation letter itself is not theirs to download.
    let all = app
        .get(&format!("/api/v1/cases/{id}/letters"), Some(&handler))
        .await;
    let consultation = all
        .body
        .as_array()
        .expect("letters")
        .iter()
        .find(|l| l["kind"] == "third_party_consultation")
        .expect("the consultation letter")
        .clone();
    let r = app
        .get(
            &format!("/api/v1/letters/{}/pdf", consultation["id"]),
            Some(&applicant),
        )
        .await;
    assert_problem(&r, 404, "not_found");
}

#[tokio::test]
async fn a_decision_ordering_a_new_reply_reopens_the_case_and_the_new_reply_is_numbered_anew() {
    let app = spawn_app().await;
    let today = crate::helpers::TODAY;
    let draft =
        json!({"disposition": "disclosed", "provided": ["望江地区旧城改造项目征收补偿方案"]});
    let (id, applicant, handler) = approved_online_case(&app, draft.clone()).await;
    let legal = app.token("demo-legal").await;
    let recon = app.token("demo-reconsideration").await;
    issue_and_deliver(&app, id, &handler).await;

    let record = |decision: &str, within: Option<u32>| {
        let mut b = json!({
            "body_name": "杭州市上城区人民政府",
            "filed_on": today,
            "decision": decision,
            "decided_on": today,
        });
        if let Some(n) = within {
            b["new_reply_within"] = json!(n);
        }
        b
    };
    // 维持 orders nothing; 责令履行 of an answered case must say by when.
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/reconsiderations"),
            Some(&recon),
            &record("upheld", Some(15)),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "new_reply_within");
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/reconsiderations"),
            Some(&recon),
            &record("ordered_to_perform", None),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "new_reply_within");
    let outcomes = app
        .get(&format!("/api/v1/cases/{id}/outcomes"), Some(&recon))
        .await;
    assert_eq!(
        outcomes.body["reconsiderations"].as_array().map(Vec::len),
        Some(0),
        "a refused record writes nothing"
    );

    // 撤销并责令在十五个工作日内重新答复: the case opens again, due on the decision's date.
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/reconsiderations"),
            Some(&recon),
            &record("revoked", Some(15)),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let due = app
        .get(
            &format!("/api/v1/calendar/due-date?from={today}&working_days=15"),
            None,
        )
        .await
        .body["due_on"]
        .clone();
    let case = app
        .get(&format!("/api/v1/cases/{id}"), Some(&handler))
        .await;
    assert_eq!(case.body["status"], "in_progress", "{:?}", case.body);
    assert_eq!(case.body["due_on"], due);
    assert_eq!(case.body["clock_state"], "running");
    // The applicant is told: the order is addressed to them as much as to the agency.
    let events = app
        .get(&format!("/api/v1/cases/{id}/events"), Some(&applicant))
        .await;
    let ordered = events
        .body
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["kind"] == "new_reply_ordered")
        .expect("the order is on the applicant's record")
        .clone();
    assert!(
        ordered["summary"]
            .as_str()
            .is_some_and(|s| s.contains("责令重新答复") && s.contains(due.as_str().unwrap_or("?"))),
        "{ordered:?}"
    );

    // The new reply goes the whole way again and takes the next number.
    for (path, token, body) in [
        ("draft", &handler, draft.clone()),
        ("submit", &handler, json!({})),
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
    let letters = app
        .get(&format!("/api/v1/cases/{id}/letters"), Some(&handler))
        .await;
    let numbers: Vec<String> = letters
        .body
        .as_array()
        .expect("letters")
        .iter()
        .filter(|l| l["kind"] == "reply")
        .map(|l| l["number"].as_str().expect("number").to_owned())
        .collect();
    assert_eq!(numbers.len(), 2, "{numbers:?}");
    assert_ne!(numbers[0], numbers[1]);
    let case = app
        .get(&format!("/api/v1/cases/{id}"), Some(&handler))
        .await;
    assert_eq!(case.body["status"], "replied");
    assert_eq!(case.body["clock_state"], "stopped");
}

/// A reply read as a legal adviser reads it, page by page (pdftotext ends each page with a
/// form feed): an organisation asking, its request typed with its own 申请公开, inner quotes
/// and a final 。; a partial disclosure withholding one part on each of the eight grounds, one
/// of them a third party that was consulted.
#[tokio::test]
async fn a_partial_reply_to_an_organisation_reads_as_sentences_page_by_page() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let legal = app.token("demo-legal").await;
    let mut body = registration("2026-03-02");
    body["applicant"] = json!({
        "kind": "organization", "category": "business", "name": "杭州某某科技有限公司",
        "id_type": "uscc", "id_number": "91350100M000100Y43", "phone": "0571 8700 1234",
        "address": "杭州市上城区某某路8号"
    });
    body["content"] = json!("申请公开2025年本区旧城改造项目的会议纪要及\"征收补偿方案\"评估报告。");
    let r = app.post("/api/v1/cases", Some(&clerk), &body).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let id = r.body["id"].as_i64().expect("id");
    let c = app
        .post(
            &format!("/api/v1/cases/{id}/consultations"),
            Some(&handler),
            &json!({"party_kind": "third_party", "party_name": "某某房地产开发有限公司", "on": "2026-03-03"}),
        )
        .await;
    let cid = c.body["id"].as_i64().expect("consultation");
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/consultations/{cid}/close"),
            Some(&handler),
            &json!({"opinion": "object", "on": "2026-03-05"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let draft = json!({
        "disposition": "partially_disclosed",
        "reasons": "上述内容分别涉及第三方商业秘密、内部讨论、人事管理和经依法定密的内容",
        "withheld_parts": [
            {"part": "评估报告中某某房地产开发有限公司的报价明细。", "ground": "withheld_third_party"},
            {"part": "会议纪要中涉及内部讨论的部分", "ground": "withheld_process_info"},
            {"part": "参会人员的人事考核意见", "ground": "withheld_internal_affairs"},
            {"part": "评估报告附件三", "ground": "withheld_state_secret"},
            {"part": "被征收人的不动产登记资料", "ground": "withheld_administrative_inquiry"},
            {"part": "项目周边安保部署方案", "ground": "withheld_three_safeties"},
            {"part": "违法建筑查处的行政执法案卷", "ground": "withheld_enforcement_file"},
            {"part": "依法律规定不得公开的举报人信息", "ground": "withheld_prohibited_by_law"}
        ],
        "provided": ["2025年本区旧城改造项目会议纪要（删除不予公开的内容后）", "征收补偿方案评估报告（删除不予公开的内容后）"],
        "remedy_clause": "如对本答复不服，应当先自收到本答复书之日起60日内向杭州市上城区人民政府申请行政复议；对行政复议决定不服的，可以自收到行政复议决定书之日起15日内依法向人民法院提起行政诉讼。"
    });
    let r = app
        .post(&format!("/api/v1/cases/{id}/draft"), Some(&handler), &draft)
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    for (path, token, body) in [
        ("submit", &handler, json!({})),
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
        assert!(r.status == 200 || r.status == 201, "{path}: {:?}", r.body);
    }
    let letters = app
        .get(&format!("/api/v1/cases/{id}/letters"), Some(&handler))
        .await;
    let reply = letters
        .body
        .as_array()
        .expect("letters")
        .iter()
        .find(|l| l["kind"] == "reply")
        .unwrap_or_else(|| panic!("{:?}", letters.body))
        .clone();
    let (_, bytes) = pdf_bytes(
        &app,
        &format!("/api/v1/letters/{}/pdf", reply["id"]),
        &handler,
    )
    .await;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("reply.pdf");
    std::fs::write(&path, &bytes).expect("write");
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext must be installed (poppler-utils)");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let flat = |s: &str| -> String { s.chars().filter(|c| !c.is_whitespace()).collect() };
    // Each page without its page number ("— 2 —"), which pdftotext may set anywhere in it.
    let pages: Vec<String> = text
        .split('\u{c}')
        .map(flat)
        .filter(|p| !p.is_empty())
        .enumerate()
        .map(|(i, p)| p.replace(&format!("—{}—", i + 1), ""))
        .collect();
    let all = pages.concat();

    // Addressed as the organisation it is, with the request quoted once and cleanly.
    assert!(all.contains("收到贵单位通过"), "{all}");
    assert!(
        !all.contains('您'),
        "an organisation is not addressed as 您: {all}"
    );
    assert!(
        !all.contains("（单位）") && !all.contains("贵单位（您）"),
        "{all}"
    );
    assert!(
        all.contains("申请获取“2025年本区旧城改造项目的会议纪要及‘征收补偿方案’评估报告”。"),
        "{all}"
    );
    assert!(
        !all.contains("申请获取“申请公开") && !all.contains("。”"),
        "{all}"
    );
    // Each withheld part as its own sentence with its own article; no catalogue label.
    for sentence in [
        "（一）评估报告中某某房地产开发有限公司的报价明细，涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害，根据《中华人民共和国政府信息公开条例》第十五条、第三十二条的规定不予公开。",
        "（二）会议纪要中涉及内部讨论的部分，属于行政机关在履行行政管理职能过程中形成的讨论记录、过程稿、磋商信函、请示报告等过程性信息，根据《中华人民共和国政府信息公开条例》第十六条第二款的规定不予公开。",
        "（三）参会人员的人事考核意见，属于人事管理、后勤管理、内部工作流程等方面的内部事务信息，根据《中华人民共和国政府信息公开条例》第十六条第一款的规定不予公开。",
        "（四）评估报告附件三，属于依法确定为国家秘密的政府信息，根据《中华人民共和国政府信息公开条例》第十四条的规定不予公开。",
        "（五）被征收人的不动产登记资料，属于工商、不动产登记资料等信息，有关法律、行政法规对该信息的获取有特别规定，根据《中华人民共和国政府信息公开条例》第三十六条第（七）项的规定，请依照有关法律、行政法规的规定办理。",
        "（六）项目周边安保部署方案，属于公开后可能危及国家安全、公共安全、经济安全、社会稳定的政府信息，根据《中华人民共和国政府信息公开条例》第十四条的规定不予公开。",
        "（七）违法建筑查处的行政执法案卷，属于行政执法案卷信息，根据《中华人民共和国政府信息公开条例》第十六条第二款的规定不予公开。",
        "（八）依法律规定不得公开的举报人信息，属于法律、行政法规禁止公开的政府信息，根据《中华人民共和国政府信息公开条例》第十四条的规定不予公开。",
        "不予公开的理由如下：上述内容分别涉及第三方商业秘密、内部讨论、人事管理和经依法定密的内容。",
    ] {
        assert!(all.contains(sentence), "{sentence} in {all}");
    }
    for label in [
        "不予公开：属于",
        "不予公开：保护",
        "四类过程性信息",
        "withheld",
        "partially",
    ] {
        assert!(!all.contains(label), "{label} in {all}");
    }
    for doubled in ["。。", "，。", "经经", "申请公开申请"] {
        assert!(!all.contains(doubled), "{doubled} in {all}");
    }
    // Reconsideration first, for a partial refusal.
    assert!(all.contains("应当先自收到本答复书之日起60日内"), "{all}");
    // The last page carries body text (the end of the remedy clause) with the signature.
    let last = pages.last().expect("a page");
    assert!(
        last.contains("诉讼。") && last.contains("杭州市上城区人民政府办公室"),
        "last page: {last}"
    );
}

/// A letter is recorded in the transaction of the action that issues it and its PDF rendered
/// after the commit: the renderer that follows the commits stores it (in the blob store, by
/// its hash) without anyone asking, the list and the download agree on its hash, and two
/// renderers store it once.
#[tokio::test]
async fn an_issued_letters_pdf_follows_the_commit_and_is_stored_once() {
    use yishen_store::models::letter;
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let id = crate::cases::register(&app, &clerk, "2026-09-14").await;
    // The renderer stores the receipt's PDF without a download.
    let pool = app.state.pool.clone();
    let mut left = Vec::new();
    for _ in 0..100 {
        left = pool
            .read(|conn| Ok::<_, yishen_store::StoreError>(letter::pending_ids(conn, 10)?))
            .expect("read");
        if left.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        left.is_empty(),
        "letters still waiting for their PDF: {left:?}"
    );
    let letters = app
        .get(&format!("/api/v1/cases/{id}/letters"), Some(&clerk))
        .await;
    let receipt = letters.body[0].clone();
    let (status, bytes) = pdf_bytes(
        &app,
        &format!("/api/v1/letters/{}/pdf", receipt["id"]),
        &clerk,
    )
    .await;
    assert_eq!(status, 200);
    assert!(bytes.starts_with(b"%PDF"));
    use sha2::Digest;
    assert_eq!(
        receipt["sha256"],
        hex::encode(sha2::Sha256::digest(&bytes)),
        "the list shows the hash of the stored PDF"
    );
    // The PDF lives in the blob store under its hash, not in the letters table.
    let letter_id = receipt["id"].as_i64().expect("id");
    let in_row = pool
        .read(move |conn| Ok::<_, yishen_store::StoreError>(letter::pdf(conn, letter_id)?))
        .expect("read")
        .expect("row");
    assert!(in_row.is_empty(), "{} bytes kept in the row", in_row.len());
    let sha = receipt["sha256"].as_str().expect("sha");
    let kept = std::fs::read(
        app.data_dir()
            .join("blobs/sha256")
            .join(&sha[..2])
            .join(sha),
    )
    .expect("the PDF in the blob folder");
    assert_eq!(kept, bytes);
    // Two renderers of one letter just issued (and the instance's own renderer, racing them):
    // it is stored once, and the download is what the list's hash says.
    let second = crate::cases::register(&app, &clerk, "2026-09-15").await;
    let ids = pool
        .read(|conn| {
            Ok::<_, yishen_store::StoreError>(letter::for_case(conn, yishen_store::CaseId(second))?)
        })
        .expect("read")
        .iter()
        .map(|l| l.id)
        .collect::<Vec<_>>();
    let (a, b) = tokio::join!(
        yishen_app::services::issuing::render_pending(&app.state, ids.clone()),
        yishen_app::services::issuing::render_pending(&app.state, ids.clone()),
    );
    let stored = a.expect("render") + b.expect("render");
    assert!(
        stored <= ids.len(),
        "{stored} stores of {} letters",
        ids.len()
    );
    let letters = app
        .get(&format!("/api/v1/cases/{second}/letters"), Some(&clerk))
        .await;
    let receipt = letters.body[0].clone();
    let (_, bytes) = pdf_bytes(
        &app,
        &format!("/api/v1/letters/{}/pdf", receipt["id"]),
        &clerk,
    )
    .await;
    assert_eq!(receipt["sha256"], hex::encode(sha2::Sha256::digest(&bytes)));
}

/// A receipt that cannot be printed (a name with a character no font has) is refused when the
/// clerk registers, before anything is stored: no case, no number taken.
#[tokio::test]
async fn a_letter_that_cannot_be_printed_is_refused_before_anything_is_stored() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let mut body = registration("2026-09-14");
    body["applicant"]["name"] = json!("张\u{20000}");
    let r = app.post("/api/v1/cases", Some(&clerk), &body).await;
    let problem = assert_problem(&r, 409, "letter_incomplete");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("字体"),
        "{problem}"
    );
    let queue = app.get("/api/v1/cases?per_page=50", Some(&clerk)).await;
    assert_eq!(queue.body["total"], 0, "{:?}", queue.body);
    // The next registration takes the series' first number.
    let id = crate::cases::register(&app, &clerk, "2026-09-14").await;
    let letters = app
        .get(&format!("/api/v1/cases/{id}/letters"), Some(&clerk))
        .await;
    let number = letters.body[0]["number"].as_str().unwrap_or_default();
    assert!(number.ends_with("〕1号"), "{number}");
}
