//! The public pool (`/pool`, `?pool=` for one of several): the customers waiting to
//! be claimed, where the caller stands against the pool's rules, and the caller's
//! (a manager: their team's) customers going back soon, to follow up or lock.

use super::use_query_param;
use crate::api::{local::random_token, use_api, use_api_events};
use crate::components::{DueBadges, LoadFailed, PageHeader, TimeAgo, use_toasts};
use crate::error::AppError;
use crate::i18n::{I18n, Msg, use_i18n};
use crate::viewer::use_viewer;
use leptos::prelude::*;
use leptos_router::components::A;
use lianjie_core::api::Event;
use lianjie_core::contact::Contact;
use lianjie_core::customers::CustomerQuery;
use lianjie_core::pool::PoolRules;
use lianjie_core::store::{ClaimCustomer, DueBack, PoolSummary};
use lianjie_core::validate::FieldProblem;

/// Most waiting customers listed at once (the oldest-waiting first page).
const WAITING_PAGE: usize = 100;

/// What the page shows of the pools: every pool the caller uses, the one chosen,
/// and who waits in it, read together.
#[derive(Clone)]
struct Board {
    pools: Vec<PoolSummary>,
    chosen: Option<PoolSummary>,
    waiting: Vec<Contact>,
}

#[component]
pub fn PublicPool() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let toasts = use_toasts();
    let (pool_key, set_pool) = use_query_param("pool");
    // One read for the pools and the chosen one's list: the list needs the pool.
    let board = LocalResource::new({
        let api = api.clone();
        move || {
            let (api, wanted) = (api.clone(), pool_key.get());
            async move {
                let pools = api.pools().await?;
                let chosen = pools
                    .iter()
                    .find(|p| Some(&p.pool.id) == wanted.as_ref())
                    .or(pools.first())
                    .cloned();
                let waiting = match &chosen {
                    Some(c) => {
                        api.customers(CustomerQuery {
                            pool: Some(c.pool.id.clone()),
                            limit: Some(WAITING_PAGE),
                            ..Default::default()
                        })
                        .await?
                        .items
                    }
                    None => Vec::new(),
                };
                Ok(Board {
                    pools,
                    chosen,
                    waiting,
                })
            }
        }
    });
    let due = LocalResource::new({
        let api = api.clone();
        move || {
            let api = api.clone();
            async move { api.due_back().await }
        }
    });
    let changed = Callback::new(move |()| {
        board.refetch();
        due.refetch();
    });
    use_api_events(move |e| {
        if matches!(
            e,
            Event::Contact { .. } | Event::Customers { .. } | Event::Reset
        ) {
            changed.run(());
        }
    });
    // Told from the action itself: a claimed row leaves the list before it ends.
    let claim = Action::new_local(move |(id, name): &(String, String)| {
        let (api, id, name) = (api.clone(), id.clone(), name.clone());
        let rules = board
            .get_untracked()
            .and_then(|b| b.ok())
            .and_then(|b| b.chosen)
            .map(|c| c.pool.rules)
            .unwrap_or_default();
        let claim = ClaimCustomer {
            log_id: format!("claim-{}", random_token()),
        };
        async move {
            match api.claim_customer(id, claim).await {
                Ok(_) => {
                    toasts.info(i18n.tf(Msg::PoolClaimed, &[("name", &name)]));
                    changed.run(());
                }
                Err(e) => {
                    toasts.error(refusal(i18n, &rules, &e), None);
                }
            }
        }
    });
    view! {
        <PageHeader title=Msg::PoolTitle intro=Msg::PoolIntro />
        <LoadFailed resource=board />
        <Transition>
            {move || Suspend::new(async move {
                board.await.map(|b| match b.chosen.clone() {
                    None => view! { <p class="empty">{move || i18n.t(Msg::PoolNone)}</p> }.into_any(),
                    Some(chosen) => {
                        let choices = (b.pools.len() > 1).then(|| view! {
                            <div role="group" class="segmented" aria-label=move || i18n.t(Msg::PoolPick)>
                                {b.pools.iter().map(|p| {
                                    let id = p.pool.id.clone();
                                    let pressed = (id == chosen.pool.id).to_string();
                                    view! {
                                        <button type="button" aria-pressed=pressed
                                            on:click=move |_| set_pool.set(Some(id.clone()))>
                                            {p.pool.name.clone()}
                                        </button>
                                    }
                                }).collect_view()}
                            </div>
                        });
                        view! {
                            {choices}
                            <PoolPanel summary=chosen waiting=b.waiting claim i18n />
                        }.into_any()
                    }
                })
            })}
        </Transition>
        <section class="panel" aria-labelledby="due-h">
            <h2 id="due-h">{move || i18n.t(Msg::PoolDueTitle)}</h2>
            <p class="intro">{move || i18n.t(Msg::PoolDueIntro)}</p>
            <LoadFailed resource=due />
            <Transition>
                {move || Suspend::new(async move {
                    due.await.map(|list| if list.is_empty() {
                        view! { <p class="empty">{move || i18n.t(Msg::PoolDueNone)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="pool-list">
                                {list.into_iter().map(|d| view! { <DueRow due=d changed i18n /> }).collect_view()}
                            </ul>
                        }.into_any()
                    })
                })}
            </Transition>
        </section>
    }
}

