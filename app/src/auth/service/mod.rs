//! Accounts and sessions: the only place that decides who someone is and what they may do
//! with accounts. Split by job; the public names stay reachable as `auth::service::*`.
mod cli;
mod headers;
mod password_reset;
mod passwords;
mod profile;
mod sessions;
mod sign_in;
mod sso;
mod users;

pub use cli::create_or_promote_admin;
pub use headers::{ClientInfo, client_info_from, cookie_value, http_only_cookie, session_cookie, token_from_headers};
pub use password_reset::{RESET_LIFETIME, request_password_reset, reset_password};
pub use passwords::{Email, Password, change_password, hash_password};
pub use profile::{my_profile, update_profile};
pub use sessions::{ABSOLUTE_LIFETIME, IDLE_TIMEOUT, authenticate, list_sessions, log_out, purge_dead_sessions, revoke_other_sessions};
pub use sign_in::{SignUp, log_in, sign_up};
pub use sso::sign_in_with_provider;
pub use users::{change_role, list_users, set_user_active};

use crate::{audit_log::Actor, auth::model::CurrentUser};

/// A signed-in user is named in the audit log by id and address.
impl From<&CurrentUser> for Actor {
    fn from(user: &CurrentUser) -> Self {
        Actor { id: Some(user.id), email: Some(user.email.clone()) }
    }
}
