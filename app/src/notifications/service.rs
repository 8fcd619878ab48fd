//! Reading the inbox, marking it read, the delivery settings, and watching an issue.
use super::model::{Inbox, InboxGroup, KindSetting, Notification, NotificationSettings, Watching, action, summarize};
use crate::{
    access::{visible_issue, visible_issues},
    activity::notify::default_delivery,
    auth::model::CurrentUser,
    domain::{Delivery, NotificationKind, WatchState},
    error::AppError,
    people::{model::Person, service::by_ids},
    server::{
        entities::{issue_watchers, issues, notification_prefs, notifications},
        events::{Events, Notice},
    },
};
use chrono::Utc;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::{Expr, OnConflict, Query},
};
use std::collections::HashMap;

/// The most notifications an inbox shows; older ones stay, counted but not listed.
const INBOX_LIMIT: u64 = 300;

/// `actor`'s notifications about issues they may still see: the rule is checked again now,
/// not only when the notification was made.
fn mine(actor: &CurrentUser) -> Condition {
    let visible = Query::select().column(issues::Column::Id).from(issues::Entity).cond_where(visible_issues(actor)).to_owned();
    Condition::all().add(notifications::Column::UserId.eq(actor.id)).add(notifications::Column::IssueId.in_subquery(visible))
}

fn unread() -> Condition {
    Condition::all().add(notifications::Column::ReadAt.is_null())
}

/// `actor`'s unread notifications, about issues they may see.
pub fn unread_of(actor: &CurrentUser) -> sea_orm::Select<notifications::Entity> {
    notifications::Entity::find().filter(mine(actor)).filter(unread())
}

/// How many unread notifications `actor` has, about issues they may see.
pub async fn unread_count(db: &impl ConnectionTrait, actor: &CurrentUser) -> Result<u64, AppError> {
    Ok(unread_of(actor).count(db).await?)
}

/// The link to issue `issue_id` at the change a notification is about.
fn link(row: &notifications::Model) -> String {
    match (row.comment_id, row.event_id) {
        (Some(comment), _) => format!("/issues/{}#comment-{comment}", row.issue_id),
        (None, Some(event)) => format!("/issues/{}#event-{event}", row.issue_id),
        (None, None) => format!("/issues/{}", row.issue_id),
    }
}

/// `actor`'s inbox, newest first and grouped per issue; only the unread when `unread_only`.
pub async fn inbox(db: &impl ConnectionTrait, actor: &CurrentUser, unread_only: bool) -> Result<Inbox, AppError> {
    let mut query = notifications::Entity::find().filter(mine(actor));
    if unread_only {
        query = query.filter(unread());
    }
    let rows = query.order_by_desc(notifications::Column::Id).limit(INBOX_LIMIT).all(db).await?;
    let people = by_ids(db, rows.iter().map(|row| row.actor_id)).await?;
    let mut issue_ids: Vec<i64> = rows.iter().map(|row| row.issue_id).collect();
    issue_ids.sort_unstable();
    issue_ids.dedup();
    let issues: HashMap<i64, issues::Model> =
        issues::Entity::find().filter(issues::Column::Id.is_in(issue_ids)).all(db).await?.into_iter().map(|issue| (issue.id, issue)).collect();
    let mut groups: Vec<InboxGroup> = Vec::new();
    for row in rows {
        let Some(issue) = issues.get(&row.issue_id) else { continue };
        let notification = Notification {
            id: row.id,
            kind: row.kind,
            reason: row.reason,
            link: link(&row),
            action: action(row.kind, &row.detail),
            actor: people.get(&row.actor_id).cloned().unwrap_or_else(|| Person { id: row.actor_id, handle: String::new(), display_name: "Someone".into() }),
            at: row.created_at,
            read: row.read_at.is_some(),
        };
        match groups.iter_mut().find(|group| group.issue_id == issue.id) {
            Some(group) => group.notifications.push(notification),
            None => groups.push(InboxGroup {
                issue_id: issue.id,
                issue_title: issue.title.clone(),
                issue_status: issue.status,
                summary: String::new(),
                unread: 0,
                notifications: vec![notification],
            }),
        }
    }
    for group in &mut groups {
        group.unread = group.notifications.iter().filter(|n| !n.read).count() as u32;
        // The line sums up what is new, or everything once all is read.
        let new: Vec<Notification> = group.notifications.iter().filter(|n| !n.read).cloned().collect();
        group.summary = summarize(if new.is_empty() { &group.notifications } else { &new });
    }
    Ok(Inbox { groups, unread: unread_count(db, actor).await? })
}

/// Marks `actor`'s notifications read: these ones, or all of them; their other tabs follow.
pub async fn mark_read(db: &impl ConnectionTrait, events: &Events, actor: &CurrentUser, ids: Option<&[i64]>) -> Result<u64, AppError> {
    let mut update = notifications::Entity::update_many()
        .col_expr(notifications::Column::ReadAt, Expr::value(Utc::now()))
        .filter(notifications::Column::UserId.eq(actor.id))
        .filter(unread());
    if let Some(ids) = ids {
        update = update.filter(notifications::Column::Id.is_in(ids.iter().copied()));
    }
    let changed = update.exec(db).await?.rows_affected;
    if changed > 0 {
        events.publish(Notice::Inbox { user_ids: vec![actor.id] });
    }
    Ok(changed)
}

