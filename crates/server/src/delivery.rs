//! The delivery queue's sender: every second, or at once when a reply is queued
//! here, it takes the replies that are due (from storage, so a reply queued before
//! a restart or on another server is found), claims each, sends it through its
//! channel's adapter, and keeps what came of it on the message, which staff see
//! live. A sender that dies mid-send leaves its claim to lapse after
//! [`CLAIM_SECONDS`]: the reply is sent again then (at least once, never lost).

use crate::error::{ApiError, ApiResult};
use crate::extract::{Path, Staff};
use crate::routes::id_param;
use crate::{AppState, Shared, Tenant};
use axum::Json;
use axum::extract::State;
use chrono::{Duration, Utc};
use lianjie_core::api::Event;
use lianjie_core::delivery::{CLAIM_SECONDS, DeliveryState, FailureCode, Outcome};
use lianjie_core::inbox::Message;
use std::sync::{Arc, Weak};

/// Staff send a failed reply again: queued at once (or failed again, saying why,
/// when its channel is still not connected).
pub async fn retry(
    State(s): State<Shared>,
    staff: Staff,
    Path((conversation, id)): Path<(String, String)>,
) -> ApiResult<Json<Message>> {
    let conversation = id_param(&conversation, "conversation")?;
    let id = id_param(&id, "message")?;
    staff.tenant.read(|db| {
        db.visible_conversation(&staff.caller, &conversation)
            .map(|_| ())
    })?;
    let stored = s
        .storage
        .message_by_id(&staff.tenant.id, &id)
        .await?
        .filter(|m| m.conversation_id == conversation)
        .ok_or(ApiError::NotFound("message"))?;
    let (_, message) = s
        .add_message(
            &staff.tenant,
            stored.idempotency_key,
            move |db, now| db.retry_delivery(&staff.caller, &conversation, &id, now),
            Event::message,
        )
        .await?;
    if message
        .delivery
        .as_ref()
        .is_some_and(|d| d.state == DeliveryState::Queued)
    {
        s.deliveries.notify_one();
    }
    Ok(Json(message))
}

/// A platform's receipt for reply `message_id` (its word for whether the reply
/// reached the customer), kept on the reply.
pub async fn keep_receipt(
    s: &Shared,
    tenant: &Arc<Tenant>,
    message_id: &str,
    delivered: bool,
    detail: String,
) -> ApiResult<()> {
    let message_id = id_param(message_id, "message")?;
    let stored = s
        .storage
        .message_by_id(&tenant.id, &message_id)
        .await?
        .ok_or(ApiError::NotFound("message"))?;
    let (conversation, id) = (stored.conversation_id.clone(), stored.id.clone());
    s.add_message(
        tenant,
        stored.idempotency_key,
        move |db, now| db.record_receipt(&conversation, &id, delivered, detail, now),
        Event::message,
    )
    .await
    .map(|_| ())
}

/// Replies one round takes at most; the next round takes the rest at once.
const ROUND: i64 = 32;
/// How often storage is asked when nothing wakes the sender.
const EVERY: std::time::Duration = std::time::Duration::from_secs(1);

pub async fn run(state: Weak<AppState>, wake: std::sync::Arc<tokio::sync::Notify>) {
    loop {
        let _ = tokio::time::timeout(EVERY, wake.notified()).await;
        let Some(s) = state.upgrade() else {
            return;
        };
        // A round that filled up is followed by another straight away.
        while let Ok(n) = round(&s).await {
            if n < ROUND {
                break;
            }
        }
    }
}

/// One round; how many due replies it found.
async fn round(s: &Shared) -> Result<i64, ()> {
    let now = Utc::now();
    let due = s
        .storage
        .due_deliveries(now, ROUND)
        .await
        .map_err(|e| eprintln!("delivery queue: {e}"))?;
    let found = i64::try_from(due.len()).unwrap_or(ROUND);
    for d in due {
        match s
            .storage
            .claim_delivery(&d, now + Duration::seconds(CLAIM_SECONDS))
            .await
        {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => {
                eprintln!("delivery queue: {e}");
                continue;
            }
        }
        let Ok(tenant) = s.tenant(&d.org) else {
            continue;
        };
        let m = d.message;
        // Who the reply goes to and what sends it, as this organization is now.
        let route = {
            let db = tenant.lock();
            db.conversations.get(&m.conversation_id).map(|v| {
                let handle = db
                    .contacts
                    .get(&v.contact_id)
                    .and_then(|c| c.identities.iter().find(|i| i.channel == v.channel))
                    .map(|i| i.handle.clone());
                (handle, db.sender(v.channel).cloned())
            })
        };
        let outcome = match route {
            Some((Some(handle), Some(key))) => {
                s.senders.send(&s.storage, &d.org, &key, &handle, &m).await
            }
            Some((_, None)) | None => Outcome::Refused(FailureCode::NotConnected, String::new()),
            Some((None, Some(_))) => Outcome::Refused(
                FailureCode::Rejected,
                "the customer has no address on this channel".into(),
            ),
        };
        let (conversation, id) = (m.conversation_id.clone(), m.id.clone());
        let recorded = s
            .add_message(
                &tenant,
                m.idempotency_key.clone(),
                move |db, now| db.record_delivery(&conversation, &id, outcome, now),
                Event::message,
            )
            .await;
        if let Err(e) = recorded {
            // The claim lapses and the reply is tried again.
            eprintln!("delivery queue: keeping an outcome failed: {e}");
        }
    }
    Ok(found)
}
