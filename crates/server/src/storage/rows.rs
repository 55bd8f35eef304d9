//! Records as rows: a document (the record as JSON, read back whole) beside the real
//! columns that lists filter, sort, join and count by, and the SQL that writes them.

use super::writes::{Val, Writes};
use super::{Dialect, StorageResult, doc};
use chrono::{DateTime, Utc};
use lianjie_core::api::Event;
use lianjie_core::delivery::DeliveryState;
use lianjie_core::inbox::{ConversationStatus, Direction};
use lianjie_core::store::{Change, Db, Record};
use sqlx::{Any, AnyConnection, Transaction};

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
        /// The reader's own link and when the view started: set once, never updated.
        reader_token: Option<String>,
        started_ns: i64,
        last_seen_ns: i64,
        visible_ms: i64,
        doc: String,
    },
    Contact {
        id: String,
        owner_id: Option<String>,
        name: String,
        /// What the inbox's text search matches.
        name_lower: String,
        doc: String,
    },
    Conversation(Box<ConversationRow>),
    /// A staff member's task, by owner and due time.
    Task {
        id: String,
        owner_id: String,
        due_ns: i64,
        doc: String,
    },
    /// A deal, by owner, customer and stage.
    Deal {
        id: String,
        owner_id: String,
        contact_id: String,
        stage: &'static str,
        doc: String,
    },
    /// A customer's log entry, by customer.
    Log {
        id: String,
        contact_id: String,
        doc: String,
    },
    Message {
        id: String,
        conversation_id: String,
        created_at: String,
        created_ns: i64,
        direction: &'static str,
        idempotency_key: String,
        /// The queue of replies to platforms: their state, and when next due.
        delivery_state: Option<&'static str>,
        next_attempt_ns: Option<i64>,
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

/// A delivery state's name in the `delivery_state` column.
pub fn delivery_name(state: DeliveryState) -> &'static str {
    match state {
        DeliveryState::Queued => "queued",
        DeliveryState::Sent => "sent",
        DeliveryState::Delivered => "delivered",
        DeliveryState::Failed => "failed",
    }
}

/// A message direction's name in the `direction` column.
pub fn direction_name(direction: Direction) -> &'static str {
    match direction {
        Direction::Inbound => "inbound",
        Direction::Outbound => "outbound",
        Direction::Note => "note",
    }
}

