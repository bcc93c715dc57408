//! The command line: `serve`, `migrate`, `user add`, `import`, `audit verify`, `jobs run-once`,
//! `notify run-once`, `notify bounce`. Messages for operators are Chinese.
#![allow(clippy::print_stdout)]

use std::io::BufRead;
use std::io::Write as _;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use yishen_domain::{AgencyCode, DisplayName, Password, Role, Username};

use crate::startup::{self, Application};
use yishen_app::services::accounts::{self, Creator, NewAccount};
use yishen_app::settings::Settings;

#[derive(Debug, Parser)]
#[command(
    name = "yishen",
    version,
    about = "依申：政府信息依申请公开办理系统",
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Runs the service (migrations and reference data first).
    #[command(about = "运行服务（先执行数据库迁移并同步参考数据）")]
    Serve {
        /// Adds the demo agencies and one account per role, and prints how to log in.
        #[arg(
            long,
            help = "在空数据库中加入演示机关和各角色演示账号，并显示登录方式"
        )]
        demo: bool,
    },
    /// Applies pending migrations and exits.
    #[command(about = "执行尚未执行的数据库迁移后退出")]
    Migrate,
    /// Account administration.
    #[command(about = "账号管理")]
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Imports historical cases from a JSON Lines file.
    #[command(about = "从 JSON Lines 文件导入历史案件（每行一件），逐行校验并报告错误行号")]
    Import {
        #[arg(long, help = "要导入的 .jsonl 文件")]
        file: std::path::PathBuf,
    },
    /// The event hash chains.
    #[command(about = "审计：核验案件事件哈希链")]
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// The similar-case index.
    #[command(about = "类案索引")]
    Index {
        #[command(subcommand)]
        command: IndexCommand,
    },
    /// Demonstration data.
    #[command(about = "演示数据")]
    Demo {
        #[command(subcommand)]
        command: DemoCommand,
    },
    /// Reports.
    #[command(about = "统计报表")]
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// Background jobs.
    #[command(about = "后台任务")]
    Jobs {
        #[command(subcommand)]
        command: JobsCommand,
    },
    /// Documents of the cases.
    #[command(about = "案件材料")]
    Documents {
        #[command(subcommand)]
        command: DocumentsCommand,
    },
    /// The notification outbox.
    #[command(about = "通知（电子邮件、短信）")]
    Notify {
        #[command(subcommand)]
        command: NotifyCommand,
    },
    /// A consistent copy of the database and the stored contents, while serving.
    #[command(
        about = "备份：在服务运行时生成数据库（SQLite）和全部材料文件的一致副本，附哈希清单；不含密钥"
    )]
    Backup {
        #[arg(long, help = "备份目录（须不存在或为空）")]
        output: std::path::PathBuf,
    },
    /// Restores a backup into the configured data dir after checking its manifest.
    #[command(
        about = "恢复：核对备份清单后恢复到当前配置的数据目录；数据目录已有数据时须加 --force"
    )]
    Restore {
        #[arg(long = "from", help = "备份目录")]
        from: std::path::PathBuf,
        #[arg(long, help = "覆盖数据目录中已有的数据库和材料文件")]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum NotifyCommand {
    /// Sends every notification due now, once.
    #[command(about = "发送一次全部到期的通知（失败的按退避时间稍后重试）")]
    RunOnce,
    /// Takes one returned message (a delivery status notification) on standard input, as a
    /// mail server's pipe to a program delivers it.
    #[command(about = "处理一封退信（从标准输入读取），答复的电子送达被退回的，案件回到待送达")]
    Bounce,
}

#[derive(Debug, Subcommand)]
pub enum DocumentsCommand {
    /// Removes the documents whose retention period ended and the stored contents no record
    /// needs.
    #[command(
        about = "删除保管期限已届满的材料（按各机关设定的保管期限，自案件办结之日起算）和已无记录引用的存储内容"
    )]
    Purge {
        #[arg(long, help = "只列出将删除的内容，不删除")]
        dry_run: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Checks every case's event chain; exit 1 naming the first broken event.
    #[command(about = "核验全部案件的事件哈希链；完整时退出码为0，否则为1并指出第一个被破坏的事件")]
    Verify,
}

#[derive(Debug, Subcommand)]
pub enum IndexCommand {
    /// Recreates the similar-case index from the database (stop the server first).
    #[command(about = "从数据库重建类案索引（须先停止服务）")]
    Rebuild,
}

