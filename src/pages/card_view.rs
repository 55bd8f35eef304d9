use super::use_public_id;
use crate::components::use_page_title;
use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;

/// The customer's view of a rep's card, opened from a chat.
#[component]
pub fn CardView() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_public_id("card");
    use_page_title(Msg::CardPageTitle);
    move || {
        id.get().map(|_| {
            view! { <h1>{move || i18n.t(Msg::CardPageTitle)}</h1> }
        })
    }
}
