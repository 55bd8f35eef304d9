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
mod leaderboard;
mod oversight;
mod playbook;
mod pool;
mod reach;
mod reading;
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
pub use pool::{ClaimCustomer, DueBack, Lock, OrgPools, PoolRun, PoolSummary, ReleaseCustomer};

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

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Index {
    shares_by_contact: HashMap<String, IdList>,
    children: HashMap<String, IdList>,
    sessions_by_share: HashMap<String, IdList>,
    conversations_by_contact: HashMap<String, IdList>,
    shares_by_target: HashMap<String, IdList>,
    /// Per target, its plain links ([`plain`]): a card's public address finds its
    /// link among these, not among every reader's own link of the card.
    plain_by_target: HashMap<String, IdList>,
    /// Per reader's own link on a card, the links they opened its featured items
    /// through (`Share::via`): found again without every link on the content.
    featured_by_reader: HashMap<String, IdList>,
    /// Sessions by the reader's own link (`ViewSession::reader_token`).
    sessions_by_reader: HashMap<String, IdList>,
    tallies: tally::Tallies,
    /// Contacts' view sums, kept once walked (see [`view_sums`]).
    sums: HashMap<String, view_sums::ViewSums>,
    /// Conversations with unread messages, and contacts who came in as leads: the
    /// few that `today` counts, found without walking every record.
    unread: BTreeSet<String>,
    leads: BTreeSet<String>,
    /// Per contact, when they were last followed up: the pool's rules and the team
    /// board read it for every customer, which a walk of the whole log would cost.
    followed_up: HashMap<String, DateTime<Utc>>,
    /// Contacts by how they are reached (under `identities::reach_keys`): each channel handle
    /// they hold or left, each phone number, WeChat ID and email address. A
    /// platform's message finds its customer, and a new customer the one they may
    /// be, without walking every contact (13 ms and 38 ms at 100,000 of them). A
    /// contact is listed as it gains a way and stays listed when it gives one up,
    /// which is rare: a reader checks each contact it finds.
    reached: HashMap<u64, IdList>,
}

fn target_key(target: &ShareTarget) -> String {
    match target {
        ShareTarget::Card(id) => format!("card/{id}"),
        ShareTarget::Content(id) => format!("content/{id}"),
    }
}

impl Index {
    fn build(db: &Db) -> Index {
        let mut ix = Index::default();
        for share in db.shares.values() {
            ix.list_share(share, true);
        }
        let links: HashMap<&str, &Share> =
            (db.shares.iter()).map(|(t, s)| (t.as_str(), s)).collect();
        for s in db.sessions.values() {
            ix.add_session(s);
            if let Some(c) = tally::contribution(|t| links.get(t).copied(), s) {
                ix.tallies.count(&c, true);
            }
        }
        for v in db.conversations.values() {
            push(&mut ix.conversations_by_contact, &v.contact_id, &v.id);
            if v.unread > 0 {
                ix.unread.insert(v.id.clone());
            }
        }
        ix.leads = (db.contacts.values())
            .filter(|c| c.lead_link.is_some())
            .map(|c| c.id.clone())
            .collect();
        for c in db.contacts.values() {
            ix.list_reach(c);
        }
        for e in db.log.values() {
            ix.add_log(e);
        }
        ix.shrink();
        ix
    }

    /// Gives back what lists grown record by record left unused.
    fn shrink(&mut self) {
        for lists in [
            &mut self.shares_by_contact,
            &mut self.children,
            &mut self.sessions_by_share,
            &mut self.conversations_by_contact,
            &mut self.shares_by_target,
            &mut self.plain_by_target,
            &mut self.featured_by_reader,
            &mut self.sessions_by_reader,
        ] {
            lists.values_mut().for_each(IdList::shrink);
        }
        self.reached.values_mut().for_each(IdList::shrink);
        self.tallies.shrink();
    }

    fn add_log(&mut self, e: &LogEntry) {
        if !e.is_follow_up() {
            return;
        }
        match self.followed_up.get_mut(&e.contact_id) {
            Some(at) => *at = (*at).max(e.at),
            None => {
                self.followed_up.insert(e.contact_id.clone(), e.at);
            }
        }
    }

    fn add_session(&mut self, s: &ViewSession) {
        push(&mut self.sessions_by_share, &s.share_token, &s.id);
        if let Some(r) = &s.reader_token {
            push(&mut self.sessions_by_reader, r, &s.id);
        }
    }

    fn remove_session(&mut self, s: &ViewSession) {
        unlist(&mut self.sessions_by_share, &s.share_token, &s.id);
        if let Some(r) = &s.reader_token {
            unlist(&mut self.sessions_by_reader, r, &s.id);
        }
    }

