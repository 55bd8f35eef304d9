//! Lianjie's reference backend: the `/api/v1` contract over SQLite. The domain rules
//! are `lianjie_core::store`'s, run under one lock per organization; every change is
//! written to SQLite (WAL) before it is acknowledged, and announced over SSE to the
//! staff allowed to see it.

pub mod adapters;
mod assets;
mod auth;
mod channel_auth;
mod channels;
pub mod client_addr;
mod customers;
mod deals;
mod delivery;
pub mod error;
mod events;
mod extract;
mod files;
mod held;
mod jobs;
mod leaderboard;
mod pages;
mod playbook;
mod pools;
mod public;
mod quota;
mod relay;
mod routes;
mod snoozes;
pub mod storage;
mod tasks;
mod team;
mod writer;

use argon2::password_hash::{PasswordHasher, SaltString};
use axum::Router;
use chrono::{DateTime, Utc};
use client_addr::{Cidr, ClientKey};
use error::ApiError;
use error::ApiResult;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use lianjie_core::api::Event;
use lianjie_core::demo;
use lianjie_core::store::{Db, Record, StoreResult, ViewKeys};
use std::collections::BTreeMap;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;
use storage::{Batch, Changes, Storage, StorageError, rows_for};
use tokio::sync::{Notify, broadcast, mpsc, oneshot};

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
    /// Where this server is reached from outside (`https://crm.example.com`), for
    /// the addresses it writes into messages (an email's attachments); empty, they
    /// are named in the message's text instead.
    pub public_url: String,
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
    /// How often conversations whose snooze has run out are opened again in storage.
    pub snooze_check_every: Duration,
    /// How long an organization's tallies may go unsaved while writes keep coming
    /// (never a minute idle), from 1 s to [`SAVE_TALLIES_AT_MOST_EVERY`]: a server
    /// killed then starts from the last save instead of counting every view. Each
    /// save pauses the writer (at a million views 0.3 s on SQLite, 0.7 s on
    /// PostgreSQL).
    pub save_tallies_every: Duration,
}

/// The longest [`Config::save_tallies_every`]: half the time the views' priors are
/// kept, so that a save, however late it lands, is one a start can still bring up.
pub const SAVE_TALLIES_AT_MOST_EVERY: Duration = Duration::from_secs(300);
const _: () =
    assert!(2 * SAVE_TALLIES_AT_MOST_EVERY.as_secs() as i64 == storage::PRIORS_KEPT.num_seconds());

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "lianjie.db".into(),
            dist: None,
            cors_origins: Vec::new(),
            session_hours: 12,
            public_rate_per_sec: 50,
            public_url: String::new(),
            trusted_proxies: Vec::new(),
            event_retention_days: 30,
            demo: false,
            demo_password: "lianjie-demo".into(),
            admin_email: "admin@lianjie.local".into(),
            admin_password: None,
            login_per_minute: 30,
            views_per_hour: 120,
            reader_links_per_hour: 60,
            snooze_check_every: Duration::from_secs(60),
            save_tallies_every: Duration::from_secs(300),
        }
    }
}

/// One organization's data: nothing in it reaches another organization.
pub struct Tenant {
    pub id: String,
    /// Held only for synchronous work, never across an await.
    db: std::sync::Mutex<Db>,
    /// The organization's head `db` holds everything up to (see `storage::heads`);
    /// changed only with `db` locked.
    version: AtomicI64,
    /// The newest of the organization's events the relay has sent to the streams;
    /// the copy already holds what it names, so every answer reflects it (see
    /// `extract::EventsSeen`). Written by the relay alone.
    announced: AtomicI64,
    /// The head whose tallies storage holds, as far as this server knows (saved by
    /// it, or taken back at start): a stop does not save them again.
    tallies_saved: AtomicI64,
}

impl Tenant {
    fn new(id: String, db: Db, version: i64, announced: i64) -> Tenant {
        Tenant {
            id,
            db: std::sync::Mutex::new(db),
            version: AtomicI64::new(version),
            announced: AtomicI64::new(announced),
            tallies_saved: AtomicI64::new(0),
        }
    }

