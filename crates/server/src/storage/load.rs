//! Reading an organization's records into a `Db`: at start, and when another server
//! replaced its data whole.

use super::{Changes, Dialect, StorageResult, checkpoint, heads, views};
use futures_util::TryStreamExt as _;
use lianjie_core::store::{Db, Record, ViewKeys};
use lianjie_core::team::Organization;
use lianjie_core::tracking::ViewSession;
use serde::de::DeserializeOwned;
use sqlx::Row as _;

/// What a copy of `org` at head `known` lacks, given its last reset's head; `views`
/// names the views applying the records needs (asked of the copy, see
/// `Db::views_for_records`), read as the copy counted them.
pub(super) async fn changes_after(
    conn: &mut sqlx::AnyConnection,
    org: &str,
    known: i64,
    reset_at: i64,
    views: impl FnOnce(&[Record]) -> ViewKeys,
) -> StorageResult<Changes> {
    if reset_at <= known
        && let Some(changes) = records_since(conn, org, known, views).await?
    {
        return Ok(changes);
    }
    let Loaded { db, head, .. } = load_org(conn, org).await?;
    Ok(Changes::Reload {
        db: Box::new(db),
        head,
    })
}

/// [`changes_after`]'s records, unless the organization must be read whole: a
/// reset committed since its head was read (its records are not changes), or the
/// priors since `known` pruned.
async fn records_since(
    conn: &mut sqlx::AnyConnection,
    org: &str,
    known: i64,
    views: impl FnOnce(&[Record]) -> ViewKeys,
) -> StorageResult<Option<Changes>> {
    let (records, through) = heads::changes_since(conn, org, known).await?;
    if heads::head(conn, org).await?.1 > known {
        return Ok(None);
    }
    let keys = views(&records);
    as_counted(conn, org, known, records, through, &keys).await
}

/// `records` (written after head `known`, through head `through`) with the views
/// `keys` names as a copy at `known` counted them; none if the priors since are
/// pruned.
async fn as_counted(
    conn: &mut sqlx::AnyConnection,
    org: &str,
    known: i64,
    records: Vec<Record>,
    through: i64,
    keys: &ViewKeys,
) -> StorageResult<Option<Changes>> {
    let held = if keys.is_empty() {
        Some(Vec::new())
    } else {
        views::views_as_of(conn, org, keys, Some(known)).await?
    };
    Ok(held.map(|held| Changes::Records {
        records,
        through,
        views: held.into_iter().map(|v| v.view).collect(),
    }))
}

/// An organization's records, read at start.
pub struct Loaded {
    pub db: Db,
    /// The head the records are at.
    pub head: i64,
    pub counted: Counted,
}

/// Where a copy's tallies came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counted {
    /// Taken back as saved at head `at` (see `checkpoint.rs`): the head the copy
    /// was read at, or an earlier one brought up by the commits since.
    Saved { at: i64 },
    /// Counted from this many views.
    Views(u64),
}

/// One organization's records but its messages (they stay in storage), read on
/// `conn`.
pub(super) async fn load_org(conn: &mut sqlx::AnyConnection, org: &str) -> StorageResult<Loaded> {
    let (head, reset_at) = heads::head(conn, org).await?;
    let mut db = Db::default();
    db.org = docs::<Organization>(conn, "SELECT doc FROM organizations WHERE id = $1", org)
        .await?
        .pop()
        .unwrap_or_else(|| Organization {
            id: org.to_owned(),
            name: org.to_owned(),
            departments: Vec::new(),
            ..Default::default()
        });
    db.users = docs(
        conn,
        "SELECT doc FROM users WHERE org_id = $1 ORDER BY id",
        org,
    )
    .await?;
    db.cards = keyed(conn, "cards", "id", org).await?;
    // A library's content is few rows, each up to a few megabytes: a page of them
    // joined in one text could pass SQLite's limit on a value's length (1 GB).
    db.contents = row_by_row(conn, "contents", "id", org).await?;
    db.shares = keyed(conn, "shares", "token", org).await?;
    db.contacts = keyed(conn, "contacts", "id", org).await?;
    db.log = keyed(conn, "customer_log", "id", org).await?;
    db.tasks = keyed(conn, "tasks", "id", org).await?;
    db.deals = keyed(conn, "deals", "id", org).await?;
    db.conversations = keyed(conn, "conversations", "id", org).await?;
    db.canned = docs(
        conn,
        "SELECT doc FROM canned_replies WHERE org_id = $1 ORDER BY id",
        org,
    )
    .await?;
    db.channel_keys = keyed(conn, "channel_keys", "id", org).await?;
    let mut db = match taken_back(conn, org, db, head, reset_at).await? {
        Ok(loaded) => return Ok(loaded),
        Err(db) => db,
    };
    // Before the data serves anyone (see `Db::build_lookups`). The views are counted
    // into the tallies a page at a time and let go: operations hold the ones they
    // name (see `views::views_as_of`).
    db.build_lookups();
    let mut views = 0;
    in_pages(
        conn,
        "view_sessions",
        "id",
        org,
        |page: Keyed<ViewSession>| {
            views += page.len() as u64;
            db.count_views(page.iter().map(|(_, v)| v));
        },
    )
    .await?;
    db.shrink_lookups();
    Ok(Loaded {
        db,
        head,
        counted: Counted::Views(views),
    })
}

