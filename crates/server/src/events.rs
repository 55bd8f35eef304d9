//! Real-time events for staff (SSE): the organization's committed events, each to
//! those who may see it, from the event log while a stream catches up and from the
//! relay's announcements once it has.

use crate::error::ApiResult;
use crate::extract::{Query, Staff};
use crate::{Logged, Shared, Tenant};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{self, KeepAlive, Sse};
use chrono::Utc;
use lianjie_core::api::Event;
use serde::Deserialize;
use std::collections::VecDeque;
use std::convert::Infallible;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
use tokio_stream::{Stream, StreamExt};

/// Most events read from the log at a time.
const LOG_PAGE: i64 = 1000;

/// How often an open event stream checks that its session is still live, when no
/// event came to check it on.
const SESSION_RECHECK: std::time::Duration = std::time::Duration::from_secs(30);

#[derive(Deserialize)]
pub struct EventsQuery {
    last_event_id: Option<i64>,
}

/// Whether staff member `user_id` of `tenant` may be told of `event` now: checked
/// per event, so a role change or a deactivation applies to a stream already open.
fn may_see(tenant: &Tenant, user_id: &str, event: &Event) -> bool {
    let db = tenant.lock();
    db.caller(user_id)
        .is_ok_and(|caller| db.may_see_event(&caller, event))
}

/// One stream's events, in order, each once.
struct Feed {
    shared: Shared,
    org: String,
    /// The newest event passed on: the next comes after it.
    newest: i64,
    /// Reading the log, page by page, until a page is not full: at the start (a
    /// resume may be thousands of events behind), and after falling behind the
    /// announcements (the relay's channel holds 1,024 for all streams).
    catching_up: bool,
    pending: VecDeque<(i64, Event)>,
    /// Counts the log's pages read and the live events taken: events of one read
    /// share a number (see [`Feed::next`]).
    read: u64,
    /// Subscribed before the first read of the log, so nothing falls between.
    live: BroadcastStream<Logged>,
}

impl Feed {
    /// The organization's next event, with the number of the read it came in (the
    /// session is checked once a read: a page of the log is read at one moment);
    /// `None` ends the stream (the log could not be read: the browser reconnects from
    /// the last id it got).
    async fn next(&mut self) -> Option<(u64, i64, Event)> {
        loop {
            if let Some((id, event)) = self.pending.pop_front() {
                return Some((self.read, id, event));
            }
            if self.catching_up {
                let page = self
                    .shared
                    .storage
                    .events_after(&self.org, self.newest, LOG_PAGE)
                    .await
                    .inspect_err(|e| eprintln!("event stream: {e}"))
                    .ok()?;
                self.catching_up = page.len() as i64 == LOG_PAGE;
                self.read += 1;
                if let Some((id, _)) = page.last() {
                    self.newest = *id;
                }
                self.pending.extend(page);
                continue;
            }
            match self.live.next().await? {
                Ok((id, org, event)) if id > self.newest && org == self.org => {
                    self.newest = id;
                    self.read += 1;
                    return Some((self.read, id, event));
                }
                Ok(_) => {}
                Err(BroadcastStreamRecvError::Lagged(_)) => self.catching_up = true,
            }
        }
    }
}

/// Real-time events for staff: their organization's, and of those only what they
/// may see, for as long as their session lives (sign-out, a password change, an
/// ended session or expiry close the stream). A stream opened with `Last-Event-ID`
/// (or `?last_event_id=`) first gets every event after it from the log, however
/// many, then live ones, each once; without, it starts from the newest event
/// announced.
pub async fn events(
    State(s): State<Shared>,
    staff: Staff,
    headers: HeaderMap,
    Query(q): Query<EventsQuery>,
) -> ApiResult<Sse<impl Stream<Item = Result<sse::Event, Infallible>>>> {
    let last = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .or(q.last_event_id);
    // Read before subscribing: what is announced in between is in the log.
    let newest = last.unwrap_or_else(|| staff.tenant.announced());
    let live = BroadcastStream::new(s.events.subscribe());
    let mut feed = Feed {
        shared: s.clone(),
        org: staff.tenant.id.clone(),
        newest,
        catching_up: true,
        pending: VecDeque::new(),
        read: 0,
        live,
    };
    let (out, stream) = tokio::sync::mpsc::channel(64);
    tokio::spawn(async move {
        let session_live = || async {
            s.storage
                .session_live(&staff.session_id, Utc::now())
                .await
                .unwrap_or(false)
        };
        let mut recheck = tokio::time::interval(SESSION_RECHECK);
        // The read whose events the session was last checked for: a catch-up of
        // thousands of events asks once a page, not once an event.
        let mut checked = None;
        loop {
            tokio::select! {
                next = feed.next() => {
                    let Some((read, id, event)) = next else { break };
                    if checked != Some(read) {
                        if !session_live().await {
                            break;
                        }
                        checked = Some(read);
                    }
                    if !may_see(&staff.tenant, &staff.user.id, &event) {
                        continue;
                    }
                    let sent = sse::Event::default()
                        .id(id.to_string())
                        .data(serde_json::to_string(&event).unwrap_or_default());
                    if out.send(Ok(sent)).await.is_err() {
                        break;
                    }
                }
                _ = recheck.tick() => {
                    if !session_live().await {
                        break;
                    }
                }
            }
        }
    });
    let stream = tokio_stream::wrappers::ReceiverStream::new(stream);
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}
