//! The CRM around the readings: where a customer stands in the sales process (their
//! stage), the details a rep keeps about them, the follow-ups written down after each
//! call or visit, and the log of what changed, which joins the customer's timeline.

use crate::validate::{
    FieldErrors, FieldProblem, email, max_len, optional, phone, public_id, required,
};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

mod tasks;
pub use tasks::*;

/// The built-in stages' ids, in order (线索 → 待跟进 → 跟进中 → 商机 → 赢单 / 输单 / 流失).
pub const LEAD: &str = "lead";
pub const TO_FOLLOW: &str = "to_follow";
pub const FOLLOWING: &str = "following";
pub const OPPORTUNITY: &str = "opportunity";
pub const WON: &str = "won";
pub const LOST: &str = "lost";
pub const CHURNED: &str = "churned";

/// Most tags on one customer, and most characters in one.
pub const MAX_TAGS: usize = 20;
pub const MAX_TAG_CHARS: usize = 20;
/// The longest a customer's notes may grow.
pub const MAX_NOTES_CHARS: usize = 2_000;

/// Whether a stage is still being worked, or how it ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageKind {
    Open,
    Won,
    Lost,
}

/// One stage of an organization's sales process.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    pub id: String,
    /// A name the organization gave it; `None` for a built-in stage, which the app
    /// names in the reader's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub kind: StageKind,
}

/// The stages every organization starts with.
pub fn default_stages() -> Vec<Stage> {
    [
        (LEAD, StageKind::Open),
        (TO_FOLLOW, StageKind::Open),
        (FOLLOWING, StageKind::Open),
        (OPPORTUNITY, StageKind::Open),
        (WON, StageKind::Won),
        (LOST, StageKind::Lost),
        (CHURNED, StageKind::Lost),
    ]
    .into_iter()
    .map(|(id, kind)| Stage {
        id: id.to_owned(),
        name: None,
        kind,
    })
    .collect()
}

/// Most stages an organization may have, and most tags on its list.
pub const MAX_STAGES: usize = 20;
pub const MAX_ORG_TAGS: usize = 200;
/// The longest name a stage may have.
pub const MAX_STAGE_CHARS: usize = 20;

/// An organization's stages, as an admin sets them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgStages {
    pub stages: Vec<Stage>,
}

/// An organization's list of customer tags, as an admin or manager keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgTags {
    pub tags: Vec<String>,
}

/// Whether `stages` may become an organization's: 2 to [`MAX_STAGES`], ids well
/// formed and distinct, the first one open (new customers start there), a name for
/// each stage that is not built in, and every stage a live customer is in still
/// there (`in_use`).
pub fn check_stages(stages: &[Stage], in_use: &BTreeSet<String>) -> Result<(), FieldErrors> {
    let mut e = FieldErrors::default();
    let built_in: Vec<String> = default_stages().into_iter().map(|s| s.id).collect();
    let mut seen = BTreeSet::new();
    let shape = if !(2..=MAX_STAGES).contains(&stages.len())
        || stages.first().is_some_and(|s| s.kind != StageKind::Open)
    {
        Err(FieldProblem::Range)
    } else if stages.iter().any(|s| !seen.insert(s.id.as_str())) {
        Err(FieldProblem::Taken)
    } else if in_use.iter().any(|id| !seen.contains(id.as_str())) {
        Err(FieldProblem::InUse)
    } else {
        Ok(())
    };
    e.check("stages", shape);
    for s in stages {
        e.check("id", public_id(&s.id));
        let name = match &s.name {
            Some(name) => required(name, MAX_STAGE_CHARS),
            None if built_in.contains(&s.id) => Ok(()),
            None => Err(FieldProblem::Required),
        };
        e.check("name", name);
    }
    // One problem per field is enough to say.
    let mut said = BTreeSet::new();
    e.0.retain(|x| said.insert(x.field.clone()));
    e.into_result()
}

