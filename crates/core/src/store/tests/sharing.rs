//! Sharing: readers' own links, the card's address, forwards, leads, previews.

use super::*;

#[test]
fn the_card_address_is_one_tracked_link_and_featured_items_keep_the_reader() {
    let mut db = demo::seed(now());
    let tokens = |a: &str, b: &str| (a.to_owned(), b.to_owned());
    let first = db
        .open_card(
            "wang-lei",
            tokens("card-link-1", "reader-1"),
            "v-1".into(),
            None,
            now(),
        )
        .unwrap();
    assert_eq!(first.session_id, "v-1");
    assert_eq!(first.share.token, "card-link-1");
    assert_eq!(first.card.as_ref().unwrap().id, "wang-lei");
    assert_eq!(first.featured.len(), 3);
    assert_eq!(first.featured[0].id, "c-pricing");
    // The same address later, from a new reader: the same link, a new reader link.
    let second = db
        .open_card(
            "wang-lei",
            tokens("card-link-2", "reader-2"),
            "v-2".into(),
            None,
            now(),
        )
        .unwrap();
    assert_eq!(second.share.token, "card-link-1");
    assert!(!db.shares.contains_key("card-link-2"));
    assert_eq!(db.card_link_of("wang-lei").as_deref(), Some("card-link-1"));
    assert_index_current(&db);
    assert_eq!(db.sessions["v-2"].share_token, "card-link-1");
    assert_eq!(db.sessions["v-2"].reader_token.as_deref(), Some("reader-2"));
    assert!(
        db.open_card("ghost", tokens("x1", "x2"), "v-x".into(), None, now())
            .is_err()
    );
    assert!(!db.sessions.contains_key("v-x"));

    // A rep's share to a contact: their featured read is credited to the contact.
    wanglei_owns(&mut db, "k-001");
    let new = NewShare {
        target: ShareTarget::Card("wang-lei".into()),
        contact_id: Some("k-001".into()),
        channel: Some(Channel::Wechat),
        lead_capture: LeadCapture::Off,
    };
    db.create_share(&db.caller("u-wanglei").unwrap(), new, "to-k1".into(), now())
        .unwrap();
    db.open_share("to-k1", "k1-own".into(), "v-k1".into(), None, now())
        .unwrap();
    let featured = db
        .open_featured("k1-own", "c-pricing", "feat-1".into(), now())
        .unwrap();
    assert_eq!(featured.contact_id.as_deref(), Some("k-001"));
    assert_eq!(featured.channel, Some(Channel::Wechat));
    assert_eq!(featured.parent, None);
    let again = db
        .open_featured("k1-own", "c-pricing", "feat-2".into(), now())
        .unwrap();
    assert_eq!(again.token, "feat-1");
    assert_index_current(&db);
    // Only what the card features, and only from a card link.
    assert!(
        db.open_featured("k1-own", "c-event", "feat-3".into(), now())
            .is_err()
    );
    assert!(
        db.open_featured("feat-1", "c-pricing", "feat-4".into(), now())
            .is_err()
    );
    let reads = db
        .open_share("feat-1", "k1-reads".into(), "s-feat".into(), None, now())
        .unwrap();
    let item = db
        .record_snapshot(&snap_of(&reads, 20_000, &[]), now())
        .unwrap()
        .unwrap();
    assert_eq!(item.contact_id.as_deref(), Some("k-001"));
}

