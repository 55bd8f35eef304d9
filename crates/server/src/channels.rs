//! Channel adapters: their signed deliveries, WeChat's URL check, the admin's
//! simulator, and the admin's credentials for them.

use crate::adapters::{wechat, wecom};
use crate::channel_auth::{self, Scheme, Signed};
use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, Public, RawBody, Staff, json};
use crate::extract::{Path, Query};
use crate::routes::{id_param, idempotency_key, inbound_ids};
use crate::{Shared, Tenant, held, random_token};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use lianjie_core::adapter::{
    ChannelKeyInfo, IssuedChannelKey, NewChannelKey, WechatAccount, WecomAccount,
};
use lianjie_core::api::{Event, InboundMessage};
use lianjie_core::channel::Channel;
use lianjie_core::inbox::Message;
use lianjie_core::scope::Action;
use lianjie_core::store::StoreError;
use serde::Deserialize;
use std::sync::Arc;

fn channel_param(slug: &str) -> ApiResult<Channel> {
    Channel::from_slug(slug).ok_or(ApiError::NotFound("channel"))
}

/// WeChat's parameters, on its callbacks and its URL check.
#[derive(Deserialize, Default)]
pub struct WechatQuery {
    pub key: Option<String>,
    pub timestamp: Option<String>,
    pub nonce: Option<String>,
    pub msg_signature: Option<String>,
    pub signature: Option<String>,
    pub echostr: Option<String>,
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// What a delivery names: the headers when it carries a Lianjie signature, else
/// (WeChat only) WeChat's query parameters.
fn signed<'a>(channel: Channel, headers: &'a HeaderMap, q: &'a WechatQuery) -> Signed<'a> {
    if headers.contains_key("x-lianjie-signature") || channel != Channel::Wechat {
        Signed {
            key: header(headers, "x-lianjie-key"),
            timestamp: header(headers, "x-lianjie-timestamp"),
            signature: header(headers, "x-lianjie-signature"),
            nonce: None,
            scheme: Scheme::Hmac,
        }
    } else {
        Signed {
            key: q.key.as_deref(),
            timestamp: q.timestamp.as_deref(),
            signature: q.msg_signature.as_deref(),
            nonce: q.nonce.as_deref(),
            scheme: Scheme::Wechat,
        }
    }
}

/// A credential as a delivery is checked against it.
pub struct Credential {
    pub tenant: Arc<Tenant>,
    /// The secrets accepted for its channel now (none when revoked or of another).
    pub secrets: Vec<String>,
    /// The Official Account it connects, for WeChat's safe mode.
    pub wechat: Option<WechatAccount>,
    /// The WeCom organization it connects, whose callbacks are encrypted.
    pub wecom: Option<WecomAccount>,
}

/// The organization holding credential `key_id`, and what it accepts for
/// `channel` at `now`.
pub async fn credential(
    s: &Shared,
    key_id: &str,
    channel: Channel,
    now: DateTime<Utc>,
) -> ApiResult<Credential> {
    let tenant = s
        .tenant_with(|db| db.channel_key(key_id).is_some())
        .await?
        .ok_or(channel_auth::SignatureError::UnknownKey)?;
    let (secrets, wechat, wecom) = tenant
        .lock()
        .channel_key(key_id)
        .map(|k| {
            let secrets = k.secrets_for(channel, now);
            let live = !secrets.is_empty();
            let wechat = k.wechat.clone().filter(|_| live);
            let wecom = k.wecom.clone().filter(|_| live);
            (
                secrets.into_iter().map(str::to_owned).collect(),
                wechat,
                wecom,
            )
        })
        .unwrap_or_default();
    Ok(Credential {
        tenant,
        secrets,
        wechat,
        wecom,
    })
}

/// An adapter delivers a customer's message. No staff token is accepted here: the
/// delivery is signed with the adapter's own credential, checked before anything
/// else is read of it.
pub async fn inbound(
    State(s): State<Shared>,
    _: Public,
    Path(channel): Path<String>,
    Query(q): Query<WechatQuery>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> ApiResult<Response> {
    let channel = channel_param(&channel)?;
    // WeChat's and WeCom's own servers post their XML; an adapter posts the
    // normalized JSON.
    if body.trim_ascii_start().starts_with(b"<") {
        match channel {
            Channel::Wechat => return Ok(wechat::callback(&s, &q, &body).await?.into_response()),
            Channel::Wecom => return Ok(wecom::callback(&s, &q, &body).await?.into_response()),
            _ => {}
        }
    }
    let signed = signed(channel, &headers, &q);
    let now = Utc::now();
    let key_id = signed.key.ok_or(channel_auth::SignatureError::NoKey)?;
    let Credential {
        tenant, secrets, ..
    } = credential(&s, key_id, channel, now).await?;
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    channel_auth::verify(&signed, &secrets, &body, now)?;
    let signature = signed.signature.unwrap_or_default();
    if !s.replays.first_use(key_id, signature, now) {
        return Err(channel_auth::SignatureError::Replayed.into());
    }
    let mut msg: InboundMessage = json(&body)?;
    msg.idempotency_key = idempotency_key(&headers, msg.idempotency_key)?;
    let ids = inbound_ids();
    let key_id = key_id.to_owned();
    let (_, message) = s
        .add_message_viewing(
            &tenant,
            msg.idempotency_key.clone(),
            held::inbound(channel, &msg.handle, None),
            move |db, now| {
                let out = db.inbound(channel, msg, ids, now)?;
                db.note_channel_key_used(&key_id, now);
                Ok(out)
            },
            Event::message,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(message)).into_response())
}

/// Longest `echostr` echoed back; WeChat's are short digits.
const MAX_ECHO: usize = 128;

/// WeChat checks a callback address before using it: it signs a timestamp and a
/// nonce with the token (here, the credential's secret) and expects `echostr` back.
/// WeCom's check is encrypted (`adapters::wecom::url_check`).
pub async fn url_check(
    State(s): State<Shared>,
    _: Public,
    Path(channel): Path<String>,
    Query(q): Query<WechatQuery>,
) -> ApiResult<String> {
    match channel_param(&channel)? {
        Channel::Wechat => {}
        Channel::Wecom => return wecom::url_check(&s, &q).await,
        _ => return Err(ApiError::NotFound("route")),
    }
    let now = Utc::now();
    let (Some(key_id), Some(timestamp), Some(nonce), Some(signature), Some(echo)) = (
        q.key.as_deref(),
        q.timestamp.as_deref(),
        q.nonce.as_deref(),
        q.signature.as_deref(),
        q.echostr,
    ) else {
        return Err(channel_auth::SignatureError::Missing.into());
    };
    if echo.len() > MAX_ECHO || !echo.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(ApiError::BadRequest(
            "echostr must be up to 128 letters and digits".into(),
        ));
    }
    let Credential { secrets, .. } = credential(&s, key_id, Channel::Wechat, now).await?;
    if secrets.is_empty() {
        return Err(channel_auth::SignatureError::UnknownKey.into());
    }
    channel_auth::fresh(timestamp, now)?;
    // The URL check signs no body: the secret, timestamp and nonce alone.
    let expected: Vec<String> = secrets
        .iter()
        .map(|secret| {
            channel_auth::wechat_signature(&[
                secret.as_bytes(),
                timestamp.as_bytes(),
                nonce.as_bytes(),
            ])
        })
        .collect();
    channel_auth::one_of(&expected, signature)?;
    Ok(echo)
}

