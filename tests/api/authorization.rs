//! Every endpoint against every kind of caller, including another agency's staff and another
//! applicant.

use std::sync::atomic::{AtomicU32, Ordering};

use reqwest::Method;
use serde_json::{Value, json};

use crate::calendar::notice_2027;
use crate::helpers::{DEMO_PASSWORD, TestApp, spawn_app};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    Applicant,
    OtherApplicant,
    Clerk,
    Handler,
    Legal,
    Approver,
    Admin,
    OtherAgencyAdmin,
    OtherAgencyClerk,
    Reconsideration,
    Sysadmin,
}

const EVERYONE: [Who; 12] = [
    Who::Anonymous,
    Who::Applicant,
    Who::OtherApplicant,
    Who::Clerk,
    Who::Handler,
    Who::Legal,
    Who::Approver,
    Who::Admin,
    Who::OtherAgencyAdmin,
    Who::OtherAgencyClerk,
    Who::Reconsideration,
    Who::Sysadmin,
];

struct Ids {
    applicant: i64,
    clerk: i64,
}

struct Case {
    name: &'static str,
    method: Method,
    path: fn(&Ids) -> String,
    body: fn(u32) -> Option<Value>,
    expect: fn(Who) -> u16,
}

static SEQ: AtomicU32 = AtomicU32::new(0);

async fn token_for(app: &TestApp, who: Who) -> Option<String> {
    let name = match who {
        Who::Anonymous => return None,
        Who::Applicant => "demo-applicant",
        Who::OtherApplicant => "other-applicant",
        Who::Clerk => "demo-clerk",
        Who::Handler => "demo-handler",
        Who::Legal => "demo-legal",
        Who::Approver => "demo-approver",
        Who::Admin => "demo-admin",
        Who::OtherAgencyAdmin => "jy-admin",
        Who::OtherAgencyClerk => "jy-clerk",
        Who::Reconsideration => "demo-reconsideration",
        Who::Sysadmin => "demo-sysadmin",
    };
    let r = app.login(name, DEMO_PASSWORD).await;
    assert_eq!(r.status, 200, "login {name}");
    r.body["access_token"].as_str().map(str::to_owned)
}

/// Another agency's administrator and clerk, and another applicant.
async fn add_strangers(app: &TestApp) {
    let sys = token_for(app, Who::Sysadmin).await;
    for (username, role, agency) in [
        ("jy-admin", "agency_admin", "ZJ-LS-JY"),
        ("jy-clerk", "clerk", "ZJ-LS-JY"),
    ] {
        let r = app
            .post(
                "/api/v1/users",
                sys.as_deref(),
                &json!({"username": username, "password": DEMO_PASSWORD,
                    "display_name": username, "role": role, "agency": agency}),
            )
            .await;
        assert_eq!(r.status, 201, "{:?}", r.body);
    }
    let r = app
        .post("/api/v1/auth/register", None, &json!({"username": "other-applicant", "password": DEMO_PASSWORD, "display_name": "王五"}))
        .await;
    assert_eq!(r.status, 201);
}

