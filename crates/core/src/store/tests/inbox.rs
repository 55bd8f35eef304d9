//! The inbox: handling, the visitor's view, channels, web chat, replies, filters.

use super::*;

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
fn a_run_out_snooze_is_opened_again_earliest_first() {
    let mut db = demo::seed(now());
    let admin = db.caller("u-admin").unwrap();
    let ids: Vec<String> = db.conversations.keys().take(3).cloned().collect();
    for (id, hours) in ids.iter().zip([2, 1, 5]) {
        let status = ConversationStatus::Snoozed {
            until: now() + Duration::hours(hours),
        };
        let update = ConversationUpdate {
            status: Some(status),
            ..Default::default()
        };
        db.update_conversation(&admin, id, update, now()).unwrap();
    }
    db.take_changes();
    // Before the demo's own snoozes (3 h) run out.
    let at = now() + Duration::minutes(150);
    let due = db.run_out_snoozes(at, 10);
    assert_eq!(
        due,
        [ids[1].clone(), ids[0].clone()],
        "earliest end first, not the 5 h one"
    );
    assert_eq!(db.run_out_snoozes(at, 1), [ids[1].clone()]);
    assert!(db.wake_snooze(&ids[2], at).is_none(), "still snoozed");
    let woken = db.wake_snooze(&ids[0], at).unwrap();
    assert_eq!(woken.status, ConversationStatus::Open);
    assert_eq!(db.take_changes(), [Change::Conversation(ids[0].clone())]);
    assert!(db.wake_snooze(&ids[0], at).is_none(), "woken once");
    assert!(db.wake_snooze("nope", at).is_none());
    assert_eq!(db.run_out_snoozes(at, 10), [ids[1].clone()]);
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
        now() + chrono::Duration::seconds(1),
    )
    .unwrap();
    db.send_message(
        &db.caller("u-wanglei").unwrap(),
        &v.id,
        reply("内部：重点客户", true, "n1"),
        "m-n1".into(),
        now() + chrono::Duration::seconds(2),
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

/// A backend that keeps messages in storage holds none of them between operations:
/// the conversation keeps what intent needs of them, and the trend's earlier points
/// come out the same once the customer's messages are held again.
#[test]
fn intent_needs_no_messages_but_the_trend_is_the_same_with_them_held() {
    let at = now();
    let full = demo::seed(at);
    let mut bare = full.clone();
    bare.forget_messages();
    let admin = full.caller("u-admin").unwrap();
    let mut checked = 0;
    for (id, contact) in &full.contacts {
        let theirs = full.conversations_of(&admin, id).unwrap();
        if !theirs
            .iter()
            .any(|v| full.conversations[v].last_inbound_at.is_some())
        {
            continue;
        }
        checked += 1;
        // Now: from the conversations alone.
        assert_eq!(
            full.signals(id, at),
            bare.signals(id, at),
            "{}",
            contact.name
        );
        // Earlier: with the customer's messages held.
        let mut held = bare.clone();
        held.add_messages(
            theirs
                .iter()
                .flat_map(|v| full.messages[v].iter())
                .filter(|m| m.direction == Direction::Inbound)
                .cloned(),
        );
        assert_eq!(
            full.intent_trend(&admin, id, &crate::api::TREND_DAYS, at),
            held.intent_trend(&admin, id, &crate::api::TREND_DAYS, at),
        );
    }
    assert!(checked > 5, "{checked}");
}

#[test]
fn a_conversation_keeps_when_the_customer_last_wrote_and_messages_of_one_moment_go_by_id() {
    let mut db = demo::seed(now());
    let v = db.conversations.keys().next().cloned().unwrap();
    let admin = db.caller("u-admin").unwrap();
    let later = now() + Duration::hours(1);
    let reply = |key: &str| NewMessage {
        body: key.into(),
        attachments: Vec::new(),
        note: false,
        idempotency_key: key.into(),
    };
    // Sent in this order at one moment, listed by id.
    db.send_message(&admin, &v, reply("b"), "m-b".into(), later)
        .unwrap();
    db.send_message(&admin, &v, reply("a"), "m-a".into(), later)
        .unwrap();
    let page = db.messages_page(&admin, &v, None, Some(2)).unwrap();
    let ids: Vec<&str> = page.items.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["m-b", "m-a"], "newest first");
    let before = db.conversations[&v].last_inbound_at;
    assert!(before.is_some_and(|t| t < later));
    let msg = InboundMessage {
        handle: "wx-new".into(),
        name: "客户".into(),
        body: "在吗".into(),
        attachments: Vec::new(),
        idempotency_key: "in-1".into(),
        context: None,
    };
    let ids = ["k-x".to_owned(), "v-x".to_owned(), "m-x".to_owned()];
    let (got, _) = db
        .inbound(crate::channel::Channel::Wechat, msg, ids, later)
        .unwrap();
    assert_eq!(got.last_inbound_at, Some(later));
}

