//! WeCom (企业微信): its encrypted callbacks (the URL check, external-contact
//! changes, 微信客服's "messages waiting" event), the customer-service messages
//! read with `kf/sync_msg`, and replies through `kf/send_msg` (`docs/channels.md`).
//!
//! Every callback is in safe mode: `msg_signature` covers the Token, timestamp,
//! nonce and the encrypted part, which is opened with the EncodingAESKey and must
//! be addressed to the CorpID. The same sample values as Official Accounts prove
//! the crypto (`wechat::crypto`).

use crate::adapters::wechat::api::{Account, Tokens};
use crate::adapters::wechat::{RECEIVED, crypto::MessageCrypt, message};
use crate::channel_auth::{self, SignatureError};
use crate::channels::{Credential, WechatQuery, credential};
use crate::error::{ApiError, ApiResult};
use crate::routes::inbound_ids;
use crate::{Shared, Tenant};
use chrono::Utc;
use lianjie_core::adapter::WecomAccount;
use lianjie_core::api::{Event, InboundMessage};
use lianjie_core::channel::Channel;
use lianjie_core::contact::Identity;
use lianjie_core::delivery::Outcome;
use lianjie_core::inbox::Message;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;

/// What a callback says, once opened.
#[derive(Debug, PartialEq, Eq)]
pub enum Callback {
    /// Staff added an external contact (`state`: what the "contact me" code was
    /// made with; a Lianjie customer's id there names them).
    ContactAdded {
        handle: String,
        staff: String,
        state: String,
        key: String,
    },
    /// The contact no longer reaches staff: they removed staff, or staff them.
    ContactLeft {
        handle: String,
        staff: String,
        by_customer: bool,
        key: String,
    },
    /// 微信客服 has messages waiting, read with this token.
    KfMessages { token: String },
    /// Anything else: answered, not kept.
    Other,
}

fn opt<'a>(f: &'a BTreeMap<String, String>, name: &str) -> &'a str {
    f.get(name).map_or("", String::as_str)
}

/// An idempotency key for one callback: WeCom calls again when it had no answer.
fn key_of(parts: &[&str]) -> String {
    let joined = parts.join("\n");
    format!(
        "wecom-{}",
        channel_auth::wechat_signature(&[joined.as_bytes()])
    )
}

/// Reads an opened callback's fields.
pub fn read(f: &BTreeMap<String, String>) -> Callback {
    if opt(f, "MsgType") != "event" {
        return Callback::Other;
    }
    let handle = opt(f, "ExternalUserID").to_owned();
    let staff = opt(f, "UserID").to_owned();
    let change = opt(f, "ChangeType");
    let key = key_of(&[
        handle.as_str(),
        staff.as_str(),
        opt(f, "CreateTime"),
        change,
    ]);
    match (opt(f, "Event"), change) {
        ("kf_msg_or_event", _) if !opt(f, "Token").is_empty() => Callback::KfMessages {
            token: opt(f, "Token").to_owned(),
        },
        ("change_external_contact", "add_external_contact" | "add_half_external_contact")
            if !handle.is_empty() =>
        {
            Callback::ContactAdded {
                handle,
                staff,
                state: opt(f, "State").to_owned(),
                key,
            }
        }
        ("change_external_contact", "del_follow_user" | "del_external_contact")
            if !handle.is_empty() =>
        {
            Callback::ContactLeft {
                by_customer: change == "del_follow_user",
                handle,
                staff,
                key,
            }
        }
        _ => Callback::Other,
    }
}

/// A callback checked and its encrypted part opened: the organization, the
/// credential's id and account, and what was inside. `encrypted` gives the part
/// once the credential and timestamp are known good, so nothing of the body is
/// read for a stranger.
async fn open(
    s: &Shared,
    q: &WechatQuery,
    encrypted: impl FnOnce() -> ApiResult<String>,
) -> ApiResult<(Arc<Tenant>, String, WecomAccount, String)> {
    let now = Utc::now();
    let key_id = q.key.as_deref().ok_or(SignatureError::NoKey)?;
    let Credential {
        tenant,
        secrets,
        wecom,
        ..
    } = credential(s, key_id, Channel::Wecom, now).await?;
    if secrets.is_empty() {
        return Err(SignatureError::UnknownKey.into());
    }
    let (Some(timestamp), Some(nonce), Some(signature)) = (
        q.timestamp.as_deref(),
        q.nonce.as_deref(),
        q.msg_signature.as_deref(),
    ) else {
        return Err(SignatureError::Missing.into());
    };
    channel_auth::fresh(timestamp, now)?;
    let encrypted = encrypted()?;
    let expected: Vec<String> = secrets
        .iter()
        .map(|token| {
            channel_auth::wechat_signature(&[
                token.as_bytes(),
                timestamp.as_bytes(),
                nonce.as_bytes(),
                encrypted.as_bytes(),
            ])
        })
        .collect();
    channel_auth::one_of(&expected, signature)?;
    let account = wecom.ok_or_else(|| {
        ApiError::BadRequest(
            "WeCom's callbacks are encrypted: connect the organization (CorpID, EncodingAESKey) on this credential".into(),
        )
    })?;
    let opened = MessageCrypt::new(&account.encoding_aes_key)
        .and_then(|c| c.decrypt(&encrypted, &account.corp_id))
        .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    Ok((tenant, key_id.to_owned(), account, opened))
}

