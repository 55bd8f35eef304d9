//! The wire types of the `/api/v1` contract beyond the domain records: requests,
//! pages, events and the one error envelope. See docs/openapi.yaml.

use crate::channel::Channel;
use crate::contact::Contact;
use crate::content::Content;
use crate::inbox::{Attachment, Conversation, ConversationStatus, InboxSort, Message};
use crate::people::Card;
use crate::share::{LeadCapture, ShareTarget};
use crate::tracking::ViewAction;
use crate::validate::FieldError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Every error response has this body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Stable, machine-readable: `not_found`, `invalid`, `unauthorized`, `rate_limited`...
    pub code: String,
    /// For logs and developers; the UI shows its own localized text per code.
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

/// A page of a list; pass `next_cursor` back to get the following page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
    /// Total matching items.
    pub total: usize,
}

impl<T> Page<T> {
    /// The page of `total` items that holds `items`, those of `window` (see
    /// `store::page_window`): a backend that read the page alone builds it so.
    pub fn of_window(items: Vec<T>, window: std::ops::Range<usize>, total: usize) -> Page<T> {
        Page {
            items,
            next_cursor: (window.end < total).then(|| window.end.to_string()),
            total,
        }
    }
}

/// A page of the conversation list with the figures the inbox shows beside it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "ConversationPageWire")]
pub struct ConversationPage {
    #[serde(flatten)]
    pub page: Page<Conversation>,
    /// Unread customer messages over every matching conversation, not only this
    /// page's.
    #[serde(default)]
    pub unread: u32,
    /// How many conversations each status tab holds, the other filters as they are.
    #[serde(default)]
    pub by_status: StatusCounts,
}

/// How a [`ConversationPage`] is read: the page's fields beside the figures, in one
/// pass (see `crate::wire`).
#[derive(Deserialize)]
struct ConversationPageWire {
    items: Vec<Conversation>,
    next_cursor: Option<String>,
    total: usize,
    #[serde(default)]
    unread: u32,
    #[serde(default)]
    by_status: StatusCounts,
}

impl From<ConversationPageWire> for ConversationPage {
    fn from(w: ConversationPageWire) -> ConversationPage {
        ConversationPage {
            page: Page {
                items: w.items,
                next_cursor: w.next_cursor,
                total: w.total,
            },
            unread: w.unread,
            by_status: w.by_status,
        }
    }
}

/// Conversations per status (a snooze that has run out counts as open).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCounts {
    pub open: usize,
    pub pending: usize,
    pub snoozed: usize,
    pub resolved: usize,
}

impl StatusCounts {
    pub fn count(&mut self, status: ConversationStatus) {
        self.add(status, 1);
    }

    /// Adds `n` conversations of `status` (a count read from a database).
    pub fn add(&mut self, status: ConversationStatus, n: usize) {
        *match status {
            ConversationStatus::Open => &mut self.open,
            ConversationStatus::Pending => &mut self.pending,
            ConversationStatus::Snoozed { .. } => &mut self.snoozed,
            ConversationStatus::Resolved => &mut self.resolved,
        } += n;
    }

