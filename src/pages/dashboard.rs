use crate::api::{use_api, use_api_events};
use crate::components::{PageHeader, StatList, StatValue, staff_layout::STAFF_NAV};
use crate::error::AppError;
use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;
use leptos_router::components::A;
use lianjie_core::api::ConversationQuery;

/// The workbench home: today's figures, and where each part of the product is.
#[component]
pub fn Dashboard() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let stats = LocalResource::new(move || {
        let api = api.clone();
        async move {
            Ok::<_, AppError>([
                (Msg::StatContacts, api.contacts().await?.len()),
                (Msg::StatContent, api.contents().await?.len()),
                (
                    Msg::StatOpenConversations,
                    api.conversations(ConversationQuery {
                        limit: Some(1),
                        ..Default::default()
                    })
                    .await?
                    .page
                    .total,
                ),
                (Msg::StatViews, api.radar().await?.len()),
            ])
        }
    });
    use_api_events(move |_| stats.refetch());

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
        <section aria-label=move || i18n.t(Msg::Summary)>
            <Transition>
                {move || Suspend::new(async move {
                    stats.await.map(|list| {
                        let figures: Vec<(Msg, StatValue)> = list
                            .into_iter()
                            .map(|(label, n)| (label, Box::new(move || n.to_string()) as StatValue))
                            .collect();
                        view! { <StatList figures /> }
                    })
                })}
            </Transition>
        </section>
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
