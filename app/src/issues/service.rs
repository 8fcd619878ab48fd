//! The rules and database access for issues: the only place that decides what a caller sees.
use super::model::{IssueDetail, IssueSummary};
use crate::{
    people::service::mentionable,
    access,
    activity::{model::Change, notify::{Cast, Told}, service::{record, record_filing}},
    audit_log::AuditAction,
    auth::model::CurrentUser,
    domain::{Severity, Status},
    error::AppError,
    live::IssueChange,
    people::model::Person,
    server::entities::{issue_tags, issues, users},
    server::events::{Events, Notice},
    server::markdown::{self, Page},
    tags::model::Tag,
};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, TransactionSession, TransactionTrait,
    sea_query::{Expr, ExprTrait},
};

/// Moves issue `issue_id` to `status` as `actor`, if it is still at `version`: one stage forward
/// or back, or Done back to New; any other move is 422 naming it.
/// Maintainers and admins move any issue; a reporter gets 403 on their own issue and 404
/// on anyone else's (nothing is revealed). The change and its event row land together.
pub async fn transition(db: &(impl ConnectionTrait + TransactionTrait), events: &Events, actor: &CurrentUser, issue_id: i64, version: i64, status: Status) -> Result<IssueSummary, AppError> {
    apply_triage(db, events, actor, issue_id, version, Triage::Status(status)).await
}

/// Sets issue `issue_id`'s severity as `actor`, if it is still at `version`, with the same
/// permissions as [`transition`].
pub async fn change_severity(db: &(impl ConnectionTrait + TransactionTrait), events: &Events, actor: &CurrentUser, issue_id: i64, version: i64, severity: Severity) -> Result<IssueSummary, AppError> {
    apply_triage(db, events, actor, issue_id, version, Triage::Severity(severity)).await
}

/// Gives issue `issue_id` to `assignee` (or to nobody) as `actor`, if it is still at
/// `version`, with the same permissions as [`transition`]. The assignee must be an active
/// maintainer or admin (422 naming `assignee` otherwise).
pub async fn assign(
    db: &(impl ConnectionTrait + TransactionTrait),
    events: &Events,
    actor: &CurrentUser,
    issue_id: i64,
    version: i64,
    assignee: Option<super::assign::Assignee>,
) -> Result<IssueSummary, AppError> {
    apply_triage(db, events, actor, issue_id, version, Triage::Assignee(assignee)).await
}

/// A triage change: a new status, a new severity or a new owner.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Triage {
    Status(Status),
    Severity(Severity),
    Assignee(Option<super::assign::Assignee>),
}

/// Applies `change` to issue `issue_id` as `actor`, if the issue is still at `version`.
async fn apply_triage(
    db: &(impl ConnectionTrait + TransactionTrait),
    events: &Events,
    actor: &CurrentUser,
    issue_id: i64,
    version: i64,
    change: Triage,
) -> Result<IssueSummary, AppError> {
    let txn = crate::server::db::begin_write(db).await?;
    let issue = for_triage(&txn, actor, issue_id, version).await?;
    let recorded = match &change {
        Triage::Status(next) => {
            let next = *next;
            if !issue.status.can_move_to(next) {
                return Err(AppError::field(
                    "status",
                    format!("an issue cannot move from {} to {}", issue.status.label(), next.label()),
                ));
            }
            Change::Status { from: issue.status, to: next }
        }
        Triage::Severity(next) => Change::Severity { from: issue.severity, to: *next },
        Triage::Assignee(assignee) => {
            let to = super::assign::resolve(&txn, assignee.as_ref()).await?;
            if to == issue.assignee_id {
                // Already so: nothing to record, nobody to tell.
                return load_detail(&txn, issue_id).await.map(|d| d.summary);
            }
            Change::Assigned { from: issue.assignee_id, to }
        }
    };
    let update = at_version(issue_id, version);
    apply(&txn, version, match &recorded {
        Change::Status { to, .. } => update.col_expr(issues::Column::Status, Expr::value(*to)),
        Change::Severity { to, .. } => update.col_expr(issues::Column::Severity, Expr::value(*to)),
        Change::Assigned { to, .. } => update.col_expr(issues::Column::AssigneeId, Expr::value(*to)),
        _ => update,
    })
    .await?;
    let told = record(&txn, events, issue_id, actor.id, recorded).await?;
    let summary = load_detail(&txn, issue_id).await?.summary;
    txn.commit().await?;
    announce(events, &issue, summary.version, IssueChange::Updated, &told);
    Ok(summary)
}

