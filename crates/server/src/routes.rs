//! The `/api/v1` routes: thin handlers over `lianjie_core::store`.

use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, Staff};
use crate::extract::{Path, Query};
use crate::public::{
    capture_lead, card_vcard, open_card, open_featured, open_share, track, visitor_messages,
    web_chat,
};
use crate::{
    Shared, auth, channels, customers, deals, hash_password, leaderboard, playbook, pools,
    random_token, tasks, team,
};
use axum::extract::{DefaultBodyLimit, State};
use axum::handler::HandlerWithoutStateExt;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Html;
use axum::routing::{delete, get, patch, post, put};
use axum::{Json, Router};
use chrono::Utc;
use lianjie_core::analytics::{CardAnalytics, ContentAnalytics, ContentStats, Ranking};
use lianjie_core::api::{
    Activity, ConversationPage, ConversationQuery, ConversationUpdate, Event, NewMessage, NewShare,
    Page, RadarItem,
};
use lianjie_core::api::{IntentPoint, MergeContacts, TREND_DAYS, Today};
use lianjie_core::contact::Contact;
use lianjie_core::content::Content;
use lianjie_core::demo;
use lianjie_core::ids::parse_public_id;
use lianjie_core::inbox::{CannedReply, Conversation, Message};
use lianjie_core::people::{Card, User};
use lianjie_core::scope::Action;
use lianjie_core::share::Share;
use lianjie_core::store::{Db, StoreError, ViewKeys};
use serde::{Deserialize, Serialize};
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// Largest request body accepted; a tracking snapshot or a message is far smaller.
pub const MAX_BODY: usize = 64 * 1024;
/// A customer file's rows come in one request to be previewed whole.
pub const IMPORT_BODY: usize = 8 * 1024 * 1024;
const RADAR_LIMIT: usize = 100;

