//! The lists the app asks for most, read by SQL a page at a time: the radar's
//! recent readings, and the inbox's conversations with every tab's count. Scopes are
//! core's rules (`Caller::owners`, `Caller::sees_conversation`) written as `WHERE`
//! clauses; tests/server/model/ holds each answer to core's in-memory one.

use super::rows::{Placeholders, ns, status_named};
use super::{Dialect, Storage, StorageResult};
use chrono::{DateTime, Utc};
use lianjie_core::api::{
    AssigneeFilter, ConversationPage, ConversationQuery, Page, StatusCounts, StatusFilter,
};
use lianjie_core::inbox::Message;
use lianjie_core::inbox::{Conversation, InboxSort};
use lianjie_core::scope::{Caller, Owners};
use lianjie_core::store::{VISITOR_MESSAGES, page_window};
use lianjie_core::tracking::VIEW_COUNT_THRESHOLD_MS;
use sqlx::any::AnyArguments;
use sqlx::any::AnyRow;
use sqlx::query::Query;
use sqlx::{Any, Row as _};
use std::ops::Range;

/// A statement's text and its parameters, bound in order: `?` on SQLite, `$1`,
/// `$2`, … on PostgreSQL (see [`Placeholders`]: a read binding a list of keys pays
/// with their square in numbered ones on SQLite).
pub(super) struct Sql {
    text: String,
    args: Vec<Arg>,
    placeholders: Placeholders,
}

pub(super) enum Arg {
    Text(String),
    Int(i64),
}

impl Sql {
    pub(super) fn new(dialect: Dialect) -> Sql {
        Sql {
            text: String::new(),
            args: Vec::new(),
            placeholders: Placeholders::new(dialect, 0),
        }
    }

    /// A statement to run on `conn`.
    pub(super) fn on(conn: &sqlx::AnyConnection) -> Sql {
        Sql::new(Dialect::of_backend(conn.backend_name()))
    }

    pub(super) fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a parameter's placeholder.
    fn arg(&mut self, arg: Arg) -> &mut Self {
        self.args.push(arg);
        self.placeholders.push(&mut self.text, self.args.len());
        self
    }

    pub(super) fn text(&mut self, value: &str) -> &mut Self {
        self.arg(Arg::Text(value.to_owned()))
    }

    pub(super) fn int(&mut self, value: i64) -> &mut Self {
        self.arg(Arg::Int(value))
    }

    /// `(… , …)` of the values, for `IN`.
    pub(super) fn list<'a>(&mut self, values: impl IntoIterator<Item = &'a String>) -> &mut Self {
        self.push("(");
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.text(v);
        }
        self.push(")")
    }

    /// ` LIMIT …`.
    fn limit(&mut self, n: usize) -> &mut Self {
        self.push(" LIMIT ")
            .int(i64::try_from(n).unwrap_or(i64::MAX))
    }

    /// ` LIMIT … OFFSET …` of a page's window.
    fn window(&mut self, window: &Range<usize>) -> &mut Self {
        self.limit(window.len())
            .push(" OFFSET ")
            .int(i64::try_from(window.start).unwrap_or(i64::MAX))
    }

    pub(super) fn query(&self) -> Query<'_, Any, AnyArguments<'_>> {
        self.args
            .iter()
            .fold(sqlx::query(&self.text), |q, arg| match arg {
                Arg::Text(t) => q.bind(t.as_str()),
                Arg::Int(n) => q.bind(*n),
            })
    }
}

/// `v`'s status once a run-out snooze counts as open (the `CASE` the counts group
/// by) is one of `names`, written as plain comparisons of its columns so that the
/// planner can estimate them and walk an index in the page's order.
fn effective_in(sql: &mut Sql, names: &[String], now: i64) {
    sql.push("(");
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            sql.push(" OR ");
        }
        match name.as_str() {
            "open" => sql
                .push("v.status = 'open' OR (v.status = 'snoozed' AND v.snoozed_until_ns <= ")
                .int(now)
                .push(")"),
            "snoozed" => sql
                .push("(v.status = 'snoozed' AND (v.snoozed_until_ns IS NULL OR v.snoozed_until_ns > ")
                .int(now)
                .push("))"),
            _ => sql.push("v.status = ").text(name),
        };
    }
    sql.push(")");
}

/// `%text%` for `LIKE … ESCAPE '\'`, matching `text` literally.
fn containing(text: &str) -> String {
    let mut out = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// Which of a scoped caller's conversations a statement reads (a caller who sees the
/// whole inbox reads them all, whatever the part): those of their team's customers,
/// those assigned to their team of anyone else's customer, or either.
#[derive(Clone, Copy)]
enum Part {
    Either,
    Owned,
    AssignedElsewhere,
}

/// Where a statement reads conversations from: their rows, the inbox's tallies (no
/// owner or assignee is `''` there), or the snoozed ones whose snooze has run out.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    Rows,
    Tallies,
    RunOut,
}

