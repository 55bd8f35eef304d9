use super::crm_settings::CrmSettings;
use crate::api::use_api;
use crate::components::{AccountPanel, LanguageSwitcher, PageHeader, use_toasts};
use crate::i18n::{Msg, use_i18n};
use crate::viewer::{Gate, use_viewer};
use leptos::prelude::*;
use leptos_router::components::A;
use lianjie_core::demo;
use lianjie_core::scope::Action as Permission;

/// The inbox-at-scale demo offered first: 10,000 conversations of 10 messages.
const SCALE_DEMO: usize = 10_000;

/// The staff member's own account, which backend answers, the demo-data reset
/// (admins), and the way to the team's settings (admins).
#[component]
pub fn Settings() -> impl IntoView {
    let i18n = use_i18n();
    let viewer = use_viewer();
    // A Memo: only a change of role re-renders the controls (and what is typed there).
    let resets = Memo::new(move |_| viewer.may(Permission::ResetDemo));
    let crm = Memo::new(move |_| {
        viewer.may(Permission::CurateTags) || viewer.may(Permission::ConfigureStages)
    });
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
        // On a phone this page is "Me": the language and the rep's card live here
        // (the side bar that holds them on a laptop is folded away).
        <div class="phone-only me-links">
            <LanguageSwitcher />
            {move || viewer.opens(Gate::MyCard).then(|| view! {
                <p><A href="/card">{move || i18n.t(Msg::NavMyCard)}</A></p>
            })}
        </div>
        <AccountPanel />
        <p><A href="/settings/design">{move || i18n.t(Msg::DesignSystemLink)}</A></p>
        {move || viewer.opens(Gate::Team).then(|| view! {
            <p><A href="/settings/team">{move || i18n.t(Msg::ManageTeam)}</A></p>
        })}
        {move || viewer.opens(Gate::Adapters).then(|| view! {
            <p><A href="/settings/channels">{move || i18n.t(Msg::ManageAdapters)}</A></p>
        })}
        {move || crm.get().then(|| view! { <CrmSettings /> })}
        <section class="panel">
            <h2>{move || i18n.t(Msg::Backend)}</h2>
            <p>
                <code>{backend}</code>
                " · "
                {move || i18n.t(if backend == "http" { Msg::BackendHttp } else { Msg::BackendLocal })}
            </p>
            {move || if resets.get() {
                view! {
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
                }.into_any()
            } else {
                view! { <p class="intro">{move || i18n.t(Msg::ResetAdminOnly)}</p> }.into_any()
            }}
        </section>
    }
}
