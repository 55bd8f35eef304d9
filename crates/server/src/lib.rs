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
use error::ApiError;
use error::ApiResult;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use lianjie_core::api::Event;
use lianjie_core::demo;
use lianjie_core::store::{Db, StoreResult};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::Arc;
use storage::{Batch, Storage, StorageError, rows_for};
use tokio::sync::{broadcast, mpsc, oneshot};

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
    /// Held only for synchronous work, never across an await.
    db: std::sync::Mutex<Db>,
    storage: Storage,
    writer: mpsc::UnboundedSender<WriteJob>,
    events: broadcast::Sender<(i64, Event)>,
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    config: Config,
}

pub type Shared = Arc<AppState>;

/// One operation's writes on their way to the writer task.
struct WriteJob {
    batch: Batch,
    event: Option<Event>,
    done: oneshot::Sender<Result<(), String>>,
}

impl AppState {
    fn lock(&self) -> std::sync::MutexGuard<'_, Db> {
        // A panic while holding the lock cannot leave a half-applied operation: the
        // store's operations validate before they change anything.
        self.db
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs a store operation under the lock and queues what it changed, in
    /// operation order, for the writer; answers once SQLite has committed it. A
    /// failed write is a 500 and the client retries (writes carry idempotency keys
    /// or are merges).
    async fn mutate<T>(
        &self,
        op: impl FnOnce(&mut Db, DateTime<Utc>) -> StoreResult<T>,
        event: impl FnOnce(&T) -> Option<Event>,
    ) -> ApiResult<T> {
        let (out, committed) = {
            let mut db = self.lock();
            let now = Utc::now();
            let out = op(&mut db, now);
            let changes = db.take_changes();
            let out = out?;
            let event = event(&out);
            let batch = Batch::new(rows_for(&db, &changes), event.as_ref(), now)?;
            (out, self.queue(batch, event)?)
        };
        Self::committed(committed).await?;
        Ok(out)
    }

    /// Replaces all data (demo reset), in the same ordered write stream as every
    /// other change so no concurrent write can land on either side of it.
    async fn replace(&self, fresh: Db, password_hash: &str) -> ApiResult<()> {
        let committed = {
            let mut db = self.lock();
            let mut batch = Batch::replace_all(&fresh, password_hash)?;
            batch.event = Batch::new(Vec::new(), Some(&Event::Reset), Utc::now())?.event;
            *db = fresh;
            self.queue(batch, Some(Event::Reset))?
        };
        Self::committed(committed).await
    }

    /// Hands a batch to the writer; call with the lock held, so batches keep the
    /// order of the operations that made them.
    fn queue(
        &self,
        batch: Batch,
        event: Option<Event>,
    ) -> ApiResult<oneshot::Receiver<Result<(), String>>> {
        let (done, committed) = oneshot::channel();
        self.writer
            .send(WriteJob { batch, event, done })
            .map_err(|_| ApiError::Internal("the database writer has stopped".into()))?;
        Ok(committed)
    }

    async fn committed(committed: oneshot::Receiver<Result<(), String>>) -> ApiResult<()> {
        committed
            .await
            .map_err(|_| ApiError::Internal("the database writer has stopped".into()))?
            .map_err(ApiError::Internal)
    }

    fn read<T>(&self, f: impl FnOnce(&Db) -> StoreResult<T>) -> ApiResult<T> {
        Ok(f(&self.lock())?)
    }
}

/// Most jobs one transaction takes: bounds the latency a single commit adds.
const MAX_BATCH: usize = 512;

/// The single writer: takes every job waiting, commits them in one transaction
/// (group commit), then announces their events in commit order.
async fn writer(
    storage: Storage,
    mut jobs: mpsc::UnboundedReceiver<WriteJob>,
    events: broadcast::Sender<(i64, Event)>,
) {
    let mut batch = Vec::new();
    while jobs.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let batches: Vec<&Batch> = batch.iter().map(|j| &j.batch).collect();
        match storage.commit(&batches).await {
            Ok(ids) => {
                for (job, id) in batch.drain(..).zip(ids) {
                    if let (Some(id), Some(event)) = (id, job.event) {
                        // No subscriber is not an error.
                        let _ = events.send((id, event));
                    }
                    let _ = job.done.send(Ok(()));
                }
            }
            Err(e) => {
                for job in batch.drain(..) {
                    let _ = job.done.send(Err(e.to_string()));
                }
            }
        }
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
            let batch = Batch::replace_all(&db, &hash_password(&config.demo_password)?)?;
            storage.commit(&[&batch]).await?;
            db
        }
    };
    let (write, jobs) = mpsc::unbounded_channel();
    let events = broadcast::channel(1024).0;
    tokio::spawn(writer(storage.clone(), jobs, events.clone()));
    let rate = NonZeroU32::new(config.public_rate_per_sec).unwrap_or(NonZeroU32::MIN);
    let state = Arc::new(AppState {
        db: std::sync::Mutex::new(db),
        storage,
        writer: write,
        events,
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
