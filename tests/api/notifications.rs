//! Notifications through a real SMTP server: `aiosmtpd` (from PyPI) started by the test on a
//! free port, writing what it accepts into a Maildir the test reads back.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use yishen_app::settings::Secret;

use crate::cases::{VALID_ID, registration};
use crate::helpers::{TODAY, TestApp, spawn_app_with};

/// A mail server the test owns; stopped when dropped.
struct MailServer {
    child: Child,
    port: u16,
    dir: PathBuf,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl MailServer {
    fn start(dir: &Path, port: u16) -> Self {
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 with aiosmtpd (pip install aiosmtpd)");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "aiosmtpd did not start (pip install aiosmtpd)"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Self {
            child,
            port,
            dir: dir.to_owned(),
        }
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Every message accepted so far, parsed.
    fn messages(&self) -> Vec<mail_parser::Message<'static>> {
        let Ok(entries) = std::fs::read_dir(self.dir.join("new")) else {
            return Vec::new();
        };
        entries
            .flatten()
            .filter_map(|e| std::fs::read(e.path()).ok())
            .filter_map(|raw| {
                mail_parser::MessageParser::default()
                    .parse(&raw)
                    .map(|m| m.into_owned())
            })
            .collect()
    }
}

impl Drop for MailServer {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn app_with_mail(port: u16, interval_ms: u64) -> TestApp {
    spawn_app_with(TODAY, move |s| {
        s.smtp_url = Some(Secret::new(format!("smtp://127.0.0.1:{port}")));
        s.mail_from = Some("杭州市上城区人民政府办公室 <gk@shangcheng.example.gov.cn>".into());
        s.public_url = Some("https://yishen.example.gov.cn".into());
        s.notify_interval_ms = interval_ms;
        s.notify_retry = Duration::from_millis(200);
        s.notify_max_attempts = 1000;
    })
    .await
}

#[tokio::test]
async fn the_applicant_hears_of_the_receipt_and_the_correction_by_email() {
    let dir = tempfile::tempdir().expect("dir");
    let port = free_port();
    let mail = MailServer::start(&dir.path().join("maildir"), port);
    let app = app_with_mail(mail.port, 0).await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;

    let mut body = registration("2026-09-14");
    body["applicant"]["email"] = json!("li.si@example.com");
    let r = app.post("/api/v1/cases", Some(&clerk), &body).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let id = r.body["id"].as_i64().expect("id");
    let tracking = r.body["tracking_no"].as_str().expect("tracking").to_owned();
    // Without an e-mail address, nothing is written for the applicant.
    let r = app
        .post("/api/v1/cases", Some(&clerk), &registration("2026-09-14"))
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);

    let (done, _) = yishen_app::services::dispatch::run_once(&app.state, "test")
        .await
        .expect("dispatch");
    assert_eq!((done.sent, done.retried, done.dead), (1, 0, 0));
    let got = mail.messages();
    assert_eq!(got.len(), 1);
    let m = &got[0];
    let subject = m.subject().expect("subject");
    assert!(
        subject.contains(&tracking) && subject.contains("申请已收到"),
        "{subject}"
    );
    let text = m.body_text(0).expect("text").into_owned();
    assert!(
        text.contains("2026年9月14日") && text.contains(&tracking),
        "{text}"
    );
    assert!(
        text.contains(&format!("https://yishen.example.gov.cn/my/cases/{id}")),
        "{text}"
    );
    assert!(m.body_html(0).is_some(), "an HTML part too");
    let raw = String::from_utf8_lossy(m.raw_message()).into_owned();
    for secret in [VALID_ID, "13800138000", "某某路"] {
        assert!(
            !raw.contains(secret) && !text.contains(secret),
            "personal data in the message"
        );
    }
    assert_eq!(
        m.to()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .map(str::to_owned),
        Some("li.si@example.com".to_owned())
    );

