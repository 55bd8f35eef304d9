//! What the readings tell staff: the lead radar, card and content analytics, the
//! ranking, and a customer's touchpoint timeline, all within the caller's scope.

use super::*;
use crate::analytics::key_hash;

impl Db {
    /// The radar line of a counted view (`None` for a session under 2 s: previewers,
    /// bots and pages just opened are on no radar).
    pub fn radar_item(&self, session_id: &str) -> Option<RadarItem> {
        let s = self
            .sessions
            .get(session_id)
            .filter(|s| s.totals.is_counted())?;
        let share = self.shares.get(&s.share_token)?;
        let reader = self.reader_of_session(s, share);
        let (title, section_tags) = match &share.target {
            ShareTarget::Card(id) => (
                self.cards
                    .get(id)
                    .map(|c| c.name.clone())
                    .unwrap_or_default(),
                BTreeMap::new(),
            ),
            ShareTarget::Content(id) => match self.contents.get(id) {
                Some(c) => (
                    c.title.clone(),
                    c.blocks
                        .iter()
                        .map(|b| (b.id.as_str(), b.tags.first()))
                        .collect(),
                ),
                None => (String::new(), BTreeMap::new()),
            },
        };
        // The same reader is the same contact on the same target, else the same
        // reader's own link on it, else the same link: their counted views started
        // by this one's start, from the tallies (no view walked or held).
        let keys = tally::visit_keys(share, s.reader_token.as_deref());
        let visit = (self.ix().tallies.visits.get(&share.target))
            .and_then(|visits| {
                let mut named = visits.iter().zip(keys);
                named.find_map(|(lists, key)| key.map(|key| lists.get(&key_hash(key))))?
            })
            .map_or(0, |starts| {
                let started = tally::nanos(s.started_at);
                starts.partition_point(|at| *at <= started)
            }) as u32;
        let top_section =
            s.totals
                .top_sections(1)
                .first()
                .map(|(id, _)| match section_tags.get(id) {
                    Some(Some(tag)) => (*tag).clone(),
                    _ => (*id).to_owned(),
                });
        Some(RadarItem {
            session_id: s.id.clone(),
            share_token: share.token.clone(),
            at: s.last_seen_at,
            contact_id: reader.map(|c| c.id.clone()),
            reader: reader.map(|c| c.name.clone()),
            forwarded_by: self.forwarder_of(share).map(|c| c.name.clone()),
            target: share.target.clone(),
            rep_id: share.rep_id.clone(),
            title,
            visit: visit.max(1),
            visible_ms: s.totals.visible_ms,
            max_scroll_pct: s.totals.max_scroll_pct,
            top_section,
            actions: s.totals.actions.iter().copied().collect(),
            intent: reader.map_or(0, |c| c.intent),
            probably_same_as_name: reader
                .and_then(|c| self.probably_same_as(c))
                .map(|c| c.name.clone()),
            tags: reader.map(|c| c.tags.clone()).unwrap_or_default(),
            starred_by: reader.map(|c| c.starred_by.clone()).unwrap_or_default(),
        })
    }

