use super::use_query_param;
use crate::api::{use_api, use_api_events};
use crate::components::{ContentEffects, LoadFailed, PageHeader, ShareLink};
use crate::i18n::{I18n, Msg, use_i18n};
use crate::viewer::{Gate, use_viewer};
use leptos::prelude::*;
use lianjie_core::analytics::{ContentStats, Ranking};
use lianjie_core::content::{Content, ContentFilter, ContentKind};
use lianjie_core::format;
use lianjie_core::link;
use lianjie_core::playbook::WhatWorksQuery;
use lianjie_core::scope::Action;
use lianjie_core::share::ShareTarget;
use std::collections::{BTreeSet, HashMap};

/// One `<option>` per content kind, by slug.
pub fn kind_options(
    i18n: I18n,
    selected: impl Fn(ContentKind) -> bool + Copy + Send + Sync + 'static,
) -> impl IntoView {
    ContentKind::ALL.map(|k| {
        view! {
            <option value=k.slug() selected=move || selected(k)>
                {move || i18n.t(kind_label(k))}
            </option>
        }
    })
}

pub fn kind_label(kind: ContentKind) -> Msg {
    match kind {
        ContentKind::Article => Msg::KindArticle,
        ContentKind::Poster => Msg::KindPoster,
        ContentKind::Video => Msg::KindVideo,
        ContentKind::Document => Msg::KindDocument,
    }
}

