//! What is compared at a checkpoint: the records, every stored message, and every
//! answer the app asks for, from memory alone or with the server's SQL reads.

use chrono::{DateTime, Duration, Utc};
use lianjie_core::api::{AssigneeFilter, ConversationQuery, StatusFilter, TREND_DAYS};
use lianjie_core::channel::Channel;
use lianjie_core::inbox::{InboxSort, Message};
use lianjie_core::scope::{Action, Caller};
use lianjie_core::store::{Db, Record, visitor_view};
use lianjie_server::storage::Storage;
use serde::Serialize;
use std::collections::BTreeMap;

/// The records but messages (a server's copy holds none), keyed for comparing:
/// kind and key to JSON.
pub(super) fn records(db: &Db) -> BTreeMap<(String, String), serde_json::Value> {
    db.records()
        .into_iter()
        .filter(|r| !matches!(r, Record::Message(_)))
        .map(|r| {
            let doc = serde_json::from_str(&r.to_doc()).unwrap_or_default();
            ((r.kind().to_owned(), r.key().to_owned()), doc)
        })
        .collect()
}

pub(super) fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// An answer or the refusal it was.
pub(super) fn answer<T: Serialize, E: std::fmt::Debug>(result: &Result<T, E>) -> String {
    match result {
        Ok(value) => json(value),
        Err(e) => format!("refused: {e:?}"),
    }
}

/// The inbox queries compared: each status tab and assignee filter, then one of
/// each other filter and sort.
pub(super) fn inbox_queries() -> Vec<ConversationQuery> {
    let mut out = Vec::new();
    for status in [StatusFilter::Open, StatusFilter::Snoozed, StatusFilter::All] {
        for assignee in [
            AssigneeFilter::All,
            AssigneeFilter::Mine,
            AssigneeFilter::Unassigned,
        ] {
            out.push(ConversationQuery {
                status,
                assignee,
                limit: Some(20),
                ..ConversationQuery::default()
            });
        }
    }
    let all = ConversationQuery {
        status: StatusFilter::All,
        ..ConversationQuery::default()
    };
    out.extend([
        ConversationQuery {
            channel: Some(Channel::Wechat),
            ..all.clone()
        },
        ConversationQuery {
            label: Some("vip".into()),
            ..all.clone()
        },
        ConversationQuery {
            text: Some(" Reply ".into()),
            ..all.clone()
        },
        ConversationQuery {
            text: Some("客户".into()),
            ..all.clone()
        },
        ConversationQuery {
            text: Some("100%".into()),
            ..all.clone()
        },
        ConversationQuery {
            sort: InboxSort::Oldest,
            cursor: Some("5".into()),
            limit: Some(7),
            ..all.clone()
        },
        ConversationQuery {
            sort: InboxSort::Intent,
            limit: Some(9),
            ..all.clone()
        },
        ConversationQuery {
            cursor: Some("100000".into()),
            ..all.clone()
        },
    ]);
    out
}

