//! The rules for attachments: who may attach, read and remove them, which files are accepted,
//! and how names are cleaned. Attachments follow their issue's permissions.
use super::model::{Attachment, download_path, is_previewable, preview_path};
use crate::{
    people::model::Person,
    activity::{model::Change, service::record},
    auth::model::CurrentUser,
    error::AppError,
    issues::service::{announce, visible_issue},
    server::events::Events,
    server::entities::{attachments, comments, users},
    server::markdown::InlineImages,
};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionSession,
    TransactionTrait,
};

/// How many leading bytes are read before deciding a file's type.
pub const SNIFF_BYTES: usize = 8 * 1024;

/// The longest stored file name, in characters.
const FILE_NAME_MAX_CHARS: usize = 255;

/// Device names Windows will not save a file under, whatever the extension.
const RESERVED_NAMES: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1", "LPT2", "LPT3", "LPT4",
    "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// A user's file name made safe to show and to offer on download: the last path segment,
/// without control characters, not a device name, at most 255 characters. The name is never
/// used as a storage key.
pub fn clean_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last.chars().filter(|c| !c.is_control()).collect();
    // Dots and white space come off both ends until none is left there, so no name is a dot
    // segment (`. .. .` would otherwise leave `..`).
    let cleaned = cleaned.trim_matches(|c: char| c == '.' || c.is_whitespace());
    let mut name: String = cleaned.chars().take(FILE_NAME_MAX_CHARS).collect();
    let stem = name.split('.').next().unwrap_or("").trim().to_ascii_uppercase();
    if RESERVED_NAMES.contains(&stem.as_str()) {
        name.insert(0, '_');
        name = name.chars().take(FILE_NAME_MAX_CHARS).collect();
    }
    if name.is_empty() { "attachment".to_owned() } else { name }
}

/// The accepted types, decided from the first bytes (never from the client's claim):
/// raster images, PDF, archives, and plain text. Markup (HTML, SVG, XML) is refused, since a
/// browser could run script in it.
pub fn sniff(head: &[u8]) -> Result<&'static str, AppError> {
    const ACCEPTED: &[&str] =
        &["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "application/zip", "application/gzip", "application/x-xz"];
    if let Some(kind) = infer::get(head) {
        return ACCEPTED
            .iter()
            .find(|t| **t == kind.mime_type())
            .copied()
            .ok_or_else(|| AppError::UnsupportedType(format!("files of type {} are not accepted", kind.mime_type())));
    }
    // Text: valid UTF-8 (a character may be cut at the end of the sample), no NUL, and not markup.
    let text = match std::str::from_utf8(head) {
        Ok(text) => Some(text),
        Err(err) if err.error_len().is_none() => std::str::from_utf8(&head[..err.valid_up_to()]).ok(),
        Err(_) => None,
    };
    match text {
        Some(text) if !text.contains('\0') => {
            let start = text.trim_start_matches('\u{feff}').trim_start().to_ascii_lowercase();
            if start.starts_with('<') || start.contains("<svg") || start.contains("<script") || start.contains("<html") {
                Err(AppError::UnsupportedType("HTML, SVG and XML files are not accepted".to_owned()))
            } else {
                Ok("text/plain; charset=utf-8")
            }
        }
        _ => Err(AppError::UnsupportedType(
            "this type of file is not accepted (images, PDF, zip/gzip/xz archives and text are)".to_owned(),
        )),
    }
}

/// Checks, before any byte is read, that `actor` may attach to `issue_id` (and to `comment_id`,
/// which must be a live comment of that issue). Anyone who may see the issue may attach.
pub async fn authorize_upload(db: &impl ConnectionTrait, actor: &CurrentUser, issue_id: i64, comment_id: Option<i64>) -> Result<(), AppError> {
    visible_issue(db, actor, issue_id).await?;
    if let Some(comment_id) = comment_id {
        comments::Entity::find_by_id(comment_id)
            .filter(comments::Column::IssueId.eq(issue_id))
            .filter(comments::Column::DeletedAt.is_null())
            .one(db)
            .await?
            .ok_or_else(|| AppError::field("comment_id", "there is no such comment on this issue"))?;
    }
    Ok(())
}

/// A fresh storage key; user input never reaches it.
pub fn new_storage_key() -> String {
    format!("attachments/{}", uuid::Uuid::new_v4().simple())
}

/// What an upload stored, to be recorded.
pub struct Stored {
    pub issue_id: i64,
    pub comment_id: Option<i64>,
    pub storage_key: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: u64,
}

