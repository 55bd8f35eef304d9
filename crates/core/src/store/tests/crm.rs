//! Working with customers: adding and editing, stages, stars, follow-ups and bulk
//! changes, with who may do each.

use super::*;
use crate::crm::{BulkChange, CustomerDetails, Entry, FollowUpMethod, NewCustomer, NewFollowUp};
use crate::customers::{CustomerQuery, CustomerView};

fn new_customer(id: &str, name: &str) -> NewCustomer {
    NewCustomer {
        id: id.into(),
        details: CustomerDetails {
            name: name.into(),
            company: " 云帆物流 ".into(),
            tags: vec!["重点".into(), " 重点".into()],
            ..CustomerDetails::default()
        },
        owner_id: None,
    }
}

fn follow_up(id: &str, next_at: Option<DateTime<Utc>>, stage: Option<&str>) -> NewFollowUp {
    NewFollowUp {
        id: id.into(),
        method: FollowUpMethod::Call,
        text: "电话沟通报价".into(),
        next_at,
        stage: stage.map(str::to_owned),
    }
}

#[test]
fn a_rep_adds_a_customer_once_and_is_told_of_the_one_they_already_have() {
    let mut db = demo::seed(now());
    let rep = db.caller("u-wanglei").unwrap();
    let c = db
        .create_customer(&rep, new_customer("cust-1", "王先生"), now())
        .unwrap();
    assert_eq!(c.owner_id.as_deref(), Some("u-wanglei"));
    assert_eq!(
        (c.company.as_str(), c.tags.clone()),
        ("云帆物流", vec!["重点".to_owned()])
    );
    assert_eq!(c.stage, crate::crm::LEAD);
    // A retry finds it; another customer's id is taken.
    let again = db
        .create_customer(&rep, new_customer("cust-1", "王先生"), now())
        .unwrap();
    assert_eq!(again, c);
    let taken = db.create_customer(&rep, new_customer("cust-1", "李先生"), now());
    assert!(matches!(taken, Err(StoreError::Invalid(e)) if e.get("id").is_some()));
    // The phone of a customer he has: pointed out, with the merge.
    let mine = customer_with_phone(&db, "u-wanglei");
    let mut twin = new_customer("cust-2", "王总");
    twin.details.phone = mine.phone.clone();
    let twin = db.create_customer(&rep, twin, now()).unwrap();
    assert_eq!(twin.probably_same_as.as_deref(), Some(mine.id.as_str()));

    // Bad details, a colleague he does not cover, an agent: refused.
    let mut bad = new_customer("cust-3", " ");
    bad.owner_id = Some("u-emily".into());
    let Err(StoreError::Invalid(e)) = db.create_customer(&rep, bad, now()) else {
        panic!("refused")
    };
    assert!(e.get("name").is_some() && e.get("owner_id").is_some());
    let agent = db.caller("u-zhaomin").unwrap();
    assert_eq!(
        db.create_customer(&agent, new_customer("cust-4", "赵"), now()),
        Err(StoreError::Forbidden(Action::EditCustomers))
    );
    // His manager may give a new customer to him.
    let manager = db.caller("u-chengang").unwrap();
    let mut for_him = new_customer("cust-5", "周女士");
    for_him.owner_id = Some("u-wanglei".into());
    assert_eq!(
        db.create_customer(&manager, for_him, now())
            .unwrap()
            .owner_id
            .as_deref(),
        Some("u-wanglei")
    );
    // Edited by whoever covers them, never by someone who only sees them.
    let mut details = CustomerDetails {
        name: "王先生".into(),
        notes: "关注报价".into(),
        ..CustomerDetails::default()
    };
    assert_eq!(
        db.update_customer(&manager, "cust-1", details.clone())
            .unwrap()
            .notes,
        "关注报价"
    );
    details.email = "not-mail".into();
    assert!(db.update_customer(&rep, "cust-1", details).is_err());
}

