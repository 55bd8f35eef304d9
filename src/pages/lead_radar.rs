use super::use_query_param;
use crate::api::{ApiResult, local::random_token, use_api, use_api_events};
use crate::components::{
    Avatar, IntentBar, LazyPage, LoadFailed, NotificationSwitch, PageHeader, PlayCustomer,
    QuickFollowUp, TimeAgo, use_toasts,
};
use crate::i18n::{I18n, Msg, use_i18n};
use crate::split::split_fn;
use crate::viewer::use_viewer;
use leptos::prelude::*;
use lianjie_core::api::{Event, RadarFilter, RadarItem};
use lianjie_core::contact::Contact;
use lianjie_core::crm::{FollowUpLogged, TaskFromReading};
use lianjie_core::format;
use lianjie_core::intent::HOT_THRESHOLD;
use lianjie_core::link;
use lianjie_core::share::ShareTarget;

/// The live feed of what readers do (线索雷达), narrowed by filters kept in the URL.
#[component]
pub fn LeadRadar() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let feed = LocalResource::new({
        let api = api.clone();
        move || {
            let api = api.clone();
            async move { api.radar().await }
        }
    });
    // Who "mine" means: the signed-in viewer, known before any page renders.
    let viewer = use_viewer();
    let contents = LocalResource::new(move || api.contents());
    use_api_events(move |e| {
        if matches!(e, Event::Radar { .. } | Event::Reset) {
            feed.refetch();
        }
    });
    let (hot, set_hot) = use_query_param("hot");
    let (mine, set_mine) = use_query_param("mine");
    let (content, set_content) = use_query_param("content");
    let filter = Memo::new(move |_| RadarFilter {
        hot: hot.get().is_some(),
        rep_id: mine.get().and_then(|_| viewer.with(|v| v.me.id.clone())),
        content_id: content.get(),
    });
    let flag = |on: bool| on.then(|| "1".to_owned());
    // The customer whose follow-up is being written, (id, name): outside the feed,
    // which is drawn afresh on every reading.
    let logging = RwSignal::new(None::<(String, String)>);
    let on_log = Callback::new(move |who| logging.set(Some(who)));
    view! {
        <PageHeader title=Msg::NavRadar intro=Msg::RadarIntro>
            <PlayCustomer />
        </PageHeader>
        <div class="radar-tools">
            <div role="group" class="segmented" aria-label=move || i18n.t(Msg::RadarFilters)>
                <button
                    type="button"
                    aria-pressed=move || hot.get().is_some().to_string()
                    on:click=move |_| set_hot.set(flag(hot.get_untracked().is_none()))
                >
                    {move || i18n.t(Msg::HotOnly)}
                </button>
                <button
                    type="button"
                    aria-pressed=move || mine.get().is_some().to_string()
                    on:click=move |_| set_mine.set(flag(mine.get_untracked().is_none()))
                >
                    {move || i18n.t(Msg::MineOnly)}
                </button>
            </div>
            <select
                    aria-label=move || i18n.t(Msg::NavContent)
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        set_content.set((!v.is_empty()).then_some(v));
                    }
                >
                    <option value="">{move || i18n.t(Msg::AllContent)}</option>
                    {move || contents.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|c| {
                        let chosen = c.id.clone();
                        view! {
                            <option value=c.id selected=move || content.get() == Some(chosen.clone())>{c.title}</option>
                        }
                    }).collect_view()}
            </select>
            <NotificationSwitch />
        </div>
        <LoadFailed resource=contents />
        {move || logging.get().map(|(id, name)| view! { <RadarFollowUp id name logging /> })}
        <Transition>
            {move || Suspend::new(async move {
                feed.await.map(|items| {
                    let shown: Vec<RadarItem> = items.into_iter().filter(|i| filter.read().matches(i)).collect();
                    if shown.is_empty() && !filter.read().is_open() {
                        // Lines exist, the filters hide them all: say so, and undo them.
                        view! {
                            <div class="empty">
                                <p>{move || i18n.t(Msg::RadarNoMatch)}</p>
                                <button type="button" on:click=move |_| {
                                    set_hot.set(None);
                                    set_mine.set(None);
                                    set_content.set(None);
                                }>{move || i18n.t(Msg::ShowEverything)}</button>
                            </div>
                        }.into_any()
                    } else if shown.is_empty() {
                        view! { <p class="empty">{move || i18n.t(Msg::RadarEmpty)}</p> }.into_any()
                    } else {
                        view! {
                            <ol class="radar" aria-live="polite">
                                {shown.into_iter().map(|item| view! { <RadarLine item i18n on_log /> }).collect_view()}
                            </ol>
                        }.into_any()
                    }
                })
            })}
        </Transition>
    }
}

/// One reading as a rich row: who (with their face), what, which visit, when, how
/// long and where they lingered, and the customer's intent as a bar.
/// One tap turns the reading into a task due in half an hour, with the reading as
/// its context (logging the follow-up closes it).
#[component]
fn FollowUpButton(session_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let toasts = use_toasts();
    // One id per line shown: tapping again after a failure is the same task.
    let id = format!("read-{}", random_token());
    let add = Action::new_local(move |(): &()| {
        let from = TaskFromReading {
            id: id.clone(),
            session_id: session_id.clone(),
        };
        let api = api.clone();
        async move { api.task_from_reading(from).await }
    });
    Effect::new(move || match add.value().get() {
        Some(Ok(_)) => {
            toasts.info(i18n.t(Msg::TaskFromReadingAdded));
        }
        Some(Err(e)) => {
            toasts.error(i18n.t(e.message()), None);
        }
        None => {}
    });
    let added = move || matches!(add.value().get(), Some(Ok(_)));
    view! {
        <button type="button" class="follow-up-now" disabled=move || add.pending().get() || added()
            on:click=move |_| { add.dispatch(()); }>
            {move || if added() { "✓ " } else { "" }}
            {move || i18n.t(Msg::FollowUpNow)}
        </button>
    }
}

