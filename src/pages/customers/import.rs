//! Importing customers from a CSV file: choose the file, say what each column holds,
//! what to do with duplicates and who owns rows that name nobody, see what would
//! happen to every row, then import in parts with progress and a report. Nothing is
//! kept before "Confirm import".

use crate::api::{local::random_token, use_api};
use crate::error::{AppError, problem_message};
use crate::i18n::{I18n, Msg, PublicMsg, use_i18n};
use crate::viewer::{Viewer, use_viewer};
use leptos::prelude::*;
use lianjie_core::customer_csv::{
    Column, CsvError, CsvTable, ImportReport, ImportRows, MAX_IMPORT_ROWS, OnDuplicate, RowResult,
    SkipReason, guess_columns, read_csv,
};
use std::sync::Arc;

/// Rows sent in one request when importing, so the page answers between parts and
/// shows progress.
const PART: usize = 500;
/// Rows of the report listed by number; the rest are counted.
const LISTED: usize = 100;

/// The file chosen, read into cells, with the id its customers are made under (a
/// file of its own, an id of its own).
#[derive(Clone)]
struct Chosen {
    name: String,
    table: Arc<CsvTable>,
    id: String,
}

/// How far an import went: rows answered, of all (kept after a failure, to say how
/// far it got).
type Progress = (usize, usize);

