//! Views and different readers by day (UTC), answered for any window of days
//! without visiting the readers: what `today` and the ranking ask of the views
//! through a rep's links (or everyone's), so their cost does not grow with the
//! readers there are.
//!
//! A reader counts once in a window `a..=b`, on the first day they read within it:
//! the one day of theirs in the window whose previous reading day is before `a`
//! (or who never read before). So each day keeps its readers counted by their
//! previous reading day, and a window adds up, day by day, those whose previous
//! day is before its start: a few map ranges per day, whatever the readers.

use chrono::NaiveDate;
use foldhash::HashMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Reach {
    /// Per reader ([`key_hash`](crate::analytics::key_hash)), the days they read on
    /// in order, with their views: a short list, where a map cost each of the
    /// million readers a node of its own, held inline up to two days (most readers
    /// read on one), where a `Vec` of the same size (on 64 bits) cost each an
    /// allocation.
    #[serde(with = "super::saved::reading_days")]
    readers: HashMap<u64, ReadingDays>,
    days: BTreeMap<NaiveDate, Day>,
}

/// A reader's days and their views on each, in order.
pub(super) type ReadingDays = smallvec::SmallVec<[(NaiveDate, u32); 2]>;
// The server's case: on wasm32 the inline days make it 8 bytes larger than a `Vec`.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(size_of::<ReadingDays>() == size_of::<Vec<(NaiveDate, u32)>>());

/// One day's views, and its readers by the day each read before it. Nothing is kept
/// at zero, so two built in a different order are equal.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Day {
    views: u32,
    /// Readers by their previous reading day (`None`: their first).
    after: BTreeMap<Option<NaiveDate>, u32>,
}

/// Views and different readers in a window of days.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Window {
    pub views: u32,
    pub readers: u32,
}

impl Reach {
    pub fn is_empty(&self) -> bool {
        self.days.is_empty()
    }

    /// Counts a view of `reader` ([`key_hash`](crate::analytics::key_hash)) on `day`
    /// in (`add`) or takes it out again.
    pub fn change(&mut self, reader: u64, day: NaiveDate, add: bool) {
        let days = match self.readers.get_mut(&reader) {
            Some(days) => days,
            None if add => self.readers.entry(reader).or_default(),
            None => return,
        };
        let at = match days.binary_search_by_key(&day, |(d, _)| *d) {
            Ok(at) => at,
            // A view never counted: leave everything as it was.
            Err(_) if !add => return,
            Err(at) => {
                days.insert(at, (day, 0));
                at
            }
        };
        // No day is kept at zero, so taking a view out leaves zero at the least.
        let n = &mut days[at].1;
        *n = if add { *n + 1 } else { *n - 1 };
        // Only a day a reader starts or stops reading on moves their order.
        let moved = if add { *n == 1 } else { *n == 0 };
        let gone = *n == 0;
        let (before, next) = if moved {
            (
                at.checked_sub(1).map(|i| days[i].0),
                days.get(at + 1).map(|(d, _)| *d),
            )
        } else {
            (None, None)
        };
        if gone {
            days.remove(at);
        }
        if days.is_empty() {
            self.readers.remove(&reader);
        }
        let entry = self.days.entry(day).or_default();
        entry.views = if add {
            entry.views + 1
        } else {
            entry.views.saturating_sub(1)
        };
        if moved {
            self.follow(day, before, add);
            if let Some(next) = next {
                // The next day's reader read on `day` before it, or no longer does.
                self.follow(next, before, !add);
                self.follow(next, Some(day), add);
            }
        }
        if self.days.get(&day).is_some_and(|d| d.views == 0) {
            self.days.remove(&day);
        }
    }

    /// One reader more (`add`) or fewer on `day` whose previous day was `before`.
    fn follow(&mut self, day: NaiveDate, before: Option<NaiveDate>, add: bool) {
        let after = &mut self.days.entry(day).or_default().after;
        let n = after.entry(before).or_default();
        *n = if add { *n + 1 } else { n.saturating_sub(1) };
        if *n == 0 {
            after.remove(&before);
        }
    }

