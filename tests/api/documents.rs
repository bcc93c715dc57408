//! Documents of a case: uploads by each role, who reads what, bad uploads refused with
//! nothing left behind, and the S3 path against a real S3-compatible server (moto).

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::cases::{register, registration};
use crate::helpers::{Reply, TestApp, assert_problem, problem_fields, spawn_app, spawn_app_with};

pub(crate) async fn upload(
    app: &TestApp,
    token: &str,
    case_id: i64,
    purpose: Option<&str>,
    name: &str,
    bytes: Vec<u8>,
) -> Reply {
    let mut form = reqwest::multipart::Form::new();
    if let Some(p) = purpose {
        form = form.text("purpose", p.to_owned());
    }
    // The client's type is a lie on purpose: the content decides.
    form = form.part(
        "file",
        reqwest::multipart::Part::bytes(bytes)
            .file_name(name.to_owned())
            .mime_str("application/octet-stream")
            .expect("mime"),
    );
    let res = app
        .client
        .post(app.url(&format!("/api/v1/cases/{case_id}/documents")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let text = res.text().await.expect("body");
    Reply {
        status,
        headers,
        body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
    }
}

pub(crate) async fn download(app: &TestApp, token: &str, id: i64) -> (u16, String, Vec<u8>) {
    let res = app
        .client
        .get(app.url(&format!("/api/v1/documents/{id}/content")))
        .bearer_auth(token)
        .send()
        .await
        .expect("download");
    let status = res.status().as_u16();
    let media = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, media, res.bytes().await.expect("bytes").to_vec())
}

/// A one-page PDF; `catalog_extra` adds an open action or embedded files to its catalogue.
pub fn pdf(text: &str, catalog_extra: &str) -> Vec<u8> {
    use lopdf::{Object, Stream, dictionary};
    let mut doc = lopdf::Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let content = format!("BT /F1 12 Tf 72 720 Td ({text}) Tj ET");
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.into_bytes()));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } },
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
        }),
    );
    let mut catalog = dictionary! { "Type" => "Catalog", "Pages" => pages_id };
    match catalog_extra {
        "js" => {
            let action = doc.add_object(dictionary! {
                "S" => "JavaScript", "JS" => Object::string_literal("app.alert('x')"),
            });
            catalog.set("OpenAction", action);
        }
        "embedded" => {
            let names = doc.add_object(dictionary! { "Names" => vec![] });
            catalog.set("Names", dictionary! { "EmbeddedFiles" => names });
        }
        _ => {}
    }
    let catalog_id = doc.add_object(catalog);
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

