//! The reference server over real HTTP on loopback, against a temporary SQLite file:
//! the contract's basics (health, sign-in required, 4xx envelopes, persistence, the
//! public rate limit, every route documented). Areas have files of their own:
//! sharing.rs, inbox.rs, events.rs, app_pages.rs.

use crate::common::{snapshot, snapshot_of, start, start_with};
use lianjie_server::Config;
use reqwest::StatusCode;
use serde_json::{Value, json};

use reqwest::Method;

#[tokio::test]
async fn health_and_unknown_routes() {
    let s = start().await;
    let (status, body) = s.call(Method::GET, "/health", None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
    let (status, body) = s.call(Method::GET, "/nope", None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
}

#[tokio::test]
async fn staff_endpoints_require_a_valid_session() {
    let s = start().await;
    for path in [
        "/me",
        "/users",
        "/contents",
        "/contacts",
        "/radar",
        "/conversations",
        "/cards/wang-lei",
        "/events",
    ] {
        let (status, body) = s.call(Method::GET, path, None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(body["error"]["code"], "unauthorized", "{path}");
        let (status, _) = s.call(Method::GET, path, Some("forged-token"), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
    }
    let (status, _) = s
        .call(
            Method::POST,
            "/auth/login",
            None,
            Some(json!({"email": "wang-lei@lianjie.example", "password": "wrong"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let token = s.login().await;
    let (status, me) = s.call(Method::GET, "/me", Some(&token), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["id"], "u-wanglei");
    let (_, contents) = s.call(Method::GET, "/contents", Some(&token), None).await;
    assert!(contents.as_array().unwrap().len() >= 10);
}

#[tokio::test]
async fn bad_requests_get_4xx_envelopes_never_5xx() {
    let s = start().await;
    // An admin may reach every operation, so every refusal here is the input's.
    let token = s.login_as("admin@lianjie.example").await;
    let share = s.share_pricing(&token).await;
    let mut card = s
        .call(Method::GET, "/cards/wang-lei", Some(&token), None)
        .await
        .1;
    card["email"] = json!("not-an-email");
    card["website"] = json!("javascript:alert(1)");
    let (status, body) = s
        .call(Method::PUT, "/cards/wang-lei", Some(&token), Some(card))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "website"]);

    let opened = s.open(&share).await;
    let reader = opened["child_token"].as_str().unwrap_or_default();
    let raw = |path: &str, body: String| {
        s.http
            .post(s.url(path))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let table: Vec<(&str, String, StatusCode)> = vec![
        ("/public/track", "{not json".into(), StatusCode::BAD_REQUEST),
        ("/public/track", "[]".into(), StatusCode::BAD_REQUEST),
        (
            "/public/track",
            snapshot_of(&opened, 1)
                .to_string()
                .replace(r#""max_scroll_pct":80"#, r#""max_scroll_pct":200"#),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/public/track",
            snapshot("<bad>", &share, reader, 1).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/public/track",
            snapshot("s", "unknown-token", reader, 1).to_string(),
            StatusCode::NOT_FOUND,
        ),
        (
            "/public/track",
            snapshot("never-issued", &share, reader, 1).to_string(),
            StatusCode::NOT_FOUND,
        ),
        (
            "/public/track",
            "x".repeat(100 * 1024),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            "/shares",
            json!({"target": {"type": "card", "id": "ghost"}}).to_string(),
            StatusCode::NOT_FOUND,
        ),
        (
            "/shares",
            json!({"target": {"type": "rocket", "id": "x"}}).to_string(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/channels/fax/simulate",
            json!({"handle": "h", "name": "", "body": "hi", "idempotency_key": "k1"}).to_string(),
            StatusCode::NOT_FOUND,
        ),
        (
            "/channels/wechat/simulate",
            json!({"handle": "", "name": "", "body": "hi", "idempotency_key": "k1"}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/channels/wechat/simulate",
            json!({"handle": "h", "name": "", "body": "hi", "idempotency_key": "bad key!"})
                .to_string(),
            StatusCode::BAD_REQUEST,
        ),
        (
            "/conversations/v-000/messages",
            json!({"body": "  ", "idempotency_key": "k2"}).to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "/conversations/nope/messages",
            json!({"body": "hi", "idempotency_key": "k3"}).to_string(),
            StatusCode::NOT_FOUND,
        ),
    ];
    for (path, body, expected) in table {
        let preview: String = body.chars().take(60).collect();
        let res = raw(path, body).await.unwrap();
        assert_eq!(res.status(), expected, "{path} {preview}");
        let envelope: Value = res.json().await.unwrap();
        assert!(envelope["error"]["code"].is_string(), "{path}: {envelope}");
    }
    // Query strings and path parameters that cannot be read are answered in the
    // envelope too, not in plain text (found by the contract fuzzer).
    for (path, expected) in [
        ("/conversations?status=weird", StatusCode::BAD_REQUEST),
        (
            "/public/shares/0123456789abcdef0123456789abcdef/messages",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/public/cards/wang-lei?child=a&child=b",
            StatusCode::BAD_REQUEST,
        ),
        ("/events?last_event_id=abc", StatusCode::BAD_REQUEST),
        ("/contacts/%FF", StatusCode::NOT_FOUND),
    ] {
        let res = s
            .http
            .get(s.url(path))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), expected, "{path}");
        let envelope: Value = res.json().await.unwrap();
        assert!(envelope["error"]["code"].is_string(), "{path}: {envelope}");
    }
}

#[tokio::test]
async fn data_survives_a_restart() {
    let s = start().await;
    let token = s.login().await;
    let seeded = s.radar_len(&token).await;
    let share = s.share_pricing(&token).await;
    let mut card = s
        .call(Method::GET, "/cards/wang-lei", Some(&token), None)
        .await
        .1;
    card["title"] = json!("区域销售总监");
    let (status, _) = s
        .call(Method::PUT, "/cards/wang-lei", Some(&token), Some(card))
        .await;
    assert_eq!(status, StatusCode::OK);
    let opened = s.open(&share).await;
    s.track(snapshot_of(&opened, 30_000)).await;
    // Issued but not yet reported: after a restart the page's outbox still sends it.
    let unreported = s.open(&share).await;

    let again = s.restarted().await;
    let (_, card) = again
        .call(Method::GET, "/cards/wang-lei", Some(&token), None)
        .await;
    assert_eq!(
        card["title"], "区域销售总监",
        "session token and card both persisted"
    );
    let (_, radar) = again.call(Method::GET, "/radar", Some(&token), None).await;
    assert_eq!(radar[0]["visible_ms"], 30_000);
    let (status, _) = again.track(snapshot_of(&unreported, 12_000)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, radar) = again.call(Method::GET, "/radar", Some(&token), None).await;
    assert_eq!(radar.as_array().map(Vec::len), Some(seeded + 2));
    let (status, _) = again
        .call(Method::GET, &format!("/public/shares/{share}"), None, None)
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn public_endpoints_answer_429_under_a_flood() {
    let s = start_with(|c| Config {
        public_rate_per_sec: 5,
        ..c
    })
    .await;
    let mut limited = 0;
    for _ in 0..40 {
        let (status, body) = s
            .call(
                Method::GET,
                "/public/shares/0123456789abcdef0123456789abcdef",
                None,
                None,
            )
            .await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(body["error"]["code"], "rate_limited");
            limited += 1;
        } else {
            assert_eq!(status, StatusCode::NOT_FOUND);
        }
    }
    assert!(limited >= 20, "{limited} of 40 limited");
}

/// Every route the server registers is documented in the contract, and nothing the
/// contract documents is missing from the server.
#[test]
fn openapi_documents_exactly_the_served_routes() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let routes_rs = std::fs::read_to_string(format!("{root}/crates/server/src/routes.rs")).unwrap();
    // The API router is built first; the app's own pages (/s/..., /c/...) come after
    // it and are not part of the REST contract.
    let api_part = routes_rs
        .split(r#"Router::new().nest("/api/v1", api)"#)
        .next()
        .unwrap();
    let served: std::collections::BTreeSet<&str> = api_part
        .split(".route(")
        .skip(1)
        .filter_map(|rest| rest.trim_start().strip_prefix('"')?.split('"').next())
        .collect();
    let spec = std::fs::read_to_string(format!("{root}/docs/openapi.yaml")).unwrap();
    let paths_section = spec
        .split("\npaths:\n")
        .nth(1)
        .unwrap()
        .split("\ncomponents:")
        .next()
        .unwrap();
    let documented: std::collections::BTreeSet<&str> = paths_section
        .lines()
        .filter(|l| l.starts_with("  /"))
        .map(|l| l.trim().trim_end_matches(':'))
        .collect();
    assert!(served.len() >= 15, "{served:?}");
    assert_eq!(served, documented);
}
