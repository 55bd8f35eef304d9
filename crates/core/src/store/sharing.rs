//! Sharing: links minted for a recipient, opened by readers (each reader's own
//! link, the view session issued per visit), the card's own address, featured items,
//! link previews, and the details a reader leaves (never written into a customer).

use super::*;
use crate::first_paint::{PageOf, PublicPage, Then};

impl Db {
    /// A rep's link to their card or to content, for one contact (in their scope) or
    /// for anyone.
    pub fn create_share(
        &mut self,
        caller: &Caller,
        new: NewShare,
        token: String,
        now: DateTime<Utc>,
    ) -> StoreResult<Share> {
        if !caller.may(Action::ShareLinks) {
            return Err(StoreError::Forbidden(Action::ShareLinks));
        }
        if let ShareTarget::Card(id) = &new.target
            && !caller.edits_card(&self.card(id)?.owner_id)
        {
            return Err(StoreError::Forbidden(Action::EditCard));
        }
        if let Some(c) = &new.contact_id {
            self.visible_contact(caller, c)?;
        }
        let rep_id = caller.user_id.clone();
        self.insert_share(new, &rep_id, token, now)
    }

    pub(super) fn insert_share(
        &mut self,
        new: NewShare,
        rep_id: &str,
        token: String,
        now: DateTime<Utc>,
    ) -> StoreResult<Share> {
        if !self.target_exists(&new.target) {
            return Err(StoreError::NotFound("share target"));
        }
        if let Some(c) = &new.contact_id
            && !self.contacts.contains_key(c)
        {
            return Err(StoreError::NotFound("contact"));
        }
        let share = Share {
            token: token.clone(),
            target: new.target,
            rep_id: rep_id.to_owned(),
            contact_id: new.contact_id,
            channel: new.channel,
            parent: None,
            lead_capture: new.lead_capture,
            created_at: now,
            via: None,
        };
        if let Some(ix) = self.index.get_mut() {
            ix.list_share(&share, true);
        }
        self.shares.insert(token.clone(), share.clone());
        self.touch(Change::Share(token));
        Ok(share)
    }

