//! The embedded default backend: the whole data set lives in this browser. It is held
//! in memory and persisted in IndexedDB one record per key (an operation writes only
//! the records it touched, so sending a message costs the same with 10 or 100,000
//! stored), seeded with demo data on first start. Tabs stay in step through a
//! BroadcastChannel carrying each change's records; a message posted as a tab closes
//! (a reader's last tracking snapshot) is still delivered.
//!
//! There are no passwords here: the browser acts as one demo staff member at a time
//! ([`ME_KEY`]), and every staff call applies that person's scope through core's
//! [`Caller`], as the server does, so each role can be tried without a server.

mod indexed;
mod ops;
mod summary;
mod upgrade;

use super::{ApiFuture, ApiResult, EventHub};
use crate::error::AppError;
use chrono::Utc;
use idb::Database;
use indexed::{
    finish, move_legacy_messages, open_idb, put_records, read_all, read_messages, read_stores,
    set_aside_noting, storage_error,
};
use lianjie_core::api::Event;
use lianjie_core::channel::Channel;
use lianjie_core::demo;
use lianjie_core::people::Role;
use lianjie_core::scope::Caller;
use lianjie_core::store::{Db, PoolRun, Record, StoreError, StoreResult};
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;
use std::task::{Poll, Waker};
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// The IndexedDB database; one object store per [`Record::KINDS`] entry.
pub const DB_NAME: &str = "lianjie";
/// Records that could not be read, kept under "kind/key" rather than dropped.
pub const UNREADABLE: &str = "unreadable";
/// Where earlier versions kept the whole data set (moved into IndexedDB on first open).
pub const LEGACY_KEY: &str = "lianjie.local.db";
/// Where an unreadable legacy data set is moved instead of being overwritten.
pub const BACKUP_KEY: &str = "lianjie.local.db.unreadable";
/// The BroadcastChannel of a database is this followed by the database's name.
pub const CHANNEL_PREFIX: &str = "lianjie.local.";
/// Above this many records a change tells other tabs to reload from the database
/// rather than carrying the records (a demo reset).
const MAX_CARRIED: usize = 200;
pub const SCHEMA: u32 = 1;
/// Who the demo acts as until someone picks another: a rep, who shares and answers
/// their own customers.
pub const DEMO_ME: &str = "u-wanglei";
/// Where this browser remembers which demo staff member it acts as (a user id).
pub const ME_KEY: &str = "lianjie.local.me";
/// How often run-out snoozes are opened again (the server's default too).
const SNOOZE_CHECK_MS: u32 = 60_000;

#[derive(Serialize, Deserialize)]
struct Envelope {
    schema: u32,
    db: Db,
}

/// Reads a data set earlier versions stored in localStorage. Anything else is an
/// error so the caller can keep the raw text aside rather than lose it.
pub fn decode(raw: &str) -> Result<Db, String> {
    let value: serde_json::Value = serde_json::from_str(raw).map_err(|e| e.to_string())?;
    let schema = value.get("schema").and_then(|s| s.as_u64()).unwrap_or(0);
    if schema != u64::from(SCHEMA) {
        return Err(format!("unknown schema {schema}"));
    }
    serde_json::from_value::<Envelope>(value)
        .map(|e| e.db)
        .map_err(|e| e.to_string())
}

/// Calls wait here until the stored data is loaded.
#[derive(Default)]
struct Gate {
    open: Cell<bool>,
    waiting: RefCell<Vec<Waker>>,
}

impl Gate {
    fn open(&self) {
        self.open.set(true);
        for w in self.waiting.take() {
            w.wake();
        }
    }

    fn wait(&self) -> impl Future<Output = ()> + '_ {
        std::future::poll_fn(move |cx| {
            if self.open.get() {
                Poll::Ready(())
            } else {
                self.waiting.borrow_mut().push(cx.waker().clone());
                Poll::Pending
            }
        })
    }
}

