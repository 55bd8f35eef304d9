//! Request extractors that turn every malformed request into the error envelope.

use crate::client_addr::{self, Cidr, ClientKey};
use crate::error::ApiError;
use crate::{Shared, Tenant};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::HeaderValue;
use axum::http::request::Parts;
use axum::response::Response;
use chrono::Utc;
use lianjie_core::api::EVENT_ID_HEADER;
use lianjie_core::people::User;
use lianjie_core::scope::Caller;
use serde::de::DeserializeOwned;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// A JSON body, whatever the content type: `navigator.sendBeacon` posts `text/plain`.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned> FromRequest<Shared> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &Shared) -> Result<Self, ApiError> {
        let RawBody(bytes) = RawBody::from_request(req, state).await?;
        json(&bytes).map(JsonBody)
    }
}

/// Reads a JSON body as `T`, or says why not.
pub fn json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes)
        .map_err(|e| ApiError::BadRequest(format!("body is not valid JSON for this endpoint: {e}")))
}

/// A query string as `T`; one that does not fit (a missing or repeated field, a
/// value of the wrong type) is a 400 in the error envelope, like any bad input.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            .map_err(|e| ApiError::BadRequest(e.body_text()))
    }
}

/// Path parameters as `T`; one that cannot be read (not UTF-8) names nothing that
/// exists: 404 in the error envelope.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Path(p.0))
            .map_err(|_| ApiError::NotFound("route"))
    }
}

/// The body's bytes as sent (a signature is checked over exactly these).
pub struct RawBody(pub Bytes);

impl FromRequest<Shared> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &Shared) -> Result<Self, ApiError> {
        Bytes::from_request(req, state)
            .await
            .map(RawBody)
            .map_err(|e| match e {
                BytesRejection::FailedToBufferBody(_) => ApiError::TooLarge,
                other => ApiError::BadRequest(other.body_text()),
            })
    }
}

/// A signed-in, active staff member, as the caller every rule is applied to, in
/// their organization. The token comes from `Authorization: Bearer <token>`, or from
/// `?access_token=` on `/events` alone (EventSource cannot set headers); a token in
/// any other address is refused, since addresses end up in logs and histories.
pub struct Staff {
    pub user: User,
    pub caller: Caller,
    pub tenant: Arc<Tenant>,
    /// The public id of the session the request came with.
    pub session_id: String,
}

impl FromRequestParts<Shared> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::to_owned);
        let query = if parts.uri.path().ends_with("/events") {
            parts.uri.query().and_then(|q| {
                q.split('&')
                    .find_map(|kv| kv.strip_prefix("access_token="))
                    .map(str::to_owned)
            })
        } else {
            None
        };
        let token = header.or(query).ok_or(ApiError::Unauthorized)?;
        if lianjie_core::ids::parse_public_id(&token).is_err() {
            return Err(ApiError::Unauthorized);
        }
        let (session_id, user_id, org) = state
            .storage
            .session(&crate::auth::token_hash(&token), Utc::now())
            .await?
            .ok_or(ApiError::Unauthorized)?;
        let tenant = state.tenant(&org)?;
        // Taken before catching up, so the answer holds at least what it names; told
        // only once the account is known to be active.
        let announced = tenant.announced();
        // What any server committed before this request is what it sees.
        state.catch_up(&tenant).await?;
        // A deactivated account's session stops working at once.
        let (user, caller) = {
            let db = tenant.lock();
            let caller = db.caller(&user_id).map_err(|_| ApiError::Unauthorized)?;
            (
                db.user(&user_id)
                    .cloned()
                    .map_err(|_| ApiError::Unauthorized)?,
                caller,
            )
        };
        if let Some(seen) = parts.extensions.get::<EventsSeen>() {
            let _ = seen.0.set(announced);
        }
        Ok(Staff {
            user,
            caller,
            tenant,
            session_id,
        })
    }
}

/// Where [`Staff`] leaves the organization's announced event for [`events_seen`].
#[derive(Clone, Default)]
pub struct EventsSeen(Arc<std::sync::OnceLock<i64>>);

/// Puts [`EVENT_ID_HEADER`] on every answer to a signed-in staff member.
pub async fn events_seen(mut req: Request, next: axum::middleware::Next) -> Response {
    let seen = EventsSeen::default();
    req.extensions_mut().insert(seen.clone());
    let mut res = next.run(req).await;
    if let Some(id) = seen.0.get() {
        res.headers_mut()
            .insert(EVENT_ID_HEADER, HeaderValue::from(*id));
    }
    res
}

/// A customer-facing request, rate limited per client (see [`ClientKey`]) so a flood
/// answers 429 instead of starving everyone else.
pub struct Public;

/// The client's address: the socket peer, or, when the peer is one of
/// `trusted_proxies`, the client it names in `X-Forwarded-For` (see
/// [`client_addr::client_address`]). Unspecified when the server runs without
/// connect info.
pub fn client_ip(parts: &Parts, trusted_proxies: &[Cidr]) -> IpAddr {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::from([0, 0, 0, 0]));
    if trusted_proxies.is_empty() {
        return peer.to_canonical();
    }
    let forwarded: Result<Vec<&str>, _> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .map(|v| v.to_str())
        .collect();
    match forwarded {
        Ok(values) => client_addr::client_address(peer, &values, trusted_proxies),
        // A header that is not text is malformed: the peer it is.
        Err(_) => peer.to_canonical(),
    }
}

/// The address a request came from (behind a trusted proxy, the client's), for
/// per-client limits; count them by [`ClientIp::key`].
pub struct ClientIp(pub IpAddr);

impl ClientIp {
    /// What per-client limits count under: the IPv4 address or the IPv6 /64.
    pub fn key(&self) -> ClientKey {
        ClientKey::from(self.0)
    }
}

impl FromRequestParts<Shared> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Self, ApiError> {
        Ok(ClientIp(client_ip(parts, &state.config.trusted_proxies)))
    }
}

impl FromRequestParts<Shared> for Public {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Self, ApiError> {
        let key = ClientKey::from(client_ip(parts, &state.config.trusted_proxies));
        state
            .limiter
            .check_key(&key)
            .map(|_| Public)
            .map_err(|_| ApiError::RateLimited)
    }
}
