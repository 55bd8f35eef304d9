//! What the server tests share: a server on loopback over a fresh database
//! (a temporary SQLite file, or a new PostgreSQL database when
//! `LIANJIE_TEST_POSTGRES` names a cluster, as `scripts/test.sh` does), signed-in
//! requests, and a tracked share.
#![allow(dead_code)]

use lianjie_server::Config;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::net::SocketAddr;

pub struct Server {
    pub base: String,
    pub http: Client,
    _dir: tempfile::TempDir,
    /// The database this server (and a restart of it) uses.
    pub database_url: String,
    /// The SQLite file, when the database is one.
    pub db_path: Option<String>,
}

/// A fresh, empty database: a new PostgreSQL database on the cluster
/// `LIANJIE_TEST_POSTGRES` (an admin URL) names, otherwise a SQLite file in `dir`.
pub async fn fresh_database(dir: &std::path::Path) -> (String, Option<String>) {
    use sqlx::Connection as _;
    use sqlx::Executor as _;
    match std::env::var("LIANJIE_TEST_POSTGRES") {
        Ok(admin) if !admin.trim().is_empty() => {
            let mut bytes = [0u8; 8];
            getrandom::fill(&mut bytes).unwrap();
            let name = format!("t_{}", lianjie_core::ids::hex(&bytes));
            let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
            conn.execute(format!("CREATE DATABASE {name}").as_str())
                .await
                .unwrap();
            let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
            (format!("{base}/{name}"), None)
        }
        _ => {
            let path = dir.join("test.db").to_string_lossy().into_owned();
            (path.clone(), Some(path))
        }
    }
}

/// The server binary on `database_url` in demo mode, and the API's base URL it
/// printed (once it prints it, the database is open and, when new, seeded).
pub fn spawn_server(database_url: &str) -> (std::process::Child, String) {
    let (child, base, _) = spawn_server_with(database_url, true, &[]);
    (child, base)
}

/// [`spawn_server`], in demo mode or not and with `env` set besides, with what it
/// printed before its address.
pub fn spawn_server_with(
    database_url: &str,
    demo: bool,
    env: &[(&str, &str)],
) -> (std::process::Child, String, Vec<String>) {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_lianjie-server"))
        .env("LIANJIE_DATABASE_URL", database_url)
        .env("LIANJIE_ADDR", "127.0.0.1:0")
        .env("LIANJIE_DEMO", if demo { "1" } else { "0" })
        .env("LIANJIE_PUBLIC_RATE", "1000000")
        .env("LIANJIE_VIEW_RATE", "1000000")
        .env("LIANJIE_READER_LINK_RATE", "1000000")
        .env("LIANJIE_LOGIN_RATE", "1000")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut before = Vec::new();
    while let Some(Ok(line)) = lines.next() {
        if let Some(rest) = line.split("http://").nth(1) {
            let addr = rest
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_owned();
            return (child, format!("http://{addr}/api/v1"), before);
        }
        before.push(line);
    }
    let _ = child.kill();
    let status = child.wait();
    panic!("the server stopped ({status:?}) without an address, after {before:?}");
}

/// A server process that is killed when the test ends, however it ends.
pub struct Process(pub std::process::Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub async fn serve(mut config: Config) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    if config.public_url.is_empty() {
        config.public_url = format!("http://{addr}");
    }
    let app = lianjie_server::build(config).await.unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    });
    format!("http://{addr}/api/v1")
}

pub async fn start_with(config: impl FnOnce(Config) -> Config) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let (database_url, db_path) = fresh_database(dir.path()).await;
    let base = serve(config(Config {
        database_url: database_url.clone(),
        demo: true,
        ..Config::default()
    }))
    .await;
    Server {
        base,
        http: Client::new(),
        _dir: dir,
        database_url,
        db_path,
    }
}

pub async fn start() -> Server {
    start_with(|c| c).await
}

impl Server {
    /// A server already running at `base` (another process) on `database_url`.
    pub fn at(base: &str, database_url: &str) -> Server {
        Server {
            base: base.to_owned(),
            http: Client::new(),
            _dir: tempfile::tempdir().unwrap(),
            database_url: database_url.to_owned(),
            db_path: None,
        }
    }

    /// A second server process on the same database file, as after a restart.
    pub async fn restarted(&self) -> Server {
        let base = serve(Config {
            database_url: self.database_url.clone(),
            demo: true,
            ..Config::default()
        })
        .await;
        Server {
            base,
            http: Client::new(),
            _dir: tempfile::tempdir().unwrap(),
            database_url: self.database_url.clone(),
            db_path: self.db_path.clone(),
        }
    }

