//! Persistence on SQLite or PostgreSQL (one SQL text for both): migrations, writing
//! exactly the records an operation changed (see `lianjie_core::store::Change`) in
//! one transaction, and the lists read by SQL. Every row carries its organization;
//! each organization loads into a `Db` of its own.

use chrono::{DateTime, Utc};
use lianjie_core::api::Event;
use lianjie_core::store::{Db, Record, ViewKeys};
use lianjie_core::tracking::ViewSession;
use serde::Serialize;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Connection as _, Executor as _, Row as _};

mod checkpoint;
pub mod files;
mod fill;
pub mod heads;
mod load;
pub mod mail;
mod queue;
mod reads;
mod rows;
mod views;
mod writes;

pub use checkpoint::{TallySave, tallies_doc};
pub use load::{Counted, Loaded};
use load::{changes_after, key_and_doc, load_org};
pub use queue::Due;

pub use rows::{Batch, Row, rows_for};
pub use views::{PRIORS_KEPT, Prior, StoredView};

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored record is unreadable: {0}")]
    Decode(#[from] serde_json::Error),
    #[error("reading stored records stopped: {0}")]
    Reading(#[from] tokio::task::JoinError),
    #[error("saving the tallies: {0}")]
    Checkpoint(String),
}

pub type StorageResult<T> = Result<T, StorageError>;

/// How often SQLite's migrations are tried before their error is the answer (see
/// [`Storage::open`]): 200 ms apart, 30 s in all, as long as a loaded machine may
/// take to apply every migration on the server starting beside this one.
const MIGRATION_ATTEMPTS: u32 = 150;

/// How often opening a SQLite file is tried when the database itself refuses
/// (200 ms apart, 5 s in all): see [`Storage::open`]. A path that cannot be opened
/// at all says so after that.
const OPEN_ATTEMPTS: u32 = 25;

#[derive(Clone)]
pub struct Storage {
    pool: AnyPool,
    dialect: Dialect,
}

/// Which database a URL names; the SQL is written once for both (`$n` parameters,
/// `ON CONFLICT`, `RETURNING`, `IS DISTINCT FROM`), and only the schema's
/// migrations differ, and the many-row writes' parameters (`rows::Placeholders`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// The dialect of a connection, by its backend's name (sqlx's `Any`).
    pub(super) fn of_backend(name: &str) -> Dialect {
        if name.eq_ignore_ascii_case("postgresql") {
            Dialect::Postgres
        } else {
            Dialect::Sqlite
        }
    }

    /// The URL to connect to, and its dialect.
    pub fn of(url: &str) -> (String, Dialect) {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (url.to_owned(), Dialect::Postgres)
        } else if url == ":memory:" || url == "sqlite::memory:" {
            ("sqlite::memory:".to_owned(), Dialect::Sqlite)
        } else if url.starts_with("sqlite:") {
            (url.to_owned(), Dialect::Sqlite)
        } else {
            // A file path: `%`, `?` and `#` would be read as URL syntax.
            let path = url
                .replace('%', "%25")
                .replace('?', "%3F")
                .replace('#', "%23");
            (format!("sqlite://{path}?mode=rwc"), Dialect::Sqlite)
        }
    }
}

fn doc<T: Serialize>(value: &T) -> StorageResult<String> {
    Ok(serde_json::to_string(value)?)
}

impl Storage {
    /// Connects to `url` and brings its schema up to date: `postgres://…` for
    /// PostgreSQL; otherwise SQLite, as `sqlite://path`, a bare file path (created if
    /// missing) or `:memory:` for tests.
    pub async fn open(url: &str) -> StorageResult<Storage> {
        let sqlite = Dialect::of(url).1 == Dialect::Sqlite;
        let mut attempts = 0;
        loop {
            match Storage::open_once(url).await {
                // Two servers making one new SQLite file at once: one may find its
                // WAL files half made ("unable to open database file"); a moment
                // later they are whole.
                Err(StorageError::Sql(sqlx::Error::Database(_)))
                    if sqlite && attempts + 1 < OPEN_ATTEMPTS =>
                {
                    attempts += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                }
                other => return other,
            }
        }
    }

