//! Small maps from names to amounts, packed into one allocation: a view's dwell per
//! section (a server holds a million views, each with a few sections, and a list of
//! `(id, ms)` pairs cost 32 bytes a section even with its id kept inline), and a
//! customer's interest per tag (a tree node each, about 290 bytes).

use crate::packed::{read_name, read_varint, write_name, write_varint};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;

/// Amounts by name in name order, each its name's length, its name and its amount,
/// the numbers as LEB128 varints (a dwell under 16 s takes two bytes). Read and
/// written as a JSON object, as a map is.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Weights(Box<[u8]>);

impl Weights {
    pub fn get(&self, name: &str) -> Option<u64> {
        self.find(name).0
    }

    pub fn len(&self) -> usize {
        self.iter().count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every name and its amount, in name order.
    pub fn iter(&self) -> WeightsIter<'_> {
        WeightsIter {
            bytes: &self.0,
            at: 0,
        }
    }

    /// Sets `name`'s amount.
    pub fn insert(&mut self, name: &str, amount: u64) {
        self.set(name, |_| amount);
    }

    /// `amount` more on `name`.
    pub fn add(&mut self, name: &str, amount: u64) {
        self.set(name, |old| old.unwrap_or(0).saturating_add(amount));
    }

    /// At least `amount` on `name` (merge by maximum).
    pub fn raise(&mut self, name: &str, amount: u64) {
        self.set(name, |old| old.unwrap_or(0).max(amount));
    }

    /// At least the amount `other` has on each of its names: one pass over both.
    pub fn raise_all(&mut self, other: &Weights) {
        if other.is_empty() {
            return;
        }
        let (mut a, mut b) = (0, 0);
        let mut out = Vec::with_capacity(self.0.len() + other.0.len());
        loop {
            match (entry(&self.0, a), entry(&other.0, b)) {
                (None, None) => break,
                (Some((id, ms, next)), None) => (write(&mut out, id, ms), a = next).1,
                (None, Some((id, ms, next))) => (write(&mut out, id, ms), b = next).1,
                (Some((x, xm, xn)), Some((y, ym, yn))) => match x.cmp(y) {
                    Ordering::Less => (write(&mut out, x, xm), a = xn).1,
                    Ordering::Greater => (write(&mut out, y, ym), b = yn).1,
                    Ordering::Equal => {
                        write(&mut out, x, xm.max(ym));
                        (a, b) = (xn, yn);
                    }
                },
            }
        }
        if *out != *self.0 {
            self.0 = out.into_boxed_slice();
        }
    }

    /// `name`'s amount, and where its entry starts and ends (both where it belongs
    /// when it has none).
    fn find(&self, name: &str) -> (Option<u64>, usize, usize) {
        let mut at = 0;
        while let Some((here, amount, next)) = entry(&self.0, at) {
            match here.cmp(name.as_bytes()) {
                Ordering::Less => at = next,
                Ordering::Equal => return (Some(amount), at, next),
                Ordering::Greater => break,
            }
        }
        (None, at, at)
    }

    /// `id`'s amount set to `to(its amount now)`, the name added where it belongs.
    fn set(&mut self, id: &str, to: impl FnOnce(Option<u64>) -> u64) {
        let (old, at, end) = self.find(id);
        let ms = to(old);
        if old == Some(ms) {
            return;
        }
        let mut out = Vec::with_capacity(self.0.len() + id.len() + 12);
        out.extend_from_slice(&self.0[..at]);
        write(&mut out, id.as_bytes(), ms);
        out.extend_from_slice(&self.0[end..]);
        self.0 = out.into_boxed_slice();
    }

    /// Packs `list`: in name order, the last amount given for a name standing (as in a
    /// map).
    fn sorted<S: AsRef<str>>(mut list: Vec<(S, u64)>) -> Weights {
        // Stable: a name's amounts stay in the order given.
        list.sort_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
        let mut out = Vec::new();
        for (i, (id, ms)) in list.iter().enumerate() {
            let repeated = list
                .get(i + 1)
                .is_some_and(|(next, _)| next.as_ref() == id.as_ref());
            if !repeated {
                write(&mut out, id.as_ref().as_bytes(), *ms);
            }
        }
        Weights(out.into_boxed_slice())
    }
}

fn write(out: &mut Vec<u8>, name: &[u8], amount: u64) {
    write_name(out, name);
    write_varint(out, amount);
}

/// The entry written at `at`: its name's bytes, its amount, and where the next one
/// starts; `None` past the end.
fn entry(bytes: &[u8], mut at: usize) -> Option<(&[u8], u64, usize)> {
    let name = read_name(bytes, &mut at)?;
    let amount = read_varint(bytes, &mut at)?;
    Some((name, amount, at))
}

/// What [`Weights::iter`] yields: `(name, amount)`.
pub struct WeightsIter<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Iterator for WeightsIter<'a> {
    type Item = (&'a str, u64);

    fn next(&mut self) -> Option<(&'a str, u64)> {
        let (id, ms, next) = entry(self.bytes, self.at)?;
        self.at = next;
        // Only whole `str`s are written, so this always holds.
        Some((std::str::from_utf8(id).ok()?, ms))
    }
}

impl<'a> IntoIterator for &'a Weights {
    type Item = (&'a str, u64);
    type IntoIter = WeightsIter<'a>;
    fn into_iter(self) -> WeightsIter<'a> {
        self.iter()
    }
}

