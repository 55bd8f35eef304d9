//! The customer list as a CSV file: every customer the current view holds (the
//! caller's scope, its filters and order), with a byte-order mark so spreadsheet
//! programs read Chinese names, and headings an import recognises.

use crate::api::use_api;
use crate::components::{download_csv, use_toasts};
use crate::error::AppError;
use crate::i18n::{I18n, Msg, local_time, use_i18n};
use crate::viewer::{Viewer, use_viewer};
use leptos::prelude::*;
use lianjie_core::contact::Contact;
use lianjie_core::customer_csv::{Column, write_csv};
use lianjie_core::customers::CustomerQuery;
use lianjie_core::store::MAX_PAGE;

#[component]
pub fn ExportButton(query: Memo<CustomerQuery>) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let viewer = use_viewer();
    let toasts = use_toasts();
    let export = Action::new_local(move |_: &()| {
        let api = api.clone();
        let query = query.get_untracked();
        async move {
            let mut all = Vec::new();
            let mut cursor = None;
            loop {
                let page = api
                    .customers(CustomerQuery {
                        cursor,
                        limit: Some(MAX_PAGE),
                        ..query.clone()
                    })
                    .await?;
                all.extend(page.items);
                cursor = page.next_cursor;
                if cursor.is_none() {
                    break;
                }
            }
            Ok::<_, AppError>(all)
        }
    });
    // Said once per export: what the toasts say does not follow the language.
    Effect::new(move || {
        let result = export.value().get();
        untrack(move || match result {
            Some(Ok(list)) => {
                let text = viewer
                    .with(|v| customers_csv(i18n, v, &list))
                    .unwrap_or_default();
                let day = chrono::Local::now().format("%Y-%m-%d");
                match download_csv(&text, &format!("customers-{day}.csv")) {
                    Ok(()) => {
                        toasts.info(i18n.tf(Msg::ExportedN, &[("n", &list.len().to_string())]));
                    }
                    Err(_) => {
                        toasts.error(i18n.t(Msg::DownloadFailed), None);
                    }
                }
            }
            Some(Err(e)) => {
                let retry = Callback::new(move |()| {
                    export.dispatch(());
                });
                toasts.error(i18n.t(e.message()), Some(retry));
            }
            None => {}
        })
    });
    view! {
        <button type="button" disabled=move || export.pending().get() on:click=move |_| { export.dispatch(()); }>
            {move || if export.pending().get() { i18n.t(Msg::Exporting) } else { i18n.t(Msg::ExportCsv) }}
        </button>
    }
}

fn customers_csv(i18n: I18n, viewer: &Viewer, list: &[Contact]) -> String {
    let locale = i18n.locale();
    let mut header: Vec<&str> = Column::ALL.iter().map(|c| c.heading(locale)).collect();
    header.extend(
        [
            Msg::Stage,
            Msg::IntentScore,
            Msg::SortLastTouch,
            Msg::NextFollowUp,
            Msg::CreatedAt,
        ]
        .map(|m| i18n.t(m)),
    );
    let owner_name = |id: Option<&str>| {
        viewer
            .staff
            .iter()
            .find(|u| Some(u.id.as_str()) == id)
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };
    let rows = list.iter().map(|c| {
        Column::ALL
            .into_iter()
            .map(|col| match col {
                Column::Name => c.name.clone(),
                Column::Company => c.company.clone(),
                Column::Phone => c.phone.clone(),
                Column::Email => c.email.clone(),
                Column::WechatId => c.wechat_id.clone(),
                Column::Source => c.source.clone(),
                Column::Tags => c.tags.join("; "),
                Column::Notes => c.notes.clone(),
                Column::Owner => owner_name(c.owner_id.as_deref()),
            })
            .chain([
                i18n.stage(&viewer.org, c.stage_or_first()),
                c.intent.to_string(),
                c.last_seen_at.map(local_time).unwrap_or_default(),
                c.next_follow_up_at.map(local_time).unwrap_or_default(),
                local_time(c.created_at),
            ])
            .collect::<Vec<_>>()
    });
    write_csv(&header, rows)
}
