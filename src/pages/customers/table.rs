//! The customer list as a table whose rows exist only while in view.

use crate::api::use_api;
use crate::components::utc_offset_minutes;
use crate::components::{
    Avatar, AvatarSize, IntentBar, TimeAgo, VirtualRowsOptions, use_toasts, use_virtual_rows,
};
use crate::i18n::{AnyMsg, Msg, PublicMsg, use_i18n};
use crate::viewer::use_viewer;
use chrono::Utc;
use leptos::html;
use leptos::prelude::*;
use lianjie_core::contact::Contact;
use lianjie_core::crm::{Due, due};
use lianjie_core::intent::{HOT_THRESHOLD, top_interests};
use lianjie_core::link;
use std::collections::BTreeSet;

/// Every row is this tall (`.customer-row` in the stylesheet), on a desk and a phone.
const ROW_PX: f64 = 60.0;

/// The customers, each row saying its place in the whole list, so a screen reader
/// still hears "row 3 of 20,000". `selected` holds the ids ticked for a bulk change.
#[component]
pub fn CustomerTable(
    list: Memo<Vec<Contact>>,
    total: Signal<usize>,
    near_end: Callback<()>,
    selected: RwSignal<BTreeSet<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let scroller = NodeRef::<html::Div>::new();
    let len = Signal::derive(move || list.with(Vec::len));
    let rows_in_view = use_virtual_rows(
        scroller,
        len,
        VirtualRowsOptions {
            row_px: ROW_PX,
            total,
            near_end,
        },
    );
    let rows = move || rows_in_view.slice(list);
    let all_ticked = move || {
        list.with(|l| !l.is_empty() && selected.with(|s| l.iter().all(|c| s.contains(&c.id))))
    };
    let columns: [AnyMsg; 7] = [
        PublicMsg::LeadName.into(),
        Msg::Stage.into(),
        Msg::Owner.into(),
        Msg::IntentScore.into(),
        Msg::Tags.into(),
        Msg::NextFollowUp.into(),
        Msg::SortLastTouch.into(),
    ];
    view! {
        <div class="customer-table" role="table" node_ref=scroller
            aria-label=move || i18n.t(Msg::NavCustomers)
            aria-rowcount=move || (total.get() + 1).to_string()
            on:scroll=move |_| rows_in_view.measure()>
            <div role="rowgroup" class="customer-head">
                <div role="row" aria-rowindex="1" class="customer-cols">
                    <span role="columnheader" class="customer-tick">
                        <input type="checkbox" aria-label=move || i18n.t(Msg::SelectAllShown)
                            prop:checked=all_ticked
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                selected.set(if on {
                                    list.with(|l| l.iter().map(|c| c.id.clone()).collect())
                                } else {
                                    BTreeSet::new()
                                });
                            } />
                    </span>
                    {columns.into_iter().map(|m| view! { <span role="columnheader">{move || i18n.t(m)}</span> }).collect_view()}
                </div>
            </div>
            <div role="rowgroup"
                style:padding-top=move || rows_in_view.before_px()
                style:padding-bottom=move || rows_in_view.after_px(len.get())>
                <For each=rows
                    key=|(i, c)| (*i, c.id.clone(), c.name.clone(), c.company.clone(), c.stage.clone(), c.owner_id.clone(),
                        c.intent, c.tags.clone(), c.starred_by.clone(), c.next_follow_up_at, c.last_seen_at)
                    let((index, c))>
                    <CustomerRow index c selected />
                </For>
            </div>
        </div>
    }
}

