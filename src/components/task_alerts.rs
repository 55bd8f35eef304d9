use super::{Clock, notify, task_text, use_toasts, utc_offset_minutes};
use crate::api::{ApiResult, use_api, use_api_events};
use crate::i18n::{Msg, local_time, use_i18n};
use chrono::Utc;
use leptos::prelude::*;
use lianjie_core::api::Event;
use lianjie_core::crm::{Task, TaskFilter, TaskQuery};
use std::collections::HashSet;

/// A task of the viewer's coming due, wherever they are in the workbench: said as the
/// radar's moments of truth are, a toast and (when allowed) a desktop notification,
/// once for each task and due time. Today's tasks (and in the day's last minutes the
/// upcoming, see [`TaskFilter::coming_due_lists`]) are read when the workbench opens
/// and again when one changes; the workbench's clock says when to look. Renders
/// nothing itself.
#[component]
pub fn TaskAlerts() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let toasts = use_toasts();
    let clock = use_context::<Clock>();
    // The lists to read, read again when the reader's day turns or its last minutes
    // begin.
    let now = move || clock.map_or_else(Utc::now, |c| c.0.get());
    let day = Memo::new(move |_| now().with_timezone(&chrono::Local).date_naive());
    let lists = Memo::new(move |_| TaskFilter::coming_due_lists(now(), utc_offset_minutes()));
    let tasks = LocalResource::new(move || {
        day.track();
        let lists = lists.get();
        let api = api.clone();
        async move {
            let mut all: Vec<Task> = Vec::new();
            for filter in lists {
                let query = TaskQuery {
                    filter: *filter,
                    tz_offset: Some(utc_offset_minutes()),
                };
                all.extend(api.tasks(query).await?);
            }
            ApiResult::Ok(all)
        }
    });
    use_api_events(move |e| {
        // A follow-up closes tasks and makes its next time one (said as `Contact`).
        if matches!(e, Event::Task { .. } | Event::Contact { .. } | Event::Reset) {
            tasks.refetch();
        }
    });
    let told = StoredValue::new(HashSet::<String>::new());
    Effect::new(move || {
        let now = now();
        // A list that failed to load says nothing; the next change or start reads it.
        let Some(Ok(list)) = tasks.get() else { return };
        for task in list.iter().filter(|t| t.coming_due(now)) {
            let new = told
                .try_update_value(|t| t.insert(task.alert_key()))
                .unwrap_or(false);
            if new {
                let text = i18n.tf(
                    Msg::TaskComingDue,
                    &[
                        ("time", &local_time(task.due_at)),
                        ("task", &task_text(i18n, task)),
                    ],
                );
                toasts.info(text.clone());
                // A tag of its own: tasks due together do not replace each other.
                notify(&task.alert_key(), &text);
            }
        }
    });
}
