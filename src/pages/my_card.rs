use crate::api::{use_api, use_api_events};
use crate::components::{
    Avatar, AvatarSize, CardFace, DayBars, DraftNotice, PageHeader, ShareLink, StatList, StatValue,
    use_draft, use_toasts,
};
use crate::error::{AppError, problem_message};
use crate::i18n::{AnyMsg, I18n, Msg, PublicMsg, use_i18n};
use crate::viewer::use_viewer;
use leptos::prelude::*;
use lianjie_core::analytics::CardAnalytics;
use lianjie_core::api::{Event, FeaturedContent};
use lianjie_core::content::Content;
use lianjie_core::format;
use lianjie_core::link;
use lianjie_core::people::{Card, CardTheme, MAX_FEATURED, PhoneVisibility};
use lianjie_core::public::PublicCard;
use lianjie_core::share::ShareTarget;
use lianjie_core::validate::FieldErrors;

/// The rep's own card: edit it beside a live phone preview, share it, and see who
/// looked at it.
#[component]
pub fn MyCard() -> impl IntoView {
    let api = use_api();
    let viewer = use_viewer();
    let loaded = LocalResource::new(move || {
        let api = api.clone();
        // The viewer is known before a page renders: one round trip, not three.
        let card_id = viewer.with_untracked(|v| v.me.card_id.clone()).flatten();
        async move {
            let card_id = card_id.ok_or(AppError::NoCard)?;
            let (card, contents) = futures::try_join!(api.card(card_id), api.contents())?;
            Ok::<_, AppError>((card, contents))
        }
    });
    view! {
        <PageHeader title=Msg::NavMyCard intro=Msg::MyCardIntro />
        <Transition>
            {move || Suspend::new(async move {
                loaded.await.map(|(card, contents)| {
                    let id = card.id.clone();
                    view! {
                        <CardEditor card=card.clone() contents />
                        <section class="panel" aria-labelledby="share-card-h">
                            <h2 id="share-card-h">{move || use_i18n().t(Msg::ShareMyCard)}</h2>
                            <p>
                                {move || use_i18n().t(Msg::CardAddress)} " "
                                <a href=link::path(&["c", &id]) target="_blank" rel="noopener">{link::path(&["c", &id])}</a>
                            </p>
                            <ShareLink
                                target=ShareTarget::Card(id.clone())
                                name=card.name.clone()
                                summary=card.intro.clone()
                                image=card.avatar_url.clone()
                            />
                        </section>
                        <CardStats card_id=id />
                    }
                })
            })}
        </Transition>
    }
}

fn featured_of(card: &Card, contents: &[Content]) -> Vec<FeaturedContent> {
    card.featured
        .iter()
        .filter_map(|id| contents.iter().find(|c| &c.id == id))
        .map(FeaturedContent::from)
        .collect()
}

const THEMES: [(CardTheme, Msg); 4] = [
    (CardTheme::Jade, Msg::ThemeJade),
    (CardTheme::Ink, Msg::ThemeInk),
    (CardTheme::Coral, Msg::ThemeCoral),
    (CardTheme::Slate, Msg::ThemeSlate),
];

/// One text field of the card, with its problem shown beside it.
#[component]
fn CardField(
    #[prop(into)] label: AnyMsg,
    draft: RwSignal<Card>,
    problems: RwSignal<FieldErrors>,
    /// The field's name in validation errors.
    name: &'static str,
    get: fn(&Card) -> &String,
    set: fn(&mut Card) -> &mut String,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] multiline: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let value = move || draft.with(|c| get(c).clone());
    let on_input = move |ev| draft.update(|c| *set(c) = event_target_value(&ev));
    let problem = move || {
        problems
            .read()
            .get(name)
            .map(|p| i18n.t(problem_message(p)))
    };
    view! {
        <label>
            {move || i18n.t(label)}
            {if multiline {
                view! { <textarea rows="3" prop:value=value on:input=on_input></textarea> }.into_any()
            } else {
                view! { <input type=kind prop:value=value on:input=on_input /> }.into_any()
            }}
            <span class="field-problem">{problem}</span>
        </label>
    }
}

