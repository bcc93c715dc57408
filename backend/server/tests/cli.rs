//! The `yishen` binary as an operator runs it: migrate, user add, serve --demo.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Output, Stdio};

struct Env {
    dir: tempfile::TempDir,
    database_url: String,
    #[cfg(feature = "postgres")]
    pg: Option<(String, String)>,
}

impl Drop for Env {
    fn drop(&mut self) {
        #[cfg(feature = "postgres")]
        if let Some((admin, name)) = &self.pg {
            let _ = yishen_store::conn::pg_admin::drop_database(admin, name);
        }
    }
}

fn env() -> Env {
    let dir = tempfile::tempdir().expect("temp dir");
    let admin = std::env::var("YISHEN_TEST_DATABASE_URL")
        .ok()
        .filter(|v| !v.is_empty());
    match admin {
        None => Env {
            database_url: dir
                .path()
                .join("cli.sqlite3")
                .to_string_lossy()
                .into_owned(),
            dir,
            #[cfg(feature = "postgres")]
            pg: None,
        },
        #[cfg(feature = "postgres")]
        Some(admin) => {
            let name =
                format!("yishen_cli_{}", std::process::id()) + &format!("_{}", rand_suffix());
            yishen_store::conn::pg_admin::create_database(&admin, &name).expect("create database");
            Env {
                database_url: yishen_store::conn::pg_admin::url_for(&admin, &name),
                dir,
                pg: Some((admin, name)),
            }
        }
        #[cfg(not(feature = "postgres"))]
        Some(_) => {
            panic!("YISHEN_TEST_DATABASE_URL is set but the build has no PostgreSQL support")
        }
    }
}

#[cfg(feature = "postgres")]
fn rand_suffix() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let n = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("time")
        .subsec_nanos();
    format!("{n}")
}

const TODAY: &str = "2026-09-15";

fn yishen(env: &Env) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_yishen"));
    c.env_clear()
        .env("YISHEN_DATA_DIR", env.dir.path())
        .env("YISHEN_DATABASE_URL", &env.database_url)
        .env("YISHEN_LOG", "warn")
        // Legal dates on a day inside the shipped calendar, whatever the wall clock says.
        .env("YISHEN_TODAY", TODAY)
        .env("PATH", std::env::var("PATH").unwrap_or_default());
    c
}

fn run_with_stdin(mut cmd: Command, stdin: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn yishen");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn migrate_prepares_an_empty_database_and_is_idempotent() {
    let env = env();
    for _ in 0..2 {
        let out = yishen(&env).arg("migrate").output().expect("run");
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(text(&out.stdout).contains("数据库已是最新"));
    }
}

