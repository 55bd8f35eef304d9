//! The demo's deals: a few per seller, at every stage of the pipeline, opened and
//! moved over the month through the same operations a rep uses (so each is on its
//! customer's timeline), one of them stale. A won deal goes to a customer who read a
//! link before it was won, so "content that works" has a story to tell.

use crate::deals::{DealStage, NewDeal};
use crate::store::Db;
use chrono::{DateTime, Duration, Utc};
use std::collections::HashSet;

/// (seller, nth of their customers — for a won deal, of those who had read a link by
/// then — title, yuan, stage, days since it last moved)
const DEALS: [(&str, usize, &str, i64, DealStage, i64); 8] = [
    (
        "u-wanglei",
        0,
        "年度订阅 120 席",
        86_400,
        DealStage::Negotiation,
        1,
    ),
    (
        "u-wanglei",
        1,
        "私域运营咨询",
        38_000,
        DealStage::Proposal,
        3,
    ),
    (
        "u-wanglei",
        2,
        "名片 + 内容雷达 30 席",
        21_600,
        DealStage::Needs,
        20,
    ),
    ("u-wanglei", 3, "门店导购试点", 12_800, DealStage::Won, 6),
    (
        "u-lina",
        0,
        "华东区域年度框架",
        150_000,
        DealStage::Qualify,
        2,
    ),
    ("u-lina", 1, "会员运营升级", 64_000, DealStage::Lost, 9),
    (
        "u-emily",
        0,
        "Harbor Foods rollout",
        92_000,
        DealStage::Proposal,
        4,
    ),
    ("u-emily", 1, "客服中台对接", 45_500, DealStage::Won, 11),
];

pub(super) fn open(db: &mut Db, now: DateTime<Utc>) {
    for (n, (seller, nth, title, yuan, stage, days)) in DEALS.into_iter().enumerate() {
        let Ok(caller) = db.caller(seller) else {
            continue;
        };
        let moved = now - Duration::days(days);
        let read: HashSet<&str> = if stage == DealStage::Won {
            db.sessions
                .values()
                .filter(|s| s.totals.is_counted() && s.started_at <= moved)
                .filter_map(|s| db.shares.get(&s.share_token)?.contact_id.as_deref())
                .collect()
        } else {
            HashSet::new()
        };
        let Some(contact_id) = db
            .contacts
            .values()
            .filter(|c| c.owner_id.as_deref() == Some(seller) && c.merged.is_none())
            .filter(|c| stage != DealStage::Won || read.contains(c.id.as_str()))
            .nth(nth)
            .map(|c| c.id.clone())
        else {
            continue;
        };
        let new = NewDeal {
            id: format!("deal-{n:02}"),
            contact_id,
            title: title.to_owned(),
            amount_fen: yuan * 100,
            expected_close: Some((now + Duration::days(30 - days)).date_naive()),
            probability: None,
        };
        if db
            .create_deal(&caller, new, moved - Duration::days(7))
            .is_ok()
            && stage != DealStage::Qualify
        {
            let _ = db.move_deal(
                &caller,
                &format!("deal-{n:02}"),
                stage,
                format!("deal-{n:02}-mv"),
                moved,
            );
        }
    }
}
