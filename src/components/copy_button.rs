use crate::components::use_toasts;
use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;

/// A button that puts `text` on the clipboard and says so (`done`), or says that
/// it could not (the text stays on screen to copy by hand).
#[component]
pub fn CopyButton(text: String, label: Msg, done: Msg) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let copy = move |_| {
        let promise = window().navigator().clipboard().write_text(&text);
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(promise).await {
                Ok(_) => {
                    toasts.info(i18n.t(done));
                }
                Err(_) => {
                    toasts.error(i18n.t(Msg::CopyFailed), None);
                }
            }
        });
    };
    view! {
        <button type="button" on:click=copy>{move || i18n.t(label)}</button>
    }
}
