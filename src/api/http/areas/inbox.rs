//! The inbox's calls: conversations, messages, replies and the channel simulator.

use crate::api::ApiFuture;
use crate::api::http::HttpBackend;
use crate::api::http::query::query_string;
use crate::split::split_fn;
use lianjie_core::api::{
    ConversationPage, ConversationQuery, ConversationUpdate, InboundMessage, NewMessage, Page,
};
use lianjie_core::channel::Channel;
use lianjie_core::inbox::{CannedReply, Conversation, Message};

split_fn!(
    inbox,
    pub fn conversations(
        api: HttpBackend,
        query: ConversationQuery,
    ) -> ApiFuture<ConversationPage> {
        api.get(format!("/conversations?{}", query_string(&query)))
    }
);

split_fn!(
    inbox,
    pub fn messages(
        api: HttpBackend,
        conversation_id: String,
        cursor: Option<String>,
    ) -> ApiFuture<Page<Message>> {
        let cursor = cursor
            .map(|c| format!("?cursor={}", js_sys::encode_uri_component(&c)))
            .unwrap_or_default();
        api.get(format!("/conversations/{conversation_id}/messages{cursor}"))
    }
);

split_fn!(
    inbox,
    pub fn send_message(
        api: HttpBackend,
        conversation_id: String,
        new: NewMessage,
    ) -> ApiFuture<Message> {
        let key = new.idempotency_key.clone();
        api.write(
            "POST",
            format!("/conversations/{conversation_id}/messages"),
            new,
            Some(key),
        )
    }
);

split_fn!(
    inbox,
    pub fn retry_delivery(
        api: HttpBackend,
        conversation_id: String,
        message_id: String,
    ) -> ApiFuture<Message> {
        api.write(
            "POST",
            format!("/conversations/{conversation_id}/messages/{message_id}/retry"),
            (),
            None,
        )
    }
);

split_fn!(
    inbox,
    pub fn update_conversation(
        api: HttpBackend,
        conversation_id: String,
        update: ConversationUpdate,
    ) -> ApiFuture<Conversation> {
        // Setting the same values again changes nothing, so it may be retried.
        api.write(
            "PATCH",
            format!("/conversations/{conversation_id}"),
            update,
            None,
        )
    }
);

split_fn!(
    inbox,
    pub fn canned_replies(api: HttpBackend) -> ApiFuture<Vec<CannedReply>> {
        api.get("/canned-replies".into())
    }
);

split_fn!(
    inbox,
    pub fn simulate_inbound(
        api: HttpBackend,
        channel: Channel,
        message: InboundMessage,
    ) -> ApiFuture<Message> {
        let key = message.idempotency_key.clone();
        api.write(
            "POST",
            format!("/channels/{}/simulate", channel.slug()),
            message,
            Some(key),
        )
    }
);