    fn announced(&self) -> i64 {
        self.announced.load(Ordering::Acquire)
    }

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

    fn version(&self) -> i64 {
        self.version.load(Ordering::Acquire)
    }

    /// The copy's head while it is behind `head`: what a catch-up reads after.
    fn behind(&self, head: i64) -> Option<i64> {
        let known = self.version();
        (known < head).then_some(known)
    }

    /// Brings the copy from head `known` up to head `to` with what was read since.
    /// Changes read for a copy that has moved on meanwhile (a concurrent catch-up)
    /// are dropped, as applying them again would count their views twice; the
    /// catch-up asks [`Tenant::behind`] again and reads what is still missing.
    fn apply(&self, changes: Changes, known: i64, to: i64) {
        let reload = matches!(changes, Changes::Reload { .. });
        {
            let mut db = self.lock();
            if self.version() == known {
                let to = changes.apply(&mut db, to);
                self.version.store(to, Ordering::Release);
            } else {
                drop(changes);
            }
        }
        // One whole copy was let go (the old, or the one read again): its pages go
        // back to the system, outside the lock.
        if reload {
            return_free_memory();
        }
    }

    /// The views applying `records` from other servers reads (see `Changes`).
    fn views_for(&self, records: &[Record]) -> ViewKeys {
        self.lock().views_for_records(records)
    }

    /// The copy holds head `to`, whose operations this server ran: raised before
    /// their commit ends, so no catch-up reads them back in between (a failed
    /// commit reads the organization again, `writer::resync`).
    fn committed_at(&self, to: i64) {
        let _db = self.lock();
        self.version.fetch_max(to, Ordering::AcqRel);
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
    /// What replies leave through, and the queue's sender's wake-up call.
    senders: adapters::Senders,
    deliveries: Arc<Notify>,
    config: Config,
}

pub type Shared = Arc<AppState>;

/// What an operation leaves once it has run: its writes, and how to answer its
/// request once the commit's outcome is known.
struct Applied {
    batch: Batch,
    answer: Box<dyn FnOnce(Result<(), String>) + Send>,
}

/// An operation on one organization, run by the writer on that organization's
/// up-to-date data inside the commit that stores it: `Ok(None)` when it refused
/// (it has answered, and there is nothing to write), `Err` when what it changed
/// cannot be written (the commit fails and the organization is read again).
type Operation = Box<dyn FnOnce(&mut Db, DateTime<Utc>) -> Result<Option<Applied>, String> + Send>;

struct WriteJob {
    tenant: Arc<Tenant>,
    /// Idempotency keys of messages the operation may find already stored: the
    /// writer reads those messages in before it runs (the copy holds no others).
    message_keys: Vec<String>,
    /// The views it reads, named by the copy (see `held`): the writer reads them
    /// in before it runs.
    views: Option<held::ViewsNeeded>,
    run: Operation,
}

impl AppState {
    /// The organization `id`.
    fn tenant(&self, id: &str) -> ApiResult<Arc<Tenant>> {
        self.tenants.get(id).cloned().ok_or(ApiError::Unauthorized)
    }

    /// The organization whose data `holds` (a share token, a card id): customer links
    /// name a record, never an organization. One made by another server since this
    /// one last looked is found too.
    async fn tenant_with(&self, holds: impl Fn(&Db) -> bool) -> ApiResult<Option<Arc<Tenant>>> {
        let find = || self.tenants.values().find(|t| holds(&t.lock())).cloned();
        // Found: what the caller writes runs on current data anyway (see `mutate`);
        // a caller that reads catches up itself.
        if let Some(found) = find() {
            return Ok(Some(found));
        }
        self.catch_up_all().await?;
        Ok(find())
    }

    /// Every organization caught up, for a check across all of them.
    async fn catch_up_all(&self) -> ApiResult<()> {
        for tenant in self.tenants.values() {
            self.catch_up(tenant).await?;
        }
        Ok(())
    }