/// Every answer the app asks for, by each demo staff member, as JSON: from `db`
/// alone (the in-browser backend), or with the lists the server reads by SQL taken
/// from `sql`.
pub(super) async fn answers(
    db: &Db,
    now: DateTime<Utc>,
    sql: Option<(&Storage, &str)>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let callers: Vec<Caller> = db
        .users
        .iter()
        .filter_map(|u| db.caller(&u.id).ok())
        .collect();
    let contacts: Vec<String> = db.contacts.keys().cloned().collect();
    let conversations: Vec<String> = db.conversations.keys().cloned().collect();
    for c in &callers {
        let who = &c.user_id;
        // The tabs read again hours later too, when every snooze has run out and
        // counts as open (the demo's and the sequences' snoozes are hours long).
        let later = now + Duration::hours(6);
        let reads = (inbox_queries()
            .into_iter()
            .enumerate()
            .map(|(i, q)| (i, q, now)))
        .chain((inbox_queries().into_iter().enumerate().take(9)).map(|(i, q)| (i, q, later)));
        for (i, q, at) in reads {
            let page = match sql {
                Some((storage, org)) => storage
                    .conversation_page(org, c, &q, at)
                    .await
                    .map_err(|e| e.to_string()),
                None => Ok(db.list_conversations(c, &q, at)),
            };
            let when = if at == now {
                String::new()
            } else {
                format!(" at {at}")
            };
            out.insert(
                format!("{who} conversations #{i}{when} {q:?}"),
                answer(&page),
            );
        }
        for id in conversations.iter().step_by(5) {
            let page = match sql {
                Some((storage, org)) => match db.visible_conversation(c, id) {
                    Ok(_) => storage
                        .message_page(org, id, None, Some(30))
                        .await
                        .map_err(|e| e.to_string()),
                    Err(e) => Err(format!("{e:?}")),
                },
                None => db
                    .messages_page(c, id, None, Some(30))
                    .map_err(|e| format!("{e:?}")),
            };
            out.insert(format!("{who} messages {id}"), answer(&page));
        }
        for id in &contacts {
            let trend = match sql {
                // As the server answers: the customer's messages held for the while.
                Some((storage, org)) => match db.conversations_of(c, id) {
                    Ok(theirs) => {
                        let mut held = db.clone();
                        let inbound = storage.inbound_messages(org, &theirs).await;
                        held.add_messages(inbound.unwrap_or_default());
                        held.intent_trend(c, id, &TREND_DAYS, now)
                    }
                    Err(e) => Err(e),
                },
                None => db.intent_trend(c, id, &TREND_DAYS, now),
            };
            out.insert(format!("{who} intent trend {id}"), answer(&trend));
        }
        let radar = match sql {
            Some((storage, org)) if c.may(Action::SeeRadar) => {
                let ids = storage
                    .radar_ids(org, c.owners(), 100)
                    .await
                    .unwrap_or_default();
                Ok(ids.iter().filter_map(|id| db.radar_item(id)).collect())
            }
            _ => db.radar(c, 100),
        };
        out.insert(format!("{who} radar"), answer(&radar));
        for id in db.contents.keys() {
            out.insert(
                format!("{who} analytics {id}"),
                answer(&db.content_analytics(c, id)),
            );
        }
        for id in contacts.iter().step_by(4) {
            out.insert(format!("{who} timeline {id}"), answer(&db.timeline(c, id)));
        }
        out.insert(format!("{who} contacts"), json(&db.contacts_for(c)));
        out.insert(format!("{who} today"), answer(&db.today(c, now)));
    }
    // What each link's web-chat visitor sees (the sequence's visitors are named by
    // the link they write from).
    for token in db.shares.keys() {
        let seen = match sql {
            Some((storage, org)) => match db.visitor_conversation(token, token) {
                Ok(Some(v)) => storage
                    .visitor_messages(org, &v)
                    .await
                    .map(|newest| visitor_view(newest.iter()))
                    .map_err(|e| e.to_string()),
                Ok(None) => Ok(Vec::new()),
                Err(e) => Err(format!("{e:?}")),
            },
            None => db
                .visitor_messages(token, token)
                .map_err(|e| format!("{e:?}")),
        };
        out.insert(format!("visitor of {token}"), answer(&seen));
    }
    // The conversations the server's job opens again: once the sequence's snoozes (2 h)
    // have run out but not the demo's (3 h), once all have, and a short page of those,
    // where ties of one end are taken by id.
    let (some, all) = (now + Duration::minutes(150), now + Duration::hours(6));
    for (at, limit) in [(some, 500), (all, 500), (all, 3)] {
        let due = match sql {
            Some((storage, org)) => storage
                .run_out_snoozes(org, at, limit)
                .await
                .map_err(|e| e.to_string()),
            None => Ok(db.run_out_snoozes(at, limit)),
        };
        out.insert(format!("run-out snoozes at {at}, {limit}"), answer(&due));
    }
    out
}

/// Every message of every conversation `db` holds, newest first, as the store
/// pages them.
pub(super) async fn stored_messages(
    db: &Db,
    storage: &Storage,
    org: &str,
) -> Result<Vec<Message>, String> {
    let mut out = Vec::new();
    for id in db.conversations.keys() {
        let mut cursor = None;
        loop {
            let page = storage
                .message_page(org, id, cursor.as_deref(), Some(200))
                .await
                .map_err(|e| e.to_string())?;
            out.extend(page.items);
            cursor = page.next_cursor;
            if cursor.is_none() {
                break;
            }
        }
    }
    Ok(out)
}

/// The first record that differs between two sets, shown from each.
pub(super) fn difference(
    want: &BTreeMap<(String, String), serde_json::Value>,
    got: &BTreeMap<(String, String), serde_json::Value>,
) -> Option<String> {
    let key = want
        .keys()
        .chain(got.keys())
        .find(|k| want.get(*k) != got.get(*k))?;
    let show = |m: &BTreeMap<_, serde_json::Value>| m.get(key).map(|v| v.to_string());
    Some(format!(
        "{key:?}\n  model: {:?}\n  store: {:?}",
        show(want),
        show(got)
    ))
}
