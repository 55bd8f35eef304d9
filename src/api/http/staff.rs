//! The staff workbench's operations over HTTP: sign-in and sessions, the team, cards
//! and content, the CRM, the inbox and channel keys, and live events.

use super::areas::{boards, content, crm, home, in_area, inbox, radar, settings};
use super::query::Params;
use super::{HttpBackend, TOKEN_KEY, is_token, parse};
use crate::api::{Accounts, Api, ApiFuture, StaffSession, Subscription, storage};
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
    OrgTags, StageMove, Task, TaskDone, TaskFromReading, TaskQuery,
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
    ClaimCustomer, DueBack, OrgPools, PoolRun, PoolSummary, ReleaseCustomer,
};
use lianjie_core::team::{
    CreatedStaff, Deactivation, Department, NewStaff, Organization, StaffUpdate,
};
use serde::{Deserialize, Serialize};
use std::rc::Rc;

/// How long a sign-out waits for the staff calls already on their way.
const SIGN_OUT_WAIT_MS: u32 = 3000;

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
            let ok: LoginOk = parse(
                &this
                    .attempt(
                        &|| {
                            Request::post(&this.url("/auth/login")).json(&Login {
                                email: &email,
                                password: &password,
                            })
                        },
                        &None,
                    )
                    .await?,
            )?;
            if !is_token(&ok.token) {
                return Err(AppError::Decode(
                    "the session token is not a bearer token".into(),
                ));
            }
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
            // This browser forgets the session first, whatever the server says: the
            // person asked to leave this device, and nothing more leaves with it.
            let Some(token) = this.forget_token() else {
                return Ok(());
            };
            // What already left is answered before the server ends the session, so
            // none of it is refused half-way (nor a refusal heard as the next one's).
            this.settled(SIGN_OUT_WAIT_MS).await;
            let ended = this
                .attempt(
                    &|| Request::post(&this.url("/auth/logout")).build(),
                    &Some(token),
                )
                .await
                .and_then(|body| parse::<()>(&body));
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
        in_area(settings::change_password(
            self.clone(),
            old_password,
            new_password,
        ))
    }

    fn sessions(&self) -> ApiFuture<Vec<StaffSession>> {
        in_area(settings::sessions(self.clone()))
    }

    fn end_session(&self, session_id: String) -> ApiFuture<()> {
        in_area(settings::end_session(self.clone(), session_id))
    }

    fn org(&self) -> ApiFuture<Organization> {
        self.get("/org".into())
    }

    fn users(&self) -> ApiFuture<Vec<User>> {
        self.get("/users".into())
    }

    fn create_staff(&self, new: NewStaff) -> ApiFuture<CreatedStaff> {
        in_area(settings::create_staff(self.clone(), new))
    }

    fn update_staff(&self, user_id: String, update: StaffUpdate) -> ApiFuture<User> {
        in_area(settings::update_staff(self.clone(), user_id, update))
    }

    fn deactivate_staff(&self, user_id: String, how: Deactivation) -> ApiFuture<User> {
        in_area(settings::deactivate_staff(self.clone(), user_id, how))
    }

    fn reactivate_staff(&self, user_id: String) -> ApiFuture<User> {
        in_area(settings::reactivate_staff(self.clone(), user_id))
    }

    fn save_department(&self, department: Department) -> ApiFuture<Department> {
        in_area(settings::save_department(self.clone(), department))
    }

    fn delete_department(&self, department_id: String) -> ApiFuture<()> {
        in_area(settings::delete_department(self.clone(), department_id))
    }

    fn card(&self, id: String) -> ApiFuture<Card> {
        in_area(content::card(self.clone(), id))
    }

    fn save_card(&self, card: Card) -> ApiFuture<Card> {
        in_area(content::save_card(self.clone(), card))
    }

    fn contents(&self) -> ApiFuture<Vec<Content>> {
        self.get("/contents".into())
    }

    fn save_content(&self, content: Content) -> ApiFuture<Content> {
        in_area(content::save_content(self.clone(), content))
    }

    fn card_analytics(&self, card_id: String) -> ApiFuture<CardAnalytics> {
        in_area(content::card_analytics(self.clone(), card_id))
    }

    fn content_analytics(&self, content_id: String) -> ApiFuture<ContentAnalytics> {
        in_area(content::content_analytics(self.clone(), content_id))
    }

    fn content_ranking(&self, by: Ranking) -> ApiFuture<Vec<ContentStats>> {
        in_area(content::content_ranking(self.clone(), by))
    }

    fn contacts(&self) -> ApiFuture<Vec<Contact>> {
        self.get("/contacts".into())
    }

    fn customers(&self, query: CustomerQuery) -> ApiFuture<Page<Contact>> {
        in_area(crm::customers(self.clone(), query))
    }

    fn create_customer(&self, new: NewCustomer) -> ApiFuture<Contact> {
        in_area(crm::create_customer(self.clone(), new))
    }

    fn update_customer(&self, id: String, details: CustomerDetails) -> ApiFuture<Contact> {
        in_area(crm::update_customer(self.clone(), id, details))
    }

    fn set_stage(&self, id: String, change: StageMove) -> ApiFuture<Contact> {
        in_area(crm::set_stage(self.clone(), id, change))
    }

    fn set_star(&self, id: String, starred: bool) -> ApiFuture<Contact> {
        in_area(crm::set_star(self.clone(), id, starred))
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
        in_area(crm::bulk_update(self.clone(), update))
    }

    fn set_stages(&self, stages: OrgStages) -> ApiFuture<Organization> {
        in_area(settings::set_stages(self.clone(), stages))
    }

    fn pools(&self) -> ApiFuture<Vec<PoolSummary>> {
        in_area(crm::pools(self.clone()))
    }

    fn set_pools(&self, pools: OrgPools) -> ApiFuture<Organization> {
        in_area(settings::set_pools(self.clone(), pools))
    }

    fn claim_customer(&self, id: String, claim: ClaimCustomer) -> ApiFuture<Contact> {
        in_area(crm::claim_customer(self.clone(), id, claim))
    }

    fn release_customer(&self, id: String, release: ReleaseCustomer) -> ApiFuture<Contact> {
        in_area(crm::release_customer(self.clone(), id, release))
    }

    fn lock_customer(&self, id: String, locked: bool) -> ApiFuture<Contact> {
        in_area(crm::lock_customer(self.clone(), id, locked))
    }

    fn due_back(&self) -> ApiFuture<Vec<DueBack>> {
        self.get("/customers/due-back".into())
    }

    fn run_pool_rules(&self) -> ApiFuture<PoolRun> {
        in_area(settings::run_pool_rules(self.clone()))
    }

    fn leaderboard(&self, query: BoardQuery) -> ApiFuture<Leaderboard> {
        in_area(boards::leaderboard(self.clone(), query))
    }

    fn team_board(&self, query: TeamQuery) -> ApiFuture<TeamBoard> {
        in_area(boards::team_board(self.clone(), query))
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
        in_area(crm::suggestions(self.clone(), contact_id))
    }

    fn set_org_tags(&self, tags: OrgTags) -> ApiFuture<Organization> {
        in_area(settings::set_org_tags(self.clone(), tags))
    }

    fn import_customers(&self, rows: ImportRows) -> ApiFuture<ImportReport> {
        in_area(crm::import_customers(self.clone(), rows))
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
        in_area(crm::create_task(self.clone(), new))
    }

    fn task_from_reading(&self, from: TaskFromReading) -> ApiFuture<Task> {
        in_area(radar::task_from_reading(self.clone(), from))
    }

    fn set_task_done(&self, id: String, done: bool) -> ApiFuture<Task> {
        self.write("PUT", format!("/tasks/{id}/done"), TaskDone { done }, None)
    }

    fn pipeline(&self, query: PipelineQuery) -> ApiFuture<Vec<PipelineColumn>> {
        in_area(crm::pipeline(self.clone(), query))
    }

    fn create_deal(&self, new: NewDeal) -> ApiFuture<Deal> {
        in_area(crm::create_deal(self.clone(), new))
    }

    fn move_deal(&self, id: String, to: DealMove) -> ApiFuture<Deal> {
        in_area(crm::move_deal(self.clone(), id, to))
    }

    fn update_deal(&self, id: String, edit: DealEdit) -> ApiFuture<Deal> {
        in_area(crm::update_deal(self.clone(), id, edit))
    }

    fn deals_of(&self, contact_id: String) -> ApiFuture<Vec<Deal>> {
        in_area(crm::deals_of(self.clone(), contact_id))
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
        in_area(crm::not_same_person(self.clone(), id))
    }

    fn timeline(&self, contact_id: String) -> ApiFuture<Vec<Activity>> {
        self.get(format!("/contacts/{contact_id}/timeline"))
    }

    fn intent_trend(&self, contact_id: String) -> ApiFuture<Vec<IntentPoint>> {
        in_area(crm::intent_trend(self.clone(), contact_id))
    }

    fn canned_replies(&self) -> ApiFuture<Vec<CannedReply>> {
        in_area(inbox::canned_replies(self.clone()))
    }

    fn create_share(&self, new: NewShare) -> ApiFuture<Share> {
        self.write("POST", "/shares".into(), new, None)
    }

    fn radar(&self) -> ApiFuture<Vec<RadarItem>> {
        in_area(radar::radar(self.clone()))
    }

    fn today(&self) -> ApiFuture<Today> {
        in_area(home::today(self.clone()))
    }

    fn conversations(&self, query: ConversationQuery) -> ApiFuture<ConversationPage> {
        in_area(inbox::conversations(self.clone(), query))
    }

    fn messages(
        &self,
        conversation_id: String,
        cursor: Option<String>,
    ) -> ApiFuture<Page<Message>> {
        in_area(inbox::messages(self.clone(), conversation_id, cursor))
    }

    fn send_message(&self, conversation_id: String, new: NewMessage) -> ApiFuture<Message> {
        in_area(inbox::send_message(self.clone(), conversation_id, new))
    }

    fn retry_delivery(&self, conversation_id: String, message_id: String) -> ApiFuture<Message> {
        in_area(inbox::retry_delivery(
            self.clone(),
            conversation_id,
            message_id,
        ))
    }

    fn simulate_inbound(&self, channel: Channel, message: InboundMessage) -> ApiFuture<Message> {
        in_area(inbox::simulate_inbound(self.clone(), channel, message))
    }

    fn channel_keys(&self) -> ApiFuture<Vec<ChannelKeyInfo>> {
        in_area(settings::channel_keys(self.clone()))
    }

    fn create_channel_key(&self, new: NewChannelKey) -> ApiFuture<IssuedChannelKey> {
        in_area(settings::create_channel_key(self.clone(), new))
    }

    fn rotate_channel_key(&self, key_id: String) -> ApiFuture<IssuedChannelKey> {
        in_area(settings::rotate_channel_key(self.clone(), key_id))
    }

    fn revoke_channel_key(&self, key_id: String) -> ApiFuture<ChannelKeyInfo> {
        in_area(settings::revoke_channel_key(self.clone(), key_id))
    }

    fn update_conversation(
        &self,
        conversation_id: String,
        update: ConversationUpdate,
    ) -> ApiFuture<Conversation> {
        in_area(inbox::update_conversation(
            self.clone(),
            conversation_id,
            update,
        ))
    }

    fn reset_demo(&self, conversations: Option<usize>) -> ApiFuture<()> {
        in_area(settings::reset_demo(self.clone(), conversations))
    }

    fn subscribe(&self, on_event: Rc<dyn Fn(&Event)>) -> Subscription {
        self.ensure_events();
        self.0.hub.subscribe(on_event)
    }
}
