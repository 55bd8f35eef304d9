use super::{GuardedOutlet, LanguageSwitcher, LeadAlerts, SignInForm};
use crate::api::use_api;
use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;
use leptos_router::components::A;

/// The staff entries of the side navigation, in order.
pub const STAFF_NAV: [(&str, Msg); 6] = [
    ("/", Msg::NavDashboard),
    ("/card", Msg::NavMyCard),
    ("/content", Msg::NavContent),
    ("/radar", Msg::NavRadar),
    ("/inbox", Msg::NavInbox),
    ("/settings", Msg::NavSettings),
];

/// Desktop workbench frame: brand, side navigation, and the page in an error boundary.
#[component]
pub fn StaffLayout() -> impl IntoView {
    let i18n = use_i18n();
    let signed_in = RwSignal::new(use_api().signed_in());
    view! {
        <div class="staff">
            <a class="skip-link" href="#main">{move || i18n.t(Msg::SkipToContent)}</a>
            <aside class="staff-side">
                <div class="brand">
                    <span class="brand-mark" aria-hidden="true">"连"</span>
                    <span class="brand-name">{move || i18n.t(Msg::AppName)}</span>
                </div>
                <nav aria-label=move || i18n.t(Msg::MainNavigation)>
                    <ul>
                        {STAFF_NAV
                            .into_iter()
                            .map(|(href, label)| {
                                view! {
                                    <li>
                                        <A href=href exact=true>
                                            {move || i18n.t(label)}
                                        </A>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </nav>
                <LanguageSwitcher />
            </aside>
            <main id="main" class="staff-main" tabindex="-1">
                <Show
                    when=move || signed_in.get()
                    fallback=move || view! { <SignInForm on_signed_in=move || signed_in.set(true) /> }
                >
                    <LeadAlerts />
                    <GuardedOutlet />
                </Show>
            </main>
        </div>
    }
}
