use crate::i18n::{Msg, PublicMsg, Text, use_i18n};
use leptos::prelude::*;

/// Keeps the browser tab's title on the current page, in the current language.
pub fn use_page_title(title: impl Text + Send + Sync + 'static) {
    let i18n = use_i18n();
    Effect::new(move || {
        document().set_title(&format!(
            "{} · {}",
            i18n.t(title),
            i18n.t(PublicMsg::AppName)
        ));
    });
}

/// A page's heading and one-line summary, with the page's own controls (if any)
/// beside them; also sets the tab title.
#[component]
pub fn PageHeader(
    title: Msg,
    intro: Msg,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let i18n = use_i18n();
    use_page_title(title);
    view! {
        <header class="page-header">
            <div>
                <h1>{move || i18n.t(title)}</h1>
                <p class="intro">{move || i18n.t(intro)}</p>
            </div>
            {children.map(|c| view! { <div class="page-actions">{c()}</div> })}
        </header>
    }
}
