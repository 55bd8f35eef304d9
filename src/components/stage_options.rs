use crate::i18n::{Msg, use_i18n};
use crate::viewer::use_viewer;
use leptos::prelude::*;

/// The organization's stages as the options of a `<select>`, in order, `selected`
/// chosen; `any` first (value "") when the choice may be "every stage".
#[component]
pub fn StageOptions(selected: Signal<String>, #[prop(optional)] any: Option<Msg>) -> impl IntoView {
    let i18n = use_i18n();
    let viewer = use_viewer();
    let stages = move || viewer.with(|v| v.org.stages()).unwrap_or_default();
    view! {
        {any.map(|label| view! {
            <option value="" selected=move || selected.get().is_empty()>{move || i18n.t(label)}</option>
        })}
        {move || stages().into_iter().map(|s| {
            let id = s.id.clone();
            let chosen = s.id.clone();
            view! {
                <option value=s.id selected=move || selected.get() == chosen>
                    {move || viewer.with(|v| i18n.stage(&v.org, &id)).unwrap_or_default()}
                </option>
            }
        }).collect_view()}
    }
}
