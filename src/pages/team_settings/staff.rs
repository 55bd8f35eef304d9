//! The staff list (role, department, deactivate, reactivate) and the form that adds
//! staff, with the one-time initial password the server answers.

use super::{Outcome, department_choices, department_options, problem_text};
use crate::api::{ApiFuture, ApiHandle, use_api};
use crate::components::{Avatar, AvatarSize, use_toasts};
use crate::i18n::{I18n, Msg, PublicMsg, use_i18n};
use crate::viewer::use_viewer;
use leptos::prelude::*;
use lianjie_core::people::{Role, User};
use lianjie_core::team::{Deactivation, NewStaff, StaffUpdate};
use lianjie_core::validate::FieldErrors;

/// `<option>`s for a role `<select>`, by slug.
fn role_options(i18n: I18n, selected: RwSignal<Role>) -> impl IntoView {
    Role::ALL.map(|r| {
        view! {
            <option value=r.slug() selected=move || selected.get() == r>{move || i18n.role(r)}</option>
        }
    })
}

fn role_from_slug(slug: &str) -> Option<Role> {
    Role::ALL.into_iter().find(|r| r.slug() == slug)
}

/// Everyone in the organization, each with what an admin may change.
#[component]
pub fn StaffList() -> impl IntoView {
    let i18n = use_i18n();
    let viewer = use_viewer();
    // A row is rebuilt when what it shows changed (after a save), or the departments
    // it offers did; not otherwise.
    let rows = move || viewer.with(|v| v.staff.clone()).unwrap_or_default();
    let key = move |u: &User| {
        let departments = viewer
            .with_untracked(|v| department_choices(&v.org, None))
            .unwrap_or_default();
        (
            u.id.clone(),
            u.name.clone(),
            u.role,
            u.department_id.clone(),
            u.active,
            departments,
        )
    };
    view! {
        <section aria-labelledby="staff-h">
            <h2 id="staff-h">{move || i18n.t(Msg::StaffHeading)}</h2>
            <ul class="content-list">
                <For each=rows key=key let:user>
                    <StaffRow user />
                </For>
            </ul>
        </section>
    }
}

/// A change to staff member `id` (the backend answers the account as it now is),
/// told with `said` ("{name} was saved") or its problems beside the fields.
fn staff_action<I: Clone + 'static>(
    id: &str,
    outcome: Outcome,
    problems: RwSignal<FieldErrors>,
    said: Msg,
    call: fn(&ApiHandle, String, I) -> ApiFuture<User>,
) -> Action<I, ()> {
    let (api, id, i18n) = (use_api(), id.to_owned(), use_i18n());
    Action::new_local(move |input: &I| {
        let done = call(&api, id.clone(), input.clone());
        async move {
            outcome.tell(done.await, problems, |u| {
                i18n.tf(said, &[("name", &u.name)])
            });
        }
    })
}

