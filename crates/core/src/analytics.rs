//! What a piece of content achieved with its readers: the figures behind per-content
//! analytics and the popular-content ranking. Only counted views (2 s and more) take
//! part, so link-preview bots and stray taps never show up here.

use crate::contact::Contact;
use crate::content::{Block, BlockBody, Content};
use crate::tracking::{ViewAction, ViewSession};
use chrono::{DateTime, Utc};
use foldhash::HashMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::hash::Hash;

/// A view counts as read to the end from this scroll depth.
pub const COMPLETION_SCROLL_PCT: u8 = 90;

/// Counted views started on one calendar day (UTC).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCount {
    pub day: chrono::NaiveDate,
    pub count: usize,
}

/// Counted views per calendar day (UTC) they started, oldest first, days with views
/// only: the app lays them out over the days it shows.
pub fn views_by_day(readings: &[Reading<'_>]) -> Vec<DayCount> {
    let mut days = Counts::default();
    for r in readings {
        days.change(r.session.started_at.date_naive(), true);
    }
    day_counts(&days)
}

fn day_counts(days: &Counts<chrono::NaiveDate>) -> Vec<DayCount> {
    days.sorted()
        .into_iter()
        .map(|(day, count)| DayCount {
            day: *day,
            count: count as usize,
        })
        .collect()
}

/// The 64-bit name the running tallies keep a reader, customer or link under,
/// where the string cost each of a million readers its own allocation, several
/// times over (about 40 MB at 1,000,000 views). XXH3, whose output is specified,
/// so tallies saved by one server are read back by another on any machine. Two
/// keys could share a name and count as one reader: at a million readers, about
/// three chances in a hundred million.
pub fn key_hash(key: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(key.as_bytes())
}

/// How many times each value occurs (a multiset): what running totals keep where a
/// figure cannot be added up (distinct readers, the median). No value is kept at
/// zero, so two built in a different order are equal. The keys are the server's own
/// ids, so a fast hash is safe here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts<K: Hash + Eq> {
    counts: HashMap<K, u32>,
    total: u32,
}

impl<K: Hash + Eq> Default for Counts<K> {
    fn default() -> Self {
        Counts {
            counts: HashMap::default(),
            total: 0,
        }
    }
}

impl<K: Hash + Eq + Clone> Counts<K> {
    /// One more `key` (`add`), or one fewer.
    pub fn change(&mut self, key: K, add: bool) {
        if add {
            *self.counts.entry(key).or_default() += 1;
            self.total += 1;
        } else if let Some(n) = self.counts.get_mut(&key) {
            *n -= 1;
            self.total -= 1;
            if *n == 0 {
                self.counts.remove(&key);
            }
        }
    }

    /// [`Counts::change`] by a borrowed key, which is copied only when new.
    pub fn change_ref<Q>(&mut self, key: &Q, add: bool)
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ToOwned<Owned = K> + ?Sized,
    {
        match self.counts.get_mut(key) {
            Some(n) if add => {
                *n += 1;
                self.total += 1;
            }
            Some(n) => {
                *n -= 1;
                self.total -= 1;
                if *n == 0 {
                    self.counts.remove(key);
                }
            }
            None if add => self.change(key.to_owned(), true),
            None => {}
        }
    }

    pub fn merge(&mut self, other: &Counts<K>) {
        for (k, n) in &other.counts {
            *self.counts.entry(k.clone()).or_default() += n;
        }
        self.total += other.total;
    }

    /// Every different value.
    pub fn values(&self) -> impl Iterator<Item = &K> {
        self.counts.keys()
    }

    /// Every value with its count, in order.
    pub fn sorted(&self) -> Vec<(&K, u32)>
    where
        K: Ord,
    {
        let mut out: Vec<(&K, u32)> = self.counts.iter().map(|(k, n)| (k, *n)).collect();
        out.sort_unstable();
        out
    }

    /// How many different values.
    pub fn distinct(&self) -> usize {
        self.counts.len()
    }

    /// How many values, repeats included.
    pub fn total(&self) -> u32 {
        self.total
    }
}

impl Counts<u64> {
    /// The middle value (the mean of the two middle ones for an even count), 0 when
    /// there is none.
    pub fn median(&self) -> u64 {
        let n = u64::from(self.total);
        if n == 0 {
            return 0;
        }
        // The values at sorted positions (n - 1) / 2 and n / 2.
        let (lo, hi) = ((n - 1) / 2, n / 2);
        let (mut seen, mut low) = (0u64, None);
        for (value, count) in self.sorted() {
            seen += u64::from(count);
            if low.is_none() && seen > lo {
                low = Some(*value);
            }
            if seen > hi {
                return (low.unwrap_or(*value) + *value) / 2;
            }
        }
        0
    }
}

