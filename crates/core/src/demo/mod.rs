//! Realistic bilingual demo data, the same for the in-browser backend and the
//! reference server's first start. Deterministic: the same `now` gives the same data,
//! so tests can name what they expect to find.
//!
//! The fixed records (the organization and its staff, cards, content, customers and
//! the inbox as it stands) are written as they are; thirty days of history before
//! `now` are then made through the store's own operations, as the product would have
//! made them ([`story`]): links shared and read, forwarded, details left, messages
//! and replies. So every figure the staff see on first start is one the product
//! computed from what happened.

mod acts;
mod content;
mod deals;
mod east_china;
mod inbox;
mod other_org;
mod people;
mod rng;
mod scale;
mod south_china;
mod story;

pub use other_org::other_org;
pub use scale::{MAX_SCALE, SCALE_MESSAGES, at_scale, reset};

use crate::store::Db;
use chrono::{DateTime, Utc};
use rng::Lcg;

/// The demo organization's id: what the in-browser backend holds and the reference
/// server seeds first.
pub const ORG: &str = "lianjie";

/// The seed's customers `k-000` to `k-049`, owned by the reps in turn.
const CUSTOMERS: usize = 50;

/// Customers waiting in the public pool, `k-050` on.
pub(super) const POOL_CUSTOMERS: usize = 8;

/// Every contact the seed holds (none merged): the customers, those waiting in the
/// pool, and those the story brings in (readers who left their details, web-chat
/// visitors).
pub const CONTACTS: usize = CUSTOMERS + POOL_CUSTOMERS + story::NEW_CONTACTS;

/// The demo organization: its staff, content, customers and inbox, with thirty days
/// of history before `now`.
pub fn seed(now: DateTime<Utc>) -> Db {
    let mut rng = Lcg(20_261_123);
    let mut db = Db::default();
    people::team(&mut db, now);
    for content in content::contents(now) {
        db.contents.insert(content.id.clone(), content);
    }
    people::add_contacts(&mut db, &mut rng, 0..CUSTOMERS, false, now);
    inbox::conversations(&mut db, &mut rng, now);
    db.canned = inbox::canned_replies();
    story::tell(&mut db, now);
    deals::open(&mut db, now);
    people::pool(
        &mut db,
        &mut rng,
        CUSTOMERS..CUSTOMERS + POOL_CUSTOMERS,
        now,
    );
    // The seed is the starting point, not a change to write again.
    db.take_changes();
    db
}

