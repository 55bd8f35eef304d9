//! Customers and their identities across channels.

use crate::channel::Channel;
use crate::weights::Weights;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Identity {
    pub channel: Channel,
    /// The channel's own handle: open id, email address, phone number...
    pub handle: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub id: String,
    pub name: String,
    pub company: String,
    pub phone: String,
    pub email: String,
    pub wechat_id: String,
    pub identities: Vec<Identity>,
    /// Identities a platform said no longer reach them (a WeCom contact who
    /// removed staff): kept so that, back again, they return to this customer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub left: Vec<Identity>,
    /// The rep this customer belongs to.
    pub owner_id: Option<String>,
    /// Interest tag -> seconds of dwell on sections with that tag.
    pub interests: Weights,
    pub intent: u8,
    // `default`: a missing field is none, as serde has an `Option` without
    // `deserialize_with`.
    #[serde(default)]
    #[cfg_attr(
        not(target_arch = "wasm32"),
        serde(deserialize_with = "crate::stamp::utc_option")
    )]
    pub last_seen_at: Option<DateTime<Utc>>,
    #[cfg_attr(
        not(target_arch = "wasm32"),
        serde(deserialize_with = "crate::stamp::utc")
    )]
    pub created_at: DateTime<Utc>,
    /// Set when this contact was merged into another: kept (not deleted) with what
    /// the merge moved, so the merge can be undone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged: Option<Box<Merged>>,
    /// A lead: the reader's own link they left their details on. Details left there
    /// again update this contact; details never go into another customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_link: Option<String>,
    /// A live customer in the owner's scope whose phone, WeChat ID or email these
    /// details match: probably the same person, offered to the rep to merge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probably_same_as: Option<String>,
    /// Customers the rep said this contact is not; never suggested again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_same_as: Vec<String>,
    /// Their stage in the sales process (an id of the organization's stages); empty
    /// for the first.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub stage: String,
    /// Tags from the organization's list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Staff watching this customer (重点关注), each for themselves.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub starred_by: Vec<String>,
    /// Where they came from.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// When the last follow-up said to follow up next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_follow_up_at: Option<DateTime<Utc>>,
    /// The public pool an unowned customer waits in (see [`crate::pool`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool_id: Option<String>,
    /// When the owner got them (claimed, assigned); the recycle rules count from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owned_since: Option<DateTime<Utc>>,
    /// Locked by the owner against going back to the pool.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub locked: bool,
    /// Who last lost them to the pool, and when: that rep waits to claim them back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub released: Option<Released>,
}

/// A customer's last return to the pool.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Released {
    pub owner_id: String,
    pub at: DateTime<Utc>,
}

/// What merging a contact into another moved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Merged {
    /// The contact this one was merged into.
    pub into: String,
    pub at: DateTime<Utc>,
    /// That contact as it was before the merge, restored by undo.
    pub kept_before: Contact,
    pub conversations: Vec<String>,
    pub shares: Vec<String>,
}

impl Contact {
    /// Their stage's id: a customer recorded before stages existed is at the first.
    pub fn stage_or_first(&self) -> &str {
        if self.stage.is_empty() {
            crate::crm::LEAD
        } else {
            &self.stage
        }
    }

    /// Whether what was typed finds this contact by name, company, phone, email,
    /// WeChat ID or any channel handle.
    pub fn matches(&self, typed: &str) -> bool {
        let mut text = [
            &self.name,
            &self.company,
            &self.phone,
            &self.email,
            &self.wechat_id,
        ]
        .map(String::as_str)
        .join(" ");
        for id in &self.identities {
            text.push(' ');
            text.push_str(&id.handle);
        }
        crate::format::words_match(&text, typed)
    }

    /// Whether `other` is reached the same way: the same phone number, WeChat ID or
    /// email address (in the fields, or as an SMS or email handle). Names are not
    /// compared: two people may share one.
    pub fn same_reach(&self, other: &Contact) -> bool {
        let mine = self.reach();
        other.reach().iter().any(|k| mine.contains(k))
    }

    /// Phone, WeChat ID and email, normalised for comparison; empty ones left out.
    pub(crate) fn reach(&self) -> Vec<(Channel, String)> {
        let fields = [
            (Channel::Sms, &self.phone),
            (Channel::Wechat, &self.wechat_id),
            (Channel::Email, &self.email),
        ];
        let handles = (self.identities.iter())
            .filter(|id| matches!(id.channel, Channel::Sms | Channel::Email))
            .map(|id| (id.channel, &id.handle));
        let mut keys: Vec<(Channel, String)> = (fields.into_iter().chain(handles))
            .map(|(channel, handle)| (channel, handle_key(channel, handle)))
            .collect();
        keys.retain(|(_, k)| !k.is_empty());
        keys
    }