/// The status a `status` column names (a snooze's end is in its own column; the
/// status counts by kind, so `until` only fills the shape). `None`: not a name.
pub fn status_named(name: &str, until: DateTime<Utc>) -> Option<ConversationStatus> {
    [
        ConversationStatus::Open,
        ConversationStatus::Pending,
        ConversationStatus::Snoozed { until },
        ConversationStatus::Resolved,
    ]
    .into_iter()
    .find(|s| status_name(*s) == name)
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
            reader_token: s.reader_token.clone(),
            started_ns: ns(s.started_at),
            last_seen_ns: ns(s.last_seen_at),
            visible_ms: i64::try_from(s.totals.visible_ms).unwrap_or(i64::MAX),
            doc,
        },
        Record::Contact(c) => Row::Contact {
            id: c.id.clone(),
            owner_id: c.owner_id.clone(),
            name: c.name.clone(),
            name_lower: c.name.to_lowercase(),
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
            created_ns: ns(m.created_at),
            direction: direction_name(m.direction),
            idempotency_key: m.idempotency_key.clone(),
            delivery_state: m.delivery.as_ref().map(|d| delivery_name(d.state)),
            next_attempt_ns: m.delivery.as_ref().and_then(|d| d.next_attempt_at).map(ns),
            doc,
        },
        Record::Task(t) => Row::Task {
            id: t.id.clone(),
            owner_id: t.owner_id.clone(),
            due_ns: ns(t.due_at),
            doc,
        },
        Record::Deal(d) => Row::Deal {
            id: d.id.clone(),
            owner_id: d.owner_id.clone(),
            contact_id: d.contact_id.clone(),
            stage: d.stage.key(),
            doc,
        },
        Record::Log(e) => Row::Log {
            id: e.id.clone(),
            contact_id: e.contact_id.clone(),
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

/// A table's upsert: the statement around its `VALUES` rows.
struct Upsert {
    head: &'static str,
    tail: &'static str,
}

/// The tables in the order they are written (a user before their password).
const ORDER: [&str; 16] = [
    "organizations",
    "users",
    "credentials",
    "cards",
    "contents",
    "channel_keys",
    "canned_replies",
    "shares",
    "view_sessions",
    "contacts",
    "customer_log",
    "tasks",
    "deals",
    "conversations",
    "messages",
    "conversation_labels",
];

fn upsert(table: &str) -> Upsert {
    let (head, tail) = match table {
        "organizations" => (
            "INSERT INTO organizations (id, doc, version)",
            "ON CONFLICT(id) DO UPDATE SET doc = excluded.doc, version = excluded.version",
        ),
        "users" => (
            "INSERT INTO users (id, email, doc, org_id, version)",
            "ON CONFLICT(id) DO UPDATE SET email = excluded.email, doc = excluded.doc, version = excluded.version WHERE users.org_id = excluded.org_id",
        ),
        "credentials" => (
            "INSERT INTO credentials (user_id, password_hash)",
            "ON CONFLICT(user_id) DO NOTHING",
        ),
        "cards" => (
            "INSERT INTO cards (id, doc, org_id, version)",
            "ON CONFLICT(id) DO UPDATE SET doc = excluded.doc, version = excluded.version WHERE cards.org_id = excluded.org_id",
        ),
        "contents" => (
            "INSERT INTO contents (id, doc, org_id, version)",
            "ON CONFLICT(id) DO UPDATE SET doc = excluded.doc, version = excluded.version WHERE contents.org_id = excluded.org_id",
        ),
        "channel_keys" => (
            "INSERT INTO channel_keys (id, doc, org_id, version)",
            "ON CONFLICT(id) DO UPDATE SET doc = excluded.doc, version = excluded.version WHERE channel_keys.org_id = excluded.org_id",
        ),
        "canned_replies" => (
            "INSERT INTO canned_replies (id, doc, org_id, version)",
            "ON CONFLICT(id) DO UPDATE SET doc = excluded.doc, version = excluded.version WHERE canned_replies.org_id = excluded.org_id",
        ),
        "shares" => (
            "INSERT INTO shares (token, parent, rep_id, doc, org_id, version)",
            "ON CONFLICT(token) DO UPDATE SET rep_id = excluded.rep_id, doc = excluded.doc, version = excluded.version WHERE shares.org_id = excluded.org_id",
        ),
        "view_sessions" => (
            "INSERT INTO view_sessions (id, share_token, rep_id, reader_token, started_ns, last_seen_ns, visible_ms, doc, org_id, version)",
            "ON CONFLICT(id) DO UPDATE SET last_seen_ns = excluded.last_seen_ns, visible_ms = excluded.visible_ms, doc = excluded.doc, \
             version = excluded.version WHERE view_sessions.org_id = excluded.org_id",
        ),
        "contacts" => (
            "INSERT INTO contacts (id, owner_id, name, name_lower, doc, org_id, version)",
            "ON CONFLICT(id) DO UPDATE SET owner_id = excluded.owner_id, name = excluded.name, name_lower = excluded.name_lower, doc = excluded.doc, \
             version = excluded.version WHERE contacts.org_id = excluded.org_id",
        ),
        "conversations" => (
            "INSERT INTO conversations (id, contact_id, channel, status, snoozed_until_ns, assignee_id, last_message_ns, preview_lower, unread, intent, doc, org_id, version)",
            "ON CONFLICT(id) DO UPDATE SET contact_id = excluded.contact_id, channel = excluded.channel, status = excluded.status, \
             snoozed_until_ns = excluded.snoozed_until_ns, assignee_id = excluded.assignee_id, \
             last_message_ns = excluded.last_message_ns, preview_lower = excluded.preview_lower, unread = excluded.unread, \
             intent = excluded.intent, doc = excluded.doc, version = excluded.version WHERE conversations.org_id = excluded.org_id",
        ),
        "customer_log" => (
            "INSERT INTO customer_log (id, contact_id, doc, org_id, version)",
            "ON CONFLICT(id) DO UPDATE SET doc = excluded.doc, version = excluded.version WHERE customer_log.org_id = excluded.org_id",
        ),
        "tasks" => (
            "INSERT INTO tasks (id, owner_id, due_ns, doc, org_id, version)",
            "ON CONFLICT(id) DO UPDATE SET owner_id = excluded.owner_id, due_ns = excluded.due_ns, doc = excluded.doc, \
             version = excluded.version WHERE tasks.org_id = excluded.org_id",
        ),
        "deals" => (
            "INSERT INTO deals (id, owner_id, contact_id, stage, doc, org_id, version)",
            "ON CONFLICT(id) DO UPDATE SET owner_id = excluded.owner_id, contact_id = excluded.contact_id, stage = excluded.stage, \
             doc = excluded.doc, version = excluded.version WHERE deals.org_id = excluded.org_id",
        ),
        "conversation_labels" => (
            "INSERT INTO conversation_labels (conversation_id, label, org_id)",
            "ON CONFLICT DO NOTHING",
        ),
        // A message's text never changes; its delivery does, and its columns are
        // written again when they are filled in (see `fill`).
        _ => (
            "INSERT INTO messages (id, conversation_id, created_at, created_ns, direction, idempotency_key, delivery_state, next_attempt_ns, doc, org_id, version)",
            "ON CONFLICT(id) DO UPDATE SET created_ns = excluded.created_ns, direction = excluded.direction, \
             idempotency_key = excluded.idempotency_key, delivery_state = excluded.delivery_state, \
             next_attempt_ns = excluded.next_attempt_ns, doc = excluded.doc, version = excluded.version \
             WHERE messages.org_id = excluded.org_id",
        ),
    };
    Upsert { head, tail }
}

impl Row {
    /// Its table, its key there, and the values of the table's columns in order.
    fn values<'a>(&'a self, org: &'a str, version: i64) -> (&'static str, &'a str, Vec<Val<'a>>) {
        use Val::{Int, MaybeInt, MaybeText, Text};
        match self {
            Row::Org { id, doc } => ("organizations", id, vec![Text(id), Text(doc), Int(version)]),
            Row::User { id, email, doc } => (
                "users",
                id,
                vec![Text(id), Text(email), Text(doc), Text(org), Int(version)],
            ),
            Row::Credential { user_id, hash } => {
                ("credentials", user_id, vec![Text(user_id), Text(hash)])
            }
            Row::Doc { table, id, doc } => (
                table,
                id,
                vec![Text(id), Text(doc), Text(org), Int(version)],
            ),
            Row::Share {
                token,
                parent,
                rep_id,
                doc,
            } => (
                "shares",
                token,
                vec![
                    Text(token),
                    MaybeText(parent.as_deref()),
                    Text(rep_id),
                    Text(doc),
                    Text(org),
                    Int(version),
                ],
            ),
            Row::Session {
                id,
                share_token,
                rep_id,
                reader_token,
                started_ns,
                last_seen_ns,
                visible_ms,
                doc,
            } => (
                "view_sessions",
                id,
                vec![
                    Text(id),
                    Text(share_token),
                    MaybeText(rep_id.as_deref()),
                    MaybeText(reader_token.as_deref()),
                    Int(*started_ns),
                    Int(*last_seen_ns),
                    Int(*visible_ms),
                    Text(doc),
                    Text(org),
                    Int(version),
                ],
            ),
            Row::Contact {
                id,
                owner_id,
                name,
                name_lower,
                doc,
            } => (
                "contacts",
                id,
                vec![
                    Text(id),
                    MaybeText(owner_id.as_deref()),
                    Text(name),
                    Text(name_lower),
                    Text(doc),
                    Text(org),
                    Int(version),
                ],
            ),
            Row::Log {
                id,
                contact_id,
                doc,
            } => (
                "customer_log",
                id,
                vec![
                    Text(id),
                    Text(contact_id),
                    Text(doc),
                    Text(org),
                    Int(version),
                ],
            ),
            Row::Task {
                id,
                owner_id,
                due_ns,
                doc,
            } => (
                "tasks",
                id,
                vec![
                    Text(id),
                    Text(owner_id),
                    Int(*due_ns),
                    Text(doc),
                    Text(org),
                    Int(version),
                ],
            ),
            Row::Deal {
                id,
                owner_id,
                contact_id,
                stage,
                doc,
            } => (
                "deals",
                id,
                vec![
                    Text(id),
                    Text(owner_id),
                    Text(contact_id),
                    Text(stage),
                    Text(doc),
                    Text(org),
                    Int(version),
                ],
            ),
            Row::Conversation(v) => (
                "conversations",
                &v.id,
                vec![
                    Text(&v.id),
                    Text(&v.contact_id),
                    Text(v.channel),
                    Text(v.status),
                    MaybeInt(v.snoozed_until_ns),
                    MaybeText(v.assignee_id.as_deref()),
                    Int(v.last_message_ns),
                    Text(&v.preview_lower),
                    Int(v.unread),
                    Int(v.intent),
                    Text(&v.doc),
                    Text(org),
                    Int(version),
                ],
            ),
            Row::Message {
                id,
                conversation_id,
                created_at,
                created_ns,
                direction,
                idempotency_key,
                delivery_state,
                next_attempt_ns,
                doc,
            } => (
                "messages",
                id,
                vec![
                    Text(id),
                    Text(conversation_id),
                    Text(created_at),
                    Int(*created_ns),
                    Text(direction),
                    Text(idempotency_key),
                    MaybeText(*delivery_state),
                    MaybeInt(*next_attempt_ns),
                    Text(doc),
                    Text(org),
                    Int(version),
                ],
            ),
        }
    }
}

