//! "Probably the same person as": a lead that matched a customer, offered to merge.

use crate::api::use_api;
use crate::components::use_toasts;
use crate::i18n::{Msg, use_i18n};
use crate::viewer::use_viewer;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use lianjie_core::contact::Contact;
use lianjie_core::link;

/// "Probably the same person as {name}": a lead whose phone, WeChat ID or email
/// matched a customer (nothing was written into that customer). One tap merges the
/// lead into the customer, with "Undo" in the toast; "Not the same person" dismisses
/// the suggestion for good. The buttons are offered to whom may use them: as merging,
/// an admin or the owner of both (of the lead, to dismiss).
#[component]
pub fn SamePerson(lead: Contact, same: Contact) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let toasts = use_toasts();
    let viewer = use_viewer();
    let navigate = use_navigate();
    let (lead_owner, same_owner) = (lead.owner_id.clone(), same.owner_id.clone());
    let may = move |a: Option<&str>, b: Option<&str>| {
        viewer.with(|v| v.caller.merges(a, b)).unwrap_or(true)
    };
    let may_merge = Memo::new({
        let (lead_owner, same_owner) = (lead_owner.clone(), same_owner.clone());
        move |_| may(same_owner.as_deref(), lead_owner.as_deref())
    });
    let may_dismiss = Memo::new(move |_| may(lead_owner.as_deref(), lead_owner.as_deref()));
    // Hidden once settled here, before the refreshed profile arrives.
    let settled = RwSignal::new(false);
    let merge = Action::new_local({
        let (api, lead, same) = (api.clone(), lead.clone(), same.clone());
        let navigate = navigate.clone();
        move |(): &()| {
            let (api, lead, same, navigate) =
                (api.clone(), lead.clone(), same.clone(), navigate.clone());
            async move {
                match api.merge_contacts(same.id.clone(), lead.id.clone()).await {
                    Ok(kept) => {
                        settled.set(true);
                        // The page moves on to the kept customer: the Undo must outlive it.
                        let undo = toasts.lasting({
                            let (api, lead_id, navigate) =
                                (api.clone(), lead.id.clone(), navigate.clone());
                            move || {
                                let (api, lead_id, navigate) =
                                    (api.clone(), lead_id.clone(), navigate.clone());
                                leptos::task::spawn_local(async move {
                                    match api.unmerge_contact(lead_id.clone()).await {
                                        Ok(_) => {
                                            toasts.info(i18n.t(Msg::MergeUndone));
                                            navigate(
                                                &link::path(&["contacts", &lead_id]),
                                                Default::default(),
                                            );
                                        }
                                        Err(e) => {
                                            toasts.error(i18n.t(e.message()), None);
                                        }
                                    }
                                });
                            }
                        });
                        toasts.undoable(
                            i18n.tf(
                                Msg::MergeDone,
                                &[("other", &lead.name), ("name", &kept.name)],
                            ),
                            undo,
                        );
                        navigate(&link::path(&["contacts", &kept.id]), Default::default());
                    }
                    Err(e) => {
                        toasts.error(i18n.t(e.message()), None);
                    }
                }
            }
        }
    });
    let dismiss = Action::new_local({
        let (api, lead_id) = (api.clone(), lead.id.clone());
        move |(): &()| {
            let (api, lead_id) = (api.clone(), lead_id.clone());
            async move {
                match api.not_same_person(lead_id).await {
                    Ok(_) => {
                        settled.set(true);
                        toasts.info(i18n.t(Msg::NotSamePersonDone));
                    }
                    Err(e) => {
                        toasts.error(i18n.t(e.message()), None);
                    }
                }
            }
        }
    });
    let busy = move || merge.pending().get() || dismiss.pending().get();
    let name = same.name.clone();
    let about = [
        same.company.as_str(),
        same.phone.as_str(),
        same.wechat_id.as_str(),
        same.email.as_str(),
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(" · ");
    view! {
        <Show when=move || !settled.get()>
            <section class="panel same-person" aria-labelledby="same-person-h">
                <h2 id="same-person-h">
                    {let name = name.clone(); move || i18n.tf(Msg::ProbablySameAs, &[("name", &name)])}
                </h2>
                <p class="intro">{move || i18n.t(Msg::ProbablySameHint)}</p>
                <p>
                    <a href=link::path(&["contacts", &same.id])>{same.name.clone()}</a>
                    {(!about.is_empty()).then(|| format!(" · {about}"))}
                </p>
                <p class="form-actions">
                    <Show when=move || may_merge.get()>
                        <button type="button" disabled=busy on:click=move |_| { merge.dispatch(()); }>
                            {move || i18n.t(Msg::MergeSuggested)}
                        </button>
                    </Show>
                    <Show when=move || may_dismiss.get()>
                        <button type="button" disabled=busy on:click=move |_| { dismiss.dispatch(()); }>
                            {move || i18n.t(Msg::NotSamePerson)}
                        </button>
                    </Show>
                </p>
            </section>
        </Show>
    }
}
