use serde_json::json;

use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn the_demo_tree_is_listed_parents_first() {
    let app = spawn_app().await;
    let r = app.get("/api/v1/agencies", None).await;
    assert_eq!(r.status, 200);
    let codes: Vec<&str> = r.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|a| a["code"].as_str())
        .collect();
    assert_eq!(
        codes,
        vec![
            "ZJ",
            "ZJ-HZ",
            "ZJ-HZ-SC",
            "ZJ-HZ-SC-JS",
            "ZJ-LS",
            "ZJ-LS-JY"
        ]
    );
    let r = app.get("/api/v1/agencies/ZJ-HZ-SC-JS", None).await;
    assert_eq!(r.body["name"], "杭州市上城区住房和城乡建设局");
    assert_eq!(r.body["parent_code"], "ZJ-HZ-SC");
    assert_eq!(r.body["reconsideration_body_name"], "杭州市上城区人民政府");
}

#[tokio::test]
async fn the_sysadmin_grows_the_tree_and_admins_keep_their_settings() {
    let app = spawn_app().await;
    let sys = app.token("demo-sysadmin").await;
    let r = app
        .post("/api/v1/agencies", Some(&sys), &json!({"code": "ZJ-HZ-SC-GT", "name": "杭州市上城区规划和自然资源分局", "parent": "ZJ-HZ-SC", "letter_prefix": "上城规依申"}))
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["parent_code"], "ZJ-HZ-SC");
    let dup = app
        .post(
            "/api/v1/agencies",
            Some(&sys),
            &json!({"code": "ZJ-HZ-SC-GT", "name": "重复", "parent": "ZJ-HZ-SC"}),
        )
        .await;
    assert_problem(&dup, 409, "agency_code_taken");
    let orphan = app
        .post(
            "/api/v1/agencies",
            Some(&sys),
            &json!({"code": "XX-1", "name": "无上级", "parent": "XX"}),
        )
        .await;
    let body = assert_problem(&orphan, 422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "parent");

    let admin = app.token("demo-admin").await;
    let r = app
        .send(
            reqwest::Method::PATCH,
            "/api/v1/agencies/ZJ-HZ-SC",
            Some(&admin),
            Some(&json!({"court_name": "杭州市上城区人民法院", "letter_prefix": null})),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["court_name"], "杭州市上城区人民法院");
    assert!(r.body["letter_prefix"].is_null());
    assert_eq!(
        r.body["reconsideration_body_name"], "杭州市上城区人民政府",
        "untouched"
    );
    let rename = app
        .send(
            reqwest::Method::PATCH,
            "/api/v1/agencies/ZJ-HZ-SC",
            Some(&admin),
            Some(&json!({"name": "改名"})),
        )
        .await;
    assert_problem(&rename, 403, "forbidden");
}