/// Parameters one statement binds at most (SQLite's default limit is 32,766).
pub(super) const MAX_PARAMS: usize = 4_000;

/// How a statement built here writes its parameters, each used once and in order.
/// SQLite finds a numbered one (`$7`) by walking the statement's list of names, when
/// it parses the text and again when each is bound, so a multi-row write pays with
/// the square of its parameters (4,000 of them: 21 ms a statement, against 0.2 ms
/// for plain `?`, which binds by position). PostgreSQL knows only `$n`.
#[derive(Clone, Copy)]
pub(super) struct Placeholders {
    dialect: Dialect,
    /// How many parameters the statement binds before these.
    before: usize,
}

impl Placeholders {
    pub(super) fn of(conn: &AnyConnection) -> Placeholders {
        Placeholders::new(Dialect::of_backend(conn.backend_name()), 0)
    }

    /// A statement's placeholders after its first `before` parameters.
    pub(super) fn new(dialect: Dialect, before: usize) -> Placeholders {
        Placeholders { dialect, before }
    }

    /// Appends `rows` rows of `width` parameters each, `(p1, p2), (p3, p4)`, for a
    /// multi-row statement (one row: a list, as `IN` takes).
    pub(super) fn rows(self, sql: &mut String, rows: usize, width: usize) {
        for r in 0..rows {
            sql.push_str(if r > 0 { ", (" } else { "(" });
            for c in 1..=width {
                sql.push_str(if c > 1 { ", " } else { "" });
                self.push(sql, r * width + c);
            }
            sql.push(')');
        }
    }

