//! A second, small organization on the same server: the tests' stranger.

use super::content::contents;
use super::inbox::add_conversation;
use super::people::{department, staff};
use super::rng::Lcg;
use crate::channel::Channel;
use crate::contact::{Contact, Identity};
use crate::inbox::{Conversation, Message};
use crate::people::{Card, Role, User};
use crate::store::Db;
use crate::team::Organization;
use chrono::{DateTime, Duration, Utc};

/// A second, small organization on the same server (the tests' stranger): an admin
/// and a rep with a card, one article, one customer and one conversation. Nothing of
/// it may ever reach the demo organization's staff, nor theirs this one's.
pub fn other_org(now: DateTime<Utc>) -> Db {
    let mut db = Db::default();
    db.org = Organization {
        id: "beichen".into(),
        name: "北辰贸易 Beichen Trading".into(),
        departments: vec![department("bc-sales", "销售部 Sales", None)],
        ..Default::default()
    };
    db.users.push(staff(
        "bc-admin",
        "刘洋",
        Role::Admin,
        "admin@beichen.example",
        "bc-sales",
    ));
    db.users.push(User {
        card_id: Some("bc-zhou".into()),
        ..staff(
            "bc-rep",
            "周强",
            Role::Rep,
            "zhou@beichen.example",
            "bc-sales",
        )
    });
    db.cards.insert(
        "bc-zhou".into(),
        Card {
            id: "bc-zhou".into(),
            owner_id: "bc-rep".into(),
            name: "周强".into(),
            title: "销售经理".into(),
            company: "北辰贸易".into(),
            phone: "13700137000".into(),
            updated_at: Some(now),
            ..Card::default()
        },
    );
    let mut article = contents(now)
        .into_iter()
        .next()
        .expect("the demo has content");
    article.id = "bc-catalog".into();
    article.title = "北辰 2026 产品目录".into();
    article.author_id = "bc-rep".into();
    db.contents.insert(article.id.clone(), article);
    db.contacts.insert(
        "bc-k1".into(),
        Contact {
            id: "bc-k1".into(),
            name: "吴女士".into(),
            company: "南湖食品".into(),
            phone: "13600136000".into(),
            email: String::new(),
            wechat_id: "wx_bc_wu".into(),
            identities: vec![Identity {
                channel: Channel::Wechat,
                handle: "wx_bc_wu".into(),
            }],
            owner_id: Some("bc-rep".into()),
            interests: Default::default(),
            intent: 40,
            last_seen_at: Some(now),
            created_at: now - Duration::days(3),
            merged: None,
            lead_link: None,
            probably_same_as: None,
            not_same_as: Vec::new(),
            ..Default::default()
        },
    );
    db.note_contact("bc-k1");
    let mut rng = Lcg(7);
    add_conversation(
        &mut db,
        &mut rng,
        900,
        "bc-k1".into(),
        40,
        Channel::Wechat,
        Some(2),
        now,
    );
    if let Some(v) = db.conversations.remove("v-900") {
        let id = "bc-v1".to_owned();
        let messages: Vec<Message> = db
            .messages
            .remove("v-900")
            .unwrap_or_default()
            .into_iter()
            .map(|m| Message {
                id: format!("bc-{}", m.id),
                conversation_id: id.clone(),
                author_id: m.author_id.map(|_| "bc-rep".to_owned()),
                ..m
            })
            .collect();
        db.conversations
            .insert(id.clone(), Conversation { id, ..v });
        db.add_messages(messages);
    }
    db
}
