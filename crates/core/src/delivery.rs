//! Whether a staff reply really left for the customer's platform (WeChat, email, ...):
//! queued, sent, delivered where the platform reports it, or failed with the reason
//! and a way to retry. Web chat needs none of this: its customer reads the reply in
//! Lianjie's own page.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Attempts before a reply that keeps meeting passing failures (a timeout, a 5xx)
/// is given up as failed; staff may retry it then.
pub const MAX_ATTEMPTS: u32 = 6;

/// How long a sender may hold a reply it has claimed before another may take it
/// (a crashed sender's reply is sent again after this; see `docs/channels.md`).
pub const CLAIM_SECONDS: i64 = 60;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting for its (next) attempt.
    Queued,
    /// The platform accepted it.
    Sent,
    /// The platform reported it reached the customer.
    Delivered,
    /// Not sent; [`ChannelDelivery::failure`] says why.
    Failed,
}

/// Why a reply did not leave, as a code the app words in each language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureCode {
    /// No connected account for this channel can send (Settings → Channel adapters).
    NotConnected,
    /// The platform could not be reached or answered with a server error, every time.
    Unreachable,
    /// The platform refused the reply (its reason is in the detail).
    Rejected,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryFailure {
    pub code: FailureCode,
    /// The platform's own words (an error code and message), for whoever fixes it.
    #[serde(default)]
    pub detail: String,
}

/// A reply's way to the customer's platform.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelDelivery {
    pub state: DeliveryState,
    /// Attempts made since it was queued (or last retried).
    #[serde(default)]
    pub attempts: u32,
    /// When a queued reply is next tried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_attempt_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<DeliveryFailure>,
    pub updated_at: DateTime<Utc>,
}

/// What one attempt to send came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// Worth trying again later: the platform was unreachable or overloaded.
    Passing(String),
    /// Trying again will not help until someone changes something.
    Refused(FailureCode, String),
}

/// The wait before attempt `attempts + 1`: 5 s, then 30 s, 2, 10 and 30 minutes.
pub fn backoff(attempts: u32) -> Duration {
    match attempts {
        0 | 1 => Duration::seconds(5),
        2 => Duration::seconds(30),
        3 => Duration::minutes(2),
        4 => Duration::minutes(10),
        _ => Duration::minutes(30),
    }
}

impl ChannelDelivery {
    /// A reply to send now.
    pub fn queued(now: DateTime<Utc>) -> Self {
        ChannelDelivery {
            state: DeliveryState::Queued,
            attempts: 0,
            next_attempt_at: Some(now),
            failure: None,
            updated_at: now,
        }
    }

    pub fn failed(code: FailureCode, detail: String, now: DateTime<Utc>) -> Self {
        ChannelDelivery {
            state: DeliveryState::Failed,
            attempts: 0,
            next_attempt_at: None,
            failure: Some(DeliveryFailure { code, detail }),
            updated_at: now,
        }
    }

    /// The delivery after an attempt: sent, queued again after its backoff, or
    /// failed (refused, or still failing after [`MAX_ATTEMPTS`]).
    pub fn after(&self, outcome: Outcome, now: DateTime<Utc>) -> Self {
        let attempts = self.attempts.saturating_add(1);
        let mut next = match outcome {
            Outcome::Sent => ChannelDelivery {
                state: DeliveryState::Sent,
                attempts,
                next_attempt_at: None,
                failure: None,
                updated_at: now,
            },
            Outcome::Passing(detail) if attempts < MAX_ATTEMPTS => ChannelDelivery {
                state: DeliveryState::Queued,
                attempts,
                next_attempt_at: Some(now + backoff(attempts)),
                failure: Some(DeliveryFailure {
                    code: FailureCode::Unreachable,
                    detail,
                }),
                updated_at: now,
            },
            Outcome::Passing(detail) => Self::failed(FailureCode::Unreachable, detail, now),
            Outcome::Refused(code, detail) => Self::failed(code, detail, now),
        };
        next.attempts = attempts;
        next
    }

    /// Staff ask for a failed reply to be sent again: queued now, with a fresh count.
    /// `None` when it is not failed (a queued or sent reply is left as it is).
    pub fn retried(&self, now: DateTime<Utc>) -> Option<Self> {
        (self.state == DeliveryState::Failed).then(|| Self::queued(now))
    }

