//! The one seam between the UI and data. Components reach data only through
//! [`use_api`]; which backend answers is chosen at start-up, never in a component.

mod event_hub;
pub mod http;
pub mod local;

pub use event_hub::{EventHub, page_visible};

pub use http::HttpBackend;
pub use local::LocalBackend;

use crate::error::AppError;
use leptos::prelude::*;
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
use lianjie_core::inbox::{CannedReply, Conversation, Message};
use lianjie_core::leaderboard::{BoardQuery, Leaderboard};
use lianjie_core::oversight::{TeamBoard, TeamQuery};
use lianjie_core::people::{Card, User};
use lianjie_core::playbook::{Suggestion, WhatWorks, WhatWorksQuery};
use lianjie_core::public::PublicShare;
use lianjie_core::share::{LeadDetails, Share};
use lianjie_core::store::{
    ClaimCustomer, DueBack, OrgPools, PoolRun, PoolSummary, ReleaseCustomer,
};
/// One of the signed-in staff member's live sessions (`GET /me/sessions`).
pub use lianjie_core::team::StaffSession;
use lianjie_core::team::{
    CreatedStaff, Deactivation, Department, NewStaff, Organization, StaffUpdate,
};
use lianjie_core::tracking::Snapshot;
use send_wrapper::SendWrapper;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

pub type ApiResult<T> = Result<T, AppError>;
/// Backends' futures may hold browser handles, so they are not `Send`; consume them
/// with `LocalResource`, `Action::new_local` or `spawn_local`.
pub type ApiFuture<T> = Pin<Box<dyn Future<Output = ApiResult<T>>>>;

/// What customer pages may ask of a backend: open what was shared with them, report
/// reading, leave details, send a message. Customer pages see only this, so the slim
/// customer build carries none of the staff operations.
pub trait PublicApi {
    /// What a customer page shows for a share token. `own_child` is the child
    /// token this browser was given for `token` before, to be kept rather than re-minted.
    fn open_share(&self, token: String, own_child: Option<String>) -> ApiFuture<OpenedShare>;
    /// A card opened from its own address, as [`PublicApi::open_share`] does for a link.
    fn open_card(&self, card_id: String, own_child: Option<String>) -> ApiFuture<OpenedShare>;
    /// The link through which a card's reader (`reader_token`, their own link)
    /// opens one of the card's featured items.
    fn open_featured(&self, reader_token: String, content_id: String) -> ApiFuture<PublicShare>;
    /// A reader leaves their details on their own link (`reader_token`).
    fn capture_lead(&self, reader_token: String, details: LeadDetails) -> ApiFuture<()>;
    /// A cumulative tracking snapshot.
    fn track(&self, snapshot: Snapshot) -> ApiFuture<()>;
    /// The latest snapshot of a page being hidden or closed. Fire and forget
    /// (`sendBeacon` over http): the page may be gone before any answer.
    fn track_on_exit(&self, snapshot: Snapshot);
    /// A customer's web-chat message sent from a card or content page.
    fn web_chat(&self, token: String, message: InboundMessage) -> ApiFuture<Message>;
    /// The visitor's web chat as they see it: their messages and staff replies.
    fn chat_messages(&self, token: String, visitor: String) -> ApiFuture<Vec<Message>>;
    /// Where the card downloads as a vCard file from the backend, if it serves one
    /// (a plain link works in in-app browsers that block `data:` downloads).
    fn vcard_url(&self, card_id: &str) -> Option<String>;
}

/// How staff say who they are on a backend, so the app offers the right controls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accounts {
    /// The in-browser demo: no passwords or sessions; this browser acts as any active
    /// demo staff member ([`Api::switch_user`]).
    Demo,
    /// Real accounts: sign-in with a password, sessions, sign-out.
    SignIn,
}

