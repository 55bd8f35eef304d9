//! Who may see and change what (DESIGN.md, "Who may see and do what"), as pure rules
//! over a [`Caller`]. Both backends build a caller for every staff request and the
//! store applies these rules to every read, list, count, aggregate and event. Each
//! rule is written over owner ids, so a SQL store can turn it into a `WHERE` clause
//! with [`Caller::owners`].

use crate::people::{Role, User};
use crate::team::Organization;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A signed-in staff member, with the staff whose records they cover.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caller {
    pub user_id: String,
    pub role: Role,
    /// Staff whose customers, shares and radar this caller covers: themselves (rep),
    /// their department and below (manager), nobody (agent). Unused for admins.
    team: BTreeSet<String>,
    /// The public pools this caller uses (an admin: all; an agent: none).
    #[serde(default)]
    pools: BTreeSet<String>,
}

/// Whose records a caller covers, as a query filter: `owner_id IN (...)`, all, or none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Owners<'a> {
    All,
    Some(&'a BTreeSet<String>),
}

/// Why an action was refused: the role may not take it at all. (A record outside
/// the caller's scope is "not found" instead, so its existence does not leak.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    ShareLinks,
    SeeRadar,
    EditCard,
    EditContent,
    MergeContacts,
    /// Adding customers and changing their details, stage and owner.
    EditCustomers,
    PostInbound,
    ManageStaff,
    ManageChannelKeys,
    ResetDemo,
    /// Keeping the organization's list of customer tags.
    CurateTags,
    /// Setting the stages customers move through.
    ConfigureStages,
}

impl Caller {
    /// `user` as a caller in `org`, whose staff are `staff`.
    pub fn new(user: &User, org: &Organization, staff: &[User]) -> Caller {
        let team = match user.role {
            Role::Rep => BTreeSet::from([user.id.clone()]),
            Role::Manager => {
                let departments = user
                    .department_id
                    .as_deref()
                    .map(|d| org.subtree(d))
                    .unwrap_or_default();
                let mut team: BTreeSet<String> = staff
                    .iter()
                    .filter(|u| {
                        u.department_id
                            .as_ref()
                            .is_some_and(|d| departments.contains(d))
                    })
                    .map(|u| u.id.clone())
                    .collect();
                team.insert(user.id.clone());
                team
            }
            Role::Agent | Role::Admin => BTreeSet::new(),
        };
        let pools = match user.role {
            Role::Admin => org.pools.iter().map(|p| p.id.clone()).collect(),
            Role::Agent => BTreeSet::new(),
            Role::Rep | Role::Manager => org
                .pools_of(user.department_id.as_deref())
                .map(|p| p.id.clone())
                .collect(),
        };
        Caller {
            user_id: user.id.clone(),
            role: user.role,
            team,
            pools,
        }
    }

    /// Whether this caller uses public pool `id`: sees its customers, and may
    /// claim them (a rep) or hand them out (a manager or admin).
    pub fn uses_pool(&self, id: &str) -> bool {
        self.pools.contains(id)
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Whose customers, shares, radar and analytics this caller covers.
    pub fn owners(&self) -> Owners<'_> {
        if self.is_admin() {
            Owners::All
        } else {
            Owners::Some(&self.team)
        }
    }

    /// Whether a record owned by `owner` (a customer's owner, a share's rep, a card's
    /// or content's owner) is within this caller's team. Unowned: admins only.
    pub fn covers(&self, owner: Option<&str>) -> bool {
        match self.owners() {
            Owners::All => true,
            Owners::Some(team) => owner.is_some_and(|o| team.contains(o)),
        }
    }

