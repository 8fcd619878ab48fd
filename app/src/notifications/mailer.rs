//! Notifications by mail. A change's transaction queues the mail of each notification whose
//! person wants it at once, as a [`MailNotice`] (the few facts its bodies are made from), and
//! marks the ones waiting for a daily digest (`digest_due`); the mailer turns those into one
//! digest per person. The outbox's worker sends both, writing a notice's bodies just before it
//! sends ([`prepare`]) and checking again that the person may still see the issue. Each mail
//! says why it was sent and carries a signed one-click unsubscribe for its kind.
use super::{model::action, service::set_delivery};
use crate::{
    activity::notify::may_hear,
    domain::{Delivery, MailPurpose, NotificationKind, NotificationReason},
    error::AppError,
    server::{
        AppState,
        entities::{issues, mail_outbox, notifications, users},
        mail::{OutgoingMail, enqueue_all, escape_html},
        tokens,
    },
};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Expr};
use std::collections::{BTreeMap, HashMap};

/// The audience of unsubscribe tokens.
const UNSUBSCRIBE: &str = "unsubscribe";
/// How long an unsubscribe link in a mail keeps working.
const UNSUBSCRIBE_TTL_SECS: i64 = 400 * 24 * 3600;
/// How many notifications one pass of the mailer takes.
const BATCH: u64 = 200;

/// Whether this server sends mail.
pub fn email_enabled(state: &AppState) -> bool {
    state.settings.mail.enabled()
}

/// The address the site is reached at, without a trailing slash.
fn site(state: &AppState) -> String {
    state.settings.mail.base_url.clone()
}

/// A signed token that sets `kind` to in-app only for account `user_id`, and only that.
pub fn unsubscribe_token(state: &AppState, user_id: i64, kind: NotificationKind) -> String {
    tokens::seal(&state.settings.secret_key, UNSUBSCRIBE, &(user_id, kind), UNSUBSCRIBE_TTL_SECS)
}

/// Follows an unsubscribe link: the kind it names now arrives in the app only. A token that
/// was edited, or has expired, is refused with 422.
pub async fn unsubscribe(state: &AppState, token: &str) -> Result<NotificationKind, AppError> {
    let (user_id, kind): (i64, NotificationKind) =
        tokens::open(&state.settings.secret_key, UNSUBSCRIBE, token).ok_or_else(|| AppError::field("token", "this unsubscribe link is not valid; change your settings in the app instead"))?;
    set_delivery(&state.db, user_id, kind, Delivery::InApp).await?;
    Ok(kind)
}

/// What a notification's mail is made from: queued with the change that caused it (as JSON, in
/// the outbox row's `notice`), and written into bodies by the sender.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MailNotice {
    pub kind: NotificationKind,
    pub reason: NotificationReason,
    /// The value the change set, in the UI's words.
    pub detail: String,
    /// The name of whoever made the change, as it was then.
    pub actor: String,
    /// The history row and the comment the mail links to.
    pub event_id: Option<i64>,
    pub comment_id: Option<i64>,
}

impl MailNotice {
    /// The notice of inbox row `row`, made by `actor`.
    fn of(row: &notifications::Model, actor: String) -> MailNotice {
        MailNotice { kind: row.kind, reason: row.reason, detail: row.detail.clone(), actor, event_id: row.event_id, comment_id: row.comment_id }
    }

    /// What the mail says happened: "Mo changed the status to In progress".
    fn what(&self) -> String {
        format!("{} {}", self.actor, action(self.kind, &self.detail))
    }
}

/// The mail of `notice` about `issue` to `user`, as a change's transaction queues it: its subject
/// now, its bodies when it is sent.
pub fn notice_mail(user: &users::Model, issue: &issues::Model, notice: &MailNotice) -> OutgoingMail {
    OutgoingMail {
        user_id: Some(user.id),
        issue_id: Some(issue.id),
        to: user.email.clone(),
        subject: notice_subject(issue, notice),
        text: String::new(),
        html: String::new(),
        unsubscribe: None,
        purpose: MailPurpose::Notification,
        notice: Some(serde_json::to_string(notice).expect("a notice serializes")),
    }
}

/// A notification mail's subject: "#12 Crash on save: Mo changed the status to In progress".
fn notice_subject(issue: &issues::Model, notice: &MailNotice) -> String {
    format!("{}: {}", issue_line("", issue).0, notice.what())
}

