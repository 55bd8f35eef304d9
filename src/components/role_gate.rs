use crate::components::use_page_title;
use crate::i18n::{Msg, PublicMsg, use_i18n};
use crate::viewer::{Gate, use_viewer};
use leptos::prelude::*;
use leptos_router::components::A;

/// A page only some roles may open: the page for them, and for anyone else a plain
/// "your role can't open this page" with the way home — never a blank page or a raw
/// error. Follows the viewer: a role changed meanwhile shows or hides the page. Only
/// that change rebuilds the page (not every reload of the viewer), so nothing typed
/// is lost.
#[component]
pub fn RoleGate(gate: Gate, children: ChildrenFn) -> impl IntoView {
    let viewer = use_viewer();
    // Unknown (a page mounted outside the staff layout): let the backend decide.
    let open = Memo::new(move |_| viewer.with(|v| v.opens(gate)).unwrap_or(true));
    view! {
        <Show when=move || open.get() fallback=ForbiddenView>
            {children()}
        </Show>
    }
}

/// Says which role the viewer has and that it cannot open this page.
#[component]
pub fn ForbiddenView() -> impl IntoView {
    let i18n = use_i18n();
    let viewer = use_viewer();
    use_page_title(Msg::ForbiddenTitle);
    let role = move || {
        viewer
            .with(|v| i18n.role(v.me.role))
            .unwrap_or_default()
            .to_owned()
    };
    view! {
        <section class="panel">
            <h1>{move || i18n.t(Msg::ForbiddenTitle)}</h1>
            <p>{move || i18n.tf(Msg::ForbiddenPage, &[("role", &role())])}</p>
            <A href="/">{move || i18n.t(PublicMsg::BackToDashboard)}</A>
        </section>
    }
}