    /// Counted views of a content item or card through the links of the staff
    /// `caller` covers, with who read them.
    pub(super) fn readings(&self, caller: &Caller, target: &ShareTarget) -> Vec<Reading<'_>> {
        let ix = self.ix();
        list(&ix.shares_by_target, &target_key(target))
            .iter()
            .filter_map(|t| self.shares.get(t))
            .filter(|share| caller.covers(Some(&share.rep_id)))
            .flat_map(|share| {
                list(&ix.sessions_by_share, &share.token)
                    .iter()
                    .filter_map(|id| self.sessions.get(id))
                    .filter(|s| s.totals.is_counted())
                    .map(move |session| {
                        let reader = self.reader_of_session(session, share);
                        Reading {
                            session,
                            reader_key: reader
                                .map(|c| c.id.as_str())
                                .or(session.reader_token.as_deref())
                                .unwrap_or(&session.id),
                            forwarded: share.parent.is_some(),
                            reader,
                        }
                    })
            })
            .collect()
    }

    /// A card's views: its owner's, their manager's and admins' to see.
    pub fn card_analytics(&self, caller: &Caller, card_id: &str) -> StoreResult<CardAnalytics> {
        if !caller.may(Action::SeeRadar) {
            return Err(StoreError::Forbidden(Action::SeeRadar));
        }
        if !caller.covers(Some(&self.card(card_id)?.owner_id)) {
            return Err(StoreError::NotFound("card"));
        }
        Ok(analytics::card_analytics(
            &self.readings(caller, &ShareTarget::Card(card_id.to_owned())),
        ))
    }

    /// A content item's figures over the links of the staff the caller covers.
    pub fn content_analytics(
        &self,
        caller: &Caller,
        content_id: &str,
    ) -> StoreResult<ContentAnalytics> {
        if !caller.may(Action::SeeRadar) {
            return Err(StoreError::Forbidden(Action::SeeRadar));
        }
        let content = self
            .contents
            .get(content_id)
            .ok_or(StoreError::NotFound("content"))?;
        let target = ShareTarget::Content(content_id.to_owned());
        let mut out = analytics::analytics(content, &self.tally_of(caller, &target));
        let (roots, top) = self.top_roots(caller, &target, analytics::FORWARD_ROOTS);
        out.forward_roots = roots as u32;
        out.forward_tree = top
            .into_iter()
            .filter_map(|t| self.forward_node(t, 0))
            .collect();
        Ok(out)
    }

    /// The node for `token` and everything forwarded from it, or `None` if nobody
    /// read anything there. At a rep's link, its own views are those from before
    /// readers had links of their own.
    pub(super) fn forward_node(&self, token: &str, depth: usize) -> Option<ForwardNode> {
        let share = self.shares.get(token)?;
        let (views, visible_ms) = self.node_views(token);
        let children: Vec<ForwardNode> = if depth < tally::FORWARD_DEPTH {
            list(&self.ix().children, token)
                .iter()
                .filter_map(|c| self.forward_node(c, depth + 1))
                .collect()
        } else {
            Vec::new()
        };
        if views == 0 && children.is_empty() {
            return None;
        }
        Some(ForwardNode {
            reader: self.reader_of(share).map(|c| c.name.clone()),
            views,
            visible_ms,
            children,
        })
    }

    /// Every content item's figures over the caller's team's links (an agent's are
    /// all zero), best first by `by`.
    pub fn content_ranking(&self, caller: &Caller, by: Ranking) -> Vec<ContentStats> {
        let list = self
            .contents_newest_first()
            .into_iter()
            .map(|c| {
                let target = ShareTarget::Content(c.id.clone());
                analytics::stats(c, &self.tally_of(caller, &target))
            })
            .collect();
        analytics::rank(list, by)
    }

    /// Counted sessions on the links of the staff the caller covers, most recent first.
    pub fn radar(&self, caller: &Caller, limit: usize) -> StoreResult<Vec<RadarItem>> {
        if !caller.may(Action::SeeRadar) {
            return Err(StoreError::Forbidden(Action::SeeRadar));
        }
        Ok(self
            .recent_views(caller)
            .take(limit)
            .filter_map(|s| self.radar_item(&s.id))
            .collect())
    }

    /// Every touchpoint of a contact: views through their links, readers of what
    /// they forwarded, and their conversations on every channel; newest first.
    pub fn timeline(&self, caller: &Caller, contact_id: &str) -> StoreResult<Vec<Activity>> {
        self.visible_contact(caller, contact_id)?;
        let ix = self.ix();
        let sessions_of = |tokens: &mut dyn Iterator<Item = &str>| -> Vec<RadarItem> {
            tokens
                .flat_map(|t| list(&ix.sessions_by_share, t))
                .filter(|id| self.sessions.get(id).is_some_and(|s| s.totals.is_counted()))
                .filter_map(|id| self.radar_item(id))
                .collect()
        };
        let mut out = Vec::new();
        for token in list(&ix.shares_by_contact, contact_id) {
            // Their own link (left details): others reading it are forwards.
            let own_link = self.shares.get(token).is_some_and(|s| s.parent.is_some());
            let here = sessions_of(&mut std::iter::once(token));
            let (views, mut forwards) = if own_link {
                (Vec::new(), here)
            } else {
                (here, Vec::new())
            };
            forwards.extend(sessions_of(&mut list(&ix.children, token).iter()));
            let by_reader = list(&ix.sessions_by_reader, token)
                .iter()
                .filter(|id| self.sessions.get(id).is_some_and(|s| s.totals.is_counted()))
                .filter_map(|id| self.radar_item(id));
            // A rep or manager sees the readings of their team's links; support sees the
            // whole story of the customers in their inbox (DESIGN: "beside the
            // conversation"), though no radar.
            let on_radar = |item: &RadarItem| {
                caller.role == crate::people::Role::Agent || caller.covers(Some(&item.rep_id))
            };
            out.extend(
                views
                    .into_iter()
                    .chain(by_reader)
                    .filter(on_radar)
                    .map(|item| Activity::View { at: item.at, item }),
            );
            out.extend(
                forwards
                    .into_iter()
                    .filter(on_radar)
                    .map(|item| Activity::Forwarded { at: item.at, item }),
            );
        }
        out.extend(
            list(&ix.conversations_by_contact, contact_id)
                .iter()
                .filter_map(|id| self.conversations.get(id))
                .filter(|v| self.sees_conversation(caller, v))
                .map(|v| Activity::Conversation {
                    at: v.last_message_at,
                    conversation: v.clone(),
                }),
        );
        // What staff wrote down is the owner's team's (and its author's); support,
        // who see the whole story beside the conversation, see it too.
        let owner = self.contact(contact_id)?.owner_id.clone();
        let sees_log = |e: &&crate::crm::LogEntry| {
            caller.role == crate::people::Role::Agent
                || caller.covers(owner.as_deref())
                || e.author_id == caller.user_id
        };
        out.extend(
            self.log_of(contact_id)
                .into_iter()
                .filter(sees_log)
                .map(|e| Activity::Logged {
                    at: e.at,
                    entry: e.clone(),
                }),
        );
        out.sort_by_key(|a| std::cmp::Reverse(a.at()));
        Ok(out)
    }
}
