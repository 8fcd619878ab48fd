//! Who may see and do what: each access rule written once, for every reader and every writer.
//! The issue list, search, the detail page, the dashboard and the live socket all ask here
//! which issues someone may see, so no two of them can disagree.
use crate::{auth::model::CurrentUser, error::AppError};

/// 403 unless `actor` is an admin.
pub fn require_admin(actor: &CurrentUser) -> Result<(), AppError> {
    if actor.is_admin() { Ok(()) } else { Err(AppError::Forbidden) }
}

/// 403 unless `actor` is an admin, and a refusal is entered in the audit log as an
/// `access_refused` entry naming `what` was tried: someone probing the admin pages shows up
/// in the log admins read. For every admin-only action (users and roles, the audit log, the
/// outbox, the jobs).
#[cfg(feature = "ssr")]
pub async fn require_admin_audited(db: &(impl sea_orm::ConnectionTrait + sea_orm::TransactionTrait), actor: &CurrentUser, what: &str) -> Result<(), AppError> {
    let Err(refused) = require_admin(actor) else { return Ok(()) };
    let event = crate::audit_log::Event::new(actor, crate::audit_log::AuditAction::AccessRefused).target(what);
    crate::audit_log::append(db, event).await?;
    Err(refused)
}

/// 403 unless `actor` triages issues: a maintainer or an admin.
pub fn require_triager(actor: &CurrentUser) -> Result<(), AppError> {
    if actor.can_triage() { Ok(()) } else { Err(AppError::Forbidden) }
}

/// Whose issues someone may see, whether or not the issues are deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssueScope {
    /// Maintainers and admins: every reporter's issues.
    Every,
    /// Reporters: only the issues they filed.
    ReportedBy(i64),
}

impl IssueScope {
    /// The scope of `actor`.
    pub fn of(actor: &CurrentUser) -> IssueScope {
        IssueScope::of_account(actor.id, actor.role)
    }

    /// The scope of account `user_id` with `role`: for deciding about someone other than the
    /// person asking (whom to notify, whom to suggest for a mention).
    pub fn of_account(user_id: i64, role: crate::domain::Role) -> IssueScope {
        if matches!(role, crate::domain::Role::Maintainer | crate::domain::Role::Admin) { IssueScope::Every } else { IssueScope::ReportedBy(user_id) }
    }

    /// Whether an issue filed by `reporter_id` is in the scope: for decisions made without a
    /// query, such as which change notices a socket passes on.
    pub fn covers(self, reporter_id: i64) -> bool {
        match self {
            IssueScope::Every => true,
            IssueScope::ReportedBy(own) => own == reporter_id,
        }
    }

    /// The scope as a condition on `issues`.
    #[cfg(feature = "ssr")]
    pub fn condition(self) -> sea_orm::Condition {
        use crate::server::entities::issues;
        use sea_orm::{ColumnTrait, Condition};
        match self {
            IssueScope::Every => Condition::all(),
            IssueScope::ReportedBy(reporter) => Condition::all().add(issues::Column::ReporterId.eq(reporter)),
        }
    }
}

/// The issues `actor` may see, as a condition on `issues`: live ones only, every reporter's for
/// maintainers and admins, their own for reporters. It composes with any query on issues
/// (`Select::filter`, or `cond_where` in a subquery).
#[cfg(feature = "ssr")]
pub fn visible_issues(actor: &CurrentUser) -> sea_orm::Condition {
    use crate::server::entities::issues;
    use sea_orm::ColumnTrait;
    IssueScope::of(actor).condition().add(issues::Column::DeletedAt.is_null())
}

/// Issue `issue_id` if `actor` may see it, else 404 (whether or not it exists).
#[cfg(feature = "ssr")]
pub async fn visible_issue(
    db: &impl sea_orm::ConnectionTrait,
    actor: &CurrentUser,
    issue_id: i64,
) -> Result<crate::server::entities::issues::Model, crate::error::AppError> {
    use crate::server::entities::issues;
    use sea_orm::{EntityTrait, QueryFilter};
    issues::Entity::find_by_id(issue_id).filter(visible_issues(actor)).one(db).await?.ok_or(crate::error::AppError::NotFound)
}

/// Whether `actor` may list deleted issues (to restore them): admins only.
pub fn sees_deleted(actor: &CurrentUser) -> bool {
    actor.is_admin()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    fn user(id: i64, role: Role) -> CurrentUser {
        CurrentUser { id, email: format!("user{id}@example.com"), role, credential: crate::auth::model::Credential::Session(String::new()) }
    }

    #[test]
    fn reporters_see_their_own_issues_and_triagers_every_one() {
        assert!(IssueScope::of(&user(1, Role::Reporter)).covers(1));
        assert!(!IssueScope::of(&user(1, Role::Reporter)).covers(2));
        assert!(IssueScope::of(&user(1, Role::Maintainer)).covers(2));
        assert!(IssueScope::of(&user(1, Role::Admin)).covers(2));
    }

    #[test]
    fn only_admins_pass_require_admin_and_reporters_fail_require_triager() {
        assert_eq!(require_admin(&user(1, Role::Maintainer)), Err(AppError::Forbidden));
        assert_eq!(require_admin(&user(1, Role::Admin)), Ok(()));
        assert_eq!(require_triager(&user(1, Role::Reporter)), Err(AppError::Forbidden));
        assert_eq!(require_triager(&user(1, Role::Maintainer)), Ok(()));
    }
}