/// Every operation the staff workbench can ask of a backend. Each staff call acts
/// as the signed-in staff member: the backend applies their role's scope, answers
/// `AppError::NotFound` outside it and `AppError::Forbidden` for an action the role
/// may not take.
pub trait Api: PublicApi {
    /// Which backend this is, for the settings page.
    fn name(&self) -> &'static str;
    /// Whether this backend signs in with passwords or lets the demo switch staff.
    fn accounts(&self) -> Accounts;
    /// Whether staff calls can be made now (the local backend always can).
    fn signed_in(&self) -> bool;
    fn sign_in(&self, email: String, password: String) -> ApiFuture<User>;
    /// Ends this browser's session (the server forgets it) and forgets the token.
    fn sign_out(&self) -> ApiFuture<()>;
    /// Acts as another active staff member from now on (the in-browser demo only;
    /// the http backend answers `Unsupported`: sign in as them instead).
    fn switch_user(&self, user_id: String) -> ApiFuture<User>;
    fn me(&self) -> ApiFuture<User>;
    /// Changes the signed-in staff member's password; their other sessions end.
    fn change_password(&self, old_password: String, new_password: String) -> ApiFuture<()>;
    /// The signed-in staff member's live sessions.
    fn sessions(&self) -> ApiFuture<Vec<StaffSession>>;
    /// Ends one of the signed-in staff member's sessions.
    fn end_session(&self, session_id: String) -> ApiFuture<()>;
    /// The organization: its name and department tree.
    fn org(&self) -> ApiFuture<Organization>;
    /// Every staff member of the organization, deactivated ones included.
    fn users(&self) -> ApiFuture<Vec<User>>;
    /// Adds a staff member (admins); over http the answer carries their one-time
    /// initial password.
    fn create_staff(&self, new: NewStaff) -> ApiFuture<CreatedStaff>;
    /// Changes a staff member's name, role or department (admins).
    fn update_staff(&self, user_id: String, update: StaffUpdate) -> ApiFuture<User>;
    /// Deactivates a staff member (admins): their sessions end, their customers go
    /// to `transfer_to` or wait in the pool.
    fn deactivate_staff(&self, user_id: String, how: Deactivation) -> ApiFuture<User>;
    fn reactivate_staff(&self, user_id: String) -> ApiFuture<User>;
    /// Adds or changes (renames, moves) a department (admins).
    fn save_department(&self, department: Department) -> ApiFuture<Department>;
    /// Removes an empty department (admins).
    fn delete_department(&self, department_id: String) -> ApiFuture<()>;
    fn card(&self, id: String) -> ApiFuture<Card>;
    fn save_card(&self, card: Card) -> ApiFuture<Card>;
    /// Views, viewers, actions and top viewers over every link to the card.
    fn card_analytics(&self, card_id: String) -> ApiFuture<CardAnalytics>;
    fn contents(&self) -> ApiFuture<Vec<Content>>;
    /// Creates (new id) or updates a content item.
    fn save_content(&self, content: Content) -> ApiFuture<Content>;
    fn content_analytics(&self, content_id: String) -> ApiFuture<ContentAnalytics>;
    fn content_ranking(&self, by: Ranking) -> ApiFuture<Vec<ContentStats>>;
    fn contacts(&self) -> ApiFuture<Vec<Contact>>;
    /// A page of the customer list: a saved view, narrowed and sorted.
    fn customers(&self, query: CustomerQuery) -> ApiFuture<Page<Contact>>;
    /// Adds a customer by hand (a retry with the same id finds it).
    fn create_customer(&self, new: NewCustomer) -> ApiFuture<Contact>;
    fn update_customer(&self, id: String, details: CustomerDetails) -> ApiFuture<Contact>;
    fn set_stage(&self, id: String, change: StageMove) -> ApiFuture<Contact>;
    /// Stars a customer for the caller (or takes the star off).
    fn set_star(&self, id: String, starred: bool) -> ApiFuture<Contact>;
    fn log_follow_up(&self, contact_id: String, new: NewFollowUp) -> ApiFuture<FollowUpLogged>;
    /// One change to many customers, all or none.
    fn bulk_update(&self, update: BulkUpdate) -> ApiFuture<Vec<Contact>>;
    /// The stages customers move through (admins).
    fn set_stages(&self, stages: OrgStages) -> ApiFuture<Organization>;
    /// The public pools the caller uses, with where they stand.
    fn pools(&self) -> ApiFuture<Vec<PoolSummary>>;
    /// The public pools and their rules (admins).
    fn set_pools(&self, pools: OrgPools) -> ApiFuture<Organization>;
    /// Claims a customer from a pool, within its rules.
    fn claim_customer(&self, id: String, claim: ClaimCustomer) -> ApiFuture<Contact>;
    /// Gives a customer back to a pool, with a reason.
    fn release_customer(&self, id: String, release: ReleaseCustomer) -> ApiFuture<Contact>;
    /// Locks a customer against going back to the pool, or unlocks them.
    fn lock_customer(&self, id: String, locked: bool) -> ApiFuture<Contact>;
    /// The caller's customers the pool's rules will send back soon.
    fn due_back(&self) -> ApiFuture<Vec<DueBack>>;
    /// Runs the pool's rules now (admins).
    fn run_pool_rules(&self) -> ApiFuture<PoolRun>;
    /// The sellers ranked over a period (排行榜).
    fn leaderboard(&self, query: BoardQuery) -> ApiFuture<Leaderboard>;
    /// The team board: each covered seller's load and the lists behind it.
    fn team_board(&self, query: TeamQuery) -> ApiFuture<TeamBoard>;
    /// Content ranked by what it led to across the organization.
    fn what_works(&self, query: WhatWorksQuery) -> ApiFuture<WhatWorks>;
    /// What to send a customer next, and why.
    fn suggestions(&self, contact_id: String) -> ApiFuture<Vec<Suggestion>>;
    /// The organization's list of customer tags (admins and managers).
    fn set_org_tags(&self, tags: OrgTags) -> ApiFuture<Organization>;
    /// Rows of a customer file: what importing them would do, or (`commit`) doing it.
    fn import_customers(&self, rows: ImportRows) -> ApiFuture<ImportReport>;
    /// The caller's own tasks in one list (today, overdue, upcoming, done).
    fn tasks(&self, query: TaskQuery) -> ApiFuture<Vec<Task>>;
    fn create_task(&self, new: NewTask) -> ApiFuture<Task>;
    /// One tap on a radar line: a task to follow up with that reader soon.
    fn task_from_reading(&self, from: TaskFromReading) -> ApiFuture<Task>;
    fn set_task_done(&self, id: String, done: bool) -> ApiFuture<Task>;
    /// The deals the caller covers (or their own) by stage, with totals.
    fn pipeline(&self, query: PipelineQuery) -> ApiFuture<Vec<PipelineColumn>>;
    fn create_deal(&self, new: NewDeal) -> ApiFuture<Deal>;
    fn move_deal(&self, id: String, to: DealMove) -> ApiFuture<Deal>;
    /// A deal's title, amount, expected close and probability.
    fn update_deal(&self, id: String, edit: DealEdit) -> ApiFuture<Deal>;
    /// A customer's deals, newest first.
    fn deals_of(&self, contact_id: String) -> ApiFuture<Vec<Deal>>;
    fn contact(&self, id: String) -> ApiFuture<Contact>;
    /// Merges `other_id` into `keep_id` (the same person); returns the kept contact.
    fn merge_contacts(&self, keep_id: String, other_id: String) -> ApiFuture<Contact>;
    /// Undoes the merge of `merged_id`; returns it restored.
    fn unmerge_contact(&self, merged_id: String) -> ApiFuture<Contact>;
    /// "Not the same person": clears the contact's `probably_same_as` suggestion
    /// (never made again); returns the contact.
    fn not_same_person(&self, id: String) -> ApiFuture<Contact>;
    /// Every touchpoint of a contact, newest first.
    fn timeline(&self, contact_id: String) -> ApiFuture<Vec<Activity>>;
    /// The contact's intent score at each of [`TREND_DAYS`](lianjie_core::api::TREND_DAYS) ago.
    fn intent_trend(&self, contact_id: String) -> ApiFuture<Vec<IntentPoint>>;
    fn canned_replies(&self) -> ApiFuture<Vec<CannedReply>>;
    fn create_share(&self, new: NewShare) -> ApiFuture<Share>;
    fn radar(&self) -> ApiFuture<Vec<RadarItem>>;
    /// The workbench's today: readings now, unread conversations, this week's reach.
    fn today(&self) -> ApiFuture<Today>;
    fn conversations(&self, query: ConversationQuery) -> ApiFuture<ConversationPage>;
    fn messages(&self, conversation_id: String, cursor: Option<String>)
    -> ApiFuture<Page<Message>>;
    fn send_message(&self, conversation_id: String, new: NewMessage) -> ApiFuture<Message>;
    /// Sends a reply whose delivery to its platform failed again.
    fn retry_delivery(&self, conversation_id: String, message_id: String) -> ApiFuture<Message>;
    /// The channel simulator (admins): a customer's message arriving on a channel,
    /// as an adapter would deliver it.
    fn simulate_inbound(&self, channel: Channel, message: InboundMessage) -> ApiFuture<Message>;
    /// Channel adapters' credentials, without secrets (admins).
    fn channel_keys(&self) -> ApiFuture<Vec<ChannelKeyInfo>>;
    /// A new credential for one channel; the answer carries its secret, once.
    fn create_channel_key(&self, new: NewChannelKey) -> ApiFuture<IssuedChannelKey>;
    /// A new secret for a credential (the old one works a while longer), once.
    fn rotate_channel_key(&self, key_id: String) -> ApiFuture<IssuedChannelKey>;
    /// Stops a credential at once.
    fn revoke_channel_key(&self, key_id: String) -> ApiFuture<ChannelKeyInfo>;
    /// Resolve, reopen, snooze, assign, label, mark read.
    fn update_conversation(
        &self,
        conversation_id: String,
        update: ConversationUpdate,
    ) -> ApiFuture<Conversation>;
    /// Restores the demo data; `conversations` grows it to that many (at most
    /// `demo::MAX_SCALE`) to try the inbox at scale.
    fn reset_demo(&self, conversations: Option<usize>) -> ApiFuture<()>;
    /// Calls `on_event` for every change, from this tab or elsewhere, until the
    /// returned guard is dropped.
    fn subscribe(&self, on_event: Rc<dyn Fn(&Event)>) -> Subscription;
}

