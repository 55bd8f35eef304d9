//! One change to the customers ticked in the list: give them to a colleague, tag or
//! untag them, or move them to a stage, all at once.

use crate::api::{local::random_token, use_api};
use crate::components::{StageOptions, use_toasts};
use crate::i18n::{Msg, use_i18n};
use crate::viewer::{Viewer, use_viewer};
use leptos::prelude::*;
use lianjie_core::crm::{BulkChange, BulkUpdate};
use std::collections::BTreeSet;

#[component]
pub fn BulkBar(
    selected: RwSignal<BTreeSet<String>>,
    #[prop(into)] on_done: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let viewer = use_viewer();
    let toasts = use_toasts();
    let owner = RwSignal::new(String::new());
    let stage = RwSignal::new(String::new());
    let tag = RwSignal::new(String::new());
    let apply = Action::new_local(move |change: &BulkChange| {
        let update = BulkUpdate {
            ids: selected.get_untracked().into_iter().collect(),
            change: change.clone(),
            log_id: format!("bulk-{}", random_token()),
        };
        let api = api.clone();
        async move { api.bulk_update(update).await }
    });
    // Said once per change: what the toasts say does not follow the language.
    Effect::new(move || {
        let result = apply.value().get();
        untrack(move || match result {
            Some(Ok(list)) => {
                toasts.info(i18n.tf(Msg::BulkDone, &[("n", &list.len().to_string())]));
                selected.set(BTreeSet::new());
                on_done.run(());
            }
            Some(Err(e)) => {
                toasts.error(i18n.t(e.message()), None);
            }
            None => {}
        })
    });
    let colleagues = move || viewer.with(Viewer::assignable).unwrap_or_default();
    let busy = move || apply.pending().get();
    view! {
        <div class="bulk-bar" role="region" aria-label=move || i18n.t(Msg::BulkActions)>
            <strong>{move || i18n.tf(Msg::SelectedN, &[("n", &selected.with(BTreeSet::len).to_string())])}</strong>
            <span class="bulk-group">
                <select aria-label=move || i18n.t(Msg::AssignTo) on:change=move |ev| owner.set(event_target_value(&ev))>
                    <option value="">{move || i18n.t(Msg::AssignTo)}</option>
                    {move || colleagues().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                </select>
                <button type="button" disabled=move || busy() || owner.with(String::is_empty)
                    on:click=move |_| { apply.dispatch(BulkChange::Assign { owner_id: owner.get_untracked() }); }>
                    {move || i18n.t(Msg::Apply)}
                </button>
            </span>
            <span class="bulk-group">
                <select aria-label=move || i18n.t(Msg::MoveToStage) on:change=move |ev| stage.set(event_target_value(&ev))>
                    <StageOptions selected=Signal::derive(move || stage.get()) any=Msg::MoveToStage />
                </select>
                <button type="button" disabled=move || busy() || stage.with(String::is_empty)
                    on:click=move |_| { apply.dispatch(BulkChange::Stage { stage: stage.get_untracked() }); }>
                    {move || i18n.t(Msg::Apply)}
                </button>
            </span>
            <span class="bulk-group">
                <input type="text" list="bulk-tag-choices" aria-label=move || i18n.t(Msg::TagName) placeholder=move || i18n.t(Msg::TagName) bind:value=tag />
                <datalist id="bulk-tag-choices">
                    {move || viewer.with(|v| v.org.tags.clone()).unwrap_or_default().into_iter()
                        .map(|t| view! { <option value=t></option> }).collect_view()}
                </datalist>
                <button type="button" disabled=move || busy() || tag.with(|t| t.trim().is_empty())
                    on:click=move |_| { apply.dispatch(BulkChange::AddTag { tag: tag.get_untracked().trim().to_owned() }); }>
                    {move || i18n.t(Msg::AddTag)}
                </button>
                <button type="button" disabled=move || busy() || tag.with(|t| t.trim().is_empty())
                    on:click=move |_| { apply.dispatch(BulkChange::RemoveTag { tag: tag.get_untracked().trim().to_owned() }); }>
                    {move || i18n.t(Msg::RemoveTag)}
                </button>
            </span>
            <button type="button" class="ghost" on:click=move |_| selected.set(BTreeSet::new())>
                {move || i18n.t(Msg::ClearSelection)}
            </button>
        </div>
    }
}
