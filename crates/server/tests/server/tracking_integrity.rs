//! Tracking that cannot be forged, over real HTTP: only a view session the server
//! issued when the page was opened is accepted, for the link and reader it was issued
//! to; anything else is refused and changes nothing. Opening pages, minting readers'
//! links and reporting snapshots have per-client budgets that answer 429.

use crate::common::{Server, snapshot, snapshot_of, start, start_with};
use lianjie_server::Config;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Everything a rep's figures are made of: the radar, the article's and the card's
/// analytics, the customer's timeline and intent score.
async fn figures(s: &Server, staff: &str) -> Value {
    let mut out = json!({});
    for path in [
        "/radar",
        "/contents/c-pricing/analytics",
        "/cards/wang-lei/analytics",
        "/contacts/k-000/timeline",
        "/contacts/k-000",
    ] {
        let (status, body) = s.call(Method::GET, path, Some(staff), None).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        out[path] = body;
    }
    out
}

#[tokio::test]
async fn a_made_up_session_is_refused_and_the_figures_do_not_move() {
    let s = start().await;
    let rep = s.login().await;
    let share = s.share_pricing(&rep).await;
    // The demo's month of history is in these figures; nothing below may move them
    // but the page's own view.
    let before = figures(&s, &rep).await;
    let seeded = before["/radar"].as_array().cloned().unwrap_or_default();
    assert!(seeded.iter().all(|r| r["share_token"] != share.as_str()));

    // The attack: a made-up session for a real link, with a reader token and every
    // action that would flatter the rep and heat up the customer.
    let mut forged = snapshot(
        "0123456789abcdef0123456789abcdef",
        &share,
        "anyone",
        600_000,
    );
    forged["totals"]["actions"] = json!(["called", "saved_contact", "messaged"]);
    let (status, body) = s.track(forged.clone()).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["error"]["code"], "not_found");
    // The same as sendBeacon sends it.
    let res = s
        .http
        .post(s.url("/public/track"))
        .header("content-type", "text/plain;charset=UTF-8")
        .body(forged.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // Opening the page issues a session; until its view counts (2 s) it is nowhere.
    let opened = s.open(&share).await;
    let other = s.open(&s.share_pricing(&rep).await).await;
    assert_eq!(figures(&s, &rep).await, before);

    // A real session, but not as issued: on another link, as another reader, as no
    // reader, or on the reader's own link instead of the one opened.
    let issued = snapshot_of(&opened, 600_000);
    let mut borrowed = Vec::new();
    for (field, value) in [
        ("share_token", other["share"]["token"].clone()),
        ("reader_token", other["child_token"].clone()),
        ("reader_token", Value::Null),
        ("share_token", opened["child_token"].clone()),
    ] {
        let mut snap = issued.clone();
        snap[field] = value;
        borrowed.push(snap);
    }
    // Someone else's session presented with this page's link and reader.
    let mut theirs = issued.clone();
    theirs["session_id"] = other["session_id"].clone();
    borrowed.push(theirs);
    for snap in borrowed {
        let (status, body) = s.track(snap.clone()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{snap} -> {body}");
    }
    assert_eq!(
        figures(&s, &rep).await,
        before,
        "nothing refused left a trace"
    );

    // The page's own snapshot counts, once, however often it is repeated.
    for _ in 0..3 {
        let (status, _) = s.track(issued.clone()).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    let after = figures(&s, &rep).await;
    let radar = after["/radar"].as_array().cloned().unwrap_or_default();
    assert_eq!(radar.len(), seeded.len() + 1);
    assert_eq!(radar[0]["session_id"], opened["session_id"]);
    let opens = |f: &Value| f["/contents/c-pricing/analytics"]["stats"]["opens"].as_u64();
    assert_eq!(opens(&after), opens(&before).map(|n| n + 1));
}

#[tokio::test]
async fn a_view_under_two_seconds_is_on_no_radar() {
    let s = start().await;
    let rep = s.login().await;
    let share = s.share_pricing(&rep).await;
    let before = figures(&s, &rep).await;
    // A previewer or bot opens the link (and maybe even reports a moment of it).
    let opened = s.open(&share).await;
    s.open(&share).await;
    let (status, _) = s.track(snapshot_of(&opened, 1_999)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(figures(&s, &rep).await, before);
    let (status, _) = s.track(snapshot_of(&opened, 2_000)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, radar) = s.call(Method::GET, "/radar", Some(&rep), None).await;
    let seeded = before["/radar"]
        .as_array()
        .map(Vec::len)
        .unwrap_or_default();
    assert_eq!(radar.as_array().map(Vec::len), Some(seeded + 1));
    assert_eq!(radar[0]["session_id"], opened["session_id"]);
}

/// Opens `path` as the client `ip` (through the trusted proxy on loopback).
async fn open_as(s: &Server, ip: &str, path: &str) -> (StatusCode, Value, Option<String>) {
    let res = s
        .http
        .get(s.url(path))
        .header("x-forwarded-for", ip)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let retry = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = res.json().await.unwrap_or(Value::Null);
    (status, body, retry)
}

#[tokio::test]
async fn opens_and_new_readers_beyond_the_hourly_budget_answer_429() {
    let s = start_with(|c| Config {
        views_per_hour: 3,
        reader_links_per_hour: 2,
        trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
        ..c
    })
    .await;
    let rep = s.login().await;
    let share = s.share_pricing(&rep).await;
    let path = format!("/public/shares/{share}");
    let me = "203.0.113.5";

    // Two new readers: two links minted, the second on the first one's link (a
    // forward), which counts against the link it came from.
    let (status, first, _) = open_as(&s, me, &path).await;
    assert_eq!(status, StatusCode::OK);
    let forwarded = format!(
        "/public/shares/{}",
        first["child_token"].as_str().unwrap_or_default()
    );
    let (status, second, _) = open_as(&s, me, &forwarded).await;
    assert_eq!(status, StatusCode::OK);
    // A third new reader from the same client, even down the chain: no more links
    // this hour.
    let grandchild = format!(
        "/public/shares/{}",
        second["child_token"].as_str().unwrap_or_default()
    );
    let (status, _, _) = open_as(&s, me, &grandchild).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let (status, body, retry) = open_as(&s, me, &path).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["error"]["code"], "rate_limited");
    let retry: u64 = retry.and_then(|r| r.parse().ok()).unwrap_or_default();
    assert!((1..=3600).contains(&retry), "retry-after {retry}");
    // A returning reader keeps their link and still gets a visit: the third view...
    let child = first["child_token"].as_str().unwrap_or_default();
    let back = format!("{path}?child={child}");
    let (status, again, _) = open_as(&s, me, &back).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["child_token"], first["child_token"]);
    // ...and then the views are spent too.
    let (status, _, _) = open_as(&s, me, &back).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);

    // What was issued before stays valid.
    let (status, _) = s.track(snapshot_of(&again, 5_000)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // Another client, and another link, have budgets of their own.
    let (status, _, _) = open_as(&s, "203.0.113.6", &path).await;
    assert_eq!(status, StatusCode::OK);
    let other = s.share_pricing(&rep).await;
    let (status, _, _) = open_as(&s, me, &format!("/public/shares/{other}")).await;
    assert_eq!(status, StatusCode::OK);

    // The card's own address is budgeted the same way, with the card's link (once
    // the first open has made it).
    let card = "/public/cards/wang-lei";
    let (status, _, _) = open_as(&s, me, card).await;
    assert_eq!(status, StatusCode::OK);
    let (status, opened, _) = open_as(&s, me, card).await;
    assert_eq!(status, StatusCode::OK);
    let link = format!(
        "/public/shares/{}",
        opened["share"]["token"].as_str().unwrap_or_default()
    );
    let (status, _, _) = open_as(&s, me, &link).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = open_as(&s, me, card).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn snapshots_beyond_the_client_rate_answer_429_and_change_nothing() {
    let s = start_with(|c| Config {
        public_rate_per_sec: 2,
        ..c
    })
    .await;
    let rep = s.login().await;
    let share = s.share_pricing(&rep).await;
    let opened = s.open(&share).await;
    // Let the open's budget refill, then flood with growing totals.
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    let mut accepted = 0;
    let mut limited = 0;
    let mut best = 0;
    for n in 1..=20u64 {
        let ms = 2_000 + n * 1_000;
        let (status, body) = s.track(snapshot_of(&opened, ms)).await;
        match status {
            StatusCode::NO_CONTENT => {
                accepted += 1;
                best = ms;
            }
            StatusCode::TOO_MANY_REQUESTS => {
                assert_eq!(body["error"]["code"], "rate_limited");
                limited += 1;
            }
            other => panic!("{other}: {body}"),
        }
    }
    assert!(limited >= 10, "{limited} of 20 limited");
    assert!(accepted >= 1);
    // The radar holds the last accepted totals, none of the refused ones.
    let (_, radar) = s.call(Method::GET, "/radar", Some(&rep), None).await;
    assert_eq!(radar[0]["visible_ms"], best);
}
