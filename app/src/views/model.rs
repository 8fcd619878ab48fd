//! Wire types for saved views, shared by the server and the browser.
use serde::{Deserialize, Serialize};

/// The longest view name, in characters, after trimming.
pub const NAME_MAX_CHARS: usize = 64;

/// A view of the issue list: its name, its query, and how many issues it holds for whoever asks.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedView {
    /// `None` for the views every account has.
    pub id: Option<i64>,
    pub name: String,
    /// The search box's text: `/issues?q=<query>` opens it.
    pub query: String,
    /// Offered to everyone (made by a maintainer or admin).
    pub shared: bool,
    /// Who made it, when it is someone else's shared view.
    pub by: Option<String>,
    /// Whether the asker may delete it: their own, or any for admins.
    pub deletable: bool,
    /// The issues it holds that the asker may see, counted at most a few seconds ago.
    pub count: u64,
}
