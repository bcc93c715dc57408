//! The reconsideration bodies' statistics on a small imported corpus whose numbers are
//! computed by hand here: correction rates by agency, disposition, legal ground and month
//! (decisions outside the period, pending ones and another subtree's left out), a Wilson
//! interval checked to three decimals, on-time rates and working days to reply on the shipped
//! 2025 calendar (清明 and a 调休 Sunday included), the cases that cannot be counted, the
//! scope rule, bad input, and the SVG charts.

use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app};

const BODY: &str = "杭州市人民政府";

fn case(n: usize, agency: &str, received: &str, concluded: Option<(&str, &str)>) -> Value {
    let mut l = json!({
        "external_id": format!("S-{n}"), "agency": agency, "channel": "in_person",
        "received_on": received,
        "applicant": {"kind": "person", "name": "李四", "id_type": "resident_id",
                      "id_number": "11010519491231002X", "phone": "13800138000"},
        "content": format!("请公开本区2024年度第{n}项财政资金使用情况的相关文件"),
    });
    if let Some((disposition, on)) = concluded {
        l["disposition"] = json!(disposition);
        l["concluded_on"] = json!(on);
        l["reasons"] = json!("依据条例相关规定处理");
    }
    l
}

/// A case concluded in November 2024 (outside 2025's timeliness) with one reconsideration.
fn reconsidered(
    n: usize,
    agency: &str,
    disposition: Option<&str>,
    decision: Option<&str>,
    decided_on: &str,
) -> Value {
    let mut l = case(
        n,
        agency,
        "2024-11-04",
        disposition.map(|d| (d, "2024-11-20")),
    );
    let mut r = json!({"body_name": BODY, "filed_on": "2024-12-02"});
    if let Some(d) = decision {
        r["decision"] = json!(d);
        r["decided_on"] = json!(decided_on);
    }
    l["reconsideration"] = r;
    l
}

