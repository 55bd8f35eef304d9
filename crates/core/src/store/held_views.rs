//! Which views an operation needs, named by what storage finds views by: their id, the
//! link they came through, their reader's own link. A backend that keeps views in
//! storage holds only those while it answers (docs/server-memory.md; the reference
//! server does, `crates/server/src/held.rs`), as it already does with messages.
//!
//! A copy that let its views go ([`Db::forget_views`]) keeps its lookups' running
//! tallies and kept sums, so the figures built from them answer as before; the
//! operations below answer from the views [`Db::hold_views`] gave it. Tests hold
//! every answer, record written and tally to those of a copy holding every view.
//! Covered: the reads here; pages opened (the new view's id); tracking snapshots
//! ([`Db::views_for_snapshot`]); merges and their undoing (both customers'
//! [`Db::views_of_contact`]); details left on a page ([`Db::views_for_details`]);
//! customers' messages ([`Db::views_for_inbound`]); a task from a reading (its
//! view); records from elsewhere ([`Db::views_for_records`]). No operation lets
//! the lookups go to be rebuilt on next use, which on such a copy would count
//! only the views it holds. Radar lines number their visits from the tallies.

use super::*;

/// Views named by id, by the link they came through, or by their reader's own
/// link (the columns `id`, `share_token` and `reader_token` of stored views).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ViewKeys {
    pub ids: BTreeSet<String>,
    pub links: BTreeSet<String>,
    pub readers: BTreeSet<String>,
}

impl ViewKeys {
    /// Whether these keys name `s`: what a store selects by them.
    pub fn name(&self, s: &ViewSession) -> bool {
        self.ids.contains(&s.id)
            || self.links.contains(&s.share_token)
            || (s.reader_token.as_ref()).is_some_and(|r| self.readers.contains(r))
    }

    /// Adds what `more` names.
    pub fn extend(&mut self, more: ViewKeys) {
        self.ids.extend(more.ids);
        self.links.extend(more.links);
        self.readers.extend(more.readers);
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty() && self.links.is_empty() && self.readers.is_empty()
    }

    /// The keys here that `asked` has not: what is left to read.
    pub fn without(mut self, asked: &ViewKeys) -> ViewKeys {
        self.ids.retain(|k| !asked.ids.contains(k));
        self.links.retain(|k| !asked.links.contains(k));
        self.readers.retain(|k| !asked.readers.contains(k));
        self
    }
}

