use crate::api::{use_api, use_api_events};
use crate::components::{Avatar, LoadFailed, MergeContact, TouchpointTimeline};
use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;
use lianjie_core::api::Event;
use lianjie_core::contact::Contact;
use lianjie_core::inbox::Conversation;
use lianjie_core::intent::top_interests;
use lianjie_core::link;

/// Who the customer is across channels, their intent and interests, and every
/// touchpoint, live while they read.
#[component]
pub fn CustomerSidebar(
    conversation: Signal<Option<Conversation>>,
    contact: Signal<Option<Contact>>,
) -> impl IntoView {
    const TOP_TAGS: usize = 5;
    let i18n = use_i18n();
    let api = use_api();
    let contact_id =
        Memo::new(move |_| conversation.with(|c| c.as_ref().map(|c| c.contact_id.clone())));
    let timeline = LocalResource::new(move || {
        let (api, id) = (api.clone(), contact_id.get());
        async move {
            match id {
                Some(id) => api.timeline(id).await,
                None => Ok(Vec::new()),
            }
        }
    });
    // Only this customer's touchpoints change their timeline.
    use_api_events(move |e| {
        let about = match e {
            Event::Radar { item } => item.contact_id.as_ref(),
            Event::Message { conversation, .. } => Some(&conversation.contact_id),
            Event::Reset | Event::Contact { .. } => {
                timeline.refetch();
                return;
            }
            _ => None,
        };
        if about.is_some() && about == contact_id.get_untracked().as_ref() {
            timeline.refetch();
        }
    });
    view! {
        <aside class="customer-sidebar" aria-label=move || i18n.t(Msg::CustomerPanel)>
            {move || contact.get().map(|c| {
                let interests = top_interests(&c.interests, TOP_TAGS)
                    .into_iter()
                    .map(|(t, _)| t.to_owned())
                    .collect::<Vec<_>>()
                    .join(i18n.t(Msg::ListSep));
                let intent = c.intent.to_string();
                view! {
                    <div class="profile-head">
                        <Avatar name=c.name.clone() />
                        <h2><a href=link::path(&["contacts", &c.id])>{c.name.clone()}</a></h2>
                    </div>
                    <p class="intro">{c.company.clone()}</p>
                    <p>{move || i18n.tf(Msg::IntentN, &[("n", &intent)])}</p>
                    {(!interests.is_empty()).then(|| view! {
                        <p>{move || i18n.t(Msg::Interests)} ": " {interests.clone()}</p>
                    })}
                    <ul class="identities">
                        {c.identities.iter().map(|id| {
                            let channel = id.channel;
                            view! { <li>{move || i18n.channel(channel)} ": " {id.handle.clone()}</li> }
                        }).collect_view()}
                    </ul>
                }
            })}
            <MergeContact keep=contact />
            // Its own transition, failure included: the thread beside it does not wait
            // for the customer's story.
            <Transition>
                {move || Suspend::new(async move {
                    timeline.await.ok().map(|timeline| view! { <TouchpointTimeline timeline /> })
                })}
                <LoadFailed resource=timeline />
            </Transition>
        </aside>
    }
}
