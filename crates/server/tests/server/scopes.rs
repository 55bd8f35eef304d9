//! The isolation of scopes and organizations over real HTTP: what each caller's
//! lists hold (customers, the radar, conversations, staff) and which real-time events
//! reach them. Who may call each operation at all is `permissions.rs`.

use crate::common;
use crate::common::start;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Ids of the records a list answer holds.
fn ids(list: &Value, key: &str) -> BTreeSet<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v[key].as_str().unwrap().to_owned())
        .collect()
}

/// The first page (up to 200) of every conversation `token`'s caller may see.
async fn every_conversation(s: &common::Server, token: &str) -> Value {
    s.call(
        Method::GET,
        "/conversations?status=all&limit=200",
        Some(token),
        None,
    )
    .await
    .1
}

#[tokio::test]
async fn lists_hold_only_what_the_caller_may_see() {
    let s = start().await;
    let rep = s.login().await;
    let manager = s.login_as("chen-gang@lianjie.example").await;
    let south = s.login_as("sun-yue@lianjie.example").await;
    let agent = s.login_as("zhaomin@lianjie.example").await;
    let admin = s.login_as("admin@lianjie.example").await;
    let stranger = s.login_as("admin@beichen.example").await;
    let owners = |list: &Value| -> BTreeSet<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|c| c["owner_id"].as_str().unwrap_or("none").to_owned())
            .collect()
    };
    let contacts = |t: String| {
        let s = &s;
        async move { s.call(Method::GET, "/contacts", Some(&t), None).await.1 }
    };
    assert_eq!(
        owners(&contacts(rep.clone()).await),
        BTreeSet::from(["u-wanglei".into()])
    );
    assert_eq!(
        owners(&contacts(manager.clone()).await),
        BTreeSet::from(["u-wanglei".into(), "u-lina".into()]),
        "East China and its Shanghai team"
    );
    assert_eq!(
        owners(&contacts(south).await),
        BTreeSet::from(["u-emily".into()])
    );
    assert_eq!(
        contacts(admin.clone()).await.as_array().unwrap().len(),
        lianjie_core::demo::CONTACTS
    );
    let strangers = ids(&contacts(stranger.clone()).await, "id");
    assert_eq!(strangers, BTreeSet::from(["bc-k1".into()]));
    // The customer list is the same scope, a page at a time.
    for token in [&rep, &manager, &agent, &admin, &stranger] {
        let (_, page) = s
            .call(Method::GET, "/customers?limit=200", Some(token), None)
            .await;
        assert_eq!(
            ids(&page["items"], "id"),
            ids(&contacts(token.clone()).await, "id")
        );
        assert_eq!(
            page["total"].as_u64(),
            Some(page["items"].as_array().unwrap().len() as u64)
        );
    }

    // The radar follows the links: 王磊's reader reaches him and his manager only.
    let share = s.share_pricing(&rep).await;
    let opened = s.open(&share).await;
    let (status, _) = s.track(common::snapshot_of(&opened, 9_000)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    for (token, sees) in [
        (&rep, true),
        (&manager, true),
        (&admin, true),
        (&stranger, false),
    ] {
        let (_, radar) = s.call(Method::GET, "/radar", Some(token), None).await;
        let found = radar
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["share_token"] == share.as_str());
        assert_eq!(found, sees);
    }
    let emily = s.login_as("emily-chen@lianjie.example").await;
    let (_, radar) = s.call(Method::GET, "/radar", Some(&emily), None).await;
    let radar = radar.as_array().unwrap();
    // Her own readers (the demo's history has South China's too), and only hers.
    assert!(!radar.is_empty());
    assert!(radar.iter().all(|i| i["rep_id"] == "u-emily"));

    // Conversations: the whole inbox for the agent, a rep's own customers' for him.
    let all = every_conversation(&s, &agent).await;
    let mine = every_conversation(&s, &rep).await;
    assert!(all["total"].as_u64().unwrap() > mine["total"].as_u64().unwrap());
    let rep_contacts = ids(&contacts(rep.clone()).await, "id");
    for v in mine["items"].as_array().unwrap() {
        assert!(
            rep_contacts.contains(v["contact_id"].as_str().unwrap()),
            "{v}"
        );
    }
    let theirs = every_conversation(&s, &stranger).await;
    assert_eq!(
        ids(&theirs["items"], "id"),
        BTreeSet::from(["bc-v1".into()])
    );
    // Staff lists and the tree are the caller's organization's alone.
    let (_, users) = s.call(Method::GET, "/users", Some(&stranger), None).await;
    assert_eq!(
        ids(&users, "id"),
        BTreeSet::from(["bc-admin".into(), "bc-rep".into()])
    );
    let (_, org) = s.call(Method::GET, "/org", Some(&agent), None).await;
    assert_eq!(org["id"], "lianjie");
    assert_eq!(org["departments"].as_array().unwrap().len(), 4);
}

