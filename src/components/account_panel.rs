use crate::api::{Accounts, use_api};
use crate::components::{LoadFailed, use_toasts};
use crate::error::{AppError, problem_message};
use crate::i18n::{Msg, local_time, use_i18n};
use crate::viewer::use_viewer;
use leptos::prelude::*;
use lianjie_core::validate::{FieldErrors, FieldProblem};

/// The server's shortest accepted password, checked here first to answer at once.
const MIN_PASSWORD: usize = 10;

/// The signed-in staff member's own account: who they are, and with real accounts
/// (http) their password and sessions. The in-browser demo has neither, and says so
/// rather than offering controls that cannot work. Signing out is in the side bar,
/// on every page.
#[component]
pub fn AccountPanel() -> impl IntoView {
    let i18n = use_i18n();
    let viewer = use_viewer();
    let accounts = use_api().accounts();
    let who = move || {
        viewer.with(|v| {
            let department = v.department_of(&v.me);
            let department = if department.is_empty() {
                i18n.t(Msg::NoDepartment).to_owned()
            } else {
                department
            };
            format!(
                "{} · {} · {} · {}",
                v.me.name,
                v.me.email,
                i18n.role(v.me.role),
                department
            )
        })
    };
    view! {
        <section class="panel" aria-labelledby="account-h">
            <h2 id="account-h">{move || i18n.t(Msg::Account)}</h2>
            <p>{who}</p>
            {match accounts {
                Accounts::Demo => {
                    view! { <p class="intro">{move || i18n.t(Msg::DemoAccountNote)}</p> }.into_any()
                }
                Accounts::SignIn => view! { <PasswordAndSessions /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn PasswordAndSessions() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let toasts = use_toasts();
    let sessions = LocalResource::new({
        let api = api.clone();
        move || api.sessions()
    });
    let old = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let problems = RwSignal::new(FieldErrors::default());
    let change = Action::new_local({
        let api = api.clone();
        move |(old, new): &(String, String)| api.change_password(old.clone(), new.clone())
    });
    Effect::new(move || match change.value().get() {
        Some(Ok(())) => {
            old.set(String::new());
            new.set(String::new());
            problems.set(FieldErrors::default());
            toasts.info(i18n.t(Msg::PasswordChanged));
            // The server ended every other session.
            sessions.refetch();
        }
        Some(Err(AppError::Invalid(errs))) => problems.set(errs),
        Some(Err(e)) => {
            toasts.error(i18n.t(e.message()), None);
        }
        None => {}
    });
    let end = Action::new_local(move |id: &String| api.end_session(id.clone()));
    Effect::new(move || match end.value().get() {
        Some(Ok(())) => {
            toasts.info(i18n.t(Msg::SessionEnded));
            sessions.refetch();
        }
        Some(Err(e)) => {
            toasts.error(i18n.t(e.message()), None);
        }
        None => {}
    });
    // What each field's problem means here: a wrong current password is "range".
    let problem = move |field: &'static str| {
        move || {
            problems.read().get(field).map(|p| match (field, p) {
                ("old_password", FieldProblem::Range) => i18n.t(Msg::WrongOldPassword),
                ("new_password", FieldProblem::Range | FieldProblem::TooLong { .. }) => {
                    i18n.t(Msg::NewPasswordHint)
                }
                _ => i18n.t(problem_message(p)),
            })
        }
    };
    let invalid =
        move |field: &'static str| move || problems.read().get(field).is_some().to_string();
    view! {
        <form
            class="editor"
            novalidate
            aria-labelledby="password-h"
            on:submit=move |ev| {
                ev.prevent_default();
                let (o, n) = (old.get_untracked(), new.get_untracked());
                let mut errs = FieldErrors::default();
                errs.check("old_password", if o.is_empty() { Err(FieldProblem::Required) } else { Ok(()) })
                    .check("new_password", if n.chars().count() < MIN_PASSWORD { Err(FieldProblem::Range) } else { Ok(()) });
                match errs.into_result() {
                    Ok(()) => {
                        problems.set(FieldErrors::default());
                        change.dispatch((o, n));
                    }
                    Err(errs) => problems.set(errs),
                }
            }
        >
            <h3 id="password-h">{move || i18n.t(Msg::ChangePassword)}</h3>
            <label>
                {move || i18n.t(Msg::CurrentPassword)}
                <input type="password" autocomplete="current-password" bind:value=old
                    aria-invalid=invalid("old_password") />
                <span class="field-problem">{problem("old_password")}</span>
            </label>
            <label>
                {move || i18n.t(Msg::NewPassword)}
                <input type="password" autocomplete="new-password" minlength=MIN_PASSWORD.to_string()
                    bind:value=new aria-invalid=invalid("new_password") aria-describedby="new-password-hint" />
                <span id="new-password-hint" class="intro">{move || i18n.t(Msg::NewPasswordHint)}</span>
                <span class="field-problem">{problem("new_password")}</span>
            </label>
            <div class="form-actions">
                <button type="submit" disabled=move || change.pending().get()>
                    {move || i18n.t(Msg::ChangePassword)}
                </button>
            </div>
        </form>
        <section aria-labelledby="sessions-h">
            <h3 id="sessions-h">{move || i18n.t(Msg::Sessions)}</h3>
            <p class="intro">{move || i18n.t(Msg::SessionsIntro)}</p>
            <LoadFailed resource=sessions />
            <Transition>
                {move || Suspend::new(async move {
                    let list = sessions.await.unwrap_or_default();
                    view! {
                        <ul class="content-list">
                            {list.into_iter().map(|s| {
                                let (created, expires) = (local_time(s.created_at), local_time(s.expires_at));
                                let line = move || i18n.tf(Msg::SessionLine, &[("created", &created), ("expires", &expires)]);
                                let id = s.id.clone();
                                view! {
                                    <li class="content-item">
                                        <p>{line}</p>
                                        {if s.current {
                                            view! { <span class="tag">{move || i18n.t(Msg::ThisDevice)}</span> }.into_any()
                                        } else {
                                            view! {
                                                <button type="button" disabled=move || end.pending().get()
                                                    on:click=move |_| { end.dispatch(id.clone()); }>
                                                    {move || i18n.t(Msg::EndSession)}
                                                </button>
                                            }.into_any()
                                        }}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }
                })}
            </Transition>
        </section>
    }
}