#[component]
fn StaffRow(user: User) -> impl IntoView {
    let i18n = use_i18n();
    let viewer = use_viewer();
    let outcome = Outcome::new();
    let problems = RwSignal::new(FieldErrors::default());
    let role = RwSignal::new(user.role);
    let department = RwSignal::new(user.department_id.clone().unwrap_or_default());
    // Nobody by default: their customers wait in the public pool.
    let transfer = RwSignal::new(String::new());
    let id = user.id.clone();
    // Read once: a change to the team rebuilds the row (see `StaffList`'s key).
    let is_me = viewer.with_untracked(|v| v.me.id == id).unwrap_or(false);
    let (was_role, was_department) = (user.role, user.department_id.clone());
    let save = staff_action(
        &id,
        outcome,
        problems,
        Msg::StaffSaved,
        |api, id, update| api.update_staff(id, update),
    );
    let deactivate = staff_action(
        &id,
        outcome,
        problems,
        Msg::StaffDeactivated,
        |api, id, how| api.deactivate_staff(id, how),
    );
    let reactivate = staff_action(
        &id,
        outcome,
        problems,
        Msg::StaffReactivated,
        |api, id, ()| api.reactivate_staff(id),
    );
    let busy =
        move || save.pending().get() || deactivate.pending().get() || reactivate.pending().get();
    let (org_choices, place, colleagues) = viewer
        .with_untracked(|v| {
            let place = v.department_of(&user);
            let colleagues: Vec<(String, String)> = v
                .staff
                .iter()
                // Customers go to someone who sells (agents own none).
                .filter(|u| u.active && u.id != user.id && u.role.sells())
                .map(|u| {
                    (
                        u.id.clone(),
                        i18n.tf(
                            Msg::StaffWithRole,
                            &[("name", &u.name), ("role", i18n.role(u.role))],
                        ),
                    )
                })
                .collect();
            (department_choices(&v.org, None), place, colleagues)
        })
        .unwrap_or_default();
    let heading_id = format!("staff-{}", user.id);
    let labelled_by = heading_id.clone();
    let role_now = user.role;
    let active = user.active;
    view! {
        <li class="content-item" aria-labelledby=labelled_by>
            <h3 id=heading_id class="person-heading">
                <Avatar name=user.name.clone() size=AvatarSize::Small />
                {user.name.clone()}
                {is_me.then(|| view! { " · " {move || i18n.t(Msg::ItsYou)} })}
            </h3>
            <p class="meta">
                <span>{user.email.clone()}</span>
                <span class="tag">{move || i18n.role(role_now)}</span>
                <span>{if place.is_empty() { view! { {move || i18n.t(Msg::NoDepartment)} }.into_any() } else { view! { {place.clone()} }.into_any() }}</span>
                <span class="tag">{move || i18n.t(if active { Msg::StatusActive } else { Msg::StatusDeactivated })}</span>
            </p>
            {if active {
                view! {
                    <form class="filters" novalidate on:submit=move |ev| {
                        ev.prevent_default();
                        let new_role = role.get_untracked();
                        let new_department = Some(department.get_untracked()).filter(|d| !d.is_empty());
                        save.dispatch(StaffUpdate {
                            name: None,
                            role: (new_role != was_role).then_some(new_role),
                            department_id: (new_department != was_department).then_some(new_department),
                        });
                    }>
                        <label>
                            {move || i18n.t(Msg::Role)}
                            <select on:change=move |ev| {
                                if let Some(r) = role_from_slug(&event_target_value(&ev)) {
                                    role.set(r);
                                }
                            }>
                                {role_options(i18n, role)}
                            </select>
                            <span class="field-problem">{problem_text(i18n, problems, "role")}</span>
                        </label>
                        <label>
                            {move || i18n.t(Msg::Department)}
                            <select on:change=move |ev| department.set(event_target_value(&ev))>
                                {department_options(i18n, Msg::NoDepartment, org_choices, department)}
                            </select>
                            <span class="field-problem">{problem_text(i18n, problems, "department_id")}</span>
                        </label>
                        <button type="submit" disabled=busy>{move || i18n.t(Msg::SaveChanges)}</button>
                    </form>
                    // Nobody deactivates themselves (core refuses it): no control for it.
                    {(!is_me).then(|| view! {
                        <form class="filters" novalidate on:submit=move |ev| {
                            ev.prevent_default();
                            let to = Some(transfer.get_untracked()).filter(|t| !t.is_empty());
                            deactivate.dispatch(Deactivation { transfer_to: to });
                        }>
                            <label>
                                {move || i18n.t(Msg::TransferTo)}
                                <select on:change=move |ev| transfer.set(event_target_value(&ev))>
                                    <option value="" selected>{move || i18n.t(Msg::TransferNobody)}</option>
                                    {colleagues.into_iter().map(|(id, label)| view! { <option value=id>{label}</option> }).collect_view()}
                                </select>
                                <span class="field-problem">{problem_text(i18n, problems, "transfer_to")}</span>
                            </label>
                            <button type="submit" disabled=busy>{move || i18n.t(Msg::Deactivate)}</button>
                        </form>
                    })}
                }.into_any()
            } else {
                view! {
                    <p class="form-actions">
                        <button type="button" disabled=busy on:click=move |_| { reactivate.dispatch(()); }>
                            {move || i18n.t(Msg::Reactivate)}
                        </button>
                    </p>
                }.into_any()
            }}
            <span class="field-problem">{problem_text(i18n, problems, "id")}</span>
        </li>
    }
}

