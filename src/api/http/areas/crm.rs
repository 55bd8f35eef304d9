//! The CRM's calls: customers, their stages and details, the pool, deals and tasks.

use crate::api::ApiFuture;
use crate::api::http::HttpBackend;
use crate::api::http::query::customer_query_string;
use crate::split::split_fn;
use lianjie_core::api::{IntentPoint, Page};
use lianjie_core::contact::Contact;
use lianjie_core::crm::{BulkUpdate, CustomerDetails, NewCustomer, NewTask, StageMove, Star, Task};
use lianjie_core::customer_csv::{ImportReport, ImportRows};
use lianjie_core::customers::CustomerQuery;
use lianjie_core::deals::{Deal, DealEdit, DealMove, NewDeal, PipelineColumn, PipelineQuery};
use lianjie_core::playbook::Suggestion;
use lianjie_core::store::{ClaimCustomer, Lock, PoolSummary, ReleaseCustomer};

split_fn!(
    crm,
    pub fn customers(api: HttpBackend, query: CustomerQuery) -> ApiFuture<Page<Contact>> {
        api.get(format!("/customers?{}", customer_query_string(&query)))
    }
);

split_fn!(
    crm,
    pub fn create_customer(api: HttpBackend, new: NewCustomer) -> ApiFuture<Contact> {
        let key = new.id.clone();
        api.write("POST", "/contacts".into(), new, Some(key))
    }
);

split_fn!(
    crm,
    pub fn update_customer(
        api: HttpBackend,
        id: String,
        details: CustomerDetails,
    ) -> ApiFuture<Contact> {
        // The same details again change nothing: no key needed.
        api.write("PUT", format!("/contacts/{id}"), details, None)
    }
);

split_fn!(
    crm,
    pub fn set_stage(api: HttpBackend, id: String, change: StageMove) -> ApiFuture<Contact> {
        api.write("PUT", format!("/contacts/{id}/stage"), change, None)
    }
);

split_fn!(
    crm,
    pub fn set_star(api: HttpBackend, id: String, starred: bool) -> ApiFuture<Contact> {
        api.write(
            "PUT",
            format!("/contacts/{id}/star"),
            Star { starred },
            None,
        )
    }
);

split_fn!(
    crm,
    pub fn bulk_update(api: HttpBackend, update: BulkUpdate) -> ApiFuture<Vec<Contact>> {
        let key = update.log_id.clone();
        api.write("POST", "/customers/bulk".into(), update, Some(key))
    }
);

split_fn!(
    crm,
    pub fn import_customers(api: HttpBackend, rows: ImportRows) -> ApiFuture<ImportReport> {
        // Rows keep their customers' ids, so sending a part again is safe.
        let key = rows.commit.then(|| {
            let first = rows.rows.first().map_or(0, |r| r.row);
            format!("{}-{first}", rows.id)
        });
        api.write("POST", "/customers/import".into(), rows, key)
    }
);

split_fn!(
    crm,
    pub fn pools(api: HttpBackend) -> ApiFuture<Vec<PoolSummary>> {
        api.get("/pools".into())
    }
);

split_fn!(
    crm,
    pub fn claim_customer(
        api: HttpBackend,
        id: String,
        claim: ClaimCustomer,
    ) -> ApiFuture<Contact> {
        let key = claim.log_id.clone();
        api.write("POST", format!("/contacts/{id}/claim"), claim, Some(key))
    }
);

split_fn!(
    crm,
    pub fn release_customer(
        api: HttpBackend,
        id: String,
        release: ReleaseCustomer,
    ) -> ApiFuture<Contact> {
        let key = release.log_id.clone();
        api.write(
            "POST",
            format!("/contacts/{id}/release"),
            release,
            Some(key),
        )
    }
);

split_fn!(
    crm,
    pub fn lock_customer(api: HttpBackend, id: String, locked: bool) -> ApiFuture<Contact> {
        api.write("PUT", format!("/contacts/{id}/lock"), Lock { locked }, None)
    }
);

split_fn!(
    crm,
    pub fn suggestions(api: HttpBackend, contact_id: String) -> ApiFuture<Vec<Suggestion>> {
        api.get(format!("/contacts/{contact_id}/suggestions"))
    }
);

split_fn!(
    crm,
    pub fn not_same_person(api: HttpBackend, id: String) -> ApiFuture<Contact> {
        // Clearing a cleared suggestion changes nothing, so a repeat is harmless.
        api.write("POST", format!("/contacts/{id}/not-duplicate"), (), None)
    }
);

split_fn!(
    crm,
    pub fn intent_trend(api: HttpBackend, contact_id: String) -> ApiFuture<Vec<IntentPoint>> {
        api.get(format!("/contacts/{contact_id}/intent-trend"))
    }
);

split_fn!(
    crm,
    pub fn create_task(api: HttpBackend, new: NewTask) -> ApiFuture<Task> {
        let key = new.id.clone();
        api.write("POST", "/tasks".into(), new, Some(key))
    }
);

split_fn!(
    crm,
    pub fn pipeline(api: HttpBackend, query: PipelineQuery) -> ApiFuture<Vec<PipelineColumn>> {
        api.get(format!("/pipeline?mine={}", query.mine))
    }
);

split_fn!(
    crm,
    pub fn create_deal(api: HttpBackend, new: NewDeal) -> ApiFuture<Deal> {
        let key = new.id.clone();
        api.write("POST", "/deals".into(), new, Some(key))
    }
);

split_fn!(
    crm,
    pub fn move_deal(api: HttpBackend, id: String, to: DealMove) -> ApiFuture<Deal> {
        let key = to.log_id.clone();
        api.write("PUT", format!("/deals/{id}/stage"), to, Some(key))
    }
);

split_fn!(
    crm,
    pub fn update_deal(api: HttpBackend, id: String, edit: DealEdit) -> ApiFuture<Deal> {
        // A PUT of the whole terms: sending it again is safe.
        let key = edit.log_id.clone();
        api.write("PUT", format!("/deals/{id}"), edit, Some(key))
    }
);

split_fn!(
    crm,
    pub fn deals_of(api: HttpBackend, contact_id: String) -> ApiFuture<Vec<Deal>> {
        api.get(format!("/contacts/{contact_id}/deals"))
    }
);
