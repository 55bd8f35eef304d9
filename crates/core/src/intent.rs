//! Interest tags and the intent score: how the product turns reading into a lead's
//! temperature.

use crate::weights::Weights;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// At or above this a lead is "hot" and the rep is alerted when it is crossed.
pub const HOT_THRESHOLD: u8 = 70;
/// Coming back this many times is a "moment of truth" on its own.
pub const RETURN_VISITS_ALERT: u32 = 3;

/// Adds a session's dwell to a contact's tag weights (seconds per tag): every tag of a
/// section gets that section's dwell. Sections without tags add nothing.
pub fn add_interest<'t>(
    weights: &mut BTreeMap<&'t str, u64>,
    section_dwell_ms: &crate::tracking::Sections,
    section_tags: &BTreeMap<&str, &'t [String]>,
) {
    for (section, ms) in section_dwell_ms {
        for tag in section_tags.get(section).copied().unwrap_or_default() {
            *weights.entry(tag.as_str()).or_default() += ms / 1000;
        }
    }
}

/// Tags by weight, heaviest first, ties alphabetical.
pub fn top_interests(weights: &Weights, n: usize) -> Vec<(&str, u64)> {
    let mut list: Vec<(&str, u64)> = weights.iter().filter(|(_, w)| *w > 0).collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    list.truncate(n);
    list
}

/// Everything the score looks at, gathered per contact.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntentSignals {
    pub last_activity: Option<DateTime<Utc>>,
    /// Visible reading/viewing time over all sessions.
    pub visible_ms: u64,
    /// Counted view sessions.
    pub visits: u32,
    pub forwards: u32,
    /// Whether the customer wrote (on any channel).
    pub wrote: bool,
}

/// 0-100: recency 30, reading time 25, repeat visits 20, forwards 15, messages 10.
/// Each part saturates, so no single signal makes a lead hot by itself except
/// a mix of fresh activity and real engagement.
pub fn intent_score(s: &IntentSignals, now: DateTime<Utc>) -> u8 {
    let Some(last) = s.last_activity else {
        return 0;
    };
    let age_h = (now - last).num_minutes().max(0) as f64 / 60.0;
    // Full marks within the hour, nothing after two weeks.
    let recency = if age_h <= 1.0 {
        1.0
    } else {
        (1.0 - (age_h - 1.0) / (14.0 * 24.0 - 1.0)).max(0.0)
    };
    let reading = (s.visible_ms as f64 / 600_000.0).min(1.0); // 10 minutes
    let repeat = (s.visits.saturating_sub(1) as f64 / 4.0).min(1.0); // 5th visit
    let forwards = (s.forwards as f64 / 2.0).min(1.0);
    let messages = if s.wrote { 1.0 } else { 0.0 };
    let score = 30.0 * recency + 25.0 * reading + 20.0 * repeat + 15.0 * forwards + 10.0 * messages;
    score.round().clamp(0.0, 100.0) as u8
}

/// Why the rep should look now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Alert {
    BecameHot,
    ReturnVisit,
}

/// Alerts raised by going from `before` to `after` (score, visits). Only crossings
/// alert, so a lead that stays hot is not announced again on every snapshot.
pub fn alerts(before: (u8, u32), after: (u8, u32)) -> Vec<Alert> {
    let mut out = Vec::new();
    if before.0 < HOT_THRESHOLD && after.0 >= HOT_THRESHOLD {
        out.push(Alert::BecameHot);
    }
    if before.1 < RETURN_VISITS_ALERT && after.1 >= RETURN_VISITS_ALERT {
        out.push(Alert::ReturnVisit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn t0() -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_790_000_000, 0).unwrap()
    }

    #[test]
    fn interest_follows_dwell_on_tagged_sections() {
        let (price, case) = (
            ["价格".to_string()],
            ["案例".to_string(), "价格".to_string()],
        );
        let tags: BTreeMap<&str, &[String]> = [("b1", &price[..]), ("b2", &case[..])].into();
        let dwell: crate::tracking::Sections = [
            ("b1".into(), 30_000),
            ("b2".into(), 12_500),
            ("b3".into(), 99_000),
        ]
        .into_iter()
        .collect();
        let mut w = BTreeMap::new();
        add_interest(&mut w, &dwell, &tags);
        add_interest(&mut w, &dwell, &tags);
        let w: Weights = w.into_iter().map(|(t, n)| (t.to_owned(), n)).collect();
        assert_eq!(top_interests(&w, 5), vec![("价格", 84), ("案例", 24)]);
    }

    #[test]
    fn no_activity_no_intent() {
        assert_eq!(intent_score(&IntentSignals::default(), t0()), 0);
    }

    #[test]
    fn fresh_engaged_lead_is_hot_and_cools_with_time() {
        let s = IntentSignals {
            last_activity: Some(t0()),
            visible_ms: 8 * 60_000,
            visits: 3,
            forwards: 1,
            wrote: false,
        };
        let now = intent_score(&s, t0() + Duration::minutes(10));
        assert_eq!(now, 30 + 20 + 10 + 8); // 30 + 25*0.8 + 20*0.5 + 15*0.5
        assert!(now < HOT_THRESHOLD);
        let s_hot = IntentSignals {
            wrote: true,
            forwards: 2,
            ..s.clone()
        };
        let hot = intent_score(&s_hot, t0());
        assert!(hot >= HOT_THRESHOLD, "{hot}");
        let later = intent_score(&s_hot, t0() + Duration::days(7));
        assert!(later < hot && later > 0);
        assert_eq!(intent_score(&s, t0() + Duration::days(30)), 20 + 10 + 8);
    }

    #[test]
    fn score_is_bounded() {
        let s = IntentSignals {
            last_activity: Some(t0()),
            visible_ms: u64::MAX,
            visits: u32::MAX,
            forwards: u32::MAX,
            wrote: true,
        };
        assert_eq!(intent_score(&s, t0()), 100);
        // A clock that runs behind the activity is treated as "just now".
        assert_eq!(intent_score(&s, t0() - Duration::hours(3)), 100);
    }

    #[test]
    fn alerts_only_on_crossing() {
        assert_eq!(alerts((60, 1), (75, 1)), vec![Alert::BecameHot]);
        assert_eq!(alerts((75, 1), (80, 1)), vec![]);
        assert_eq!(alerts((10, 2), (20, 3)), vec![Alert::ReturnVisit]);
        assert_eq!(alerts((10, 3), (20, 4)), vec![]);
    }
}
