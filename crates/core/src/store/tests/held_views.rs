//! A copy holding only the views a read names answers as one holding them all
//! (see `store/held_views.rs`).

use super::*;

/// `full` with its views let go, then given those `keys` name, as a store would
/// select them.
fn holding(full: &Db, keys: &ViewKeys) -> Db {
    let mut lean = full.clone();
    lean.forget_views();
    lean.hold_views(full.sessions.values().filter(|s| keys.name(s)).cloned());
    lean
}

/// [`holding`], then also the views the held ones' radar lines read (a second read).
fn holding_for_radar(full: &Db, keys: &ViewKeys) -> Db {
    let first = holding(full, keys);
    let mut keys = keys.clone();
    keys.extend(first.views_for_radar(first.sessions.values()));
    holding(full, &keys)
}

fn alike<T: std::fmt::Debug>(lean: T, full: T, what: &str) {
    assert_eq!(format!("{lean:?}"), format!("{full:?}"), "{what}");
}

#[test]
fn reads_answer_alike_from_only_the_views_they_name() {
    let mut db = demo::seed(now());
    // A reader of a forwarded link reads twice: a second visit to number.
    share_pricing_to(&mut db, "k-000", "tok-a");
    let opened = db
        .open_share("tok-a", "tok-a1".into(), "s1".into(), None, now())
        .unwrap();
    db.record_snapshot(&snap_of(&opened, 30_000, &[("price", 20_000)]), now())
        .unwrap();
    let again = db
        .open_share("tok-a", "tok-a2".into(), "s2".into(), Some("tok-a1"), now())
        .unwrap();
    db.record_snapshot(&snap_of(&again, 9_000, &[("intro", 5_000)]), now())
        .unwrap();
    let callers: Vec<Caller> = (db.users.iter())
        .filter_map(|u| db.caller(&u.id).ok())
        .collect();
    let days = [0, 1, 3, 7, 14, 30];

    let (mut held_fewer, mut views_seen) = (0, 0);
    for contact in db.contacts.keys() {
        let lean = holding_for_radar(&db, &db.views_of_contact(contact));
        held_fewer += usize::from(lean.sessions.len() < db.sessions.len());
        for caller in &callers {
            let timeline = db.timeline(caller, contact);
            views_seen += (timeline.iter().flatten())
                .filter(|a| matches!(a, Activity::View { .. } | Activity::Forwarded { .. }))
                .count();
            alike(lean.timeline(caller, contact), timeline, contact);
            alike(
                lean.intent_trend(caller, contact, &days, now()),
                db.intent_trend(caller, contact, &days, now()),
                contact,
            );
        }
    }
    assert!(
        held_fewer > 0 && views_seen > 0,
        "{held_fewer} {views_seen}"
    );

    let mut later_visits = 0;
    for s in db.sessions.values() {
        let keys = ViewKeys {
            ids: [s.id.clone()].into(),
            ..ViewKeys::default()
        };
        let item = db.radar_item(&s.id);
        later_visits += usize::from(item.as_ref().is_some_and(|i| i.visit > 1));
        alike(holding_for_radar(&db, &keys).radar_item(&s.id), item, &s.id);
    }
    assert!(later_visits > 0);

    let mut card_views = 0;
    for card in db.cards.keys() {
        for caller in &callers {
            let full = db.card_analytics(caller, card);
            card_views += full.as_ref().map_or(0, |a| a.views);
            let lean = holding(&db, &db.views_of_card(caller, card));
            alike(lean.card_analytics(caller, card), full, card);
        }
    }
    assert!(card_views > 0);

    let lean = holding(&db, &db.views_of_buyers());
    let mut won = 0;
    for caller in &callers {
        let full = db.what_works(caller, &Default::default());
        won += full
            .as_ref()
            .map_or(0, |w| w.items.iter().map(|e| e.deals_won).sum());
        alike(
            lean.what_works(caller, &Default::default()),
            full,
            "what works",
        );
        for contact in db.contacts.keys() {
            alike(
                lean.suggestions(caller, contact),
                db.suggestions(caller, contact),
                contact,
            );
        }
    }
    assert!(won > 0);
}
