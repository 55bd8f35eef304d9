//! Conversations and messages of the unified inbox, and how the list is ordered.

use crate::channel::Channel;
use crate::delivery::ChannelDelivery;
use crate::share::ShareTarget;
use crate::validate::{self, FieldErrors};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case", try_from = "StatusWire")]
pub enum ConversationStatus {
    Open,
    Pending,
    Snoozed { until: DateTime<Utc> },
    Resolved,
}

crate::wire::flat_tagged! {
    ConversationStatus via StatusWire by "status" {
        fields { until: DateTime<Utc> }
        "open" => Open,
        "pending" => Pending,
        "snoozed" => Snoozed { until },
        "resolved" => Resolved,
    }
}

impl ConversationStatus {
    /// A snooze that has run out counts as open again.
    pub fn effective(self, now: DateTime<Utc>) -> ConversationStatus {
        match self {
            ConversationStatus::Snoozed { until } if until <= now => ConversationStatus::Open,
            other => other,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ConversationWire")]
pub struct Conversation {
    pub id: String,
    pub contact_id: String,
    pub channel: Channel,
    #[serde(flatten)]
    pub status: ConversationStatus,
    pub assignee_id: Option<String>,
    pub labels: Vec<String>,
    /// The card or content the customer was looking at when they wrote.
    pub context: Option<ShareTarget>,
    pub last_message_at: DateTime<Utc>,
    pub last_preview: String,
    /// Customer messages since staff last read the conversation.
    pub unread: u32,
    /// The contact's intent score, copied in for sorting without a join.
    pub intent: u8,
    /// The contact's name, filled in when conversations are listed so a list needs
    /// no second request for names (not kept current in storage).
    #[serde(default)]
    pub contact_name: String,
    pub created_at: DateTime<Utc>,
    /// When the customer last wrote here: what intent needs of the messages, kept on
    /// the conversation so a backend that leaves messages in storage has it at hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_inbound_at: Option<DateTime<Utc>>,
}

/// How a [`Conversation`] is read: its status's fields beside its own, in one pass
/// (see `crate::wire`).
#[derive(Deserialize)]
struct ConversationWire {
    id: String,
    contact_id: String,
    channel: Channel,
    status: String,
    #[serde(default)]
    #[cfg_attr(
        not(target_arch = "wasm32"),
        serde(deserialize_with = "crate::stamp::utc_option")
    )]
    until: Option<DateTime<Utc>>,
    assignee_id: Option<String>,
    labels: Vec<String>,
    context: Option<ShareTarget>,
    #[cfg_attr(
        not(target_arch = "wasm32"),
        serde(deserialize_with = "crate::stamp::utc")
    )]
    last_message_at: DateTime<Utc>,
    last_preview: String,
    unread: u32,
    intent: u8,
    #[serde(default)]
    contact_name: String,
    #[cfg_attr(
        not(target_arch = "wasm32"),
        serde(deserialize_with = "crate::stamp::utc")
    )]
    created_at: DateTime<Utc>,
    #[serde(default)]
    #[cfg_attr(
        not(target_arch = "wasm32"),
        serde(deserialize_with = "crate::stamp::utc_option")
    )]
    last_inbound_at: Option<DateTime<Utc>>,
}

impl TryFrom<ConversationWire> for Conversation {
    type Error = String;

    fn try_from(w: ConversationWire) -> Result<Conversation, String> {
        let status = ConversationStatus::try_from(StatusWire {
            wire_tag: w.status,
            until: w.until,
        })?;
        Ok(Conversation {
            id: w.id,
            contact_id: w.contact_id,
            channel: w.channel,
            status,
            assignee_id: w.assignee_id,
            labels: w.labels,
            context: w.context,
            last_message_at: w.last_message_at,
            last_preview: w.last_preview,
            unread: w.unread,
            intent: w.intent,
            contact_name: w.contact_name,
            created_at: w.created_at,
            last_inbound_at: w.last_inbound_at,
        })
    }
}

