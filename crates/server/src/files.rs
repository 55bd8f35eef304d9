//! Files customers sent with their messages (an email's attachments), served by
//! their unguessable id (128 bits) the way a platform serves its media: whoever
//! holds the address gets the file, nobody can list or guess one. They are never
//! shown as a page: pictures inline, everything else downloaded, sandboxed.

use crate::Shared;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Path, Public};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

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
