//! `yishen backup` and `yishen restore` (the services the commands call): a copy made while
//! applications are being filed restores into a new data dir whose event chains verify.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use yishen_app::services::backup::{self, BackupError};

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_backup_made_under_intake_load_restores_and_verifies() {
    let app = spawn_app().await;
    let clerk = app.token("demo-clerk").await;
    let first = crate::cases::register(&app, &clerk, "2026-09-01").await;
    let pdf = crate::documents::pdf("征收补偿方案（备份核对）", "");
    let r = crate::documents::upload(
        &app,
        &clerk,
        first,
        Some("paper_application"),
        "申请书.pdf",
        pdf.clone(),
    )
    .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let doc = r.body["id"].as_i64().expect("document id");
    let sha = r.body["sha256"].as_str().expect("sha256").to_owned();

    // Four clerks' desks registering applications while the backup runs.
    let stop = Arc::new(AtomicBool::new(false));
    let mut filers = Vec::new();
    for _ in 0..4 {
        let (client, url, token, stop) = (
            app.client.clone(),
            app.url("/api/v1/cases"),
            clerk.clone(),
            stop.clone(),
        );
        filers.push(tokio::spawn(async move {
            let mut acknowledged = 0;
            while !stop.load(Ordering::Relaxed) {
                let res = client
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&crate::cases::registration("2026-09-14"))
                    .send()
                    .await
                    .expect("file");
                assert_eq!(res.status().as_u16(), 201);
                acknowledged += 1;
            }
            acknowledged
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let out = tempfile::tempdir().expect("temp dir");
    let copy = out.path().join("backup-1");
    let report = backup::backup(&app.state, &copy).await.expect("backup");
    stop.store(true, Ordering::Relaxed);
    let mut during = 0;
    for f in filers {
        during += f.await.expect("filer");
    }
    assert!(during > 0, "the backup ran while applications were filed");
    assert!(
        report.manifest.blobs.iter().any(|b| b.sha256 == sha),
        "the document's content is in the backup"
    );
    assert!(report.manifest.keys.contains("data.key"));
    // A second backup into the same folder is refused.
    assert!(matches!(
        backup::backup(&app.state, &copy).await,
        Err(BackupError::OutputNotEmpty(_))
    ));
    if app.backend != "sqlite" {
        // PostgreSQL is copied with its own tools; the contents are still backed up.
        assert!(report.manifest.database.is_none());
        return;
    }
    assert!(report.manifest.database.is_some());

    // A damaged copy is refused before anything is written.
    let damaged = out.path().join("damaged");
    std::fs::create_dir_all(damaged.join("blobs")).expect("dir");
    for e in report
        .manifest
        .database
        .iter()
        .chain(&report.manifest.blobs)
    {
        std::fs::copy(copy.join(&e.path), damaged.join(&e.path)).expect("copy");
    }
    std::fs::copy(copy.join(backup::MANIFEST), damaged.join(backup::MANIFEST)).expect("copy");
    let victim = damaged.join(format!("blobs/{sha}"));
    let mut bytes = std::fs::read(&victim).expect("read");
    bytes[10] ^= 0x55;
    std::fs::write(&victim, bytes).expect("write");
    let err = backup::check(&damaged).await.expect_err("damaged");
    assert!(err.to_string().contains(&sha), "{err}");

    // Restore into a new data dir; the keys are put back separately, as the backup says.
    let target = tempfile::tempdir().expect("temp dir");
    let data_dir = target.path().join("data");
    std::fs::create_dir_all(&data_dir).expect("dir");
    for key in ["data.key", "jwt.secret"] {
        std::fs::copy(app.state.settings.data_dir.join(key), data_dir.join(key)).expect("key");
    }
    let db = data_dir.join("yishen.sqlite3");
    let settings = yishen_app::settings::Settings {
        data_dir: data_dir.clone(),
        ..Default::default()
    };
    let blobs = yishen_app::blobs::Blobs::open(&settings).expect("blobs");
    let blob_dir = data_dir.join("blobs");
    backup::restore(&copy, Some(&db), &blobs, Some(&blob_dir), false)
        .await
        .expect("restore");
    assert!(matches!(
        backup::restore(&copy, Some(&db), &blobs, Some(&blob_dir), false).await,
        Err(BackupError::TargetNotEmpty(_))
    ));
    backup::restore(&copy, Some(&db), &blobs, Some(&blob_dir), true)
        .await
        .expect("restore with force");

    let restored = crate::helpers::spawn_app_with(crate::helpers::TODAY, |s| {
        s.data_dir = data_dir.clone();
        s.database_url = Some(db.to_string_lossy().into_owned());
    })
    .await;
    let audit = yishen_app::services::audit::verify(&restored.state)
        .await
        .expect("audit");
    assert!(audit.broken.is_none(), "{:?}", audit.broken);
    assert!(audit.cases >= 2, "{}", audit.cases);
    let clerk = restored.token("demo-clerk").await;
    let r = restored
        .get(&format!("/api/v1/cases/{first}"), Some(&clerk))
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["applicant"]["name"], crate::cases::person()["name"]);
    let (status, _, body) = crate::documents::download(&restored, &clerk, doc).await;
    assert_eq!(status, 200);
    assert_eq!(body, pdf);
}
