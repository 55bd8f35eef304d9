//! The customer list (`/customers`): everyone in the caller's scope as a fast table,
//! in a saved view, searched and narrowed (stage, tag, owner) and sorted, all kept in
//! the address so a view can be reloaded and shared; new customers added here, and
//! changes made to many at once.

mod bulk_bar;
mod export;
mod import;
mod table;

use super::use_query_param;
use crate::api::{use_api, use_api_events};
use crate::components::utc_offset_minutes;
use crate::components::{
    CustomerForm, LoadFailed, MorePages, PageHeader, StageOptions, use_pages, use_toasts,
};
use crate::i18n::{I18n, Msg, use_i18n};
use crate::viewer::use_viewer;
use bulk_bar::BulkBar;
use export::ExportButton;
use import::CustomerImport;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use lianjie_core::api::{Event, Page};
use lianjie_core::contact::Contact;
use lianjie_core::customers::{CustomerQuery, CustomerSort, CustomerView, UNTOUCHED_DAYS};
use lianjie_core::link;
use lianjie_core::scope::Action;
use std::collections::BTreeSet;
use table::CustomerTable;

/// How many customers one request brings.
const PAGE: usize = 100;
/// Day counts offered for "not touched for N days".
const UNTOUCHED_CHOICES: [u16; 4] = [7, 14, 30, 60];

