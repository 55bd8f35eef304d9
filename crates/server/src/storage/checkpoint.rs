//! An organization's running tallies saved between a server's runs: counting every
//! view again took most of a start at a million views (1.7 of 2.2 s on SQLite). A
//! server saves its copy's tallies with the head they count when it stops, falls
//! idle, or every few minutes under writes (`writer.rs`), and a copy of the links
//! they count through beside them, brought up save after save. One
//! that starts, built from the same core (build.rs), takes them back instead of
//! counting: as they are at the same head; at a later one brought up by the commits
//! since, as a copy catching up with another server is, while the views' priors
//! since are kept (`load.rs`).

use super::reads::Sql;
use super::rows::MAX_PARAMS;
use super::{Storage, StorageResult};
use lianjie_core::share::Share;
use lianjie_core::store::{Db, SavedTallies};
use sqlx::Row as _;
use std::collections::BTreeMap;

/// The core build whose structures and rules counted the tallies (see build.rs).
const RULES: &str = env!("LIANJIE_TALLY_RULES");

/// The tallies last saved for `org` by a server of this build, and the head they
/// count, if any and readable: a damaged row is counted again, not an error.
pub(super) async fn saved(
    conn: &mut sqlx::AnyConnection,
    org: &str,
) -> StorageResult<Option<(i64, SavedTallies)>> {
    let row =
        sqlx::query("SELECT head, doc FROM tally_checkpoints WHERE org_id = $1 AND rules = $2")
            .bind(org)
            .bind(RULES)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let (head, doc): (i64, Vec<u8>) = (row.try_get(0)?, row.try_get(1)?);
    Ok(postcard::from_bytes(&doc).ok().map(|saved| (head, saved)))
}

/// `db`'s tallies as [`Storage::save_tallies`] saves them.
pub fn tallies_doc(db: &Db) -> StorageResult<Vec<u8>> {
    postcard::to_allocvec(&db.saved_tallies())
        .map_err(|e| super::StorageError::Checkpoint(e.to_string()))
}

/// The links `tokens` as they were when `org`'s tallies were saved at head `at`,
/// those that were there then (see [`Storage::save_tallies`]); none if a row does
/// not read back, or a save at another head came while they were read (inside a
/// commit, where each statement sees its own moment): count the views then.
pub(super) async fn links_then(
    conn: &mut sqlx::AnyConnection,
    org: &str,
    at: i64,
    tokens: &[String],
) -> StorageResult<Option<BTreeMap<String, Share>>> {
    let mut then = BTreeMap::new();
    for chunk in tokens.chunks(MAX_PARAMS / 2) {
        let mut sql = Sql::on(conn);
        sql.push("SELECT token, doc FROM tally_checkpoint_links WHERE org_id = ")
            .text(org)
            .push(" AND token IN ")
            .list(chunk);
        for row in sql.query().fetch_all(&mut *conn).await? {
            let Ok((token, link)) = super::key_and_doc(&row) else {
                return Ok(None);
            };
            then.insert(token, link);
        }
    }
    let head: Option<i64> =
        sqlx::query("SELECT head FROM tally_checkpoints WHERE org_id = $1 AND rules = $2")
            .bind(org)
            .bind(RULES)
            .fetch_optional(&mut *conn)
            .await?
            .map(|r| r.try_get(0))
            .transpose()?;
    Ok((head == Some(at)).then_some(then))
}

/// The head `org`'s copy of its links was taken at, if there is one since its last
/// reset (a row for `$1`, the organization).
const COPIED: &str = "SELECT c.links_head FROM tally_checkpoints c \
     JOIN org_heads h ON h.org_id = c.org_id \
     WHERE c.org_id = $1 AND c.links_head >= h.reset_at";

/// A save of an organization's tallies whose moment is fixed when it begins
/// ([`Storage::begin_save`]). On PostgreSQL that is a snapshot: the links it copies
/// and the head it checks are those of that moment, so the rest of the save (about
/// 1.5 s at a million views, writing the document) may run while later commits land
/// (see [`TallySave::beside_commits`]). SQLite has one writer at a time: there the
/// save's transaction takes the database's write lock, and whoever saves must not
/// commit until it ends.
pub struct TallySave {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    org: String,
    /// The organization's head at the save's moment (PostgreSQL).
    at: Option<i64>,
}

