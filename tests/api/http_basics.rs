use serde_json::json;

use crate::helpers::{assert_problem, problem_fields, spawn_app};

#[tokio::test]
async fn health_and_readiness_report_the_database_and_calendar() {
    let app = spawn_app().await;
    let r = app.get("/healthz", None).await;
    assert_eq!((r.status, r.body.clone()), (200, json!({"status": "ok"})));
    let r = app.get("/readyz", None).await;
    assert_eq!(r.status, 200);
    let expected = if std::env::var("YISHEN_TEST_DATABASE_URL").is_ok_and(|v| !v.is_empty()) {
        "postgresql"
    } else {
        "sqlite"
    };
    assert_eq!(
        r.body["database"], expected,
        "the suite runs on the database it was asked for"
    );
    assert_eq!(app.backend, expected);
    assert_eq!(
        r.body["calendar_years"],
        json!([2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026])
    );
    assert_eq!(r.body["today"], crate::helpers::TODAY);
    assert_eq!(r.body["calendar_covers_today"], true);
    assert!(r.body.get("warning").is_none(), "{:?}", r.body);
}

#[tokio::test]
async fn metrics_are_prometheus_text_and_count_requests() {
    let app = spawn_app().await;
    app.get("/healthz", None).await;
    let res = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .expect("metrics");
    assert_eq!(res.status().as_u16(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .expect("ct")
            .starts_with("text/plain")
    );
    let text = res.text().await.expect("text");
    assert!(
        text.contains(
            "yishen_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"
        ),
        "{text}"
    );
    assert!(text.contains("yishen_db_pool_connections"));
}

#[tokio::test]
async fn metrics_count_overdue_and_due_soon_cases_per_agency() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    // Today is 2026-09-15: received 08-03 is overdue, 08-19 is due 09-16 (soon), 09-14 not yet.
    for on in ["2026-08-03", "2026-08-19", "2026-09-14"] {
        crate::cases::register(&app, &clerk, on).await;
    }
    let text = app.metrics().await;
    assert!(
        text.contains("yishen_cases_overdue{agency=\"ZJ-HZ-SC\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("yishen_cases_due_soon{agency=\"ZJ-HZ-SC\"} 1"),
        "{text}"
    );
}

#[tokio::test]
async fn openapi_and_offline_swagger_ui_are_served() {
    let app = spawn_app().await;
    let r = app.get("/api/openapi.json", None).await;
    assert_eq!(r.status, 200);
    assert!(r.body["paths"]["/api/v1/calendar/due-date"].is_object());
    assert!(r.body["paths"]["/api/v1/auth/login"].is_object());
    // The request bodies are the server's and the views the application's: both are in the
    // document, closed sets with their codes.
    let schemas = &r.body["components"]["schemas"];
    let decision = schemas["ReviewBody"]["properties"]["decision"].to_string();
    assert!(
        decision.contains("\"approve\"") && decision.contains("\"return\""),
        "{decision}"
    );
    let method = schemas["DeliveryBody"]["properties"]["method"].to_string();
    for code in ["post", "in_person", "email", "online"] {
        assert!(method.contains(&format!("\"{code}\"")), "{method}");
    }
    assert!(schemas["CorrectionBody"]["properties"]["items"].is_object());
    assert!(schemas["CaseView"]["properties"]["tracking_no"].is_object());
    // Every operation documents its error answers as problem+json: a case action all that
    // the edge and the rules can refuse, a public read none of the caller's.
    let statuses = |path: &str, method: &str| -> Vec<String> {
        let responses = &r.body["paths"][path][method]["responses"];
        let map = responses.as_object().expect("responses");
        for (code, resp) in map {
            if code.starts_with('4') || code.starts_with('5') {
                assert!(
                    resp["content"]["application/problem+json"]["schema"]["$ref"]
                        .as_str()
                        .is_some_and(|s| s.ends_with("/Problem")),
                    "{method} {path} {code}: {resp}"
                );
            }
        }
        map.keys().cloned().collect()
    };
    let review = statuses("/api/v1/cases/{id}/review", "post");
    for code in [
        "200", "400", "401", "403", "404", "409", "413", "415", "422",
    ] {
        assert!(
            review.contains(&code.to_owned()),
            "review lacks {code}: {review:?}"
        );
    }
    assert!(!review.contains(&"429".to_owned()));
    let filing = statuses("/api/v1/cases", "post");
    assert!(filing.contains(&"429".to_owned()), "{filing:?}");
    let login = statuses("/api/v1/auth/login", "post");
    assert!(login.contains(&"401".to_owned()) && login.contains(&"429".to_owned()));
    let health = statuses("/healthz", "get");
    assert!(!health.iter().any(|c| c.starts_with('4')), "{health:?}");
    let res = app
        .client
        .get(app.url("/api/docs/"))
        .send()
        .await
        .expect("docs");
    assert_eq!(res.status().as_u16(), 200);
    let html = res.text().await.expect("html");
    assert!(html.contains("swagger-ui"));
    assert!(!html.contains("cdn.") && !html.contains("unpkg"), "no CDN");
    let res = app
        .client
        .get(app.url("/api/docs/swagger-ui-bundle.js"))
        .send()
        .await
        .expect("bundle");
    assert_eq!(
        res.status().as_u16(),
        200,
        "the UI's script comes from the binary"
    );
}

#[tokio::test]
async fn unknown_routes_and_bad_bodies_get_chinese_problems_with_request_ids() {
    let app = spawn_app().await;
    let r = app.get("/api/v1/nothing-here", None).await;
    let body = assert_problem(&r, 404, "route_not_found");
    assert_eq!(
        r.headers.get("x-request-id").and_then(|v| v.to_str().ok()),
        body["request_id"].as_str(),
        "the same id in the header and the body"
    );

    // Not JSON at all.
    let res = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body("{\"username\": ")
        .send()
        .await
        .expect("send");
    assert_eq!(res.status().as_u16(), 400);
    let body: serde_json::Value = res.json().await.expect("json");
    assert_eq!(body["code"], "malformed_json");

    // Wrong content type.
    let res = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "text/plain")
        .body("username=a")
        .send()
        .await
        .expect("send");
    assert_eq!(res.status().as_u16(), 415);

    // Over 1 MiB.
    let big = "x".repeat(1024 * 1024 + 10);
    let r = app
        .post(
            "/api/v1/auth/register",
            None,
            &json!({"username": big, "password": "p", "display_name": "d"}),
        )
        .await;
    assert_problem(&r, 413, "payload_too_large");

    // Unknown and missing fields are named.
    let r = app
        .post(
            "/api/v1/auth/register",
            None,
            &json!({"username": "wangwu", "password": "long-enough-pw", "nickname": "x"}),
        )
        .await;
    let body = assert_problem(&r, 422, "validation_failed");
    assert_eq!(problem_fields(&body), vec!["nickname"]);
    let r = app
        .post(
            "/api/v1/auth/register",
            None,
            &json!({"username": "wangwu", "password": "long-enough-pw"}),
        )
        .await;
    let body = assert_problem(&r, 422, "validation_failed");
    assert_eq!(problem_fields(&body), vec!["display_name"]);
}

