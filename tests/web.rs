//! Browser tests (wasm-bindgen-test in headless Chromium): real components mounted
//! into the document and driven through their buttons, as a person would.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use leptos_router::components::Router;
use lianjie::App;
use lianjie::components::{LanguageSwitcher, ToastHost, Toasts};
use lianjie::i18n::{Msg, PublicMsg, STORAGE_KEY, Text, provide_i18n, use_i18n};
use lianjie_core::Locale;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn fresh_container() -> web_sys::HtmlElement {
    let doc = document();
    let el: web_sys::HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    doc.body().unwrap().append_child(&el).unwrap();
    el
}

fn storage() -> web_sys::Storage {
    window().local_storage().unwrap().unwrap()
}

/// The button inside `root` whose text (its accessible name here) is `name`.
fn button(root: &web_sys::HtmlElement, name: &str) -> web_sys::HtmlElement {
    let all = root.query_selector_all("button").unwrap();
    (0..all.length())
        .filter_map(|i| all.item(i))
        .find(|b| b.text_content().unwrap_or_default().trim() == name)
        .unwrap_or_else(|| panic!("no button named {name:?} in {}", root.inner_html()))
        .unchecked_into()
}

async fn settle() {
    for _ in 0..3 {
        leptos::task::tick().await;
    }
}

#[component]
fn LanguageHarness() -> impl IntoView {
    provide_i18n();
    let i18n = use_i18n();
    view! {
        <Router>
            <h1>{move || i18n.t(Msg::NavInbox)}</h1>
            <LanguageSwitcher />
        </Router>
    }
}

#[wasm_bindgen_test]
async fn language_switch_changes_text_and_is_remembered() {
    storage().set_item(STORAGE_KEY, "zh").unwrap();
    let root = fresh_container();
    let _mounted = leptos::mount::mount_to(root.clone(), LanguageHarness);
    settle().await;

    let heading = root.query_selector("h1").unwrap().unwrap();
    assert_eq!(
        heading.text_content().unwrap(),
        Msg::NavInbox.text(Locale::ZhCn)
    );
    assert_eq!(
        button(&root, "中文")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true")
    );

    button(&root, "English").click();
    settle().await;

    assert_eq!(heading.text_content().unwrap(), "Inbox");
    assert_eq!(
        button(&root, "English")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        button(&root, "中文")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("false")
    );
    assert_eq!(
        storage().get_item(STORAGE_KEY).unwrap().as_deref(),
        Some("en")
    );
    let html = document().document_element().unwrap();
    assert_eq!(html.get_attribute("lang").as_deref(), Some("en"));
    root.remove();
}

#[wasm_bindgen_test]
async fn error_toast_offers_retry_that_runs_once_and_dismisses() {
    storage().set_item(STORAGE_KEY, "en").unwrap();
    let root = fresh_container();
    let toasts = RwSignal::new(None::<Toasts>);
    let retried = RwSignal::new(0);
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        provide_i18n();
        let service = Toasts::new();
        provide_context(service);
        toasts.set(Some(service));
        view! { <ToastHost /> }
    });
    settle().await;
    let service = toasts.get_untracked().unwrap();
    service.error(
        "Could not save",
        Some(Callback::new(move |()| retried.update(|n| *n += 1))),
    );
    settle().await;

    let alert = root
        .query_selector("[role=alert]")
        .unwrap()
        .expect("an alert toast");
    assert!(alert.text_content().unwrap().contains("Could not save"));
    button(&root, "Retry").click();
    settle().await;

    assert_eq!(retried.get_untracked(), 1);
    assert!(service.is_empty());
    assert!(root.query_selector("[role=alert]").unwrap().is_none());
    root.remove();
}

#[wasm_bindgen_test]
async fn whole_app_mounts_with_navigation() {
    storage().set_item(STORAGE_KEY, "en").unwrap();
    let root = fresh_container();
    let _mounted = leptos::mount::mount_to(root.clone(), App);
    settle().await;

    let nav = root
        .query_selector("nav")
        .unwrap()
        .expect("main navigation");
    assert_eq!(
        nav.get_attribute("aria-label").as_deref(),
        Some("Main navigation")
    );
    // The demo's rep: everything but the team's settings, once the viewer is known.
    assert_eq!(
        nav_links(&nav).await,
        [
            "Dashboard",
            "My card",
            "Content library",
            "Lead radar",
            "Customers",
            "Pool",
            "Pipeline",
            "Tasks",
            "Leaderboard",
            "Team board",
            "Inbox",
            "Settings"
        ]
    );
    root.remove();
}

