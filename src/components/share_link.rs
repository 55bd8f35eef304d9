use crate::api::use_api;
use crate::components::{CopyButton, LoadFailed, QrCodeImage, use_toasts};
use crate::i18n::{Msg, PublicMsg, use_i18n};
use crate::viewer::use_viewer;
use leptos::prelude::*;
use lianjie_core::api::NewShare;
use lianjie_core::channel::Channel;
use lianjie_core::link;
use lianjie_core::share::{LeadCapture, ShareTarget};

/// Mints a tracked link for `target` (optionally for a contact and channel, asking for
/// the reader's details) and offers it every way a rep passes links on: copy, the
/// system share sheet, a QR code, with a preview of how it will look in a chat. `name`
/// is what is shared; `summary` and `image` fill the chat preview.
/// Offered only to roles that share links (not support agents).
#[component]
pub fn ShareLink(
    target: ShareTarget,
    name: String,
    #[prop(optional)] summary: String,
    #[prop(optional)] image: String,
    /// The customer the link is for (id, name), chosen already (still changeable).
    #[prop(optional)]
    to: Option<(String, String)>,
) -> impl IntoView {
    let viewer = use_viewer();
    // Unknown viewer (mounted alone): offer it and let the backend decide.
    let shares = Memo::new(move |_| {
        viewer
            .with(|v| v.may(lianjie_core::scope::Action::ShareLinks))
            .unwrap_or(true)
    });
    move || {
        shares.get().then(|| {
            view! {
                <ShareOptions
                    target=target.clone()
                    name=name.clone()
                    summary=summary.clone()
                    image=image.clone()
                    to=to.clone()
                />
            }
        })
    }
}

