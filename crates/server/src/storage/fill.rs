//! One-off data steps: the columns a migration added, filled from the documents of
//! rows written before it, once (`lianjie_meta` remembers), in one transaction.

use super::StorageResult;
use super::rows::{row, write_rows};
use lianjie_core::store::{Db, Record};
use sqlx::{AnyPool, Row as _};

/// Rows read at a time, so a large database is filled in bounded memory.
const CHUNK: i64 = 5_000;

pub(super) async fn fill_columns(pool: &AnyPool) -> StorageResult<()> {
    const DONE: &str = "columns_0004";
    let done = sqlx::query("SELECT 1 FROM lianjie_meta WHERE key = $1")
        .bind(DONE)
        .fetch_optional(pool)
        .await?;
    if done.is_some() {
        return Ok(());
    }
    let empty = Db::default();
    let mut tx = pool.begin().await?;
    for (table, key, kind) in [
        ("shares", "token", "shares"),
        ("view_sessions", "id", "sessions"),
        ("contacts", "id", "contacts"),
        ("conversations", "id", "conversations"),
    ] {
        let mut after = String::new();
        loop {
            let chunk = sqlx::query(&format!(
                "SELECT {key}, doc, org_id FROM {table} WHERE {key} > $1 ORDER BY {key} LIMIT $2"
            ))
            .bind(&after)
            .bind(CHUNK)
            .fetch_all(&mut *tx)
            .await?;
            let Some(last) = chunk.last() else { break };
            after = last.try_get(0)?;
            let mut rows = Vec::with_capacity(chunk.len());
            for r in &chunk {
                let record = Record::from_doc(kind, r.try_get::<&str, _>(1)?)?;
                rows.push((r.try_get::<String, _>(2)?, row(&empty, &record)));
            }
            // Rewriting the rows sets their columns as every write now does (at
            // version 0: these databases predate heads, and no document changes).
            let rows: Vec<(&str, i64, &_)> =
                rows.iter().map(|(org, r)| (org.as_str(), 0, r)).collect();
            write_rows(&mut tx, &rows).await?;
        }
    }
    // A session's rep is its link's.
    sqlx::query(
        "UPDATE view_sessions SET rep_id = \
         (SELECT rep_id FROM shares WHERE shares.token = view_sessions.share_token) \
         WHERE rep_id IS NULL",
    )
    .execute(&mut *tx)
    .await?;
    // Another server starting on the same database may have filled them meanwhile
    // (the same rows, rewritten alike).
    sqlx::query(
        "INSERT INTO lianjie_meta (key, value) VALUES ($1, 'done') ON CONFLICT (key) DO NOTHING",
    )
    .bind(DONE)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
