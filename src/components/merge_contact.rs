use crate::api::use_api;
use crate::components::use_toasts;
use crate::i18n::{Msg, use_i18n};
use crate::viewer::use_viewer;
use leptos::prelude::*;
use lianjie_core::contact::Contact;

/// Candidates shown at once; typing narrows them.
const SHOWN: usize = 8;

/// "Merge a duplicate contact": find the same person under another contact (another
/// channel, another handle) and fold them into `keep`, with "Undo" offered after.
/// The contact list is loaded only when this is opened.
///
/// Offered only to whom may merge `keep`: an admin, or the rep who owns it (who may
/// merge only their own customers into it).
#[component]
pub fn MergeContact(keep: Signal<Option<Contact>>) -> impl IntoView {
    let viewer = use_viewer();
    let merges = Memo::new(move |_| {
        let owner = keep.with(|k| k.as_ref().and_then(|k| k.owner_id.clone()));
        viewer
            .with(|v| {
                v.caller
                    .merges(owner.as_deref(), Some(v.caller.user_id.as_str()))
            })
            .unwrap_or(true)
    });
    move || merges.get().then(|| view! { <MergeOptions keep /> })
}

#[component]
fn MergeOptions(keep: Signal<Option<Contact>>) -> impl IntoView {
    let i18n = use_i18n();
    let viewer = use_viewer();
    let api = use_api();
    let toasts = use_toasts();
    let opened = RwSignal::new(false);
    let typed = RwSignal::new(String::new());
    let candidates = LocalResource::new({
        let api = api.clone();
        move || {
            let (api, wanted) = (api.clone(), opened.get());
            async move {
                if wanted {
                    api.contacts().await
                } else {
                    Ok(Vec::new())
                }
            }
        }
    });
    let keep_id = move || keep.with(|k| k.as_ref().map(|k| k.id.clone()).unwrap_or_default());
    let keep_name = move || keep.with(|k| k.as_ref().map(|k| k.name.clone()).unwrap_or_default());
    let matching = Memo::new(move |_| {
        let typed = typed.get();
        if typed.trim().is_empty() {
            return Vec::new();
        }
        let keep_id = keep_id();
        let keep_owner = keep.with(|k| k.as_ref().and_then(|k| k.owner_id.clone()));
        candidates.with(|c| match c {
            Some(Ok(all)) => all
                .iter()
                .filter(|c| c.id != keep_id && c.matches(&typed))
                // Only those the viewer may merge into `keep` (all, for an admin).
                .filter(|c| {
                    viewer
                        .with(|v| {
                            v.caller
                                .merges(keep_owner.as_deref(), c.owner_id.as_deref())
                        })
                        .unwrap_or(true)
                })
                .take(SHOWN)
                .cloned()
                .collect(),
            _ => Vec::new(),
        })
    });
    // The outcome is told from the request itself, not an effect of this view: a
    // merge changes the contact shown, which may re-render what is around it.
    let merge = Action::new_local(move |other: &Contact| {
        let (api, keep_id, other) = (api.clone(), keep_id(), other.clone());
        async move {
            match api.merge_contacts(keep_id, other.id.clone()).await {
                Ok(kept) => {
                    let undo = Callback::new({
                        let (api, other_id) = (api.clone(), other.id.clone());
                        move |()| {
                            let (api, other_id) = (api.clone(), other_id.clone());
                            leptos::task::spawn_local(async move {
                                match api.unmerge_contact(other_id).await {
                                    Ok(_) => toasts.info(i18n.t(Msg::MergeUndone)),
                                    Err(e) => toasts.error(i18n.t(e.message()), None),
                                };
                            });
                        }
                    });
                    toasts.undoable(
                        i18n.tf(
                            Msg::MergeDone,
                            &[("other", &other.name), ("name", &kept.name)],
                        ),
                        undo,
                    );
                    true
                }
                Err(e) => {
                    toasts.error(i18n.t(e.message()), None);
                    false
                }
            }
        }
    });
    Effect::new(move || {
        if merge.value().get() == Some(true) {
            typed.set(String::new());
        }
    });
    view! {
        <details class="merge-contact" on:toggle=move |_| opened.set(true)>
            <summary>{move || i18n.t(Msg::MergeContact)}</summary>
            <label>
                {move || i18n.t(Msg::MergeSearch)}
                <input type="search" autocomplete="off" prop:value=move || typed.get()
                    on:input=move |ev| typed.set(event_target_value(&ev)) />
            </label>
            <ul>
                {move || matching.get().into_iter().map(|other| {
                    let handle = other.identities.first().map(|i| format!(" · {}", i.handle)).unwrap_or_default();
                    let label = format!("{}{handle}", other.name);
                    view! {
                        <li>
                            <button type="button" disabled=move || merge.pending().get()
                                on:click=move |_| { merge.dispatch(other.clone()); }>
                                {move || i18n.tf(Msg::MergeInto, &[("name", &keep_name()), ("other", &label)])}
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || (!typed.with(|t| t.trim().is_empty()) && matching.with(Vec::is_empty)
                && matches!(candidates.get(), Some(Ok(_))))
                .then(|| view! { <p class="empty">{i18n.t(Msg::NoMatchingContacts)}</p> })}
        </details>
    }
}
