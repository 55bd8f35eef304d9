//! Committed events to the SSE streams: this server's, and other servers' on the same
//! database, in each organization's commit order.

use crate::{AppState, storage};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::Duration;
use tokio::sync::Notify;

/// How long the relay waits for a wake-up before it looks for other servers'
/// events anyway (SQLite has no notifications; PostgreSQL's are lost while its
/// listening connection is down).
const RELAY_POLL: Duration = Duration::from_secs(1);
/// Most events the relay reads at a time.
const RELAY_BATCH: i64 = 1_000;

/// Announces committed events, this server's and other servers', to its SSE
/// streams in each organization's commit order (a commit holds its organization,
/// so their ids rise in that order), once the copy holds what they name. Woken by
/// this server's writer and, on PostgreSQL, by other servers' commits.
pub(crate) async fn relay(state: Weak<AppState>, wake: Arc<Notify>) {
    loop {
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(RELAY_POLL) => {}
        }
        let Some(state) = state.upgrade() else {
            return;
        };
        for tenant in state.tenants.values() {
            let events = match state
                .storage
                .events_after(&tenant.id, tenant.announced(), RELAY_BATCH)
                .await
            {
                Ok(events) if events.is_empty() => continue,
                Ok(events) => events,
                Err(e) => {
                    eprintln!("relaying events: {e}");
                    continue;
                }
            };
            if let Err(e) = state.catch_up(tenant).await {
                eprintln!("relaying events: {e}");
                continue;
            }
            if events.len() as i64 == RELAY_BATCH {
                wake.notify_one();
            }
            for (id, event) in events {
                // No subscriber is not an error.
                let _ = state.events.send((id, tenant.id.clone(), event));
                tenant.announced.store(id, Ordering::Release);
            }
        }
    }
}

/// Wakes the relay whenever another server commits (PostgreSQL `LISTEN`), and
/// listens again after the connection drops.
pub(crate) async fn listen(url: String, wake: Weak<Notify>) {
    loop {
        let listened = async {
            let mut listener = sqlx::postgres::PgListener::connect(&url).await?;
            listener.listen(storage::heads::CHANNEL).await?;
            loop {
                listener.recv().await?;
                let Some(wake) = wake.upgrade() else {
                    return Ok(());
                };
                wake.notify_one();
            }
        };
        let outcome: Result<(), sqlx::Error> = listened.await;
        match outcome {
            Ok(()) => return,
            Err(e) => eprintln!("listening for other servers' commits: {e}"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
