//! Under a reply to a platform: whether it left (sent, reached the customer),
//! is waiting for its next attempt, or did not leave, saying why, with Send again.

use crate::api::use_api;
use crate::components::use_toasts;
use crate::i18n::{Msg, local_time, use_i18n};
use leptos::prelude::*;
use lianjie_core::channel::Channel;
use lianjie_core::delivery::{ChannelDelivery, DeliveryState, FailureCode};

#[component]
pub fn ReplyDelivery(
    conversation_id: String,
    message_id: String,
    delivery: ChannelDelivery,
    channel: Signal<Option<Channel>>,
    /// Called once a retry is accepted, to show the reply's new state.
    retried: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    let api = use_api();
    let retry = Action::new_local(move |(): &()| {
        let asked = api.retry_delivery(conversation_id.clone(), message_id.clone());
        async move { asked.await.map(|_| ()) }
    });
    Effect::new(move || match retry.value().get() {
        Some(Ok(())) => retried.run(()),
        Some(Err(e)) => {
            toasts.action_failed(i18n.t(e.message()), retry, ());
        }
        None => {}
    });
    let channel_name = move || channel.get().map(|c| i18n.channel(c)).unwrap_or_default();
    let ChannelDelivery {
        state,
        attempts,
        next_attempt_at,
        failure,
        ..
    } = delivery;
    let attempts = attempts.to_string();
    match state {
        DeliveryState::Sent => {
            view! { <p class="delivery">{move || i18n.t(Msg::DeliverySent)}</p> }.into_any()
        }
        DeliveryState::Delivered => {
            view! { <p class="delivery">{move || i18n.t(Msg::DeliveryReached)}</p> }.into_any()
        }
        DeliveryState::Queued => {
            let text = move || match (&failure, next_attempt_at) {
                (Some(_), Some(at)) => i18n.tf(
                    Msg::DeliveryRetrying,
                    &[("n", &attempts), ("time", &local_time(at))],
                ),
                _ => i18n.t(Msg::DeliveryQueued).to_owned(),
            };
            view! { <p class="delivery">{text}</p> }.into_any()
        }
        DeliveryState::Failed => {
            let failure = failure.unwrap_or_else(|| lianjie_core::delivery::DeliveryFailure {
                code: FailureCode::Rejected,
                detail: String::new(),
            });
            let reason = move || match failure.code {
                FailureCode::NotConnected => {
                    i18n.tf(Msg::FailedNotConnected, &[("channel", channel_name())])
                }
                FailureCode::Unreachable => i18n.tf(Msg::FailedUnreachable, &[("n", &attempts)]),
                FailureCode::Rejected => {
                    i18n.tf(Msg::FailedRejected, &[("detail", &failure.detail)])
                }
            };
            view! {
                <p class="delivery failed">
                    <span>{move || i18n.tf(Msg::DeliveryFailed, &[("reason", &reason())])}</span>
                    " "
                    <button type="button" disabled=move || retry.pending().get()
                        on:click=move |_| { retry.dispatch(()); }>
                        {move || i18n.t(Msg::SendAgain)}
                    </button>
                </p>
            }
            .into_any()
        }
    }
}
