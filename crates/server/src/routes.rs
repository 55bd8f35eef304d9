//! The `/api/v1` routes: thin handlers over `lianjie_core::store`.

use crate::error::{ApiError, ApiResult};
use crate::extract::{JsonBody, Public, Staff};
use crate::{Shared, hash_password, random_token};
use argon2::password_hash::{PasswordHash, PasswordVerifier};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::handler::HandlerWithoutStateExt;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Html;
use axum::response::sse::{self, KeepAlive, Sse};
use axum::routing::{get, patch, post, put};
use axum::{Json, Router};
use chrono::{DateTime, Duration, Utc};
use lianjie_core::analytics::{CardAnalytics, ContentAnalytics, ContentStats, Ranking};
use lianjie_core::api::{
    Activity, ConversationPage, ConversationQuery, ConversationUpdate, Event, InboundMessage,
    NewMessage, NewShare, OpenedShare, Page, RadarItem,
};
use lianjie_core::api::{IntentPoint, MergeContacts, TREND_DAYS};
use lianjie_core::channel::Channel;
use lianjie_core::contact::Contact;
use lianjie_core::content::Content;
use lianjie_core::ids::parse_public_id;
use lianjie_core::inbox::{CannedReply, Conversation, Message};
use lianjie_core::people::{Card, User};
use lianjie_core::share::{LeadDetails, LinkPreview};
use lianjie_core::share::{Share, ShareTarget};
use lianjie_core::store::{Db, StoreError};
use lianjie_core::tracking::Snapshot;
use serde::{Deserialize, Serialize};
use std::convert::Infallible;
use tokio_stream::{Stream, StreamExt};
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;

/// Largest request body accepted; a tracking snapshot or a message is far smaller.
pub const MAX_BODY: usize = 64 * 1024;
const RADAR_LIMIT: usize = 100;
const SSE_BACKLOG: i64 = 1000;

pub fn router(state: Shared) -> Router {
    let api = Router::new()
        .route("/health", get(health))
        .route("/auth/login", post(login))
        .route("/me", get(me))
        .route("/users", get(users))
        .route("/cards/{id}", get(card).put(save_card))
        .route("/cards/{id}/analytics", get(card_analytics))
        .route("/contents", get(contents))
        .route("/contents/ranking", get(content_ranking))
        .route("/contents/{id}", put(save_content))
        .route("/contents/{id}/analytics", get(content_analytics))
        .route("/contacts", get(contacts))
        .route("/contacts/{id}", get(contact))
        .route("/contacts/{id}/merge", post(merge_contacts))
        .route("/contacts/{id}/unmerge", post(unmerge_contact))
        .route("/contacts/{id}/timeline", get(timeline))
        .route("/contacts/{id}/intent-trend", get(intent_trend))
        .route("/canned-replies", get(canned_replies))
        .route("/shares", post(create_share))
        .route("/radar", get(radar))
        .route("/conversations", get(conversations))
        .route("/conversations/{id}", patch(update_conversation))
        .route(
            "/conversations/{id}/messages",
            get(messages).post(send_message),
        )
        .route("/channels/{channel}/inbound", post(inbound))
        .route("/public/cards/{id}", get(open_card))
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
        .route("/events", get(events))
        .route("/demo/reset", post(reset_demo))
        .fallback(|| async { ApiError::NotFound("route") })
        .layer(DefaultBodyLimit::max(MAX_BODY));
    let mut app = Router::new().nest("/api/v1", api);
    if let Some(dist) = &state.config.dist {
        let page: std::sync::Arc<str> = app_page(dist).into();
        // Customers get the slim build of their pages when it was built (see README).
        let customer_page: std::sync::Arc<str> = if dist.join(CUSTOMER_PAGE).is_file() {
            app_page(&dist.join("customer")).into()
        } else {
            page.clone()
        };
        // Customer pages carry their link preview in the HTML itself: chat apps'
        // previewers run no JavaScript.
        let chat_page = customer_page.clone();
        app = app
            .route(
                "/s/{token}",
                get(page_with_preview(&customer_page, |db, token| {
                    let target = &db.shares.get(token)?.target;
                    Some((db.share_preview(token)?, first_paint(db, target)))
                })),
            )
            .route(
                "/c/{card}",
                get(page_with_preview(&customer_page, |db, id| {
                    let target = ShareTarget::Card(id.to_owned());
                    Some((db.card_preview(id)?, first_paint(db, &target)))
                })),
            )
            .route(
                "/chat/{token}",
                get(move || std::future::ready(Html(chat_page.to_string()))),
            );
        let index = move || {
            let page = page.clone();
            async move { Html(page.to_string()) }
        };
        // Files as they are; every other path (deep links like /c/..., /s/...) gets the
        // app page, with the backend switched to this server.
        app = app.fallback_service(
            ServeDir::new(dist)
                .precompressed_br()
                .precompressed_gzip()
                .append_index_html_on_directories(false)
                .fallback(index.into_service()),
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
                .allow_methods([Method::GET, Method::POST, Method::PUT, Method::PATCH])
                .allow_headers([
                    header::AUTHORIZATION,
                    header::CONTENT_TYPE,
                    "idempotency-key".parse().expect("static header name"),
                    "last-event-id".parse().expect("static header name"),
                ]),
        );
    }
    app.layer(CompressionLayer::new()).with_state(state)
}

