//! The app shell kept on the device by a service worker (`sw.js`): after a first
//! visit the workbench opens without downloading itself again, and without a
//! network. API answers are never kept (see the worker).

use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::ServiceWorkerContainer;

/// The browser's service workers, where it runs them (a secure context: https, or this
/// machine).
fn service_workers() -> Option<ServiceWorkerContainer> {
    let window = web_sys::window()?;
    let navigator = window.navigator();
    // Some in-app browsers have no `navigator.serviceWorker` at all.
    let supported =
        js_sys::Reflect::has(&navigator, &JsValue::from_str("serviceWorker")).unwrap_or(false);
    (window.is_secure_context() && supported).then(|| navigator.service_worker())
}

/// Registers `/sw.js` where the browser runs service workers. Where it cannot, or
/// refuses, the app works as before, from the network.
pub fn keep_app_shell() {
    let Some(workers) = service_workers() else {
        return;
    };
    let registering = workers.register("/sw.js");
    wasm_bindgen_futures::spawn_local(async move {
        // A refusal (no worker served, private mode) changes nothing.
        let _ = JsFuture::from(registering).await;
    });
}

/// Asks the service worker, once per run, to keep the pages' split-off modules (see
/// `crate::split`), after the first page's own have arrived: they then never compete
/// with it for a slow network, and every page opens offline after one visit.
pub fn keep_later_pages() {
    thread_local!(static ASKED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });
    if ASKED.with(|asked| asked.replace(true)) {
        return;
    }
    let Some(Ok(ready)) = service_workers().map(|workers| workers.ready()) else {
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        let Ok(registration) = JsFuture::from(ready).await else {
            return;
        };
        let registration = web_sys::ServiceWorkerRegistration::from(registration);
        if let Some(worker) = registration.active() {
            // A worker of an older build that does not know the message ignores it.
            let _ = worker.post_message(&JsValue::from_str("keep-modules"));
        }
    });
}
