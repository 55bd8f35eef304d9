//! Request extractors that turn every malformed request into the error envelope.

use crate::Shared;
use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use chrono::Utc;
use lianjie_core::people::User;
use serde::de::DeserializeOwned;
use std::net::SocketAddr;

/// A JSON body, whatever the content type: `navigator.sendBeacon` posts `text/plain`.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned> FromRequest<Shared> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &Shared) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| match e {
            BytesRejection::FailedToBufferBody(_) => ApiError::TooLarge,
            other => ApiError::BadRequest(other.body_text()),
        })?;
        serde_json::from_slice(&bytes).map(JsonBody).map_err(|e| {
            ApiError::BadRequest(format!("body is not valid JSON for this endpoint: {e}"))
        })
    }
}

/// A signed-in staff member: `Authorization: Bearer <token>`, or `?access_token=`
/// for EventSource, which cannot set headers.
pub struct Staff(pub User);

impl FromRequestParts<Shared> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::to_owned);
        let query = parts.uri.query().and_then(|q| {
            q.split('&')
                .find_map(|kv| kv.strip_prefix("access_token="))
                .map(str::to_owned)
        });
        let token = header.or(query).ok_or(ApiError::Unauthorized)?;
        if lianjie_core::ids::parse_public_id(&token).is_err() {
            return Err(ApiError::Unauthorized);
        }
        state
            .storage
            .session_user(&token, Utc::now())
            .await?
            .map(Staff)
            .ok_or(ApiError::Unauthorized)
    }
}

/// A customer-facing request, rate limited per client address so a flood answers 429
/// instead of starving everyone else.
pub struct Public;

impl FromRequestParts<Shared> for Public {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Shared) -> Result<Self, ApiError> {
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .unwrap_or(std::net::IpAddr::from([0, 0, 0, 0]));
        state
            .limiter
            .check_key(&ip)
            .map(|_| Public)
            .map_err(|_| ApiError::RateLimited)
    }
}
