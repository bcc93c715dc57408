//! Screening beyond one intake: clusters joined through one another, re-screening when a
//! cluster's history changes, the applicant dossier (JSON and PDF) that never shows another
//! cluster's data, per-agency thresholds, the 条例35 steps and the 条例44 suggestions.

use serde_json::{Value, json};

use crate::cases::registration;
use crate::helpers::{TestApp, assert_problem, spawn_app};
use crate::letters::pdftotext;

fn applicant(name: &str, id: &str, phone: &str, address: Option<&str>) -> Value {
    let mut a = json!({"kind": "person", "name": name, "id_type": "resident_id",
                       "id_number": id, "phone": phone});
    if let Some(addr) = address {
        a["address"] = json!(addr);
    }
    a
}

async fn import(app: &TestApp, lines: &[Value]) {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let r = yishen_app::services::import::import(&app.state, std::io::Cursor::new(text))
        .await
        .expect("import");
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    // Screening asks the similar-case index, which follows the database's change feed.
    app.index_settled().await;
}

fn line(n: &str, received: &str, applicant: Value, content: &str) -> Value {
    json!({"external_id": n, "agency": "ZJ-HZ-SC", "channel": "in_person",
           "received_on": received, "applicant": applicant, "content": content})
}

/// An import line of an application received on `received` and answered (disclosed) on
/// `concluded`.
fn answered(n: &str, received: &str, concluded: &str, applicant: Value, content: &str) -> Value {
    let mut l = line(n, received, applicant, content);
    l["disposition"] = json!("disclosed");
    l["concluded_on"] = json!(concluded);
    l["reasons"] = json!("予以公开");
    l
}

/// Valid resident identity numbers (check digit included) for distinct people.
const ID_A: &str = "11010519491231002X";
const ID_B: &str = "110105194912310038";
const ID_C: &str = "110105194912310046";
const ID_D: &str = "110105194912310054";
const ID_OTHER: &str = "110105194912310062";

async fn flags(app: &TestApp, token: &str, id: i64) -> Vec<Value> {
    let r = app
        .get(&format!("/api/v1/cases/{id}/flags"), Some(token))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body["items"].as_array().expect("items").clone()
}

/// The applicant dossier of case `id` as `token` reads it (asserted 200).
async fn dossier(app: &TestApp, token: &str, id: i64) -> Value {
    let r = app
        .get(&format!("/api/v1/cases/{id}/dossier"), Some(token))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body
}

/// The kinds of the flags on case `id`.
async fn flag_kinds(app: &TestApp, token: &str, id: i64) -> Vec<String> {
    flags(app, token, id)
        .await
        .iter()
        .filter_map(|f| f["kind"].as_str().map(str::to_owned))
        .collect()
}

/// Sets the screening thresholds of the agency ZJ-HZ-SC (`null`: back to the defaults).
async fn set_screening(app: &TestApp, admin: &str, thresholds: Value) -> crate::helpers::Reply {
    app.send(
        reqwest::Method::PATCH,
        "/api/v1/agencies/ZJ-HZ-SC",
        Some(admin),
        Some(&json!({ "screening": thresholds })),
    )
    .await
}

/// Registers one application of `who` per text on day `on`; returns the last case.
async fn register_each(app: &TestApp, clerk: &str, on: &str, who: &Value, texts: &[&str]) -> i64 {
    let mut last = 0;
    for t in texts {
        last = register_as(app, clerk, on, who.clone(), t).await;
    }
    last
}

async fn register_as(app: &TestApp, clerk: &str, on: &str, who: Value, content: &str) -> i64 {
    let mut body = registration(on);
    body["applicant"] = who;
    // Not every applicant here gives a postal address: the reply is collected in person.
    body["delivery"] = json!("pickup");
    body["content"] = json!(content);
    let r = app.post("/api/v1/cases", Some(clerk), &body).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    r.body["id"].as_i64().expect("id")
}

