//! A server stopped as a service manager stops it (SIGTERM) saves its running
//! tallies, and its next start takes them back instead of counting every view; after
//! a commit since (a server that died without saving) it takes them back and brings
//! them up with the commits since; with nothing saved it counts the views again.
//! Under writes that never pause, it saves every so often, so that a server killed
//! then does not count every view either. Every figure the tallies feed answers the
//! same each way.

use crate::common::{Process, Server, fresh_database, snapshot_of, spawn_server_with};
use lianjie_core::demo::ORG;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use sqlx::Row as _;

/// The answers the running tallies feed, as the admin sees them.
async fn figures(s: &Server, token: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for path in [
        "/contents/c-pricing/analytics",
        "/contents/ranking",
        "/radar",
        "/leaderboard?period=month",
        "/team/board",
    ] {
        let (status, body) = s.call(Method::GET, path, Some(token), None).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        out.push(body);
    }
    out
}

/// Stops the server with `signal` and waits for it to end.
fn stop(server: &mut Process, signal: &str) {
    let pid = server.0.id().to_string();
    let sent = std::process::Command::new("kill")
        .args([signal, pid.as_str()])
        .status()
        .unwrap();
    assert!(sent.success(), "kill {signal} {pid}");
    server.0.wait().unwrap();
}

/// Starts the server on `url`: its address, and what it said of its tallies.
fn start(url: &str) -> (Process, Server, String) {
    start_with(url, &[])
}

/// [`start`], with `env` set besides.
fn start_with(url: &str, env: &[(&str, &str)]) -> (Process, Server, String) {
    let (child, base, said) = spawn_server_with(url, true, env);
    let tallies = said
        .into_iter()
        .filter(|line| line.starts_with(&format!("{ORG}: ")))
        .collect::<Vec<_>>()
        .join("\n");
    (Process(child), Server::at(&base, url), tallies)
}

/// The head `org`'s tallies were saved at, and the organization's head.
async fn saved_and_head(s: &Server) -> (i64, i64) {
    let row = sqlx::query(
        "SELECT c.head, h.head FROM tally_checkpoints c JOIN org_heads h ON h.org_id = c.org_id \
         WHERE c.org_id = $1",
    )
    .bind(ORG)
    .fetch_one(&s.sql().await)
    .await
    .unwrap();
    (row.get(0), row.get(1))
}

/// A reading of `share` by a new reader, `visible_ms` long.
async fn read(s: &Server, share: &str, visible_ms: u64) {
    let opened = s.open(share).await;
    let (status, body) = s.track(snapshot_of(&opened, visible_ms)).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
}

/// Stops the server with SIGTERM and checks it saved its tallies at the head it
/// stopped at: that head.
async fn stopped_and_saved(server: &mut Process, s: &Server) -> i64 {
    stop(server, "-TERM");
    let (saved_at, head) = saved_and_head(s).await;
    assert_eq!(saved_at, head, "saved at the head the server stopped at");
    head
}

/// Starts the server on `url`, which must take back the tallies saved at `head`:
/// the process, the server, and the admin's token.
async fn started_from_saved(url: &str, head: i64) -> (Process, Server, String) {
    let (server, s, said) = start(url);
    assert_eq!(
        said,
        format!("{ORG}: took back the tallies saved at head {head}")
    );
    let token = s.login().await;
    (server, s, token)
}

