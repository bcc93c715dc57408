//! `yishen audit verify` over the whole record: the chain, then the case rows, letters and
//! outcome records against what the events determine; the periodic check and its alert.

use diesel::connection::SimpleConnection;
use serde_json::json;

use crate::cases::registration;
use crate::helpers::{DEMO_PASSWORD, TestApp, spawn_app};
use crate::letters::{approved_online_case, issue_and_deliver};
use crate::web::{browser, page, web_login};

/// Runs SQL behind the system's back, as someone with access to the database would.
async fn tamper(app: &TestApp, sql: &str) {
    let sql = sql.to_owned();
    app.state
        .write(move |conn| {
            conn.batch_execute(&sql)?;
            Ok(())
        })
        .await
        .expect("tamper");
}

async fn broken(app: &TestApp) -> Option<String> {
    let report = yishen_app::services::audit::verify(&app.state)
        .await
        .expect("verify");
    report.broken.map(|b| b.to_string())
}

#[tokio::test]
async fn verification_finds_a_record_changed_behind_the_events() {
    let app = spawn_app().await;
    let today = crate::helpers::TODAY;
    let draft =
        json!({"disposition": "disclosed", "provided": ["望江地区旧城改造项目征收补偿方案"]});
    let (id, _, handler) = approved_online_case(&app, draft).await;
    let clerk = app.token("demo-clerk").await;
    let recon = app.token("demo-reconsideration").await;
    issue_and_deliver(&app, id, &handler).await;
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/reconsiderations"),
            Some(&recon),
            &json!({"body_name": "杭州市上城区人民政府", "filed_on": today}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let recon_id = r.body["id"].as_i64().expect("id");
    let r = app
        .patch(
            &format!("/api/v1/reconsiderations/{recon_id}"),
            Some(&recon),
            &json!({"decision": "upheld", "decided_on": today}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    // An open case, whose due date the events fix.
    let r = app
        .post("/api/v1/cases", Some(&clerk), &registration(today))
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let open = r.body["id"].as_i64().expect("id");
    let due = r.body["due_on"].as_str().expect("due").to_owned();

    let report = yishen_app::services::audit::verify(&app.state)
        .await
        .expect("verify");
    assert_eq!(report.broken, None);
    assert_eq!(report.cases, 2);
    assert!(report.letters >= 3, "{}", report.letters);
    assert_eq!(report.outcomes, 1);

    // Each change is found, named in Chinese, and undone before the next.
    let cases: [(String, &str, String); 5] = [
        (
            format!("UPDATE cases SET disposition = 'withheld_state_secret' WHERE id = {id}"),
            "处理结果：记录为“不予公开：属于国家秘密”，按事件应为“予以公开”",
            format!("UPDATE cases SET disposition = 'disclosed' WHERE id = {id}"),
        ),
        (
            format!("UPDATE cases SET concluded_on = '2026-01-05' WHERE id = {id}"),
            "办结日期",
            format!("UPDATE cases SET concluded_on = '{today}' WHERE id = {id}"),
        ),
        (
            format!(
                "UPDATE letters SET printed = REPLACE(printed, '望江', '钱江') \
                 WHERE case_id = {id} AND kind = 'reply'"
            ),
            "内容与出具时记入事件的哈希不符",
            format!(
                "UPDATE letters SET printed = REPLACE(printed, '钱江', '望江') \
                 WHERE case_id = {id} AND kind = 'reply'"
            ),
        ),
        (
            format!("UPDATE reconsiderations SET decision = 'revoked' WHERE id = {recon_id}"),
            "行政复议记录",
            format!("UPDATE reconsiderations SET decision = 'upheld' WHERE id = {recon_id}"),
        ),
        (
            format!("UPDATE cases SET due_on = '2026-12-31' WHERE id = {open}"),
            "答复期限：记录为“2026-12-31”",
            format!("UPDATE cases SET due_on = '{due}' WHERE id = {open}"),
        ),
    ];
    for (change, found, undo) in &cases {
        tamper(&app, change).await;
        let why = broken(&app).await;
        assert!(
            why.as_deref()
                .is_some_and(|w| w.contains(found) && w.contains("案件记录与事件记录不符")),
            "{change}: {why:?}"
        );
        tamper(&app, undo).await;
        assert_eq!(broken(&app).await, None, "undone: {undo}");
    }

    // A letter removed is found too.
    tamper(
        &app,
        &format!("DELETE FROM letters WHERE case_id = {id} AND kind = 'receipt'"),
    )
    .await;
    assert!(broken(&app).await.is_some_and(|w| w.contains("文书被删除")),);
}

#[tokio::test]
async fn the_periodic_check_raises_a_metric_and_tells_the_system_administrator() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let r = app
        .post(
            "/api/v1/cases",
            Some(&clerk),
            &registration(crate::helpers::TODAY),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let id = r.body["id"].as_i64().expect("id");
    let tracking = r.body["tracking_no"].as_str().expect("no").to_owned();
    let every = std::time::Duration::from_secs(600);
    let run = yishen_app::services::audit::run_leased(&app.state, "one", every)
        .await
        .expect("run")
        .expect("the lease was free");
    assert_eq!(run.broken, None);
    // Another instance finds the check taken for this interval.
    assert!(
        yishen_app::services::audit::run_leased(&app.state, "two", every)
            .await
            .expect("run")
            .is_none()
    );
    assert!(app.metrics().await.contains("yishen_audit_broken 0"));

    tamper(
        &app,
        &format!("UPDATE cases SET status = 'closed', disposition = 'disclosed' WHERE id = {id}"),
    )
    .await;
    let run = yishen_app::services::audit::run_leased(&app.state, "one", every)
        .await
        .expect("run")
        .expect("still ours");
    assert!(run.broken.is_some());
    assert!(app.metrics().await.contains("yishen_audit_broken 1"));

    let c = browser();
    let (admin, _) = web_login(&app, &c, "demo-sysadmin", DEMO_PASSWORD).await;
    let (_, html) = page(&app, &c, &admin, "/admin/users").await;
    assert!(
        html.contains("记录完整性校验") && html.contains(&tracking) && html.contains("状态"),
        "{html}"
    );
    // Other staff do not see it.
    let c = browser();
    let (clerk_page, _) = web_login(&app, &c, "demo-clerk", DEMO_PASSWORD).await;
    let (_, html) = page(&app, &c, &clerk_page, "/work").await;
    assert!(!html.contains("记录完整性校验"));
}
