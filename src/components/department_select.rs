use crate::i18n::{Msg, use_i18n};
use crate::viewer::use_viewer;
use leptos::prelude::*;

/// A labelled picker of the organization's departments (indented by depth), with
/// "all departments" first; the choice is `value` (`None`: all), told by `set`.
#[component]
pub fn DepartmentSelect(
    /// The `<select>`'s id, which its label points at.
    id: &'static str,
    #[prop(into)] value: Signal<Option<String>>,
    #[prop(into)] set: Callback<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let departments: Vec<(String, String)> = use_viewer()
        .with_untracked(|v| {
            v.org
                .tree()
                .into_iter()
                .map(|(depth, d)| (d.id.clone(), format!("{}{}", "　".repeat(depth), d.name)))
                .collect()
        })
        .unwrap_or_default();
    view! {
        <label for=id>{move || i18n.t(Msg::Department)}</label>
        <select id=id on:change=move |ev| {
            let d = event_target_value(&ev);
            set.run((!d.is_empty()).then_some(d));
        }>
            <option value="" selected=move || value.get().is_none()>{move || i18n.t(Msg::LbAllDepartments)}</option>
            {departments.into_iter().map(|(id, name)| {
                let here = id.clone();
                view! { <option value=id selected=move || value.get().as_deref() == Some(here.as_str())>{name}</option> }
            }).collect_view()}
        </select>
    }
}
