//! The REST API's files: the list and removal under `/api/v1`, uploads (on a route of their own
//! with the larger body limit) and downloads at `/attachments/{id}`. Files are streamed through
//! the object store, never held whole in memory. The rules (who, which types, which names) are
//! the attachments service's.
use super::{
    model::{Attachment, is_previewable},
    service::{self, SNIFF_BYTES, Stored},
};
use crate::{
    auth::{model::CurrentUser, rest::ApiUser},
    error::AppError,
    server::{
        AppState,
        rest::{ApiError, ErrorBody, Id, created},
        storage::{Upload, storage_error},
    },
};
use axum::{
    Json, Router,
    body::Body,
    extract::{Multipart, Path, Query, State, multipart::MultipartError},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use object_store::ObjectStoreExt;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

/// Room for the multipart framing around the file itself.
pub const MULTIPART_OVERHEAD_BYTES: u64 = 64 * 1024;

/// What a downloaded or previewed file may do in the browser: nothing.
const FILE_CSP: &str = "default-src 'none'; img-src 'self'; sandbox";

/// An issue's file list and removal, with their part of the API document.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_attachments)).routes(routes!(delete_attachment))
}

/// The upload route and its part of the API document; the router gives it the attachment
/// size limit rather than the JSON one.
pub fn upload_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(upload_attachment))
}

/// Downloads and previews, outside `/api/v1` so that links in pages can name them.
pub fn file_routes() -> Router<AppState> {
    Router::new().route("/attachments/{id}", get(download)).route("/attachments/{id}/preview", get(preview))
}

/// The issue's files. Download one from `/attachments/{id}`.
#[utoipa::path(get, path = "/api/v1/issues/{id}/attachments", tag = "attachments", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<Attachment>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_attachments(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id) -> Result<Json<Vec<Attachment>>, ApiError> {
    Ok(Json(super::service::list_attachments(&state.db, &user, id).await?))
}

/// Removes a file: its record and its bytes (the uploader, maintainers and admins).
#[utoipa::path(delete, path = "/api/v1/attachments/{id}", tag = "attachments", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_attachment(State(state): State<AppState>, ApiUser(user): ApiUser, Id(id): Id) -> Result<StatusCode, ApiError> {
    super::service::delete_attachment(&state.db, &state.events, state.storage.as_ref(), &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}



#[derive(Deserialize)]
pub struct UploadTarget {
    /// Attach to this comment of the issue, rather than to the issue itself.
    comment_id: Option<i64>,
}

fn multipart_error(err: MultipartError, limit: u64) -> AppError {
    if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge { limit_bytes: limit }
    } else {
        AppError::field("file", format!("the upload could not be read ({})", err.body_text()))
    }
}

