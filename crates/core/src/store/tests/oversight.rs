//! The team board over a known story: 李娜's customer reads a link and waits for a
//! follow-up while her manager watches; an overdue task; who sees whose rows.

use super::*;
use crate::crm::{CustomerDetails, FollowUpMethod, NewCustomer, NewFollowUp, NewTask};
use crate::oversight::{TeamBoard, TeamQuery};

fn board_of(db: &Db, who: &str, at: DateTime<Utc>) -> TeamBoard {
    db.team_board(&db.caller(who).unwrap(), &TeamQuery::default(), at)
        .unwrap()
}

fn rep_ids(board: &TeamBoard) -> Vec<&str> {
    let mut ids: Vec<&str> = board.reps.iter().map(|r| r.rep_id.as_str()).collect();
    ids.sort_unstable();
    ids
}

#[test]
fn a_manager_sees_their_department_and_a_rep_sees_themselves() {
    let db = demo::seed(now());
    assert_eq!(
        rep_ids(&board_of(&db, "u-chengang", now())),
        ["u-chengang", "u-lina", "u-wanglei"]
    );
    assert_eq!(rep_ids(&board_of(&db, "u-wanglei", now())), ["u-wanglei"]);
    assert_eq!(board_of(&db, "u-admin", now()).reps.len(), 5);
    let shanghai = TeamQuery {
        department: Some("d-shanghai".into()),
    };
    let manager = db.caller("u-chengang").unwrap();
    let rows = db.team_board(&manager, &shanghai, now()).unwrap();
    assert_eq!(rep_ids(&rows), ["u-lina"]);
    // Everything listed belongs to a seller on the board.
    let board = board_of(&db, "u-chengang", now());
    let ids = rep_ids(&board);
    assert!(
        board
            .waiting
            .iter()
            .all(|w| ids.contains(&w.owner_id.as_str()))
    );
    assert!(
        board
            .overdue
            .iter()
            .all(|t| ids.contains(&t.task.owner_id.as_str()))
    );
    assert!(
        board
            .going_back
            .iter()
            .all(|g| ids.contains(&g.owner_id.as_str()))
    );
    assert_eq!(
        db.team_board(
            &db.caller("u-zhaomin").unwrap(),
            &TeamQuery::default(),
            now()
        ),
        Err(StoreError::Forbidden(Action::SeeRadar))
    );
    let nowhere = TeamQuery {
        department: Some("d-none".into()),
    };
    assert_eq!(
        db.team_board(&manager, &nowhere, now()),
        Err(StoreError::NotFound("department"))
    );
}

#[test]
fn a_hot_lead_waits_until_followed_up_and_turns_late_after_a_day() {
    let mut db = demo::seed(now());
    let rep = db.caller("u-lina").unwrap();
    let read_at = now() - Duration::hours(30);
    db.create_customer(
        &rep,
        NewCustomer {
            id: "k-wait".into(),
            details: CustomerDetails {
                name: "吴女士".into(),
                ..Default::default()
            },
            owner_id: None,
        },
        read_at - Duration::hours(1),
    )
    .unwrap();
    let opened = open_content_link(&mut db, &rep, "c-pricing", "k-wait", "wait", read_at);
    db.record_snapshot(&snap_of(&opened, 60_000, &[]), read_at)
        .unwrap();
    let row = |b: &TeamBoard| {
        b.reps
            .iter()
            .find(|r| r.rep_id == "u-lina")
            .cloned()
            .unwrap()
    };
    let before = board_of(&db, "u-chengang", now());
    // Read, but not hot: nobody is chased for a lukewarm reader.
    assert!(!before.waiting.iter().any(|w| w.contact_id == "k-wait"));

    db.contacts.get_mut("k-wait").unwrap().intent = crate::intent::HOT_THRESHOLD;
    let early = board_of(&db, "u-chengang", read_at + Duration::hours(2));
    let waiting = early
        .waiting
        .iter()
        .find(|w| w.contact_id == "k-wait")
        .unwrap();
    assert_eq!((waiting.reading_since, waiting.late), (read_at, false));
    let board = board_of(&db, "u-chengang", now());
    let waiting = board
        .waiting
        .iter()
        .find(|w| w.contact_id == "k-wait")
        .unwrap();
    assert_eq!((waiting.owner_id.as_str(), waiting.late), ("u-lina", true));
    assert_eq!(row(&board).hot_late, row(&before).hot_late + 1);
    // Her own view holds it too; 王磊's does not.
    assert!(
        board_of(&db, "u-lina", now())
            .waiting
            .iter()
            .any(|w| w.contact_id == "k-wait")
    );
    assert!(
        !board_of(&db, "u-wanglei", now())
            .waiting
            .iter()
            .any(|w| w.contact_id == "k-wait")
    );

    // Another server holds the same data, its lookups built.
    db.take_changes();
    let mut other = db.clone();
    board_of(&other, "u-chengang", now());
    db.log_follow_up(
        &rep,
        "k-wait",
        NewFollowUp {
            id: "fu-wait".into(),
            method: FollowUpMethod::Call,
            text: "打了电话".into(),
            ..Default::default()
        },
        now(),
    )
    .unwrap();
    let after = board_of(&db, "u-chengang", now());
    assert!(!after.waiting.iter().any(|w| w.contact_id == "k-wait"));
    assert_eq!(row(&after).hot_late, row(&before).hot_late);
    assert_index_current(&db);
    // The follow-up put on the other server answers the reading there too.
    put_changes(&mut db, &mut other);
    assert_index_current(&other);
    assert_eq!(board_of(&other, "u-chengang", now()), after);

    // A reading of another content after the follow-up waits again, from its start.
    let again = now() + Duration::hours(1);
    let opened = open_content_link(&mut db, &rep, "c-service", "k-wait", "wait-service", again);
    db.record_snapshot(&snap_of(&opened, 60_000, &[]), again)
        .unwrap();
    db.contacts.get_mut("k-wait").unwrap().intent = crate::intent::HOT_THRESHOLD;
    let board = board_of(&db, "u-chengang", again + Duration::hours(2));
    let waiting = board.waiting.iter().find(|w| w.contact_id == "k-wait");
    assert_eq!(
        waiting.map(|w| (w.reading_since, w.late)),
        Some((again, false))
    );
}

#[test]
fn an_overdue_task_shows_on_its_owners_row_until_done() {
    let mut db = demo::seed(now());
    let rep = db.caller("u-wanglei").unwrap();
    let before = board_of(&db, "u-chengang", now());
    let count = |b: &TeamBoard| {
        b.reps
            .iter()
            .find(|r| r.rep_id == "u-wanglei")
            .map(|r| r.overdue_tasks)
            .unwrap()
    };
    db.create_task(
        &rep,
        NewTask {
            id: "task-late".into(),
            contact_id: None,
            title: "寄样品".into(),
            due_at: now() - Duration::hours(3),
        },
        now() - Duration::days(1),
    )
    .unwrap();
    let board = board_of(&db, "u-chengang", now());
    assert_eq!(count(&board), count(&before) + 1);
    assert!(board.overdue.iter().any(|t| t.task.id == "task-late"));
    // An hour before it was due, it was not overdue.
    let earlier = board_of(&db, "u-chengang", now() - Duration::hours(4));
    assert!(!earlier.overdue.iter().any(|t| t.task.id == "task-late"));
}
