//! The public pool (公海): customers nobody owns, in pools an admin sets up for
//! departments, with the rules for claiming them and for sending neglected customers
//! back. The rules are pure functions over a customer's facts and a clock, so both
//! backends (and the tests, with a simulated clock) apply the same ones.

use crate::validate::{FieldErrors, FieldProblem, public_id, required};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Most pools an organization keeps.
pub const MAX_POOLS: usize = 20;
pub const MAX_POOL_NAME_CHARS: usize = 40;
/// Longest a reason for returning a customer may be.
pub const MAX_REASON_CHARS: usize = 200;

/// One public pool: its name, the departments that use it (each with the
/// departments below it; none: everyone), and its rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pool {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub department_ids: Vec<String>,
    pub rules: PoolRules,
}

/// How customers leave and return to a pool. A day count of 0 turns that rule off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolRules {
    /// Customers a rep may claim from the pool per calendar day (UTC).
    pub claims_per_day: u32,
    /// Most customers a rep may own in all; claiming stops there.
    pub max_customers: u32,
    /// Days a customer's previous owner waits before claiming them back.
    pub reclaim_after_days: u32,
    /// An owned customer goes back after this many days without a follow-up.
    pub recycle_without_follow_up_days: u32,
    /// … or after this many days without a won deal.
    pub recycle_without_won_deal_days: u32,
    /// The owner is warned this many days before a customer goes back.
    pub warn_days: u32,
    /// Customers each rep may lock against going back.
    pub locks_per_rep: u32,
    /// A customer at or above this intent is engaged: not sent back silently.
    pub engaged_intent: u8,
    /// … as is one who read within this many hours.
    pub engaged_within_hours: u32,
}

impl Default for PoolRules {
    fn default() -> Self {
        PoolRules {
            claims_per_day: 10,
            max_customers: 200,
            reclaim_after_days: 7,
            recycle_without_follow_up_days: 30,
            recycle_without_won_deal_days: 90,
            warn_days: 3,
            locks_per_rep: 5,
            engaged_intent: crate::intent::HOT_THRESHOLD,
            engaged_within_hours: 72,
        }
    }
}

/// Largest a day count may be (ten years).
const MAX_DAYS: u32 = 3_650;

impl Pool {
    /// Field errors under `pools.{i}.…`: the id, the name, the departments (which
    /// must exist) and every rule within its range.
    pub fn check(&self, i: usize, departments: &[&str], errors: &mut FieldErrors) {
        let at = |field: &str| format!("pools.{i}.{field}");
        errors.check(&at("id"), public_id(&self.id));
        errors.check(&at("name"), required(&self.name, MAX_POOL_NAME_CHARS));
        if self
            .department_ids
            .iter()
            .any(|d| !departments.contains(&d.as_str()))
        {
            errors.check(&at("department_ids"), Err(FieldProblem::Range));
        }
        let r = &self.rules;
        let within = |n: u32, lo: u32, hi: u32| {
            if (lo..=hi).contains(&n) {
                Ok(())
            } else {
                Err(FieldProblem::Range)
            }
        };
        for (field, check) in [
            ("claims_per_day", within(r.claims_per_day, 1, 1_000)),
            ("max_customers", within(r.max_customers, 1, 100_000)),
            (
                "reclaim_after_days",
                within(r.reclaim_after_days, 0, MAX_DAYS),
            ),
            (
                "recycle_without_follow_up_days",
                within(r.recycle_without_follow_up_days, 0, MAX_DAYS),
            ),
            (
                "recycle_without_won_deal_days",
                within(r.recycle_without_won_deal_days, 0, MAX_DAYS),
            ),
            ("warn_days", within(r.warn_days, 0, 90)),
            ("locks_per_rep", within(r.locks_per_rep, 0, 1_000)),
            (
                "engaged_intent",
                within(u32::from(r.engaged_intent), 1, 100),
            ),
            (
                "engaged_within_hours",
                within(r.engaged_within_hours, 0, 24 * 90),
            ),
        ] {
            errors.check(&at(&format!("rules.{field}")), check);
        }
    }
}

