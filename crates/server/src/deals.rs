//! Deals over HTTP: the pipeline, a deal opened on a customer, moved to a stage,
//! and a customer's deals (the rules are core's; see `lianjie_core::store`).

use crate::Shared;
use crate::error::ApiResult;
use crate::extract::{JsonBody, Path, Query, Staff};
use crate::routes::{id_param, idempotency_key};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use lianjie_core::api::Event;
use lianjie_core::deals::{Deal, DealEdit, DealMove, NewDeal, PipelineColumn, PipelineQuery};

fn changed(deal: &Deal) -> Option<Event> {
    Some(Event::Deal { deal: deal.clone() })
}

pub async fn pipeline(
    staff: Staff,
    Query(q): Query<PipelineQuery>,
) -> ApiResult<Json<Vec<PipelineColumn>>> {
    Ok(Json(staff.tenant.read(|db| {
        Ok(db.pipeline_for(&staff.caller, q, chrono::Utc::now()))
    })?))
}

pub async fn create(
    State(s): State<Shared>,
    staff: Staff,
    headers: HeaderMap,
    JsonBody(mut new): JsonBody<NewDeal>,
) -> ApiResult<(StatusCode, Json<Deal>)> {
    new.id = idempotency_key(&headers, new.id)?;
    let deal = s
        .mutate(
            &staff.tenant,
            move |db, now| db.create_deal(&staff.caller, new, now),
            changed,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(deal)))
}

pub async fn stage(
    State(s): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(to): JsonBody<DealMove>,
) -> ApiResult<Json<Deal>> {
    let id = id_param(&id, "deal")?;
    let log_id = idempotency_key(&headers, to.log_id)?;
    Ok(Json(
        s.mutate(
            &staff.tenant,
            move |db, now| db.move_deal(&staff.caller, &id, to.stage, log_id, now),
            changed,
        )
        .await?,
    ))
}

/// A deal's terms changed; a new title or amount is logged as `log_id`.
pub async fn update(
    State(s): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
    JsonBody(edit): JsonBody<DealEdit>,
) -> ApiResult<Json<Deal>> {
    let id = id_param(&id, "deal")?;
    Ok(Json(
        s.mutate(
            &staff.tenant,
            move |db, now| db.update_deal(&staff.caller, &id, edit, now),
            changed,
        )
        .await?,
    ))
}

pub async fn of_contact(staff: Staff, Path(id): Path<String>) -> ApiResult<Json<Vec<Deal>>> {
    let id = id_param(&id, "contact")?;
    Ok(Json(
        staff.tenant.read(|db| db.deals_of(&staff.caller, &id))?,
    ))
}