/// What the counted views of one content item (through one rep's links) add up
/// to, kept current view by view, so the figures read these sums instead of every
/// view ever recorded.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Views per reader (see [`Reading::reader_key`], [`key_hash`]): opens are
    /// their total.
    readers: Counts<u64>,
    /// Views per visible time, for the median.
    times: Counts<u64>,
    visible_ms: u64,
    completed: u32,
    forwards: u32,
    /// Per block: (views with time on it, the time, views that noticed it).
    sections: BTreeMap<String, (u32, u64, u32)>,
    days: Counts<chrono::NaiveDate>,
}

/// Time on a section that counts as having read it.
const NOTICED_MS: u64 = 1_000;

impl Tally {
    /// Counts `r` in (`add`) or takes it out again.
    pub fn count(&mut self, r: &Reading<'_>, add: bool) {
        self.count_named(r, key_hash(r.reader_key), add);
    }

    /// [`Tally::count`] with its reader's [`key_hash`] already known: one view is
    /// counted into several tallies under the same reader.
    pub(crate) fn count_named(&mut self, r: &Reading<'_>, reader: u64, add: bool) {
        let t = &r.session.totals;
        let step = |n: &mut u32, yes: bool| match (yes, add) {
            (false, _) => {}
            (true, true) => *n += 1,
            (true, false) => *n = n.saturating_sub(1),
        };
        self.readers.change(reader, add);
        self.times.change(t.visible_ms, add);
        self.visible_ms = if add {
            self.visible_ms + t.visible_ms
        } else {
            self.visible_ms.saturating_sub(t.visible_ms)
        };
        step(
            &mut self.completed,
            t.max_scroll_pct >= COMPLETION_SCROLL_PCT,
        );
        step(&mut self.forwards, r.forwarded);
        for (block, ms) in &t.sections {
            // Blocks are few and mostly known: copied only the first time.
            if !self.sections.contains_key(block) {
                self.sections.insert(block.to_owned(), Default::default());
            }
            let entry = self
                .sections
                .get_mut(block)
                .expect("present: inserted above");
            step(&mut entry.0, true);
            entry.1 = if add {
                entry.1 + ms
            } else {
                entry.1.saturating_sub(ms)
            };
            step(&mut entry.2, ms >= NOTICED_MS);
            if entry.0 == 0 {
                self.sections.remove(block);
            }
        }
        self.days.change(r.session.started_at.date_naive(), add);
    }

    /// Adds `other`'s views to these.
    pub fn merge(&mut self, other: &Tally) {
        self.readers.merge(&other.readers);
        self.times.merge(&other.times);
        self.visible_ms += other.visible_ms;
        self.completed += other.completed;
        self.forwards += other.forwards;
        for (block, (n, ms, noticed)) in &other.sections {
            let entry = self.sections.entry(block.clone()).or_default();
            *entry = (entry.0 + n, entry.1 + ms, entry.2 + noticed);
        }
        self.days.merge(&other.days);
    }

    /// Counted views.
    /// Who read (see [`Reading::reader_key`]), each once.
    /// How many different readers.
    pub fn readers(&self) -> usize {
        self.readers.distinct()
    }

    pub fn opens(&self) -> u32 {
        self.readers.total()
    }
}

/// One counted view, with who read it and whether it came through a forward.
#[derive(Clone, Copy, Debug)]
pub struct Reading<'a> {
    pub session: &'a ViewSession,
    /// Same key, same reader: the contact, else the reader's own link, else the session.
    pub reader_key: &'a str,
    pub forwarded: bool,
    /// The contact who read, when known (the link's recipient or one who left details).
    pub reader: Option<&'a Contact>,
}

