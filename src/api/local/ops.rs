//! The in-browser backend's operations: customer pages' as they were, staff ones
//! through core with the caller this browser acts as.

use super::indexed::read_conversation;
use super::summary::Known;
use super::{
    LocalBackend, ME_KEY, acting, inbound_ids, key_secret, random_id, random_token, ready,
    store_error, then,
};
use crate::api::{Accounts, Api, ApiFuture, PublicApi, StaffSession, Subscription, write_stored};
use crate::error::AppError;
use chrono::Utc;
use lianjie_core::adapter::{ChannelKeyInfo, IssuedChannelKey, NewChannelKey};
use lianjie_core::analytics::{CardAnalytics, ContentAnalytics, ContentStats, Ranking};
use lianjie_core::api::{
    Activity, ConversationPage, ConversationQuery, ConversationUpdate, Event, InboundMessage,
    IntentPoint, NewMessage, NewShare, OpenedShare, Page, RadarItem, Today,
};
use lianjie_core::channel::Channel;
use lianjie_core::contact::Contact;
use lianjie_core::content::Content;
use lianjie_core::crm::{
    BulkUpdate, CustomerDetails, FollowUpLogged, NewCustomer, NewFollowUp, NewTask, OrgStages,
    OrgTags, StageMove, Task, TaskFromReading, TaskQuery,
};
use lianjie_core::customer_csv::{ImportReport, ImportRows};
use lianjie_core::customers::CustomerQuery;
use lianjie_core::deals::{Deal, DealEdit, DealMove, NewDeal, PipelineColumn, PipelineQuery};
use lianjie_core::demo;
use lianjie_core::inbox::{CannedReply, Conversation, Message};
use lianjie_core::leaderboard::{BoardQuery, Leaderboard};
use lianjie_core::oversight::{TeamBoard, TeamQuery};
use lianjie_core::people::{Card, User};
use lianjie_core::playbook::{Suggestion, WhatWorks, WhatWorksQuery};
use lianjie_core::public::PublicShare;
use lianjie_core::scope::{Action, Caller};
use lianjie_core::share::{LeadDetails, Share};
use lianjie_core::store::{
    ClaimCustomer, DueBack, OrgPools, PoolRun, PoolSummary, ReleaseCustomer, StoreError,
    StoreResult, paginate,
};
use lianjie_core::team::{
    CreatedStaff, Deactivation, Department, NewStaff, Organization, StaffUpdate,
};
use lianjie_core::tracking::Snapshot;
use std::rc::Rc;

const RADAR_LIMIT: usize = 100;

/// `Ok` when the caller's role may take `action`, else the refusal the server gives.
fn allowed(caller: &Caller, action: Action) -> StoreResult<()> {
    if caller.may(action) {
        Ok(())
    } else {
        Err(StoreError::Forbidden(action))
    }
}

fn staff_event(user: &User) -> Option<Event> {
    Some(Event::Staff { user: user.clone() })
}

fn unsupported<T: 'static>() -> ApiFuture<T> {
    ready(Err(AppError::Unsupported))
}

impl PublicApi for LocalBackend {
    fn open_share(&self, token: String, own_child: Option<String>) -> ApiFuture<OpenedShare> {
        let (child, session) = (random_token(), random_token());
        self.write(
            move |db| db.open_share(&token, child, session, own_child.as_deref(), Utc::now()),
            |_| None,
        )
    }

    fn open_card(&self, card_id: String, own_child: Option<String>) -> ApiFuture<OpenedShare> {
        let (tokens, session) = ((random_token(), random_token()), random_token());
        self.write(
            move |db| db.open_card(&card_id, tokens, session, own_child.as_deref(), Utc::now()),
            |_| None,
        )
    }

    fn open_featured(&self, reader_token: String, content_id: String) -> ApiFuture<PublicShare> {
        let opened = self.write(
            move |db| db.open_featured(&reader_token, &content_id, random_token(), Utc::now()),
            |_| None,
        );
        then(opened, |share| PublicShare::from(&share))
    }

    fn capture_lead(&self, reader_token: String, details: LeadDetails) -> ApiFuture<()> {
        then(
            self.write(
                move |db| db.capture_lead(&reader_token, details, random_id("k"), Utc::now()),
                |(_, item)| item.clone().map(|item| Event::Radar { item }),
            ),
            |_| (),
        )
    }

