//! WeChat's passive reply (被动回复): the answer to a follower's callback may carry
//! one message back, within WeChat's 5 s. Staff write replies minutes later, so
//! this fits only a reply already waiting when the follower writes (WeChat busy
//! or out of reach on its attempt): it leaves in the answer at once, instead of
//! at its next attempt.

use super::crypto::MessageCrypt;
use crate::adapters::text_of;
use crate::channel_auth;
use crate::{Shared, Tenant};
use chrono::{DateTime, Duration, Utc};
use lianjie_core::adapter::WechatAccount;
use lianjie_core::api::Event;
use lianjie_core::delivery::{CLAIM_SECONDS, Outcome};
use std::sync::Arc;

/// Text in a CDATA section, `]]>` split so it cannot close it.
fn cdata(text: &str) -> String {
    format!("<![CDATA[{}]]>", text.replace("]]>", "]]]]><![CDATA[>"))
}

/// The passive reply's XML: `text` from the account (`account_id`, the
/// callback's `ToUserName`) to follower `open_id`.
pub fn reply_xml(open_id: &str, account_id: &str, text: &str, now: DateTime<Utc>) -> String {
    format!(
        "<xml><ToUserName>{}</ToUserName><FromUserName>{}</FromUserName><CreateTime>{}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>{}</Content></xml>",
        cdata(open_id),
        cdata(account_id),
        now.timestamp(),
        cdata(text)
    )
}

/// What seals an answer for safe mode: made before a waiting reply is taken, so
/// a reply taken always leaves.
pub struct Seal {
    crypt: MessageCrypt,
    app_id: String,
    token: String,
    random: [u8; 16],
}

impl Seal {
    pub fn new(account: &WechatAccount, token: &str) -> Option<Seal> {
        let mut random = [0u8; 16];
        getrandom::fill(&mut random).ok()?;
        Some(Seal {
            crypt: MessageCrypt::new(&account.encoding_aes_key).ok()?,
            app_id: account.app_id.clone(),
            token: token.to_owned(),
            random,
        })
    }

    /// `xml` encrypted to the account and signed with the Token.
    pub fn wrap(&self, xml: &str, nonce: &str, now: DateTime<Utc>) -> String {
        let encrypted = self.crypt.encrypt(self.random, xml, &self.app_id);
        let ts = now.timestamp().to_string();
        let signature = channel_auth::wechat_signature(&[
            self.token.as_bytes(),
            ts.as_bytes(),
            nonce.as_bytes(),
            encrypted.as_bytes(),
        ]);
        format!(
            "<xml><Encrypt>{}</Encrypt><MsgSignature>{}</MsgSignature><TimeStamp>{ts}</TimeStamp><Nonce>{}</Nonce></xml>",
            cdata(&encrypted),
            cdata(&signature),
            cdata(nonce)
        )
    }
}

/// The text of the reply waiting in `conversation`, taken from the queue and kept
/// as sent: what the callback's answer carries. `None` when none waits (or a
/// sender took it first, or keeping it failed: it leaves at its next attempt).
pub async fn take(s: &Shared, tenant: &Arc<Tenant>, conversation: &str) -> Option<String> {
    let waiting = s
        .storage
        .waiting_reply(&tenant.id, conversation)
        .await
        .ok()??;
    let until = Utc::now() + Duration::seconds(CLAIM_SECONDS);
    if !s.storage.claim_delivery(&waiting, until).await.ok()? {
        return None;
    }
    let m = waiting.message;
    let text = text_of(&m);
    let (conversation, id) = (m.conversation_id.clone(), m.id.clone());
    s.add_message(
        tenant,
        m.idempotency_key.clone(),
        move |db, now| db.record_delivery(&conversation, &id, Outcome::Sent, now),
        Event::message,
    )
    .await
    .ok()?;
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reply_is_text_that_cannot_close_its_section() {
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let xml = reply_xml("oF1", "gh_1", "a]]><b>x</b>", now);
        let f = super::super::message::fields(&xml).unwrap();
        assert_eq!(f["Content"], "a]]><b>x</b>");
        assert_eq!(
            (f["ToUserName"].as_str(), f["FromUserName"].as_str()),
            ("oF1", "gh_1")
        );
        assert_eq!(f["CreateTime"], "1700000000");
    }
}