    /// Whether the role may take `action` at all (the record checks come after).
    pub fn may(&self, action: Action) -> bool {
        match action {
            Action::ShareLinks | Action::SeeRadar | Action::EditCard | Action::EditContent => {
                self.role != Role::Agent
            }
            // Merging: admins, and the owner of both (checked with the records).
            Action::MergeContacts => self.role != Role::Agent,
            // Support answers customers; sellers and admins keep the records.
            Action::EditCustomers => self.role != Role::Agent,
            // Managers keep their teams' vocabulary; the process is the admin's.
            Action::CurateTags => matches!(self.role, Role::Manager | Role::Admin),
            Action::ConfigureStages => self.is_admin(),
            // Posting as a customer is an adapter's job; only admins test it by hand.
            Action::PostInbound
            | Action::ManageStaff
            | Action::ManageChannelKeys
            | Action::ResetDemo => self.is_admin(),
        }
    }

    /// A customer (contact) owned by `owner`, with or without conversations. Agents
    /// see the customers of the conversations they may see (all of them).
    pub fn sees_contact(&self, owner: Option<&str>, has_conversation: bool) -> bool {
        self.covers(owner) || (self.role == Role::Agent && has_conversation)
    }

    /// Agents and admins: every conversation, whoever the customer's owner.
    pub fn sees_whole_inbox(&self) -> bool {
        matches!(self.role, Role::Agent | Role::Admin)
    }

    /// A conversation with a customer owned by `owner`, assigned to `assignee`: agents
    /// and admins see the whole inbox; reps and managers the conversations of their
    /// customers and those assigned to their team.
    pub fn sees_conversation(&self, owner: Option<&str>, assignee: Option<&str>) -> bool {
        self.sees_whole_inbox()
            || self.covers(owner)
            || (assignee.is_some() && self.covers(assignee))
    }

    /// A card is changed only by its owner, or an admin.
    pub fn edits_card(&self, owner: &str) -> bool {
        self.is_admin() || (self.may(Action::EditCard) && owner == self.user_id)
    }

    /// Content is changed by its author, a manager over the author, or an admin.
    pub fn edits_content(&self, author: &str) -> bool {
        self.may(Action::EditContent) && (author == self.user_id || self.covers(Some(author)))
    }

