//! The article push for a case, over HTTP.

use serde_json::json;

use crate::cases::registration;
use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn a_case_gets_the_articles_its_request_bears_on() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let mut body = registration("2026-03-02");
    body["content"] = json!(
        "请公开2025年区政府常务会议研究望江地区旧城改造的会议纪要，以及被征收户的分户补偿明细"
    );
    let r = app.post("/api/v1/cases", Some(&clerk), &body).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let id = r.body["id"].as_i64().expect("id");

    let handler = app.token("demo-handler").await;
    let r = app
        .get(&format!("/api/v1/cases/{id}/articles"), Some(&handler))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let items = r.body["items"].as_array().expect("items");
    let cited: Vec<&str> = items.iter().filter_map(|i| i["article"].as_str()).collect();
    for want in [
        "第十六条第二款",
        "第十五条",
        "第三十二条",
        "第二十条",
        "第三十三条",
        "第三十六条",
    ] {
        assert!(
            cited.iter().any(|c| c.ends_with(want)),
            "{want} in {cited:?}"
        );
    }
    let scores: Vec<i64> = items
        .iter()
        .map(|i| i["score"].as_i64().expect("score"))
        .collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "ranked: {scores:?}"
    );
    let minutes = items
        .iter()
        .find(|i| {
            i["article"]
                .as_str()
                .is_some_and(|a| a.ends_with("第十六条第二款"))
        })
        .expect("16(2)");
    assert!(
        minutes["text"]
            .as_str()
            .expect("text")
            .contains("过程性信息")
    );
    assert!(minutes["why"].as_str().expect("why").contains("会议纪要"));
    assert_eq!(minutes["cues"][0], "会议纪要");

    let applicant = app.token("demo-applicant").await;
    let r = app
        .get(&format!("/api/v1/cases/{id}/articles"), Some(&applicant))
        .await;
    assert_problem(&r, 403, "forbidden");
    let recon = app.token("demo-reconsideration").await;
    let r = app
        .get(
            &format!("/api/v1/cases/{}/articles", id + 1000),
            Some(&recon),
        )
        .await;
    assert_problem(&r, 404, "not_found");
}
