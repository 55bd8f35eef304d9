use super::card_view::CardPage;
use super::use_customer_page_id;
use crate::api::use_public_api;
use crate::components::{ContentBlocks, LeadForm, first_paint_done, use_page_title};
use crate::i18n::{PublicMsg, use_i18n};
use crate::tracker::reader_links::{self, Opening};
use crate::tracker::{Tracker, use_tracker};
use leptos::prelude::*;
use lianjie_core::api::OpenedShare;
use lianjie_core::link;
use lianjie_core::public::{PublicCard, PublicContent};
use lianjie_core::share::LeadCapture;
use lianjie_core::tracking::ViewAction;

/// Shared content (or a card) opened from a per-recipient link.
#[component]
pub fn ShareView() -> impl IntoView {
    let id = use_customer_page_id();
    let api = use_public_api();
    use_page_title(PublicMsg::SharePageTitle);
    let opened = LocalResource::new(move || {
        let api = api.clone();
        let token = id.get();
        async move { reader_links::open_view(&*api, Opening::Share, token?).await }
    });
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                opened
                    .await
                    .map(|o| match o.content.clone() {
                        Some(content) => view! { <SharedPage opened=o.clone() content /> }.into_any(),
                        None => view! { <CardPage opened=o /> }.into_any(),
                    })
                    .inspect_err(|_| first_paint_done())
            })}
        </Suspense>
    }
}

#[component]
fn SharedPage(opened: OpenedShare, content: PublicContent) -> impl IntoView {
    let i18n = use_i18n();
    first_paint_done();
    let tracker = use_tracker(&opened);
    let chat = link::path(&["chat", &opened.share.token]);
    let card = opened.card;
    let reader = opened.child_token;
    let ask = opened.share.lead_capture;
    let left = RwSignal::new(ask == LeadCapture::Off || reader_links::lead_left(&reader));
    let skipped = RwSignal::new(false);
    let thanked = RwSignal::new(false);
    let lead_form = {
        // Views and callbacks must be Send; the tracker lives on the one browser thread.
        let (tracker, reader) = (
            send_wrapper::SendWrapper::new(tracker.clone()),
            reader.clone(),
        );
        move |gate: bool, skippable: bool| {
            let tracker = tracker.clone();
            let done_reader = reader.clone();
            let on_done = move |()| {
                tracker.action(ViewAction::LeftDetails);
                reader_links::remember_lead(&done_reader);
                left.set(true);
                thanked.set(true);
            };
            let on_skip = skippable.then(|| Callback::new(move |()| skipped.set(true)));
            view! { <LeadForm reader_token=reader.clone() gate on_done on_skip /> }
        }
    };
    view! {
        <article class="shared">
            {{
                    let mut first = content.blocks;
                    let split = ask.open_blocks(first.len());
                    let rest = first.split_off(split);
                    let gate_form = lead_form.clone();
                    let end_form = lead_form.clone();
                    view! {
                        <h1>{content.title}</h1>
                        {(!content.summary.is_empty()).then(|| view! { <p class="intro">{content.summary}</p> })}
                        <ContentBlocks blocks=first />
                        {move || {
                            let gated = !left.get() && ask.gates();
                            if gated {
                                gate_form(true, false).into_any()
                            } else {
                                view! { <ContentBlocks blocks=rest.clone() /> }.into_any()
                            }
                        }}
                        {move || (ask == LeadCapture::SoftEnd && !left.get() && !skipped.get()).then(|| end_form(false, true))}
                    }
                    .into_any()
            }}
            {move || thanked.get().then(|| view! {
                <p role="status" class="lead-thanks">{move || i18n.t(PublicMsg::LeadThanks)}</p>
            })}
        </article>
        {card.map(|card| view! { <RepMiniCard card chat tracker /> })}
    }
}

/// The sharing rep, with the way to reach them.
#[component]
fn RepMiniCard(card: PublicCard, chat: String, tracker: Tracker) -> impl IntoView {
    let i18n = use_i18n();
    let subtitle = card.role();
    view! {
        <aside class="rep-card" aria-label=move || i18n.t(PublicMsg::SharedBy)>
            <p class="rep-name">{card.name}</p>
            <p class="rep-title">{subtitle}</p>
            <a class="cta" href=chat on:click=move |_| tracker.action(ViewAction::Messaged)>
                {move || i18n.t(PublicMsg::MessageMe)}
            </a>
        </aside>
    }
}
