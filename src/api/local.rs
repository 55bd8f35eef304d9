//! The embedded default backend: the whole data set lives in this browser, persisted
//! in localStorage under a versioned envelope, seeded with demo data on first start,
//! and kept in step across tabs through storage events, so a rep's tab sees a
//! customer's tab read and write. (Storage events, unlike a BroadcastChannel message,
//! are delivered even when the writing tab closes right after writing — which is
//! exactly when a reader's last tracking snapshot is written.)

use super::{Api, ApiFuture, ApiResult, EventHub, PublicApi, Subscription};
use crate::error::AppError;
use chrono::Utc;
use lianjie_core::analytics::{CardAnalytics, ContentAnalytics, ContentStats, Ranking};
use lianjie_core::api::{
    Activity, ConversationQuery, ConversationUpdate, Event, InboundMessage, IntentPoint,
    NewMessage, NewShare, OpenedShare, Page, RadarItem,
};
use lianjie_core::channel::Channel;
use lianjie_core::contact::Contact;
use lianjie_core::content::Content;
use lianjie_core::demo;
use lianjie_core::inbox::{CannedReply, Conversation, Message};
use lianjie_core::people::{Card, User};
use lianjie_core::share::{LeadDetails, Share};
use lianjie_core::store::{Db, StoreError, StoreResult};
use lianjie_core::tracking::Snapshot;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

pub const DB_KEY: &str = "lianjie.local.db";
/// Where an unreadable database is moved instead of being overwritten.
pub const BACKUP_KEY: &str = "lianjie.local.db.unreadable";
/// The latest event, rewritten on every change; other tabs get it as a `storage` event.
pub const EVENT_KEY: &str = "lianjie.local.event";
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

/// Reads a stored envelope, upgrading older schemas. Anything else is an error so the
/// caller can keep the raw text aside rather than lose it.
pub fn decode(raw: &str) -> Result<Db, String> {
    let value: serde_json::Value = serde_json::from_str(raw).map_err(|e| e.to_string())?;
    let schema = value.get("schema").and_then(|s| s.as_u64()).unwrap_or(0);
    if schema != u64::from(SCHEMA) {
        // Version 1 is the first released schema; a later one adds its upgrade here.
        return Err(format!("unknown schema {schema}"));
    }
    serde_json::from_value::<Envelope>(value)
        .map(|e| e.db)
        .map_err(|e| e.to_string())
}

pub fn encode(db: &Db) -> String {
    // Serializing plain data structures into a String cannot fail.
    serde_json::to_string(&Envelope {
        schema: SCHEMA,
        db: db.clone(),
    })
    .unwrap_or_default()
}

struct Inner {
    db: RefCell<Db>,
    /// The stored text `db` was last loaded from or saved as, to skip re-parsing.
    stored: RefCell<String>,
    storage: Option<web_sys::Storage>,
    hub: EventHub,
    _on_storage: Option<Closure<dyn Fn(web_sys::StorageEvent)>>,
}

/// What goes under [`EVENT_KEY`]: the nonce makes every write a change, so a repeated
/// event still fires.
#[derive(Serialize, Deserialize)]
struct Posted {
    nonce: String,
    event: Event,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let (Some(w), Some(cb)) = (web_sys::window(), &self._on_storage) {
            let _ = w.remove_event_listener_with_callback("storage", cb.as_ref().unchecked_ref());
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
    /// Stored data could not be read; it was kept under [`BACKUP_KEY`] and demo data
    /// was seeded.
    Recovered(String),
    /// No storage (private mode in some in-app browsers): data lasts for this page only.
    MemoryOnly,
}

impl LocalBackend {
    pub fn open() -> (LocalBackend, OpenNote) {
        let storage = super::storage();
        let raw = storage
            .as_ref()
            .and_then(|s| s.get_item(DB_KEY).ok().flatten());
        let (db, note) = match (&storage, raw) {
            (None, _) => (demo::seed(Utc::now()), OpenNote::MemoryOnly),
            (Some(_), None) => (demo::seed(Utc::now()), OpenNote::Seeded),
            (Some(s), Some(raw)) => match decode(&raw) {
                Ok(db) => (db, OpenNote::Loaded),
                Err(why) => {
                    let _ = s.set_item(BACKUP_KEY, &raw);
                    (demo::seed(Utc::now()), OpenNote::Recovered(why))
                }
            },
        };
        let hub = EventHub::default();
        let backend = LocalBackend(Rc::new_cyclic(|weak: &std::rc::Weak<Inner>| {
            let weak = weak.clone();
            let on_storage =
                Closure::<dyn Fn(web_sys::StorageEvent)>::new(move |ev: web_sys::StorageEvent| {
                    let Some(inner) = weak.upgrade() else { return };
                    if ev.key().as_deref() != Some(EVENT_KEY) {
                        return;
                    }
                    // Another tab changed the data: reload, then tell our listeners.
                    LocalBackend(inner.clone()).reload();
                    let posted = ev
                        .new_value()
                        .and_then(|s| serde_json::from_str::<Posted>(&s).ok());
                    if let Some(posted) = posted {
                        inner.hub.notify(&posted.event);
                    }
                });
            let listening = web_sys::window().is_some_and(|w| {
                w.add_event_listener_with_callback("storage", on_storage.as_ref().unchecked_ref())
                    .is_ok()
            });
            Inner {
                db: RefCell::new(db),
                stored: RefCell::new(String::new()),
                storage,
                hub,
                _on_storage: listening.then_some(on_storage),
            }
        }));
        if note != OpenNote::Loaded {
            backend.save();
        }
        (backend, note)
    }

