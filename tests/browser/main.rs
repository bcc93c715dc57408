#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

//! Browser tests: the real application on port 0, driven in headless Chromium through
//! chromedriver (Debian's `chromium` and `chromium-driver`). The whole path of an application
//! is walked through the web pages by each role, on a phone-sized window for the applicant
//! and a desktop window for the staff, and a screenshot of every page is saved under
//! `<target>/browser-screenshots/` for a person to look at. Missing Chromium or chromedriver
//! fails the test: it is never skipped.

#[allow(dead_code)]
#[path = "../api/helpers.rs"]
mod helpers;

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use helpers::{DEMO_PASSWORD, TestApp, spawn_app};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const PHONE: (u32, u32) = (390, 844);
const DESKTOP: (u32, u32) = (1366, 900);

/// chromedriver on a free port, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    /// Ends chromedriver and the browser it started (its own process group), also when the
    /// test failed before closing the session.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_driver() -> Driver {
    assert!(
        std::path::Path::new(CHROMEDRIVER).exists() && std::path::Path::new(CHROMIUM).exists(),
        "the browser tests need Chromium and chromedriver: apt-get install chromium chromium-driver"
    );
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    // The browser keeps the real wall clock even when this test runs under libfaketime
    // (.ci/faketime-runner): Chromium stalls under it, and only the app's dates matter here.
    let child = Command::new(CHROMEDRIVER)
        .env_remove("LD_PRELOAD")
        .env_remove("FAKETIME")
        .arg(format!("--port={port}"))
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let url = format!("http://127.0.0.1:{port}");
    let driver = Driver { child, url };
    let http = reqwest::Client::new();
    for _ in 0..100 {
        if http
            .get(format!("{}/status", driver.url))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return driver;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start on port {port}");
}

async fn browser(driver: &Driver) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--lang=zh-CN", format!("--window-size={},{}", PHONE.0, PHONE.1)]
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a chromium session")
}

/// The test app's legal today, `YYYY-MM-DD`.
fn today() -> String {
    helpers::TODAY.to_owned()
}

