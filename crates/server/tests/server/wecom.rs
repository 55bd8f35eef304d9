//! WeCom end to end, over real HTTP, against a stand-in for WeCom's API that
//! checks every request: the encrypted URL check; an external contact added
//! through a "contact me" code made for a known customer joins that customer; 微信客服's
//! "messages waiting" event makes the server read them (`kf/sync_msg`, from the
//! cursor it keeps) into the inbox once, a picture fetched (`media/get`) and kept; a reply leaves by `kf/send_msg` with a
//! fetched token and its own id; WeCom's later "did not reach them" marks it
//! failed; and a contact who removes staff leaves the customer, so a reply says it
//! has nowhere to go.

use crate::common::{Server, sha1_sorted, start};
use axum::Json;
use axum::extract::{Query, State};
use axum::routing::{get, post};
use chrono::Utc;
use lianjie_server::adapters::wechat::crypto::MessageCrypt;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

const CORP_ID: &str = "ww1a2b3c4d5e6f7a8b";
const SECRET: &str = "QM6Nl5pDWzW1HftV-rFtMeuf9Bh1DXv5RC8OWhy4sWI";
const AES_KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
const KF: &str = "wkAJ2GCAAAZSfhHCt7IFSvLKtMPxyJTw";
const CUSTOMER: &str = "wmAJ2GCAAAme1XQRC-NI-q0_ZM9ukoAw";

#[derive(Default)]
struct Platform {
    token_requests: Vec<HashMap<String, String>>,
    syncs: Vec<Value>,
    /// What the next `kf/sync_msg` calls answer, in turn.
    pages: VecDeque<Value>,
    sends: Vec<(String, Value)>,
    media_requests: Vec<HashMap<String, String>>,
}

type Shared = Arc<Mutex<Platform>>;

async fn gettoken(
    State(p): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Json<Value> {
    let mut p = p.lock().unwrap();
    p.token_requests.push(q.clone());
    if q.get("corpid").map(String::as_str) != Some(CORP_ID)
        || q.get("corpsecret").map(String::as_str) != Some(SECRET)
    {
        return Json(json!({"errcode": 40001, "errmsg": "invalid credential"}));
    }
    Json(json!({"errcode": 0, "errmsg": "ok", "access_token": "WECOM-TOKEN", "expires_in": 7200}))
}

fn token_ok(q: &HashMap<String, String>) -> bool {
    q.get("access_token").map(String::as_str) == Some("WECOM-TOKEN")
}

async fn sync_msg(
    State(p): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
    Json(body): Json<Value>,
) -> Json<Value> {
    let mut p = p.lock().unwrap();
    if !token_ok(&q) {
        return Json(json!({"errcode": 40014, "errmsg": "invalid access_token"}));
    }
    p.syncs.push(body);
    let page = p.pages.pop_front().unwrap_or_else(
        || json!({"errcode": 0, "errmsg": "ok", "next_cursor": "", "has_more": 0, "msg_list": []}),
    );
    Json(page)
}

async fn send_msg(
    State(p): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
    Json(body): Json<Value>,
) -> Json<Value> {
    let mut p = p.lock().unwrap();
    if !token_ok(&q) {
        return Json(json!({"errcode": 40014, "errmsg": "invalid access_token"}));
    }
    let id = body["msgid"].clone();
    p.sends.push((q["access_token"].clone(), body));
    Json(json!({"errcode": 0, "errmsg": "ok", "msgid": id}))
}

/// A picture's bytes, as WeCom serves a customer's image.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n-picture";

async fn media_get(
    State(p): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    p.lock().unwrap().media_requests.push(q.clone());
    match (token_ok(&q), q.get("media_id").map(String::as_str)) {
        (true, Some("MEDIA-1")) => (
            [
                ("content-type", "image/png"),
                (
                    "content-disposition",
                    "attachment; filename=\"MEDIA-1.png\"",
                ),
            ],
            PNG,
        )
            .into_response(),
        _ => Json(json!({"errcode": 40007, "errmsg": "invalid media_id"})).into_response(),
    }
}

async fn platform() -> (String, Shared) {
    let state = Shared::default();
    let app = axum::Router::new()
        .route("/cgi-bin/gettoken", get(gettoken))
        .route("/cgi-bin/kf/sync_msg", post(sync_msg))
        .route("/cgi-bin/kf/send_msg", post(send_msg))
        .route("/cgi-bin/media/get", get(media_get))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), state)
}

/// The signed query of a callback whose encrypted part is `encrypted`.
fn signed_query(key: &str, token: &str, encrypted: &str, nonce: &str) -> String {
    let ts = Utc::now().timestamp().to_string();
    let signature = sha1_sorted(&[token, &ts, nonce, encrypted]);
    format!("key={key}&msg_signature={signature}&timestamp={ts}&nonce={nonce}")
}

fn seal(inner: &str) -> String {
    MessageCrypt::new(AES_KEY)
        .unwrap()
        .encrypt(*b"fedcba9876543210", inner, CORP_ID)
}

