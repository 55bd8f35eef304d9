use crate::api::{use_api, use_api_events};
use crate::components::{
    Avatar, ContentEffects, IntentBar, LoadFailed, PageHeader, Sparkline, TaskList, TimeAgo,
    use_tasks,
};
use crate::i18n::{I18n, Msg, use_i18n};
use crate::viewer::{Gate, staff_nav, use_viewer};
use chrono::Utc;
use leptos::prelude::*;
use leptos_router::components::A;
use lianjie_core::api::{Event, RadarItem, Today, WeekFigures};
use lianjie_core::crm::TaskFilter;
use lianjie_core::format;
use lianjie_core::link;
use lianjie_core::playbook::{WhatWorksQuery, is_new_rep};
use lianjie_core::share::ShareTarget;

/// The workbench home as "today": who is reading right now, what waits for an
/// answer, and this week's reach against last week's, then the way to each part of
/// the product.
#[component]
pub fn Dashboard() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let viewer = use_viewer();
    let sees_radar = Memo::new(move |_| viewer.opens(Gate::Radar));
    let today = LocalResource::new(move || {
        let api = api.clone();
        async move { api.today().await }
    });
    use_api_events(move |_| today.refetch());

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
        <Transition fallback=|| view! { <div class="stats"><span class="skeleton stat-skeleton"></span><span class="skeleton stat-skeleton"></span><span class="skeleton stat-skeleton"></span></div> }>
            {move || Suspend::new(async move {
                today.await.map(|t| {
                    let radar = sees_radar.get_untracked();
                    view! {
                        <section aria-label=move || i18n.t(Msg::Summary)>
                            <Figures today=t.clone() radar />
                        </section>
                        {radar.then(|| view! { <ReadingNow items=t.reading_now.clone() /> })}
                    }
                })
            })}
        </Transition>
        <DueBackNotice />
        <TodaysTasks />
        {move || {
            let new = viewer.with(|v| is_new_rep(v.me.joined_at, Utc::now()) && v.me.role.sells());
            new.unwrap_or(false).then(|| view! { <StartHere /> })
        }}
        <ul class="tiles">{tiles}</ul>
    }
}

/// "+12% vs last week", or "new" when last week had none.
fn versus(i18n: I18n, now: usize, before: usize) -> String {
    if before == 0 {
        return if now == 0 {
            i18n.t(Msg::SameAsLastWeek).to_owned()
        } else {
            i18n.t(Msg::NewThisWeek).to_owned()
        };
    }
    let change = (now as f64 - before as f64) / before as f64 * 100.0;
    let pct = format!("{}{:.0}%", if change >= 0.0 { "+" } else { "" }, change);
    i18n.tf(Msg::VersusLastWeek, &[("change", &pct)])
}

/// This week's figures against last week's, each with its two-week trend line.
#[component]
fn Figures(today: Today, radar: bool) -> impl IntoView {
    let i18n = use_i18n();
    let Today {
        this_week: now,
        last_week: before,
        days,
        unread_conversations,
        ..
    } = today;
    let figure = move |label: Msg, pick: fn(&WeekFigures) -> usize| {
        let (value, prior) = (pick(&now), pick(&before));
        let series: Vec<usize> = days.iter().map(|d| pick(&d.figures)).collect();
        let list = series
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        view! {
            <div class="stat stat-trend">
                <dt>{move || i18n.t(label)}</dt>
                <dd>{value}</dd>
                <dd class="stat-delta" class:down=value < prior>{move || versus(i18n, value, prior)}</dd>
                <dd class="stat-chart">
                    {move || view! {
                        <Sparkline values=series.clone()
                            label=format!("{}: {}", i18n.t(label), i18n.tf(Msg::LastTwoWeeks, &[("list", &list)])) />
                    }}
                </dd>
            </div>
        }
    };
    view! {
        <dl class="stats today-figures">
            {radar.then(|| view! {
                {figure(Msg::ViewsThisWeek, |w| w.views)}
                {figure(Msg::ReadersThisWeek, |w| w.readers)}
                {figure(Msg::LeadsThisWeek, |w| w.leads)}
            })}
            <div class="stat">
                <dt>{move || i18n.t(Msg::UnreadConversations)}</dt>
                <dd>{unread_conversations}</dd>
                <dd class="stat-delta"><A href="/inbox">{move || i18n.t(Msg::AnswerThem)}</A></dd>
            </div>
        </dl>
    }
}

