//! Similar cases over HTTP: found across different wording, never the case itself nor a case
//! the user may not see, with dispositions and outcomes; a draft answered like a corrected
//! case gets a warning naming it.

use serde_json::{Value, json};

use crate::cases::registration;
use crate::helpers::{TestApp, assert_problem, spawn_app};

pub(crate) fn line(
    n: usize,
    agency: &str,
    content: &str,
    disposition: &str,
    extra: Value,
) -> Value {
    let mut l = json!({
        "external_id": format!("S-{n}"), "agency": agency, "channel": "in_person",
        "received_on": "2025-03-03",
        "applicant": {"kind": "person", "name": "王五", "id_type": "resident_id",
                      "id_number": "11010519491231002X", "phone": "13800138000"},
        "content": content, "disposition": disposition, "concluded_on": "2025-03-25",
        "reasons": "经检索未找到相关信息",
    });
    if let Some(o) = extra.as_object() {
        for (k, v) in o {
            l[k] = v.clone();
        }
    }
    l
}

pub(crate) async fn corpus(app: &TestApp) {
    let lines = [
        line(
            1,
            "ZJ-HZ-SC",
            "请公开望江地区旧城改造项目房屋征收补偿方案及补偿标准",
            "unavailable_not_held",
            json!({"reconsideration": {"body_name": "杭州市上城区人民政府", "filed_on": "2025-04-01",
                    "decision": "revoked", "decided_on": "2025-05-20", "defect": "insufficient_search"}}),
        ),
        line(
            2,
            "ZJ-HZ-SC",
            "申请获取清波街道征收项目的补偿安置方案和征收决定",
            "disclosed",
            json!({}),
        ),
        line(
            3,
            "ZJ-HZ-SC",
            "请提供2024年度本机关部门预算和三公经费决算",
            "disclosed_already_public",
            json!({}),
        ),
        line(
            4,
            "ZJ-HZ-SC",
            "请公开本区2024年度政府采购项目中标结果",
            "disclosed",
            json!({}),
        ),
        line(
            5,
            "ZJ-LS-JY",
            "请公开缙云县旧城改造房屋征收补偿方案",
            "disclosed",
            json!({}),
        ),
    ];
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let r = yishen_app::services::import::import(&app.state, std::io::Cursor::new(text))
        .await
        .expect("import");
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    app.index_settled().await;
}

fn numbers(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["tracking_no"].as_str().expect("no").to_owned())
        .collect()
}