/// The upload form, for the API document.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file; its type is read from its bytes.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// `POST /api/v1/issues/{id}/attachments`, a multipart form with a `file` field: 201 with the
/// attachment and its `Location`. Permission is checked before a byte of the body is read;
/// the type is sniffed from the first 8 KiB before anything is stored.
#[utoipa::path(post, path = "/api/v1/issues/{id}/attachments", tag = "attachments",
    params(("id" = i64, Path), ("comment_id" = Option<i64>, Query, description = "Attach to this comment of the issue")),
    request_body(content = UploadForm, content_type = "multipart/form-data"), security(("bearer" = [])),
    responses((status = 201, body = Attachment, headers(("Location" = String))), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn upload_attachment(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(issue_id): Path<i64>,
    Query(target): Query<UploadTarget>,
    mut form: Multipart,
) -> Result<Response, ApiError> {
    service::authorize_upload(&state.db, &user, issue_id, target.comment_id).await?;
    let limit = state.settings.attachment_max_bytes;
    let mut field = loop {
        match form.next_field().await.map_err(|e| multipart_error(e, limit))? {
            Some(field) if field.name() == Some("file") => break field,
            Some(_) => continue,
            None => return Err(AppError::field("file", "choose a file to upload").into()),
        }
    };
    let file_name = service::clean_file_name(field.file_name().unwrap_or_default());
    let mut head = Vec::new();
    let mut ended = false;
    while head.len() < SNIFF_BYTES {
        match field.chunk().await.map_err(|e| multipart_error(e, limit))? {
            Some(chunk) => head.extend_from_slice(&chunk),
            None => {
                ended = true;
                break;
            }
        }
    }
    if head.is_empty() {
        return Err(AppError::field("file", "the file is empty").into());
    }
    let content_type = match service::sniff(&head[..head.len().min(SNIFF_BYTES)]) {
        Ok(content_type) => content_type,
        Err(err) => {
            drop(field);
            drain(form).await;
            return Err(err.into());
        }
    };
    let storage_key = service::new_storage_key();
    let mut upload = Upload::start(state.storage.clone(), &storage_key, limit);
    let written = async {
        upload.write(head.into()).await?;
        while !ended {
            match field.chunk().await.map_err(|e| multipart_error(e, limit))? {
                Some(chunk) => upload.write(chunk).await?,
                None => ended = true,
            }
        }
        Ok::<_, AppError>(())
    }
    .await;
    if let Err(err) = written {
        upload.abort().await;
        drop(field);
        drain(form).await;
        return Err(err.into());
    }
    let size_bytes = upload.finish().await?;
    let stored = Stored { issue_id, comment_id: target.comment_id, storage_key: storage_key.clone(), file_name, content_type: content_type.to_owned(), size_bytes };
    match service::record_upload(&state.db, &state.events, &user, stored).await {
        Ok(attachment) => Ok(created(attachment.download_url(), attachment)),
        Err(err) => {
            crate::server::storage::delete(state.storage.as_ref(), &storage_key).await;
            Err(err.into())
        }
    }
}

/// Reads what is left of a refused upload, down to the closing boundary: the body limit caps it
/// just above the file limit. Closing a connection with bytes still unread resets it, and the
/// client, still sending, would lose the answer with it.
async fn drain(mut form: Multipart) {
    while let Ok(Some(mut field)) = form.next_field().await {
        while let Ok(Some(_)) = field.chunk().await {}
    }
}

/// Characters left as they are in an RFC 5987 `filename*` value.
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC.remove(b'!').remove(b'#').remove(b'$').remove(b'&').remove(b'+').remove(b'-').remove(b'.').remove(b'^').remove(b'_').remove(b'`').remove(b'|').remove(b'~');

/// `attachment; filename="ascii fallback"; filename*=UTF-8''percent-encoded`.
fn content_disposition(kind: &str, file_name: &str) -> String {
    let fallback: String = file_name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' }).collect();
    format!("{kind}; filename=\"{fallback}\"; filename*=UTF-8''{}", utf8_percent_encode(file_name, ATTR_CHAR))
}

async fn send(state: &AppState, user: &CurrentUser, id: i64, inline: bool) -> Result<Response, ApiError> {
    let row = service::find_attachment(&state.db, user, id).await?;
    if inline && !is_previewable(&row.content_type) {
        return Err(AppError::NotFound.into());
    }
    let object = match state.storage.get(&object_store::path::Path::from(row.storage_key.as_str())).await {
        Ok(object) => object,
        Err(object_store::Error::NotFound { .. }) => return Err(AppError::NotFound.into()),
        Err(err) => return Err(storage_error(err).into()),
    };
    let size = object.meta.size;
    let disposition = content_disposition(if inline { "inline" } else { "attachment" }, &row.file_name);
    let headers = [
        (header::CONTENT_TYPE, row.content_type),
        (header::CONTENT_LENGTH, size.to_string()),
        (header::CONTENT_DISPOSITION, disposition),
        (header::CONTENT_SECURITY_POLICY, FILE_CSP.to_owned()),
        (header::CACHE_CONTROL, "private, no-cache".to_owned()),
    ];
    Ok((headers, Body::from_stream(object.into_stream())).into_response())
}

/// `GET /attachments/{id}`: the file, always as a download.
async fn download(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<i64>) -> Result<Response, ApiError> {
    send(&state, &user, id, false).await
}

/// `GET /attachments/{id}/preview`: raster images only, inline, sandboxed.
async fn preview(State(state): State<AppState>, ApiUser(user): ApiUser, Path(id): Path<i64>) -> Result<Response, ApiError> {
    send(&state, &user, id, true).await
}

#[cfg(test)]
mod tests {
    use super::content_disposition;
    use crate::attachments::service::{clean_file_name, tests::uploaded_names};
    use proptest::prelude::*;

    #[test]
    fn file_names_are_offered_safely() {
        assert_eq!(content_disposition("attachment", "report.pdf"), "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf");
        assert_eq!(
            content_disposition("attachment", "résumé \"final\".pdf"),
            "attachment; filename=\"r_sum_ _final_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.pdf"
        );
        assert_eq!(content_disposition("inline", "a;b\r\n.png"), "inline; filename=\"a;b__.png\"; filename*=UTF-8''a%3Bb%0D%0A.png");
    }

    /// The two names a Content-Disposition value offers: the quoted ASCII fallback and the
    /// percent-decoded `filename*`; what is wrong with the value otherwise.
    fn offered_names(kind: &str, value: &str) -> Result<(String, String), String> {
        if let Some(c) = value.chars().find(|c| !(c.is_ascii_graphic() || *c == ' ')) {
            return Err(format!("{c:?} in one header line"));
        }
        let quoted = value.strip_prefix(&format!("{kind}; filename=\"")).ok_or("no quoted name first")?;
        let (fallback, rest) = quoted.split_once('"').ok_or("an unclosed quoted name")?;
        if fallback.contains('\\') {
            return Err("a backslash in the quoted name".to_owned());
        }
        let encoded = rest.strip_prefix("; filename*=UTF-8''").ok_or("no encoded name after the quoted one")?;
        // RFC 5987's attr-char, and `%` for the escapes.
        if let Some(c) = encoded.bytes().find(|b| !(b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~%".contains(b))) {
            return Err(format!("{:?} is not an RFC 5987 attr-char", char::from(c)));
        }
        let decoded = percent_encoding::percent_decode_str(encoded).decode_utf8().map_err(|e| e.to_string())?;
        Ok((fallback.to_owned(), decoded.into_owned()))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn a_content_disposition_is_one_header_line_naming_the_file_exactly(name in prop_oneof![any::<String>(), uploaded_names()], inline in any::<bool>()) {
            let kind = if inline { "inline" } else { "attachment" };
            let value = content_disposition(kind, &name);
            let (fallback, decoded) = offered_names(kind, &value).map_err(|e| TestCaseError::fail(format!("{e}: {name:?} gave {value:?}")))?;
            prop_assert_eq!(&decoded, &name, "filename* names the file as it was stored");
            prop_assert_eq!(fallback.chars().count(), name.chars().count(), "one ASCII character a character: {:?}", value);
        }

        #[test]
        fn an_uploaded_file_is_offered_without_a_path(raw in uploaded_names()) {
            let value = content_disposition("attachment", &clean_file_name(&raw));
            let (fallback, decoded) = offered_names("attachment", &value).map_err(|e| TestCaseError::fail(format!("{e}: {raw:?} gave {value:?}")))?;
            for offered in [fallback, decoded] {
                prop_assert!(!offered.contains(['/', '\\']), "{:?} is offered as {:?}", raw, offered);
            }
        }
    }
}
