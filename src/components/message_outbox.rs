use crate::api::{ApiFuture, local::random_token, read_stored, write_stored};
use crate::i18n::{PublicMsg, use_i18n};
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use serde::{Deserialize, Serialize};
use std::rc::Rc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Delivery {
    Sending,
    Failed,
    Delivered,
}

/// One message written in this browser, kept until the backend has it: its
/// idempotency key makes every retry the same message, never a second one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outgoing {
    pub key: String,
    pub body: String,
    /// A private note between staff rather than a reply.
    #[serde(default)]
    pub note: bool,
    #[serde(default)]
    pub attachments: Vec<lianjie_core::inbox::Attachment>,
    pub state: Delivery,
}

type Send = Rc<dyn Fn(Outgoing) -> ApiFuture<()>>;

/// Messages on their way out, persisted under a key (web chat per link, the inbox per
/// conversation) so a reload, a crash or a network failure loses none of them. A
/// delivered message stays listed until the conversation itself shows it
/// ([`MessageOutbox::settle`]), so it never blinks out in between.
#[derive(Clone, Copy)]
pub struct MessageOutbox {
    pub list: RwSignal<Vec<Outgoing>>,
    send: StoredValue<SendWrapper<Send>>,
}

impl MessageOutbox {
    fn set_state(&self, key: &str, state: Delivery) {
        self.list.update(|list| {
            if let Some(m) = list.iter_mut().find(|m| m.key == key) {
                m.state = state;
            }
        })
    }

    /// Forgets delivered messages the conversation now shows (`shown` says, by
    /// idempotency key).
    pub fn settle(&self, shown: impl Fn(&str) -> bool) {
        let done = self.list.with_untracked(|l| {
            l.iter()
                .any(|m| m.state == Delivery::Delivered && shown(&m.key))
        });
        if done {
            self.list
                .update(|l| l.retain(|m| !(m.state == Delivery::Delivered && shown(&m.key))));
        }
    }

    fn deliver(&self, m: Outgoing) {
        self.set_state(&m.key, Delivery::Sending);
        let sending = self.send.with_value(|send| send(m.clone()));
        let this = *self;
        leptos::task::spawn_local(async move {
            let state = match sending.await {
                Ok(()) => Delivery::Delivered,
                Err(_) => Delivery::Failed,
            };
            this.set_state(&m.key, state);
        });
    }

    /// Queues and sends a new message.
    pub fn push(
        &self,
        body: String,
        note: bool,
        attachments: Vec<lianjie_core::inbox::Attachment>,
    ) {
        let m = Outgoing {
            key: random_token(),
            body,
            note,
            attachments,
            state: Delivery::Sending,
        };
        self.list.update(|list| list.push(m.clone()));
        self.deliver(m);
    }

    pub fn retry(&self, key: &str) {
        if let Some(m) = self
            .list
            .with_untracked(|l| l.iter().find(|m| m.key == key).cloned())
        {
            self.deliver(m);
        }
    }
}

/// Opens the outbox stored under `key` and sends whatever an earlier visit could not.
pub fn use_message_outbox(
    key: String,
    send: impl Fn(Outgoing) -> ApiFuture<()> + 'static,
) -> MessageOutbox {
    let list = RwSignal::new(read_stored::<Vec<Outgoing>>(&key).unwrap_or_default());
    let outbox = MessageOutbox {
        list,
        send: StoredValue::new(SendWrapper::new(Rc::new(send) as Send)),
    };
    Effect::new(move || write_stored(&key, &list.get()));
    for m in list.get_untracked() {
        if m.state != Delivery::Delivered {
            outbox.deliver(m);
        }
    }
    outbox
}

/// Where a message on its way stands, with a retry once it failed.
#[component]
pub fn DeliveryState(outbox: MessageOutbox, key: String, state: Delivery) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="chat-state">
            {match state {
                Delivery::Sending => i18n.t(PublicMsg::Sending).into_any(),
                Delivery::Delivered => i18n.t(PublicMsg::Delivered).into_any(),
                Delivery::Failed => view! {
                    {i18n.t(PublicMsg::NotSent)} " "
                    <button type="button" on:click=move |_| outbox.retry(&key)>
                        {i18n.t(PublicMsg::Retry)}
                    </button>
                }
                .into_any(),
            }}
        </p>
    }
}
