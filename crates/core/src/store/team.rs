//! Staff and departments: who a caller is, what they may be told, and an admin's
//! changes to the team.

use super::{Change, Db, StoreError, StoreResult};
use crate::api::Event;
use crate::people::{Card, Role, User};
use crate::scope::{Action, Caller};
use crate::team::{Deactivation, Department, NewStaff, StaffUpdate};
use crate::validate::{self, FieldErrors, FieldProblem};
use chrono::{DateTime, Utc};

impl Db {
    /// The active sellers (reps and managers) of the organization, or of
    /// `department` and those below it; an unknown department is not found.
    pub(super) fn sellers(&self, department: Option<&str>) -> StoreResult<Vec<&User>> {
        let departments = match department {
            Some(d) if self.org.department(d).is_none() => {
                return Err(StoreError::NotFound("department"));
            }
            Some(d) => Some(self.org.subtree(d)),
            None => None,
        };
        Ok(self
            .users
            .iter()
            .filter(|u| u.active && matches!(u.role, Role::Rep | Role::Manager))
            .filter(|u| {
                departments
                    .as_ref()
                    .is_none_or(|ds| u.department_id.as_ref().is_some_and(|d| ds.contains(d)))
            })
            .collect())
    }

    /// The active staff member `user_id` as a caller; a deactivated or unknown one
    /// is not found (their sessions stop working at once).
    pub fn caller(&self, user_id: &str) -> StoreResult<Caller> {
        let user = self
            .users
            .iter()
            .find(|u| u.id == user_id && u.active)
            .ok_or(StoreError::NotFound("user"))?;
        Ok(Caller::new(user, &self.org, &self.users))
    }

    pub fn user(&self, id: &str) -> StoreResult<&User> {
        self.users
            .iter()
            .find(|u| u.id == id)
            .ok_or(StoreError::NotFound("user"))
    }

    /// Whether `caller` may be told of `event`: the same rules as reading the
    /// records it carries.
    pub fn may_see_event(&self, caller: &Caller, event: &Event) -> bool {
        match event {
            Event::Radar { item } => {
                caller.may(Action::SeeRadar) && caller.covers(Some(&item.rep_id))
            }
            Event::Message { conversation, .. } | Event::Conversation { conversation } => {
                self.sees_conversation(caller, conversation)
            }
            Event::Contact { contact } => self.sees_contact(caller, contact),
            Event::Deal { deal } => caller.covers(Some(&deal.owner_id)),
            Event::Task { task } => {
                task.owner_id == caller.user_id || caller.covers(Some(&task.owner_id))
            }
            Event::Customers { ids } => ids.iter().any(|id| {
                self.contacts
                    .get(id)
                    .is_some_and(|c| self.sees_contact(caller, c))
            }),
            Event::CardSaved { .. } | Event::Staff { .. } | Event::Reset => true,
        }
    }

    fn admin_only(caller: &Caller) -> StoreResult<()> {
        if caller.may(Action::ManageStaff) {
            Ok(())
        } else {
            Err(StoreError::Forbidden(Action::ManageStaff))
        }
    }

    fn check_department_ref(&self, field: &str, id: Option<&str>, e: &mut FieldErrors) {
        let known = id.is_none_or(|d| self.org.department(d).is_some());
        e.check(
            field,
            if known {
                Ok(())
            } else {
                Err(FieldProblem::Range)
            },
        );
    }