/// Issue `issue_id` for a triage change by `actor` at `version`: maintainers and admins may;
/// a reporter gets 403 on their own issue and 404 on anyone else's; a stale version is 409.
async fn for_triage(txn: &impl ConnectionTrait, actor: &CurrentUser, issue_id: i64, version: i64) -> Result<issues::Model, AppError> {
    let issue = visible_issue(txn, actor, issue_id).await?;
    access::require_triager(actor)?;
    if issue.version != version {
        return Err(AppError::StaleVersion { current_version: issue.version });
    }
    Ok(issue)
}

/// A title of 1 to 200 characters after trimming, without control characters.
pub struct IssueTitle(String);

impl IssueTitle {
    pub fn parse(raw: &str) -> Result<IssueTitle, AppError> {
        let title = crate::text::trimmed(raw);
        if title.is_empty() {
            return Err(AppError::field("title", "a title is required"));
        }
        if title.chars().count() > super::model::TITLE_MAX_CHARS {
            return Err(AppError::field("title", format!("use at most {} characters", super::model::TITLE_MAX_CHARS)));
        }
        if title.chars().any(char::is_control) {
            return Err(AppError::field("title", "the title contains control characters"));
        }
        Ok(IssueTitle(crate::text::stored(title)))
    }
}

/// A markdown description of at most 64 KiB, without control characters but tab and line ends.
pub fn parse_description(raw: &str) -> Result<String, AppError> {
    if raw.len() > super::model::DESCRIPTION_MAX_BYTES {
        return Err(AppError::field("description", "the description is longer than 64 KiB"));
    }
    if let Some(control) = crate::text::stray_control(raw) {
        return Err(AppError::field("description", format!("the description contains a control character ({control})")));
    }
    Ok(crate::text::stored(raw))
}

/// `markdown` rendered exactly as a saved description of issue `issue_id` (or of a new issue)
/// would be, for the editor's preview: the issue's pictures show inline.
pub async fn preview_description(db: &impl ConnectionTrait, actor: &CurrentUser, issue_id: Option<i64>, markdown: &str) -> Result<String, AppError> {
    let markdown = parse_description(markdown)?;
    let page = match issue_id {
        Some(issue_id) => {
            visible_issue(db, actor, issue_id).await?;
            Page::new(crate::attachments::service::inline_images(db, issue_id).await?)
        }
        None => Page::default(),
    };
    let page = page.with_people(mentionable(db, [markdown.as_str()]).await?);
    Ok(markdown::render(&markdown, &page))
}

/// A title and a description, both checked; every bad field is named in one error.
fn parse_content(title: &str, description: &str) -> Result<(String, String), AppError> {
    match (IssueTitle::parse(title), parse_description(description)) {
        (Ok(title), Ok(description)) => Ok((title.0, description)),
        (title, description) => Err(AppError::merge_fields([title.err(), description.err()])),
    }
}

/// The live issue `issue_id` if `actor` may see it: triagers any, reporters their own.
/// Anything else is 404, so a reporter learns nothing about other issues.
pub(crate) async fn visible_issue(db: &impl ConnectionTrait, actor: &CurrentUser, issue_id: i64) -> Result<issues::Model, AppError> {
    access::visible_issue(db, actor, issue_id).await
}