    /// Brings this server's copy of `tenant` up to what is committed, by any server:
    /// one small read when nothing changed elsewhere. Staff requests start with it,
    /// so a request answered here after another server's commit sees that commit.
    pub(crate) async fn catch_up(&self, tenant: &Tenant) -> ApiResult<()> {
        let (head, reset_at) = self.storage.head(&tenant.id).await?;
        while let Some(known) = tenant.behind(head) {
            let changes = self
                .storage
                .changes_after(&tenant.id, known, reset_at, |r| tenant.views_for(r))
                .await?;
            tenant.apply(changes, known, head);
        }
        Ok(())
    }

    /// Runs a store operation on the organization's current data, inside the commit
    /// that writes what it changed (with other requests' in one transaction: group
    /// commit), and answers once that commit is durable. A failed write is a 500
    /// and the client retries (writes carry idempotency keys or are merges).
    async fn mutate<T: Send + 'static>(
        &self,
        tenant: &Arc<Tenant>,
        op: impl FnOnce(&mut Db, DateTime<Utc>) -> StoreResult<T> + Send + 'static,
        event: impl FnOnce(&T) -> Option<Event> + Send + 'static,
    ) -> ApiResult<T> {
        self.mutate_keyed(tenant, Vec::new(), None, op, event).await
    }