impl Db {
    /// The views the radar lines of views `ids` read: them (visits are numbered
    /// from the tallies).
    pub fn views_for_lines<'a>(&self, ids: impl IntoIterator<Item = &'a str>) -> ViewKeys {
        ViewKeys {
            ids: ids.into_iter().map(str::to_owned).collect(),
            ..ViewKeys::default()
        }
    }

    /// The views a contact's timeline and intent trend read: through their links
    /// and the links forwarded from them, and as the reader of their own links.
    pub fn views_of_contact(&self, contact_id: &str) -> ViewKeys {
        let mut keys = ViewKeys::default();
        for token in list(&self.ix().shares_by_contact, contact_id) {
            keys.extend(self.views_of_link(token));
        }
        keys
    }

    /// The views whose figures a link's customer takes: through it and the links
    /// forwarded from it, and its own reader's.
    pub fn views_of_link(&self, token: &str) -> ViewKeys {
        let mut keys = ViewKeys {
            links: [token.to_owned()].into(),
            readers: [token.to_owned()].into(),
            ..ViewKeys::default()
        };
        (keys.links).extend(list(&self.ix().children, token).iter().map(str::to_owned));
        keys
    }

    /// The views [`Db::capture_lead`] reads for details left on `reader_token`
    /// (and [`Db::leave_details`] on the link it mints): that link's, and those of
    /// the customer the link was given to before.
    pub fn views_for_details(&self, reader_token: &str) -> ViewKeys {
        let mut keys = self.views_of_link(reader_token);
        if let Some(c) = (self.shares.get(reader_token)).and_then(|s| s.contact_id.as_deref()) {
            keys.extend(self.views_of_contact(c));
        }
        keys
    }

    /// The views [`Db::record_snapshot`] reads for `snap` at `now`, asked with its
    /// view held (by id, [`ViewKeys::ids`]): that view, and, if the snapshot leaves
    /// it changed and counted (only then are its customers' figures refreshed), all
    /// the views of its reader and its forwarder whose kept sums will not stand for
    /// `now` (summed by a walk; see `view_sums.rs`).
    pub fn views_for_snapshot(&self, snap: &Snapshot, now: DateTime<Utc>) -> ViewKeys {
        let mut keys = ViewKeys {
            ids: [snap.session_id.clone()].into(),
            ..ViewKeys::default()
        };
        let (Some(share), Some(view)) = (
            self.shares.get(&snap.share_token),
            self.sessions.get(&snap.session_id),
        ) else {
            return keys;
        };
        // A page's first seconds are not yet a counted view: walking a customer's
        // thousands of views for each of those snapshots stalled ingest after a
        // start, while no sums were kept yet.
        let mut totals = view.totals.clone();
        totals.merge(&snap.totals);
        if !view.accepts(snap) || totals == view.totals || !totals.is_counted() {
            return keys;
        }
        let contacts = [
            self.reader_of_session(view, share),
            self.forwarder_of(share),
        ];
        for c in contacts.into_iter().flatten() {
            keys.extend(self.views_to_sum(&c.id, Some(view.started_at), now));
        }
        keys
    }

    /// The views a customer's message reads ([`Db::inbound`], [`Db::web_chat`],
    /// and with `thread` [`Db::inbound_threaded`]): those of the customer it
    /// reaches, unless their kept sums will stand for `now`.
    pub fn views_for_inbound(
        &self,
        channel: Channel,
        handle: &str,
        thread: Option<&str>,
        now: DateTime<Utc>,
    ) -> ViewKeys {
        let in_thread = (thread.and_then(|t| self.conversations.get(t)))
            .filter(|v| v.channel == channel)
            .map(|v| v.contact_id.clone());
        let identity = Identity {
            channel,
            handle: handle.to_owned(),
        };
        in_thread
            .or_else(|| self.reached_by(&identity).map(|(id, _)| id))
            .map(|c| self.views_to_sum(&c, None, now))
            .unwrap_or_default()
    }

    /// A contact's views, if summing them at `now` walks them: unless their kept
    /// sums, with a view started at `started` counted in, stand for `now`.
    fn views_to_sum(
        &self,
        contact_id: &str,
        started: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> ViewKeys {
        let kept = (self.index.get()).and_then(|ix| ix.sums.get(contact_id));
        if kept.is_some_and(|kept| kept.latest_start.max(started) <= Some(now)) {
            ViewKeys::default()
        } else {
            self.views_of_contact(contact_id)
        }
    }

    /// The views [`Db::put`] reads for `records` from elsewhere, put in order: each
    /// view put, and the views whose tallies follow each link put (below it too
    /// when it moves in its forward tree). Asked before they are put, of a copy
    /// holding none: a store gives them as this copy counted them.
    pub fn views_for_records(&self, records: &[Record]) -> ViewKeys {
        let mut keys = ViewKeys::default();
        for record in records {
            match record {
                Record::Session(s) => {
                    keys.ids.insert(s.id.clone());
                }
                Record::Share(r) => {
                    let mut links = vec![r.token.as_str()];
                    let mut seen = BTreeSet::from([r.token.as_str()]);
                    let below = self.link_moves(r);
                    while let Some(t) = links.pop() {
                        keys.links.insert(t.to_owned());
                        keys.readers.insert(t.to_owned());
                        if below {
                            let children = list(&self.ix().children, t);
                            links.extend(children.iter().filter(|c| seen.insert(c)));
                        }
                    }
                }
                _ => {}
            }
        }
        keys
    }

    /// The views a card's analytics read in `caller`'s scope: those through its
    /// links the caller covers.
    pub fn views_of_card(&self, caller: &Caller, card_id: &str) -> ViewKeys {
        let target = target_key(&ShareTarget::Card(card_id.to_owned()));
        ViewKeys {
            links: list(&self.ix().shares_by_target, &target)
                .iter()
                .filter(|t| (self.shares.get(*t)).is_some_and(|s| caller.covers(Some(&s.rep_id))))
                .map(str::to_owned)
                .collect(),
            ..ViewKeys::default()
        }
    }

    /// The views the playbook reads ([`Db::what_works`], [`Db::suggestions`]):
    /// those through the content links of customers who won a deal.
    pub fn views_of_buyers(&self) -> ViewKeys {
        let ix = self.ix();
        let links = (self.deals.values())
            .filter(|d| d.stage == crate::deals::DealStage::Won)
            .flat_map(|d| list(&ix.shares_by_contact, &d.contact_id).iter())
            .filter(|t| {
                (self.shares.get(*t)).is_some_and(|s| matches!(s.target, ShareTarget::Content(_)))
            })
            .map(str::to_owned)
            .collect();
        ViewKeys {
            links,
            ..ViewKeys::default()
        }
    }

    /// Lets every view go, and the lists of views by link and by reader with them,
    /// keeping the running tallies counted from them (built first if they were
    /// not).
    pub fn forget_views(&mut self) {
        self.build_lookups();
        if let Some(ix) = self.index.get_mut() {
            ix.sessions_by_share.clear();
            ix.sessions_by_reader.clear();
        }
        self.sessions = ById::default();
    }

    /// Holds views an operation needs, as stored, on a copy that let its views go:
    /// listed by link and reader, not counted again (the tallies hold them). A view
    /// the copy holds already stays as it is (an operation may have changed it
    /// since it was stored). Returns the ids of those it took.
    pub fn hold_views(&mut self, views: impl IntoIterator<Item = ViewSession>) -> Vec<String> {
        self.build_lookups();
        let mut held = Vec::new();
        for s in views {
            if self.sessions.contains_key(&s.id) {
                continue;
            }
            if let Some(ix) = self.index.get_mut() {
                ix.add_session(&s);
            }
            held.push(s.id.clone());
            self.sessions.insert(s);
        }
        held
    }

    /// Lets views `ids` go again (those [`Db::hold_views`] took for a read) and
    /// gives them back, leaving the others held.
    pub fn let_go(&mut self, ids: &[String]) -> Vec<ViewSession> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(s) = self.sessions.remove(id) {
                if let Some(ix) = self.index.get_mut() {
                    ix.remove_session(&s);
                }
                out.push(s);
            }
        }
        out
    }

    /// Puts `records` written elsewhere, in order, on a copy that let its views go,
    /// given `views`, those [`Db::views_for_records`] named, as this copy counted
    /// them; holds none of them after (operations hold the views they name).
    pub fn put_counted(&mut self, records: Vec<Record>, views: Vec<ViewSession>) {
        let mut held = self.hold_views(views);
        held.extend(records.iter().filter_map(|r| match r {
            Record::Session(s) => Some(s.id.clone()),
            _ => None,
        }));
        records.into_iter().for_each(|r| self.put(r));
        self.let_go(&held);
    }

    /// Counts stored views into the running tallies without holding them: a copy
    /// that let its views go, started from storage one page of views at a time.
    /// The lookups' lists are left grown; [`Db::shrink_lookups`] once all are in.
    pub fn count_views<'a>(&mut self, views: impl IntoIterator<Item = &'a ViewSession>) {
        self.build_lookups();
        let Db { shares, index, .. } = self;
        let Some(ix) = index.get_mut() else {
            return;
        };
        for s in views {
            if let Some(c) = tally::contribution(|t| shares.get(t), s) {
                ix.tallies.count(&c, true);
            }
        }
    }

    /// Gives back what the lookups' lists, grown record by record, left unused.
    pub fn shrink_lookups(&mut self) {
        if let Some(ix) = self.index.get_mut() {
            ix.shrink();
        }
    }
}