#[test]
fn a_follow_up_sets_the_next_time_moves_the_stage_and_joins_the_timeline() {
    let mut db = demo::seed(now());
    let rep = db.caller("u-wanglei").unwrap();
    let customer = "k-000";
    let next = now() + Duration::hours(3);
    let (entry, c) = db
        .log_follow_up(
            &rep,
            customer,
            follow_up("fu-1", Some(next), Some(crate::crm::FOLLOWING)),
            now(),
        )
        .unwrap();
    assert_eq!(c.next_follow_up_at, Some(next));
    assert_eq!(c.stage, crate::crm::FOLLOWING);
    assert_eq!(
        c.last_seen_at,
        Some(now()).max(db.contacts[customer].last_seen_at)
    );
    assert!(matches!(
        entry.entry,
        Entry::FollowUp {
            method: FollowUpMethod::Call,
            ..
        }
    ));
    // A retry is the same entry; nothing new is logged.
    let entries = db.log.len();
    let (again, _) = db
        .log_follow_up(
            &rep,
            customer,
            follow_up("fu-1", Some(next), Some(crate::crm::FOLLOWING)),
            now(),
        )
        .unwrap();
    assert_eq!((again, db.log.len()), (entry, entries));
    let timeline = db.timeline(&rep, customer).unwrap();
    let logged: Vec<&Entry> = timeline
        .iter()
        .filter_map(|a| match a {
            Activity::Logged { entry, .. } if !matches!(entry.entry, Entry::Deal { .. }) => {
                Some(&entry.entry)
            }
            _ => None,
        })
        .collect();
    assert_eq!(logged.len(), 2, "the follow-up and the stage move");
    assert!(
        logged
            .iter()
            .any(|e| matches!(e, Entry::Stage { to, .. } if to == crate::crm::FOLLOWING))
    );

    // Due today for a reader in Beijing, overdue once the time has passed.
    let view = |db: &Db, view, at| {
        db.customers(
            &rep,
            &CustomerQuery {
                view,
                tz_offset: Some(480),
                ..CustomerQuery::default()
            },
            at,
        )
        .items
        .into_iter()
        .map(|c| c.id)
        .collect::<Vec<_>>()
    };
    let today = view(&db, CustomerView::FollowUpToday, now());
    let overdue_later = view(&db, CustomerView::Overdue, next + Duration::minutes(1));
    assert!(overdue_later.contains(&customer.to_owned()));
    assert!(
        today.contains(&customer.to_owned())
            || crate::crm::due(next, now(), 480) != crate::crm::Due::Today
    );
    // Support may write one down, not move the stage; a past time is refused.
    let agent = db.caller("u-zhaomin").unwrap();
    assert!(
        db.log_follow_up(&agent, customer, follow_up("fu-2", None, None), now())
            .is_ok()
    );
    assert_eq!(
        db.log_follow_up(
            &agent,
            customer,
            follow_up("fu-3", None, Some(crate::crm::WON)),
            now()
        ),
        Err(StoreError::Forbidden(Action::EditCustomers))
    );
    let past = db.log_follow_up(
        &rep,
        customer,
        follow_up("fu-4", Some(now() - Duration::days(1)), None),
        now(),
    );
    assert!(matches!(past, Err(StoreError::Invalid(e)) if e.get("next_at").is_some()));
}

#[test]
fn stars_are_each_callers_own_and_bulk_changes_are_all_or_none() {
    let mut db = demo::seed(now());
    let rep = db.caller("u-wanglei").unwrap();
    let manager = db.caller("u-chengang").unwrap();
    db.set_star(&rep, "k-000", true).unwrap();
    let starred = |db: &Db, caller: &Caller| {
        db.customers(
            caller,
            &CustomerQuery {
                view: CustomerView::Starred,
                ..CustomerQuery::default()
            },
            now(),
        )
        .total
    };
    assert_eq!((starred(&db, &rep), starred(&db, &manager)), (1, 0));
    db.set_star(&rep, "k-000", false).unwrap();
    assert_eq!(starred(&db, &rep), 0);

    let his: Vec<String> = db
        .contacts
        .values()
        .filter(|c| c.owner_id.as_deref() == Some("u-wanglei") && c.merged.is_none())
        .take(3)
        .map(|c| c.id.clone())
        .collect();
    let stage = BulkChange::Stage {
        stage: crate::crm::OPPORTUNITY.into(),
    };
    let moved = db
        .bulk_update(&manager, &his, &stage, "bulk-1", now())
        .unwrap();
    assert!(moved.iter().all(|c| c.stage == crate::crm::OPPORTUNITY));
    let tag = BulkChange::AddTag {
        tag: "展会".into()
    };
    db.bulk_update(&rep, &his, &tag, "bulk-2", now()).unwrap();
    assert!(
        his.iter()
            .all(|id| db.contacts[id].tags.contains(&"展会".to_owned()))
    );
    // One customer outside his scope (Emily's) and nothing changes.
    let mut with_emilys = his.clone();
    with_emilys.push("k-002".into());
    let before = db.clone();
    let assign = BulkChange::Assign {
        owner_id: "u-lina".into(),
    };
    assert!(
        db.bulk_update(&manager, &with_emilys, &assign, "bulk-3", now())
            .is_err()
    );
    assert_eq!(db.contacts, before.contacts);
    // Assigning to a colleague the caller does not cover is refused as a field.
    let emily = BulkChange::Assign {
        owner_id: "u-emily".into(),
    };
    assert!(matches!(
        db.bulk_update(&manager, &his, &emily, "bulk-4", now()),
        Err(StoreError::Invalid(e)) if e.get("owner_id").is_some()
    ));
    db.bulk_update(&manager, &his, &assign, "bulk-5", now())
        .unwrap();
    assert!(
        his.iter()
            .all(|id| db.contacts[id].owner_id.as_deref() == Some("u-lina"))
    );
}

