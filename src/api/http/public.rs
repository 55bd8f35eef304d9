//! The customer pages' operations over HTTP: opening links and cards, featured
//! items, details, tracking (with a beacon on leaving) and the visitor's chat.

use super::HttpBackend;
use crate::api::{ApiFuture, PublicApi};
use lianjie_core::api::{InboundMessage, OpenedShare};
use lianjie_core::inbox::Message;
use lianjie_core::public::PublicShare;
use lianjie_core::share::LeadDetails;
use lianjie_core::tracking::Snapshot;

impl PublicApi for HttpBackend {
    fn open_share(&self, token: String, own_child: Option<String>) -> ApiFuture<OpenedShare> {
        match own_child {
            Some(child) => self.get(format!("/public/shares/{token}?child={child}")),
            None => self.get(format!("/public/shares/{token}")),
        }
    }

    fn open_card(&self, card_id: String, own_child: Option<String>) -> ApiFuture<OpenedShare> {
        match own_child {
            Some(child) => self.get(format!("/public/cards/{card_id}?child={child}")),
            None => self.get(format!("/public/cards/{card_id}")),
        }
    }

    fn open_featured(&self, reader_token: String, content_id: String) -> ApiFuture<PublicShare> {
        // The same reader and item always give the same share, so a retry is safe.
        let key = format!("featured-{reader_token}-{content_id}");
        self.write(
            "POST",
            format!("/public/shares/{reader_token}/featured/{content_id}"),
            (),
            Some(key),
        )
    }

    fn capture_lead(&self, reader_token: String, details: LeadDetails) -> ApiFuture<()> {
        // Leaving the same details twice changes nothing, so it may be retried.
        let key = format!("lead-{reader_token}");
        self.write(
            "POST",
            format!("/public/shares/{reader_token}/lead"),
            details,
            Some(key),
        )
    }

    fn track(&self, snapshot: Snapshot) -> ApiFuture<()> {
        // Snapshots merge by maximum on the server, so a repeat is always safe.
        let key = format!("{}-{}", snapshot.session_id, snapshot.seq);
        self.write("POST", "/public/track".into(), snapshot, Some(key))
    }

    fn track_on_exit(&self, snapshot: Snapshot) {
        let Ok(body) = serde_json::to_string(&snapshot) else {
            return;
        };
        // A text/plain beacon needs no CORS preflight; the server reads it as JSON.
        let queued = web_sys::window()
            .and_then(|w| {
                w.navigator()
                    .send_beacon_with_opt_str(&self.url("/public/track"), Some(&body))
                    .ok()
            })
            .unwrap_or(false);
        if !queued {
            // The browser refused (beacon quota): try a normal request instead.
            let sent = self.track(snapshot);
            wasm_bindgen_futures::spawn_local(async move {
                let _ = sent.await;
            });
        }
    }

    fn web_chat(&self, token: String, message: InboundMessage) -> ApiFuture<Message> {
        let key = message.idempotency_key.clone();
        self.write(
            "POST",
            format!("/public/shares/{token}/messages"),
            message,
            Some(key),
        )
    }

    fn chat_messages(&self, token: String, visitor: String) -> ApiFuture<Vec<Message>> {
        self.get(format!(
            "/public/shares/{token}/messages?visitor={}",
            js_sys::encode_uri_component(&visitor)
        ))
    }

    fn vcard_url(&self, card_id: &str) -> Option<String> {
        Some(self.url(&format!("/public/cards/{card_id}/vcard")))
    }
}
