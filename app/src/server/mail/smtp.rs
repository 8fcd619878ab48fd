//! The SMTP side: `SMTP_URL` parsed into a typed value, the lettre transport built from it, and
//! an outbox row turned into a message.
use crate::server::entities::mail_outbox;
use lettre::{
    AsyncSmtpTransport, Message, Tokio1Executor,
    message::{Mailbox, MultiPart, header::HeaderName, header::HeaderValue},
    transport::smtp::authentication::Credentials,
};
use secrecy::{ExposeSecret, SecretString};
use std::time::Duration;

/// How the connection to the mail server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// `smtps://`: TLS from the first byte (port 465).
    ImplicitTls,
    /// `smtp://…?tls=required`: plain at first, then STARTTLS, which must succeed (port 587).
    StartTls,
    /// `smtp://`: no encryption, for a relay on the same host or network (port 25).
    Plain,
}

/// `SMTP_URL`: `smtps://user:password@host:465`, `smtp://user:password@host:587?tls=required`
/// or `smtp://host:25`. The password stays a secret.
#[derive(Debug, Clone)]
pub struct SmtpUrl {
    pub security: Security,
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<SecretString>,
}

impl SmtpUrl {
    /// Parses and checks `raw`; the error says what is wrong without repeating the URL, which
    /// may hold a password. Credentials are refused on a connection that would not encrypt them.
    pub fn parse(raw: &str) -> Result<SmtpUrl, String> {
        let (scheme, rest) = raw.trim().split_once("://").ok_or("must look like smtps://user:password@host:465 or smtp://host:25")?;
        let (rest, query) = rest.split_once('?').map_or((rest, None), |(rest, query)| (rest, Some(query)));
        let tls = match query {
            None | Some("") => None,
            Some(query) => match query.split('&').collect::<Vec<_>>().as_slice() {
                ["tls=required"] => Some("required"),
                _ => return Err("the only option is ?tls=required (STARTTLS)".to_owned()),
            },
        };
        let security = match (scheme.to_ascii_lowercase().as_str(), tls) {
            ("smtps", None) => Security::ImplicitTls,
            ("smtp", Some(_)) => Security::StartTls,
            ("smtp", None) => Security::Plain,
            ("smtps", Some(_)) => return Err("smtps:// is TLS already; ?tls=required is for smtp://".to_owned()),
            _ => return Err("must start with smtps:// (TLS) or smtp:// (add ?tls=required for STARTTLS)".to_owned()),
        };
        let rest = rest.trim_end_matches('/');
        if rest.contains('/') {
            return Err("must not have a path after the host".to_owned());
        }
        let (userinfo, host_port) = rest.rsplit_once('@').map_or((None, rest), |(user, host)| (Some(user), host));
        let (host, port) = match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port.parse::<u16>().ok().filter(|p| *p > 0).ok_or("the port must be a number from 1 to 65535")?)),
            None => (host_port, None),
        };
        if host.is_empty() || !host.chars().all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c)) {
            return Err("names no valid host".to_owned());
        }
        let decode = |part: &str| percent_encoding::percent_decode_str(part).decode_utf8().map(|s| s.into_owned()).map_err(|_| "the user or password is not valid UTF-8 once decoded".to_owned());
        let (username, password) = match userinfo {
            None => (None, None),
            Some(info) => {
                let (user, password) = info.split_once(':').ok_or("a user needs a password (user:password@host)")?;
                (Some(decode(user)?), Some(SecretString::from(decode(password)?)))
            }
        };
        if password.is_some() && security == Security::Plain {
            return Err("would send the user and password unencrypted: use smtps://…:465, or smtp://…:587?tls=required for STARTTLS".to_owned());
        }
        let port = port.unwrap_or(match security {
            Security::ImplicitTls => 465,
            Security::StartTls => 587,
            Security::Plain => 25,
        });
        Ok(SmtpUrl { security, host: host.to_ascii_lowercase(), port, username, password })
    }

    /// Where mail goes, for the start-up log: never the user or password.
    pub fn describe(&self) -> String {
        let how = match self.security {
            Security::ImplicitTls => "TLS",
            Security::StartTls => "STARTTLS",
            Security::Plain => "unencrypted",
        };
        let auth = if self.username.is_some() { ", signing in" } else { "" };
        format!("{}:{} ({how}{auth})", self.host, self.port)
    }

    /// A pooled transport to the server. TLS certificates are checked against the web's roots.
    pub(super) fn transport(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>, lettre::transport::smtp::Error> {
        let builder = match self.security {
            Security::ImplicitTls => AsyncSmtpTransport::<Tokio1Executor>::relay(&self.host)?,
            Security::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&self.host)?,
            Security::Plain => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&self.host),
        };
        let mut builder = builder.port(self.port).timeout(Some(SEND_TIMEOUT));
        if let (Some(user), Some(password)) = (&self.username, &self.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.expose_secret().to_owned()));
        }
        Ok(builder.build())
    }
}