/// How a follow-up was made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpMethod {
    #[default]
    Call,
    Wechat,
    Visit,
    Email,
    Meeting,
    Other,
}

impl FollowUpMethod {
    pub const ALL: [FollowUpMethod; 6] = [
        FollowUpMethod::Call,
        FollowUpMethod::Wechat,
        FollowUpMethod::Visit,
        FollowUpMethod::Email,
        FollowUpMethod::Meeting,
        FollowUpMethod::Other,
    ];
}

/// One change to a customer, kept for their timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    pub id: String,
    pub contact_id: String,
    /// The staff member who made it.
    pub author_id: String,
    pub at: DateTime<Utc>,
    pub entry: Entry,
}

impl LogEntry {
    pub fn is_follow_up(&self) -> bool {
        matches!(self.entry, Entry::FollowUp { .. })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", try_from = "EntryWire")]
pub enum Entry {
    /// A follow-up (跟进记录): how, what was said, and when to follow up next.
    FollowUp {
        method: FollowUpMethod,
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        next_at: Option<DateTime<Utc>>,
    },
    /// The customer moved from one stage to another.
    Stage { from: String, to: String },
    /// The customer changed hands (or went to or came from the pool).
    Owner {
        how: OwnerChange,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<String>,
        /// Why, when a person gave them back.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        reason: String,
    },
    /// A deal was opened, or moved to another stage.
    Deal {
        deal_id: String,
        title: String,
        amount_fen: i64,
        stage: crate::deals::DealStage,
    },
}

crate::wire::flat_tagged! {
    Entry via EntryWire by "type" {
        fields {
            method: FollowUpMethod,
            text: String,
            next_at: DateTime<Utc>,
            from: String,
            to: String,
            how: OwnerChange,
            reason: String,
            deal_id: String,
            title: String,
            amount_fen: i64,
            stage: crate::deals::DealStage,
        }
        "follow_up" => FollowUp { method, text, next_at: opt },
        "stage" => Stage { from, to },
        "owner" => Owner { how, from: opt, to: opt, reason: default },
        "deal" => Deal { deal_id, title, amount_fen, stage },
    }
}

/// How a customer changed hands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnerChange {
    /// A rep took them from the pool.
    Claimed,
    /// Given to a rep by a manager or admin (from nobody or the pool).
    Assigned,
    /// Moved from one rep to another.
    Transferred,
    /// Sent back to the pool by its rules.
    Recycled,
    /// Given back to the pool by a person, with a reason.
    Returned,
}

/// Who the pool's rules act as in the log.
pub const POOL_RULES_AUTHOR: &str = "pool-rules";

/// A follow-up as a rep writes it, with the stage the customer moves to, if any.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewFollowUp {
    /// Chosen by the client, so a retry stores it once.
    pub id: String,
    pub method: FollowUpMethod,
    pub text: String,
    #[serde(default)]
    pub next_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub stage: Option<String>,
}

impl NewFollowUp {
    pub fn validate(&self, now: DateTime<Utc>) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::default();
        e.check("id", public_id(&self.id))
            .check("text", required(&self.text, 2_000))
            .check(
                "next_at",
                match self.next_at {
                    // A little slack for a clock a moment behind.
                    Some(at) if at < now - Duration::minutes(5) => Err(FieldProblem::Range),
                    _ => Ok(()),
                },
            );
        e.into_result()
    }
}

/// What a rep keeps about a customer, as typed when creating or editing one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDetails {
    pub name: String,
    #[serde(default)]
    pub company: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub wechat_id: String,
    /// Where the customer came from (an exhibition, a referral, …).
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub tags: Vec<String>,
}

