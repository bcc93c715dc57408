//! Drafting, pre-review and legal review through HTTP.

use serde_json::json;

use crate::cases::register;
use crate::helpers::{assert_problem, problem_fields, spawn_app};

#[tokio::test]
async fn a_draft_is_pre_reviewed_and_blocking_findings_stop_submission() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let legal = app.token("demo-legal").await;
    let id = register(&app, &clerk, "2026-03-02").await;

    // The wrong role, and a shape error named by its field.
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/draft"),
            Some(&clerk),
            &json!({"disposition": "disclosed"}),
        )
        .await;
    assert_problem(&r, 403, "forbidden");
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/draft"),
            Some(&handler),
            &json!({"disposition": "approved_somehow"}),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(problem_fields(&p), vec!["disposition"]);

    // A third-party refusal without consultation, with an outdated remedy clause.
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/draft"),
            Some(&handler),
            &json!({
                "disposition": "withheld_third_party",
                "reasons": "根据相关规定，不予公开。",
                "remedy_clause": "如对本答复不服，可以在收到本答复之日起60日内申请行政复议，或者在6个月内向人民法院提起行政诉讼。"
            }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["case"]["status"], "drafting");
    let codes: Vec<&str> = r.body["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    for c in [
        "third_party_not_consulted",
        "remedy_not_reconsideration_first",
        "reasons_boilerplate",
        "overdue",
    ] {
        assert!(codes.contains(&c), "{c} in {codes:?}");
    }
    let first = &r.body["findings"][0];
    assert_eq!(first["severity"], "blocking");
    assert!(first["article"].as_str().is_some_and(|a| !a.is_empty()));
    assert_eq!(
        r.body["case"]["draft"]["disposition"],
        "withheld_third_party"
    );

    let r = app
        .post(
            &format!("/api/v1/cases/{id}/submit"),
            Some(&handler),
            &json!({}),
        )
        .await;
    let p = assert_problem(&r, 409, "prereview_blocking");
    assert!(
        p["detail"]
            .as_str()
            .expect("detail")
            .contains("征求第三方意见")
    );

    // A sound draft goes through; the legal adviser returns it, then approves it.
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/draft"),
            Some(&handler),
            &json!({"disposition": "disclosed", "provided": ["征收补偿方案"], "applicant_name": "张三"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(
        r.body["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .all(|f| f["severity"] == "warning")
    );
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/submit"),
            Some(&handler),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["status"], "in_review");

    let r = app
        .post(
            &format!("/api/v1/cases/{id}/review"),
            Some(&handler),
            &json!({"decision": "approve"}),
        )
        .await;
    assert_problem(&r, 403, "forbidden");
    // An unknown decision is named with the accepted codes, in Chinese, before anything else.
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/review"),
            Some(&legal),
            &json!({"decision": "maybe", "comments": "同意"}),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(problem_fields(&p), vec!["decision"]);
    let detail = p["detail"].as_str().unwrap_or("");
    assert!(detail.contains("approve、return"), "{detail}");
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/review"),
            Some(&legal),
            &json!({"decision": "return"}),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(problem_fields(&p), vec!["comments"]);
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/review"),
            Some(&legal),
            &json!({"decision": "return", "comments": "请在附件说明中列明所提供文件的名称"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["status"], "drafting");
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/submit"),
            Some(&handler),
            &json!({}),
        )
        .await;
    assert_eq!(r.body["status"], "in_review");
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/review"),
            Some(&legal),
            &json!({"decision": "approve", "comments": "同意"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["status"], "approved");

    let events = app
        .get(&format!("/api/v1/cases/{id}/events"), Some(&legal))
        .await;
    let returned = events
        .body
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["kind"] == "reviewed" && e["data"]["approved"] == false)
        .expect("the return is kept");
    assert_eq!(
        returned["data"]["comments"],
        "请在附件说明中列明所提供文件的名称"
    );
}

#[tokio::test]
async fn a_third_party_refusal_passes_once_the_third_party_was_consulted() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let id = register(&app, &clerk, "2026-03-02").await;
    let c = app
        .post(&format!("/api/v1/cases/{id}/consultations"), Some(&handler), &json!({"party_kind": "third_party", "party_name": "某某房地产开发有限公司", "on": "2026-03-03"}))
        .await;
    let cid = c.body["id"].as_i64().expect("cid");
    app.post(
        &format!("/api/v1/cases/{id}/consultations/{cid}/close"),
        Some(&handler),
        &json!({"opinion": "object", "on": "2026-03-05"}),
    )
    .await;
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/draft"),
            Some(&handler),
            &json!({
                "disposition": "withheld_third_party",
                "reasons": "所申请的投标文件含有该公司的报价明细和技术方案，经征求意见该公司不同意公开且理由合理",
                "remedy_clause": "如对本答复不服，应当先自收到本答复书之日起60日内向杭州市上城区人民政府申请行政复议；对行政复议决定不服的，可以自收到行政复议决定书之日起15日内依法向人民法院提起行政诉讼。"
            }),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let blocking: Vec<_> = r.body["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == "blocking")
        .collect();
    assert!(blocking.is_empty(), "{blocking:?}");
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/submit"),
            Some(&handler),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}