/// The side navigation's link texts once the signed-in staff member is known (the
/// "Signed in as" switcher appears with them).
async fn nav_links(nav: &web_sys::Element) -> Vec<String> {
    for _ in 0..200 {
        if document()
            .query_selector(".signed-in-as select")
            .unwrap()
            .is_some()
        {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(10).await;
    }
    settle().await;
    let links = nav.query_selector_all("a").unwrap();
    (0..links.length())
        .filter_map(|i| links.item(i))
        .map(|a| a.text_content().unwrap_or_default().trim().to_owned())
        .collect()
}

#[wasm_bindgen_test]
async fn an_agent_is_shown_the_inbox_but_no_radar_and_can_switch_to_anyone() {
    use lianjie::api::local::ME_KEY;
    storage().set_item(STORAGE_KEY, "en").unwrap();
    storage().set_item(ME_KEY, "\"u-zhaomin\"").unwrap();
    let root = fresh_container();
    let _mounted = leptos::mount::mount_to(root.clone(), App);
    settle().await;
    let nav = root
        .query_selector("nav")
        .unwrap()
        .expect("main navigation");
    let links = nav_links(&nav).await;
    storage().remove_item(ME_KEY).unwrap();
    assert_eq!(
        links,
        [
            "Dashboard",
            "Content library",
            "Customers",
            "Tasks",
            "Inbox",
            "Settings"
        ]
    );

    // The switcher is labelled, lists every active demo staff member with their
    // role, and shows who the app acts as.
    let label = root
        .query_selector(".signed-in-as")
        .unwrap()
        .expect("switcher");
    assert!(label.text_content().unwrap().starts_with("Signed in as"));
    let options = label.query_selector_all("option").unwrap();
    let staff = lianjie_core::demo::seed(chrono::Utc::now()).users;
    assert_eq!(options.length() as usize, staff.len());
    let chosen = label
        .query_selector("option[selected]")
        .unwrap()
        .expect("who the app acts as is chosen");
    assert_eq!(chosen.get_attribute("value").as_deref(), Some("u-zhaomin"));
    assert_eq!(chosen.text_content().unwrap(), "赵敏 (Support agent)");

    // A page the role may not open says so, with the way home.
    go_to("/radar");
    let said = wait_for("the refusal", || {
        with_text(
            &root,
            "p",
            "Your role (Support agent) can't open this page.",
        )
    })
    .await;
    assert!(with_text(&said.parent_element().unwrap(), "a", "Back to dashboard").is_some());
    go_to("/");
    settle().await;
    root.remove();
}

/// Polls `find` until it finds something (about three seconds at most).
async fn wait_for<T>(what: &str, find: impl Fn() -> Option<T>) -> T {
    for _ in 0..300 {
        if let Some(found) = find() {
            return found;
        }
        gloo_timers::future::TimeoutFuture::new(10).await;
    }
    panic!(
        "{what} never showed up in {}",
        document().body().unwrap().inner_html()
    );
}

/// The elements matching `selector` inside `root` whose text starts with `text`.
fn with_text(root: &web_sys::Element, selector: &str, text: &str) -> Option<web_sys::Element> {
    let all = root.query_selector_all(selector).ok()?;
    (0..all.length())
        .filter_map(|i| all.item(i))
        .map(|n| n.unchecked_into::<web_sys::Element>())
        .find(|e| {
            e.text_content()
                .unwrap_or_default()
                .trim()
                .starts_with(text)
        })
}

/// Types `value` into the field of the label starting with `label`, as a person would.
fn type_into(root: &web_sys::Element, label: &str, value: &str) {
    let field = with_text(root, "label", label)
        .and_then(|l| l.query_selector("input").ok().flatten())
        .unwrap_or_else(|| panic!("no field labelled {label:?}"));
    js_sys::Reflect::set(&field, &"value".into(), &value.into()).unwrap();
    field
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

/// Goes to `path` in the mounted app, as the browser's back and forward buttons do
/// (a link's click is handled once per page by the first router mounted in it).
fn go_to(path: &str) {
    window()
        .history()
        .unwrap()
        .push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path))
        .unwrap();
    window()
        .dispatch_event(&web_sys::Event::new("popstate").unwrap())
        .unwrap();
}

