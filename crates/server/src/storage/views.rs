//! Views read by what an operation names (`ViewKeys`), as of the head a copy knows:
//! the server holds no views between operations (docs/server-memory.md). A commit
//! that changes a view logs it as it was (`view_priors`), so another server catching
//! up counts it out of its tallies as it counted it in.

use super::load::SEPARATOR;
use super::reads::Sql;
use super::rows::{Batch, MAX_PARAMS, Row, ns};
use super::writes::{Val, Writes};
use super::{Dialect, Storage, StorageResult};
use chrono::{DateTime, Utc};
use lianjie_core::store::ViewKeys;
use lianjie_core::tracking::ViewSession;
use sqlx::Row as _;
use std::collections::BTreeMap;

/// A view as stored: the record, and its document as written (what a commit that
/// changes it logs as its prior).
pub struct StoredView {
    pub view: ViewSession,
    pub doc: String,
}

/// A view as it was before a commit changed it (`None`: the commit issued it).
pub struct Prior {
    pub org: String,
    pub id: String,
    pub doc: Option<String>,
}

impl Prior {
    /// The priors of the views `batches` change: their documents as read before
    /// the operations ran (`read`, by organization and id), none for a view they
    /// issued. A batch that replaces the data whole logs none: other servers read
    /// it again.
    pub fn of(batches: &[&Batch], read: impl Fn(&str, &str) -> Option<String>) -> Vec<Prior> {
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for batch in batches.iter().filter(|b| !b.clear_first) {
            for row in &batch.rows {
                if let Row::Session { id, .. } = row
                    && seen.insert((batch.org.as_str(), id.as_str()))
                {
                    out.push(Prior {
                        org: batch.org.clone(),
                        id: id.clone(),
                        doc: read(&batch.org, id),
                    });
                }
            }
        }
        out
    }
}

/// How long priors are kept: a server further behind reads its organizations again.
pub const PRIORS_KEPT: chrono::Duration = chrono::Duration::minutes(10);

/// Most priors one pruning transaction deletes.
const PRIORS_BATCH: i64 = 20_000;

/// Whether the priors of every view a commit after head `known` changed are all
/// still kept (see [`Storage::prune_priors`]).
pub(super) async fn priors_kept_since(
    conn: &mut sqlx::AnyConnection,
    org: &str,
    known: i64,
) -> StorageResult<bool> {
    let from: Option<i64> = sqlx::query("SELECT priors_from FROM org_heads WHERE org_id = $1")
        .bind(org)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?;
    Ok(from.is_none_or(|from| from <= known + 1))
}

/// What `keys` name of `org`'s views. With `known`, as a copy at that head counted
/// them: a view a later commit changed comes as it was before (its prior), one a
/// later commit issued is left out; `None` when one changed since and the priors
/// since `known` are pruned (read the organization again). Without, as stored (the
/// writer, at the head).
pub(super) async fn views_as_of(
    conn: &mut sqlx::AnyConnection,
    org: &str,
    keys: &ViewKeys,
    known: Option<i64>,
) -> StorageResult<Option<Vec<StoredView>>> {
    let mut found: BTreeMap<String, String> = BTreeMap::new();
    // The newest head that wrote any of them: at most `known`, none changed since.
    let mut newest = 0;
    // A statement per chunk of keys of one column: mostly one or three in all.
    let columns = [
        ("id", &keys.ids),
        ("share_token", &keys.links),
        ("reader_token", &keys.readers),
    ];
    for (column, set) in columns {
        let set: Vec<String> = set.iter().cloned().collect();
        for chunk in set.chunks(MAX_PARAMS / 2) {
            let from = |sql: &mut Sql| {
                sql.push(" FROM view_sessions WHERE org_id = ")
                    .text(org)
                    .push(&format!(" AND {column} IN "))
                    .list(chunk);
            };
            let (rows, top) = ids_and_docs(conn, from).await?;
            found.extend(rows);
            newest = newest.max(top);
        }
    }
    // Priors only when a commit after the copy's head wrote one of them (on a lone
    // server, never: its copy knows every commit).
    if let Some(known) = known
        && newest > known
    {
        let ids: Vec<String> = found.keys().cloned().collect();
        let mut earliest: BTreeMap<String, Option<String>> = BTreeMap::new();
        for chunk in ids.chunks(MAX_PARAMS / 2) {
            let mut sql = Sql::on(conn);
            sql.push("SELECT id, doc FROM view_priors WHERE org_id = ")
                .text(org)
                .push(" AND version > ")
                .int(known)
                .push(" AND id IN ")
                .list(chunk)
                .push(" ORDER BY version");
            for row in sql.query().fetch_all(&mut *conn).await? {
                earliest.entry(row.try_get(0)?).or_insert(row.try_get(1)?);
            }
        }
        // Read after the priors: a pruning that took some of them shows here.
        if !priors_kept_since(conn, org, known).await? {
            return Ok(None);
        }
        for (id, prior) in earliest {
            match prior {
                Some(doc) => found.insert(id, doc),
                None => found.remove(&id),
            };
        }
    }
    found
        .into_values()
        .map(|doc| {
            Ok(StoredView {
                view: serde_json::from_str(&doc)?,
                doc,
            })
        })
        .collect::<StorageResult<_>>()
        .map(Some)
}

