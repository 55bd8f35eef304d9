//! The views a request reads, held only while it runs: the server's copy keeps the
//! views' running tallies, not the views (docs/server-memory.md). Each request names
//! its views with core's `views_for_*` functions, asked again of the copy holding
//! what they named so far until they name nothing more; reads fetch them as the
//! copy counted them, writes inside the commit that writes them (`writer.rs`).

use crate::error::ApiResult;
use crate::{AppState, Tenant};
use chrono::{DateTime, Utc};
use lianjie_core::api::Event;
use lianjie_core::channel::Channel;
use lianjie_core::inbox::Message;
use lianjie_core::store::{Db, StoreResult, ViewKeys};
use lianjie_core::tracking::ViewSession;
use std::collections::BTreeMap;
use std::sync::{Arc, MutexGuard};

/// The views an operation reads, named by the copy at the time it will run.
pub(crate) type ViewsNeeded = Box<dyn Fn(&Db, DateTime<Utc>) -> ViewKeys + Send + Sync>;

/// What a customer's message from `handle` on `channel` (in conversation `thread`,
/// when given) reads of the views: their intent's (`Db::views_for_inbound`).
pub(crate) fn inbound(
    channel: Channel,
    handle: &str,
    thread: Option<String>,
) -> impl Fn(&Db, DateTime<Utc>) -> ViewKeys + Send + Sync + 'static {
    let handle = handle.to_owned();
    move |db, now| db.views_for_inbound(channel, &handle, thread.as_deref(), now)
}

/// The copy with a read's views and messages held: let go again however the read
/// ends (a panic too, or the writer would take them for its own).
struct Taken<'a> {
    db: MutexGuard<'a, Db>,
    held: Vec<String>,
    /// The writer's messages, set aside while the read's are held.
    writers: Option<BTreeMap<String, Vec<Message>>>,
}

impl<'a> Taken<'a> {
    fn new(mut db: MutexGuard<'a, Db>, views: Vec<ViewSession>) -> Taken<'a> {
        let held = db.hold_views(views);
        Taken {
            db,
            held,
            writers: None,
        }
    }

    /// Lets the views go now, giving them back.
    fn give_back(&mut self) -> Vec<ViewSession> {
        let held = std::mem::take(&mut self.held);
        self.db.let_go(&held)
    }
}

impl Drop for Taken<'_> {
    fn drop(&mut self) {
        self.give_back();
        if let Some(writers) = self.writers.take() {
            self.db.messages = writers;
        }
    }
}

impl AppState {
    /// Runs read `f` on the copy holding the views `needs` names, beside those the
    /// writer holds between its operations (which stay as they are), and
    /// `messages` (the writer's are set aside meanwhile); lets them go again
    /// before anything else runs.
    pub(crate) async fn read_views<T>(
        &self,
        tenant: &Tenant,
        mut messages: Vec<Message>,
        needs: impl Fn(&Db) -> ViewKeys,
        f: impl FnOnce(&Db) -> StoreResult<T>,
    ) -> ApiResult<T> {
        let mut fetched = Vec::new();
        let mut asked = ViewKeys::default();
        loop {
            let (more, known) = {
                let mut taken = Taken::new(tenant.lock(), std::mem::take(&mut fetched));
                let more = needs(&taken.db).without(&asked);
                if more.is_empty() {
                    taken.writers = Some(std::mem::take(&mut taken.db.messages));
                    taken.db.add_messages(std::mem::take(&mut messages));
                    return Ok(f(&taken.db)?);
                }
                fetched = taken.give_back();
                (more, tenant.version())
            };
            let storage = &self.storage;
            let found = match storage.views_as_of(&tenant.id, &more, Some(known)).await? {
                Some(found) => found,
                // The copy is further behind than the priors kept: as stored.
                None => (storage.views_as_of(&tenant.id, &more, None).await?).unwrap_or_default(),
            };
            fetched.extend(found.into_iter().map(|v| v.view));
            asked.extend(more);
        }
    }

    /// [`AppState::mutate`] for an operation that reads the views `needs` names.
    pub(crate) async fn mutate_viewing<T: Send + 'static>(
        &self,
        tenant: &Arc<Tenant>,
        needs: impl Fn(&Db, DateTime<Utc>) -> ViewKeys + Send + Sync + 'static,
        op: impl FnOnce(&mut Db, DateTime<Utc>) -> StoreResult<T> + Send + 'static,
        event: impl FnOnce(&T) -> Option<Event> + Send + 'static,
    ) -> ApiResult<T> {
        self.mutate_keyed(tenant, Vec::new(), Some(Box::new(needs)), op, event)
            .await
    }

    /// [`AppState::add_message`] for an operation that also reads the views
    /// `needs` names (a customer's message: their intent).
    pub(crate) async fn add_message_viewing<T: Send + 'static>(
        &self,
        tenant: &Arc<Tenant>,
        key: String,
        needs: impl Fn(&Db, DateTime<Utc>) -> ViewKeys + Send + Sync + 'static,
        op: impl FnOnce(&mut Db, DateTime<Utc>) -> StoreResult<T> + Send + 'static,
        event: impl FnOnce(&T) -> Option<Event> + Send + 'static,
    ) -> ApiResult<T> {
        self.mutate_keyed(tenant, vec![key], Some(Box::new(needs)), op, event)
            .await
    }
}
