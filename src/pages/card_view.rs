use super::use_customer_page_id;
use crate::api::use_public_api;
use crate::components::{
    Address, CardFace, CardHandlers, first_paint_done, use_address, use_page_title,
};
use crate::error::AppError;
use crate::i18n::PublicMsg;
use crate::tracker::reader_links::{self, Opening};
use crate::tracker::use_tracker;
use crate::wechat_copy::copy_wechat_id;
use leptos::prelude::*;
use lianjie_core::api::OpenedShare;
use lianjie_core::first_paint::{Then, ask_phone};
use lianjie_core::link;
use lianjie_core::tracking::ViewAction;
use lianjie_core::vcard::{Photo, vcard};

/// The rep's card opened from its own address (`/c/:card`, printed QR codes, email
/// signatures). It is tracked like a shared link: the reader gets their own link in
/// the address bar, so a forward from the chat app is attributed to them.
#[component]
pub fn CardView() -> impl IntoView {
    let id = use_customer_page_id();
    let api = use_public_api();
    use_page_title(PublicMsg::CardPageTitle);
    let opened = LocalResource::new(move || {
        let api = api.clone();
        let card = id.get();
        async move { reader_links::open_view(&*api, Opening::Card, card?).await }
    });
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                opened.await.map(|o| view! { <CardPage opened=o /> }).inspect_err(|_| first_paint_done())
            })}
        </Suspense>
    }
}

/// What the address asks to do once the page is open (`?then=`, a link of the
/// server's first paint tapped before the app ran), taken out of the address so
/// going back returns to the page rather than doing it again.
fn take_then(address: Address) -> Option<Then> {
    let params = web_sys::UrlSearchParams::new_with_str(&address.query.get_untracked()).ok()?;
    let then = Then::parse(&params.get("then")?);
    params.delete("then");
    let query = String::from(params.to_string());
    let path = address.path.get_untracked();
    address.replace(&if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    });
    then
}

/// A Latin-1 "binary string" of `bytes`, base64-encoded by the browser.
fn base64(bytes: &[u8]) -> Option<String> {
    let binary: String = bytes.iter().map(|b| char::from(*b)).collect();
    window().btoa(&binary).ok()
}

/// The card's photo for the vCard, if it can be fetched (same origin or CORS) and is
/// a JPEG or PNG of reasonable size; otherwise the contact is saved without one.
async fn fetch_photo(url: String) -> Option<(&'static str, String)> {
    const MAX_BYTES: usize = 256 * 1024;
    let response = gloo_net::http::Request::get(&url).send().await.ok()?;
    let kind = match response.headers().get("content-type")?.as_str() {
        t if t.starts_with("image/jpeg") => "JPEG",
        t if t.starts_with("image/png") => "PNG",
        _ => return None,
    };
    let bytes = response.binary().await.ok()?;
    (bytes.len() <= MAX_BYTES)
        .then(|| base64(&bytes))
        .flatten()
        .map(|b| (kind, b))
}

fn data_url(text: &str) -> String {
    format!(
        "data:text/vcard;charset=utf-8,{}",
        js_sys::encode_uri_component(text)
    )
}

/// The customer's card page for an opened link (its own address or a share).
#[component]
pub fn CardPage(opened: OpenedShare) -> impl IntoView {
    let tracker = use_tracker(&opened);
    let Some(card) = opened.card else {
        first_paint_done();
        let i18n = crate::i18n::use_i18n();
        return view! { <p role="alert">{move || i18n.t(AppError::NotFound.message())}</p> }
            .into_any();
    };
    document().set_title(&card.name);
    let then = take_then(use_address());
    // A featured item asked for stays on the first paint (which shows it) until its
    // own page replaces it; anything else is this page.
    if !matches!(then, Some(Then::Content(_))) {
        first_paint_done();
    }
    let reader = opened.child_token;
    // The server's file where there is one (in-app browsers block `data:`
    // downloads); otherwise built here, with the photo when it can be fetched.
    let served = use_public_api().vcard_url(&card.id);
    let vcard_href = RwSignal::new(
        served
            .clone()
            .unwrap_or_else(|| data_url(&vcard(&card, None))),
    );
    if served.is_none() && !card.avatar_url.is_empty() {
        let (card, url) = (card.clone(), card.avatar_url.clone());
        leptos::task::spawn_local(async move {
            if let Some((kind, data)) = fetch_photo(url).await {
                let photo = Photo {
                    kind,
                    base64: &data,
                };
                vcard_href.set(data_url(&vcard(&card, Some(photo))));
            }
        });
    }
    let status = RwSignal::new(None::<PublicMsg>);
    let act = {
        let tracker = send_wrapper::SendWrapper::new(tracker.clone());
        move |action: ViewAction| {
            let tracker = tracker.clone();
            Callback::new(move |()| tracker.action(action))
        }
    };
    let on_copy_wechat = {
        let (tracker, wechat) = (
            send_wrapper::SendWrapper::new(tracker.clone()),
            card.wechat_id.clone(),
        );
        Callback::new(move |()| {
            tracker.action(ViewAction::CopiedWechat);
            let copying = copy_wechat_id(&wechat);
            leptos::task::spawn_local(async move {
                let done = copying.await;
                status.set(Some(if done {
                    PublicMsg::WechatCopied
                } else {
                    PublicMsg::CopyByHand
                }));
            });
        })
    };
    let on_open = {
        let (tracker, api, navigate) = (
            send_wrapper::SendWrapper::new(tracker.clone()),
            send_wrapper::SendWrapper::new(use_public_api()),
            use_address(),
        );
        Callback::new(move |content_id: String| {
            tracker.action(ViewAction::OpenedContent);
            let (api, reader) = (api.clone(), reader.clone());
            leptos::task::spawn_local(async move {
                match api.open_featured(reader, content_id).await {
                    Ok(share) => navigate.go(&link::path(&["s", &share.token])),
                    Err(_) => {
                        first_paint_done();
                        status.set(Some(PublicMsg::OpeningFailed));
                    }
                }
            });
        })
    };
    let handlers = CardHandlers {
        vcard_href: vcard_href.into(),
        chat_href: link::path(&["chat", &opened.share.token]),
        on_call: act(ViewAction::Called),
        on_email: act(ViewAction::Emailed),
        on_save: act(ViewAction::SavedContact),
        on_message: act(ViewAction::Messaged),
        on_copy_wechat,
        on_open,
        status: status.into(),
    };
    if let Some(then) = then {
        let (chat, navigate) = (handlers.chat_href.clone(), use_address());
        let (on_message, on_open) = (handlers.on_message, handlers.on_open);
        // After this render, as a tap would be.
        leptos::task::spawn_local(async move {
            let chat = match then {
                Then::Content(id) => return on_open.run(id),
                Then::Chat => chat,
                Then::AskPhone => ask_phone(&chat),
            };
            on_message.run(());
            navigate.go(&chat);
        });
    }
    let featured = opened.featured;
    view! {
        <article class="card-page">
            <CardFace card=Signal::stored(card) featured=Signal::stored(featured) handlers />
        </article>
    }
    .into_any()
}
