//! The operations a sequence is made of: a seeded generator of them, and how each
//! runs on a data set (the model's, or the server's copy).

use chrono::{DateTime, Duration, TimeZone, Utc};
use lianjie_core::api::{ConversationUpdate, InboundMessage, NewMessage, NewShare};
use lianjie_core::channel::Channel;
use lianjie_core::crm::{
    BulkChange, CustomerDetails, FollowUpMethod, NewCustomer, NewFollowUp, NewTask,
};
use lianjie_core::deals::{DealStage, NewDeal};
use lianjie_core::inbox::ConversationStatus;
use lianjie_core::share::{LeadCapture, LeadDetails, ShareTarget};
use lianjie_core::store::{Db, ViewKeys};
use lianjie_core::tracking::{Snapshot, ViewTotals};

/// One step of a sequence; indices pick among what exists when it runs.
#[derive(Clone, Debug)]
pub(super) enum Op {
    Send {
        by: usize,
        conv: usize,
        key: u8,
        note: bool,
    },
    Inbound {
        channel: usize,
        handle: u8,
        key: u8,
    },
    Update {
        by: usize,
        conv: usize,
        status: u8,
        assign: Option<usize>,
        labels: Option<u8>,
    },
    Share {
        by: usize,
        contact: usize,
        content: usize,
    },
    Open {
        share: usize,
        reuse: bool,
    },
    Track {
        session: usize,
        seconds: u32,
        section: usize,
    },
    WebChat {
        share: usize,
        key: u8,
    },
    Lead {
        reader: usize,
        name: u8,
    },
    Merge {
        keep: usize,
        other: usize,
    },
    /// Work a customer: add one, log a follow-up (moving the stage), a bulk change,
    /// a star, a task, a task done, a deal opened or moved (`kind` picks which).
    Work {
        by: usize,
        contact: usize,
        kind: u8,
    },
    /// The server's job `hours` from now: snoozes run out by then are opened again.
    Wake {
        hours: u8,
    },
    /// Read the organization back and compare every answer.
    Check,
}

/// A small deterministic generator (SplitMix64), so a seed names a sequence.
pub(super) struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> usize {
        (self.next() % n) as usize
    }
    fn byte(&mut self) -> u8 {
        self.below(8) as u8
    }
}

pub(super) fn sequence(seed: u64, len: usize) -> Vec<Op> {
    let mut r = Rng(seed);
    let mut ops: Vec<Op> = (0..len)
        .map(|i| {
            if i % 15 == 14 {
                return Op::Check;
            }
            match r.below(10) {
                0 => Op::Send {
                    by: r.below(8),
                    conv: r.below(64),
                    key: r.byte(),
                    note: r.below(4) == 0,
                },
                1 => Op::Inbound {
                    channel: r.below(8),
                    handle: r.byte(),
                    key: r.byte(),
                },
                2 => Op::Update {
                    by: r.below(8),
                    conv: r.below(64),
                    status: r.byte(),
                    assign: (r.below(3) == 0).then(|| r.below(8)),
                    labels: (r.below(3) == 0).then(|| r.byte()),
                },
                3 => Op::Share {
                    by: r.below(8),
                    contact: r.below(64),
                    content: r.below(8),
                },
                4 | 5 => Op::Open {
                    share: r.below(64),
                    reuse: r.below(3) == 0,
                },
                6 | 7 => Op::Track {
                    session: r.below(64),
                    seconds: r.below(600) as u32,
                    section: r.below(4),
                },
                8 => match r.below(3) {
                    0 => Op::WebChat {
                        share: r.below(64),
                        key: r.byte(),
                    },
                    1 => Op::Lead {
                        reader: r.below(64),
                        name: r.byte(),
                    },
                    _ => Op::Merge {
                        keep: r.below(64),
                        other: r.below(64),
                    },
                },
                9 if r.below(2) == 0 => Op::Work {
                    by: r.below(8),
                    contact: r.below(64),
                    kind: r.byte(),
                },
                9 if r.below(3) == 0 => Op::Wake {
                    hours: 1 + r.byte() % 4,
                },
                _ => Op::Send {
                    by: r.below(8),
                    conv: r.below(64),
                    key: r.byte(),
                    note: false,
                },
            }
        })
        .collect();
    ops.push(Op::Check);
    ops
}

