//! The unified touchpoint inbox: every channel's conversations in one list, the
//! conversation with its composer, and the customer's whole story beside it.

mod delivery;
mod list;
mod palette;
mod sidebar;
mod thread;
mod toolbar;

use super::use_query_param;
use crate::api::{ApiResult, use_api, use_api_events};
use crate::components::{
    LoadFailed, MessageAlerts, MorePages, PageHeader, RetryAlert, load_error, use_pages,
};
use crate::i18n::{Msg, PublicMsg, use_i18n};
use crate::viewer::{Gate, staff_nav, use_viewer};
use leptos::ev;
use leptos::prelude::*;
use leptos_use::use_event_listener;
use lianjie_core::api::{AssigneeFilter, ConversationPage, ConversationQuery, Event, StatusFilter};
use lianjie_core::channel::Channel;
use lianjie_core::inbox::{CannedReply, InboxSort};
use list::ConversationList;
use palette::{CommandPalette, PaletteCommand};
use sidebar::CustomerSidebar;
use thread::Thread;
use toolbar::{Filters, InboxToolbar, assignee_label, set_filter, sort_label, status_label};
use wasm_bindgen::JsCast;

/// How many conversations one request brings.
const PAGE: usize = 100;

/// The organization's canned replies, loaded once for every conversation opened (staff
/// to assign to and the agent's own name are the viewer's). A failure is said once
/// above the inbox; the composer then offers none.
#[derive(Clone, Copy)]
pub struct CannedReplies(pub LocalResource<ApiResult<Vec<CannedReply>>>);

/// What the keyboard asked the open conversation to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InboxCommand {
    Reply,
    Note,
    Canned,
    Resolve,
    Snooze,
    Assign,
    Label,
}

/// Whether a key press belongs to a field being typed in, not to the shortcuts.
fn typing(ev: &web_sys::KeyboardEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || el.has_attribute("contenteditable")
        })
}

