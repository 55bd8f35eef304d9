//! How tagged shapes are read: flat, one optional field per name, then checked.
//!
//! serde's derived reader for an internally tagged enum (`#[serde(tag = ...)]`) or a
//! `#[serde(flatten)]` field buffers the whole object first, and that buffering
//! machinery, with a second copy of every type read through it, was about a tenth of
//! the workbench's first download (#20). A flat wire struct reads the same JSON in
//! one pass. Writing stays derived, so the format cannot drift; each converted type
//! has a test reading back every variant it writes.

/// A required field of a flat wire shape.
pub(crate) fn required<T>(value: Option<T>, field: &str) -> Result<T, String> {
    value.ok_or_else(|| format!("missing field `{field}`"))
}

/// Reads an internally tagged enum through a flat wire struct. Declares the wire
/// struct `$wire` (the tag as `$tag`, every field of every variant as an `Option`)
/// and `TryFrom<$wire>` for `$enum`; the enum names it with
/// `#[serde(try_from = "...")]`. In a variant, `field` is required, `field: opt` is
/// an `Option` kept as sent, and `field: default` takes its default when absent.
/// A variant left out, or a field, does not compile; the tags are the tests' to check.
macro_rules! flat_tagged {
    (
        $enum:ident via $wire:ident by $tag:literal {
            fields { $($field:ident: $ty:ty),* $(,)? }
            $($name:literal => $variant:ident $({ $($vf:ident $(: $mode:ident)?),* $(,)? })?),+ $(,)?
        }
    ) => {
        #[derive(serde::Deserialize)]
        struct $wire {
            #[serde(rename = $tag)]
            wire_tag: String,
            $(#[serde(default)] $field: Option<$ty>,)*
        }

        impl TryFrom<$wire> for $enum {
            type Error = String;

            fn try_from(w: $wire) -> Result<$enum, String> {
                Ok(match w.wire_tag.as_str() {
                    $($name => $enum::$variant $({
                        $($vf: $crate::wire::flat_tagged!(@field w, $vf $($mode)?),)*
                    })?,)+
                    other => return Err(format!("unknown {} `{other}`", $tag)),
                })
            }
        }

        // Every variant is listed: one added later fails to compile until it is.
        const _: fn(&$enum) = |v| match v {
            $($enum::$variant { .. } => {})+
        };
    };
    (@field $w:ident, $f:ident) => {
        $crate::wire::required($w.$f, stringify!($f))?
    };
    (@field $w:ident, $f:ident opt) => {
        $w.$f
    };
    (@field $w:ident, $f:ident default) => {
        $w.$f.unwrap_or_default()
    };
}

pub(crate) use flat_tagged;

#[cfg(test)]
mod tests {
    use crate::api::{Activity, ConversationPage, DayFigures, Event, Page, WeekFigures};
    use crate::crm::{Entry, FollowUpMethod, OwnerChange, TaskSource};
    use crate::customer_csv::{RowOutcome, RowResult, SkipReason};
    use crate::deals::DealStage;
    use crate::inbox::ConversationStatus;
    use crate::playbook::Reason;
    use crate::pool::{ClaimRefused, Verdict};
    use crate::share::LeadCapture;
    use crate::store::Db;
    use chrono::{DateTime, TimeZone, Utc};
    use serde::{Serialize, de::DeserializeOwned};
    use std::fmt::Debug;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 4, 9, 0, 0).unwrap()
    }

    /// Each value, written as derived, reads back equal through its wire shape.
    fn reads_back<T: Serialize + DeserializeOwned + PartialEq + Debug>(values: &[T]) {
        for v in values {
            let json = serde_json::to_string(v).unwrap();
            let back: T = serde_json::from_str(&json)
                .unwrap_or_else(|e| panic!("{json} did not read back: {e}"));
            assert_eq!(&back, v, "{json}");
        }
    }

    #[test]
    fn the_demo_data_reads_back_as_it_was_written() {
        let db = crate::demo::seed(now());
        let json = serde_json::to_string(&db).unwrap();
        let back: Db = serde_json::from_str(&json).unwrap();
        assert_eq!(serde_json::to_string(&back).unwrap(), json);
    }

    #[test]
    fn every_variant_of_a_tagged_shape_reads_back() {
        let db = crate::demo::seed(now());
        let at = now();
        let mut conversation = db.conversations.values().next().unwrap().clone();
        let statuses = [
            ConversationStatus::Open,
            ConversationStatus::Pending,
            ConversationStatus::Snoozed { until: at },
            ConversationStatus::Resolved,
        ];
        reads_back(&statuses);
        for status in statuses {
            conversation.status = status;
            reads_back(std::slice::from_ref(&conversation));
        }
        let entries = [
            Entry::FollowUp {
                method: FollowUpMethod::Call,
                text: "报价".into(),
                next_at: None,
            },
            Entry::FollowUp {
                method: FollowUpMethod::Visit,
                text: String::new(),
                next_at: Some(at),
            },
            Entry::Stage {
                from: "lead".into(),
                to: "won".into(),
            },
            Entry::Owner {
                how: OwnerChange::Claimed,
                from: None,
                to: Some("u-wanglei".into()),
                reason: String::new(),
            },
            Entry::Owner {
                how: OwnerChange::Returned,
                from: Some("u-wanglei".into()),
                to: None,
                reason: "不合适".into(),
            },
            Entry::Deal {
                deal_id: "d-1".into(),
                title: "年度合同".into(),
                amount_fen: 1_200_000,
                stage: DealStage::Proposal,
            },
        ];
        reads_back(&entries);
        reads_back(&[
            TaskSource::Manual,
            TaskSource::FollowUp {
                entry_id: "e-1".into(),
            },
            TaskSource::Reading {
                session_id: "s-1".into(),
                title: "产品手册".into(),
                visit: 3,
                visible_ms: 95_000,
            },
            TaskSource::PoolHold { due_at: at },
        ]);
        reads_back(&[
            Verdict::Keep,
            Verdict::Warn { due: at },
            Verdict::Recycle { due: at },
            Verdict::Engaged { due: at },
        ]);
        reads_back(&[
            ClaimRefused::DailyLimit { limit: 5 },
            ClaimRefused::TooMany { limit: 200 },
            ClaimRefused::TooSoon { until: at },
        ]);
        reads_back(&[
            LeadCapture::Off,
            LeadCapture::Before,
            LeadCapture::AfterSection { index: 3 },
            LeadCapture::SoftEnd,
        ]);
        reads_back(&[
            Reason::LikeThemBought { customers: 4 },
            Reason::Interest {
                tag: "物流".into()
            },
            Reason::Proven { led_to: 7 },
        ]);

        let item = db.sessions.keys().find_map(|id| db.radar_item(id)).unwrap();
        let message = db.messages.values().flatten().next().unwrap().clone();
        let entry = db.log.values().next().unwrap().clone();
        reads_back(&[
            Event::Radar { item: item.clone() },
            Event::Message {
                conversation: conversation.clone(),
                message,
            },
            Event::Conversation {
                conversation: conversation.clone(),
            },
            Event::CardSaved {
                card: db.cards.values().next().unwrap().clone(),
            },
            Event::Contact {
                contact: db.contacts.values().next().unwrap().clone(),
            },
            Event::Customers {
                ids: vec!["c-1".into(), "c-2".into()],
            },
            Event::Deal {
                deal: db.deals.values().next().unwrap().clone(),
            },
            Event::Task {
                task: crate::crm::Task {
                    id: "t-1".into(),
                    owner_id: "u-wanglei".into(),
                    contact_id: Some("c-1".into()),
                    title: "回电".into(),
                    due_at: at,
                    created_at: at,
                    done_at: None,
                    source: TaskSource::PoolHold { due_at: at },
                },
            },
            Event::Staff {
                user: db.users[0].clone(),
            },
            Event::Reset,
        ]);
        reads_back(&[
            Activity::View {
                at,
                item: item.clone(),
            },
            Activity::Forwarded { at, item },
            Activity::Conversation {
                at,
                conversation: conversation.clone(),
            },
            Activity::Logged { at, entry },
        ]);
        reads_back(&[ConversationPage {
            page: Page {
                items: vec![conversation],
                next_cursor: Some("50".into()),
                total: 51,
            },
            unread: 3,
            by_status: Default::default(),
        }]);
        let mut errors = crate::validate::FieldErrors::default();
        errors.check("phone", Err(crate::validate::FieldProblem::Phone));
        let skipped = [
            SkipReason::Blank,
            SkipReason::Cells {
                found: 3,
                expected: 5,
            },
            SkipReason::Invalid { errors },
            SkipReason::Owner {
                given: "赵六".into(),
            },
            SkipReason::Duplicate {
                id: "c-1".into(),
                name: "王先生".into(),
            },
            SkipReason::NotYours {
                name: "李女士".into(),
            },
            SkipReason::Ambiguous {
                names: vec!["王先生".into(), "李女士".into()],
            },
        ];
        let mut rows = vec![
            RowOutcome {
                row: 2,
                result: RowResult::Created { id: "c-9".into() },
            },
            RowOutcome {
                row: 3,
                result: RowResult::Merged {
                    id: "c-1".into(),
                    name: "王先生".into(),
                },
            },
        ];
        rows.extend(skipped.into_iter().map(|reason| RowOutcome {
            row: 4,
            result: RowResult::Skipped { reason },
        }));
        reads_back(&rows);
        reads_back(&[DayFigures {
            day: at.date_naive(),
            figures: WeekFigures {
                views: 9,
                readers: 4,
                leads: 1,
            },
        }]);
    }

    #[test]
    fn an_unknown_tag_or_a_missing_field_is_refused() {
        let refused = |json: &str, why: &str| {
            let e = serde_json::from_str::<Verdict>(json)
                .unwrap_err()
                .to_string();
            assert!(e.contains(why), "{json}: {e}");
        };
        refused(r#"{"verdict":"maybe"}"#, "unknown verdict `maybe`");
        refused(r#"{"verdict":"warn"}"#, "missing field `due`");
        refused(
            r#"{"due":"2026-12-04T09:00:00Z"}"#,
            "missing field `verdict`",
        );
        let e = serde_json::from_str::<Event>(r#"{"type":"radar"}"#).unwrap_err();
        assert!(e.to_string().contains("missing field `item`"), "{e}");
    }
}