#[component]
fn CardEditor(card: Card, contents: Vec<Content>) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let toasts = use_toasts();
    let draft = use_draft(format!("lianjie.draft.card.{}", card.id), card);
    let problems = RwSignal::new(FieldErrors::default());
    let save = Action::new_local(move |c: &Card| {
        let (api, c) = (api.clone(), c.clone());
        async move { api.save_card(c).await }
    });
    Effect::new(move || match save.value().get() {
        Some(Ok(saved)) => {
            draft.saved_as(saved);
            toasts.info(i18n.t(Msg::Saved));
        }
        Some(Err(AppError::Invalid(errs))) => problems.set(errs),
        Some(Err(e)) => {
            toasts.error(i18n.t(e.message()), None);
        }
        None => {}
    });
    let contents = StoredValue::new(contents);
    let card = draft.value;
    let featured =
        Signal::derive(move || card.with(|c| contents.with_value(|all| featured_of(c, all))));
    let field = move |label: AnyMsg, name, get, set| view! { <CardField label draft=card problems name get set /> };
    view! {
        <div class="card-editor">
            <form
                class="editor"
                novalidate
                aria-label=move || i18n.t(Msg::CardEditorTitle)
                on:submit=move |ev| {
                    ev.prevent_default();
                    let c = card.get_untracked();
                    match c.validate() {
                        Ok(()) => {
                            problems.set(FieldErrors::default());
                            save.dispatch(c);
                        }
                        Err(errs) => problems.set(errs),
                    }
                }
            >
                <DraftNotice draft />
                {field(Msg::FieldName.into(), "name", |c: &Card| &c.name, |c: &mut Card| &mut c.name)}
                {field(Msg::FieldJobTitle.into(), "title", |c: &Card| &c.title, |c: &mut Card| &mut c.title)}
                {field(Msg::FieldCompany.into(), "company", |c: &Card| &c.company, |c: &mut Card| &mut c.company)}
                <CardField label=Msg::FieldAvatar draft=card problems name="avatar_url" kind="url"
                    get=|c| &c.avatar_url set=|c| &mut c.avatar_url />
                <CardField label=Msg::FieldLogo draft=card problems name="logo_url" kind="url"
                    get=|c| &c.logo_url set=|c| &mut c.logo_url />
                <CardField label=PublicMsg::LeadPhone draft=card problems name="phone" kind="tel"
                    get=|c| &c.phone set=|c| &mut c.phone />
                <fieldset class="choice">
                    <legend>{move || i18n.t(Msg::PhoneShownTo)}</legend>
                    {[(PhoneVisibility::Public, Msg::PhoneEveryone), (PhoneVisibility::OnRequest, Msg::PhoneOnlyOnRequest)]
                        .map(|(v, label)| view! {
                            <label>
                                <input type="radio" name="phone-visibility"
                                    prop:checked=move || card.with(|c| c.phone_visibility == v)
                                    on:change=move |_| card.update(|c| c.phone_visibility = v) />
                                {move || i18n.t(label)}
                            </label>
                        }).collect_view()}
                </fieldset>
                <CardField label=PublicMsg::Email draft=card problems name="email" kind="email"
                    get=|c| &c.email set=|c| &mut c.email />
                {field(Msg::FieldWechatId.into(), "wechat_id", |c: &Card| &c.wechat_id, |c: &mut Card| &mut c.wechat_id)}
                {field(PublicMsg::FieldAddress.into(), "address", |c: &Card| &c.address, |c: &mut Card| &mut c.address)}
                <CardField label=PublicMsg::FieldWebsite draft=card problems name="website" kind="url"
                    get=|c| &c.website set=|c| &mut c.website />
                <CardField label=Msg::FieldIntro draft=card problems name="intro" multiline=true
                    get=|c| &c.intro set=|c| &mut c.intro />
                <CardField label=Msg::FieldGreeting draft=card problems name="greeting_media_url" kind="url"
                    get=|c| &c.greeting_media_url set=|c| &mut c.greeting_media_url />
                <fieldset class="choice themes">
                    <legend>{move || i18n.t(Msg::Theme)}</legend>
                    {THEMES.map(|(theme, label)| view! {
                        <label class=format!("swatch theme-{}", theme.slug())>
                            <input type="radio" name="theme"
                                prop:checked=move || card.with(|c| c.theme == theme)
                                on:change=move |_| card.update(|c| c.theme = theme) />
                            {move || i18n.t(label)}
                        </label>
                    }).collect_view()}
                </fieldset>
                <FeaturedPicker card contents=contents.get_value() problems i18n />
                {move || (!problems.read().0.is_empty()).then(|| view! {
                    <p role="alert" class="form-error">{move || i18n.t(PublicMsg::ErrInvalid)}</p>
                })}
                <p class="form-actions">
                    <button type="submit" class="cta" disabled=move || save.pending().get()>
                        {move || i18n.t(Msg::SaveCard)}
                    </button>
                </p>
            </form>
            <aside class="phone-preview" aria-label=move || i18n.t(Msg::CardPreview)>
                <div class="phone-frame">
                    // Exactly what customers get: the public card.
                    <CardFace card=Signal::derive(move || card.with(|c| PublicCard::from(c))) featured />
                </div>
            </aside>
        </div>
    }
}

