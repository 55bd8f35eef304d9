//! The backends cannot drift: seeded random sequences of operations run through
//! core's in-memory `Db` holding everything (the in-browser backend's store), and
//! as the server runs them: on its copy without messages, inside commits that read
//! in the stored messages an operation may find and write what it changed to the
//! SQL store (SQLite, or PostgreSQL under `LIANJIE_TEST_POSTGRES`). At checkpoints
//! the organization is read back from the database and every answer of both
//! compared: the records themselves, every message, and each role's inbox pages and
//! counts, messages, radar, content analytics, timelines, intent trends, customers,
//! today's figures and what web-chat visitors see. A failing sequence is shrunk to the fewest
//! operations that still fail and printed with its seed (`MODEL_SEED` replays one;
//! `MODEL_RUNS` sets how many run).

mod answers;
mod ops;

use crate::common;
use answers::{answers, difference, json, records, stored_messages};
use chrono::{DateTime, Duration, Utc};
use lianjie_core::api::ConversationUpdate;
use lianjie_core::demo;
use lianjie_core::inbox::{Conversation, Message};
use lianjie_core::store::{Record, ViewKeys};
use lianjie_server::storage::{Batch, Counted, Loaded, Prior, Storage, rows_for, tallies_doc};
use ops::{Op, apply, message_key, sequence, start_time, views};
use std::collections::BTreeMap;

/// A pool of connections to the database at `url`, for reading its tables directly.
async fn sql_pool(url: &str) -> Result<sqlx::AnyPool, String> {
    sqlx::AnyPool::connect(&lianjie_server::storage::Dialect::of(url).0)
        .await
        .map_err(|e| e.to_string())
}

/// The seed at `now`, written whole into a fresh database and read back as a start
/// reads it.
struct Seeded {
    /// Holds the SQLite file, which is deleted with it: bound by name, not `..`.
    _dir: tempfile::TempDir,
    url: String,
    model: lianjie_core::store::Db,
    org: String,
    storage: Storage,
    loaded: Loaded,
}

async fn seeded(now: DateTime<Utc>) -> Seeded {
    let dir = tempfile::tempdir().unwrap();
    let (url, _) = common::fresh_database(dir.path()).await;
    let model = demo::seed(now);
    let org = model.org.id.clone();
    let storage = Storage::open(&url).await.unwrap();
    storage
        .commit(&[&Batch::replace_all(&model, "x").unwrap()])
        .await
        .unwrap();
    let loaded = storage.load_org(&org).await.unwrap();
    Seeded {
        _dir: dir,
        url,
        model,
        org,
        storage,
        loaded,
    }
}

/// Whether the inbox's tallies (`conversation_counts`, kept by triggers) are the
/// conversations counted now, in every combination, not only those the answers ask
/// for.
async fn tallies_match(url: &str) -> Result<(), String> {
    use sqlx::Row as _;
    type Tally = (String, String, String, String, String, i64, i64);
    let pool = sql_pool(url).await?;
    let read = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            let rows = sqlx::query(sql).fetch_all(&pool).await?;
            rows.iter()
                .map(|r| {
                    Ok((
                        r.try_get(0)?,
                        r.try_get(1)?,
                        r.try_get(2)?,
                        r.try_get(3)?,
                        r.try_get(4)?,
                        r.try_get(5)?,
                        r.try_get(6)?,
                    ))
                })
                .collect::<Result<Vec<Tally>, sqlx::Error>>()
        }
    };
    let kept = read(
        "SELECT org_id, owner_id, assignee_id, channel, status, n, unread \
         FROM conversation_counts WHERE n <> 0 OR unread <> 0 ORDER BY 1, 2, 3, 4, 5",
    )
    .await
    .map_err(|e| e.to_string())?;
    let counted = read(
        "SELECT org_id, COALESCE(owner_id, ''), COALESCE(assignee_id, ''), \
         COALESCE(channel, ''), COALESCE(status, ''), CAST(COUNT(*) AS BIGINT), \
         CAST(COALESCE(SUM(unread), 0) AS BIGINT) FROM conversations \
         GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5",
    )
    .await
    .map_err(|e| e.to_string())?;
    pool.close().await;
    if kept == counted {
        Ok(())
    } else {
        Err(format!(
            "the inbox's tallies differ from the conversations\n  kept: {kept:?}\n  counted: {counted:?}"
        ))
    }
}