/// Unsubscribes when dropped.
pub struct Subscription(Option<Box<dyn FnOnce()>>);

impl Subscription {
    pub fn new(cancel: impl FnOnce() + 'static) -> Self {
        Self(Some(Box::new(cancel)))
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(cancel) = self.0.take() {
            cancel();
        }
    }
}

/// The backend in context. The browser runs wasm on one thread, so the `!Send`
/// backend is wrapped to satisfy context's `Send + Sync` bound.
#[derive(Clone)]
pub struct ApiHandle(SendWrapper<Rc<dyn Api>>);

impl ApiHandle {
    pub fn new(api: Rc<dyn Api>) -> Self {
        Self(SendWrapper::new(api))
    }
}

impl std::ops::Deref for ApiHandle {
    type Target = dyn Api;
    fn deref(&self) -> &Self::Target {
        &**self.0
    }
}

/// Which backend to use: `?backend=local|http` for this load, else the page's
/// `<meta name="lianjie-backend">` (the reference server sets it to `http` in the
/// index.html it serves). Where the API is comes only from the page
/// (`<meta name="lianjie-api">`), never from the address: see [`api_base`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BackendChoice {
    Local,
    Http(String),
}

/// The API on this page's own server.
pub const SAME_ORIGIN_API: &str = "/api/v1";

