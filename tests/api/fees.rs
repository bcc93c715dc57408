use crate::helpers::{assert_problem, problem_fields, spawn_app};

#[tokio::test]
async fn quotes_follow_the_tiers_of_the_measures() {
    let app = spawn_app().await;
    let r = app
        .get("/api/v1/fees/quote?mode=per_page&pages=2219", None)
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["mode"], "per_page");
    assert_eq!(r.body["amount_yuan"], 83_460);
    let r = app
        .get("/api/v1/fees/quote?mode=per_application&ordinal=35", None)
        .await;
    assert_eq!(r.body["amount_yuan"], 200);
    let r = app
        .get("/api/v1/fees/quote?mode=per_application&ordinal=10", None)
        .await;
    assert_eq!(r.body["amount_yuan"], 0);
}

#[tokio::test]
async fn a_quote_needs_exactly_the_measure_of_its_mode() {
    let app = spawn_app().await;
    let r = app.get("/api/v1/fees/quote?mode=per_page", None).await;
    assert_eq!(
        problem_fields(&assert_problem(&r, 400, "invalid_query")),
        vec!["pages"]
    );
    let r = app
        .get("/api/v1/fees/quote?mode=per_page&pages=10&ordinal=3", None)
        .await;
    assert_eq!(
        problem_fields(&assert_problem(&r, 400, "invalid_query")),
        vec!["ordinal"]
    );
    let r = app
        .get("/api/v1/fees/quote?mode=by_weight&pages=10", None)
        .await;
    assert_eq!(
        problem_fields(&assert_problem(&r, 400, "invalid_query")),
        vec!["mode"]
    );
}
