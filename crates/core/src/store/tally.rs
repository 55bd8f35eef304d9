//! Running totals of the counted views, kept beside the lookups and current view by
//! view: content analytics, the content ranking, the radar and today's figures read
//! these instead of every view ever recorded, so they cost the same at 1,000 views
//! or 1,000,000.

use super::reach::{Reach, Window};
use super::*;
use crate::analytics::{Reading, Tally, key_hash};
use crate::scope::Owners;
use chrono::NaiveDate;
use foldhash::HashSet;
use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::BTreeSet;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Tallies {
    /// Per target, per rep whose link it was read through.
    pub by_target: HashMap<ShareTarget, BTreeMap<String, Tally>>,
    /// Per target, over every rep's links: what an admin's figures read.
    pub by_target_all: HashMap<ShareTarget, Tally>,
    /// Per rep, views and readers by the day (UTC) the views started.
    pub reach: HashMap<String, Reach>,
    /// The same over every rep's links: what an admin's figures read.
    pub reach_all: Reach,
    /// Per link, what its counted views add up to as a node of a forward tree, as
    /// a tree's root and as a sent link: one entry (and one copy of the token) for
    /// the three, where most links are all of them.
    pub links: HashMap<String, LinkTally>,
    /// Per rep, their [`RECENT_VIEWS`] counted views seen last, most recently seen
    /// first, ties by id: the radar's order. A view's last sight only moves on, and
    /// one taken out is counted in again, so these stay the newest.
    pub recent: HashMap<String, BTreeSet<Latest>>,
    /// Per target, per rep whose root it is: the roots with views, most read first
    /// (ties by token), so content analytics finds its top trees without visiting
    /// every link.
    pub ranked: HashMap<ShareTarget, BTreeMap<String, BTreeSet<Ranked>>>,
    /// Per rep, per day (UTC) they sent them: their sent links ([`sent_link`]) and
    /// how many of those have been read, so the leaderboard reads a period's days
    /// instead of every link.
    pub sent: HashMap<String, BTreeMap<NaiveDate, Sent>>,
    /// Per contact a link was sent to, when each counted view through it started,
    /// earliest first: the team board finds when a customer's unanswered reading
    /// began without visiting their views.
    pub opened: Starts,
    /// Per target, per reader of it ([`visit_keys`]: by customer, by reader
    /// token, by link), when each of their counted views started, earliest first:
    /// a radar line's visit number without the views.
    pub visits: HashMap<ShareTarget, [Starts; 3]>,
}

/// Per key ([`key_hash`]), the starts of its counted views ([`nanos`]), earliest
/// first.
pub(super) type Starts = HashMap<u64, Vec<i64>>;

/// An instant as nanoseconds since 1970, as [`Starts`] keep them: 8 bytes where
/// chrono's take 12, for every counted view twice or more. Exact from 1677 to
/// 2262; an instant outside is kept at that end, after (or before) every other.
pub(super) fn nanos(at: DateTime<Utc>) -> i64 {
    match at.timestamp_nanos_opt() {
        Some(n) => n,
        None if at.timestamp() < 0 => i64::MIN,
        None => i64::MAX,
    }
}

/// What one link's counted views add up to; gone from [`Tallies::links`] when all
/// are zero.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct LinkTally {
    /// As a node of a forward tree (the reader's own link, or the rep's link for
    /// views from before readers had their own): its views and their visible time.
    pub views: u32,
    pub visible_ms: u64,
    /// As the root of a forward tree (a rep's link not forwarded from another):
    /// the views on it and on every link forwarded from it, as deep as
    /// [`FORWARD_DEPTH`] links below.
    pub tree: u32,
    /// As a sent link ([`sent_link`]): the views on it and on links forwarded
    /// straight from it.
    pub sent_reads: u32,
}

/// A rep's sent links of one day, and how many of them were read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Sent {
    pub links: u32,
    pub read: u32,
}

/// A link a rep sent: not forwarded from another, and not the way to an item
/// featured on a page.
fn is_sent(share: &Share) -> bool {
    share.parent.is_none() && share.via.is_none()
}

/// The sent link a view through `share` reads: that link, or the one it was
/// forwarded straight from.
fn sent_link<'s>(links: impl Links<'s>, share: &'s Share) -> Option<&'s Share> {
    let sent = match &share.parent {
        None => share,
        Some(parent) => links(parent)?,
    };
    is_sent(sent).then_some(sent)
}