fn click(element: &web_sys::Element) {
    element.unchecked_ref::<web_sys::HtmlElement>().click();
}

#[wasm_bindgen_test]
async fn an_admin_adds_and_deactivates_staff_in_team_settings() {
    use lianjie::api::local::ME_KEY;
    storage().set_item(STORAGE_KEY, "en").unwrap();
    storage().set_item(ME_KEY, "\"u-admin\"").unwrap();
    let root = fresh_container();
    let _mounted = leptos::mount::mount_to(root.clone(), App);
    let nav = wait_for("the navigation", || {
        root.query_selector("nav").ok().flatten()
    })
    .await;
    wait_for("the Team link", || with_text(&nav, "a", "Team")).await;
    storage().remove_item(ME_KEY).unwrap();
    go_to("/settings/team");
    let create = wait_for("Create staff", || {
        with_text(&root, "button", "Create staff")
    })
    .await;

    let who = format!("测试{}", &lianjie::api::local::random_token()[..6]);
    type_into(&root, "Full name", &who);
    type_into(&root, "Email", &format!("{who}@lianjie.example"));
    click(&create);
    let row = wait_for("the new staff member", || {
        with_text(&root, "li[aria-labelledby]", &who)
    })
    .await;
    assert!(row.text_content().unwrap().contains("Sales rep"));
    // No passwords in the browser: the page says how to act as them instead.
    wait_for("the note on passwords", || {
        with_text(&root, "p", "The in-browser demo has no passwords")
    })
    .await;

    let deactivate = with_text(&row, "button", "Deactivate").expect("a Deactivate button");
    click(&deactivate);
    wait_for("Reactivate", || {
        let row = with_text(&root, "li[aria-labelledby]", &who)?;
        with_text(&row, "button", "Reactivate")
    })
    .await;
    // Nobody deactivates themselves: the admin's own row offers no such button.
    let own = with_text(&root, "li[aria-labelledby]", "Admin 管理员").expect("the admin's row");
    assert!(with_text(&own, "button", "Deactivate").is_none());

    // Back home for the tests that mount the app after this one.
    go_to("/");
    settle().await;
    root.remove();
}

#[path = "web/local_backend.rs"]
mod local_backend;

mod http_backend_decoding {
    use super::*;
    use gloo_net::http::Response;
    use lianjie::api::http::decode;
    use lianjie::error::AppError;
    use lianjie_core::people::Card;

    fn response(status: u16, body: &str) -> Response {
        let mut bytes = body.as_bytes().to_vec();
        // A 204 must not carry a body, so an empty one is "no body".
        let body = (!bytes.is_empty()).then_some(bytes.as_mut_slice());
        Response::builder().status(status).body(body).unwrap()
    }

    #[wasm_bindgen_test]
    async fn malformed_or_unexpected_responses_are_typed_errors() {
        let cases: [(u16, &str); 6] = [
            (200, "{\"id\": 42"),                   // truncated JSON
            (200, "<html>proxy login page</html>"), // not JSON at all
            (200, "{\"id\": \"x\"}"),               // JSON of the wrong shape
            (200, "[]"),                            // wrong type
            (502, "<html>Bad gateway</html>"),      // error without an envelope
            (200, ""),                              // empty where a card was due
        ];
        for (status, body) in cases {
            let err = decode::<Card>(response(status, body)).await.unwrap_err();
            assert!(
                matches!(err, AppError::Decode(_)),
                "{status} {body:?} gave {err:?}"
            );
        }
    }