#[test]
fn user_add_creates_a_staff_account_and_refuses_bad_input() {
    let env = env();
    let out = yishen(&env).arg("migrate").output().expect("run");
    assert!(out.status.success());

    let mut cmd = yishen(&env);
    cmd.args([
        "user",
        "add",
        "--username",
        "ops-root",
        "--role",
        "sysadmin",
    ]);
    let out = run_with_stdin(cmd, "correct horse battery staple\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("已创建账号 ops-root"));
    let secret = env.dir.path().join("jwt.secret");
    assert!(
        secret.exists(),
        "the JWT secret is generated into the data dir"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&secret)
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let mut cmd = yishen(&env);
    cmd.args([
        "user",
        "add",
        "--username",
        "ops-root",
        "--role",
        "sysadmin",
    ]);
    let out = run_with_stdin(cmd, "another-passphrase\n");
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("该用户名已被使用"),
        "{}",
        text(&out.stderr)
    );

    let mut cmd = yishen(&env);
    cmd.args([
        "user",
        "add",
        "--username",
        "clerk-x",
        "--role",
        "clerk",
        "--agency",
        "ZJ-HZ-SC",
    ]);
    let out = run_with_stdin(cmd, "clerk-passphrase\n");
    assert!(!out.status.success(), "no such agency without demo data");
    assert!(
        text(&out.stderr).contains("机关代码不存在"),
        "{}",
        text(&out.stderr)
    );

    let mut cmd = yishen(&env);
    cmd.args(["user", "add", "--username", "weak", "--role", "sysadmin"]);
    let out = run_with_stdin(cmd, "short\n");
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("密码"), "{}", text(&out.stderr));
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn serve_demo_prints_where_to_log_in_and_the_demo_accounts_work() {
    let env = env();
    let mut cmd = yishen(&env);
    cmd.args(["serve", "--demo"])
        .env("YISHEN_BIND", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut server = Server(cmd.spawn().expect("spawn"));
    let stdout = server.0.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().expect("a line").expect("utf-8");
    let base = first
        .split("已启动：")
        .nth(1)
        .expect("the address is printed")
        .trim()
        .to_owned();
    let rest: Vec<String> = lines.take(7).map(|l| l.expect("line")).collect();
    let printed = rest.join("\n");
    assert!(
        printed.contains("demo-clerk") && printed.contains("yishen-demo-2026"),
        "{printed}"
    );
    assert!(printed.contains("/api/v1/auth/login"));
    assert!(printed.contains(&format!("{base}/login")), "{printed}");

    let rt = tokio_runtime();
    let status = rt.block_on(async {
        reqwest::Client::new()
            .post(format!("{base}/api/v1/auth/login"))
            .json(&serde_json::json!({"username": "demo-reconsideration", "password": "yishen-demo-2026"}))
            .send()
            .await
            .expect("login")
            .status()
            .as_u16()
    });
    assert_eq!(status, 200);
}

#[test]
fn serve_says_once_when_today_has_no_holiday_data() {
    let env = env();
    let mut cmd = yishen(&env);
    cmd.args(["serve", "--demo"])
        .env("YISHEN_BIND", "127.0.0.1:0")
        .env("YISHEN_TODAY", "2027-06-15")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut server = Server(cmd.spawn().expect("spawn"));
    let stdout = server.0.stdout.take().expect("stdout");
    // Read on a thread: the server keeps its stdout open, so a missing line must time out
    // rather than block the test.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    while let Ok(line) = rx.recv_timeout(std::time::Duration::from_secs(120)) {
        let done = line.contains("节假日安排尚未载入");
        lines.push(line);
        if done {
            break;
        }
    }
    let banner = lines.join("\n");
    assert!(banner.contains("已启动"), "{banner}");
    assert!(
        banner.contains("法定日期固定为 2027-06-15"),
        "the pinned date is named: {banner}"
    );
    assert!(
        banner.contains("2027年的节假日安排尚未载入"),
        "the calendar warning: {banner}"
    );
    assert_eq!(
        lines.iter().filter(|l| l.contains("尚未载入")).count(),
        1,
        "said once"
    );
}

