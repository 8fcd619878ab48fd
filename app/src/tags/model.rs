//! Wire types for tags, shared by the server and the browser.
use crate::domain::TagColour;
use serde::{Deserialize, Serialize};

/// The longest tag name, in characters, after trimming.
pub const TAG_NAME_MAX_CHARS: usize = 32;

/// A tag as issues carry it.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Tag {
    pub id: i64,
    pub name: String,
    pub colour: TagColour,
}

/// A tag with the number of live issues that carry it, for the tag list's maintainers.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagUsage {
    pub tag: Tag,
    pub issues: u64,
}