/// Right after a save with no commit since: the links it left copied are the
/// organization's links as they are (the copy, brought up save after save with the
/// links changed since, holds none older and misses none).
async fn links_copied_match(url: &str, org: &str) -> Result<(), String> {
    use sqlx::Row as _;
    let pool = sql_pool(url).await?;
    let mut tables = Vec::new();
    for table in ["tally_checkpoint_links", "shares"] {
        let sql = format!("SELECT token, doc FROM {table} WHERE org_id = $1 ORDER BY token");
        let rows = sqlx::query(&sql)
            .bind(org)
            .fetch_all(&pool)
            .await
            .map_err(|e| e.to_string())?;
        let rows = rows
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<Result<Vec<(String, String)>, sqlx::Error>>()
            .map_err(|e| e.to_string())?;
        tables.push(rows);
    }
    pool.close().await;
    match tables.iter().position(|t| *t != tables[0]) {
        None => Ok(()),
        Some(_) => Err(format!(
            "the links copied ({}) are not the links as they are ({})",
            tables[0].len(),
            tables[1].len()
        )),
    }
}

/// Runs `ops` from a fresh demo through the model and the store; the first
/// disagreement, if any.
async fn run(ops: &[Op]) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let (url, _) = common::fresh_database(dir.path()).await;
    let storage = Storage::open(&url).await.map_err(|e| e.to_string())?;
    let mut now = start_time();
    let mut model = demo::seed(now);
    let org = model.org.id.clone();
    let first = Batch::replace_all(&model, "x").map_err(|e| e.to_string())?;
    storage.commit(&[&first]).await.map_err(|e| e.to_string())?;
    // The server's copy, which writes; another server's, which only ever catches up
    // with what was committed. Both hold no views but while something needs them,
    // as the server's do.
    let mut server = storage.load_org(&org).await.map_err(|e| e.to_string())?.db;
    let Loaded {
        db: mut follower,
        head: mut known,
        ..
    } = storage.load_org(&org).await.map_err(|e| e.to_string())?;
    // What the sequence has made, for later steps to pick from (by each copy).
    let mut sessions: Vec<(String, String, String)> = Vec::new();
    let mut server_sessions = Vec::new();
    let mut pending: Vec<(&Op, usize, DateTime<Utc>)> = Vec::new();
    let (mut checks, mut saved_at) = (0, None);
    for (step, op) in ops.iter().enumerate() {
        // Some steps share a moment, so ties in every time order are exercised.
        if step % 3 != 0 {
            now += Duration::seconds(37);
        }
        if let Op::Check = op {
            // At every other check the server's copy saves its tallies first, as a
            // server stopping does: the stored data then takes them back instead of
            // counting its views (at a later check, with the commits since brought
            // in as a copy catching up does), and must answer the same.
            checks += 1;
            if checks % 2 == 0 {
                let (head, _) = storage.head(&org).await.map_err(|e| e.to_string())?;
                let doc = tallies_doc(&server).map_err(|e| e.to_string())?;
                if !storage
                    .save_tallies(&org, head, doc)
                    .await
                    .map_err(|e| e.to_string())?
                {
                    return Err(format!(
                        "step {step}: the tallies at head {head} were not saved"
                    ));
                }
                links_copied_match(&url, &org)
                    .await
                    .map_err(|e| format!("step {step}: {e}"))?;
                saved_at = Some(head);
            }
            let Loaded {
                db: mut stored,
                head,
                counted,
            } = storage.load_org(&org).await.map_err(|e| e.to_string())?;
            // Taken back whenever saved: at the head read, or at an earlier one
            // and brought up by the commits since (the priors are all kept here).
            let taken_back = match counted {
                Counted::Saved { at } => Some(at),
                Counted::Views(_) => None,
            };
            if taken_back != saved_at {
                return Err(format!(
                    "step {step}: saved at {saved_at:?}, head {head}, tallies {counted:?}"
                ));
            }
            // As a server catches up: the views the records name, as it counted them.
            let changes = storage
                .changes_after(&org, known, 0, |r| follower.views_for_records(r))
                .await
                .map_err(|e| e.to_string())?;
            known = changes.apply(&mut follower, head);
            // Every view held for the comparisons, as each copy counted it: its
            // tallies then answer beside the views themselves.
            for copy in [&mut server, &mut follower, &mut stored] {
                hold_every_view(&storage, copy, &model, known).await?;
            }
            let want = records(&model);
            for (copy, name) in [
                (&server, "the server's copy"),
                (&follower, "a copy that caught up"),
                (&stored, "the stored records"),
            ] {
                if let Some(differs) = difference(&want, &records(copy)) {
                    return Err(format!("step {step}: {name} differs at {differs}"));
                }
            }
            let every: Vec<&Message> = model
                .messages
                .values()
                .flat_map(|list| list.iter().rev())
                .collect();
            let kept = stored_messages(&model, &storage, &org).await?;
            if json(&every) != json(&kept) {
                return Err(format!("step {step}: stored messages differ"));
            }
            tallies_match(&url)
                .await
                .map_err(|e| format!("step {step}: {e}"))?;
            let want = answers(&model, now, None).await;
            let sql = Some((&storage, org.as_str()));
            for (copy, name) in [
                (&stored, "the stored data"),
                (&follower, "a copy that caught up"),
            ] {
                let got = answers(copy, now, sql).await;
                if let Some(k) = want.keys().find(|k| want.get(*k) != got.get(*k)) {
                    return Err(format!(
                        "step {step}: `{k}` differs from {name}\n  model: {}\n  store: {}",
                        want[k],
                        got.get(k).map_or("(none)", String::as_str)
                    ));
                }
            }
            server.forget_views();
            follower.forget_views();
            continue;
        }
        apply(&mut model, op, step, now, &mut sessions);
        model.take_changes();
        pending.push((op, step, now));
        // Commits group a few operations, as the server's writer does, so one
        // transaction holds a record written more than once.
        if pending.len() > step % 4 || matches!(ops.get(step + 1), Some(Op::Check) | None) {
            // As the writer runs them: the stored messages they may find read in
            // first, each operation's rows as they are once it ran, logged as the
            // server logs events.
            let mut commit = storage
                .begin([org.as_str()])
                .await
                .map_err(|e| e.to_string())?;
            let keys: Vec<String> = pending
                .iter()
                .filter_map(|(op, ..)| message_key(op))
                .collect();
            let found = commit
                .messages_keyed(&org, &keys)
                .await
                .map_err(|e| e.to_string())?;
            server.add_messages(found);
            let mut batches = Vec::new();
            // The views each operation names, read where it writes (as the writer
            // does), with their documents as stored: the priors of those it changes.
            let (mut asked, mut docs) = (ViewKeys::default(), BTreeMap::new());
            for (op, step, at) in pending.drain(..) {
                loop {
                    let more = views(&server, op, step, at, &server_sessions).without(&asked);
                    if more.is_empty() {
                        break;
                    }
                    let found = commit.views(&org, &more).await.map_err(|e| e.to_string())?;
                    asked.extend(more);
                    server.hold_views(found.into_iter().map(|v| {
                        docs.entry(v.view.id.clone()).or_insert(v.doc);
                        v.view
                    }));
                }
                apply(&mut server, op, step, at, &mut server_sessions);
                let changes = server.take_changes();
                let event = lianjie_core::api::Event::Reset;
                batches.push(
                    Batch::new(&org, rows_for(&server, &changes), Some(&event), at)
                        .map_err(|e| e.to_string())?,
                );
            }
            server.forget_messages();
            server.forget_views();
            let batches: Vec<&Batch> = batches.iter().collect();
            let priors = Prior::of(&batches, |_, id| docs.get(id).cloned());
            let ids = commit
                .finish(&batches, &priors)
                .await
                .map_err(|e| e.to_string())?;
            let ids: Vec<i64> = ids.into_iter().flatten().collect();
            if ids.len() != batches.len() || ids.windows(2).any(|w| w[0] >= w[1]) {
                return Err(format!("step {step}: event ids out of order: {ids:?}"));
            }
        }
    }
    Ok(())
}

