//! Cases through HTTP: intake, the legal clock, 补正, consultations, extension, fees, the
//! state machine, optimistic locking, the event chain, tracking and the expiry job.

use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, problem_fields, spawn_app, spawn_app_on};

pub const VALID_ID: &str = "11010519491231002X";

pub fn person() -> Value {
    json!({
        "kind": "person", "name": "张三", "id_type": "resident_id", "id_number": VALID_ID,
        "phone": "13800138000", "address": "杭州市上城区某某路1号"
    })
}

pub fn registration(received_on: &str) -> Value {
    json!({
        "agency": "ZJ-HZ-SC", "channel": "in_person", "received_on": received_on,
        "applicant": person(),
        "content": "请公开2025年本区旧城改造项目的征收补偿方案及其批准文件",
        "forms": ["paper"], "delivery": "post"
    })
}

/// A clerk registers an in-person application received on `received_on`; returns its id.
pub async fn register(app: &TestApp, clerk: &str, received_on: &str) -> i64 {
    let r = app
        .post("/api/v1/cases", Some(clerk), &registration(received_on))
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    r.body["id"].as_i64().expect("id")
}

async fn due_date(app: &TestApp, from: &str, n: u32) -> String {
    let r = app
        .get(
            &format!("/api/v1/calendar/due-date?from={from}&working_days={n}"),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body["due_on"].as_str().expect("due").to_owned()
}

async fn case(app: &TestApp, token: &str, id: i64) -> Value {
    let r = app.get(&format!("/api/v1/cases/{id}"), Some(token)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body
}

#[tokio::test]
async fn an_online_application_waits_for_confirmation_then_counts_twenty_working_days() {
    let app = spawn_app().await;
    let applicant = app.token("demo-applicant").await;
    let clerk = app.token("demo-clerk").await;
    let mut body = registration("2026-03-02");
    body["channel"] = json!("online");
    body.as_object_mut().expect("object").remove("received_on");
    let r = app.post("/api/v1/cases", Some(&applicant), &body).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["status"], "submitted");
    assert!(
        r.body["due_on"].is_null(),
        "no clock before confirmation (条例31(三))"
    );
    assert_eq!(r.body["clock_state"], "not_started");
    let tracking = r.body["tracking_no"].as_str().expect("tracking").to_owned();
    assert!(
        tracking.starts_with("ZJ-HZ-SC-") && tracking.ends_with("-000001"),
        "{tracking}"
    );
    assert_eq!(r.body["query_code"].as_str().map(str::len), Some(12));
    assert_eq!(
        r.body["applicant"]["id_number_masked"],
        "110105********002X"
    );
    assert!(
        !r.body.to_string().contains(VALID_ID),
        "no identity number in answers"
    );
    let id = r.body["id"].as_i64().expect("id");

    // An online application is received on the day both sides confirm it: not before it
    // was filed.
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/confirm"),
            Some(&clerk),
            &json!({"received_on": "2026-03-02"}),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(p["errors"][0]["code"], "date_before_previous_event");
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/confirm"),
            Some(&clerk),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["status"], "received");
    let today = r.body["received_on"].as_str().expect("received").to_owned();
    let due = app
        .get(
            &format!("/api/v1/calendar/due-date?from={today}&working_days=20"),
            None,
        )
        .await;
    if due.status == 200 {
        assert_eq!(r.body["due_on"], due.body["due_on"]);
    } else {
        assert_eq!(r.body["clock_state"], "calendar_year_not_covered");
    }
    assert_eq!(case(&app, &applicant, id).await["status"], "received");
}

#[tokio::test]
async fn the_clock_ledger_explains_every_day() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let id = register(&app, &clerk, "2026-03-02").await;
    assert_eq!(case(&app, &clerk, id).await["due_on"], "2026-03-30");
    let clock = app
        .get(&format!("/api/v1/cases/{id}/clock"), Some(&clerk))
        .await;
    assert_eq!(clock.status, 200, "{:?}", clock.body);
    assert_eq!(clock.body["due_on"], "2026-03-30");
    assert_eq!(clock.body["limit"], 20);
    assert_eq!(clock.body["running"], true);
    assert_eq!(
        clock.body["state"], "overdue",
        "past its due date, still unanswered"
    );
    assert!(clock.body["overdue_by"].as_u64().expect("overdue by") > 0);
    let ledger = clock.body["ledger"].as_array().expect("ledger");
    assert_eq!(ledger[0]["date"], "2026-03-03");
    assert_eq!(ledger[0]["counted"], true);
    let saturday = ledger
        .iter()
        .find(|d| d["date"] == "2026-03-07")
        .expect("saturday");
    assert_eq!(saturday["counted"], false);
    assert!(
        saturday["reason"]
            .as_str()
            .expect("reason")
            .contains("周末")
    );
    let counted = ledger
        .iter()
        .filter(|d| d["counted"] == true && d["date"].as_str() <= Some("2026-03-30"))
        .count();
    assert_eq!(counted, 20);

    // Across 清明 2026 the ledger names the holiday and its notice.
    let id = register(&app, &clerk, "2026-04-01").await;
    let clock = app
        .get(&format!("/api/v1/cases/{id}/clock"), Some(&clerk))
        .await;
    let ledger = clock.body["ledger"].as_array().expect("ledger");
    let holiday = ledger
        .iter()
        .find(|d| d["reason"].as_str().is_some_and(|r| r.contains("清明")))
        .expect("清明 in the ledger");
    assert_eq!(holiday["counted"], false);
    assert!(
        holiday["reason"]
            .as_str()
            .expect("reason")
            .contains("国务院办公厅")
    );
}