/// A mail ready for the outbox.
struct Letter {
    subject: String,
    text: String,
    html: String,
    unsubscribe: Option<String>,
    /// The one issue it is about (a digest is about several, checked when it is made).
    issue_id: Option<i64>,
}

/// One notification as a mail's line needs it.
struct Line {
    issue: issues::Model,
    actor: String,
    row: notifications::Model,
}

fn issue_line(site: &str, issue: &issues::Model) -> (String, String) {
    (format!("#{} {}", issue.id, issue.title), format!("{site}/issues/{}", issue.id))
}

/// Where a notification about `issue_id` opens the issue: at its comment, at its change, or at
/// the top.
fn link(site: &str, issue_id: i64, comment_id: Option<i64>, event_id: Option<i64>) -> String {
    match (comment_id, event_id) {
        (Some(comment), _) => format!("{site}/issues/{issue_id}#comment-{comment}"),
        (None, Some(event)) => format!("{site}/issues/{issue_id}#event-{event}"),
        (None, None) => format!("{site}/issues/{issue_id}"),
    }
}

/// The text and HTML bodies and the one-click unsubscribe address of the mail for one
/// notification, written just before it is sent (its subject was written when it was queued).
fn single(state: &AppState, user: &users::Model, issue: &issues::Model, notice: &MailNotice) -> (String, String, String) {
    let site = site(state);
    let (issue_text, _) = issue_line(&site, issue);
    let href = link(&site, issue.id, notice.comment_id, notice.event_id);
    let why = notice.reason.label();
    let token = unsubscribe_token(state, user.id, notice.kind);
    // The header's address takes the mail client's one-click POST; the one in the text opens a
    // page that asks first (a link followed by a scanner must not unsubscribe anyone).
    let one_click = format!("{site}/api/v1/unsubscribe?token={token}");
    let unsubscribe = format!("{site}/unsubscribe?token={token}");
    let settings = format!("{site}/settings/notifications");
    let what = notice.what();
    let text = format!(
        "{what} on {issue_text}.\n\nOpen the issue: {href}\n\nYou are getting this because {why}.\nChoose how you hear about {kind}: {settings}\nStop these mails: {unsubscribe}\n",
        kind = notice.kind.label().to_lowercase(),
    );
    let html = format!(
        "<p>{what} on <a href=\"{href}\">{issue}</a>.</p><p><a href=\"{href}\">Open the issue</a></p>\
         <p style=\"color:#64748b;font-size:12px\">You are getting this because {why}. <a href=\"{settings}\">Choose how you hear about {kind}</a> · <a href=\"{unsubscribe}\">Stop these mails</a></p>",
        what = escape_html(&what),
        href = escape_html(&href),
        issue = escape_html(&issue_text),
        kind = notice.kind.label().to_lowercase(),
        settings = escape_html(&settings),
        unsubscribe = escape_html(&unsubscribe),
    );
    (text, html, one_click)
}

/// One digest mail for `lines` (newest first), grouped per issue.
fn digest(state: &AppState, lines: &[Line]) -> Letter {
    let site = site(state);
    let mut by_issue: BTreeMap<i64, Vec<&Line>> = BTreeMap::new();
    for line in lines {
        by_issue.entry(line.issue.id).or_default().push(line);
    }
    let settings = format!("{site}/settings/notifications");
    let mut text = format!("{} notifications about {} issues since your last digest.\n", lines.len(), by_issue.len());
    let mut html = format!("<p>{} notifications about {} issues since your last digest.</p>", lines.len(), by_issue.len());
    for group in by_issue.values() {
        let (issue_text, href) = issue_line(&site, &group[0].issue);
        text.push_str(&format!("\n{issue_text}\n{href}\n"));
        html.push_str(&format!("<h3><a href=\"{}\">{}</a></h3><ul>", escape_html(&href), escape_html(&issue_text)));
        for line in group {
            let what = format!("{} {} ({})", line.actor, action(line.row.kind, &line.row.detail), line.row.created_at.format("%b %-d, %H:%M UTC"));
            text.push_str(&format!("  - {what}\n"));
            html.push_str(&format!("<li><a href=\"{}\">{}</a></li>", escape_html(&link(&site, line.issue.id, line.row.comment_id, line.row.event_id)), escape_html(&what)));
        }
        html.push_str("</ul>");
    }
    text.push_str(&format!("\nYou are getting this daily digest because you chose it. Change that: {settings}\n"));
    html.push_str(&format!("<p style=\"color:#64748b;font-size:12px\">You are getting this daily digest because you chose it. <a href=\"{}\">Change that</a></p>", escape_html(&settings)));
    let subject = format!("Your daily digest: {} notifications about {} issues", lines.len(), by_issue.len());
    Letter { subject, text, html, unsubscribe: None, issue_id: None }
}

