//! Who hears about a recorded change: the watchers, the assignee and the people mentioned,
//! each as they chose (in the app only, by email at once, or in a daily digest). It runs inside
//! the writer's transaction, so a change, its notifications and the mail they are due (queued in
//! the outbox) land together or not at all.
//!
//! Watching: the reporter and the assignee watch an issue without a row saying so; commenting,
//! being assigned or being mentioned adds a row. A row can also say someone chose not to watch,
//! or muted the issue (then only a direct mention reaches them).
use super::model::Change;
use crate::{
    access::IssueScope,
    domain::{Delivery, NotificationKind, NotificationReason, WatchState},
    error::AppError,
    notifications::mailer::{MailNotice, notice_mail},
    server::{
        entities::{comments, issue_watchers, issues, notification_prefs, notifications, users},
        mail::{MailSettings, queue_statement},
        markdown::mentioned,
    },
};
use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QueryTrait, Set, sea_query::OnConflict};
use std::collections::{BTreeSet, HashMap};

/// The people whose inbox a recorded change added to, to be told live once it commits, and
/// whether it queued mail (the sender is woken for it then).
#[must_use = "announce the change with the people it told"]
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Told {
    people: Vec<i64>,
    mailed: bool,
}

impl Told {
    /// Nobody.
    pub fn nobody() -> Told {
        Told::default()
    }

    /// These people and those `other` told.
    pub fn and(mut self, other: Told) -> Told {
        self.people.extend(other.people);
        self.people.sort_unstable();
        self.people.dedup();
        self.mailed |= other.mailed;
        self
    }

    /// The people told, by account id.
    pub fn people(&self) -> &[i64] {
        &self.people
    }

    /// Whether the change queued mail.
    pub fn mailed(&self) -> bool {
        self.mailed
    }
}

/// How someone is told about `kind` when they have not chosen: at once by email for what is
/// addressed to them (assigned, mentioned) and for status changes; in the daily digest for the
/// rest.
pub fn default_delivery(kind: NotificationKind) -> Delivery {
    match kind {
        NotificationKind::Assigned | NotificationKind::Mention | NotificationKind::Status => Delivery::Email,
        NotificationKind::Severity | NotificationKind::Comment => Delivery::Digest,
    }
}

/// What a change tells, and to whom besides the people it mentions.
struct Plan {
    /// Told to every watcher (but the actor), or only to `only`.
    kind: Option<NotificationKind>,
    /// The value the change set, in the UI's words (a status or severity's label).
    detail: String,
    only: Option<i64>,
    /// Whoever this makes a watcher: the commenter, the new assignee.
    watcher: Option<i64>,
    /// The text whose new mentions notify, and the text before (mentions already there told).
    mentions_in: Option<(String, String)>,
}

impl Plan {
    /// The plan for `change` by `actor_id`. A filing's mentions are in the issue's description,
    /// which the caller puts in once it has read the issue.
    fn of(change: &Change, actor_id: i64) -> Option<Plan> {
        let plan = |kind, detail: String| Plan { kind: Some(kind), detail, only: None, watcher: None, mentions_in: None };
        let mentions = |before: &str, after: &str| Plan {
            kind: None,
            detail: String::new(),
            only: None,
            watcher: None,
            mentions_in: Some((before.to_owned(), after.to_owned())),
        };
        Some(match change {
            // The reporter watches without a row saying so.
            Change::Created { .. } => mentions("", ""),
            Change::Description { from, to } => mentions(from, to),
            Change::Status { to, .. } => plan(NotificationKind::Status, to.label().to_owned()),
            Change::Severity { to, .. } => plan(NotificationKind::Severity, to.label().to_owned()),
            Change::CommentAdded { body } => {
                Plan { watcher: Some(actor_id), mentions_in: Some((String::new(), body.clone())), ..plan(NotificationKind::Comment, String::new()) }
            }
            Change::CommentEdited { from, to } => mentions(from, to),
            Change::Assigned { to: Some(assignee), .. } => {
                Plan { only: Some(*assignee), watcher: Some(*assignee), ..plan(NotificationKind::Assigned, String::new()) }
            }
            _ => return None,
        })
    }
}

