//! Listeners of backend events, shared by both backends, with bursts delivered
//! together.

use super::Subscription;
use lianjie_core::api::Event;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

/// How long events wait after one has been delivered. Open pages read their data
/// again on an event; a burst (readers' snapshots arriving over the stream, the
/// snooze job opening a hundred conversations) then costs a page one read per
/// window instead of one per event: the events of a window are delivered in one
/// turn, and a resource asked to refetch several times in one turn fetches once.
const BURST_MS: u32 = 500;

type Listener = (u64, Rc<dyn Fn(&Event)>);
type Listeners = RefCell<Vec<Listener>>;

#[derive(Default)]
pub struct EventHub {
    listeners: Rc<Listeners>,
    next: Cell<u64>,
    held: Rc<RefCell<Held>>,
}

/// Events that arrived while a window was open, in order.
#[derive(Default)]
struct Held {
    open: bool,
    events: Vec<Event>,
}

impl EventHub {
    pub fn subscribe(&self, on_event: Rc<dyn Fn(&Event)>) -> Subscription {
        let id = self.next.get() + 1;
        self.next.set(id);
        self.listeners.borrow_mut().push((id, on_event));
        let listeners = Rc::downgrade(&self.listeners);
        Subscription::new(move || {
            if let Some(l) = listeners.upgrade() {
                l.borrow_mut().retain(|(i, _)| *i != id);
            }
        })
    }

    /// Whether anyone listens (a backend opens its event stream only then).
    pub fn has_listeners(&self) -> bool {
        !self.listeners.borrow().is_empty()
    }

    /// Delivers `event` now when no window is open, and opens one; else holds it
    /// until the window ends. No event is dropped, and their order is kept. In a
    /// hidden tab nothing waits: browsers slow its timers down to once a minute,
    /// and a message's alert is for just such a tab.
    pub fn notify(&self, event: &Event) {
        let hidden = !page_visible();
        let mut held = self.held.borrow_mut();
        if held.open && !hidden {
            held.events.push(event.clone());
            return;
        }
        // Those held before it go first.
        let mut events = std::mem::take(&mut held.events);
        events.push(event.clone());
        let open = !held.open && !hidden;
        held.open |= open;
        drop(held);
        deliver(&self.listeners, &events);
        if open {
            let (listeners, held) = (Rc::downgrade(&self.listeners), Rc::downgrade(&self.held));
            wasm_bindgen_futures::spawn_local(flush_windows(listeners, held));
        }
    }
}

/// Whether the page is on screen (not a background tab, not minimized).
pub fn page_visible() -> bool {
    web_sys::window().is_some_and(|w| {
        w.document()
            .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
    })
}

/// Delivers what each window held when it ends, until a window holds nothing (or
/// the hub is gone).
async fn flush_windows(listeners: Weak<Listeners>, held: Weak<RefCell<Held>>) {
    loop {
        gloo_timers::future::TimeoutFuture::new(BURST_MS).await;
        let (Some(listeners), Some(held)) = (listeners.upgrade(), held.upgrade()) else {
            return;
        };
        let events = std::mem::take(&mut held.borrow_mut().events);
        if events.is_empty() {
            held.borrow_mut().open = false;
            return;
        }
        deliver(&listeners, &events);
    }
}

fn deliver(listeners: &Listeners, events: &[Event]) {
    for event in events {
        // Clone the list first: a listener may subscribe or unsubscribe while running.
        let current: Vec<_> = listeners.borrow().iter().map(|(_, f)| f.clone()).collect();
        for f in current {
            f(event);
        }
    }
}
