use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;

/// A figure's value, computed in the view so it follows the language.
pub type StatValue = Box<dyn Fn() -> String + Send + Sync>;

/// Key figures as a description list of label and value tiles.
#[component]
pub fn StatList(figures: Vec<(Msg, StatValue)>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <dl class="stats">
            {figures.into_iter().map(|(label, value)| view! {
                <div class="stat">
                    <dt>{move || i18n.t(label)}</dt>
                    <dd>{value}</dd>
                </div>
            }).collect_view()}
        </dl>
    }
}
