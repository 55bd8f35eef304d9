use leptos::prelude::*;
use lianjie_core::content::{Block, BlockBody};
use lianjie_core::link;

/// Renders content blocks as elements and text nodes, never as HTML. Each block is a
/// section with its id, which is what view-time tracking measures.
#[component]
pub fn ContentBlocks(blocks: Vec<Block>) -> impl IntoView {
    blocks
        .into_iter()
        .map(|block| {
            let body = match block.body {
                BlockBody::Heading { level, text } => match level {
                    1 | 2 => view! { <h2>{text}</h2> }.into_any(),
                    _ => view! { <h3>{text}</h3> }.into_any(),
                },
                BlockBody::Paragraph { text } => view! { <p>{text}</p> }.into_any(),
                BlockBody::Image { url, alt, caption } => view! {
                    <figure>
                        <img src=link::checked(&url) alt=alt loading="lazy" />
                        {(!caption.is_empty()).then(|| view! { <figcaption>{caption}</figcaption> })}
                    </figure>
                }
                .into_any(),
                BlockBody::Quote { text, cite } => view! {
                    <blockquote>
                        <p>{text}</p>
                        {(!cite.is_empty()).then(|| view! { <footer>"— " {cite}</footer> })}
                    </blockquote>
                }
                .into_any(),
                BlockBody::List { ordered, items } => {
                    let items = items.into_iter().map(|i| view! { <li>{i}</li> }).collect_view();
                    if ordered {
                        view! { <ol>{items}</ol> }.into_any()
                    } else {
                        view! { <ul>{items}</ul> }.into_any()
                    }
                }
                BlockBody::Video { url, poster_url, .. } => view! {
                    <video controls preload="none" playsinline src=link::checked(&url) poster=link::checked(&poster_url)></video>
                }
                .into_any(),
                BlockBody::Cta { label, url } => match link::checked(&url) {
                    Some(href) => view! { <p><a class="cta" href=href>{label}</a></p> }.into_any(),
                    None => view! { <p class="cta">{label}</p> }.into_any(),
                },
                BlockBody::Page { image_url, alt } => {
                    view! { <img class="doc-page" src=link::checked(&image_url) alt=alt loading="lazy" /> }.into_any()
                }
            };
            view! { <section class="block" id=format!("b-{}", block.id) data-block=block.id>{body}</section> }
        })
        .collect_view()
}
