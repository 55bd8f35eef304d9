//! The list's toolbar: status as a tab row with counts, a search box, and the other
//! filters in a menu, with each active one shown as a chip that removes it. Every
//! filter lives in the address (see [`set_filter`]).

use crate::i18n::{I18n, Msg, use_i18n};
use leptos::ev;
use leptos::prelude::*;
use leptos_use::use_event_listener;
use lianjie_core::api::{AssigneeFilter, ConversationQuery, StatusCounts, StatusFilter};
use lianjie_core::channel::Channel;
use lianjie_core::inbox::InboxSort;

pub(super) fn status_label(s: StatusFilter) -> Msg {
    match s {
        StatusFilter::Open => Msg::StatusOpen,
        StatusFilter::Pending => Msg::StatusPending,
        StatusFilter::Snoozed => Msg::StatusSnoozed,
        StatusFilter::Resolved => Msg::StatusResolved,
        StatusFilter::All => Msg::StatusAll,
    }
}

pub(super) fn assignee_label(a: AssigneeFilter) -> Msg {
    match a {
        AssigneeFilter::All => Msg::AssigneeAll,
        AssigneeFilter::Mine => Msg::AssigneeMine,
        AssigneeFilter::Unassigned => Msg::AssigneeUnassigned,
    }
}

pub(super) fn sort_label(s: InboxSort) -> Msg {
    match s {
        InboxSort::Newest => Msg::SortNewest,
        InboxSort::Oldest => Msg::SortOldest,
        InboxSort::Intent => Msg::SortIntent,
    }
}

/// Sets one list filter in the address; its default removes the parameter, so plain
/// addresses stay plain. The controls and the command palette all set filters so.
pub(super) fn set_filter(set: SignalSetter<Option<String>>, value: &str, default: &str) {
    set.set(Some(value.to_owned()).filter(|v| v != default));
}

/// The list's filters as the address holds them, and the setter of each.
#[derive(Clone, Copy)]
pub(super) struct Filters {
    pub query: Memo<ConversationQuery>,
    pub status: SignalSetter<Option<String>>,
    pub assignee: SignalSetter<Option<String>>,
    pub channel: SignalSetter<Option<String>>,
    pub sort: SignalSetter<Option<String>>,
    pub label: SignalSetter<Option<String>>,
    pub text: SignalSetter<Option<String>>,
}

/// One active filter other than status and search: what its chip says, and the
/// setter that clears it.
fn active(
    i18n: I18n,
    q: &ConversationQuery,
    f: Filters,
) -> Vec<(String, SignalSetter<Option<String>>)> {
    let mut out = Vec::new();
    let mut add = |name: Msg, value: String, set| {
        out.push((format!("{}: {value}", i18n.t(name)), set));
    };
    if q.assignee != AssigneeFilter::default() {
        add(
            Msg::AssignedTo,
            i18n.t(assignee_label(q.assignee)).to_owned(),
            f.assignee,
        );
    }
    if let Some(c) = q.channel {
        add(Msg::ViaChannel, i18n.channel(c).to_owned(), f.channel);
    }
    if let Some(l) = &q.label {
        add(Msg::LabelFilter, l.clone(), f.label);
    }
    if q.sort != InboxSort::default() {
        add(Msg::SortBy, i18n.t(sort_label(q.sort)).to_owned(), f.sort);
    }
    out
}

/// An option's text, looked up in the current language.
type OptionLabel = Box<dyn Fn() -> &'static str + Send + Sync>;

/// One list filter as a labelled select kept in the address (see [`set_filter`]).
#[component]
fn FilterSelect(
    label: Msg,
    options: Vec<(&'static str, OptionLabel)>,
    current: Signal<&'static str>,
    default: &'static str,
    set: SignalSetter<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label>
            {move || i18n.t(label)}
            <select on:change=move |ev| set_filter(set, &event_target_value(&ev), default)>
                {options.into_iter().map(|(value, text)| view! {
                    <option value=value selected=move || current.get() == value>{text}</option>
                }).collect_view()}
            </select>
        </label>
    }
}