/// A new staff member: name, email, role, department. Over http the answer carries
/// an initial password, shown here once (never stored) with a copy button; the
/// in-browser demo has none and says how to act as the new colleague instead.
#[component]
pub fn AddStaff() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let toasts = use_toasts();
    let viewer = use_viewer();
    let outcome = Outcome::new();
    let problems = RwSignal::new(FieldErrors::default());
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Rep);
    let department = RwSignal::new(String::new());
    // Who was just created, and their initial password if the backend made one.
    let created = RwSignal::new(None::<(String, Option<String>)>);
    let create = Action::new_local(move |new: &NewStaff| {
        let (api, new) = (api.clone(), new.clone());
        async move {
            let result = api.create_staff(new).await;
            let made = outcome.tell(result, problems, |c| {
                i18n.tf(Msg::StaffCreated, &[("name", &c.user.name)])
            });
            if let Some(made) = made {
                created.set(Some((made.user.name, made.initial_password)));
                name.set(String::new());
                email.set(String::new());
            }
        }
    });
    let choices = Memo::new(move |_| {
        viewer
            .with(|v| department_choices(&v.org, None))
            .unwrap_or_default()
    });
    let copy = move |password: String| {
        let promise = window().navigator().clipboard().write_text(&password);
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(promise).await {
                Ok(_) => toasts.info(i18n.t(Msg::PasswordCopied)),
                Err(_) => toasts.error(i18n.t(Msg::CopyFailed), None),
            };
        });
    };
    let problem = move |field| problem_text(i18n, problems, field);
    view! {
        <section class="panel" aria-labelledby="add-staff-h">
            <h2 id="add-staff-h">{move || i18n.t(Msg::AddStaff)}</h2>
            <form class="editor" novalidate on:submit=move |ev| {
                ev.prevent_default();
                created.set(None);
                create.dispatch(NewStaff {
                    name: name.get_untracked(),
                    email: email.get_untracked(),
                    role: Some(role.get_untracked()),
                    department_id: Some(department.get_untracked()).filter(|d| !d.is_empty()),
                });
            }>
                <label>
                    {move || i18n.t(Msg::FieldName)}
                    <input autocomplete="off" bind:value=name />
                    <span class="field-problem">{problem("name")}</span>
                </label>
                <label>
                    {move || i18n.t(PublicMsg::Email)}
                    <input type="email" autocomplete="off" bind:value=email />
                    <span class="field-problem">{problem("email")}</span>
                </label>
                <label>
                    {move || i18n.t(Msg::Role)}
                    <select on:change=move |ev| {
                        if let Some(r) = role_from_slug(&event_target_value(&ev)) {
                            role.set(r);
                        }
                    }>
                        {role_options(i18n, role)}
                    </select>
                    <span class="field-problem">{problem("role")}</span>
                </label>
                <label>
                    {move || i18n.t(Msg::Department)}
                    <select on:change=move |ev| department.set(event_target_value(&ev))>
                        {move || department_options(i18n, Msg::NoDepartment, choices.get(), department)}
                    </select>
                    <span class="field-problem">{problem("department_id")}</span>
                </label>
                <div class="form-actions">
                    <button type="submit" disabled=move || create.pending().get()>
                        {move || i18n.t(Msg::CreateStaff)}
                    </button>
                </div>
            </form>
            {move || created.get().map(|(who, password)| match password {
                Some(password) => {
                    let shown = password.clone();
                    view! {
                        <section class="panel" aria-labelledby="initial-password-h">
                            <h3 id="initial-password-h">{move || i18n.tf(Msg::InitialPassword, &[("name", &who)])}</h3>
                            <p><code>{shown}</code></p>
                            <p class="intro">{move || i18n.t(Msg::ShownOnce)}</p>
                            <div class="form-actions">
                                <button type="button" on:click=move |_| copy(password.clone())>
                                    {move || i18n.t(Msg::CopyPassword)}
                                </button>
                                <button type="button" on:click=move |_| created.set(None)>
                                    {move || i18n.t(Msg::DoneAction)}
                                </button>
                            </div>
                        </section>
                    }.into_any()
                }
                None => view! {
                    <p class="intro">{move || i18n.tf(Msg::NoPasswordLocal, &[("name", &who)])}</p>
                }.into_any(),
            })}
        </section>
    }
}
