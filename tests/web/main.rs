//! Browser tests (wasm-bindgen-test in headless Chromium): real components mounted
//! into the document and driven through their buttons, as a person would.
#![cfg(target_arch = "wasm32")]

mod address;
mod attachments;
mod content_blocks;
mod event_hub;
mod first_paint;
mod http_backend_decoding;
mod local_backend;
mod tracker_storage;

use leptos::prelude::*;
use lianjie::App;
use lianjie::components::{LanguageSwitcher, ToastHost, Toasts, provide_history_address};
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
    provide_history_address();
    let i18n = use_i18n();
    view! {
        <h1>{move || i18n.t(Msg::NavInbox)}</h1>
        <LanguageSwitcher />
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
