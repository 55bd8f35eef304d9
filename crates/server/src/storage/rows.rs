//! Records as rows: a document (the record as JSON, read back whole) beside the real
//! columns that lists filter, sort, join and count by, and the SQL that writes them.

use super::{StorageResult, doc};
use chrono::{DateTime, Utc};
use lianjie_core::api::Event;
use lianjie_core::inbox::ConversationStatus;
use lianjie_core::store::{Change, Db, Record};
use sqlx::{Any, Transaction};

/// One record, serialized while the store lock is held and written afterwards.
#[derive(Debug)]
pub enum Row {
    /// Tables keyed by `id` with only a document.
    Doc {
        table: &'static str,
        id: String,
        doc: String,
    },
    User {
        id: String,
        email: String,
        doc: String,
    },
    /// A password for an account that has none yet (seeded staff): an existing
    /// password is never replaced by a seed or a reset.
    Credential {
        user_id: String,
        hash: String,
    },
    Org {
        id: String,
        doc: String,
    },
    Share {
        token: String,
        parent: Option<String>,
        rep_id: String,
        doc: String,
    },
    Session {
        id: String,
        share_token: String,
        /// The rep the session's link credits (the radar's scope).
        rep_id: Option<String>,
        last_seen_ns: i64,
        visible_ms: i64,
        doc: String,
    },
    Contact {
        id: String,
        owner_id: Option<String>,
        name: String,
        doc: String,
    },
    Conversation(Box<ConversationRow>),
    Message {
        id: String,
        conversation_id: String,
        created_at: String,
        doc: String,
    },
}

/// A conversation's columns: what the inbox filters, sorts and counts by.
#[derive(Debug)]
pub struct ConversationRow {
    id: String,
    contact_id: String,
    channel: &'static str,
    status: &'static str,
    snoozed_until_ns: Option<i64>,
    assignee_id: Option<String>,
    labels: Vec<String>,
    last_message_ns: i64,
    preview_lower: String,
    unread: i64,
    intent: i64,
    doc: String,
}

/// A time as stored in columns: nanoseconds since 1970, exact for every time
/// chrono holds in practice (the range ends in 2262).
pub fn ns(at: DateTime<Utc>) -> i64 {
    at.timestamp_nanos_opt().unwrap_or(i64::MAX)
}

/// A conversation status's name in the `status` column.
pub fn status_name(status: ConversationStatus) -> &'static str {
    match status {
        ConversationStatus::Open => "open",
        ConversationStatus::Pending => "pending",
        ConversationStatus::Snoozed { .. } => "snoozed",
        ConversationStatus::Resolved => "resolved",
    }
}

/// What one operation writes: its rows and its event, atomically.
#[derive(Debug, Default)]
pub struct Batch {
    /// The organization every row belongs to.
    pub org: String,
    /// Empty every domain table of the organization first (first start, demo reset).
    pub clear_first: bool,
    pub rows: Vec<Row>,
    /// (time, JSON) of the event to log for SSE.
    pub event: Option<(String, String)>,
}

impl Batch {
    pub fn new(
        org: &str,
        rows: Vec<Row>,
        event: Option<&Event>,
        now: DateTime<Utc>,
    ) -> StorageResult<Batch> {
        let event = match event {
            Some(e) => Some((now.to_rfc3339(), doc(e)?)),
            None => None,
        };
        Ok(Batch {
            org: org.to_owned(),
            clear_first: false,
            rows,
            event,
        })
    }

    /// Everything in `db`, replacing what its organization has stored; every staff
    /// member without a password gets `password_hash`.
    pub fn replace_all(db: &Db, password_hash: &str) -> StorageResult<Batch> {
        let mut rows = Vec::new();
        // Users come first in `records`, so each credential follows its user.
        for record in db.records() {
            rows.push(row(db, &record));
            if let Record::User(u) = &record {
                rows.push(Row::Credential {
                    user_id: u.id.clone(),
                    hash: password_hash.to_owned(),
                });
            }
        }
        Ok(Batch {
            org: db.org.id.clone(),
            clear_first: true,
            rows,
            event: None,
        })
    }
}

/// The rows to write for `changes`, read from `db` now.
pub fn rows_for(db: &Db, changes: &[Change]) -> Vec<Row> {
    changes
        .iter()
        .filter_map(|c| db.record(c))
        .map(|r| row(db, &r))
        .collect()
}

