use leptos::prelude::*;
use leptos_use::{use_document, use_event_listener, use_window};
use lianjie_core::link::{CustomerRoute, customer_route};
use wasm_bindgen::JsCast;

/// Where the page is and how to move on, for the customer pages: the staff app gives
/// them leptos_router's (`provide_router_address`), the slim customer build the
/// browser's own history (`provide_history_address`), so that build links no router
/// (its three pages are told apart by `customer_route` alone).
#[derive(Clone, Copy)]
pub struct Address {
    /// The path, as `location.pathname`.
    pub path: Memo<String>,
    /// The query without its `?`.
    pub query: Memo<String>,
    /// Goes to a URL on this site; `true` replaces the history entry.
    go: Callback<(String, bool)>,
}

impl Address {
    pub fn go(&self, url: &str) {
        self.go.run((url.to_owned(), false));
    }

    pub fn replace(&self, url: &str) {
        self.go.run((url.to_owned(), true));
    }

    /// The id in the path of a customer page (`/c/{id}`, `/s/{id}`, `/chat/{id}`).
    pub fn page_id(&self) -> Memo<String> {
        let path = self.path;
        Memo::new(move |_| {
            path.with(|p| customer_route(p).map(|(_, id)| id.to_owned()))
                .unwrap_or_default()
        })
    }

    /// A query parameter's value, decoded.
    pub fn query_value(&self, key: &str) -> Option<String> {
        let query = self.query.get_untracked();
        web_sys::UrlSearchParams::new_with_str(&query)
            .ok()?
            .get(key)
    }
}

pub fn use_address() -> Address {
    expect_context::<Address>()
}

/// The staff app's: the router's location and navigation.
pub fn provide_router_address() {
    let location = leptos_router::hooks::use_location();
    let navigate = leptos_router::hooks::use_navigate();
    let (pathname, search) = (location.pathname, location.search);
    provide_context(Address {
        path: Memo::new(move |_| pathname.get()),
        query: Memo::new(move |_| search.get().trim_start_matches('?').to_owned()),
        go: Callback::new(move |(url, replace): (String, bool)| {
            navigate(
                &url,
                leptos_router::NavigateOptions {
                    replace,
                    scroll: !replace,
                    ..Default::default()
                },
            );
        }),
    });
}

/// The slim customer build's: `history.pushState`, Back and Forward, and clicks on
/// links to another customer page kept in the page, as a router would.
pub fn provide_history_address() -> Address {
    let read = || {
        let location = window().location();
        let path = location.pathname().unwrap_or_default();
        let search = location.search().unwrap_or_default();
        (path, search.trim_start_matches('?').to_owned())
    };
    let current = RwSignal::new(read());
    let refresh = move || current.set(read());
    let go = Callback::new(move |(url, replace): (String, bool)| {
        let Ok(history) = window().history() else {
            return;
        };
        let moved = if replace {
            history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
        } else {
            history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
        };
        if moved.is_err() {
            // Not this site's address after all: let the browser go there.
            let _ = window().location().set_href(&url);
            return;
        }
        if !replace {
            window().scroll_to_with_x_and_y(0.0, 0.0);
        }
        refresh();
    });
    let _ = use_event_listener(use_window(), leptos::ev::popstate, move |_| refresh());
    // On the document, so a link's own handler has run first (and may have kept the
    // click), and nothing listening on the window sees a click kept here.
    let _ = use_event_listener(use_document(), leptos::ev::click, move |ev| {
        if let Some(url) = kept_in_page(&ev) {
            ev.prevent_default();
            go.run((url, false));
        }
    });
    let address = Address {
        path: Memo::new(move |_| current.with(|(path, _)| path.clone())),
        query: Memo::new(move |_| current.with(|(_, query)| query.clone())),
        go,
    };
    provide_context(address);
    address
}

/// The address of a plain click on a link to a customer page on this site, which
/// the page shows without loading again. Left alone: modified or handled clicks,
/// links for another window or a download, and every other address.
fn kept_in_page(ev: &web_sys::MouseEvent) -> Option<String> {
    if ev.default_prevented()
        || ev.button() != 0
        || ev.meta_key()
        || ev.ctrl_key()
        || ev.shift_key()
        || ev.alt_key()
    {
        return None;
    }
    let link = ev
        .target()?
        .dyn_into::<web_sys::Element>()
        .ok()?
        .closest("a[href]")
        .ok()??
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .ok()?;
    if !link.target().is_empty() || link.has_attribute("download") {
        return None;
    }
    let here = window().location();
    if link.origin() != here.origin().ok()? {
        return None;
    }
    let path = link.pathname();
    customer_route(&path)?;
    Some(format!("{path}{}{}", link.search(), link.hash()))
}

/// Which customer page the address shows, for the slim build's one switch.
pub fn current_page(address: Address) -> Memo<Option<CustomerRoute>> {
    Memo::new(move |_| {
        address
            .path
            .with(|p| customer_route(p).map(|(page, _)| page))
    })
}
