//! SQLite persistence: migrations, WAL, and writing exactly the records an operation
//! changed (see `lianjie_core::store::Change`) in one transaction.

use chrono::{DateTime, Utc};
use lianjie_core::api::Event;
use lianjie_core::people::User;
use lianjie_core::store::{Change, Db, Record};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row as _, Sqlite, SqlitePool, Transaction};
use std::str::FromStr;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored record is unreadable: {0}")]
    Decode(#[from] serde_json::Error),
}

pub type StorageResult<T> = Result<T, StorageError>;

#[derive(Clone)]
pub struct Storage {
    pool: SqlitePool,
}

fn doc<T: Serialize>(value: &T) -> StorageResult<String> {
    Ok(serde_json::to_string(value)?)
}

impl Storage {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    /// `path` may be `:memory:` for tests.
    pub async fn open(path: &str) -> StorageResult<Storage> {
        let options = SqliteConnectOptions::from_str(&format!("sqlite:{path}"))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // WAL + NORMAL: durable across process crashes, one fsync per checkpoint.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true);
        let max = if path == ":memory:" { 1 } else { 4 };
        let pool = SqlitePoolOptions::new()
            .max_connections(max)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Storage { pool })
    }

    /// Loads every record into a `Db`; `None` when the database is empty.
    pub async fn load(&self) -> StorageResult<Option<Db>> {
        let users: Vec<User> = self.docs("SELECT doc FROM users ORDER BY id").await?;
        if users.is_empty() {
            return Ok(None);
        }
        let mut db = Db::default();
        db.users = users;
        db.cards = self.keyed("SELECT id, doc FROM cards").await?;
        db.contents = self.keyed("SELECT id, doc FROM contents").await?;
        db.shares = self.keyed("SELECT token, doc FROM shares").await?;
        db.sessions = self.keyed("SELECT id, doc FROM view_sessions").await?;
        db.contacts = self.keyed("SELECT id, doc FROM contacts").await?;
        db.conversations = self.keyed("SELECT id, doc FROM conversations").await?;
        db.canned = self
            .docs("SELECT doc FROM canned_replies ORDER BY id")
            .await?;
        for v in db.conversations.keys() {
            db.messages.insert(v.clone(), Vec::new());
        }
        let rows = sqlx::query(
            "SELECT conversation_id, doc FROM messages ORDER BY conversation_id, created_at, id",
        )
        .fetch_all(&self.pool)
        .await?;
        for row in rows {
            let conversation: String = row.get(0);
            let message = serde_json::from_str(row.get::<&str, _>(1))?;
            db.messages.entry(conversation).or_default().push(message);
        }
        Ok(Some(db))
    }

    async fn keyed<T: DeserializeOwned>(
        &self,
        sql: &str,
    ) -> StorageResult<std::collections::BTreeMap<String, T>> {
        self.pairs(sql)
            .await?
            .into_iter()
            .map(|(k, d)| Ok((k, serde_json::from_str(&d)?)))
            .collect()
    }

    async fn docs<T: DeserializeOwned>(&self, sql: &str) -> StorageResult<Vec<T>> {
        let rows = sqlx::query(sql).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| Ok(serde_json::from_str(r.get::<&str, _>(0))?))
            .collect()
    }

    async fn pairs(&self, sql: &str) -> StorageResult<Vec<(String, String)>> {
        let rows = sqlx::query(sql).fetch_all(&self.pool).await?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    /// Writes batches in one transaction (group commit: one commit for many requests)
    /// and returns each batch's event id.
    pub async fn commit(&self, batches: &[&Batch]) -> StorageResult<Vec<Option<i64>>> {
        let mut tx = self.pool.begin().await?;
        let mut ids = Vec::with_capacity(batches.len());
        for batch in batches {
            if batch.clear_first {
                // Staff accounts are upserted below and their sessions kept, so a
                // demo reset does not sign anyone out.
                for table in [
                    "messages",
                    "conversations",
                    "contacts",
                    "view_sessions",
                    "shares",
                    "contents",
                    "cards",
                    "canned_replies",
                ] {
                    sqlx::query(&format!("DELETE FROM {table}"))
                        .execute(&mut *tx)
                        .await?;
                }
            }
            write_rows(&mut tx, &batch.rows).await?;
            ids.push(match &batch.event {
                Some((at, doc)) => Some(
                    sqlx::query("INSERT INTO events (at, doc) VALUES (?, ?) RETURNING id")
                        .bind(at)
                        .bind(doc)
                        .fetch_one(&mut *tx)
                        .await?
                        .get(0),
                ),
                None => None,
            });
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// Events after `id`, oldest first, for a reconnecting SSE client.
    pub async fn events_after(&self, id: i64, limit: i64) -> StorageResult<Vec<(i64, Event)>> {
        let rows = sqlx::query("SELECT id, doc FROM events WHERE id > ? ORDER BY id LIMIT ?")
            .bind(id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.get(0), serde_json::from_str(r.get::<&str, _>(1))?)))
            .collect()
    }

    pub async fn password_hash(&self, email: &str) -> StorageResult<Option<(String, String)>> {
        let row = sqlx::query(
            "SELECT users.id, credentials.password_hash FROM users JOIN credentials ON credentials.user_id = users.id WHERE users.email = ?",
        )
        .bind(email.trim().to_lowercase())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| (r.get(0), r.get(1))))
    }

    pub async fn create_session(
        &self,
        token: &str,
        user_id: &str,
        expires_at: DateTime<Utc>,
    ) -> StorageResult<()> {
        sqlx::query("INSERT INTO staff_sessions (token, user_id, expires_at) VALUES (?, ?, ?)")
            .bind(token)
            .bind(user_id)
            .bind(expires_at.timestamp())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The user a live session token belongs to.
    pub async fn session_user(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> StorageResult<Option<User>> {
        let row = sqlx::query(
            "SELECT users.doc FROM staff_sessions JOIN users ON users.id = staff_sessions.user_id WHERE token = ? AND expires_at > ?",
        )
        .bind(token)
        .bind(now.timestamp())
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some(r) => Some(serde_json::from_str(r.get::<&str, _>(0))?),
            None => None,
        })
    }
}