    /// Folds `other` (the same person found on another channel) into `self`: fields
    /// `self` lacks are filled, identities united, interest weights added. The caller
    /// keeps `other` to undo.
    pub fn absorb(&mut self, other: &Contact) {
        for (mine, theirs) in [
            (&mut self.name, &other.name),
            (&mut self.company, &other.company),
            (&mut self.phone, &other.phone),
            (&mut self.email, &other.email),
            (&mut self.wechat_id, &other.wechat_id),
        ] {
            if mine.trim().is_empty() {
                mine.clone_from(theirs);
            }
        }
        for id in &other.identities {
            if !self.identities.contains(id) {
                self.identities.push(id.clone());
            }
        }
        for (tag, w) in &other.interests {
            self.interests.add(tag, w);
        }
        self.intent = self.intent.max(other.intent);
        self.last_seen_at = self.last_seen_at.max(other.last_seen_at);
        self.created_at = self.created_at.min(other.created_at);
        if self.owner_id.is_none() {
            self.owner_id.clone_from(&other.owner_id);
        }
    }
}

/// A handle on `channel` as it compares: a phone number by its digits, anything else
/// trimmed and in lower case.
pub(crate) fn handle_key(channel: Channel, handle: &str) -> String {
    match channel {
        Channel::Sms => phone_key(handle),
        _ => handle.trim().to_lowercase(),
    }
}

/// A phone number's digits, without a leading mainland country code (+86, 0086).
fn phone_key(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    for code in ["0086", "86"] {
        if let Some(national) = digits.strip_prefix(code)
            && national.len() == 11
        {
            return national.to_owned();
        }
    }
    digits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(id: &str, name: &str, ch: Channel, handle: &str) -> Contact {
        Contact {
            id: id.into(),
            name: name.into(),
            company: String::new(),
            phone: String::new(),
            email: String::new(),
            wechat_id: String::new(),
            identities: vec![Identity {
                channel: ch,
                handle: handle.into(),
            }],
            owner_id: None,
            interests: [("价格".to_string(), 10)].into_iter().collect(),
            intent: 40,
            last_seen_at: None,
            created_at: DateTime::<Utc>::from_timestamp(1_790_000_000, 0).unwrap(),
            merged: None,
            lead_link: None,
            probably_same_as: None,
            not_same_as: Vec::new(),
            ..Default::default()
        }
    }

    #[test]
    fn typed_words_find_a_contact_by_any_detail() {
        let c = contact("k-1", "王芳", Channel::Qq, "qq_778899");
        assert!(c.matches("王"));
        assert!(c.matches("qq_7788"));
        assert!(!c.matches("王 email"));
    }

    #[test]
    fn the_same_phone_wechat_or_email_is_the_same_reach_and_a_name_is_not() {
        let mut a = contact("a", "王芳", Channel::Qq, "qq_1");
        let mut b = contact("b", "王芳", Channel::Qq, "qq_2");
        assert!(!a.same_reach(&b), "the same name alone");
        a.phone = "+86 138-0013-8000".into();
        b.phone = "13800138000".into();
        assert!(a.same_reach(&b));
        b.phone = "13800138001".into();
        assert!(!a.same_reach(&b));
        b.wechat_id = " Wang_F ".into();
        a.wechat_id = "wang_f".into();
        assert!(a.same_reach(&b));
        a.wechat_id.clear();
        b.identities.push(Identity {
            channel: Channel::Email,
            handle: "Wang@Example.cn".into(),
        });
        a.email = "wang@example.cn".into();
        assert!(a.same_reach(&b), "an email handle counts");
        a.email.clear();
        assert!(!a.same_reach(&b), "empty details match nothing");
    }

    #[test]
    fn absorb_unites_identities_and_keeps_own_fields() {
        let mut a = contact("a", "王先生", Channel::Wechat, "wx_1");
        let mut b = contact("b", "Wang", Channel::Email, "wang@example.cn");
        b.email = "wang@example.cn".into();
        b.intent = 72;
        a.absorb(&b);
        assert_eq!(a.name, "王先生");
        assert_eq!(a.email, "wang@example.cn");
        assert_eq!(a.identities.len(), 2);
        assert_eq!(a.interests.get("价格"), Some(20));
        assert_eq!(a.intent, 72);
    }
}