/// The slim customer build's page, under the built app.
const CUSTOMER_PAGE: &str = "customer/index.html";

/// The built index.html with its backend meta set to `http`. A missing file is
/// served as a plain error page rather than stopping the server.
fn app_page(dist: &std::path::Path) -> String {
    match std::fs::read_to_string(dist.join("index.html")) {
        Ok(html) => html.replace(
            r#"<meta name="lianjie-backend" content="local""#,
            r#"<meta name="lianjie-backend" content="http""#,
        ),
        Err(e) => format!(
            "<!doctype html><title>Lianjie</title><p>The app is not built ({e}). Run trunk build --release.</p>"
        ),
    }
}

/// A handler serving the app page with the preview and first paint `find` gives for
/// the path's id.
fn page_with_preview(
    page: &std::sync::Arc<str>,
    find: fn(&Db, &str) -> Option<(LinkPreview, String)>,
) -> impl Fn(State<Shared>, Path<String>) -> std::future::Ready<Html<String>> + Clone + use<> {
    let page = page.clone();
    move |State(s): State<Shared>, Path(id): Path<String>| {
        let found = parse_public_id(&id)
            .ok()
            .and_then(|id| s.read(|db| Ok(find(db, id))).ok().flatten());
        let html = match found {
            Some((preview, paint)) => {
                with_first_paint(&with_preview(&page, Some(&preview)), &paint)
            }
            None => page.to_string(),
        };
        std::future::ready(Html(html))
    }
}

/// The page with `paint` at the start of its body.
fn with_first_paint(page: &str, paint: &str) -> String {
    let at = page
        .find("<body")
        .and_then(|b| page[b..].find('>').map(|end| b + end + 1));
    match at {
        Some(at) => format!("{}{paint}{}", &page[..at], &page[at..]),
        None => page.to_owned(),
    }
}

/// What a phone can show before the app has loaded: the card's name, role and intro,
/// or the content's title and summary, as plain escaped text in the page the app
/// replaces once it runs (`#first-paint`).
fn first_paint(db: &Db, target: &ShareTarget) -> String {
    let inner = match target {
        ShareTarget::Card(id) => {
            let Some(card) = db.cards.get(id) else {
                return String::new();
            };
            format!(
                "<div class=\"card-face theme-{}\"><header class=\"card-profile\"><div>\
                 <h1 class=\"card-name\">{}</h1><p class=\"card-role\">{}</p></div></header>\
                 <section class=\"card-intro\"><p>{}</p></section></div>",
                card.theme.slug(),
                escape_html(&card.name),
                escape_html(&card.role()),
                escape_html(&card.intro)
            )
        }
        ShareTarget::Content(id) => {
            let Some(c) = db.contents.get(id) else {
                return String::new();
            };
            format!(
                "<article class=\"shared\"><h1>{}</h1><p class=\"intro\">{}</p></article>",
                escape_html(&c.title),
                escape_html(&c.summary)
            )
        }
    };
    format!(
        "<div id=\"first-paint\" class=\"customer\"><main class=\"customer-main\">{inner}</main></div>"
    )
}

