//! A customer page as HTML the server sends, usable before any script runs: the card
//! with working links (save contact, call, email, message), or the shared article's
//! every open block as text. It is the same markup the app's components render
//! (`CardFace`, `ContentBlocks`, the rep's mini card, `CustomerLayout`), so when the
//! app takes over, nothing on screen moves; a browser test holds the two together.
//!
//! Everything from a card or content is escaped text: nothing a rep or customer typed
//! can open a tag or leave an attribute.

use crate::api::FeaturedContent;
use crate::catalogue::{PublicMsg, Text, fill};
use crate::link;
use crate::public::{PublicCard, PublicContent};
use crate::share::LeadCapture;
use crate::tracking::ViewAction;
use crate::{Locale, people, vcard};
use std::fmt::Write as _;

mod article;

pub use article::{LEAD_FIELDS, LeadField, Sent, blocks, lead_details, lead_form};
use article::{article, rep_card};

/// What a customer page shows, as the server finds it before the reader opens it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PublicPage {
    /// A rep's card, with its featured content.
    Card {
        card: PublicCard,
        featured: Vec<FeaturedContent>,
    },
    /// Shared content, with the sharer's card when they have one.
    Content {
        content: PublicContent,
        card: Option<PublicCard>,
        lead_capture: LeadCapture,
    },
}

/// Which customer page: a share's (`/s/{token}`) or a card's own (`/c/{card}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageOf<'a> {
    Share(&'a str),
    Card(&'a str),
}

/// Where a page's links lead. Without scripts they must work as plain links; the app
/// then uses the same addresses (see [`Then`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageLinks {
    /// The card as a vCard file (`GET /public/cards/{id}/vcard`).
    pub vcard: String,
    /// The web chat with the rep: `/chat/{token}` when the page is a share, or
    /// [`Then::Chat`] on the card's own address (no share exists until it is opened).
    pub chat: String,
    /// Where the form for a reader's details posts when no script takes it (the
    /// share's page itself, `/s/{token}`); a card's page has no such form.
    pub lead: String,
}

/// What a link asks the app to do once it has opened the page (`?then=`): the first
/// paint's links that need an opened share (a chat, a featured item) lead back to
/// the same page with it, so a tap made before the app ran is done when it runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Then {
    Chat,
    AskPhone,
    /// Open this featured item of the card.
    Content(String),
}

impl Then {
    pub fn parse(value: &str) -> Option<Then> {
        match value {
            "chat" => Some(Then::Chat),
            "ask-phone" => Some(Then::AskPhone),
            _ => value
                .strip_prefix("content:")
                .filter(|id| !id.is_empty())
                .map(|id| Then::Content(id.to_owned())),
        }
    }

    /// The query that asks for it, relative to the page (`?then=…`).
    pub fn query(&self) -> String {
        let value = match self {
            Then::Chat => "chat".to_owned(),
            Then::AskPhone => "ask-phone".to_owned(),
            Then::Content(id) => format!("content:{id}"),
        };
        format!("?then={}", link::query_value(&value))
    }
}

/// The chat address with the question for the phone number ready to send.
pub fn ask_phone(chat: &str) -> String {
    if chat.starts_with('?') {
        Then::AskPhone.query()
    } else {
        format!("{chat}?ask=phone")
    }
}

/// What a tap on one of the first paint's links means to the rep, for a page
/// tracked without the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tap {
    /// Tell the rep, and let the link do what it does.
    Act(ViewAction),
    /// What the app would do in place ([`Then`]), done once the view is open.
    Then(Then),
}

/// The meaning of a tap on a link to `href` (as written in the first paint), or
/// `None` for a link that is only a link (a language, a call to action's site).
pub fn tap(href: &str) -> Option<Tap> {
    let act = |a| Some(Tap::Act(a));
    if href.starts_with("tel:") {
        act(ViewAction::Called)
    } else if href.starts_with("mailto:") {
        act(ViewAction::Emailed)
    } else if href == "#card-wechat-id" {
        act(ViewAction::CopiedWechat)
    } else if href.starts_with("/chat/") {
        act(ViewAction::Messaged)
    } else if href.starts_with('/') && href.ends_with("/vcard") {
        act(ViewAction::SavedContact)
    } else {
        let then = href.strip_prefix("?")?.split('&').find_map(|pair| {
            pair.strip_prefix("then=")
                .and_then(|v| Then::parse(&link::decode(v)))
        })?;
        Some(Tap::Then(then))
    }
}

