use crate::api::{use_api, use_api_events};
use crate::components::{Avatar, FollowUpForm, LoadFailed, MergeContact, TouchpointTimeline};
use crate::i18n::{Msg, use_i18n};
use crate::viewer::use_viewer;
use leptos::prelude::*;
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
    let viewer = use_viewer();
    let logging = RwSignal::new(false);
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
    // A follow-up being written is for the customer it was opened with.
    Effect::new(move || {
        contact_id.track();
        logging.set(false);
    });
    // Only what concerns this customer changes their timeline.
    use_api_events(move |e| {
        if contact_id.with_untracked(|id| id.as_ref().is_some_and(|id| e.concerns_contact(id))) {
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
                let (stage, starred) = viewer
                    .with_untracked(|v| (i18n.stage(&v.org, c.stage_or_first()), c.starred_by.contains(&v.me.id)))
                    .unwrap_or_default();
                let tags = c.tags.clone();
                view! {
                    <div class="profile-head">
                        <Avatar name=c.name.clone() />
                        <h2><a href=link::path(&["contacts", &c.id])>{c.name.clone()}</a></h2>
                        {starred.then(|| view! {
                            <span class="starred" title=move || i18n.t(Msg::ViewStarred)>
                                <span aria-hidden="true">"★"</span>
                                <span class="visually-hidden">{move || i18n.t(Msg::ViewStarred)}</span>
                            </span>
                        })}
                    </div>
                    <p class="intro">{c.company.clone()}</p>
                    <p>
                        <span class="badge quiet">{stage}</span> " "
                        {tags.into_iter().map(|t| view! { <span class="tag">{t}</span> " " }).collect_view()}
                    </p>
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
                    <button type="button" aria-expanded=move || logging.get().to_string()
                        on:click=move |_| logging.update(|l| *l = !*l)>
                        {move || i18n.t(Msg::LogFollowUp)}
                    </button>
                }
            })}
            // Outside the customer's details, which are drawn afresh when the follow-up
            // changes them: the form stays until it has heard its answer.
            <Show when=move || logging.get()>
                {move || contact_id.get().map(|id| {
                    let stage = contact.with_untracked(|c| {
                        c.as_ref()
                            // The customer of this conversation, not the last one's.
                            .filter(|c| c.id == id)
                            .filter(|c| {
                                viewer
                                    .with_untracked(|v| v.may_edit_customer(c.owner_id.as_deref()))
                                    .unwrap_or(false)
                            })
                            .map(|c| c.stage_or_first().to_owned())
                    });
                    view! {
                        <FollowUpForm contact_id=id stage form="inbox-follow-up"
                            on_logged=move |_| logging.set(false) />
                    }
                })}
            </Show>
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