/// `letter` to `user`, as the outbox takes it.
fn outgoing(user: &users::Model, letter: Letter, purpose: MailPurpose) -> OutgoingMail {
    OutgoingMail {
        user_id: Some(user.id),
        issue_id: letter.issue_id,
        to: user.email.clone(),
        subject: letter.subject,
        text: letter.text,
        html: letter.html,
        unsubscribe: letter.unsubscribe,
        purpose,
        notice: None,
    }
}

/// The notifications in `rows` with what a mail needs, grouped by the person they are for;
/// ones about issues the person may no longer see are left out.
async fn gather(db: &impl ConnectionTrait, rows: Vec<notifications::Model>) -> Result<Vec<(users::Model, Vec<Line>)>, AppError> {
    let mut ids: Vec<i64> = rows.iter().flat_map(|row| [row.user_id, row.actor_id]).collect();
    ids.sort_unstable();
    ids.dedup();
    let (people, issues) = accounts_and_issues(db, ids, rows.iter().map(|row| row.issue_id)).await?;
    let mut by_user: BTreeMap<i64, Vec<Line>> = BTreeMap::new();
    for row in rows {
        let (Some(user), Some(issue)) = (people.get(&row.user_id), issues.get(&row.issue_id)) else { continue };
        if !may_hear(user, issue) {
            continue;
        }
        let actor = people.get(&row.actor_id).map(|a| a.display_name.clone()).unwrap_or_else(|| "Someone".into());
        by_user.entry(row.user_id).or_default().push(Line { issue: issue.clone(), actor, row });
    }
    Ok(by_user.into_iter().filter_map(|(user_id, lines)| Some((people.get(&user_id)?.clone(), lines))).collect())
}

/// The accounts with `user_ids` and the issues with `issue_ids`, by id: what deciding who may
/// hear about what reads. Two queries.
async fn accounts_and_issues(
    db: &impl ConnectionTrait,
    user_ids: impl IntoIterator<Item = i64>,
    issue_ids: impl IntoIterator<Item = i64>,
) -> Result<(HashMap<i64, users::Model>, HashMap<i64, issues::Model>), sea_orm::DbErr> {
    let people = users::Entity::find().filter(users::Column::Id.is_in(user_ids)).all(db).await?.into_iter().map(|u| (u.id, u)).collect();
    let issues = issues::Entity::find().filter(issues::Column::Id.is_in(issue_ids)).all(db).await?.into_iter().map(|i| (i.id, i)).collect();
    Ok((people, issues))
}

/// Clears the flag on `ids` that `column` is, in `txn`.
async fn clear(txn: &impl ConnectionTrait, ids: Vec<i64>, column: notifications::Column) -> Result<(), AppError> {
    notifications::Entity::update_many().col_expr(column, Expr::value(false)).filter(notifications::Column::Id.is_in(ids)).exec(txn).await?;
    Ok(())
}

/// `column` is true, written as the bare column: the mailer's flags have partial indexes
/// (`WHERE email_due`, `WHERE digest_due`), and SQLite uses one only when the query names the
/// index's condition as it is written; `email_due = 1` makes it read the whole table.
pub(super) fn flag(column: notifications::Column) -> sea_orm::sea_query::SimpleExpr {
    Expr::col((notifications::Entity, column)).into()
}

/// The next notifications due by mail at once, oldest first.
pub fn due_by_email() -> sea_orm::Select<notifications::Entity> {
    notifications::Entity::find().filter(flag(notifications::Column::EmailDue)).order_by_asc(notifications::Column::Id).limit(BATCH)
}

/// The people with notifications waiting for a digest made before `cutoff`.
pub fn waiting_for_digest(cutoff: DateTime<Utc>) -> sea_orm::Select<notifications::Entity> {
    notifications::Entity::find()
        .select_only()
        .column(notifications::Column::UserId)
        .distinct()
        .filter(flag(notifications::Column::DigestDue))
        .filter(notifications::Column::CreatedAt.lt(cutoff))
}

