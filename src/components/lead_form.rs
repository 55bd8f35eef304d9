use crate::api::use_public_api;
use crate::error::{AppError, problem_message};
use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;
use lianjie_core::share::LeadDetails;
use lianjie_core::validate::FieldErrors;

/// Asks a reader for their name and a way to reach them, on their own link
/// (`reader_token`). Checked here first with the same rules the backend applies, so
/// mistakes show at once and next to the field.
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
    let [name, phone, wechat, email] = std::array::from_fn(|_| RwSignal::new(String::new()));
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
    let field = move |label: Msg,
                      key: &'static str,
                      value: RwSignal<String>,
                      kind: &'static str,
                      autocomplete: &'static str| {
        let problem = move || problems.read().get(key).map(|p| i18n.t(problem_message(p)));
        let id = format!("lead-{key}");
        let hint = format!("{id}-problem");
        view! {
            <label for=id.clone()>{move || i18n.t(label)}</label>
            <input
                id=id
                type=kind
                autocomplete=autocomplete
                aria-invalid=move || problem().is_some().to_string()
                aria-describedby=hint.clone()
                bind:value=value
            />
            <span class="field-problem" id=hint>{problem}</span>
        }
    };
    view! {
        <form
            class="lead-form"
            aria-labelledby="lead-h"
            on:submit=move |ev| {
                ev.prevent_default();
                let details = LeadDetails {
                    name: name.get_untracked(),
                    phone: phone.get_untracked(),
                    wechat_id: wechat.get_untracked(),
                    email: email.get_untracked(),
                };
                match details.validate() {
                    Ok(()) => {
                        problems.set(FieldErrors::default());
                        send.dispatch(details);
                    }
                    Err(errs) => problems.set(errs),
                }
            }
        >
            <h2 id="lead-h">{move || i18n.t(Msg::LeadTitle)}</h2>
            <p class="intro">{move || i18n.t(if gate { Msg::LeadGateIntro } else { Msg::LeadIntro })}</p>
            {field(Msg::LeadName, "name", name, "text", "name")}
            {field(Msg::LeadPhone, "phone", phone, "tel", "tel")}
            {field(Msg::LeadWechat, "wechat_id", wechat, "text", "off")}
            {field(Msg::Email, "email", email, "email", "email")}
            {move || problems.read().get("contact").is_some().then(|| view! {
                <p role="alert" class="form-error">{move || i18n.t(Msg::LeadNeedsContact)}</p>
            })}
            {move || failed().map(|m| view! { <p role="alert" class="form-error">{m}</p> })}
            <div class="form-actions">
                <button type="submit" class="cta" disabled=move || send.pending().get()>
                    {move || i18n.t(Msg::LeadSubmit)}
                </button>
                {on_skip.map(|skip| view! {
                    <button type="button" on:click=move |_| skip.run(())>{move || i18n.t(Msg::LeadSkip)}</button>
                })}
            </div>
        </form>
    }
}