/// One pool: where the caller stands, and who waits in it.
#[component]
fn PoolPanel(
    summary: PoolSummary,
    waiting: Vec<Contact>,
    claim: Action<(String, String), ()>,
    i18n: I18n,
) -> impl IntoView {
    let rules = summary.pool.rules;
    let standing = move || {
        i18n.tf(
            Msg::PoolStanding,
            &[
                ("claimed", &summary.claimed_today.to_string()),
                ("limit", &rules.claims_per_day.to_string()),
                ("owned", &summary.owned.to_string()),
                ("max", &rules.max_customers.to_string()),
            ],
        )
    };
    let list = if waiting.is_empty() {
        view! { <p class="empty">{move || i18n.t(Msg::PoolEmpty)}</p> }.into_any()
    } else {
        view! {
            <ul class="pool-list">
                {waiting.into_iter().map(|c| view! { <WaitingRow c claim i18n /> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="panel" aria-labelledby="pool-h">
            <h2 id="pool-h">{summary.pool.name.clone()}</h2>
            <p class="intro">{standing}</p>
            {list}
        </section>
    }
}

/// What a refused claim is told as, in the pool's own figures.
fn refusal(i18n: I18n, rules: &PoolRules, error: &AppError) -> String {
    let problem = |field: &str| match error {
        AppError::Invalid(errs) => errs.get(field).cloned(),
        _ => None,
    };
    match (problem("claim"), problem("owned")) {
        (Some(FieldProblem::Limit), _) => i18n.tf(
            Msg::PoolDailyLimit,
            &[("limit", &rules.claims_per_day.to_string())],
        ),
        (_, Some(FieldProblem::Limit)) => i18n.tf(
            Msg::PoolTooMany,
            &[("max", &rules.max_customers.to_string())],
        ),
        (Some(FieldProblem::NotYet), _) => i18n.tf(
            Msg::PoolTooSoon,
            &[("days", &rules.reclaim_after_days.to_string())],
        ),
        _ => i18n.t(error.message()).to_owned(),
    }
}

/// A customer waiting in the pool, with who gave them back and a Claim button (the
/// panel's claim, whose answer outlives the row: a claimed row leaves the list).
#[component]
fn WaitingRow(c: Contact, claim: Action<(String, String), ()>, i18n: I18n) -> impl IntoView {
    let viewer = use_viewer();
    let name = c.name.clone();
    let shown = name.clone();
    let pick = (c.id.clone(), name.clone());
    let released = c.released.clone().map(|r| {
        let who = viewer
            .with_untracked(|v| v.staff_name(&r.owner_id))
            .flatten()
            .unwrap_or_default();
        let date =
            r.at.with_timezone(&chrono::Local)
                .format("%Y-%m-%d")
                .to_string();
        move || i18n.tf(Msg::PoolReleasedBy, &[("name", &who), ("date", &date)])
    });
    let label = {
        let name = name.clone();
        move || i18n.tf(Msg::PoolClaimName, &[("name", &name)])
    };
    view! {
        <li class="pool-row">
            <div class="pool-who">
                <A href=format!("/contacts/{}", c.id)>{shown}</A>
                {(!c.company.is_empty()).then(|| view! { <span class="via">{c.company.clone()}</span> })}
                <span class="meta">
                    {c.tags.iter().map(|t| view! { <span class="badge quiet">{t.clone()}</span> }).collect_view()}
                    {released.map(|text| view! { <span class="via">{text}</span> })}
                    {c.last_seen_at.map(|at| view! { <TimeAgo at class="via" /> })}
                </span>
            </div>
            <button type="button" class="cta" aria-label=label disabled=move || claim.pending().get()
                on:click=move |_| { claim.dispatch(pick.clone()); }>
                {move || i18n.t(Msg::PoolClaim)}
            </button>
        </li>
    }
}

/// One of the caller's customers going back soon: when, whether they are reading
/// now, and a lock that keeps them (locked customers are never due, so a locked one
/// leaves this list; the profile unlocks).
#[component]
fn DueRow(due: DueBack, changed: Callback<()>, i18n: I18n) -> impl IntoView {
    let api = use_api();
    let toasts = use_toasts();
    let c = due.contact;
    let lock = Action::new_local({
        let id = c.id.clone();
        move |(): &()| {
            let (api, id) = (api.clone(), id.clone());
            async move { api.lock_customer(id, true).await }
        }
    });
    Effect::new(move || match lock.value().get() {
        Some(Ok(_)) => changed.run(()),
        Some(Err(AppError::Invalid(_))) => {
            toasts.error(untrack(|| i18n.t(Msg::PoolLockLimit)), None);
        }
        Some(Err(e)) => {
            toasts.error(untrack(|| i18n.t(e.message())), None);
        }
        None => {}
    });
    let name = c.name.clone();
    let lock_label = move || format!("{} {name}", i18n.t(Msg::PoolLock));
    view! {
        <li class="pool-row">
            <div class="pool-who">
                <A href=format!("/contacts/{}", c.id)>{c.name.clone()}</A>
                <span class="meta">
                    <DueBadges verdict=due.verdict />
                </span>
            </div>
            <button type="button" aria-label=lock_label disabled=move || lock.pending().get()
                on:click=move |_| { lock.dispatch(()); }>
                {move || i18n.t(Msg::PoolLock)}
            </button>
        </li>
    }
}
