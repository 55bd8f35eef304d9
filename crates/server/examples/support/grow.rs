//! The data set the server benchmarks measure: the demo grown to a number of
//! messages (ten a conversation) and as many view sessions (ten a link).

use chrono::{Duration as Days, Utc};
use lianjie_core::demo::{SCALE_MESSAGES, at_scale};
use lianjie_core::share::{LeadCapture, Share, ShareTarget};
use lianjie_core::store::{Db, Record};
use lianjie_core::tracking::{ViewSession, ViewTotals};

/// View sessions each generated share has.
const SESSIONS_PER_SHARE: usize = 10;

/// The demo grown to `messages` messages and as many view sessions.
pub fn generate(messages: usize) -> Db {
    let now = Utc::now();
    let mut db = at_scale(now, messages / SCALE_MESSAGES, SCALE_MESSAGES);
    let contents: Vec<_> = db.contents.values().cloned().collect();
    let contacts: Vec<_> = db
        .contacts
        .values()
        .filter(|c| c.owner_id.is_some())
        .map(|c| (c.id.clone(), c.owner_id.clone().unwrap_or_default()))
        .collect();
    for s in 0..messages / SESSIONS_PER_SHARE {
        let content = &contents[s % contents.len()];
        let (contact, rep) = &contacts[s % contacts.len()];
        let token = format!("scale{s:08}");
        // An hour back at least: the ten views (five minutes apart) all started
        // before now, as views read back from storage have.
        let created = now - Days::minutes((s % (60 * 24 * 30)) as i64) - Days::hours(1);
        db.put(Record::Share(Share {
            token: token.clone(),
            target: ShareTarget::Content(content.id.clone()),
            rep_id: rep.clone(),
            contact_id: Some(contact.clone()),
            channel: None,
            parent: None,
            lead_capture: LeadCapture::Off,
            created_at: created,
            via: None,
        }));
        for v in 0..SESSIONS_PER_SHARE {
            let sections = content
                .blocks
                .iter()
                .take(4)
                .map(|b| (b.id.clone(), 1_000 * (1 + (s + v) % 30) as u64))
                .collect();
            let started = created + Days::minutes(v as i64 * 5);
            db.put(Record::Session(ViewSession {
                id: format!("scale{s:08}-{v}"),
                share_token: token.clone(),
                started_at: started,
                last_seen_at: started + Days::seconds(40),
                snapshots_received: 3,
                totals: ViewTotals {
                    visible_ms: 40_000,
                    max_scroll_pct: 80,
                    video_ms: 0,
                    sections,
                    actions: Default::default(),
                },
                reader_token: None,
            }));
        }
    }
    db
}
