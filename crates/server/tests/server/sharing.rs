//! Sharing over HTTP: links opened and tracked (beacon bodies too), the radar,
//! content editing and analytics, lead capture, and the card's own address.

use crate::common::{snapshot_of, start};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn share_open_track_and_radar_with_beacon_bodies() {
    let s = start().await;
    let token = s.login().await;
    // The demo's history: the view below comes on top.
    let seeded = s.radar_len(&token).await;
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
    let (status, _) = s.track(snapshot_of(&again, 30_000)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // The first visit's snapshot (say, from the outbox) is still taken.
    let (status, _) = s.track(snapshot_of(&opened, 1_000)).await;
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
    let (status, _) = s.track(snap).await;
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
