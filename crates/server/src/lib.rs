//! Lianjie's reference backend: the `/api/v1` contract over SQLite. The domain rules
//! are `lianjie_core::store`'s, run under one lock; every change is written to SQLite
//! (WAL) before it is acknowledged, and announced to staff over SSE.

pub mod error;
mod extract;
mod routes;
pub mod storage;

use argon2::password_hash::{PasswordHasher, SaltString};
use axum::Router;
use chrono::{DateTime, Utc};
use error::ApiResult;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use lianjie_core::api::Event;
use lianjie_core::demo;
use lianjie_core::store::{Db, StoreResult};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::Arc;
use storage::{Storage, StorageError};
use tokio::sync::{Mutex, broadcast};

/// Everything configurable, read from the environment by `main`.
#[derive(Clone, Debug)]
pub struct Config {
    /// SQLite file, or `:memory:`.
    pub db_path: String,
    /// The built app (`dist/`) to serve, with SPA fallback; none for API only.
    pub dist: Option<PathBuf>,
    /// Origins allowed to call the API from a browser (the app hosted elsewhere).
    pub cors_origins: Vec<String>,
    pub session_hours: i64,
    /// Sustained requests per second per client on the public endpoints.
    pub public_rate_per_sec: u32,
    /// Every seeded staff account's password on first start.
    pub demo_password: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            db_path: "lianjie.db".into(),
            dist: None,
            cors_origins: Vec::new(),
            session_hours: 12,
            public_rate_per_sec: 50,
            demo_password: "lianjie-demo".into(),
        }
    }
}

pub struct AppState {
    db: Mutex<Db>,
    storage: Storage,
    events: broadcast::Sender<(i64, Event)>,
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    config: Config,
}

pub type Shared = Arc<AppState>;

impl AppState {
    /// Runs a store operation under the lock, persists what it changed together with
    /// its event, and only then announces the event. A failed write is a 500 and the
    /// client retries (writes carry idempotency keys or are merges).
    async fn mutate<T>(
        &self,
        op: impl FnOnce(&mut Db, DateTime<Utc>) -> StoreResult<T>,
        event: impl FnOnce(&T) -> Option<Event>,
    ) -> ApiResult<T> {
        let now = Utc::now();
        let mut db = self.db.lock().await;
        let out = op(&mut db, now);
        let changes = db.take_changes();
        let out = out?;
        let ev = event(&out);
        let id = self
            .storage
            .persist(&db, &changes, ev.as_ref(), now)
            .await?;
        drop(db);
        if let (Some(id), Some(ev)) = (id, ev) {
            // No subscriber is not an error.
            let _ = self.events.send((id, ev));
        }
        Ok(out)
    }

    async fn read<T>(&self, f: impl FnOnce(&Db) -> StoreResult<T>) -> ApiResult<T> {
        Ok(f(&*self.db.lock().await)?)
    }
}

pub fn hash_password(password: &str) -> Result<String, StorageError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("the operating system's random source failed");
    let salt = SaltString::encode_b64(&salt)
        .map_err(|e| StorageError::Sql(sqlx::Error::Protocol(e.to_string())))?;
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StorageError::Sql(sqlx::Error::Protocol(e.to_string())))
}

/// Opens the database (seeding demo data on first start) and builds the whole app.
pub async fn build(config: Config) -> Result<Router, StorageError> {
    let storage = Storage::open(&config.db_path).await?;
    let db = match storage.load().await? {
        Some(db) => db,
        None => {
            let db = demo::seed(Utc::now());
            storage
                .replace_all(&db, &hash_password(&config.demo_password)?)
                .await?;
            db
        }
    };
    let rate = NonZeroU32::new(config.public_rate_per_sec).unwrap_or(NonZeroU32::MIN);
    let state = Arc::new(AppState {
        db: Mutex::new(db),
        storage,
        events: broadcast::channel(1024).0,
        limiter: RateLimiter::keyed(
            Quota::per_second(rate)
                .allow_burst(rate.saturating_mul(NonZeroU32::new(2).unwrap_or(NonZeroU32::MIN))),
        ),
        config,
    });
    Ok(routes::router(state))
}

/// Random URL-safe token of `N` bytes (16 bytes = 128 bits for share tokens).
fn random_token<const N: usize>() -> String {
    let mut bytes = [0u8; N];
    // The OS random source failing is unrecoverable for security tokens.
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    lianjie_core::ids::hex(&bytes)
}