/// Origins an API may live on besides the page's own, fixed when the app is built
/// (`LIANJIE_API_ORIGINS=https://api.example.com,...`).
fn allowed_api_origins() -> Vec<&'static str> {
    option_env!("LIANJIE_API_ORIGINS")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .collect()
}

/// The API base the page may talk to, from what the page asks for: a path on its own
/// server, or an absolute http(s) address on an `allowed` origin. Anything else
/// (another host, `//host`, `/\host`, another scheme) is the page's own server, so no
/// page or address can make the workbench send its token or a password elsewhere.
pub fn api_base(wanted: Option<&str>, allowed: &[&str]) -> String {
    let Some(wanted) = wanted.map(str::trim).filter(|w| !w.is_empty()) else {
        return SAME_ORIGIN_API.into();
    };
    let own_path = wanted.starts_with('/')
        && !wanted.starts_with("//")
        && !wanted.starts_with("/\\")
        && !wanted.contains('\\');
    if own_path {
        return wanted.into();
    }
    let origin = ["https://", "http://"].iter().find_map(|scheme| {
        let rest = wanted.strip_prefix(scheme)?;
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        (!host.is_empty() && !host.contains(['@', '\\'])).then(|| format!("{scheme}{host}"))
    });
    match origin {
        Some(o) if allowed.contains(&o.as_str()) => wanted.into(),
        _ => SAME_ORIGIN_API.into(),
    }
}

