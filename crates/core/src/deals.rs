//! Deals (商机): what a customer may buy, for how much (in fen, exact: no floating
//! point anywhere), by when, how likely, and where it stands in the deal pipeline.

use crate::validate::{FieldErrors, FieldProblem, required};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A deal that has not moved for this many days is stale.
pub const STALE_DAYS: i64 = 14;
/// The largest amount a deal may carry: ¥10 billion, in fen.
pub const MAX_FEN: i64 = 1_000_000_000_000;

/// A deal's stage in the pipeline.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum DealStage {
    /// 初步接洽
    #[default]
    Qualify,
    /// 需求确认
    Needs,
    /// 方案报价
    Proposal,
    /// 商务谈判
    Negotiation,
    /// 赢单
    Won,
    /// 输单
    Lost,
}

impl DealStage {
    pub const ALL: [DealStage; 6] = [
        DealStage::Qualify,
        DealStage::Needs,
        DealStage::Proposal,
        DealStage::Negotiation,
        DealStage::Won,
        DealStage::Lost,
    ];

    pub fn key(self) -> &'static str {
        match self {
            DealStage::Qualify => "qualify",
            DealStage::Needs => "needs",
            DealStage::Proposal => "proposal",
            DealStage::Negotiation => "negotiation",
            DealStage::Won => "won",
            DealStage::Lost => "lost",
        }
    }

    pub fn from_key(key: &str) -> Option<DealStage> {
        DealStage::ALL.into_iter().find(|s| s.key() == key)
    }

    /// How likely a deal at this stage is to be won, in percent, unless the rep says.
    pub fn default_probability(self) -> u8 {
        match self {
            DealStage::Qualify => 10,
            DealStage::Needs => 30,
            DealStage::Proposal => 50,
            DealStage::Negotiation => 70,
            DealStage::Won => 100,
            DealStage::Lost => 0,
        }
    }

    /// Whether the deal is still being worked.
    pub fn is_open(self) -> bool {
        !matches!(self, DealStage::Won | DealStage::Lost)
    }

    /// The stage before and after, for moving a deal by keyboard.
    pub fn neighbour(self, forward: bool) -> Option<DealStage> {
        let i = DealStage::ALL.iter().position(|s| *s == self)?;
        let j = if forward {
            i.checked_add(1)?
        } else {
            i.checked_sub(1)?
        };
        DealStage::ALL.get(j).copied()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deal {
    pub id: String,
    pub contact_id: String,
    pub owner_id: String,
    pub title: String,
    /// In fen (1 yuan = 100 fen).
    pub amount_fen: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_close: Option<NaiveDate>,
    /// Percent.
    pub probability: u8,
    pub stage: DealStage,
    pub created_at: DateTime<Utc>,
    /// When it last moved (or was made): what "stale" counts from.
    pub moved_at: DateTime<Utc>,
}

impl Deal {
    /// Open and not moved for [`STALE_DAYS`].
    pub fn is_stale(&self, now: DateTime<Utc>) -> bool {
        self.stage.is_open() && now - self.moved_at >= Duration::days(STALE_DAYS)
    }

    /// The amount weighted by the probability, in fen, rounded down.
    pub fn weighted_fen(&self) -> i64 {
        self.amount_fen.saturating_mul(i64::from(self.probability)) / 100
    }
}

/// A deal as a rep opens it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDeal {
    /// Chosen by the client, so a retry stores it once.
    pub id: String,
    pub contact_id: String,
    pub title: String,
    pub amount_fen: i64,
    #[serde(default)]
    pub expected_close: Option<NaiveDate>,
    #[serde(default)]
    pub probability: Option<u8>,
}

impl NewDeal {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::default();
        e.check("id", crate::validate::public_id(&self.id))
            .check("title", required(&self.title, 100))
            .check("amount_fen", amount(self.amount_fen))
            .check(
                "probability",
                match self.probability {
                    Some(p) if p > 100 => Err(FieldProblem::Range),
                    _ => Ok(()),
                },
            );
        e.into_result()
    }
}

fn amount(fen: i64) -> Result<(), FieldProblem> {
    if (0..=MAX_FEN).contains(&fen) {
        Ok(())
    } else {
        Err(FieldProblem::Range)
    }
}

/// A deal's terms as a rep changes them (its stage moves on the pipeline), with the
/// id of the log entry a new title or amount makes (chosen by the client).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealEdit {
    pub title: String,
    pub amount_fen: i64,
    #[serde(default)]
    pub expected_close: Option<NaiveDate>,
    pub probability: u8,
    pub log_id: String,
}

impl DealEdit {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::default();
        e.check("title", required(&self.title, 100))
            .check("amount_fen", amount(self.amount_fen))
            .check(
                "probability",
                if self.probability > 100 {
                    Err(FieldProblem::Range)
                } else {
                    Ok(())
                },
            )
            .check("log_id", crate::validate::public_id(&self.log_id));
        e.into_result()
    }
}

/// A deal moved to another stage, as sent, with its log entry's id (chosen by the
/// client, so a retry logs once).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealMove {
    pub stage: DealStage,
    pub log_id: String,
}

/// Which deals the pipeline shows: the caller's own, or all they cover.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineQuery {
    #[serde(default)]
    pub mine: bool,
}

/// A deal on the pipeline, with its customer's name and whether it is stale.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineDeal {
    pub deal: Deal,
    pub contact_name: String,
    pub stale: bool,
}

/// One column of the pipeline: its deals (most recently moved first) and totals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineColumn {
    pub stage: DealStage,
    pub deals: Vec<PipelineDeal>,
    pub total_fen: i64,
    pub weighted_fen: i64,
}

