//! The leaderboard over a known story: a new customer, a link sent and read, and
//! the follow-up two hours after the reading began.

use super::*;
use crate::crm::{CustomerDetails, FollowUpMethod, NewCustomer, NewFollowUp};
use crate::leaderboard::{BoardQuery, Figures, Period, RankBy};
use chrono::NaiveDate;

fn board(db: &Db, who: &str, query: &BoardQuery, at: DateTime<Utc>) -> Vec<(String, u32, Figures)> {
    db.leaderboard(&db.caller(who).unwrap(), query, at)
        .unwrap()
        .standings
        .into_iter()
        .map(|s| (s.user_id, s.rank, s.figures))
        .collect()
}

fn of(rows: &[(String, u32, Figures)], id: &str) -> Figures {
    rows.iter()
        .find(|r| r.0 == id)
        .map(|r| r.2.clone())
        .unwrap()
}

#[test]
fn a_link_read_and_followed_up_moves_the_reps_figures() {
    let mut db = demo::seed(now());
    let at = now();
    let rep = db.caller("u-wanglei").unwrap();
    let day = BoardQuery {
        period: Period::Day,
        by: RankBy::FollowUps,
        department: None,
    };
    // A customer nobody has read anything from yet.
    db.create_customer(
        &rep,
        NewCustomer {
            id: "k-board".into(),
            details: CustomerDetails {
                name: "周先生".into(),
                ..Default::default()
            },
            owner_id: None,
        },
        at - Duration::hours(3),
    )
    .unwrap();
    let before = of(&board(&db, "u-wanglei", &day, at), "u-wanglei");
    // The demo's day so far: readings, but no follow-up by him yet.
    assert_eq!((before.follow_ups, before.response_minutes), (0, None));

    let read_at = at - Duration::hours(2);
    let opened = open_content_link(&mut db, &rep, "c-pricing", "k-board", "board", read_at);
    let mut read = snap("s-board", "tok-board", 30_000, &[]);
    read.reader_token = Some(opened.child_token.clone());
    db.record_snapshot(&read, read_at).unwrap();
    db.log_follow_up(
        &rep,
        "k-board",
        NewFollowUp {
            id: "fu-board".into(),
            method: FollowUpMethod::Call,
            text: "看到他在读报价，打了电话".into(),
            ..Default::default()
        },
        at,
    )
    .unwrap();

    let after = of(&board(&db, "u-wanglei", &day, at), "u-wanglei");
    assert_eq!(after.shares_sent, before.shares_sent + 1);
    assert_eq!(after.shares_read, before.shares_read + 1);
    assert_eq!(after.views, before.views + 1);
    assert_eq!(after.follow_ups, before.follow_ups + 1);
    // His only answer today: two hours after the reading began.
    if before.response_minutes.is_none() {
        assert_eq!(after.response_minutes, Some(120));
    }
    assert!(after.read_rate_pct().is_some());
    // Yesterday's board does not hold today's work.
    let yesterday = of(
        &board(&db, "u-wanglei", &day, at - Duration::days(1)),
        "u-wanglei",
    );
    assert!(yesterday.follow_ups < after.follow_ups || after.follow_ups == 1);
}

#[test]
fn a_department_board_holds_its_sellers_and_agents_have_none() {
    let db = demo::seed(now());
    let south = BoardQuery {
        department: Some("d-south".into()),
        ..Default::default()
    };
    let rows = board(&db, "u-wanglei", &south, now());
    assert!(!rows.is_empty());
    for (id, _, _) in &rows {
        let user = db.users.iter().find(|u| &u.id == id).unwrap();
        assert_eq!(user.department_id.as_deref(), Some("d-south"));
    }
    let all = board(&db, "u-admin", &BoardQuery::default(), now());
    assert!(all.len() > rows.len());
    // Ranks rise with the figure chosen (views by default).
    assert!(
        all.windows(2)
            .all(|w| w[0].2.views >= w[1].2.views && w[0].1 <= w[1].1)
    );
    let agent = db.caller("u-zhaomin").unwrap();
    assert_eq!(
        db.leaderboard(&agent, &BoardQuery::default(), now()),
        Err(StoreError::Forbidden(Action::SeeRadar))
    );
    let nowhere = BoardQuery {
        department: Some("d-none".into()),
        ..Default::default()
    };
    assert_eq!(
        db.leaderboard(&db.caller("u-admin").unwrap(), &nowhere, now()),
        Err(StoreError::NotFound("department"))
    );
}

/// The links `rep` sent from `from` to `to` and how many of them were read (a
/// counted view on the link or on one forwarded straight from it), by walking
/// every link: what the leaderboard's tallies must agree with.
fn sent_walked(db: &Db, rep: &str, from: NaiveDate, to: NaiveDate) -> (u32, u32) {
    let ix = db.ix();
    let read = |token: &str| {
        let forwards = list(&ix.children, token).iter();
        list(&ix.sessions_by_share, token)
            .iter()
            .chain(forwards.flat_map(|c| list(&ix.sessions_by_share, c)))
            .filter_map(|id| db.sessions.get(id))
            .any(|s| s.totals.is_counted())
    };
    let sent = db.shares.values().filter(|s| {
        s.parent.is_none()
            && s.via.is_none()
            && s.rep_id == rep
            && (from..=to).contains(&s.created_at.date_naive())
    });
    sent.fold((0, 0), |(links, reads), s| {
        (links + 1, reads + u32::from(read(&s.token)))
    })
}

#[test]
fn links_sent_and_read_are_those_of_a_walk_of_every_link() {
    let mut db = demo::seed(now());
    let rep = db.caller("u-wanglei").unwrap();
    // A link read only where it was forwarded: its own reader opened it without
    // reading on, the one they passed it to read it.
    let customer = customer_with_phone(&db, "u-wanglei").id;
    let new = NewShare {
        target: ShareTarget::Content("c-pricing".into()),
        contact_id: Some(customer),
        channel: Some(Channel::Wechat),
        lead_capture: Default::default(),
    };
    db.create_share(&rep, new, "tok-fwd".into(), now()).unwrap();
    let first = db
        .open_share("tok-fwd", "tok-fwd-1".into(), "s-fwd-1".into(), None, now())
        .unwrap();
    let passed_on = db
        .open_share(
            &first.child_token,
            "tok-fwd-2".into(),
            "s-fwd-2".into(),
            None,
            now(),
        )
        .unwrap();
    let today = now().date_naive();
    let before = sent_walked(&db, "u-wanglei", today, today);
    db.record_snapshot(&snap_of(&passed_on, 30_000, &[]), now())
        .unwrap();
    let after = sent_walked(&db, "u-wanglei", today, today);
    assert_eq!(
        after,
        (before.0, before.1 + 1),
        "the forward's reading counts"
    );
    assert_index_current(&db);

    let mut compared = 0;
    for at in [now(), now() - Duration::days(3), now() - Duration::days(20)] {
        for period in Period::ALL {
            let (from, to) = period.window(at.date_naive());
            let query = BoardQuery {
                period,
                by: RankBy::FollowUps,
                department: None,
            };
            for (who, _, figures) in board(&db, "u-admin", &query, at) {
                let walked = sent_walked(&db, &who, from, to);
                assert_eq!(
                    (figures.shares_sent, figures.shares_read),
                    walked,
                    "{who} {period:?} {at}"
                );
                compared += walked.1;
            }
        }
    }
    assert!(compared > 0, "some links read in the windows compared");
}
