//! Tasks: what a rep has to do and by when, the lists they fall in, and when the
//! workbench says one is coming due.

use super::{Due, due};
use crate::validate::{FieldErrors, public_id, required};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// How soon a task made from a reading is due: the moment of truth does not wait.
pub const READING_TASK_MINUTES: i64 = 30;

/// Something a rep has to do, by when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: String,
    /// Whose task it is.
    pub owner_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<String>,
    pub title: String,
    pub due_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_at: Option<DateTime<Utc>>,
    pub source: TaskSource,
}

/// Where a task came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", try_from = "TaskSourceWire")]
pub enum TaskSource {
    /// Written by hand.
    Manual,
    /// A follow-up's next time.
    FollowUp { entry_id: String },
    /// A moment of truth on the radar: who was reading what, which visit, how long.
    Reading {
        session_id: String,
        title: String,
        visit: u32,
        visible_ms: u64,
    },
    /// A customer due back to the pool who is reading now: follow up instead.
    PoolHold { due_at: DateTime<Utc> },
}

crate::wire::flat_tagged! {
    TaskSource via TaskSourceWire by "type" {
        fields {
            entry_id: String,
            session_id: String,
            title: String,
            visit: u32,
            visible_ms: u64,
            due_at: DateTime<Utc>,
        }
        "manual" => Manual,
        "follow_up" => FollowUp { entry_id },
        "reading" => Reading { session_id, title, visit, visible_ms },
        "pool_hold" => PoolHold { due_at },
    }
}

/// A task as a rep writes it by hand.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTask {
    /// Chosen by the client, so a retry stores it once.
    pub id: String,
    #[serde(default)]
    pub contact_id: Option<String>,
    pub title: String,
    pub due_at: DateTime<Utc>,
}

impl NewTask {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::default();
        e.check("id", public_id(&self.id))
            .check("title", required(&self.title, 200));
        e.into_result()
    }
}

/// A task from a radar line, as sent: the reading, and the task's id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskFromReading {
    pub id: String,
    pub session_id: String,
}

/// Which tasks a list shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskFilter {
    /// Open tasks due by the end of today, overdue ones included.
    #[default]
    Today,
    Overdue,
    /// Open tasks due after today.
    Upcoming,
    Done,
}

impl TaskFilter {
    pub const ALL: [TaskFilter; 4] = [
        TaskFilter::Today,
        TaskFilter::Overdue,
        TaskFilter::Upcoming,
        TaskFilter::Done,
    ];

    pub fn key(self) -> &'static str {
        match self {
            TaskFilter::Today => "today",
            TaskFilter::Overdue => "overdue",
            TaskFilter::Upcoming => "upcoming",
            TaskFilter::Done => "done",
        }
    }

    pub fn from_key(key: &str) -> Option<TaskFilter> {
        TaskFilter::ALL.into_iter().find(|f| f.key() == key)
    }

    /// The lists that hold every task [`Task::coming_due`] at `now` for a reader
    /// `offset_minutes` from UTC: today's (the overdue with it), and in the day's last
    /// [`TASK_ALERT_MINUTES`] the upcoming too, where a task due just after midnight
    /// is.
    pub fn coming_due_lists(now: DateTime<Utc>, offset_minutes: i32) -> &'static [TaskFilter] {
        let soon = now + Duration::minutes(TASK_ALERT_MINUTES);
        if due(soon, now, offset_minutes) == Due::Today {
            &[TaskFilter::Today]
        } else {
            &[TaskFilter::Today, TaskFilter::Upcoming]
        }
    }

    /// Whether `task` is in this list at `now` for a reader `offset_minutes` from UTC.
    pub fn holds(self, task: &Task, now: DateTime<Utc>, offset_minutes: i32) -> bool {
        let when = due(task.due_at, now, offset_minutes);
        match (self, task.done_at) {
            (TaskFilter::Done, done) => done.is_some(),
            (_, Some(_)) => false,
            (TaskFilter::Today, None) => when != Due::Later,
            (TaskFilter::Overdue, None) => when == Due::Overdue,
            (TaskFilter::Upcoming, None) => when == Due::Later,
        }
    }
}

/// A request for the task list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskQuery {
    #[serde(default)]
    pub filter: TaskFilter,
    /// The reader's offset from UTC in minutes, for what "today" is.
    pub tz_offset: Option<i32>,
}

