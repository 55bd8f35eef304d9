use super::content_library::kind_options;
use crate::api::use_api;
use crate::components::{DraftNotice, ForbiddenView, PageHeader, TagsInput, use_draft, use_toasts};
use crate::error::{AppError, problem_message};
use crate::i18n::{I18n, Msg, PublicMsg, use_i18n};
use crate::viewer::use_viewer;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map};
use lianjie_core::content::{BLOCK_KINDS, Block, BlockBody, Content, ContentKind};
use lianjie_core::validate::FieldErrors;
use lianjie_core::{ids, markdown};

fn new_id(prefix: &str) -> String {
    format!("{prefix}-{}", &crate::api::local::random_token()[..10])
}

/// A new item's id lives in the address (`?id=`), so a reload finds its draft.
fn new_content_id() -> String {
    let search = window().location().search().unwrap_or_default();
    let from_url = web_sys::UrlSearchParams::new_with_str(&search)
        .ok()
        .and_then(|q| q.get("id"))
        .filter(|id| ids::parse_public_id(id).is_ok());
    from_url.unwrap_or_else(|| {
        let id = new_id("c");
        let navigate = use_navigate();
        let href = format!("/content/new?id={id}");
        // After the navigation that brought us here has settled.
        set_timeout(
            move || {
                navigate(
                    &href,
                    NavigateOptions {
                        replace: true,
                        ..Default::default()
                    },
                )
            },
            std::time::Duration::ZERO,
        );
        id
    })
}

fn draft_key(id: &str) -> String {
    format!("lianjie.draft.content.{id}")
}

fn block_label(kind: &str) -> Msg {
    match kind {
        "heading" => Msg::BlockHeading,
        "paragraph" => Msg::BlockParagraph,
        "image" => Msg::BlockImage,
        "quote" => Msg::BlockQuote,
        "list" => Msg::BlockList,
        "video" => Msg::KindVideo,
        "cta" => Msg::BlockCta,
        _ => Msg::BlockPage,
    }
}

fn field_label(field: &str) -> Msg {
    match field {
        "level" => Msg::FLevel,
        "url" => Msg::FUrl,
        "alt" => Msg::FAlt,
        "caption" => Msg::FCaption,
        "cite" => Msg::FCite,
        "ordered" => Msg::FOrdered,
        "items" => Msg::FItems,
        "poster_url" => Msg::FPoster,
        "duration_s" => Msg::FDuration,
        "label" => Msg::FLabel,
        "image_url" => Msg::FImageUrl,
        _ => Msg::FText,
    }
}

fn blank(id: String) -> Content {
    let now = chrono::Utc::now();
    Content {
        id,
        kind: ContentKind::Article,
        title: String::new(),
        summary: String::new(),
        cover_url: String::new(),
        tags: Vec::new(),
        blocks: Vec::new(),
        author_id: String::new(),
        created_at: now,
        updated_at: now,
    }
}

/// Creates (`/content/new`) or edits (`/content/:id/edit`) content as sections. Every
/// change is kept as a draft in this browser until saved, so nothing is lost to a
/// reload or a closed tab.
#[component]
pub fn ContentEditor() -> impl IntoView {
    let api = use_api();
    let params = use_params_map();
    let existing = params.read_untracked().get("id");
    let fresh = if existing.is_none() {
        new_content_id()
    } else {
        String::new()
    };
    let loaded = LocalResource::new(move || {
        let (api, existing, fresh) = (api.clone(), existing.clone(), fresh.clone());
        async move {
            let Some(id) = existing else {
                return Ok((blank(fresh), false));
            };
            ids::parse_public_id(&id)?;
            let saved = api
                .contents()
                .await?
                .into_iter()
                .find(|c| c.id == id)
                .ok_or(AppError::NotFound)?;
            Ok::<_, AppError>((saved, true))
        }
    });
    let viewer = use_viewer();
    view! {
        <Transition>
            {move || Suspend::new(async move {
                loaded.await.map(|(content, editing)| {
                    // Everyone reads the library, but an item is changed only by its
                    // author, a manager over them, or an admin.
                    let author = content.author_id.clone();
                    let edits = !editing
                        || viewer.with(|v| v.caller.edits_content(&author)).unwrap_or(true);
                    if edits {
                        view! { <EditorForm content editing /> }.into_any()
                    } else {
                        view! { <ForbiddenView /> }.into_any()
                    }
                })
            })}
        </Transition>
    }
}

