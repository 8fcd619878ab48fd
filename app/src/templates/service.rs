//! The rules and database access for issue templates. Anyone signed in reads the ones in use
//! (the filing page offers them); maintainers and admins make, edit, reorder and archive them,
//! each change with its audit entry in the same transaction.
use super::model::{ABOUT_MAX_CHARS, BLANK, NAME_MAX_CHARS, Template, TemplateRef};
use crate::{
    access::require_triager,
    audit_log::AuditAction,
    auth::model::CurrentUser,
    domain::Severity,
    error::AppError,
    server::entities::{issue_template_tags, issue_templates, tags},
    tags::model::Tag,
};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, SqlErr, TransactionSession, TransactionTrait,
    TryIntoModel,
};
use std::collections::HashMap;

/// What a template is made of, as a form or a request sends it.
#[derive(Debug, Clone, Copy)]
pub struct TemplateFields<'a> {
    pub name: &'a str,
    pub about: &'a str,
    pub severity: Severity,
    pub tag_ids: &'a [i64],
    pub body: &'a str,
}

/// The fields checked: every bad one is named in one error.
struct Checked {
    name: String,
    about: String,
    body: String,
    tags: Vec<Tag>,
}

async fn check(db: &impl ConnectionTrait, fields: TemplateFields<'_>) -> Result<Checked, AppError> {
    let name = one_line(fields.name, "name", NAME_MAX_CHARS, true);
    let about = one_line(fields.about, "about", ABOUT_MAX_CHARS, false);
    // The body is a description to be: the same limits, and rendered by the same sanitizer.
    let body = crate::issues::service::parse_description(fields.body).map_err(|err| err.renamed_field("description", "body"));
    let tags = crate::issues::tagging::resolve(db, fields.tag_ids).await;
    match (name, about, body, tags) {
        (Ok(name), Ok(about), Ok(body), Ok(tags)) => Ok(Checked { name, about, body, tags }),
        (name, about, body, tags) => Err(AppError::merge_fields([name.err(), about.err(), body.err(), tags.err()])),
    }
}

/// One line of at most `most` characters after trimming, without control characters.
fn one_line(raw: &str, field: &'static str, most: usize, required: bool) -> Result<String, AppError> {
    // Counted as stored: normalizing can lengthen a text.
    let text = crate::text::stored(crate::text::trimmed(raw));
    if required && text.is_empty() {
        return Err(AppError::field(field, "this is required"));
    }
    if text.chars().count() > most {
        return Err(AppError::field(field, format!("use at most {most} characters")));
    }
    if text.chars().any(char::is_control) {
        return Err(AppError::field(field, "control characters are not allowed"));
    }
    Ok(text)
}

/// The name as a link names it: lower-case letters and digits, other runs as one `-`.
pub fn slug_of(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').chars().take(NAME_MAX_CHARS).collect()
}

/// The default tags of `templates`, by template.
async fn tags_of(db: &impl ConnectionTrait, templates: &[i64]) -> Result<HashMap<i64, Vec<Tag>>, AppError> {
    let links = issue_template_tags::Entity::find().filter(issue_template_tags::Column::TemplateId.is_in(templates.iter().copied())).all(db).await?;
    let tag_ids: Vec<i64> = links.iter().map(|link| link.tag_id).collect();
    let found: HashMap<i64, Tag> = tags::Entity::find()
        .filter(tags::Column::Id.is_in(tag_ids))
        .order_by_asc(tags::Column::NameKey)
        .all(db)
        .await?
        .into_iter()
        .map(|tag| (tag.id, Tag::from(tag)))
        .collect();
    let mut by_template: HashMap<i64, Vec<Tag>> = HashMap::new();
    for link in links {
        if let Some(tag) = found.get(&link.tag_id) {
            by_template.entry(link.template_id).or_default().push(tag.clone());
        }
    }
    for tags in by_template.values_mut() {
        tags.sort_by_key(|tag| tag.name.to_lowercase());
    }
    Ok(by_template)
}

fn template(row: issue_templates::Model, tags: Vec<Tag>) -> Template {
    Template {
        id: row.id,
        slug: row.slug,
        name: row.name,
        about: row.about,
        severity: row.severity,
        tags,
        body: row.body,
        archived: row.archived_at.is_some(),
    }
}

async fn with_tags(db: &impl ConnectionTrait, rows: Vec<issue_templates::Model>) -> Result<Vec<Template>, AppError> {
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let mut tags = tags_of(db, &ids).await?;
    Ok(rows.into_iter().map(|row| {
        let tags = tags.remove(&row.id).unwrap_or_default();
        template(row, tags)
    }).collect())
}