/// One record, serialized while the store lock is held and written afterwards.
#[derive(Debug)]
pub enum Row {
    /// Tables keyed by `id` with only a document.
    Doc {
        table: &'static str,
        id: String,
        doc: String,
    },
    User {
        id: String,
        email: String,
        doc: String,
    },
    Credential {
        user_id: String,
        hash: String,
    },
    Share {
        token: String,
        parent: Option<String>,
        doc: String,
    },
    Session {
        id: String,
        share_token: String,
        doc: String,
    },
    Message {
        id: String,
        conversation_id: String,
        created_at: String,
        doc: String,
    },
}

/// What one operation writes: its rows and its event, atomically.
#[derive(Debug, Default)]
pub struct Batch {
    /// Empty every domain table first (first start, demo reset).
    pub clear_first: bool,
    pub rows: Vec<Row>,
    /// (time, JSON) of the event to log for SSE.
    pub event: Option<(String, String)>,
}

impl Batch {
    pub fn new(rows: Vec<Row>, event: Option<&Event>, now: DateTime<Utc>) -> StorageResult<Batch> {
        let event = match event {
            Some(e) => Some((now.to_rfc3339(), doc(e)?)),
            None => None,
        };
        Ok(Batch {
            clear_first: false,
            rows,
            event,
        })
    }