#[tokio::test]
async fn clerks_register_paper_channels_with_gap_free_numbers() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let a = app
        .post("/api/v1/cases", Some(&clerk), &registration("2026-03-02"))
        .await;
    assert_eq!(a.status, 201, "{:?}", a.body);
    assert_eq!(a.body["status"], "received");
    assert_eq!(a.body["tracking_no"], "ZJ-HZ-SC-2026-000001");
    assert!(
        a.body["receipt_rule"]
            .as_str()
            .expect("rule")
            .contains("第三十一条")
    );

    // A rejected intake uses no number.
    let mut bad = registration("2026-03-03");
    bad["applicant"]["id_number"] = json!("110105194912310021");
    let r = app.post("/api/v1/cases", Some(&clerk), &bad).await;
    assert_problem(&r, 422, "validation_failed");

    let b = app
        .post("/api/v1/cases", Some(&clerk), &registration("2026-03-04"))
        .await;
    assert_eq!(b.body["tracking_no"], "ZJ-HZ-SC-2026-000002");

    // The year follows the receipt date.
    let c = app
        .post("/api/v1/cases", Some(&clerk), &registration("2025-12-30"))
        .await;
    assert_eq!(c.body["tracking_no"], "ZJ-HZ-SC-2025-000001");

    // Clerks give the receipt date; it may not lie in the future.
    let mut no_date = registration("2026-03-02");
    no_date
        .as_object_mut()
        .expect("object")
        .remove("received_on");
    let r = app.post("/api/v1/cases", Some(&clerk), &no_date).await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(problem_fields(&p), vec!["received_on"]);
    let r = app
        .post("/api/v1/cases", Some(&clerk), &registration("2099-01-01"))
        .await;
    assert_problem(&r, 422, "validation_failed");
}

/// Filings at one agency at once: each takes the next number, none is skipped or given twice,
/// and each case has the applicant it was filed with. (On PostgreSQL a filing writes its
/// applicant and signature before it numbers the case, and their references to the case are
/// checked at commit.)
#[tokio::test]
async fn filings_at_once_take_every_number_once() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let mut filings = tokio::task::JoinSet::new();
    for i in 0..16 {
        let client = app.client.clone();
        let url = format!("{}/api/v1/cases", app.address);
        let mut body = registration("2026-03-02");
        body["applicant"]["name"] = json!(format!("欧阳{}", ["一", "二", "三", "四"][i % 4]));
        body["content"] = json!(format!("请公开2025年本区旧城改造项目第{i}批征收补偿方案"));
        let clerk = clerk.clone();
        filings.spawn(async move {
            let r = client
                .post(url)
                .bearer_auth(clerk)
                .json(&body)
                .send()
                .await
                .expect("send");
            assert_eq!(r.status().as_u16(), 201);
            let v: Value = r.json().await.expect("json");
            (i, v)
        });
    }
    let mut numbers = Vec::new();
    for (i, v) in filings.join_all().await {
        numbers.push(v["tracking_no"].as_str().expect("tracking_no").to_owned());
        let id = v["id"].as_i64().expect("id");
        let r = app.get(&format!("/api/v1/cases/{id}"), Some(&clerk)).await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        assert_eq!(
            r.body["applicant"]["name"],
            format!("欧阳{}", ["一", "二", "三", "四"][i % 4])
        );
    }
    numbers.sort();
    let expected: Vec<String> = (1..=16).map(|n| format!("ZJ-HZ-SC-2026-{n:06}")).collect();
    assert_eq!(numbers, expected);
}

#[tokio::test]
async fn bad_identities_and_texts_are_named_and_nothing_is_written() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let mut body = registration("2026-03-02");
    body["applicant"]["id_number"] = json!("110105194912310021");
    body["applicant"]["phone"] = json!("12345");
    body["content"] = json!("太短");
    let r = app.post("/api/v1/cases", Some(&clerk), &body).await;
    let p = assert_problem(&r, 422, "validation_failed");
    let fields = problem_fields(&p);
    for f in ["applicant.id_number", "applicant.phone", "content"] {
        assert!(fields.contains(&f.to_owned()), "{f} in {fields:?}");
    }
    let codes: Vec<&str> = p["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["code"].as_str())
        .collect();
    assert!(codes.contains(&"resident_id_check_digit"), "{codes:?}");
    assert!(
        !p.to_string().contains("110105194912310021"),
        "no identity numbers in problems"
    );

    let mut org = registration("2026-03-02");
    org["applicant"] = json!({
        "kind": "organization", "category": "business", "name": "某某科技有限公司",
        "id_type": "uscc", "id_number": "91350100M000100Y44", "email": "info@example.com"
    });
    let r = app.post("/api/v1/cases", Some(&clerk), &org).await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(p["errors"][0]["code"], "uscc_check_character");
    // By post without a postal address: named on the address.
    org["applicant"]["id_number"] = json!("91350100M000100Y43");
    let r = app.post("/api/v1/cases", Some(&clerk), &org).await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(problem_fields(&p), vec!["applicant.address"]);
    org["delivery"] = json!("email");
    org["applicant"]["id_number"] = json!("91350100M000100Y43");
    let r = app.post("/api/v1/cases", Some(&clerk), &org).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["applicant"]["category"], "business");

    let list = app.get("/api/v1/cases", Some(&clerk)).await;
    assert_eq!(
        list.body["total"], 1,
        "only the valid organisation was written"
    );
}