/// A customer given to another rep takes their conversations along: out of the first
/// rep's inbox (page and tab counts), into the new owner's. (The server keeps a
/// conversation's owner beside it, in step with its customer's.)
#[tokio::test]
async fn a_customer_given_to_another_rep_takes_their_conversations_along() {
    let s = start().await;
    let rep = s.login().await;
    let emily = s.login_as("emily-chen@lianjie.example").await;
    let admin = s.login_as("admin@lianjie.example").await;
    // A caller's inbox: its conversations, their number and the tabs' counts.
    let inbox = |page: Value| {
        (
            ids(&page["items"], "id"),
            page["total"].as_u64().unwrap(),
            page["by_status"].clone(),
        )
    };
    let (mine, total, counts) = inbox(every_conversation(&s, &rep).await);
    let (hers, her_total, _) = inbox(every_conversation(&s, &emily).await);
    // One of his customers with a conversation nobody is assigned to.
    let all = every_conversation(&s, &admin).await;
    let all = all["items"].as_array().unwrap();
    assert!(all.len() < 200, "every conversation on one page");
    let customer = all
        .iter()
        .find(|v| mine.contains(v["id"].as_str().unwrap()) && v["assignee_id"].is_null())
        .expect("an unassigned conversation of his")["contact_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let of_customer = |keep: &dyn Fn(&Value) -> bool| -> BTreeSet<String> {
        all.iter()
            .filter(|v| v["contact_id"] == customer.as_str() && keep(v))
            .map(|v| v["id"].as_str().unwrap().to_owned())
            .collect()
    };
    // All of the customer's conversations go to her; he keeps those assigned to him.
    let theirs = of_customer(&|_| true);
    let leaving = of_customer(&|v| v["assignee_id"] != "u-wanglei");
    assert!(!leaving.is_empty());
    let bulk = json!({
        "ids": [customer],
        "change": {"type": "assign", "owner_id": "u-emily"},
        "log_id": "give-away",
    });
    let (status, _) = s
        .call(Method::POST, "/customers/bulk", Some(&admin), Some(bulk))
        .await;
    assert_eq!(status, StatusCode::OK);

    let (mine_after, total_after, counts_after) = inbox(every_conversation(&s, &rep).await);
    assert_eq!(mine_after, &mine - &leaving);
    assert_eq!(total_after, total - leaving.len() as u64);
    assert_ne!(counts_after, counts, "the tabs count them no more");
    let (hers_after, her_total_after, _) = inbox(every_conversation(&s, &emily).await);
    assert_eq!(hers_after, &hers | &theirs);
    assert_eq!(her_total_after, hers_after.len() as u64);
    assert!(her_total_after > her_total);
}

#[tokio::test]
async fn events_reach_only_those_who_may_see_them() {
    let s = start().await;
    let rep = s.login().await;
    let emily = s.login_as("emily-chen@lianjie.example").await;
    let stranger = s.login_as("admin@beichen.example").await;
    let open = |token: &str| s.events(token).send();
    let (mine, hers, theirs) = (
        open(&rep).await.unwrap(),
        open(&emily).await.unwrap(),
        open(&stranger).await.unwrap(),
    );
    let share = s.share_pricing(&rep).await;
    let opened = s.open(&share).await;
    s.track(common::snapshot_of(&opened, 9_000)).await;
    // A web-chat message on a link of the stranger's own organization, as a marker
    // that arrives for everyone after the radar line.
    let (_, opened) = s
        .call(Method::GET, "/public/cards/emily-chen", None, None)
        .await;
    let reader = opened["child_token"].as_str().unwrap().to_owned();
    s.call(
        Method::POST,
        &format!("/public/shares/{reader}/messages"),
        None,
        Some(json!({"handle": "ev-visitor", "name": "", "body": "marker", "idempotency_key": "ev-1"})),
    )
    .await;
    let first = |res: reqwest::Response| async move {
        let mut res = res;
        let mut text = String::new();
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
        while let Ok(Ok(Some(chunk))) = tokio::time::timeout_at(deadline, res.chunk()).await {
            text.push_str(&String::from_utf8_lossy(&chunk));
            if text.contains("marker") || text.matches("data:").count() >= 2 {
                break;
            }
        }
        text
    };
    let (mine, hers, theirs) = (first(mine).await, first(hers).await, first(theirs).await);
    assert!(mine.contains(&share), "the rep sees his reader: {mine}");
    assert!(!hers.contains(&share), "another rep does not: {hers}");
    assert!(
        hers.contains("marker"),
        "her own customer's message reaches her: {hers}"
    );
    assert!(
        !theirs.contains(&share) && !theirs.contains("marker"),
        "{theirs}"
    );
}
