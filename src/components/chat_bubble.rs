use crate::components::AttachmentList;
use crate::i18n::{PublicMsg, use_i18n};
use leptos::prelude::*;
use lianjie_core::inbox::{Direction, Message};

/// One message as the customer sees their chat: their own on the right (delivered),
/// the adviser's replies on the left. Staff notes never reach this view.
#[component]
pub fn ChatBubble(m: Message) -> impl IntoView {
    let i18n = use_i18n();
    if m.direction == Direction::Inbound {
        view! {
            <li class="chat-out">
                <p>{m.body}</p>
                <p class="chat-state">{move || i18n.t(PublicMsg::Delivered)}</p>
            </li>
        }
        .into_any()
    } else {
        view! {
            <li class="chat-in">
                <p class="chat-from">{move || i18n.t(PublicMsg::ReplyFromAdviser)}</p>
                <p>{m.body}</p>
                <AttachmentList attachments=m.attachments />
            </li>
        }
        .into_any()
    }
}
