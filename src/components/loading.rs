use crate::i18n::{PublicMsg, use_i18n};
use leptos::prelude::*;

/// What shows while data is on its way; announced politely to screen readers.
#[component]
pub fn Loading() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            {move || i18n.t(PublicMsg::Loading)}
        </div>
    }
}
