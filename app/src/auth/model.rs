//! Wire types for accounts, shared by the server and the browser.
use crate::domain::Role;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The signed-in user, as every page and service sees them. The role is read from the
/// database on each request, so a change applies at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    pub role: Role,
    /// What this request signed in with. The server reads it from the request; it is never sent
    /// to the browser (a page's data and a server function's answer carry the account only), so
    /// a session's id is not in any page, and a browser's copy holds an empty one.
    #[serde(skip, default = "Credential::not_sent")]
    pub credential: Credential,
}

/// What a request signed in with: a browser session (by its id) or a personal API token (by its id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Credential {
    Session(String),
    ApiToken(i64),
}

impl Credential {
    /// What a browser's copy of the signed-in user holds instead of the credential.
    fn not_sent() -> Self {
        Credential::Session(String::new())
    }
}

impl CurrentUser {
    /// Maintainers and admins triage any issue.
    pub fn can_triage(&self) -> bool {
        matches!(self.role, Role::Maintainer | Role::Admin)
    }

    /// Admins manage users and roles.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// The id of the session this request came with; `None` for a request made with an API token.
    pub fn session_id(&self) -> Option<&str> {
        match &self.credential {
            Credential::Session(id) => Some(id),
            Credential::ApiToken(_) => None,
        }
    }
}

/// The signed-in person's own account as they see it: their address too.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub id: i64,
    pub email: String,
    pub handle: String,
    pub display_name: String,
    pub role: Role,
}

/// One of the user's signed-in sessions.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    /// The session of the request that asked.
    pub current: bool,
}

/// A row of the admin's user list.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: i64,
    pub email: String,
    pub handle: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

/// Where to go after signing in: only a path on this site. Anything else (another host,
/// a scheme, `//evil.example`, a backslash trick) falls back to the issue list.
pub fn safe_next(next: Option<&str>) -> String {
    const HOME: &str = "/issues";
    let Some(next) = next.map(str::trim).filter(|n| !n.is_empty()) else { return HOME.to_owned() };
    let bytes = next.as_bytes();
    let relative = bytes[0] == b'/'
        && bytes.get(1).is_none_or(|b| *b != b'/' && *b != b'\\')
        && !next.chars().any(|c| c.is_control() || c == '\\');
    if relative { next.to_owned() } else { HOME.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_same_site_paths_are_followed() {
        assert_eq!(safe_next(Some("/issues?severity=HIGH")), "/issues?severity=HIGH");
        assert_eq!(safe_next(Some("/profile")), "/profile");
        for hostile in ["//evil.com", "https://evil.com", "/\\evil.com", "\\\\evil.com", "javascript:alert(1)", "/x\r\nSet-Cookie: a=b", "evil.com", ""] {
            assert_eq!(safe_next(Some(hostile)), "/issues", "{hostile:?}");
        }
        assert_eq!(safe_next(None), "/issues");
    }
}

/// A personal API token as its owner sees it: never the secret.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenInfo {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// `None`: it does not expire.
    pub expires_at: Option<DateTime<Utc>>,
}

/// A token just made, with its secret: shown this once, then only its hash is kept.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewApiToken {
    pub token: ApiTokenInfo,
    /// Send it as `Authorization: Bearer <secret>`.
    pub secret: String,
}

/// How long a new API token may live, in days; `None` for no expiry.
pub const API_TOKEN_LIFETIMES: [Option<u32>; 4] = [Some(30), Some(90), Some(365), None];
