//! The staff workbench's operations over HTTP: sign-in and sessions, the team, cards
//! and content, the CRM, the inbox and channel keys, and live events.

use super::query::{Params, board_query_string, customer_query_string, query_string};
use super::{HttpBackend, TOKEN_KEY};
use crate::api::{Accounts, Api, ApiFuture, ApiResult, StaffSession, Subscription, storage};
use crate::error::AppError;
use gloo_net::http::Request;
use lianjie_core::adapter::{ChannelKeyInfo, IssuedChannelKey, NewChannelKey};
use lianjie_core::analytics::{CardAnalytics, ContentAnalytics, ContentStats, Ranking};
use lianjie_core::api::{
    Activity, ConversationPage, ConversationQuery, ConversationUpdate, Event, InboundMessage,
    IntentPoint, NewMessage, NewShare, Page, RadarItem, Today,
};
use lianjie_core::channel::Channel;
use lianjie_core::contact::Contact;
use lianjie_core::content::Content;
use lianjie_core::crm::{
    BulkUpdate, CustomerDetails, FollowUpLogged, NewCustomer, NewFollowUp, NewTask, OrgStages,
    OrgTags, StageMove, Star, Task, TaskDone, TaskFromReading, TaskQuery,
};
use lianjie_core::customer_csv::{ImportReport, ImportRows};
use lianjie_core::customers::CustomerQuery;
use lianjie_core::deals::{Deal, DealEdit, DealMove, NewDeal, PipelineColumn, PipelineQuery};
use lianjie_core::inbox::{CannedReply, Conversation, Message};
use lianjie_core::leaderboard::{BoardQuery, Leaderboard};
use lianjie_core::oversight::{TeamBoard, TeamQuery};
use lianjie_core::people::{Card, User};
use lianjie_core::playbook::{Suggestion, WhatWorks, WhatWorksQuery};
use lianjie_core::share::Share;
use lianjie_core::store::{
    ClaimCustomer, DueBack, Lock, OrgPools, PoolRun, PoolSummary, ReleaseCustomer,
};
use lianjie_core::team::{
    CreatedStaff, Deactivation, Department, NewStaff, Organization, PasswordChange, StaffUpdate,
};
use serde::{Deserialize, Serialize};
use std::rc::Rc;

/// The sign-in request and answer (`POST /auth/login`).
#[derive(Serialize)]
struct Login<'a> {
    email: &'a str,
    password: &'a str,
}

#[derive(Deserialize)]
struct LoginOk {
    token: String,
    user: User,
}