#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Adds the demo agencies and N generated historical cases with outcomes.
    #[command(about = "加入演示机关，并生成指定数量的历史案件（含复议、诉讼结果）")]
    Generate {
        #[arg(long, help = "案件数量")]
        cases: usize,
        #[arg(
            long,
            default_value_t = 2026,
            help = "随机种子（相同种子生成相同数据）"
        )]
        seed: u64,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// The statutory annual report's tables 三 and 四.
    #[command(about = "政府信息公开工作年度报告（表三、表四）")]
    Annual {
        #[arg(long, help = "机关代码")]
        agency: String,
        #[arg(long, help = "年度")]
        year: i32,
        #[arg(long, help = "含下级机关")]
        subtree: bool,
        #[arg(long, default_value = "json", value_parser = ["json", "csv", "xlsx"], help = "格式：json、csv、xlsx")]
        format: String,
        #[arg(long, help = "输出文件")]
        output: std::path::PathBuf,
    },
    /// Recounts table 三 from the cases and compares it with the kept tallies.
    #[command(about = "核对年度报告表三的汇总数与逐件重算是否一致（不一致时退出码为1）")]
    Verify,
}

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// Closes cases whose correction or fee window expired, once.
    #[command(about = "执行一次到期处理：补正期限或缴费期限届满的案件按视为放弃申请结案")]
    RunOnce,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Creates an account; the password is read from standard input.
    #[command(about = "创建账号，密码从标准输入读取")]
    Add {
        #[arg(long, help = "用户名")]
        username: String,
        #[arg(
            long,
            help = "角色：applicant、clerk、handler、legal_adviser、approver、agency_admin、reconsideration_body、sysadmin"
        )]
        role: String,
        /// Agency code; required for staff roles.
        #[arg(long, help = "机关代码（工作人员角色必填）")]
        agency: Option<String>,
        /// Name shown in the system (defaults to the username).
        #[arg(long, help = "显示名称（默认与用户名相同）")]
        display_name: Option<String>,
    },
}

