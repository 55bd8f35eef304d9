//! UI language: the staff workbench's catalogue in zh-CN and en (the customer pages'
//! is core's `PublicMsg`, which the server writes too), and the `I18n` service that
//! knows the current locale.
//!
//! The catalogue is an enum rather than string keys so a missing translation or a
//! typo'd key is a compile error, not a blank label in production.

mod messages;

use codee::string::FromToStringCodec;
use leptos::prelude::*;
use leptos_use::storage::use_local_storage;
use lianjie_core::Locale;
pub use lianjie_core::catalogue::PublicMsg;
pub use lianjie_core::catalogue::Text;
pub use messages::Msg;

/// A message of either catalogue, where a staff page lists or passes both kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnyMsg {
    Staff(Msg),
    Public(PublicMsg),
}

impl From<Msg> for AnyMsg {
    fn from(m: Msg) -> Self {
        AnyMsg::Staff(m)
    }
}

impl From<PublicMsg> for AnyMsg {
    fn from(m: PublicMsg) -> Self {
        AnyMsg::Public(m)
    }
}

impl Text for AnyMsg {
    fn text(self, locale: Locale) -> &'static str {
        match self {
            AnyMsg::Staff(m) => m.text(locale),
            AnyMsg::Public(m) => m.text(locale),
        }
    }
}

/// Where the chosen language is remembered between visits.
pub const STORAGE_KEY: &str = "lianjie.lang";

/// The current locale, provided once at the root and read with [`use_i18n`].
#[derive(Clone, Copy)]
pub struct I18n {
    locale: Signal<Locale>,
    set_stored: WriteSignal<String>,
}

impl I18n {
    pub fn locale(&self) -> Locale {
        self.locale.get()
    }

    /// Looks up a message in the current locale; tracked, so call it inside a closure
    /// in views to follow language switches.
    pub fn t(&self, msg: impl Text) -> &'static str {
        msg.text(self.locale.get())
    }

    /// A stage's name: the organization's own, or the built-in one in this language.
    pub fn stage(&self, org: &lianjie_core::team::Organization, id: &str) -> String {
        use lianjie_core::crm;
        let named = org
            .stages
            .iter()
            .find(|s| s.id == id)
            .and_then(|s| s.name.clone());
        if let Some(name) = named {
            return name;
        }
        let msg = match id {
            crm::LEAD => Msg::StageLead,
            crm::TO_FOLLOW => Msg::StageToFollow,
            crm::FOLLOWING => Msg::StageFollowing,
            crm::OPPORTUNITY => Msg::StageOpportunity,
            crm::WON => Msg::StageWon,
            crm::LOST => Msg::StageLost,
            crm::CHURNED => Msg::StageChurned,
            other => return other.to_owned(),
        };
        self.t(msg).to_owned()
    }

    /// A deal's stage.
    pub fn deal_stage(&self, stage: lianjie_core::deals::DealStage) -> &'static str {
        use lianjie_core::deals::DealStage::*;
        self.t(match stage {
            Qualify => Msg::DealQualify,
            Needs => Msg::DealNeeds,
            Proposal => Msg::DealProposal,
            Negotiation => Msg::DealNegotiation,
            Won => Msg::StageWon,
            Lost => Msg::StageLost,
        })
    }

    /// How a follow-up was made.
    pub fn method(&self, method: lianjie_core::crm::FollowUpMethod) -> &'static str {
        use lianjie_core::channel::Channel;
        use lianjie_core::crm::FollowUpMethod::*;
        match method {
            Call => self.t(Msg::MethodCall),
            Wechat => self.channel(Channel::Wechat),
            Visit => self.t(Msg::MethodVisit),
            Email => self.channel(Channel::Email),
            Meeting => self.t(Msg::MethodMeeting),
            Other => self.t(Msg::MethodOther),
        }
    }

    pub fn channel(&self, channel: lianjie_core::channel::Channel) -> &'static str {
        use lianjie_core::channel::Channel::*;
        self.t(match channel {
            WebChat => Msg::ChannelWebChat,
            Wechat => Msg::ChannelWechat,
            Wecom => Msg::ChannelWecom,
            Qq => Msg::ChannelQq,
            Weibo => Msg::ChannelWeibo,
            Douyin => Msg::ChannelDouyin,
            Email => return self.t(PublicMsg::Email),
            Sms => Msg::ChannelSms,
        })
    }

    pub fn action(&self, action: lianjie_core::tracking::ViewAction) -> &'static str {
        use lianjie_core::tracking::ViewAction::*;
        self.t(match action {
            SavedContact => Msg::ActSavedContact,
            Called => Msg::ActCalled,
            CopiedWechat => Msg::ActCopiedWechat,
            Emailed => Msg::ActEmailed,
            Messaged => Msg::ActMessaged,
            OpenedContent => Msg::ActOpenedContent,
            Forwarded => Msg::ActForwarded,
            LeftDetails => Msg::ActLeftDetails,
        })
    }

    pub fn role(&self, role: lianjie_core::people::Role) -> &'static str {
        use lianjie_core::people::Role::*;
        self.t(match role {
            Rep => Msg::RoleRep,
            Manager => Msg::RoleManager,
            Agent => Msg::RoleAgent,
            Admin => Msg::RoleAdmin,
        })
    }

    /// Like [`I18n::t`], with `{name}` placeholders filled in.
    pub fn tf(&self, msg: impl Text, vars: &[(&str, &str)]) -> String {
        lianjie_core::catalogue::fill(self.t(msg), vars)
    }

    /// Switches and remembers the language (other open tabs follow through the
    /// storage event).
    pub fn set_locale(&self, locale: Locale) {
        self.set_stored.set(locale.code().to_owned());
    }
}

/// Creates the `I18n` service: `?lang=` overrides and is remembered, then the stored
/// choice, then the browser's languages. Keeps `<html lang>` in step.
pub fn provide_i18n() -> I18n {
    let (stored, set_stored, _) = use_local_storage::<String, FromToStringCodec>(STORAGE_KEY);
    if let Some(from_query) = query_lang().as_deref().and_then(Locale::parse) {
        set_stored.set(from_query.code().to_owned());
    }
    let browser = browser_languages();
    let locale = Signal::derive(move || {
        stored.with(|s| Locale::negotiate(None, Some(s), browser.iter().map(String::as_str)))
    });
    Effect::new(move || {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", locale.get().tag());
        }
    });
    let i18n = I18n { locale, set_stored };
    provide_context(i18n);
    i18n
}

/// Reads the `I18n` service. Panics only if `provide_i18n` was never called, which is
/// a programming error caught by every test that mounts the app.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

fn query_lang() -> Option<String> {
    let search = window().location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get("lang")
}

fn browser_languages() -> Vec<String> {
    let navigator = window().navigator();
    let list: Vec<String> = navigator
        .languages()
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    if list.is_empty() {
        navigator.language().into_iter().collect()
    } else {
        list
    }
}

/// A moment in the viewer's own time zone, "2026-11-30 16:05".
pub fn local_time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&chrono::Local)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}
