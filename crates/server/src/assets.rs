//! The built app's files as they are sent: the brotli or gzip copy made at build time
//! when the browser takes it, and a file Trunk named by its content's hash
//! (`reader-dbce7717138049f0_bg.wasm`) kept by the browser for good. Such a name
//! changes whenever its content does, so a customer opening a card again on a slow
//! network asks for none of the script, wasm or styles it already has: without it,
//! each would wait a round trip to be revalidated.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Marks a hashed file's answer as never changing. A hashed name no longer built (an
/// old build's, asked for by a tab opened before a deploy) is not found: the app's page
/// in its place would be taken for the module or script by the browser or the service
/// worker (and kept, under that name, by the worker).
pub async fn cache_hashed(req: Request, next: Next) -> Response {
    let hashed = is_hashed(req.uri().path());
    let mut res = next.run(req).await;
    let page = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    if hashed && page {
        return (StatusCode::NOT_FOUND, "no such file in this build").into_response();
    }
    if hashed && res.status() == StatusCode::OK {
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
    }
    res
}

/// Whether `path` names a script, wasm module or stylesheet as Trunk writes them, or
/// the split workbench's areas and their bundles (`scripts/trunk-split.mjs`):
/// `{name}-{8 to 16 lower-case hex digits of the content's hash}[_bg].{js|wasm|css|json|bin}`
/// (Trunk's hash loses its leading zeros).
fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let Some((stem, "js" | "wasm" | "css" | "json" | "bin")) = name.rsplit_once('.') else {
        return false;
    };
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(name, hash)| {
        !name.is_empty()
            && (8..=16).contains(&hash.len())
            && hash
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

#[cfg(test)]
mod tests {
    use super::is_hashed;

    #[test]
    fn only_files_named_by_their_content_are_hashed() {
        for path in [
            "/customer/reader/reader-dbce7717138049f0_bg.wasm",
            "/customer/reader/reader-dbce7717138049f0.js",
            "/customer/base-fb6a04bacb35610c.css",
            "/lianjie-0123456789abcdef.js",
            "/lianjie-18e0753ab3bccc7.js",
            "/split_home-0b3eb9c7f66ea872.wasm",
            "/areas-0b3eb9c7f66ea872.json",
            "/bundle_radar-0b3eb9c7f66ea872.bin",
        ] {
            assert!(is_hashed(path), "{path}");
        }
        for path in [
            // Named by what they are, so they change in place.
            "/sw.js",
            "/public/favicon.svg",
            "/customer/index.html",
            "/app.js",
            // Not a hash: wrong length, upper case, not hex, no name before it.
            "/reader-dbce771.js",
            "/reader-dbce7717138049f01.js",
            "/reader-DBCE7717138049F0.js",
            "/reader-dbce7717138049g0.js",
            "/-dbce7717138049f0.js",
            // Hashed, but not a file Trunk names so.
            "/photo-dbce7717138049f0.png",
            "/reader-dbce7717138049f0.js/",
        ] {
            assert!(!is_hashed(path), "{path}");
        }
    }
}