/// WeCom's URL check: `echostr` is encrypted, and answered opened.
pub async fn url_check(s: &Shared, q: &WechatQuery) -> ApiResult<String> {
    let echo = || q.echostr.clone().ok_or(SignatureError::Missing.into());
    Ok(open(s, q, echo).await?.3)
}

/// WeCom's POST of an event to the callback address.
pub async fn callback(s: &Shared, q: &WechatQuery, body: &[u8]) -> ApiResult<String> {
    let encrypted = || {
        let xml = std::str::from_utf8(body)
            .map_err(|_| ApiError::BadRequest("the body is not UTF-8 XML".into()))?;
        let mut outer = message::fields(xml).map_err(|e| ApiError::BadRequest(e.to_string()))?;
        outer.remove("Encrypt").ok_or_else(|| {
            ApiError::BadRequest("WeCom's callbacks carry an Encrypt element".into())
        })
    };
    let (tenant, key_id, account, opened) = open(s, q, encrypted).await?;
    let f = message::fields(&opened).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let identity = |handle: &str| Identity {
        channel: Channel::Wecom,
        handle: handle.to_owned(),
    };
    match read(&f) {
        Callback::ContactAdded {
            handle,
            staff,
            state,
            key,
        } => {
            let said = say(
                &handle,
                format!("[添加联系人 Added as a contact] {staff}"),
                key,
            );
            let change = match state.is_empty() {
                true => IdentityChange::None,
                false => IdentityChange::Join(state),
            };
            keep(s, &tenant, &key_id, said, change).await?;
        }
        Callback::ContactLeft {
            handle,
            staff,
            by_customer,
            key,
        } => {
            // Someone never seen here leaving is nothing to tell anyone.
            let known = tenant.read(|db| Ok(db.holding(&identity(&handle)).is_some()))?;
            if known {
                let words = match by_customer {
                    true => format!("[删除联系人 Removed {staff}] the customer removed them"),
                    false => format!("[删除联系人 Removed by {staff}]"),
                };
                let said = say(&handle, words, key);
                keep(s, &tenant, &key_id, said, IdentityChange::Leave).await?;
            }
        }
        Callback::KfMessages { token } => {
            let s = s.clone();
            // Read after answering: WeCom waits 5 s for the answer, and calls again
            // (harmlessly: the cursor and message ids dedupe) when it does not get one.
            tokio::spawn(async move {
                if let Err(e) = sync(&s, &tenant, &key_id, &account, &token).await {
                    eprintln!("WeCom: reading 微信客服 messages failed: {e}");
                }
            });
        }
        Callback::Other => {}
    }
    Ok(RECEIVED.into())
}

fn say(handle: &str, body: String, key: String) -> InboundMessage {
    InboundMessage {
        handle: handle.to_owned(),
        name: String::new(),
        body,
        attachments: Vec::new(),
        idempotency_key: key,
        context: None,
    }
}

/// What a message does to its sender's identity, beside being kept.
enum IdentityChange {
    None,
    /// Joins the customer with this id first (when no one holds it yet).
    Join(String),
    /// Leaves its customer once the message is kept in their conversation.
    Leave,
}