/// The people a change may concern, read in one query (with how each chose to be told) before
/// the change is written: a filing reads its reporter, owner and the people its text mentions
/// here, outside SQLite's write lock, and writes with what it read.
#[derive(Debug, Default)]
pub struct Cast {
    people: HashMap<i64, users::Model>,
    prefs: HashMap<(i64, NotificationKind), Delivery>,
    asked_ids: BTreeSet<i64>,
    asked_handles: BTreeSet<String>,
}

impl Cast {
    /// The accounts with `ids` or `handles` (as [`mentioned`] gives them) that exist.
    pub async fn load(db: &impl ConnectionTrait, ids: impl IntoIterator<Item = i64>, handles: impl IntoIterator<Item = String>) -> Result<Cast, sea_orm::DbErr> {
        let mut cast = Cast { asked_ids: ids.into_iter().collect(), asked_handles: handles.into_iter().collect(), ..Cast::default() };
        if cast.asked_ids.is_empty() && cast.asked_handles.is_empty() {
            return Ok(cast);
        }
        let mut who = sea_orm::Condition::any();
        if !cast.asked_handles.is_empty() {
            who = who.add(users::Column::Handle.is_in(cast.asked_handles.iter().cloned()));
        }
        if !cast.asked_ids.is_empty() {
            who = who.add(users::Column::Id.is_in(cast.asked_ids.iter().copied()));
        }
        for (user, prefs) in users::Entity::find().filter(who).find_with_related(notification_prefs::Entity).all(db).await? {
            cast.prefs.extend(prefs.into_iter().map(|pref| ((pref.user_id, pref.kind), pref.delivery)));
            cast.people.insert(user.id, user);
        }
        Ok(cast)
    }

    /// Whether every one of `ids` and `handles` was asked for (found or not), or read.
    fn covers(&self, ids: &[i64], handles: &[String]) -> bool {
        ids.iter().all(|id| self.asked_ids.contains(id) || self.people.contains_key(id)) && handles.iter().all(|handle| self.asked_handles.contains(handle))
    }

    /// The account `id`, if it was asked for and exists.
    pub fn account(&self, id: i64) -> Option<&users::Model> {
        self.people.get(&id)
    }

    /// The account with `handle`, if it was asked for and exists.
    pub fn by_handle(&self, handle: &str) -> Option<&users::Model> {
        self.people.values().find(|user| user.handle == handle)
    }

    /// The handles asked for that name someone: the mentions that become links.
    pub fn handles(&self) -> std::collections::HashSet<String> {
        self.people.values().filter(|user| self.asked_handles.contains(&user.handle)).map(|user| user.handle.clone()).collect()
    }

    /// How `user_id` is told about `kind`.
    fn delivery(&self, user_id: i64, kind: NotificationKind) -> Delivery {
        self.prefs.get(&(user_id, kind)).copied().unwrap_or_else(|| default_delivery(kind))
    }
}

/// Works out who hears about `change` to issue `issue_id` by `actor_id` (history row
/// `event_id`), writes their notifications and queues the mail they are due (as `mail` says), in
/// `txn`. Nobody hears about their own action, nor about an issue they may not see.
pub async fn on_change(txn: &impl ConnectionTrait, mail: &MailSettings, issue_id: i64, actor_id: i64, event_id: i64, change: &Change) -> Result<Told, AppError> {
    if Plan::of(change, actor_id).is_none() {
        return Ok(Told::nobody());
    }
    let Some(issue) = issues::Entity::find_by_id(issue_id).one(txn).await? else { return Ok(Told::nobody()) };
    let tidings = tidings(txn, mail, &issue, actor_id, Some(event_id), change, None).await?;
    crate::server::db::insert_together(txn, tidings.inserts).await?;
    Ok(tidings.told)
}

