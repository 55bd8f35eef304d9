//! Thirty days of history before `now`, made through the store's own operations as
//! the product would have made them: reps share their cards and content with named
//! customers, readers open the links at the times people read (working hours and
//! evenings, China time), for a while, section by section, and come back; links are
//! forwarded two and three readers deep, readers leave their details, customers write
//! and reps answer. Link previewers open links too and, under 2 s, count nowhere.
//!
//! Nothing here writes a figure: every count, score and interest the staff see is
//! what the store made of these events. The script is in [`super::acts`]; this is
//! what it is told with.

use super::rng::Rng;
use crate::api::{ConversationUpdate, InboundMessage, NewMessage, NewShare, OpenedShare};
use crate::channel::Channel;
use crate::content::BlockBody;
use crate::inbox::ConversationStatus;
use crate::share::{LeadCapture, LeadDetails, ShareTarget};
use crate::store::{Db, StoreResult};
use crate::tracking::{Snapshot, ViewAction, ViewTotals};
use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeMap;

/// Contacts the story brings in: the readers who leave their details and the
/// web-chat visitors (see [`super::acts`]; a test holds the two to each other).
pub(super) const NEW_CONTACTS: usize = super::acts::LEADS.len() + super::acts::VISITORS.len();

/// China Standard Time (UTC+8, no daylight saving), where the demo's people read.
const CHINA_OFFSET_S: i64 = 8 * 3600;

/// Makes the history into `db`, which holds the fixed records, and brings every
/// contact's intent to what it is at `now`.
pub(super) fn tell(db: &mut Db, now: DateTime<Utc>) {
    let mut story = Story::new(db, now);
    super::acts::play(&mut story);
    story.db.refresh_intents(now);
}

/// What the script does things with: the data, the clock and the dice.
pub(super) struct Story<'a> {
    pub(super) db: &'a mut Db,
    now: DateTime<Utc>,
    rng: Rng,
    /// Midnight today, China time.
    today: DateTime<Utc>,
}

/// A page someone opened: the link, the reader's own link (forward it, or come back
/// with it) and the view session the open issued.
#[derive(Clone, Debug)]
pub(super) struct Opened {
    pub(super) link: String,
    pub(super) own: String,
    session: String,
    target: ShareTarget,
}

/// How someone reads a page: for about `secs` seconds, down to `scroll` percent,
/// lingering on the sections tagged `focus`, doing `actions`.
#[derive(Clone, Copy, Debug)]
pub(super) struct Read {
    pub(super) secs: u64,
    pub(super) scroll: u8,
    pub(super) focus: Option<&'static str>,
    pub(super) actions: &'static [ViewAction],
}

/// A read of `secs` seconds to `scroll` percent, lingering on `focus` ("" for none).
pub(super) fn read(secs: u64, scroll: u8, focus: &'static str) -> Read {
    Read {
        secs,
        scroll,
        focus: (!focus.is_empty()).then_some(focus),
        actions: &[],
    }
}

impl Read {
    pub(super) fn doing(self, actions: &'static [ViewAction]) -> Read {
        Read { actions, ..self }
    }
}

/// The operations are the product's own; one failing here is a mistake in the script
/// (the tests run every line of it), and the demo goes on without that step.
fn done<T>(result: StoreResult<T>) -> Option<T> {
    debug_assert!(
        result.is_ok(),
        "the story broke a rule: {:?}",
        result.as_ref().err()
    );
    result.ok()
}

pub(super) fn card(id: &str) -> ShareTarget {
    ShareTarget::Card(id.into())
}

pub(super) fn content(id: &str) -> ShareTarget {
    ShareTarget::Content(id.into())
}

