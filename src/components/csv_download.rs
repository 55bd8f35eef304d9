//! Saving text the page wrote (a CSV export) as a file, through a temporary link.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// How long the file's address lives after the download starts.
const URL_LIFETIME_MS: u32 = 60_000;

/// The page could not make the file's link.
#[derive(Debug, thiserror::Error)]
#[error("the download could not start")]
pub struct DownloadFailed;

/// Saves `text` as `file_name` (UTF-8 CSV).
pub fn download_csv(text: &str, file_name: &str) -> Result<(), DownloadFailed> {
    let blob = gloo_file::Blob::new_with_options(text, Some("text/csv;charset=utf-8"));
    let url = gloo_file::ObjectUrl::from(blob);
    let link = document()
        .create_element("a")
        .map_err(|_| DownloadFailed)?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .map_err(|_| DownloadFailed)?;
    link.set_href(&url);
    link.set_download(file_name);
    link.click();
    // Revoked once the browser has surely read it.
    set_timeout(
        move || drop(url),
        std::time::Duration::from_millis(URL_LIFETIME_MS.into()),
    );
    Ok(())
}
