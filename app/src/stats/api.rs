//! Server functions for the dashboard.
use super::model::{DashboardView, RunSummary};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::auth::api::signed_in;

/// The dashboard for the signed-in user, with a trend over `days` days (30 or 90), and its charts.
#[server]
pub async fn get_dashboard(days: u32) -> Result<DashboardView, AppError> {
    signed_in(async |state, user| {
        let numbers = super::service::get_dashboard(&state.db, &user, days, chrono::Utc::now()).await?;
        Ok(DashboardView { charts: super::options::chart_options(&numbers), numbers })
    })
    .await
}

/// Runs the statistics job now (admins); 409 while a run is under way.
#[server]
pub async fn run_stats() -> Result<RunSummary, AppError> {
    signed_in(async |state, user| super::service::run_stats(&state.db, &state.stats_job, &user).await).await
}