impl<'a> Story<'a> {
    fn new(db: &'a mut Db, now: DateTime<Utc>) -> Story<'a> {
        let local = now.timestamp() + CHINA_OFFSET_S;
        let midnight = local - local.rem_euclid(86_400) - CHINA_OFFSET_S;
        Story {
            db,
            now,
            rng: Rng::new(0x6c69_616e_6a69_6531),
            today: DateTime::from_timestamp(midnight, 0).unwrap_or(now),
        }
    }

    // --- The clock ---

    /// `hh:mm` China time, `days_ago` days before today (at least 1: today's hours
    /// may not have come yet).
    pub(super) fn day(&self, days_ago: i64, hh: i64, mm: i64) -> DateTime<Utc> {
        debug_assert!(days_ago >= 1 && (0..24).contains(&hh) && (0..60).contains(&mm));
        self.today - Duration::days(days_ago) + Duration::minutes(hh * 60 + mm)
    }

    /// `minutes` before now.
    pub(super) fn ago(&self, minutes: i64) -> DateTime<Utc> {
        self.now - Duration::minutes(minutes)
    }

    /// `lo` to `hi` minutes after `at`, and before now.
    pub(super) fn after(&mut self, at: DateTime<Utc>, lo: u64, hi: u64) -> DateTime<Utc> {
        let later = at + Duration::minutes(self.rng.between(lo, hi) as i64);
        later.min(self.now - Duration::minutes(2)).max(at)
    }

    /// A time people read at on the day `days_ago` days back: in working hours,
    /// or in the evening.
    pub(super) fn reading_time(&mut self, days_ago: i64) -> DateTime<Utc> {
        let (from, to) = *self.rng.pick(&[
            (9 * 60 + 5, 11 * 60 + 50),
            (13 * 60 + 30, 18 * 60 + 20),
            (13 * 60 + 30, 18 * 60 + 20),
            (19 * 60 + 40, 23 * 60),
        ]);
        let minute = self.rng.between(from, to) as i64;
        self.day(days_ago, minute / 60, minute % 60)
    }

    pub(super) fn dice(&mut self) -> &mut Rng {
        &mut self.rng
    }

    // --- Links and readers ---

    /// `staff` shares `target` with `contact` (or anyone) over `channel`.
    pub(super) fn share(
        &mut self,
        staff: &str,
        target: ShareTarget,
        contact: Option<&str>,
        channel: Channel,
        capture: LeadCapture,
        at: DateTime<Utc>,
    ) -> String {
        let token = self.rng.token();
        let new = NewShare {
            target,
            contact_id: contact.map(Into::into),
            channel: Some(channel),
            lead_capture: capture,
        };
        let made = self
            .db
            .caller(staff)
            .and_then(|caller| self.db.create_share(&caller, new, token.clone(), at));
        done(made);
        token
    }

    /// Someone opens `link` (coming back with their own link `again`, if they
    /// have one) and reads it as `how`.
    pub(super) fn visit(
        &mut self,
        link: &str,
        again: Option<&str>,
        at: DateTime<Utc>,
        how: Read,
    ) -> Opened {
        let opened = self.open(link, again, at);
        self.read(&opened, at, how);
        opened
    }

    /// A card's public address (its QR code) opened and read.
    pub(super) fn visit_card(&mut self, card_id: &str, at: DateTime<Utc>, how: Read) -> Opened {
        let tokens = (self.rng.token(), self.rng.token());
        let session = self.rng.token();
        let opened = self.db.open_card(card_id, tokens, session, None, at);
        let opened = self.opened(done(opened), card_id);
        self.read(&opened, at, how);
        opened
    }

    /// A card's reader (`card_reader`: their own link on it) opens one of its
    /// featured items, and reads it.
    pub(super) fn featured(
        &mut self,
        card_reader: &Opened,
        content_id: &str,
        at: DateTime<Utc>,
        how: Read,
    ) -> Opened {
        let token = self.rng.token();
        let share = self
            .db
            .open_featured(&card_reader.own, content_id, token.clone(), at);
        done(share);
        self.visit(&token, None, at, how)
    }

    /// A chat app's link previewer (or a bot) fetching the page: an open, and a
    /// moment of it reported, which counts nowhere.
    pub(super) fn previewer(&mut self, link: &str, at: DateTime<Utc>) {
        let opened = self.open(link, None, at);
        let ms = self.rng.between(300, 1_500);
        let totals = ViewTotals {
            visible_ms: ms,
            ..ViewTotals::default()
        };
        self.report(&opened, 1, totals, at + Duration::milliseconds(ms as i64));
    }

    /// A reader leaves their details on their own link: a lead of the link's rep.
    pub(super) fn leave_details(
        &mut self,
        reader: &Opened,
        id: &str,
        details: LeadDetails,
        at: DateTime<Utc>,
    ) {
        done(self.db.capture_lead(&reader.own, details, id.into(), at));
    }

    fn open(&mut self, link: &str, again: Option<&str>, at: DateTime<Utc>) -> Opened {
        let (child, session) = (self.rng.token(), self.rng.token());
        let opened = self.db.open_share(link, child, session, again, at);
        self.opened(done(opened), link)
    }

    fn opened(&mut self, opened: Option<OpenedShare>, fallback: &str) -> Opened {
        match opened {
            Some(o) => Opened {
                target: self
                    .db
                    .shares
                    .get(&o.share.token)
                    .map(|s| s.target.clone())
                    .unwrap_or_else(|| card(fallback)),
                link: o.share.token,
                own: o.child_token,
                session: o.session_id,
            },
            None => Opened {
                link: fallback.into(),
                own: String::new(),
                session: String::new(),
                target: card(fallback),
            },
        }
    }

    /// The page's tracker at work: what the reader did, reported halfway and at the
    /// end, as the page sends it.
    fn read(&mut self, opened: &Opened, at: DateTime<Utc>, how: Read) {
        let secs = how.secs * self.rng.between(90, 110) / 100;
        let total = self.totals(&opened.target, Read { secs, ..how });
        let half = ViewTotals {
            visible_ms: total.visible_ms / 2,
            max_scroll_pct: total.max_scroll_pct / 2,
            video_ms: total.video_ms / 2,
            sections: total
                .sections
                .iter()
                .map(|(id, ms)| (id.to_owned(), ms / 2))
                .collect(),
            actions: Default::default(),
        };
        let end = at + Duration::seconds(secs as i64 + 3);
        self.report(opened, 1, half, at + Duration::seconds(secs as i64 / 2 + 1));
        self.report(opened, 2, total, end);
    }

    fn report(&mut self, opened: &Opened, seq: u32, totals: ViewTotals, at: DateTime<Utc>) {
        let snapshot = Snapshot {
            session_id: opened.session.clone(),
            share_token: opened.link.clone(),
            seq,
            totals,
            reader_token: Some(opened.own.clone()),
        };
        done(self.db.record_snapshot(&snapshot, at.min(self.now)));
    }

    /// What the reading clock would have added up: time spread over the sections
    /// scrolled past, most on the ones tagged `focus`; a video's time on the video.
    fn totals(&mut self, target: &ShareTarget, how: Read) -> ViewTotals {
        let visible_ms = how.secs * 1_000;
        let mut totals = ViewTotals {
            visible_ms,
            max_scroll_pct: how.scroll.min(100),
            actions: how.actions.iter().copied().collect(),
            ..ViewTotals::default()
        };
        let ShareTarget::Content(id) = target else {
            return totals;
        };
        let Some(content) = self.db.contents.get(id) else {
            return totals;
        };
        let blocks = &content.blocks;
        let seen = (blocks.len() * usize::from(totals.max_scroll_pct))
            .div_ceil(100)
            .clamp(1, blocks.len().max(1));
        let mut left = visible_ms * 85 / 100;
        let mut weights = BTreeMap::new();
        for block in blocks.iter().take(seen) {
            let weight = match &block.body {
                BlockBody::Video { duration_s, .. } => {
                    let watched = left.min(u64::from(*duration_s) * 1_000);
                    totals.video_ms = watched;
                    totals.sections.insert(&block.id, watched);
                    left -= watched;
                    continue;
                }
                BlockBody::Heading { .. } | BlockBody::Cta { .. } => 1,
                _ => 4,
            };
            // Most on what the section is about (its first tag), more on what it touches.
            let liking = match how.focus {
                Some(f) if block.tags.first().is_some_and(|t| t == f) => 5,
                Some(f) if block.tags.iter().any(|t| t == f) => 2,
                _ => 1,
            };
            weights.insert(block.id.clone(), weight * liking);
        }
        let sum: u64 = weights.values().sum();
        for (id, weight) in weights {
            let jitter = self.rng.between(85, 115);
            let ms = (left * weight / sum.max(1) * jitter / 100).min(left);
            if ms > 0 {
                totals.sections.insert(&id, ms);
            }
        }
        totals
    }

    // --- Conversations ---

    /// A customer writes on the channel they are known on (`contact`'s first
    /// identity); a new conversation is `conversation`.
    pub(super) fn says(
        &mut self,
        contact: &str,
        conversation: &str,
        body: &str,
        at: DateTime<Utc>,
    ) {
        let Some(c) = self.db.contacts.get(contact) else {
            debug_assert!(false, "no contact {contact}");
            return;
        };
        let (identity, name) = (c.identities[0].clone(), c.name.clone());
        let msg = self.message(&identity.handle, &name, conversation, body);
        let ids = self.ids(contact, conversation);
        if let Some((v, _)) = done(self.db.inbound(identity.channel, msg, ids, at)) {
            debug_assert_eq!(
                v.id, conversation,
                "{contact} writes in another conversation"
            );
        }
    }

    /// A reader writes from the page they opened (`link`, as the page's chat does)
    /// as web-chat visitor `visitor`, who is `contact` once known.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn chats(
        &mut self,
        link: &str,
        visitor: &str,
        name: &str,
        contact: &str,
        conversation: &str,
        body: &str,
        at: DateTime<Utc>,
    ) {
        let handle = format!("visitor-{visitor}");
        let msg = self.message(&handle, name, conversation, body);
        let ids = self.ids(contact, conversation);
        if let Some((v, _)) = done(self.db.web_chat(link, msg, ids, at)) {
            debug_assert_eq!(
                (v.id.as_str(), v.contact_id.as_str()),
                (conversation, contact)
            );
        }
    }

