//! Who has a customer, from their profile: a customer waiting in the public pool is
//! claimed here; an owned one is locked against going back, or given back with a
//! reason.

use crate::api::{local::random_token, use_api};
use crate::components::use_toasts;
use crate::error::{AppError, problem_message};
use crate::i18n::{Msg, PublicMsg, use_i18n};
use crate::viewer::use_viewer;
use leptos::prelude::*;
use lianjie_core::contact::Contact;
use lianjie_core::store::{ClaimCustomer, ReleaseCustomer};

#[component]
pub fn Ownership(contact: Contact) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let viewer = use_viewer();
    let toasts = use_toasts();
    let waiting_in = contact
        .pool_id
        .clone()
        .filter(|_| contact.owner_id.is_none());
    let may_claim = waiting_in.as_deref().is_some_and(|p| {
        viewer
            .with_untracked(|v| {
                v.caller.uses_pool(p) && v.may(lianjie_core::scope::Action::EditCustomers)
            })
            .unwrap_or(false)
    });
    let may_keep = contact.owner_id.is_some()
        && viewer
            .with_untracked(|v| v.may_edit_customer(contact.owner_id.as_deref()))
            .unwrap_or(false);
    let locked = RwSignal::new(contact.locked);
    let giving_back = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let reason_problem = RwSignal::new(None::<PublicMsg>);
    let id = contact.id.clone();
    // Each answer is told from the action itself: the profile is drawn again as
    // the customer changes hands, and this part with it.
    let claim = Action::new_local({
        let (api, id) = (api.clone(), id.clone());
        move |(): &()| {
            let (api, id) = (api.clone(), id.clone());
            let claim = ClaimCustomer {
                log_id: format!("claim-{}", random_token()),
            };
            async move {
                match api.claim_customer(id, claim).await {
                    Ok(c) => toasts.info(i18n.tf(Msg::PoolClaimed, &[("name", &c.name)])),
                    Err(e) => toasts.error(i18n.t(e.message()), None),
                };
            }
        }
    });
    let lock = Action::new_local({
        let (api, id) = (api.clone(), id.clone());
        move |on: &bool| {
            let (api, id, on) = (api.clone(), id.clone(), *on);
            async move {
                match api.lock_customer(id, on).await {
                    Ok(c) => {
                        locked.try_set(c.locked);
                    }
                    Err(AppError::Invalid(_)) => {
                        toasts.error(i18n.t(Msg::PoolLockLimit), None);
                    }
                    Err(e) => {
                        toasts.error(i18n.t(e.message()), None);
                    }
                }
            }
        }
    });
    let release = Action::new_local({
        let (api, id) = (api.clone(), id.clone());
        move |why: &String| {
            let (api, id) = (api.clone(), id.clone());
            let release = ReleaseCustomer {
                pool_id: None,
                reason: why.clone(),
                log_id: format!("release-{}", random_token()),
            };
            async move {
                match api.release_customer(id, release).await {
                    Ok(_) => {
                        giving_back.try_set(false);
                        toasts.info(i18n.t(Msg::PoolReleased));
                    }
                    Err(AppError::Invalid(errs)) => match errs.get("reason") {
                        Some(p) => {
                            reason_problem.try_set(Some(problem_message(p)));
                        }
                        None => {
                            toasts.error(i18n.t(PublicMsg::ErrInvalid), None);
                        }
                    },
                    Err(e) => {
                        toasts.error(i18n.t(e.message()), None);
                    }
                }
            }
        }
    });
    let waiting = waiting_in.is_some();
    view! {
        {waiting.then(|| view! {
            <p class="pool-owner">
                <span class="badge quiet">{move || i18n.t(Msg::PoolInPool)}</span>
                {may_claim.then(|| view! {
                    <button type="button" class="cta" disabled=move || claim.pending().get()
                        on:click=move |_| { claim.dispatch(()); }>
                        {move || i18n.t(Msg::PoolClaim)}
                    </button>
                })}
            </p>
        })}
        {may_keep.then(|| view! {
            <div class="pool-owner">
                <button type="button" aria-pressed=move || locked.get().to_string()
                    disabled=move || lock.pending().get()
                    on:click=move |_| { lock.dispatch(!locked.get_untracked()); }>
                    {move || i18n.t(Msg::PoolLock)}
                </button>
                <Show when=move || locked.get()>
                    <span class="via">{move || i18n.t(Msg::PoolLocked)}</span>
                </Show>
                <button type="button" aria-expanded=move || giving_back.get().to_string()
                    on:click=move |_| giving_back.update(|g| *g = !*g)>
                    {move || i18n.t(Msg::PoolRelease)}
                </button>
            </div>
            <Show when=move || giving_back.get()>
                <form class="pool-release" on:submit=move |ev| {
                    ev.prevent_default();
                    let why = reason.get_untracked();
                    match lianjie_core::pool::check_reason(&why) {
                        Ok(()) => {
                            reason_problem.set(None);
                            release.dispatch(why.trim().to_owned());
                        }
                        Err(p) => reason_problem.set(Some(problem_message(&p))),
                    }
                }>
                    <label for="release-reason">{move || i18n.t(Msg::PoolReleaseReason)}</label>
                    <input id="release-reason" type="text" maxlength="200"
                        aria-invalid=move || reason_problem.get().is_some().to_string()
                        aria-describedby="release-reason-problem"
                        prop:value=move || reason.get()
                        on:input=move |ev| reason.set(event_target_value(&ev)) />
                    <p id="release-reason-problem" class="field-problem">
                        {move || reason_problem.get().map(|m| i18n.t(m))}
                    </p>
                    <button type="submit" class="cta" disabled=move || release.pending().get()>
                        {move || i18n.t(Msg::PoolReleaseConfirm)}
                    </button>
                </form>
            </Show>
        })}
    }
}