/// The row that stores one record: its document, plus its table's columns (a
/// session's rep is its link's, looked up in `db`).
pub(super) fn row(db: &Db, record: &Record) -> Row {
    let doc = record.to_doc();
    match record {
        Record::Org(o) => Row::Org {
            id: o.id.clone(),
            doc,
        },
        Record::User(u) => Row::User {
            id: u.id.clone(),
            email: u.email.to_lowercase(),
            doc,
        },
        Record::Share(s) => Row::Share {
            token: s.token.clone(),
            parent: s.parent.clone(),
            rep_id: s.rep_id.clone(),
            doc,
        },
        Record::Session(s) => Row::Session {
            id: s.id.clone(),
            share_token: s.share_token.clone(),
            rep_id: db.shares.get(&s.share_token).map(|l| l.rep_id.clone()),
            last_seen_ns: ns(s.last_seen_at),
            visible_ms: i64::try_from(s.totals.visible_ms).unwrap_or(i64::MAX),
            doc,
        },
        Record::Contact(c) => Row::Contact {
            id: c.id.clone(),
            owner_id: c.owner_id.clone(),
            name: c.name.clone(),
            doc,
        },
        Record::Conversation(v) => Row::Conversation(Box::new(ConversationRow {
            id: v.id.clone(),
            contact_id: v.contact_id.clone(),
            channel: v.channel.slug(),
            status: status_name(v.status),
            snoozed_until_ns: match v.status {
                ConversationStatus::Snoozed { until } => Some(ns(until)),
                _ => None,
            },
            assignee_id: v.assignee_id.clone(),
            labels: v.labels.clone(),
            last_message_ns: ns(v.last_message_at),
            preview_lower: v.last_preview.to_lowercase(),
            unread: v.unread.into(),
            intent: v.intent.into(),
            doc,
        })),
        Record::Message(m) => Row::Message {
            id: m.id.clone(),
            conversation_id: m.conversation_id.clone(),
            created_at: m.created_at.to_rfc3339(),
            doc,
        },
        Record::Canned(c) => Row::Doc {
            table: "canned_replies",
            id: c.id.clone(),
            doc,
        },
        Record::Card(_) | Record::Content(_) | Record::ChannelKey(_) => Row::Doc {
            table: record.kind(),
            id: record.key().to_owned(),
            doc,
        },
    }
}

/// The upsert for a document-only table (a fixed set, so the SQL is static).
fn doc_upsert(table: &str) -> &'static str {
    match table {
        "cards" => {
            "INSERT INTO cards (id, doc, org_id) VALUES ($1, $2, $3) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc WHERE cards.org_id = excluded.org_id"
        }
        "contents" => {
            "INSERT INTO contents (id, doc, org_id) VALUES ($1, $2, $3) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc WHERE contents.org_id = excluded.org_id"
        }
        "channel_keys" => {
            "INSERT INTO channel_keys (id, doc, org_id) VALUES ($1, $2, $3) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc WHERE channel_keys.org_id = excluded.org_id"
        }
        _ => {
            "INSERT INTO canned_replies (id, doc, org_id) VALUES ($1, $2, $3) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc WHERE canned_replies.org_id = excluded.org_id"
        }
    }
}