#[tokio::test]
async fn clusters_join_transitively_and_the_dossier_shows_only_its_own_cluster() {
    let app = spawn_app().await;
    // 王五 and 王小五 share a phone; 王小五 and 王大五 share an address: one applicant.
    // 赵六 is someone else entirely.
    import(
        &app,
        &[
            line(
                "T-1",
                "2026-02-02",
                applicant("王五", ID_A, "13900000001", None),
                "请公开望江街道2025年老旧小区改造项目的资金拨付明细",
            ),
            line(
                "T-2",
                "2026-02-09",
                applicant("王小五", ID_B, "13900000001", Some("杭州市上城区望江路8号")),
                "请公开望江街道2025年老旧小区改造项目的施工合同",
            ),
            line(
                "T-3",
                "2026-02-16",
                applicant("王大五", ID_C, "13900000003", Some("杭州市上城区望江路8号")),
                "请公开望江街道2025年老旧小区改造项目的竣工验收报告",
            ),
            line(
                "T-9",
                "2026-02-10",
                applicant(
                    "赵六",
                    ID_OTHER,
                    "13900000009",
                    Some("杭州市上城区清波路1号"),
                ),
                "请公开清波街道2025年停车泊位设置的批准文件",
            ),
        ],
    )
    .await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let id = register_as(
        &app,
        &clerk,
        "2026-03-02",
        applicant("王五", ID_A, "13900000001", None),
        "请公开望江街道2025年老旧小区改造项目的资金拨付明细",
    )
    .await;

    let d = &dossier(&app, &handler, id).await;
    assert_eq!(d["cluster"]["applications"], 4, "{d}");
    let names: Vec<&str> = d["cluster"]["names"]
        .as_array()
        .expect("names")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(names, ["王五", "王大五", "王小五"], "joined through 王小五");
    let kinds: Vec<&str> = d["cluster"]["links"]
        .as_array()
        .expect("links")
        .iter()
        .filter_map(|l| l["kind"].as_str())
        .collect();
    for k in ["id_number", "phone", "address"] {
        assert!(kinds.contains(&k), "{kinds:?}");
    }
    assert_eq!(d["linked_cases"].as_array().expect("linked").len(), 3);
    assert_eq!(d["by_month"][0]["month"], "2026-02");
    assert_eq!(d["by_month"][0]["applications"], 3);
    let first = &d["side_by_side"][0];
    assert_eq!(
        first["text"], "请公开望江街道2025年老旧小区改造项目的资金拨付明细",
        "the most similar earlier request comes first"
    );
    assert!(first["similarity"].as_f64().expect("sim") > 0.9);

    let text = d.to_string();
    let never = [
        "赵六",
        "清波街道2025年停车泊位",
        ID_A,
        ID_B,
        ID_C,
        ID_OTHER,
        "13900000001",
        "13900000003",
        "13900000009",
        "望江路8号",
        "清波路1号",
    ];
    for secret in never {
        assert!(!text.contains(secret), "{secret} in the dossier: {text}");
    }

    let res = app
        .client
        .get(app.url(&format!("/api/v1/cases/{id}/dossier?format=pdf")))
        .bearer_auth(&handler)
        .send()
        .await
        .expect("pdf");
    assert_eq!(res.status(), 200);
    let pdf = pdftotext(&res.bytes().await.expect("bytes"));
    let flat: String = pdf.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(flat.contains("申请人档案"), "{pdf}");
    assert!(flat.contains("王大五"), "{pdf}");
    assert!(
        flat.contains("使用同一联系地址") || flat.contains("地址"),
        "{pdf}"
    );
    for secret in never {
        assert!(!flat.contains(secret), "{secret} in the PDF: {pdf}");
    }

    // The other applicant's dossier holds only that applicant.
    let other = register_as(
        &app,
        &clerk,
        "2026-03-03",
        applicant(
            "赵六",
            ID_OTHER,
            "13900000009",
            Some("杭州市上城区清波路1号"),
        ),
        "请公开清波街道2025年停车泊位设置的批准文件",
    )
    .await;
    let r = app
        .get(&format!("/api/v1/cases/{other}/dossier"), Some(&handler))
        .await;
    assert_eq!(r.body["cluster"]["applications"], 2, "{:?}", r.body);
    let text = r.body.to_string();
    for secret in ["王五", "王小五", "王大五", "望江街道"] {
        assert!(!text.contains(secret), "{secret}: {text}");
    }

    let applicant_token = app.token("demo-applicant").await;
    let r = app
        .get(
            &format!("/api/v1/cases/{id}/dossier"),
            Some(&applicant_token),
        )
        .await;
    assert_problem(&r, 403, "forbidden");
    let r = app
        .get(
            &format!("/api/v1/cases/{id}/dossier?format=doc"),
            Some(&handler),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "format");
}