/// The templates in use, in the picker's order (anyone signed in); with `archived`, the archived
/// ones instead (maintainers and admins).
pub async fn list_templates(db: &impl ConnectionTrait, actor: &CurrentUser, archived: bool) -> Result<Vec<Template>, AppError> {
    if archived {
        require_triager(actor)?;
    }
    let rows = issue_templates::Entity::find()
        .filter(if archived { issue_templates::Column::ArchivedAt.is_not_null() } else { issue_templates::Column::ArchivedAt.is_null() })
        .order_by_asc(issue_templates::Column::Position)
        .order_by_asc(issue_templates::Column::Id)
        .all(db)
        .await?;
    with_tags(db, rows).await
}

/// The template in use named by `key`, its id or its slug (in any letter case); 404 otherwise.
pub async fn find_template(db: &impl ConnectionTrait, key: &str) -> Result<Template, AppError> {
    let key = key.trim();
    // No slug holds one, and PostgreSQL refuses NUL outright.
    if key.chars().any(char::is_control) {
        return Err(AppError::NotFound);
    }
    let by = match key.parse::<i64>() {
        Ok(id) => issue_templates::Column::Id.eq(id),
        Err(_) => issue_templates::Column::Slug.eq(key.to_lowercase()),
    };
    let row = issue_templates::Entity::find().filter(by).filter(issue_templates::Column::ArchivedAt.is_null()).one(db).await?.ok_or(AppError::NotFound)?;
    Ok(with_tags(db, vec![row]).await?.remove(0))
}

/// The template an issue is filed from: one in use, or a 422 on `template_id`.
pub async fn for_filing(db: &impl ConnectionTrait, template_id: Option<i64>) -> Result<Option<TemplateRef>, AppError> {
    let Some(id) = template_id else { return Ok(None) };
    match issue_templates::Entity::find_by_id(id).one(db).await? {
        Some(row) if row.archived_at.is_none() => Ok(Some(TemplateRef { id: row.id, name: row.name })),
        Some(_) => Err(AppError::field("template_id", format!("template #{id} is archived"))),
        None => Err(AppError::field("template_id", format!("there is no template #{id}"))),
    }
}

/// The template issue `template_id` names, archived or not, for showing on the issue.
pub async fn named(db: &impl ConnectionTrait, template_id: Option<i64>) -> Result<Option<TemplateRef>, AppError> {
    let Some(id) = template_id else { return Ok(None) };
    Ok(issue_templates::Entity::find_by_id(id).one(db).await?.map(|row| TemplateRef { id: row.id, name: row.name }))
}

fn name_taken(slug: &str) -> AppError {
    AppError::Conflict(format!("a template named \u{201c}{slug}\u{201d} already exists"))
}

/// Makes a template, last in the order (maintainers and admins). Its slug comes from its name
/// and is unique (409 otherwise).
pub async fn create_template(db: &(impl ConnectionTrait + TransactionTrait), actor: &CurrentUser, fields: TemplateFields<'_>) -> Result<Template, AppError> {
    require_triager(actor)?;
    let checked = check(db, fields).await?;
    let slug = slug_of(&checked.name);
    if slug.is_empty() {
        return Err(AppError::field("name", "use at least one letter or digit"));
    }
    if slug == BLANK {
        return Err(AppError::field("name", "\u{201c}blank\u{201d} is what a link names a blank issue with; choose another name"));
    }
    // A link reads a number as an id, and `order` is the reordering route.
    if slug.parse::<i64>().is_ok() || slug == "order" {
        return Err(AppError::field("name", "use a name with a letter in it, other than \u{201c}order\u{201d}"));
    }
    let txn = crate::server::db::begin_write(db).await?;
    let last: Option<i32> = issue_templates::Entity::find().select_only().column_as(issue_templates::Column::Position.max(), "p").into_tuple().one(&txn).await?.flatten();
    let now = Utc::now();
    let row = issue_templates::ActiveModel {
        slug: Set(slug.clone()),
        position: Set(last.map_or(0, |p| p + 1)),
        archived_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    };
    let row = save(&txn, actor, AuditAction::TemplateCreated, row, checked, fields.severity).await.map_err(|err| taken_as(err, &slug))?;
    txn.commit().await?;
    Ok(row)
}

/// A unique-key failure on save is the slug's.
fn taken_as(err: AppError, slug: &str) -> AppError {
    match err {
        AppError::Conflict(_) => name_taken(slug),
        other => other,
    }
}

