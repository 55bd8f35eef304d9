use super::{
    GuardedPage, LanguageSwitcher, LeadAlerts, LoadFailed, Loading, SignInForm, SignedInAs,
    TaskAlerts, provide_clock,
};
use crate::api::{use_api, use_api_events};
use crate::error::AppError;
use crate::i18n::{Msg, PublicMsg, use_i18n};
use crate::viewer::{CurrentViewer, Viewer, phone_tabs, staff_nav};
use leptos::prelude::*;
use leptos_router::components::{A, Outlet};
use lianjie_core::api::Event;

/// Desktop workbench frame: brand, who is signed in, the navigation their role may
/// use, and the page in an error boundary. Pages render once the viewer (who, in
/// which organization) is known, so each can offer exactly what the role may do.
#[component]
pub fn StaffLayout() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    provide_clock();
    let signed_in = RwSignal::new(api.signed_in());
    let viewer = RwSignal::new(None::<Viewer>);
    let loaded = LocalResource::new(move || {
        let (api, wanted) = (api.clone(), signed_in.get());
        async move {
            if !wanted {
                return Ok(None);
            }
            // At once: on a slow network each is a round trip every page waits for.
            let (me, org, staff) = futures::try_join!(api.me(), api.org(), api.users())?;
            Ok::<_, AppError>(Some(Viewer::new(me, org, staff)))
        }
    });
    // Signing out leaves `viewer` as it was: the sign-in form replaces the page, which
    // is disposed without rerunning against no viewer (its closures would read what
    // its disposal already took). The next sign-in clears it first.
    Effect::new(move || match loaded.get() {
        // Only a real change reaches the pages (a reload that found the same viewer
        // must not re-render them).
        Some(Ok(Some(found))) if viewer.with_untracked(|now| now.as_ref() != Some(&found)) => {
            viewer.set(Some(found));
        }
        // The session ended (expired, revoked, deactivated): sign in again.
        Some(Err(AppError::Unauthorized)) => signed_in.set(false),
        _ => {}
    });
    provide_context(CurrentViewer::new(
        viewer,
        Callback::new(move |()| loaded.refetch()),
    ));
    // A role or department may change while the app is open (an admin elsewhere).
    use_api_events(move |e| {
        if matches!(e, Event::Staff { .. } | Event::Reset) {
            loaded.refetch();
        }
    });
    let known = Memo::new(move |_| signed_in.get() && viewer.with(Option::is_some));
    let signed_out = Callback::new(move |()| signed_in.set(false));
    let signed_in_again = move || {
        viewer.set(None);
        signed_in.set(true);
    };
    let nav = move || {
        viewer.with(|v| {
            staff_nav(v.as_ref().filter(|_| signed_in.get()))
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
                .collect_view()
        })
    };
    let tabs = move || {
        viewer.with(|v| {
            phone_tabs(v.as_ref().filter(|_| signed_in.get()))
                .into_iter()
                .map(|(href, label)| {
                    view! {
                        <li>
                            <A href=href exact=href == "/">
                                <TabIcon href />
                                <span>{move || i18n.t(label)}</span>
                            </A>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <div class="staff">
            <a class="skip-link" href="#main">{move || i18n.t(Msg::SkipToContent)}</a>
            <aside class="staff-side">
                <div class="brand">
                    <span class="brand-mark" aria-hidden="true">"连"</span>
                    <span class="brand-name">{move || i18n.t(PublicMsg::AppName)}</span>
                </div>
                {move || known.get().then(|| view! { <SignedInAs on_signed_out=signed_out /> })}
                <nav class="side-nav" aria-label=move || i18n.t(Msg::MainNavigation)>
                    <ul>{nav}</ul>
                </nav>
                <LanguageSwitcher />
            </aside>
            // On a phone the side bar folds into a top bar and these tabs (CSS shows
            // one navigation or the other, never both).
            <nav class="phone-tabs" aria-label=move || i18n.t(Msg::PhoneTabs)>
                <ul>{tabs}</ul>
            </nav>
            <main id="main" class="staff-main" tabindex="-1">
                <Show
                    when=move || signed_in.get()
                    fallback=move || view! { <SignInForm on_signed_in=signed_in_again /> }
                >
                    <Show
                        when=move || known.get()
                        fallback=move || {
                            view! {
                                <LoadFailed resource=loaded />
                                {move || (!matches!(loaded.get(), Some(Err(_)))).then(Loading)}
                            }
                        }
                    >
                        // Reloading the viewer (staff changed) failed: the page keeps
                        // the one it had, and says so with Retry.
                        <LoadFailed resource=loaded />
                        <LeadAlerts />
                        <TaskAlerts />
                        <GuardedPage><Outlet /></GuardedPage>
                    </Show>
                </Show>
            </main>
        </div>
    }
}

/// A tab's pictogram (24×24, drawn with the text colour); the label beside it names it.
#[component]
fn TabIcon(href: &'static str) -> impl IntoView {
    let path = match href {
        "/" => "M4 11l8-7 8 7v9h-5v-6H9v6H4z",
        "/radar" => {
            "M12 3a9 9 0 1 0 9 9h-2a7 7 0 1 1-7-7zm0 4a5 5 0 1 0 5 5h-2a3 3 0 1 1-3-3zm0 3a2 2 0 1 0 2 2l6-6-1.4-1.4-5.2 5.2A2 2 0 0 0 12 10z"
        }
        "/inbox" => "M4 5h16v11H8l-4 4zm2 2v8.2L7.2 14H18V7z",
        "/customers" => {
            "M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zm7 0a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM9 13c-3.3 0-6 1.7-6 4v2h12v-2c0-2.3-2.7-4-6-4zm7 0c-.6 0-1.2.1-1.7.2A4.7 4.7 0 0 1 17 17v2h4v-2c0-2.2-2.2-4-5-4z"
        }
        "/content" => "M5 3h10l4 4v14H5zm2 2v14h10V8h-3V5zm2 6h6v2H9zm0 4h6v2H9z",
        _ => "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm0 2c-4 0-8 2-8 5v2h16v-2c0-3-4-5-8-5z",
    };
    view! {
        <svg class="tab-icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
            <path d=path fill="currentColor" />
        </svg>
    }
}