impl CustomerDetails {
    /// The same rules as a reader's details (name; phone and email well formed),
    /// without requiring a way to reach them: a rep may know a name and a company.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::default();
        e.check("name", required(&self.name, 60))
            .check("company", max_len(&self.company, 100))
            .check("phone", optional(&self.phone, phone))
            .check("email", optional(&self.email, email))
            .check("wechat_id", max_len(&self.wechat_id, 40))
            .check("source", max_len(&self.source, 60))
            .check("notes", max_len(&self.notes, MAX_NOTES_CHARS))
            .check("tags", tags(&self.tags));
        e.into_result()
    }

    /// Every text trimmed, tags without repeats or blanks.
    pub fn tidy(mut self) -> CustomerDetails {
        for field in [
            &mut self.name,
            &mut self.company,
            &mut self.phone,
            &mut self.email,
            &mut self.wechat_id,
            &mut self.source,
        ] {
            *field = field.trim().to_owned();
        }
        self.tags = tidy_tags(&self.tags);
        self
    }
}

/// A new customer: their details, and the id the client chose (a retry finds it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCustomer {
    pub id: String,
    #[serde(flatten)]
    pub details: CustomerDetails,
    /// Their owner: the caller when not given (a manager or admin may name a
    /// colleague they cover).
    #[serde(default)]
    pub owner_id: Option<String>,
}

/// Tags trimmed, blanks and repeats left out, in the order given.
pub fn tidy_tags(tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in tags.iter().map(|t| t.trim()) {
        if !t.is_empty() && !out.iter().any(|o| o == t) {
            out.push(t.to_owned());
        }
    }
    out
}

/// At most [`MAX_TAGS`], each at most [`MAX_TAG_CHARS`].
pub fn tags(tags: &[String]) -> Result<(), FieldProblem> {
    if tags.len() > MAX_TAGS {
        return Err(FieldProblem::Range);
    }
    tags.iter().try_for_each(|t| max_len(t, MAX_TAG_CHARS))
}

/// A change made to many customers at once from the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BulkChange {
    /// Give them to a colleague (within the caller's scope).
    Assign {
        owner_id: String,
    },
    AddTag {
        tag: String,
    },
    RemoveTag {
        tag: String,
    },
    Stage {
        stage: String,
    },
}

/// A bulk change as sent: the customers, the change, and the id its log entries
/// take (`{log_id}-{n}`), chosen by the client so a retry logs once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkUpdate {
    pub ids: Vec<String>,
    pub change: BulkChange,
    pub log_id: String,
}

/// A stage move as sent, with its log entry's id (see [`BulkUpdate`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageMove {
    pub stage: String,
    pub log_id: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Star {
    pub starred: bool,
}

/// A follow-up as kept, and the customer after it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpLogged {
    pub entry: LogEntry,
    pub contact: crate::contact::Contact,
}

/// Most customers one bulk change takes.
pub const MAX_BULK: usize = 500;

/// When a follow-up is due, as the list and the dashboard say it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Due {
    Overdue,
    Today,
    Later,
}