/// Text for an HTML attribute or element: nothing in it can open a tag or end the
/// attribute.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The app page with a link's title, description and image as `<title>`, description
/// and Open Graph tags (the page's own title stays for unknown links).
pub fn with_preview(page: &str, preview: Option<&LinkPreview>) -> String {
    let Some(p) = preview else {
        return page.to_owned();
    };
    let (title, description) = (escape_html(&p.title), escape_html(&p.description));
    let mut tags = format!(
        "<meta name=\"description\" content=\"{description}\" />\
         <meta property=\"og:type\" content=\"article\" />\
         <meta property=\"og:title\" content=\"{title}\" />\
         <meta property=\"og:description\" content=\"{description}\" />"
    );
    if lianjie_core::validate::url(&p.image).is_ok() && p.image.starts_with("http") {
        tags.push_str(&format!(
            "<meta property=\"og:image\" content=\"{}\" />",
            escape_html(&p.image)
        ));
    }
    let with_title = match (page.find("<title>"), page.find("</title>")) {
        (Some(a), Some(b)) if a < b => {
            format!("{}<title>{title}</title>{}", &page[..a], &page[b + 8..])
        }
        _ => {
            tags.insert_str(0, &format!("<title>{title}</title>"));
            page.to_owned()
        }
    };
    with_title.replacen("</head>", &format!("{tags}</head>"), 1)
}

