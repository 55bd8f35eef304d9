use super::{FollowUpForm, LoadFailed};
use crate::api::ApiResult;
use crate::viewer::use_viewer;
use leptos::prelude::*;
use lianjie_core::contact::Contact;
use lianjie_core::crm::FollowUpLogged;

/// The follow-up form for a customer met somewhere else than their profile (a radar
/// line): the customer is read first, so their stage can move in the same step when
/// the viewer may move it. The caller reads them (`contact`), so the read may start
/// before this form's code has arrived.
#[component]
pub fn QuickFollowUp(
    contact: LocalResource<ApiResult<Contact>>,
    /// The prefix of the form's element ids.
    form: &'static str,
    #[prop(into)] on_logged: Callback<FollowUpLogged>,
) -> impl IntoView {
    let viewer = use_viewer();
    view! {
        <LoadFailed resource=contact />
        {move || contact.get().and_then(Result::ok).map(|c| {
            let stage = viewer
                .with_untracked(|v| v.may_edit_customer(c.owner_id.as_deref()))
                .unwrap_or(false)
                .then(|| c.stage_or_first().to_owned());
            view! { <FollowUpForm contact_id=c.id stage form on_logged /> }
        })}
    }
}
