//! The rules and database access for the tag list. Anyone signed in reads it;
//! maintainers and admins change it.
use super::model::{TAG_NAME_MAX_CHARS, Tag, TagUsage};
use crate::{
    audit_log::AuditAction,
    auth::model::CurrentUser,
    domain::TagColour,
    error::AppError,
    server::{
        entities::{issue_tags, tags},
        events::{Events, Notice},
    },
};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, JoinType, TryIntoModel, QueryFilter, QueryOrder, QuerySelect, RelationTrait, Set,
    SqlErr, TransactionSession, TransactionTrait,
};
use std::collections::HashMap;

impl From<tags::Model> for Tag {
    fn from(tag: tags::Model) -> Self {
        Tag { id: tag.id, name: tag.name, colour: tag.colour }
    }
}

/// A tag name: 1 to 32 characters after trimming, without control characters or commas
/// (the activity history lists tags separated by commas).
pub struct TagName(String);

impl TagName {
    pub fn parse(raw: &str) -> Result<TagName, AppError> {
        let name = crate::text::trimmed(raw);
        if name.is_empty() {
            return Err(AppError::field("name", "a name is required"));
        }
        if name.chars().count() > TAG_NAME_MAX_CHARS {
            return Err(AppError::field("name", format!("use at most {TAG_NAME_MAX_CHARS} characters")));
        }
        if name.chars().any(|c| c.is_control() || c == ',') {
            return Err(AppError::field("name", "a name cannot contain commas or control characters"));
        }
        Ok(TagName(crate::text::stored(name)))
    }

    fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

/// A colour from the palette, named in the error when it is not one.
pub fn parse_colour(raw: &str) -> Result<TagColour, AppError> {
    raw.parse().map_err(|err: crate::domain::UnknownValue| AppError::field("colour", err.to_string()))
}

use crate::access::require_triager;

/// Every tag, by name; what the pickers and the list's tag filter offer.
pub async fn list_tags(db: &impl ConnectionTrait) -> Result<Vec<Tag>, AppError> {
    Ok(tags::Entity::find().order_by_asc(tags::Column::NameKey).all(db).await?.into_iter().map(Tag::from).collect())
}

/// Every tag with the number of live issues carrying it (maintainers and admins: the counts
/// span every reporter's issues).
pub async fn tag_usage(db: &impl ConnectionTrait, actor: &CurrentUser) -> Result<Vec<TagUsage>, AppError> {
    require_triager(actor)?;
    let counts: HashMap<i64, i64> = issue_tags::Entity::find()
        .select_only()
        .column(issue_tags::Column::TagId)
        .column_as(issue_tags::Column::IssueId.count(), "n")
        .join(JoinType::InnerJoin, issue_tags::Relation::Issue.def())
        .filter(crate::access::visible_issues(actor))
        .group_by(issue_tags::Column::TagId)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(list_tags(db)
        .await?
        .into_iter()
        .map(|tag| TagUsage { issues: counts.get(&tag.id).copied().unwrap_or(0) as u64, tag })
        .collect())
}

fn name_taken(name: &TagName) -> AppError {
    AppError::Conflict(format!("a tag named \u{201c}{}\u{201d} already exists", name.0))
}

/// Adds a tag to the list (maintainers and admins). Names are unique regardless of letter case.
pub async fn create_tag(db: &(impl ConnectionTrait + TransactionTrait), actor: &CurrentUser, name: &str, colour: &str) -> Result<Tag, AppError> {
    require_triager(actor)?;
    let (name, colour) = parse_tag(name, colour)?;
    let txn = crate::server::db::begin_write(db).await?;
    let tag = tags::ActiveModel { created_at: Set(Utc::now()), ..Default::default() };
    let tag = save(&txn, actor, AuditAction::TagCreated, tag, &name, colour).await?;
    txn.commit().await?;
    Ok(tag.into())
}

/// Writes `tag` under `name` and `colour` (a new tag is inserted, an existing one updated) with
/// its audit entry, inside `txn`; a name taken in any letter case is 409.
async fn save(
    txn: &(impl ConnectionTrait + TransactionTrait),
    actor: &CurrentUser,
    action: AuditAction,
    mut tag: tags::ActiveModel,
    name: &TagName,
    colour: TagColour,
) -> Result<tags::Model, AppError> {
    tag.name_key = Set(name.key());
    tag.name = Set(name.0.clone());
    tag.colour = Set(colour);
    let tag = match tag.save(txn).await.and_then(|saved| saved.try_into_model()) {
        Ok(tag) => tag,
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => return Err(name_taken(name)),
        Err(err) => return Err(err.into()),
    };
    audit(txn, actor, action, &tag).await?;
    Ok(tag)
}

fn parse_tag(name: &str, colour: &str) -> Result<(TagName, TagColour), AppError> {
    match (TagName::parse(name), parse_colour(colour)) {
        (Ok(name), Ok(colour)) => Ok((name, colour)),
        (name, colour) => Err(AppError::merge_fields([name.err(), colour.err()])),
    }
}

/// Renames or recolours a tag (maintainers and admins); issues carrying it show the change at once.
pub async fn update_tag(db: &(impl ConnectionTrait + TransactionTrait), events: &Events, actor: &CurrentUser, tag_id: i64, name: &str, colour: &str) -> Result<Tag, AppError> {
    require_triager(actor)?;
    let (name, colour) = parse_tag(name, colour)?;
    let txn = crate::server::db::begin_write(db).await?;
    let tag = tags::Entity::find_by_id(tag_id).one(&txn).await?.ok_or(AppError::NotFound)?;
    let tag = save(&txn, actor, AuditAction::TagUpdated, tag.into(), &name, colour).await?;
    txn.commit().await?;
    // Every list showing the tag changes.
    events.publish(Notice::Resync);
    Ok(tag.into())
}

/// Removes a tag from the list and from every issue carrying it (maintainers and admins).
/// Each such issue records the change in its history and gets a new version, in one transaction.
pub async fn delete_tag(db: &(impl ConnectionTrait + TransactionTrait), events: &Events, actor: &CurrentUser, tag_id: i64) -> Result<(), AppError> {
    require_triager(actor)?;
    let txn = crate::server::db::begin_write(db).await?;
    let tag = tags::Entity::find_by_id(tag_id).one(&txn).await?.ok_or(AppError::NotFound)?;
    let carrying: Vec<i64> = issue_tags::Entity::find()
        .select_only()
        .column(issue_tags::Column::IssueId)
        .filter(issue_tags::Column::TagId.eq(tag_id))
        .into_tuple()
        .all(&txn)
        .await?;
    let before = crate::issues::tagging::tags_of(&txn, &carrying).await?;
    issue_tags::Entity::delete_many().filter(issue_tags::Column::TagId.eq(tag_id)).exec(&txn).await?;
    for issue_id in &carrying {
        let from = before.get(issue_id).cloned().unwrap_or_default();
        let to: Vec<Tag> = from.iter().filter(|t| t.id != tag_id).cloned().collect();
        // The resync below reloads every view, inboxes included.
        let _told = crate::issues::service::record_tag_change(&txn, events, actor, *issue_id, &from, &to).await?;
    }
    tags::Entity::delete_by_id(tag_id).exec(&txn).await?;
    audit(&txn, actor, AuditAction::TagDeleted, &tag).await?;
    txn.commit().await?;
    events.publish(Notice::Resync);
    Ok(())
}

/// The tag list is configuration: every change to it goes to the audit log.
async fn audit(txn: &(impl ConnectionTrait + TransactionTrait), actor: &CurrentUser, action: AuditAction, tag: &tags::Model) -> Result<(), AppError> {
    let event = crate::audit_log::Event::new(actor, action)
        .target(format!("tag {}", tag.id))
        .details(serde_json::json!({ "name": tag.name, "colour": tag.colour }));
    crate::audit_log::append(txn, event).await
}
