use crate::components::{LanguageSwitcher, use_page_title};
use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;
use leptos_router::components::A;

/// Shown for any address no route matches.
#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    use_page_title(Msg::NotFoundTitle);
    view! {
        <main id="main" class="not-found">
            <h1>{move || i18n.t(Msg::NotFoundTitle)}</h1>
            <p>{move || i18n.t(Msg::NotFoundBody)}</p>
            <A href="/">{move || i18n.t(Msg::BackToDashboard)}</A>
            <LanguageSwitcher />
        </main>
    }
}
