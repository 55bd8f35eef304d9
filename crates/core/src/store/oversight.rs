//! The team board in the store: each covered seller's deals, tasks, waiting hot
//! leads and customers due back (the shapes and rules are in `crate::oversight`).

use super::*;
use crate::intent::HOT_THRESHOLD;
use crate::oversight::{
    GoingBack, Load, OverdueTask, RepLoad, TeamBoard, TeamQuery, WaitingLead, is_late, most_urgent,
};
use crate::pool::Verdict;

impl Db {
    /// The board of the sellers the caller covers (a rep: themselves), optionally
    /// only those of one department and below. Anyone with a radar sees it; an
    /// agent is refused. Each list is gathered as borrowed records, counted into
    /// the rows, and only its most urgent are copied out.
    pub fn team_board(
        &self,
        caller: &Caller,
        query: &TeamQuery,
        now: DateTime<Utc>,
    ) -> StoreResult<TeamBoard> {
        if !caller.may(Action::SeeRadar) {
            return Err(StoreError::Forbidden(Action::SeeRadar));
        }
        let mut sellers: Vec<&User> = self
            .sellers(query.department.as_deref())?
            .into_iter()
            .filter(|u| caller.covers(Some(&u.id)))
            .collect();
        sellers.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
        let mut reps: Vec<RepLoad> = sellers
            .iter()
            .map(|u| RepLoad {
                rep_id: u.id.clone(),
                name: u.name.clone(),
                ..RepLoad::default()
            })
            .collect();
        let rows: HashMap<&str, usize> = (sellers.iter().enumerate())
            .map(|(i, u)| (u.id.as_str(), i))
            .collect();
        // The row of a record's seller, when they are on the board.
        let row = |owner: Option<&str>| owner.and_then(|o| rows.get(o).copied());

        for d in self.deals.values() {
            if d.stage.is_open()
                && let Some(i) = row(Some(&d.owner_id))
            {
                reps[i].open_deals += 1;
                reps[i].weighted_fen = reps[i].weighted_fen.saturating_add(d.weighted_fen());
            }
        }

        let mut overdue = Vec::new();
        for t in self.tasks.values() {
            if t.done_at.is_none()
                && t.due_at < now
                && let Some(i) = row(Some(&t.owner_id))
            {
                reps[i].count(Load::Overdue);
                overdue.push(t);
            }
        }
        // The oldest overdue task first.
        let overdue = most_urgent(overdue, |a, b| (a.due_at, &a.id).cmp(&(b.due_at, &b.id)));

        // One pass over the customers: hot ones whose reading waits, and those the
        // pool's rules will soon take back.
        let history = self.history();
        let tallies = &self.ix().tallies;
        let mut waiting = Vec::new();
        let mut going_back = Vec::new();
        for c in self.contacts.values() {
            if c.merged.is_some() {
                continue;
            }
            let Some(i) = row(c.owner_id.as_deref()) else {
                continue;
            };
            if c.intent >= HOT_THRESHOLD {
                let answered = history.last_follow_up.get(&c.id).copied();
                if let Some(since) = tallies.reading_since(&c.id, answered) {
                    let late = is_late(since, now);
                    reps[i].count(Load::Waiting { late });
                    waiting.push((since, late, c, i));
                }
            }
            if let Some((_, verdict)) = self.verdict_on(c, &history, now)
                && verdict != Verdict::Keep
            {
                let held = matches!(verdict, Verdict::Engaged { .. });
                reps[i].count(Load::GoingBack { held });
                going_back.push((verdict, c, i));
            }
        }
        // Longest waiting first; the soonest due back first.
        let waiting = most_urgent(waiting, |a, b| (a.0, &a.2.id).cmp(&(b.0, &b.2.id)));
        let going_back = most_urgent(going_back, |a, b| {
            (a.0.due(), &a.1.id).cmp(&(b.0.due(), &b.1.id))
        });

        let name_of = |id: &Option<String>| {
            id.as_deref()
                .and_then(|id| self.contacts.get(id))
                .map(|c| c.name.clone())
                .unwrap_or_default()
        };
        Ok(TeamBoard {
            waiting: waiting
                .into_iter()
                .map(|(since, late, c, i)| WaitingLead {
                    contact_id: c.id.clone(),
                    name: c.name.clone(),
                    owner_id: reps[i].rep_id.clone(),
                    intent: c.intent,
                    reading_since: since,
                    late,
                })
                .collect(),
            overdue: overdue
                .into_iter()
                .map(|t| OverdueTask {
                    contact_name: name_of(&t.contact_id),
                    task: t.clone(),
                })
                .collect(),
            going_back: going_back
                .into_iter()
                .map(|(verdict, c, i)| GoingBack {
                    contact_id: c.id.clone(),
                    name: c.name.clone(),
                    owner_id: reps[i].rep_id.clone(),
                    verdict,
                })
                .collect(),
            reps,
        })
    }
}
