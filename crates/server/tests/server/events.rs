//! Real-time events over SSE: live delivery and resuming from Last-Event-ID.

use crate::common::{snapshot_of, start};
use reqwest::StatusCode;
use serde_json::Value;

/// Reads SSE events from a streaming response until `n` data lines arrived.
async fn read_events(mut res: reqwest::Response, n: usize) -> Vec<(i64, Value)> {
    let mut buf = String::new();
    let mut out = Vec::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    while out.len() < n {
        let chunk = tokio::time::timeout_at(deadline, res.chunk())
            .await
            .expect("events in time")
            .unwrap()
            .unwrap();
        buf.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            let id = block
                .lines()
                .find_map(|l| l.strip_prefix("id:"))
                .map(|v| v.trim().parse().unwrap());
            let data = block
                .lines()
                .find_map(|l| l.strip_prefix("data:"))
                .map(|v| serde_json::from_str(v.trim()).unwrap());
            if let (Some(id), Some(data)) = (id, data) {
                out.push((id, data));
            }
        }
    }
    out
}

#[tokio::test]
async fn sse_delivers_live_events_and_resumes_from_last_event_id() {
    let s = start().await;
    let token = s.login().await;
    let share = s.share_pricing(&token).await;
    let live = s
        .http
        .get(s.url(&format!("/events?access_token={token}")))
        .send()
        .await
        .unwrap();
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