struct Inner {
    db: RefCell<Db>,
    idb: RefCell<Option<Rc<Database>>>,
    /// Open once IndexedDB is open (or cannot be): a conversation shown from the
    /// summary reads its messages from there before the rest has loaded.
    stored: Gate,
    /// Open once everything but the messages is loaded: enough for the lists.
    ready: Gate,
    /// Open once the messages are loaded too (they are most of the data at scale).
    full: Gate,
    note: RefCell<Option<OpenNote>>,
    hub: EventHub,
    tabs: Option<Tabs>,
    /// The staff member this browser acts as (see [`acting`]).
    me: RefCell<String>,
    summary: summary::InboxSummary,
    /// Whether the inbox was shown from [`Inner::summary`] while loading (it is read
    /// again once the data has loaded).
    summary_shown: Cell<bool>,
}

/// The other tabs on the same database, and what this tab does with their changes.
struct Tabs {
    channel: web_sys::BroadcastChannel,
    _on_message: Closure<dyn Fn(web_sys::MessageEvent)>,
}

/// A change as sent to the other tabs: its records (or `reload` when there were too
/// many to carry) and its event.
#[derive(Serialize, Deserialize)]
struct Posted {
    #[serde(default)]
    records: Vec<Record>,
    #[serde(default)]
    reload: bool,
    event: Option<Event>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(tabs) = &self.tabs {
            tabs.channel.set_onmessage(None);
            tabs.channel.close();
        }
        if let Some(db) = self.idb.get_mut().take() {
            db.close();
        }
    }
}

#[derive(Clone)]
pub struct LocalBackend(Rc<Inner>);

/// What opening the local database found, for a message to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenNote {
    Loaded,
    Seeded,
    /// Some stored data could not be read; it was kept aside (see [`UNREADABLE`],
    /// [`BACKUP_KEY`]) and the rest loaded, or demo data seeded.
    Recovered(String),
    /// No IndexedDB (private mode in some in-app browsers): data lasts for this page.
    MemoryOnly,
}

impl LocalBackend {
    /// Opens the browser's database and starts loading it; calls made meanwhile
    /// wait. [`LocalBackend::opened`] tells what loading found.
    pub fn open() -> LocalBackend {
        Self::open_named(DB_NAME)
    }

    /// [`LocalBackend::open`] on a database of another name (tests).
    pub fn open_named(name: &str) -> LocalBackend {
        let backend = LocalBackend(Rc::new_cyclic(|weak: &std::rc::Weak<Inner>| {
            let weak = weak.clone();
            // Without BroadcastChannel the tab works alone.
            let tabs = web_sys::BroadcastChannel::new(&format!("{CHANNEL_PREFIX}{name}"))
                .ok()
                .map(|channel| {
                    let on_message = Closure::<dyn Fn(web_sys::MessageEvent)>::new(
                        move |ev: web_sys::MessageEvent| {
                            let posted = ev
                                .data()
                                .as_string()
                                .and_then(|s| serde_json::from_str::<Posted>(&s).ok());
                            if let (Some(inner), Some(posted)) = (weak.upgrade(), posted) {
                                LocalBackend(inner).apply(posted);
                            }
                        },
                    );
                    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
                    Tabs {
                        channel,
                        _on_message: on_message,
                    }
                });
            Inner {
                db: RefCell::new(Db::default()),
                idb: RefCell::new(None),
                stored: Gate::default(),
                ready: Gate::default(),
                full: Gate::default(),
                note: RefCell::new(None),
                hub: EventHub::default(),
                tabs,
                me: RefCell::new(super::read_stored(ME_KEY).unwrap_or_else(|| DEMO_ME.to_owned())),
                summary: summary::InboxSummary::of(name),
                summary_shown: Cell::new(false),
            }
        }));
        let loading = backend.clone();
        let name = name.to_owned();
        wasm_bindgen_futures::spawn_local(async move {
            let note = loading.load(&name).await;
            *loading.0.note.borrow_mut() = Some(note);
            loading.0.stored.open();
            loading.open_ready();
            loading.0.full.open();
            // The pool's rules run as the data opens (the server runs them on a clock).
            let _ = loading
                .write(|db| Ok(db.run_pool_rules(Utc::now())), PoolRun::event)
                .await;
            // Snoozes that run out are opened again on a clock, as the server does,
            // while the app is open.
            let weak = Rc::downgrade(&loading.0);
            drop(loading);
            loop {
                let Some(inner) = weak.upgrade() else {
                    return;
                };
                LocalBackend(inner).wake_snoozes().await;
                gloo_timers::future::TimeoutFuture::new(SNOOZE_CHECK_MS).await;
            }
        });
        backend
    }

