use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;
use lianjie_core::pool::Verdict;

/// When the pool's rules take a customer back (in the reader's calendar), and
/// whether they are held because they are reading now.
#[component]
pub fn DueBadges(verdict: Verdict) -> impl IntoView {
    let i18n = use_i18n();
    let when = verdict.due().map(|at| {
        at.with_timezone(&chrono::Local)
            .format("%Y-%m-%d")
            .to_string()
    });
    let engaged = matches!(verdict, Verdict::Engaged { .. });
    view! {
        {when.map(|date| view! { <span class="badge quiet">{move || i18n.tf(Msg::PoolDueOn, &[("date", &date)])}</span> })}
        {engaged.then(|| view! { <span class="badge hot">{move || i18n.t(Msg::PoolEngaged)}</span> })}
    }
}
