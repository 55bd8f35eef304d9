//! The staff app's live events: one SSE stream a session, started where the answers
//! already read left off, so no event falls between a page's first read and the
//! stream, and none reaches the pages twice when the stream has to start again.

use crate::api::EventHub;
use lianjie_core::api::Event;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

/// Where a session's stream starts and what it has delivered, by event id (the
/// server's event log ids, which rise in commit order). Pure bookkeeping.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Start {
    /// After which event the next stream starts: the oldest any answer reflected.
    from: Option<i64>,
    /// Whether the stream was opened with no start, no answer having named one.
    blind: bool,
    /// The first and last event delivered this session. A stream sends every event
    /// after its start, so every event between the two has been delivered.
    delivered: Option<(i64, i64)>,
    /// What an earlier stream delivered, which a stream started further back sends
    /// again: passed over.
    skip: Option<(i64, i64)>,
    /// Whether any answer came this session (a stream may open, blind if need be).
    answered: bool,
}

/// What the stream should do after an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Keep it as it is (or open it, if it is not open).
    Keep,
    /// Close it and open it again from [`Start::from`].
    Restart,
}

fn hull(a: Option<(i64, i64)>, b: Option<(i64, i64)>) -> Option<(i64, i64)> {
    match (a, b) {
        (Some((a0, a1)), Some((b0, b1))) => Some((a0.min(b0), a1.max(b1))),
        (a, b) => a.or(b),
    }
}

impl Start {
    /// An answer reflected every event up to `seen` (`None`: the server did not
    /// say), with the stream `open` or not. An answer older than where the open
    /// stream started (a read the server answered before a quicker one), or the first
    /// to name an event after a blind start, starts the stream again from there.
    pub fn heard(&mut self, seen: Option<i64>, open: bool) -> Next {
        self.answered = true;
        let Some(seen) = seen else {
            return Next::Keep;
        };
        let older = self.from.is_none_or(|from| seen < from);
        if !older {
            return Next::Keep;
        }
        let restart = open && (self.blind || self.from.is_some());
        self.from = Some(seen);
        if restart {
            self.skip = hull(self.skip, self.delivered);
            Next::Restart
        } else {
            Next::Keep
        }
    }

    /// A stream that ended for good (the server refused a reconnect) starts again
    /// after the last event it delivered.
    pub fn ended(&mut self) {
        if let Some((_, last)) = self.delivered {
            self.from = Some(self.from.map_or(last, |from| from.max(last)));
        }
    }

    /// Where a stream opened now starts; it is blind without one.
    pub fn opened(&mut self) -> Option<i64> {
        self.blind = self.from.is_none();
        self.from
    }

    /// Whether event `id` goes to the pages (once: not one an earlier stream
    /// delivered).
    pub fn deliver(&mut self, id: i64) -> bool {
        if self
            .skip
            .is_some_and(|(first, last)| (first..=last).contains(&id))
        {
            return false;
        }
        self.delivered = hull(self.delivered, Some((id, id)));
        true
    }

    /// Whether an answer that reflected every event up to `seen` (`None`: it did not
    /// say) misses none the stream has delivered: one that does is out of date for a
    /// page that listens only from now (an answer asked early, taken late).
    pub fn current(&self, seen: Option<i64>) -> bool {
        self.delivered
            .is_none_or(|(_, last)| seen.is_some_and(|seen| seen >= last))
    }

    /// Whether a stream may open: an answer said where it starts, or came without
    /// saying (a server that does not), when it opens blind.
    pub fn ready(&self) -> bool {
        self.answered
    }
}

/// The open SSE connection and the handler it calls.
type EventStream = (web_sys::EventSource, Closure<dyn Fn(web_sys::MessageEvent)>);

/// A session's stream; [`Live::reset`] at the session's end.
#[derive(Default)]
pub struct Live {
    start: Rc<RefCell<Start>>,
    source: RefCell<Option<EventStream>>,
}

impl Live {
    /// Takes in what an answer reflected; opens the stream if `wanted`.
    pub fn heard(
        &self,
        seen: Option<i64>,
        events_url: Option<&str>,
        hub: &Rc<EventHub>,
        wanted: bool,
    ) {
        let open = self.source.borrow().is_some();
        if self.start.borrow_mut().heard(seen, open) == Next::Restart {
            self.close();
        }
        // One the server refused to let reconnect (a proxy's 502 in a deploy) stays
        // closed for good: open another.
        let ended = self
            .source
            .borrow()
            .as_ref()
            .is_some_and(|(s, _)| s.ready_state() == web_sys::EventSource::CLOSED);
        if ended {
            self.start.borrow_mut().ended();
            self.close();
        }
        if wanted {
            self.open(events_url, hub);
        }
    }

