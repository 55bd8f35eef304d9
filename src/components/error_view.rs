use crate::error::AppError;
use crate::i18n::{PublicMsg, use_i18n};
use leptos::prelude::*;

/// The fallback of every `ErrorBoundary`: says what went wrong in words a person
/// understands and offers a retry, which clears the errors and runs `retry`.
#[component]
pub fn ErrorView(errors: ArcRwSignal<Errors>, retry: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    super::first_paint_done();
    let list = errors.clone();
    let messages = move || {
        list.read()
            .iter()
            .map(|(_, e)| match e.downcast_ref::<AppError>() {
                Some(app) => i18n.t(app.message()),
                None => i18n.t(PublicMsg::ErrDecode),
            })
            .map(|text| view! { <p>{text}</p> })
            .collect_view()
    };
    view! {
        <section class="error-view" role="alert">
            <h2>{move || i18n.t(PublicMsg::ErrorTitle)}</h2>
            {messages}
            <button type="button" on:click=move |_| {
                errors.set(Errors::default());
                retry.run(());
            }>
                {move || i18n.t(PublicMsg::Retry)}
            </button>
        </section>
    }
}