    /// `staff` answers in `conversation`.
    pub(super) fn answers(
        &mut self,
        staff: &str,
        conversation: &str,
        body: &str,
        at: DateTime<Utc>,
    ) {
        let n = self.db.messages.get(conversation).map_or(0, Vec::len);
        let new = NewMessage {
            body: body.into(),
            attachments: Vec::new(),
            note: false,
            idempotency_key: format!("story-{conversation}-{n}"),
        };
        let sent = self.db.caller(staff).and_then(|caller| {
            self.db.send_message(
                &caller,
                conversation,
                new,
                format!("{conversation}-m{n}"),
                at,
            )
        });
        done(sent);
    }

    /// `staff` takes `conversation` on (assigns it to themselves, reads it).
    pub(super) fn takes(&mut self, staff: &str, conversation: &str, at: DateTime<Utc>) {
        self.handles(
            staff,
            conversation,
            ConversationUpdate {
                assignee_id: Some(Some(staff.into())),
                read: true,
                ..ConversationUpdate::default()
            },
            at,
        );
    }

    /// `staff` marks `conversation` resolved.
    pub(super) fn resolves(&mut self, staff: &str, conversation: &str, at: DateTime<Utc>) {
        self.handles(
            staff,
            conversation,
            ConversationUpdate {
                status: Some(ConversationStatus::Resolved),
                read: true,
                ..ConversationUpdate::default()
            },
            at,
        );
    }

    fn handles(&mut self, staff: &str, id: &str, update: ConversationUpdate, at: DateTime<Utc>) {
        let changed = self
            .db
            .caller(staff)
            .and_then(|caller| self.db.update_conversation(&caller, id, update, at));
        done(changed);
    }

    fn message(&self, handle: &str, name: &str, conversation: &str, body: &str) -> InboundMessage {
        let n = self.db.messages.get(conversation).map_or(0, Vec::len);
        InboundMessage {
            handle: handle.into(),
            name: name.into(),
            body: body.into(),
            attachments: Vec::new(),
            idempotency_key: format!("story-{conversation}-{n}"),
            context: None,
        }
    }

    fn ids(&self, contact: &str, conversation: &str) -> [String; 3] {
        let n = self.db.messages.get(conversation).map_or(0, Vec::len);
        [
            contact.into(),
            conversation.into(),
            format!("{conversation}-m{n}"),
        ]
    }
}
