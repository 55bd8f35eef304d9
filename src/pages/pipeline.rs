//! The deal pipeline (`/pipeline`): a kanban of deals by stage, each column with its
//! total and weighted total; a deal moves by drag and drop, or by keyboard (← →), and
//! a screen reader hears where it went. Mine or the team's, kept in the address.

use super::use_query_param;
use crate::api::{local::random_token, use_api, use_api_events};
use crate::components::{LoadFailed, PageHeader, use_toasts};
use crate::i18n::{Msg, use_i18n};
use crate::viewer::use_viewer;
use leptos::prelude::*;
use lianjie_core::api::Event;
use lianjie_core::deals::{
    DealMove, DealStage, PipelineColumn, PipelineDeal, PipelineQuery, format_yuan,
};
use lianjie_core::link;

/// The drag's payload type: a deal's id.
const DRAG_TYPE: &str = "text/plain";

#[component]
pub fn Pipeline() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let viewer = use_viewer();
    let toasts = use_toasts();
    let (mine, set_mine) = use_query_param("mine");
    let query = Memo::new(move |_| PipelineQuery {
        mine: mine.get().is_some(),
    });
    let columns = LocalResource::new({
        let api = api.clone();
        move || {
            let (api, q) = (api.clone(), query.get());
            async move { api.pipeline(q).await }
        }
    });
    use_api_events(move |e| {
        if matches!(e, Event::Deal { .. } | Event::Contact { .. } | Event::Reset) {
            columns.refetch();
        }
    });
    // What the last move did, for screen readers.
    let announced = RwSignal::new(String::new());
    let move_deal = Action::new_local(move |(id, stage): &(String, DealStage)| {
        let (api, id, stage) = (api.clone(), id.clone(), *stage);
        let to = DealMove {
            stage,
            log_id: format!("mv-{}", random_token()),
        };
        async move { api.move_deal(id, to).await }
    });
    Effect::new(move || match move_deal.value().get() {
        Some(Ok(deal)) => {
            announced.set(i18n.tf(
                Msg::DealMoved,
                &[
                    ("title", &deal.title),
                    ("stage", i18n.deal_stage(deal.stage)),
                ],
            ));
            columns.refetch();
        }
        Some(Err(e)) => {
            toasts.error(i18n.t(e.message()), None);
        }
        None => {}
    });
    let move_to = Callback::new(move |(id, stage): (String, DealStage)| {
        move_deal.dispatch((id, stage));
    });
    let covers_others = move || viewer.with(|v| v.covers_others()).unwrap_or(false);
    view! {
        <PageHeader title=Msg::NavPipeline intro=Msg::PipelineIntro />
        <Show when=covers_others>
            <div role="group" class="segmented" aria-label=move || i18n.t(Msg::PipelineScope)>
                <button type="button" aria-pressed=move || (!query.get().mine).to_string()
                    on:click=move |_| set_mine.set(None)>{move || i18n.t(Msg::TeamPipeline)}</button>
                <button type="button" aria-pressed=move || query.get().mine.to_string()
                    on:click=move |_| set_mine.set(Some("1".into()))>{move || i18n.t(Msg::MinePipeline)}</button>
            </div>
        </Show>
        <LoadFailed resource=columns />
        <p class="visually-hidden" role="status" aria-live="polite">{move || announced.get()}</p>
        <p id="deal-card-hint" class="visually-hidden">{move || i18n.t(Msg::DealCardHint)}</p>
        <Transition>
            {move || Suspend::new(async move {
                columns.await.map(|cols| view! {
                    <div class="pipeline">
                        {cols.into_iter().map(|column| view! { <Column column move_to /> }).collect_view()}
                    </div>
                })
            })}
        </Transition>
    }
}

#[component]
fn Column(column: PipelineColumn, move_to: Callback<(String, DealStage)>) -> impl IntoView {
    let i18n = use_i18n();
    let stage = column.stage;
    let heading = format!("pipeline-{}", stage.key());
    let labelled_by = heading.clone();
    let over = RwSignal::new(false);
    let count = column.deals.len();
    view! {
        <section class="pipeline-col" class:drop-over=move || over.get() aria-labelledby=labelled_by
            on:dragover=move |ev| {
                ev.prevent_default();
                over.set(true);
            }
            on:dragleave=move |_| over.set(false)
            on:drop=move |ev| {
                ev.prevent_default();
                over.set(false);
                let id = ev.data_transfer().and_then(|d| d.get_data(DRAG_TYPE).ok()).unwrap_or_default();
                if !id.is_empty() {
                    move_to.run((id, stage));
                }
            }>
            <h2 id=heading>{move || i18n.deal_stage(stage)} " " <span class="badge quiet">{count}</span></h2>
            <p class="pipeline-totals">
                <span>{move || i18n.tf(Msg::TotalN, &[("amount", &format_yuan(column.total_fen))])}</span>
                <span>{move || i18n.tf(Msg::WeightedN, &[("amount", &format_yuan(column.weighted_fen))])}</span>
            </p>
            {if column.deals.is_empty() {
                view! { <p class="empty">{move || i18n.t(Msg::NoDeals)}</p> }.into_any()
            } else {
                view! {
                    <ul class="deal-cards">
                        {column.deals.into_iter().map(|d| view! { <DealCard d move_to /> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn DealCard(d: PipelineDeal, move_to: Callback<(String, DealStage)>) -> impl IntoView {
    let i18n = use_i18n();
    let deal = d.deal;
    let (id, stage) = (deal.id.clone(), deal.stage);
    let drag_id = id.clone();
    let probability = deal.probability.to_string();
    view! {
        <li class="deal-card" class:stale=d.stale draggable="true" tabindex="0"
            aria-describedby="deal-card-hint"
            on:dragstart=move |ev| {
                if let Some(dt) = ev.data_transfer() {
                    let _ = dt.set_data(DRAG_TYPE, &drag_id);
                }
            }
            on:keydown=move |ev| {
                let forward = match ev.key().as_str() {
                    "ArrowRight" => true,
                    "ArrowLeft" => false,
                    _ => return,
                };
                ev.prevent_default();
                if let Some(to) = stage.neighbour(forward) {
                    move_to.run((id.clone(), to));
                }
            }>
            <strong class="deal-title">{deal.title.clone()}</strong>
            <span class="deal-amount">{format_yuan(deal.amount_fen)}</span>
            <span class="deal-meta">
                <a href=link::path(&["contacts", &deal.contact_id]) draggable="false">{d.contact_name}</a>
                " · " {move || i18n.tf(Msg::ProbabilityN, &[("n", &probability)])}
                {deal.expected_close.map(|c| view! { " · " <time datetime=c.to_string()>{c.format("%m-%d").to_string()}</time> })}
                {d.stale.then(|| view! { " · " <span class="badge warn">{move || i18n.t(Msg::Stale)}</span> })}
            </span>
        </li>
    }
}
