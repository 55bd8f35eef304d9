//! View sessions and their cumulative snapshots.
//!
//! The page sends its totals so far, never increments. Merging keeps the maximum of
//! every figure and the union of actions, which is commutative, associative and
//! idempotent: a lost, repeated or reordered snapshot changes nothing (proved by the
//! property tests below).

use crate::validate::{FieldErrors, FieldProblem};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

mod actions;
pub use actions::{Actions, ActionsIter};

/// Dwell per section (block id), in milliseconds.
pub type Sections = crate::weights::Weights;
/// What [`Sections::iter`] yields: `(id, ms)`.
pub type SectionsIter<'a> = crate::weights::WeightsIter<'a>;

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
    pub actions: Actions,
}

impl ViewTotals {
    /// Merge by maximum (see the module docs).
    pub fn merge(&mut self, other: &ViewTotals) {
        self.visible_ms = self.visible_ms.max(other.visible_ms);
        self.max_scroll_pct = self.max_scroll_pct.max(other.max_scroll_pct);
        self.video_ms = self.video_ms.max(other.video_ms);
        self.sections.raise_all(&other.sections);
        self.actions.extend(other.actions.iter().copied());
    }

    pub fn is_counted(&self) -> bool {
        self.visible_ms >= VIEW_COUNT_THRESHOLD_MS
    }

    /// Sections by dwell, longest first (ties by id, for stable output).
    pub fn top_sections(&self, n: usize) -> Vec<(&str, u64)> {
        let mut list: Vec<(&str, u64)> = self.sections.iter().collect();
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
                            crate::ids::parse_public_id(id).is_ok() && ms <= MAX_SESSION_VISIBLE_MS
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
    #[cfg_attr(
        not(target_arch = "wasm32"),
        serde(deserialize_with = "crate::stamp::utc")
    )]
    pub started_at: DateTime<Utc>,
    #[cfg_attr(
        not(target_arch = "wasm32"),
        serde(deserialize_with = "crate::stamp::utc")
    )]
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

    /// Whether this is `old` read on: the same start, seen no earlier, and totals
    /// that take in all of `old`'s (as [`ViewSession::apply`] leaves a view).
    pub fn reads_on_from(&self, old: &ViewSession) -> bool {
        let mut both = self.totals.clone();
        both.merge(&old.totals);
        self.started_at == old.started_at
            && self.last_seen_at >= old.last_seen_at
            && both == self.totals
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
                    actions: actions.into_iter().collect(),
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
