//! The customer-facing (public) routes: opening a card or a link, featured items,
//! the visitor's web chat, lead capture and tracking ingest. Strangers call these,
//! so each finds its organization from the record it names and answers only the
//! public projection; each is rate limited per client (`Public`).

use crate::error::{ApiError, ApiResult};
use crate::extract::{ClientIp, JsonBody, Public};
use crate::extract::{Path, Query};
use crate::routes::{id_param, idempotency_key, inbound_ids};
use crate::{Shared, Tenant, random_token};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use lianjie_core::api::{Event, InboundMessage, OpenedShare};
use lianjie_core::channel::Channel;
use lianjie_core::inbox::Message;
use lianjie_core::public::{PublicCard, PublicShare};
use lianjie_core::share::LeadDetails;
use lianjie_core::store::visitor_view;
use lianjie_core::store::{Db, StoreError, ViewKeys};
use lianjie_core::tracking::Snapshot;
use lianjie_core::vcard::{file_name, vcard};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;
use std::sync::Arc;

#[derive(Deserialize)]
pub(crate) struct OpenQuery {
    /// The child token this reader was given on an earlier visit.
    child: Option<String>,
}

/// The organization a share token belongs to; unknown tokens are not found.
async fn share_tenant(s: &Shared, token: &str) -> ApiResult<Arc<Tenant>> {
    s.tenant_with(|db| db.shares.contains_key(token))
        .await?
        .ok_or(ApiError::NotFound("share"))
}

/// A customer page opened through a link: the page's content, the reader's own link
/// and the view session its tracking must name (issued here, 128 random bits).
/// Within the hourly budgets per client and link of [`crate::quota`].
pub(crate) async fn open_share(
    State(s): State<Shared>,
    _: Public,
    client: ClientIp,
    Path(token): Path<String>,
    Query(q): Query<OpenQuery>,
    headers: HeaderMap,
) -> ApiResult<Json<OpenedShare>> {
    let token = id_param(&token, "share")?;
    let reuse = q.child.map(|c| id_param(&c, "share")).transpose()?;
    let tenant = share_tenant(&s, &token).await?;
    // This browser's own link, minted when it posted the page's form before a script
    // ran: opened as its link's return, not as a forward of it. The cookie names the
    // link it was minted under, which someone given only the reader's link does not
    // know, so it proves what `?child=` would.
    let (token, reuse) = match (reuse, own_link_cookie(&headers)) {
        (None, Some(parent)) if tenant.read(|db| Ok(db.keeps_reader_link(parent, &token)))? => {
            (parent.to_owned(), Some(token))
        }
        (reuse, _) => (token, reuse),
    };
    // Budgeted per rep's link: a reader's own link opened by someone else (a forward)
    // counts against the link it came from.
    let (returning, root) = tenant.read(|db| {
        let returning = reuse
            .as_deref()
            .is_some_and(|c| db.keeps_reader_link(&token, c));
        Ok((returning, db.link_root(&token)))
    })?;
    s.opens.open(client.key(), &root, !returning)?;
    let (child, session) = (random_token::<16>(), random_token::<16>());
    Ok(Json(
        s.mutate_viewing(
            &tenant,
            new_view(&session),
            move |db, now| db.open_share(&token, child, session, reuse.as_deref(), now),
            |_| None,
        )
        .await?,
    ))
}

/// The card opened from its own address (`/c/{id}`): a tracked view like any link,
/// within the same budgets (those of the card's link).
pub(crate) async fn open_card(
    State(s): State<Shared>,
    _: Public,
    client: ClientIp,
    Path(id): Path<String>,
    Query(q): Query<OpenQuery>,
) -> ApiResult<Json<OpenedShare>> {
    let id = id_param(&id, "card")?;
    let reuse = q.child.map(|c| id_param(&c, "share")).transpose()?;
    let tenant = s
        .tenant_with(|db| db.cards.contains_key(&id))
        .await?
        .ok_or(ApiError::NotFound("card"))?;
    // The same budget as the card's link opened as a share (before the link exists,
    // the address's own).
    let (returning, budget) = tenant.read(|db| {
        let link = db.card_link_of(&id);
        let returning = reuse
            .as_deref()
            .zip(link.as_deref())
            .is_some_and(|(c, link)| db.keeps_reader_link(link, c));
        Ok((returning, link.unwrap_or_else(|| format!("card/{id}"))))
    })?;
    s.opens.open(client.key(), &budget, !returning)?;
    let tokens = (random_token::<16>(), random_token::<16>());
    let session = random_token::<16>();
    Ok(Json(
        s.mutate_viewing(
            &tenant,
            new_view(&session),
            move |db, now| db.open_card(&id, tokens, session, reuse.as_deref(), now),
            |_| None,
        )
        .await?,
    ))
}

