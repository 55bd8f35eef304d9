//! A customer's deals on their profile: a new one opened in place, and one's terms
//! (title, amount, expected close, probability) changed.

use crate::api::{local::random_token, use_api, use_api_events};
use crate::components::{FormField, LoadFailed, use_toasts};
use crate::error::AppError;
use crate::i18n::{Msg, use_i18n};
use chrono::NaiveDate;
use leptos::prelude::*;
use lianjie_core::api::Event;
use lianjie_core::deals::{Deal, DealEdit, NewDeal, format_yuan, parse_yuan};
use lianjie_core::validate::{FieldErrors, FieldProblem};

/// What the deal form says, read and checked (`probability` only when editing).
#[derive(Clone)]
struct Terms {
    title: String,
    amount_fen: i64,
    expected_close: Option<NaiveDate>,
    probability: Option<u8>,
}

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
    use_api_events({
        let contact_id = contact_id.clone();
        move |e| {
            if matches!(e, Event::Deal { deal } if deal.contact_id == contact_id) {
                deals.refetch();
            }
        }
    });
    // The deal whose terms are being changed.
    let editing = RwSignal::new(None::<String>);
    let id = RwSignal::new(format!("deal-{}", random_token()));
    let add = Action::new_local({
        let (api, contact_id) = (api.clone(), contact_id.clone());
        move |terms: &Terms| {
            let new = NewDeal {
                id: id.get_untracked(),
                contact_id: contact_id.clone(),
                title: terms.title.clone(),
                amount_fen: terms.amount_fen,
                expected_close: terms.expected_close,
                probability: None,
            };
            let api = api.clone();
            async move {
                let done = api.create_deal(new).await;
                if done.is_ok() {
                    toasts.info(i18n.t(Msg::DealAdded));
                    id.try_set(format!("deal-{}", random_token()));
                }
                done
            }
        }
    });
    let save = Action::new_local(move |(deal_id, terms): &(String, Terms)| {
        let edit = DealEdit {
            title: terms.title.clone(),
            amount_fen: terms.amount_fen,
            expected_close: terms.expected_close,
            probability: terms.probability.unwrap_or_default(),
            log_id: format!("ed-{}", random_token()),
        };
        let (api, deal_id) = (api.clone(), deal_id.clone());
        async move {
            let done = api.update_deal(deal_id, edit).await;
            if done.is_ok() {
                toasts.info(i18n.t(Msg::Saved));
                editing.try_set(None);
            }
            done
        }
    });
    // Drawn when another deal is chosen, not as the list reloads (that would clear
    // what is being typed).
    let chosen = Memo::new(move |_| editing.get());
    let being_edited = move || {
        let id = chosen.get()?;
        deals.with_untracked(|list| {
            list.as_ref()
                .and_then(|l| l.as_ref().ok())
                .and_then(|l| l.iter().find(|d| d.id == id).cloned())
        })
    };
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
                                    let (id, title) = (d.id.clone(), d.title.clone());
                                    view! {
                                        <li>
                                            <strong>{d.title}</strong> " · " {format_yuan(d.amount_fen)}
                                            " · " {move || i18n.deal_stage(d.stage)}
                                            " · " {move || i18n.tf(Msg::ProbabilityN, &[("n", &p)])}
                                            {d.expected_close.map(|c| view! { " · " {c.to_string()} })}
                                            {move || may_edit.get().then(|| {
                                                let (id, label) = (id.clone(), i18n.tf(Msg::EditDealN, &[("title", &title)]));
                                                view! {
                                                    " " <button type="button" class="ghost" aria-label=label
                                                        on:click=move |_| editing.set(Some(id.clone()))>
                                                        {move || i18n.t(Msg::EditAction)}
                                                    </button>
                                                }
                                            })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    })
                })}
            </Transition>
            // Outside the list, which is drawn afresh whenever a deal changes.
            {move || being_edited().map(|deal| {
                let deal_id = deal.id.clone();
                view! {
                    <DealForm form="deal-edit" heading=Msg::EditDeal submit=Msg::SaveChanges initial=Some(deal)
                        pending=save.pending().into() on_cancel=Some(Callback::new(move |()| editing.set(None)))
                        on_submit=move |terms| { save.dispatch((deal_id.clone(), terms)); }
                        result=save.value().into() />
                }
            })}
            {move || may_edit.get().then(|| view! {
                <DealForm form="deal" heading=Msg::NewDeal submit=Msg::AddDeal initial=None
                    pending=add.pending().into() on_cancel=None
                    on_submit=move |terms| { add.dispatch(terms); }
                    result=add.value().into() />
            })}
        </section>
    }
}