    async fn open_once(url: &str) -> StorageResult<Storage> {
        static DRIVERS: std::sync::Once = std::sync::Once::new();
        DRIVERS.call_once(install_default_drivers);
        let (url, dialect) = Dialect::of(url);
        let pool = match dialect {
            Dialect::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(8)
                    // A connection keeps buffers as large as the largest statement
                    // it sent and row it read (the saved tallies: 28 MB at 1M views,
                    // each way) for as long as the pool keeps it.
                    .after_release(|conn, _| {
                        Box::pin(async move {
                            conn.shrink_buffers();
                            Ok(true)
                        })
                    })
                    .connect(&url)
                    .await?
            }
            Dialect::Sqlite => {
                let memory = url == "sqlite::memory:";
                AnyPoolOptions::new()
                    // One connection holds an in-memory database; a file takes a few
                    // readers beside the writer.
                    .max_connections(if memory { 1 } else { 4 })
                    .after_connect(move |conn, _| {
                        Box::pin(async move {
                            // FULL: every commit is on disk before it is acknowledged,
                            // also across a power loss (bench/ingest.sh measures it).
                            // LIKE matches case as PostgreSQL's does (searches compare
                            // lowercased columns; labels match exactly). 8 MiB of pages
                            // a connection: the reads walk indexes and the OS caches
                            // the file; 64 MiB held 55 MB more after a start at 1M
                            // messages, and read and ingested no faster.
                            conn.execute(if memory {
                                "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                                 PRAGMA case_sensitive_like = ON"
                            } else {
                                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                                 PRAGMA case_sensitive_like = ON; PRAGMA cache_size = -8192"
                            })
                            .await?;
                            Ok(())
                        })
                    })
                    .connect(&url)
                    .await?
            }
        };
        match dialect {
            Dialect::Sqlite => {
                // PostgreSQL's migrations hold a lock; SQLite's do not, so a server
                // starting beside another on a new file may find what the other just
                // created. Each migration is all-or-nothing: once the other is done,
                // running them again finds them applied.
                let migrator = sqlx::migrate!("./migrations/sqlite");
                let mut attempts = 0;
                while let Err(e) = migrator.run(&pool).await {
                    attempts += 1;
                    if attempts == MIGRATION_ATTEMPTS {
                        return Err(e.into());
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                }
            }
            Dialect::Postgres => sqlx::migrate!("./migrations/postgres").run(&pool).await?,
        }
        fill::fill_columns(&pool).await?;
        Ok(Storage { pool, dialect })
    }

