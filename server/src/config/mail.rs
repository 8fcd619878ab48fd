//! The mail settings: where mail goes (`SMTP_URL`), from whom (`MAIL_FROM`), and the outbox's
//! intervals (the digest hour for everyone, the rest for tests and left out of the help).
use super::{ConfigArgs, ConfigError, given, given_secret, invalid, number};
use app::server::mail::{MailTiming, Mailbox, SmtpUrl};
use secrecy::ExposeSecret;
use std::time::Duration;

/// Where email goes and from whom. The URL's password stays a secret.
#[derive(Debug, Clone)]
pub struct MailConfig {
    pub smtp: SmtpUrl,
    pub from: Mailbox,
}

/// `SMTP_URL` and `MAIL_FROM`, both or neither.
pub(super) fn mail_config(args: &ConfigArgs) -> Result<Option<MailConfig>, ConfigError> {
    let Some(url) = given_secret(&args.smtp_url) else {
        return match given(&args.mail_from) {
            Some(_) => Err(invalid("SMTP_URL", "is required when MAIL_FROM is set")),
            None => Ok(None),
        };
    };
    let smtp = SmtpUrl::parse(url.expose_secret()).map_err(|reason| invalid("SMTP_URL", reason))?;
    let from = given(&args.mail_from).ok_or_else(|| invalid("MAIL_FROM", "is required when SMTP_URL is set (Tracker <tracker@example.com>)"))?;
    let from = app::server::mail::parse_sender(from).map_err(|reason| invalid("MAIL_FROM", reason))?;
    Ok(Some(MailConfig { smtp, from }))
}

/// When digests go out (`DIGEST_HOUR`), and the outbox's intervals, which exist for tests and
/// are left out of the help.
pub(super) fn mail_timing(args: &ConfigArgs) -> Result<MailTiming, ConfigError> {
    let mut timing = MailTiming::default();
    let positive = |setting: &'static str, value: &Option<String>| match given(value) {
        None => Ok(None),
        Some(raw) => number::<u64>(raw, |n| *n > 0).map(Some).ok_or_else(|| invalid(setting, format!("'{raw}' is not a positive whole number"))),
    };
    if let Some(ms) = positive("MAIL_POLL_MS", &args.mail_poll_ms)? {
        timing.poll = Duration::from_millis(ms);
    }
    if let Some(ms) = positive("MAIL_RETRY_MS", &args.mail_retry_ms)? {
        timing.retry_base = Duration::from_millis(ms);
    }
    if let Some(secs) = positive("MAIL_LOCK_SECS", &args.mail_lock_secs)? {
        timing.lock = Duration::from_secs(secs);
    }
    if let Some(raw) = given(&args.digest_hour) {
        timing.digest_hour = number(raw, |hour| *hour < 24).ok_or_else(|| invalid("DIGEST_HOUR", format!("'{raw}' is not an hour from 0 to 23 (UTC)")))?;
    }
    Ok(timing)
}
