//! Working with customers: creating and editing them, their stage, a star for the
//! ones a rep is watching, follow-ups, and changes to many at once. Each change a
//! customer's story should show is kept as a [`LogEntry`].

use super::*;
use crate::crm::{
    BulkChange, CustomerDetails, Entry, LogEntry, MAX_BULK, NewCustomer, NewFollowUp, OwnerChange,
    tags, tidy_tags,
};
use crate::validate::FieldProblem;

impl Db {
    /// A live customer `caller` may change: one they cover (their own, their team's;
    /// an admin's all). Others they see are not theirs to change.
    pub(super) fn editable_contact(&self, caller: &Caller, id: &str) -> StoreResult<&Contact> {
        let c = self.visible_contact(caller, id)?;
        if c.merged.is_some() {
            return Err(StoreError::NotFound("contact"));
        }
        // Managers and admins hand out the customers of the pools they use; a rep
        // claims them first.
        let hands_out = c.owner_id.is_none()
            && caller.role == crate::people::Role::Manager
            && c.pool_id.as_deref().is_some_and(|p| caller.uses_pool(p));
        if !caller.may(Action::EditCustomers)
            || !(caller.covers(c.owner_id.as_deref()) || hands_out)
        {
            return Err(StoreError::Forbidden(Action::EditCustomers));
        }
        Ok(c)
    }

    /// An active colleague `caller` covers, to own customers.
    pub(super) fn owner_for(&self, caller: &Caller, owner_id: &str) -> Result<(), FieldProblem> {
        let active = self.users.iter().any(|u| u.id == owner_id && u.active);
        if active && caller.covers(Some(owner_id)) {
            Ok(())
        } else {
            Err(FieldProblem::Range)
        }
    }

    fn stage_exists(&self, stage: &str) -> bool {
        self.org.stages().iter().any(|s| s.id == stage)
    }

    /// A customer a rep adds by hand, owned by them (or a colleague a manager or
    /// admin names). A retry with the same id returns the customer made the first
    /// time. When their phone, WeChat ID or email reaches a customer the owner
    /// already has, it is pointed out (`probably_same_as`) with the merge.
    pub fn create_customer(
        &mut self,
        caller: &Caller,
        new: NewCustomer,
        now: DateTime<Utc>,
    ) -> StoreResult<Contact> {
        if !caller.may(Action::EditCustomers) {
            return Err(StoreError::Forbidden(Action::EditCustomers));
        }
        if let Some(done) = self.contacts.get(&new.id) {
            return match self.visible_contact(caller, &done.id) {
                Ok(c) if c.name == new.details.name.trim() => Ok(c.clone()),
                _ => {
                    let mut e = FieldErrors::default();
                    e.check("id", Err(FieldProblem::Taken));
                    Err(e.into())
                }
            };
        }
        let owner = new
            .owner_id
            .clone()
            .unwrap_or_else(|| caller.user_id.clone());
        let mut errors = match new.details.validate() {
            Ok(()) => FieldErrors::default(),
            Err(e) => e,
        };
        errors
            .check("id", crate::validate::public_id(&new.id))
            .check("owner_id", self.owner_for(caller, &owner))
            .check("tags", self.listed_tags(&tidy_tags(&new.details.tags), &[]));
        errors.into_result()?;
        let mut contact = self.new_customer(new.id, new.details.tidy(), owner, now);
        contact.probably_same_as = self.same_person_in_scope(&contact);
        self.contacts.insert(contact.id.clone(), contact.clone());
        self.note_contact(&contact.id);
        self.touch(Change::Contact(contact.id.clone()));
        Ok(contact)
    }

