//! Which tags an issue carries: read for a page of issues at once, and checked when an issue is
//! tagged. The link between issues and tags belongs to the issue, so the tag list's service
//! reads it here and imports point one way, from tags to issues.
use crate::{
    error::AppError,
    server::entities::{issue_tags, tags},
    tags::model::Tag,
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{BTreeSet, HashMap};

/// The tags each of `issue_ids` carries, by name; one query for a whole page of issues.
pub async fn tags_of(db: &impl ConnectionTrait, issue_ids: &[i64]) -> Result<HashMap<i64, Vec<Tag>>, AppError> {
    let mut by_issue: HashMap<i64, Vec<Tag>> = HashMap::new();
    if issue_ids.is_empty() {
        return Ok(by_issue);
    }
    let rows = issue_tags::Entity::find()
        .filter(issue_tags::Column::IssueId.is_in(issue_ids.iter().copied()))
        .find_also_related(tags::Entity)
        .order_by_asc(tags::Column::NameKey)
        .all(db)
        .await?;
    for (link, tag) in rows {
        if let Some(tag) = tag {
            by_issue.entry(link.issue_id).or_default().push(tag.into());
        }
    }
    Ok(by_issue)
}

/// The tags named by `ids`, each once, by name; an id that is not a tag is a 422 on `tags`.
pub async fn resolve(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<Tag>, AppError> {
    let wanted: BTreeSet<i64> = ids.iter().copied().collect();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<Tag> = tags::Entity::find()
        .filter(tags::Column::Id.is_in(wanted.iter().copied()))
        .order_by_asc(tags::Column::NameKey)
        .all(db)
        .await?
        .into_iter()
        .map(Tag::from)
        .collect();
    if let Some(missing) = wanted.iter().find(|id| !found.iter().any(|t| t.id == **id)) {
        return Err(AppError::field("tags", format!("there is no tag #{missing}")));
    }
    Ok(found)
}