/// Holds on `copy` (a server's, which holds no views) every view `model` has, as
/// stored when it knew head `known`.
async fn hold_every_view(
    storage: &Storage,
    copy: &mut lianjie_core::store::Db,
    model: &lianjie_core::store::Db,
    known: i64,
) -> Result<(), String> {
    let every = ViewKeys {
        ids: model.sessions.keys().map(str::to_owned).collect(),
        ..ViewKeys::default()
    };
    let views = storage
        .views_as_of(&model.org.id, &every, Some(known))
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the priors were pruned")?;
    copy.hold_views(views.into_iter().map(|v| v.view));
    Ok(())
}

/// The shortest sequence found (by dropping steps) that still fails.
async fn shrink(mut ops: Vec<Op>) -> (Vec<Op>, String) {
    let mut error = run(&ops).await.err().unwrap_or_default();
    let mut i = 0;
    while i < ops.len() {
        let mut shorter = ops.clone();
        shorter.remove(i);
        if !matches!(shorter.last(), Some(Op::Check)) {
            shorter.push(Op::Check);
        }
        match run(&shorter).await {
            Err(e) => {
                ops = shorter;
                error = e;
            }
            Ok(()) => i += 1,
        }
    }
    (ops, error)
}

#[tokio::test]
async fn random_operations_answer_the_same_from_memory_and_from_the_database() {
    let seeds: Vec<u64> = match std::env::var("MODEL_SEED") {
        Ok(s) => vec![s.parse().expect("MODEL_SEED: a number")],
        Err(_) => {
            let runs = std::env::var("MODEL_RUNS")
                .ok()
                .and_then(|r| r.parse().ok())
                .unwrap_or(6u64);
            (1..=runs).collect()
        }
    };
    for seed in seeds {
        let ops = sequence(seed, 120);
        let started = std::time::Instant::now();
        let outcome = run(&ops).await;
        eprintln!(
            "seed {seed}: {:?} in {:.1} s",
            outcome.as_ref().err(),
            started.elapsed().as_secs_f64()
        );
        if let (Err(e), Ok(_)) = (&outcome, std::env::var("MODEL_NO_SHRINK")) {
            panic!("seed {seed} fails (not shrunk): {e}");
        }
        if outcome.is_err() {
            let (ops, error) = shrink(ops).await;
            panic!(
                "seed {seed} fails after {} steps: {ops:#?}\n{error}",
                ops.len()
            );
        }
    }
}