    /// A customer a rep adds (by hand or from a file): in the first stage, owned by
    /// `owner`.
    pub(super) fn new_customer(
        &self,
        id: String,
        d: CustomerDetails,
        owner: String,
        now: DateTime<Utc>,
    ) -> Contact {
        Contact {
            id,
            name: d.name,
            company: d.company,
            phone: d.phone,
            email: d.email,
            wechat_id: d.wechat_id,
            owner_id: Some(owner),
            created_at: now,
            stage: self.first_stage(),
            tags: d.tags,
            source: d.source,
            notes: d.notes,
            ..Contact::default()
        }
    }

    /// Changes a customer's details (stage, owner and star have their own ways).
    pub fn update_customer(
        &mut self,
        caller: &Caller,
        id: &str,
        details: CustomerDetails,
    ) -> StoreResult<Contact> {
        let had = self.editable_contact(caller, id)?.tags.clone();
        let mut errors = match details.validate() {
            Ok(()) => FieldErrors::default(),
            Err(e) => e,
        };
        let d = details.tidy();
        errors.check("tags", self.listed_tags(&d.tags, &had));
        errors.into_result()?;
        let mut c = self.contact(id)?.clone();
        c.name = d.name;
        c.company = d.company;
        c.phone = d.phone;
        c.email = d.email;
        c.wechat_id = d.wechat_id;
        c.source = d.source;
        c.notes = d.notes;
        c.tags = d.tags;
        if c.probably_same_as.is_none() {
            c.probably_same_as = self.same_person_in_scope(&c);
        }
        self.contacts.insert(c.id.clone(), c.clone());
        self.note_contact(&c.id);
        self.touch(Change::Contact(c.id.clone()));
        Ok(c)
    }

    /// Moves a customer to `stage`, logged as `log_id` when it really moves.
    pub fn set_stage(
        &mut self,
        caller: &Caller,
        id: &str,
        stage: &str,
        log_id: String,
        now: DateTime<Utc>,
    ) -> StoreResult<Contact> {
        self.editable_contact(caller, id)?;
        if !self.stage_exists(stage) {
            let mut e = FieldErrors::default();
            e.check("stage", Err(FieldProblem::Range));
            return Err(e.into());
        }
        self.log_id_free(&log_id, id, &caller.user_id)?;
        self.move_stage(&caller.user_id, id, stage, log_id, now);
        Ok(self.contact(id)?.clone())
    }

    fn move_stage(
        &mut self,
        author: &str,
        id: &str,
        stage: &str,
        log_id: String,
        now: DateTime<Utc>,
    ) {
        let Some(c) = self.contacts.get_mut(id) else {
            return;
        };
        let from = if c.stage.is_empty() {
            crate::crm::LEAD.to_owned()
        } else {
            c.stage.clone()
        };
        if from == stage {
            return;
        }
        c.stage = stage.to_owned();
        self.touch(Change::Contact(id.to_owned()));
        self.add_log(LogEntry {
            id: log_id,
            contact_id: id.to_owned(),
            author_id: author.to_owned(),
            at: now,
            entry: Entry::Stage {
                from,
                to: stage.to_owned(),
            },
        });
    }

    /// Whether `id`, chosen by a client, may name a new log entry about `contact_id`
    /// by `author`: unused, or used by the same customer and author (a retry). Any
    /// other entry stays as it is.
    pub(super) fn log_id_free(&self, id: &str, contact_id: &str, author: &str) -> StoreResult<()> {
        match self.log.get(id) {
            Some(e) if e.contact_id != contact_id || e.author_id != author => {
                let mut errors = FieldErrors::default();
                errors.check("log_id", Err(FieldProblem::Taken));
                Err(errors.into())
            }
            _ => Ok(()),
        }
    }

    /// Whether `id` already names `author`'s entry on `contact_id`: a retry of a
    /// change that was made.
    pub(super) fn logged_by(&self, id: &str, contact_id: &str, author: &str) -> bool {
        self.log
            .get(id)
            .is_some_and(|e| e.contact_id == contact_id && e.author_id == author)
    }

    pub(super) fn add_log(&mut self, entry: LogEntry) {
        self.touch(Change::Log(entry.id.clone()));
        self.keep_log(entry);
    }

