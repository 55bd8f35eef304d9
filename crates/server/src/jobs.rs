//! What the server does on a clock while it lives: housekeeping, the public pool's
//! rules, and opening snoozes that have run out.

use crate::{AppState, pools, snoozes};
use chrono::{DateTime, Utc};
use std::future::Future;
use std::sync::{Arc, Weak};
use std::time::Duration;

/// How often idle rate-limit entries are dropped and old events deleted.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(60);
/// Most events one housekeeping run deletes, so it never holds the database long.
const RETENTION_BATCH: i64 = 10_000;

/// Starts every job. Housekeeping runs at once; the others a while after start, not
/// at once: servers starting together on one SQLite file would have their commits
/// race each other's first writes (a read that turns into a write after another
/// commit is refused, `SQLITE_BUSY_SNAPSHOT`).
pub(crate) fn spawn(state: &Arc<AppState>) {
    let every = state.config.snooze_check_every;
    periodically(state, Duration::ZERO, HOUSEKEEPING_EVERY, |s| async move {
        housekeeping(&s).await;
    });
    periodically(
        state,
        pools::FIRST_RUN_AFTER,
        pools::RULES_EVERY,
        |s| async move { pools::run_everywhere(&s).await },
    );
    periodically(state, every, every, |s| async move {
        snoozes::wake_everywhere(&s).await;
    });
}

/// Runs `job` `first` after now and then every `every` (a run that overruns delays
/// the next), until the app is dropped.
fn periodically<F, Fut>(state: &Arc<AppState>, first: Duration, every: Duration, job: F)
where
    F: Fn(Arc<AppState>) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    let state: Weak<AppState> = Arc::downgrade(state);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + first, every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let Some(state) = state.upgrade() else {
                return;
            };
            job(state).await;
        }
    });
}

/// Forgets clients whose rate limits have fully recovered (keyed limiters otherwise
/// keep every client ever seen), deletes events older than the retention period,
/// and views' priors older than other servers need them, then gives the heap's
/// free pages back.
async fn housekeeping(state: &AppState) {
    state.limiter.retain_recent();
    state.limiter.shrink_to_fit();
    state.opens.sweep();
    state.logins.sweep();
    if let Some(cutoff) = retention_cutoff(state.config.event_retention_days, Utc::now())
        && let Err(e) = state
            .storage
            .delete_events_before(cutoff, RETENTION_BATCH)
            .await
    {
        eprintln!("event log retention: {e}");
    }
    if let Err(e) = state
        .storage
        .prune_priors(Utc::now() - crate::storage::PRIORS_KEPT)
        .await
    {
        eprintln!("pruning views' priors: {e}");
    }
    // Requests and commits free what they allocated on many threads, and glibc
    // keeps those pages: after a minute of ingest at 1M, 51 of 490 MB. The trim
    // takes a few ms, on a thread that may block.
    let _ = tokio::task::spawn_blocking(crate::return_free_memory).await;
}

/// Events logged before this are past a retention of `days` (0: kept for ever, as
/// is everything when the period reaches back past the calendar).
fn retention_cutoff(days: u32, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if days == 0 {
        return None;
    }
    chrono::Duration::try_days(days.into()).and_then(|period| now.checked_sub_signed(period))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retention_cutoff_is_days_back_and_zero_keeps_everything() {
        let now = Utc::now();
        assert_eq!(
            retention_cutoff(30, now),
            Some(now - chrono::Duration::days(30))
        );
        assert_eq!(retention_cutoff(0, now), None);
        assert_eq!(retention_cutoff(u32::MAX, now), None);
    }
}
