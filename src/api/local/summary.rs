//! The inbox's first page as this browser last showed it, kept in localStorage: a
//! cold start shows it at once, before every conversation and contact has loaded
//! from IndexedDB, then reads it again from the loaded data. Any write drops it, so
//! it is never older than the stored data it was read from; a page answered from
//! the loaded data keeps it again.

use lianjie_core::api::{ConversationPage, ConversationQuery};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct Shown {
    /// Who it was shown to (the staff member this browser acts as).
    me: String,
    query: ConversationQuery,
    page: ConversationPage,
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

    /// The first page last shown to `me` for `query`, if that is the one kept.
    pub(super) fn page(&self, me: &str, query: &ConversationQuery) -> Option<ConversationPage> {
        let shown: Shown = crate::api::read_stored(&self.key)?;
        (shown.me == me && &shown.query == query && query.cursor.is_none()).then_some(shown.page)
    }

    /// Keeps `page`, the first page of `query` as `me` was just shown it.
    pub(super) fn keep(&self, me: &str, query: &ConversationQuery, page: &ConversationPage) {
        if query.cursor.is_some() {
            return;
        }
        crate::api::write_stored(
            &self.key,
            &Shown {
                me: me.to_owned(),
                query: query.clone(),
                page: page.clone(),
            },
        );
    }

    /// Drops it: the data is changing.
    pub(super) fn forget(&self) {
        crate::api::remove_stored(&self.key);
    }
}
