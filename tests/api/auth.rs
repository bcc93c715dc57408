use serde_json::json;

use crate::helpers::{DEMO_PASSWORD, assert_problem, spawn_app};

#[tokio::test]
async fn an_applicant_registers_logs_in_and_sees_themselves() {
    let app = spawn_app().await;
    let r = app
        .post(
            "/api/v1/auth/register",
            None,
            &json!({"username": "LiSi", "password": "a-long-passphrase", "display_name": "李四",
                    "phone": "138 0013 8000", "email": "lisi@example.com"}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["username"], "lisi");
    assert_eq!(r.body["role"], "applicant");
    assert_eq!(r.body["phone_masked"], "138****8000");
    assert!(!r.body.to_string().contains("13800138000"));

    let r = app.login("lisi", "a-long-passphrase").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["token_type"], "Bearer");
    assert_eq!(r.body["expires_in"], 900);
    let token = r.body["access_token"].as_str().expect("token");
    let me = app.get("/api/v1/me", Some(token)).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["username"], "lisi");
    assert_eq!(me.body["role"], "applicant");
    assert!(me.body["agency_code"].is_null());

    let again = app
        .post(
            "/api/v1/auth/register",
            None,
            &json!({"username": "lisi", "password": "another-passphrase", "display_name": "李四"}),
        )
        .await;
    assert_problem(&again, 409, "username_taken");
}

#[tokio::test]
async fn wrong_passwords_and_unknown_users_get_the_same_answer() {
    let app = spawn_app().await;
    let a = app.login("demo-clerk", "wrong-password-1").await;
    let b = app.login("no-such-user", "wrong-password-1").await;
    assert_problem(&a, 401, "invalid_credentials");
    assert_problem(&b, 401, "invalid_credentials");
    assert_eq!(a.body["detail"], b.body["detail"]);
    let c = app.get("/api/v1/me", Some("not-a-token")).await;
    assert_problem(&c, 401, "invalid_token");
    let d = app.get("/api/v1/me", None).await;
    assert_problem(&d, 401, "unauthenticated");
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_reused_one_ends_the_session() {
    let app = spawn_app().await;
    let first = app.login("demo-handler", DEMO_PASSWORD).await.body;
    let r1 = first["refresh_token"].as_str().expect("refresh").to_owned();

    let second = app
        .post("/api/v1/auth/refresh", None, &json!({"refresh_token": r1}))
        .await;
    assert_eq!(second.status, 200);
    let r2 = second.body["refresh_token"]
        .as_str()
        .expect("refresh")
        .to_owned();
    assert_ne!(r1, r2);
    let me = app
        .get("/api/v1/me", second.body["access_token"].as_str())
        .await;
    assert_eq!(me.body["username"], "demo-handler");

    // The first token was rotated away; using it again revokes the whole family, r2 too.
    let replay = app
        .post("/api/v1/auth/refresh", None, &json!({"refresh_token": r1}))
        .await;
    assert_problem(&replay, 401, "invalid_token");
    let after = app
        .post("/api/v1/auth/refresh", None, &json!({"refresh_token": r2}))
        .await;
    assert_problem(&after, 401, "invalid_token");
}

#[tokio::test]
async fn logout_revokes_the_refresh_token() {
    let app = spawn_app().await;
    let s = app.login("demo-legal", DEMO_PASSWORD).await.body;
    let access = s["access_token"].as_str().expect("access");
    let refresh = s["refresh_token"].as_str().expect("refresh");
    let other = app.login("demo-legal", DEMO_PASSWORD).await.body;

    let r = app
        .post(
            "/api/v1/auth/logout",
            Some(access),
            &json!({"refresh_token": refresh}),
        )
        .await;
    assert_eq!(r.status, 204);
    let r = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": refresh}),
        )
        .await;
    assert_problem(&r, 401, "invalid_token");
    // The session's access token ended with it, at once, not when it expires.
    assert_problem(
        &app.get("/api/v1/me", Some(access)).await,
        401,
        "invalid_token",
    );
    // Another session of the same account is untouched until `all`.
    let other_access = other["access_token"].as_str().expect("access");
    assert_eq!(app.get("/api/v1/me", Some(other_access)).await.status, 200);
    let other_refresh = other["refresh_token"].as_str().expect("refresh");
    let r = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": other_refresh}),
        )
        .await;
    assert_eq!(r.status, 200);
    let newest = r.body["refresh_token"]
        .as_str()
        .expect("refresh")
        .to_owned();
    // A rotation keeps the session: the access token issued before it still works.
    assert_eq!(app.get("/api/v1/me", Some(other_access)).await.status, 200);
    let r = app
        .post(
            "/api/v1/auth/logout",
            Some(other_access),
            &json!({"all": true}),
        )
        .await;
    assert_eq!(r.status, 204);
    assert_problem(
        &app.get("/api/v1/me", Some(other_access)).await,
        401,
        "invalid_token",
    );
    let r = app
        .post(
            "/api/v1/auth/refresh",
            None,
            &json!({"refresh_token": newest}),
        )
        .await;
    assert_problem(&r, 401, "invalid_token");
}