/// A starting server reads records a page at a time, a page's keys and documents each
/// joined into one text: every record comes back, across pages, with keys that hold
/// the joining character (that page is read row by row) or are empty.
#[tokio::test]
async fn every_record_is_read_back_a_page_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let (url, _) = common::fresh_database(dir.path()).await;
    let mut db = demo::seed(start_time());
    let model = db.contacts.values().next().cloned().unwrap();
    // Two and a half pages, a key with the joining character in the second.
    let keys = (0..2_500)
        .map(|i| format!("k-page-{i:05}"))
        .chain(["".into(), "k-page-01200\u{1e}x".into()]);
    for id in keys {
        db.contacts.insert(
            id.clone(),
            lianjie_core::contact::Contact {
                id,
                ..model.clone()
            },
        );
    }
    let storage = Storage::open(&url).await.unwrap();
    let batch = Batch::replace_all(&db, "x").unwrap();
    storage.commit(&[&batch]).await.unwrap();
    let Loaded {
        db: mut stored,
        head,
        ..
    } = storage.load_org(&db.org.id).await.unwrap();
    hold_every_view(&storage, &mut stored, &db, head)
        .await
        .unwrap();
    assert!(stored.contacts.contains_key(""));
    assert!(stored.contacts.contains_key("k-page-01200\u{1e}x"));
    assert_eq!(stored.contacts.len(), db.contacts.len());
    assert_eq!(records(&stored), records(&db));
}

