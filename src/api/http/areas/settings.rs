//! Settings' calls: the account, the team, the CRM's settings and channel keys.

use crate::api::http::HttpBackend;
use crate::api::{ApiFuture, StaffSession};
use crate::split::split_fn;
use lianjie_core::adapter::{ChannelKeyInfo, IssuedChannelKey, NewChannelKey};
use lianjie_core::crm::{OrgStages, OrgTags};
use lianjie_core::people::User;
use lianjie_core::store::{OrgPools, PoolRun};
use lianjie_core::team::{
    CreatedStaff, Deactivation, Department, NewStaff, Organization, PasswordChange, StaffUpdate,
};
use serde::Serialize;

split_fn!(
    settings,
    pub fn change_password(
        api: HttpBackend,
        old_password: String,
        new_password: String,
    ) -> ApiFuture<()> {
        let body = PasswordChange {
            old_password,
            new_password,
        };
        api.write("PUT", "/me/password".into(), body, None)
    }
);

split_fn!(
    settings,
    pub fn sessions(api: HttpBackend) -> ApiFuture<Vec<StaffSession>> {
        api.get("/me/sessions".into())
    }
);

split_fn!(
    settings,
    pub fn end_session(api: HttpBackend, session_id: String) -> ApiFuture<()> {
        api.delete(format!(
            "/me/sessions/{}",
            js_sys::encode_uri_component(&session_id)
        ))
    }
);

split_fn!(
    settings,
    pub fn create_staff(api: HttpBackend, new: NewStaff) -> ApiFuture<CreatedStaff> {
        // Not repeatable: a second attempt would meet "email taken", or make a twin.
        api.write("POST", "/users".into(), new, None)
    }
);

split_fn!(
    settings,
    pub fn update_staff(api: HttpBackend, user_id: String, update: StaffUpdate) -> ApiFuture<User> {
        api.write("PATCH", format!("/users/{user_id}"), update, None)
    }
);

split_fn!(
    settings,
    pub fn deactivate_staff(
        api: HttpBackend,
        user_id: String,
        how: Deactivation,
    ) -> ApiFuture<User> {
        api.write("POST", format!("/users/{user_id}/deactivate"), how, None)
    }
);

split_fn!(
    settings,
    pub fn reactivate_staff(api: HttpBackend, user_id: String) -> ApiFuture<User> {
        api.write("POST", format!("/users/{user_id}/reactivate"), (), None)
    }
);

split_fn!(
    settings,
    pub fn save_department(api: HttpBackend, department: Department) -> ApiFuture<Department> {
        #[derive(Serialize)]
        struct Body {
            name: String,
            parent_id: Option<String>,
        }
        let path = format!("/departments/{}", department.id);
        let body = Body {
            name: department.name,
            parent_id: department.parent_id,
        };
        api.write("PUT", path, body, None)
    }
);

split_fn!(
    settings,
    pub fn delete_department(api: HttpBackend, department_id: String) -> ApiFuture<()> {
        api.delete(format!("/departments/{department_id}"))
    }
);

split_fn!(
    settings,
    pub fn set_stages(api: HttpBackend, stages: OrgStages) -> ApiFuture<Organization> {
        api.write("PUT", "/org/stages".into(), stages, None)
    }
);

split_fn!(
    settings,
    pub fn set_org_tags(api: HttpBackend, tags: OrgTags) -> ApiFuture<Organization> {
        api.write("PUT", "/org/tags".into(), tags, None)
    }
);

split_fn!(
    settings,
    pub fn set_pools(api: HttpBackend, pools: OrgPools) -> ApiFuture<Organization> {
        api.write("PUT", "/org/pools".into(), pools, None)
    }
);

split_fn!(
    settings,
    pub fn run_pool_rules(api: HttpBackend) -> ApiFuture<PoolRun> {
        api.write("POST", "/pools/run".into(), (), None)
    }
);

split_fn!(
    settings,
    pub fn channel_keys(api: HttpBackend) -> ApiFuture<Vec<ChannelKeyInfo>> {
        api.get("/channel-keys".into())
    }
);

split_fn!(
    settings,
    pub fn create_channel_key(api: HttpBackend, new: NewChannelKey) -> ApiFuture<IssuedChannelKey> {
        // Not repeatable: a second attempt would make a second credential.
        api.write("POST", "/channel-keys".into(), new, None)
    }
);

split_fn!(
    settings,
    pub fn rotate_channel_key(api: HttpBackend, key_id: String) -> ApiFuture<IssuedChannelKey> {
        api.write("POST", format!("/channel-keys/{key_id}/rotate"), (), None)
    }
);

split_fn!(
    settings,
    pub fn revoke_channel_key(api: HttpBackend, key_id: String) -> ApiFuture<ChannelKeyInfo> {
        api.write("POST", format!("/channel-keys/{key_id}/revoke"), (), None)
    }
);

split_fn!(
    settings,
    pub fn reset_demo(api: HttpBackend, conversations: Option<usize>) -> ApiFuture<()> {
        let path = match conversations {
            Some(n) => format!("/demo/reset?conversations={n}"),
            None => "/demo/reset".into(),
        };
        api.write("POST", path, (), None)
    }
);
