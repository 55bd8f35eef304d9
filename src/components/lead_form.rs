use super::FormField;
use crate::api::use_public_api;
use crate::error::AppError;
use crate::i18n::{PublicMsg, use_i18n};
use leptos::prelude::*;
use lianjie_core::first_paint::{LEAD_FIELDS, lead_details};
use lianjie_core::share::LeadDetails;
use lianjie_core::validate::FieldErrors;

/// Asks a reader for their name and a way to reach them, on their own link
/// (`reader_token`). Checked here first with the same rules the backend applies, so
/// mistakes show at once and next to the field. The server paints the same form
/// (core's `first_paint::lead_form`) for the reader script.
#[component]
pub fn LeadForm(
    reader_token: String,
    /// The gate before reading says so; the other asks invite.
    #[prop(default = false)]
    gate: bool,
    #[prop(into)] on_done: Callback<()>,
    /// Offered for the soft ask at the end.
    #[prop(default = None)]
    on_skip: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_public_api();
    let values: [RwSignal<String>; 4] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let problems = RwSignal::new(FieldErrors::default());
    let send = Action::new_local(move |details: &LeadDetails| {
        let (api, token, details) = (api.clone(), reader_token.clone(), details.clone());
        async move { api.capture_lead(token, details).await }
    });
    Effect::new(move || match send.value().get() {
        Some(Ok(())) => on_done.run(()),
        Some(Err(AppError::Invalid(errs))) => problems.set(errs),
        _ => {}
    });
    let failed = move || match send.value().get() {
        Some(Err(e)) if !matches!(e, AppError::Invalid(_)) => Some(i18n.t(e.message())),
        _ => None,
    };
    view! {
        <form
            class="lead-form"
            aria-labelledby="lead-h"
            on:submit=move |ev| {
                ev.prevent_default();
                let details = lead_details(values.map(|v| v.get_untracked()));
                match details.validate() {
                    Ok(()) => {
                        problems.set(FieldErrors::default());
                        send.dispatch(details);
                    }
                    Err(errs) => problems.set(errs),
                }
            }
        >
            <h2 id="lead-h">{move || i18n.t(PublicMsg::LeadTitle)}</h2>
            <p class="intro">{move || i18n.t(if gate { PublicMsg::LeadGateIntro } else { PublicMsg::LeadIntro })}</p>
            {LEAD_FIELDS.into_iter().zip(values).map(|(field, value)| view! {
                <FormField form="lead" key=field.key label=field.label value problems kind=field.kind autocomplete=field.autocomplete />
            }).collect_view()}
            {move || problems.read().get("contact").is_some().then(|| view! {
                <p role="alert" class="form-error">{move || i18n.t(PublicMsg::LeadNeedsContact)}</p>
            })}
            {move || failed().map(|m| view! { <p role="alert" class="form-error">{m}</p> })}
            <div class="form-actions">
                <button type="submit" class="cta" disabled=move || send.pending().get()>
                    {move || i18n.t(PublicMsg::LeadSubmit)}
                </button>
                {on_skip.map(|skip| view! {
                    <button type="button" on:click=move |_| skip.run(())>{move || i18n.t(PublicMsg::LeadSkip)}</button>
                })}
            </div>
        </form>
    }
}