    /// Picks up writes other tabs made since we last looked.
    fn reload(&self) {
        let Some(storage) = &self.0.storage else {
            return;
        };
        let Ok(Some(raw)) = storage.get_item(DB_KEY) else {
            return;
        };
        if *self.0.stored.borrow() == raw {
            return;
        }
        if let Ok(db) = decode(&raw) {
            *self.0.db.borrow_mut() = db;
            *self.0.stored.borrow_mut() = raw;
        }
    }

    fn save(&self) {
        let text = encode(&self.0.db.borrow());
        if let Some(storage) = &self.0.storage
            && storage.set_item(DB_KEY, &text).is_ok()
        {
            *self.0.stored.borrow_mut() = text;
        }
    }

    fn read<T>(&self, f: impl FnOnce(&Db) -> StoreResult<T>) -> ApiResult<T> {
        self.reload();
        f(&self.0.db.borrow()).map_err(store_error)
    }

    /// Read-modify-write against the latest stored data, then persist and announce.
    fn write<T>(
        &self,
        f: impl FnOnce(&mut Db) -> StoreResult<T>,
        event: impl FnOnce(&T) -> Option<Event>,
    ) -> ApiResult<T> {
        self.reload();
        let out = {
            let mut db = self.0.db.borrow_mut();
            let out = f(&mut db).map_err(store_error);
            // localStorage holds the whole set, so the change list is not needed here.
            db.changes.clear();
            out?
        };
        self.save();
        if let Some(event) = event(&out) {
            self.emit(&event);
        }
        Ok(out)
    }

