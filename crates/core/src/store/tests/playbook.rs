//! Content that works, over a known story: a customer reads the pricing article
//! and buys; a customer with the same interests is then offered it; who may ask.

use super::*;
use crate::crm::{CustomerDetails, NewCustomer};
use crate::deals::{DealStage, NewDeal};
use crate::playbook::{Reason, WhatWorks, WhatWorksQuery};

fn customer(db: &mut Db, rep: &Caller, id: &str, interest: u64, at: DateTime<Utc>) {
    db.create_customer(
        rep,
        NewCustomer {
            id: id.into(),
            details: CustomerDetails {
                name: id.into(),
                ..Default::default()
            },
            owner_id: None,
        },
        at,
    )
    .unwrap();
    db.contacts.get_mut(id).unwrap().interests =
        [("价格".to_string(), interest)].into_iter().collect();
}

fn send(db: &mut Db, rep: &Caller, contact: &str, token: &str, at: DateTime<Utc>) {
    let new = NewShare {
        target: ShareTarget::Content("c-pricing".into()),
        contact_id: Some(contact.into()),
        channel: Some(Channel::Wechat),
        lead_capture: Default::default(),
    };
    db.create_share(rep, new, token.into(), at).unwrap();
}

fn pricing(works: &WhatWorks) -> crate::playbook::ContentEffect {
    works
        .items
        .iter()
        .find(|e| e.content_id == "c-pricing")
        .cloned()
        .unwrap()
}

#[test]
fn what_a_buyer_read_is_offered_to_customers_like_them() {
    let mut db = demo::seed(now());
    let rep = db.caller("u-wanglei").unwrap();
    let all = WhatWorksQuery::default();
    let before = pricing(&db.what_works(&rep, &all).unwrap());

    let read_at = now() - Duration::days(5);
    customer(&mut db, &rep, "k-buyer", 300, read_at - Duration::hours(1));
    send(&mut db, &rep, "k-buyer", "tok-buyer", read_at);
    let opened = db
        .open_share(
            "tok-buyer",
            "tok-buyer-1".into(),
            "s-buyer".into(),
            None,
            read_at,
        )
        .unwrap();
    db.record_snapshot(&snap_of(&opened, 90_000, &[]), read_at)
        .unwrap();
    db.create_deal(
        &rep,
        NewDeal {
            id: "d-buyer".into(),
            contact_id: "k-buyer".into(),
            title: "年度版".into(),
            amount_fen: 1_200_000,
            expected_close: None,
            probability: None,
        },
        read_at,
    )
    .unwrap();
    db.move_deal(
        &rep,
        "d-buyer",
        DealStage::Won,
        "mv-buyer".into(),
        now() - Duration::days(1),
    )
    .unwrap();

    let after = pricing(&db.what_works(&rep, &all).unwrap());
    assert_eq!(after.deals_won, before.deals_won + 1);
    assert_eq!(after.won_amount_fen, before.won_amount_fen + 1_200_000);
    assert_eq!(after.readers, before.readers + 1);
    // The same figures for everyone who shares: they are the organization's.
    let lina = db.caller("u-lina").unwrap();
    assert_eq!(pricing(&db.what_works(&lina, &all).unwrap()), after);

    // A customer who cares about price as the buyer did, and was never sent it.
    customer(&mut db, &rep, "k-alike", 40, now() - Duration::hours(2));
    let offered = db.suggestions(&rep, "k-alike").unwrap();
    let first = offered
        .iter()
        .find(|s| s.content_id == "c-pricing")
        .unwrap();
    assert!(
        matches!(first.reason, Reason::LikeThemBought { customers } if customers >= 1),
        "{first:?}"
    );
    // Once sent, it is not offered again.
    send(&mut db, &rep, "k-alike", "tok-alike", now());
    let offered = db.suggestions(&rep, "k-alike").unwrap();
    assert!(offered.iter().all(|s| s.content_id != "c-pricing"));
}

#[test]
fn the_ranking_narrows_to_a_tag_and_only_sharers_may_ask() {
    let db = demo::seed(now());
    let rep = db.caller("u-wanglei").unwrap();
    let works = db.what_works(&rep, &WhatWorksQuery::default()).unwrap();
    assert!(!works.tags.is_empty());
    assert!(!works.start_here.is_empty());
    // The demo's won deals went to customers who had read first.
    let won = db
        .deals
        .values()
        .filter(|d| d.stage == DealStage::Won)
        .count();
    assert_eq!(won, 2);
    assert!(works.items.iter().any(|e| e.deals_won > 0));
    // Best first: deals won, then leads, then readers.
    assert!(works.items.windows(2).all(|w| {
        (w[0].deals_won, w[0].leads, w[0].readers) >= (w[1].deals_won, w[1].leads, w[1].readers)
    }));
    let tag = works.tags[0].clone();
    let narrowed = db
        .what_works(
            &rep,
            &WhatWorksQuery {
                tag: Some(tag.clone()),
            },
        )
        .unwrap();
    assert!(!narrowed.items.is_empty());
    assert!(narrowed.items.len() <= works.items.len());
    assert!(narrowed.items.iter().all(|e| e.topics.contains(&tag)));

    let agent = db.caller("u-zhaomin").unwrap();
    assert_eq!(
        db.what_works(&agent, &WhatWorksQuery::default()),
        Err(StoreError::Forbidden(Action::ShareLinks))
    );
    assert_eq!(
        db.suggestions(&agent, "k-000"),
        Err(StoreError::Forbidden(Action::ShareLinks))
    );
    // Another rep's customer is not found for 王磊.
    let theirs = db
        .contacts
        .values()
        .find(|c| c.owner_id.as_deref() == Some("u-emily"))
        .unwrap()
        .id
        .clone();
    assert_eq!(
        db.suggestions(&rep, &theirs),
        Err(StoreError::NotFound("contact"))
    );
}
