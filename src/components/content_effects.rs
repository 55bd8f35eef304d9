use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;
use leptos_router::components::A;
use lianjie_core::link;
use lianjie_core::playbook::ContentEffect;

/// Content ranked by what it led to: each item with its readers, leads and deals
/// won, the ones to start with marked.
#[component]
pub fn ContentEffects(items: Vec<ContentEffect>, start_here: Vec<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ol class="ranking">
            {items.into_iter().map(|e| {
                let first = start_here.contains(&e.content_id);
                let (n, leads, deals) = (e.readers.to_string(), e.leads.to_string(), e.deals_won.to_string());
                view! {
                    <li>
                        <A href=link::path(&["content", &e.content_id])>{e.title}</A>
                        {first.then(|| view! { " " <span class="badge">{move || i18n.t(Msg::StartHere)}</span> })}
                        <span class="via">" · " {move || i18n.tf(Msg::EffectFigures, &[("n", &n), ("leads", &leads), ("deals", &deals)])}</span>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}