#[tokio::test]
async fn a_rejected_registration_writes_nothing_and_lists_every_bad_field() {
    let app = spawn_app().await;
    let r = app
        .post(
            "/api/v1/auth/register",
            None,
            &json!({"username": "张三", "password": "short", "display_name": " ", "phone": "12345", "email": "nope"}),
        )
        .await;
    let body = assert_problem(&r, 422, "validation_failed");
    let mut fields = problem_fields(&body);
    fields.sort();
    assert_eq!(
        fields,
        vec!["display_name", "email", "password", "phone", "username"]
    );
    assert!(
        !body.to_string().contains("12345"),
        "personal data is not echoed"
    );
    let admin = app.token("demo-sysadmin").await;
    let r = app.get("/api/v1/users?per_page=200", Some(&admin)).await;
    assert_eq!(r.body["total"], 8, "only the demo accounts exist");
}

#[tokio::test]
async fn every_answer_forbids_sniffing_and_the_api_docs_are_framed_like_the_pages() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/cases",
        "/healthz",
        "/api/openapi.json",
        "/no/such/page",
    ] {
        let res = app.client.get(app.url(path)).send().await.expect("get");
        assert_eq!(
            res.headers()
                .get("x-content-type-options")
                .and_then(|v| v.to_str().ok()),
            Some("nosniff"),
            "{path}"
        );
    }
    let res = app
        .client
        .get(app.url("/api/docs/"))
        .send()
        .await
        .expect("docs");
    let csp = res
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert_eq!(
        res.headers()
            .get("x-frame-options")
            .and_then(|v| v.to_str().ok()),
        Some("DENY")
    );
}