/// An organization's pools, checked together: at most [`MAX_POOLS`], ids unique.
pub fn check_pools(pools: &[Pool], departments: &[&str]) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::default();
    if pools.len() > MAX_POOLS {
        errors.check("pools", Err(FieldProblem::Range));
    }
    for (i, pool) in pools.iter().enumerate() {
        pool.check(i, departments, &mut errors);
        if pools[..i].iter().any(|p| p.id == pool.id) {
            errors.check(&format!("pools.{i}.id"), Err(FieldProblem::Taken));
        }
    }
    errors.into_result()
}

/// A reason given for returning a customer to the pool (required, not too long).
pub fn check_reason(reason: &str) -> Result<(), FieldProblem> {
    required(reason, MAX_REASON_CHARS)
}

/// Why a claim was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "reason",
    rename_all = "snake_case",
    try_from = "ClaimRefusedWire"
)]
pub enum ClaimRefused {
    /// The rep claimed `limit` customers today already.
    DailyLimit { limit: u32 },
    /// The rep owns `limit` customers already.
    TooMany { limit: u32 },
    /// The rep gave this customer back; they may claim them again from `until`.
    TooSoon { until: DateTime<Utc> },
}

crate::wire::flat_tagged! {
    ClaimRefused via ClaimRefusedWire by "reason" {
        fields { limit: u32, until: DateTime<Utc> }
        "daily_limit" => DailyLimit { limit },
        "too_many" => TooMany { limit },
        "too_soon" => TooSoon { until },
    }
}

/// What a claim is decided on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClaimFacts {
    /// Customers the rep claimed today (UTC).
    pub claimed_today: u32,
    /// Customers the rep owns now.
    pub owned: u32,
    /// When this rep last lost this customer to the pool, if they ever did.
    pub released_by_them_at: Option<DateTime<Utc>>,
}

/// Whether a rep may claim a customer from a pool with `rules` at `now`.
pub fn check_claim(
    rules: &PoolRules,
    facts: &ClaimFacts,
    now: DateTime<Utc>,
) -> Result<(), ClaimRefused> {
    if facts.claimed_today >= rules.claims_per_day {
        return Err(ClaimRefused::DailyLimit {
            limit: rules.claims_per_day,
        });
    }
    if facts.owned >= rules.max_customers {
        return Err(ClaimRefused::TooMany {
            limit: rules.max_customers,
        });
    }
    if let Some(at) = facts.released_by_them_at {
        let until = at + Duration::days(i64::from(rules.reclaim_after_days));
        if now < until {
            return Err(ClaimRefused::TooSoon { until });
        }
    }
    Ok(())
}

/// What the recycle rules look at for one owned customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecycleFacts {
    /// When the owner got them.
    pub owned_since: DateTime<Utc>,
    pub last_follow_up_at: Option<DateTime<Utc>>,
    pub last_won_deal_at: Option<DateTime<Utc>>,
    pub locked: bool,
    pub intent: u8,
    /// When they last read or wrote.
    pub last_seen_at: Option<DateTime<Utc>>,
}

/// What the rules say about an owned customer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case", try_from = "VerdictWire")]
pub enum Verdict {
    /// Nothing is due (or the customer is locked).
    Keep,
    /// They go back at `due` unless followed up: the owner is warned.
    Warn { due: DateTime<Utc> },
    /// Due and not engaged: back to the pool.
    Recycle { due: DateTime<Utc> },
    /// Due, but reading now or hot: kept, and the owner (and their manager) told
    /// to follow up instead.
    Engaged { due: DateTime<Utc> },
}

crate::wire::flat_tagged! {
    Verdict via VerdictWire by "verdict" {
        fields { due: DateTime<Utc> }
        "keep" => Keep,
        "warn" => Warn { due },
        "recycle" => Recycle { due },
        "engaged" => Engaged { due },
    }
}

impl Verdict {
    pub fn due(&self) -> Option<DateTime<Utc>> {
        match *self {
            Verdict::Keep => None,
            Verdict::Warn { due } | Verdict::Recycle { due } | Verdict::Engaged { due } => {
                Some(due)
            }
        }
    }
}

