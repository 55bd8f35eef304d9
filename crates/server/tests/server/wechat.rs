//! A WeChat Official Account end to end, over real HTTP: WeChat's encrypted and
//! plaintext callbacks become the follower's messages (once, however often WeChat
//! retries), and a reply leaves through a stand-in for WeChat's API that checks
//! every request: the stable token fetched with the AppSecret and kept, fetched
//! afresh when WeChat calls it stale, the customer-service message's body, a
//! refusal shown as failed with its reason, and Retry sending it after all.

use crate::common::{Process, Server, fresh_database, sha1_sorted, spawn_server, start};
use axum::Json;
use axum::extract::{Query, State};
use axum::routing::post;
use chrono::Utc;
use lianjie_server::adapters::wechat::crypto::MessageCrypt;
use lianjie_server::adapters::wechat::message;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

const APP_ID: &str = "wx2c2769f8efd9abc2";
const APP_SECRET: &str = "0123456789abcdef0123456789abcdef";
const AES_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

/// What the stand-in saw, and what it answers next.
#[derive(Default)]
struct Platform {
    token_requests: Vec<Value>,
    sends: Vec<(String, Value)>,
    /// `errcode`s the next sends answer with (0 when none is left).
    next_errors: VecDeque<i64>,
    tokens_issued: u32,
}

type Shared = Arc<Mutex<Platform>>;

async fn stable_token(State(p): State<Shared>, Json(body): Json<Value>) -> Json<Value> {
    let mut p = p.lock().unwrap();
    p.token_requests.push(body.clone());
    if body["appid"] != APP_ID || body["secret"] != APP_SECRET {
        return Json(json!({"errcode": 40125, "errmsg": "invalid appsecret"}));
    }
    p.tokens_issued += 1;
    Json(json!({"access_token": format!("TOKEN-{}", p.tokens_issued), "expires_in": 7200}))
}

async fn custom_send(
    State(p): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
    Json(body): Json<Value>,
) -> Json<Value> {
    let mut p = p.lock().unwrap();
    let token = q.get("access_token").cloned().unwrap_or_default();
    p.sends.push((token, body));
    match p.next_errors.pop_front().unwrap_or(0) {
        0 => Json(json!({"errcode": 0, "errmsg": "ok"})),
        code => Json(json!({"errcode": code, "errmsg": format!("error {code}")})),
    }
}

/// A voice message's audio, as WeChat serves it.
const AMR: &[u8] = b"#!AMR\n\x3c\x48\xf5\x1f";

async fn media_get(Query(q): Query<HashMap<String, String>>) -> axum::response::Response {
    use axum::response::IntoResponse;
    match q.get("media_id").map(String::as_str) {
        Some("VOICE-1") if q.contains_key("access_token") => {
            ([("content-type", "audio/amr")], AMR).into_response()
        }
        _ => Json(json!({"errcode": 40007, "errmsg": "invalid media_id"})).into_response(),
    }
}

async fn platform() -> (String, Shared) {
    platform_at("127.0.0.1:0").await
}

/// The stand-in listening on `addr`.
async fn platform_at(addr: &str) -> (String, Shared) {
    let state = Shared::default();
    let app = axum::Router::new()
        .route("/cgi-bin/stable_token", post(stable_token))
        .route("/cgi-bin/message/custom/send", post(custom_send))
        .route("/cgi-bin/media/get", axum::routing::get(media_get))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), state)
}

