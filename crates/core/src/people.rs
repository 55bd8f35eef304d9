//! Staff and the smart business card.

use crate::validate::{self, FieldErrors};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A sales rep: their own customers (私海), card, shares and radar.
    Rep,
    /// A team lead: everything a rep may, over their department and those below it.
    Manager,
    /// Support: the inbox and the customers in it.
    Agent,
    /// Everything, including staff, departments and settings.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Rep, Role::Manager, Role::Agent, Role::Admin];

    /// Whether this role sells: has a card, shares links, owns customers.
    pub fn sells(self) -> bool {
        matches!(self, Role::Rep | Role::Manager)
    }

    /// The name on the wire and in URLs.
    pub fn slug(self) -> &'static str {
        match self {
            Role::Rep => "rep",
            Role::Manager => "manager",
            Role::Agent => "agent",
            Role::Admin => "admin",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub email: String,
    /// The card this user shares, if a rep.
    pub card_id: Option<String>,
    /// Where in the organization's department tree this person works.
    #[serde(default)]
    pub department_id: Option<String>,
    /// A deactivated account cannot sign in and owns nothing new.
    #[serde(default = "active_by_default")]
    pub active: bool,
    /// When they joined (accounts from before this was kept have none): a rep's
    /// first weeks show them where to start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub joined_at: Option<DateTime<Utc>>,
}

fn active_by_default() -> bool {
    true
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardTheme {
    #[default]
    Jade,
    Ink,
    Coral,
    Slate,
}

impl CardTheme {
    /// The name in stylesheets (`theme-{slug}`) and on the wire.
    pub fn slug(self) -> &'static str {
        match self {
            CardTheme::Jade => "jade",
            CardTheme::Ink => "ink",
            CardTheme::Coral => "coral",
            CardTheme::Slate => "slate",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneVisibility {
    #[default]
    Public,
    /// Customers ask for it through "message me"; protects reps from cold calls.
    OnRequest,
}

/// The rep's smart business card (智能名片).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    /// URL slug: `/c/{id}`.
    pub id: String,
    pub owner_id: String,
    pub name: String,
    pub title: String,
    pub company: String,
    pub logo_url: String,
    pub avatar_url: String,
    pub phone: String,
    pub email: String,
    pub wechat_id: String,
    pub address: String,
    pub website: String,
    pub intro: String,
    /// Content ids shown on the card, in order.
    pub featured: Vec<String>,
    pub greeting_media_url: String,
    pub theme: CardTheme,
    pub phone_visibility: PhoneVisibility,
    pub updated_at: Option<DateTime<Utc>>,
}

pub const MAX_FEATURED: usize = 6;

/// The initials shown where a person has no photo: the first character of a Chinese
/// name, else the first letters of the first and last words.
pub fn initials(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    match words.as_slice() {
        [] => String::new(),
        [one] => one.chars().take(1).collect(),
        [first, .., last] => first.chars().take(1).chain(last.chars().take(1)).collect(),
    }
}

/// How many avatar colours there are (`--tone-0` .. in the stylesheet).
pub const AVATAR_TONES: u32 = 8;

/// A person's avatar colour: the same name always gets the same one, so a face is
/// recognisable across pages before anyone uploads a photo.
pub fn avatar_tone(name: &str) -> u32 {
    // FNV-1a: stable across builds and platforms (std's hasher is not).
    let hash = name.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    hash % AVATAR_TONES
}

/// Title and company as one line ("销售总监 · 连接科技"), either may be missing: the
/// card's role as the editor, the customer page and link previews show it.
pub fn role_line(title: &str, company: &str) -> String {
    [title, company]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

impl Card {
    /// Title and company as one line ("销售总监 · 连接科技"), either may be missing.
    pub fn role(&self) -> String {
        role_line(&self.title, &self.company)
    }

    pub fn validate(&self) -> Result<(), FieldErrors> {
        use validate::{email, max_len, optional, phone, required, url};
        let mut e = FieldErrors::default();
        e.check("name", required(&self.name, 40))
            .check("title", max_len(&self.title, 60))
            .check("company", max_len(&self.company, 80))
            .check("phone", optional(&self.phone, phone))
            .check("email", optional(&self.email, email))
            .check("wechat_id", max_len(&self.wechat_id, 40))
            .check("address", max_len(&self.address, 200))
            .check("website", optional(&self.website, url))
            .check("logo_url", optional(&self.logo_url, url))
            .check("avatar_url", optional(&self.avatar_url, url))
            .check(
                "greeting_media_url",
                optional(&self.greeting_media_url, url),
            )
            .check("intro", max_len(&self.intro, 500))
            .check(
                "featured",
                if self.featured.len() > MAX_FEATURED {
                    Err(validate::FieldProblem::TooLong { max: MAX_FEATURED })
                } else {
                    Ok(())
                },
            );
        e.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_and_tones_are_stable() {
        assert_eq!(initials("王磊"), "王");
        assert_eq!(initials("Emily  Chen"), "EC");
        assert_eq!(initials("Anna Maria Lopez"), "AL");
        assert_eq!(initials(""), "");
        assert_eq!(avatar_tone("王磊"), avatar_tone("王磊"));
        assert!(avatar_tone("Emily Chen") < AVATAR_TONES);
        let tones: std::collections::BTreeSet<u32> = [
            "王磊",
            "李娜",
            "Emily Chen",
            "陈刚",
            "孙悦",
            "赵敏",
            "张女士",
            "周女士",
        ]
        .iter()
        .map(|n| avatar_tone(n))
        .collect();
        assert!(tones.len() >= 4, "names spread over the colours: {tones:?}");
    }
    use crate::validate::FieldProblem;

    #[test]
    fn card_validation_names_each_bad_field() {
        let mut card = Card {
            name: "王磊".into(),
            phone: "13800138000".into(),
            ..Default::default()
        };
        assert!(card.validate().is_ok());
        card.name = String::new();
        card.email = "wang@".into();
        card.website = "javascript:alert(1)".into();
        card.featured = vec!["x".into(); 7];
        let errs = card.validate().unwrap_err();
        assert_eq!(errs.get("name"), Some(&FieldProblem::Required));
        assert_eq!(errs.get("email"), Some(&FieldProblem::Email));
        assert_eq!(errs.get("website"), Some(&FieldProblem::Url));
        assert_eq!(
            errs.get("featured"),
            Some(&FieldProblem::TooLong { max: 6 })
        );
        assert_eq!(errs.0.len(), 4);
    }

    #[test]
    fn role_joins_what_is_there_and_theme_slugs_match_the_wire() {
        let mut card = Card {
            title: "销售总监".into(),
            company: "连接科技".into(),
            ..Default::default()
        };
        assert_eq!(card.role(), "销售总监 · 连接科技");
        card.title.clear();
        assert_eq!(card.role(), "连接科技");
        card.company.clear();
        assert_eq!(card.role(), "");
        for theme in [
            CardTheme::Jade,
            CardTheme::Ink,
            CardTheme::Coral,
            CardTheme::Slate,
        ] {
            assert_eq!(serde_json::to_value(theme).unwrap(), theme.slug());
        }
    }
}
