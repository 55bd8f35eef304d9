//! SMS through a generic HTTP gateway, over real HTTP: a reply leaves as the
//! gateway's template says (address, body, credentials), a passing failure is tried
//! again, a refusal says why, and the gateway's receipts (with the credential's
//! receipt token) settle replies as delivered or not.

use crate::common::start;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use axum::routing::post;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct Gateway {
    /// (Authorization, content type, body) of each send.
    sends: Vec<(String, String, String)>,
    /// Statuses the next sends answer with (200 when none is left).
    next: VecDeque<u16>,
}

type Shared = Arc<Mutex<Gateway>>;

async fn send(State(g): State<Shared>, headers: HeaderMap, body: String) -> (AxumStatus, String) {
    let mut g = g.lock().unwrap();
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    g.sends
        .push((header("authorization"), header("content-type"), body));
    let status = g.next.pop_front().unwrap_or(200);
    (
        AxumStatus::from_u16(status).unwrap(),
        json!({"error": if status == 200 { "" } else { "invalid mobile number" }}).to_string(),
    )
}

async fn gateway() -> (String, Shared) {
    let state = Shared::default();
    let app = axum::Router::new()
        .route("/send", post(send))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), state)
}

#[tokio::test]
async fn replies_leave_through_the_gateway_and_its_receipts_settle_them() {
    let (base, gw) = gateway().await;
    let s = start().await;
    let admin = s.login_as("admin@lianjie.example").await;
    let key = s
        .create_key(
            &admin,
            json!({"channel": "sms", "label": "短信网关", "sms": {
                "url": format!("{base}/send"),
                "format": "json",
                "body": r#"{"mobile":"{to}","content":"{text}","out_id":"{ref}"}"#,
                "authorization": "Bearer gw-key",
                "receipt_ref_field": "out_id",
            }}),
        )
        .await;
    let key_id = key["key"]["id"].as_str().unwrap().to_owned();
    let token = key["receipt_token"].as_str().unwrap().to_owned();
    assert_eq!(token.len(), 32);
    let (_, listed) = s
        .call(Method::GET, "/channel-keys", Some(&admin), None)
        .await;
    assert!(
        !listed.to_string().contains("gw-key"),
        "the gateway's credentials are never listed"
    );

    let (status, m) = s
        .call(
            Method::POST,
            "/channels/sms/simulate",
            Some(&admin),
            Some(json!({"handle": "+8613800001111", "name": "短信客户", "body": "报价还有效吗？", "idempotency_key": "sms-in-1"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let v = m["conversation_id"].as_str().unwrap().to_owned();

    // Sent as the template says, with the gateway's credentials.
    let first = s
        .reply(&admin, &v, "有效，\"本周\"内可签", "sms-first")
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    s.delivery_reaches(&admin, &v, &first, "sent").await;
    {
        let g = gw.lock().unwrap();
        let (auth, kind, body) = &g.sends[0];
        assert_eq!(
            (auth.as_str(), kind.as_str()),
            ("Bearer gw-key", "application/json")
        );
        let body: Value = serde_json::from_str(body).unwrap();
        assert_eq!(
            body,
            json!({"mobile": "+8613800001111", "content": "有效，\"本周\"内可签", "out_id": first})
        );
    }

    // The receipt settles it; a wrong token opens nothing.
    let receipt = |token: &str, body: Value| {
        s.http
            .post(s.url(&format!(
                "/channels/sms/receipts?key={key_id}&token={token}"
            )))
            .json(&body)
            .send()
    };
    let res = receipt(
        "0".repeat(32).as_str(),
        json!({"out_id": first, "status": "DELIVRD"}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = receipt(&token, json!({"out_id": first, "status": "DELIVRD"}))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let d = s.delivery_reaches(&admin, &v, &first, "delivered").await;
    assert_eq!(d["attempts"], 1);
    // A receipt still on its way changes nothing; one for nobody is 404.
    let res = receipt(&token, json!({"out_id": first, "status": "ACCEPTD"}))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = receipt(&token, json!({"out_id": "m-nobody", "status": "DELIVRD"}))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // A gateway error is tried again (5 s later); a refusal says why at once.
    gw.lock().unwrap().next.extend([503]);
    let second = s.reply(&admin, &v, "第二条", "sms-second").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let d = s.delivery_reaches(&admin, &v, &second, "sent").await;
    assert_eq!(d["attempts"], 2);
    gw.lock().unwrap().next.extend([400]);
    let third = s.reply(&admin, &v, "第三条短信", "sms-third").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let d = s.delivery_reaches(&admin, &v, &third, "failed").await;
    assert_eq!(d["failure"]["code"], "rejected");
    assert!(
        d["failure"]["detail"].as_str().unwrap().contains("400"),
        "{d}"
    );
    // A receipt that says undelivered fails a sent reply, with the gateway's word.
    let res = receipt(&token, json!({"out_id": second, "status": "UNDELIV"}))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let d = s.delivery_reaches(&admin, &v, &second, "failed").await;
    assert_eq!(d["failure"]["detail"], "SMS receipt: UNDELIV");
    assert_eq!(gw.lock().unwrap().sends.len(), 4);
}