    /// What a customer page needs for `token`, minting `child_token` as this reader's
    /// own link (parent = `token`) for the forward chain. A reader coming back passes
    /// the child they were given before as `reuse`; it is kept if it really is a child
    /// of `token`, so a reload is not mistaken for a forward.
    ///
    /// Every open is a visit: it issues the view session `session_id` (unguessable,
    /// chosen by the backend), bound to `token` and the reader's own link. Only its
    /// snapshots are accepted ([`Db::record_snapshot`]); until they reach 2 s the
    /// session is not counted anywhere, so previewers and bots leave no trace.
    pub fn open_share(
        &mut self,
        token: &str,
        child_token: String,
        session_id: String,
        reuse: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<OpenedShare> {
        let share = self
            .shares
            .get(token)
            .ok_or(StoreError::NotFound("share"))?
            .clone();
        self.unused_session_id(&session_id)?;
        let (card, content, featured) = match self.page_of(&share)? {
            PublicPage::Card { card, featured } => (Some(card), None, featured),
            PublicPage::Content { content, card, .. } => (card, Some(content), Vec::new()),
        };
        let own = reuse.filter(|c| self.keeps_reader_link(token, c));
        let child_token = match own {
            Some(own) => own.to_owned(),
            None => self.mint_reader_link(&share, child_token, now),
        };
        let session = ViewSession::issue(
            session_id.clone(),
            share.token.clone(),
            child_token.clone(),
            now,
        );
        if let Some(ix) = self.index.get_mut() {
            ix.add_session(&session);
        }
        self.sessions.insert(session);
        self.touch(Change::Session(session_id.clone()));
        Ok(OpenedShare {
            share: PublicShare::from(&share),
            child_token,
            session_id,
            card,
            content,
            featured,
        })
    }

    /// A new reader's own link `child_token` under `share`, for the forward chain.
    fn mint_reader_link(
        &mut self,
        share: &Share,
        child_token: String,
        now: DateTime<Utc>,
    ) -> String {
        let child = Share {
            token: child_token.clone(),
            parent: Some(share.token.clone()),
            contact_id: None,
            channel: None,
            created_at: now,
            via: None,
            ..share.clone()
        };
        if let Some(ix) = self.index.get_mut() {
            ix.list_share(&child, true);
        }
        self.shares.insert(child_token.clone(), child);
        self.touch(Change::Share(child_token.clone()));
        child_token
    }

    /// Details a reader sends from the page itself before any script ran (the form's
    /// plain post): as opening would, a reader's own link `child_token` is minted under
    /// `token`, and the details are left on it ([`Db::capture_lead`]). No view is
    /// issued: nothing ran to measure one. Refused details change nothing.
    pub fn leave_details(
        &mut self,
        token: &str,
        child_token: String,
        details: LeadDetails,
        new_id: String,
        now: DateTime<Utc>,
    ) -> StoreResult<(String, Contact, Option<RadarItem>)> {
        details.validate()?;
        let share = self
            .shares
            .get(token)
            .ok_or(StoreError::NotFound("share"))?
            .clone();
        // Checked before the link is minted, so a refusal leaves nothing behind: the
        // page it is for is still there (as opening checks), and new ids are never
        // written over.
        self.page_of(&share)?;
        let mut taken = FieldErrors::default();
        if self.shares.contains_key(&child_token) {
            taken.check("token", Err(crate::validate::FieldProblem::Taken));
        }
        if self.contacts.contains_key(&new_id) {
            taken.check("id", Err(crate::validate::FieldProblem::Range));
        }
        taken.into_result()?;
        let child = self.mint_reader_link(&share, child_token, now);
        let (contact, item) = self.capture_lead(&child, details, new_id, now)?;
        Ok((child, contact, item))
    }

    /// What `share`'s page shows: its content with the sharer's card, or its card
    /// with the card's featured items.
    fn page_of(&self, share: &Share) -> StoreResult<PublicPage> {
        Ok(match &share.target {
            ShareTarget::Content(id) => PublicPage::Content {
                content: PublicContent::from(
                    self.contents
                        .get(id)
                        .ok_or(StoreError::NotFound("content"))?,
                ),
                card: self
                    .users
                    .iter()
                    .find(|u| u.id == share.rep_id)
                    .and_then(|u| u.card_id.as_deref())
                    .and_then(|id| self.cards.get(id))
                    .map(PublicCard::from),
                lead_capture: share.lead_capture,
            },
            ShareTarget::Card(id) => self.card_page(id)?,
        })
    }

    fn card_page(&self, card_id: &str) -> StoreResult<PublicPage> {
        let card = self.card(card_id)?;
        Ok(PublicPage::Card {
            card: PublicCard::from(card),
            featured: card
                .featured
                .iter()
                .filter_map(|id| self.contents.get(id))
                .map(FeaturedContent::from)
                .collect(),
        })
    }

    /// What a customer page shows before the reader opens it (the server's first
    /// paint): the page of the share `token`, or of card `card_id` on its own
    /// address. `then` may name one of a card's featured items (the link a reader
    /// followed before the app ran): that item is shown instead, as opening it will
    /// show it (with no lead form, like every featured item's link).
    pub fn public_page(&self, page: PageOf<'_>, then: Option<&Then>) -> Option<PublicPage> {
        let found = match page {
            PageOf::Share(token) => self.page_of(self.shares.get(token)?).map(|mut found| {
                // Asked once: a reader back on their own link reads it all.
                if let PublicPage::Content { lead_capture, .. } = &mut found
                    && self.lead_of_link(token).is_some()
                {
                    *lead_capture = LeadCapture::Off;
                }
                found
            }),
            PageOf::Card(id) => self.card_page(id),
        }
        .ok()?;
        match (found, then) {
            (PublicPage::Card { card, featured }, Some(Then::Content(id))) => {
                match featured.iter().any(|f| f.id == *id) {
                    true => Some(PublicPage::Content {
                        content: PublicContent::from(self.contents.get(id)?),
                        card: Some(card),
                        lead_capture: LeadCapture::Off,
                    }),
                    false => Some(PublicPage::Card { card, featured }),
                }
            }
            (found, _) => Some(found),
        }
    }

    /// The contact made from details a reader left on their own link `token`, if it
    /// is still the link's (a merge hands the link to the customer kept).
    fn lead_of_link(&self, token: &str) -> Option<&Contact> {
        let own = self.shares.get(token).filter(|s| s.parent.is_some())?;
        self.contacts
            .get(own.contact_id.as_deref()?)
            .filter(|c| c.merged.is_none() && c.lead_link.as_deref() == Some(token))
    }

    /// Refuses a session id already issued (the backends' random ids never are), so an
    /// open never replaces someone's view.
    pub(super) fn unused_session_id(&self, id: &str) -> StoreResult<()> {
        let mut errs = FieldErrors::default();
        if self.sessions.contains_key(id) {
            errs.check("session_id", Err(crate::validate::FieldProblem::Taken));
        }
        Ok(errs.into_result()?)
    }

    /// Whether opening `token` with `reuse` keeps that reader's own link (a returning
    /// reader) rather than minting a new one: `reuse` must be a child of `token`.
    pub fn keeps_reader_link(&self, token: &str, reuse: &str) -> bool {
        self.shares
            .get(reuse)
            .is_some_and(|c| c.parent.as_deref() == Some(token))
    }

    /// The rep's link `token` descends from through forwards (readers' own links):
    /// itself for a rep's link. Budgets on opening are kept per root, so walking down
    /// a chain of freshly minted links does not escape them.
    pub fn link_root(&self, token: &str) -> String {
        const MAX_DEPTH: usize = 64;
        let mut root = token;
        for _ in 0..MAX_DEPTH {
            match self.shares.get(root).and_then(|s| s.parent.as_deref()) {
                Some(parent) => root = parent,
                None => break,
            }
        }
        root.to_owned()
    }

    /// The link a card's public address (`/c/{card_id}`) opens, if it has one yet.
    pub fn card_link_of(&self, card_id: &str) -> Option<String> {
        let owner = &self.cards.get(card_id)?.owner_id;
        let key = target_key(&ShareTarget::Card(card_id.to_owned()));
        list(&self.ix().plain_by_target, &key)
            .iter()
            .filter_map(|t| self.shares.get(t))
            .filter(|s| s.rep_id == *owner)
            .min_by_key(|s| (s.created_at, s.token.clone()))
            .map(|s| s.token.clone())
    }

    /// The card's own public link (`/c/{card}`): the owner's earliest plain share of
    /// it, for no one in particular; made with `new_token` the first time.
    pub(super) fn card_link(
        &mut self,
        card_id: &str,
        new_token: String,
        now: DateTime<Utc>,
    ) -> StoreResult<String> {
        let owner = self.card(card_id)?.owner_id.clone();
        match self.card_link_of(card_id) {
            Some(token) => Ok(token),
            None => {
                let new = NewShare {
                    target: ShareTarget::Card(card_id.to_owned()),
                    contact_id: None,
                    channel: None,
                    lead_capture: LeadCapture::Off,
                };
                Ok(self.insert_share(new, &owner, new_token, now)?.token)
            }
        }
    }

    /// Opens a card from its public address, as [`Db::open_share`] does for a link:
    /// every open is a tracked view (issuing `session_id`) with the reader's own link
    /// for forwards. `new_tokens`: the card's link, if it has none yet, and the child.
    pub fn open_card(
        &mut self,
        card_id: &str,
        new_tokens: (String, String),
        session_id: String,
        reuse: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<OpenedShare> {
        let (link_token, child_token) = new_tokens;
        self.unused_session_id(&session_id)?;
        let link = self.card_link(card_id, link_token, now)?;
        self.open_share(&link, child_token, session_id, reuse, now)
    }

    /// The link through which a card's reader (`reader_token`, their own link on the
    /// card) opens one of its featured items: credited to the same rep and, when
    /// known, the same contact; the same reader gets the same link again.
    pub fn open_featured(
        &mut self,
        reader_token: &str,
        content_id: &str,
        new_token: String,
        now: DateTime<Utc>,
    ) -> StoreResult<Share> {
        let reader = self
            .shares
            .get(reader_token)
            .ok_or(StoreError::NotFound("share"))?;
        let ShareTarget::Card(card_id) = &reader.target else {
            return Err(StoreError::NotFound("card"));
        };
        if !self.card(card_id)?.featured.iter().any(|f| f == content_id)
            || !self.contents.contains_key(content_id)
        {
            return Err(StoreError::NotFound("content"));
        }
        let target = ShareTarget::Content(content_id.to_owned());
        if let Some(existing) = list(&self.ix().featured_by_reader, reader_token)
            .iter()
            .filter_map(|t| self.shares.get(t))
            .find(|s| s.target == target)
        {
            return Ok(existing.clone());
        }
        // A direct reader of a rep's link is that link's contact; a reader further
        // down the chain is known only if they left details on their own link.
        let parent = reader.parent.as_deref().and_then(|p| self.shares.get(p));
        let contact_id = match parent {
            Some(p) if p.parent.is_none() => reader.contact_id.clone().or(p.contact_id.clone()),
            _ => reader.contact_id.clone(),
        };
        let share = Share {
            token: new_token.clone(),
            target,
            rep_id: reader.rep_id.clone(),
            contact_id,
            channel: parent.and_then(|p| p.channel).or(reader.channel),
            parent: None,
            lead_capture: LeadCapture::Off,
            created_at: now,
            via: Some(reader_token.to_owned()),
        };
        if let Some(ix) = self.index.get_mut() {
            ix.list_share(&share, true);
        }
        self.shares.insert(new_token.clone(), share.clone());
        self.touch(Change::Share(new_token));
        Ok(share)
    }

    /// The contact who reads through `share`: its own contact, else nobody known.
    pub(super) fn reader_of(&self, share: &Share) -> Option<&Contact> {
        share
            .contact_id
            .as_deref()
            .and_then(|c| self.contacts.get(c))
    }

    /// Who read in `session` (opened through `share`): the contact who left their
    /// details on their own link (whoever opened a forwarded link named themselves),
    /// else the share's contact.
    pub(super) fn reader_of_session(
        &self,
        session: &ViewSession,
        share: &Share,
    ) -> Option<&Contact> {
        session
            .reader_token
            .as_deref()
            .filter(|own| *own != share.token)
            .and_then(|own| self.shares.get(own))
            .and_then(|own| self.reader_of(own))
            .or_else(|| self.reader_of(share))
    }

    /// A reader leaves their details on their own link (`reader_token`). The details
    /// never go into an existing customer (a forwarded link is opened by anyone, and
    /// anyone can type a customer's phone number): they make a contact of the link's
    /// own (`new_id`, the link's rep's), or update the one made when details were left
    /// on this same link before. When they match a live customer in the rep's scope
    /// by phone, WeChat ID or email, the contact names that customer as probably the
    /// same person, for the rep to merge ([`Db::merge_contacts`]) or dismiss
    /// ([`Db::not_same_person`]). Returns the contact and the reader's latest view,
    /// now named, for the radar.
    pub fn capture_lead(
        &mut self,
        reader_token: &str,
        details: LeadDetails,
        new_id: String,
        now: DateTime<Utc>,
    ) -> StoreResult<(Contact, Option<RadarItem>)> {
        details.validate()?;
        let own = self
            .shares
            .get(reader_token)
            .filter(|s| s.parent.is_some())
            .ok_or(StoreError::NotFound("share"))?
            .clone();
        let mut identities = Vec::new();
        for (channel, handle) in [
            (Channel::Sms, &details.phone),
            (Channel::Wechat, &details.wechat_id),
            (Channel::Email, &details.email),
        ] {
            if !handle.trim().is_empty() {
                identities.push(Identity {
                    channel,
                    handle: handle.trim().to_owned(),
                });
            }
        }
        let mine = self.lead_of_link(reader_token).map(|c| c.id.clone());
        let id = match mine {
            Some(id) => {
                if let Some(c) = self.contacts.get_mut(&id) {
                    c.name = details.name.trim().to_owned();
                    for (field, given) in [
                        (&mut c.phone, &details.phone),
                        (&mut c.wechat_id, &details.wechat_id),
                        (&mut c.email, &details.email),
                    ] {
                        if !given.trim().is_empty() {
                            *field = given.trim().to_owned();
                        }
                    }
                    for identity in identities {
                        if !c.identities.contains(&identity) {
                            c.identities.push(identity);
                        }
                    }
                    c.last_seen_at = c.last_seen_at.max(Some(now));
                }
                self.note_contact(&id);
                id
            }
            None => {
                if self.contacts.contains_key(&new_id) {
                    // Never written over, even when a "new" id is not.
                    let mut e = FieldErrors::default();
                    e.check("id", Err(crate::validate::FieldProblem::Range));
                    return Err(e.into());
                }
                let lead = Contact {
                    id: new_id.clone(),
                    stage: self.first_stage(),
                    name: details.name.trim().to_owned(),
                    company: String::new(),
                    phone: details.phone.trim().to_owned(),
                    email: details.email.trim().to_owned(),
                    wechat_id: details.wechat_id.trim().to_owned(),
                    identities,
                    owner_id: Some(own.rep_id.clone()),
                    interests: Default::default(),
                    intent: 0,
                    last_seen_at: Some(now),
                    created_at: now,
                    merged: None,
                    lead_link: Some(reader_token.to_owned()),
                    probably_same_as: None,
                    not_same_as: Vec::new(),
                    ..Default::default()
                };
                self.contacts.insert(new_id.clone(), lead);
                self.note_contact(&new_id);
                new_id
            }
        };
        let same = self
            .contacts
            .get(&id)
            .and_then(|c| self.same_person_in_scope(c));
        if let Some(c) = self.contacts.get_mut(&id) {
            c.probably_same_as = same;
        }
        let before = self.give_link(reader_token, &id);
        if own.contact_id.as_deref() != Some(id.as_str()) {
            self.touch(Change::Share(reader_token.to_owned()));
        }
        self.touch(Change::Contact(id.clone()));
        self.refresh_contact(&id, now);
        if let Some(old) = &before {
            // The link's views are no longer theirs.
            self.refresh_contact(old, now);
        }
        // The reader's latest counted view (an open that has not counted yet has no
        // radar line to name).
        let latest = list(&self.ix().sessions_by_reader, reader_token)
            .iter()
            .filter_map(|s| self.sessions.get(s))
            .filter(|s| s.totals.is_counted())
            .max_by_key(|s| s.last_seen_at)
            .map(|s| s.id.clone());
        let item = latest.and_then(|s| self.radar_item(&s));
        Ok((self.contact(&id)?.clone(), item))
    }

    /// A live customer in the scope of `lead`'s owner (as [`Caller`] rules it)
    /// reached the same way as `lead` (phone, WeChat ID or email) and not dismissed
    /// for it: one the owner may merge with first, then the longest known.
    pub(super) fn same_person_in_scope(&self, lead: &Contact) -> Option<String> {
        let owner = lead.owner_id.as_deref()?;
        let caller = self.caller(owner).ok()?;
        self.reached_like(lead)
            .filter(|c| {
                c.id != lead.id
                    && c.merged.is_none()
                    && !lead.not_same_as.contains(&c.id)
                    && c.same_reach(lead)
                    && self.sees_contact(&caller, c)
            })
            .min_by_key(|c| {
                (
                    !caller.merges(Some(owner), c.owner_id.as_deref()),
                    c.created_at,
                    c.id.as_str(),
                )
            })
            .map(|c| c.id.clone())
    }

    /// The customer `c` is probably the same person as, while that one is live.
    pub(super) fn probably_same_as(&self, c: &Contact) -> Option<&Contact> {
        let same = self.contacts.get(c.probably_same_as.as_deref()?)?;
        (same.merged.is_none() && same.id != c.id).then_some(same)
    }

    /// The link preview of a card: the rep's name and role, their intro, their photo.
    pub fn card_preview(&self, card_id: &str) -> Option<LinkPreview> {
        let card = self.cards.get(card_id)?;
        let role = card.role();
        Some(LinkPreview {
            title: if role.is_empty() {
                card.name.clone()
            } else {
                format!("{} | {role}", card.name)
            },
            description: card.intro.clone(),
            image: card.avatar_url.clone(),
        })
    }

    /// The link preview of a share: its content (title, summary, cover) or card.
    pub fn share_preview(&self, token: &str) -> Option<LinkPreview> {
        match &self.shares.get(token)?.target {
            ShareTarget::Card(id) => self.card_preview(id),
            ShareTarget::Content(id) => self.contents.get(id).map(|c| LinkPreview {
                title: c.title.clone(),
                description: c.summary.clone(),
                image: c.cover_url.clone(),
            }),
        }
    }

    /// The reader of the share this one was forwarded from.
    pub(super) fn forwarder_of(&self, share: &Share) -> Option<&Contact> {
        share
            .parent
            .as_deref()
            .and_then(|p| self.shares.get(p))
            .and_then(|p| self.reader_of(p))
    }
}