#[tokio::test]
async fn a_proceeding_recorded_later_rescreens_the_clusters_open_cases() {
    let app = spawn_app().await;
    let who = || applicant("钱七", ID_D, "13900000011", None);
    let content = "请公开上城区2025年紫阳街道拆迁安置补偿标准及批准文件";
    import(
        &app,
        &[answered("P-1", "2026-01-05", "2026-01-20", who(), content)],
    )
    .await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let recon = app.token("demo-reconsideration").await;
    let id = register_as(&app, &clerk, "2026-03-10", who(), content).await;
    let before = flags(&app, &handler, id).await;
    assert!(
        !before.iter().any(|f| f["kind"] == "litigation_overlap"),
        "{before:?}"
    );
    let earlier = app.get("/api/v1/cases", Some(&handler)).await.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|c| c["id"].as_i64() != Some(id))
        .expect("imported case")["id"]
        .as_i64()
        .expect("id");
    let r = app
        .post(
            &format!("/api/v1/cases/{earlier}/reconsiderations"),
            Some(&recon),
            &json!({"body_name": "杭州市上城区人民政府", "filed_on": "2026-02-20"}),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let after = flags(&app, &handler, id).await;
    assert!(
        after.iter().any(|f| f["kind"] == "litigation_overlap"),
        "the pending reconsideration is now evidence: {after:?}"
    );
}

#[tokio::test]
async fn thresholds_are_set_per_agency_and_checked() {
    let app = spawn_app().await;
    let admin = app.token("demo-admin").await;
    let r = set_screening(&app, &admin, json!({"volume_month": 0})).await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "screening");
    let r = set_screening(&app, &admin, json!({"restatement": 1.5})).await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "screening");
    assert_eq!(p["errors"][0]["code"], "screening_threshold_similarity");
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("restatement")),
        "{p}"
    );
    let r = set_screening(&app, &admin, json!({"volume_month": 3, "burst_day": 2})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["screening"]["volume_month"], 3);
    assert_eq!(
        r.body["screening"]["volume_year"], 30,
        "defaults for the rest"
    );

    // Three different matters on one day: at the agency's thresholds, a burst and a volume.
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let who = applicant("孙八", ID_B, "13900000021", None);
    let last = register_each(
        &app,
        &clerk,
        "2026-04-01",
        &who,
        &[
            "请公开本区2025年度部门预算",
            "请公开望江街道2025年河道整治验收报告",
            "请公开本区2025年政府采购清单",
            "请公开小营街道2025年低保审批标准",
        ],
    )
    .await;
    let kinds = flag_kinds(&app, &handler, last).await;
    assert!(kinds.contains(&"volume".to_owned()), "{kinds:?}");
    assert!(kinds.contains(&"burst".to_owned()), "{kinds:?}");

    let r = set_screening(&app, &admin, json!(null)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        r.body["screening"]["volume_month"], 10,
        "back to the defaults"
    );
}

