//! Lianjie's reference backend: the `/api/v1` contract over SQLite. The domain rules
//! are `lianjie_core::store`'s, run under one lock per organization; every change is
//! written to SQLite (WAL) before it is acknowledged, and announced over SSE to the
//! staff allowed to see it.

mod auth;
mod channel_auth;
mod channels;
pub mod client_addr;
pub mod error;
mod extract;
mod pages;
mod public;
mod quota;
mod routes;
pub mod storage;
mod team;

use argon2::password_hash::{PasswordHasher, SaltString};
use axum::Router;
use chrono::{DateTime, Utc};
use client_addr::{Cidr, ClientKey};
use error::ApiError;
use error::ApiResult;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use lianjie_core::api::Event;
use lianjie_core::demo;
use lianjie_core::store::{Db, StoreResult};
use std::collections::BTreeMap;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::{Arc, Weak};
use std::time::Duration;
use storage::{Batch, Storage, StorageError, rows_for};
use tokio::sync::{broadcast, mpsc, oneshot};

/// Everything configurable, read from the environment by `main`.
#[derive(Clone, Debug)]
pub struct Config {
    /// The database: `postgres://…`, or SQLite as a file path, `sqlite://…` or
    /// `:memory:` (see [`storage::Dialect::of`]).
    pub database_url: String,
    /// The built app (`dist/`) to serve, with SPA fallback; none for API only.
    pub dist: Option<PathBuf>,
    /// Origins allowed to call the API from a browser (the app hosted elsewhere).
    pub cors_origins: Vec<String>,
    pub session_hours: i64,
    /// Sustained requests per second per client on the public endpoints.
    pub public_rate_per_sec: u32,
    /// Reverse proxies whose `X-Forwarded-For` names the client; nobody else's is
    /// believed. Empty: the socket peer is the client.
    pub trusted_proxies: Vec<Cidr>,
    /// Days the event log (SSE resume) keeps an event; 0 keeps them all.
    pub event_retention_days: u32,
    /// Demo mode (`LIANJIE_DEMO=1`): a new database is seeded with the demo
    /// organizations, every seeded account's password is `demo_password`, and admins
    /// may reset the demo. Off, a new database starts with one admin alone.
    pub demo: bool,
    /// Every seeded staff account's password on first start, in demo mode.
    pub demo_password: String,
    /// The first admin's email on a new database outside demo mode.
    pub admin_email: String,
    /// The first admin's password; random (printed once) when not given.
    pub admin_password: Option<String>,
    /// Sign-in attempts per minute from one client address.
    pub login_per_minute: u32,
    /// View sessions (opens of a customer page) one client may start per rep's link
    /// (forwards down its chain included) per hour: each is a stored record.
    pub views_per_hour: u32,
    /// New readers' own links one client may mint per rep's link per hour (a
    /// returning reader keeps theirs).
    pub reader_links_per_hour: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "lianjie.db".into(),
            dist: None,
            cors_origins: Vec::new(),
            session_hours: 12,
            public_rate_per_sec: 50,
            trusted_proxies: Vec::new(),
            event_retention_days: 30,
            demo: false,
            demo_password: "lianjie-demo".into(),
            admin_email: "admin@lianjie.local".into(),
            admin_password: None,
            login_per_minute: 30,
            views_per_hour: 120,
            reader_links_per_hour: 60,
        }
    }
}

/// One organization's data: nothing in it reaches another organization.
pub struct Tenant {
    pub id: String,
    /// Held only for synchronous work, never across an await.
    db: std::sync::Mutex<Db>,
}

impl Tenant {
    fn lock(&self) -> std::sync::MutexGuard<'_, Db> {
        // A panic while holding the lock cannot leave a half-applied operation: the
        // store's operations validate before they change anything.
        self.db
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn read<T>(&self, f: impl FnOnce(&Db) -> StoreResult<T>) -> ApiResult<T> {
        Ok(f(&self.lock())?)
    }
}

/// An event as committed: its log id, organization, and what happened.
pub type Logged = (i64, String, Event);

pub struct AppState {
    /// Every organization, by id; fixed once the server has started.
    tenants: BTreeMap<String, Arc<Tenant>>,
    storage: Storage,
    writer: mpsc::UnboundedSender<WriteJob>,
    events: broadcast::Sender<Logged>,
    limiter: DefaultKeyedRateLimiter<ClientKey>,
    /// Per client and link: view sessions issued, readers' links minted.
    opens: quota::OpenQuotas,
    logins: auth::LoginGuard,
    /// Adapter signatures accepted within the replay window.
    replays: channel_auth::ReplayGuard,
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
    /// The organization `id`.
    fn tenant(&self, id: &str) -> ApiResult<Arc<Tenant>> {
        self.tenants.get(id).cloned().ok_or(ApiError::Unauthorized)
    }

