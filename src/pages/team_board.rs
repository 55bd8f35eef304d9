//! The team board (`/team`, `?department=`): each seller's open deals, overdue
//! tasks, hot leads waiting for a follow-up and customers going back to the pool,
//! with the lists behind the figures. A manager sees their department and below; a
//! rep sees their own.

use super::use_query_param;
use crate::api::{use_api, use_api_events};
use crate::components::{
    DepartmentSelect, DueBadges, LoadFailed, PageHeader, TableScroll, TimeAgo,
};
use crate::i18n::{I18n, Msg, use_i18n};
use crate::viewer::use_viewer;
use leptos::prelude::*;
use leptos_router::components::A;
use lianjie_core::api::Event;
use lianjie_core::deals::format_yuan;
use lianjie_core::oversight::{GoingBack, OverdueTask, RepLoad, TeamBoard, TeamQuery, WaitingLead};

#[component]
pub fn TeamBoardPage() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let viewer = use_viewer();
    let (department, set_department) = use_query_param("department");
    let query = Memo::new(move |_| TeamQuery {
        department: department.get().filter(|d| !d.is_empty()),
    });
    let board = LocalResource::new(move || {
        let (api, query) = (api.clone(), query.get());
        async move { api.team_board(query).await }
    });
    use_api_events(move |e| {
        if !matches!(e, Event::Message { .. } | Event::Conversation { .. }) {
            board.refetch();
        }
    });
    let covers_others = move || viewer.with(|v| v.covers_others()).unwrap_or(false);
    view! {
        <PageHeader title=Msg::NavTeamBoard intro=Msg::TeamBoardIntro />
        <div class="filters">
            <Show when=covers_others>
                <DepartmentSelect id="tb-department" value=department
                    set=move |d| set_department.set(d) />
            </Show>
            <A href="/radar">{move || i18n.t(Msg::TbTeamRadar)}</A>
            <A href="/pipeline">{move || i18n.t(Msg::TbTeamPipeline)}</A>
        </div>
        <LoadFailed resource=board />
        <Transition>
            {move || Suspend::new(async move {
                board.await.map(|b| view! { <Board board=b i18n /> })
            })}
        </Transition>
    }
}

#[component]
fn Board(board: TeamBoard, i18n: I18n) -> impl IntoView {
    let viewer = use_viewer();
    let names = move |id: &str| {
        viewer
            .with_untracked(|v| v.staff_name(id))
            .flatten()
            .unwrap_or_else(|| id.to_owned())
    };
    let TeamBoard {
        reps,
        waiting,
        overdue,
        going_back,
    } = board;
    view! {
        <TableScroll label=Msg::TbTable class="team-table">
            <table class="leaderboard team-load">
                <caption class="visually-hidden">{move || i18n.t(Msg::TbTable)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{move || i18n.t(Msg::LbSeller)}</th>
                        <th scope="col">{move || i18n.t(Msg::TbOpenDeals)}</th>
                        <th scope="col">{move || i18n.t(Msg::TbWeighted)}</th>
                        <th scope="col">{move || i18n.t(Msg::TasksOverdue)}</th>
                        <th scope="col">{move || i18n.t(Msg::TbHotWaiting)}</th>
                        <th scope="col">{move || i18n.t(Msg::TbGoingBack)}</th>
                    </tr>
                </thead>
                <tbody>
                    {reps.into_iter().map(|r| view! { <LoadRow row=r i18n /> }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
        <div class="team-lists">
            <ListPanel id="tb-waiting" title=Msg::TbWaitingTitle empty=Msg::TbWaitingNone i18n
                rows=waiting.into_iter().map(|w| { let owner = names(&w.owner_id); view! { <WaitingRow lead=w owner i18n /> }.into_any() }).collect() />
            <ListPanel id="tb-overdue" title=Msg::TasksOverdue empty=Msg::TbOverdueNone i18n
                rows=overdue.into_iter().map(|t| { let owner = names(&t.task.owner_id); view! { <OverdueRow overdue=t owner /> }.into_any() }).collect() />
            <ListPanel id="tb-going-back" title=Msg::TbGoingBack empty=Msg::TbGoingBackNone i18n
                rows=going_back.into_iter().map(|g| { let owner = names(&g.owner_id); view! { <GoingBackRow back=g owner /> }.into_any() }).collect() />
        </div>
    }
}

#[component]
fn LoadRow(row: RepLoad, i18n: I18n) -> impl IntoView {
    let (any_overdue, any_late) = (row.overdue_tasks > 0, row.hot_late > 0);
    let late = row.hot_late.to_string();
    let held = row.held.to_string();
    view! {
        <tr>
            <th scope="row">{row.name}</th>
            <td>{row.open_deals}</td>
            <td>{format_yuan(row.weighted_fen)}</td>
            <td class:alert=any_overdue>{row.overdue_tasks}</td>
            <td class:alert=any_late>
                {row.hot_waiting}
                {any_late.then(|| view! { " · " {move || i18n.tf(Msg::TbLateN, &[("n", &late)])} })}
            </td>
            <td>
                {row.due_back}
                {(row.held > 0).then(|| view! { " · " {move || i18n.tf(Msg::TbHeldN, &[("n", &held)])} })}
            </td>
        </tr>
    }
}

/// A titled panel holding a list, or a line saying it is empty.
#[component]
fn ListPanel(
    id: &'static str,
    title: Msg,
    empty: Msg,
    rows: Vec<AnyView>,
    i18n: I18n,
) -> impl IntoView {
    let heading = format!("{id}-h");
    let labelled_by = heading.clone();
    view! {
        <section class="panel" aria-labelledby=labelled_by>
            <h2 id=heading>{move || i18n.t(title)}</h2>
            {if rows.is_empty() {
                view! { <p class="empty">{move || i18n.t(empty)}</p> }.into_any()
            } else {
                view! { <ul class="pool-list">{rows}</ul> }.into_any()
            }}
        </section>
    }
}

#[component]
fn WaitingRow(lead: WaitingLead, owner: String, i18n: I18n) -> impl IntoView {
    let intent = lead.intent.to_string();
    view! {
        <li class="pool-row">
            <div class="pool-who">
                <A href=format!("/contacts/{}", lead.contact_id)>{lead.name}</A>
                <span class="meta">
                    <span class="via">{owner}</span>
                    <span class="badge quiet">{move || i18n.tf(Msg::IntentN, &[("n", &intent)])}</span>
                    <span class="via">{move || i18n.t(Msg::TbReadingSince)} " " <TimeAgo at=lead.reading_since /></span>
                    {lead.late.then(|| view! { <span class="badge hot">{move || i18n.t(Msg::TbLate)}</span> })}
                </span>
            </div>
        </li>
    }
}

#[component]
fn OverdueRow(overdue: OverdueTask, owner: String) -> impl IntoView {
    let OverdueTask { task, contact_name } = overdue;
    view! {
        <li class="pool-row">
            <div class="pool-who">
                <span>{task.title}</span>
                <span class="meta">
                    <span class="via">{owner}</span>
                    {task.contact_id.map(|id| view! { <A href=format!("/contacts/{id}")>{contact_name}</A> })}
                    <TimeAgo at=task.due_at class="via" />
                </span>
            </div>
        </li>
    }
}

#[component]
fn GoingBackRow(back: GoingBack, owner: String) -> impl IntoView {
    view! {
        <li class="pool-row">
            <div class="pool-who">
                <A href=format!("/contacts/{}", back.contact_id)>{back.name}</A>
                <span class="meta">
                    <span class="via">{owner}</span>
                    <DueBadges verdict=back.verdict />
                </span>
            </div>
        </li>
    }
}
