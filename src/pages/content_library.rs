use crate::components::PageHeader;
use crate::i18n::Msg;
use leptos::prelude::*;

/// The content reps share with tracked links.
#[component]
pub fn ContentLibrary() -> impl IntoView {
    view! { <PageHeader title=Msg::NavContent intro=Msg::ContentIntro /> }
}
