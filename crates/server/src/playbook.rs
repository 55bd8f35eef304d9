//! Content that works, over HTTP: the organization's ranking by what content led
//! to, and suggestions for one customer; core computes both (`lianjie_core::playbook`).

use crate::error::ApiResult;
use crate::extract::{Path, Query, Staff};
use crate::routes::id_param;
use axum::Json;
use lianjie_core::playbook::{Suggestion, WhatWorks, WhatWorksQuery};

pub async fn what_works(
    staff: Staff,
    Query(q): Query<WhatWorksQuery>,
) -> ApiResult<Json<WhatWorks>> {
    Ok(Json(
        staff.tenant.read(|db| db.what_works(&staff.caller, &q))?,
    ))
}

pub async fn suggestions(staff: Staff, Path(id): Path<String>) -> ApiResult<Json<Vec<Suggestion>>> {
    let id = id_param(&id, "contact")?;
    Ok(Json(
        staff.tenant.read(|db| db.suggestions(&staff.caller, &id))?,
    ))
}
