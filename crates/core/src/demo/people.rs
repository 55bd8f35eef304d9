//! The demo's organization, staff, cards and customers: the fixed records the story
//! is told with.

use super::rng::Lcg;
use crate::channel::Channel;
use crate::contact::{Contact, Identity};
use crate::people::{Card, CardTheme, PhoneVisibility, Role, User};
use crate::store::Db;
use crate::team::{Department, Organization};
use chrono::{DateTime, Duration, Utc};
use std::ops::Range;

pub(super) fn department(id: &str, name: &str, parent: Option<&str>) -> Department {
    Department {
        id: id.into(),
        name: name.into(),
        parent_id: parent.map(Into::into),
    }
}

pub(super) fn staff(id: &str, name: &str, role: Role, email: &str, department: &str) -> User {
    User {
        id: id.into(),
        name: name.into(),
        role,
        email: email.into(),
        card_id: None,
        department_id: Some(department.into()),
        active: true,
        joined_at: None,
    }
}

/// The demo's staff, their roles and departments: headquarters (the admin and the
/// support agent) over two sales departments with a manager each; East China has a
/// Shanghai team below it, so a manager's scope reaches down the tree. Every seller
/// has a card.
pub(super) fn team(db: &mut Db, now: DateTime<Utc>) {
    db.org = Organization {
        id: super::ORG.into(),
        name: "连接科技 Lianjie Tech".into(),
        departments: vec![
            department("d-hq", "总部 Headquarters", None),
            department("d-east", "华东销售部 East China Sales", Some("d-hq")),
            department("d-shanghai", "上海组 Shanghai Team", Some("d-east")),
            department("d-south", "华南销售部 South China Sales", Some("d-hq")),
        ],
        ..Default::default()
    };

    let sellers = [
        (
            "u-wanglei",
            "王磊",
            "wang-lei",
            "高级客户经理",
            "13800138001",
            "wanglei_sales",
            CardTheme::Jade,
            Role::Rep,
            "d-east",
        ),
        (
            "u-lina",
            "李娜",
            "li-na",
            "解决方案顾问",
            "13900139002",
            "lina_crm",
            CardTheme::Coral,
            Role::Rep,
            "d-shanghai",
        ),
        (
            "u-emily",
            "Emily Chen",
            "emily-chen",
            "Account Executive",
            "+86 137 0013 7003",
            "emily_c",
            CardTheme::Ink,
            Role::Rep,
            "d-south",
        ),
        (
            "u-chengang",
            "陈刚",
            "chen-gang",
            "华东销售总监",
            "13800138004",
            "chengang_lead",
            CardTheme::Slate,
            Role::Manager,
            "d-east",
        ),
        (
            "u-sunyue",
            "孙悦",
            "sun-yue",
            "华南销售经理",
            "13800138005",
            "sunyue_lead",
            CardTheme::Jade,
            Role::Manager,
            "d-south",
        ),
    ];
    for (id, name, card, title, phone, wechat, theme, role, dept) in sellers {
        // Emily joined this month; the rest have sold here for over a year.
        let joined = if id == "u-emily" { 12 } else { 400 };
        db.users.push(User {
            card_id: Some(card.into()),
            joined_at: Some(now - Duration::days(joined)),
            ..staff(id, name, role, &format!("{card}@lianjie.example"), dept)
        });
        db.cards.insert(
            card.into(),
            Card {
                id: card.into(),
                owner_id: id.into(),
                name: name.into(),
                title: title.into(),
                company: "连接科技 Lianjie Tech".into(),
                phone: phone.into(),
                email: format!("{card}@lianjie.example"),
                wechat_id: wechat.into(),
                address: "上海市浦东新区世纪大道 100 号 18 层".into(),
                website: "https://lianjie.example".into(),
                intro: "帮助企业把每一次客户接触变成可以跟进的线索。Helping teams turn every customer touch into a lead they can follow up.".into(),
                featured: vec!["c-pricing".into(), "c-case-retail".into(), "v-demo".into()],
                theme,
                phone_visibility: if id == "u-emily" { PhoneVisibility::OnRequest } else { PhoneVisibility::Public },
                updated_at: Some(now - Duration::days(3)),
                ..Card::default()
            },
        );
    }
    db.users.push(staff(
        "u-zhaomin",
        "赵敏",
        Role::Agent,
        "zhaomin@lianjie.example",
        "d-hq",
    ));
    db.users.push(staff(
        "u-admin",
        "Admin 管理员",
        Role::Admin,
        "admin@lianjie.example",
        "d-hq",
    ));
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "马", "朱", "胡",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "杰", "涛", "明", "超", "秀英", "建华",
];
const ENGLISH: &[&str] = &[
    "Olivia Brown",
    "James Miller",
    "Sophia Wilson",
    "Lucas Martin",
    "Mia Taylor",
    "Noah Davis",
    "Ava Thomas",
    "Liam Moore",
];
const COMPANIES: &[&str] = &[
    "华东医疗器械",
    "星河教育",
    "云帆物流",
    "青松地产",
    "Bright Retail Ltd.",
    "优品连锁",
    "北辰制造",
    "Harbor Foods",
];
const TAGS: &[&str] = &["价格", "案例", "产品", "售后", "试用"];

