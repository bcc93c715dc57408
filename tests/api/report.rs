//! The annual report on a small imported corpus whose tables are computed by hand here:
//! every result row, every applicant column, carry-over in both directions, outcomes decided,
//! pending at the start of the year and pending at its end; every cell opens to as many cases
//! as it counts; the CSV and the XLSX carry the same numbers; outcomes recorded over the API.

use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app};

const CATEGORIES: [&str; 6] = [
    "natural_person",
    "business",
    "research",
    "nonprofit",
    "legal_service",
    "other_org",
];

const DISPOSITIONS: [&str; 24] = [
    "disclosed_already_public",
    "disclosed",
    "partially_disclosed",
    "withheld_state_secret",
    "withheld_prohibited_by_law",
    "withheld_three_safeties",
    "withheld_third_party",
    "withheld_internal_affairs",
    "withheld_process_info",
    "withheld_enforcement_file",
    "withheld_administrative_inquiry",
    "unavailable_not_held",
    "unavailable_not_this_agency",
    "unavailable_needs_creation",
    "unavailable_unclear_after_correction",
    "not_processed_petition",
    "not_processed_repeat",
    "not_processed_publication",
    "not_processed_mass",
    "not_processed_confirmation",
    "other_correction_overdue",
    "other_fee_unpaid",
    "other_withdrawn",
    "other",
];

fn applicant(category: &str) -> Value {
    if category == "natural_person" {
        json!({"kind": "person", "name": "李四", "id_type": "resident_id",
               "id_number": "11010519491231002X", "phone": "13800138000"})
    } else {
        json!({"kind": "organization", "category": category, "name": "某某机构",
               "id_type": "uscc", "id_number": "91350100M000100Y43", "email": "info@example.com"})
    }
}

fn line(n: usize, category: &str, received: &str, concluded: Option<(&str, &str)>) -> Value {
    let mut l = json!({
        "external_id": format!("R-{n}"), "agency": "ZJ-HZ-SC", "channel": "in_person",
        "received_on": received, "applicant": applicant(category),
        "content": format!("请公开本区2025年度第{n}项财政资金使用情况的相关文件"),
    });
    if let Some((disposition, on)) = concluded {
        l["disposition"] = json!(disposition);
        l["concluded_on"] = json!(on);
        l["reasons"] = json!("依据条例相关规定处理");
    }
    l
}

/// The corpus and the table it must give for 2025.
async fn import_corpus(app: &TestApp) {
    let mut lines = Vec::new();
    // One case per disposition, received and concluded in 2025, cycling the columns:
    // disposition i goes to column i % 6.
    for (i, d) in DISPOSITIONS.iter().enumerate() {
        lines.push(line(
            i,
            CATEGORIES[i % 6],
            "2025-03-03",
            Some((d, "2025-03-20")),
        ));
    }
    // Carried over from 2024: one concluded in 2025 (disclosed), one still open.
    let mut x = line(
        100,
        "natural_person",
        "2024-12-20",
        Some(("disclosed", "2025-01-10")),
    );
    x["reconsideration"] = json!({"body_name": "杭州市上城区人民政府", "filed_on": "2025-02-01",
        "decision": "revoked", "decided_on": "2025-04-01", "defect": "reasons_not_given"});
    lines.push(x);
    lines.push(line(101, "business", "2024-12-22", None));
    // Concluded in 2024: counts nowhere in 2025, but its reconsideration was pending on
    // 1 January 2025 and was decided in 2025.
    let mut x = line(
        102,
        "natural_person",
        "2024-05-06",
        Some(("withheld_third_party", "2024-05-30")),
    );
    x["reconsideration"] = json!({"body_name": "杭州市上城区人民政府", "filed_on": "2024-07-01",
        "decision": "upheld", "decided_on": "2025-02-01"});
    x["litigation"] = json!({"court": "杭州铁路运输法院", "via_reconsideration": true,
        "filed_on": "2025-02-10", "outcome": "upheld", "decided_on": "2025-09-01"});
    lines.push(x);
    // An older one decided in 2024: not in table 四 for 2025.
    let mut x = line(
        103,
        "research",
        "2024-01-08",
        Some(("not_processed_repeat", "2024-01-30")),
    );
    x["reconsideration"] = json!({"body_name": "杭州市上城区人民政府", "filed_on": "2024-02-10",
        "decision": "upheld", "decided_on": "2024-04-10"});
    lines.push(x);
    // Received late in 2025: one concluded in 2026 and one still open, both carried forward;
    // the first has a direct suit still pending at the end of 2025.
    let mut x = line(
        104,
        "legal_service",
        "2025-12-22",
        Some(("disclosed", "2026-01-12")),
    );
    x["litigation"] = json!({"court": "杭州铁路运输法院", "via_reconsideration": false,
        "filed_on": "2025-12-29"});
    lines.push(x);
    lines.push(line(105, "natural_person", "2025-12-29", None));
    // Received in 2026: outside 2025.
    lines.push(line(106, "natural_person", "2026-01-05", None));
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let r = yishen_app::services::import::import(&app.state, std::io::Cursor::new(text))
        .await
        .expect("import");
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.imported, 31);
}