    /// Opens the conversations whose snooze has run out (`Db::wake_snooze`), each
    /// a write of its own with its event, so that an inbox showing open
    /// conversations reads its page again.
    async fn wake_snoozes(&self) {
        const PER_RUN: usize = 100;
        let now = Utc::now();
        let due = self.0.db.borrow().run_out_snoozes(now, PER_RUN);
        for id in due {
            let _ = self
                .write(
                    move |db| Ok(db.wake_snooze(&id, now)),
                    |woken| woken.as_ref().and_then(Event::conversation),
                )
                .await;
        }
    }

    /// Lets reads through: what is needed for the lists has loaded. An inbox shown
    /// from the summary meanwhile is told to read its page again.
    fn open_ready(&self) {
        self.0.ready.open();
        if self.0.summary_shown.replace(false) {
            self.0.hub.notify(&Event::Reset);
        }
    }

    /// What the summary answers while the data loads (see [`summary`]); the
    /// answer is read again once it has.
    fn early<T>(&self, answer: impl FnOnce(&summary::InboxSummary) -> Option<T>) -> Option<T> {
        if self.0.ready.open.get() {
            return None;
        }
        let found = answer(&self.0.summary)?;
        self.0.summary_shown.set(true);
        Some(found)
    }

    /// Who this browser acts as, from the summary while the data loads.
    fn early_known(&self) -> Option<summary::Known> {
        let me = self.me_id();
        self.early(|summary| summary.known(&me))
    }

    /// What loading found, once it has finished.
    pub async fn opened(&self) -> OpenNote {
        self.0.full.wait().await;
        self.0.note.borrow().clone().unwrap_or(OpenNote::Loaded)
    }

    /// Reads everything but the messages, opens [`Inner::ready`], then reads the
    /// messages: at 100,000 messages they are three quarters of the loading time, and
    /// the inbox list needs none of them.
    async fn load(&self, name: &str) -> OpenNote {
        let Ok(idb) = open_idb(name).await else {
            *self.0.db.borrow_mut() = demo::seed(Utc::now());
            return OpenNote::MemoryOnly;
        };
        // Messages an earlier version kept by id move to their conversations first,
        // so reading one conversation's finds them all.
        let moved = move_legacy_messages(&idb).await;
        let idb = Rc::new(idb);
        // A conversation shown from the summary reads its messages from here on.
        *self.0.idb.borrow_mut() = Some(idb.clone());
        self.0.stored.open();
        let lists: Vec<&'static str> = Record::KINDS
            .into_iter()
            .filter(|&k| k != Record::MESSAGES)
            .collect();
        let (records, unreadable) = match read_stores(&idb, &lists).await {
            Ok(found) => found,
            Err(_) => {
                *self.0.db.borrow_mut() = demo::seed(Utc::now());
                return OpenNote::MemoryOnly;
            }
        };
        // Set aside before anything else is written: the listing positions must hold.
        let mut note = set_aside_noting(&idb, &unreadable).await;
        match moved {
            Ok(0) => {}
            Ok(n) => note = OpenNote::Recovered(format!("{n} unreadable message(s)")),
            Err(e) => note = OpenNote::Recovered(format!("messages: {e}")),
        }
        if records.iter().any(|r| matches!(r, Record::User(_))) {
            let mut db = Db::from_records(records);
            // Data stored before organizations existed gets the demo's, kept from now on.
            let filled = upgrade::fill_in(&mut db);
            if !filled.is_empty()
                && let Ok(tx) = put_records(&idb, &filled, false)
            {
                let _ = finish(tx).await;
            }
            *self.0.db.borrow_mut() = db;
            self.open_ready();
            match read_messages(&idb).await {
                Ok((messages, unreadable)) => {
                    self.0
                        .db
                        .borrow_mut()
                        .add_messages(messages.into_iter().filter_map(|r| match r {
                            Record::Message(m) => Some(m),
                            _ => None,
                        }));
                    let later = set_aside_noting(&idb, &unreadable).await;
                    if note == OpenNote::Loaded {
                        note = later;
                    }
                }
                // Still stored; writes touch only their own records.
                Err(e) => note = OpenNote::Recovered(format!("messages: {e}")),
            }
        } else {
            let (db, first) = self.first_data();
            if note == OpenNote::Loaded {
                note = first;
            }
            if let Ok(tx) = put_records(&idb, &db.records(), true) {
                let _ = finish(tx).await;
            }
            *self.0.db.borrow_mut() = db;
        }
        note
    }

