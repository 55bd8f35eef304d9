//! The manager's view of a team (团队看板): each seller's load — open deals, overdue
//! tasks, hot leads still waiting for a follow-up, customers about to go back to the
//! pool — and the lists behind those figures. A rep sees the same view of their own.

use crate::crm::Task;
use crate::pool::Verdict;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

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

impl TeamBoard {
    /// Counts the lists into the rows (rows for sellers not listed stay as given),
    /// then sorts and shortens the lists.
    pub fn finish(&mut self) {
        for row in &mut self.reps {
            let mine = |owner: &str| owner == row.rep_id;
            row.hot_waiting = self.waiting.iter().filter(|w| mine(&w.owner_id)).count() as u32;
            row.hot_late = self
                .waiting
                .iter()
                .filter(|w| mine(&w.owner_id) && w.late)
                .count() as u32;
            row.overdue_tasks = self
                .overdue
                .iter()
                .filter(|t| mine(&t.task.owner_id))
                .count() as u32;
            row.due_back = self.going_back.iter().filter(|g| mine(&g.owner_id)).count() as u32;
            row.held = self
                .going_back
                .iter()
                .filter(|g| mine(&g.owner_id) && matches!(g.verdict, Verdict::Engaged { .. }))
                .count() as u32;
        }
        self.reps
            .sort_by(|a, b| (&a.name, &a.rep_id).cmp(&(&b.name, &b.rep_id)));
        // Longest waiting first; then the oldest overdue task; then the soonest due back.
        self.waiting.sort_by(|a, b| {
            (a.reading_since, &a.contact_id).cmp(&(b.reading_since, &b.contact_id))
        });
        self.overdue
            .sort_by(|a, b| (a.task.due_at, &a.task.id).cmp(&(b.task.due_at, &b.task.id)));
        self.going_back.sort_by(|a, b| {
            (a.verdict.due(), &a.contact_id).cmp(&(b.verdict.due(), &b.contact_id))
        });
        self.waiting.truncate(LISTED);
        self.overdue.truncate(LISTED);
        self.going_back.truncate(LISTED);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crm::TaskSource;

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
    fn the_rows_count_the_lists_and_the_lists_put_the_most_urgent_first() {
        let lead = |id: &str, owner: &str, since, late| WaitingLead {
            contact_id: id.into(),
            name: id.into(),
            owner_id: owner.into(),
            intent: 80,
            reading_since: since,
            late,
        };
        let task = |id: &str, owner: &str, due_at| OverdueTask {
            task: Task {
                id: id.into(),
                owner_id: owner.into(),
                contact_id: None,
                title: id.into(),
                due_at,
                created_at: t(-100),
                done_at: None,
                source: TaskSource::Manual,
            },
            contact_name: String::new(),
        };
        let back = |id: &str, owner: &str, verdict| GoingBack {
            contact_id: id.into(),
            name: id.into(),
            owner_id: owner.into(),
            verdict,
        };
        let row = |id: &str, name: &str| RepLoad {
            rep_id: id.into(),
            name: name.into(),
            ..RepLoad::default()
        };
        let mut board = TeamBoard {
            reps: vec![row("u-b", "Bo"), row("u-a", "An")],
            waiting: vec![
                lead("k2", "u-a", t(-2), false),
                lead("k1", "u-a", t(-30), true),
                lead("k3", "u-b", t(-1), false),
            ],
            overdue: vec![task("t2", "u-b", t(-1)), task("t1", "u-b", t(-9))],
            going_back: vec![
                back("k5", "u-a", Verdict::Warn { due: t(48) }),
                back("k4", "u-a", Verdict::Engaged { due: t(-1) }),
            ],
        };
        board.finish();
        let a = &board.reps[0];
        assert_eq!(
            (
                a.name.as_str(),
                a.hot_waiting,
                a.hot_late,
                a.overdue_tasks,
                a.due_back,
                a.held
            ),
            ("An", 2, 1, 0, 2, 1)
        );
        let b = &board.reps[1];
        assert_eq!(
            (b.hot_waiting, b.hot_late, b.overdue_tasks, b.due_back),
            (1, 0, 2, 0)
        );
        let ids = |v: Vec<&str>| v.join(",");
        assert_eq!(
            ids(board
                .waiting
                .iter()
                .map(|w| w.contact_id.as_str())
                .collect()),
            "k1,k2,k3"
        );
        assert_eq!(
            ids(board.overdue.iter().map(|o| o.task.id.as_str()).collect()),
            "t1,t2"
        );
        assert_eq!(
            ids(board
                .going_back
                .iter()
                .map(|g| g.contact_id.as_str())
                .collect()),
            "k4,k5"
        );
    }
}
