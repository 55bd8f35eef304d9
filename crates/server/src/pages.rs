//! The app's pages as the server sends them: the built index.html switched to the
//! http backend, and for customer links their preview tags and a first paint.

use crate::Shared;
use crate::error::ApiError;
use crate::extract::{ClientIp, Public};
use axum::Form;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use lianjie_core::Locale;
use lianjie_core::catalogue::PublicMsg;
use lianjie_core::first_paint::{
    self, PageLinks, PageOf, PublicPage, Sent, Then, escape, lead_details,
};
use lianjie_core::ids::parse_public_id;
use lianjie_core::link;
use lianjie_core::share::LinkPreview;
use serde::Deserialize;

/// The slim customer build's page, under the built app.
pub const CUSTOMER_PAGE: &str = "customer/index.html";
/// The customer pages' reader (no app), beside the slim build.
pub const READER_PAGE: &str = "customer/reader/index.html";

/// The pages a customer link may get: the app, and the reader when it was built.
#[derive(Clone)]
pub struct CustomerPages {
    pub app: std::sync::Arc<str>,
    pub reader: Option<std::sync::Arc<str>>,
}

impl CustomerPages {
    /// The page to send: the reader, unless a tap made before a script ran asks for
    /// what only the app does (`?then=`: the chat, a featured item).
    fn for_page(&self, then: Option<&Then>) -> &str {
        match &self.reader {
            Some(reader) if then.is_none() => reader,
            _ => &self.app,
        }
    }
}

/// The built index.html with its backend meta set to `http`. A missing file is
/// served as a plain error page rather than stopping the server.
pub fn app_page(dist: &std::path::Path) -> String {
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

/// What [`customer_page`] handlers answer.
type PageFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Response> + Send>>;

/// Which customer page an address names.
#[derive(Clone, Copy, Debug)]
pub enum CustomerPage {
    /// `/s/{token}`: a share (or a reader's own link).
    Share,
    /// `/c/{card}`: a card's own address.
    Card,
}

/// A handler serving a share's or a card's page (the reader's, or the customer app's:
/// [`CustomerPages::for_page`]), with its link preview and its first paint (core's `first_paint`: the page itself, working
/// before any script runs) in the reader's language: `?lang=`, then the browser's
/// `Accept-Language`, as the app chooses. A link another server just made is found
/// too; an unknown one gets the plain page, where the app says it was not found.
/// `?lead=sent` thanks a reader whose details the page's form just posted.
pub fn customer_page(
    pages: &CustomerPages,
    kind: CustomerPage,
) -> impl Fn(State<Shared>, Path<String>, RawQuery, HeaderMap) -> PageFuture + Clone + use<> {
    let pages = pages.clone();
    move |State(s): State<Shared>, Path(id): Path<String>, RawQuery(query), headers| {
        let pages = pages.clone();
        Box::pin(async move {
            let asked = PageQuery::parse(query.as_deref().unwrap_or_default(), &headers);
            let sent = asked.sent.then_some(Sent::Kept);
            let html = public_html(&s, &pages, kind, &id, &asked, sent.as_ref()).await;
            page_response(
                StatusCode::OK,
                html.unwrap_or_else(|| pages.app.to_string()),
            )
        })
    }
}

/// What a share's page posts without a script (`POST /s/{token}`): the form
/// core's `first_paint::lead_form` paints, its fields named as
/// [`first_paint::LEAD_FIELDS`]' keys.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LeadPost {
    name: String,
    phone: String,
    wechat_id: String,
    email: String,
}

