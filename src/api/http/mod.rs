//! The HTTP backend: the same operations over the `/api/v1` REST contract
//! (docs/openapi.yaml), with bearer auth for staff, retries with backoff for calls
//! that are safe to repeat, and live events over SSE.

mod areas;
mod early;
mod public;
mod query;
mod staff;

use super::{ApiFuture, ApiResult, EventHub, storage};
use crate::error::AppError;
use gloo_net::http::{Request, RequestBuilder, Response};
use lianjie_core::api::{ErrorEnvelope, Event};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

/// Where the staff session token is kept between visits.
pub const TOKEN_KEY: &str = "lianjie.http.token";
/// Delays before the 2nd and 3rd attempt of a repeatable call.
const BACKOFF_MS: [u32; 2] = [300, 1200];

/// The open SSE connection and the handler it calls.
type EventStream = (web_sys::EventSource, Closure<dyn Fn(web_sys::MessageEvent)>);

struct Inner {
    base: String,
    token: RefCell<Option<String>>,
    hub: EventHub,
    source: RefCell<Option<EventStream>>,
}

#[derive(Clone)]
pub struct HttpBackend(Rc<Inner>);

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

impl HttpBackend {
    pub fn new(base: &str) -> HttpBackend {
        let token = storage().and_then(|s| s.get_item(TOKEN_KEY).ok().flatten());
        HttpBackend(Rc::new(Inner {
            base: base.trim_end_matches('/').to_owned(),
            token: RefCell::new(token),
            hub: EventHub::default(),
            source: RefCell::new(None),
        }))
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.0.base)
    }

    fn authorized(&self, req: RequestBuilder) -> RequestBuilder {
        match self.0.token.borrow().as_deref() {
            Some(t) => req.header("Authorization", &format!("Bearer {t}")),
            None => req,
        }
    }

    /// Sends a request built by `build` (called again per attempt) and answers its
    /// body. `retry` is for calls that are safe to repeat: reads, and writes with an
    /// idempotency key. Not generic, like the calls below it: only reading the body as
    /// each call's type is, so the retries are in the app once, not once per type.
    async fn send(
        &self,
        retry: bool,
        build: &dyn Fn() -> Result<Request, gloo_net::Error>,
    ) -> ApiResult<String> {
        let mut attempt = 0;
        loop {
            let result = match build() {
                Ok(req) => match req.send().await {
                    Ok(res) => body_of(res).await,
                    Err(e) => Err(AppError::Network(e.to_string())),
                },
                Err(e) => Err(AppError::Decode(e.to_string())),
            };
            match result {
                Err(e) if retry && e.is_transient() && attempt < BACKOFF_MS.len() => {
                    gloo_timers::future::TimeoutFuture::new(BACKOFF_MS[attempt]).await;
                    attempt += 1;
                }
                Err(AppError::Unauthorized) => {
                    self.forget_token();
                    return Err(AppError::Unauthorized);
                }
                other => return other,
            }
        }
    }

    async fn get_body(&self, path: String) -> ApiResult<String> {
        let url = self.url(&path);
        // Only a success is taken as it came: anything else is asked again, so a
        // failure reads exactly as without the early answer (retries, sign-out).
        let token = self.0.token.borrow().clone();
        if let Some(token) = token
            && let Some(res) = early::take(&url, &token).await
            && let Ok(body) = body_of(res).await
        {
            return Ok(body);
        }
        self.send(true, &|| self.authorized(Request::get(&url)).build())
            .await
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
        self.send(idempotency_key.is_some(), &|| {
            let req = match method {
                "PUT" => Request::put(&self.url(&path)),
                "PATCH" => Request::patch(&self.url(&path)),
                _ => Request::post(&self.url(&path)),
            };
            let req = match &idempotency_key {
                Some(k) => req.header("Idempotency-Key", k),
                None => req,
            };
            self.authorized(req)
                .header("Content-Type", "application/json")
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
                .send(false, &|| {
                    this.authorized(Request::delete(&this.url(&path))).build()
                })
                .await?;
            parse(&body)
        })
    }

    /// Forgets the session: the stored token, and the event stream opened with it
    /// (the next sign-in opens one with its own token).
    fn forget_token(&self) {
        self.0.token.replace(None);
        if let Some(s) = storage() {
            let _ = s.remove_item(TOKEN_KEY);
        }
        if let Some((source, _)) = self.0.source.take() {
            source.close();
        }
    }

    /// Opens the SSE stream once someone listens; the browser reconnects by itself
    /// and sends `Last-Event-ID`, so nothing is missed across drops.
    fn ensure_events(&self) {
        if self.0.source.borrow().is_some() {
            return;
        }
        let Some(token) = self.0.token.borrow().clone() else {
            return;
        };
        let Ok(source) =
            web_sys::EventSource::new(&self.url(&format!("/events?access_token={token}")))
        else {
            return;
        };
        let weak = Rc::downgrade(&self.0);
        let on_message =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
                let event = ev
                    .data()
                    .as_string()
                    .and_then(|s| serde_json::from_str::<Event>(&s).ok());
                if let (Some(inner), Some(event)) = (weak.upgrade(), event) {
                    inner.hub.notify(&event);
                }
            });
        source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        self.0.source.replace(Some((source, on_message)));
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some((source, _)) = self.source.take() {
            source.close();
        }
    }
}
