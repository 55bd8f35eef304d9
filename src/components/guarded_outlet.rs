use super::{ErrorView, Loading};
use leptos::prelude::*;
use leptos_router::components::Outlet;

/// The routed page, with a loading state while its data arrives and an error view
/// (with retry) if it fails, so one broken page never blanks the whole app.
#[component]
pub fn GuardedOutlet() -> impl IntoView {
    view! {
        <ErrorBoundary fallback=|errors| view! { <ErrorView errors /> }>
            <Suspense fallback=Loading>
                <Outlet />
            </Suspense>
        </ErrorBoundary>
    }
}
