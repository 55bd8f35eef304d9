//! The rep's tasks (`/tasks`): today's (overdue included), overdue, upcoming and
//! done, the list kept in the address; and a task written by hand.

use super::use_query_param;
use crate::api::{local::random_token, use_api};
use crate::components::{FormField, PageHeader, TaskList, use_tasks, use_toasts};
use crate::error::AppError;
use crate::i18n::{Msg, use_i18n};
use chrono::{Local, NaiveDateTime, TimeZone, Utc};
use leptos::prelude::*;
use lianjie_core::crm::{NewTask, TaskFilter};
use lianjie_core::validate::{FieldErrors, FieldProblem};

#[component]
pub fn Tasks() -> impl IntoView {
    let i18n = use_i18n();
    let (list, set_list) = use_query_param("list");
    let filter = Memo::new(move |_| {
        list.get()
            .and_then(|l| TaskFilter::from_key(&l))
            .unwrap_or_default()
    });
    let tasks = use_tasks(filter.into());
    view! {
        <PageHeader title=Msg::NavTasks intro=Msg::TasksIntro />
        <div role="group" class="segmented" aria-label=move || i18n.t(Msg::TaskLists)>
            {TaskFilter::ALL.into_iter().map(|f| view! {
                <button type="button" aria-pressed=move || (filter.get() == f).to_string()
                    on:click=move |_| set_list.set((f != TaskFilter::default()).then(|| f.key().to_owned()))>
                    {move || i18n.t(filter_label(f))}
                </button>
            }).collect_view()}
        </div>
        <section class="panel" aria-label=move || i18n.t(filter_label(filter.get()))>
            <TaskList tasks />
        </section>
        <section class="panel"><NewTaskForm on_added=move |()| tasks.refetch() /></section>
    }
}

fn filter_label(f: TaskFilter) -> Msg {
    match f {
        TaskFilter::Today => Msg::TasksToday,
        TaskFilter::Overdue => Msg::TasksOverdue,
        TaskFilter::Upcoming => Msg::TasksUpcoming,
        TaskFilter::Done => Msg::TasksDone,
    }
}

/// A task by hand: what, and by when.
#[component]
fn NewTaskForm(#[prop(into)] on_added: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let toasts = use_toasts();
    let title = RwSignal::new(String::new());
    let due_at = RwSignal::new(String::new());
    let problems = RwSignal::new(FieldErrors::default());
    let id = RwSignal::new(format!("task-{}", random_token()));
    let add = Action::new_local(move |new: &NewTask| {
        let (api, new) = (api.clone(), new.clone());
        async move { api.create_task(new).await }
    });
    Effect::new(move || match add.value().get() {
        Some(Ok(_)) => {
            title.set(String::new());
            due_at.set(String::new());
            id.set(format!("task-{}", random_token()));
            toasts.info(i18n.t(Msg::TaskAdded));
            on_added.run(());
        }
        Some(Err(AppError::Invalid(errs))) => problems.set(errs),
        Some(Err(e)) => {
            toasts.error(i18n.t(e.message()), None);
        }
        None => {}
    });
    view! {
        <form aria-labelledby="new-task-h" on:submit=move |ev| {
            ev.prevent_default();
            let due = NaiveDateTime::parse_from_str(&due_at.get_untracked(), "%Y-%m-%dT%H:%M")
                .ok()
                .and_then(|n| Local.from_local_datetime(&n).earliest())
                .map(|t| t.with_timezone(&Utc));
            let new = NewTask {
                id: id.get_untracked(),
                contact_id: None,
                title: title.get_untracked(),
                due_at: due.unwrap_or_else(Utc::now),
            };
            let mut errs = new.validate().err().unwrap_or_default();
            if due.is_none() {
                errs.check("due_at", Err(FieldProblem::Required));
            }
            let ok = errs.0.is_empty();
            problems.set(errs);
            if ok {
                add.dispatch(new);
            }
        }>
            <h2 id="new-task-h">{move || i18n.t(Msg::NewTask)}</h2>
            <div class="form-grid">
                <FormField form="task" key="title" label=Msg::TaskTitle value=title problems />
                <FormField form="task" key="due_at" label=Msg::TaskDue value=due_at problems kind="datetime-local" />
            </div>
            <div class="form-actions">
                <button type="submit" class="cta" disabled=move || add.pending().get()>{move || i18n.t(Msg::AddTask)}</button>
            </div>
        </form>
    }
}
