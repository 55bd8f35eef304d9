use crate::api::use_api;
use crate::components::{PageHeader, use_toasts};
use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;

/// Language, which backend answers, and the demo-data reset.
#[component]
pub fn Settings() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let toasts = use_toasts();
    let backend = api.name();
    let reset = Action::new_local(move |_: &()| {
        let api = api.clone();
        async move { api.reset_demo().await }
    });
    Effect::new(move || match reset.value().get() {
        Some(Ok(())) => {
            toasts.info(i18n.t(Msg::ResetDone));
        }
        Some(Err(e)) => {
            toasts.error(
                i18n.t(e.message()),
                Some(Callback::new(move |()| {
                    reset.dispatch(());
                })),
            );
        }
        None => {}
    });
    view! {
        <PageHeader title=Msg::NavSettings intro=Msg::SettingsIntro />
        <section class="panel">
            <h2>{move || i18n.t(Msg::Backend)}</h2>
            <p>
                <code>{backend}</code>
                " · "
                {move || i18n.t(if backend == "http" { Msg::BackendHttp } else { Msg::BackendLocal })}
            </p>
            <p class="intro">{move || i18n.t(Msg::ResetDemoHint)}</p>
            <button type="button" disabled=move || reset.pending().get() on:click=move |_| {
                reset.dispatch(());
            }>{move || i18n.t(Msg::ResetDemo)}</button>
        </section>
    }
}
