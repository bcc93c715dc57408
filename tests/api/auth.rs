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
    // Another session of the same account is untouched until `all`.
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
    let r = app
        .post("/api/v1/auth/logout", Some(access), &json!({"all": true}))
        .await;
    assert_eq!(r.status, 204);
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
