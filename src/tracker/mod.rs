//! View-time tracking for customer pages (shared content and the card page).
//!
//! Browser events feed the core [`ReadingClock`], which decides what counts as
//! reading. Cumulative snapshots are saved to an [outbox](outbox) every second and
//! reported every ~10 s, and at once by beacon when the page is hidden, closed or
//! frozen. The backend merges snapshots by maximum, so re-sending is always safe and
//! nothing is counted twice. Snapshots name the view session the backend issued when
//! the page was opened ([`OpenedShare::session_id`]), which stays valid for the
//! outbox to re-send on a later load; the page never chooses its own.

pub mod outbox;
pub mod reader_links;

use crate::api::{PublicApiHandle, use_public_api};
use crate::error::AppError;
use leptos::ev;
use leptos::prelude::*;
use leptos_use::{
    UseEventListenerOptions, UseIntersectionObserverOptions, use_event_listener,
    use_event_listener_with_options, use_intersection_observer_with_options, use_interval_fn,
};
use lianjie_core::api::OpenedShare;
use lianjie_core::reading_clock::{
    DEFAULT_IDLE_AFTER_MS, ReadingClock, scroll_depth_pct, section_on_screen,
};
use lianjie_core::tracking::{Snapshot, ViewAction, ViewTotals};
use std::cell::RefCell;
use std::rc::Rc;

/// Options for [`use_tracker_with_options`].
#[derive(Clone, Debug)]
pub struct TrackerOptions {
    /// Changed totals are reported this often while the page is open.
    pub report_every_ms: u64,
    /// Totals are saved to the outbox this often: the most an abrupt end can lose.
    pub save_every_ms: u64,
    /// Without input for this long (and no video playing) the clock stops.
    pub idle_after_ms: u64,
    /// The measured sections; each carries its id in `data-block`.
    pub sections: &'static str,
}

impl Default for TrackerOptions {
    fn default() -> Self {
        Self {
            report_every_ms: 10_000,
            save_every_ms: 1_000,
            idle_after_ms: DEFAULT_IDLE_AFTER_MS,
            sections: "[data-block]",
        }
    }
}

struct State {
    clock: ReadingClock,
    /// The newest saved snapshot of this page view.
    latest: Snapshot,
    /// A report is on its way; don't start another.
    sending: bool,
    /// The newest seq already sent by beacon (hide and pagehide often come together).
    beaconed: u32,
}

/// A running tracker: pages tell it about actions (saved contact, called...).
#[derive(Clone)]
pub struct Tracker {
    state: Rc<RefCell<State>>,
    api: PublicApiHandle,
}

fn now_ms() -> u64 {
    js_sys::Date::now().max(0.0) as u64
}

fn page_visible() -> bool {
    document().visibility_state() == web_sys::VisibilityState::Visible
}

fn current_scroll_depth() -> u8 {
    let w = window();
    let viewport = w
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    let page = document()
        .document_element()
        .map(|e| e.scroll_height() as f64)
        .unwrap_or(0.0);
    scroll_depth_pct(w.scroll_y().unwrap_or(0.0), viewport, page)
}

impl Tracker {
    fn new(opened: &OpenedShare, idle_after_ms: u64) -> Self {
        let now = now_ms();
        let mut clock = ReadingClock::new(now, page_visible(), idle_after_ms);
        clock.scrolled(now, current_scroll_depth());
        // The session, link and reader exactly as the backend issued them: it takes
        // no snapshot that differs in any of the three.
        let latest = Snapshot {
            session_id: opened.session_id.clone(),
            share_token: opened.share.token.clone(),
            seq: 0,
            totals: ViewTotals::default(),
            reader_token: Some(opened.child_token.clone()),
        };
        Tracker {
            state: Rc::new(RefCell::new(State {
                clock,
                latest,
                sending: false,
                beaconed: 0,
            })),
            api: use_public_api(),
        }
    }

    fn with_clock(&self, f: impl FnOnce(&mut ReadingClock, u64)) {
        f(&mut self.state.borrow_mut().clock, now_ms());
    }

    /// The reader did something worth telling the rep.
    pub fn action(&self, action: ViewAction) {
        self.with_clock(|c, now| c.action(now, action));
        self.save();
        self.report();
    }

    /// Brings the saved snapshot up to date. Nothing is saved before the view counts
    /// (2 s), so accidental opens leave no trace.
    fn save(&self) -> bool {
        let mut s = self.state.borrow_mut();
        let totals = s.clock.totals(now_ms()).clone();
        if totals == s.latest.totals || !totals.is_counted() {
            return false;
        }
        s.latest.seq += 1;
        s.latest.totals = totals;
        outbox::put(&s.latest);
        true
    }

