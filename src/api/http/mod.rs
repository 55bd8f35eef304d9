//! The HTTP backend: the same operations over the `/api/v1` REST contract
//! (docs/openapi.yaml), with bearer auth for staff, retries with backoff for calls
//! that are safe to repeat, and live events over SSE.

mod areas;
mod early;
mod live;
mod public;
mod query;
mod staff;

use super::{ApiFuture, ApiResult, EventHub, storage};
use crate::error::AppError;
use gloo_net::http::{Request, Response};
use lianjie_core::api::{EVENT_ID_HEADER, ErrorEnvelope};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Where the staff session token is kept between visits.
pub const TOKEN_KEY: &str = "lianjie.http.token";
/// Whether the call to `path` is a staff call, made with a session: all but those
/// under `/public/`, which anyone may make.
fn is_staff_call(path: &str) -> bool {
    !path.starts_with("/public/")
}
/// Delays before the 2nd and 3rd attempt of a repeatable call.
const BACKOFF_MS: [u32; 2] = [300, 1200];

struct Inner {
    base: String,
    token: RefCell<Option<String>>,
    hub: Rc<EventHub>,
    live: live::Live,
    /// Staff calls on their way (see [`HttpBackend::settled`]).
    on_the_way: Cell<u32>,
}

/// Counts one staff call while it is on its way, however its future ends.
struct OnTheWay<'a>(&'a Cell<u32>);

impl<'a> OnTheWay<'a> {
    fn new(count: &'a Cell<u32>) -> Self {
        count.set(count.get() + 1);
        OnTheWay(count)
    }
}

impl Drop for OnTheWay<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get().saturating_sub(1));
    }
}

#[derive(Clone)]
pub struct HttpBackend(Rc<Inner>);

/// The newest event an answer reflects, if the server said (see `live`).
fn event_id(res: &Response) -> Option<i64> {
    res.headers()
        .get(EVENT_ID_HEADER)
        .and_then(|v| v.parse::<i64>().ok())
}

/// An answer's body once the call succeeded (`null` when it has none), or the typed
/// error its envelope describes.
pub async fn body_of(res: Response) -> ApiResult<String> {
    let status = res.status();
    let text = res
        .text()
        .await
        .map_err(|e| AppError::Network(e.to_string()))?;
    if (200..300).contains(&status) {
        return Ok(if status == 204 || text.is_empty() {
            "null".to_owned()
        } else {
            text
        });
    }
    Err(error_from(status, &text))
}

/// A body read as `T`. Anything unexpected (HTML from a proxy, truncated JSON) is a
/// `Decode` error, never a panic.
pub fn parse<T: DeserializeOwned>(body: &str) -> ApiResult<T> {
    serde_json::from_str(body).map_err(|e| AppError::Decode(e.to_string()))
}

pub fn error_from(status: u16, text: &str) -> AppError {
    let envelope = serde_json::from_str::<ErrorEnvelope>(text).ok();
    match (status, envelope) {
        (401, _) => AppError::Unauthorized,
        // The role may not act at all; outside its scope the server says 404 instead.
        (403, _) => AppError::Forbidden,
        (404, _) => AppError::NotFound,
        (422, Some(e)) => AppError::Invalid(lianjie_core::validate::FieldErrors(e.error.fields)),
        (_, Some(e)) => AppError::Server(status, e.error.message),
        (_, None) => AppError::Decode(format!("HTTP {status} without an error envelope")),
    }
}

/// Whether `token` is a bearer token's characters (RFC 6750's b64token), which a
/// header can carry.
fn is_token(token: &str) -> bool {
    !token.is_empty()
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~+/=".contains(&b))
}