#[tokio::test]
async fn a_correction_stops_the_clock_and_restarts_it_from_the_corrected_application() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let id = register(&app, &clerk, "2026-03-02").await;
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/corrections"),
            Some(&handler),
            &json!({"items": ["请写明所需文件的名称或文号"], "on": "2026-03-04"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["status"], "awaiting_correction");
    assert_eq!(r.body["clock_state"], "awaiting_correction");
    assert_eq!(
        r.body["correction_deadline"],
        due_date(&app, "2026-03-04", 15).await
    );
    assert!(r.body["due_on"].is_null());

    // One-time notice (条例30).
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/corrections"),
            Some(&handler),
            &json!({"items": ["再补一项"]}),
        )
        .await;
    assert_problem(&r, 409, "action_not_allowed_in_state");

    let r = app
        .post(
            &format!("/api/v1/cases/{id}/corrections/response"),
            Some(&clerk),
            &json!({"content": "请公开2025年望江地区旧城改造项目征收补偿方案（杭上政〔2025〕12号）", "on": "2026-03-10"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["status"], "received");
    assert_eq!(r.body["due_on"], due_date(&app, "2026-03-10", 20).await);
    assert!(
        r.body["content"]
            .as_str()
            .expect("content")
            .contains("杭上政")
    );
}

#[tokio::test]
async fn a_late_correction_notice_needs_a_reason() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let id = register(&app, &clerk, "2026-03-02").await;
    // 7 working days after 03-02 is 03-11; 03-12 is late.
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/corrections"),
            Some(&clerk),
            &json!({"items": ["文件名称"], "on": "2026-03-12"}),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(problem_fields(&p), vec!["late_reason"]);
    assert!(p["detail"].as_str().expect("detail").contains("2026-03-11"));
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/corrections"),
            Some(&clerk),
            &json!({"items": ["文件名称"], "on": "2026-03-12", "late_reason": "申请材料经转办后于3月11日送达本机关"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

#[tokio::test]
async fn consultations_exclude_their_days_once_even_when_they_overlap() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let id = register(&app, &clerk, "2026-03-02").await;
    let open = |kind: &'static str, name: &'static str, on: &'static str| json!({"party_kind": kind, "party_name": name, "on": on});
    let a = app
        .post(
            &format!("/api/v1/cases/{id}/consultations"),
            Some(&handler),
            &open("third_party", "某某房地产开发有限公司", "2026-03-04"),
        )
        .await;
    assert_eq!(a.status, 201, "{:?}", a.body);
    assert_eq!(a.body["case"]["status"], "in_progress");
    let a_id = a.body["id"].as_i64().expect("cid");
    let reply_by = a.body["case"]["consultations"][0]["reply_by"]
        .as_str()
        .expect("reply by")
        .to_owned();
    assert_eq!(reply_by, due_date(&app, "2026-03-04", 15).await);
    let b = app
        .post(
            &format!("/api/v1/cases/{id}/consultations"),
            Some(&handler),
            &open("agency", "杭州市规划和自然资源局", "2026-03-05"),
        )
        .await;
    assert_eq!(b.status, 201, "{:?}", b.body);
    let b_id = b.body["id"].as_i64().expect("cid");

    // Silence is recorded only after the window has passed.
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/consultations/{b_id}/close"),
            Some(&handler),
            &json!({"opinion": "no_reply", "on": "2026-03-09"}),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(problem_fields(&p), vec!["opinion"]);

    let r = app
        .post(
            &format!("/api/v1/cases/{id}/consultations/{a_id}/close"),
            Some(&handler),
            &json!({"opinion": "object", "on": "2026-03-06"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/consultations/{b_id}/close"),
            Some(&handler),
            &json!({"opinion": "agree", "on": "2026-03-10"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    // Excluded: the union (03-04, 03-10] = 03-05, 03-06, 03-09, 03-10: four working days.
    assert_eq!(r.body["due_on"], due_date(&app, "2026-03-02", 24).await);

    let clock = app
        .get(&format!("/api/v1/cases/{id}/clock"), Some(&handler))
        .await;
    let ledger = clock.body["ledger"].as_array().expect("ledger");
    let day = ledger
        .iter()
        .find(|d| d["date"] == "2026-03-05")
        .expect("day");
    assert_eq!(day["counted"], false);
    assert!(
        day["reason"]
            .as_str()
            .expect("reason")
            .contains("征求第三方意见")
    );
    let closed = app
        .post(
            &format!("/api/v1/cases/{id}/consultations/{a_id}/close"),
            Some(&handler),
            &json!({"opinion": "agree"}),
        )
        .await;
    assert_problem(&closed, 409, "consultation_closed");
}

#[tokio::test]
async fn an_extension_is_the_approvers_once_and_at_most_twenty_days() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let approver = app.token("demo-approver").await;
    let id = register(&app, &clerk, "2026-03-02").await;
    let body = json!({"working_days": 20, "reason": "涉及档案较多，需调取历史档案核查", "on": "2026-03-20"});
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/extension"),
            Some(&handler),
            &body,
        )
        .await;
    assert_problem(&r, 403, "forbidden");
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/extension"),
            Some(&approver),
            &json!({"working_days": 21, "reason": "档案较多", "on": "2026-03-20"}),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(problem_fields(&p), vec!["working_days"]);
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/extension"),
            Some(&approver),
            &body,
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["due_on"], due_date(&app, "2026-03-02", 40).await);
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/extension"),
            Some(&approver),
            &body,
        )
        .await;
    assert_problem(&r, 409, "extension_already_granted");

    // After the due date an extension comes too late.
    let late = register(&app, &clerk, "2026-03-02").await;
    let r = app
        .post(
            &format!("/api/v1/cases/{late}/extension"),
            Some(&approver),
            &json!({"working_days": 5, "reason": "档案较多", "on": "2026-04-01"}),
        )
        .await;
    assert_problem(&r, 409, "extension_after_due_date");
}

#[tokio::test]
async fn a_fee_notice_pauses_the_clock_until_payment() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let id = register(&app, &clerk, "2026-03-02").await;
    // 按件: the applicant's first application this month is free.
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/fee-notice"),
            Some(&handler),
            &json!({"mode": "per_application", "on": "2026-03-04"}),
        )
        .await;
    assert_problem(&r, 409, "fee_not_chargeable");
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/fee-notice"),
            Some(&handler),
            &json!({"mode": "per_application", "pages": 40}),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(problem_fields(&p), vec!["pages"]);
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/fee-notice"),
            Some(&handler),
            &json!({"mode": "per_page", "pages": 2219, "on": "2026-03-04"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        r.body["fee_deadline"],
        due_date(&app, "2026-03-04", 20).await
    );
    let events = app
        .get(&format!("/api/v1/cases/{id}/events"), Some(&handler))
        .await;
    let events = events.body.as_array().expect("events");
    let fee = events
        .iter()
        .find(|e| e["kind"] == "fee_noticed")
        .expect("fee event")
        .clone();
    assert_eq!(
        events.last().expect("last")["kind"],
        "notice_issued",
        "the 收费通知书"
    );
    assert_eq!(fee["data"]["amount_yuan"], 83460);

    let r = app
        .post(
            &format!("/api/v1/cases/{id}/fee-payment"),
            Some(&clerk),
            &json!({"on": "2026-03-09"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(r.body["fee_deadline"].is_null());
    // (03-04, 03-09] holds 03-05, 03-06, 03-09: three working days excluded.
    assert_eq!(r.body["due_on"], due_date(&app, "2026-03-02", 23).await);
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/fee-payment"),
            Some(&clerk),
            &json!({}),
        )
        .await;
    assert_problem(&r, 409, "no_fee_pending");
}

#[tokio::test]
async fn actions_outside_their_state_or_role_are_refused_with_reasons() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let legal = app.token("demo-legal").await;
    let applicant = app.token("demo-applicant").await;
    let recon = app.token("demo-reconsideration").await;
    let id = register(&app, &clerk, "2026-03-02").await;

    let r = app
        .post(
            &format!("/api/v1/cases/{id}/confirm"),
            Some(&clerk),
            &json!({"received_on": "2026-03-02"}),
        )
        .await;
    let p = assert_problem(&r, 409, "action_not_allowed_in_state");
    assert!(p["detail"].as_str().expect("detail").contains("已收到"));
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/corrections"),
            Some(&legal),
            &json!({"items": ["文件名称"]}),
        )
        .await;
    let p = assert_problem(&r, 403, "forbidden");
    assert!(p["detail"].as_str().expect("detail").contains("登记员"));
    // Another applicant's case does not exist for this applicant.
    let r = app
        .get(&format!("/api/v1/cases/{id}"), Some(&applicant))
        .await;
    assert_problem(&r, 404, "not_found");
    // The reconsideration body sees its subtree's case but may not handle it.
    assert_eq!(case(&app, &recon, id).await["id"], id);
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/withdraw"),
            Some(&recon),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, 403, "{:?}", r.body);
    // Dates of paper acts: not in the future, not before the previous event.
    let handler = app.token("demo-handler").await;
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/consultations"),
            Some(&handler),
            &json!({"party_kind": "third_party", "party_name": "某公司", "on": "2026-03-01"}),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(p["errors"][0]["code"], "date_before_previous_event");
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/consultations"),
            Some(&handler),
            &json!({"party_kind": "third_party", "party_name": "某公司", "on": "2099-03-01"}),
        )
        .await;
    assert_problem(&r, 422, "validation_failed");
    // Applicants file online only; clerks register the other channels.
    let r = app
        .post(
            "/api/v1/cases",
            Some(&applicant),
            &registration("2026-03-02"),
        )
        .await;
    assert_problem(&r, 422, "validation_failed");
    let r = app
        .post("/api/v1/cases", Some(&legal), &registration("2026-03-02"))
        .await;
    assert_problem(&r, 403, "forbidden");
}

