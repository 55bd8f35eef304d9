use crate::api::use_api_events;
use crate::components::use_toasts;
use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;
use lianjie_core::api::{Event, RadarItem};
use lianjie_core::intent::{Alert, alerts};
use std::collections::{HashMap, HashSet};
use web_sys::{Notification, NotificationOptions, NotificationPermission};

/// Moments of truth for the rep, wherever they are in the workbench: a hot lead is
/// reading right now, a reader came back for the third time, or a reader's details
/// match a customer (probably the same person: their profile offers the merge).
/// Shown as a toast and, when the rep allowed it, as a desktop notification. Renders
/// nothing itself.
#[component]
pub fn LeadAlerts() -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    // (intent, visit) last seen per session: only crossings alert, once each.
    let seen = StoredValue::new(HashMap::<String, (u8, u32)>::new());
    // Leads already told to be probably someone, once each.
    let told = StoredValue::new(HashSet::<(String, String)>::new());
    use_api_events(move |e| {
        let Event::Radar { item } = e else { return };
        if let (Some(lead), Some(same)) = (&item.contact_id, &item.probably_same_as_name) {
            let new = told
                .try_update_value(|t| t.insert((lead.clone(), same.clone())))
                .unwrap_or(false);
            if new {
                let text = i18n.tf(
                    Msg::AlertSamePerson,
                    &[
                        ("name", item.reader.as_deref().unwrap_or_default()),
                        ("other", same),
                    ],
                );
                toasts.info(text.clone());
                notify("lianjie-lead", &text);
            }
        }
        let now = (item.intent, item.visit);
        let before = seen
            .try_update_value(|m| m.insert(item.session_id.clone(), now))
            .flatten()
            .unwrap_or((0, 0));
        for alert in alerts(before, now) {
            let text = alert_text(i18n.t(message(alert)), item, i18n.t(Msg::Anonymous));
            toasts.info(text.clone());
            notify("lianjie-lead", &text);
        }
    });
}

fn message(alert: Alert) -> Msg {
    match alert {
        Alert::BecameHot => Msg::AlertHot,
        Alert::ReturnVisit => Msg::AlertReturn,
    }
}

fn alert_text(template: &str, item: &RadarItem, anonymous: &str) -> String {
    let name = item.reader.as_deref().unwrap_or(anonymous);
    lianjie_core::inbox::render_template(
        template,
        &[
            ("name", name),
            ("title", &item.title),
            ("n", &item.visit.to_string()),
        ],
    )
}

/// A desktop notification, when the person allowed them; one per `tag` at a time.
pub fn notify(tag: &str, text: &str) {
    let supported = js_sys::Reflect::has(&window(), &"Notification".into()).unwrap_or(false);
    if !supported || Notification::permission() != NotificationPermission::Granted {
        return;
    }
    let options = NotificationOptions::new();
    options.set_body(text);
    options.set_tag(tag);
    let _ = Notification::new_with_options("连接 Lianjie", &options);
}

/// Asks the browser for permission to show desktop notifications.
#[component]
pub fn NotificationSwitch() -> impl IntoView {
    let i18n = use_i18n();
    // Browsers without the Notification API (some in-app browsers) offer nothing.
    let supported = js_sys::Reflect::has(&window(), &"Notification".into()).unwrap_or(false);
    let permission = RwSignal::new(supported.then(Notification::permission));
    let ask = move |_| {
        let Ok(promise) = Notification::request_permission() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
            permission.set(Some(Notification::permission()));
        });
    };
    move || {
        match permission.get() {
        None => None,
        Some(NotificationPermission::Granted) => {
            Some(view! { <p class="notify-state">{move || i18n.t(Msg::NotifyOn)}</p> }.into_any())
        }
        Some(NotificationPermission::Denied) => {
            Some(view! { <p class="notify-state">{move || i18n.t(Msg::NotifyBlocked)}</p> }.into_any())
        }
        Some(_) => Some(
            view! { <button type="button" on:click=ask>{move || i18n.t(Msg::NotifyEnable)}</button> }
                .into_any(),
        ),
    }
    }
}
