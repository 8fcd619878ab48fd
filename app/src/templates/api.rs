//! Server functions for issue templates: who is asking, call the service, return the DTO.
use super::model::Template;
use crate::{domain::Severity, error::AppError};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::auth::api::signed_in;

/// The templates in use, in order (anyone signed in); `archived`: the archived ones instead
/// (maintainers and admins).
#[server]
pub async fn list_templates(#[server(default)] archived: bool) -> Result<Vec<Template>, AppError> {
    signed_in(async |state, user| super::service::list_templates(&state.db, &user, archived).await).await
}

/// The template in use named by its id or slug, for `/issues/new?template=`; `None` when no
/// template in use has it (the page then says so; not an error to log in the browser).
#[server]
pub async fn get_template(key: String) -> Result<Option<Template>, AppError> {
    signed_in(async |state, _| match super::service::find_template(&state.db, &key).await {
        Ok(template) => Ok(Some(template)),
        Err(AppError::NotFound) => Ok(None),
        Err(err) => Err(err),
    })
    .await
}

/// Makes a template (maintainers and admins).
#[server]
pub async fn create_template(
    name: String,
    #[server(default)] about: String,
    severity: Severity,
    /// Posted as `tags[]`, one per checked box.
    #[server(default)]
    tags: Vec<i64>,
    #[server(default)] body: String,
) -> Result<Template, AppError> {
    signed_in(async |state, user| {
        let fields = super::service::TemplateFields { name: &name, about: &about, severity, tag_ids: &tags, body: &body };
        super::service::create_template(&state.db, &user, fields).await
    })
    .await
}

/// Edits a template in use (maintainers and admins).
#[server]
pub async fn update_template(
    template_id: i64,
    name: String,
    #[server(default)] about: String,
    severity: Severity,
    #[server(default)] tags: Vec<i64>,
    #[server(default)] body: String,
) -> Result<Template, AppError> {
    signed_in(async |state, user| {
        let fields = super::service::TemplateFields { name: &name, about: &about, severity, tag_ids: &tags, body: &body };
        super::service::update_template(&state.db, &user, template_id, fields).await
    })
    .await
}

/// Archives a template (maintainers and admins).
#[server]
pub async fn archive_template(template_id: i64) -> Result<(), AppError> {
    signed_in(async |state, user| super::service::archive_template(&state.db, &user, template_id).await).await
}

/// Puts the templates in use in the order of `ids` (maintainers and admins).
#[server]
pub async fn reorder_templates(ids: Vec<i64>) -> Result<Vec<Template>, AppError> {
    signed_in(async |state, user| super::service::reorder_templates(&state.db, &user, &ids).await).await
}