    #[wasm_bindgen_test]
    async fn error_envelopes_map_to_their_meaning() {
        let envelope = |code: &str, fields: &str| {
            format!("{{\"error\":{{\"code\":\"{code}\",\"message\":\"m\",\"fields\":{fields}}}}}")
        };
        let invalid = decode::<Card>(response(
            422,
            &envelope("invalid", "[{\"field\":\"email\",\"code\":\"email\"}]"),
        ))
        .await;
        assert!(matches!(invalid, Err(AppError::Invalid(ref f)) if f.get("email").is_some()));
        let missing = decode::<Card>(response(404, &envelope("not_found", "[]"))).await;
        assert_eq!(missing.unwrap_err(), AppError::NotFound);
        let auth = decode::<Card>(response(401, &envelope("unauthorized", "[]"))).await;
        assert_eq!(auth.unwrap_err(), AppError::Unauthorized);
        let forbidden = decode::<Card>(response(403, &envelope("forbidden", "[]"))).await;
        assert_eq!(forbidden.unwrap_err(), AppError::Forbidden);
        let limited = decode::<Card>(response(429, &envelope("rate_limited", "[]"))).await;
        assert!(matches!(limited, Err(AppError::Server(429, _))));
        let ok = decode::<()>(response(204, "")).await;
        assert_eq!(ok, Ok(()));
    }
}

mod content_blocks {
    use super::*;
    use lianjie::components::ContentBlocks;
    use lianjie_core::content::{Block, BlockBody};

    fn block(id: &str, body: BlockBody) -> Block {
        Block {
            id: id.into(),
            tags: vec![],
            body,
        }
    }

    #[wasm_bindgen_test]
    async fn text_stays_text_and_unsafe_links_are_dropped() {
        let root = fresh_container();
        let blocks = vec![
            block(
                "p1",
                BlockBody::Paragraph {
                    text: "<img src=x onerror=alert(1)>你好".into(),
                },
            ),
            block(
                "c1",
                BlockBody::Cta {
                    label: "Evil".into(),
                    url: "javascript:alert(1)".into(),
                },
            ),
            block(
                "c2",
                BlockBody::Cta {
                    label: "Book".into(),
                    url: "/chat/demo".into(),
                },
            ),
            block(
                "l1",
                BlockBody::List {
                    ordered: true,
                    items: vec!["一".into(), "二".into()],
                },
            ),
        ];
        let _mounted = leptos::mount::mount_to(
            root.clone(),
            move || view! { <ContentBlocks blocks=blocks.clone() /> },
        );
        settle().await;

        assert!(
            root.query_selector("img").unwrap().is_none(),
            "no element from text"
        );
        let p = root.query_selector("#b-p1 p").unwrap().unwrap();
        assert_eq!(
            p.text_content().unwrap(),
            "<img src=x onerror=alert(1)>你好"
        );
        assert!(
            root.query_selector("#b-c1 a").unwrap().is_none(),
            "javascript: link not rendered"
        );
        let good = root.query_selector("#b-c2 a").unwrap().unwrap();
        assert_eq!(good.get_attribute("href").as_deref(), Some("/chat/demo"));
        assert_eq!(root.query_selector_all("#b-l1 ol li").unwrap().length(), 2);
        assert_eq!(
            root.query_selector_all("section[data-block]")
                .unwrap()
                .length(),
            4
        );
        root.remove();
    }
}

mod attachments {
    use super::*;
    use lianjie::components::AttachmentList;
    use lianjie_core::inbox::Attachment;

    #[component]
    fn Harness(attachments: Vec<Attachment>) -> impl IntoView {
        provide_i18n();
        view! { <AttachmentList attachments /> }
    }