/// Records a stored upload with its history row, in one transaction. The issue is checked
/// again, since it may have been deleted while the bytes arrived.
pub async fn record_upload(db: &(impl ConnectionTrait + TransactionTrait), events: &Events, actor: &CurrentUser, stored: Stored) -> Result<Attachment, AppError> {
    let txn = crate::server::db::begin_write(db).await?;
    let issue = visible_issue(&txn, actor, stored.issue_id).await?;
    let row = attachments::ActiveModel {
        issue_id: Set(stored.issue_id),
        comment_id: Set(stored.comment_id),
        uploader_id: Set(actor.id),
        storage_key: Set(stored.storage_key),
        file_name: Set(stored.file_name.clone()),
        content_type: Set(stored.content_type),
        size_bytes: Set(i64::try_from(stored.size_bytes).unwrap_or(i64::MAX)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let told = record(&txn, events, stored.issue_id, actor.id, Change::AttachmentAdded { file_name: stored.file_name }).await?;
    txn.commit().await?;
    announce(events, &issue, issue.version, crate::live::IssueChange::Attachment, &told);
    Ok(to_dto(row, crate::people::service::person(db, actor.id).await?, actor))
}

fn to_dto(row: attachments::Model, uploader: Person, viewer: &CurrentUser) -> Attachment {
    Attachment {
        can_delete: row.uploader_id == viewer.id || viewer.can_triage(),
        id: row.id,
        issue_id: row.issue_id,
        comment_id: row.comment_id,
        file_name: row.file_name,
        content_type: row.content_type,
        size_bytes: row.size_bytes,
        uploader,
        created_at: row.created_at,
    }
}

/// An issue's attachments, oldest first, for someone who may see the issue.
pub async fn list_attachments(db: &impl ConnectionTrait, actor: &CurrentUser, issue_id: i64) -> Result<Vec<Attachment>, AppError> {
    visible_issue(db, actor, issue_id).await?;
    Ok(attachments::Entity::find()
        .filter(attachments::Column::IssueId.eq(issue_id))
        .order_by_asc(attachments::Column::Id)
        .find_also_related(users::Entity)
        .all(db)
        .await?
        .into_iter()
        .map(|(row, uploader)| to_dto(row, uploader.map_or_else(|| Person::unknown(0), Person::from), actor))
        .collect())
}

/// The pictures of issue `issue_id` as its description and comments may show them: written as
/// their download or preview address, loaded from the preview. Callers check visibility first.
pub async fn inline_images(db: &impl ConnectionTrait, issue_id: i64) -> Result<InlineImages, AppError> {
    let files: Vec<(i64, String)> = attachments::Entity::find()
        .select_only()
        .columns([attachments::Column::Id, attachments::Column::ContentType])
        .filter(attachments::Column::IssueId.eq(issue_id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(files
        .into_iter()
        .filter(|(_, content_type)| is_previewable(content_type))
        .flat_map(|(id, _)| [(download_path(id), preview_path(id)), (preview_path(id), preview_path(id))])
        .collect())
}

/// The attachment `attachment_id` if `actor` may see its issue; 404 otherwise, revealing nothing.
pub async fn find_attachment(db: &impl ConnectionTrait, actor: &CurrentUser, attachment_id: i64) -> Result<attachments::Model, AppError> {
    let row = attachments::Entity::find_by_id(attachment_id).one(db).await?.ok_or(AppError::NotFound)?;
    visible_issue(db, actor, row.issue_id).await?;
    Ok(row)
}

/// Removes an attachment (its uploader, maintainers and admins) with its history row, then,
/// once that is committed, its bytes from `storage`.
pub async fn delete_attachment(
    db: &(impl ConnectionTrait + TransactionTrait),
    events: &Events,
    storage: &dyn object_store::ObjectStore,
    actor: &CurrentUser,
    attachment_id: i64,
) -> Result<(), AppError> {
    let txn = crate::server::db::begin_write(db).await?;
    let row = attachments::Entity::find_by_id(attachment_id).one(&txn).await?.ok_or(AppError::NotFound)?;
    let issue = visible_issue(&txn, actor, row.issue_id).await?;
    if row.uploader_id != actor.id && !actor.can_triage() {
        return Err(AppError::Forbidden);
    }
    attachments::Entity::delete_by_id(row.id).exec(&txn).await?;
    let told = record(&txn, events, row.issue_id, actor.id, Change::AttachmentRemoved { file_name: row.file_name.clone() }).await?;
    txn.commit().await?;
    announce(events, &issue, issue.version, crate::live::IssueChange::Attachment, &told);
    crate::server::storage::delete(storage, &row.storage_key).await;
    Ok(())
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn file_names_lose_paths_controls_and_device_names() {
        assert_eq!(clean_file_name("../../x"), "x");
        assert_eq!(clean_file_name("..\\..\\boot.ini"), "boot.ini");
        assert_eq!(clean_file_name("%2e%2e%2fetc%2fpasswd"), "%2e%2e%2fetc%2fpasswd");
        assert_eq!(clean_file_name("re\0port\u{7}.txt"), "report.txt");
        assert_eq!(clean_file_name("CON"), "_CON");
        assert_eq!(clean_file_name("nul.txt"), "_nul.txt");
        assert_eq!(clean_file_name("..."), "attachment");
        assert_eq!(clean_file_name(""), "attachment");
        assert_eq!(clean_file_name(&"a".repeat(1000)).chars().count(), 255);
        assert_eq!(clean_file_name("résumé 📎.pdf"), "résumé 📎.pdf");
    }

    #[test]
    fn types_come_from_the_bytes_and_markup_is_refused() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR<html><script>alert(1)</script>";
        assert_eq!(sniff(png).unwrap(), "image/png");
        assert_eq!(sniff(b"%PDF-1.7\n").unwrap(), "application/pdf");
        assert_eq!(sniff("plain log line\nsecond é".as_bytes()).unwrap(), "text/plain; charset=utf-8");
        for markup in [&b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"[..], b"<!DOCTYPE html><p>x", b"\xef\xbb\xbf <?xml version='1.0'?>", b"<script>x</script>"] {
            assert!(matches!(sniff(markup), Err(AppError::UnsupportedType(_))), "{:?}", String::from_utf8_lossy(markup));
        }
        assert!(matches!(sniff(b"MZ\x90\0\x03\0\0\0"), Err(AppError::UnsupportedType(_))), "executables");
        assert!(matches!(sniff(&[0xff, 0x00, 0x13, 0x37]), Err(AppError::UnsupportedType(_))), "unknown binary");
    }

    /// File names as a browser or a script may send them: paths either way round, dot
    /// segments, encoded separators, device names, controls, quotes, bidi overrides, emoji,
    /// and names past the length limit.
    pub(in crate::attachments) fn uploaded_names() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            6 => prop::sample::select(vec![
                ".", "..", "/", "\\", " ", "\t", "\r", "\n", "\0", "\u{7f}", "\"", ";", "'", "%2e", "%2f", "CON", "nul", "Lpt1", "com9",
                "report", "é", "📎", "\u{202e}", "\u{200b}", ".txt", ".pdf", "=?utf-8?q?", "C:",
            ]).prop_map(str::to_owned),
            1 => any::<char>().prop_map(String::from),
            1 => "[a-z. ]{250,300}",
        ];
        prop_oneof![4 => prop::collection::vec(piece, 0..16).prop_map(|pieces| pieces.concat()), 1 => "(a?[/\\\\])?[. ]{1,7}"]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn a_cleaned_file_name_is_one_short_visible_segment_and_no_device(raw in uploaded_names()) {
            let name = clean_file_name(&raw);
            prop_assert!(!name.contains(['/', '\\']), "{:?} became {:?}", raw, name);
            prop_assert!(!name.chars().any(char::is_control), "{:?} became {:?}", raw, name);
            prop_assert!((1..=FILE_NAME_MAX_CHARS).contains(&name.chars().count()), "{:?} became {:?}", raw, name);
            let stem = name.split('.').next().unwrap_or("").trim().to_ascii_uppercase();
            prop_assert!(!RESERVED_NAMES.contains(&stem.as_str()), "{:?} became {:?}", raw, name);
        }

        #[test]
        fn a_cleaned_file_name_is_never_a_dot_segment(raw in uploaded_names()) {
            let name = clean_file_name(&raw);
            prop_assert!(name != "." && name != "..", "{:?} became {:?}", raw, name);
        }
    }

    #[test]
    fn storage_keys_are_fresh_uuids_never_names() {
        let keys: std::collections::HashSet<String> = (0..100).map(|_| new_storage_key()).collect();
        assert_eq!(keys.len(), 100, "every upload gets its own key");
        for key in keys {
            let id = key.strip_prefix("attachments/").unwrap_or_else(|| panic!("{key}"));
            let id = uuid::Uuid::try_parse(id).unwrap_or_else(|e| panic!("{key}: {e}"));
            assert_eq!(id.get_version_num(), 4, "{key} is random");
        }
    }
}
