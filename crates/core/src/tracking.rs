//! View sessions and their cumulative snapshots.
//!
//! The page sends its totals so far, never increments. Merging keeps the maximum of
//! every figure and the union of actions, which is commutative, associative and
//! idempotent: a lost, repeated or reordered snapshot changes nothing (proved by the
//! property tests below).

use crate::validate::{FieldErrors, FieldProblem};
use chrono::{DateTime, Utc};
use compact_str::CompactString;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A view counts once the reader has seen the page for this long, so link-preview bots
/// and accidental taps don't inflate numbers.
pub const VIEW_COUNT_THRESHOLD_MS: u64 = 2_000;
/// No single view session is credited more than a day of visible time.
pub const MAX_SESSION_VISIBLE_MS: u64 = 24 * 60 * 60 * 1000;
pub const MAX_SECTIONS: usize = 500;

/// What a reader did on a page besides reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ViewAction {
    SavedContact,
    Called,
    CopiedWechat,
    Emailed,
    Messaged,
    OpenedContent,
    Forwarded,
    LeftDetails,
}

/// Cumulative figures of one view session.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewTotals {
    /// Time the page was visible and the reader active.
    pub visible_ms: u64,
    /// Deepest scroll position reached, 0-100.
    pub max_scroll_pct: u8,
    pub video_ms: u64,
    /// Dwell per section (block id), while at least half of it was on screen.
    #[serde(default)]
    pub sections: Sections,
    #[serde(default)]
    pub actions: BTreeSet<ViewAction>,
}

/// Dwell per section (block id) in id order, as a short sorted list: a view has a
/// few sections, and a server holds a million views. A list takes about half the
/// memory of a map, and ids kept inline (block ids are short) save each one a heap
/// allocation of its own. Read and written as a JSON object, as a map is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sections(Vec<(CompactString, u64)>);

impl Sections {
    pub fn get(&self, id: &str) -> Option<&u64> {
        self.find(id).ok().map(|at| &self.0[at].1)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every section and its dwell, in id order.
    pub fn iter(&self) -> SectionsIter<'_> {
        self.0.iter().map(|(id, ms)| (id.as_str(), ms))
    }

    /// Sets `id`'s dwell.
    pub fn insert(&mut self, id: &str, ms: u64) {
        match self.find(id) {
            Ok(at) => self.0[at].1 = ms,
            Err(at) => self.0.insert(at, (id.into(), ms)),
        }
    }

    /// `ms` more on `id`.
    pub fn add(&mut self, id: &str, ms: u64) {
        match self.find(id) {
            Ok(at) => self.0[at].1 += ms,
            Err(at) => self.0.insert(at, (id.into(), ms)),
        }
    }

    /// At least `ms` on `id` (merge by maximum).
    pub fn raise(&mut self, id: &str, ms: u64) {
        match self.find(id) {
            Ok(at) => self.0[at].1 = self.0[at].1.max(ms),
            Err(at) => self.0.insert(at, (id.into(), ms)),
        }
    }

    fn sorted(mut list: Vec<(CompactString, u64)>) -> Sections {
        // Stable: an id's dwells stay in the order given, and the last is kept.
        list.sort_by(|a, b| a.0.cmp(&b.0));
        list.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1 = later.1;
            }
            same
        });
        Sections(list)
    }

    fn find(&self, id: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(id))
    }
}

/// What [`Sections::iter`] yields: `(id, &ms)`.
pub type SectionsIter<'a> = std::iter::Map<
    std::slice::Iter<'a, (CompactString, u64)>,
    fn(&'a (CompactString, u64)) -> (&'a str, &'a u64),
>;

impl<'a> IntoIterator for &'a Sections {
    type Item = (&'a str, &'a u64);
    type IntoIter = SectionsIter<'a>;
    fn into_iter(self) -> SectionsIter<'a> {
        self.iter()
    }
}

impl FromIterator<(String, u64)> for Sections {
    /// The last dwell given for an id stands, as in a map. Sorted once, not kept
    /// sorted item by item: a snapshot's sections arrive from strangers, in any
    /// number and order.
    fn from_iter<I: IntoIterator<Item = (String, u64)>>(items: I) -> Sections {
        Sections::sorted(items.into_iter().map(|(id, ms)| (id.into(), ms)).collect())
    }
}

impl std::ops::Index<&str> for Sections {
    type Output = u64;
    /// Panics when `id` has no dwell, as a map's index does.
    fn index(&self, id: &str) -> &u64 {
        self.get(id).unwrap_or_else(|| panic!("no section {id}"))
    }
}