    /// An admin adds a staff member (`id` chosen by the backend). Sellers get a card
    /// of their own, ready to edit.
    pub fn create_staff(
        &mut self,
        caller: &Caller,
        new: NewStaff,
        id: String,
        now: DateTime<Utc>,
    ) -> StoreResult<User> {
        Self::admin_only(caller)?;
        let email = new.email.trim().to_lowercase();
        let mut e = FieldErrors::default();
        e.check("name", validate::required(&new.name, 40))
            .check("email", validate::required(&email, 120))
            .check("email", validate::optional(&email, validate::email))
            .check(
                "role",
                if new.role.is_some() {
                    Ok(())
                } else {
                    Err(FieldProblem::Required)
                },
            );
        if self.users.iter().any(|u| u.email.to_lowercase() == email) {
            e.check("email", Err(FieldProblem::Taken));
        }
        self.check_department_ref("department_id", new.department_id.as_deref(), &mut e);
        e.into_result()?;
        let role = new.role.unwrap_or(Role::Rep);
        let mut user = User {
            id: id.clone(),
            name: new.name.trim().to_owned(),
            role,
            email,
            card_id: None,
            department_id: new.department_id,
            active: true,
            joined_at: Some(now),
        };
        if role.sells() {
            self.give_card(&mut user, now);
        }
        self.users.push(user.clone());
        self.touch(Change::User(id));
        Ok(user)
    }

    /// A blank card for `user`, keyed by their id (ids are unique, so cards are too).
    fn give_card(&mut self, user: &mut User, now: DateTime<Utc>) {
        let card_id = format!("card-{}", user.id);
        if !self.cards.contains_key(&card_id) {
            self.cards.insert(
                card_id.clone(),
                Card {
                    id: card_id.clone(),
                    owner_id: user.id.clone(),
                    name: user.name.clone(),
                    email: user.email.clone(),
                    company: self.org.name.clone(),
                    updated_at: Some(now),
                    ..Card::default()
                },
            );
            self.touch(Change::Card(card_id.clone()));
        }
        user.card_id = Some(card_id);
    }

    /// An admin changes someone's name, role or department.
    pub fn update_staff(
        &mut self,
        caller: &Caller,
        id: &str,
        update: StaffUpdate,
        now: DateTime<Utc>,
    ) -> StoreResult<User> {
        Self::admin_only(caller)?;
        let mut user = self.user(id)?.clone();
        let mut e = FieldErrors::default();
        if let Some(name) = &update.name {
            e.check("name", validate::required(name, 40));
        }
        if let Some(d) = &update.department_id {
            self.check_department_ref("department_id", d.as_deref(), &mut e);
        }
        // The organization never loses its last admin by a role change.
        if user.role == Role::Admin
            && update.role.is_some_and(|r| r != Role::Admin)
            && self.active_admins() <= 1
        {
            e.check("role", Err(FieldProblem::InUse));
        }
        e.into_result()?;
        if let Some(name) = update.name {
            user.name = name.trim().to_owned();
        }
        if let Some(role) = update.role {
            user.role = role;
        }
        if let Some(d) = update.department_id {
            user.department_id = d;
        }
        if user.role.sells() && user.card_id.is_none() {
            self.give_card(&mut user, now);
        }
        self.replace_user(user.clone());
        Ok(user)
    }

    fn active_admins(&self) -> usize {
        self.users
            .iter()
            .filter(|u| u.active && u.role == Role::Admin)
            .count()
    }

    fn replace_user(&mut self, user: User) {
        let id = user.id.clone();
        if let Some(slot) = self.users.iter_mut().find(|u| u.id == id) {
            *slot = user;
        }
        self.touch(Change::User(id));
    }