/// Each stored view's reader and start columns, by id.
async fn view_readers(pool: &sqlx::AnyPool) -> Vec<(String, Option<String>, Option<i64>)> {
    let mut got: Vec<_> = sqlx::query_as("SELECT id, reader_token, started_ns FROM view_sessions")
        .fetch_all(pool)
        .await
        .unwrap();
    got.sort();
    got
}

/// What [`view_readers`] should read for `db`'s views.
fn view_readers_of(db: &lianjie_core::store::Db) -> Vec<(String, Option<String>, Option<i64>)> {
    let mut want: Vec<_> = (db.sessions.values())
        .map(|s| {
            (
                s.id.clone(),
                s.reader_token.clone(),
                s.started_at.timestamp_nanos_opt(),
            )
        })
        .collect();
    want.sort();
    want
}

/// Rows written before the columns existed get them from their documents once, on
/// the next start: the lists answer as core does.
#[tokio::test]
async fn columns_are_filled_from_older_rows_documents() {
    use sqlx::Executor as _;
    let dir = tempfile::tempdir().unwrap();
    let (url, _) = common::fresh_database(dir.path()).await;
    let now = start_time();
    let mut db = demo::seed(now);
    let caller = db.caller("u-admin").unwrap();
    let v = db.conversations.keys().next().cloned().unwrap();
    let update = ConversationUpdate {
        labels: Some(vec!["vip".into()]),
        ..ConversationUpdate::default()
    };
    db.update_conversation(&caller, &v, update, now).unwrap();
    let storage = Storage::open(&url).await.unwrap();
    let batch = Batch::replace_all(&db, "x").unwrap();
    storage.commit(&[&batch]).await.unwrap();
    let pool = sql_pool(&url).await.unwrap();
    assert_eq!(view_readers(&pool).await, view_readers_of(&db));
    // As a database from before the columns: none of them set, nothing filled.
    for sql in [
        "UPDATE shares SET rep_id = NULL",
        "UPDATE view_sessions SET rep_id = NULL, last_seen_ns = NULL, visible_ms = NULL, \
         reader_token = NULL, started_ns = NULL",
        "UPDATE contacts SET owner_id = NULL, name = NULL, name_lower = NULL",
        "UPDATE conversations SET contact_id = NULL, channel = NULL, status = NULL, \
         snoozed_until_ns = NULL, assignee_id = NULL, last_message_ns = NULL, \
         preview_lower = NULL, unread = NULL, intent = NULL",
        "UPDATE messages SET direction = NULL, idempotency_key = NULL, created_ns = NULL",
        "DELETE FROM conversation_labels",
        "DELETE FROM lianjie_meta",
    ] {
        pool.execute(sql).await.unwrap();
    }
    // Nor did conversations keep when the customer last wrote.
    for v in db.conversations.values() {
        let older = Record::Conversation(Conversation {
            last_inbound_at: None,
            ..v.clone()
        });
        sqlx::query("UPDATE conversations SET doc = $1 WHERE id = $2")
            .bind(older.to_doc())
            .bind(&v.id)
            .execute(&pool)
            .await
            .unwrap();
    }
    drop(storage);
    let storage = Storage::open(&url).await.unwrap();
    let org = db.org.id.clone();
    let Loaded {
        db: mut stored,
        head,
        ..
    } = storage.load_org(&org).await.unwrap();
    hold_every_view(&storage, &mut stored, &db, head)
        .await
        .unwrap();
    assert_eq!(records(&stored), records(&db));
    assert_eq!(view_readers(&pool).await, view_readers_of(&db));
    let want = answers(&db, now, None).await;
    let got = answers(&stored, now, Some((&storage, org.as_str()))).await;
    assert!(want.keys().any(|k| k.contains("label: Some")));
    assert!(
        db.conversations
            .values()
            .any(|v| v.last_inbound_at.is_some())
    );
    for (k, v) in &want {
        assert_eq!(Some(v), got.get(k), "{k}");
    }
}

