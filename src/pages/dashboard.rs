use crate::components::{PageHeader, staff_layout::STAFF_NAV};
use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;
use leptos_router::components::A;

/// The workbench home: where each part of the product is, with what it is for.
#[component]
pub fn Dashboard() -> impl IntoView {
    let i18n = use_i18n();
    let tiles = STAFF_NAV.into_iter().skip(1).map(|(href, label)| {
        let intro = intro_of(label);
        view! {
            <li class="tile">
                <A href=href>
                    <span class="tile-title">{move || i18n.t(label)}</span>
                    <span class="tile-intro">{move || i18n.t(intro)}</span>
                </A>
            </li>
        }
    });
    view! {
        <PageHeader title=Msg::NavDashboard intro=Msg::DashboardIntro />
        <ul class="tiles">{tiles.collect_view()}</ul>
    }
}

fn intro_of(nav: Msg) -> Msg {
    match nav {
        Msg::NavMyCard => Msg::MyCardIntro,
        Msg::NavContent => Msg::ContentIntro,
        Msg::NavRadar => Msg::RadarIntro,
        Msg::NavInbox => Msg::InboxIntro,
        Msg::NavSettings => Msg::SettingsIntro,
        _ => Msg::DashboardIntro,
    }
}