/// Filings keep their agency's settings between filings (while the database's
/// `stats_generation` has not moved): a change to the agency moves it, and the next filing
/// reads the new thresholds.
#[tokio::test]
async fn a_filing_after_the_agency_changed_reads_its_new_settings() {
    let app = spawn_app().await;
    let admin = app.token("demo-admin").await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let who = applicant("钱九", ID_C, "13900000041", None);
    // The first filing reads the agency at its default thresholds, and keeps it.
    register_each(
        &app,
        &clerk,
        "2026-04-01",
        &who,
        &["请公开本区2025年度部门预算"],
    )
    .await;
    let r = set_screening(&app, &admin, json!({"volume_month": 3, "burst_day": 2})).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let last = register_each(
        &app,
        &clerk,
        "2026-04-01",
        &who,
        &[
            "请公开望江街道2025年河道整治验收报告",
            "请公开本区2025年政府采购清单",
            "请公开小营街道2025年低保审批标准",
        ],
    )
    .await;
    let kinds = flag_kinds(&app, &handler, last).await;
    assert!(
        kinds.contains(&"volume".to_owned()) && kinds.contains(&"burst".to_owned()),
        "four filings in a day against the new thresholds of 3 a month and 2 a day: {kinds:?}"
    );
}

/// Twelve applications of one person in March 2026, then a thirteenth registered: a volume
/// flag. Returns the new case.
pub(crate) async fn mass_case(app: &TestApp, clerk: &str) -> i64 {
    let who = || applicant("周九", ID_C, "13900000031", None);
    let lines: Vec<Value> = (0..12)
        .map(|i| {
            line(
                &format!("M-{i}"),
                &format!("2026-03-{:02}", 2 + i),
                who(),
                &format!("请公开本区2025年第{}批城市更新项目的立项批复", i + 1),
            )
        })
        .collect();
    import(app, &lines).await;
    register_as(
        app,
        clerk,
        "2026-03-20",
        who(),
        "请公开上城区2025年度区政府常务会议纪要",
    )
    .await
}

