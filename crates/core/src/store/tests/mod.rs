//! The store's operations end to end, over the demo data: sharing, tracking,
//! reading, contacts and the inbox.

use super::*;
use crate::api::{RadarFilter, StatusFilter};
use crate::demo;
use crate::tracking::ViewTotals;
use chrono::Duration;
mod contacts;
mod crm;
mod customers;
mod delivery;
mod held_views;
mod import;
mod inbox;
mod leaderboard;
mod oversight;
mod playbook;
mod pool;
mod sharing;
mod tracking;

/// A customer of `owner` the demo gives a phone number.
fn customer_with_phone(db: &Db, owner: &str) -> Contact {
    db.contacts
        .values()
        .find(|k| k.owner_id.as_deref() == Some(owner) && !k.phone.is_empty())
        .unwrap()
        .clone()
}

fn now() -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(1_795_000_000, 0).unwrap()
}

fn snap(session: &str, token: &str, visible_ms: u64, sections: &[(&str, u64)]) -> Snapshot {
    Snapshot {
        session_id: session.into(),
        share_token: token.into(),
        seq: 1,
        totals: ViewTotals {
            visible_ms,
            max_scroll_pct: 80,
            sections: sections.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            ..ViewTotals::default()
        },
        reader_token: None,
    }
}

/// A snapshot of the view `opened` issued: its session, link and reader.
fn snap_of(opened: &OpenedShare, visible_ms: u64, sections: &[(&str, u64)]) -> Snapshot {
    let mut s = snap(
        &opened.session_id,
        &opened.share.token,
        visible_ms,
        sections,
    );
    s.reader_token = Some(opened.child_token.clone());
    s
}

/// A copy of the pricing article nobody has read yet (the demo's own content has
/// its history), by 王磊.
fn unread_article(db: &mut Db, id: &str) {
    let mut article = db.contents["c-pricing"].clone();
    article.id = id.into();
    db.save_content(&db.caller("u-wanglei").unwrap(), article, now())
        .unwrap();
}

/// Gives `contact` to 王磊, so he may share with them.
fn wanglei_owns(db: &mut Db, contact: &str) {
    if let Some(c) = db.contacts.get_mut(contact) {
        c.owner_id = Some("u-wanglei".into());
    }
}

fn share_pricing_to(db: &mut Db, contact: &str, token: &str) -> Share {
    wanglei_owns(db, contact);
    let new = NewShare {
        target: ShareTarget::Content("c-pricing".into()),
        contact_id: Some(contact.into()),
        channel: Some(Channel::Wechat),
        lead_capture: Default::default(),
    };
    db.create_share(&db.caller("u-wanglei").unwrap(), new, token.into(), now())
        .unwrap()
}

/// The index the operations maintained equals one built from scratch, and each
/// contact's view sums kept view by view are those of a walk of their links.
/// A link to content `content` that `rep` sends customer `contact` at `at`, opened
/// by them then: link `tok-{name}`, the reader's own `tok-{name}-1`, view `s-{name}`.
fn open_content_link(
    db: &mut Db,
    rep: &Caller,
    content: &str,
    contact: &str,
    name: &str,
    at: DateTime<Utc>,
) -> OpenedShare {
    let new = NewShare {
        target: ShareTarget::Content(content.into()),
        contact_id: Some(contact.into()),
        channel: Some(Channel::Wechat),
        lead_capture: Default::default(),
    };
    let token = format!("tok-{name}");
    db.create_share(rep, new, token.clone(), at).unwrap();
    db.open_share(&token, format!("{token}-1"), format!("s-{name}"), None, at)
        .unwrap()
}

fn assert_index_current(db: &Db) {
    let mut kept = db.index.get().expect("index in use").clone();
    for (contact, sums) in std::mem::take(&mut kept.sums) {
        let walked = db.view_sums(&contact, DateTime::<Utc>::MAX_UTC);
        assert_eq!(sums, walked, "{contact}'s kept view sums");
    }
    // A contact stays listed under a way of reaching it that it gave up (readers
    // check each one they find): with those left out, the lists are a fresh build's.
    kept.reached.retain(|key, listed| {
        for id in listed.to_vec() {
            let holds = (db.contacts.get(&id))
                .is_some_and(|c| identities::reach_keys(c).any(|k| k == *key));
            if !holds {
                listed.remove(&id);
            }
        }
        !listed.is_empty()
    });
    // Lists are kept in order as they change, so they compare as they are.
    let fresh = Index::build(db);
    assert_eq!(kept, fresh);
}