impl FromIterator<(String, u64)> for Weights {
    /// The last amount given for a name stands, as in a map. Sorted once, not kept
    /// sorted item by item: a snapshot's sections arrive from strangers, in any
    /// number and order.
    fn from_iter<I: IntoIterator<Item = (String, u64)>>(items: I) -> Weights {
        Weights::sorted(items.into_iter().collect())
    }
}

impl fmt::Debug for Weights {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for Weights {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

/// A name as read: borrowed from the text where it holds no escapes.
struct Id<'de>(Cow<'de, str>);

impl AsRef<str> for Id<'_> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Id<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Id<'de>, D::Error> {
        struct Text;
        impl<'de> serde::de::Visitor<'de> for Text {
            type Value = Id<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a name")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Id<'de>, E> {
                Ok(Id(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Id<'de>, E> {
                Ok(Id(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<Id<'de>, E> {
                Ok(Id(Cow::Owned(v)))
            }
            // Formats that give text as bytes, as `String` takes them.
            fn visit_borrowed_bytes<E: serde::de::Error>(self, v: &'de [u8]) -> Result<Id<'de>, E> {
                let text = std::str::from_utf8(v).map_err(E::custom)?;
                Ok(Id(Cow::Borrowed(text)))
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Id<'de>, E> {
                let text = std::str::from_utf8(v).map_err(E::custom)?;
                Ok(Id(Cow::Owned(text.to_owned())))
            }
        }
        d.deserialize_str(Text)
    }
}

impl<'de> Deserialize<'de> for Weights {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Weights, D::Error> {
        struct Map;
        impl<'de> serde::de::Visitor<'de> for Map {
            type Value = Weights;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of names to amounts")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Weights, A::Error> {
                let mut list = Vec::new();
                while let Some(entry) = map.next_entry::<Id<'de>, u64>()? {
                    list.push(entry);
                }
                Ok(Weights::sorted(list))
            }
        }
        d.deserialize_map(Map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    #[test]
    fn sections_read_and_write_as_the_map_they_were() {
        let read: Weights =
            serde_json::from_str(r#"{"b2": 5, "a1": 7, "b2": 9, "c3": 0}"#).unwrap();
        // In id order, and the last dwell given for an id stands (as in a map).
        assert_eq!(
            serde_json::to_string(&read).unwrap(),
            r#"{"a1":7,"b2":9,"c3":0}"#
        );
        assert!(serde_json::from_str::<Weights>("[1, 2]").is_err());
        assert!(serde_json::from_str::<Weights>(r#"{"a": -1}"#).is_err());
        // Ids long or short, escaped or not, and dwells of any size read back.
        let long = "a-section-id-longer-than-a-hundred-and-twenty-seven-bytes-".repeat(3);
        let text = format!(r#"{{"{long}": 1, "\u00e9\"": {}, "": 0}}"#, u64::MAX);
        let odd: Weights = serde_json::from_str(&text).unwrap();
        assert_eq!(
            odd.iter().collect::<Vec<_>>(),
            [("", 0), (long.as_str(), 1), ("é\"", u64::MAX)]
        );
        let again: Weights = serde_json::from_str(&serde_json::to_string(&odd).unwrap()).unwrap();
        assert_eq!(again, odd);

        let mut s = read;
        s.add("a1", 3);
        s.add("a0", 1);
        s.raise("b2", 4);
        s.raise("c3", 2);
        s.insert("b2", 1);
        assert_eq!(
            s.iter().collect::<Vec<_>>(),
            [("a0", 1), ("a1", 10), ("b2", 1), ("c3", 2)]
        );
        assert_eq!((s.get("a1"), s.get("zz"), s.len()), (Some(10), None, 4));
        // Adding stops at the most an amount can be.
        s.add("a1", u64::MAX);
        s.add("a1", 1);
        assert_eq!(s.get("a1"), Some(u64::MAX));
    }

    proptest! {
        /// Any changes leave what a map would hold, and equal lists are equal bytes.
        #[test]
        fn holds_what_a_map_would(
            start in prop::collection::vec(("[a-d]{0,2}", any::<u64>()), 0..6),
            steps in prop::collection::vec((0u8..4, "[a-d]{0,2}", 0u64..1 << 40), 0..20),
            other in prop::collection::btree_map("[a-d]{0,2}", any::<u64>(), 0..6),
        ) {
            let mut s: Weights = start.iter().cloned().collect();
            let mut model: BTreeMap<String, u64> = start.into_iter().collect();
            for (op, id, ms) in steps {
                let old = model.get(&id).copied();
                match op {
                    0 => s.insert(&id, ms),
                    1 => s.add(&id, ms),
                    2 => s.raise(&id, ms),
                    _ => {
                        prop_assert_eq!(s.get(&id), old);
                        continue;
                    }
                }
                let new = match op {
                    0 => ms,
                    1 => old.unwrap_or(0).saturating_add(ms),
                    _ => old.unwrap_or(0).max(ms),
                };
                model.insert(id, new);
            }
            let other_sections: Weights = other.clone().into_iter().collect();
            s.raise_all(&other_sections);
            for (id, ms) in other {
                let kept = model.entry(id).or_default();
                *kept = (*kept).max(ms);
            }
            let pairs: Vec<(String, u64)> = model.into_iter().collect();
            let read: Vec<(String, u64)> = s.iter().map(|(id, ms)| (id.to_owned(), ms)).collect();
            prop_assert_eq!(&read, &pairs);
            prop_assert_eq!(s, pairs.into_iter().collect::<Weights>());
        }
    }
}
