use super::{ErrorView, Loading};
use leptos::prelude::*;

/// The page, with a loading state while its data first arrives and an error
/// view (with retry) if it fails, so one broken page never blanks the whole app. A
/// transition, not a suspense: data refreshed later (a new message, a live view)
/// must never swap the page for the loading state, or what is being typed is lost.
#[component]
pub fn GuardedPage(children: ChildrenFn) -> impl IntoView {
    // Retry builds the page anew: its resources are made again and fetch again (a
    // page kept as it was would only show its stored error once more).
    let attempt = RwSignal::new(0u32);
    let retry = Callback::new(move |()| attempt.update(|n| *n += 1));
    view! {
        <ErrorBoundary fallback=move |errors| view! { <ErrorView errors retry /> }>
            <Transition fallback=Loading>
                {move || {
                    attempt.track();
                    children()
                }}
            </Transition>
        </ErrorBoundary>
    }
}
