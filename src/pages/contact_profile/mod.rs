mod customer_work;
mod deals_panel;
mod ownership;
mod same_person;
mod suggested_content;

use super::use_public_id;
use crate::api::{use_api, use_api_events};
use crate::components::{Avatar, AvatarSize, PageHeader, Sparkline, TouchpointTimeline};
use crate::error::AppError;
use crate::i18n::{I18n, Msg, use_i18n};
use crate::viewer::use_viewer;
use customer_work::CustomerWork;
use deals_panel::DealsPanel;
use leptos::prelude::*;
use lianjie_core::api::{Activity, IntentPoint};
use lianjie_core::contact::Contact;
use lianjie_core::format;
use lianjie_core::intent::top_interests;
use same_person::SamePerson;
use suggested_content::SuggestedContent;

/// One customer: intent, interests by reading time, and every touchpoint, live while
/// they read.
#[component]
pub fn ContactProfile() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let id = use_public_id("id");
    let profile = LocalResource::new(move || {
        let (api, id) = (api.clone(), id.get());
        async move {
            let id = id?;
            // One customer, in the caller's scope (outside it: not found).
            let contact = api.contact(id.clone()).await?;
            // The customer a lead probably is: offered only while both are live and
            // the viewer may see that customer.
            let same = match contact.probably_same_as.clone() {
                Some(same) if contact.merged.is_none() => {
                    api.contact(same).await.ok().filter(|c| c.merged.is_none())
                }
                _ => None,
            };
            let trend = api.intent_trend(id.clone()).await?;
            let timeline = api.timeline(id).await?;
            Ok::<_, AppError>((contact, same, trend, timeline))
        }
    });
    // Read again for what concerns this customer (or the one they probably are)
    // alone: a form being filled in here is not drawn afresh by others' news.
    use_api_events(move |e| {
        let same = profile.with_untracked(|p| match p {
            Some(Ok((_, Some(same), ..))) => Some(same.id.clone()),
            _ => None,
        });
        let mine = id.with_untracked(|id| id.as_ref().is_ok_and(|id| e.concerns_contact(id)));
        if mine || same.is_some_and(|s| e.concerns_contact(&s)) {
            profile.refetch();
        }
    });
    let viewer = use_viewer();
    // A Memo: the forms below are drawn again only when the answer changes.
    let may_edit = Memo::new(move |_| {
        profile.with(|p| match p {
            Some(Ok((contact, ..))) => viewer
                .with(|v| {
                    v.may(lianjie_core::scope::Action::EditCustomers)
                        && v.caller.covers(contact.owner_id.as_deref())
                })
                .unwrap_or(false),
            _ => false,
        })
    });
    view! {
        <PageHeader title=Msg::ProfileTitle intro=Msg::ProfileIntro />
        <p><a href="/radar">{move || i18n.t(Msg::BackToRadar)}</a></p>
        <Transition>
            {move || Suspend::new(async move {
                profile.await.map(|(contact, same, trend, timeline)| view! { <Profile contact same trend timeline i18n /> })
            })}
        </Transition>
        // Outside the profile above, which is shown afresh at every change: the deals
        // load and are opened here, once per customer.
        {move || id.get().ok().map(|contact_id| view! { <DealsPanel contact_id may_edit=may_edit.into() /> })}
        // try_get: switching who is signed in can run this once more after the page
        // is gone.
        {move || (may_edit.try_get().unwrap_or(false) && viewer.may(lianjie_core::scope::Action::ShareLinks))
            .then(|| id.try_get().and_then(Result::ok).map(|contact_id| view! { <SuggestedContent contact_id /> }))}
    }
}

#[component]
fn Profile(
    contact: Contact,
    same: Option<Contact>,
    trend: Vec<IntentPoint>,
    timeline: Vec<Activity>,
    i18n: I18n,
) -> impl IntoView {
    const TOP_TAGS: usize = 8;
    let interests: Vec<(String, u64)> = top_interests(&contact.interests, TOP_TAGS)
        .into_iter()
        .map(|(t, w)| (t.to_owned(), w))
        .collect();
    let strongest = interests.first().map_or(1, |(_, w)| (*w).max(1));
    let subtitle = [
        contact.company.as_str(),
        contact.phone.as_str(),
        contact.wechat_id.as_str(),
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(" · ");
    let lead = contact.clone();
    let work = contact.clone();
    view! {
        <section class="panel profile" aria-labelledby="profile-h">
            <div class="profile-head">
                <Avatar name=contact.name.clone() size=AvatarSize::Large />
                <h2 id="profile-h">{contact.name.clone()}</h2>
            </div>
            <p class="intro">{subtitle}</p>
            <p>
                <label for="intent-meter">{move || i18n.t(Msg::IntentScore)}</label> " "
                <meter id="intent-meter" min="0" max="100" low="40" high="69" optimum="100" value=contact.intent></meter>
                " " <strong>{contact.intent}</strong>
            </p>
            // The line for the eye (its points named for screen readers), the figures below.
            {(trend.len() > 1).then(|| {
                let scores: Vec<usize> = trend.iter().map(|p| usize::from(p.score)).collect();
                let list = scores.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
                view! {
                    <div class="trend-chart">
                        <Sparkline values=scores label=format!("{}: {list}", i18n.t(Msg::IntentTrend)) />
                    </div>
                }
            })}
            <ol class="trend" aria-label=move || i18n.t(Msg::IntentTrend)>
                {trend.into_iter().map(|p| {
                    let days = p.days_ago.to_string();
                    let when = move || match p.days_ago {
                        0 => i18n.t(Msg::Today).to_owned(),
                        _ => i18n.tf(Msg::DaysAgo, &[("n", &days)]),
                    };
                    view! {
                        <li>
                            <span class="trend-when">{when}</span>
                            <meter min="0" max="100" value=p.score aria-hidden="true"></meter>
                            <span class="trend-score">{p.score}</span>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
        {same.map(|same| view! { <SamePerson lead same /> })}
        <CustomerWork contact=work />
        <section class="panel" aria-labelledby="interests-h">
            <h2 id="interests-h">{move || i18n.t(Msg::Interests)}</h2>
            {if interests.is_empty() {
                view! { <p class="empty">{move || i18n.t(Msg::NoInterests)}</p> }.into_any()
            } else {
                view! {
                    <ol class="heat">
                        {interests.into_iter().map(|(tag, secs)| view! {
                            <li>
                                <span class="heat-label">{tag.clone()}</span>
                                <meter min="0" max=strongest value=secs aria-label=tag></meter>
                                <span class="heat-figure">{move || format::duration(secs * 1000, i18n.locale())}</span>
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
        <TouchpointTimeline timeline />
    }
}