    /// A direct connection to the server's database, for checking what is stored.
    pub async fn sql(&self) -> sqlx::AnyPool {
        sqlx::any::install_default_drivers();
        let url = lianjie_server::storage::Dialect::of(&self.database_url).0;
        sqlx::AnyPool::connect(&url).await.unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The live event stream (SSE) as `token`'s holder gets it.
    pub fn events(&self, token: &str) -> reqwest::RequestBuilder {
        self.http
            .get(self.url(&format!("/events?access_token={token}")))
    }

    /// Signs in as 王磊, a rep.
    pub async fn login(&self) -> String {
        self.login_as("wang-lei@lianjie.example").await
    }

    /// Signs in as a demo staff member (demo password).
    pub async fn login_as(&self, email: &str) -> String {
        let res = self
            .http
            .post(self.url("/auth/login"))
            .json(&json!({"email": email, "password": "lianjie-demo"}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        res.json::<Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self.http.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// The first page of a conversation's messages, newest first, as staff `token`
    /// reads them.
    pub async fn messages(&self, token: &str, conversation: &str) -> Vec<Value> {
        let (status, page) = self
            .call(
                reqwest::Method::GET,
                &format!("/conversations/{conversation}/messages"),
                Some(token),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        page["items"].as_array().cloned().unwrap_or_default()
    }

    /// A channel credential admin `token` creates from `new`, answered 201: as issued.
    pub async fn create_key(&self, token: &str, new: Value) -> Value {
        let (status, key) = self
            .call(
                reqwest::Method::POST,
                "/channel-keys",
                Some(token),
                Some(new),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{key}");
        key
    }

    /// A message's attachment `a`, checked to be `name` (a picture or not), as
    /// its address serves it.
    pub async fn attachment(&self, a: &Value, name: &str, is_image: bool) -> reqwest::Response {
        assert_eq!(
            (a["name"].as_str(), a["is_image"].as_bool()),
            (Some(name), Some(is_image)),
            "{a}"
        );
        let res = self
            .http
            .get(a["url"].as_str().unwrap_or_default())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        res
    }

    /// Staff `token`'s reply in `conversation`, with idempotency key `key`.
    pub async fn reply(&self, token: &str, conversation: &str, body: &str, key: &str) -> Value {
        let (status, m) = self
            .call(
                reqwest::Method::POST,
                &format!("/conversations/{conversation}/messages"),
                Some(token),
                Some(json!({"body": body, "idempotency_key": key})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{m}");
        m
    }

    /// Waits (up to 15 s) for message `id`'s delivery to reach `state`; the delivery.
    pub async fn delivery_reaches(
        &self,
        token: &str,
        conversation: &str,
        id: &str,
        state: &str,
    ) -> Value {
        for _ in 0..150 {
            let found = self
                .messages(token, conversation)
                .await
                .into_iter()
                .find(|m| m["id"] == id);
            if let Some(m) = found
                && m["delivery"]["state"] == state
            {
                return m["delivery"].clone();
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("message {id}'s delivery never became {state}");
    }

    /// How many readings the caller's radar holds (the demo seeds a month of them).
    pub async fn radar_len(&self, token: &str) -> usize {
        let (_, radar) = self
            .call(reqwest::Method::GET, "/radar", Some(token), None)
            .await;
        radar.as_array().map_or(0, Vec::len)
    }

    /// Posts a tracking snapshot as a customer page does (no sign-in).
    pub async fn track(&self, snapshot: Value) -> (StatusCode, Value) {
        self.call(reqwest::Method::POST, "/public/track", None, Some(snapshot))
            .await
    }

    pub async fn share_pricing(&self, token: &str) -> String {
        let (status, share) = self
            .call(
                reqwest::Method::POST,
                "/shares",
                Some(token),
                Some(json!({"target": {"type": "content", "id": "c-pricing"}, "contact_id": "k-000", "channel": "wechat"})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{share}");
        share["token"].as_str().unwrap().to_owned()
    }

    /// Opens the customer page of share `token` as a new reader: the `OpenedShare`,
    /// with the view session it issued.
    pub async fn open(&self, token: &str) -> Value {
        let (status, opened) = self
            .call(
                reqwest::Method::GET,
                &format!("/public/shares/{token}"),
                None,
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{opened}");
        assert!(opened["session_id"].is_string(), "{opened}");
        opened
    }
}

/// A tracking snapshot with exactly these fields (the session may be made up).
pub fn snapshot(session: &str, token: &str, reader: &str, visible_ms: u64) -> Value {
    json!({"session_id": session, "share_token": token, "reader_token": reader, "seq": 1,
           "totals": {"visible_ms": visible_ms, "max_scroll_pct": 80, "video_ms": 0,
                      "sections": {"price": 90_000}, "actions": ["called"]}})
}

/// The snapshot a page reports for the view `opened` (an `OpenedShare`) issued: its
/// session, the link it opened and the reader's own link.
pub fn snapshot_of(opened: &Value, visible_ms: u64) -> Value {
    let field = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    snapshot(
        &field(&opened["session_id"]),
        &field(&opened["share"]["token"]),
        &field(&opened["child_token"]),
        visible_ms,
    )
}

/// Reads SSE events from a streaming response until `n` data lines arrived.
pub async fn read_events(mut res: reqwest::Response, n: usize) -> Vec<(i64, Value)> {
    let mut buf = String::new();
    let mut out = Vec::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    while out.len() < n {
        let chunk = tokio::time::timeout_at(deadline, res.chunk())
            .await
            .expect("events in time")
            .unwrap()
            .unwrap();
        buf.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            let id = block
                .lines()
                .find_map(|l| l.strip_prefix("id:"))
                .map(|v| v.trim().parse().unwrap());
            let data = block
                .lines()
                .find_map(|l| l.strip_prefix("data:"))
                .map(|v| serde_json::from_str(v.trim()).unwrap());
            if let (Some(id), Some(data)) = (id, data) {
                out.push((id, data));
            }
        }
    }
    out
}

/// WeChat's and WeCom's signature: SHA-1 of the parts sorted and joined.
pub fn sha1_sorted(parts: &[&str]) -> String {
    use sha1::{Digest, Sha1};
    let mut parts = parts.to_vec();
    parts.sort_unstable();
    hex::encode(Sha1::digest(parts.concat().as_bytes()))
}