#[component]
pub(super) fn InboxToolbar(
    filters: Filters,
    /// Conversations per status under the other filters, once known.
    counts: Signal<Option<StatusCounts>>,
    /// Labels seen in the list, offered when filtering by label.
    known_labels: Memo<Vec<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let query = filters.query;
    let menu_open = RwSignal::new(false);
    let chips = Memo::new(move |_| {
        query.with(|q| {
            active(i18n, q, filters)
                .into_iter()
                .map(|(text, _)| text)
                .collect::<Vec<_>>()
        })
    });
    let remove = move |text: &str| {
        let found = query
            .with_untracked(|q| active(i18n, q, filters))
            .into_iter()
            .find(|(t, _)| t == text);
        if let Some((_, set)) = found {
            set.set(None);
        }
    };
    let status_now = move || query.with(|q| q.status);
    // Escape closes the menu wherever focus is: a conversation opening beside it (the
    // list read again once the data has loaded) may have taken focus from it.
    let _ = use_event_listener(document(), ev::keydown, move |ev| {
        if ev.key() == "Escape" && menu_open.get_untracked() {
            menu_open.set(false);
        }
    });
    view! {
        <div class="inbox-toolbar">
            <div role="group" class="tab-row status-tabs" aria-label=move || i18n.t(Msg::ConversationStatus)>
                {StatusFilter::ALL.map(|s| {
                    let label = status_label(s);
                    // Under the other filters as they are, so "Pending 3" is what a click shows.
                    let count = move || counts.get().map(|c| c.get(s).to_string()).unwrap_or_default();
                    view! {
                        <button type="button" aria-pressed=move || (status_now() == s).to_string()
                            on:click=move |_| set_filter(filters.status, s.slug(), StatusFilter::default().slug())>
                            {move || i18n.t(label)} " " <span class="tab-count">{count}</span>
                        </button>
                    }
                }).collect_view()}
            </div>
            <div class="toolbar-row">
                <label class="search">
                    <span class="visually-hidden">{move || i18n.t(Msg::SearchConversations)}</span>
                    <input type="search" placeholder=move || i18n.t(Msg::SearchConversations)
                        prop:value=move || query.with(|q| q.text.clone().unwrap_or_default())
                        on:input=move |ev| filters.text.set(Some(event_target_value(&ev)).filter(|v| !v.is_empty())) />
                </label>
                <div class="menu">
                    <button type="button" aria-expanded=move || menu_open.get().to_string()
                        aria-controls="inbox-filter-menu" on:click=move |_| menu_open.update(|o| *o = !*o)>
                        {move || i18n.t(Msg::RadarFilters)}
                        {move || (!chips.with(Vec::is_empty)).then(|| view! {
                            " " <span class="badge quiet">{chips.with(Vec::len)}</span>
                        })}
                    </button>
                    <Show when=move || menu_open.get()>
                        <div class="popover filter-menu" id="inbox-filter-menu" role="group"
                            aria-label=move || i18n.t(Msg::RadarFilters)>
                            <FilterSelect
                                label=Msg::AssignedTo
                                options=AssigneeFilter::ALL.map(|a| {
                                    (a.slug(), Box::new(move || i18n.t(assignee_label(a))) as OptionLabel)
                                }).into()
                                current=Signal::derive(move || query.with(|q| q.assignee.slug()))
                                default=AssigneeFilter::default().slug()
                                set=filters.assignee
                            />
                            <FilterSelect
                                label=Msg::ViaChannel
                                options=std::iter::once(("", Box::new(move || i18n.t(Msg::AllChannels)) as OptionLabel))
                                    .chain(Channel::ALL.map(|c| (c.slug(), Box::new(move || i18n.channel(c)) as OptionLabel)))
                                    .collect()
                                current=Signal::derive(move || query.with(|q| q.channel.map_or("", Channel::slug)))
                                default=""
                                set=filters.channel
                            />
                            <FilterSelect
                                label=Msg::SortBy
                                options=InboxSort::ALL.map(|s| {
                                    (s.slug(), Box::new(move || i18n.t(sort_label(s))) as OptionLabel)
                                }).into()
                                current=Signal::derive(move || query.with(|q| q.sort.slug()))
                                default=InboxSort::default().slug()
                                set=filters.sort
                            />
                            <label>
                                {move || i18n.t(Msg::LabelFilter)}
                                <input type="text" list="inbox-labels" prop:value=move || query.with(|q| q.label.clone().unwrap_or_default())
                                    on:change=move |ev| filters.label.set(Some(event_target_value(&ev)).filter(|v| !v.trim().is_empty())) />
                                <datalist id="inbox-labels">
                                    <For each=move || known_labels.get() key=|l| l.clone() let(l)>
                                        <option value=l />
                                    </For>
                                </datalist>
                            </label>
                            <div class="actions">
                                <button type="button" on:click=move |_| menu_open.set(false)>{move || i18n.t(Msg::DoneAction)}</button>
                            </div>
                        </div>
                    </Show>
                </div>
            </div>
            <Show when=move || !chips.with(Vec::is_empty)>
                <ul class="active-filters" aria-label=move || i18n.t(Msg::ActiveFilters)>
                    <For each=move || chips.get() key=|t| t.clone() let(text)>
                        <li class="chip">
                            {text.clone()}
                            <button type="button" aria-label=i18n.tf(Msg::RemoveFilter, &[("filter", &text)])
                                on:click={
                                    let text = text.clone();
                                    move |_| remove(&text)
                                }>"×"</button>
                        </li>
                    </For>
                </ul>
            </Show>
        </div>
    }
}
