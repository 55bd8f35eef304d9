//! The inbox over HTTP: idempotent sends, web chat with its context, merging
//! contacts (and a scaled demo's pages), timelines, canned replies, the demo reset.

use crate::common::{read_events, snapshot_of, start, start_with};
use lianjie_server::Config;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

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
async fn a_run_out_snooze_is_opened_again_in_storage_and_heard_live() {
    let s = start_with(|c| Config {
        snooze_check_every: Duration::from_millis(200),
        ..c
    })
    .await;
    let token = s.login_as("admin@lianjie.example").await;
    let live = s.events(&token).send().await.unwrap();
    assert_eq!(live.status(), StatusCode::OK);
    let snoozed_tab = || {
        s.call(
            Method::GET,
            "/conversations?status=snoozed",
            Some(&token),
            None,
        )
    };
    let (_, before) = snoozed_tab().await;
    let until = chrono::Utc::now() + chrono::Duration::seconds(3);
    let (status, snoozed) = s
        .call(
            Method::PATCH,
            "/conversations/v-000",
            Some(&token),
            Some(json!({"status": {"status": "snoozed", "until": until}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{snoozed}");
    assert_eq!(snoozed["status"], "snoozed");
    let stored = || async {
        let row: (String,) = sqlx::query_as("SELECT status FROM conversations WHERE id = 'v-000'")
            .fetch_one(&s.sql().await)
            .await
            .unwrap();
        row.0
    };
    assert_eq!(stored().await, "snoozed");
    // The snooze's own change, then the conversation opened again by the server.
    let got = read_events(live, 2).await;
    let statuses: Vec<&Value> = got
        .iter()
        .map(|(_, e)| &e["conversation"]["status"])
        .collect();
    assert_eq!(statuses, ["snoozed", "open"], "{got:?}");
    assert_eq!(got[1].1["conversation"]["id"], "v-000");
    assert_eq!(stored().await, "open");
    let (_, after) = snoozed_tab().await;
    assert_eq!(after["by_status"], before["by_status"], "{after}");
    let (_, open) = s
        .call(
            Method::GET,
            "/conversations?status=open&limit=200",
            Some(&token),
            None,
        )
        .await;
    let items = open["items"].as_array().unwrap();
    assert!(items.iter().any(|v| v["id"] == "v-000"));
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

#[tokio::test]
async fn timeline_canned_replies_and_demo_reset() {
    let s = start().await;
    let token = s.login().await;
    let share = s.share_pricing(&token).await;
    let opened = s.open(&share).await;
    s.track(snapshot_of(&opened, 9_000)).await;
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