pub fn router(state: Shared) -> Router {
    let api = Router::new()
        .route("/health", get(health))
        .route("/files/{id}", get(crate::files::file))
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/me", get(me))
        .route("/me/password", put(auth::change_password))
        .route("/me/sessions", get(auth::sessions))
        .route("/me/sessions/{id}", delete(auth::end_session))
        .route("/org", get(team::org))
        .route("/org/stages", put(team::set_stages))
        .route("/org/tags", put(team::set_tags))
        .route("/org/pools", put(pools::set))
        .route("/pools", get(pools::list))
        .route("/leaderboard", get(leaderboard::board))
        .route("/team/board", get(leaderboard::team))
        .route("/pools/run", post(pools::run))
        .route("/customers/due-back", get(pools::due_back))
        .route("/contacts/{id}/claim", post(pools::claim))
        .route("/contacts/{id}/release", post(pools::release))
        .route("/contacts/{id}/lock", put(pools::lock))
        .route("/users", get(users).post(team::create_staff))
        .route("/users/{id}", patch(team::update_staff))
        .route("/users/{id}/deactivate", post(team::deactivate_staff))
        .route("/users/{id}/reactivate", post(team::reactivate_staff))
        .route(
            "/departments/{id}",
            put(team::save_department).delete(team::delete_department),
        )
        .route("/cards/{id}", get(card).put(save_card))
        .route("/cards/{id}/analytics", get(card_analytics))
        .route("/contents", get(contents))
        .route("/contents/ranking", get(content_ranking))
        .route("/contents/what-works", get(playbook::what_works))
        .route("/contacts/{id}/suggestions", get(playbook::suggestions))
        .route("/contents/{id}", put(save_content))
        .route("/contents/{id}/analytics", get(content_analytics))
        .route("/contacts", get(contacts).post(customers::create))
        .route("/contacts/{id}", get(contact).put(customers::update))
        .route("/contacts/{id}/stage", put(customers::stage))
        .route("/contacts/{id}/star", put(customers::star))
        .route("/contacts/{id}/follow-ups", post(customers::follow_up))
        .route("/customers", get(customers::list))
        .route("/customers/bulk", post(customers::bulk))
        .route(
            "/customers/import",
            post(customers::import).layer(DefaultBodyLimit::max(IMPORT_BODY)),
        )
        .route("/tasks", get(tasks::list).post(tasks::create))
        .route("/pipeline", get(deals::pipeline))
        .route("/deals", post(deals::create))
        .route("/deals/{id}", put(deals::update))
        .route("/deals/{id}/stage", put(deals::stage))
        .route("/contacts/{id}/deals", get(deals::of_contact))
        .route("/tasks/from-reading", post(tasks::from_reading))
        .route("/tasks/{id}/done", put(tasks::done))
        .route("/contacts/{id}/merge", post(merge_contacts))
        .route("/contacts/{id}/unmerge", post(unmerge_contact))
        .route("/contacts/{id}/not-duplicate", post(not_same_person))
        .route("/contacts/{id}/timeline", get(timeline))
        .route("/contacts/{id}/intent-trend", get(intent_trend))
        .route("/canned-replies", get(canned_replies))
        .route("/shares", post(create_share))
        .route("/radar", get(radar))
        .route("/today", get(today))
        .route("/conversations", get(conversations))
        .route("/conversations/{id}", patch(update_conversation))
        .route(
            "/conversations/{id}/messages",
            get(messages).post(send_message),
        )
        .route(
            "/conversations/{id}/messages/{message_id}/retry",
            post(crate::delivery::retry),
        )
        .route(
            "/channels/sms/receipts",
            post(crate::adapters::sms::receipt),
        )
        .route(
            "/channels/{channel}/inbound",
            post(channels::inbound).get(channels::url_check),
        )
        .route("/channels/{channel}/simulate", post(channels::simulate))
        .route(
            "/channel-keys",
            get(channels::keys).post(channels::create_key),
        )
        .route("/channel-keys/{id}/rotate", post(channels::rotate_key))
        .route("/channel-keys/{id}/revoke", post(channels::revoke_key))
        .route("/public/cards/{id}", get(open_card))
        .route("/public/cards/{id}/vcard", get(card_vcard))
        .route("/public/shares/{token}", get(open_share))
        .route(
            "/public/shares/{token}/featured/{content_id}",
            post(open_featured),
        )
        .route(
            "/public/shares/{token}/messages",
            get(visitor_messages).post(web_chat),
        )
        .route("/public/shares/{token}/lead", post(capture_lead))
        .route("/public/track", post(track))
        .route("/events", get(crate::events::events));
    // The demo reset exists only in demo mode: elsewhere it is no route at all.
    let api = if state.config.demo {
        api.route("/demo/reset", post(reset_demo))
    } else {
        api
    };
    let api = api
        .fallback(|| async { ApiError::NotFound("route") })
        .layer(axum::middleware::from_fn(crate::extract::events_seen))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(crate::pages::API_CSP),
        ));
    let mut app = Router::new().nest("/api/v1", api);
    // Without a built app, nothing but the API is served: the strictest policy.
    let mut csp = crate::pages::API_CSP.to_owned();
    if let Some(dist) = &state.config.dist {
        use crate::pages::{
            CUSTOMER_PAGE, CustomerPage, CustomerPages, READER_PAGE, app_page, customer_page,
            lead_post, page_csp,
        };
        let page: std::sync::Arc<str> = app_page(dist).into();
        // Customers get the slim build of their pages when it was built (see README).
        let customer_page_html: std::sync::Arc<str> = if dist.join(CUSTOMER_PAGE).is_file() {
            app_page(&dist.join("customer")).into()
        } else {
            page.clone()
        };
        let pages = CustomerPages {
            reader: dist
                .join(READER_PAGE)
                .is_file()
                .then(|| app_page(&dist.join("customer/reader")).into()),
            app: customer_page_html.clone(),
        };
        let reader_html = pages.reader.as_deref().unwrap_or_default();
        csp = page_csp(&[&page, &customer_page_html, reader_html]);
        // Customer pages carry their link preview in the HTML itself: chat apps'
        // previewers run no JavaScript.
        let chat_page = customer_page_html.clone();
        app = app
            // The page, and its form for details posted before any script ran.
            .route(
                "/s/{token}",
                get(customer_page(&pages, CustomerPage::Share)).post(lead_post(&pages)),
            )
            .route("/c/{card}", get(customer_page(&pages, CustomerPage::Card)))
            .route(
                "/chat/{token}",
                get(move || std::future::ready(Html(chat_page.to_string()))),
            );
        let index = move || {
            let page = page.clone();
            async move { Html(page.to_string()) }
        };
        // Files as they are (see `assets`); every other path (deep links like /c/...,
        // /s/...) gets the app page, with the backend switched to this server.
        let files = ServeDir::new(dist)
            .precompressed_br()
            .precompressed_gzip()
            .append_index_html_on_directories(false)
            .fallback(index.into_service());
        app = app.fallback_service(
            Router::new()
                .fallback_service(files)
                .layer(axum::middleware::from_fn(crate::assets::cache_hashed)),
        );
    }
    if !state.config.cors_origins.is_empty() {
        let origins: Vec<HeaderValue> = state
            .config
            .cors_origins
            .iter()
            .filter_map(|o| o.parse().ok())
            .collect();
        app = app.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .allow_methods([
                    Method::GET,
                    Method::POST,
                    Method::PUT,
                    Method::PATCH,
                    Method::DELETE,
                ])
                .allow_headers([
                    header::AUTHORIZATION,
                    header::CONTENT_TYPE,
                    "idempotency-key".parse().expect("static header name"),
                    "last-event-id".parse().expect("static header name"),
                ])
                .expose_headers([header::HeaderName::from_static(
                    lianjie_core::api::EVENT_ID_HEADER,
                )]),
        );
    }
    security_headers(app, &csp)
        .layer(CompressionLayer::new())
        .with_state(state)
}