fn row(report: &Value, key: &str) -> Vec<i64> {
    report["table3"]["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["key"] == key)
        .unwrap_or_else(|| panic!("row {key}"))["values"]
        .as_array()
        .expect("values")
        .iter()
        .map(|v| v.as_i64().expect("int"))
        .collect()
}

#[tokio::test]
async fn the_annual_report_matches_the_hand_computed_tables() {
    let app = spawn_app().await;
    import_corpus(&app).await;
    let admin = app.token("demo-admin").await;
    let r = app
        .get(
            "/api/v1/stats/annual-report?agency=ZJ-HZ-SC&year=2025",
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let rep = r.body;
    assert_eq!(rep["table3"]["rows"].as_array().expect("rows").len(), 25);
    // 新收: 24 in March (4 per column) + 2 in December (legal_service, natural_person).
    assert_eq!(row(&rep, "new"), [5, 4, 4, 4, 5, 4, 26]);
    // 上年结转: the two received in December 2024 and not concluded before 2025.
    assert_eq!(row(&rep, "carried_over"), [1, 1, 0, 0, 0, 0, 2]);
    // 予以公开 takes disclosed_already_public (column 0) and disclosed (column 1), plus the
    // carried-over natural person's.
    assert_eq!(row(&rep, "disclosed"), [2, 1, 0, 0, 0, 0, 3]);
    assert_eq!(row(&rep, "partially_disclosed"), [0, 0, 1, 0, 0, 0, 1]);
    assert_eq!(row(&rep, "withheld_1"), [0, 0, 0, 1, 0, 0, 1]);
    assert_eq!(row(&rep, "withheld_4"), [1, 0, 0, 0, 0, 0, 1]);
    assert_eq!(row(&rep, "withheld_8"), [0, 0, 0, 0, 1, 0, 1]);
    // 36(四) and 36(五) share （四）1: indices 11 and 12, columns 5 and 0.
    assert_eq!(row(&rep, "unavailable_1"), [1, 0, 0, 0, 0, 1, 2]);
    assert_eq!(row(&rep, "not_processed_5"), [0, 1, 0, 0, 0, 0, 1]);
    // other_withdrawn (22 → column 4) and other (23 → column 5) share （六）3.
    assert_eq!(row(&rep, "other_3"), [0, 0, 0, 0, 1, 1, 2]);
    assert_eq!(row(&rep, "total"), [5, 4, 4, 4, 4, 4, 25]);
    // 结转下年: the 2024 case still open, and the two received in late December.
    assert_eq!(row(&rep, "carried_forward"), [1, 1, 0, 0, 1, 0, 3]);
    for c in rep["checks"].as_array().expect("checks") {
        assert_eq!(c["ok"], true, "{c}");
    }
    // 表四: reconsiderations revoked (2025) and upheld (pending at the start of 2025); the
    // one decided in 2024 is out. Suits: a direct one pending at the end, one after
    // reconsideration upheld.
    assert_eq!(
        rep["table4"]["reconsideration"],
        json!({"upheld": 1, "corrected": 1, "other": 0, "pending": 0, "total": 2})
    );
    assert_eq!(
        rep["table4"]["litigation_direct"],
        json!({"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1})
    );
    assert_eq!(
        rep["table4"]["litigation_after_reconsideration"],
        json!({"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 1})
    );

    // Every cell opens to exactly as many cases as it counts.
    let columns = [
        "natural_person",
        "business",
        "research",
        "nonprofit",
        "legal_service",
        "other_org",
        "total",
    ];
    for r in rep["table3"]["rows"].as_array().expect("rows") {
        let key = r["key"].as_str().expect("key");
        for (j, col) in columns.iter().enumerate() {
            let want = r["values"][j].as_i64().expect("n");
            if want == 0 && *col != "total" {
                continue;
            }
            let cell = app
                .get(
                    &format!("/api/v1/stats/annual-report/cases?agency=ZJ-HZ-SC&year=2025&row={key}&column={col}&per_page=100"),
                    Some(&admin),
                )
                .await;
            assert_eq!(cell.status, 200, "{:?}", cell.body);
            assert_eq!(cell.body["total"], want, "{key}/{col}");
            assert_eq!(
                cell.body["items"].as_array().expect("items").len() as i64,
                want,
                "{key}/{col}"
            );
        }
    }

    // The CSV and the XLSX carry the same numbers.
    let csv = app
        .client
        .get(app.url("/api/v1/stats/annual-report?agency=ZJ-HZ-SC&year=2025&format=csv"))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("csv")
        .text()
        .await
        .expect("text");
    assert!(
        csv.contains("一、本年新收政府信息公开申请数量,5,4,4,4,5,4,26"),
        "{csv}"
    );
    assert!(csv.contains("行政复议,1,1,0,0,2"), "{csv}");
    let bytes = app
        .client
        .get(app.url("/api/v1/stats/annual-report?agency=ZJ-HZ-SC&year=2025&format=xlsx"))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("xlsx")
        .bytes()
        .await
        .expect("bytes");
    use calamine::{DataType, Reader, Xlsx};
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("xlsx reads");
    let sheet = wb.worksheet_range("表三").expect("表三");
    let mut seen = 0;
    for (i, r) in rep["table3"]["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .enumerate()
    {
        let y = 4 + i as u32;
        assert_eq!(
            sheet.get_value((y, 0)).map(|v| v.to_string()),
            Some(r["label"].as_str().expect("label").to_owned())
        );
        for j in 0..7u32 {
            let v = sheet
                .get_value((y, 1 + j))
                .and_then(|v| v.as_f64())
                .expect("number");
            assert_eq!(v as i64, r["values"][j as usize].as_i64().expect("n"));
            seen += 1;
        }
    }
    assert_eq!(seen, 175);
    let t4 = wb.worksheet_range("表四").expect("表四");
    let row4: Vec<i64> = (0..15u32)
        .map(|j| t4.get_value((4, j)).and_then(|v| v.as_f64()).expect("n") as i64)
        .collect();
    assert_eq!(row4, [1, 1, 0, 0, 2, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1]);
}

#[tokio::test]
async fn reports_respect_scope_and_subtrees_add_up() {
    let app = spawn_app().await;
    import_corpus(&app).await;
    let recon = app.token("demo-reconsideration").await;
    let admin = app.token("demo-admin").await;
    let applicant = app.token("demo-applicant").await;
    let r = app
        .get(
            "/api/v1/stats/annual-report?agency=ZJ-HZ&year=2025&subtree=true",
            Some(&recon),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        row(&r.body, "new")[6],
        26,
        "the subtree holds ZJ-HZ-SC's cases"
    );
    let r = app
        .get(
            "/api/v1/stats/annual-report?agency=ZJ-HZ&year=2025&subtree=true",
            Some(&admin),
        )
        .await;
    assert_problem(&r, 403, "forbidden");
    let r = app
        .get(
            "/api/v1/stats/annual-report?agency=ZJ&year=2025",
            Some(&recon),
        )
        .await;
    assert_problem(&r, 403, "forbidden");
    let r = app
        .get(
            "/api/v1/stats/annual-report?agency=ZJ-HZ-SC&year=2025",
            Some(&applicant),
        )
        .await;
    assert_problem(&r, 403, "forbidden");
    let r = app
        .get(
            "/api/v1/stats/annual-report?agency=ZJ-HZ-SC&year=1999",
            Some(&admin),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "year");
    let r = app
        .get(
            "/api/v1/stats/annual-report?agency=ZJ-HZ-SC&year=2025&format=pdf",
            Some(&admin),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "format");
    let r = app
        .get(
            "/api/v1/stats/annual-report/cases?agency=ZJ-HZ-SC&year=2025&row=nonsense",
            Some(&admin),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "row");
}

#[tokio::test]
async fn outcomes_are_recorded_by_the_right_people_and_decided_later() {
    let app = spawn_app().await;
    import_corpus(&app).await;
    let admin = app.token("demo-admin").await;
    let recon = app.token("demo-reconsideration").await;
    let handler = app.token("demo-handler").await;
    // The still-open case received on 2025-12-29.
    let list = app
        .get(
            "/api/v1/stats/annual-report/cases?agency=ZJ-HZ-SC&year=2025&row=carried_forward&column=natural_person",
            Some(&admin),
        )
        .await;
    let id = list.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|c| c["received_on"] == "2025-12-29")
        .expect("case")["id"]
        .as_i64()
        .expect("id");
    let body = json!({"body_name": "杭州市上城区人民政府", "filed_on": "2026-02-10"});
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/reconsiderations"),
            Some(&handler),
            &body,
        )
        .await;
    assert_problem(&r, 403, "forbidden");
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/reconsiderations"),
            Some(&recon),
            &json!({"body_name": "杭州市上城区人民政府", "filed_on": "2025-12-01"}),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "filed_on");
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/reconsiderations"),
            Some(&recon),
            &body,
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["bucket"], "尚未审结");
    let rid = r.body["id"].as_i64().expect("id");
    let r = app
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/reconsiderations/{rid}"),
            Some(&recon),
            Some(&json!({"decision": "upheld", "decided_on": "2026-03-01", "defect": "overdue"})),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "defect");
    let r = app
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/reconsiderations/{rid}"),
            Some(&recon),
            Some(&json!({"decision": "ordered_to_perform", "decided_on": "2026-03-01", "defect": "overdue"})),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["bucket"], "结果纠正");
    assert_eq!(r.body["defect_label"], "逾期答复");

    let suit =
        json!({"court": "杭州铁路运输法院", "via_reconsideration": true, "filed_on": "2026-03-10"});
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/litigations"),
            Some(&recon),
            &suit,
        )
        .await;
    assert_problem(&r, 403, "forbidden");
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/litigations"),
            Some(&handler),
            &suit,
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let lid = r.body["id"].as_i64().expect("id");
    let r = app
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/litigations/{lid}"),
            Some(&handler),
            Some(&json!({"decision": "corrected", "decided_on": "2026-03-01"})),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "decided_on");
    let r = app
        .get(&format!("/api/v1/cases/{id}/outcomes"), Some(&admin))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["reconsiderations"].as_array().expect("r").len(), 1);
    assert_eq!(r.body["litigations"][0]["bucket"], "尚未审结");
}