#[tokio::test]
async fn a_server_stopped_saves_its_tallies_and_the_next_start_takes_them_back() {
    let dir = tempfile::tempdir().unwrap();
    let (url, _) = fresh_database(dir.path()).await;
    let (mut server, s, said) = start(&url);
    assert!(said.contains("counted"), "first start: {said}");
    // Stopped before anyone asked it anything (it lets go of its state at once).
    let head = stopped_and_saved(&mut server, &s).await;
    let (mut server, s, token) = started_from_saved(&url, head).await;
    // Readings of its own on a new link.
    let share = s.share_pricing(&token).await;
    for visible_ms in [30_000, 45_000, 12_000] {
        read(&s, &share, visible_ms).await;
    }
    let before = figures(&s, &token).await;
    let head = stopped_and_saved(&mut server, &s).await;
    let (mut server, s, token) = started_from_saved(&url, head).await;
    assert_eq!(figures(&s, &token).await, before, "taken back");

    // A reading more, and a stop with an event stream open (it never ends of
    // itself): the server still stops, after a grace, and saves again.
    read(&s, &share, 20_000).await;
    let after = figures(&s, &token).await;
    assert_ne!(after, before, "the new reading shows");
    let stream = s.events(&token).send().await.unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    let stopping = std::time::Instant::now();
    let head = stopped_and_saved(&mut server, &s).await;
    assert!(stopping.elapsed() < std::time::Duration::from_secs(15));
    drop(stream);
    let (mut server, s, token) = started_from_saved(&url, head).await;
    assert_eq!(figures(&s, &token).await, after, "taken back again");

    // A commit since the save, then a server that dies without saving: the next
    // start takes back the tallies saved before and brings them up with that
    // commit, as a server catching up with another's does.
    read(&s, &share, 25_000).await;
    let last = figures(&s, &token).await;
    stop(&mut server, "-KILL");
    let (saved_at, now_at) = saved_and_head(&s).await;
    assert_eq!(saved_at, head, "nothing saved by a server killed");
    assert!(now_at > head, "the reading committed");
    let (mut server, s, said) = start(&url);
    assert_eq!(
        said,
        format!("{ORG}: took back the tallies saved at head {head}, caught up to head {now_at}")
    );
    let token = s.login().await;
    assert_eq!(figures(&s, &token).await, last, "caught up");

    // Once more with nothing saved: the next start counts the views.
    read(&s, &share, 5_000).await;
    let last = figures(&s, &token).await;
    stop(&mut server, "-KILL");
    sqlx::query("DELETE FROM tally_checkpoints")
        .execute(&s.sql().await)
        .await
        .unwrap();
    let (_server, s, said) = start(&url);
    assert!(said.starts_with(&format!("{ORG}: counted ")), "{said}");
    let token = s.login().await;
    assert_eq!(figures(&s, &token).await, last, "counted again");
}

#[tokio::test]
async fn a_server_under_steady_writes_saves_every_so_often_and_a_kill_starts_from_it() {
    let dir = tempfile::tempdir().unwrap();
    let (url, _) = fresh_database(dir.path()).await;
    let (mut server, s, said) = start_with(&url, &[("LIANJIE_SAVE_TALLIES_EVERY", "2")]);
    assert!(said.contains("counted"), "first start: {said}");
    let token = s.login().await;
    let share = s.share_pricing(&token).await;
    let sql = s.sql().await;
    let saved = || async {
        sqlx::query_scalar::<_, i64>("SELECT head FROM tally_checkpoints WHERE org_id = $1")
            .bind(ORG)
            .fetch_optional(&sql)
            .await
            .unwrap()
    };
    // Readings with no pause for a minute (the idle save never comes) until one
    // is saved, then one more, most likely not saved yet.
    let began = std::time::Instant::now();
    let mut visible_ms = 10_000;
    let first_saved = loop {
        read(&s, &share, visible_ms).await;
        visible_ms += 1_000;
        if let Some(head) = saved().await {
            break head;
        }
        assert!(
            began.elapsed() < std::time::Duration::from_secs(30),
            "no save under steady writes"
        );
    };
    read(&s, &share, visible_ms).await;
    let last = figures(&s, &token).await;
    stop(&mut server, "-KILL");
    let (saved_at, now_at) = saved_and_head(&s).await;
    assert!(saved_at >= first_saved);
    let (_server, s, said) = start(&url);
    let caught_up = if saved_at < now_at {
        format!(", caught up to head {now_at}")
    } else {
        String::new()
    };
    assert_eq!(
        said,
        format!("{ORG}: took back the tallies saved at head {saved_at}{caught_up}")
    );
    let token = s.login().await;
    assert_eq!(figures(&s, &token).await, last, "caught up");
}