/// What every answer carries so a browser keeps to what this server means: the
/// content security policy (pages: `csp`; the API sets its own), no type sniffing, a
/// referrer that never carries a share token to another site, no powerful features.
fn security_headers(app: Router<Shared>, csp: &str) -> Router<Shared> {
    let csp = HeaderValue::from_str(csp)
        .unwrap_or_else(|_| HeaderValue::from_static(crate::pages::API_CSP));
    app.layer(SetResponseHeaderLayer::if_not_present(
        header::CONTENT_SECURITY_POLICY,
        csp,
    ))
    .layer(SetResponseHeaderLayer::overriding(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    ))
    .layer(SetResponseHeaderLayer::overriding(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    ))
    .layer(SetResponseHeaderLayer::overriding(
        header::HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static(PERMISSIONS_POLICY),
    ))
}

/// Features no page of Lianjie uses, switched off for any script that gets in.
const PERMISSIONS_POLICY: &str =
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=()";

/// The answer for a value another record already uses.
pub fn taken(field: &str) -> ApiError {
    let mut e = lianjie_core::validate::FieldErrors::default();
    e.check(field, Err(lianjie_core::validate::FieldProblem::Taken));
    ApiError::Invalid(e)
}

pub(crate) fn id_param(raw: &str, what: &'static str) -> ApiResult<String> {
    parse_public_id(raw)
        .map(str::to_owned)
        .map_err(|_| ApiError::NotFound(what))
}

#[derive(Serialize)]
struct Health {
    status: &'static str,
    version: &'static str,
}

async fn health() -> Json<Health> {
    Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}

async fn me(staff: Staff) -> Json<User> {
    Json(staff.user)
}

/// Every staff member of the caller's organization (names for assignment and
/// attribution; nobody else's organization).
async fn users(staff: Staff) -> ApiResult<Json<Vec<User>>> {
    Ok(Json(staff.tenant.read(|db| Ok(db.users.clone()))?))
}

