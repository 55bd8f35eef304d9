//! Records kept by their own id, in id order. A map from id to record holds every
//! id twice, as the key and in the record: 56 bytes of each view (an id of up to 24
//! bytes), 56 MB of a server's memory at a million views.

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Borrow;
use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};

/// A record with an id of its own.
pub trait Identified {
    fn id(&self) -> &str;
}

impl Identified for crate::tracking::ViewSession {
    fn id(&self) -> &str {
        &self.id
    }
}

/// Records by their ids: what `BTreeMap<String, T>` keyed by those ids offers, and
/// the same JSON (an object from id to record).
#[derive(Clone, Debug)]
pub struct ById<T: Identified>(BTreeSet<Entry<T>>);

/// A record ordered, and found, by its id alone.
#[derive(Clone, Debug)]
struct Entry<T>(T);

impl<T: Identified> PartialEq for Entry<T> {
    fn eq(&self, other: &Self) -> bool {
        self.0.id() == other.0.id()
    }
}

impl<T: Identified> Eq for Entry<T> {}

impl<T: Identified> PartialOrd for Entry<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T: Identified> Ord for Entry<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.id().cmp(other.0.id())
    }
}

impl<T: Identified> Borrow<str> for Entry<T> {
    fn borrow(&self) -> &str {
        self.0.id()
    }
}

impl<T: Identified> Default for ById<T> {
    fn default() -> Self {
        ById(BTreeSet::new())
    }
}

/// Equal when they hold equal records (not only the same ids).
impl<T: Identified + PartialEq> PartialEq for ById<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.values().eq(other.values())
    }
}

impl<T: Identified + Eq> Eq for ById<T> {}

impl<T: Identified> ById<T> {
    pub fn get(&self, id: &str) -> Option<&T> {
        self.0.get(id).map(|e| &e.0)
    }

    pub fn contains_key(&self, id: &str) -> bool {
        self.0.contains(id)
    }

    /// Keeps `record` under its id; returns the one it replaces.
    pub fn insert(&mut self, record: T) -> Option<T> {
        self.0.replace(Entry(record)).map(|e| e.0)
    }

    /// Takes the record `id` out.
    pub fn remove(&mut self, id: &str) -> Option<T> {
        self.0.take(id).map(|e| e.0)
    }

    /// The record `id` to change in place. It is out of the set while the handle
    /// lives and goes back under its id when the handle drops (in an unwinding panic
    /// too, where panics unwind), so a changed id files it anew. A handle forgotten
    /// (`mem::forget`) loses the record: nothing here does that.
    pub fn get_mut(&mut self, id: &str) -> Option<RecordMut<'_, T>> {
        let entry = self.0.take(id)?;
        Some(RecordMut {
            set: &mut self.0,
            entry: Some(entry),
        })
    }

    /// The records in id order.
    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.0.iter().map(|e| &e.0)
    }

    /// The ids, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|e| e.0.id())
    }

    /// (id, record) pairs in id order, as a map's.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &T)> {
        self.0.iter().map(|e| (e.0.id(), &e.0))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The record `id`, which must be there (as a map's index).
impl<T: Identified> std::ops::Index<&str> for ById<T> {
    type Output = T;

    fn index(&self, id: &str) -> &T {
        match self.get(id) {
            Some(record) => record,
            None => panic!("no record {id}"),
        }
    }
}

/// A record taken out of a [`ById`] to change; see [`ById::get_mut`].
pub struct RecordMut<'a, T: Identified> {
    set: &'a mut BTreeSet<Entry<T>>,
    entry: Option<Entry<T>>,
}

impl<T: Identified> Deref for RecordMut<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        match &self.entry {
            Some(e) => &e.0,
            None => unreachable!("the record is only put back on drop"),
        }
    }
}

impl<T: Identified> DerefMut for RecordMut<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        match &mut self.entry {
            Some(e) => &mut e.0,
            None => unreachable!("the record is only put back on drop"),
        }
    }
}

impl<T: Identified> Drop for RecordMut<'_, T> {
    fn drop(&mut self) {
        if let Some(entry) = self.entry.take() {
            self.set.replace(entry);
        }
    }
}

impl<T: Identified> FromIterator<T> for ById<T> {
    fn from_iter<I: IntoIterator<Item = T>>(records: I) -> Self {
        ById(records.into_iter().map(Entry).collect())
    }
}