/// The whole first paint: the page in the customer frame, `#first-paint`, which the
/// app removes once it shows the same page itself.
/// `sent` tells what became of details the reader just posted from the page.
pub fn page(
    page: &PublicPage,
    links: &PageLinks,
    sent: Option<&Sent<'_>>,
    locale: Locale,
) -> String {
    let mut out =
        String::from("<div id=\"first-paint\" class=\"customer\"><main class=\"customer-main\">");
    match page {
        PublicPage::Card { card, featured } => {
            out.push_str("<article class=\"card-page\">");
            card_face(&mut out, card, featured, links, locale);
            out.push_str("</article>");
        }
        PublicPage::Content {
            content,
            card,
            lead_capture,
        } => {
            article(&mut out, content, *lead_capture, &links.lead, sent, locale);
            if let Some(card) = card {
                rep_card(&mut out, card, &links.chat, locale);
            }
        }
    }
    out.push_str("</main>");
    footer(&mut out, locale);
    out.push_str("</div>");
    out
}

/// Text for an element or an attribute: nothing in it can open a tag or end the
/// attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn t(msg: PublicMsg, locale: Locale) -> String {
    escape(msg.text(locale))
}

/// ` name="value"` when there is a value (the app leaves such attributes out too).
fn attr(out: &mut String, name: &str, value: Option<&str>) {
    if let Some(v) = value {
        let _ = write!(out, " {name}=\"{}\"", escape(v));
    }
}

