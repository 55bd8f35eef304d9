//! What the server benchmarks share: signing in, tracking load from concurrent
//! clients on loopback, and latency percentiles.

use serde_json::{Value, json};
use std::time::{Duration, Instant};

pub const DEMO_PASSWORD: &str = "lianjie-demo";

pub async fn login(http: &reqwest::Client, base: &str, email: &str) -> String {
    let login: Value = http
        .post(format!("{base}/auth/login"))
        .json(&json!({"email": email, "password": DEMO_PASSWORD}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("login body");
    login["token"].as_str().expect("token").to_owned()
}

/// Latencies in milliseconds at the given fractions (0.5, 0.99, 1.0 for the max), by
/// nearest rank: the smallest latency at least that fraction of them do not exceed.
/// (Of 100, p99 is the 99th, not the slowest.)
pub fn percentiles(mut latencies: Vec<Duration>, at: &[f64]) -> Vec<f64> {
    latencies.sort();
    at.iter()
        .map(|p| {
            let rank = (latencies.len() as f64 * p).ceil() as usize;
            let i = rank.clamp(1, latencies.len().max(1)) - 1;
            latencies.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
        })
        .collect()
}

/// What a tracking load measured.
pub struct Ingest {
    pub latencies: Vec<Duration>,
    pub failures: usize,
    pub elapsed: Duration,
}

impl Ingest {
    pub fn per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }
}

/// Who reads the links a tracking load shares.
#[derive(Clone, Copy)]
pub enum Readers {
    /// Each link is shared to a demo customer, so its readers are known.
    Customers,
    /// Links to no one (posted in a group chat): readers known by their own links.
    OpenLinks,
}

impl Readers {
    /// Who reads the links, for a benchmark's printed line.
    pub fn label(self) -> &'static str {
        match self {
            Readers::Customers => "links shared to customers",
            Readers::OpenLinks => "links shared to no one",
        }
    }
}

/// A tracking load: `clients` readers' pages, each with `sessions` views of its own
/// share, posting cumulative snapshots until `requests` in all or `max_time`.
pub struct Load {
    pub clients: usize,
    pub sessions: usize,
    pub requests: usize,
    pub max_time: Duration,
    pub readers: Readers,
}

/// Runs `load` with shares made by `token`'s rep, each client posting its next
/// snapshot as soon as the last is answered.
pub async fn ingest(http: &reqwest::Client, base: &str, token: &str, load: Load) -> Ingest {
    let Load {
        clients,
        sessions,
        requests,
        max_time,
        readers,
    } = load;
    let mut shares = Vec::new();
    for i in 0..clients {
        let mut new = json!({"target": {"type": "content", "id": "c-pricing"}});
        if let Readers::Customers = readers {
            new["contact_id"] = json!(format!("k-{:03}", i % 50));
        }
        let share: Value = http
            .post(format!("{base}/shares"))
            .bearer_auth(token)
            .json(&new)
            .send()
            .await
            .expect("share")
            .json()
            .await
            .expect("share body");
        let share = share["token"].as_str().expect("share token").to_owned();
        // Each reading is a page opened first: the server issues its view session.
        let mut views = Vec::new();
        for _ in 0..sessions {
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
    let per_client = requests / clients;
    let mut tasks = Vec::new();
    for (share, views) in shares {
        let http = http.clone();
        let url = format!("{base}/public/track");
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(per_client);
            let mut failures = 0usize;
            for n in 0..per_client {
                if started.elapsed() > max_time {
                    break;
                }
                let (session, reader) = &views[n % views.len()];
                let seq = n / views.len() + 1;
                let body = json!({
                    "session_id": session, "share_token": share, "reader_token": reader, "seq": seq,
                    "totals": {"visible_ms": 1_000 * seq as u64, "max_scroll_pct": (seq % 100) as u8, "video_ms": 0,
                               "sections": {"intro": 500 * seq as u64, "price": 400 * seq as u64}, "actions": []}
                });
                let t = Instant::now();
                // sendBeacon's content type.
                let res = http
                    .post(&url)
                    .header("content-type", "text/plain;charset=UTF-8")
                    .body(body.to_string())
                    .send()
                    .await;
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
    Ingest {
        latencies,
        failures,
        elapsed: started.elapsed(),
    }
}
