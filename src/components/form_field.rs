use crate::error::problem_message;
use crate::i18n::{Text, use_i18n};
use leptos::prelude::*;
use lianjie_core::validate::FieldErrors;

/// One labelled input of a form, with its problem (from core's rules, here or from
/// the backend) said beside it and tied to it for screen readers.
#[component]
pub fn FormField<L>(
    /// The form's prefix for element ids, so two forms on a page never share one.
    form: &'static str,
    /// The field's name in core's [`FieldErrors`].
    key: &'static str,
    label: L,
    value: RwSignal<String>,
    problems: RwSignal<FieldErrors>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    /// A few lines of text rather than one.
    #[prop(default = false)]
    multiline: bool,
) -> impl IntoView
where
    L: Text + Send + Sync + 'static,
{
    let i18n = use_i18n();
    let problem = move || problems.read().get(key).map(|p| i18n.t(problem_message(p)));
    let id = format!("{form}-{key}");
    let hint = format!("{id}-problem");
    let input = if multiline {
        view! {
            <textarea id=id.clone() rows="3"
                aria-invalid=move || problem().is_some().to_string()
                aria-describedby=hint.clone()
                bind:value=value></textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=id.clone() type=kind autocomplete=autocomplete
                aria-invalid=move || problem().is_some().to_string()
                aria-describedby=hint.clone()
                bind:value=value />
        }
        .into_any()
    };
    view! {
        <label for=id>{move || i18n.t(label)}</label>
        {input}
        <span class="field-problem" id=hint>{problem}</span>
    }
}