    /// Everything in `db`, replacing what is stored; every staff member gets
    /// `password_hash`.
    pub fn replace_all(db: &Db, password_hash: &str) -> StorageResult<Batch> {
        let mut rows = Vec::new();
        // Users come first in `records`, so each credential follows its user.
        for record in db.records() {
            rows.push(row(&record));
            if let Record::User(u) = &record {
                rows.push(Row::Credential {
                    user_id: u.id.clone(),
                    hash: password_hash.to_owned(),
                });
            }
        }
        Ok(Batch {
            clear_first: true,
            rows,
            event: None,
        })
    }
}

/// The rows to write for `changes`, read from `db` now.
pub fn rows_for(db: &Db, changes: &[Change]) -> Vec<Row> {
    changes
        .iter()
        .filter_map(|c| db.record(c))
        .map(|r| row(&r))
        .collect()
}

/// The row that stores one record: its document, plus the key columns its table
/// indexes.
fn row(record: &Record) -> Row {
    let doc = record.to_doc();
    match record {
        Record::User(u) => Row::User {
            id: u.id.clone(),
            email: u.email.to_lowercase(),
            doc,
        },
        Record::Share(s) => Row::Share {
            token: s.token.clone(),
            parent: s.parent.clone(),
            doc,
        },
        Record::Session(s) => Row::Session {
            id: s.id.clone(),
            share_token: s.share_token.clone(),
            doc,
        },
        Record::Message(m) => Row::Message {
            id: m.id.clone(),
            conversation_id: m.conversation_id.clone(),
            created_at: m.created_at.to_rfc3339(),
            doc,
        },
        Record::Canned(c) => Row::Doc {
            table: "canned_replies",
            id: c.id.clone(),
            doc,
        },
        Record::Card(_) | Record::Content(_) | Record::Contact(_) | Record::Conversation(_) => {
            Row::Doc {
                table: record.kind(),
                id: record.key().to_owned(),
                doc,
            }
        }
    }
}

/// The upsert for a document-only table (a fixed set, so the SQL is static).
fn doc_upsert(table: &str) -> &'static str {
    match table {
        "cards" => {
            "INSERT INTO cards (id, doc) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc"
        }
        "contents" => {
            "INSERT INTO contents (id, doc) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc"
        }
        "contacts" => {
            "INSERT INTO contacts (id, doc) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc"
        }
        "conversations" => {
            "INSERT INTO conversations (id, doc) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc"
        }
        _ => {
            "INSERT INTO canned_replies (id, doc) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc"
        }
    }
}

async fn write_rows(tx: &mut Transaction<'_, Sqlite>, rows: &[Row]) -> StorageResult<()> {
    for row in rows {
        let query = match row {
            Row::Doc { table, id, doc } => sqlx::query(doc_upsert(table)).bind(id).bind(doc),
            Row::User { id, email, doc } => sqlx::query(
                "INSERT INTO users (id, email, doc) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET email = excluded.email, doc = excluded.doc",
            )
            .bind(id)
            .bind(email)
            .bind(doc),
            Row::Credential { user_id, hash } => sqlx::query(
                "INSERT INTO credentials (user_id, password_hash) VALUES (?, ?) ON CONFLICT(user_id) DO UPDATE SET password_hash = excluded.password_hash",
            )
            .bind(user_id)
            .bind(hash),
            Row::Share { token, parent, doc } => sqlx::query(
                "INSERT INTO shares (token, parent, doc) VALUES (?, ?, ?) ON CONFLICT(token) DO UPDATE SET doc = excluded.doc",
            )
            .bind(token)
            .bind(parent)
            .bind(doc),
            Row::Session { id, share_token, doc } => sqlx::query(
                "INSERT INTO view_sessions (id, share_token, doc) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc",
            )
            .bind(id)
            .bind(share_token)
            .bind(doc),
            Row::Message { id, conversation_id, created_at, doc } => sqlx::query(
                "INSERT INTO messages (id, conversation_id, created_at, doc) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO NOTHING",
            )
            .bind(id)
            .bind(conversation_id)
            .bind(created_at)
            .bind(doc),
        };
        query.execute(&mut **tx).await?;
    }
    Ok(())
}
