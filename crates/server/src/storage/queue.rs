//! The delivery queue: replies whose delivery is queued and due, found by the
//! `messages_due` index, and claimed by one sender at a time, whichever server it
//! runs on.

use super::reads::Sql;
use super::rows::ns;
use super::{Storage, StorageResult};
use chrono::{DateTime, Utc};
use lianjie_core::inbox::Message;
use sqlx::Row as _;

/// A queued reply that is due: its organization, the message as stored, and the
/// time it was due at (what a claim checks nobody changed meanwhile).
#[derive(Debug)]
pub struct Due {
    pub org: String,
    pub message: Message,
    pub due_ns: i64,
}

impl Storage {
    /// Up to `limit` queued replies due at `now`, longest waiting first.
    pub async fn due_deliveries(&self, now: DateTime<Utc>, limit: i64) -> StorageResult<Vec<Due>> {
        let mut sql = Sql::new(self.dialect);
        sql.push("SELECT org_id, doc, next_attempt_ns FROM messages WHERE delivery_state = 'queued' AND next_attempt_ns <= ")
            .int(ns(now))
            .push(" ORDER BY next_attempt_ns LIMIT ")
            .int(limit);
        let rows = sql.query().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(Due {
                    org: r.try_get(0)?,
                    message: serde_json::from_str(r.try_get::<&str, _>(1)?)?,
                    due_ns: r.try_get(2)?,
                })
            })
            .collect()
    }

    /// Takes `due` for one sender until `until`: false when another sender took
    /// it first (or it was retried, sent or changed since it was read).
    pub async fn claim_delivery(&self, due: &Due, until: DateTime<Utc>) -> StorageResult<bool> {
        let mut sql = Sql::new(self.dialect);
        sql.push("UPDATE messages SET next_attempt_ns = ")
            .int(ns(until))
            .push(" WHERE id = ")
            .text(&due.message.id)
            .push(" AND org_id = ")
            .text(&due.org)
            .push(" AND delivery_state = 'queued' AND next_attempt_ns = ")
            .int(due.due_ns);
        Ok(sql.query().execute(&self.pool).await?.rows_affected() == 1)
    }

    /// The oldest reply in `conversation` queued and waiting for its next attempt:
    /// not one a sender is sending now, whose claim moved the due time in storage
    /// away from the one the reply itself keeps.
    pub async fn waiting_reply(&self, org: &str, conversation: &str) -> StorageResult<Option<Due>> {
        let mut sql = Sql::new(self.dialect);
        sql.push("SELECT doc, next_attempt_ns FROM messages WHERE org_id = ")
            .text(org)
            .push(" AND conversation_id = ")
            .text(conversation)
            .push(" AND delivery_state = 'queued' ORDER BY next_attempt_ns LIMIT 8");
        for r in sql.query().fetch_all(&self.pool).await? {
            let message: Message = serde_json::from_str(r.try_get::<&str, _>(0)?)?;
            let due_ns: i64 = r.try_get(1)?;
            let kept = message
                .delivery
                .as_ref()
                .and_then(|d| d.next_attempt_at)
                .map(ns);
            if kept == Some(due_ns) {
                return Ok(Some(Due {
                    org: org.to_owned(),
                    message,
                    due_ns,
                }));
            }
        }
        Ok(None)
    }

    /// Message `id`, in whichever of `org`'s conversations, as stored.
    pub async fn message_by_id(&self, org: &str, id: &str) -> StorageResult<Option<Message>> {
        let mut sql = Sql::new(self.dialect);
        sql.push("SELECT doc FROM messages WHERE id = ")
            .text(id)
            .push(" AND org_id = ")
            .text(org);
        match sql.query().fetch_optional(&self.pool).await? {
            Some(row) => Ok(Some(serde_json::from_str(row.try_get::<&str, _>(0)?)?)),
            None => Ok(None),
        }
    }
}
