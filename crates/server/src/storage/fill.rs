//! One-off data steps: the columns a migration added, filled from the documents of
//! rows written before it, once each (`lianjie_meta` remembers), each in one
//! transaction.

use super::rows::{MAX_PARAMS, Placeholders, ns, row, write_rows};
use super::{Dialect, StorageResult};
use lianjie_core::store::{Db, Record};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyPool, Row as _, Transaction};

/// Rows read at a time, so a large database is filled in bounded memory.
const CHUNK: i64 = 5_000;

pub(super) async fn fill_columns(pool: &AnyPool) -> StorageResult<()> {
    if let Some(mut tx) = begin_unless_done(pool, "columns_0004").await? {
        rewrite(
            &mut tx,
            &[
                ("shares", "token", "shares"),
                ("view_sessions", "id", "sessions"),
                ("contacts", "id", "contacts"),
                ("conversations", "id", "conversations"),
            ],
        )
        .await?;
        // A session's rep is its link's.
        sqlx::query(
            "UPDATE view_sessions SET rep_id = \
             (SELECT rep_id FROM shares WHERE shares.token = view_sessions.share_token) \
             WHERE rep_id IS NULL",
        )
        .execute(&mut *tx)
        .await?;
        finish(tx, "columns_0004").await?;
    }
    if let Some(mut tx) = begin_unless_done(pool, "columns_0008").await? {
        rewrite(&mut tx, &[("messages", "id", "messages")]).await?;
        last_inbound(&mut tx).await?;
        finish(tx, "columns_0008").await?;
    }
    if let Some(mut tx) = begin_unless_done(pool, "columns_0018").await? {
        view_readers(&mut tx).await?;
        finish(tx, "columns_0018").await?;
    }
    Ok(())
}

/// Each view's reader and start, from its document. These columns are set once, so
/// the writes leave them out of their updates, and this step sets them alone.
async fn view_readers(tx: &mut Transaction<'static, Any>) -> StorageResult<()> {
    const WIDTH: usize = 6;
    let params = Placeholders::of(tx);
    // Many rows a statement, each found by its key.
    let (head, tail) = match Dialect::of_backend(tx.backend_name()) {
        // SQLite plans an UPDATE ... FROM a list of values as a scan of the table
        // per statement (129 s at 1,000,000 views), and a statement a row waits on
        // sqlx's SQLite thread each time (46 s): an upsert of rows that exist (the
        // document left as it is). A transaction that read cannot then write over
        // another's commit, so no row deleted meanwhile comes back.
        Dialect::Sqlite => (
            "INSERT INTO view_sessions (id, share_token, reader_token, started_ns, doc, org_id) VALUES ",
            " ON CONFLICT(id) DO UPDATE SET reader_token = excluded.reader_token, \
             started_ns = excluded.started_ns",
        ),
        // PostgreSQL joins the list by key; an upsert there could bring back, with
        // no document, a row another server deleted meanwhile (a demo reset).
        Dialect::Postgres => (
            "UPDATE view_sessions SET reader_token = u.column3, started_ns = u.column4 FROM (VALUES ",
            ") AS u WHERE view_sessions.id = u.column1",
        ),
    };
    let select = "SELECT id, doc, org_id FROM view_sessions WHERE id > $1 ORDER BY id LIMIT $2";
    let mut after = String::new();
    loop {
        let chunk = next_chunk(tx, select, &mut after).await?;
        if chunk.is_empty() {
            break;
        }
        let mut views = Vec::with_capacity(chunk.len());
        for r in &chunk {
            if let Record::Session(s) = Record::from_doc("sessions", r.try_get::<&str, _>(1)?)? {
                views.push((s, r.try_get::<&str, _>(2)?));
            }
        }
        for part in views.chunks(MAX_PARAMS / WIDTH) {
            let mut sql = String::from(head);
            params.rows(&mut sql, part.len(), WIDTH);
            sql.push_str(tail);
            let query = part
                .iter()
                .fold(sqlx::query(&sql).persistent(false), |q, (s, org)| {
                    q.bind(&s.id)
                        .bind(&s.share_token)
                        .bind(s.reader_token.as_deref())
                        .bind(ns(s.started_at))
                        .bind("")
                        .bind(*org)
                });
            query.execute(&mut **tx).await?;
        }
    }
    Ok(())
}

