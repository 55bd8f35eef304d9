use super::use_public_id;
use crate::components::use_page_title;
use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;

/// Shared content opened from a per-recipient link.
#[component]
pub fn ShareView() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_public_id("token");
    use_page_title(Msg::SharePageTitle);
    move || {
        id.get().map(|_| {
            view! { <h1>{move || i18n.t(Msg::SharePageTitle)}</h1> }
        })
    }
}
