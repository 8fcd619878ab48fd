//! The tracker's server: configuration, start-up, the router and the command line.
pub mod api;
pub mod audit;
pub mod config;
pub mod health;
pub mod jobs;
pub mod limits;
pub mod live;
pub mod metrics;
pub mod oidc;
pub mod router;
pub mod seed;
pub mod startup;
pub mod telemetry;

pub use config::Config;
pub use router::router;
pub use startup::{StartupError, prepare, serve};
