//! Realistic bilingual demo data, the same for the in-browser backend and the
//! reference server's first start. Deterministic: the same `now` gives the same data,
//! so tests can name what they expect to find.

use crate::channel::Channel;
use crate::contact::{Contact, Identity};
use crate::content::{Block, BlockBody, Content, ContentKind};
use crate::inbox::{CannedReply, Conversation, ConversationStatus, Direction, Message};
use crate::people::{Card, CardTheme, PhoneVisibility, Role, User};
use crate::store::Db;
use crate::team::{Department, Organization};
use chrono::{DateTime, Duration, Utc};
use std::ops::Range;

pub const CONTACTS: usize = 50;
/// Conversation numbers the seed may use (channels without a free contact are skipped).
const SEED_CONVERSATIONS: usize = 24;

/// A tiny linear congruential generator: reproducible variety without a dependency.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// The demo organization's id: what the in-browser backend holds and the reference
/// server seeds first.
pub const ORG: &str = "lianjie";

fn department(id: &str, name: &str, parent: Option<&str>) -> Department {
    Department {
        id: id.into(),
        name: name.into(),
        parent_id: parent.map(Into::into),
    }
}

fn staff(id: &str, name: &str, role: Role, email: &str, department: &str) -> User {
    User {
        id: id.into(),
        name: name.into(),
        role,
        email: email.into(),
        card_id: None,
        department_id: Some(department.into()),
        active: true,
    }
}