    /// Whether anything was ever stored (a first start seeds the database).
    pub async fn has_data(&self) -> StorageResult<bool> {
        let row = sqlx::query("SELECT 1 FROM users LIMIT 1")
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some())
    }

    /// Every organization's records, one `Db` each (with the head it was read at);
    /// empty when the database is.
    pub async fn load(&self) -> StorageResult<Vec<Loaded>> {
        let orgs: Vec<String> =
            sqlx::query("SELECT org_id FROM users UNION SELECT id FROM organizations ORDER BY 1")
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| r.try_get(0))
                .collect::<Result<_, _>>()?;
        let mut out = Vec::with_capacity(orgs.len());
        for org in orgs {
            out.push(self.load_org(&org).await?);
        }
        Ok(out)
    }

    /// One organization's records, the head they are at, and where its tallies
    /// came from.
    pub async fn load_org(&self, org: &str) -> StorageResult<Loaded> {
        let mut read = self.one_moment(true).await?;
        let loaded = load_org(&mut read, org).await?;
        read.commit().await?;
        Ok(loaded)
    }

    /// A transaction that sees one moment of the database throughout: an
    /// organization read in many statements must not mix heads while other
    /// servers commit (views counted newer than the head the copy records would
    /// be counted again by its first catch-up, and saved so), nor may a save of its
    /// tallies. PostgreSQL's default lets each statement see its own moment;
    /// SQLite's transaction (WAL) keeps its first read's.
    async fn one_moment(
        &self,
        read_only: bool,
    ) -> StorageResult<sqlx::Transaction<'static, sqlx::Any>> {
        let mut tx = self.pool.begin().await?;
        if self.dialect == Dialect::Postgres {
            tx.execute(if read_only {
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
            } else {
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"
            })
            .await?;
        }
        Ok(tx)
    }

    /// `org`'s head: how many commits changed its data, and the last one that
    /// replaced it whole (a server whose copy is older reloads it).
    pub async fn head(&self, org: &str) -> StorageResult<(i64, i64)> {
        heads::head(&mut *self.pool.acquire().await?, org).await
    }

    /// The records of `org` written after head `version` (by any server), as they
    /// are now; apply them in order.
    pub async fn changes_since(
        &self,
        org: &str,
        version: i64,
    ) -> StorageResult<(Vec<Record>, i64)> {
        heads::changes_since(&mut *self.pool.acquire().await?, org, version).await
    }

    /// What a copy of `org` at head `known` lacks, given its last reset's head
    /// (see [`load::changes_after`]).
    pub async fn changes_after(
        &self,
        org: &str,
        known: i64,
        reset_at: i64,
        views: impl FnOnce(&[Record]) -> ViewKeys,
    ) -> StorageResult<Changes> {
        let mut read = self.one_moment(true).await?;
        let changes = changes_after(&mut read, org, known, reset_at, views).await?;
        read.commit().await?;
        Ok(changes)
    }

    /// Starts a commit of `orgs`: takes each one's next head, which holds it (for
    /// every server on this database) until the commit ends. Read what other
    /// servers changed through [`Commit::changes_after`] before changing memory.
    pub async fn begin<'o>(
        &self,
        orgs: impl IntoIterator<Item = &'o str>,
    ) -> StorageResult<Commit> {
        let mut tx = self.pool.begin().await?;
        let mut orgs: Vec<&str> = orgs.into_iter().collect();
        // One order for every server, so two commits never wait on each other.
        orgs.sort_unstable();
        orgs.dedup();
        let mut taken = std::collections::BTreeMap::new();
        for org in orgs {
            taken.insert(org.to_owned(), heads::next(&mut tx, org).await?);
        }
        let planner = (self.dialect == Dialect::Postgres).then(|| self.pool.clone());
        Ok(Commit {
            tx,
            heads: taken,
            planner,
        })
    }

    /// Writes a new database's first data, unless another server starting at the
    /// same moment already has: false then (read what it wrote instead).
    pub async fn seed(&self, batches: &[&Batch]) -> StorageResult<bool> {
        let mut commit = self.begin(batches.iter().map(|b| b.org.as_str())).await?;
        // The second server's insert waits for the first's commit, then finds it.
        let claimed = sqlx::query(
            "INSERT INTO lianjie_meta (key, value) VALUES ('first_start', 'done') \
             ON CONFLICT (key) DO NOTHING RETURNING key",
        )
        .fetch_optional(&mut *commit.tx)
        .await?;
        if claimed.is_none() {
            return Ok(false);
        }
        commit.finish(batches, &[]).await?;
        Ok(true)
    }

    /// Writes batches in one transaction (group commit: one commit for many requests)
    /// and returns each batch's event id.
    pub async fn commit(&self, batches: &[&Batch]) -> StorageResult<Vec<Option<i64>>> {
        self.begin(batches.iter().map(|b| b.org.as_str()))
            .await?
            .finish(batches, &[])
            .await
    }
}

/// A commit under way: its organizations held at their next heads.
pub struct Commit {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    /// Per organization: (the head this commit writes, the last reset's head).
    heads: std::collections::BTreeMap<String, (i64, i64)>,
    /// PostgreSQL's pool, to vacuum and analyze after a whole data set is
    /// written (see [`Commit::finish`]).
    planner: Option<AnyPool>,
}

impl Commit {
    /// The head this commit writes `org` at (0 for an organization it does not hold).
    pub fn head(&self, org: &str) -> i64 {
        self.heads.get(org).map_or(0, |h| h.0)
    }

    /// What other servers changed in `org` since a copy's head `known` (every
    /// commit before this one's head has ended: they held the organization as this
    /// one does).
    pub async fn changes_after(
        &mut self,
        org: &str,
        known: i64,
        views: impl FnOnce(&[Record]) -> ViewKeys,
    ) -> StorageResult<Changes> {
        let reset_at = self.heads.get(org).map_or(0, |h| h.1);
        changes_after(&mut self.tx, org, known, reset_at, views).await
    }

