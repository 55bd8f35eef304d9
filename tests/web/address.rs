//! The slim customer build moves between its pages without a router: the browser's
//! history, Back, links kept in the page, and the language in the address.

use super::{button, fresh_container, go_to, settle, storage};
use leptos::prelude::*;
use lianjie::components::{LanguageSwitcher, current_page, provide_history_address};
use lianjie::i18n::{STORAGE_KEY, provide_i18n};
use lianjie_core::link::CustomerRoute;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

fn element(root: &web_sys::HtmlElement, selector: &str) -> web_sys::HtmlElement {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector} in {}", root.inner_html()))
        .unchecked_into()
}

fn text_of(root: &web_sys::HtmlElement, selector: &str) -> String {
    element(root, selector).text_content().unwrap_or_default()
}

/// Goes back, and waits until the browser has moved (Back is asynchronous).
async fn back() {
    let before = window().location().href().unwrap();
    window().history().unwrap().back().unwrap();
    for _ in 0..200 {
        if window().location().href().unwrap() != before {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(10).await;
    }
    settle().await;
}

#[wasm_bindgen_test]
async fn customer_pages_move_by_history_without_a_router() {
    storage().set_item(STORAGE_KEY, "zh").unwrap();
    go_to("/c/wang-lei?lang=zh&from=qr");
    let root = fresh_container();
    let _mounted = leptos::mount::mount_to(root.clone(), || {
        provide_i18n();
        let address = provide_history_address();
        let page = current_page(address);
        let id = address.page_id();
        view! {
            <p id="page">{move || format!("{:?}", page.get())}</p>
            <p id="id">{move || id.get()}</p>
            <p id="query">{move || address.query.get()}</p>
            <a id="chat" href="/chat/t-1?ask=phone">"chat"</a>
            <a id="modified" href="/chat/t-2">"chat"</a>
            <LanguageSwitcher />
        }
    });
    settle().await;
    assert_eq!(
        text_of(&root, "#page"),
        format!("{:?}", Some(CustomerRoute::Card))
    );
    assert_eq!(text_of(&root, "#id"), "wang-lei");

    // The language follows the address, and the rest of the query stays.
    button(&root, "English").click();
    settle().await;
    assert_eq!(window().location().search().unwrap(), "?lang=en&from=qr");
    assert_eq!(text_of(&root, "#query"), "lang=en&from=qr");

    // A plain click on a customer page's link stays in the page.
    element(&root, "#chat").click();
    settle().await;
    assert_eq!(window().location().pathname().unwrap(), "/chat/t-1");
    assert_eq!(
        text_of(&root, "#page"),
        format!("{:?}", Some(CustomerRoute::Chat))
    );
    assert_eq!(text_of(&root, "#id"), "t-1");
    assert_eq!(text_of(&root, "#query"), "ask=phone");

    // A click the page handles itself is left alone.
    let modified = element(&root, "#modified");
    let keep =
        wasm_bindgen::closure::Closure::<dyn Fn(web_sys::Event)>::new(|ev: web_sys::Event| {
            ev.prevent_default()
        });
    modified
        .add_event_listener_with_callback("click", keep.as_ref().unchecked_ref())
        .unwrap();
    modified.click();
    settle().await;
    assert_eq!(window().location().pathname().unwrap(), "/chat/t-1");

    // Back returns to the card, with its query.
    back().await;
    assert_eq!(window().location().pathname().unwrap(), "/c/wang-lei");
    assert_eq!(
        text_of(&root, "#page"),
        format!("{:?}", Some(CustomerRoute::Card))
    );
    assert_eq!(text_of(&root, "#query"), "lang=en&from=qr");

    root.remove();
    go_to("/");
}