impl Storage {
    /// Ids of the counted view sessions on links of the staff `owners` names (the
    /// radar's scope), most recently seen first, ties by id: the order of core's
    /// `Db::radar`.
    pub async fn radar_ids(
        &self,
        org: &str,
        owners: Owners<'_>,
        limit: usize,
    ) -> StorageResult<Vec<String>> {
        let mut sql = Sql::new(self.dialect);
        sql.push("SELECT id FROM view_sessions WHERE org_id = ")
            .text(org)
            .push(" AND visible_ms >= ")
            .int(VIEW_COUNT_THRESHOLD_MS as i64);
        if let Owners::Some(team) = owners {
            if team.is_empty() {
                return Ok(Vec::new());
            }
            sql.push(" AND rep_id IN ").list(team);
        }
        sql.push(" ORDER BY last_seen_ns DESC, ")
            .push(&self.by_id("id"))
            .limit(limit);
        self.ids(&sql).await
    }

    /// Ids of the organization's conversations whose snooze has run out by `now`,
    /// earliest end first (ties by id), at most `limit`: core's
    /// `Db::run_out_snoozes`, read from the partial index of snoozed conversations.
    pub async fn run_out_snoozes(
        &self,
        org: &str,
        now: DateTime<Utc>,
        limit: usize,
    ) -> StorageResult<Vec<String>> {
        let mut sql = Sql::new(self.dialect);
        sql.push("SELECT id FROM conversations WHERE org_id = ")
            .text(org)
            .push(" AND status = 'snoozed' AND snoozed_until_ns <= ")
            .int(ns(now))
            .push(" ORDER BY snoozed_until_ns, ")
            .push(&self.by_id("id"))
            .limit(limit);
        self.ids(&sql).await
    }

    /// The first column of every row `sql` reads: ids.
    async fn ids(&self, sql: &Sql) -> StorageResult<Vec<String>> {
        let rows = sql.query().fetch_all(&self.pool).await?;
        Ok(rows
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?)
    }