#[tokio::test]
async fn a_stale_version_gets_409_and_changes_nothing() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let id = register(&app, &clerk, "2026-03-02").await;
    let r = app
        .get(&format!("/api/v1/cases/{id}"), Some(&handler))
        .await;
    let etag = r
        .headers
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .expect("etag")
        .to_owned();
    assert_eq!(etag, format!("\"{}\"", r.body["version"]));

    let open = |on: &str| json!({"party_kind": "third_party", "party_name": "某某公司", "on": on});
    let send = |body: Value, etag: String| {
        let req = app
            .client
            .post(app.url(&format!("/api/v1/cases/{id}/consultations")))
            .bearer_auth(&handler)
            .header("if-match", etag)
            .json(&body);
        async move { req.send().await.expect("send") }
    };
    // Two handlers act on the same version at once: exactly one wins.
    let (a, b) = tokio::join!(
        send(open("2026-03-03"), etag.clone()),
        send(open("2026-03-04"), etag.clone())
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409]);
    let after = case(&app, &handler, id).await;
    assert_eq!(
        after["consultations"].as_array().expect("list").len(),
        1,
        "the loser wrote nothing"
    );

    let stale = send(open("2026-03-05"), etag).await;
    assert_eq!(stale.status().as_u16(), 409);
    let body: Value = stale.json().await.expect("json");
    assert_eq!(body["code"], "version_conflict");
    let events = app
        .get(&format!("/api/v1/cases/{id}/events"), Some(&handler))
        .await;
    // registered with its receipt, consultation_opened with its letter: nothing of the losers.
    assert_eq!(events.body.as_array().expect("events").len(), 4);
}

