//! The in-browser backend's IndexedDB: one object store per record kind, one record
//! per key, read in batches and written one operation's records at a time.

use super::{OpenNote, UNREADABLE};
use crate::error::AppError;
use idb::{
    Database, DatabaseEvent as _, Factory, ObjectStoreParams, TransactionMode, TransactionResult,
};
use lianjie_core::store::Record;
use wasm_bindgen::JsValue;

/// Version 2 added the `orgs` store (the organization and its departments), 3 the
/// `channel_keys` store; the upgrade creates whichever stores are missing, so any
/// older database gets them.
const DB_VERSION: u32 = 3;

/// Stored data as read: the records, and each unreadable one as (kind, index in its
/// store's listing, raw text).
pub(super) type Loaded = (Vec<Record>, Vec<(&'static str, u32, String)>);

pub(super) async fn open_idb(name: &str) -> Result<Database, idb::Error> {
    let mut request = Factory::new()?.open(name, Some(DB_VERSION))?;
    request.on_upgrade_needed(|event| {
        // Every version creates the stores it lacks (1: all, 2: `orgs`, 3: `channel_keys`); the records
        // themselves are upgraded after loading (`upgrade::fill_in`). A failure leaves
        // stores missing, which the first transaction reports.
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

pub(super) async fn read_all(db: &Database) -> Result<Loaded, idb::Error> {
    read_stores(db, &Record::KINDS).await
}

/// Documents parsed between two breaks, in which the page can paint and take input
/// (100,000 messages take about a third of a second to parse).
const PARSE_BATCH: usize = 4_000;

pub(super) async fn read_stores(
    db: &Database,
    kinds: &[&'static str],
) -> Result<Loaded, idb::Error> {
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

pub(super) fn storage_error(e: idb::Error) -> AppError {
    AppError::Storage(e.to_string())
}