/// Where screenshots go: `<target>/browser-screenshots/`, found from the test binary's path
/// (`<target>/debug/deps/browser-…`) unless `CARGO_TARGET_DIR` says otherwise.
fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::current_exe()
                .ok()
                .and_then(|p| p.ancestors().nth(3).map(PathBuf::from))
        })
        .unwrap_or_else(|| PathBuf::from("target"));
    let dir = target.join("browser-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    // Only this run's pictures: earlier runs may have numbered them differently.
    for entry in std::fs::read_dir(&dir).expect("list").flatten() {
        if entry.path().extension().is_some_and(|e| e == "png") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    dir
}

struct Walk {
    c: Client,
    app: TestApp,
    dir: PathBuf,
    n: u32,
}

impl Walk {
    /// Saves a PNG of the whole page: the window grows to the page's height for the shot.
    async fn shot(&mut self, name: &str) {
        self.n += 1;
        let (width, height) = self.c.get_window_size().await.expect("size");
        let full = self
            .c
            .execute(
                "window.scrollTo(0, 0); return document.documentElement.scrollHeight;",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_u64())
            .unwrap_or(height)
            .clamp(height, 6000);
        self.c
            .set_window_size(width as u32, full as u32)
            .await
            .expect("resize");
        let png = self.c.screenshot().await.expect("screenshot");
        self.c
            .set_window_size(width as u32, height as u32)
            .await
            .expect("resize back");
        assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
        std::fs::write(self.dir.join(format!("{:02}-{name}.png", self.n)), png).expect("save");
    }

    async fn goto(&self, path: &str) {
        self.c.goto(&self.app.url(path)).await.expect("navigate");
    }

    async fn fill(&self, css: &str, text: &str) {
        let e = self.c.find(Locator::Css(css)).await.expect(css);
        e.clear().await.expect("clear");
        e.send_keys(text).await.expect("type");
    }

    async fn select(&self, css: &str, value: &str) {
        self.c
            .find(Locator::Css(css))
            .await
            .expect(css)
            .select_by_value(value)
            .await
            .expect("select");
    }

    async fn click(&self, css: &str) {
        self.c
            .find(Locator::Css(css))
            .await
            .expect(css)
            .click()
            .await
            .expect("click");
    }

    /// Clicks a button that submits a form or follows a link, and waits for the next page.
    async fn submit(&self, css: &str) {
        self.c
            .execute("window.__yishenOld = true;", vec![])
            .await
            .expect("mark the page");
        self.click(css).await;
        for _ in 0..200 {
            let loaded = self
                .c
                .execute(
                    "return window.__yishenOld === undefined && document.readyState === 'complete';",
                    vec![],
                )
                .await;
            if matches!(loaded, Ok(serde_json::Value::Bool(true))) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no new page after clicking {css}");
    }

    async fn text(&self, css: &str) -> String {
        let mut last = None;
        for _ in 0..100 {
            match self.c.find(Locator::Css(css)).await {
                Ok(e) => match e.text().await {
                    Ok(t) => return t,
                    Err(err) => last = Some(err.to_string()),
                },
                Err(err) => last = Some(err.to_string()),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{css}: {last:?}");
    }

    /// Waits until the element shows some text (hidden elements show none).
    async fn shown_text(&self, css: &str) -> String {
        for _ in 0..100 {
            let t = self.text(css).await;
            if !t.trim().is_empty() {
                return t;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{css} never showed any text");
    }

    async fn body(&self) -> String {
        self.text("main").await
    }

    async fn path(&self) -> String {
        self.c.current_url().await.expect("url").path().to_owned()
    }

    async fn login(&self, username: &str, size: (u32, u32)) {
        self.login_with(username, DEMO_PASSWORD, size).await;
    }

    async fn login_with(&self, username: &str, password: &str, size: (u32, u32)) {
        self.c
            .set_window_size(size.0, size.1)
            .await
            .expect("resize");
        self.goto("/login").await;
        self.fill("#username", username).await;
        self.fill("#password", password).await;
        self.submit("form.form button[type=submit]").await;
        let who = self.text(".who").await;
        assert!(!who.is_empty(), "logged in as {username}");
    }

    async fn logout(&self) {
        self.submit(".logout button").await;
        assert_eq!(self.path().await, "/login");
    }
}

#[tokio::test]
async fn an_application_goes_from_a_phone_to_an_issued_letter_and_into_the_annual_report() {
    let driver = start_driver().await;
    let app = spawn_app().await;
    let c = browser(&driver).await;
    let mut w = Walk {
        c,
        app,
        dir: screenshot_dir(),
        n: 0,
    };

    // The applicant registers and files on a phone-sized window.
    w.c.set_window_size(PHONE.0, PHONE.1).await.expect("resize");
    w.goto("/").await;
    w.shot("home-phone").await;
    w.goto("/register").await;
    w.fill("#username", "li-si-2026").await;
    w.fill("#password", "a-long-passphrase-2026").await;
    w.fill("#display_name", "李四").await;
    w.fill("#phone", "13900139000").await;
    w.shot("register-phone").await;
    w.submit("form.form button[type=submit]").await;
    assert_eq!(w.path().await, "/my");
    w.shot("my-empty-phone").await;

    w.goto("/apply").await;
    w.select("#agency", "ZJ-HZ-SC").await;
    w.fill("#applicant-name", "李四").await;
    w.fill("#applicant-id_number", "11010519491231002X").await;
    w.fill("#applicant-phone", "13900139000").await;
    w.fill("#content", "太短").await;
    w.submit("form.form button[type=submit]").await;
    // Inline validation: the message stands next to the field.
    let err = w.text("#content-err").await;
    assert!(err.contains("10"), "content too short: {err}");
    w.shot("apply-validation-phone").await;
    w.fill("#applicant-id_number", "11010519491231002X").await;
    w.fill(
        "#content",
        "请公开2025年本区旧城改造项目的征收补偿方案及其批准文件",
    )
    .await;
    w.submit("form.form button[type=submit]").await;
    let tracking_no = w.text("#tracking-no").await;
    let query_code = w.text("#query-code").await;
    assert!(!tracking_no.is_empty() && !query_code.is_empty());
    w.shot("applied-phone").await;
    w.submit("a.button").await;
    let case_path = w.path().await;
    let id: i64 = case_path
        .rsplit('/')
        .next()
        .and_then(|s| s.parse().ok())
        .expect("case id");
    assert!(w.body().await.contains("尚未确认收到"));
    w.shot("my-case-submitted-phone").await;
    w.logout().await;

    // The clerk confirms it.
    w.login("demo-clerk", DESKTOP).await;
    assert_eq!(w.path().await, "/work");
    assert!(
        w.body().await.contains(&tracking_no),
        "the queue lists the case"
    );
    w.shot("queue-clerk").await;
    w.goto(&format!("/work/cases/{id}")).await;
    w.shot("case-clerk").await;
    w.submit("#form-confirm button[type=submit]").await;
    assert_eq!(w.text("#case-status").await, "已收到");
    w.logout().await;

    // The handler drafts; the picker shows only that disposition's fields; pre-review runs.
    w.login("demo-handler", DESKTOP).await;
    w.goto(&format!("/work/cases/{id}")).await;
    w.select("#draft-disposition", "unavailable_not_held").await;
    let search =
        w.c.find(Locator::Css("#draft-search_record"))
            .await
            .expect("field");
    assert!(
        search.is_displayed().await.expect("shown"),
        "search record shown"
    );
    let provided =
        w.c.find(Locator::Css("#draft-provided"))
            .await
            .expect("field");
    assert!(
        !provided.is_displayed().await.expect("hidden"),
        "provided hidden"
    );
    // Pre-review as you go: without reasons and a search record, the live check objects.
    let live = w.shown_text("#live-findings").await;
    assert!(live.contains("须修改"), "{live}");
    w.shot("draft-live-prereview-handler").await;
    w.select("#draft-disposition", "disclosed").await;
    assert!(provided.is_displayed().await.expect("shown"));
    w.fill("#draft-provided", "望江地区旧城改造项目征收补偿方案")
        .await;
    w.shot("draft-form-handler").await;
    w.submit("#draft button[type=submit]").await;
    let findings = w.text("#findings").await;
    assert!(findings.contains("答复书预审"), "{findings}");
    w.shot("draft-prereview-handler").await;
    let preview =
        w.c.find(Locator::Css("a[href$='/draft/preview']"))
            .await
            .expect("preview link");
    assert!(preview.attr("href").await.expect("href").is_some());
    w.submit("#findings form button[type=submit]").await;
    assert_eq!(w.text("#case-status").await, "法制审核中");
    w.logout().await;

    // The legal adviser approves.
    w.login("demo-legal", DESKTOP).await;
    w.goto(&format!("/work/cases/{id}")).await;
    w.fill("#review-comments", "同意，依法予以公开。").await;
    w.shot("review-legal").await;
    w.submit("#review button[value=approve]").await;
    assert_eq!(w.text("#case-status").await, "已审核待答复");
    w.logout().await;

    // The handler issues the letter.
    w.login("demo-handler", DESKTOP).await;
    w.goto(&format!("/work/cases/{id}")).await;
    w.submit("#issue button[type=submit]").await;
    assert_eq!(w.text("#case-status").await, "已答复待送达");
    w.shot("issued-handler").await;
    // For a paper delivery: the printable list of what goes out, with lines to sign.
    w.submit("#letters a[href$='/cover']").await;
    let cover = w.text("article.cover").await;
    assert!(
        cover.contains("答复材料清单")
            && cover.contains("答复书（")
            && cover.contains("收件人（签名）"),
        "{cover}"
    );
    w.fits("the cover list").await;
    w.shot("cover-list-handler").await;
    w.logout().await;

    // The applicant, on the phone again, sees the letter and downloads it.
    w.login_with("li-si-2026", "a-long-passphrase-2026", PHONE)
        .await;
    w.goto(&case_path).await;
    let body = w.body().await;
    assert!(body.contains("答复书"), "{body}");
    w.shot("my-case-replied-phone").await;
    let link =
        w.c.find(Locator::Css("ul.letters a[href^='/letters/']"))
            .await
            .expect("letter link");
    let href = link.attr("href").await.expect("href").expect("a link");
    let cookie =
        w.c.get_named_cookie("yishen_session")
            .await
            .expect("session cookie");
    let pdf = w
        .app
        .client
        .get(w.app.url(&href))
        .header("cookie", format!("yishen_session={}", cookie.value()))
        .send()
        .await
        .expect("download");
    assert_eq!(pdf.status().as_u16(), 200);
    let bytes = pdf.bytes().await.expect("pdf");
    assert!(bytes.starts_with(b"%PDF"), "a PDF letter");
    w.logout().await;

    // Whoever holds the letter scans its QR code: the public verification page, on a phone,
    // checks the downloaded PDF in the browser.
    let staff = w.app.token("demo-handler").await;
    let letters = w
        .app
        .get(&format!("/api/v1/cases/{id}/letters"), Some(&staff))
        .await;
    let code = letters
        .body
        .as_array()
        .expect("letters")
        .iter()
        .find(|l| href == format!("/letters/{}/pdf", l["id"]))
        .and_then(|l| l["verify_code"].as_str())
        .expect("the downloaded letter with its code")
        .to_owned();
    w.c.set_window_size(PHONE.0, PHONE.1).await.expect("resize");
    w.goto(&format!("/verify/{code}")).await;
    assert!(w.body().await.contains("有效"));
    let file = std::env::temp_dir().join(format!("yishen-letter-{}.pdf", std::process::id()));
    std::fs::write(&file, &bytes).expect("save the letter");
    let input = w.c.find(Locator::Css("#pdf")).await.expect("file input");
    input
        .send_keys(&file.to_string_lossy())
        .await
        .expect("choose the file");
    let mut answer = String::new();
    for _ in 0..50 {
        answer = w.text(".hash-result").await;
        if !answer.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    use sha2::Digest;
    let expected = hex::encode(sha2::Sha256::digest(&bytes));
    let shown = w.text("#sha256").await;
    assert_eq!(
        shown, expected,
        "the page shows the fingerprint of the letter downloaded"
    );
    assert!(answer.starts_with("一致"), "{answer}");
    w.shot("verify-letter-phone").await;
    w.c.set_window_size(DESKTOP.0, DESKTOP.1)
        .await
        .expect("resize");
    w.goto(&format!("/verify?code={code}")).await;
    assert!(w.body().await.contains("有效"));
    w.shot("verify-letter-desktop").await;
    let _ = std::fs::remove_file(&file);

    // Anyone with the tracking number and query code follows the case.
    w.goto("/track").await;
    w.fill("#tracking_no", &tracking_no).await;
    w.fill("#query_code", &query_code).await;
    w.submit("form.form button[type=submit]").await;
    assert!(w.body().await.contains("已答复待送达"));
    w.shot("track-phone").await;

    // A reconsideration body opens the annual report and a cell of it.
    w.login("demo-reconsideration", DESKTOP).await;
    assert_eq!(w.path().await, "/stats");
    w.shot("stats-reconsideration").await;
    w.goto("/stats/annual?agency=ZJ-HZ&year=2026&subtree=1")
        .await;
    w.shot("annual-reconsideration").await;
    w.submit("a[data-row='new'][data-column='total']").await;
    assert!(w.path().await.starts_with("/stats/annual/cell"));
    let listed = w.body().await;
    assert!(
        listed.contains(&tracking_no),
        "the cell lists the case: {listed}"
    );
    w.shot("annual-cell-reconsideration").await;

    // It records the applicant's reconsideration against the reply on the case page.
    w.goto(&format!("/work/cases/{id}")).await;
    w.c.execute(
        "document.querySelectorAll('#outcomes details').forEach(d => d.open = true);",
        vec![],
    )
    .await
    .expect("open the outcome forms");
    w.fill("#rc-body", "杭州市上城区人民政府").await;
    // Date fields follow the browser's locale when typed into: set the value itself.
    w.c.execute(
        "document.getElementById('rc-filed').value = arguments[0];",
        vec![serde_json::json!(today())],
    )
    .await
    .expect("filing date");
    w.shot("outcome-form-reconsideration").await;
    w.submit("form[action$='/reconsiderations'] button[type=submit]")
        .await;
    let outcomes = w.text("#outcomes").await;
    assert!(
        outcomes.contains("行政复议：杭州市上城区人民政府"),
        "{outcomes}"
    );
    w.logout().await;

    // The clerk registers a walk-in application as people write it, on a phone and at the
    // desk, prints the receipt and finds the case again by the phone number.
    for (size, tag) in [(PHONE, "phone"), (DESKTOP, "desktop")] {
        w.login("demo-clerk", size).await;
        w.goto("/work/cases/new").await;
        w.shot(&format!("register-case-{tag}")).await;
        w.select("#channel", "in_person").await;
        w.fill("#applicant-name", "阿沛·阿旺晋美").await;
        w.fill("#applicant-id_number", "110105 19491231 002x").await;
        w.fill("#applicant-phone", "0571 8765 4321").await;
        w.fill("#applicant-address", "杭州市上城区某某路8号").await;
        w.fill(
            "#content",
            "请公开本区2026年老旧小区加装电梯补助资金发放名单",
        )
        .await;
        w.submit("form.form button[type=submit]").await;
        assert!(!w.text("#tracking-no").await.is_empty(), "registered");
        w.shot(&format!("registered-{tag}")).await;
        w.goto("/work").await;
        w.fill("#f-q", "057187654321").await;
        w.submit("form[action='/work/search'] button[type=submit]")
            .await;
        assert!(w.body().await.contains("阿沛·阿旺晋美"), "found by phone");
        w.shot(&format!("queue-search-{tag}")).await;
        w.logout().await;
    }

    // The system administrator's pages.
    w.login("demo-sysadmin", DESKTOP).await;
    for (path, name) in [
        ("/admin/agencies", "admin-agencies"),
        ("/admin/users", "admin-users"),
        ("/admin/calendar", "admin-calendar"),
    ] {
        w.goto(path).await;
        assert!(w.body().await.len() > 20, "{path}");
        w.shot(name).await;
    }

    w.c.close().await.expect("close");
}

impl Walk {
    /// Opens the case page's upload form and chooses a file for `purpose`.
    async fn choose_document(&self, purpose: &str, file: &std::path::Path) {
        self.c
            .execute(
                "document.querySelector('#documents details').open = true;",
                vec![],
            )
            .await
            .expect("open the form");
        self.select("#doc-purpose", purpose).await;
        let input = self
            .c
            .find(Locator::Css("#doc-file"))
            .await
            .expect("file input");
        input
            .send_keys(&file.to_string_lossy())
            .await
            .expect("choose");
    }

    /// On a phone nothing may be wider than the window: the page scrolls down, never across.
    async fn fits(&self, what: &str) {
        let wide = self
            .c
            .execute(
                "return document.documentElement.scrollWidth > window.innerWidth + 1;",
                vec![],
            )
            .await
            .expect("measure");
        assert_eq!(
            wide,
            serde_json::Value::Bool(false),
            "{what} is wider than the window"
        );
    }

    /// Each page of a role's day on both windows, with a screenshot of each.
    async fn pages(&mut self, user: &str, paths: &[(&str, &str)]) {
        for (size, tag) in [(PHONE, "phone"), (DESKTOP, "desktop")] {
            self.login(user, size).await;
            for (path, name) in paths {
                self.goto(path).await;
                let body = self.body().await;
                assert!(!body.contains("页面出错"), "{user} {path}: {body}");
                if tag == "phone" {
                    self.fits(&format!("{user} {path}")).await;
                }
                self.shot(&format!("day-{name}-{tag}")).await;
            }
            self.logout().await;
        }
    }
}

#[tokio::test]
async fn every_role_works_a_day_on_a_phone_and_at_a_desk() {
    let driver = start_driver().await;
    let app = spawn_app().await;
    let c = browser(&driver).await;
    let mut w = Walk {
        c,
        app,
        dir: screenshot_dir().join("day"),
        n: 0,
    };
    std::fs::create_dir_all(&w.dir).expect("dir");

    // A case registered at the desk, assigned, in handling.
    let clerk = w.app.token("demo-clerk").await;
    let mut body = serde_json::json!({
        "agency": "ZJ-HZ-SC",
        "channel": "registered_post",
        "received_on": today(),
        "forms": ["paper"],
        "applicant": {"kind": "person", "name": "欧阳·娜娜",
            "id_type": "resident_id", "id_number": "11010519491231002X",
            "phone": "(0571)87654321", "address": "杭州市上城区某某路8号"},
        "content": "请公开本区2026年老旧小区加装电梯补助资金发放名单及审批文件",
        "delivery": "post",
    });
    let r = w.app.post("/api/v1/cases", Some(&clerk), &body).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let id = r.body["id"].as_i64().expect("id");
    let handler_id = w
        .app
        .get("/api/v1/me", Some(&w.app.token("demo-handler").await))
        .await
        .body["id"]
        .as_i64()
        .expect("handler");
    let r = w
        .app
        .post(
            &format!("/api/v1/cases/{id}/assign"),
            Some(&clerk),
            &serde_json::json!({"user_id": handler_id}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    body["content"] = serde_json::json!("请公开本区2026年道路维修工程的招标文件和中标结果");
    let r = w.app.post("/api/v1/cases", Some(&clerk), &body).await;
    assert_eq!(r.status, 201, "{:?}", r.body);

    // The handler asks for an extension in the pages.
    w.login("demo-handler", DESKTOP).await;
    assert!(
        w.body().await.contains("欧阳·娜娜"),
        "the assigned case opens the queue"
    );
    w.goto(&format!("/work/cases/{id}")).await;
    w.c.execute(
        "document.getElementById('form-extension-request').closest('details').open = true;",
        vec![],
    )
    .await
    .expect("open the request form");
    w.fill("#form-extension-request [name=working_days]", "10")
        .await;
    w.fill(
        "#form-extension-request [name=reason]",
        "涉及档案较多，需调取历史档案核查",
    )
    .await;
    w.submit("#form-extension-request button[type=submit]")
        .await;
    w.shot("extension-requested-handler").await;
    w.logout().await;

    // The approver's queue puts the request first; the approver grants it on the case page.
    w.login("demo-approver", DESKTOP).await;
    let queue = w.body().await;
    assert!(queue.contains("延期申请待审批"), "{queue}");
    w.shot("queue-approver").await;
    w.goto(&format!("/work/cases/{id}")).await;
    // The request's days and reason are already in the approver's form.
    w.submit("#form-extension button[type=submit]").await;
    assert!(w.body().await.contains("延期答复告知书"));
    w.shot("extension-granted-approver").await;
    w.logout().await;

    let case = format!("/work/cases/{id}");
    w.pages(
        "demo-clerk",
        &[
            ("/work", "queue-clerk"),
            ("/work/cases/new", "register-clerk"),
            (&case, "case-clerk"),
        ],
    )
    .await;
    w.pages(
        "demo-handler",
        &[("/work", "queue-handler"), (&case, "case-handler")],
    )
    .await;
    w.pages("demo-legal", &[("/work", "queue-legal")]).await;
    w.pages(
        "demo-approver",
        &[("/work", "queue-approver"), (&case, "case-approver")],
    )
    .await;
    // The agency administrator sets the seal of its letters: an opaque scan is refused with
    // the reason beside the field, a transparent PNG is taken and shown.
    w.login("demo-admin", DESKTOP).await;
    w.goto("/admin/agencies").await;
    let dir = tempfile::tempdir().expect("dir");
    let (opaque, clear) = (dir.path().join("scan.png"), dir.path().join("seal.png"));
    std::fs::write(&opaque, helpers::seal_png(600, 255)).expect("write");
    std::fs::write(&clear, helpers::seal_png(900, 0)).expect("write");
    let input =
        w.c.find(Locator::Css("#s-ZJ-HZ-SC-file"))
            .await
            .expect("file input");
    input
        .send_keys(&opaque.to_string_lossy())
        .await
        .expect("choose");
    w.submit("#seal-ZJ-HZ-SC + p + form button[type=submit]")
        .await;
    let body = w.body().await;
    assert!(body.contains("透明背景"), "{body}");
    w.shot("seal-refused-desktop").await;
    let input =
        w.c.find(Locator::Css("#s-ZJ-HZ-SC-file"))
            .await
            .expect("file input");
    input
        .send_keys(&clear.to_string_lossy())
        .await
        .expect("choose");
    w.fill("#s-ZJ-HZ-SC-mm", "40").await;
    w.submit("#seal-ZJ-HZ-SC + p + form button[type=submit]")
        .await;
    assert_eq!(w.path().await, "/admin/agencies");
    let body = w.body().await;
    assert!(body.contains("印章宽40毫米"), "{body}");
    w.logout().await;
    w.pages(
        "demo-admin",
        &[
            ("/admin/agencies", "agencies-admin"),
            ("/admin/users", "users-admin"),
            ("/stats/annual", "annual-admin"),
        ],
    )
    .await;
    w.pages(
        "demo-reconsideration",
        &[
            ("/stats", "stats-reconsideration"),
            (
                "/stats/annual?agency=ZJ-HZ&year=2026&subtree=1",
                "annual-reconsideration",
            ),
            (&case, "case-reconsideration"),
        ],
    )
    .await;
    w.pages(
        "demo-sysadmin",
        &[
            ("/admin/calendar", "calendar-sysadmin"),
            ("/admin/agencies", "agencies-sysadmin"),
            ("/admin/notifications", "notifications-sysadmin"),
        ],
    )
    .await;
    // The handler chooses how messages reach them, from their name in the header: a bad
    // address is named beside its field and nothing is saved; a good one is.
    w.login("demo-handler", PHONE).await;
    w.goto("/work").await;
    let href =
        w.c.find(Locator::Css("header a.who"))
            .await
            .expect("the name in the header")
            .attr("href")
            .await
            .expect("href");
    assert_eq!(href.as_deref(), Some("/profile"));
    w.goto("/profile").await;
    w.fill("#email", "zhou at sc").await;
    w.submit("form[action='/profile'] button[type=submit]")
        .await;
    let body = w.body().await;
    assert!(
        body.contains("请修改以下问题") && !body.contains("已保存"),
        "{body}"
    );
    w.fits("the refused profile").await;
    w.shot("profile-refused-phone").await;
    w.fill("#email", "zhou@sc.example.gov.cn").await;
    w.submit("form[action='/profile'] button[type=submit]")
        .await;
    let body = w.body().await;
    assert!(
        body.contains("已保存") && body.contains("暂未开通短信"),
        "{body}"
    );
    w.shot("profile-saved-phone").await;
    w.logout().await;
    w.pages("demo-handler", &[("/profile", "profile-handler")])
        .await;
    w.pages(
        "demo-applicant",
        &[("/my", "my-applicant"), ("/apply", "apply-applicant")],
    )
    .await;

    // The reconsideration body records a decision that sets a reply aside: a validation
    // error keeps what was typed.
    w.login("demo-reconsideration", DESKTOP).await;
    w.goto(&case).await;
    w.c.execute(
        "document.querySelectorAll('#outcomes details').forEach(d => d.open = true);",
        vec![],
    )
    .await
    .expect("open");
    w.c.execute(
        "document.getElementById('rc-filed').value = arguments[0];",
        vec![serde_json::json!(today())],
    )
    .await
    .expect("date");
    w.select("#rc-decision", "upheld").await;
    w.fill("#reconsiderations-0-within", "15").await;
    w.fill("#rc-reasons", "申请人对延期答复不服").await;
    w.submit("form[action$='/reconsiderations'] button[type=submit]")
        .await;
    let page = w.body().await;
    assert!(page.contains("才能责令重新答复"), "{page}");
    let kept =
        w.c.find(Locator::Css("#rc-reasons"))
            .await
            .expect("reasons")
            .prop("value")
            .await
            .expect("value");
    assert_eq!(
        kept.as_deref(),
        Some("申请人对延期答复不服"),
        "the form keeps its values"
    );
    w.shot("reconsideration-error-kept").await;
    w.logout().await;
    w.c.close().await.expect("close");
}

#[tokio::test]
async fn documents_are_sent_and_read_on_the_case_pages() {
    let driver = start_driver().await;
    let app = spawn_app().await;
    let c = browser(&driver).await;
    let mut w = Walk {
        c,
        app,
        dir: screenshot_dir().join("documents"),
        n: 0,
    };
    std::fs::create_dir_all(&w.dir).expect("dir");
    let files = tempfile::tempdir().expect("dir");

    // The applicant files online; the clerk confirms.
    let applicant = w.app.token("demo-applicant").await;
    let clerk = w.app.token("demo-clerk").await;
    let r = w
        .app
        .post(
            "/api/v1/cases",
            Some(&applicant),
            &serde_json::json!({
                "agency": "ZJ-HZ-SC", "channel": "online",
                "applicant": {"kind": "person", "name": "司马·欣怡", "id_type": "resident_id",
                    "id_number": "11010519491231002X", "phone": "139 0013 9000",
                    "address": "杭州市上城区某某路8号"},
                "content": "请公开本区2026年老旧小区加装电梯补助资金发放名单及审批文件",
                "forms": ["electronic"], "delivery": "online",
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let id = r.body["id"].as_i64().expect("id");
    let r = w
        .app
        .post(
            &format!("/api/v1/cases/{id}/confirm"),
            Some(&clerk),
            &serde_json::json!({"received_on": today()}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);

    // On a phone, the applicant sends a photo of the identity card.
    let photo = files.path().join("身份证照片.jpg");
    let img = image::RgbImage::from_fn(800, 500, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 120])
    });
    img.save_with_format(&photo, image::ImageFormat::Jpeg)
        .expect("jpeg");
    w.login("demo-applicant", PHONE).await;
    w.goto(&format!("/my/cases/{id}")).await;
    w.choose_document("identity_proof", &photo).await;
    w.shot("applicant-chooses-phone").await;
    w.submit("#documents form button[type=submit]").await;
    assert_eq!(w.path().await, format!("/my/cases/{id}"));
    let list = w.text("#documents table").await;
    assert!(
        list.contains("身份证照片.jpg") && list.contains("身份证明"),
        "{list}"
    );
    w.fits("the applicant's case page with documents").await;
    w.shot("applicant-uploaded-phone").await;
    w.logout().await;

    // At the desk, the clerk keeps the envelope; a program named as a picture is refused
    // with the reason beside the field.
    let fake = files.path().join("信封.png");
    std::fs::write(&fake, b"MZ\x90\x00\x03\x00\x00\x00 not a picture").expect("write");
    w.login("demo-clerk", DESKTOP).await;
    w.goto(&format!("/work/cases/{id}")).await;
    w.choose_document("envelope", &fake).await;
    w.submit("#documents form button[type=submit]").await;
    let err = w.text("#documents\\.file-err").await;
    assert!(err.contains("不支持的文件类型"), "{err}");
    w.shot("clerk-refused-desktop").await;
    let envelope = files.path().join("信封扫描.png");
    image::RgbImage::from_pixel(600, 300, image::Rgb([240, 240, 230]))
        .save_with_format(&envelope, image::ImageFormat::Png)
        .expect("png");
    w.choose_document("envelope", &envelope).await;
    w.submit("#documents form button[type=submit]").await;
    let list = w.text("#documents table").await;
    assert!(list.contains("信封扫描.png"), "{list}");
    w.shot("clerk-uploaded-desktop").await;
    w.logout().await;

    // The handler keeps a third party's opinion (a PDF), on a phone and at the desk.
    let receipt = w
        .app
        .get(&format!("/api/v1/cases/{id}/letters"), Some(&clerk))
        .await;
    let letter_id = receipt.body[0]["id"].as_i64().expect("receipt");
    let pdf = w
        .app
        .client
        .get(w.app.url(&format!("/api/v1/letters/{letter_id}/pdf")))
        .bearer_auth(&clerk)
        .send()
        .await
        .expect("pdf")
        .bytes()
        .await
        .expect("bytes");
    let opinion = files.path().join("第三方意见.pdf");
    std::fs::write(&opinion, &pdf).expect("write");
    w.login("demo-handler", PHONE).await;
    w.goto(&format!("/work/cases/{id}")).await;
    w.choose_document("opinion", &opinion).await;
    w.submit("#documents form button[type=submit]").await;
    let list = w.text("#documents table").await;
    assert!(list.contains("第三方意见.pdf"), "{list}");
    w.fits("the handler's case page with documents").await;
    w.shot("handler-uploaded-phone").await;
    w.c.set_window_size(DESKTOP.0, DESKTOP.1)
        .await
        .expect("resize");
    w.goto(&format!("/work/cases/{id}#documents")).await;
    w.shot("handler-documents-desktop").await;

    // The information to provide carries the applicant's name, number and phone: the handler
    // opens it for redaction, sees the suggested boxes over the page and releases a copy.
    let provided = files.path().join("补助资金发放名单.pdf");
    let doc = yishen_letters::Document {
        title: "老旧小区加装电梯补助资金发放名单".into(),
        blocks: vec![yishen_letters::Block::Paragraph(
            "第一批：司马·欣怡，公民身份号码11010519491231002X，联系电话13900139000，补助金额十五万元。"
                .into(),
        )],
        signature: "某区住房和城乡建设局".into(),
        date: "2026年9月20日".into(),
    };
    let bytes = yishen_letters::Templates::shipped()
        .expect("templates")
        .render_document(&doc)
        .expect("pdf");
    std::fs::write(&provided, bytes).expect("write");
    w.choose_document("provided", &provided).await;
    w.submit("#documents form button[type=submit]").await;
    let list = w.text("#documents table").await;
    assert!(list.contains("补助资金发放名单.pdf"), "{list}");
    w.submit("#documents a[href$='/redact']").await;
    assert!(w.path().await.ends_with("/redact"));
    let boxes = w.text("#box-list").await;
    for kind in ["身份证号码", "手机号码", "当事人姓名"] {
        assert!(boxes.contains(kind), "{kind} not suggested: {boxes}");
    }
    w.fits("the redaction screen").await;
    w.shot("handler-redacts-desktop").await;
    w.c.set_window_size(PHONE.0, PHONE.1).await.expect("resize");
    w.fits("the redaction screen on a phone").await;
    w.shot("handler-redacts-phone").await;
    w.c.set_window_size(DESKTOP.0, DESKTOP.1)
        .await
        .expect("resize");
    w.submit("#redact-form button[type=submit]").await;
    assert_eq!(w.path().await, format!("/work/cases/{id}"));
    let list = w.text("#documents table").await;
    assert!(list.contains("补助资金发放名单（遮盖后）.pdf"), "{list}");
    w.shot("handler-released-desktop").await;

    // A scanned page as a picture: no text layer, so the screen says to draw every box.
    let scan = files.path().join("签收单扫描件.png");
    image::RgbImage::from_fn(900, 640, |x, y| {
        if (200..230).contains(&y) && (120..600).contains(&x) && (x / 7) % 2 == 0 {
            image::Rgb([60, 60, 60])
        } else {
            image::Rgb([248, 248, 244])
        }
    })
    .save_with_format(&scan, image::ImageFormat::Png)
    .expect("scan");
    w.choose_document("provided", &scan).await;
    w.submit("#documents form button[type=submit]").await;
    w.submit("#documents tr:last-child a[href$='/redact']")
        .await;
    let hint = w.body().await;
    assert!(hint.contains("这是一张图片，没有文字层"), "{hint}");
    w.c.set_window_size(PHONE.0, PHONE.1).await.expect("resize");
    w.fits("the redaction screen of a picture on a phone").await;
    w.shot("handler-redacts-picture-phone").await;
    w.c.set_window_size(DESKTOP.0, DESKTOP.1)
        .await
        .expect("resize");
    w.logout().await;

    // The legal adviser reviews the boxes over the original, each with its ground.
    w.login("demo-legal", DESKTOP).await;
    w.goto(&format!("/work/cases/{id}#documents")).await;
    let list = w.text("#documents table").await;
    assert!(
        list.contains("遮盖件，随答复送达") && list.contains("原件，不送达"),
        "{list}"
    );
    w.submit("#documents a[href$='/redaction-review']").await;
    let listed = w.text("ol.review-boxes").await;
    assert!(
        listed.contains("第1页") && listed.contains("第三方合法权益"),
        "{listed}"
    );
    w.fits("the redaction review").await;
    w.shot("legal-reviews-redaction-desktop").await;
    w.c.set_window_size(PHONE.0, PHONE.1).await.expect("resize");
    w.fits("the redaction review on a phone").await;
    w.shot("legal-reviews-redaction-phone").await;
    w.logout().await;

    // The applicant sees their photo, not the agency's material.
    w.login("demo-applicant", PHONE).await;
    w.goto(&format!("/my/cases/{id}")).await;
    let list = w.text("#documents table").await;
    assert!(list.contains("身份证照片.jpg"), "{list}");
    assert!(
        !list.contains("第三方意见") && !list.contains("信封") && !list.contains("遮盖后"),
        "{list}"
    );
    w.shot("applicant-sees-own-phone").await;
    w.c.close().await.expect("close");
}

/// A question asked on a phone without an account, answered and published by the clerk at a
/// desk, read back by its code and in the FAQ; a released reply published in the reading
/// room; the filing page suggesting both while the applicant types; the handler's draft form
/// with its prediction beside the disposition picker.
#[tokio::test]
async fn consultation_faq_reading_room_and_prediction_at_work() {
    let driver = start_driver().await;
    let app = spawn_app().await;
    let c = browser(&driver).await;
    let mut w = Walk {
        c,
        app,
        dir: screenshot_dir().join("consultation"),
        n: 0,
    };
    std::fs::create_dir_all(&w.dir).expect("dir");

    // On a phone, without an account: an empty form is refused field by field.
    w.c.set_window_size(PHONE.0, PHONE.1).await.expect("resize");
    w.goto("/inquiries/new").await;
    w.submit("form.form button[type=submit]").await;
    let body = w.body().await;
    assert!(
        body.contains("请选择咨询的机关") && body.contains("咨询内容至少5个字"),
        "{body}"
    );
    assert!(body.contains("联系电话或电子邮件"), "{body}");
    w.shot("ask-refused-phone").await;
    w.select("#agency", "ZJ-HZ-SC").await;
    w.fill(
        "#question",
        "请问老旧小区加装电梯的补助标准在哪里公开？我家住在某某小区。",
    )
    .await;
    w.fill("#name", "欧阳𪚥").await;
    w.fill("#phone", "１３８ ０５７１ ２２３３").await;
    w.submit("form.form button[type=submit]").await;
    let code = w.text("#inquiry-code").await;
    assert_eq!(code.len(), 12, "{code}");
    w.shot("asked-phone").await;

    // At a desk, the clerk sees it due on the queue and answers it, publishing it.
    w.login("demo-clerk", DESKTOP).await;
    w.goto("/work").await;
    let notice = w.text("#inquiry-notice").await;
    assert!(notice.contains("待答复的线上咨询1件"), "{notice}");
    w.submit("#inquiry-notice a").await;
    w.shot("clerk-inquiries-desktop").await;
    w.submit("table.queue tbody a").await;
    w.fill(
        "#answer",
        "欧阳𪚥您好：老旧小区加装电梯补助标准已在区住建局网站“政策文件”栏目主动公开，可直接查阅。",
    )
    .await;
    w.click("#publish").await;
    w.shot("clerk-answers-desktop").await;
    w.submit("form.form button[type=submit]").await;
    let body = w.body().await;
    assert!(body.contains("已作为常见问题公开"), "{body}");
    w.shot("clerk-answered-desktop").await;
    w.logout().await;

    // Back on the phone: the answer by its code, and the FAQ without the asker's name.
    w.c.set_window_size(PHONE.0, PHONE.1).await.expect("resize");
    w.goto(&format!("/inquiries?code={code}")).await;
    let answer = w.text("#inquiry-answer").await;
    assert!(answer.contains("政策文件"), "{answer}");
    w.shot("answer-phone").await;
    w.goto("/faq?q=加装电梯补助").await;
    let faq = w.body().await;
    assert!(
        faq.contains("加装电梯的补助标准") && !faq.contains("欧阳"),
        "{faq}"
    );
    w.shot("faq-phone").await;

    // A released reply in the reading room (published through the API by the handler).
    let handler = w.app.token("demo-handler").await;
    let lines: String = [
        (
            "请公开望江地区旧城改造项目房屋征收补偿方案",
            "unavailable_not_held",
        ),
        (
            "请公开本区旧城改造项目的房屋征收补偿标准及批准文件",
            "unavailable_not_held",
        ),
        (
            "申请获取清波街道征收项目的补偿安置方案和征收决定",
            "disclosed",
        ),
    ]
    .iter()
    .enumerate()
    .map(|(i, (content, d))| {
        format!(
            "{}\n",
            serde_json::json!({
                "external_id": format!("B-{i}"), "agency": "ZJ-HZ-SC", "channel": "in_person",
                "received_on": "2025-03-03",
                "applicant": {"kind": "person", "name": "王五", "id_type": "resident_id",
                              "id_number": "11010519491231002X", "phone": "13800138000"},
                "content": content, "disposition": d, "concluded_on": "2025-03-25",
                "reasons": "经检索未找到相关信息",
            })
        )
    })
    .collect();
    let r = yishen_app::services::import::import(&w.app.state, std::io::Cursor::new(lines))
        .await
        .expect("import");
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    w.app.index_settled().await;
    // The imported disclosed case has no document; publishing it is refused in the page.
    w.login("demo-handler", DESKTOP).await;
    // A new registration like the old ones: the draft form shows the prediction.
    let clerk = w.app.token("demo-clerk").await;
    let r = w
        .app
        .post(
            "/api/v1/cases",
            Some(&clerk),
            &serde_json::json!({
                "agency": "ZJ-HZ-SC", "channel": "in_person", "received_on": today(),
                "applicant": {"kind": "person", "name": "上官婉儿", "id_type": "resident_id",
                    "id_number": "11010519491231002X", "phone": "0571-8765 4321"},
                "content": "请公开望江地区旧城改造项目的征收补偿方案及其批准文件",
                "forms": ["paper"], "delivery": "pickup"
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let id = r.body["id"].as_i64().expect("id");
    w.goto(&format!("/work/cases/{id}")).await;
    let prediction = w.text("#prediction").await;
    assert!(
        prediction.contains("案件预判") && prediction.contains("无法提供"),
        "{prediction}"
    );
    w.shot("handler-prediction-desktop").await;
    w.c.set_window_size(PHONE.0, PHONE.1).await.expect("resize");
    w.shot("handler-prediction-phone").await;
    let _ = handler;
    w.logout().await;

    // The filing page suggests the published answer while the applicant types.
    w.login("demo-applicant", PHONE).await;
    w.goto("/apply").await;
    w.select("#agency", "ZJ-HZ-SC").await;
    w.fill("#content", "请公开老旧小区加装电梯的补助标准").await;
    let suggested = w.shown_text("#suggestions").await;
    assert!(suggested.contains("常见问题"), "{suggested}");
    w.shot("apply-suggestions-phone").await;
    // The form that showed them is counted for the agency.
    let clerk = w.app.token("demo-clerk").await;
    let mut shown = 0;
    for _ in 0..50 {
        let r = w.app.get("/api/v1/stats/deflection", Some(&clerk)).await;
        shown = r.body["months"][0]["shown"].as_i64().unwrap_or(0);
        if shown == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(shown, 1);
    w.logout().await;

    // The reading room on a phone, before anything is published.
    w.goto("/reading-room").await;
    let body = w.body().await;
    assert!(body.contains("没有符合条件的公开信息"), "{body}");
    w.shot("reading-room-empty-phone").await;

    // A reply that released a document, published by the handler from the case page.
    let id = answered_with_document(&w.app).await;
    w.login("demo-handler", DESKTOP).await;
    w.goto(&format!("/work/cases/{id}")).await;
    w.fill("#rr-title", "张三申请的补偿方案").await;
    w.fill("#rr-topic", "征收补偿").await;
    w.fill(
        "#rr-description",
        "本机关答复申请时提供了望江地区旧城改造项目征收补偿方案，现转为主动公开。",
    )
    .await;
    w.submit("#reading-room form.form button[type=submit]")
        .await;
    let refused = w.text("#reading-room").await;
    assert!(refused.contains("不得含有个人信息"), "{refused}");
    w.shot("handler-publish-refused-desktop").await;
    w.fill("#rr-title", "望江地区旧城改造项目征收补偿方案")
        .await;
    w.submit("#reading-room form.form button[type=submit]")
        .await;
    let published = w.text("#reading-room").await;
    assert!(published.contains("已公开"), "{published}");
    w.shot("handler-published-desktop").await;
    w.logout().await;
    w.c.set_window_size(PHONE.0, PHONE.1).await.expect("resize");
    w.goto("/reading-room?q=旧城改造补偿").await;
    w.shot("reading-room-phone").await;
    w.submit("ul.cards a").await;
    let entry = w.body().await;
    assert!(
        entry.contains("附件1.pdf") && !entry.contains("张三"),
        "{entry}"
    );
    w.shot("reading-room-entry-phone").await;
    w.c.close().await.expect("close");
}

/// An online application answered 予以公开 with a PDF sent with the reply, delivered; its id.
async fn answered_with_document(app: &TestApp) -> i64 {
    use serde_json::json;
    let applicant = app.token("demo-applicant").await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let legal = app.token("demo-legal").await;
    let r = app
        .post(
            "/api/v1/cases",
            Some(&applicant),
            &json!({
                "agency": "ZJ-HZ-SC", "channel": "online",
                "applicant": {"kind": "person", "name": "张三", "id_type": "resident_id",
                    "id_number": "11010519491231002X", "phone": "13900139000"},
                "content": "请公开望江地区旧城改造项目征收补偿方案",
                "forms": ["electronic"], "delivery": "online",
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let id = r.body["id"].as_i64().expect("id");
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/confirm"),
            Some(&clerk),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let pdf = yishen_letters::Templates::shipped()
        .expect("templates")
        .render_document(&yishen_letters::Document {
            title: "望江地区旧城改造项目征收补偿方案".into(),
            blocks: vec![yishen_letters::Block::Paragraph(
                "补偿标准按评估价格确定，另给予搬迁费和临时安置费。".repeat(5),
            )],
            signature: "杭州市上城区人民政府".into(),
            date: "2026年3月2日".into(),
        })
        .expect("pdf");
    let form = reqwest::multipart::Form::new()
        .text("purpose", "provided")
        .part(
            "file",
            reqwest::multipart::Part::bytes(pdf)
                .file_name("补偿方案（申请人张三）.pdf")
                .mime_str("application/pdf")
                .expect("mime"),
        );
    let res = app
        .client
        .post(app.url(&format!("/api/v1/cases/{id}/documents")))
        .bearer_auth(&handler)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(res.status().as_u16(), 201);
    for (path, token, body) in [
        (
            "draft",
            &handler,
            json!({"disposition": "disclosed", "provided": ["望江地区旧城改造项目征收补偿方案"]}),
        ),
        ("submit", &handler, json!({})),
        (
            "review",
            &legal,
            json!({"decision": "approve", "comments": "同意"}),
        ),
        ("issue", &handler, json!({})),
        (
            "delivery",
            &clerk,
            json!({"method": "in_person", "on": today()}),
        ),
    ] {
        let r = app
            .post(&format!("/api/v1/cases/{id}/{path}"), Some(token), &body)
            .await;
        assert_eq!(r.status, 200, "{path}: {:?}", r.body);
    }
    id
}
