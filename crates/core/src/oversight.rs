//! The manager's view of a team (团队看板): each seller's load — open deals, overdue
//! tasks, hot leads still waiting for a follow-up, customers about to go back to the
//! pool — and the lists behind those figures. A rep sees the same view of their own.

use crate::crm::Task;
use crate::pool::Verdict;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// A hot lead whose reading has not been answered by a follow-up within this many
/// hours is late: the moment of truth has passed.
pub const ANSWER_WITHIN_HOURS: i64 = 24;

/// Longest the lists behind the figures get (the figures count everything).
pub const LISTED: usize = 100;

/// Which team the board shows: the caller's whole scope, or one department of it
/// and those below.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamQuery {
    #[serde(default)]
    pub department: Option<String>,
}

/// One seller's load.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepLoad {
    pub rep_id: String,
    pub name: String,
    pub open_deals: u32,
    /// Open deals' amounts weighted by their probability, in fen.
    pub weighted_fen: i64,
    pub overdue_tasks: u32,
    /// Hot leads whose latest reading nobody has followed up yet.
    pub hot_waiting: u32,
    /// Of those, the ones waiting longer than [`ANSWER_WITHIN_HOURS`].
    pub hot_late: u32,
    /// Customers the pool's rules will take back soon.
    pub due_back: u32,
    /// Customers due back but held because they are reading now: follow up.
    pub held: u32,
}

/// A hot lead waiting for their owner to follow up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingLead {
    pub contact_id: String,
    pub name: String,
    pub owner_id: String,
    pub intent: u8,
    /// Their first reading since the last follow-up (or ever).
    pub reading_since: DateTime<Utc>,
    pub late: bool,
}

/// An open task past its time, with whose it is and about whom.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdueTask {
    pub task: Task,
    #[serde(default)]
    pub contact_name: String,
}

/// A customer about to go back to the pool.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoingBack {
    pub contact_id: String,
    pub name: String,
    pub owner_id: String,
    pub verdict: Verdict,
}

/// The board: one row per seller in scope (sorted by name), and the lists behind
/// the figures, the most urgent first, each at most [`LISTED`] long.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamBoard {
    pub reps: Vec<RepLoad>,
    pub waiting: Vec<WaitingLead>,
    pub overdue: Vec<OverdueTask>,
    pub going_back: Vec<GoingBack>,
}

/// When a customer's unanswered reading began: their first counted view after the
/// last follow-up (or ever), if they have read since. `views` and `follow_ups` in
/// any order.
pub fn reading_since(
    views: impl IntoIterator<Item = DateTime<Utc>>,
    follow_ups: impl IntoIterator<Item = DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    let last_answer = follow_ups.into_iter().max();
    views
        .into_iter()
        .filter(|v| last_answer.is_none_or(|a| *v > a))
        .min()
}

/// Whether a reading that began at `since` has waited too long for an answer.
pub fn is_late(since: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - since > Duration::hours(ANSWER_WITHIN_HOURS)
}

/// What one customer or task adds to its seller's row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Load {
    /// A hot lead waiting for a follow-up, late or not.
    Waiting {
        late: bool,
    },
    Overdue,
    /// A customer due back to the pool, held (reading now) or not.
    GoingBack {
        held: bool,
    },
}

impl RepLoad {
    pub fn count(&mut self, load: Load) {
        match load {
            Load::Waiting { late } => {
                self.hot_waiting += 1;
                self.hot_late += u32::from(late);
            }
            Load::Overdue => self.overdue_tasks += 1,
            Load::GoingBack { held } => {
                self.due_back += 1;
                self.held += u32::from(held);
            }
        }
    }
}

/// The [`LISTED`] first of `items` in `order` (the most urgent), sorted; the rest
/// are dropped unsorted, so a list of thousands costs one pass, not a sort.
pub fn most_urgent<T>(mut items: Vec<T>, order: impl Fn(&T, &T) -> Ordering) -> Vec<T> {
    if items.len() > LISTED {
        items.select_nth_unstable_by(LISTED - 1, &order);
        items.truncate(LISTED);
    }
    items.sort_by(order);
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(hours: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_795_000_000, 0).unwrap() + Duration::hours(hours)
    }

    #[test]
    fn a_reading_waits_from_the_first_view_after_the_last_follow_up() {
        // Read at 0 and 5, followed up at 6, read again at 10 and 12.
        assert_eq!(
            reading_since([t(12), t(0), t(10), t(5)], [t(6)]),
            Some(t(10))
        );
        // Never followed up: from the first view.
        assert_eq!(reading_since([t(5), t(0)], []), Some(t(0)));
        // Answered after the last view: nothing waits.
        assert_eq!(reading_since([t(0), t(5)], [t(2), t(7)]), None);
        assert_eq!(reading_since([], [t(2)]), None);
        // A view at the very moment of the follow-up was answered by it.
        assert_eq!(reading_since([t(6)], [t(6)]), None);
    }

    #[test]
    fn a_reading_is_late_after_the_answer_window() {
        assert!(!is_late(t(0), t(ANSWER_WITHIN_HOURS)));
        assert!(is_late(t(0), t(ANSWER_WITHIN_HOURS) + Duration::minutes(1)));
    }

    #[test]
    fn a_row_counts_what_each_customer_and_task_adds() {
        let mut row = RepLoad::default();
        for load in [
            Load::Waiting { late: true },
            Load::Waiting { late: false },
            Load::Overdue,
            Load::GoingBack { held: false },
            Load::GoingBack { held: true },
            Load::GoingBack { held: false },
        ] {
            row.count(load);
        }
        assert_eq!(
            (
                row.hot_waiting,
                row.hot_late,
                row.overdue_tasks,
                row.due_back,
                row.held
            ),
            (2, 1, 1, 3, 1)
        );
    }

    #[test]
    fn a_list_keeps_the_most_urgent_in_order() {
        let by_hours = |a: &(i64, &str), b: &(i64, &str)| a.cmp(b);
        assert_eq!(
            most_urgent(vec![(3, "c"), (1, "b"), (1, "a")], by_hours),
            [(1, "a"), (1, "b"), (3, "c")]
        );
        // Far more than are listed, most urgent last: the first LISTED, in order.
        let many: Vec<(i64, &str)> = (0..(3 * LISTED as i64)).rev().map(|h| (h, "k")).collect();
        let kept = most_urgent(many, by_hours);
        assert_eq!(kept.len(), LISTED);
        assert!(kept.iter().enumerate().all(|(i, (h, _))| *h == i as i64));
    }
}
