//! The organization (tenant), its department tree (组织架构) and what an admin sends to
//! change staff. One organization's data is one [`Db`](crate::store::Db): nothing in it
//! reaches another organization.

use crate::people::Role;
use crate::validate::{self, FieldErrors, FieldProblem};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Deepest department tree accepted: bounds every walk up or down it.
pub const MAX_DEPTH: usize = 16;
pub const MAX_DEPARTMENTS: usize = 500;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub departments: Vec<Department>,
    /// The sales process's stages, in order; empty for the built-in ones (see
    /// [`Organization::stages`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stages: Vec<crate::crm::Stage>,
    /// The tags reps put on customers, curated by admins and managers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The public pools (公海), in order: a rep's pool is the first their
    /// department uses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pools: Vec<crate::pool::Pool>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    pub id: String,
    pub name: String,
    /// `None` for a top-level department.
    pub parent_id: Option<String>,
}

impl Organization {
    /// The pools a member of `department` uses: those for everyone, and those of
    /// their department or one above it.
    pub fn pools_of<'a>(
        &'a self,
        department: Option<&'a str>,
    ) -> impl Iterator<Item = &'a crate::pool::Pool> + 'a {
        self.pools.iter().filter(move |p| {
            p.department_ids.is_empty()
                || department.is_some_and(|d| {
                    p.department_ids
                        .iter()
                        .any(|top| self.subtree(top).contains(d))
                })
        })
    }

    pub fn pool(&self, id: &str) -> Option<&crate::pool::Pool> {
        self.pools.iter().find(|p| p.id == id)
    }

    /// The stages customers move through, in order.
    pub fn stages(&self) -> Vec<crate::crm::Stage> {
        if self.stages.is_empty() {
            crate::crm::default_stages()
        } else {
            self.stages.clone()
        }
    }

    pub fn department(&self, id: &str) -> Option<&Department> {
        self.departments.iter().find(|d| d.id == id)
    }

    /// `root` and every department below it. Unknown `root`: empty.
    pub fn subtree(&self, root: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        if self.department(root).is_none() {
            return out;
        }
        out.insert(root.to_owned());
        // Breadth by depth: a stored cycle cannot loop, it stops at MAX_DEPTH.
        for _ in 0..MAX_DEPTH {
            let before = out.len();
            for d in &self.departments {
                if d.parent_id.as_ref().is_some_and(|p| out.contains(p)) {
                    out.insert(d.id.clone());
                }
            }
            if out.len() == before {
                break;
            }
        }
        out
    }

    /// The department's name with its parents', "总部 / 华东销售部".
    pub fn path(&self, id: &str) -> String {
        let mut names = Vec::new();
        let mut at = self.department(id);
        while let Some(d) = at {
            names.push(d.name.as_str());
            if names.len() > MAX_DEPTH {
                break;
            }
            at = d.parent_id.as_deref().and_then(|p| self.department(p));
        }
        names.reverse();
        names.join(" / ")
    }

    /// Departments in tree order (parents before children), each with its depth.
    pub fn tree(&self) -> Vec<(usize, &Department)> {
        fn walk<'a>(
            org: &'a Organization,
            parent: Option<&str>,
            depth: usize,
            out: &mut Vec<(usize, &'a Department)>,
        ) {
            if depth > MAX_DEPTH {
                return;
            }
            let mut children: Vec<&Department> = org
                .departments
                .iter()
                .filter(|d| d.parent_id.as_deref() == parent)
                .collect();
            children.sort_by(|a, b| a.name.cmp(&b.name));
            for d in children {
                out.push((depth, d));
                walk(org, Some(&d.id), depth + 1, out);
            }
        }
        let mut out = Vec::new();
        walk(self, None, 0, &mut out);
        out
    }

    /// Checks a department before it is saved: a name, a parent that exists, and no
    /// loop (a department cannot sit below itself).
    pub fn check_department(&self, d: &Department) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::default();
        e.check(
            "id",
            crate::ids::parse_public_id(&d.id)
                .map(|_| ())
                .map_err(|_| FieldProblem::Range),
        )
        .check("name", validate::required(&d.name, 60));
        let parent_ok = match &d.parent_id {
            None => Ok(()),
            Some(p) if p == &d.id || self.department(p).is_none() => Err(FieldProblem::Range),
            // Moving a department below one of its own descendants makes a loop.
            Some(p) if self.subtree(&d.id).contains(p) => Err(FieldProblem::Range),
            Some(_) => Ok(()),
        };
        e.check("parent_id", parent_ok);
        let taken = self
            .departments
            .iter()
            .any(|o| o.id != d.id && o.name.trim() == d.name.trim() && o.parent_id == d.parent_id);
        e.check(
            "name",
            if taken {
                Err(FieldProblem::Taken)
            } else {
                Ok(())
            },
        );
        let new = self.department(&d.id).is_none();
        if new && self.departments.len() >= MAX_DEPARTMENTS {
            e.check(
                "id",
                Err(FieldProblem::TooLong {
                    max: MAX_DEPARTMENTS,
                }),
            );
        }
        let depth = d
            .parent_id
            .as_deref()
            .map_or(0, |p| self.path(p).matches(" / ").count() + 1);
        if depth >= MAX_DEPTH {
            e.check("parent_id", Err(FieldProblem::Range));
        }
        e.into_result()
    }
}

