//! Writes that are really kept: a failed commit leaves nothing behind (in the
//! database or in the server's memory) and its retry stores the record once; a
//! server killed with SIGKILL in the middle of tracking ingest and message sends
//! comes back with every acknowledged snapshot and message, none twice.

use crate::common;
use crate::common::{fresh_database, snapshot_of, spawn_server, start};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use sqlx::Executor as _;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Makes every insert of a message whose body holds `boom` fail inside the
/// database, as a full disk or a lost connection would.
async fn break_messages(pool: &sqlx::AnyPool, postgres: bool) {
    let statements: &[&str] = if postgres {
        &[
            "CREATE FUNCTION lianjie_test_fail() RETURNS trigger AS $$ BEGIN \
             IF NEW.doc LIKE '%boom%' THEN RAISE EXCEPTION 'injected failure'; END IF; \
             RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER lianjie_test_fail BEFORE INSERT ON messages \
             FOR EACH ROW EXECUTE FUNCTION lianjie_test_fail()",
        ]
    } else {
        &[
            "CREATE TRIGGER lianjie_test_fail BEFORE INSERT ON messages \
           WHEN NEW.doc LIKE '%boom%' BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
        ]
    };
    for sql in statements {
        pool.execute(*sql).await.unwrap();
    }
}

#[tokio::test]
async fn a_failed_commit_leaves_nothing_behind_and_its_retry_stores_once() {
    let s = start().await;
    let token = s.login().await;
    let pool = s.sql().await;
    break_messages(&pool, s.db_path.is_none()).await;
    let send = |body: &'static str, key: &'static str| {
        s.call(
            Method::POST,
            "/conversations/v-000/messages",
            Some(&token),
            Some(json!({"body": body, "idempotency_key": key})),
        )
    };
    let (_, before) = s
        .call(Method::GET, "/conversations/v-000", Some(&token), None)
        .await;

    let (status, err) = send("boom: the quote is attached", "retry-1").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{err}");
    // Nothing of the failed send, in the database or in what the server answers.
    let (_, after) = s
        .call(Method::GET, "/conversations/v-000", Some(&token), None)
        .await;
    assert_eq!(after["last_preview"], before["last_preview"]);
    assert_eq!(after["last_message_at"], before["last_message_at"]);
    let stored = all_messages(&s, &token).await;
    assert!(stored.iter().all(|m| m["idempotency_key"] != "retry-1"));
    // The server goes on: a send that does not fail is kept.
    let (status, _) = send("the quote is attached", "retry-2").await;
    assert_eq!(status, StatusCode::CREATED);

    // Once the database takes writes again, the retry is stored exactly once.
    pool.execute("DROP TRIGGER lianjie_test_fail ON messages")
        .await
        .or(pool.execute("DROP TRIGGER lianjie_test_fail").await)
        .unwrap();
    for _ in 0..2 {
        let (status, _) = send("boom: the quote is attached", "retry-1").await;
        assert!(status.is_success(), "{status}");
    }
    for server in [&s, &s.restarted().await] {
        let token = server.login().await;
        let stored = all_messages(server, &token).await;
        for key in ["retry-1", "retry-2"] {
            let n = stored
                .iter()
                .filter(|m| m["idempotency_key"] == key)
                .count();
            assert_eq!(n, 1, "{key}");
        }
    }
}

/// What the load acknowledged before the kill.
#[derive(Default)]
struct Acked {
    /// Per view session: the highest visible time a 204 answered.
    visible_ms: BTreeMap<String, u64>,
    snapshots: usize,
    /// Every message key sent, and those a 201 answered.
    sent: BTreeSet<String>,
    messages: BTreeSet<String>,
}

