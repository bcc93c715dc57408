use serde_json::{Value, json};

use crate::helpers::{assert_problem, problem_fields, spawn_app};

pub fn notice_2027() -> Value {
    // A test notice for a year the shipped calendar does not cover.
    json!({
        "year": 2027,
        "notice": "国务院办公厅关于2027年部分节假日安排的通知",
        "notice_number": "国办发明电〔2026〕99号",
        "holidays": [
            {"name": "元旦", "start": "2027-01-01", "end": "2027-01-03", "days": 3}
        ],
        "workdays": [
            {"date": "2027-01-09", "weekday": "星期六", "holiday": "元旦"}
        ]
    })
}

#[tokio::test]
async fn due_dates_count_working_days_after_the_trigger() {
    let app = spawn_app().await;
    // 2025-09-26 (Fri): 09-28 (Sun) is 调休上班 = day 1; 10-01..08 rest; 10-11 (Sat) works.
    let r = app
        .get(
            "/api/v1/calendar/due-date?from=2025-09-26&working_days=6",
            None,
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body,
        json!({"from": "2025-09-26", "working_days": 6, "due_on": "2025-10-11"})
    );
    // Receipt on Monday 2026-03-02: the 20th working day is 2026-03-30.
    let r = app
        .get(
            "/api/v1/calendar/due-date?from=2026-03-02&working_days=20",
            None,
        )
        .await;
    assert_eq!(r.body["due_on"], "2026-03-30");
}

#[tokio::test]
async fn a_year_without_a_notice_is_never_guessed() {
    let app = spawn_app().await;
    let r = app
        .get(
            "/api/v1/calendar/due-date?from=2026-12-20&working_days=20",
            None,
        )
        .await;
    let body = assert_problem(&r, 422, "calendar_year_not_covered");
    assert!(body["detail"].as_str().expect("detail").contains("2027"));
}

#[tokio::test]
async fn bad_queries_name_the_parameter() {
    let app = spawn_app().await;
    let r = app
        .get(
            "/api/v1/calendar/due-date?from=2026-02-30&working_days=5",
            None,
        )
        .await;
    let body = assert_problem(&r, 400, "invalid_query");
    assert_eq!(problem_fields(&body), vec!["from"]);
    let r = app
        .get("/api/v1/calendar/due-date?from=2026-02-03", None)
        .await;
    let body = assert_problem(&r, 400, "invalid_query");
    assert_eq!(problem_fields(&body), vec!["working_days"]);
    let r = app
        .get(
            "/api/v1/calendar/due-date?from=2026-02-03&working_days=0",
            None,
        )
        .await;
    let body = assert_problem(&r, 422, "validation_failed");
    assert_eq!(problem_fields(&body), vec!["working_days"]);
}

#[tokio::test]
async fn the_sysadmin_loads_a_new_year_and_counts_follow() {
    let app = spawn_app().await;
    let sys = app.token("demo-sysadmin").await;
    let r = app
        .send(
            reqwest::Method::PUT,
            "/api/v1/calendar/2027",
            Some(&sys),
            Some(&notice_2027()),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    // From Thu 2026-12-31: 01-01..03 rest, 01-04 (Mon) is day 1.
    let r = app
        .get(
            "/api/v1/calendar/due-date?from=2026-12-31&working_days=1",
            None,
        )
        .await;
    assert_eq!(r.body["due_on"], "2027-01-04");
    // 01-09 (Sat) is a working day: day 5 after Mon 01-04 is ... 05,06,07,08,09.
    let r = app
        .get(
            "/api/v1/calendar/due-date?from=2027-01-04&working_days=5",
            None,
        )
        .await;
    assert_eq!(r.body["due_on"], "2027-01-09");
    let years = app.get("/api/v1/calendar/years", None).await;
    let last = years.body["items"]
        .as_array()
        .expect("items")
        .last()
        .cloned()
        .expect("one");
    assert_eq!(last["year"], 2027);
    assert_eq!(last["source"], "admin");
    let stored = app.get("/api/v1/calendar/2027", None).await;
    assert_eq!(stored.body["holidays"][0]["name"], "元旦");
}

#[tokio::test]
async fn inconsistent_notices_are_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let sys = app.token("demo-sysadmin").await;
    let mut bad = notice_2027();
    bad["workdays"][0]["date"] = json!("2027-01-06"); // a Wednesday
    bad["holidays"][0]["days"] = json!(4);
    let r = app
        .send(
            reqwest::Method::PUT,
            "/api/v1/calendar/2027",
            Some(&sys),
            Some(&bad),
        )
        .await;
    let body = assert_problem(&r, 422, "validation_failed");
    let mut fields = problem_fields(&body);
    fields.sort();
    assert_eq!(fields, vec!["holidays[0]", "workdays[0]"]);
    let r = app
        .send(
            reqwest::Method::PUT,
            "/api/v1/calendar/2028",
            Some(&sys),
            Some(&notice_2027()),
        )
        .await;
    assert_problem(&r, 422, "validation_failed");
    assert_eq!(app.get("/api/v1/calendar/2027", None).await.status, 404);
}
