//! Server functions for the audit log (admins only).
use super::model::{AuditFilter, AuditPage, ChainReport};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::auth::api::signed_in;

/// A page of the audit log.
#[server]
pub async fn list_audit(
    // An empty filter has no fields to send, and is still a filter.
    #[server(default)]
    filter: AuditFilter,
) -> Result<AuditPage, AppError> {
    signed_in(async |state, user| super::service::list(&state.db, &user, &filter).await).await
}

/// Checks the whole hash chain.
#[server]
pub async fn verify_audit() -> Result<ChainReport, AppError> {
    signed_in(async |state, user| super::service::verify_as(&state.db, &user).await).await
}
