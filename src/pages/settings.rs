use crate::components::PageHeader;
use crate::i18n::Msg;
use leptos::prelude::*;

/// Language, backend and demo-data settings.
#[component]
pub fn Settings() -> impl IntoView {
    view! { <PageHeader title=Msg::NavSettings intro=Msg::SettingsIntro /> }
}
