//! Files that came with customers' messages, kept whole in the database (as the
//! messages are) and served by their unguessable id.

use super::rows::ns;
use super::{Storage, StorageResult};
use chrono::{DateTime, Utc};
use sqlx::Row as _;

/// A kept file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl Storage {
    /// Keeps `file` as `id` for organization `org`; a file already kept as `id`
    /// stays as it was.
    pub async fn put_file(
        &self,
        org: &str,
        id: &str,
        file: &StoredFile,
        now: DateTime<Utc>,
    ) -> StorageResult<()> {
        sqlx::query(
            "INSERT INTO files (id, org_id, name, content_type, bytes, created_ns) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(org)
        .bind(file.name.as_str())
        .bind(file.content_type.as_str())
        .bind(file.bytes.as_slice())
        .bind(ns(now))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn file(&self, id: &str) -> StorageResult<Option<StoredFile>> {
        let row = sqlx::query("SELECT name, content_type, bytes FROM files WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(StoredFile {
                name: r.try_get(0)?,
                content_type: r.try_get(1)?,
                bytes: r.try_get(2)?,
            })
        })
        .transpose()
    }
}
