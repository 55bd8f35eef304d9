//! The inbox as the seed finds it: conversations on every channel, and the canned
//! replies.

use super::rng::Lcg;
use crate::channel::Channel;
use crate::delivery::{ChannelDelivery, FailureCode, Outcome};
use crate::inbox::{CannedReply, Conversation, ConversationStatus, Direction, Message};
use crate::store::Db;
use chrono::{DateTime, Duration, Utc};

/// Conversation numbers the seed may use (channels without a free contact are skipped).
pub(super) const SEED_CONVERSATIONS: usize = 24;

/// The conversations `v-000` to `v-023`, one per customer among the first ones on
/// each channel: written as they stand, the inbox's starting point (the story adds
/// its own conversations through the store's operations).
pub(super) fn conversations(db: &mut Db, rng: &mut Lcg, now: DateTime<Utc>) {
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
        add_conversation(db, rng, i, contact_id, intent, channel, None, now);
    }
}

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

/// Replies on platforms went out, but for the first one in every eighth
/// conversation from `v-002` (WeCom's), which the platform refused: the inbox shows
/// both states, and Retry, from the start.
fn seeded_delivery(
    channel: Channel,
    inbound: bool,
    i: usize,
    m: usize,
    at: DateTime<Utc>,
) -> Option<ChannelDelivery> {
    if inbound || channel == Channel::WebChat {
        return None;
    }
    let sent = ChannelDelivery::queued(at).after(Outcome::Sent, at);
    Some(if i % 8 == 2 && m == 1 {
        let refused = Outcome::Refused(
            FailureCode::Rejected,
            "45015 response out of time limit or subscription is canceled".into(),
        );
        ChannelDelivery::queued(at).after(refused, at)
    } else {
        sent
    })
}

/// Adds conversation `v-{i}` with `contact` on `channel`: `count` messages (2 to 7
/// when not given), alternating customer and agent, the last hour to four days ago.
#[allow(clippy::too_many_arguments)]
pub(super) fn add_conversation(
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
            delivery: seeded_delivery(channel, inbound, i, m, at),
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
            last_inbound_at: None,
        },
    );
    db.add_messages(msgs);
}

pub(super) fn canned_replies() -> Vec<CannedReply> {
    vec![
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
    ]
}

fn canned(shortcut: &str, title: &str, body: &str) -> CannedReply {
    CannedReply {
        id: format!("r-{shortcut}"),
        shortcut: shortcut.into(),
        title: title.into(),
        body: body.into(),
    }
}
