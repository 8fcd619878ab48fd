//! The rules and database access for comments and the timeline. Whoever may see an issue may
//! comment on it and read its timeline; authors edit and delete their own comments, admins
//! delete any. Each change lands with its history row in one transaction.
use super::model::{COMMENT_MAX_BYTES, Comment, TimelineEntry};
use crate::{
    people::service::mentionable,
    activity::{model::Change, service::record},
    attachments::service::inline_images,
    auth::model::CurrentUser,
    error::AppError,
    issues::service::{announce, visible_issue},
    people::{model::Person, service::person},
    server::events::Events,
    server::entities::{comments, issues, users},
    server::markdown::{self, Page},
};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession,
    TransactionTrait, sea_query::Expr,
};

/// How many live (not deleted) comments each of the issues `ids` has; an issue without any is
/// absent. One grouped read of the comments' issue index.
pub async fn live_counts(db: &impl ConnectionTrait, ids: &[i64]) -> Result<std::collections::HashMap<i64, i64>, AppError> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let counts: Vec<(i64, i64)> = comments::Entity::find()
        .select_only()
        .column(comments::Column::IssueId)
        .column_as(comments::Column::Id.count(), "count")
        .filter(comments::Column::IssueId.is_in(ids.iter().copied()))
        .filter(comments::Column::DeletedAt.is_null())
        .group_by(comments::Column::IssueId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(counts.into_iter().collect())
}

/// A comment body: markdown, not blank, at most 64 KiB, without control characters but tab
/// and line ends.
pub fn parse_body(raw: &str) -> Result<String, AppError> {
    if crate::text::is_blank(raw) {
        return Err(AppError::field("body", "a comment cannot be empty"));
    }
    if raw.len() > COMMENT_MAX_BYTES {
        return Err(AppError::field("body", "the comment is longer than 64 KiB"));
    }
    if let Some(control) = crate::text::stray_control(raw) {
        return Err(AppError::field("body", format!("the comment contains a control character ({control})")));
    }
    Ok(crate::text::stored(raw))
}

fn to_dto(comment: comments::Model, author: Person, viewer: &CurrentUser, page: &Page) -> Comment {
    let deleted = comment.deleted_at.is_some();
    let own = comment.author_id == viewer.id;
    Comment {
        id: comment.id,
        issue_id: comment.issue_id,
        author,
        body_html: if deleted { String::new() } else { markdown::render(&comment.body, page) },
        body: if deleted { String::new() } else { comment.body },
        created_at: comment.created_at,
        edited_at: comment.edited_at,
        deleted,
        can_edit: own && !deleted,
        can_delete: (own || viewer.is_admin()) && !deleted,
    }
}

/// An issue's comments and recorded changes, oldest first, for someone who may see the issue.
pub async fn get_timeline(db: &impl ConnectionTrait, actor: &CurrentUser, issue_id: i64) -> Result<Vec<TimelineEntry>, AppError> {
    visible_issue(db, actor, issue_id).await?;
    let comments = comments::Entity::find()
        .filter(comments::Column::IssueId.eq(issue_id))
        .order_by_asc(comments::Column::CreatedAt)
        .find_also_related(users::Entity)
        .all(db)
        .await?;
    let history = crate::activity::service::timeline(db, issue_id).await?;
    // One page: its comments share the images and the highlighting allowance.
    let page = Page::new(inline_images(db, issue_id).await?).with_people(mentionable(db, comments.iter().map(|(c, _)| c.body.as_str())).await?);
    let mut entries: Vec<TimelineEntry> = comments
        .into_iter()
        .map(|(comment, author)| TimelineEntry::Comment(to_dto(comment, author.map_or_else(|| Person::unknown(0), Person::from), actor, &page)))
        .chain(history.into_iter().map(TimelineEntry::Activity))
        .collect();
    // Stable: an event and a comment in the same instant keep the order they were read in.
    entries.sort_by_key(TimelineEntry::at);
    Ok(entries)
}

