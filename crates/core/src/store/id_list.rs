//! A sorted list of ids packed into one allocation. The lookups hold an id for every
//! view under its link, every link under its contact and content, and so on: as a
//! `Vec<String>`, each id cost its own allocation (32 bytes at least) and 24 bytes
//! more in the list, several times its own length.
//!
//! A long list is kept as several runs, found by their first ids, so adding or
//! taking out an id walks one run, not the whole list: a much-read article has a
//! link for every reader, and each new reader's link joins its list.

use crate::packed::{read_name, write_name};
use std::cmp::Ordering;
use std::fmt;

/// The bytes a run fills before the next id starts another (an id added in the
/// middle splits it in two): about 120 ids of 16 characters. Small in tests, so
/// they reach many runs.
const RUN_BYTES: usize = if cfg!(test) { 24 } else { 2_048 };

/// Ids in byte order (as `str` orders them), none twice.
#[derive(Clone, Default)]
pub(super) struct IdList(Runs);

#[derive(Clone)]
enum Runs {
    /// Most lists: one run.
    One(Run),
    /// A long list: at least two runs, none empty, each holding ids before the
    /// next one's first.
    Many(Vec<Run>),
}

impl Default for Runs {
    fn default() -> Runs {
        Runs::One(Run::default())
    }
}

/// Ids in order, each written as a name ([`crate::packed`]: its length, then its
/// bytes).
#[derive(Clone, Default)]
struct Run {
    bytes: Vec<u8>,
    /// Where the last id starts: the lookups are built in id order, so an id added
    /// after the last one is appended without a walk.
    last: usize,
}

/// The empty list, lent for a key that has none.
pub(super) static EMPTY: IdList = IdList(Runs::One(Run {
    bytes: Vec::new(),
    last: 0,
}));

impl IdList {
    pub fn is_empty(&self) -> bool {
        match &self.0 {
            Runs::One(run) => run.bytes.is_empty(),
            Runs::Many(_) => false,
        }
    }

    /// The ids in order.
    pub fn iter(&self) -> Iter<'_> {
        let (first, rest): (&Run, &[Run]) = match &self.0 {
            Runs::One(run) => (run, &[]),
            Runs::Many(runs) => match runs.split_first() {
                Some(split) => split,
                None => (&EMPTY_RUN, &[]),
            },
        };
        Iter {
            bytes: &first.bytes,
            at: 0,
            rest: rest.iter(),
        }
    }

    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_owned).collect()
    }

    /// Adds `id` in its place; nothing if it is there already.
    pub fn insert(&mut self, id: &str) {
        let id = id.as_bytes();
        match &mut self.0 {
            Runs::One(run) => {
                if let Some(next) = run.insert(id) {
                    let runs = vec![std::mem::take(run), next];
                    self.0 = Runs::Many(runs);
                }
            }
            Runs::Many(runs) => {
                let mut i = run_of(runs, id);
                // An id past the end of a full run goes to the front of the next one
                // while that has room: ids coming in descending order would each
                // start a run of their own.
                if runs[i].is_full_before(id)
                    && runs.get(i + 1).is_some_and(|r| r.bytes.len() < RUN_BYTES)
                {
                    i += 1;
                }
                if let Some(next) = runs[i].insert(id) {
                    runs.insert(i + 1, next);
                }
            }
        }
    }

    /// Takes `id` out; nothing if it is not there.
    pub fn remove(&mut self, id: &str) {
        let id = id.as_bytes();
        match &mut self.0 {
            Runs::One(run) => run.remove(id),
            Runs::Many(runs) => {
                let i = run_of(runs, id);
                runs[i].remove(id);
                if runs[i].bytes.is_empty() {
                    runs.remove(i);
                }
                if runs.len() == 1
                    && let Some(run) = runs.pop()
                {
                    self.0 = Runs::One(run);
                }
            }
        }
    }

    /// Gives back what growing one id at a time left unused.
    pub fn shrink(&mut self) {
        match &mut self.0 {
            Runs::One(run) => run.bytes.shrink_to_fit(),
            Runs::Many(runs) => {
                runs.iter_mut().for_each(|r| r.bytes.shrink_to_fit());
                runs.shrink_to_fit();
            }
        }
    }
}