    /// The delivery after the platform's receipt: a sent (or still queued) reply
    /// reached the customer, or did not (with the platform's words). A receipt for
    /// a reply already failed or delivered changes nothing (`None`).
    pub fn after_receipt(
        &self,
        delivered: bool,
        detail: String,
        now: DateTime<Utc>,
    ) -> Option<Self> {
        if !matches!(self.state, DeliveryState::Sent | DeliveryState::Queued) {
            return None;
        }
        Some(match delivered {
            true => ChannelDelivery {
                state: DeliveryState::Delivered,
                next_attempt_at: None,
                failure: None,
                updated_at: now,
                ..self.clone()
            },
            false => ChannelDelivery {
                attempts: self.attempts,
                ..Self::failed(FailureCode::Rejected, detail, now)
            },
        })
    }

    /// Whether a sender should try it at `now`.
    pub fn due(&self, now: DateTime<Utc>) -> bool {
        self.state == DeliveryState::Queued && self.next_attempt_at.is_none_or(|at| at <= now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_764_489_600 + s, 0).expect("a time in range")
    }

    #[test]
    fn a_sent_reply_stops_there() {
        let d = ChannelDelivery::queued(at(0));
        assert!(d.due(at(0)));
        let sent = d.after(Outcome::Sent, at(1));
        assert_eq!(sent.state, DeliveryState::Sent);
        assert_eq!(sent.attempts, 1);
        assert!(!sent.due(at(10_000)));
        assert_eq!(sent.retried(at(2)), None);
    }

    #[test]
    fn passing_failures_back_off_then_give_up() {
        let mut d = ChannelDelivery::queued(at(0));
        let mut waits = Vec::new();
        for attempt in 1..MAX_ATTEMPTS {
            let now = d.next_attempt_at.expect("a queued reply has its time");
            d = d.after(Outcome::Passing("timeout".into()), now);
            assert_eq!(d.state, DeliveryState::Queued, "attempt {attempt}");
            assert_eq!(d.attempts, attempt);
            let next = d.next_attempt_at.expect("queued again with its time");
            assert!(!d.due(now) && d.due(next));
            waits.push((next - now).num_seconds());
        }
        assert_eq!(waits, [5, 30, 120, 600, 1800]);
        let given_up = d.after(Outcome::Passing("timeout".into()), at(99_999));
        assert_eq!(given_up.state, DeliveryState::Failed);
        assert_eq!(given_up.attempts, MAX_ATTEMPTS);
        let failure = given_up.failure.clone();
        assert_eq!(
            failure.map(|f| (f.code, f.detail)),
            Some((FailureCode::Unreachable, "timeout".into()))
        );
        assert!(!given_up.due(at(200_000)));
        let again = given_up.retried(at(100_000));
        assert_eq!(again, Some(ChannelDelivery::queued(at(100_000))));
    }

    #[test]
    fn a_refusal_fails_at_once_with_its_reason() {
        let d = ChannelDelivery::queued(at(0)).after(
            Outcome::Refused(
                FailureCode::Rejected,
                "45015 response out of time limit".into(),
            ),
            at(1),
        );
        assert_eq!(d.state, DeliveryState::Failed);
        assert_eq!(d.attempts, 1);
        assert_eq!(d.next_attempt_at, None);
        assert_eq!(d.failure.map(|f| f.code), Some(FailureCode::Rejected));
    }

    #[test]
    fn receipts_settle_a_sent_reply_once() {
        let sent = ChannelDelivery::queued(at(0)).after(Outcome::Sent, at(1));
        let reached = sent
            .after_receipt(true, String::new(), at(9))
            .expect("a sent reply settles");
        assert_eq!(
            (reached.state, reached.attempts),
            (DeliveryState::Delivered, 1)
        );
        assert_eq!(reached.after_receipt(false, "late".into(), at(10)), None);
        let lost = sent
            .after_receipt(false, "UNDELIV".into(), at(9))
            .expect("settles");
        assert_eq!(lost.state, DeliveryState::Failed);
        assert_eq!(lost.failure.map(|f| f.detail), Some("UNDELIV".into()));
        assert!(lost.attempts == 1 && lost.next_attempt_at.is_none());
    }

    #[test]
    fn the_wire_shape_is_flat_strings() {
        let d = ChannelDelivery::failed(FailureCode::NotConnected, String::new(), at(0));
        let json = serde_json::to_value(&d).expect("serializes");
        assert_eq!(json["state"], "failed");
        assert_eq!(json["failure"]["code"], "not_connected");
        let back: ChannelDelivery = serde_json::from_value(json).expect("reads back");
        assert_eq!(back, d);
    }
}