    /// An admin deactivates someone: they can no longer sign in (the backend ends
    /// their sessions), their customers go to `transfer_to` or wait unowned for the
    /// pool, and conversations assigned to them are unassigned.
    pub fn deactivate_staff(
        &mut self,
        caller: &Caller,
        id: &str,
        how: Deactivation,
    ) -> StoreResult<User> {
        Self::admin_only(caller)?;
        let mut user = self.user(id)?.clone();
        let mut e = FieldErrors::default();
        if id == caller.user_id {
            e.check("id", Err(FieldProblem::Range));
        }
        if let Some(to) = &how.transfer_to {
            let ok = to != id && self.users.iter().any(|u| &u.id == to && u.active);
            e.check(
                "transfer_to",
                if ok { Ok(()) } else { Err(FieldProblem::Range) },
            );
        }
        e.into_result()?;
        user.active = false;
        let owned: Vec<String> = self
            .contacts
            .values()
            .filter(|c| c.owner_id.as_deref() == Some(id))
            .map(|c| c.id.clone())
            .collect();
        for contact in owned {
            if let Some(c) = self.contacts.get_mut(&contact) {
                c.owner_id.clone_from(&how.transfer_to);
            }
            self.touch(Change::Contact(contact));
        }
        let assigned: Vec<String> = self
            .conversations
            .values()
            .filter(|v| v.assignee_id.as_deref() == Some(id))
            .map(|v| v.id.clone())
            .collect();
        for v in assigned {
            if let Some(conversation) = self.conversations.get_mut(&v) {
                conversation.assignee_id = None;
            }
            self.touch(Change::Conversation(v));
        }
        self.replace_user(user.clone());
        Ok(user)
    }

    /// An admin lets a deactivated staff member back in (their customers stay where
    /// they went).
    pub fn reactivate_staff(&mut self, caller: &Caller, id: &str) -> StoreResult<User> {
        Self::admin_only(caller)?;
        let mut user = self.user(id)?.clone();
        user.active = true;
        self.replace_user(user.clone());
        Ok(user)
    }

    /// An admin adds or changes a department (rename, move under another).
    pub fn save_department(
        &mut self,
        caller: &Caller,
        department: Department,
    ) -> StoreResult<Department> {
        Self::admin_only(caller)?;
        let department = Department {
            name: department.name.trim().to_owned(),
            ..department
        };
        self.org.check_department(&department)?;
        match self
            .org
            .departments
            .iter_mut()
            .find(|d| d.id == department.id)
        {
            Some(slot) => *slot = department.clone(),
            None => self.org.departments.push(department.clone()),
        }
        self.touch(Change::Org);
        Ok(department)
    }

    /// An admin removes an empty department: one with nobody in it and nothing below.
    pub fn delete_department(&mut self, caller: &Caller, id: &str) -> StoreResult<()> {
        Self::admin_only(caller)?;
        if self.org.department(id).is_none() {
            return Err(StoreError::NotFound("department"));
        }
        let staffed = self
            .users
            .iter()
            .any(|u| u.department_id.as_deref() == Some(id));
        let parent = self
            .org
            .departments
            .iter()
            .any(|d| d.parent_id.as_deref() == Some(id));
        if staffed || parent {
            let mut e = FieldErrors::default();
            e.check("id", Err(FieldProblem::InUse));
            return Err(e.into());
        }
        self.org.departments.retain(|d| d.id != id);
        self.touch(Change::Org);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ConversationQuery, StatusFilter};
    use crate::demo;