fn detail(mut issue: issues::Model, reporter: Person, assignee: Option<Person>, tags: Vec<Tag>, comment_count: i64, page: &Page) -> IssueDetail {
    let description_html = markdown::render(&issue.description, page);
    let description = std::mem::take(&mut issue.description);
    IssueDetail { template: None, description_html, description, summary: summary(issue, reporter, assignee, tags, comment_count) }
}

/// The list's row of `issue`.
fn summary(issue: issues::Model, reporter: Person, assignee: Option<Person>, tags: Vec<Tag>, comment_count: i64) -> IssueSummary {
    IssueSummary {
        id: issue.id,
        title: issue.title,
        severity: issue.severity,
        status: issue.status,
        reporter,
        assignee,
        created_at: issue.created_at,
        updated_at: issue.updated_at,
        version: issue.version,
        tags,
        comment_count,
    }
}

/// Issue `issue_id` as a row of the list shows it, whoever asks (callers decide who hears of
/// it); `None` once it is deleted or gone. What a live notice carries to open pages.
pub async fn row(db: &impl ConnectionTrait, issue_id: i64) -> Result<Option<IssueSummary>, AppError> {
    let Some((issue, Some(reporter))) = issues::Entity::find_by_id(issue_id).find_also_related(users::Entity).one(db).await? else { return Ok(None) };
    if issue.deleted_at.is_some() {
        return Ok(None);
    }
    let (tags, comment_count, assignee) = row_parts(db, &issue).await?;
    Ok(Some(summary(issue, reporter.into(), assignee, tags, comment_count)))
}

/// What a row shows beyond the issue's own columns: its tags, how many live comments it has,
/// and who owns it.
async fn row_parts(db: &impl ConnectionTrait, issue: &issues::Model) -> Result<(Vec<Tag>, i64, Option<Person>), AppError> {
    let tags = super::tagging::tags_of(db, &[issue.id]).await?.remove(&issue.id).unwrap_or_default();
    let comment_count = crate::comments::service::live_counts(db, &[issue.id]).await?.remove(&issue.id).unwrap_or(0);
    let assignee = crate::people::service::by_ids(db, issue.assignee_id).await?.into_values().next();
    Ok((tags, comment_count, assignee))
}

/// An issue as stored, whoever asks; callers check visibility first.
async fn load_detail(db: &impl ConnectionTrait, issue_id: i64) -> Result<IssueDetail, AppError> {
    let (issue, reporter) = issues::Entity::find_by_id(issue_id).find_also_related(users::Entity).one(db).await?.ok_or(AppError::NotFound)?;
    let (tags, comment_count, assignee) = row_parts(db, &issue).await?;
    let page = Page::new(crate::attachments::service::inline_images(db, issue_id).await?)
        .with_people(mentionable(db, [issue.description.as_str()]).await?);
    let reporter = reporter.map(Person::from).ok_or(AppError::NotFound)?;
    let template = crate::templates::service::named(db, issue.template_id).await?;
    Ok(IssueDetail { template, ..detail(issue, reporter, assignee, tags, comment_count, &page) })
}

/// What someone files: the issue's content and, from a maintainer or admin, who owns it from
/// the start.
#[derive(Debug, Clone, Copy)]
pub struct Filing<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub severity: Severity,
    pub tag_ids: &'a [i64],
    pub assignee: Option<&'a super::assign::Assignee>,
    /// The template it starts from, one in use.
    pub template_id: Option<i64>,
}

