//! Replies on their way to the customer's platform: queued when a connected account
//! can send them, failed at once when none can, each attempt's outcome kept, and a
//! failed reply sent again on request.

use super::*;
use crate::delivery::{ChannelDelivery, FailureCode, Outcome};

impl Db {
    /// The credential replies on `channel` leave through: the newest that sends.
    pub fn sender(&self, channel: Channel) -> Option<&ChannelKey> {
        self.channel_keys
            .values()
            .filter(|k| k.channel == channel && k.sends_replies())
            .max_by_key(|k| k.created_at)
    }

    /// How a new reply in `conversation_id` starts out: none for web chat (its
    /// customer reads replies in Lianjie's page), else queued, or failed at once
    /// when nothing can send on that channel, so no reply is silently kept back.
    pub(super) fn new_delivery(
        &self,
        conversation_id: &str,
        now: DateTime<Utc>,
    ) -> Option<ChannelDelivery> {
        let channel = self.conversations.get(conversation_id)?.channel;
        if channel == Channel::WebChat {
            return None;
        }
        Some(match self.sender(channel) {
            Some(_) => ChannelDelivery::queued(now),
            None => ChannelDelivery::failed(FailureCode::NotConnected, String::new(), now),
        })
    }

    /// The sender keeps what an attempt came to. An outcome for a reply that is no
    /// longer queued (sent meanwhile by another sender) changes nothing.
    pub fn record_delivery(
        &mut self,
        conversation_id: &str,
        message_id: &str,
        outcome: Outcome,
        now: DateTime<Utc>,
    ) -> StoreResult<(Conversation, Message)> {
        self.change_delivery(conversation_id, message_id, |d| {
            (d.state == crate::delivery::DeliveryState::Queued).then(|| d.after(outcome, now))
        })
    }

    /// The platform's receipt for a reply: it reached the customer, or not.
    pub fn record_receipt(
        &mut self,
        conversation_id: &str,
        message_id: &str,
        delivered: bool,
        detail: String,
        now: DateTime<Utc>,
    ) -> StoreResult<(Conversation, Message)> {
        self.change_delivery(conversation_id, message_id, |d| {
            d.after_receipt(delivered, detail, now)
        })
    }

    /// Staff send a failed reply again (whoever may see the conversation may).
    pub fn retry_delivery(
        &mut self,
        caller: &Caller,
        conversation_id: &str,
        message_id: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<(Conversation, Message)> {
        let channel = self.visible_conversation(caller, conversation_id)?.channel;
        let connected = self.sender(channel).is_some();
        self.change_delivery(conversation_id, message_id, |d| {
            d.retried(now).map(|queued| match connected {
                true => queued,
                false => ChannelDelivery::failed(FailureCode::NotConnected, String::new(), now),
            })
        })
    }

    fn change_delivery(
        &mut self,
        conversation_id: &str,
        message_id: &str,
        change: impl FnOnce(&ChannelDelivery) -> Option<ChannelDelivery>,
    ) -> StoreResult<(Conversation, Message)> {
        let conversation = self
            .conversations
            .get(conversation_id)
            .ok_or(StoreError::NotFound("conversation"))?
            .clone();
        let message = self
            .messages
            .get_mut(conversation_id)
            .and_then(|list| list.iter_mut().find(|m| m.id == message_id))
            .ok_or(StoreError::NotFound("message"))?;
        let Some(delivery) = &message.delivery else {
            // Web chat, notes and customers' messages have nothing to deliver.
            return Err(StoreError::NotFound("delivery"));
        };
        if let Some(next) = change(delivery) {
            message.delivery = Some(next);
            let id = message.id.clone();
            self.changes.push(Change::Message {
                conversation_id: conversation_id.to_owned(),
                id,
            });
        }
        let message = message.clone();
        Ok((conversation, message))
    }
}
