//! The reader: what runs on a customer page the reference server sent whole (its
//! first paint, see `lianjie_core::first_paint`) when nothing on it needs the app — a
//! card, or an article that asks for no details. It opens the view, tracks the
//! reading with the app's own [tracker](crate::tracker), tells the rep what the
//! reader taps, and does in place what the app would do for a tap (open a featured
//! item, go to the chat). Without Leptos it is a small fraction of the app's
//! download, so on a slow phone the view is tracked about a second sooner.
//! It sends the form for the reader's details the server painted in an article
//! ([`lead_form`]). Pages with a `?then=` to act on, and the chat, get the app.

mod language;
mod lead_form;

use crate::api::{HttpBackend, PublicApi, customer_api_base};
use crate::error::AppError;
use crate::tracker::reader_links::{Opening, open_view};
use crate::tracker::{Tracker, TrackerOptions, start as track};
use crate::wechat_copy;
use gloo_events::{EventListener, EventListenerOptions};
use lianjie_core::Locale;
use lianjie_core::api::OpenedShare;
use lianjie_core::catalogue::{PublicMsg, Text as _};
use lianjie_core::first_paint::{Tap, Then, ask_phone, tap};
use lianjie_core::link::{self, CustomerRoute};
use lianjie_core::tracking::ViewAction;
use std::rc::Rc;
use wasm_bindgen::JsCast;

/// Waits before trying again to open the view when the network failed (after the
/// backend's own quick retries): a phone on a train gets a few chances.
const REOPEN_AFTER_MS: [u32; 4] = [2_000, 5_000, 15_000, 30_000];

/// Runs the reader on this page, for as long as the page is open.
pub fn start() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let path = window.location().pathname().unwrap_or_default();
    let (opening, id) = match link::customer_route(&path) {
        Some((CustomerRoute::Card, id)) => (Opening::Card, id.to_owned()),
        Some((CustomerRoute::Share, id)) => (Opening::Share, id.to_owned()),
        Some((CustomerRoute::Chat, _)) | None => return,
    };
    let api = HttpBackend::new(&customer_api_base());
    // The form works from the start: details sent before the view is open wait for it.
    let lead = window
        .document()
        .and_then(|d| lead_form::LeadForm::watch(&d, page_locale(&d)));
    wasm_bindgen_futures::spawn_local(async move {
        let opened = match open(&api, opening, id).await {
            Ok(opened) => opened,
            Err(e) => {
                if let Some(lead) = lead {
                    lead.failed(e);
                    // Still answers a send: with why it cannot go.
                    std::mem::forget(lead);
                }
                return;
            }
        };
        if let Some(card) = opened
            .content
            .is_none()
            .then_some(opened.card.as_ref())
            .flatten()
        {
            // As the app titles a card's page.
            if let Some(document) = web_sys::window().and_then(|w| w.document()) {
                document.set_title(&card.name);
            }
        }
        let Some(running) = track(&opened, Rc::new(api.clone()), TrackerOptions::default()) else {
            return;
        };
        running.observe_sections();
        if let Some(lead) = &lead {
            lead.opened(&opened, api.clone(), running.tracker().clone());
        }
        let taps = on_taps(opened, running.tracker().clone(), api);
        // They last as long as the page: nothing ends them but leaving it.
        std::mem::forget(running);
        std::mem::forget(taps);
        std::mem::forget(lead);
        mark_open();
    });
}

/// Opens the view, trying again while the network fails. The page works without it
/// (its links are plain links); the rep's view of the reading, and the details a
/// reader leaves, wait for it. Gone or refused, the page stays as it is, untracked.
async fn open(api: &HttpBackend, opening: Opening, id: String) -> Result<OpenedShare, AppError> {
    let mut waits = REOPEN_AFTER_MS.iter();
    loop {
        match open_view(api, opening, id.clone()).await {
            Ok(opened) => return Ok(opened),
            Err(e) => match waits.next() {
                Some(wait) if e.is_transient() => {
                    gloo_timers::future::TimeoutFuture::new(*wait).await;
                }
                _ => return Err(e),
            },
        }
    }
}

