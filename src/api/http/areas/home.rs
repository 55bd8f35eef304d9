//! Home's call: today.

use crate::api::ApiFuture;
use crate::api::http::HttpBackend;
use crate::split::split_fn;
use lianjie_core::api::Today;

split_fn!(
    home,
    pub fn today(api: HttpBackend) -> ApiFuture<Today> {
        api.get("/today".into())
    }
);
