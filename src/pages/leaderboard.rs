//! The leaderboard (`/leaderboard`, `?period=&by=&department=`): every seller's
//! figures over a day, 7 or 30 days, ranked by the column chosen; the caller's own
//! line marked, and the board as a CSV file.

use super::use_query_param;
use crate::api::use_api;
use crate::components::{
    DepartmentSelect, LoadFailed, PageHeader, TableScroll, download_csv, use_toasts,
};
use crate::i18n::{I18n, Msg, use_i18n};
use crate::viewer::use_viewer;
use leptos::prelude::*;
use lianjie_core::customer_csv::write_csv;
use lianjie_core::deals::format_yuan;
use lianjie_core::leaderboard::{BoardQuery, Figures, Leaderboard, Period, RankBy};

/// The columns, in order: what each ranks by and its heading.
const COLUMNS: [(RankBy, Msg); 9] = [
    (RankBy::SharesSent, Msg::LbSharesSent),
    (RankBy::Views, Msg::LbViews),
    (RankBy::Readers, Msg::LbReaders),
    (RankBy::Leads, Msg::LbLeads),
    (RankBy::FollowUps, Msg::LbFollowUps),
    (RankBy::DealsWon, Msg::LbDealsWon),
    (RankBy::WonAmount, Msg::LbWonAmount),
    (RankBy::ResponseTime, Msg::LbResponse),
    (RankBy::ReadRate, Msg::LbReadRate),
];

fn period_label(p: Period) -> Msg {
    match p {
        Period::Day => Msg::LbDay,
        Period::Week => Msg::LbWeek,
        Period::Month => Msg::LbMonth,
    }
}

/// One figure of a seller, as shown (and exported).
fn cell(i18n: I18n, f: &Figures, by: RankBy) -> String {
    match by {
        RankBy::SharesSent => f.shares_sent.to_string(),
        RankBy::Views => f.views.to_string(),
        RankBy::Readers => f.readers.to_string(),
        RankBy::Leads => f.leads.to_string(),
        RankBy::FollowUps => f.follow_ups.to_string(),
        RankBy::DealsWon => f.deals_won.to_string(),
        RankBy::WonAmount => format_yuan(f.won_amount_fen),
        RankBy::ResponseTime => f.response_minutes.map_or_else(
            || "—".to_owned(),
            |m| lianjie_core::format::duration(m * 60_000, i18n.locale()),
        ),
        RankBy::ReadRate => f
            .read_rate_pct()
            .map_or_else(|| "—".to_owned(), |p| format!("{p}%")),
    }
}

#[component]
pub fn LeaderboardPage() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let viewer = use_viewer();
    let toasts = use_toasts();
    let (period_key, set_period) = use_query_param("period");
    let (by_key, set_by) = use_query_param("by");
    let (department, set_department) = use_query_param("department");
    let query = Memo::new(move |_| BoardQuery {
        period: period_key
            .get()
            .and_then(|p| Period::from_key(&p))
            .unwrap_or_default(),
        by: by_key
            .get()
            .and_then(|b| RankBy::from_key(&b))
            .unwrap_or_default(),
        department: department.get().filter(|d| !d.is_empty()),
    });
    let board = LocalResource::new(move || {
        let (api, query) = (api.clone(), query.get());
        async move { api.leaderboard(query).await }
    });
    let me = viewer
        .with_untracked(|v| v.me.id.clone())
        .unwrap_or_default();
    let export = move |_| {
        let Some(Ok(b)) = board.get_untracked() else {
            return;
        };
        let text = board_csv(i18n, &b);
        let name = format!("leaderboard-{}-{}.csv", b.period.key(), b.to);
        if download_csv(&text, &name).is_err() {
            toasts.error(i18n.t(Msg::DownloadFailed), None);
        }
    };
    view! {
        <PageHeader title=Msg::NavLeaderboard intro=Msg::LeaderboardIntro />
        <div class="filters">
            <div role="group" class="segmented" aria-label=move || i18n.t(Msg::LbPeriods)>
                {Period::ALL.into_iter().map(|p| view! {
                    <button type="button" aria-pressed=move || (query.get().period == p).to_string()
                        on:click=move |_| set_period.set((p != Period::default()).then(|| p.key().to_owned()))>
                        {move || i18n.t(period_label(p))}
                    </button>
                }).collect_view()}
            </div>
            <DepartmentSelect id="lb-department" value=department
                set=move |d| set_department.set(d) />
            <button type="button" on:click=export>{move || i18n.t(Msg::ExportCsv)}</button>
        </div>
        <LoadFailed resource=board />
        <Transition>
            {move || Suspend::new({
                let me = me.clone();
                async move {
                    board.await.map(|b| view! { <Board board=b me set_by i18n /> })
                }
            })}
        </Transition>
    }
}

#[component]
fn Board(
    board: Leaderboard,
    me: String,
    set_by: SignalSetter<Option<String>>,
    i18n: I18n,
) -> impl IntoView {
    let by = board.by;
    let what = move || {
        COLUMNS
            .iter()
            .find(|(b, _)| *b == by)
            .map_or("", |(_, m)| i18n.t(*m))
            .to_owned()
    };
    let n = board.standings.len().to_string();
    let mine = board
        .standings
        .iter()
        .find(|s| s.user_id == me)
        .map(|s| s.rank.to_string());
    let window = (board.from.to_string(), board.to.to_string());
    view! {
        <p class="intro">
            {move || i18n.tf(Msg::LbWindow, &[("from", &window.0), ("to", &window.1)])}
            {mine.map(|rank| view! { " · " <strong>{move || i18n.tf(Msg::LbMine, &[("rank", &rank), ("n", &n), ("what", &what())])}</strong> })}
        </p>
        <TableScroll label=Msg::LbTable>
            <table class="leaderboard">
                <caption class="visually-hidden">{move || i18n.t(Msg::LbTable)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{move || i18n.t(Msg::LbRank)}</th>
                        <th scope="col">{move || i18n.t(Msg::LbSeller)}</th>
                        {COLUMNS.into_iter().map(|(col, label)| view! {
                            <th scope="col" aria-sort=if col == by { "descending" } else { "none" }>
                                <button type="button" class="ghost" aria-pressed=(col == by).to_string()
                                    on:click=move |_| set_by.set((col != RankBy::default()).then(|| col.key().to_owned()))>
                                    {move || i18n.t(label)}
                                </button>
                            </th>
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {board.standings.into_iter().map(|s| {
                        let is_me = s.user_id == me;
                        view! {
                            <tr class:me=is_me>
                                <td>{s.rank}</td>
                                <th scope="row">{s.name.clone()}{is_me.then(|| view! { " " {move || i18n.t(Msg::LbYou)} })}</th>
                                {COLUMNS.into_iter().map(|(col, _)| view! { <td>{cell(i18n, &s.figures, col)}</td> }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }
}

/// The board as a CSV file under the reader's headings.
fn board_csv(i18n: I18n, board: &Leaderboard) -> String {
    let mut header = vec![i18n.t(Msg::LbRank), i18n.t(Msg::LbSeller)];
    header.extend(COLUMNS.iter().map(|(_, m)| i18n.t(*m)));
    let rows = board.standings.iter().map(|s| {
        let mut row = vec![s.rank.to_string(), s.name.clone()];
        row.extend(COLUMNS.iter().map(|(col, _)| cell(i18n, &s.figures, *col)));
        row
    });
    write_csv(&header, rows)
}
