//! The customer list (`/customers`): everyone in the caller's scope as a fast table,
//! in a saved view, searched, narrowed to one owner and sorted, all kept in the
//! address so a view can be reloaded and shared.

use super::use_query_param;
use crate::api::{use_api, use_api_events};
use crate::components::{
    Avatar, AvatarSize, IntentBar, LoadFailed, MorePages, PageHeader, TimeAgo, VirtualRowsOptions,
    use_pages, use_virtual_rows,
};
use crate::i18n::{I18n, Msg, use_i18n};
use crate::viewer::use_viewer;
use leptos::html;
use leptos::prelude::*;
use lianjie_core::api::{Event, Page};
use lianjie_core::contact::Contact;
use lianjie_core::customers::{CustomerQuery, CustomerSort, CustomerView, UNTOUCHED_DAYS};
use lianjie_core::intent::{HOT_THRESHOLD, top_interests};
use lianjie_core::scope::Action;

/// How many customers one request brings.
const PAGE: usize = 100;
/// Every row is this tall (`.customer-row` in the stylesheet), on a desk and a phone.
const ROW_PX: f64 = 60.0;
/// Day counts offered for "not touched for N days".
const UNTOUCHED_CHOICES: [u16; 4] = [7, 14, 30, 60];

#[component]
pub fn Customers() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let viewer = use_viewer();
    let (view_key, set_view) = use_query_param("view");
    let (sort_key, set_sort) = use_query_param("sort");
    let (text, set_text) = use_query_param("q");
    let (owner, set_owner) = use_query_param("owner");
    let (days, set_days) = use_query_param("days");
    let query = Memo::new(move |_| CustomerQuery {
        view: view_key
            .get()
            .and_then(|v| CustomerView::from_key(&v))
            .unwrap_or_default(),
        text: text.get().filter(|t| !t.trim().is_empty()),
        owner: owner.get().filter(|o| !o.is_empty()),
        untouched_days: days.get().and_then(|d| d.parse().ok()),
        sort: sort_key
            .get()
            .and_then(|s| CustomerSort::from_key(&s))
            .unwrap_or_default(),
        cursor: None,
        limit: Some(PAGE),
    });
    let pages = use_pages(
        query,
        move |q: CustomerQuery, cursor| api.customers(CustomerQuery { cursor, ..q }),
        |p: &Page<Contact>| p,
    );
    use_api_events(move |e| {
        if matches!(
            e,
            Event::Radar { .. } | Event::Contact { .. } | Event::Staff { .. } | Event::Reset
        ) {
            pages.first.refetch();
        }
    });
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
    let staff_name = move |id: &str| {
        viewer
            .with(|v| v.staff.iter().find(|u| u.id == id).map(|u| u.name.clone()))
            .flatten()
    };
    let current = move || query.with(|q| q.view);
    view! {
        <PageHeader title=Msg::NavCustomers intro=Msg::CustomersIntro />
        <div class="customer-tools">
            <div role="group" class="segmented" aria-label=move || i18n.t(Msg::SavedViews)>
                {move || views().into_iter().map(|v| view! {
                    <button type="button" aria-pressed=move || (current() == v).to_string()
                        on:click=move |_| set_view.set((v != CustomerView::All).then(|| v.key().to_owned()))>
                        {move || view_label(i18n, v, query.with(|q| q.untouched_days))}
                    </button>
                }).collect_view()}
            </div>
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
            {move || (!owners.with(Vec::is_empty)).then(|| view! {
                <select aria-label=move || i18n.t(Msg::Owner)
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        set_owner.set((!v.is_empty()).then_some(v));
                    }>
                    <option value="">{move || i18n.t(Msg::AllOwners)}</option>
                    {move || owners.get().into_iter().map(|(id, name)| {
                        let chosen = id.clone();
                        view! { <option value=id selected=move || owner.get() == Some(chosen.clone())>{name}</option> }
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
        <p class="list-count" role="status">
            {move || i18n.tf(Msg::ShowingNofM, &[
                ("n", &pages.listed.with(Vec::len).to_string()),
                ("total", &pages.total.get().to_string()),
            ])}
        </p>
        <CustomerTable list=pages.listed total=pages.total near_end=pages.near_end
            owner_name=Callback::new(move |id: String| staff_name(&id)) />
        {move || (pages.first.with(|r| matches!(r, Some(Ok(_)))) && pages.total.get() == 0).then(|| view! {
            <p class="empty">{move || i18n.t(Msg::NoCustomers)}</p>
        })}
        <MorePages load_more=pages.load_more has_more=pages.has_more failed=pages.failed />
    }
}

fn view_label(i18n: I18n, view: CustomerView, days: Option<u16>) -> String {
    match view {
        CustomerView::All => i18n.t(Msg::ViewAll).to_owned(),
        CustomerView::Mine => i18n.t(Msg::ViewMine).to_owned(),
        CustomerView::Hot => i18n.t(Msg::ViewHot).to_owned(),
        CustomerView::Untouched => i18n.tf(
            Msg::ViewUntouched,
            &[("n", &days.unwrap_or(UNTOUCHED_DAYS).to_string())],
        ),
        CustomerView::NewLeads => i18n.t(Msg::LeadsThisWeek).to_owned(),
    }
}

fn sort_label(sort: CustomerSort) -> Msg {
    match sort {
        CustomerSort::LastTouch => Msg::SortLastTouch,
        CustomerSort::Intent => Msg::SortIntent,
        CustomerSort::Name => Msg::SortName,
        CustomerSort::Newest => Msg::SortNewestCustomers,
    }
}

/// The customers as a table whose rows exist only while in view; each row says its
/// place in the whole list, so a screen reader still hears "row 3 of 20,000".
#[component]
fn CustomerTable(
    list: Memo<Vec<Contact>>,
    total: Signal<usize>,
    near_end: Callback<()>,
    owner_name: Callback<String, Option<String>>,
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
    let rows = move || {
        let (first, end) = rows_in_view.range.get();
        list.with(|l| {
            l[first..end]
                .iter()
                .enumerate()
                .map(|(i, c)| (first + i, c.clone()))
                .collect::<Vec<_>>()
        })
    };
    let columns = [
        Msg::LeadName,
        Msg::FieldCompany,
        Msg::Owner,
        Msg::IntentScore,
        Msg::Interests,
        Msg::SortLastTouch,
    ];
    view! {
        <div class="customer-table" role="table" node_ref=scroller
            aria-label=move || i18n.t(Msg::NavCustomers)
            aria-rowcount=move || (total.get() + 1).to_string()
            on:scroll=move |_| rows_in_view.measure()>
            <div role="rowgroup" class="customer-head">
                <div role="row" aria-rowindex="1" class="customer-cols">
                    {columns.into_iter().map(|m| view! { <span role="columnheader">{move || i18n.t(m)}</span> }).collect_view()}
                </div>
            </div>
            <div role="rowgroup"
                style:padding-top=move || rows_in_view.before_px()
                style:padding-bottom=move || rows_in_view.after_px(len.get())>
                <For each=rows key=|(i, c)| (*i, c.id.clone(), c.intent, c.last_seen_at, c.owner_id.clone(), c.name.clone(), c.company.clone()) let((index, c))>
                    <CustomerRow index c owner_name />
                </For>
            </div>
        </div>
    }
}

#[component]
fn CustomerRow(
    index: usize,
    c: Contact,
    owner_name: Callback<String, Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let owner = c.owner_id.clone().and_then(|id| owner_name.run(id));
    let hot = c.intent >= HOT_THRESHOLD;
    let interests = top_interests(&c.interests, 3)
        .into_iter()
        .map(|(tag, _)| tag.to_owned())
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <div role="row" class="customer-row customer-cols" class:hot=hot
            aria-rowindex=(index + 2).to_string()>
            <span role="cell" class="customer-name">
                <Avatar name=c.name.clone() size=AvatarSize::Small />
                <a href=format!("/contacts/{}", c.id)>{c.name.clone()}</a>
            </span>
            <span role="cell" class="customer-company">{c.company.clone()}</span>
            <span role="cell" class="customer-owner">
                {match owner {
                    Some(name) => name.into_any(),
                    None => view! { <span class="muted">{move || i18n.t(Msg::Unowned)}</span> }.into_any(),
                }}
            </span>
            <span role="cell" class="customer-intent"><IntentBar intent=c.intent /></span>
            <span role="cell" class="customer-interests">{interests}</span>
            <span role="cell" class="customer-touch">
                {match c.last_seen_at {
                    Some(at) => view! { <TimeAgo at /> }.into_any(),
                    None => view! { <span class="muted">{move || i18n.t(Msg::NeverTouched)}</span> }.into_any(),
                }}
            </span>
        </div>
    }
}