/// Which content the card features, in the order ticked, at most [`MAX_FEATURED`].
#[component]
fn FeaturedPicker(
    card: RwSignal<Card>,
    contents: Vec<Content>,
    problems: RwSignal<FieldErrors>,
    i18n: I18n,
) -> impl IntoView {
    let max = MAX_FEATURED.to_string();
    view! {
        <fieldset class="featured-picker">
            <legend>{move || i18n.tf(Msg::FeaturedPick, &[("n", &max)])}</legend>
            {contents.into_iter().map(|c| {
                let (id, id2, id3) = (c.id.clone(), c.id.clone(), c.id.clone());
                let ticked = move || card.with(|k| k.featured.contains(&id));
                view! {
                    <label>
                        <input type="checkbox"
                            prop:checked=ticked.clone()
                            disabled=move || card.with(|k| k.featured.len() >= MAX_FEATURED && !k.featured.contains(&id2))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                card.update(|k| {
                                    k.featured.retain(|f| *f != id3);
                                    if on {
                                        k.featured.push(id3.clone());
                                    }
                                });
                            } />
                        {c.title}
                    </label>
                }
            }).collect_view()}
            <span class="field-problem">
                {move || problems.read().get("featured").map(|p| i18n.t(problem_message(p)))}
            </span>
        </fieldset>
    }
}

/// Views of the card over every link to it, live.
#[component]
fn CardStats(card_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let analytics = LocalResource::new(move || {
        let (api, id) = (api.clone(), card_id.clone());
        async move { api.card_analytics(id).await }
    });
    use_api_events(move |e| match e {
        Event::Radar { item } if matches!(item.target, ShareTarget::Card(_)) => analytics.refetch(),
        Event::Reset => analytics.refetch(),
        _ => {}
    });
    view! {
        <section class="panel" aria-labelledby="card-stats-h">
            <h2 id="card-stats-h">{move || i18n.t(Msg::CardStats)}</h2>
            <Transition>
                {move || Suspend::new(async move {
                    analytics.await.map(|a| view! { <CardFigures a i18n /> })
                })}
            </Transition>
        </section>
    }
}

#[component]
fn CardFigures(a: CardAnalytics, i18n: I18n) -> impl IntoView {
    if a.views == 0 {
        return view! { <p class="empty">{move || i18n.t(Msg::NoCardViews)}</p> }.into_any();
    }
    let avg = a.avg_visible_ms;
    let figures: Vec<(Msg, StatValue)> = vec![
        (Msg::StatCardViews, Box::new(move || a.views.to_string())),
        (
            Msg::StatUniqueViewers,
            Box::new(move || a.unique_viewers.to_string()),
        ),
        (
            Msg::StatAvgView,
            Box::new(move || format::duration(avg, i18n.locale())),
        ),
        (
            Msg::StatCardForwards,
            Box::new(move || a.forwards.to_string()),
        ),
    ];
    let days = a.views_by_day;
    view! {
        <StatList figures />
        <DayBars days />
        {(!a.actions.is_empty()).then(|| view! {
            <h3>{move || i18n.t(Msg::ActionsTaken)}</h3>
            <ul class="action-counts">
                {a.actions.into_iter().map(|c| {
                    let n = c.views.to_string();
                    view! {
                        <li>{move || i18n.action(c.action)} ": " {move || i18n.tf(Msg::ActionViewsN, &[("n", &n)])}</li>
                    }
                }).collect_view()}
            </ul>
        })}
        <h3>{move || i18n.t(Msg::TopViewers)}</h3>
        <ol class="top-viewers">
            {a.top_viewers.into_iter().map(|v| {
                let name = v.name.clone();
                let face = name.clone().unwrap_or_else(|| "?".to_owned());
                let who = match v.contact_id {
                    Some(id) => view! { <a href=link::path(&["contacts", &id])>{name}</a> }.into_any(),
                    None => view! { <span>{move || i18n.t(Msg::Anonymous)}</span> }.into_any(),
                };
                let (views, ms) = (v.views.to_string(), v.visible_ms);
                let actions = v.actions;
                view! {
                    <li>
                        <Avatar name=face size=AvatarSize::Small />
                        {who} " · "
                        {move || i18n.tf(Msg::NodeViews, &[("n", &views), ("time", &format::duration(ms, i18n.locale()))])}
                        {(!actions.is_empty()).then(|| {
                            let actions = actions.clone();
                            view! {
                                " · " {move || actions.iter().map(|a| i18n.action(*a)).collect::<Vec<_>>().join(i18n.t(Msg::ListSep))}
                            }
                        })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
    .into_any()
}