    /// Appends the `n`th parameter (from 1).
    pub(super) fn push(self, sql: &mut String, n: usize) {
        match self.dialect {
            Dialect::Sqlite => sql.push('?'),
            Dialect::Postgres => {
                use std::fmt::Write as _;
                let _ = write!(sql, "${}", self.before + n);
            }
        }
    }
}

/// Writes rows of any organizations, each as of its organization's new head (see
/// `Storage::commit`): per table, one statement for many rows, and those of all
/// tables sent together (see `writes.rs`), so a group commit costs a round trip or
/// two however many operations it holds. A record written more than once is
/// written once, as it was last.
pub(super) async fn write_rows(
    tx: &mut Transaction<'_, Any>,
    rows: &[(&str, i64, &Row)],
) -> StorageResult<()> {
    let mut writes = Writes::of(tx);
    add_rows(&mut writes, rows);
    writes.run(tx).await?;
    Ok(())
}

/// Adds the writes of `rows` (see [`write_rows`]) to `writes`.
pub(super) fn add_rows<'a>(writes: &mut Writes<'a>, rows: &[(&'a str, i64, &'a Row)]) {
    let mut by_table: std::collections::HashMap<&str, Vec<Vec<Val>>> =
        std::collections::HashMap::new();
    let mut last = std::collections::HashMap::new();
    let values: Vec<_> = rows
        .iter()
        .map(|(org, version, row)| row.values(org, *version))
        .collect();
    for (i, (table, key, _)) in values.iter().enumerate() {
        last.insert((*table, *key), i);
    }
    let mut labels: Vec<Vec<Val>> = Vec::new();
    let mut relabelled: Vec<Val> = Vec::new();
    for (i, ((org, _, row), (table, key, vals))) in rows.iter().zip(values).enumerate() {
        if last.get(&(table, key)) != Some(&i) {
            continue;
        }
        if let Row::Conversation(v) = row {
            relabelled.push(Val::Text(&v.id));
            labels.extend(
                v.labels
                    .iter()
                    .map(|l| vec![Val::Text(&v.id), Val::Text(l), Val::Text(org)]),
            );
        }
        by_table.entry(table).or_default().push(vals);
    }
    // A conversation's labels are replaced by its current ones: the old go first,
    // in a statement before the new (one statement's parts see the rows as they
    // were before it): the conversations below start another.
    while !relabelled.is_empty() {
        let ids: Vec<Val> = relabelled
            .drain(..relabelled.len().min(MAX_PARAMS))
            .collect();
        let n = ids.len();
        writes.part(ids, |sql, p| {
            sql.push_str("DELETE FROM conversation_labels WHERE conversation_id IN ");
            p.rows(sql, 1, n);
        });
    }
    if !labels.is_empty() {
        by_table.insert("conversation_labels", labels);
    }
    for table in ORDER {
        let Some(list) = by_table.remove(table) else {
            continue;
        };
        // A new conversation's owner is read from its customer by a trigger,
        // which sees the customers only once their statement ended.
        if table == "conversations" {
            writes.apart();
        }
        let Upsert { head, tail } = upsert(table);
        let width = list.first().map_or(1, Vec::len);
        writes.rows(head, tail, width, list.into_iter().flatten().collect());
    }
}
