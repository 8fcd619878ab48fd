//! Wire types for issue templates, shared by the server and the browser.
use crate::{domain::Severity, tags::model::Tag};
use serde::{Deserialize, Serialize};

/// The longest template name, in characters, after trimming.
pub const NAME_MAX_CHARS: usize = 64;
/// The longest one-line description, in characters, after trimming.
pub const ABOUT_MAX_CHARS: usize = 160;

/// What `/issues/new?template=` names to start from a blank issue (no template may take it).
pub const BLANK: &str = "blank";

/// A template to file an issue from: what the filing page fills in when it is chosen.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub id: i64,
    /// From the name when the template was made, and kept: `/issues/new?template=<slug>` links
    /// go on working after a rename.
    pub slug: String,
    pub name: String,
    /// One line saying when to use it.
    pub about: String,
    /// The severity an issue filed from it starts with.
    pub severity: Severity,
    /// The tags an issue filed from it starts with.
    pub tags: Vec<Tag>,
    /// The markdown the description starts from.
    pub body: String,
    /// Archived templates are no longer offered; issues filed from them still name them.
    pub archived: bool,
}

/// The template an issue was filed from, as the issue names it.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateRef {
    pub id: i64,
    pub name: String,
}
