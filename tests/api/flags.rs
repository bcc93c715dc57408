//! Screening at intake over HTTP: the evidence of an applicant's volume in a month is
//! gathered when the application is filed, shown to staff without personal data, and only a
//! person confirms or dismisses it.

use serde_json::json;

use crate::cases::{VALID_ID, person, registration};
use crate::helpers::{TestApp, assert_problem, spawn_app};

/// Twelve earlier applications of the same person in March 2026, on different matters.
async fn history(app: &TestApp) {
    let topics = [
        "本区2025年度部门预算",
        "望江街道老旧小区改造资金",
        "清波街道道路工程规划许可",
        "本区2025年政府采购清单",
        "湖滨街道公租房分配名单审核标准",
        "小营街道河道整治验收报告",
        "南星街道垃圾分类补助资金",
        "紫阳街道停车泊位设置批准文件",
        "本区2025年行政复议统计",
        "四季青街道农贸市场改造招标文件",
        "彭埠街道低保审批标准",
        "笕桥街道人才公寓配租结果",
    ];
    let text: String = topics
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut p = person();
            p.as_object_mut().expect("object").remove("address");
            format!(
                "{}\n",
                json!({"external_id": format!("F-{i}"), "agency": "ZJ-HZ-SC", "channel": "in_person",
                       "received_on": format!("2026-03-{:02}", 2 + i), "applicant": p,
                       "content": format!("请公开{t}")})
            )
        })
        .collect();
    let r = yishen_app::services::import::import(&app.state, std::io::Cursor::new(text))
        .await
        .expect("import");
    assert!(r.errors.is_empty(), "{:?}", r.errors);
}

/// Screening reads a filing's cluster outside the write lock. A reading that another filing
/// overtook is not stored: the write sees that the cluster moved and screens it again, so the
/// earlier case keeps the count that includes the later one.
#[tokio::test]
async fn a_screening_overtaken_by_a_later_filing_is_done_again_not_stored_stale() {
    use yishen_app::services::flags;
    let app = spawn_app().await;
    history(&app).await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let file = |content: &str| {
        let mut body = registration("2026-03-20");
        body["content"] = json!(content);
        body
    };
    let volume = |id: i64| {
        let (app, handler) = (&app, &handler);
        async move {
            let r = app
                .get(&format!("/api/v1/cases/{id}/flags"), Some(handler))
                .await;
            r.body["items"]
                .as_array()
                .expect("items")
                .iter()
                .find(|f| f["kind"] == "volume")
                .unwrap_or_else(|| panic!("{:?}", r.body))["summary"]
                .as_str()
                .expect("summary")
                .to_owned()
        }
    };
    let a = app
        .post(
            "/api/v1/cases",
            Some(&clerk),
            &file("请公开上城区2025年度区政府常务会议纪要"),
        )
        .await;
    assert_eq!(a.status, 201, "{:?}", a.body);
    let a = a.body["id"].as_i64().expect("id");
    assert!(volume(a).await.contains("13"));
    // A's screening is read now and written only after B was filed and screened.
    let stale = flags::plan_intake_screening(&app.state, yishen_store::CaseId(a))
        .await
        .expect("plan");
    let b = app
        .post(
            "/api/v1/cases",
            Some(&clerk),
            &file("请公开上城区2025年度区长办公会议纪要"),
        )
        .await;
    assert_eq!(b.status, 201, "{:?}", b.body);
    assert!(
        volume(a).await.contains("14"),
        "B's screening counts A's month again"
    );
    flags::apply_intake_screening(&app.state, yishen_store::CaseId(a), stale)
        .await
        .expect("apply");
    let after = volume(a).await;
    assert!(after.contains("14"), "{after}");
}

#[tokio::test]
async fn an_applicants_volume_is_flagged_at_intake_and_decided_by_a_person() {
    let app = spawn_app().await;
    history(&app).await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let mut body = registration("2026-03-20");
    body["content"] = json!("请公开上城区2025年度区政府常务会议纪要");
    let r = app.post("/api/v1/cases", Some(&clerk), &body).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let id = r.body["id"].as_i64().expect("id");
    assert_eq!(r.body["status"], "received", "no flag changes a case");

    let r = app
        .get(&format!("/api/v1/cases/{id}/flags"), Some(&handler))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let text = r.body.to_string();
    for secret in ["张三", VALID_ID, "13800138000"] {
        assert!(!text.contains(secret), "no personal data in flags: {text}");
    }
    let volume = r.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|f| f["kind"] == "volume")
        .unwrap_or_else(|| panic!("{:?}", r.body))
        .clone();
    assert_eq!(volume["status"], "open");
    assert_eq!(volume["offers_article_35"], false);
    assert!(
        volume["summary"].as_str().expect("summary").contains("13"),
        "{volume}"
    );
    let flag = volume["id"].as_i64().expect("id");

    let applicant = app.token("demo-applicant").await;
    let r = app
        .get(&format!("/api/v1/cases/{id}/flags"), Some(&applicant))
        .await;
    assert_problem(&r, 403, "forbidden");
    let r = app
        .post(
            &format!("/api/v1/flags/{flag}/decision"),
            Some(&clerk),
            &json!({"decision": "confirm", "reason": "数量明显超过合理范围"}),
        )
        .await;
    assert_problem(&r, 403, "forbidden");
    let r = app
        .post(
            &format!("/api/v1/flags/{flag}/decision"),
            Some(&handler),
            &json!({"decision": "confirm", "reason": " "}),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "reason");
    let r = app
        .post(&format!("/api/v1/flags/{flag}/decision"), Some(&handler), &json!({"decision": "confirm", "reason": "一个月内申请13件，明显超过合理范围，经联合会商确认"}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["status"], "confirmed");
    assert_eq!(
        r.body["offers_article_35"], true,
        "a confirmed mass-application flag opens 条例35"
    );
    let r = app
        .post(
            &format!("/api/v1/flags/{flag}/decision"),
            Some(&handler),
            &json!({"decision": "confirm", "reason": "再次确认"}),
        )
        .await;
    assert_problem(&r, 409, "flag_already_decided");
    let r = app
        .get(&format!("/api/v1/cases/{id}"), Some(&handler))
        .await;
    assert_eq!(
        r.body["status"], "received",
        "confirming changes nothing on the case"
    );
}
