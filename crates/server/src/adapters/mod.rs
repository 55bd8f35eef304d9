//! Adapters to the platforms replies leave through, one shape for all: a channel's
//! inbound callback is read into the normalized inbound message (see `channels`),
//! and a reply is sent by [`Senders::send`], whose outcome the delivery queue
//! (`crate::delivery`) keeps. A channel with
//! no sender says so on every reply (`FailureCode::NotConnected`).

pub mod email;
pub mod sms;
pub mod wechat;
pub mod wecom;

use lianjie_core::adapter::{ChannelKey, WecomAccount};
use lianjie_core::delivery::{FailureCode, Outcome};
use lianjie_core::inbox::Message;
use std::time::Duration;

/// Everything replies are sent with: one HTTP client (its connections pooled) and
/// each platform's cached credentials.
pub struct Senders {
    http: reqwest::Client,
    tokens: wechat::api::Tokens,
    /// Held while 微信客服's messages are read, one reading at a time.
    pub wecom_reading: tokio::sync::Mutex<()>,
}

impl Default for Senders {
    fn default() -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            .build()
            .unwrap_or_default();
        Senders {
            http,
            tokens: wechat::api::Tokens::default(),
            wecom_reading: tokio::sync::Mutex::new(()),
        }
    }
}

/// The text a reply carries on a text-only channel: its attachments as links.
pub fn text_of(message: &Message) -> String {
    let mut text = message.body.clone();
    for a in &message.attachments {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&a.url);
    }
    text
}

impl Senders {
    /// Sends `message` (of organization `org`) to the customer known as `handle`
    /// on `key`'s channel.
    pub async fn send(
        &self,
        storage: &crate::storage::Storage,
        org: &str,
        key: &ChannelKey,
        handle: &str,
        message: &Message,
    ) -> Outcome {
        let text = text_of(message);
        if let Some(mailbox) = &key.email {
            email::send(storage, org, mailbox, handle, message, &text).await
        } else if let Some(account) = &key.wechat {
            self.tokens
                .send_text(&self.http, account, handle, &text)
                .await
        } else if let Some(gateway) = &key.sms {
            sms::send(&self.http, gateway, handle, &text, &message.id).await
        } else if let Some(account) = &key.wecom {
            wecom::send_text(&self.tokens, &self.http, account, handle, message, &text).await
        } else {
            Outcome::Refused(FailureCode::NotConnected, String::new())
        }
    }

    /// Posts `body` to WeCom's API at `path` for `account`.
    pub async fn wecom(
        &self,
        account: &WecomAccount,
        path: &str,
        body: &serde_json::Value,
        what: &str,
    ) -> Result<serde_json::Value, Outcome> {
        let account = wechat::api::Account::Wecom(account);
        self.tokens
            .call(&self.http, account, path, body, what)
            .await
    }
}

/// How long fetching a message's media may hold up keeping it (WeChat waits 5 s
/// for its callback's answer).
const MEDIA_WAIT: Duration = Duration::from_secs(3);

/// Fetches platform media `media_id` (a voice message, a picture, a file) and
/// keeps it as `msg`'s attachment; its id then leaves the message's words. Left
/// in words when it cannot be fetched in time (said in the server's log).
pub async fn attach_media(
    s: &crate::Shared,
    org: &str,
    account: wechat::api::Account<'_>,
    media_id: &str,
    msg: &mut lianjie_core::api::InboundMessage,
) {
    let fetch = s.senders.tokens.media(&s.senders.http, account, media_id);
    let file = match tokio::time::timeout(MEDIA_WAIT, fetch).await {
        Ok(Ok(file)) => file,
        Ok(Err(outcome)) => {
            eprintln!("media {media_id}: {outcome:?}");
            return;
        }
        Err(_) => {
            eprintln!(
                "media {media_id}: not fetched within {} s",
                MEDIA_WAIT.as_secs()
            );
            return;
        }
    };
    match crate::files::keep(s, org, &[b"media", media_id.as_bytes()], file).await {
        Ok(Some(attachment)) => {
            msg.attachments.push(attachment);
            msg.body = msg.body.replace(media_id, "").trim_end().to_owned();
        }
        Ok(None) => {}
        Err(e) => eprintln!("media {media_id}: keeping it failed: {e}"),
    }
}

/// A request that got no answer, as an outcome worth retrying. reqwest's own
/// message would carry the address, and with it any credential in it (an access
/// token, a gateway's key); the kind of failure is enough.
pub fn unreachable(e: &reqwest::Error, who: &str) -> Outcome {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_decode() {
        "answered something unreadable"
    } else {
        "the request failed"
    };
    Outcome::Passing(format!("{who}: {kind}"))
}
