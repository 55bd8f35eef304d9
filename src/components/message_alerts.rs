use crate::api::{read_stored, use_api_events, write_stored};
use crate::components::{NotificationSwitch, notify};
use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;
use lianjie_core::api::Event;
use lianjie_core::inbox::Direction;
use std::time::Duration;

const SOUND_KEY: &str = "lianjie.inbox.sound";
/// Messages closer together than this chime once: a burst reaches the page at once
/// (see the event hub).
const CHIME_GAP_MS: f64 = 1_000.0;

/// New customer messages get the agent's attention when they ask for it: a short
/// chime (off until switched on, remembered in this browser) and a desktop
/// notification when the page is in the background or the message is for another
/// conversation than the one open.
#[component]
pub fn MessageAlerts(open: Signal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let sound = RwSignal::new(read_stored::<bool>(SOUND_KEY).unwrap_or(false));
    Effect::new(move || write_stored(SOUND_KEY, &sound.get()));
    let last_chime = StoredValue::new(f64::NEG_INFINITY);
    use_api_events(move |e| {
        let Event::Message {
            conversation,
            message,
        } = e
        else {
            return;
        };
        if message.direction != Direction::Inbound {
            return;
        }
        let now = js_sys::Date::now();
        if sound.get_untracked() && now - last_chime.get_value() >= CHIME_GAP_MS {
            last_chime.set_value(now);
            chime();
        }
        let elsewhere = open.get_untracked().as_deref() != Some(conversation.id.as_str());
        if document().hidden() || elsewhere {
            let who = if conversation.contact_name.is_empty() {
                i18n.channel(conversation.channel).to_owned()
            } else {
                conversation.contact_name.clone()
            };
            notify(
                &format!("lianjie-message-{}", conversation.id),
                &format!("{who}: {}", message.body),
            );
        }
    });
    view! {
        <span class="message-alerts">
            <label>
                <input type="checkbox" prop:checked=move || sound.get()
                    on:change=move |ev| sound.set(event_target_checked(&ev)) />
                {move || i18n.t(Msg::SoundOnMessage)}
            </label>
            <NotificationSwitch />
        </span>
    }
}

/// A soft two-tenths-of-a-second tone, made on the spot (no sound file to load).
fn chime() {
    let Ok(ctx) = web_sys::AudioContext::new() else {
        return;
    };
    let (Ok(osc), Ok(gain)) = (ctx.create_oscillator(), ctx.create_gain()) else {
        return;
    };
    let now = ctx.current_time();
    osc.frequency().set_value(880.0);
    let level = gain.gain();
    let _ = level.set_value_at_time(0.0001, now);
    let _ = level.exponential_ramp_to_value_at_time(0.15, now + 0.02);
    let _ = level.exponential_ramp_to_value_at_time(0.0001, now + 0.3);
    let wired = osc
        .connect_with_audio_node(&gain)
        .and_then(|_| gain.connect_with_audio_node(&ctx.destination()));
    if wired.is_ok() && osc.start().is_ok() {
        let _ = osc.stop_with_when(now + 0.35);
    }
    // Browsers allow few audio contexts at once: close this one when done.
    set_timeout(
        move || {
            let _ = ctx.close();
        },
        Duration::from_secs(1),
    );
}