    /// What the tab for `filter` holds.
    pub fn get(&self, filter: StatusFilter) -> usize {
        match filter {
            StatusFilter::Open => self.open,
            StatusFilter::Pending => self.pending,
            StatusFilter::Snoozed => self.snoozed,
            StatusFilter::Resolved => self.resolved,
            StatusFilter::All => self.open + self.pending + self.snoozed + self.resolved,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewShare {
    pub target: ShareTarget,
    pub contact_id: Option<String>,
    pub channel: Option<Channel>,
    #[serde(default)]
    pub lead_capture: LeadCapture,
}

/// What a customer page gets for a share token: everything to render, plus the child
/// token it should put in its address so a forward is attributed to this reader.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenedShare {
    pub share: crate::public::PublicShare,
    pub child_token: String,
    /// The view session issued for this open (a visit): the page's tracking snapshots
    /// name it, with `share.token` and `child_token`; no other session is accepted.
    pub session_id: String,
    /// The sharer's card (shown as a mini card on content pages); staff without a
    /// card share content too.
    pub card: Option<crate::public::PublicCard>,
    pub content: Option<crate::public::PublicContent>,
    /// For a card: its featured content, in the card's order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub featured: Vec<FeaturedContent>,
}

/// A content item as a card lists it; the reader opens it through
/// `POST /public/shares/{token}/featured/{content_id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeaturedContent {
    pub id: String,
    pub kind: crate::content::ContentKind,
    pub title: String,
    pub summary: String,
    pub cover_url: String,
}

impl From<&Content> for FeaturedContent {
    fn from(c: &Content) -> Self {
        FeaturedContent {
            id: c.id.clone(),
            kind: c.kind,
            title: c.title.clone(),
            summary: c.summary.clone(),
            cover_url: c.cover_url.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMessage {
    pub body: String,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// True for a private note between staff.
    #[serde(default)]
    pub note: bool,
    pub idempotency_key: String,
}

/// A message arriving from a channel adapter or the web chat.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboundMessage {
    /// The sender's handle on that channel (open id, address, number, share token).
    pub handle: String,
    pub name: String,
    pub body: String,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    pub idempotency_key: String,
    #[serde(default)]
    pub context: Option<ShareTarget>,
}

/// Which contact to merge into the one named in the address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeContacts {
    pub other_id: String,
}

/// A change to a conversation's handling; absent fields stay as they are.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<crate::inbox::ConversationStatus>,
    /// `null` unassigns; a user id assigns.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub assignee_id: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
    /// Staff have read the customer's messages.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub read: bool,
}

/// A field that is present, even as `null`, is `Some`: tells "unassign" from "leave".
pub fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusFilter {
    #[default]
    Open,
    Pending,
    Snoozed,
    Resolved,
    All,
}

impl StatusFilter {
    pub const ALL: [StatusFilter; 5] = [
        StatusFilter::Open,
        StatusFilter::Pending,
        StatusFilter::Snoozed,
        StatusFilter::Resolved,
        StatusFilter::All,
    ];

    /// The name in URLs and the contract.
    pub fn slug(self) -> &'static str {
        match self {
            StatusFilter::Open => "open",
            StatusFilter::Pending => "pending",
            StatusFilter::Snoozed => "snoozed",
            StatusFilter::Resolved => "resolved",
            StatusFilter::All => "all",
        }
    }

    pub fn from_slug(slug: &str) -> Option<StatusFilter> {
        StatusFilter::ALL.into_iter().find(|s| s.slug() == slug)
    }

    /// Whether a conversation whose effective status is `status` is in this tab.
    pub fn matches(self, status: ConversationStatus) -> bool {
        matches!(
            (self, status),
            (StatusFilter::All, _)
                | (StatusFilter::Open, ConversationStatus::Open)
                | (StatusFilter::Pending, ConversationStatus::Pending)
                | (StatusFilter::Snoozed, ConversationStatus::Snoozed { .. })
                | (StatusFilter::Resolved, ConversationStatus::Resolved)
        )
    }
}

impl AssigneeFilter {
    pub const ALL: [AssigneeFilter; 3] = [
        AssigneeFilter::All,
        AssigneeFilter::Mine,
        AssigneeFilter::Unassigned,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            AssigneeFilter::Mine => "mine",
            AssigneeFilter::Unassigned => "unassigned",
            AssigneeFilter::All => "all",
        }
    }

    pub fn from_slug(slug: &str) -> Option<AssigneeFilter> {
        AssigneeFilter::ALL.into_iter().find(|s| s.slug() == slug)
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssigneeFilter {
    Mine,
    Unassigned,
    #[default]
    All,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationQuery {
    #[serde(default)]
    pub status: StatusFilter,
    #[serde(default)]
    pub assignee: AssigneeFilter,
    pub channel: Option<Channel>,
    pub label: Option<String>,
    /// Matches contact name and last message preview.
    pub text: Option<String>,
    #[serde(default)]
    pub sort: InboxSort,
    pub cursor: Option<String>,
    pub limit: Option<usize>,
}

/// One line of the lead radar: a reader's view session, described for the rep.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RadarItem {
    pub session_id: String,
    pub share_token: String,
    pub at: DateTime<Utc>,
    pub contact_id: Option<String>,
    /// Name of the reader, if known.
    pub reader: Option<String>,
    /// Name of whoever forwarded the link to this reader, if it was forwarded.
    pub forwarded_by: Option<String>,
    pub target: ShareTarget,
    /// The rep credited with the view.
    #[serde(default)]
    pub rep_id: String,
    pub title: String,
    /// This reader's n-th counted view of this target.
    pub visit: u32,
    pub visible_ms: u64,
    pub max_scroll_pct: u8,
    /// Where the reader stayed longest: the section's first tag, or its id.
    pub top_section: Option<String>,
    pub actions: Vec<ViewAction>,
    pub intent: u8,
    /// When the reader left details that match a customer in the rep's scope: that
    /// customer's name (probably the same person; the reader's profile offers the
    /// merge).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probably_same_as_name: Option<String>,
    /// The reader's tags, as their customer record has them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Staff watching the reader (重点关注).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub starred_by: Vec<String>,
}

/// What the lead radar is narrowed to (kept in the URL).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RadarFilter {
    /// Only readers at or above the hot threshold.
    pub hot: bool,
    /// Only views credited to this rep.
    pub rep_id: Option<String>,
    /// Only views of this content item.
    pub content_id: Option<String>,
}

