//! Snapshots not yet acknowledged by the backend, kept in localStorage so going
//! offline, closing the tab or a crash loses at most the last save interval. Only the
//! newest snapshot of each session is kept: it carries the totals of all before it.

use crate::api::{read_stored, remove_stored, write_stored};
use lianjie_core::tracking::Snapshot;

const KEY: &str = "lianjie.track.outbox";
/// A browser that stays offline for weeks does not grow storage without end.
const MAX_SESSIONS: usize = 50;

fn load() -> Vec<Snapshot> {
    read_stored(KEY).unwrap_or_default()
}

fn store(list: &[Snapshot]) {
    if list.is_empty() {
        remove_stored(KEY);
    } else {
        write_stored(KEY, &list);
    }
}

/// Keeps `snapshot` until [`acked`], replacing an older one of its session.
pub fn put(snapshot: &Snapshot) {
    let mut list = load();
    match list
        .iter_mut()
        .find(|s| s.session_id == snapshot.session_id)
    {
        Some(mine) if mine.seq >= snapshot.seq => return,
        Some(mine) => *mine = snapshot.clone(),
        None => list.push(snapshot.clone()),
    }
    if list.len() > MAX_SESSIONS {
        list.drain(..list.len() - MAX_SESSIONS);
    }
    store(&list);
}

/// Everything waiting to be sent, oldest session first.
pub fn pending() -> Vec<Snapshot> {
    load()
}

/// The backend has `snapshot` (or refused it for good): drop it unless a newer one of
/// the same session was saved meanwhile.
pub fn acked(snapshot: &Snapshot) {
    let mut list = load();
    let before = list.len();
    list.retain(|s| !(s.session_id == snapshot.session_id && s.seq <= snapshot.seq));
    if list.len() != before {
        store(&list);
    }
}
