//! Staff and departments over HTTP: the organization's tree for everyone, changes for
//! admins (the rules are core's; see `lianjie_core::store` and `scope`).

use crate::error::ApiResult;
use crate::extract::Path;
use crate::extract::{JsonBody, Staff};
use crate::{Shared, hash_password, random_token};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use lianjie_core::api::Event;
use lianjie_core::crm::{OrgStages, OrgTags};
use lianjie_core::people::User;
use lianjie_core::scope::Action;
use lianjie_core::store::StoreError;
use lianjie_core::team::{
    CreatedStaff, Deactivation, Department, NewStaff, Organization, StaffUpdate,
};

/// The caller's organization and its department tree.
pub async fn org(staff: Staff) -> ApiResult<Json<Organization>> {
    Ok(Json(staff.tenant.read(|db| Ok(db.org.clone()))?))
}

/// An admin sets the stages customers move through.
pub async fn set_stages(
    State(s): State<Shared>,
    staff: Staff,
    JsonBody(body): JsonBody<OrgStages>,
) -> ApiResult<Json<Organization>> {
    Ok(Json(
        s.mutate(
            &staff.tenant,
            move |db, _| db.set_stages(&staff.caller, body.stages),
            |_| None,
        )
        .await?,
    ))
}

/// An admin or manager keeps the list of customer tags.
pub async fn set_tags(
    State(s): State<Shared>,
    staff: Staff,
    JsonBody(body): JsonBody<OrgTags>,
) -> ApiResult<Json<Organization>> {
    Ok(Json(
        s.mutate(
            &staff.tenant,
            move |db, _| db.set_org_tags(&staff.caller, &body.tags),
            |_| None,
        )
        .await?,
    ))
}

fn staff_event(user: &User) -> Option<Event> {
    Some(Event::Staff { user: user.clone() })
}

/// An admin adds a staff member, who signs in with the initial password shown here
/// once (the server keeps only its hash).
pub async fn create_staff(
    State(s): State<Shared>,
    staff: Staff,
    JsonBody(new): JsonBody<NewStaff>,
) -> ApiResult<(StatusCode, Json<CreatedStaff>)> {
    if !staff.caller.may(Action::ManageStaff) {
        return Err(StoreError::Forbidden(Action::ManageStaff).into());
    }
    let id = format!("u-{}", random_token::<8>());
    // An email signs in to one account on the whole server.
    let email = new.email.trim().to_lowercase();
    s.catch_up_all().await?;
    let used = s.tenants.values().any(|t| {
        t.lock()
            .users
            .iter()
            .any(|u| u.email.to_lowercase() == email)
    });
    if used {
        return Err(crate::routes::taken("email"));
    }
    let user = s
        .mutate(
            &staff.tenant,
            move |db, now| db.create_staff(&staff.caller, new, id, now),
            staff_event,
        )
        .await?;
    let password = random_token::<8>();
    let hash = {
        let password = password.clone();
        tokio::task::spawn_blocking(move || hash_password(&password))
            .await
            .map_err(|e| crate::error::ApiError::Internal(e.to_string()))??
    };
    s.storage.set_password(&user.id, &hash, None).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedStaff {
            user,
            initial_password: Some(password),
        }),
    ))
}

pub async fn update_staff(
    State(s): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
    JsonBody(update): JsonBody<StaffUpdate>,
) -> ApiResult<Json<User>> {
    Ok(Json(
        s.mutate(
            &staff.tenant,
            move |db, now| db.update_staff(&staff.caller, &id, update, now),
            staff_event,
        )
        .await?,
    ))
}

/// Deactivates someone and ends their sessions at once (their requests are refused
/// from the commit on, since a caller must be active).
pub async fn deactivate_staff(
    State(s): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
    JsonBody(how): JsonBody<Deactivation>,
) -> ApiResult<Json<User>> {
    let user = s
        .mutate(
            &staff.tenant,
            move |db, _| db.deactivate_staff(&staff.caller, &id, how),
            staff_event,
        )
        .await?;
    s.storage.end_sessions_of(&user.id).await?;
    Ok(Json(user))
}

pub async fn reactivate_staff(
    State(s): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
) -> ApiResult<Json<User>> {
    Ok(Json(
        s.mutate(
            &staff.tenant,
            move |db, _| db.reactivate_staff(&staff.caller, &id),
            staff_event,
        )
        .await?,
    ))
}

/// A department as sent: its id is the path's.
#[derive(serde::Deserialize)]
pub struct DepartmentBody {
    name: String,
    #[serde(default)]
    parent_id: Option<String>,
}

pub async fn save_department(
    State(s): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<DepartmentBody>,
) -> ApiResult<Json<Department>> {
    let department = Department {
        id,
        name: body.name,
        parent_id: body.parent_id,
    };
    Ok(Json(
        s.mutate(
            &staff.tenant,
            move |db, _| db.save_department(&staff.caller, department),
            |_| None,
        )
        .await?,
    ))
}

pub async fn delete_department(
    State(s): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    s.mutate(
        &staff.tenant,
        move |db, _| db.delete_department(&staff.caller, &id),
        |_| None,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