impl Serialize for Sections {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Sections {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Sections, D::Error> {
        struct Map;
        impl<'de> serde::de::Visitor<'de> for Map {
            type Value = Sections;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map of section ids to milliseconds")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Sections, A::Error> {
                let mut list = Vec::new();
                // Each id read straight into its inline form, no `String` between.
                while let Some(entry) = map.next_entry::<CompactString, u64>()? {
                    list.push(entry);
                }
                Ok(Sections::sorted(list))
            }
        }
        d.deserialize_map(Map)
    }
}

impl ViewTotals {
    /// Merge by maximum (see the module docs).
    pub fn merge(&mut self, other: &ViewTotals) {
        self.visible_ms = self.visible_ms.max(other.visible_ms);
        self.max_scroll_pct = self.max_scroll_pct.max(other.max_scroll_pct);
        self.video_ms = self.video_ms.max(other.video_ms);
        for (id, ms) in &other.sections {
            self.sections.raise(id, *ms);
        }
        self.actions.extend(other.actions.iter().copied());
    }

    pub fn is_counted(&self) -> bool {
        self.visible_ms >= VIEW_COUNT_THRESHOLD_MS
    }

    /// Sections by dwell, longest first (ties by id, for stable output).
    pub fn top_sections(&self, n: usize) -> Vec<(&str, u64)> {
        let mut list: Vec<(&str, u64)> = self.sections.iter().map(|(id, ms)| (id, *ms)).collect();
        list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        list.truncate(n);
        list
    }
}

/// One report from a reading page. `seq` only orders snapshots for diagnostics; the
/// merge does not depend on it. The backend accepts it only for a session it issued
/// (`OpenedShare::session_id`) with the share and reader that session was issued for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Issued by the backend when the page was opened; stable for one page view.
    pub session_id: String,
    /// The share token the page was opened with (after the forward-chain swap, the
    /// reader's own child token's parent).
    pub share_token: String,
    pub seq: u32,
    pub totals: ViewTotals,
    /// The reader's own (child) link: tells anonymous readers apart and recognises
    /// one who comes back. Must be the one the session was issued with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reader_token: Option<String>,
}

impl Snapshot {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::default();
        let id_ok = |s: &str| {
            crate::ids::parse_public_id(s)
                .map(|_| ())
                .map_err(|_| FieldProblem::Range)
        };
        errs.check("session_id", id_ok(&self.session_id))
            .check("share_token", id_ok(&self.share_token))
            .check(
                "reader_token",
                self.reader_token.as_deref().map_or(Ok(()), id_ok),
            )
            .check(
                "totals.visible_ms",
                in_range(self.totals.visible_ms <= MAX_SESSION_VISIBLE_MS),
            )
            .check(
                "totals.video_ms",
                in_range(self.totals.video_ms <= MAX_SESSION_VISIBLE_MS),
            )
            .check(
                "totals.max_scroll_pct",
                in_range(self.totals.max_scroll_pct <= 100),
            )
            .check(
                "totals.sections",
                in_range(
                    self.totals.sections.len() <= MAX_SECTIONS
                        && self.totals.sections.iter().all(|(id, ms)| {
                            crate::ids::parse_public_id(id).is_ok() && *ms <= MAX_SESSION_VISIBLE_MS
                        }),
                ),
            );
        errs.into_result()
    }
}

fn in_range(ok: bool) -> Result<(), FieldProblem> {
    if ok { Ok(()) } else { Err(FieldProblem::Range) }
}

/// What the backend keeps of one page view: issued when the page is opened, counted
/// once its snapshots reach [`VIEW_COUNT_THRESHOLD_MS`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewSession {
    pub id: String,
    pub share_token: String,
    pub started_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// Snapshots that moved the totals on. A repeat changes nothing, so nothing of
    /// it is stored (counting it in memory alone would make backends disagree).
    pub snapshots_received: u32,
    pub totals: ViewTotals,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reader_token: Option<String>,
}

impl ViewSession {
    /// The session `id` for a page opened through `share_token` by the reader whose
    /// own link is `reader_token`; nothing read yet.
    pub fn issue(
        id: String,
        share_token: String,
        reader_token: String,
        now: DateTime<Utc>,
    ) -> ViewSession {
        ViewSession {
            id,
            share_token,
            started_at: now,
            last_seen_at: now,
            snapshots_received: 0,
            totals: ViewTotals::default(),
            reader_token: Some(reader_token),
        }
    }