    /// Two customers are merged by an admin or by the owner of both.
    pub fn merges(&self, a_owner: Option<&str>, b_owner: Option<&str>) -> bool {
        self.is_admin()
            || (self.may(Action::MergeContacts)
                && a_owner == Some(self.user_id.as_str())
                && b_owner == Some(self.user_id.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::team::Department;

    fn user(id: &str, role: Role, dept: Option<&str>) -> User {
        User {
            id: id.into(),
            name: id.into(),
            role,
            email: format!("{id}@x.example"),
            card_id: None,
            department_id: dept.map(Into::into),
            active: true,
            joined_at: None,
        }
    }

    fn world() -> (Organization, Vec<User>) {
        let d = |id: &str, parent: Option<&str>| Department {
            id: id.into(),
            name: id.into(),
            parent_id: parent.map(Into::into),
        };
        let org = Organization {
            id: "o".into(),
            name: "O".into(),
            departments: vec![
                d("hq", None),
                d("east", Some("hq")),
                d("sh", Some("east")),
                d("south", Some("hq")),
            ],
            ..Default::default()
        };
        let staff = vec![
            user("rep-e", Role::Rep, Some("east")),
            user("rep-sh", Role::Rep, Some("sh")),
            user("rep-s", Role::Rep, Some("south")),
            user("mgr-e", Role::Manager, Some("east")),
            user("mgr-s", Role::Manager, Some("south")),
            user("agent", Role::Agent, Some("hq")),
            user("admin", Role::Admin, None),
        ];
        (org, staff)
    }

    fn caller(id: &str) -> Caller {
        let (org, staff) = world();
        let me = staff.iter().find(|u| u.id == id).unwrap();
        Caller::new(me, &org, &staff)
    }

    #[test]
    fn reps_cover_themselves_managers_their_department_and_below_admins_all() {
        let rep = caller("rep-e");
        assert!(rep.covers(Some("rep-e")));
        assert!(!rep.covers(Some("rep-sh")));
        assert!(!rep.covers(None), "the pool is not a rep's own");
        let mgr = caller("mgr-e");
        for covered in ["mgr-e", "rep-e", "rep-sh"] {
            assert!(mgr.covers(Some(covered)), "{covered}");
        }
        assert!(!mgr.covers(Some("rep-s")));
        assert!(!mgr.covers(Some("mgr-s")));
        assert!(!caller("mgr-s").covers(Some("rep-e")));
        let admin = caller("admin");
        assert!(admin.covers(Some("rep-s")) && admin.covers(None));
        assert_eq!(admin.owners(), Owners::All);
        let agent = caller("agent");
        assert!(!agent.covers(Some("rep-e")));
        assert_eq!(agent.owners(), Owners::Some(&BTreeSet::new()));
    }

    #[test]
    fn a_manager_without_a_department_covers_only_themselves() {
        let (org, mut staff) = world();
        staff[3].department_id = None;
        let mgr = Caller::new(&staff[3], &org, &staff);
        assert!(mgr.covers(Some("mgr-e")));
        assert!(!mgr.covers(Some("rep-e")));
    }

    #[test]
    fn contacts_are_seen_by_their_owners_team_and_by_agents_through_conversations() {
        assert!(caller("rep-e").sees_contact(Some("rep-e"), false));
        assert!(!caller("rep-e").sees_contact(Some("rep-s"), true));
        assert!(caller("agent").sees_contact(Some("rep-s"), true));
        assert!(!caller("agent").sees_contact(Some("rep-s"), false));
        assert!(caller("mgr-s").sees_contact(Some("rep-s"), false));
        assert!(caller("admin").sees_contact(None, false));
    }

    #[test]
    fn the_inbox_is_whole_for_agents_and_admins_and_own_for_reps() {
        assert!(caller("agent").sees_conversation(Some("rep-s"), None));
        assert!(caller("admin").sees_conversation(None, None));
        let rep = caller("rep-e");
        assert!(rep.sees_conversation(Some("rep-e"), None));
        assert!(!rep.sees_conversation(Some("rep-s"), None));
        assert!(!rep.sees_conversation(None, None));
        assert!(
            rep.sees_conversation(None, Some("rep-e")),
            "assigned to them"
        );
        assert!(caller("mgr-e").sees_conversation(None, Some("rep-sh")));
        assert!(!caller("mgr-e").sees_conversation(None, Some("rep-s")));
    }

    #[test]
    fn cards_content_and_merges_follow_ownership() {
        assert!(caller("rep-e").edits_card("rep-e"));
        assert!(!caller("rep-e").edits_card("rep-s"));
        assert!(!caller("mgr-e").edits_card("rep-e"), "only the owner");
        assert!(caller("admin").edits_card("rep-e"));
        assert!(!caller("agent").edits_card("agent"));

        assert!(caller("rep-e").edits_content("rep-e"));
        assert!(!caller("rep-e").edits_content("rep-sh"));
        assert!(caller("mgr-e").edits_content("rep-sh"));
        assert!(!caller("mgr-e").edits_content("rep-s"));
        assert!(caller("admin").edits_content("anyone"));
        assert!(!caller("agent").edits_content("agent"));

        assert!(caller("rep-e").merges(Some("rep-e"), Some("rep-e")));
        assert!(!caller("rep-e").merges(Some("rep-e"), None));
        assert!(!caller("mgr-e").merges(Some("rep-e"), Some("rep-e")));
        assert!(caller("admin").merges(None, Some("rep-s")));
        assert!(!caller("agent").merges(None, None));
    }

    #[test]
    fn actions_by_role() {
        let table = [
            ("rep-e", [true, true, false, false, false, false]),
            ("mgr-e", [true, true, false, false, true, false]),
            ("agent", [false, false, false, false, false, false]),
            ("admin", [true, true, true, true, true, true]),
        ];
        for (who, expect) in table {
            let c = caller(who);
            let got = [
                c.may(Action::ShareLinks),
                c.may(Action::SeeRadar),
                c.may(Action::ManageStaff),
                c.may(Action::ResetDemo),
                c.may(Action::CurateTags),
                c.may(Action::ConfigureStages),
            ];
            assert_eq!(got, expect, "{who}");
            assert_eq!(c.may(Action::PostInbound), c.is_admin());
        }
    }
}