/// A new staff member, as an admin enters them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewStaff {
    pub name: String,
    pub email: String,
    pub role: Option<Role>,
    pub department_id: Option<String>,
}

/// What an admin changes about a staff member; absent fields stay as they are.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// `Some(None)` takes them out of every department.
    #[serde(
        default,
        deserialize_with = "crate::api::present",
        skip_serializing_if = "Option::is_none"
    )]
    pub department_id: Option<Option<String>>,
}

/// Deactivating someone: who takes over their customers (`None`: nobody, they wait
/// in the public pool).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deactivation {
    #[serde(default)]
    pub transfer_to: Option<String>,
}

/// The answer to creating staff: the account, and the initial password shown once
/// (the in-browser backend has no passwords: `None`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedStaff {
    pub user: crate::people::User,
    #[serde(default)]
    pub initial_password: Option<String>,
}

/// Changing one's own password: the old one is required.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordChange {
    pub old_password: String,
    pub new_password: String,
}

/// One of a person's sign-in sessions as they see it (never its token).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffSession {
    pub id: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    /// The session the request came with.
    pub current: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dept(id: &str, parent: Option<&str>) -> Department {
        Department {
            id: id.into(),
            name: id.to_uppercase(),
            parent_id: parent.map(Into::into),
        }
    }

    fn org() -> Organization {
        Organization {
            id: "o".into(),
            name: "O".into(),
            departments: vec![
                dept("hq", None),
                dept("east", Some("hq")),
                dept("sh", Some("east")),
                dept("south", Some("hq")),
            ],
            ..Default::default()
        }
    }

    #[test]
    fn subtree_holds_a_department_and_everything_below_it() {
        let o = org();
        let east: Vec<_> = o.subtree("east").into_iter().collect();
        assert_eq!(east, ["east", "sh"]);
        assert_eq!(o.subtree("hq").len(), 4);
        assert!(o.subtree("nowhere").is_empty());
        assert_eq!(o.path("sh"), "HQ / EAST / SH");
        let order: Vec<_> = o
            .tree()
            .into_iter()
            .map(|(d, x)| (d, x.id.clone()))
            .collect();
        assert_eq!(
            order,
            [
                (0, "hq".to_owned()),
                (1, "east".into()),
                (2, "sh".into()),
                (1, "south".into())
            ]
        );
    }

    #[test]
    fn a_stored_cycle_cannot_hang_a_walk() {
        let mut o = org();
        o.departments[0].parent_id = Some("sh".into());
        assert_eq!(
            o.subtree("east").len(),
            4,
            "east, sh, then hq below sh, south"
        );
        assert!(o.path("sh").len() < 200);
    }

    #[test]
    fn department_checks_refuse_loops_unknown_parents_and_twins() {
        let o = org();
        assert!(o.check_department(&dept("west", Some("hq"))).is_ok());
        let loop_ = o.check_department(&dept("east", Some("sh"))).unwrap_err();
        assert_eq!(loop_.get("parent_id"), Some(&FieldProblem::Range));
        let unknown = o.check_department(&dept("x", Some("nope"))).unwrap_err();
        assert_eq!(unknown.get("parent_id"), Some(&FieldProblem::Range));
        let own = o.check_department(&dept("east", Some("east"))).unwrap_err();
        assert_eq!(own.get("parent_id"), Some(&FieldProblem::Range));
        let twin = Department {
            id: "east2".into(),
            name: "EAST".into(),
            parent_id: Some("hq".into()),
        };
        assert_eq!(
            o.check_department(&twin).unwrap_err().get("name"),
            Some(&FieldProblem::Taken)
        );
        let mut blank = dept("y", None);
        blank.name = " ".into();
        assert_eq!(
            o.check_department(&blank).unwrap_err().get("name"),
            Some(&FieldProblem::Required)
        );
    }
}
