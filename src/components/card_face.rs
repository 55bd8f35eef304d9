use crate::i18n::{PublicMsg, use_i18n};
use leptos::prelude::*;
use lianjie_core::api::FeaturedContent;
use lianjie_core::first_paint::Then;
use lianjie_core::link;
use lianjie_core::people;
use lianjie_core::public::PublicCard;

/// What the card's buttons do on a live page; the editor's preview has none.
#[derive(Clone)]
pub struct CardHandlers {
    /// "Save contact": the vCard as a `data:` URL (updated once the photo is in).
    pub vcard_href: Signal<String>,
    pub chat_href: String,
    pub on_call: Callback<()>,
    pub on_email: Callback<()>,
    pub on_save: Callback<()>,
    pub on_message: Callback<()>,
    pub on_copy_wechat: Callback<()>,
    pub on_open: Callback<String>,
    /// What the last copy or open attempt has to say, for the live region.
    pub status: Signal<Option<PublicMsg>>,
}

/// A rep's card as customers see it, in its theme: photo, name and role, the ways to
/// get in touch, greeting, intro, details and featured content. Each part is a
/// measured section (`data-block`). Without `handlers` (the editor's preview) it is
/// the same card with inert buttons.
#[component]
pub fn CardFace(
    #[prop(into)] card: Signal<PublicCard>,
    #[prop(into)] featured: Signal<Vec<FeaturedContent>>,
    #[prop(optional)] handlers: Option<CardHandlers>,
) -> impl IntoView {
    let i18n = use_i18n();
    let field = move |f: fn(&PublicCard) -> String| move || card.with(f);
    let has = move |f: fn(&PublicCard) -> &String| move || card.with(|c| !f(c).trim().is_empty());
    let role = move || card.with(PublicCard::role);
    // The public card carries no phone the rep shows only on request.
    let phone_public = move || card.with(|c| !c.phone.is_empty());
    let live = handlers.is_some();
    let h = StoredValue::new(handlers.clone());
    let cb = move |pick: fn(&CardHandlers) -> Callback<()>| {
        move |_| {
            if let Some(run) = h.with_value(|h| h.as_ref().map(pick)) {
                run.run(());
            }
        }
    };
    let vcard_href = handlers.as_ref().map(|h| h.vcard_href);
    let chat_href = handlers.as_ref().map(|h| h.chat_href.clone());
    let status = handlers.as_ref().map(|h| h.status);
    let on_open = handlers.as_ref().map(|h| h.on_open);
    let download_name = move || card.with(lianjie_core::vcard::file_name);
    view! {
        <div class=move || format!("card-face theme-{}", card.with(|c| c.theme.slug()))>
            <header class="card-profile" data-block="profile">
                {move || match link::checked(&card.with(|c| c.avatar_url.clone())) {
                    Some(src) => view! {
                        <img class="card-avatar" src=src
                            alt=move || i18n.tf(PublicMsg::PhotoOf, &[("name", &card.with(|c| c.name.clone()))]) />
                    }.into_any(),
                    None => view! {
                        <span class="card-avatar card-initials" aria-hidden="true">
                            {move || people::initials(&card.with(|c| c.name.clone()))}
                        </span>
                    }.into_any(),
                }}
                <div>
                    <h1 class="card-name">{field(|c| c.name.clone())}</h1>
                    <p class="card-role">{role}</p>
                </div>
                {move || link::checked(&card.with(|c| c.logo_url.clone())).map(|src| view! {
                    <img class="card-logo" src=src
                        alt=move || i18n.tf(PublicMsg::LogoOf, &[("company", &card.with(|c| c.company.clone()))]) />
                })}
            </header>

            <nav class="card-actions" data-block="actions" aria-label=move || i18n.t(PublicMsg::CardActions)>
                <a class="cta" href=move || vcard_href.map(|h| h.get()) download=download_name
                    on:click=cb(|h| h.on_save)>
                    {move || i18n.t(PublicMsg::SaveContact)}
                </a>
                {move || phone_public().then(|| view! {
                    <a href=move || live.then(|| card.with(|c| link::tel(&c.phone))).flatten()
                        on:click=cb(|h| h.on_call)>
                        {move || i18n.t(PublicMsg::CallMe)}
                    </a>
                })}
                {move || has(|c| &c.wechat_id)().then(|| view! {
                    <button type="button" on:click=cb(|h| h.on_copy_wechat)>
                        {move || i18n.t(PublicMsg::CopyWechat)}
                    </button>
                })}
                {move || has(|c| &c.email)().then(|| view! {
                    <a href=move || live.then(|| card.with(|c| link::mailto(&c.email))).flatten()
                        on:click=cb(|h| h.on_email)>
                        {move || i18n.t(PublicMsg::EmailMe)}
                    </a>
                })}
                <a href=chat_href.clone() on:click=cb(|h| h.on_message)>{move || i18n.t(PublicMsg::MessageMe)}</a>
            </nav>
            <p role="status" class="card-status">
                {move || status.and_then(|s| s.get()).map(|m| i18n.t(m))}
            </p>

            {move || link::checked(&card.with(|c| c.greeting_media_url.clone())).map(|src| view! {
                <section class="card-greeting" data-block="greeting">
                    {if link::is_video(&src) {
                        view! { <video src=src controls playsinline preload="none"></video> }.into_any()
                    } else {
                        view! { <img src=src alt=move || i18n.t(PublicMsg::GreetingAlt) loading="lazy" /> }.into_any()
                    }}
                </section>
            })}

            {move || has(|c| &c.intro)().then(|| view! {
                <section class="card-intro" data-block="intro" aria-labelledby="card-intro-h">
                    <h2 id="card-intro-h">{move || i18n.t(PublicMsg::AboutMe)}</h2>
                    <p>{field(|c| c.intro.clone())}</p>
                </section>
            })}

            <section class="card-details" data-block="details" aria-labelledby="card-details-h">
                <h2 id="card-details-h">{move || i18n.t(PublicMsg::ContactDetails)}</h2>
                <dl>
                    {move || if phone_public() {
                        view! { <dt>{move || i18n.t(PublicMsg::LeadPhone)}</dt><dd>{field(|c| c.phone.clone())}</dd> }.into_any()
                    } else {
                        // Asking is a chat message the customer sends; the rep answers with it.
                        let ask = chat_href.as_deref().map(lianjie_core::first_paint::ask_phone);
                        let offer = card.with(|c| c.phone_on_request);
                        view! {
                            <dt>{move || i18n.t(PublicMsg::LeadPhone)}</dt>
                            <dd>
                                {move || i18n.t(PublicMsg::PhoneOnRequest)}
                                {offer.then(|| view! {
                                    " " <a class="request-phone" href=ask.clone() on:click=cb(|h| h.on_message)>
                                        {move || i18n.t(PublicMsg::RequestPhone)}
                                    </a>
                                })}
                            </dd>
                        }.into_any()
                    }}
                    {move || has(|c| &c.wechat_id)().then(|| view! {
                        <dt>{move || i18n.t(PublicMsg::LeadWechat)}</dt>
                        <dd class="wechat-id" id="card-wechat-id">{field(|c| c.wechat_id.clone())}</dd>
                    })}
                    {move || has(|c| &c.email)().then(|| view! {
                        <dt>{move || i18n.t(PublicMsg::Email)}</dt><dd>{field(|c| c.email.clone())}</dd>
                    })}
                    {move || has(|c| &c.address)().then(|| view! {
                        <dt>{move || i18n.t(PublicMsg::FieldAddress)}</dt><dd>{field(|c| c.address.clone())}</dd>
                    })}
                    {move || link::checked(&card.with(|c| c.website.clone())).map(|url| view! {
                        <dt>{move || i18n.t(PublicMsg::FieldWebsite)}</dt>
                        <dd><a href=live.then(|| url.clone()) rel="noopener" target="_blank">{url.clone()}</a></dd>
                    })}
                </dl>
            </section>

            {move || {
                let items = featured.get();
                (!items.is_empty()).then(|| view! {
                    <section class="card-featured" data-block="featured" aria-labelledby="card-featured-h">
                        <h2 id="card-featured-h">{move || i18n.t(PublicMsg::FeaturedContent)}</h2>
                        <ul>
                            {items.into_iter().map(|item| {
                                // The address the first paint gives it too: a tap made
                                // before the app ran opens it once the app runs.
                                let href = live.then(|| Then::Content(item.id.clone()).query());
                                let id = item.id.clone();
                                view! {
                                    <li>
                                        <a class="featured-item" href=href on:click=move |ev| {
                                            if let Some(open) = on_open {
                                                ev.prevent_default();
                                                open.run(id.clone());
                                            }
                                        }>
                                            <strong>{item.title}</strong>
                                            <span>{item.summary}</span>
                                        </a>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                })
            }}
        </div>
    }
}
