//! View-time tracking for customer pages (shared content and the card page).
//!
//! Browser events feed the core [`ReadingClock`], which decides what counts as
//! reading. Cumulative snapshots are saved to an [outbox](outbox) every second and
//! reported every ~10 s, and at once by beacon when the page is hidden, closed or
//! frozen. The backend merges snapshots by maximum, so re-sending is always safe and
//! nothing is counted twice. Snapshots name the view session the backend issued when
//! the page was opened ([`OpenedShare::session_id`]), which stays valid for the
//! outbox to re-send on a later load; the page never chooses its own.
//!
//! Nothing here needs Leptos: the app wraps it in [`use_tracker`] (stopped when its
//! page goes), and the customer pages' [reader](crate::reader) runs it alone, so a
//! page that needs no app is tracked without downloading one.

pub mod outbox;
pub mod reader_links;
mod use_tracker;

pub use use_tracker::{use_tracker, use_tracker_with_options};

use crate::api::{ApiFuture, HttpBackend, PublicApi, PublicApiHandle, page_visible};
use crate::error::AppError;
use gloo_events::{EventListener, EventListenerOptions, EventListenerPhase};
use gloo_timers::callback::Interval;
use lianjie_core::api::OpenedShare;
use lianjie_core::reading_clock::{
    DEFAULT_IDLE_AFTER_MS, ReadingClock, scroll_depth_pct, section_on_screen,
};
use lianjie_core::tracking::{Snapshot, ViewAction, ViewTotals};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

/// Where snapshots go: the two calls of the backend the tracker makes.
pub trait Report {
    fn track(&self, snapshot: Snapshot) -> ApiFuture<()>;
    /// Fire and forget: the page may be gone before any answer.
    fn track_on_exit(&self, snapshot: Snapshot);
}

impl Report for PublicApiHandle {
    fn track(&self, snapshot: Snapshot) -> ApiFuture<()> {
        PublicApi::track(&**self, snapshot)
    }
    fn track_on_exit(&self, snapshot: Snapshot) {
        PublicApi::track_on_exit(&**self, snapshot)
    }
}

impl Report for HttpBackend {
    fn track(&self, snapshot: Snapshot) -> ApiFuture<()> {
        PublicApi::track(self, snapshot)
    }
    fn track_on_exit(&self, snapshot: Snapshot) {
        PublicApi::track_on_exit(self, snapshot)
    }
}

/// Options for [`start`].
#[derive(Clone, Debug)]
pub struct TrackerOptions {
    /// Changed totals are reported this often while the page is open.
    pub report_every_ms: u32,
    /// Totals are saved to the outbox this often: the most an abrupt end can lose.
    pub save_every_ms: u32,
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

/// A page view being tracked: pages tell it about actions (saved contact, called...).
#[derive(Clone)]
pub struct Tracker {
    state: Rc<RefCell<State>>,
    report: Rc<dyn Report>,
}

fn now_ms() -> u64 {
    js_sys::Date::now().max(0.0) as u64
}

fn current_scroll_depth() -> u8 {
    let Some(w) = web_sys::window() else {
        return 0;
    };
    let viewport = w
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    let page = w
        .document()
        .and_then(|d| d.document_element())
        .map(|e| f64::from(e.scroll_height()))
        .unwrap_or(0.0);
    scroll_depth_pct(w.scroll_y().unwrap_or(0.0), viewport, page)
}

impl Tracker {
    fn new(opened: &OpenedShare, idle_after_ms: u64, report: Rc<dyn Report>) -> Self {
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
            report,
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
                match this.report.track(snapshot.clone()).await {
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
            self.report.track_on_exit(s.latest.clone());
        }
    }

    /// Counts the section in `entry` as on screen or not.
    fn section_seen(&self, entry: &web_sys::IntersectionObserverEntry, now: u64) {
        let Some(id) = entry.target().get_attribute("data-block") else {
            return;
        };
        let viewport = entry
            .root_bounds()
            .map(|r| r.height())
            .or_else(|| web_sys::window()?.inner_height().ok()?.as_f64())
            .unwrap_or(0.0);
        let on = entry.is_intersecting()
            && section_on_screen(
                entry.intersection_ratio(),
                entry.intersection_rect().height(),
                viewport,
            );
        self.state.borrow_mut().clock.section(now, &id, on);
    }
}

/// The callback an `IntersectionObserver` calls, kept alive as long as it is.
type ObserverCallback = Closure<dyn FnMut(js_sys::Array, web_sys::IntersectionObserver)>;

/// Tracking under way: its listeners, timer and section observer, which go when it
/// is stopped or dropped.
pub struct Running {
    tracker: Tracker,
    sections: &'static str,
    _listeners: Vec<EventListener>,
    _tick: Interval,
    observer: (web_sys::IntersectionObserver, ObserverCallback),
}

impl Running {
    pub fn tracker(&self) -> &Tracker {
        &self.tracker
    }

    /// Measures the page's sections on it now (those appearing later, such as what
    /// the reader's details unlock, are found within a second).
    pub fn observe_sections(&self) {
        observe_all(&self.observer.0, self.sections);
    }