impl Conversation {
    /// Counts `m` (one of this conversation's messages) in what is kept of them.
    pub fn note_message(&mut self, m: &Message) {
        if m.direction == Direction::Inbound {
            self.last_inbound_at = self.last_inbound_at.max(Some(m.created_at));
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// From the customer.
    Inbound,
    /// From staff, visible to the customer.
    Outbound,
    /// Private note between staff.
    Note,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub url: String,
    pub name: String,
    pub is_image: bool,
}

impl Attachment {
    /// An attachment for a pasted link: named after the last part of its path, an
    /// image when the path ends like one (shown inline rather than as a link).
    pub fn from_url(url: &str) -> Attachment {
        let url = url.trim();
        let path = url.split(['?', '#']).next().unwrap_or(url);
        let name = path
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .filter(|n| !n.is_empty() && !n.contains(':'))
            .unwrap_or(url);
        let lower = path.to_ascii_lowercase();
        Attachment {
            url: url.to_owned(),
            name: name.to_owned(),
            is_image: [".png", ".jpg", ".jpeg", ".gif", ".webp"]
                .iter()
                .any(|ext| lower.ends_with(ext)),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub id: String,
    pub conversation_id: String,
    pub direction: Direction,
    pub author_id: Option<String>,
    pub body: String,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    #[cfg_attr(
        not(target_arch = "wasm32"),
        serde(deserialize_with = "crate::stamp::utc")
    )]
    pub created_at: DateTime<Utc>,
    /// Chosen by the sender; the same key twice is one message.
    pub idempotency_key: String,
    /// A reply's way to the customer's platform; none for web chat (the customer
    /// reads it in Lianjie's page), notes and customer messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<ChannelDelivery>,
}

impl Message {
    /// A conversation's messages are in this order, oldest first: by time, and
    /// messages of one moment by id, so every backend lists them alike (SQL sorts
    /// by the same two columns).
    pub fn order(&self) -> (DateTime<Utc>, &str) {
        (self.created_at, &self.id)
    }
}

pub const MAX_MESSAGE: usize = 4_000;

/// Validates a message body and its attachments before sending or storing.
pub fn validate_message(body: &str, attachments: &[Attachment]) -> Result<(), FieldErrors> {
    let mut e = FieldErrors::default();
    let body_check = if attachments.is_empty() {
        validate::required(body, MAX_MESSAGE)
    } else {
        validate::max_len(body, MAX_MESSAGE)
    };
    e.check("body", body_check);
    for (i, a) in attachments.iter().enumerate() {
        e.check(&format!("attachments[{i}].url"), validate::url(&a.url))
            .check(
                &format!("attachments[{i}].name"),
                validate::max_len(&a.name, 200),
            );
    }
    e.into_result()
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InboxSort {
    #[default]
    Newest,
    Oldest,
    /// Hot leads first, then newest.
    Intent,
}

impl InboxSort {
    pub const ALL: [InboxSort; 3] = [InboxSort::Newest, InboxSort::Oldest, InboxSort::Intent];

    /// The name in URLs and the contract.
    pub fn slug(self) -> &'static str {
        match self {
            InboxSort::Newest => "newest",
            InboxSort::Oldest => "oldest",
            InboxSort::Intent => "intent",
        }
    }

    pub fn from_slug(slug: &str) -> Option<InboxSort> {
        InboxSort::ALL.into_iter().find(|s| s.slug() == slug)
    }

    pub fn compare(self, a: &Conversation, b: &Conversation) -> Ordering {
        let newest = b
            .last_message_at
            .cmp(&a.last_message_at)
            .then_with(|| a.id.cmp(&b.id));
        match self {
            InboxSort::Newest => newest,
            InboxSort::Oldest => newest.reverse(),
            InboxSort::Intent => b.intent.cmp(&a.intent).then(newest),
        }
    }
}

/// A canned reply's body with `{name}`-style variables filled in; unknown variables
/// are left as typed so the agent sees them before sending.
pub fn render_template(body: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let key = &after[..end];
                match vars.iter().find(|(k, _)| *k == key) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(key);
                        out.push('}');
                    }
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CannedReply {
    pub id: String,
    /// Typed after `/` in the composer.
    pub shortcut: String,
    pub title: String,
    pub body: String,
}

/// How long a conversation is put aside.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SnoozeFor {
    OneHour,
    ThreeHours,
    /// 9:00 tomorrow, the agent's time.
    TomorrowMorning,
    /// 9:00 next Monday, the agent's time.
    NextWeek,
}

impl SnoozeFor {
    pub const ALL: [SnoozeFor; 4] = [
        SnoozeFor::OneHour,
        SnoozeFor::ThreeHours,
        SnoozeFor::TomorrowMorning,
        SnoozeFor::NextWeek,
    ];