#[test]
fn forwarded_reader_is_attributed_to_the_forwarder() {
    let mut db = demo::seed(now());
    // A contact with no history, so the score comes from the forward alone.
    let fresh = Contact {
        id: "k-fresh".into(),
        intent: 0,
        ..db.contacts["k-001"].clone()
    };
    db.contacts.insert(fresh.id.clone(), fresh);
    share_pricing_to(&mut db, "k-fresh", "tok-b");
    db.open_share("tok-b", "tok-b1".into(), "s-b".into(), None, now())
        .unwrap();
    // The link is forwarded: the next reader opens tok-b1.
    let next = db
        .open_share("tok-b1", "tok-b2".into(), "s9".into(), None, now())
        .unwrap();
    assert_eq!(db.link_root("tok-b2"), "tok-b");
    assert_eq!(db.link_root("tok-b"), "tok-b");
    let item = db
        .record_snapshot(&snap_of(&next, 60_000, &[]), now())
        .unwrap()
        .unwrap();
    assert_eq!(item.reader, None);
    assert_eq!(
        item.forwarded_by.as_deref(),
        Some(db.contacts["k-fresh"].name.as_str())
    );
    // Fresh activity (30) + one forward of two (7.5), rounded.
    assert_eq!(db.contacts["k-fresh"].intent, 38);
    let timeline = db
        .timeline(&db.caller("u-admin").unwrap(), "k-fresh")
        .unwrap();
    assert!(
        matches!(timeline.as_slice(), [Activity::Forwarded { .. }]),
        "{timeline:?}"
    );
}

#[test]
fn a_returning_reader_keeps_their_own_link() {
    let mut db = demo::seed(now());
    let radar = db.radar(&db.caller("u-admin").unwrap(), 1_000).unwrap();
    share_pricing_to(&mut db, "k-001", "tok-r");
    share_pricing_to(&mut db, "k-002", "tok-other");
    db.open_share("tok-other", "tok-other1".into(), "v-o".into(), None, now())
        .unwrap();
    let first = db
        .open_share("tok-r", "tok-r1".into(), "v-1".into(), None, now())
        .unwrap();
    let again = db
        .open_share(
            "tok-r",
            "tok-r2".into(),
            "v-2".into(),
            Some("tok-r1"),
            now(),
        )
        .unwrap();
    assert_eq!(again.child_token, first.child_token);
    assert!(!db.shares.contains_key("tok-r2"));
    assert!(db.keeps_reader_link("tok-r", "tok-r1"));
    // Each open is a visit with its own session, bound to the link and the reader.
    assert_eq!(
        (first.session_id.as_str(), again.session_id.as_str()),
        ("v-1", "v-2")
    );
    for v in ["v-1", "v-2"] {
        assert_eq!(db.sessions[v].share_token, "tok-r");
        assert_eq!(db.sessions[v].reader_token.as_deref(), Some("tok-r1"));
    }
    // An id already issued is never issued again (nor the open made).
    assert!(matches!(
        db.open_share("tok-r", "tok-r3".into(), "v-1".into(), None, now()),
        Err(StoreError::Invalid(_))
    ));
    assert!(!db.shares.contains_key("tok-r3"));
    // Someone else's child (or a made-up token) is not reused: a fresh one is minted.
    for bogus in ["tok-other1", "tok-missing"] {
        let opened = db
            .open_share(
                "tok-r",
                format!("new-{bogus}"),
                format!("v-{bogus}"),
                Some(bogus),
                now(),
            )
            .unwrap();
        assert_eq!(opened.child_token, format!("new-{bogus}"));
        assert!(!db.keeps_reader_link("tok-r", bogus));
    }
    // Opening adds nothing to the radar: no view is counted before 2 s.
    assert_eq!(
        db.radar(&db.caller("u-admin").unwrap(), 1_000).unwrap(),
        radar
    );
}

#[test]
fn a_customer_reading_again_on_another_link_and_device_is_a_second_visit() {
    let mut db = demo::seed(now());
    unread_article(&mut db, "c-unread");
    wanglei_owns(&mut db, "k-001");
    let sender = db.caller("u-wanglei").unwrap();
    // The article sent twice to one customer, who opens each on another device.
    let read = |db: &mut Db, link: &str, session: &str, reader: &str| {
        let new = NewShare {
            target: ShareTarget::Content("c-unread".into()),
            contact_id: Some("k-001".into()),
            channel: None,
            lead_capture: Default::default(),
        };
        db.create_share(&sender, new, link.into(), now()).unwrap();
        db.open_share(link, reader.into(), session.into(), Some(reader), now())
            .unwrap();
        let mut s = snap(session, link, 10_000, &[("p-price", 4_000)]);
        s.reader_token = Some(reader.into());
        db.record_snapshot(&s, now()).unwrap().unwrap()
    };
    assert_eq!(read(&mut db, "tok-1", "s1", "phone").visit, 1);
    // The customer's, not the device's: a second visit.
    assert_eq!(read(&mut db, "tok-2", "s2", "laptop").visit, 2);
}

