use super::use_public_id;
use crate::components::use_page_title;
use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;

/// The customer's web chat with the rep, which lands in the inbox.
#[component]
pub fn WebChat() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_public_id("token");
    use_page_title(Msg::ChatPageTitle);
    move || {
        id.get().map(|_| {
            view! { <h1>{move || i18n.t(Msg::ChatPageTitle)}</h1> }
        })
    }
}
