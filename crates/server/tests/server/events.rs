//! Real-time events over SSE: live delivery and resuming from Last-Event-ID.

use crate::common::{read_events, snapshot_of, start};
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
