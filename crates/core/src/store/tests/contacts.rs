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