    /// Sends everything in the outbox (this view's snapshot and any left by earlier
    /// visits), one at a time; each is dropped from the outbox once acknowledged.
    fn report(&self) {
        if std::mem::replace(&mut self.state.borrow_mut().sending, true) {
            return;
        }
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            for snapshot in outbox::pending() {
                match this.api.track(snapshot.clone()).await {
                    // Refused for good (a link or session the backend does not know, a damaged
                    // entry): retrying won't help.
                    Ok(()) | Err(AppError::NotFound | AppError::Invalid(_)) => {
                        outbox::acked(&snapshot)
                    }
                    // Offline or the server is struggling: keep it for the next round.
                    Err(_) => break,
                }
            }
            this.state.borrow_mut().sending = false;
        });
    }

    /// The page is being hidden, closed or frozen: it may never run again, so the
    /// latest totals go out by beacon now and stay in the outbox until acknowledged.
    fn leave(&self) {
        self.save();
        let mut s = self.state.borrow_mut();
        if s.latest.seq > s.beaconed {
            s.beaconed = s.latest.seq;
            self.api.track_on_exit(s.latest.clone());
        }
    }
}

/// Tracks the page view `opened` (its link, the reader's own link and the session
/// the backend issued), with the default options.
pub fn use_tracker(opened: &OpenedShare) -> Tracker {
    use_tracker_with_options(opened, TrackerOptions::default())
}

pub fn use_tracker_with_options(opened: &OpenedShare, options: TrackerOptions) -> Tracker {
    let tracker = Tracker::new(opened, options.idle_after_ms);
    let passive = || UseEventListenerOptions::default().passive(true);
    // Listeners are removed when the page's owner is cleaned up, so the manual
    // stop functions they return are not needed (`let _`).

    // Reading activity.
    for event in [
        "pointerdown",
        "pointermove",
        "keydown",
        "touchstart",
        "wheel",
    ] {
        let t = tracker.clone();
        let _ = use_event_listener_with_options(
            window(),
            ev::Custom::<web_sys::Event>::new(event),
            move |_| t.with_clock(|c, now| c.input(now)),
            passive(),
        );
    }
    {
        let t = tracker.clone();
        let _ = use_event_listener_with_options(
            window(),
            ev::scroll,
            move |_| t.with_clock(|c, now| c.scrolled(now, current_scroll_depth())),
            passive(),
        );
    }

    // Media events don't bubble, so listen on the way down.
    let capture = || UseEventListenerOptions::default().capture(true);
    for (event, playing) in [("playing", true), ("pause", false), ("ended", false)] {
        let t = tracker.clone();
        let _ = use_event_listener_with_options(
            document(),
            ev::Custom::<web_sys::Event>::new(event),
            move |_| t.with_clock(|c, now| c.video(now, playing)),
            capture(),
        );
    }

    // Leaving and coming back.
    {
        let t = tracker.clone();
        let _ = use_event_listener(document(), ev::visibilitychange, move |_| {
            let visible = page_visible();
            t.with_clock(|c, now| c.visibility(now, visible));
            if !visible {
                t.leave();
            }
        });
    }
    for event in ["pagehide", "freeze"] {
        let t = tracker.clone();
        let _ = use_event_listener(
            window(),
            ev::Custom::<web_sys::Event>::new(event),
            move |_| {
                t.with_clock(|c, now| c.visibility(now, false));
                t.leave();
            },
        );
    }
    {
        let t = tracker.clone();
        let _ = use_event_listener(window(), ev::pageshow, move |_| {
            let visible = page_visible();
            t.with_clock(|c, now| c.visibility(now, visible));
        });
    }

    // Section dwell.
    {
        let t = tracker.clone();
        let thresholds = (0..=20).map(|i| f64::from(i) / 20.0).collect();
        use_intersection_observer_with_options(
            options.sections,
            move |entries, _| {
                let now = now_ms();
                let mut s = t.state.borrow_mut();
                for entry in entries {
                    let Some(id) = entry.target().get_attribute("data-block") else {
                        continue;
                    };
                    let viewport = entry
                        .root_bounds()
                        .map(|r| r.height())
                        .or_else(|| window().inner_height().ok()?.as_f64())
                        .unwrap_or(0.0);
                    let on = entry.is_intersecting()
                        && section_on_screen(
                            entry.intersection_ratio(),
                            entry.intersection_rect().height(),
                            viewport,
                        );
                    s.clock.section(now, &id, on);
                }
            },
            UseIntersectionObserverOptions::default().thresholds(thresholds),
        );
    }

    // Saving and reporting.
    {
        let t = tracker.clone();
        let every = (options.report_every_ms / options.save_every_ms.max(1)).max(1);
        let ticks = Rc::new(std::cell::Cell::new(0u64));
        use_interval_fn(
            move || {
                let changed = t.save();
                ticks.set(ticks.get() + 1);
                // The moment a view counts, the rep hears of it; then every ~10 s.
                let first = changed && t.state.borrow().latest.seq == 1;
                if first || (ticks.get().is_multiple_of(every) && !outbox::pending().is_empty()) {
                    t.report();
                }
            },
            options.save_every_ms,
        );
    }

    // Snapshots an earlier visit could not deliver.
    tracker.report();

    // Navigating elsewhere in the app ends this view, but the app lives on to send it.
    let t = send_wrapper::SendWrapper::new(tracker.clone());
    on_cleanup(move || {
        t.with_clock(|c, now| c.visibility(now, false));
        t.save();
        t.report();
    });
    tracker
}
