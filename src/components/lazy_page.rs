use crate::components::{Loading, RetryAlert};
use crate::error::AppError;
use crate::split::SplitLoaderError;
use leptos::prelude::*;
use std::future::Future;

fn reload() {
    if let Some(window) = web_sys::window() {
        // Nothing more to do if the browser refuses.
        let _ = window.location().reload();
    }
}

/// A page, or a part of one, whose code arrives when it is first shown (see
/// `crate::split`): "Loading" meanwhile, and Retry when it could not be fetched.
/// The first Retry fetches the part again in place (a connection that dropped, as
/// on a phone between cells), keeping everything else on screen. Should that fail
/// too, the next Retry loads the app again: a tab opened before a new version
/// replaced the build's files finds the part only under the new page's names.
#[component]
pub fn LazyPage<F, Fut>(load: F) -> impl IntoView
where
    F: Fn() -> Fut + Copy + 'static,
    Fut: Future<Output = Result<ViewFn, SplitLoaderError>> + 'static,
{
    // A signal, not a resource: the page's transition waits for the resources read
    // in it, and would go on waiting for this one after the rep moved on to another
    // page (the next page "Loading" until this module arrived). The load shows its
    // own Loading instead.
    let page = RwSignal::new_local(None);
    // Whether a Retry has asked for the part again (the load reruns when it does).
    let asked_again = RwSignal::new(false);
    Effect::new(move || {
        asked_again.track();
        leptos::task::spawn_local(async move {
            let loaded = load().await;
            // Gone if the rep moved on meanwhile: nothing to show it in.
            let _ = page.try_set(Some(loaded));
        });
    });
    let retry = move |()| {
        if asked_again.get_untracked() {
            reload();
        } else {
            page.set(None);
            asked_again.set(true);
        }
    };
    Effect::new(move || {
        if matches!(page.get(), Some(Ok(_))) {
            crate::offline::keep_later_pages();
        }
    });
    move || match page.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Ok(page)) => page.run(),
        Some(Err(missing)) => view! {
            <RetryAlert error=AppError::from(missing) retry=Callback::new(retry) />
        }
        .into_any(),
    }
}
