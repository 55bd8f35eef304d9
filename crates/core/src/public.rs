//! What strangers see: the public projection of cards, links and content that
//! customer pages receive. Nothing in these types names a staff member, a customer
//! record or a private detail; a phone the rep shows only on request is left out, and
//! the page offers to ask for it instead. The server test `public_fields` lists every
//! field these carry, so a new one is public only when someone meant it to be.

use crate::content::{Block, Content, ContentKind};
use crate::people::{Card, CardTheme, PhoneVisibility};
use crate::share::{LeadCapture, Share, ShareTarget};
use serde::{Deserialize, Serialize};

/// A rep's card as a customer sees it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicCard {
    pub id: String,
    pub name: String,
    pub title: String,
    pub company: String,
    pub logo_url: String,
    pub avatar_url: String,
    /// Empty when the rep shows it only on request ([`PublicCard::phone_on_request`]).
    pub phone: String,
    /// The rep gives their number when asked: the page offers to ask.
    pub phone_on_request: bool,
    pub email: String,
    pub wechat_id: String,
    pub address: String,
    pub website: String,
    pub intro: String,
    pub featured: Vec<String>,
    pub greeting_media_url: String,
    pub theme: CardTheme,
}

impl PublicCard {
    /// Title and company as one line, like [`Card::role`].
    pub fn role(&self) -> String {
        crate::people::role_line(&self.title, &self.company)
    }
}

impl From<&Card> for PublicCard {
    fn from(c: &Card) -> Self {
        let on_request = c.phone_visibility == PhoneVisibility::OnRequest;
        PublicCard {
            id: c.id.clone(),
            name: c.name.clone(),
            title: c.title.clone(),
            company: c.company.clone(),
            logo_url: c.logo_url.clone(),
            avatar_url: c.avatar_url.clone(),
            phone: if on_request {
                String::new()
            } else {
                c.phone.clone()
            },
            phone_on_request: on_request && !c.phone.trim().is_empty(),
            email: c.email.clone(),
            wechat_id: c.wechat_id.clone(),
            address: c.address.clone(),
            website: c.website.clone(),
            intro: c.intro.clone(),
            featured: c.featured.clone(),
            greeting_media_url: c.greeting_media_url.clone(),
            theme: c.theme,
        }
    }
}

/// A link as its reader sees it: what it shows and whether it asks who they are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicShare {
    pub token: String,
    pub target: ShareTarget,
    pub lead_capture: LeadCapture,
}

impl From<&Share> for PublicShare {
    fn from(s: &Share) -> Self {
        PublicShare {
            token: s.token.clone(),
            target: s.target.clone(),
            lead_capture: s.lead_capture,
        }
    }
}

/// Content as its reader sees it (no author, no edit history).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicContent {
    pub id: String,
    pub kind: ContentKind,
    pub title: String,
    pub summary: String,
    pub cover_url: String,
    pub tags: Vec<String>,
    pub blocks: Vec<Block>,
}

impl From<&Content> for PublicContent {
    fn from(c: &Content) -> Self {
        PublicContent {
            id: c.id.clone(),
            kind: c.kind,
            title: c.title.clone(),
            summary: c.summary.clone(),
            cover_url: c.cover_url.clone(),
            tags: c.tags.clone(),
            blocks: c.blocks.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_on_request_stays_with_the_rep_and_the_page_offers_to_ask() {
        let mut card = Card {
            id: "c".into(),
            owner_id: "u-secret".into(),
            name: "王磊".into(),
            phone: "13800138000".into(),
            phone_visibility: PhoneVisibility::OnRequest,
            ..Card::default()
        };
        let public = PublicCard::from(&card);
        assert_eq!(public.phone, "");
        assert!(public.phone_on_request);
        let json = serde_json::to_string(&public).unwrap_or_default();
        assert!(
            !json.contains("13800138000") && !json.contains("u-secret"),
            "{json}"
        );
        card.phone_visibility = PhoneVisibility::Public;
        let public = PublicCard::from(&card);
        assert_eq!(public.phone, "13800138000");
        assert!(!public.phone_on_request);
        card.phone.clear();
        card.phone_visibility = PhoneVisibility::OnRequest;
        assert!(
            !PublicCard::from(&card).phone_on_request,
            "nothing to ask for"
        );
    }
}
