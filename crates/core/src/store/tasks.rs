//! Tasks: written by hand, born from a follow-up's next time, or from a moment of
//! truth on the radar in one tap; logging a follow-up with the customer closes the
//! rep's open tasks for them.

use super::*;
use crate::crm::{NewTask, READING_TASK_MINUTES, Task, TaskFromReading, TaskQuery, TaskSource};
use crate::validate::FieldProblem;

/// Most tasks one list answers.
const TASK_LIST: usize = 500;

impl Db {
    /// A task `caller` may see and change: their own, or one of their team's.
    fn own_task(&self, caller: &Caller, id: &str) -> StoreResult<&Task> {
        self.tasks
            .get(id)
            .filter(|t| t.owner_id == caller.user_id || caller.covers(Some(&t.owner_id)))
            .ok_or(StoreError::NotFound("task"))
    }

    /// The task already stored under `id` for `caller` (a retry), or `Taken`.
    fn retried_task(&self, caller: &Caller, id: &str) -> Option<StoreResult<Task>> {
        let done = self.tasks.get(id)?;
        Some(if done.owner_id == caller.user_id {
            Ok(done.clone())
        } else {
            let mut e = FieldErrors::default();
            e.check("id", Err(FieldProblem::Taken));
            Err(e.into())
        })
    }

    fn add_task(&mut self, task: Task) -> Task {
        self.touch(Change::Task(task.id.clone()));
        self.tasks.insert(task.id.clone(), task.clone());
        task
    }

    /// A task written by hand, the caller's own, about a customer they see (or none).
    pub fn create_task(
        &mut self,
        caller: &Caller,
        new: NewTask,
        now: DateTime<Utc>,
    ) -> StoreResult<Task> {
        if let Some(done) = self.retried_task(caller, &new.id) {
            return done;
        }
        new.validate()?;
        if let Some(c) = &new.contact_id {
            self.visible_contact(caller, c)?;
        }
        Ok(self.add_task(Task {
            id: new.id,
            owner_id: caller.user_id.clone(),
            contact_id: new.contact_id,
            title: new.title.trim().to_owned(),
            due_at: new.due_at,
            created_at: now,
            done_at: None,
            source: TaskSource::Manual,
        }))
    }

    /// One tap on a radar line: a task to follow up with that reader soon, the
    /// reading (what, which visit, how long) as its context. The reading must be on a
    /// link the caller's radar covers.
    pub fn task_from_reading(
        &mut self,
        caller: &Caller,
        from: TaskFromReading,
        now: DateTime<Utc>,
    ) -> StoreResult<Task> {
        if !caller.may(Action::SeeRadar) {
            return Err(StoreError::Forbidden(Action::SeeRadar));
        }
        if let Some(done) = self.retried_task(caller, &from.id) {
            return done;
        }
        let mut e = FieldErrors::default();
        e.check("id", crate::validate::public_id(&from.id));
        e.into_result()?;
        let item = self
            .radar_item(&from.session_id)
            .filter(|i| caller.covers(Some(&i.rep_id)))
            .ok_or(StoreError::NotFound("reading"))?;
        Ok(self.add_task(Task {
            id: from.id,
            owner_id: caller.user_id.clone(),
            contact_id: item.contact_id.clone(),
            title: item.reader.clone().unwrap_or_default(),
            due_at: now + chrono::Duration::minutes(READING_TASK_MINUTES),
            created_at: now,
            done_at: None,
            source: TaskSource::Reading {
                session_id: item.session_id,
                title: item.title,
                visit: item.visit,
                visible_ms: item.visible_ms,
            },
        }))
    }

    /// After a follow-up `entry_id` with `contact_id`: the caller's open tasks for them
    /// are done, and the follow-up's next time (if any) is their next task.
    pub(super) fn tasks_after_follow_up(
        &mut self,
        caller: &Caller,
        contact_id: &str,
        entry_id: &str,
        next_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) {
        let open: Vec<String> = self
            .tasks
            .values()
            .filter(|t| {
                t.owner_id == caller.user_id
                    && t.done_at.is_none()
                    && t.contact_id.as_deref() == Some(contact_id)
            })
            .map(|t| t.id.clone())
            .collect();
        for id in open {
            if let Some(t) = self.tasks.get_mut(&id) {
                t.done_at = Some(now);
                self.changes.push(Change::Task(id));
            }
        }
        if let Some(due_at) = next_at {
            let title = self
                .contacts
                .get(contact_id)
                .map(|c| c.name.clone())
                .unwrap_or_default();
            self.add_task(Task {
                id: format!("{entry_id}-task"),
                owner_id: caller.user_id.clone(),
                contact_id: Some(contact_id.to_owned()),
                title,
                due_at,
                created_at: now,
                done_at: None,
                source: TaskSource::FollowUp {
                    entry_id: entry_id.to_owned(),
                },
            });
        }
    }

    /// Marks a task done, or open again.
    pub fn set_task_done(
        &mut self,
        caller: &Caller,
        id: &str,
        done: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<Task> {
        self.own_task(caller, id)?;
        let Some(t) = self.tasks.get_mut(id) else {
            return Err(StoreError::NotFound("task"));
        };
        if t.done_at.is_some() != done {
            t.done_at = done.then_some(now);
            self.touch(Change::Task(id.to_owned()));
        }
        Ok(self.own_task(caller, id)?.clone())
    }

    /// The caller's own tasks in `query`'s list at `now`: open ones soonest due first,
    /// done ones most recently done first.
    pub fn tasks_for(&self, caller: &Caller, query: &TaskQuery, now: DateTime<Utc>) -> Vec<Task> {
        let offset = query.tz_offset.unwrap_or(0);
        let mut out: Vec<&Task> = self
            .tasks
            .values()
            .filter(|t| t.owner_id == caller.user_id && query.filter.holds(t, now, offset))
            .collect();
        out.sort_by(|a, b| match (a.done_at, b.done_at) {
            (Some(x), Some(y)) => y.cmp(&x).then_with(|| a.id.cmp(&b.id)),
            _ => a.due_at.cmp(&b.due_at).then_with(|| a.id.cmp(&b.id)),
        });
        out.into_iter().take(TASK_LIST).cloned().collect()
    }
}
