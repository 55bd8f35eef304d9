//! Views read by what an operation names (`ViewKeys`), as of the head a copy knows:
//! the server holds no views between operations (docs/server-memory.md). A commit
//! that changes a view logs it as it was (`view_priors`), so another server catching
//! up counts it out of its tallies as it counted it in.

use super::reads::Sql;
use super::rows::{Batch, MAX_PARAMS, Placeholders, Row, ns};
use super::{Storage, StorageResult};
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

/// What `keys` name of `org`'s views. With `known`, as a copy at that head counted
/// them: a view a later commit changed comes as it was before (its prior), one a
/// later commit issued is left out; `None` when priors since `known` are pruned
/// (read the organization again). Without, as stored (the writer, at the head).
pub(super) async fn views_as_of(
    conn: &mut sqlx::AnyConnection,
    org: &str,
    keys: &ViewKeys,
    known: Option<i64>,
) -> StorageResult<Option<Vec<StoredView>>> {
    let mut found: BTreeMap<String, String> = BTreeMap::new();
    // A statement per chunk of keys of one column: mostly one or three in all.
    let columns = [
        ("id", &keys.ids),
        ("share_token", &keys.links),
        ("reader_token", &keys.readers),
    ];
    for (column, set) in columns {
        let set: Vec<String> = set.iter().cloned().collect();
        for chunk in set.chunks(MAX_PARAMS / 2) {
            let mut sql = Sql::default();
            sql.push("SELECT id, doc FROM view_sessions WHERE org_id = ")
                .text(org)
                .push(&format!(" AND {column} IN "))
                .list(chunk);
            for row in sql.query().fetch_all(&mut *conn).await? {
                found.insert(row.try_get(0)?, row.try_get(1)?);
            }
        }
    }
    if let Some(known) = known
        && !found.is_empty()
    {
        let ids: Vec<String> = found.keys().cloned().collect();
        let mut earliest: BTreeMap<String, Option<String>> = BTreeMap::new();
        for chunk in ids.chunks(MAX_PARAMS / 2) {
            let mut sql = Sql::default();
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
        let from: Option<i64> = sqlx::query("SELECT priors_from FROM org_heads WHERE org_id = $1")
            .bind(org)
            .fetch_optional(&mut *conn)
            .await?
            .map(|r| r.try_get(0))
            .transpose()?;
        if from.is_some_and(|from| known + 1 < from) {
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

/// Logs `priors` at their organizations' heads.
pub(super) async fn log_priors(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    priors: &[Prior],
    head: impl Fn(&str) -> i64,
    now: DateTime<Utc>,
) -> StorageResult<()> {
    let params = Placeholders::of(tx);
    let at = ns(now);
    for chunk in priors.chunks(MAX_PARAMS / 5) {
        let mut sql =
            String::from("INSERT INTO view_priors (org_id, version, id, doc, at_ns) VALUES ");
        params.rows(&mut sql, chunk.len(), 5);
        // The same view twice in one commit keeps the first: as it was before it.
        sql.push_str(" ON CONFLICT DO NOTHING");
        let query = chunk
            .iter()
            .fold(sqlx::query(&sql).persistent(false), |q, p| {
                q.bind(p.org.as_str())
                    .bind(head(&p.org))
                    .bind(p.id.as_str())
                    .bind(p.doc.as_deref())
                    .bind(at)
            });
        query.execute(&mut **tx).await?;
    }
    Ok(())
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

    /// Deletes priors logged before `cutoff`, first marking each organization's
    /// heads from which they are all still kept.
    pub async fn prune_priors(&self, cutoff: DateTime<Utc>) -> StorageResult<u64> {
        let mut tx = self.pool.begin().await?;
        let cutoff = ns(cutoff);
        sqlx::query(
            "UPDATE org_heads SET priors_from = p.through + 1 FROM \
             (SELECT org_id, MAX(version) AS through FROM view_priors WHERE at_ns < $1 \
              GROUP BY org_id) AS p WHERE org_heads.org_id = p.org_id",
        )
        .bind(cutoff)
        .execute(&mut *tx)
        .await?;
        let done = sqlx::query(
            "DELETE FROM view_priors WHERE version < \
             (SELECT priors_from FROM org_heads WHERE org_heads.org_id = view_priors.org_id)",
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }
}