#[test]
fn anonymous_readers_are_told_apart_by_their_own_link() {
    let mut db = demo::seed(now());
    unread_article(&mut db, "c-unread");
    let new = NewShare {
        target: ShareTarget::Content("c-unread".into()),
        contact_id: None,
        channel: None,
        lead_capture: Default::default(),
    };
    db.create_share(
        &db.caller("u-wanglei").unwrap(),
        new,
        "tok-open".into(),
        now(),
    )
    .unwrap();
    // Each read is an open (a new reader, or reader-a coming back) and its snapshot.
    let read = |db: &mut Db, session: &str, reader: &str, secs: u64| {
        db.open_share(
            "tok-open",
            reader.into(),
            session.into(),
            Some(reader),
            now(),
        )
        .unwrap();
        let mut s = snap(session, "tok-open", secs * 1000, &[("p-price", 4_000)]);
        s.reader_token = Some(reader.into());
        db.record_snapshot(&s, now()).unwrap().unwrap()
    };
    assert_eq!(read(&mut db, "s1", "reader-a", 10).visit, 1);
    assert_eq!(read(&mut db, "s2", "reader-b", 20).visit, 1);
    assert_eq!(read(&mut db, "s3", "reader-a", 30).visit, 2);
    let a = db
        .content_analytics(&db.caller("u-admin").unwrap(), "c-unread")
        .unwrap();
    assert_eq!((a.stats.opens, a.stats.unique_readers), (3, 2));
    // One open link; reader-a (2 views) and reader-b (1) under it.
    let views = |n: &ForwardNode| n.children.iter().map(|c| c.views).collect::<Vec<_>>();
    assert_eq!(a.forward_tree.len(), 1);
    let mut got = views(&a.forward_tree[0]);
    got.sort();
    assert_eq!(got, [1, 2]);
    // reader-b forwards their link to reader-c: a branch under reader-b.
    let c = db
        .open_share("reader-b", "reader-c".into(), "s4".into(), None, now())
        .unwrap();
    db.record_snapshot(&snap_of(&c, 5_000, &[]), now()).unwrap();
    let a = db
        .content_analytics(&db.caller("u-admin").unwrap(), "c-unread")
        .unwrap();
    let b = a.forward_tree[0]
        .children
        .iter()
        .find(|c| c.views == 1)
        .unwrap();
    assert_eq!(views(b), [1]);
    assert_eq!(a.stats.forwards, 1);
    // 5, 10, 20 and 30 s read.
    assert_eq!(a.stats.median_visible_ms, 15_000);
    let ranked = db.content_ranking(&db.caller("u-admin").unwrap(), Ranking::MostRead);
    assert!(ranked.windows(2).all(|w| w[0].opens >= w[1].opens));
    let unread = ranked.iter().find(|c| c.content_id == "c-unread").unwrap();
    assert_eq!(unread.opens, 4);
    assert_eq!(ranked.len(), db.contents.len());
    assert_eq!(
        db.content_analytics(&db.caller("u-admin").unwrap(), "nope"),
        Err(StoreError::NotFound("content"))
    );
}

