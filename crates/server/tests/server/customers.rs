//! Customers over real HTTP: added once under a retried key, a follow-up that moves
//! the stage and joins the timeline, the list's filters, a bulk change, and all of
//! it still there after a restart.

use crate::common::start;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_customer_is_added_followed_up_filtered_and_kept() {
    let s = start().await;
    let rep = s.login_as("wang-lei@lianjie.example").await;
    let new =
        json!({"id": "cust-http-1", "name": "吴先生", "company": "长风科技", "tags": ["展会"]});
    let (status, made) = s
        .call(Method::POST, "/contacts", Some(&rep), Some(new.clone()))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(made["owner_id"], "u-wanglei");
    // The same key again: the same customer, not a second one.
    let (status, again) = s
        .call(Method::POST, "/contacts", Some(&rep), Some(new))
        .await;
    assert_eq!(
        (status, again["id"].clone()),
        (StatusCode::CREATED, made["id"].clone())
    );
    let (status, bad) = s
        .call(
            Method::POST,
            "/contacts",
            Some(&rep),
            Some(json!({"id": "cust-http-2", "name": "", "email": "nope"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");

    let next = (chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339();
    let follow_up = json!({"id": "fu-http-1", "method": "visit", "text": "上门拜访", "next_at": next, "stage": "following"});
    let path = "/contacts/cust-http-1/follow-ups";
    let (status, logged) = s
        .call(Method::POST, path, Some(&rep), Some(follow_up.clone()))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{logged}");
    assert_eq!(logged["contact"]["stage"], "following");
    let (_, _) = s
        .call(Method::POST, path, Some(&rep), Some(follow_up))
        .await;

    let list = |q: &'static str| {
        let (s, rep) = (&s, rep.clone());
        async move {
            s.call(Method::GET, &format!("/customers?{q}"), Some(&rep), None)
                .await
                .1
        }
    };
    assert_eq!(ids(&list("stage=following").await), ["cust-http-1"]);
    assert_eq!(ids(&list("tag=%E5%B1%95%E4%BC%9A").await), ["cust-http-1"]);
    assert!(ids(&list("stage=won").await).is_empty());
    let (status, _) = s
        .call(Method::GET, "/customers?view=nope", Some(&rep), None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let bulk = json!({"ids": ["cust-http-1"], "change": {"type": "stage", "stage": "opportunity"}, "log_id": "bulk-http-1"});
    let (status, moved) = s
        .call(Method::POST, "/customers/bulk", Some(&rep), Some(bulk))
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");

    let deal = json!({"id": "deal-http-1", "contact_id": "cust-http-1", "title": "年度订阅", "amount_fen": 8640000});
    let (status, _) = s.call(Method::POST, "/deals", Some(&rep), Some(deal)).await;
    assert_eq!(status, StatusCode::CREATED);
    let won = json!({"stage": "won", "log_id": "mv-http-1"});
    let (status, _) = s
        .call(
            Method::PUT,
            "/deals/deal-http-1/stage",
            Some(&rep),
            Some(won),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // Kept through a restart: the customer, their stage, deal and log.
    let s = s.restarted().await;
    let rep = s.login_as("wang-lei@lianjie.example").await;
    let (_, timeline) = s
        .call(
            Method::GET,
            "/contacts/cust-http-1/timeline",
            Some(&rep),
            None,
        )
        .await;
    let logged: Vec<&Value> = timeline
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == "logged")
        .collect();
    assert_eq!(
        logged.len(),
        5,
        "one follow-up, two stage moves, a deal opened and won: {timeline}"
    );
    let (_, pipeline) = s.call(Method::GET, "/pipeline", Some(&rep), None).await;
    let won = pipeline
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["stage"] == "won")
        .unwrap();
    let sum: i64 = won["deals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["deal"]["amount_fen"].as_i64().unwrap())
        .sum();
    assert_eq!(won["total_fen"].as_i64(), Some(sum));
    assert!(sum >= 8_640_000);
    assert_eq!(won["deals"][0]["contact_name"], "吴先生");
    let (_, contact) = s
        .call(Method::GET, "/contacts/cust-http-1", Some(&rep), None)
        .await;
    assert_eq!(contact["stage"], "opportunity");
    assert!(contact["next_follow_up_at"].is_string());
    // Another rep's view of the organization does not hold him.
    let emily = s.login_as("emily-chen@lianjie.example").await;
    let (status, _) = s
        .call(Method::GET, "/contacts/cust-http-1", Some(&emily), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// A file's rows in parts, as the app sends them.
fn import_body(first: u32, count: u32, commit: bool) -> Value {
    let rows: Vec<Value> = (first..first + count)
        .map(|n| {
            // Every tenth row repeats the email of the row before it.
            let mail = if n % 10 == 0 { n - 1 } else { n };
            json!({"row": n, "cells": [format!("导入客户{n}"), format!("c{mail}@import.example"), "展会"]})
        })
        .collect();
    json!({"id": "imp-http", "columns": ["name", "email", "tags"], "rows": rows, "commit": commit})
}

async fn count(s: &crate::common::Server, rep: String) -> u64 {
    s.call(Method::GET, "/customers?limit=1", Some(&rep), None)
        .await
        .1["total"]
        .as_u64()
        .unwrap()
}

#[tokio::test]
async fn a_customer_file_is_previewed_then_imported_in_parts_once() {
    let s = start().await;
    let rep = s.login_as("wang-lei@lianjie.example").await;
    let before = count(&s, rep.clone()).await;
    // 1,000 rows: far more than other requests may carry (64 KiB).
    let (status, preview) = s
        .call(
            Method::POST,
            "/customers/import",
            Some(&rep),
            Some(import_body(2, 1_000, false)),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    let results: Vec<&str> = preview["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["result"].as_str().unwrap())
        .collect();
    assert_eq!(results.iter().filter(|r| **r == "created").count(), 900);
    assert_eq!(results.iter().filter(|r| **r == "merged").count(), 100);
    assert_eq!(
        count(&s, rep.clone()).await,
        before,
        "a preview keeps nothing"
    );

    // In two parts; the second sent twice (a retry after a lost answer).
    for (first, n) in [(2, 500), (502, 500), (502, 500)] {
        let (status, report) = s
            .call(
                Method::POST,
                "/customers/import",
                Some(&rep),
                Some(import_body(first, n, true)),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{report}");
    }
    let s = s.restarted().await;
    let rep = s.login_as("wang-lei@lianjie.example").await;
    assert_eq!(count(&s, rep.clone()).await, before + 900);
    // Row 10 reached row 9's customer: merged, not made.
    let (status, _) = s
        .call(Method::GET, "/contacts/imp-http-10", Some(&rep), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, made) = s
        .call(Method::GET, "/contacts/imp-http-9", Some(&rep), None)
        .await;
    assert_eq!(made["tags"], json!(["展会"]));

    let agent = s.login_as("zhaomin@lianjie.example").await;
    let (status, _) = s
        .call(
            Method::POST,
            "/customers/import",
            Some(&agent),
            Some(import_body(2, 1, true)),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = s
        .call(
            Method::POST,
            "/customers/import",
            Some(&rep),
            Some(json!({"id": "imp-x", "columns": ["phone"], "rows": [{"row": 2, "cells": ["1"]}], "commit": false})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
