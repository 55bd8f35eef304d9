use crate::components::PageHeader;
use crate::i18n::Msg;
use leptos::prelude::*;

/// The live feed of what readers do (线索雷达).
#[component]
pub fn LeadRadar() -> impl IntoView {
    view! { <PageHeader title=Msg::NavRadar intro=Msg::RadarIntro /> }
}
