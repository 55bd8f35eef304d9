//! Browser tests (wasm-bindgen-test in headless Chromium): real components mounted
//! into the document and driven through their buttons, as a person would.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use leptos_router::components::Router;
use lianjie::App;
use lianjie::components::{LanguageSwitcher, ToastHost, Toasts};
use lianjie::i18n::{Msg, STORAGE_KEY, provide_i18n, use_i18n};
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
    let links = nav.query_selector_all("a").unwrap();
    assert_eq!(links.length(), 6);
    root.remove();
}
