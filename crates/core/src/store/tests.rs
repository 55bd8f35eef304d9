//! The store's operations end to end, over the demo data: sharing, tracking,
//! reading, contacts and the inbox.

use super::*;
use crate::api::{RadarFilter, StatusFilter};
use crate::demo;
use crate::tracking::ViewTotals;
use chrono::Duration;

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

#[test]
fn conversations_are_resolved_snoozed_assigned_labelled_and_read() {
    let mut db = demo::seed(now());
    let id = db.conversations.keys().next().unwrap().clone();
    let update = |json: &str| serde_json::from_str::<ConversationUpdate>(json).unwrap();
    let v = db
        .update_conversation(
            &db.caller("u-admin").unwrap(),
            &id,
            update(r#"{"assignee_id": "u-zhaomin", "labels": ["VIP", " 报价 "], "read": true}"#),
            now(),
        )
        .unwrap();
    assert_eq!(v.assignee_id.as_deref(), Some("u-zhaomin"));
    assert_eq!(v.labels, ["VIP", "报价"]);
    assert_eq!(v.unread, 0);
    // Absent fields stay; null unassigns.
    let v = db
        .update_conversation(
            &db.caller("u-admin").unwrap(),
            &id,
            update(r#"{"status": {"status": "resolved"}}"#),
            now(),
        )
        .unwrap();
    assert_eq!(
        (v.status, v.assignee_id.as_deref()),
        (ConversationStatus::Resolved, Some("u-zhaomin"))
    );
    let v = db
        .update_conversation(
            &db.caller("u-admin").unwrap(),
            &id,
            update(r#"{"assignee_id": null}"#),
            now(),
        )
        .unwrap();
    assert_eq!(v.assignee_id, None);
    // A snooze in the past, a stranger as assignee, too many labels: refused.
    let past = format!(
        r#"{{"status": {{"status": "snoozed", "until": "{}"}}}}"#,
        (now() - Duration::hours(1)).to_rfc3339()
    );
    assert!(
        db.update_conversation(&db.caller("u-admin").unwrap(), &id, update(&past), now())
            .is_err()
    );
    assert!(
        db.update_conversation(
            &db.caller("u-admin").unwrap(),
            &id,
            update(r#"{"assignee_id": "nobody"}"#),
            now()
        )
        .is_err()
    );
    let many = serde_json::json!({"labels": vec!["x"; 11]}).to_string();
    assert!(
        db.update_conversation(&db.caller("u-admin").unwrap(), &id, update(&many), now())
            .is_err()
    );
    let later = ConversationStatus::Snoozed {
        until: now() + Duration::hours(3),
    };
    let v = db
        .update_conversation(
            &db.caller("u-admin").unwrap(),
            &id,
            ConversationUpdate {
                status: Some(later),
                ..Default::default()
            },
            now(),
        )
        .unwrap();
    assert_eq!(v.status.effective(now()), later);
    assert_eq!(
        v.status.effective(now() + Duration::hours(4)),
        ConversationStatus::Open
    );
    assert!(
        db.update_conversation(
            &db.caller("u-admin").unwrap(),
            "nope",
            ConversationUpdate::default(),
            now()
        )
        .is_err()
    );
}

#[test]
fn a_visitor_sees_their_chat_and_replies_but_not_notes() {
    let mut db = demo::seed(now());
    share_pricing_to(&mut db, "k-001", "tok-chat");
    let msg = |body: &str, key: &str| InboundMessage {
        handle: "visitor-abc".into(),
        name: "李女士".into(),
        body: body.into(),
        attachments: Vec::new(),
        idempotency_key: key.into(),
        context: None,
    };
    assert!(
        db.visitor_messages("tok-chat", "visitor-abc")
            .unwrap()
            .is_empty()
    );
    let ids = |n: &str| [format!("k-{n}"), format!("v-{n}"), format!("m-{n}")];
    let (v, _) = db
        .web_chat("tok-chat", msg("想了解价格", "w1"), ids("x1"), now())
        .unwrap();
    let reply = |body: &str, note: bool, key: &str| NewMessage {
        body: body.into(),
        attachments: Vec::new(),
        note,
        idempotency_key: key.into(),
    };
    db.send_message(
        &db.caller("u-wanglei").unwrap(),
        &v.id,
        reply("您好，报价已发送", false, "r1"),
        "m-r1".into(),
        now(),
    )
    .unwrap();
    db.send_message(
        &db.caller("u-wanglei").unwrap(),
        &v.id,
        reply("内部：重点客户", true, "n1"),
        "m-n1".into(),
        now(),
    )
    .unwrap();
    let seen = db.visitor_messages("tok-chat", "visitor-abc").unwrap();
    let bodies: Vec<&str> = seen.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies, ["想了解价格", "您好，报价已发送"]);
    // Another browser sees nothing of it; an unknown link is not found.
    assert!(
        db.visitor_messages("tok-chat", "visitor-other")
            .unwrap()
            .is_empty()
    );
    assert!(db.visitor_messages("nope", "visitor-abc").is_err());
}

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
fn card_analytics_counts_views_of_every_link_to_the_card() {
    let mut db = demo::seed(now());
    // What the demo's history holds already; the views below add to it.
    let before = db
        .card_analytics(&db.caller("u-admin").unwrap(), "wang-lei")
        .unwrap();
    let saved = |a: &CardAnalytics| {
        a.actions
            .iter()
            .find(|c| c.action == crate::tracking::ViewAction::SavedContact)
            .map_or(0, |c| c.views)
    };
    let opened = db
        .open_card(
            "wang-lei",
            ("card-link".into(), "anon-own".into()),
            "s-anon".into(),
            None,
            now(),
        )
        .unwrap();
    let mut s = snap_of(&opened, 9_000, &[]);
    s.totals
        .actions
        .insert(crate::tracking::ViewAction::SavedContact);
    db.record_snapshot(&s, now()).unwrap();
    wanglei_owns(&mut db, "k-002");
    let new = NewShare {
        target: ShareTarget::Card("wang-lei".into()),
        contact_id: Some("k-002".into()),
        channel: None,
        lead_capture: LeadCapture::Off,
    };
    db.create_share(&db.caller("u-wanglei").unwrap(), new, "to-k2".into(), now())
        .unwrap();
    let k2 = db
        .open_share("to-k2", "k2-own".into(), "s-k2".into(), None, now())
        .unwrap();
    db.record_snapshot(&snap_of(&k2, 30_000, &[]), now())
        .unwrap();
    // Too short to count; and a preview bot that opens the link and runs nothing.
    let short = db
        .open_share("to-k2", "short-own".into(), "s-short".into(), None, now())
        .unwrap();
    db.record_snapshot(&snap_of(&short, 500, &[]), now())
        .unwrap();
    db.open_share("to-k2", "bot-own".into(), "s-bot".into(), None, now())
        .unwrap();
    let a = db
        .card_analytics(&db.caller("u-admin").unwrap(), "wang-lei")
        .unwrap();
    assert_eq!(
        (a.views, a.unique_viewers),
        (before.views + 2, before.unique_viewers + 2)
    );
    assert_eq!(a.total_visible_ms, before.total_visible_ms + 39_000);
    assert_eq!(a.actions.len(), before.actions.len());
    assert_eq!(saved(&a), saved(&before) + 1);
    let k2 = a
        .top_viewers
        .iter()
        .find(|v| v.contact_id.as_deref() == Some("k-002"))
        .unwrap();
    assert_eq!(k2.name.as_deref(), Some(db.contacts["k-002"].name.as_str()));
    assert_eq!((k2.views, k2.visible_ms), (1, 30_000));
    assert!(
        db.card_analytics(&db.caller("u-admin").unwrap(), "ghost")
            .is_err()
    );
}

#[test]
fn the_closed_loop_share_read_radar() {
    let mut db = demo::seed(now());
    share_pricing_to(&mut db, "k-000", "tok-a");
    let opened = db
        .open_share("tok-a", "tok-a1".into(), "s1".into(), None, now())
        .unwrap();
    let read = |session: &str, visible_ms, sections: &[(&str, u64)]| {
        let mut s = snap(session, "tok-a", visible_ms, sections);
        s.reader_token = Some("tok-a1".into());
        s
    };
    assert_eq!(opened.card.map(|c| c.id).as_deref(), Some("wang-lei"));
    assert_eq!(opened.content.unwrap().id, "c-pricing");
    assert_eq!(db.shares["tok-a1"].parent.as_deref(), Some("tok-a"));

    // Under two seconds: recorded but not announced.
    assert_eq!(
        db.record_snapshot(&read("s1", 1_500, &[]), now()).unwrap(),
        None
    );
    let item = db
        .record_snapshot(
            &read("s1", 250_000, &[("price", 120_000), ("intro", 20_000)]),
            now(),
        )
        .unwrap()
        .expect("counted view is announced");
    assert_eq!(
        item.reader.as_deref(),
        Some(db.contacts["k-000"].name.as_str())
    );
    assert_eq!(item.title, "2026 企业 SCRM 报价方案");
    assert_eq!(item.top_section.as_deref(), Some("价格"));
    assert_eq!(item.visit, 1);
    // The radar's filters: by rep, by content, hot only.
    let f = |hot, rep: Option<&str>, content: Option<&str>| RadarFilter {
        hot,
        rep_id: rep.map(Into::into),
        content_id: content.map(Into::into),
    };
    assert!(f(false, Some("u-wanglei"), Some("c-pricing")).matches(&item));
    assert!(!f(false, Some("u-lina"), None).matches(&item));
    assert!(!f(false, None, Some("c-other")).matches(&item));
    assert_eq!(f(true, None, None).matches(&item), item.intent >= 70);
    assert_eq!(db.contacts["k-000"].interests["价格"], 120);
    let changes = db.take_changes();
    for expected in [
        Change::Share("tok-a".into()),
        Change::Share("tok-a1".into()),
        Change::Session("s1".into()),
        Change::Contact("k-000".into()),
    ] {
        assert!(changes.contains(&expected), "{expected:?} in {changes:?}");
    }
    assert!(db.take_changes().is_empty());
    assert!(db.contacts["k-000"].intent > 0);

    // The same snapshot again announces nothing.
    let again = read("s1", 250_000, &[("price", 120_000), ("intro", 20_000)]);
    assert_eq!(db.record_snapshot(&again, now()).unwrap(), None);
    assert!(db.take_changes().is_empty());

    // A later visit through the same person's link is visit 2: a new session,
    // still bound to the reader's own link.
    let later = now() + Duration::hours(1);
    let visit = db
        .open_share("tok-a", "unused".into(), "s2".into(), Some("tok-a1"), later)
        .unwrap();
    assert_eq!(visit.child_token, "tok-a1");
    assert_eq!(db.sessions["s2"].reader_token.as_deref(), Some("tok-a1"));
    let item = db
        .record_snapshot(&read("s2", 3_000, &[]), later)
        .unwrap()
        .unwrap();
    assert_eq!(item.visit, 2);
    assert_eq!(
        db.radar(&db.caller("u-admin").unwrap(), 10).unwrap()[0].session_id,
        "s2"
    );
    assert_index_current(&db);

    let timeline = db
        .timeline(&db.caller("u-admin").unwrap(), "k-000")
        .unwrap();
    let views = timeline
        .iter()
        .filter(|a| matches!(a, Activity::View { .. }))
        .count();
    assert_eq!(views, 2);
    assert!(
        timeline.windows(2).all(|w| w[0].at() >= w[1].at()),
        "newest first"
    );
    assert_eq!(
        db.timeline(&db.caller("u-admin").unwrap(), "nobody"),
        Err(StoreError::NotFound("contact"))
    );
}

/// The index the operations maintained equals one built from scratch.
fn assert_index_current(db: &Db) {
    let mut kept = db.index.get().expect("index in use").clone();
    let mut fresh = Index::build(db);
    for ix in [&mut kept, &mut fresh] {
        for map in [
            &mut ix.shares_by_contact,
            &mut ix.children,
            &mut ix.sessions_by_share,
            &mut ix.conversations_by_contact,
            &mut ix.shares_by_target,
            &mut ix.sessions_by_reader,
        ] {
            map.values_mut().for_each(|v| v.sort());
        }
    }
    assert_eq!(kept, fresh);
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
    assert!(db.contacts["k-new"].interests.contains_key("价格"));
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
fn unknown_tokens_and_bad_snapshots_are_refused() {
    let mut db = demo::seed(now());
    let sessions = db.sessions.len();
    assert_eq!(
        db.open_share("nope", "x".into(), "sx".into(), None, now()),
        Err(StoreError::NotFound("share"))
    );
    assert_eq!(db.sessions.len(), sessions, "no view issued");
    assert_eq!(
        db.record_snapshot(&snap("s", "nope", 5_000, &[]), now()),
        Err(StoreError::NotFound("share"))
    );
    share_pricing_to(&mut db, "k-002", "tok-c");
    let mut bad = snap("s", "tok-c", 5_000, &[]);
    bad.totals.max_scroll_pct = 200;
    assert!(matches!(
        db.record_snapshot(&bad, now()),
        Err(StoreError::Invalid(_))
    ));
    let share = NewShare {
        target: ShareTarget::Card("ghost".into()),
        contact_id: None,
        channel: None,
        lead_capture: Default::default(),
    };
    assert_eq!(
        db.create_share(&db.caller("u-lina").unwrap(), share, "t".into(), now()),
        Err(StoreError::NotFound("card"))
    );
}

/// What a refused snapshot must leave as it was.
fn tracked_state(db: &Db) -> impl PartialEq + std::fmt::Debug + use<> {
    (
        db.sessions.clone(),
        db.contacts.clone(),
        db.conversations.clone(),
        db.shares.len(),
    )
}

#[test]
fn a_made_up_session_is_refused_and_changes_nothing() {
    let mut db = demo::seed(now());
    share_pricing_to(&mut db, "k-000", "tok-f");
    let opened = db
        .open_share("tok-f", "tok-f1".into(), "issued".into(), None, now())
        .unwrap();
    db.take_changes();
    let before = tracked_state(&db);
    let intent = db.contacts["k-000"].intent;
    let admin = db.caller("u-admin").unwrap();
    let radar = db.radar(&admin, 1_000).unwrap();
    let pricing = db.content_analytics(&admin, "c-pricing").unwrap();
    // A session the store never issued, on a real link with a real reader: even
    // with every action a forger would want, nothing is recorded.
    let mut forged = snap_of(&opened, 600_000, &[("price", 600_000)]);
    forged.session_id = "made-up-session".into();
    forged.totals.actions.extend([
        crate::tracking::ViewAction::Called,
        crate::tracking::ViewAction::SavedContact,
    ]);
    assert_eq!(
        db.record_snapshot(&forged, now()),
        Err(StoreError::NotFound("session"))
    );
    assert_eq!(tracked_state(&db), before);
    assert!(db.take_changes().is_empty());
    assert_eq!(db.radar(&admin, 1_000).unwrap(), radar);
    assert_eq!(db.content_analytics(&admin, "c-pricing").unwrap(), pricing);
    assert_eq!(db.contacts["k-000"].intent, intent);
    assert!(
        !db.timeline(&admin, "k-000")
            .unwrap()
            .iter()
            .any(|a| matches!(a, Activity::View { .. } | Activity::Forwarded { .. }))
    );
}

#[test]
fn a_session_is_accepted_only_for_its_own_link_and_reader() {
    let mut db = demo::seed(now());
    share_pricing_to(&mut db, "k-000", "tok-m");
    share_pricing_to(&mut db, "k-001", "tok-n");
    let mine = db
        .open_share("tok-m", "tok-m1".into(), "s-m".into(), None, now())
        .unwrap();
    let other = db
        .open_share("tok-n", "tok-n1".into(), "s-n".into(), None, now())
        .unwrap();
    db.take_changes();
    let before = tracked_state(&db);
    // Another (real) share, another reader's (real) link, or no reader at all.
    let mut on_other_share = snap_of(&mine, 30_000, &[]);
    on_other_share.share_token = other.share.token.clone();
    let mut as_other_reader = snap_of(&mine, 30_000, &[]);
    as_other_reader.reader_token = Some(other.child_token.clone());
    let mut no_reader = snap_of(&mine, 30_000, &[]);
    no_reader.reader_token = None;
    let mut on_child_link = snap_of(&mine, 30_000, &[]);
    on_child_link.share_token = mine.child_token.clone();
    for bad in [on_other_share, as_other_reader, no_reader, on_child_link] {
        assert_eq!(
            db.record_snapshot(&bad, now()),
            Err(StoreError::NotFound("session")),
            "{bad:?}"
        );
    }
    assert_eq!(tracked_state(&db), before);
    assert!(db.take_changes().is_empty());
    // The session's own snapshot is taken.
    assert!(
        db.record_snapshot(&snap_of(&mine, 30_000, &[]), now())
            .unwrap()
            .is_some()
    );
}

#[test]
fn an_issued_session_counts_only_from_two_seconds_and_repeats_are_harmless() {
    let mut db = demo::seed(now());
    share_pricing_to(&mut db, "k-000", "tok-t");
    let intent = db.contacts["k-000"].intent;
    let opened = db
        .open_share("tok-t", "tok-t1".into(), "s-t".into(), None, now())
        .unwrap();
    // Opened (as a previewer or bot would): stored, on no radar, in no figure.
    assert!(db.sessions.contains_key("s-t"));
    let admin = db.caller("u-admin").unwrap();
    // The demo's history, which the views below add to.
    let radar = db.radar(&admin, 1_000).unwrap();
    let opens = db
        .content_analytics(&admin, "c-pricing")
        .unwrap()
        .stats
        .opens;
    let nothing_counted = |db: &Db| {
        db.radar(&admin, 1_000).unwrap() == radar
            && db.radar_item("s-t").is_none()
            && db
                .content_analytics(&admin, "c-pricing")
                .unwrap()
                .stats
                .opens
                == opens
            && db.contacts["k-000"].intent == intent
            && !db
                .timeline(&admin, "k-000")
                .unwrap()
                .iter()
                .any(|a| matches!(a, Activity::View { .. }))
    };
    assert!(nothing_counted(&db));
    assert_eq!(
        db.record_snapshot(&snap_of(&opened, 1_999, &[]), now()),
        Ok(None)
    );
    assert!(nothing_counted(&db));
    // At 2 s the view counts and is announced once.
    let at_two = snap_of(&opened, 2_000, &[("price", 2_000)]);
    let item = db.record_snapshot(&at_two, now()).unwrap().unwrap();
    assert_eq!((item.session_id.as_str(), item.visit), ("s-t", 1));
    assert_eq!(db.radar(&admin, 1_000).unwrap().len(), radar.len() + 1);
    assert_eq!(
        db.content_analytics(&admin, "c-pricing")
            .unwrap()
            .stats
            .opens,
        opens + 1
    );
    // Repeats, and an older snapshot arriving late, change nothing.
    db.take_changes();
    let settled = (db.sessions["s-t"].clone(), db.contacts.clone());
    let later = now() + Duration::minutes(5);
    for late in [at_two.clone(), snap_of(&opened, 1_000, &[]), at_two] {
        assert_eq!(db.record_snapshot(&late, later), Ok(None));
    }
    assert!(db.take_changes().is_empty());
    let s = &db.sessions["s-t"];
    assert_eq!(
        (&s.totals, s.last_seen_at, &db.contacts),
        (&settled.0.totals, settled.0.last_seen_at, &settled.1)
    );
    assert_eq!(db.radar(&admin, 1_000).unwrap().len(), radar.len() + 1);
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

#[test]
fn inbound_creates_contact_and_conversation_then_reuses_them() {
    let mut db = demo::seed(now());
    let contacts = db.contacts.len();
    let msg = |key: &str| InboundMessage {
        handle: "wx_new_9".into(),
        name: "新客户".into(),
        body: "你好".into(),
        attachments: vec![],
        idempotency_key: key.into(),
        context: Some(ShareTarget::Card("wang-lei".into())),
    };
    let ids = || ["k-new".to_string(), "v-new".to_string(), "m-1".to_string()];
    let (v, m) = db
        .inbound(Channel::Wechat, msg("key-1"), ids(), now())
        .unwrap();
    assert_eq!(db.contacts.len(), contacts + 1);
    assert_eq!(v.unread, 1);
    assert_eq!(v.context, Some(ShareTarget::Card("wang-lei".into())));
    // Retried delivery: same key, no second message.
    let (_, m2) = db
        .inbound(
            Channel::Wechat,
            msg("key-1"),
            ["a".into(), "b".into(), "m-2".into()],
            now(),
        )
        .unwrap();
    assert_eq!(m2.id, m.id);
    assert_eq!(db.messages["v-new"].len(), 1);
    assert_index_current(&db);
    let (v, _) = db
        .inbound(
            Channel::Wechat,
            msg("key-2"),
            ["a".into(), "b".into(), "m-3".into()],
            now(),
        )
        .unwrap();
    assert_eq!(v.id, "v-new");
    assert_eq!(v.unread, 2);
    assert!(db.contacts["k-new"].intent > 0, "a message raises intent");
}

#[test]
fn web_chat_carries_the_shared_item_as_context() {
    let mut db = demo::seed(now());
    share_pricing_to(&mut db, "k-003", "tok-w");
    let msg = InboundMessage {
        handle: "tok-w".into(),
        name: "访客".into(),
        body: "想预约演示".into(),
        attachments: vec![],
        idempotency_key: "w1".into(),
        context: None,
    };
    let ids = || ["k-w".to_string(), "v-w".to_string(), "m-w".to_string()];
    let (v, _) = db.web_chat("tok-w", msg.clone(), ids(), now()).unwrap();
    assert_eq!(v.channel, Channel::WebChat);
    assert_eq!(v.context, Some(ShareTarget::Content("c-pricing".into())));
    assert_eq!(
        db.web_chat("nope", msg, ids(), now()),
        Err(StoreError::NotFound("share"))
    );
}

#[test]
fn staff_reply_is_idempotent_and_clears_unread_notes_do_not() {
    let mut db = demo::seed(now());
    let id = db.conversations.keys().next().unwrap().clone();
    let note = NewMessage {
        body: "内部备注".into(),
        attachments: vec![],
        note: true,
        idempotency_key: "n1".into(),
    };
    let unread = db.conversations[&id].unread;
    let (v, m) = db
        .send_message(
            &db.caller("u-zhaomin").unwrap(),
            &id,
            note,
            "m-n".into(),
            now(),
        )
        .unwrap();
    assert_eq!(m.direction, Direction::Note);
    assert_eq!(v.unread, unread);
    let reply = NewMessage {
        body: "好的".into(),
        attachments: vec![],
        note: false,
        idempotency_key: "r1".into(),
    };
    let (v, _) = db
        .send_message(
            &db.caller("u-zhaomin").unwrap(),
            &id,
            reply.clone(),
            "m-r".into(),
            now(),
        )
        .unwrap();
    assert_eq!(v.unread, 0);
    assert_eq!(v.last_preview, "好的");
    let changes = db.take_changes();
    assert!(changes.contains(&Change::Message {
        conversation_id: id.clone(),
        id: "m-r".into()
    }));
    assert!(changes.contains(&Change::Conversation(id.clone())));
    let n = db.messages[&id].len();
    db.send_message(
        &db.caller("u-zhaomin").unwrap(),
        &id,
        reply,
        "m-r2".into(),
        now(),
    )
    .unwrap();
    assert_eq!(db.messages[&id].len(), n);
    let empty = NewMessage {
        body: " ".into(),
        attachments: vec![],
        note: false,
        idempotency_key: "e".into(),
    };
    assert!(matches!(
        db.send_message(
            &db.caller("u-admin").unwrap(),
            &id,
            empty,
            "x".into(),
            now()
        ),
        Err(StoreError::Invalid(_))
    ));
}

#[test]
fn conversation_filters_and_pages() {
    let db = demo::seed(now());
    let all = db
        .list_conversations(
            &db.caller("u-zhaomin").unwrap(),
            &ConversationQuery {
                status: StatusFilter::All,
                ..Default::default()
            },
            now(),
        )
        .page;
    assert_eq!(all.total, db.conversations.len());
    // Each row names its contact, so a list needs no second request.
    for v in &all.items {
        assert_eq!(v.contact_name, db.contacts[&v.contact_id].name);
    }
    let open = db
        .list_conversations(
            &db.caller("u-zhaomin").unwrap(),
            &ConversationQuery::default(),
            now(),
        )
        .page;
    assert!(
        open.items
            .iter()
            .all(|v| v.status == ConversationStatus::Open)
    );
    let mine = db.list_conversations(
        &db.caller("u-zhaomin").unwrap(),
        &ConversationQuery {
            status: StatusFilter::All,
            assignee: AssigneeFilter::Mine,
            ..Default::default()
        },
        now(),
    );
    // Each status tab's count is what that tab would list under the same filters.
    for status in StatusFilter::ALL {
        let tab = db.list_conversations(
            &db.caller("u-zhaomin").unwrap(),
            &ConversationQuery {
                status,
                assignee: AssigneeFilter::Mine,
                ..Default::default()
            },
            now(),
        );
        assert_eq!(tab.by_status, mine.by_status);
        assert_eq!(mine.by_status.get(status), tab.page.total, "{status:?}");
    }
    assert!(mine.by_status.get(StatusFilter::All) < db.conversations.len());
    let mine = mine.page;
    assert!(
        mine.total > 0
            && mine
                .items
                .iter()
                .all(|v| v.assignee_id.as_deref() == Some("u-zhaomin"))
    );
    let sms = db
        .list_conversations(
            &db.caller("u-admin").unwrap(),
            &ConversationQuery {
                status: StatusFilter::All,
                channel: Some(Channel::Sms),
                ..Default::default()
            },
            now(),
        )
        .page;
    assert!(sms.total > 0 && sms.items.iter().all(|v| v.channel == Channel::Sms));

    let q = |cursor: Option<String>| ConversationQuery {
        status: StatusFilter::All,
        limit: Some(5),
        cursor,
        ..Default::default()
    };
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = db
            .list_conversations(&db.caller("u-admin").unwrap(), &q(cursor), now())
            .page;
        seen.extend(page.items.into_iter().map(|v| v.id));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(seen.len(), db.conversations.len());
    // The unread count covers every matching conversation, not only the page.
    let unread: u32 = db.conversations.values().map(|v| v.unread).sum();
    assert!(unread > 0);
    assert_eq!(
        db.list_conversations(&db.caller("u-admin").unwrap(), &q(None), now())
            .unread,
        unread
    );
    let bad = db
        .list_conversations(
            &db.caller("u-admin").unwrap(),
            &q(Some("garbage".into())),
            now(),
        )
        .page;
    assert_eq!(bad.items.len(), 5);
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