/// Links by token: the store's map, or the hash of it that building the tallies
/// reads, where a million views each look up their links.
pub(super) trait Links<'s>: Fn(&str) -> Option<&'s Share> + Copy {}
impl<'s, F: Fn(&str) -> Option<&'s Share> + Copy> Links<'s> for F {}

/// A forward tree's root in content analytics' order: most views first, then by
/// token.
pub(super) type Ranked = (Reverse<u32>, String);

/// Depth below which a forward tree is not followed (a chain that long is a loop in
/// the data or a bot).
pub const FORWARD_DEPTH: usize = 32;

/// A view in the radar's order: seen later first, then by id.
pub(super) type Latest = (Reverse<DateTime<Utc>>, String);

/// How many of each rep's latest views the tallies keep for the radar and "reading
/// now": the most any caller asks for.
pub const RECENT_VIEWS: usize = 500;

/// What one counted view adds to the tallies, borrowed from the view and its
/// links: building the tallies walks every view, and ingest counts each snapshot's
/// view out and in again.
pub(super) struct Contribution<'a> {
    target: &'a ShareTarget,
    /// The link the view was opened through: its rep, whether it was forwarded, and
    /// the contact it was sent to.
    link: &'a Share,
    node: &'a str,
    reader_key: &'a str,
    /// The root link of the forward tree the view's node is in, if it is in one.
    root: Option<&'a Share>,
    /// The sent link the view reads, for the leaderboard (see [`sent_link`]).
    sent: Option<&'a Share>,
    session: &'a ViewSession,
}

/// The root of the forward tree holding link `node`: its link, then the one it was
/// forwarded from, and so on; none when a link on the way is unknown, or the chain
/// is deeper than [`FORWARD_DEPTH`] (or a loop).
fn root_of<'s>(links: impl Links<'s>, node: &'s Share) -> Option<&'s Share> {
    let mut share = node;
    for _ in 0..=FORWARD_DEPTH {
        match &share.parent {
            None => return Some(share),
            Some(parent) => share = links(parent)?,
        }
    }
    None
}

/// What `s` adds to the tallies: nothing until it is counted or while its link is
/// unknown. Its reader is the contact who left details on their own link, else the
/// link's contact, else their own link, else the view.
pub(super) fn contribution<'a>(
    links: impl Links<'a>,
    s: &'a ViewSession,
) -> Option<Contribution<'a>> {
    if !s.totals.is_counted() {
        return None;
    }
    let share = links(&s.share_token)?;
    let own_link = s
        .reader_token
        .as_deref()
        .filter(|own| *own != share.token)
        .and_then(links);
    let reader_key = own_link
        .and_then(|own| own.contact_id.as_deref())
        .or(share.contact_id.as_deref())
        .or(s.reader_token.as_deref())
        .unwrap_or(&s.id);
    // The node is the reader's own link, else the one the view was opened through.
    let node = match s.reader_token.as_deref() {
        Some(own) if own != share.token => own_link,
        _ => Some(share),
    };
    Some(Contribution {
        target: &share.target,
        link: share,
        root: node.and_then(|n| root_of(links, n)),
        sent: sent_link(links, share),
        node: s.reader_token.as_deref().unwrap_or(&s.share_token),
        reader_key,
        session: s,
    })
}

/// The readers a counted view through `link` counts as a visit of, on the link's
/// target: the link's customer, the reader (by their own link), and, on a link
/// given to no customer, the link (see [`Db::radar_item`], which numbers a line
/// among the first of them; a link given to a customer counts its views again).
/// Borrowed: this runs twice a snapshot, and for every view a start counts.
pub(super) fn visit_keys<'a>(
    link: &'a Share,
    reader_token: Option<&'a str>,
) -> [Option<&'a str>; 3] {
    let customer = link.contact_id.as_deref();
    [
        customer,
        reader_token,
        customer.is_none().then_some(link.token.as_str()),
    ]
}

/// One more (`add`) or one fewer `at` in `map`'s sorted list under `key`, the entry
/// gone when empty.
fn step_sorted(map: &mut Starts, key: &str, at: i64, add: bool) {
    let key = key_hash(key);
    let list = map.entry(key).or_default();
    let i = list.partition_point(|o| *o < at);
    if add {
        list.insert(i, at);
    } else if list.get(i) == Some(&at) {
        list.remove(i);
    }
    if list.is_empty() {
        map.remove(&key);
    }
}

