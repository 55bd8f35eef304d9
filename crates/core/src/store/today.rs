//! The workbench's "today": who is reading right now, what is waiting for an answer,
//! and this week against last, all within the caller's scope.

use super::{Db, StoreResult};
use crate::api::{DayFigures, Today, WeekFigures};
use crate::scope::{Action, Caller};
use crate::tracking::ViewSession;
use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeSet;

/// A reading seen this recently is "reading now".
pub const NOW_MINUTES: i64 = 30;
/// Most "reading now" lines shown.
const NOW_LINES: usize = 6;
/// Days of views drawn as the trend.
pub const TREND_DAYS: usize = 14;

impl Db {
    /// The caller's day at `now`. The readings are the team's (a rep's own); agents,
    /// who have no radar, get the inbox figures alone.
    pub fn today(&self, caller: &Caller, now: DateTime<Utc>) -> StoreResult<Today> {
        let unread_conversations = self
            .conversations
            .values()
            .filter(|v| v.unread > 0 && self.sees_conversation(caller, v))
            .count();
        if !caller.may(Action::SeeRadar) {
            return Ok(Today {
                unread_conversations,
                ..Today::default()
            });
        }
        let counted = self.counted_sessions(caller);

        let mut recent: Vec<&&ViewSession> = counted
            .iter()
            .filter(|s| now - s.last_seen_at <= Duration::minutes(NOW_MINUTES))
            .collect();
        recent.sort_by_key(|s| std::cmp::Reverse(s.last_seen_at));
        let reading_now = recent
            .iter()
            .take(NOW_LINES)
            .filter_map(|s| self.radar_item(&s.id))
            .collect();

        let views = counted.iter().map(|s| (s.started_at, self.reader_key(s)));
        let leads = self
            .contacts
            .values()
            .filter(|c| c.lead_link.is_some() && self.sees_contact(caller, c))
            .map(|c| c.created_at);
        let Reach {
            this_week,
            last_week,
            days,
        } = reach(now, views, leads);
        Ok(Today {
            reading_now,
            unread_conversations,
            this_week,
            last_week,
            days,
        })
    }
}

impl Db {
    /// Who read in `s`, for counting readers: their customer when the link names
    /// one, else their own link, else the view itself.
    fn reader_key(&self, s: &ViewSession) -> String {
        self.shares
            .get(&s.share_token)
            .and_then(|share| share.contact_id.clone())
            .or_else(|| s.reader_token.clone())
            .unwrap_or_else(|| s.id.clone())
    }
}

/// Today's week and day figures.
struct Reach {
    this_week: WeekFigures,
    last_week: WeekFigures,
    /// The last [`TREND_DAYS`] days, oldest first.
    days: Vec<DayFigures>,
}

/// Views, readers and new leads at `now` for this week, last week and each of the
/// trend's days, from the counted views in scope (when each started, and who read
/// it) and the new leads in scope (when each was made). Each window is (from, to]
/// ending at `now` less whole weeks or days, so a time `age` before now is in day
/// `age.num_days()`; one pass over each input.
fn reach(
    now: DateTime<Utc>,
    views: impl IntoIterator<Item = (DateTime<Utc>, String)>,
    leads: impl IntoIterator<Item = DateTime<Utc>>,
) -> Reach {
    const WEEKS: usize = 2;
    let mut viewed = [0usize; WEEKS + TREND_DAYS];
    let mut readers: Vec<BTreeSet<String>> = vec![BTreeSet::new(); WEEKS + TREND_DAYS];
    let mut led = [0usize; WEEKS + TREND_DAYS];
    let windows = |at: DateTime<Utc>| {
        let age = now - at;
        let days = if age < Duration::zero() {
            usize::MAX
        } else {
            usize::try_from(age.num_days()).unwrap_or(usize::MAX)
        };
        let week = (days < 7 * WEEKS).then_some(days / 7);
        // Saturating: a time in the future is `usize::MAX` days old.
        let day = (days < TREND_DAYS).then_some(WEEKS.saturating_add(days));
        week.into_iter().chain(day)
    };
    for (started, reader) in views {
        for w in windows(started) {
            viewed[w] += 1;
            readers[w].insert(reader.clone());
        }
    }
    for created in leads {
        for w in windows(created) {
            led[w] += 1;
        }
    }
    let figures = |w: usize| WeekFigures {
        views: viewed[w],
        readers: readers[w].len(),
        leads: led[w],
    };
    Reach {
        this_week: figures(0),
        last_week: figures(1),
        days: (0..TREND_DAYS)
            .rev()
            .map(|back| DayFigures {
                day: (now - Duration::days(back as i64)).date_naive(),
                figures: figures(WEEKS + back),
            })
            .collect(),
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

    /// Each window counted the plain way, (from, to] filtered one by one: what the
    /// single pass in `today` must equal, boundaries included.
    #[test]
    fn the_single_pass_counts_each_window_as_filtering_it_would() {
        use crate::store::Record;
        use crate::tracking::ViewSession;
        use chrono::Duration;
        use std::collections::BTreeSet;
        let at = now();
        let mut db = demo::seed(at);
        // Views started exactly on window edges, and one in the future.
        let share = db
            .shares
            .values()
            .find(|s| s.parent.is_none())
            .cloned()
            .unwrap();
        for (i, back) in [0, 1, 7, 14, -1].into_iter().enumerate() {
            let started = at - Duration::days(back);
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
            let counted = db.counted_sessions(&caller);
            let window = |from: DateTime<Utc>, to: DateTime<Utc>| {
                let within = |t: DateTime<Utc>| t > from && t <= to;
                let views: Vec<_> = counted.iter().filter(|s| within(s.started_at)).collect();
                let readers: BTreeSet<String> = views.iter().map(|s| db.reader_key(s)).collect();
                let leads = db
                    .contacts
                    .values()
                    .filter(|c| c.lead_link.is_some() && within(c.created_at))
                    .filter(|c| db.sees_contact(&caller, c))
                    .count();
                (views.len(), readers.len(), leads)
            };
            let seen = |f: &crate::api::WeekFigures| (f.views, f.readers, f.leads);
            assert_eq!(seen(&got.this_week), window(at - Duration::days(7), at));
            assert_eq!(
                seen(&got.last_week),
                window(at - Duration::days(14), at - Duration::days(7))
            );
            for (i, day) in got.days.iter().enumerate() {
                let to = at - Duration::days((super::TREND_DAYS - 1 - i) as i64);
                assert_eq!(day.day, to.date_naive());
                assert_eq!(
                    seen(&day.figures),
                    window(to - Duration::days(1), to),
                    "{}",
                    user.id
                );
            }
        }
    }
}