    #[wasm_bindgen_test]
    async fn outside_images_are_links_and_addresses_leaving_the_site_are_text() {
        storage().set_item(STORAGE_KEY, "en").unwrap();
        let root = fresh_container();
        let image = |url: &str, name: &str| Attachment {
            url: url.into(),
            name: name.into(),
            is_image: true,
        };
        let attachments = vec![
            image("https://tracker.example/pixel.png", "pixel.png"),
            image("/media/quote.png", "quote.png"),
            image("/\\evil.example/x.png", "slash.png"),
            image("//evil.example/x.png", "double.png"),
        ];
        let _mounted = leptos::mount::mount_to(root.clone(), move || {
            view! { <Harness attachments=attachments.clone() /> }
        });
        settle().await;

        // Only the image this site serves is loaded; the outside one is a link.
        let images = root.query_selector_all("img").unwrap();
        assert_eq!(images.length(), 1, "{}", root.inner_html());
        let img: web_sys::Element = images.item(0).unwrap().unchecked_into();
        assert_eq!(
            img.get_attribute("src").as_deref(),
            Some("/media/quote.png")
        );
        let links = root.query_selector_all("a").unwrap();
        assert_eq!(links.length(), 2, "{}", root.inner_html());
        let outside: web_sys::Element = links.item(0).unwrap().unchecked_into();
        assert_eq!(
            outside.get_attribute("href").as_deref(),
            Some("https://tracker.example/pixel.png")
        );
        assert_eq!(outside.text_content().unwrap(), "Image: pixel.png");
        assert_eq!(
            outside.get_attribute("referrerpolicy").as_deref(),
            Some("no-referrer")
        );
        // Addresses a browser would read as another host are no link at all.
        let text = root.text_content().unwrap();
        assert!(text.contains("Image: slash.png") && text.contains("Image: double.png"));
        root.remove();
    }
}

mod tracker_storage {
    use super::*;
    use lianjie::tracker::{outbox, reader_links};
    use lianjie_core::tracking::{Snapshot, ViewTotals};

    fn snap(session: &str, seq: u32, visible_ms: u64) -> Snapshot {
        Snapshot {
            session_id: session.into(),
            share_token: "tok".into(),
            seq,
            totals: ViewTotals {
                visible_ms,
                ..Default::default()
            },
            reader_token: None,
        }
    }

    #[wasm_bindgen_test]
    fn outbox_keeps_the_newest_snapshot_per_session_until_acknowledged() {
        storage().remove_item("lianjie.track.outbox").unwrap();
        outbox::put(&snap("a", 1, 2_000));
        outbox::put(&snap("a", 3, 6_000));
        outbox::put(&snap("a", 2, 4_000)); // late and older: ignored
        outbox::put(&snap("b", 1, 3_000));
        let pending = outbox::pending();
        assert_eq!(pending.len(), 2);
        assert_eq!((pending[0].seq, pending[0].totals.visible_ms), (3, 6_000));
        // An acknowledgement of an older snapshot keeps the newer one waiting.
        outbox::acked(&snap("a", 2, 4_000));
        assert_eq!(outbox::pending().len(), 2);
        outbox::acked(&snap("a", 3, 6_000));
        assert_eq!(outbox::pending(), vec![snap("b", 1, 3_000)]);
        // Damaged storage reads as empty, never a panic.
        storage()
            .set_item("lianjie.track.outbox", "{not json")
            .unwrap();
        assert!(outbox::pending().is_empty());
        outbox::put(&snap("c", 1, 2_500));
        assert_eq!(outbox::pending().len(), 1);
        storage().remove_item("lianjie.track.outbox").unwrap();
    }

    #[wasm_bindgen_test]
    fn a_reader_coming_back_to_their_own_link_keeps_it() {
        storage().remove_item("lianjie.reader.links").unwrap();
        assert_eq!(reader_links::resolve("shared"), ("shared".into(), None));
        reader_links::remember("shared", "mine");
        // The link from the chat, or the reader's own address after a reload.
        let again = ("shared".to_owned(), Some("mine".to_owned()));
        assert_eq!(reader_links::resolve("shared"), again);
        assert_eq!(reader_links::resolve("mine"), again);
        assert!(!reader_links::lead_left("mine"));
        reader_links::remember_lead("mine");
        assert!(reader_links::lead_left("mine"));
        storage().remove_item("lianjie.reader.links").unwrap();
        storage().remove_item("lianjie.reader.leads").unwrap();
    }
}

#[component]
fn DraftHarness() -> impl IntoView {
    use lianjie::components::{DraftNotice, use_draft};
    provide_i18n();
    let draft = use_draft("lianjie.test.draft".to_owned(), "saved".to_owned());
    view! {
        <DraftNotice draft />
        <output>{move || draft.value.get()}</output>
        <button on:click=move |_| draft.value.set("edited".into())>"edit"</button>
    }
}

