use super::utc_offset_minutes;
use super::{LoadFailed, use_toasts};
use crate::api::{ApiResult, use_api, use_api_events};
use crate::i18n::{I18n, Msg, use_i18n};
use chrono::Utc;
use leptos::prelude::*;
use lianjie_core::api::Event;
use lianjie_core::crm::{Due, Task, TaskFilter, TaskQuery, TaskSource, due};
use lianjie_core::format;
use lianjie_core::link;

/// The caller's tasks in `filter`'s list, read again when a task changes.
pub fn use_tasks(filter: Signal<TaskFilter>) -> LocalResource<ApiResult<Vec<Task>>> {
    let api = use_api();
    let tz_offset = utc_offset_minutes();
    let tasks = LocalResource::new(move || {
        let query = TaskQuery {
            filter: filter.get(),
            tz_offset: Some(tz_offset),
        };
        let api = api.clone();
        async move { api.tasks(query).await }
    });
    use_api_events(move |e| {
        if matches!(e, Event::Task { .. } | Event::Reset) {
            tasks.refetch();
        }
    });
    tasks
}

/// Tasks as a checklist: what to do (for a reading, who was reading what, which
/// visit), for whom, by when; ticking one marks it done (or open again). A failed
/// read is said with a retry; none is said too.
#[component]
pub fn TaskList(tasks: LocalResource<ApiResult<Vec<Task>>>) -> impl IntoView {
    let i18n = use_i18n();
    let on_changed = Callback::new(move |()| tasks.refetch());
    view! {
        <LoadFailed resource=tasks />
        <Transition>
            {move || Suspend::new(async move {
                tasks.await.map(|list| if list.is_empty() {
                    view! { <p class="empty">{move || i18n.t(Msg::NoTasks)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="task-list">
                            {list.into_iter().map(|task| view! { <TaskItem task i18n on_changed /> }).collect_view()}
                        </ul>
                    }.into_any()
                })
            })}
        </Transition>
    }
}

/// What a task asks, in the reader's language.
pub fn task_text(i18n: I18n, task: &Task) -> String {
    let who = if task.title.is_empty() {
        i18n.t(Msg::Anonymous).to_owned()
    } else {
        task.title.clone()
    };
    match &task.source {
        TaskSource::Manual => task.title.clone(),
        TaskSource::FollowUp { .. } => i18n.tf(Msg::TaskFollowUp, &[("name", &who)]),
        TaskSource::PoolHold { .. } => i18n.tf(Msg::TaskPoolHold, &[("name", &who)]),
        TaskSource::Reading {
            title,
            visit,
            visible_ms,
            ..
        } => i18n.tf(
            Msg::TaskFromReadingText,
            &[
                ("name", &who),
                ("title", title),
                ("n", &visit.to_string()),
                ("time", &format::duration(*visible_ms, i18n.locale())),
            ],
        ),
    }
}

#[component]
fn TaskItem(task: Task, i18n: I18n, on_changed: Callback<()>) -> impl IntoView {
    let api = use_api();
    let toasts = use_toasts();
    let text = task_text(i18n, &task);
    let done = RwSignal::new(task.done_at.is_some());
    let toggle = Action::new_local({
        let id = task.id.clone();
        move |on: &bool| {
            let (api, id, on) = (api.clone(), id.clone(), *on);
            async move { api.set_task_done(id, on).await }
        }
    });
    Effect::new(move || match toggle.value().get() {
        Some(Ok(t)) => {
            done.set(t.done_at.is_some());
            on_changed.run(());
        }
        Some(Err(e)) => {
            done.set(!done.get_untracked());
            toasts.error(i18n.t(e.message()), None);
        }
        None => {}
    });
    let offset = utc_offset_minutes();
    let class = match (task.done_at, due(task.due_at, Utc::now(), offset)) {
        (Some(_), _) => "task done",
        (None, Due::Overdue) => "task overdue",
        (None, Due::Today) => "task today",
        (None, Due::Later) => "task",
    };
    let when = task
        .due_at
        .with_timezone(&chrono::Local)
        .format("%m-%d %H:%M")
        .to_string();
    let id = format!("task-{}", task.id);
    view! {
        <li class=class>
            <input type="checkbox" id=id.clone() prop:checked=move || done.get()
                disabled=move || toggle.pending().get()
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    done.set(on);
                    toggle.dispatch(on);
                } />
            <label for=id>{text}</label>
            <time datetime=task.due_at.to_rfc3339()>{when}</time>
            {task.contact_id.map(|c| view! {
                <a href=link::path(&["contacts", &c])>{move || i18n.t(Msg::OpenCustomer)}</a>
            })}
        </li>
    }
}
