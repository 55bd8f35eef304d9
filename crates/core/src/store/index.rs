//! The lookups by relation and the running tallies a [`Db`] keeps beside its
//! records, built once and kept in step by the operations and [`Db::put`].

use super::id_list::{self, IdList};
use super::{Db, tally, view_sums};
use crate::crm::LogEntry;
use crate::share::{LeadCapture, Share, ShareTarget};
use crate::tracking::ViewSession;
use chrono::{DateTime, Utc};
use foldhash::HashMap;
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// What [`Db`] keeps beside its records: lists by relation, sets of the few records
/// `today` counts, and the running tallies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Index {
    pub(super) shares_by_contact: HashMap<String, IdList>,
    pub(super) children: HashMap<String, IdList>,
    pub(super) sessions_by_share: HashMap<String, IdList>,
    pub(super) conversations_by_contact: HashMap<String, IdList>,
    pub(super) shares_by_target: HashMap<String, IdList>,
    /// Per target, its plain links ([`plain`]): a card's public address finds its
    /// link among these, not among every reader's own link of the card.
    pub(super) plain_by_target: HashMap<String, IdList>,
    /// Per reader's own link on a card, the links they opened its featured items
    /// through (`Share::via`): found again without every link on the content.
    pub(super) featured_by_reader: HashMap<String, IdList>,
    /// Sessions by the reader's own link (`ViewSession::reader_token`).
    pub(super) sessions_by_reader: HashMap<String, IdList>,
    pub(super) tallies: tally::Tallies,
    /// Contacts' view sums, kept once walked (see [`view_sums`]).
    pub(super) sums: HashMap<String, view_sums::ViewSums>,
    /// Conversations with unread messages, and contacts who came in as leads: the
    /// few that `today` counts, found without walking every record.
    pub(super) unread: BTreeSet<String>,
    pub(super) leads: BTreeSet<String>,
    /// Per contact, when they were last followed up: the pool's rules and the team
    /// board read it for every customer, which a walk of the whole log would cost.
    pub(super) followed_up: HashMap<String, DateTime<Utc>>,
    /// Contacts by how they are reached (under `identities::reach_keys`): each channel handle
    /// they hold or left, each phone number, WeChat ID and email address. A
    /// platform's message finds its customer, and a new customer the one they may
    /// be, without walking every contact (13 ms and 38 ms at 100,000 of them). A
    /// contact is listed as it gains a way and stays listed when it gives one up,
    /// which is rare: a reader checks each contact it finds.
    pub(super) reached: HashMap<u64, IdList>,
}

pub(super) fn target_key(target: &ShareTarget) -> String {
    match target {
        ShareTarget::Card(id) => format!("card/{id}"),
        ShareTarget::Content(id) => format!("content/{id}"),
    }
}

impl Index {
    pub(super) fn build(db: &Db) -> Index {
        let mut ix = Index::default();
        for share in db.shares.values() {
            ix.list_share(share, true);
        }
        let links: HashMap<&str, &Share> =
            (db.shares.iter()).map(|(t, s)| (t.as_str(), s)).collect();
        for s in db.sessions.values() {
            ix.add_session(s);
            if let Some(c) = tally::contribution(|t| links.get(t).copied(), s) {
                ix.tallies.count(&c, true);
            }
        }
        for v in db.conversations.values() {
            push(&mut ix.conversations_by_contact, &v.contact_id, &v.id);
            if v.unread > 0 {
                ix.unread.insert(v.id.clone());
            }
        }
        ix.leads = (db.contacts.values())
            .filter(|c| c.lead_link.is_some())
            .map(|c| c.id.clone())
            .collect();
        for c in db.contacts.values() {
            ix.list_reach(c);
        }
        for e in db.log.values() {
            ix.add_log(e);
        }
        ix.shrink();
        ix
    }

    /// Gives back what lists grown record by record left unused.
    pub(super) fn shrink(&mut self) {
        for lists in [
            &mut self.shares_by_contact,
            &mut self.children,
            &mut self.sessions_by_share,
            &mut self.conversations_by_contact,
            &mut self.shares_by_target,
            &mut self.plain_by_target,
            &mut self.featured_by_reader,
            &mut self.sessions_by_reader,
        ] {
            lists.values_mut().for_each(IdList::shrink);
        }
        self.reached.values_mut().for_each(IdList::shrink);
        self.tallies.shrink();
    }