/// The columns in stage order, every stage present.
pub fn pipeline(mut deals: Vec<PipelineDeal>) -> Vec<PipelineColumn> {
    deals.sort_by(|a, b| {
        b.deal
            .moved_at
            .cmp(&a.deal.moved_at)
            .then_with(|| a.deal.id.cmp(&b.deal.id))
    });
    DealStage::ALL
        .into_iter()
        .map(|stage| {
            let here: Vec<PipelineDeal> = deals
                .iter()
                .filter(|d| d.deal.stage == stage)
                .cloned()
                .collect();
            PipelineColumn {
                stage,
                total_fen: here
                    .iter()
                    .map(|d| d.deal.amount_fen)
                    .fold(0, i64::saturating_add),
                weighted_fen: here
                    .iter()
                    .map(|d| d.deal.weighted_fen())
                    .fold(0, i64::saturating_add),
                deals: here,
            }
        })
        .collect()
}

/// Yuan as typed ("12,345.6", "¥800", "3万" not accepted) to fen, exactly.
pub fn parse_yuan(typed: &str) -> Result<i64, FieldProblem> {
    let cleaned: String = typed
        .trim()
        .trim_start_matches(['¥', '￥'])
        .chars()
        .filter(|c| *c != ',' && *c != '，' && !c.is_whitespace())
        .collect();
    let (whole, frac) = match cleaned.split_once('.') {
        Some((w, f)) => (w, f),
        None => (cleaned.as_str(), ""),
    };
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !digits(whole) || (!frac.is_empty() && !digits(frac)) || frac.len() > 2 {
        return Err(FieldProblem::Range);
    }
    let yuan: i64 = whole.parse().map_err(|_| FieldProblem::Range)?;
    let fen: i64 = format!("{frac:0<2}")
        .parse()
        .map_err(|_| FieldProblem::Range)?;
    let total = yuan
        .checked_mul(100)
        .and_then(|y| y.checked_add(fen))
        .ok_or(FieldProblem::Range)?;
    amount(total).map(|()| total)
}

/// Fen as yuan for people: "¥12,345.60".
pub fn format_yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.unsigned_abs();
    let yuan = (fen / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in yuan.chars().enumerate() {
        if i > 0 && (yuan.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}¥{grouped}.{:02}", fen % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_are_read_and_written_exactly() {
        assert_eq!(parse_yuan("12,345.6"), Ok(1_234_560));
        assert_eq!(parse_yuan("¥800"), Ok(80_000));
        assert_eq!(parse_yuan("0.07"), Ok(7));
        assert_eq!(parse_yuan("0.1"), Ok(10));
        for bad in ["", "1.234", "-5", "3万", "1e5", "99999999999999"] {
            assert_eq!(parse_yuan(bad), Err(FieldProblem::Range), "{bad}");
        }
        assert_eq!(format_yuan(1_234_560), "¥12,345.60");
        assert_eq!(format_yuan(7), "¥0.07");
        assert_eq!(format_yuan(100_000_000), "¥1,000,000.00");
        // 0.1 + 0.2 is 0.3 here.
        assert_eq!(
            format_yuan(parse_yuan("0.1").unwrap() + parse_yuan("0.2").unwrap()),
            "¥0.30"
        );
    }

    #[test]
    fn the_pipeline_totals_and_weighs_each_stage_and_marks_stale_deals() {
        let t0 = DateTime::UNIX_EPOCH + Duration::days(20_000);
        let deal = |id: &str, stage, fen, p| Deal {
            id: id.into(),
            contact_id: "k".into(),
            owner_id: "u".into(),
            title: id.into(),
            amount_fen: fen,
            expected_close: None,
            probability: p,
            stage,
            created_at: t0,
            moved_at: t0,
        };
        let on = |deal| PipelineDeal {
            deal,
            contact_name: String::new(),
            stale: false,
        };
        let cols = pipeline(vec![
            on(deal("a", DealStage::Proposal, 100_000, 50)),
            on(deal("b", DealStage::Proposal, 333, 33)),
            on(deal("c", DealStage::Won, 500_000, 100)),
        ]);
        assert_eq!(cols.len(), DealStage::ALL.len());
        let proposal = &cols[2];
        assert_eq!(
            (proposal.total_fen, proposal.weighted_fen),
            (100_333, 50_109)
        );
        assert_eq!(cols[4].total_fen, 500_000);
        let open = deal("d", DealStage::Needs, 1, 10);
        assert!(!open.is_stale(t0 + Duration::days(13)));
        assert!(open.is_stale(t0 + Duration::days(14)));
        assert!(!deal("e", DealStage::Won, 1, 100).is_stale(t0 + Duration::days(99)));
        assert_eq!(DealStage::Qualify.neighbour(false), None);
        assert_eq!(DealStage::Qualify.neighbour(true), Some(DealStage::Needs));
        assert_eq!(DealStage::Lost.neighbour(true), None);
    }

    #[test]
    fn a_new_deal_needs_a_title_and_an_amount_in_range() {
        let mut d = NewDeal {
            id: "deal-1".into(),
            contact_id: "k".into(),
            title: "年度订阅".into(),
            amount_fen: 1_200_000,
            ..NewDeal::default()
        };
        assert!(d.validate().is_ok());
        d.title.clear();
        d.amount_fen = -1;
        d.probability = Some(101);
        let e = d.validate().unwrap_err();
        for f in ["title", "amount_fen", "probability"] {
            assert!(e.get(f).is_some(), "{f}");
        }
    }
}
