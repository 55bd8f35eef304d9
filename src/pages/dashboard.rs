use crate::api::{use_api, use_api_events};
use crate::components::{PageHeader, StatList, StatValue};
use crate::error::AppError;
use crate::i18n::{Msg, use_i18n};
use crate::viewer::{Gate, staff_nav, use_viewer};
use leptos::prelude::*;
use leptos_router::components::A;
use lianjie_core::api::ConversationQuery;

/// The workbench home: today's figures, and where each part of the product is.
#[component]
pub fn Dashboard() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let viewer = use_viewer();
    let sees_radar = Memo::new(move |_| viewer.opens(Gate::Radar));
    let stats = LocalResource::new(move || {
        let (api, sees_radar) = (api.clone(), sees_radar.get());
        async move {
            let mut figures = vec![
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
            ];
            // Views are the rep's (manager: team's) to see; an agent has none.
            if sees_radar {
                figures.push((Msg::StatViews, api.radar().await?.len()));
            }
            Ok::<_, AppError>(figures)
        }
    });
    use_api_events(move |_| stats.refetch());

    let tiles = move || {
        viewer.with(|v| {
            staff_nav(Some(v))
                .into_iter()
                .skip(1)
                .map(|(href, label)| {
                    let intro = intro_of(label);
                    view! {
                        <li class="tile">
                            <A href=href>
                                <span class="tile-title">{move || i18n.t(label)}</span>
                                <span class="tile-intro">{move || i18n.t(intro)}</span>
                            </A>
                        </li>
                    }
                })
                .collect_view()
        })
    };
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
        <ul class="tiles">{tiles}</ul>
    }
}

fn intro_of(nav: Msg) -> Msg {
    match nav {
        Msg::NavMyCard => Msg::MyCardIntro,
        Msg::NavContent => Msg::ContentIntro,
        Msg::NavRadar => Msg::RadarIntro,
        Msg::NavInbox => Msg::InboxIntro,
        Msg::NavSettings => Msg::SettingsIntro,
        Msg::NavTeam => Msg::TeamIntro,
        _ => Msg::DashboardIntro,
    }
}
