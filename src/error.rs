//! The app's error type. Every failure the UI can show is one of these, so each has a
//! localized message and none is a panic.

use crate::i18n::PublicMsg;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppError {
    /// A link or record that does not exist (unknown token, malformed id).
    #[error("not found")]
    NotFound,
    /// The backend could not be reached.
    #[error("network error: {0}")]
    Network(String),
    /// Part of the app (a split-off module, see `crate::split`) did not arrive: offline
    /// on a first visit, or a build replaced since the tab was opened.
    #[error("part of the app did not arrive")]
    AppPart,
    /// The backend answered something we could not understand.
    #[error("unexpected response: {0}")]
    Decode(String),
    /// The staff session is missing or expired.
    #[error("sign in required")]
    Unauthorized,
    /// The server failed or refused for its own reasons (status, its message).
    #[error("server error {0}: {1}")]
    Server(u16, String),
    /// The signed-in staff member has no card (support agents, admins).
    #[error("no card")]
    NoCard,
    /// This browser's storage refused to save (full, or blocked).
    #[error("storage error: {0}")]
    Storage(String),
    /// The input was refused; each field says why.
    #[error("{0}")]
    Invalid(lianjie_core::validate::FieldErrors),
    /// The signed-in staff member's role may not do this (HTTP 403 `forbidden`).
    #[error("forbidden for this role")]
    Forbidden,
    /// This backend does not offer the operation: passwords, sessions and sign-out
    /// need the server; acting as another staff member is the in-browser demo's.
    #[error("not offered by this backend")]
    Unsupported,
}

impl AppError {
    /// Whether trying again may help: the network, rate limiting, or the server's fault.
    pub fn is_transient(&self) -> bool {
        matches!(self, AppError::Network(_) | AppError::AppPart)
            || matches!(self, AppError::Server(s, _) if *s == 429 || *s >= 500)
    }

    /// What a person is told; technical detail stays in `Display` for logs.
    pub fn message(&self) -> PublicMsg {
        match self {
            AppError::NotFound => PublicMsg::ErrNotFound,
            AppError::NoCard => PublicMsg::ErrNoCard,
            AppError::Network(_) => PublicMsg::ErrNetwork,
            AppError::AppPart => PublicMsg::ErrAppPart,
            AppError::Decode(_) => PublicMsg::ErrDecode,
            AppError::Invalid(_) => PublicMsg::ErrInvalid,
            AppError::Unauthorized => PublicMsg::ErrUnauthorized,
            AppError::Server(..) => PublicMsg::ErrServer,
            AppError::Storage(_) => PublicMsg::ErrStorage,
            AppError::Forbidden => PublicMsg::ErrForbidden,
            AppError::Unsupported => PublicMsg::ErrUnsupported,
        }
    }
}

pub use lianjie_core::catalogue::problem_message;

impl From<crate::split::SplitLoaderError> for AppError {
    fn from(_: crate::split::SplitLoaderError) -> Self {
        AppError::AppPart
    }
}

impl From<lianjie_core::ids::IdError> for AppError {
    fn from(_: lianjie_core::ids::IdError) -> Self {
        AppError::NotFound
    }
}