impl RadarFilter {
    /// Whether nothing is filtered out.
    pub fn is_open(&self) -> bool {
        !self.hot && self.rep_id.is_none() && self.content_id.is_none()
    }

    pub fn matches(&self, item: &RadarItem) -> bool {
        (!self.hot || item.intent >= crate::intent::HOT_THRESHOLD)
            && self.rep_id.as_ref().is_none_or(|r| *r == item.rep_id)
            && self
                .content_id
                .as_ref()
                .is_none_or(|c| item.target == ShareTarget::Content(c.clone()))
    }
}

/// A contact's intent score as it stood some days ago.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntentPoint {
    pub days_ago: u16,
    pub score: u8,
}

/// The header on every answer to signed-in staff naming the newest of the
/// organization's events the answer already reflects: an event stream opened with
/// `last_event_id` set to it hears everything after, so nothing falls between a
/// page's first read and its stream (the server writes it, the app reads it).
pub const EVENT_ID_HEADER: &str = "lianjie-event-id";

/// The points of the intent trend shown for a contact, oldest first.
pub const TREND_DAYS: [u16; 6] = [30, 14, 7, 3, 1, 0];

/// One touchpoint on a contact's timeline, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "ActivityWire")]
pub enum Activity {
    /// A counted view of a card or content through this contact's link.
    View { at: DateTime<Utc>, item: RadarItem },
    /// Someone read a link this contact forwarded.
    Forwarded { at: DateTime<Utc>, item: RadarItem },
    /// A conversation on some channel, with its latest message.
    Conversation {
        at: DateTime<Utc>,
        conversation: Conversation,
    },
    /// A follow-up or a stage change staff wrote down.
    Logged {
        at: DateTime<Utc>,
        entry: crate::crm::LogEntry,
    },
}

crate::wire::flat_tagged! {
    Activity via ActivityWire by "kind" {
        fields {
            at: DateTime<Utc>,
            item: RadarItem,
            conversation: Conversation,
            entry: crate::crm::LogEntry,
        }
        "view" => View { at, item },
        "forwarded" => Forwarded { at, item },
        "conversation" => Conversation { at, conversation },
        "logged" => Logged { at, entry },
    }
}

impl Activity {
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Activity::View { at, .. }
            | Activity::Forwarded { at, .. }
            | Activity::Conversation { at, .. }
            | Activity::Logged { at, .. } => *at,
        }
    }
}

/// Pushed to staff in real time (SSE over http, BroadcastChannel over local).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", try_from = "EventWire")]
pub enum Event {
    Radar {
        item: RadarItem,
    },
    Message {
        conversation: Conversation,
        message: Message,
    },
    Conversation {
        conversation: Conversation,
    },
    CardSaved {
        card: Card,
    },
    /// A contact changed as a whole: merged into another, or the merge undone.
    Contact {
        contact: Contact,
    },
    /// Customers changed together (a bulk change from the list), by id.
    Customers {
        ids: Vec<String>,
    },
    /// A deal was opened or moved.
    Deal {
        deal: crate::deals::Deal,
    },
    /// A task was added, done or opened again.
    Task {
        task: crate::crm::Task,
    },
    /// A staff member was added, changed, deactivated or reactivated.
    Staff {
        user: crate::people::User,
    },
    Reset,
}

