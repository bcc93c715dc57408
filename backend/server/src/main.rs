use clap::Parser;
use yishen_app::settings::Settings;
use yishen_server::cli::Cli;

/// mimalloc instead of the system allocator: glibc's keeps what a burst freed (building the
/// similar-case index over a million cases at a first start left 1.9 GB resident on a 2-core
/// machine, docs/performance.md), mimalloc returns it to the system.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
