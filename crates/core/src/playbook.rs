//! Content that works, for new reps (三轮驱动's employee wheel): every item ranked by
//! what it led to across the organization — readers, then leads named, then deals
//! won — per interest tag; a "start here" list for reps in their first weeks; and
//! suggestions for one customer from their interests and from what customers like
//! them read before they bought. Figures are counts only: no customer is named.

use crate::content::Content;
use crate::intent::top_interests;
use crate::weights::Weights;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap, HashSet};

/// A rep is new for this many days after joining: the dashboard shows them where
/// to start.
pub const NEW_REP_DAYS: i64 = 28;
/// How many items "start here" holds.
pub const START_HERE: usize = 5;
/// How many suggestions a customer gets.
pub const SUGGESTIONS: usize = 3;
/// How many of a customer's strongest interests make another customer "like them".
const LIKE_INTERESTS: usize = 3;

/// Which content the ranking holds: all, or what is about one interest tag.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhatWorksQuery {
    #[serde(default)]
    pub tag: Option<String>,
}

/// What one content item led to, over every rep's links.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentEffect {
    pub content_id: String,
    pub title: String,
    /// Its tags and its sections' tags.
    pub topics: Vec<String>,
    /// Distinct readers who really read it (counted views).
    pub readers: u32,
    /// Readers who left their details on it.
    pub leads: u32,
    /// Won deals whose customer read it before the deal was won.
    pub deals_won: u32,
    pub won_amount_fen: i64,
}

/// The ranking, best first, with the tags it can be narrowed to and the items a new
/// rep should start with.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhatWorks {
    pub items: Vec<ContentEffect>,
    /// Every topic of the organization's content, for the filter.
    pub tags: Vec<String>,
    /// Content ids: the best items that led somewhere (a lead or a deal), else the
    /// most read, at most [`START_HERE`].
    pub start_here: Vec<String>,
}

/// Why an item is suggested for a customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "why", rename_all = "snake_case", try_from = "ReasonWire")]
pub enum Reason {
    /// This many customers with the same interests read it before they bought.
    LikeThemBought { customers: u32 },
    /// It is about what they read most.
    Interest { tag: String },
    /// They have no interests yet: it is what has led to leads and won deals (their
    /// sum) for the team.
    Proven { led_to: u32 },
}

crate::wire::flat_tagged! {
    Reason via ReasonWire by "why" {
        fields { customers: u32, tag: String, led_to: u32 }
        "like_them_bought" => LikeThemBought { customers },
        "interest" => Interest { tag },
        "proven" => Proven { led_to },
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub content_id: String,
    pub title: String,
    pub reason: Reason,
}

/// What a customer who bought had read before, and what they were interested in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Buyer {
    pub interests: Weights,
    pub read_before: BTreeSet<String>,
}

/// Every topic of `content`: its own tags, then its sections', each once.
pub fn topics(content: &Content) -> Vec<String> {
    let mut seen = HashSet::new();
    content
        .tags
        .iter()
        .chain(content.blocks.iter().flat_map(|b| &b.tags))
        .filter(|t| seen.insert(t.as_str()))
        .cloned()
        .collect()
}

/// Best first: deals won, then leads, then readers; ties keep the order given.
pub fn rank(mut items: Vec<ContentEffect>) -> Vec<ContentEffect> {
    items.sort_by_key(|e| std::cmp::Reverse((e.deals_won, e.leads, e.readers)));
    items
}

/// The first of a ranked list that led to a lead or a deal; when none did, the
/// most read (never something nobody read).
pub fn start_here(ranked: &[ContentEffect]) -> Vec<String> {
    let proven: Vec<&ContentEffect> = ranked
        .iter()
        .filter(|e| e.deals_won > 0 || e.leads > 0)
        .collect();
    let list = if proven.is_empty() {
        let mut read: Vec<&ContentEffect> = ranked.iter().filter(|e| e.readers > 0).collect();
        read.sort_by_key(|e| std::cmp::Reverse(e.readers));
        read
    } else {
        proven
    };
    list.into_iter()
        .take(START_HERE)
        .map(|e| e.content_id.clone())
        .collect()
}

