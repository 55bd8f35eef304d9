use crate::api::use_api;
use crate::components::use_toasts;
use crate::error::AppError;
use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;
use lianjie_core::api::NewShare;
use lianjie_core::channel::Channel;
use lianjie_core::content::ContentKind;
use lianjie_core::link;
use lianjie_core::share::{LeadCapture, ShareTarget};

/// The phone-sized window the customer's page opens in.
const PHONE_WINDOW: &str = "popup=yes,width=390,height=844";

/// "Play a customer": shares an article with one of the signed-in rep's own customers
/// and opens it in a phone-sized window, so a visitor sees the radar light up as
/// "the customer" reads, in one browser. The window is opened at the click (a later
/// one would be blocked) and pointed at the link once it exists; when the browser
/// blocks it anyway, the link is offered instead.
#[component]
pub fn PlayCustomer() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let toasts = use_toasts();
    let popup = StoredValue::new_local(None::<web_sys::Window>);
    let fallback = RwSignal::new(None::<String>);
    let play = Action::new_local(move |()| {
        let api = api.clone();
        async move {
            let contents = api.contents().await?;
            let article = contents
                .iter()
                .find(|c| c.kind == ContentKind::Article)
                .or(contents.first())
                .ok_or(AppError::NotFound)?;
            // The customer most worth watching: the warmest one in the rep's scope.
            let customer = api.contacts().await?.into_iter().max_by_key(|c| c.intent);
            let share = api
                .create_share(NewShare {
                    target: ShareTarget::Content(article.id.clone()),
                    contact_id: customer.map(|c| c.id),
                    channel: Some(Channel::Wechat),
                    lead_capture: LeadCapture::default(),
                })
                .await?;
            let origin = window().location().origin().unwrap_or_default();
            Ok::<_, AppError>(format!("{origin}{}", link::path(&["s", &share.token])))
        }
    });
    Effect::new(move || match play.value().get() {
        Some(Ok(url)) => {
            let opened =
                popup.with_value(|w| w.as_ref().map(|w| w.location().set_href(&url).is_ok()));
            if opened != Some(true) {
                fallback.set(Some(url));
            }
        }
        Some(Err(e)) => {
            popup.with_value(|w| w.as_ref().map(web_sys::Window::close));
            toasts.error(i18n.t(e.message()), None);
        }
        None => {}
    });
    view! {
        <button type="button" class="cta play-customer" disabled=move || play.pending().get()
            title=move || i18n.t(Msg::PlayCustomerHint)
            on:click=move |_| {
                fallback.set(None);
                let win = window()
                    .open_with_url_and_target_and_features("", "lianjie-customer", PHONE_WINDOW)
                    .ok()
                    .flatten();
                popup.set_value(win);
                play.dispatch(());
            }>
            {move || i18n.t(Msg::PlayCustomer)}
        </button>
        {move || fallback.get().map(|url| view! {
            <a href=url target="_blank" rel="noopener">{move || i18n.t(Msg::OpenCustomerPage)}</a>
        })}
    }
}
