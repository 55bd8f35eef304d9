//! Email conversations' threads: kept beside the conversation (not in it: only
//! the email adapter reads them), so replies carry the headers that thread them.

use super::reads::Sql;
use super::{Storage, StorageResult};
use sqlx::Row as _;

/// How many of a thread's Message-IDs are kept (and sent in `References`).
const KEPT_IDS: usize = 20;

/// A conversation's thread: its subject, and its Message-IDs, oldest first.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct MailThread {
    pub subject: String,
    pub ids: Vec<String>,
}

impl Storage {
    pub async fn mail_thread(&self, org: &str, conversation: &str) -> StorageResult<MailThread> {
        let mut sql = Sql::new(self.dialect);
        sql.push("SELECT subject, refs FROM mail_threads WHERE org_id = ")
            .text(org)
            .push(" AND conversation_id = ")
            .text(conversation);
        Ok(match sql.query().fetch_optional(&self.pool).await? {
            Some(row) => MailThread {
                subject: row.try_get(0)?,
                ids: row
                    .try_get::<&str, _>(1)?
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect(),
            },
            None => MailThread::default(),
        })
    }

    /// Notes mail `message_id` in `conversation`'s thread; `subject` replaces the
    /// thread's when not empty.
    pub async fn note_mail(
        &self,
        org: &str,
        conversation: &str,
        subject: &str,
        message_id: &str,
    ) -> StorageResult<()> {
        let mut thread = self.mail_thread(org, conversation).await?;
        if !subject.trim().is_empty() {
            thread.subject = subject.trim().to_owned();
        }
        if !thread.ids.iter().any(|id| id == message_id) {
            thread.ids.push(message_id.to_owned());
        }
        let skip = thread.ids.len().saturating_sub(KEPT_IDS);
        let refs = thread.ids[skip..].join(" ");
        let mut sql = Sql::new(self.dialect);
        sql.push("INSERT INTO mail_threads (org_id, conversation_id, subject, refs) VALUES (")
            .text(org)
            .push(", ")
            .text(conversation)
            .push(", ")
            .text(&thread.subject)
            .push(", ")
            .text(&refs)
            .push(") ON CONFLICT (org_id, conversation_id) DO UPDATE SET subject = excluded.subject, refs = excluded.refs");
        sql.query().execute(&self.pool).await?;
        Ok(())
    }
}
