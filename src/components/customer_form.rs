use super::FormField;
use crate::api::{local::random_token, use_api};
use crate::error::AppError;
use crate::i18n::{Msg, PublicMsg, use_i18n};
use leptos::prelude::*;
use lianjie_core::contact::Contact;
use lianjie_core::crm::{CustomerDetails, NewCustomer};
use lianjie_core::validate::FieldErrors;

/// A customer's details as a rep types them: a new customer (`editing` is `None`)
/// or changes to one. Checked here with core's rules first, so mistakes show at once
/// next to the field; the backend has the last word.
#[component]
pub fn CustomerForm(
    editing: Option<Contact>,
    #[prop(into)] on_saved: Callback<Contact>,
    #[prop(into)] on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let start = editing.clone().unwrap_or_default();
    let [name, company, phone, wechat, email, source, notes, tags] = [
        &start.name,
        &start.company,
        &start.phone,
        &start.wechat_id,
        &start.email,
        &start.source,
        &start.notes,
        &start.tags.join(", "),
    ]
    .map(|v| RwSignal::new(v.clone()));
    let problems = RwSignal::new(FieldErrors::default());
    // Chosen once per form: a retry of the same new customer is the same customer.
    let new_id = format!("cust-{}", random_token());
    let editing_id = editing.map(|c| c.id);
    let save = Action::new_local(move |details: &CustomerDetails| {
        let (api, details, editing_id, new_id) = (
            api.clone(),
            details.clone(),
            editing_id.clone(),
            new_id.clone(),
        );
        async move {
            match editing_id {
                Some(id) => api.update_customer(id, details).await,
                None => {
                    api.create_customer(NewCustomer {
                        id: new_id,
                        details,
                        owner_id: None,
                    })
                    .await
                }
            }
        }
    });
    Effect::new(move || match save.value().get() {
        Some(Ok(c)) => on_saved.run(c),
        Some(Err(AppError::Invalid(errs))) => problems.set(errs),
        _ => {}
    });
    let failed = move || match save.value().get() {
        Some(Err(e)) if !matches!(e, AppError::Invalid(_)) => Some(i18n.t(e.message())),
        _ => None,
    };
    let creating = start.id.is_empty();
    view! {
        <form class="customer-form" aria-labelledby="customer-form-h" on:submit=move |ev| {
            ev.prevent_default();
            let details = CustomerDetails {
                name: name.get_untracked(),
                company: company.get_untracked(),
                phone: phone.get_untracked(),
                wechat_id: wechat.get_untracked(),
                email: email.get_untracked(),
                source: source.get_untracked(),
                notes: notes.get_untracked(),
                tags: tags.get_untracked().split([',', '，']).map(str::to_owned).collect(),
            };
            match details.validate() {
                Ok(()) => {
                    problems.set(FieldErrors::default());
                    save.dispatch(details.tidy());
                }
                Err(errs) => problems.set(errs),
            }
        }>
            <h2 id="customer-form-h">
                {move || i18n.t(if creating { Msg::NewCustomer } else { Msg::EditCustomer })}
            </h2>
            <div class="form-grid">
                <FormField form="customer" key="name" label=PublicMsg::LeadName value=name problems />
                <FormField form="customer" key="company" label=Msg::FieldCompany value=company problems />
                <FormField form="customer" key="phone" label=PublicMsg::LeadPhone value=phone problems kind="tel" />
                <FormField form="customer" key="wechat_id" label=PublicMsg::LeadWechat value=wechat problems />
                <FormField form="customer" key="email" label=PublicMsg::Email value=email problems kind="email" />
                <FormField form="customer" key="source" label=Msg::CustomerSource value=source problems />
                <FormField form="customer" key="tags" label=Msg::TagsCommaSeparated value=tags problems />
                <FormField form="customer" key="notes" label=Msg::Notes value=notes problems multiline=true />
            </div>
            {move || failed().map(|m| view! { <p role="alert" class="form-error">{m}</p> })}
            <div class="form-actions">
                <button type="submit" class="cta" disabled=move || save.pending().get()>
                    {move || i18n.t(if creating { Msg::AddCustomer } else { Msg::SaveChanges })}
                </button>
                <button type="button" on:click=move |_| on_cancel.run(())>{move || i18n.t(Msg::Cancel)}</button>
            </div>
        </form>
    }
}
