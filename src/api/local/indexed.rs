//! The in-browser backend's IndexedDB: one object store per record kind, one record
//! per key, read in batches and written one operation's records at a time.

use super::{OpenNote, UNREADABLE};
use crate::error::AppError;
use idb::{
    Database, DatabaseEvent as _, Factory, KeyRange, ObjectStoreParams, Query, TransactionMode,
    TransactionResult,
};
use lianjie_core::inbox::Message;
use lianjie_core::store::Record;
use wasm_bindgen::JsValue;

/// Version 2 added the `orgs` store (the organization and its departments), 3 the
/// `channel_keys` store, 4 [`MESSAGES_STORE`], 5 `customer_log`, 6 `tasks`, 7 `deals`;
/// the upgrade creates whichever stores are missing, so any older database gets them.
const DB_VERSION: u32 = 7;

/// Messages by conversation: keyed `{conversation id}/{message id}`, so one
/// conversation's are read alone ([`read_conversation`]) while the rest still load.
/// Earlier versions kept them by id in the `messages` store; [`move_legacy_messages`]
/// moves them here.
const MESSAGES_STORE: &str = "conversation_messages";

/// The store that keeps records of `kind`.
fn store_of(kind: &'static str) -> &'static str {
    if kind == Record::MESSAGES {
        MESSAGES_STORE
    } else {
        kind
    }
}

/// A record's key in its store.
fn key_of(record: &Record) -> String {
    match record {
        Record::Message(m) => format!("{}/{}", m.conversation_id, m.id),
        other => other.key().to_owned(),
    }
}

/// Stored data as read: the records, and each unreadable one as (kind, index in its
/// store's listing, raw text).
pub(super) type Loaded = (Vec<Record>, Vec<(&'static str, u32, String)>);

pub(super) async fn open_idb(name: &str) -> Result<Database, idb::Error> {
    let mut request = Factory::new()?.open(name, Some(DB_VERSION))?;
    request.on_upgrade_needed(|event| {
        // Every version creates the stores it lacks (1: all, 2: `orgs`, 3:
        // `channel_keys`, 4: messages by conversation, 5: `customer_log`, 6: `tasks`, 7: `deals`); the records themselves are
        // upgraded after loading (`upgrade::fill_in`, `move_legacy_messages`). A failure
        // leaves stores missing, which the first transaction reports.
        if let Ok(db) = event.database() {
            let existing = db.store_names();
            for kind in Record::KINDS
                .into_iter()
                .chain([MESSAGES_STORE, UNREADABLE])
            {
                if !existing.iter().any(|s| s == kind) {
                    let _ = db.create_object_store(kind, ObjectStoreParams::new());
                }
            }
        }
    });
    request.await
}

pub(super) async fn read_all(db: &Database) -> Result<Loaded, idb::Error> {
    read_stores(db, &Record::KINDS).await
}

/// Documents parsed between two breaks, in which the page can paint and take input
/// (100,000 messages take about a third of a second to parse).
const PARSE_BATCH: usize = 4_000;

/// Every stored record of `kinds`, read in one transaction (one consistent view of
/// the data, whatever another tab writes meanwhile), [`RECORD_CHUNK`] at a time.
pub(super) async fn read_stores(
    db: &Database,
    kinds: &[&'static str],
) -> Result<Loaded, idb::Error> {
    let stores: Vec<&str> = kinds.iter().map(|&k| store_of(k)).collect();
    let tx = db.transaction(&stores, TransactionMode::ReadOnly)?;
    let mut found = Vec::with_capacity(kinds.len());
    for &kind in kinds {
        let store = tx.object_store(store_of(kind))?;
        found.push((kind, read_chunks(&store).await?));
    }
    // Parsed once the transaction is done, with breaks.
    let mut parsing = Parsing::default();
    for (kind, docs) in found {
        parsing.add(kind, docs, 0).await;
    }
    Ok((parsing.records, parsing.unreadable))
}

/// Every document of `store` in key order, [`RECORD_CHUNK`] per request. Each chunk
/// is asked for as the one before answers, which keeps the transaction alive, and another
/// transaction's requests (a conversation read alone) are answered in between.
async fn read_chunks(store: &idb::ObjectStore) -> Result<Vec<JsValue>, idb::Error> {
    use std::future::IntoFuture as _;
    let mut docs = Vec::new();
    let mut after: Option<JsValue> = None;
    loop {
        let range = after_key(after.as_ref())?;
        // A chunk's keys (where the next starts) and documents, asked for together: one
        // wait on the database per chunk. Their answers are listened for from here, and
        // none can arrive before this task waits.
        let keys = store
            .get_all_keys(range.clone(), Some(RECORD_CHUNK))?
            .into_future();
        let chunk = store.get_all(range, Some(RECORD_CHUNK))?.into_future();
        // Both answered before either is looked at: a request dropped unanswered
        // would be answered to a listener already gone.
        let (keys, chunk) = (keys.await, chunk.await);
        let keys = keys?;
        docs.extend(chunk?);
        match keys.last() {
            Some(last) if keys.len() == RECORD_CHUNK as usize => after = Some(last.clone()),
            _ => return Ok(docs),
        }
    }
}

/// The keys after `key` (all of them for `None`).
fn after_key(key: Option<&JsValue>) -> Result<Option<Query>, idb::Error> {
    Ok(key
        .map(|key| KeyRange::lower_bound(key, Some(true)))
        .transpose()?
        .map(Query::KeyRange))
}

/// Records parsed from stored documents, and the unreadable ones as (kind, position
/// in their store's listing, raw text).
#[derive(Default)]
struct Parsing {
    records: Vec<Record>,
    unreadable: Vec<(&'static str, u32, String)>,
    parsed: usize,
}

impl Parsing {
    /// Parses `docs` of `kind`, the first at position `first` of its store's
    /// listing, with a break every [`PARSE_BATCH`] documents.
    async fn add(&mut self, kind: &'static str, docs: Vec<JsValue>, first: u32) {
        for (i, doc) in docs.into_iter().enumerate() {
            let text = doc.as_string().unwrap_or_default();
            match Record::from_doc(kind, &text) {
                Ok(r) => self.records.push(r),
                Err(_) => self.unreadable.push((kind, first + i as u32, text)),
            }
            self.parsed += 1;
            if self.parsed.is_multiple_of(PARSE_BATCH) {
                gloo_timers::future::TimeoutFuture::new(0).await;
            }
        }
    }
}

/// Records read per request by [`read_stores`]: a conversation read alone
/// ([`read_conversation`]) while the data loads waits for one chunk, not for a whole
/// store (at 10,000 conversations, stores read whole held it back by about 0.2 s).
const RECORD_CHUNK: u32 = 1_000;
/// Messages read per transaction by [`read_messages`]: small enough that a
/// conversation read alone is not queued behind all of them.
const MESSAGE_CHUNK: u32 = 5_000;

/// Every stored message, read [`MESSAGE_CHUNK`] at a time in key order, a transaction
/// each with a break after it, in which the page paints and other reads run
/// (unreadable ones by their position in the whole listing, as [`read_stores`] gives
/// them).
pub(super) async fn read_messages(db: &Database) -> Result<Loaded, idb::Error> {
    let mut parsing = Parsing::default();
    let mut after: Option<JsValue> = None;
    let mut position = 0u32;
    loop {
        let range = after_key(after.as_ref())?;
        let tx = db.transaction(&[MESSAGES_STORE], TransactionMode::ReadOnly)?;
        let store = tx.object_store(MESSAGES_STORE)?;
        let keys = store
            .get_all_keys(range.clone(), Some(MESSAGE_CHUNK))?
            .await?;
        let docs = store.get_all(range, Some(MESSAGE_CHUNK))?.await?;
        let read = docs.len() as u32;
        parsing.add(Record::MESSAGES, docs, position).await;
        position += read;
        gloo_timers::future::TimeoutFuture::new(0).await;
        match keys.last() {
            Some(last) if keys.len() == MESSAGE_CHUNK as usize => after = Some(last.clone()),
            _ => return Ok((parsing.records, parsing.unreadable)),
        }
    }
}

/// One conversation's stored messages, oldest first (as the loaded data set keeps
/// them: by time, then by id).
pub(super) async fn read_conversation(
    db: &Database,
    conversation_id: &str,
) -> Result<Vec<Message>, idb::Error> {
    // Its keys are `{id}/…`: from `{id}/` up to `{id}0`, the next character after `/`.
    let range = KeyRange::bound(
        &JsValue::from_str(&format!("{conversation_id}/")),
        &JsValue::from_str(&format!("{conversation_id}0")),
        Some(false),
        Some(true),
    )?;
    let tx = db.transaction(&[MESSAGES_STORE], TransactionMode::ReadOnly)?;
    let docs = tx
        .object_store(MESSAGES_STORE)?
        .get_all(Some(Query::KeyRange(range)), None)?
        .await?;
    let mut messages: Vec<Message> = docs
        .into_iter()
        .filter_map(
            |doc| match Record::from_doc(Record::MESSAGES, &doc.as_string()?) {
                Ok(Record::Message(m)) => Some(m),
                // Unreadable ones are set aside by the full load.
                _ => None,
            },
        )
        .collect();
    messages.sort_by(|a, b| a.order().cmp(&b.order()));
    Ok(messages)
}

/// Moves messages an earlier version kept by id (the `messages` store) to
/// [`MESSAGES_STORE`], setting aside any that cannot be read; returns how many were
/// unreadable. Nothing to do, once done.
pub(super) async fn move_legacy_messages(db: &Database) -> Result<usize, idb::Error> {
    let tx = db.transaction(
        &[Record::MESSAGES, MESSAGES_STORE, UNREADABLE],
        TransactionMode::ReadWrite,
    )?;
    let old = tx.object_store(Record::MESSAGES)?;
    let keys = old.get_all_keys(None, None)?.await?;
    let docs = old.get_all(None, None)?.await?;
    let (moved, aside) = (
        tx.object_store(MESSAGES_STORE)?,
        tx.object_store(UNREADABLE)?,
    );
    let mut unreadable = 0;
    for (key, doc) in keys.iter().zip(docs) {
        let text = doc.as_string().unwrap_or_default();
        match Record::from_doc(Record::MESSAGES, &text) {
            Ok(record) => moved.put(&doc, Some(&JsValue::from_str(&key_of(&record))))?,
            Err(_) => {
                unreadable += 1;
                let name = format!(
                    "{}/{}",
                    Record::MESSAGES,
                    key.as_string().unwrap_or_default()
                );
                aside.put(&doc, Some(&JsValue::from_str(&name)))?
            }
        };
    }
    if !keys.is_empty() {
        old.clear()?;
    }
    finish(tx.commit()?).await?;
    Ok(unreadable)
}

/// [`set_aside`], and what to tell the user about it.
pub(super) async fn set_aside_noting(
    db: &Database,
    unreadable: &[(&'static str, u32, String)],
) -> OpenNote {
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
    let mut stores: Vec<&str> = unreadable.iter().map(|u| store_of(u.0)).collect();
    stores.push(UNREADABLE);
    stores.sort_unstable();
    stores.dedup();
    let tx = db.transaction(&stores, TransactionMode::ReadWrite)?;
    let aside = tx.object_store(UNREADABLE)?;
    for (kind, index, text) in unreadable {
        let store = tx.object_store(store_of(kind))?;
        let keys = store.get_all_keys(None, None)?.await?;
        if let Some(key) = keys.get(*index as usize) {
            let name = format!("{kind}/{}", key.as_string().unwrap_or_default());
            aside.put(&JsValue::from_str(text), Some(&JsValue::from_str(&name)))?;
            store.delete(key.clone())?;
        }
    }
    finish(tx.commit()?).await
}

pub(super) async fn finish(tx: idb::Transaction) -> Result<(), idb::Error> {
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
pub(super) fn put_records(
    db: &Database,
    records: &[Record],
    replace: bool,
) -> Result<idb::Transaction, idb::Error> {
    let mut stores: Vec<&str> = if replace {
        Record::KINDS.into_iter().map(store_of).collect()
    } else {
        records.iter().map(|r| store_of(r.kind())).collect()
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
        tx.object_store(store_of(record.kind()))?.put(
            &JsValue::from_str(&record.to_doc()),
            Some(&JsValue::from_str(&key_of(record))),
        )?;
    }
    tx.commit()
}

pub(super) fn storage_error(e: idb::Error) -> AppError {
    AppError::Storage(e.to_string())
}