/// The corpus. For 2025 over ZJ-HZ's subtree it must give:
///
/// Corrections (decided in 2025; ✔ = 结果纠正):
/// | # | agency | disposition | decision | month |
/// | 1 | SC | withheld_process_info | revoked ✔ | 03 |
/// | 2 | SC | withheld_process_info | upheld | 03 |
/// | 3 | SC | withheld_process_info | altered ✔ | 03 |
/// | 4 | SC | withheld_enforcement_file | confirmed_illegal ✔ | 06 |
/// | 5 | SC | unavailable_not_held | revoked ✔ | 06 |
/// | 6 | SC | unavailable_not_held | upheld | 06 |
/// | 7 | SC | disclosed | rejected | 06 |
/// | 8 | JS | withheld_process_info | upheld | 09 |
/// | 9 | JS | withheld_process_info | terminated | 09 |
/// | 10 | JS | unavailable_not_held | ordered_to_perform ✔ | 09 |
/// | 11 | JS | (never replied) | ordered_to_perform ✔ | 09 |
/// Left out: decided in 2024 (12), pending (13), another subtree (14).
///
/// Timeliness (concluded in 2025; working days after receipt through the reply; the due date
/// is the 20th working day after receipt):
/// SC, received Mon 03-03 (due 03-31): replies on 03-05 (2), 03-10 (5), 03-14 (9),
/// 03-21 (14), 03-31 (20, on the due day), 04-03 (23, late); received 03-31 (due 04-28,
/// counting the 调休 Sunday 04-27), replied 04-08 across 清明 4–6 April (5); withdrawn (no
/// reply); received in 2018, whose notice is not loaded (no due date, no working days).
/// JS, received Mon 07-07 (due 08-04): replies on 07-18 (9) and 08-08 (24, late).
async fn import_corpus(app: &TestApp) {
    let (sc, js) = ("ZJ-HZ-SC", "ZJ-HZ-SC-JS");
    let mut lines = vec![
        reconsidered(
            1,
            sc,
            Some("withheld_process_info"),
            Some("revoked"),
            "2025-03-10",
        ),
        reconsidered(
            2,
            sc,
            Some("withheld_process_info"),
            Some("upheld"),
            "2025-03-20",
        ),
        reconsidered(
            3,
            sc,
            Some("withheld_process_info"),
            Some("altered"),
            "2025-03-25",
        ),
        reconsidered(
            4,
            sc,
            Some("withheld_enforcement_file"),
            Some("confirmed_illegal"),
            "2025-06-16",
        ),
        reconsidered(
            5,
            sc,
            Some("unavailable_not_held"),
            Some("revoked"),
            "2025-06-20",
        ),
        reconsidered(
            6,
            sc,
            Some("unavailable_not_held"),
            Some("upheld"),
            "2025-06-25",
        ),
        reconsidered(7, sc, Some("disclosed"), Some("rejected"), "2025-06-26"),
        reconsidered(
            8,
            js,
            Some("withheld_process_info"),
            Some("upheld"),
            "2025-09-15",
        ),
        reconsidered(
            9,
            js,
            Some("withheld_process_info"),
            Some("terminated"),
            "2025-09-16",
        ),
        reconsidered(
            10,
            js,
            Some("unavailable_not_held"),
            Some("ordered_to_perform"),
            "2025-09-17",
        ),
        reconsidered(11, js, None, Some("ordered_to_perform"), "2025-09-18"),
        reconsidered(
            12,
            sc,
            Some("withheld_process_info"),
            Some("revoked"),
            "2024-12-20",
        ),
        reconsidered(13, sc, Some("withheld_process_info"), None, ""),
        reconsidered(
            14,
            "ZJ-LS",
            Some("unavailable_not_held"),
            Some("revoked"),
            "2025-04-10",
        ),
    ];
    for (n, replied) in [
        "2025-03-05",
        "2025-03-10",
        "2025-03-14",
        "2025-03-21",
        "2025-03-31",
        "2025-04-03",
    ]
    .iter()
    .enumerate()
    {
        lines.push(case(20 + n, sc, "2025-03-03", Some(("disclosed", replied))));
    }
    lines.push(case(
        26,
        sc,
        "2025-03-31",
        Some(("partially_disclosed", "2025-04-08")),
    ));
    lines.push(case(
        27,
        sc,
        "2025-03-03",
        Some(("other_withdrawn", "2025-03-05")),
    ));
    lines.push(case(
        28,
        sc,
        "2018-12-20",
        Some(("disclosed", "2025-01-10")),
    ));
    lines.push(case(
        29,
        js,
        "2025-07-07",
        Some(("disclosed", "2025-07-18")),
    ));
    lines.push(case(
        30,
        js,
        "2025-07-07",
        Some(("unavailable_not_held", "2025-08-08")),
    ));
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let r = yishen_app::services::import::import(&app.state, std::io::Cursor::new(text))
        .await
        .expect("import");
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.imported, 25);
}

/// Statistics asked for again are served from what was counted, but never after the data
/// moved: each change to what they read (here an import, as `yishen import` in another
/// process would write it) is counted at the next request.
#[tokio::test]
async fn statistics_asked_for_again_follow_every_change() {
    let app = spawn_app().await;
    import_corpus(&app).await;
    let recon = app.token("demo-reconsideration").await;
    let path = format!("/api/v1/stats/reconsideration?agency=ZJ-HZ&{PERIOD}");
    let decided = |s: &Value| {
        cells(&s["correction"]["by_agency"])
            .into_iter()
            .find(|(k, ..)| k == "ZJ-HZ-SC-JS")
            .map(|(_, c, d, _)| (c, d))
    };
    let first = app.get(&path, Some(&recon)).await;
    assert_eq!(first.status, 200, "{:?}", first.body);
    let again = app.get(&path, Some(&recon)).await;
    assert_eq!(again.body, first.body);
    assert_eq!(decided(&first.body), Some((2, 4)));

    let line = reconsidered(
        99,
        "ZJ-HZ-SC-JS",
        Some("withheld_process_info"),
        Some("revoked"),
        "2025-09-09",
    );
    let r =
        yishen_app::services::import::import(&app.state, std::io::Cursor::new(format!("{line}\n")))
            .await
            .expect("import");
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let after = app.get(&path, Some(&recon)).await;
    assert_eq!(decided(&after.body), Some((3, 5)));
}

