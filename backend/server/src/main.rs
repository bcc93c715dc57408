use clap::Parser;
use yishen_server::cli::Cli;
use yishen_server::settings::Settings;

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(|k| std::env::var(k).ok()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("配置错误：{e}");
            return std::process::ExitCode::from(2);
        }
    };
    yishen_server::telemetry::init(&settings);
    yishen_server::cli::run(cli, settings).await
}