/// Keeps `msg` in its contact's WeCom conversation, in one commit with `change`.
async fn keep(
    s: &Shared,
    tenant: &Arc<Tenant>,
    key_id: &str,
    msg: InboundMessage,
    change: IdentityChange,
) -> ApiResult<()> {
    let key_id = key_id.to_owned();
    let identity = Identity {
        channel: Channel::Wecom,
        handle: msg.handle.clone(),
    };
    let sender = crate::held::inbound(Channel::Wecom, &msg.handle, None);
    // Joined first, the message reaches the customer it joins.
    let joins = match &change {
        IdentityChange::Join(into) => Some(into.clone()),
        _ => None,
    };
    s.add_message_viewing(
        tenant,
        msg.idempotency_key.clone(),
        move |db, now| {
            let mut keys = sender(db, now);
            if let Some(into) = &joins {
                keys.extend(db.views_of_contact(into));
            }
            keys
        },
        move |db, now| {
            if let IdentityChange::Join(into) = &change {
                db.join_identity(&identity, into);
            }
            let out = db.inbound(Channel::Wecom, msg, inbound_ids(), now)?;
            if let IdentityChange::Leave = change {
                db.leave_identity(&identity);
            }
            db.note_channel_key_used(&key_id, now);
            Ok(out)
        },
        Event::message,
    )
    .await
    .map(|_| ())
}

/// What one entry of `kf/sync_msg` comes to.
#[derive(Debug, PartialEq)]
pub enum KfEntry {
    /// A customer wrote (or entered the chat).
    Said(InboundMessage),
    /// A reply Lianjie sent (its message id) did not reach the customer.
    SendFailed { message_id: String, why: String },
}

fn text_at<'a>(m: &'a Value, pointer: &str) -> &'a str {
    m.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// One entry of `kf/sync_msg`'s `msg_list`: a customer's message (origin 3), or an
/// event (origin 4) worth keeping; staff's own messages from WeCom's client
/// (origin 5) and other events are not.
pub fn kf_entry(m: &Value) -> Option<KfEntry> {
    let handle = text_at(m, "/external_userid");
    let kind = text_at(m, "/msgtype");
    let origin = m.get("origin").and_then(Value::as_u64).unwrap_or_default();
    let mut attachments = Vec::new();
    let body = match (origin, kind) {
        (3, "text") => text_at(m, "/text/content").to_owned(),
        (3, "image") => format!("[图片 Image] {}", text_at(m, "/image/media_id")),
        (3, "voice") => format!("[语音 Voice] {}", text_at(m, "/voice/media_id")),
        (3, "video") => format!("[视频 Video] {}", text_at(m, "/video/media_id")),
        (3, "file") => format!("[文件 File] {}", text_at(m, "/file/media_id")),
        (3, "location") => format!(
            "[位置 Location] {} {} ({}, {})",
            text_at(m, "/location/name"),
            text_at(m, "/location/address"),
            m.pointer("/location/latitude").unwrap_or(&Value::Null),
            m.pointer("/location/longitude").unwrap_or(&Value::Null),
        ),
        (3, "link") => {
            let url = text_at(m, "/link/url");
            let said = format!("{} {}", text_at(m, "/link/title"), text_at(m, "/link/desc"));
            if lianjie_core::validate::url(url).is_ok() {
                attachments.push(lianjie_core::inbox::Attachment::from_url(url));
                said.trim().to_owned()
            } else {
                format!("{} {url}", said.trim()).trim().to_owned()
            }
        }
        (3, "miniprogram") => format!("[小程序 Mini program] {}", text_at(m, "/miniprogram/title")),
        (3, "business_card") => format!(
            "[名片 Contact card] {}",
            text_at(m, "/business_card/userid")
        ),
        (3, other) => format!("[{other}]"),
        (4, "event") => match text_at(m, "/event/event_type") {
            "enter_session" => {
                let handle = text_at(m, "/event/external_userid");
                let scene = text_at(m, "/event/scene");
                let body = format!("[进入会话 Entered the chat] {scene}")
                    .trim()
                    .to_owned();
                let key = key_of(&[text_at(m, "/msgid")]);
                return (!handle.is_empty()).then(|| KfEntry::Said(say(handle, body, key)));
            }
            "msg_send_fail" => {
                let why = match m.pointer("/event/fail_type").and_then(Value::as_u64) {
                    Some(4) => "WeCom: the 48-hour window to reply has passed".to_owned(),
                    Some(5) => "WeCom: the customer closed the chat".to_owned(),
                    Some(6) => "WeCom: over the limit of 5 messages without an answer".to_owned(),
                    Some(n) => {
                        format!("WeCom: the message did not reach the customer (fail_type {n})")
                    }
                    None => "WeCom: the message did not reach the customer".to_owned(),
                };
                let message_id = text_at(m, "/event/fail_msgid").to_owned();
                return (!message_id.is_empty()).then_some(KfEntry::SendFailed { message_id, why });
            }
            _ => return None,
        },
        _ => return None,
    };
    if handle.is_empty() || body.is_empty() && attachments.is_empty() {
        return None;
    }
    let mut msg = say(handle, body, key_of(&[text_at(m, "/msgid")]));
    msg.attachments = attachments;
    Some(KfEntry::Said(msg))
}

