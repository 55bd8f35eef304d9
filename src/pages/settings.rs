use crate::api::use_api;
use crate::components::{PageHeader, use_toasts};
use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;
use lianjie_core::demo;

/// The inbox-at-scale demo offered first: 10,000 conversations of 10 messages.
const SCALE_DEMO: usize = 10_000;

/// Language, which backend answers, and the demo-data reset.
#[component]
pub fn Settings() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let toasts = use_toasts();
    let backend = api.name();
    let scale = RwSignal::new(SCALE_DEMO.to_string());
    let scale_error = RwSignal::new(false);
    let reset = Action::new_local(move |size: &Option<usize>| {
        let api = api.clone();
        let size = *size;
        async move { (size, api.reset_demo(size).await) }
    });
    Effect::new(move || match reset.value().get() {
        Some((_, Ok(()))) => {
            toasts.info(i18n.t(Msg::ResetDone));
        }
        Some((size, Err(e))) => {
            toasts.action_failed(i18n.t(e.message()), reset, size);
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
            <div class="actions">
                <button type="button" disabled=move || reset.pending().get() on:click=move |_| {
                    reset.dispatch(None);
                }>{move || i18n.t(Msg::ResetDemo)}</button>
            </div>
            <p class="intro">{move || i18n.t(Msg::ScaleDemoHint)}</p>
            <form class="actions" novalidate on:submit=move |ev| {
                ev.prevent_default();
                match scale.get_untracked().trim().parse::<usize>() {
                    Ok(n) if (1..=demo::MAX_SCALE).contains(&n) => {
                        scale_error.set(false);
                        reset.dispatch(Some(n));
                    }
                    _ => scale_error.set(true),
                }
            }>
                <label>
                    {move || i18n.t(Msg::SampleConversations)}
                    <input type="number" min="1" max=demo::MAX_SCALE.to_string() step="1"
                        aria-invalid=move || scale_error.get().to_string()
                        aria-describedby="scale-error"
                        prop:value=move || scale.get() on:input=move |ev| scale.set(event_target_value(&ev)) />
                </label>
                <button type="submit" disabled=move || reset.pending().get()>{move || i18n.t(Msg::ScaleDemo)}</button>
                <span id="scale-error" class="form-error" role="alert">
                    {move || scale_error.get().then(|| i18n.tf(Msg::ScaleRange, &[("max", &demo::MAX_SCALE.to_string())]))}
                </span>
            </form>
        </section>
    }
}
