//! Limits that hold in production: per-client budgets keyed on the real client behind
//! a trusted proxy (and on nobody's say-so otherwise), IPv6 counted per /64, and the
//! event log's retention.

use crate::common;
use crate::common::start_with;
use chrono::{Duration, Utc};
use lianjie_core::api::Event;
use lianjie_server::Config;
use lianjie_server::storage::{Batch, Storage};
use reqwest::StatusCode;
use serde_json::json;

/// A public endpoint; an unknown share answers 404 until the client is throttled.
const PUBLIC: &str = "/public/shares/0123456789abcdef0123456789abcdef";

/// Requests `PUBLIC` `n` times as `forwarded_for` (none: no header) and returns how
/// many were throttled.
async fn flood(s: &common::Server, forwarded_for: Option<&str>, n: usize) -> usize {
    let mut limited = 0;
    for _ in 0..n {
        let mut req = s.http.get(s.url(PUBLIC));
        if let Some(v) = forwarded_for {
            req = req.header("x-forwarded-for", v);
        }
        let status = req.send().await.unwrap().status();
        if status == StatusCode::TOO_MANY_REQUESTS {
            limited += 1;
        } else {
            assert_eq!(status, StatusCode::NOT_FOUND);
        }
    }
    limited
}

/// One request's status as `forwarded_for`.
async fn status_as(s: &common::Server, forwarded_for: &str) -> StatusCode {
    s.http
        .get(s.url(PUBLIC))
        .header("x-forwarded-for", forwarded_for)
        .send()
        .await
        .unwrap()
        .status()
}

fn slow_public(trusted: &str) -> impl FnOnce(Config) -> Config {
    let trusted_proxies = lianjie_server::client_addr::parse_list(trusted).unwrap();
    move |c| Config {
        // One a second, a burst of two: the third quick request is throttled.
        public_rate_per_sec: 1,
        trusted_proxies,
        ..c
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_budget() {
    let s = start_with(slow_public("127.0.0.1")).await;
    // One client behind the proxy floods and is throttled...
    assert!(flood(&s, Some("203.0.113.5"), 8).await > 0);
    assert_eq!(
        status_as(&s, "203.0.113.5").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // ...what it writes itself left of the proxy's entry changes nothing...
    assert_eq!(
        status_as(&s, "198.51.100.99, 203.0.113.5").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // ...while another client behind the same proxy is not.
    assert_eq!(status_as(&s, "203.0.113.6").await, StatusCode::NOT_FOUND);
    // Nor is the proxy itself, nor a client sent through two trusted hops.
    assert_eq!(flood(&s, None, 1).await, 0);
    assert_eq!(
        status_as(&s, "203.0.113.7, 127.0.0.1").await,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn ipv6_clients_are_limited_per_64() {
    let s = start_with(slow_public("127.0.0.1")).await;
    assert!(flood(&s, Some("2001:db8:1:2::1"), 8).await > 0);
    // Another address in the same /64 is the same client...
    assert_eq!(
        status_as(&s, "2001:db8:1:2:ffff:ffff:ffff:fffe").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // ...the next /64 is another.
    assert_eq!(
        status_as(&s, "2001:db8:1:3::1").await,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn forwarded_for_is_ignored_unless_it_comes_from_a_trusted_proxy() {
    // No proxy configured: a new spoofed address on every request does not escape.
    let s = start_with(slow_public("")).await;
    let mut limited = 0;
    for i in 0..8 {
        let status = status_as(&s, &format!("203.0.113.{i}")).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            limited += 1;
        }
    }
    assert!(limited >= 3, "{limited} of 8 limited");

    // A proxy configured, but the request does not come from it: the same.
    let s = start_with(slow_public("10.0.0.1, 2001:db8::/32")).await;
    let mut limited = 0;
    for i in 0..8 {
        let status = status_as(&s, &format!("203.0.113.{i}")).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            limited += 1;
        }
    }
    assert!(limited >= 3, "{limited} of 8 limited");
}

#[tokio::test]
async fn sign_in_is_throttled_per_forwarded_client() {
    let s = start_with(|c| Config {
        login_per_minute: 1,
        trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
        ..c
    })
    .await;
    let attempt = |client: &'static str, email: &'static str| {
        let req = s
            .http
            .post(s.url("/auth/login"))
            .header("x-forwarded-for", client)
            .json(&json!({"email": email, "password": "wrong password"}));
        async move { req.send().await.unwrap().status() }
    };
    // Different accounts, so only the per-client limit is in play.
    assert_eq!(
        attempt("203.0.113.5", "a@example.com").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        attempt("203.0.113.5", "b@example.com").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        attempt("203.0.113.6", "c@example.com").await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn events_older_than_retention_are_deleted_in_bounded_runs() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::open(&dir.path().join("events.db").to_string_lossy())
        .await
        .unwrap();
    let now = Utc::now();
    let log = |at| Batch::new("org", Vec::new(), Some(&Event::Reset), at).unwrap();
    // Five events 40 days old, then three from today.
    let old: Vec<Batch> = (0..5)
        .map(|i| log(now - Duration::days(40) + Duration::seconds(i)))
        .collect();
    let recent: Vec<Batch> = (0..3)
        .map(|i| log(now - Duration::seconds(10 - i)))
        .collect();
    let ids = storage
        .commit(&old.iter().chain(&recent).collect::<Vec<_>>())
        .await
        .unwrap();
    let ids: Vec<i64> = ids.into_iter().map(Option::unwrap).collect();
    let cutoff = now - Duration::days(30);

    // At most `max` a run, oldest first.
    assert_eq!(storage.delete_events_before(cutoff, 3).await.unwrap(), 3);
    let left = storage.events_after("org", 0, 100).await.unwrap();
    assert_eq!(left.len(), 5);
    assert_eq!(left[0].0, ids[3]);
    assert_eq!(storage.delete_events_before(cutoff, 3).await.unwrap(), 2);
    // Nothing within the period goes.
    assert_eq!(storage.delete_events_before(cutoff, 3).await.unwrap(), 0);
    let left: Vec<i64> = storage
        .events_after("org", 0, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(left, ids[5..]);
    // Resuming from an id that was deleted gets what remains after it.
    let resumed = storage.events_after("org", ids[1], 100).await.unwrap();
    assert_eq!(resumed.len(), 3);
    assert_eq!(resumed[0].0, ids[5]);
}
