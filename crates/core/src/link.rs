//! Addresses built from data, for `href` and `src`: the one check every page uses
//! (stored data is checked on save too, but a page may be talking to any backend),
//! and paths on this site with their data parts encoded.

/// Longest address accepted.
pub const MAX_URL: usize = 2048;

/// `raw` (trimmed) if it is safe to put in an `href` or `src`: an `http(s)` address
/// with a host, or a path on this site. Refused: other schemes (`javascript:`,
/// `data:`), addresses a browser reads as another host (`//host`, `/\host`,
/// `https:/\host`), credentials in the host (`https://bank@evil`), whitespace and
/// control characters anywhere, and anything longer than [`MAX_URL`].
pub fn checked(raw: &str) -> Option<String> {
    let url = raw.trim();
    if url.is_empty()
        || url.len() > MAX_URL
        // Browsers read `\` as `/` in addresses, and drop tabs and newlines.
        || url.contains(|c: char| c == '\\' || c.is_whitespace() || c.is_control())
    {
        return None;
    }
    if let Some(path) = url.strip_prefix('/') {
        return (!path.starts_with('/')).then(|| url.to_owned());
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let good_host = !host.is_empty() && !host.starts_with(['.', ':']) && !host.contains('@');
    good_host.then(|| url.to_owned())
}

/// Whether a [`checked`] address is on this site (a path), so fetching it tells no
/// outside host anything about the person looking.
pub fn is_on_site(url: &str) -> bool {
    checked(url).is_some_and(|u| u.starts_with('/'))
}

/// A path on this site from its parts, each percent-encoded: `path(&["contacts",
/// id])` is `/contacts/<id>` whatever the id holds.
pub fn path(parts: &[&str]) -> String {
    let mut out = String::new();
    for part in parts {
        out.push('/');
        out.push_str(&query_value(part));
    }
    out
}

/// The pages customers open, one per address: `/c/{card}`, `/s/{token}` and
/// `/chat/{token}`. The slim customer build routes by this alone (it has no router).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CustomerRoute {
    Card,
    Share,
    Chat,
}

/// Which customer page `path` is, with its id as written (the page checks it, so a
/// mangled id is "not found" there). One trailing `/` is allowed, as the router
/// allows it.
pub fn customer_route(path: &str) -> Option<(CustomerRoute, &str)> {
    let path = path.strip_suffix('/').unwrap_or(path);
    let (kind, id) = path.strip_prefix('/')?.split_once('/')?;
    let page = match kind {
        "c" => CustomerRoute::Card,
        "s" => CustomerRoute::Share,
        "chat" => CustomerRoute::Chat,
        _ => return None,
    };
    (!id.contains('/')).then_some((page, id))
}