    fn now() -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_795_000_000, 0).unwrap_or_default()
    }

    fn who(db: &Db, id: &str) -> Caller {
        db.caller(id).expect("a demo staff member")
    }

    #[test]
    fn every_list_and_count_keeps_to_the_callers_scope() {
        let db = demo::seed(now());
        let owners = |c: &Caller| -> std::collections::BTreeSet<Option<String>> {
            db.contacts_for(c).into_iter().map(|k| k.owner_id).collect()
        };
        assert!(
            owners(&who(&db, "u-wanglei"))
                .iter()
                .all(|o| o.as_deref() == Some("u-wanglei"))
        );
        let team = owners(&who(&db, "u-chengang"));
        assert!(
            team.contains(&Some("u-lina".into())),
            "Shanghai is below East China"
        );
        assert!(!team.contains(&Some("u-emily".into())));
        assert_eq!(db.contacts_for(&who(&db, "u-admin")).len(), demo::CONTACTS);

        let all = ConversationQuery {
            status: StatusFilter::All,
            limit: Some(500),
            ..ConversationQuery::default()
        };
        let count = |id: &str| db.list_conversations(&who(&db, id), &all, now()).page.total;
        assert_eq!(count("u-zhaomin"), db.conversations.len());
        assert!(count("u-wanglei") < count("u-chengang"));
        assert!(count("u-chengang") < count("u-admin"));
        let rep = who(&db, "u-wanglei");
        for v in db.list_conversations(&rep, &all, now()).page.items {
            assert!(db.visible_contact(&rep, &v.contact_id).is_ok(), "{}", v.id);
        }
        assert_eq!(
            db.radar(&who(&db, "u-zhaomin"), 10),
            Err(StoreError::Forbidden(Action::SeeRadar))
        );
        let emily_conversation = db
            .conversations
            .values()
            .find(|v| db.contacts[&v.contact_id].owner_id.as_deref() == Some("u-emily"))
            .map(|v| v.id.clone())
            .unwrap_or_default();
        assert_eq!(
            db.messages_page(&rep, &emily_conversation, None, None),
            Err(StoreError::NotFound("conversation")),
            "outside the scope is not found"
        );
    }

    #[test]
    fn a_timeline_holds_only_what_the_caller_may_see() {
        use crate::api::{Activity, NewShare};
        use crate::share::ShareTarget;
        use crate::tracking::{Snapshot, ViewTotals};
        let mut db = demo::seed(now());
        // One of Emily's customers, whose conversation is assigned to 王磊.
        let (contact, assigned) = db
            .conversations
            .values()
            .find(|v| db.contacts[&v.contact_id].owner_id.as_deref() == Some("u-emily"))
            .map(|v| (v.contact_id.clone(), v.id.clone()))
            .unwrap_or_default();
        if let Some(v) = db.conversations.get_mut(&assigned) {
            v.assignee_id = Some("u-wanglei".into());
        }
        let emily = who(&db, "u-emily");
        let share = NewShare {
            target: ShareTarget::Content("c-pricing".into()),
            contact_id: Some(contact.clone()),
            channel: None,
            lead_capture: Default::default(),
        };
        db.create_share(&emily, share, "emily-link".into(), now())
            .expect("shared");
        let opened = db
            .open_share(
                "emily-link",
                "emily-reader".into(),
                "s-emily".into(),
                None,
                now(),
            )
            .expect("opened");
        let snapshot = Snapshot {
            session_id: opened.session_id,
            share_token: "emily-link".into(),
            seq: 1,
            totals: ViewTotals {
                visible_ms: 9_000,
                ..ViewTotals::default()
            },
            reader_token: Some(opened.child_token),
        };
        db.record_snapshot(&snapshot, now()).expect("tracked");
        let kinds = |id: &str| -> Vec<String> {
            db.timeline(&who(&db, id), &contact)
                .expect("visible")
                .into_iter()
                .map(|a| match a {
                    Activity::View { .. } => "view".to_owned(),
                    Activity::Forwarded { .. } => "forward".to_owned(),
                    Activity::Conversation { conversation, .. } => conversation.id,
                    Activity::Logged { entry, .. } => entry.id,
                })
                .collect()
        };
        assert!(kinds("u-emily").contains(&"view".to_owned()));
        assert!(
            kinds("u-zhaomin").contains(&"view".to_owned()),
            "support sees the story"
        );
        // 王磊 sees the customer through the conversation assigned to him, and only it.
        assert_eq!(kinds("u-wanglei"), std::slice::from_ref(&assigned));
    }

    #[test]
    fn events_follow_the_records_they_carry() {
        let db = demo::seed(now());
        let emily_contact = db
            .contacts
            .values()
            .find(|c| c.owner_id.as_deref() == Some("u-emily"))
            .cloned()
            .expect("a customer of Emily's");
        let event = Event::Contact {
            contact: emily_contact,
        };
        assert!(db.may_see_event(&who(&db, "u-emily"), &event));
        assert!(db.may_see_event(&who(&db, "u-sunyue"), &event));
        assert!(!db.may_see_event(&who(&db, "u-wanglei"), &event));
        assert!(!db.may_see_event(&who(&db, "u-chengang"), &event));
        assert!(db.may_see_event(&who(&db, "u-wanglei"), &Event::Reset));
    }

    #[test]
    fn admins_manage_staff_and_deactivation_hands_customers_over() {
        let mut db = demo::seed(now());
        let admin = who(&db, "u-admin");
        let rep = who(&db, "u-wanglei");
        let new = NewStaff {
            name: "新人".into(),
            email: "New@Lianjie.example".into(),
            role: Some(Role::Rep),
            department_id: Some("d-east".into()),
        };
        assert_eq!(
            db.create_staff(&rep, new.clone(), "u-x".into(), now()),
            Err(StoreError::Forbidden(Action::ManageStaff))
        );
        let user = db
            .create_staff(&admin, new.clone(), "u-new".into(), now())
            .expect("created");
        assert_eq!(user.email, "new@lianjie.example");
        assert!(
            db.cards
                .contains_key(user.card_id.as_deref().unwrap_or_default())
        );
        let twice = db.create_staff(&admin, new, "u-y".into(), now());
        assert!(
            matches!(twice, Err(StoreError::Invalid(e)) if e.get("email") == Some(&FieldProblem::Taken))
        );
        assert!(
            who(&db, "u-chengang").covers(Some("u-new")),
            "joins the East China team"
        );

        let assigned: Vec<String> = db
            .conversations
            .values()
            .filter(|v| v.assignee_id.as_deref() == Some("u-wanglei"))
            .map(|v| v.id.clone())
            .collect();
        assert!(!assigned.is_empty());
        let bad = Deactivation {
            transfer_to: Some("u-wanglei".into()),
        };
        assert!(db.deactivate_staff(&admin, "u-wanglei", bad).is_err());
        let how = Deactivation {
            transfer_to: Some("u-lina".into()),
        };
        let off = db
            .deactivate_staff(&admin, "u-wanglei", how)
            .expect("deactivated");
        assert!(!off.active);
        assert_eq!(db.caller("u-wanglei"), Err(StoreError::NotFound("user")));
        assert!(
            db.contacts
                .values()
                .all(|c| c.owner_id.as_deref() != Some("u-wanglei"))
        );
        assert!(
            assigned
                .iter()
                .all(|v| db.conversations[v].assignee_id.is_none())
        );
        assert!(
            db.deactivate_staff(&admin, "u-admin", Deactivation::default())
                .is_err(),
            "not oneself"
        );
        db.reactivate_staff(&admin, "u-wanglei").expect("back");
        assert!(db.caller("u-wanglei").is_ok());
    }

    #[test]
    fn the_last_admin_stays_and_departments_in_use_stay() {
        let mut db = demo::seed(now());
        let admin = who(&db, "u-admin");
        let demote = StaffUpdate {
            role: Some(Role::Rep),
            ..StaffUpdate::default()
        };
        assert!(db.update_staff(&admin, "u-admin", demote, now()).is_err());
        let promote = StaffUpdate {
            role: Some(Role::Manager),
            department_id: Some(Some("d-south".into())),
            ..StaffUpdate::default()
        };
        let lina = db
            .update_staff(&admin, "u-lina", promote, now())
            .expect("promoted");
        assert_eq!(lina.role, Role::Manager);
        assert!(who(&db, "u-lina").covers(Some("u-emily")));
        assert!(db.delete_department(&admin, "d-east").is_err(), "staffed");
        let west = Department {
            id: "d-west".into(),
            name: "西部 West".into(),
            parent_id: Some("d-hq".into()),
        };
        db.save_department(&admin, west).expect("added");
        db.delete_department(&admin, "d-west")
            .expect("empty, removed");
        assert_eq!(
            db.delete_department(&admin, "d-west"),
            Err(StoreError::NotFound("department"))
        );
    }
}