#[test]
fn an_anonymous_reader_who_leaves_details_becomes_a_named_lead() {
    let mut db = demo::seed(now());
    let new = NewShare {
        target: ShareTarget::Content("c-pricing".into()),
        contact_id: None,
        channel: None,
        lead_capture: crate::share::LeadCapture::SoftEnd,
    };
    db.create_share(
        &db.caller("u-wanglei").unwrap(),
        new,
        "tok-open".into(),
        now(),
    )
    .unwrap();
    let mine = db
        .open_share("tok-open", "tok-mine".into(), "s1".into(), None, now())
        .unwrap();
    let s = snap_of(&mine, 90_000, &[("price", 60_000)]);
    let before = db.record_snapshot(&s, now()).unwrap().unwrap();
    assert_eq!(before.reader, None);
    let contacts = db.contacts.len();

    // Bad details are refused and change nothing.
    let bad = LeadDetails {
        name: "陈".into(),
        ..Default::default()
    };
    assert!(matches!(
        db.capture_lead("tok-mine", bad, "k-new".into(), now()),
        Err(StoreError::Invalid(_))
    ));
    // Only a reader's own link takes details.
    let details = LeadDetails {
        name: "陈女士".into(),
        wechat_id: "chen_w".into(),
        ..Default::default()
    };
    assert_eq!(
        db.capture_lead("tok-open", details.clone(), "k-new".into(), now()),
        Err(StoreError::NotFound("share"))
    );
    let (contact, item) = db
        .capture_lead("tok-mine", details.clone(), "k-new".into(), now())
        .unwrap();
    assert_eq!(
        (contact.id.as_str(), contact.name.as_str()),
        ("k-new", "陈女士")
    );
    assert_eq!(contact.owner_id.as_deref(), Some("u-wanglei"));
    assert_eq!(db.contacts.len(), contacts + 1);
    assert!(db.contacts["k-new"].intent > 0);
    // Warming up: nothing a month ago, the current score today.
    let trend = db
        .intent_trend(&db.caller("u-admin").unwrap(), "k-new", &[30, 0], now())
        .unwrap();
    assert_eq!(trend[0].score, 0);
    assert_eq!(trend[1].score, db.contacts["k-new"].intent);
    let item = item.unwrap();
    assert_eq!(item.reader.as_deref(), Some("陈女士"));
    assert!(db.contacts["k-new"].interests.get("价格").is_some());
    assert!(matches!(
        db.timeline(&db.caller("u-admin").unwrap(), "k-new")
            .unwrap()
            .as_slice(),
        [Activity::View { .. }]
    ));
    // Details left again on the same link update that contact: no second one.
    let corrected = LeadDetails {
        name: "陈静".into(),
        phone: "13900139000".into(),
        ..details.clone()
    };
    let (same, _) = db
        .capture_lead("tok-mine", corrected, "k-unused".into(), now())
        .unwrap();
    assert_eq!(
        (same.id.as_str(), same.name.as_str(), same.phone.as_str()),
        ("k-new", "陈静", "13900139000")
    );
    assert_eq!(same.wechat_id, "chen_w");
    assert_eq!(same.probably_same_as, None);
    assert_eq!(db.contacts.len(), contacts + 1);
    // The same WeChat on another reader's link is that reader's own contact,
    // offered as probably the same person; k-new is not written to.
    let known = db.contacts["k-new"].clone();
    db.open_share("tok-open", "tok-other".into(), "s2".into(), None, now())
        .unwrap();
    let (again, _) = db
        .capture_lead("tok-other", details, "k-dup".into(), now())
        .unwrap();
    assert_eq!(again.id, "k-dup");
    assert_eq!(again.probably_same_as.as_deref(), Some("k-new"));
    assert_eq!(db.contacts["k-new"], known);
    assert_eq!(db.contacts.len(), contacts + 2);
    db.radar(&db.caller("u-admin").unwrap(), 10).unwrap();
    assert_index_current(&db);
}

