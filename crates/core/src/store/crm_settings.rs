//! How an organization works its customers: the stages they move through (an admin
//! sets them) and the tags reps put on them (admins and managers keep the list;
//! while it is empty, tags are free).

use super::*;
use crate::crm::{MAX_ORG_TAGS, MAX_TAG_CHARS, Stage, check_stages, tidy_tags};
use crate::validate::{FieldProblem, required};
use std::collections::BTreeSet;

impl Db {
    /// The organization's stages become `stages`; none a live customer is in may go.
    pub fn set_stages(&mut self, caller: &Caller, stages: Vec<Stage>) -> StoreResult<Organization> {
        if !caller.may(Action::ConfigureStages) {
            return Err(StoreError::Forbidden(Action::ConfigureStages));
        }
        let stages: Vec<Stage> = stages
            .into_iter()
            .map(|s| Stage {
                name: s
                    .name
                    .map(|n| n.trim().to_owned())
                    .filter(|n| !n.is_empty()),
                ..s
            })
            .collect();
        // Merged customers count too: undoing the merge brings their stage back.
        let in_use: BTreeSet<String> = self
            .contacts
            .values()
            .flat_map(|c| {
                let before = c.merged.as_ref().map(|m| m.kept_before.stage_or_first());
                std::iter::once(c.stage_or_first()).chain(before)
            })
            .map(str::to_owned)
            .collect();
        check_stages(&stages, &in_use)?;
        self.org.stages = if stages == crate::crm::default_stages() {
            Vec::new()
        } else {
            stages
        };
        self.touch(Change::Org);
        Ok(self.org.clone())
    }

    /// The organization's tag list becomes `tags` (trimmed, without repeats).
    /// Customers keep tags taken off it.
    pub fn set_org_tags(&mut self, caller: &Caller, tags: &[String]) -> StoreResult<Organization> {
        if !caller.may(Action::CurateTags) {
            return Err(StoreError::Forbidden(Action::CurateTags));
        }
        let tags = tidy_tags(tags);
        let mut e = FieldErrors::default();
        e.check(
            "tags",
            if tags.len() > MAX_ORG_TAGS {
                Err(FieldProblem::Range)
            } else {
                tags.iter().try_for_each(|t| required(t, MAX_TAG_CHARS))
            },
        );
        e.into_result()?;
        self.org.tags = tags;
        self.touch(Change::Org);
        Ok(self.org.clone())
    }

    /// The stage a new customer starts in.
    pub(super) fn first_stage(&self) -> String {
        self.org
            .stages()
            .first()
            .map_or_else(|| crate::crm::LEAD.to_owned(), |s| s.id.clone())
    }

    /// Whether `tags` may be put on a customer who had `had`: with a tag list, each
    /// new one must be on it.
    pub(super) fn listed_tags(&self, tags: &[String], had: &[String]) -> Result<(), FieldProblem> {
        let listed =
            |t: &String| self.org.tags.is_empty() || self.org.tags.contains(t) || had.contains(t);
        if tags.iter().all(listed) {
            Ok(())
        } else {
            Err(FieldProblem::Range)
        }
    }
}