#[component]
pub fn Customers() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let viewer = use_viewer();
    let toasts = use_toasts();
    let navigate = use_navigate();
    let (view_key, set_view) = use_query_param("view");
    let (sort_key, set_sort) = use_query_param("sort");
    let (text, set_text) = use_query_param("q");
    let (owner, set_owner) = use_query_param("owner");
    let (days, set_days) = use_query_param("days");
    let (stage, set_stage) = use_query_param("stage");
    let (tag, set_tag) = use_query_param("tag");
    // "Today" is the reader's day.
    let tz_offset = utc_offset_minutes();
    let query = Memo::new(move |_| CustomerQuery {
        view: view_key
            .get()
            .and_then(|v| CustomerView::from_key(&v))
            .unwrap_or_default(),
        text: text.get().filter(|t| !t.trim().is_empty()),
        owner: owner.get().filter(|o| !o.is_empty()),
        untouched_days: days.get().and_then(|d| d.parse().ok()),
        stage: stage.get().filter(|s| !s.is_empty()),
        tag: tag.get().filter(|t| !t.is_empty()),
        tz_offset: Some(tz_offset),
        pool: None,
        sort: sort_key
            .get()
            .and_then(|s| CustomerSort::from_key(&s))
            .unwrap_or_default(),
        cursor: None,
        limit: Some(PAGE),
    });
    let pages = use_pages(
        query,
        {
            let api = api.clone();
            move |q: CustomerQuery, cursor| api.customers(CustomerQuery { cursor, ..q })
        },
        |p: &Page<Contact>| p,
    );
    use_api_events(move |e| {
        if matches!(
            e,
            Event::Radar { .. }
                | Event::Contact { .. }
                | Event::Customers { .. }
                | Event::Staff { .. }
                | Event::Reset
        ) {
            pages.first.refetch();
        }
    });
    // Ticked for a bulk change; a new query starts with none.
    let selected = RwSignal::new(BTreeSet::<String>::new());
    Effect::new(move || {
        query.track();
        selected.set(BTreeSet::new());
    });
    let adding = RwSignal::new(false);
    let importing = RwSignal::new(false);
    let import_busy = RwSignal::new(false);
    let may_edit = move || viewer.may(Action::EditCustomers);
    // Sellers own customers; agents and admins have no "mine".
    let views = move || {
        CustomerView::ALL
            .into_iter()
            .filter(|v| *v != CustomerView::Mine || viewer.may(Action::ShareLinks))
            .collect::<Vec<_>>()
    };
    // Colleagues whose customers the viewer covers, for the owner filter (a rep
    // covers only themselves: no filter).
    let owners = Memo::new(move |_| {
        viewer
            .with(|v| {
                v.staff
                    .iter()
                    .filter(|u| u.id != v.me.id && v.caller.covers(Some(&u.id)))
                    .map(|u| (u.id.clone(), u.name.clone()))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    // The organization's tags, those seen on the customers loaded so far, and the
    // one filtered by.
    let known_tags = Memo::new(move |_| {
        let mut all: BTreeSet<String> = pages
            .listed
            .with(|l| l.iter().flat_map(|c| c.tags.clone()).collect());
        all.extend(tag.get());
        all.extend(viewer.with(|v| v.org.tags.clone()).unwrap_or_default());
        all.into_iter().collect::<Vec<_>>()
    });
    let current = move || query.with(|q| q.view);
    view! {
        <PageHeader title=Msg::NavCustomers intro=Msg::CustomersIntro>
            <ExportButton query />
            <Show when=may_edit>
                <button type="button" aria-expanded=move || importing.get().to_string()
                    disabled=move || import_busy.get()
                    on:click=move |_| importing.update(|a| *a = !*a)>
                    {move || i18n.t(Msg::ImportCustomers)}
                </button>
                <button type="button" class="cta" aria-expanded=move || adding.get().to_string()
                    on:click=move |_| adding.update(|a| *a = !*a)>
                    {move || i18n.t(Msg::NewCustomer)}
                </button>
            </Show>
        </PageHeader>
        <Show when=move || importing.get()>
            <CustomerImport busy=import_busy on_close=move |()| {
                importing.set(false);
                pages.first.refetch();
            } />
        </Show>
        <Show when=move || adding.get()>
            <section class="panel">
                <CustomerForm editing=None
                    on_saved={
                        let navigate = navigate.clone();
                        move |c: Contact| {
                            adding.set(false);
                            toasts.info(i18n.t(Msg::CustomerAdded));
                            navigate(&link::path(&["contacts", &c.id]), Default::default());
                        }
                    }
                    on_cancel=move |()| adding.set(false) />
            </section>
        </Show>
        <div class="customer-tools">
            <div role="group" class="segmented customer-views" aria-label=move || i18n.t(Msg::SavedViews)>
                {move || views().into_iter().map(|v| view! {
                    <button type="button" aria-pressed=move || (current() == v).to_string()
                        on:click=move |_| set_view.set((v != CustomerView::All).then(|| v.key().to_owned()))>
                        {move || view_label(i18n, v, query.with(|q| q.untouched_days))}
                    </button>
                }).collect_view()}
            </div>
        </div>
        <div class="customer-tools">
            {move || (current() == CustomerView::Untouched).then(|| view! {
                <label class="inline-field">
                    <span>{move || i18n.t(Msg::UntouchedFor)}</span>
                    <select on:change=move |ev| set_days.set(Some(event_target_value(&ev)))>
                        {UNTOUCHED_CHOICES.into_iter().map(|d| view! {
                            <option value=d.to_string()
                                selected=move || query.with(|q| q.untouched_days.unwrap_or(UNTOUCHED_DAYS)) == d>
                                {move || i18n.tf(Msg::DaysN, &[("n", &d.to_string())])}
                            </option>
                        }).collect_view()}
                    </select>
                </label>
            })}
            <input type="search" class="customer-search"
                aria-label=move || i18n.t(Msg::SearchCustomers)
                placeholder=move || i18n.t(Msg::SearchCustomers)
                prop:value=move || text.get().unwrap_or_default()
                on:input=move |ev| {
                    let typed = event_target_value(&ev);
                    set_text.set((!typed.trim().is_empty()).then_some(typed));
                } />
            <select aria-label=move || i18n.t(Msg::Stage)
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    set_stage.set((!v.is_empty()).then_some(v));
                }>
                <StageOptions selected=Signal::derive(move || stage.get().unwrap_or_default()) any=Msg::AllStages />
            </select>
            <select aria-label=move || i18n.t(Msg::Tags)
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    set_tag.set((!v.is_empty()).then_some(v));
                }>
                <option value="">{move || i18n.t(Msg::AllTags)}</option>
                {move || known_tags.get().into_iter().map(|t| {
                    let (is, label) = (t.clone(), t.clone());
                    view! { <option value=t selected=move || tag.get() == Some(is.clone())>{label}</option> }
                }).collect_view()}
            </select>
            {move || (!owners.with(Vec::is_empty)).then(|| view! {
                <select aria-label=move || i18n.t(Msg::Owner)
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        set_owner.set((!v.is_empty()).then_some(v));
                    }>
                    <option value="">{move || i18n.t(Msg::AllOwners)}</option>
                    {move || owners.get().into_iter().map(|(id, name)| {
                        let is = id.clone();
                        view! { <option value=id selected=move || owner.get() == Some(is.clone())>{name}</option> }
                    }).collect_view()}
                </select>
            })}
            <label class="inline-field">
                <span>{move || i18n.t(Msg::SortBy)}</span>
                <select on:change=move |ev| {
                    let v = event_target_value(&ev);
                    set_sort.set((v != CustomerSort::default().key()).then_some(v));
                }>
                    {CustomerSort::ALL.into_iter().map(|s| view! {
                        <option value=s.key() selected=move || query.with(|q| q.sort) == s>
                            {move || i18n.t(sort_label(s))}
                        </option>
                    }).collect_view()}
                </select>
            </label>
        </div>
        <LoadFailed resource=pages.first />
        <Show when=move || may_edit() && selected.with(|s| !s.is_empty())>
            <BulkBar selected on_done=move |()| pages.first.refetch() />
        </Show>
        <p class="list-count" role="status">
            {move || i18n.tf(Msg::ShowingNofM, &[
                ("n", &pages.listed.with(Vec::len).to_string()),
                ("total", &pages.total.get().to_string()),
            ])}
        </p>
        <CustomerTable list=pages.listed total=pages.total near_end=pages.near_end selected />
        {move || (pages.first.with(|r| matches!(r, Some(Ok(_)))) && pages.total.get() == 0).then(|| view! {
            <p class="empty">{move || i18n.t(Msg::NoCustomers)}</p>
        })}
        <MorePages load_more=pages.load_more has_more=pages.has_more failed=pages.failed />
    }
}

fn view_label(i18n: I18n, view: CustomerView, days: Option<u16>) -> String {
    let msg = match view {
        CustomerView::All => Msg::ViewAll,
        CustomerView::Mine => Msg::ViewMine,
        CustomerView::Starred => Msg::ViewStarred,
        CustomerView::FollowUpToday => Msg::ViewFollowUpToday,
        CustomerView::Overdue => Msg::ViewOverdue,
        CustomerView::Hot => Msg::ViewHot,
        CustomerView::Untouched => {
            return i18n.tf(
                Msg::ViewUntouched,
                &[("n", &days.unwrap_or(UNTOUCHED_DAYS).to_string())],
            );
        }
        CustomerView::NewLeads => Msg::LeadsThisWeek,
    };
    i18n.t(msg).to_owned()
}

fn sort_label(sort: CustomerSort) -> Msg {
    match sort {
        CustomerSort::LastTouch => Msg::SortLastTouch,
        CustomerSort::Intent => Msg::SortIntent,
        CustomerSort::Name => Msg::SortName,
        CustomerSort::Newest => Msg::SortNewestCustomers,
    }
}
