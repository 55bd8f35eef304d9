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
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;
use thiserror::Error;

pub const DEFAULT_PAGE: usize = 50;
pub const MAX_PAGE: usize = 200;

mod channel_keys;
mod team;
mod today;

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
    pub sessions: BTreeMap<String, ViewSession>,
    pub contacts: BTreeMap<String, Contact>,
    pub conversations: BTreeMap<String, Conversation>,
    /// Per conversation, oldest first.
    pub messages: BTreeMap<String, Vec<Message>>,
    pub canned: Vec<CannedReply>,
    /// Channel adapters' credentials, by id (admins only; see [`crate::adapter`]).
    #[serde(default)]
    pub channel_keys: BTreeMap<String, ChannelKey>,
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
    shares_by_contact: HashMap<String, Vec<String>>,
    children: HashMap<String, Vec<String>>,
    sessions_by_share: HashMap<String, Vec<String>>,
    conversations_by_contact: HashMap<String, Vec<String>>,
    shares_by_target: HashMap<String, Vec<String>>,
    /// Sessions by the reader's own link (`ViewSession::reader_token`).
    sessions_by_reader: HashMap<String, Vec<String>>,
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
            ix.add_share(share);
        }
        for s in db.sessions.values() {
            ix.add_session(s);
        }
        for v in db.conversations.values() {
            push(&mut ix.conversations_by_contact, &v.contact_id, &v.id);
        }
        ix
    }

    fn add_session(&mut self, s: &ViewSession) {
        push(&mut self.sessions_by_share, &s.share_token, &s.id);
        if let Some(r) = &s.reader_token {
            push(&mut self.sessions_by_reader, r, &s.id);
        }
    }

    fn add_share(&mut self, share: &Share) {
        if let Some(c) = &share.contact_id {
            push(&mut self.shares_by_contact, c, &share.token);
        }
        if let Some(p) = &share.parent {
            push(&mut self.children, p, &share.token);
        }
        push(
            &mut self.shares_by_target,
            &target_key(&share.target),
            &share.token,
        );
    }
}

fn push(map: &mut HashMap<String, Vec<String>>, key: &str, value: &str) {
    map.entry(key.to_owned())
        .or_default()
        .push(value.to_owned());
}

fn list<'a>(map: &'a HashMap<String, Vec<String>>, key: &str) -> &'a [String] {
    map.get(key).map_or(&[], Vec::as_slice)
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
}

impl Record {
    /// The kind of [`Record::Message`]: most of the data at scale.
    pub const MESSAGES: &'static str = "messages";

    /// Every kind, as [`Record::kind`] names them.
    pub const KINDS: [&'static str; 11] = [
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
        }
    }
}

impl Db {
    fn ix(&self) -> &Index {
        self.index.get_or_init(|| Index::build(self))
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
        for m in messages {
            self.messages
                .entry(m.conversation_id.clone())
                .or_default()
                .push(m);
        }
        for list in self.messages.values_mut() {
            // Stable, and close to linear on a list already in order.
            list.sort_by_key(|m| m.created_at);
        }
    }