#[tokio::test]
async fn deactivated_accounts_lose_access_at_once() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let admin = app.token("demo-admin").await;
    let me = app.get("/api/v1/me", Some(&clerk)).await;
    let id = me.body["id"].as_i64().expect("id");
    let r = app
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            Some(&json!({"active": false})),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["active"], false);
    assert_problem(
        &app.get("/api/v1/me", Some(&clerk)).await,
        401,
        "invalid_token",
    );
    assert_problem(
        &app.login("demo-clerk", DEMO_PASSWORD).await,
        401,
        "invalid_credentials",
    );
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one() {
    let app = spawn_app().await;
    let token = app.token("demo-approver").await;
    let r = app
        .post(
            "/api/v1/me/password",
            Some(&token),
            &json!({"current_password": "wrong-one-here", "new_password": "brand-new-passphrase"}),
        )
        .await;
    assert_problem(&r, 422, "validation_failed");
    let r = app
        .post(
            "/api/v1/me/password",
            Some(&token),
            &json!({"current_password": DEMO_PASSWORD, "new_password": "brand-new-passphrase"}),
        )
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(
        app.login("demo-approver", "brand-new-passphrase")
            .await
            .status,
        200
    );
    assert_eq!(app.login("demo-approver", DEMO_PASSWORD).await.status, 401);
}

#[tokio::test]
async fn staff_accounts_need_an_existing_agency() {
    let app = spawn_app().await;
    let sys = app.token("demo-sysadmin").await;
    let r = app
        .post("/api/v1/users", Some(&sys), &json!({"username": "new-clerk", "password": "clerk-passphrase", "display_name": "新登记员", "role": "clerk"}))
        .await;
    let body = assert_problem(&r, 422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "agency");
    let r = app
        .post("/api/v1/users", Some(&sys), &json!({"username": "new-clerk", "password": "clerk-passphrase", "display_name": "新登记员", "role": "clerk", "agency": "ZJ-XX"}))
        .await;
    let body = assert_problem(&r, 422, "validation_failed");
    assert_eq!(body["errors"][0]["code"], "unknown_agency");
    let r = app
        .post("/api/v1/users", Some(&sys), &json!({"username": "new-clerk", "password": "clerk-passphrase", "display_name": "新登记员", "role": "clerk", "agency": "ZJ-LS-JY"}))
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["agency_code"], "ZJ-LS-JY");
    assert_eq!(app.login("new-clerk", "clerk-passphrase").await.status, 200);
}

