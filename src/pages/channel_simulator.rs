use crate::api::{local::random_token, use_api, use_api_events};
use crate::components::{ChatBubble, PageHeader, use_toasts};
use crate::i18n::{Msg, PublicMsg, use_i18n};
use leptos::prelude::*;
use lianjie_core::api::{Event, InboundMessage};
use lianjie_core::channel::Channel;
use lianjie_core::inbox::{Direction, Message, validate_message};

/// Acts as a customer on any channel, in a chat-app-like window, so the inbox can be
/// tried without real WeChat, QQ or email accounts. Messages go in as a channel
/// adapter would send them; the window shows the staff's replies (never notes).
#[component]
pub fn ChannelSimulator() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let toasts = use_toasts();
    let channel = RwSignal::new(Channel::Wechat);
    let name = RwSignal::new("周先生".to_owned());
    let body = RwSignal::new(String::new());
    // The customer's id on the channel: one per name and channel, like an open id.
    let handle = move || format!("sim-{}-{}", channel.get().slug(), name.get().trim());
    let conversation = RwSignal::new(None::<String>);
    let messages = LocalResource::new({
        let api = api.clone();
        move || {
            let (api, id) = (api.clone(), conversation.get());
            async move {
                match id {
                    Some(id) => api
                        .messages(id, None)
                        .await
                        .map(|p| p.items.into_iter().rev().collect())
                        .unwrap_or_default(),
                    None => Vec::<Message>::new(),
                }
            }
        }
    });
    use_api_events(move |e| {
        if let Event::Message {
            conversation: v, ..
        } = e
            && Some(&v.id) == conversation.get_untracked().as_ref()
        {
            messages.refetch();
        }
    });
    let send = Action::new_local(move |(channel, message): &(Channel, InboundMessage)| {
        api.simulate_inbound(*channel, message.clone())
    });
    Effect::new(move || match send.value().get() {
        Some(Ok(m)) => {
            conversation.set(Some(m.conversation_id));
            messages.refetch();
        }
        Some(Err(e)) => {
            toasts.error(i18n.t(e.message()), None);
        }
        None => {}
    });
    view! {
        <PageHeader title=Msg::SimulatorTitle intro=Msg::SimulatorIntro />
        <div class="simulator">
            <form class="editor" on:submit=move |ev| {
                ev.prevent_default();
                let text = body.get_untracked().trim().to_owned();
                if validate_message(&text, &[]).is_err() {
                    return;
                }
                let message = InboundMessage {
                    handle: handle(),
                    name: name.get_untracked().trim().to_owned(),
                    body: text,
                    attachments: Vec::new(),
                    idempotency_key: random_token(),
                    context: None,
                };
                send.dispatch((channel.get_untracked(), message));
                body.set(String::new());
            }>
                <label>
                    {move || i18n.t(Msg::ViaChannel)}
                    <select on:change=move |ev| {
                        if let Some(c) = Channel::from_slug(&event_target_value(&ev)) {
                            channel.set(c);
                            conversation.set(None);
                        }
                    }>
                        {Channel::ALL.map(|c| view! {
                            <option value=c.slug() selected=move || channel.get() == c>{move || i18n.channel(c)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>
                    {move || i18n.t(Msg::CustomerName)}
                    <input prop:value=move || name.get() on:change=move |ev| {
                        name.set(event_target_value(&ev));
                        conversation.set(None);
                    } />
                </label>
                <label>
                    {move || i18n.t(PublicMsg::MessageLabel)}
                    <textarea rows="3" bind:value=body></textarea>
                </label>
                <button type="submit" class="cta" disabled=move || send.pending().get()>
                    {move || i18n.t(Msg::SendAsCustomer)}
                </button>
            </form>
            <section class="phone-frame sim-chat" aria-label=move || i18n.tf(Msg::SimulatedChat, &[("channel", i18n.channel(channel.get())), ("name", &name.get())])>
                <p class="chat-window-title">{move || i18n.channel(channel.get())} " · " {move || name.get()}</p>
                <ol class="chat-log">
                    <For each=move || messages.get().unwrap_or_default().into_iter().filter(|m| m.direction != Direction::Note)
                        key=|m| m.id.clone() let(m)>
                        <ChatBubble m />
                    </For>
                </ol>
            </section>
        </div>
    }
}