async fn card(staff: Staff, Path(id): Path<String>) -> ApiResult<Json<Card>> {
    let id = id_param(&id, "card")?;
    Ok(Json(staff.tenant.read(|db| db.card(&id).cloned())?))
}

async fn save_card(
    State(s): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
    JsonBody(mut card): JsonBody<Card>,
) -> ApiResult<Json<Card>> {
    card.id = id_param(&id, "card")?;
    let saved = s
        .mutate(
            &staff.tenant,
            move |db, now| db.save_card(&staff.caller, card, now),
            |c| Some(Event::CardSaved { card: c.clone() }),
        )
        .await?;
    Ok(Json(saved))
}

async fn contents(staff: Staff) -> ApiResult<Json<Vec<Content>>> {
    Ok(Json(staff.tenant.read(|db| {
        Ok(db.contents_newest_first().into_iter().cloned().collect())
    })?))
}

/// Creates (client-chosen id) or updates a content item.
async fn save_content(
    State(s): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
    JsonBody(mut content): JsonBody<Content>,
) -> ApiResult<Json<Content>> {
    content.id = id_param(&id, "content")?;
    // Clients choose content ids; one already used by another organization is
    // refused rather than shared.
    s.catch_up_all().await?;
    let elsewhere = s
        .tenants
        .values()
        .any(|t| t.id != staff.tenant.id && t.lock().contents.contains_key(&content.id));
    if elsewhere {
        return Err(taken("id"));
    }
    let saved = s
        .mutate(
            &staff.tenant,
            move |db, now| db.save_content(&staff.caller, content, now),
            |_| None,
        )
        .await?;
    Ok(Json(saved))
}

async fn card_analytics(
    State(s): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
) -> ApiResult<Json<CardAnalytics>> {
    let id = id_param(&id, "card")?;
    let caller = &staff.caller;
    Ok(Json(
        s.read_views(
            &staff.tenant,
            Vec::new(),
            |db| db.views_of_card(caller, &id),
            |db| db.card_analytics(caller, &id),
        )
        .await?,
    ))
}

async fn content_analytics(
    staff: Staff,
    Path(id): Path<String>,
) -> ApiResult<Json<ContentAnalytics>> {
    let id = id_param(&id, "content")?;
    Ok(Json(
        staff
            .tenant
            .read(|db| db.content_analytics(&staff.caller, &id))?,
    ))
}

#[derive(Deserialize)]
struct RankingQuery {
    #[serde(default)]
    by: Ranking,
}

async fn content_ranking(
    staff: Staff,
    Query(q): Query<RankingQuery>,
) -> ApiResult<Json<Vec<ContentStats>>> {
    Ok(Json(
        staff
            .tenant
            .read(|db| Ok(db.content_ranking(&staff.caller, q.by)))?,
    ))
}

async fn contacts(staff: Staff) -> ApiResult<Json<Vec<Contact>>> {
    Ok(Json(
        staff.tenant.read(|db| Ok(db.contacts_for(&staff.caller)))?,
    ))
}

async fn contact(staff: Staff, Path(id): Path<String>) -> ApiResult<Json<Contact>> {
    let id = id_param(&id, "contact")?;
    Ok(Json(staff.tenant.read(|db| {
        db.visible_contact(&staff.caller, &id).cloned()
    })?))
}

async fn merge_contacts(
    State(s): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
    JsonBody(merge): JsonBody<MergeContacts>,
) -> ApiResult<Json<Contact>> {
    let id = id_param(&id, "contact")?;
    let other = id_param(&merge.other_id, "contact")?;
    let (one, two) = (id.clone(), other.clone());
    Ok(Json(
        s.mutate_viewing(
            &staff.tenant,
            move |db, _| both_views(db, &one, Some(&two)),
            move |db, now| db.merge_contacts(&staff.caller, &id, &other, now),
            |c| Some(Event::Contact { contact: c.clone() }),
        )
        .await?,
    ))
}