/// The (id, document) rows `from` selects (it writes a statement's `FROM` on), and
/// the newest version among them (0 for none): on SQLite joined into one row by
/// the database and split here, as a start reads its pages (sqlx hands each row
/// over from its SQLite thread on its own, which cost ingest more than reading
/// them: 2,290-4,571 snapshots/s at 100k, each group reading its readers'
/// visits); row by row if a key holds the joining character.
async fn ids_and_docs(
    conn: &mut sqlx::AnyConnection,
    from: impl Fn(&mut Sql),
) -> StorageResult<(Vec<(String, String)>, i64)> {
    if Dialect::of_backend(conn.backend_name()) == Dialect::Sqlite {
        let mut joined = Sql::on(conn);
        joined
            .push("SELECT count(*), string_agg(id, ")
            .text(&SEPARATOR.to_string())
            .push("), string_agg(doc, ")
            .text(&SEPARATOR.to_string())
            .push("), max(version)");
        from(&mut joined);
        let row = joined.query().fetch_one(&mut *conn).await?;
        let count: i64 = row.try_get(0)?;
        if count == 0 {
            return Ok((Vec::new(), 0));
        }
        let ids: String = row.try_get(1)?;
        let docs: String = row.try_get(2)?;
        let newest: i64 = row.try_get(3)?;
        let split =
            |text: &str| -> Vec<String> { text.split(SEPARATOR).map(str::to_owned).collect() };
        let (ids, docs) = (split(&ids), split(&docs));
        if i64::try_from(ids.len()) == Ok(count) && ids.len() == docs.len() {
            return Ok((ids.into_iter().zip(docs).collect(), newest));
        }
    }
    let mut rows = Sql::on(conn);
    rows.push("SELECT id, doc, version");
    from(&mut rows);
    let mut out = Vec::new();
    let mut newest = 0;
    for row in rows.query().fetch_all(&mut *conn).await? {
        out.push((row.try_get(0)?, row.try_get(1)?));
        newest = newest.max(row.try_get(2)?);
    }
    Ok((out, newest))
}

/// Adds the logging of `priors` at their organizations' heads, at `at` (ns).
pub(super) fn log_priors<'a>(
    writes: &mut Writes<'a>,
    priors: &'a [Prior],
    head: impl Fn(&str) -> i64,
    at: i64,
) {
    let vals = priors
        .iter()
        .flat_map(|p| {
            [
                Val::Text(&p.org),
                Val::Int(head(&p.org)),
                Val::Text(&p.id),
                Val::MaybeText(p.doc.as_deref()),
                Val::Int(at),
            ]
        })
        .collect();
    // The same view twice in one commit keeps the first: as it was before it.
    writes.rows(
        "INSERT INTO view_priors (org_id, version, id, doc, at_ns)",
        "ON CONFLICT DO NOTHING",
        5,
        vals,
    );
}

impl Storage {
    /// What `keys` name of `org`'s views as a copy at head `known` counted them
    /// (see [`views_as_of`]); `None`: read the organization again.
    pub async fn views_as_of(
        &self,
        org: &str,
        keys: &ViewKeys,
        known: Option<i64>,
    ) -> StorageResult<Option<Vec<StoredView>>> {
        views_as_of(&mut *self.pool.acquire().await?, org, keys, known).await
    }

    /// Deletes priors logged before `cutoff`, the oldest [`PRIORS_BATCH`] of an
    /// organization a transaction (the writer waits for each), first marking from
    /// which head they are all still kept. Returns how many went.
    pub async fn prune_priors(&self, cutoff: DateTime<Utc>) -> StorageResult<u64> {
        let orgs: Vec<String> = sqlx::query("SELECT org_id FROM org_heads")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        let mut done = 0;
        for org in orgs {
            loop {
                // Read before the transaction, which then begins by writing: on
                // SQLite one that read first could not write after another commit.
                let through: Option<i64> = sqlx::query(
                    "SELECT MAX(version) FROM (SELECT version, at_ns FROM view_priors \
                     WHERE org_id = $1 ORDER BY version LIMIT $2) AS oldest WHERE at_ns < $3",
                )
                .bind(&org)
                .bind(PRIORS_BATCH)
                .bind(ns(cutoff))
                .fetch_one(&self.pool)
                .await?
                .try_get(0)?;
                let Some(through) = through else {
                    break;
                };
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "UPDATE org_heads SET priors_from = $2 + 1 \
                     WHERE org_id = $1 AND priors_from <= $2",
                )
                .bind(&org)
                .bind(through)
                .execute(&mut *tx)
                .await?;
                let gone =
                    sqlx::query("DELETE FROM view_priors WHERE org_id = $1 AND version <= $2")
                        .bind(&org)
                        .bind(through)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                tx.commit().await?;
                done += gone;
                if gone < PRIORS_BATCH as u64 {
                    break;
                }
            }
        }
        Ok(done)
    }
}
