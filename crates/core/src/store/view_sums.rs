//! What a contact's counted views add up to (visits, time, forwards, interests),
//! kept per contact once summed and moved on view by view, so a tracking snapshot
//! costs the same whether its reader has read ten times or ten thousand.
//!
//! The sums are let go whenever a content changes, or a link a view goes through
//! ([`Db::moves_sums`]): the next snapshot walks the contact's links again
//! ([`Db::view_sums`]). A link just sent or minted and a view just issued move no
//! sums, so readers opening pages do not make every contact's next snapshot walk
//! (a customer whose article was forwarded far has thousands of views below them).
//! A test holds the kept sums to that walk.

use super::*;

/// A contact's counted views, summed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct ViewSums {
    pub visits: u32,
    pub visible_ms: u64,
    pub forwards: u32,
    /// When any of them was last seen (not capped at a moment: see
    /// [`Db::signals_of`]).
    pub last_seen: Option<DateTime<Utc>>,
    /// When the latest of them started: sums holding a view that started after a
    /// moment cannot stand for that moment.
    pub latest_start: Option<DateTime<Utc>>,
    /// Interest weights, by tag.
    pub interests: BTreeMap<String, u64>,
}

impl ViewSums {
    /// Counts in (`add`) or takes out a view the contact read, on a link whose
    /// content's sections have `tags`.
    pub fn read(&mut self, s: &ViewSession, tags: Option<&BTreeMap<&str, &[String]>>, add: bool) {
        self.visits = step(self.visits, add);
        self.visible_ms = if add {
            self.visible_ms + s.totals.visible_ms
        } else {
            self.visible_ms.saturating_sub(s.totals.visible_ms)
        };
        if let Some(tags) = tags {
            let mut weights = BTreeMap::new();
            add_interest(&mut weights, &s.totals.sections, tags);
            for (tag, w) in weights {
                // A tag stays once seen, at 0 too, as the walk lists it: a view's
                // sections only grow.
                let mine = self.interests.entry(tag.to_owned()).or_default();
                *mine = if add {
                    *mine + w
                } else {
                    mine.saturating_sub(w)
                };
            }
        }
        self.saw(s, add);
    }

    /// Counts in (`add`) or takes out a view of a link the contact forwarded.
    pub fn forward(&mut self, s: &ViewSession, add: bool) {
        self.forwards = step(self.forwards, add);
        self.saw(s, add);
    }

    /// A view's moments: taken out, they stay, as a view's last sight only moves on
    /// and its start never moves (`Db::put` lets the sums go for a copy of a view
    /// that went back).
    fn saw(&mut self, s: &ViewSession, add: bool) {
        if add {
            self.last_seen = self.last_seen.max(Some(s.last_seen_at));
            self.latest_start = self.latest_start.max(Some(s.started_at));
        }
    }
}

fn step(n: u32, add: bool) -> u32 {
    if add { n + 1 } else { n.saturating_sub(1) }
}

/// The content link `link` shows, whose tags weigh what is read through it (none
/// for a card).
pub(super) fn linked_content<'c>(
    contents: &'c BTreeMap<String, Content>,
    link: &Share,
) -> Option<&'c Content> {
    match &link.target {
        ShareTarget::Content(id) => contents.get(id),
        ShareTarget::Card(_) => None,
    }
}

/// A content's tags by section.
pub(super) fn section_tags(c: &Content) -> BTreeMap<&str, &[String]> {
    c.blocks
        .iter()
        .map(|b| (b.id.as_str(), b.tags.as_slice()))
        .collect()
}

/// How a view counts for a contact: read through a link (whose content's tags
/// weigh it), or read by someone they forwarded to.
enum Part<'a> {
    Read(&'a Share),
    Forward,
}