async fn unmerge_contact(
    State(s): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
) -> ApiResult<Json<Contact>> {
    let id = id_param(&id, "contact")?;
    let merged = id.clone();
    Ok(Json(
        s.mutate_viewing(
            &staff.tenant,
            move |db, _| {
                let into = db.contacts.get(&merged).and_then(|c| c.merged.as_ref());
                both_views(db, &merged, into.map(|m| m.into.as_str()))
            },
            move |db, now| db.unmerge_contact(&staff.caller, &id, now),
            |c| Some(Event::Contact { contact: c.clone() }),
        )
        .await?,
    ))
}

/// The views of both customers of a merge or its undoing (`other`: none when the
/// customer was merged into no one).
fn both_views(db: &Db, one: &str, other: Option<&str>) -> ViewKeys {
    let mut keys = db.views_of_contact(one);
    if let Some(other) = other {
        keys.extend(db.views_of_contact(other));
    }
    keys
}

/// "Not the same person": the suggested duplicate goes, and is not suggested again.
async fn not_same_person(
    State(s): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
) -> ApiResult<Json<Contact>> {
    let id = id_param(&id, "contact")?;
    Ok(Json(
        s.mutate(
            &staff.tenant,
            move |db, _| db.not_same_person(&staff.caller, &id),
            |c| Some(Event::Contact { contact: c.clone() }),
        )
        .await?,
    ))
}

async fn intent_trend(
    State(s): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<IntentPoint>>> {
    let id = id_param(&id, "contact")?;
    let now = Utc::now();
    let theirs = staff
        .tenant
        .read(|db| db.conversations_of(&staff.caller, &id))?;
    // The trend's earlier points need when the customer wrote before then.
    let inbound = s
        .storage
        .inbound_messages(&staff.tenant.id, &theirs)
        .await?;
    Ok(Json(
        s.read_views(
            &staff.tenant,
            inbound,
            |db| db.views_of_contact(&id),
            |db| db.intent_trend(&staff.caller, &id, &TREND_DAYS, now),
        )
        .await?,
    ))
}

async fn timeline(
    State(s): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<Activity>>> {
    let id = id_param(&id, "contact")?;
    Ok(Json(
        s.read_views(
            &staff.tenant,
            Vec::new(),
            |db| db.views_of_contact(&id),
            |db| db.timeline(&staff.caller, &id),
        )
        .await?,
    ))
}

async fn canned_replies(staff: Staff) -> ApiResult<Json<Vec<CannedReply>>> {
    Ok(Json(staff.tenant.read(|db| Ok(db.canned.clone()))?))
}

async fn create_share(
    State(s): State<Shared>,
    staff: Staff,
    JsonBody(new): JsonBody<NewShare>,
) -> ApiResult<(StatusCode, Json<Share>)> {
    let share = s
        .mutate(
            &staff.tenant,
            move |db, now| db.create_share(&staff.caller, new, random_token::<16>(), now),
            |_| None,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(share)))
}

/// The newest readings in the caller's scope: their ids by SQL (an index on when
/// each was last seen), each line then described from the records.
async fn radar(State(s): State<Shared>, staff: Staff) -> ApiResult<Json<Vec<RadarItem>>> {
    if !staff.caller.may(Action::SeeRadar) {
        return Err(StoreError::Forbidden(Action::SeeRadar).into());
    }
    let ids = s
        .storage
        .radar_ids(&staff.tenant.id, staff.caller.owners(), RADAR_LIMIT)
        .await?;
    Ok(Json(
        s.read_views(
            &staff.tenant,
            Vec::new(),
            |db| db.views_for_lines(ids.iter().map(String::as_str)),
            |db| Ok(ids.iter().filter_map(|id| db.radar_item(id)).collect()),
        )
        .await?,
    ))
}

async fn today(State(s): State<Shared>, staff: Staff) -> ApiResult<Json<Today>> {
    let now = Utc::now();
    Ok(Json(
        s.read_views(
            &staff.tenant,
            Vec::new(),
            |db| db.views_for_today(&staff.caller, now),
            |db| db.today(&staff.caller, now),
        )
        .await?,
    ))
}

/// A page of the inbox with its tab counts, answered by SQL.
async fn conversations(
    State(s): State<Shared>,
    staff: Staff,
    Query(q): Query<ConversationQuery>,
) -> ApiResult<Json<ConversationPage>> {
    Ok(Json(
        s.storage
            .conversation_page(&staff.tenant.id, &staff.caller, &q, Utc::now())
            .await?,
    ))
}

#[derive(Deserialize)]
struct CursorQuery {
    cursor: Option<String>,
    limit: Option<usize>,
}

async fn messages(
    State(s): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
    Query(q): Query<CursorQuery>,
) -> ApiResult<Json<Page<Message>>> {
    let id = id_param(&id, "conversation")?;
    staff
        .tenant
        .read(|db| db.visible_conversation(&staff.caller, &id).map(|_| ()))?;
    Ok(Json(
        s.storage
            .message_page(&staff.tenant.id, &id, q.cursor.as_deref(), q.limit)
            .await?,
    ))
}

/// The `Idempotency-Key` header, when sent, is the key (the body's is a fallback).
pub(crate) fn idempotency_key(headers: &HeaderMap, body_key: String) -> ApiResult<String> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .unwrap_or(body_key);
    parse_public_id(&key).map(|_| key.clone()).map_err(|_| {
        ApiError::BadRequest("Idempotency-Key must be 1-64 characters of A-Z a-z 0-9 - _".into())
    })
}

