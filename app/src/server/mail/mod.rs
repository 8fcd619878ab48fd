//! Email: a transactional outbox and the worker that sends it over SMTP.
//!
//! A feature that wants a mail sent calls [`enqueue`] inside the transaction of the change that
//! causes it (or sends [`queue_statement`] with its own writes), so the mail exists exactly when
//! the change does. The worker ([`worker::run`])
//! claims due rows, sends them with lettre, and retries with exponential backoff for a day
//! before marking them failed. Without `SMTP_URL` email is off: [`enqueue`] writes nothing.
mod outbox;
mod smtp;
pub mod worker;

pub use outbox::{OutboxCounts, counts};
pub use smtp::{Security, SmtpUrl, parse_sender};

use crate::{
    domain::{MailPurpose, MailStatus},
    server::entities::mail_outbox,
};
use chrono::Utc;
pub use lettre::message::Mailbox;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, QueryTrait, Set, sea_query::InsertStatement};
use std::{sync::Arc, time::Duration};
use tokio::sync::Notify;

/// The longest subject kept, in characters; longer ones end with an ellipsis.
pub const SUBJECT_MAX_CHARS: usize = 200;

/// One mail to send: complete bodies (the plain text and the HTML alternative), or a `notice`
/// the sender writes them from.
#[derive(Debug, Clone)]
pub struct OutgoingMail {
    /// The account it is for, if any (kept so that deleting the account keeps the row readable).
    pub user_id: Option<i64>,
    /// The issue it is about, if one; with `user_id`, checked by the sender's screen before it goes.
    pub issue_id: Option<i64>,
    /// The recipient's address.
    pub to: String,
    /// Made one line here, whatever it holds.
    pub subject: String,
    pub text: String,
    pub html: String,
    /// A one-click unsubscribe URL (RFC 8058), sent as `List-Unsubscribe`.
    pub unsubscribe: Option<String>,
    pub purpose: MailPurpose,
    /// What the bodies are made from when they are written just before sending (then `text`
    /// and `html` are empty): a notification's facts, as JSON.
    pub notice: Option<String>,
}

/// When each day's digests go out unless `DIGEST_HOUR` says otherwise: 07:00 UTC.
pub const DEFAULT_DIGEST_HOUR: u32 = 7;

/// How the outbox is worked: every interval has a default; tests shorten them.
#[derive(Debug, Clone, Copy)]
pub struct MailTiming {
    /// How often the worker looks for due mail when nobody wakes it.
    pub poll: Duration,
    /// The wait after a first failed attempt; it doubles on each failure up to `retry_cap`.
    pub retry_base: Duration,
    pub retry_cap: Duration,
    /// How long a claimed batch belongs to one sender; after that another may take it.
    pub lock: Duration,
    /// A mail still unsent this long after it was queued is marked failed.
    pub give_up_after: Duration,
    /// The hour of the day, in UTC, when each day's digests go out (0 to 23).
    pub digest_hour: u32,
}

impl Default for MailTiming {
    fn default() -> Self {
        MailTiming {
            poll: Duration::from_secs(5),
            retry_base: Duration::from_secs(30),
            retry_cap: Duration::from_secs(60 * 60),
            lock: Duration::from_secs(10 * 60),
            give_up_after: Duration::from_secs(24 * 60 * 60),
            digest_hour: DEFAULT_DIGEST_HOUR,
        }
    }
}

/// Email settings, taken from the server's configuration at start-up. The SMTP password stays
/// wrapped, so the `Debug` output shows none of it.
#[derive(Debug, Default)]
pub struct MailSettings {
    /// Where mail goes; `None` means email is off and nothing is queued.
    pub smtp: Option<SmtpUrl>,
    /// The sender of every mail (`MAIL_FROM`).
    pub from: Option<Mailbox>,
    /// The address users reach the site at, for links in mail (`https://tracker.example`).
    pub base_url: String,
    pub timing: MailTiming,
    /// Wakes this instance's worker when a mail was queued.
    wake: Arc<Notify>,
}

impl MailSettings {
    /// Email on, through `smtp` and from `from`.
    pub fn new(smtp: Option<SmtpUrl>, from: Option<Mailbox>, base_url: String, timing: MailTiming) -> MailSettings {
        MailSettings { smtp, from, base_url: base_url.trim_end_matches('/').to_owned(), timing, wake: Arc::default() }
    }

    /// Whether mail is sent at all.
    pub fn enabled(&self) -> bool {
        self.smtp.is_some() && self.from.is_some()
    }

