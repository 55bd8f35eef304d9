use crate::api::{use_api, use_api_events};
use crate::components::PageHeader;
use crate::i18n::{I18n, Msg, use_i18n};
use leptos::prelude::*;
use lianjie_core::api::{Event, RadarItem};
use lianjie_core::format;

/// The live feed of what readers do (线索雷达).
#[component]
pub fn LeadRadar() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let feed = LocalResource::new(move || {
        let api = api.clone();
        async move { api.radar().await }
    });
    use_api_events(move |e| {
        if matches!(e, Event::Radar { .. } | Event::Reset) {
            feed.refetch();
        }
    });
    view! {
        <PageHeader title=Msg::NavRadar intro=Msg::RadarIntro />
        <Transition>
            {move || Suspend::new(async move {
                feed.await.map(|items| {
                    if items.is_empty() {
                        view! { <p class="empty">{move || i18n.t(Msg::RadarEmpty)}</p> }.into_any()
                    } else {
                        view! {
                            <ol class="radar" aria-live="polite">
                                {items.into_iter().map(|item| view! { <RadarLine item i18n /> }).collect_view()}
                            </ol>
                        }.into_any()
                    }
                })
            })}
        </Transition>
    }
}

#[component]
fn RadarLine(item: RadarItem, i18n: I18n) -> impl IntoView {
    let reader = item.reader.clone();
    let forwarded_by = item.forwarded_by.clone();
    let visit = item.visit.to_string();
    let top = item.top_section.clone();
    view! {
        <li class="radar-line">
            <p class="radar-who">
                <strong>{move || reader.clone().unwrap_or_else(|| i18n.t(Msg::Anonymous).to_owned())}</strong>
                {forwarded_by.map(|f| view! { <span class="via">{move || i18n.t(Msg::ViaForward)} " " {f.clone()}</span> })}
                " · 《" {item.title.clone()} "》 · "
                {move || i18n.tf(Msg::VisitNth, &[("n", &visit)])}
            </p>
            <p class="radar-figures">
                {move || i18n.t(Msg::ReadTime)} " " {move || format::duration(item.visible_ms, i18n.locale())}
                " · " {move || i18n.t(Msg::Scrolled)} " " {item.max_scroll_pct} "%"
                {top.map(|t| view! { " · " {move || i18n.t(Msg::LongestOn)} " " {t.clone()} })}
            </p>
        </li>
    }
}
