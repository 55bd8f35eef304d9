//! Snoozes that run out. Every read already counts such a conversation as open; the
//! server also opens it again in storage, so that the inbox's tallies and the index
//! of snoozed conversations hold only the snoozes still running (reads then visit no
//! run-out snooze however many pile up), and a list of open conversations hears of
//! each one as it returns.

use crate::AppState;
use futures_util::future::join_all;
use lianjie_core::api::Event;

/// Most conversations one run opens in an organization; the rest wait for the next.
/// Few: each is an event, and every open list on every screen reads its page again on
/// one (a backlog, after downtime, drains over minutes instead of in one burst).
const PER_RUN: usize = 100;

/// One run over every organization. Safe beside another server doing the same: a
/// conversation is opened inside the organization's commit, after the other's
/// changes are read, so the second finds it open already and writes nothing.
pub(crate) async fn wake_everywhere(state: &AppState) {
    let now = chrono::Utc::now();
    for tenant in state.tenants.values() {
        let due = match state
            .storage
            .run_out_snoozes(&tenant.id, now, PER_RUN)
            .await
        {
            Ok(due) => due,
            Err(e) => {
                eprintln!("run-out snoozes of {}: {e}", tenant.id);
                continue;
            }
        };
        // One commit each, so each has its own event; they are sent together and
        // the writer commits them as one group.
        let woken = due.into_iter().map(|id| {
            state.mutate(
                tenant,
                move |db, now| Ok(db.wake_snooze(&id, now)),
                |woken| woken.as_ref().and_then(Event::conversation),
            )
        });
        for outcome in join_all(woken).await {
            if let Err(e) = outcome {
                eprintln!("opening a run-out snooze in {}: {e:?}", tenant.id);
            }
        }
    }
}
