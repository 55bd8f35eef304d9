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
use std::sync::Arc;

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
                let mut db = tenant.lock();
                let held = db.hold_views(std::mem::take(&mut fetched));
                let more = needs(&db).without(&asked);
                if more.is_empty() {
                    let writers = std::mem::take(&mut db.messages);
                    db.add_messages(std::mem::take(&mut messages));
                    let out = f(&db);
                    db.messages = writers;
                    db.let_go(&held);
                    return Ok(out?);
                }
                fetched = db.let_go(&held);
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