#[test]
fn records_rebuild_the_same_data_in_any_order() {
    let db = demo::seed(now());
    let mut records = db.records();
    records.reverse();
    let rebuilt = Db::from_records(records);
    assert_eq!(rebuilt.messages, db.messages);
    assert_eq!(rebuilt.conversations, db.conversations);
    assert_eq!(rebuilt.contacts, db.contacts);
    assert_eq!(rebuilt.cards, db.cards);
    assert_eq!(rebuilt.contents, db.contents);
    assert_eq!(rebuilt.users.len(), db.users.len());
    assert_eq!(rebuilt.canned.len(), db.canned.len());
    // Or messages last, as the in-browser backend loads them.
    let (messages, rest): (Vec<Record>, Vec<Record>) = db
        .records()
        .into_iter()
        .rev()
        .partition(|r| matches!(r, Record::Message(_)));
    let mut later = Db::from_records(rest);
    assert!(later.messages.values().all(Vec::is_empty));
    later.add_messages(messages.into_iter().filter_map(|r| match r {
        Record::Message(m) => Some(m),
        _ => None,
    }));
    assert_eq!(later.messages, db.messages);
    for r in db.records() {
        assert_eq!(Record::from_doc(r.kind(), &r.to_doc()).unwrap(), r);
        assert!(Record::KINDS.contains(&r.kind()));
    }
    assert!(Record::from_doc("cards", "{").is_err());
    assert!(Record::from_doc("nope", "{}").is_err());
    let json = serde_json::to_string(&db.records()[0]).unwrap();
    assert!(json.starts_with(r#"{"kind":"org","record":"#), "{json}");
}

#[test]
fn records_another_tab_wrote_are_applied_with_lookups_kept_right() {
    let mut writer = demo::seed(now());
    let mut reader = writer.clone();
    // The reader has used its lookups before the write arrives.
    assert!(
        reader
            .timeline(&reader.caller("u-admin").unwrap(), "k-new")
            .is_err()
    );
    let msg = InboundMessage {
        handle: "wx_new_7".into(),
        name: "新客户".into(),
        body: "在吗？".into(),
        attachments: vec![],
        idempotency_key: "key-7".into(),
        context: None,
    };
    let ids = ["k-new".to_string(), "v-new".to_string(), "m-7".to_string()];
    writer.inbound(Channel::Wechat, msg, ids, now()).unwrap();
    let records: Vec<Record> = writer
        .take_changes()
        .iter()
        .filter_map(|c| writer.record(c))
        .collect();
    assert_eq!(records.len(), 3, "contact, conversation and message");
    for r in records.iter().cloned() {
        reader.put(r);
    }
    // The same records twice (a repeated event) change nothing more.
    for r in records {
        reader.put(r);
    }
    assert_eq!(reader.messages["v-new"].len(), 1);
    assert_eq!(reader.messages, writer.messages);
    assert_eq!(reader.conversations, writer.conversations);
    let timeline = reader
        .timeline(&reader.caller("u-admin").unwrap(), "k-new")
        .unwrap();
    assert!(timeline.iter().any(
        |a| matches!(a, Activity::Conversation { conversation, .. } if conversation.id == "v-new")
    ));
    assert_index_current(&reader);
}

/// Applies what `writer` changed since its last `take_changes` to `reader`.
fn put_changes(writer: &mut Db, reader: &mut Db) {
    for c in writer.take_changes() {
        if let Some(r) = writer.record(&c) {
            reader.put(r);
        }
    }
}

#[test]
fn records_put_from_another_server_keep_its_lookups_without_rebuilding_them() {
    let mut writer = demo::seed(now());
    let mut reader = writer.clone();
    let admin = reader.caller("u-admin").unwrap();
    reader.contacts_for(&admin);
    reader.radar(&admin, 10).unwrap();
    // New links and views are added to the lookups in place.
    let new = NewShare {
        target: ShareTarget::Content("c-pricing".into()),
        contact_id: Some("k-001".into()),
        channel: Some(Channel::Wechat),
        lead_capture: LeadCapture::Off,
    };
    writer
        .create_share(
            &writer.caller("u-admin").unwrap(),
            new,
            "to-k1".into(),
            now(),
        )
        .unwrap();
    writer
        .open_share("to-k1", "k1-own".into(), "v-k1".into(), None, now())
        .unwrap();
    put_changes(&mut writer, &mut reader);
    assert!(reader.index.get().is_some(), "kept, not dropped");
    assert_index_current(&reader);
    // A view that comes to count, then reads on, is tallied once, as it is now.
    for visible_ms in [40_000, 90_000] {
        let mut read = snap("v-k1", "to-k1", visible_ms, &[("price", 30_000)]);
        read.reader_token = Some("k1-own".into());
        read.seq = visible_ms as u32;
        writer.record_snapshot(&read, now()).unwrap();
        put_changes(&mut writer, &mut reader);
        assert!(reader.index.get().is_some(), "kept, not dropped");
        assert_index_current(&reader);
    }
    // A merge moves conversations between contacts: their lookups follow.
    let mut owners = writer.conversations.values().map(|v| v.contact_id.clone());
    let (keep, other) = (owners.next().unwrap(), owners.next().unwrap());
    writer
        .merge_contacts(&writer.caller("u-admin").unwrap(), &keep, &other, now())
        .unwrap();
    put_changes(&mut writer, &mut reader);
    reader.timeline(&admin, &keep).unwrap();
    assert_index_current(&reader);
    assert_eq!(reader.conversations, writer.conversations);
    assert_eq!(reader.shares, writer.shares);
    assert_eq!(reader.sessions, writer.sessions);
}

/// Records from elsewhere that move a link in its forward tree, arrive after the
/// links forwarded from it, move a view to another link or change a follow-up:
/// each keeps the lookups right in place (rebuilt from what is held, they would
/// count only the views a copy happens to hold).
#[test]
fn records_that_move_links_views_and_follow_ups_keep_the_lookups_in_place() {
    let mut db = demo::seed(now());
    db.build_lookups();
    let kept = |db: &Db| {
        assert!(db.index.get().is_some(), "kept, not dropped");
        assert_index_current(db);
    };
    // A copy holding no views takes each record with the views it names, as it
    // counted them (as a server catching up does), and keeps the same tallies.
    let mut lean = db.clone();
    lean.forget_views();
    let put = |db: &mut Db, lean: &mut Db, record: Record| {
        let keys = lean.views_for_records(std::slice::from_ref(&record));
        lean.hold_views(db.sessions.values().filter(|s| keys.name(s)).cloned());
        db.put(record.clone());
        lean.put(record);
        lean.forget_views();
        assert_eq!(lean.ix().tallies, db.ix().tallies);
    };
    let forwarded: Vec<Share> = (db.shares.values())
        .filter(|s| s.parent.is_some() && !db.views_on_link(&s.token).is_empty())
        .cloned()
        .collect();
    let roots: Vec<Share> = (db.shares.values())
        .filter(|s| s.parent.is_none() && !db.views_below(&s.token).is_empty())
        .cloned()
        .collect();
    assert!(forwarded.len() >= 2 && roots.len() >= 2);

    // A reader's link moved under another link, and to another target.
    let mut moved = forwarded[0].clone();
    moved.parent = Some(roots[1].token.clone());
    put(&mut db, &mut lean, Record::Share(moved.clone()));
    kept(&db);
    moved.target = roots[1].target.clone();
    put(&mut db, &mut lean, Record::Share(moved));
    kept(&db);
    // A rep's link, views below it, as sent by another rep on another day.
    let mut root = roots[0].clone();
    root.rep_id = "u-lina".into();
    root.created_at -= Duration::days(3);
    root.via = Some("campaign".into());
    put(&mut db, &mut lean, Record::Share(root));
    kept(&db);

    // A view moved to another link, and read by another reader.
    let mut view = db
        .sessions
        .values()
        .find(|s| s.totals.is_counted())
        .cloned()
        .unwrap();
    view.share_token = forwarded[1].token.clone();
    view.reader_token = Some(forwarded[0].token.clone());
    put(&mut db, &mut lean, Record::Session(view));
    kept(&db);

    // A follow-up entry changed to an earlier time, then to another customer.
    let admin = db.caller("u-admin").unwrap();
    for (id, at) in [("fu-1", now() - Duration::days(2)), ("fu-2", now())] {
        let new = crate::crm::NewFollowUp {
            id: id.into(),
            method: crate::crm::FollowUpMethod::Call,
            text: "电话沟通报价".into(),
            next_at: None,
            stage: None,
        };
        db.log_follow_up(&admin, "k-000", new, at).unwrap();
    }
    let mut entry = db.log["fu-2"].clone();
    entry.at -= Duration::days(40);
    db.put(Record::Log(entry.clone()));
    kept(&db);
    entry.contact_id = "k-002".into();
    db.put(Record::Log(entry));
    kept(&db);

    // Two links put as each other's parent (records from elsewhere; operations
    // never make a loop), then one moved again: the walk below it ends.
    let (mut a, mut b) = (forwarded[0].clone(), forwarded[1].clone());
    a.parent = Some(b.token.clone());
    b.parent = Some(a.token.clone());
    put(&mut db, &mut lean, Record::Share(a.clone()));
    put(&mut db, &mut lean, Record::Share(b));
    a.rep_id = "u-emily".into();
    put(&mut db, &mut lean, Record::Share(a));
    assert!(db.index.get().is_some());

    // A link put after the links forwarded from it: what was read below it is
    // counted in its forward tree.
    let parent = forwarded[1].parent.clone().unwrap();
    let records: Vec<Record> = (db.records().into_iter())
        .filter(|r| !matches!(r, Record::Share(s) if s.token == parent))
        .collect();
    let mut later = Db::from_records(records);
    later.build_lookups();
    later.put(Record::Share(db.shares[&parent].clone()));
    kept(&later);
    assert_eq!(later.ix().tallies, db.ix().tallies);
}

#[test]
fn card_save_validates_and_keeps_owner() {
    let mut db = demo::seed(now());
    let mut card = db.cards["li-na"].clone();
    card.owner_id = "someone-else".into();
    card.title = "首席顾问".into();
    let saved = db
        .save_card(&db.caller("u-admin").unwrap(), card.clone(), now())
        .unwrap();
    assert_eq!(saved.owner_id, "u-lina");
    card.email = "bad".into();
    assert!(matches!(
        db.save_card(&db.caller("u-admin").unwrap(), card, now()),
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(db.cards["li-na"].title, "首席顾问");
}
