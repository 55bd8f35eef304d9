//! The links this browser was given as its own (the forward chain's child tokens).
//!
//! Opening a share mints a child token for the reader and puts it in the address bar.
//! When the same reader comes back — a reload, or the link from their chat history —
//! they must get the same child, or their return would look like a forward.

use crate::api::storage;

const KEY: &str = "lianjie.reader.links";
const MAX_LINKS: usize = 200;

/// (opened token, child token given to this browser), oldest first.
fn load() -> Vec<(String, String)> {
    storage()
        .and_then(|s| s.get_item(KEY).ok().flatten())
        .and_then(|raw| serde_json::from_str(&raw).ok())
        .unwrap_or_default()
}

/// What to open for a token in the address bar: the token itself, or, for this
/// browser's own child link, its parent; and the child to keep, if there is one.
pub fn resolve(token: &str) -> (String, Option<String>) {
    let links = load();
    if let Some((parent, child)) = links.iter().find(|(_, child)| child == token) {
        return (parent.clone(), Some(child.clone()));
    }
    let own = links
        .into_iter()
        .find(|(parent, _)| parent == token)
        .map(|(_, child)| child);
    (token.to_owned(), own)
}

pub fn remember(token: &str, child: &str) {
    let mut links = load();
    links.retain(|(parent, _)| parent != token);
    links.push((token.to_owned(), child.to_owned()));
    if links.len() > MAX_LINKS {
        links.drain(..links.len() - MAX_LINKS);
    }
    if let (Some(s), Ok(raw)) = (storage(), serde_json::to_string(&links)) {
        let _ = s.set_item(KEY, &raw);
    }
}