/// What opening a page reads of the views: whether its new view's id is taken.
fn new_view(id: &str) -> impl Fn(&Db, DateTime<Utc>) -> ViewKeys + Send + Sync + 'static {
    let keys = ViewKeys {
        ids: [id.to_owned()].into(),
        ..ViewKeys::default()
    };
    move |_, _| keys.clone()
}

/// The link through which a card's reader opens one of its featured items.
pub(crate) async fn open_featured(
    State(s): State<Shared>,
    _: Public,
    Path((token, content_id)): Path<(String, String)>,
) -> ApiResult<Json<PublicShare>> {
    let token = id_param(&token, "share")?;
    let content_id = id_param(&content_id, "content")?;
    let tenant = share_tenant(&s, &token).await?;
    Ok(Json(
        s.mutate(
            &tenant,
            move |db, now| db.open_featured(&token, &content_id, random_token::<16>(), now),
            |_| None,
        )
        .await
        .map(|share| PublicShare::from(&share))?,
    ))
}

#[derive(Deserialize)]
pub(crate) struct VisitorQuery {
    visitor: String,
}

/// What a web-chat visitor sees of their conversation: their messages and the
/// replies, never staff notes. The visitor id is random per browser and known only
/// to it, so it is what gives access.
pub(crate) async fn visitor_messages(
    State(s): State<Shared>,
    _: Public,
    Path(token): Path<String>,
    Query(q): Query<VisitorQuery>,
) -> ApiResult<Json<Vec<Message>>> {
    let token = id_param(&token, "share")?;
    let tenant = share_tenant(&s, &token).await?;
    // A conversation begun through another server is found too.
    s.catch_up(&tenant).await?;
    let Some(conversation) = tenant.read(|db| db.visitor_conversation(&token, &q.visitor))? else {
        return Ok(Json(Vec::new()));
    };
    let newest = s
        .storage
        .visitor_messages(&tenant.id, &conversation)
        .await?;
    Ok(Json(visitor_view(newest.iter())))
}

/// A customer's message from a card or content page: lands in the inbox as web chat,
/// with what they were looking at as context.
pub(crate) async fn web_chat(
    State(s): State<Shared>,
    _: Public,
    Path(token): Path<String>,
    headers: HeaderMap,
    JsonBody(mut msg): JsonBody<InboundMessage>,
) -> ApiResult<(StatusCode, Json<Message>)> {
    let token = id_param(&token, "share")?;
    msg.idempotency_key = idempotency_key(&headers, msg.idempotency_key)?;
    let tenant = share_tenant(&s, &token).await?;
    let ids = inbound_ids();
    let handle = msg.handle.clone();
    let (_, message) = s
        .add_message_viewing(
            &tenant,
            msg.idempotency_key.clone(),
            move |db, now| db.views_for_inbound(Channel::WebChat, &handle, None, now),
            move |db, now| db.web_chat(&token, msg, ids, now),
            Event::message,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(message)))
}

/// A reader leaves their details on their own link; the rep's radar names them.
pub(crate) async fn capture_lead(
    State(s): State<Shared>,
    _: Public,
    Path(token): Path<String>,
    JsonBody(details): JsonBody<LeadDetails>,
) -> ApiResult<StatusCode> {
    let token = id_param(&token, "share")?;
    let tenant = share_tenant(&s, &token).await?;
    let new_id = format!("k-{}", random_token::<8>());
    let link = token.clone();
    s.mutate_viewing(
        &tenant,
        move |db, _| db.views_for_details(&link),
        move |db, now| db.capture_lead(&token, details, new_id, now),
        |(_, item)| item.clone().map(|item| Event::Radar { item }),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The cookie naming a reader's own link to the browser that posted the page's form
/// (see [`own_link_cookie_for`]).
const OWN_LINK: &str = "lianjie-own";

/// The `Set-Cookie` value that tells a later open of `child` (by a script, in this
/// browser) that it is this reader's own link, minted under `parent` when they posted
/// the page's form: it names `parent`, is sent only on `child`'s open, for a year,
/// never to scripts, and only over HTTPS when the server is `secure`ly reached.
pub(crate) fn own_link_cookie_for(parent: &str, child: &str, secure: bool) -> String {
    format!(
        "{OWN_LINK}={parent}; Path={}; Max-Age=31536000; HttpOnly; SameSite=Lax{}",
        lianjie_core::link::path(&["api", "v1", "public", "shares", child]),
        if secure { "; Secure" } else { "" }
    )
}

/// The link a request's own-link cookie names, if any.
fn own_link_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(OWN_LINK)?.strip_prefix('='))
}