#[component]
fn EditorForm(content: Content, editing: bool) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let toasts = use_toasts();
    let navigate = use_navigate();
    let key = draft_key(&content.id);
    let editing_draft = use_draft(key, content);
    let draft = editing_draft.value;
    let problems = RwSignal::new(FieldErrors::default());
    let save = Action::new_local(move |c: &Content| {
        let (api, c) = (api.clone(), c.clone());
        async move { api.save_content(c).await }
    });
    Effect::new(move || match save.value().get() {
        Some(Ok(saved)) => {
            editing_draft.saved_as(saved);
            toasts.info(i18n.t(Msg::Saved));
            navigate("/content", Default::default());
        }
        Some(Err(AppError::Invalid(errs))) => problems.set(errs),
        Some(Err(e)) => {
            toasts.error(i18n.t(e.message()), None);
        }
        None => {}
    });
    let text = move |get: fn(&Content) -> String, set: fn(&mut Content, String)| {
        (
            move || draft.with(get),
            move |ev| draft.update(|c| set(c, event_target_value(&ev))),
        )
    };
    let (title, set_title) = text(|c| c.title.clone(), |c, v| c.title = v);
    let (summary, set_summary) = text(|c| c.summary.clone(), |c, v| c.summary = v);
    let (cover, set_cover) = text(|c| c.cover_url.clone(), |c, v| c.cover_url = v);
    let tags = Signal::derive(move || draft.with(|c| c.tags.clone()));
    let set_tags = Callback::new(move |tags| draft.update(|c| c.tags = tags));
    let add_kind = RwSignal::new("paragraph".to_owned());
    let markdown_source = RwSignal::new(String::new());
    let problem = move |field: &'static str| {
        move || {
            problems
                .read()
                .get(field)
                .map(|p| i18n.t(problem_message(p)))
        }
    };
    view! {
        <PageHeader title=if editing { Msg::EditContent } else { Msg::NewContent } intro=Msg::EditorIntro />
        <DraftNotice draft=editing_draft />
        <form
            class="editor"
            on:submit=move |ev| {
                ev.prevent_default();
                let c = draft.get_untracked();
                match c.validate() {
                    Ok(()) => {
                        problems.set(FieldErrors::default());
                        save.dispatch(c);
                    }
                    Err(errs) => problems.set(errs),
                }
            }
        >
            <label>
                {move || i18n.t(Msg::FieldTitle)}
                <input prop:value=title on:input=set_title />
                <span class="field-problem">{problem("title")}</span>
            </label>
            <label>
                {move || i18n.t(Msg::FilterKind)}
                <select on:change=move |ev| {
                    if let Some(k) = ContentKind::from_slug(&event_target_value(&ev)) {
                        draft.update(|c| c.kind = k);
                    }
                }>
                    {kind_options(i18n, move |k| draft.with(|c| c.kind == k))}
                </select>
            </label>
            <label>
                {move || i18n.t(Msg::FieldSummary)}
                <textarea rows="2" prop:value=summary on:input=set_summary></textarea>
                <span class="field-problem">{problem("summary")}</span>
            </label>
            <label>
                {move || i18n.t(Msg::FieldTags)}
                <TagsInput tags on_change=set_tags />
            </label>
            <label>
                {move || i18n.t(Msg::FieldCover)}
                <input type="url" prop:value=cover on:input=set_cover />
                <span class="field-problem">{problem("cover_url")}</span>
            </label>

            <h2>{move || i18n.t(Msg::Sections)}</h2>
            <ol class="block-editor">
                <For
                    each=move || draft.with(|c| c.blocks.iter().map(|b| b.id.clone()).collect::<Vec<_>>())
                    key=|id| id.clone()
                    let(id)
                >
                    <BlockRow id draft problems i18n />
                </For>
            </ol>
            <div class="add-block">
                <label>
                    {move || i18n.t(Msg::SectionKind)}
                    <select on:change=move |ev| add_kind.set(event_target_value(&ev))>
                        {BLOCK_KINDS.map(|k| view! {
                            <option value=k selected=k == "paragraph">{move || i18n.t(block_label(k))}</option>
                        }).collect_view()}
                    </select>
                </label>
                <button type="button" on:click=move |_| {
                    if let Some(body) = BlockBody::empty(&add_kind.get_untracked()) {
                        draft.update(|c| c.blocks.push(Block { id: new_id("b"), tags: Vec::new(), body }));
                    }
                }>{move || i18n.t(Msg::AddSection)}</button>
            </div>
            <details class="markdown-import">
                <summary>{move || i18n.t(Msg::ImportMarkdown)}</summary>
                <label>
                    {move || i18n.t(Msg::MarkdownSource)}
                    <textarea rows="8" bind:value=markdown_source></textarea>
                </label>
                <button type="button" on:click=move |_| {
                    let blocks = markdown::to_blocks(&markdown_source.get_untracked(), || new_id("b"));
                    draft.update(|c| c.blocks.extend(blocks));
                    markdown_source.set(String::new());
                }>{move || i18n.t(Msg::ImportAction)}</button>
            </details>
            {move || (!problems.read().0.is_empty()).then(|| view! {
                <p role="alert" class="form-error">{move || i18n.t(PublicMsg::ErrInvalid)}</p>
            })}
            <p class="form-actions">
                <button type="submit" class="cta" disabled=move || save.pending().get()>
                    {move || i18n.t(Msg::SaveContent)}
                </button>
                <a href="/content">{move || i18n.t(Msg::BackToLibrary)}</a>
            </p>
        </form>
    }
}