    /// The data a new database starts with: what earlier versions kept in
    /// localStorage (moved here, then removed there), else demo data.
    fn first_data(&self) -> (Db, OpenNote) {
        let storage = super::storage();
        let legacy = storage
            .as_ref()
            .and_then(|s| s.get_item(LEGACY_KEY).ok().flatten());
        match (storage, legacy) {
            (Some(s), Some(raw)) => match decode(&raw) {
                Ok(mut db) => {
                    upgrade::fill_in(&mut db);
                    let _ = s.remove_item(LEGACY_KEY);
                    (db, OpenNote::Loaded)
                }
                Err(why) => {
                    let _ = s.set_item(BACKUP_KEY, &raw);
                    let _ = s.remove_item(LEGACY_KEY);
                    (demo::seed(Utc::now()), OpenNote::Recovered(why))
                }
            },
            _ => (demo::seed(Utc::now()), OpenNote::Seeded),
        }
    }

    /// Another tab's change: apply its records (or reload them all), then tell our
    /// listeners. One arriving while this tab loads waits, or the load would
    /// overwrite it.
    fn apply(&self, posted: Posted) {
        if !self.0.full.open.get() {
            let this = self.clone();
            wasm_bindgen_futures::spawn_local(async move {
                this.0.full.wait().await;
                this.apply(posted);
            });
            return;
        }
        if posted.reload {
            let this = self.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let idb = this.0.idb.borrow().clone();
                if let Some(idb) = idb
                    && let Ok((records, _)) = read_all(&idb).await
                {
                    *this.0.db.borrow_mut() = Db::from_records(records);
                }
                if let Some(event) = &posted.event {
                    this.0.hub.notify(event);
                }
            });
            return;
        }
        {
            let mut db = self.0.db.borrow_mut();
            for record in posted.records {
                db.put(record);
            }
        }
        if let Some(event) = &posted.event {
            self.0.hub.notify(event);
        }
    }

    /// Runs `op` now when `gate` is open (so a call whose future is dropped, as on
    /// page exit, still happens), else once it is.
    fn when<T: 'static>(
        &self,
        gate: fn(&Inner) -> &Gate,
        op: impl FnOnce(&LocalBackend) -> ApiFuture<T> + 'static,
    ) -> ApiFuture<T> {
        if gate(&self.0).open.get() {
            return op(self);
        }
        let this = self.clone();
        Box::pin(async move {
            gate(&this.0).wait().await;
            op(&this).await
        })
    }

    /// A read that needs no messages: answered before they are loaded.
    fn read<T: 'static>(&self, f: impl FnOnce(&Db) -> StoreResult<T> + 'static) -> ApiFuture<T> {
        self.read_after(|i| &i.ready, f)
    }

    /// A read of messages, or of what is derived from them.
    fn read_full<T: 'static>(
        &self,
        f: impl FnOnce(&Db) -> StoreResult<T> + 'static,
    ) -> ApiFuture<T> {
        self.read_after(|i| &i.full, f)
    }

    fn read_after<T: 'static>(
        &self,
        gate: fn(&Inner) -> &Gate,
        f: impl FnOnce(&Db) -> StoreResult<T> + 'static,
    ) -> ApiFuture<T> {
        self.when(gate, move |this| {
            ready(f(&this.0.db.borrow()).map_err(store_error))
        })
    }

    /// The staff member this browser acts as, by id (see [`acting`]).
    fn me_id(&self) -> String {
        self.0.me.borrow().clone()
    }

    /// Acts as `user_id` in this backend only, not remembered (tests; the app
    /// switches with `Api::switch_user`, which remembers the choice).
    pub fn act_as(&self, user_id: &str) {
        user_id.clone_into(&mut self.0.me.borrow_mut());
    }

    /// A staff read (no messages needed), in the scope of whom this browser acts as.
    fn staff_read<T: 'static>(
        &self,
        f: impl FnOnce(&Db, &Caller) -> StoreResult<T> + 'static,
    ) -> ApiFuture<T> {
        let me = self.me_id();
        self.read(move |db| f(db, &acting(db, &me)?))
    }

    /// [`LocalBackend::staff_read`] of messages, or of what is derived from them.
    fn staff_read_full<T: 'static>(
        &self,
        f: impl FnOnce(&Db, &Caller) -> StoreResult<T> + 'static,
    ) -> ApiFuture<T> {
        let me = self.me_id();
        self.read_full(move |db| f(db, &acting(db, &me)?))
    }

    /// A staff write, as whom this browser acts as (see [`LocalBackend::write`]).
    fn staff_write<T: 'static>(
        &self,
        f: impl FnOnce(&mut Db, &Caller) -> StoreResult<T> + 'static,
        event: impl FnOnce(&T) -> Option<Event> + 'static,
    ) -> ApiFuture<T> {
        let me = self.me_id();
        self.write(
            move |db| {
                let caller = acting(db, &me)?;
                f(db, &caller)
            },
            event,
        )
    }

    /// Whether the staff member this browser acts as may be told of `event`: the
    /// same rule the server applies to each subscriber.
    fn may_see(&self, event: &Event) -> bool {
        let db = self.0.db.borrow();
        acting(&db, &self.0.me.borrow()).is_ok_and(|caller| db.may_see_event(&caller, event))
    }

    /// Applies an operation in memory, starts persisting exactly the records it
    /// touched and tells this tab and the others; resolves once the records are saved.
    fn write<T: 'static>(
        &self,
        f: impl FnOnce(&mut Db) -> StoreResult<T> + 'static,
        event: impl FnOnce(&T) -> Option<Event> + 'static,
    ) -> ApiFuture<T> {
        self.when(
            |i| &i.full,
            move |this| {
                let (out, records) = {
                    let mut db = this.0.db.borrow_mut();
                    let out = f(&mut db).map_err(store_error);
                    let changes = db.take_changes();
                    let records: Vec<Record> =
                        changes.iter().filter_map(|c| db.record(c)).collect();
                    (out, records)
                };
                let out = match out {
                    Ok(out) => out,
                    Err(e) => return ready(Err(e)),
                };
                let event = event(&out);
                let saving = this.persist(&records, false);
                this.post(event.as_ref(), records);
                Box::pin(async move { saving.await.map(|()| out) })
            },
        )
    }

    /// Replaces the whole data set (demo reset); other tabs reload it once saved.
    fn replace(&self, db: Db) -> ApiFuture<()> {
        self.when(
            |i| &i.full,
            move |this| {
                let records = db.records();
                *this.0.db.borrow_mut() = db;
                let saving = this.persist(&records, true);
                let this = this.clone();
                Box::pin(async move {
                    saving.await?;
                    this.post(Some(&Event::Reset), Vec::new());
                    Ok(())
                })
            },
        )
    }

    fn persist(
        &self,
        records: &[Record],
        replace: bool,
    ) -> impl Future<Output = ApiResult<()>> + 'static {
        if replace || !records.is_empty() {
            self.0.summary.forget();
        }
        let started = match self.0.idb.borrow().as_ref() {
            // Memory only: nothing to wait for.
            None => Ok(None),
            Some(_) if records.is_empty() && !replace => Ok(None),
            Some(idb) => put_records(idb, records, replace).map(Some),
        };
        async move {
            match started.map_err(storage_error)? {
                Some(tx) => finish(tx).await.map_err(storage_error),
                None => Ok(()),
            }
        }
    }

    /// Tells this tab's listeners, and other tabs through the channel.
    fn post(&self, event: Option<&Event>, records: Vec<Record>) {
        if let Some(event) = event {
            self.0.hub.notify(event);
        }
        if event.is_none() && records.is_empty() {
            return;
        }
        let reload = records.len() > MAX_CARRIED || matches!(event, Some(Event::Reset));
        let posted = Posted {
            records: if reload { Vec::new() } else { records },
            reload,
            event: event.cloned(),
        };
        if let (Some(tabs), Ok(text)) = (&self.0.tabs, serde_json::to_string(&posted)) {
            let _ = tabs.channel.post_message(&JsValue::from_str(&text));
        }
    }
}

