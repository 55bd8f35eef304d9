//! The app's pages as the server sends them: the built index.html switched to the
//! http backend, and for customer links their preview tags and a first paint.

use crate::Shared;
use axum::extract::{Path, State};
use axum::response::Html;
use lianjie_core::ids::parse_public_id;
use lianjie_core::share::{LinkPreview, ShareTarget};
use lianjie_core::store::Db;

/// The slim customer build's page, under the built app.
pub const CUSTOMER_PAGE: &str = "customer/index.html";

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

/// What [`page_with_preview`] handlers answer.
type PageFuture = std::pin::Pin<Box<dyn std::future::Future<Output = Html<String>> + Send>>;

/// A handler serving the app page with the preview and first paint `find` gives for
/// the path's id (a link another server just made is found too).
pub fn page_with_preview(
    page: &std::sync::Arc<str>,
    find: fn(&Db, &str) -> Option<(LinkPreview, String)>,
) -> impl Fn(State<Shared>, Path<String>) -> PageFuture + Clone + use<> {
    let page = page.clone();
    move |State(s): State<Shared>, Path(id): Path<String>| {
        let page = page.clone();
        Box::pin(async move {
            let look = || {
                parse_public_id(&id)
                    .ok()
                    .and_then(|id| s.tenants.values().find_map(|t| find(&t.lock(), id)))
            };
            let mut found = look();
            // Unknown here: another server may have just made it. A database that
            // cannot answer leaves the plain page, which works without a preview.
            if found.is_none() && s.catch_up_all().await.is_ok() {
                found = look();
            }
            Html(match found {
                Some((preview, paint)) => {
                    with_first_paint(&with_preview(&page, Some(&preview)), &paint)
                }
                None => page.to_string(),
            })
        })
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
pub fn first_paint(db: &Db, target: &ShareTarget) -> String {
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
