use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;

/// A table wider than a phone, scrolled sideways in its own box. The box is a named
/// region that takes the keyboard's focus, so the arrow keys scroll a table that has
/// no link or button of its own to reach it by.
#[component]
pub fn TableScroll(
    /// What the region is called (the table's caption).
    label: Msg,
    /// More classes for the box.
    #[prop(optional)]
    class: &'static str,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class=format!("table-scroll {class}").trim_end().to_owned() role="region" tabindex="0"
            aria-label=move || i18n.t(label)>
            {children()}
        </div>
    }
}
