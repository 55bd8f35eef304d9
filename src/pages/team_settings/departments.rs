//! The department tree (组织架构): rename, move under another department, delete an
//! empty one, add one. The backend checks every change (no loops, no twins, nothing
//! deleted that still has staff or departments below it) and its answers are shown
//! beside the fields.

use super::{Outcome, department_choices, department_options, problem_text};
use crate::api::local::random_token;
use crate::api::use_api;
use crate::i18n::{Msg, use_i18n};
use crate::viewer::use_viewer;
use leptos::prelude::*;
use lianjie_core::team::Department;
use lianjie_core::validate::FieldErrors;

#[component]
pub fn Departments() -> impl IntoView {
    let i18n = use_i18n();
    let viewer = use_viewer();
    // Each row with its path and the parents it may move under, all in its key: a
    // row is rebuilt when any of them changed (after a save), not otherwise.
    let rows = move || {
        viewer
            .with(|v| {
                v.org
                    .tree()
                    .into_iter()
                    .map(|(_, d)| Row {
                        department: d.clone(),
                        path: v.org.path(&d.id),
                        parents: department_choices(&v.org, Some(&d.id)),
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let key = |r: &Row| {
        (
            r.department.id.clone(),
            r.department.name.clone(),
            r.department.parent_id.clone(),
            r.path.clone(),
            r.parents.clone(),
        )
    };
    view! {
        <section class="panel" aria-labelledby="departments-h">
            <h2 id="departments-h">{move || i18n.t(Msg::Departments)}</h2>
            {move || rows().is_empty().then(|| view! { <p class="empty">{move || i18n.t(Msg::NoDepartmentsYet)}</p> })}
            <ul class="content-list">
                <For each=rows key=key let:row>
                    <DepartmentRow row />
                </For>
            </ul>
            <AddDepartment />
        </section>
    }
}

/// One department as listed: its "总部 / 华东销售部" path, and the departments it may
/// be moved under (not itself nor anything below it: that would make a loop).
#[derive(Clone)]
struct Row {
    department: Department,
    path: String,
    parents: Vec<(String, String)>,
}

#[component]
fn DepartmentRow(row: Row) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let Row {
        department,
        path,
        parents,
    } = row;
    let outcome = Outcome::new();
    let problems = RwSignal::new(FieldErrors::default());
    let name = RwSignal::new(department.name.clone());
    let parent = RwSignal::new(department.parent_id.clone().unwrap_or_default());
    let id = department.id.clone();
    let save = Action::new_local({
        let api = api.clone();
        move |d: &Department| {
            let (api, d) = (api.clone(), d.clone());
            async move {
                let saved = api.save_department(d).await;
                outcome.tell(saved, problems, |_| i18n.t(Msg::DepartmentSaved).to_owned());
            }
        }
    });
    let delete = Action::new_local({
        let id = id.clone();
        move |()| {
            let (api, id) = (api.clone(), id.clone());
            async move {
                let gone = api.delete_department(id).await;
                outcome.tell(gone, problems, |_| {
                    i18n.t(Msg::DepartmentDeleted).to_owned()
                });
            }
        }
    });
    let busy = move || save.pending().get() || delete.pending().get();
    let heading_id = format!("department-{id}");
    let labelled_by = heading_id.clone();
    view! {
        <li class="content-item" aria-labelledby=labelled_by>
            <h3 id=heading_id>{path}</h3>
            <form class="filters" novalidate on:submit=move |ev| {
                ev.prevent_default();
                save.dispatch(Department {
                    id: id.clone(),
                    name: name.get_untracked(),
                    parent_id: Some(parent.get_untracked()).filter(|p| !p.is_empty()),
                });
            }>
                <label>
                    {move || i18n.t(Msg::DepartmentName)}
                    <input bind:value=name />
                    <span class="field-problem">{problem_text(i18n, problems, "name")}</span>
                </label>
                <label>
                    {move || i18n.t(Msg::ParentDepartment)}
                    <select on:change=move |ev| parent.set(event_target_value(&ev))>
                        {department_options(i18n, Msg::TopLevel, parents, parent)}
                    </select>
                    <span class="field-problem">{problem_text(i18n, problems, "parent_id")}</span>
                </label>
                <button type="submit" disabled=busy>{move || i18n.t(Msg::SaveDepartment)}</button>
                <button type="button" disabled=busy on:click=move |_| { delete.dispatch(()); }>
                    {move || i18n.t(Msg::DeleteDepartment)}
                </button>
                <span class="field-problem" role="alert">{problem_text(i18n, problems, "id")}</span>
            </form>
        </li>
    }
}

#[component]
fn AddDepartment() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let viewer = use_viewer();
    let outcome = Outcome::new();
    let problems = RwSignal::new(FieldErrors::default());
    let name = RwSignal::new(String::new());
    let parent = RwSignal::new(String::new());
    let add = Action::new_local(move |d: &Department| {
        let (api, d) = (api.clone(), d.clone());
        async move {
            let saved = api.save_department(d).await;
            if outcome
                .tell(saved, problems, |_| i18n.t(Msg::DepartmentSaved).to_owned())
                .is_some()
            {
                name.set(String::new());
            }
        }
    });
    let choices = Memo::new(move |_| {
        viewer
            .with(|v| department_choices(&v.org, None))
            .unwrap_or_default()
    });
    view! {
        <form class="editor" novalidate aria-labelledby="add-department-h" on:submit=move |ev| {
            ev.prevent_default();
            add.dispatch(Department {
                // A fresh public id; the name is what people see.
                id: format!("d-{}", &random_token()[..10]),
                name: name.get_untracked(),
                parent_id: Some(parent.get_untracked()).filter(|p| !p.is_empty()),
            });
        }>
            <h3 id="add-department-h">{move || i18n.t(Msg::AddDepartment)}</h3>
            <label>
                {move || i18n.t(Msg::DepartmentName)}
                <input bind:value=name />
                <span class="field-problem">{problem_text(i18n, problems, "name")}</span>
            </label>
            <label>
                {move || i18n.t(Msg::ParentDepartment)}
                <select on:change=move |ev| parent.set(event_target_value(&ev))>
                    {move || department_options(i18n, Msg::TopLevel, choices.get(), parent)}
                </select>
                <span class="field-problem">{problem_text(i18n, problems, "parent_id")}</span>
            </label>
            <div class="form-actions">
                <button type="submit" disabled=move || add.pending().get()>{move || i18n.t(Msg::AddDepartment)}</button>
            </div>
        </form>
    }
}