/// Details posted from a share's page before any script ran (`POST /s/{token}`, a
/// plain form): as opening would, a reader's own link is minted, within the same
/// budgets, and the details are left on it. Returns that link, where the reader reads
/// on. Refused details spend no budget and change nothing.
pub(crate) async fn leave_details(
    s: &Shared,
    client: &ClientIp,
    token: &str,
    details: LeadDetails,
) -> ApiResult<String> {
    let token = id_param(token, "share")?;
    let tenant = share_tenant(s, &token).await?;
    details.validate().map_err(ApiError::Invalid)?;
    let root = tenant.read(|db| Ok(db.link_root(&token)))?;
    s.opens.open(client.key(), &root, true)?;
    let (child, new_id) = (random_token::<16>(), format!("k-{}", random_token::<8>()));
    let own = child.clone();
    let (child, ..) = s
        .mutate_viewing(
            &tenant,
            move |db, _| db.views_for_details(&own),
            move |db, now| db.leave_details(&token, child, details, new_id, now),
            |(_, _, item)| item.clone().map(|item| Event::Radar { item }),
        )
        .await?;
    Ok(child)
}

/// Tracking ingest. Accepts `sendBeacon` bodies; snapshots merge by maximum, so a
/// repeat is harmless and answered the same. Only for a session an open issued, with
/// its share and reader: anything else is 404 and changes nothing. Per client, the
/// public rate limit applies.
pub(crate) async fn track(
    State(s): State<Shared>,
    _: Public,
    JsonBody(snapshot): JsonBody<Snapshot>,
) -> ApiResult<StatusCode> {
    let tenant = share_tenant(&s, &snapshot.share_token).await?;
    let named = snapshot.clone();
    s.mutate_viewing(
        &tenant,
        move |db, now| db.views_for_snapshot(&named, now),
        move |db, now| db.record_snapshot(&snapshot, now),
        |item| item.clone().map(|item| Event::Radar { item }),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The card as a vCard file, so "save contact" is a plain link: it works before the
/// app has loaded, without JavaScript, and in in-app browsers that block `data:`
/// downloads. The same fields as the app's (core's `vcard`); no photo.
pub(crate) async fn card_vcard(
    State(s): State<Shared>,
    _: Public,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = id_param(&id, "card")?;
    let tenant = s
        .tenant_with(|db| db.cards.contains_key(&id))
        .await?
        .ok_or(ApiError::NotFound("card"))?;
    let card: PublicCard = tenant.read(|db| {
        db.cards
            .get(&id)
            .map(PublicCard::from)
            .ok_or(StoreError::NotFound("card"))
    })?;
    // An ASCII fallback name, and the real one in UTF-8 (RFC 6266).
    let name = file_name(&card);
    let encoded = utf8_percent_encode(&name, NON_ALPHANUMERIC);
    let disposition = format!("attachment; filename=\"contact.vcf\"; filename*=UTF-8''{encoded}");
    Ok((
        [
            (header::CONTENT_TYPE, "text/vcard; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-cache".to_owned()),
        ],
        vcard(&card, None),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_own_link_cookie_names_the_parent_for_the_childs_open_only() {
        let cookie = own_link_cookie_for("p0", "c1", false);
        assert_eq!(
            cookie,
            "lianjie-own=p0; Path=/api/v1/public/shares/c1; Max-Age=31536000; HttpOnly; SameSite=Lax"
        );
        assert!(own_link_cookie_for("p0", "c1", true).ends_with("; SameSite=Lax; Secure"));
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, "a=1; lianjie-own=p0".parse().unwrap());
        assert_eq!(own_link_cookie(&headers), Some("p0"));
        headers.clear();
        headers.append(header::COOKIE, "lianjie-owner=x".parse().unwrap());
        assert_eq!(own_link_cookie(&headers), None);
    }
}