/// The demo's staff, their roles and departments: headquarters (the admin and the
/// support agent) over two sales departments with a manager each; East China has a
/// Shanghai team below it, so a manager's scope reaches down the tree.
pub fn seed(now: DateTime<Utc>) -> Db {
    let mut rng = Lcg(20_261_123);
    let mut db = Db::default();
    db.org = Organization {
        id: ORG.into(),
        name: "连接科技 Lianjie Tech".into(),
        departments: vec![
            department("d-hq", "总部 Headquarters", None),
            department("d-east", "华东销售部 East China Sales", Some("d-hq")),
            department("d-shanghai", "上海组 Shanghai Team", Some("d-east")),
            department("d-south", "华南销售部 South China Sales", Some("d-hq")),
        ],
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
        db.users.push(User {
            card_id: Some(card.into()),
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

    for content in contents(now) {
        db.contents.insert(content.id.clone(), content);
    }

    add_contacts(&mut db, &mut rng, 0..CONTACTS, now);

    for i in 0..SEED_CONVERSATIONS {
        let channel = Channel::ALL[i % Channel::ALL.len()];
        let contact = db
            .contacts
            .values()
            .find(|c| {
                c.identities[0].channel == channel
                    && !db.conversations.values().any(|v| v.contact_id == c.id)
            })
            .map(|c| (c.id.clone(), c.intent));
        let Some((contact_id, intent)) = contact else {
            continue;
        };
        add_conversation(&mut db, &mut rng, i, contact_id, intent, channel, None, now);
    }

    db.canned = vec![
        canned(
            "hello",
            "问候 Greeting",
            "您好 {name}，我是 {agent}，很高兴为您服务！",
        ),
        canned(
            "price",
            "报价 Pricing",
            "{name} 您好，报价方案已发送，请查收。如有疑问随时联系我。",
        ),
        canned(
            "trial",
            "试用 Trial",
            "{name}，已为您开通 14 天免费试用，登录手机号即可使用。",
        ),
        canned(
            "thanks",
            "致谢 Thanks",
            "Thank you {name}! Let me know if there is anything else I can do.",
        ),
        canned(
            "hours",
            "服务时间 Hours",
            "我们的服务时间是工作日 9:00-18:00，紧急问题请拨打 400-800-1234。",
        ),
    ];
    db
}

/// The largest demo a reset may ask for, in conversations.
pub const MAX_SCALE: usize = 20_000;
/// Messages in each conversation a scaled demo adds: 10,000 conversations make
/// 100,000 messages.
pub const SCALE_MESSAGES: usize = 10;

/// What "reset demo data" restores: the seed, or the seed grown to `conversations`
/// (at most [`MAX_SCALE`]).
pub fn reset(now: DateTime<Utc>, conversations: Option<usize>) -> Db {
    match conversations {
        Some(n) => at_scale(now, n.min(MAX_SCALE), SCALE_MESSAGES),
        None => seed(now),
    }
}

/// The demo data grown to `conversations` conversations in all, each new one with its
/// own contact and `messages_each` messages (at least 2), to try and measure the inbox
/// at scale.
pub fn at_scale(now: DateTime<Utc>, conversations: usize, messages_each: usize) -> Db {
    let mut db = seed(now);
    let mut rng = Lcg(10_000);
    let more = conversations.saturating_sub(db.conversations.len());
    add_contacts(&mut db, &mut rng, CONTACTS..CONTACTS + more, now);
    for n in 0..more {
        let k = CONTACTS + n;
        // The contact's own channel, as add_contacts chose it.
        let channel = Channel::ALL[k % Channel::ALL.len()];
        let contact_id = format!("k-{k:03}");
        let intent = db.contacts.get(&contact_id).map_or(0, |c| c.intent);
        add_conversation(
            &mut db,
            &mut rng,
            SEED_CONVERSATIONS + n,
            contact_id,
            intent,
            channel,
            Some(messages_each.max(2)),
            now,
        );
    }
    db
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
const LINES_IN: &[&str] = &[
    "你好，想了解一下你们的报价。",
    "请问支持私有化部署吗？",
    "我们有 200 个销售，大概多少钱？",
    "Can I get a demo next week?",
    "上次说的案例资料可以再发一份吗？",
    "售后响应时间是多久？",
    "试用账号怎么申请？",
    "Is there an English interface?",
];
const LINES_OUT: &[&str] = &[
    "您好！我是您的专属顾问，马上为您发送报价方案。",
    "支持的，我们提供私有化和云端两种部署方式。",
    "Sure, which day works best for you?",
    "已为您开通 14 天试用，请查收短信。",
];

/// Adds a demo contact `k-{i}` for each `i` in `range`, owned by the reps in turn.
fn add_contacts(db: &mut Db, rng: &mut Lcg, range: Range<usize>, now: DateTime<Utc>) {
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
                interests,
                intent: (rng.next(95)) as u8,
                last_seen_at: Some(now - Duration::minutes(rng.next(60 * 24 * 10) as i64)),
                created_at: now - Duration::days(20 + rng.next(200) as i64),
                merged: None,
                lead_link: None,
                probably_same_as: None,
                not_same_as: Vec::new(),
                name,
            },
        );
    }
}

/// Adds conversation `v-{i}` with `contact` on `channel`: `count` messages (2 to 7
/// when not given), alternating customer and agent, the last hour to four days ago.
#[allow(clippy::too_many_arguments)]
fn add_conversation(
    db: &mut Db,
    rng: &mut Lcg,
    i: usize,
    contact_id: String,
    intent: u8,
    channel: Channel,
    count: Option<usize>,
    now: DateTime<Utc>,
) {
    let id = format!("v-{i:03}");
    let mut start = now - Duration::minutes(30 + rng.next(60 * 24 * 4) as i64);
    let count = count.unwrap_or_else(|| 2 + rng.next(6));
    let mut at = start;
    let mut msgs = Vec::new();
    for m in 0..count {
        at += Duration::minutes(1 + rng.next(90) as i64);
        let inbound = m % 2 == 0;
        let body = if inbound {
            LINES_IN[rng.next(LINES_IN.len())]
        } else {
            LINES_OUT[rng.next(LINES_OUT.len())]
        };
        msgs.push(Message {
            id: format!("{id}-m{m}"),
            conversation_id: id.clone(),
            direction: if inbound {
                Direction::Inbound
            } else {
                Direction::Outbound
            },
            author_id: (!inbound).then(|| "u-zhaomin".to_string()),
            body: body.into(),
            attachments: vec![],
            created_at: at,
            idempotency_key: format!("seed-{id}-{m}"),
        });
    }
    // A long exchange started recently would end in the future: move it back.
    let overshoot = at - now + Duration::minutes(1);
    if overshoot > Duration::zero() {
        start -= overshoot;
        for m in &mut msgs {
            m.created_at -= overshoot;
        }
    }
    let last = msgs.last().expect("count >= 2");
    let status = match i % 6 {
        4 => ConversationStatus::Pending,
        5 => ConversationStatus::Resolved,
        3 if i > 10 => ConversationStatus::Snoozed {
            until: now + Duration::hours(3),
        },
        _ => ConversationStatus::Open,
    };
    // Support answers some; a rep takes their own customer's conversation on others.
    let assignee_id = match i % 4 {
        0 => Some("u-zhaomin".to_string()),
        3 => None,
        _ => db
            .contacts
            .get(&contact_id)
            .and_then(|c| c.owner_id.clone()),
    };
    db.conversations.insert(
        id.clone(),
        Conversation {
            id: id.clone(),
            contact_id,
            channel,
            status,
            assignee_id,
            labels: if i.is_multiple_of(4) {
                vec!["报价".into()]
            } else {
                vec![]
            },
            context: (channel == Channel::WebChat)
                .then(|| crate::share::ShareTarget::Content("c-pricing".into())),
            last_message_at: last.created_at,
            last_preview: last.body.clone(),
            unread: if last.direction == Direction::Inbound {
                1 + rng.next(3) as u32
            } else {
                0
            },
            intent,
            contact_name: String::new(),
            created_at: start,
        },
    );
    db.messages.insert(id, msgs);
}

fn handle(channel: Channel, i: usize) -> String {
    match channel {
        Channel::Email => format!("customer{i}@example.com"),
        Channel::Sms => format!("+86139{:08}", i * 7_919),
        other => format!("{}_{i:03}", other.slug()),
    }
}

fn canned(shortcut: &str, title: &str, body: &str) -> CannedReply {
    CannedReply {
        id: format!("r-{shortcut}"),
        shortcut: shortcut.into(),
        title: title.into(),
        body: body.into(),
    }
}

fn b(id: &str, tags: &[&str], body: BlockBody) -> Block {
    Block {
        id: id.into(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        body,
    }
}

fn p(text: &str) -> BlockBody {
    BlockBody::Paragraph { text: text.into() }
}

fn h(text: &str) -> BlockBody {
    BlockBody::Heading {
        level: 2,
        text: text.into(),
    }
}

fn contents(now: DateTime<Utc>) -> Vec<Content> {
    let item =
        |id: &str, kind, title: &str, summary: &str, tags: &[&str], days: i64, blocks| Content {
            id: id.into(),
            kind,
            title: title.into(),
            summary: summary.into(),
            cover_url: format!("/public/demo/{}.svg", kind_slug(kind)),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            blocks,
            author_id: "u-wanglei".into(),
            created_at: now - Duration::days(days + 10),
            updated_at: now - Duration::days(days),
        };
    vec![
        item(
            "c-pricing",
            ContentKind::Article,
            "2026 企业 SCRM 报价方案",
            "三种版本的功能与价格对比，以及常见的采购问题。",
            &["价格", "产品"],
            2,
            vec![
                b(
                    "intro",
                    &["产品"],
                    p(
                        "连接 SCRM 帮助销售团队在微信生态中管理客户关系：智能名片、内容追踪、统一收件箱，一个系统全部覆盖。",
                    ),
                ),
                b("editions", &["产品"], h("三种版本")),
                b(
                    "edition-list",
                    &["产品", "价格"],
                    BlockBody::List {
                        ordered: false,
                        items: vec![
                            "基础版：每席位每年 1,200 元，含智能名片与内容追踪".into(),
                            "专业版：每席位每年 2,800 元，增加统一收件箱与线索雷达".into(),
                            "企业版：按需报价，支持私有化部署与 SSO".into(),
                        ],
                    },
                ),
                b("price-h", &["价格"], h("价格与优惠")),
                b(
                    "price",
                    &["价格"],
                    p("100 席位以上享受 8 折；年付再赠送 2 个月。教育与公益机构另有专属价格。"),
                ),
                b("case-h", &["案例"], h("客户怎么说")),
                b(
                    "case-quote",
                    &["案例"],
                    BlockBody::Quote {
                        text: "上线三个月，销售跟进效率提升了 40%，私域复购率提升 35%。".into(),
                        cite: "某连锁零售品牌 运营总监".into(),
                    },
                ),
                b("service-h", &["售后"], h("售后与服务")),
                b(
                    "service",
                    &["售后"],
                    p("7×12 小时在线客服，专属客户成功经理，重大问题 2 小时内响应。"),
                ),
                b(
                    "cta",
                    &[],
                    BlockBody::Cta {
                        label: "预约演示".into(),
                        url: "/chat/demo".into(),
                    },
                ),
            ],
        ),
        item(
            "c-case-retail",
            ContentKind::Article,
            "客户案例：连锁零售如何用私域提升复购 35%",
            "从导购名片到内容追踪，一个 300 家门店品牌的实践。",
            &["案例"],
            5,
            vec![
                b(
                    "bg",
                    &["案例"],
                    p(
                        "优品连锁在全国有 300 家门店、2,000 名导购。过去导购加了客户微信，却不知道客户对什么感兴趣。",
                    ),
                ),
                b("how-h", &["产品"], h("做法")),
                b(
                    "how",
                    &["产品", "案例"],
                    BlockBody::List {
                        ordered: true,
                        items: vec![
                            "每位导购一张智能名片，扫码即加好友".into(),
                            "新品海报按客户分组推送，记录每位客户的浏览时长".into(),
                            "高意向客户自动提醒导购跟进".into(),
                        ],
                    },
                ),
                b("result-h", &["案例"], h("结果")),
                b(
                    "result",
                    &["案例"],
                    p("三个月内会员复购率提升 35%，导购人均跟进客户数翻倍。"),
                ),
            ],
        ),
        item(
            "c-quickstart-en",
            ContentKind::Article,
            "Smart card quick start",
            "Set up your card in five minutes and share it into any chat.",
            &["产品"],
            8,
            vec![
                b(
                    "s1",
                    &["产品"],
                    p(
                        "Your smart card is your face in every chat. Add a photo, your title and the three pieces of content you share most.",
                    ),
                ),
                b("s2-h", &["产品"], h("Share it")),
                b(
                    "s2",
                    &["产品"],
                    p(
                        "Tap Share, pick the contact, and paste the link into the chat. You will see when they open it and what they read.",
                    ),
                ),
                b(
                    "s3",
                    &["试用"],
                    BlockBody::Cta {
                        label: "Start a free trial".into(),
                        url: "/chat/demo".into(),
                    },
                ),
            ],
        ),
        item(
            "c-service",
            ContentKind::Article,
            "售后服务承诺",
            "响应时间、服务范围与升级流程。",
            &["售后"],
            12,
            vec![
                b(
                    "sla",
                    &["售后"],
                    p("工作日 9:00-21:00 在线客服；P1 故障 30 分钟内响应，4 小时内给出解决方案。"),
                ),
                b(
                    "scope",
                    &["售后"],
                    BlockBody::List {
                        ordered: false,
                        items: vec![
                            "产品使用培训".into(),
                            "数据迁移协助".into(),
                            "季度业务复盘".into(),
                        ],
                    },
                ),
            ],
        ),
        item(
            "p-double12",
            ContentKind::Poster,
            "双十二限时优惠",
            "12 月 12 日前签约享 7 折。",
            &["价格"],
            1,
            vec![b(
                "poster",
                &["价格"],
                BlockBody::Image {
                    url: "/public/demo/poster.svg".into(),
                    alt: "双十二限时优惠海报：签约享 7 折".into(),
                    caption: "活动截止 12 月 12 日".into(),
                },
            )],
        ),
        item(
            "p-launch",
            ContentKind::Poster,
            "新品发布会邀请函 New product launch",
            "12 月 20 日 上海 · 线下 + 直播。",
            &["产品"],
            4,
            vec![b(
                "poster",
                &["产品"],
                BlockBody::Image {
                    url: "/public/demo/poster.svg".into(),
                    alt: "新品发布会邀请函".into(),
                    caption: "扫码报名 Scan to register".into(),
                },
            )],
        ),
        item(
            "v-demo",
            ContentKind::Video,
            "3 分钟产品演示",
            "名片、内容追踪与收件箱的完整流程。",
            &["产品"],
            3,
            vec![
                b(
                    "video",
                    &["产品"],
                    BlockBody::Video {
                        url: "/public/demo/demo.mp4".into(),
                        poster_url: "/public/demo/video.svg".into(),
                        duration_s: 180,
                    },
                ),
                b(
                    "notes",
                    &["产品"],
                    p("视频中演示了从分享名片到客户留言进入收件箱的完整闭环。"),
                ),
            ],
        ),
        item(
            "v-interview",
            ContentKind::Video,
            "客户访谈：星河教育",
            "教育行业如何用线索雷达提高转化。",
            &["案例"],
            9,
            vec![b(
                "video",
                &["案例"],
                BlockBody::Video {
                    url: "/public/demo/interview.mp4".into(),
                    poster_url: "/public/demo/video.svg".into(),
                    duration_s: 420,
                },
            )],
        ),
        item(
            "d-whitepaper",
            ContentKind::Document,
            "SCRM 产品白皮书",
            "12 页：架构、安全与集成。",
            &["产品"],
            6,
            (1..=4)
                .map(|n| {
                    b(
                        &format!("page-{n}"),
                        if n == 4 { &["价格"] } else { &["产品"] },
                        BlockBody::Page {
                            image_url: "/public/demo/page.svg".into(),
                            alt: format!("白皮书第 {n} 页"),
                        },
                    )
                })
                .collect(),
        ),
        item(
            "d-contract",
            ContentKind::Document,
            "Service agreement 服务协议",
            "Terms, SLA and data protection.",
            &["售后"],
            15,
            (1..=3)
                .map(|n| {
                    b(
                        &format!("page-{n}"),
                        &["售后"],
                        BlockBody::Page {
                            image_url: "/public/demo/page.svg".into(),
                            alt: format!("Page {n}"),
                        },
                    )
                })
                .collect(),
        ),
    ]
}

fn kind_slug(kind: ContentKind) -> &'static str {
    match kind {
        ContentKind::Article => "article",
        ContentKind::Poster => "poster",
        ContentKind::Video => "video",
        ContentKind::Document => "page",
    }
}

/// What a server's demo reset keeps of the team as it is now (`current`): the data
/// comes back as seeded, the people do not. Staff added since stay, with their cards;
/// seeded staff keep whether they are active, their role and their department, so a
/// reset never lets a deactivated person back in. Channel adapters' credentials stay
/// as they are.
pub fn keep_team(fresh: &mut Db, current: &Db) {
    for now in &current.users {
        match fresh.users.iter_mut().find(|u| u.id == now.id) {
            Some(seeded) => {
                seeded.active = now.active;
                seeded.role = now.role;
                seeded.department_id.clone_from(&now.department_id);
            }
            None => {
                fresh.users.push(now.clone());
                if let Some(card) = now.card_id.as_ref().and_then(|c| current.cards.get(c)) {
                    fresh.cards.insert(card.id.clone(), card.clone());
                }
            }
        }
    }
    for department in &current.org.departments {
        if fresh.org.department(&department.id).is_none() {
            fresh.org.departments.push(department.clone());
        }
    }
    // Adapters configured against this server keep working through a reset.
    fresh.channel_keys.clone_from(&current.channel_keys);
}

/// A second, small organization on the same server (the tests' stranger): an admin
/// and a rep with a card, one article, one customer and one conversation. Nothing of
/// it may ever reach the demo organization's staff, nor theirs this one's.
pub fn other_org(now: DateTime<Utc>) -> Db {
    let mut db = Db::default();
    db.org = Organization {
        id: "beichen".into(),
        name: "北辰贸易 Beichen Trading".into(),
        departments: vec![department("bc-sales", "销售部 Sales", None)],
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
        },
    );
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
        db.messages.insert(id.clone(), messages);
        db.conversations
            .insert(id.clone(), Conversation { id, ..v });
    }
    db
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reset_keeps_the_team_as_it_is() {
        let now = chrono::Utc::now();
        let mut current = seed(now);
        if let Some(u) = current.users.iter_mut().find(|u| u.id == "u-wanglei") {
            u.active = false;
        }
        let mut added = current.users[0].clone();
        added.id = "u-added".into();
        added.email = "added@lianjie.example".into();
        added.card_id = None;
        current.users.push(added);
        let mut fresh = seed(now);
        keep_team(&mut fresh, &current);
        let find = |id: &str| fresh.users.iter().find(|u| u.id == id).cloned();
        assert_eq!(find("u-wanglei").map(|u| u.active), Some(false));
        assert!(find("u-added").is_some());
        assert_eq!(fresh.users.len(), current.users.len());
    }
    use std::collections::HashSet;

    fn now() -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_795_000_000, 0).unwrap()
    }

    #[test]
    fn at_scale_adds_conversations_with_their_own_contacts_and_messages() {
        let db = at_scale(now(), 1_000, 10);
        assert_eq!(db.conversations.len(), 1_000);
        let seeded = seed(now());
        let seeded_messages: usize = seeded.messages.values().map(Vec::len).sum();
        let messages: usize = db.messages.values().map(Vec::len).sum();
        assert_eq!(
            messages,
            seeded_messages + (1_000 - seeded.conversations.len()) * 10
        );
        for v in db.conversations.values() {
            assert!(db.contacts.contains_key(&v.contact_id), "{}", v.id);
            assert!(v.last_message_at < now(), "{} ends in the future", v.id);
            assert_eq!(v.last_preview, db.messages[&v.id].last().unwrap().body);
        }
        assert_eq!(db, at_scale(now(), 1_000, 10));
    }

    #[test]
    fn seed_is_deterministic_and_large_enough() {
        let db = seed(now());
        assert_eq!(db, seed(now()));
        assert!(db.users.iter().filter(|u| u.role == Role::Rep).count() >= 3);
        assert!(db.users.iter().any(|u| u.role == Role::Agent));
        assert_eq!(db.contacts.len(), CONTACTS);
        assert!(db.contents.len() >= 10);
        let kinds: HashSet<_> = db.contents.values().map(|c| c.kind).collect();
        assert_eq!(kinds.len(), 4, "every kind of content");
        let channels: HashSet<_> = db.conversations.values().map(|c| c.channel).collect();
        assert_eq!(
            channels.len(),
            Channel::ALL.len(),
            "conversations on every channel"
        );
    }

    #[test]
    fn seed_passes_its_own_validation_and_references_resolve() {
        let db = seed(now());
        for card in db.cards.values() {
            card.validate()
                .unwrap_or_else(|e| panic!("{}: {e:?}", card.id));
            for f in &card.featured {
                assert!(db.contents.contains_key(f), "{f}");
            }
        }
        for c in db.contents.values() {
            c.validate().unwrap_or_else(|e| panic!("{}: {e:?}", c.id));
        }
        for v in db.conversations.values() {
            assert!(db.contacts.contains_key(&v.contact_id));
            let msgs = &db.messages[&v.id];
            assert_eq!(msgs.last().unwrap().created_at, v.last_message_at);
        }
    }
}
