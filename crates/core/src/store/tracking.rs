//! Tracking: a visit's snapshots folded in (merge by maximum), and the customer's
//! intent and interests that follow from their readings.

use super::view_sums::{ViewSums, linked_content, section_tags};
use super::*;

impl Db {
    /// Folds in a tracking snapshot of a session [`Db::open_share`] issued. Returns the
    /// radar line to announce when anything changed, `None` for a repeat or a view
    /// not yet counted. A snapshot for a session that was never issued, or that names
    /// another share or reader than the session was issued for, is refused (made up
    /// or borrowed: answered alike, as not found) and changes nothing.
    pub fn record_snapshot(
        &mut self,
        snap: &Snapshot,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<RadarItem>> {
        snap.validate()?;
        let share = self
            .shares
            .get(&snap.share_token)
            .ok_or(StoreError::NotFound("share"))?
            .clone();
        if !self
            .sessions
            .get(&snap.session_id)
            .is_some_and(|s| s.accepts(snap))
        {
            return Err(StoreError::NotFound("session"));
        }
        let ids = std::slice::from_ref(&snap.session_id);
        self.tally(ids, false);
        self.resum(&snap.session_id, false);
        let (changed, counted) = match self.sessions.get_mut(&snap.session_id) {
            Some(mut session) => (session.apply(snap, now), session.totals.is_counted()),
            None => (false, false),
        };
        self.tally(ids, true);
        self.resum(&snap.session_id, true);
        if changed {
            // Not `touch`: the kept sums follow this change (`resum`) instead of
            // being let go.
            self.changes.push(Change::Session(snap.session_id.clone()));
        }
        if !changed || !counted {
            return Ok(None);
        }
        let reader = self
            .sessions
            .get(&snap.session_id)
            .and_then(|session| self.reader_of_session(session, &share))
            .map(|c| c.id.clone());
        if let Some(contact_id) = reader {
            self.refresh_contact(&contact_id, now);
        }
        if let Some(forwarder) = self.forwarder_of(&share).map(|c| c.id.clone()) {
            self.refresh_contact(&forwarder, now);
        }
        Ok(self.radar_item(&snap.session_id))
    }

    /// What a contact did up to `until`: the signals behind the intent score, and
    /// their interest weights. Views count by when they started, with their final
    /// totals (the store keeps each view's totals, not their history).
    pub(super) fn signals(
        &self,
        contact_id: &str,
        until: DateTime<Utc>,
    ) -> (IntentSignals, BTreeMap<String, u64>) {
        let sums = self.view_sums(contact_id, until);
        (self.signals_of(contact_id, &sums, until), sums.interests)
    }

    /// The signals of a contact's views summed in `sums`, with what they wrote, as of
    /// `until`.
    fn signals_of(&self, contact_id: &str, sums: &ViewSums, until: DateTime<Utc>) -> IntentSignals {
        let mut signals = IntentSignals {
            last_activity: sums.last_seen.map(|at| at.min(until)),
            visible_ms: sums.visible_ms,
            visits: sums.visits,
            forwards: sums.forwards,
            wrote: false,
        };
        for v in list(&self.ix().conversations_by_contact, contact_id) {
            let wrote = self
                .conversations
                .get(v)
                .and_then(|v| self.last_inbound(v, until));
            if wrote.is_some() {
                signals.wrote = true;
                signals.last_activity = signals.last_activity.max(wrote);
            }
        }
        signals
    }

    /// A contact's views started up to `until`, summed by walking their links.
    pub(super) fn view_sums(&self, contact_id: &str, until: DateTime<Utc>) -> ViewSums {
        let mut sums = ViewSums::default();
        let mut tags_of: HashMap<&str, BTreeMap<&str, &[String]>> = HashMap::new();
        let ix = self.ix();
        let counted = |ids: &mut dyn Iterator<Item = &str>| -> Vec<&ViewSession> {
            ids.filter_map(|id| self.sessions.get(id))
                .filter(|s| s.totals.is_counted() && s.started_at <= until)
                .collect()
        };
        let on_links = |tokens: &IdList| -> Vec<&str> {
            tokens
                .iter()
                .flat_map(|t| list(&ix.sessions_by_share, t))
                .collect()
        };
        for token in list(&ix.shares_by_contact, contact_id) {
            let Some(share) = self.shares.get(token) else {
                continue;
            };
            let section_tags = linked_content(&self.contents, share)
                .map(|c| &*tags_of.entry(&c.id).or_insert_with(|| section_tags(c)));
            // A rep's share to this contact is read by them; their own link (left
            // details) is read by them through `reader_token` and by others as forwards.
            let own_link = share.parent.is_some();
            let mut read_by_them = counted(&mut list(&ix.sessions_by_reader, token).iter());
            let mut forwarded = counted(&mut on_links(list(&ix.children, token)).into_iter());
            let on_this_link = counted(&mut list(&ix.sessions_by_share, token).iter());
            if own_link {
                forwarded.extend(on_this_link);
            } else {
                read_by_them.extend(on_this_link);
                read_by_them.sort_by(|a, b| a.id.cmp(&b.id));
                read_by_them.dedup_by(|a, b| a.id == b.id);
            }
            for s in read_by_them {
                sums.read(s, section_tags, true);
            }
            // Readers of the links this contact forwarded.
            for s in forwarded {
                sums.forward(s, true);
            }
        }
        sums
    }

    /// When the customer last wrote in `v` up to `until`: the conversation keeps the
    /// latest time; an earlier moment needs its messages (a backend that keeps them
    /// in storage holds the customer's for this, see [`Db::add_messages`]).
    fn last_inbound(&self, v: &Conversation, until: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match v.last_inbound_at {
            Some(at) if at <= until => Some(at),
            Some(_) => self
                .messages
                .get(&v.id)
                .into_iter()
                .flatten()
                .filter(|m| m.direction == Direction::Inbound && m.created_at <= until)
                .map(|m| m.created_at)
                .max(),
            None => None,
        }
    }

    /// The ids of a contact's conversations, if `caller` may see the contact (what
    /// a backend keeping messages in storage reads the customer's messages of for
    /// [`Db::intent_trend`]).
    pub fn conversations_of(&self, caller: &Caller, contact_id: &str) -> StoreResult<Vec<String>> {
        self.visible_contact(caller, contact_id)?;
        Ok(list(&self.ix().conversations_by_contact, contact_id).to_vec())
    }

    /// The intent score as it stood `days` ago, for each of `days`: how a lead is
    /// warming up or cooling down.
    pub fn intent_trend(
        &self,
        caller: &Caller,
        contact_id: &str,
        days: &[u16],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<IntentPoint>> {
        self.visible_contact(caller, contact_id)?;
        Ok(days
            .iter()
            .map(|d| {
                let at = now - chrono::Duration::days(i64::from(*d));
                let (signals, _) = self.signals(contact_id, at);
                IntentPoint {
                    days_ago: *d,
                    score: intent_score(&signals, at),
                }
            })
            .collect())
    }

    /// Recomputes a contact's interests and intent from all their sessions, so the
    /// figures are always a pure function of the recorded data.
    pub(super) fn refresh_contact(&mut self, contact_id: &str, now: DateTime<Utc>) {
        let sums = self.kept_sums(contact_id, now);
        let signals = self.signals_of(contact_id, &sums, now);
        let interests = sums.interests;
        let score = intent_score(&signals, now);
        if let Some(c) = self.contacts.get_mut(contact_id) {
            c.intent = score;
            c.last_seen_at = c.last_seen_at.max(signals.last_activity);
            for (tag, w) in interests {
                c.interests.raise(&tag, w);
            }
        }
        let mut touched = vec![Change::Contact(contact_id.to_owned())];
        // By the index, not a walk of every conversation: this runs on every
        // counted snapshot.
        let theirs = list(&self.ix().conversations_by_contact, contact_id).to_vec();
        for id in theirs {
            if let Some(v) = self.conversations.get_mut(&id)
                && v.intent != score
            {
                v.intent = score;
                touched.push(Change::Conversation(id));
            }
        }
        self.changes.extend(touched);
    }

    /// Recomputes every live contact's intent (and interests) as of `now`. The
    /// operations recompute only the contacts they touch, as of their own time, while
    /// the score fades as activity ages: data made over days (the demo's history)
    /// ends with this, so each score is the one its contact has today.
    pub fn refresh_intents(&mut self, now: DateTime<Utc>) {
        let live: Vec<String> = self
            .contacts
            .values()
            .filter(|c| c.merged.is_none())
            .map(|c| c.id.clone())
            .collect();
        for id in live {
            self.refresh_contact(&id, now);
        }
    }
}