fn tokio_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// Starts `serve --demo` until it is up, so the demo agencies exist, then stops it.
fn seed_demo(env: &Env) {
    let mut cmd = yishen(env);
    cmd.args(["serve", "--demo"])
        .env("YISHEN_BIND", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut server = Server(cmd.spawn().expect("spawn"));
    let stdout = server.0.stdout.take().expect("stdout");
    let first = BufReader::new(stdout)
        .lines()
        .next()
        .expect("a line")
        .expect("utf-8");
    assert!(first.contains("已启动"), "{first}");
}

const IMPORT: &str = r#"{"external_id":"2024-001","agency":"ZJ-HZ-SC","channel":"online","received_on":"2024-03-05","applicant":{"kind":"person","name":"李四","id_type":"resident_id","id_number":"11010519491231002X","phone":"13800138000"},"content":"请公开2023年本区老旧小区改造项目的资金使用情况","disposition":"withheld_process_info","concluded_on":"2024-03-29","reasons":"属于内部讨论记录","reconsideration":{"body_name":"杭州市上城区人民政府","filed_on":"2024-04-20","decision":"revoked","decided_on":"2024-06-10"}}
{"external_id":"2024-002","agency":"ZJ-HZ-SC","channel":"registered_post","received_on":"2024-05-06","applicant":{"kind":"organization","category":"business","name":"某某科技有限公司","id_type":"uscc","id_number":"91350100M000100Y43","email":"info@example.com"},"content":"请公开本区2024年度政府采购项目清单","litigation":{"court":"杭州互联网法院","via_reconsideration":false,"filed_on":"2024-08-01"}}
{"external_id":"2024-003","agency":"ZJ-HZ-SC","channel":"in_person","received_on":"2024-05-07","applicant":{"kind":"person","name":"王五","id_type":"resident_id","id_number":"110105194912310021","phone":"13800138000"},"content":"请公开本区2024年度政府采购项目清单"}
{"external_id":"2024-004", "agency":
{"external_id":"2024-001","agency":"ZJ-HZ-SC","channel":"online","received_on":"2024-03-05","applicant":{"kind":"person","name":"李四","id_type":"resident_id","id_number":"11010519491231002X","phone":"13800138000"},"content":"请公开2023年本区老旧小区改造项目的资金使用情况"}
{"agency":"ZJ-XX","channel":"fax","received_on":"2024-05-07","applicant":{"kind":"person","name":"赵六","id_type":"passport","id_number":"E12345678","address":"杭州市某路"},"content":"请公开本区2024年度政府采购项目清单"}
"#;

/// Changes the database behind the system's back, as someone with access to it would.
fn tamper(env: &Env, sql: &str) {
    use diesel::connection::SimpleConnection;
    let url = yishen_store::DbUrl::parse(&env.database_url).expect("url");
    let mut conn = url.connect().expect("connect");
    conn.batch_execute(sql).expect("tamper");
}

#[test]
fn import_reports_bad_lines_by_number_and_audit_verify_finds_tampering() {
    let env = env();
    seed_demo(&env);
    let file = env.dir.path().join("cases.jsonl");
    std::fs::write(&file, IMPORT).expect("write");
    let out = yishen(&env)
        .args(["import", "--file"])
        .arg(&file)
        .output()
        .expect("run");
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "some lines failed");
    assert!(
        stdout.contains("读取 6 行，导入 2 件，出错 4 行"),
        "{stdout}"
    );
    assert!(
        stderr.contains("第3行：applicant.id_number：居民身份证号码校验位不正确"),
        "{stderr}"
    );
    assert!(stderr.contains("第4行"), "{stderr}");
    assert!(stderr.contains("第5行：external_id"), "{stderr}");
    assert!(stderr.contains("第6行：agency：机关代码不存在"), "{stderr}");
    assert!(
        !stderr.contains("110105194912310021"),
        "no identity numbers in output"
    );

    let out = yishen(&env)
        .args(["audit", "verify"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("2 个案件"),
        "{}",
        text(&out.stdout)
    );

    let out = yishen(&env)
        .args(["jobs", "run-once"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("到期处理完成"));

    // Someone edits the date of the first imported case's event in the database.
    tamper(
        &env,
        "UPDATE case_events SET data = REPLACE(data, '2024-03-29', '2024-03-28') WHERE seq = 1 \
         AND case_id = (SELECT id FROM cases WHERE external_id = '2024-001')",
    );
    let out = yishen(&env)
        .args(["audit", "verify"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("ZJ-HZ-SC-2024-000001") && stderr.contains("第1号事件"),
        "{stderr}"
    );

    // The event put back, the case row changed instead: the chain is whole, the record is not.
    tamper(
        &env,
        "UPDATE case_events SET data = REPLACE(data, '2024-03-28', '2024-03-29') WHERE seq = 1 \
         AND case_id = (SELECT id FROM cases WHERE external_id = '2024-001'); \
         UPDATE cases SET concluded_on = '2024-03-01' WHERE external_id = '2024-001'",
    );
    let out = yishen(&env)
        .args(["audit", "verify"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("案件记录与事件记录不符")
            && stderr.contains("ZJ-HZ-SC-2024-000001")
            && stderr.contains("办结日期：记录为“2024-03-01”，按事件应为“2024-03-29”"),
        "{stderr}"
    );
}

#[test]
fn demo_generate_report_annual_and_index_rebuild() {
    let env = env();
    let out = yishen(&env)
        .args(["demo", "generate", "--cases", "300", "--seed", "7"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("导入 300 件"),
        "{}",
        text(&out.stdout)
    );

    let report = env.dir.path().join("report.xlsx");
    let out = yishen(&env)
        .args([
            "report",
            "annual",
            "--agency",
            "ZJ",
            "--subtree",
            "--year",
            "2025",
            "--format",
            "xlsx",
            "--output",
        ])
        .arg(&report)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("不符 0 项"),
        "{}",
        text(&out.stdout)
    );
    assert!(std::fs::read(&report).expect("xlsx").starts_with(b"PK"));

    // The generated history verifies whole: chains, rows, and the outcome records, each fixed
    // in its case's events as the import entered it.
    let out = yishen(&env)
        .args(["audit", "verify"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    assert!(said.contains("300 个案件"), "{said}");
    assert!(
        !said.contains(" 0 条复议诉讼记录"),
        "the demo has outcomes: {said}"
    );

    let out = yishen(&env)
        .args(["index", "rebuild"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("类案索引已重建：300 件"),
        "{}",
        text(&out.stdout)
    );
    // Rebuilding twice gives the same index.
    let out = yishen(&env)
        .args(["index", "rebuild"])
        .output()
        .expect("run");
    assert!(
        text(&out.stdout).contains("类案索引已重建：300 件"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn report_verify_compares_the_tallies_with_a_recount() {
    let env = env();
    let out = yishen(&env)
        .args(["demo", "generate", "--cases", "200", "--seed", "3"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let verify = || {
        yishen(&env)
            .args(["report", "verify"])
            .output()
            .expect("run")
    };
    let out = verify();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("一致：200 件案件"),
        "{}",
        text(&out.stdout)
    );

    // Whoever changes a case, even an operator in SQL, moves the tallies with it.
    tamper(
        &env,
        "UPDATE cases SET disposition = 'withheld_state_secret' \
         WHERE id = (SELECT MIN(id) FROM cases WHERE disposition = 'disclosed')",
    );
    let out = verify();
    assert!(out.status.success(), "{}", text(&out.stderr));

    // A tally that no case explains is found and described.
    tamper(
        &env,
        "INSERT INTO report_tally_deltas \
         (agency_id, category, disposition, received_year, concluded_year, n) \
         SELECT id, 'natural_person', 'disclosed', 2020, 2020, 1 FROM agencies \
         WHERE code = 'ZJ-HZ-SC'",
    );
    let out = verify();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("（ZJ-HZ-SC），申请人类别“自然人”，办理结果“予以公开”，2020年收到、2020年办结：汇总表记 1 件，逐件重算为 0 件"),
        "{stderr}"
    );
}

#[test]
fn documents_purge_lists_then_removes_what_its_retention_no_longer_keeps() {
    let env = env();
    seed_demo(&env);
    let file = env.dir.path().join("cases.jsonl");
    // One concluded case (2024-03-29), imported.
    std::fs::write(&file, IMPORT.lines().next().expect("line")).expect("write");
    let out = yishen(&env)
        .args(["import", "--file"])
        .arg(&file)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", text(&out.stderr));

    // A document of that case and a content no record names, both stored long ago (older
    // than the purge's grace period whatever the wall clock of either process says), and a
    // one-year period for identity proofs.
    let blobs = env.dir.path().join("blobs/sha256");
    let put = |content: &[u8]| -> String {
        use sha2::Digest;
        let sha = hex::encode(sha2::Sha256::digest(content));
        let dir = blobs.join(&sha[..2]);
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join(&sha);
        std::fs::write(&path, content).expect("write");
        let ok = Command::new("touch")
            .args(["-d", "2020-01-01 00:00:00"])
            .arg(&path)
            .status()
            .expect("touch");
        assert!(ok.success());
        sha
    };
    let kept = put("身份证复印件".as_bytes());
    let orphan = put(b"left by an upload that failed");
    tamper(
        &env,
        &format!(
            "INSERT INTO documents (case_id, purpose, name, media_type, size, sha256, uploaded_by, \
         uploaded_at, sent_to_applicant) \
         SELECT c.id, 'identity_proof', '身份证.txt', 'text/plain', 18, '{kept}', u.id, \
         '2024-03-10 09:00:00', FALSE FROM cases c, users u \
         WHERE c.external_id = '2024-001' AND u.username = 'demo-clerk'; \
         UPDATE agencies SET settings = '{{\"document_retention\":{{\"identity_proof\":1}}}}' \
         WHERE code = 'ZJ-HZ-SC';"
        ),
    );

    let purge = |dry: bool| {
        let mut cmd = yishen(&env);
        cmd.args(["documents", "purge"]);
        if dry {
            cmd.arg("--dry-run");
        }
        cmd.output().expect("run")
    };
    let out = purge(true);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("保管期限届满的材料：1 件"), "{stdout}");
    assert!(stdout.contains("保管期限至 2025-03-29"), "{stdout}");
    assert!(stdout.contains("已无记录引用的存储内容：2 份"), "{stdout}");
    assert!(stdout.contains("试运行"), "{stdout}");
    assert!(blobs.join(&kept[..2]).join(&kept).exists());
    assert!(blobs.join(&orphan[..2]).join(&orphan).exists());

    let out = purge(false);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("已删除 1 件材料、2 份存储内容"), "{stdout}");
    assert!(!blobs.join(&kept[..2]).join(&kept).exists());
    assert!(!blobs.join(&orphan[..2]).join(&orphan).exists());
    let out = purge(true);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("保管期限届满的材料：0 件"), "{stdout}");
}