    /// Inserts or replaces one record written elsewhere (another tab), keeping the
    /// lookups right.
    pub fn put(&mut self, record: Record) {
        // The lookups are rebuilt on next use: a record may have moved between keys.
        self.index = OnceLock::new();
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
                self.sessions.insert(r.id.clone(), r);
            }
            Record::Contact(r) => {
                self.contacts.insert(r.id.clone(), r);
            }
            Record::Conversation(r) => {
                self.messages.entry(r.id.clone()).or_default();
                self.conversations.insert(r.id.clone(), r);
            }
            Record::Message(m) => {
                let list = self.messages.entry(m.conversation_id.clone()).or_default();
                match list.iter_mut().rev().find(|x| x.id == m.id) {
                    Some(slot) => *slot = m,
                    None => {
                        let at = list.partition_point(|x| x.created_at <= m.created_at);
                        list.insert(at, m);
                    }
                }
            }
        }
    }

    fn touch(&mut self, change: Change) {
        self.changes.push(change);
    }

    pub fn card(&self, id: &str) -> StoreResult<&Card> {
        self.cards.get(id).ok_or(StoreError::NotFound("card"))
    }

    pub fn save_card(
        &mut self,
        caller: &Caller,
        mut card: Card,
        now: DateTime<Utc>,
    ) -> StoreResult<Card> {
        let existing = self.card(&card.id)?;
        if !caller.edits_card(&existing.owner_id) {
            return Err(StoreError::Forbidden(Action::EditCard));
        }
        card.validate()?;
        card.owner_id.clone_from(&existing.owner_id);
        card.updated_at = Some(now);
        self.cards.insert(card.id.clone(), card.clone());
        self.touch(Change::Card(card.id.clone()));
        Ok(card)
    }

    /// Creates or updates content. A new item (id not yet used) is authored by
    /// `author_id`; an existing one keeps its author and creation time.
    pub fn save_content(
        &mut self,
        caller: &Caller,
        mut content: Content,
        now: DateTime<Utc>,
    ) -> StoreResult<Content> {
        let author_id = caller.user_id.as_str();
        let allowed = match self.contents.get(&content.id) {
            Some(existing) => caller.edits_content(&existing.author_id),
            None => caller.may(Action::EditContent),
        };
        if !allowed {
            return Err(StoreError::Forbidden(Action::EditContent));
        }
        let mut errs = FieldErrors::default();
        errs.check(
            "id",
            crate::ids::parse_public_id(&content.id)
                .map(|_| ())
                .map_err(|_| crate::validate::FieldProblem::Range),
        );
        errs.into_result()?;
        content.validate()?;
        match self.contents.get(&content.id) {
            Some(existing) => {
                content.author_id.clone_from(&existing.author_id);
                content.created_at = existing.created_at;
            }
            None => {
                content.author_id = author_id.to_owned();
                content.created_at = now;
            }
        }
        content.updated_at = now;
        self.contents.insert(content.id.clone(), content.clone());
        self.touch(Change::Content(content.id.clone()));
        Ok(content)
    }

    pub fn contents_newest_first(&self) -> Vec<&Content> {
        let mut list: Vec<&Content> = self.contents.values().collect();
        list.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then(a.id.cmp(&b.id)));
        list
    }

    fn target_exists(&self, target: &ShareTarget) -> bool {
        match target {
            ShareTarget::Card(id) => self.cards.contains_key(id),
            ShareTarget::Content(id) => self.contents.contains_key(id),
        }
    }

    /// A rep's link to their card or to content, for one contact (in their scope) or
    /// for anyone.
    pub fn create_share(
        &mut self,
        caller: &Caller,
        new: NewShare,
        token: String,
        now: DateTime<Utc>,
    ) -> StoreResult<Share> {
        if !caller.may(Action::ShareLinks) {
            return Err(StoreError::Forbidden(Action::ShareLinks));
        }
        if let ShareTarget::Card(id) = &new.target
            && !caller.edits_card(&self.card(id)?.owner_id)
        {
            return Err(StoreError::Forbidden(Action::EditCard));
        }
        if let Some(c) = &new.contact_id {
            self.visible_contact(caller, c)?;
        }
        let rep_id = caller.user_id.clone();
        self.insert_share(new, &rep_id, token, now)
    }

    fn insert_share(
        &mut self,
        new: NewShare,
        rep_id: &str,
        token: String,
        now: DateTime<Utc>,
    ) -> StoreResult<Share> {
        if !self.target_exists(&new.target) {
            return Err(StoreError::NotFound("share target"));
        }
        if let Some(c) = &new.contact_id
            && !self.contacts.contains_key(c)
        {
            return Err(StoreError::NotFound("contact"));
        }
        let share = Share {
            token: token.clone(),
            target: new.target,
            rep_id: rep_id.to_owned(),
            contact_id: new.contact_id,
            channel: new.channel,
            parent: None,
            lead_capture: new.lead_capture,
            created_at: now,
            via: None,
        };
        if let Some(ix) = self.index.get_mut() {
            ix.add_share(&share);
        }
        self.shares.insert(token.clone(), share.clone());
        self.touch(Change::Share(token));
        Ok(share)
    }

    /// What a customer page needs for `token`, minting `child_token` as this reader's
    /// own link (parent = `token`) for the forward chain. A reader coming back passes
    /// the child they were given before as `reuse`; it is kept if it really is a child
    /// of `token`, so a reload is not mistaken for a forward.
    ///
    /// Every open is a visit: it issues the view session `session_id` (unguessable,
    /// chosen by the backend), bound to `token` and the reader's own link. Only its
    /// snapshots are accepted ([`Db::record_snapshot`]); until they reach 2 s the
    /// session is not counted anywhere, so previewers and bots leave no trace.
    pub fn open_share(
        &mut self,
        token: &str,
        child_token: String,
        session_id: String,
        reuse: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<OpenedShare> {
        let share = self
            .shares
            .get(token)
            .ok_or(StoreError::NotFound("share"))?
            .clone();
        self.unused_session_id(&session_id)?;
        let (card, content, featured) = match &share.target {
            ShareTarget::Content(id) => (
                self.users
                    .iter()
                    .find(|u| u.id == share.rep_id)
                    .and_then(|u| u.card_id.as_deref())
                    .and_then(|id| self.cards.get(id))
                    .cloned(),
                Some(
                    self.contents
                        .get(id)
                        .ok_or(StoreError::NotFound("content"))?
                        .clone(),
                ),
                Vec::new(),
            ),
            ShareTarget::Card(id) => {
                let card = self.card(id)?;
                let featured = card
                    .featured
                    .iter()
                    .filter_map(|id| self.contents.get(id))
                    .map(FeaturedContent::from)
                    .collect();
                (Some(card.clone()), None, featured)
            }
        };
        let own = reuse.filter(|c| self.keeps_reader_link(token, c));
        let (card, content) = (
            card.as_ref().map(PublicCard::from),
            content.as_ref().map(PublicContent::from),
        );
        let child_token = match own {
            Some(own) => own.to_owned(),
            None => {
                let child = Share {
                    token: child_token.clone(),
                    parent: Some(share.token.clone()),
                    contact_id: None,
                    channel: None,
                    created_at: now,
                    via: None,
                    ..share.clone()
                };
                if let Some(ix) = self.index.get_mut() {
                    ix.add_share(&child);
                }
                self.shares.insert(child_token.clone(), child);
                self.touch(Change::Share(child_token.clone()));
                child_token
            }
        };
        let session = ViewSession::issue(
            session_id.clone(),
            share.token.clone(),
            child_token.clone(),
            now,
        );
        if let Some(ix) = self.index.get_mut() {
            ix.add_session(&session);
        }
        self.sessions.insert(session_id.clone(), session);
        self.touch(Change::Session(session_id.clone()));
        Ok(OpenedShare {
            share: PublicShare::from(&share),
            child_token,
            session_id,
            card,
            content,
            featured,
        })
    }

    /// Refuses a session id already issued (the backends' random ids never are), so an
    /// open never replaces someone's view.
    fn unused_session_id(&self, id: &str) -> StoreResult<()> {
        let mut errs = FieldErrors::default();
        if self.sessions.contains_key(id) {
            errs.check("session_id", Err(crate::validate::FieldProblem::Taken));
        }
        Ok(errs.into_result()?)
    }

    /// Whether opening `token` with `reuse` keeps that reader's own link (a returning
    /// reader) rather than minting a new one: `reuse` must be a child of `token`.
    pub fn keeps_reader_link(&self, token: &str, reuse: &str) -> bool {
        self.shares
            .get(reuse)
            .is_some_and(|c| c.parent.as_deref() == Some(token))
    }

    /// The rep's link `token` descends from through forwards (readers' own links):
    /// itself for a rep's link. Budgets on opening are kept per root, so walking down
    /// a chain of freshly minted links does not escape them.
    pub fn link_root(&self, token: &str) -> String {
        const MAX_DEPTH: usize = 64;
        let mut root = token;
        for _ in 0..MAX_DEPTH {
            match self.shares.get(root).and_then(|s| s.parent.as_deref()) {
                Some(parent) => root = parent,
                None => break,
            }
        }
        root.to_owned()
    }

    /// The link a card's public address (`/c/{card_id}`) opens, if it has one yet.
    pub fn card_link_of(&self, card_id: &str) -> Option<String> {
        let owner = &self.cards.get(card_id)?.owner_id;
        let key = target_key(&ShareTarget::Card(card_id.to_owned()));
        list(&self.ix().shares_by_target, &key)
            .iter()
            .filter_map(|t| self.shares.get(t))
            .filter(|s| {
                s.rep_id == *owner
                    && s.parent.is_none()
                    && s.contact_id.is_none()
                    && s.channel.is_none()
                    && s.via.is_none()
                    && s.lead_capture == LeadCapture::Off
            })
            .min_by_key(|s| (s.created_at, s.token.clone()))
            .map(|s| s.token.clone())
    }

    /// The card's own public link (`/c/{card}`): the owner's earliest plain share of
    /// it, for no one in particular; made with `new_token` the first time.
    fn card_link(
        &mut self,
        card_id: &str,
        new_token: String,
        now: DateTime<Utc>,
    ) -> StoreResult<String> {
        let owner = self.card(card_id)?.owner_id.clone();
        match self.card_link_of(card_id) {
            Some(token) => Ok(token),
            None => {
                let new = NewShare {
                    target: ShareTarget::Card(card_id.to_owned()),
                    contact_id: None,
                    channel: None,
                    lead_capture: LeadCapture::Off,
                };
                Ok(self.insert_share(new, &owner, new_token, now)?.token)
            }
        }
    }

    /// Opens a card from its public address, as [`Db::open_share`] does for a link:
    /// every open is a tracked view (issuing `session_id`) with the reader's own link
    /// for forwards. `new_tokens`: the card's link, if it has none yet, and the child.
    pub fn open_card(
        &mut self,
        card_id: &str,
        new_tokens: (String, String),
        session_id: String,
        reuse: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<OpenedShare> {
        let (link_token, child_token) = new_tokens;
        self.unused_session_id(&session_id)?;
        let link = self.card_link(card_id, link_token, now)?;
        self.open_share(&link, child_token, session_id, reuse, now)
    }

    /// The link through which a card's reader (`reader_token`, their own link on the
    /// card) opens one of its featured items: credited to the same rep and, when
    /// known, the same contact; the same reader gets the same link again.
    pub fn open_featured(
        &mut self,
        reader_token: &str,
        content_id: &str,
        new_token: String,
        now: DateTime<Utc>,
    ) -> StoreResult<Share> {
        let reader = self
            .shares
            .get(reader_token)
            .ok_or(StoreError::NotFound("share"))?;
        let ShareTarget::Card(card_id) = &reader.target else {
            return Err(StoreError::NotFound("card"));
        };
        if !self.card(card_id)?.featured.iter().any(|f| f == content_id)
            || !self.contents.contains_key(content_id)
        {
            return Err(StoreError::NotFound("content"));
        }
        let target = ShareTarget::Content(content_id.to_owned());
        let ix = self.ix();
        if let Some(existing) = list(&ix.shares_by_target, &target_key(&target))
            .iter()
            .filter_map(|t| self.shares.get(t))
            .find(|s| s.via.as_deref() == Some(reader_token))
        {
            return Ok(existing.clone());
        }
        // A direct reader of a rep's link is that link's contact; a reader further
        // down the chain is known only if they left details on their own link.
        let parent = reader.parent.as_deref().and_then(|p| self.shares.get(p));
        let contact_id = match parent {
            Some(p) if p.parent.is_none() => reader.contact_id.clone().or(p.contact_id.clone()),
            _ => reader.contact_id.clone(),
        };
        let share = Share {
            token: new_token.clone(),
            target,
            rep_id: reader.rep_id.clone(),
            contact_id,
            channel: parent.and_then(|p| p.channel).or(reader.channel),
            parent: None,
            lead_capture: LeadCapture::Off,
            created_at: now,
            via: Some(reader_token.to_owned()),
        };
        if let Some(ix) = self.index.get_mut() {
            ix.add_share(&share);
        }
        self.shares.insert(new_token.clone(), share.clone());
        self.touch(Change::Share(new_token));
        Ok(share)
    }

    /// The contact who reads through `share`: its own contact, else nobody known.
    fn reader_of(&self, share: &Share) -> Option<&Contact> {
        share
            .contact_id
            .as_deref()
            .and_then(|c| self.contacts.get(c))
    }

    /// Who read in `session` (opened through `share`): the contact who left their
    /// details on their own link (whoever opened a forwarded link named themselves),
    /// else the share's contact.
    fn reader_of_session(&self, session: &ViewSession, share: &Share) -> Option<&Contact> {
        session
            .reader_token
            .as_deref()
            .filter(|own| *own != share.token)
            .and_then(|own| self.shares.get(own))
            .and_then(|own| self.reader_of(own))
            .or_else(|| self.reader_of(share))
    }

    /// A reader leaves their details on their own link (`reader_token`). The details
    /// never go into an existing customer (a forwarded link is opened by anyone, and
    /// anyone can type a customer's phone number): they make a contact of the link's
    /// own (`new_id`, the link's rep's), or update the one made when details were left
    /// on this same link before. When they match a live customer in the rep's scope
    /// by phone, WeChat ID or email, the contact names that customer as probably the
    /// same person, for the rep to merge ([`Db::merge_contacts`]) or dismiss
    /// ([`Db::not_same_person`]). Returns the contact and the reader's latest view,
    /// now named, for the radar.
    pub fn capture_lead(
        &mut self,
        reader_token: &str,
        details: LeadDetails,
        new_id: String,
        now: DateTime<Utc>,
    ) -> StoreResult<(Contact, Option<RadarItem>)> {
        details.validate()?;
        let own = self
            .shares
            .get(reader_token)
            .filter(|s| s.parent.is_some())
            .ok_or(StoreError::NotFound("share"))?
            .clone();
        let mut identities = Vec::new();
        for (channel, handle) in [
            (Channel::Sms, &details.phone),
            (Channel::Wechat, &details.wechat_id),
            (Channel::Email, &details.email),
        ] {
            if !handle.trim().is_empty() {
                identities.push(Identity {
                    channel,
                    handle: handle.trim().to_owned(),
                });
            }
        }
        // The contact made from details left on this very link before, if it is still
        // the link's (a merge hands the link to the customer kept).
        let mine = own
            .contact_id
            .as_deref()
            .and_then(|id| self.contacts.get(id))
            .filter(|c| c.merged.is_none() && c.lead_link.as_deref() == Some(reader_token))
            .map(|c| c.id.clone());
        let id = match mine {
            Some(id) => {
                if let Some(c) = self.contacts.get_mut(&id) {
                    c.name = details.name.trim().to_owned();
                    for (field, given) in [
                        (&mut c.phone, &details.phone),
                        (&mut c.wechat_id, &details.wechat_id),
                        (&mut c.email, &details.email),
                    ] {
                        if !given.trim().is_empty() {
                            *field = given.trim().to_owned();
                        }
                    }
                    for identity in identities {
                        if !c.identities.contains(&identity) {
                            c.identities.push(identity);
                        }
                    }
                    c.last_seen_at = c.last_seen_at.max(Some(now));
                }
                id
            }
            None => {
                if self.contacts.contains_key(&new_id) {
                    // Never written over, even when a "new" id is not.
                    let mut e = FieldErrors::default();
                    e.check("id", Err(crate::validate::FieldProblem::Range));
                    return Err(e.into());
                }
                let lead = Contact {
                    id: new_id.clone(),
                    name: details.name.trim().to_owned(),
                    company: String::new(),
                    phone: details.phone.trim().to_owned(),
                    email: details.email.trim().to_owned(),
                    wechat_id: details.wechat_id.trim().to_owned(),
                    identities,
                    owner_id: Some(own.rep_id.clone()),
                    interests: BTreeMap::new(),
                    intent: 0,
                    last_seen_at: Some(now),
                    created_at: now,
                    merged: None,
                    lead_link: Some(reader_token.to_owned()),
                    probably_same_as: None,
                    not_same_as: Vec::new(),
                };
                self.contacts.insert(new_id.clone(), lead);
                new_id
            }
        };
        let same = self
            .contacts
            .get(&id)
            .and_then(|c| self.same_person_in_scope(c));
        if let Some(c) = self.contacts.get_mut(&id) {
            c.probably_same_as = same;
        }
        let before = own.contact_id.clone().filter(|c| *c != id);
        if own.contact_id.as_deref() != Some(id.as_str()) {
            if let Some(s) = self.shares.get_mut(reader_token) {
                s.contact_id = Some(id.clone());
            }
            if let Some(ix) = self.index.get_mut() {
                if let Some(old) = &before
                    && let Some(links) = ix.shares_by_contact.get_mut(old)
                {
                    links.retain(|t| t != reader_token);
                    if links.is_empty() {
                        ix.shares_by_contact.remove(old);
                    }
                }
                push(&mut ix.shares_by_contact, &id, reader_token);
            }
            self.touch(Change::Share(reader_token.to_owned()));
        }
        self.touch(Change::Contact(id.clone()));
        self.refresh_contact(&id, now);
        if let Some(old) = &before {
            // The link's views are no longer theirs.
            self.refresh_contact(old, now);
        }
        // The reader's latest counted view (an open that has not counted yet has no
        // radar line to name).
        let latest = list(&self.ix().sessions_by_reader, reader_token)
            .iter()
            .filter_map(|s| self.sessions.get(s))
            .filter(|s| s.totals.is_counted())
            .max_by_key(|s| s.last_seen_at)
            .map(|s| s.id.clone());
        let item = latest.and_then(|s| self.radar_item(&s));
        Ok((self.contact(&id)?.clone(), item))
    }

    /// A live customer in the scope of `lead`'s owner (as [`Caller`] rules it)
    /// reached the same way as `lead` (phone, WeChat ID or email) and not dismissed
    /// for it: one the owner may merge with first, then the longest known.
    fn same_person_in_scope(&self, lead: &Contact) -> Option<String> {
        let owner = lead.owner_id.as_deref()?;
        let caller = self.caller(owner).ok()?;
        self.contacts
            .values()
            .filter(|c| {
                c.id != lead.id
                    && c.merged.is_none()
                    && !lead.not_same_as.contains(&c.id)
                    && c.same_reach(lead)
                    && self.sees_contact(&caller, c)
            })
            .min_by_key(|c| {
                (
                    !caller.merges(Some(owner), c.owner_id.as_deref()),
                    c.created_at,
                    c.id.as_str(),
                )
            })
            .map(|c| c.id.clone())
    }

    /// The customer `c` is probably the same person as, while that one is live.
    fn probably_same_as(&self, c: &Contact) -> Option<&Contact> {
        let same = self.contacts.get(c.probably_same_as.as_deref()?)?;
        (same.merged.is_none() && same.id != c.id).then_some(same)
    }

    /// The link preview of a card: the rep's name and role, their intro, their photo.
    pub fn card_preview(&self, card_id: &str) -> Option<LinkPreview> {
        let card = self.cards.get(card_id)?;
        let role = card.role();
        Some(LinkPreview {
            title: if role.is_empty() {
                card.name.clone()
            } else {
                format!("{} | {role}", card.name)
            },
            description: card.intro.clone(),
            image: card.avatar_url.clone(),
        })
    }

    /// The link preview of a share: its content (title, summary, cover) or card.
    pub fn share_preview(&self, token: &str) -> Option<LinkPreview> {
        match &self.shares.get(token)?.target {
            ShareTarget::Card(id) => self.card_preview(id),
            ShareTarget::Content(id) => self.contents.get(id).map(|c| LinkPreview {
                title: c.title.clone(),
                description: c.summary.clone(),
                image: c.cover_url.clone(),
            }),
        }
    }

    /// The reader of the share this one was forwarded from.
    fn forwarder_of(&self, share: &Share) -> Option<&Contact> {
        share
            .parent
            .as_deref()
            .and_then(|p| self.shares.get(p))
            .and_then(|p| self.reader_of(p))
    }

    /// Folds in a tracking snapshot of a session [`Db::open_share`] issued. Returns the
    /// radar line to announce when anything changed, `None` for a repeat or a view
    /// not yet counted. A snapshot for a session that was never issued, or that names
    /// another share or reader than the session was issued for, is refused (made up
    /// or borrowed: answered alike, as not found) and changes nothing.
    pub fn record_snapshot(
        &mut self,
        snap: &Snapshot,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<RadarItem>> {
        snap.validate()?;
        let share = self
            .shares
            .get(&snap.share_token)
            .ok_or(StoreError::NotFound("share"))?
            .clone();
        let session = self
            .sessions
            .get_mut(&snap.session_id)
            .filter(|s| s.accepts(snap))
            .ok_or(StoreError::NotFound("session"))?;
        let changed = session.apply(snap, now);
        let counted = session.totals.is_counted();
        if changed {
            self.touch(Change::Session(snap.session_id.clone()));
        }
        if !changed || !counted {
            return Ok(None);
        }
        let reader = self
            .sessions
            .get(&snap.session_id)
            .and_then(|session| self.reader_of_session(session, &share))
            .map(|c| c.id.clone());
        if let Some(contact_id) = reader {
            self.refresh_contact(&contact_id, now);
        }
        if let Some(forwarder) = self.forwarder_of(&share).map(|c| c.id.clone()) {
            self.refresh_contact(&forwarder, now);
        }
        Ok(self.radar_item(&snap.session_id))
    }

    /// What a contact did up to `until`: the signals behind the intent score, and
    /// their interest weights. Views count by when they started, with their final
    /// totals (the store keeps each view's totals, not their history).
    fn signals(
        &self,
        contact_id: &str,
        until: DateTime<Utc>,
    ) -> (IntentSignals, BTreeMap<String, u64>) {
        let mut signals = IntentSignals::default();
        let mut interests = BTreeMap::new();
        let ix = self.ix();
        let seen = |at: DateTime<Utc>| Some(at.min(until));
        let counted = |ids: &mut dyn Iterator<Item = &String>| -> Vec<&ViewSession> {
            ids.filter_map(|id| self.sessions.get(id))
                .filter(|s| s.totals.is_counted() && s.started_at <= until)
                .collect()
        };
        let on_links = |tokens: &[String]| -> Vec<String> {
            tokens
                .iter()
                .flat_map(|t| list(&ix.sessions_by_share, t))
                .cloned()
                .collect()
        };
        for token in list(&ix.shares_by_contact, contact_id) {
            let Some(share) = self.shares.get(token) else {
                continue;
            };
            let section_tags: Option<BTreeMap<String, Vec<String>>> = match &share.target {
                ShareTarget::Content(id) => self.contents.get(id).map(|c| {
                    c.blocks
                        .iter()
                        .map(|b| (b.id.clone(), b.tags.clone()))
                        .collect()
                }),
                ShareTarget::Card(_) => None,
            };
            // A rep's share to this contact is read by them; their own link (left
            // details) is read by them through `reader_token` and by others as forwards.
            let own_link = share.parent.is_some();
            let mut read_by_them = counted(&mut list(&ix.sessions_by_reader, token).iter());
            let mut forwarded = counted(&mut on_links(list(&ix.children, token)).iter());
            let on_this_link = counted(&mut on_links(std::slice::from_ref(token)).iter());
            if own_link {
                forwarded.extend(on_this_link);
            } else {
                read_by_them.extend(on_this_link);
                read_by_them.sort_by(|a, b| a.id.cmp(&b.id));
                read_by_them.dedup_by(|a, b| a.id == b.id);
            }
            for s in read_by_them {
                signals.visits += 1;
                signals.visible_ms += s.totals.visible_ms;
                signals.last_activity = signals.last_activity.max(seen(s.last_seen_at));
                if let Some(tags) = &section_tags {
                    add_interest(&mut interests, &s.totals.sections, tags);
                }
            }
            // Readers of the links this contact forwarded.
            for s in forwarded {
                signals.forwards += 1;
                signals.last_activity = signals.last_activity.max(seen(s.last_seen_at));
            }
        }
        for v in list(&ix.conversations_by_contact, contact_id) {
            let inbound = self
                .messages
                .get(v)
                .into_iter()
                .flatten()
                .filter(|m| m.direction == Direction::Inbound && m.created_at <= until);
            for m in inbound {
                signals.messages += 1;
                signals.last_activity = signals.last_activity.max(Some(m.created_at));
            }
        }
        (signals, interests)
    }

    /// The intent score as it stood `days` ago, for each of `days`: how a lead is
    /// warming up or cooling down.
    pub fn intent_trend(
        &self,
        caller: &Caller,
        contact_id: &str,
        days: &[u16],
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<IntentPoint>> {
        self.visible_contact(caller, contact_id)?;
        Ok(days
            .iter()
            .map(|d| {
                let at = now - chrono::Duration::days(i64::from(*d));
                let (signals, _) = self.signals(contact_id, at);
                IntentPoint {
                    days_ago: *d,
                    score: intent_score(&signals, at),
                }
            })
            .collect())
    }

    /// Recomputes a contact's interests and intent from all their sessions, so the
    /// figures are always a pure function of the recorded data.
    fn refresh_contact(&mut self, contact_id: &str, now: DateTime<Utc>) {
        let (signals, interests) = self.signals(contact_id, now);
        let score = intent_score(&signals, now);
        if let Some(c) = self.contacts.get_mut(contact_id) {
            c.intent = score;
            c.last_seen_at = c.last_seen_at.max(signals.last_activity);
            for (tag, w) in interests {
                let mine = c.interests.entry(tag).or_default();
                *mine = (*mine).max(w);
            }
        }
        let mut touched = vec![Change::Contact(contact_id.to_owned())];
        for v in self
            .conversations
            .values_mut()
            .filter(|v| v.contact_id == contact_id && v.intent != score)
        {
            v.intent = score;
            touched.push(Change::Conversation(v.id.clone()));
        }
        self.changes.extend(touched);
    }

    /// Recomputes every live contact's intent (and interests) as of `now`. The
    /// operations recompute only the contacts they touch, as of their own time, while
    /// the score fades as activity ages: data made over days (the demo's history)
    /// ends with this, so each score is the one its contact has today.
    pub fn refresh_intents(&mut self, now: DateTime<Utc>) {
        let live: Vec<String> = self
            .contacts
            .values()
            .filter(|c| c.merged.is_none())
            .map(|c| c.id.clone())
            .collect();
        for id in live {
            self.refresh_contact(&id, now);
        }
    }

    /// The radar line of a counted view (`None` for a session under 2 s: previewers,
    /// bots and pages just opened are on no radar).
    pub fn radar_item(&self, session_id: &str) -> Option<RadarItem> {
        let s = self
            .sessions
            .get(session_id)
            .filter(|s| s.totals.is_counted())?;
        let share = self.shares.get(&s.share_token)?;
        let reader = self.reader_of_session(s, share);
        let (title, section_tags) = match &share.target {
            ShareTarget::Card(id) => (
                self.cards
                    .get(id)
                    .map(|c| c.name.clone())
                    .unwrap_or_default(),
                BTreeMap::new(),
            ),
            ShareTarget::Content(id) => match self.contents.get(id) {
                Some(c) => (
                    c.title.clone(),
                    c.blocks
                        .iter()
                        .map(|b| (b.id.as_str(), b.tags.first()))
                        .collect(),
                ),
                None => (String::new(), BTreeMap::new()),
            },
        };
        // The same reader is the same contact on the same target, or else the same link.
        // An anonymous reader is recognised by their own link (reader token).
        let ix = self.ix();
        let own_token = std::slice::from_ref(&share.token);
        let (readers_links, reader_token) = match (&share.contact_id, &s.reader_token) {
            (Some(c), _) => (list(&ix.shares_by_contact, c), None),
            (None, Some(rt)) => (
                list(&ix.shares_by_target, &target_key(&share.target)),
                Some(rt),
            ),
            (None, None) => (own_token, None),
        };
        let same_reader =
            |o: &ViewSession| reader_token.is_none_or(|rt| o.reader_token.as_ref() == Some(rt));
        let visit = readers_links
            .iter()
            .filter(|t| {
                self.shares
                    .get(*t)
                    .is_some_and(|o| o.target == share.target)
            })
            .flat_map(|t| list(&ix.sessions_by_share, t))
            .filter_map(|id| self.sessions.get(id))
            .filter(|o| o.totals.is_counted() && o.started_at <= s.started_at && same_reader(o))
            .count() as u32;
        let top_section =
            s.totals
                .top_sections(1)
                .first()
                .map(|(id, _)| match section_tags.get(id) {
                    Some(Some(tag)) => (*tag).clone(),
                    _ => (*id).to_owned(),
                });
        Some(RadarItem {
            session_id: s.id.clone(),
            share_token: share.token.clone(),
            at: s.last_seen_at,
            contact_id: reader.map(|c| c.id.clone()),
            reader: reader.map(|c| c.name.clone()),
            forwarded_by: self.forwarder_of(share).map(|c| c.name.clone()),
            target: share.target.clone(),
            rep_id: share.rep_id.clone(),
            title,
            visit: visit.max(1),
            visible_ms: s.totals.visible_ms,
            max_scroll_pct: s.totals.max_scroll_pct,
            top_section,
            actions: s.totals.actions.iter().copied().collect(),
            intent: reader.map_or(0, |c| c.intent),
            probably_same_as_name: reader
                .and_then(|c| self.probably_same_as(c))
                .map(|c| c.name.clone()),
        })
    }

    /// Counted views of a content item or card through the links of the staff
    /// `caller` covers, with who read them.
    fn readings(&self, caller: &Caller, target: &ShareTarget) -> Vec<Reading<'_>> {
        let ix = self.ix();
        list(&ix.shares_by_target, &target_key(target))
            .iter()
            .filter_map(|t| self.shares.get(t))
            .filter(|share| caller.covers(Some(&share.rep_id)))
            .flat_map(|share| {
                list(&ix.sessions_by_share, &share.token)
                    .iter()
                    .filter_map(|id| self.sessions.get(id))
                    .filter(|s| s.totals.is_counted())
                    .map(move |session| {
                        let reader = self.reader_of_session(session, share);
                        Reading {
                            session,
                            reader_key: reader
                                .map(|c| c.id.as_str())
                                .or(session.reader_token.as_deref())
                                .unwrap_or(&session.id),
                            forwarded: share.parent.is_some(),
                            reader,
                        }
                    })
            })
            .collect()
    }

    /// A card's views: its owner's, their manager's and admins' to see.
    pub fn card_analytics(&self, caller: &Caller, card_id: &str) -> StoreResult<CardAnalytics> {
        if !caller.may(Action::SeeRadar) {
            return Err(StoreError::Forbidden(Action::SeeRadar));
        }
        if !caller.covers(Some(&self.card(card_id)?.owner_id)) {
            return Err(StoreError::NotFound("card"));
        }
        Ok(analytics::card_analytics(
            &self.readings(caller, &ShareTarget::Card(card_id.to_owned())),
        ))
    }

    /// A content item's figures over the links of the staff the caller covers.
    pub fn content_analytics(
        &self,
        caller: &Caller,
        content_id: &str,
    ) -> StoreResult<ContentAnalytics> {
        if !caller.may(Action::SeeRadar) {
            return Err(StoreError::Forbidden(Action::SeeRadar));
        }
        let content = self
            .contents
            .get(content_id)
            .ok_or(StoreError::NotFound("content"))?;
        let target = ShareTarget::Content(content_id.to_owned());
        let mut out = analytics::analytics(content, &self.readings(caller, &target));
        out.forward_tree = list(&self.ix().shares_by_target, &target_key(&target))
            .iter()
            .filter(|t| {
                self.shares
                    .get(*t)
                    .is_some_and(|s| s.parent.is_none() && caller.covers(Some(&s.rep_id)))
            })
            .filter_map(|t| self.forward_node(t, true, 0))
            .collect();
        Ok(out)
    }

    /// The node for `token` and everything forwarded from it, or `None` if nobody read
    /// anything there. `root`: a rep's link, whose readers are its children.
    fn forward_node(&self, token: &str, root: bool, depth: usize) -> Option<ForwardNode> {
        const MAX_DEPTH: usize = 32;
        let ix = self.ix();
        let share = self.shares.get(token)?;
        let own_views = if root {
            // Views recorded before readers carried their own link.
            list(&ix.sessions_by_share, token)
                .iter()
                .filter_map(|id| self.sessions.get(id))
                .filter(|s| s.reader_token.is_none() && s.totals.is_counted())
                .collect::<Vec<_>>()
        } else {
            list(&ix.sessions_by_reader, token)
                .iter()
                .filter_map(|id| self.sessions.get(id))
                .filter(|s| s.totals.is_counted())
                .collect()
        };
        let children: Vec<ForwardNode> = if depth < MAX_DEPTH {
            list(&ix.children, token)
                .iter()
                .filter_map(|c| self.forward_node(c, false, depth + 1))
                .collect()
        } else {
            Vec::new()
        };
        if own_views.is_empty() && children.is_empty() {
            return None;
        }
        Some(ForwardNode {
            reader: self.reader_of(share).map(|c| c.name.clone()),
            views: own_views.len() as u32,
            visible_ms: own_views.iter().map(|s| s.totals.visible_ms).sum(),
            children,
        })
    }

    /// Every content item's figures over the caller's team's links (an agent's are
    /// all zero), best first by `by`.
    pub fn content_ranking(&self, caller: &Caller, by: Ranking) -> Vec<ContentStats> {
        let list = self
            .contents_newest_first()
            .into_iter()
            .map(|c| {
                let target = ShareTarget::Content(c.id.clone());
                analytics::stats(c, &self.readings(caller, &target))
            })
            .collect();
        analytics::rank(list, by)
    }

    /// Counted sessions on the links of the staff the caller covers, most recent first.
    pub fn radar(&self, caller: &Caller, limit: usize) -> StoreResult<Vec<RadarItem>> {
        if !caller.may(Action::SeeRadar) {
            return Err(StoreError::Forbidden(Action::SeeRadar));
        }
        let mut sessions = self.counted_sessions(caller);
        sessions.sort_by_key(|s| std::cmp::Reverse(s.last_seen_at));
        Ok(sessions
            .iter()
            .take(limit)
            .filter_map(|s| self.radar_item(&s.id))
            .collect())
    }

    /// Counted views (link previewers and bots left out) of links `caller` covers.
    fn counted_sessions(&self, caller: &Caller) -> Vec<&ViewSession> {
        self.sessions
            .values()
            .filter(|s| s.totals.is_counted())
            .filter(|s| {
                self.shares
                    .get(&s.share_token)
                    .is_some_and(|share| caller.covers(Some(&share.rep_id)))
            })
            .collect()
    }

    /// Every touchpoint of a contact: views through their links, readers of what
    /// they forwarded, and their conversations on every channel; newest first.
    pub fn timeline(&self, caller: &Caller, contact_id: &str) -> StoreResult<Vec<Activity>> {
        self.visible_contact(caller, contact_id)?;
        let ix = self.ix();
        let sessions_of = |tokens: &[String]| -> Vec<RadarItem> {
            tokens
                .iter()
                .flat_map(|t| list(&ix.sessions_by_share, t))
                .filter(|id| {
                    self.sessions
                        .get(*id)
                        .is_some_and(|s| s.totals.is_counted())
                })
                .filter_map(|id| self.radar_item(id))
                .collect()
        };
        let mut out = Vec::new();
        for token in list(&ix.shares_by_contact, contact_id) {
            // Their own link (left details): others reading it are forwards.
            let own_link = self.shares.get(token).is_some_and(|s| s.parent.is_some());
            let here = sessions_of(std::slice::from_ref(token));
            let (views, mut forwards) = if own_link {
                (Vec::new(), here)
            } else {
                (here, Vec::new())
            };
            forwards.extend(sessions_of(list(&ix.children, token)));
            let by_reader = list(&ix.sessions_by_reader, token)
                .iter()
                .filter(|id| {
                    self.sessions
                        .get(*id)
                        .is_some_and(|s| s.totals.is_counted())
                })
                .filter_map(|id| self.radar_item(id));
            // A rep or manager sees the readings of their team's links; support sees the
            // whole story of the customers in their inbox (DESIGN: "beside the
            // conversation"), though no radar.
            let on_radar = |item: &RadarItem| {
                caller.role == crate::people::Role::Agent || caller.covers(Some(&item.rep_id))
            };
            out.extend(
                views
                    .into_iter()
                    .chain(by_reader)
                    .filter(on_radar)
                    .map(|item| Activity::View { at: item.at, item }),
            );
            out.extend(
                forwards
                    .into_iter()
                    .filter(on_radar)
                    .map(|item| Activity::Forwarded { at: item.at, item }),
            );
        }
        out.extend(
            list(&ix.conversations_by_contact, contact_id)
                .iter()
                .filter_map(|id| self.conversations.get(id))
                .filter(|v| self.sees_conversation(caller, v))
                .map(|v| Activity::Conversation {
                    at: v.last_message_at,
                    conversation: v.clone(),
                }),
        );
        out.sort_by_key(|a| std::cmp::Reverse(a.at()));
        Ok(out)
    }

    pub fn list_conversations(
        &self,
        caller: &Caller,
        q: &ConversationQuery,
        now: DateTime<Utc>,
    ) -> ConversationPage {
        let me = caller.user_id.as_str();
        let text = q
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_lowercase);
        let mut by_status = StatusCounts::default();
        let mut list: Vec<&Conversation> = self
            .conversations
            .values()
            .filter(|v| self.sees_conversation(caller, v))
            .filter(|v| match q.assignee {
                AssigneeFilter::All => true,
                AssigneeFilter::Mine => v.assignee_id.as_deref() == Some(me),
                AssigneeFilter::Unassigned => v.assignee_id.is_none(),
            })
            .filter(|v| q.channel.is_none_or(|c| v.channel == c))
            .filter(|v| q.label.as_ref().is_none_or(|l| v.labels.contains(l)))
            .filter(|v| {
                text.as_ref().is_none_or(|t| {
                    v.last_preview.to_lowercase().contains(t)
                        || self
                            .contacts
                            .get(&v.contact_id)
                            .is_some_and(|c| c.name.to_lowercase().contains(t))
                })
            })
            // Every tab's count under the other filters, in the same pass.
            .filter(|v| {
                let status = v.status.effective(now);
                by_status.count(status);
                q.status.matches(status)
            })
            .collect();
        list.sort_by(|a, b| q.sort.compare(a, b));
        let unread = list.iter().map(|v| v.unread).sum();
        let mut page = paginate(list, q.cursor.as_deref(), q.limit);
        for v in &mut page.items {
            v.contact_name = self
                .contacts
                .get(&v.contact_id)
                .map(|c| c.name.clone())
                .unwrap_or_default();
        }
        ConversationPage {
            page,
            unread,
            by_status,
        }
    }

    fn contact(&self, id: &str) -> StoreResult<&Contact> {
        self.contacts.get(id).ok_or(StoreError::NotFound("contact"))
    }

    /// A contact as `caller` may see it; outside their scope it is not found.
    pub fn visible_contact(&self, caller: &Caller, id: &str) -> StoreResult<&Contact> {
        self.contact(id)
            .ok()
            .filter(|c| self.sees_contact(caller, c))
            .ok_or(StoreError::NotFound("contact"))
    }

    /// A contact is seen by their owner's team, and with the conversations the caller
    /// sees (an agent's inbox, a conversation assigned to a rep).
    fn sees_contact(&self, caller: &Caller, c: &Contact) -> bool {
        let conversations = list(&self.ix().conversations_by_contact, &c.id);
        caller.sees_contact(c.owner_id.as_deref(), !conversations.is_empty())
            || conversations
                .iter()
                .filter_map(|v| self.conversations.get(v))
                .any(|v| v.assignee_id.is_some() && caller.covers(v.assignee_id.as_deref()))
    }

    fn sees_conversation(&self, caller: &Caller, v: &Conversation) -> bool {
        let owner = self
            .contacts
            .get(&v.contact_id)
            .and_then(|c| c.owner_id.as_deref());
        caller.sees_conversation(owner, v.assignee_id.as_deref())
    }

    /// A conversation as `caller` may see it; outside their scope it is not found.
    fn visible_conversation(&self, caller: &Caller, id: &str) -> StoreResult<&Conversation> {
        self.conversations
            .get(id)
            .filter(|v| self.sees_conversation(caller, v))
            .ok_or(StoreError::NotFound("conversation"))
    }

    /// Contacts as `caller` sees them: those in their scope, leaving out those
    /// merged into another.
    pub fn contacts_for(&self, caller: &Caller) -> Vec<Contact> {
        self.contacts
            .values()
            .filter(|c| c.merged.is_none() && self.sees_contact(caller, c))
            .cloned()
            .collect()
    }

    /// Merges `other_id` into `keep_id` (the same person on two channels): `keep`
    /// takes the other's identities, details it lacks and interests; the other's
    /// conversations and links move to it. The other stays, marked merged, with what
    /// moved, so [`Db::unmerge_contact`] can undo it. Returns the kept contact.
    pub fn merge_contacts(
        &mut self,
        caller: &Caller,
        keep_id: &str,
        other_id: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Contact> {
        let owners = (
            self.visible_contact(caller, keep_id)?.owner_id.clone(),
            self.visible_contact(caller, other_id)?.owner_id.clone(),
        );
        if !caller.merges(owners.0.as_deref(), owners.1.as_deref()) {
            return Err(StoreError::Forbidden(Action::MergeContacts));
        }
        let live = |id: &str| {
            self.contacts
                .get(id)
                .filter(|c| c.merged.is_none())
                .cloned()
        };
        let (Some(keep), Some(other)) = (live(keep_id), live(other_id)) else {
            return Err(StoreError::NotFound("contact"));
        };
        if keep_id == other_id {
            let mut e = FieldErrors::default();
            e.check("other_id", Err(crate::validate::FieldProblem::Range));
            return Err(e.into());
        }
        let conversations = self.move_conversations(
            self.conversations
                .values()
                .filter(|v| v.contact_id == other_id)
                .map(|v| v.id.clone())
                .collect(),
            keep_id,
        );
        let shares = self.move_shares(
            self.shares
                .values()
                .filter(|s| s.contact_id.as_deref() == Some(other_id))
                .map(|s| s.token.clone())
                .collect(),
            keep_id,
        );
        let mut kept = keep.clone();
        kept.absorb(&other);
        // Merged, it is a customer the rep confirmed: details left again on a link it
        // was captured on no longer change it, and it is no longer "probably" the other.
        kept.lead_link = None;
        if kept.probably_same_as.as_deref() == Some(other_id) {
            kept.probably_same_as = None;
        }
        self.contacts.insert(keep_id.to_owned(), kept);
        if let Some(c) = self.contacts.get_mut(other_id) {
            c.merged = Some(Box::new(crate::contact::Merged {
                into: keep_id.to_owned(),
                at: now,
                kept_before: keep,
                conversations,
                shares,
            }));
        }
        self.index = OnceLock::new();
        self.touch(Change::Contact(other_id.to_owned()));
        self.refresh_contact(keep_id, now);
        self.contact(keep_id).cloned()
    }

    /// Undoes the merge of `other_id`: both contacts as they were before it, and
    /// what moved moves back. Returns the restored contact.
    pub fn unmerge_contact(
        &mut self,
        caller: &Caller,
        other_id: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Contact> {
        let other = self.visible_contact(caller, other_id)?;
        let into = other.merged.as_ref().map(|m| m.into.clone());
        let into_owner = match into {
            Some(into) => self.visible_contact(caller, &into)?.owner_id.clone(),
            None => return Err(StoreError::NotFound("merge")),
        };
        if !caller.merges(other.owner_id.as_deref(), into_owner.as_deref()) {
            return Err(StoreError::Forbidden(Action::MergeContacts));
        }
        let merged = self
            .contacts
            .get_mut(other_id)
            .and_then(|c| c.merged.take())
            .ok_or(StoreError::NotFound("merge"))?;
        let crate::contact::Merged {
            into,
            kept_before,
            conversations,
            shares,
            ..
        } = *merged;
        // Only what is still where the merge put it moves back.
        let conversations = conversations
            .into_iter()
            .filter(|id| {
                self.conversations
                    .get(id)
                    .is_some_and(|v| v.contact_id == into)
            })
            .collect();
        self.move_conversations(conversations, other_id);
        let shares = shares
            .into_iter()
            .filter(|t| {
                self.shares
                    .get(t)
                    .is_some_and(|s| s.contact_id.as_deref() == Some(&into))
            })
            .collect();
        self.move_shares(shares, other_id);
        self.contacts.insert(into.clone(), kept_before);
        self.index = OnceLock::new();
        self.touch(Change::Contact(into.clone()));
        self.refresh_contact(&into, now);
        self.refresh_contact(other_id, now);
        self.contact(other_id).cloned()
    }

    /// The rep says contact `id` is not the customer it was suggested to be the same
    /// person as: the suggestion goes, and that customer is not suggested for it
    /// again. As merging: an admin, or the contact's owner. Returns the contact.
    pub fn not_same_person(&mut self, caller: &Caller, id: &str) -> StoreResult<Contact> {
        let owner = self.visible_contact(caller, id)?.owner_id.clone();
        if !caller.merges(owner.as_deref(), owner.as_deref()) {
            return Err(StoreError::Forbidden(Action::MergeContacts));
        }
        let dismissed = self.contacts.get_mut(id).and_then(|c| {
            let other = c.probably_same_as.take()?;
            if !c.not_same_as.contains(&other) {
                c.not_same_as.push(other);
            }
            Some(())
        });
        if dismissed.is_some() {
            self.touch(Change::Contact(id.to_owned()));
        }
        self.contact(id).cloned()
    }

    fn move_conversations(&mut self, ids: Vec<String>, to: &str) -> Vec<String> {
        for id in &ids {
            if let Some(v) = self.conversations.get_mut(id) {
                v.contact_id = to.to_owned();
            }
            self.changes.push(Change::Conversation(id.clone()));
        }
        ids
    }

    fn move_shares(&mut self, tokens: Vec<String>, to: &str) -> Vec<String> {
        for token in &tokens {
            if let Some(s) = self.shares.get_mut(token) {
                s.contact_id = Some(to.to_owned());
            }
            self.changes.push(Change::Share(token.clone()));
        }
        tokens
    }

    pub fn messages_page(
        &self,
        caller: &Caller,
        conversation_id: &str,
        cursor: Option<&str>,
        limit: Option<usize>,
    ) -> StoreResult<Page<Message>> {
        self.visible_conversation(caller, conversation_id)?;
        let all = self
            .messages
            .get(conversation_id)
            .ok_or(StoreError::NotFound("conversation"))?;
        // Newest first, so the first page is what the agent reads first.
        Ok(paginate(all.iter().rev().collect(), cursor, limit))
    }

    /// Staff reply or note. The same idempotency key twice returns the first message.
    pub fn send_message(
        &mut self,
        caller: &Caller,
        conversation_id: &str,
        new: NewMessage,
        id: String,
        now: DateTime<Utc>,
    ) -> StoreResult<(Conversation, Message)> {
        self.visible_conversation(caller, conversation_id)?;
        let author_id = caller.user_id.as_str();
        validate_message(&new.body, &new.attachments)?;
        let direction = if new.note {
            Direction::Note
        } else {
            Direction::Outbound
        };
        self.append(
            conversation_id,
            direction,
            Some(author_id.to_owned()),
            new.body,
            new.attachments,
            new.idempotency_key,
            id,
            now,
        )
    }

    /// A customer message from a channel: finds or creates the contact (by identity)
    /// and their open conversation on that channel.
    pub fn inbound(
        &mut self,
        channel: Channel,
        msg: InboundMessage,
        ids: [String; 3],
        now: DateTime<Utc>,
    ) -> StoreResult<(Conversation, Message)> {
        self.inbound_for(channel, msg, ids, None, now)
    }

    /// [`Db::inbound`], where a customer not known yet becomes `owner`'s (the rep
    /// whose link they wrote from) rather than waiting unowned.
    fn inbound_for(
        &mut self,
        channel: Channel,
        msg: InboundMessage,
        ids: [String; 3],
        owner: Option<String>,
        now: DateTime<Utc>,
    ) -> StoreResult<(Conversation, Message)> {
        validate_message(&msg.body, &msg.attachments)?;
        let mut e = FieldErrors::default();
        e.check("handle", crate::validate::required(&msg.handle, 200))
            .check("name", crate::validate::max_len(&msg.name, 80));
        e.into_result()?;
        let [contact_id, conversation_id, message_id] = ids;
        let identity = Identity {
            channel,
            handle: msg.handle.clone(),
        };
        let contact_id = match self
            .contacts
            .values()
            .find(|c| c.merged.is_none() && c.identities.contains(&identity))
        {
            Some(c) => c.id.clone(),
            None => {
                self.contacts.insert(
                    contact_id.clone(),
                    Contact {
                        id: contact_id.clone(),
                        name: if msg.name.trim().is_empty() {
                            msg.handle.clone()
                        } else {
                            msg.name.clone()
                        },
                        company: String::new(),
                        phone: String::new(),
                        email: if channel == Channel::Email {
                            msg.handle.clone()
                        } else {
                            String::new()
                        },
                        wechat_id: String::new(),
                        identities: vec![identity],
                        owner_id: owner,
                        interests: BTreeMap::new(),
                        intent: 0,
                        last_seen_at: Some(now),
                        created_at: now,
                        merged: None,
                        lead_link: None,
                        probably_same_as: None,
                        not_same_as: Vec::new(),
                    },
                );
                contact_id
            }
        };
        let existing = list(&self.ix().conversations_by_contact, &contact_id)
            .iter()
            .filter_map(|id| self.conversations.get(id))
            .filter(|v| v.channel == channel)
            .max_by_key(|v| v.last_message_at)
            .map(|v| v.id.clone());
        let conversation_id = match existing {
            Some(id) => id,
            None => {
                let intent = self.contacts.get(&contact_id).map_or(0, |c| c.intent);
                if let Some(ix) = self.index.get_mut() {
                    push(
                        &mut ix.conversations_by_contact,
                        &contact_id,
                        &conversation_id,
                    );
                }
                self.conversations.insert(
                    conversation_id.clone(),
                    Conversation {
                        id: conversation_id.clone(),
                        contact_id: contact_id.clone(),
                        channel,
                        status: ConversationStatus::Open,
                        assignee_id: None,
                        labels: vec![],
                        context: msg.context.clone(),
                        last_message_at: now,
                        last_preview: String::new(),
                        unread: 0,
                        intent,
                        contact_name: String::new(),
                        created_at: now,
                    },
                );
                self.messages.insert(conversation_id.clone(), Vec::new());
                conversation_id
            }
        };
        let out = self.append(
            &conversation_id,
            Direction::Inbound,
            None,
            msg.body,
            msg.attachments,
            msg.idempotency_key,
            message_id,
            now,
        )?;
        self.refresh_contact(&contact_id, now);
        Ok((self.conversations[&conversation_id].clone(), out.1))
    }

    /// A customer's message from a card or content page (keyed by its share token):
    /// delivered as web chat with what they were looking at as context.
    /// Changes how a conversation is handled: status (a snooze must end in the
    /// future), assignee (a staff member or nobody), labels, read.
    pub fn update_conversation(
        &mut self,
        caller: &Caller,
        id: &str,
        update: ConversationUpdate,
        now: DateTime<Utc>,
    ) -> StoreResult<Conversation> {
        const MAX_LABELS: usize = 10;
        self.visible_conversation(caller, id)?;
        let mut e = FieldErrors::default();
        if let Some(ConversationStatus::Snoozed { until }) = update.status {
            e.check(
                "status.until",
                if until > now {
                    Ok(())
                } else {
                    Err(crate::validate::FieldProblem::Range)
                },
            );
        }
        if let Some(Some(user)) = &update.assignee_id {
            e.check(
                "assignee_id",
                if self.users.iter().any(|u| &u.id == user && u.active) {
                    Ok(())
                } else {
                    Err(crate::validate::FieldProblem::Range)
                },
            );
        }
        if let Some(labels) = &update.labels {
            e.check(
                "labels",
                if labels.len() <= MAX_LABELS
                    && labels
                        .iter()
                        .all(|l| !l.trim().is_empty() && l.chars().count() <= 30)
                {
                    Ok(())
                } else {
                    Err(crate::validate::FieldProblem::Range)
                },
            );
        }
        e.into_result()?;
        let v = self
            .conversations
            .get_mut(id)
            .ok_or(StoreError::NotFound("conversation"))?;
        if let Some(status) = update.status {
            v.status = status;
        }
        if let Some(assignee) = update.assignee_id {
            v.assignee_id = assignee;
        }
        if let Some(labels) = update.labels {
            v.labels = labels.into_iter().map(|l| l.trim().to_owned()).collect();
        }
        if update.read {
            v.unread = 0;
        }
        let v = v.clone();
        self.touch(Change::Conversation(id.to_owned()));
        Ok(v)
    }

    /// What a web-chat visitor (`handle`, random per browser) sees of their
    /// conversation: their messages and staff replies, oldest first, never notes.
    pub fn visitor_messages(&self, token: &str, handle: &str) -> StoreResult<Vec<Message>> {
        const LAST: usize = 100;
        if !self.shares.contains_key(token) {
            return Err(StoreError::NotFound("share"));
        }
        let identity = Identity {
            channel: Channel::WebChat,
            handle: handle.to_owned(),
        };
        let Some(contact) = self
            .contacts
            .values()
            .find(|c| c.merged.is_none() && c.identities.contains(&identity))
        else {
            return Ok(Vec::new());
        };
        let conversation = list(&self.ix().conversations_by_contact, &contact.id)
            .iter()
            .filter_map(|id| self.conversations.get(id))
            .filter(|v| v.channel == Channel::WebChat)
            .max_by_key(|v| v.last_message_at);
        let Some(conversation) = conversation else {
            return Ok(Vec::new());
        };
        // Staff replies reach the customer without who wrote them or their keys.
        let seen: Vec<Message> = self
            .messages
            .get(&conversation.id)
            .into_iter()
            .flatten()
            .filter(|m| m.direction != Direction::Note)
            .map(|m| Message {
                author_id: None,
                idempotency_key: if m.direction == Direction::Inbound {
                    m.idempotency_key.clone()
                } else {
                    String::new()
                },
                ..m.clone()
            })
            .collect();
        Ok(seen[seen.len().saturating_sub(LAST)..].to_vec())
    }

    pub fn web_chat(
        &mut self,
        token: &str,
        msg: InboundMessage,
        ids: [String; 3],
        now: DateTime<Utc>,
    ) -> StoreResult<(Conversation, Message)> {
        let share = self
            .shares
            .get(token)
            .ok_or(StoreError::NotFound("share"))?;
        let msg = InboundMessage {
            context: Some(share.target.clone()),
            ..msg
        };
        let owner = Some(share.rep_id.clone());
        self.inbound_for(Channel::WebChat, msg, ids, owner, now)
    }

    #[allow(clippy::too_many_arguments)]
    fn append(
        &mut self,
        conversation_id: &str,
        direction: Direction,
        author_id: Option<String>,
        body: String,
        attachments: Vec<crate::inbox::Attachment>,
        key: String,
        id: String,
        now: DateTime<Utc>,
    ) -> StoreResult<(Conversation, Message)> {
        let messages = self.messages.entry(conversation_id.to_owned()).or_default();
        if let Some(done) = messages.iter().find(|m| m.idempotency_key == key) {
            let done = done.clone();
            return Ok((self.conversations[conversation_id].clone(), done));
        }
        let message = Message {
            id,
            conversation_id: conversation_id.to_owned(),
            direction,
            author_id,
            body,
            attachments,
            created_at: now,
            idempotency_key: key,
        };
        messages.push(message.clone());
        self.changes.push(Change::Message {
            conversation_id: conversation_id.to_owned(),
            id: message.id.clone(),
        });
        self.changes
            .push(Change::Conversation(conversation_id.to_owned()));
        let v = self
            .conversations
            .get_mut(conversation_id)
            .ok_or(StoreError::NotFound("conversation"))?;
        if direction != Direction::Note {
            v.last_message_at = now;
            v.last_preview = message.body.chars().take(80).collect();
        }
        match direction {
            Direction::Inbound => {
                v.unread += 1;
                // A customer writing again wakes a resolved or snoozed conversation.
                v.status = ConversationStatus::Open;
            }
            Direction::Outbound => v.unread = 0,
            Direction::Note => {}
        }
        Ok((v.clone(), message))
    }
}

/// Cursor pagination over an already ordered list: the cursor is the offset, opaque
/// to clients. A malformed cursor restarts from the top rather than failing.
fn paginate<T: Clone>(list: Vec<&T>, cursor: Option<&str>, limit: Option<usize>) -> Page<T> {
    let limit = limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
    let start = cursor
        .and_then(|c| c.parse::<usize>().ok())
        .unwrap_or(0)
        .min(list.len());
    let end = (start + limit).min(list.len());
    Page {
        items: list[start..end].iter().map(|t| (*t).clone()).collect(),
        next_cursor: (end < list.len()).then(|| end.to_string()),
        total: list.len(),
    }
}

#[cfg(test)]
mod tests {
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
                update(
                    r#"{"assignee_id": "u-zhaomin", "labels": ["VIP", " 报价 "], "read": true}"#,
                ),
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
                    c.merged.is_none()
                        && !c.phone.is_empty()
                        && db.sees_contact(&wanglei, c) == mine
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
        assert!(
            timeline
                .iter()
                .any(|a| matches!(a, Activity::Conversation { conversation, .. } if conversation.id == "v-new"))
        );
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
}
