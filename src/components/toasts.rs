use crate::i18n::{PublicMsg, use_i18n};
use leptos::prelude::*;
use std::time::Duration;

/// Informational toasts leave by themselves; errors stay until dismissed or retried,
/// so nobody misses a failure.
const INFO_TOAST_MS: u64 = 5_000;
/// Long enough to notice a mistake and press "Undo".
const UNDO_TOAST_MS: u64 = 10_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToastKind {
    Info,
    Error,
}

#[derive(Clone)]
pub struct Toast {
    pub id: u64,
    pub kind: ToastKind,
    pub text: String,
    /// Offered as a button ("Retry", "Undo"); pressing it dismisses the toast and
    /// runs it.
    pub action: Option<(PublicMsg, Callback<()>)>,
}

/// The toast service: any component can report a failure or a success through it.
#[derive(Clone, Copy)]
pub struct Toasts {
    list: RwSignal<Vec<Toast>>,
    next_id: StoredValue<u64>,
    /// The owner the service was made under (the app's), for callbacks that must
    /// outlive the component that offered them.
    owner: StoredValue<Option<Owner>>,
}

impl Default for Toasts {
    fn default() -> Self {
        Self::new()
    }
}

impl Toasts {
    pub fn new() -> Self {
        Self {
            list: RwSignal::new(Vec::new()),
            next_id: StoredValue::new(0),
            owner: StoredValue::new(Owner::current()),
        }
    }

    /// A callback for a toast's button that lives as long as the toasts do: an "Undo"
    /// still works after the page that offered it has gone (a merge that moved on to
    /// the kept customer's profile).
    pub fn lasting(&self, run: impl Fn() + Send + Sync + 'static) -> Callback<()> {
        let make = move || Callback::new(move |()| run());
        match self.owner.with_value(|owner| owner.clone()) {
            Some(owner) => owner.with(make),
            None => make(),
        }
    }

    pub fn info(&self, text: impl Into<String>) -> u64 {
        self.push(ToastKind::Info, text.into(), None, INFO_TOAST_MS)
    }

    /// A done thing that can be taken back for a while.
    pub fn undoable(&self, text: impl Into<String>, undo: Callback<()>) -> u64 {
        self.push(
            ToastKind::Info,
            text.into(),
            Some((PublicMsg::Undo, undo)),
            UNDO_TOAST_MS,
        )
    }

    pub fn error(&self, text: impl Into<String>, retry: Option<Callback<()>>) -> u64 {
        self.push(
            ToastKind::Error,
            text.into(),
            retry.map(|r| (PublicMsg::Retry, r)),
            0,
        )
    }

    /// An action that failed, with Retry dispatching it again with `input`. The input
    /// must come from the action's own value: its `input()` is cleared once it resolves.
    pub fn action_failed<I, O>(
        &self,
        text: impl Into<String>,
        action: Action<I, O>,
        input: I,
    ) -> u64
    where
        I: Clone + Send + Sync + 'static,
        O: Send + Sync + 'static,
    {
        let retry = Callback::new(move |()| {
            action.dispatch(input.clone());
        });
        self.error(text, Some(retry))
    }

    pub fn dismiss(&self, id: u64) {
        self.list.update(|l| l.retain(|t| t.id != id));
    }

    pub fn len(&self) -> usize {
        self.list.with(Vec::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `for_ms` 0 keeps the toast until dismissed.
    fn push(
        &self,
        kind: ToastKind,
        text: String,
        action: Option<(PublicMsg, Callback<()>)>,
        for_ms: u64,
    ) -> u64 {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        self.list.update(|l| {
            l.push(Toast {
                id,
                kind,
                text,
                action,
            })
        });
        if for_ms > 0 {
            let this = *self;
            set_timeout(move || this.dismiss(id), Duration::from_millis(for_ms));
        }
        id
    }
}

pub fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}

/// Renders the toasts in a live region: errors are announced assertively, the rest
/// politely.
#[component]
pub fn ToastHost() -> impl IntoView {
    let i18n = use_i18n();
    let toasts = use_toasts();
    view! {
        <section class="toasts" aria-label=move || i18n.t(PublicMsg::Notifications)>
            <For each=move || toasts.list.get() key=|t| t.id let:toast>
                <div
                    class="toast"
                    class:toast-error=toast.kind == ToastKind::Error
                    role=if toast.kind == ToastKind::Error { "alert" } else { "status" }
                >
                    <p>{toast.text.clone()}</p>
                    {toast
                        .action
                        .map(|(label, run)| {
                            view! {
                                <button
                                    type="button"
                                    on:click=move |_| {
                                        toasts.dismiss(toast.id);
                                        run.run(());
                                    }
                                >
                                    {move || i18n.t(label)}
                                </button>
                            }
                        })}
                    <button type="button" on:click=move |_| toasts.dismiss(toast.id)>
                        {move || i18n.t(PublicMsg::Dismiss)}
                    </button>
                </div>
            </For>
        </section>
    }
}