#[test]
fn a_reading_becomes_a_task_that_the_follow_up_closes() {
    use crate::crm::{TaskFilter, TaskFromReading, TaskQuery, TaskSource};
    let mut db = demo::seed(now());
    let rep = db.caller("u-wanglei").unwrap();
    let item = db
        .radar(&rep, 100)
        .unwrap()
        .into_iter()
        .find(|i| i.contact_id.is_some())
        .expect("a named reader on his radar");
    let from = TaskFromReading {
        id: "task-1".into(),
        session_id: item.session_id.clone(),
    };
    let task = db.task_from_reading(&rep, from.clone(), now()).unwrap();
    assert_eq!(task.contact_id, item.contact_id);
    assert_eq!(
        task.due_at,
        now() + Duration::minutes(crate::crm::READING_TASK_MINUTES)
    );
    assert!(
        matches!(&task.source, TaskSource::Reading { title, visit, .. } if *title == item.title && *visit == item.visit)
    );
    // A retry is the same task; Emily may not make one of his reader.
    assert_eq!(db.task_from_reading(&rep, from, now()).unwrap(), task);
    let emily = db.caller("u-emily").unwrap();
    let theirs = TaskFromReading {
        id: "task-2".into(),
        session_id: item.session_id.clone(),
    };
    assert_eq!(
        db.task_from_reading(&emily, theirs, now()),
        Err(StoreError::NotFound("reading"))
    );
    let today = |db: &Db| {
        db.tasks_for(
            &rep,
            &TaskQuery {
                filter: TaskFilter::Today,
                tz_offset: Some(0),
            },
            now(),
        )
    };
    assert_eq!(today(&db), std::slice::from_ref(&task));

    // Logging the follow-up closes it; its next time is the next task.
    let contact = item.contact_id.unwrap();
    let next = now() + Duration::days(2);
    db.log_follow_up(&rep, &contact, follow_up("fu-t", Some(next), None), now())
        .unwrap();
    assert!(today(&db).is_empty());
    assert!(db.tasks["task-1"].done_at.is_some());
    let upcoming = db.tasks_for(
        &rep,
        &TaskQuery {
            filter: TaskFilter::Upcoming,
            tz_offset: Some(0),
        },
        now(),
    );
    assert_eq!(upcoming.len(), 1);
    assert_eq!(
        (upcoming[0].due_at, upcoming[0].contact_id.as_deref()),
        (next, Some(contact.as_str()))
    );
    // Opened again by hand, and done again.
    assert!(
        db.set_task_done(&rep, "task-1", false, now())
            .unwrap()
            .done_at
            .is_none()
    );
    assert!(
        db.set_task_done(&rep, "task-1", true, now())
            .unwrap()
            .done_at
            .is_some()
    );
    assert_eq!(
        db.set_task_done(&emily, "task-1", false, now()),
        Err(StoreError::NotFound("task"))
    );
}

