//! The inbox's first page as this browser last showed it, with who it was shown to,
//! kept in localStorage: a cold start shows it at once, before every conversation
//! and contact has loaded from IndexedDB, then reads it all again from the loaded
//! data. Any write drops it, so it is never older than the stored data it was read
//! from; a page answered from the loaded data keeps it again.

use lianjie_core::api::{ConversationPage, ConversationQuery};
use lianjie_core::contact::Contact;
use lianjie_core::inbox::CannedReply;
use lianjie_core::people::User;
use lianjie_core::team::Organization;
use serde::{Deserialize, Serialize};

/// Who the page was shown to, in what organization, beside which colleagues, with
/// the canned replies: what the workbench and the inbox know before they show it.
#[derive(Clone, Serialize, Deserialize)]
pub(super) struct Known {
    pub user: User,
    pub org: Organization,
    pub users: Vec<User>,
    pub canned: Vec<CannedReply>,
}

#[derive(Serialize, Deserialize)]
struct Shown {
    /// The staff member this browser acted as.
    me: String,
    known: Known,
    query: ConversationQuery,
    page: ConversationPage,
    /// The customers of the page's conversations (the inbox's sidebar).
    contacts: Vec<Contact>,
}

pub(super) struct InboxSummary {
    key: String,
}

impl InboxSummary {
    /// The summary of the database `name`.
    pub(super) fn of(name: &str) -> InboxSummary {
        InboxSummary {
            key: format!("{}{name}.inbox", super::CHANNEL_PREFIX),
        }
    }

    fn shown(&self, me: &str) -> Option<Shown> {
        let shown: Shown = crate::api::read_stored(&self.key)?;
        (shown.me == me).then_some(shown)
    }

    /// The first page last shown to `me` for `query`, if that is the one kept.
    pub(super) fn page(&self, me: &str, query: &ConversationQuery) -> Option<ConversationPage> {
        let shown = self.shown(me)?;
        (&shown.query == query && query.cursor.is_none()).then_some(shown.page)
    }

    /// Whether conversation `id` was on the page kept for `me` (they saw it there).
    pub(super) fn lists(&self, me: &str, id: &str) -> bool {
        self.shown(me)
            .is_some_and(|shown| shown.page.page.items.iter().any(|v| v.id == id))
    }

    /// Customer `id` of a conversation on the page kept for `me`.
    pub(super) fn contact(&self, me: &str, id: &str) -> Option<Contact> {
        self.shown(me)?.contacts.into_iter().find(|c| c.id == id)
    }

    /// Who `me` was when the kept page was shown to them.
    pub(super) fn known(&self, me: &str) -> Option<Known> {
        self.shown(me).map(|shown| shown.known)
    }

    /// Keeps `page`, the first page of `query` as `me` was just shown it.
    pub(super) fn keep(
        &self,
        me: &str,
        known: Known,
        query: &ConversationQuery,
        page: &ConversationPage,
        contacts: Vec<Contact>,
    ) {
        if query.cursor.is_some() {
            return;
        }
        crate::api::write_stored(
            &self.key,
            &Shown {
                me: me.to_owned(),
                known,
                query: query.clone(),
                page: page.clone(),
                contacts,
            },
        );
    }

    /// Drops it: the data is changing.
    pub(super) fn forget(&self) {
        crate::api::remove_stored(&self.key);
    }
}
