//! Case prediction (案件预判) over HTTP: the likely dispositions of a new request from the
//! decided cases like it, each with its precedents and reason; a risk naming the precedent
//! that was corrected and its defect; staff only, and only over what they may see.

use serde_json::json;

use crate::cases::register;
use crate::helpers::{assert_problem, spawn_app};
use crate::similar::{corpus, line};

#[tokio::test]
async fn a_handler_sees_the_likely_dispositions_their_precedents_and_the_risk() {
    let app = spawn_app().await;
    corpus(&app).await;
    // More decided cases like the corrected one, answered the same way and not corrected.
    let more: String = [
        "请公开本区旧城改造项目的房屋征收补偿标准及批准文件",
        "申请公开2025年旧城改造征收补偿方案的批准文件",
    ]
    .iter()
    .enumerate()
    .map(|(i, c)| {
        format!(
            "{}\n",
            line(6 + i, "ZJ-HZ-SC", c, "unavailable_not_held", json!({}))
        )
    })
    .collect();
    let r = yishen_app::services::import::import(&app.state, std::io::Cursor::new(more))
        .await
        .expect("import");
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    app.index_settled().await;
    let clerk = app.token("demo-clerk").await;
    // The registration asks about the old town's compensation plan (cases 1, 2 and 6 are alike).
    let id = register(&app, &clerk, "2026-09-14").await;
    let handler = app.token("demo-handler").await;
    let r = app
        .get(&format!("/api/v1/cases/{id}/prediction"), Some(&handler))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let items = r.body["items"].as_array().expect("items");
    assert!(!items.is_empty() && items.len() <= 3, "{:?}", r.body);
    let total: f64 = items
        .iter()
        .map(|i| i["confidence"].as_f64().unwrap())
        .sum();
    assert!(total <= 1.0 + 1e-6, "{total}");
    let top = &items[0];
    assert_eq!(top["disposition"], "unavailable_not_held", "{:?}", r.body);
    assert!(
        top["why"].as_str().is_some_and(|w| w.contains("最相似")),
        "{top:?}"
    );
    let precedents: Vec<&str> = top["precedents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["tracking_no"].as_str().unwrap())
        .collect();
    assert_eq!(precedents.len(), 3, "{top:?}");
    // The corrected precedent is named in the risk, with its defect.
    let risk = r.body["risk"]["summary"].as_str().expect("risk");
    assert!(risk.contains("撤销") && risk.contains("检索"), "{risk}");
    assert_eq!(
        r.body["risk"]["precedents"].as_array().map(Vec::len),
        Some(1)
    );
    // Only cases the handler may see: nothing from another tree is a precedent.
    assert!(!r.body.to_string().contains("ZJ-LS-JY"), "{:?}", r.body);

    // Staff only, and only for a case they may see.
    let applicant = app.token("demo-applicant").await;
    let r = app
        .get(&format!("/api/v1/cases/{id}/prediction"), Some(&applicant))
        .await;
    assert_eq!(r.status, 403, "{:?}", r.body);
    let r = app
        .get("/api/v1/cases/999999/prediction", Some(&handler))
        .await;
    assert_problem(&r, 404, "not_found");
    let r = app
        .get(&format!("/api/v1/cases/{id}/prediction"), None)
        .await;
    assert_eq!(r.status, 401);
}