/// One section's fields, its tags, and moving or removing it.
#[component]
fn BlockRow(
    id: String,
    draft: RwSignal<Content>,
    problems: RwSignal<FieldErrors>,
    i18n: I18n,
) -> impl IntoView {
    let position = {
        let id = id.clone();
        Memo::new(move |_| draft.with(|c| c.blocks.iter().position(|b| b.id == id)))
    };
    let (kind, fields) = draft.with_untracked(|c| {
        c.blocks
            .iter()
            .find(|b| b.id == id)
            .map_or(("paragraph", &[][..]), |b| (b.body.kind(), b.body.fields()))
    });
    let n = move || position.get().map_or(0, |i| i + 1).to_string();
    let edit = move |f: Box<dyn Fn(&mut Block)>| {
        draft.update(|c| {
            if let Some(i) = position.get_untracked() {
                f(&mut c.blocks[i]);
            }
        })
    };
    let read = move |f: fn(&Block, &str) -> String, name: &'static str| {
        move || {
            draft.with(|c| {
                position
                    .get()
                    .and_then(|i| c.blocks.get(i))
                    .map(|b| f(b, name))
                    .unwrap_or_default()
            })
        }
    };
    let problem_of = move |name: &'static str| {
        move || {
            let path = format!("blocks[{}].{name}", position.get().unwrap_or(0));
            problems
                .read()
                .get(&path)
                .map(|p| i18n.t(problem_message(p)))
        }
    };
    let moved = move |delta: isize| {
        draft.update(|c| {
            if let Some(i) = position.get_untracked() {
                let j = i as isize + delta;
                if j >= 0 && (j as usize) < c.blocks.len() {
                    c.blocks.swap(i, j as usize);
                }
            }
        })
    };
    let action_label = move |action: Msg| {
        move || {
            i18n.tf(
                Msg::SectionActionN,
                &[("action", i18n.t(action)), ("n", &n())],
            )
        }
    };
    view! {
        <li>
            <fieldset class="block-row">
                <legend>{move || i18n.tf(Msg::SectionN, &[("n", &n()), ("kind", i18n.t(block_label(kind)))])}</legend>
                {fields.iter().map(|name| {
                    let name: &'static str = name;
                    let value = read(|b, f| b.body.field(f), name);
                    let set = move |v: String| edit(Box::new(move |b: &mut Block| b.body.set_field(name, &v)));
                    let control = match name {
                        "ordered" => view! {
                            <input type="checkbox" prop:checked=move || value() == "true"
                                on:change=move |ev| set(event_target_checked(&ev).to_string()) />
                        }.into_any(),
                        "text" | "items" if kind != "heading" => view! {
                            <textarea rows="3" prop:value=value on:input=move |ev| set(event_target_value(&ev))></textarea>
                        }.into_any(),
                        _ => view! {
                            <input prop:value=value on:input=move |ev| set(event_target_value(&ev)) />
                        }.into_any(),
                    };
                    view! {
                        <label>
                            {move || i18n.t(field_label(name))}
                            {control}
                            <span class="field-problem">{problem_of(name)}</span>
                        </label>
                    }
                }).collect_view()}
                <label>
                    {move || i18n.t(Msg::FieldTags)}
                    <TagsInput
                        tags=Signal::derive(move || draft.with(|c| {
                            position.get().and_then(|i| c.blocks.get(i)).map(|b| b.tags.clone()).unwrap_or_default()
                        }))
                        on_change=Callback::new(move |tags: Vec<String>| edit(Box::new(move |b: &mut Block| b.tags = tags.clone())))
                    />
                </label>
                <div class="row-actions">
                    <button type="button" aria-label=action_label(Msg::MoveUp) on:click=move |_| moved(-1)>"↑"</button>
                    <button type="button" aria-label=action_label(Msg::MoveDown) on:click=move |_| moved(1)>"↓"</button>
                    <button type="button" aria-label=action_label(Msg::RemoveSection) on:click=move |_| {
                        draft.update(|c| {
                            if let Some(i) = position.get_untracked() {
                                c.blocks.remove(i);
                            }
                        })
                    }>{move || i18n.t(Msg::RemoveSection)}</button>
                </div>
            </fieldset>
        </li>
    }
}
