use crate::api::use_api;
use crate::components::use_toasts;
use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;
use lianjie_core::api::NewShare;
use lianjie_core::share::ShareTarget;

/// Mints a tracked link for `target` and shows it with a copy button. `name` says
/// what is shared, for the button's accessible name.
#[component]
pub fn ShareLink(target: ShareTarget, name: String) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let toasts = use_toasts();
    let mint = Action::new_local(move |target: &ShareTarget| {
        let (api, target) = (api.clone(), target.clone());
        async move {
            api.create_share(NewShare {
                target,
                contact_id: None,
                channel: None,
                lead_capture: Default::default(),
            })
            .await
        }
    });
    let link = move || match mint.value().get() {
        Some(Ok(share)) => {
            let origin = window().location().origin().unwrap_or_default();
            Some(format!("{origin}/s/{}", share.token))
        }
        _ => None,
    };
    Effect::new(move || {
        if let Some(Err(e)) = mint.value().get() {
            toasts.error(i18n.t(e.message()), None);
        }
    });
    let copy = move |url: String| {
        let clipboard = window().navigator().clipboard();
        let promise = clipboard.write_text(&url);
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(promise).await {
                Ok(_) => {
                    toasts.info(i18n.t(Msg::LinkCopied));
                }
                Err(_) => {
                    toasts.error(i18n.t(Msg::CopyFailed), None);
                }
            }
        });
    };
    let label = move || format!("{}: {}", i18n.t(Msg::ShareAction), name);
    let target_for_click = target.clone();
    view! {
        <div class="share-link">
            <button
                type="button"
                aria-label=label
                disabled=move || mint.pending().get()
                on:click=move |_| {
                    mint.dispatch(target_for_click.clone());
                }
            >
                {move || i18n.t(Msg::ShareAction)}
            </button>
            {move || link().map(|url| {
                let (href, for_copy) = (url.clone(), url.clone());
                view! {
                    <a href=href target="_blank" rel="noopener">{url}</a>
                    <button type="button" on:click=move |_| copy(for_copy.clone())>
                        {move || i18n.t(Msg::CopyLink)}
                    </button>
                }
            })}
        </div>
    }
}