#[test]
fn a_deal_moves_through_the_pipeline_and_onto_the_timeline() {
    use crate::deals::{DealStage, NewDeal, PipelineQuery};
    let mut db = demo::seed(now());
    let rep = db.caller("u-wanglei").unwrap();
    let manager = db.caller("u-chengang").unwrap();
    // The demo has deals of its own: figures are compared with those before.
    let figures = |db: &Db, caller: &Caller, stage: DealStage| {
        db.pipeline_for(caller, PipelineQuery::default(), now())
            .into_iter()
            .find(|c| c.stage == stage)
            .map(|c| {
                let ids: Vec<String> = c.deals.iter().map(|d| d.deal.id.clone()).collect();
                (c.total_fen, c.weighted_fen, ids)
            })
            .unwrap()
    };
    let (qualify, qualify_weighted, _) = figures(&db, &manager, DealStage::Qualify);
    let (won_total, _, _) = figures(&db, &manager, DealStage::Won);
    let new = NewDeal {
        id: "deal-1".into(),
        contact_id: "k-000".into(),
        title: "年度订阅 120 席".into(),
        amount_fen: crate::deals::parse_yuan("86,400").unwrap(),
        ..NewDeal::default()
    };
    let deal = db.create_deal(&rep, new.clone(), now()).unwrap();
    assert_eq!(
        (deal.stage, deal.probability, deal.owner_id.as_str()),
        (DealStage::Qualify, 10, "u-wanglei")
    );
    assert_eq!(
        db.create_deal(&rep, new.clone(), now()).unwrap(),
        deal,
        "a retry"
    );
    let (total, weighted, ids) = figures(&db, &manager, DealStage::Qualify);
    assert_eq!(
        (total, weighted),
        (qualify + 8_640_000, qualify_weighted + 864_000)
    );
    assert!(ids.contains(&"deal-1".to_owned()));
    let later = now() + Duration::hours(1);
    let won = db
        .move_deal(&manager, "deal-1", DealStage::Won, "mv-1".into(), later)
        .unwrap();
    assert_eq!((won.probability, won.moved_at), (100, later));
    assert_eq!(
        figures(&db, &manager, DealStage::Won).0,
        won_total + 8_640_000
    );
    assert!(
        !figures(&db, &rep, DealStage::Qualify)
            .2
            .contains(&"deal-1".to_owned())
    );
    let this_deal = db
        .timeline(&rep, "k-000")
        .unwrap()
        .into_iter()
        .filter(|a| {
            matches!(a, Activity::Logged { entry, .. }
                if matches!(&entry.entry, Entry::Deal { deal_id, .. } if deal_id == "deal-1"))
        })
        .count();
    assert_eq!(this_deal, 2, "opened, then won");
    // Outside their scope: nobody else sees or moves it.
    let emily = db.caller("u-emily").unwrap();
    assert!(
        !figures(&db, &emily, DealStage::Won)
            .2
            .contains(&"deal-1".to_owned())
    );
    assert_eq!(
        db.move_deal(&emily, "deal-1", DealStage::Lost, "mv-2".into(), later),
        Err(StoreError::NotFound("deal"))
    );
    let mut theirs = new;
    theirs.id = "deal-2".into();
    assert!(db.create_deal(&emily, theirs, now()).is_err());
    assert!(
        db.deals_of(&rep, "k-000")
            .unwrap()
            .iter()
            .any(|d| d.id == "deal-1")
    );
}

#[test]
fn an_admin_sets_the_stages_and_new_customers_start_in_the_first() {
    let mut db = demo::seed(now());
    let (admin, rep) = (
        db.caller("u-admin").unwrap(),
        db.caller("u-wanglei").unwrap(),
    );
    let mut stages = db.org.stages();
    assert!(matches!(
        db.set_stages(&rep, stages.clone()),
        Err(StoreError::Forbidden(_))
    ));
    // A first stage of its own, and every built-in one kept (customers are in them).
    stages.insert(
        0,
        crate::crm::Stage {
            id: "new".into(),
            name: Some(" 新进线索 ".into()),
            kind: crate::crm::StageKind::Open,
        },
    );
    let org = db.set_stages(&admin, stages.clone()).unwrap();
    assert_eq!(org.stages()[0].name.as_deref(), Some("新进线索"));
    assert!(db.take_changes().contains(&Change::Org));
    let c = db
        .create_customer(&rep, new_customer("cust-s", "钱先生"), now())
        .unwrap();
    assert_eq!(c.stage, "new");
    // Taking away a stage customers are in is refused.
    stages.retain(|s| s.id != crate::crm::LEAD);
    assert!(matches!(
        db.set_stages(&admin, stages),
        Err(StoreError::Invalid(e)) if e.get("stages") == Some(&crate::validate::FieldProblem::InUse)
    ));
}

#[test]
fn with_a_tag_list_reps_apply_its_tags_and_customers_keep_old_ones() {
    let mut db = demo::seed(now());
    let (manager, rep) = (
        db.caller("u-chengang").unwrap(),
        db.caller("u-wanglei").unwrap(),
    );
    assert!(matches!(
        db.set_org_tags(&rep, &["重点".into()]),
        Err(StoreError::Forbidden(_))
    ));
    let org = db
        .set_org_tags(&manager, &["重点".into(), " 展会 ".into(), "重点".into()])
        .unwrap();
    assert_eq!(org.tags, ["重点", "展会"]);
    // 重点 is listed; 老客户 is not.
    db.create_customer(&rep, new_customer("cust-t1", "孙先生"), now())
        .unwrap();
    let mut off_list = new_customer("cust-t2", "周先生");
    off_list.details.tags = vec!["老客户".into()];
    assert!(matches!(
        db.create_customer(&rep, off_list, now()),
        Err(StoreError::Invalid(e)) if e.get("tags").is_some()
    ));
    let bulk = db.bulk_update(
        &rep,
        &["cust-t1".into()],
        &BulkChange::AddTag {
            tag: "老客户".into(),
        },
        "bulk-t",
        now(),
    );
    assert!(matches!(bulk, Err(StoreError::Invalid(e)) if e.get("tag").is_some()));
    // A tag taken off the list stays on the customers who have it, through edits.
    db.set_org_tags(&manager, &["展会".into()]).unwrap();
    let details = CustomerDetails {
        name: "孙先生".into(),
        tags: vec!["重点".into(), "展会".into()],
        ..CustomerDetails::default()
    };
    let kept = db.update_customer(&rep, "cust-t1", details).unwrap();
    assert_eq!(kept.tags, ["重点", "展会"]);
}

