//! How the organization works its customers, on the settings page: the list of tags
//! reps choose from (admins and managers) and the stages customers move through
//! (admins). Each list is edited here and saved whole.

use crate::api::{local::random_token, use_api};
use crate::components::use_toasts;
use crate::error::{AppError, problem_message};
use crate::i18n::{I18n, Msg, use_i18n};
use crate::viewer::use_viewer;
use leptos::prelude::*;
use lianjie_core::crm::{MAX_STAGE_CHARS, MAX_TAG_CHARS, OrgStages, OrgTags, Stage, StageKind};
use lianjie_core::scope::Action as Permission;
use lianjie_core::team::Organization;
use lianjie_core::validate::{FieldErrors, FieldProblem};

#[component]
pub fn CrmSettings() -> impl IntoView {
    let viewer = use_viewer();
    // Read once: saving reads the viewer again, which must not redraw (and empty)
    // the editors. (The settings page draws this afresh when the role changes.)
    let may = |action| viewer.with_untracked(|v| v.may(action)).unwrap_or(false);
    let (tags, stages) = (
        may(Permission::CurateTags),
        may(Permission::ConfigureStages),
    );
    view! {
        <div class="settings-stack">
            {tags.then(|| view! { <TagListEditor /> })}
            {stages.then(|| view! { <StageEditor /> })}
            {stages.then(|| view! { <super::pool_settings::PoolEditor /> })}
        </div>
    }
}

/// Saves with `save`, then reads the viewer afresh (the organization changed) and
/// says so; refused fields land in `problems`. (Other open workbenches see the
/// change on their next load: there is no event for it yet.)
pub(super) fn use_save<T: Clone + 'static>(
    problems: RwSignal<FieldErrors>,
    save: impl Fn(T) -> crate::api::ApiFuture<Organization> + 'static,
) -> Action<T, Result<Organization, AppError>> {
    let (i18n, toasts, viewer) = (use_i18n(), use_toasts(), use_viewer());
    let save = std::rc::Rc::new(save);
    let action = Action::new_local(move |body: &T| {
        let (save, body) = (save.clone(), body.clone());
        async move { save(body).await }
    });
    Effect::new(move || match action.value().get() {
        Some(Ok(_)) => {
            problems.set(FieldErrors::default());
            viewer.reload();
            toasts.info(i18n.t(Msg::Saved));
        }
        Some(Err(AppError::Invalid(e))) => problems.set(e),
        Some(Err(e)) => {
            toasts.error(i18n.t(e.message()), None);
        }
        None => {}
    });
    action
}