/// How long one SMTP command may take before the attempt counts as failed.
pub(super) const SEND_TIMEOUT: Duration = Duration::from_secs(30);

/// `MAIL_FROM` as a mailbox (`Tracker <tracker@example.com>` or a bare address).
pub fn parse_sender(raw: &str) -> Result<Mailbox, String> {
    raw.trim().parse::<Mailbox>().map_err(|_| format!("'{}' is not an address like Tracker <tracker@example.com>", raw.trim()))
}

/// The message for `row`: plain text and HTML alternatives, its stable Message-ID, and the
/// one-click unsubscribe headers of RFC 8058 when it has an unsubscribe link.
pub(super) fn message(from: &Mailbox, row: &mail_outbox::Model) -> Result<Message, String> {
    let to = row.to_address.parse::<Mailbox>().map_err(|e| format!("recipient: {e}"))?;
    let mut builder = Message::builder().from(from.clone()).to(to).subject(row.subject.clone()).message_id(Some(row.message_id.clone()));
    if let Some(link) = &row.unsubscribe {
        builder = builder
            .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("List-Unsubscribe"), format!("<{link}>")))
            .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click".to_owned()));
    }
    builder.multipart(MultiPart::alternative_plain_html(row.text_body.clone(), row.html_body.clone())).map_err(|e| format!("message: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_forms_parse_with_their_default_ports() {
        let tls = SmtpUrl::parse("smtps://me%40example.com:p%3Ass@Mail.Example.com").unwrap();
        assert_eq!((tls.security, tls.host.as_str(), tls.port), (Security::ImplicitTls, "mail.example.com", 465));
        assert_eq!(tls.username.as_deref(), Some("me@example.com"));
        assert_eq!(tls.password.unwrap().expose_secret(), "p:ss");
        let starttls = SmtpUrl::parse("smtp://me:pw@mail.example.com?tls=required").unwrap();
        assert_eq!((starttls.security, starttls.port), (Security::StartTls, 587));
        let relay = SmtpUrl::parse("smtp://localhost").unwrap();
        assert_eq!((relay.security, relay.port, relay.username), (Security::Plain, 25, None));
    }

    #[test]
    fn credentials_without_tls_are_refused_without_echoing_them() {
        let err = SmtpUrl::parse("smtp://me:hunter2@mail.example.com:25").unwrap_err();
        assert!(err.starts_with("would send the user and password unencrypted"), "{err}");
        assert!(!err.contains("hunter2"));
    }

    #[test]
    fn malformed_urls_are_refused() {
        for bad in ["mail.example.com", "http://mail.example.com", "smtp://host:0", "smtp://host?tls=opportunistic", "smtps://host?tls=required", "smtp://me@host", "smtp://host/path", "smtp://"] {
            assert!(SmtpUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_description_names_no_credentials() {
        let url = SmtpUrl::parse("smtps://me:secret-pw@mail.example.com").unwrap();
        assert_eq!(url.describe(), "mail.example.com:465 (TLS, signing in)");
        assert!(!format!("{url:?}").contains("secret-pw"));
    }
}