    /// When the conversation wakes up, from the agent's local `now`.
    pub fn until(self, now: DateTime<chrono::FixedOffset>) -> DateTime<Utc> {
        use chrono::{Datelike, Duration, NaiveTime};
        let morning = |days: i64| {
            let date = now.date_naive() + Duration::days(days);
            let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default();
            // A fixed offset has exactly one 9:00 every day.
            date.and_time(nine)
                .and_local_timezone(*now.offset())
                .single()
                .map_or(now.to_utc() + Duration::days(days), |t| t.to_utc())
        };
        match self {
            SnoozeFor::OneHour => now.to_utc() + Duration::hours(1),
            SnoozeFor::ThreeHours => now.to_utc() + Duration::hours(3),
            SnoozeFor::TomorrowMorning => morning(1),
            SnoozeFor::NextWeek => morning(7 - i64::from(now.weekday().num_days_from_monday())),
        }
    }
}

/// The canned replies offered while the composer holds `/typed`: shortcuts starting
/// with what was typed first, then titles containing it; none unless the text is a
/// single `/word` being typed.
pub fn canned_matches<'a>(canned: &'a [CannedReply], composer: &str) -> Vec<&'a CannedReply> {
    let Some(typed) = composer.strip_prefix('/') else {
        return Vec::new();
    };
    if typed.contains(char::is_whitespace) {
        return Vec::new();
    }
    let typed = typed.to_lowercase();
    let mut by_shortcut: Vec<&CannedReply> = canned
        .iter()
        .filter(|c| c.shortcut.to_lowercase().starts_with(&typed))
        .collect();
    by_shortcut.extend(canned.iter().filter(|c| {
        !c.shortcut.to_lowercase().starts_with(&typed) && c.title.to_lowercase().contains(&typed)
    }));
    by_shortcut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snoozes_wake_at_the_agents_morning() {
        // Wednesday 2026-11-25 22:30 in Beijing (UTC+8).
        let now = DateTime::parse_from_rfc3339("2026-11-25T22:30:00+08:00").unwrap();
        let utc = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        assert_eq!(
            SnoozeFor::OneHour.until(now),
            utc("2026-11-25T23:30:00+08:00")
        );
        assert_eq!(
            SnoozeFor::ThreeHours.until(now),
            utc("2026-11-26T01:30:00+08:00")
        );
        assert_eq!(
            SnoozeFor::TomorrowMorning.until(now),
            utc("2026-11-26T09:00:00+08:00")
        );
        assert_eq!(
            SnoozeFor::NextWeek.until(now),
            utc("2026-11-30T09:00:00+08:00")
        );
    }

    #[test]
    fn canned_replies_match_by_shortcut_then_title() {
        let c = |shortcut: &str, title: &str| CannedReply {
            id: shortcut.into(),
            shortcut: shortcut.into(),
            title: title.into(),
            body: String::new(),
        };
        let all = [
            c("price", "报价 Pricing"),
            c("hello", "问候 Greeting"),
            c("hours", "服务时间 Hours"),
        ];
        let ids = |v: Vec<&CannedReply>| v.into_iter().map(|c| c.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(canned_matches(&all, "/")), ["price", "hello", "hours"]);
        assert_eq!(ids(canned_matches(&all, "/h")), ["hello", "hours"]);
        assert_eq!(ids(canned_matches(&all, "/报价")), ["price"]);
        assert_eq!(ids(canned_matches(&all, "/HO")), ["hours"]);
        assert!(canned_matches(&all, "hello").is_empty());
        assert!(canned_matches(&all, "/hello there").is_empty());
    }

    #[test]
    fn filter_slugs_round_trip_and_match_the_wire_names() {
        use crate::api::{AssigneeFilter, StatusFilter};
        for s in InboxSort::ALL {
            assert_eq!(InboxSort::from_slug(s.slug()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.slug());
        }
        for s in StatusFilter::ALL {
            assert_eq!(StatusFilter::from_slug(s.slug()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.slug());
        }
        for s in AssigneeFilter::ALL {
            assert_eq!(AssigneeFilter::from_slug(s.slug()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.slug());
        }
        assert_eq!(InboxSort::from_slug("weird"), None);
    }

    fn conv(id: &str, minute: i64, intent: u8) -> Conversation {
        let t = DateTime::<Utc>::from_timestamp(1_790_000_000 + minute * 60, 0).unwrap();
        Conversation {
            id: id.into(),
            contact_id: "k".into(),
            channel: Channel::Wechat,
            status: ConversationStatus::Open,
            assignee_id: None,
            labels: vec![],
            context: None,
            last_message_at: t,
            last_inbound_at: None,
            last_preview: String::new(),
            unread: 0,
            intent,
            contact_name: String::new(),
            created_at: t,
        }
    }

    fn order(sort: InboxSort, list: &mut [Conversation]) -> Vec<&str> {
        list.sort_by(|a, b| sort.compare(a, b));
        list.iter().map(|c| c.id.as_str()).collect()
    }

    #[test]
    fn sorts_by_time_and_by_intent() {
        let mut l = vec![conv("a", 1, 90), conv("b", 3, 10), conv("c", 2, 90)];
        assert_eq!(order(InboxSort::Newest, &mut l), ["b", "c", "a"]);
        assert_eq!(order(InboxSort::Oldest, &mut l), ["a", "c", "b"]);
        assert_eq!(order(InboxSort::Intent, &mut l), ["c", "a", "b"]);
    }

    #[test]
    fn expired_snooze_is_open() {
        let now = DateTime::<Utc>::from_timestamp(1_790_000_000, 0).unwrap();
        let s = ConversationStatus::Snoozed { until: now };
        assert_eq!(s.effective(now), ConversationStatus::Open);
        let later = ConversationStatus::Snoozed {
            until: now + chrono::Duration::hours(1),
        };
        assert_eq!(later.effective(now), later);
    }

    #[test]
    fn templates_fill_known_variables_only() {
        assert_eq!(
            render_template("您好 {name}，{x} 见 {", &[("name", "王先生")]),
            "您好 王先生，{x} 见 {"
        );
        assert_eq!(render_template("", &[]), "");
    }

    #[test]
    fn messages_need_text_or_an_attachment() {
        assert!(validate_message("  ", &[]).is_err());
        let a = Attachment {
            url: "https://example.cn/a.png".into(),
            name: "a.png".into(),
            is_image: true,
        };
        assert!(validate_message("", std::slice::from_ref(&a)).is_ok());
        let bad = Attachment {
            url: "javascript:1".into(),
            ..a
        };
        assert!(
            validate_message("hi", &[bad])
                .unwrap_err()
                .get("attachments[0].url")
                .is_some()
        );
    }

    #[test]
    fn status_is_flattened_on_the_wire() {
        let c = conv("a", 0, 0);
        let v = serde_json::to_value(&c).unwrap();
        assert_eq!(v["status"], "open");
    }

    #[test]
    fn a_pasted_link_becomes_a_named_attachment_and_images_are_recognised() {
        let a = Attachment::from_url(" https://cdn.example.com/cases/报价单.PNG?v=2 ");
        assert_eq!(a.url, "https://cdn.example.com/cases/报价单.PNG?v=2");
        assert_eq!(a.name, "报价单.PNG");
        assert!(a.is_image);
        let b = Attachment::from_url("https://lianjie.example/");
        assert_eq!(b.name, "lianjie.example");
        assert!(!b.is_image);
        assert!(
            validate_message("", &[b]).is_ok(),
            "an attachment alone is a message"
        );
        assert!(validate_message("", &[Attachment::from_url("javascript:alert(1)")]).is_err());
    }
}