/// `map`'s value at `key`, made when missing: the key is copied only then (a view
/// counted in and out mostly finds its entries there).
fn slot<'m, K, Q, V>(map: &'m mut HashMap<K, V>, key: &Q) -> &'m mut V
where
    K: std::borrow::Borrow<Q> + std::hash::Hash + Eq,
    Q: std::hash::Hash + Eq + ToOwned<Owned = K> + ?Sized,
    V: Default,
{
    if !map.contains_key(key) {
        map.insert(key.to_owned(), V::default());
    }
    map.get_mut(key).expect("present: inserted above")
}

impl Tallies {
    /// Changes link `token`'s tally, which goes when nothing is left in it;
    /// returns what `change` returns.
    fn link<T>(&mut self, token: &str, change: impl FnOnce(&mut LinkTally) -> T) -> T {
        let tally = slot(&mut self.links, token);
        let out = change(tally);
        if *tally == LinkTally::default() {
            self.links.remove(token);
        }
        out
    }
}

/// One more (`add`) or one fewer in `count`; returns it before and after.
fn step(count: &mut u32, add: bool) -> (u32, u32) {
    let before = *count;
    *count = if add {
        before + 1
    } else {
        before.saturating_sub(1)
    };
    (before, *count)
}

impl Tallies {
    /// Gives back what the lists grown view by view left unused.
    pub(super) fn shrink(&mut self) {
        self.opened.values_mut().for_each(Vec::shrink_to_fit);
        for lists in self.visits.values_mut().flatten() {
            lists.values_mut().for_each(Vec::shrink_to_fit);
        }
    }

    /// Counts `c` in (`add`) or takes it out again.
    pub fn count(&mut self, c: &Contribution<'_>, add: bool) {
        let rep = c.link.rep_id.as_str();
        let reading = Reading {
            session: c.session,
            reader_key: c.reader_key,
            forwarded: c.link.parent.is_some(),
            reader: None,
        };
        // Named once for the four tallies below that count readers.
        let reader = key_hash(c.reader_key);
        let tallies = slot(&mut self.by_target, c.target);
        if !tallies.contains_key(rep) {
            tallies.insert(rep.to_owned(), Tally::default());
        }
        let tally = tallies.get_mut(rep).expect("present: inserted above");
        tally.count_named(&reading, reader, add);
        if tally.opens() == 0 {
            tallies.remove(rep);
        }
        if tallies.is_empty() {
            self.by_target.remove(c.target);
        }
        let all = slot(&mut self.by_target_all, c.target);
        all.count_named(&reading, reader, add);
        if all.opens() == 0 {
            self.by_target_all.remove(c.target);
        }

        let day = c.session.started_at.date_naive();
        let reach = slot(&mut self.reach, rep);
        reach.change(reader, day, add);
        if reach.is_empty() {
            self.reach.remove(rep);
        }
        self.reach_all.change(reader, day, add);

        let visible = c.session.totals.visible_ms;
        self.link(c.node, |node| {
            step(&mut node.views, add);
            node.visible_ms = if add {
                node.visible_ms + visible
            } else {
                node.visible_ms.saturating_sub(visible)
            };
            // A node without views has no time either, as a build leaves it.
            if node.views == 0 {
                node.visible_ms = 0;
            }
        });

        if let Some(root) = c.root {
            self.rank(root, add);
        }
        if let Some(sent) = c.sent {
            self.read_sent(sent, add);
        }
        let started = nanos(c.session.started_at);
        if let Some(contact) = c.link.contact_id.as_deref() {
            step_sorted(&mut self.opened, contact, started, add);
        }
        let visits = slot(&mut self.visits, &c.link.target);
        let keys = visit_keys(c.link, c.session.reader_token.as_deref());
        for (lists, key) in visits.iter_mut().zip(keys) {
            if let Some(key) = key {
                step_sorted(lists, key, started, add);
            }
        }
        if visits.iter().all(HashMap::is_empty) {
            self.visits.remove(&c.link.target);
        }

        let recent = slot(&mut self.recent, rep);
        let seen = Reverse(c.session.last_seen_at);
        // A view older than a full list's last would be dropped again at once: the
        // start counts every view ever recorded, most of them that old.
        let kept = recent.len() < RECENT_VIEWS
            || recent
                .last()
                .is_some_and(|(at, id)| (seen, c.session.id.as_str()) < (*at, id.as_str()));
        if add && kept {
            recent.insert((seen, c.session.id.clone()));
            if recent.len() > RECENT_VIEWS {
                recent.pop_last();
            }
        } else if !add {
            recent.remove(&(seen, c.session.id.clone()));
        }
        if recent.is_empty() {
            self.recent.remove(rep);
        }
    }
}

