//! The inbox's server functions: each resolves the caller and calls the service.
use super::model::{Inbox, NotificationSettings, Watching};
use crate::people::model::Person;
use crate::{
    domain::{Delivery, NotificationKind, WatchState},
    error::AppError,
};
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {super::service, crate::auth::api::signed_in};

/// The caller's inbox, or only its unread notifications.
#[server]
pub async fn get_inbox(unread_only: bool) -> Result<Inbox, AppError> {
    signed_in(async |state, user| service::inbox(&state.db, &user, unread_only).await).await
}

/// How many unread notifications the caller has: the bell's number.
#[server]
pub async fn unread_notifications() -> Result<u64, AppError> {
    signed_in(async |state, user| service::unread_count(&state.db, &user).await).await
}

/// Marks the caller's notifications read: these ones, or every one when `ids` is none.
#[server]
pub async fn mark_notifications_read(#[server(default)] ids: Option<Vec<i64>>) -> Result<u64, AppError> {
    signed_in(async |state, user| service::mark_read(&state.db, &state.events, &user, ids.as_deref()).await).await
}

/// The caller read issue `issue_id` (its page is open): its notifications are read.
#[server]
pub async fn read_issue_notifications(issue_id: i64) -> Result<u64, AppError> {
    signed_in(async |state, user| service::read_issue(&state.db, &state.events, &user, issue_id).await).await
}

/// The caller's notification settings.
#[server]
pub async fn get_notification_settings() -> Result<NotificationSettings, AppError> {
    signed_in(async |state, user| service::settings(&state.db, &user, super::mailer::email_enabled(&state)).await).await
}

/// Sets how the caller hears about `kind`.
#[server]
pub async fn set_notification_delivery(kind: NotificationKind, delivery: Delivery) -> Result<NotificationSettings, AppError> {
    signed_in(async |state, user| {
        service::set_delivery(&state.db, user.id, kind, delivery).await?;
        service::settings(&state.db, &user, super::mailer::email_enabled(&state)).await
    })
    .await
}

/// Whether the caller watches issue `issue_id`.
#[server]
pub async fn issue_watching(issue_id: i64) -> Result<Watching, AppError> {
    signed_in(async |state, user| service::watching(&state.db, &user, issue_id).await).await
}

/// Watches, unwatches or mutes issue `issue_id` for the caller.
#[server]
pub async fn set_issue_watching(issue_id: i64, state: WatchState) -> Result<Watching, AppError> {
    signed_in(async |app, user| service::set_watching(&app.db, &user, issue_id, state).await).await
}

/// The people the caller may mention on issue `issue_id` (a new issue when none) matching what
/// was typed after `@`.
#[server]
pub async fn mention_candidates(#[server(default)] issue_id: Option<i64>, typed: String) -> Result<Vec<Person>, AppError> {
    signed_in(async |state, user| service::mention_candidates(&state.db, &user, issue_id, &typed).await).await
}

/// Follows an unsubscribe link from a mail (no sign-in needed: the signed token says who and
/// what): that kind of notification then arrives in the app only.
#[server]
pub async fn unsubscribe(token: String) -> Result<crate::domain::NotificationKind, AppError> {
    crate::auth::api::anyone(async |state| super::mailer::unsubscribe(&state, &token).await).await
}
