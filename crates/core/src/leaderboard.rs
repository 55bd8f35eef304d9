//! The leaderboard (排行榜): each seller's figures over a day, a week or a month,
//! ranked by one of them. Besides the usual counts it ranks by two figures that say
//! how well a rep works the radar: how soon they follow up once a customer starts
//! reading, and how many of the links they send are read at all.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The days a board covers, ending today (UTC calendar days).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Day,
    #[default]
    Week,
    Month,
}

impl Period {
    pub const ALL: [Period; 3] = [Period::Day, Period::Week, Period::Month];

    pub fn days(self) -> i64 {
        match self {
            Period::Day => 1,
            Period::Week => 7,
            Period::Month => 30,
        }
    }

    /// The first and last day of the period ending on `today`.
    pub fn window(self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        (today - Duration::days(self.days() - 1), today)
    }

    pub fn key(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
        }
    }

    pub fn from_key(key: &str) -> Option<Period> {
        Period::ALL.into_iter().find(|p| p.key() == key)
    }
}

/// What a board is ranked by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RankBy {
    SharesSent,
    #[default]
    Views,
    Readers,
    Leads,
    FollowUps,
    DealsWon,
    WonAmount,
    /// The shortest median time from a customer's reading to the follow-up first.
    ResponseTime,
    ReadRate,
}

impl RankBy {
    pub const ALL: [RankBy; 9] = [
        RankBy::SharesSent,
        RankBy::Views,
        RankBy::Readers,
        RankBy::Leads,
        RankBy::FollowUps,
        RankBy::DealsWon,
        RankBy::WonAmount,
        RankBy::ResponseTime,
        RankBy::ReadRate,
    ];

    pub fn key(self) -> &'static str {
        match self {
            RankBy::SharesSent => "shares_sent",
            RankBy::Views => "views",
            RankBy::Readers => "readers",
            RankBy::Leads => "leads",
            RankBy::FollowUps => "follow_ups",
            RankBy::DealsWon => "deals_won",
            RankBy::WonAmount => "won_amount",
            RankBy::ResponseTime => "response_time",
            RankBy::ReadRate => "read_rate",
        }
    }

    pub fn from_key(key: &str) -> Option<RankBy> {
        RankBy::ALL.into_iter().find(|r| r.key() == key)
    }
}

/// One seller's figures over the period.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    /// Links they sent (not readers' own links).
    pub shares_sent: u32,
    /// Of those, links someone read (a counted view).
    pub shares_read: u32,
    /// Counted views through their links.
    pub views: u32,
    /// Different readers of those views.
    pub readers: u32,
    /// Readers who left their details (new leads they own).
    pub leads: u32,
    pub follow_ups: u32,
    pub deals_won: u32,
    pub won_amount_fen: i64,
    /// Median minutes from a customer starting to read (their first counted view
    /// since the last follow-up) to the rep's follow-up; `None` with no such pair.
    pub response_minutes: Option<u64>,
}

impl Figures {
    /// Links read over links sent, in percent; `None` when none were sent.
    pub fn read_rate_pct(&self) -> Option<u8> {
        (self.shares_sent > 0)
            .then(|| (u64::from(self.shares_read) * 100 / u64::from(self.shares_sent)) as u8)
    }

    /// What ranks this seller higher by `by` (greater is better).
    fn score(&self, by: RankBy) -> i128 {
        match by {
            RankBy::SharesSent => self.shares_sent.into(),
            RankBy::Views => self.views.into(),
            RankBy::Readers => self.readers.into(),
            RankBy::Leads => self.leads.into(),
            RankBy::FollowUps => self.follow_ups.into(),
            RankBy::DealsWon => self.deals_won.into(),
            RankBy::WonAmount => self.won_amount_fen.into(),
            // Faster is better; nobody answered is last.
            RankBy::ResponseTime => self.response_minutes.map_or(i128::MIN, |m| -i128::from(m)),
            RankBy::ReadRate => self.read_rate_pct().map_or(-1, i128::from),
        }
    }
}

/// One line of the board.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standing {
    /// 1 for the best; sellers who tie share a rank.
    pub rank: u32,
    pub user_id: String,
    pub name: String,
    pub figures: Figures,
}

/// A board as asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardQuery {
    #[serde(default)]
    pub period: Period,
    #[serde(default)]
    pub by: RankBy,
    /// Only the sellers of this department and those below it.
    #[serde(default)]
    pub department: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Leaderboard {
    pub period: Period,
    pub by: RankBy,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub standings: Vec<Standing>,
}

