//! `server`: serves the tracker, or runs one of its maintenance commands.
use clap::{Parser, Subcommand};
use server::{Config, startup};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "server", version, about = "Issues & Insights Tracker")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the app (the default).
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Insert demo issues into a database that has none.
    SeedDemo,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    server::telemetry::init(&config);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime ({err})");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command.unwrap_or(Command::Serve), config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let state = startup::prepare(&config).await?;
    match command {
        Command::Serve => {
            let listener = startup::bind(&config).await?;
            tracing::info!(addr = %config.bind_addr, "listening on http://{}", config.bind_addr);
            startup::serve(listener, server::router(state), startup::shutdown_signal()).await?;
        }
        Command::Migrate => println!("migrations applied"),
        Command::SeedDemo => {
            let inserted = server::seed::demo(&state.db).await?;
            println!("inserted {inserted} demo issues");
        }
    }
    Ok(())
}