static EMPTY_RUN: Run = Run {
    bytes: Vec::new(),
    last: 0,
};

/// The run of `runs` where `id` is or would be: the last whose first id is not
/// after it (the first run for an id before every other).
fn run_of(runs: &[Run], id: &[u8]) -> usize {
    runs.partition_point(|r| r.id_at(0).0 <= id)
        .saturating_sub(1)
}

impl Run {
    /// Whether this run is full and `id` comes after its last id.
    fn is_full_before(&self, id: &[u8]) -> bool {
        self.bytes.len() >= RUN_BYTES && self.id_at(self.last).0 < id
    }

    /// Adds `id` in its place (nothing if it is there). A run grown past
    /// [`RUN_BYTES`] gives the ids after its middle, or an id appended at its end, to
    /// the run it returns, which comes next.
    fn insert(&mut self, id: &[u8]) -> Option<Run> {
        if self.bytes.is_empty() || self.id_at(self.last).0 < id {
            if self.is_full_before(id) {
                let mut next = Run::default();
                write_name(&mut next.bytes, id);
                return Some(next);
            }
            self.last = self.bytes.len();
            write_name(&mut self.bytes, id);
            return None;
        }
        let (at, there, _) = self.find(id);
        if there.is_some() {
            return None;
        }
        let mut entry = Vec::new();
        write_name(&mut entry, id);
        self.last += entry.len();
        self.bytes.splice(at..at, entry);
        (self.bytes.len() > RUN_BYTES).then(|| self.split())
    }

    /// Takes `id` out; nothing if it is not there.
    fn remove(&mut self, id: &[u8]) {
        let (at, Some(next), before) = self.find(id) else {
            return;
        };
        self.bytes.drain(at..next);
        if at == self.last {
            self.last = before;
        } else if at < self.last {
            self.last -= next - at;
        }
    }

    /// The ids from the first at or past the middle on, taken out as a run of their
    /// own: both halves have room again.
    /// Each half keeps one id at least: a run of two ids or more splits in two
    /// runs, none empty.
    fn split(&mut self) -> Run {
        let mut at = 0;
        let mut before;
        loop {
            (before, at) = (at, self.id_at(at).1);
            if at >= self.bytes.len() / 2 || at >= self.last {
                break;
            }
        }
        let next = Run {
            bytes: self.bytes.split_off(at),
            last: self.last.saturating_sub(at),
        };
        self.last = before;
        next
    }

    /// Where `id` starts, or would; where it ends if it is there; and where the id
    /// before it starts (0 for none).
    fn find(&self, id: &[u8]) -> (usize, Option<usize>, usize) {
        let (mut at, mut before) = (0, 0);
        while at < self.bytes.len() {
            let (here, next) = self.id_at(at);
            match here.cmp(id) {
                Ordering::Less => (before, at) = (at, next),
                Ordering::Equal => return (at, Some(next), before),
                Ordering::Greater => break,
            }
        }
        (at, None, before)
    }

    /// The bytes of the id starting at `at`, and where the next one starts. Walks
    /// compare bytes (the order `str` has) and leave UTF-8 checks to reading.
    fn id_at(&self, at: usize) -> (&[u8], usize) {
        read(&self.bytes, at).unwrap_or((&[], self.bytes.len()))
    }
}

/// The bytes of the id written at `at`, and where the next one starts; `None` past
/// the end.
fn read(bytes: &[u8], mut at: usize) -> Option<(&[u8], usize)> {
    let id = read_name(bytes, &mut at)?;
    Some((id, at))
}

/// The ids of an [`IdList`], in order.
pub(super) struct Iter<'a> {
    bytes: &'a [u8],
    at: usize,
    /// The runs after the one being read.
    rest: std::slice::Iter<'a, Run>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        loop {
            if let Some((id, next)) = read(self.bytes, self.at) {
                self.at = next;
                // Only whole `str`s are written, so this always holds.
                return std::str::from_utf8(id).ok();
            }
            self.bytes = &self.rest.next()?.bytes;
            self.at = 0;
        }
    }
}

