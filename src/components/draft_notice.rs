use crate::api::{read_stored, remove_stored, write_stored};
use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// An edit in progress, kept in this browser under its key at every change until it
/// is saved, so a reload, a closed tab or a stray click on the menu loses nothing.
pub struct Draft<T: Send + Sync + 'static> {
    pub value: RwSignal<T>,
    saved: RwSignal<T>,
    /// A draft from an earlier visit was restored (and the notice is showing).
    restored: RwSignal<bool>,
}

// Signals are copyable handles whatever they hold; a derive would demand `T: Copy`.
impl<T: Send + Sync + 'static> Clone for Draft<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Draft<T> {}

impl<T: Clone + PartialEq + Send + Sync + 'static> Draft<T> {
    /// The backend now holds `saved`: it becomes what the draft is compared with.
    pub fn saved_as(&self, saved: T) {
        self.saved.set(saved.clone());
        self.value.set(saved);
        self.restored.set(false);
    }

    pub fn discard(&self) {
        self.value.set(self.saved.get_untracked());
        self.restored.set(false);
    }

    /// Whether there are changes not saved yet.
    pub fn dirty(&self) -> bool {
        self.value.with(|v| self.saved.with(|s| v != s))
    }
}

/// Starts a draft of `saved` stored under `key`, restoring one left from before.
pub fn use_draft<T>(key: String, saved: T) -> Draft<T>
where
    T: Clone + PartialEq + Serialize + DeserializeOwned + Send + Sync + 'static,
{
    let restored = read_stored::<T>(&key).filter(|d| *d != saved);
    let draft = Draft {
        restored: RwSignal::new(restored.is_some()),
        value: RwSignal::new(restored.unwrap_or_else(|| saved.clone())),
        saved: RwSignal::new(saved),
    };
    // A draft equal to the saved version is no draft.
    Effect::new(move || {
        if draft.dirty() {
            draft.value.with(|v| write_stored(&key, v));
        } else {
            remove_stored(&key);
        }
    });
    draft
}

/// Says that an unsaved draft was restored, with a way to throw it away.
#[component]
pub fn DraftNotice<T>(draft: Draft<T>) -> impl IntoView
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    let i18n = use_i18n();
    move || {
        draft.restored.get().then(|| {
            view! {
                <p role="status" class="draft-note">
                    {move || i18n.t(Msg::DraftRestored)} " "
                    <button type="button" on:click=move |_| draft.discard()>
                        {move || i18n.t(Msg::DiscardDraft)}
                    </button>
                </p>
            }
        })
    }
}