fn anon_401(who: Who, otherwise: u16) -> u16 {
    if who == Who::Anonymous {
        401
    } else {
        otherwise
    }
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "GET /api/v1/me",
            method: Method::GET,
            path: |_| "/api/v1/me".into(),
            body: |_| None,
            expect: |w| anon_401(w, 200),
        },
        Case {
            name: "GET /api/v1/users",
            method: Method::GET,
            path: |_| "/api/v1/users".into(),
            body: |_| None,
            expect: |w| match w {
                Who::Anonymous => 401,
                Who::Sysadmin | Who::Admin | Who::OtherAgencyAdmin => 200,
                _ => 403,
            },
        },
        Case {
            name: "GET /api/v1/users/{clerk}",
            method: Method::GET,
            path: |ids| format!("/api/v1/users/{}", ids.clerk),
            body: |_| None,
            expect: |w| match w {
                Who::Anonymous => 401,
                Who::Clerk | Who::Admin | Who::Sysadmin => 200,
                _ => 404,
            },
        },
        Case {
            name: "GET /api/v1/users/{applicant}",
            method: Method::GET,
            path: |ids| format!("/api/v1/users/{}", ids.applicant),
            body: |_| None,
            expect: |w| match w {
                Who::Anonymous => 401,
                Who::Applicant | Who::Sysadmin => 200,
                _ => 404,
            },
        },
        Case {
            name: "POST /api/v1/users (clerk of ZJ-HZ-SC)",
            method: Method::POST,
            path: |_| "/api/v1/users".into(),
            body: |n| {
                Some(
                    json!({"username": format!("made-{n}"), "password": "made-passphrase",
                            "display_name": "新账号", "role": "clerk", "agency": "ZJ-HZ-SC"}),
                )
            },
            expect: |w| match w {
                Who::Anonymous => 401,
                Who::Sysadmin | Who::Admin => 201,
                _ => 403,
            },
        },
        Case {
            name: "PATCH /api/v1/users/{clerk}",
            method: Method::PATCH,
            path: |ids| format!("/api/v1/users/{}", ids.clerk),
            body: |_| Some(json!({"display_name": "登记员（改）"})),
            expect: |w| match w {
                Who::Anonymous => 401,
                Who::Sysadmin | Who::Admin => 200,
                Who::Clerk => 403,
                _ => 404,
            },
        },
        Case {
            name: "GET /api/v1/agencies",
            method: Method::GET,
            path: |_| "/api/v1/agencies".into(),
            body: |_| None,
            expect: |_| 200,
        },
        Case {
            name: "POST /api/v1/agencies",
            method: Method::POST,
            path: |_| "/api/v1/agencies".into(),
            body: |n| Some(json!({"code": format!("ZJ-T{n}"), "name": "测试机关", "parent": "ZJ"})),
            expect: |w| match w {
                Who::Anonymous => 401,
                Who::Sysadmin => 201,
                _ => 403,
            },
        },
        Case {
            name: "PATCH /api/v1/agencies/ZJ-HZ-SC",
            method: Method::PATCH,
            path: |_| "/api/v1/agencies/ZJ-HZ-SC".into(),
            body: |_| Some(json!({"court_name": "杭州铁路运输法院"})),
            expect: |w| match w {
                Who::Anonymous => 401,
                Who::Sysadmin | Who::Admin => 200,
                _ => 403,
            },
        },
        Case {
            name: "GET /api/v1/calendar/due-date",
            method: Method::GET,
            path: |_| "/api/v1/calendar/due-date?from=2026-03-02&working_days=20".into(),
            body: |_| None,
            expect: |_| 200,
        },
        Case {
            name: "PUT /api/v1/calendar/2027",
            method: Method::PUT,
            path: |_| "/api/v1/calendar/2027".into(),
            body: |_| Some(notice_2027()),
            expect: |w| match w {
                Who::Anonymous => 401,
                Who::Sysadmin => 200,
                _ => 403,
            },
        },
        Case {
            name: "POST /api/v1/me/password (wrong current password)",
            method: Method::POST,
            path: |_| "/api/v1/me/password".into(),
            body: |_| {
                Some(
                    json!({"current_password": "not-the-password", "new_password": "brand-new-passphrase"}),
                )
            },
            expect: |w| anon_401(w, 422),
        },
        Case {
            name: "POST /api/v1/auth/logout (all)",
            method: Method::POST,
            path: |_| "/api/v1/auth/logout".into(),
            body: |_| Some(json!({"all": true})),
            expect: |w| anon_401(w, 204),
        },
    ]
}