    /// This view ends (the reader moved to another page of the app, which lives on
    /// to send it): the totals so far are saved and reported.
    pub fn stop(self) {
        let t = self.tracker.clone();
        drop(self);
        t.with_clock(|c, now| c.visibility(now, false));
        t.save();
        t.report();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.observer.0.disconnect();
    }
}

/// Watches whether each of `tracker`'s sections is on screen.
fn section_observer(
    tracker: &Tracker,
) -> Option<(web_sys::IntersectionObserver, ObserverCallback)> {
    let t = tracker.clone();
    let callback: ObserverCallback = Closure::new(
        move |entries: js_sys::Array, _: web_sys::IntersectionObserver| {
            let now = now_ms();
            for entry in entries.iter() {
                if let Ok(entry) = entry.dyn_into::<web_sys::IntersectionObserverEntry>() {
                    t.section_seen(&entry, now);
                }
            }
        },
    );
    let options = web_sys::IntersectionObserverInit::new();
    let thresholds: js_sys::Array = (0..=20)
        .map(|i| wasm_bindgen::JsValue::from(f64::from(i) / 20.0))
        .collect();
    options.set_threshold(&thresholds);
    let observer = web_sys::IntersectionObserver::new_with_options(
        callback.as_ref().unchecked_ref(),
        &options,
    )
    .ok()?;
    Some((observer, callback))
}

/// Observes every element matching `sections` (observing one twice does nothing).
fn observe_all(observer: &web_sys::IntersectionObserver, sections: &str) {
    let Some(Ok(found)) = web_sys::window()
        .and_then(|w| w.document())
        .map(|d| d.query_selector_all(sections))
    else {
        return;
    };
    for i in 0..found.length() {
        if let Some(el) = found
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
        {
            observer.observe(&el);
        }
    }
}

/// Tracks the page view `opened` (its link, the reader's own link and the session
/// the backend issued), reporting to `report`. Sections are measured from the next
/// second on, or at once with [`Running::observe_sections`].
pub fn start(
    opened: &OpenedShare,
    report: Rc<dyn Report>,
    options: TrackerOptions,
) -> Option<Running> {
    let window = web_sys::window()?;
    let document = window.document()?;
    let tracker = Tracker::new(opened, options.idle_after_ms, report);
    let mut listeners = Vec::new();
    let mut on = |target: &web_sys::EventTarget,
                  event: &'static str,
                  phase: EventListenerPhase,
                  f: Box<dyn Fn(&Tracker)>| {
        let t = tracker.clone();
        listeners.push(EventListener::new_with_options(
            target,
            event,
            EventListenerOptions {
                phase,
                passive: true,
            },
            move |_| f(&t),
        ));
    };
    let (bubble, capture) = (EventListenerPhase::Bubble, EventListenerPhase::Capture);

    // Reading activity.
    for event in [
        "pointerdown",
        "pointermove",
        "keydown",
        "touchstart",
        "wheel",
    ] {
        on(
            &window,
            event,
            bubble,
            Box::new(|t| t.with_clock(|c, now| c.input(now))),
        );
    }
    on(
        &window,
        "scroll",
        bubble,
        Box::new(|t| t.with_clock(|c, now| c.scrolled(now, current_scroll_depth()))),
    );
    // Media events don't bubble, so listen on the way down.
    for (event, playing) in [("playing", true), ("pause", false), ("ended", false)] {
        on(
            &document,
            event,
            capture,
            Box::new(move |t| t.with_clock(|c, now| c.video(now, playing))),
        );
    }

    // Leaving and coming back.
    on(
        &document,
        "visibilitychange",
        bubble,
        Box::new(|t| {
            let visible = page_visible();
            t.with_clock(|c, now| c.visibility(now, visible));
            if !visible {
                t.leave();
            }
        }),
    );
    for event in ["pagehide", "freeze"] {
        on(
            &window,
            event,
            bubble,
            Box::new(|t| {
                t.with_clock(|c, now| c.visibility(now, false));
                t.leave();
            }),
        );
    }
    on(
        &window,
        "pageshow",
        bubble,
        Box::new(|t| {
            let visible = page_visible();
            t.with_clock(|c, now| c.visibility(now, visible));
        }),
    );

    // Section dwell.
    let observer = section_observer(&tracker)?;

    // Saving and reporting; and sections that appeared since.
    let tick = {
        let t = tracker.clone();
        let (observing, sections) = (observer.0.clone(), options.sections);
        let every = (options.report_every_ms / options.save_every_ms.max(1)).max(1);
        let ticks = Cell::new(0u32);
        Interval::new(options.save_every_ms, move || {
            observe_all(&observing, sections);
            let changed = t.save();
            ticks.set(ticks.get().wrapping_add(1));
            // The moment a view counts, the rep hears of it; then every ~10 s.
            let first = changed && t.state.borrow().latest.seq == 1;
            if first || (ticks.get().is_multiple_of(every) && !outbox::pending().is_empty()) {
                t.report();
            }
        })
    };

    // Snapshots an earlier visit could not deliver.
    tracker.report();
    Some(Running {
        tracker,
        sections: options.sections,
        _listeners: listeners,
        _tick: tick,
        observer,
    })
}
