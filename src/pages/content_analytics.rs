use super::use_public_id;
use crate::api::{use_api, use_api_events};
use crate::components::{DayBars, PageHeader, StatList, StatValue};
use crate::i18n::{I18n, Msg, use_i18n};
use leptos::prelude::*;
use lianjie_core::analytics::{ContentAnalytics, ForwardNode, SectionHeat};
use lianjie_core::api::Event;
use lianjie_core::format;

/// How one content item did: its figures and which sections held attention. Updates
/// live as readers read.
#[component]
pub fn ContentAnalyticsPage() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let id = use_public_id("id");
    let analytics = LocalResource::new(move || {
        let (api, id) = (api.clone(), id.get());
        async move { api.content_analytics(id?).await }
    });
    use_api_events(move |e| {
        if matches!(e, Event::Radar { .. } | Event::Reset) {
            analytics.refetch();
        }
    });
    view! {
        <PageHeader title=Msg::AnalyticsTitle intro=Msg::SectionHeatIntro />
        <p><a href="/content">{move || i18n.t(Msg::BackToLibrary)}</a></p>
        <Transition>
            {move || Suspend::new(async move {
                analytics.await.map(|a| view! { <Figures a i18n /> })
            })}
        </Transition>
    }
}

#[component]
fn Figures(a: ContentAnalytics, i18n: I18n) -> impl IntoView {
    let s = a.stats;
    let time = move |ms: u64| move || format::duration(ms, i18n.locale());
    let figures: Vec<(Msg, StatValue)> = vec![
        (Msg::StatOpens, Box::new(move || s.opens.to_string())),
        (
            Msg::StatUniqueReaders,
            Box::new(move || s.unique_readers.to_string()),
        ),
        (Msg::StatAvgRead, Box::new(time(s.avg_visible_ms))),
        (Msg::StatMedianRead, Box::new(time(s.median_visible_ms))),
        (
            Msg::StatCompletion,
            Box::new(move || format!("{}%", s.completion_pct)),
        ),
        (Msg::StatForwards, Box::new(move || s.forwards.to_string())),
    ];
    let hottest = a.sections.iter().map(|h| h.dwell_ms).max().unwrap_or(0);
    let tree = a.forward_tree;
    // Only the most read links are sent when there are many.
    let more = (a.forward_roots as usize > tree.len()).then(|| {
        let (n, total) = (tree.len().to_string(), a.forward_roots.to_string());
        move || i18n.tf(Msg::ForwardTreeTop, &[("n", &n), ("total", &total)])
    });
    view! {
        <h2>{s.title.clone()}</h2>
        <section aria-label=move || i18n.t(Msg::Summary)>
            <StatList figures />
        </section>
        <DayBars days=a.views_by_day />
        <section aria-labelledby="heat-h">
            <h2 id="heat-h">{move || i18n.t(Msg::SectionHeat)}</h2>
            {if s.opens == 0 {
                view! { <p class="empty">{move || i18n.t(Msg::NotReadYet)}</p> }.into_any()
            } else {
                view! {
                    <ol class="heat">
                        {a.sections.into_iter().map(|h| view! { <HeatRow h hottest i18n /> }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
        {(!tree.is_empty()).then(|| view! {
            <section aria-labelledby="tree-h">
                <h2 id="tree-h">{move || i18n.t(Msg::ForwardTree)}</h2>
                {more.map(|text| view! { <p class="intro">{text}</p> })}
                {forward_list(tree, true, i18n)}
            </section>
        })}
    }
}

/// Nested lists, one level per forward: the rep's links, their readers, and whom
/// each reader passed it on to.
fn forward_list(nodes: Vec<ForwardNode>, root: bool, i18n: I18n) -> AnyView {
    view! {
        <ul class="forward-tree">
            {nodes.into_iter().map(|n| {
                let who = n.reader.clone();
                let label = move || match (&who, root) {
                    (Some(name), true) => i18n.tf(Msg::LinkFor, &[("name", name)]),
                    (None, true) => i18n.t(Msg::OpenLink).to_owned(),
                    (Some(name), false) => name.clone(),
                    (None, false) => i18n.t(Msg::Anonymous).to_owned(),
                };
                let (views, ms) = (n.views.to_string(), n.visible_ms);
                let figures = move || i18n.tf(
                    Msg::NodeViews,
                    &[("n", &views), ("time", &format::duration(ms, i18n.locale()))],
                );
                let show_figures = !root || n.views > 0;
                view! {
                    <li>
                        <span class="node-who">{label}</span>
                        {show_figures.then(|| view! { " · " <span class="heat-figure">{figures}</span> })}
                        {(!n.children.is_empty()).then(|| forward_list(n.children, false, i18n))}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn HeatRow(h: SectionHeat, hottest: u64, i18n: I18n) -> impl IntoView {
    let label = h.label.clone();
    let views = h.views.to_string();
    view! {
        <li>
            <span class="heat-label">{h.label}</span>
            <meter min="0" max=hottest.max(1) value=h.dwell_ms aria-label=label></meter>
            <span class="heat-figure">
                {move || format::duration(h.dwell_ms, i18n.locale())} " · "
                {move || i18n.tf(Msg::SectionViewsN, &[("n", &views)])}
            </span>
        </li>
    }
}