    /// Lists link `share` in the lookups (`add`), or takes it out again.
    fn list_share(&mut self, share: &Share, add: bool) {
        let step = if add { push } else { unlist };
        let token = &share.token;
        if let Some(c) = &share.contact_id {
            step(&mut self.shares_by_contact, c, token);
        }
        if let Some(p) = &share.parent {
            step(&mut self.children, p, token);
        }
        if let Some(v) = &share.via {
            step(&mut self.featured_by_reader, v, token);
        }
        let target = target_key(&share.target);
        if plain(share) {
            step(&mut self.plain_by_target, &target, token);
        }
        step(&mut self.shares_by_target, &target, token);
        self.tallies.add_link(share, add);
    }
}

/// Whether `share` is a plain link: one a rep made for no one in particular, on no
/// channel, asking for no details, neither forwarded nor opened from a card.
fn plain(share: &Share) -> bool {
    share.parent.is_none()
        && share.contact_id.is_none()
        && share.channel.is_none()
        && share.via.is_none()
        && share.lead_capture == LeadCapture::Off
}

/// Adds `value` under `key`, keeping each list in key order: a list then reads the
/// same whether the data was built up operation by operation or loaded back from
/// storage (where order of arrival is lost), so both backends answer alike.
fn push(map: &mut HashMap<String, IdList>, key: &str, value: &str) {
    match map.get_mut(key) {
        Some(list) => list.insert(value),
        None => map.entry(key.to_owned()).or_default().insert(value),
    }
}

/// Takes `value` out of the list under `key`, and the list with it once empty (as
/// [`Index::build`] would have it).
fn unlist(map: &mut HashMap<String, IdList>, key: &str, value: &str) {
    let Some(list) = map.get_mut(key) else {
        return;
    };
    list.remove(value);
    if list.is_empty() {
        map.remove(key);
    }
}

/// Puts `id` in `set` or takes it out.
fn member(set: &mut BTreeSet<String>, id: &str, is: bool) {
    if !is {
        set.remove(id);
    } else if !set.contains(id) {
        set.insert(id.to_owned());
    }
}

fn list<'a>(map: &'a HashMap<String, IdList>, key: &str) -> &'a IdList {
    map.get(key).unwrap_or(&id_list::EMPTY)
}

/// One record an operation created or updated, by key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Change {
    Org,
    User(String),
    Card(String),
    Content(String),
    Share(String),
    Session(String),
    Contact(String),
    Conversation(String),
    Message { conversation_id: String, id: String },
    ChannelKey(String),
    Log(String),
    Task(String),
    Deal(String),
}

/// One stored record, as a persistent backend writes it and another tab applies it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "record", rename_all = "snake_case")]
pub enum Record {
    Org(Organization),
    User(User),
    Card(Card),
    Content(Content),
    Share(Share),
    Session(ViewSession),
    Contact(Contact),
    Conversation(Conversation),
    Message(Message),
    Canned(CannedReply),
    ChannelKey(ChannelKey),
    Log(LogEntry),
    Task(Task),
    Deal(Deal),
}

impl Record {
    /// The kind of [`Record::Message`]: most of the data at scale.
    pub const MESSAGES: &'static str = "messages";

    /// Every kind, as [`Record::kind`] names them.
    pub const KINDS: [&'static str; 14] = [
        "orgs",
        "users",
        "cards",
        "contents",
        "shares",
        "sessions",
        "contacts",
        "conversations",
        Self::MESSAGES,
        "canned",
        "channel_keys",
        "customer_log",
        "tasks",
        "deals",
    ];

