//! Files customers sent with their messages (an email's attachments), served by
//! their unguessable id (128 bits) the way a platform serves its media: whoever
//! holds the address gets the file, nobody can list or guess one. They are never
//! shown as a page: pictures inline, everything else downloaded, sandboxed.

use crate::Shared;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Path, Public};
use crate::storage::StorageResult;
use crate::storage::files::StoredFile;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use lianjie_core::inbox::Attachment;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use sha2::Digest as _;

/// Pictures a browser may show inline; any other type is downloaded.
const INLINE: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

/// A file's id: 32 lowercase hex digits.
pub fn is_file_id(id: &str) -> bool {
    id.len() == 32 && id.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f'))
}

pub async fn file(
    State(s): State<Shared>,
    _: Public,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    if !is_file_id(&id) {
        return Err(ApiError::NotFound("file"));
    }
    let f = s
        .storage
        .file(&id)
        .await?
        .ok_or(ApiError::NotFound("file"))?;
    let inline = INLINE.contains(&f.content_type.as_str());
    let (kind, disposition) = match inline {
        true => (f.content_type.as_str(), "inline"),
        false => ("application/octet-stream", "attachment"),
    };
    let name = utf8_percent_encode(&f.name, NON_ALPHANUMERIC);
    Ok((
        [
            (header::CONTENT_TYPE, kind.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("{disposition}; filename*=UTF-8''{name}"),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox".to_owned(),
            ),
            (
                header::CACHE_CONTROL,
                "private, max-age=31536000, immutable".to_owned(),
            ),
        ],
        f.bytes,
    )
        .into_response())
}

/// Keeps `file` for organization `org` as the attachment of a message, at an id
/// drawn from `origin` (what the file is: the same origin is the same id, so a
/// message read twice keeps its file once). `None` when the server has no
/// public address to serve it at.
pub async fn keep(
    s: &Shared,
    org: &str,
    origin: &[&[u8]],
    file: StoredFile,
) -> StorageResult<Option<Attachment>> {
    let base = s.config.public_url.trim_end_matches('/');
    if base.is_empty() {
        return Ok(None);
    }
    let mut parts = vec![org.as_bytes()];
    parts.extend_from_slice(origin);
    let id = hex::encode(&sha2::Sha256::digest(parts.join(&0u8))[..16]);
    let name: String = file.name.chars().take(200).collect();
    let is_image = file.content_type.starts_with("image/");
    let file = StoredFile { name, ..file };
    s.storage
        .put_file(org, &id, &file, chrono::Utc::now())
        .await?;
    Ok(Some(Attachment {
        url: format!("{base}/api/v1/files/{id}"),
        name: file.name,
        is_image,
    }))
}
