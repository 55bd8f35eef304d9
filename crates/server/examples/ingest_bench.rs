//! Tracking-ingest benchmark: the real server (router, SQLite in WAL mode, a
//! temporary database file) on a loopback port, driven by concurrent HTTP clients
//! posting cumulative snapshots. Bounded in count and time. Prints snapshots/s and
//! latency percentiles. Run with `bash bench/ingest.sh`.

use lianjie_server::Config;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

const CLIENTS: usize = 32;
const SESSIONS_PER_CLIENT: usize = 20;
const MAX_REQUESTS: usize = 40_000;
const MAX_TIME: Duration = Duration::from_secs(30);

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config {
        database_url: std::env::var("LIANJIE_DATABASE_URL")
            .unwrap_or_else(|_| dir.path().join("bench.db").to_string_lossy().into_owned()),
        // The per-client limit would throttle a single-address load generator; this
        // measures ingest itself.
        public_rate_per_sec: 1_000_000,
        demo: true,
        ..Config::default()
    };
    let app = lianjie_server::build(config).await.expect("server");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
    });
    let base = format!("http://{addr}/api/v1");
    let http = reqwest::Client::new();

    let login: Value = http
        .post(format!("{base}/auth/login"))
        // The admin may share to every demo customer.
        .json(&json!({"email": "admin@lianjie.example", "password": "lianjie-demo"}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("login body");
    let token = login["token"].as_str().expect("token").to_owned();
    let mut shares = Vec::new();
    for i in 0..CLIENTS {
        let share: Value = http
            .post(format!("{base}/shares"))
            .bearer_auth(&token)
            .json(&json!({"target": {"type": "content", "id": "c-pricing"}, "contact_id": format!("k-{:03}", i % 50)}))
            .send()
            .await
            .expect("share")
            .json()
            .await
            .expect("share body");
        let share = share["token"].as_str().expect("share token").to_owned();
        // Each reading is a page opened first: the server issues its view session.
        let mut views = Vec::new();
        for _ in 0..SESSIONS_PER_CLIENT {
            let opened: Value = http
                .get(format!("{base}/public/shares/{share}"))
                .send()
                .await
                .expect("open")
                .json()
                .await
                .expect("opened body");
            let field = |name: &str| opened[name].as_str().expect(name).to_owned();
            views.push((field("session_id"), field("child_token")));
        }
        shares.push((share, views));
    }

    let started = Instant::now();
    let per_client = MAX_REQUESTS / CLIENTS;
    let mut tasks = Vec::new();
    for (share, views) in shares {
        let http = http.clone();
        let url = format!("{base}/public/track");
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(per_client);
            let mut failures = 0usize;
            for n in 0..per_client {
                if started.elapsed() > MAX_TIME {
                    break;
                }
                let (session, reader) = &views[n % SESSIONS_PER_CLIENT];
                let seq = n / SESSIONS_PER_CLIENT + 1;
                let body = json!({
                    "session_id": session, "share_token": share, "reader_token": reader, "seq": seq,
                    "totals": {"visible_ms": 1_000 * seq as u64, "max_scroll_pct": (seq % 100) as u8, "video_ms": 0,
                               "sections": {"intro": 500 * seq as u64, "price": 400 * seq as u64}, "actions": []}
                });
                let t = Instant::now();
                // sendBeacon's content type.
                let res = http.post(&url).header("content-type", "text/plain;charset=UTF-8").body(body.to_string()).send().await;
                latencies.push(t.elapsed());
                if !matches!(res, Ok(ref r) if r.status() == 204) {
                    failures += 1;
                }
            }
            (latencies, failures)
        }));
    }
    let mut latencies = Vec::new();
    let mut failures = 0;
    for t in tasks {
        let (l, f) = t.await.expect("client task");
        latencies.extend(l);
        failures += f;
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let pct = |p: f64| {
        latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)].as_secs_f64()
            * 1000.0
    };
    let radar: Vec<Value> = http
        .get(format!("{base}/radar"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("radar")
        .json()
        .await
        .expect("radar body");
    println!(
        "tracking ingest, {CLIENTS} concurrent clients on loopback, SQLite WAL file, 2 cores shared with the load generator"
    );
    println!("snapshots sent     {}", latencies.len());
    println!("failed (non-204)   {failures}");
    println!("elapsed            {:.2} s", elapsed.as_secs_f64());
    println!(
        "throughput         {:.0} snapshots/s",
        latencies.len() as f64 / elapsed.as_secs_f64()
    );
    println!("latency p50        {:.2} ms", pct(0.50));
    println!("latency p95        {:.2} ms", pct(0.95));
    println!("latency p99        {:.2} ms", pct(0.99));
    println!("latency max        {:.2} ms", pct(1.0));
    println!("radar lines (first 100 shown by the API) {}", radar.len());
}