#[component]
pub fn CustomerImport(
    /// True while rows are being imported: the page keeps the panel open meanwhile.
    busy: RwSignal<bool>,
    /// Called when the person is done (or gives up); the list refetches.
    #[prop(into)]
    on_close: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let viewer = use_viewer();
    let chosen = RwSignal::new(None::<Chosen>);
    let unreadable = RwSignal::new(None::<String>);
    let columns = RwSignal::new(Vec::<Option<Column>>::new());
    let on_duplicate = RwSignal::new(OnDuplicate::Merge);
    // "" for the viewer themselves.
    let owner = RwSignal::new(String::new());

    // The file's rows with what was chosen for them (tracked where called tracked).
    let request = move |commit: bool| {
        chosen.get().map(|file| ImportRows {
            id: file.id,
            columns: columns.get(),
            rows: file.table.rows.clone(),
            on_duplicate: on_duplicate.get(),
            owner_id: Some(owner.get()).filter(|o| !o.is_empty()),
            commit,
        })
    };
    let has_name = move || columns.with(|c| c.contains(&Some(Column::Name)));
    let preview = LocalResource::new({
        let api = api.clone();
        move || {
            let req = request(false).filter(|_| has_name());
            let api = api.clone();
            async move { Some(api.import_customers(req?).await) }
        }
    });
    let progress = RwSignal::new(None::<Progress>);
    let run = Action::new_local(move |_: &()| {
        let api = api.clone();
        // Fixed now: what is chosen while the parts go does not change them.
        let all = untrack(move || request(true));
        async move {
            let Some(all) = all else {
                return Ok(ImportReport::default());
            };
            let total = all.rows.len();
            let mut report = ImportReport::default();
            for part in all.rows.chunks(PART) {
                progress.try_set(Some((report.rows.len(), total)));
                // A part sent again makes nobody twice, so Retry starts over.
                let req = ImportRows {
                    rows: part.to_vec(),
                    ..all.clone()
                };
                report.rows.extend(api.import_customers(req).await?.rows);
            }
            progress.try_set(None);
            Ok::<_, AppError>(report)
        }
    });
    Effect::new(move || busy.set(run.pending().get()));
    let on_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        let name = file.name();
        leptos::task::spawn_local(async move {
            let read = gloo_file::futures::read_as_bytes(&gloo_file::File::from(file)).await;
            let table = match read {
                Ok(bytes) => read_csv(&decode(bytes)).map_err(|e| csv_problem(i18n, &e)),
                Err(_) => Err(i18n.t(Msg::FileUnreadable).to_owned()),
            };
            match table {
                Ok(table) => {
                    columns.try_set(guess_columns(&table.header));
                    unreadable.try_set(None);
                    chosen.try_set(Some(Chosen {
                        name,
                        table: Arc::new(table),
                        id: format!("imp-{}", random_token()),
                    }));
                }
                Err(problem) => {
                    chosen.try_set(None);
                    unreadable.try_set(Some(problem));
                }
            }
        });
    };
    let owners = move || viewer.with(Viewer::assignable).unwrap_or_default();
    let busy = move || run.pending().get();
    let done = Memo::new(move |_| run.value().with(|v| matches!(v, Some(Ok(_)))));
    let file_line = move || {
        chosen.with(|c| {
            c.as_ref().map(|f| {
                i18n.tf(
                    Msg::FileRows,
                    &[("file", &f.name), ("n", &f.table.rows.len().to_string())],
                )
            })
        })
    };
    let ready = move || {
        !busy()
            && has_name()
            && preview.with(|p| matches!(p, Some(Some(Ok(r))) if r.counts().0 + r.counts().1 > 0))
    };

    view! {
        <section class="panel import-panel" aria-labelledby="import-h">
            <h2 id="import-h">{move || i18n.t(Msg::ImportCustomers)}</h2>
            <Show when=move || !done.get()>
                <p class="muted">{move || i18n.t(Msg::ImportHint)}</p>
                <label class="inline-field">
                    <span>{move || i18n.t(Msg::CsvFile)}</span>
                    <input type="file" accept=".csv,text/csv" disabled=busy on:change=on_file />
                </label>
                {move || unreadable.get().map(|p| view! { <p class="field-problem" role="alert">{p}</p> })}
                // Drawn afresh for each file only (what is chosen lives in signals).
                {move || chosen.get().map(|file| view! {
                    <p>{file_line}</p>
                    <fieldset class="import-choices" disabled=busy>
                        <ColumnChoices table=file.table columns />
                        <fieldset class="choice-row">
                            <legend>{move || i18n.t(Msg::DuplicatesRule)}</legend>
                            {[(OnDuplicate::Merge, Msg::DuplicateMerge), (OnDuplicate::Skip, Msg::DuplicateSkip)]
                                .into_iter().map(|(rule, label)| view! {
                                    <label class="inline-field">
                                        <input type="radio" name="import-duplicates"
                                            prop:checked=move || on_duplicate.get() == rule
                                            on:change=move |_| on_duplicate.set(rule) />
                                        <span>{move || i18n.t(label)}</span>
                                    </label>
                                }).collect_view()}
                        </fieldset>
                        {(owners().len() > 1).then(|| view! {
                            <label class="inline-field">
                                <span>{move || i18n.t(Msg::OwnerForRows)}</span>
                                <select prop:value=move || owner.get()
                                    on:change=move |ev| owner.set(event_target_value(&ev))>
                                    {owners().into_iter().map(|(id, name)| {
                                        let mine = viewer.with_untracked(|v| v.me.id == id).unwrap_or(false);
                                        view! { <option value=if mine { String::new() } else { id }>{name}</option> }
                                    }).collect_view()}
                                </select>
                            </label>
                        })}
                    </fieldset>
                })}
            </Show>
            <Show when=move || chosen.with(Option::is_some) && !done.get()>
                {move || if has_name() {
                    view! { <Preview preview /> }.into_any()
                } else {
                    view! { <p class="field-problem" role="alert">{i18n.t(Msg::NeedNameColumn)}</p> }.into_any()
                }}
                {move || progress.get().map(|(n, total)| {
                    let said = i18n.tf(Msg::ImportingN, &[("n", &n.to_string()), ("total", &total.to_string())]);
                    view! {
                        <p role="status">
                            <progress max=total.to_string() value=n.to_string() aria-label=said.clone()></progress>
                            " " {said.clone()}
                        </p>
                    }
                })}
                {move || run.value().with(|v| match v {
                    Some(Err(e)) => Some(view! {
                        <p class="field-problem" role="alert">{i18n.t(e.message())}</p>
                    }),
                    _ => None,
                })}
                <div class="form-actions">
                    <button type="button" class="cta" disabled=move || !ready() on:click=move |_| { run.dispatch(()); }>
                        {move || if run.value().with(|v| matches!(v, Some(Err(_)))) { i18n.t(PublicMsg::Retry) } else { i18n.t(Msg::ImportNRows) }}
                    </button>
                    <button type="button" class="ghost" disabled=busy on:click=move |_| on_close.run(())>
                        {move || i18n.t(Msg::Cancel)}
                    </button>
                </div>
            </Show>
            {move || run.value().get().and_then(Result::ok).map(|report| {
                let (created, merged, skipped) = report.counts();
                view! {
                    <p role="status" class="import-summary">
                        {i18n.tf(Msg::ImportDone, &[
                            ("created", &created.to_string()),
                            ("merged", &merged.to_string()),
                            ("skipped", &skipped.to_string()),
                        ])}
                    </p>
                    <RowList report done=true />
                    <div class="form-actions">
                        <button type="button" class="cta" autofocus on:click=move |_| on_close.run(())>
                            {move || i18n.t(Msg::DoneAction)}
                        </button>
                    </div>
                }
            })}
        </section>
    }
}

