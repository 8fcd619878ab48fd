//! Audit log exports for admins: CSV and JSON, with the page's filters.
use app::{auth::rest::ApiUser, server::rest::ApiError};
use app::{
    audit::model::{AuditEntry, AuditFilter},
    error::AppError,
    server::AppState,
};
use axum::{
    Json,
    extract::{Query, State},
    http::header,
    response::{IntoResponse, Response},
};
use std::collections::HashMap;

async fn entries(state: &AppState, user: &app::auth::model::CurrentUser, query: &HashMap<String, String>) -> Result<Vec<AuditEntry>, ApiError> {
    let filter = AuditFilter::from_query(|key| query.get(key).cloned());
    Ok(app::audit::service::export(&state.db, user, &filter).await?)
}

fn download_name(extension: &str) -> String {
    format!("attachment; filename=\"audit-log-{}.{extension}\"", chrono::Utc::now().format("%Y%m%d-%H%M%S"))
}

/// `GET /admin/audit/export.json`: the matching entries, oldest first.
pub async fn export_json(State(state): State<AppState>, ApiUser(user): ApiUser, Query(query): Query<HashMap<String, String>>) -> Result<Response, ApiError> {
    let entries = entries(&state, &user, &query).await?;
    Ok(([(header::CONTENT_DISPOSITION, download_name("json"))], Json(entries)).into_response())
}

/// `GET /admin/audit/export.csv`: the matching entries, oldest first, one row each.
pub async fn export_csv(State(state): State<AppState>, ApiUser(user): ApiUser, Query(query): Query<HashMap<String, String>>) -> Result<Response, ApiError> {
    let entries = entries(&state, &user, &query).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let failed = |err: csv::Error| ApiError(AppError::internal("the CSV export", err));
    writer.write_record(["seq", "at", "actor", "action", "target", "details", "ip", "hash"]).map_err(failed)?;
    for e in &entries {
        // A leading = + - @ would make a spreadsheet evaluate the cell; a quote keeps it text.
        let cell = |value: &str| if value.starts_with(['=', '+', '-', '@']) { format!("'{value}") } else { value.to_owned() };
        writer
            .write_record([
                e.seq.to_string(),
                e.at.to_rfc3339(),
                cell(e.actor_email.as_deref().unwrap_or("")),
                e.action.clone(),
                cell(e.target.as_deref().unwrap_or("")),
                cell(&e.details),
                e.ip.clone().unwrap_or_default(),
                e.hash.clone(),
            ])
            .map_err(failed)?;
    }
    let body = writer.into_inner().map_err(|e| ApiError(AppError::internal("the CSV export", e)))?;
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, download_name("csv"))], body).into_response())
}