/// `db`, `org`'s records read at `head`, with the tallies last saved taken back in
/// place of counting its views: saved at that head, as they are; at an earlier one,
/// brought up as a copy at that head catching up is (the records written since,
/// the views they name as counted then), unless a reset came since or the views'
/// priors since are no longer all kept. Given back, to be counted, otherwise.
async fn taken_back(
    conn: &mut sqlx::AnyConnection,
    org: &str,
    mut db: Db,
    head: i64,
    reset_at: i64,
) -> StorageResult<Result<Loaded, Db>> {
    let Some((at, saved)) = checkpoint::saved(conn, org).await? else {
        return Ok(Err(db));
    };
    // Saved at this head, they count exactly these records, if no commit came while
    // they were read (none can in `Storage::one_moment`; a caller's own connection
    // is asked again).
    if at == head && heads::head(conn, org).await?.0 == head {
        db.restore_tallies(saved);
        return Ok(Ok(Loaded {
            db,
            head,
            counted: Counted::Saved { at },
        }));
    }
    if at >= head || at < reset_at || !views::priors_kept_since(conn, org, at).await? {
        return Ok(Err(db));
    }
    let (records, through) = heads::changes_since(conn, org, at).await?;
    let tokens: Vec<String> = (records.iter())
        .filter_map(|r| match r {
            Record::Share(s) => Some(s.token.clone()),
            _ => None,
        })
        .collect();
    let Some(then) = checkpoint::links_then(conn, org, at, &tokens).await? else {
        return Ok(Err(db));
    };
    db.restore_tallies_before(saved, &records, then);
    let keys = db.views_for_records(&records);
    let Some(changes) = as_counted(conn, org, at, records, through, &keys).await? else {
        // Pruned since `priors_kept_since` asked, which neither a snapshot nor a
        // commit holding the organization's head lets happen (pruning moves that
        // head's `priors_from` first). Should it, the links as they are now and a
        // count of the views.
        db.shares = keyed(conn, "shares", "token", org).await?;
        db.forget_lookups();
        return Ok(Err(db));
    };
    let head = changes.apply(&mut db, head);
    Ok(Ok(Loaded {
        db,
        head,
        counted: Counted::Saved { at },
    }))
}

/// Records by key, in no order.
type Keyed<T> = Vec<(String, T)>;

/// Records read per round trip at start (see [`keyed`]).
const PAGE: i64 = 1_000;

/// What joins a page's keys, and its documents, into one text each: a control
/// character, which JSON never holds unescaped. A page where a key holds one is read
/// again row by row.
pub(super) const SEPARATOR: char = '\u{1e}';

/// A table's records of one organization, by key. On SQLite a page at a time in key
/// order, each page one row of its keys and one of its documents, joined by the
/// database: at a million rows, sqlx handing each row over on its own from its
/// SQLite thread took longer than reading it (start 7.2 s, paged 3.8 s). PostgreSQL's
/// rows stream over its socket: each row as it arrives, which pages made slower
/// (4.1 s, paged 4.5 s), parsed on the spot: parsing a thousand at a time on another
/// thread made it slower still (3.3 s, 3.8 s), as on two cores the database's own
/// process needs the other. On SQLite a page is parsed on another thread while the
/// database reads the next.
async fn keyed<T, C>(
    conn: &mut sqlx::AnyConnection,
    table: &str,
    key: &str,
    org: &str,
) -> StorageResult<C>
where
    T: DeserializeOwned + Send + 'static,
    C: FromIterator<(String, T)>,
{
    let mut out = Vec::new();
    in_pages(conn, table, key, org, |page| out.extend(page)).await?;
    Ok(out.into_iter().collect())
}

