use crate::components::{Avatar, AvatarSize};
use crate::i18n::{Msg, use_i18n};
use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use leptos_use::use_event_listener;
use lianjie_core::format;
use lianjie_core::inbox::{Conversation, ConversationStatus};
use lianjie_core::intent::HOT_THRESHOLD;

/// Every row is this tall (`.conversation-row` in the stylesheet), so the list can
/// render only the rows in view: 10,000 conversations cost what 30 do.
const ROW_PX: f64 = 52.0;
/// Rows rendered beyond each edge of the view, so fast scrolling shows no gaps.
const OVERSCAN: usize = 8;

/// The conversations as a scrolling list of links: who, on which channel, the last
/// message, unread count, how long the customer has been waiting, and their intent.
/// Only the rows in view exist in the page; each says its place in the whole list,
/// so a screen reader still hears "3 of 10,000".
#[component]
pub fn ConversationList(
    list: Memo<Vec<Conversation>>,
    /// How many match the filters, loaded or not.
    total: Signal<usize>,
    selected: Signal<Option<String>>,
    on_select: Callback<String>,
    /// Asked when the view comes near the end of what is loaded.
    on_near_end: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let now = chrono::Utc::now();
    let scroller = NodeRef::<html::Div>::new();
    let scroll_top = RwSignal::new(0.0);
    let height = RwSignal::new(0.0);
    let measure = move || {
        if let Some(el) = scroller.get_untracked() {
            height.set(f64::from(el.client_height()));
            scroll_top.set(f64::from(el.scroll_top()));
        }
    };
    Effect::new(move || {
        if scroller.get().is_some() {
            measure();
        }
    });
    let _ = use_event_listener(window(), ev::resize, move |_| measure());
    let len = move || list.with(Vec::len);
    // The rows to render: those in view plus the overscan on both sides.
    let range = Memo::new(move |_| {
        let len = len();
        // Before the first measurement, assume a tall view rather than render none.
        let view = if height.get() > 0.0 {
            height.get()
        } else {
            1_200.0
        };
        let first = ((scroll_top.get() / ROW_PX) as usize)
            .saturating_sub(OVERSCAN)
            .min(len);
        let shown = (view / ROW_PX).ceil() as usize + 2 * OVERSCAN;
        (first, (first + shown).min(len))
    });
    Effect::new(move || {
        let (_, end) = range.get();
        let len = len();
        if len > 0 && end + OVERSCAN >= len && len < total.get() {
            on_near_end.run(());
        }
    });
    // Bring the selected row into view when the selection moves (j/k) or its row first
    // arrives (opened from the address), not whenever the list changes: an agent
    // scrolling away from the open conversation is not pulled back by the next page
    // or a new message.
    Effect::new(move |before: Option<(Option<String>, bool)>| {
        let id = selected.get();
        let at = id
            .as_ref()
            .and_then(|id| list.with(|l| l.iter().position(|c| &c.id == id)));
        let now = (id, at.is_some());
        if before.as_ref() == Some(&now) {
            return now;
        }
        if let (Some(at), Some(el)) = (at, scroller.get_untracked()) {
            let top = at as f64 * ROW_PX;
            let (view_top, view) = (f64::from(el.scroll_top()), f64::from(el.client_height()));
            if top < view_top {
                el.set_scroll_top(top as i32);
            } else if top + ROW_PX > view_top + view {
                el.set_scroll_top((top + ROW_PX - view) as i32);
            }
        }
        now
    });
    let rows = move || {
        let (first, end) = range.get();
        list.with(|l| {
            l[first..end]
                .iter()
                .enumerate()
                .map(|(i, c)| (first + i, c.clone()))
                .collect::<Vec<_>>()
        })
    };
    view! {
        // The scroller keeps its height; the list inside is as tall as every row, its
        // padding standing in for the rows out of view.
        <div class="conversation-scroller" node_ref=scroller on:scroll=move |_| measure()>
        <ol class="conversations"
            aria-label=move || i18n.t(Msg::Conversations)
            style:padding-top=move || format!("{}px", range.get().0 as f64 * ROW_PX)
            style:padding-bottom=move || format!("{}px", (len() - range.get().1) as f64 * ROW_PX)>
            <For
                each=rows
                key=|(i, c)| (*i, c.id.clone(), c.last_message_at, c.unread, c.intent, c.labels.clone(), c.contact_name.clone(), c.status)
                let((index, c))
            >
                <ConversationRow index c total selected on_select now />
            </For>
        </ol>
        </div>
        {move || list.with(Vec::is_empty).then(|| view! { <p class="empty">{move || i18n.t(Msg::NoConversations)}</p> })}
    }
}

#[component]
fn ConversationRow(
    index: usize,
    c: Conversation,
    total: Signal<usize>,
    selected: Signal<Option<String>>,
    on_select: Callback<String>,
    now: chrono::DateTime<chrono::Utc>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = c.id.clone();
    let id_for_current = id.clone();
    let current = Memo::new(move |_| selected.get().as_deref() == Some(id_for_current.as_str()));
    let unread = c.unread.to_string();
    let waited = (now - c.last_message_at).num_milliseconds().max(0) as u64;
    let intent = c.intent.to_string();
    let hot = c.intent >= HOT_THRESHOLD;
    let href = format!("?c={id}");
    // A snoozed conversation says when it comes back.
    let wakes = match c.status.effective(now) {
        ConversationStatus::Snoozed { until } => Some(
            until
                .with_timezone(&chrono::Local)
                .format("%m-%d %H:%M")
                .to_string(),
        ),
        _ => None,
    };
    view! {
        <li class="conversation-row" class:current=current class:hot=hot
            aria-setsize=move || total.get().to_string() aria-posinset=(index + 1).to_string()>
            <a href=href aria-current=move || current.get().then_some("true")
                on:click=move |ev| {
                    ev.prevent_default();
                    on_select.run(id.clone());
                }>
                <Avatar name=c.contact_name.clone() size=AvatarSize::Small />
                <span class="row-who">
                    <strong>{c.contact_name.clone()}</strong>
                    " · " <span class="channel">{move || i18n.channel(c.channel)}</span>
                </span>
                <span class="row-preview">{c.last_preview.clone()}</span>
                <span class="row-meta">
                    {(c.unread > 0).then(|| {
                        let unread = unread.clone();
                        view! {
                            <span class="unread">{move || i18n.tf(Msg::UnreadN, &[("n", &unread)])}</span>
                            " · "
                            {move || i18n.tf(Msg::WaitingFor, &[("time", &format::duration(waited, i18n.locale()))])}
                            " · "
                        }
                    })}
                    {wakes.map(|at| view! {
                        <span class="snoozed">{move || i18n.tf(Msg::SnoozedUntil, &[("time", &at)])}</span>
                        " · "
                    })}
                    <span class="intent">{move || i18n.tf(Msg::IntentN, &[("n", &intent)])}</span>
                    {(!c.labels.is_empty()).then(|| view! { " · " <span class="labels">{c.labels.join(" · ")}</span> })}
                </span>
            </a>
        </li>
    }
}