/// Whether a rep who joined at `joined_at` is in their first weeks at `now`.
pub fn is_new_rep(joined_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    joined_at.is_some_and(|j| now - j <= Duration::days(NEW_REP_DAYS))
}

/// Up to [`SUGGESTIONS`] items for a customer with `interests`, leaving out what
/// they were already sent (`sent`): first what buyers like them read before buying
/// (like them: one of their strongest interests among the buyer's strongest), then
/// what is about their strongest interests; a customer with no interests yet gets
/// the best items that led to a lead or a deal. `ranked` is the ranking of [`rank`].
pub fn suggest(
    interests: &Weights,
    sent: &HashSet<&str>,
    ranked: &[ContentEffect],
    buyers: &[Buyer],
) -> Vec<Suggestion> {
    let open: Vec<&ContentEffect> = ranked
        .iter()
        .filter(|e| !sent.contains(e.content_id.as_str()))
        .collect();
    let theirs: Vec<&str> = top_interests(interests, LIKE_INTERESTS)
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    if theirs.is_empty() {
        return open
            .into_iter()
            .filter(|e| e.deals_won > 0 || e.leads > 0)
            .take(SUGGESTIONS)
            .map(|e| {
                let led_to = e.deals_won + e.leads;
                suggestion(e, Reason::Proven { led_to })
            })
            .collect();
    }
    let mut like_them: HashMap<&str, u32> = HashMap::new();
    for b in buyers {
        let alike = top_interests(&b.interests, LIKE_INTERESTS)
            .iter()
            .any(|(t, _)| theirs.contains(t));
        if alike {
            for id in &b.read_before {
                *like_them.entry(id.as_str()).or_default() += 1;
            }
        }
    }
    // Scored: buyers like them first, then the strongest interest the item is about
    // (their first interest outranks their third); the ranking breaks ties.
    let mut scored: Vec<(u32, usize, &ContentEffect, Reason)> = open
        .into_iter()
        .filter_map(|e| {
            let bought = like_them.get(e.content_id.as_str()).copied().unwrap_or(0);
            let interest = theirs.iter().position(|t| e.topics.iter().any(|x| x == t));
            let reason = match (bought, interest) {
                (n, _) if n > 0 => Reason::LikeThemBought { customers: n },
                (_, Some(i)) => Reason::Interest {
                    tag: theirs[i].to_owned(),
                },
                _ => return None,
            };
            Some((
                bought,
                LIKE_INTERESTS - interest.unwrap_or(LIKE_INTERESTS),
                e,
                reason,
            ))
        })
        .collect();
    scored.sort_by_key(|(bought, interest, _, _)| std::cmp::Reverse((*bought, *interest)));
    scored
        .into_iter()
        .take(SUGGESTIONS)
        .map(|(_, _, e, reason)| suggestion(e, reason))
        .collect()
}