impl Tallies {
    /// Counts link `share` among its rep's sent links (`add`), if it is one, or
    /// takes it out (a link put again as sent by another rep or on another day).
    pub fn add_link(&mut self, share: &Share, add: bool) {
        if is_sent(share) {
            self.sent_day(share, |day| {
                day.links = if add {
                    day.links + 1
                } else {
                    day.links.saturating_sub(1)
                };
            });
        }
    }

    /// Changes the day link `sent` was sent on in its rep's tally; a day left
    /// with nothing goes, as building the tallies would not have it.
    fn sent_day(&mut self, sent: &Share, change: impl FnOnce(&mut Sent)) {
        let days = slot(&mut self.sent, &sent.rep_id);
        let at = sent.created_at.date_naive();
        let day = days.entry(at).or_default();
        change(day);
        if *day == Sent::default() {
            days.remove(&at);
            if days.is_empty() {
                self.sent.remove(&sent.rep_id);
            }
        }
    }

    /// One counted view more (`add`) or fewer on a sent link (or straight from it):
    /// the link is read while it has any.
    fn read_sent(&mut self, sent: &Share, add: bool) {
        let (before, after) = self.link(&sent.token, |l| step(&mut l.sent_reads, add));
        if (before == 0) == (after == 0) {
            return;
        }
        self.sent_day(sent, |day| {
            if after > 0 {
                day.read += 1;
            } else {
                day.read = day.read.saturating_sub(1);
            }
        });
    }

    /// When `contact`'s unanswered reading began: their first counted view after
    /// `answered` (or ever), as [`crate::oversight::reading_since`] has it.
    pub fn reading_since(
        &self,
        contact: &str,
        answered: Option<DateTime<Utc>>,
    ) -> Option<DateTime<Utc>> {
        let opened = self.opened_nanos(contact);
        let i = answered.map_or(0, |a| opened.partition_point(|o| *o <= nanos(a)));
        opened.get(i).map(|n| DateTime::from_timestamp_nanos(*n))
    }

    /// When each counted view of a link sent to `contact` started, earliest first.
    pub fn opened_by(&self, contact: &str) -> impl Iterator<Item = DateTime<Utc>> + '_ {
        (self.opened_nanos(contact).iter()).map(|n| DateTime::from_timestamp_nanos(*n))
    }

    fn opened_nanos(&self, contact: &str) -> &[i64] {
        self.opened
            .get(&key_hash(contact))
            .map_or(&[], Vec::as_slice)
    }

    /// A rep's links sent from `from` to `to` (days, inclusive), and how many of
    /// them were read.
    pub fn sent_within(&self, rep: &str, from: NaiveDate, to: NaiveDate) -> Sent {
        let days = self
            .sent
            .get(rep)
            .into_iter()
            .flat_map(|d| d.range(from..=to));
        days.fold(Sent::default(), |sum, (_, d)| Sent {
            links: sum.links + d.links,
            read: sum.read + d.read,
        })
    }

    /// One view more (`add`) or fewer in the tree of `root`, which moves in its
    /// target's ranking.
    fn rank(&mut self, root: &Share, add: bool) {
        let (before, after) = self.link(&root.token, |l| step(&mut l.tree, add));
        let by_rep = slot(&mut self.ranked, &root.target);
        if !by_rep.contains_key(&root.rep_id) {
            by_rep.insert(root.rep_id.clone(), BTreeSet::new());
        }
        let ranked = by_rep
            .get_mut(&root.rep_id)
            .expect("present: inserted above");
        // The token taken out moves to its new place (one copy, not two).
        let token = match before {
            0 => None,
            _ => ranked.take(&(Reverse(before), root.token.clone())),
        };
        if after > 0 {
            ranked.insert((
                Reverse(after),
                token.map_or_else(|| root.token.clone(), |t| t.1),
            ));
        }
        if ranked.is_empty() {
            by_rep.remove(&root.rep_id);
        }
        if by_rep.is_empty() {
            self.ranked.remove(&root.target);
        }
    }
}

