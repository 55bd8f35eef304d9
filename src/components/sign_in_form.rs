use crate::api::use_api;
use crate::components::use_page_title;
use crate::error::AppError;
use crate::i18n::{Msg, PublicMsg, use_i18n};
use leptos::prelude::*;

/// Staff sign-in for the http backend; the local backend never shows it.
#[component]
pub fn SignInForm(#[prop(into)] on_signed_in: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    use_page_title(Msg::SignInTitle);
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let submit = Action::new_local(move |(e, p): &(String, String)| {
        let (api, e, p) = (api.clone(), e.clone(), p.clone());
        async move { api.sign_in(e, p).await }
    });
    Effect::new(move || {
        if let Some(Ok(_)) = submit.value().get() {
            on_signed_in.run(());
        }
    });
    let error = move || match submit.value().get() {
        Some(Err(e)) => {
            let msg = match e {
                // On this form a 401 means the credentials, not an expired session.
                AppError::Unauthorized => i18n.t(Msg::WrongCredentials),
                // Sign-in is throttled per account and per client address.
                AppError::Server(429, _) => i18n.t(Msg::TooManyAttempts),
                e => i18n.t(e.message()),
            };
            Some(view! { <p role="alert" class="form-error">{msg}</p> })
        }
        _ => None,
    };
    view! {
        <form
            class="panel sign-in"
            on:submit=move |ev| {
                ev.prevent_default();
                submit.dispatch((email.get_untracked(), password.get_untracked()));
            }
        >
            <h1>{move || i18n.t(Msg::SignInTitle)}</h1>
            <p class="intro">{move || i18n.t(Msg::SignInIntro)}</p>
            <label>
                {move || i18n.t(PublicMsg::Email)}
                <input type="email" autocomplete="username" required bind:value=email />
            </label>
            <label>
                {move || i18n.t(Msg::Password)}
                <input type="password" autocomplete="current-password" required bind:value=password />
            </label>
            {error}
            <button type="submit" disabled=move || submit.pending().get()>
                {move || i18n.t(Msg::SignInButton)}
            </button>
        </form>
    }
}
