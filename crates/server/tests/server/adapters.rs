//! Channel adapters over real HTTP: only a delivery signed with a live credential of
//! its channel, fresh and never seen before, becomes a customer's message; staff
//! tokens open nothing here; credentials are an admin's, per organization, and
//! survive a restart. Signatures are computed here independently of the server.

use crate::common::{Server, start};
use chrono::Utc;
use hmac::{Hmac, Mac};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha1::{Digest, Sha1};
use sha2::Sha256;

fn hmac_hex(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{body}").as_bytes());
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

fn sha1_sorted(parts: &[&str]) -> String {
    let mut parts = parts.to_vec();
    parts.sort_unstable();
    hex::encode(Sha1::digest(parts.concat().as_bytes()))
}

/// A delivery as an adapter sends it.
struct Delivery {
    key: String,
    secret: String,
    timestamp: i64,
    body: String,
}

impl Delivery {
    fn new(key: &Value, body: &str) -> Delivery {
        Delivery {
            key: key["key"]["id"].as_str().unwrap().to_owned(),
            secret: key["secret"].as_str().unwrap().to_owned(),
            timestamp: Utc::now().timestamp(),
            body: body.to_owned(),
        }
    }

    async fn post(&self, s: &Server, channel: &str) -> (StatusCode, Value) {
        self.post_signed(
            s,
            channel,
            &hmac_hex(&self.secret, self.timestamp, &self.body),
        )
        .await
    }

    async fn post_signed(&self, s: &Server, channel: &str, signature: &str) -> (StatusCode, Value) {
        let res = s
            .http
            .post(s.url(&format!("/channels/{channel}/inbound")))
            .header("content-type", "application/json")
            .header("x-lianjie-key", &self.key)
            .header("x-lianjie-timestamp", self.timestamp.to_string())
            .header("x-lianjie-signature", signature)
            .body(self.body.clone())
            .send()
            .await
            .unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }
}

fn message(handle: &str, key: &str) -> String {
    json!({"handle": handle, "name": "张先生", "body": "想了解一下报价", "idempotency_key": key})
        .to_string()
}

async fn create_key(s: &Server, admin: &str, channel: &str) -> Value {
    let (status, key) = s
        .call(
            Method::POST,
            "/channel-keys",
            Some(admin),
            Some(json!({"channel": channel, "label": "gateway"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{key}");
    key
}

async fn conversations(s: &Server, admin: &str) -> u64 {
    let (_, page) = s
        .call(Method::GET, "/conversations?limit=1", Some(admin), None)
        .await;
    page["total"].as_u64().unwrap()
}

fn refused(status: StatusCode, body: &Value, why: &str) {
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{why}: {body}");
    assert_eq!(body["error"]["code"], "bad_signature", "{why}: {body}");
}

#[tokio::test]
async fn a_signed_delivery_lands_once_and_every_forgery_is_refused() {
    let s = start().await;
    let admin = s.login_as("admin@lianjie.example").await;
    let key = create_key(&s, &admin, "sms").await;
    let secret = key["secret"].as_str().unwrap();
    assert_eq!(secret.len(), 64, "256 random bits, as hex");
    assert_eq!(key["key"]["secret_hint"], secret[60..]);
    let before = conversations(&s, &admin).await;

    let body = message("+8613900000001", "sms-1");
    let good = Delivery::new(&key, &body);
    let (status, msg) = good.post(&s, "sms").await;
    assert_eq!(status, StatusCode::CREATED, "{msg}");
    assert_eq!(msg["body"], "想了解一下报价");
    assert_eq!(conversations(&s, &admin).await, before + 1);

    // The same signed request again (a captured one): refused, nothing added.
    let (status, body_) = good.post(&s, "sms").await;
    refused(status, &body_, "replay");
    assert!(
        body_["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already used")
    );

    let fresh = |handle: &str, k: &str| Delivery::new(&key, &message(handle, k));
    // The body changed after signing.
    let mut tampered = fresh("+8613900000002", "sms-2");
    let signature = hmac_hex(&tampered.secret, tampered.timestamp, &tampered.body);
    tampered.body = message("+8613900000003", "sms-2");
    let (status, b) = tampered.post_signed(&s, "sms", &signature).await;
    refused(status, &b, "tampered body");
    // Signed with another secret.
    let mut wrong = fresh("+8613900000002", "sms-3");
    wrong.secret = "0".repeat(64);
    let (status, b) = wrong.post(&s, "sms").await;
    refused(status, &b, "wrong secret");
    // Older or newer than five minutes.
    for off in [-301, 301] {
        let mut stale = fresh("+8613900000002", &format!("sms-t{off}"));
        stale.timestamp += off;
        let (status, b) = stale.post(&s, "sms").await;
        refused(status, &b, "stale");
    }
    // A credential of another channel, or one nobody issued.
    let (status, b) = fresh("a@b.example", "mail-1").post(&s, "email").await;
    refused(status, &b, "other channel");
    let mut unknown = fresh("+8613900000002", "sms-4");
    unknown.key = "ck-0000000000000000".into();
    let (status, b) = unknown.post(&s, "sms").await;
    refused(status, &b, "unknown key");
    // A staff token, even the admin's, is no credential here.
    let res = s
        .http
        .post(s.url("/channels/sms/inbound"))
        .bearer_auth(&admin)
        .json(
            &json!({"handle": "+8613900000002", "name": "", "body": "hi", "idempotency_key": "x"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(conversations(&s, &admin).await, before + 1);

    let (_, listed) = s
        .call(Method::GET, "/channel-keys", Some(&admin), None)
        .await;
    assert!(listed[0]["last_used_at"].is_string(), "{listed}");
    assert!(!listed.to_string().contains(secret), "{listed}");
}

#[tokio::test]
async fn rotation_keeps_the_old_secret_for_a_while_and_revocation_stops_both() {
    let s = start().await;
    let admin = s.login_as("admin@lianjie.example").await;
    let key = create_key(&s, &admin, "email").await;
    let id = key["key"]["id"].as_str().unwrap();
    let (status, rotated) = s
        .call(
            Method::POST,
            &format!("/channel-keys/{id}/rotate"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{rotated}");
    assert_ne!(rotated["secret"], key["secret"]);
    assert!(rotated["key"]["previous_valid_until"].is_string());

    let old = Delivery::new(&key, &message("li@customer.example", "m-1"));
    assert_eq!(old.post(&s, "email").await.0, StatusCode::CREATED);
    let new = Delivery::new(&rotated, &message("li@customer.example", "m-2"));
    assert_eq!(new.post(&s, "email").await.0, StatusCode::CREATED);

    let (status, revoked) = s
        .call(
            Method::POST,
            &format!("/channel-keys/{id}/revoke"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{revoked}");
    assert!(revoked["revoked_at"].is_string());
    for (i, k) in [&key, &rotated].into_iter().enumerate() {
        let d = Delivery::new(k, &message("li@customer.example", &format!("m-r{i}")));
        let (status, b) = d.post(&s, "email").await;
        refused(status, &b, "revoked");
    }
    // A revoked credential is not brought back by rotating it.
    let (status, _) = s
        .call(
            Method::POST,
            &format!("/channel-keys/{id}/rotate"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn wechat_signs_with_timestamp_nonce_and_body_and_checks_its_url() {
    let s = start().await;
    let admin = s.login_as("admin@lianjie.example").await;
    let key = create_key(&s, &admin, "wechat").await;
    let id = key["key"]["id"].as_str().unwrap();
    let secret = key["secret"].as_str().unwrap();
    let ts = Utc::now().timestamp().to_string();

    // WeChat's URL check: echostr back when signed with the token.
    let check = |signature: String| {
        s.http
            .get(s.url(&format!(
                "/channels/wechat/inbound?key={id}&timestamp={ts}&nonce=n1&echostr=5838479218127813673&signature={signature}"
            )))
            .send()
    };
    let res = check(sha1_sorted(&[secret, &ts, "n1"])).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), "5838479218127813673");
    let res = check(sha1_sorted(&["not-the-token", &ts, "n1"]))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    let body = message("wx-openid-zhang", "wx-1");
    let post = |nonce: &str, signature: String, body: String| {
        s.http
            .post(s.url(&format!(
                "/channels/wechat/inbound?key={id}&timestamp={ts}&nonce={nonce}&msg_signature={signature}"
            )))
            .body(body)
            .send()
    };
    let signed = sha1_sorted(&[secret, &ts, "n2", &body]);
    let res = post("n2", signed.clone(), body.clone()).await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    // The same callback again, or another body under its signature: refused.
    let res = post("n2", signed.clone(), body.clone()).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = post("n3", signed, message("wx-openid-li", "wx-2"))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn credentials_belong_to_one_organization_and_survive_a_restart() {
    let s = start().await;
    let admin = s.login_as("admin@lianjie.example").await;
    let key = create_key(&s, &admin, "qq").await;
    let id = key["key"]["id"].as_str().unwrap();

    let stranger = s.login_as("admin@beichen.example").await;
    let (_, theirs) = s
        .call(Method::GET, "/channel-keys", Some(&stranger), None)
        .await;
    assert_eq!(theirs, json!([]));
    for action in ["rotate", "revoke"] {
        let (status, _) = s
            .call(
                Method::POST,
                &format!("/channel-keys/{id}/{action}"),
                Some(&stranger),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{action}");
    }

    let again = s.restarted().await;
    let d = Delivery::new(&key, &message("qq-10001", "qq-1"));
    let (status, msg) = d.post(&again, "qq").await;
    assert_eq!(status, StatusCode::CREATED, "{msg}");
    // The message went to the credential's organization, not the stranger's.
    let (_, page) = again
        .call(
            Method::GET,
            "/conversations?channel=qq",
            Some(&stranger),
            None,
        )
        .await;
    assert_eq!(page["total"], 0, "{page}");
}