#[test]
fn details_posted_from_the_page_mint_the_readers_link_and_open_the_rest() {
    use crate::first_paint::{PageOf, PublicPage};
    let mut db = demo::seed(now());
    let gate = LeadCapture::AfterSection { index: 1 };
    db.create_share(
        &db.caller("u-wanglei").unwrap(),
        NewShare {
            target: ShareTarget::Content("c-pricing".into()),
            contact_id: None,
            channel: None,
            lead_capture: gate,
        },
        "tok-post".into(),
        now(),
    )
    .unwrap();
    db.take_changes();
    let (shares, contacts, sessions) = (db.shares.len(), db.contacts.len(), db.sessions.len());
    let details = LeadDetails {
        name: "周先生".into(),
        phone: "13700137000".into(),
        ..Default::default()
    };

    // Refused (bad details, a link or an id already there, an unknown link): nothing
    // is minted or written.
    let nameless = LeadDetails {
        name: String::new(),
        ..details.clone()
    };
    let existing = db.contacts.keys().next().cloned().unwrap();
    let refusals = [
        db.leave_details("tok-post", "tok-a".into(), nameless, "k-a".into(), now()),
        db.leave_details(
            "tok-post",
            "tok-post".into(),
            details.clone(),
            "k-a".into(),
            now(),
        ),
        db.leave_details("tok-post", "tok-a".into(), details.clone(), existing, now()),
        db.leave_details(
            "tok-none",
            "tok-a".into(),
            details.clone(),
            "k-a".into(),
            now(),
        ),
    ];
    for refused in refusals {
        assert!(
            matches!(
                refused,
                Err(StoreError::Invalid(_) | StoreError::NotFound("share"))
            ),
            "{refused:?}"
        );
    }
    assert_eq!((db.shares.len(), db.contacts.len()), (shares, contacts));
    assert!(db.take_changes().is_empty());

    let (child, contact, _) = db
        .leave_details("tok-post", "tok-a".into(), details, "k-a".into(), now())
        .unwrap();
    assert_eq!(child, "tok-a");
    assert_eq!(db.shares["tok-a"].parent.as_deref(), Some("tok-post"));
    assert_eq!(
        (
            contact.id.as_str(),
            contact.owner_id.as_deref(),
            contact.lead_link.as_deref()
        ),
        ("k-a", Some("u-wanglei"), Some("tok-a"))
    );
    assert_eq!(db.contacts.len(), contacts + 1);
    // No view: nothing ran to measure one.
    assert_eq!(db.sessions.len(), sessions);
    // Their own link reads on; the rep's link still asks.
    let ask = |db: &Db, token| match db.public_page(PageOf::Share(token), None) {
        Some(PublicPage::Content { lead_capture, .. }) => lead_capture,
        other => panic!("{other:?}"),
    };
    assert_eq!(ask(&db, "tok-a"), LeadCapture::Off);
    assert_eq!(ask(&db, "tok-post"), gate);
    assert_index_current(&db);
}

#[test]
fn link_previews_of_content_and_cards() {
    let mut db = demo::seed(now());
    share_pricing_to(&mut db, "k-001", "tok-p");
    let p = db.share_preview("tok-p").unwrap();
    assert_eq!(p.title, "2026 企业 SCRM 报价方案");
    assert!(!p.description.is_empty());
    let card = db.card_preview("wang-lei").unwrap();
    assert!(card.title.starts_with("王磊 | "), "{}", card.title);
    assert_eq!(db.share_preview("nope"), None);
}

