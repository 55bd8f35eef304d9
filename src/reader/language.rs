//! The language links on a page the reader runs: the same page in the other language,
//! fetched from the server and put in place of the first paint, so that switching
//! keeps the view open (following the link would open it again: one more visit for
//! the rep to see).

use gloo_net::http::Request;
use wasm_bindgen::JsCast;

/// Shows this page in the language of the link `href` (`?lang=…`) and puts the link
/// in the address, so a reload stays in it. `Err` when it could not: the caller
/// follows the link instead.
pub async fn switch(href: &str, keep_title: bool) -> Result<(), ()> {
    let window = web_sys::window().ok_or(())?;
    let document = window.document().ok_or(())?;
    let address = format!("{}{href}", window.location().pathname().map_err(|_| ())?);
    let res = Request::get(&address).send().await.map_err(|_| ())?;
    if !res.ok() {
        return Err(());
    }
    let html = res.text().await.map_err(|_| ())?;
    // Parsed inert (no script in it runs), from this page's own server: what a reload
    // would show, every text in it escaped by core's first paint.
    let fetched = web_sys::DomParser::new()
        .and_then(|p| p.parse_from_string(&html, web_sys::SupportedType::TextHtml))
        .map_err(|_| ())?;
    let (new, shown) = (
        fetched.get_element_by_id("first-paint").ok_or(())?,
        document.get_element_by_id("first-paint").ok_or(())?,
    );
    shown.set_inner_html(&new.inner_html());
    if let (Some(root), Some(lang)) = (
        document.document_element(),
        fetched
            .document_element()
            .and_then(|e| e.get_attribute("lang")),
    ) {
        let _ = root.set_attribute("lang", &lang);
    }
    if !keep_title {
        document.set_title(&fetched.title());
    }
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&address));
    }
    // Focus stays on the language switch, now the chosen language's link.
    if let Some(link) = document
        .query_selector(".lang-switcher a[aria-current]")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = link.focus();
    }
    Ok(())
}