/// `value` percent-encoded for a path part or a query value: only unreserved
/// characters stay as they are.
pub fn query_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A query value or path part with its `%XX` escapes undone (the inverse of
/// [`query_value`]); `+` stays, as in a path. Bytes that are not UTF-8 become U+FFFD.
pub fn decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .filter(|_| bytes[i] == b'%')
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether an address is a video file rather than a picture, by its extension.
pub fn is_video(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    [".mp4", ".webm", ".mov", ".m4v"]
        .iter()
        .any(|ext| path.to_ascii_lowercase().ends_with(ext))
}

/// A `tel:` address for a phone number as people write it ("+86 138 0000 0000"):
/// digits, with `+` first at most and `-`, spaces, dots and parentheses dropped.
/// Anything else in it: none.
pub fn tel(phone: &str) -> Option<String> {
    let mut out = String::from("tel:");
    for (i, c) in phone.trim().chars().enumerate() {
        match c {
            '0'..='9' => out.push(c),
            '+' if i == 0 => out.push(c),
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => return None,
        }
    }
    (out.len() > "tel:".len()).then_some(out)
}

/// A `mailto:` address for one plain email address (no headers, no second
/// recipient); none for anything else.
pub fn mailto(email: &str) -> Option<String> {
    let email = email.trim();
    let plain = crate::validate::email(email).is_ok()
        && !email.contains(['?', '&', ',', ';', '%', '#', '/']);
    plain.then(|| format!("mailto:{email}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_undoes_query_value_and_leaves_stray_percent_signs() {
        for value in ["content:c-pricing", "报价 方案/2026?x=1&y", "a%b", ""] {
            assert_eq!(decode(&query_value(value)), value);
        }
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz%4"), "%zz%4");
        assert_eq!(decode("%FF"), "\u{FFFD}");
    }

    #[test]
    fn customer_pages_are_known_by_their_path() {
        assert_eq!(
            customer_route("/c/wang-lei"),
            Some((CustomerRoute::Card, "wang-lei"))
        );
        assert_eq!(
            customer_route("/s/abc/"),
            Some((CustomerRoute::Share, "abc"))
        );
        assert_eq!(
            customer_route("/chat/t1"),
            Some((CustomerRoute::Chat, "t1"))
        );
        for other in [
            "/",
            "",
            "/c",
            "/c/",
            "/inbox",
            "/c/a/b",
            "/x/a",
            "c/a",
            "/content/a",
        ] {
            assert_eq!(customer_route(other), None, "{other}");
        }
    }

    #[test]
    fn videos_are_known_by_their_extension() {
        assert!(is_video("https://x.example/hello.MP4?t=1"));
        assert!(!is_video("https://x.example/hello.png"));
        assert_eq!(query_value("content:c 1/é"), "content%3Ac%201%2F%C3%A9");
    }

    #[test]
    fn http_addresses_and_site_paths_pass() {
        for good in [
            "https://lianjie.example/a?b=1#c",
            "http://127.0.0.1:8080",
            "/c/wang-lei",
            "/",
            " https://lianjie.example/x ",
        ] {
            assert_eq!(checked(good).as_deref(), Some(good.trim()), "{good}");
        }
    }

    #[test]
    fn addresses_that_leave_the_site_or_run_code_are_refused() {
        for bad in [
            "",
            "//evil.example/x",
            "/\\evil.example/x",
            "\\\\evil.example",
            "https:/\\evil.example",
            "https://evil.example\\@lianjie.example",
            "https://lianjie.example@evil.example/",
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,x",
            "vbscript:x",
            "https://",
            "https:///x",
            "https://:80/x",
            "https:evil.example",
            "ftp://x",
            "https://a b",
            "/a\nb",
            "relative/path",
        ] {
            assert_eq!(checked(bad), None, "{bad:?}");
        }
        assert_eq!(checked(&format!("/{}", "a".repeat(MAX_URL))), None);
    }

    #[test]
    fn only_site_paths_are_on_site() {
        assert!(is_on_site("/media/1.png"));
        assert!(!is_on_site("https://cdn.example/1.png"));
        assert!(!is_on_site("//cdn.example/1.png"));
    }

    #[test]
    fn path_parts_are_encoded() {
        assert_eq!(path(&["contacts", "k-001"]), "/contacts/k-001");
        assert_eq!(
            path(&["contacts", "../../x?y#z"]),
            "/contacts/..%2F..%2Fx%3Fy%23z"
        );
        assert_eq!(path(&["s", "//evil"]), "/s/%2F%2Fevil");
        assert_eq!(path(&["c", "王"]), "/c/%E7%8E%8B");
    }

    #[test]
    fn phone_and_mail_links_take_plain_values_only() {
        assert_eq!(
            tel("+86 138-0000 0000").as_deref(),
            Some("tel:+8613800000000")
        );
        assert_eq!(tel("(021) 5555.1234").as_deref(), Some("tel:02155551234"));
        for bad in ["", "javascript:alert(1)", "1+2", "138;ext=1", "  "] {
            assert_eq!(tel(bad), None, "{bad}");
        }
        assert_eq!(
            mailto(" wang@lianjie.example ").as_deref(),
            Some("mailto:wang@lianjie.example")
        );
        for bad in [
            "wang@x.example?bcc=all@x.example",
            "a@x.example,b@x.example",
            "nope",
        ] {
            assert_eq!(mailto(bad), None, "{bad}");
        }
    }
}
