//! Organizations' heads, so more than one server can serve one database: a commit
//! takes its organizations' next heads first (on PostgreSQL the row lock holds each
//! organization until the commit ends; SQLite has one writer at a time anyway), and
//! every row it writes carries that head as its `version`. A server that knows an
//! organization up to head `v` catches up with the rows whose version is above `v`.

use super::StorageResult;
use lianjie_core::store::Record;
use sqlx::{AnyConnection, Row as _};

/// The channel PostgreSQL notifies when a commit logged events (a trigger on the
/// events table, migration postgres/0004), which servers listen on to relay them.
pub const CHANNEL: &str = "lianjie_events";

/// Takes `org`'s next head within the transaction on `conn`: (the new head, the
/// head of its last reset).
pub(super) async fn next(conn: &mut AnyConnection, org: &str) -> StorageResult<(i64, i64)> {
    let row = sqlx::query(
        "INSERT INTO org_heads (org_id, head) VALUES ($1, 1) \
         ON CONFLICT(org_id) DO UPDATE SET head = org_heads.head + 1 \
         RETURNING head, reset_at",
    )
    .bind(org)
    .fetch_one(&mut *conn)
    .await?;
    Ok((row.try_get(0)?, row.try_get(1)?))
}

/// Marks the commit under way as one that replaced `org`'s data whole.
pub(super) async fn reset(conn: &mut AnyConnection, org: &str) -> StorageResult<()> {
    sqlx::query("UPDATE org_heads SET reset_at = head WHERE org_id = $1")
        .bind(org)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// `org`'s committed head and the head of its last reset (0, 0 before any commit).
pub(super) async fn head(conn: &mut AnyConnection, org: &str) -> StorageResult<(i64, i64)> {
    let row = sqlx::query("SELECT head, reset_at FROM org_heads WHERE org_id = $1")
        .bind(org)
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(r) => Ok((r.try_get(0)?, r.try_get(1)?)),
        None => Ok((0, 0)),
    }
}

/// The tables whose rows are records a server holds in memory, with the kind
/// `Record::from_doc` reads, in the order their records are applied (what a record
/// refers to comes first). Messages stay in storage (see `Storage::messages_keyed`).
const RECORD_TABLES: [(&str, &str, &str); 13] = [
    ("organizations", "orgs", "id"),
    ("users", "users", "org_id"),
    ("canned_replies", "canned", "org_id"),
    ("channel_keys", "channel_keys", "org_id"),
    ("cards", "cards", "org_id"),
    ("contents", "contents", "org_id"),
    ("shares", "shares", "org_id"),
    ("view_sessions", "sessions", "org_id"),
    ("contacts", "contacts", "org_id"),
    ("customer_log", "customer_log", "org_id"),
    ("tasks", "tasks", "org_id"),
    ("deals", "deals", "org_id"),
    ("conversations", "conversations", "org_id"),
];

/// Every record of `org` but messages written after head `version`, as it is now,
/// in [`RECORD_TABLES`] order: one statement, so one consistent read. With the
/// newest head among them (`version` when there are none).
pub(super) async fn changes_since(
    conn: &mut AnyConnection,
    org: &str,
    version: i64,
) -> StorageResult<(Vec<Record>, i64)> {
    let sql = RECORD_TABLES
        .iter()
        .enumerate()
        .map(|(i, (table, _, org_column))| {
            format!("SELECT CAST({i} AS BIGINT) AS k, version, doc FROM {table} WHERE {org_column} = $1 AND version > $2")
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ")
        + " ORDER BY k";
    let rows = sqlx::query(&sql)
        .bind(org)
        .bind(version)
        .fetch_all(&mut *conn)
        .await?;
    let mut newest = version;
    let records = rows
        .iter()
        .map(|r| {
            let k: i64 = r.try_get(0)?;
            newest = newest.max(r.try_get(1)?);
            let kind = usize::try_from(k)
                .ok()
                .and_then(|k| RECORD_TABLES.get(k))
                .map_or("", |t| t.1);
            Ok(Record::from_doc(kind, r.try_get::<&str, _>(2)?)?)
        })
        .collect::<StorageResult<_>>()?;
    Ok((records, newest))
}
