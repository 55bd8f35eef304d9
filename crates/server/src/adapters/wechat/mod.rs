//! WeChat Official Accounts (公众号): the callback address's URL check and
//! messages, in plaintext and safe mode, and replies through the customer-service
//! message API (`docs/channels.md`).

pub mod api;
pub mod crypto;
pub mod message;
pub mod passive;

use crate::Shared;
use crate::channel_auth::{self, SignatureError};
use crate::channels::{Credential, WechatQuery, credential};
use crate::error::{ApiError, ApiResult};
use crate::routes::inbound_ids;
use chrono::Utc;
use lianjie_core::api::Event;
use lianjie_core::channel::Channel;

/// What WeChat is answered once a message is kept: no passive reply (replies
/// leave as customer-service messages, whenever staff write them).
pub const RECEIVED: &str = "success";

/// WeChat's POST of a follower's message (XML) to the callback address.
///
/// Safe mode (`encrypt_type=aes`): `msg_signature` covers the token, timestamp,
/// nonce and the encrypted message, which is opened with the account's
/// EncodingAESKey and must be addressed to its AppID. Plaintext mode: WeChat's
/// `signature` covers the token, timestamp and nonce only, so each is accepted
/// once (a captured address cannot carry another body).
///
/// The answer is `success`, or a reply that was waiting in the follower's
/// conversation ([`passive`]).
pub async fn callback(s: &Shared, q: &WechatQuery, body: &[u8]) -> ApiResult<String> {
    let now = Utc::now();
    let key_id = q.key.as_deref().ok_or(SignatureError::NoKey)?;
    let Credential {
        tenant,
        secrets,
        wechat,
        ..
    } = credential(s, key_id, Channel::Wechat, now).await?;
    let (Some(timestamp), Some(nonce)) = (q.timestamp.as_deref(), q.nonce.as_deref()) else {
        return Err(SignatureError::Missing.into());
    };
    channel_auth::fresh(timestamp, now)?;
    let xml = std::str::from_utf8(body)
        .map_err(|_| ApiError::BadRequest("the body is not UTF-8 XML".into()))?;
    let outer = message::fields(xml).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let sign = |extra: Option<&str>| -> Vec<String> {
        secrets
            .iter()
            .map(|token| {
                let mut parts = vec![token.as_bytes(), timestamp.as_bytes(), nonce.as_bytes()];
                parts.extend(extra.map(str::as_bytes));
                channel_auth::wechat_signature(&parts)
            })
            .collect()
    };
    let safe_mode = outer.contains_key("Encrypt");
    let plain = match outer.get("Encrypt") {
        Some(encrypted) => {
            let signature = q.msg_signature.as_deref().ok_or(SignatureError::Missing)?;
            channel_auth::one_of(&sign(Some(encrypted)), signature)?;
            let account = wechat.as_ref().ok_or_else(|| {
                ApiError::BadRequest(
                    "safe mode needs the account's EncodingAESKey: connect the Official Account on this credential".into(),
                )
            })?;
            let opened = crypto::MessageCrypt::new(&account.encoding_aes_key)
                .and_then(|c| c.decrypt(encrypted, &account.app_id))
                .map_err(|e| ApiError::BadRequest(e.to_string()))?;
            message::fields(&opened).map_err(|e| ApiError::BadRequest(e.to_string()))?
        }
        None => {
            let signature = q.signature.as_deref().ok_or(SignatureError::Missing)?;
            channel_auth::one_of(&sign(None), signature)?;
            if !s.replays.first_use(key_id, signature, now) {
                return Err(SignatureError::Replayed.into());
            }
            outer
        }
    };
    let Some(mut msg) =
        message::normalize(&plain).map_err(|e| ApiError::BadRequest(e.to_string()))?
    else {
        return Ok(RECEIVED.into());
    };
    // A voice message or video becomes a link to its file, where the account is
    // connected (its media are fetched with the account's token).
    if let (Some(account), Some(media_id)) = (&wechat, message::media_id(&plain)) {
        let account = api::Account::Wechat(account);
        crate::adapters::attach_media(s, &tenant.id, account, media_id, &mut msg).await;
    }
    let ids = inbound_ids();
    let key_id = key_id.to_owned();
    let (conversation, _) = s
        .add_message_viewing(
            &tenant,
            msg.idempotency_key.clone(),
            crate::held::inbound(Channel::Wechat, &msg.handle, None),
            move |db, now| {
                let out = db.inbound(Channel::Wechat, msg, ids, now)?;
                db.note_channel_key_used(&key_id, now);
                Ok(out)
            },
            Event::message,
        )
        .await?;
    // Answered as WeChat wrote: sealed in safe mode (or not at all, when it cannot be).
    let seal = match (safe_mode, &wechat, secrets.first()) {
        (false, ..) => Some(None),
        (true, Some(account), Some(token)) => passive::Seal::new(account, token).map(Some),
        (true, ..) => None,
    };
    let Some(seal) = seal else {
        return Ok(RECEIVED.into());
    };
    let Some(text) = passive::take(s, &tenant, &conversation.id).await else {
        return Ok(RECEIVED.into());
    };
    let xml = passive::reply_xml(
        plain.get("FromUserName").map_or("", String::as_str),
        plain.get("ToUserName").map_or("", String::as_str),
        &text,
        now,
    );
    Ok(match seal {
        Some(seal) => seal.wrap(&xml, nonce, now),
        None => xml,
    })
}
