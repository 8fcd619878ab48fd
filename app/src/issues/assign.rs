//! Who may own an issue: naming an assignee by account id (the page) or by handle (the API),
//! checked to be an active maintainer or admin.
use crate::{activity::notify::Cast, error::AppError, people::model::Handle, people::service as people, server::entities::users};
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
    may_own(user.as_ref())
}

/// Whom `assignee` names, as an account id or a checked handle, for reading with the other
/// people a change concerns.
pub(super) fn named(assignee: Option<&Assignee>) -> Result<(Option<i64>, Option<String>), AppError> {
    Ok(match assignee {
        None => (None, None),
        Some(Assignee::Id(id)) => (Some(*id), None),
        Some(Assignee::Handle(raw)) => (None, Some(Handle::parse("assignee", raw)?.as_str().to_owned())),
    })
}

/// [`resolve`] for what [`named`] gave, from the accounts `cast` read.
pub(super) fn resolve_read(cast: &Cast, (id, handle): (Option<i64>, Option<String>)) -> Result<Option<i64>, AppError> {
    match (id, handle) {
        (Some(id), _) => may_own(cast.account(id)),
        (None, Some(handle)) => may_own(cast.by_handle(&handle)),
        (None, None) => Ok(None),
    }
}

/// The account id of `user` if it may own issues; 422 naming `assignee` otherwise.
fn may_own(user: Option<&users::Model>) -> Result<Option<i64>, AppError> {
    match user {
        Some(user) if people::may_be_assigned(&user) => Ok(Some(user.id)),
        Some(_) => Err(AppError::field("assignee", "only an active maintainer or admin can be assigned")),
        None => Err(AppError::field("assignee", "there is no such person")),
    }
}