/// The handler of a share page's form for details, posted before any script ran (or
/// with none): kept, the reader is sent on to their own link, where they read on and
/// are thanked (`303`, so a reload does not post again; a cookie tells the reader
/// script, when it runs there, that the link is theirs); refused, the same page comes
/// back with what they typed and why (`422`); not kept for another reason (a budget
/// spent, the database), it comes back saying so, ready to send again. It is posted
/// to the page's own address, so the page that comes back is one its script knows.
pub fn lead_post(
    pages: &CustomerPages,
) -> impl Fn(
    State<Shared>,
    Budgeted,
    ClientIp,
    Path<String>,
    RawQuery,
    HeaderMap,
    Form<LeadPost>,
) -> PageFuture
+ Clone
+ use<> {
    let pages = pages.clone();
    move |State(s): State<Shared>,
          public: Budgeted,
          client,
          Path(token): Path<String>,
          RawQuery(query),
          headers,
          Form(post): Form<LeadPost>| {
        let pages = pages.clone();
        Box::pin(async move {
            let asked = PageQuery::parse(query.as_deref().unwrap_or_default(), &headers);
            let details = lead_details([post.name, post.phone, post.wechat_id, post.email]);
            let kept = match public {
                Ok(Public) => {
                    crate::public::leave_details(&s, &client, &token, details.clone()).await
                }
                Err(too_many) => Err(too_many),
            };
            let problem = match kept {
                Ok(child) => {
                    let mut to = format!("{}?lead=sent", link::path(&["s", &child]));
                    if let Some(lang) = &asked.lang {
                        to.push_str(&format!("&lang={}", link::query_value(lang)));
                    }
                    // Reached through HTTPS (as its public address says): HTTPS only.
                    let secure = s.config.public_url.starts_with("https://");
                    let own = crate::public::own_link_cookie_for(&token, &child, secure);
                    return ([(header::SET_COOKIE, own)], Redirect::to(&to)).into_response();
                }
                Err(e) => e,
            };
            let status = problem.status();
            let sent = match &problem {
                ApiError::Invalid(problems) => Sent::Refused(&details, problems),
                ApiError::NotFound(_) => {
                    return page_response(status, pages.app.to_string());
                }
                ApiError::RateLimited
                | ApiError::TooManyAttempts { .. }
                | ApiError::QuotaExceeded { .. } => Sent::Failed(&details, PublicMsg::ErrBusy),
                other => {
                    // Said to the reader in plain words; the detail is for the operator.
                    if let ApiError::Internal(detail) = other {
                        eprintln!("internal error: {detail}");
                    }
                    Sent::Failed(&details, PublicMsg::ErrServer)
                }
            };
            let html =
                public_html(&s, &pages, CustomerPage::Share, &token, &asked, Some(&sent)).await;
            page_response(status, html.unwrap_or_else(|| pages.app.to_string()))
        })
    }
}

/// A public request within the per-client rate, or why not.
type Budgeted = Result<Public, ApiError>;

/// A page in the language asked for: caches keep one per language.
fn page_response(status: StatusCode, html: String) -> Response {
    (status, [(header::VARY, "Accept-Language")], Html(html)).into_response()
}

/// The page of card or share `id` as the reader asked for it, telling what became of
/// details they `sent`; `None` when no organization has it (even after catching up
/// with the others' writes).
async fn public_html(
    s: &Shared,
    pages: &CustomerPages,
    kind: CustomerPage,
    id: &str,
    asked: &PageQuery,
    sent: Option<&Sent<'_>>,
) -> Option<String> {
    let then = asked.then.as_deref().and_then(Then::parse);
    let look = || {
        let id = parse_public_id(id).ok()?;
        s.tenants.values().find_map(|t| {
            let db = t.lock();
            let (which, preview) = match kind {
                CustomerPage::Share => (PageOf::Share(id), db.share_preview(id)?),
                CustomerPage::Card => (PageOf::Card(id), db.card_preview(id)?),
            };
            Some((preview, db.public_page(which, then.as_ref())?))
        })
    };
    let mut found = look();
    // Unknown here: another server may have just made it. A database that cannot
    // answer leaves the plain page, which works without a preview.
    if found.is_none() && s.catch_up_all().await.is_ok() {
        found = look();
    }
    let (preview, public) = found?;
    let mut lead = link::path(&["s", id]);
    if let Some(lang) = &asked.lang {
        lead.push_str(&format!("?lang={}", link::query_value(lang)));
    }
    let links = PageLinks {
        vcard: match &public {
            PublicPage::Card { card, .. } => {
                link::path(&["api", "v1", "public", "cards", &card.id, "vcard"])
            }
            PublicPage::Content { .. } => String::new(),
        },
        chat: match kind {
            CustomerPage::Share => link::path(&["chat", id]),
            CustomerPage::Card => Then::Chat.query(),
        },
        lead,
    };
    let paint = first_paint::page(&public, &links, sent, asked.locale);
    let page = pages.for_page(then.as_ref());
    Some(with_lang(
        &with_first_paint(&with_preview(page, Some(&preview)), &paint),
        asked.locale,
    ))
}

