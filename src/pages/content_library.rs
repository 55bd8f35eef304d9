use crate::api::{use_api, use_api_events};
use crate::components::{PageHeader, ShareLink};
use crate::i18n::{Msg, use_i18n};
use leptos::prelude::*;
use lianjie_core::content::ContentKind;
use lianjie_core::share::ShareTarget;

pub fn kind_label(kind: ContentKind) -> Msg {
    match kind {
        ContentKind::Article => Msg::KindArticle,
        ContentKind::Poster => Msg::KindPoster,
        ContentKind::Video => Msg::KindVideo,
        ContentKind::Document => Msg::KindDocument,
    }
}

/// The content reps share with tracked links, newest first.
#[component]
pub fn ContentLibrary() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let contents = LocalResource::new(move || {
        let api = api.clone();
        async move { api.contents().await }
    });
    use_api_events(move |_| contents.refetch());
    view! {
        <PageHeader title=Msg::NavContent intro=Msg::ContentIntro />
        <Transition>
            {move || Suspend::new(async move {
                contents.await.map(|list| view! {
                    <ul class="content-list">
                        {list.into_iter().map(|c| view! {
                            <li class="content-item">
                                <h2>{c.title.clone()}</h2>
                                <p class="meta">
                                    <span class="kind">{move || i18n.t(kind_label(c.kind))}</span>
                                    {c.tags.into_iter().map(|t| view! { <span class="tag">{t}</span> }).collect_view()}
                                </p>
                                <p class="intro">{c.summary}</p>
                                <ShareLink target=ShareTarget::Content(c.id) name=c.title />
                            </li>
                        }).collect_view()}
                    </ul>
                })
            })}
        </Transition>
    }
}