/// A small PNG carrying a text chunk with a position (metadata that must not survive).
fn png_with_metadata() -> Vec<u8> {
    let img = image::RgbImage::from_pixel(60, 40, image::Rgb([30, 30, 30]));
    let mut png = std::io::Cursor::new(Vec::new());
    img.write_to(&mut png, image::ImageFormat::Png)
        .expect("png");
    let mut bytes = png.into_inner();
    let data = b"Comment\0GPS 30.2741N 120.1551E";
    let mut chunk = Vec::new();
    chunk.extend_from_slice(&(data.len() as u32).to_be_bytes());
    chunk.extend_from_slice(b"tEXt");
    chunk.extend_from_slice(data);
    let mut crc = 0xFFFF_FFFFu32;
    for &b in &chunk[4..] {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    chunk.extend_from_slice(&(!crc).to_be_bytes());
    bytes.splice(33..33, chunk);
    bytes
}

/// Files an application online as `demo-applicant`; the clerk confirms it. Returns its id.
pub(crate) async fn filed_online(app: &TestApp, applicant: &str, clerk: &str) -> i64 {
    let mut body = registration("2026-09-15");
    body["channel"] = json!("online");
    body.as_object_mut().expect("object").remove("received_on");
    let r = app.post("/api/v1/cases", Some(applicant), &body).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let id = r.body["id"].as_i64().expect("id");
    let r = app
        .post(
            &format!("/api/v1/cases/{id}/confirm"),
            Some(clerk),
            &json!({"received_on": "2026-09-15"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    id
}

pub(crate) fn names(list: &Reply) -> Vec<String> {
    list.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|d| d["name"].as_str().expect("name").to_owned())
        .collect()
}

fn files_under(dir: &std::path::Path) -> usize {
    if !dir.exists() {
        return 0;
    }
    std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| {
            let e = e.expect("entry");
            if e.file_type().expect("type").is_dir() {
                files_under(&e.path())
            } else {
                1
            }
        })
        .sum()
}

#[tokio::test]
async fn each_role_adds_its_documents_and_the_applicant_reads_only_their_own() {
    let app = spawn_app().await;
    let applicant = app.token("demo-applicant").await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let id = filed_online(&app, &applicant, &clerk).await;

    // The applicant's identity proof, a PNG with a position in its metadata.
    let png = png_with_metadata();
    let r = upload(
        &app,
        &applicant,
        id,
        Some("identity_proof"),
        "C:\\相册\\身份证.PNG",
        png.clone(),
    )
    .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["media_type"], "image/png");
    assert_eq!(r.body["name"], "身份证.png");
    assert_eq!(r.body["purpose"], "identity_proof");
    let proof = r.body["id"].as_i64().expect("id");
    let (status, media, stored) = download(&app, &clerk, proof).await;
    assert_eq!((status, media.as_str()), (200, "image/png"));
    assert!(!stored.windows(3).any(|w| w == b"GPS"), "metadata survived");
    assert_eq!(r.body["sha256"], hex::encode(Sha256::digest(&stored)));
    assert_eq!(r.body["size"], stored.len());
    assert_eq!(
        image::load_from_memory(&stored).expect("an image").width(),
        60
    );

    // The handler's third-party opinion: internal.
    let opinion = pdf("Opinion of the third party", "");
    let r = upload(
        &app,
        &handler,
        id,
        Some("opinion"),
        "意见.docx",
        opinion.clone(),
    )
    .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["media_type"], "application/pdf");
    assert_eq!(
        r.body["name"], "意见.pdf",
        "the extension follows the content"
    );
    let opinion_id = r.body["id"].as_i64().expect("id");
    let (status, _, bytes) = download(&app, &handler, opinion_id).await;
    assert_eq!(status, 200);
    assert_eq!(bytes, opinion, "a PDF is kept as sent");

    // What each sees.
    let staff = app
        .get(&format!("/api/v1/cases/{id}/documents"), Some(&clerk))
        .await;
    assert_eq!(names(&staff), ["身份证.png", "意见.pdf"]);
    let own = app
        .get(&format!("/api/v1/cases/{id}/documents"), Some(&applicant))
        .await;
    assert_eq!(own.status, 200, "{:?}", own.body);
    assert_eq!(names(&own), ["身份证.png"]);
    let (status, _, _) = download(&app, &applicant, opinion_id).await;
    assert_eq!(status, 404, "an internal document is not the applicant's");
    let (status, _, _) = download(&app, &applicant, proof).await;
    assert_eq!(status, 200);

    // The events: the applicant's upload is on their timeline, the opinion is not.
    let events = app
        .get(&format!("/api/v1/cases/{id}/events"), Some(&applicant))
        .await;
    let kinds: Vec<&str> = events
        .body
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "document_added").count(),
        1,
        "{kinds:?}"
    );

    // Another applicant, and staff of another agency, see nothing of it.
    let r = app
        .post("/api/v1/auth/register", None, &json!({"username": "other-applicant", "password": crate::helpers::DEMO_PASSWORD, "display_name": "王五"}))
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let other = app.token("other-applicant").await;
    assert_eq!(download(&app, &other, proof).await.0, 404);
    assert_eq!(
        app.get(&format!("/api/v1/cases/{id}/documents"), Some(&other))
            .await
            .status,
        404
    );

    // Every download was logged: clerk, handler, applicant (the refused ones were not).
    let logged = app
        .state
        .read(move |conn| {
            Ok(
                yishen_store::models::document::downloads(conn, proof)?.len()
                    + yishen_store::models::document::downloads(conn, opinion_id)?.len(),
            )
        })
        .await
        .expect("read");
    assert_eq!(logged, 3);
}