#[tokio::test]
async fn trace_and_made_up_methods_are_refused_with_405() {
    let app = spawn_app().await;
    // Methods no route answers; then a method a documented path does not answer, which gets
    // that path's own methods in `Allow`. (A path parameter its route refuses stays an
    // unknown address, below.)
    for (method, path, allow) in [
        ("TRACE", "/api/v1/cases", None),
        ("TRACE", "/", None),
        ("CONNECT", "/healthz", None),
        ("PROPFIND", "/api/v1/cases/1", None),
        ("DELETE", "/healthz", Some("GET")),
        ("PUT", "/api/v1/cases", Some("GET, POST")),
        ("PUT", "/api/v1/calendar/due-date", Some("GET")),
        ("DELETE", "/api/v1/cases/1/review", Some("POST")),
    ] {
        let res = app
            .client
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).expect("method"),
                app.url(path),
            )
            .send()
            .await
            .expect("send");
        assert_eq!(res.status().as_u16(), 405, "{method} {path}");
        let sent = res.headers().get("allow").and_then(|v| v.to_str().ok());
        assert!(sent.is_some(), "{method} {path}");
        if allow.is_some() {
            assert_eq!(sent, allow, "{method} {path}");
        }
        let body: serde_json::Value = res.json().await.expect("problem+json");
        assert_eq!(body["code"], "method_not_allowed", "{method} {path}");
    }
    let res = app
        .client
        .get(app.url("/api/v1/calendar/twenty"))
        .send()
        .await
        .expect("send");
    assert_eq!(res.status().as_u16(), 404);
}

#[tokio::test]
async fn metrics_can_be_limited_to_addresses_and_a_token() {
    use yishen_app::settings::{Secret, parse_networks};
    let token = "metrics-scraper-token-2026";
    let app = crate::helpers::spawn_app_with(crate::helpers::TODAY, |s| {
        s.metrics_token = Some(Secret::new(token));
        s.metrics_allow = parse_networks("127.0.0.1, ::1").expect("networks");
    })
    .await;
    let get = |auth: Option<String>| {
        let mut req = app.client.get(app.url("/metrics"));
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        req.send()
    };
    assert_eq!(get(None).await.expect("get").status().as_u16(), 401);
    assert_eq!(
        get(Some("Bearer wrong".into()))
            .await
            .expect("get")
            .status()
            .as_u16(),
        401
    );
    let res = get(Some(format!("Bearer {token}"))).await.expect("get");
    assert_eq!(res.status().as_u16(), 200);
    assert!(
        res.text()
            .await
            .expect("text")
            .contains("yishen_http_requests_total")
    );

    let elsewhere = crate::helpers::spawn_app_with(crate::helpers::TODAY, |s| {
        s.metrics_allow = parse_networks("10.0.0.0/8").expect("networks");
    })
    .await;
    let r = elsewhere.get("/metrics", None).await;
    assert_problem(&r, 403, "forbidden");
    assert!(
        r.body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("指定的地址")),
        "{:?}",
        r.body
    );
}

