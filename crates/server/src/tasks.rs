//! Tasks over HTTP: the caller's lists, one written by hand, one from a radar line,
//! and done or open again (the rules are core's; see `lianjie_core::store`).

use crate::Shared;
use crate::error::ApiResult;
use crate::extract::{JsonBody, Path, Query, Staff};
use crate::routes::{id_param, idempotency_key};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::Utc;
use lianjie_core::api::Event;
use lianjie_core::crm::{NewTask, Task, TaskDone, TaskFromReading, TaskQuery};

fn changed(task: &Task) -> Option<Event> {
    Some(Event::Task { task: task.clone() })
}

pub async fn list(staff: Staff, Query(q): Query<TaskQuery>) -> ApiResult<Json<Vec<Task>>> {
    Ok(Json(staff.tenant.read(|db| {
        Ok(db.tasks_for(&staff.caller, &q, Utc::now()))
    })?))
}

pub async fn create(
    State(s): State<Shared>,
    staff: Staff,
    headers: HeaderMap,
    JsonBody(mut new): JsonBody<NewTask>,
) -> ApiResult<(StatusCode, Json<Task>)> {
    new.id = idempotency_key(&headers, new.id)?;
    let task = s
        .mutate(
            &staff.tenant,
            move |db, now| db.create_task(&staff.caller, new, now),
            changed,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(task)))
}

pub async fn from_reading(
    State(s): State<Shared>,
    staff: Staff,
    headers: HeaderMap,
    JsonBody(mut from): JsonBody<TaskFromReading>,
) -> ApiResult<(StatusCode, Json<Task>)> {
    from.id = idempotency_key(&headers, from.id)?;
    let view = from.session_id.clone();
    let task = s
        .mutate_viewing(
            &staff.tenant,
            move |db, _| db.views_for_lines([view.as_str()]),
            move |db, now| db.task_from_reading(&staff.caller, from, now),
            changed,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(task)))
}

pub async fn done(
    State(s): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
    JsonBody(done): JsonBody<TaskDone>,
) -> ApiResult<Json<Task>> {
    let id = id_param(&id, "task")?;
    Ok(Json(
        s.mutate(
            &staff.tenant,
            move |db, now| db.set_task_done(&staff.caller, &id, done.done, now),
            changed,
        )
        .await?,
    ))
}
