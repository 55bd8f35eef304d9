use crate::i18n::{PublicMsg, use_i18n};
use leptos::prelude::*;
use lianjie_core::inbox::Attachment;
use lianjie_core::link;

/// A message's attachments. Only checked addresses (`link::checked`) become links;
/// anything else shows as its name, as text. Images are shown inline only when
/// this site serves them: one on another host (a customer's or an adapter's) is a
/// link, so opening a conversation tells no outside host who is reading it.
#[component]
pub fn AttachmentList(attachments: Vec<Attachment>) -> impl IntoView {
    let i18n = use_i18n();
    (!attachments.is_empty()).then(|| {
        view! {
            <ul class="attachments">
                {attachments
                    .into_iter()
                    .map(|a| {
                        let inner = if a.is_image && link::is_on_site(&a.url) {
                            view! { <img src=link::checked(&a.url) alt=a.name.clone() loading="lazy" /> }.into_any()
                        } else if a.is_image {
                            let name = a.name.clone();
                            view! { {move || i18n.tf(PublicMsg::ImageNamed, &[("name", &name)])} }.into_any()
                        } else {
                            a.name.clone().into_any()
                        };
                        view! {
                            <li>
                                {match link::checked(&a.url) {
                                    Some(href) => view! {
                                        <a href=href rel="noopener noreferrer" referrerpolicy="no-referrer" target="_blank">{inner}</a>
                                    }.into_any(),
                                    None => inner,
                                }}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    })
}
