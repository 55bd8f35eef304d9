//! The reader's clock: how much of the time a page was open counts as reading.
//!
//! Time counts only while the page is visible AND the reader is active (an input
//! within the idle window, or a video playing). Sections accrue dwell while at least
//! half of them is on screen and the clock runs. Everything takes the current time as
//! an argument, so the rules are tested on a simulated clock; the browser tracker
//! feeds it real events.

use crate::tracking::{ViewAction, ViewTotals};
use std::collections::BTreeSet;

/// Without input for this long, a reader is assumed to have looked away.
pub const DEFAULT_IDLE_AFTER_MS: u64 = 30_000;

/// Whether a section counts as on screen: at least half of it is visible, or, for a
/// section taller than two screens that can never be half visible, it fills at least
/// half of the viewport.
pub fn section_on_screen(visible_ratio: f64, visible_px: f64, viewport_px: f64) -> bool {
    visible_ratio >= 0.5 || (viewport_px > 0.0 && visible_px >= viewport_px / 2.0)
}

/// How far down the page the reader has seen, 0-100. A page shorter than the screen
/// is fully seen.
pub fn scroll_depth_pct(scroll_top: f64, viewport_px: f64, page_px: f64) -> u8 {
    if page_px <= viewport_px || page_px <= 0.0 {
        return 100;
    }
    let seen = ((scroll_top.max(0.0) + viewport_px) / page_px * 100.0).round();
    seen.clamp(0.0, 100.0) as u8
}

#[derive(Clone, Debug)]
pub struct ReadingClock {
    idle_after_ms: u64,
    visible: bool,
    video_playing: bool,
    last_input_ms: Option<u64>,
    /// Time up to which everything has been credited.
    accounted_ms: u64,
    on_screen: BTreeSet<String>,
    totals: ViewTotals,
}

impl ReadingClock {
    /// Opening the page is itself an interaction (the tap on the link).
    pub fn new(now_ms: u64, visible: bool, idle_after_ms: u64) -> Self {
        Self {
            idle_after_ms,
            visible,
            video_playing: false,
            last_input_ms: visible.then_some(now_ms),
            accounted_ms: now_ms,
            on_screen: BTreeSet::new(),
            totals: ViewTotals::default(),
        }
    }

    /// Resumes from totals recorded earlier in the same view session (after a reload).
    pub fn with_totals(mut self, totals: ViewTotals) -> Self {
        self.totals = totals;
        self
    }

    pub fn is_running(&self, now_ms: u64) -> bool {
        self.visible
            && (self.video_playing
                || self
                    .last_input_ms
                    .is_some_and(|i| now_ms < i.saturating_add(self.idle_after_ms)))
    }

    /// Credits the time since the last event. A clock that went backwards (system
    /// time change) credits nothing rather than something negative or huge.
    fn advance(&mut self, now_ms: u64) {
        if now_ms <= self.accounted_ms {
            return;
        }
        let start = self.accounted_ms;
        let active_until = if !self.visible {
            start
        } else if self.video_playing {
            now_ms
        } else {
            match self.last_input_ms {
                Some(i) => i.saturating_add(self.idle_after_ms).clamp(start, now_ms),
                None => start,
            }
        };
        let credited = active_until - start;
        if credited > 0 {
            self.totals.visible_ms += credited;
            if self.video_playing {
                self.totals.video_ms += credited;
            }
            for id in &self.on_screen {
                self.totals.sections.add(id, credited);
            }
        }
        self.accounted_ms = now_ms;
    }

    /// Scroll, touch, key or pointer activity.
    pub fn input(&mut self, now_ms: u64) {
        self.advance(now_ms);
        self.last_input_ms = Some(now_ms);
    }

    pub fn scrolled(&mut self, now_ms: u64, depth_pct: u8) {
        self.input(now_ms);
        self.totals.max_scroll_pct = self.totals.max_scroll_pct.max(depth_pct.min(100));
    }

    /// Coming back to the tab counts as an interaction; leaving stops the clock.
    pub fn visibility(&mut self, now_ms: u64, visible: bool) {
        self.advance(now_ms);
        self.visible = visible;
        if visible {
            self.last_input_ms = Some(now_ms);
        }
    }

    pub fn video(&mut self, now_ms: u64, playing: bool) {
        self.advance(now_ms);
        self.video_playing = playing;
        if !playing {
            // The moment a video stops, the reader was still there.
            self.last_input_ms = Some(now_ms);
        }
    }

    /// A section crossed the half-visible line.
    pub fn section(&mut self, now_ms: u64, id: &str, on_screen: bool) {
        self.advance(now_ms);
        if on_screen {
            self.on_screen.insert(id.to_owned());
        } else {
            self.on_screen.remove(id);
        }
    }

    pub fn action(&mut self, now_ms: u64, action: ViewAction) {
        self.input(now_ms);
        self.totals.actions.insert(action);
    }

