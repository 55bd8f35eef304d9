//! The server's first paint is the app's own markup (core's `first_paint`).

use super::*;

/// A card with every part a card can show, as the server and the app both get it.
fn full_card() -> (
    lianjie_core::public::PublicCard,
    Vec<lianjie_core::api::FeaturedContent>,
) {
    use lianjie_core::people::Card;
    let card = Card {
        id: "wang-lei".into(),
        name: "王磊".into(),
        title: "销售经理".into(),
        company: "连接科技".into(),
        avatar_url: "https://x.example/a.png".into(),
        logo_url: "https://x.example/logo.png".into(),
        greeting_media_url: "https://x.example/hi.mp4".into(),
        phone: "+86 138 0013 8000".into(),
        email: "wang.lei@lianjie.example".into(),
        wechat_id: "wanglei_sales".into(),
        address: "上海市浦东新区".into(),
        website: "https://lianjie.example".into(),
        intro: "十年企业服务经验 <b>".into(),
        ..Card::default()
    };
    let featured = vec![lianjie_core::api::FeaturedContent {
        id: "c-pricing".into(),
        kind: lianjie_core::content::ContentKind::Article,
        title: "报价方案".into(),
        summary: "2026 版".into(),
        cover_url: String::new(),
    }];
    (lianjie_core::public::PublicCard::from(&card), featured)
}

#[component]
fn LiveCardHarness() -> impl IntoView {
    use lianjie::components::{CardFace, CardHandlers};
    provide_i18n();
    let (card, featured) = full_card();
    let none = Callback::new(|()| {});
    let handlers = CardHandlers {
        vcard_href: Signal::stored("/api/v1/public/cards/wang-lei/vcard".to_owned()),
        chat_href: "/chat/tok".into(),
        on_call: none,
        on_email: none,
        on_save: none,
        on_message: none,
        on_copy_wechat: none,
        on_open: Callback::new(|_: String| {}),
        status: Signal::stored(None),
    };
    view! {
        <article class="card-page">
            <CardFace card=Signal::stored(card) featured=Signal::stored(featured) handlers />
        </article>
    }
}

/// Every element under `root` in document order: its tag, class, id and
/// `data-block`, and the text of those holding no element. The card's copy action is
/// a button in the app and a link to the ID in the first paint: both are "action".
fn skeleton(root: &web_sys::Element) -> Vec<String> {
    let all = root.query_selector_all("*").unwrap();
    (0..all.length())
        .filter_map(|i| all.item(i))
        .map(|n| n.unchecked_into::<web_sys::Element>())
        .map(|e| {
            let tag = e.tag_name().to_lowercase();
            let in_actions = e
                .parent_element()
                .is_some_and(|p| p.class_name() == "card-actions");
            let tag = if in_actions && (tag == "a" || tag == "button") {
                "action".to_owned()
            } else {
                tag
            };
            let attr = |name: &str| e.get_attribute(name).unwrap_or_default();
            let text = if e.child_element_count() == 0 {
                e.text_content()
                    .unwrap_or_default()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            } else {
                String::new()
            };
            format!(
                "{tag}.{} #{} [{}] {text}",
                attr("class"),
                attr("id"),
                attr("data-block")
            )
        })
        .collect()
}

#[wasm_bindgen_test]
async fn the_servers_first_paint_is_the_cards_own_markup() {
    use lianjie_core::first_paint::{self, PageLinks, PublicPage, Then};
    storage().set_item(STORAGE_KEY, "en").unwrap();
    let root = fresh_container();
    let _mounted = leptos::mount::mount_to(root.clone(), LiveCardHarness);
    settle().await;
    let app = root.query_selector("article.card-page").unwrap().unwrap();

    let (card, featured) = full_card();
    let paint = first_paint::page(
        &PublicPage::Card { card, featured },
        &PageLinks {
            vcard: "/api/v1/public/cards/wang-lei/vcard".into(),
            chat: Then::Chat.query(),
            lead: String::new(),
        },
        None,
        Locale::En,
    );
    let served = fresh_container();
    served.set_inner_html(&paint);
    let first = served
        .query_selector("#first-paint article.card-page")
        .unwrap()
        .unwrap();
    let (app_parts, paint_parts) = (skeleton(&app), skeleton(&first));
    assert!(app_parts.len() > 30, "{app_parts:#?}");
    assert_eq!(paint_parts, app_parts);
    // The links that work before the app runs lead where the app's do.
    for selector in [
        "a[download]",
        "a[href^='tel:']",
        "a[href^='mailto:']",
        "a.featured-item",
        ".card-details a[target]",
    ] {
        let href = |root: &web_sys::Element| {
            root.query_selector(selector)
                .unwrap()
                .and_then(|a| a.get_attribute("href"))
        };
        assert!(href(&first).is_some(), "{selector}");
        assert_eq!(href(&first), href(&app), "{selector}");
    }
    served.remove();
}

