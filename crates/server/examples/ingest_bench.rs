//! Tracking-ingest benchmark: the real server (router, a temporary SQLite file, or
//! the database `LIANJIE_DATABASE_URL` names) on a loopback port, driven by concurrent HTTP clients
//! posting cumulative snapshots. Bounded in count and time. Prints snapshots/s and
//! latency percentiles. Run with `bash bench/ingest.sh`; `READERS=open` shares the
//! links to no one, so the server knows their readers only by their own links.

#[path = "support/load.rs"]
mod load;

use lianjie_server::Config;
use serde_json::Value;
use std::net::SocketAddr;
use std::time::Duration;

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

    // The admin may share to every demo customer.
    let token = load::login(&http, &base, "admin@lianjie.example").await;
    let readers = match std::env::var("READERS").as_deref() {
        Ok("open") => load::Readers::OpenLinks,
        Ok("customers") | Err(_) => load::Readers::Customers,
        Ok(other) => {
            eprintln!("READERS: `open` or `customers`, not `{other}`");
            std::process::exit(2);
        }
    };
    let run = load::ingest(
        &http,
        &base,
        &token,
        load::Load {
            clients: CLIENTS,
            sessions: SESSIONS_PER_CLIENT,
            requests: MAX_REQUESTS,
            max_time: MAX_TIME,
            readers,
        },
    )
    .await;
    let [p50, p95, p99, max] =
        load::percentiles(run.latencies.clone(), &[0.5, 0.95, 0.99, 1.0])[..]
    else {
        unreachable!("four fractions give four figures")
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
        "tracking ingest, {CLIENTS} concurrent clients on loopback ({}), 2 cores shared with the load generator",
        readers.label()
    );
    println!("snapshots sent     {}", run.latencies.len());
    println!("failed (non-204)   {}", run.failures);
    println!("elapsed            {:.2} s", run.elapsed.as_secs_f64());
    println!("throughput         {:.0} snapshots/s", run.per_second());
    println!("latency p50        {p50:.2} ms");
    println!("latency p95        {p95:.2} ms");
    println!("latency p99        {p99:.2} ms");
    println!("latency max        {max:.2} ms");
    println!("radar lines (first 100 shown by the API) {}", radar.len());
}
