use super::use_public_id;
use crate::api::use_api;
use crate::components::{ContentBlocks, use_page_title};
use crate::error::AppError;
use crate::i18n::{Msg, use_i18n};
use crate::tracker::{Tracker, reader_links, use_tracker};
use leptos::prelude::*;
use lianjie_core::api::OpenedShare;
use lianjie_core::people::Card;
use lianjie_core::tracking::ViewAction;

/// Shared content (or a card) opened from a per-recipient link.
#[component]
pub fn ShareView() -> impl IntoView {
    let id = use_public_id("token");
    let api = use_api();
    use_page_title(Msg::SharePageTitle);
    let opened = LocalResource::new(move || {
        let api = api.clone();
        let token = id.get();
        async move {
            let (token, own_child) = reader_links::resolve(&token?);
            let opened = api.open_share(token, own_child).await?;
            reader_links::remember(&opened.share.token, &opened.child_token);
            forward_as_this_reader(&opened.child_token);
            Ok::<_, AppError>(opened)
        }
    });
    view! {
        <Suspense>
            {move || Suspend::new(async move { opened.await.map(|o| view! { <SharedPage opened=o /> }) })}
        </Suspense>
    }
}

/// Puts the reader's own child token in the address, so a forward from the chat
/// app's menu attributes the next reader to this one (the share chain).
fn forward_as_this_reader(child_token: &str) {
    let location = window().location();
    let query = location.search().unwrap_or_default();
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("/s/{child_token}{query}")),
        );
    }
}

#[component]
fn SharedPage(opened: OpenedShare) -> impl IntoView {
    let i18n = use_i18n();
    let tracker = use_tracker(opened.share.token.clone(), opened.child_token.clone());
    let chat = format!("/chat/{}", opened.share.token);
    let card = opened.card;
    view! {
        <article class="shared">
            {match opened.content {
                Some(content) => view! {
                    <h1>{content.title}</h1>
                    {(!content.summary.is_empty()).then(|| view! { <p class="intro">{content.summary}</p> })}
                    <ContentBlocks blocks=content.blocks />
                }
                .into_any(),
                None => view! { <h1>{move || i18n.t(Msg::CardPageTitle)}</h1> }.into_any(),
            }}
        </article>
        {card.map(|card| view! { <RepMiniCard card chat tracker /> })}
    }
}

/// The sharing rep, with the way to reach them.
#[component]
fn RepMiniCard(card: Card, chat: String, tracker: Tracker) -> impl IntoView {
    let i18n = use_i18n();
    let subtitle = [card.title, card.company]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <aside class="rep-card" aria-label=move || i18n.t(Msg::SharedBy)>
            <p class="rep-name">{card.name}</p>
            <p class="rep-title">{subtitle}</p>
            <a class="cta" href=chat on:click=move |_| tracker.action(ViewAction::Messaged)>
                {move || i18n.t(Msg::MessageMe)}
            </a>
        </aside>
    }
}