/// How long before a task is due the workbench says so.
pub const TASK_ALERT_MINUTES: i64 = 10;
/// How long after a task fell due an opened workbench still says so (older ones are
/// in the overdue list).
pub const TASK_ALERT_LATE_MINUTES: i64 = 60;

impl Task {
    /// Whether this task is coming due at `now`: open, and due within the next
    /// [`TASK_ALERT_MINUTES`] or fallen due within the last [`TASK_ALERT_LATE_MINUTES`].
    pub fn coming_due(&self, now: DateTime<Utc>) -> bool {
        self.done_at.is_none()
            && self.due_at <= now + Duration::minutes(TASK_ALERT_MINUTES)
            && self.due_at > now - Duration::minutes(TASK_ALERT_LATE_MINUTES)
    }

    /// What an alert about this task is told once for: the task at this due time (a
    /// task moved to later is told of again).
    pub fn alert_key(&self) -> String {
        format!("{}@{}", self.id, self.due_at.timestamp())
    }
}

/// Marks a task done or open again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskDone {
    pub done: bool,
}

#[cfg(test)]
mod task_tests {
    use super::*;

    #[test]
    fn a_task_is_in_the_list_its_due_time_and_state_say() {
        let now = DateTime::UNIX_EPOCH + Duration::days(20_000) + Duration::hours(2);
        let task = |h: i64, done: bool| Task {
            id: "t".into(),
            owner_id: "u".into(),
            contact_id: None,
            title: "call".into(),
            due_at: now + Duration::hours(h),
            created_at: now,
            done_at: done.then_some(now),
            source: TaskSource::Manual,
        };
        let lists = |t: &Task| -> Vec<&str> {
            TaskFilter::ALL
                .into_iter()
                .filter(|f| f.holds(t, now, 0))
                .map(TaskFilter::key)
                .collect()
        };
        assert_eq!(lists(&task(-1, false)), ["today", "overdue"]);
        assert_eq!(lists(&task(3, false)), ["today"]);
        assert_eq!(lists(&task(30, false)), ["upcoming"]);
        assert_eq!(lists(&task(-1, true)), ["done"]);
        for f in TaskFilter::ALL {
            assert_eq!(TaskFilter::from_key(f.key()), Some(f));
        }
    }

    #[test]
    fn a_task_is_coming_due_shortly_before_and_for_an_hour_after() {
        let now = DateTime::UNIX_EPOCH + Duration::days(20_000);
        let task = |minutes: i64| Task {
            id: "t".into(),
            owner_id: "u".into(),
            contact_id: None,
            title: "call".into(),
            due_at: now + Duration::minutes(minutes),
            created_at: now,
            done_at: None,
            source: TaskSource::Manual,
        };
        let coming: Vec<i64> = [-61, -60, -59, 0, 10, 11, 30]
            .into_iter()
            .filter(|m| task(*m).coming_due(now))
            .collect();
        assert_eq!(coming, [-59, 0, 10]);
        let done = Task {
            done_at: Some(now),
            ..task(5)
        };
        assert!(!done.coming_due(now));
        assert_ne!(
            task(5).alert_key(),
            task(6).alert_key(),
            "moved: told again"
        );
    }

    /// Every task coming due is in a list the alerts read, at any minute of the day
    /// (midnight too) and in any time zone; away from midnight, today's alone.
    #[test]
    fn the_alerts_lists_hold_every_task_coming_due() {
        let midnight = DateTime::UNIX_EPOCH + Duration::days(20_000);
        for offset in [0, 480, -300, 345] {
            let shift = Duration::minutes(i64::from(offset));
            for minute in -90..90 {
                // `minute` from the reader's midnight.
                let now = midnight - shift + Duration::minutes(minute);
                let lists = TaskFilter::coming_due_lists(now, offset);
                for due in -70..20 {
                    let task = Task {
                        id: "t".into(),
                        owner_id: "u".into(),
                        contact_id: None,
                        title: "call".into(),
                        due_at: now + Duration::minutes(due),
                        created_at: now,
                        done_at: None,
                        source: TaskSource::Manual,
                    };
                    if task.coming_due(now) {
                        assert!(
                            lists.iter().any(|f| f.holds(&task, now, offset)),
                            "offset {offset}, {minute} min from midnight, due in {due}"
                        );
                    }
                }
                let last_minutes = (-TASK_ALERT_MINUTES..0).contains(&minute);
                assert_eq!(lists.len() == 2, last_minutes, "{offset} {minute}");
            }
        }
    }
}
