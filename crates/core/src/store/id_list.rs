//! A sorted list of ids packed into one allocation. The lookups hold an id for every
//! view under its link, every link under its contact and content, and so on: as a
//! `Vec<String>`, each id cost its own allocation (32 bytes at least) and 24 bytes
//! more in the list, several times its own length.

use crate::packed::{read_name, write_name};
use std::cmp::Ordering;
use std::fmt;

/// Ids in byte order (as `str` orders them), none twice, each written as a name
/// ([`crate::packed`]: its length, then its bytes).
#[derive(Clone, Default, PartialEq, Eq)]
pub(super) struct IdList {
    bytes: Vec<u8>,
    /// Where the last id starts: the lookups are built in id order, so an id added
    /// after the last one is appended without a walk.
    last: usize,
}

/// The empty list, lent for a key that has none.
pub(super) static EMPTY: IdList = IdList {
    bytes: Vec::new(),
    last: 0,
};

impl IdList {
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The ids in order.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            bytes: &self.bytes,
            at: 0,
        }
    }

    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_owned).collect()
    }

    /// Adds `id` in its place; nothing if it is there already.
    pub fn insert(&mut self, id: &str) {
        let id_bytes = id.as_bytes();
        if self.is_empty() || self.id_at(self.last).0 < id_bytes {
            self.last = self.bytes.len();
            write_name(&mut self.bytes, id_bytes);
            return;
        }
        let (at, there, _) = self.find(id_bytes);
        if there.is_some() {
            return;
        }
        let mut entry = Vec::new();
        write_name(&mut entry, id_bytes);
        self.last += entry.len();
        self.bytes.splice(at..at, entry);
    }

    /// Takes `id` out; nothing if it is not there.
    pub fn remove(&mut self, id: &str) {
        let (at, Some(next), before) = self.find(id.as_bytes()) else {
            return;
        };
        self.bytes.drain(at..next);
        if at == self.last {
            self.last = before;
        } else if at < self.last {
            self.last -= next - at;
        }
    }

    /// Gives back what growing one id at a time left unused.
    pub fn shrink(&mut self) {
        self.bytes.shrink_to_fit();
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
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let (id, next) = read(self.bytes, self.at)?;
        self.at = next;
        // Only whole `str`s are written, so this always holds.
        std::str::from_utf8(id).ok()
    }
}

impl<'a> IntoIterator for &'a IdList {
    type Item = &'a str;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

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

    proptest! {
        /// Any inserts and removals leave what a sorted `Vec<String>` would hold.
        #[test]
        fn holds_what_a_sorted_list_would(
            steps in proptest::collection::vec((any::<bool>(), "[a-d]{0,3}"), 0..60),
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
                // The fast path's idea of the last id stays right.
                if let Some(last) = model.last() {
                    prop_assert_eq!(list.id_at(list.last).0, last.as_bytes());
                }
            }
        }
    }
}
