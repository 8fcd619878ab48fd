//! The closed set of actions the audit log records.
use crate::domain::{UnknownValue, closed_set};
#[cfg(feature = "ssr")]
use sea_orm::sea_query::StringLen;
use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

closed_set! {
    /// Every action the log records; the text is what the log stores and the filter sends.
    AuditAction {
        Login => "login", "Signed in",
        LoginFailed => "login_failed", "Sign-in failed",
        Signup => "signup", "Signed up",
        Logout => "logout", "Signed out",
        SessionsRevoked => "sessions_revoked", "Other sessions ended",
        PasswordChanged => "password_changed", "Password changed",
        ProfileChanged => "profile_changed", "Name or handle changed",
        PasswordResetRequested => "password_reset_requested", "Password reset asked for",
        PasswordReset => "password_reset", "Password reset",
        ApiTokenCreated => "api_token_created", "API token created",
        ApiTokenRevoked => "api_token_revoked", "API token revoked",
        RoleChanged => "role_changed", "Role changed",
        UserDeactivated => "user_deactivated", "User deactivated",
        UserReactivated => "user_reactivated", "User reactivated",
        AdminCreated => "admin_created", "Admin created",
        IssueDeleted => "issue_deleted", "Issue deleted",
        IssueRestored => "issue_restored", "Issue restored",
        CommentDeleted => "comment_deleted", "Comment deleted",
        TagCreated => "tag_created", "Tag created",
        TagUpdated => "tag_updated", "Tag updated",
        TagDeleted => "tag_deleted", "Tag deleted",
        TemplateCreated => "template_created", "Template created",
        TemplateUpdated => "template_updated", "Template updated",
        TemplateArchived => "template_archived", "Template archived",
        TemplatesReordered => "templates_reordered", "Templates reordered",
        SharedViewSaved => "shared_view_saved", "Shared view saved",
        SharedViewDeleted => "shared_view_deleted", "Shared view deleted",
        AccessRefused => "access_refused", "Admin action refused",
    }
}

#[cfg(test)]
mod tests {
    use super::AuditAction;

    #[test]
    fn actions_keep_the_text_the_log_already_stores() {
        assert_eq!(AuditAction::ApiTokenCreated.as_str(), "api_token_created");
        assert_eq!("login".parse::<AuditAction>().unwrap(), AuditAction::Login);
        assert_eq!(serde_json::to_string(&AuditAction::RoleChanged).unwrap(), "\"role_changed\"");
        assert!("sudo".parse::<AuditAction>().is_err());
    }
}
