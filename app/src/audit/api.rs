//! Server functions for the audit log (admins only).
use super::model::{AuditFilter, AuditPage, ChainReport};
use crate::error::AppError;
use leptos::prelude::*;

/// A page of the audit log.
#[server]
pub async fn list_audit(
    // An empty filter has no fields to send, and is still a filter.
    #[server(default)]
    filter: AuditFilter,
) -> Result<AuditPage, AppError> {
    let result = async {
        let (state, user) = crate::auth::api::require_user().await?;
        super::service::list(&state.db, &user, &filter).await
    }
    .await;
    crate::server::respond(result)
}

/// Checks the whole hash chain.
#[server]
pub async fn verify_audit() -> Result<ChainReport, AppError> {
    let result = async {
        let (state, user) = crate::auth::api::require_user().await?;
        super::service::verify_as(&state.db, &user).await
    }
    .await;
    crate::server::respond(result)
}
