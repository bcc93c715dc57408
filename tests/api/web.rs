//! The web pages over plain HTTP: session cookie flags, CSRF rejection, logout revocation,
//! escaping, the phone viewport and labelled fields.

use std::collections::HashSet;

use crate::cases::VALID_ID;
use crate::helpers::{DEMO_PASSWORD, TestApp, spawn_app};

/// A browser-like client: keeps cookies, does not follow redirects.
pub(crate) fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// An `application/x-www-form-urlencoded` body.
fn encode(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

trait FormExt {
    fn form_body(self, pairs: &[(&str, &str)]) -> Self;
}

impl FormExt for reqwest::RequestBuilder {
    fn form_body(self, pairs: &[(&str, &str)]) -> Self {
        self.header("content-type", "application/x-www-form-urlencoded")
            .body(encode(pairs))
    }
}

/// The value of `name="csrf"` in a page.
fn csrf(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a csrf field");
    let rest = &html[at + "name=\"csrf\" value=\"".len()..];
    rest[..rest.find('"').expect("end")].to_owned()
}

/// `name=value` of a `Set-Cookie` header for `name`.
fn set_cookie(res: &reqwest::Response, name: &str) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

fn pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().expect("pair").to_owned()
}

/// Posts the login form as a browser would (the pre-login CSRF cookie and token first).
async fn post_login_form(
    app: &TestApp,
    c: &reqwest::Client,
    user: &str,
    pw: &str,
) -> reqwest::Response {
    let page = c.get(app.url("/login")).send().await.expect("get");
    let anon = pair(&set_cookie(&page, "yishen_csrf").expect("pre-login csrf cookie"));
    let token = csrf(&page.text().await.expect("html"));
    c.post(app.url("/login"))
        .header("cookie", &anon)
        .form_body(&[
            ("csrf", token.as_str()),
            ("username", user),
            ("password", pw),
        ])
        .send()
        .await
        .expect("post")
}

/// Logs in through the login page; answers the session cookie pair and the raw header.
pub(crate) async fn web_login(
    app: &TestApp,
    c: &reqwest::Client,
    user: &str,
    pw: &str,
) -> (String, String) {
    let res = post_login_form(app, c, user, pw).await;
    assert_eq!(res.status().as_u16(), 303, "login redirects");
    let raw = set_cookie(&res, "yishen_session").expect("session cookie");
    (pair(&raw), raw)
}

/// Posts the login form and answers what came back (status and page), whatever it is.
pub(crate) async fn web_login_attempt(
    app: &TestApp,
    c: &reqwest::Client,
    user: &str,
    pw: &str,
) -> (u16, String) {
    let res = post_login_form(app, c, user, pw).await;
    (res.status().as_u16(), res.text().await.expect("html"))
}

/// The status of a page and where it redirects, if it does.
pub(crate) async fn redirect_of(
    app: &TestApp,
    c: &reqwest::Client,
    cookie: &str,
    path: &str,
) -> (u16, Option<String>) {
    let res = c
        .get(app.url(path))
        .header("cookie", cookie)
        .send()
        .await
        .expect("get");
    let to = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (res.status().as_u16(), to)
}

pub(crate) async fn page(
    app: &TestApp,
    c: &reqwest::Client,
    cookie: &str,
    path: &str,
) -> (u16, String) {
    let res = c
        .get(app.url(path))
        .header("cookie", cookie)
        .send()
        .await
        .expect("get");
    (res.status().as_u16(), res.text().await.expect("html"))
}

#[tokio::test]
async fn the_session_cookie_is_http_only_strict_and_path_wide() {
    let app = spawn_app().await;
    let c = browser();
    let (_, raw) = web_login(&app, &c, "demo-clerk", DEMO_PASSWORD).await;
    let lower = raw.to_ascii_lowercase();
    assert!(lower.contains("httponly"), "{raw}");
    assert!(lower.contains("samesite=strict"), "{raw}");
    assert!(lower.contains("path=/"), "{raw}");
    // Plain-http tests run with Secure off (YISHEN_COOKIE_SECURE turns it on).
    assert!(
        !lower.contains("secure;") && !lower.ends_with("secure"),
        "{raw}"
    );
}

#[tokio::test]
async fn a_post_without_the_right_csrf_token_is_refused_in_chinese() {
    let app = spawn_app().await;
    let c = browser();
    let (cookie, _) = web_login(&app, &c, "demo-applicant", DEMO_PASSWORD).await;
    for token in [None, Some("forged-token")] {
        let mut form = vec![("content", "请公开本区2025年旧城改造项目征收补偿方案")];
        if let Some(t) = token {
            form.push(("csrf", t));
        }
        let res = c
            .post(app.url("/apply"))
            .header("cookie", &cookie)
            .form_body(&form)
            .send()
            .await
            .expect("post");
        assert_eq!(res.status().as_u16(), 403);
        let html = res.text().await.expect("html");
        assert!(html.contains("表单已失效"), "{html}");
    }
    // Logging in needs the pre-login token too.
    let res = c
        .post(app.url("/login"))
        .form_body(&[("username", "demo-clerk"), ("password", DEMO_PASSWORD)])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 403);
}

#[tokio::test]
async fn logout_revokes_the_session_on_the_server() {
    let app = spawn_app().await;
    let c = browser();
    let (cookie, _) = web_login(&app, &c, "demo-handler", DEMO_PASSWORD).await;
    let (status, html) = page(&app, &c, &cookie, "/work").await;
    assert_eq!(status, 200);
    let token = csrf(&html);
    let res = c
        .post(app.url("/logout"))
        .header("cookie", &cookie)
        .form_body(&[("csrf", token.as_str())])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 303);
    // The old cookie, replayed, no longer opens anything.
    assert_eq!(
        redirect_of(&app, &c, &cookie, "/work").await,
        (303, Some("/login".to_owned()))
    );
}

