//! Copying the card's WeChat ID, for the app's card page and the reader alike (no
//! Leptos): through the clipboard API where the browser offers it (plain http and
//! some in-app browsers do not), else the old select-and-copy.

use std::future::Future;
use wasm_bindgen::JsCast;

/// The element showing the WeChat ID on a card page (the first paint's and the app's).
const SHOWN_IN: &str = "card-wechat-id";

/// Copies `id`; resolves to whether it was copied. The clipboard write starts now,
/// while the tap that asked for it still counts as the user's; the ID is selected
/// either way, so a reader told to copy by hand finds it ready.
pub fn copy_wechat_id(id: &str) -> impl Future<Output = bool> + use<> {
    let started = web_sys::window().and_then(|w| {
        let navigator = w.navigator();
        js_sys::Reflect::get(&navigator, &"clipboard".into())
            .is_ok_and(|c| !c.is_undefined() && !c.is_null())
            .then(|| navigator.clipboard().write_text(id))
    });
    async move {
        let copied = match started {
            Some(p) => wasm_bindgen_futures::JsFuture::from(p).await.is_ok(),
            None => false,
        };
        copied || select_and_copy()
    }
}

/// The old select-and-copy that in-app browsers still support.
fn select_and_copy() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let Some(document) = window.document() else {
        return false;
    };
    let Some(el) = document.get_element_by_id(SHOWN_IN) else {
        return false;
    };
    let selected = window
        .get_selection()
        .ok()
        .flatten()
        .is_some_and(|s| s.select_all_children(&el).is_ok());
    selected
        && document
            .dyn_into::<web_sys::HtmlDocument>()
            .ok()
            .and_then(|d| d.exec_command("copy").ok())
            .unwrap_or(false)
}