/// A transaction for step `done`, unless it has run.
async fn begin_unless_done(
    pool: &AnyPool,
    done: &str,
) -> StorageResult<Option<Transaction<'static, Any>>> {
    let row = sqlx::query("SELECT 1 FROM lianjie_meta WHERE key = $1")
        .bind(done)
        .fetch_optional(pool)
        .await?;
    Ok(match row {
        Some(_) => None,
        None => Some(pool.begin().await?),
    })
}

/// Remembers step `done` and commits it.
async fn finish(mut tx: Transaction<'static, Any>, done: &str) -> StorageResult<()> {
    // Another server starting on the same database may have filled them meanwhile
    // (the same rows, rewritten alike).
    sqlx::query(
        "INSERT INTO lianjie_meta (key, value) VALUES ($1, 'done') ON CONFLICT (key) DO NOTHING",
    )
    .bind(done)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Rewrites every row of the tables (table, key column, record kind) from its
/// document, which sets its columns as every write now does.
async fn rewrite(
    tx: &mut Transaction<'static, Any>,
    tables: &[(&str, &str, &str)],
) -> StorageResult<()> {
    for (table, key, kind) in tables {
        let select = format!(
            "SELECT {key}, doc, org_id FROM {table} WHERE {key} > $1 ORDER BY {key} LIMIT $2"
        );
        rewrite_each(tx, &select, kind, |_, _| Ok(true)).await?;
    }
    Ok(())
}

/// Each conversation's `last_inbound_at`, from its messages (the messages' columns
/// filled first).
async fn last_inbound(tx: &mut Transaction<'static, Any>) -> StorageResult<()> {
    let select = "SELECT v.id, v.doc, v.org_id, (SELECT MAX(m.created_ns) FROM messages m \
                  WHERE m.org_id = v.org_id AND m.conversation_id = v.id AND m.direction = 'inbound') \
                  FROM conversations v WHERE v.id > $1 ORDER BY v.id LIMIT $2";
    rewrite_each(tx, select, "conversations", |record, r| {
        let at = r.try_get::<Option<i64>, _>(3)?;
        match (record, at) {
            (Record::Conversation(v), Some(at)) => {
                let at = chrono::DateTime::from_timestamp_nanos(at);
                v.last_inbound_at = v.last_inbound_at.max(Some(at));
                Ok(true)
            }
            _ => Ok(false),
        }
    })
    .await
}

/// Rewrites the rows `select` reads a chunk at a time (key, document, organization,
/// then anything `edit` needs; after key `$1`, at most `$2`), as records of `kind`
/// that `edit` changed (false: left as it is).
async fn rewrite_each(
    tx: &mut Transaction<'static, Any>,
    select: &str,
    kind: &str,
    edit: impl Fn(&mut Record, &AnyRow) -> StorageResult<bool>,
) -> StorageResult<()> {
    let empty = Db::default();
    let mut after = String::new();
    loop {
        let chunk = next_chunk(tx, select, &mut after).await?;
        if chunk.is_empty() {
            break;
        }
        let mut rows = Vec::with_capacity(chunk.len());
        for r in &chunk {
            let mut record = Record::from_doc(kind, r.try_get::<&str, _>(1)?)?;
            if edit(&mut record, r)? {
                rows.push((r.try_get::<String, _>(2)?, row(&empty, &record)));
            }
        }
        // At version 0: these rows predate the step.
        let rows: Vec<(&str, i64, &_)> = rows.iter().map(|(org, r)| (org.as_str(), 0, r)).collect();
        write_rows(tx, &rows).await?;
    }
    Ok(())
}

/// The next rows `select` reads (key first) after key `after`, at most [`CHUNK`],
/// with `after` moved past them: none once every row was read.
async fn next_chunk(
    tx: &mut Transaction<'static, Any>,
    select: &str,
    after: &mut String,
) -> StorageResult<Vec<AnyRow>> {
    let chunk = sqlx::query(select)
        .bind(&*after)
        .bind(CHUNK)
        .fetch_all(&mut **tx)
        .await?;
    if let Some(last) = chunk.last() {
        *after = last.try_get(0)?;
    }
    Ok(chunk)
}