#[component]
pub fn Inbox() -> impl IntoView {
    let i18n = use_i18n();
    let viewer = use_viewer();
    let api = use_api();
    let (status, set_status) = use_query_param("status");
    let (assignee, set_assignee) = use_query_param("assignee");
    let (channel, set_channel) = use_query_param("channel");
    let (text, set_text) = use_query_param("q");
    let (sort, set_sort) = use_query_param("sort");
    let (label, set_label) = use_query_param("label");
    let (selected, set_selected) = use_query_param("c");
    let query = Memo::new(move |_| ConversationQuery {
        status: status
            .get()
            .and_then(|s| StatusFilter::from_slug(&s))
            .unwrap_or_default(),
        assignee: assignee
            .get()
            .and_then(|s| AssigneeFilter::from_slug(&s))
            .unwrap_or_default(),
        channel: channel.get().and_then(|c| Channel::from_slug(&c)),
        label: label
            .get()
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty()),
        text: text.get().filter(|t| !t.trim().is_empty()),
        sort: sort
            .get()
            .and_then(|s| InboxSort::from_slug(&s))
            .unwrap_or_default(),
        cursor: None,
        limit: Some(PAGE),
    });
    let filters = Filters {
        query,
        status: set_status,
        assignee: set_assignee,
        channel: set_channel,
        sort: set_sort,
        label: set_label,
        text: set_text,
    };
    let canned = CannedReplies(LocalResource::new({
        let api = api.clone();
        move || {
            let api = api.clone();
            async move { api.canned_replies().await }
        }
    }));
    provide_context(canned);
    let pages = use_pages(
        query,
        {
            let api = api.clone();
            move |q: ConversationQuery, cursor| api.conversations(ConversationQuery { cursor, ..q })
        },
        |p: &ConversationPage| &p.page,
    );
    let (first, listed, total) = (pages.first, pages.listed, pages.total);
    // Labels seen in the list so far, offered when filtering by label.
    let known_labels = Memo::new(move |_| {
        let mut all: Vec<String> =
            listed.with(|l| l.iter().flat_map(|c| c.labels.clone()).collect());
        all.sort();
        all.dedup();
        all
    });
    let open = Memo::new(move |_| {
        let id = selected.get()?;
        listed.with(|list| list.iter().find(|c| c.id == id).cloned())
    });
    // The open conversation is re-rendered only when another one is opened, never
    // because it changed: typing is not interrupted by new messages.
    let open_id = Memo::new(move |_| open.with(|o| o.as_ref().map(|c| c.id.clone())));
    let open_contact_id =
        Memo::new(move |_| open.with(|o| o.as_ref().map(|c| c.contact_id.clone())));
    let contact = LocalResource::new({
        let api = api.clone();
        move || {
            let (api, id) = (api.clone(), open_contact_id.get());
            async move {
                match id {
                    Some(id) => api.contact(id).await.ok(),
                    None => None,
                }
            }
        }
    });
    let contact_of_open = Signal::derive(move || contact.get().flatten());
    use_api_events(move |e| match e {
        Event::Message { .. } | Event::Conversation { .. } | Event::Reset => first.refetch(),
        // A merge moves conversations between contacts and changes who they are; a
        // change of owner changes whose inbox they are in.
        Event::Contact { .. } | Event::Customers { .. } => {
            first.refetch();
            contact.refetch();
        }
        // Reading changes the customer's intent and interests.
        Event::Radar { item } => {
            if item.contact_id.is_some() && item.contact_id == open_contact_id.get_untracked() {
                contact.refetch();
            }
        }
        // Deactivating someone unassigns their conversations (the layout reloads the
        // viewer, so names and who may be assigned follow).
        Event::Staff { .. } => first.refetch(),
        Event::CardSaved { .. } | Event::Task { .. } | Event::Deal { .. } => {}
    });

    let focus = RwSignal::new(None::<InboxCommand>);
    let show_help = RwSignal::new(false);
    let step = move |delta: isize| {
        let next = listed.with_untracked(|list| {
            let here = selected
                .get_untracked()
                .and_then(|id| list.iter().position(|c| c.id == id));
            let at = match here {
                Some(i) => (i as isize + delta).clamp(0, list.len() as isize - 1) as usize,
                None => 0,
            };
            list.get(at).map(|c| c.id.clone())
        });
        if next.is_some() {
            set_selected.set(next);
        }
    };
    let palette = RwSignal::new(false);
    let _ = use_event_listener(document(), ev::keydown, move |e| {
        // Ctrl/Cmd+K works even while typing, as in other tools.
        if (e.ctrl_key() || e.meta_key()) && e.key().eq_ignore_ascii_case("k") {
            palette.update(|p| *p = !*p);
            e.prevent_default();
            return;
        }
        if typing(&e) || e.ctrl_key() || e.meta_key() || e.alt_key() || palette.get_untracked() {
            return;
        }
        let handled = match e.key().as_str() {
            "j" | "ArrowDown" => {
                step(1);
                true
            }
            "k" | "ArrowUp" => {
                step(-1);
                true
            }
            "Enter" | "r" => {
                focus.set(Some(InboxCommand::Reply));
                true
            }
            "n" => {
                focus.set(Some(InboxCommand::Note));
                true
            }
            "/" => {
                focus.set(Some(InboxCommand::Canned));
                true
            }
            "e" => {
                focus.set(Some(InboxCommand::Resolve));
                true
            }
            "s" => {
                focus.set(Some(InboxCommand::Snooze));
                true
            }
            "a" => {
                focus.set(Some(InboxCommand::Assign));
                true
            }
            "l" => {
                focus.set(Some(InboxCommand::Label));
                true
            }
            "?" => {
                show_help.update(|s| *s = !*s);
                true
            }
            "Escape" => {
                show_help.set(false);
                false
            }
            _ => false,
        };
        if handled {
            e.prevent_default();
        }
    });

    let navigate = leptos_router::hooks::use_navigate();
    let commands = Signal::derive(move || {
        let command = |label: String, key: Option<&'static str>, run: Callback<()>| {
            PaletteCommand { label, key, run }
        };
        let mut out = Vec::new();
        if open_id.get().is_some() {
            for (msg, key, c) in [
                (Msg::PaletteReply, "r", InboxCommand::Reply),
                (Msg::PaletteNote, "n", InboxCommand::Note),
                (Msg::PaletteCanned, "/", InboxCommand::Canned),
                (Msg::PaletteResolve, "e", InboxCommand::Resolve),
                (Msg::PaletteSnooze, "s", InboxCommand::Snooze),
                (Msg::PaletteAssign, "a", InboxCommand::Assign),
                (Msg::PaletteLabel, "l", InboxCommand::Label),
            ] {
                out.push(command(
                    i18n.t(msg).into(),
                    Some(key),
                    Callback::new(move |()| focus.set(Some(c))),
                ));
            }
        }
        out.push(command(
            i18n.t(Msg::PaletteNext).into(),
            Some("j"),
            Callback::new(move |()| step(1)),
        ));
        out.push(command(
            i18n.t(Msg::PalettePrevious).into(),
            Some("k"),
            Callback::new(move |()| step(-1)),
        ));
        let filter =
            |set: SignalSetter<Option<String>>, slug: &'static str, default: &'static str| {
                Callback::new(move |()| set_filter(set, slug, default))
            };
        let mut add = |group: Msg, option: &str, run: Callback<()>| {
            out.push(command(format!("{}: {option}", i18n.t(group)), None, run));
        };
        for s in StatusFilter::ALL {
            let run = filter(set_status, s.slug(), StatusFilter::default().slug());
            add(Msg::ConversationStatus, i18n.t(status_label(s)), run);
        }
        for a in AssigneeFilter::ALL {
            let run = filter(set_assignee, a.slug(), AssigneeFilter::default().slug());
            add(Msg::AssignedTo, i18n.t(assignee_label(a)), run);
        }
        add(
            Msg::ViaChannel,
            i18n.t(Msg::AllChannels),
            Callback::new(move |()| set_channel.set(None)),
        );
        for c in Channel::ALL {
            add(
                Msg::ViaChannel,
                i18n.channel(c),
                filter(set_channel, c.slug(), ""),
            );
        }
        for s in InboxSort::ALL {
            let run = filter(set_sort, s.slug(), InboxSort::default().slug());
            add(Msg::SortBy, i18n.t(sort_label(s)), run);
        }
        out.push(command(
            i18n.t(Msg::Shortcuts).into(),
            Some("?"),
            Callback::new(move |()| show_help.set(true)),
        ));
        let go = i18n.t(Msg::PaletteGoTo);
        // Where this role may go, as the navigation offers it.
        let (mut pages, simulator) = viewer
            .with(|v| (staff_nav(Some(v)), v.opens(Gate::Simulator)))
            .unwrap_or_else(|| (staff_nav(None), false));
        pages.retain(|(path, _)| *path != "/inbox");
        if simulator {
            pages.push(("/inbox/simulator", Msg::TrySimulator));
        }
        for (path, msg) in pages {
            let navigate = navigate.clone();
            out.push(command(
                format!("{go}: {}", i18n.t(msg)),
                None,
                Callback::new(move |()| navigate(path, Default::default())),
            ));
        }
        out
    });
    let page = view! {
        <PageHeader title=Msg::NavInbox intro=Msg::InboxIntro>
            <div class="shortcut-hint">
                <MessageAlerts open=Signal::derive(move || open_id.get()) />
                {move || viewer.opens(Gate::Simulator).then(|| view! {
                    <a href="/inbox/simulator" target="_blank" rel="noopener">{move || i18n.t(Msg::TrySimulator)}</a>
                })}
                <button type="button" class="ghost" aria-expanded=move || show_help.get().to_string()
                    on:click=move |_| show_help.update(|s| *s = !*s)>
                    {move || i18n.t(Msg::Shortcuts)} " (?)"
                </button>
            </div>
        </PageHeader>
        {move || show_help.get().then(|| view! { <p class="shortcut-help" role="note">{i18n.t(Msg::ShortcutsHelp)}</p> })}
        {move || canned.0.with(load_error).map(|error| view! {
            <RetryAlert error retry=Callback::new(move |()| canned.0.refetch()) />
        })}
        <CommandPalette open=palette commands />
        // On a phone the list and the open conversation take turns on the screen.
        <div class="inbox" class:has-open=move || open_id.with(Option::is_some)>
            <section class="inbox-list" aria-label=move || i18n.t(Msg::Conversations)>
                <InboxToolbar filters counts=Signal::derive(move || match first.get() {
                    Some(Ok(page)) => Some(page.by_status),
                    _ => None,
                }) known_labels />
                // Counted once the list has come: "0 of 0" while it loads would be untrue.
                <Show when=move || first.with(|r| matches!(r, Some(Ok(_))))>
                    <p class="list-count">
                        {move || i18n.tf(Msg::ShowingNofM, &[("n", &listed.with(Vec::len).to_string()), ("total", &total.get().to_string())])}
                    </p>
                </Show>
                <ConversationList
                    list=listed
                    total
                    selected=Signal::derive(move || selected.get())
                    on_select=Callback::new(move |id: String| set_selected.set(Some(id)))
                    on_near_end=pages.near_end
                />
                <MorePages load_more=pages.load_more has_more=pages.has_more failed=pages.failed />
            </section>
            {move || match open_id.get() {
                Some(id) => {
                    let conversation = Signal::derive(move || open.get());
                    view! {
                        <div class="thread-pane">
                            <button type="button" class="back phone-only" on:click=move |_| set_selected.set(None)>
                                "← " {move || i18n.t(Msg::Conversations)}
                            </button>
                            <Thread id conversation contact=contact_of_open focus />
                            <CustomerSidebar conversation contact=contact_of_open />
                        </div>
                    }
                    .into_any()
                }
                None => view! {
                    <p class="inbox-empty">{move || i18n.t(Msg::PickConversation)}</p>
                }
                .into_any(),
            }}
        </div>
        <LoadFailed resource=first />
    };
    // Unread customer messages in the tab title, so an agent in another tab sees them:
    // over every conversation the filters match, loaded or not.
    Effect::new(move || {
        let unread = match first.get() {
            Some(Ok(page)) => page.unread,
            _ => 0,
        };
        let title = format!("{} · {}", i18n.t(Msg::NavInbox), i18n.t(PublicMsg::AppName));
        document().set_title(&if unread > 0 {
            format!("({unread}) {title}")
        } else {
            title
        });
    });
    page
}