#[tokio::test]
async fn similar_cases_are_found_across_wording_within_what_the_user_may_see() {
    let app = spawn_app().await;
    corpus(&app).await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let mut body = registration("2026-03-02");
    body["content"] = json!("请公开望江片区拆迁补偿的具体方案");
    let r = app.post("/api/v1/cases", Some(&clerk), &body).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let id = r.body["id"].as_i64().expect("id");
    let own = r.body["tracking_no"].as_str().expect("no").to_owned();
    // The index follows the change feed and commits about once a second.
    app.index_settled().await;

    let r = app
        .get(
            &format!("/api/v1/cases/{id}/similar?limit=5"),
            Some(&handler),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let found = numbers(&r.body);
    assert!(!found.is_empty(), "{:?}", r.body);
    assert!(!found.contains(&own), "never the case itself");
    assert!(
        found.iter().all(|n| n.starts_with("ZJ-HZ-SC-")),
        "only what the handler sees: {found:?}"
    );
    let top = &r.body["items"][0];
    assert!(
        top["snippet"].as_str().expect("snippet").contains('【'),
        "{top}"
    );
    assert_eq!(top["disposition"], "unavailable_not_held", "{:?}", r.body);
    assert_eq!(top["outcome_bucket"], "结果纠正");

    // Free text: the handler sees its own agency only; the system administrator all.
    let q = json!({"text": "旧改征收补偿方案", "limit": 10});
    let r = app.post("/api/v1/similar/search", Some(&handler), &q).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(numbers(&r.body).iter().all(|n| n.starts_with("ZJ-HZ-SC-")));
    let admin = app.token("demo-sysadmin").await;
    let r = app.post("/api/v1/similar/search", Some(&admin), &q).await;
    assert!(
        numbers(&r.body).iter().any(|n| n.starts_with("ZJ-LS-JY-")),
        "{:?}",
        r.body
    );
    let r = app
        .post(
            "/api/v1/similar/search",
            Some(&admin),
            &json!({"text": "旧改征收补偿方案", "agency": "ZJ-LS-JY"}),
        )
        .await;
    assert!(
        numbers(&r.body).iter().all(|n| n.starts_with("ZJ-LS-JY-")),
        "{:?}",
        r.body
    );

    // Narrowed by disposition and by years of receipt.
    let r = app
        .get(
            &format!("/api/v1/cases/{id}/similar?disposition=disclosed"),
            Some(&handler),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let items = r.body["items"].as_array().expect("items");
    assert!(
        !items.is_empty() && items.iter().all(|i| i["disposition"] == "disclosed"),
        "{items:?}"
    );
    let r = app
        .post(
            "/api/v1/similar/search",
            Some(&handler),
            &json!({"text": "望江片区拆迁补偿的具体方案", "year_from": 2026}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        numbers(&r.body),
        vec![own.clone()],
        "only the case received in 2026"
    );
    let r = app
        .post(
            "/api/v1/similar/search",
            Some(&handler),
            &json!({"text": "补偿", "year_from": 2026, "year_to": 2025}),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "year_to");
    let r = app
        .get(
            &format!("/api/v1/cases/{id}/similar?disposition=nonsense"),
            Some(&handler),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "disposition");

    // Answering like the corrected case draws a warning naming it.
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/draft"),
            Some(&handler),
            &json!({"disposition": "unavailable_not_held", "reasons": "经检索本机关未制作该信息",
                    "search_record": "检索了本机关档案室和办公系统2020年以来的收发文登记"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let warning = r.body["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["code"] == "similar_corrected")
        .unwrap_or_else(|| panic!("{:?}", r.body["findings"]))
        .clone();
    assert!(
        warning["message"]
            .as_str()
            .expect("m")
            .contains("检索不充分"),
        "{warning}"
    );
    assert_eq!(warning["severity"], "warning");

    let applicant = app.token("demo-applicant").await;
    let r = app
        .get(&format!("/api/v1/cases/{id}/similar"), Some(&applicant))
        .await;
    assert_problem(&r, 403, "forbidden");
    let r = app
        .get(
            &format!("/api/v1/cases/{id}/similar?limit=0"),
            Some(&handler),
        )
        .await;
    assert_problem(&r, 422, "validation_failed");
    let r = app
        .post(
            "/api/v1/similar/search",
            Some(&handler),
            &json!({"text": " "}),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "text");
}

#[tokio::test]
async fn a_case_written_by_another_process_reaches_the_index_through_the_change_feed() {
    let app = spawn_app().await;
    let handler = app.token("demo-handler").await;
    let q = json!({"text": "请公开西湖区运河沿岸景观提升工程的设计方案和预算"});
    let r = app.post("/api/v1/similar/search", Some(&handler), &q).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["items"].as_array().map(Vec::len), Some(0));

    // Another process on the same database (the command line, or a second instance): its
    // state holds no index and cannot tell this one's follower anything.
    let mut settings = app.state.settings.as_ref().clone();
    settings.bind = "127.0.0.1:0".into();
    let other = yishen_server::startup::build_state(settings)
        .await
        .expect("second state");
    assert!(other.similar.is_none());
    let line = json!({"external_id": "FEED-1", "agency": "ZJ-HZ-SC", "channel": "in_person",
        "received_on": "2026-02-02", "content": "请公开运河沿岸景观提升工程的设计方案及工程预算",
        "applicant": {"kind": "person", "name": "钱七", "id_type": "resident_id",
                      "id_number": "110105194912310038", "phone": "13900000099"},
        "disposition": "disclosed", "concluded_on": "2026-02-20", "reasons": "予以公开"});
    let r = yishen_app::services::import::import(&other, std::io::Cursor::new(format!("{line}\n")))
        .await
        .expect("import");
    assert!(r.errors.is_empty(), "{:?}", r.errors);

    let started = std::time::Instant::now();
    loop {
        let r = app.post("/api/v1/similar/search", Some(&handler), &q).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        if r.body["items"].as_array().is_some_and(|a| !a.is_empty()) {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "not searchable within 2 s: {:?}",
            r.body
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let r = app.get("/readyz", None).await;
    assert!(r.body["index_lag"].as_i64().is_some(), "{:?}", r.body);
}