#[tokio::test]
async fn every_endpoint_answers_every_caller_as_the_policy_says() {
    let app = spawn_app().await;
    add_strangers(&app).await;

    let mut tokens = Vec::new();
    for who in EVERYONE {
        tokens.push((who, token_for(&app, who).await));
    }
    let token_of = |who: Who| {
        tokens
            .iter()
            .find(|(w, _)| *w == who)
            .and_then(|(_, t)| t.clone())
    };
    let ids = Ids {
        applicant: app
            .get("/api/v1/me", token_of(Who::Applicant).as_deref())
            .await
            .body["id"]
            .as_i64()
            .expect("id"),
        clerk: app
            .get("/api/v1/me", token_of(Who::Clerk).as_deref())
            .await
            .body["id"]
            .as_i64()
            .expect("id"),
    };

    let mut failures = Vec::new();
    for case in cases() {
        for (who, token) in &tokens {
            let n = SEQ.fetch_add(1, Ordering::SeqCst);
            let body = (case.body)(n);
            let r = app
                .send(
                    case.method.clone(),
                    &(case.path)(&ids),
                    token.as_deref(),
                    body.as_ref(),
                )
                .await;
            let expected = (case.expect)(*who);
            if r.status != expected {
                failures.push(format!(
                    "{} as {who:?}: expected {expected}, got {} {}",
                    case.name, r.status, r.body
                ));
            }
            if r.status >= 400 {
                assert_eq!(
                    r.headers.get("content-type").and_then(|v| v.to_str().ok()),
                    Some("application/problem+json"),
                    "{} as {who:?}",
                    case.name
                );
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every action on a case, as its path under `/api/v1/cases/{id}/`.
const ACTIONS: [&str; 19] = [
    "confirm",
    "corrections",
    "corrections/response",
    "extension",
    "extension-request",
    "extension-request/refusal",
    "assign",
    "fee-notice",
    "fee-payment",
    "article35/reasons-request",
    "article35/decision",
    "withdraw",
    "review",
    "issue",
    "delivery",
    "signoff",
    "consultations",
    "draft",
    "submit",
];

#[tokio::test]
async fn who_may_not_act_on_a_case_is_refused_whatever_the_body_says() {
    let app = spawn_app().await;
    add_strangers(&app).await;
    let clerk = token_for(&app, Who::Clerk).await.expect("clerk");
    let id = crate::cases::register(&app, &clerk, "2026-09-01").await;
    let bodies: [(&str, &str); 3] = [
        ("application/json", "{\"nonsense\": true}"),
        ("application/json", "{not json"),
        ("text/plain", "hello"),
    ];
    let mut failures = Vec::new();
    for (who, expected) in [
        (Who::OtherAgencyClerk, 404),
        (Who::OtherApplicant, 404),
        (Who::Anonymous, 401),
    ] {
        let token = token_for(&app, who).await;
        for action in ACTIONS {
            for (kind, body) in bodies {
                let mut req = app
                    .client
                    .post(app.url(&format!("/api/v1/cases/{id}/{action}")))
                    .header("content-type", kind)
                    .body(body);
                if let Some(t) = &token {
                    req = req.bearer_auth(t);
                }
                let status = req.send().await.expect("send").status().as_u16();
                if status != expected {
                    failures.push(format!("{action} as {who:?} with {body}: {status}"));
                }
            }
        }
    }
    // Seeing the case is not enough: a role the action is not for is refused before the body.
    for (who, action) in [
        (Who::Clerk, "review"),
        (Who::Legal, "withdraw"),
        (Who::Handler, "signoff"),
        (Who::Approver, "draft"),
        (Who::Reconsideration, "submit"),
    ] {
        let token = token_for(&app, who).await.expect("token");
        for (kind, body) in bodies {
            let res = app
                .client
                .post(app.url(&format!("/api/v1/cases/{id}/{action}")))
                .header("content-type", kind)
                .bearer_auth(&token)
                .body(body)
                .send()
                .await
                .expect("send");
            let status = res.status().as_u16();
            if status != 403 {
                failures.push(format!("{action} as {who:?} with {body}: {status}"));
            }
        }
    }
    // The same for the case's documents, redactions and outcome records. A document of the
    // case to redact: the clerk files the paper application.
    let form = reqwest::multipart::Form::new()
        .text("purpose", "paper_application")
        .part(
            "file",
            reqwest::multipart::Part::bytes("政府信息公开申请表".as_bytes().to_vec())
                .file_name("申请表.txt"),
        );
    let res = app
        .client
        .post(app.url(&format!("/api/v1/cases/{id}/documents")))
        .bearer_auth(&clerk)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    let document: serde_json::Value = res.json().await.expect("json");
    let doc = document["id"].as_i64().unwrap_or(0);
    let others = [
        (format!("/api/v1/cases/{id}/documents"), "post"),
        (format!("/api/v1/documents/{doc}/redactions"), "post"),
        (format!("/api/v1/cases/{id}/reconsiderations"), "post"),
        (format!("/api/v1/cases/{id}/litigations"), "post"),
    ];
    for (who, expected) in [
        (Who::OtherAgencyClerk, 404),
        (Who::OtherApplicant, 404),
        (Who::Anonymous, 401),
    ] {
        let token = token_for(&app, who).await;
        for (path, _) in &others {
            for (kind, body) in bodies {
                let mut req = app
                    .client
                    .post(app.url(path))
                    .header("content-type", kind)
                    .body(body);
                if let Some(t) = &token {
                    req = req.bearer_auth(t);
                }
                let status = req.send().await.expect("send").status().as_u16();
                // A reconsideration is the reconsideration bodies' to record: others are told
                // so (403) before anyone looks for the case.
                let expected = if path.ends_with("reconsiderations") && token.is_some() {
                    403
                } else {
                    expected
                };
                if status != expected {
                    failures.push(format!("{path} as {who:?} with {body}: {status}"));
                }
            }
        }
    }
    for (who, path) in [
        (Who::Clerk, format!("/api/v1/cases/{id}/reconsiderations")),
        (Who::Clerk, format!("/api/v1/cases/{id}/litigations")),
        (Who::Legal, format!("/api/v1/documents/{doc}/redactions")),
    ] {
        let token = token_for(&app, who).await.expect("token");
        for (kind, body) in bodies {
            let status = app
                .client
                .post(app.url(&path))
                .header("content-type", kind)
                .bearer_auth(&token)
                .body(body)
                .send()
                .await
                .expect("send")
                .status()
                .as_u16();
            if status != 403 {
                failures.push(format!("{path} as {who:?} with {body}: {status}"));
            }
        }
    }
    // The agency's settings and the staff accounts: administrators only, before the body
    // (an account a clerk may not see is not there for them).
    for (method, path, expected) in [
        ("PATCH", "/api/v1/agencies/ZJ-HZ-SC".to_owned(), 403),
        ("POST", "/api/v1/agencies".to_owned(), 403),
        ("POST", "/api/v1/users".to_owned(), 403),
        ("PATCH", "/api/v1/users/1".to_owned(), 404),
    ] {
        for (kind, body) in bodies {
            let status = app
                .client
                .request(
                    reqwest::Method::from_bytes(method.as_bytes()).expect("method"),
                    app.url(&path),
                )
                .header("content-type", kind)
                .bearer_auth(&clerk)
                .body(body)
                .send()
                .await
                .expect("send")
                .status()
                .as_u16();
            if status != expected {
                failures.push(format!("{method} {path} as a clerk with {body}: {status}"));
            }
        }
    }
    assert!(doc > 0, "the paper application was filed: {document}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