#[component]
fn TagListEditor() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let viewer = use_viewer();
    let tags = RwSignal::new(
        viewer
            .with_untracked(|v| v.org.tags.clone())
            .unwrap_or_default(),
    );
    let typed = RwSignal::new(String::new());
    let problems = RwSignal::new(FieldErrors::default());
    let save = use_save(problems, move |tags| api.set_org_tags(tags));
    let add = move || {
        let tag = typed.get_untracked().trim().to_owned();
        if !tag.is_empty() && tag.chars().count() <= MAX_TAG_CHARS {
            tags.update(|t| {
                if !t.contains(&tag) {
                    t.push(tag);
                }
            });
            typed.set(String::new());
        }
    };
    let problem = move || {
        problems
            .read()
            .get("tags")
            .map(|p| i18n.t(problem_message(p)))
    };
    view! {
        <section class="panel" aria-labelledby="tag-list-h">
            <h2 id="tag-list-h">{move || i18n.t(Msg::TagListTitle)}</h2>
            <p class="muted">{move || i18n.t(Msg::TagListIntro)}</p>
            <ul class="tag-list" aria-label=move || i18n.t(Msg::TagListTitle)>
                {move || tags.get().into_iter().map(|tag| {
                    let gone = tag.clone();
                    let label = i18n.tf(Msg::RemoveTagN, &[("tag", &tag)]);
                    view! {
                        <li class="tag">
                            {tag}
                            <button type="button" class="ghost" aria-label=label
                                on:click=move |_| tags.update(|t| t.retain(|x| *x != gone))>"×"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form class="inline-field" on:submit=move |ev| { ev.prevent_default(); add(); }>
                <label for="tag-list-new">{move || i18n.t(Msg::NewTag)}</label>
                <input id="tag-list-new" type="text" maxlength=MAX_TAG_CHARS.to_string() bind:value=typed />
                <button type="submit">{move || i18n.t(Msg::AddToList)}</button>
            </form>
            {move || problem().map(|p| view! { <p class="field-problem" role="alert">{p}</p> })}
            <div class="form-actions">
                <button type="button" class="cta" disabled=move || save.pending().get()
                    on:click=move |_| { save.dispatch(OrgTags { tags: tags.get_untracked() }); }>
                    {move || i18n.t(Msg::SaveTags)}
                </button>
            </div>
        </section>
    }
}

#[component]
fn StageEditor() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let viewer = use_viewer();
    let stages = RwSignal::new(
        viewer
            .with_untracked(|v| v.org.stages())
            .unwrap_or_default(),
    );
    let problems = RwSignal::new(FieldErrors::default());
    let save = use_save(problems, move |stages| api.set_stages(stages));
    // Rows are drawn again when their number changes, not as a name is typed.
    let count = Memo::new(move |_| stages.with(Vec::len));
    let problem = move || {
        problems.with(|p| {
            p.0.first().map(|e| match (e.field.as_str(), &e.problem) {
                ("stages", FieldProblem::InUse) => i18n.t(Msg::StagesInUse),
                ("stages", _) => i18n.t(Msg::StagesShape),
                (_, other) => i18n.t(problem_message(other)),
            })
        })
    };
    view! {
        <section class="panel" aria-labelledby="stages-h">
            <h2 id="stages-h">{move || i18n.t(Msg::StagesTitle)}</h2>
            <p class="muted">{move || i18n.t(Msg::StagesIntro)}</p>
            <ol class="stage-editor">
                {move || (0..count.get()).map(|n| view! { <StageRow n stages i18n /> }).collect_view()}
            </ol>
            {move || problem().map(|p| view! { <p class="field-problem" role="alert">{p}</p> })}
            <div class="form-actions">
                <button type="button" on:click=move |_| stages.update(|s| s.push(Stage {
                    id: format!("s-{}", &random_token()[..8]),
                    name: Some(String::new()),
                    kind: StageKind::Open,
                }))>
                    {move || i18n.t(Msg::AddStage)}
                </button>
                <button type="button" class="cta" disabled=move || save.pending().get()
                    on:click=move |_| { save.dispatch(OrgStages { stages: stages.get_untracked() }); }>
                    {move || i18n.t(Msg::SaveStages)}
                </button>
            </div>
        </section>
    }
}

/// Stage `n` (from 0): its name (a built-in one shows its name in the reader's
/// language until renamed), whether it is open or how it ends, and moving it.
#[component]
fn StageRow(n: usize, stages: RwSignal<Vec<Stage>>, i18n: I18n) -> impl IntoView {
    let viewer = use_viewer();
    // `try_with`: a row may be asked once more as the editor goes (signing out).
    let stage = move || stages.try_with(|s| s.get(n).cloned()).flatten();
    let label = |msg| i18n.tf(msg, &[("n", &(n + 1).to_string())]);
    let shown_name = move || {
        stage().map(|s| match s.name {
            Some(name) => name,
            None => viewer
                .with(|v| i18n.stage(&v.org, &s.id))
                .unwrap_or_default(),
        })
    };
    let last = move || stages.try_with(Vec::len).unwrap_or(0).saturating_sub(1);
    view! {
        <li class="stage-row">
            <input type="text" aria-label=label(Msg::StageNameN) maxlength=MAX_STAGE_CHARS.to_string() prop:value=shown_name
                on:input=move |ev| {
                    let name = event_target_value(&ev);
                    stages.update(|s| if let Some(st) = s.get_mut(n) { st.name = Some(name) });
                } />
            <select aria-label=label(Msg::StageKindN) on:change=move |ev| {
                let kind = match event_target_value(&ev).as_str() {
                    "won" => StageKind::Won,
                    "lost" => StageKind::Lost,
                    _ => StageKind::Open,
                };
                stages.update(|s| if let Some(st) = s.get_mut(n) { st.kind = kind });
            }>
                {[(StageKind::Open, "open", Msg::KindOpen), (StageKind::Won, "won", Msg::KindWon), (StageKind::Lost, "lost", Msg::KindLost)]
                    .into_iter().map(|(kind, value, msg)| view! {
                        <option value=value selected=move || stage().is_some_and(|s| s.kind == kind)>{move || i18n.t(msg)}</option>
                    }).collect_view()}
            </select>
            <button type="button" class="ghost" aria-label=label(Msg::MoveUpN) disabled=move || n == 0
                on:click=move |_| { stages.update(|s| if n > 0 && n < s.len() { s.swap(n - 1, n) }) }>"↑"</button>
            <button type="button" class="ghost" aria-label=label(Msg::MoveDownN) disabled=move || { n >= last() }
                on:click=move |_| { stages.update(|s| if n + 1 < s.len() { s.swap(n, n + 1) }) }>"↓"</button>
            <button type="button" class="ghost" aria-label=label(Msg::RemoveStageN)
                on:click=move |_| { stages.update(|s| if n < s.len() { s.remove(n); }) }>"×"</button>
        </li>
    }
}