/// From a map's (key, record) pairs: the key is the record's own id.
impl<T: Identified> FromIterator<(String, T)> for ById<T> {
    fn from_iter<I: IntoIterator<Item = (String, T)>>(pairs: I) -> Self {
        pairs.into_iter().map(|(_, record)| record).collect()
    }
}

impl<T: Identified + Serialize> Serialize for ById<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.len()))?;
        for (id, record) in self.iter() {
            map.serialize_entry(id, record)?;
        }
        map.end()
    }
}

impl<'de, T: Identified + Deserialize<'de>> Deserialize<'de> for ById<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(Records(PhantomData))
    }
}

/// Reads an object from id to record; each record is filed under its own id.
struct Records<T>(PhantomData<T>);

impl<'de, T: Identified + Deserialize<'de>> Visitor<'de> for Records<T> {
    type Value = ById<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object of records by id")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ById<T>, A::Error> {
        let mut out = ById::default();
        while let Some((_, record)) = map.next_entry::<serde::de::IgnoredAny, T>()? {
            out.insert(record);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
    struct Thing {
        id: String,
        n: u32,
    }

    impl Identified for Thing {
        fn id(&self) -> &str {
            &self.id
        }
    }

    #[derive(Clone, Debug)]
    enum Op {
        Insert(String, u32),
        Bump(String),
        Rename(String, String),
    }

    fn op() -> impl Strategy<Value = Op> {
        let id = "[a-d]{0,2}";
        prop_oneof![
            (id, any::<u32>()).prop_map(|(i, n)| Op::Insert(i, n)),
            id.prop_map(Op::Bump),
            (id, id).prop_map(|(a, b)| Op::Rename(a, b)),
        ]
    }

    proptest! {
        /// Under any inserts and changes it holds what a map by id holds, in the
        /// same order, and writes and reads the same JSON.
        #[test]
        fn acts_as_a_map_by_id(ops in prop::collection::vec(op(), 0..40)) {
            let mut by_id = ById::default();
            let mut map = BTreeMap::new();
            for op in ops {
                match op {
                    Op::Insert(id, n) => {
                        let old = map.insert(id.clone(), Thing { id: id.clone(), n });
                        prop_assert_eq!(by_id.insert(Thing { id, n }), old);
                    }
                    Op::Bump(id) => {
                        if let Some(t) = map.get_mut(&id) {
                            t.n = t.n.wrapping_add(1);
                        }
                        if let Some(mut t) = by_id.get_mut(&id) {
                            t.n = t.n.wrapping_add(1);
                        }
                    }
                    // A changed id files the record anew, replacing any under it.
                    Op::Rename(from, to) => {
                        if let Some(mut t) = map.remove(&from) {
                            t.id = to.clone();
                            map.insert(to.clone(), t);
                        }
                        if let Some(mut t) = by_id.get_mut(&from) {
                            t.id = to;
                        }
                    }
                }
                prop_assert_eq!(by_id.len(), map.len());
                prop_assert!(by_id.values().eq(map.values()));
                prop_assert!(by_id.keys().eq(map.keys().map(String::as_str)));
                for (id, t) in &map {
                    prop_assert_eq!(by_id.get(id), Some(t));
                    prop_assert!(by_id.contains_key(id));
                }
            }
            let json = serde_json::to_string(&by_id).unwrap();
            prop_assert_eq!(&json, &serde_json::to_string(&map).unwrap());
            let back: ById<Thing> = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(&back, &by_id);
            let collected: ById<Thing> = map.clone().into_iter().collect();
            prop_assert_eq!(collected, by_id);
        }
    }

    #[test]
    fn a_record_changed_in_a_panic_is_kept() {
        let mut by_id: ById<Thing> = [Thing {
            id: "a".into(),
            n: 1,
        }]
        .into_iter()
        .collect();
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut t = by_id.get_mut("a").unwrap();
            t.n = 2;
            panic!("in the middle");
        }));
        assert!(caught.is_err());
        assert_eq!(
            by_id.get("a"),
            Some(&Thing {
                id: "a".into(),
                n: 2
            })
        );
    }

    #[test]
    fn equal_ids_with_other_contents_are_not_equal() {
        let one: ById<Thing> = [Thing {
            id: "a".into(),
            n: 1,
        }]
        .into_iter()
        .collect();
        let two: ById<Thing> = [Thing {
            id: "a".into(),
            n: 2,
        }]
        .into_iter()
        .collect();
        assert_ne!(one, two);
    }
}