/// Files an issue for `actor`; the issue, its `created` event and its assignment land together.
/// Only maintainers and admins may name an assignee (403 otherwise).
pub async fn create_issue(db: &DatabaseConnection, events: &Events, actor: &CurrentUser, filing: Filing<'_>) -> Result<IssueDetail, AppError> {
    let Filing { title, description, severity, tag_ids, assignee, template_id } = filing;
    if assignee.is_some() {
        access::require_triager(actor)?;
    }
    let content = parse_content(title, description);
    let tags = super::tagging::resolve(db, tag_ids).await;
    let template = crate::templates::service::for_filing(db, template_id).await;
    let ((title, description), tags, template) = match (content, tags, template) {
        (Ok(content), Ok(tags), Ok(template)) => (content, tags, template),
        (content, tags, template) => return Err(AppError::merge_fields([content.err(), tags.err(), template.err()])),
    };
    let owner = super::assign::named(assignee)?;
    // Everyone the filing concerns, read once before writing: the reporter, the owner and the
    // people the description mentions.
    let handles = markdown::mentioned(&description);
    let cast = Cast::load(db, [Some(actor.id), owner.0].into_iter().flatten(), handles.into_iter().chain(owner.1.clone())).await?;
    let owner = super::assign::resolve_read(&cast, owner)?;
    let now = Utc::now();
    let new_issue = issues::ActiveModel {
        title: Set(title),
        description: Set(description),
        severity: Set(severity),
        status: Set(Status::Open),
        reporter_id: Set(actor.id),
        assignee_id: Set(owner),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        deleted_at: Set(None),
        template_id: Set(template.as_ref().map(|t| t.id)),
        ..Default::default()
    };
    // The write owns what it needs: on SQLite it runs on the writer's task, with the filings
    // that arrived at the same moment.
    let cast = std::sync::Arc::new(cast);
    let (hub, people, linked, actor_id) = (events.clone(), cast.clone(), tags.clone(), actor.id);
    let (issue, told) = events
        .write(
            db,
            Box::new(move |txn| {
                Box::pin(async move {
                    let issue = new_issue.insert(txn).await?;
                    let mut with = Vec::new();
                    if !linked.is_empty() {
                        link_tags(txn, issue.id, &linked).await?;
                        with.push(Change::Tags { from: Vec::new(), to: names(&linked) });
                    }
                    if let Some(owner) = owner {
                        with.push(Change::Assigned { from: None, to: Some(owner) });
                    }
                    let told = record_filing(txn, &hub, &issue, actor_id, with, &people).await?;
                    Ok((issue, told))
                })
            }),
        )
        .await?;
    announce(events, &issue, issue.version, IssueChange::Created, &told);
    metrics::counter!("issues_created_total", "severity" => issue.severity.as_str()).increment(1);
    // A new issue has no attachments yet, so no picture to show.
    let page = Page::default().with_people(cast.handles());
    let person = |id: i64| cast.account(id).cloned().map(Person::from);
    let reporter = person(actor.id).ok_or(AppError::NotFound)?;
    let assignee = owner.and_then(person);
    // A new issue has no comments yet.
    Ok(IssueDetail { template, ..detail(issue, reporter, assignee, tags, 0, &page) })
}

/// One issue, if `actor` may see it: triagers see any, reporters their own (404 otherwise).
pub async fn get_issue(db: &impl ConnectionTrait, actor: &CurrentUser, issue_id: i64) -> Result<IssueDetail, AppError> {
    visible_issue(db, actor, issue_id).await?;
    load_detail(db, issue_id).await
}

/// Edits the title and description: the reporter of the issue or an admin, at `version`.
/// Each changed field is recorded, in the same transaction as the edit.
pub async fn update_issue(
    db: &(impl ConnectionTrait + TransactionTrait),
    events: &Events,
    actor: &CurrentUser,
    issue_id: i64,
    version: i64,
    title: &str,
    description: &str,
) -> Result<IssueDetail, AppError> {
    let (title, description) = parse_content(title, description)?;
    let txn = crate::server::db::begin_write(db).await?;
    let issue = visible_issue(&txn, actor, issue_id).await?;
    if issue.reporter_id != actor.id && !actor.is_admin() {
        return Err(AppError::Forbidden);
    }
    if issue.version != version {
        return Err(AppError::StaleVersion { current_version: issue.version });
    }
    let update = at_version(issue_id, version)
        .col_expr(issues::Column::Title, Expr::value(title.clone()))
        .col_expr(issues::Column::Description, Expr::value(description.clone()));
    apply(&txn, version, update).await?;
    let mut told = Told::nobody();
    if issue.title != title {
        told = told.and(record(&txn, events, issue_id, actor.id, Change::Title { from: issue.title.clone(), to: title.clone() }).await?);
    }
    if issue.description != description {
        told = told.and(record(&txn, events, issue_id, actor.id, Change::Description { from: issue.description.clone(), to: description.clone() }).await?);
    }
    txn.commit().await?;
    announce(events, &issue, version + 1, IssueChange::Updated, &told);
    get_issue(db, actor, issue_id).await
}