    /// Totals up to `now_ms`, for a snapshot.
    pub fn totals(&mut self, now_ms: u64) -> &ViewTotals {
        self.advance(now_ms);
        &self.totals
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: u64 = 1000;

    fn clock() -> ReadingClock {
        ReadingClock::new(0, true, DEFAULT_IDLE_AFTER_MS)
    }

    #[test]
    fn active_visible_time_counts() {
        let mut c = clock();
        for t in (5..=60).step_by(5) {
            c.input(t * S);
        }
        assert_eq!(c.totals(60 * S).visible_ms, 60 * S);
    }

    #[test]
    fn idle_reader_stops_the_clock_after_the_window() {
        let mut c = clock();
        c.input(10 * S);
        // No input from 10 s on: credited until 40 s, then nothing.
        assert_eq!(c.totals(100 * S).visible_ms, 40 * S);
        assert!(!c.is_running(100 * S));
        c.input(110 * S);
        assert_eq!(c.totals(115 * S).visible_ms, 45 * S);
    }

    #[test]
    fn hidden_time_never_counts() {
        let mut c = clock();
        c.input(5 * S);
        c.visibility(10 * S, false);
        c.input(20 * S); // e.g. a stray event while hidden
        assert_eq!(c.totals(300 * S).visible_ms, 10 * S);
        c.visibility(300 * S, true);
        assert_eq!(c.totals(310 * S).visible_ms, 20 * S);
    }

    #[test]
    fn a_playing_video_keeps_the_clock_running_without_input() {
        let mut c = clock();
        c.video(2 * S, true);
        let t = c.totals(182 * S).clone();
        assert_eq!(t.visible_ms, 182 * S);
        assert_eq!(t.video_ms, 180 * S);
        c.video(182 * S, false);
        assert_eq!(c.totals(300 * S).visible_ms, 212 * S);
    }

    #[test]
    fn sections_accrue_only_while_on_screen_and_running() {
        let mut c = clock();
        c.section(0, "intro", true);
        c.input(4 * S);
        c.section(6 * S, "intro", false);
        c.section(6 * S, "price", true);
        c.input(20 * S);
        c.visibility(25 * S, false);
        let t = c.totals(100 * S).clone();
        assert_eq!(t.sections.get("intro"), Some(6 * S));
        assert_eq!(t.sections.get("price"), Some(19 * S));
        assert_eq!(t.visible_ms, 25 * S);
    }

    #[test]
    fn scroll_depth_and_actions_are_kept() {
        let mut c = clock();
        c.scrolled(S, 40);
        c.scrolled(2 * S, 85);
        c.scrolled(3 * S, 10);
        c.scrolled(4 * S, 250);
        c.action(5 * S, ViewAction::SavedContact);
        let t = c.totals(5 * S);
        assert_eq!(t.max_scroll_pct, 100);
        assert!(t.actions.contains(&ViewAction::SavedContact));
    }

    #[test]
    fn a_clock_going_backwards_credits_nothing() {
        let mut c = clock();
        c.input(10 * S);
        assert_eq!(c.totals(10 * S).visible_ms, 10 * S);
        c.input(5 * S);
        assert_eq!(c.totals(8 * S).visible_ms, 10 * S);
        c.input(12 * S);
        assert_eq!(c.totals(12 * S).visible_ms, 12 * S);
    }

    #[test]
    fn opened_in_a_background_tab_counts_nothing_until_seen() {
        let mut c = ReadingClock::new(0, false, DEFAULT_IDLE_AFTER_MS);
        assert_eq!(c.totals(60 * S).visible_ms, 0);
        c.visibility(60 * S, true);
        assert_eq!(c.totals(70 * S).visible_ms, 10 * S);
    }

    #[test]
    fn half_visible_or_half_the_screen_counts_as_on_screen() {
        assert!(section_on_screen(0.5, 100.0, 800.0));
        assert!(!section_on_screen(0.49, 98.0, 800.0));
        // A 3000 px section can show at most 800/3000 of itself, yet fills the screen.
        assert!(section_on_screen(0.27, 800.0, 800.0));
        assert!(!section_on_screen(0.1, 300.0, 800.0));
        assert!(!section_on_screen(0.0, 0.0, 0.0));
    }

    #[test]
    fn scroll_depth_is_the_share_of_the_page_seen() {
        assert_eq!(scroll_depth_pct(0.0, 800.0, 600.0), 100);
        assert_eq!(scroll_depth_pct(0.0, 800.0, 4000.0), 20);
        assert_eq!(scroll_depth_pct(3200.0, 800.0, 4000.0), 100);
        // Overscroll (iOS bounce) stays within 0-100.
        assert_eq!(scroll_depth_pct(-50.0, 800.0, 4000.0), 20);
        assert_eq!(scroll_depth_pct(3500.0, 800.0, 4000.0), 100);
    }

    #[test]
    fn resumes_from_earlier_totals() {
        let earlier = ViewTotals {
            visible_ms: 7 * S,
            ..Default::default()
        };
        let mut c = clock().with_totals(earlier);
        c.input(3 * S);
        assert_eq!(c.totals(3 * S).visible_ms, 10 * S);
    }
}
