use crate::i18n::{Msg, use_i18n};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_use::use_interval_fn;
use lianjie_core::format;

/// How often "… ago" is worked out again.
const TICK_MS: u64 = 30_000;

/// The workbench's clock for relative times: one timer for every "… ago" on the
/// page, provided by the staff layout.
#[derive(Clone, Copy)]
pub struct Clock(pub ReadSignal<DateTime<Utc>>);

/// Starts the clock (stopped with the owner that called it).
pub fn provide_clock() {
    let (now, set_now) = signal(Utc::now());
    let _ = use_interval_fn(move || set_now.set(Utc::now()), TICK_MS);
    provide_context(Clock(now));
}

/// "3m 20s ago" (from two days on, "5 days ago"), kept current; the exact time on
/// hover and for machines.
#[component]
pub fn TimeAgo(at: DateTime<Utc>, #[prop(optional)] class: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let clock = use_context::<Clock>();
    let text = move || {
        let now = clock.map_or_else(Utc::now, |c| c.0.get());
        let ago = (now - at).num_milliseconds().max(0) as u64;
        let days = (now - at).num_days();
        if days >= 2 {
            return i18n.tf(Msg::DaysAgo, &[("n", &days.to_string())]);
        }
        i18n.tf(
            Msg::TimeAgo,
            &[("time", &format::duration(ago, i18n.locale()))],
        )
    };
    view! {
        <time class=class datetime=at.to_rfc3339() title=crate::i18n::local_time(at)>{text}</time>
    }
}

/// The reader's offset from UTC in minutes (Beijing: 480): what "today" is for them
/// in the lists that ask the backend by day.
pub fn utc_offset_minutes() -> i32 {
    chrono::Local::now().offset().local_minus_utc() / 60
}