/// Where `next_at` falls against `now`: before now is overdue, later today (UTC day
/// of `now`, shifted by `offset_minutes` to the reader's day) is today.
pub fn due(next_at: DateTime<Utc>, now: DateTime<Utc>, offset_minutes: i32) -> Due {
    let shift = Duration::minutes(i64::from(offset_minutes));
    if next_at < now {
        Due::Overdue
    } else if (next_at + shift).date_naive() == (now + shift).date_naive() {
        Due::Today
    } else {
        Due::Later
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: i64) -> DateTime<Utc> {
        DateTime::UNIX_EPOCH + Duration::days(20_000) + Duration::hours(h)
    }

    #[test]
    fn due_is_overdue_before_now_and_today_until_the_readers_midnight() {
        let now = at(10);
        assert_eq!(due(at(9), now, 0), Due::Overdue);
        assert_eq!(due(at(23), now, 0), Due::Today);
        assert_eq!(due(at(25), now, 0), Due::Later);
        // In Beijing (UTC+8) 10:00 UTC is 18:00; 17:00 UTC is already tomorrow.
        assert_eq!(due(at(17), now, 480), Due::Later);
        assert_eq!(due(at(15), now, 480), Due::Today);
    }

    #[test]
    fn details_follow_the_lead_rules_but_need_no_way_to_reach() {
        let ok = CustomerDetails {
            name: "王先生".into(),
            company: "云帆物流".into(),
            ..CustomerDetails::default()
        };
        assert!(ok.validate().is_ok());
        let bad = CustomerDetails {
            name: " ".into(),
            phone: "12".into(),
            email: "not-mail".into(),
            tags: vec!["x".repeat(MAX_TAG_CHARS + 1)],
            ..CustomerDetails::default()
        };
        let errors = bad.validate().unwrap_err();
        for field in ["name", "phone", "email", "tags"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
    }

    #[test]
    fn tags_are_tidied_and_follow_ups_need_words_and_a_future_time() {
        let tidy = tidy_tags(&[" 重点 ".into(), "重点".into(), "".into(), "报价".into()]);
        assert_eq!(tidy, ["重点", "报价"]);
        let now = at(10);
        let mut f = NewFollowUp {
            id: "f-1".into(),
            text: "电话沟通报价".into(),
            next_at: Some(at(30)),
            ..NewFollowUp::default()
        };
        assert!(f.validate(now).is_ok());
        f.next_at = Some(at(8));
        assert!(f.validate(now).unwrap_err().get("next_at").is_some());
        f.text.clear();
        f.id = "not an id".into();
        let errors = f.validate(now).unwrap_err();
        assert!(errors.get("text").is_some() && errors.get("id").is_some());
        assert_eq!(default_stages().len(), 7);
    }
}

#[cfg(test)]
mod stage_tests {
    use super::*;

    fn stage(id: &str, name: Option<&str>, kind: StageKind) -> Stage {
        Stage {
            id: id.into(),
            name: name.map(str::to_owned),
            kind,
        }
    }

    fn problem(stages: &[Stage], in_use: &[&str]) -> Vec<(String, FieldProblem)> {
        let in_use = in_use.iter().map(|s| (*s).to_owned()).collect();
        match check_stages(stages, &in_use) {
            Ok(()) => Vec::new(),
            Err(e) => e.0.into_iter().map(|x| (x.field, x.problem)).collect(),
        }
    }

    #[test]
    fn an_organization_may_rename_reorder_and_add_stages() {
        let mut mine = default_stages();
        mine[1].name = Some("已加微信".into());
        mine.swap(2, 3);
        mine.insert(4, stage("contract", Some("签约中"), StageKind::Open));
        assert_eq!(problem(&mine, &[LEAD, FOLLOWING]), []);
    }

    #[test]
    fn stages_that_cannot_be_an_organizations_are_refused() {
        let won = stage(WON, None, StageKind::Won);
        let lead = stage(LEAD, None, StageKind::Open);
        let range = |f: &str| vec![(f.to_owned(), FieldProblem::Range)];
        assert_eq!(problem(std::slice::from_ref(&lead), &[]), range("stages"));
        assert_eq!(
            problem(&[won.clone(), lead.clone()], &[]),
            range("stages"),
            "starts open"
        );
        assert_eq!(
            problem(&[lead.clone(), lead.clone()], &[]),
            [("stages".to_owned(), FieldProblem::Taken)]
        );
        assert_eq!(
            problem(&[lead.clone(), won.clone()], &[FOLLOWING]),
            [("stages".to_owned(), FieldProblem::InUse)],
            "a stage customers are in stays"
        );
        assert_eq!(
            problem(&[lead.clone(), stage("x y", None, StageKind::Won)], &[]),
            [
                ("id".to_owned(), FieldProblem::Range),
                ("name".to_owned(), FieldProblem::Required)
            ]
        );
        let long = "长".repeat(MAX_STAGE_CHARS + 1);
        assert_eq!(
            problem(&[lead, stage("custom", Some(&long), StageKind::Won)], &[]),
            [(
                "name".to_owned(),
                FieldProblem::TooLong {
                    max: MAX_STAGE_CHARS
                }
            )]
        );
    }
}
