//! The one error envelope every failure is answered with. Bad input is always 4xx
//! with field errors; only the server's own faults are 5xx.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lianjie_core::api::{ErrorBody, ErrorEnvelope};
use lianjie_core::store::StoreError;
use lianjie_core::validate::FieldErrors;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("invalid input")]
    Invalid(FieldErrors),
    #[error("{0}")]
    BadRequest(String),
    #[error("request body is too large")]
    TooLarge,
    #[error("sign in required")]
    Unauthorized,
    /// A channel adapter's delivery whose signature does not hold.
    #[error("signature check failed: {0}")]
    BadSignature(#[from] crate::channel_auth::SignatureError),
    #[error("{0}")]
    Forbidden(String),
    #[error("too many requests, slow down")]
    RateLimited,
    #[error("too many sign-in attempts; try again in {retry_after} s")]
    TooManyAttempts { retry_after: u64 },
    /// An hourly budget per client is spent (see `crate::quota`).
    #[error("too many {what} from your network; try again in {retry_after} s")]
    QuotaExceeded {
        what: &'static str,
        retry_after: u64,
    },
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    /// The HTTP status it is answered with.
    pub(crate) fn status(&self) -> StatusCode {
        self.status_and_code().0
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            ApiError::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            ApiError::BadSignature(_) => (StatusCode::UNAUTHORIZED, "bad_signature"),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            ApiError::RateLimited
            | ApiError::TooManyAttempts { .. }
            | ApiError::QuotaExceeded { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if let ApiError::Internal(detail) = &self {
            eprintln!("internal error: {detail}");
        }
        let fields = match &self {
            ApiError::Invalid(f) => f.0.clone(),
            _ => Vec::new(),
        };
        let body = ErrorEnvelope {
            error: ErrorBody {
                code: code.into(),
                message: self.to_string(),
                fields,
            },
        };
        let retry_after = match &self {
            ApiError::TooManyAttempts { retry_after }
            | ApiError::QuotaExceeded { retry_after, .. } => Some(*retry_after),
            ApiError::RateLimited => Some(1),
            _ => None,
        };
        let mut res = (status, Json(body)).into_response();
        if let Some(secs) = retry_after {
            res.headers_mut()
                .insert("retry-after", axum::http::HeaderValue::from(secs));
        }
        res
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => ApiError::NotFound(what),
            StoreError::Forbidden(_) => ApiError::Forbidden(e.to_string()),
            StoreError::Invalid(fields) => ApiError::Invalid(fields),
        }
    }
}

impl From<crate::storage::StorageError> for ApiError {
    fn from(e: crate::storage::StorageError) -> Self {
        ApiError::Internal(e.to_string())
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
