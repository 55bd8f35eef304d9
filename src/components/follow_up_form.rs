use super::{FormField, StageOptions, use_draft, use_toasts};
use crate::api::{local::random_token, use_api};
use crate::error::{AppError, problem_message};
use crate::i18n::{Msg, use_i18n};
use chrono::{DateTime, Local, NaiveDateTime, TimeZone, Utc};
use leptos::prelude::*;
use lianjie_core::crm::{FollowUpLogged, FollowUpMethod, NewFollowUp};
use lianjie_core::validate::{FieldErrors, FieldProblem};

/// The format of `<input type="datetime-local">`.
const LOCAL_INPUT: &str = "%Y-%m-%dT%H:%M";

/// Writes down a follow-up (跟进记录) in one step: how, what was said, when to follow
/// up next, and where the customer stands now. What is typed is kept as a draft
/// until it is saved, so a reload loses nothing.
#[component]
pub fn FollowUpForm(
    contact_id: String,
    /// Their stage now (offered first); `None` hides the stage (the caller may not
    /// change it).
    stage: Option<String>,
    /// The prefix of its elements' ids, so two forms on a page never share one.
    #[prop(default = "follow-up")]
    form: &'static str,
    #[prop(into, optional)] on_logged: Option<Callback<FollowUpLogged>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let draft = use_draft(
        format!("lianjie.draft.follow-up.{contact_id}"),
        String::new(),
    );
    let text = draft.value;
    let method = RwSignal::new(FollowUpMethod::default());
    let next_at = RwSignal::new(String::new());
    let moves_stage = stage.is_some();
    let to_stage = RwSignal::new(stage.clone().unwrap_or_default());
    let problems = RwSignal::new(FieldErrors::default());
    // One id per follow-up written: a retry after a failure is the same follow-up.
    let id = RwSignal::new(format!("fu-{}", random_token()));
    let toasts = use_toasts();
    let send = Action::new_local(move |new: &NewFollowUp| {
        let (api, contact_id, new) = (api.clone(), contact_id.clone(), new.clone());
        async move {
            let done = api.log_follow_up(contact_id, new).await;
            // Said here, not by the form: the page may show the customer afresh (and
            // this form with it) before the form hears the answer.
            if done.is_ok() {
                toasts.info(i18n.t(Msg::FollowUpSaved));
            }
            done
        }
    });
    Effect::new(move || match send.value().get() {
        Some(Ok(done)) => {
            draft.saved_as(String::new());
            next_at.set(String::new());
            id.set(format!("fu-{}", random_token()));
            if let Some(on_logged) = on_logged {
                on_logged.run(done);
            }
        }
        Some(Err(AppError::Invalid(errs))) => problems.set(errs),
        _ => {}
    });
    let failed = move || match send.value().get() {
        Some(Err(e)) if !matches!(e, AppError::Invalid(_)) => Some(i18n.t(e.message())),
        _ => None,
    };
    let next_problem = move || {
        problems
            .read()
            .get("next_at")
            .map(|p| i18n.t(problem_message(p)))
    };
    let current = stage.clone();
    let ids = |part: &str| format!("{form}-{part}");
    view! {
        <form class="follow-up-form" aria-labelledby=ids("h") on:submit=move |ev| {
            ev.prevent_default();
            let next = parse_local(&next_at.get_untracked());
            let mut new = NewFollowUp {
                id: id.get_untracked(),
                method: method.get_untracked(),
                text: text.get_untracked(),
                next_at: next.flatten(),
                stage: None,
            };
            let chosen = to_stage.get_untracked();
            if moves_stage && Some(&chosen) != current.as_ref() {
                new.stage = Some(chosen);
            }
            let mut errs = match new.validate(Utc::now()) {
                Ok(()) => FieldErrors::default(),
                Err(e) => e,
            };
            if next.is_none() {
                errs.check("next_at", Err(FieldProblem::Range));
            }
            if errs.0.is_empty() {
                problems.set(errs);
                send.dispatch(new);
            } else {
                problems.set(errs);
            }
        }>
            <h2 id=ids("h")>{move || i18n.t(Msg::LogFollowUp)}</h2>
            <div class="form-grid">
                <label for=ids("method")>{move || i18n.t(Msg::FollowUpMethodLabel)}</label>
                <select id=ids("method") on:change=move |ev| {
                    let i: usize = event_target_value(&ev).parse().unwrap_or(0);
                    method.set(FollowUpMethod::ALL.get(i).copied().unwrap_or_default());
                }>
                    {FollowUpMethod::ALL.into_iter().enumerate().map(|(i, m)| view! {
                        <option value=i.to_string() selected=move || method.get() == m>{move || i18n.method(m)}</option>
                    }).collect_view()}
                </select>
                <span class="field-problem"></span>
                <FormField form key="text" label=Msg::FollowUpText value=text problems multiline=true />
                <label for=ids("next")>{move || i18n.t(Msg::NextFollowUp)}</label>
                <input id=ids("next") type="datetime-local" bind:value=next_at
                    aria-invalid=move || next_problem().is_some().to_string()
                    aria-describedby=ids("next-problem") />
                <span class="field-problem" id=ids("next-problem")>{next_problem}</span>
                {moves_stage.then(|| view! {
                    <label for=ids("stage")>{move || i18n.t(Msg::Stage)}</label>
                    <select id=ids("stage") on:change=move |ev| to_stage.set(event_target_value(&ev))>
                        <StageOptions selected=Signal::derive(move || to_stage.get()) />
                    </select>
                    <span class="field-problem"></span>
                })}
            </div>
            {move || failed().map(|m| view! { <p role="alert" class="form-error">{m}</p> })}
            <div class="form-actions">
                <button type="submit" class="cta" disabled=move || send.pending().get()>
                    {move || i18n.t(Msg::SaveFollowUp)}
                </button>
            </div>
        </form>
    }
}

/// What a `datetime-local` input holds, as a time: `Some(None)` when empty, `None`
/// when it is not a time this browser's zone has.
fn parse_local(value: &str) -> Option<Option<DateTime<Utc>>> {
    if value.trim().is_empty() {
        return Some(None);
    }
    let naive = NaiveDateTime::parse_from_str(value, LOCAL_INPUT).ok()?;
    Local
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| Some(t.with_timezone(&Utc)))
}