/// The caller this browser acts as: the chosen staff member while they are active;
/// else (deactivated from another tab, or gone after a reset) the demo's rep, else an
/// active admin, so the demo never locks itself out. `Api::me` tells who it is.
fn acting(db: &Db, wanted: &str) -> StoreResult<Caller> {
    db.caller(wanted)
        .or_else(|_| db.caller(DEMO_ME))
        .or_else(|_| {
            let admin = db.users.iter().find(|u| u.active && u.role == Role::Admin);
            db.caller(admin.map_or("", |u| u.id.as_str()))
        })
}

fn store_error(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound(_) => AppError::NotFound,
        StoreError::Forbidden(_) => AppError::Forbidden,
        StoreError::Invalid(fields) => AppError::Invalid(fields),
    }
}

/// 128 random bits as 32 hex characters: unguessable share tokens.
pub fn random_token() -> String {
    random_hex::<16>()
}

/// Fresh ids for a contact, conversation and message an inbound message may create.
fn inbound_ids() -> [String; 3] {
    [random_id("k"), random_id("v"), random_id("m")]
}

/// A channel adapter's secret: 256 random bits, as on the server.
fn key_secret(channel: Channel) -> String {
    let mut secret = random_hex::<32>();
    secret.truncate(lianjie_core::adapter::secret_chars(channel));
    secret
}

fn random_id(prefix: &str) -> String {
    format!("{prefix}-{}", random_hex::<8>())
}

fn random_hex<const N: usize>() -> String {
    let mut bytes = [0u8; N];
    // The browser's crypto.getRandomValues does not fail for small buffers; fall back
    // to the clock so an id is still produced if it ever does.
    if getrandom::fill(&mut bytes).is_err() {
        let t = js_sys::Date::now().to_bits().to_le_bytes();
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = t[i % 8] ^ (js_sys::Math::random() * 256.0) as u8;
        }
    }
    lianjie_core::ids::hex(&bytes)
}

fn ready<T: 'static>(value: ApiResult<T>) -> ApiFuture<T> {
    Box::pin(std::future::ready(value))
}

fn then<T: 'static, U: 'static>(f: ApiFuture<T>, g: impl FnOnce(T) -> U + 'static) -> ApiFuture<U> {
    Box::pin(async move { f.await.map(g) })
}
