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
pub(crate) struct MailServer {
    child: Child,
    pub(crate) port: u16,
    dir: PathBuf,
}

pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Waits until something listens on `port` (a server the test started), at most 20 s.
fn listening(port: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "{what} did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl MailServer {
    pub(crate) fn start(dir: &Path, port: u16) -> Self {
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 with aiosmtpd (pip install aiosmtpd)");
        listening(port, "aiosmtpd (pip install aiosmtpd)");
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
    pub(crate) fn messages(&self) -> Vec<mail_parser::Message<'static>> {
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

pub(crate) async fn app_with_mail(port: u16, interval_ms: u64) -> TestApp {
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
    // The agency's own mailbox for answers; a wrong one is refused naming the field.
    let admin = app.token("demo-admin").await;
    let patch = |v: serde_json::Value| {
        let app = &app;
        let admin = &admin;
        async move {
            app.patch("/api/v1/agencies/ZJ-HZ-SC", Some(admin), &v)
                .await
        }
    };
    let r = patch(json!({"reply_to": "公开办 at 上城"})).await;
    let p = crate::helpers::assert_problem(&r, 422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "reply_to", "{p:?}");
    let r = patch(json!({"reply_to": "gk-reply@shangcheng.example.gov.cn"})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["reply_to"], "gk-reply@shangcheng.example.gov.cn");

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
    // From the service's address under the agency's name; answers go to the agency's mailbox.
    let from = m.from().and_then(|a| a.first()).expect("from");
    assert_eq!(from.address(), Some("gk@shangcheng.example.gov.cn"));
    assert_eq!(from.name(), Some("杭州市上城区人民政府办公室"));
    assert_eq!(
        m.reply_to()
            .and_then(|a| a.first())
            .and_then(|a| a.address()),
        Some("gk-reply@shangcheng.example.gov.cn")
    );
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
                        params: None,
                        dedupe_key: None,
                        inquiry_id: None,
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
    assert_eq!(ids.len(), 1001, "every message arrived");
    // At least once, not exactly once (docs/notifications.md, "Where a duplicate is still
    // possible"): a message the server stored and was killed before acknowledging is sent
    // again with the same Message-ID. Only the sends in flight at the kill can be: at most the
    // sixteen the dispatcher runs at once. Nothing acknowledged is sent twice.
    assert!(
        got.len() - ids.len() <= 16,
        "{} copies beyond the first, more than were in flight at the stop",
        got.len() - ids.len()
    );
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
    // The handler heard the draft may be issued (no sign-off at this agency), then the reply.
    let (done, delivered) = dispatch().await;
    assert_eq!((done.sent, delivered), (2, 1));
    assert!(
        mail.messages()
            .iter()
            .any(|m| m.subject().is_some_and(|s| s.contains("答复可以出具"))),
        "the handler may issue"
    );
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
    assert_eq!(mail.messages().len(), 4);

    // Then the applicant's server sends it back (a DSN, as Postfix writes one): the 送达
    // did not happen, the case waits for delivery again and the handler hears of it.
    let dsn = format!(
        "From: MAILER-DAEMON@mx.example.com\r\nTo: gk@shangcheng.example.gov.cn\r\nSubject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn-77@mx.example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nThis is the mail system at host mx.example.com. Your message could not be delivered.\r\n\r\n--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\nFinal-Recipient: rfc822; li.si@example.com\r\nAction: failed\r\nStatus: 5.2.2\r\nDiagnostic-Code: smtp; 552 5.2.2 <li.si@example.com>: mailbox full\r\n\r\n--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: {message_id}\r\nSubject: reply\r\n\r\n--B--\r\n"
    );
    let r = yishen_app::services::dispatch::bounce(&app.state, dsn.as_bytes())
        .await
        .expect("bounce");
    assert!(
        matches!(
            r,
            yishen_app::services::dispatch::Bounced::Recorded {
                delivery_undone: Some(_),
                ..
            }
        ),
        "{r:?}"
    );
    let case = app
        .get(&format!("/api/v1/cases/{id}"), Some(&handler))
        .await;
    assert_eq!(case.body["status"], "replied", "{:?}", case.body);
    // The same bounce again changes nothing.
    let r = yishen_app::services::dispatch::bounce(&app.state, dsn.as_bytes())
        .await
        .expect("bounce");
    assert!(
        matches!(
            r,
            yishen_app::services::dispatch::Bounced::Recorded {
                delivery_undone: None,
                ..
            }
        ),
        "{r:?}"
    );
    let (done, _) = dispatch().await;
    assert_eq!(done.sent, 1, "the handler's message");
    let bounced = mail
        .messages()
        .into_iter()
        .find(|m| m.subject().is_some_and(|s| s.contains("电子送达被退回")))
        .expect("the handler hears of the bounce");
    let text = bounced.body_text(0).expect("text").into_owned();
    assert!(
        text.contains("5.2.2") && text.contains("其他方式送达"),
        "{text}"
    );
    assert!(!text.contains("li.si@"), "no address in the message");
    // The handler delivers another way: the case closes again.
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/delivery"),
            Some(&handler),
            &json!({"method": "post", "on": TODAY, "tracking_no": "EMS1234567890"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["status"], "closed");
}

/// The local SMS gateway (`sms_gateway.py`, Python's http.server) recording each request.
struct SmsGateway {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl SmsGateway {
    fn start(dir: &Path, fail_first: u32) -> Self {
        let port = free_port();
        let log = dir.join("sms.jsonl");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("api/sms_gateway.py");
        let child = Command::new("python3")
            .arg(script)
            .arg(port.to_string())
            .arg(&log)
            .arg(fail_first.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3");
        listening(port, "the SMS gateway");
        Self { child, port, log }
    }

    fn requests(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect()
    }
}

impl Drop for SmsGateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn text_messages_go_signed_to_the_gateway_within_one_segment() {
    let dir = tempfile::tempdir().expect("dir");
    // The gateway is busy for the first request: the message is tried again.
    let gateway = SmsGateway::start(dir.path(), 1);
    let port = gateway.port;
    let app = spawn_app_with(TODAY, move |s| {
        s.sms_url = Some(Secret::new(format!(
            "http://AK-shangcheng:s3cr%2Bet@127.0.0.1:{port}/v1/send?sign=%E4%B8%8A%E5%9F%8E%E5%8C%BA%E6%94%BF%E5%BA%9C%E5%8A%9E"
        )));
        s.sms_templates = vec![("received".into(), "SMS_100001".into())];
        s.notify_interval_ms = 0;
        s.notify_retry = Duration::from_millis(400);
        s.notify_max_attempts = 5;
    })
    .await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;

    // A landline cannot take a text message: refused, naming the field.
    let mut body = registration("2026-09-14");
    body["applicant"]["phone"] = json!("(0571) 8765 4321");
    body["notify_by"] = json!(["sms"]);
    let r = app.post("/api/v1/cases", Some(&clerk), &body).await;
    let p = crate::helpers::assert_problem(&r, 422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "notify_by", "{p:?}");
    // An unknown channel is refused too.
    body["notify_by"] = json!(["pigeon"]);
    let r = app.post("/api/v1/cases", Some(&clerk), &body).await;
    let p = crate::helpers::assert_problem(&r, 422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "notify_by[0]", "{p:?}");

    // A mobile written as people write it, full-width digits and spaces included.
    body["applicant"]["phone"] = json!("+86 １３８ 0013 8000");
    body["notify_by"] = json!(["sms"]);
    let r = app.post("/api/v1/cases", Some(&clerk), &body).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let id = r.body["id"].as_i64().expect("id");
    let tracking = r.body["tracking_no"].as_str().expect("tracking").to_owned();

    let dispatch = || async {
        yishen_app::services::dispatch::run_once(&app.state, "test")
            .await
            .expect("dispatch")
    };
    let (done, _) = dispatch().await;
    assert_eq!((done.sent, done.retried), (0, 1), "the gateway was busy");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (done, _) = dispatch().await;
    assert_eq!(done.sent, 1);
    let requests = gateway.requests();
    assert_eq!(requests.len(), 2, "tried twice");
    let last = &requests[1];
    assert_eq!(last["path"], "/v1/send");
    let h = &last["headers"];
    assert_eq!(h["x-sms-key-id"], "AK-shangcheng");
    let body_text = last["body"].as_str().expect("body");
    let expected = yishen_app::sms::sign(
        "s3cr+et",
        "POST",
        "/v1/send",
        h["x-sms-timestamp"].as_str().expect("timestamp"),
        h["x-sms-nonce"].as_str().expect("nonce"),
        body_text.as_bytes(),
    );
    assert_eq!(h["x-sms-signature"].as_str(), Some(expected.as_str()));
    assert_ne!(
        requests[0]["headers"]["x-sms-nonce"], h["x-sms-nonce"],
        "a fresh nonce"
    );
    let sent: serde_json::Value = serde_json::from_str(body_text).expect("json");
    assert_eq!(sent["phone"], "13800138000");
    assert_eq!(sent["sign_name"], "上城区政府办");
    assert_eq!(sent["template_id"], "SMS_100001");
    assert_eq!(sent["template_params"]["no"], tracking.as_str());
    assert!(
        sent["template_params"]["due"]
            .as_str()
            .is_some_and(|d| d.contains('年'))
    );
    assert!(
        sent["out_id"]
            .as_str()
            .is_some_and(|o| o.ends_with("@yishen.notify>"))
    );
    // No identity number anywhere in what left.
    assert!(!body_text.contains(VALID_ID));

    // The 补正 request: its own template (the kind's code) with the deadline.
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/corrections"),
            Some(&handler),
            &json!({"items": ["请写明所需文件的名称或文号"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let (done, _) = dispatch().await;
    assert_eq!(done.sent, 1);
    let requests = gateway.requests();
    let sent: serde_json::Value =
        serde_json::from_str(requests[2]["body"].as_str().expect("body")).expect("json");
    assert_eq!(sent["template_id"], "correction_requested");
    assert!(sent["template_params"]["deadline"].is_string());

    // What the phone shows, signature included, fits one segment; the outbox keeps it.
    let texts = app
        .state
        .read(move |conn| {
            Ok(yishen_store::models::notification::for_case(
                conn,
                yishen_store::CaseId(id),
            )?)
        })
        .await
        .expect("outbox");
    assert_eq!(texts.len(), 2);
    for n in &texts {
        assert_eq!(n.channel, yishen_domain::notify::Channel::Sms);
        assert_eq!(n.status, "sent");
        let shown = format!("【上城区政府办】{}", n.body);
        assert_eq!(
            yishen_domain::notify::sms_segments(&shown),
            1,
            "{} characters: {shown}",
            shown.chars().count()
        );
    }
}

/// An account with an e-mail address, made by the system administrator.
async fn staff(app: &TestApp, username: &str, role: &str, agency: &str, email: &str) -> i64 {
    let admin = app.token("demo-sysadmin").await;
    let r = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &json!({"username": username, "password": crate::helpers::DEMO_PASSWORD,
                    "display_name": username, "role": role, "agency": agency, "email": email}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    r.body["id"].as_i64().expect("id")
}

fn addressed_to<'a>(
    got: &'a [mail_parser::Message<'static>],
    address: &str,
) -> Vec<&'a mail_parser::Message<'static>> {
    got.iter()
        .filter(|m| {
            m.to()
                .and_then(|a| a.first())
                .and_then(|a| a.address())
                .is_some_and(|a| a == address)
        })
        .collect()
}

#[tokio::test]
async fn staff_hear_of_reviews_sign_offs_extensions_reconsiderations_and_their_daily_digest() {
    let dir = tempfile::tempdir().expect("dir");
    let port = free_port();
    let mail = MailServer::start(&dir.path().join("maildir"), port);
    let app = spawn_app_with(TODAY, move |s| {
        s.smtp_url = Some(Secret::new(format!("smtp://127.0.0.1:{port}")));
        s.notify_interval_ms = 0;
        // The digest is due at any hour of the test.
        s.digest_hour = 0;
    })
    .await;
    let dispatch = || async {
        yishen_app::services::dispatch::run_once(&app.state, "test")
            .await
            .expect("dispatch")
    };
    let handler_id = staff(
        &app,
        "h-zhou",
        "handler",
        "ZJ-HZ-SC",
        "zhou@sc.example.gov.cn",
    )
    .await;
    staff(
        &app,
        "l-wu",
        "legal_adviser",
        "ZJ-HZ-SC",
        "wu@sc.example.gov.cn",
    )
    .await;
    staff(
        &app,
        "a-zheng",
        "approver",
        "ZJ-HZ-SC",
        "zheng@sc.example.gov.cn",
    )
    .await;
    staff(
        &app,
        "r-province",
        "reconsideration_body",
        "ZJ",
        "fuyi@zj.example.gov.cn",
    )
    .await;
    staff(
        &app,
        "r-lishui",
        "reconsideration_body",
        "ZJ-LS",
        "fuyi@ls.example.gov.cn",
    )
    .await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("h-zhou").await;
    let legal = app.token("l-wu").await;
    // This agency's replies need the approver's sign-off.
    let admin = app.token("demo-admin").await;
    let r = app
        .patch(
            "/api/v1/agencies/ZJ-HZ-SC",
            Some(&admin),
            &json!({"approver_signoff": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);

    // The first digest is made before any case: nobody has anything due, nothing is sent.
    let (done, _) = dispatch().await;
    assert_eq!(done.sent, 0);

    // Two cases for the handler: one received long ago (overdue), one today.
    let late = crate::cases::register(&app, &clerk, "2026-08-03").await;
    let fresh = crate::cases::register(&app, &clerk, "2026-09-15").await;
    for id in [late, fresh] {
        let r = app
            .post(
                &format!("/api/v1/cases/{id}/assign"),
                Some(&clerk),
                &json!({"user_id": handler_id}),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
    }
    // The handler asks for an extension of the fresh case: the approver hears.
    let r = app
        .post(
            &format!("/api/v1/cases/{fresh}/extension-request"),
            Some(&handler),
            &json!({"working_days": 20, "reason": "需调取多年档案"}),
        )
        .await;
    assert!(r.status == 200 || r.status == 201, "{:?}", r.body);
    // The late one is drafted and submitted: the legal adviser hears; approved: the approver.
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
    ] {
        let r = app
            .post(&format!("/api/v1/cases/{late}/{path}"), Some(token), &body)
            .await;
        assert_eq!(r.status, 200, "{path}: {:?}", r.body);
    }
    dispatch().await;
    let got = mail.messages();
    let subjects = |to: &str| -> Vec<String> {
        addressed_to(&got, to)
            .iter()
            .filter_map(|m| m.subject().map(str::to_owned))
            .collect()
    };
    let to_handler = subjects("zhou@sc.example.gov.cn");
    assert_eq!(
        to_handler.iter().filter(|s| s.contains("案件分配")).count(),
        2,
        "{to_handler:?}"
    );
    assert!(
        subjects("wu@sc.example.gov.cn")
            .iter()
            .any(|s| s.contains("答复稿待法制审核")),
        "{got:?}"
    );
    let to_approver = subjects("zheng@sc.example.gov.cn");
    assert!(
        to_approver.iter().any(|s| s.contains("延期申请待审批")),
        "{to_approver:?}"
    );
    assert!(
        to_approver.iter().any(|s| s.contains("答复待签发")),
        "{to_approver:?}"
    );

    // Today's digest was made before the cases existed: it is not made again today.
    assert!(to_handler.iter().all(|s| !s.contains("每日到期提醒")));
    // The next day's digest lists the overdue case once, in one message.
    app.state
        .write(|conn| {
            Ok(yishen_store::models::job_lease::claimed(
                conn,
                "daily_digest:2026-09-15",
            )?)
        })
        .await
        .map(|claimed| assert!(claimed, "today's digest was claimed"))
        .expect("claim");
    let tomorrow = chrono::NaiveDate::from_ymd_opt(2026, 9, 16).expect("date");
    let n = yishen_app::services::digests::make(&app.state, tomorrow, "a")
        .await
        .expect("digests");
    assert_eq!(n, 1, "one digest: the handler's");
    let again = yishen_app::services::digests::make(&app.state, tomorrow, "b")
        .await
        .expect("digests");
    assert_eq!(again, 0, "another instance makes it once");
    dispatch().await;
    let got = mail.messages();
    let digests: Vec<_> = addressed_to(&got, "zhou@sc.example.gov.cn")
        .into_iter()
        .filter(|m| m.subject().is_some_and(|s| s.contains("每日到期提醒")))
        .collect();
    assert_eq!(digests.len(), 1);
    let text = digests[0].body_text(0).expect("text").into_owned();
    let tracking = |id: i64| {
        let app = &app;
        let handler = &handler;
        async move {
            app.get(&format!("/api/v1/cases/{id}"), Some(handler))
                .await
                .body["tracking_no"]
                .as_str()
                .expect("tracking")
                .to_owned()
        }
    };
    assert!(
        text.contains("已逾期（1件）") && text.contains(&tracking(late).await),
        "{text}"
    );
    assert!(!text.contains(&tracking(fresh).await), "{text}");

    // The handler turns e-mail off in the profile: nothing more reaches them.
    let put = |body: serde_json::Value| {
        let app = &app;
        let handler = &handler;
        async move {
            app.put("/api/v1/me/notifications", Some(handler), &body)
                .await
        }
    };
    let r = put(json!({"channels": []})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["channels"], json!([]));
    let r = put(json!({"channels": ["sms"]})).await;
    let p = crate::helpers::assert_problem(&r, 422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "channels", "no SMS here: {p:?}");
    let before = addressed_to(&mail.messages(), "zhou@sc.example.gov.cn").len();
    // A new assignment would have told them.
    let third = crate::cases::register(&app, &clerk, "2026-09-15").await;
    let r = app
        .post(
            &format!("/api/v1/cases/{third}/assign"),
            Some(&clerk),
            &json!({"user_id": handler_id}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    dispatch().await;
    assert_eq!(
        addressed_to(&mail.messages(), "zhou@sc.example.gov.cn").len(),
        before
    );

    // A reconsideration recorded against the agency: the province's body hears, not Lishui's.
    let recon = app.token("demo-reconsideration").await;
    let r = app
        .post(
            &format!("/api/v1/cases/{late}/reconsiderations"),
            Some(&recon),
            &json!({"body_name": "杭州市人民政府", "filed_on": TODAY}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    dispatch().await;
    let got = mail.messages();
    let to_province = addressed_to(&got, "fuyi@zj.example.gov.cn");
    assert_eq!(to_province.len(), 1);
    let text = to_province[0].body_text(0).expect("text");
    assert!(
        text.contains("被申请行政复议") && text.contains("杭州市人民政府"),
        "{text}"
    );
    assert!(addressed_to(&got, "fuyi@ls.example.gov.cn").is_empty());
}