/// The form of a deal's terms: empty to open one, or filled from `initial` (with its
/// probability) to change it. Cleared once a new deal is added.
#[component]
fn DealForm(
    form: &'static str,
    heading: Msg,
    submit: Msg,
    initial: Option<Deal>,
    pending: Signal<bool>,
    on_cancel: Option<Callback<()>>,
    #[prop(into)] on_submit: Callback<Terms>,
    /// The last answer: refused fields are shown by them, other failures as a toast.
    result: Signal<Option<Result<Deal, AppError>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let editing = initial.is_some();
    let start = |f: fn(&Deal) -> String| RwSignal::new(initial.as_ref().map(f).unwrap_or_default());
    let title = start(|d| d.title.clone());
    let amount = start(|d| format_yuan(d.amount_fen).trim_start_matches('¥').to_owned());
    let close = start(|d| d.expected_close.map(|c| c.to_string()).unwrap_or_default());
    let probability = start(|d| d.probability.to_string());
    let problems = RwSignal::new(FieldErrors::default());
    // Answers that arrive while this form is shown; not the one before it was.
    Effect::new(move |shown: Option<()>| {
        let answer = result.get();
        if shown.is_none() {
            return;
        }
        untrack(move || match answer {
            Some(Ok(_)) => {
                problems.set(FieldErrors::default());
                // A new deal added: the form is empty again for the next.
                if !editing {
                    for field in [title, amount, close] {
                        field.set(String::new());
                    }
                }
            }
            Some(Err(AppError::Invalid(errs))) => problems.set(errs),
            Some(Err(e)) => {
                toasts.error(i18n.t(e.message()), None);
            }
            None => {}
        })
    });
    let heading_id = format!("{form}-h");
    let labelled_by = heading_id.clone();
    view! {
        <form aria-labelledby=labelled_by on:submit=move |ev| {
            ev.prevent_default();
            let mut errs = FieldErrors::default();
            let fen = parse_yuan(&amount.get_untracked());
            errs.check("amount_fen", fen.clone().map(|_| ()));
            let typed_close = close.get_untracked();
            let expected_close = NaiveDate::parse_from_str(&typed_close, "%Y-%m-%d").ok();
            if !typed_close.is_empty() && expected_close.is_none() {
                errs.check("expected_close", Err(FieldProblem::Range));
            }
            let probability = if editing {
                let p = probability.get_untracked().trim().parse::<u8>().ok().filter(|p| *p <= 100);
                errs.check("probability", p.map(|_| ()).ok_or(FieldProblem::Range));
                p
            } else {
                None
            };
            let title = title.get_untracked();
            errs.check("title", lianjie_core::validate::required(&title, 100));
            let ok = errs.0.is_empty();
            problems.set(errs);
            if ok {
                on_submit.run(Terms { title, amount_fen: fen.unwrap_or(0), expected_close, probability });
            }
        }>
            <h3 id=heading_id>{move || i18n.t(heading)}</h3>
            <div class="form-grid">
                <FormField form key="title" label=Msg::DealTitle value=title problems />
                <FormField form key="amount_fen" label=Msg::DealAmount value=amount problems kind="text" />
                <FormField form key="expected_close" label=Msg::DealClose value=close problems kind="date" />
                {editing.then(|| view! {
                    <FormField form key="probability" label=Msg::DealProbability value=probability problems kind="number" />
                })}
            </div>
            <div class="form-actions">
                <button type="submit" class:cta=editing disabled=move || pending.get()>{move || i18n.t(submit)}</button>
                {on_cancel.map(|cancel| view! {
                    <button type="button" class="ghost" on:click=move |_| cancel.run(())>{move || i18n.t(Msg::Cancel)}</button>
                })}
            </div>
        </form>
    }
}
