//! What to send this customer next, and why: what customers like them read before
//! they bought, what is about their interests. Each with a link minted for them.

use crate::api::use_api;
use crate::components::{LoadFailed, ShareLink};
use crate::error::AppError;
use crate::i18n::{I18n, Msg, use_i18n};
use leptos::prelude::*;
use lianjie_core::playbook::{Reason, Suggestion};
use lianjie_core::share::ShareTarget;

#[component]
pub fn SuggestedContent(contact_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    // Loaded once per customer: a link minted below must not vanish when the
    // suggestions would change because of it.
    let suggestions = LocalResource::new({
        let id = contact_id.clone();
        move || {
            let (api, id) = (api.clone(), id.clone());
            async move {
                let name = api.contact(id.clone()).await?.name;
                Ok::<_, AppError>((name, api.suggestions(id).await?))
            }
        }
    });
    view! {
        <section class="panel" aria-labelledby="suggested-h">
            <h2 id="suggested-h">{move || i18n.t(Msg::SuggestedTitle)}</h2>
            <LoadFailed resource=suggestions />
            <Transition>
                {move || Suspend::new({
                    let contact_id = contact_id.clone();
                    async move {
                        suggestions.await.map(|(name, list)| {
                            if list.is_empty() {
                                return view! { <p class="empty">{move || i18n.t(Msg::SuggestedNone)}</p> }.into_any();
                            }
                            view! {
                                <ul class="suggestions">
                                    {list.into_iter().map(|s| view! { <SuggestionRow s to=(contact_id.clone(), name.clone()) i18n /> }).collect_view()}
                                </ul>
                            }.into_any()
                        })
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn SuggestionRow(s: Suggestion, to: (String, String), i18n: I18n) -> impl IntoView {
    let why = move || match &s.reason {
        Reason::LikeThemBought { customers } => {
            i18n.tf(Msg::WhyLikeThem, &[("n", &customers.to_string())])
        }
        Reason::Interest { tag } => i18n.tf(Msg::WhyInterest, &[("tag", tag)]),
        Reason::Proven { led_to } => i18n.tf(Msg::WhyProven, &[("n", &led_to.to_string())]),
    };
    let title = s.title.clone();
    view! {
        <li>
            <strong>{title.clone()}</strong>
            <span class="via">{why}</span>
            <ShareLink target=ShareTarget::Content(s.content_id.clone()) name=title to />
        </li>
    }
}
