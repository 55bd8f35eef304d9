use super::use_customer_page_id;
use crate::api::{local::random_token, read_stored, use_public_api, write_stored};
use crate::components::use_address;
use crate::components::{
    ChatBubble, DeliveryState, LoadFailed, first_paint_done, use_message_outbox, use_page_title,
};
use crate::error::problem_message;
use crate::i18n::{PublicMsg, use_i18n};
use leptos::prelude::*;
use leptos_use::use_interval_fn;
use lianjie_core::api::InboundMessage;
use lianjie_core::inbox::{Message, validate_message};

/// How often an open chat asks for replies.
const REFRESH_MS: u64 = 5_000;

const VISITOR_KEY: &str = "lianjie.visitor";
const NAME_KEY: &str = "lianjie.visitor.name";

fn chat_key(token: &str) -> String {
    format!("lianjie.chat.{token}")
}

/// This browser's web-chat identity, so every message lands in one conversation.
fn visitor() -> String {
    read_stored::<String>(VISITOR_KEY).unwrap_or_else(|| {
        let id = format!("visitor-{}", random_token());
        write_stored(VISITOR_KEY, &id);
        id
    })
}

/// The customer's web chat with the rep, started from a card or content page; it
/// lands in the inbox with what they were looking at as context.
#[component]
pub fn WebChat() -> impl IntoView {
    let id = use_customer_page_id();
    use_page_title(PublicMsg::ChatPageTitle);
    // Arriving from a card's first paint ("message me" tapped before the app ran).
    first_paint_done();
    move || id.get().map(|token| view! { <ChatForm token /> })
}

#[component]
fn ChatForm(token: String) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_public_api();
    let name = RwSignal::new(read_stored::<String>(NAME_KEY).unwrap_or_default());
    // Arriving from "Ask for the phone number" on a card: the question is ready to send.
    let asks_phone = use_address().query_value("ask").as_deref() == Some("phone");
    let body = RwSignal::new(if asks_phone {
        i18n.t(PublicMsg::AskForPhone).to_owned()
    } else {
        String::new()
    });
    let problem = RwSignal::new(None::<PublicMsg>);
    Effect::new(move || write_stored(NAME_KEY, &name.get()));
    let thread = LocalResource::new({
        let (api, token) = (api.clone(), token.clone());
        move || api.chat_messages(token.clone(), visitor())
    });
    // A poll that fails (a phone between cells) keeps what was shown and says so until
    // one succeeds, instead of emptying the conversation.
    let shown = Memo::new(move |before: Option<&Vec<Message>>| match thread.get() {
        Some(Ok(list)) => list,
        _ => before.cloned().unwrap_or_default(),
    });
    // Replies come by asking every few seconds: customer pages have no event stream.
    let _ = use_interval_fn(move || thread.refetch(), REFRESH_MS);
    let outbox = use_message_outbox(chat_key(&token), move |m| {
        let name = Some(name.get_untracked().trim().to_owned())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| i18n.t(PublicMsg::WebVisitor).to_owned());
        let message = InboundMessage {
            handle: visitor(),
            name,
            body: m.body,
            attachments: Vec::new(),
            idempotency_key: m.key,
            context: None,
        };
        let sending = api.web_chat(token.clone(), message);
        Box::pin(async move {
            sending.await?;
            thread.refetch();
            Ok(())
        })
    });
    Effect::new(move || {
        if let Some(Ok(seen)) = thread.get() {
            outbox.settle(|key| seen.iter().any(|m| m.idempotency_key == key));
        }
    });
    view! {
        <h1>{move || i18n.t(PublicMsg::ChatPageTitle)}</h1>
        <p class="intro">{move || i18n.t(PublicMsg::ChatIntro)}</p>
        <section aria-label=move || i18n.t(PublicMsg::YourMessages)>
            <ol class="chat-log">
                <For each=move || shown.get() key=|m| m.id.clone() let(m)>
                    <ChatBubble m />
                </For>
                <For each=move || outbox.list.get() key=|m| (m.key.clone(), m.state) let(m)>
                    <li class="chat-out">
                        <p>{m.body.clone()}</p>
                        <DeliveryState outbox key=m.key.clone() state=m.state />
                    </li>
                </For>
            </ol>
        </section>
        <LoadFailed resource=thread />
        <form class="chat-form" on:submit=move |ev| {
            ev.prevent_default();
            let text = body.get_untracked();
            if let Err(errs) = validate_message(&text, &[]) {
                problem.set(errs.get("body").map(problem_message));
                return;
            }
            problem.set(None);
            outbox.push(text.trim().to_owned(), false, Vec::new());
            body.set(String::new());
        }>
            <label>
                {move || i18n.t(PublicMsg::YourName)}
                <input autocomplete="name" bind:value=name />
            </label>
            <label>
                {move || i18n.t(PublicMsg::MessageLabel)}
                <textarea rows="3" bind:value=body></textarea>
            </label>
            {move || problem.get().map(|p| view! { <p role="alert" class="form-error">{i18n.t(p)}</p> })}
            <button type="submit" class="cta">{move || i18n.t(PublicMsg::SendMessage)}</button>
        </form>
    }
}
