use std::time::Duration;

use serde_json::{Value, json};
use yishen_app::settings::{Secret, Settings};
use yishen_server::startup::Application;

pub const DEMO_PASSWORD: &str = "yishen-demo-2026";

/// The legal "today" of every test app: a day well inside the years whose holiday notices
/// are shipped, and early enough that a reply due date plus an extension stays in that year.
/// No test reads the wall clock for a legal date.
pub const TODAY: &str = "2026-09-15";

/// A database that lives as long as the test.
pub enum TestDb {
    Sqlite,
    #[cfg(feature = "postgres")]
    Postgres {
        admin_url: String,
        name: String,
    },
}

impl Drop for TestDb {
    fn drop(&mut self) {
        #[cfg(feature = "postgres")]
        if let TestDb::Postgres { admin_url, name } = self {
            let _ = yishen_store::conn::pg_admin::drop_database(admin_url, name);
        }
    }
}

/// The test server's URL without TLS (and without GSS encryption) unless it says otherwise.
/// A test's app may still be closing its pool's connections on a server worker thread when the
/// test process exits; with TLS, libpq's `PQfinish` then races OpenSSL's exit-time clean-up and
/// the process can die of SIGSEGV after every test passed (the same race as diesel-rs/diesel
/// issue 3441). The tests talk to a server on this machine, where TLS protects nothing.
#[cfg(feature = "postgres")]
fn without_tls(url: String) -> String {
    if url.contains("sslmode=") {
        return url;
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}sslmode=disable&gssencmode=disable")
}

/// The database URL for a new test and its guard.
fn test_database(data_dir: &std::path::Path) -> (Option<String>, TestDb) {
    match std::env::var("YISHEN_TEST_DATABASE_URL")
        .ok()
        .filter(|v| !v.is_empty())
    {
        None => (
            Some(data_dir.join("test.sqlite3").to_string_lossy().into_owned()),
            TestDb::Sqlite,
        ),
        #[cfg(feature = "postgres")]
        Some(admin_url) => {
            let admin_url = without_tls(admin_url);
            let name = format!("yishen_test_{}", uuid::Uuid::new_v4().simple());
            yishen_store::conn::pg_admin::create_database(&admin_url, &name)
                .expect("create the test database");
            let url = yishen_store::conn::pg_admin::url_for(&admin_url, &name);
            (Some(url), TestDb::Postgres { admin_url, name })
        }
        #[cfg(not(feature = "postgres"))]
        Some(_) => panic!(
            "YISHEN_TEST_DATABASE_URL is set but the tests were built without `--features postgres`"
        ),
    }
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub backend: &'static str,
    /// The application's state, for calling services directly (background jobs).
    pub state: yishen_app::Ctx,
    _db: TestDb,
    _data_dir: tempfile::TempDir,
}

/// Boots the application with the demo agencies and accounts, its legal date pinned to
/// [`TODAY`].
pub async fn spawn_app() -> TestApp {
    spawn_app_on(TODAY).await
}

/// Boots the application with its legal date pinned to `today` (`YYYY-MM-DD`).
pub async fn spawn_app_on(today: &str) -> TestApp {
    spawn_app_with(today, |_| {}).await
}

/// Boots the application with its legal date pinned to `today`, the settings changed by
/// `configure` first.
pub async fn spawn_app_with(today: &str, configure: impl FnOnce(&mut Settings)) -> TestApp {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let (database_url, db) = test_database(data_dir.path());
    let settings = Settings {
        bind: "127.0.0.1:0".into(),
        data_dir: data_dir.path().to_owned(),
        database_url,
        demo_password: Secret::new(DEMO_PASSWORD),
        log: std::env::var("TEST_LOG").unwrap_or_else(|_| "off".into()),
        pool_size: 4,
        today: Some(today.parse().expect("a date")),
        ..Settings::default()
    };
    let mut settings = settings;
    configure(&mut settings);
    yishen_server::telemetry::init(&settings);
    let app = Application::build(settings, true)
        .await
        .expect("build the application");
    let address = format!("http://127.0.0.1:{}", app.port());
    let backend = app.state().pool.backend().as_str();
    let state = app.state().clone();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    TestApp {
        address,
        client,
        backend,
        state,
        _db: db,
        _data_dir: data_dir,
    }
}

pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl TestApp {
    /// The data dir the app runs in.
    /// Ends the server-side sessions of every pooled connection, as a restart of PostgreSQL
    /// would; `false` on SQLite, whose connections are files.
    pub fn close_database_sessions(&self) -> bool {
        match &self._db {
            TestDb::Sqlite => false,
            #[cfg(feature = "postgres")]
            TestDb::Postgres { admin_url, name } => {
                yishen_store::conn::pg_admin::terminate_sessions(admin_url, name)
                    .expect("terminate the test database's sessions");
                true
            }
        }
    }

    pub fn data_dir(&self) -> &std::path::Path {
        self._data_dir.path()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// The `/metrics` text, read without credentials.
    pub async fn metrics(&self) -> String {
        self.client
            .get(self.url("/metrics"))
            .send()
            .await
            .expect("metrics")
            .text()
            .await
            .expect("text")
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let res = req.send().await.expect("request");
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let text = res.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.send(reqwest::Method::GET, path, token, None).await
    }

    /// Waits until the instance's similar-case index holds every committed change (its
    /// follower commits about once a second), as `/readyz` reports it.
    pub async fn index_settled(&self) {
        for _ in 0..100 {
            let r = self.get("/readyz", None).await;
            if r.body["index_lag"] == 0 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the similar-case index did not catch up within 5 s");
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Reply {
        self.send(reqwest::Method::POST, path, token, Some(body))
            .await
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: &Value) -> Reply {
        self.send(reqwest::Method::PUT, path, token, Some(body))
            .await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: &Value) -> Reply {
        self.send(reqwest::Method::PATCH, path, token, Some(body))
            .await
    }

    pub async fn login(&self, username: &str, password: &str) -> Reply {
        self.post(
            "/api/v1/auth/login",
            None,
            &json!({"username": username, "password": password}),
        )
        .await
    }

    /// The access token of a demo account.
    pub async fn token(&self, username: &str) -> String {
        let r = self.login(username, DEMO_PASSWORD).await;
        assert_eq!(r.status, 200, "login {username}: {:?}", r.body);
        r.body["access_token"].as_str().expect("token").to_owned()
    }
}

/// Asserts a problem+json body with the given status and code; returns the body.
pub fn assert_problem(r: &Reply, status: u16, code: &str) -> Value {
    assert_eq!(r.status, status, "{:?}", r.body);
    assert_eq!(
        r.headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("application/problem+json"),
        "{:?}",
        r.body
    );
    assert_eq!(r.body["code"], code, "{:?}", r.body);
    assert_eq!(r.body["status"], status);
    assert!(
        r.body["title"].as_str().is_some_and(|t| !t.is_ascii()),
        "Chinese title"
    );
    assert!(r.body["request_id"].is_string(), "request id in the body");
    r.body.clone()
}

/// The fields named in a problem's `errors`.
pub fn problem_fields(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// A seal image for the tests: a red ring and centre as a PNG, `side` px square, on a ground
/// of white with alpha `background_alpha` (0: transparent, 255: opaque).
pub fn seal_png(side: u32, background_alpha: u8) -> Vec<u8> {
    let c = side as f32 / 2.0;
    let img = image::RgbaImage::from_fn(side, side, |x, y| {
        let d = ((x as f32 - c).powi(2) + (y as f32 - c).powi(2)).sqrt();
        if (d > c * 0.86 && d < c * 0.97) || d < c * 0.25 {
            image::Rgba([214, 20, 28, 255])
        } else {
            image::Rgba([255, 255, 255, background_alpha])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("encodes");
    out.into_inner()
}
