//! Two server processes on one database serve one organization as one: a session
//! and an idempotency key work on both, what one commits the other answers with at
//! once, its events reach the other's SSE streams live, and `Last-Event-ID`
//! resumes on either.

use crate::common::{
    Process, Server, fresh_database, read_events, spawn_server, spawn_server_with,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Two servers on one fresh database (the first seeds it with the demo).
async fn two_servers() -> (Server, Server, [Process; 2], tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let (database_url, _) = fresh_database(dir.path()).await;
    let (first, a) = spawn_server(&database_url);
    let (second, b) = spawn_server(&database_url);
    (
        Server::at(&a, &database_url),
        Server::at(&b, &database_url),
        [Process(first), Process(second)],
        dir,
    )
}

async fn send(s: &Server, token: &str, key: &str, body: &str) -> Value {
    send_at(&s.http, &s.base, token, key, body).await
}

async fn send_at(http: &reqwest::Client, base: &str, token: &str, key: &str, body: &str) -> Value {
    let res = http
        .post(format!("{base}/conversations/v-000/messages"))
        .bearer_auth(token)
        .header("idempotency-key", key)
        .json(&json!({"body": body, "idempotency_key": "ignored"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json().await.unwrap()
}

async fn messages(s: &Server, token: &str) -> Vec<Value> {
    let (status, page) = s
        .call(
            Method::GET,
            "/conversations/v-000/messages?limit=200",
            Some(token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn two_servers_on_one_database_serve_one_organization() {
    let (a, b, _processes, _dir) = two_servers().await;
    // Signed in on one, known on the other.
    let token = a.login().await;
    let (status, me) = b.call(Method::GET, "/me", Some(&token), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["email"], "wang-lei@lianjie.example");

    // A message posted through one appears live on the other's stream.
    let on_b = b.events(&token).send().await.unwrap();
    assert_eq!(on_b.status(), StatusCode::OK);
    let first = send(&a, &token, "two-1", "第一条").await;
    let got = read_events(on_b, 1).await;
    assert_eq!(got[0].1["type"], "message");
    assert_eq!(got[0].1["message"]["id"], first["id"]);

    // The same key through the other server is the same message, stored once.
    let again = send(&b, &token, "two-1", "第一条").await;
    assert_eq!(again["id"], first["id"]);
    let stored = messages(&a, &token).await;
    assert_eq!(stored.iter().filter(|m| m["id"] == first["id"]).count(), 1);

    // A client that saw the first event on A resumes on B and gets what followed.
    let second = send(&b, &token, "two-2", "第二条").await;
    let third = send(&a, &token, "two-3", "第三条").await;
    let resumed = b
        .http
        .get(b.url("/events"))
        .bearer_auth(&token)
        .header("last-event-id", got[0].0.to_string())
        .send()
        .await
        .unwrap();
    let rest: Vec<Value> = read_events(resumed, 3)
        .await
        .into_iter()
        .map(|(_, e)| e["message"]["id"].clone())
        .collect();
    // The replayed send of "two-1" is announced again, then the two new ones.
    assert_eq!(
        rest,
        [
            first["id"].clone(),
            second["id"].clone(),
            third["id"].clone()
        ]
    );

    // A link made on one opens through the other, and its reading reaches the
    // first one's radar.
    let share = a.share_pricing(&token).await;
    let opened = b.open(&share).await;
    let (status, _) = b.track(crate::common::snapshot_of(&opened, 12_000)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, radar) = a.call(Method::GET, "/radar", Some(&token), None).await;
    let session = &opened["session_id"];
    assert!(
        radar
            .as_array()
            .unwrap()
            .iter()
            .any(|r| &r["session_id"] == session),
        "the reading through B is on A's radar"
    );

    // A colleague added on one signs in on the other.
    let admin = a.login_as("admin@lianjie.example").await;
    let (status, created) = a
        .call(
            Method::POST,
            "/users",
            Some(&admin),
            Some(json!({"name": "新同事", "email": "new-rep@lianjie.example", "role": "rep"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let password = created["initial_password"].as_str().unwrap();
    let (status, _) = b
        .call(
            Method::POST,
            "/auth/login",
            None,
            Some(json!({"email": "new-rep@lianjie.example", "password": password})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn concurrent_writes_through_both_servers_are_each_stored_once() {
    let (a, b, _processes, _dir) = two_servers().await;
    let token = a.login().await;
    let mut sends = Vec::new();
    for n in 0..40 {
        let s = if n % 2 == 0 { &a } else { &b };
        let (http, base, token) = (s.http.clone(), s.base.clone(), token.clone());
        // Every key is sent twice, once through each server, all at once.
        let key = format!("both-{}", n / 2);
        sends.push(tokio::spawn(async move {
            send_at(&http, &base, &token, &key, &format!("message {key}")).await["id"].clone()
        }));
    }
    let mut ids = Vec::new();
    for sent in sends {
        ids.push(sent.await.unwrap());
    }
    for pair in ids.chunks(2) {
        assert_eq!(pair[0], pair[1], "one key, one message");
    }
    let (on_a, on_b) = (messages(&a, &token).await, messages(&b, &token).await);
    assert_eq!(on_a, on_b, "both servers answer alike");
    for n in 0..20 {
        let key = format!("both-{n}");
        assert_eq!(
            on_a.iter().filter(|m| m["idempotency_key"] == key).count(),
            1,
            "{key}"
        );
    }
}

#[tokio::test]
async fn two_servers_starting_on_an_empty_database_seed_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let (database_url, _) = fresh_database(dir.path()).await;
    // Outside demo mode a new database gets one admin with a random password,
    // printed by the server that stored it.
    let starts: Vec<_> = (0..2)
        .map(|_| {
            let url = database_url.clone();
            std::thread::spawn(move || spawn_server_with(&url, false, &[]))
        })
        .collect();
    let mut servers = Vec::new();
    let mut _processes = Vec::new();
    let mut shown = Vec::new();
    for start in starts {
        let (child, base, printed) = start.join().unwrap();
        _processes.push(Process(child));
        servers.push(Server::at(&base, &database_url));
        shown.extend(printed.into_iter().filter(|l| l.starts_with("First start")));
    }
    assert_eq!(shown.len(), 1, "one server seeded: {shown:?}");
    let password = shown[0]
        .split("with the password ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap();
    for s in &servers {
        let (status, _) = s
            .call(
                Method::POST,
                "/auth/login",
                None,
                Some(json!({"email": "admin@lianjie.local", "password": password})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "the printed password signs in");
    }
}

#[tokio::test]
async fn a_demo_reset_through_one_server_is_what_the_other_serves() {
    let (a, b, _processes, _dir) = two_servers().await;
    let token = a.login().await;
    let before = send(&b, &token, "before-reset", "重置前").await;
    assert!(
        messages(&a, &token)
            .await
            .iter()
            .any(|m| m["id"] == before["id"])
    );
    // The reset deletes rows, which no version shows: B reads the organization again.
    let admin = a.login_as("admin@lianjie.example").await;
    let (status, _) = a
        .call(
            Method::POST,
            "/demo/reset?conversations=300",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let after = messages(&b, &token).await;
    assert!(
        after.iter().all(|m| m["id"] != before["id"]),
        "gone on B too"
    );
    assert_eq!(after, messages(&a, &token).await);
    let (_, on_a) = a
        .call(Method::GET, "/conversations?limit=1", Some(&admin), None)
        .await;
    let (_, on_b) = b
        .call(Method::GET, "/conversations?limit=1", Some(&admin), None)
        .await;
    assert!(on_a["total"].as_u64().is_some_and(|n| n > 0), "{on_a}");
    assert_eq!(on_a["total"], on_b["total"]);
    // And B writes on top of the reset data, not its old copy.
    let later = send(&b, &token, "after-reset", "重置后").await;
    assert!(
        messages(&a, &token)
            .await
            .iter()
            .any(|m| m["id"] == later["id"])
    );
}