    pub(super) fn add_log(&mut self, e: &LogEntry) {
        if !e.is_follow_up() {
            return;
        }
        match self.followed_up.get_mut(&e.contact_id) {
            Some(at) => *at = (*at).max(e.at),
            None => {
                self.followed_up.insert(e.contact_id.clone(), e.at);
            }
        }
    }

    pub(super) fn add_session(&mut self, s: &ViewSession) {
        push(&mut self.sessions_by_share, &s.share_token, &s.id);
        if let Some(r) = &s.reader_token {
            push(&mut self.sessions_by_reader, r, &s.id);
        }
    }

    pub(super) fn remove_session(&mut self, s: &ViewSession) {
        unlist(&mut self.sessions_by_share, &s.share_token, &s.id);
        if let Some(r) = &s.reader_token {
            unlist(&mut self.sessions_by_reader, r, &s.id);
        }
    }

    /// Lists link `share` in the lookups (`add`), or takes it out again.
    pub(super) fn list_share(&mut self, share: &Share, add: bool) {
        let step = if add { push } else { unlist };
        let token = &share.token;
        if let Some(c) = &share.contact_id {
            step(&mut self.shares_by_contact, c, token);
        }
        if let Some(p) = &share.parent {
            step(&mut self.children, p, token);
        }
        if let Some(v) = &share.via {
            step(&mut self.featured_by_reader, v, token);
        }
        let target = target_key(&share.target);
        if plain(share) {
            step(&mut self.plain_by_target, &target, token);
        }
        step(&mut self.shares_by_target, &target, token);
        self.tallies.add_link(share, add);
    }
}

/// Whether `share` is a plain link: one a rep made for no one in particular, on no
/// channel, asking for no details, neither forwarded nor opened from a card.
fn plain(share: &Share) -> bool {
    share.parent.is_none()
        && share.contact_id.is_none()
        && share.channel.is_none()
        && share.via.is_none()
        && share.lead_capture == LeadCapture::Off
}

/// Adds `value` under `key`, keeping each list in key order: a list then reads the
/// same whether the data was built up operation by operation or loaded back from
/// storage (where order of arrival is lost), so both backends answer alike.
pub(super) fn push(map: &mut HashMap<String, IdList>, key: &str, value: &str) {
    match map.get_mut(key) {
        Some(list) => list.insert(value),
        None => map.entry(key.to_owned()).or_default().insert(value),
    }
}

/// Takes `value` out of the list under `key`, and the list with it once empty (as
/// [`Index::build`] would have it).
pub(super) fn unlist(map: &mut HashMap<String, IdList>, key: &str, value: &str) {
    let Some(list) = map.get_mut(key) else {
        return;
    };
    list.remove(value);
    if list.is_empty() {
        map.remove(key);
    }
}

/// Puts `id` in `set` or takes it out.
fn member(set: &mut BTreeSet<String>, id: &str, is: bool) {
    if !is {
        set.remove(id);
    } else if !set.contains(id) {
        set.insert(id.to_owned());
    }
}

pub(super) fn list<'a>(map: &'a HashMap<String, IdList>, key: &str) -> &'a IdList {
    map.get(key).unwrap_or(&id_list::EMPTY)
}

impl Db {
    pub(super) fn ix(&self) -> &Index {
        self.index.get_or_init(|| Index::build(self))
    }

    /// Builds the lookups and running tallies now instead of in the first operation
    /// that needs them, which would keep that request (and, on a server, every write
    /// behind it) waiting while every view is walked.
    pub fn build_lookups(&self) {
        self.ix();
    }

    /// Lets the lookups go, to be built again on next use: for data written past the
    /// operations, record by record (the scaled demo).
    pub fn forget_lookups(&mut self) {
        self.index = OnceLock::new();
    }

    /// Keeps the index's unread conversations in step with conversation `id`, after
    /// a change to it.
    pub(super) fn note_unread(&mut self, id: &str) {
        let unread = self.conversations.get(id).is_some_and(|v| v.unread > 0);
        if let Some(ix) = self.index.get_mut() {
            member(&mut ix.unread, id, unread);
        }
    }

    /// Keeps the index's leads and ways of reaching in step with contact `id`, after
    /// a change to it: every operation that adds a contact or gives one a handle, a
    /// phone number, a WeChat ID or an email address calls this.
    pub(crate) fn note_contact(&mut self, id: &str) {
        if let (Some(ix), Some(c)) = (self.index.get_mut(), self.contacts.get(id)) {
            member(&mut ix.leads, id, c.lead_link.is_some());
            ix.list_reach(c);
        }
    }
}