/// The media a customer's picture, voice message, video or file carries.
pub fn kf_media(m: &Value) -> Option<&str> {
    let kind = text_at(m, "/msgtype");
    let origin = m.get("origin").and_then(Value::as_u64);
    let id = match (origin, kind) {
        (Some(3), "image" | "voice" | "video" | "file") => {
            m.get(kind)?.get("media_id")?.as_str()?
        }
        _ => return None,
    };
    (!id.is_empty()).then_some(id)
}

/// One page of `kf/sync_msg`.
#[derive(Deserialize, Default)]
struct SyncPage {
    #[serde(default)]
    next_cursor: String,
    #[serde(default)]
    has_more: u8,
    #[serde(default)]
    msg_list: Vec<Value>,
}

/// Most pages one "messages waiting" event reads; the next event reads on.
const MAX_PAGES: usize = 20;

/// Reads 微信客服's waiting messages from the cursor kept on the credential. Each
/// page's messages are kept before the cursor moves past them, so a failure reads
/// them again (their ids make that harmless) and never skips one.
async fn sync(
    s: &Shared,
    tenant: &Arc<Tenant>,
    key_id: &str,
    account: &WecomAccount,
    token: &str,
) -> Result<(), String> {
    let _one_at_a_time = s.senders.wecom_reading.lock().await;
    for _ in 0..MAX_PAGES {
        let cursor = tenant
            .read(|db| Ok(db.channel_key(key_id).map(|k| k.cursor.clone())))
            .map_err(|e| e.to_string())?
            .unwrap_or_default();
        let body = json!({
            "cursor": cursor,
            "token": token,
            "limit": 1000,
            "voice_format": 0,
            "open_kfid": account.open_kfid,
        });
        let answer = s
            .senders
            .wecom(account, "/cgi-bin/kf/sync_msg", &body, "kf/sync_msg")
            .await
            .map_err(|o| format!("{o:?}"))?;
        let page: SyncPage = serde_json::from_value(answer).map_err(|e| e.to_string())?;
        for m in &page.msg_list {
            match kf_entry(m) {
                Some(KfEntry::Said(mut msg)) => {
                    if let Some(media_id) = kf_media(m) {
                        let account = Account::Wecom(account);
                        crate::adapters::attach_media(s, &tenant.id, account, media_id, &mut msg)
                            .await;
                    }
                    keep(s, tenant, key_id, msg, IdentityChange::None)
                        .await
                        .map_err(|e| format!("{e:?}"))?
                }
                Some(KfEntry::SendFailed { message_id, why }) => {
                    let kept =
                        crate::delivery::keep_receipt(s, tenant, &message_id, false, why).await;
                    // A reply deleted since, or sent from another system, is skipped.
                    if let Err(e) = kept
                        && !matches!(e, ApiError::NotFound(_))
                    {
                        return Err(format!("{e:?}"));
                    }
                }
                None => {}
            }
        }
        if page.next_cursor.is_empty() {
            return Ok(());
        }
        let (key, next) = (key_id.to_owned(), page.next_cursor);
        s.mutate(
            tenant,
            move |db, _| db.set_channel_cursor(&key, next),
            |_| None,
        )
        .await
        .map_err(|e| format!("{e:?}"))?;
        if page.has_more == 0 {
            return Ok(());
        }
    }
    Ok(())
}

