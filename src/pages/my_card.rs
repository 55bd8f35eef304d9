use crate::components::PageHeader;
use crate::i18n::Msg;
use leptos::prelude::*;

/// Edit and share the rep's smart business card.
#[component]
pub fn MyCard() -> impl IntoView {
    view! { <PageHeader title=Msg::NavMyCard intro=Msg::MyCardIntro /> }
}
