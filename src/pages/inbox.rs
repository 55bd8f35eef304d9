use crate::components::PageHeader;
use crate::i18n::Msg;
use leptos::prelude::*;

/// The unified touchpoint inbox for support staff.
#[component]
pub fn Inbox() -> impl IntoView {
    view! { <PageHeader title=Msg::NavInbox intro=Msg::InboxIntro /> }
}
