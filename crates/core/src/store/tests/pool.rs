//! The public pool: claiming within its rules, giving back, locks, the rules' run
//! on a simulated clock, and every change of owner in the log.

use super::*;
use crate::crm::{Entry, OwnerChange, POOL_RULES_AUTHOR};
use crate::pool::{Pool, PoolRules, Verdict};
use crate::store::{PoolRun, ReleaseCustomer};
use crate::validate::FieldProblem;

fn waiting(db: &Db) -> Vec<String> {
    db.contacts
        .values()
        .filter(|c| c.owner_id.is_none() && c.pool_id.as_deref() == Some("p-all"))
        .map(|c| c.id.clone())
        .collect()
}

/// The demo pool's rules, changed by `change`.
fn set_rules(db: &mut Db, change: impl FnOnce(PoolRules) -> PoolRules) {
    let admin = db.caller("u-admin").unwrap();
    let mut pools = db.org.pools.clone();
    pools[0].rules = change(pools[0].rules);
    db.set_pools(&admin, pools).unwrap();
}

fn owner_log(db: &Db, id: &str) -> Vec<(OwnerChange, Option<String>, Option<String>, String)> {
    let mut entries: Vec<_> = db.log.values().filter(|e| e.contact_id == id).collect();
    entries.sort_by_key(|e| e.at);
    entries
        .into_iter()
        .filter_map(|e| match &e.entry {
            Entry::Owner { how, from, to, .. } => {
                Some((*how, from.clone(), to.clone(), e.author_id.clone()))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn a_rep_claims_up_to_the_daily_limit_and_is_refused_beyond_it() {
    let mut db = demo::seed(now());
    set_rules(&mut db, |r| PoolRules {
        claims_per_day: 2,
        ..r
    });
    let rep = db.caller("u-wanglei").unwrap();
    let pool = waiting(&db);
    assert!(pool.len() >= 3);
    // Pool customers are seen by the pool's users, but not in their own lists.
    assert!(db.visible_contact(&rep, &pool[0]).is_ok());
    assert!(!db.contacts_for(&rep).iter().any(|c| c.id == pool[0]));
    let listed = db.customers(
        &rep,
        &crate::customers::CustomerQuery {
            pool: Some("p-all".into()),
            ..Default::default()
        },
        now(),
    );
    assert_eq!(listed.total, pool.len());
    let summary = db.pools_for(&rep, now());
    assert_eq!(
        (summary[0].waiting as usize, summary[0].claimed_today),
        (pool.len(), 0)
    );

    let got = db.claim(&rep, &pool[0], "claim-1".into(), now()).unwrap();
    assert_eq!(got.owner_id.as_deref(), Some("u-wanglei"));
    assert_eq!((got.pool_id, got.owned_since), (None, Some(now())));
    // The same claim again (a retry) is the same answer, not a second claim.
    db.claim(&rep, &pool[0], "claim-1".into(), now()).unwrap();
    db.claim(&rep, &pool[1], "claim-2".into(), now()).unwrap();
    let refused = db
        .claim(&rep, &pool[2], "claim-3".into(), now())
        .unwrap_err();
    assert_eq!(
        refused,
        StoreError::Invalid(FieldErrors(vec![crate::validate::FieldError {
            field: "claim".into(),
            problem: FieldProblem::Limit,
        }]))
    );
    assert!(db.contacts[&pool[2]].owner_id.is_none());
    // Tomorrow the limit starts again.
    let tomorrow = now() + Duration::days(1);
    db.claim(&rep, &pool[2], "claim-4".into(), tomorrow)
        .unwrap();
    assert_eq!(db.pools_for(&rep, tomorrow)[0].claimed_today, 1);
    assert_eq!(
        owner_log(&db, &pool[0]),
        [(
            OwnerChange::Claimed,
            None,
            Some("u-wanglei".into()),
            "u-wanglei".into()
        )]
    );
    // Someone else's customer is not in the pool to claim.
    let lina = db.caller("u-lina").unwrap();
    assert!(db.claim(&lina, &pool[0], "claim-5".into(), now()).is_err());
    // An agent uses no pool.
    let agent = db.caller("u-zhaomin").unwrap();
    assert_eq!(
        db.visible_contact(&agent, &pool[3]).map(|_| ()),
        Err(StoreError::NotFound("contact"))
    );
}

#[test]
fn the_most_a_rep_may_own_and_the_wait_before_claiming_back() {
    let mut db = demo::seed(now());
    let rep = db.caller("u-wanglei").unwrap();
    let owned = db
        .contacts
        .values()
        .filter(|c| c.owner_id.as_deref() == Some("u-wanglei"))
        .count() as u32;
    set_rules(&mut db, |r| PoolRules {
        max_customers: owned,
        reclaim_after_days: 7,
        ..r
    });
    let pool = waiting(&db);
    let err = db.claim(&rep, &pool[0], "c-1".into(), now()).unwrap_err();
    assert!(matches!(&err, StoreError::Invalid(e) if e.get("owned") == Some(&FieldProblem::Limit)));
    // Giving one back makes room, but not for the one given back, for a week.
    let mine = db
        .contacts
        .values()
        .find(|c| c.owner_id.as_deref() == Some("u-wanglei"))
        .map(|c| c.id.clone())
        .unwrap();
    let release = |log_id: &str, reason: &str| ReleaseCustomer {
        pool_id: None,
        reason: reason.into(),
        log_id: log_id.into(),
    };
    assert!(db.release(&rep, &mine, release("r-1", " "), now()).is_err());
    let back = db
        .release(&rep, &mine, release("r-1", "预算冻结，明年再谈"), now())
        .unwrap();
    assert_eq!(back.owner_id, None);
    assert_eq!(back.pool_id.as_deref(), Some("p-all"));
    assert_eq!(
        back.released.as_ref().map(|r| r.owner_id.as_str()),
        Some("u-wanglei")
    );
    let soon = db
        .claim(&rep, &mine, "c-2".into(), now() + Duration::days(6))
        .unwrap_err();
    assert!(
        matches!(&soon, StoreError::Invalid(e) if e.get("claim") == Some(&FieldProblem::NotYet))
    );
    db.claim(&rep, &pool[0], "c-3".into(), now()).unwrap();
    // Another rep (with room) may take them at once.
    set_rules(&mut db, |r| PoolRules {
        max_customers: 1_000,
        ..r
    });
    let lina = db.caller("u-lina").unwrap();
    db.claim(&lina, &mine, "c-4".into(), now() + Duration::minutes(1))
        .unwrap();
    let log = owner_log(&db, &mine);
    assert_eq!(log[0].0, OwnerChange::Returned);
    assert_eq!(log[1].0, OwnerChange::Claimed);
    let reasons: Vec<_> = db
        .log
        .values()
        .filter_map(|e| match &e.entry {
            Entry::Owner { reason, .. } if !reason.is_empty() => Some(reason.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(reasons, ["预算冻结，明年再谈"]);
}

#[test]
fn the_rules_recycle_the_neglected_hold_the_engaged_and_keep_the_locked() {
    let mut db = demo::seed(now());
    set_rules(&mut db, |r| PoolRules {
        recycle_without_follow_up_days: 10,
        recycle_without_won_deal_days: 0,
        warn_days: 3,
        engaged_intent: 70,
        engaged_within_hours: 0,
        ..r
    });
    let rep = db.caller("u-wanglei").unwrap();
    let mut mine: Vec<String> = db
        .contacts
        .values()
        .filter(|c| c.owner_id.as_deref() == Some("u-wanglei") && c.merged.is_none())
        .map(|c| c.id.clone())
        .collect();
    mine.truncate(3);
    let [neglected, engaged, locked] = [&mine[0], &mine[1], &mine[2]].map(|s| s.clone());
    let start = now() - Duration::days(20);
    for id in &mine {
        let c = db.contacts.get_mut(id).unwrap();
        c.owned_since = Some(start);
        c.intent = 10;
        c.last_seen_at = Some(start);
    }
    db.log.retain(|_, e| !mine.contains(&e.contact_id));
    // Written past the operations: the lookups (the latest follow-ups) are built again.
    db.forget_lookups();
    db.contacts.get_mut(&engaged).unwrap().intent = 85;
    db.set_lock(&rep, &locked, true).unwrap();

    // Eight days in: warned, nothing moves.
    let day8 = start + Duration::days(8);
    let due = start + Duration::days(10);
    let listed: Vec<_> = db
        .due_back(&rep, day8)
        .into_iter()
        .filter(|d| mine.contains(&d.contact.id))
        .map(|d| (d.contact.id, d.verdict))
        .collect();
    let mut warned = vec![
        (neglected.clone(), Verdict::Warn { due }),
        (engaged.clone(), Verdict::Warn { due }),
    ];
    warned.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(listed, warned, "the locked one is not due back");
    let run = db.run_pool_rules(day8);
    assert!(!run.recycled.contains(&neglected));

    // Due: the neglected one goes back, the engaged one stays with a task.
    let day10 = due;
    db.take_changes();
    let run = db.run_pool_rules(day10);
    assert!(run.recycled.contains(&neglected), "{run:?}");
    assert!(!run.recycled.contains(&engaged) && !run.recycled.contains(&locked));
    assert!(run.held.contains(&engaged));
    assert_eq!(db.contacts[&neglected].owner_id, None);
    assert_eq!(db.contacts[&neglected].pool_id.as_deref(), Some("p-all"));
    assert_eq!(db.contacts[&engaged].owner_id.as_deref(), Some("u-wanglei"));
    assert_eq!(db.contacts[&locked].owner_id.as_deref(), Some("u-wanglei"));
    assert_eq!(
        owner_log(&db, &neglected),
        [(
            OwnerChange::Recycled,
            Some("u-wanglei".into()),
            None,
            POOL_RULES_AUTHOR.into()
        )]
    );
    let task = db
        .tasks
        .values()
        .find(|t| t.contact_id.as_deref() == Some(engaged.as_str()))
        .expect("a task for the engaged customer's owner");
    assert_eq!(task.owner_id, "u-wanglei");
    assert!(matches!(task.source, crate::crm::TaskSource::PoolHold { due_at } if due_at == due));
    // The manager sees it among their team's customers due back.
    let manager = db.caller("u-chengang").unwrap();
    assert!(
        db.due_back(&manager, day10)
            .iter()
            .any(|d| d.contact.id == engaged && matches!(d.verdict, Verdict::Engaged { .. }))
    );
    let changes = db.take_changes();
    assert!(changes.contains(&Change::Contact(neglected.clone())));

    // Running again (a second server, a restart) changes nothing more.
    assert_eq!(db.run_pool_rules(day10), PoolRun::default());
    assert!(db.take_changes().is_empty());
    // A follow-up restarts the engaged customer's clock.
    db.log_follow_up(
        &rep,
        &engaged,
        crate::crm::NewFollowUp {
            id: "fu-hold".into(),
            method: crate::crm::FollowUpMethod::Call,
            text: "约了下周演示".into(),
            ..Default::default()
        },
        day10,
    )
    .unwrap();
    assert!(
        !db.due_back(&rep, day10)
            .iter()
            .any(|d| d.contact.id == engaged)
    );
}

#[test]
fn locks_stop_at_the_pools_limit_and_pools_in_use_stay() {
    let mut db = demo::seed(now());
    set_rules(&mut db, |r| PoolRules {
        locks_per_rep: 1,
        ..r
    });
    let rep = db.caller("u-wanglei").unwrap();
    let mine: Vec<String> = db
        .contacts
        .values()
        .filter(|c| c.owner_id.as_deref() == Some("u-wanglei"))
        .map(|c| c.id.clone())
        .take(2)
        .collect();
    db.set_lock(&rep, &mine[0], true).unwrap();
    let err = db.set_lock(&rep, &mine[1], true).unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(e) if e.get("locked") == Some(&FieldProblem::Range))
    );
    db.set_lock(&rep, &mine[0], false).unwrap();
    db.set_lock(&rep, &mine[1], true).unwrap();

    let admin = db.caller("u-admin").unwrap();
    assert!(matches!(
        db.set_pools(&rep, Vec::new()),
        Err(StoreError::Forbidden(_))
    ));
    let err = db.set_pools(&admin, Vec::new()).unwrap_err();
    assert!(matches!(&err, StoreError::Invalid(e) if e.get("pools") == Some(&FieldProblem::InUse)));
    // A second pool for South China only: its customers are not East China's to see.
    let mut pools = db.org.pools.clone();
    pools.push(Pool {
        id: "p-south".into(),
        name: "华南公海".into(),
        department_ids: vec!["d-south".into()],
        rules: PoolRules::default(),
    });
    db.set_pools(&admin, pools).unwrap();
    let south_rep = db
        .users
        .iter()
        .find(|u| {
            u.department_id.as_deref() == Some("d-south") && u.role == crate::people::Role::Rep
        })
        .map(|u| u.id.clone())
        .unwrap();
    let south = db.caller(&south_rep).unwrap();
    assert_eq!(db.pools_for(&south, now()).len(), 2);
    assert_eq!(db.pools_for(&rep, now()).len(), 1);
}

#[test]
fn assigning_and_transferring_are_logged_and_managers_hand_out_pool_customers() {
    let mut db = demo::seed(now());
    let manager = db.caller("u-chengang").unwrap();
    let pool = waiting(&db);
    let mine = db
        .contacts
        .values()
        .find(|c| c.owner_id.as_deref() == Some("u-wanglei"))
        .map(|c| c.id.clone())
        .unwrap();
    let ids = vec![pool[0].clone(), mine.clone()];
    db.bulk_update(
        &manager,
        &ids,
        &crate::crm::BulkChange::Assign {
            owner_id: "u-lina".into(),
        },
        "bulk-1",
        now(),
    )
    .unwrap();
    assert_eq!(owner_log(&db, &pool[0])[0].0, OwnerChange::Assigned);
    assert_eq!(owner_log(&db, &mine)[0].0, OwnerChange::Transferred);
    assert_eq!(db.contacts[&pool[0]].pool_id, None);
    assert_eq!(db.contacts[&pool[0]].owner_id.as_deref(), Some("u-lina"));
    // A rep may not hand out pool customers; they claim them.
    let rep = db.caller("u-wanglei").unwrap();
    let err = db
        .bulk_update(
            &rep,
            std::slice::from_ref(&pool[1]),
            &crate::crm::BulkChange::Assign {
                owner_id: "u-wanglei".into(),
            },
            "bulk-2",
            now(),
        )
        .unwrap_err();
    assert_eq!(err, StoreError::Forbidden(Action::EditCustomers));
}

/// What the end-to-end test counts on: with the demo's rules made strict (ten
/// days without a follow-up, no reading window), a run sends some of the demo's
/// customers back and keeps some hot ones with a task, and 王磊 has both kinds.
#[test]
fn strict_rules_on_the_demo_recycle_some_and_hold_some_hot_ones() {
    let mut db = demo::seed(now());
    set_rules(&mut db, |r| PoolRules {
        recycle_without_follow_up_days: 10,
        engaged_within_hours: 0,
        ..r
    });
    let run = db.run_pool_rules(now());
    let of = |ids: &[String]| {
        ids.iter()
            .filter(|id| {
                db.log.values().any(|e| {
                    &e.contact_id == *id
                        && matches!(&e.entry, Entry::Owner { from: Some(f), .. } if f == "u-wanglei")
                }) || db.contacts[*id].owner_id.as_deref() == Some("u-wanglei")
            })
            .count()
    };
    assert!(of(&run.recycled) > 0 && of(&run.held) > 0, "{run:?}");
}
