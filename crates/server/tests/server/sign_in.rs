//! Sign-in done properly, over real HTTP: tokens kept only as hashes, throttled per
//! account and per client, revoked by sign-out, password change and deactivation;
//! demo mode alone has demo accounts and a reset, which keeps every password.

use crate::common::{start, start_with};
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::collections::BTreeSet;

#[tokio::test]
async fn sign_in_is_hashed_throttled_revocable_and_follows_deactivation() {
    let s = start_with(|c| lianjie_server::Config {
        login_per_minute: 1000,
        ..c
    })
    .await;
    let admin = s.login_as("admin@lianjie.example").await;
    // Tokens are kept as hashes only: no stored session holds one, nor does any
    // byte of a SQLite database file.
    let stored: Vec<(String, String)> = sqlx::query_as("SELECT id, token_hash FROM staff_sessions")
        .fetch_all(&s.sql().await)
        .await
        .unwrap();
    assert!(!stored.is_empty());
    assert!(
        stored
            .iter()
            .all(|(id, hash)| id != &admin && hash != &admin)
    );
    if let Some(path) = &s.db_path {
        let file = std::fs::read(path).unwrap();
        let wal = std::fs::read(format!("{path}-wal")).unwrap_or_default();
        for bytes in [&file, &wal] {
            assert!(!bytes.windows(admin.len()).any(|w| w == admin.as_bytes()));
        }
    }
    // The token is accepted in a query string only by the event stream.
    let (status, _) = s
        .call(
            Method::GET,
            &format!("/me?access_token={admin}"),
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // An admin creates a rep, who signs in with the password shown once.
    let (status, created) = s
        .call(
            Method::POST,
            "/users",
            Some(&admin),
            Some(json!({"name": "新同事", "email": "New.Rep@lianjie.example", "role": "rep", "department_id": "d-east"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["user"]["id"].as_str().unwrap().to_owned();
    let password = created["initial_password"].as_str().unwrap().to_owned();
    let (status, again) = s
        .call(
            Method::POST,
            "/users",
            Some(&admin),
            Some(json!({"name": "x", "email": "new.rep@lianjie.example", "role": "rep"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(again["error"]["fields"][0]["code"], "taken");
    let login = |email: &str, password: &str| {
        let body = json!({"email": email, "password": password});
        let s = &s;
        async move { s.call(Method::POST, "/auth/login", None, Some(body)).await }
    };
    let (status, ok) = login("new.rep@lianjie.example", &password).await;
    assert_eq!(status, StatusCode::OK);
    let new_rep = ok["token"].as_str().unwrap().to_owned();
    let (status, me) = s.call(Method::GET, "/me", Some(&new_rep), None).await;
    assert_eq!((status, me["role"].clone()), (StatusCode::OK, json!("rep")));
    let (_, card) = s
        .call(
            Method::GET,
            &format!("/cards/{}", me["card_id"].as_str().unwrap()),
            Some(&new_rep),
            None,
        )
        .await;
    assert_eq!(
        card["owner_id"],
        id.as_str(),
        "a new rep gets a card to edit"
    );

    // A second session of theirs is listed and can be ended from the first.
    let (_, second) = login("new.rep@lianjie.example", &password).await;
    let second = second["token"].as_str().unwrap().to_owned();
    let (_, sessions) = s
        .call(Method::GET, "/me/sessions", Some(&new_rep), None)
        .await;
    let sessions = sessions.as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions.iter().filter(|x| x["current"] == true).count(), 1);
    let other = sessions.iter().find(|x| x["current"] == false).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _) = s
        .call(
            Method::DELETE,
            &format!("/me/sessions/{other}"),
            Some(&new_rep),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        s.call(Method::GET, "/me", Some(&second), None).await.0,
        StatusCode::UNAUTHORIZED
    );

    // Changing the password needs the old one and ends the other sessions.
    let (_, third) = login("new.rep@lianjie.example", &password).await;
    let third = third["token"].as_str().unwrap().to_owned();
    let change = |old: &str, new: &str| json!({"old_password": old, "new_password": new});
    let (status, body) = s
        .call(
            Method::PUT,
            "/me/password",
            Some(&new_rep),
            Some(change("wrong", "short")),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: BTreeSet<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, BTreeSet::from(["old_password", "new_password"]));
    let (status, _) = s
        .call(
            Method::PUT,
            "/me/password",
            Some(&new_rep),
            Some(change(&password, "a-much-better-one")),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        s.call(Method::GET, "/me", Some(&third), None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        s.call(Method::GET, "/me", Some(&new_rep), None).await.0,
        StatusCode::OK
    );
    assert_eq!(
        login("new.rep@lianjie.example", &password).await.0,
        StatusCode::UNAUTHORIZED
    );

    // Deactivated: their session stops working at once and they cannot sign in;
    // their customers go to the colleague chosen.
    let (status, user) = s
        .call(
            Method::POST,
            "/users/u-wanglei/deactivate",
            Some(&admin),
            Some(json!({"transfer_to": "u-lina"})),
        )
        .await;
    assert_eq!(
        (status, user["active"].clone()),
        (StatusCode::OK, json!(false))
    );
    let (_, contacts) = s.call(Method::GET, "/contacts", Some(&admin), None).await;
    assert!(
        contacts
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["owner_id"] != "u-wanglei")
    );
    let (status, _) = s
        .call(
            Method::POST,
            &format!("/users/{id}/deactivate"),
            Some(&admin),
            Some(json!({"transfer_to": null})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        s.call(Method::GET, "/me", Some(&new_rep), None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login("new.rep@lianjie.example", "a-much-better-one")
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = s
        .call(
            Method::POST,
            &format!("/users/{id}/reactivate"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        login("new.rep@lianjie.example", "a-much-better-one")
            .await
            .0,
        StatusCode::OK
    );

    // Five wrong passwords lock the account for a while (429 with Retry-After),
    // even with the right one; an unknown account answers like a wrong password.
    for _ in 0..5 {
        assert_eq!(
            login("li-na@lianjie.example", "guess").await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    let res = s
        .http
        .post(s.url("/auth/login"))
        .json(&json!({"email": "li-na@lianjie.example", "password": "lianjie-demo"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 60);
    assert_eq!(
        login("ghost@lianjie.example", "guess").await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn sign_in_per_client_is_throttled() {
    let s = start_with(|c| lianjie_server::Config {
        login_per_minute: 3,
        ..c
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let (status, _) = s
            .call(
                Method::POST,
                "/auth/login",
                None,
                Some(json!({"email": "a@b.example", "password": "x"})),
            )
            .await;
        statuses.push(status.as_u16());
    }
    assert_eq!(statuses, [401, 401, 401, 429]);
}

#[tokio::test]
async fn outside_demo_mode_one_admin_starts_and_no_reset_exists() {
    let s = start_with(|c| lianjie_server::Config {
        demo: false,
        admin_email: "boss@example.com".into(),
        admin_password: Some("first-admin-password".into()),
        ..c
    })
    .await;
    let (status, _) = s
        .call(
            Method::POST,
            "/auth/login",
            None,
            Some(json!({"email": "wang-lei@lianjie.example", "password": "lianjie-demo"})),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "no demo accounts, no shared password"
    );
    let (status, ok) = s
        .call(
            Method::POST,
            "/auth/login",
            None,
            Some(json!({"email": "boss@example.com", "password": "first-admin-password"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let token = ok["token"].as_str().unwrap();
    assert_eq!(ok["user"]["role"], "admin");
    let (status, _) = s.call(Method::POST, "/demo/reset", Some(token), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, contacts) = s.call(Method::GET, "/contacts", Some(token), None).await;
    assert_eq!(contacts, json!([]));
}

#[tokio::test]
async fn a_demo_reset_keeps_every_password_and_added_staff() {
    let s = start().await;
    let admin = s.login_as("admin@lianjie.example").await;
    let rep = s.login().await;
    let (status, _) = s
        .call(
            Method::PUT,
            "/me/password",
            Some(&rep),
            Some(json!({"old_password": "lianjie-demo", "new_password": "wang-lei-own-password"})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, created) = s
        .call(
            Method::POST,
            "/users",
            Some(&admin),
            Some(json!({"name": "留下", "email": "stays@lianjie.example", "role": "agent"})),
        )
        .await;
    let (status, _) = s
        .call(Method::POST, "/demo/reset", Some(&admin), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let login = |email: &str, password: &str| {
        let body = json!({"email": email, "password": password});
        let s = &s;
        async move {
            s.call(Method::POST, "/auth/login", None, Some(body))
                .await
                .0
        }
    };
    assert_eq!(
        login("wang-lei@lianjie.example", "lianjie-demo").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login("wang-lei@lianjie.example", "wang-lei-own-password").await,
        StatusCode::OK
    );
    let password = created["initial_password"].as_str().unwrap();
    assert_eq!(
        login("stays@lianjie.example", password).await,
        StatusCode::OK
    );
    // The other organization was not touched.
    let stranger = s.login_as("admin@beichen.example").await;
    let (_, contacts) = s
        .call(Method::GET, "/contacts", Some(&stranger), None)
        .await;
    assert_eq!(contacts.as_array().unwrap().len(), 1);
}