impl Storage {
    /// Begins saving `org`'s tallies. Begun before the tallies are taken, so that
    /// on PostgreSQL its moment is the head a server's copy holds unless another
    /// server committed since (see [`TallySave::head`]).
    pub async fn begin_save(&self, org: &str) -> StorageResult<TallySave> {
        let mut tx = self.one_moment(false).await?;
        let at = if self.dialect == super::Dialect::Postgres {
            // Its first read takes the moment every later statement sees.
            Some(super::heads::head(&mut tx, org).await?.0)
        } else {
            None
        };
        Ok(TallySave {
            tx,
            org: org.to_owned(),
            at,
        })
    }

    /// Saves tallies (see [`tallies_doc`]) as the count of `org` at `head`, if
    /// that is still its head (see [`TallySave::finish`]). Whether they were saved.
    pub async fn save_tallies(&self, org: &str, head: i64, doc: Vec<u8>) -> StorageResult<bool> {
        let save = self.begin_save(org).await?;
        if save.head().is_some_and(|at| at != head) {
            return Ok(false);
        }
        save.finish(head, doc).await
    }
}

impl TallySave {
    /// Whether the save may finish while its server commits (PostgreSQL).
    pub fn beside_commits(&self) -> bool {
        self.at.is_some()
    }

    /// The organization's head at the save's moment, on PostgreSQL: tallies of a
    /// copy at another head would count nothing a start finds. On SQLite none: the
    /// head is checked as the save ends.
    pub fn head(&self) -> Option<i64> {
        self.at
    }

    /// Writes the tallies as the count at `head`, with a copy of the organization's
    /// links as they were then, unless its head at the save's moment (PostgreSQL)
    /// or now (SQLite) is another. Whether they were saved; a save not finished is
    /// rolled back when dropped.
    pub async fn finish(self, head: i64, doc: Vec<u8>) -> StorageResult<bool> {
        let TallySave { mut tx, org, .. } = self;
        let org = org.as_str();
        // The copy a save left is brought up with the links changed since (links
        // are deleted only by a reset); without one, or from before a reset, the
        // links are copied afresh. A write first: SQLite's transaction then holds
        // the database's write lock from its first statement.
        sqlx::query(&format!(
            "DELETE FROM tally_checkpoint_links WHERE org_id = $1 AND NOT EXISTS ({COPIED})"
        ))
        .bind(org)
        .execute(&mut *tx)
        .await?;
        // Another server saving this moment may have written rows this transaction
        // did not see: they are the same links, taken over (on PostgreSQL a row
        // another save wrote after the snapshot fails this one instead, which is
        // tried again later).
        sqlx::query(&format!(
            "INSERT INTO tally_checkpoint_links (org_id, token, doc) \
             SELECT org_id, token, doc FROM shares WHERE org_id = $1 \
             AND version > COALESCE(({COPIED}), -1) \
             ON CONFLICT (org_id, token) DO UPDATE SET doc = excluded.doc"
        ))
        .bind(org)
        .execute(&mut *tx)
        .await?;
        // Asked after the links were copied, in the moment they were copied from
        // (PostgreSQL's snapshot; SQLite's transaction writes first, alone): a head
        // still `head` here means the copy holds the links at `head`. A save at a
        // later head that another server committed meanwhile stays: this one's copy
        // may have overwritten some of its links, and is rolled back.
        let done = sqlx::query(
            "INSERT INTO tally_checkpoints (org_id, head, rules, doc, links_head) \
             SELECT $1, $2, $3, $4, $2 WHERE (SELECT head FROM org_heads WHERE org_id = $1) = $2 \
             ON CONFLICT (org_id) DO UPDATE SET head = excluded.head, rules = excluded.rules, \
             doc = excluded.doc, links_head = excluded.links_head \
             WHERE tally_checkpoints.head <= excluded.head",
        )
        .bind(org)
        .bind(head)
        .bind(RULES)
        .bind(doc)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        tx.commit().await?;
        Ok(true)
    }
}