#[test]
fn a_platform_joins_an_identity_to_a_named_customer_and_a_leaver_comes_back_to_them() {
    let mut db = demo::seed(now());
    let mut ids = db.contacts.keys().cloned();
    let (named, other) = (ids.next().unwrap(), ids.next().unwrap());
    let wecom = Identity {
        channel: Channel::Wecom,
        handle: "wmEXT-1".into(),
    };
    let says = |key: &str| InboundMessage {
        handle: "wmEXT-1".into(),
        name: String::new(),
        body: "你好".into(),
        attachments: vec![],
        idempotency_key: key.into(),
        context: None,
    };
    let fresh = |n: &str| [format!("c-{n}"), format!("v-{n}"), format!("m-{n}")];
    assert!(db.join_identity(&wecom, &named));
    // Held now: a platform's word never moves it to someone else.
    assert!(!db.join_identity(&wecom, &other));
    assert!(!db.join_identity(&wecom, "c-nobody"));
    let (v, _) = db
        .inbound(Channel::Wecom, says("k1"), fresh("1"), now())
        .unwrap();
    assert_eq!(v.contact_id, named);
    assert_eq!(db.leave_identity(&wecom).as_deref(), Some(named.as_str()));
    assert!(!db.contacts[&named].identities.contains(&wecom));
    assert_eq!(db.leave_identity(&wecom), None);
    // Back again: the same customer and conversation, not a stranger.
    let (back, _) = db
        .inbound(Channel::Wecom, says("k2"), fresh("2"), now())
        .unwrap();
    assert_eq!(
        (back.contact_id.as_str(), back.id.as_str()),
        (named.as_str(), v.id.as_str())
    );
    assert!(db.contacts[&named].identities.contains(&wecom));
    assert!(db.contacts[&named].left.is_empty());
    assert!(!db.contacts.contains_key("c-2"));
}

#[test]
fn a_message_answering_a_thread_joins_its_conversation_from_any_address() {
    let mut db = demo::seed(now());
    let mail = |handle: &str, key: &str| InboundMessage {
        handle: handle.into(),
        name: String::new(),
        body: "Re: 报价".into(),
        attachments: vec![],
        idempotency_key: key.into(),
        context: None,
    };
    let fresh = |n: &str| [format!("c-{n}"), format!("v-{n}"), format!("m-{n}")];
    let (v, _) = db
        .inbound(
            Channel::Email,
            mail("li@example.com", "k1"),
            fresh("1"),
            now(),
        )
        .unwrap();
    let (same, m) = db
        .inbound_threaded(
            Channel::Email,
            &v.id,
            mail("li.home@example.net", "k2"),
            fresh("2"),
            now(),
        )
        .unwrap();
    assert_eq!((same.id.as_str(), same.unread), (v.id.as_str(), 2));
    assert_eq!(m.conversation_id, v.id);
    assert!(!db.contacts.contains_key("c-2"));
    // A thread that is no email conversation (or none at all): as any message.
    let web = db
        .conversations
        .values()
        .find(|c| c.channel == Channel::WebChat)
        .unwrap()
        .id
        .clone();
    for thread in [web.as_str(), "v-missing"] {
        let (other, _) = db
            .inbound_threaded(
                Channel::Email,
                thread,
                mail("new@example.org", "k3"),
                fresh("3"),
                now(),
            )
            .unwrap();
        assert_eq!(db.conversations[&other.id].channel, Channel::Email);
        assert_ne!(other.id, web);
    }
}

#[test]
fn a_handle_reaches_exactly_the_customer_holding_it_whatever_the_lookups_group() {
    let mut db = demo::seed(now());
    let mut send = |channel: Channel, handle: &str, n: usize| {
        let msg = InboundMessage {
            handle: handle.into(),
            name: String::new(),
            body: "你好".into(),
            attachments: vec![],
            idempotency_key: format!("key-{n}"),
            context: None,
        };
        let ids = [format!("k-h{n}"), format!("v-h{n}"), format!("m-h{n}")];
        let (v, _) = db.inbound(channel, msg, ids, now()).unwrap();
        v.contact_id
    };
    // The lookups list handles as they compare (case and a phone's punctuation
    // aside); a message still reaches only the customer holding its very handle.
    let upper = send(Channel::Wechat, "WX_Case", 1);
    let lower = send(Channel::Wechat, "wx_case", 2);
    assert_ne!(upper, lower);
    assert_eq!(send(Channel::Wechat, "WX_Case", 3), upper);
    // An SMS handle without digits compares as nothing, and still reaches its own.
    let desk = send(Channel::Sms, "service-desk", 4);
    assert_eq!(send(Channel::Sms, "service-desk", 5), desk);
    assert_ne!(send(Channel::Sms, "front-desk", 6), desk);
    assert_index_current(&db);
}