fn id_param(raw: &str, what: &'static str) -> ApiResult<String> {
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

#[derive(Deserialize)]
pub struct Login {
    email: String,
    password: String,
}

#[derive(Serialize, Deserialize)]
pub struct LoginOk {
    pub token: String,
    pub user: User,
    pub expires_at: DateTime<Utc>,
}

async fn login(
    State(s): State<Shared>,
    JsonBody(body): JsonBody<Login>,
) -> ApiResult<Json<LoginOk>> {
    let Some((user_id, hash)) = s.storage.password_hash(&body.email).await? else {
        // Same answer for unknown email and wrong password.
        return Err(ApiError::Unauthorized);
    };
    let parsed = PasswordHash::new(&hash).map_err(|e| ApiError::Internal(e.to_string()))?;
    argon2::Argon2::default()
        .verify_password(body.password.as_bytes(), &parsed)
        .map_err(|_| ApiError::Unauthorized)?;
    let token = random_token::<32>();
    let expires_at = Utc::now() + Duration::hours(s.config.session_hours);
    s.storage
        .create_session(&token, &user_id, expires_at)
        .await?;
    let user = s.read(|db| {
        db.users
            .iter()
            .find(|u| u.id == user_id)
            .cloned()
            .ok_or(StoreError::NotFound("user"))
    })?;
    Ok(Json(LoginOk {
        token,
        user,
        expires_at,
    }))
}

async fn me(Staff(user): Staff) -> Json<User> {
    Json(user)
}

async fn users(State(s): State<Shared>, _: Staff) -> ApiResult<Json<Vec<User>>> {
    Ok(Json(s.read(|db| Ok(db.users.clone()))?))
}

async fn card(State(s): State<Shared>, _: Staff, Path(id): Path<String>) -> ApiResult<Json<Card>> {
    let id = id_param(&id, "card")?;
    Ok(Json(s.read(|db| db.card(&id).cloned())?))
}

async fn save_card(
    State(s): State<Shared>,
    _: Staff,
    Path(id): Path<String>,
    JsonBody(mut card): JsonBody<Card>,
) -> ApiResult<Json<Card>> {
    card.id = id_param(&id, "card")?;
    let saved = s
        .mutate(
            |db, now| db.save_card(card, now),
            |c| Some(Event::CardSaved { card: c.clone() }),
        )
        .await?;
    Ok(Json(saved))
}

async fn contents(State(s): State<Shared>, _: Staff) -> ApiResult<Json<Vec<Content>>> {
    Ok(Json(s.read(|db| {
        Ok(db.contents_newest_first().into_iter().cloned().collect())
    })?))
}

/// Creates (client-chosen id) or updates a content item.
async fn save_content(
    State(s): State<Shared>,
    Staff(user): Staff,
    Path(id): Path<String>,
    JsonBody(mut content): JsonBody<Content>,
) -> ApiResult<Json<Content>> {
    content.id = id_param(&id, "content")?;
    let saved = s
        .mutate(|db, now| db.save_content(content, &user.id, now), |_| None)
        .await?;
    Ok(Json(saved))
}

async fn card_analytics(
    State(s): State<Shared>,
    _: Staff,
    Path(id): Path<String>,
) -> ApiResult<Json<CardAnalytics>> {
    let id = id_param(&id, "card")?;
    Ok(Json(s.read(|db| db.card_analytics(&id))?))
}

async fn content_analytics(
    State(s): State<Shared>,
    _: Staff,
    Path(id): Path<String>,
) -> ApiResult<Json<ContentAnalytics>> {
    let id = id_param(&id, "content")?;
    Ok(Json(s.read(|db| db.content_analytics(&id))?))
}

#[derive(Deserialize)]
struct RankingQuery {
    #[serde(default)]
    by: Ranking,
}

async fn content_ranking(
    State(s): State<Shared>,
    _: Staff,
    query: Result<Query<RankingQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<Vec<ContentStats>>> {
    let Query(q) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    Ok(Json(s.read(|db| Ok(db.content_ranking(q.by)))?))
}

async fn contacts(State(s): State<Shared>, _: Staff) -> ApiResult<Json<Vec<Contact>>> {
    Ok(Json(s.read(|db| Ok(db.live_contacts()))?))
}

async fn contact(
    State(s): State<Shared>,
    _: Staff,
    Path(id): Path<String>,
) -> ApiResult<Json<Contact>> {
    let id = id_param(&id, "contact")?;
    Ok(Json(s.read(|db| db.contact(&id).cloned())?))
}

async fn merge_contacts(
    State(s): State<Shared>,
    _: Staff,
    Path(id): Path<String>,
    JsonBody(merge): JsonBody<MergeContacts>,
) -> ApiResult<Json<Contact>> {
    let id = id_param(&id, "contact")?;
    let other = id_param(&merge.other_id, "contact")?;
    Ok(Json(
        s.mutate(
            |db, now| db.merge_contacts(&id, &other, now),
            |c| Some(Event::Contact { contact: c.clone() }),
        )
        .await?,
    ))
}

async fn unmerge_contact(
    State(s): State<Shared>,
    _: Staff,
    Path(id): Path<String>,
) -> ApiResult<Json<Contact>> {
    let id = id_param(&id, "contact")?;
    Ok(Json(
        s.mutate(
            |db, now| db.unmerge_contact(&id, now),
            |c| Some(Event::Contact { contact: c.clone() }),
        )
        .await?,
    ))
}

async fn intent_trend(
    State(s): State<Shared>,
    _: Staff,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<IntentPoint>>> {
    let id = id_param(&id, "contact")?;
    let now = Utc::now();
    Ok(Json(s.read(|db| db.intent_trend(&id, &TREND_DAYS, now))?))
}

async fn timeline(
    State(s): State<Shared>,
    _: Staff,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<Activity>>> {
    let id = id_param(&id, "contact")?;
    Ok(Json(s.read(|db| db.timeline(&id))?))
}

async fn canned_replies(State(s): State<Shared>, _: Staff) -> ApiResult<Json<Vec<CannedReply>>> {
    Ok(Json(s.read(|db| Ok(db.canned.clone()))?))
}

async fn create_share(
    State(s): State<Shared>,
    Staff(user): Staff,
    JsonBody(new): JsonBody<NewShare>,
) -> ApiResult<(StatusCode, Json<Share>)> {
    let share = s
        .mutate(
            |db, now| db.create_share(new, &user.id, random_token::<16>(), now),
            |_| None,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(share)))
}

async fn radar(State(s): State<Shared>, _: Staff) -> ApiResult<Json<Vec<RadarItem>>> {
    Ok(Json(s.read(|db| Ok(db.radar(RADAR_LIMIT)))?))
}

async fn conversations(
    State(s): State<Shared>,
    Staff(user): Staff,
    query: Result<Query<ConversationQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<ConversationPage>> {
    let Query(q) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    Ok(Json(s.read(|db| {
        Ok(db.list_conversations(&q, &user.id, Utc::now()))
    })?))
}

#[derive(Deserialize)]
struct CursorQuery {
    cursor: Option<String>,
    limit: Option<usize>,
}

async fn messages(
    State(s): State<Shared>,
    _: Staff,
    Path(id): Path<String>,
    query: Result<Query<CursorQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<Page<Message>>> {
    let id = id_param(&id, "conversation")?;
    let Query(q) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    Ok(Json(s.read(|db| {
        db.messages_page(&id, q.cursor.as_deref(), q.limit)
    })?))
}

/// The `Idempotency-Key` header, when sent, is the key (the body's is a fallback).
fn idempotency_key(headers: &HeaderMap, body_key: String) -> ApiResult<String> {
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
    _: Staff,
    Path(id): Path<String>,
    JsonBody(update): JsonBody<ConversationUpdate>,
) -> ApiResult<Json<Conversation>> {
    let id = id_param(&id, "conversation")?;
    Ok(Json(
        s.mutate(
            |db, now| db.update_conversation(&id, update, now),
            |v| {
                Some(Event::Conversation {
                    conversation: v.clone(),
                })
            },
        )
        .await?,
    ))
}

async fn send_message(
    State(s): State<Shared>,
    Staff(user): Staff,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(mut new): JsonBody<NewMessage>,
) -> ApiResult<(StatusCode, Json<Message>)> {
    let id = id_param(&id, "conversation")?;
    new.idempotency_key = idempotency_key(&headers, new.idempotency_key)?;
    let (_, message) = s
        .mutate(
            |db, now| db.send_message(&id, new, &user.id, random_token::<8>(), now),
            Event::message,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(message)))
}

/// Fresh ids for a contact, conversation and message an inbound delivery may create.
fn inbound_ids() -> [String; 3] {
    [
        format!("k-{}", random_token::<8>()),
        format!("v-{}", random_token::<8>()),
        random_token::<8>(),
    ]
}

/// Channel adapters (WeChat, email, ...) post normalized messages here.
async fn inbound(
    State(s): State<Shared>,
    _: Staff,
    Path(channel): Path<String>,
    headers: HeaderMap,
    JsonBody(mut msg): JsonBody<InboundMessage>,
) -> ApiResult<(StatusCode, Json<Message>)> {
    let channel = Channel::from_slug(&channel).ok_or(ApiError::NotFound("channel"))?;
    msg.idempotency_key = idempotency_key(&headers, msg.idempotency_key)?;
    let ids = inbound_ids();
    let (_, message) = s
        .mutate(|db, now| db.inbound(channel, msg, ids, now), Event::message)
        .await?;
    Ok((StatusCode::CREATED, Json(message)))
}

#[derive(Deserialize)]
struct OpenQuery {
    /// The child token this reader was given on an earlier visit.
    child: Option<String>,
}

async fn open_share(
    State(s): State<Shared>,
    _: Public,
    Path(token): Path<String>,
    Query(q): Query<OpenQuery>,
) -> ApiResult<Json<OpenedShare>> {
    let token = id_param(&token, "share")?;
    let reuse = q.child.map(|c| id_param(&c, "share")).transpose()?;
    Ok(Json(
        s.mutate(
            |db, now| db.open_share(&token, random_token::<16>(), reuse.as_deref(), now),
            |_| None,
        )
        .await?,
    ))
}

/// The card opened from its own address (`/c/{id}`): a tracked view like any link.
async fn open_card(
    State(s): State<Shared>,
    _: Public,
    Path(id): Path<String>,
    Query(q): Query<OpenQuery>,
) -> ApiResult<Json<OpenedShare>> {
    let id = id_param(&id, "card")?;
    let reuse = q.child.map(|c| id_param(&c, "share")).transpose()?;
    let tokens = (random_token::<16>(), random_token::<16>());
    Ok(Json(
        s.mutate(
            |db, now| db.open_card(&id, tokens, reuse.as_deref(), now),
            |_| None,
        )
        .await?,
    ))
}

/// The link through which a card's reader opens one of its featured items.
async fn open_featured(
    State(s): State<Shared>,
    _: Public,
    Path((token, content_id)): Path<(String, String)>,
) -> ApiResult<Json<Share>> {
    let token = id_param(&token, "share")?;
    let content_id = id_param(&content_id, "content")?;
    Ok(Json(
        s.mutate(
            |db, now| db.open_featured(&token, &content_id, random_token::<16>(), now),
            |_| None,
        )
        .await?,
    ))
}

#[derive(Deserialize)]
struct VisitorQuery {
    visitor: String,
}

/// What a web-chat visitor sees of their conversation: their messages and the
/// replies, never staff notes. The visitor id is random per browser and known only
/// to it, so it is what gives access.
async fn visitor_messages(
    State(s): State<Shared>,
    _: Public,
    Path(token): Path<String>,
    Query(q): Query<VisitorQuery>,
) -> ApiResult<Json<Vec<Message>>> {
    let token = id_param(&token, "share")?;
    Ok(Json(s.read(|db| db.visitor_messages(&token, &q.visitor))?))
}

/// A customer's message from a card or content page: lands in the inbox as web chat,
/// with what they were looking at as context.
async fn web_chat(
    State(s): State<Shared>,
    _: Public,
    Path(token): Path<String>,
    headers: HeaderMap,
    JsonBody(mut msg): JsonBody<InboundMessage>,
) -> ApiResult<(StatusCode, Json<Message>)> {
    let token = id_param(&token, "share")?;
    msg.idempotency_key = idempotency_key(&headers, msg.idempotency_key)?;
    let ids = inbound_ids();
    let (_, message) = s
        .mutate(|db, now| db.web_chat(&token, msg, ids, now), Event::message)
        .await?;
    Ok((StatusCode::CREATED, Json(message)))
}

/// A reader leaves their details on their own link; the rep's radar names them.
async fn capture_lead(
    State(s): State<Shared>,
    _: Public,
    Path(token): Path<String>,
    JsonBody(details): JsonBody<LeadDetails>,
) -> ApiResult<StatusCode> {
    let token = id_param(&token, "share")?;
    let new_id = format!("k-{}", random_token::<8>());
    s.mutate(
        |db, now| db.capture_lead(&token, details, new_id, now),
        |(_, item)| item.clone().map(|item| Event::Radar { item }),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Tracking ingest. Accepts `sendBeacon` bodies; snapshots merge by maximum, so a
/// repeat is harmless and answered the same.
async fn track(
    State(s): State<Shared>,
    _: Public,
    JsonBody(snapshot): JsonBody<Snapshot>,
) -> ApiResult<StatusCode> {
    s.mutate(
        |db, now| db.record_snapshot(&snapshot, now),
        |item| item.clone().map(|item| Event::Radar { item }),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct EventsQuery {
    last_event_id: Option<i64>,
}

/// Real-time events for staff. A reconnect with `Last-Event-ID` first gets every
/// event it missed from the log, then live ones, without duplicates.
async fn events(
    State(s): State<Shared>,
    _: Staff,
    headers: HeaderMap,
    Query(q): Query<EventsQuery>,
) -> ApiResult<Sse<impl Stream<Item = Result<sse::Event, Infallible>>>> {
    // Subscribe before reading the backlog so nothing falls between the two.
    let live = tokio_stream::wrappers::BroadcastStream::new(s.events.subscribe());
    let last = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .or(q.last_event_id);
    let backlog = match last {
        Some(id) => s.storage.events_after(id, SSE_BACKLOG).await?,
        None => Vec::new(),
    };
    let mut newest = backlog.last().map(|(id, _)| *id).or(last).unwrap_or(0);
    let live = live.filter_map(move |item| match item {
        Ok((id, event)) if id > newest => {
            newest = id;
            Some((id, event))
        }
        _ => None,
    });
    let stream = tokio_stream::iter(backlog).chain(live).map(|(id, event)| {
        Ok(sse::Event::default()
            .id(id.to_string())
            .data(serde_json::to_string(&event).unwrap_or_default()))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

#[derive(serde::Deserialize)]
struct DemoSize {
    conversations: Option<usize>,
}

async fn reset_demo(
    State(s): State<Shared>,
    _: Staff,
    Query(size): Query<DemoSize>,
) -> ApiResult<StatusCode> {
    // Hashing is slow on purpose: do it before taking the lock.
    let hash = hash_password(&s.config.demo_password)?;
    s.replace(
        lianjie_core::demo::reset(Utc::now(), size.conversations),
        &hash,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
