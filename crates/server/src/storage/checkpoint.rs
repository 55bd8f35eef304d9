//! An organization's running tallies saved between a server's runs: counting every
//! view again took most of a start at a million views (1.7 of 2.2 s on SQLite). A
//! server saves its copy's tallies, and the links they count through, with the head
//! they count when it stops or falls idle (`writer.rs`). One that starts, built from
//! the same core (build.rs), takes them back instead of counting: as they are at the
//! same head; at a later one brought up by the commits since, as a copy catching up
//! with another server is, while the views' priors since are kept (`load.rs`).

use super::{Storage, StorageResult};
use lianjie_core::store::{Db, SavedTallies};
use sqlx::Row as _;

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

impl Storage {
    /// Saves tallies (see [`tallies_doc`]) as the count of `org` at `head`, unless
    /// `org` has moved on since (a commit of another server's, or one still under
    /// way): then they would count nothing a start finds. Whether they were saved.
    pub async fn save_tallies(&self, org: &str, head: i64, doc: Vec<u8>) -> StorageResult<bool> {
        let done = sqlx::query(
            "INSERT INTO tally_checkpoints (org_id, head, rules, doc) \
             SELECT $1, $2, $3, $4 WHERE (SELECT head FROM org_heads WHERE org_id = $1) = $2 \
             ON CONFLICT (org_id) DO UPDATE SET head = excluded.head, rules = excluded.rules, \
             doc = excluded.doc",
        )
        .bind(org)
        .bind(head)
        .bind(RULES)
        .bind(doc)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }
}