#[tokio::test]
async fn bad_uploads_are_refused_in_chinese_and_leave_nothing_behind() {
    let app = spawn_app_with(crate::helpers::TODAY, |s| {
        s.upload_limits
            .set(yishen_domain::document::Purpose::IdentityProof, 64 * 1024);
    })
    .await;
    let applicant = app.token("demo-applicant").await;
    let clerk = app.token("demo-clerk").await;
    let handler = app.token("demo-handler").await;
    let id = filed_online(&app, &applicant, &clerk).await;
    let other_case = register(&app, &clerk, "2026-09-14").await;

    // Wrong magic bytes: a Windows program named as a PDF.
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00".to_vec();
    exe.extend(std::iter::repeat_n(0u8, 2000));
    let r = upload(&app, &applicant, id, Some("supporting"), "申请表.pdf", exe).await;
    let body = assert_problem(&r, 422, "validation_failed");
    assert_eq!(problem_fields(&body), ["file"]);
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("不支持的文件类型"),
        "{body}"
    );

    // Over the purpose's limit: 413 naming the field and the limit.
    let big = "申请".repeat(40_000).into_bytes();
    let r = upload(&app, &applicant, id, Some("identity_proof"), "大.txt", big).await;
    let body = assert_problem(&r, 413, "payload_too_large");
    assert!(body["detail"].as_str().unwrap().contains("file"), "{body}");

    // A PDF with JavaScript, and one with embedded files.
    for (extra, said) in [("js", "JavaScript"), ("embedded", "嵌入")] {
        let r = upload(
            &app,
            &applicant,
            id,
            Some("supporting"),
            "a.pdf",
            pdf("x", extra),
        )
        .await;
        let body = assert_problem(&r, 422, "validation_failed");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(said),
            "{body}"
        );
    }

    // A purpose that is not the applicant's, and none at all.
    let r = upload(
        &app,
        &applicant,
        id,
        Some("opinion"),
        "a.txt",
        b"text".to_vec(),
    )
    .await;
    assert_problem(&r, 403, "forbidden");
    let r = upload(&app, &applicant, id, None, "a.txt", b"text".to_vec()).await;
    let body = assert_problem(&r, 422, "validation_failed");
    assert_eq!(problem_fields(&body), ["purpose"]);
    // Another applicant's case.
    let r = upload(
        &app,
        &applicant,
        other_case,
        Some("supporting"),
        "a.txt",
        b"text".to_vec(),
    )
    .await;
    assert_problem(&r, 404, "not_found");
    // 补正 material outside a 补正 window.
    let r = upload(
        &app,
        &applicant,
        id,
        Some("correction"),
        "a.txt",
        b"text".to_vec(),
    )
    .await;
    assert_problem(&r, 409, "document_not_accepted_now");

    // Nothing was kept: no row, no event, no stored content, no temporary file.
    let list = app
        .get(&format!("/api/v1/cases/{id}/documents"), Some(&handler))
        .await;
    assert!(names(&list).is_empty(), "{:?}", list.body);
    let events = app
        .get(&format!("/api/v1/cases/{id}/events"), Some(&handler))
        .await;
    assert!(!events.body.to_string().contains("document_added"));
    assert_eq!(files_under(&app.data_dir().join("blobs")), 0);
    assert_eq!(files_under(&app.data_dir().join("uploads")), 0);

    // A name with a path in it is kept as its last part; another case's document id is not
    // found through this case's applicant.
    let r = upload(
        &app,
        &applicant,
        id,
        Some("supporting"),
        "../../etc/passwd",
        "说明".as_bytes().to_vec(),
    )
    .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["name"], "passwd.txt");
    let r = upload(
        &app,
        &clerk,
        other_case,
        Some("envelope"),
        "信封.png",
        png_with_metadata(),
    )
    .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let envelope = r.body["id"].as_i64().expect("id");
    assert_eq!(download(&app, &applicant, envelope).await.0, 404);
}

