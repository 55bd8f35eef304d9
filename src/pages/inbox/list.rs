use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;
use lianjie_core::contact::Contact;
use lianjie_core::format;
use lianjie_core::inbox::Conversation;
use lianjie_core::intent::HOT_THRESHOLD;
use std::collections::HashMap;

/// The conversations as a list of links: who, on which channel, the last message,
/// unread count, how long the customer has been waiting, and their intent.
#[component]
pub fn ConversationList(
    list: Memo<Vec<Conversation>>,
    contacts: Signal<HashMap<String, Contact>>,
    selected: Signal<Option<String>>,
    on_select: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let now = chrono::Utc::now();
    view! {
        <ol class="conversations">
            <For each=move || list.get() key=|c| (c.id.clone(), c.last_message_at, c.unread, c.intent, c.labels.clone()) let(c)>
                {
                    let id = c.id.clone();
                    let id_for_current = id.clone();
                    let current = Memo::new(move |_| selected.get().as_deref() == Some(id_for_current.as_str()));
                    let contact_id = c.contact_id.clone();
                    let name = move || {
                        contacts.with(|all| all.get(&contact_id).map(|k| k.name.clone()).unwrap_or_default())
                    };
                    let unread = c.unread.to_string();
                    let waited = (now - c.last_message_at).num_milliseconds().max(0) as u64;
                    let intent = c.intent.to_string();
                    let hot = c.intent >= HOT_THRESHOLD;
                    let href = format!("?c={id}");
                    view! {
                        <li class="conversation-row" class:current=current class:hot=hot>
                            <a href=href aria-current=move || current.get().then_some("true")
                                on:click=move |ev| {
                                    ev.prevent_default();
                                    on_select.run(id.clone());
                                }>
                                <span class="row-who">
                                    <strong>{name}</strong>
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
                                    <span class="intent">{move || i18n.tf(Msg::IntentN, &[("n", &intent)])}</span>
                                    {(!c.labels.is_empty()).then(|| view! { " · " <span class="labels">{c.labels.join(" · ")}</span> })}
                                </span>
                            </a>
                        </li>
                    }
                }
            </For>
        </ol>
        {move || list.with(Vec::is_empty).then(|| view! { <p class="empty">{move || i18n.t(Msg::NoConversations)}</p> })}
    }
}