/// Sends `text` to external contact `handle` from the account's customer-service
/// account, with the reply's own id as WeCom's `msgid` (a retry is the same
/// message; a later failure names it).
pub async fn send_text(
    tokens: &Tokens,
    http: &reqwest::Client,
    account: &WecomAccount,
    handle: &str,
    message: &Message,
    text: &str,
) -> Outcome {
    let body = json!({
        "touser": handle,
        "open_kfid": account.open_kfid,
        "msgid": message.id,
        "msgtype": "text",
        "text": {"content": text},
    });
    match tokens
        .call(
            http,
            Account::Wecom(account),
            "/cgi-bin/kf/send_msg",
            &body,
            "kf/send_msg",
        )
        .await
    {
        Ok(_) => Outcome::Sent,
        Err(outcome) => outcome,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn callback(inner: &str) -> Callback {
        read(&message::fields(&format!("<xml><ToUserName>ww1</ToUserName><CreateTime>1403610513</CreateTime><MsgType><![CDATA[event]]></MsgType>{inner}</xml>")).unwrap())
    }

    #[test]
    fn contact_changes_and_waiting_messages_are_told_apart() {
        let change = |kind: &str| {
            callback(&format!(
                "<Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[{kind}]]></ChangeType><UserID>zhangsan</UserID><ExternalUserID>wmEXT</ExternalUserID><State>k-1</State>"
            ))
        };
        let Callback::ContactAdded {
            handle,
            staff,
            state,
            key,
        } = change("add_external_contact")
        else {
            panic!("not an addition");
        };
        assert_eq!(
            (handle.as_str(), staff.as_str(), state.as_str()),
            ("wmEXT", "zhangsan", "k-1")
        );
        assert!(key.starts_with("wecom-"));
        assert!(matches!(
            change("add_half_external_contact"),
            Callback::ContactAdded { .. }
        ));
        assert!(matches!(
            change("del_follow_user"),
            Callback::ContactLeft {
                by_customer: true,
                ..
            }
        ));
        assert!(matches!(
            change("del_external_contact"),
            Callback::ContactLeft {
                by_customer: false,
                ..
            }
        ));
        assert_eq!(change("edit_external_contact"), Callback::Other);
        assert_eq!(
            callback("<Event>kf_msg_or_event</Event><Token>T1</Token><OpenKfId>wk1</OpenKfId>"),
            Callback::KfMessages { token: "T1".into() }
        );
        assert_eq!(callback("<Event>kf_msg_or_event</Event>"), Callback::Other);
        assert_eq!(
            callback("<Event>change_external_chat</Event>"),
            Callback::Other
        );
    }

    #[test]
    fn kf_entries_become_messages_receipts_or_nothing() {
        let said = |m: Value| match kf_entry(&m) {
            Some(KfEntry::Said(msg)) => msg,
            other => panic!("{other:?}"),
        };
        let m = said(
            json!({"msgid": "a", "external_userid": "wm1", "origin": 3, "msgtype": "text", "text": {"content": "<b>hi</b>"}}),
        );
        assert_eq!((m.handle.as_str(), m.body.as_str()), ("wm1", "<b>hi</b>"));
        // The same entry read again is the same message.
        let again = said(
            json!({"msgid": "a", "external_userid": "wm1", "origin": 3, "msgtype": "text", "text": {"content": "x"}}),
        );
        assert_eq!(m.idempotency_key, again.idempotency_key);
        let m = said(
            json!({"msgid": "b", "external_userid": "wm1", "origin": 3, "msgtype": "link", "link": {"title": "方案", "desc": "v2", "url": "https://example.com/p"}}),
        );
        assert_eq!((m.body.as_str(), m.attachments.len()), ("方案 v2", 1));
        let m = said(
            json!({"msgid": "c", "external_userid": "wm1", "origin": 3, "msgtype": "location", "location": {"name": "天河", "address": "广州", "latitude": 23.1, "longitude": 113.3}}),
        );
        assert_eq!(m.body, "[位置 Location] 天河 广州 (23.1, 113.3)");
        let m = said(
            json!({"msgid": "d", "origin": 4, "msgtype": "event", "event": {"event_type": "enter_session", "external_userid": "wm2", "scene": "card"}}),
        );
        assert_eq!(
            (m.handle.as_str(), m.body.as_str()),
            ("wm2", "[进入会话 Entered the chat] card")
        );
        assert_eq!(
            kf_entry(
                &json!({"msgid": "e", "origin": 4, "msgtype": "event", "event": {"event_type": "msg_send_fail", "fail_msgid": "m1", "fail_type": 6}})
            ),
            Some(KfEntry::SendFailed {
                message_id: "m1".into(),
                why: "WeCom: over the limit of 5 messages without an answer".into()
            })
        );
        // Staff's own messages from WeCom's client, other events, and entries
        // without a sender are not kept.
        for skipped in [
            json!({"msgid": "f", "external_userid": "wm1", "origin": 5, "msgtype": "text", "text": {"content": "x"}}),
            json!({"msgid": "g", "origin": 4, "msgtype": "event", "event": {"event_type": "servicer_status_change"}}),
            json!({"msgid": "h", "origin": 3, "msgtype": "text", "text": {"content": "x"}}),
        ] {
            assert_eq!(kf_entry(&skipped), None);
        }
    }
}
