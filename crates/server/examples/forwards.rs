//! A customer whose article was forwarded far (`bash bench/forwards.sh`): every
//! counted snapshot of a view below their link refreshes their intent from what
//! their views add up to. New readers keep opening pages meanwhile; this prints
//! what a snapshot costs the single writer as the tree below them grows.
//!
//! `forwards [views…]` (default 1,000, 10,000 and 100,000 views in the tree)

use chrono::{Duration, Utc};
use lianjie_core::api::NewShare;
use lianjie_core::share::ShareTarget;
use lianjie_core::store::{Db, Record};
use lianjie_core::tracking::{Snapshot, ViewSession, ViewTotals};
use std::time::Instant;

/// Pages opened and snapshots posted, one each a round, timed per size.
const ROUNDS: usize = 2_000;

fn main() {
    let sizes: Vec<usize> = match std::env::args().skip(1).map(|a| a.parse()).collect() {
        Ok(sizes) if !Vec::is_empty(&sizes) => sizes,
        Ok(_) => vec![1_000, 10_000, 100_000],
        Err(e) => {
            eprintln!("usage: forwards [views…]: {e}");
            std::process::exit(2);
        }
    };
    println!("views below the customer   per snapshot, a page opened before each");
    for views in sizes {
        let (mut db, forwarded, readers) = tree(views);
        let start = Utc::now() + Duration::hours(1);
        let t = Instant::now();
        for round in 0..ROUNDS {
            let now = start + Duration::seconds(round as i64);
            let new = random(views + round);
            db.open_share(
                &forwarded,
                format!("own-{new}"),
                format!("v-{new}"),
                None,
                now,
            )
            .expect("open");
            // Someone reading on, further into the article.
            let reader = &readers[round % views];
            let snapshot = Snapshot {
                session_id: format!("v-{reader}"),
                share_token: forwarded.clone(),
                reader_token: Some(format!("own-{reader}")),
                seq: 2,
                totals: ViewTotals {
                    visible_ms: 9_000 + round as u64,
                    ..ViewTotals::default()
                },
            };
            db.record_snapshot(&snapshot, now).expect("snapshot");
        }
        let per = t.elapsed().as_secs_f64() * 1e6 / ROUNDS as f64;
        println!("{views:>24}   {per:>9.1} µs");
    }
}

/// Tokens and view ids look random, as the server mints them: a new one falls
/// anywhere among those of the tree.
fn random(n: usize) -> String {
    format!("{:016x}", (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// The demo with a link to one customer, forwarded by them, and `views` counted
/// views by other readers through the forwarded link; that link's token, and the
/// readers' ids.
fn tree(views: usize) -> (Db, String, Vec<String>) {
    let now = Utc::now();
    let mut db = lianjie_core::demo::seed(now);
    let admin = db.caller("u-admin").expect("the demo's admin");
    let new = NewShare {
        target: ShareTarget::Content("c-pricing".into()),
        contact_id: Some("k-000".into()),
        channel: None,
        lead_capture: Default::default(),
    };
    db.create_share(&admin, new, "sent".into(), now)
        .expect("share");
    let forwarded = db
        .open_share("sent", "forwarded".into(), "first".into(), None, now)
        .expect("open")
        .child_token;
    // Grown as records from elsewhere: each reader's own link and their view, in
    // the order of their ids (a list kept in order takes each at its end).
    let mut readers: Vec<String> = (0..views).map(random).collect();
    readers.sort();
    for reader in &readers {
        let mut own = db.shares[&forwarded].clone();
        own.token = format!("own-{reader}");
        own.parent = Some(forwarded.clone());
        db.put(Record::Share(own));
        let mut view = ViewSession::issue(
            format!("v-{reader}"),
            forwarded.clone(),
            format!("own-{reader}"),
            now,
        );
        view.totals.visible_ms = 3_000;
        db.put(Record::Session(view));
    }
    (db, forwarded, readers)
}
