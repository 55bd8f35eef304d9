//! The customer list's saved views, sorts and query (`/customers`): which customers
//! a view holds and in what order, as pure rules over one contact, so every backend
//! lists the same customers in the same order.

use crate::contact::Contact;
use crate::crm::{Due, due};
use crate::intent::HOT_THRESHOLD;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::cmp::{Ordering, Reverse};

/// Days without a touch after which a customer is "not touched", unless the query
/// says otherwise.
pub const UNTOUCHED_DAYS: u16 = 14;
/// How far back a lead is "new": this week.
pub const NEW_LEAD_DAYS: i64 = 7;

/// A saved view of the customer list, kept in the address (`?view=hot`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerView {
    /// Everyone in the caller's scope: a rep's own, a manager's team's, an admin's all.
    #[default]
    All,
    /// Those the caller owns.
    Mine,
    /// Intent at or above the hot threshold.
    Hot,
    /// No view, forward or message for `untouched_days` (or never).
    Untouched,
    /// Readers who left their details in the last week.
    NewLeads,
    /// Those the caller stars (重点关注).
    Starred,
    /// A follow-up due later today.
    FollowUpToday,
    /// A follow-up whose time has passed.
    Overdue,
}

impl CustomerView {
    pub const ALL: [CustomerView; 8] = [
        CustomerView::All,
        CustomerView::Mine,
        CustomerView::Starred,
        CustomerView::FollowUpToday,
        CustomerView::Overdue,
        CustomerView::Hot,
        CustomerView::Untouched,
        CustomerView::NewLeads,
    ];

    /// The name in the address.
    pub fn key(self) -> &'static str {
        match self {
            CustomerView::All => "all",
            CustomerView::Mine => "mine",
            CustomerView::Hot => "hot",
            CustomerView::Untouched => "untouched",
            CustomerView::NewLeads => "new_leads",
            CustomerView::Starred => "starred",
            CustomerView::FollowUpToday => "follow_up_today",
            CustomerView::Overdue => "overdue",
        }
    }

    pub fn from_key(key: &str) -> Option<CustomerView> {
        CustomerView::ALL.into_iter().find(|v| v.key() == key)
    }
}

/// How the customer list is ordered; ties go by id, so pages never overlap.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerSort {
    /// Most recently touched first; never touched last.
    #[default]
    LastTouch,
    /// Highest intent first.
    Intent,
    /// By name.
    Name,
    /// Newest customers first.
    Newest,
}

impl CustomerSort {
    pub const ALL: [CustomerSort; 4] = [
        CustomerSort::LastTouch,
        CustomerSort::Intent,
        CustomerSort::Name,
        CustomerSort::Newest,
    ];

    pub fn key(self) -> &'static str {
        match self {
            CustomerSort::LastTouch => "last_touch",
            CustomerSort::Intent => "intent",
            CustomerSort::Name => "name",
            CustomerSort::Newest => "newest",
        }
    }

    pub fn from_key(key: &str) -> Option<CustomerSort> {
        CustomerSort::ALL.into_iter().find(|s| s.key() == key)
    }

    /// `a` before `b` in this order.
    pub fn compare(self, a: &Contact, b: &Contact) -> Ordering {
        let by = match self {
            CustomerSort::LastTouch => Reverse(a.last_seen_at).cmp(&Reverse(b.last_seen_at)),
            CustomerSort::Intent => b.intent.cmp(&a.intent),
            CustomerSort::Name => a.name.cmp(&b.name),
            CustomerSort::Newest => b.created_at.cmp(&a.created_at),
        };
        by.then_with(|| a.id.cmp(&b.id))
    }
}

/// One request for the customer list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerQuery {
    #[serde(default)]
    pub view: CustomerView,
    /// Words found in name, company, phone, email, WeChat ID or a channel handle.
    pub text: Option<String>,
    /// Only this colleague's customers (within the caller's scope).
    pub owner: Option<String>,
    /// For [`CustomerView::Untouched`]; [`UNTOUCHED_DAYS`] when not given.
    pub untouched_days: Option<u16>,
    /// Only customers at this stage.
    pub stage: Option<String>,
    /// Only customers with this tag.
    pub tag: Option<String>,
    /// The reader's offset from UTC in minutes (Beijing: 480), for what "today" is.
    pub tz_offset: Option<i32>,
    /// The customers waiting in this public pool instead (see [`crate::pool`]).
    #[serde(default)]
    pub pool: Option<String>,
    #[serde(default)]
    pub sort: CustomerSort,
    pub cursor: Option<String>,
    pub limit: Option<usize>,
}

