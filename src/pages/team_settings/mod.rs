//! Settings → Team (admins): the organization's staff, their roles and departments,
//! new staff, deactivation, and the department tree (组织架构). Everything shown comes
//! from the viewer the staff layout loaded, which every change here reloads, so the
//! navigation, the switcher and this page always agree.

mod departments;
mod staff;

use crate::api::ApiResult;
use crate::components::{PageHeader, Toasts, use_toasts};
use crate::error::{AppError, problem_message};
use crate::i18n::{I18n, Msg, use_i18n};
use crate::viewer::{CurrentViewer, use_viewer};
use departments::Departments;
use leptos::prelude::*;
use lianjie_core::team::Organization;
use lianjie_core::validate::{FieldErrors, FieldProblem};
use staff::{AddStaff, StaffList};

#[component]
pub fn TeamSettings() -> impl IntoView {
    view! {
        <PageHeader title=Msg::NavTeam intro=Msg::TeamIntro />
        <StaffList />
        <AddStaff />
        <Departments />
    }
}

/// How an admin's change went, told where the person looks: a toast and a fresh
/// viewer when it worked; the refused fields beside them, or the error (a 403 is
/// "your role doesn't allow this") in a toast, when not.
#[derive(Clone, Copy)]
struct Outcome {
    i18n: I18n,
    toasts: Toasts,
    viewer: CurrentViewer,
}

impl Outcome {
    fn new() -> Outcome {
        Outcome {
            i18n: use_i18n(),
            toasts: use_toasts(),
            viewer: use_viewer(),
        }
    }

    fn tell<T>(
        &self,
        result: ApiResult<T>,
        problems: RwSignal<FieldErrors>,
        done: impl FnOnce(&T) -> String,
    ) -> Option<T> {
        match result {
            Ok(value) => {
                problems.set(FieldErrors::default());
                self.toasts.info(done(&value));
                self.viewer.reload();
                Some(value)
            }
            Err(AppError::Invalid(errs)) => {
                problems.set(errs);
                None
            }
            Err(e) => {
                self.toasts.error(self.i18n.t(e.message()), None);
                None
            }
        }
    }
}

/// What a refused field means on this page, in words: a few problems say more here
/// than their general message.
fn problem_text(
    i18n: I18n,
    problems: RwSignal<FieldErrors>,
    field: &'static str,
) -> impl Fn() -> Option<&'static str> + Copy + Send + Sync + 'static {
    move || {
        problems.read().get(field).map(|p| {
            match (field, p) {
                // The organization never loses its last admin.
                ("role", FieldProblem::InUse) => i18n.t(Msg::LastAdmin),
                // A department with staff or departments below it stays.
                ("id", FieldProblem::InUse) => i18n.t(Msg::DepartmentInUse),
                _ => i18n.t(problem_message(p)),
            }
        })
    }
}

/// The departments in tree order as (id, "总部 / 华东销售部"), leaving out `skip`
/// (a department and those below it cannot become its parent).
fn department_choices(org: &Organization, skip: Option<&str>) -> Vec<(String, String)> {
    let below = skip.map(|d| org.subtree(d)).unwrap_or_default();
    org.tree()
        .into_iter()
        .filter(|(_, d)| !below.contains(&d.id))
        .map(|(_, d)| (d.id.clone(), org.path(&d.id)))
        .collect()
}

/// `<option>`s for a department `<select>`: `none` first (value ""), then the tree.
fn department_options(
    i18n: I18n,
    none: Msg,
    choices: Vec<(String, String)>,
    selected: RwSignal<String>,
) -> impl IntoView {
    view! {
        <option value="" selected=move || selected.with(String::is_empty)>{move || i18n.t(none)}</option>
        {choices
            .into_iter()
            .map(|(id, path)| {
                let chosen = id.clone();
                view! { <option value=id selected=move || selected.with(|s| *s == chosen)>{path}</option> }
            })
            .collect_view()}
    }
}