#[test]
fn details_left_on_a_link_never_overwrite_a_customer_and_offer_the_merge() {
    let mut db = demo::seed(now());
    let wanglei = db.caller("u-wanglei").unwrap();
    let with_phone = |db: &Db, mine: bool| {
        db.contacts
            .values()
            .find(|c| {
                c.merged.is_none() && !c.phone.is_empty() && db.sees_contact(&wanglei, c) == mine
            })
            .map(|c| c.id.clone())
            .unwrap()
    };
    let customer = with_phone(&db, true);
    let someone_elses = with_phone(&db, false);
    // 王磊 sends the customer a link; it is forwarded, and whoever opens it types
    // the customer's phone number.
    share_pricing_to(&mut db, &customer, "tok-c");
    let opened = db
        .open_share("tok-c", "tok-fwd".into(), "s-fwd".into(), None, now())
        .unwrap();
    db.record_snapshot(&snap_of(&opened, 40_000, &[("price", 30_000)]), now())
        .unwrap();
    let before = db.clone();
    let phone = before.contacts[&customer].phone.clone();
    let impostor = LeadDetails {
        name: "冒充者".into(),
        phone: phone.clone(),
        email: "stranger@example.cn".into(),
        ..Default::default()
    };
    let (lead, item) = db
        .capture_lead("tok-fwd", impostor.clone(), "k-lead".into(), now())
        .unwrap();
    // A contact of its own, on the reader's link, owned by the link's rep...
    assert_eq!(lead.id, "k-lead");
    assert_eq!(lead.owner_id.as_deref(), Some("u-wanglei"));
    assert_eq!(lead.lead_link.as_deref(), Some("tok-fwd"));
    assert_eq!(db.shares["tok-fwd"].contact_id.as_deref(), Some("k-lead"));
    assert_eq!(db.shares["tok-c"], before.shares["tok-c"]);
    // ...offered as probably the customer, who is not changed at all.
    assert_eq!(lead.probably_same_as.as_deref(), Some(customer.as_str()));
    assert_eq!(db.contacts.len(), before.contacts.len() + 1);
    for (id, c) in &before.contacts {
        assert_eq!(&db.contacts[id], c, "{id} unchanged");
    }
    // The radar names the reader and says whom they probably are.
    let item = item.unwrap();
    assert_eq!(item.contact_id.as_deref(), Some("k-lead"));
    assert_eq!(item.reader.as_deref(), Some("冒充者"));
    assert_eq!(
        item.probably_same_as_name.as_deref(),
        Some(before.contacts[&customer].name.as_str())
    );
    assert_eq!(db.radar_item("s-fwd"), Some(item));

    // Details that match nobody: a lead, and no suggestion.
    let open = |db: &mut Db, child: &str| {
        db.open_share("tok-c", child.into(), format!("s-{child}"), None, now())
            .unwrap();
    };
    open(&mut db, "tok-2");
    let nobody = LeadDetails {
        name: "路人".into(),
        wechat_id: "nobody_here".into(),
        ..Default::default()
    };
    let (other, _) = db
        .capture_lead("tok-2", nobody, "k-2".into(), now())
        .unwrap();
    assert_eq!(other.probably_same_as, None);
    // Matching a customer outside 王磊's scope suggests nothing (and reveals nothing).
    open(&mut db, "tok-3");
    let theirs = LeadDetails {
        name: "某人".into(),
        phone: before.contacts[&someone_elses].phone.clone(),
        ..Default::default()
    };
    let (other, _) = db
        .capture_lead("tok-3", theirs, "k-3".into(), now())
        .unwrap();
    assert_eq!(other.probably_same_as, None);
    assert_eq!(db.contacts[&someone_elses], before.contacts[&someone_elses]);

    // One tap merges the lead into the customer; the reader's link goes with it.
    let kept = db
        .merge_contacts(&wanglei, &customer, "k-lead", now())
        .unwrap();
    assert_eq!(kept.phone, phone);
    let email = &before.contacts[&customer].email;
    let email = if email.is_empty() {
        "stranger@example.cn"
    } else {
        email
    };
    assert_eq!(
        kept.email, email,
        "a merge only fills what the customer lacks"
    );
    assert_eq!(kept.lead_link, None);
    assert_eq!(
        db.shares["tok-fwd"].contact_id.as_deref(),
        Some(customer.as_str())
    );
    assert_eq!(
        db.radar_item("s-fwd").unwrap().reader,
        Some(kept.name.clone())
    );
    // And undoes: the customer as before, the lead and its suggestion back.
    let restored = db.unmerge_contact(&wanglei, "k-lead", now()).unwrap();
    assert_eq!(
        restored.probably_same_as.as_deref(),
        Some(customer.as_str())
    );
    assert_eq!(db.contacts[&customer], before.contacts[&customer]);
    assert_eq!(db.shares["tok-fwd"].contact_id.as_deref(), Some("k-lead"));

    // "Not the same person": only who may merge it says so; the suggestion goes
    // and is not made again when the reader leaves the same details.
    assert_eq!(
        db.not_same_person(&db.caller("u-chengang").unwrap(), "k-lead"),
        Err(StoreError::Forbidden(Action::MergeContacts))
    );
    assert_eq!(
        db.not_same_person(&db.caller("u-lina").unwrap(), "k-lead"),
        Err(StoreError::NotFound("contact"))
    );
    let dismissed = db.not_same_person(&wanglei, "k-lead").unwrap();
    assert_eq!(dismissed.probably_same_as, None);
    assert_eq!(dismissed.not_same_as, std::slice::from_ref(&customer));
    let (again, _) = db
        .capture_lead("tok-fwd", impostor.clone(), "k-unused".into(), now())
        .unwrap();
    assert_eq!(
        (again.id.as_str(), again.probably_same_as),
        ("k-lead", None)
    );
    assert_eq!(db.contacts[&customer], before.contacts[&customer]);

    // Once merged, the link is the customer's: details left there again are a new
    // lead, never written into the customer.
    db.merge_contacts(&wanglei, &customer, "k-lead", now())
        .unwrap();
    let merged = db.contacts[&customer].clone();
    let (next, _) = db
        .capture_lead("tok-fwd", impostor, "k-next".into(), now())
        .unwrap();
    assert_eq!(next.id, "k-next");
    assert_eq!(next.probably_same_as.as_deref(), Some(customer.as_str()));
    assert_eq!(db.contacts[&customer].phone, merged.phone);
    assert_eq!(db.contacts[&customer].name, merged.name);
    assert_eq!(db.contacts[&customer].identities, merged.identities);
    db.radar(&wanglei, 10).unwrap();
    assert_index_current(&db);
}