impl CustomerQuery {
    /// Whether `c` (live, and in the caller's scope) belongs in this list for
    /// `caller_id` at `now`.
    pub fn holds(&self, c: &Contact, caller_id: &str, now: DateTime<Utc>) -> bool {
        let in_view = match self.view {
            CustomerView::All => true,
            CustomerView::Mine => c.owner_id.as_deref() == Some(caller_id),
            CustomerView::Hot => c.intent >= HOT_THRESHOLD,
            CustomerView::Untouched => {
                let days = self.untouched_days.unwrap_or(UNTOUCHED_DAYS);
                c.last_seen_at
                    .is_none_or(|at| now - at >= Duration::days(i64::from(days)))
            }
            CustomerView::NewLeads => {
                c.lead_link.is_some() && now - c.created_at <= Duration::days(NEW_LEAD_DAYS)
            }
            CustomerView::Starred => c.starred_by.iter().any(|u| u == caller_id),
            CustomerView::FollowUpToday => c
                .next_follow_up_at
                .is_some_and(|at| due(at, now, self.tz_offset.unwrap_or(0)) == Due::Today),
            CustomerView::Overdue => c
                .next_follow_up_at
                .is_some_and(|at| due(at, now, self.tz_offset.unwrap_or(0)) == Due::Overdue),
        };
        in_view
            && self
                .owner
                .as_deref()
                .is_none_or(|o| c.owner_id.as_deref() == Some(o))
            && self.text.as_deref().is_none_or(|t| c.matches(t))
            && self
                .stage
                .as_deref()
                .is_none_or(|s| c.stage_or_first() == s)
            && self
                .tag
                .as_deref()
                .is_none_or(|t| c.tags.iter().any(|mine| mine == t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(id: &str, owner: Option<&str>) -> Contact {
        Contact {
            id: id.into(),
            name: format!("Customer {id}"),
            owner_id: owner.map(str::to_owned),
            created_at: DateTime::UNIX_EPOCH,
            ..Contact::default()
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + Duration::days(100)
    }

    #[test]
    fn each_view_holds_what_its_name_says() {
        let q = |view| CustomerQuery {
            view,
            ..CustomerQuery::default()
        };
        let mut c = contact("a", Some("rep-1"));
        assert!(q(CustomerView::All).holds(&c, "rep-2", now()));
        assert!(q(CustomerView::Mine).holds(&c, "rep-1", now()));
        assert!(!q(CustomerView::Mine).holds(&c, "rep-2", now()));

        assert!(!q(CustomerView::Hot).holds(&c, "rep-1", now()));
        c.intent = HOT_THRESHOLD;
        assert!(q(CustomerView::Hot).holds(&c, "rep-1", now()));

        // Never touched is untouched; touched 13 days ago is not, 14 days is.
        assert!(q(CustomerView::Untouched).holds(&c, "rep-1", now()));
        c.last_seen_at = Some(now() - Duration::days(13));
        assert!(!q(CustomerView::Untouched).holds(&c, "rep-1", now()));
        c.last_seen_at = Some(now() - Duration::days(14));
        assert!(q(CustomerView::Untouched).holds(&c, "rep-1", now()));
        let within_30 = CustomerQuery {
            view: CustomerView::Untouched,
            untouched_days: Some(30),
            ..CustomerQuery::default()
        };
        assert!(!within_30.holds(&c, "rep-1", now()));

        // A new lead left details this week.
        assert!(!q(CustomerView::NewLeads).holds(&c, "rep-1", now()));
        c.lead_link = Some("reader-link".into());
        assert!(!q(CustomerView::NewLeads).holds(&c, "rep-1", now()));
        c.created_at = now() - Duration::days(6);
        assert!(q(CustomerView::NewLeads).holds(&c, "rep-1", now()));
    }

    #[test]
    fn owner_and_words_narrow_any_view() {
        let mut c = contact("a", Some("rep-1"));
        c.company = "华东制造".into();
        let q = CustomerQuery {
            owner: Some("rep-2".into()),
            ..CustomerQuery::default()
        };
        assert!(!q.holds(&c, "rep-1", now()));
        let q = CustomerQuery {
            text: Some("华东".into()),
            ..CustomerQuery::default()
        };
        assert!(q.holds(&c, "rep-1", now()));
        let q = CustomerQuery {
            text: Some("华南".into()),
            ..CustomerQuery::default()
        };
        assert!(!q.holds(&c, "rep-1", now()));
    }

    #[test]
    fn sorts_break_ties_by_id_and_put_the_never_touched_last() {
        let mut a = contact("a", None);
        let mut b = contact("b", None);
        assert_eq!(CustomerSort::Intent.compare(&a, &b), Ordering::Less);
        b.intent = 10;
        assert_eq!(CustomerSort::Intent.compare(&a, &b), Ordering::Greater);
        a.last_seen_at = Some(now());
        assert_eq!(CustomerSort::LastTouch.compare(&a, &b), Ordering::Less);
        b.last_seen_at = Some(now() + Duration::seconds(1));
        assert_eq!(CustomerSort::LastTouch.compare(&a, &b), Ordering::Greater);
        b.created_at = now();
        assert_eq!(CustomerSort::Newest.compare(&a, &b), Ordering::Greater);
        for s in CustomerSort::ALL {
            assert_eq!(CustomerSort::from_key(s.key()), Some(s));
        }
        for v in CustomerView::ALL {
            assert_eq!(CustomerView::from_key(v.key()), Some(v));
        }
    }
}