/// Hides an issue from every list, page and count (admins only); it can be restored.
pub async fn delete_issue(db: &(impl ConnectionTrait + TransactionTrait), events: &Events, actor: &CurrentUser, issue_id: i64) -> Result<(), AppError> {
    set_deleted(db, events, actor, issue_id, None, true).await
}

/// [`delete_issue`], if the issue is still at `version` (a bulk change's check).
pub async fn delete_issue_at(db: &(impl ConnectionTrait + TransactionTrait), events: &Events, actor: &CurrentUser, issue_id: i64, version: i64) -> Result<(), AppError> {
    set_deleted(db, events, actor, issue_id, Some(version), true).await
}

/// Brings a deleted issue back (admins only).
pub async fn restore_issue(db: &(impl ConnectionTrait + TransactionTrait), events: &Events, actor: &CurrentUser, issue_id: i64) -> Result<(), AppError> {
    set_deleted(db, events, actor, issue_id, None, false).await
}

async fn set_deleted(
    db: &(impl ConnectionTrait + TransactionTrait),
    events: &Events,
    actor: &CurrentUser,
    issue_id: i64,
    expected_version: Option<i64>,
    deleted: bool,
) -> Result<(), AppError> {
    if let Err(forbidden) = access::require_admin(actor) {
        // Reporters learn nothing about issues that are not theirs.
        let scope = access::IssueScope::of(actor);
        let seen = scope == access::IssueScope::Every
            || issues::Entity::find_by_id(issue_id).one(db).await?.is_some_and(|i| scope.covers(i.reporter_id));
        return Err(if seen { forbidden } else { AppError::NotFound });
    }
    let txn = crate::server::db::begin_write(db).await?;
    let issue = issues::Entity::find_by_id(issue_id).one(&txn).await?.ok_or(AppError::NotFound)?;
    if let Some(expected) = expected_version
        && expected != issue.version
    {
        return Err(AppError::StaleVersion { current_version: issue.version });
    }
    if issue.deleted_at.is_some() == deleted {
        return Err(AppError::Conflict(if deleted { "the issue is already deleted".into() } else { "the issue is not deleted".into() }));
    }
    let now = Utc::now();
    let update = at_version(issue_id, issue.version).col_expr(issues::Column::DeletedAt, Expr::value(deleted.then_some(now)));
    apply(&txn, issue.version, update).await?;
    let told = record(&txn, events, issue_id, actor.id, if deleted { Change::Deleted } else { Change::Restored }).await?;
    let action = if deleted { AuditAction::IssueDeleted } else { AuditAction::IssueRestored };
    let event = crate::audit_log::Event::new(actor, action).target(format!("issue {issue_id}")).details(serde_json::json!({ "title": issue.title }));
    crate::audit_log::append(&txn, event).await?;
    txn.commit().await?;
    announce(events, &issue, issue.version + 1, if deleted { IssueChange::Deleted } else { IssueChange::Restored }, &told);
    Ok(())
}

async fn link_tags(txn: &impl ConnectionTrait, issue_id: i64, tags: &[Tag]) -> Result<(), AppError> {
    issue_tags::Entity::insert_many(tags.iter().map(|tag| issue_tags::ActiveModel { issue_id: Set(issue_id), tag_id: Set(tag.id) }))
        .exec_without_returning(txn)
        .await?;
    Ok(())
}

