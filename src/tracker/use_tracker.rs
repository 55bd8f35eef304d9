use super::{Running, Tracker, TrackerOptions, start};
use crate::api::use_public_api;
use leptos::prelude::*;
use lianjie_core::api::OpenedShare;
use std::rc::Rc;

/// Tracks the page view `opened` (its link, the reader's own link and the session
/// the backend issued), with the default options.
pub fn use_tracker(opened: &OpenedShare) -> Tracker {
    use_tracker_with_options(opened, TrackerOptions::default())
}

/// Tracking for as long as the calling page is shown: its sections are measured once
/// the page is on screen, and navigating elsewhere in the app ends this view.
pub fn use_tracker_with_options(opened: &OpenedShare, options: TrackerOptions) -> Tracker {
    let report = Rc::new(use_public_api());
    let Some(running) = start(opened, report, options) else {
        // No window: nothing to measure, but pages may still report actions.
        return Tracker::new(opened, 0, Rc::new(use_public_api()));
    };
    let tracker = running.tracker().clone();
    let running = StoredValue::new_local(Some(running));
    // Effects run once the page's view is mounted, so its sections are there.
    Effect::new(move |_| running.with_value(|r| r.iter().for_each(Running::observe_sections)));
    on_cleanup(move || {
        if let Some(r) = running.try_update_value(Option::take).flatten() {
            r.stop();
        }
    });
    tracker
}
