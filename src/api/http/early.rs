//! Answers the page asked for before the app ran: `index.html`'s head script sends a
//! signed-in workbench's first reads (the viewer's, and the radar's or home's when the
//! address opens one of them) while the wasm downloads and keeps
//! each in `globalThis.__lianjieEarly`, which hands it out once, and only to a caller
//! with the token it was asked with (another tab may have signed someone else in).

use gloo_net::http::Response;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The early answer for `url` asked with `token`, if the page asked for it and it has
/// not been taken; `None` also when the request itself failed, so the caller asks again.
pub async fn take(url: &str, token: &str) -> Option<Response> {
    let early = js_sys::Reflect::get(&js_sys::global(), &"__lianjieEarly".into()).ok()?;
    if early.is_undefined() {
        return None;
    }
    let take = js_sys::Reflect::get(&early, &"take".into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    let answer = take
        .call2(&early, &url.into(), &token.into())
        .ok()?
        .dyn_into::<js_sys::Promise>()
        .ok()?;
    let res = JsFuture::from(answer).await.ok()?;
    res.dyn_into::<web_sys::Response>().ok().map(Response::from)
}