    /// Whether `snapshot` belongs to this session: the same id, share and reader.
    pub fn accepts(&self, snapshot: &Snapshot) -> bool {
        self.id == snapshot.session_id
            && self.share_token == snapshot.share_token
            && self.reader_token == snapshot.reader_token
    }

    /// Folds a snapshot in; returns whether anything the rep would see changed, so a
    /// repeated snapshot raises no new event.
    pub fn apply(&mut self, snapshot: &Snapshot, now: DateTime<Utc>) -> bool {
        let before = self.totals.clone();
        self.totals.merge(&snapshot.totals);
        let changed = before != self.totals;
        if changed {
            self.snapshots_received = self.snapshots_received.saturating_add(1);
            self.last_seen_at = self.last_seen_at.max(now);
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sections_read_and_write_as_the_map_they_were() {
        let read: Sections =
            serde_json::from_str(r#"{"b2": 5, "a1": 7, "b2": 9, "c3": 0}"#).unwrap();
        // In id order, and the last dwell given for an id stands (as in a map).
        assert_eq!(
            serde_json::to_string(&read).unwrap(),
            r#"{"a1":7,"b2":9,"c3":0}"#
        );
        let map: std::collections::BTreeMap<String, u64> =
            serde_json::from_str(&serde_json::to_string(&read).unwrap()).unwrap();
        assert_eq!(map.len(), 3);
        assert!(serde_json::from_str::<Sections>("[1, 2]").is_err());
        assert!(serde_json::from_str::<Sections>(r#"{"a": -1}"#).is_err());
        // Ids kept inline or not, escaped or not, read back as written.
        let long = "a-section-id-longer-than-twenty-four-bytes";
        let odd: Sections =
            serde_json::from_str(&format!(r#"{{"{long}": 1, "\u00e9\"": 2}}"#)).unwrap();
        assert_eq!(
            odd.iter().map(|(id, ms)| (id, *ms)).collect::<Vec<_>>(),
            [(long, 1), ("é\"", 2)]
        );

        // Short ids take no allocation of their own, however they came in.
        let mut built: Sections = [("from-a-string".to_owned(), 1)].into_iter().collect();
        built.add("added", 1);
        built.raise("raised", 1);
        built.insert("inserted", 1);
        for list in [&read, &odd, &built] {
            for (id, _) in &list.0 {
                assert_eq!(id.is_heap_allocated(), id.len() > 24, "{id}");
            }
        }

        let mut s = read;
        s.add("a1", 3);
        s.add("a0", 1);
        s.raise("b2", 4);
        s.raise("c3", 2);
        s.insert("b2", 1);
        assert_eq!(
            s.iter().map(|(id, ms)| (id, *ms)).collect::<Vec<_>>(),
            [("a0", 1), ("a1", 10), ("b2", 1), ("c3", 2)]
        );
        assert_eq!(
            (s.get("a1"), s.get("zz"), s["c3"], s.len()),
            (Some(&10), None, 2, 4)
        );
    }

    fn totals(
        visible: u64,
        scroll: u8,
        sections: &[(&str, u64)],
        actions: &[ViewAction],
    ) -> ViewTotals {
        ViewTotals {
            visible_ms: visible,
            max_scroll_pct: scroll,
            video_ms: 0,
            sections: sections.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            actions: actions.iter().copied().collect(),
        }
    }

    #[test]
    fn merge_keeps_maxima_and_unions_actions() {
        let mut a = totals(5_000, 40, &[("intro", 3_000)], &[ViewAction::Called]);
        let b = totals(
            4_000,
            80,
            &[("intro", 1_000), ("price", 2_500)],
            &[ViewAction::SavedContact],
        );
        a.merge(&b);
        assert_eq!(
            a,
            totals(
                5_000,
                80,
                &[("intro", 3_000), ("price", 2_500)],
                &[ViewAction::Called, ViewAction::SavedContact]
            )
        );
    }

    #[test]
    fn counted_from_two_seconds() {
        assert!(!totals(1_999, 0, &[], &[]).is_counted());
        assert!(totals(2_000, 0, &[], &[]).is_counted());
    }

    #[test]
    fn top_sections_longest_first() {
        let t = totals(0, 0, &[("a", 1), ("b", 9), ("c", 9), ("d", 5)], &[]);
        assert_eq!(t.top_sections(3), vec![("b", 9), ("c", 9), ("d", 5)]);
    }

    #[test]
    fn repeated_snapshot_changes_nothing() {
        let snap = Snapshot {
            session_id: "s1".into(),
            share_token: "t1".into(),
            seq: 1,
            totals: totals(3_000, 10, &[], &[]),
            reader_token: Some("r1".into()),
        };
        let t0 = DateTime::<Utc>::from_timestamp(1_700_000_000, 0).unwrap();
        let mut s = ViewSession::issue("s1".into(), "t1".into(), "r1".into(), t0);
        assert!(s.accepts(&snap));
        assert!(!s.totals.is_counted());
        let t1 = t0 + chrono::Duration::seconds(3);
        assert!(s.apply(&snap, t1));
        assert!(!s.apply(&snap, t1 + chrono::Duration::seconds(5)));
        assert_eq!(s.last_seen_at, t1);
        assert_eq!(s.snapshots_received, 1);
    }

    #[test]
    fn a_session_accepts_only_its_own_share_and_reader() {
        let t0 = DateTime::<Utc>::from_timestamp(1_700_000_000, 0).unwrap();
        let s = ViewSession::issue("s1".into(), "t1".into(), "r1".into(), t0);
        let snap = |session: &str, share: &str, reader: Option<&str>| Snapshot {
            session_id: session.into(),
            share_token: share.into(),
            seq: 1,
            totals: totals(3_000, 10, &[], &[]),
            reader_token: reader.map(Into::into),
        };
        assert!(s.accepts(&snap("s1", "t1", Some("r1"))));
        assert!(!s.accepts(&snap("s2", "t1", Some("r1"))));
        assert!(!s.accepts(&snap("s1", "t2", Some("r1"))));
        assert!(!s.accepts(&snap("s1", "t1", Some("r2"))));
        assert!(!s.accepts(&snap("s1", "t1", None)));
    }

    #[test]
    fn validation_refuses_nonsense() {
        let mut snap = Snapshot {
            session_id: "s1".into(),
            share_token: "t1".into(),
            seq: 1,
            totals: totals(3_000, 10, &[("p1", 10)], &[]),
            reader_token: None,
        };
        assert!(snap.validate().is_ok());
        snap.totals.max_scroll_pct = 101;
        snap.totals.visible_ms = MAX_SESSION_VISIBLE_MS + 1;
        snap.totals.sections.insert("<b>", 1);
        snap.session_id = String::new();
        let errs = snap.validate().unwrap_err();
        for f in [
            "session_id",
            "totals.max_scroll_pct",
            "totals.visible_ms",
            "totals.sections",
        ] {
            assert!(errs.get(f).is_some(), "{f}");
        }
    }

    fn arb_totals() -> impl Strategy<Value = ViewTotals> {
        (
            0u64..100_000,
            0u8..=100,
            0u64..10_000,
            prop::collection::btree_map("[a-e]", 0u64..10_000, 0..5),
            prop::collection::btree_set(
                prop::sample::select(vec![
                    ViewAction::Called,
                    ViewAction::Messaged,
                    ViewAction::Forwarded,
                ]),
                0..3,
            ),
        )
            .prop_map(
                |(visible_ms, max_scroll_pct, video_ms, sections, actions)| ViewTotals {
                    visible_ms,
                    max_scroll_pct,
                    video_ms,
                    sections: sections.into_iter().collect(),
                    actions,
                },
            )
    }

    fn fold(list: &[ViewTotals]) -> ViewTotals {
        let mut acc = ViewTotals::default();
        for t in list {
            acc.merge(t);
        }
        acc
    }

    proptest! {
        /// Any order and any repetition of the same snapshots gives the same totals.
        #[test]
        fn merge_ignores_order_and_repetition(
            list in prop::collection::vec(arb_totals(), 1..8),
            order in prop::collection::vec(any::<prop::sample::Index>(), 1..24),
        ) {
            let expected = fold(&list);
            // Replay a random sequence that may skip, repeat and reorder...
            let replay: Vec<ViewTotals> = order.iter().map(|i| list[i.index(list.len())].clone()).collect();
            // ...then every snapshot once more (a resent outbox): the result is the full merge.
            let mut all = replay.clone();
            all.extend(list.iter().cloned());
            prop_assert_eq!(fold(&all), expected.clone());
            let mut reversed = all;
            reversed.reverse();
            prop_assert_eq!(fold(&reversed), expected);
        }

        #[test]
        fn merge_is_idempotent_and_commutative(a in arb_totals(), b in arb_totals()) {
            let mut ab = a.clone();
            ab.merge(&b);
            let mut ba = b.clone();
            ba.merge(&a);
            prop_assert_eq!(&ab, &ba);
            let mut again = ab.clone();
            again.merge(&b);
            prop_assert_eq!(again, ab);
        }
    }
}
