use crate::api::{Accounts, use_api};
use crate::components::use_toasts;
use crate::i18n::{Msg, use_i18n};
use crate::viewer::use_viewer;
use leptos::prelude::*;

/// Who the workbench acts as. The in-browser demo has no passwords, so it offers every
/// active demo staff member to act as ("Signed in as"); the http backend shows who
/// signed in and a "Sign out" that ends the session on the server.
#[component]
pub fn SignedInAs(#[prop(into)] on_signed_out: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let toasts = use_toasts();
    let viewer = use_viewer();
    let described =
        move |name: &str, role| i18n.tf(Msg::StaffWithRole, &[("name", name), ("role", role)]);
    match api.accounts() {
        Accounts::Demo => {
            let switch = Action::new_local(move |id: &String| {
                let (api, id) = (api.clone(), id.clone());
                async move { api.switch_user(id).await }
            });
            Effect::new(move || match switch.value().get() {
                // Everything on screen was the previous person's view: start afresh.
                Some(Ok(_)) => {
                    let _ = window().location().reload();
                }
                Some(Err(e)) => {
                    toasts.error(i18n.t(e.message()), None);
                }
                None => {}
            });
            let options = move || {
                viewer.with(|v| {
                    v.staff
                        .iter()
                        .filter(|u| u.active)
                        .map(|u| {
                            let chosen = u.id == v.me.id;
                            let text = described(&u.name, i18n.role(u.role));
                            view! { <option value=u.id.clone() selected=chosen>{text}</option> }
                        })
                        .collect_view()
                })
            };
            view! {
                // The label names the select alone (not its chosen option too).
                <div class="signed-in-as">
                    <label for="signed-in-as">{move || i18n.t(Msg::SignedInAs)}</label>
                    <select
                        id="signed-in-as"
                        disabled=move || switch.pending().get()
                        on:change=move |ev| {
                            switch.dispatch(event_target_value(&ev));
                        }
                    >
                        {options}
                    </select>
                </div>
            }
            .into_any()
        }
        Accounts::SignIn => {
            let sign_out = Action::new_local(move |()| {
                let api = api.clone();
                async move { api.sign_out().await }
            });
            Effect::new(move || {
                if let Some(ended) = sign_out.value().get() {
                    // The token is forgotten either way: this device is signed out.
                    if ended.is_err() {
                        toasts.error(i18n.t(Msg::SignedOutOffline), None);
                    }
                    on_signed_out.run(());
                }
            });
            let who = move || {
                viewer
                    .with(|v| described(&v.me.name, i18n.role(v.me.role)))
                    .unwrap_or_default()
            };
            view! {
                <div class="signed-in-as" role="group" aria-label=move || i18n.t(Msg::Account)>
                    <p>{move || i18n.t(Msg::SignedInAs)} " " <strong>{who}</strong></p>
                    <button type="button" disabled=move || sign_out.pending().get()
                        on:click=move |_| {
                            sign_out.dispatch(());
                        }>
                        {move || i18n.t(Msg::SignOut)}
                    </button>
                </div>
            }
            .into_any()
        }
    }
}
