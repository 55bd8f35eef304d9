use crate::components::{Avatar, AvatarSize, VirtualRowsOptions, use_virtual_rows};
use crate::i18n::{Msg, use_i18n};
use leptos::html;
use leptos::prelude::*;
use lianjie_core::format;
use lianjie_core::inbox::{Conversation, ConversationStatus};
use lianjie_core::intent::HOT_THRESHOLD;

/// Every row is this tall (`.conversation-row` in the stylesheet), so the list can
/// render only the rows in view: 10,000 conversations cost what 30 do.
const ROW_PX: f64 = 52.0;

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
    let len = Signal::derive(move || list.with(Vec::len));
    let rows_in_view = use_virtual_rows(
        scroller,
        len,
        VirtualRowsOptions {
            row_px: ROW_PX,
            total,
            near_end: on_near_end,
        },
    );
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
        if let Some(at) = at {
            rows_in_view.reveal(at);
        }
        now
    });
    let rows = move || rows_in_view.slice(list);
    view! {
        // The scroller keeps its height; the list inside is as tall as every row, its
        // padding standing in for the rows out of view.
        <div class="conversation-scroller" node_ref=scroller on:scroll=move |_| rows_in_view.measure()>
        <ol class="conversations"
            aria-label=move || i18n.t(Msg::Conversations)
            style:padding-top=move || rows_in_view.before_px()
            style:padding-bottom=move || rows_in_view.after_px(len.get())>
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
