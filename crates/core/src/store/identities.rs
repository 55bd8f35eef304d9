//! Identities a platform says join or leave a customer: a WeCom external contact
//! added through a "contact me" code made for a known customer joins them; one
//! who removes staff leaves, so replies there say they cannot reach anyone. A
//! platform's word never moves an identity from one customer to another (staff
//! merge customers); one that left and comes back returns to the same customer.

use super::*;

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
        let live = |c: &&Contact| c.merged.is_none();
        let mut live = self.contacts.values().filter(live);
        if let Some(c) = live.clone().find(|c| c.identities.contains(identity)) {
            return Some((c.id.clone(), false));
        }
        live.find(|c| c.left.contains(identity))
            .map(|c| (c.id.clone(), true))
    }

    fn rejoin(&mut self, contact_id: &str, identity: &Identity) {
        if let Some(c) = self.contacts.get_mut(contact_id) {
            c.left.retain(|i| i != identity);
            if !c.identities.contains(identity) {
                c.identities.push(identity.clone());
            }
            self.touch(Change::Contact(contact_id.to_owned()));
        }
    }

    /// A platform names customer `into` as the one `identity` reaches. It joins
    /// them unless a live customer already has it; whether it joined.
    pub fn join_identity(&mut self, identity: &Identity, into: &str) -> bool {
        let holds = |c: &Contact| c.merged.is_none() && c.identities.contains(identity);
        if self.contacts.values().any(holds)
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
        let c = self
            .contacts
            .values_mut()
            .find(|c| c.merged.is_none() && c.identities.contains(identity))?;
        c.identities.retain(|i| i != identity);
        if !c.left.contains(identity) {
            c.left.push(identity.clone());
        }
        let id = c.id.clone();
        self.touch(Change::Contact(id.clone()));
        Some(id)
    }
}