fn suggestion(e: &ContentEffect, reason: Reason) -> Suggestion {
    Suggestion {
        content_id: e.content_id.clone(),
        title: e.title.clone(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn effect(id: &str, topics: &[&str], readers: u32, leads: u32, deals: u32) -> ContentEffect {
        ContentEffect {
            content_id: id.into(),
            title: id.into(),
            topics: topics.iter().map(|t| t.to_string()).collect(),
            readers,
            leads,
            deals_won: deals,
            won_amount_fen: 0,
        }
    }

    fn interests(list: &[(&str, u64)]) -> Weights {
        list.iter().map(|(t, s)| (t.to_string(), *s)).collect()
    }

    fn ids(list: &[Suggestion]) -> Vec<&str> {
        list.iter().map(|s| s.content_id.as_str()).collect()
    }

    #[test]
    fn deals_outrank_leads_which_outrank_readers() {
        let ranked = rank(vec![
            effect("many-readers", &[], 90, 0, 0),
            effect("a-lead", &[], 5, 1, 0),
            effect("a-deal", &[], 2, 0, 1),
            effect("two-leads", &[], 3, 2, 0),
        ]);
        let order: Vec<&str> = ranked.iter().map(|e| e.content_id.as_str()).collect();
        assert_eq!(order, ["a-deal", "two-leads", "a-lead", "many-readers"]);
        // Start with what led somewhere; without any, with what is read most.
        assert_eq!(start_here(&ranked), ["a-deal", "two-leads", "a-lead"]);
        let unproven = rank(vec![
            effect("less", &[], 3, 0, 0),
            effect("unread", &[], 0, 0, 0),
            effect("more", &[], 9, 0, 0),
        ]);
        assert_eq!(start_here(&unproven), ["more", "less"]);
    }

    #[test]
    fn a_rep_is_new_for_four_weeks() {
        let now = DateTime::<Utc>::from_timestamp(1_795_000_000, 0).unwrap();
        assert!(is_new_rep(Some(now - Duration::days(NEW_REP_DAYS)), now));
        assert!(!is_new_rep(
            Some(now - Duration::days(NEW_REP_DAYS + 1)),
            now
        ));
        assert!(!is_new_rep(None, now));
    }

    #[test]
    fn what_buyers_like_them_read_comes_before_their_interests() {
        let ranked = rank(vec![
            effect("case", &["案例"], 10, 0, 2),
            effect("price", &["价格"], 8, 1, 0),
            effect("security", &["安全"], 6, 0, 0),
            effect("api", &["接口"], 4, 0, 0),
        ]);
        let buyers = vec![
            // Like them (价格 among their strongest): read "security" before buying.
            Buyer {
                interests: interests(&[("价格", 50), ("安全", 20)]),
                read_before: ["security".to_string()].into(),
            },
            // Not like them: what they read does not count.
            Buyer {
                interests: interests(&[("接口", 90)]),
                read_before: ["api".to_string()].into(),
            },
        ];
        let customer = interests(&[("价格", 120), ("案例", 30)]);
        let got = suggest(&customer, &HashSet::new(), &ranked, &buyers);
        assert_eq!(ids(&got), ["security", "price", "case"]);
        assert_eq!(got[0].reason, Reason::LikeThemBought { customers: 1 });
        assert_eq!(
            got[1].reason,
            Reason::Interest {
                tag: "价格".into()
            }
        );
        // What they were already sent is not suggested again.
        let sent: HashSet<&str> = ["price"].into();
        assert_eq!(
            ids(&suggest(&customer, &sent, &ranked, &buyers)),
            ["security", "case"]
        );
    }

    #[test]
    fn a_customer_without_interests_gets_what_led_somewhere() {
        let ranked = rank(vec![
            effect("read", &["案例"], 50, 0, 0),
            effect("lead", &["接口"], 9, 2, 0),
            effect("won", &["价格"], 3, 1, 4),
        ]);
        let got = suggest(&Weights::default(), &HashSet::new(), &ranked, &[]);
        assert_eq!(ids(&got), ["won", "lead"]);
        assert_eq!(got[0].reason, Reason::Proven { led_to: 5 });
    }

    #[test]
    fn topics_are_the_items_tags_then_its_sections_each_once() {
        let mut c = crate::demo::seed(DateTime::<Utc>::from_timestamp(1_795_000_000, 0).unwrap())
            .contents
            .into_values()
            .find(|c| c.blocks.iter().any(|b| !b.tags.is_empty()))
            .unwrap();
        c.tags = vec!["价格".into()];
        c.blocks[0].tags = vec!["价格".into(), "新".into()];
        let t = topics(&c);
        assert_eq!(&t[..2], ["价格", "新"]);
        assert_eq!(t.iter().filter(|x| *x == "价格").count(), 1);
    }
}