impl Db {
    /// Takes the views `ids` out of the tallies before they change (`add` false), or
    /// counts them in again after (`add` true). Nothing to do while the lookups are
    /// not built: building them counts every view.
    pub(super) fn tally(&mut self, ids: &[String], add: bool) {
        let Db {
            sessions,
            shares,
            index,
            ..
        } = self;
        let Some(ix) = index.get_mut() else {
            return;
        };
        for s in ids.iter().filter_map(|id| sessions.get(id)) {
            if let Some(c) = contribution(|t| shares.get(t), s) {
                ix.tallies.count(&c, add);
            }
        }
    }

    /// The views whose tallies depend on link `token` and where it sits in its
    /// forward tree: [`Db::views_on_link`] of it and of every link below it.
    pub(super) fn views_below(&self, token: &str) -> Vec<String> {
        let Some(ix) = self.index.get() else {
            return Vec::new();
        };
        let mut links = vec![token];
        // Records from elsewhere may make a loop of links; operations never do.
        let mut seen = std::collections::HashSet::from([token]);
        let mut ids = Vec::new();
        while let Some(t) = links.pop() {
            ids.extend(self.views_on_link(t));
            links.extend(list(&ix.children, t).iter().filter(|c| seen.insert(*c)));
        }
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// The views whose tallies depend on link `token`: those opened through it and
    /// those of its own reader.
    pub(super) fn views_on_link(&self, token: &str) -> Vec<String> {
        if self.index.get().is_none() {
            return Vec::new();
        }
        let ix = self.ix();
        let mut ids: Vec<String> = list(&ix.sessions_by_share, token)
            .iter()
            .chain(list(&ix.sessions_by_reader, token))
            .map(str::to_owned)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// The tally of `target`'s views through the links of the staff `caller` covers.
    pub(super) fn tally_of(&self, caller: &Caller, target: &ShareTarget) -> Cow<'_, Tally> {
        let tallies = &self.ix().tallies;
        if let Owners::All = caller.owners() {
            return tallies
                .by_target_all
                .get(target)
                .map_or_else(Cow::default, Cow::Borrowed);
        }
        let mut covered = tallies
            .by_target
            .get(target)
            .into_iter()
            .flatten()
            .filter(|(rep, _)| caller.covers(Some(rep)))
            .map(|(_, tally)| tally);
        match (covered.next(), covered.next()) {
            (None, _) => Cow::default(),
            (Some(one), None) => Cow::Borrowed(one),
            (Some(first), Some(second)) => {
                let mut out = first.clone();
                out.merge(second);
                covered.for_each(|t| out.merge(t));
                Cow::Owned(out)
            }
        }
    }

    /// Counted views of links `caller` covers, most recently seen first (at most
    /// [`RECENT_VIEWS`] of each rep).
    pub(super) fn recent_views<'a>(
        &'a self,
        caller: &'a Caller,
    ) -> impl Iterator<Item = &'a ViewSession> + 'a {
        self.recent_ids(caller)
            .filter_map(|(_, id)| self.sessions.get(id))
    }