/// A moto S3 server on a free port, stopped when dropped.
struct Moto {
    child: std::process::Child,
    endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn moto() -> Moto {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let child = std::process::Command::new("moto_server")
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("moto_server must be installed (pip install 'moto[server]'; .ci/test does it)");
    let endpoint = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    for _ in 0..100 {
        if client.get(&endpoint).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let r = client
        .put(format!("{endpoint}/yishen-docs"))
        .send()
        .await
        .expect("create bucket");
    assert!(r.status().is_success(), "bucket: {}", r.status());
    Moto { child, endpoint }
}

#[tokio::test]
async fn documents_go_to_an_s3_compatible_store() {
    let s3 = moto().await;
    let endpoint = s3.endpoint.clone();
    let app = spawn_app_with(crate::helpers::TODAY, move |s| {
        use yishen_app::settings::Secret;
        s.blob_url = Some("s3://yishen-docs/province".into());
        for (k, v) in [
            ("aws_endpoint", endpoint.as_str()),
            ("aws_region", "us-east-1"),
            ("aws_access_key_id", "test"),
            ("aws_secret_access_key", "test"),
            ("aws_allow_http", "true"),
        ] {
            s.blob_options.push((k.into(), Secret::new(v)));
        }
    })
    .await;
    let clerk = app.token("demo-clerk").await;
    let id = register(&app, &clerk, "2026-09-14").await;
    let scan = pdf("Scan of the paper application", "");
    let r = upload(
        &app,
        &clerk,
        id,
        Some("paper_application"),
        "扫描件.pdf",
        scan.clone(),
    )
    .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let sha = r.body["sha256"].as_str().expect("sha").to_owned();
    // The same content again is stored once.
    let r = upload(
        &app,
        &clerk,
        id,
        Some("paper_application"),
        "扫描件（二）.pdf",
        scan.clone(),
    )
    .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let listing = reqwest::get(format!("{}/yishen-docs?list-type=2", s3.endpoint))
        .await
        .expect("list")
        .text()
        .await
        .expect("xml");
    assert_eq!(
        listing
            .matches(&format!("province/sha256/{}/{sha}", &sha[..2]))
            .count(),
        1,
        "{listing}"
    );
    // (The case's receipt may be there too: letters' PDFs live in the same store.)
    let (status, media, bytes) = download(&app, &clerk, r.body["id"].as_i64().expect("id")).await;
    assert_eq!((status, media.as_str()), (200, "application/pdf"));
    assert_eq!(bytes, scan);
    assert_eq!(
        files_under(&app.data_dir().join("blobs")),
        0,
        "nothing in the folder store"
    );
}

#[tokio::test]
async fn documents_past_their_retention_are_purged_and_unneeded_contents_removed() {
    use yishen_app::services::documents::purge;
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let admin = app.token("demo-admin").await;
    let withdrawn = register(&app, &clerk, "2026-09-14").await;
    let open = register(&app, &clerk, "2026-09-14").await;
    let shared = "身份证明（复印件）".as_bytes().to_vec();
    let proof = upload(
        &app,
        &clerk,
        withdrawn,
        Some("identity_proof"),
        "证明.txt",
        shared.clone(),
    )
    .await;
    assert_eq!(proof.status, 201, "{:?}", proof.body);
    let proof_id = proof.body["id"].as_i64().expect("id");
    let envelope = upload(
        &app,
        &clerk,
        withdrawn,
        Some("envelope"),
        "信封.png",
        png_with_metadata(),
    )
    .await;
    assert_eq!(envelope.status, 201, "{:?}", envelope.body);
    let other = upload(
        &app,
        &clerk,
        withdrawn,
        Some("supporting"),
        "说明.txt",
        "另一份说明".as_bytes().to_vec(),
    )
    .await;
    assert_eq!(other.status, 201, "{:?}", other.body);
    // The same content on an open case: it stays needed.
    let r = upload(
        &app,
        &clerk,
        open,
        Some("identity_proof"),
        "证明.txt",
        shared,
    )
    .await;
    assert_eq!(r.status, 201, "{:?}", r.body);

    // Retention is the agency's setting, checked: identity proof and supporting papers one
    // year after the case is concluded, envelopes without end.
    let r = app
        .send(reqwest::Method::PATCH, "/api/v1/agencies/ZJ-HZ-SC", Some(&admin),
            Some(&json!({"document_retention_years": {"identity_proof": 1, "supporting": 1, "letters": 3}})))
        .await;
    let body = assert_problem(&r, 422, "validation_failed");
    assert_eq!(problem_fields(&body), ["document_retention_years.letters"]);
    let r = app
        .send(
            reqwest::Method::PATCH,
            "/api/v1/agencies/ZJ-HZ-SC",
            Some(&admin),
            Some(&json!({"document_retention_years": {"identity_proof": 1, "supporting": 1}})),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(
        r.body["document_retention_years"],
        json!({"identity_proof": 1, "supporting": 1})
    );

    let r = app
        .post(
            &format!("/api/v1/cases/{withdrawn}/withdraw"),
            Some(&clerk),
            &json!({"reason": "申请人书面撤回"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    // Every letter rendered and recorded first: with no grace period, a PDF between its write
    // and its row would look unneeded (the grace period is what protects it outside tests).
    yishen_app::services::issuing::render_all_pending(&app.state)
        .await
        .expect("render");
    // A content an upload left behind: no row names it.
    let orphan = hex::encode(Sha256::digest(b"left by a failed upload"));
    app.state
        .blobs
        .put_bytes(&orphan, b"left by a failed upload".to_vec())
        .await
        .expect("put");

    let on = |day: &str| {
        let mut ctx = app.state.clone();
        ctx.clock = yishen_app::time::Clock::fixed(day.parse().expect("date"));
        ctx
    };
    // Every content counts, whatever the file system's and the process's clocks say.
    let zero = chrono::DateTime::<chrono::Utc>::MAX_UTC;
    // A day before the year is out: nothing is due; the orphan is unneeded already.
    // (Two renderers of one letter each store their own rendering and one is recorded: the
    // other is unneeded too.)
    let r = purge(&on("2027-09-14"), true, zero).await.expect("dry run");
    assert!(r.due.is_empty(), "{:?}", r.due);
    assert!(r.unneeded.contains(&orphan), "{:?}", r.unneeded);
    let before = r.unneeded.len();
    // The dry run on the day: both of the withdrawn case's papers are due; the one whose
    // content the open case also holds frees nothing. Nothing changes.
    let r = purge(&on("2027-09-15"), true, zero).await.expect("dry run");
    let due: Vec<i64> = r.due.iter().map(|d| d.id).collect();
    assert_eq!(due.len(), 2, "{:?}", r.due);
    assert!(due.contains(&proof_id));
    assert_eq!(
        r.unneeded.len(),
        before + 1,
        "and the other paper: {:?}",
        r.unneeded
    );
    assert!(r.unneeded.contains(&orphan));
    assert!(
        r.unneeded
            .iter()
            .any(|s| other.body["sha256"] == s.as_str())
    );
    assert!(
        !r.unneeded
            .iter()
            .any(|s| proof.body["sha256"] == s.as_str())
    );
    let list = app
        .get(
            &format!("/api/v1/cases/{withdrawn}/documents"),
            Some(&clerk),
        )
        .await;
    assert_eq!(names(&list).len(), 3);
    // The real run.
    let r = purge(&on("2027-09-15"), false, zero).await.expect("purge");
    assert_eq!(r.due.len(), 2);
    let list = app
        .get(
            &format!("/api/v1/cases/{withdrawn}/documents"),
            Some(&clerk),
        )
        .await;
    assert_eq!(names(&list), ["信封.png"]);
    assert_eq!(download(&app, &clerk, proof_id).await.0, 404);
    assert!(!app.state.blobs.exists(&orphan).await.expect("exists"));
    let other_sha = other.body["sha256"].as_str().expect("sha");
    assert!(!app.state.blobs.exists(other_sha).await.expect("exists"));
    let proof_sha = proof.body["sha256"].as_str().expect("sha");
    assert!(
        app.state.blobs.exists(proof_sha).await.expect("exists"),
        "still needed"
    );
    let open_list = app
        .get(&format!("/api/v1/cases/{open}/documents"), Some(&clerk))
        .await;
    let open_doc = open_list.body["items"][0]["id"].as_i64().expect("id");
    assert_eq!(download(&app, &clerk, open_doc).await.0, 200);
    // The record keeps the upload events.
    let events = app
        .get(&format!("/api/v1/cases/{withdrawn}/events"), Some(&clerk))
        .await;
    let added = events
        .body
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["kind"] == "document_added")
        .count();
    assert_eq!(added, 3);
    // Letters are records: their PDFs are never unneeded.
    let letters = app
        .get(&format!("/api/v1/cases/{withdrawn}/letters"), Some(&clerk))
        .await;
    let receipt_sha = letters.body[0]["sha256"].as_str().expect("sha").to_owned();
    assert!(app.state.blobs.exists(&receipt_sha).await.expect("exists"));
    let r = purge(&on("2027-09-15"), false, zero).await.expect("again");
    assert!(r.due.is_empty(), "{r:?}");
    for kept in [
        proof_sha,
        envelope.body["sha256"].as_str().expect("sha"),
        &receipt_sha,
    ] {
        assert!(
            !r.unneeded.iter().any(|s| s == kept),
            "{kept} is needed: {r:?}"
        );
    }
}