/// What a server's demo reset keeps of the team as it is now (`current`): the data
/// comes back as seeded, the people do not. Staff added since stay, with their cards;
/// seeded staff keep whether they are active, their role and their department, so a
/// reset never lets a deactivated person back in. Channel adapters' credentials stay
/// as they are.
pub fn keep_team(fresh: &mut Db, current: &Db) {
    for now in &current.users {
        match fresh.users.iter_mut().find(|u| u.id == now.id) {
            Some(seeded) => {
                seeded.active = now.active;
                seeded.role = now.role;
                seeded.department_id.clone_from(&now.department_id);
            }
            None => {
                fresh.users.push(now.clone());
                if let Some(card) = now.card_id.as_ref().and_then(|c| current.cards.get(c)) {
                    fresh.cards.insert(card.id.clone(), card.clone());
                }
            }
        }
    }
    for department in &current.org.departments {
        if fresh.org.department(&department.id).is_none() {
            fresh.org.departments.push(department.clone());
        }
    }
    // Adapters configured against this server keep working through a reset.
    fresh.channel_keys.clone_from(&current.channel_keys);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channel::Channel;
    use crate::people::Role;

    #[test]
    fn a_reset_keeps_the_team_as_it_is() {
        let now = chrono::Utc::now();
        let mut current = seed(now);
        if let Some(u) = current.users.iter_mut().find(|u| u.id == "u-wanglei") {
            u.active = false;
        }
        let mut added = current.users[0].clone();
        added.id = "u-added".into();
        added.email = "added@lianjie.example".into();
        added.card_id = None;
        current.users.push(added);
        let mut fresh = seed(now);
        keep_team(&mut fresh, &current);
        let find = |id: &str| fresh.users.iter().find(|u| u.id == id).cloned();
        assert_eq!(find("u-wanglei").map(|u| u.active), Some(false));
        assert!(find("u-added").is_some());
        assert_eq!(fresh.users.len(), current.users.len());
    }
    use std::collections::HashSet;

    fn now() -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_795_000_000, 0).unwrap()
    }

    #[test]
    fn at_scale_adds_conversations_with_their_own_contacts_and_messages() {
        let db = at_scale(now(), 1_000, 10);
        assert_eq!(db.conversations.len(), 1_000);
        let seeded = seed(now());
        let seeded_messages: usize = seeded.messages.values().map(Vec::len).sum();
        let messages: usize = db.messages.values().map(Vec::len).sum();
        assert_eq!(
            messages,
            seeded_messages + (1_000 - seeded.conversations.len()) * 10
        );
        for v in db.conversations.values() {
            assert!(db.contacts.contains_key(&v.contact_id), "{}", v.id);
            assert!(v.last_message_at < now(), "{} ends in the future", v.id);
            assert_eq!(v.last_preview, db.messages[&v.id].last().unwrap().body);
        }
        assert_eq!(db, at_scale(now(), 1_000, 10));
        // The lookups know the added records: each added customer's conversation is
        // theirs, and the dashboard counts what is unread.
        let admin = db.caller("u-admin").unwrap();
        for v in db
            .conversations
            .values()
            .filter(|v| !seeded.conversations.contains_key(&v.id))
        {
            assert_eq!(
                db.conversations_of(&admin, &v.contact_id).unwrap(),
                std::slice::from_ref(&v.id)
            );
        }
        let unread = db.conversations.values().filter(|v| v.unread > 0).count();
        assert_eq!(
            db.today(&admin, now()).unwrap().unread_conversations,
            unread
        );
    }

    #[test]
    fn seed_is_deterministic_and_large_enough() {
        let db = seed(now());
        assert_eq!(db, seed(now()));
        assert!(
            seed(now()).take_changes().is_empty(),
            "nothing left to write"
        );
        // Another moment tells the same story at other times: the same links, views,
        // contacts and messages.
        let later = seed(now() + chrono::Duration::minutes(7 * 60 + 13));
        let keys = |db: &Db| {
            (
                db.shares.keys().cloned().collect::<Vec<_>>(),
                db.sessions.keys().map(str::to_owned).collect::<Vec<_>>(),
                db.contacts.keys().cloned().collect::<Vec<_>>(),
                db.messages.values().map(Vec::len).collect::<Vec<_>>(),
            )
        };
        assert_eq!(keys(&later), keys(&db));
        assert!(db.users.iter().filter(|u| u.role == Role::Rep).count() >= 3);
        assert!(db.users.iter().any(|u| u.role == Role::Agent));
        assert_eq!(db.contacts.len(), CONTACTS);
        assert!(db.contents.len() >= 10);
        let kinds: HashSet<_> = db.contents.values().map(|c| c.kind).collect();
        assert_eq!(kinds.len(), 4, "every kind of content");
        let channels: HashSet<_> = db.conversations.values().map(|c| c.channel).collect();
        assert_eq!(
            channels.len(),
            Channel::ALL.len(),
            "conversations on every channel"
        );
    }

    #[test]
    fn seed_passes_its_own_validation_and_references_resolve() {
        let db = seed(now());
        for card in db.cards.values() {
            card.validate()
                .unwrap_or_else(|e| panic!("{}: {e:?}", card.id));
            for f in &card.featured {
                assert!(db.contents.contains_key(f), "{f}");
            }
        }
        for c in db.contents.values() {
            c.validate().unwrap_or_else(|e| panic!("{}: {e:?}", c.id));
        }
        for v in db.conversations.values() {
            assert!(db.contacts.contains_key(&v.contact_id));
            let msgs = &db.messages[&v.id];
            assert_eq!(msgs.last().unwrap().created_at, v.last_message_at);
        }
    }

    /// The browser makes the seed at first start: it must be quick. In release:
    /// `cargo test -p lianjie-core --release seed_time -- --nocapture`.
    #[test]
    fn seed_time() {
        let best = (0..5)
            .map(|_| {
                let start = std::time::Instant::now();
                std::hint::black_box(seed(now()));
                start.elapsed()
            })
            .min()
            .unwrap_or_default();
        let db = seed(now());
        let counted = db
            .sessions
            .values()
            .filter(|s| s.totals.is_counted())
            .count();
        println!(
            "seed: {best:?} ({} links, {} sessions of which {counted} counted, {} contacts, {} messages)",
            db.shares.len(),
            db.sessions.len(),
            db.contacts.len(),
            db.messages.values().map(Vec::len).sum::<usize>(),
        );
        // Generous for an unoptimised build on a busy machine; about 1 ms in release.
        assert!(best < std::time::Duration::from_millis(500), "{best:?}");
        assert!(db.sessions.len() <= 300, "a few hundred views at most");
    }
}