/// What a page's query and headers ask of it: `lang`, `then` and `lead=sent`,
/// decoded (anything else is the app's), and the language it is shown in.
struct PageQuery {
    lang: Option<String>,
    then: Option<String>,
    sent: bool,
    locale: Locale,
}

impl PageQuery {
    fn parse(query: &str, headers: &HeaderMap) -> PageQuery {
        let (mut lang, mut then, mut sent) = (None, None, false);
        for pair in query.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = value.replace('+', " ");
            let value = percent_encoding::percent_decode_str(&value)
                .decode_utf8_lossy()
                .into_owned();
            match key {
                "lang" => lang = Some(value),
                "then" => then = Some(value),
                "lead" => sent = value == "sent",
                _ => {}
            }
        }
        let locale = Locale::negotiate(lang.as_deref(), None, accepted_languages(headers));
        PageQuery {
            lang,
            then,
            sent,
            locale,
        }
    }
}

/// The browser's languages from `Accept-Language`, in the order it lists them.
fn accepted_languages(headers: &HeaderMap) -> Vec<&str> {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(',')
                .map(|l| l.split(';').next().unwrap_or_default().trim())
                .collect()
        })
        .unwrap_or_default()
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

/// The page with `<html lang>` naming the language its first paint is in.
fn with_lang(page: &str, locale: Locale) -> String {
    page.replacen(
        "<html lang=\"zh-CN\">",
        &format!("<html lang=\"{}\">", locale.tag()),
        1,
    )
}

/// The app page with a link's title, description and image as `<title>`, description
/// and Open Graph tags (the page's own title stays for unknown links).
pub fn with_preview(page: &str, preview: Option<&LinkPreview>) -> String {
    let Some(p) = preview else {
        return page.to_owned();
    };
    let (title, description) = (escape(&p.title), escape(&p.description));
    let mut tags = format!(
        "<meta name=\"description\" content=\"{description}\" />\
         <meta property=\"og:type\" content=\"article\" />\
         <meta property=\"og:title\" content=\"{title}\" />\
         <meta property=\"og:description\" content=\"{description}\" />"
    );
    if lianjie_core::validate::url(&p.image).is_ok() && p.image.starts_with("http") {
        tags.push_str(&format!(
            "<meta property=\"og:image\" content=\"{}\" />",
            escape(&p.image)
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

/// The Content-Security-Policy of API answers: JSON, never a document to run.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// The Content-Security-Policy of the app's pages (`pages`: each page served, whose
/// inline loader scripts are allowed by hash): scripts only from this server and
/// WebAssembly, connections only to it, no plugins, no `<base>`, no framing by
/// another site; pictures and video of cards and content may come from https hosts.
pub fn page_csp(pages: &[&str]) -> String {
    let mut hashes: Vec<String> = pages.iter().flat_map(|p| inline_script_hashes(p)).collect();
    hashes.sort();
    hashes.dedup();
    let scripts: String = hashes.iter().map(|h| format!(" 'sha256-{h}'")).collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{scripts}; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; media-src 'self' https:; \
         connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Base64 SHA-256 of each inline `<script>` in `html`, as CSP hash sources name them.
fn inline_script_hashes(html: &str) -> Vec<String> {
    use base64::Engine as _;
    use sha2::{Digest, Sha256};
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else {
            break;
        };
        let tag = &after[..open_end];
        let body = &after[open_end + 1..];
        let Some(close) = body.find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            let digest = Sha256::digest(&body.as_bytes()[..close]);
            out.push(base64::engine::general_purpose::STANDARD.encode(digest));
        }
        rest = &body[close..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_allowed_by_hash_and_nothing_else() {
        let page = "<html><head><script type=\"module\">init();</script>\
                    <script src=\"/x.js\"></script></head></html>";
        let hashes = inline_script_hashes(page);
        // sha256("init();"), base64: what a browser computes for that script.
        assert_eq!(hashes, ["GEnM5q1nYY/iACnyMTdov+tNp9OFcBnnDgNXUXaVNXc="]);
        let csp = page_csp(&[page, page]);
        assert_eq!(csp.matches("'sha256-").count(), 1);
        for part in [
            "script-src 'self' 'wasm-unsafe-eval' 'sha256-",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "connect-src 'self';",
        ] {
            assert!(csp.contains(part), "{part} in {csp}");
        }
        assert!(!csp.contains("unsafe-eval'") || csp.contains("wasm-unsafe-eval"));
    }
}
