//! Working a customer from their profile: their stage, a star, who owns them (and
//! the pool: see `ownership`), their details and tags (edited in place), and the
//! follow-up form.

use super::ownership::Ownership;
use crate::api::{local::random_token, use_api};
use crate::components::{CustomerForm, FollowUpForm, StageOptions, use_toasts};
use crate::i18n::{Msg, use_i18n};
use crate::viewer::use_viewer;
use leptos::prelude::*;
use lianjie_core::contact::Contact;
use lianjie_core::crm::StageMove;

#[component]
pub fn CustomerWork(contact: Contact) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let viewer = use_viewer();
    let toasts = use_toasts();
    let editing = RwSignal::new(false);
    let me = viewer
        .with_untracked(|v| v.me.id.clone())
        .unwrap_or_default();
    let starred = RwSignal::new(contact.starred_by.contains(&me));
    // Whether the viewer may change this customer (the backends decide; this only
    // keeps controls they could not use off the page).
    let may_edit = Memo::new({
        let owner = contact.owner_id.clone();
        move |_| {
            viewer
                .with(|v| v.may_edit_customer(owner.as_deref()))
                .unwrap_or(false)
        }
    });
    let stage = RwSignal::new(contact.stage_or_first().to_owned());
    let move_stage = Action::new_local({
        let (api, id) = (api.clone(), contact.id.clone());
        move |to: &String| {
            let change = StageMove {
                stage: to.clone(),
                log_id: format!("st-{}", random_token()),
            };
            let (api, id) = (api.clone(), id.clone());
            async move { api.set_stage(id, change).await }
        }
    });
    let star = Action::new_local({
        let (api, id) = (api.clone(), contact.id.clone());
        move |on: &bool| {
            let (api, id, on) = (api.clone(), id.clone(), *on);
            async move { api.set_star(id, on).await }
        }
    });
    Effect::new(move || {
        for done in [move_stage.value().get(), star.value().get()]
            .into_iter()
            .flatten()
        {
            match done {
                Ok(c) => {
                    stage.set(c.stage_or_first().to_owned());
                    starred.set(c.starred_by.contains(&me));
                }
                Err(e) => {
                    toasts.error(i18n.t(e.message()), None);
                }
            }
        }
    });
    let owner_name = contact
        .owner_id
        .clone()
        .and_then(|id| viewer.with_untracked(|v| v.staff_name(&id)).flatten())
        .unwrap_or_else(|| i18n.t(Msg::Unowned).to_owned());
    let next = contact.next_follow_up_at.map(|at| {
        at.with_timezone(&chrono::Local)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    });
    let edit_form = contact.clone();
    let form_stage = may_edit
        .get_untracked()
        .then(|| contact.stage_or_first().to_owned());
    let (id, tags, source, notes) = (
        contact.id.clone(),
        contact.tags.clone(),
        contact.source.clone(),
        contact.notes.clone(),
    );
    view! {
        <section class="panel customer-work" aria-labelledby="work-h">
            <div class="work-head">
                <h2 id="work-h">{move || i18n.t(Msg::WorkThisCustomer)}</h2>
                <button type="button" class="star" aria-pressed=move || starred.get().to_string()
                    disabled=move || star.pending().get()
                    on:click=move |_| { star.dispatch(!starred.get_untracked()); }>
                    {move || if starred.get() { "★ " } else { "☆ " }}
                    {move || i18n.t(Msg::ViewStarred)}
                </button>
            </div>
            <dl class="work-facts">
                <dt><label for="work-stage">{move || i18n.t(Msg::Stage)}</label></dt>
                <dd>
                    <select id="work-stage" disabled=move || !may_edit.get() || move_stage.pending().get()
                        on:change=move |ev| { move_stage.dispatch(event_target_value(&ev)); }>
                        <StageOptions selected=Signal::derive(move || stage.get()) />
                    </select>
                </dd>
                <dt>{move || i18n.t(Msg::Owner)}</dt>
                <dd>{owner_name}</dd>
                <dt>{move || i18n.t(Msg::NextFollowUp)}</dt>
                <dd>{next.unwrap_or_else(|| "—".to_owned())}</dd>
                <dt>{move || i18n.t(Msg::Tags)}</dt>
                <dd>
                    {if tags.is_empty() { "—".into_any() } else {
                        tags.into_iter().map(|t| view! { <span class="tag">{t}</span> }).collect_view().into_any()
                    }}
                </dd>
                <dt>{move || i18n.t(Msg::CustomerSource)}</dt>
                <dd>{if source.is_empty() { "—".to_owned() } else { source }}</dd>
                <dt>{move || i18n.t(Msg::Notes)}</dt>
                <dd class="work-notes">{if notes.is_empty() { "—".to_owned() } else { notes }}</dd>
            </dl>
            <Ownership contact=contact.clone() />
            <Show when=move || may_edit.get()>
                <p class="form-actions">
                    <button type="button" aria-expanded=move || editing.get().to_string()
                        on:click=move |_| editing.update(|e| *e = !*e)>
                        {move || i18n.t(Msg::EditCustomer)}
                    </button>
                </p>
            </Show>
            <Show when=move || editing.get()>
                <CustomerForm editing=Some(edit_form.clone())
                    on_saved=move |_| {
                        editing.set(false);
                        toasts.info(i18n.t(Msg::Saved));
                    }
                    on_cancel=move |()| editing.set(false) />
            </Show>
        </section>
        <section class="panel">
            <FollowUpForm contact_id=id stage=form_stage />
        </section>
    }
}
