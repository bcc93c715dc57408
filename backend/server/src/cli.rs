//! The command line: `serve`, `migrate`, `user add`. Messages for operators are Chinese.
#![allow(clippy::print_stdout)]

use std::io::BufRead;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use yishen_domain::{AgencyCode, DisplayName, Password, Role, Username};

use crate::services::accounts::{self, Creator, NewAccount};
use crate::settings::Settings;
use crate::startup::{self, Application};

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
    println!("yishen 依申 已启动：{base}");
    println!("接口文档（Swagger UI）：{base}/api/docs/");
    if demo {
        println!("演示账号（密码均为 {password}）：");
        println!("  demo-applicant（申请人）");
        println!(
            "  demo-clerk、demo-handler、demo-legal、demo-approver、demo-admin（杭州市上城区人民政府办公室）"
        );
        println!("  demo-reconsideration（复议机关，杭州市）  demo-sysadmin（系统管理员）");
        println!(
            "登录：curl -X POST {base}/api/v1/auth/login -H 'content-type: application/json' \
             -d '{{\"username\":\"demo-clerk\",\"password\":\"{password}\"}}'"
        );
    }
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
    .map_err(|e| {
        let p = e.problem();
        anyhow::anyhow!("{}：{}", p.title, p.detail)
    })?;
    println!("已创建账号 {name}（{}，编号 {id}）", role.label());
    Ok(())
}
