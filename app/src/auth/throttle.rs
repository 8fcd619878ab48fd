//! Counting failures per key (an account or a client address) in the database, so that
//! every instance shares the count, and refusing with 429 once a key is blocked.
use crate::{error::AppError, server::entities::auth_throttles};
use chrono::{Duration, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, Set};

/// How many failures a key may have within a window before it is blocked for one window.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub max_failures: i32,
    pub window: Duration,
}

/// Wrong passwords for one account: 10 per 15 minutes (at most 40 an hour).
pub const LOGIN_PER_ACCOUNT: Policy = Policy { max_failures: 10, window: Duration::minutes(15) };
/// Wrong passwords from one client address, over all accounts.
pub const LOGIN_PER_ADDRESS: Policy = Policy { max_failures: 50, window: Duration::minutes(15) };
/// Sign-up attempts from one client address.
pub const SIGNUP_PER_ADDRESS: Policy = Policy { max_failures: 20, window: Duration::hours(1) };

/// Password reset links asked for one address (with or without an account): 5 an hour.
pub const RESET_PER_ACCOUNT: Policy = Policy { max_failures: 5, window: Duration::hours(1) };
/// Password reset links asked for from one client address, over all addresses.
pub const RESET_PER_ADDRESS: Policy = Policy { max_failures: 30, window: Duration::hours(1) };

/// Fails with `RateLimited` while `key` is blocked.
pub async fn check(db: &impl ConnectionTrait, key: &str) -> Result<(), AppError> {
    let Some(row) = auth_throttles::Entity::find_by_id(key.to_owned()).one(db).await? else { return Ok(()) };
    match row.blocked_until {
        Some(until) if until > Utc::now() => {
            let secs = (until - Utc::now()).num_seconds().max(1) as u64;
            Err(AppError::RateLimited { retry_after_secs: secs })
        }
        _ => Ok(()),
    }
}

/// Counts one failure for `key`, blocking it for a window once it reaches the policy's limit.
pub async fn record_failure(db: &impl ConnectionTrait, key: &str, policy: Policy) -> Result<(), AppError> {
    let now = Utc::now();
    match auth_throttles::Entity::find_by_id(key.to_owned()).one(db).await? {
        None => {
            auth_throttles::ActiveModel {
                key: Set(key.to_owned()),
                failures: Set(1),
                window_started_at: Set(now),
                blocked_until: Set(None),
            }
            .insert(db)
            .await?;
        }
        Some(row) => {
            let expired = row.window_started_at + policy.window <= now;
            let failures = if expired { 1 } else { row.failures + 1 };
            let mut active = row.into_active_model();
            if expired {
                active.window_started_at = Set(now);
                active.blocked_until = Set(None);
            }
            active.failures = Set(failures);
            if failures >= policy.max_failures {
                active.blocked_until = Set(Some(now + policy.window));
            }
            active.update(db).await?;
        }
    }
    Ok(())
}

/// Forgets the failures of `key` (after a successful sign-in).
pub async fn clear(db: &impl ConnectionTrait, key: &str) -> Result<(), AppError> {
    auth_throttles::Entity::delete_by_id(key.to_owned()).exec(db).await?;
    Ok(())
}