/// How much attention one section held, over all readers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionHeat {
    pub block_id: String,
    /// What the section is, for people: its first tag, heading or text, shortened.
    pub label: String,
    pub tags: Vec<String>,
    pub dwell_ms: u64,
    /// Views that spent at least a second on it.
    pub views: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentStats {
    pub content_id: String,
    pub title: String,
    pub opens: u32,
    pub unique_readers: u32,
    pub total_visible_ms: u64,
    pub avg_visible_ms: u64,
    pub median_visible_ms: u64,
    /// Share of views scrolled to the end, 0-100.
    pub completion_pct: u8,
    /// Views by readers who got the link from another reader.
    pub forwards: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentAnalytics {
    pub stats: ContentStats,
    /// In the content's order.
    pub sections: Vec<SectionHeat>,
    /// How the links spread: one tree per link a rep sent that was read.
    #[serde(default)]
    pub forward_tree: Vec<ForwardNode>,
    /// How many links a rep sent were read: the tree shows the
    /// [`FORWARD_ROOTS`] most read of them.
    #[serde(default)]
    pub forward_roots: u32,
    /// Counted views per day (see [`views_by_day`]).
    #[serde(default)]
    pub views_by_day: Vec<DayCount>,
}

/// How many of the links a rep sent the forward tree shows, most read first.
pub const FORWARD_ROOTS: usize = 50;

/// One link in the share chain: at the root a rep's link (and whom it was for), below
/// it each reader's own link, under which are the readers they forwarded it to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForwardNode {
    /// The contact, if known (the recipient at the root, else a reader who left details).
    pub reader: Option<String>,
    /// Counted views by this reader (at the root: views not tied to a reader's link).
    pub views: u32,
    pub visible_ms: u64,
    pub children: Vec<ForwardNode>,
}