    fn track(&self, snapshot: Snapshot) -> ApiFuture<()> {
        then(
            self.write(
                move |db| db.record_snapshot(&snapshot, Utc::now()),
                |item| item.clone().map(|item| Event::Radar { item }),
            ),
            |_| (),
        )
    }

    fn track_on_exit(&self, snapshot: Snapshot) {
        // The write starts when called; the page may close before it is confirmed.
        drop(self.track(snapshot));
    }

    fn web_chat(&self, token: String, message: InboundMessage) -> ApiFuture<Message> {
        then(
            self.write(
                move |db| db.web_chat(&token, message, inbound_ids(), Utc::now()),
                Event::message,
            ),
            |(_, m)| m,
        )
    }

    fn chat_messages(&self, token: String, visitor: String) -> ApiFuture<Vec<Message>> {
        self.read_full(move |db| db.visitor_messages(&token, &visitor))
    }

    /// The in-browser backend has no server: the page builds the file itself.
    fn vcard_url(&self, _card_id: &str) -> Option<String> {
        None
    }
}

impl Api for LocalBackend {
    fn name(&self) -> &'static str {
        "local"
    }

    fn accounts(&self) -> Accounts {
        Accounts::Demo
    }

    fn signed_in(&self) -> bool {
        true
    }

    fn sign_in(&self, _email: String, _password: String) -> ApiFuture<User> {
        self.me()
    }

    // No passwords or sessions in the browser: the staff switcher stands in for them.
    fn sign_out(&self) -> ApiFuture<()> {
        unsupported()
    }

    fn switch_user(&self, user_id: String) -> ApiFuture<User> {
        let this = self.clone();
        let found = self.read(move |db| {
            // Only someone who could sign in: active, of this organization.
            db.caller(&user_id)?;
            db.user(&user_id).cloned()
        });
        Box::pin(async move {
            let user = found.await?;
            this.act_as(&user.id);
            write_stored(ME_KEY, &user.id);
            Ok(user)
        })
    }

    fn me(&self) -> ApiFuture<User> {
        if let Some(known) = self.early_known() {
            return ready(Ok(known.user));
        }
        self.staff_read(|db, caller| db.user(&caller.user_id).cloned())
    }

    fn change_password(&self, _old: String, _new: String) -> ApiFuture<()> {
        unsupported()
    }

    fn sessions(&self) -> ApiFuture<Vec<StaffSession>> {
        unsupported()
    }

    fn end_session(&self, _session_id: String) -> ApiFuture<()> {
        unsupported()
    }

    fn org(&self) -> ApiFuture<Organization> {
        if let Some(known) = self.early_known() {
            return ready(Ok(known.org));
        }
        self.staff_read(|db, _| Ok(db.org.clone()))
    }

    fn users(&self) -> ApiFuture<Vec<User>> {
        if let Some(known) = self.early_known() {
            return ready(Ok(known.users));
        }
        self.staff_read(|db, _| Ok(db.users.clone()))
    }

    fn create_staff(&self, new: NewStaff) -> ApiFuture<CreatedStaff> {
        then(
            self.staff_write(
                move |db, caller| db.create_staff(caller, new, random_id("u"), Utc::now()),
                staff_event,
            ),
            // No passwords here: the new colleague is tried with the switcher.
            |user| CreatedStaff {
                user,
                initial_password: None,
            },
        )
    }

    fn update_staff(&self, user_id: String, update: StaffUpdate) -> ApiFuture<User> {
        self.staff_write(
            move |db, caller| db.update_staff(caller, &user_id, update, Utc::now()),
            staff_event,
        )
    }

    fn deactivate_staff(&self, user_id: String, how: Deactivation) -> ApiFuture<User> {
        self.staff_write(
            move |db, caller| db.deactivate_staff(caller, &user_id, how),
            staff_event,
        )
    }

    fn reactivate_staff(&self, user_id: String) -> ApiFuture<User> {
        self.staff_write(
            move |db, caller| db.reactivate_staff(caller, &user_id),
            staff_event,
        )
    }

    fn save_department(&self, department: Department) -> ApiFuture<Department> {
        self.staff_write(
            move |db, caller| db.save_department(caller, department),
            |_| None,
        )
    }

    fn delete_department(&self, department_id: String) -> ApiFuture<()> {
        self.staff_write(
            move |db, caller| db.delete_department(caller, &department_id),
            |_| None,
        )
    }

    fn card(&self, id: String) -> ApiFuture<Card> {
        self.read(move |db| db.card(&id).cloned())
    }

    fn save_card(&self, card: Card) -> ApiFuture<Card> {
        self.staff_write(
            move |db, caller| db.save_card(caller, card, Utc::now()),
            |c| Some(Event::CardSaved { card: c.clone() }),
        )
    }

    fn contents(&self) -> ApiFuture<Vec<Content>> {
        self.staff_read(|db, _| Ok(db.contents_newest_first().into_iter().cloned().collect()))
    }

    fn save_content(&self, content: Content) -> ApiFuture<Content> {
        self.staff_write(
            move |db, caller| db.save_content(caller, content, Utc::now()),
            |_| None,
        )
    }

    fn card_analytics(&self, card_id: String) -> ApiFuture<CardAnalytics> {
        self.staff_read(move |db, caller| db.card_analytics(caller, &card_id))
    }

    fn content_analytics(&self, content_id: String) -> ApiFuture<ContentAnalytics> {
        self.staff_read(move |db, caller| db.content_analytics(caller, &content_id))
    }

    fn content_ranking(&self, by: Ranking) -> ApiFuture<Vec<ContentStats>> {
        self.staff_read(move |db, caller| Ok(db.content_ranking(caller, by)))
    }

    fn contacts(&self) -> ApiFuture<Vec<Contact>> {
        self.staff_read(|db, caller| Ok(db.contacts_for(caller)))
    }

    fn customers(&self, query: CustomerQuery) -> ApiFuture<Page<Contact>> {
        self.staff_read(move |db, caller| Ok(db.customers(caller, &query, Utc::now())))
    }

    fn create_customer(&self, new: NewCustomer) -> ApiFuture<Contact> {
        self.staff_write(
            move |db, caller| db.create_customer(caller, new, Utc::now()),
            |c| Some(Event::Contact { contact: c.clone() }),
        )
    }

    fn update_customer(&self, id: String, details: CustomerDetails) -> ApiFuture<Contact> {
        self.staff_write(
            move |db, caller| db.update_customer(caller, &id, details),
            |c| Some(Event::Contact { contact: c.clone() }),
        )
    }

    fn set_stage(&self, id: String, change: StageMove) -> ApiFuture<Contact> {
        self.staff_write(
            move |db, caller| db.set_stage(caller, &id, &change.stage, change.log_id, Utc::now()),
            |c| Some(Event::Contact { contact: c.clone() }),
        )
    }

    fn set_star(&self, id: String, starred: bool) -> ApiFuture<Contact> {
        self.staff_write(
            move |db, caller| db.set_star(caller, &id, starred),
            |c| Some(Event::Contact { contact: c.clone() }),
        )
    }

    fn log_follow_up(&self, contact_id: String, new: NewFollowUp) -> ApiFuture<FollowUpLogged> {
        self.staff_write(
            move |db, caller| {
                let (entry, contact) = db.log_follow_up(caller, &contact_id, new, Utc::now())?;
                Ok(FollowUpLogged { entry, contact })
            },
            |done| {
                Some(Event::Contact {
                    contact: done.contact.clone(),
                })
            },
        )
    }

    fn bulk_update(&self, update: BulkUpdate) -> ApiFuture<Vec<Contact>> {
        self.staff_write(
            move |db, caller| {
                db.bulk_update(
                    caller,
                    &update.ids,
                    &update.change,
                    &update.log_id,
                    Utc::now(),
                )
            },
            |list| {
                Some(Event::Customers {
                    ids: list.iter().map(|c| c.id.clone()).collect(),
                })
            },
        )
    }

    fn set_stages(&self, stages: OrgStages) -> ApiFuture<Organization> {
        self.staff_write(
            move |db, caller| db.set_stages(caller, stages.stages),
            |_| None,
        )
    }

    fn pools(&self) -> ApiFuture<Vec<PoolSummary>> {
        self.staff_read(|db, caller| Ok(db.pools_for(caller, Utc::now())))
    }

    fn set_pools(&self, pools: OrgPools) -> ApiFuture<Organization> {
        self.staff_write(
            move |db, caller| {
                db.set_pools(caller, pools.pools)?;
                Ok(db.org.clone())
            },
            |_| None,
        )
    }

    fn claim_customer(&self, id: String, claim: ClaimCustomer) -> ApiFuture<Contact> {
        self.staff_write(
            move |db, caller| db.claim(caller, &id, claim.log_id, Utc::now()),
            |c| Some(Event::Contact { contact: c.clone() }),
        )
    }

    fn release_customer(&self, id: String, release: ReleaseCustomer) -> ApiFuture<Contact> {
        self.staff_write(
            move |db, caller| db.release(caller, &id, release, Utc::now()),
            |c| Some(Event::Contact { contact: c.clone() }),
        )
    }

    fn lock_customer(&self, id: String, locked: bool) -> ApiFuture<Contact> {
        self.staff_write(
            move |db, caller| db.set_lock(caller, &id, locked),
            |c| Some(Event::Contact { contact: c.clone() }),
        )
    }

    fn due_back(&self) -> ApiFuture<Vec<DueBack>> {
        self.staff_read(|db, caller| Ok(db.due_back(caller, Utc::now())))
    }

    fn run_pool_rules(&self) -> ApiFuture<PoolRun> {
        self.staff_write(
            |db, caller| db.run_pool_rules_as(caller, Utc::now()),
            PoolRun::event,
        )
    }

    fn leaderboard(&self, query: BoardQuery) -> ApiFuture<Leaderboard> {
        self.staff_read(move |db, caller| db.leaderboard(caller, &query, Utc::now()))
    }

    fn team_board(&self, query: TeamQuery) -> ApiFuture<TeamBoard> {
        self.staff_read(move |db, caller| db.team_board(caller, &query, Utc::now()))
    }

    fn what_works(&self, query: WhatWorksQuery) -> ApiFuture<WhatWorks> {
        self.staff_read(move |db, caller| db.what_works(caller, &query))
    }

    fn suggestions(&self, contact_id: String) -> ApiFuture<Vec<Suggestion>> {
        self.staff_read(move |db, caller| db.suggestions(caller, &contact_id))
    }

    fn set_org_tags(&self, tags: OrgTags) -> ApiFuture<Organization> {
        self.staff_write(
            move |db, caller| db.set_org_tags(caller, &tags.tags),
            |_| None,
        )
    }

    fn import_customers(&self, rows: ImportRows) -> ApiFuture<ImportReport> {
        if !rows.commit {
            return self
                .staff_read(move |db, caller| Ok(db.plan_import(caller, &rows, Utc::now())?.0));
        }
        self.staff_write(
            move |db, caller| db.import_customers(caller, &rows, Utc::now()),
            |report| {
                let ids = report.changed_ids();
                (!ids.is_empty()).then_some(Event::Customers { ids })
            },
        )
    }

    fn tasks(&self, query: TaskQuery) -> ApiFuture<Vec<Task>> {
        self.staff_read(move |db, caller| Ok(db.tasks_for(caller, &query, Utc::now())))
    }

    fn create_task(&self, new: NewTask) -> ApiFuture<Task> {
        self.staff_write(
            move |db, caller| db.create_task(caller, new, Utc::now()),
            task_event,
        )
    }

    fn task_from_reading(&self, from: TaskFromReading) -> ApiFuture<Task> {
        self.staff_write(
            move |db, caller| db.task_from_reading(caller, from, Utc::now()),
            task_event,
        )
    }

    fn set_task_done(&self, id: String, done: bool) -> ApiFuture<Task> {
        self.staff_write(
            move |db, caller| db.set_task_done(caller, &id, done, Utc::now()),
            task_event,
        )
    }

    fn pipeline(&self, query: PipelineQuery) -> ApiFuture<Vec<PipelineColumn>> {
        self.staff_read(move |db, caller| Ok(db.pipeline_for(caller, query, Utc::now())))
    }

    fn create_deal(&self, new: NewDeal) -> ApiFuture<Deal> {
        self.staff_write(
            move |db, caller| db.create_deal(caller, new, Utc::now()),
            deal_event,
        )
    }

    fn move_deal(&self, id: String, to: DealMove) -> ApiFuture<Deal> {
        self.staff_write(
            move |db, caller| db.move_deal(caller, &id, to.stage, to.log_id, Utc::now()),
            deal_event,
        )
    }

    fn update_deal(&self, id: String, edit: DealEdit) -> ApiFuture<Deal> {
        self.staff_write(
            move |db, caller| db.update_deal(caller, &id, edit, Utc::now()),
            deal_event,
        )
    }

    fn deals_of(&self, contact_id: String) -> ApiFuture<Vec<Deal>> {
        self.staff_read(move |db, caller| db.deals_of(caller, &contact_id))
    }

    fn contact(&self, id: String) -> ApiFuture<Contact> {
        let me = self.me_id();
        if let Some(contact) = self.early(|summary| summary.contact(&me, &id)) {
            return ready(Ok(contact));
        }
        self.staff_read(move |db, caller| db.visible_contact(caller, &id).cloned())
    }

    fn merge_contacts(&self, keep_id: String, other_id: String) -> ApiFuture<Contact> {
        self.staff_write(
            move |db, caller| db.merge_contacts(caller, &keep_id, &other_id, Utc::now()),
            |c| Some(Event::Contact { contact: c.clone() }),
        )
    }

    fn unmerge_contact(&self, merged_id: String) -> ApiFuture<Contact> {
        self.staff_write(
            move |db, caller| db.unmerge_contact(caller, &merged_id, Utc::now()),
            |c| Some(Event::Contact { contact: c.clone() }),
        )
    }

    fn not_same_person(&self, id: String) -> ApiFuture<Contact> {
        self.staff_write(
            move |db, caller| db.not_same_person(caller, &id),
            |c| Some(Event::Contact { contact: c.clone() }),
        )
    }

    fn timeline(&self, contact_id: String) -> ApiFuture<Vec<Activity>> {
        self.staff_read(move |db, caller| db.timeline(caller, &contact_id))
    }

    fn intent_trend(&self, contact_id: String) -> ApiFuture<Vec<IntentPoint>> {
        self.staff_read_full(move |db, caller| {
            db.intent_trend(
                caller,
                &contact_id,
                &lianjie_core::api::TREND_DAYS,
                Utc::now(),
            )
        })
    }

    fn canned_replies(&self) -> ApiFuture<Vec<CannedReply>> {
        if let Some(known) = self.early_known() {
            return ready(Ok(known.canned));
        }
        self.staff_read(|db, _| Ok(db.canned.clone()))
    }

    fn create_share(&self, new: NewShare) -> ApiFuture<Share> {
        // The link is the caller's: their card, or content they pass on.
        self.staff_write(
            move |db, caller| db.create_share(caller, new, random_token(), Utc::now()),
            |_| None,
        )
    }

    fn radar(&self) -> ApiFuture<Vec<RadarItem>> {
        self.staff_read(|db, caller| db.radar(caller, RADAR_LIMIT))
    }

    fn today(&self) -> ApiFuture<Today> {
        self.staff_read(|db, caller| db.today(caller, Utc::now()))
    }

    fn conversations(&self, query: ConversationQuery) -> ApiFuture<ConversationPage> {
        let me = self.me_id();
        if let Some(page) = self.early(|summary| summary.page(&me, &query)) {
            return ready(Ok(page));
        }
        let this = self.clone();
        self.staff_read(move |db, caller| {
            let page = db.list_conversations(caller, &query, Utc::now());
            let known = Known {
                user: db.user(&caller.user_id)?.clone(),
                org: db.org.clone(),
                users: db.users.clone(),
                canned: db.canned.clone(),
            };
            let contacts = page
                .page
                .items
                .iter()
                .filter_map(|v| db.visible_contact(caller, &v.contact_id).ok().cloned())
                .collect();
            this.0.summary.keep(&me, known, &query, &page, contacts);
            Ok(page)
        })
    }

    fn messages(
        &self,
        conversation_id: String,
        cursor: Option<String>,
    ) -> ApiFuture<Page<Message>> {
        // While every message loads, this conversation's are read alone (nothing is
        // written before they all have loaded, so what is stored is current); once
        // they have, from memory.
        let this = self.clone();
        let me = self.me_id();
        // One on the inbox page shown from the summary is read before the rest has
        // loaded: what it was shown to this person from is stored data.
        let early = self
            .early(|summary| summary.lists(&me, &conversation_id).then_some(()))
            .is_some();
        Box::pin(async move {
            if early {
                this.0.stored.wait().await;
                let idb = this.0.idb.borrow().clone();
                if let Some(idb) = idb
                    && !this.0.ready.open.get()
                    && let Ok(list) = read_conversation(&idb, &conversation_id).await
                {
                    // Newest first, as `Db::messages_page` pages them.
                    return Ok(paginate(
                        list.iter().rev().collect(),
                        cursor.as_deref(),
                        None,
                    ));
                }
            }
            this.0.ready.wait().await;
            let idb = this.0.idb.borrow().clone();
            let alone = match idb {
                Some(idb) if !this.0.full.open.get() => {
                    read_conversation(&idb, &conversation_id).await.ok()
                }
                _ => None,
            };
            match alone {
                Some(list) if !this.0.full.open.get() => {
                    let db = this.0.db.borrow();
                    let caller = acting(&db, &this.me_id()).map_err(store_error)?;
                    db.messages_page_of(&caller, &conversation_id, &list, cursor.as_deref(), None)
                        .map_err(store_error)
                }
                _ => {
                    this.staff_read_full(move |db, caller| {
                        db.messages_page(caller, &conversation_id, cursor.as_deref(), None)
                    })
                    .await
                }
            }
        })
    }

    fn send_message(&self, conversation_id: String, new: NewMessage) -> ApiFuture<Message> {
        then(
            self.staff_write(
                move |db, caller| {
                    db.send_message(caller, &conversation_id, new, random_id("m"), Utc::now())
                },
                Event::message,
            ),
            |(_, m)| m,
        )
    }

    fn retry_delivery(&self, conversation_id: String, message_id: String) -> ApiFuture<Message> {
        then(
            self.staff_write(
                move |db, caller| {
                    db.retry_delivery(caller, &conversation_id, &message_id, Utc::now())
                },
                Event::message,
            ),
            |(_, m)| m,
        )
    }

    fn simulate_inbound(&self, channel: Channel, message: InboundMessage) -> ApiFuture<Message> {
        // Posting as a customer is an adapter's job; by hand, only admins test it.
        then(
            self.staff_write(
                move |db, caller| {
                    allowed(caller, Action::PostInbound)?;
                    db.inbound(channel, message, inbound_ids(), Utc::now())
                },
                Event::message,
            ),
            |(_, m)| m,
        )
    }

    // Managed like on a server, though nothing can deliver to a browser: the page
    // says so and points to the simulator.
    fn channel_keys(&self) -> ApiFuture<Vec<ChannelKeyInfo>> {
        self.staff_read(|db, caller| db.channel_keys(caller))
    }

    fn create_channel_key(&self, new: NewChannelKey) -> ApiFuture<IssuedChannelKey> {
        self.staff_write(
            move |db, caller| {
                let secret = key_secret(new.channel);
                db.create_channel_key(caller, new, random_id("ck"), secret, Utc::now())
            },
            |_| None,
        )
    }

    fn rotate_channel_key(&self, key_id: String) -> ApiFuture<IssuedChannelKey> {
        self.staff_write(
            move |db, caller| {
                let channel = db.channel_key(&key_id).map_or(Channel::Sms, |k| k.channel);
                db.rotate_channel_key(caller, &key_id, key_secret(channel), Utc::now())
            },
            |_| None,
        )
    }

    fn revoke_channel_key(&self, key_id: String) -> ApiFuture<ChannelKeyInfo> {
        self.staff_write(
            move |db, caller| db.revoke_channel_key(caller, &key_id, Utc::now()),
            |_| None,
        )
    }

    fn update_conversation(
        &self,
        conversation_id: String,
        update: ConversationUpdate,
    ) -> ApiFuture<Conversation> {
        self.staff_write(
            move |db, caller| db.update_conversation(caller, &conversation_id, update, Utc::now()),
            Event::conversation,
        )
    }

    fn reset_demo(&self, conversations: Option<usize>) -> ApiFuture<()> {
        // Admins only, as on the server; the demo staff (and who this browser acts
        // as) come back with the seed.
        let check = self.staff_read(|_, caller| allowed(caller, Action::ResetDemo));
        let this = self.clone();
        Box::pin(async move {
            check.await?;
            this.replace(demo::reset(Utc::now(), conversations)).await
        })
    }

    fn subscribe(&self, on_event: Rc<dyn Fn(&Event)>) -> Subscription {
        // Events reach this tab as they reach a server's subscriber: only those the
        // staff member it acts as may see.
        let weak = Rc::downgrade(&self.0);
        self.0.hub.subscribe(Rc::new(move |event: &Event| {
            let visible = weak
                .upgrade()
                .is_some_and(|inner| LocalBackend(inner).may_see(event));
            if visible {
                on_event(event);
            }
        }))
    }
}

fn task_event(task: &Task) -> Option<Event> {
    Some(Event::Task { task: task.clone() })
}

fn deal_event(deal: &Deal) -> Option<Event> {
    Some(Event::Deal { deal: deal.clone() })
}
