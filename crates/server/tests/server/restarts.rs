//! A server stopped as a service manager stops it (SIGTERM) saves its running
//! tallies, and its next start takes them back instead of counting every view; a
//! commit since, or a server that died without saving, and the next start counts
//! the views again. Every figure the tallies feed answers the same each way.

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
    let (child, base, said) = spawn_server_with(url, true);
    let tallies = said
        .into_iter()
        .filter(|line| line.starts_with(&format!("{ORG}: ")))
        .collect::<Vec<_>>()
        .join("\n");
    (Process(child), Server::at(&base, url), tallies)
}

#[tokio::test]
async fn a_server_stopped_saves_its_tallies_and_the_next_start_takes_them_back() {
    let dir = tempfile::tempdir().unwrap();
    let (url, _) = fresh_database(dir.path()).await;
    let (mut server, s, said) = start(&url);
    assert!(said.contains("counted"), "first start: {said}");
    let token = s.login().await;
    // Readings of its own: a new link read twice by one reader, once by another.
    let share = s.share_pricing(&token).await;
    for visible_ms in [30_000, 45_000, 12_000] {
        let opened = s.open(&share).await;
        let (status, body) = s.track(snapshot_of(&opened, visible_ms)).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    }
    let before = figures(&s, &token).await;
    // An event stream open as the server stops (it never ends of itself): the
    // server still does, after a grace.
    let stream = s.events(&token).send().await.unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    let stopping = std::time::Instant::now();
    stop(&mut server, "-TERM");
    assert!(stopping.elapsed() < std::time::Duration::from_secs(15));
    drop(stream);

    let pool = s.sql().await;
    let row = sqlx::query(
        "SELECT c.head, h.head FROM tally_checkpoints c JOIN org_heads h ON h.org_id = c.org_id \
         WHERE c.org_id = $1",
    )
    .bind(ORG)
    .fetch_one(&pool)
    .await
    .unwrap();
    let (saved_at, head): (i64, i64) = (row.get(0), row.get(1));
    assert_eq!(saved_at, head, "saved at the head the server stopped at");

    let (mut server, s, said) = start(&url);
    assert_eq!(
        said,
        format!("{ORG}: took back the tallies saved at head {head}")
    );
    let token = s.login().await;
    assert_eq!(figures(&s, &token).await, before, "taken back");

    // A commit since the save: a reading more, then a
    // server that dies without saving.
    let opened = s.open(&share).await;
    let (status, body) = s.track(snapshot_of(&opened, 20_000)).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let after = figures(&s, &token).await;
    assert_ne!(after, before, "the new reading shows");
    stop(&mut server, "-KILL");

    let (_server, s, said) = start(&url);
    assert!(said.starts_with(&format!("{ORG}: counted ")), "{said}");
    let token = s.login().await;
    assert_eq!(figures(&s, &token).await, after, "counted again");
}