/// A copy further behind than the views' priors are kept reads its organization
/// again; one within them catches up record by record. A start from tallies saved
/// that far behind counts the views; within them it takes the tallies back.
#[tokio::test]
async fn a_copy_behind_the_kept_priors_reads_the_organization_again() {
    use lianjie_server::storage::Changes;
    let now = start_time();
    let Seeded {
        _dir,
        model,
        org,
        storage,
        loaded: Loaded {
            db: behind,
            head: known,
            ..
        },
        ..
    } = seeded(now).await;
    // Saved by a server stopping at that head.
    let doc = tallies_doc(&behind).unwrap();
    assert!(storage.save_tallies(&org, known, doc).await.unwrap());
    // Another server reads on in a view: it logs the view as it was.
    let mut writer = storage.load_org(&org).await.unwrap().db;
    let view = model.sessions.values().next().cloned().unwrap();
    let mut commit = storage.begin([org.as_str()]).await.unwrap();
    let keys = ViewKeys {
        ids: [view.id.clone()].into(),
        ..ViewKeys::default()
    };
    let found = commit.views(&org, &keys).await.unwrap();
    let docs: BTreeMap<String, String> = (found.iter())
        .map(|v| (v.view.id.clone(), v.doc.clone()))
        .collect();
    writer.hold_views(found.into_iter().map(|v| v.view));
    let mut totals = view.totals.clone();
    totals.visible_ms += 60_000;
    let snap = lianjie_core::tracking::Snapshot {
        session_id: view.id.clone(),
        share_token: view.share_token.clone(),
        seq: 99,
        totals,
        reader_token: view.reader_token.clone(),
    };
    writer.record_snapshot(&snap, now).unwrap();
    let changes = writer.take_changes();
    let batch = Batch::new(&org, rows_for(&writer, &changes), None, now).unwrap();
    let priors = Prior::of(&[&batch], |_, id| docs.get(id).cloned());
    assert_eq!(priors.len(), 1);
    commit.finish(&[&batch], &priors).await.unwrap();

    let caught_up = storage
        .changes_after(&org, known, 0, |r| behind.views_for_records(r))
        .await
        .unwrap();
    let Changes::Records { views, .. } = caught_up else {
        panic!("a copy within the kept priors reads what changed");
    };
    assert_eq!(views, vec![view]);
    // A start takes the saved tallies back and brings them up the same way.
    let started = storage.load_org(&org).await.unwrap();
    assert_eq!(started.counted, Counted::Saved { at: known });
    assert_eq!(started.head, known + 1);
    // Logged just now: kept by a cutoff before, gone with one after.
    let logged = Utc::now();
    let prune = |cutoff| storage.prune_priors(cutoff);
    assert_eq!(prune(logged - Duration::hours(1)).await.unwrap(), 0);
    assert_eq!(prune(logged + Duration::hours(1)).await.unwrap(), 1);
    let again = storage
        .changes_after(&org, known, 0, |r| behind.views_for_records(r))
        .await
        .unwrap();
    assert!(matches!(again, Changes::Reload { .. }));
    // And a start counts the views.
    let started = storage.load_org(&org).await.unwrap();
    assert!(matches!(started.counted, Counted::Views(_)));
}

