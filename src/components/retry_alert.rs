use crate::api::ApiResult;
use crate::error::AppError;
use crate::i18n::{PublicMsg, use_i18n};
use leptos::prelude::*;

/// A load that failed inside a page, said plainly, with a button that tries again.
#[component]
pub fn RetryAlert(error: AppError, retry: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let message = error.message();
    view! {
        <p role="alert" class="form-error">
            {move || i18n.t(message)} " "
            <button type="button" on:click=move |_| retry.run(())>{move || i18n.t(PublicMsg::Retry)}</button>
        </p>
    }
}

/// The error of a resource's last load, if it failed.
pub fn load_error<T>(loaded: &Option<ApiResult<T>>) -> Option<AppError> {
    loaded.as_ref()?.as_ref().err().cloned()
}

/// A `RetryAlert` while the resource's last load failed (Retry fetches it again);
/// nothing otherwise.
#[component]
pub fn LoadFailed<T: 'static>(resource: LocalResource<ApiResult<T>>) -> impl IntoView {
    // `try_with`: a resource owned by a part being replaced may be asked once more.
    move || {
        resource.try_with(load_error).flatten().map(|error| {
            view! { <RetryAlert error retry=Callback::new(move |()| resource.refetch()) /> }
        })
    }
}
