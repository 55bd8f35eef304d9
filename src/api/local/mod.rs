//! The embedded default backend: the whole data set lives in this browser. It is held
//! in memory and persisted in IndexedDB one record per key (an operation writes only
//! the records it touched, so sending a message costs the same with 10 or 100,000
//! stored), seeded with demo data on first start. Tabs stay in step through a
//! BroadcastChannel carrying each change's records; a message posted as a tab closes
//! (a reader's last tracking snapshot) is still delivered.

use super::{Api, ApiFuture, ApiResult, EventHub, PublicApi, Subscription};
use crate::error::AppError;
use chrono::Utc;
use idb::{
    Database, DatabaseEvent as _, Factory, ObjectStoreParams, TransactionMode, TransactionResult,
};
use lianjie_core::analytics::{CardAnalytics, ContentAnalytics, ContentStats, Ranking};
use lianjie_core::api::{
    Activity, ConversationPage, ConversationQuery, ConversationUpdate, Event, InboundMessage,
    IntentPoint, NewMessage, NewShare, OpenedShare, Page, RadarItem,
};
use lianjie_core::channel::Channel;
use lianjie_core::contact::Contact;
use lianjie_core::content::Content;
use lianjie_core::demo;
use lianjie_core::inbox::{CannedReply, Conversation, Message};
use lianjie_core::people::{Card, User};
use lianjie_core::share::{LeadDetails, Share};
use lianjie_core::store::{Db, Record, StoreError, StoreResult};
use lianjie_core::tracking::Snapshot;
use serde::{Deserialize, Serialize};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;
use std::task::{Poll, Waker};
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// The IndexedDB database; one object store per [`Record::KINDS`] entry.
pub const DB_NAME: &str = "lianjie";
const DB_VERSION: u32 = 1;
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
/// The signed-in staff member in the demo: a rep, who shares and answers their own
/// customers (the support agent's view comes with sign-in on the http backend).
pub const DEMO_ME: &str = "u-wanglei";
const RADAR_LIMIT: usize = 100;

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
    /// Open once everything but the messages is loaded: enough for the lists.
    ready: Gate,
    /// Open once the messages are loaded too (they are most of the data at scale).
    full: Gate,
    note: RefCell<Option<OpenNote>>,
    hub: EventHub,
    tabs: Option<Tabs>,
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