/// What a change tells, ready to write: the watchers it adds, the notifications it makes and the
/// mail they are due (each insert only when it has rows), and who they go to.
#[derive(Debug)]
pub struct Tidings {
    pub inserts: Vec<sea_orm::sea_query::InsertStatement>,
    pub told: Told,
}

impl Tidings {
    fn none() -> Tidings {
        Tidings { inserts: Vec::new(), told: Told::nobody() }
    }
}

/// Works out what `change` to `issue` (as the caller has it) by `actor_id` tells, with the
/// people `cast` read already (any it lacks are read here), and returns the rows to write for the
/// caller to send with its own (a filing sends them with its history in one round trip).
/// `event_id` is the history row a notification links to; a filing's link to the issue itself.
/// Mail is queued as `mail` says (with email off, none).
pub async fn tidings(
    txn: &impl ConnectionTrait,
    mail: &MailSettings,
    issue: &issues::Model,
    actor_id: i64,
    event_id: Option<i64>,
    change: &Change,
    cast: Option<&Cast>,
) -> Result<Tidings, AppError> {
    let Some(mut plan) = Plan::of(change, actor_id) else { return Ok(Tidings::none()) };
    let issue_id = issue.id;
    let created = matches!(change, Change::Created { .. });
    if created {
        if let Some((_, after)) = &mut plan.mentions_in {
            after.clone_from(&issue.description);
        }
        // Filed with an owner: the assignment's notification goes with the filing's.
        if let Some(assignee) = issue.assignee_id {
            plan = Plan { kind: Some(NotificationKind::Assigned), only: Some(assignee), watcher: Some(assignee), ..plan };
        }
    }
    if issue.deleted_at.is_some() {
        return Ok(Tidings::none());
    }
    // New mentions, by handle: the ones the text before did not have.
    let handles: Vec<String> = match &plan.mentions_in {
        Some((before, after)) => {
            let already = mentioned(before);
            mentioned(after).into_iter().filter(|handle| !already.contains(handle)).collect()
        }
        None => Vec::new(),
    };
    if plan.kind.is_none() && handles.is_empty() {
        return Ok(Tidings::none());
    }
    // A new issue has no watcher rows yet.
    let rows = if created { Vec::new() } else { issue_watchers::Entity::find().filter(issue_watchers::Column::IssueId.eq(issue_id)).all(txn).await? };
    let chosen: HashMap<i64, WatchState> = rows.iter().map(|row| (row.user_id, row.state)).collect();
    let mut watchers: BTreeSet<i64> = rows.iter().filter(|row| row.state == WatchState::Watching).map(|row| row.user_id).collect();
    for implicit in [Some(issue.reporter_id), issue.assignee_id].into_iter().flatten() {
        if !chosen.contains_key(&implicit) {
            watchers.insert(implicit);
        }
    }
    // Everyone who may hear, with how they chose to be told: the people mentioned (by handle)
    // and the audience, from what the caller read or in one query; with the actor, whose name
    // their mail gives.
    let mut audience_ids: Vec<i64> = match (plan.kind, plan.only) {
        (None, _) => Vec::new(),
        (Some(_), Some(only)) => vec![only],
        (Some(_), None) => watchers.iter().copied().collect(),
    };
    audience_ids.push(actor_id);
    let read;
    let cast = match cast {
        Some(cast) if cast.covers(&audience_ids, &handles) => cast,
        _ => {
            read = Cast::load(txn, audience_ids, handles.iter().cloned()).await?;
            &read
        }
    };

    // Mentioned people who may see the issue; anyone else mentioned is passed over in silence.
    let mentioned_ids: BTreeSet<i64> =
        handles.iter().filter_map(|handle| cast.by_handle(handle)).filter(|user| may_hear(user, issue)).map(|user| user.id).collect();

    // Who joins the watchers: the commenter or new assignee, and the people mentioned, unless
    // they chose otherwise before.
    let joining: BTreeSet<i64> = plan.watcher.into_iter().chain(mentioned_ids.iter().copied()).filter(|id| !chosen.contains_key(id)).collect();
    let mut inserts = Vec::new();
    if !joining.is_empty() {
        let now = Utc::now();
        let mut insert = issue_watchers::Entity::insert_many(joining.iter().map(|&user_id| issue_watchers::ActiveModel {
            issue_id: Set(issue_id),
            user_id: Set(user_id),
            state: Set(WatchState::Watching),
            updated_at: Set(now),
        }))
        .into_query();
        insert.on_conflict(OnConflict::columns([issue_watchers::Column::IssueId, issue_watchers::Column::UserId]).do_nothing().to_owned());
        inserts.push(insert);
    }

    let mut lines: Vec<(i64, NotificationKind, NotificationReason, String)> = Vec::new();
    for &user_id in &mentioned_ids {
        lines.push((user_id, NotificationKind::Mention, NotificationReason::Mentioned, String::new()));
    }
    if let Some(kind) = plan.kind {
        let (audience, reason) = match plan.only {
            Some(only) => (BTreeSet::from([only]), NotificationReason::Assigned),
            None => (watchers, NotificationReason::Watching),
        };
        for user_id in audience {
            if !mentioned_ids.contains(&user_id) && chosen.get(&user_id) != Some(&WatchState::Muted) {
                lines.push((user_id, kind, reason, plan.detail.clone()));
            }
        }
    }
    // Nobody hears about their own action; the rest are checked against the accounts as they
    // are now: active, and allowed to see the issue.
    lines.retain(|(user_id, ..)| *user_id != actor_id && cast.account(*user_id).is_some_and(|user| may_hear(user, issue)));
    if lines.is_empty() {
        return Ok(Tidings { inserts, told: Told::nobody() });
    }
    let comment_id = match change {
        Change::CommentAdded { body } | Change::CommentEdited { to: body, .. } => comments::Entity::find()
            .filter(comments::Column::IssueId.eq(issue_id))
            .filter(comments::Column::AuthorId.eq(actor_id))
            .filter(comments::Column::Body.eq(body.as_str()))
            .order_by_desc(comments::Column::Id)
            .one(txn)
            .await?
            .map(|comment| comment.id),
        _ => None,
    };
    let now = Utc::now();
    let people = lines.iter().map(|(user_id, ..)| *user_id).collect::<BTreeSet<_>>().into_iter().collect();
    // The mail of those who want it at once, queued now; only its bodies wait for the sender.
    let actor = cast.account(actor_id).map_or_else(|| "Someone".to_owned(), |user| user.display_name.clone());
    let mails: Vec<_> = lines
        .iter()
        .filter(|(user_id, kind, ..)| mail.enabled() && cast.delivery(*user_id, *kind) == Delivery::Email)
        .filter_map(|(user_id, kind, reason, detail)| {
            let notice = MailNotice { kind: *kind, reason: *reason, detail: detail.clone(), actor: actor.clone(), event_id, comment_id };
            Some(notice_mail(cast.account(*user_id)?, issue, &notice))
        })
        .collect();
    let notes = notifications::Entity::insert_many(lines.into_iter().map(|(user_id, kind, reason, detail)| {
        let delivery = cast.delivery(user_id, kind);
        notifications::ActiveModel {
            user_id: Set(user_id),
            issue_id: Set(issue_id),
            event_id: Set(event_id),
            comment_id: Set(comment_id),
            actor_id: Set(actor_id),
            kind: Set(kind),
            reason: Set(reason),
            detail: Set(detail),
            created_at: Set(now),
            read_at: Set(None),
            digest_due: Set(delivery == Delivery::Digest),
            email_due: Set(false),
            ..Default::default()
        }
    }))
    .into_query();
    inserts.push(notes);
    let told = Told { people, mailed: !mails.is_empty() };
    inserts.extend(queue_statement(mail, mails));
    Ok(Tidings { inserts, told })
}

/// Whether `user` may hear about `issue`: an active account that may see it.
pub fn may_hear(user: &users::Model, issue: &issues::Model) -> bool {
    user.deactivated_at.is_none() && issue.deleted_at.is_none() && IssueScope::of_account(user.id, user.role).covers(issue.reporter_id)
}