    // The 补正 notice: its items and deadline (条例30).
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/corrections"),
            Some(&handler),
            &json!({"items": ["请写明所需文件的名称或文号"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let deadline = r.body["correction_deadline"]
        .as_str()
        .expect("deadline")
        .to_owned();
    yishen_app::services::dispatch::run_once(&app.state, "test")
        .await
        .expect("dispatch");
    let got = mail.messages();
    assert_eq!(got.len(), 2);
    let notice = got
        .iter()
        .find(|m| m.subject().is_some_and(|s| s.contains("补正")))
        .expect("the correction notice");
    let text = notice.body_text(0).expect("text");
    assert!(text.contains("1. 请写明所需文件的名称或文号"), "{text}");
    let d = chrono::NaiveDate::parse_from_str(&deadline, "%Y-%m-%d").expect("date");
    assert!(
        text.contains(&yishen_domain::calendar::chinese_date(d)) && text.contains("第三十条"),
        "{text}"
    );
}

#[tokio::test]
async fn a_thousand_messages_arrive_once_each_though_the_mail_server_goes_down() {
    let dir = tempfile::tempdir().expect("dir");
    let maildir = dir.path().join("maildir");
    let port = free_port();
    let mut mail = MailServer::start(&maildir, port);
    // The server's own dispatcher sends, every 50 ms.
    let app = app_with_mail(port, 50).await;
    let clerk = app.token("demo-clerk").await;
    let mut body = registration("2026-09-14");
    body["applicant"]["email"] = json!("wang.wu@example.com");
    let r = app.post("/api/v1/cases", Some(&clerk), &body).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let case_id = yishen_store::CaseId(r.body["id"].as_i64().expect("id"));

    // A burst of 1,000 messages to that applicant, written as the events write them.
    let written = app
        .state
        .write(move |conn| {
            let now = yishen_store::now();
            for i in 0..1000 {
                let id = format!("<burst-{i}@yishen.notify>");
                yishen_store::models::notification::insert(
                    conn,
                    &yishen_store::models::notification::NewNotification {
                        message_id: &id,
                        kind: "received",
                        case_id: Some(case_id),
                        user_id: None,
                        channel: "email",
                        subject: &format!("第{i}条"),
                        body: "测试",
                        status: "pending",
                        attempts: 0,
                        next_attempt_at: now,
                        created_at: now,
                    },
                )?;
            }
            Ok(1000)
        })
        .await
        .expect("the burst");
    assert_eq!(written, 1000);

    // Stop the mail server once some have arrived, bring it back after a while.
    let started = Instant::now();
    while mail.messages().len() < 150 {
        assert!(started.elapsed() < Duration::from_secs(60), "nothing sent");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    mail.stop();
    let at_stop = mail.messages().len();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mail = MailServer::start(&maildir, port);
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        let n = mail.messages().len();
        if n >= 1001 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "only {n} of 1,001 arrived ({at_stop} before the stop)"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Let a late duplicate show itself, then count every Message-ID.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let got = mail.messages();
    let mut ids: Vec<String> = got
        .iter()
        .filter_map(|m| m.message_id().map(str::to_owned))
        .collect();
    assert_eq!(ids.len(), got.len(), "each message has its id");
    ids.sort();
    ids.dedup();
    assert_eq!(got.len(), 1001, "none twice");
    assert_eq!(ids.len(), 1001);
    assert!(at_stop < 1001, "the server went down mid-burst");
    // The outbox agrees: every message sent, with its attempts recorded.
    let outbox = app
        .state
        .read(|conn| Ok(yishen_store::models::notification::counts(conn)?))
        .await
        .expect("counts");
    assert_eq!(outbox, vec![("sent".to_owned(), 1001)]);
}

#[tokio::test]
async fn a_reply_by_email_is_its_delivery_and_the_handler_hears_of_the_assignment() {
    let dir = tempfile::tempdir().expect("dir");
    let port = free_port();
    let mail = MailServer::start(&dir.path().join("maildir"), port);
    let app = app_with_mail(port, 0).await;
    let dispatch = || async {
        yishen_app::services::dispatch::run_once(&app.state, "test")
            .await
            .expect("dispatch")
    };
    let admin = app.token("demo-admin").await;
    let clerk = app.token("demo-clerk").await;
    let legal = app.token("demo-legal").await;
    let r = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &json!({"username": "zhao-liu", "password": crate::helpers::DEMO_PASSWORD,
                    "display_name": "赵六", "role": "handler", "agency": "ZJ-HZ-SC",
                    "email": "zhao.liu@shangcheng.example.gov.cn"}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let handler_id = r.body["id"].as_i64().expect("id");
    let handler = app.token("zhao-liu").await;

    let mut body = registration("2026-09-14");
    body["applicant"]["email"] = json!("li.si@example.com");
    body["delivery"] = json!("email");
    let r = app.post("/api/v1/cases", Some(&clerk), &body).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let id = r.body["id"].as_i64().expect("id");
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/assign"),
            Some(&clerk),
            &json!({"user_id": handler_id}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let (done, _) = dispatch().await;
    assert_eq!(done.sent, 2, "the receipt and the assignment");
    let to_handler = mail
        .messages()
        .into_iter()
        .find(|m| {
            m.to()
                .and_then(|a| a.first())
                .and_then(|a| a.address())
                .is_some_and(|a| a.starts_with("zhao.liu@"))
        })
        .expect("the handler's message");
    assert!(
        to_handler.subject().is_some_and(|s| s.contains("案件分配")),
        "{:?}",
        to_handler.subject()
    );
    let text = to_handler.body_text(0).expect("text");
    assert!(text.contains(&format!("/work/cases/{id}")), "{text}");

    for (path, token, body) in [
        (
            "draft",
            &handler,
            json!({"disposition": "disclosed", "provided": ["征收补偿方案"]}),
        ),
        ("submit", &handler, json!({})),
        (
            "review",
            &legal,
            json!({"decision": "approve", "comments": "同意"}),
        ),
        ("issue", &handler, json!({})),
    ] {
        let r = app
            .post(&format!("/api/v1/cases/{id}/{path}"), Some(token), &body)
            .await;
        assert_eq!(r.status, 200, "{path}: {:?}", r.body);
    }
    let (done, delivered) = dispatch().await;
    assert_eq!((done.sent, delivered), (1, 1));
    let reply = mail
        .messages()
        .into_iter()
        .find(|m| m.subject().is_some_and(|s| s.contains("答复已出具")))
        .expect("the reply's message");
    let text = reply.body_text(0).expect("text").into_owned();
    assert!(
        text.contains(&format!("https://yishen.example.gov.cn/cases/{id}/package"))
            && text.contains("本邮件即为答复的送达"),
        "{text}"
    );
    let message_id = reply.message_id().expect("a Message-ID").to_owned();

    // The 送达 is recorded from the server's acceptance: the case is closed, the event names
    // the message and what it delivered.
    let case = app
        .get(&format!("/api/v1/cases/{id}"), Some(&handler))
        .await;
    assert_eq!(case.body["status"], "closed", "{:?}", case.body);
    let events = app
        .get(&format!("/api/v1/cases/{id}/events"), Some(&handler))
        .await;
    let delivered = events
        .body
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["kind"] == "delivered")
        .expect("delivered")
        .clone();
    assert_eq!(delivered["data"]["method"], "email");
    assert_eq!(
        delivered["data"]["tracking_no"]
            .as_str()
            .map(|t| t.trim_matches(['<', '>'])),
        Some(message_id.trim_matches(['<', '>']))
    );
    assert!(
        delivered["data"]["accepted_at"].is_string(),
        "{delivered:?}"
    );
    assert!(
        delivered["data"]["items"][0]["name"]
            .as_str()
            .is_some_and(|n| n.contains("答复书（"))
    );
    assert!(delivered["actor"].is_null(), "recorded by the system");
    // Nothing more is sent for it: the reply's message was the delivery.
    let (done, _) = dispatch().await;
    assert_eq!(done.sent, 0);
    assert_eq!(mail.messages().len(), 3);
}