#[tokio::test]
async fn text_from_an_application_is_escaped_on_the_pages() {
    let app = spawn_app().await;
    let c = browser();
    let (cookie, _) = web_login(&app, &c, "demo-applicant", DEMO_PASSWORD).await;
    let (_, html) = page(&app, &c, &cookie, "/apply").await;
    let token = csrf(&html);
    let res = c
        .post(app.url("/apply"))
        .header("cookie", &cookie)
        .form_body(&[
            ("csrf", token.as_str()),
            ("agency", "ZJ-HZ-SC"),
            ("kind", "person"),
            ("category", "natural_person"),
            ("applicant.name", "王五"),
            ("applicant.id_type", "resident_id"),
            ("applicant.id_number", VALID_ID),
            ("applicant.phone", "13800138000"),
            (
                "content",
                "<script>alert('x')</script>请公开本区旧城改造项目征收补偿方案",
            ),
            ("form_electronic", "1"),
            ("delivery", "online"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 200);
    let (_, html) = page(&app, &c, &cookie, "/my").await;
    let id = html
        .split("href=\"/my/cases/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a case link")
        .to_owned();
    let (_, html) = page(&app, &c, &cookie, &format!("/my/cases/{id}")).await;
    assert!(!html.contains("<script>alert"), "raw script on the page");
    assert!(
        escaped(&html),
        "escaped text shown: {:?}",
        html.lines().find(|l| l.contains("alert"))
    );
    // No personal data in URLs: the identity number never appears in any link.
    assert!(!html.contains(VALID_ID));
    let staff = browser();
    let (cookie, _) = web_login(&app, &staff, "demo-clerk", DEMO_PASSWORD).await;
    let (_, html) = page(&app, &staff, &cookie, &format!("/work/cases/{id}")).await;
    assert!(!html.contains("<script>alert") && escaped(&html));
}

/// The request's `<script>` shown as text (named or numeric character references).
fn escaped(html: &str) -> bool {
    html.contains("&lt;script&gt;alert") || html.contains("&#60;script&#62;alert")
}

/// Every `<label for=…>` names an element id on the page, and every visible input, select
/// and textarea has a label.
fn check_labels(path: &str, html: &str) {
    let ids: HashSet<&str> = html
        .split(" id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    let fors: Vec<&str> = html
        .split("<label for=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    for f in &fors {
        assert!(ids.contains(f), "{path}: label for=\"{f}\" has no field");
    }
    for tag in ["<input ", "<select ", "<textarea "] {
        for chunk in html.split(tag).skip(1) {
            let head = &chunk[..chunk.find('>').unwrap_or(chunk.len())];
            if head.contains("type=\"hidden\"") {
                continue;
            }
            let id = head
                .split("id=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap_or_else(|| panic!("{path}: a field without an id: {head}"));
            assert!(fors.contains(&id), "{path}: field {id} has no label");
        }
    }
}

#[tokio::test]
async fn pages_fit_a_phone_and_label_every_field() {
    let app = spawn_app().await;
    let c = browser();
    let mut pages = Vec::new();
    for path in ["/", "/login", "/register", "/track"] {
        let res = c.get(app.url(path)).send().await.expect("get");
        assert_eq!(res.status().as_u16(), 200, "{path}");
        pages.push((path.to_owned(), res.text().await.expect("html")));
    }
    let (cookie, _) = web_login(&app, &c, "demo-applicant", DEMO_PASSWORD).await;
    for path in ["/apply", "/my"] {
        let (status, html) = page(&app, &c, &cookie, path).await;
        assert_eq!(status, 200, "{path}");
        pages.push((path.to_owned(), html));
    }
    // A case for the staff pages: the handler's page carries every drafting form.
    let applicant = app.token("demo-applicant").await;
    let clerk = app.token("demo-clerk").await;
    let mut body = crate::cases::registration("2026-03-02");
    body["channel"] = serde_json::json!("online");
    body.as_object_mut().expect("object").remove("received_on");
    let r = app.post("/api/v1/cases", Some(&applicant), &body).await;
    let id = r.body["id"].as_i64().expect("id");
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/confirm"),
            Some(&clerk),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let case = format!("/work/cases/{id}");
    for (user, paths) in [
        ("demo-clerk", vec!["/work", case.as_str()]),
        ("demo-handler", vec![case.as_str()]),
        ("demo-approver", vec![case.as_str()]),
        (
            "demo-reconsideration",
            vec!["/stats", "/stats/annual?year=2026", case.as_str()],
        ),
        (
            "demo-sysadmin",
            vec!["/admin/agencies", "/admin/users", "/admin/calendar"],
        ),
    ] {
        let (cookie, _) = web_login(&app, &c, user, DEMO_PASSWORD).await;
        for path in paths {
            let (status, html) = page(&app, &c, &cookie, path).await;
            assert_eq!(status, 200, "{user} {path}");
            pages.push((format!("{user} {path}"), html));
        }
    }
    for (path, html) in &pages {
        assert!(html.contains("<html lang=\"zh-CN\">"), "{path}");
        assert!(
            html.contains(
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            ),
            "{path}"
        );
        check_labels(path, html);
    }
    let css = c.get(app.url("/static/app.css")).send().await.expect("css");
    assert_eq!(css.status().as_u16(), 200);
    assert!(css.headers().get("cache-control").is_some());
}

#[tokio::test]
async fn an_unknown_page_is_a_chinese_page_and_an_unknown_api_route_a_problem() {
    let app = spawn_app().await;
    let c = browser();
    let res = c.get(app.url("/no-such-page")).send().await.expect("get");
    assert_eq!(res.status().as_u16(), 404);
    assert!(
        res.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"))
    );
    assert!(res.text().await.expect("html").contains("页面不存在"));
    let r = app.get("/api/v1/no-such-route", None).await;
    crate::helpers::assert_problem(&r, 404, "route_not_found");
}

#[tokio::test]
async fn the_case_page_offers_the_article_35_steps_and_the_dossier_once_a_mass_flag_is_confirmed() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let handler_token = app.token("demo-handler").await;
    let id = crate::screening::mass_case(&app, &clerk).await;
    let c = browser();
    let (handler, _) = web_login(&app, &c, "demo-handler", DEMO_PASSWORD).await;
    let path = format!("/work/cases/{id}");
    let (status, html) = page(&app, &c, &handler, &path).await;
    assert_eq!(status, 200);
    assert!(html.contains("申请人档案"), "the dossier link");
    assert!(
        !html.contains("form-article35-reasons"),
        "not before a confirmation"
    );
    check_labels(&path, &html);

    crate::screening::confirm_volume(&app, &handler_token, id).await;
    let (_, html) = page(&app, &c, &handler, &path).await;
    assert!(
        html.contains("form-article35-reasons"),
        "offered once confirmed"
    );
    check_labels(&path, &html);
    let version = html
        .split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("version")
        .to_owned();
    let res = c
        .post(app.url(&format!("/work/cases/{id}/article35-reasons")))
        .header("cookie", &handler)
        .form_body(&[
            ("csrf", csrf(&html).as_str()),
            ("version", version.as_str()),
            (
                "reasons",
                "您于2026年3月内累计向本机关提出政府信息公开申请13件",
            ),
            ("deadline", "2026-12-31"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 303, "{:?}", res.text().await);
    let (_, html) = page(&app, &c, &handler, &path).await;
    assert!(
        html.contains("说明理由告知书"),
        "the notice is among the letters"
    );
    assert!(!html.contains("form-article35-reasons"), "asked once");

    let approver_client = browser();
    let (approver, _) = web_login(&app, &approver_client, "demo-approver", DEMO_PASSWORD).await;
    let (_, html) = page(&app, &approver_client, &approver, &path).await;
    assert!(html.contains("form-article35-decision"));
    check_labels(&path, &html);

    let res = c
        .get(app.url(&format!("/work/cases/{id}/dossier.pdf")))
        .header("cookie", &handler)
        .send()
        .await
        .expect("pdf");
    assert_eq!(res.status().as_u16(), 200);
    let text = crate::letters::pdftotext(&res.bytes().await.expect("bytes"));
    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(flat.contains("申请人档案"), "{text}");
    assert!(!flat.contains("13900000031"), "no phone in the dossier");
}

#[tokio::test]
async fn the_queue_is_paged() {
    let app = spawn_app().await;
    let lines: String = (0..60)
        .map(|i| {
            format!(
                "{}\n",
                serde_json::json!({"external_id": format!("Q-{i}"), "agency": "ZJ-HZ-SC",
                    "channel": "in_person", "received_on": "2026-09-01",
                    "applicant": crate::cases::person(),
                    "content": format!("请公开本区2026年第{i}号文件")})
            )
        })
        .collect();
    let r = yishen_app::services::import::import(&app.state, std::io::Cursor::new(lines))
        .await
        .expect("import");
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let c = browser();
    let (cookie, _) = web_login(&app, &c, "demo-clerk", DEMO_PASSWORD).await;
    let (status, html) = page(&app, &c, &cookie, "/work").await;
    assert_eq!(status, 200);
    assert!(html.contains("共60件"), "the total");
    assert!(html.contains("第1页，共2页"), "the pager");
    let case_links = |html: &str| {
        html.matches("href=\"/work/cases/").count()
            - html.matches("href=\"/work/cases/new\"").count()
    };
    assert_eq!(case_links(&html), 50);
    assert!(
        html.contains("href=\"/work?page=2\""),
        "a link to the next page"
    );
    let (_, html) = page(&app, &c, &cookie, "/work?page=2").await;
    assert_eq!(case_links(&html), 10);
    assert!(html.contains("href=\"/work?page=1\""), "a link back");
}

#[tokio::test]
async fn each_queue_opens_on_its_roles_work_and_the_search_box_posts() {
    let app = spawn_app().await;
    // A closed case from 2021 and two open ones received this month.
    let lines = [
        serde_json::json!({"external_id": "OLD-1", "agency": "ZJ-HZ-SC", "channel": "in_person",
            "received_on": "2021-03-01", "applicant": crate::cases::person(),
            "content": "请公开本区2020年度财政预算执行情况报告", "disposition": "disclosed",
            "concluded_on": "2021-03-20"}),
        serde_json::json!({"external_id": "NEW-1", "agency": "ZJ-HZ-SC", "channel": "in_person",
            "received_on": "2026-09-01", "applicant": crate::cases::person(),
            "content": "请公开本区2026年老旧小区改造项目清单"}),
        serde_json::json!({"external_id": "NEW-2", "agency": "ZJ-HZ-SC", "channel": "in_person",
            "received_on": "2026-08-20", "applicant": {"kind": "person", "name": "李四",
            "id_type": "resident_id", "id_number": VALID_ID, "phone": "0571-87654321"},
            "content": "请公开本区2026年道路维修工程招标文件"}),
    ]
    .iter()
    .map(|l| format!("{l}\n"))
    .collect::<String>();
    let r = yishen_app::services::import::import(&app.state, std::io::Cursor::new(lines))
        .await
        .expect("import");
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let c = browser();
    let (clerk, _) = web_login(&app, &c, "demo-clerk", DEMO_PASSWORD).await;
    let (_, html) = page(&app, &c, &clerk, "/work").await;
    assert!(
        html.contains("共2件"),
        "the closed case is out of the default view: {html}"
    );
    assert!(!html.contains("财政预算执行情况"));
    let (_, all) = page(&app, &c, &clerk, "/work?status=all").await;
    assert!(all.contains("共3件"), "{all}");
    // The old closed case is never marked due soon or overdue.
    let old_row = all
        .split("<tr")
        .find(|r| r.contains("财政预算执行情况"))
        .expect("the old case's row");
    assert!(
        !old_row.contains("即将到期") && !old_row.contains("已逾期"),
        "{old_row}"
    );

    // The search box posts: the phone never appears in an address.
    let (_, html) = page(&app, &c, &clerk, "/work").await;
    let res = c
        .post(app.url("/work/search"))
        .header("cookie", &clerk)
        .form_body(&[("csrf", csrf(&html).as_str()), ("q", "0571 8765 4321")])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 200);
    let found = res.text().await.expect("html");
    assert!(found.contains("共1件"), "{found}");
    assert!(found.contains("道路维修工程"), "{found}");

    // The legal adviser's queue opens on drafts awaiting review: none yet.
    let (legal, _) = web_login(&app, &c, "demo-legal", DEMO_PASSWORD).await;
    let (_, html) = page(&app, &c, &legal, "/work").await;
    assert!(html.contains("共0件"), "{html}");
}

/// The value of the hidden `name="submission"` field of a filing form.
fn submission(html: &str) -> String {
    let at = html
        .find("name=\"submission\" value=\"")
        .expect("a submission token");
    let rest = &html[at + "name=\"submission\" value=\"".len()..];
    rest[..rest.find('"').expect("end")].to_owned()
}

#[tokio::test]
async fn a_clerk_registers_a_walk_in_application_once_and_prints_the_receipt() {
    let app = spawn_app().await;
    let c = browser();
    let (clerk, _) = web_login(&app, &c, "demo-clerk", DEMO_PASSWORD).await;
    let (_, queue) = page(&app, &c, &clerk, "/work").await;
    assert!(
        queue.contains("href=\"/work/cases/new\""),
        "a link to the page"
    );
    let (status, html) = page(&app, &c, &clerk, "/work/cases/new").await;
    assert_eq!(status, 200);
    for rule in [
        "第三十一条第（一）项",
        "第三十一条第（二）项",
        "第三十一条第（三）项",
    ] {
        assert!(
            html.contains(rule),
            "the receipt rules beside the date: {rule}"
        );
    }
    let channel_select = html
        .split("id=\"channel\"")
        .nth(1)
        .and_then(|s| s.split("</select>").next())
        .expect("the channel select");
    assert!(
        !channel_select.contains("value=\"online\""),
        "online applications are filed by applicants"
    );
    check_labels("/work/cases/new", &html);
    let token = submission(&html);
    let fields = |received_on: &'static str, token: &str, csrf_token: &str| {
        vec![
            ("csrf".to_owned(), csrf_token.to_owned()),
            ("submission".to_owned(), token.to_owned()),
            ("channel".to_owned(), "registered_post".to_owned()),
            ("received_on".to_owned(), received_on.to_owned()),
            ("agency".to_owned(), "ZJ-HZ-SC".to_owned()),
            ("kind".to_owned(), "person".to_owned()),
            ("category".to_owned(), "natural_person".to_owned()),
            ("applicant.name".to_owned(), "买买提・艾力".to_owned()),
            ("applicant.id_type".to_owned(), "resident_id".to_owned()),
            (
                "applicant.id_number".to_owned(),
                "１１０１０５１９４９１２３１００２ｘ".to_owned(),
            ),
            ("applicant.phone".to_owned(), "0571 8765 4321".to_owned()),
            (
                "applicant.address".to_owned(),
                "杭州市上城区某某路8号".to_owned(),
            ),
            (
                "content".to_owned(),
                "请公开本区2026年老旧小区加装电梯补助资金发放名单".to_owned(),
            ),
            ("form_paper".to_owned(), "1".to_owned()),
            ("delivery".to_owned(), "post".to_owned()),
        ]
    };
    let post = |pairs: Vec<(String, String)>| {
        let c = c.clone();
        let url = app.url("/work/cases/new");
        let clerk = clerk.clone();
        async move {
            let pairs: Vec<(&str, &str)> = pairs
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let res = c
                .post(url)
                .header("cookie", &clerk)
                .form_body(&pairs)
                .send()
                .await
                .expect("post");
            let status = res.status().as_u16();
            let location = res
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            (status, location, res.text().await.expect("html"))
        }
    };
    let csrf_token = csrf(&html);
    // A date in the future is named on its field and nothing is registered.
    let (status, _, bad) = post(fields("2026-09-30", &token, &csrf_token)).await;
    assert_eq!(status, 422, "{bad}");
    assert!(bad.contains("received_on-err"), "{bad}");
    assert!(bad.contains("买买提・艾力"), "what was typed is kept");

    let (status, _, done) = post(fields("2026-09-14", &token, &csrf_token)).await;
    assert_eq!(status, 200, "{done}");
    assert!(done.contains("id=\"tracking-no\""), "{done}");
    assert!(done.contains("id=\"query-code\""), "the query code, once");
    assert!(
        done.contains("id=\"print-receipt\""),
        "the receipt to print"
    );
    // The same form again (a reload): no second case, the first one opens.
    let (status, location, _) = post(fields("2026-09-14", &token, &csrf_token)).await;
    assert_eq!(status, 303);
    assert!(
        location
            .as_deref()
            .is_some_and(|l| l.starts_with("/work/cases/")),
        "{location:?}"
    );
    let clerk_token = app.token("demo-clerk").await;
    let r = app.get("/api/v1/cases", Some(&clerk_token)).await;
    assert_eq!(r.body["total"], 1, "{:?}", r.body);
    let case = &r.body["items"][0];
    assert_eq!(case["applicant_name"], "买买提·艾力");
    assert_eq!(case["received_on"], "2026-09-14");
}

#[tokio::test]
async fn the_application_form_starts_from_the_profile_and_files_once() {
    let app = spawn_app().await;
    let c = browser();
    let (cookie, _) = web_login(&app, &c, "demo-applicant", DEMO_PASSWORD).await;
    let me = app
        .get("/api/v1/me", Some(&app.token("demo-applicant").await))
        .await;
    let (_, html) = page(&app, &c, &cookie, "/apply").await;
    let name = me.body["display_name"].as_str().expect("name");
    assert!(
        html.contains(&format!(
            "name=\"applicant.name\" required value=\"{name}\""
        )),
        "the profile's name is filled in"
    );
    let token = submission(&html);
    let csrf_token = csrf(&html);
    let pairs = [
        ("csrf", csrf_token.as_str()),
        ("submission", token.as_str()),
        ("agency", "ZJ-HZ-SC"),
        ("kind", "person"),
        ("category", "natural_person"),
        ("applicant.name", "王五"),
        ("applicant.id_type", "resident_id"),
        ("applicant.id_number", VALID_ID),
        ("applicant.phone", "138-0013-8000"),
        ("content", "请公开本区2026年老旧小区改造项目清单及资金安排"),
        ("form_electronic", "1"),
        ("delivery", "post"),
    ];
    // 邮寄 without an address: named on the address.
    let res = c
        .post(app.url("/apply"))
        .header("cookie", &cookie)
        .form_body(&pairs)
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 422);
    assert!(
        res.text()
            .await
            .expect("html")
            .contains("applicant.address-err")
    );
    let mut good = pairs.to_vec();
    good.push(("applicant.address", "杭州市上城区某某路9号"));
    for attempt in 0..2 {
        let res = c
            .post(app.url("/apply"))
            .header("cookie", &cookie)
            .form_body(&good)
            .send()
            .await
            .expect("post");
        let expected = if attempt == 0 { 200 } else { 303 };
        assert_eq!(res.status().as_u16(), expected, "attempt {attempt}");
    }
    let r = app
        .get("/api/v1/cases", Some(&app.token("demo-applicant").await))
        .await;
    assert_eq!(r.body["total"], 1, "filed once: {:?}", r.body);
}

#[tokio::test]
async fn the_handlers_queue_shows_what_the_clerk_assigned_to_them() {
    let app = spawn_app().await;
    let clerk_token = app.token("demo-clerk").await;
    let id = crate::cases::register(&app, &clerk_token, "2026-09-01").await;
    crate::cases::register(&app, &clerk_token, "2026-09-02").await;
    let c = browser();
    let (handler, _) = web_login(&app, &c, "demo-handler", DEMO_PASSWORD).await;
    let (_, html) = page(&app, &c, &handler, "/work").await;
    assert!(html.contains("共0件"), "nothing assigned yet: {html}");
    let (clerk, _) = web_login(&app, &c, "demo-clerk", DEMO_PASSWORD).await;
    let (_, html) = page(&app, &c, &clerk, &format!("/work/cases/{id}")).await;
    assert!(html.contains("id=\"form-assign\""), "the clerk may assign");
    check_labels("/work/cases/{id}", &html);
    let option = html
        .split("id=\"assign-user\"")
        .nth(1)
        .and_then(|s| s.split("<option value=\"").nth(2))
        .and_then(|s| s.split('"').next())
        .expect("a handler to pick")
        .to_owned();
    let version = html
        .split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("version")
        .to_owned();
    let res = c
        .post(app.url(&format!("/work/cases/{id}/assign")))
        .header("cookie", &clerk)
        .form_body(&[
            ("csrf", csrf(&html).as_str()),
            ("version", version.as_str()),
            ("user_id", option.as_str()),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status().as_u16(), 303);
    let (_, html) = page(&app, &c, &handler, "/work").await;
    assert!(html.contains("共1件"), "{html}");
    assert!(html.contains(&format!("href=\"/work/cases/{id}\"")));
    let (_, case_html) = page(&app, &c, &handler, &format!("/work/cases/{id}")).await;
    assert!(
        !case_html.contains("id=\"form-assign\""),
        "a handler does not assign"
    );
    assert!(case_html.contains("演示承办人") || case_html.contains("承办人"));
}

/// Posts a case page form: the page's CSRF token and the case's version go with it.
async fn post_case_form(
    app: &TestApp,
    c: &reqwest::Client,
    cookie: &str,
    id: i64,
    action: &str,
    fields: &[(&str, &str)],
) -> u16 {
    let (_, html) = page(app, c, cookie, &format!("/work/cases/{id}")).await;
    let version = html
        .split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("version")
        .to_owned();
    let token = csrf(&html);
    let mut pairs = vec![("csrf", token.as_str()), ("version", version.as_str())];
    pairs.extend_from_slice(fields);
    c.post(app.url(&format!("/work/cases/{id}/{action}")))
        .header("cookie", cookie)
        .form_body(&pairs)
        .send()
        .await
        .expect("post")
        .status()
        .as_u16()
}

#[tokio::test]
async fn the_handler_asks_for_an_extension_and_the_approver_sees_it_on_the_case() {
    let app = spawn_app().await;
    let clerk_token = app.token("demo-clerk").await;
    let id = crate::cases::register(&app, &clerk_token, "2026-09-01").await;
    let c = browser();
    let (handler, _) = web_login(&app, &c, "demo-handler", DEMO_PASSWORD).await;
    let (_, html) = page(&app, &c, &handler, &format!("/work/cases/{id}")).await;
    assert!(html.contains("id=\"form-extension-request\""));
    assert!(
        !html.contains("id=\"form-extension\""),
        "only the approver grants"
    );
    check_labels("/work/cases/{id} (handler)", &html);
    let status = post_case_form(
        &app,
        &c,
        &handler,
        id,
        "extension-request",
        &[
            ("working_days", "10"),
            ("reason", "涉及档案较多，需调取历史档案核查"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let (approver, _) = web_login(&app, &c, "demo-approver", DEMO_PASSWORD).await;
    // The approver's queue puts the request first and says what it is.
    let (_, html) = page(&app, &c, &approver, "/work").await;
    let first_row = html
        .split("<tbody>")
        .nth(1)
        .and_then(|b| b.split("</tr>").next());
    assert!(
        first_row.is_some_and(
            |r| r.contains(&format!("/work/cases/{id}\"")) && r.contains("延期申请待审批")
        ),
        "{first_row:?}"
    );
    let (_, html) = page(&app, &c, &approver, &format!("/work/cases/{id}")).await;
    assert!(html.contains("id=\"pending-extension\""), "{html}");
    assert!(html.contains("涉及档案较多，需调取历史档案核查"));
    assert!(html.contains("id=\"form-extension-refusal\""));
    check_labels("/work/cases/{id} (approver)", &html);
    let status = post_case_form(
        &app,
        &c,
        &approver,
        id,
        "extension",
        &[
            ("working_days", "10"),
            ("reason", "涉及档案较多，需调取历史档案核查"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let (_, html) = page(&app, &c, &approver, &format!("/work/cases/{id}")).await;
    assert!(!html.contains("id=\"pending-extension\""));
    assert!(
        html.contains("延期答复告知书"),
        "the notice is among the letters"
    );
    // The demo agency does not require sign-off: no sign-off form is offered anywhere.
    assert!(!html.contains("id=\"signoff\""));
    let (admin, _) = web_login(&app, &c, "demo-admin", DEMO_PASSWORD).await;
    let (_, html) = page(&app, &c, &admin, "/admin/agencies").await;
    assert!(
        html.contains("答复书须经负责人签发后才能出具"),
        "the setting is shown"
    );
}

#[tokio::test]
async fn the_adviser_reads_the_draft_and_the_handler_sees_the_return_comments_until_the_next_draft()
{
    let app = spawn_app().await;
    let clerk_token = app.token("demo-clerk").await;
    let id = crate::cases::register(&app, &clerk_token, "2026-09-01").await;
    let c = browser();
    let (handler, _) = web_login(&app, &c, "demo-handler", DEMO_PASSWORD).await;
    let draft = [
        ("disposition", "disclosed"),
        ("provided", "望江地区旧城改造项目征收补偿方案"),
    ];
    assert_eq!(
        post_case_form(&app, &c, &handler, id, "draft", &draft).await,
        303
    );
    assert_eq!(
        post_case_form(&app, &c, &handler, id, "submit", &[]).await,
        303
    );
    let (legal, _) = web_login(&app, &c, "demo-legal", DEMO_PASSWORD).await;
    let (_, html) = page(&app, &c, &legal, &format!("/work/cases/{id}")).await;
    let text = html
        .split("id=\"draft-text\"")
        .nth(1)
        .expect("the draft's text on the adviser's page");
    assert!(text.contains("望江地区旧城改造项目征收补偿方案"), "{text}");
    assert!(html.contains("/draft/preview"), "the PDF preview");
    assert!(html.contains("id=\"review\""));
    let comments = "请在附件说明中列明所提供文件的名称和文号";
    let status = post_case_form(
        &app,
        &c,
        &legal,
        id,
        "review",
        &[("decision", "return"), ("comments", comments)],
    )
    .await;
    assert_eq!(status, 303);
    let (_, html) = page(&app, &c, &handler, &format!("/work/cases/{id}")).await;
    let shown = html
        .split("id=\"returned-comments\"")
        .nth(1)
        .expect("the return comments on the handler's page");
    assert!(shown.contains(comments));
    assert_eq!(
        post_case_form(&app, &c, &handler, id, "draft", &draft).await,
        303
    );
    let (_, html) = page(&app, &c, &handler, &format!("/work/cases/{id}")).await;
    assert!(
        !html.contains("id=\"returned-comments\""),
        "gone with the next draft"
    );
}

#[tokio::test]
async fn downloads_carry_chinese_file_names() {
    let app = spawn_app().await;
    let clerk_token = app.token("demo-clerk").await;
    let id = crate::cases::register(&app, &clerk_token, "2026-09-01").await;
    let letters = app
        .get(&format!("/api/v1/cases/{id}/letters"), Some(&clerk_token))
        .await;
    let receipt = &letters.body[0];
    let number = receipt["number"].as_str().expect("number");
    let c = browser();
    let (clerk, _) = web_login(&app, &c, "demo-clerk", DEMO_PASSWORD).await;
    let res = c
        .get(app.url(&format!("/letters/{}/pdf", receipt["id"])))
        .header("cookie", &clerk)
        .send()
        .await
        .expect("pdf");
    assert_eq!(res.status().as_u16(), 200);
    let disposition = res
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .expect("a file name")
        .to_owned();
    let encoded: String = form_urlencoded::byte_serialize(format!("{number}.pdf").as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    assert!(
        disposition.contains(&format!("filename*=UTF-8''{encoded}")),
        "{disposition} vs {encoded}"
    );
}

#[tokio::test]
async fn an_admin_reactivates_an_account_changes_its_role_and_sets_a_new_password() {
    let app = spawn_app().await;
    let handler_id = app
        .get("/api/v1/me", Some(&app.token("demo-handler").await))
        .await
        .body["id"]
        .as_i64()
        .expect("id");
    let c = browser();
    let (admin, _) = web_login(&app, &c, "demo-admin", DEMO_PASSWORD).await;
    let post = |path: String, pairs: Vec<(&'static str, String)>| {
        let c = c.clone();
        let admin = admin.clone();
        let app = &app;
        async move {
            let (_, html) = page(app, &c, &admin, "/admin/users").await;
            let token = csrf(&html);
            let mut all: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
            all.extend(pairs.iter().map(|(k, v)| (*k, v.as_str())));
            c.post(app.url(&path))
                .header("cookie", &admin)
                .form_body(&all)
                .send()
                .await
                .expect("post")
                .status()
                .as_u16()
        }
    };
    let deactivate = format!("/admin/users/{handler_id}/deactivate");
    let update = format!("/admin/users/{handler_id}/update");
    assert_eq!(post(deactivate, vec![]).await, 303);
    assert_eq!(app.login("demo-handler", DEMO_PASSWORD).await.status, 401);
    let (_, html) = page(&app, &c, &admin, "/admin/users").await;
    assert!(html.contains("重新启用"));
    assert_eq!(
        post(update.clone(), vec![("activate", "1".into())]).await,
        303
    );
    assert_eq!(app.login("demo-handler", DEMO_PASSWORD).await.status, 200);
    // A password too simple is named and nothing changes.
    let status = post(update.clone(), vec![("password", "123".into())]).await;
    assert_eq!(status, 422);
    let new_password = "a-new-long-passphrase-2026";
    let status = post(
        update,
        vec![
            ("role", "legal_adviser".into()),
            ("password", new_password.into()),
        ],
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(app.login("demo-handler", DEMO_PASSWORD).await.status, 401);
    let r = app.login("demo-handler", new_password).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let token = r.body["access_token"].as_str().expect("token").to_owned();
    let me = app.get("/api/v1/me", Some(&token)).await;
    assert_eq!(me.body["role"], "legal_adviser");
}

#[tokio::test]
async fn a_new_holiday_year_is_entered_in_a_form_and_checked_for_plausibility() {
    let app = spawn_app().await;
    let c = browser();
    let (admin, _) = web_login(&app, &c, "demo-sysadmin", DEMO_PASSWORD).await;
    let post = |pairs: Vec<(&'static str, &'static str)>| {
        let c = c.clone();
        let admin = admin.clone();
        let app = &app;
        async move {
            let (_, html) = page(app, &c, &admin, "/admin/calendar").await;
            let token = csrf(&html);
            let mut all: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
            all.extend(pairs.iter().copied());
            let res = c
                .post(app.url("/admin/calendar"))
                .header("cookie", &admin)
                .form_body(&all)
                .send()
                .await
                .expect("post");
            (res.status().as_u16(), res.text().await.expect("html"))
        }
    };
    // A test arrangement for 2027 (not a published notice): dates typed as people do.
    let mut year: Vec<(&'static str, &'static str)> = vec![
        ("year", "２０２７"),
        ("h0_start", "2027-01-01"),
        ("h0_end", "2027-01-03"),
        ("h1_start", "2027-02-06"),
        ("h1_end", "2027/2/13"),
        ("h1_workdays", "2月14日、2027-02-20"),
        ("h2_start", "2027-04-03"),
        ("h2_end", "2027-04-05"),
        ("h3_start", "2027-05-01"),
        ("h3_end", "2027-05-05"),
        ("h4_start", "2027-06-09"),
        ("h4_end", "2027-06-11"),
        ("h5_start", "2027-09-15"),
        ("h5_end", "2027-09-17"),
        ("h6_start", "2027-10-01"),
        ("h6_end", "2027-10-07"),
        ("h6_workdays", "2027年9月26日 10月9日"),
    ];
    // Missing 清明节, a 调休 day on a Wednesday, a 劳动节 day outside the year: all named in
    // Chinese, the form keeps what was typed, and nothing is loaded.
    let mut bad = year.clone();
    bad.retain(|(k, _)| !k.starts_with("h2_"));
    bad.push(("h3_workdays", "2027-05-12"));
    bad.retain(|(k, _)| *k != "h3_start");
    bad.push(("h3_start", "2026-05-01"));
    let (status, html) = post(bad.clone()).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("请填写清明节放假的第一天日期"), "{html}");
    assert!(
        html.contains("value=\"2027/2/13\""),
        "the form keeps what was typed"
    );
    bad.extend([("h2_start", "2027-04-03"), ("h2_end", "2027-04-05")]);
    let (status, html) = post(bad).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("2027-05-12不是星期六或星期日"), "{html}");
    assert!(
        html.contains("“劳动节”的日期2026-05-01不在2027年内"),
        "{html}"
    );
    let ready = app.get("/readyz", None).await;
    assert!(
        ready.body["warning"]
            .as_str()
            .is_none_or(|w| w.contains("2027")),
        "{:?}",
        ready.body
    );
    let r = app
        .get(
            "/api/v1/calendar/due-date?from=2027-03-01&working_days=5",
            None,
        )
        .await;
    assert_eq!(r.status, 422, "2027 is still not loaded");

    year.push(("notice_number", "测试〔2026〕1号"));
    let (status, html) = post(year).await;
    assert_eq!(status, 303, "{html}");
    // 2027-02-14 (Sun) works, 02-06..13 rest: the fifth working day after 02-05 is 02-18.
    let r = app
        .get(
            "/api/v1/calendar/due-date?from=2027-02-05&working_days=5",
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["due_on"], "2027-02-18");
    let (_, html) = page(&app, &c, &admin, "/admin/calendar").await;
    assert!(html.contains("春节 2月6日至13日"), "{html}");
    assert!(html.contains("管理员录入"));
}

#[tokio::test]
async fn an_agency_admin_is_shown_only_what_it_may_change_and_agencies_by_name() {
    let app = spawn_app().await;
    let c = browser();
    let (admin, _) = web_login(&app, &c, "demo-admin", DEMO_PASSWORD).await;
    let (_, html) = page(&app, &c, &admin, "/admin/agencies").await;
    // One settings form and the seal's upload form, both of its own agency only.
    assert_eq!(
        html.matches("action=\"/admin/agencies/ZJ-HZ-SC\"").count(),
        1,
        "{html}"
    );
    assert_eq!(
        html.matches("action=\"/admin/agencies/").count(),
        html.matches("action=\"/admin/agencies/ZJ-HZ-SC").count(),
        "{html}"
    );
    assert!(html.contains("action=\"/admin/agencies/ZJ-HZ-SC/seal\""));
    assert!(
        !html.contains("新增机关"),
        "the tree is the system administrator's"
    );
    assert!(
        !html.contains("name=\"name\""),
        "renaming is the system administrator's"
    );
    let (_, html) = page(&app, &c, &admin, "/admin/users").await;
    assert!(
        html.contains("<select id=\"u-agency\" name=\"agency\">"),
        "{html}"
    );
    assert_eq!(
        html.matches("<option value=\"ZJ-").count(),
        1,
        "its own agency only"
    );
    for role in ["sysadmin", "reconsideration_body"] {
        assert!(
            !html.contains(&format!("<option value=\"{role}\"")),
            "{role} is not the agency admin's to give"
        );
    }
    let (sys, _) = web_login(&app, &c, "demo-sysadmin", DEMO_PASSWORD).await;
    let (_, html) = page(&app, &c, &sys, "/admin/agencies").await;
    assert!(html.contains("新增机关"));
    assert!(
        html.contains("<select id=\"n-parent\" name=\"parent\">"),
        "{html}"
    );
    let (_, html) = page(&app, &c, &sys, "/admin/users").await;
    assert!(html.contains("<option value=\"sysadmin\""));
}

#[tokio::test]
async fn the_queue_exports_what_it_shows_as_csv_and_xlsx() {
    let app = spawn_app().await;
    let clerk_token = app.token("demo-clerk").await;
    let id = crate::cases::register(&app, &clerk_token, "2026-09-01").await;
    let tracking = app
        .get(&format!("/api/v1/cases/{id}"), Some(&clerk_token))
        .await
        .body["tracking_no"]
        .as_str()
        .expect("tracking no")
        .to_owned();
    let c = browser();
    let (clerk, _) = web_login(&app, &c, "demo-clerk", DEMO_PASSWORD).await;
    let (_, html) = page(&app, &c, &clerk, "/work?status=received").await;
    let link = html
        .split("href=\"/work/export?")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("an export link")
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    assert!(
        link.contains("status=received"),
        "the filters are kept: {link}"
    );
    let res = c
        .get(app.url(&format!("/work/export?{link}")))
        .header("cookie", &clerk)
        .send()
        .await
        .expect("csv");
    assert_eq!(res.status().as_u16(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/csv"),
        "{:?}",
        res.headers()
    );
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .expect("d")
        .to_owned();
    assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
    let text = res.text().await.expect("text");
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    assert_eq!(
        lines.next(),
        Some("受理编号,申请人,申请内容,收到日期,状态,答复期限,是否逾期")
    );
    assert!(text.contains(&tracking), "{text}");
    assert!(
        text.lines().all(|l| !l.contains(",已办结,")),
        "only what the filter shows"
    );
    let res = c
        .get(app.url(&format!(
            "/work/export?{}",
            link.replace("format=csv", "format=xlsx")
        )))
        .header("cookie", &clerk)
        .send()
        .await
        .expect("xlsx");
    assert_eq!(res.status().as_u16(), 200);
    let bytes = res.bytes().await.expect("bytes");
    assert!(bytes.starts_with(b"PK"), "an XLSX is a zip");
    // Without a session there is no export.
    let res = c
        .get(app.url("/work/export?format=csv"))
        .send()
        .await
        .expect("anon");
    assert_ne!(res.status().as_u16(), 200);
}

/// The row of case `id` in a queue page, if it is on the page.
fn queue_row(html: &str, id: i64) -> Option<String> {
    html.split("<tr")
        .find(|r| r.contains(&format!("/work/cases/{id}\"")))
        .map(str::to_owned)
}

#[tokio::test]
async fn the_queue_says_on_each_row_what_awaits_the_reader_and_what_screening_found() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let legal = app.token("demo-legal").await;
    let returned = crate::cases::register(&app, &clerk, "2026-03-02").await;
    let plain = crate::cases::register(&app, &clerk, "2026-03-03").await;
    let flagged = crate::screening::mass_case(&app, &clerk).await;
    for (path, body) in [
        (
            "draft",
            serde_json::json!({"disposition": "disclosed", "provided": ["征收补偿方案"]}),
        ),
        ("submit", serde_json::json!({})),
    ] {
        let r = app
            .post(
                &format!("/api/v1/cases/{returned}/{path}"),
                Some(&handler),
                &body,
            )
            .await;
        assert_eq!(r.status, 200, "{path}: {:?}", r.body);
    }
    let r = app
        .post(
            &format!("/api/v1/cases/{returned}/review"),
            Some(&legal),
            &serde_json::json!({"decision": "return", "comments": "请补充检索范围的说明"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);

    let c = browser();
    let (cookie, _) = web_login(&app, &c, "demo-handler", DEMO_PASSWORD).await;
    let (_, html) = page(&app, &c, &cookie, "/work?status=open").await;
    let first = html
        .split("<tbody>")
        .nth(1)
        .and_then(|b| b.split("</tr>").next())
        .unwrap_or_default();
    assert!(
        first.contains(&format!("/work/cases/{returned}\"")) && first.contains("法制审核退回修改"),
        "the returned draft comes first and says so: {first}"
    );
    let other = queue_row(&html, plain).expect("the other case is listed");
    assert!(!other.contains("法制审核退回修改"), "{other}");

    let (cookie, _) = web_login(&app, &c, "demo-clerk", DEMO_PASSWORD).await;
    let (_, html) = page(&app, &c, &cookie, "/work?status=open").await;
    let row = queue_row(&html, flagged).expect("the flagged case is listed");
    assert!(row.contains("申请数量明显偏多"), "{row}");
    let row = queue_row(&html, plain).expect("the plain case is listed");
    assert!(!row.contains("badge flag"), "{row}");
    assert!(
        !row.contains("法制审核退回修改"),
        "what awaits a handler is not the clerk's"
    );
}
