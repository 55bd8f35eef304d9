//! The demo grown to thousands of conversations, to try and measure the inbox at scale.

use super::inbox::{SEED_CONVERSATIONS, add_conversation};
use super::people::add_contacts;
use super::rng::Lcg;
use super::{CUSTOMERS, POOL_CUSTOMERS, seed};
use crate::channel::Channel;
use crate::store::Db;
use chrono::{DateTime, Utc};

/// The largest demo a reset may ask for, in conversations.
pub const MAX_SCALE: usize = 20_000;
/// Messages in each conversation a scaled demo adds: 10,000 conversations make
/// 100,000 messages.
pub const SCALE_MESSAGES: usize = 10;

/// What "reset demo data" restores: the seed, or the seed grown to `conversations`
/// (at most [`MAX_SCALE`]).
pub fn reset(now: DateTime<Utc>, conversations: Option<usize>) -> Db {
    match conversations {
        Some(n) => at_scale(now, n.min(MAX_SCALE), SCALE_MESSAGES),
        None => seed(now),
    }
}

/// The demo data grown to `conversations` conversations in all, each new one with its
/// own contact and `messages_each` messages (at least 2), to try and measure the inbox
/// at scale. The added records are written as they stand: thousands of them through
/// the operations (each looks its customer up among all the others) would take far
/// too long in a browser.
pub fn at_scale(now: DateTime<Utc>, conversations: usize, messages_each: usize) -> Db {
    let mut db = seed(now);
    let mut rng = Lcg(10_000);
    let more = conversations.saturating_sub(db.conversations.len());
    // After the seed's customers and those waiting in its pool.
    let first = CUSTOMERS + POOL_CUSTOMERS;
    add_contacts(&mut db, &mut rng, first..first + more, true, now);
    for n in 0..more {
        let k = first + n;
        // The contact's own channel, as add_contacts chose it.
        let channel = Channel::ALL[k % Channel::ALL.len()];
        let contact_id = format!("k-{k:03}");
        let intent = db.contacts.get(&contact_id).map_or(0, |c| c.intent);
        add_conversation(
            &mut db,
            &mut rng,
            SEED_CONVERSATIONS + n,
            contact_id,
            intent,
            channel,
            Some(messages_each.max(2)),
            now,
        );
    }
    // The seed's operations built the lookups; what was added here went past them.
    db.forget_lookups();
    db
}