#[tokio::test]
async fn events_form_a_hash_chain() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let id = register(&app, &clerk, "2026-03-02").await;
    app.post(
        &format!("/api/v1/cases/{id}/corrections"),
        Some(&handler),
        &json!({"items": ["文件名称"], "on": "2026-03-03"}),
    )
    .await;
    app.post(
        &format!("/api/v1/cases/{id}/corrections/response"),
        Some(&clerk),
        &json!({"content": "请公开杭上政〔2025〕12号文件全文", "on": "2026-03-05"}),
    )
    .await;
    let r = app
        .get(&format!("/api/v1/cases/{id}/events"), Some(&handler))
        .await;
    let events = r.body.as_array().expect("events");
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["kind"].as_str()).collect();
    assert_eq!(
        kinds,
        [
            "registered",
            "notice_issued",
            "correction_requested",
            "notice_issued",
            "correction_received"
        ]
    );
    assert_eq!(events[0]["prev_hash"], "0".repeat(64));
    for pair in events.windows(2) {
        assert_eq!(pair[1]["prev_hash"], pair[0]["hash"]);
    }
    assert_eq!(events[1]["actor"], "演示登记员");
    assert_eq!(events[2]["actor"], "演示承办人");
    assert!(
        events
            .iter()
            .all(|e| e["hash"].as_str().is_some_and(|h| h.len() == 64))
    );
}

#[tokio::test]
async fn tracking_without_an_account_needs_the_query_code_and_is_rate_limited() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let r = app
        .post("/api/v1/cases", Some(&clerk), &registration("2026-03-02"))
        .await;
    let tracking = r.body["tracking_no"].as_str().expect("tracking").to_owned();
    let code = r.body["query_code"].as_str().expect("code").to_owned();
    let again = case(&app, &clerk, r.body["id"].as_i64().expect("id")).await;
    assert!(again.get("query_code").is_none(), "the code is shown once");

    let t = app
        .get(
            &format!(
                "/api/v1/track?tracking_no={tracking}&query_code={}",
                code.to_lowercase()
            ),
            None,
        )
        .await;
    assert_eq!(t.status, 200, "{:?}", t.body);
    assert_eq!(t.body["status"], "received");
    assert_eq!(t.body["due_on"], "2026-03-30");
    assert_eq!(t.body["agency_name"], "杭州市上城区人民政府办公室");
    let text = t.body.to_string();
    assert!(
        !text.contains("张三") && !text.contains("1380013") && !text.contains("110105"),
        "no personal data: {text}"
    );

    let wrong = app
        .get(
            &format!("/api/v1/track?tracking_no={tracking}&query_code=AAAAAAAAAAAA"),
            None,
        )
        .await;
    assert_problem(&wrong, 404, "not_found");
    let mut limited = false;
    for _ in 0..12 {
        let r = app
            .get(
                &format!("/api/v1/track?tracking_no={tracking}&query_code={code}"),
                None,
            )
            .await;
        if r.status == 429 {
            assert_problem(&r, 429, "rate_limited");
            limited = true;
            break;
        }
    }
    assert!(limited, "tracking is rate limited");
}

#[tokio::test]
async fn the_queue_filters_and_sorts_by_due_date_within_the_callers_scope() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let applicant = app.token("demo-applicant").await;
    let later = register(&app, &clerk, "2026-03-10").await;
    let earlier = register(&app, &clerk, "2026-03-02").await;
    let r = app
        .get("/api/v1/cases?status=received&overdue=true", Some(&clerk))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["total"], 2);
    assert_eq!(r.body["items"][0]["id"], earlier, "soonest due first");
    assert_eq!(r.body["items"][1]["id"], later);
    assert_eq!(r.body["items"][0]["overdue"], true);
    let r = app.get("/api/v1/cases?status=drafting", Some(&clerk)).await;
    assert_eq!(r.body["total"], 0);
    let r = app.get("/api/v1/cases?status=nonsense", Some(&clerk)).await;
    assert_problem(&r, 400, "invalid_query");
    let r = app.get("/api/v1/cases?agency=ZJ-LS", Some(&clerk)).await;
    assert_eq!(r.body["total"], 0, "another subtree");
    let r = app.get("/api/v1/cases", Some(&applicant)).await;
    assert_eq!(r.body["total"], 0, "applicants see only their own");
    let recon = app.token("demo-reconsideration").await;
    let r = app.get("/api/v1/cases?agency=ZJ-HZ-SC", Some(&recon)).await;
    assert_eq!(
        r.body["total"], 2,
        "a reconsideration body sees its subtree"
    );
}

#[tokio::test]
async fn an_unfiltered_queue_lists_active_cases_first_and_counts_up_to_a_cap() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    // A case answered long ago: its due date is the earliest of all.
    let old = json!({"external_id": "OLD-1", "agency": "ZJ-HZ-SC", "channel": "in_person",
        "received_on": "2025-01-06", "applicant": person(),
        "content": "请公开2024年本区老旧小区改造计划", "disposition": "disclosed",
        "concluded_on": "2025-01-20", "reasons": "予以公开"});
    let r =
        yishen_app::services::import::import(&app.state, std::io::Cursor::new(format!("{old}\n")))
            .await
            .expect("import");
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let active = register(&app, &clerk, "2026-03-02").await;
    let r = app.get("/api/v1/cases?per_page=50", Some(&clerk)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["total"], 2);
    assert_eq!(r.body["total_exact"], true);
    assert_eq!(
        r.body["items"][0]["id"], active,
        "active work before history"
    );
    assert_eq!(r.body["items"][1]["status"], "closed");
    let r = app.get("/api/v1/cases?status=closed", Some(&clerk)).await;
    assert_eq!(r.body["total"], 1);
    assert_eq!(r.body["items"][0]["status"], "closed");
    // Pages stop where the count does.
    let r = app
        .get("/api/v1/cases?per_page=50&page=201", Some(&clerk))
        .await;
    let p = assert_problem(&r, 400, "invalid_query");
    assert_eq!(problem_fields(&p), ["page"]);
}