/// A `<select>` per column of the file, with an example value, guessed at first.
#[component]
fn ColumnChoices(table: Arc<CsvTable>, columns: RwSignal<Vec<Option<Column>>>) -> impl IntoView {
    let i18n = use_i18n();
    let choices = table
        .header
        .iter()
        .enumerate()
        .map(|(n, heading)| {
            let example = table
                .rows
                .iter()
                .filter_map(|r| r.cells.get(n))
                .find(|c| !c.trim().is_empty())
                .cloned()
                .unwrap_or_default();
            let heading = heading.clone();
            let chosen = move || columns.with(|c| c.get(n).copied().flatten());
            view! {
                <label class="column-choice">
                    <span>{let heading = heading.clone(); move || i18n.tf(Msg::ColumnHolds, &[("heading", &heading)])}</span>
                    <select on:change=move |ev| {
                        let picked = Column::from_key(&event_target_value(&ev));
                        columns.update(|c| {
                            // One column per field: the one it came from is left out.
                            for other in c.iter_mut().filter(|o| picked.is_some() && **o == picked) {
                                *other = None;
                            }
                            if let Some(slot) = c.get_mut(n) {
                                *slot = picked;
                            }
                        });
                    }>
                        <option value="" selected=move || chosen().is_none()>{move || i18n.t(Msg::LeaveOut)}</option>
                        {Column::ALL.into_iter().map(|col| view! {
                            <option value=col.key() selected=move || chosen() == Some(col)>
                                {move || col.heading(i18n.locale())}
                            </option>
                        }).collect_view()}
                    </select>
                    {(!example.is_empty()).then(|| view! {
                        <small class="muted">{move || i18n.tf(Msg::ExampleValue, &[("value", &example)])}</small>
                    })}
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="column-choices">
            <legend>{move || i18n.t(Msg::ColumnsHold)}</legend>
            {choices}
        </fieldset>
    }
}

/// What importing the file would do: counts, and the rows to look at.
#[component]
fn Preview(preview: LocalResource<Option<Result<ImportReport, AppError>>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        match preview.get() {
        None | Some(None) => view! { <p role="status">{i18n.t(Msg::Checking)}</p> }.into_any(),
        Some(Some(Err(e))) => view! {
            <p class="field-problem" role="alert">{i18n.t(e.message())} " "
                <button type="button" on:click=move |_| preview.refetch()>{i18n.t(PublicMsg::Retry)}</button>
            </p>
        }
        .into_any(),
        Some(Some(Ok(report))) => {
            let (created, merged, skipped) = report.counts();
            view! {
                <p role="status" class="import-summary">
                    {i18n.tf(Msg::ImportWould, &[
                        ("created", &created.to_string()),
                        ("merged", &merged.to_string()),
                        ("skipped", &skipped.to_string()),
                    ])}
                </p>
                <RowList report done=false />
            }
            .into_any()
        }
    }
    }
}

/// The rows merged or skipped, each with what happened (`done`) or will happen, and
/// why.
#[component]
fn RowList(report: ImportReport, done: bool) -> impl IntoView {
    let i18n = use_i18n();
    let noted: Vec<_> = report
        .rows
        .iter()
        .filter(|r| !matches!(r.result, RowResult::Created { .. }))
        .collect();
    let more = noted.len().saturating_sub(LISTED);
    let items = noted
        .iter()
        .take(LISTED)
        .map(|r| {
            let what = outcome_text(i18n, &r.result, done);
            let row = i18n.tf(Msg::RowN, &[("row", &r.row.to_string())]);
            let class = if matches!(r.result, RowResult::Skipped { .. }) {
                "skipped"
            } else {
                "merged"
            };
            view! { <li class=class><strong>{row}</strong> " " {what}</li> }
        })
        .collect_view();
    (!noted.is_empty()).then(|| {
        view! {
            <h3 id="import-rows-h">{i18n.t(Msg::RowsToCheck)}</h3>
            // It scrolls, so it takes focus: the keyboard scrolls it too.
            <ul class="import-rows" tabindex="0" aria-labelledby="import-rows-h">{items}</ul>
            {(more > 0).then(|| view! { <p class="muted">{i18n.tf(Msg::AndNMore, &[("n", &more.to_string())])}</p> })}
        }
    })
}

fn outcome_text(i18n: I18n, result: &RowResult, done: bool) -> String {
    let reason = match result {
        RowResult::Created { .. } => return String::new(),
        RowResult::Merged { name, .. } => {
            let msg = if done {
                Msg::MergedInto
            } else {
                Msg::MergesInto
            };
            return i18n.tf(msg, &[("name", name)]);
        }
        RowResult::Skipped { reason } => reason,
    };
    match reason {
        SkipReason::Blank => i18n.t(Msg::SkipBlank).to_owned(),
        SkipReason::Cells { found, expected } => i18n.tf(
            Msg::SkipCells,
            &[
                ("found", &found.to_string()),
                ("expected", &expected.to_string()),
            ],
        ),
        SkipReason::Invalid { errors } => errors
            .0
            .iter()
            .map(|e| {
                let field = Column::from_key(&e.field)
                    .map_or(e.field.as_str(), |c| c.heading(i18n.locale()));
                i18n.tf(
                    Msg::FieldIssue,
                    &[
                        ("field", field),
                        ("problem", i18n.t(problem_message(&e.problem))),
                    ],
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        SkipReason::Owner { given } => i18n.tf(Msg::SkipOwner, &[("given", given)]),
        SkipReason::Duplicate { name, .. } => i18n.tf(Msg::SkipDuplicate, &[("name", name)]),
        SkipReason::NotYours { name } => i18n.tf(Msg::SkipNotYours, &[("name", name)]),
        SkipReason::Ambiguous { names } => i18n.tf(
            Msg::SkipAmbiguous,
            &[("names", &names.join(i18n.t(Msg::ListSep)))],
        ),
    }
}

fn csv_problem(i18n: I18n, e: &CsvError) -> String {
    match e {
        CsvError::Empty => i18n.t(Msg::CsvEmpty).to_owned(),
        CsvError::TooManyRows { .. } => {
            i18n.tf(Msg::CsvTooMany, &[("max", &MAX_IMPORT_ROWS.to_string())])
        }
        CsvError::Malformed { row } => i18n.tf(Msg::CsvMalformed, &[("row", &row.to_string())]),
        CsvError::TooLarge { max_mb } => i18n.tf(Msg::CsvTooLarge, &[("max", &max_mb.to_string())]),
    }
}

/// A file's text: UTF-8 when it is, else GB18030 (what spreadsheet programs on
/// Chinese systems save as "CSV"), which the browser decodes.
fn decode(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let bytes = e.into_bytes();
            web_sys::TextDecoder::new_with_label("gb18030")
                .and_then(|d| d.decode_with_u8_array(&bytes))
                .unwrap_or_else(|_| String::from_utf8_lossy(&bytes).into_owned())
        }
    }
}