/// Ranks `rows` (user id, name, figures) by `by`, best first; ties share a rank and
/// are listed by name.
pub fn rank(mut rows: Vec<(String, String, Figures)>, by: RankBy) -> Vec<Standing> {
    rows.sort_by(|a, b| {
        b.2.score(by)
            .cmp(&a.2.score(by))
            .then_with(|| a.1.cmp(&b.1))
    });
    let mut out: Vec<Standing> = Vec::with_capacity(rows.len());
    for (i, (user_id, name, figures)) in rows.into_iter().enumerate() {
        let rank = match out.last() {
            Some(prev) if prev.figures.score(by) == figures.score(by) => prev.rank,
            _ => i as u32 + 1,
        };
        out.push(Standing {
            rank,
            user_id,
            name,
            figures,
        });
    }
    out
}

/// The median of `minutes` (the mean of the middle two for an even count).
pub fn median_minutes(mut minutes: Vec<u64>) -> Option<u64> {
    minutes.sort_unstable();
    let n = minutes.len();
    (n > 0).then(|| (minutes[(n - 1) / 2] + minutes[n / 2]) / 2)
}

/// For one customer: who answered each reading episode, and in how many minutes. An
/// episode starts at the first counted view after the previous follow-up (or ever);
/// the next follow-up (by `A`, its author) answers it. `views` and `follow_ups` are
/// in any order; only answers at `from` or later count.
pub fn responses<A: Clone>(
    mut views: Vec<DateTime<Utc>>,
    mut follow_ups: Vec<(DateTime<Utc>, A)>,
    from: DateTime<Utc>,
) -> Vec<(A, u64)> {
    views.sort_unstable();
    follow_ups.sort_by_key(|(at, _)| *at);
    let mut out = Vec::new();
    let mut previous: Option<DateTime<Utc>> = None;
    for (answer, author) in follow_ups {
        let start = views
            .iter()
            .find(|v| previous.is_none_or(|p| **v > p) && **v <= answer);
        if let Some(start) = start
            && answer >= from
        {
            let minutes = u64::try_from((answer - *start).num_minutes()).unwrap_or(0);
            out.push((author, minutes));
        }
        previous = Some(answer);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(minutes: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_795_000_000, 0).unwrap() + Duration::minutes(minutes)
    }

    #[test]
    fn a_response_counts_from_the_first_reading_since_the_last_follow_up() {
        // Read at 0 and 10, followed up at 30; read again at 100, answered at 160;
        // a follow-up with no reading before it answers nothing.
        let views = vec![t(100), t(0), t(10)];
        let follow_ups = vec![(t(160), "b"), (t(30), "a"), (t(200), "a")];
        assert_eq!(
            responses(views.clone(), follow_ups.clone(), t(0)),
            [("a", 30), ("b", 60)]
        );
        // Only answers within the period count.
        assert_eq!(responses(views, follow_ups, t(31)), [("b", 60)]);
        assert!(responses::<()>(vec![t(5)], Vec::new(), t(0)).is_empty());
        assert_eq!(median_minutes(vec![30, 60]), Some(45));
        assert_eq!(median_minutes(vec![90, 30, 60]), Some(60));
        assert_eq!(median_minutes(Vec::new()), None);
    }

    #[test]
    fn the_board_ranks_by_the_figure_chosen_ties_share_a_rank() {
        let row = |id: &str, views, response, sent, read| {
            (
                id.to_owned(),
                id.to_uppercase(),
                Figures {
                    views,
                    response_minutes: response,
                    shares_sent: sent,
                    shares_read: read,
                    ..Figures::default()
                },
            )
        };
        let rows = vec![
            row("a", 5, Some(90), 4, 1),
            row("b", 9, None, 0, 0),
            row("c", 5, Some(15), 2, 2),
        ];
        let order = |by| {
            rank(rows.clone(), by)
                .into_iter()
                .map(|s| (s.rank, s.user_id))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            order(RankBy::Views),
            [(1, "b".into()), (2, "a".into()), (2, "c".into())]
        );
        // Faster first; never answered last.
        assert_eq!(
            order(RankBy::ResponseTime),
            [(1, "c".into()), (2, "a".into()), (3, "b".into())]
        );
        // 100% before 25%; nothing sent last.
        assert_eq!(
            order(RankBy::ReadRate),
            [(1, "c".into()), (2, "a".into()), (3, "b".into())]
        );
        assert_eq!(rows[0].2.read_rate_pct(), Some(25));
        assert_eq!(rows[1].2.read_rate_pct(), None);
        assert_eq!(
            Period::Week.window(t(0).date_naive()).0,
            t(0).date_naive() - Duration::days(6)
        );
        assert_eq!(Period::from_key("month"), Some(Period::Month));
        assert_eq!(RankBy::from_key("read_rate"), Some(RankBy::ReadRate));
    }
}
