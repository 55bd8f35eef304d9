//! A customer's deals on their profile, and a new one opened in place.

use crate::api::{local::random_token, use_api, use_api_events};
use crate::components::{FormField, LoadFailed, use_toasts};
use crate::error::AppError;
use crate::i18n::{Msg, use_i18n};
use chrono::NaiveDate;
use leptos::prelude::*;
use lianjie_core::api::Event;
use lianjie_core::deals::{NewDeal, format_yuan, parse_yuan};
use lianjie_core::validate::{FieldErrors, FieldProblem};

#[component]
pub fn DealsPanel(contact_id: String, may_edit: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let toasts = use_toasts();
    let deals = LocalResource::new({
        let (api, id) = (api.clone(), contact_id.clone());
        move || {
            let (api, id) = (api.clone(), id.clone());
            async move { api.deals_of(id).await }
        }
    });
    use_api_events(move |e| {
        if matches!(e, Event::Deal { .. }) {
            deals.refetch();
        }
    });
    let [title, amount, close] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let problems = RwSignal::new(FieldErrors::default());
    let id = RwSignal::new(format!("deal-{}", random_token()));
    let add = Action::new_local(move |new: &NewDeal| {
        let (api, new) = (api.clone(), new.clone());
        async move {
            let done = api.create_deal(new).await;
            if done.is_ok() {
                toasts.info(i18n.t(Msg::DealAdded));
            }
            done
        }
    });
    Effect::new(move || match add.value().get() {
        Some(Ok(_)) => {
            for field in [title, amount, close] {
                field.set(String::new());
            }
            id.set(format!("deal-{}", random_token()));
            deals.refetch();
        }
        Some(Err(AppError::Invalid(errs))) => problems.set(errs),
        Some(Err(e)) => {
            toasts.error(i18n.t(e.message()), None);
        }
        None => {}
    });
    view! {
        <section class="panel" aria-labelledby="deals-h">
            <h2 id="deals-h">{move || i18n.t(Msg::Deals)}</h2>
            <LoadFailed resource=deals />
            <Transition>
                {move || Suspend::new(async move {
                    deals.await.map(|list| if list.is_empty() {
                        view! { <p class="empty">{move || i18n.t(Msg::NoDeals)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="deal-list">
                                {list.into_iter().map(|d| {
                                    let p = d.probability.to_string();
                                    view! {
                                        <li>
                                            <strong>{d.title}</strong> " · " {format_yuan(d.amount_fen)}
                                            " · " {move || i18n.deal_stage(d.stage)}
                                            " · " {move || i18n.tf(Msg::ProbabilityN, &[("n", &p)])}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    })
                })}
            </Transition>
            {move || may_edit.get().then(|| {
                let contact_id = contact_id.clone();
                view! {
                <form aria-labelledby="new-deal-h" on:submit=move |ev| {
                    ev.prevent_default();
                    let mut errs = FieldErrors::default();
                    let fen = parse_yuan(&amount.get_untracked());
                    errs.check("amount_fen", fen.clone().map(|_| ()));
                    let typed_close = close.get_untracked();
                    let expected_close = NaiveDate::parse_from_str(&typed_close, "%Y-%m-%d").ok();
                    if !typed_close.is_empty() && expected_close.is_none() {
                        errs.check("expected_close", Err(FieldProblem::Range));
                    }
                    let new = NewDeal {
                        id: id.get_untracked(),
                        contact_id: contact_id.clone(),
                        title: title.get_untracked(),
                        amount_fen: fen.unwrap_or(0),
                        expected_close,
                        probability: None,
                    };
                    if let Err(more) = new.validate() {
                        errs.0.extend(more.0.into_iter().filter(|e| e.field != "amount_fen"));
                    }
                    let ok = errs.0.is_empty();
                    problems.set(errs);
                    if ok {
                        add.dispatch(new);
                    }
                }>
                    <h3 id="new-deal-h">{move || i18n.t(Msg::NewDeal)}</h3>
                    <div class="form-grid">
                        <FormField form="deal" key="title" label=Msg::DealTitle value=title problems />
                        <FormField form="deal" key="amount_fen" label=Msg::DealAmount value=amount problems kind="text" />
                        <FormField form="deal" key="expected_close" label=Msg::DealClose value=close problems kind="date" />
                    </div>
                    <div class="form-actions">
                        <button type="submit" disabled=move || add.pending().get()>{move || i18n.t(Msg::AddDeal)}</button>
                    </div>
                </form>
            }})}
        </section>
    }
}
