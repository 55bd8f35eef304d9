//! Content that works, over HTTP: the organization's ranking by what content led
//! to, and suggestions for one customer; core computes both (`lianjie_core::playbook`).

use crate::Shared;
use crate::error::ApiResult;
use crate::extract::{Path, Query, Staff};
use crate::routes::id_param;
use axum::Json;
use axum::extract::State;
use lianjie_core::playbook::{Suggestion, WhatWorks, WhatWorksQuery};
use lianjie_core::store::Db;

pub async fn what_works(
    State(s): State<Shared>,
    staff: Staff,
    Query(q): Query<WhatWorksQuery>,
) -> ApiResult<Json<WhatWorks>> {
    Ok(Json(
        s.read_views(&staff.tenant, Vec::new(), Db::views_of_buyers, |db| {
            db.what_works(&staff.caller, &q)
        })
        .await?,
    ))
}

pub async fn suggestions(
    State(s): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<Suggestion>>> {
    let id = id_param(&id, "contact")?;
    Ok(Json(
        s.read_views(&staff.tenant, Vec::new(), Db::views_of_buyers, |db| {
            db.suggestions(&staff.caller, &id)
        })
        .await?,
    ))
}