    /// Which kind of record this is, as a store or table name.
    pub fn kind(&self) -> &'static str {
        match self {
            Record::Org(_) => "orgs",
            Record::User(_) => "users",
            Record::Card(_) => "cards",
            Record::Content(_) => "contents",
            Record::Share(_) => "shares",
            Record::Session(_) => "sessions",
            Record::Contact(_) => "contacts",
            Record::Conversation(_) => "conversations",
            Record::Message(_) => Self::MESSAGES,
            Record::Canned(_) => "canned",
            Record::ChannelKey(_) => "channel_keys",
            Record::Log(_) => "customer_log",
            Record::Task(_) => "tasks",
            Record::Deal(_) => "deals",
        }
    }

    /// The record alone as JSON, for a store that keeps one kind.
    pub fn to_doc(&self) -> String {
        let doc = match self {
            Record::Org(r) => serde_json::to_string(r),
            Record::User(r) => serde_json::to_string(r),
            Record::Card(r) => serde_json::to_string(r),
            Record::Content(r) => serde_json::to_string(r),
            Record::Share(r) => serde_json::to_string(r),
            Record::Session(r) => serde_json::to_string(r),
            Record::Contact(r) => serde_json::to_string(r),
            Record::Conversation(r) => serde_json::to_string(r),
            Record::Message(r) => serde_json::to_string(r),
            Record::Canned(r) => serde_json::to_string(r),
            Record::ChannelKey(r) => serde_json::to_string(r),
            Record::Log(r) => serde_json::to_string(r),
            Record::Task(r) => serde_json::to_string(r),
            Record::Deal(r) => serde_json::to_string(r),
        };
        // Plain data structures always serialize.
        doc.unwrap_or_default()
    }

    /// Reads what [`Record::to_doc`] wrote for a record of `kind`.
    pub fn from_doc(kind: &str, doc: &str) -> Result<Record, serde_json::Error> {
        use serde::de::Error as _;
        Ok(match kind {
            "orgs" => Record::Org(serde_json::from_str(doc)?),
            "users" => Record::User(serde_json::from_str(doc)?),
            "cards" => Record::Card(serde_json::from_str(doc)?),
            "contents" => Record::Content(serde_json::from_str(doc)?),
            "shares" => Record::Share(serde_json::from_str(doc)?),
            "sessions" => Record::Session(serde_json::from_str(doc)?),
            "contacts" => Record::Contact(serde_json::from_str(doc)?),
            "conversations" => Record::Conversation(serde_json::from_str(doc)?),
            Self::MESSAGES => Record::Message(serde_json::from_str(doc)?),
            "canned" => Record::Canned(serde_json::from_str(doc)?),
            "channel_keys" => Record::ChannelKey(serde_json::from_str(doc)?),
            "customer_log" => Record::Log(serde_json::from_str(doc)?),
            "tasks" => Record::Task(serde_json::from_str(doc)?),
            "deals" => Record::Deal(serde_json::from_str(doc)?),
            other => return Err(serde_json::Error::custom(format!("unknown kind {other}"))),
        })
    }

    /// The record's key within its kind.
    pub fn key(&self) -> &str {
        match self {
            Record::Org(r) => &r.id,
            Record::User(r) => &r.id,
            Record::Card(r) => &r.id,
            Record::Content(r) => &r.id,
            Record::Share(r) => &r.token,
            Record::Session(r) => &r.id,
            Record::Contact(r) => &r.id,
            Record::Conversation(r) => &r.id,
            Record::Message(r) => &r.id,
            Record::Canned(r) => &r.id,
            Record::ChannelKey(r) => &r.id,
            Record::Log(r) => &r.id,
            Record::Task(r) => &r.id,
            Record::Deal(r) => &r.id,
        }
    }
}

impl Db {
    fn ix(&self) -> &Index {
        self.index.get_or_init(|| Index::build(self))
    }

    /// Builds the lookups and running tallies now instead of in the first operation
    /// that needs them, which would keep that request (and, on a server, every write
    /// behind it) waiting while every view is walked.
    pub fn build_lookups(&self) {
        self.ix();
    }

    /// The changes since the last call, without repeats, in first-touched order.
    pub fn take_changes(&mut self) -> Vec<Change> {
        let mut seen = std::collections::HashSet::new();
        std::mem::take(&mut self.changes)
            .into_iter()
            .filter(|c| seen.insert(c.clone()))
            .collect()
    }

    /// The record a change names, as it is now (`None` if it is gone).
    pub fn record(&self, change: &Change) -> Option<Record> {
        match change {
            Change::Org => Some(Record::Org(self.org.clone())),
            Change::User(id) => self
                .users
                .iter()
                .find(|u| &u.id == id)
                .cloned()
                .map(Record::User),
            Change::Card(id) => self.cards.get(id).cloned().map(Record::Card),
            Change::Content(id) => self.contents.get(id).cloned().map(Record::Content),
            Change::Share(token) => self.shares.get(token).cloned().map(Record::Share),
            Change::Session(id) => self.sessions.get(id).cloned().map(Record::Session),
            Change::Contact(id) => self.contacts.get(id).cloned().map(Record::Contact),
            Change::Conversation(id) => self
                .conversations
                .get(id)
                .cloned()
                .map(Record::Conversation),
            Change::Message {
                conversation_id,
                id,
            } => self
                .messages
                .get(conversation_id)
                .and_then(|l| l.iter().rev().find(|m| &m.id == id))
                .cloned()
                .map(Record::Message),
            Change::ChannelKey(id) => self.channel_keys.get(id).cloned().map(Record::ChannelKey),
            Change::Log(id) => self.log.get(id).cloned().map(Record::Log),
            Change::Task(id) => self.tasks.get(id).cloned().map(Record::Task),
            Change::Deal(id) => self.deals.get(id).cloned().map(Record::Deal),
        }
    }

