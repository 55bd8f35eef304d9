use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;
use lianjie_core::intent::HOT_THRESHOLD;

/// A customer's intent (0–100) as a labelled bar.
#[component]
pub fn IntentBar(intent: u8) -> impl IntoView {
    let i18n = use_i18n();
    let label = intent.to_string();
    let hot = intent >= HOT_THRESHOLD;
    view! {
        <div class="intent-bar" class:hot=hot role="meter" aria-valuemin="0" aria-valuemax="100"
            aria-valuenow=intent.to_string() aria-label=move || i18n.tf(Msg::IntentN, &[("n", &label)])>
            <span class="intent-fill" style=format!("width: {}%", intent.min(100))></span>
            <span class="intent-figure">{move || i18n.tf(Msg::IntentN, &[("n", &intent.to_string())])}</span>
        </div>
    }
}