    /// Tells this instance's worker to look for due mail now. Call it after the transaction
    /// that queued a mail commits; without it the mail leaves at the next poll.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub(crate) fn woken(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    /// The host Message-IDs end with: the public address's host, without its port.
    fn message_id_host(&self) -> String {
        let rest = self.base_url.split_once("://").map_or(self.base_url.as_str(), |(_, rest)| rest);
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
        let host = if host.starts_with('[') { "" } else { host.split(':').next().unwrap_or("") };
        let valid = !host.is_empty() && host.split('.').all(|label| !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        if valid { host.to_ascii_lowercase() } else { "localhost".to_owned() }
    }
}

/// Writes `mail` to the outbox in the caller's transaction, with a Message-ID that stays the
/// same on every attempt. With email off it writes nothing; an address that cannot receive
/// mail is left out with a warning (accounts' addresses are checked when they are made).
pub async fn enqueue(db: &impl ConnectionTrait, settings: &MailSettings, mail: OutgoingMail) -> Result<(), DbErr> {
    enqueue_all(db, settings, vec![mail]).await
}

/// Writes every one of `mails` like [`enqueue`], in one statement.
pub async fn enqueue_all(db: &impl ConnectionTrait, settings: &MailSettings, mails: Vec<OutgoingMail>) -> Result<(), DbErr> {
    if let Some(insert) = queue_statement(settings, mails) {
        db.execute(&insert).await?;
    }
    Ok(())
}

/// The statement that writes `mails` to the outbox like [`enqueue_all`], for a caller that sends
/// it together with its own; `None` when there is nothing to write (or email is off).
pub fn queue_statement(settings: &MailSettings, mails: Vec<OutgoingMail>) -> Option<InsertStatement> {
    if !settings.enabled() {
        return None;
    }
    let now = Utc::now();
    let rows: Vec<mail_outbox::ActiveModel> = mails
        .into_iter()
        .filter(|mail| {
            let deliverable = mail.to.parse::<lettre::Address>().is_ok();
            if !deliverable {
                tracing::warn!(user_id = mail.user_id, "not queueing a mail to an address that cannot receive one");
            }
            deliverable
        })
        .map(|mail| mail_outbox::ActiveModel {
            // Time-ordered: the Message-ID's unique index takes each new one at its end, not at a
            // random page, which a change that queues mail would otherwise write besides its own.
            message_id: Set(format!("<outbox-{}@{}>", uuid::Uuid::now_v7().simple(), settings.message_id_host())),
            user_id: Set(mail.user_id),
            issue_id: Set(mail.issue_id),
            to_address: Set(mail.to),
            subject: Set(one_line(&mail.subject, SUBJECT_MAX_CHARS)),
            text_body: Set(mail.text),
            html_body: Set(mail.html),
            unsubscribe: Set(mail.unsubscribe),
            purpose: Set(mail.purpose),
            status: Set(MailStatus::Queued),
            attempts: Set(0),
            next_attempt_at: Set(now),
            locked_until: Set(None),
            last_error: Set(None),
            created_at: Set(now),
            sent_at: Set(None),
            notice: Set(mail.notice),
            ..Default::default()
        })
        .collect();
    (!rows.is_empty()).then(|| mail_outbox::Entity::insert_many(rows).into_query())
}

/// `text` as one line: every run of whitespace and control characters becomes one space, and
/// at most `max` characters are kept (the last an ellipsis when cut).
pub fn one_line(text: &str, max: usize) -> String {
    let words: Vec<&str> = text.split(|c: char| c.is_whitespace() || c.is_control()).filter(|w| !w.is_empty()).collect();
    let line = words.join(" ");
    if line.chars().count() <= max {
        return line;
    }
    let mut cut: String = line.chars().take(max.saturating_sub(1)).collect();
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

/// `text` made safe in an HTML mail, between tags or inside a double-quoted attribute.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    super::markdown::escape_text(&mut out, text);
    // Text escaping leaves quotes alone; attributes need them escaped too.
    out.replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subject_is_one_line_whatever_the_title_holds() {
        assert_eq!(one_line("Crash\r\non  save\u{7}\tnow ", 200), "Crash on save now");
        let long = one_line(&"word ".repeat(100), 20);
        assert_eq!(long.chars().count(), 20);
        assert!(long.ends_with('…'), "{long}");
    }

    #[test]
    fn message_ids_use_the_public_host_without_its_port() {
        let host = |url: &str| MailSettings::new(None, None, url.to_owned(), MailTiming::default()).message_id_host();
        assert_eq!(host("https://Tracker.Example.com/"), "tracker.example.com");
        assert_eq!(host("http://127.0.0.1:3000"), "127.0.0.1");
        assert_eq!(host("http://[::1]:3000"), "localhost");
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(escape_html("<a href=\"x\">&"), "&lt;a href=&quot;x&quot;&gt;&amp;");
    }
}