/// Readings of the last half hour, the warmest leads marked: who to call now.
#[component]
fn ReadingNow(items: Vec<RadarItem>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="panel reading-now" aria-labelledby="reading-now-h">
            <h2 id="reading-now-h">{move || i18n.t(Msg::ReadingNow)}</h2>
            {if items.is_empty() {
                view! {
                    <div class="empty">
                        <p>{move || i18n.t(Msg::NobodyReading)}</p>
                        <A href="/content">{move || i18n.t(Msg::ShareSomething)}</A>
                    </div>
                }.into_any()
            } else {
                view! {
                    <ul class="now-list">
                        {items.into_iter().map(|item| {
                            let name = item.reader.clone().unwrap_or_else(|| i18n.t(Msg::Anonymous).to_owned());
                            let what = match &item.target {
                                ShareTarget::Card(_) => i18n.tf(Msg::CardOf, &[("name", &item.title)]),
                                ShareTarget::Content(_) => format!("《{}》", item.title),
                            };
                            let who = match item.contact_id.clone() {
                                Some(id) => view! { <a href=link::path(&["contacts", &id])><strong>{name.clone()}</strong></a> }.into_any(),
                                None => view! { <strong>{name.clone()}</strong> }.into_any(),
                            };
                            view! {
                                <li>
                                    <Avatar name=name.clone() />
                                    <div>
                                        <p>{who} " · " {what}</p>
                                        <p class="now-meta">
                                            <TimeAgo at=item.at />
                                            " · " {move || i18n.t(Msg::ReadTime)} " " {move || format::duration(item.visible_ms, i18n.locale())}
                                        </p>
                                    </div>
                                    {item.contact_id.is_some().then(|| view! { <IntentBar intent=item.intent /> })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <A href="/radar">{move || i18n.t(Msg::OpenRadar)}</A>
                }.into_any()
            }}
        </section>
    }
}

fn intro_of(nav: Msg) -> Msg {
    match nav {
        Msg::NavMyCard => Msg::MyCardIntro,
        Msg::NavContent => Msg::ContentIntro,
        Msg::NavRadar => Msg::RadarIntro,
        Msg::NavCustomers => Msg::CustomersIntro,
        Msg::NavTasks => Msg::TasksIntro,
        Msg::NavPipeline => Msg::PipelineIntro,
        Msg::NavPool => Msg::PoolIntro,
        Msg::NavLeaderboard => Msg::LeaderboardIntro,
        Msg::NavTeamBoard => Msg::TeamBoardIntro,
        Msg::NavInbox => Msg::InboxIntro,
        Msg::NavSettings => Msg::SettingsIntro,
        Msg::NavTeam => Msg::TeamIntro,
        _ => Msg::DashboardIntro,
    }
}

/// Today's tasks (overdue ones included), ticked off here; the rest on `/tasks`.
#[component]
fn TodaysTasks() -> impl IntoView {
    let i18n = use_i18n();
    let tasks = use_tasks(Signal::stored(TaskFilter::Today));
    view! {
        <section class="panel todays-tasks" aria-labelledby="todays-tasks-h">
            <h2 id="todays-tasks-h">{move || i18n.t(Msg::TodaysTasks)}</h2>
            <TaskList tasks />
            <p><A href="/tasks">{move || i18n.t(Msg::AllTasks)}</A></p>
        </section>
    }
}

/// How many of the caller's customers (a manager: their team's) go back to the
/// public pool soon, linking to the list; nothing when none do.
#[component]
fn DueBackNotice() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let viewer = use_viewer();
    let due = LocalResource::new(move || {
        let api = api.clone();
        async move { api.due_back().await }
    });
    use_api_events(move |e| {
        if matches!(
            e,
            Event::Contact { .. } | Event::Customers { .. } | Event::Reset
        ) {
            due.refetch();
        }
    });
    // `try_get`: signing out from the dashboard can ask once more after disposal.
    let count = move || {
        due.try_get()
            .flatten()
            .and_then(|r| r.ok())
            .map_or(0, |list| list.len())
    };
    move || {
        let n = count();
        (n > 0 && viewer.opens(Gate::Pool)).then(|| {
            let text = i18n.tf(Msg::PoolDueAlert, &[("n", &n.to_string())]);
            view! {
                <p class="notice" role="status"><A href="/pool">{text}</A></p>
            }
        })
    }
}

/// A new rep's first weeks: the content that has led to leads and deals for the
/// rest of the team, to send first.
#[component]
fn StartHere() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let works = LocalResource::new(move || {
        let api = api.clone();
        async move { api.what_works(WhatWorksQuery::default()).await }
    });
    view! {
        <section class="panel" aria-labelledby="start-here-h">
            <h2 id="start-here-h">{move || i18n.t(Msg::StartHereTitle)}</h2>
            <p class="intro">{move || i18n.t(Msg::StartHereIntro)}</p>
            <LoadFailed resource=works />
            <Transition>
                {move || Suspend::new(async move {
                    works.await.map(|w| {
                        let first: Vec<_> = w.items.into_iter().filter(|e| w.start_here.contains(&e.content_id)).collect();
                        view! { <ContentEffects items=first start_here=Vec::new() /> }
                    })
                })}
            </Transition>
            <p><A href="/content">{move || i18n.t(Msg::OpenLibrary)}</A></p>
        </section>
    }
}