// The form comes when a rep first opens it, not with the radar: most visits of the
// radar write no follow-up, and its code (shared with the customer profile and the
// inbox) was a quarter of the radar's bundle. By then the service worker has usually
// kept it (`crate::offline`).
split_fn!(
    follow_up,
    fn follow_up_form(
        contact: LocalResource<ApiResult<Contact>>,
        on_logged: Callback<FollowUpLogged>,
    ) -> ViewFn {
        ViewFn::from(move || view! { <QuickFollowUp contact form="radar-follow-up" on_logged /> })
    }
);

/// Writing down a follow-up with the customer of a radar line, in place: it closes
/// once saved (and closes the task the reading made, if any).
#[component]
fn RadarFollowUp(
    id: String,
    name: String,
    logging: RwSignal<Option<(String, String)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    // Read while the form's code is fetched, not after.
    let contact = LocalResource::new(move || {
        let (api, id) = (api.clone(), id.clone());
        async move { api.contact(id).await }
    });
    let on_logged = Callback::new(move |_| logging.set(None));
    let section = NodeRef::<leptos::html::Section>::new();
    // Brought into view: the line may be far down the feed, on a phone.
    Effect::new(move || {
        if let Some(el) = section.get() {
            el.scroll_into_view();
        }
    });
    view! {
        <section class="panel radar-follow-up" node_ref=section
            aria-label=move || i18n.tf(Msg::FollowUpWith, &[("name", &name)])>
            <p class="radar-follow-up-head">
                <strong>{name.clone()}</strong>
                <button type="button" class="ghost" on:click=move |_| logging.set(None)>
                    {move || i18n.t(Msg::Cancel)}
                </button>
            </p>
            <LazyPage load=move || follow_up_form(contact, on_logged) />
        </section>
    }
}

#[component]
fn RadarLine(item: RadarItem, i18n: I18n, on_log: Callback<(String, String)>) -> impl IntoView {
    let forwarded_by = item.forwarded_by.clone();
    let visit = item.visit.to_string();
    let intent = item.intent;
    let top = item.top_section.clone();
    let actions = item.actions.clone();
    let face = item.reader.clone().unwrap_or_default();
    let who = match (item.reader.clone(), item.contact_id.clone()) {
        (Some(name), Some(id)) => {
            view! { <a href=link::path(&["contacts", &id])><strong>{name}</strong></a> }.into_any()
        }
        _ => view! { <strong>{move || i18n.t(Msg::Anonymous)}</strong> }.into_any(),
    };
    let hot = item.intent >= HOT_THRESHOLD;
    let tags = item.tags.clone();
    let starred = use_viewer()
        .with_untracked(|v| item.starred_by.contains(&v.me.id))
        .unwrap_or(false);
    view! {
        <li class="radar-line" class:hot=hot>
            <Avatar name=if face.is_empty() { "?".to_owned() } else { face } />
            <div class="radar-body">
                <p class="radar-who">
                    {who}
                    {forwarded_by.map(|f| view! { <span class="via">{move || i18n.t(Msg::ViaForward)} " " {f.clone()}</span> })}
                    {starred.then(|| view! {
                        " " <span class="starred" title=move || i18n.t(Msg::ViewStarred)>
                            <span aria-hidden="true">"★"</span>
                            <span class="visually-hidden">{move || i18n.t(Msg::ViewStarred)}</span>
                        </span>
                    })}
                    {tags.into_iter().map(|t| view! { " " <span class="tag">{t}</span> }).collect_view()}
                    {item.probably_same_as_name.clone().map(|name| view! {
                        " · " <span class="same-person">{move || i18n.tf(Msg::ProbablySameAs, &[("name", &name)])}</span>
                    })}
                    <TimeAgo at=item.at class="radar-when" />
                </p>
                <p class="radar-what">
                    {match item.target {
                        ShareTarget::Card(_) => {
                            let name = item.title.clone();
                            view! { {move || i18n.tf(Msg::CardOf, &[("name", &name)])} }.into_any()
                        }
                        ShareTarget::Content(_) => view! { "《" {item.title.clone()} "》" }.into_any(),
                    }}
                    " " <span class="badge quiet">{move || i18n.tf(Msg::VisitNth, &[("n", &visit)])}</span>
                </p>
                <p class="radar-figures">
                    {move || i18n.t(Msg::ReadTime)} " " {move || format::duration(item.visible_ms, i18n.locale())}
                    " · " {move || i18n.t(Msg::Scrolled)} " " {item.max_scroll_pct} "%"
                    {top.map(|t| view! { " · " {move || i18n.t(Msg::LongestOn)} " " {t.clone()} })}
                    {(!actions.is_empty()).then(|| view! {
                        " · " {move || actions.iter().map(|a| i18n.action(*a)).collect::<Vec<_>>().join(i18n.t(Msg::ListSep))}
                    })}
                </p>
            </div>
            <div class="radar-side">
                {(item.contact_id.is_some()).then(|| view! { <IntentBar intent /> })}
                <FollowUpButton session_id=item.session_id.clone() />
                {item.contact_id.clone().zip(item.reader.clone()).map(|who| {
                    let name = who.1.clone();
                    view! {
                        <button type="button" class="ghost" on:click=move |_| on_log.run(who.clone())>
                            {move || i18n.t(Msg::LogFollowUp)}
                            // Each line's button says whose follow-up it is.
                            <span class="visually-hidden">" " {name}</span>
                        </button>
                    }
                })}
            </div>
        </li>
    }
}
