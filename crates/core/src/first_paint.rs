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
use crate::content::{Block, BlockBody};
use crate::link;
use crate::public::{PublicCard, PublicContent};
use crate::share::LeadCapture;
use crate::tracking::ViewAction;
use crate::{Locale, people, vcard};
use std::fmt::Write as _;

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

impl PublicPage {
    /// Whether the page needs the app from the start: a form for the reader's
    /// details is part of it, and the first paint has none. Every other page works
    /// as it is, tracked by the customer pages' small reader script alone.
    pub fn needs_app(&self) -> bool {
        matches!(self, PublicPage::Content { lead_capture, .. } if *lead_capture != LeadCapture::Off)
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
pub fn page(page: &PublicPage, links: &PageLinks, locale: Locale) -> String {
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
            article(&mut out, content, *lead_capture);
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

/// The article's title, summary and the blocks before the lead form (all of them
/// when there is none): the rest waits for the reader's details, as in the app.
fn article(out: &mut String, content: &PublicContent, ask: LeadCapture) {
    let _ = write!(
        out,
        "<article class=\"shared\"><h1>{}</h1>",
        escape(&content.title)
    );
    if !content.summary.is_empty() {
        let _ = write!(out, "<p class=\"intro\">{}</p>", escape(&content.summary));
    }
    blocks(
        out,
        &content.blocks[..ask.open_blocks(content.blocks.len())],
    );
    out.push_str("</article>");
}

/// Content blocks as `ContentBlocks` renders them: each a measured section.
pub fn blocks(out: &mut String, blocks: &[Block]) {
    for block in blocks {
        let _ = write!(
            out,
            "<section class=\"block\" id=\"b-{id}\" data-block=\"{id}\">",
            id = escape(&block.id)
        );
        match &block.body {
            BlockBody::Heading { level, text } => {
                let tag = if *level <= 2 { "h2" } else { "h3" };
                let _ = write!(out, "<{tag}>{}</{tag}>", escape(text));
            }
            BlockBody::Paragraph { text } => {
                let _ = write!(out, "<p>{}</p>", escape(text));
            }
            BlockBody::Image { url, alt, caption } => {
                out.push_str("<figure><img");
                attr(out, "src", link::checked(url).as_deref());
                attr(out, "alt", Some(alt));
                out.push_str(" loading=\"lazy\">");
                if !caption.is_empty() {
                    let _ = write!(out, "<figcaption>{}</figcaption>", escape(caption));
                }
                out.push_str("</figure>");
            }
            BlockBody::Quote { text, cite } => {
                let _ = write!(out, "<blockquote><p>{}</p>", escape(text));
                if !cite.is_empty() {
                    let _ = write!(out, "<footer>— {}</footer>", escape(cite));
                }
                out.push_str("</blockquote>");
            }
            BlockBody::List { ordered, items } => {
                let tag = if *ordered { "ol" } else { "ul" };
                let _ = write!(out, "<{tag}>");
                for item in items {
                    let _ = write!(out, "<li>{}</li>", escape(item));
                }
                let _ = write!(out, "</{tag}>");
            }
            BlockBody::Video {
                url, poster_url, ..
            } => {
                out.push_str("<video controls preload=\"none\" playsinline");
                attr(out, "src", link::checked(url).as_deref());
                attr(out, "poster", link::checked(poster_url).as_deref());
                out.push_str("></video>");
            }
            BlockBody::Cta { label, url } => match link::checked(url) {
                Some(href) => {
                    let _ = write!(
                        out,
                        "<p><a class=\"cta\" href=\"{}\">{}</a></p>",
                        escape(&href),
                        escape(label)
                    );
                }
                None => {
                    let _ = write!(out, "<p class=\"cta\">{}</p>", escape(label));
                }
            },
            BlockBody::Page { image_url, alt } => {
                out.push_str("<img class=\"doc-page\"");
                attr(out, "src", link::checked(image_url).as_deref());
                attr(out, "alt", Some(alt));
                out.push_str(" loading=\"lazy\">");
            }
        }
        out.push_str("</section>");
    }
}

/// The sharer's mini card under shared content.
fn rep_card(out: &mut String, card: &PublicCard, chat: &str, locale: Locale) {
    let _ = write!(
        out,
        "<aside class=\"rep-card\" aria-label=\"{}\"><p class=\"rep-name\">{}</p>\
         <p class=\"rep-title\">{}</p><a class=\"cta\" href=\"{}\">{}</a></aside>",
        t(PublicMsg::SharedBy, locale),
        escape(&card.name),
        escape(&card.role()),
        escape(chat),
        t(PublicMsg::MessageMe, locale)
    );
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

    fn card() -> PublicCard {
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
        let html = page(&page_of, &links, Locale::ZhCn);
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
    fn only_a_page_asking_for_details_needs_the_app_at_once() {
        let content = |lead_capture| PublicPage::Content {
            content: PublicContent {
                id: "c".into(),
                kind: ContentKind::Article,
                title: "t".into(),
                summary: String::new(),
                cover_url: String::new(),
                tags: Vec::new(),
                blocks: Vec::new(),
            },
            card: None,
            lead_capture,
        };
        assert!(!content(LeadCapture::Off).needs_app());
        assert!(content(LeadCapture::SoftEnd).needs_app());
        assert!(content(LeadCapture::Before).needs_app());
        let card = PublicPage::Card {
            card: card(),
            featured: Vec::new(),
        };
        assert!(!card.needs_app());
    }
    #[test]
    fn a_card_works_without_scripts_in_the_readers_language() {
        let page_of = PublicPage::Card {
            card: card(),
            featured: featured(),
        };
        let html = page(&page_of, &links(), Locale::ZhCn);
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

        let en = page(&page_of, &links(), Locale::En);
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
        };
        let page_of = PublicPage::Card {
            card,
            featured: Vec::new(),
        };
        let html = page(&page_of, &share_links, Locale::En);
        assert!(!html.contains("tel:") && !html.contains("card-featured"));
        assert!(html.contains("<a class=\"request-phone\" href=\"/chat/tok?ask=phone\">"));
        let own = page(&page_of, &links(), Locale::En);
        assert!(own.contains("<a class=\"request-phone\" href=\"?then=ask-phone\">"));
    }

    #[test]
    fn an_article_shows_every_block_before_the_lead_form_as_text() {
        let block = |id: &str, body| Block {
            id: id.into(),
            tags: Vec::new(),
            body,
        };
        let content = PublicContent {
            id: "c".into(),
            kind: ContentKind::Article,
            title: "标题 <b>".into(),
            summary: "摘要".into(),
            cover_url: String::new(),
            tags: Vec::new(),
            blocks: vec![
                block(
                    "h",
                    BlockBody::Heading {
                        level: 2,
                        text: "一".into(),
                    },
                ),
                block(
                    "p",
                    BlockBody::Paragraph {
                        text: "<img src=x onerror=alert(1)>".into(),
                    },
                ),
                block(
                    "l",
                    BlockBody::List {
                        ordered: true,
                        items: vec!["甲".into(), "乙".into()],
                    },
                ),
                block(
                    "q",
                    BlockBody::Quote {
                        text: "话".into(),
                        cite: "某人".into(),
                    },
                ),
                block(
                    "i",
                    BlockBody::Image {
                        url: "https://x.example/a.png".into(),
                        alt: "图".into(),
                        caption: "说明".into(),
                    },
                ),
                block(
                    "v",
                    BlockBody::Video {
                        url: "javascript:x".into(),
                        poster_url: String::new(),
                        duration_s: 3,
                    },
                ),
                block(
                    "c",
                    BlockBody::Cta {
                        label: "预约".into(),
                        url: "https://x.example/book".into(),
                    },
                ),
                block(
                    "d",
                    BlockBody::Page {
                        image_url: "/p1.png".into(),
                        alt: "第一页".into(),
                    },
                ),
            ],
        };
        let rep = Some(card());
        let shown = |lead_capture| {
            page(
                &PublicPage::Content {
                    content: content.clone(),
                    card: rep.clone(),
                    lead_capture,
                },
                &PageLinks {
                    vcard: String::new(),
                    chat: "/chat/tok".into(),
                },
                Locale::ZhCn,
            )
        };
        let all = shown(LeadCapture::SoftEnd);
        for part in [
            "<h1>标题 &lt;b&gt;</h1><p class=\"intro\">摘要</p>",
            "<section class=\"block\" id=\"b-h\" data-block=\"h\"><h2>一</h2></section>",
            "<p>&lt;img src=x onerror=alert(1)&gt;</p>",
            "<ol><li>甲</li><li>乙</li></ol>",
            "<blockquote><p>话</p><footer>— 某人</footer></blockquote>",
            "<figure><img src=\"https://x.example/a.png\" alt=\"图\" loading=\"lazy\"><figcaption>说明</figcaption></figure>",
            "<video controls preload=\"none\" playsinline></video>",
            "<p><a class=\"cta\" href=\"https://x.example/book\">预约</a></p>",
            "<img class=\"doc-page\" src=\"/p1.png\" alt=\"第一页\" loading=\"lazy\">",
            "<aside class=\"rep-card\" aria-label=\"分享人\">",
            "<a class=\"cta\" href=\"/chat/tok\">给我留言</a>",
        ] {
            assert!(all.contains(part), "{part} in {all}");
        }
        // What the reader's details unlock is not in the page before they leave them.
        let gated = shown(LeadCapture::AfterSection { index: 1 });
        assert!(gated.contains("id=\"b-p\"") && !gated.contains("id=\"b-l\""));
        let before = shown(LeadCapture::Before);
        assert!(before.contains("<h1>") && !before.contains("class=\"block\""));
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