/// What a rep's card achieved: who opened it, how long they looked, what they did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardAnalytics {
    pub views: u32,
    pub unique_viewers: u32,
    pub total_visible_ms: u64,
    pub avg_visible_ms: u64,
    /// Views by people who got the card from another viewer.
    pub forwards: u32,
    /// Views in which the viewer took each action, for every action taken at least once.
    pub actions: Vec<ActionCount>,
    /// The most engaged viewers, most views first.
    pub top_viewers: Vec<TopViewer>,
    /// Counted views per day (see [`views_by_day`]).
    #[serde(default)]
    pub views_by_day: Vec<DayCount>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionCount {
    pub action: ViewAction,
    pub views: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopViewer {
    /// Known contacts link to their profile; anonymous viewers are told apart by
    /// their own link.
    pub contact_id: Option<String>,
    pub name: Option<String>,
    pub views: u32,
    pub visible_ms: u64,
    pub last_seen_at: DateTime<Utc>,
    pub actions: Vec<ViewAction>,
}

/// How many viewers a card's analytics lists.
pub const TOP_VIEWERS: usize = 10;

pub fn card_analytics(readings: &[Reading<'_>]) -> CardAnalytics {
    let views = readings.len() as u32;
    let total: u64 = readings.iter().map(|r| r.session.totals.visible_ms).sum();
    let mut actions: BTreeMap<ViewAction, u32> = BTreeMap::new();
    let mut viewers: BTreeMap<&str, TopViewer> = BTreeMap::new();
    for r in readings {
        let t = &r.session.totals;
        for a in &t.actions {
            *actions.entry(*a).or_default() += 1;
        }
        let v = viewers.entry(r.reader_key).or_insert_with(|| TopViewer {
            contact_id: r.reader.map(|c| c.id.clone()),
            name: r.reader.map(|c| c.name.clone()),
            views: 0,
            visible_ms: 0,
            last_seen_at: r.session.last_seen_at,
            actions: Vec::new(),
        });
        v.views += 1;
        v.visible_ms += t.visible_ms;
        v.last_seen_at = v.last_seen_at.max(r.session.last_seen_at);
        v.actions.extend(t.actions.iter().copied());
    }
    let unique_viewers = viewers.len() as u32;
    let mut top: Vec<TopViewer> = viewers
        .into_values()
        .map(|mut v| {
            v.actions.sort_unstable();
            v.actions.dedup();
            v
        })
        .collect();
    top.sort_by(|a, b| {
        (b.views, b.visible_ms, b.last_seen_at).cmp(&(a.views, a.visible_ms, a.last_seen_at))
    });
    top.truncate(TOP_VIEWERS);
    CardAnalytics {
        views,
        unique_viewers,
        total_visible_ms: total,
        avg_visible_ms: total.checked_div(u64::from(views)).unwrap_or(0),
        forwards: readings.iter().filter(|r| r.forwarded).count() as u32,
        actions: actions
            .into_iter()
            .map(|(action, views)| ActionCount { action, views })
            .collect(),
        top_viewers: top,
        views_by_day: views_by_day(readings),
    }
}

/// Popular-content rankings: what new reps should pick.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ranking {
    #[default]
    MostRead,
    LongestRead,
    MostForwarded,
}

pub fn stats(content: &Content, tally: &Tally) -> ContentStats {
    let opens = tally.opens();
    let per = |x: u64| x.checked_div(u64::from(opens)).unwrap_or(0);
    ContentStats {
        content_id: content.id.clone(),
        title: content.title.clone(),
        opens,
        unique_readers: tally.readers.distinct() as u32,
        total_visible_ms: tally.visible_ms,
        avg_visible_ms: per(tally.visible_ms),
        median_visible_ms: tally.times.median(),
        completion_pct: per(u64::from(tally.completed) * 100) as u8,
        forwards: tally.forwards,
    }
}

fn block_label(block: &Block) -> String {
    const MAX_CHARS: usize = 24;
    let text = match &block.body {
        _ if !block.tags.is_empty() => block.tags[0].as_str(),
        BlockBody::Heading { text, .. }
        | BlockBody::Paragraph { text }
        | BlockBody::Quote { text, .. } => text,
        BlockBody::Image { alt, caption, .. } => {
            if caption.is_empty() {
                alt
            } else {
                caption
            }
        }
        BlockBody::List { items, .. } => items.first().map_or("", String::as_str),
        BlockBody::Cta { label, .. } => label,
        BlockBody::Page { alt, .. } => alt,
        BlockBody::Video { .. } => "",
    };
    let mut label: String = text.chars().take(MAX_CHARS).collect();
    if text.chars().count() > MAX_CHARS {
        label.push('…');
    }
    if label.is_empty() {
        block.id.clone()
    } else {
        label
    }
}

pub fn analytics(content: &Content, tally: &Tally) -> ContentAnalytics {
    let sections = content
        .blocks
        .iter()
        .map(|block| {
            let (_, dwell_ms, views) = tally.sections.get(&block.id).copied().unwrap_or_default();
            SectionHeat {
                block_id: block.id.clone(),
                label: block_label(block),
                tags: block.tags.clone(),
                dwell_ms,
                views,
            }
        })
        .collect();
    ContentAnalytics {
        stats: stats(content, tally),
        sections,
        forward_tree: Vec::new(),
        forward_roots: 0,
        views_by_day: day_counts(&tally.days),
    }
}

/// Best first; ties keep the newest content first (the order given).
pub fn rank(mut list: Vec<ContentStats>, by: Ranking) -> Vec<ContentStats> {
    list.sort_by_key(|s| {
        std::cmp::Reverse(match by {
            Ranking::MostRead => u64::from(s.opens),
            Ranking::LongestRead => s.avg_visible_ms,
            Ranking::MostForwarded => u64::from(s.forwards),
        })
    });
    list
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo;
    use crate::tracking::ViewTotals;
    use chrono::{DateTime, Utc};

    /// Saved tallies hold these names: they must be XXH3's as published (the
    /// reference's value for no input), not this machine's or this version's.
    #[test]
    fn tally_keys_are_named_by_xxh3_as_published() {
        assert_eq!(key_hash(""), 0x2D06_8005_38D3_94C2);
        assert_ne!(key_hash("reader-a"), key_hash("reader-b"));
    }

    fn session(id: &str, visible_s: u64, scroll: u8, sections: &[(&str, u64)]) -> ViewSession {
        let t = DateTime::<Utc>::from_timestamp(1_790_000_000, 0).unwrap();
        ViewSession {
            id: id.into(),
            share_token: "t".into(),
            started_at: t,
            last_seen_at: t,
            snapshots_received: 1,
            totals: ViewTotals {
                visible_ms: visible_s * 1000,
                max_scroll_pct: scroll,
                sections: sections.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
                ..Default::default()
            },
            reader_token: None,
        }
    }

    #[test]
    fn figures_over_counted_views() {
        let now = DateTime::<Utc>::from_timestamp(1_790_000_000, 0).unwrap();
        let db = demo::seed(now);
        let content = &db.contents["c-pricing"];
        let first = content.blocks[0].id.clone();
        let a = session("a", 10, 100, &[(first.as_str(), 8_000)]);
        let b = session("b", 30, 40, &[(first.as_str(), 500)]);
        let c = session("c", 50, 95, &[]);
        let readings = [
            Reading {
                session: &a,
                reader_key: "k-1",
                forwarded: false,
                reader: None,
            },
            Reading {
                session: &b,
                reader_key: "k-1",
                forwarded: false,
                reader: None,
            },
            Reading {
                session: &c,
                reader_key: "anon",
                forwarded: true,
                reader: None,
            },
        ];
        let mut tally = Tally::default();
        for r in &readings {
            tally.count(r, true);
        }
        let out = analytics(content, &tally);
        let s = &out.stats;
        assert_eq!((s.opens, s.unique_readers, s.forwards), (3, 2, 1));
        assert_eq!(s.total_visible_ms, 90_000);
        assert_eq!(s.avg_visible_ms, 30_000);
        assert_eq!(s.median_visible_ms, 30_000);
        assert_eq!(s.completion_pct, 66);
        assert_eq!(out.sections.len(), content.blocks.len());
        assert_eq!(out.sections[0].dwell_ms, 8_500);
        // Half a second is passing by, not reading.
        assert_eq!(out.sections[0].views, 1);
        assert!(!out.sections[0].label.is_empty());
        // Taking views out again leaves what counting the rest would.
        tally.count(&readings[2], false);
        tally.count(&readings[0], false);
        let mut rest = Tally::default();
        rest.count(&readings[1], true);
        assert_eq!(tally, rest);
        tally.count(&readings[1], false);
        assert_eq!(tally, Tally::default());
    }

    #[test]
    fn card_figures_count_views_viewers_actions_and_rank_viewers() {
        let now = DateTime::<Utc>::from_timestamp(1_790_000_000, 0).unwrap();
        let db = demo::seed(now);
        let known = db.contacts.values().next().unwrap();
        let mut a = session("a", 10, 100, &[]);
        a.totals.actions = [ViewAction::SavedContact, ViewAction::Called].into();
        let mut b = session("b", 30, 40, &[]);
        b.totals.actions = [ViewAction::SavedContact].into();
        let c = session("c", 5, 10, &[]);
        let reading = |session, reader_key, forwarded, reader| Reading {
            session,
            reader_key,
            forwarded,
            reader,
        };
        let out = card_analytics(&[
            reading(&a, known.id.as_str(), false, Some(known)),
            reading(&b, known.id.as_str(), false, Some(known)),
            reading(&c, "anon-link", true, None),
        ]);
        assert_eq!((out.views, out.unique_viewers, out.forwards), (3, 2, 1));
        assert_eq!((out.total_visible_ms, out.avg_visible_ms), (45_000, 15_000));
        assert_eq!(
            out.actions,
            [
                ActionCount {
                    action: ViewAction::SavedContact,
                    views: 2
                },
                ActionCount {
                    action: ViewAction::Called,
                    views: 1
                },
            ]
        );
        let first = &out.top_viewers[0];
        assert_eq!(first.name.as_deref(), Some(known.name.as_str()));
        assert_eq!((first.views, first.visible_ms), (2, 40_000));
        assert_eq!(
            first.actions,
            [ViewAction::SavedContact, ViewAction::Called]
        );
        assert_eq!(out.top_viewers[1].name, None);
        assert_eq!(card_analytics(&[]).avg_visible_ms, 0);
    }

    #[test]
    fn nothing_read_is_all_zero_not_a_division_by_zero() {
        let now = DateTime::<Utc>::from_timestamp(1_790_000_000, 0).unwrap();
        let db = demo::seed(now);
        let s = stats(&db.contents["c-pricing"], &Tally::default());
        assert_eq!((s.opens, s.avg_visible_ms, s.completion_pct), (0, 0, 0));
    }

    #[test]
    fn the_median_of_counted_values() {
        let of = |values: &[u64]| {
            let mut c = Counts::default();
            for v in values {
                c.change(*v, true);
            }
            c.median()
        };
        assert_eq!(of(&[]), 0);
        assert_eq!(of(&[7]), 7);
        assert_eq!(of(&[10, 1, 3, 2]), 2);
        assert_eq!(of(&[5, 5, 5, 1]), 5);
        assert_eq!(of(&[1, 1, 9, 9]), 5);
        assert_eq!(of(&[4, 1, 4, 9, 9]), 4);
    }

    #[test]
    fn ranking_orders_by_the_chosen_figure() {
        let s = |id: &str, opens, avg, fwd| ContentStats {
            content_id: id.into(),
            opens,
            avg_visible_ms: avg,
            forwards: fwd,
            ..Default::default()
        };
        let list = vec![s("a", 1, 900, 0), s("b", 5, 100, 1), s("c", 3, 500, 4)];
        let ids = |v: Vec<ContentStats>| v.into_iter().map(|s| s.content_id).collect::<Vec<_>>();
        assert_eq!(ids(rank(list.clone(), Ranking::MostRead)), ["b", "c", "a"]);
        assert_eq!(
            ids(rank(list.clone(), Ranking::LongestRead)),
            ["a", "c", "b"]
        );
        assert_eq!(ids(rank(list, Ranking::MostForwarded)), ["c", "b", "a"]);
    }
}