    /// Views and different readers on the days `from..=to`.
    pub fn window(&self, from: NaiveDate, to: NaiveDate) -> Window {
        let mut out = Window::default();
        if from > to {
            return out;
        }
        for day in self.days.range(from..=to).map(|(_, d)| d) {
            out.views += day.views;
            out.readers += day.after.range(..Some(from)).map(|(_, n)| n).sum::<u32>();
        }
        out
    }

    /// The readers with a view on one of the days `from..=to`, each with the days
    /// of it they read on as bits (bit `i`: `from` plus `i` days; days after the
    /// 64th are not told apart). Visits every reader: for unions of several reps'.
    pub fn readers_in(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.readers.iter().filter_map(move |(reader, days)| {
            let bits = days
                .iter()
                .filter(|(d, _)| (from..=to).contains(d))
                .map(|(d, _)| 1u64 << (*d - from).num_days().clamp(0, 63))
                .fold(0, |a, b| a | b);
            (bits != 0).then_some((*reader, bits))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    const ANN: u64 = 1;
    const BOB: u64 = 2;
    const CARL: u64 = 3;

    fn day(n: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 1).unwrap() + chrono::Duration::days(n.into())
    }

    #[test]
    fn a_reader_counts_once_in_a_window_however_many_days_they_read() {
        let mut r = Reach::default();
        for d in [1, 2, 2, 5] {
            r.change(ANN, day(d), true);
        }
        r.change(BOB, day(2), true);
        // (views, readers) on the days `from..=to`.
        let seen = |r: &Reach, from, to| {
            let w = r.window(day(from), day(to));
            (w.views, w.readers)
        };
        assert_eq!(seen(&r, 0, 9), (5, 2));
        assert_eq!(seen(&r, 2, 2), (3, 2));
        assert_eq!(seen(&r, 3, 5), (1, 1));
        assert_eq!(r.window(day(6), day(9)), Window::default());
        // Ann stops reading on day 2: day 5 now follows day 1.
        r.change(ANN, day(2), false);
        r.change(ANN, day(2), false);
        assert_eq!(seen(&r, 2, 5), (2, 2));
        // Taking out what was never counted changes nothing.
        let before = r.clone();
        r.change(ANN, day(3), false);
        r.change(CARL, day(3), false);
        assert_eq!(r, before);
    }

    proptest! {
        /// Any order of views counted in and out: every window agrees with counting
        /// the views one by one, and the result does not depend on the order.
        #[test]
        fn windows_agree_with_counting_every_view(
            ops in prop::collection::vec((0u8..4, 0u32..12, any::<bool>()), 0..80),
        ) {
            let mut reach = Reach::default();
            let mut views: Vec<(u64, NaiveDate)> = Vec::new();
            for (reader, d, add) in ops {
                let reader = u64::from(reader);
                let at = day(d);
                reach.change(reader, at, add);
                if add {
                    views.push((reader, at));
                } else if let Some(i) = views.iter().position(|v| *v == (reader, at)) {
                    views.remove(i);
                }
            }
            for from in 0..12 {
                for to in from..12 {
                    let within: Vec<_> = views
                        .iter()
                        .filter(|(_, d)| (day(from)..=day(to)).contains(d))
                        .collect();
                    let readers: BTreeSet<_> = within.iter().map(|(r, _)| r).collect();
                    prop_assert_eq!(
                        reach.window(day(from), day(to)),
                        Window { views: within.len() as u32, readers: readers.len() as u32 }
                    );
                    let bits: u32 = reach.readers_in(day(from), day(to)).map(|_| 1).sum();
                    prop_assert_eq!(bits as usize, readers.len());
                }
            }
            let mut fresh = Reach::default();
            for (reader, at) in views.iter().rev() {
                fresh.change(*reader, *at, true);
            }
            prop_assert_eq!(fresh, reach);
        }
    }
}
