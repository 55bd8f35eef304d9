use super::use_public_id;
use crate::api::{local::random_token, read_stored, use_public_api, write_stored};
use crate::components::use_page_title;
use crate::error::problem_message;
use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;
use lianjie_core::api::InboundMessage;
use lianjie_core::inbox::validate_message;
use serde::{Deserialize, Serialize};

const VISITOR_KEY: &str = "lianjie.visitor";
const NAME_KEY: &str = "lianjie.visitor.name";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
enum Delivery {
    Sending,
    Failed,
    Delivered,
}

/// One message the customer wrote, kept in this browser until delivered: its
/// idempotency key makes every retry the same message, never a second one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Outgoing {
    key: String,
    body: String,
    state: Delivery,
}

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
    let id = use_public_id("token");
    use_page_title(Msg::ChatPageTitle);
    move || id.get().map(|token| view! { <ChatForm token /> })
}

#[component]
fn ChatForm(token: String) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_public_api();
    let key = chat_key(&token);
    let sent = RwSignal::new(read_stored::<Vec<Outgoing>>(&key).unwrap_or_default());
    let name = RwSignal::new(read_stored::<String>(NAME_KEY).unwrap_or_default());
    let body = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Msg>);
    Effect::new(move || write_stored(&key, &sent.get()));
    Effect::new(move || write_stored(NAME_KEY, &name.get()));

    let set_state = move |k: &str, state: Delivery| {
        sent.update(|list| {
            if let Some(m) = list.iter_mut().find(|m| m.key == k) {
                m.state = state;
            }
        })
    };
    let deliver = move |m: Outgoing| {
        set_state(&m.key, Delivery::Sending);
        let name = Some(name.get_untracked().trim().to_owned())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| i18n.t(Msg::WebVisitor).to_owned());
        let message = InboundMessage {
            handle: visitor(),
            name,
            body: m.body.clone(),
            attachments: Vec::new(),
            idempotency_key: m.key.clone(),
            context: None,
        };
        let (api, token) = (api.clone(), token.clone());
        leptos::task::spawn_local(async move {
            let state = match api.web_chat(token, message).await {
                Ok(_) => Delivery::Delivered,
                Err(_) => Delivery::Failed,
            };
            set_state(&m.key, state);
        });
    };
    // Whatever an earlier visit could not deliver goes out now.
    for m in sent.get_untracked() {
        if m.state != Delivery::Delivered {
            deliver(m);
        }
    }
    let deliver_again = deliver.clone();
    view! {
        <h1>{move || i18n.t(Msg::ChatPageTitle)}</h1>
        <p class="intro">{move || i18n.t(Msg::ChatIntro)}</p>
        <section aria-label=move || i18n.t(Msg::YourMessages)>
            <ol class="chat-log">
                <For each=move || sent.get() key=|m| (m.key.clone(), m.state) let(m)>
                    <li class="chat-out">
                        <p>{m.body.clone()}</p>
                        <p class="chat-state">
                            {match m.state {
                                Delivery::Sending => i18n.t(Msg::Sending).into_any(),
                                Delivery::Delivered => i18n.t(Msg::Delivered).into_any(),
                                Delivery::Failed => {
                                    let (again, m) = (deliver_again.clone(), m.clone());
                                    view! {
                                        {i18n.t(Msg::NotSent)} " "
                                        <button type="button" on:click=move |_| again(m.clone())>
                                            {i18n.t(Msg::Retry)}
                                        </button>
                                    }.into_any()
                                }
                            }}
                        </p>
                    </li>
                </For>
            </ol>
        </section>
        <form class="chat-form" on:submit=move |ev| {
            ev.prevent_default();
            let text = body.get_untracked();
            if let Err(errs) = validate_message(&text, &[]) {
                problem.set(errs.get("body").map(problem_message));
                return;
            }
            problem.set(None);
            let m = Outgoing { key: random_token(), body: text.trim().to_owned(), state: Delivery::Sending };
            sent.update(|list| list.push(m.clone()));
            body.set(String::new());
            deliver(m);
        }>
            <label>
                {move || i18n.t(Msg::YourName)}
                <input autocomplete="name" bind:value=name />
            </label>
            <label>
                {move || i18n.t(Msg::MessageLabel)}
                <textarea rows="3" bind:value=body></textarea>
            </label>
            {move || problem.get().map(|p| view! { <p role="alert" class="form-error">{i18n.t(p)}</p> })}
            <button type="submit" class="cta">{move || i18n.t(Msg::SendMessage)}</button>
        </form>
    }
}
