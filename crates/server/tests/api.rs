//! The reference server over real HTTP on loopback, against a temporary SQLite file.

mod common;

use common::{snapshot, snapshot_of, start, start_with};
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

/// How many readings the caller's radar holds (the demo seeds a month of them).
async fn radar_len(s: &common::Server, token: &str) -> usize {
    let (_, radar) = s.call(Method::GET, "/radar", Some(token), None).await;
    radar.as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn share_open_track_and_radar_with_beacon_bodies() {
    let s = start().await;
    let token = s.login().await;
    // The demo's history: the view below comes on top.
    let seeded = radar_len(&s, &token).await;
    let share = s.share_pricing(&token).await;
    assert_eq!(share.len(), 32, "128-bit token");

    let (status, opened) = s
        .call(Method::GET, &format!("/public/shares/{share}"), None, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(opened["content"]["id"], "c-pricing");
    assert_eq!(opened["card"]["id"], "wang-lei");
    let child = opened["child_token"].as_str().unwrap();
    assert_ne!(child, share);
    let session = opened["session_id"].as_str().unwrap();
    assert_eq!(session.len(), 32, "128-bit session id");

    // navigator.sendBeacon posts text/plain; the same snapshot twice changes nothing.
    for _ in 0..2 {
        let res = s
            .http
            .post(s.url("/public/track"))
            .header("content-type", "text/plain;charset=UTF-8")
            .body(snapshot_of(&opened, 120_000).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
    }
    let (_, radar) = s.call(Method::GET, "/radar", Some(&token), None).await;
    let radar = radar.as_array().unwrap();
    assert_eq!(radar.len(), seeded + 1);
    assert_eq!(radar[0]["session_id"], opened["session_id"], "newest first");
    assert_eq!(radar[0]["visible_ms"], 120_000);
    assert_eq!(radar[0]["top_section"], "价格");
    assert_eq!(radar[0]["actions"], json!(["called"]));

    let (status, _) = s
        .call(
            Method::GET,
            "/public/shares/0123456789abcdef0123456789abcdef",
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn content_editing_analytics_ranking_and_lead_capture() {
    let s = start().await;
    let token = s.login().await;
    let (_, list) = s.call(Method::GET, "/contents", Some(&token), None).await;
    let mut item = list[0].clone();
    item["title"] = json!("新标题 New title");
    let id = item["id"].as_str().unwrap().to_owned();
    let (status, saved) = s
        .call(
            Method::PUT,
            &format!("/contents/{id}"),
            Some(&token),
            Some(item.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["title"], "新标题 New title");
    item["blocks"][0]["id"] = json!("bad id");
    let (status, _) = s
        .call(
            Method::PUT,
            &format!("/contents/{id}"),
            Some(&token),
            Some(item),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // A reader reads, returns with the same link, then leaves their details.
    // The demo's history of the article: this reader's view comes on top.
    let (_, seeded) = s
        .call(
            Method::GET,
            "/contents/c-pricing/analytics",
            Some(&token),
            None,
        )
        .await;
    let seeded = &seeded["stats"];
    let share = s.share_pricing(&token).await;
    let (_, opened) = s
        .call(Method::GET, &format!("/public/shares/{share}"), None, None)
        .await;
    let child = opened["child_token"].as_str().unwrap().to_owned();
    let (_, again) = s
        .call(
            Method::GET,
            &format!("/public/shares/{share}?child={child}"),
            None,
            None,
        )
        .await;
    assert_eq!(again["child_token"], child.as_str());
    assert_ne!(
        again["session_id"], opened["session_id"],
        "a visit, a session"
    );
    let (status, _) = s
        .call(
            Method::POST,
            "/public/track",
            None,
            Some(snapshot_of(&again, 30_000)),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // The first visit's snapshot (say, from the outbox) is still taken.
    let (status, _) = s
        .call(
            Method::POST,
            "/public/track",
            None,
            Some(snapshot_of(&opened, 1_000)),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, err) = s
        .call(
            Method::POST,
            &format!("/public/shares/{child}/lead"),
            None,
            Some(json!({"name": "陈"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    let (status, _) = s
        .call(
            Method::POST,
            &format!("/public/shares/{child}/lead"),
            None,
            Some(json!({"name": "陈女士", "wechat_id": "chen_w"})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // The details made a lead on the reader's own link; k-000, whom the link was
    // shared with, is not written to (a forwarded link is opened by anyone).
    let server = &s;
    let contact = |id: &str| {
        let (path, token) = (format!("/contacts/{id}"), token.clone());
        async move { server.call(Method::GET, &path, Some(&token), None).await.1 }
    };
    let customer = contact("k-000").await;
    assert_ne!(customer["wechat_id"], "chen_w", "{customer}");
    // A lead is found by the reader's link (demo customers may share the name).
    let lead_on = |contacts: &Value, link: &str| {
        contacts
            .as_array()
            .and_then(|all| all.iter().find(|c| c["lead_link"] == link))
            .cloned()
            .unwrap_or_else(|| panic!("no lead on {link} in {contacts}"))
    };
    let (_, contacts) = s.call(Method::GET, "/contacts", Some(&token), None).await;
    let lead = lead_on(&contacts, &child);
    assert_eq!(lead["name"], "陈女士");
    assert_eq!(lead["owner_id"], "u-wanglei");
    assert!(lead.get("probably_same_as").is_none(), "{lead}");
    // Another reader types k-000's phone: a lead of their own, offered to the rep as
    // probably k-000; "Not the same person" clears the offer.
    let other = s.open(&share).await;
    let other_child = other["child_token"].as_str().unwrap().to_owned();
    let (status, _) = s
        .call(
            Method::POST,
            &format!("/public/shares/{other_child}/lead"),
            None,
            Some(json!({"name": "冒充者", "phone": customer["phone"]})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, contacts) = s.call(Method::GET, "/contacts", Some(&token), None).await;
    let impostor = lead_on(&contacts, &other_child);
    assert_eq!(impostor["name"], "冒充者");
    assert_eq!(impostor["probably_same_as"], "k-000", "{impostor}");
    assert_eq!(contact("k-000").await, customer);
    let impostor_id = impostor["id"].as_str().unwrap().to_owned();
    let (status, cleared) = s
        .call(
            Method::POST,
            &format!("/contacts/{impostor_id}/not-duplicate"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{cleared}");
    assert!(cleared.get("probably_same_as").is_none(), "{cleared}");
    assert_eq!(cleared["not_same_as"], json!(["k-000"]));
    assert_eq!(contact("k-000").await, customer);

    let (status, a) = s
        .call(
            Method::GET,
            "/contents/c-pricing/analytics",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (opens, total) = (&a["stats"]["opens"], &a["stats"]["total_visible_ms"]);
    let number = |v: &Value| v.as_u64().unwrap();
    assert_eq!(number(opens), number(&seeded["opens"]) + 1);
    assert_eq!(
        number(total),
        number(&seeded["total_visible_ms"]) + 30_000,
        "the 1 s visit does not count"
    );
    let (_, ranked) = s
        .call(
            Method::GET,
            "/contents/ranking?by=most_read",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(ranked[0]["content_id"], "c-pricing");
    let (status, _) = s
        .call(
            Method::GET,
            "/contents/ranking?by=nonsense",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = s
        .call(Method::GET, "/contents/nope/analytics", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn timeline_canned_replies_and_demo_reset() {
    let s = start().await;
    let token = s.login().await;
    let share = s.share_pricing(&token).await;
    let opened = s.open(&share).await;
    s.call(
        Method::POST,
        "/public/track",
        None,
        Some(snapshot_of(&opened, 9_000)),
    )
    .await;
    let (status, timeline) = s
        .call(Method::GET, "/contacts/k-000/timeline", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let kinds: Vec<&str> = timeline
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"view"), "{kinds:?}");
    let (status, _) = s
        .call(Method::GET, "/contacts/nobody/timeline", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, canned) = s
        .call(Method::GET, "/canned-replies", Some(&token), None)
        .await;
    assert!(
        canned
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["shortcut"] == "price")
    );

    let (status, _) = s
        .call(Method::POST, "/demo/reset", Some(&token), None)
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a rep may not reset the demo"
    );
    let admin = s.login_as("admin@lianjie.example").await;
    let (status, _) = s
        .call(Method::POST, "/demo/reset", Some(&admin), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, radar) = s.call(Method::GET, "/radar", Some(&token), None).await;
    let radar = radar.as_array().unwrap();
    assert!(
        radar
            .iter()
            .all(|r| r["session_id"] != opened["session_id"]),
        "reset clears what was tracked"
    );
    // What is left is the demo's own history, as seeded.
    let seed = lianjie_core::demo::seed(chrono::Utc::now());
    let wanglei = seed.caller("u-wanglei").unwrap();
    assert_eq!(radar.len(), seed.radar(&wanglei, 100).unwrap().len());
    let (status, _) = s.call(Method::GET, "/me", Some(&token), None).await;
    assert_eq!(status, StatusCode::OK, "a reset keeps staff signed in");
    // The reset is durable: a restart on the same file sees the seed, not the old share.
    let again = s.restarted().await;
    let (status, _) = again
        .call(Method::GET, &format!("/public/shares/{share}"), None, None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let token = again.login_as("admin@lianjie.example").await;
    let (_, contacts) = again
        .call(Method::GET, "/contacts", Some(&token), None)
        .await;
    assert_eq!(
        contacts.as_array().unwrap().len(),
        lianjie_core::demo::CONTACTS
    );
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
async fn message_sends_are_idempotent() {
    let s = start().await;
    let token = s.login().await;
    let send = || {
        s.http
            .post(s.url("/conversations/v-000/messages"))
            .bearer_auth(&token)
            .header("idempotency-key", "send-once-1")
            .json(&json!({"body": "您好，方案已发送。", "idempotency_key": "ignored"}))
            .send()
    };
    let first: Value = send().await.unwrap().json().await.unwrap();
    let second: Value = send().await.unwrap().json().await.unwrap();
    assert_eq!(first["id"], second["id"]);
    let (_, page) = s
        .call(
            Method::GET,
            "/conversations/v-000/messages?limit=200",
            Some(&token),
            None,
        )
        .await;
    let count = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["idempotency_key"] == "send-once-1")
        .count();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn web_chat_lands_in_the_inbox_with_its_context() {
    let s = start().await;
    let token = s.login().await;
    let share = s.share_pricing(&token).await;
    let (status, _) = s
        .call(
            Method::POST,
            &format!("/public/shares/{share}/messages"),
            None,
            Some(json!({"handle": share, "name": "王先生", "body": "价格能再优惠吗？", "idempotency_key": "wc-1"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, page) = s
        .call(
            Method::GET,
            "/conversations?channel=web_chat&text=优惠",
            Some(&token),
            None,
        )
        .await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(
        items[0]["context"],
        json!({"type": "content", "id": "c-pricing"})
    );
    assert_eq!(items[0]["unread"], 1);
    // The page's own figures: unread over the whole list, and each status tab's count.
    assert_eq!(page["unread"], 1);
    assert_eq!(
        page["by_status"],
        json!({"open": 1, "pending": 0, "snoozed": 0, "resolved": 0})
    );

    // The visitor reads the reply in their chat; notes stay with staff.
    let conversation = items[0]["id"].as_str().unwrap().to_owned();
    for (body, note, key) in [("报价已更新。", false, "re-1"), ("内部备注", true, "re-2")]
    {
        let (status, _) = s
            .call(
                Method::POST,
                &format!("/conversations/{conversation}/messages"),
                Some(&token),
                Some(json!({"body": body, "note": note, "idempotency_key": key})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let path = format!("/public/shares/{share}/messages?visitor={share}");
    let (status, seen) = s.call(Method::GET, &path, None, None).await;
    assert_eq!(status, StatusCode::OK);
    let bodies: Vec<&str> = seen
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["价格能再优惠吗？", "报价已更新。"]);
    let (_, other) = s
        .call(
            Method::GET,
            &format!("/public/shares/{share}/messages?visitor=someone-else"),
            None,
            None,
        )
        .await;
    assert_eq!(other, json!([]));
}

#[tokio::test]
async fn data_survives_a_restart() {
    let s = start().await;
    let token = s.login().await;
    let seeded = radar_len(&s, &token).await;
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
    s.call(
        Method::POST,
        "/public/track",
        None,
        Some(snapshot_of(&opened, 30_000)),
    )
    .await;
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
    let (status, _) = again
        .call(
            Method::POST,
            "/public/track",
            None,
            Some(snapshot_of(&unreported, 12_000)),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, radar) = again.call(Method::GET, "/radar", Some(&token), None).await;
    assert_eq!(radar.as_array().map(Vec::len), Some(seeded + 2));
    let (status, _) = again
        .call(Method::GET, &format!("/public/shares/{share}"), None, None)
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn contacts_merge_persist_and_undo_and_a_scaled_demo_pages() {
    let s = start().await;
    let token = s.login_as("admin@lianjie.example").await;
    let (_, page) = s
        .call(
            Method::GET,
            "/conversations?status=all&limit=200",
            Some(&token),
            None,
        )
        .await;
    let items = page["items"].as_array().unwrap();
    let keep = items[0]["contact_id"].as_str().unwrap().to_owned();
    let other = items
        .iter()
        .map(|v| v["contact_id"].as_str().unwrap())
        .find(|c| *c != keep)
        .unwrap()
        .to_owned();
    assert!(
        items
            .iter()
            .all(|v| !v["contact_name"].as_str().unwrap().is_empty())
    );
    let (_, contacts) = s.call(Method::GET, "/contacts", Some(&token), None).await;
    let before = contacts.as_array().unwrap().len();

    let path = format!("/contacts/{keep}/merge");
    let merge = |body: Value| s.call(Method::POST, &path, Some(&token), Some(body));
    let (status, kept) = merge(json!({"other_id": other})).await;
    assert_eq!(status, StatusCode::OK, "{kept}");
    assert_eq!(kept["id"], keep);
    let (status, again) = merge(json!({"other_id": other})).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "merged already: {again}");
    let (status, _) = merge(json!({"other_id": keep})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = merge(json!({"nope": 1})).await;
    assert!(status.is_client_error());

    // The merge survives a restart; the merged contact is kept, marked.
    let s = s.restarted().await;
    let (_, contacts) = s.call(Method::GET, "/contacts", Some(&token), None).await;
    assert_eq!(contacts.as_array().unwrap().len(), before - 1);
    let (_, merged) = s
        .call(
            Method::GET,
            &format!("/contacts/{other}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(merged["merged"]["into"], keep.as_str());

    let (status, restored) = s
        .call(
            Method::POST,
            &format!("/contacts/{other}/unmerge"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{restored}");
    assert!(restored.get("merged").is_none());
    let (_, contacts) = s.call(Method::GET, "/contacts", Some(&token), None).await;
    assert_eq!(contacts.as_array().unwrap().len(), before);

    let (status, _) = s
        .call(
            Method::POST,
            "/demo/reset?conversations=500",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, page) = s
        .call(Method::GET, "/conversations?status=all", Some(&token), None)
        .await;
    assert_eq!(page["total"], 500);
}

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
    s.call(
        Method::POST,
        "/public/track",
        None,
        Some(snapshot_of(&views[0], 10_000)),
    )
    .await;
    s.call(
        Method::POST,
        "/public/track",
        None,
        Some(snapshot_of(&views[1], 20_000)),
    )
    .await;
    let got = read_events(live, 2).await;
    assert_eq!(got[0].1["type"], "radar");
    assert_eq!(got[1].1["item"]["session_id"], session(1));

    // A client that saw only the first event reconnects and gets exactly the rest.
    s.call(
        Method::POST,
        "/public/track",
        None,
        Some(snapshot_of(&views[2], 30_000)),
    )
    .await;
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

#[tokio::test]
async fn serves_the_app_with_spa_fallback_and_the_http_backend_switched_on() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        r#"<html><head><meta name="lianjie-backend" content="local" /></head><body class="x"></body></html>"#,
    )
    .unwrap();
    std::fs::write(dist.path().join("app.js"), "console.log(1)").unwrap();
    let s = start_with(|c| Config {
        dist: Some(dist.path().to_path_buf()),
        ..c
    })
    .await;
    let root = s.base.trim_end_matches("/api/v1").to_owned();
    for path in ["/", "/c/wang-lei", "/s/0123456789abcdef"] {
        let res = s.http.get(format!("{root}{path}")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let html = res.text().await.unwrap();
        assert!(html.contains(r#"content="http""#), "{path}: {html}");
    }
    // Every answer says how a browser must treat it: pages may run only this
    // server's scripts, the API's JSON nothing at all.
    let header = |res: &reqwest::Response, name: &str| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    for path in ["/", "/c/wang-lei", "/app.js", "/api/v1/health"] {
        let res = s.http.get(format!("{root}{path}")).send().await.unwrap();
        assert_eq!(header(&res, "x-content-type-options"), "nosniff", "{path}");
        assert_eq!(
            header(&res, "referrer-policy"),
            "strict-origin-when-cross-origin",
            "{path}"
        );
        assert!(
            header(&res, "permissions-policy").contains("camera=()"),
            "{path}"
        );
        let csp = header(&res, "content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        if path.starts_with("/api/") {
            assert_eq!(csp, "default-src 'none'; frame-ancestors 'none'");
        } else {
            for part in [
                "script-src 'self' 'wasm-unsafe-eval'",
                "object-src 'none'",
                "base-uri 'none'",
                "connect-src 'self'",
            ] {
                assert!(csp.contains(part), "{path}: {csp}");
            }
        }
    }
    let js = s.http.get(format!("{root}/app.js")).send().await.unwrap();
    assert_eq!(js.text().await.unwrap(), "console.log(1)");
    let (status, body) = s.call(Method::GET, "/no-such-endpoint", None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");

    // Link previews are in the HTML for previewers that run no JavaScript, escaped.
    let token = s.login().await;
    let (_, list) = s.call(Method::GET, "/contents", Some(&token), None).await;
    let mut item = list[0].clone();
    item["title"] = json!(r#"报价 "<script>alert(1)</script>"#);
    let id = item["id"].as_str().unwrap().to_owned();
    s.call(
        Method::PUT,
        &format!("/contents/{id}"),
        Some(&token),
        Some(item),
    )
    .await;
    let (_, share) = s
        .call(
            Method::POST,
            "/shares",
            Some(&token),
            Some(json!({"target": {"type": "content", "id": id}})),
        )
        .await;
    let page = |path: String| {
        let http = s.http.clone();
        async move { http.get(path).send().await.unwrap().text().await.unwrap() }
    };
    let html = page(format!("{root}/s/{}", share["token"].as_str().unwrap())).await;
    assert!(
        html.contains(r#"<meta property="og:title" content="报价 &quot;&lt;script&gt;alert(1)&lt;/script&gt;" />"#),
        "{html}"
    );
    assert!(!html.contains("<script>alert"), "{html}");
    let html = page(format!("{root}/c/wang-lei")).await;
    assert!(
        html.contains(r#"<meta property="og:title" content="王磊 | "#),
        "{html}"
    );
    assert!(html.contains("<title>王磊 | "), "{html}");
    // The card itself is in the page as text, readable before the app has loaded.
    assert!(
        html.contains(r#"<div id="first-paint" class="customer">"#)
            && html.contains(r#"<h1 class="card-name">王磊</h1>"#),
        "{html}"
    );

    // With the slim customer build present, customer links get its page instead.
    std::fs::create_dir(dist.path().join("customer")).unwrap();
    std::fs::write(
        dist.path().join("customer/index.html"),
        "<html><head><title>slim</title></head><body></body></html>",
    )
    .unwrap();
    let s = start_with(|c| Config {
        dist: Some(dist.path().to_path_buf()),
        ..c
    })
    .await;
    let root = s.base.trim_end_matches("/api/v1").to_owned();
    let html = page(format!("{root}/c/wang-lei")).await;
    assert!(html.contains(r#"<body><div id="first-paint""#), "{html}");
    assert!(!html.contains("lianjie-backend"), "{html}");
    let staff = page(format!("{root}/card")).await;
    assert!(staff.contains(r#"content="http""#), "{staff}");
}

#[tokio::test]
async fn card_address_featured_items_and_card_analytics() {
    let s = start().await;
    let token = s.login().await;
    // The card's views in the demo's history: the one below comes on top.
    let (_, seeded) = s
        .call(Method::GET, "/cards/wang-lei/analytics", Some(&token), None)
        .await;
    let count = |a: &Value, field: &str| a[field].as_u64().unwrap_or_default();
    let saved = |a: &Value| {
        a["actions"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["action"] == "saved_contact")
            .map_or(0, |c| c["views"].as_u64().unwrap_or_default())
    };
    let (status, opened) = s
        .call(Method::GET, "/public/cards/wang-lei", None, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(opened["card"]["id"], "wang-lei");
    assert_eq!(opened["featured"][0]["id"], "c-pricing");
    let link = opened["share"]["token"].as_str().unwrap().to_owned();
    let child = opened["child_token"].as_str().unwrap().to_owned();
    // The same reader coming back keeps their own link on the same card link.
    let (_, again) = s
        .call(
            Method::GET,
            &format!("/public/cards/wang-lei?child={child}"),
            None,
            None,
        )
        .await;
    assert_eq!(
        (
            again["share"]["token"].as_str(),
            again["child_token"].as_str()
        ),
        (Some(link.as_str()), Some(child.as_str()))
    );

    assert_eq!(again["session_id"].as_str().map(str::len), Some(32));
    let mut snap = snapshot_of(&again, 15_000);
    snap["totals"]["actions"] = json!(["saved_contact", "copied_wechat"]);
    let (status, _) = s
        .call(Method::POST, "/public/track", None, Some(snap))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, a) = s
        .call(Method::GET, "/cards/wang-lei/analytics", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (count(&a, "views"), count(&a, "unique_viewers")),
        (
            count(&seeded, "views") + 1,
            count(&seeded, "unique_viewers") + 1
        )
    );
    assert_eq!(saved(&a), saved(&seeded) + 1);
    let (status, _) = s
        .call(Method::GET, "/cards/wang-lei/analytics", None, None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let path = format!("/public/shares/{child}/featured/c-pricing");
    let (status, first) = s.call(Method::POST, &path, None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        first["target"],
        json!({"type": "content", "id": "c-pricing"})
    );
    let (_, second) = s.call(Method::POST, &path, None, None).await;
    assert_eq!(first["token"], second["token"]);
    let (status, _) = s
        .call(
            Method::POST,
            &format!("/public/shares/{child}/featured/c-unknown"),
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = s
        .call(Method::GET, "/public/cards/no-such-card", None, None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
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