    /// `org`'s messages with one of `keys`: what the operations of this commit may
    /// find already stored (an idempotent retry), read where they write.
    pub async fn messages_keyed(
        &mut self,
        org: &str,
        keys: &[String],
    ) -> StorageResult<Vec<lianjie_core::inbox::Message>> {
        reads::messages_keyed(&mut self.tx, org, keys).await
    }

    /// What `keys` name of `org`'s views as stored: the head this commit writes
    /// holds them, so they are as of the copy brought up to it.
    pub async fn views(&mut self, org: &str, keys: &ViewKeys) -> StorageResult<Vec<StoredView>> {
        Ok(views::views_as_of(&mut self.tx, org, keys, None)
            .await?
            .unwrap_or_default())
    }

    /// Writes the batches (each organization's rows at its new head), logs their
    /// events and the `priors` of the views they change, and commits; returns each
    /// batch's event id.
    pub async fn finish(
        mut self,
        batches: &[&Batch],
        priors: &[Prior],
    ) -> StorageResult<Vec<Option<i64>>> {
        let tx = &mut self.tx;
        let head = |org: &str| self.heads.get(org).map_or(0, |h| h.0);
        let mut writes = writes::Writes::of(tx);
        // Rows of the batches since the last clear, written together.
        let mut rows: Vec<(&str, i64, &Row)> = Vec::new();
        for batch in batches {
            if batch.clear_first {
                rows::add_rows(&mut writes, &std::mem::take(&mut rows));
                std::mem::replace(&mut writes, writes::Writes::of(tx))
                    .run(tx)
                    .await?;
                // Staff accounts are upserted below and their sessions and passwords
                // kept, so a demo reset signs nobody out and changes no password.
                for table in [
                    "messages",
                    "conversation_labels",
                    "conversations",
                    // After the conversations, whose triggers count them out: this
                    // also drops the tallies left at zero.
                    "conversation_counts",
                    "customer_log",
                    "tasks",
                    "deals",
                    "contacts",
                    "view_sessions",
                    "view_priors",
                    "shares",
                    "contents",
                    "cards",
                    "canned_replies",
                ] {
                    sqlx::query(&format!("DELETE FROM {table} WHERE org_id = $1"))
                        .bind(&batch.org)
                        .execute(&mut **tx)
                        .await?;
                }
                heads::reset(tx, &batch.org).await?;
            }
            let at = head(&batch.org);
            rows.extend(batch.rows.iter().map(|r| (batch.org.as_str(), at, r)));
        }
        rows::add_rows(&mut writes, &rows);
        let at = rows::ns(Utc::now());
        views::log_priors(&mut writes, priors, head, at);
        // On PostgreSQL, logging events also notifies the other servers (a trigger;
        // see `heads::CHANNEL`).
        log_events(&mut writes, batches);
        let ids = event_ids(writes.run(tx).await?, batches)?;
        self.tx.commit().await?;
        // A whole data set written (first start, demo reset): until autovacuum's
        // next round PostgreSQL would plan for the tables as they were, and read
        // rows it could have counted from an index alone (the inbox's tabs).
        // What is committed stands whatever this does.
        if let Some(pool) = self.planner
            && batches.iter().any(|b| b.clear_first)
        {
            tokio::spawn(async move {
                if let Err(e) = sqlx::raw_sql("VACUUM (ANALYZE)").execute(&pool).await {
                    eprintln!("refreshing the planner's statistics: {e}");
                }
            });
        }
        Ok(ids)
    }
}

/// What other servers committed to an organization since a copy's head.
pub enum Changes {
    /// The records written since, as they are now, in the order to apply them;
    /// the newest head they show (all that commits up to it wrote is there); and
    /// the views applying them reads, as the copy counted them.
    Records {
        records: Vec<Record>,
        through: i64,
        views: Vec<ViewSession>,
    },
    /// The data was replaced whole since (a demo reset deletes rows, which no
    /// version shows): all of it, read again, at `head` (later than the head the
    /// catch-up asked for, when another server committed in between).
    Reload { db: Box<Db>, head: i64 },
}

