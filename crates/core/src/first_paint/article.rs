//! A shared article's first paint: its blocks as `ContentBlocks` renders them, the
//! form for the reader's details as `LeadForm` renders it, and the sharer's mini card.

use super::{attr, escape, t};
use crate::Locale;
use crate::catalogue::{PublicMsg, problem_message};
use crate::content::{Block, BlockBody};
use crate::link;
use crate::public::{PublicCard, PublicContent};
use crate::share::{LeadCapture, LeadDetails};
use crate::validate::FieldErrors;
use std::fmt::Write as _;

/// The article's title, summary, the blocks before the lead form (all of them when
/// there is none) and the form: the rest waits for the reader's details, as in the
/// app. A form at the end (`SoftEnd`) may be skipped.
pub(super) fn article(
    out: &mut String,
    content: &PublicContent,
    ask: LeadCapture,
    action: &str,
    sent: Option<&Sent<'_>>,
    locale: Locale,
) {
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
    if ask != LeadCapture::Off {
        let skippable = ask == LeadCapture::SoftEnd;
        lead_form(out, ask.gates(), skippable, action, sent, locale);
    } else if let Some(Sent::Kept) = sent {
        // Where the app thanks them: at the end of what they may now read.
        let _ = write!(
            out,
            "<p role=\"status\" class=\"lead-thanks\">{}</p>",
            t(PublicMsg::LeadThanks, locale)
        );
    }
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
pub(super) fn rep_card(out: &mut String, card: &PublicCard, chat: &str, locale: Locale) {
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

/// One field of the form for a reader's details: its key in [`LeadDetails`]' rules,
/// its label, and the input's type and autocomplete hint.
#[derive(Clone, Copy, Debug)]
pub struct LeadField {
    pub key: &'static str,
    pub label: PublicMsg,
    pub kind: &'static str,
    pub autocomplete: &'static str,
}

/// The form's fields, in order; [`lead_details`] reads their values back.
pub const LEAD_FIELDS: [LeadField; 4] = [
    LeadField {
        key: "name",
        label: PublicMsg::LeadName,
        kind: "text",
        autocomplete: "name",
    },
    LeadField {
        key: "phone",
        label: PublicMsg::LeadPhone,
        kind: "tel",
        autocomplete: "tel",
    },
    LeadField {
        key: "wechat_id",
        label: PublicMsg::LeadWechat,
        kind: "text",
        autocomplete: "off",
    },
    LeadField {
        key: "email",
        label: PublicMsg::Email,
        kind: "email",
        autocomplete: "email",
    },
];

impl LeadField {
    /// The input's element id (the app's `FormField` ids: the form's prefix, the key).
    pub fn input_id(&self) -> String {
        format!("lead-{}", self.key)
    }

    /// Where the field's problem is said (`aria-describedby`), as `FormField` names it.
    pub fn problem_id(&self) -> String {
        format!("{}-problem", self.input_id())
    }
}

/// The details typed into [`LEAD_FIELDS`], given in their order.
pub fn lead_details([name, phone, wechat_id, email]: [String; 4]) -> LeadDetails {
    LeadDetails {
        name,
        phone,
        wechat_id,
        email,
    }
}

/// Details a reader sent from the page itself (the form posted without a script), as
/// the page shown after the post tells them.
#[derive(Clone, Copy, Debug)]
pub enum Sent<'a> {
    /// Refused: the form again, with what they typed and each problem beside its field.
    Refused(&'a LeadDetails, &'a FieldErrors),
    /// Not kept for another reason (said to them), the form ready to send again.
    Failed(&'a LeadDetails, PublicMsg),
    /// Kept: they are thanked at the end of what they may now read, as the app
    /// thanks them.
    Kept,
}

/// The form for a reader's details, as the app's `LeadForm` renders it: `gate` when
/// reading waits for it, `skippable` for the ask at the end. A script sends it on the
/// reader's own link once the view is open; a tap before one runs (or with none)
/// posts it to `action` instead, and the page that answers shows what became of it
/// (`sent`) when the details were not kept.
pub fn lead_form(
    out: &mut String,
    gate: bool,
    skippable: bool,
    action: &str,
    sent: Option<&Sent<'_>>,
    locale: Locale,
) {
    let intro = if gate {
        PublicMsg::LeadGateIntro
    } else {
        PublicMsg::LeadIntro
    };
    out.push_str("<form class=\"lead-form\" aria-labelledby=\"lead-h\" method=\"post\"");
    attr(out, "action", Some(action));
    let _ = write!(
        out,
        "><h2 id=\"lead-h\">{}</h2><p class=\"intro\">{}</p>",
        t(PublicMsg::LeadTitle, locale),
        t(intro, locale)
    );
    let (typed, problems, failed) = match sent {
        Some(Sent::Refused(typed, problems)) => (Some(*typed), Some(*problems), None),
        Some(Sent::Failed(typed, why)) => (Some(*typed), None, Some(*why)),
        Some(Sent::Kept) | None => (None, None, None),
    };
    let typed = typed.map(|d| [&d.name, &d.phone, &d.wechat_id, &d.email]);
    for (i, field) in LEAD_FIELDS.into_iter().enumerate() {
        let (id, problem_id) = (field.input_id(), field.problem_id());
        let problem = problems.and_then(|p| p.get(field.key));
        let _ = write!(
            out,
            "<label for=\"{id}\">{}</label><input id=\"{id}\" name=\"{}\" type=\"{}\" \
             autocomplete=\"{}\" aria-invalid=\"{}\" aria-describedby=\"{problem_id}\"",
            t(field.label, locale),
            field.key,
            field.kind,
            field.autocomplete,
            problem.is_some()
        );
        attr(
            out,
            "value",
            typed.map(|v| v[i].as_str()).filter(|v| !v.is_empty()),
        );
        let _ = write!(
            out,
            "><span class=\"field-problem\" id=\"{problem_id}\">{}</span>",
            problem
                .map(|p| t(problem_message(p), locale))
                .unwrap_or_default()
        );
    }
    // The reader script's alerts, under the same marks.
    let contact = problems
        .and_then(|p| p.get("contact"))
        .map(|_| PublicMsg::LeadNeedsContact);
    for (which, msg) in [("contact", contact), ("failed", failed)] {
        if let Some(msg) = msg {
            let _ = write!(
                out,
                "<p role=\"alert\" class=\"form-error\" data-alert=\"{which}\">{}</p>",
                t(msg, locale)
            );
        }
    }
    let _ = write!(
        out,
        "<div class=\"form-actions\"><button type=\"submit\" class=\"cta\">{}</button>",
        t(PublicMsg::LeadSubmit, locale)
    );
    if skippable {
        // Only a script puts the form away, so the one that runs shows the button.
        let _ = write!(
            out,
            "<button type=\"button\" hidden>{}</button>",
            t(PublicMsg::LeadSkip, locale)
        );
    }
    out.push_str("</div></form>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::ContentKind;
    use crate::first_paint::tests::card;
    use crate::first_paint::{PageLinks, PublicPage, Sent, page};

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
                    lead: "/s/tok".into(),
                },
                None,
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

        // The form for details is in the page, where the app puts it.
        let form = "<form class=\"lead-form\" aria-labelledby=\"lead-h\" method=\"post\" action=\"/s/tok\"><h2 id=\"lead-h\">留下联系方式</h2>";
        let at = |html: &str, part: &str| {
            html.find(part)
                .unwrap_or_else(|| panic!("{part} in {html}"))
        };
        assert!(at(&gated, "id=\"b-p\"") < at(&gated, form));
        assert!(at(&gated, form) < at(&gated, "</article>"));
        assert!(gated.contains("<p class=\"intro\">阅读全文前，请留下联系方式。</p>"));
        assert!(at(&all, "id=\"b-d\"") < at(&all, form));
        assert!(all.contains("<button type=\"button\" hidden>暂不填写</button>"));
        assert!(!gated.contains("暂不填写"));
        // It works before a script runs: posted to the server.
        assert!(gated.contains("<button type=\"submit\" class=\"cta\">提交</button>"));
        for (label, input) in [
            (
                "<label for=\"lead-name\">姓名</label>",
                "<input id=\"lead-name\" name=\"name\" type=\"text\" autocomplete=\"name\"",
            ),
            (
                "<label for=\"lead-phone\">手机号</label>",
                "<input id=\"lead-phone\" name=\"phone\" type=\"tel\"",
            ),
            (
                "<label for=\"lead-wechat_id\">微信号</label>",
                "<input id=\"lead-wechat_id\" name=\"wechat_id\" type=\"text\"",
            ),
            (
                "<label for=\"lead-email\">邮箱</label>",
                "<input id=\"lead-email\" name=\"email\" type=\"email\"",
            ),
        ] {
            assert!(at(&all, label) < at(&all, input), "{label}");
        }
        assert!(all.contains("aria-describedby=\"lead-phone-problem\"><span class=\"field-problem\" id=\"lead-phone-problem\"></span>"));
        assert!(!shown(LeadCapture::Off).contains("<form"));
    }

    #[test]
    fn a_form_posted_without_a_script_comes_back_with_what_was_typed_and_why() {
        let typed = LeadDetails {
            name: "陈 \"静\" <b>".into(),
            phone: "12".into(),
            ..Default::default()
        };
        let Err(problems) = typed.validate() else {
            panic!("a short phone is refused");
        };
        let mut html = String::new();
        lead_form(
            &mut html,
            true,
            false,
            "/s/tok?lang=en",
            Some(&Sent::Refused(&typed, &problems)),
            Locale::En,
        );
        for part in [
            "method=\"post\" action=\"/s/tok?lang=en\"",
            // Typed back escaped; the empty fields stay empty.
            "<input id=\"lead-name\" name=\"name\" type=\"text\" autocomplete=\"name\" \
             aria-invalid=\"false\" aria-describedby=\"lead-name-problem\" \
             value=\"陈 &quot;静&quot; &lt;b&gt;\">",
            "aria-invalid=\"true\" aria-describedby=\"lead-phone-problem\" value=\"12\">\
             <span class=\"field-problem\" id=\"lead-phone-problem\">Not a phone number</span>",
            "aria-describedby=\"lead-email-problem\"><span class=\"field-problem\" id=\"lead-email-problem\"></span>",
        ] {
            assert!(html.contains(part), "{part} in {html}");
        }
        // No way to reach them: said where the reader script says it.
        let nameless = LeadDetails::default();
        let Err(problems) = nameless.validate() else {
            panic!("nothing typed is refused");
        };
        let mut html = String::new();
        lead_form(
            &mut html,
            false,
            true,
            "/l",
            Some(&Sent::Refused(&nameless, &problems)),
            Locale::En,
        );
        assert!(
            html.contains("<span class=\"field-problem\" id=\"lead-name-problem\">Required</span>")
        );
        assert!(html.contains(
            "<p role=\"alert\" class=\"form-error\" data-alert=\"contact\">Leave at least one way \
             to reach you: phone, WeChat or email.</p><div class=\"form-actions\">"
        ));
        assert!(!html.contains(" value=") && !html.contains("data-alert=\"failed\""));
        // Not kept for another reason: said, and ready to send again as typed.
        let mut html = String::new();
        let failed = Sent::Failed(&typed, PublicMsg::ErrServer);
        lead_form(&mut html, true, false, "/l", Some(&failed), Locale::En);
        assert!(html.contains("value=\"12\""));
        assert!(html.contains(
            "<p role=\"alert\" class=\"form-error\" data-alert=\"failed\">The server had a problem; \
             please try again shortly.</p>"
        ));
        assert!(!html.contains("aria-invalid=\"true\""));

        // Kept: the whole article (the link's form is gone) and the thanks at its end.
        let content = PublicContent {
            id: "c".into(),
            kind: ContentKind::Article,
            title: "T".into(),
            summary: String::new(),
            cover_url: String::new(),
            tags: Vec::new(),
            blocks: Vec::new(),
        };
        let links = PageLinks {
            vcard: String::new(),
            chat: "/chat/tok".into(),
            lead: "/s/tok".into(),
        };
        let thanked = page(
            &PublicPage::Content {
                content,
                card: None,
                lead_capture: LeadCapture::Off,
            },
            &links,
            Some(&Sent::Kept),
            Locale::En,
        );
        assert!(thanked.contains(
            "<p role=\"status\" class=\"lead-thanks\">Thank you! The adviser will be in touch soon.</p></article>"
        ));
        assert!(!thanked.contains("<form"));
    }
}