    /// [`AppState::mutate`] for an operation that adds a message with idempotency
    /// key `key`: the message already stored under it, if any, is what it finds.
    async fn add_message<T: Send + 'static>(
        &self,
        tenant: &Arc<Tenant>,
        key: String,
        op: impl FnOnce(&mut Db, DateTime<Utc>) -> StoreResult<T> + Send + 'static,
        event: impl FnOnce(&T) -> Option<Event> + Send + 'static,
    ) -> ApiResult<T> {
        self.mutate_keyed(tenant, vec![key], None, op, event).await
    }

    async fn mutate_keyed<T: Send + 'static>(
        &self,
        tenant: &Arc<Tenant>,
        message_keys: Vec<String>,
        views: Option<held::ViewsNeeded>,
        op: impl FnOnce(&mut Db, DateTime<Utc>) -> StoreResult<T> + Send + 'static,
        event: impl FnOnce(&T) -> Option<Event> + Send + 'static,
    ) -> ApiResult<T> {
        let (answer, answered) = oneshot::channel::<ApiResult<T>>();
        let org = tenant.id.clone();
        let run: Operation = Box::new(move |db, now| {
            let out = op(db, now);
            let changes = db.take_changes();
            let out = match out {
                Ok(out) => out,
                Err(e) => {
                    let _ = answer.send(Err(e.into()));
                    return Ok(None);
                }
            };
            let event = event(&out);
            let batch = Batch::new(&org, rows_for(db, &changes), event.as_ref(), now)
                .map_err(|e| e.to_string())?;
            Ok(Some(Applied {
                batch,
                answer: Box::new(move |committed| {
                    let _ = answer.send(committed.map(|()| out).map_err(ApiError::Internal));
                }),
            }))
        });
        self.run(tenant, message_keys, views, run, answered).await
    }

    /// Replaces an organization's data (demo reset) with what `fresh` makes of the
    /// current one, in the same ordered stream of commits as every other change so
    /// no concurrent write can land on either side of it.
    async fn replace(
        &self,
        tenant: &Arc<Tenant>,
        fresh: impl FnOnce(&Db) -> Db + Send + 'static,
        password_hash: String,
    ) -> ApiResult<()> {
        let (answer, answered) = oneshot::channel::<ApiResult<()>>();
        let org = tenant.id.clone();
        let run: Operation = Box::new(move |db, now| {
            let fresh = fresh(db);
            let mut batch =
                Batch::replace_all(&fresh, &password_hash).map_err(|e| e.to_string())?;
            batch.event = Batch::new(&org, Vec::new(), Some(&Event::Reset), now)
                .map_err(|e| e.to_string())?
                .event;
            *db = fresh;
            db.forget_views();
            Ok(Some(Applied {
                batch,
                answer: Box::new(move |committed| {
                    let _ = answer.send(committed.map_err(ApiError::Internal));
                }),
            }))
        });
        self.run(tenant, Vec::new(), None, run, answered).await
    }

    /// Hands an operation to the writer and waits for its answer.
    async fn run<T>(
        &self,
        tenant: &Arc<Tenant>,
        message_keys: Vec<String>,
        views: Option<held::ViewsNeeded>,
        run: Operation,
        answered: oneshot::Receiver<ApiResult<T>>,
    ) -> ApiResult<T> {
        let stopped = || ApiError::Internal("the database writer has stopped".into());
        self.writer
            .send(WriteJob {
                tenant: tenant.clone(),
                message_keys,
                views,
                run,
            })
            .map_err(|_| stopped())?;
        // Dropped unanswered: the commit failed before the operation ran.
        answered.await.map_err(|_| {
            ApiError::Internal(
                "the database is not answering; nothing was stored, try again".into(),
            )
        })?
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

/// What a new database starts with.
struct FirstStart {
    /// Each organization with the password hash of its staff.
    orgs: Vec<(Db, String)>,
    /// What to print once it is stored (the admin's password, when not given).
    shown: Option<String>,
}

/// The demo organizations (demo mode), else one organization with one admin.
fn first_start(config: &Config) -> Result<FirstStart, StorageError> {
    let now = Utc::now();
    if config.demo {
        let hash = hash_password(&config.demo_password)?;
        return Ok(FirstStart {
            orgs: vec![
                (demo::seed(now), hash.clone()),
                (demo::other_org(now), hash),
            ],
            shown: None,
        });
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
        ..Default::default()
    };
    db.users.push(lianjie_core::people::User {
        id: "u-admin".into(),
        name: "Admin".into(),
        role: lianjie_core::people::Role::Admin,
        email: config.admin_email.trim().to_lowercase(),
        card_id: None,
        department_id: None,
        active: true,
        joined_at: Some(Utc::now()),
    });
    let shown = config.admin_password.is_none().then(|| {
        format!(
            "First start: created the admin {} with the password {password} \
             (shown once; change it under Settings after signing in).",
            config.admin_email
        )
    });
    Ok(FirstStart {
        orgs: vec![(db, hash_password(&password)?)],
        shown,
    })
}

/// Opens the database (seeding it on first start) and builds the whole app.
pub async fn build(config: Config) -> Result<Router, StorageError> {
    Ok(build_app(config).await?.0)
}

/// Asks the writer to save every organization's tallies (see
/// `storage/checkpoint.rs`): what a server stopping does, so its next start takes
/// them back instead of counting every view.
pub struct Saver {
    tenants: Vec<Arc<Tenant>>,
    writer: mpsc::UnboundedSender<writer::SaveTallies>,
}

impl Saver {
    /// Saves them once the writer is between commits; returns when done.
    pub async fn save(&self) {
        let (done, saved) = tokio::sync::oneshot::channel();
        let asked = writer::SaveTallies {
            tenants: self.tenants.clone(),
            done,
        };
        if self.writer.send(asked).is_ok() {
            let _ = saved.await;
        }
    }
}

/// [`build`], with what saves the tallies when the server stops.
pub async fn build_app(config: Config) -> Result<(Router, Saver), StorageError> {
    let storage = Storage::open(&config.database_url).await?;
    let mut dbs = storage.load().await?;
    if dbs.is_empty() {
        let FirstStart { orgs, shown } = first_start(&config)?;
        let batches = orgs
            .iter()
            .map(|(db, hash)| Batch::replace_all(db, hash))
            .collect::<Result<Vec<_>, _>>()?;
        // Another server may be seeding the same database this moment: one of
        // them does, and the other reads what it wrote.
        if storage.seed(&batches.iter().collect::<Vec<_>>()).await?
            && let Some(shown) = shown
        {
            println!("{shown}");
        }
        dbs = storage.load().await?;
    }
    let mut tenants = BTreeMap::new();
    for storage::Loaded { db, head, counted } in dbs {
        let id = db.org.id.clone();
        let announced = storage.last_event_id(&id).await?;
        let tenant = Tenant::new(id.clone(), db, head, announced);
        match counted {
            storage::Counted::Saved { at } if at == head => {
                println!("{id}: took back the tallies saved at head {head}");
                tenant.tallies_saved.store(head, Ordering::Release);
            }
            storage::Counted::Saved { at } => {
                println!(
                    "{id}: took back the tallies saved at head {at}, caught up to head {head}"
                );
            }
            storage::Counted::Views(n) => println!("{id}: counted {n} views"),
        }
        tenants.insert(id, Arc::new(tenant));
    }
    let (write, jobs) = mpsc::unbounded_channel();
    let (save, saves) = mpsc::unbounded_channel();
    let saver = Saver {
        tenants: tenants.values().cloned().collect(),
        writer: save,
    };
    let events = broadcast::channel(1024).0;
    let wake = Arc::new(Notify::new());
    tokio::spawn(writer::writer(
        storage.clone(),
        jobs,
        saves,
        config.save_tallies_every,
        wake.clone(),
    ));
    if let (url, storage::Dialect::Postgres) = storage::Dialect::of(&config.database_url) {
        tokio::spawn(relay::listen(url, Arc::downgrade(&wake)));
    }
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
        senders: adapters::Senders::default(),
        deliveries: Arc::new(Notify::new()),
        config,
    });
    tokio::spawn(delivery::run(
        Arc::downgrade(&state),
        state.deliveries.clone(),
    ));
    tokio::spawn(adapters::email::supervise(Arc::downgrade(&state)));
    jobs::spawn(&state);
    tokio::spawn(relay::relay(Arc::downgrade(&state), wake));
    let router = routes::router(state);
    return_free_memory();
    Ok((router, saver))
}

