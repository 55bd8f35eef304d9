//! Real-time events over SSE: live delivery and resuming from Last-Event-ID.

use crate::common::{read_events, snapshot_of, start, start_with};
use lianjie_server::Config;
use reqwest::StatusCode;

#[tokio::test]
async fn sse_delivers_live_events_and_resumes_from_last_event_id() {
    let s = start().await;
    let token = s.login().await;
    let share = s.share_pricing(&token).await;
    let live = s.events(&token).send().await.unwrap();
    assert_eq!(live.status(), StatusCode::OK);
    let views = [
        s.open(&share).await,
        s.open(&share).await,
        s.open(&share).await,
    ];
    let session = |i: usize| views[i]["session_id"].as_str().unwrap_or_default();
    s.track(snapshot_of(&views[0], 10_000)).await;
    s.track(snapshot_of(&views[1], 20_000)).await;
    let got = read_events(live, 2).await;
    assert_eq!(got[0].1["type"], "radar");
    assert_eq!(got[1].1["item"]["session_id"], session(1));

    // A client that saw only the first event reconnects and gets exactly the rest.
    s.track(snapshot_of(&views[2], 30_000)).await;
    let resumed = s
        .http
        .get(s.url("/events"))
        .bearer_auth(&token)
        .header("last-event-id", got[0].0.to_string())
        .send()
        .await
        .unwrap();
    let again = read_events(resumed, 2).await;
    let sessions: Vec<&str> = again
        .iter()
        .map(|(_, e)| e["item"]["session_id"].as_str().unwrap())
        .collect();
    assert_eq!(sessions, [session(1), session(2)]);
}

/// The event id a staff answer says it already reflects (`lianjie-event-id`).
fn event_id(res: &reqwest::Response) -> Option<i64> {
    res.headers()
        .get("lianjie-event-id")?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// The radar's answer to whoever holds `token` (no one: `None`).
async fn radar_as(s: &crate::common::Server, token: Option<&str>) -> reqwest::Response {
    let req = s.http.get(s.url("/radar"));
    let req = match token {
        Some(t) => req.bearer_auth(t),
        None => req,
    };
    req.send().await.unwrap()
}

#[tokio::test]
async fn a_stream_opened_from_a_reads_event_id_hears_what_came_after_it() {
    let s = start().await;
    let token = s.login().await;
    let share = s.share_pricing(&token).await;
    let live = s.events(&token).send().await.unwrap();
    let views = [s.open(&share).await, s.open(&share).await];
    let session = |i: usize| views[i]["session_id"].as_str().unwrap_or_default();
    s.track(snapshot_of(&views[0], 10_000)).await;
    let first = read_events(live, 1).await[0].0;

    // Once the first reading is announced, a read names it and holds it.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    let (seen, radar) = loop {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the reading announced in time"
        );
        let res = radar_as(&s, Some(&token)).await;
        let seen = event_id(&res).expect("a staff answer names its event");
        let radar: serde_json::Value = res.json().await.unwrap();
        if seen >= first {
            break (seen, radar);
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert!(
        radar
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["session_id"] == session(0)),
        "{radar}"
    );

    // A reading between that read and the stream's opening is the stream's first.
    s.track(snapshot_of(&views[1], 20_000)).await;
    let from = s
        .http
        .get(s.url(&format!("/events?last_event_id={seen}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let (id, event) = read_events(from, 1).await.remove(0);
    assert!(id > seen);
    assert_eq!(event["item"]["session_id"], session(1));

    // Errors before sign-in and customers' answers name no event.
    let public = s
        .http
        .get(s.url(&format!("/public/shares/{share}")))
        .send()
        .await
        .unwrap();
    assert_eq!(event_id(&public), None);
    let stranger = radar_as(&s, None).await;
    assert_eq!(stranger.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(event_id(&stranger), None);
    // Nor a deactivated account's.
    let leaving = s.login_as("li-na@lianjie.example").await;
    let admin = s.login_as("admin@lianjie.example").await;
    let (status, body) = s
        .call(
            reqwest::Method::POST,
            "/users/u-lina/deactivate",
            Some(&admin),
            Some(serde_json::json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let refused = radar_as(&s, Some(&leaving)).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(event_id(&refused), None);
}

#[tokio::test]
async fn a_resume_far_behind_gets_every_event_after_it_from_the_log() {
    let s = start_with(|c| Config {
        public_rate_per_sec: 100_000,
        ..c
    })
    .await;
    let token = s.login().await;
    let share = s.share_pricing(&token).await;
    let view = s.open(&share).await;
    let live = s.events(&token).send().await.unwrap();
    s.track(snapshot_of(&view, 3_000)).await;
    let first = read_events(live, 1).await[0].0;
    // More readings than one page of the log (1,000) while the client was away.
    const MORE: u64 = 1_200;
    for i in 1..=MORE {
        let (status, body) = s.track(snapshot_of(&view, 3_000 + i * 1_000)).await;
        assert!(status.is_success(), "{body}");
    }
    let resumed = s
        .http
        .get(s.url("/events"))
        .bearer_auth(&token)
        .header("last-event-id", first.to_string())
        .send()
        .await
        .unwrap();
    let got = read_events(resumed, MORE as usize).await;
    assert!(got.windows(2).all(|w| w[0].0 < w[1].0) && got[0].0 > first);
    let seen: Vec<u64> = got
        .iter()
        .map(|(_, e)| e["item"]["visible_ms"].as_u64().unwrap_or_default())
        .collect();
    assert_eq!(
        seen,
        (1..=MORE).map(|i| 3_000 + i * 1_000).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_stream_ends_at_sign_out_before_its_next_event() {
    let s = start().await;
    let token = s.login().await;
    let share = s.share_pricing(&token).await;
    let mut live = s.events(&token).send().await.unwrap();
    assert_eq!(live.status(), StatusCode::OK);
    let (status, _) = s
        .call(reqwest::Method::POST, "/auth/logout", Some(&token), None)
        .await;
    assert!(status.is_success(), "{status}");
    let view = s.open(&share).await;
    s.track(snapshot_of(&view, 10_000)).await;
    // The stream ends, the reading after the sign-out not in it.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    let mut body = String::new();
    while let Some(chunk) = tokio::time::timeout_at(deadline, live.chunk())
        .await
        .expect("the stream ends in time")
        .unwrap()
    {
        body.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(!body.contains("data:"), "{body}");
}