pub(super) fn start_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

pub(super) fn pick<T: Clone>(list: &[T], i: usize) -> Option<T> {
    (!list.is_empty()).then(|| list[i % list.len()].clone())
}

/// The idempotency key of the message an operation adds, if it adds one.
pub(super) fn message_key(op: &Op) -> Option<String> {
    match *op {
        Op::Send { key, .. } => Some(format!("k{key}")),
        Op::Inbound { key, .. } => Some(format!("in{key}")),
        Op::WebChat { key, .. } => Some(format!("wc{key}")),
        _ => None,
    }
}

/// One operation on the model, as the server would run it; refusals are answers
/// like any other (and change nothing).
/// The snapshot a `Track` step sends, if there is a view to track.
fn snapshot(
    db: &Db,
    sessions: &[(String, String, String)],
    session: usize,
    seconds: u32,
    section: usize,
) -> Option<Snapshot> {
    let (sid, token, reader) = pick(sessions, session)?;
    let sections = db
        .shares
        .get(&token)
        .and_then(|s| match &s.target {
            ShareTarget::Content(c) => db.contents.get(c),
            ShareTarget::Card(_) => None,
        })
        .and_then(|c| pick(&c.blocks, section))
        .map(|b| {
            [(b.id.clone(), u64::from(seconds) * 700)]
                .into_iter()
                .collect()
        })
        .unwrap_or_default();
    Some(Snapshot {
        session_id: sid,
        share_token: token,
        seq: seconds,
        totals: ViewTotals {
            visible_ms: u64::from(seconds) * 1000,
            max_scroll_pct: (seconds % 101) as u8,
            video_ms: 0,
            sections,
            actions: Default::default(),
        },
        reader_token: Some(reader),
    })
}

/// The views step `op` reads on a copy that holds none, as the server's route for
/// it names them (asked again once those are held, until they name no more).
pub(super) fn views(
    db: &Db,
    op: &Op,
    step: usize,
    now: DateTime<Utc>,
    sessions: &[(String, String, String)],
) -> ViewKeys {
    let contacts: Vec<String> = db.contacts.keys().cloned().collect();
    let shares: Vec<String> = db.shares.keys().cloned().collect();
    match *op {
        Op::Inbound {
            channel, handle, ..
        } => {
            let channel = Channel::ALL[channel % Channel::ALL.len()];
            db.views_for_inbound(channel, &format!("h{handle}"), None, now)
        }
        Op::Open { .. } => ViewKeys {
            ids: [format!("vs-{step}")].into(),
            ..ViewKeys::default()
        },
        Op::Track {
            session,
            seconds,
            section,
        } => snapshot(db, sessions, session, seconds, section)
            .map(|snap| db.views_for_snapshot(&snap, now))
            .unwrap_or_default(),
        Op::WebChat { share, .. } => pick(&shares, share)
            .map(|token| db.views_for_inbound(Channel::WebChat, &token, None, now))
            .unwrap_or_default(),
        Op::Lead { reader, .. } => pick(sessions, reader)
            .map(|(_, _, own)| db.views_for_details(&own))
            .unwrap_or_default(),
        Op::Merge { keep, other } => {
            let mut keys = ViewKeys::default();
            for i in [keep, other] {
                if let Some(c) = pick(&contacts, i) {
                    keys.extend(db.views_of_contact(&c));
                }
            }
            keys
        }
        _ => ViewKeys::default(),
    }
}

