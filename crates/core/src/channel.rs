//! The channels a customer can reach the company through.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Started from a card or content page: the only channel the front end carries itself.
    WebChat,
    Wechat,
    Wecom,
    Qq,
    Weibo,
    Douyin,
    Email,
    Sms,
}

impl Channel {
    pub const ALL: [Channel; 8] = [
        Channel::WebChat,
        Channel::Wechat,
        Channel::Wecom,
        Channel::Qq,
        Channel::Weibo,
        Channel::Douyin,
        Channel::Email,
        Channel::Sms,
    ];

    /// The path segment used in `/channels/{channel}/inbound` and in URLs.
    pub fn slug(self) -> &'static str {
        match self {
            Channel::WebChat => "web_chat",
            Channel::Wechat => "wechat",
            Channel::Wecom => "wecom",
            Channel::Qq => "qq",
            Channel::Weibo => "weibo",
            Channel::Douyin => "douyin",
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.slug() == slug)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_matches_serde_and_round_trips() {
        for c in Channel::ALL {
            assert_eq!(Channel::from_slug(c.slug()), Some(c));
            assert_eq!(
                serde_json::to_string(&c).unwrap(),
                format!("\"{}\"", c.slug())
            );
        }
        assert_eq!(Channel::from_slug("fax"), None);
    }
}