#[component]
fn CustomerRow(index: usize, c: Contact, selected: RwSignal<BTreeSet<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let viewer = use_viewer();
    let api = use_api();
    let toasts = use_toasts();
    let owner = c
        .owner_id
        .clone()
        .and_then(|id| viewer.with(|v| v.staff_name(&id)).flatten());
    let stage = c.stage_or_first().to_owned();
    let me = viewer
        .with_untracked(|v| v.me.id.clone())
        .unwrap_or_default();
    let starred = RwSignal::new(c.starred_by.contains(&me));
    let interests = top_interests(&c.interests, 3)
        .into_iter()
        .map(|(tag, _)| tag.to_owned())
        .collect::<Vec<_>>()
        .join(" · ");
    let now = Utc::now();
    let offset = utc_offset_minutes();
    let due_class = c.next_follow_up_at.map(|at| match due(at, now, offset) {
        Due::Overdue => "due overdue",
        Due::Today => "due today",
        Due::Later => "due",
    });
    let id = c.id.clone();
    let ticked = {
        let id = id.clone();
        move || selected.with(|s| s.contains(&id))
    };
    let toggle_star = Action::new_local({
        let id = id.clone();
        move |on: &bool| {
            let (api, id, on) = (api.clone(), id.clone(), *on);
            async move { api.set_star(id, on).await }
        }
    });
    Effect::new(move || match toggle_star.value().get() {
        Some(Ok(c)) => starred.set(c.starred_by.contains(&me)),
        Some(Err(e)) => {
            toasts.error(i18n.t(e.message()), None);
        }
        None => {}
    });
    let name = c.name.clone();
    let hot = c.intent >= HOT_THRESHOLD;
    view! {
        <div role="row" class="customer-row customer-cols" class:hot=hot
            aria-rowindex=(index + 2).to_string()>
            <span role="cell" class="customer-tick">
                <input type="checkbox" prop:checked=ticked
                    aria-label={let name = name.clone(); move || i18n.tf(Msg::SelectCustomer, &[("name", &name)])}
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        selected.update(|s| {
                            if on { s.insert(id.clone()); } else { s.remove(&id); }
                        });
                    } />
            </span>
            <span role="cell" class="customer-name">
                <Avatar name=c.name.clone() size=AvatarSize::Small />
                <span class="customer-who">
                    <a href=link::path(&["contacts", &c.id])>{c.name.clone()}</a>
                    <span class="customer-company">{c.company.clone()}</span>
                </span>
                <button type="button" class="star" aria-pressed=move || starred.get().to_string()
                    aria-label={let name = name.clone(); move || i18n.tf(Msg::StarCustomer, &[("name", &name)])}
                    disabled=move || toggle_star.pending().get()
                    on:click=move |_| { toggle_star.dispatch(!starred.get_untracked()); }>
                    {move || if starred.get() { "★" } else { "☆" }}
                </button>
            </span>
            <span role="cell" class="customer-stage">
                {move || viewer.with(|v| i18n.stage(&v.org, &stage)).unwrap_or_default()}
            </span>
            <span role="cell" class="customer-owner">
                {match owner {
                    Some(name) => name.into_any(),
                    None => view! { <span class="muted">{move || i18n.t(Msg::Unowned)}</span> }.into_any(),
                }}
            </span>
            <span role="cell" class="customer-intent"><IntentBar intent=c.intent /></span>
            <span role="cell" class="customer-tags">
                {c.tags.iter().map(|t| view! { <span class="tag">{t.clone()}</span> }).collect_view()}
                <span class="muted">{interests}</span>
            </span>
            <span role="cell" class=move || due_class.unwrap_or("due")>
                {c.next_follow_up_at.map(|at| view! { <ShortTime at /> })}
            </span>
            <span role="cell" class="customer-touch">
                {match c.last_seen_at {
                    Some(at) => view! { <TimeAgo at /> }.into_any(),
                    None => view! { <span class="muted">{move || i18n.t(Msg::NeverTouched)}</span> }.into_any(),
                }}
            </span>
        </div>
    }
}

/// A moment as the reader's date and time, short.
#[component]
fn ShortTime(at: chrono::DateTime<Utc>) -> impl IntoView {
    let local = at.with_timezone(&chrono::Local);
    view! { <time datetime=at.to_rfc3339()>{local.format("%m-%d %H:%M").to_string()}</time> }
}