impl Api for HttpBackend {
    fn name(&self) -> &'static str {
        "http"
    }

    fn accounts(&self) -> Accounts {
        Accounts::SignIn
    }

    fn signed_in(&self) -> bool {
        self.0.token.borrow().is_some()
    }

    fn sign_in(&self, email: String, password: String) -> ApiFuture<User> {
        let this = self.clone();
        Box::pin(async move {
            let ok: LoginOk = this
                .send(false, || {
                    Request::post(&this.url("/auth/login")).json(&Login {
                        email: &email,
                        password: &password,
                    })
                })
                .await?;
            if let Some(s) = storage() {
                let _ = s.set_item(TOKEN_KEY, &ok.token);
            }
            this.0.token.replace(Some(ok.token));
            // Listeners from before (a sign-out, an expired session) hear this session.
            if this.0.hub.has_listeners() {
                this.ensure_events();
            }
            Ok(ok.user)
        })
    }

    fn sign_out(&self) -> ApiFuture<()> {
        let this = self.clone();
        Box::pin(async move {
            let ended: ApiResult<()> = this
                .send(false, || {
                    this.authorized(Request::post(&this.url("/auth/logout")))
                        .build()
                })
                .await;
            // This browser forgets the session whatever the server said: the person
            // asked to leave this device.
            this.forget_token();
            match ended {
                // Already ended (expired, revoked): signed out all the same.
                Err(AppError::Unauthorized) => Ok(()),
                other => other,
            }
        })
    }

    fn switch_user(&self, _user_id: String) -> ApiFuture<User> {
        // Real accounts: to act as someone else, sign out and sign in as them.
        Box::pin(std::future::ready(Err(AppError::Unsupported)))
    }

    fn me(&self) -> ApiFuture<User> {
        self.get("/me".into())
    }

    fn change_password(&self, old_password: String, new_password: String) -> ApiFuture<()> {
        let body = PasswordChange {
            old_password,
            new_password,
        };
        self.write("PUT", "/me/password".into(), body, None)
    }

    fn sessions(&self) -> ApiFuture<Vec<StaffSession>> {
        self.get("/me/sessions".into())
    }

    fn end_session(&self, session_id: String) -> ApiFuture<()> {
        self.delete(format!(
            "/me/sessions/{}",
            js_sys::encode_uri_component(&session_id)
        ))
    }

    fn org(&self) -> ApiFuture<Organization> {
        self.get("/org".into())
    }

    fn users(&self) -> ApiFuture<Vec<User>> {
        self.get("/users".into())
    }

    fn create_staff(&self, new: NewStaff) -> ApiFuture<CreatedStaff> {
        // Not repeatable: a second attempt would meet "email taken", or make a twin.
        self.write("POST", "/users".into(), new, None)
    }

    fn update_staff(&self, user_id: String, update: StaffUpdate) -> ApiFuture<User> {
        self.write("PATCH", format!("/users/{user_id}"), update, None)
    }

    fn deactivate_staff(&self, user_id: String, how: Deactivation) -> ApiFuture<User> {
        self.write("POST", format!("/users/{user_id}/deactivate"), how, None)
    }

    fn reactivate_staff(&self, user_id: String) -> ApiFuture<User> {
        self.write("POST", format!("/users/{user_id}/reactivate"), (), None)
    }

    fn save_department(&self, department: Department) -> ApiFuture<Department> {
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
        self.write("PUT", path, body, None)
    }

    fn delete_department(&self, department_id: String) -> ApiFuture<()> {
        self.delete(format!("/departments/{department_id}"))
    }

    fn card(&self, id: String) -> ApiFuture<Card> {
        self.get(format!("/cards/{id}"))
    }

    fn save_card(&self, card: Card) -> ApiFuture<Card> {
        let path = format!("/cards/{}", card.id);
        self.write("PUT", path, card, None)
    }

    fn contents(&self) -> ApiFuture<Vec<Content>> {
        self.get("/contents".into())
    }

    fn save_content(&self, content: Content) -> ApiFuture<Content> {
        // Saving the same document twice is harmless, so it may be retried.
        let key = format!(
            "content-{}-{}",
            content.id,
            content.updated_at.timestamp_millis()
        );
        self.write(
            "PUT",
            format!("/contents/{}", content.id),
            content,
            Some(key),
        )
    }

    fn card_analytics(&self, card_id: String) -> ApiFuture<CardAnalytics> {
        self.get(format!("/cards/{card_id}/analytics"))
    }

    fn content_analytics(&self, content_id: String) -> ApiFuture<ContentAnalytics> {
        self.get(format!("/contents/{content_id}/analytics"))
    }

    fn content_ranking(&self, by: Ranking) -> ApiFuture<Vec<ContentStats>> {
        let by = match by {
            Ranking::MostRead => "most_read",
            Ranking::LongestRead => "longest_read",
            Ranking::MostForwarded => "most_forwarded",
        };
        self.get(format!("/contents/ranking?by={by}"))
    }

    fn contacts(&self) -> ApiFuture<Vec<Contact>> {
        self.get("/contacts".into())
    }

    fn customers(&self, query: CustomerQuery) -> ApiFuture<Page<Contact>> {
        self.get(format!("/customers?{}", customer_query_string(&query)))
    }

    fn create_customer(&self, new: NewCustomer) -> ApiFuture<Contact> {
        let key = new.id.clone();
        self.write("POST", "/contacts".into(), new, Some(key))
    }

    fn update_customer(&self, id: String, details: CustomerDetails) -> ApiFuture<Contact> {
        // The same details again change nothing: no key needed.
        self.write("PUT", format!("/contacts/{id}"), details, None)
    }

    fn set_stage(&self, id: String, change: StageMove) -> ApiFuture<Contact> {
        self.write("PUT", format!("/contacts/{id}/stage"), change, None)
    }

    fn set_star(&self, id: String, starred: bool) -> ApiFuture<Contact> {
        self.write(
            "PUT",
            format!("/contacts/{id}/star"),
            Star { starred },
            None,
        )
    }

    fn log_follow_up(&self, contact_id: String, new: NewFollowUp) -> ApiFuture<FollowUpLogged> {
        let key = new.id.clone();
        self.write(
            "POST",
            format!("/contacts/{contact_id}/follow-ups"),
            new,
            Some(key),
        )
    }

    fn bulk_update(&self, update: BulkUpdate) -> ApiFuture<Vec<Contact>> {
        let key = update.log_id.clone();
        self.write("POST", "/customers/bulk".into(), update, Some(key))
    }

    fn set_stages(&self, stages: OrgStages) -> ApiFuture<Organization> {
        self.write("PUT", "/org/stages".into(), stages, None)
    }

    fn pools(&self) -> ApiFuture<Vec<PoolSummary>> {
        self.get("/pools".into())
    }

    fn set_pools(&self, pools: OrgPools) -> ApiFuture<Organization> {
        self.write("PUT", "/org/pools".into(), pools, None)
    }

    fn claim_customer(&self, id: String, claim: ClaimCustomer) -> ApiFuture<Contact> {
        let key = claim.log_id.clone();
        self.write("POST", format!("/contacts/{id}/claim"), claim, Some(key))
    }

    fn release_customer(&self, id: String, release: ReleaseCustomer) -> ApiFuture<Contact> {
        let key = release.log_id.clone();
        self.write(
            "POST",
            format!("/contacts/{id}/release"),
            release,
            Some(key),
        )
    }

    fn lock_customer(&self, id: String, locked: bool) -> ApiFuture<Contact> {
        self.write("PUT", format!("/contacts/{id}/lock"), Lock { locked }, None)
    }

    fn due_back(&self) -> ApiFuture<Vec<DueBack>> {
        self.get("/customers/due-back".into())
    }

    fn run_pool_rules(&self) -> ApiFuture<PoolRun> {
        self.write("POST", "/pools/run".into(), (), None)
    }

    fn leaderboard(&self, query: BoardQuery) -> ApiFuture<Leaderboard> {
        self.get(format!("/leaderboard?{}", board_query_string(&query)))
    }

    fn team_board(&self, query: TeamQuery) -> ApiFuture<TeamBoard> {
        self.get(format!(
            "/team/board?{}",
            Params::default()
                .maybe("department", query.department.as_deref())
                .joined()
        ))
    }

    fn what_works(&self, query: WhatWorksQuery) -> ApiFuture<WhatWorks> {
        self.get(format!(
            "/contents/what-works?{}",
            Params::default()
                .maybe("tag", query.tag.as_deref())
                .joined()
        ))
    }

    fn suggestions(&self, contact_id: String) -> ApiFuture<Vec<Suggestion>> {
        self.get(format!("/contacts/{contact_id}/suggestions"))
    }

    fn set_org_tags(&self, tags: OrgTags) -> ApiFuture<Organization> {
        self.write("PUT", "/org/tags".into(), tags, None)
    }

    fn import_customers(&self, rows: ImportRows) -> ApiFuture<ImportReport> {
        // Rows keep their customers' ids, so sending a part again is safe.
        let key = rows.commit.then(|| {
            let first = rows.rows.first().map_or(0, |r| r.row);
            format!("{}-{first}", rows.id)
        });
        self.write("POST", "/customers/import".into(), rows, key)
    }

    fn tasks(&self, query: TaskQuery) -> ApiFuture<Vec<Task>> {
        let q = Params::default()
            .push("filter", query.filter.key())
            .maybe(
                "tz_offset",
                query.tz_offset.map(|m| m.to_string()).as_deref(),
            )
            .joined();
        self.get(format!("/tasks?{q}"))
    }

    fn create_task(&self, new: NewTask) -> ApiFuture<Task> {
        let key = new.id.clone();
        self.write("POST", "/tasks".into(), new, Some(key))
    }

    fn task_from_reading(&self, from: TaskFromReading) -> ApiFuture<Task> {
        let key = from.id.clone();
        self.write("POST", "/tasks/from-reading".into(), from, Some(key))
    }

    fn set_task_done(&self, id: String, done: bool) -> ApiFuture<Task> {
        self.write("PUT", format!("/tasks/{id}/done"), TaskDone { done }, None)
    }

    fn pipeline(&self, query: PipelineQuery) -> ApiFuture<Vec<PipelineColumn>> {
        self.get(format!("/pipeline?mine={}", query.mine))
    }

    fn create_deal(&self, new: NewDeal) -> ApiFuture<Deal> {
        let key = new.id.clone();
        self.write("POST", "/deals".into(), new, Some(key))
    }

    fn move_deal(&self, id: String, to: DealMove) -> ApiFuture<Deal> {
        let key = to.log_id.clone();
        self.write("PUT", format!("/deals/{id}/stage"), to, Some(key))
    }

    fn update_deal(&self, id: String, edit: DealEdit) -> ApiFuture<Deal> {
        // A PUT of the whole terms: sending it again is safe.
        let key = edit.log_id.clone();
        self.write("PUT", format!("/deals/{id}"), edit, Some(key))
    }

    fn deals_of(&self, contact_id: String) -> ApiFuture<Vec<Deal>> {
        self.get(format!("/contacts/{contact_id}/deals"))
    }

    fn contact(&self, id: String) -> ApiFuture<Contact> {
        self.get(format!("/contacts/{id}"))
    }

    fn merge_contacts(&self, keep_id: String, other_id: String) -> ApiFuture<Contact> {
        // Merging the same pair again is refused rather than repeated, so no key.
        self.write(
            "POST",
            format!("/contacts/{keep_id}/merge"),
            lianjie_core::api::MergeContacts { other_id },
            None,
        )
    }

    fn unmerge_contact(&self, merged_id: String) -> ApiFuture<Contact> {
        self.write("POST", format!("/contacts/{merged_id}/unmerge"), (), None)
    }

    fn not_same_person(&self, id: String) -> ApiFuture<Contact> {
        // Clearing a cleared suggestion changes nothing, so a repeat is harmless.
        self.write("POST", format!("/contacts/{id}/not-duplicate"), (), None)
    }

    fn timeline(&self, contact_id: String) -> ApiFuture<Vec<Activity>> {
        self.get(format!("/contacts/{contact_id}/timeline"))
    }

    fn intent_trend(&self, contact_id: String) -> ApiFuture<Vec<IntentPoint>> {
        self.get(format!("/contacts/{contact_id}/intent-trend"))
    }

    fn canned_replies(&self) -> ApiFuture<Vec<CannedReply>> {
        self.get("/canned-replies".into())
    }

    fn create_share(&self, new: NewShare) -> ApiFuture<Share> {
        self.write("POST", "/shares".into(), new, None)
    }

    fn radar(&self) -> ApiFuture<Vec<RadarItem>> {
        self.get("/radar".into())
    }

    fn today(&self) -> ApiFuture<Today> {
        self.get("/today".into())
    }

    fn conversations(&self, query: ConversationQuery) -> ApiFuture<ConversationPage> {
        self.get(format!("/conversations?{}", query_string(&query)))
    }

    fn messages(
        &self,
        conversation_id: String,
        cursor: Option<String>,
    ) -> ApiFuture<Page<Message>> {
        let cursor = cursor
            .map(|c| format!("?cursor={}", js_sys::encode_uri_component(&c)))
            .unwrap_or_default();
        self.get(format!("/conversations/{conversation_id}/messages{cursor}"))
    }

    fn send_message(&self, conversation_id: String, new: NewMessage) -> ApiFuture<Message> {
        let key = new.idempotency_key.clone();
        self.write(
            "POST",
            format!("/conversations/{conversation_id}/messages"),
            new,
            Some(key),
        )
    }

    fn retry_delivery(&self, conversation_id: String, message_id: String) -> ApiFuture<Message> {
        self.write(
            "POST",
            format!("/conversations/{conversation_id}/messages/{message_id}/retry"),
            (),
            None,
        )
    }

    fn simulate_inbound(&self, channel: Channel, message: InboundMessage) -> ApiFuture<Message> {
        let key = message.idempotency_key.clone();
        self.write(
            "POST",
            format!("/channels/{}/simulate", channel.slug()),
            message,
            Some(key),
        )
    }

    fn channel_keys(&self) -> ApiFuture<Vec<ChannelKeyInfo>> {
        self.get("/channel-keys".into())
    }

    fn create_channel_key(&self, new: NewChannelKey) -> ApiFuture<IssuedChannelKey> {
        // Not repeatable: a second attempt would make a second credential.
        self.write("POST", "/channel-keys".into(), new, None)
    }

    fn rotate_channel_key(&self, key_id: String) -> ApiFuture<IssuedChannelKey> {
        self.write("POST", format!("/channel-keys/{key_id}/rotate"), (), None)
    }

    fn revoke_channel_key(&self, key_id: String) -> ApiFuture<ChannelKeyInfo> {
        self.write("POST", format!("/channel-keys/{key_id}/revoke"), (), None)
    }

    fn update_conversation(
        &self,
        conversation_id: String,
        update: ConversationUpdate,
    ) -> ApiFuture<Conversation> {
        // Setting the same values again changes nothing, so it may be retried.
        self.write(
            "PATCH",
            format!("/conversations/{conversation_id}"),
            update,
            None,
        )
    }

    fn reset_demo(&self, conversations: Option<usize>) -> ApiFuture<()> {
        let path = match conversations {
            Some(n) => format!("/demo/reset?conversations={n}"),
            None => "/demo/reset".into(),
        };
        self.write("POST", path, (), None)
    }

    fn subscribe(&self, on_event: Rc<dyn Fn(&Event)>) -> Subscription {
        self.ensure_events();
        self.0.hub.subscribe(on_event)
    }
}
