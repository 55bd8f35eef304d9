//! Records as a persistent backend stores them, the changes an operation leaves
//! for it to write, and how records written elsewhere are put back.

use super::Db;
use super::index::{push, unlist};
use crate::adapter::ChannelKey;
use crate::contact::Contact;
use crate::content::Content;
use crate::crm::{LogEntry, Task};
use crate::deals::Deal;
use crate::inbox::{CannedReply, Conversation, Message};
use crate::people::{Card, User};
use crate::share::Share;
use crate::team::Organization;
use crate::tracking::ViewSession;
use serde::{Deserialize, Serialize};

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
    pub(super) fn link_moves(&self, r: &Share) -> bool {
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

    pub(super) fn touch(&mut self, change: Change) {
        // What a contact's views add up to follows the links, contents and views:
        // one of those changed under a counted view, the sums are walked again when
        // next needed.
        if self.moves_sums(&change) {
            self.forget_sums();
        }
        self.changes.push(change);
    }
}