pub fn configured_backend() -> BackendChoice {
    let query = |key: &str| {
        let search = window().location().search().ok()?;
        web_sys::UrlSearchParams::new_with_str(&search)
            .ok()?
            .get(key)
    };
    let meta = |name: &str| {
        document()
            .query_selector(&format!("meta[name={name}]"))
            .ok()
            .flatten()
            .and_then(|m| m.get_attribute("content"))
    };
    let kind = query("backend")
        .or_else(|| meta("lianjie-backend"))
        .unwrap_or_default();
    if kind == "http" {
        let wanted = meta("lianjie-api");
        BackendChoice::Http(api_base(wanted.as_deref(), &allowed_api_origins()))
    } else {
        BackendChoice::Local
    }
}

/// Where the customer pages' API is: the configured server, or this page's own
/// (they are only ever served by the reference server).
pub fn customer_api_base() -> String {
    match configured_backend() {
        BackendChoice::Http(base) => base,
        BackendChoice::Local => SAME_ORIGIN_API.into(),
    }
}

/// The browser's localStorage, if this browser lets the page have one.
pub fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// A value kept as JSON in localStorage; missing, unreadable or damaged reads as `None`.
pub fn read_stored<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
    storage()
        .and_then(|s| s.get_item(key).ok().flatten())
        .and_then(|raw| serde_json::from_str(&raw).ok())
}

/// Keeps `value` as JSON in localStorage. Without storage (private mode in some in-app
/// browsers) it lasts for this page only, which callers accept.
pub fn write_stored<T: serde::Serialize>(key: &str, value: &T) {
    if let (Some(s), Ok(raw)) = (storage(), serde_json::to_string(value)) {
        let _ = s.set_item(key, &raw);
    }
}

pub fn remove_stored(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
}

/// Provides a backend to the whole app: staff pages and customer pages.
pub fn provide_api(api: Rc<dyn Api>) {
    provide_public_api(api.clone());
    provide_context(ApiHandle::new(api));
}

/// The customer pages' view of the backend, in context.
#[derive(Clone)]
pub struct PublicApiHandle(SendWrapper<Rc<dyn PublicApi>>);

impl std::ops::Deref for PublicApiHandle {
    type Target = dyn PublicApi;
    fn deref(&self) -> &Self::Target {
        &**self.0
    }
}

/// Provides the customer operations alone (the slim customer build).
pub fn provide_public_api(api: Rc<dyn PublicApi>) {
    provide_context(PublicApiHandle(SendWrapper::new(api)));
}

pub fn use_public_api() -> PublicApiHandle {
    expect_context::<PublicApiHandle>()
}

pub fn use_api() -> ApiHandle {
    expect_context::<ApiHandle>()
}

/// Runs `on_event` for every backend event while the calling component is mounted.
pub fn use_api_events(on_event: impl Fn(&Event) + 'static) {
    let guard = use_api().subscribe(Rc::new(on_event));
    let guard = SendWrapper::new(guard);
    on_cleanup(move || drop(guard));
}

#[cfg(test)]
mod tests {
    use super::{SAME_ORIGIN_API, api_base};

    #[test]
    fn the_api_is_the_pages_own_server_unless_an_allowed_origin_is_named() {
        let allowed = ["https://api.lianjie.example"];
        assert_eq!(api_base(None, &allowed), SAME_ORIGIN_API);
        assert_eq!(api_base(Some("/api/v2"), &allowed), "/api/v2");
        assert_eq!(
            api_base(Some("https://api.lianjie.example/api/v1"), &allowed),
            "https://api.lianjie.example/api/v1"
        );
        for refused in [
            "https://evil.example/api/v1",
            "//evil.example/api/v1",
            "/\\evil.example/api/v1",
            "/api\\..\\x",
            "javascript:alert(1)",
            "https://api.lianjie.example@evil.example/",
            "http://api.lianjie.example/api/v1",
            "https:///x",
        ] {
            assert_eq!(
                api_base(Some(refused), &allowed),
                SAME_ORIGIN_API,
                "{refused}"
            );
        }
    }
}
