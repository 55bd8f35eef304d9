//! The running tallies saved between a server's runs: a server that stops saves
//! them with the head they count (see the server's `storage/checkpoint.rs`), and one
//! that starts takes them back instead of counting every view again: at that head as
//! they are, at a later one brought up by the records written since, as a copy
//! catching up with another server is (given the links as they were counted through,
//! which the server saves beside them).
//!
//! The lists that grow with the views (when each counted view started, the days
//! each reader read on) are written as numbers: chrono writes an instant or a day
//! as text, and a start would parse a million of them.

use super::tally::Tallies;
use super::{Db, Record};
use crate::share::Share;
use chrono::{Datelike as _, NaiveDate};
use foldhash::HashMap;
use serde::de::{Error as _, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;
use std::hash::Hash;
use std::marker::PhantomData;

/// Tallies read back from where a server saved them (see [`Db::saved_tallies`]).
#[derive(Debug, PartialEq, Eq, Deserialize)]
pub struct SavedTallies(Tallies);

/// A copy's tallies as they are, to save.
#[derive(Serialize)]
struct Saving<'a>(&'a Tallies);

impl Db {
    /// The running tallies, to save with the head this copy holds: a copy at that
    /// head takes them back with [`Db::restore_tallies`], one at a later head with
    /// [`Db::restore_tallies_before`].
    pub fn saved_tallies(&self) -> impl Serialize + '_ {
        Saving(&self.ix().tallies)
    }

    /// Takes back tallies saved at the head this copy's records are at, in place of
    /// counting its views: the lookups are built from the records it holds, which
    /// on a copy that let its views go counts none.
    pub fn restore_tallies(&mut self, saved: SavedTallies) {
        self.build_lookups();
        if let Some(ix) = self.index.get_mut() {
            ix.tallies = saved.0;
        }
    }

    /// Takes back tallies saved at an earlier head than this copy's records are at,
    /// given `since`, the records written after it (as a copy catching up reads
    /// them), and `then`, those of their links that were there when the tallies
    /// were saved, as they were. The links are put back as the tallies counted them
    /// (those issued since let go), so that putting `since` after, with the views
    /// they name as they were counted (see [`Db::views_for_records`]), brings the
    /// tallies to the records' head as it brings a copy catching up. The other
    /// records may stay as they are: putting a record again over itself changes
    /// nothing but links and views.
    pub fn restore_tallies_before(
        &mut self,
        saved: SavedTallies,
        since: &[Record],
        mut then: BTreeMap<String, Share>,
    ) {
        // Built again from the links as they were.
        self.forget_lookups();
        for record in since {
            if let Record::Share(now) = record {
                match then.remove(&now.token) {
                    Some(link) => self.shares.insert(now.token.clone(), link),
                    None => self.shares.remove(&now.token),
                };
            }
        }
        self.restore_tallies(saved);
    }
}

/// A map read entry by entry into the one kept, each value converted as it is
/// read: a start at a million views would otherwise build a second map of a
/// million entries first.
fn read_map<'de, D, K, R, V>(
    d: D,
    convert: impl Fn(R) -> Result<V, String>,
) -> Result<HashMap<K, V>, D::Error>
where
    D: Deserializer<'de>,
    K: Deserialize<'de> + Hash + Eq,
    R: Deserialize<'de>,
{
    struct Entries<F, K, R>(F, PhantomData<(K, R)>);
    impl<'de, F, K, R, V> Visitor<'de> for Entries<F, K, R>
    where
        F: Fn(R) -> Result<V, String>,
        K: Deserialize<'de> + Hash + Eq,
        R: Deserialize<'de>,
    {
        type Value = HashMap<K, V>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a map")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
            // The length comes from storage: trusted for the capacity only so far.
            let room = a.size_hint().unwrap_or(0).min(1 << 20);
            let mut out = HashMap::with_capacity_and_hasher(room, Default::default());
            while let Some((key, read)) = a.next_entry()? {
                out.insert(key, (self.0)(read).map_err(A::Error::custom)?);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Entries(convert, PhantomData))
}

/// Each reader's reading days (`Reach`), days as numbers.
pub(super) mod reading_days {
    use super::*;

    type Days = HashMap<u64, crate::store::reach::ReadingDays>;

    struct Numbered<'a>(&'a [(NaiveDate, u32)]);

    impl Serialize for Numbered<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(self.0.iter().map(|(d, n)| (d.num_days_from_ce(), *n)))
        }
    }

    pub fn serialize<S: Serializer>(days: &Days, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(days.iter().map(|(k, v)| (k, Numbered(v))))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Days, D::Error> {
        read_map(d, |read: Vec<(i32, u32)>| {
            let day = |n| NaiveDate::from_num_days_from_ce_opt(n).ok_or("a day out of range");
            read.into_iter()
                .map(|(d, n)| Ok((day(d)?, n)))
                .collect::<Result<_, &str>>()
                .map_err(str::to_owned)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo;
    use chrono::Utc;

    fn written(db: &Db) -> Vec<u8> {
        postcard::to_allocvec(&db.saved_tallies()).expect("written")
    }

    fn read(doc: &[u8]) -> SavedTallies {
        postcard::from_bytes(doc).expect("read back")
    }

    /// Tallies written and read back are the ones counted (the demo's hold starts
    /// to the nanosecond, reading days, visits under all three keys, both kinds of
    /// target), and a copy of the same records holding no views, given them back,
    /// holds them.
    #[test]
    fn tallies_read_back_are_the_ones_counted() {
        let db = demo::seed(Utc::now());
        let counted = &db.ix().tallies;
        let saved = read(&written(&db));
        assert_eq!(&saved.0, counted);
        let mut copy = db.clone();
        copy.sessions = Default::default();
        copy.forget_lookups();
        assert_ne!(
            &copy.ix().tallies,
            counted,
            "a copy without views counts none"
        );
        copy.forget_lookups();
        copy.restore_tallies(saved);
        assert_eq!(&copy.ix().tallies, counted);
    }
}