#[tokio::test]
async fn sigkill_during_ingest_and_sends_loses_no_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let (database_url, _) = fresh_database(dir.path()).await;
    let (mut child, base) = spawn_server(&database_url);
    let s = common::Server::at(&base, &database_url);
    let token = s.login().await;
    let share = s.share_pricing(&token).await;
    let mut views = Vec::new();
    for _ in 0..8 {
        views.push(s.open(&share).await);
    }

    let acked = Arc::new(Mutex::new(Acked::default()));
    let mut load = Vec::new();
    for (i, opened) in views.into_iter().enumerate() {
        let (http, base, acked) = (Client::new(), base.clone(), acked.clone());
        load.push(tokio::spawn(async move {
            for step in 1u64.. {
                let visible = step * 1000 + i as u64;
                let sent = http
                    .post(format!("{base}/public/track"))
                    .json(&snapshot_of(&opened, visible))
                    .send()
                    .await;
                let Ok(res) = sent else { return };
                if res.status() == StatusCode::NO_CONTENT {
                    let mut a = acked.lock().unwrap();
                    a.snapshots += 1;
                    let session = opened["session_id"].as_str().unwrap_or_default().to_owned();
                    a.visible_ms.insert(session, visible);
                }
            }
        }));
    }
    for writer in 0..2 {
        let (http, base, acked, token) =
            (Client::new(), base.clone(), acked.clone(), token.clone());
        load.push(tokio::spawn(async move {
            for n in 0.. {
                let key = format!("kill-{writer}-{n}");
                acked.lock().unwrap().sent.insert(key.clone());
                let sent = http
                    .post(format!("{base}/conversations/v-000/messages"))
                    .bearer_auth(&token)
                    .json(&json!({"body": format!("message {key}"), "idempotency_key": key}))
                    .send()
                    .await;
                let Ok(res) = sent else { return };
                if res.status() == StatusCode::CREATED {
                    acked.lock().unwrap().messages.insert(key);
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // SIGKILL: no shutdown, no flush, mid-request.
    child.kill().unwrap();
    child.wait().unwrap();
    for task in load {
        task.await.unwrap();
    }
    let acked = std::mem::take(&mut *acked.lock().unwrap());
    assert!(
        acked.snapshots > 100,
        "too little load: {}",
        acked.snapshots
    );
    assert!(
        acked.messages.len() > 20,
        "too little load: {}",
        acked.messages.len()
    );

    let (mut child, base) = spawn_server(&database_url);
    let s = common::Server::at(&base, &database_url);
    let pool = s.sql().await;
    for (session, visible) in &acked.visible_ms {
        let doc: String = sqlx::query_scalar("SELECT doc FROM view_sessions WHERE id = $1")
            .bind(session)
            .fetch_one(&pool)
            .await
            .unwrap();
        let stored: Value = serde_json::from_str(&doc).unwrap();
        let kept = stored["totals"]["visible_ms"].as_u64().unwrap_or(0);
        assert!(
            kept >= *visible,
            "{session}: kept {kept} < acknowledged {visible}"
        );
    }
    let token = s.login().await;
    let count = |stored: &[Value], key: &str| {
        stored
            .iter()
            .filter(|m| m["idempotency_key"] == key)
            .count()
    };
    let stored = all_messages(&s, &token).await;
    for key in &acked.messages {
        assert_eq!(count(&stored, key), 1, "acknowledged {key}");
    }
    // What was in flight is retried, as a client does: each lands exactly once.
    let unacked: Vec<&String> = acked.sent.difference(&acked.messages).collect();
    for key in &unacked {
        let (status, _) = s
            .call(
                Method::POST,
                "/conversations/v-000/messages",
                Some(&token),
                Some(json!({"body": format!("message {key}"), "idempotency_key": key})),
            )
            .await;
        assert!(status.is_success(), "{status}");
    }
    let stored = all_messages(&s, &token).await;
    for key in &acked.sent {
        assert_eq!(count(&stored, key), 1, "retried {key}");
    }
    eprintln!(
        "killed mid-load: {} snapshots and {} messages acknowledged, all kept once; \
         {} sends in flight retried, each stored once",
        acked.snapshots,
        acked.messages.len(),
        unacked.len()
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

/// Every message of v-000, following the pages.
async fn all_messages(s: &common::Server, token: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor = String::new();
    loop {
        let (status, page) = s
            .call(
                Method::GET,
                &format!("/conversations/v-000/messages?limit=200{cursor}"),
                Some(token),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        out.extend(page["items"].as_array().cloned().unwrap_or_default());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return out,
        }
    }
}