    /// A page of the conversations `caller` may see that match `q`, with every
    /// status tab's count and the unread total under the other filters: core's
    /// `Db::list_conversations`, answered by SQL.
    pub async fn conversation_page(
        &self,
        org: &str,
        caller: &Caller,
        q: &ConversationQuery,
        now: DateTime<Utc>,
    ) -> StorageResult<ConversationPage> {
        // The status a conversation is listed under (a run-out snooze is open).
        let effective = |sql: &mut Sql| {
            sql.push("CASE WHEN v.status = 'snoozed' AND v.snoozed_until_ns <= ")
                .int(ns(now))
                .push(" THEN 'open' ELSE v.status END");
        };
        let text = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
        let team = match caller.owners() {
            Owners::Some(team) if !caller.sees_whole_inbox() => Some(team),
            _ => None,
        };
        // The filters but the status tab, shared by the counts and the page, over the
        // part of a scoped caller's conversations `part` names, read from `from`; the
        // customer is joined only for the text filter (a conversation carries its
        // owner).
        let filtered = |sql: &mut Sql, part: Part, from: Source| {
            sql.push(match from {
                Source::Tallies => " FROM conversation_counts v",
                Source::Rows | Source::RunOut => " FROM conversations v",
            });
            if text.is_some() {
                sql.push(" LEFT JOIN contacts c ON c.id = v.contact_id");
            }
            sql.push(" WHERE v.org_id = ").text(org);
            if from == Source::RunOut {
                // The status written out, so that the partial index on snoozed ones
                // is taken.
                sql.push(" AND v.status = 'snoozed' AND v.snoozed_until_ns <= ")
                    .int(ns(now));
            }
            if let Some(team) = team {
                match part {
                    Part::Either => sql
                        .push(" AND (v.owner_id IN ")
                        .list(team)
                        .push(" OR v.assignee_id IN ")
                        .list(team)
                        .push(")"),
                    Part::Owned => sql.push(" AND v.owner_id IN ").list(team),
                    Part::AssignedElsewhere => sql
                        .push(" AND v.assignee_id IN ")
                        .list(team)
                        .push(" AND (v.owner_id IS NULL OR v.owner_id NOT IN ")
                        .list(team)
                        .push(")"),
                };
            }
            match q.assignee {
                AssigneeFilter::All => {}
                AssigneeFilter::Mine => {
                    sql.push(" AND v.assignee_id = ").text(&caller.user_id);
                }
                AssigneeFilter::Unassigned if from == Source::Tallies => {
                    sql.push(" AND v.assignee_id = ''");
                }
                AssigneeFilter::Unassigned => {
                    sql.push(" AND v.assignee_id IS NULL");
                }
            }
            if let Some(channel) = q.channel {
                sql.push(" AND v.channel = ").text(channel.slug());
            }
            if let Some(label) = &q.label {
                sql.push(" AND EXISTS (SELECT 1 FROM conversation_labels l WHERE l.conversation_id = v.id AND l.label = ")
                    .text(label)
                    .push(")");
            }
            if let Some(text) = text {
                let pattern = containing(&text.to_lowercase());
                sql.push(" AND (v.preview_lower LIKE ")
                    .text(&pattern)
                    .push(" ESCAPE '\\' OR c.name_lower LIKE ")
                    .text(&pattern)
                    .push(" ESCAPE '\\')");
            }
        };

        // A scoped caller's counts in two disjoint halves, each read from an index
        // alone; an OR of the two would read every row of the organization. Without
        // a label or text filter they are the tallies (`conversation_counts`), with
        // each run-out snooze moved from snoozed to open: a few rows whatever the
        // inbox's size. Each select: (status, or the effective one's `CASE`;
        // conversations; unread; where).
        let selects: &[(Option<&str>, &str, &str, Source)] = if text.is_none() && q.label.is_none()
        {
            &[
                (Some("v.status"), "v.n", "v.unread", Source::Tallies),
                (Some("'open'"), "1", "v.unread", Source::RunOut),
                (Some("'snoozed'"), "-1", "-v.unread", Source::RunOut),
            ]
        } else {
            &[(None, "1", "v.unread", Source::Rows)]
        };
        let parts: &[Part] = if team.is_some() {
            &[Part::Owned, Part::AssignedElsewhere]
        } else {
            &[Part::Either]
        };
        let mut counts = Sql::new(self.dialect);
        counts.push("SELECT st, CAST(SUM(n) AS BIGINT), CAST(SUM(unread) AS BIGINT) FROM (");
        for (i, (part, (status, n, unread, from))) in parts
            .iter()
            .flat_map(|p| selects.iter().map(move |s| (*p, *s)))
            .enumerate()
        {
            if i > 0 {
                counts.push(" UNION ALL ");
            }
            counts.push("SELECT ");
            if let Some(status) = status {
                counts.push(status);
            } else {
                effective(&mut counts);
            }
            counts.push(&format!(" AS st, {n} AS n, {unread} AS unread"));
            filtered(&mut counts, part, from);
        }
        counts.push(") AS visible GROUP BY st");
        let mut by_status = StatusCounts::default();
        let mut unread = 0i64;
        let mut statuses = Vec::new();
        for row in counts.query().fetch_all(&self.pool).await? {
            let (name, n, sum): (String, i64, i64) =
                (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
            let Some(status) = status_named(&name, now) else {
                continue;
            };
            by_status.add(status, usize::try_from(n).unwrap_or(0));
            if q.status.matches(status) {
                unread += sum;
                statuses.push(name);
            }
        }
        let total = by_status.get(q.status);

        let window = page_window(q.cursor.as_deref(), q.limit, total);
        let mut items = Vec::new();
        if !statuses.is_empty() && !window.is_empty() {
            let order = |table: &str| {
                let id = self.by_id(&format!("{table}.id"));
                match q.sort {
                    InboxSort::Newest => format!("{table}.last_message_ns DESC, {id}"),
                    InboxSort::Oldest => format!("{table}.last_message_ns ASC, {id} DESC"),
                    InboxSort::Intent => {
                        format!("{table}.intent DESC, {table}.last_message_ns DESC, {id}")
                    }
                }
            };
            // The page first, then its contacts' names: 50 lookups, not one per
            // conversation the filters let through.
            let mut page = Sql::new(self.dialect);
            page.push("SELECT p.doc, c.name FROM (SELECT v.doc, v.contact_id, v.id, v.last_message_ns, v.intent");
            filtered(&mut page, Part::Either, Source::Rows);
            if q.status != StatusFilter::All {
                page.push(" AND ");
                effective_in(&mut page, &statuses, ns(now));
            }
            page.push(" ORDER BY ").push(&order("v"));
            page.window(&window);
            page.push(") AS p LEFT JOIN contacts c ON c.id = p.contact_id ORDER BY ")
                .push(&order("p"));
            for row in page.query().fetch_all(&self.pool).await? {
                let mut v: Conversation = serde_json::from_str(row.try_get::<&str, _>(0)?)?;
                v.contact_name = row.try_get::<Option<String>, _>(1)?.unwrap_or_default();
                items.push(v);
            }
        }
        Ok(ConversationPage {
            page: Page::of_window(items, window, total),
            unread: u32::try_from(unread).unwrap_or(u32::MAX),
            by_status,
        })
    }

    /// A page of a conversation's messages, newest first: core's
    /// `Db::messages_page` for a conversation the caller may see (checked first).
    pub async fn message_page(
        &self,
        org: &str,
        conversation: &str,
        cursor: Option<&str>,
        limit: Option<usize>,
    ) -> StorageResult<Page<Message>> {
        let mut conn = self.pool.acquire().await?;
        let mut count = Sql::new(self.dialect);
        count
            .push("SELECT COUNT(*) FROM messages WHERE conversation_id = ")
            .text(conversation)
            .push(" AND org_id = ")
            .text(org);
        let total: i64 = count.query().fetch_one(&mut *conn).await?.try_get(0)?;
        let total = usize::try_from(total).unwrap_or(0);
        let window = page_window(cursor, limit, total);
        let mut page = self.newest_messages(org, conversation, false);
        page.window(&window);
        let items = messages(&page.query().fetch_all(&mut *conn).await?)?;
        Ok(Page::of_window(items, window, total))
    }

    /// The last messages a web-chat visitor may be shown of `conversation`, newest
    /// first (core's `visitor_view` makes what they see of them).
    pub async fn visitor_messages(
        &self,
        org: &str,
        conversation: &str,
    ) -> StorageResult<Vec<Message>> {
        let mut sql = self.newest_messages(org, conversation, true);
        sql.window(&(0..VISITOR_MESSAGES));
        messages(&sql.query().fetch_all(&self.pool).await?)
    }

    /// Every customer message of `conversations`: what the intent trend needs of
    /// them (core's `Db::intent_trend`).
    pub async fn inbound_messages(
        &self,
        org: &str,
        conversations: &[String],
    ) -> StorageResult<Vec<Message>> {
        if conversations.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = Sql::new(self.dialect);
        sql.push("SELECT doc FROM messages WHERE org_id = ")
            .text(org)
            .push(" AND direction = 'inbound' AND conversation_id IN ")
            .list(conversations);
        messages(&sql.query().fetch_all(&self.pool).await?)
    }

    /// `SELECT` of a conversation's messages newest first (without staff notes
    /// when `public`), in the order of core's `Message::order` reversed.
    fn newest_messages(&self, org: &str, conversation: &str, public: bool) -> Sql {
        let mut sql = Sql::new(self.dialect);
        sql.push("SELECT doc FROM messages WHERE conversation_id = ")
            .text(conversation)
            .push(" AND org_id = ")
            .text(org);
        if public {
            sql.push(" AND direction <> 'note'");
        }
        sql.push(" ORDER BY created_ns DESC, ")
            .push(&self.by_id("id"))
            .push(" DESC");
        sql
    }

    /// `column` ordered as Rust orders strings (by bytes): PostgreSQL's default
    /// collation follows the locale.
    fn by_id(&self, column: &str) -> String {
        match self.dialect {
            Dialect::Sqlite => column.to_owned(),
            Dialect::Postgres => format!("{column} COLLATE \"C\""),
        }
    }
}

/// `org`'s messages with one of `keys`, read on `conn` (inside a commit).
pub(super) async fn messages_keyed(
    conn: &mut sqlx::AnyConnection,
    org: &str,
    keys: &[String],
) -> StorageResult<Vec<Message>> {
    let mut out = Vec::new();
    // Well under every database's limit of parameters a statement.
    for chunk in keys.chunks(1_000) {
        let mut sql = Sql::on(conn);
        sql.push("SELECT doc FROM messages WHERE org_id = ")
            .text(org)
            .push(" AND idempotency_key IN ")
            .list(chunk);
        out.extend(messages(&sql.query().fetch_all(&mut *conn).await?)?);
    }
    Ok(out)
}

/// Rows of one `doc` column read as messages.
fn messages(rows: &[AnyRow]) -> StorageResult<Vec<Message>> {
    rows.iter()
        .map(|r| Ok(serde_json::from_str(r.try_get::<&str, _>(0)?)?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SQLite binds a list by position; PostgreSQL only knows numbered parameters.
    #[test]
    fn a_statement_numbers_its_parameters_only_on_postgres() {
        let keys = ["a".to_owned(), "b".to_owned()];
        let text = |dialect| {
            let mut sql = Sql::new(dialect);
            sql.push("SELECT doc FROM t WHERE org_id = ")
                .text("o")
                .push(" AND id IN ")
                .list(&keys)
                .limit(5);
            (sql.text, sql.args.len())
        };
        assert_eq!(
            text(Dialect::Sqlite),
            (
                "SELECT doc FROM t WHERE org_id = ? AND id IN (?, ?) LIMIT ?".to_owned(),
                4
            )
        );
        assert_eq!(
            text(Dialect::Postgres),
            (
                "SELECT doc FROM t WHERE org_id = $1 AND id IN ($2, $3) LIMIT $4".to_owned(),
                4
            )
        );
    }
}
