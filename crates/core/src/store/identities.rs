//! Identities a platform says join or leave a customer: a WeCom external contact
//! added through a "contact me" code made for a known customer joins them; one
//! who removes staff leaves, so replies there say they cannot reach anyone. A
//! platform's word never moves an identity from one customer to another (staff
//! merge customers); one that left and comes back returns to the same customer.
//! Customers are found by their handles, and by their phone, WeChat ID or email,
//! through the lookups (`Index::reached`), not by walking every one.

use super::*;
use crate::contact::handle_key;

/// Where [`Index::reached`] lists the contacts reached by `key` on `channel`, a key as
/// it compares ([`handle_key`]): XXH3 as the tallies name their keys
/// ([`crate::analytics::key_hash`]), seeded by the channel (keys that collide list
/// each other's contacts, which readers check).
fn reach_hash(channel: Channel, key: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64_with_seed(key.as_bytes(), channel as u64)
}

/// Where [`Index::reached`] lists the contacts holding or having left `identity`.
fn identity_hash(identity: &Identity) -> u64 {
    let key = handle_key(identity.channel, &identity.handle);
    // A handle that compares as nothing (an SMS handle without digits) still
    // reaches whoever holds it: listed as it is.
    let key = if key.is_empty() {
        &identity.handle
    } else {
        &key
    };
    reach_hash(identity.channel, key)
}

/// Every key [`Index::reached`] lists contact `c` under: its phone, WeChat ID and
/// email as they compare ([`Contact::reach`]), and its handles held or left.
pub(super) fn reach_keys(c: &Contact) -> impl Iterator<Item = u64> + '_ {
    let fields = (c.reach().into_iter()).map(|(channel, key)| reach_hash(channel, &key));
    fields.chain(c.identities.iter().chain(&c.left).map(identity_hash))
}

impl Index {
    /// Lists contact `c` under every way it is reached.
    pub(super) fn list_reach(&mut self, c: &Contact) {
        for key in reach_keys(c) {
            self.reached.entry(key).or_default().insert(&c.id);
        }
    }
}

impl Db {
    /// The live customer `identity` reaches: the one holding it, or the one it left
    /// (it rejoins them, so a customer who comes back keeps their story).
    pub(super) fn holder_of(&mut self, identity: &Identity) -> Option<String> {
        let (id, back) = self.reached_by(identity)?;
        if back {
            self.rejoin(&id, identity);
        }
        Some(id)
    }

    /// The customer [`Db::holder_of`] finds, and whether `identity` comes back to
    /// them.
    pub(super) fn reached_by(&self, identity: &Identity) -> Option<(String, bool)> {
        if let Some(c) = self.holding(identity) {
            return Some((c.id.clone(), false));
        }
        self.listed_under(identity)
            .find(|c| c.left.contains(identity))
            .map(|c| (c.id.clone(), true))
    }

    /// The live customer holding `identity`, if any: the first by id.
    pub fn holding(&self, identity: &Identity) -> Option<&Contact> {
        self.listed_under(identity)
            .find(|c| c.identities.contains(identity))
    }

    /// The live contacts the lookups list under `identity`, by id: all that hold it
    /// or left it, and perhaps some others (see `Index::reached`).
    fn listed_under(&self, identity: &Identity) -> impl Iterator<Item = &Contact> {
        self.listed([identity_hash(identity)])
            .filter(|c| c.merged.is_none())
    }

    /// The contacts the lookups list under any of the phone, WeChat ID and email of
    /// `c` (and some others): those [`Contact::same_reach`] may find.
    pub(super) fn reached_like(&self, c: &Contact) -> impl Iterator<Item = &Contact> {
        let keys = c.reach().into_iter();
        self.listed(keys.map(|(channel, key)| reach_hash(channel, &key)))
    }

    /// The contacts the lookups list under any of `keys`, each once, by id.
    fn listed(&self, keys: impl IntoIterator<Item = u64>) -> impl Iterator<Item = &Contact> {
        let ix = self.ix();
        let listed: BTreeSet<&str> = (keys.into_iter())
            .filter_map(|key| ix.reached.get(&key))
            .flat_map(IdList::iter)
            .collect();
        listed.into_iter().filter_map(|id| self.contacts.get(id))
    }

    fn rejoin(&mut self, contact_id: &str, identity: &Identity) {
        if let Some(c) = self.contacts.get_mut(contact_id) {
            c.left.retain(|i| i != identity);
            if !c.identities.contains(identity) {
                c.identities.push(identity.clone());
            }
            self.note_contact(contact_id);
            self.touch(Change::Contact(contact_id.to_owned()));
        }
    }

    /// A platform names customer `into` as the one `identity` reaches. It joins
    /// them unless a live customer already has it; whether it joined.
    pub fn join_identity(&mut self, identity: &Identity, into: &str) -> bool {
        if self.holding(identity).is_some()
            || self.contacts.get(into).is_none_or(|c| c.merged.is_some())
        {
            return false;
        }
        self.rejoin(into, identity);
        true
    }

    /// A platform says `identity` no longer reaches its customer: it leaves their
    /// identities (remembered, for a return). The customer it left.
    pub fn leave_identity(&mut self, identity: &Identity) -> Option<String> {
        let id = self.holding(identity)?.id.clone();
        if let Some(c) = self.contacts.get_mut(&id) {
            c.identities.retain(|i| i != identity);
            if !c.left.contains(identity) {
                c.left.push(identity.clone());
            }
        }
        self.touch(Change::Contact(id.clone()));
        Some(id)
    }
}