/// The page's language, as the server wrote it on `<html lang>`.
fn page_locale(document: &web_sys::Document) -> Locale {
    document
        .document_element()
        .and_then(|e| e.get_attribute("lang"))
        .and_then(|l| Locale::parse(&l))
        .unwrap_or_default()
}

/// Says on the page that its view is open and tracked (`data-view="open"` on the
/// first paint): what tests and benchmarks wait for.
fn mark_open() {
    if let Some(paint) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("first-paint"))
    {
        let _ = paint.set_attribute("data-view", "open");
    }
}

/// Listens for taps on the page's links: each tells the rep what the reader did,
/// a tap that asks for what the app would do ([`Then`]) is done here, and a
/// language link shows the page in that language in place ([`language`]).
fn on_taps(opened: OpenedShare, tracker: Tracker, api: HttpBackend) -> Option<EventListener> {
    let document = web_sys::window()?.document()?;
    let chat = link::path(&["chat", &opened.share.token]);
    let reader = opened.child_token.clone();
    // A card's page is titled with the name, in any language.
    let keep_title = opened.content.is_none();
    // The page in another language has its own form for details: listened to again.
    let relisten = {
        let (document, tracker, api) = (document.clone(), tracker.clone(), api.clone());
        Rc::new(move || {
            if let Some(lead) = lead_form::LeadForm::watch(&document, page_locale(&document)) {
                lead.opened(&opened, api.clone(), tracker.clone());
                std::mem::forget(lead);
            }
        })
    };
    // Not passive: a tap done here keeps the browser from following the link.
    let options = EventListenerOptions::enable_prevent_default();
    Some(EventListener::new_with_options(
        &document,
        "click",
        options,
        move |event| {
            let Some(anchor) = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|t| t.closest("a[href]").ok().flatten())
            else {
                return;
            };
            if let (Some(href), Ok(Some(_))) = (
                anchor.get_attribute("href"),
                anchor.closest(".lang-switcher"),
            ) {
                event.prevent_default();
                let relisten = relisten.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    match language::switch(&href, keep_title).await {
                        Ok(()) => relisten(),
                        Err(()) => go(&href),
                    }
                });
                return;
            }
            let Some(what) = anchor.get_attribute("href").as_deref().and_then(tap) else {
                return;
            };
            match what {
                Tap::Act(ViewAction::CopiedWechat) => {
                    tracker.action(ViewAction::CopiedWechat);
                    copy_wechat_id();
                }
                Tap::Act(action) => tracker.action(action),
                Tap::Then(then) => {
                    event.prevent_default();
                    match then {
                        Then::Chat => go_to_chat(&tracker, &chat),
                        Then::AskPhone => go_to_chat(&tracker, &ask_phone(&chat)),
                        Then::Content(id) => {
                            tracker.action(ViewAction::OpenedContent);
                            let (api, reader) = (api.clone(), reader.clone());
                            let href = anchor.get_attribute("href").unwrap_or_default();
                            wasm_bindgen_futures::spawn_local(async move {
                                // Unopened (offline): the link itself, whose page the app
                                // then opens with its own message and retry.
                                let to = match api.open_featured(reader, id).await {
                                    Ok(share) => link::path(&["s", &share.token]),
                                    Err(_) => href,
                                };
                                go(&to);
                            });
                        }
                    }
                }
            }
        },
    ))
}

fn go_to_chat(tracker: &Tracker, chat: &str) {
    tracker.action(ViewAction::Messaged);
    go(chat);
}

fn go(to: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().assign(to);
    }
}

/// Copies the WeChat ID (the link has already put it in view), and says how it went
/// in the card's status line, in the page's language.
fn copy_wechat_id() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let id = document
        .get_element_by_id("card-wechat-id")
        .and_then(|e| e.text_content())
        .unwrap_or_default();
    let locale = page_locale(&document);
    let copying = wechat_copy::copy_wechat_id(&id);
    wasm_bindgen_futures::spawn_local(async move {
        let msg = if copying.await {
            PublicMsg::WechatCopied
        } else {
            PublicMsg::CopyByHand
        };
        if let Ok(Some(status)) = document.query_selector(".card-status") {
            status.set_text_content(Some(msg.text(locale)));
        }
    });
}
