//! The links this browser was given as its own (the forward chain's child tokens).
//!
//! Opening a share mints a child token for the reader and puts it in the address bar.
//! When the same reader comes back — a reload, or the link from their chat history —
//! they must get the same child, or their return would look like a forward.

use crate::api::{ApiResult, PublicApi, read_stored, write_stored};
use lianjie_core::api::OpenedShare;
use lianjie_core::link;

const KEY: &str = "lianjie.reader.links";
const MAX_LINKS: usize = 200;

/// What a card's own address is remembered under, beside the tokens of links: the
/// same reader opening `/c/{card}` again keeps their child.
pub fn card_key(card_id: &str) -> String {
    format!("{CARD_PREFIX}{card_id}")
}

/// No token holds a `:`, so a card's key is never taken for a link.
const CARD_PREFIX: &str = "card:";

/// (opened token, child token given to this browser), oldest first.
fn load() -> Vec<(String, String)> {
    read_stored(KEY).unwrap_or_default()
}

/// What to open for a token in the address bar: the token itself, or, for this
/// browser's own child link, its parent; and the child to keep, if there is one.
pub fn resolve(token: &str) -> (String, Option<String>) {
    let links = load();
    // The child's parent link, not the card's address it was also kept under.
    if let Some((parent, child)) = links
        .iter()
        .find(|(parent, child)| child == token && !parent.starts_with(CARD_PREFIX))
    {
        return (parent.clone(), Some(child.clone()));
    }
    let own = links
        .into_iter()
        .find(|(parent, _)| parent == token)
        .map(|(_, child)| child);
    (token.to_owned(), own)
}

const LEADS_KEY: &str = "lianjie.reader.leads";

/// Whether this browser already left details on its own link `child`, so it is not
/// asked again.
pub fn lead_left(child: &str) -> bool {
    read_stored::<Vec<String>>(LEADS_KEY).is_some_and(|list| list.iter().any(|c| c == child))
}

pub fn remember_lead(child: &str) {
    let mut list: Vec<String> = read_stored(LEADS_KEY).unwrap_or_default();
    if !list.iter().any(|c| c == child) {
        list.push(child.to_owned());
        if list.len() > MAX_LINKS {
            list.drain(..list.len() - MAX_LINKS);
        }
        write_stored(LEADS_KEY, &list);
    }
}

pub fn remember(token: &str, child: &str) {
    let mut links = load();
    links.retain(|(parent, _)| parent != token);
    links.push((token.to_owned(), child.to_owned()));
    if links.len() > MAX_LINKS {
        links.drain(..links.len() - MAX_LINKS);
    }
    write_stored(KEY, &links);
}

/// Opens the view of a card (its own address, `/c/{card_id}`) or of a link
/// (`/s/{token}`) for this browser's reader: their own link is kept rather than
/// re-minted, remembered, and put in the address bar.
pub async fn open_view<A: PublicApi + ?Sized>(
    api: &A,
    page: Opening,
    id: String,
) -> ApiResult<OpenedShare> {
    let opened = match page {
        Opening::Card => {
            let key = card_key(&id);
            let (_, own_child) = resolve(&key);
            let opened = api.open_card(id, own_child).await?;
            remember(&key, &opened.child_token);
            opened
        }
        Opening::Share => {
            let (token, own_child) = resolve(&id);
            api.open_share(token, own_child).await?
        }
    };
    remember(&opened.share.token, &opened.child_token);
    forward_as_this_reader(&opened.child_token);
    Ok(opened)
}

/// What [`open_view`] opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opening {
    Card,
    Share,
}

/// Puts the reader's own child token in the address, so a forward from the chat
/// app's menu attributes the next reader to this one (the share chain). The thanks
/// for details just posted (`lead=sent`) is this reader's, so it is not forwarded.
fn forward_as_this_reader(child_token: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let search = window.location().search().unwrap_or_default();
    let kept: Vec<&str> = search
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| !pair.is_empty() && !pair.starts_with("lead="))
        .collect();
    let query = match kept.is_empty() {
        true => String::new(),
        false => format!("?{}", kept.join("&")),
    };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("{}{query}", link::path(&["s", child_token]))),
        );
    }
}