#[tokio::test]
async fn the_guidance_manual_explains_corrected_replies_without_naming_applicants() {
    let app = spawn_app().await;
    import_corpus(&app).await;
    let recon = app.token("demo-reconsideration").await;
    let path =
        "/api/v1/stats/guidance-manual?agency=ZJ-HZ&subtree=true&from=2025-01-01&to=2025-12-31";
    let r = app.get(&format!("{path}&format=json"), Some(&recon)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let entries = r.body["entries"].as_array().expect("entries");
    assert_eq!(
        entries.len(),
        1,
        "only the revoked reply of 2025: {entries:?}"
    );
    let e = &entries[0];
    assert!(
        e["reply"].as_str().expect("reply").contains("予以公开"),
        "{e}"
    );
    assert!(
        e["reply"]
            .as_str()
            .expect("reply")
            .contains("依据条例相关规定处理"),
        "{e}"
    );
    assert!(e["decision"].as_str().expect("d").contains("撤销"), "{e}");
    assert!(
        e["why"].as_str().expect("why").contains("未说明理由"),
        "{e}"
    );
    assert!(
        e["lesson"]
            .as_str()
            .expect("l")
            .contains("不能笼统援引第十四条"),
        "{e}"
    );

    let md = app
        .client
        .get(app.url(path))
        .bearer_auth(&recon)
        .send()
        .await
        .expect("md");
    assert_eq!(
        md.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/markdown; charset=utf-8")
    );
    let md = md.text().await.expect("text");
    assert!(
        md.contains("## 案例一") && md.contains("### 经验教训"),
        "{md}"
    );
    assert!(!md.contains("李四"), "applicants are never named");

    let pdf = app
        .client
        .get(app.url(&format!("{path}&format=pdf")))
        .bearer_auth(&recon)
        .send()
        .await
        .expect("pdf")
        .bytes()
        .await
        .expect("bytes");
    let text: String = crate::letters::pdftotext(&pdf)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(text.contains("案例指导手册"), "{text}");
    assert!(text.contains("未说明理由"), "{text}");

    let admin = app.token("demo-admin").await;
    let r = app.get(path, Some(&admin)).await;
    assert_problem(&r, 403, "forbidden");
    let r = app
        .get(
            "/api/v1/stats/guidance-manual?agency=ZJ-HZ&subtree=true&from=2025-12-31&to=2025-01-01",
            Some(&recon),
        )
        .await;
    let p = assert_problem(&r, 422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "to");
}

#[tokio::test]
async fn every_table_four_cell_opens_the_cases_it_counts_and_lists_agencies_by_name() {
    let app = spawn_app().await;
    import_corpus(&app).await;
    let c = crate::web::browser();
    let (cookie, _) =
        crate::web::web_login(&app, &c, "demo-admin", crate::helpers::DEMO_PASSWORD).await;
    let (status, html) = crate::web::page(
        &app,
        &c,
        &cookie,
        "/stats/annual?agency=ZJ-HZ-SC&year=2025&subtree=0",
    )
    .await;
    assert_eq!(status, 200);
    // The agency is picked by name.
    assert!(html.contains("<select id=\"a-agency\""), "{html}");
    assert!(
        html.contains("上城区人民政府办公室") || html.contains("上城区"),
        "{html}"
    );
    let mut links = 0;
    for piece in html.split("href=\"/stats/annual/outcomes?").skip(1) {
        let href = piece
            .split('"')
            .next()
            .expect("href")
            .replace("&amp;", "&")
            .replace("&#38;", "&");
        let count: i64 = piece
            .split('>')
            .nth(1)
            .and_then(|t| t.split('<').next())
            .and_then(|t| t.trim().parse().ok())
            .expect("a count");
        let (status, cell) =
            crate::web::page(&app, &c, &cookie, &format!("/stats/annual/outcomes?{href}")).await;
        assert_eq!(status, 200, "{href}");
        let total: i64 = cell
            .split("id=\"cell-total\">")
            .nth(1)
            .and_then(|t| t.split('<').next())
            .and_then(|t| t.parse().ok())
            .expect("total");
        assert_eq!(total, count, "{href}");
        if count > 0 {
            assert!(cell.contains("/work/cases/"), "{href}");
            assert!(
                !cell.contains("<td>ZJ-HZ-SC</td>"),
                "names, not codes: {cell}"
            );
        }
        links += 1;
    }
    assert_eq!(links, 15, "every table 四 cell is a link");
}
