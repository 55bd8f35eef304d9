//! Customers over HTTP: the list, adding and editing them, their stage and star,
//! follow-ups, and changes to many at once (the rules are core's; see
//! `lianjie_core::store` and `lianjie_core::crm`).

use crate::Shared;
use crate::error::ApiResult;
use crate::extract::{JsonBody, Path, Query, Staff};
use crate::routes::{id_param, idempotency_key};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::Utc;
use lianjie_core::api::{Event, Page};
use lianjie_core::contact::Contact;
use lianjie_core::crm::{
    BulkUpdate, CustomerDetails, FollowUpLogged, NewCustomer, NewFollowUp, StageMove, Star,
};
use lianjie_core::customer_csv::{ImportReport, ImportRows};
use lianjie_core::customers::CustomerQuery;

fn changed(c: &Contact) -> Option<Event> {
    Some(Event::Contact { contact: c.clone() })
}

pub async fn list(staff: Staff, Query(q): Query<CustomerQuery>) -> ApiResult<Json<Page<Contact>>> {
    Ok(Json(staff.tenant.read(|db| {
        Ok(db.customers(&staff.caller, &q, Utc::now()))
    })?))
}

pub async fn create(
    State(s): State<Shared>,
    staff: Staff,
    headers: HeaderMap,
    JsonBody(mut new): JsonBody<NewCustomer>,
) -> ApiResult<(StatusCode, Json<Contact>)> {
    new.id = idempotency_key(&headers, new.id)?;
    let contact = s
        .mutate(
            &staff.tenant,
            move |db, now| db.create_customer(&staff.caller, new, now),
            changed,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(contact)))
}

pub async fn update(
    State(s): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
    JsonBody(details): JsonBody<CustomerDetails>,
) -> ApiResult<Json<Contact>> {
    let id = id_param(&id, "contact")?;
    Ok(Json(
        s.mutate(
            &staff.tenant,
            move |db, _| db.update_customer(&staff.caller, &id, details),
            changed,
        )
        .await?,
    ))
}

pub async fn stage(
    State(s): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(change): JsonBody<StageMove>,
) -> ApiResult<Json<Contact>> {
    let id = id_param(&id, "contact")?;
    let log_id = idempotency_key(&headers, change.log_id)?;
    Ok(Json(
        s.mutate(
            &staff.tenant,
            move |db, now| db.set_stage(&staff.caller, &id, &change.stage, log_id, now),
            changed,
        )
        .await?,
    ))
}

pub async fn star(
    State(s): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
    JsonBody(star): JsonBody<Star>,
) -> ApiResult<Json<Contact>> {
    let id = id_param(&id, "contact")?;
    Ok(Json(
        s.mutate(
            &staff.tenant,
            move |db, _| db.set_star(&staff.caller, &id, star.starred),
            changed,
        )
        .await?,
    ))
}

pub async fn follow_up(
    State(s): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(mut new): JsonBody<NewFollowUp>,
) -> ApiResult<(StatusCode, Json<FollowUpLogged>)> {
    let id = id_param(&id, "contact")?;
    new.id = idempotency_key(&headers, new.id)?;
    let done = s
        .mutate(
            &staff.tenant,
            move |db, now| {
                let (entry, contact) = db.log_follow_up(&staff.caller, &id, new, now)?;
                Ok(FollowUpLogged { entry, contact })
            },
            |done| changed(&done.contact),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(done)))
}

pub async fn bulk(
    State(s): State<Shared>,
    staff: Staff,
    headers: HeaderMap,
    JsonBody(mut update): JsonBody<BulkUpdate>,
) -> ApiResult<Json<Vec<Contact>>> {
    update.log_id = idempotency_key(&headers, update.log_id)?;
    Ok(Json(
        s.mutate(
            &staff.tenant,
            move |db, now| {
                db.bulk_update(
                    &staff.caller,
                    &update.ids,
                    &update.change,
                    &update.log_id,
                    now,
                )
            },
            |list| {
                Some(Event::Customers {
                    ids: list.iter().map(|c| c.id.clone()).collect(),
                })
            },
        )
        .await?,
    ))
}

/// Rows of a customer file: previewed (`commit: false`, nothing kept) or imported.
/// A part sent again makes nobody twice (row ids come from the import's id).
pub async fn import(
    State(s): State<Shared>,
    staff: Staff,
    JsonBody(req): JsonBody<ImportRows>,
) -> ApiResult<Json<ImportReport>> {
    if !req.commit {
        return Ok(Json(staff.tenant.read(|db| {
            Ok(db.plan_import(&staff.caller, &req, Utc::now())?.0)
        })?));
    }
    Ok(Json(
        s.mutate(
            &staff.tenant,
            move |db, now| db.import_customers(&staff.caller, &req, now),
            |report| {
                let ids = report.changed_ids();
                (!ids.is_empty()).then_some(Event::Customers { ids })
            },
        )
        .await?,
    ))
}