    /// Keeps `entry`, and when its customer was last followed up in the lookups.
    /// An entry changes never through the operations (a retry finds its entry as
    /// it was), but one put from elsewhere could lower a latest follow-up.
    pub(super) fn keep_log(&mut self, entry: LogEntry) {
        let changed = (self.log.get(&entry.id))
            .filter(|old| **old != entry)
            .map(|old| [old.contact_id.clone(), entry.contact_id.clone()]);
        if let (None, Some(ix)) = (&changed, self.index.get_mut()) {
            ix.add_log(&entry);
        }
        self.log.insert(entry.id.clone(), entry);
        for contact in changed.into_iter().flatten() {
            self.refollow(&contact);
        }
    }

    /// When `contact` was last followed up, found again in the log: after an entry
    /// changed, which may lower it.
    fn refollow(&mut self, contact: &str) {
        let Db { log, index, .. } = self;
        let Some(ix) = index.get_mut() else {
            return;
        };
        ix.followed_up.remove(contact);
        for e in log.values().filter(|e| e.contact_id == contact) {
            ix.add_log(e);
        }
    }

    /// Stars (or unstars) a customer for the caller alone: anyone who sees a
    /// customer may watch them.
    pub fn set_star(&mut self, caller: &Caller, id: &str, starred: bool) -> StoreResult<Contact> {
        self.visible_contact(caller, id)?;
        let Some(c) = self.contacts.get_mut(id) else {
            return Err(StoreError::NotFound("contact"));
        };
        let has = c.starred_by.contains(&caller.user_id);
        if has != starred {
            if starred {
                c.starred_by.push(caller.user_id.clone());
                c.starred_by.sort();
            } else {
                c.starred_by.retain(|u| u != &caller.user_id);
            }
            self.touch(Change::Contact(id.to_owned()));
        }
        Ok(self.contact(id)?.clone())
    }

    /// Writes down a follow-up: it becomes the customer's latest touch, its next time
    /// their next follow-up, and a stage it names their stage. Anyone who sees the
    /// customer may write one (support logs calls too); moving the stage needs a
    /// customer the caller may change. A retry with the same id returns the first.
    pub fn log_follow_up(
        &mut self,
        caller: &Caller,
        contact_id: &str,
        new: NewFollowUp,
        now: DateTime<Utc>,
    ) -> StoreResult<(LogEntry, Contact)> {
        self.visible_contact(caller, contact_id)?;
        if let Some(done) = self.log.get(&new.id) {
            if done.contact_id == contact_id && done.author_id == caller.user_id {
                return Ok((done.clone(), self.contact(contact_id)?.clone()));
            }
            let mut e = FieldErrors::default();
            e.check("id", Err(FieldProblem::Taken));
            return Err(e.into());
        }
        new.validate(now)?;
        if let Some(stage) = &new.stage {
            self.editable_contact(caller, contact_id)?;
            if !self.stage_exists(stage) {
                let mut e = FieldErrors::default();
                e.check("stage", Err(FieldProblem::Range));
                return Err(e.into());
            }
        }
        let entry = LogEntry {
            id: new.id.clone(),
            contact_id: contact_id.to_owned(),
            author_id: caller.user_id.clone(),
            at: now,
            entry: Entry::FollowUp {
                method: new.method,
                text: new.text.trim().to_owned(),
                next_at: new.next_at,
            },
        };
        self.add_log(entry.clone());
        if let Some(c) = self.contacts.get_mut(contact_id) {
            c.next_follow_up_at = new.next_at;
            c.last_seen_at = c.last_seen_at.max(Some(now));
        }
        self.touch(Change::Contact(contact_id.to_owned()));
        if let Some(stage) = &new.stage {
            self.move_stage(
                &caller.user_id,
                contact_id,
                stage,
                format!("{}-stage", new.id),
                now,
            );
        }
        self.tasks_after_follow_up(caller, contact_id, &new.id, new.next_at, now);
        Ok((entry, self.contact(contact_id)?.clone()))
    }