    /// [`Db::recent_views`] as the tallies have them, each with when it was last
    /// seen, whether the copy holds the view or not.
    pub(super) fn recent_ids<'a>(
        &'a self,
        caller: &'a Caller,
    ) -> impl Iterator<Item = &'a Latest> + 'a {
        // Each rep's list with its head taken off; the least head goes next.
        let mut lists: Vec<_> = self
            .ix()
            .tallies
            .recent
            .iter()
            .filter(|(rep, _)| caller.covers(Some(rep)))
            .map(|(_, views)| {
                let mut rest = views.iter();
                (rest.next(), rest)
            })
            .collect();
        std::iter::from_fn(move || {
            let (i, _) = lists
                .iter()
                .enumerate()
                .filter_map(|(i, (head, _))| Some((i, (*head)?)))
                .min_by(|a, b| a.1.cmp(b.1))?;
            let (head, rest) = &mut lists[i];
            std::mem::replace(head, rest.next())
        })
    }

    /// Views and different readers through the links of the staff `caller` covers,
    /// for each window of days (`from..=to`, UTC).
    pub(super) fn reach_in(
        &self,
        caller: &Caller,
        windows: &[(NaiveDate, NaiveDate)],
    ) -> Vec<Window> {
        let tallies = &self.ix().tallies;
        let covered: Vec<&Reach> = match caller.owners() {
            Owners::All => vec![&tallies.reach_all],
            Owners::Some(team) => team
                .iter()
                .filter_map(|rep| tallies.reach.get(rep))
                .collect(),
        };
        if let [one] = covered[..] {
            return windows
                .iter()
                .map(|(from, to)| one.window(*from, *to))
                .collect();
        }
        // Several reps' readers may be the same people: one pass over them, each
        // with the days they read on within the windows' span as bits.
        let (Some(span), Some(last)) = (
            windows.iter().map(|w| w.0).min(),
            windows.iter().map(|w| w.1).max(),
        ) else {
            return Vec::new();
        };
        let views =
            |from: NaiveDate, to: NaiveDate| covered.iter().map(|r| r.window(from, to).views).sum();
        if (last - span).num_days() >= 64 {
            return windows
                .iter()
                .map(|(from, to)| {
                    let readers: HashSet<u64> = covered
                        .iter()
                        .flat_map(|r| r.readers_in(*from, *to))
                        .map(|(reader, _)| reader)
                        .collect();
                    Window {
                        views: views(*from, *to),
                        readers: readers.len() as u32,
                    }
                })
                .collect();
        }
        let mut days: HashMap<u64, u64> = HashMap::default();
        for reach in &covered {
            for (reader, bits) in reach.readers_in(span, last) {
                *days.entry(reader).or_default() |= bits;
            }
        }
        let bit = |d: NaiveDate| (d - span).num_days().clamp(0, 63) as u32;
        windows
            .iter()
            .map(|(from, to)| {
                let (lo, hi) = (bit(*from), bit(*to));
                let mask = if hi < lo {
                    0
                } else {
                    (u64::MAX >> (63 - (hi - lo))) << lo
                };
                Window {
                    views: views(*from, *to),
                    readers: days.values().filter(|b| *b & mask != 0).count() as u32,
                }
            })
            .collect()
    }

    /// How many forward trees of `target` through links of the staff `caller` covers
    /// have views, and the `n` most read of them (most views first, ties by token).
    pub(super) fn top_roots(
        &self,
        caller: &Caller,
        target: &ShareTarget,
        n: usize,
    ) -> (usize, Vec<&str>) {
        let covered: Vec<&BTreeSet<Ranked>> = self
            .ix()
            .tallies
            .ranked
            .get(target)
            .into_iter()
            .flatten()
            .filter(|(rep, _)| caller.covers(Some(rep)))
            .map(|(_, roots)| roots)
            .collect();
        let mut top: Vec<&Ranked> = covered.iter().flat_map(|r| r.iter().take(n)).collect();
        top.sort_unstable();
        top.truncate(n);
        (
            covered.iter().map(|r| r.len()).sum(),
            top.into_iter().map(|(_, token)| token.as_str()).collect(),
        )
    }

    /// Views and time on forward-tree node `token` (see [`LinkTally::views`]).
    pub(super) fn node_views(&self, token: &str) -> (u32, u64) {
        let link = self.ix().tallies.links.get(token).copied();
        link.map_or((0, 0), |l| (l.views, l.visible_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_as_nanoseconds_keep_their_order_and_come_back_whole() {
        let at = |secs| DateTime::from_timestamp(secs, 7).expect("in range");
        // 1336 and 2603 are past what nanoseconds since 1970 hold in an i64.
        let starts = [-20_000_000_000, -1, 0, 1_795_000_000, 20_000_000_000].map(at);
        let held = starts.map(nanos);
        assert!(held.windows(2).all(|w| w[0] < w[1]), "{held:?}");
        assert_eq!((held[0], held[4]), (i64::MIN, i64::MAX));
        for (n, start) in held.iter().zip(&starts).take(4).skip(1) {
            assert_eq!(DateTime::from_timestamp_nanos(*n), *start);
        }
    }
}