pub(super) fn apply(
    db: &mut Db,
    op: &Op,
    step: usize,
    now: DateTime<Utc>,
    sessions: &mut Vec<(String, String, String)>,
) {
    // By id: a copy read from storage lists them so, the seed in its own order.
    let mut users: Vec<String> = db.users.iter().map(|u| u.id.clone()).collect();
    users.sort();
    let caller = |db: &Db, i: usize| pick(&users, i).and_then(|u| db.caller(&u).ok());
    let conversations: Vec<String> = db.conversations.keys().cloned().collect();
    let contacts: Vec<String> = db.contacts.keys().cloned().collect();
    let shares: Vec<String> = db.shares.keys().cloned().collect();
    let id = |what: &str| format!("{what}-{step}");
    match *op {
        Op::Send {
            by,
            conv,
            key,
            note,
        } => {
            if let (Some(c), Some(v)) = (caller(db, by), pick(&conversations, conv)) {
                let new = NewMessage {
                    body: if key == 7 {
                        "100% 满意".into()
                    } else {
                        format!("Reply {key}")
                    },
                    attachments: Vec::new(),
                    note,
                    idempotency_key: message_key(op).unwrap_or_default(),
                };
                let _ = db.send_message(&c, &v, new, id("m"), now);
            }
        }
        Op::Inbound {
            channel,
            handle,
            key,
        } => {
            let channel = Channel::ALL[channel % Channel::ALL.len()];
            if channel != Channel::WebChat {
                let msg = InboundMessage {
                    handle: format!("h{handle}"),
                    name: format!("客户{handle}"),
                    body: format!("question {key}"),
                    attachments: Vec::new(),
                    idempotency_key: message_key(op).unwrap_or_default(),
                    context: None,
                };
                let _ = db.inbound(channel, msg, [id("k"), id("v"), id("m")], now);
            }
        }
        Op::Update {
            by,
            conv,
            status,
            assign,
            labels,
        } => {
            if let (Some(c), Some(v)) = (caller(db, by), pick(&conversations, conv)) {
                let status = match status % 4 {
                    0 => ConversationStatus::Open,
                    1 => ConversationStatus::Pending,
                    2 => ConversationStatus::Snoozed {
                        until: now + Duration::hours(2),
                    },
                    _ => ConversationStatus::Resolved,
                };
                let update = ConversationUpdate {
                    status: Some(status),
                    assignee_id: assign.map(|a| pick(&users, a)),
                    // Labels that differ only in case, and one holding LIKE's wildcards.
                    labels: labels.map(|l| {
                        ["vip", "VIP", "100%_sure", "回访"]
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| l & (1 << i) != 0)
                            .map(|(_, s)| (*s).to_owned())
                            .collect()
                    }),
                    ..ConversationUpdate::default()
                };
                let _ = db.update_conversation(&c, &v, update, now);
            }
        }
        Op::Share {
            by,
            contact,
            content,
        } => {
            let contents: Vec<String> = db.contents.keys().cloned().collect();
            if let (Some(c), Some(k), Some(t)) = (
                caller(db, by),
                pick(&contacts, contact),
                pick(&contents, content),
            ) {
                let new = NewShare {
                    target: ShareTarget::Content(t),
                    contact_id: Some(k),
                    channel: Some(Channel::Wechat),
                    lead_capture: LeadCapture::Off,
                };
                let _ = db.create_share(&c, new, id("s"), now);
            }
        }
        Op::Open { share, reuse } => {
            if let Some(token) = pick(&shares, share) {
                let again = if reuse {
                    sessions
                        .iter()
                        .rev()
                        .find(|s| s.1 == token)
                        .map(|s| s.2.clone())
                } else {
                    None
                };
                if let Ok(opened) = db.open_share(&token, id("r"), id("vs"), again.as_deref(), now)
                {
                    sessions.push((opened.session_id, token, opened.child_token));
                }
            }
        }
        Op::Track {
            session,
            seconds,
            section,
        } => {
            if let Some(snap) = snapshot(db, sessions, session, seconds, section) {
                let _ = db.record_snapshot(&snap, now);
            }
        }
        Op::WebChat { share, key } => {
            if let Some(token) = pick(&shares, share) {
                let msg = InboundMessage {
                    handle: token.clone(),
                    name: "访客".into(),
                    body: format!("chat {key}"),
                    attachments: Vec::new(),
                    idempotency_key: message_key(op).unwrap_or_default(),
                    context: None,
                };
                let _ = db.web_chat(&token, msg, [id("k"), id("v"), id("m")], now);
            }
        }
        Op::Lead { reader, name } => {
            if let Some((_, _, own)) = pick(sessions, reader) {
                let details = LeadDetails {
                    name: format!("读者{name}"),
                    phone: format!("1380000{:04}", name),
                    ..LeadDetails::default()
                };
                let _ = db.capture_lead(&own, details, id("k"), now);
            }
        }
        Op::Merge { keep, other } => {
            if let (Some(c), Some(a), Some(b)) =
                (caller(db, 7), pick(&contacts, keep), pick(&contacts, other))
            {
                let _ = db.merge_contacts(&c, &a, &b, now);
            }
        }
        Op::Wake { hours } => {
            let at = now + Duration::hours(hours.into());
            for id in db.run_out_snoozes(at, 500) {
                db.wake_snooze(&id, at);
            }
        }
        Op::Work { by, contact, kind } => {
            if let (Some(c), Some(k)) = (caller(db, by), pick(&contacts, contact)) {
                let stages = db.org.stages();
                let stage = stages[usize::from(kind) % stages.len()].id.clone();
                let _ = match kind % 8 {
                    0 => db
                        .create_customer(
                            &c,
                            NewCustomer {
                                id: id("cust"),
                                details: CustomerDetails {
                                    name: format!("客户{kind}"),
                                    phone: format!("1390000{:04}", kind),
                                    tags: vec![format!("t{kind}")],
                                    ..CustomerDetails::default()
                                },
                                owner_id: None,
                            },
                            now,
                        )
                        .map(|_| ()),
                    1 => db
                        .log_follow_up(
                            &c,
                            &k,
                            NewFollowUp {
                                id: id("fu"),
                                method: FollowUpMethod::Call,
                                text: format!("跟进 {kind}"),
                                next_at: Some(now + Duration::hours(i64::from(kind))),
                                stage: (kind % 8 > 3).then_some(stage),
                            },
                            now,
                        )
                        .map(|_| ()),
                    2 => {
                        // Which change, by the customer picked: a third of them go to
                        // another owner, so lists scoped by owner follow the move.
                        let change = match contact % 3 {
                            0 => BulkChange::AddTag {
                                tag: format!("t{kind}"),
                            },
                            1 => BulkChange::Stage { stage },
                            _ => BulkChange::Assign {
                                owner_id: pick(&users, by + 1).unwrap_or_default(),
                            },
                        };
                        db.bulk_update(&c, &[k], &change, &id("bulk"), now)
                            .map(|_| ())
                    }
                    3 => db.set_star(&c, &k, kind % 8 > 3).map(|_| ()),
                    4 => db
                        .create_task(
                            &c,
                            NewTask {
                                id: id("task"),
                                contact_id: Some(k),
                                title: format!("任务 {kind}"),
                                due_at: now + Duration::hours(i64::from(kind)),
                            },
                            now,
                        )
                        .map(|_| ()),
                    5 => match db.tasks.keys().next().cloned() {
                        Some(t) => db.set_task_done(&c, &t, true, now).map(|_| ()),
                        None => Ok(()),
                    },
                    6 => db
                        .create_deal(
                            &c,
                            NewDeal {
                                id: id("deal"),
                                contact_id: k,
                                title: format!("商机 {kind}"),
                                amount_fen: i64::from(kind) * 1_000_001,
                                ..NewDeal::default()
                            },
                            now,
                        )
                        .map(|_| ()),
                    _ => match db.deals.keys().next().cloned() {
                        Some(d) => db
                            .move_deal(&c, &d, DealStage::ALL[usize::from(kind) % 6], id("mv"), now)
                            .map(|_| ()),
                        None => Ok(()),
                    },
                };
            }
        }
        Op::Check => {}
    }
}

#[test]
fn sequences_are_named_by_their_seed() {
    let a = format!("{:?}", sequence(7, 40));
    assert_eq!(a, format!("{:?}", sequence(7, 40)));
    assert_ne!(a, format!("{:?}", sequence(8, 40)));
    // Every kind of step occurs in a run's worth of sequences.
    let all = format!(
        "{:?}",
        (1..=6).flat_map(|s| sequence(s, 120)).collect::<Vec<_>>()
    );
    for kind in [
        "Send", "Inbound", "Update", "Share", "Open", "Track", "WebChat", "Lead", "Merge", "Work",
        "Check",
    ] {
        assert!(all.contains(kind), "{kind}");
    }
}
