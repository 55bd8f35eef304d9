//! The customer list: scope, views and order over the demo data.

use super::*;
use crate::customers::{CustomerQuery, CustomerSort, CustomerView};

fn all_of(db: &Db, user: &str, query: CustomerQuery) -> Vec<Contact> {
    let caller = db.caller(user).unwrap();
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let page = db.customers(
            &caller,
            &CustomerQuery {
                cursor,
                limit: Some(7),
                ..query.clone()
            },
            now(),
        );
        assert!(page.items.len() <= 7);
        out.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => {
                assert_eq!(out.len(), page.total, "the pages add up to the total");
                return out;
            }
        }
    }
}

#[test]
fn each_role_lists_the_live_customers_in_its_scope_and_nothing_else() {
    let db = demo::seed(now());
    for user in ["u-admin", "u-chengang", "u-lina", "u-wanglei", "u-zhaomin"] {
        let caller = db.caller(user).unwrap();
        let listed = all_of(&db, user, CustomerQuery::default());
        let mut ids: Vec<&str> = listed.iter().map(|c| c.id.as_str()).collect();
        ids.sort_unstable();
        let expected: Vec<&str> = db
            .contacts
            .values()
            .filter(|c| c.merged.is_none() && db.visible_contact(&caller, &c.id).is_ok())
            // Those waiting in the pool are listed there (but for an admin).
            .filter(|c| c.pool_id.is_none() || user == "u-admin")
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(ids, expected, "{user}");
        assert!(!listed.is_empty(), "{user} has customers in the demo");
    }
    // A rep's list is theirs; a manager's holds their team's too.
    let lina = all_of(&db, "u-lina", CustomerQuery::default());
    let chengang = all_of(&db, "u-chengang", CustomerQuery::default());
    assert!(lina.len() < chengang.len());
    assert!(
        lina.iter()
            .all(|c| chengang.iter().any(|other| other.id == c.id))
    );
}

#[test]
fn views_narrow_and_sorts_order_the_whole_list() {
    let mut db = demo::seed(now());
    let admin = "u-admin";
    let everyone = all_of(&db, admin, CustomerQuery::default());
    let by_touch: Vec<_> = everyone.iter().map(|c| c.last_seen_at).collect();
    assert!(
        by_touch
            .windows(2)
            .all(|w| w[0].is_some() || w[1].is_none()),
        "the never touched come last"
    );
    let by = |sort| {
        all_of(
            &db,
            admin,
            CustomerQuery {
                sort,
                ..CustomerQuery::default()
            },
        )
    };
    let intents: Vec<u8> = by(CustomerSort::Intent).iter().map(|c| c.intent).collect();
    assert!(intents.windows(2).all(|w| w[0] >= w[1]));
    let names: Vec<String> = by(CustomerSort::Name).into_iter().map(|c| c.name).collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]));

    let view = |db: &Db, view| {
        all_of(
            db,
            admin,
            CustomerQuery {
                view,
                ..CustomerQuery::default()
            },
        )
    };
    let hot = view(&db, CustomerView::Hot);
    assert!(!hot.is_empty() && hot.len() < everyone.len());
    assert!(hot.iter().all(|c| c.intent >= crate::intent::HOT_THRESHOLD));
    // The admin owns nobody; a merged customer is never listed.
    assert!(view(&db, CustomerView::Mine).is_empty());
    let merged = everyone[0].id.clone();
    let keep = everyone[1].id.clone();
    db.merge_contacts(&db.caller(admin).unwrap(), &keep, &merged, now())
        .unwrap();
    assert!(view(&db, CustomerView::All).iter().all(|c| c.id != merged));
}