crate::wire::flat_tagged! {
    Event via EventWire by "type" {
        fields {
            item: RadarItem,
            conversation: Conversation,
            message: Message,
            card: Card,
            contact: Contact,
            ids: Vec<String>,
            deal: crate::deals::Deal,
            task: crate::crm::Task,
            user: crate::people::User,
        }
        "radar" => Radar { item },
        "message" => Message { conversation, message },
        "conversation" => Conversation { conversation },
        "card_saved" => CardSaved { card },
        "contact" => Contact { contact },
        "customers" => Customers { ids },
        "deal" => Deal { deal },
        "task" => Task { task },
        "staff" => Staff { user },
        "reset" => Reset,
    }
}

impl Event {
    /// The event for a message operation's result (a new or replayed message).
    pub fn message((conversation, message): &(Conversation, Message)) -> Option<Event> {
        Some(Event::Message {
            conversation: conversation.clone(),
            message: message.clone(),
        })
    }

    /// The event for a conversation that changed (its handling, or a snooze run out).
    pub fn conversation(conversation: &Conversation) -> Option<Event> {
        Some(Event::Conversation {
            conversation: conversation.clone(),
        })
    }

    /// Whether this event may change what is shown about customer `id` (their
    /// record, story, deals, tasks; staff names; everything after a reset), so a
    /// page about them reads it again only then.
    pub fn concerns_contact(&self, id: &str) -> bool {
        match self {
            Event::Radar { item } => item.contact_id.as_deref() == Some(id),
            Event::Message { conversation, .. } | Event::Conversation { conversation } => {
                conversation.contact_id == id
            }
            Event::Contact { contact } => {
                contact.id == id
                    || contact.probably_same_as.as_deref() == Some(id)
                    || contact.merged.as_ref().is_some_and(|m| m.into == id)
            }
            Event::Customers { ids } => ids.iter().any(|i| i == id),
            Event::Deal { deal } => deal.contact_id == id,
            Event::Task { task } => task.contact_id.as_deref() == Some(id),
            Event::Staff { .. } | Event::Reset => true,
            Event::CardSaved { .. } => false,
        }
    }
}

/// A period's reach (a week, or a day of the trend): counted views, distinct
/// readers, and new leads (readers who left their details).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekFigures {
    pub views: usize,
    pub readers: usize,
    pub leads: usize,
}

/// The workbench's "today" for the caller (see `Db::today`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Today {
    /// Readings seen in the last half hour, newest first.
    pub reading_now: Vec<RadarItem>,
    /// Conversations the caller may see with customer messages nobody has read.
    pub unread_conversations: usize,
    pub this_week: WeekFigures,
    pub last_week: WeekFigures,
    /// The last fourteen calendar days' figures (UTC), oldest first, today last.
    pub days: Vec<DayFigures>,
}

/// One day's reach, for the trend lines.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "DayFiguresWire")]
pub struct DayFigures {
    pub day: chrono::NaiveDate,
    #[serde(flatten)]
    pub figures: WeekFigures,
}

/// How [`DayFigures`] are read: the day beside its figures, in one pass (see
/// `crate::wire`).
#[derive(Deserialize)]
struct DayFiguresWire {
    day: chrono::NaiveDate,
    views: usize,
    readers: usize,
    leads: usize,
}

impl From<DayFiguresWire> for DayFigures {
    fn from(w: DayFiguresWire) -> DayFigures {
        DayFigures {
            day: w.day,
            figures: WeekFigures {
                views: w.views,
                readers: w.readers,
                leads: w.leads,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_concerns_the_customers_it_is_about() {
        let contact = |id: &str| Contact {
            id: id.into(),
            ..Contact::default()
        };
        let about_a = Event::Contact {
            contact: contact("a"),
        };
        assert!(about_a.concerns_contact("a"));
        assert!(!about_a.concerns_contact("b"));
        let lead = Event::Contact {
            contact: Contact {
                probably_same_as: Some("a".into()),
                ..contact("lead")
            },
        };
        assert!(
            lead.concerns_contact("a"),
            "a lead now offered to merge into a"
        );
        let bulk = Event::Customers {
            ids: vec!["a".into(), "c".into()],
        };
        assert!(bulk.concerns_contact("c") && !bulk.concerns_contact("b"));
        assert!(Event::Reset.concerns_contact("b"));
    }
}
