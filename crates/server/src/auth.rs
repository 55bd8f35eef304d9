//! Signing in and out, passwords and sessions. Tokens are random and stored only as
//! SHA-256 hashes; passwords are argon2 hashes, checked on the blocking pool so a
//! burst of sign-ins never stalls the async workers; sign-in is throttled per client
//! address and per account, and an unknown email costs the same as a wrong password.

use crate::client_addr::ClientKey;
use crate::error::{ApiError, ApiResult};
use crate::extract::Path;
use crate::extract::{ClientIp, JsonBody, Staff};
use crate::storage::NewSession;
use crate::{Shared, hash_password, random_token};
use argon2::password_hash::{PasswordHash, PasswordVerifier};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use lianjie_core::people::User;
use lianjie_core::team::{PasswordChange, StaffSession};
use lianjie_core::validate::{FieldErrors, FieldProblem};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::time::Instant;

/// Failed sign-ins an account may have within [`FAILURE_WINDOW`] before it is
/// refused for the rest of that window.
const MAX_FAILURES: u32 = 5;
const FAILURE_WINDOW: std::time::Duration = std::time::Duration::from_secs(15 * 60);
/// Accounts tracked at most; the oldest windows are dropped first beyond it.
const MAX_TRACKED: usize = 10_000;
pub const MIN_PASSWORD: usize = 10;
const MAX_PASSWORD: usize = 200;

/// The hash a session token is stored and looked up by.
pub fn token_hash(token: &str) -> String {
    lianjie_core::ids::hex(&Sha256::digest(token.as_bytes()))
}

/// Throttles sign-in: attempts per client (IPv4 address or IPv6 /64), failures per
/// account.
pub struct LoginGuard {
    clients: DefaultKeyedRateLimiter<ClientKey>,
    failures: std::sync::Mutex<HashMap<String, (u32, Instant)>>,
    /// Checked when the email is unknown, so that answer takes as long as a wrong
    /// password does.
    dummy_hash: String,
    hashing: tokio::sync::Semaphore,
}

/// Password checks that may run at once.
const CONCURRENT_HASHES: usize = 4;

impl LoginGuard {
    pub fn new(per_minute: u32) -> LoginGuard {
        let rate = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
        LoginGuard {
            clients: RateLimiter::keyed(Quota::per_minute(rate)),
            failures: std::sync::Mutex::new(HashMap::new()),
            dummy_hash: hash_password("no account has this password").unwrap_or_default(),
            hashing: tokio::sync::Semaphore::new(CONCURRENT_HASHES),
        }
    }

    fn failures(&self) -> std::sync::MutexGuard<'_, HashMap<String, (u32, Instant)>> {
        self.failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Takes one attempt for `account` from `client`, or says how many seconds to wait.
    /// The attempt counts as a failure from here on (under the lock, so concurrent
    /// guesses cannot all pass the check) until [`LoginGuard::succeeded`] clears it.
    fn attempt(&self, client: ClientKey, account: &str) -> ApiResult<()> {
        let wait = |secs: u64| ApiError::TooManyAttempts {
            retry_after: secs.max(1),
        };
        if let Err(not_until) = self.clients.check_key(&client) {
            return Err(wait(
                not_until
                    .wait_time_from(DefaultClock::default().now())
                    .as_secs(),
            ));
        }
        let mut failures = self.failures();
        if failures.len() >= MAX_TRACKED {
            failures.retain(|_, (_, since)| since.elapsed() < FAILURE_WINDOW);
        }
        let entry = failures
            .entry(account.to_owned())
            .or_insert((0, Instant::now()));
        if entry.1.elapsed() >= FAILURE_WINDOW {
            *entry = (0, Instant::now());
        }
        if entry.0 >= MAX_FAILURES {
            return Err(wait((FAILURE_WINDOW - entry.1.elapsed()).as_secs()));
        }
        entry.0 += 1;
        Ok(())
    }

    /// A permit to check a password: argon2 takes memory and a core for a moment, so
    /// only a few run at once and a flood is answered 429 instead of exhausting both.
    fn hashing(&self) -> ApiResult<tokio::sync::SemaphorePermit<'_>> {
        self.hashing
            .try_acquire()
            .map_err(|_| ApiError::TooManyAttempts { retry_after: 1 })
    }

    fn succeeded(&self, account: &str) {
        self.failures().remove(account);
    }

    /// Forgets clients whose limit has fully recovered, so idle entries do not pile up
    /// (the failure map prunes itself when large).
    pub fn sweep(&self) {
        self.clients.retain_recent();
        self.clients.shrink_to_fit();
    }
}

