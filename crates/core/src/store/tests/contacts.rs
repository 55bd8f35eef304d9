//! Merging contacts and undoing it.

use super::*;

#[test]
fn contacts_merge_into_one_and_the_merge_undoes() {
    let mut db = demo::seed(now());
    let before = db.clone();
    // Two contacts with conversations on different channels.
    let mut owners = db.conversations.values().map(|v| v.contact_id.clone());
    let (keep, other) = (owners.next().unwrap(), owners.next().unwrap());
    let other_conversations: Vec<String> = db
        .conversations
        .values()
        .filter(|v| v.contact_id == other)
        .map(|v| v.id.clone())
        .collect();
    assert!(!other_conversations.is_empty());
    let kept = db
        .merge_contacts(&db.caller("u-admin").unwrap(), &keep, &other, now())
        .unwrap();
    for id in &before.contacts[&other].identities {
        assert!(kept.identities.contains(id));
    }
    assert!(
        db.contacts_for(&db.caller("u-admin").unwrap())
            .iter()
            .all(|c| c.id != other)
    );
    assert_eq!(
        db.contacts_for(&db.caller("u-admin").unwrap()).len(),
        before.contacts.len() - 1
    );
    for id in &other_conversations {
        assert_eq!(db.conversations[id].contact_id, keep);
    }
    let timeline = db.timeline(&db.caller("u-admin").unwrap(), &keep).unwrap();
    for id in &other_conversations {
        assert!(timeline.iter().any(
            |a| matches!(a, Activity::Conversation { conversation, .. } if &conversation.id == id)
        ));
    }
    // The other's identity now finds the kept contact.
    let identity = before.contacts[&other].identities[0].clone();
    let (v, _) = db
        .inbound(
            identity.channel,
            InboundMessage {
                handle: identity.handle.clone(),
                name: String::new(),
                body: "还在吗".into(),
                attachments: vec![],
                idempotency_key: "after-merge".into(),
                context: None,
            },
            ["k-x".into(), "v-x".into(), "m-x".into()],
            now(),
        )
        .unwrap();
    assert_eq!(v.contact_id, keep);
    assert!(db.take_changes().contains(&Change::Contact(other.clone())));

    // Merging a contact with itself or a merged one is refused.
    assert!(matches!(
        db.merge_contacts(&db.caller("u-admin").unwrap(), &keep, &keep, now()),
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(
        db.merge_contacts(&db.caller("u-admin").unwrap(), &keep, &other, now()),
        Err(StoreError::NotFound("contact"))
    );

    let restored = db
        .unmerge_contact(&db.caller("u-admin").unwrap(), &other, now())
        .unwrap();
    assert_eq!(restored.merged, None);
    assert_eq!(
        db.contacts[&keep].identities,
        before.contacts[&keep].identities
    );
    for id in &other_conversations {
        assert_eq!(db.conversations[id].contact_id, other);
    }
    assert_eq!(
        db.contacts_for(&db.caller("u-admin").unwrap()).len(),
        before.contacts.len()
    );
    assert_eq!(
        db.unmerge_contact(&db.caller("u-admin").unwrap(), &other, now()),
        Err(StoreError::NotFound("merge"))
    );
    assert_index_current(&db);
}

/// Puts a mark in `db`'s lookups that building them from scratch would not make.
fn mark_lookups(db: &mut Db) {
    let ix = db.index.get_mut().expect("lookups in use");
    ix.children.insert("mark".into(), Default::default());
}

/// Whether `db`'s lookups still hold the mark (they were kept, not rebuilt); takes it
/// out.
fn lookups_kept(db: &mut Db) -> bool {
    db.index
        .get_mut()
        .is_some_and(|ix| ix.children.remove("mark").is_some())
}

#[test]
fn a_merge_moves_links_and_their_views_in_place_on_every_server() {
    let mut db = demo::seed(now());
    let admin = db.caller("u-admin").unwrap();
    let mut owners = db.conversations.values().map(|v| v.contact_id.clone());
    let (keep, other) = (owners.next().unwrap(), owners.next().unwrap());
    // The other has a link read long enough to count, by its reader's own link.
    share_pricing_to(&mut db, &other, "to-other");
    let opened = db
        .open_share(
            "to-other",
            "other-own".into(),
            "v-other".into(),
            None,
            now(),
        )
        .unwrap();
    db.record_snapshot(&snap_of(&opened, 60_000, &[("price", 30_000)]), now())
        .unwrap();
    db.radar(&admin, 10).unwrap();
    db.contacts_for(&admin);
    db.take_changes();
    let mut reader = db.clone();
    let reader_of = |db: &Db| {
        let radar = db.radar(&admin, 50).unwrap();
        let item = radar.iter().find(|i| i.session_id == "v-other").cloned();
        item.and_then(|i| i.contact_id)
    };
    assert_eq!(reader_of(&db), Some(other.clone()));

    for (step, now_reads) in [("merge", &keep), ("unmerge", &other)] {
        mark_lookups(&mut db);
        mark_lookups(&mut reader);
        if step == "merge" {
            db.merge_contacts(&admin, &keep, &other, now()).unwrap();
        } else {
            db.unmerge_contact(&admin, &other, now()).unwrap();
        }
        assert!(lookups_kept(&mut db), "{step}: the lookups are kept");
        assert_index_current(&db);
        assert_eq!(reader_of(&db).as_ref(), Some(now_reads), "{step}");
        // Another server putting the records the step wrote keeps its own too.
        put_changes(&mut db, &mut reader);
        assert!(
            lookups_kept(&mut reader),
            "{step}: kept on the other server"
        );
        assert_index_current(&reader);
        assert_eq!(reader_of(&reader).as_ref(), Some(now_reads), "{step}");
    }
}
