//! The public pools on the settings page (admins): each pool's name, the
//! departments that use it and its rules, saved whole; and the rules run now.

use crate::api::{local::random_token, use_api};
use crate::components::use_toasts;
use crate::error::problem_message;
use crate::i18n::{I18n, Msg, use_i18n};
use crate::viewer::use_viewer;
use leptos::prelude::*;
use lianjie_core::pool::{Pool, PoolRules};
use lianjie_core::store::OrgPools;
use lianjie_core::team::Department;
use lianjie_core::validate::FieldErrors;

/// One number of a pool's rules: its field name, its label, and how to read and
/// change it.
type RuleField = (
    &'static str,
    Msg,
    fn(&PoolRules) -> u32,
    fn(&mut PoolRules, u32),
);

const RULES: [RuleField; 9] = [
    (
        "claims_per_day",
        Msg::PoolRuleClaims,
        |r| r.claims_per_day,
        |r, n| r.claims_per_day = n,
    ),
    (
        "max_customers",
        Msg::PoolRuleMax,
        |r| r.max_customers,
        |r, n| r.max_customers = n,
    ),
    (
        "reclaim_after_days",
        Msg::PoolRuleReclaim,
        |r| r.reclaim_after_days,
        |r, n| r.reclaim_after_days = n,
    ),
    (
        "recycle_without_follow_up_days",
        Msg::PoolRuleFollowUp,
        |r| r.recycle_without_follow_up_days,
        |r, n| r.recycle_without_follow_up_days = n,
    ),
    (
        "recycle_without_won_deal_days",
        Msg::PoolRuleDeal,
        |r| r.recycle_without_won_deal_days,
        |r, n| r.recycle_without_won_deal_days = n,
    ),
    (
        "warn_days",
        Msg::PoolRuleWarn,
        |r| r.warn_days,
        |r, n| r.warn_days = n,
    ),
    (
        "locks_per_rep",
        Msg::PoolRuleLocks,
        |r| r.locks_per_rep,
        |r, n| r.locks_per_rep = n,
    ),
    (
        "engaged_intent",
        Msg::PoolRuleIntent,
        |r| u32::from(r.engaged_intent),
        |r, n| r.engaged_intent = u8::try_from(n).unwrap_or(u8::MAX),
    ),
    (
        "engaged_within_hours",
        Msg::PoolRuleHours,
        |r| r.engaged_within_hours,
        |r, n| r.engaged_within_hours = n,
    ),
];

#[component]
pub fn PoolEditor() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let viewer = use_viewer();
    let toasts = use_toasts();
    let pools = RwSignal::new(
        viewer
            .with_untracked(|v| v.org.pools.clone())
            .unwrap_or_default(),
    );
    let departments = viewer
        .with_untracked(|v| v.org.departments.clone())
        .unwrap_or_default();
    let problems = RwSignal::new(FieldErrors::default());
    let save = super::crm_settings::use_save(problems, {
        let api = api.clone();
        move |pools| api.set_pools(pools)
    });
    let run = Action::new_local(move |(): &()| {
        let api = api.clone();
        async move { api.run_pool_rules().await }
    });
    Effect::new(move || match run.value().get() {
        Some(Ok(done)) => {
            toasts.info(untrack(|| {
                i18n.tf(
                    Msg::PoolRan,
                    &[
                        ("recycled", &done.recycled.len().to_string()),
                        ("held", &done.held.len().to_string()),
                    ],
                )
            }));
        }
        Some(Err(e)) => {
            toasts.error(untrack(|| i18n.t(e.message())), None);
        }
        None => {}
    });
    let count = Memo::new(move |_| pools.with(Vec::len));
    let in_use = move || {
        problems.with(|p| {
            p.get("pools")
                .map(|problem| i18n.t(problem_message(problem)))
        })
    };
    view! {
        <section class="panel" aria-labelledby="pools-h">
            <h2 id="pools-h">{move || i18n.t(Msg::PoolSettings)}</h2>
            <p class="muted">{move || i18n.t(Msg::PoolSettingsIntro)}</p>
            {move || (0..count.get()).map(|n| view! { <PoolFields n pools problems departments=departments.clone() i18n /> }).collect_view()}
            {move || in_use().map(|p| view! { <p class="field-problem" role="alert">{p}</p> })}
            <div class="form-actions">
                <button type="button" on:click=move |_| pools.update(|p| p.push(Pool {
                    id: format!("p-{}", &random_token()[..8]),
                    name: String::new(),
                    department_ids: Vec::new(),
                    rules: PoolRules::default(),
                }))>
                    {move || i18n.t(Msg::PoolAdd)}
                </button>
                <button type="button" disabled=move || run.pending().get() on:click=move |_| { run.dispatch(()); }>
                    {move || i18n.t(Msg::PoolRunNow)}
                </button>
                <button type="button" class="cta" disabled=move || save.pending().get()
                    on:click=move |_| { save.dispatch(OrgPools { pools: pools.get_untracked() }); }>
                    {move || i18n.t(Msg::SavePools)}
                </button>
            </div>
        </section>
    }
}