pub(super) async fn write_rows(
    tx: &mut Transaction<'_, Any>,
    org: &str,
    rows: &[Row],
) -> StorageResult<()> {
    for row in rows {
        let query = match row {
            Row::Doc { table, id, doc } => sqlx::query(doc_upsert(table)).bind(id).bind(doc),
            Row::Org { id, doc } => sqlx::query(
                "INSERT INTO organizations (id, doc) VALUES ($1, $2) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc",
            )
            .bind(id)
            .bind(doc),
            Row::User { id, email, doc } => sqlx::query(
                "INSERT INTO users (id, email, doc, org_id) VALUES ($1, $2, $3, $4) ON CONFLICT(id) DO UPDATE SET email = excluded.email, doc = excluded.doc WHERE users.org_id = excluded.org_id",
            )
            .bind(id)
            .bind(email)
            .bind(doc),
            Row::Credential { user_id, hash } => sqlx::query(
                "INSERT INTO credentials (user_id, password_hash) VALUES ($1, $2) ON CONFLICT(user_id) DO NOTHING",
            )
            .bind(user_id)
            .bind(hash),
            Row::Share {
                token,
                parent,
                rep_id,
                doc,
            } => sqlx::query(
                "INSERT INTO shares (token, parent, rep_id, doc, org_id) VALUES ($1, $2, $3, $4, $5) ON CONFLICT(token) DO UPDATE SET rep_id = excluded.rep_id, doc = excluded.doc WHERE shares.org_id = excluded.org_id",
            )
            .bind(token)
            .bind(parent)
            .bind(rep_id)
            .bind(doc),
            Row::Session {
                id,
                share_token,
                rep_id,
                last_seen_ns,
                visible_ms,
                doc,
            } => sqlx::query(
                "INSERT INTO view_sessions (id, share_token, rep_id, last_seen_ns, visible_ms, doc, org_id) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT(id) DO UPDATE SET last_seen_ns = excluded.last_seen_ns, visible_ms = excluded.visible_ms, doc = excluded.doc \
                 WHERE view_sessions.org_id = excluded.org_id",
            )
            .bind(id)
            .bind(share_token)
            .bind(rep_id)
            .bind(last_seen_ns)
            .bind(visible_ms)
            .bind(doc),
            Row::Contact {
                id,
                owner_id,
                name,
                doc,
            } => sqlx::query(
                "INSERT INTO contacts (id, owner_id, name, name_lower, doc, org_id) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT(id) DO UPDATE SET owner_id = excluded.owner_id, name = excluded.name, name_lower = excluded.name_lower, doc = excluded.doc \
                 WHERE contacts.org_id = excluded.org_id",
            )
            .bind(id)
            .bind(owner_id)
            .bind(name)
            .bind(name.to_lowercase())
            .bind(doc),
            Row::Conversation(v) => sqlx::query(
                "INSERT INTO conversations (id, contact_id, channel, status, snoozed_until_ns, assignee_id, last_message_ns, preview_lower, unread, intent, doc, org_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
                 ON CONFLICT(id) DO UPDATE SET contact_id = excluded.contact_id, channel = excluded.channel, status = excluded.status, \
                 snoozed_until_ns = excluded.snoozed_until_ns, assignee_id = excluded.assignee_id, \
                 last_message_ns = excluded.last_message_ns, preview_lower = excluded.preview_lower, unread = excluded.unread, \
                 intent = excluded.intent, doc = excluded.doc WHERE conversations.org_id = excluded.org_id",
            )
            .bind(&v.id)
            .bind(&v.contact_id)
            .bind(v.channel)
            .bind(v.status)
            .bind(v.snoozed_until_ns)
            .bind(&v.assignee_id)
            .bind(v.last_message_ns)
            .bind(&v.preview_lower)
            .bind(v.unread)
            .bind(v.intent)
            .bind(&v.doc),
            Row::Message {
                id,
                conversation_id,
                created_at,
                doc,
            } => sqlx::query(
                "INSERT INTO messages (id, conversation_id, created_at, doc, org_id) VALUES ($1, $2, $3, $4, $5) ON CONFLICT(id) DO NOTHING",
            )
            .bind(id)
            .bind(conversation_id)
            .bind(created_at)
            .bind(doc),
        };
        // Every table but organizations and credentials takes the organization last.
        // Keys are unique across organizations (random, or checked when a client
        // chooses them); an update never crosses into another organization's row.
        let query = match row {
            Row::Org { .. } | Row::Credential { .. } => query,
            _ => query.bind(org),
        };
        query.execute(&mut **tx).await?;
        if let Row::Conversation(v) = row {
            write_labels(tx, org, v).await?;
        }
    }
    Ok(())
}

/// A conversation's labels as they are now: the old rows go, the current ones come.
async fn write_labels(
    tx: &mut Transaction<'_, Any>,
    org: &str,
    v: &ConversationRow,
) -> StorageResult<()> {
    sqlx::query("DELETE FROM conversation_labels WHERE conversation_id = $1")
        .bind(&v.id)
        .execute(&mut **tx)
        .await?;
    for label in &v.labels {
        sqlx::query(
            "INSERT INTO conversation_labels (conversation_id, label, org_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(&v.id)
        .bind(label)
        .bind(org)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
