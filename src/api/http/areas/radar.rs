//! The lead radar's calls: its readings, and a task made from one.

use crate::api::ApiFuture;
use crate::api::http::HttpBackend;
use crate::split::split_fn;
use lianjie_core::api::RadarItem;
use lianjie_core::crm::{Task, TaskFromReading};

split_fn!(
    radar,
    pub fn radar(api: HttpBackend) -> ApiFuture<Vec<RadarItem>> {
        api.get("/radar".into())
    }
);

split_fn!(
    radar,
    pub fn task_from_reading(api: HttpBackend, from: TaskFromReading) -> ApiFuture<Task> {
        let key = from.id.clone();
        api.write("POST", "/tasks/from-reading".into(), from, Some(key))
    }
);
