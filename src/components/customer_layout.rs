use super::{GuardedPage, LanguageSwitcher};
use crate::i18n::{PublicMsg, use_i18n};
use leptos::prelude::*;

/// Phone-first frame for the pages customers open from a chat: one narrow column,
/// no staff chrome, and the plain notice that viewing time is recorded.
#[component]
pub fn CustomerLayout(children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="customer">
            <main id="main" class="customer-main">
                <GuardedPage>{children()}</GuardedPage>
            </main>
            <footer class="customer-footer">
                <p class="tracking-notice">{move || i18n.t(PublicMsg::TrackingNotice)}</p>
                <LanguageSwitcher />
            </footer>
        </div>
    }
}

/// Removes the first paint the server put in the page (`#first-paint`: the card or
/// content, working before the app loads; core's `first_paint`) once the app shows
/// the page itself, or cannot (an error). Until then the app's frame is hidden
/// beside it (customer.css).
pub fn first_paint_done() {
    if let Some(el) = document().get_element_by_id("first-paint") {
        el.remove();
    }
}
