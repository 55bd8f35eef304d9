use crate::components::{LanguageSwitcher, use_page_title};
use crate::i18n::{PublicMsg, use_i18n};
use leptos::prelude::*;

/// Shown for any address no route matches.
#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    use_page_title(PublicMsg::NotFoundTitle);
    view! {
        <main id="main" class="not-found">
            <h1>{move || i18n.t(PublicMsg::NotFoundTitle)}</h1>
            <p>{move || i18n.t(PublicMsg::NotFoundBody)}</p>
            <a href="/">{move || i18n.t(PublicMsg::BackToDashboard)}</a>
            <LanguageSwitcher />
        </main>
    }
}
