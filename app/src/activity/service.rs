//! Recording and reading `issue_events`. Writers call [`record`] inside the transaction that
//! makes the change, so a change and its history land together or not at all.
use super::model::{Activity, Change, EventKind};
use super::notify::{self, Cast, Told};
use crate::{
    domain::Status,
    error::AppError,
    people::{model::Person, service::by_ids},
    server::{
        entities::{issue_events, issues},
        events::Events,
    },
};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set, sea_query::SelectStatement};

/// The history row for `change` to issue `issue_id` by user `actor_id` at `at`, not yet
/// inserted (bulk seeding inserts many at once).
pub fn row(issue_id: i64, actor_id: i64, change: Change, at: DateTime<Utc>) -> issue_events::ActiveModel {
    let (kind, from, to) = change.into_stored();
    issue_events::ActiveModel {
        issue_id: Set(issue_id),
        actor_id: Set(actor_id),
        kind: Set(kind.as_str().to_owned()),
        from_value: Set(from),
        to_value: Set(to),
        created_at: Set(at),
        ..Default::default()
    }
}

/// Records `change` to issue `issue_id` by user `actor_id`, now, inside the caller's
/// transaction, with the notifications it causes and the mail they are due (queued as `events`
/// says); returns who they went to, for the caller to announce on `events` once the transaction
/// commits.
pub async fn record(txn: &impl ConnectionTrait, events: &Events, issue_id: i64, actor_id: i64, change: Change) -> Result<Told, AppError> {
    let event = row(issue_id, actor_id, change.clone(), Utc::now()).insert(txn).await?;
    notify::on_change(txn, events.mail(), issue_id, actor_id, event.id, &change).await
}

/// Records the filing of `issue` by `actor_id`: its `created` event and the changes that came
/// with it (its tags, its owner), in that order, with the watchers and notifications they cause,
/// told to the people `cast` read before the transaction. All of it goes to the database in one
/// round trip: on SQLite the write lock is held meanwhile, so a filing that notifies costs about
/// what one that does not. Its notifications link to the issue itself.
pub async fn record_filing(txn: &impl ConnectionTrait, events: &Events, issue: &issues::Model, actor_id: i64, with: Vec<Change>, cast: &Cast) -> Result<Told, AppError> {
    let created = Change::Created { title: issue.title.clone() };
    let now = Utc::now();
    let rows = std::iter::once(created.clone()).chain(with).map(|change| row(issue.id, actor_id, change, now));
    let history = issue_events::Entity::insert_many(rows).into_query();
    let tidings = notify::tidings(txn, events.mail(), issue, actor_id, None, &created, Some(cast)).await?;
    crate::server::db::insert_together(txn, std::iter::once(history).chain(tidings.inserts).collect()).await?;
    Ok(tidings.told)
}

/// Issue `issue_id`'s history as its timeline shows it, oldest first: comment activity is left
/// out (the comments show it), and a description change says only that it changed (one can be
/// 64 KiB; the issue shows the text). Callers check that the reader may see the issue.
pub async fn timeline(db: &impl ConnectionTrait, issue_id: i64) -> Result<Vec<Activity>, AppError> {
    let hidden: Vec<EventKind> = EventKind::ALL.iter().copied().filter(|k| k.shown_as_comment()).collect();
    let events = issue_events::Entity::find()
        .filter(issue_events::Column::IssueId.eq(issue_id))
        .filter(issue_events::Column::Kind.is_not_in(hidden))
        .order_by_asc(issue_events::Column::Id)
        .all(db)
        .await?;
    // Assignments store account ids; the timeline shows the people's names instead.
    let mut ids: Vec<i64> = Vec::with_capacity(events.len());
    for event in &events {
        ids.push(event.actor_id);
        if event.kind == EventKind::Assigned.as_str() {
            ids.extend([stored_id(&event.from_value), stored_id(&event.to_value)].into_iter().flatten());
        }
    }
    let people = by_ids(db, ids).await?;
    let name = |value: Option<String>| {
        let id = stored_id(&value)?;
        Some(people.get(&id).cloned().unwrap_or_else(|| Person::unknown(id)).named())
    };
    Ok(events
        .into_iter()
        .filter_map(|event| {
            // A kind this version does not know is left out rather than shown wrongly.
            let kind: EventKind = event.kind.parse().ok()?;
            let keep = kind != EventKind::Description;
            let (from, to) = match kind {
                EventKind::Assigned => (name(event.from_value), name(event.to_value)),
                _ => (event.from_value.filter(|_| keep), event.to_value.filter(|_| keep)),
            };
            Some(Activity {
                id: event.id,
                actor: people.get(&event.actor_id).cloned().unwrap_or_else(|| Person::unknown(event.actor_id)),
                kind,
                from,
                to,
                at: event.created_at,
            })
        })
        .collect())
}

/// An account id as an assignment stores it.
fn stored_id(value: &Option<String>) -> Option<i64> {
    value.as_deref().and_then(|v| v.parse().ok())
}

/// A change as read back, with its issue and time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub issue_id: i64,
    pub at: DateTime<Utc>,
    pub change: Change,
}

/// Every status and severity change, oldest first (ties in the order recorded); only of the
/// issues `issues` selects (their ids) when given.
pub async fn triage_changes(db: &impl ConnectionTrait, issues: Option<SelectStatement>) -> Result<Vec<Recorded>, AppError> {
    let mut query = issue_events::Entity::find()
        .select_only()
        .columns([issue_events::Column::IssueId, issue_events::Column::Kind, issue_events::Column::FromValue, issue_events::Column::ToValue, issue_events::Column::CreatedAt])
        .filter(issue_events::Column::Kind.is_in([EventKind::Status, EventKind::Severity]))
        .order_by_asc(issue_events::Column::CreatedAt)
        .order_by_asc(issue_events::Column::Id);
    if let Some(issues) = issues {
        query = query.filter(issue_events::Column::IssueId.in_subquery(issues));
    }
    let rows: Vec<(i64, String, Option<String>, Option<String>, DateTime<Utc>)> = query.into_tuple().all(db).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(issue_id, kind, from, to, at)| Some(Recorded { issue_id, at, change: Change::from_stored(kind.parse().ok()?, from, to)? }))
        .collect())
}

/// Each time one of the issues `issues` selects (their ids) moved to `status` since `since`:
/// the issue and when.
pub async fn moves_to(db: &impl ConnectionTrait, status: Status, since: DateTime<Utc>, issues: SelectStatement) -> Result<Vec<(i64, DateTime<Utc>)>, AppError> {
    // Stored as a status change, in the words the change is stored in.
    let (kind, _, to) = Change::Status { from: status, to: status }.into_stored();
    Ok(issue_events::Entity::find()
        .select_only()
        .columns([issue_events::Column::IssueId, issue_events::Column::CreatedAt])
        .filter(issue_events::Column::Kind.eq(kind))
        .filter(issue_events::Column::ToValue.eq(to))
        .filter(issue_events::Column::CreatedAt.gte(since))
        .filter(issue_events::Column::IssueId.in_subquery(issues))
        .into_tuple()
        .all(db)
        .await?)
}
