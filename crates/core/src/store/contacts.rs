//! Customers (contacts) as the caller may see them, and merging two that are the
//! same person (with undo), or noting that they are not.

use super::*;

impl Db {
    pub(super) fn contact(&self, id: &str) -> StoreResult<&Contact> {
        self.contacts.get(id).ok_or(StoreError::NotFound("contact"))
    }

    /// A contact as `caller` may see it; outside their scope it is not found.
    pub fn visible_contact(&self, caller: &Caller, id: &str) -> StoreResult<&Contact> {
        self.contact(id)
            .ok()
            .filter(|c| self.sees_contact(caller, c))
            .ok_or(StoreError::NotFound("contact"))
    }

    /// A contact is seen by their owner's team, by the users of the pool they wait
    /// in, and with the conversations the caller sees (an agent's inbox, a
    /// conversation assigned to a rep).
    pub(super) fn sees_contact(&self, caller: &Caller, c: &Contact) -> bool {
        let conversations = list(&self.ix().conversations_by_contact, &c.id);
        caller.sees_contact(c.owner_id.as_deref(), !conversations.is_empty())
            || (c.owner_id.is_none() && c.pool_id.as_deref().is_some_and(|p| caller.uses_pool(p)))
            || conversations
                .iter()
                .filter_map(|v| self.conversations.get(v))
                .any(|v| v.assignee_id.is_some() && caller.covers(v.assignee_id.as_deref()))
    }

    /// Whether `c` is in `caller`'s lists: in their scope, and waiting in `pool`
    /// when one is asked for; otherwise not waiting in any (but for an admin, whose
    /// lists hold everyone).
    pub(super) fn listed_for(&self, caller: &Caller, c: &Contact, pool: Option<&str>) -> bool {
        let waiting = c.owner_id.is_none() && c.pool_id.is_some();
        let in_list = match pool {
            Some(p) => waiting && c.pool_id.as_deref() == Some(p),
            None => !waiting || caller.is_admin(),
        };
        in_list && self.sees_contact(caller, c)
    }

    /// Contacts as `caller` sees them: those in their scope, leaving out those
    /// merged into another and (but for an admin) those waiting in a pool.
    pub fn contacts_for(&self, caller: &Caller) -> Vec<Contact> {
        self.contacts
            .values()
            .filter(|c| c.merged.is_none() && self.listed_for(caller, c, None))
            .cloned()
            .collect()
    }