#[component]
fn ShareOptions(
    target: ShareTarget,
    name: String,
    summary: String,
    image: String,
    to: Option<(String, String)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let toasts = use_toasts();
    let contact = RwSignal::new(to.as_ref().map(|t| t.0.clone()).unwrap_or_default());
    // Stored, so the closures reading it stay `Copy`.
    let to = StoredValue::new(to);
    let channel = RwSignal::new(String::new());
    let ask = RwSignal::new(LeadCapture::Off);
    let mint = Action::new_local({
        let api = api.clone();
        move |target: &ShareTarget| {
            let (api, target) = (api.clone(), target.clone());
            let new = NewShare {
                target,
                contact_id: Some(contact.get_untracked()).filter(|c| !c.is_empty()),
                channel: Channel::from_slug(&channel.get_untracked()),
                lead_capture: ask.get_untracked(),
            };
            async move { api.create_share(new).await }
        }
    });
    // Loaded when the options are first opened, not for every item in a list.
    let opened = RwSignal::new(false);
    let contacts = LocalResource::new(move || {
        let (api, wanted) = (api.clone(), opened.get());
        async move {
            if !wanted {
                return Ok(Vec::new());
            }
            let mut list = api.contacts().await?;
            list.sort_by(|a, b| a.name.cmp(&b.name));
            Ok(list)
        }
    });
    let contact_name = move || {
        let id = contact.get();
        contacts
            .get()
            .and_then(Result::ok)
            .and_then(|list| list.into_iter().find(|c| c.id == id))
            .map(|c| c.name)
            .or_else(|| to.with_value(|t| t.as_ref().filter(|t| t.0 == id).map(|t| t.1.clone())))
    };
    let link = move || match mint.value().get() {
        Some(Ok(share)) => {
            let origin = window().location().origin().unwrap_or_default();
            Some(format!("{origin}{}", link::path(&["s", &share.token])))
        }
        _ => None,
    };
    Effect::new(move || {
        if let Some(Err(e)) = mint.value().get() {
            toasts.error(i18n.t(e.message()), None);
        }
    });
    let can_share = js_sys::Reflect::has(&window().navigator(), &"share".into()).unwrap_or(false);
    let system_share = {
        let (title, text) = (name.clone(), summary.clone());
        move |url: String| {
            let data = web_sys::ShareData::new();
            data.set_title(&title);
            data.set_text(&text);
            data.set_url(&url);
            let promise = window().navigator().share_with_data(&data);
            // Closing the share sheet rejects the promise: nothing to report.
            leptos::task::spawn_local(async move {
                let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
            });
        }
    };
    let preview = (name.clone(), summary, image);
    let qr_label = {
        let name = name.clone();
        move || i18n.tf(Msg::QrFor, &[("title", &name)])
    };
    let label = move || format!("{}: {}", i18n.t(Msg::ShareAction), name);
    let target_for_click = target.clone();
    let asks = [
        (LeadCapture::Off, Msg::AskOff),
        (LeadCapture::Before, Msg::AskBefore),
        (LeadCapture::AfterSection { index: 2 }, Msg::AskMidway),
        (LeadCapture::SoftEnd, Msg::AskSoftEnd),
    ];
    view! {
        <div class="share-link">
            <details class="link-options" on:toggle=move |_| opened.set(true)>
                <summary>{move || i18n.t(Msg::LinkOptions)}</summary>
                <label>
                    {move || i18n.t(Msg::ForContact)}
                    <select on:change=move |ev| contact.set(event_target_value(&ev))>
                        <option value="">{move || i18n.t(Msg::AnyContact)}</option>
                        {move || contacts.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|c| {
                            let chosen = c.id == contact.get_untracked();
                            view! { <option value=c.id selected=chosen>{c.name}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <LoadFailed resource=contacts />
                <label>
                    {move || i18n.t(Msg::ViaChannel)}
                    <select on:change=move |ev| channel.set(event_target_value(&ev))>
                        <option value="">{move || i18n.t(Msg::AnyChannel)}</option>
                        {Channel::ALL.map(|c| view! { <option value=c.slug()>{move || i18n.channel(c)}</option> }).collect_view()}
                    </select>
                </label>
                <label>
                    {move || i18n.t(Msg::AskDetails)}
                    <select on:change=move |ev| {
                        let i: usize = event_target_value(&ev).parse().unwrap_or(0);
                        ask.set(asks.get(i).map_or(LeadCapture::Off, |a| a.0));
                    }>
                        {asks.iter().enumerate().map(|(i, (_, label))| {
                            let label = *label;
                            view! { <option value=i.to_string()>{move || i18n.t(label)}</option> }
                        }).collect_view()}
                    </select>
                </label>
            </details>
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
                let (href, for_copy, for_share) = (url.clone(), url.clone(), url.clone());
                let system_share = system_share.clone();
                let (title, summary, image) = preview.clone();
                let host = url.split('/').nth(2).unwrap_or_default().to_owned();
                let (bubble_href, bubble_title) = (url.clone(), title.clone());
                view! {
                    <a href=href target="_blank" rel="noopener">{url.clone()}</a>
                    <CopyButton text=for_copy label=Msg::CopyLink done=Msg::LinkCopied />
                    {can_share.then(|| view! {
                        <button type="button" on:click=move |_| system_share(for_share.clone())>
                            {move || i18n.t(Msg::ShareVia)}
                        </button>
                    })}
                    <div class="share-extras">
                        <QrCodeImage text=url label=Signal::derive(qr_label.clone()) />
                        <figure class="chat-preview">
                            <figcaption>{move || i18n.t(Msg::ChatPreview)}</figcaption>
                            {move || contact_name().map(|name| view! {
                                <p class="chat-window-title">{i18n.tf(Msg::ChatWith, &[("name", &name)])}</p>
                            })}
                            // The rep's demo of the loop: tap the card in the chat, as the customer would.
                            <a class="chat-bubble" href=bubble_href target="_blank" rel="noopener"
                                aria-label=move || format!("{}: {}", i18n.t(Msg::OpenAsCustomer), bubble_title)>
                                <p class="chat-title">{title}</p>
                                <div class="chat-body">
                                    <p class="chat-desc">{summary}</p>
                                    {link::checked(&image).map(|src| view! { <img src=src alt="" /> })}
                                </div>
                                <p class="chat-source">{move || i18n.t(PublicMsg::AppName)} " · " {host.clone()}</p>
                            </a>
                        </figure>
                    </div>
                }
            })}
        </div>
    }
}
