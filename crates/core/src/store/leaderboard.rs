//! The leaderboard in the store: each seller's figures over the period, from the
//! links, tallies, leads, log and deals (the figures and ranking are in
//! `crate::leaderboard`).

use super::*;
use crate::leaderboard::{BoardQuery, Figures, Leaderboard, median_minutes, rank, responses};

impl Db {
    /// The board `query` asks for at `now`: every active seller (reps and managers)
    /// of the organization, or of a department and those below it. Anyone with a
    /// radar sees it; an agent is refused.
    pub fn leaderboard(
        &self,
        caller: &Caller,
        query: &BoardQuery,
        now: DateTime<Utc>,
    ) -> StoreResult<Leaderboard> {
        if !caller.may(Action::SeeRadar) {
            return Err(StoreError::Forbidden(Action::SeeRadar));
        }
        let sellers = self.sellers(query.department.as_deref())?;
        let (from, to) = query.period.window(now.date_naive());
        let start = from.and_time(chrono::NaiveTime::MIN).and_utc();
        let within = |at: DateTime<Utc>| (from..=to).contains(&at.date_naive());
        let mut figures: HashMap<&str, Figures> = sellers
            .iter()
            .map(|u| (u.id.as_str(), Figures::default()))
            .collect();

        let ix = self.ix();
        for (rep, f) in figures.iter_mut() {
            let sent = ix.tallies.sent_within(rep, from, to);
            (f.shares_sent, f.shares_read) = (sent.links, sent.read);
            if let Some(reach) = ix.tallies.reach.get(*rep) {
                let window = reach.window(from, to);
                (f.views, f.readers) = (window.views, window.readers);
            }
        }
        for c in ix.leads.iter().filter_map(|id| self.contacts.get(id)) {
            if c.merged.is_none()
                && within(c.created_at)
                && let Some(f) = c.owner_id.as_deref().and_then(|o| figures.get_mut(o))
            {
                f.leads += 1;
            }
        }
        for d in self.deals.values() {
            if d.stage == crate::deals::DealStage::Won
                && within(d.moved_at)
                && let Some(f) = figures.get_mut(d.owner_id.as_str())
            {
                f.deals_won += 1;
                f.won_amount_fen = f.won_amount_fen.saturating_add(d.amount_fen);
            }
        }
        // Follow-ups, and for each customer followed up in the period, how soon
        // after they started reading.
        let mut by_contact: HashMap<&str, Vec<(DateTime<Utc>, &str)>> = HashMap::new();
        for e in self.log.values() {
            if e.is_follow_up() {
                by_contact
                    .entry(e.contact_id.as_str())
                    .or_default()
                    .push((e.at, e.author_id.as_str()));
                if within(e.at)
                    && let Some(f) = figures.get_mut(e.author_id.as_str())
                {
                    f.follow_ups += 1;
                }
            }
        }
        let mut minutes: HashMap<&str, Vec<u64>> = HashMap::new();
        for (contact, answers) in by_contact {
            if !answers
                .iter()
                .any(|(at, who)| within(*at) && figures.contains_key(who))
            {
                continue;
            }
            let views = ix.tallies.opened_by(contact).collect();
            for (who, m) in responses(views, answers, start) {
                if figures.contains_key(who) {
                    minutes.entry(who).or_default().push(m);
                }
            }
        }
        for (who, list) in minutes {
            if let Some(f) = figures.get_mut(who) {
                f.response_minutes = median_minutes(list);
            }
        }
        let rows = sellers
            .iter()
            .map(|u| {
                let f = figures.remove(u.id.as_str()).unwrap_or_default();
                (u.id.clone(), u.name.clone(), f)
            })
            .collect();
        Ok(Leaderboard {
            period: query.period,
            by: query.by,
            from,
            to,
            standings: rank(rows, query.by),
        })
    }
}