    /// Merges `other_id` into `keep_id` (the same person on two channels): `keep`
    /// takes the other's identities, details it lacks and interests; the other's
    /// conversations and links move to it. The other stays, marked merged, with what
    /// moved, so [`Db::unmerge_contact`] can undo it. Returns the kept contact.
    pub fn merge_contacts(
        &mut self,
        caller: &Caller,
        keep_id: &str,
        other_id: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Contact> {
        let owners = (
            self.visible_contact(caller, keep_id)?.owner_id.clone(),
            self.visible_contact(caller, other_id)?.owner_id.clone(),
        );
        if !caller.merges(owners.0.as_deref(), owners.1.as_deref()) {
            return Err(StoreError::Forbidden(Action::MergeContacts));
        }
        let live = |id: &str| {
            self.contacts
                .get(id)
                .filter(|c| c.merged.is_none())
                .cloned()
        };
        let (Some(keep), Some(other)) = (live(keep_id), live(other_id)) else {
            return Err(StoreError::NotFound("contact"));
        };
        if keep_id == other_id {
            let mut e = FieldErrors::default();
            e.check("other_id", Err(crate::validate::FieldProblem::Range));
            return Err(e.into());
        }
        let conversations = self.move_conversations(
            list(&self.ix().conversations_by_contact, other_id).to_vec(),
            keep_id,
        );
        let shares = self.move_shares(
            list(&self.ix().shares_by_contact, other_id).to_vec(),
            keep_id,
        );
        let mut kept = keep.clone();
        kept.absorb(&other);
        // Merged, it is a customer the rep confirmed: details left again on a link it
        // was captured on no longer change it, and it is no longer "probably" the other.
        kept.lead_link = None;
        if kept.probably_same_as.as_deref() == Some(other_id) {
            kept.probably_same_as = None;
        }
        self.contacts.insert(keep_id.to_owned(), kept);
        self.note_contact(keep_id);
        if let Some(c) = self.contacts.get_mut(other_id) {
            c.merged = Some(Box::new(crate::contact::Merged {
                into: keep_id.to_owned(),
                at: now,
                kept_before: keep,
                conversations,
                shares,
            }));
        }
        self.touch(Change::Contact(other_id.to_owned()));
        self.refresh_contact(keep_id, now);
        self.contact(keep_id).cloned()
    }

    /// Undoes the merge of `other_id`: both contacts as they were before it, and
    /// what moved moves back. Returns the restored contact.
    pub fn unmerge_contact(
        &mut self,
        caller: &Caller,
        other_id: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Contact> {
        let other = self.visible_contact(caller, other_id)?;
        let into = other.merged.as_ref().map(|m| m.into.clone());
        let into_owner = match into {
            Some(into) => self.visible_contact(caller, &into)?.owner_id.clone(),
            None => return Err(StoreError::NotFound("merge")),
        };
        if !caller.merges(other.owner_id.as_deref(), into_owner.as_deref()) {
            return Err(StoreError::Forbidden(Action::MergeContacts));
        }
        let merged = self
            .contacts
            .get_mut(other_id)
            .and_then(|c| c.merged.take())
            .ok_or(StoreError::NotFound("merge"))?;
        let crate::contact::Merged {
            into,
            kept_before,
            conversations,
            shares,
            ..
        } = *merged;
        // Only what is still where the merge put it moves back.
        let conversations = conversations
            .into_iter()
            .filter(|id| {
                self.conversations
                    .get(id)
                    .is_some_and(|v| v.contact_id == into)
            })
            .collect();
        self.move_conversations(conversations, other_id);
        let shares = shares
            .into_iter()
            .filter(|t| {
                self.shares
                    .get(t)
                    .is_some_and(|s| s.contact_id.as_deref() == Some(&into))
            })
            .collect();
        self.move_shares(shares, other_id);
        self.contacts.insert(into.clone(), kept_before);
        self.note_contact(&into);
        self.touch(Change::Contact(into.clone()));
        self.refresh_contact(&into, now);
        self.refresh_contact(other_id, now);
        self.contact(other_id).cloned()
    }

    /// The rep says contact `id` is not the customer it was suggested to be the same
    /// person as: the suggestion goes, and that customer is not suggested for it
    /// again. As merging: an admin, or the contact's owner. Returns the contact.
    pub fn not_same_person(&mut self, caller: &Caller, id: &str) -> StoreResult<Contact> {
        let owner = self.visible_contact(caller, id)?.owner_id.clone();
        if !caller.merges(owner.as_deref(), owner.as_deref()) {
            return Err(StoreError::Forbidden(Action::MergeContacts));
        }
        let dismissed = self.contacts.get_mut(id).and_then(|c| {
            let other = c.probably_same_as.take()?;
            if !c.not_same_as.contains(&other) {
                c.not_same_as.push(other);
            }
            Some(())
        });
        if dismissed.is_some() {
            self.touch(Change::Contact(id.to_owned()));
        }
        self.contact(id).cloned()
    }

    /// Gives conversations `ids` to contact `to`, their lookups with them.
    pub(super) fn move_conversations(&mut self, ids: Vec<String>, to: &str) -> Vec<String> {
        for id in &ids {
            if let Some(v) = self.conversations.get_mut(id) {
                let from = std::mem::replace(&mut v.contact_id, to.to_owned());
                if let Some(ix) = self.index.get_mut() {
                    unlist(&mut ix.conversations_by_contact, &from, id);
                    push(&mut ix.conversations_by_contact, to, id);
                }
            }
            self.touch(Change::Conversation(id.clone()));
        }
        ids
    }

    /// Gives links `tokens` to contact `to` (see [`Db::give_link`]).
    pub(super) fn move_shares(&mut self, tokens: Vec<String>, to: &str) -> Vec<String> {
        for token in &tokens {
            self.give_link(token, to);
            self.touch(Change::Share(token.clone()));
        }
        tokens
    }

    /// Makes link `token` contact `to`'s, keeping the lookups and tallies current in
    /// place: the views read through it, or by its own reader, now count as `to`'s.
    /// Returns the contact it was before, if another. A merge costs what moves, not
    /// every view ever recorded.
    pub(super) fn give_link(&mut self, token: &str, to: &str) -> Option<String> {
        let before = self.shares.get(token)?.contact_id.clone();
        if before.as_deref() == Some(to) {
            return None;
        }
        let views = self.views_on_link(token);
        self.tally(&views, false);
        if let Some(s) = self.shares.get_mut(token) {
            s.contact_id = Some(to.to_owned());
        }
        self.tally(&views, true);
        if let Some(ix) = self.index.get_mut() {
            // A plain link (`Index::plain_by_target`) is never given: its callers
            // give readers' own links and a customer's links.
            if let Some(old) = &before {
                unlist(&mut ix.shares_by_contact, old, token);
            }
            push(&mut ix.shares_by_contact, to, token);
        }
        before
    }
}