/// Turns notifications still marked due by mail at once (a change now queues its mail itself;
/// these were marked by an earlier version) into outbox mail; returns how many mails.
pub async fn mail_due(state: &AppState) -> Result<usize, AppError> {
    let rows = due_by_email().all(&state.db).await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    // Read and written before the transaction, which then only claims and queues: on SQLite it
    // holds the one write lock that filings wait for.
    let mut mails = Vec::new();
    if email_enabled(state) {
        for (user, lines) in gather(&state.db, rows).await? {
            mails.extend(lines.iter().map(|line| notice_mail(&user, &line.issue, &MailNotice::of(&line.row, line.actor.clone()))));
        }
    }
    let txn = crate::server::db::begin_write(&state.db).await?;
    // Claimed in the same transaction that queues them: another instance finds them cleared.
    let claimed = notifications::Entity::update_many()
        .col_expr(notifications::Column::EmailDue, Expr::value(false))
        .filter(notifications::Column::Id.is_in(ids.clone()))
        .filter(flag(notifications::Column::EmailDue))
        .exec(&txn)
        .await?
        .rows_affected;
    if claimed != ids.len() as u64 {
        // Another instance took some of them first: leave this batch to it.
        return Ok(0);
    }
    let queued = mails.len();
    enqueue_all(&txn, &state.settings.mail, mails).await?;
    txn.commit().await?;
    if queued > 0 {
        state.settings.mail.wake();
    }
    Ok(queued)
}

/// Sends each person one digest of the notifications waiting for it since before `cutoff`
/// (the day's digest time); returns how many digests.
pub async fn mail_digests(state: &AppState, cutoff: DateTime<Utc>) -> Result<usize, AppError> {
    let users: Vec<i64> = waiting_for_digest(cutoff).into_tuple().all(&state.db).await?;
    let mut sent = 0;
    for user_id in users {
        let txn = crate::server::db::begin_write(&state.db).await?;
        let rows = notifications::Entity::find()
            .filter(notifications::Column::UserId.eq(user_id))
            .filter(flag(notifications::Column::DigestDue))
            .filter(notifications::Column::CreatedAt.lt(cutoff))
            .order_by_desc(notifications::Column::Id)
            .all(&txn)
            .await?;
        let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
        clear(&txn, ids, notifications::Column::DigestDue).await?;
        if email_enabled(state) {
            let digests: Vec<OutgoingMail> = gather(&txn, rows).await?.into_iter().map(|(user, lines)| outgoing(&user, digest(state, &lines), MailPurpose::Digest)).collect();
            sent += digests.len();
            enqueue_all(&txn, &state.settings.mail, digests).await?;
        }
        txn.commit().await?;
    }
    if sent > 0 {
        state.settings.mail.wake();
    }
    Ok(sent)
}

/// Readies the claimed mails `rows` for sending: the ones about an issue go only to someone
/// who may still see it (not deactivated, the issue not deleted, the role that showed it not
/// lost), checked as things are now, not as they were when the mail was queued; a notification's
/// mail gets its bodies and unsubscribe link written from its notice. Returns the mails to send;
/// the sender withdraws the rest.
pub async fn prepare(state: &AppState, rows: Vec<mail_outbox::Model>) -> Result<Vec<mail_outbox::Model>, sea_orm::DbErr> {
    let about: Vec<(i64, i64)> = rows.iter().filter_map(|row| Some((row.user_id?, row.issue_id?))).collect();
    if about.is_empty() {
        return Ok(rows);
    }
    let (people, issues) = accounts_and_issues(&state.db, about.iter().map(|a| a.0), about.iter().map(|a| a.1)).await?;
    Ok(rows
        .into_iter()
        .filter_map(|mut row| {
            let (Some(user_id), Some(issue_id)) = (row.user_id, row.issue_id) else { return Some(row) };
            let (user, issue) = (people.get(&user_id)?, issues.get(&issue_id)?);
            if !may_hear(user, issue) {
                return None;
            }
            if let Some(notice) = row.notice.as_deref() {
                let Ok(notice) = serde_json::from_str::<MailNotice>(notice) else {
                    tracing::error!(outbox_id = row.id, "a queued notification mail cannot be read; it is withdrawn");
                    return None;
                };
                let (text, html, one_click) = single(state, user, issue, &notice);
                (row.text_body, row.html_body, row.unsubscribe) = (text, html, Some(one_click));
            }
            Some(row)
        })
        .collect())
}