/// `(key, corrected, decided, small)` of each item of a breakdown.
fn cells(items: &Value) -> Vec<(String, i64, i64, bool)> {
    items
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["key"].as_str().expect("key").to_owned(),
                i["numerator"].as_i64().expect("numerator"),
                i["denominator"].as_i64().expect("denominator"),
                i["small"].as_bool().expect("small"),
            )
        })
        .collect()
}

fn want(v: &[(&str, i64, i64, bool)]) -> Vec<(String, i64, i64, bool)> {
    v.iter()
        .map(|(k, n, d, s)| ((*k).to_owned(), *n, *d, *s))
        .collect()
}

fn close(v: &Value, x: f64) -> bool {
    v.as_f64().is_some_and(|f| (f - x).abs() < 0.0005)
}

const PERIOD: &str = "from=2025-01-01&to=2025-12-31";

#[tokio::test]
async fn correction_rates_match_the_hand_computed_table() {
    let app = spawn_app().await;
    import_corpus(&app).await;
    let recon = app.token("demo-reconsideration").await;
    let r = app
        .get(
            &format!("/api/v1/stats/reconsideration?agency=ZJ-HZ&{PERIOD}"),
            Some(&recon),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let s = r.body;
    assert_eq!(s["agency"], "ZJ-HZ");
    assert_eq!(s["agency_name"], "杭州市人民政府办公厅");
    assert_eq!(
        (&s["from"], &s["to"]),
        (&json!("2025-01-01"), &json!("2025-12-31"))
    );
    assert_eq!(s["subtree"], true);
    let c = &s["correction"];
    // ZJ-HZ itself decided nothing and is still listed; ZJ-LS is not in the subtree.
    assert_eq!(
        cells(&c["by_agency"]),
        want(&[
            ("ZJ-HZ", 0, 0, true),
            ("ZJ-HZ-SC", 4, 7, false),
            ("ZJ-HZ-SC-JS", 2, 4, true),
        ])
    );
    assert_eq!(c["by_agency"][1]["label"], "杭州市上城区人民政府办公室");
    assert!(c["by_agency"][0]["rate"].is_null());
    assert!(c["by_agency"][0]["low"].is_null());
    // Wilson 95 % for 4 of 7 (z = 1.96): centre (4/7 + 0.2744) / 1.5488 = 0.54612,
    // half-width 1.26550 × √(0.034985 + 0.019600) = 0.29566 → [0.250, 0.842].
    let sc = &c["by_agency"][1];
    assert!(close(&sc["rate"], 4.0 / 7.0), "{sc}");
    assert!(close(&sc["low"], 0.2505), "{sc}");
    assert!(close(&sc["high"], 0.8418), "{sc}");
    assert_eq!(
        cells(&c["by_disposition"]),
        want(&[
            ("disclosed", 0, 1, true),
            ("withheld_process_info", 2, 5, false),
            ("withheld_enforcement_file", 1, 1, true),
            ("unavailable_not_held", 2, 3, true),
            ("no_reply", 1, 1, true),
        ])
    );
    assert_eq!(
        c["by_disposition"][1]["label"],
        "不予公开：属于四类过程性信息"
    );
    // 过程性信息 and 执法案卷 rest on the same articles.
    assert_eq!(
        cells(&c["by_ground"]),
        want(&[
            ("条例第三十六条第（二）项", 0, 1, true),
            ("条例第十六条第二款、第三十六条第（三）项", 3, 6, false),
            ("条例第三十六条第（四）项", 2, 3, true),
            ("no_reply", 1, 1, true),
        ])
    );
    // Every month of the period, decisions in March, June and September.
    let months = cells(&c["by_month"]);
    assert_eq!(months.len(), 12);
    assert_eq!(months[0], ("2025-01".to_owned(), 0, 0, true));
    assert_eq!(months[2], ("2025-03".to_owned(), 2, 3, true));
    assert_eq!(months[5], ("2025-06".to_owned(), 2, 4, true));
    assert_eq!(months[8], ("2025-09".to_owned(), 2, 4, true));
    assert_eq!(
        months.iter().map(|m| m.2).sum::<i64>(),
        11,
        "only March, June and September have decisions"
    );
    assert_eq!(c["by_month"][2]["label"], "2025年3月");
    // Overall 6 of 11: Wilson [0.280, 0.787].
    let all = &c["overall"];
    assert_eq!(
        (all["numerator"].as_i64(), all["denominator"].as_i64()),
        (Some(6), Some(11))
    );
    assert_eq!(all["small"], false);
    assert!(
        close(&all["low"], 0.2801) && close(&all["high"], 0.7873),
        "{all}"
    );
    assert!(!s.to_string().contains("李四"), "no personal data");
}

#[tokio::test]
async fn timeliness_counts_working_days_on_the_shipped_calendar() {
    let app = spawn_app().await;
    import_corpus(&app).await;
    let recon = app.token("demo-reconsideration").await;
    let r = app
        .get(
            &format!("/api/v1/stats/reconsideration?agency=ZJ-HZ&{PERIOD}"),
            Some(&recon),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let t = &r.body["timeliness"];
    let agencies: Vec<&str> = t["by_agency"]
        .as_array()
        .expect("by_agency")
        .iter()
        .map(|a| a["agency_code"].as_str().expect("code"))
        .collect();
    assert_eq!(agencies, ["ZJ-HZ", "ZJ-HZ-SC", "ZJ-HZ-SC-JS"]);
    let hz = &t["by_agency"][0];
    assert_eq!(hz["on_time"]["denominator"], 0);
    assert_eq!(
        hz["reply_days"],
        json!({"n": 0, "median": null, "p90": null, "small": true})
    );
    // SC: days 2 5 5 9 14 20 23 → median rank ⌈3.5⌉ = 4 → 9, p90 rank ⌈6.3⌉ = 7 → 23;
    // on time 6 of 7 (the 2018 case has no due date, the withdrawal no reply).
    let sc = &t["by_agency"][1];
    assert_eq!(sc["agency_name"], "杭州市上城区人民政府办公室");
    assert_eq!(sc["label"], "杭州市上城区人民政府办公室");
    assert_eq!(
        (
            sc["on_time"]["numerator"].as_i64(),
            sc["on_time"]["denominator"].as_i64()
        ),
        (Some(6), Some(7))
    );
    assert_eq!(sc["on_time"]["small"], false);
    // Wilson for 6 of 7: [0.487, 0.974].
    assert!(close(&sc["on_time"]["low"], 0.4869), "{sc}");
    assert!(close(&sc["on_time"]["high"], 0.9743), "{sc}");
    assert_eq!(
        sc["reply_days"],
        json!({"n": 7, "median": 9, "p90": 23, "small": false})
    );
    // JS: days 9 24 → median 9, p90 24; on time 1 of 2, small.
    let js = &t["by_agency"][2];
    assert_eq!(
        (
            js["on_time"]["numerator"].as_i64(),
            js["on_time"]["denominator"].as_i64()
        ),
        (Some(1), Some(2))
    );
    assert_eq!(js["on_time"]["small"], true);
    assert_eq!(
        js["reply_days"],
        json!({"n": 2, "median": 9, "p90": 24, "small": true})
    );
    // Overall: 2 5 5 9 9 14 20 23 24 → median rank 5 → 9, p90 rank ⌈8.1⌉ = 9 → 24; 7 of 9.
    let all = &t["overall"];
    assert_eq!(
        all["reply_days"],
        json!({"n": 9, "median": 9, "p90": 24, "small": false})
    );
    assert_eq!(
        (
            all["on_time"]["numerator"].as_i64(),
            all["on_time"]["denominator"].as_i64()
        ),
        (Some(7), Some(9))
    );
    let notes: Vec<&str> = r.body["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .map(|n| n.as_str().expect("note"))
        .collect();
    assert!(
        notes.contains(&"1件已答复案件没有答复期限，未计入按时答复率"),
        "{notes:?}"
    );
    assert!(
        notes.contains(&"1件已答复案件的办理期间涉及尚未载入节假日安排的年度，未计入答复工作日数"),
        "{notes:?}"
    );
    assert!(notes.iter().any(|n| n.contains("Wilson")), "{notes:?}");
}

#[tokio::test]
async fn statistics_respect_scope_and_name_bad_fields() {
    let app = spawn_app().await;
    import_corpus(&app).await;
    let recon = app.token("demo-reconsideration").await;
    let admin = app.token("demo-admin").await;
    let applicant = app.token("demo-applicant").await;
    // An agency admin of ZJ-HZ-SC: not the parent's subtree, not even its own subtree…
    for q in [
        "agency=ZJ-HZ",
        "agency=ZJ-HZ-SC",
        "agency=ZJ-HZ&subtree=false",
    ] {
        let r = app
            .get(
                &format!("/api/v1/stats/reconsideration?{q}&{PERIOD}"),
                Some(&admin),
            )
            .await;
        assert_problem(&r, 403, "forbidden");
    }
    // …but its own agency alone, which is also the default agency.
    let r = app
        .get(
            &format!("/api/v1/stats/reconsideration?subtree=false&{PERIOD}"),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["agency"], "ZJ-HZ-SC");
    assert_eq!(
        cells(&r.body["correction"]["by_agency"]),
        want(&[("ZJ-HZ-SC", 4, 7, false)])
    );
    // The reconsideration body sees below itself, not above.
    let r = app
        .get(
            &format!("/api/v1/stats/reconsideration?agency=ZJ&{PERIOD}"),
            Some(&recon),
        )
        .await;
    assert_problem(&r, 403, "forbidden");
    let r = app
        .get(
            &format!("/api/v1/stats/reconsideration?agency=ZJ-HZ-SC-JS&{PERIOD}"),
            Some(&recon),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        cells(&r.body["correction"]["by_agency"]),
        want(&[("ZJ-HZ-SC-JS", 2, 4, true)])
    );
    let r = app
        .get(
            "/api/v1/stats/reconsideration?agency=ZJ-HZ-SC",
            Some(&applicant),
        )
        .await;
    assert_problem(&r, 403, "forbidden");
    let r = app
        .get("/api/v1/stats/reconsideration?agency=ZJ-HZ", None)
        .await;
    assert_problem(&r, 401, "unauthenticated");
    // Bad input names its field.
    let r = app
        .get(
            "/api/v1/stats/reconsideration?agency=ZJ-HZ&from=2025-02-30",
            Some(&recon),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "from");
    assert!(
        p["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("开始日期")),
        "{p}"
    );
    let r = app
        .get(
            "/api/v1/stats/reconsideration?agency=ZJ-HZ&from=2025-06-01&to=2025-05-31",
            Some(&recon),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "to");
    let r = app
        .get(
            "/api/v1/stats/reconsideration?agency=ZJ-HZ&year=2025",
            Some(&recon),
        )
        .await;
    assert_problem(&r, 400, "invalid_query");
    let r = app
        .get("/api/v1/stats/reconsideration?agency=NOPE", Some(&recon))
        .await;
    assert_problem(&r, 404, "not_found");
    // A narrower period: only March's decisions, and March's months alone.
    let r = app
        .get(
            "/api/v1/stats/reconsideration?agency=ZJ-HZ&from=2025-03-01&to=2025-03-31",
            Some(&recon),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        cells(&r.body["correction"]["by_month"]),
        want(&[("2025-03", 2, 3, true)])
    );
}

#[tokio::test]
async fn charts_are_svg_with_chinese_titles_and_marked_small_cells() {
    let app = spawn_app().await;
    import_corpus(&app).await;
    let recon = app.token("demo-reconsideration").await;
    for (name, title) in [
        ("correction-by-agency", "复议纠正率（按机关）"),
        ("correction-by-month", "复议纠正率（按月份）"),
        ("reply-days", "答复工作日数（按机关）"),
    ] {
        let r = app
            .get(
                &format!("/api/v1/stats/reconsideration/chart/{name}.svg?agency=ZJ-HZ&{PERIOD}"),
                Some(&recon),
            )
            .await;
        assert_eq!(r.status, 200, "{name}: {:?}", r.body);
        assert_eq!(
            r.headers.get("content-type").and_then(|v| v.to_str().ok()),
            Some("image/svg+xml; charset=utf-8"),
            "{name}"
        );
        let svg = r.body.as_str().expect("svg text");
        assert!(
            svg.starts_with("<svg"),
            "{name}: {}",
            &svg[..svg.len().min(80)]
        );
        assert!(svg.trim_end().ends_with("</svg>"), "{name}");
        assert!(svg.contains(title), "{name}");
        assert!(svg.contains("杭州市人民政府办公厅（含下级机关）"), "{name}");
        assert!(svg.contains("Noto Sans CJK SC"), "{name}");
        // ZJ-HZ-SC-JS decided 4 and replied twice: marked small in every chart.
        assert!(svg.contains("样本不足5件"), "{name}");
        assert!(!svg.contains("李四"), "{name}: no personal data");
    }
    let r = app
        .get(
            &format!(
                "/api/v1/stats/reconsideration/chart/correction-by-agency.svg?agency=ZJ-HZ&{PERIOD}"
            ),
            Some(&recon),
        )
        .await;
    let svg = r.body.as_str().expect("svg");
    // The bars' value labels: 4 of 7 and 2 of 4; ZJ-HZ has none.
    assert!(svg.contains("57%（4/7）"), "{svg}");
    assert!(svg.contains("50%（2/4）"), "{svg}");
    assert!(svg.contains("无案件"), "{svg}");
    let r = app
        .get(
            "/api/v1/stats/reconsideration/chart/pie.svg?agency=ZJ-HZ",
            Some(&recon),
        )
        .await;
    assert_problem(&r, 404, "not_found");
    let r = app
        .get(
            "/api/v1/stats/reconsideration/chart/reply-days.svg?agency=ZJ-HZ&to=2025-13-01",
            Some(&recon),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "to");
}

#[tokio::test]
async fn the_statistics_page_prints_the_numbers_behind_its_charts() {
    let app = spawn_app().await;
    import_corpus(&app).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let page = client
        .get(app.url("/login"))
        .send()
        .await
        .expect("login page");
    let anon = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("yishen_csrf="))
        .and_then(|v| v.split(';').next())
        .expect("csrf cookie")
        .to_owned();
    let html = page.text().await.expect("html");
    let at = html.find("name=\"csrf\" value=\"").expect("csrf field") + 19;
    let token = &html[at..at + html[at..].find('"').expect("end")];
    let res = client
        .post(app.url("/login"))
        .header("cookie", &anon)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "csrf={token}&username=demo-reconsideration&password={}",
            crate::helpers::DEMO_PASSWORD
        ))
        .send()
        .await
        .expect("login");
    assert_eq!(res.status().as_u16(), 303);
    let session = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("yishen_session="))
        .and_then(|v| v.split(';').next())
        .expect("session")
        .to_owned();
    let html = client
        .get(app.url(&format!("/stats?agency=ZJ-HZ&{PERIOD}")))
        .header("cookie", &session)
        .send()
        .await
        .expect("stats")
        .text()
        .await
        .expect("html");
    // The same cells as the JSON: 4 of 7 corrected at 上城区, Wilson [25.0%, 84.2%].
    // (The first piece is the page above the tables, whose agency picker names it too.)
    let row = html
        .split("<tr>")
        .skip(1)
        .find(|r| r.contains("杭州市上城区人民政府办公室"))
        .expect("the agency's row");
    assert!(row.contains("<td>7</td><td>4</td>"), "{row}");
    assert!(row.contains("57.1%（25.0%–84.2%）"), "{row}");
    assert!(
        html.contains("样本不足"),
        "small cells show only the interval"
    );
    assert!(html.contains("按期答复率"));
}
