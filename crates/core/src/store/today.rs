//! The workbench's "today": who is reading right now, what is waiting for an answer,
//! and this week against last, all within the caller's scope.

use super::{Db, StoreResult, ViewKeys};
use crate::api::{DayFigures, Today, WeekFigures};
use crate::scope::{Action, Caller};
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// A reading seen this recently is "reading now".
pub const NOW_MINUTES: i64 = 30;
/// Most "reading now" lines shown.
const NOW_LINES: usize = 6;
/// Days of views drawn as the trend.
pub const TREND_DAYS: usize = 14;

impl Db {
    /// The views [`Db::today`] reads for `caller` at `now`: those read now, and once
    /// they are held, their radar lines' visits ([`Db::views_for_lines`]).
    pub fn views_for_today(&self, caller: &Caller, now: DateTime<Utc>) -> ViewKeys {
        if !caller.may(Action::SeeRadar) {
            return ViewKeys::default();
        }
        self.views_for_lines(
            self.recent_ids(caller)
                .take_while(|(seen, _)| now - seen.0 <= Duration::minutes(NOW_MINUTES))
                .take(NOW_LINES)
                .map(|(_, id)| id.as_str()),
        )
    }

    /// The caller's day at `now`. The readings are the team's (a rep's own); agents,
    /// who have no radar, get the inbox figures alone. Days are calendar days (UTC),
    /// a week the seven ending today, last week the seven before.
    pub fn today(&self, caller: &Caller, now: DateTime<Utc>) -> StoreResult<Today> {
        let ix = self.ix();
        let unread_conversations = (ix.unread.iter())
            .filter_map(|id| self.conversations.get(id))
            .filter(|v| self.sees_conversation(caller, v))
            .count();
        if !caller.may(Action::SeeRadar) {
            return Ok(Today {
                unread_conversations,
                ..Today::default()
            });
        }
        let reading_now = self
            .recent_views(caller)
            .take_while(|s| now - s.last_seen_at <= Duration::minutes(NOW_MINUTES))
            .take(NOW_LINES)
            .filter_map(|s| self.radar_item(&s.id))
            .collect();

        let today = now.date_naive();
        let first = today - Duration::days(TREND_DAYS as i64 - 1);
        let leads = (ix.leads.iter())
            .filter_map(|id| self.contacts.get(id))
            .filter(|c| self.sees_contact(caller, c))
            .map(|c| c.created_at.date_naive())
            .filter(|d| (first..=today).contains(d));
        let mut led: std::collections::BTreeMap<NaiveDate, usize> = Default::default();
        for day in leads {
            *led.entry(day).or_default() += 1;
        }
        // The windows asked for: this week, last week, then each day.
        let week = Duration::days(7);
        let mut windows = vec![
            (today - week + Duration::days(1), today),
            (today - week - week + Duration::days(1), today - week),
        ];
        windows.extend((0..TREND_DAYS as i64).rev().map(|back| {
            let day = today - Duration::days(back);
            (day, day)
        }));
        let reach = self.reach_in(caller, &windows);
        let mut figures = windows
            .iter()
            .zip(reach)
            .map(|((from, to), w)| WeekFigures {
                views: w.views as usize,
                readers: w.readers as usize,
                leads: led.range(from..=to).map(|(_, n)| n).sum(),
            });
        let this_week = figures.next().unwrap_or_default();
        let last_week = figures.next().unwrap_or_default();
        Ok(Today {
            reading_now,
            unread_conversations,
            this_week,
            last_week,
            days: windows[2..]
                .iter()
                .zip(figures)
                .map(|((day, _), figures)| DayFigures { day: *day, figures })
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::api::NewShare;
    use crate::channel::Channel;
    use crate::demo;
    use crate::share::ShareTarget;
    use crate::tracking::{Snapshot, ViewTotals};
    use chrono::{DateTime, Utc};

    fn now() -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_795_000_000, 0).unwrap()
    }

    #[test]
    fn a_reading_now_counts_for_the_rep_and_their_manager_only() {
        let at = now();
        let mut db = demo::seed(at);
        let rep = db.caller("u-wanglei").unwrap();
        let customer = db
            .contacts
            .values()
            .find(|c| c.owner_id.as_deref() == Some("u-wanglei"))
            .map(|c| c.id.clone())
            .unwrap();
        let before =
            |db: &crate::store::Db, who: &str| db.today(&db.caller(who).unwrap(), at).unwrap();
        let (rep0, manager0, south0) = (
            before(&db, "u-wanglei"),
            before(&db, "u-chengang"),
            before(&db, "u-sunyue"),
        );
        let day_views = |db: &crate::store::Db| {
            db.content_analytics(&rep, "c-pricing")
                .unwrap()
                .views_by_day
                .iter()
                .find(|d| d.day == at.date_naive())
                .map_or(0, |d| d.count)
        };
        let pricing_today = day_views(&db);
        let new = NewShare {
            target: ShareTarget::Content("c-pricing".into()),
            contact_id: Some(customer),
            channel: Some(Channel::Wechat),
            lead_capture: Default::default(),
        };
        db.create_share(&rep, new, "tok-today".into(), at).unwrap();
        let opened = db
            .open_share(
                "tok-today",
                "tok-today-1".into(),
                "v-today".into(),
                None,
                at,
            )
            .unwrap();
        let snap = Snapshot {
            session_id: opened.session_id.clone(),
            share_token: "tok-today".into(),
            seq: 1,
            totals: ViewTotals {
                visible_ms: 45_000,
                max_scroll_pct: 70,
                ..ViewTotals::default()
            },
            reader_token: Some(opened.child_token.clone()),
        };
        db.record_snapshot(&snap, at).unwrap();

        let rep1 = before(&db, "u-wanglei");
        // The article's analytics count it on today's date too.
        assert_eq!(day_views(&db), pricing_today + 1);
        assert_eq!(rep1.this_week.views, rep0.this_week.views + 1);
        assert_eq!(rep1.reading_now[0].session_id, "v-today");
        let last = |t: &crate::api::Today| t.days.last().map(|d| d.figures.views).unwrap();
        assert_eq!(last(&rep1), last(&rep0) + 1);
        assert_eq!(rep1.days.len(), super::TREND_DAYS);
        // The week is the sum of its days.
        let week_views: usize = rep1
            .days
            .iter()
            .rev()
            .take(7)
            .map(|d| d.figures.views)
            .sum();
        assert_eq!(week_views, rep1.this_week.views);
        // His manager sees it; South China's does not.
        assert_eq!(
            before(&db, "u-chengang").this_week.views,
            manager0.this_week.views + 1
        );
        assert_eq!(before(&db, "u-sunyue"), south0);
        // An agent has the inbox figure and no readings at all.
        let agent = before(&db, "u-zhaomin");
        assert!(agent.reading_now.is_empty() && agent.days.is_empty());
        assert_eq!(agent.this_week.views, 0);
    }

    /// Each window counted the plain way, every view filtered one by one: what the
    /// running tallies behind `today` must equal, edges of days included.
    #[test]
    fn the_tallies_count_each_window_as_filtering_every_view_would() {
        use crate::store::Record;
        use crate::tracking::ViewSession;
        use chrono::{Duration, NaiveDate};
        use std::collections::BTreeSet;
        let at = now();
        let mut db = demo::seed(at);
        // Views started on the edges of days, and one in the future.
        let share = db
            .shares
            .values()
            .find(|s| s.parent.is_none())
            .cloned()
            .unwrap();
        let midnight = at.date_naive().and_hms_opt(0, 0, 0).unwrap().and_utc();
        for (i, started) in [
            at,
            midnight,
            midnight - Duration::nanoseconds(1),
            midnight - Duration::days(6),
            midnight - Duration::days(7) - Duration::seconds(1),
            midnight - Duration::days(13),
            midnight - Duration::days(14),
            at + Duration::days(1),
        ]
        .into_iter()
        .enumerate()
        {
            let mut s = ViewSession::issue(
                format!("edge-{i}"),
                share.token.clone(),
                format!("r-{i}"),
                started,
            );
            s.totals.visible_ms = 60_000;
            db.put(Record::Session(s));
        }
        for user in db.users.clone() {
            let caller = db.caller(&user.id).unwrap();
            let got = db.today(&caller, at).unwrap();
            if got.days.is_empty() {
                continue;
            }
            let counted: Vec<_> = db
                .sessions
                .values()
                .filter(|s| s.totals.is_counted())
                .filter_map(|s| Some((s, db.shares.get(&s.share_token)?)))
                .filter(|(_, share)| caller.covers(Some(&share.rep_id)))
                .collect();
            let window = |from: NaiveDate, to: NaiveDate| {
                let within = |t: DateTime<Utc>| (from..=to).contains(&t.date_naive());
                let views: Vec<_> = counted
                    .iter()
                    .filter(|(s, _)| within(s.started_at))
                    .collect();
                let readers: BTreeSet<String> = views
                    .iter()
                    .map(|(s, share)| {
                        db.reader_of_session(s, share)
                            .map(|c| c.id.clone())
                            .or(s.reader_token.clone())
                            .unwrap_or(s.id.clone())
                    })
                    .collect();
                let leads = db
                    .contacts
                    .values()
                    .filter(|c| c.lead_link.is_some() && within(c.created_at))
                    .filter(|c| db.sees_contact(&caller, c))
                    .count();
                (views.len(), readers.len(), leads)
            };
            let seen = |f: &crate::api::WeekFigures| (f.views, f.readers, f.leads);
            let today = at.date_naive();
            let back = |n: i64| today - Duration::days(n);
            assert_eq!(seen(&got.this_week), window(back(6), today));
            assert_eq!(seen(&got.last_week), window(back(13), back(7)));
            for (i, day) in got.days.iter().enumerate() {
                let d = back((super::TREND_DAYS - 1 - i) as i64);
                assert_eq!(day.day, d);
                assert_eq!(seen(&day.figures), window(d, d), "{}", user.id);
            }
        }
    }
}
