//! Demo data, so that a new instance has something to show (`server seed-demo`), and generated
//! data for the benchmark (`server seed-bench`, in [`bench`]).
pub mod bench;

use app::{
    activity::{model::Change, service::row},
    domain::{Role, Severity, Status, TagColour},
    server::entities::{issue_events, issue_tags, issues, tags, users},
};
use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, Set,
    TransactionTrait,
};

/// The demo reporter's address.
pub const DEMO_REPORTER: &str = "demo.reporter@example.com";

/// The demo tag list.
const DEMO_TAGS: &[(&str, TagColour)] = &[("bug", TagColour::Red), ("ui", TagColour::Violet), ("auth", TagColour::Amber), ("export", TagColour::Teal)];

/// (title, description, severity, status, hours ago, tags)
const DEMO_ISSUES: &[(&str, &str, Severity, Status, i64, &[&str])] = &[
    ("Checkout button does nothing on Safari 17", "Clicking **Pay now** on Safari 17.4 has no effect; Chrome works.", Severity::High, Status::Open, 2, &["bug", "ui"]),
    ("Login fails for SSO users after a password reset", "Users who reset their password are sent back to the login page.", Severity::Critical, Status::InProgress, 30, &["auth", "bug"]),
    ("CSV export drops the last row", "The exported file is missing the final line of the table.", Severity::Medium, Status::Triaged, 50, &["export"]),
    ("Chart labels are unreadable in dark mode", "Axis labels stay black on the dark background.", Severity::Low, Status::Open, 75, &["ui"]),
    ("Typo on the pricing page", "\"Anual\" should read \"Annual\".", Severity::Low, Status::Done, 120, &[]),
];

/// Inserts the demo issues into a database that has none, in one transaction.
/// Returns how many were inserted (zero when issues already exist).
pub async fn demo(db: &DatabaseConnection) -> Result<usize, DbErr> {
    if issues::Entity::find().count(db).await? > 0 {
        return Ok(0);
    }
    let txn = db.begin().await?;
    let now = Utc::now();
    let reporter = match users::Entity::find().filter(users::Column::Email.eq(DEMO_REPORTER)).one(&txn).await? {
        Some(user) => user,
        None => {
            let (handle, display_name) = app::people::service::identity_for(&txn, DEMO_REPORTER).await?;
            users::ActiveModel {
                email: Set(DEMO_REPORTER.to_owned()),
                handle: Set(handle),
                display_name: Set(display_name),
                hashed_password: Set(None),
                google_id: Set(None),
                role: Set(Role::Reporter),
                created_at: Set(now - Duration::days(7)),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    let mut tag_ids = Vec::new();
    for (name, colour) in DEMO_TAGS {
        let existing = tags::Entity::find().filter(tags::Column::NameKey.eq(*name)).one(&txn).await?;
        let tag = match existing {
            Some(tag) => tag,
            None => {
                let tag = tags::ActiveModel { name: Set((*name).to_owned()), name_key: Set((*name).to_owned()), colour: Set(*colour), created_at: Set(now), ..Default::default() };
                tag.insert(&txn).await?
            }
        };
        tag_ids.push((*name, tag.id));
    }
    for (title, description, severity, status, hours_ago, issue_tags) in DEMO_ISSUES {
        let at = now - Duration::hours(*hours_ago);
        let issue = issues::ActiveModel {
            title: Set((*title).to_owned()),
            description: Set((*description).to_owned()),
            severity: Set(*severity),
            status: Set(*status),
            reporter_id: Set(reporter.id),
            created_at: Set(at),
            updated_at: Set(at),
            version: Set(1),
            deleted_at: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        for name in *issue_tags {
            let tag_id = tag_ids.iter().find(|(n, _)| n == name).map(|(_, id)| *id).expect("demo tags cover the demo issues");
            issue_tags::ActiveModel { issue_id: Set(issue.id), tag_id: Set(tag_id) }.insert(&txn).await?;
        }
        // Its history, as a filing through the app writes it: the timeline starts with "filed".
        let mut history = vec![row(issue.id, reporter.id, Change::Created { title: (*title).to_owned() }, at)];
        if !issue_tags.is_empty() {
            history.push(row(issue.id, reporter.id, Change::Tags { from: Vec::new(), to: issue_tags.iter().map(|t| (*t).to_owned()).collect() }, at));
        }
        issue_events::Entity::insert_many(history).exec_without_returning(&txn).await?;
    }
    txn.commit().await?;
    Ok(DEMO_ISSUES.len())
}
