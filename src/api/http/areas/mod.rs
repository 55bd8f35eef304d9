//! The HTTP calls that only one area's pages make, each in that area's module (see
//! `crate::split`): a first visit fetches the shell's calls and those of the area it
//! opens, each call with its types' JSON code, rather than every call the workbench has.
//! Calls made by the shell or by pages of more than one area stay in `super::staff`.

pub(super) mod boards;
pub(super) mod content;
pub(super) mod crm;
pub(super) mod home;
pub(super) mod inbox;
pub(super) mod radar;
pub(super) mod settings;

use crate::api::ApiFuture;
use crate::split::SplitLoaderError;
use std::future::Future;

/// The call `load` makes once its area's module is there. The module normally is: the
/// page making the call came in it.
pub(super) fn in_area<T: 'static>(
    load: impl Future<Output = Result<ApiFuture<T>, SplitLoaderError>> + 'static,
) -> ApiFuture<T> {
    Box::pin(async move { load.await?.await })
}