/// Marks the issue as updated now (comments count as activity) without changing its version:
/// a comment does not make someone's open edit of the issue stale.
async fn touch(txn: &impl ConnectionTrait, issue_id: i64) -> Result<(), AppError> {
    issues::Entity::update_many()
        .col_expr(issues::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(issues::Column::Id.eq(issue_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Adds a comment to an issue `actor` may see.
pub async fn add_comment(db: &(impl ConnectionTrait + TransactionTrait), events: &Events, actor: &CurrentUser, issue_id: i64, body: &str) -> Result<Comment, AppError> {
    let body = parse_body(body)?;
    let txn = crate::server::db::begin_write(db).await?;
    let issue = visible_issue(&txn, actor, issue_id).await?;
    let comment = comments::ActiveModel {
        issue_id: Set(issue_id),
        author_id: Set(actor.id),
        body: Set(body.clone()),
        created_at: Set(Utc::now()),
        edited_at: Set(None),
        deleted_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let told = record(&txn, events, issue_id, actor.id, Change::CommentAdded { body }).await?;
    touch(&txn, issue_id).await?;
    let page = Page::new(inline_images(&txn, issue_id).await?).with_people(mentionable(&txn, [comment.body.as_str()]).await?);
    txn.commit().await?;
    announce(events, &issue, issue.version, crate::live::IssueChange::Comment, &told);
    Ok(to_dto(comment, person(db, actor.id).await?, actor, &page))
}

/// A live comment on an issue `actor` may see; anything else is 404.
async fn visible_comment(txn: &impl ConnectionTrait, actor: &CurrentUser, comment_id: i64) -> Result<(comments::Model, issues::Model), AppError> {
    let comment = comments::Entity::find_by_id(comment_id)
        .filter(comments::Column::DeletedAt.is_null())
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let issue = visible_issue(txn, actor, comment.issue_id).await?;
    Ok((comment, issue))
}

/// Changes a comment's text (its author only); the timeline marks it edited.
pub async fn edit_comment(db: &(impl ConnectionTrait + TransactionTrait), events: &Events, actor: &CurrentUser, comment_id: i64, body: &str) -> Result<Comment, AppError> {
    let body = parse_body(body)?;
    let txn = crate::server::db::begin_write(db).await?;
    let (comment, issue) = visible_comment(&txn, actor, comment_id).await?;
    if comment.author_id != actor.id {
        return Err(AppError::Forbidden);
    }
    let (issue_id, before) = (comment.issue_id, comment.body.clone());
    let mut active = comment.into_active_model();
    active.body = Set(body.clone());
    active.edited_at = Set(Some(Utc::now()));
    let comment = active.update(&txn).await?;
    let told = record(&txn, events, issue_id, actor.id, Change::CommentEdited { from: before, to: body }).await?;
    touch(&txn, issue_id).await?;
    let page = Page::new(inline_images(&txn, issue_id).await?).with_people(mentionable(&txn, [comment.body.as_str()]).await?);
    txn.commit().await?;
    announce(events, &issue, issue.version, crate::live::IssueChange::Comment, &told);
    Ok(to_dto(comment, person(db, actor.id).await?, actor, &page))
}

/// Deletes a comment (its author, or an admin): the timeline keeps a placeholder, the history keeps the text.
pub async fn delete_comment(db: &(impl ConnectionTrait + TransactionTrait), events: &Events, actor: &CurrentUser, comment_id: i64) -> Result<(), AppError> {
    let txn = crate::server::db::begin_write(db).await?;
    let (comment, issue) = visible_comment(&txn, actor, comment_id).await?;
    let own = comment.author_id == actor.id;
    if !own && !actor.is_admin() {
        return Err(AppError::Forbidden);
    }
    let (issue_id, before) = (comment.issue_id, comment.body.clone());
    let mut active = comment.into_active_model();
    active.body = Set(String::new());
    active.deleted_at = Set(Some(Utc::now()));
    active.update(&txn).await?;
    let told = record(&txn, events, issue_id, actor.id, Change::CommentDeleted { body: before }).await?;
    if !own {
        // Removing someone else's words is an administrative act.
        let event = crate::audit_log::Event::new(actor, crate::audit_log::AuditAction::CommentDeleted).target(format!("comment {comment_id} on issue {issue_id}"));
        crate::audit_log::append(&txn, event).await?;
    }
    touch(&txn, issue_id).await?;
    txn.commit().await?;
    announce(events, &issue, issue.version, crate::live::IssueChange::Comment, &told);
    Ok(())
}