/// WeCom's POST of event `inner` (its XML's fields), encrypted and signed.
async fn post_event(s: &Server, key: &str, token: &str, inner: &str, nonce: &str) -> StatusCode {
    let xml = format!(
        "<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><CreateTime>{}</CreateTime><MsgType><![CDATA[event]]></MsgType>{inner}</xml>",
        Utc::now().timestamp_micros()
    );
    let encrypted = seal(&xml);
    let body = format!(
        "<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><AgentID><![CDATA[1000002]]></AgentID><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    );
    let query = signed_query(key, token, &encrypted, nonce);
    let res = s
        .http
        .post(s.url(&format!("/channels/wecom/inbound?{query}")))
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    if status == StatusCode::OK {
        assert_eq!(res.text().await.unwrap(), "success");
    }
    status
}

fn contact_change(change: &str, state: &str) -> String {
    format!(
        "<Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[{change}]]></ChangeType><UserID><![CDATA[zhangsan]]></UserID><ExternalUserID><![CDATA[{CUSTOMER}]]></ExternalUserID><State><![CDATA[{state}]]></State><WelcomeCode><![CDATA[WELCOMECODE]]></WelcomeCode>"
    )
}

fn kf_event() -> String {
    format!(
        "<Event><![CDATA[kf_msg_or_event]]></Event><Token><![CDATA[ENCApHxnGDNAVNY4AaSJKj4Tb5mwsEMzxhFmHVGcra996NR]]></Token><OpenKfId><![CDATA[{KF}]]></OpenKfId>"
    )
}

fn page(cursor: &str, messages: Value) -> Value {
    json!({"errcode": 0, "errmsg": "ok", "next_cursor": cursor, "has_more": 0, "msg_list": messages})
}

/// Waits (up to 10 s) until conversation `v` holds `n` messages; them, newest first.
async fn messages_reach(s: &Server, token: &str, v: &str, n: usize) -> Vec<Value> {
    for _ in 0..100 {
        let list = s.messages(token, v).await;
        if list.len() >= n {
            return list;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("conversation {v} never held {n} messages");
}

/// Customer `id`'s identities, as staff `token` reads them.
async fn identities(s: &Server, token: &str, id: &str) -> Vec<Value> {
    let (status, c) = s
        .call(Method::GET, &format!("/contacts/{id}"), Some(token), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    c["identities"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn a_wecom_contact_joins_their_customer_writes_through_kf_and_the_reply_leaves() {
    let (api, platform) = platform().await;
    let s = start().await;
    let admin = s.login_as("admin@lianjie.example").await;
    let key = s
        .create_key(
            &admin,
            json!({"channel": "wecom", "label": "企业微信", "wecom": {
                "corp_id": CORP_ID, "secret": SECRET, "encoding_aes_key": AES_KEY,
                "open_kfid": KF, "api_base": api,
            }}),
        )
        .await;
    let key_id = key["key"]["id"].as_str().unwrap().to_owned();
    let token = key["secret"].as_str().unwrap().to_owned();
    assert_eq!(token.len(), 32);
    assert_eq!(key["key"]["wecom_corp_id"], CORP_ID);
    let (_, listed) = s
        .call(Method::GET, "/channel-keys", Some(&admin), None)
        .await;
    assert!(!listed.to_string().contains(SECRET) && !listed.to_string().contains(AES_KEY));

    // The URL check: the echo comes encrypted and is answered opened.
    let echo = seal("1616140317555161061");
    let query = signed_query(&key_id, &token, &echo, "n0");
    let enc = percent_encoding::utf8_percent_encode(&echo, percent_encoding::NON_ALPHANUMERIC);
    let res = s
        .http
        .get(s.url(&format!("/channels/wecom/inbound?{query}&echostr={enc}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), "1616140317555161061");
    let wrong = signed_query(&key_id, "another-token", &echo, "n0");
    let res = s
        .http
        .get(s.url(&format!("/channels/wecom/inbound?{wrong}&echostr={enc}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // Added through a code made for a known customer: the identity joins them.
    let (_, customers) = s.call(Method::GET, "/contacts", Some(&admin), None).await;
    let customer = customers[0]["id"].as_str().unwrap().to_owned();
    let added = contact_change("add_external_contact", &customer);
    assert_eq!(
        post_event(&s, &key_id, &token, &added, "n1").await,
        StatusCode::OK
    );
    assert!(
        identities(&s, &admin, &customer)
            .await
            .contains(&json!({"channel": "wecom", "handle": CUSTOMER}))
    );
    let (_, page1) = s
        .call(
            Method::GET,
            "/conversations?channel=wecom",
            Some(&admin),
            None,
        )
        .await;
    let v = page1["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["contact_id"] == customer.as_str())
        .unwrap_or_else(|| panic!("no WeCom conversation for {customer}: {page1}"))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        s.messages(&admin, &v).await[0]["body"]
            .as_str()
            .unwrap()
            .contains("zhangsan")
    );

    // Messages waiting: read from the cursor, kept once however often they come.
    let said = json!([
        {"msgid": "from_msgid_1", "open_kfid": KF, "external_userid": CUSTOMER, "send_time": 1615478585,
         "origin": 3, "msgtype": "text", "text": {"content": "你好，想了解<b>企业版</b>"}},
        {"msgid": "from_msgid_2", "open_kfid": KF, "external_userid": CUSTOMER, "send_time": 1615478586,
         "origin": 5, "servicer_userid": "zhangsan", "msgtype": "text", "text": {"content": "staff's own"}},
        {"msgid": "from_msgid_3", "open_kfid": KF, "external_userid": CUSTOMER, "send_time": 1615478587,
         "origin": 3, "msgtype": "image", "image": {"media_id": "MEDIA-1"}},
    ]);
    platform
        .lock()
        .unwrap()
        .pages
        .extend([page("CURSOR-1", said.clone()), page("CURSOR-2", said)]);
    assert_eq!(
        post_event(&s, &key_id, &token, &kf_event(), "n2").await,
        StatusCode::OK
    );
    let list = messages_reach(&s, &admin, &v, 3).await;
    assert_eq!(list[1]["body"], "你好，想了解<b>企业版</b>");
    // The picture is fetched with the token and kept: an image attachment.
    assert_eq!(list[0]["body"], "[图片 Image]");
    let res = s
        .attachment(&list[0]["attachments"][0], "MEDIA-1.png", true)
        .await;
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.bytes().await.unwrap().as_ref(), PNG);
    assert_eq!(
        platform.lock().unwrap().media_requests[0]["media_id"],
        "MEDIA-1"
    );
    assert_eq!(
        post_event(&s, &key_id, &token, &kf_event(), "n3").await,
        StatusCode::OK
    );
    for _ in 0..100 {
        if platform.lock().unwrap().syncs.len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    {
        let p = platform.lock().unwrap();
        let cursors: Vec<&str> = p
            .syncs
            .iter()
            .map(|b| b["cursor"].as_str().unwrap())
            .collect();
        assert_eq!(cursors, ["", "CURSOR-1"]);
        assert_eq!(p.syncs[0]["open_kfid"], KF);
        assert_eq!(
            p.syncs[0]["token"],
            "ENCApHxnGDNAVNY4AaSJKj4Tb5mwsEMzxhFmHVGcra996NR"
        );
        assert_eq!(p.token_requests.len(), 1);
    }
    assert_eq!(s.messages(&admin, &v).await.len(), 3);

    // The reply leaves through 微信客服 with its own id.
    let m = s
        .reply(&admin, &v, "您好，企业版报价如下", "wecom-reply-1")
        .await;
    let id = m["id"].as_str().unwrap().to_owned();
    s.delivery_reaches(&admin, &v, &id, "sent").await;
    assert_eq!(
        platform.lock().unwrap().sends,
        [(
            "WECOM-TOKEN".to_owned(),
            json!({"touser": CUSTOMER, "open_kfid": KF, "msgid": id, "msgtype": "text",
                   "text": {"content": "您好，企业版报价如下"}})
        )]
    );

    // WeCom says later that it did not reach them: failed, with why.
    platform.lock().unwrap().pages.push_back(page(
        "CURSOR-3",
        json!([{"msgid": "event_1", "origin": 4, "msgtype": "event", "send_time": 1615478590,
                "event": {"event_type": "msg_send_fail", "open_kfid": KF, "external_userid": CUSTOMER,
                          "fail_msgid": id, "fail_type": 4}}]),
    ));
    assert_eq!(
        post_event(&s, &key_id, &token, &kf_event(), "n4").await,
        StatusCode::OK
    );
    let failed = s.delivery_reaches(&admin, &v, &id, "failed").await;
    assert!(
        failed["failure"]["detail"]
            .as_str()
            .unwrap()
            .contains("48-hour"),
        "{failed}"
    );
    // Read on from where the last page ended.
    assert_eq!(platform.lock().unwrap().syncs[2]["cursor"], "CURSOR-2");

    // The contact removes staff: said in the conversation, and the identity
    // leaves the customer, so a reply says it cannot reach them.
    let removed = contact_change("del_follow_user", "");
    assert_eq!(
        post_event(&s, &key_id, &token, &removed, "n5").await,
        StatusCode::OK
    );
    assert!(
        !identities(&s, &admin, &customer)
            .await
            .iter()
            .any(|i| i["handle"] == CUSTOMER)
    );
    assert!(
        s.messages(&admin, &v).await[0]["body"]
            .as_str()
            .unwrap()
            .contains("删除联系人")
    );
    let m = s.reply(&admin, &v, "还在吗", "wecom-reply-2").await;
    let failed = s
        .delivery_reaches(&admin, &v, m["id"].as_str().unwrap(), "failed")
        .await;
    assert_eq!(failed["failure"]["code"], "rejected");
    assert_eq!(platform.lock().unwrap().sends.len(), 1);

    // Without the signature of the credential's Token, nothing is read.
    assert_eq!(
        post_event(&s, &key_id, "another-token", &added, "n6").await,
        StatusCode::UNAUTHORIZED
    );
}