async fn update_conversation(
    State(s): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
    JsonBody(update): JsonBody<ConversationUpdate>,
) -> ApiResult<Json<Conversation>> {
    let id = id_param(&id, "conversation")?;
    Ok(Json(
        s.mutate(
            &staff.tenant,
            move |db, now| db.update_conversation(&staff.caller, &id, update, now),
            Event::conversation,
        )
        .await?,
    ))
}

async fn send_message(
    State(s): State<Shared>,
    staff: Staff,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(mut new): JsonBody<NewMessage>,
) -> ApiResult<(StatusCode, Json<Message>)> {
    let id = id_param(&id, "conversation")?;
    new.idempotency_key = idempotency_key(&headers, new.idempotency_key)?;
    let (_, message) = s
        .add_message(
            &staff.tenant,
            new.idempotency_key.clone(),
            move |db, now| db.send_message(&staff.caller, &id, new, random_token::<8>(), now),
            Event::message,
        )
        .await?;
    if message.delivery.is_some() {
        s.deliveries.notify_one();
    }
    Ok((StatusCode::CREATED, Json(message)))
}

/// Fresh ids for a contact, conversation and message an inbound delivery may create.
pub(crate) fn inbound_ids() -> [String; 3] {
    [
        format!("k-{}", random_token::<8>()),
        format!("v-{}", random_token::<8>()),
        random_token::<8>(),
    ]
}

#[derive(serde::Deserialize)]
struct DemoSize {
    conversations: Option<usize>,
}

/// Restores the caller's organization to its demo data (demo mode, admins only),
/// keeping the team as it is (`demo::keep_team`) and every password.
async fn reset_demo(
    State(s): State<Shared>,
    staff: Staff,
    Query(size): Query<DemoSize>,
) -> ApiResult<StatusCode> {
    if !staff.caller.may(Action::ResetDemo) {
        return Err(StoreError::Forbidden(Action::ResetDemo).into());
    }
    let now = Utc::now();
    let mut fresh = if staff.tenant.id == demo::ORG {
        demo::reset(now, size.conversations)
    } else {
        demo::other_org(now)
    };
    // The team as it is when the reset commits, not as it was read here.
    let fresh = move |current: &lianjie_core::store::Db| {
        demo::keep_team(&mut fresh, current);
        fresh
    };
    // Only accounts without a password get this one (see `Batch::replace_all`).
    let hash = hash_password(&s.config.demo_password)?;
    s.replace(&staff.tenant, fresh, hash).await?;
    Ok(StatusCode::NO_CONTENT)
}
