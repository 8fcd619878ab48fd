//! Finding people and giving new accounts a free handle.
use super::model::{Handle, Person};
use crate::server::entities::users;
use crate::{auth::model::CurrentUser, domain::Role, error::AppError};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, Func, LikeExpr},
};
use std::collections::HashMap;

impl From<users::Model> for Person {
    fn from(user: users::Model) -> Person {
        Person { id: user.id, handle: user.handle, display_name: user.display_name }
    }
}

/// `wanted`, or the first of `wanted-2`, `wanted-3`, … that no account has yet.
pub async fn free_handle(db: &impl ConnectionTrait, wanted: &Handle) -> Result<Handle, DbErr> {
    let mut candidate = wanted.clone();
    for n in 2.. {
        if !handle_taken(db, &candidate).await? {
            break;
        }
        candidate = wanted.numbered(n);
    }
    Ok(candidate)
}

/// Whether an account already has `handle`.
pub async fn handle_taken(db: &impl ConnectionTrait, handle: &Handle) -> Result<bool, DbErr> {
    Ok(users::Entity::find().filter(users::Column::Handle.eq(handle.as_str())).count(db).await? > 0)
}

/// The people with these ids, by id (for showing who did what).
pub async fn by_ids(db: &impl ConnectionTrait, ids: impl IntoIterator<Item = i64>) -> Result<HashMap<i64, Person>, DbErr> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let users = users::Entity::find().filter(users::Column::Id.is_in(ids)).all(db).await?;
    Ok(users.into_iter().map(|user| (user.id, Person::from(user))).collect())
}

/// The person with account `id` (a placeholder if the row is gone).
pub async fn person(db: &impl ConnectionTrait, id: i64) -> Result<Person, DbErr> {
    Ok(users::Entity::find_by_id(id).one(db).await?.map_or_else(|| Person::unknown(id), Person::from))
}

/// A free handle and a display name for an account made without choosing them (single
/// sign-on, the command line, seeding), both from its address: `ana.lopez@…` is `@ana-lopez`,
/// "Ana Lopez".
pub async fn identity_for(db: &impl ConnectionTrait, email: &str) -> Result<(String, String), DbErr> {
    let handle = free_handle(db, &Handle::from_email(email)).await?;
    Ok((handle.as_str().to_owned(), super::model::name_from_email(email)))
}

/// The handles mentioned in `texts` (markdown) that are someone's: the mentions a page shows
/// as links to the person.
pub async fn mentionable<'a>(db: &impl ConnectionTrait, texts: impl IntoIterator<Item = &'a str>) -> Result<std::collections::HashSet<String>, DbErr> {
    let mut handles: Vec<String> = texts.into_iter().flat_map(crate::server::markdown::mentioned).collect();
    handles.sort_unstable();
    handles.dedup();
    if handles.is_empty() {
        return Ok(Default::default());
    }
    let found: Vec<String> = users::Entity::find()
        .select_only()
        .column(users::Column::Handle)
        .filter(users::Column::Handle.is_in(handles))
        .into_tuple()
        .all(db)
        .await?;
    Ok(found.into_iter().collect())
}

/// The account with `handle`, active or not.
pub async fn by_handle(db: &impl ConnectionTrait, handle: &Handle) -> Result<Option<users::Model>, DbErr> {
    users::Entity::find().filter(users::Column::Handle.eq(handle.as_str())).one(db).await
}

/// Whether `user` may own issues: an active maintainer or admin.
pub fn may_be_assigned(user: &users::Model) -> bool {
    user.deactivated_at.is_none() && matches!(user.role, crate::domain::Role::Maintainer | crate::domain::Role::Admin)
}

/// Everyone who may own issues (active maintainers and admins), by name.
pub async fn assignable(db: &impl ConnectionTrait) -> Result<Vec<Person>, DbErr> {
    use crate::domain::Role;
    use sea_orm::QueryOrder;
    let users = users::Entity::find()
        .filter(users::Column::Role.is_in([Role::Maintainer, Role::Admin]))
        .filter(users::Column::DeactivatedAt.is_null())
        .order_by_asc(users::Column::DisplayName)
        .order_by_asc(users::Column::Id)
        .all(db)
        .await?;
    Ok(users.into_iter().map(Person::from).collect())
}

/// Up to eight active people among `among` whose handle starts with, or whose name holds, what
/// was `typed` (an `@` before it is ignored), by handle.
pub async fn matching(db: &impl ConnectionTrait, among: Condition, typed: &str) -> Result<Vec<Person>, DbErr> {
    let typed: String = typed.trim_start_matches('@').to_lowercase().chars().filter(|c| crate::domain::is_handle_char(*c) || *c == ' ').take(32).collect();
    // Only handle characters and spaces are left: `_` is the one LIKE reads as a wildcard.
    let escaped = typed.replace('_', "\\_");
    let matches = Condition::any()
        .add(Expr::col(users::Column::Handle).like(LikeExpr::new(format!("{escaped}%")).escape('\\')))
        .add(Expr::expr(Func::lower(Expr::col(users::Column::DisplayName))).like(LikeExpr::new(format!("%{escaped}%")).escape('\\')));
    let people = users::Entity::find()
        .filter(users::Column::DeactivatedAt.is_null())
        .filter(among)
        .filter(matches)
        .order_by_asc(users::Column::Handle)
        .limit(8)
        .all(db)
        .await?;
    Ok(people.into_iter().map(Person::from).collect())
}

/// The people the search box's `assignee:` or `reporter:` (`key`) suggests to `actor` for what
/// was typed: those who can be assigned (maintainers and admins) for an assignee; for a reporter,
/// anyone to those who triage, and only oneself to a reporter, who sees only their own issues.
pub async fn for_query(db: &impl ConnectionTrait, actor: &CurrentUser, key: &str, typed: &str) -> Result<Vec<Person>, AppError> {
    let among = match key {
        "assignee" => Condition::all().add(users::Column::Role.is_in([Role::Maintainer, Role::Admin])),
        "reporter" if actor.can_triage() => Condition::all(),
        "reporter" => Condition::all().add(users::Column::Id.eq(actor.id)),
        _ => return Err(AppError::field("key", "assignee or reporter")),
    };
    Ok(matching(db, among, typed).await?)
}