/// Each contact view `s` counts for, and how: what [`Db::view_sums`] finds of it
/// walking from the contacts' links (nothing until it is counted).
fn parts<'a>(shares: &'a BTreeMap<String, Share>, s: &ViewSession) -> Vec<(&'a str, Part<'a>)> {
    let mut out = Vec::new();
    if !s.totals.is_counted() {
        return out;
    }
    // Read by the owner of their own link, whichever link it came through.
    if let Some(own) = s.reader_token.as_deref().and_then(|t| shares.get(t))
        && let Some(c) = own.contact_id.as_deref()
    {
        out.push((c, Part::Read(own)));
    }
    let Some(link) = shares.get(&s.share_token) else {
        return out;
    };
    match link.parent.as_deref() {
        // A rep's link is read by its contact (once, when it is their own too).
        None => {
            if s.reader_token.as_deref() != Some(link.token.as_str())
                && let Some(c) = link.contact_id.as_deref()
            {
                out.push((c, Part::Read(link)));
            }
        }
        // A reader's own link: read by others, a forward of its owner's and of
        // the contact of the link it came from.
        Some(parent) => {
            if let Some(c) = link.contact_id.as_deref() {
                out.push((c, Part::Forward));
            }
            if let Some(c) = shares.get(parent).and_then(|p| p.contact_id.as_deref()) {
                out.push((c, Part::Forward));
            }
        }
    }
    out
}

impl Db {
    /// Contact `id`'s view sums as of `now`: kept ones if they stand for it, else
    /// walked (and kept when they will stand for later moments too).
    pub(super) fn kept_sums(&mut self, id: &str, now: DateTime<Utc>) -> ViewSums {
        let stands = |s: &ViewSums| s.latest_start.is_none_or(|at| at <= now);
        if let Some(kept) = self.index.get().and_then(|ix| ix.sums.get(id))
            && stands(kept)
        {
            return kept.clone();
        }
        let all = self.view_sums(id, DateTime::<Utc>::MAX_UTC);
        if !stands(&all) {
            return self.view_sums(id, now);
        }
        if let Some(ix) = self.index.get_mut() {
            ix.sums.insert(id.to_owned(), all.clone());
        }
        all
    }

    /// Takes view `id` out of the kept sums before it changes (`add` false), or
    /// counts it in again after (`add` true).
    pub(super) fn resum(&mut self, id: &str, add: bool) {
        let Db {
            sessions,
            shares,
            contents,
            index,
            ..
        } = self;
        let Some(ix) = index.get_mut().filter(|ix| !ix.sums.is_empty()) else {
            return;
        };
        let Some(s) = sessions.get(id) else {
            return;
        };
        for (contact, part) in parts(shares, s) {
            let Some(sums) = ix.sums.get_mut(contact) else {
                continue;
            };
            match part {
                Part::Read(link) => {
                    let tags = linked_content(contents, link).map(section_tags);
                    sums.read(s, tags.as_ref(), add);
                }
                Part::Forward => sums.forward(s, add),
            }
        }
    }

    /// Whether a change to this record may move what some contact's views add up
    /// to: a content (its sections' tags weigh interests), a link a view goes
    /// through (its own link, the one it came through, or that one's parent), or a
    /// counted view. Asked after an operation changed the record, before a record
    /// from elsewhere replaces it.
    pub(super) fn moves_sums(&self, change: &Change) -> bool {
        let Some(ix) = self.index.get().filter(|ix| !ix.sums.is_empty()) else {
            return false;
        };
        match change {
            Change::Content(_) => true,
            Change::Share(token) => {
                ix.sessions_by_share.contains_key(token)
                    || ix.sessions_by_reader.contains_key(token)
                    || ix.children.contains_key(token)
            }
            Change::Session(id) => self.sessions.get(id).is_some_and(|s| s.totals.is_counted()),
            _ => false,
        }
    }

    /// Lets go of every kept sum (see the module's note).
    pub(super) fn forget_sums(&mut self) {
        if let Some(ix) = self.index.get_mut() {
            ix.sums.clear();
        }
    }
}