#[test]
fn a_page_before_it_is_opened_shows_what_opening_it_will() {
    use crate::first_paint::{PageOf, PublicPage, Then};
    let mut db = demo::seed(now());
    let card = db.public_page(PageOf::Card("wang-lei"), None);
    let Some(PublicPage::Card { card, featured }) = card else {
        panic!("the card's page: {card:?}");
    };
    assert_eq!(card.id, "wang-lei");
    let ids: Vec<&str> = featured.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["c-pricing", "c-case-retail", "v-demo"]);
    // A featured item named by the link is shown instead, with the rep's card and
    // no lead form (as its link is made); anything else the card does not feature is
    // not shown through it.
    let then = Then::Content("c-pricing".into());
    match db.public_page(PageOf::Card("wang-lei"), Some(&then)) {
        Some(PublicPage::Content {
            content,
            card: Some(card),
            lead_capture: LeadCapture::Off,
        }) => assert_eq!(
            (content.id.as_str(), card.id.as_str()),
            ("c-pricing", "wang-lei")
        ),
        other => panic!("the featured item: {other:?}"),
    }
    let hidden = db
        .contents
        .keys()
        .find(|id| !ids.contains(&id.as_str()))
        .cloned()
        .expect("a content item the card does not feature");
    assert!(matches!(
        db.public_page(PageOf::Card("wang-lei"), Some(&Then::Content(hidden))),
        Some(PublicPage::Card { .. })
    ));
    assert_eq!(db.public_page(PageOf::Card("ghost"), None), None);

    // A share of content: the content, the sharer's card, the share's lead form; and
    // it is what opening the share gives.
    let share = db
        .create_share(
            &db.caller("u-wanglei").unwrap(),
            NewShare {
                target: ShareTarget::Content("c-pricing".into()),
                contact_id: None,
                channel: None,
                lead_capture: LeadCapture::AfterSection { index: 1 },
            },
            "tok-page".into(),
            now(),
        )
        .unwrap();
    let before = db.public_page(PageOf::Share(&share.token), None);
    let opened = db
        .open_share(
            &share.token,
            "child-page".into(),
            "v-page".into(),
            None,
            now(),
        )
        .unwrap();
    match before {
        Some(PublicPage::Content {
            content,
            card,
            lead_capture,
        }) => {
            assert_eq!(Some(content), opened.content);
            assert_eq!(card, opened.card);
            assert_eq!(lead_capture, LeadCapture::AfterSection { index: 1 });
        }
        other => panic!("the share's page: {other:?}"),
    }
    // A reader's own link shows the same page.
    assert!(matches!(
        db.public_page(PageOf::Share("child-page"), None),
        Some(PublicPage::Content { .. })
    ));
    assert_eq!(db.public_page(PageOf::Share("nobody"), None), None);
}
