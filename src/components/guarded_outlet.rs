use super::{ErrorView, Loading};
use leptos::prelude::*;
use leptos_router::components::Outlet;

/// The routed page, with a loading state while its data first arrives and an error
/// view (with retry) if it fails, so one broken page never blanks the whole app. A
/// transition, not a suspense: data refreshed later (a new message, a live view)
/// must never swap the page for the loading state, or what is being typed is lost.
#[component]
pub fn GuardedOutlet() -> impl IntoView {
    view! {
        <ErrorBoundary fallback=|errors| view! { <ErrorView errors /> }>
            <Transition fallback=Loading>
                <Outlet />
            </Transition>
        </ErrorBoundary>
    }
}
