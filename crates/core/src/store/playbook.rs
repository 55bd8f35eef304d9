//! Content that works, in the store: what every content item led to over all
//! links, and suggestions for one customer (the ranking and the rules are in
//! `crate::playbook`).

use super::*;
use crate::deals::DealStage;
use crate::playbook::{
    Buyer, ContentEffect, Suggestion, WhatWorks, WhatWorksQuery, rank, start_here, suggest, topics,
};
use std::collections::{BTreeSet, HashSet};

impl Db {
    /// Every content item (or those about `query.tag`) ranked by what it led to
    /// across the organization. For staff who share links; counts only.
    pub fn what_works(&self, caller: &Caller, query: &WhatWorksQuery) -> StoreResult<WhatWorks> {
        if !caller.may(Action::ShareLinks) {
            return Err(StoreError::Forbidden(Action::ShareLinks));
        }
        let all = self.effects();
        let tags: BTreeSet<String> = all.iter().flat_map(|e| e.topics.iter().cloned()).collect();
        let items: Vec<ContentEffect> = all
            .into_iter()
            .filter(|e| query.tag.as_ref().is_none_or(|t| e.topics.contains(t)))
            .collect();
        Ok(WhatWorks {
            start_here: start_here(&items),
            items,
            tags: tags.into_iter().collect(),
        })
    }

    /// What to send a customer the caller may see next (see [`suggest`]).
    pub fn suggestions(&self, caller: &Caller, contact_id: &str) -> StoreResult<Vec<Suggestion>> {
        if !caller.may(Action::ShareLinks) {
            return Err(StoreError::Forbidden(Action::ShareLinks));
        }
        let contact = self.visible_contact(caller, contact_id)?;
        let sent: HashSet<&str> = list(&self.ix().shares_by_contact, contact_id)
            .iter()
            .filter_map(|t| self.shares.get(t))
            .filter_map(|s| match &s.target {
                ShareTarget::Content(id) => Some(id.as_str()),
                ShareTarget::Card(_) => None,
            })
            .collect();
        let buyers: Vec<Buyer> = self
            .won_deals()
            .filter(|d| d.contact_id != contact_id)
            .filter_map(|d| {
                let c = self.contacts.get(&d.contact_id)?;
                Some(Buyer {
                    interests: c.interests.clone(),
                    read_before: self.read_before(&d.contact_id, d.moved_at),
                })
            })
            .collect();
        Ok(suggest(&contact.interests, &sent, &self.effects(), &buyers))
    }

    fn won_deals(&self) -> impl Iterator<Item = &crate::deals::Deal> {
        self.deals.values().filter(|d| d.stage == DealStage::Won)
    }

    /// The content a customer really read (counted views) by `until`.
    fn read_before(&self, contact_id: &str, until: DateTime<Utc>) -> BTreeSet<String> {
        let ix = self.ix();
        list(&ix.shares_by_contact, contact_id)
            .iter()
            .filter_map(|t| self.shares.get(t))
            .filter_map(|share| match &share.target {
                ShareTarget::Content(id) => {
                    let read = list(&ix.sessions_by_share, &share.token)
                        .iter()
                        .filter_map(|s| self.sessions.get(s))
                        .any(|s| s.totals.is_counted() && s.started_at <= until);
                    read.then(|| id.clone())
                }
                ShareTarget::Card(_) => None,
            })
            .collect()
    }

    /// What every content item led to, ranked (newest first among ties).
    fn effects(&self) -> Vec<ContentEffect> {
        let ix = self.ix();
        let mut leads: HashMap<&str, u32> = HashMap::new();
        for c in ix.leads.iter().filter_map(|id| self.contacts.get(id)) {
            if c.merged.is_none()
                && let Some(ShareTarget::Content(id)) = c
                    .lead_link
                    .as_ref()
                    .and_then(|t| self.shares.get(t))
                    .map(|s| &s.target)
            {
                *leads.entry(id.as_str()).or_default() += 1;
            }
        }
        let mut won: HashMap<String, (u32, i64)> = HashMap::new();
        for d in self.won_deals() {
            for id in self.read_before(&d.contact_id, d.moved_at) {
                let w = won.entry(id).or_default();
                w.0 += 1;
                w.1 = w.1.saturating_add(d.amount_fen);
            }
        }
        let effects = self
            .contents_newest_first()
            .into_iter()
            .map(|c| {
                let target = ShareTarget::Content(c.id.clone());
                let readers = ix
                    .tallies
                    .by_target_all
                    .get(&target)
                    .map_or(0, |t| t.readers());
                let (deals_won, won_amount_fen) = won.get(&c.id).copied().unwrap_or_default();
                ContentEffect {
                    content_id: c.id.clone(),
                    title: c.title.clone(),
                    topics: topics(c),
                    readers: readers as u32,
                    leads: leads.get(c.id.as_str()).copied().unwrap_or(0),
                    deals_won,
                    won_amount_fen,
                }
            })
            .collect();
        rank(effects)
    }
}