impl Changes {
    /// Brings `db`, a copy at head `known` holding no views, up to head `to` (see
    /// `Tenant::apply`); returns the head it is at then.
    pub fn apply(self, db: &mut Db, to: i64) -> i64 {
        match self {
            Changes::Records {
                records,
                through,
                views,
            } => {
                db.put_counted(records, views);
                to.max(through)
            }
            Changes::Reload { db: fresh, head } => {
                *db = *fresh;
                to.max(head)
            }
        }
    }
}

/// Adds the events `batches` log to `writes`, returning their ids (see
/// [`event_ids`]). Ids come from the table's sequence as the rows are inserted, in
/// the order of `VALUES`, so the n-th smallest id is the n-th event's.
fn log_events<'a>(writes: &mut writes::Writes<'a>, batches: &[&'a Batch]) {
    let events: Vec<writes::Val<'a>> = batches
        .iter()
        .filter_map(|b| b.event.as_ref().map(|(at, doc)| (at, doc, &b.org)))
        .flat_map(|(at, doc, org)| [at.as_str(), doc.as_str(), org.as_str()])
        .map(writes::Val::Text)
        .collect();
    writes.returning_rows(
        "INSERT INTO events (at, doc, org_id)",
        "RETURNING id",
        3,
        events,
    );
}

/// Each batch's event id, from the ids the events' parts returned (in the order
/// the events were added: ids rise within a commit).
fn event_ids(
    returned: Vec<sqlx::any::AnyRow>,
    batches: &[&Batch],
) -> StorageResult<Vec<Option<i64>>> {
    let mut ids: Vec<i64> = returned
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    ids.sort_unstable();
    let mut ids = ids.into_iter();
    Ok(batches
        .iter()
        .map(|b| b.event.as_ref().and_then(|_| ids.next()))
        .collect())
}

impl Storage {
    /// `org`'s events after `id`, oldest first (a reconnecting SSE client, the relay
    /// of what any server committed).
    pub async fn events_after(
        &self,
        org: &str,
        id: i64,
        limit: i64,
    ) -> StorageResult<Vec<(i64, Event)>> {
        // Planned for its values each time: PostgreSQL's generic plan for a kept
        // statement walks the primary key from `id` and filters by organization, so
        // a quiet organization's read went through every later event of the others
        // (27 ms at 120,000 events, on every commit the relay hears of).
        let rows = sqlx::query(
            "SELECT id, doc FROM events WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3",
        )
        .persistent(false)
        .bind(org)
        .bind(id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(key_and_doc).collect()
    }

    /// The newest event of `org` (0 when none): where announcing new ones starts.
    pub async fn last_event_id(&self, org: &str) -> StorageResult<i64> {
        let row = sqlx::query("SELECT MAX(id) FROM events WHERE org_id = $1")
            .bind(org)
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get::<Option<i64>, _>(0)?.unwrap_or(0))
    }