/// Marks `user_id`'s unread notifications about issue `issue_id` read.
pub fn issue_read(user_id: i64, issue_id: i64) -> sea_orm::UpdateMany<notifications::Entity> {
    notifications::Entity::update_many()
        .col_expr(notifications::Column::ReadAt, Expr::value(Utc::now()))
        .filter(notifications::Column::UserId.eq(user_id))
        .filter(notifications::Column::IssueId.eq(issue_id))
        .filter(unread())
}

/// `actor` read issue `issue_id`: its notifications are read.
pub async fn read_issue(db: &impl ConnectionTrait, events: &Events, actor: &CurrentUser, issue_id: i64) -> Result<u64, AppError> {
    let changed = issue_read(actor.id, issue_id).exec(db).await?.rows_affected;
    if changed > 0 {
        events.publish(Notice::Inbox { user_ids: vec![actor.id] });
    }
    Ok(changed)
}

/// `user_id`'s delivery for every kind, chosen or default.
pub async fn deliveries(db: &impl ConnectionTrait, user_id: i64) -> Result<Vec<KindSetting>, AppError> {
    let chosen: HashMap<NotificationKind, Delivery> = notification_prefs::Entity::find()
        .filter(notification_prefs::Column::UserId.eq(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|pref| (pref.kind, pref.delivery))
        .collect();
    Ok(NotificationKind::ALL
        .iter()
        .map(|&kind| KindSetting { kind, delivery: chosen.get(&kind).copied().unwrap_or_else(|| default_delivery(kind)) })
        .collect())
}

/// `actor`'s notification settings.
pub async fn settings(db: &impl ConnectionTrait, actor: &CurrentUser, email_enabled: bool) -> Result<NotificationSettings, AppError> {
    Ok(NotificationSettings { kinds: deliveries(db, actor.id).await?, email_enabled })
}

/// Sets how `user_id` hears about `kind`.
pub async fn set_delivery(db: &impl ConnectionTrait, user_id: i64, kind: NotificationKind, delivery: Delivery) -> Result<(), AppError> {
    notification_prefs::Entity::insert(notification_prefs::ActiveModel { user_id: Set(user_id), kind: Set(kind), delivery: Set(delivery) })
        .on_conflict(
            OnConflict::columns([notification_prefs::Column::UserId, notification_prefs::Column::Kind])
                .update_column(notification_prefs::Column::Delivery)
                .to_owned(),
        )
        .exec(db)
        .await?;
    if delivery != Delivery::Digest {
        // Nothing waits for a digest this kind no longer goes to.
        notifications::Entity::update_many()
            .col_expr(notifications::Column::DigestDue, Expr::value(false))
            .filter(notifications::Column::UserId.eq(user_id))
            .filter(notifications::Column::Kind.eq(kind))
            .filter(super::mailer::flag(notifications::Column::DigestDue))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// The people `actor` may mention on issue `issue_id` (on a new issue when none): those who
/// may see it, that is every active maintainer and admin, and the issue's reporter; whose
/// handle starts with `typed` or whose name has it. At most eight, by handle.
pub async fn mention_candidates(db: &impl ConnectionTrait, actor: &CurrentUser, issue_id: Option<i64>, typed: &str) -> Result<Vec<Person>, AppError> {
    use crate::{domain::Role, server::entities::users};
    let reporter = match issue_id {
        Some(id) => visible_issue(db, actor, id).await?.reporter_id,
        None => actor.id,
    };
    let may_see = Condition::any().add(users::Column::Role.is_in([Role::Maintainer, Role::Admin])).add(users::Column::Id.eq(reporter));
    Ok(crate::people::service::matching(db, may_see, typed).await?)
}

/// Whether `actor` watches issue `issue_id` (404 if they may not see it).
pub async fn watching(db: &impl ConnectionTrait, actor: &CurrentUser, issue_id: i64) -> Result<Watching, AppError> {
    let issue = visible_issue(db, actor, issue_id).await?;
    let row = issue_watchers::Entity::find_by_id((issue_id, actor.id)).one(db).await?;
    Ok(match row {
        Some(row) => Watching { state: row.state, implicit: false },
        None if issue.reporter_id == actor.id || issue.assignee_id == Some(actor.id) => Watching { state: WatchState::Watching, implicit: true },
        None => Watching { state: WatchState::Unwatched, implicit: false },
    })
}

/// Watches, unwatches or mutes issue `issue_id` for `actor` (anyone who may see it).
pub async fn set_watching(db: &impl ConnectionTrait, actor: &CurrentUser, issue_id: i64, state: WatchState) -> Result<Watching, AppError> {
    visible_issue(db, actor, issue_id).await?;
    issue_watchers::Entity::insert(issue_watchers::ActiveModel {
        issue_id: Set(issue_id),
        user_id: Set(actor.id),
        state: Set(state),
        updated_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::columns([issue_watchers::Column::IssueId, issue_watchers::Column::UserId])
            .update_columns([issue_watchers::Column::State, issue_watchers::Column::UpdatedAt])
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(Watching { state, implicit: false })
}