/// A save of the tallies is of the head it began at. On PostgreSQL it is a snapshot,
/// so it lands beside a commit that came after it began, with the links as they were
/// at that head (the writer lets it finish beside its next commits). On SQLite, where
/// the save's transaction holds the database's one write lock, a commit between its
/// beginning and its end leaves it unsaved (the writer never commits there meanwhile).
#[tokio::test]
async fn a_save_keeps_the_links_of_the_head_it_began_at_or_nothing() {
    use lianjie_core::store::Change;
    use sqlx::Row as _;
    let now = start_time();
    let Seeded {
        _dir,
        url,
        model,
        org,
        storage,
        loaded: Loaded {
            db: mut copy, head, ..
        },
        ..
    } = seeded(now).await;
    let doc = tallies_doc(&copy).unwrap();
    let save = storage.begin_save(&org).await.unwrap();
    // A link issued after the save began, committed before it ends.
    let mut later = model.shares.values().next().cloned().unwrap();
    later.token = "t-issued-after-the-save-began".into();
    let token = later.token.clone();
    copy.shares.insert(token.clone(), later);
    let rows = rows_for(&copy, &[Change::Share(token.clone())]);
    storage
        .commit(&[&Batch::new(&org, rows, None, now).unwrap()])
        .await
        .unwrap();
    let beside = save.beside_commits();
    assert_eq!(beside, url.starts_with("postgres"));
    assert_eq!(save.head(), beside.then_some(head));
    assert_eq!(save.finish(head, doc).await.unwrap(), beside);
    let pool = sql_pool(&url).await.unwrap();
    let read = |sql: &'static str| {
        let pool = pool.clone();
        let org = org.clone();
        async move {
            let rows = sqlx::query(sql).bind(org).fetch_all(&pool).await.unwrap();
            (rows.iter())
                .map(|r| r.try_get::<String, _>(0).unwrap())
                .collect::<Vec<_>>()
        }
    };
    let copied = read("SELECT token FROM tally_checkpoint_links WHERE org_id = $1").await;
    let heads = read("SELECT CAST(head AS TEXT) FROM tally_checkpoints WHERE org_id = $1").await;
    if beside {
        assert_eq!(heads, vec![head.to_string()]);
        assert_eq!(copied.len(), model.shares.len());
        assert!(!copied.contains(&token));
    } else {
        assert!(heads.is_empty() && copied.is_empty());
    }
    // The save at the later head, begun with nothing committed meanwhile, lands
    // with the link.
    let (later_head, _) = storage.head(&org).await.unwrap();
    let doc = tallies_doc(&copy).unwrap();
    assert!(storage.save_tallies(&org, later_head, doc).await.unwrap());
    let copied = read("SELECT token FROM tally_checkpoint_links WHERE org_id = $1").await;
    assert!(copied.contains(&token));
    // And tallies of a head storage has left are not saved.
    let doc = tallies_doc(&copy).unwrap();
    assert!(!storage.save_tallies(&org, head, doc).await.unwrap());
}

/// A reset committed after a copy read the organization's heads, before it read
/// the records since: it reads the organization again, not the reset's records as
/// changes (the views they hold were never counted in); a start does not take back
/// tallies saved before it.
#[tokio::test]
async fn a_reset_between_the_heads_and_the_records_reads_everything_again() {
    use lianjie_server::storage::Changes;
    let Seeded {
        _dir,
        url,
        model,
        org,
        storage,
        loaded: Loaded {
            db: copy,
            head: known,
            ..
        },
        ..
    } = seeded(start_time()).await;
    // Saved by a server stopping at that head.
    let doc = tallies_doc(&copy).unwrap();
    assert!(storage.save_tallies(&org, known, doc).await.unwrap());
    // Read before the reset: nothing replaced since the copy's head. The reset
    // leaves out a link nothing refers to.
    let (_, reset_before) = storage.head(&org).await.unwrap();
    let mut fewer = model.clone();
    let unread = fewer
        .shares
        .keys()
        .find(|t| {
            !model.sessions.values().any(|v| &v.share_token == *t)
                && !model.shares.values().any(|s| s.parent.as_ref() == Some(*t))
        })
        .cloned()
        .expect("a link nothing refers to");
    fewer.shares.remove(&unread);
    storage
        .commit(&[&Batch::replace_all(&fewer, "x").unwrap()])
        .await
        .unwrap();
    let changes = storage
        .changes_after(&org, known, reset_before, |r| copy.views_for_records(r))
        .await
        .unwrap();
    assert!(matches!(changes, Changes::Reload { .. }));
    // Nor does a start take back tallies saved before the reset: it counts.
    let started = storage.load_org(&org).await.unwrap();
    assert!(matches!(started.counted, Counted::Views(_)));
    // Its next save copies the links afresh: the link gone is not kept.
    let doc = tallies_doc(&started.db).unwrap();
    assert!(storage.save_tallies(&org, started.head, doc).await.unwrap());
    links_copied_match(&url, &org).await.unwrap();
}
