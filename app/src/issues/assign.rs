//! Who may own an issue: naming an assignee by account id (the page) or by handle (the API),
//! checked to be an active maintainer or admin.
use crate::{error::AppError, people::model::Handle, people::service as people, server::entities::users};
use sea_orm::{ConnectionTrait, EntityTrait};

/// The person an issue is given to, as the caller names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assignee {
    /// By account id, as the issue page's picker sends it.
    Id(i64),
    /// By handle as typed, as the API takes it (checked after the caller's permission, so a
    /// reporter learns nothing from a malformed one).
    Handle(String),
}

/// The account id `assignee` names, if that account may own issues; `None` for nobody.
/// Anyone else, or nobody by that name, is 422 naming `assignee`.
pub(super) async fn resolve(db: &impl ConnectionTrait, assignee: Option<&Assignee>) -> Result<Option<i64>, AppError> {
    let Some(assignee) = assignee else { return Ok(None) };
    let user = match assignee {
        Assignee::Id(id) => users::Entity::find_by_id(*id).one(db).await?,
        Assignee::Handle(raw) => people::by_handle(db, &Handle::parse("assignee", raw)?).await?,
    };
    match user {
        Some(user) if people::may_be_assigned(&user) => Ok(Some(user.id)),
        Some(_) => Err(AppError::field("assignee", "only an active maintainer or admin can be assigned")),
        None => Err(AppError::field("assignee", "there is no such person")),
    }
}