/// The admin's channel simulator: posts a message as a customer of any channel,
/// to try the inbox without an adapter.
pub async fn simulate(
    State(s): State<Shared>,
    staff: Staff,
    Path(channel): Path<String>,
    headers: HeaderMap,
    JsonBody(mut msg): JsonBody<InboundMessage>,
) -> ApiResult<(StatusCode, Json<Message>)> {
    if !staff.caller.may(Action::PostInbound) {
        return Err(StoreError::Forbidden(Action::PostInbound).into());
    }
    let channel = channel_param(&channel)?;
    msg.idempotency_key = idempotency_key(&headers, msg.idempotency_key)?;
    let ids = inbound_ids();
    let (_, message) = s
        .add_message_viewing(
            &staff.tenant,
            msg.idempotency_key.clone(),
            held::inbound(channel, &msg.handle, None),
            move |db, now| db.inbound(channel, msg, ids, now),
            Event::message,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(message)))
}

pub async fn keys(staff: Staff) -> ApiResult<Json<Vec<ChannelKeyInfo>>> {
    Ok(Json(
        staff.tenant.read(|db| db.channel_keys(&staff.caller))?,
    ))
}

/// An SMS credential's receipt token beside its secret, shown with it once.
fn with_receipt_token(mut issued: IssuedChannelKey) -> IssuedChannelKey {
    if issued.key.channel == Channel::Sms {
        issued.receipt_token = Some(channel_auth::receipt_token(&issued.secret));
    }
    issued
}

/// A random secret, as long as `channel` takes.
fn new_secret(channel: Channel) -> String {
    let mut secret = random_token::<32>();
    secret.truncate(lianjie_core::adapter::secret_chars(channel));
    secret
}

pub async fn create_key(
    State(s): State<Shared>,
    staff: Staff,
    JsonBody(new): JsonBody<NewChannelKey>,
) -> ApiResult<(StatusCode, Json<IssuedChannelKey>)> {
    let id = format!("ck-{}", random_token::<8>());
    let issued = s
        .mutate(
            &staff.tenant,
            move |db, now| {
                let secret = new_secret(new.channel);
                db.create_channel_key(&staff.caller, new, id, secret, now)
            },
            |_| None,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(with_receipt_token(issued))))
}

pub async fn rotate_key(
    State(s): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
) -> ApiResult<Json<IssuedChannelKey>> {
    let id = id_param(&id, "channel key")?;
    let issued = s
        .mutate(
            &staff.tenant,
            move |db, now| {
                let channel = db.channel_key(&id).map_or(Channel::Sms, |k| k.channel);
                db.rotate_channel_key(&staff.caller, &id, new_secret(channel), now)
            },
            |_| None,
        )
        .await?;
    Ok(Json(with_receipt_token(issued)))
}

pub async fn revoke_key(
    State(s): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
) -> ApiResult<Json<ChannelKeyInfo>> {
    let id = id_param(&id, "channel key")?;
    let info = s
        .mutate(
            &staff.tenant,
            move |db, now| db.revoke_channel_key(&staff.caller, &id, now),
            |_| None,
        )
        .await?;
    Ok(Json(info))
}
