//! The whole data set in memory and every operation on it. The in-browser backend is
//! this plus persistence and tab broadcast; keeping the rules here tests them natively
//! and keeps the backend thin.

use crate::adapter::ChannelKey;
use crate::analytics::{
    self, CardAnalytics, ContentAnalytics, ContentStats, ForwardNode, Ranking, Reading,
};
use crate::api::{
    Activity, AssigneeFilter, ConversationPage, ConversationQuery, ConversationUpdate,
    FeaturedContent, InboundMessage, IntentPoint, NewMessage, NewShare, OpenedShare, Page,
    RadarItem, StatusCounts,
};
use crate::channel::Channel;
use crate::contact::{Contact, Identity};
use crate::content::Content;
use crate::crm::{LogEntry, Task};
use crate::deals::Deal;
use crate::inbox::{
    CannedReply, Conversation, ConversationStatus, Direction, Message, validate_message,
};
use crate::intent::{IntentSignals, add_interest, intent_score};
use crate::people::{Card, User};
use crate::public::{PublicCard, PublicContent, PublicShare};
use crate::scope::{Action, Caller};
use crate::share::{LeadCapture, LeadDetails, LinkPreview, Share, ShareTarget};
use crate::team::Organization;
use crate::tracking::{Snapshot, ViewSession};
use crate::validate::FieldErrors;
pub use by_id::{ById, Identified};
use chrono::{DateTime, Utc};
use foldhash::{HashMap, HashMapExt};
use id_list::IdList;
pub use saved::SavedTallies;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;
use thiserror::Error;

pub const DEFAULT_PAGE: usize = 50;
pub const MAX_PAGE: usize = 200;

mod by_id;
mod catalog;
mod channel_keys;
mod contacts;
mod crm;
mod crm_settings;
mod customers;
mod deals;
mod delivery;
mod held_views;
mod id_list;
mod identities;
mod import;
mod inbox;
mod index;
mod leaderboard;
mod oversight;
mod playbook;
mod pool;
mod reach;
mod reading;
mod records;
mod saved;
mod sharing;
mod tally;
mod tasks;
mod team;
mod today;
mod tracking;
mod view_sums;

pub use held_views::ViewKeys;
pub use inbox::{VISITOR_MESSAGES, page_window, paginate, visitor_view};
use index::{Index, list, push, target_key, unlist};
pub use pool::{ClaimCustomer, DueBack, Lock, OrgPools, PoolRun, PoolSummary, ReleaseCustomer};
pub use records::{Change, Record};

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum StoreError {
    /// Missing, or outside the caller's scope: the two answer alike.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The caller's role may not do this at all.
    #[error("your role may not do this ({0:?})")]
    Forbidden(Action),
    #[error("invalid input: {0}")]
    Invalid(FieldErrors),
}

impl From<FieldErrors> for StoreError {
    fn from(e: FieldErrors) -> Self {
        StoreError::Invalid(e)
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Db {
    /// The organization this data belongs to, with its department tree.
    #[serde(default)]
    pub org: Organization,
    pub users: Vec<User>,
    pub cards: BTreeMap<String, Card>,
    pub contents: BTreeMap<String, Content>,
    pub shares: BTreeMap<String, Share>,
    pub sessions: ById<ViewSession>,
    pub contacts: BTreeMap<String, Contact>,
    pub conversations: BTreeMap<String, Conversation>,
    /// Per conversation, oldest first.
    pub messages: BTreeMap<String, Vec<Message>>,
    pub canned: Vec<CannedReply>,
    /// Channel adapters' credentials, by id (admins only; see [`crate::adapter`]).
    #[serde(default)]
    pub channel_keys: BTreeMap<String, ChannelKey>,
    /// What staff wrote down and changed about customers (follow-ups, stages), by id.
    #[serde(default)]
    pub log: BTreeMap<String, LogEntry>,
    /// Staff's tasks, by id.
    #[serde(default)]
    pub tasks: BTreeMap<String, Task>,
    /// Deals (商机), by id.
    #[serde(default)]
    pub deals: BTreeMap<String, Deal>,
    /// Records written since the last [`Db::take_changes`], so a persistent backend
    /// writes exactly what an operation touched.
    #[serde(skip)]
    pub changes: Vec<Change>,
    /// Lookups by relation, built on first use and kept current by the operations,
    /// so tracking costs the same with 100 sessions or 100,000. Shares, sessions and
    /// conversations are therefore only added through the operations.
    #[serde(skip)]
    index: OnceLock<Index>,
}

impl Db {
    /// Adds messages not yet in the data, in any order (the in-browser backend reads
    /// them after the rest, so the inbox list can show while they load). Cheaper than
    /// [`Db::put`] one by one: each conversation's list is sorted once.
    pub fn add_messages(&mut self, messages: impl IntoIterator<Item = Message>) {
        let mut touched = std::collections::BTreeSet::new();
        for m in messages {
            if let Some(v) = self.conversations.get_mut(&m.conversation_id) {
                v.note_message(&m);
            }
            if !touched.contains(&m.conversation_id) {
                touched.insert(m.conversation_id.clone());
            }
            self.messages
                .entry(m.conversation_id.clone())
                .or_default()
                .push(m);
        }
        for id in touched {
            if let Some(list) = self.messages.get_mut(&id) {
                // Close to linear on a list already in order.
                list.sort_by(|a, b| a.order().cmp(&b.order()));
            }
        }
    }

    /// Lets go of every message held: a backend that keeps messages in storage
    /// holds only those an operation needs (see [`Db::add_messages`]), while it runs.
    pub fn forget_messages(&mut self) {
        self.messages = BTreeMap::new();
    }
}

#[cfg(test)]
mod tests;