fn card_face(
    out: &mut String,
    card: &PublicCard,
    featured: &[FeaturedContent],
    links: &PageLinks,
    locale: Locale,
) {
    let _ = write!(
        out,
        "<div class=\"card-face theme-{}\"><header class=\"card-profile\" data-block=\"profile\">",
        card.theme.slug()
    );
    match link::checked(&card.avatar_url) {
        Some(src) => {
            out.push_str("<img class=\"card-avatar\"");
            attr(out, "src", Some(&src));
            let alt = fill(PublicMsg::PhotoOf.text(locale), &[("name", &card.name)]);
            attr(out, "alt", Some(&alt));
            out.push('>');
        }
        None => {
            let _ = write!(
                out,
                "<span class=\"card-avatar card-initials\" aria-hidden=\"true\">{}</span>",
                escape(&people::initials(&card.name))
            );
        }
    }
    let _ = write!(
        out,
        "<div><h1 class=\"card-name\">{}</h1><p class=\"card-role\">{}</p></div>",
        escape(&card.name),
        escape(&card.role())
    );
    if let Some(src) = link::checked(&card.logo_url) {
        out.push_str("<img class=\"card-logo\"");
        attr(out, "src", Some(&src));
        let alt = fill(
            PublicMsg::LogoOf.text(locale),
            &[("company", &card.company)],
        );
        attr(out, "alt", Some(&alt));
        out.push('>');
    }
    out.push_str("</header>");

    let _ = write!(
        out,
        "<nav class=\"card-actions\" data-block=\"actions\" aria-label=\"{}\">",
        t(PublicMsg::CardActions, locale)
    );
    out.push_str("<a class=\"cta\"");
    attr(out, "href", Some(&links.vcard));
    attr(out, "download", Some(&vcard::file_name(card)));
    let _ = write!(out, ">{}</a>", t(PublicMsg::SaveContact, locale));
    let phone_public = !card.phone.is_empty();
    if phone_public {
        out.push_str("<a");
        attr(out, "href", link::tel(&card.phone).as_deref());
        let _ = write!(out, ">{}</a>", t(PublicMsg::CallMe, locale));
    }
    let has = |s: &str| !s.trim().is_empty();
    if has(&card.wechat_id) {
        // Without scripts the link shows the ID, ready to select; the reader copies it.
        let _ = write!(
            out,
            "<a href=\"#card-wechat-id\">{}</a>",
            t(PublicMsg::CopyWechat, locale)
        );
    }
    if has(&card.email) {
        out.push_str("<a");
        attr(out, "href", link::mailto(&card.email).as_deref());
        let _ = write!(out, ">{}</a>", t(PublicMsg::EmailMe, locale));
    }
    out.push_str("<a");
    attr(out, "href", Some(&links.chat));
    let _ = write!(out, ">{}</a></nav>", t(PublicMsg::MessageMe, locale));
    out.push_str("<p role=\"status\" class=\"card-status\"></p>");

    if let Some(src) = link::checked(&card.greeting_media_url) {
        out.push_str("<section class=\"card-greeting\" data-block=\"greeting\">");
        if link::is_video(&src) {
            out.push_str("<video");
            attr(out, "src", Some(&src));
            out.push_str(" controls playsinline preload=\"none\"></video>");
        } else {
            out.push_str("<img");
            attr(out, "src", Some(&src));
            let _ = write!(
                out,
                " alt=\"{}\" loading=\"lazy\">",
                t(PublicMsg::GreetingAlt, locale)
            );
        }
        out.push_str("</section>");
    }

    if has(&card.intro) {
        let _ = write!(
            out,
            "<section class=\"card-intro\" data-block=\"intro\" aria-labelledby=\"card-intro-h\">\
             <h2 id=\"card-intro-h\">{}</h2><p>{}</p></section>",
            t(PublicMsg::AboutMe, locale),
            escape(&card.intro)
        );
    }

    let _ = write!(
        out,
        "<section class=\"card-details\" data-block=\"details\" aria-labelledby=\"card-details-h\">\
         <h2 id=\"card-details-h\">{}</h2><dl><dt>{}</dt>",
        t(PublicMsg::ContactDetails, locale),
        t(PublicMsg::LeadPhone, locale)
    );
    if phone_public {
        let _ = write!(out, "<dd>{}</dd>", escape(&card.phone));
    } else {
        let _ = write!(out, "<dd>{}", t(PublicMsg::PhoneOnRequest, locale));
        if card.phone_on_request {
            out.push_str(" <a class=\"request-phone\"");
            attr(out, "href", Some(&ask_phone(&links.chat)));
            let _ = write!(out, ">{}</a>", t(PublicMsg::RequestPhone, locale));
        }
        out.push_str("</dd>");
    }
    if has(&card.wechat_id) {
        let _ = write!(
            out,
            "<dt>{}</dt><dd class=\"wechat-id\" id=\"card-wechat-id\">{}</dd>",
            t(PublicMsg::LeadWechat, locale),
            escape(&card.wechat_id)
        );
    }
    for (has_it, label, value) in [
        (has(&card.email), PublicMsg::Email, &card.email),
        (has(&card.address), PublicMsg::FieldAddress, &card.address),
    ] {
        if has_it {
            let _ = write!(
                out,
                "<dt>{}</dt><dd>{}</dd>",
                t(label, locale),
                escape(value)
            );
        }
    }
    if let Some(url) = link::checked(&card.website) {
        let _ = write!(
            out,
            "<dt>{}</dt><dd><a href=\"{url}\" rel=\"noopener\" target=\"_blank\">{url}</a></dd>",
            t(PublicMsg::FieldWebsite, locale),
            url = escape(&url)
        );
    }
    out.push_str("</dl></section>");

    if !featured.is_empty() {
        let _ = write!(
            out,
            "<section class=\"card-featured\" data-block=\"featured\" aria-labelledby=\"card-featured-h\">\
             <h2 id=\"card-featured-h\">{}</h2><ul>",
            t(PublicMsg::FeaturedContent, locale)
        );
        for item in featured {
            out.push_str("<li><a class=\"featured-item\"");
            attr(out, "href", Some(&Then::Content(item.id.clone()).query()));
            let _ = write!(
                out,
                "><strong>{}</strong><span>{}</span></a></li>",
                escape(&item.title),
                escape(&item.summary)
            );
        }
        out.push_str("</ul></section>");
    }
    out.push_str("</div>");
}
/// The frame's footer: the tracking notice, and the languages as links.
fn footer(out: &mut String, locale: Locale) {
    let _ = write!(
        out,
        "<footer class=\"customer-footer\"><p class=\"tracking-notice\">{}</p>\
         <div class=\"lang-switcher\" role=\"group\" aria-label=\"{}\">",
        t(PublicMsg::TrackingNotice, locale),
        t(PublicMsg::Language, locale)
    );
    for other in Locale::ALL {
        let _ = write!(
            out,
            "<a lang=\"{}\" href=\"?lang={}\"{}>{}</a>",
            other.tag(),
            other.code(),
            if other == locale {
                " aria-current=\"true\""
            } else {
                ""
            },
            t(PublicMsg::LanguageName, other)
        );
    }
    out.push_str("</div></footer>");
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::content::ContentKind;
    use crate::people::CardTheme;

    pub(super) fn card() -> PublicCard {
        PublicCard {
            id: "wang-lei".into(),
            name: "王磊 <script>alert(1)</script>".into(),
            title: "销售经理".into(),
            company: "连接科技".into(),
            phone: "+86 138-0013-8000".into(),
            email: "wang.lei@lianjie.example".into(),
            wechat_id: "wanglei_sales".into(),
            address: "上海市 \"浦东\"".into(),
            website: "javascript:alert(1)".into(),
            intro: "十年 & 经验".into(),
            theme: CardTheme::default(),
            ..PublicCard::default()
        }
    }

    fn links() -> PageLinks {
        PageLinks {
            vcard: "/api/v1/public/cards/wang-lei/vcard".into(),
            chat: Then::Chat.query(),
            lead: String::new(),
        }
    }

    fn featured() -> Vec<FeaturedContent> {
        vec![FeaturedContent {
            id: "c-pricing".into(),
            kind: ContentKind::Article,
            title: "报价方案".into(),
            summary: "2026 版".into(),
            cover_url: String::new(),
        }]
    }

    #[test]
    fn every_link_of_a_card_tells_the_rep_what_the_reader_did() {
        let links = links();
        let page_of = PublicPage::Card {
            card: card(),
            featured: featured(),
        };
        let html = page(&page_of, &links, None, Locale::ZhCn);
        let mut taps = Vec::new();
        for part in html.split("href=\"").skip(1) {
            let href = &part[..part.find('"').unwrap_or(0)];
            taps.push((href.to_owned(), tap(href)));
        }
        let of = |href: &str| {
            taps.iter()
                .find(|(h, _)| h == href)
                .and_then(|(_, t)| t.clone())
        };
        assert_eq!(of(&links.vcard), Some(Tap::Act(ViewAction::SavedContact)));
        assert_eq!(of("tel:+8613800138000"), Some(Tap::Act(ViewAction::Called)));
        assert_eq!(
            of("mailto:wang.lei@lianjie.example"),
            Some(Tap::Act(ViewAction::Emailed))
        );
        assert_eq!(
            of("#card-wechat-id"),
            Some(Tap::Act(ViewAction::CopiedWechat))
        );
        assert_eq!(of("?then=chat"), Some(Tap::Then(Then::Chat)));
        assert_eq!(
            of("?then=content%3Ac-pricing"),
            Some(Tap::Then(Then::Content("c-pricing".into())))
        );
        assert_eq!(of("?lang=en"), None);
        assert_eq!(
            tap("/chat/tok?ask=phone"),
            Some(Tap::Act(ViewAction::Messaged))
        );
        assert_eq!(
            tap("?lang=en&then=ask-phone"),
            Some(Tap::Then(Then::AskPhone))
        );
        assert_eq!(tap("https://x.example/book"), None);
        assert_eq!(tap("https://x.example/vcard"), None);
    }

    #[test]
    fn a_card_works_without_scripts_in_the_readers_language() {
        let page_of = PublicPage::Card {
            card: card(),
            featured: featured(),
        };
        let html = page(&page_of, &links(), None, Locale::ZhCn);
        for part in [
            "<div id=\"first-paint\" class=\"customer\">",
            "<a class=\"cta\" href=\"/api/v1/public/cards/wang-lei/vcard\" download=\"",
            ">保存到通讯录</a>",
            "<a href=\"tel:+8613800138000\">",
            "<a href=\"mailto:wang.lei@lianjie.example\">",
            "<a href=\"#card-wechat-id\">",
            "<dd class=\"wechat-id\" id=\"card-wechat-id\">wanglei_sales</dd>",
            "<a href=\"?then=chat\">给我留言</a>",
            "<a class=\"featured-item\" href=\"?then=content%3Ac-pricing\"><strong>报价方案</strong>",
            "<p class=\"tracking-notice\">",
            "<a lang=\"zh-CN\" href=\"?lang=zh\" aria-current=\"true\">中文</a>",
            "<a lang=\"en\" href=\"?lang=en\">English</a>",
        ] {
            assert!(html.contains(part), "{part} in {html}");
        }
        // Typed text stays text; an address that would run code is left out.
        assert!(html.contains("王磊 &lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("十年 &amp; 经验") && html.contains("上海市 &quot;浦东&quot;"));
        assert!(
            !html.contains("<script") && !html.contains("javascript:"),
            "{html}"
        );

        let en = page(&page_of, &links(), None, Locale::En);
        assert!(en.contains(">Save contact</a>") && en.contains(">About me</h2>"));
        assert!(en.contains("<a lang=\"en\" href=\"?lang=en\" aria-current=\"true\">"));
    }

    #[test]
    fn a_phone_shown_on_request_has_no_call_link_but_an_ask() {
        let mut card = card();
        card.phone.clear();
        card.phone_on_request = true;
        let share_links = PageLinks {
            vcard: "/v".into(),
            chat: "/chat/tok".into(),
            lead: "/s/tok".into(),
        };
        let page_of = PublicPage::Card {
            card,
            featured: Vec::new(),
        };
        let html = page(&page_of, &share_links, None, Locale::En);
        assert!(!html.contains("tel:") && !html.contains("card-featured"));
        assert!(html.contains("<a class=\"request-phone\" href=\"/chat/tok?ask=phone\">"));
        let own = page(&page_of, &links(), None, Locale::En);
        assert!(own.contains("<a class=\"request-phone\" href=\"?then=ask-phone\">"));
    }

    #[test]
    fn then_names_what_to_do_once_open() {
        for then in [
            Then::Chat,
            Then::AskPhone,
            Then::Content("c-pricing".into()),
        ] {
            let query = then.query();
            let value = query.trim_start_matches("?then=").replace("%3A", ":");
            assert_eq!(Then::parse(&value), Some(then), "{query}");
        }
        assert_eq!(Then::parse("content:"), None);
        assert_eq!(Then::parse("delete"), None);
    }
}