/// The content reps share with tracked links, newest first, with search, filters and
/// what has worked best for other reps.
#[component]
pub fn ContentLibrary() -> impl IntoView {
    let i18n = use_i18n();
    let viewer = use_viewer();
    // Figures are per rep (manager: team); an agent's would all be zero.
    let ranked = Memo::new(move |_| viewer.opens(Gate::ContentAnalytics));
    let api = use_api();
    let contents = LocalResource::new({
        let api = api.clone();
        move || {
            let api = api.clone();
            async move { api.contents().await }
        }
    });
    // Each item's opens and read time (the caller's links), for those who have them.
    let figures = LocalResource::new(move || {
        let (api, ranked) = (api.clone(), ranked.get());
        async move {
            if !ranked {
                return HashMap::new();
            }
            api.content_ranking(Ranking::MostRead)
                .await
                .map(|list| {
                    list.into_iter()
                        .map(|s| (s.content_id.clone(), s))
                        .collect()
                })
                .unwrap_or_default()
        }
    });
    use_api_events(move |_| {
        contents.refetch();
        figures.refetch();
    });
    let (text, set_text) = use_query_param("q");
    let (kind, set_kind) = use_query_param("kind");
    let (tag, set_tag) = use_query_param("tag");
    let filter = Memo::new(move |_| ContentFilter {
        text: text.get().unwrap_or_default(),
        kind: kind.get().as_deref().and_then(ContentKind::from_slug),
        tag: tag.get().filter(|t| !t.is_empty()),
    });
    let none_if_empty = |v: String| (!v.is_empty()).then_some(v);
    view! {
        <PageHeader title=Msg::NavContent intro=Msg::ContentIntro />
        // Everyone reads the library; writing it and its figures are for sellers and admins.
        {move || viewer.opens(Gate::EditContent).then(|| view! {
            <p><a class="cta" href="/content/new">{move || i18n.t(Msg::NewContent)}</a></p>
        })}
        {move || ranked.get().then(|| view! { <PopularContent /> })}
        {move || viewer.may(Action::ShareLinks).then(|| view! { <ContentThatWorks /> })}
        <Transition>
            {move || Suspend::new(async move {
                contents.await.map(|list| {
                    let tags: BTreeSet<String> = list.iter().flat_map(|c| c.all_tags().cloned()).collect();
                    view! {
                        <form class="filters" role="search" on:submit=|ev| ev.prevent_default()>
                            <label>
                                {move || i18n.t(Msg::SearchContent)}
                                <input
                                    type="search"
                                    prop:value=move || text.get().unwrap_or_default()
                                    on:input=move |ev| set_text.set(none_if_empty(event_target_value(&ev)))
                                />
                            </label>
                            <label>
                                {move || i18n.t(Msg::FilterKind)}
                                <select
                                    on:change=move |ev| set_kind.set(none_if_empty(event_target_value(&ev)))
                                >
                                    <option value="">{move || i18n.t(Msg::AllKinds)}</option>
                                    {kind_options(i18n, move |k| kind.get().as_deref() == Some(k.slug()))}
                                </select>
                            </label>
                            <label>
                                {move || i18n.t(Msg::FilterTag)}
                                <select
                                    on:change=move |ev| set_tag.set(none_if_empty(event_target_value(&ev)))
                                >
                                    <option value="">{move || i18n.t(Msg::AllTags)}</option>
                                    {tags.into_iter().map(|t| {
                                        let (value, chosen) = (t.clone(), t.clone());
                                        view! {
                                            <option value=value selected=move || tag.get() == Some(chosen.clone())>{t}</option>
                                        }
                                    }).collect_view()}
                                </select>
                            </label>
                        </form>
                        {move || {
                            let shown: Vec<Content> = list.iter().filter(|c| filter.read().matches(c)).cloned().collect();
                            if shown.is_empty() {
                                view! { <p class="empty">{move || i18n.t(Msg::NoMatches)}</p> }.into_any()
                            } else {
                                let stats = figures.get().unwrap_or_default();
                                view! {
                                    <ul class="content-grid">
                                        {shown.into_iter().map(|c| {
                                            let stats = stats.get(&c.id).cloned();
                                            view! { <ContentItem c stats i18n /> }
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }
                        }}
                    }
                })
            })}
        </Transition>
    }
}

/// One item as a card: its cover (or one drawn for its kind), what it is, how it
/// has done for the viewer's links, and the ways to share, read and change it.
#[component]
fn ContentItem(c: Content, stats: Option<ContentStats>, i18n: I18n) -> impl IntoView {
    let viewer = use_viewer();
    let analytics_label = named(i18n, Msg::AnalyticsOf, c.title.clone());
    let edit_label = named(i18n, Msg::EditOf, c.title.clone());
    let (analytics_id, edit_id, author) = (c.id.clone(), c.id.clone(), c.author_id.clone());
    view! {
        <li class="content-item content-card">
            {match link::checked(&c.cover_url) {
                Some(src) => view! { <img class="cover" src=src alt="" loading="lazy" /> }.into_any(),
                None => view! { <span class=format!("cover cover-{}", c.kind.slug()) aria-hidden="true"></span> }.into_any(),
            }}
            <h2>{c.title.clone()}</h2>
            {stats.map(|s| {
                let opens = s.opens.to_string();
                view! {
                    <p class="content-figures">
                        <span>{move || i18n.tf(Msg::OpensN, &[("n", &opens)])}</span>
                        <span>{move || i18n.tf(Msg::AvgRead, &[("time", &format::duration(s.avg_visible_ms, i18n.locale()))])}</span>
                    </p>
                }
            })}
            <p class="meta">
                <span class="kind">{move || i18n.t(kind_label(c.kind))}</span>
                {c.tags.into_iter().map(|t| view! { <span class="tag">{t}</span> }).collect_view()}
            </p>
            <p class="intro">{c.summary.clone()}</p>
            <p class="actions">
                {move || viewer.opens(Gate::ContentAnalytics).then(|| view! {
                    <a href=link::path(&["content", &analytics_id]) aria-label=analytics_label.clone()>
                        {move || i18n.t(Msg::AnalyticsAction)}
                    </a>
                })}
                // Changed by its author, a manager over them, or an admin.
                {move || {
                    let edits = viewer.with(|v| v.caller.edits_content(&author)).unwrap_or(false);
                    edits.then(|| view! {
                        <a href=link::path(&["content", &edit_id, "edit"]) aria-label=edit_label.clone()>
                            {move || i18n.t(Msg::EditAction)}
                        </a>
                    })
                }}
            </p>
            <ShareLink target=ShareTarget::Content(c.id) name=c.title summary=c.summary image=c.cover_url />
        </li>
    }
}

/// An accessible name that follows the language: `{title}` filled into `msg`.
fn named(
    i18n: I18n,
    msg: Msg,
    title: String,
) -> impl Fn() -> String + Clone + Send + Sync + 'static {
    move || i18n.tf(msg, &[("title", &title)])
}

fn ranking_label(r: Ranking) -> Msg {
    match r {
        Ranking::MostRead => Msg::RankMostRead,
        Ranking::LongestRead => Msg::RankLongestRead,
        Ranking::MostForwarded => Msg::RankMostForwarded,
    }
}

/// What has worked for other reps: the top items by the chosen figure.
#[component]
fn PopularContent() -> impl IntoView {
    const SHOWN: usize = 5;
    let i18n = use_i18n();
    let api = use_api();
    let by = RwSignal::new(Ranking::MostRead);
    let ranking = LocalResource::new(move || {
        let (api, by) = (api.clone(), by.get());
        async move { api.content_ranking(by).await }
    });
    use_api_events(move |_| ranking.refetch());
    let figure = move |s: &ContentStats| match by.get_untracked() {
        Ranking::MostRead => i18n.tf(Msg::OpensN, &[("n", &s.opens.to_string())]),
        Ranking::LongestRead => format::duration(s.avg_visible_ms, i18n.locale()),
        Ranking::MostForwarded => i18n.tf(Msg::ForwardsN, &[("n", &s.forwards.to_string())]),
    };
    view! {
        <section class="popular" aria-labelledby="popular-h">
            <h2 id="popular-h">{move || i18n.t(Msg::Popular)}</h2>
            <div role="group" aria-label=move || i18n.t(Msg::RankBy) class="segmented">
                {[Ranking::MostRead, Ranking::LongestRead, Ranking::MostForwarded].map(|r| view! {
                    <button
                        type="button"
                        aria-pressed=move || (by.get() == r).to_string()
                        on:click=move |_| by.set(r)
                    >
                        {move || i18n.t(ranking_label(r))}
                    </button>
                }).collect_view()}
            </div>
            <Transition>
                {move || Suspend::new(async move {
                    ranking.await.map(|list| view! {
                        <ol class="ranking">
                            {list.into_iter().take(SHOWN).map(|s| {
                                let shown = figure(&s);
                                view! {
                                    <li>
                                        <a href=link::path(&["content", &s.content_id])>{s.title.clone()}</a>
                                        " · " {shown}
                                    </li>
                                }
                            }).collect_view()}
                        </ol>
                    })
                })}
            </Transition>
        </section>
    }
}

/// What content led to across the organization (readers, leads, deals), for one
/// interest tag or all, the items to start with marked: new reps learn from what
/// already works. The tag is kept in the address.
#[component]
fn ContentThatWorks() -> impl IntoView {
    const SHOWN: usize = 8;
    let i18n = use_i18n();
    let api = use_api();
    let (topic, set_topic) = use_query_param("works");
    let works = LocalResource::new(move || {
        let (api, tag) = (api.clone(), topic.get().filter(|t| !t.is_empty()));
        async move { api.what_works(WhatWorksQuery { tag }).await }
    });
    use_api_events(move |_| works.refetch());
    view! {
        <section class="popular" aria-labelledby="works-h">
            <h2 id="works-h">{move || i18n.t(Msg::ContentThatWorks)}</h2>
            <p class="intro">{move || i18n.t(Msg::ContentThatWorksIntro)}</p>
            <LoadFailed resource=works />
            <Transition>
                {move || Suspend::new(async move {
                    works.await.map(|w| view! {
                        <div class="filters">
                            <label for="works-tag">{move || i18n.t(Msg::InterestTag)}</label>
                            <select id="works-tag" on:change=move |ev| {
                                let t = event_target_value(&ev);
                                set_topic.set((!t.is_empty()).then_some(t));
                            }>
                                <option value="" selected=move || topic.get().is_none()>{move || i18n.t(Msg::AllTags)}</option>
                                {w.tags.into_iter().map(|t| {
                                    let (here, value) = (t.clone(), t.clone());
                                    view! { <option value=value selected=move || topic.get().as_deref() == Some(here.as_str())>{t}</option> }
                                }).collect_view()}
                            </select>
                        </div>
                        <ContentEffects items=w.items.into_iter().take(SHOWN).collect() start_here=w.start_here />
                    })
                })}
            </Transition>
        </section>
    }
}