impl HttpBackend {
    pub fn new(base: &str) -> HttpBackend {
        // A token edited in storage into something no header can carry is no session.
        let token = storage()
            .and_then(|s| s.get_item(TOKEN_KEY).ok().flatten())
            .filter(|t| is_token(t));
        HttpBackend(Rc::new(Inner {
            base: base.trim_end_matches('/').to_owned(),
            token: RefCell::new(token),
            hub: Rc::default(),
            live: live::Live::default(),
            on_the_way: Cell::new(0),
        }))
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.0.base)
    }

    /// One request built by `build`, with the session `asked_with` if any: its
    /// answer's body.
    async fn attempt(
        &self,
        build: &dyn Fn() -> Result<Request, gloo_net::Error>,
        asked_with: &Option<String>,
    ) -> ApiResult<String> {
        let req = build().map_err(|e| AppError::Decode(e.to_string()))?;
        if let Some(token) = asked_with {
            req.headers()
                .set("Authorization", &format!("Bearer {token}"));
        }
        match req.send().await {
            Ok(res) => self.answered(res, asked_with).await,
            Err(e) => Err(AppError::Network(e.to_string())),
        }
    }

    /// Sends the call to `path` built by `build` (called again per attempt) and
    /// answers its body. A staff call goes with the session, and signed out is
    /// refused here, as the server would. `retry` is for calls that are safe to
    /// repeat: reads, and writes with an idempotency key. Not generic, like the calls
    /// below it: only reading the body as each call's type is, so the retries are in
    /// the app once, not once per type.
    async fn send(
        &self,
        path: &str,
        retry: bool,
        build: &dyn Fn() -> Result<Request, gloo_net::Error>,
    ) -> ApiResult<String> {
        let staff = is_staff_call(path);
        let mut attempt = 0;
        loop {
            let asked_with = staff.then(|| self.0.token.borrow().clone()).flatten();
            if staff && asked_with.is_none() {
                return Err(AppError::Unauthorized);
            }
            let result = {
                let _counted = staff.then(|| OnTheWay::new(&self.0.on_the_way));
                self.attempt(build, &asked_with).await
            };
            match result {
                Err(e) if retry && e.is_transient() && attempt < BACKOFF_MS.len() => {
                    gloo_timers::future::TimeoutFuture::new(BACKOFF_MS[attempt]).await;
                    attempt += 1;
                }
                Err(AppError::Unauthorized) if staff => {
                    self.session_ended(&asked_with);
                    return Err(AppError::Unauthorized);
                }
                other => return other,
            }
        }
    }

    /// Waits until no staff call is on its way, or `most_ms` have passed.
    async fn settled(&self, most_ms: u32) {
        const STEP_MS: u32 = 20;
        let mut waited = 0;
        while self.0.on_the_way.get() > 0 && waited < most_ms {
            gloo_timers::future::TimeoutFuture::new(STEP_MS).await;
            waited += STEP_MS;
        }
    }

    async fn get_body(&self, path: String) -> ApiResult<String> {
        let url = self.url(&path);
        let asked_with = self.0.token.borrow().clone();
        // An early answer the stream has overtaken (events it lacks arrived before
        // the page that takes it was listening) is asked again.
        if is_staff_call(&path)
            && let Some(token) = &asked_with
            && let Some(res) = early::take(&url, token).await
            && self.0.live.current(event_id(&res))
        {
            match self.answered(res, &asked_with).await {
                Ok(body) => return Ok(body),
                // The session has ended: asked again with this token, it still would be.
                Err(AppError::Unauthorized) => {
                    self.session_ended(&asked_with);
                    return Err(AppError::Unauthorized);
                }
                // Anything else is asked again, as without the early answer (retries).
                Err(_) => {}
            }
        }
        self.send(&path, true, &|| Request::get(&url).build()).await
    }

    fn get<T: DeserializeOwned + 'static>(&self, path: String) -> ApiFuture<T> {
        let this = self.clone();
        Box::pin(async move { parse(&this.get_body(path).await?) })
    }

    /// Sends `body` (JSON) with `method`; retried only with an idempotency key.
    async fn write_body(
        &self,
        method: &'static str,
        path: String,
        body: String,
        idempotency_key: Option<String>,
    ) -> ApiResult<String> {
        self.send(&path, idempotency_key.is_some(), &|| {
            let req = match method {
                "PUT" => Request::put(&self.url(&path)),
                "PATCH" => Request::patch(&self.url(&path)),
                _ => Request::post(&self.url(&path)),
            };
            let req = match &idempotency_key {
                Some(k) => req.header("Idempotency-Key", k),
                None => req,
            };
            req.header("Content-Type", "application/json")
                .body(body.as_str())
        })
        .await
    }

    fn write<B: Serialize + 'static, T: DeserializeOwned + 'static>(
        &self,
        method: &'static str,
        path: String,
        body: B,
        idempotency_key: Option<String>,
    ) -> ApiFuture<T> {
        let this = self.clone();
        let body = serde_json::to_string(&body).map_err(|e| AppError::Decode(e.to_string()));
        Box::pin(async move {
            let body = this
                .write_body(method, path, body?, idempotency_key)
                .await?;
            parse(&body)
        })
    }

    fn delete(&self, path: String) -> ApiFuture<()> {
        let this = self.clone();
        Box::pin(async move {
            // Deleting what is already gone answers 404, so a repeat is not retried.
            let body = this
                .send(&path, false, &|| Request::delete(&this.url(&path)).build())
                .await?;
            parse(&body)
        })
    }

    /// An answer's body (see [`body_of`]), once the event stream has heard what the
    /// answer says it reflects, if it answered this session (`asked_with`: the token
    /// it was asked with; one from before a sign-out says nothing of the next, nor
    /// does a call without a session).
    async fn answered(&self, res: Response, asked_with: &Option<String>) -> ApiResult<String> {
        let seen = event_id(&res);
        let this_session = asked_with.is_some() && *self.0.token.borrow() == *asked_with;
        if this_session && res.status() != 401 && (seen.is_some() || res.ok()) {
            let url = self.events_url();
            let wanted = self.0.hub.has_listeners();
            self.0.live.heard(seen, url.as_deref(), &self.0.hub, wanted);
        }
        body_of(res).await
    }

    /// Forgets the session and answers its token: the stored token, and the event
    /// stream opened with it (the next sign-in opens one with its own token).
    fn forget_token(&self) -> Option<String> {
        let token = self.0.token.replace(None);
        if let Some(s) = storage() {
            let _ = s.remove_item(TOKEN_KEY);
        }
        self.0.live.reset();
        token
    }

    /// The server refused the session a call was `asked_with`: forgotten, unless
    /// another has begun since (an answer from before a sign-out and in again).
    fn session_ended(&self, asked_with: &Option<String>) {
        if *self.0.token.borrow() == *asked_with {
            self.forget_token();
        }
    }

    /// The stream's address with this session's token (`/events` takes it as a
    /// query: EventSource sends no headers); `None` when signed out.
    fn events_url(&self) -> Option<String> {
        let token = self.0.token.borrow().clone()?;
        Some(self.url(&format!("/events?access_token={token}")))
    }

    /// Opens the SSE stream once someone listens and an answer said where it starts
    /// (see `live`); the browser reconnects by itself and sends `Last-Event-ID`, so
    /// nothing is missed across drops.
    fn ensure_events(&self) {
        let url = self.events_url();
        self.0.live.ensure(url.as_deref(), &self.0.hub);
    }
}