/// Pool `n` (from 0): its name, departments and rules, each with its problem.
#[component]
fn PoolFields(
    n: usize,
    pools: RwSignal<Vec<Pool>>,
    problems: RwSignal<FieldErrors>,
    departments: Vec<Department>,
    i18n: I18n,
) -> impl IntoView {
    // `try_with`: a pool may be asked once more as the editor goes.
    let pool = move || pools.try_with(|p| p.get(n).cloned()).flatten();
    let problem = move |field: String| {
        move || {
            problems.with(|p| {
                p.get(&format!("pools.{n}.{field}"))
                    .map(|problem| i18n.t(problem_message(problem)))
            })
        }
    };
    let field_id = move |field: &str| format!("pool-{n}-{field}");
    let name_id = field_id("name");
    view! {
        <fieldset class="pool-fields">
            <legend>{move || pool().map(|p| p.name).filter(|n| !n.trim().is_empty()).unwrap_or_else(|| i18n.t(Msg::PoolSettings).to_owned())}</legend>
            <div class="form-grid">
                <label for=name_id.clone()>{move || i18n.t(Msg::PoolName)}</label>
                <input id=name_id type="text" maxlength="40" aria-describedby=field_id("name-problem")
                    prop:value=move || pool().map(|p| p.name).unwrap_or_default()
                    on:input=move |ev| {
                        let name = event_target_value(&ev);
                        pools.update(|p| if let Some(pool) = p.get_mut(n) { pool.name = name });
                    } />
                <span class="field-problem" id=field_id("name-problem")>{problem("name".into())}</span>
                {RULES.into_iter().map(|(field, label, get, set)| {
                    let id = field_id(field);
                    let hint = format!("{id}-problem");
                    // Written into the field only when this rule changes, not at each
                    // key in another field.
                    let shown = Memo::new(move |_| pool().map(|p| get(&p.rules).to_string()).unwrap_or_default());
                    view! {
                        <label for=id.clone()>{move || i18n.t(label)}</label>
                        <input id=id type="number" min="0" inputmode="numeric" aria-describedby=hint.clone()
                            prop:value=shown
                            // An emptied field keeps the rule until a number is typed,
                            // and shows it again when left empty.
                            on:input=move |ev| {
                                if let Ok(value) = event_target_value(&ev).trim().parse() {
                                    pools.update(|p| if let Some(pool) = p.get_mut(n) { set(&mut pool.rules, value) });
                                }
                            }
                            on:change=move |ev| {
                                if event_target_value(&ev).trim().parse::<u32>().is_err() {
                                    event_target::<web_sys::HtmlInputElement>(&ev).set_value(&shown.get_untracked());
                                }
                            } />
                        <span class="field-problem" id=hint>{problem(format!("rules.{field}"))}</span>
                    }
                }).collect_view()}
            </div>
            <fieldset class="pool-departments">
                <legend>{move || i18n.t(Msg::PoolDepartments)}</legend>
                {departments.into_iter().map(|d| {
                    let (on, flip) = (d.id.clone(), d.id.clone());
                    view! {
                        <label>
                            <input type="checkbox"
                                prop:checked=move || pool().is_some_and(|p| p.department_ids.contains(&on))
                                on:change=move |ev| {
                                    let checked = event_target_checked(&ev);
                                    pools.update(|p| if let Some(pool) = p.get_mut(n) {
                                        pool.department_ids.retain(|x| *x != flip);
                                        if checked { pool.department_ids.push(flip.clone()); }
                                    });
                                } />
                            {d.name.clone()}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <div class="form-actions">
                <button type="button" class="ghost" on:click=move |_| pools.update(|p| if n < p.len() { p.remove(n); })>
                    {move || i18n.t(Msg::PoolRemove)}
                </button>
            </div>
        </fieldset>
    }
}