/// Whether `password` matches `hash`, checked on the blocking pool.
async fn verify(password: String, hash: String) -> ApiResult<bool> {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            argon2::Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))
}

async fn hash(password: String) -> ApiResult<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(ApiError::from)
}

#[derive(Deserialize)]
pub struct Login {
    email: String,
    password: String,
}

#[derive(Serialize, Deserialize)]
pub struct LoginOk {
    pub token: String,
    pub user: User,
    pub expires_at: DateTime<Utc>,
}

pub async fn login(
    State(s): State<Shared>,
    client: ClientIp,
    JsonBody(body): JsonBody<Login>,
) -> ApiResult<Json<LoginOk>> {
    let account = body.email.trim().to_lowercase();
    let _permit = s.logins.hashing()?;
    s.logins.attempt(client.key(), &account)?;
    let found = s.storage.password_hash(&account).await?;
    let hash = found
        .as_ref()
        .map_or_else(|| s.logins.dummy_hash.clone(), |(_, _, h)| h.clone());
    let matches = verify(body.password, hash).await?;
    let user = match found {
        Some((user_id, org, _)) if matches => {
            let tenant = s.tenant(&org)?;
            // An account another server just made or deactivated is known here.
            s.catch_up(&tenant).await?;
            let db = tenant.lock();
            // Deactivated accounts cannot sign in (`caller` refuses them).
            db.caller(&user_id)
                .ok()
                .and_then(|_| db.user(&user_id).ok().cloned())
        }
        _ => None,
    };
    let Some(user) = user else {
        return Err(ApiError::Unauthorized);
    };
    s.logins.succeeded(&account);
    let token = random_token::<32>();
    let now = Utc::now();
    let expires_at = now + Duration::hours(s.config.session_hours);
    s.storage
        .create_session(&NewSession {
            id: &random_token::<8>(),
            token_hash: &token_hash(&token),
            user_id: &user.id,
            created_at: now,
            expires_at,
        })
        .await?;
    Ok(Json(LoginOk {
        token,
        user,
        expires_at,
    }))
}

/// Ends the session the request came with.
pub async fn logout(State(s): State<Shared>, staff: Staff) -> ApiResult<StatusCode> {
    s.storage
        .end_session(&staff.user.id, &staff.session_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Changes the caller's password (the old one required) and ends their other sessions.
pub async fn change_password(
    State(s): State<Shared>,
    staff: Staff,
    client: ClientIp,
    JsonBody(body): JsonBody<PasswordChange>,
) -> ApiResult<StatusCode> {
    // Guessing the old password with a stolen session is throttled like sign-in.
    let account = staff.user.email.to_lowercase();
    let _permit = s.logins.hashing()?;
    s.logins.attempt(client.key(), &account)?;
    let mut e = FieldErrors::default();
    let length = body.new_password.chars().count();
    e.check(
        "new_password",
        if (MIN_PASSWORD..=MAX_PASSWORD).contains(&length) {
            Ok(())
        } else {
            Err(FieldProblem::Range)
        },
    );
    let stored = s.storage.user_password_hash(&staff.user.id).await?;
    let old_ok = match stored {
        Some(h) => verify(body.old_password, h).await?,
        None => false,
    };
    if old_ok {
        s.logins.succeeded(&account);
    } else {
        e.check("old_password", Err(FieldProblem::Range));
    }
    e.into_result().map_err(ApiError::Invalid)?;
    let new_hash = hash(body.new_password).await?;
    s.storage
        .set_password(&staff.user.id, &new_hash, Some(&staff.session_id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn sessions(State(s): State<Shared>, staff: Staff) -> ApiResult<Json<Vec<StaffSession>>> {
    let at = |secs: i64| DateTime::<Utc>::from_timestamp(secs, 0).unwrap_or_default();
    let list = s
        .storage
        .sessions_of(&staff.user.id, Utc::now())
        .await?
        .into_iter()
        .map(|(id, created, expires)| StaffSession {
            current: id == staff.session_id,
            id,
            created_at: at(created),
            expires_at: at(expires),
        })
        .collect();
    Ok(Json(list))
}

pub async fn end_session(
    State(s): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    if s.storage.end_session(&staff.user.id, &id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound("session"))
    }
}