    /// One change to many customers, all or none: each must be one the caller may
    /// change. Stage moves and changes of owner are logged as `{log_prefix}-{n}`.
    pub fn bulk_update(
        &mut self,
        caller: &Caller,
        ids: &[String],
        change: &BulkChange,
        log_prefix: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Contact>> {
        if !caller.may(Action::EditCustomers) {
            return Err(StoreError::Forbidden(Action::EditCustomers));
        }
        let mut errors = FieldErrors::default();
        errors.check(
            "ids",
            if ids.is_empty() || ids.len() > MAX_BULK {
                Err(FieldProblem::Range)
            } else {
                Ok(())
            },
        );
        match change {
            BulkChange::Assign { owner_id } => {
                errors.check("owner_id", self.owner_for(caller, owner_id));
            }
            BulkChange::AddTag { tag } => {
                errors.check(
                    "tag",
                    crate::validate::required(tag, crate::crm::MAX_TAG_CHARS)
                        .and_then(|()| self.listed_tags(&[tag.trim().to_owned()], &[])),
                );
            }
            BulkChange::RemoveTag { tag } => {
                errors.check(
                    "tag",
                    crate::validate::required(tag, crate::crm::MAX_TAG_CHARS),
                );
            }
            BulkChange::Stage { stage } => {
                if !self.stage_exists(stage) {
                    errors.check("stage", Err(FieldProblem::Range));
                }
            }
        }
        errors.into_result()?;
        for (n, id) in ids.iter().enumerate() {
            self.editable_contact(caller, id)?;
            if matches!(change, BulkChange::Stage { .. } | BulkChange::Assign { .. }) {
                self.log_id_free(&format!("{log_prefix}-{n}"), id, &caller.user_id)?;
            }
        }
        for (n, id) in ids.iter().enumerate() {
            match change {
                BulkChange::Stage { stage } => {
                    self.move_stage(&caller.user_id, id, stage, format!("{log_prefix}-{n}"), now);
                }
                BulkChange::Assign { owner_id } => {
                    let from = self.contacts.get(id).and_then(|c| c.owner_id.clone());
                    if from.as_ref() != Some(owner_id) {
                        let how = if from.is_some() {
                            OwnerChange::Transferred
                        } else {
                            OwnerChange::Assigned
                        };
                        self.change_owner(
                            id,
                            Some(owner_id.clone()),
                            None,
                            super::pool::OwnerLog {
                                id: format!("{log_prefix}-{n}"),
                                author: caller.user_id.clone(),
                                how,
                                reason: String::new(),
                            },
                            now,
                        );
                    }
                }
                other => {
                    let Some(c) = self.contacts.get_mut(id) else {
                        continue;
                    };
                    match other {
                        BulkChange::Assign { .. } => {}
                        BulkChange::AddTag { tag } => {
                            let mut with = c.tags.clone();
                            with.push(tag.clone());
                            let with = tidy_tags(&with);
                            if tags(&with).is_ok() {
                                c.tags = with;
                            }
                        }
                        BulkChange::RemoveTag { tag } => c.tags.retain(|t| t != tag.trim()),
                        BulkChange::Stage { .. } => {}
                    }
                    self.touch(Change::Contact(id.clone()));
                }
            }
        }
        ids.iter()
            .map(|id| self.contact(id).cloned())
            .collect::<StoreResult<Vec<_>>>()
    }

    /// What was written down and changed about a contact, newest first.
    pub(super) fn log_of(&self, contact_id: &str) -> Vec<&LogEntry> {
        let mut out: Vec<&LogEntry> = self
            .log
            .values()
            .filter(|e| e.contact_id == contact_id)
            .collect();
        out.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| a.id.cmp(&b.id)));
        out
    }
}