    /// Every record, for writing the whole set.
    pub fn records(&self) -> Vec<Record> {
        let mut out = vec![Record::Org(self.org.clone())];
        out.extend(self.users.iter().cloned().map(Record::User));
        out.extend(self.canned.iter().cloned().map(Record::Canned));
        out.extend(self.channel_keys.values().cloned().map(Record::ChannelKey));
        out.extend(self.cards.values().cloned().map(Record::Card));
        out.extend(self.contents.values().cloned().map(Record::Content));
        out.extend(self.shares.values().cloned().map(Record::Share));
        out.extend(self.sessions.values().cloned().map(Record::Session));
        out.extend(self.contacts.values().cloned().map(Record::Contact));
        out.extend(self.log.values().cloned().map(Record::Log));
        out.extend(self.tasks.values().cloned().map(Record::Task));
        out.extend(self.deals.values().cloned().map(Record::Deal));
        out.extend(
            self.conversations
                .values()
                .cloned()
                .map(Record::Conversation),
        );
        out.extend(
            self.messages
                .values()
                .flatten()
                .cloned()
                .map(Record::Message),
        );
        out
    }

    /// A data set from stored records in any order (messages are put in time order).
    pub fn from_records(records: impl IntoIterator<Item = Record>) -> Db {
        let mut db = Db::default();
        let mut messages = Vec::new();
        for record in records {
            match record {
                Record::Message(m) => messages.push(m),
                other => db.put(other),
            }
        }
        db.add_messages(messages);
        db
    }

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

    /// Lets the lookups go, to be built again on next use: for data written past the
    /// operations, record by record (the scaled demo).
    pub fn forget_lookups(&mut self) {
        self.index = OnceLock::new();
    }

    /// Lets go of every message held: a backend that keeps messages in storage
    /// holds only those an operation needs (see [`Db::add_messages`]), while it runs.
    pub fn forget_messages(&mut self) {
        self.messages = BTreeMap::new();
    }

    /// Inserts or replaces one record written elsewhere (another tab, another
    /// server), keeping the lookups right at the cost of one record, not all.
    pub fn put(&mut self, record: Record) {
        let change = match &record {
            Record::Share(r) => Some(Change::Share(r.token.clone())),
            Record::Content(r) => Some(Change::Content(r.id.clone())),
            _ => None,
        };
        if change.is_some_and(|c| self.moves_sums(&c)) {
            self.forget_sums();
        }
        // A link that moved in its forward tree, to another target or rep, or in
        // when or how it was sent, changes what every view below it counts for; so
        // does a link arriving after links forwarded from it (records put out of
        // order). A view that moved to another link or reader leaves its lists.
        let moved = match &record {
            Record::Share(r) => self.link_moves(r),
            Record::Session(r) => self.sessions.get(&r.id).is_some_and(|old| {
                old.share_token != r.share_token || old.reader_token != r.reader_token
            }),
            _ => false,
        };
        // The views counted through what changes are counted out before it does
        // and in again after (a link's arrival counts views that came before it).
        // A rep whose link moves to another keeps the rest of their 500 latest
        // views, not older ones in its place, until a start that counts the views
        // (one that takes saved tallies back keeps them; the server reads its radar
        // by SQL).
        let recount = match &record {
            Record::Share(r) if moved => self.views_below(&r.token),
            Record::Share(r) => self.views_on_link(&r.token),
            Record::Session(r) => vec![r.id.clone()],
            _ => Vec::new(),
        };
        self.tally(&recount, false);
        // Every record keeps its own lookups: none is rebuilt from everything held,
        // which on a copy holding only some views would count only those.
        if let Some(ix) = self.index.get_mut() {
            match &record {
                Record::Share(r) => match self.shares.get(&r.token) {
                    Some(old) => {
                        ix.list_share(old, false);
                        ix.list_share(r, true);
                    }
                    None => ix.list_share(r, true),
                },
                Record::Session(r) => {
                    if let Some(old) = self.sessions.get(&r.id) {
                        ix.remove_session(old);
                    }
                    ix.add_session(r);
                }
                Record::Conversation(r) => {
                    if let Some(old) = self.conversations.get(&r.id) {
                        unlist(&mut ix.conversations_by_contact, &old.contact_id, &r.id);
                    }
                    push(&mut ix.conversations_by_contact, &r.contact_id, &r.id);
                }
                _ => {}
            }
        }
        let conversation =
            matches!(record, Record::Conversation(_)).then(|| record.key().to_owned());
        let contact = matches!(record, Record::Contact(_)).then(|| record.key().to_owned());
        // A view read on moves the kept sums as a snapshot does. A moved one, or an
        // older copy, lets them go: taking a view out of the sums holds its link,
        // reader, sections and moments as they were counted in.
        let view = match &record {
            Record::Session(r) => match self.sessions.get(&r.id) {
                Some(old) if moved || !r.reads_on_from(old) => {
                    self.forget_sums();
                    None
                }
                _ => Some(r.id.clone()),
            },
            _ => None,
        };
        if let Some(id) = &view {
            self.resum(id, false);
        }
        self.put_record(record);
        self.tally(&recount, true);
        if let Some(id) = &view {
            self.resum(id, true);
        }
        if let Some(id) = conversation {
            self.note_unread(&id);
        }
        if let Some(id) = contact {
            self.note_contact(&id);
        }
    }