#[wasm_bindgen_test]
async fn a_draft_is_kept_restored_and_discarded() {
    storage().set_item(STORAGE_KEY, "en").unwrap();
    storage().remove_item("lianjie.test.draft").unwrap();
    let root = fresh_container();
    let first = leptos::mount::mount_to(root.clone(), DraftHarness);
    settle().await;
    assert!(root.query_selector("[role=status]").unwrap().is_none());
    button(&root, "edit").click();
    settle().await;
    assert_eq!(
        storage().get_item("lianjie.test.draft").unwrap().as_deref(),
        Some("\"edited\"")
    );
    drop(first);
    root.set_inner_html("");

    // A reload: the edit comes back, with a way to throw it away.
    let _second = leptos::mount::mount_to(root.clone(), DraftHarness);
    settle().await;
    let output = || {
        root.query_selector("output")
            .unwrap()
            .unwrap()
            .text_content()
    };
    assert_eq!(output().as_deref(), Some("edited"));
    button(&root, Msg::DiscardDraft.text(Locale::En)).click();
    settle().await;
    assert_eq!(output().as_deref(), Some("saved"));
    assert!(storage().get_item("lianjie.test.draft").unwrap().is_none());
}

#[component]
fn CardPreviewHarness() -> impl IntoView {
    use lianjie::components::CardFace;
    use lianjie_core::people::{Card, PhoneVisibility};
    provide_i18n();
    let card = Card {
        name: "Emily Chen".into(),
        title: "Account Executive".into(),
        phone: "13800138000".into(),
        wechat_id: "emily_c".into(),
        website: "javascript:alert(1)".into(),
        avatar_url: "javascript:alert(2)".into(),
        phone_visibility: PhoneVisibility::OnRequest,
        ..Card::default()
    };
    let card = lianjie_core::public::PublicCard::from(&card);
    view! { <CardFace card=Signal::stored(card) featured=Signal::stored(Vec::new()) /> }
}

#[wasm_bindgen_test]
async fn card_preview_is_inert_and_keeps_private_and_unsafe_values_out() {
    storage().set_item(STORAGE_KEY, "en").unwrap();
    let root = fresh_container();
    let _mounted = leptos::mount::mount_to(root.clone(), CardPreviewHarness);
    settle().await;
    let html = root.inner_html();
    assert!(html.contains("Emily Chen"), "{html}");
    // Initials stand in for an unsafe photo address; the phone is on request only.
    assert_eq!(
        root.query_selector(".card-initials")
            .unwrap()
            .unwrap()
            .text_content()
            .as_deref(),
        Some("EC")
    );
    assert!(!html.contains("javascript:"), "{html}");
    assert!(!html.contains("13800138000"), "{html}");
    assert!(
        html.contains(PublicMsg::PhoneOnRequest.text(Locale::En)),
        "{html}"
    );
    // The preview's links go nowhere.
    assert!(
        root.query_selector("a[href^='tel:'], a[href^='mailto:'], a[href^='data:']")
            .unwrap()
            .is_none()
    );
}

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
        },
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
        let values = |root: &web_sys::HtmlElement| {
            let all = root.query_selector_all(&format!("[{attr}]")).unwrap();
            (0..all.length())
                .filter_map(|i| all.item(i))
                .map(|n| n.unchecked_into::<web_sys::Element>().get_attribute(attr))
                .collect::<Vec<_>>()
        };
        assert_eq!(values(&served), values(&root), "{attr}");
    }
    served.remove();
}

#[wasm_bindgen_test]
fn a_readers_own_link_from_a_cards_address_opens_its_parent_link() {
    use lianjie::tracker::reader_links::{card_key, remember, resolve};
    storage().clear().unwrap();
    // Opening /c/wang-lei keeps the child under the card's address and its link.
    remember(&card_key("wang-lei"), "child-1");
    remember("card-link", "child-1");
    assert_eq!(
        resolve("child-1"),
        ("card-link".into(), Some("child-1".into()))
    );
    assert_eq!(
        resolve("card-link"),
        ("card-link".into(), Some("child-1".into()))
    );
    assert_eq!(resolve("other"), ("other".into(), None));
}