#[cfg(unix)]
#[tokio::test]
async fn the_data_dir_and_the_database_file_are_their_owners_alone() {
    use std::os::unix::fs::PermissionsExt;
    let app = crate::helpers::spawn_app_with(crate::helpers::TODAY, |s| {
        s.data_dir = s.data_dir.join("data");
    })
    .await;
    let mode =
        |p: &std::path::Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
    let dir = app.state.settings.data_dir.clone();
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join("jwt.secret")), 0o600);
    assert_eq!(mode(&dir.join("data.key")), 0o600);
    if app.backend == "sqlite" {
        let db = std::path::PathBuf::from(app.state.settings.database_url());
        assert_eq!(mode(&db), 0o600, "{}", db.display());
        let mut wal = db.into_os_string();
        wal.push("-wal");
        assert_eq!(mode(std::path::Path::new(&wal)), 0o600);
    }
}

/// PostgreSQL closed every session of the pool (a restart, an idle timeout): the next
/// requests each find a closed connection at their transaction's BEGIN, drop it and take
/// another, and answer as if nothing had happened; nothing half-done is left.
#[tokio::test]
async fn connections_the_database_closed_are_replaced_without_an_error() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    // Several requests at once, so that the pool holds several connections.
    for status in lists_at_once(&app, &clerk, 6).await {
        assert_eq!(status, 200);
    }
    if !app.close_database_sessions() {
        return; // SQLite: nothing to close.
    }
    for status in lists_at_once(&app, &clerk, 6).await {
        assert_eq!(status, 200, "a read after the restart");
    }
    let r = app
        .post(
            "/api/v1/cases",
            Some(&clerk),
            &crate::cases::registration(crate::helpers::TODAY),
        )
        .await;
    assert_eq!(r.status, 201, "a write after the restart: {:?}", r.body);
    let id = r.body["id"].as_i64().expect("id");
    let r = app.get(&format!("/api/v1/cases/{id}"), Some(&clerk)).await;
    assert_eq!(
        (r.status, r.body["status"].as_str()),
        (200, Some("received"))
    );
}

/// The statuses of `n` queue reads sent at once.
async fn lists_at_once(app: &crate::helpers::TestApp, token: &str, n: usize) -> Vec<u16> {
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..n {
        let request = app
            .client
            .get(app.url("/api/v1/cases?per_page=5"))
            .bearer_auth(token);
        set.spawn(async move { request.send().await.map(|r| r.status().as_u16()) });
    }
    let mut statuses = Vec::new();
    while let Some(done) = set.join_next().await {
        statuses.push(done.expect("joined").expect("sent"));
    }
    statuses
}

/// A new PostgreSQL database is left without statistics of its empty tables: statistics that
/// say `cases` is empty make PostgreSQL plan sequential scans (the foreign-key checks of every
/// insert among them) until the next analysis, and a first bulk load grew quadratic. Once the
/// tables hold cases, their statistics are either still missing (-1) or count rows, never 0.
#[tokio::test]
async fn a_new_database_keeps_no_statistics_of_empty_tables() {
    #[derive(diesel::QueryableByName)]
    struct Estimate {
        #[diesel(sql_type = diesel::sql_types::Float)]
        reltuples: f32,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        rows: i64,
    }
    let app = spawn_app().await;
    if app.backend != "postgresql" {
        return; // SQLite keeps no statistics until ANALYZE.
    }
    let clerk = app.token("demo-clerk").await;
    crate::cases::register(&app, &clerk, "2026-09-14").await;
    let estimates = app
        .state
        .pool
        .read(|conn| {
            use diesel::RunQueryDsl;
            diesel::sql_query(
                "SELECT c.reltuples, (SELECT count(*) FROM cases) AS rows \
                 FROM pg_class c WHERE c.relname = 'cases' AND c.relkind = 'r'",
            )
            .load::<Estimate>(conn)
            .map_err(yishen_store::StoreError::from)
        })
        .expect("read the statistics");
    let [estimate] = estimates.as_slice() else {
        panic!("no table `cases` in pg_class");
    };
    assert!(estimate.rows > 0);
    assert_ne!(
        estimate.reltuples, 0.0,
        "the planner believes `cases` empty while it holds {} rows",
        estimate.rows
    );
}