/// Writes `row` with `checked` fields and its default tags, and its audit entry, inside `txn`.
async fn save(
    txn: &(impl ConnectionTrait + TransactionTrait),
    actor: &CurrentUser,
    action: AuditAction,
    mut row: issue_templates::ActiveModel,
    checked: Checked,
    severity: Severity,
) -> Result<Template, AppError> {
    row.name = Set(checked.name);
    row.about = Set(checked.about);
    row.body = Set(checked.body);
    row.severity = Set(severity);
    row.updated_at = Set(Utc::now());
    let row = match row.save(txn).await.and_then(|saved| saved.try_into_model()) {
        Ok(row) => row,
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => return Err(AppError::Conflict(String::new())),
        Err(err) => return Err(err.into()),
    };
    issue_template_tags::Entity::delete_many().filter(issue_template_tags::Column::TemplateId.eq(row.id)).exec(txn).await?;
    if !checked.tags.is_empty() {
        let links = checked.tags.iter().map(|tag| issue_template_tags::ActiveModel { template_id: Set(row.id), tag_id: Set(tag.id) });
        issue_template_tags::Entity::insert_many(links).exec(txn).await?;
    }
    audit(txn, actor, action, &row).await?;
    Ok(template(row, checked.tags))
}

/// Templates are configuration: every change to one goes to the audit log.
async fn audit(txn: &(impl ConnectionTrait + TransactionTrait), actor: &CurrentUser, action: AuditAction, row: &issue_templates::Model) -> Result<(), AppError> {
    let event = crate::audit_log::Event::new(actor, action)
        .target(format!("template {}", row.id))
        .details(serde_json::json!({ "name": row.name, "slug": row.slug }));
    crate::audit_log::append(txn, event).await
}

/// Edits a template in use (maintainers and admins); its slug stays, so links keep working.
pub async fn update_template(db: &(impl ConnectionTrait + TransactionTrait), actor: &CurrentUser, template_id: i64, fields: TemplateFields<'_>) -> Result<Template, AppError> {
    require_triager(actor)?;
    let checked = check(db, fields).await?;
    let txn = crate::server::db::begin_write(db).await?;
    let row = in_use(&txn, template_id).await?;
    let template = save(&txn, actor, AuditAction::TemplateUpdated, row.into(), checked, fields.severity).await?;
    txn.commit().await?;
    Ok(template)
}

async fn in_use(db: &impl ConnectionTrait, template_id: i64) -> Result<issue_templates::Model, AppError> {
    match issue_templates::Entity::find_by_id(template_id).one(db).await? {
        Some(row) if row.archived_at.is_none() => Ok(row),
        _ => Err(AppError::NotFound),
    }
}

/// Archives a template (maintainers and admins): no longer offered, still named by the issues
/// filed from it.
pub async fn archive_template(db: &(impl ConnectionTrait + TransactionTrait), actor: &CurrentUser, template_id: i64) -> Result<(), AppError> {
    require_triager(actor)?;
    let txn = crate::server::db::begin_write(db).await?;
    let row = in_use(&txn, template_id).await?;
    let mut archived: issue_templates::ActiveModel = row.clone().into();
    archived.archived_at = Set(Some(Utc::now()));
    archived.updated_at = Set(Utc::now());
    archived.update(&txn).await?;
    audit(&txn, actor, AuditAction::TemplateArchived, &row).await?;
    txn.commit().await?;
    Ok(())
}

/// Puts the templates in use in the order of `ids`, which must name each of them once
/// (maintainers and admins; 422 on `ids` otherwise).
pub async fn reorder_templates(db: &(impl ConnectionTrait + TransactionTrait), actor: &CurrentUser, ids: &[i64]) -> Result<Vec<Template>, AppError> {
    require_triager(actor)?;
    let txn = crate::server::db::begin_write(db).await?;
    let current: Vec<i64> = issue_templates::Entity::find()
        .select_only()
        .column(issue_templates::Column::Id)
        .filter(issue_templates::Column::ArchivedAt.is_null())
        .into_tuple()
        .all(&txn)
        .await?;
    let mut wanted = ids.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    let mut have = current.clone();
    have.sort_unstable();
    if wanted.len() != ids.len() || wanted != have {
        return Err(AppError::field("ids", "name every template in use exactly once"));
    }
    for (position, id) in ids.iter().enumerate() {
        issue_templates::Entity::update_many()
            .col_expr(issue_templates::Column::Position, sea_orm::sea_query::Expr::value(i32::try_from(position).unwrap_or(i32::MAX)))
            .filter(issue_templates::Column::Id.eq(*id))
            .exec(&txn)
            .await?;
    }
    let event = crate::audit_log::Event::new(actor, AuditAction::TemplatesReordered).target("templates".to_owned()).details(serde_json::json!({ "order": ids }));
    crate::audit_log::append(&txn, event).await?;
    let templates = list_templates(&txn, actor, false).await?;
    txn.commit().await?;
    Ok(templates)
}

#[cfg(test)]
mod tests {
    use super::slug_of;

    #[test]
    fn a_slug_is_the_name_in_lower_case_words() {
        assert_eq!(slug_of("Bug report"), "bug-report");
        assert_eq!(slug_of("  Feature / Request!! "), "feature-request");
        assert_eq!(slug_of("Ärger über Ü"), "ärger-über-ü");
        assert_eq!(slug_of("--"), "");
    }
}