pub async fn run(cli: Cli, settings: Settings) -> ExitCode {
    let result = match cli.command {
        Command::Serve { demo } => serve(settings, demo).await,
        Command::Migrate => migrate(settings).await,
        Command::User {
            command:
                UserCommand::Add {
                    username,
                    role,
                    agency,
                    display_name,
                },
        } => add_user(settings, username, role, agency, display_name).await,
        Command::Import { file } => import(settings, file).await,
        Command::Audit {
            command: AuditCommand::Verify,
        } => return audit_verify(settings).await,
        Command::Jobs {
            command: JobsCommand::RunOnce,
        } => jobs_run_once(settings).await,
        Command::Index {
            command: IndexCommand::Rebuild,
        } => index_rebuild(settings).await,
        Command::Demo {
            command: DemoCommand::Generate { cases, seed },
        } => demo_generate(settings, cases, seed).await,
        Command::Report {
            command:
                ReportCommand::Annual {
                    agency,
                    year,
                    subtree,
                    format,
                    output,
                },
        } => report_annual(settings, agency, year, subtree, format, output).await,
        Command::Report {
            command: ReportCommand::Verify,
        } => return report_verify(settings).await,
        Command::Documents {
            command: DocumentsCommand::Purge { dry_run },
        } => documents_purge(settings, dry_run).await,
        Command::Notify {
            command: NotifyCommand::RunOnce,
        } => notify_run_once(settings).await,
        Command::Notify {
            command: NotifyCommand::Bounce,
        } => notify_bounce(settings).await,
        Command::Backup { output } => backup(settings, output).await,
        Command::Restore { from, force } => restore(settings, from, force).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: Settings, demo: bool) -> anyhow::Result<()> {
    let host = settings
        .bind
        .split(':')
        .next()
        .unwrap_or("127.0.0.1")
        .to_owned();
    let password = settings.demo_password.expose().to_owned();
    let app = Application::build(settings, demo).await?;
    let base = format!("http://{host}:{}", app.port());
    let gap = yishen_app::services::calendar::gap(app.state()).await?;
    let mut banner = vec![
        format!("yishen 依申 已启动：{base}"),
        format!("网页登录：{base}/login"),
        format!("接口文档（Swagger UI）：{base}/api/docs/"),
    ];
    if demo {
        banner.extend([
            format!("演示账号（密码均为 {password}）："),
            "  demo-applicant（申请人）".to_owned(),
            "  demo-clerk、demo-handler、demo-legal、demo-approver、demo-admin（杭州市上城区人民政府办公室）".to_owned(),
            "  demo-reconsideration（复议机关，杭州市）  demo-sysadmin（系统管理员）".to_owned(),
            format!(
                "接口登录：curl -X POST {base}/api/v1/auth/login -H 'content-type: application/json' \
                 -d '{{\"username\":\"demo-clerk\",\"password\":\"{password}\"}}'"
            ),
        ]);
    }
    if let Some(day) = app.state().clock.pinned() {
        banner.push(format!(
            "注意：法定日期固定为 {day}（YISHEN_TODAY，仅供测试和演示使用）"
        ));
    }
    if let Some(gap) = gap {
        banner.push(format!("注意：{}", gap.warning()));
    }
    // Written at once, and a closed standard output (a supervisor that stopped reading) must
    // not stop the service: the banner is a courtesy, the log has the same facts.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", banner.join("\n")).and_then(|()| out.flush());
    drop(out);
    app.run_until_stopped().await?;
    Ok(())
}

async fn migrate(settings: Settings) -> anyhow::Result<()> {
    let pool = actix_web::web::block(move || startup::open_database(&settings)).await??;
    println!("数据库已是最新（{}）", pool.backend().as_str());
    Ok(())
}

async fn add_user(
    settings: Settings,
    username: String,
    role: String,
    agency: Option<String>,
    display_name: Option<String>,
) -> anyhow::Result<()> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let password = line.trim_end_matches(['\r', '\n']);
    let username = Username::parse(&username).map_err(|e| anyhow::anyhow!("用户名{e}"))?;
    let password =
        Password::parse(password, Some(&username)).map_err(|e| anyhow::anyhow!("密码{e}"))?;
    let role = Role::parse(&role).map_err(|e| anyhow::anyhow!("{e}"))?;
    let agency = agency
        .map(|a| AgencyCode::parse(&a).map_err(|e| anyhow::anyhow!("机关代码{e}")))
        .transpose()?;
    let display_name = DisplayName::parse(display_name.as_deref().unwrap_or(username.as_str()))
        .map_err(|e| anyhow::anyhow!("显示名称{e}"))?;
    let state = startup::build_state(settings).await?;
    let name = username.as_str().to_owned();
    let id = accounts::create(
        &state,
        Creator::Operator,
        NewAccount {
            username,
            password,
            display_name,
            role,
            agency,
            phone: None,
            email: None,
        },
    )
    .await
    .map_err(problem)?;
    println!("已创建账号 {name}（{}，编号 {id}）", role.label());
    Ok(())
}

/// An application error as the command line says it: the same Chinese title and detail as the
/// API's problem.
fn problem(e: yishen_app::AppError) -> anyhow::Error {
    let p = crate::error::ApiError::from(e).problem();
    anyhow::anyhow!("{}：{}", p.title, p.detail)
}

async fn import(settings: Settings, file: std::path::PathBuf) -> anyhow::Result<()> {
    let f = std::fs::File::open(&file)
        .map_err(|e| anyhow::anyhow!("无法打开 {}：{e}", file.display()))?;
    let state = startup::build_state(settings).await?;
    let started = std::time::Instant::now();
    let report = yishen_app::services::import::import(&state, std::io::BufReader::new(f))
        .await
        .map_err(problem)?;
    for e in &report.errors {
        eprintln!("{e}");
    }
    println!(
        "读取 {} 行，导入 {} 件，出错 {} 行，用时 {:.1} 秒",
        report.read,
        report.imported,
        report.errors.len(),
        started.elapsed().as_secs_f64()
    );
    if report.errors.is_empty() {
        Ok(())
    } else {
        anyhow::bail!("{} 行未导入，见上方逐行说明", report.errors.len())
    }
}

