//! SQLite persistence: migrations, WAL, and writing exactly the records an operation
//! changed (see `lianjie_core::store::Change`) in one transaction.

use chrono::{DateTime, Utc};
use lianjie_core::api::Event;
use lianjie_core::people::User;
use lianjie_core::store::{Change, Db};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, Sqlite, SqlitePool, Transaction};
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
        let mut db = Db {
            users,
            ..Db::default()
        };
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

    /// Replaces everything with `db` (first start, demo reset), setting every staff
    /// member's password to `password`.
    pub async fn replace_all(&self, db: &Db, password_hash: &str) -> StorageResult<()> {
        let mut tx = self.pool.begin().await?;
        for table in [
            "staff_sessions",
            "credentials",
            "messages",
            "conversations",
            "contacts",
            "view_sessions",
            "shares",
            "contents",
            "cards",
            "canned_replies",
            "users",
        ] {
            sqlx::query(&format!("DELETE FROM {table}"))
                .execute(&mut *tx)
                .await?;
        }
        for u in &db.users {
            sqlx::query("INSERT INTO users (id, email, doc) VALUES (?, ?, ?)")
                .bind(&u.id)
                .bind(u.email.to_lowercase())
                .bind(doc(u)?)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO credentials (user_id, password_hash) VALUES (?, ?)")
                .bind(&u.id)
                .bind(password_hash)
                .execute(&mut *tx)
                .await?;
        }
        for c in &db.canned {
            upsert(&mut tx, "canned_replies", "id", &c.id, &doc(c)?).await?;
        }
        for c in db.contents.values() {
            upsert(&mut tx, "contents", "id", &c.id, &doc(c)?).await?;
        }
        let mut all: Vec<Change> = Vec::new();
        all.extend(db.cards.keys().cloned().map(Change::Card));
        all.extend(db.shares.keys().cloned().map(Change::Share));
        all.extend(db.sessions.keys().cloned().map(Change::Session));
        all.extend(db.contacts.keys().cloned().map(Change::Contact));
        all.extend(db.conversations.keys().cloned().map(Change::Conversation));
        for (conversation_id, list) in &db.messages {
            all.extend(list.iter().map(|m| Change::Message {
                conversation_id: conversation_id.clone(),
                id: m.id.clone(),
            }));
        }
        write_changes(&mut tx, db, &all).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Writes the records `changes` names, and the event to announce, atomically.
    /// Returns the event's id for SSE.
    pub async fn persist(
        &self,
        db: &Db,
        changes: &[Change],
        event: Option<&Event>,
        now: DateTime<Utc>,
    ) -> StorageResult<Option<i64>> {
        let mut tx = self.pool.begin().await?;
        write_changes(&mut tx, db, changes).await?;
        let id = match event {
            Some(e) => Some(
                sqlx::query("INSERT INTO events (at, doc) VALUES (?, ?) RETURNING id")
                    .bind(now.to_rfc3339())
                    .bind(doc(e)?)
                    .fetch_one(&mut *tx)
                    .await?
                    .get(0),
            ),
            None => None,
        };
        tx.commit().await?;
        Ok(id)
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

async fn upsert(
    tx: &mut Transaction<'_, Sqlite>,
    table: &str,
    key: &str,
    id: &str,
    doc: &str,
) -> StorageResult<()> {
    sqlx::query(&format!("INSERT INTO {table} ({key}, doc) VALUES (?, ?) ON CONFLICT({key}) DO UPDATE SET doc = excluded.doc"))
        .bind(id)
        .bind(doc)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn write_changes(
    tx: &mut Transaction<'_, Sqlite>,
    db: &Db,
    changes: &[Change],
) -> StorageResult<()> {
    for change in changes {
        match change {
            Change::Card(id) => {
                if let Some(c) = db.cards.get(id) {
                    upsert(tx, "cards", "id", id, &doc(c)?).await?;
                }
            }
            Change::Share(token) => {
                if let Some(s) = db.shares.get(token) {
                    sqlx::query("INSERT INTO shares (token, parent, doc) VALUES (?, ?, ?) ON CONFLICT(token) DO UPDATE SET doc = excluded.doc")
                        .bind(token)
                        .bind(&s.parent)
                        .bind(doc(s)?)
                        .execute(&mut **tx)
                        .await?;
                }
            }
            Change::Session(id) => {
                if let Some(s) = db.sessions.get(id) {
                    sqlx::query("INSERT INTO view_sessions (id, share_token, doc) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc")
                        .bind(id)
                        .bind(&s.share_token)
                        .bind(doc(s)?)
                        .execute(&mut **tx)
                        .await?;
                }
            }
            Change::Contact(id) => {
                if let Some(c) = db.contacts.get(id) {
                    upsert(tx, "contacts", "id", id, &doc(c)?).await?;
                }
            }
            Change::Conversation(id) => {
                if let Some(c) = db.conversations.get(id) {
                    upsert(tx, "conversations", "id", id, &doc(c)?).await?;
                }
            }
            Change::Message {
                conversation_id,
                id,
            } => {
                let found = db
                    .messages
                    .get(conversation_id)
                    .and_then(|l| l.iter().rev().find(|m| &m.id == id));
                if let Some(m) = found {
                    sqlx::query("INSERT INTO messages (id, conversation_id, created_at, doc) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO NOTHING")
                        .bind(id)
                        .bind(conversation_id)
                        .bind(m.created_at.to_rfc3339())
                        .bind(doc(m)?)
                        .execute(&mut **tx)
                        .await?;
                }
            }
        }
    }
    Ok(())
}
