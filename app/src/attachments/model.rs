//! Wire types for attachments, shared by the server and the browser.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An attachment as the issue page lists it.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: i64,
    pub issue_id: i64,
    pub comment_id: Option<i64>,
    pub file_name: String,
    /// Sniffed from the bytes at upload.
    pub content_type: String,
    pub size_bytes: i64,
    /// Who uploaded it.
    pub uploader: crate::people::model::Person,
    pub created_at: DateTime<Utc>,
    /// The viewer uploaded it, or triages issues.
    pub can_delete: bool,
}

impl Attachment {
    /// Where it downloads from (always as a file, never rendered by the browser).
    pub fn download_url(&self) -> String {
        download_path(self.id)
    }

    /// Raster images preview inline through their own path; nothing else does.
    pub fn preview_url(&self) -> Option<String> {
        is_previewable(&self.content_type).then(|| preview_path(self.id))
    }

    /// The size for people: `980 B`, `12.3 KiB`, `4.0 MiB`.
    pub fn size_label(&self) -> String {
        let bytes = self.size_bytes as f64;
        match self.size_bytes {
            n if n < 1024 => format!("{n} B"),
            n if n < 1024 * 1024 => format!("{:.1} KiB", bytes / 1024.0),
            _ => format!("{:.1} MiB", bytes / (1024.0 * 1024.0)),
        }
    }
}

/// Where attachment `id` downloads from.
pub fn download_path(id: i64) -> String {
    format!("/attachments/{id}")
}

/// Where attachment `id` shows inline from, if it is a raster image.
pub fn preview_path(id: i64) -> String {
    format!("/attachments/{id}/preview")
}

/// Raster image types a browser may show inline (no SVG: it can carry script).
pub fn is_previewable(content_type: &str) -> bool {
    matches!(content_type, "image/png" | "image/jpeg" | "image/gif" | "image/webp")
}