async fn audit_verify(settings: Settings) -> ExitCode {
    let result = async {
        let state = startup::build_state(settings).await?;
        yishen_app::services::audit::verify_and_record(&state)
            .await
            .map_err(problem)
    }
    .await;
    match result {
        Ok(r) => match r.broken {
            None => {
                println!(
                    "事件哈希链完整，案件记录与事件一致：{} 个案件，{} 个事件，{} 份文书，{} 条复议诉讼记录",
                    r.cases, r.events, r.letters, r.outcomes
                );
                ExitCode::SUCCESS
            }
            Some(b) => {
                eprintln!("{b}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn report_verify(settings: Settings) -> ExitCode {
    let result = async {
        let state = startup::build_state(settings).await?;
        yishen_app::services::report::verify(&state)
            .await
            .map_err(problem)
    }
    .await;
    match result {
        Ok(r) => match r.difference {
            None => {
                println!(
                    "年度报告表三的汇总数与逐件重算一致：{} 件案件，{} 组",
                    r.cases, r.keys
                );
                ExitCode::SUCCESS
            }
            Some(why) => {
                eprintln!("年度报告表三的汇总数与逐件重算不一致：{why}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn documents_purge(settings: Settings, dry_run: bool) -> anyhow::Result<()> {
    use yishen_app::services::documents;
    let state = startup::build_state(settings).await?;
    let r = documents::purge(&state, dry_run, documents::grace_cutoff())
        .await
        .map_err(problem)?;
    println!("保管期限届满的材料：{} 件", r.due.len());
    for d in &r.due {
        println!(
            "  材料 {}（案件 {}，{}），保管期限至 {}",
            d.id, d.tracking_no, d.purpose_label, d.ends_on
        );
    }
    println!("已无记录引用的存储内容：{} 份", r.unneeded.len());
    if dry_run {
        println!("试运行：未删除任何内容。去掉 --dry-run 执行删除。");
    } else {
        println!(
            "已删除 {} 件材料、{} 份存储内容（案件的记录保留其上传事件）。",
            r.due.len(),
            r.unneeded.len()
        );
    }
    Ok(())
}

async fn index_rebuild(settings: Settings) -> anyhow::Result<()> {
    let state = startup::build_state(settings).await?;
    let started = std::time::Instant::now();
    let n = yishen_app::services::similar::rebuild(&state).await?;
    println!(
        "类案索引已重建：{n} 件，用时 {:.1} 秒",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn demo_generate(settings: Settings, cases: usize, seed: u64) -> anyhow::Result<()> {
    let state = startup::build_state(settings).await?;
    let started = std::time::Instant::now();
    let r = yishen_app::services::demo::generate(&state, cases, seed)
        .await
        .map_err(problem)?;
    for e in r.errors.iter().take(5) {
        eprintln!("{e}");
    }
    println!(
        "生成 {} 件，导入 {} 件，出错 {} 件，用时 {:.1} 秒",
        r.read,
        r.imported,
        r.errors.len(),
        started.elapsed().as_secs_f64()
    );
    if r.errors.is_empty() {
        Ok(())
    } else {
        anyhow::bail!("{} 件未能导入", r.errors.len())
    }
}

async fn report_annual(
    settings: Settings,
    agency: String,
    year: i32,
    subtree: bool,
    format: String,
    output: std::path::PathBuf,
) -> anyhow::Result<()> {
    use yishen_app::services::report;
    let state = startup::build_state(settings).await?;
    let r = report::annual_report_unchecked(&state, agency, year, subtree)
        .await
        .map_err(problem)?;
    let bytes = match format.as_str() {
        "csv" => report::to_csv(&r).map_err(problem)?.into_bytes(),
        "xlsx" => report::to_xlsx(&r).map_err(problem)?,
        _ => serde_json::to_vec_pretty(&r)?,
    };
    std::fs::write(&output, bytes)
        .map_err(|e| anyhow::anyhow!("无法写入 {}：{e}", output.display()))?;
    let failed: Vec<&str> = r
        .checks
        .iter()
        .filter(|c| !c.ok)
        .map(|c| c.name.as_str())
        .collect();
    println!(
        "{} {} 年度报告已写入 {}（勾稽关系校验 {} 项，不符 {} 项）",
        r.agency_name,
        r.year,
        output.display(),
        r.checks.len(),
        failed.len()
    );
    for f in &failed {
        eprintln!("不符：{f}");
    }
    Ok(())
}

async fn notify_run_once(settings: Settings) -> anyhow::Result<()> {
    let state = startup::build_state(settings).await?;
    let holder = format!("cli-{}", std::process::id());
    let (r, delivered) = yishen_app::services::dispatch::run_once(&state, &holder)
        .await
        .map_err(problem)?;
    println!(
        "通知发送完成：已发送 {} 条，稍后重试 {} 条，放弃 {} 条，未发送（未配置或无地址）{} 条；以电子邮件送达答复 {} 件",
        r.sent, r.retried, r.dead, r.skipped, delivered
    );
    Ok(())
}

async fn notify_bounce(settings: Settings) -> anyhow::Result<()> {
    use std::io::Read;
    use yishen_app::services::dispatch::Bounced;
    let mut raw = Vec::new();
    std::io::stdin()
        .take(10 * 1024 * 1024)
        .read_to_end(&mut raw)?;
    let state = startup::build_state(settings).await?;
    let r = yishen_app::services::dispatch::bounce(&state, &raw)
        .await
        .map_err(problem)?;
    // Exit 0 in every case: the mail server must not bounce the bounce.
    match r {
        Bounced::NotAFailure => println!("不是永久失败的退信，未处理"),
        Bounced::NotOurs => println!("退信所指的邮件不是本系统发出的，未处理"),
        Bounced::Recorded {
            notification,
            delivery_undone: Some(case_id),
        } => println!(
            "已记录通知 {notification} 的退信；案件 {} 的电子送达已撤销，案件回到待送达",
            case_id.get()
        ),
        Bounced::Recorded { notification, .. } => {
            println!("已记录通知 {notification} 的退信")
        }
    }
    Ok(())
}

async fn jobs_run_once(settings: Settings) -> anyhow::Result<()> {
    let state = startup::build_state(settings).await?;
    let r = yishen_app::services::cases::jobs::run_once(&state)
        .await
        .map_err(problem)?;
    println!(
        "到期处理完成：逾期未补正结案 {} 件，逾期未缴费结案 {} 件",
        r.corrections_expired, r.fees_unpaid
    );
    // Letters issued while no server was running (an import, a stopped instance) get their PDFs.
    let rendered = yishen_app::services::issuing::render_all_pending(&state)
        .await
        .map_err(problem)?;
    if rendered > 0 {
        println!("补生成文书 PDF {rendered} 份");
    }
    Ok(())
}

async fn backup(settings: Settings, output: std::path::PathBuf) -> anyhow::Result<()> {
    use yishen_app::services::backup;
    let state = startup::build_state(settings).await?;
    let r = backup::backup(&state, &output).await?;
    match &r.manifest.database {
        Some(db) => println!("数据库副本：{}（{} 字节）", db.path, db.size),
        None => println!(
            "数据库为 PostgreSQL：请用 pg_dump 或基础备份加 WAL 归档备份数据库（见 docs/security.md），本命令只备份材料文件。"
        ),
    }
    println!(
        "材料文件：{} 份；共 {} 字节；清单：{}",
        r.manifest.blobs.len(),
        r.bytes,
        output.join(backup::MANIFEST).display()
    );
    println!("{}", backup::KEYS_NOTE);
    Ok(())
}

async fn restore(settings: Settings, from: std::path::PathBuf, force: bool) -> anyhow::Result<()> {
    use yishen_app::services::backup;
    let url = yishen_store::DbUrl::parse(&settings.database_url())?;
    let database = match &url {
        yishen_store::DbUrl::Sqlite(path) => Some(path.clone()),
        #[cfg(feature = "postgres")]
        yishen_store::DbUrl::Postgres(_) => None,
    };
    startup::private_dir(&settings.data_dir)?;
    let blob_dir = settings
        .blob_url
        .is_none()
        .then(|| settings.data_dir.join("blobs"));
    let blobs = yishen_app::blobs::Blobs::open(&settings)?;
    let m = backup::restore(
        &from,
        database.as_deref(),
        &blobs,
        blob_dir.as_deref(),
        force,
    )
    .await?;
    println!("备份清单核对无误（{}）。", m.created_at);
    match (&m.database, &database) {
        (Some(_), Some(path)) => println!("数据库已恢复到 {}", path.display()),
        _ => println!(
            "备份中没有 SQLite 数据库副本或当前配置为 PostgreSQL：请用 pg_restore 或基础备份恢复数据库（见 docs/security.md）。"
        ),
    }
    println!("材料文件已恢复：{} 份。", m.blobs.len());
    println!("{}", backup::KEYS_NOTE);
    println!("核对：启动前可运行 yishen audit verify 与 yishen report verify。");
    Ok(())
}