#[tokio::test]
async fn applicants_withdraw_their_own_applications() {
    let app = spawn_app().await;
    let applicant = app.token("demo-applicant").await;
    let mut body = registration("2026-03-02");
    body["channel"] = json!("online");
    body.as_object_mut().expect("object").remove("received_on");
    let r = app.post("/api/v1/cases", Some(&applicant), &body).await;
    let id = r.body["id"].as_i64().expect("id");
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/withdraw"),
            Some(&applicant),
            &json!({"on": "2026-03-01"}),
        )
        .await;
    assert_problem(&r, 422, "validation_failed");
    let r = app
        .client
        .post(app.url(&format!("/api/v1/cases/{id}/withdraw")))
        .bearer_auth(&applicant)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status().as_u16(), 200, "a bodiless POST is accepted");
    let v: Value = r.json().await.expect("json");
    assert_eq!(v["status"], "withdrawn");
    assert_eq!(v["disposition"], "other_withdrawn");
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/withdraw"),
            Some(&applicant),
            &json!({}),
        )
        .await;
    assert_problem(&r, 409, "action_not_allowed_in_state");
}

#[tokio::test]
async fn expired_correction_windows_close_the_case_once() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let id = register(&app, &clerk, "2026-03-02").await;
    let open = register(&app, &clerk, "2026-03-02").await;
    app.post(
        &format!("/api/v1/cases/{id}/corrections"),
        Some(&clerk),
        &json!({"items": ["文件名称"], "on": "2026-03-03"}),
    )
    .await;
    let report = yishen_app::services::cases::jobs::run_once(&app.state)
        .await
        .expect("job");
    assert_eq!(report.corrections_expired, 1);
    let c = case(&app, &clerk, id).await;
    assert_eq!(c["status"], "abandoned");
    assert_eq!(c["disposition"], "other_correction_overdue");
    assert_eq!(case(&app, &clerk, open).await["status"], "received");
    let again = yishen_app::services::cases::jobs::run_once(&app.state)
        .await
        .expect("job");
    assert_eq!(again.corrections_expired, 0, "idempotent");
}

#[tokio::test]
async fn a_year_without_calendar_data_is_an_explicit_state_until_it_is_loaded() {
    // Today is mid-December 2026: the 20th working day after a receipt today falls in 2027.
    let app = spawn_app_on("2026-12-15").await;
    let clerk = app.token("demo-clerk").await;
    let sysadmin = app.token("demo-sysadmin").await;
    let r = app
        .post("/api/v1/cases", Some(&clerk), &registration("2026-12-15"))
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let id = r.body["id"].as_i64().expect("id");
    assert_eq!(r.body["clock_state"], "calendar_year_not_covered");
    assert!(r.body["due_on"].is_null());
    let clock = app
        .get(&format!("/api/v1/cases/{id}/clock"), Some(&clerk))
        .await;
    assert_eq!(clock.body["state"], "calendar_year_not_covered");
    assert_eq!(clock.body["missing_year"], 2027);
    // A case due in December 2026: an extension would end in 2027, whose date cannot be known
    // yet, so no notice is sent with a guess; the refusal names the year.
    let approver = app.token("demo-approver").await;
    let due_in_2026 = register(&app, &clerk, "2026-11-20").await;
    let r = app
        .post(
            &format!("/api/v1/cases/{due_in_2026}/extension"),
            Some(&approver),
            &json!({"working_days": 20, "reason": "涉及档案较多，需调取历史档案核查"}),
        )
        .await;
    let p = assert_problem(&r, 409, "calendar_year_not_covered");
    assert!(
        p["detail"].as_str().expect("detail").contains("2027"),
        "{p:?}"
    );
    let letters = app
        .get(
            &format!("/api/v1/cases/{due_in_2026}/letters"),
            Some(&clerk),
        )
        .await;
    assert!(
        !letters.body.to_string().contains("extension_notice"),
        "nothing half-written: {:?}",
        letters.body
    );
    // Today's own year is covered; from 1 November the missing next year is announced.
    let ready = app.get("/readyz", None).await;
    assert_eq!(
        ready.body["calendar_covers_today"], true,
        "{:?}",
        ready.body
    );
    let warning = ready.body["warning"].as_str().expect("a warning");
    assert!(
        warning.contains("明年（2027年）的节假日安排尚未载入"),
        "{warning}"
    );
    let put = app
        .send(
            reqwest::Method::PUT,
            "/api/v1/calendar/2027",
            Some(&sysadmin),
            Some(&crate::calendar::notice_2027()),
        )
        .await;
    assert_eq!(put.status, 200, "{:?}", put.body);
    let c = case(&app, &clerk, id).await;
    assert_eq!(c["due_on"], due_date(&app, "2026-12-15", 20).await);
    let ready = app.get("/readyz", None).await;
    assert!(ready.body.get("warning").is_none(), "{:?}", ready.body);
}