    /// Retention: deletes events logged before `cutoff`, at most `max` of them, and
    /// returns how many went. Only the `max` oldest events (by id, which follows the
    /// time they were logged) are looked at, so a run costs the same however long
    /// the log; call it again to go on. `at` is RFC 3339 in UTC as written by
    /// [`Batch::new`], which orders as text. A client resuming from a deleted id
    /// gets the events that remain after it.
    pub async fn delete_events_before(
        &self,
        cutoff: DateTime<Utc>,
        max: i64,
    ) -> StorageResult<u64> {
        let done = sqlx::query(
            "DELETE FROM events WHERE id IN \
             (SELECT id FROM (SELECT id, at FROM events ORDER BY id LIMIT $1) AS oldest WHERE at < $2)",
        )
        .bind(max)
        .bind(cutoff.to_rfc3339())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// The account `email` signs in to: (user id, organization, password hash).
    pub async fn password_hash(
        &self,
        email: &str,
    ) -> StorageResult<Option<(String, String, String)>> {
        let row = sqlx::query(
            "SELECT users.id, users.org_id, credentials.password_hash FROM users JOIN credentials ON credentials.user_id = users.id WHERE users.email = $1",
        )
        .bind(email.trim().to_lowercase())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row
            .map(|r| Ok::<_, sqlx::Error>((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .transpose()?)
    }

    /// The password hash of `user_id`, for checking their old password.
    pub async fn user_password_hash(&self, user_id: &str) -> StorageResult<Option<String>> {
        let row = sqlx::query("SELECT password_hash FROM credentials WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    /// Sets `user_id`'s password and ends every session but `keep`, in one
    /// transaction: after a change, an old session cannot outlive it.
    pub async fn set_password(
        &self,
        user_id: &str,
        hash: &str,
        keep: Option<&str>,
    ) -> StorageResult<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO credentials (user_id, password_hash) VALUES ($1, $2) ON CONFLICT(user_id) DO UPDATE SET password_hash = excluded.password_hash",
        )
        .bind(user_id)
        .bind(hash)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM staff_sessions WHERE user_id = $1 AND id IS DISTINCT FROM $2")
            .bind(user_id)
            .bind(keep)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn create_session(&self, session: &NewSession<'_>) -> StorageResult<()> {
        sqlx::query(
            "INSERT INTO staff_sessions (id, token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(session.id)
        .bind(session.token_hash)
        .bind(session.user_id)
        .bind(session.created_at.timestamp())
        .bind(session.expires_at.timestamp())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The live session a token's hash names: (session id, user id, organization).
    pub async fn session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StorageResult<Option<(String, String, String)>> {
        let row = sqlx::query(
            "SELECT staff_sessions.id, users.id, users.org_id FROM staff_sessions JOIN users ON users.id = staff_sessions.user_id WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now.timestamp())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row
            .map(|r| Ok::<_, sqlx::Error>((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .transpose()?)
    }

    /// Whether session `id` is still live (not ended, not expired).
    pub async fn session_live(&self, id: &str, now: DateTime<Utc>) -> StorageResult<bool> {
        let row = sqlx::query("SELECT 1 FROM staff_sessions WHERE id = $1 AND expires_at > $2")
            .bind(id)
            .bind(now.timestamp())
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.is_some())
    }

    /// `user_id`'s live sessions, newest first.
    pub async fn sessions_of(
        &self,
        user_id: &str,
        now: DateTime<Utc>,
    ) -> StorageResult<Vec<(String, i64, i64)>> {
        let rows = sqlx::query(
            "SELECT id, created_at, expires_at FROM staff_sessions WHERE user_id = $1 AND expires_at > $2 ORDER BY created_at DESC, id",
        )
        .bind(user_id)
        .bind(now.timestamp())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect::<Result<_, sqlx::Error>>()?)
    }

    /// Ends one of `user_id`'s sessions; false when they have none by that id.
    pub async fn end_session(&self, user_id: &str, id: &str) -> StorageResult<bool> {
        let done = sqlx::query("DELETE FROM staff_sessions WHERE user_id = $1 AND id = $2")
            .bind(user_id)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Ends every session of `user_id` (deactivation).
    pub async fn end_sessions_of(&self, user_id: &str) -> StorageResult<()> {
        sqlx::query("DELETE FROM staff_sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// A sign-in session to store; the token itself never is.
pub struct NewSession<'a> {
    pub id: &'a str,
    pub token_hash: &'a str,
    pub user_id: &'a str,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_value_of_the_wrong_type_in_storage_is_an_error_not_a_panic() {
        let storage = Storage::open(":memory:").await.expect("opens");
        // SQLite keeps whatever it is given: a head that is not a number.
        sqlx::query("INSERT INTO org_heads (org_id, head) VALUES ('o', 'not a number')")
            .execute(&storage.pool)
            .await
            .expect("stored");
        assert!(matches!(storage.head("o").await, Err(StorageError::Sql(_))));
        assert_eq!(storage.head("other").await.expect("reads"), (0, 0));
    }

    #[tokio::test]
    async fn a_file_path_is_opened_as_named_whatever_it_holds() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a b?c#d%20e.db");
        let path = path.to_string_lossy();
        let storage = Storage::open(&path).await.expect("opens");
        assert!(!storage.has_data().await.expect("reads"));
        assert!(std::path::Path::new(&*path).exists(), "{path}");
    }
}
