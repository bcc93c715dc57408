//! Personal data seen in full, and the log of it for the agency's administrator.

use crate::cases::{VALID_ID, register};
use crate::helpers::{DEMO_PASSWORD, assert_problem, spawn_app};

#[tokio::test]
async fn seeing_personal_data_in_full_or_a_dossier_is_logged_for_the_agency_admin() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let applicant = app.token("demo-applicant").await;
    let admin = app.token("demo-admin").await;
    let id = register(&app, &clerk, "2026-09-01").await;

    // The case itself stays masked.
    let r = app
        .get(&format!("/api/v1/cases/{id}"), Some(&handler))
        .await;
    let masked = r.body["applicant"]["id_number_masked"]
        .as_str()
        .unwrap_or("");
    assert!(
        masked.contains("****") && !masked.contains(VALID_ID),
        "{masked}"
    );

    let res = app
        .client
        .get(app.url(&format!("/api/v1/cases/{id}/applicant/contact")))
        .bearer_auth(&handler)
        .send()
        .await
        .expect("contact");
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(
        res.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let c: serde_json::Value = res.json().await.expect("json");
    assert_eq!(c["id_number"], VALID_ID);
    assert_eq!(c["phone"], "13800138000");
    assert_eq!(c["address"], "杭州市上城区某某路1号");
    assert_eq!(c["recorded"], true);
    // Not for applicants (they see their own in 我的申请), not for the log's readers' cases only.
    let r = app
        .get(
            &format!("/api/v1/cases/{id}/applicant/contact"),
            Some(&applicant),
        )
        .await;
    assert_problem(&r, 403, "forbidden");
    let r = app
        .get(&format!("/api/v1/cases/{id}/dossier"), Some(&handler))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);

    let r = app.get("/api/v1/access-log", Some(&admin)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let items = r.body["items"].as_array().expect("items");
    let kinds: Vec<&str> = items.iter().filter_map(|i| i["kind"].as_str()).collect();
    assert_eq!(kinds, vec!["dossier", "personal_data"], "newest first");
    assert!(
        items
            .iter()
            .all(|i| i["username"] == "demo-handler" && i["case_id"] == id)
    );
    assert!(
        items[0]["tracking_no"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );
    // Nothing of it in the log's own answer: no identity number, phone or address.
    let text = r.body.to_string();
    assert!(!text.contains(VALID_ID) && !text.contains("13800138000"));
    for who in [&handler, &clerk, &applicant] {
        let r = app.get("/api/v1/access-log", Some(who)).await;
        assert_problem(&r, 403, "forbidden");
    }

    // The same through the pages: the handler's link, the notice, the administrator's page.
    let c = crate::web::browser();
    let (cookie, _) = crate::web::web_login(&app, &c, "demo-handler", DEMO_PASSWORD).await;
    let (_, html) = crate::web::page(&app, &c, &cookie, &format!("/work/cases/{id}")).await;
    assert!(html.contains(&format!("/work/cases/{id}/contact")));
    assert!(!html.contains(VALID_ID));
    let (status, html) =
        crate::web::page(&app, &c, &cookie, &format!("/work/cases/{id}/contact")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(VALID_ID) && html.contains("本次查看已记录"),
        "{html}"
    );
    let (cookie, _) = crate::web::web_login(&app, &c, "demo-admin", DEMO_PASSWORD).await;
    let (status, html) = crate::web::page(&app, &c, &cookie, "/admin/access-log").await;
    assert_eq!(status, 200);
    assert_eq!(
        html.matches("data-label=\"查看内容\">完整身份信息").count(),
        2,
        "{html}"
    );
    assert_eq!(
        html.matches("data-label=\"查看内容\">申请人档案").count(),
        1
    );
    assert!(!html.contains(VALID_ID));
}