/// Stored data as read: the records, and each unreadable one as (kind, index in its
/// store's listing, raw text).
type Loaded = (Vec<Record>, Vec<(&'static str, u32, String)>);

async fn open_idb(name: &str) -> Result<Database, idb::Error> {
    let mut request = Factory::new()?.open(name, Some(DB_VERSION))?;
    request.on_upgrade_needed(|event| {
        // Version 1 creates the stores; a later version adds its upgrade here. A failure
        // leaves stores missing, which the first transaction reports.
        if let Ok(db) = event.database() {
            let existing = db.store_names();
            for kind in Record::KINDS.into_iter().chain([UNREADABLE]) {
                if !existing.iter().any(|s| s == kind) {
                    let _ = db.create_object_store(kind, ObjectStoreParams::new());
                }
            }
        }
    });
    request.await
}

async fn read_all(db: &Database) -> Result<Loaded, idb::Error> {
    read_stores(db, &Record::KINDS).await
}

/// Documents parsed between two breaks, in which the page can paint and take input
/// (100,000 messages take about a third of a second to parse).
const PARSE_BATCH: usize = 4_000;

async fn read_stores(db: &Database, kinds: &[&'static str]) -> Result<Loaded, idb::Error> {
    // Every request first, while the transaction is alive; a break would end it.
    let tx = db.transaction(kinds, TransactionMode::ReadOnly)?;
    let mut found = Vec::with_capacity(kinds.len());
    for &kind in kinds {
        found.push((kind, tx.object_store(kind)?.get_all(None, None)?.await?));
    }
    let mut records = Vec::with_capacity(found.iter().map(|(_, docs)| docs.len()).sum());
    let mut unreadable = Vec::new();
    let mut parsed = 0;
    for (kind, docs) in found {
        for (i, doc) in docs.into_iter().enumerate() {
            let text = doc.as_string().unwrap_or_default();
            match Record::from_doc(kind, &text) {
                Ok(r) => records.push(r),
                Err(_) => unreadable.push((kind, i as u32, text)),
            }
            parsed += 1;
            if parsed % PARSE_BATCH == 0 {
                gloo_timers::future::TimeoutFuture::new(0).await;
            }
        }
    }
    Ok((records, unreadable))
}

/// [`set_aside`], and what to tell the user about it.
async fn set_aside_noting(db: &Database, unreadable: &[(&'static str, u32, String)]) -> OpenNote {
    if unreadable.is_empty() {
        return OpenNote::Loaded;
    }
    let kept = set_aside(db, unreadable).await;
    OpenNote::Recovered(format!(
        "{} unreadable record(s){}",
        unreadable.len(),
        if kept.is_ok() { "" } else { ", not moved" }
    ))
}

/// Moves unreadable records to the [`UNREADABLE`] store, out of the way of the rest.
async fn set_aside(
    db: &Database,
    unreadable: &[(&'static str, u32, String)],
) -> Result<(), idb::Error> {
    let mut stores: Vec<&str> = unreadable.iter().map(|u| u.0).collect();
    stores.push(UNREADABLE);
    stores.dedup();
    let tx = db.transaction(&stores, TransactionMode::ReadWrite)?;
    let aside = tx.object_store(UNREADABLE)?;
    for (kind, index, text) in unreadable {
        let store = tx.object_store(kind)?;
        let keys = store.get_all_keys(None, None)?.await?;
        if let Some(key) = keys.get(*index as usize) {
            let name = format!("{kind}/{}", key.as_string().unwrap_or_default());
            aside.put(&JsValue::from_str(text), Some(&JsValue::from_str(&name)))?;
            store.delete(key.clone())?;
        }
    }
    finish(tx.commit()?).await
}

async fn finish(tx: idb::Transaction) -> Result<(), idb::Error> {
    match tx.await? {
        TransactionResult::Committed => Ok(()),
        TransactionResult::Aborted => Err(idb::Error::TransactionCommitError(JsValue::from_str(
            "aborted",
        ))),
    }
}

/// Starts writing `records` now (so a write made while the page closes is already
/// on its way) and returns the wait for it to be committed. `replace` empties every
/// store first (a demo reset).
fn put_records(
    db: &Database,
    records: &[Record],
    replace: bool,
) -> Result<idb::Transaction, idb::Error> {
    let mut stores: Vec<&str> = if replace {
        Record::KINDS.to_vec()
    } else {
        records.iter().map(Record::kind).collect()
    };
    stores.sort_unstable();
    stores.dedup();
    let tx = db.transaction(&stores, TransactionMode::ReadWrite)?;
    if replace {
        for kind in &stores {
            tx.object_store(kind)?.clear()?;
        }
    }
    for record in records {
        tx.object_store(record.kind())?.put(
            &JsValue::from_str(&record.to_doc()),
            Some(&JsValue::from_str(record.key())),
        )?;
    }
    tx.commit()
}

fn storage_error(e: idb::Error) -> AppError {
    AppError::Storage(e.to_string())
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
                ready: Gate::default(),
                full: Gate::default(),
                note: RefCell::new(None),
                hub: EventHub::default(),
                tabs,
            }
        }));
        let loading = backend.clone();
        let name = name.to_owned();
        wasm_bindgen_futures::spawn_local(async move {
            let note = loading.load(&name).await;
            *loading.0.note.borrow_mut() = Some(note);
            loading.0.ready.open();
            loading.0.full.open();
        });
        backend
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
        let idb = Rc::new(idb);
        if records.iter().any(|r| matches!(r, Record::User(_))) {
            *self.0.db.borrow_mut() = Db::from_records(records);
            *self.0.idb.borrow_mut() = Some(idb.clone());
            self.0.ready.open();
            match read_stores(&idb, &[Record::MESSAGES]).await {
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
            *self.0.idb.borrow_mut() = Some(idb);
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
                Ok(db) => {
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

fn store_error(e: StoreError) -> AppError {
    match e {
        StoreError::NotFound(_) => AppError::NotFound,
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

impl PublicApi for LocalBackend {
    fn open_share(&self, token: String, own_child: Option<String>) -> ApiFuture<OpenedShare> {
        self.write(
            move |db| db.open_share(&token, random_token(), own_child.as_deref(), Utc::now()),
            |_| None,
        )
    }

    fn open_card(&self, card_id: String, own_child: Option<String>) -> ApiFuture<OpenedShare> {
        let tokens = (random_token(), random_token());
        self.write(
            move |db| db.open_card(&card_id, tokens, own_child.as_deref(), Utc::now()),
            |_| None,
        )
    }

    fn open_featured(&self, reader_token: String, content_id: String) -> ApiFuture<Share> {
        self.write(
            move |db| db.open_featured(&reader_token, &content_id, random_token(), Utc::now()),
            |_| None,
        )
    }

    fn capture_lead(&self, reader_token: String, details: LeadDetails) -> ApiFuture<()> {
        then(
            self.write(
                move |db| db.capture_lead(&reader_token, details, random_id("k"), Utc::now()),
                |(_, item)| item.clone().map(|item| Event::Radar { item }),
            ),
            |_| (),
        )
    }

    fn track(&self, snapshot: Snapshot) -> ApiFuture<()> {
        then(
            self.write(
                move |db| db.record_snapshot(&snapshot, Utc::now()),
                |item| item.clone().map(|item| Event::Radar { item }),
            ),
            |_| (),
        )
    }

    fn track_on_exit(&self, snapshot: Snapshot) {
        // The write starts when called; the page may close before it is confirmed.
        drop(self.track(snapshot));
    }

    fn web_chat(&self, token: String, message: InboundMessage) -> ApiFuture<Message> {
        then(
            self.write(
                move |db| db.web_chat(&token, message, inbound_ids(), Utc::now()),
                Event::message,
            ),
            |(_, m)| m,
        )
    }

    fn chat_messages(&self, token: String, visitor: String) -> ApiFuture<Vec<Message>> {
        self.read_full(move |db| db.visitor_messages(&token, &visitor))
    }
}

impl Api for LocalBackend {
    fn name(&self) -> &'static str {
        "local"
    }

    fn signed_in(&self) -> bool {
        true
    }

    fn sign_in(&self, _email: String, _password: String) -> ApiFuture<User> {
        self.me()
    }

    fn me(&self) -> ApiFuture<User> {
        self.read(|db| {
            db.users
                .iter()
                .find(|u| u.id == DEMO_ME)
                .cloned()
                .ok_or(StoreError::NotFound("user"))
        })
    }

    fn users(&self) -> ApiFuture<Vec<User>> {
        self.read(|db| Ok(db.users.clone()))
    }

    fn card(&self, id: String) -> ApiFuture<Card> {
        self.read(move |db| db.card(&id).cloned())
    }

    fn save_card(&self, card: Card) -> ApiFuture<Card> {
        self.write(
            move |db| db.save_card(card, Utc::now()),
            |c| Some(Event::CardSaved { card: c.clone() }),
        )
    }

    fn contents(&self) -> ApiFuture<Vec<Content>> {
        self.read(|db| Ok(db.contents_newest_first().into_iter().cloned().collect()))
    }

    fn save_content(&self, content: Content) -> ApiFuture<Content> {
        self.write(
            move |db| db.save_content(content, DEMO_ME, Utc::now()),
            |_| None,
        )
    }

    fn card_analytics(&self, card_id: String) -> ApiFuture<CardAnalytics> {
        self.read(move |db| db.card_analytics(&card_id))
    }

    fn content_analytics(&self, content_id: String) -> ApiFuture<ContentAnalytics> {
        self.read(move |db| db.content_analytics(&content_id))
    }

    fn content_ranking(&self, by: Ranking) -> ApiFuture<Vec<ContentStats>> {
        self.read(move |db| Ok(db.content_ranking(by)))
    }

    fn contacts(&self) -> ApiFuture<Vec<Contact>> {
        self.read(|db| Ok(db.live_contacts()))
    }

    fn contact(&self, id: String) -> ApiFuture<Contact> {
        self.read(move |db| db.contact(&id).cloned())
    }

    fn merge_contacts(&self, keep_id: String, other_id: String) -> ApiFuture<Contact> {
        self.write(
            move |db| db.merge_contacts(&keep_id, &other_id, Utc::now()),
            |c| Some(Event::Contact { contact: c.clone() }),
        )
    }

    fn unmerge_contact(&self, merged_id: String) -> ApiFuture<Contact> {
        self.write(
            move |db| db.unmerge_contact(&merged_id, Utc::now()),
            |c| Some(Event::Contact { contact: c.clone() }),
        )
    }

    fn timeline(&self, contact_id: String) -> ApiFuture<Vec<Activity>> {
        self.read(move |db| db.timeline(&contact_id))
    }

    fn intent_trend(&self, contact_id: String) -> ApiFuture<Vec<IntentPoint>> {
        self.read_full(move |db| {
            db.intent_trend(&contact_id, &lianjie_core::api::TREND_DAYS, Utc::now())
        })
    }

    fn canned_replies(&self) -> ApiFuture<Vec<CannedReply>> {
        self.read(|db| Ok(db.canned.clone()))
    }

    fn create_share(&self, new: NewShare) -> ApiFuture<Share> {
        // Shares are minted by the rep whose card is being shared, else by the agent.
        self.write(
            move |db| {
                let rep = match &new.target {
                    lianjie_core::share::ShareTarget::Card(id) => db.card(id)?.owner_id.clone(),
                    lianjie_core::share::ShareTarget::Content(_) => DEMO_ME.to_owned(),
                };
                db.create_share(new, &rep, random_token(), Utc::now())
            },
            |_| None,
        )
    }

    fn radar(&self) -> ApiFuture<Vec<RadarItem>> {
        self.read(|db| Ok(db.radar(RADAR_LIMIT)))
    }

    fn conversations(&self, query: ConversationQuery) -> ApiFuture<ConversationPage> {
        self.read(move |db| Ok(db.list_conversations(&query, DEMO_ME, Utc::now())))
    }

    fn messages(
        &self,
        conversation_id: String,
        cursor: Option<String>,
    ) -> ApiFuture<Page<Message>> {
        self.read_full(move |db| db.messages_page(&conversation_id, cursor.as_deref(), None))
    }

    fn send_message(&self, conversation_id: String, new: NewMessage) -> ApiFuture<Message> {
        then(
            self.write(
                move |db| {
                    db.send_message(&conversation_id, new, DEMO_ME, random_id("m"), Utc::now())
                },
                Event::message,
            ),
            |(_, m)| m,
        )
    }

    fn inbound(&self, channel: Channel, message: InboundMessage) -> ApiFuture<Message> {
        then(
            self.write(
                move |db| db.inbound(channel, message, inbound_ids(), Utc::now()),
                Event::message,
            ),
            |(_, m)| m,
        )
    }

    fn update_conversation(
        &self,
        conversation_id: String,
        update: ConversationUpdate,
    ) -> ApiFuture<Conversation> {
        self.write(
            move |db| db.update_conversation(&conversation_id, update, Utc::now()),
            |v| {
                Some(Event::Conversation {
                    conversation: v.clone(),
                })
            },
        )
    }

    fn reset_demo(&self, conversations: Option<usize>) -> ApiFuture<()> {
        self.replace(demo::reset(Utc::now(), conversations))
    }

    fn subscribe(&self, on_event: Rc<dyn Fn(&Event)>) -> Subscription {
        self.0.hub.subscribe(on_event)
    }
}