/// WeChat's POST of `inner` (a message's XML) in safe mode.
async fn post_encrypted(
    s: &Server,
    key: &str,
    token: &str,
    inner: &str,
    nonce: &str,
) -> (StatusCode, String) {
    let encrypted =
        MessageCrypt::new(AES_KEY)
            .unwrap()
            .encrypt(*b"0123456789abcdef", inner, APP_ID);
    let ts = Utc::now().timestamp().to_string();
    let signature = sha1_sorted(&[token, &ts, nonce, &encrypted]);
    let body = format!(
        "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    );
    let res = s
        .http
        .post(s.url(&format!(
            "/channels/wechat/inbound?key={key}&timestamp={ts}&nonce={nonce}&encrypt_type=aes&msg_signature={signature}&openid=oFollower1"
        )))
        .header("content-type", "text/xml")
        .body(body)
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

fn text_message(from: &str, msg_id: u64, content: &str) -> String {
    format!(
        "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[{from}]]></FromUserName><CreateTime>{}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>",
        Utc::now().timestamp()
    )
}

async fn conversation_of(s: &Server, staff: &str, handle: &str) -> String {
    let (_, page) = s
        .call(
            Method::GET,
            &format!("/conversations?channel=wechat&text={handle}"),
            Some(staff),
            None,
        )
        .await;
    page["items"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// An Official Account connected on `s`, its replies sent to `api`: the issued key.
async fn connect(s: &Server, admin: &str, api: &str) -> Value {
    s.create_key(
        admin,
        json!({"channel": "wechat", "label": "公众号", "wechat": {
            "app_id": APP_ID, "app_secret": APP_SECRET, "encoding_aes_key": AES_KEY, "api_base": api,
        }}),
    )
    .await
}

#[tokio::test]
async fn a_follower_writes_in_safe_mode_and_the_reply_really_leaves() {
    let (api, platform) = platform().await;
    let s = start().await;
    let admin = s.login_as("admin@lianjie.example").await;
    let key = connect(&s, &admin, &api).await;
    let key_id = key["key"]["id"].as_str().unwrap().to_owned();
    let token = key["secret"].as_str().unwrap().to_owned();
    // WeChat's Token is at most 32 characters; the AppSecret is never listed.
    assert_eq!(token.len(), 32);
    assert_eq!(key["key"]["wechat_app_id"], APP_ID);
    let (_, listed) = s
        .call(Method::GET, "/channel-keys", Some(&admin), None)
        .await;
    assert!(!listed.to_string().contains(APP_SECRET) && !listed.to_string().contains(AES_KEY));

    // The follower's message, and WeChat's retry of it: one message.
    let inner = text_message("oFollower1", 6054768590064713728, "你好，<b>报价</b>多少？");
    assert_eq!(
        post_encrypted(&s, &key_id, &token, &inner, "n1").await,
        (StatusCode::OK, "success".into())
    );
    assert_eq!(
        post_encrypted(&s, &key_id, &token, &inner, "n2").await,
        (StatusCode::OK, "success".into())
    );
    let v = conversation_of(&s, &admin, "oFollower1").await;
    let list = s.messages(&admin, &v).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["body"], "你好，<b>报价</b>多少？");
    assert_eq!(list[0]["direction"], "inbound");

    // A voice message: its recognition in words, its audio fetched as a file.
    let voice = format!(
        "<xml><ToUserName>gh_10f6c3c3ac5a</ToUserName><FromUserName>oFollower1</FromUserName><CreateTime>{}</CreateTime><MsgType>voice</MsgType><MediaId>VOICE-1</MediaId><Format>amr</Format><Recognition>明天下午有空</Recognition><MsgId>6054768590064713729</MsgId></xml>",
        Utc::now().timestamp()
    );
    assert_eq!(
        post_encrypted(&s, &key_id, &token, &voice, "nv").await.0,
        StatusCode::OK
    );
    let said = &s.messages(&admin, &v).await[0];
    assert_eq!(said["body"], "[语音 Voice] 明天下午有空");
    let audio = s
        .attachment(&said["attachments"][0], "VOICE-1.amr", false)
        .await;
    assert_eq!(audio.bytes().await.unwrap().as_ref(), AMR);

    // Signed with another token, or for another account: refused, nothing kept.
    let (status, _) = post_encrypted(
        &s,
        &key_id,
        "wrong-token",
        &text_message("oFollower1", 2, "x"),
        "n3",
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(s.messages(&admin, &v).await.len(), 2);

    // The reply: queued, then sent with a fetched token, with WeChat's body.
    let m = s.reply(&admin, &v, "您好，报价单稍后发您", "reply-1").await;
    assert_eq!(m["delivery"]["state"], "queued");
    let id = m["id"].as_str().unwrap();
    s.delivery_reaches(&admin, &v, id, "sent").await;
    {
        let p = platform.lock().unwrap();
        assert_eq!(p.token_requests.len(), 1);
        assert_eq!(p.token_requests[0]["grant_type"], "client_credential");
        assert_eq!(p.token_requests[0]["force_refresh"], false);
        assert_eq!(
            p.sends,
            [(
                "TOKEN-1".to_owned(),
                json!({"touser": "oFollower1", "msgtype": "text", "text": {"content": "您好，报价单稍后发您"}})
            )]
        );
    }

    // A token WeChat calls stale is fetched afresh (forced) and the reply resent.
    platform.lock().unwrap().next_errors.push_back(40001);
    let m = s.reply(&admin, &v, "第二条", "reply-2").await;
    s.delivery_reaches(&admin, &v, m["id"].as_str().unwrap(), "sent")
        .await;
    {
        let p = platform.lock().unwrap();
        assert_eq!(p.token_requests.len(), 2);
        assert_eq!(p.token_requests[1]["force_refresh"], true);
        let tokens: Vec<&str> = p.sends[1..].iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(tokens, ["TOKEN-1", "TOKEN-2"]);
    }

    // Refused (outside the 48-hour window): failed with WeChat's reason; Retry
    // sends it once the platform takes it.
    platform.lock().unwrap().next_errors.push_back(45015);
    let m = s.reply(&admin, &v, "第三条", "reply-3").await;
    let id = m["id"].as_str().unwrap();
    let failed = s.delivery_reaches(&admin, &v, id, "failed").await;
    assert_eq!(failed["failure"]["code"], "rejected");
    assert!(
        failed["failure"]["detail"]
            .as_str()
            .unwrap()
            .contains("45015")
    );
    let (status, retried) = s
        .call(
            Method::POST,
            &format!("/conversations/{v}/messages/{id}/retry"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{retried}");
    assert_eq!(retried["delivery"]["state"], "queued");
    s.delivery_reaches(&admin, &v, id, "sent").await;
    assert_eq!(platform.lock().unwrap().sends.len(), 5);
    // What is not failed is not retried.
    let (status, _) = s
        .call(
            Method::POST,
            &format!("/conversations/{v}/messages/{id}/retry"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(platform.lock().unwrap().sends.len(), 5);

    // A reply waiting for its next attempt (WeChat was busy) leaves in the answer
    // to the follower's next message: a passive reply, sealed in safe mode.
    platform.lock().unwrap().next_errors.push_back(45009);
    let m = s.reply(&admin, &v, "稍等，马上回复您 ]]>", "reply-4").await;
    let id = m["id"].as_str().unwrap().to_owned();
    for _ in 0..50 {
        if platform.lock().unwrap().sends.len() == 6 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let (status, answer) = post_encrypted(
        &s,
        &key_id,
        &token,
        &text_message("oFollower1", 77, "在吗？"),
        "np",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let sealed = message::fields(&answer).unwrap();
    let encrypted = &sealed["Encrypt"];
    assert_eq!(
        sealed["MsgSignature"],
        sha1_sorted(&[&token, &sealed["TimeStamp"], &sealed["Nonce"], encrypted])
    );
    let opened = MessageCrypt::new(AES_KEY)
        .unwrap()
        .decrypt(encrypted, APP_ID)
        .unwrap();
    let reply = message::fields(&opened).unwrap();
    assert_eq!(
        (
            reply["ToUserName"].as_str(),
            reply["MsgType"].as_str(),
            reply["Content"].as_str()
        ),
        ("oFollower1", "text", "稍等，马上回复您 ]]>")
    );
    s.delivery_reaches(&admin, &v, &id, "sent").await;
    // Its next attempt is not made: it has left.
    tokio::time::sleep(std::time::Duration::from_secs(6)).await;
    assert_eq!(platform.lock().unwrap().sends.len(), 6);
}

#[tokio::test]
async fn plaintext_callbacks_are_signed_once_and_unconnected_channels_say_so() {
    let s = start().await;
    let admin = s.login_as("admin@lianjie.example").await;
    // A WeChat credential without an account: it reads plaintext callbacks only.
    let (_, key) = s
        .call(
            Method::POST,
            "/channel-keys",
            Some(&admin),
            Some(json!({"channel": "wechat", "label": "明文"})),
        )
        .await;
    let key_id = key["key"]["id"].as_str().unwrap();
    let token = key["secret"].as_str().unwrap();
    let ts = Utc::now().timestamp().to_string();
    let signature = sha1_sorted(&[token, &ts, "n1"]);
    let post = |body: String| {
        s.http
            .post(s.url(&format!(
                "/channels/wechat/inbound?key={key_id}&timestamp={ts}&nonce=n1&signature={signature}&openid=oPlain"
            )))
            .body(body)
            .send()
    };
    let res = post(text_message("oPlain", 11, "在吗")).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), "success");
    // The signature covers no body: the same one again cannot carry another.
    let res = post(text_message("oPlain", 12, "冒充")).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // Safe mode needs the account's key.
    let (status, _) =
        post_encrypted(&s, key_id, token, &text_message("oPlain", 13, "x"), "n9").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let v = conversation_of(&s, &admin, "oPlain").await;
    assert_eq!(s.messages(&admin, &v).await.len(), 1);
    // Nothing can send on this channel: the reply says so at once, and Retry too.
    let m = s.reply(&admin, &v, "您好", "plain-1").await;
    assert_eq!(m["delivery"]["state"], "failed");
    assert_eq!(m["delivery"]["failure"]["code"], "not_connected");
    let id = m["id"].as_str().unwrap();
    let (status, again) = s
        .call(
            Method::POST,
            &format!("/conversations/{v}/messages/{id}/retry"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["delivery"]["failure"]["code"], "not_connected");
    // A note has no delivery to retry.
    let (_, note) = s
        .call(
            Method::POST,
            &format!("/conversations/{v}/messages"),
            Some(&admin),
            Some(json!({"body": "内部备注", "note": true, "idempotency_key": "plain-note"})),
        )
        .await;
    assert_eq!(note.get("delivery"), None);
    let (status, _) = s
        .call(
            Method::POST,
            &format!(
                "/conversations/{v}/messages/{}/retry",
                note["id"].as_str().unwrap()
            ),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_queued_reply_survives_the_server_being_killed_and_leaves_after_the_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (database_url, _) = fresh_database(dir.path()).await;
    let (child, base) = spawn_server(&database_url);
    let first = Process(child);
    let s = Server::at(&base, &database_url);
    let admin = s.login_as("admin@lianjie.example").await;
    // WeChat's API is down: an address nobody listens on yet.
    let down = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = down.local_addr().unwrap().to_string();
    drop(down);
    let key = connect(&s, &admin, &format!("http://{addr}")).await;
    let (key_id, token) = (
        key["key"]["id"].as_str().unwrap(),
        key["secret"].as_str().unwrap(),
    );
    let inner = text_message("oFollower9", 77, "在吗？");
    assert_eq!(
        post_encrypted(&s, key_id, token, &inner, "k1").await.0,
        StatusCode::OK
    );
    let v = conversation_of(&s, &admin, "oFollower9").await;
    let m = s.reply(&admin, &v, "在的，请讲", "kill-1").await;
    let id = m["id"].as_str().unwrap().to_owned();
    // Its first attempt found nobody: queued again, to be tried after 5 s.
    let mut waiting = Value::Null;
    for _ in 0..100 {
        let found = s
            .messages(&admin, &v)
            .await
            .into_iter()
            .find(|x| x["id"] == id.as_str());
        if let Some(found) = found
            && found["delivery"]["attempts"] == 1
        {
            waiting = found["delivery"].clone();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(waiting["state"], "queued", "{waiting}");
    assert_eq!(waiting["failure"]["code"], "unreachable");
    drop(first); // SIGKILL

    // WeChat comes back; a new server on the same database sends the reply, once.
    let (_, platform) = platform_at(&addr).await;
    let (child, base) = spawn_server(&database_url);
    let _second = Process(child);
    let s = Server::at(&base, &database_url);
    let admin = s.login_as("admin@lianjie.example").await;
    let sent = s.delivery_reaches(&admin, &v, &id, "sent").await;
    assert_eq!(sent["attempts"], 2);
    let sends = platform.lock().unwrap().sends.clone();
    assert_eq!(sends.len(), 1);
    assert_eq!(sends[0].1["text"]["content"], "在的，请讲");
}
