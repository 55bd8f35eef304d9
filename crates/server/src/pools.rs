//! The public pool (公海) over HTTP: the pools, claiming customers from them and
//! giving them back, locks, who is due back, and the rules' run (core holds the
//! rules; see `lianjie_core::pool` and `lianjie_core::store`). The server also runs
//! the rules itself: a minute after it starts, then every [`RULES_EVERY`].

use crate::error::ApiResult;
use crate::extract::{JsonBody, Path, Staff};
use crate::routes::{id_param, idempotency_key};
use crate::{AppState, Shared};
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use chrono::Utc;
use lianjie_core::api::Event;
use lianjie_core::contact::Contact;
use lianjie_core::store::{
    ClaimCustomer, DueBack, Lock, OrgPools, PoolRun, PoolSummary, ReleaseCustomer,
};
use lianjie_core::team::Organization;
use std::time::Duration;

/// How often the server runs the pool's rules.
pub const RULES_EVERY: Duration = Duration::from_secs(10 * 60);
/// When it first runs them after starting.
pub const FIRST_RUN_AFTER: Duration = Duration::from_secs(60);

fn changed(c: &Contact) -> Option<Event> {
    Some(Event::Contact { contact: c.clone() })
}

pub async fn list(staff: Staff) -> ApiResult<Json<Vec<PoolSummary>>> {
    Ok(Json(
        staff
            .tenant
            .read(|db| Ok(db.pools_for(&staff.caller, Utc::now())))?,
    ))
}

/// An admin sets the pools and their rules.
pub async fn set(
    State(s): State<Shared>,
    staff: Staff,
    JsonBody(body): JsonBody<OrgPools>,
) -> ApiResult<Json<Organization>> {
    Ok(Json(
        s.mutate(
            &staff.tenant,
            move |db, _| {
                db.set_pools(&staff.caller, body.pools)?;
                Ok(db.org.clone())
            },
            |_| None,
        )
        .await?,
    ))
}

pub async fn claim(
    State(s): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<ClaimCustomer>,
) -> ApiResult<Json<Contact>> {
    let id = id_param(&id, "contact")?;
    let log_id = idempotency_key(&headers, body.log_id)?;
    Ok(Json(
        s.mutate(
            &staff.tenant,
            move |db, now| db.claim(&staff.caller, &id, log_id, now),
            changed,
        )
        .await?,
    ))
}

pub async fn release(
    State(s): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(mut body): JsonBody<ReleaseCustomer>,
) -> ApiResult<Json<Contact>> {
    let id = id_param(&id, "contact")?;
    body.log_id = idempotency_key(&headers, body.log_id)?;
    Ok(Json(
        s.mutate(
            &staff.tenant,
            move |db, now| db.release(&staff.caller, &id, body, now),
            changed,
        )
        .await?,
    ))
}

pub async fn lock(
    State(s): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Lock>,
) -> ApiResult<Json<Contact>> {
    let id = id_param(&id, "contact")?;
    Ok(Json(
        s.mutate(
            &staff.tenant,
            move |db, _| db.set_lock(&staff.caller, &id, body.locked),
            changed,
        )
        .await?,
    ))
}

pub async fn due_back(staff: Staff) -> ApiResult<Json<Vec<DueBack>>> {
    Ok(Json(
        staff
            .tenant
            .read(|db| Ok(db.due_back(&staff.caller, Utc::now())))?,
    ))
}

/// An admin runs the rules now (the server also runs them every [`RULES_EVERY`]).
pub async fn run(State(s): State<Shared>, staff: Staff) -> ApiResult<Json<PoolRun>> {
    Ok(Json(
        s.mutate(
            &staff.tenant,
            move |db, now| db.run_pool_rules_as(&staff.caller, now),
            PoolRun::event,
        )
        .await?,
    ))
}

/// The scheduled run over every organization that has pools. Safe beside another
/// server doing the same: each run happens inside the organization's commit, after
/// the other's changes are read.
pub(crate) async fn run_everywhere(state: &AppState) {
    for tenant in state.tenants.values() {
        let has_pools = tenant
            .read(|db| Ok(!db.org.pools.is_empty()))
            .unwrap_or(false);
        if has_pools
            && let Err(e) = state
                .mutate(tenant, |db, now| Ok(db.run_pool_rules(now)), PoolRun::event)
                .await
        {
            eprintln!("pool rules for {}: {e:?}", tenant.id);
        }
    }
}