fn every_block() -> Vec<lianjie_core::content::Block> {
    use lianjie_core::content::{Block, BlockBody};
    let block = |id: &str, body| Block {
        id: id.into(),
        tags: Vec::new(),
        body,
    };
    vec![
        block(
            "h",
            BlockBody::Heading {
                level: 1,
                text: "一".into(),
            },
        ),
        block(
            "h3",
            BlockBody::Heading {
                level: 3,
                text: "小节".into(),
            },
        ),
        block(
            "p",
            BlockBody::Paragraph {
                text: "<i>文字</i>".into(),
            },
        ),
        block(
            "l",
            BlockBody::List {
                ordered: false,
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
                url: "https://x.example/v.mp4".into(),
                poster_url: "javascript:x".into(),
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
            "c2",
            BlockBody::Cta {
                label: "无链接".into(),
                url: String::new(),
            },
        ),
        block(
            "d",
            BlockBody::Page {
                image_url: "/p1.png".into(),
                alt: "第一页".into(),
            },
        ),
    ]
}

/// The values of `attr` on every element under `root` that has it, in order.
fn values(root: &web_sys::HtmlElement, attr: &str) -> Vec<Option<String>> {
    let all = root.query_selector_all(&format!("[{attr}]")).unwrap();
    (0..all.length())
        .filter_map(|i| all.item(i))
        .map(|n| n.unchecked_into::<web_sys::Element>().get_attribute(attr))
        .collect()
}

#[wasm_bindgen_test]
async fn the_servers_first_paint_of_an_article_is_the_apps_blocks() {
    use lianjie::components::ContentBlocks;
    let root = fresh_container();
    let _mounted = leptos::mount::mount_to(
        root.clone(),
        || view! { <ContentBlocks blocks=every_block() /> },
    );
    settle().await;
    let mut html = String::new();
    lianjie_core::first_paint::blocks(&mut html, &every_block());
    let served = fresh_container();
    served.set_inner_html(&html);
    let (app, paint) = (skeleton(&root), skeleton(&served));
    assert!(app.len() > 20, "{app:#?}");
    assert_eq!(paint, app);
    for attr in ["src", "href", "poster", "alt"] {
        assert_eq!(values(&served, attr), values(&root, attr), "{attr}");
    }
    served.remove();
}

#[component]
fn LeadFormHarness(gate: bool, skippable: bool) -> impl IntoView {
    use lianjie::api::{HttpBackend, provide_public_api};
    use lianjie::components::LeadForm;
    provide_i18n();
    // Nothing is sent: the form is only compared, never submitted.
    provide_public_api(std::rc::Rc::new(HttpBackend::new("/api/v1")));
    let on_skip = skippable.then(|| Callback::new(|()| {}));
    view! {
        <article class="shared">
            <LeadForm reader_token="tok".to_owned() gate on_done=|()| {} on_skip />
        </article>
    }
}

#[wasm_bindgen_test]
async fn the_servers_first_paint_of_a_lead_form_is_the_apps_form() {
    storage().set_item(STORAGE_KEY, "en").unwrap();
    for (gate, skippable) in [(true, false), (false, true)] {
        let root = fresh_container();
        let _mounted = leptos::mount::mount_to(
            root.clone(),
            move || view! { <LeadFormHarness gate skippable /> },
        );
        settle().await;
        let mut html = String::from("<article class=\"shared\">");
        lianjie_core::first_paint::lead_form(&mut html, gate, skippable, "/l", None, Locale::En);
        html.push_str("</article>");
        let served = fresh_container();
        served.set_inner_html(&html);
        let (app, paint) = (skeleton(&root), skeleton(&served));
        assert!(app.len() > 15, "{app:#?}");
        assert_eq!(paint, app, "gate {gate}");
        // The inputs the reader reads and marks are the app's, labelled the same way.
        for attr in [
            "type",
            "autocomplete",
            "aria-describedby",
            "aria-invalid",
            "for",
        ] {
            assert_eq!(values(&served, attr), values(&root, attr), "{attr}");
        }
        served.remove();
        root.remove();
    }
}