impl<'a> IntoIterator for &'a IdList {
    type Item = &'a str;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// Lists are equal when they hold the same ids, however their runs fell.
impl PartialEq for IdList {
    fn eq(&self, other: &IdList) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for IdList {}

impl fmt::Debug for IdList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn long_ids_and_empty_ones_read_back() {
        let long = "x".repeat(300);
        let mut list = IdList::default();
        for id in ["b", "", &long, "a"] {
            list.insert(id);
        }
        assert_eq!(list.iter().collect::<Vec<_>>(), ["", "a", "b", &long]);
        list.remove(&long);
        list.insert("c");
        assert_eq!(list.to_vec(), ["", "a", "b", "c"]);
        assert!(EMPTY.is_empty() && EMPTY.iter().next().is_none());
    }

    /// What holds for a list however it was built: runs in order, none empty, each
    /// knowing where its last id starts, and a long list in more than one.
    fn check(list: &IdList) {
        let runs: &[Run] = match &list.0 {
            Runs::One(run) => std::slice::from_ref(run),
            Runs::Many(runs) => {
                assert!(runs.len() >= 2 && runs.iter().all(|r| !r.bytes.is_empty()));
                runs
            }
        };
        for run in runs {
            let mut at = 0;
            let mut last = None;
            while at < run.bytes.len() {
                let (_, next) = run.id_at(at);
                last = Some(at);
                at = next;
            }
            assert_eq!(last.unwrap_or(0), run.last);
        }
        for pair in runs.windows(2) {
            assert!(pair[0].id_at(pair[0].last).0 < pair[1].id_at(0).0);
        }
    }

    #[test]
    fn a_long_list_is_kept_in_runs_and_reads_as_one() {
        let ids: Vec<String> = (0..200).map(|i| format!("{i:03}")).collect();
        let mut in_order = IdList::default();
        ids.iter().for_each(|id| in_order.insert(id));
        let mut reversed = IdList::default();
        ids.iter().rev().for_each(|id| reversed.insert(id));
        for list in [&in_order, &reversed] {
            check(list);
            assert!(matches!(list.0, Runs::Many(_)));
            assert_eq!(list.to_vec(), ids);
        }
        assert_eq!(in_order, reversed);
        // Taken out again down to one run.
        for id in &ids[1..] {
            reversed.remove(id);
        }
        check(&reversed);
        assert!(matches!(reversed.0, Runs::One(_)));
        assert_eq!(reversed.to_vec(), ["000"]);
        // A list costs what it did before runs.
        assert_eq!(std::mem::size_of::<IdList>(), 32);
    }

    #[test]
    fn ids_coming_down_into_a_gap_fill_runs() {
        let mut list = IdList::default();
        (0..200).for_each(|i| list.insert(&format!("{i:03}")));
        let runs = |list: &IdList| match &list.0 {
            Runs::Many(runs) => runs.len(),
            Runs::One(_) => 1,
        };
        let before = runs(&list);
        let Runs::Many(all) = &list.0 else {
            panic!("200 ids in more than one run");
        };
        let gap = String::from_utf8_lossy(all[0].id_at(all[0].last).0).into_owned();
        for j in (0..50).rev() {
            list.insert(&format!("{gap}-{j:02}"));
        }
        check(&list);
        // 50 ids of 7 bytes take runs at least half full (12 of 24 bytes), not a
        // run each.
        let added = runs(&list) - before;
        assert!(added <= 50 * 7 / 12 + 1, "{added} runs");
    }

    proptest! {
        /// Any inserts and removals leave what a sorted `Vec<String>` would hold.
        #[test]
        fn holds_what_a_sorted_list_would(
            steps in proptest::collection::vec((any::<bool>(), "[a-f]{0,3}|x{20,30}"), 0..200),
        ) {
            let mut list = IdList::default();
            let mut model: Vec<String> = Vec::new();
            for (add, id) in &steps {
                if *add {
                    list.insert(id);
                    if let Err(at) = model.binary_search(id) {
                        model.insert(at, id.clone());
                    }
                } else {
                    list.remove(id);
                    if let Ok(at) = model.binary_search(id) {
                        model.remove(at);
                    }
                }
                prop_assert_eq!(list.to_vec(), model.clone());
                prop_assert_eq!(list.is_empty(), model.is_empty());
                check(&list);
            }
        }
    }
}