#[test]
fn a_rep_changes_a_deals_terms_and_a_new_amount_joins_the_story() {
    use crate::deals::{DealEdit, NewDeal};
    let mut db = demo::seed(now());
    let rep = db.caller("u-wanglei").unwrap();
    let new = NewDeal {
        id: "deal-e".into(),
        contact_id: "k-000".into(),
        title: "试点".into(),
        amount_fen: 100_000,
        ..NewDeal::default()
    };
    let deal = db.create_deal(&rep, new, now()).unwrap();
    let logged = |db: &Db| {
        db.log_of("k-000")
            .iter()
            .filter(|e| matches!(&e.entry, Entry::Deal { deal_id, .. } if deal_id == "deal-e"))
            .count()
    };
    let before = logged(&db);
    let edit = DealEdit {
        title: " 全员推广 ".into(),
        amount_fen: 2_000_000,
        expected_close: chrono::NaiveDate::from_ymd_opt(2027, 3, 31),
        probability: 40,
        log_id: "ed-1".into(),
    };
    let changed = db.update_deal(&rep, "deal-e", edit.clone(), now()).unwrap();
    assert_eq!(
        (
            changed.title.as_str(),
            changed.amount_fen,
            changed.probability,
            changed.stage
        ),
        ("全员推广", 2_000_000, 40, deal.stage)
    );
    assert_eq!(changed.moved_at, deal.moved_at, "terms are not a move");
    assert_eq!(logged(&db), before + 1);
    // The same edit again (a retry) logs nothing new; a probability alone is quiet.
    db.update_deal(&rep, "deal-e", edit.clone(), now()).unwrap();
    let quiet = DealEdit {
        probability: 60,
        log_id: "ed-2".into(),
        ..edit.clone()
    };
    db.update_deal(&rep, "deal-e", quiet, now()).unwrap();
    assert_eq!(logged(&db), before + 1);
    let bad = DealEdit {
        probability: 101,
        ..edit.clone()
    };
    assert!(matches!(
        db.update_deal(&rep, "deal-e", bad, now()),
        Err(StoreError::Invalid(e)) if e.get("probability").is_some()
    ));
    // Another rep's deal is not there for Emily.
    let emily = db.caller("u-emily").unwrap();
    assert!(matches!(
        db.update_deal(&emily, "deal-e", edit, now()),
        Err(StoreError::NotFound(_))
    ));
}

#[test]
fn a_log_id_in_use_names_nothing_else() {
    use crate::deals::{DealEdit, DealStage};
    let mut db = demo::seed(now());
    let rep = db.caller("u-wanglei").unwrap();
    db.create_customer(&rep, new_customer("cust-l", "冯先生"), now())
        .unwrap();
    db.log_follow_up(&rep, "cust-l", follow_up("fu-l", None, None), now())
        .unwrap();
    let deal = db
        .deals
        .values()
        .find(|d| d.owner_id == "u-wanglei")
        .unwrap()
        .clone();
    fn taken<T>(r: StoreResult<T>) -> bool {
        matches!(r, Err(StoreError::Invalid(e)) if e.get("log_id").is_some())
    }
    assert!(taken(db.move_deal(
        &rep,
        &deal.id,
        DealStage::Won,
        "fu-l".into(),
        now()
    )));
    let edit = DealEdit {
        title: "改名".into(),
        amount_fen: 1,
        expected_close: None,
        probability: 5,
        log_id: "fu-l".into(),
    };
    assert!(taken(db.update_deal(&rep, &deal.id, edit, now())));
    assert!(taken(db.set_stage(
        &rep,
        &deal.contact_id,
        crate::crm::WON,
        "fu-l".into(),
        now()
    )));
    assert!(matches!(
        &db.log.get("fu-l").unwrap().entry,
        Entry::FollowUp { .. }
    ));
}