/// Gives the heap's free pages back to the system. A start reads every record and
/// may count every view, and a save writes a document of the tallies, through
/// buffers then dropped, and glibc's allocator keeps such pages for later until
/// told (about 30 MB at 1M messages).
pub(crate) fn return_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` takes no pointer; it only releases glibc's own free
    // pages, under its own locks.
    unsafe {
        libc::malloc_trim(0);
    }
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

    /// Changes read for a copy at one head are not applied to it once another
    /// catch-up moved it on: the records' views would be counted out as they were
    /// at the older head, and in again.
    #[test]
    fn changes_read_for_an_older_copy_are_dropped() {
        let db = demo::seed(Utc::now());
        let share = db
            .shares
            .values()
            .next()
            .cloned()
            .expect("the demo has links");
        let tenant = Tenant::new(db.org.id.clone(), Db::default(), 5, 0);
        let changes = || Changes::Records {
            records: vec![Record::Share(share.clone())],
            through: 6,
            views: Vec::new(),
        };
        tenant.apply(changes(), 4, 6);
        assert!(tenant.lock().shares.is_empty());
        assert_eq!(tenant.behind(6), Some(5));
        tenant.apply(changes(), 5, 6);
        assert_eq!(tenant.lock().shares.len(), 1);
        assert_eq!(tenant.behind(6), None);
        assert_eq!(tenant.version(), 6);
    }

    /// An organization read again whole while another server committed after the
    /// head the catch-up asked for is at the head it was read at: marked at the
    /// earlier one, the next catch-up would put those commits' records again.
    #[test]
    fn a_copy_read_again_whole_is_at_the_head_it_was_read_at() {
        let tenant = Tenant::new("lianjie".into(), Db::default(), 5, 0);
        let reload = Changes::Reload {
            db: Box::new(demo::seed(Utc::now())),
            head: 8,
        };
        tenant.apply(reload, 5, 6);
        assert_eq!(tenant.version(), 8);
        assert_eq!(tenant.behind(8), None);
    }
}