/// Adds a demo contact `k-{i}` for each `i` in `range`, owned by the reps in turn.
/// `made_up`: whether they come with an intent score and interests of their own. The
/// seed's customers start with none, so what the story's readings and messages make
/// of them is all they show; a demo grown to scale has no readings behind its
/// thousands of customers and makes up figures for the inbox to sort by.
pub(super) fn add_contacts(
    db: &mut Db,
    rng: &mut Lcg,
    range: Range<usize>,
    made_up: bool,
    now: DateTime<Utc>,
) {
    let reps: Vec<String> = db
        .users
        .iter()
        .filter(|u| u.role == Role::Rep)
        .map(|u| u.id.clone())
        .collect();
    for i in range {
        let name = if i % 6 == 5 {
            ENGLISH[rng.next(ENGLISH.len())].to_string()
        } else {
            let title = if i % 2 == 0 { "先生" } else { "女士" };
            let s = SURNAMES[rng.next(SURNAMES.len())];
            if i % 3 == 0 {
                format!("{s}{title}")
            } else {
                format!("{s}{}", GIVEN[rng.next(GIVEN.len())])
            }
        };
        let channel = Channel::ALL[i % Channel::ALL.len()];
        let id = format!("k-{i:03}");
        let interests = (0..rng.next(3))
            .map(|_| {
                (
                    TAGS[rng.next(TAGS.len())].to_string(),
                    20 + rng.next(600) as u64,
                )
            })
            .collect();
        db.contacts.insert(
            id.clone(),
            Contact {
                id: id.clone(),
                company: COMPANIES[rng.next(COMPANIES.len())].into(),
                phone: format!("1{}{:09}", 3 + rng.next(7), 100_000_000 + i * 7_919),
                email: if channel == Channel::Email {
                    format!("customer{i}@example.com")
                } else {
                    String::new()
                },
                wechat_id: if channel == Channel::Wechat {
                    format!("wx_{i:03}")
                } else {
                    String::new()
                },
                identities: vec![Identity {
                    channel,
                    handle: handle(channel, i),
                }],
                owner_id: Some(reps[i % reps.len()].clone()),
                // Drawn either way, so the names and companies stay the same.
                interests: if made_up {
                    interests
                } else {
                    Default::default()
                },
                intent: Some(rng.next(95) as u8).filter(|_| made_up).unwrap_or(0),
                last_seen_at: Some(now - Duration::minutes(rng.next(60 * 24 * 10) as i64)),
                created_at: now - Duration::days(20 + rng.next(200) as i64),
                // Theirs for up to 44 days: a few are due back to the pool soon.
                owned_since: Some(now - Duration::days((i * 17 % 45) as i64)),
                merged: None,
                lead_link: None,
                probably_same_as: None,
                not_same_as: Vec::new(),
                name,
                ..Default::default()
            },
        );
        db.note_contact(&id);
    }
}

pub(super) fn handle(channel: Channel, i: usize) -> String {
    match channel {
        Channel::Email => format!("customer{i}@example.com"),
        Channel::Sms => format!("+86139{:08}", i * 7_919),
        other => format!("{}_{i:03}", other.slug()),
    }
}

/// The company-wide public pool: customers who leave a rep after 45 days without a
/// follow-up (or a year without a won deal), with the customers `range` waiting in
/// it (the owned ones have been theirs for up to 44 days: see [`add_contacts`]).
pub(super) fn pool(db: &mut Db, rng: &mut Lcg, range: Range<usize>, now: DateTime<Utc>) {
    db.org.pools = vec![crate::pool::Pool {
        id: "p-all".into(),
        name: "公海 Public pool".into(),
        department_ids: Vec::new(),
        rules: crate::pool::PoolRules {
            recycle_without_follow_up_days: 45,
            recycle_without_won_deal_days: 365,
            ..Default::default()
        },
    }];
    add_contacts(db, rng, range.clone(), false, now);
    for (n, i) in range.enumerate() {
        if let Some(c) = db.contacts.get_mut(&format!("k-{i:03}")) {
            c.owner_id = None;
            c.owned_since = None;
            c.pool_id = Some("p-all".into());
            c.last_seen_at = Some(now - Duration::days(3 + n as i64 * 4));
        }
    }
}