#[tokio::test]
async fn in_a_year_without_holiday_data_the_service_runs_and_says_so() {
    let app = spawn_app_on("2027-06-15").await;
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.status, 200, "the service runs: {:?}", ready.body);
    assert_eq!(ready.body["today"], "2027-06-15");
    assert_eq!(ready.body["calendar_covers_today"], false);
    let warning = ready.body["warning"].as_str().expect("a warning");
    assert!(warning.contains("2027年的节假日安排尚未载入"), "{warning}");

    // The admin pages and the staff queue say so too.
    let c = crate::web::browser();
    for (user, path) in [
        ("demo-sysadmin", "/admin/calendar"),
        ("demo-sysadmin", "/admin/agencies"),
        ("demo-admin", "/admin/users"),
        ("demo-clerk", "/work"),
    ] {
        let (cookie, _) =
            crate::web::web_login(&app, &c, user, crate::helpers::DEMO_PASSWORD).await;
        let (status, html) = crate::web::page(&app, &c, &cookie, path).await;
        assert_eq!(status, 200, "{path}");
        assert!(
            html.contains("2027年的节假日安排尚未载入"),
            "{path}: {html}"
        );
    }

    // A walk-in application received today: its deadline waits for the year's notice.
    let clerk = app.token("demo-clerk").await;
    let r = app
        .post("/api/v1/cases", Some(&clerk), &registration("2027-06-15"))
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let id = r.body["id"].as_i64().expect("id");
    assert_eq!(r.body["tracking_no"], "ZJ-HZ-SC-2027-000001");
    assert_eq!(r.body["clock_state"], "calendar_year_not_covered");
    assert!(r.body["due_on"].is_null());
    let clock = app
        .get(&format!("/api/v1/cases/{id}/clock"), Some(&clerk))
        .await;
    assert_eq!(clock.body["missing_year"], 2027);
    // The receipt states the 20 working days and prints no date it cannot know.
    let letters = app
        .get(&format!("/api/v1/cases/{id}/letters"), Some(&clerk))
        .await;
    let receipt = letters
        .body
        .as_array()
        .expect("letters")
        .iter()
        .find(|l| l["kind"] == "receipt")
        .expect("a receipt")["id"]
        .clone();
    let pdf = app
        .client
        .get(app.url(&format!("/api/v1/letters/{receipt}/pdf")))
        .bearer_auth(&clerk)
        .send()
        .await
        .expect("pdf")
        .bytes()
        .await
        .expect("bytes");
    let text: String = crate::letters::pdftotext(&pdf).split_whitespace().collect();
    assert!(text.contains("20个工作日内予以答复"), "{text}");
    assert!(!text.contains("即") && !text.contains("待当年"), "{text}");
    // A notice whose date would fall in 2027 is refused, naming the year.
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/corrections"),
            Some(&clerk),
            &json!({"items": ["请写明所需文件的名称或文号"]}),
        )
        .await;
    let p = assert_problem(&r, 409, "calendar_year_not_covered");
    assert!(
        p["detail"].as_str().expect("detail").contains("2027"),
        "{p:?}"
    );

    let sysadmin = app.token("demo-sysadmin").await;
    let put = app
        .send(
            reqwest::Method::PUT,
            "/api/v1/calendar/2027",
            Some(&sysadmin),
            Some(&crate::calendar::notice_2027()),
        )
        .await;
    assert_eq!(put.status, 200, "{:?}", put.body);
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.body["calendar_covers_today"], true);
    assert!(ready.body.get("warning").is_none());
    let c2 = case(&app, &clerk, id).await;
    assert_eq!(c2["clock_state"], "running", "{c2:?}");
    assert_eq!(c2["due_on"], due_date(&app, "2027-06-15", 20).await);
    let (cookie, _) =
        crate::web::web_login(&app, &c, "demo-sysadmin", crate::helpers::DEMO_PASSWORD).await;
    let (_, html) = crate::web::page(&app, &c, &cookie, "/admin/calendar").await;
    assert!(!html.contains("尚未载入"), "the notice is gone once loaded");
}

#[tokio::test]
async fn agencies_set_the_correction_period_and_whether_fee_days_are_excluded() {
    let app = spawn_app().await;
    let admin = app.token("demo-admin").await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let r = app
        .send(
            reqwest::Method::PATCH,
            "/api/v1/agencies/ZJ-HZ-SC",
            Some(&admin),
            Some(&json!({"correction_period_days": 10, "fee_pause_excluded": false})),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["correction_period_days"], 10);
    assert_eq!(r.body["fee_pause_excluded"], false);
    let r = app
        .send(
            reqwest::Method::PATCH,
            "/api/v1/agencies/ZJ-HZ-SC",
            Some(&admin),
            Some(&json!({"correction_period_days": 0})),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(problem_fields(&p), vec!["correction_period_days"]);

    let id = register(&app, &clerk, "2026-03-02").await;
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/corrections"),
            Some(&clerk),
            &json!({"items": ["文件名称"], "on": "2026-03-03"}),
        )
        .await;
    assert_eq!(
        r.body["correction_deadline"],
        due_date(&app, "2026-03-03", 10).await
    );

    let id = register(&app, &clerk, "2026-03-02").await;
    app.post(
        &format!("/api/v1/cases/{id}/fee-notice"),
        Some(&handler),
        &json!({"mode": "per_page", "pages": 100, "on": "2026-03-04"}),
    )
    .await;
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/fee-payment"),
            Some(&clerk),
            &json!({"on": "2026-03-09"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        r.body["due_on"], "2026-03-30",
        "fee days count when the agency says so"
    );
}

#[tokio::test]
async fn the_queue_finds_cases_by_what_people_type() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let first = app
        .post("/api/v1/cases", Some(&clerk), &registration("2026-09-01"))
        .await;
    assert_eq!(first.status, 201, "{:?}", first.body);
    let tracking = first.body["tracking_no"].as_str().expect("no").to_owned();
    let mut other = registration("2026-09-02");
    other["applicant"] = json!({
        "kind": "person", "name": " 阿沛·阿旺晋美 ", "id_type": "passport", "id_number": "E12345678",
        "phone": "(0571) 8765 4321", "address": "杭州市上城区某某路2号"
    });
    let second = app.post("/api/v1/cases", Some(&clerk), &other).await;
    assert_eq!(second.status, 201, "{:?}", second.body);
    assert_eq!(second.body["applicant"]["name"], "阿沛·阿旺晋美");
    let found = |q: &str| {
        let q = form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>();
        let app = &app;
        let clerk = clerk.clone();
        async move {
            let r = app.get(&format!("/api/v1/cases?q={q}"), Some(&clerk)).await;
            assert_eq!(r.status, 200, "{:?}", r.body);
            r.body["items"]
                .as_array()
                .expect("items")
                .iter()
                .filter_map(|c| c["tracking_no"].as_str().map(str::to_owned))
                .collect::<Vec<_>>()
        }
    };
    let second_no = second.body["tracking_no"].as_str().expect("no").to_owned();
    assert_eq!(
        found(&tracking.to_lowercase()).await,
        vec![tracking.clone()]
    );
    assert_eq!(found("11010519491231002x").await, vec![tracking.clone()]);
    assert_eq!(found("138 0013 8000").await, vec![tracking.clone()]);
    assert_eq!(found("057187654321").await, vec![second_no.clone()]);
    assert_eq!(found("0571－87654321").await, vec![second_no.clone()]);
    assert_eq!(found("阿沛•阿旺晋美").await, vec![second_no.clone()]);
    assert!(found("李四").await.is_empty());
}