pub(crate) async fn confirm_volume(app: &TestApp, handler: &str, id: i64) {
    let volume = flags(app, handler, id)
        .await
        .into_iter()
        .find(|f| f["kind"] == "volume")
        .expect("volume flag");
    let r = app
        .post(
            &format!("/api/v1/flags/{}/decision", volume["id"]),
            Some(handler),
            &json!({"decision": "confirm", "reason": "一个月内申请13件，明显超过合理范围"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

async fn letter_kinds(app: &TestApp, token: &str, id: i64) -> Vec<String> {
    let r = app
        .get(&format!("/api/v1/cases/{id}/letters"), Some(token))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body
        .as_array()
        .expect("letters")
        .iter()
        .filter_map(|l| l["kind"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn article_35_asks_for_reasons_first_and_only_on_a_confirmed_mass_flag() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let approver = app.token("demo-approver").await;
    let id = mass_case(&app, &clerk).await;
    let ask = json!({"reasons": "您于2026年3月内累计向本机关提出政府信息公开申请13件",
                     "deadline": "2026-12-31"});
    let path = format!("/api/v1/cases/{id}/article35/reasons-request");
    let r = app.post(&path, Some(&handler), &ask).await;
    assert_problem(&r, 409, "article35_not_offered");

    confirm_volume(&app, &handler, id).await;
    let decision = format!("/api/v1/cases/{id}/article35/decision");
    let not_processed = json!({"outcome": "not_processed",
                               "note": "申请理由不合理，经联合会商确认不予处理",
                               "applicant_reasons": "为了研究城市更新",
                               "consultation": {"held_on": "2026-09-10",
                                                "participants": "办公室、法规处、专家二人",
                                                "minutes": "申请数量明显超过合理范围，理由不合理"}});
    let r = app.post(&decision, Some(&approver), &not_processed).await;
    assert_problem(&r, 409, "article35_reasons_not_requested");

    // Drafting 不予处理 before the procedure is a blocking finding.
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/draft"),
            Some(&handler),
            &json!({"disposition": "not_processed_mass",
                    "reasons": "申请数量、频次明显超过合理范围，理由不合理"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(
        r.body["findings"]
            .to_string()
            .contains("article35_steps_missing")
    );

    let r = app
        .post(
            &path,
            Some(&handler),
            &json!({"reasons": "您于2026年3月内累计申请13件", "deadline": "2026-01-01"}),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "deadline");
    let r = app.post(&path, Some(&handler), &ask).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(
        letter_kinds(&app, &handler, id)
            .await
            .contains(&"reasons_request".to_owned())
    );
    let r = app.post(&path, Some(&handler), &ask).await;
    assert_problem(&r, 409, "article35_reasons_already_requested");

    // No reasons yet and the deadline still running: no 不予处理.
    let mut early = not_processed.clone();
    early
        .as_object_mut()
        .expect("obj")
        .remove("applicant_reasons");
    let r = app.post(&decision, Some(&approver), &early).await;
    assert_problem(&r, 409, "article35_deadline_running");
    let r = app.post(&decision, Some(&handler), &not_processed).await;
    assert_problem(&r, 403, "forbidden");
    let r = app.post(&decision, Some(&approver), &not_processed).await;
    assert_eq!(r.status, 200, "{:?}", r.body);

    let r = app
        .post(
            &format!("/api/v1/cases/{id}/draft"),
            Some(&handler),
            &json!({"disposition": "not_processed_mass",
                    "reasons": "申请数量、频次明显超过合理范围，理由不合理"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert!(
        !r.body["findings"]
            .to_string()
            .contains("article35_steps_missing"),
        "{:?}",
        r.body["findings"]
    );
    let r = app.post(&decision, Some(&approver), &not_processed).await;
    assert_problem(&r, 409, "article35_already_decided");
}

#[tokio::test]
async fn reasonable_reasons_set_a_later_deadline_that_moves_the_clock() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let approver = app.token("demo-approver").await;
    let id = mass_case(&app, &clerk).await;
    confirm_volume(&app, &handler, id).await;
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/article35/reasons-request"),
            Some(&handler),
            &json!({"reasons": "您于2026年3月内累计向本机关提出政府信息公开申请13件",
                    "deadline": "2026-12-31"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let decision = format!("/api/v1/cases/{id}/article35/decision");
    let later = json!({"outcome": "later_deadline", "note": "理由合理，但需调取的档案较多",
                       "due_on": "2026-12-01", "delay_reasons": "需调取的历年档案数量较多"});
    let r = app.post(&decision, Some(&approver), &later).await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "applicant_reasons");
    let mut with_reasons = later.clone();
    with_reasons["applicant_reasons"] = json!("系本小区业主，为维护自身权益");
    with_reasons["due_on"] = json!("2026-11-28");
    let r = app.post(&decision, Some(&approver), &with_reasons).await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "due_on", "a Saturday");
    with_reasons["due_on"] = json!("2026-12-01");
    let r = app.post(&decision, Some(&approver), &with_reasons).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["due_on"], "2026-12-01", "{:?}", r.body);
    assert!(
        letter_kinds(&app, &handler, id)
            .await
            .contains(&"later_deadline_notice".to_owned())
    );
    let r = app
        .get(&format!("/api/v1/cases/{id}/clock"), Some(&handler))
        .await;
    assert_eq!(r.body["due_on"], "2026-12-01", "{:?}", r.body);
    assert_eq!(r.body["state"], "running");
}

#[tokio::test]
async fn three_applicants_asking_for_disclosed_information_suggest_publication() {
    let app = spawn_app().await;
    let content = "请公开上城区2025年度老旧小区加装电梯财政补助资金的发放名单";
    let answered = |n: &str, who: Value, on: &str| answered(n, on, "2026-03-30", who, content);
    import(
        &app,
        &[
            answered(
                "E-1",
                applicant("吴一", ID_A, "13900000041", None),
                "2026-03-02",
            ),
            answered(
                "E-2",
                applicant("郑二", ID_B, "13900000042", None),
                "2026-03-05",
            ),
            // One family, two names, one phone: one applicant.
            line(
                "E-3",
                "2026-03-09",
                applicant("王三", ID_C, "13900000043", None),
                content,
            ),
            line(
                "E-4",
                "2026-03-10",
                applicant("王四", ID_D, "13900000043", None),
                content,
            ),
            line(
                "E-5",
                "2026-03-11",
                applicant("冯五", ID_OTHER, "13900000045", None),
                "请公开清波街道2025年停车泊位设置的批准文件",
            ),
        ],
    )
    .await;
    let handler = app.token("demo-handler").await;
    let r = app
        .get(
            "/api/v1/proactive-suggestions?agency=ZJ-HZ-SC&from=2026-01-01",
            Some(&handler),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let items = r.body["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{:?}", r.body);
    assert_eq!(items[0]["applicants"], 3, "the family counts once");
    assert_eq!(items[0]["cases"].as_array().expect("cases").len(), 4);
    assert_eq!(items[0]["disclosed_in"].as_array().expect("d").len(), 2);
    let text = r.body.to_string();
    for secret in ["吴一", "王三", "13900000043", ID_A] {
        assert!(!text.contains(secret), "{secret}: {text}");
    }

    let applicant_token = app.token("demo-applicant").await;
    let r = app
        .get(
            "/api/v1/proactive-suggestions?agency=ZJ-HZ-SC",
            Some(&applicant_token),
        )
        .await;
    assert_problem(&r, 403, "forbidden");
    let r = app
        .get("/api/v1/proactive-suggestions", Some(&handler))
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "agency");
}

#[tokio::test]
async fn a_repeat_in_other_words_is_found_through_the_similar_case_index() {
    let app = spawn_app().await;
    let who = || applicant("孙八", ID_C, "13900000012", None);
    let answered = |n: &str, content: &str| answered(n, "2026-02-02", "2026-02-20", who(), content);
    import(
        &app,
        &[
            answered("R-1", "请公开幸福路拓宽工程房屋征收补偿方案及房屋评估报告"),
            answered(
                "R-2",
                "请公开幸福路拓宽工程的施工招标文件、中标通知书及施工合同",
            ),
        ],
    )
    .await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;

    // The first request again: 拆迁 for 征收, in another order.
    let again = register_as(
        &app,
        &clerk,
        "2026-03-10",
        who(),
        "申请公开幸福路拓宽工程房屋评估报告及房屋拆迁补偿方案",
    )
    .await;
    let found = flags(&app, &handler, again).await;
    let repeat = found
        .iter()
        .find(|f| f["kind"] == "repeat")
        .unwrap_or_else(|| panic!("a reworded repeat is flagged: {found:?}"));
    let earlier = &repeat["evidence"]["evidence"]["earlier"][0];
    let similarity = earlier["similarity"].as_f64().expect("similarity");
    let restatement = earlier["restatement"].as_f64().expect("restatement");
    assert!(
        similarity < 0.6,
        "character similarity alone would not find it: {similarity}"
    );
    assert!(restatement >= 0.75, "{restatement}");
    assert_eq!(
        repeat["evidence"]["evidence"]["earlier"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );

    // The dossier sets the reworded request beside this one, however unlike its characters.
    let d = dossier(&app, &handler, again).await;
    let first = &d["side_by_side"][0];
    assert_eq!(first["case_id"], earlier["case"]["id"], "{first}");
    assert!(
        first["restatement"].as_f64().is_some_and(|r| r >= 0.75),
        "{first}"
    );
    let res = app
        .client
        .get(app.url(&format!("/api/v1/cases/{again}/dossier?format=pdf")))
        .bearer_auth(&handler)
        .send()
        .await
        .expect("pdf");
    assert_eq!(res.status(), 200);
    let pdf = pdftotext(&res.bytes().await.expect("bytes"));
    let flat: String = pdf.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(flat.contains("措辞不同、内容重合度"), "{pdf}");

    // The next question about the same project is not a repeat.
    let next = register_as(
        &app,
        &clerk,
        "2026-03-11",
        who(),
        "请公开幸福路拓宽工程的监理合同",
    )
    .await;
    let found = flags(&app, &handler, next).await;
    assert!(
        !found.iter().any(|f| f["kind"] == "repeat"),
        "a follow-up is not a repeat: {found:?}"
    );
}

async fn stored_signature(
    app: &TestApp,
    id: i64,
) -> Option<yishen_store::models::signature::CaseSignature> {
    app.state
        .read(move |conn| {
            Ok(yishen_store::models::signature::find(
                conn,
                yishen_store::CaseId(id),
            )?)
        })
        .await
        .expect("read")
}

#[tokio::test]
async fn signatures_are_stored_at_intake_and_a_stale_one_is_made_again() {
    use yishen_app::services::signatures::{sign, text_key};
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let who = || applicant("周九", ID_B, "13900000021", None);
    let text = "请公开清波街道2025年道路工程规划许可及批后公示材料";
    let first = register_as(&app, &clerk, "2026-03-02", who(), text).await;
    let second = register_as(&app, &clerk, "2026-03-03", who(), text).await;
    let stored = stored_signature(&app, first)
        .await
        .expect("stored at intake");
    assert_eq!(stored.text_key, text_key(text));
    assert_eq!(stored.signature, sign(text).to_bytes());

    // A row made under another scheme (or for another text) is stale: it must not be read as
    // this request's signature.
    let other = sign("请公开湖滨街道公租房分配名单审核标准").to_bytes();
    let stale = other.clone();
    app.state
        .write(move |conn| {
            Ok(yishen_store::models::signature::replace(
                conn,
                &[yishen_store::models::signature::NewCaseSignature {
                    case_id: yishen_store::CaseId(first),
                    text_key: 42,
                    signature: &stale,
                }],
            )?)
        })
        .await
        .expect("write");

    // The dossier (a read) signs it again without writing.
    let d = dossier(&app, &handler, second).await;
    let pair = &d["side_by_side"][0];
    assert_eq!(pair["case_id"], first, "{pair}");
    assert_eq!(pair["similarity"].as_f64(), Some(1.0), "{pair}");
    let untouched = stored_signature(&app, first).await.expect("kept");
    assert_eq!(untouched.text_key, 42);

    // Intake's screening of the next filing stores it again, under the current key.
    register_as(&app, &clerk, "2026-03-04", who(), text).await;
    let again = stored_signature(&app, first).await.expect("kept");
    assert_eq!(again.text_key, text_key(text));
    assert_eq!(again.signature, sign(text).to_bytes());
    assert_ne!(again.signature, other);
}

#[tokio::test]
async fn the_dossier_shows_each_earlier_cases_reconsiderations_and_suits() {
    let app = spawn_app().await;
    let who = || applicant("孙八", ID_D, "13900000021", None);
    let mut reconsidered = answered(
        "S-1",
        "2025-11-03",
        "2025-11-20",
        who(),
        "请公开上城区2025年小营街道河道整治验收报告",
    );
    reconsidered["reconsideration"] = json!({"body_name": "杭州市上城区人民政府",
        "filed_on": "2025-12-01", "decision": "upheld", "decided_on": "2026-01-20"});
    let mut sued = answered(
        "S-2",
        "2025-12-01",
        "2025-12-15",
        who(),
        "请公开上城区2025年南星街道垃圾分类补助资金发放明细",
    );
    sued["litigation"] = json!({"court": "杭州铁路运输法院", "via_reconsideration": false,
        "filed_on": "2026-01-10"});
    let plain = answered(
        "S-3",
        "2026-01-05",
        "2026-01-19",
        who(),
        "请公开上城区2025年紫阳街道停车泊位设置批准文件",
    );
    import(&app, &[reconsidered, sued, plain]).await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let id = register_as(
        &app,
        &clerk,
        "2026-03-02",
        who(),
        "请公开上城区2025年湖滨街道公租房分配名单审核标准",
    )
    .await;

    let d = dossier(&app, &handler, id).await;
    let linked = d["linked_cases"].as_array().expect("linked").clone();
    let proceedings = |received: &str| -> Vec<String> {
        linked
            .iter()
            .find(|c| c["received_on"] == received)
            .unwrap_or_else(|| panic!("{received} in {linked:?}"))["proceedings"]
            .as_array()
            .expect("proceedings")
            .iter()
            .filter_map(|p| p.as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(proceedings("2025-11-03"), ["行政复议"], "decided");
    assert_eq!(proceedings("2025-12-01"), ["行政诉讼（未结）"], "pending");
    assert!(proceedings("2026-01-05").is_empty());
}
