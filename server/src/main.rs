//! `server`: serves the tracker, or runs one of its maintenance commands.
use clap::{Parser, Subcommand};
use secrecy::{ExposeSecret, ExposeSecretMut, SecretString};
use server::{Config, config::ConfigArgs, startup};
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "server", version, about = "Issues & Insights Tracker")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Every setting, as a flag or its environment variable.
    #[command(flatten)]
    config: ConfigArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the app (the default).
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Insert demo issues into a database that has none.
    SeedDemo,
    /// Fill a database that has no issues with generated accounts, issues, tags, comments and
    /// history for `cargo xtask bench`; the accounts' password is read from standard input, and
    /// what was made is printed as one line of JSON.
    SeedBench {
        /// How many issues to generate.
        #[arg(long)]
        issues: usize,
    },
    /// Manage admin accounts.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Work with the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Work with the dashboard's statistics.
    #[command(subcommand)]
    Stats(StatsCommand),
}

#[derive(Subcommand)]
enum StatsCommand {
    /// Compute the daily statistics now (the server also does so on its schedule).
    Run,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain; exits non-zero and names the first broken entry if it does not hold.
    Verify,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an admin account, or promote an existing account and set its password.
    Create {
        /// The account's email address.
        #[arg(long)]
        email: String,
        /// Read the password from standard input instead of prompting for it.
        #[arg(long)]
        password_stdin: bool,
    },
}

fn main() -> ExitCode {
    // Before the command line is read: clap takes unset flags from the environment.
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    let config = match Config::from_args(cli.config) {
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

/// The password from a no-echo prompt, or one line of standard input.
fn read_password(from_stdin: bool) -> Result<SecretString, Box<dyn std::error::Error>> {
    use std::io::IsTerminal;
    if from_stdin || !std::io::stdin().is_terminal() {
        let mut line = secrecy::SecretBox::<String>::default();
        std::io::stdin().read_line(line.expose_secret_mut())?;
        return Ok(line.expose_secret().trim_end_matches(['\r', '\n']).into());
    }
    let password = SecretString::from(rpassword::prompt_password("Password (at least 8 characters): ")?);
    let again = SecretString::from(rpassword::prompt_password("Repeat the password: ")?);
    if password.expose_secret() != again.expose_secret() {
        return Err("the passwords differ".into());
    }
    Ok(password)
}

/// A service error as one line, naming the field for validation errors.
fn describe_app_error(err: &app::error::AppError) -> String {
    match err {
        app::error::AppError::Validation(fields) => {
            fields.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; ")
        }
        other => other.to_string(),
    }
}

async fn run(command: Command, config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let state = startup::prepare(&config).await?;
    match command {
        Command::Serve => {
            let listener = startup::bind(&config).await?;
            server::jobs::spawn_stats(state.db.clone(), state.stats_job.clone(), config.stats_interval);
            server::jobs::spawn_mail(&state);
            if let Some(addr) = config.metrics_addr {
                let metrics_listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| format!("METRICS_ADDR: cannot listen on {addr} ({e})"))?;
                tracing::info!(%addr, "metrics on http://{addr}/metrics");
                tokio::spawn(startup::serve(metrics_listener, server::metrics::private_router(state.clone()), std::future::pending()));
            }
            tracing::info!(addr = %config.bind_addr, "listening on http://{}", config.bind_addr);
            startup::serve(listener, server::router(state), startup::shutdown_signal()).await?;
        }
        Command::Migrate => println!("migrations applied"),
        Command::SeedDemo => {
            let inserted = server::seed::demo(&state.db).await?;
            println!("inserted {inserted} demo issues");
        }
        Command::SeedBench { issues } => {
            let password = app::auth::service::Password::parse("password", read_password(true)?.expose_secret()).map_err(|err| describe_app_error(&err))?;
            let hash = app::auth::service::hash_password(password).await.map_err(|err| describe_app_error(&err))?;
            let started = std::time::Instant::now();
            let seeded = server::seed::bench::seed(&state.db, issues, &hash).await?;
            let backend = sea_orm::ConnectionTrait::get_database_backend(&state.db);
            println!("{}", server::seed::bench::manifest(backend, &seeded, started.elapsed().as_secs_f64()));
        }
        Command::Admin(AdminCommand::Create { email, password_stdin }) => {
            let password = read_password(password_stdin)?;
            let admin = app::auth::service::create_or_promote_admin(&state.db, &email, password.expose_secret())
                .await
                .map_err(|err| describe_app_error(&err))?;
            println!("{} is now an admin", admin.email);
        }
        Command::Stats(StatsCommand::Run) => {
            let trigger = app::stats::service::Trigger::Manual { actor_id: None };
            let run = app::stats::service::run(&state.db, &state.stats_job, trigger, chrono::Utc::now()).await.map_err(|err| describe_app_error(&err))?;
            if let Some(run) = run {
                println!("daily statistics computed: {} days ({} to {}) in {} ms", run.days, run.from, run.to, run.duration_ms);
            }
        }
        Command::Audit(AuditCommand::Verify) => {
            let report = app::audit::service::verify(&state.db).await.map_err(|err| describe_app_error(&err))?;
            match report.first_broken {
                None => println!("audit log intact: {} entries verified", report.entries),
                Some((seq, reason)) => return Err(format!("audit log broken at entry {seq}: {reason} ({} entries before it hold)", report.entries).into()),
            }
        }
    }
    Ok(())
}