/// [`keyed`]'s records handed to `each` a page at a time, as they are read.
async fn in_pages<T>(
    conn: &mut sqlx::AnyConnection,
    table: &str,
    key: &str,
    org: &str,
    mut each: impl FnMut(Keyed<T>),
) -> StorageResult<()>
where
    T: DeserializeOwned + Send + 'static,
{
    if Dialect::of_backend(conn.backend_name()) == Dialect::Postgres {
        return rows_in_pages(conn, table, key, org, each).await;
    }
    // The first page from the smallest key, the empty one included.
    let mut after: Option<String> = None;
    // The last page read, parsed on another thread while the database reads the next.
    let mut parsing: Option<tokio::task::JoinHandle<StorageResult<Keyed<T>>>> = None;
    let page_from = |from: &str| {
        format!(
            "SELECT count(*), max(k), string_agg(k, $3), string_agg(doc, $3) FROM \
             (SELECT {key} AS k, doc FROM {table} WHERE org_id = $1 AND {key} {from} $2 \
              ORDER BY {key} LIMIT {PAGE}) AS page"
        )
    };
    let (first_page, next_page) = (page_from(">="), page_from(">"));
    // A `char`, not a `&str`: splitting and counting by one byte is a memchr; by a
    // string it was an eighth of a start's time at a million views.
    let separator = SEPARATOR.to_string();
    loop {
        let from = if after.is_some() { ">" } else { ">=" };
        let after_key = after.as_deref().unwrap_or("");
        let page = if after.is_some() {
            &next_page
        } else {
            &first_page
        };
        let row = sqlx::query(page)
            .bind(org)
            .bind(after_key)
            .bind(&separator)
            .fetch_one(&mut *conn)
            .await?;
        if let Some(page) = parsing.take() {
            each(page.await??);
        }
        let count: i64 = row.try_get(0)?;
        if count == 0 {
            break;
        }
        let last: String = row.try_get(1)?;
        let keys: String = row.try_get(2)?;
        let docs: String = row.try_get(3)?;
        let joined = |text: &str| i64::try_from(text.matches(SEPARATOR).count() + 1) == Ok(count);
        if joined(&keys) && joined(&docs) {
            parsing = Some(tokio::task::spawn_blocking(move || {
                keys.split(SEPARATOR)
                    .zip(docs.split(SEPARATOR))
                    .map(|(k, doc)| Ok((k.to_owned(), serde_json::from_str(doc)?)))
                    .collect()
            }));
        } else {
            let sql = format!(
                "SELECT {key}, doc FROM {table} \
                 WHERE org_id = $1 AND {key} {from} $2 AND {key} <= $3"
            );
            let rows = sqlx::query(&sql)
                .bind(org)
                .bind(after_key)
                .bind(&last)
                .fetch_all(&mut *conn)
                .await?;
            each(rows.iter().map(key_and_doc).collect::<StorageResult<_>>()?);
        }
        if count < PAGE {
            break;
        }
        after = Some(last);
    }
    if let Some(page) = parsing {
        each(page.await??);
    }
    Ok(())
}

/// A table's records of one organization, by key, each row read as it arrives.
async fn row_by_row<T: DeserializeOwned, C: FromIterator<(String, T)>>(
    conn: &mut sqlx::AnyConnection,
    table: &str,
    key: &str,
    org: &str,
) -> StorageResult<C> {
    let mut out = Vec::new();
    rows_in_pages(conn, table, key, org, |page| out.extend(page)).await?;
    Ok(out.into_iter().collect())
}

/// [`row_by_row`]'s records handed to `each` [`PAGE`] at a time.
async fn rows_in_pages<T: DeserializeOwned>(
    conn: &mut sqlx::AnyConnection,
    table: &str,
    key: &str,
    org: &str,
    mut each: impl FnMut(Keyed<T>),
) -> StorageResult<()> {
    let sql = format!("SELECT {key}, doc FROM {table} WHERE org_id = $1");
    let mut rows = sqlx::query(&sql).bind(org).fetch(&mut *conn);
    let mut page = Vec::new();
    while let Some(row) = rows.try_next().await? {
        page.push(key_and_doc(&row)?);
        if page.len() as i64 == PAGE {
            each(std::mem::take(&mut page));
        }
    }
    each(page);
    Ok(())
}

/// A row's first column, and its second read as a JSON document.
pub(super) fn key_and_doc<K, T>(row: &sqlx::any::AnyRow) -> StorageResult<(K, T)>
where
    K: for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
    T: DeserializeOwned,
{
    Ok((
        row.try_get(0)?,
        serde_json::from_str(row.try_get::<&str, _>(1)?)?,
    ))
}

async fn docs<T: DeserializeOwned>(
    conn: &mut sqlx::AnyConnection,
    sql: &str,
    org: &str,
) -> StorageResult<Vec<T>> {
    let rows = sqlx::query(sql).bind(org).fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|r| Ok(serde_json::from_str(r.try_get::<&str, _>(0)?)?))
        .collect()
}