    fn emit(&self, event: &Event) {
        self.0.hub.notify(event);
        let posted = Posted {
            nonce: random_token(),
            event: event.clone(),
        };
        if let (Some(storage), Ok(text)) = (&self.0.storage, serde_json::to_string(&posted)) {
            let _ = storage.set_item(EVENT_KEY, &text);
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

impl PublicApi for LocalBackend {
    fn open_share(&self, token: String, own_child: Option<String>) -> ApiFuture<OpenedShare> {
        ready(self.write(
            |db| db.open_share(&token, random_token(), own_child.as_deref(), Utc::now()),
            |_| None,
        ))
    }

    fn open_card(&self, card_id: String, own_child: Option<String>) -> ApiFuture<OpenedShare> {
        let tokens = (random_token(), random_token());
        ready(self.write(
            |db| db.open_card(&card_id, tokens, own_child.as_deref(), Utc::now()),
            |_| None,
        ))
    }

    fn open_featured(&self, reader_token: String, content_id: String) -> ApiFuture<Share> {
        ready(self.write(
            |db| db.open_featured(&reader_token, &content_id, random_token(), Utc::now()),
            |_| None,
        ))
    }

    fn capture_lead(&self, reader_token: String, details: LeadDetails) -> ApiFuture<()> {
        ready(
            self.write(
                |db| db.capture_lead(&reader_token, details, random_id("k"), Utc::now()),
                |(_, item)| item.clone().map(|item| Event::Radar { item }),
            )
            .map(|_| ()),
        )
    }

    fn track(&self, snapshot: Snapshot) -> ApiFuture<()> {
        ready(
            self.write(
                |db| db.record_snapshot(&snapshot, Utc::now()),
                |item| item.clone().map(|item| Event::Radar { item }),
            )
            .map(|_| ()),
        )
    }

    fn track_on_exit(&self, snapshot: Snapshot) {
        // Local writes happen when called, so there is nothing left to wait for.
        drop(self.track(snapshot));
    }

    fn web_chat(&self, token: String, message: InboundMessage) -> ApiFuture<Message> {
        ready(
            self.write(
                |db| db.web_chat(&token, message, inbound_ids(), Utc::now()),
                Event::message,
            )
            .map(|(_, m)| m),
        )
    }

    fn chat_messages(&self, token: String, visitor: String) -> ApiFuture<Vec<Message>> {
        ready(self.read(|db| db.visitor_messages(&token, &visitor)))
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
        ready(self.read(|db| {
            db.users
                .iter()
                .find(|u| u.id == DEMO_ME)
                .cloned()
                .ok_or(StoreError::NotFound("user"))
        }))
    }

    fn users(&self) -> ApiFuture<Vec<User>> {
        ready(self.read(|db| Ok(db.users.clone())))
    }

    fn card(&self, id: String) -> ApiFuture<Card> {
        ready(self.read(|db| db.card(&id).cloned()))
    }

    fn save_card(&self, card: Card) -> ApiFuture<Card> {
        ready(self.write(
            |db| db.save_card(card, Utc::now()),
            |c| Some(Event::CardSaved { card: c.clone() }),
        ))
    }

    fn contents(&self) -> ApiFuture<Vec<Content>> {
        ready(self.read(|db| Ok(db.contents_newest_first().into_iter().cloned().collect())))
    }

    fn save_content(&self, content: Content) -> ApiFuture<Content> {
        ready(self.write(|db| db.save_content(content, DEMO_ME, Utc::now()), |_| None))
    }

    fn card_analytics(&self, card_id: String) -> ApiFuture<CardAnalytics> {
        ready(self.read(|db| db.card_analytics(&card_id)))
    }

    fn content_analytics(&self, content_id: String) -> ApiFuture<ContentAnalytics> {
        ready(self.read(|db| db.content_analytics(&content_id)))
    }

    fn content_ranking(&self, by: Ranking) -> ApiFuture<Vec<ContentStats>> {
        ready(self.read(|db| Ok(db.content_ranking(by))))
    }

    fn contacts(&self) -> ApiFuture<Vec<Contact>> {
        ready(self.read(|db| Ok(db.contacts.values().cloned().collect())))
    }

    fn timeline(&self, contact_id: String) -> ApiFuture<Vec<Activity>> {
        ready(self.read(|db| db.timeline(&contact_id)))
    }

    fn intent_trend(&self, contact_id: String) -> ApiFuture<Vec<IntentPoint>> {
        ready(
            self.read(|db| {
                db.intent_trend(&contact_id, &lianjie_core::api::TREND_DAYS, Utc::now())
            }),
        )
    }

    fn canned_replies(&self) -> ApiFuture<Vec<CannedReply>> {
        ready(self.read(|db| Ok(db.canned.clone())))
    }

    fn create_share(&self, new: NewShare) -> ApiFuture<Share> {
        // Shares are minted by the rep whose card is being shared, else by the agent.
        ready(self.write(
            |db| {
                let rep = match &new.target {
                    lianjie_core::share::ShareTarget::Card(id) => db.card(id)?.owner_id.clone(),
                    lianjie_core::share::ShareTarget::Content(_) => DEMO_ME.to_owned(),
                };
                db.create_share(new, &rep, random_token(), Utc::now())
            },
            |_| None,
        ))
    }

    fn radar(&self) -> ApiFuture<Vec<RadarItem>> {
        ready(self.read(|db| Ok(db.radar(RADAR_LIMIT))))
    }

    fn conversations(&self, query: ConversationQuery) -> ApiFuture<Page<Conversation>> {
        ready(self.read(|db| Ok(db.list_conversations(&query, DEMO_ME, Utc::now()))))
    }

    fn messages(
        &self,
        conversation_id: String,
        cursor: Option<String>,
    ) -> ApiFuture<Page<Message>> {
        ready(self.read(|db| db.messages_page(&conversation_id, cursor.as_deref(), None)))
    }

    fn send_message(&self, conversation_id: String, new: NewMessage) -> ApiFuture<Message> {
        ready(
            self.write(
                |db| db.send_message(&conversation_id, new, DEMO_ME, random_id("m"), Utc::now()),
                Event::message,
            )
            .map(|(_, m)| m),
        )
    }

    fn inbound(&self, channel: Channel, message: InboundMessage) -> ApiFuture<Message> {
        ready(
            self.write(
                |db| db.inbound(channel, message, inbound_ids(), Utc::now()),
                Event::message,
            )
            .map(|(_, m)| m),
        )
    }

    fn update_conversation(
        &self,
        conversation_id: String,
        update: ConversationUpdate,
    ) -> ApiFuture<Conversation> {
        ready(self.write(
            |db| db.update_conversation(&conversation_id, update, Utc::now()),
            |v| {
                Some(Event::Conversation {
                    conversation: v.clone(),
                })
            },
        ))
    }

    fn reset_demo(&self) -> ApiFuture<()> {
        ready(self.write(
            |db| {
                *db = demo::seed(Utc::now());
                Ok(())
            },
            |_| Some(Event::Reset),
        ))
    }

    fn subscribe(&self, on_event: Rc<dyn Fn(&Event)>) -> Subscription {
        self.0.hub.subscribe(on_event)
    }
}
