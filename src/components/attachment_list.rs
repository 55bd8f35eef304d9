use leptos::prelude::*;
use lianjie_core::inbox::Attachment;
use lianjie_core::validate;

/// A message's attachments: images inline, other files as links. Only http(s)
/// addresses become links or images; anything else shows as its name, as text.
#[component]
pub fn AttachmentList(attachments: Vec<Attachment>) -> impl IntoView {
    (!attachments.is_empty()).then(|| {
        view! {
            <ul class="attachments">
                {attachments
                    .into_iter()
                    .map(|a| {
                        let safe = validate::url(&a.url).is_ok();
                        let inner = if a.is_image && safe {
                            view! { <img src=a.url.clone() alt=a.name.clone() loading="lazy" /> }.into_any()
                        } else {
                            a.name.clone().into_any()
                        };
                        view! {
                            <li>
                                {if safe {
                                    view! { <a href=a.url rel="noopener" target="_blank">{inner}</a> }.into_any()
                                } else {
                                    inner
                                }}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    })
}