/// When a customer goes back under `rules`: the earlier of "N days since the
/// later of getting them and the last follow-up" and "M days since the later of
/// getting them and the last won deal"; `None` when both rules are off.
pub fn due_back(rules: &PoolRules, facts: &RecycleFacts) -> Option<DateTime<Utc>> {
    let after = |days: u32, last: Option<DateTime<Utc>>| {
        (days > 0).then(|| {
            last.map_or(facts.owned_since, |at| at.max(facts.owned_since))
                + Duration::days(i64::from(days))
        })
    };
    let follow_up = after(
        rules.recycle_without_follow_up_days,
        facts.last_follow_up_at,
    );
    let deal = after(rules.recycle_without_won_deal_days, facts.last_won_deal_at);
    match (follow_up, deal) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Whether a customer is engaged under `rules` at `now`: hot, or seen reading
/// within the window.
pub fn engaged(rules: &PoolRules, facts: &RecycleFacts, now: DateTime<Utc>) -> bool {
    facts.intent >= rules.engaged_intent
        || facts
            .last_seen_at
            .is_some_and(|at| now - at <= Duration::hours(i64::from(rules.engaged_within_hours)))
}

/// The rules' verdict on an owned customer at `now`.
pub fn verdict(rules: &PoolRules, facts: &RecycleFacts, now: DateTime<Utc>) -> Verdict {
    let Some(due) = due_back(rules, facts) else {
        return Verdict::Keep;
    };
    if facts.locked {
        Verdict::Keep
    } else if now >= due {
        if engaged(rules, facts, now) {
            Verdict::Engaged { due }
        } else {
            Verdict::Recycle { due }
        }
    } else if now >= due - Duration::days(i64::from(rules.warn_days)) {
        Verdict::Warn { due }
    } else {
        Verdict::Keep
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(day: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_795_000_000, 0).unwrap() + Duration::days(day)
    }

    fn rules() -> PoolRules {
        PoolRules {
            recycle_without_follow_up_days: 30,
            recycle_without_won_deal_days: 90,
            warn_days: 3,
            ..PoolRules::default()
        }
    }

    fn facts() -> RecycleFacts {
        RecycleFacts {
            owned_since: t(0),
            last_follow_up_at: None,
            last_won_deal_at: None,
            locked: false,
            intent: 10,
            last_seen_at: None,
        }
    }

    #[test]
    fn a_neglected_customer_is_warned_then_recycled_on_the_day() {
        let (r, f) = (rules(), facts());
        assert_eq!(verdict(&r, &f, t(26)), Verdict::Keep);
        assert_eq!(verdict(&r, &f, t(27)), Verdict::Warn { due: t(30) });
        assert_eq!(
            verdict(&r, &f, t(30) - Duration::seconds(1)),
            Verdict::Warn { due: t(30) }
        );
        assert_eq!(verdict(&r, &f, t(30)), Verdict::Recycle { due: t(30) });
    }

    #[test]
    fn a_follow_up_or_a_won_deal_restarts_its_clock_but_never_before_the_owner_got_them() {
        let r = rules();
        let followed = RecycleFacts {
            last_follow_up_at: Some(t(20)),
            ..facts()
        };
        assert_eq!(due_back(&r, &followed), Some(t(50)));
        // A follow-up by an earlier owner does not count for the new one.
        let earlier = RecycleFacts {
            last_follow_up_at: Some(t(-10)),
            ..facts()
        };
        assert_eq!(due_back(&r, &earlier), Some(t(30)));
        // Followed up often but no deal won: the deal rule still brings them back.
        let busy = RecycleFacts {
            last_follow_up_at: Some(t(85)),
            ..facts()
        };
        assert_eq!(due_back(&r, &busy), Some(t(90)));
        let won = RecycleFacts {
            last_won_deal_at: Some(t(80)),
            ..busy
        };
        assert_eq!(due_back(&r, &won), Some(t(115)));
    }

    #[test]
    fn rules_turned_off_and_locked_customers_never_go_back() {
        let off = PoolRules {
            recycle_without_follow_up_days: 0,
            recycle_without_won_deal_days: 0,
            ..rules()
        };
        assert_eq!(due_back(&off, &facts()), None);
        assert_eq!(verdict(&off, &facts(), t(1_000)), Verdict::Keep);
        let only_deals = PoolRules {
            recycle_without_follow_up_days: 0,
            ..rules()
        };
        assert_eq!(due_back(&only_deals, &facts()), Some(t(90)));
        let locked = RecycleFacts {
            locked: true,
            ..facts()
        };
        assert_eq!(verdict(&rules(), &locked, t(1_000)), Verdict::Keep);
    }

    #[test]
    fn an_engaged_customer_is_held_not_recycled() {
        let r = rules();
        let hot = RecycleFacts {
            intent: r.engaged_intent,
            ..facts()
        };
        assert_eq!(verdict(&r, &hot, t(31)), Verdict::Engaged { due: t(30) });
        let cooling = RecycleFacts {
            intent: r.engaged_intent - 1,
            ..facts()
        };
        assert_eq!(
            verdict(&r, &cooling, t(31)),
            Verdict::Recycle { due: t(30) }
        );
        // Read within the window (72 hours): engaged; a minute outside it: not.
        let window = Duration::hours(i64::from(r.engaged_within_hours));
        let reading = RecycleFacts {
            last_seen_at: Some(t(31) - window),
            ..facts()
        };
        assert_eq!(
            verdict(&r, &reading, t(31)),
            Verdict::Engaged { due: t(30) }
        );
        let gone = RecycleFacts {
            last_seen_at: Some(t(31) - window - Duration::minutes(1)),
            ..facts()
        };
        assert_eq!(verdict(&r, &gone, t(31)), Verdict::Recycle { due: t(30) });
        // Before it is due, engagement changes nothing.
        assert_eq!(verdict(&r, &hot, t(27)), Verdict::Warn { due: t(30) });
    }

    #[test]
    fn claims_stop_at_the_daily_limit_the_most_owned_and_until_the_wait_is_over() {
        let r = rules();
        let ok = ClaimFacts {
            claimed_today: r.claims_per_day - 1,
            owned: r.max_customers - 1,
            released_by_them_at: None,
        };
        assert_eq!(check_claim(&r, &ok, t(0)), Ok(()));
        let today = ClaimFacts {
            claimed_today: r.claims_per_day,
            ..ok
        };
        assert_eq!(
            check_claim(&r, &today, t(0)),
            Err(ClaimRefused::DailyLimit {
                limit: r.claims_per_day
            })
        );
        let full = ClaimFacts {
            owned: r.max_customers,
            ..ok
        };
        assert_eq!(
            check_claim(&r, &full, t(0)),
            Err(ClaimRefused::TooMany {
                limit: r.max_customers
            })
        );
        let mine_before = ClaimFacts {
            released_by_them_at: Some(t(0)),
            ..ok
        };
        assert_eq!(
            check_claim(&r, &mine_before, t(6)),
            Err(ClaimRefused::TooSoon { until: t(7) })
        );
        assert_eq!(check_claim(&r, &mine_before, t(7)), Ok(()));
    }

    #[test]
    fn pools_are_checked_field_by_field() {
        let pool = |id: &str| Pool {
            id: id.into(),
            name: "华东公海".into(),
            department_ids: vec!["east".into()],
            rules: PoolRules::default(),
        };
        assert_eq!(check_pools(&[pool("p1"), pool("p2")], &["east"]), Ok(()));
        let errs = check_pools(&[pool("p1"), pool("p1")], &["east"]).unwrap_err();
        assert!(errs.get("pools.1.id").is_some(), "{errs:?}");
        let errs = check_pools(&[pool("p1")], &["south"]).unwrap_err();
        assert!(errs.get("pools.0.department_ids").is_some(), "{errs:?}");
        let mut bad = pool("p1");
        bad.rules.claims_per_day = 0;
        bad.rules.engaged_intent = 0;
        bad.name = " ".into();
        let errs = check_pools(&[bad], &["east"]).unwrap_err();
        for field in [
            "pools.0.rules.claims_per_day",
            "pools.0.rules.engaged_intent",
            "pools.0.name",
        ] {
            assert!(errs.get(field).is_some(), "{field}: {errs:?}");
        }
        let many: Vec<Pool> = (0..=MAX_POOLS).map(|i| pool(&format!("p{i}"))).collect();
        assert!(
            check_pools(&many, &["east"])
                .unwrap_err()
                .get("pools")
                .is_some()
        );
        assert_eq!(check_reason("跟进不上"), Ok(()));
        assert!(check_reason("").is_err());
        assert!(check_reason(&"长".repeat(MAX_REASON_CHARS + 1)).is_err());
    }
}