    /// The organization whose data `holds` (a share token, a card id): customer links
    /// name a record, never an organization.
    fn tenant_with(&self, holds: impl Fn(&Db) -> bool) -> Option<Arc<Tenant>> {
        self.tenants.values().find(|t| holds(&t.lock())).cloned()
    }

    /// Runs a store operation under the tenant's lock and queues what it changed, in
    /// operation order, for the writer; answers once SQLite has committed it. A
    /// failed write is a 500 and the client retries (writes carry idempotency keys
    /// or are merges).
    async fn mutate<T>(
        &self,
        tenant: &Tenant,
        op: impl FnOnce(&mut Db, DateTime<Utc>) -> StoreResult<T>,
        event: impl FnOnce(&T) -> Option<Event>,
    ) -> ApiResult<T> {
        let (out, committed) = {
            let mut db = tenant.lock();
            let now = Utc::now();
            let out = op(&mut db, now);
            let changes = db.take_changes();
            let out = out?;
            let event = event(&out);
            let batch = Batch::new(&tenant.id, rows_for(&db, &changes), event.as_ref(), now)?;
            (out, self.queue(batch, event)?)
        };
        Self::committed(committed).await?;
        Ok(out)
    }

    /// Replaces an organization's data (demo reset), in the same ordered write stream
    /// as every other change so no concurrent write can land on either side of it.
    async fn replace(&self, tenant: &Tenant, fresh: Db, password_hash: &str) -> ApiResult<()> {
        let committed = {
            let mut db = tenant.lock();
            let mut batch = Batch::replace_all(&fresh, password_hash)?;
            batch.event =
                Batch::new(&tenant.id, Vec::new(), Some(&Event::Reset), Utc::now())?.event;
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
}

/// Most jobs one transaction takes: bounds the latency a single commit adds.
const MAX_BATCH: usize = 512;

/// The single writer: takes every job waiting, commits them in one transaction
/// (group commit), then announces their events in commit order.
async fn writer(
    storage: Storage,
    tenants: BTreeMap<String, Arc<Tenant>>,
    mut jobs: mpsc::UnboundedReceiver<WriteJob>,
    events: broadcast::Sender<Logged>,
) {
    let mut batch = Vec::new();
    loop {
        if batch.is_empty() && jobs.recv_many(&mut batch, MAX_BATCH).await == 0 {
            return;
        }
        let batches: Vec<&Batch> = batch.iter().map(|j| &j.batch).collect();
        match storage.commit(&batches).await {
            Ok(ids) => {
                for (job, id) in batch.drain(..).zip(ids) {
                    if let (Some(id), Some(event)) = (id, job.event) {
                        // No subscriber is not an error.
                        let _ = events.send((id, job.batch.org.clone(), event));
                    }
                    let _ = job.done.send(Ok(()));
                }
            }
            Err(e) => {
                let failed: std::collections::BTreeSet<String> =
                    batch.iter().map(|j| j.batch.org.clone()).collect();
                // Answered only once memory agrees with the database again, so the
                // client's next read cannot see what failed.
                let next = resync(&storage, &tenants, &failed, &mut jobs).await;
                for job in std::mem::replace(&mut batch, next) {
                    let _ = job.done.send(Err(e.to_string()));
                }
            }
        }
    }
}

/// After a failed commit, the failed organizations' memory holds changes the
/// database does not: it is read again from the database, and every job already
/// queued for them (made from those changes) fails too, so nothing is half-applied
/// anywhere and a retry starts from what is stored. Returns the other
/// organizations' queued jobs, to commit next. Waits for the database as long as it
/// takes: serving from memory that disagrees with it would be worse.
async fn resync(
    storage: &Storage,
    tenants: &BTreeMap<String, Arc<Tenant>>,
    failed: &std::collections::BTreeSet<String>,
    jobs: &mut mpsc::UnboundedReceiver<WriteJob>,
) -> Vec<WriteJob> {
    for tenant in failed.iter().filter_map(|org| tenants.get(org)) {
        let fresh = loop {
            match storage.load_org(&tenant.id).await {
                Ok(db) => break db,
                Err(e) => {
                    eprintln!("reloading {} after a failed commit: {e}", tenant.id);
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        };
        *tenant.lock() = fresh;
    }
    // Jobs are queued under their tenant's lock, so every job made from the old
    // memory is already waiting here (a few made since fail needlessly, and are
    // retried like the rest).
    let mut others = Vec::new();
    while let Ok(job) = jobs.try_recv() {
        if failed.contains(&job.batch.org) {
            let _ = job.done.send(Err(
                "an earlier write failed, so this one was not stored; try again".into(),
            ));
        } else {
            others.push(job);
        }
    }
    others
}

/// How often idle rate-limit entries are dropped and old events deleted.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(60);
/// Most events one housekeeping run deletes, so it never holds the database long.
const RETENTION_BATCH: i64 = 10_000;

/// Runs every [`HOUSEKEEPING_EVERY`] while the app lives: forgets clients whose rate
/// limits have fully recovered (keyed limiters otherwise keep every client ever
/// seen) and deletes events older than the retention period.
async fn housekeeping(state: Weak<AppState>) {
    let mut every = tokio::time::interval(HOUSEKEEPING_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let Some(state) = state.upgrade() else {
            return;
        };
        state.limiter.retain_recent();
        state.limiter.shrink_to_fit();
        state.opens.sweep();
        state.logins.sweep();
        if let Some(cutoff) = retention_cutoff(state.config.event_retention_days, Utc::now())
            && let Err(e) = state
                .storage
                .delete_events_before(cutoff, RETENTION_BATCH)
                .await
        {
            eprintln!("event log retention: {e}");
        }
    }
}

/// Events logged before this are past a retention of `days` (0: kept for ever, as
/// is everything when the period reaches back past the calendar).
fn retention_cutoff(days: u32, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if days == 0 {
        return None;
    }
    chrono::Duration::try_days(days.into()).and_then(|period| now.checked_sub_signed(period))
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

/// What a new database starts with: the demo organizations (demo mode), else one
/// organization with one admin, whose password is printed once when it was not given.
fn first_start(config: &Config) -> Result<Vec<(Db, String)>, StorageError> {
    let now = Utc::now();
    if config.demo {
        let hash = hash_password(&config.demo_password)?;
        return Ok(vec![
            (demo::seed(now), hash.clone()),
            (demo::other_org(now), hash),
        ]);
    }
    let password = config
        .admin_password
        .clone()
        .unwrap_or_else(random_token::<12>);
    let mut db = Db::default();
    db.org = lianjie_core::team::Organization {
        id: "main".into(),
        name: "Lianjie".into(),
        departments: Vec::new(),
    };
    db.users.push(lianjie_core::people::User {
        id: "u-admin".into(),
        name: "Admin".into(),
        role: lianjie_core::people::Role::Admin,
        email: config.admin_email.trim().to_lowercase(),
        card_id: None,
        department_id: None,
        active: true,
    });
    if config.admin_password.is_none() {
        println!(
            "First start: created the admin {} with the password {password} \
             (shown once; change it under Settings after signing in).",
            config.admin_email
        );
    }
    Ok(vec![(db, hash_password(&password)?)])
}

/// Opens the database (seeding it on first start) and builds the whole app.
pub async fn build(config: Config) -> Result<Router, StorageError> {
    let storage = Storage::open(&config.database_url).await?;
    let mut dbs = storage.load().await?;
    if dbs.is_empty() {
        for (db, hash) in first_start(&config)? {
            let batch = Batch::replace_all(&db, &hash)?;
            storage.commit(&[&batch]).await?;
            dbs.push(db);
        }
    }
    let tenants: BTreeMap<String, Arc<Tenant>> = dbs
        .into_iter()
        .map(|db| {
            let id = db.org.id.clone();
            let tenant = Tenant {
                id: id.clone(),
                db: std::sync::Mutex::new(db),
            };
            (id, Arc::new(tenant))
        })
        .collect();
    let (write, jobs) = mpsc::unbounded_channel();
    let events = broadcast::channel(1024).0;
    tokio::spawn(writer(
        storage.clone(),
        tenants.clone(),
        jobs,
        events.clone(),
    ));
    let rate = NonZeroU32::new(config.public_rate_per_sec).unwrap_or(NonZeroU32::MIN);
    let logins = auth::LoginGuard::new(config.login_per_minute);
    let state = Arc::new(AppState {
        tenants,
        storage,
        writer: write,
        events,
        limiter: RateLimiter::keyed(
            Quota::per_second(rate)
                .allow_burst(rate.saturating_mul(NonZeroU32::new(2).unwrap_or(NonZeroU32::MIN))),
        ),
        opens: quota::OpenQuotas::new(config.views_per_hour, config.reader_links_per_hour),
        logins,
        replays: channel_auth::ReplayGuard::default(),
        config,
    });
    tokio::spawn(housekeeping(Arc::downgrade(&state)));
    Ok(routes::router(state))
}

/// Random URL-safe token of `N` bytes (16 bytes = 128 bits for share tokens).
fn random_token<const N: usize>() -> String {
    let mut bytes = [0u8; N];
    // The OS random source failing is unrecoverable for security tokens.
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    lianjie_core::ids::hex(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_cutoff_is_days_back_and_zero_keeps_everything() {
        let now = Utc::now();
        assert_eq!(
            retention_cutoff(30, now),
            Some(now - chrono::Duration::days(30))
        );
        assert_eq!(retention_cutoff(0, now), None);
        assert_eq!(retention_cutoff(u32::MAX, now), None);
    }
}