    /// See [`Start::current`].
    pub fn current(&self, seen: Option<i64>) -> bool {
        self.start.borrow().current(seen)
    }

    /// Opens the stream once an answer came (see [`Start::ready`]).
    pub fn ensure(&self, events_url: Option<&str>, hub: &Rc<EventHub>) {
        if self.start.borrow().ready() {
            self.open(events_url, hub);
        }
    }

    /// Opens the stream at `events_url` (`/events?access_token=...`; `None` when
    /// signed out), unless open.
    fn open(&self, events_url: Option<&str>, hub: &Rc<EventHub>) {
        let Some(events_url) = events_url else {
            return;
        };
        if self.source.borrow().is_some() {
            return;
        }
        let from = self.start.borrow_mut().opened();
        let url = match from {
            Some(id) => format!("{events_url}&last_event_id={id}"),
            None => events_url.to_owned(),
        };
        let Ok(source) = web_sys::EventSource::new(&url) else {
            return;
        };
        let (start, hub) = (Rc::downgrade(&self.start), Rc::downgrade(hub));
        let on_message =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
                let (Some(start), Some(hub)) = (start.upgrade(), hub.upgrade()) else {
                    return;
                };
                let fresh = match ev.last_event_id().parse::<i64>() {
                    Ok(id) => start.borrow_mut().deliver(id),
                    Err(_) => true,
                };
                let event = ev
                    .data()
                    .as_string()
                    .and_then(|s| serde_json::from_str::<Event>(&s).ok());
                if let (true, Some(event)) = (fresh, event) {
                    hub.notify(&event);
                }
            });
        source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        self.source.replace(Some((source, on_message)));
    }

    fn close(&self) {
        if let Some((source, _)) = self.source.take() {
            source.close();
        }
    }

    /// The session ended: the stream closes and the next starts afresh.
    pub fn reset(&self) {
        self.close();
        self.start.replace(Start::default());
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        self.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_starts_after_the_oldest_answer_and_again_further_back() {
        let mut s = Start::default();
        assert!(!s.ready());
        assert_eq!(s.heard(Some(10), false), Next::Keep);
        assert_eq!(s.heard(Some(12), false), Next::Keep);
        assert_eq!(s.heard(Some(8), false), Next::Keep);
        assert_eq!(s.opened(), Some(8));
        assert!(s.deliver(9) && s.deliver(11));
        // A newer answer changes nothing; an older one starts again from it, and what
        // the first stream delivered is not delivered twice.
        assert_eq!(s.heard(Some(13), true), Next::Keep);
        assert_eq!(s.heard(Some(6), true), Next::Restart);
        assert_eq!(s.opened(), Some(6));
        assert!(s.deliver(7));
        assert!(!s.deliver(9) && !s.deliver(10) && !s.deliver(11));
        assert!(s.deliver(12));
    }

    #[test]
    fn a_blind_stream_starts_again_from_the_first_answer_that_names_an_event() {
        let mut s = Start::default();
        assert_eq!(s.heard(None, false), Next::Keep);
        assert!(s.ready());
        assert_eq!(s.opened(), None);
        assert!(s.deliver(30));
        assert_eq!(s.heard(Some(25), true), Next::Restart);
        assert_eq!(s.opened(), Some(25));
        assert!(s.deliver(26) && !s.deliver(30) && s.deliver(31));
        assert_eq!(s.heard(Some(40), true), Next::Keep);
    }

    #[test]
    fn an_answer_is_current_until_the_stream_delivers_something_after_it() {
        let mut s = Start::default();
        assert!(s.current(Some(5)) && s.current(None));
        s.heard(Some(5), false);
        s.opened();
        assert!(s.deliver(7));
        assert!(!s.current(Some(5)) && !s.current(Some(6)) && !s.current(None));
        assert!(s.current(Some(7)) && s.current(Some(9)));
    }

    #[test]
    fn a_stream_that_ended_starts_after_what_it_delivered() {
        let mut s = Start::default();
        s.heard(Some(5), false);
        s.opened();
        assert!(s.deliver(6) && s.deliver(9));
        s.ended();
        assert_eq!(s.opened(), Some(9));
        // Nothing delivered: from where it started.
        let mut quiet = Start::default();
        quiet.heard(Some(5), false);
        quiet.opened();
        quiet.ended();
        assert_eq!(quiet.opened(), Some(5));
    }
}