/// Records that an issue's tags went from `from` to `to` and bumps its version, inside the
/// caller's transaction (the tag rows themselves are the caller's to change).
pub(crate) async fn record_tag_change(txn: &impl ConnectionTrait, events: &Events, actor: &CurrentUser, issue_id: i64, from: &[Tag], to: &[Tag]) -> Result<Told, AppError> {
    issues::Entity::update_many()
        .col_expr(issues::Column::Version, Expr::col(issues::Column::Version).add(1))
        .col_expr(issues::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(issues::Column::Id.eq(issue_id))
        .exec(txn)
        .await?;
    record(txn, events, issue_id, actor.id, Change::Tags { from: names(from), to: names(to) }).await
}

/// The tags' names, as the history records them.
fn names(tags: &[Tag]) -> Vec<String> {
    tags.iter().map(|t| t.name.clone()).collect()
}

/// An update of issue `issue_id` that moves it to the next version, and applies only while
/// it is still at `version`: the version in the WHERE clause makes the check and the write one step.
fn at_version(issue_id: i64, version: i64) -> sea_orm::UpdateMany<issues::Entity> {
    issues::Entity::update_many()
        .col_expr(issues::Column::Version, Expr::value(version + 1))
        .col_expr(issues::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(issues::Column::Id.eq(issue_id))
        .filter(issues::Column::Version.eq(version))
}

/// Runs a versioned update; no row changed means someone else saved first.
async fn apply(txn: &impl ConnectionTrait, version: i64, update: sea_orm::UpdateMany<issues::Entity>) -> Result<(), AppError> {
    if update.exec(txn).await?.rows_affected == 1 {
        Ok(())
    } else {
        Err(AppError::StaleVersion { current_version: version + 1 })
    }
}

/// Replaces an issue's tags (maintainers and admins), if it is still at `version`.
/// A reporter gets 403 on their own issue and 404 on anyone else's.
pub async fn set_issue_tags(
    db: &(impl ConnectionTrait + TransactionTrait),
    events: &Events,
    actor: &CurrentUser,
    issue_id: i64,
    version: i64,
    tag_ids: &[i64],
) -> Result<IssueSummary, AppError> {
    let txn = crate::server::db::begin_write(db).await?;
    let issue = for_triage(&txn, actor, issue_id, version).await?;
    let next = super::tagging::resolve(&txn, tag_ids).await?;
    let current = super::tagging::tags_of(&txn, &[issue_id]).await?.remove(&issue_id).unwrap_or_default();
    let mut told = Told::nobody();
    if current != next {
        apply(&txn, version, at_version(issue_id, version)).await?;
        issue_tags::Entity::delete_many().filter(issue_tags::Column::IssueId.eq(issue_id)).exec(&txn).await?;
        if !next.is_empty() {
            link_tags(&txn, issue_id, &next).await?;
        }
        told = record(&txn, events, issue_id, actor.id, Change::Tags { from: names(&current), to: names(&next) }).await?;
    }
    let summary = load_detail(&txn, issue_id).await?.summary;
    txn.commit().await?;
    if summary.version != version {
        announce(events, &issue, summary.version, IssueChange::Updated, &told);
    }
    Ok(summary)
}

/// Tells open sockets that `issue` (for an update, as read before it) changed and is now at `version`, and the people the change
/// notified that their inbox changed, once the change has committed; wakes the mail sender when
/// the change queued mail.
pub(crate) fn announce(events: &Events, issue: &issues::Model, version: i64, change: IssueChange, told: &Told) {
    let inboxes = told.people().chunks(crate::server::events::INBOX_CHUNK).map(|user_ids| Notice::Inbox { user_ids: user_ids.to_vec() });
    // An update is announced with the issue as read before it.
    let before = (change == IssueChange::Updated).then_some(crate::live::Listed { status: issue.status, severity: issue.severity, assignee_id: issue.assignee_id });
    events.publish_all(std::iter::once(Notice::Issue { issue_id: issue.id, reporter_id: issue.reporter_id, version, change, before }).chain(inboxes).collect());
    if told.mailed() {
        events.mail().wake();
    }
}
