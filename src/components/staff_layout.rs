use super::{
    GuardedOutlet, LanguageSwitcher, LeadAlerts, LoadFailed, Loading, SignInForm, SignedInAs,
};
use crate::api::{use_api, use_api_events};
use crate::error::AppError;
use crate::i18n::{Msg, use_i18n};
use crate::viewer::{CurrentViewer, Viewer, staff_nav};
use leptos::prelude::*;
use leptos_router::components::A;
use lianjie_core::api::Event;

/// Desktop workbench frame: brand, who is signed in, the navigation their role may
/// use, and the page in an error boundary. Pages render once the viewer (who, in
/// which organization) is known, so each can offer exactly what the role may do.
#[component]
pub fn StaffLayout() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let signed_in = RwSignal::new(api.signed_in());
    let viewer = RwSignal::new(None::<Viewer>);
    let loaded = LocalResource::new(move || {
        let (api, wanted) = (api.clone(), signed_in.get());
        async move {
            if !wanted {
                return Ok(None);
            }
            let me = api.me().await?;
            let org = api.org().await?;
            let staff = api.users().await?;
            Ok::<_, AppError>(Some(Viewer::new(me, org, staff)))
        }
    });
    Effect::new(move || match loaded.get() {
        // Only a real change reaches the pages (a reload that found the same viewer
        // must not re-render them).
        Some(Ok(found)) if viewer.with_untracked(|now| *now != found) => viewer.set(found),
        // The session ended (expired, revoked, deactivated): sign in again.
        Some(Err(AppError::Unauthorized)) => {
            viewer.set(None);
            signed_in.set(false);
        }
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
    let known = Memo::new(move |_| viewer.with(Option::is_some));
    let signed_out = Callback::new(move |()| {
        viewer.set(None);
        signed_in.set(false);
    });
    let nav = move || {
        viewer.with(|v| {
            staff_nav(v.as_ref())
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
    view! {
        <div class="staff">
            <a class="skip-link" href="#main">{move || i18n.t(Msg::SkipToContent)}</a>
            <aside class="staff-side">
                <div class="brand">
                    <span class="brand-mark" aria-hidden="true">"连"</span>
                    <span class="brand-name">{move || i18n.t(Msg::AppName)}</span>
                </div>
                {move || known.get().then(|| view! { <SignedInAs on_signed_out=signed_out /> })}
                <nav aria-label=move || i18n.t(Msg::MainNavigation)>
                    <ul>{nav}</ul>
                </nav>
                <LanguageSwitcher />
            </aside>
            <main id="main" class="staff-main" tabindex="-1">
                <Show
                    when=move || signed_in.get()
                    fallback=move || view! { <SignInForm on_signed_in=move || signed_in.set(true) /> }
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
                        <LeadAlerts />
                        <GuardedOutlet />
                    </Show>
                </Show>
            </main>
        </div>
    }
}
