//! Identities a platform says join or leave a customer: a WeCom external contact
//! added through a "contact me" code made for a known customer joins them; one
//! who removes staff leaves, so replies there say they cannot reach anyone. A
//! platform's word never moves an identity from one customer to another (staff
//! merge customers); one that left and comes back returns to the same customer.
//! Customers are found by their handles, and by their phone, WeChat ID or email,
//! through the lookups (`Index::reached`), not by walking every one.

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
        if let Some(c) = self.holding(identity) {
            return Some((c.id.clone(), false));
        }
        self.listed_under(identity)
            .find(|c| c.left.contains(identity))
            .map(|c| (c.id.clone(), true))
    }

    /// The live customer holding `identity`, if any: the first by id.
    fn holding(&self, identity: &Identity) -> Option<&Contact> {
        self.listed_under(identity)
            .find(|c| c.identities.contains(identity))
    }

    /// The live contacts the lookups list under `identity`, by id: all that hold it
    /// or left it, and perhaps some others (see `Index::reached`).
    fn listed_under(&self, identity: &Identity) -> impl Iterator<Item = &Contact> {
        self.reached_through([(identity.channel, identity.handle.as_str())])
            .filter(|c| c.merged.is_none())
    }

    /// The contacts the lookups list under any of `handles`, each once, by id.
    pub(super) fn reached_through<'a>(
        &self,
        handles: impl IntoIterator<Item = (Channel, &'a str)>,
    ) -> impl Iterator<Item = &Contact> {
        let ix = self.ix();
        let listed: BTreeSet<&str> = (handles.into_iter())
            .filter_map(|(channel, handle)| ix.reached.get(&reach_key(channel, handle)))
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
