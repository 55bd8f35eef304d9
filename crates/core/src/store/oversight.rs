//! The team board in the store: each covered seller's deals, tasks, waiting hot
//! leads and customers due back (the shapes and rules are in `crate::oversight`).

use super::*;
use crate::intent::HOT_THRESHOLD;
use crate::oversight::{
    GoingBack, OverdueTask, RepLoad, TeamBoard, TeamQuery, WaitingLead, is_late, reading_since,
};
use std::collections::HashSet;

impl Db {
    /// The board of the sellers the caller covers (a rep: themselves), optionally
    /// only those of one department and below. Anyone with a radar sees it; an
    /// agent is refused.
    pub fn team_board(
        &self,
        caller: &Caller,
        query: &TeamQuery,
        now: DateTime<Utc>,
    ) -> StoreResult<TeamBoard> {
        if !caller.may(Action::SeeRadar) {
            return Err(StoreError::Forbidden(Action::SeeRadar));
        }
        let sellers: Vec<&User> = self
            .sellers(query.department.as_deref())?
            .into_iter()
            .filter(|u| caller.covers(Some(&u.id)))
            .collect();
        let ids: HashSet<&str> = sellers.iter().map(|u| u.id.as_str()).collect();
        let mut board = TeamBoard {
            reps: sellers
                .iter()
                .map(|u| RepLoad {
                    rep_id: u.id.clone(),
                    name: u.name.clone(),
                    ..RepLoad::default()
                })
                .collect(),
            ..TeamBoard::default()
        };
        for d in self.deals.values() {
            if d.stage.is_open()
                && let Some(row) = board.reps.iter_mut().find(|r| r.rep_id == d.owner_id)
            {
                row.open_deals += 1;
                row.weighted_fen = row.weighted_fen.saturating_add(d.weighted_fen());
            }
        }
        let name_of = |id: &Option<String>| {
            id.as_deref()
                .and_then(|id| self.contacts.get(id))
                .map(|c| c.name.clone())
                .unwrap_or_default()
        };
        board.overdue = self
            .tasks
            .values()
            .filter(|t| t.done_at.is_none() && t.due_at < now && ids.contains(t.owner_id.as_str()))
            .map(|t| OverdueTask {
                contact_name: name_of(&t.contact_id),
                task: t.clone(),
            })
            .collect();
        let history = self.history();
        let ix = self.ix();
        board.waiting = self
            .contacts
            .values()
            .filter(|c| c.merged.is_none() && c.intent >= HOT_THRESHOLD)
            .filter_map(|c| {
                let owner = c.owner_id.as_deref().filter(|o| ids.contains(o))?;
                let views = list(&ix.shares_by_contact, &c.id)
                    .iter()
                    .flat_map(|t| list(&ix.sessions_by_share, t))
                    .filter_map(|id| self.sessions.get(id))
                    .filter(|s| s.totals.is_counted())
                    .map(|s| s.started_at);
                let since = reading_since(views, history.last_follow_up.get(&c.id).copied())?;
                Some(WaitingLead {
                    contact_id: c.id.clone(),
                    name: c.name.clone(),
                    owner_id: owner.to_owned(),
                    intent: c.intent,
                    reading_since: since,
                    late: is_late(since, now),
                })
            })
            .collect();
        board.going_back = self
            .due_back(caller, now)
            .into_iter()
            .filter_map(|d| {
                let owner = d.contact.owner_id.filter(|o| ids.contains(o.as_str()))?;
                Some(GoingBack {
                    contact_id: d.contact.id,
                    name: d.contact.name,
                    owner_id: owner,
                    verdict: d.verdict,
                })
            })
            .collect();
        board.finish();
        Ok(board)
    }
}