#[tokio::test]
async fn a_clerk_assigns_the_handler_and_the_handlers_queue_opens_on_it() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let approver = app.token("demo-approver").await;
    let handler_id = app.get("/api/v1/me", Some(&handler)).await.body["id"].clone();
    let approver_id = app.get("/api/v1/me", Some(&approver)).await.body["id"].clone();
    let id = register(&app, &clerk, "2026-09-01").await;
    let other = register(&app, &clerk, "2026-09-02").await;
    let mine = app.get("/api/v1/cases?assignee=me", Some(&handler)).await;
    assert_eq!(mine.body["total"], 0, "{:?}", mine.body);
    let path = format!("/api/v1/cases/{id}/assign");
    let r = app
        .post(&path, Some(&handler), &json!({"user_id": handler_id}))
        .await;
    assert_problem(&r, 403, "forbidden");
    let r = app
        .post(&path, Some(&clerk), &json!({"user_id": approver_id}))
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(problem_fields(&p), vec!["user_id"]);
    let r = app
        .post(&path, Some(&clerk), &json!({"user_id": handler_id}))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["assignee"]["user_id"], handler_id);
    let r = app
        .post(&path, Some(&clerk), &json!({"user_id": handler_id}))
        .await;
    assert_problem(&r, 409, "already_assigned");
    let mine = app.get("/api/v1/cases?assignee=me", Some(&handler)).await;
    assert_eq!(mine.body["total"], 1, "{:?}", mine.body);
    assert_eq!(mine.body["items"][0]["id"], id);
    assert_ne!(mine.body["items"][0]["id"], other);
    let events = app
        .get(&format!("/api/v1/cases/{id}/events"), Some(&clerk))
        .await;
    assert!(
        events.body.to_string().contains("\"assigned\""),
        "an event of the record"
    );
    let r = app
        .get("/api/v1/cases?assignee=someone", Some(&handler))
        .await;
    assert_problem(&r, 400, "invalid_query");
}

#[tokio::test]
async fn a_handler_asks_for_an_extension_and_the_approver_decides() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let approver = app.token("demo-approver").await;
    let id = register(&app, &clerk, "2026-09-01").await;
    let ask = format!("/api/v1/cases/{id}/extension-request");
    let refuse = format!("/api/v1/cases/{id}/extension-request/refusal");
    let body = json!({"working_days": 15, "reason": "涉及档案较多，需调取历史档案核查"});
    let r = app.post(&ask, Some(&approver), &body).await;
    assert_problem(&r, 403, "forbidden");
    let r = app
        .post(
            &ask,
            Some(&handler),
            &json!({"working_days": 25, "reason": "档案较多需核查"}),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(problem_fields(&p), vec!["working_days"]);
    let r = app.post(&ask, Some(&handler), &body).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app.post(&ask, Some(&handler), &body).await;
    assert_problem(&r, 409, "extension_already_requested");
    let r = app
        .post(
            &refuse,
            Some(&approver),
            &json!({"reason": "档案可在期限内调取完毕"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .post(
            &refuse,
            Some(&approver),
            &json!({"reason": "档案可在期限内调取完毕"}),
        )
        .await;
    assert_problem(&r, 409, "no_extension_requested");
    // Asked again, and granted: the notice goes out and the due date moves.
    let r = app.post(&ask, Some(&handler), &body).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/extension"),
            Some(&approver),
            &json!({"working_days": 15, "reason": "涉及档案较多，需调取历史档案核查"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["due_on"], due_date(&app, "2026-09-01", 35).await);
    let r = app.post(&ask, Some(&handler), &body).await;
    assert_problem(&r, 409, "extension_already_granted");
    let events = app
        .get(&format!("/api/v1/cases/{id}/events"), Some(&handler))
        .await;
    let kinds: Vec<&str> = events
        .body
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    for k in [
        "extension_requested",
        "extension_refused",
        "extension_granted",
    ] {
        assert!(kinds.contains(&k), "{k} in {kinds:?}");
    }
}