    /// Whether link `r`, put, moves in its forward tree (see [`Db::put`]).
    fn link_moves(&self, r: &Share) -> bool {
        match self.shares.get(&r.token) {
            Some(old) => {
                old.parent != r.parent
                    || old.target != r.target
                    || old.rep_id != r.rep_id
                    || old.via != r.via
                    || old.created_at != r.created_at
            }
            None => self
                .index
                .get()
                .is_some_and(|ix| ix.children.contains_key(&r.token)),
        }
    }

    /// Keeps the index's unread conversations in step with conversation `id`, after
    /// a change to it.
    fn note_unread(&mut self, id: &str) {
        let unread = self.conversations.get(id).is_some_and(|v| v.unread > 0);
        if let Some(ix) = self.index.get_mut() {
            member(&mut ix.unread, id, unread);
        }
    }

    /// Keeps the index's leads and ways of reaching in step with contact `id`, after
    /// a change to it: every operation that adds a contact or gives one a handle, a
    /// phone number, a WeChat ID or an email address calls this.
    pub(crate) fn note_contact(&mut self, id: &str) {
        if let (Some(ix), Some(c)) = (self.index.get_mut(), self.contacts.get(id)) {
            member(&mut ix.leads, id, c.lead_link.is_some());
            ix.list_reach(c);
        }
    }

    fn put_record(&mut self, record: Record) {
        fn upsert<T>(list: &mut Vec<T>, item: T, same: impl Fn(&T, &T) -> bool) {
            match list.iter_mut().find(|x| same(x, &item)) {
                Some(slot) => *slot = item,
                None => list.push(item),
            }
        }
        match record {
            Record::Org(r) => self.org = r,
            Record::User(r) => upsert(&mut self.users, r, |a, b| a.id == b.id),
            Record::Canned(r) => upsert(&mut self.canned, r, |a, b| a.id == b.id),
            Record::ChannelKey(r) => {
                self.channel_keys.insert(r.id.clone(), r);
            }
            Record::Log(r) => self.keep_log(r),
            Record::Task(r) => {
                self.tasks.insert(r.id.clone(), r);
            }
            Record::Deal(r) => {
                self.deals.insert(r.id.clone(), r);
            }
            Record::Card(r) => {
                self.cards.insert(r.id.clone(), r);
            }
            Record::Content(r) => {
                self.contents.insert(r.id.clone(), r);
            }
            Record::Share(r) => {
                self.shares.insert(r.token.clone(), r);
            }
            Record::Session(r) => {
                self.sessions.insert(r);
            }
            Record::Contact(r) => {
                self.contacts.insert(r.id.clone(), r);
            }
            Record::Conversation(r) => {
                self.conversations.insert(r.id.clone(), r);
            }
            Record::Message(m) => {
                if let Some(v) = self.conversations.get_mut(&m.conversation_id) {
                    v.note_message(&m);
                }
                let list = self.messages.entry(m.conversation_id.clone()).or_default();
                match list.binary_search_by(|x| x.order().cmp(&m.order())) {
                    Ok(at) => list[at] = m,
                    Err(at) => list.insert(at, m),
                }
            }
        }
    }

    fn touch(&mut self, change: Change) {
        // What a contact's views add up to follows the links, contents and views:
        // one of those changed under a counted view, the sums are walked again when
        // next needed.
        if self.moves_sums(&change) {
            self.forget_sums();
        }
        self.changes.push(change);
    }
}

#[cfg(test)]
mod tests;