#[tokio::test]
async fn a_password_change_or_a_new_role_ends_every_access_token_at_once() {
    let app = spawn_app().await;
    let one = app.token("demo-approver").await;
    let two = app.token("demo-approver").await;
    let r = app
        .post(
            "/api/v1/me/password",
            Some(&one),
            &json!({"current_password": DEMO_PASSWORD, "new_password": "brand-new-passphrase"}),
        )
        .await;
    assert_eq!(r.status, 204);
    for t in [&one, &two] {
        assert_problem(&app.get("/api/v1/me", Some(t)).await, 401, "invalid_token");
    }

    let handler = app.token("demo-handler").await;
    let admin = app.token("demo-admin").await;
    let id = app.get("/api/v1/me", Some(&handler)).await.body["id"]
        .as_i64()
        .expect("id");
    // A change that leaves the role as it is ends nothing.
    let r = app
        .patch(
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            &json!({"display_name": "办理人（改名）"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(app.get("/api/v1/me", Some(&handler)).await.status, 200);
    let r = app
        .patch(
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            &json!({"role": "legal_adviser"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_problem(
        &app.get("/api/v1/me", Some(&handler)).await,
        401,
        "invalid_token",
    );
    // Logging in again gives a token of the new role.
    let fresh = app.token("demo-handler").await;
    assert_eq!(
        app.get("/api/v1/me", Some(&fresh)).await.body["role"],
        "legal_adviser"
    );
}

#[tokio::test]
async fn a_web_session_ends_after_its_idle_time_and_the_login_page_says_why() {
    let app = crate::helpers::spawn_app_with(crate::helpers::TODAY, |s| {
        s.session_idle = std::time::Duration::from_secs(4);
    })
    .await;
    let c = crate::web::browser();
    let (cookie, _) = crate::web::web_login(&app, &c, "demo-clerk", DEMO_PASSWORD).await;
    // In use, the session stays: a page every second for longer than the idle time.
    for _ in 0..6 {
        let (status, _) = crate::web::page(&app, &c, &cookie, "/work").await;
        assert_eq!(status, 200);
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
    tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    assert_eq!(
        crate::web::redirect_of(&app, &c, &cookie, "/work").await,
        (303, Some("/login?idle=1".to_owned()))
    );
    let (_, html) = crate::web::page(&app, &c, &cookie, "/login?idle=1").await;
    assert!(
        html.contains("未操作") && html.contains("自动退出"),
        "{html}"
    );
    // Ended for good: coming back does not revive it.
    assert_eq!(
        crate::web::redirect_of(&app, &c, &cookie, "/work").await,
        (303, Some("/login".to_owned()))
    );
}

fn login_body(user: &str, password: &str) -> serde_json::Value {
    json!({"username": user, "password": password})
}

#[tokio::test]
async fn repeated_wrong_passwords_lock_the_account_for_a_while_and_say_until_when() {
    let app = crate::helpers::spawn_app_with(crate::helpers::TODAY, |s| {
        s.throttling.login_delay_after = 0;
        s.throttling.login_lock_after = 3;
    })
    .await;
    for _ in 0..3 {
        let r = app.login("demo-clerk", "not-the-password").await;
        assert_problem(&r, 401, "invalid_credentials");
    }
    // Locked: even the right password is not checked now.
    let res = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&login_body("demo-clerk", DEMO_PASSWORD))
        .send()
        .await
        .expect("login");
    assert_eq!(res.status().as_u16(), 429);
    let retry: u64 = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((800..=900).contains(&retry), "{retry}");
    let body: serde_json::Value = res.json().await.expect("problem");
    assert_eq!(body["code"], "too_many_attempts");
    let detail = body["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains("北京时间") && detail.contains("后再试"),
        "{detail}"
    );
    // Other accounts are not affected; the web form says the same on the form.
    assert_eq!(app.login("demo-handler", DEMO_PASSWORD).await.status, 200);
    let c = crate::web::browser();
    let (status, html) = crate::web::web_login_attempt(&app, &c, "demo-clerk", DEMO_PASSWORD).await;
    assert_eq!(status, 401);
    assert!(html.contains("北京时间"), "{html}");
    let metrics = app.metrics().await;
    assert!(
        metrics.contains("yishen_login_locks_total{what=\"account\"} 1"),
        "{metrics}"
    );
    assert!(metrics.contains("yishen_throttled_requests_total{what=\"login\"}"));
}

#[tokio::test]
async fn each_failure_past_the_first_few_waits_longer_and_a_success_forgets_them() {
    let app = crate::helpers::spawn_app_with(crate::helpers::TODAY, |s| {
        s.throttling.login_delay_after = 2;
        s.throttling.login_lock_after = 0;
    })
    .await;
    for _ in 0..2 {
        assert_eq!(app.login("demo-legal", "wrong-wrong").await.status, 401);
    }
    let r = app.login("demo-legal", DEMO_PASSWORD).await;
    assert_problem(&r, 429, "too_many_attempts");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(app.login("demo-legal", DEMO_PASSWORD).await.status, 200);
    // Forgotten: two more failures are again answered at once.
    for _ in 0..2 {
        assert_eq!(app.login("demo-legal", "wrong-wrong").await.status, 401);
    }
}

#[tokio::test]
async fn one_address_trying_many_accounts_is_locked_and_a_trusted_proxy_names_the_client() {
    let app = crate::helpers::spawn_app_with(crate::helpers::TODAY, |s| {
        s.throttling.login_delay_after = 0;
        s.throttling.login_lock_after = 0;
        s.throttling.login_address_lock_after = 4;
        s.trusted_proxies = yishen_app::settings::parse_networks("127.0.0.1").expect("nets");
    })
    .await;
    let from = |addr: &'static str, user: &'static str, pw: &'static str| {
        app.client
            .post(app.url("/api/v1/auth/login"))
            .header("x-forwarded-for", addr)
            .json(&login_body(user, pw))
            .send()
    };
    for user in ["a-guess", "b-guess", "c-guess", "d-guess"] {
        let res = from("203.0.113.9", user, "guess").await.expect("login");
        assert_eq!(res.status().as_u16(), 401);
    }
    let res = from("203.0.113.9", "demo-clerk", DEMO_PASSWORD)
        .await
        .expect("login");
    assert_eq!(res.status().as_u16(), 429);
    // A client can put anything first in the header: the proxy's own entry (the last) counts.
    let res = from("203.0.113.77, 203.0.113.9", "demo-clerk", DEMO_PASSWORD)
        .await
        .expect("login");
    assert_eq!(res.status().as_u16(), 429);
    let res = from("203.0.113.10", "demo-clerk", DEMO_PASSWORD)
        .await
        .expect("login");
    assert_eq!(res.status().as_u16(), 200);
}

#[tokio::test]
async fn registrations_from_one_address_are_limited_per_hour() {
    let app = crate::helpers::spawn_app_with(crate::helpers::TODAY, |s| {
        s.throttling.registrations_per_hour = 2;
    })
    .await;
    let body = |n: u32| json!({"username": format!("reg-user-{n}"), "password": "a-long-enough-passphrase", "display_name": "王五"});
    let app = &app;
    let register =
        |b: serde_json::Value| async move { app.post("/api/v1/auth/register", None, &b).await };
    assert_eq!(register(body(1)).await.status, 201);
    assert_eq!(register(body(2)).await.status, 201);
    let r = register(body(3)).await;
    let p = assert_problem(&r, 429, "too_many_attempts");
    assert!(p["detail"].as_str().is_some_and(|d| d.contains("注册账号")));
    // Nothing was written for the refused one.
    let r = app.login("reg-user-3", "a-long-enough-passphrase").await;
    assert_eq!(r.status, 401);
}
